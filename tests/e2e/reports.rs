//! Reports (日统计, 周通报, 月汇总) over HTTP and from `hallq report`: a scripted day whose figures
//! are computed by hand here, in JSON, CSV, XLSX (read back with calamine) and HTML; and the
//! server's incremental projection against one rebuilt from scratch by the command line.

use crate::support::*;
use serde_json::{Value, json};

const DAY: &str = "2026-11-26";

fn at(hhmm: &str) -> String {
    format!("{DAY}T{hhmm}:00+08:00")
}

async fn ok(hall: &TestHall, token: &str, action: &str, body: Value) -> Value {
    let (s, b) = hall.act(token, 1, action, body).await;
    assert_eq!(s, 200, "{action}: {b}");
    b
}

/// Thursday 26 November 2026 at window 1 of the demo hall (item MA-001: 20 minutes expected).
async fn scripted_day(hall: &TestHall) -> String {
    hall.issue("MA-001").await; // A001 09:00
    hall.set_clock(&at("09:05"));
    hall.issue("MA-001").await; // A002 09:05
    hall.set_clock(&at("09:10"));
    hall.issue("MA-001").await; // A003 09:10
    let clerk = hall.sign_in("clerk01", 1).await;
    hall.set_clock(&at("09:15"));
    let called = ok(hall, &clerk, "call-next", json!({})).await; // A001 waited 900 s
    assert_eq!(called["ticket"]["number"], "A001");
    ok(hall, &clerk, "start", json!({})).await;
    hall.set_clock(&at("09:35"));
    ok(hall, &clerk, "finish", json!({})).await; // served 1,200 s
    let (s, r) = hall
        .post(
            "/api/v1/ratings",
            Some("demo-pad"),
            json!({"window": 1, "level": "very_satisfied"}),
        )
        .await;
    assert_eq!(s, 201, "{r}");
    ok(hall, &clerk, "call-next", json!({})).await; // A002 waited 1,800 s
    hall.set_clock(&at("09:36"));
    ok(hall, &clerk, "no-show", json!({})).await;
    hall.set_clock(&at("09:40"));
    ok(hall, &clerk, "call-next", json!({})).await; // A003 waited 1,800 s
    ok(hall, &clerk, "start", json!({})).await;
    hall.set_clock(&at("09:50"));
    ok(hall, &clerk, "finish", json!({"outcome": "accepted"})).await; // 600 s, a case
    clerk
}

/// GET with a bearer token; returns (status, content type, body bytes).
async fn fetch(hall: &TestHall, path: &str, token: &str) -> (u16, String, Vec<u8>) {
    let res = hall
        .http
        .get(hall.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let ctype = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, ctype, res.bytes().await.unwrap().to_vec())
}

fn window_row<'a>(report: &'a Value, key: &str) -> &'a Value {
    report["by_window"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == key)
        .unwrap_or_else(|| panic!("no window {key}: {report}"))
}

#[tokio::test]
async fn a_scripted_day_reports_the_figures_computed_by_hand_in_every_format() {
    let hall = spawn_hall_with(HallOptions {
        clock: Some(at("09:00")),
        ..Default::default()
    })
    .await;
    let clerk = scripted_day(&hall).await;
    let sup = hall.sign_in_supervisor().await;

    let (s, r) = hall
        .get(&format!("/api/v1/reports/daily?date={DAY}"), Some(&sup))
        .await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(
        (r["period"].as_str(), r["from"].as_str()),
        (Some("daily"), Some(DAY))
    );
    assert_eq!(r["seq"], hall.seq().await);
    let t = &r["total"];
    assert_eq!(
        (&t["tickets"], &t["served"], &t["no_show"]),
        (&json!(3), &json!(2), &json!(1))
    );
    // Waits 900, 1800, 1800: mean 1500, p50 and p90 1800; one of three within 20 minutes.
    assert_eq!(
        t["wait"],
        json!({"count": 3, "mean_s": 1500, "p50_s": 1800, "p90_s": 1800})
    );
    assert_eq!(t["within_target_permille"], 333);
    // Services 1200 and 600: mean 900, p50 and p90 1200.
    assert_eq!(
        t["service"],
        json!({"count": 2, "mean_s": 900, "p50_s": 1200, "p90_s": 1200})
    );
    assert_eq!(t["levels"], json!([1, 0, 0, 0, 0]));
    assert_eq!(
        (&t["satisfaction_permille"], &t["rating_rate_permille"]),
        (&json!(1000), &json!(500))
    );
    assert_eq!(
        (&t["cases_accepted"], &t["first_contacts"]),
        (&json!(1), &json!(3))
    );
    let w1 = window_row(&r, "1");
    assert_eq!((&w1["served"], &w1["no_show"]), (&json!(2), &json!(1)));
    assert_eq!(r["arrivals_by_hour"][9], 3);
    assert_eq!(
        r["waiting"]["times"],
        json!(["09:00", "09:15", "09:30", "09:45"])
    );

    // Refusals: clerks, unknown reports, formats and dates.
    let (s, p) = hall
        .get(&format!("/api/v1/reports/daily?date={DAY}"), Some(&clerk))
        .await;
    assert_eq!((s, p["code"].as_str()), (403, Some("forbidden")), "{p}");
    let (s, p) = hall.get("/api/v1/reports/yearly", Some(&sup)).await;
    assert_eq!(
        (s, p["code"].as_str()),
        (404, Some("unknown_report")),
        "{p}"
    );
    let (s, p) = hall
        .get("/api/v1/reports/daily?format=pdf", Some(&sup))
        .await;
    assert_eq!((s, p["code"].as_str()), (400, Some("invalid_query")), "{p}");
    let (s, _) = hall
        .get("/api/v1/reports/daily?date=2026-13-01", Some(&sup))
        .await;
    assert_eq!(s, 400);
    // The calendar's last week would run past its end: refused, not a crash.
    let (s, p) = hall
        .get("/api/v1/reports/weekly?date=9999-12-31", Some(&sup))
        .await;
    assert_eq!((s, p["code"].as_str()), (400, Some("invalid_query")), "{p}");
    assert!(p["detail"].as_str().unwrap().contains("2199-12-31"), "{p}");
    let (s, _) = hall.get("/api/v1/reports/daily", None).await;
    assert_eq!(s, 401);

    // The board's figures: the hall's charts for any staff, window rows only for supervisors.
    let (s, board) = hall.get("/api/v1/figures/board", Some(&sup)).await;
    assert_eq!(s, 200, "{board}");
    assert_eq!(board["windows"][0]["key"], "1");
    assert_eq!(board["windows"][0]["satisfaction_permille"], 1000);
    assert_eq!(
        board["wait_histogram"]["bins"][6]["count"], 2,
        "two waits of 30 min"
    );
    let (s, mine) = hall.get("/api/v1/figures/board", Some(&clerk)).await;
    assert_eq!(s, 200, "{mine}");
    assert_eq!(mine["windows"], json!([]));
    assert_eq!(mine["waiting"], board["waiting"]);
    let (s, _) = hall
        .get("/api/v1/figures/board", Some("demo-display"))
        .await;
    assert_eq!(s, 403);

    // CSV: a BOM for spreadsheets, CRLF lines, window 1 with its figures.
    let (s, ctype, csv) = fetch(
        &hall,
        &format!("/api/v1/reports/daily?date={DAY}&format=csv"),
        &sup,
    )
    .await;
    assert_eq!((s, ctype.as_str()), (200, "text/csv; charset=utf-8"));
    assert!(csv.starts_with(b"\xEF\xBB\xBF"), "BOM");
    let csv = String::from_utf8(csv).unwrap();
    assert!(csv.contains("\r\n"), "CRLF");
    let window = csv
        .lines()
        .find(|l| l.starts_with("1,市场准入综合窗口,"))
        .unwrap_or_else(|| panic!("no window 1 line: {csv}"));
    assert!(
        window.contains(",3,2,1,"),
        "tickets 3, served 2, no-show 1: {window}"
    );

    // XLSX, read back: the sheets and window 1's served count under its header.
    let (s, ctype, xlsx) = fetch(
        &hall,
        &format!("/api/v1/reports/daily?date={DAY}&format=xlsx"),
        &sup,
    )
    .await;
    assert_eq!(s, 200);
    assert!(ctype.contains("spreadsheetml"), "{ctype}");
    check_xlsx(xlsx);

    // HTML: printable, with its charts.
    let (s, ctype, html) = fetch(
        &hall,
        &format!("/api/v1/reports/daily?date={DAY}&format=html"),
        &sup,
    )
    .await;
    assert_eq!((s, ctype.as_str()), (200, "text/html; charset=utf-8"));
    let html = String::from_utf8(html).unwrap();
    assert!(
        html.contains("日统计") && html.contains("<svg"),
        "{html:.300}"
    );
}

fn check_xlsx(bytes: Vec<u8>) {
    use calamine::{Data, DataType, Reader, Xlsx};
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let names = book.sheet_names();
    for sheet in [
        "汇总",
        "按窗口",
        "按工作人员",
        "按部门",
        "按事项",
        "按主题",
        "按日",
    ] {
        assert!(names.iter().any(|n| n == sheet), "{sheet} in {names:?}");
    }
    let range = book.worksheet_range("按窗口").unwrap();
    let rows: Vec<_> = range.rows().collect();
    let col = |header_en: &str| {
        rows[1]
            .iter()
            .position(|c| c.as_string().as_deref() == Some(header_en))
            .unwrap_or_else(|| panic!("no column {header_en:?} in {:?}", rows[1]))
    };
    let window = rows
        .iter()
        .skip(2)
        .find(|r| r[col("Key")].as_string().as_deref() == Some("1"))
        .expect("window 1's row");
    assert_eq!(window[col("Served")], Data::Float(2.0));
    assert_eq!(window[col("No-shows")], Data::Float(1.0));
    assert_eq!(window[col("Wait mean (s)")], Data::Float(1500.0));
}

#[tokio::test]
async fn the_live_projection_equals_one_rebuilt_from_scratch_also_after_a_restart() {
    let mut hall = spawn_hall_with(HallOptions {
        clock: Some(at("09:00")),
        ..Default::default()
    })
    .await;
    scripted_day(&hall).await;
    // The next morning: yesterday's tickets are done, one more today.
    hall.set_clock("2026-11-27T08:45:00+08:00");
    hall.issue("MA-002").await;
    let sup = hall.sign_in_supervisor().await;
    let data = hall.data.path().to_str().unwrap().to_owned();
    let mut served = Vec::new();
    for (period, date) in [("daily", DAY), ("weekly", DAY), ("monthly", "2026-11-27")] {
        let (s, live) = hall
            .get(&format!("/api/v1/reports/{period}?date={date}"), Some(&sup))
            .await;
        assert_eq!(s, 200, "{live}");
        let (code, out) = hall.cli(&[
            "report", period, "--date", date, "--format", "json", "--data", &data,
        ]);
        assert_eq!(code, 0, "{out}");
        let rebuilt: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(
            rebuilt, live,
            "{period}: rebuilt from scratch == incremental"
        );
        served.push(live["total"]["tickets"].as_u64().unwrap());
    }
    assert_eq!(served, [3, 4, 4]);

    // Restarted, the controller catches its projection up from the log: the same report.
    let (_, before) = hall
        .get("/api/v1/reports/weekly?date=2026-11-27", Some(&sup))
        .await;
    hall.restart();
    let sup = hall.sign_in_supervisor().await;
    let (s, after) = hall
        .get("/api/v1/reports/weekly?date=2026-11-27", Some(&sup))
        .await;
    assert_eq!(s, 200, "{after}");
    assert_eq!(after["total"], before["total"]);
    assert_eq!(after["by_window"], before["by_window"]);

    // The command line writes files too, and says what it wrote.
    let file = hall.data.path().join("month.xlsx");
    let (code, out) = hall.cli(&[
        "report",
        "monthly",
        "--date",
        DAY,
        "--format",
        "xlsx",
        "--data",
        &data,
        "--out",
        file.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("月汇总"), "{out}");
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&file).unwrap();
    assert!(calamine::Reader::worksheet_range(&mut book, "汇总").is_ok());
    // Bad input changes nothing and says why.
    let (code, out) = hall.cli(&["report", "daily", "--data", "/nonexistent-hallq"]);
    assert_ne!(code, 0);
    assert!(out.contains("no event log"), "{out}");
    let (code, out) = hall.cli(&["report", "monthly", "--date", "9999-12-31", "--data", &data]);
    assert_ne!(code, 0);
    assert!(out.contains("reports cover"), "{out}");
    let (code, out) = hall.cli(&["report", "yearly", "--data", &data]);
    assert_ne!(code, 0);
    assert!(out.contains("daily"), "clap lists the periods: {out}");
}

/// The attribute `attr` of the element `css` in the page (empty when it has none).
async fn attr(b: &crate::browser::Browser, css: &str, attr: &str) -> String {
    b.js_with(
        "const e = document.querySelector(arguments[0]); return e ? (e.getAttribute(arguments[1]) || '') : ''",
        vec![json!(css), json!(attr)],
    )
    .await
    .as_str()
    .unwrap_or("")
    .to_owned()
}

/// Waits until the dialog's three links are the controller's signed links for `period`.
async fn wait_links(b: &crate::browser::Browser, period: &str) {
    b.wait_until(
        &format!(
            "['html', 'xlsx', 'csv'].every(f => (document.getElementById('report-' + f).getAttribute('href') || '').startsWith('/api/v1/reports/{period}?'))"
        ),
        std::time::Duration::from_secs(5),
        "the signed links",
    )
    .await;
}

/// GET without an Authorization header (the link is signed); returns (status,
/// content type, content disposition, body bytes).
async fn fetch_link(hall: &TestHall, href: &str) -> (u16, String, String, Vec<u8>) {
    let res = hall.http.get(hall.url(href)).send().await.unwrap();
    let header = |name: &str| {
        res.headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    let (ctype, disposition) = (header("content-type"), header("content-disposition"));
    let status = res.status().as_u16();
    (
        status,
        ctype,
        disposition,
        res.bytes().await.unwrap().to_vec(),
    )
}

/// Fails when a top-bar button wraps or anything in the reports dialog is wider than its box.
async fn assert_tidy(b: &crate::browser::Browser, what: &str) {
    let bad = b
        .js(
            "const out = [];\
             for (const e of document.querySelectorAll('.topbar .top-btn, .topbar .clock, .topbar .who')) {\
               const r = e.getBoundingClientRect();\
               if (r.width && r.height > 50) out.push(`${e.id || e.className} wraps: ${r.height}px`);\
             }\
             const d = document.getElementById('reports-dialog');\
             if (d.open) for (const e of d.querySelectorAll('*')) {\
               if (e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).display !== 'inline')\
                 out.push(`${e.id || e.className || e.tagName}: ${e.scrollWidth} > ${e.clientWidth}`);\
             }\
             return out;",
        )
        .await;
    assert_eq!(bad, json!([]), "{what}");
}

#[tokio::test]
async fn the_supervisor_board_opens_and_downloads_the_reports_with_plain_links() {
    let hall = spawn_hall_with(HallOptions {
        clock: Some(at("09:00")),
        ..Default::default()
    })
    .await;
    scripted_day(&hall).await;

    let b = crate::browser::Browser::start().await;
    crate::supervisor_page::open_board(&b, &hall).await;
    b.wait_text("[data-figure=served]", "2").await;
    b.wait_text("#btn-reports", "报表").await;
    b.assert_no_horizontal_overflow("the board with its reports button")
        .await;
    let token = crate::supervisor_page::board_token(&b).await;

    // The dialog: today's business day on the controller's clock, a day's report first, the
    // focus inside.
    b.click("#btn-reports").await;
    b.wait_for("#reports-dialog[open]").await;
    assert_eq!(
        b.js("return document.getElementById('reports-dialog').contains(document.activeElement)")
            .await,
        true,
        "the focus goes into the dialog"
    );
    assert_eq!(
        b.js("return document.getElementById('report-date').value")
            .await,
        DAY
    );
    let span = b.wait_text("#report-span", DAY).await;
    assert!(span.contains("星期四"), "{span}");
    assert_eq!(
        b.js("return document.querySelector('input[name=report-period]:checked').value")
            .await,
        "daily"
    );

    // The week: Monday to Sunday around the day, in the span and in all three links.
    b.click("input[name=report-period][value=weekly]").await;
    let span = b
        .wait_text("#report-span", "2026-11-23 至 2026-11-29")
        .await;
    assert!(span.contains("7"), "{span}");
    wait_links(&b, "weekly").await;
    let mut hrefs = Vec::new();
    for (link, format) in [
        ("a#report-html", "html"),
        ("a#report-xlsx", "xlsx"),
        ("a#report-csv", "csv"),
    ] {
        let href = attr(&b, link, "href").await;
        assert!(href.starts_with("/api/v1/reports/weekly?"), "{href}");
        for part in [
            format!("date={DAY}"),
            format!("format={format}"),
            "expires=".to_owned(),
            "sig=".to_owned(),
        ] {
            assert!(href.contains(&part), "{part} in {href}");
        }
        // Signed by the controller: the session token is nowhere in the link.
        assert!(!href.contains("token=") && !href.contains(&token), "{href}");
        hrefs.push(href);
    }
    assert_eq!(attr(&b, "a#report-html", "target").await, "_blank");
    assert!(attr(&b, "a#report-html", "rel").await.contains("noopener"));
    assert_eq!(
        attr(&b, "a#report-xlsx", "download").await,
        "hallq-weekly-2026-11-23.xlsx"
    );
    assert_eq!(
        attr(&b, "a#report-csv", "download").await,
        "hallq-weekly-2026-11-23.csv"
    );
    assert_tidy(&b, "the dialog").await;
    b.screenshot("report-dialog").await;

    // The files, fetched with the signed link alone, no Authorization header.
    let (s, ctype, disposition, xlsx) = fetch_link(&hall, &hrefs[1]).await;
    assert_eq!(s, 200, "{}", String::from_utf8_lossy(&xlsx));
    assert!(ctype.contains("spreadsheetml"), "{ctype}");
    assert!(
        disposition.contains("attachment") && disposition.contains("hallq-weekly-2026-11-23.xlsx"),
        "{disposition}"
    );
    check_xlsx(xlsx);
    let (s, ctype, disposition, csv) = fetch_link(&hall, &hrefs[2]).await;
    assert_eq!((s, ctype.as_str()), (200, "text/csv; charset=utf-8"));
    assert!(disposition.contains("attachment"), "{disposition}");
    let csv = String::from_utf8(csv).unwrap();
    assert!(
        csv.lines()
            .any(|l| l.starts_with("1,市场准入综合窗口,") && l.contains(",3,2,1,")),
        "window 1 in the weekly CSV: {csv:.400}"
    );

    // The month; an empty date gives no links.
    b.click("input[name=report-period][value=monthly]").await;
    b.wait_text("#report-span", "2026-11-01 至 2026-11-30")
        .await;
    wait_links(&b, "monthly").await;
    b.js("const d = document.getElementById('report-date'); d.value = ''; d.dispatchEvent(new Event('input')); return true")
        .await;
    b.wait_text("#report-span", "请选择日期").await;
    assert_eq!(attr(&b, "a#report-xlsx", "href").await, "");
    assert_eq!(attr(&b, "a#report-xlsx", "aria-disabled").await, "true");
    b.click("#report-today").await;
    b.wait_text("#report-span", "2026-11-01 至 2026-11-30")
        .await;

    // Esc closes it and gives the focus back to the button; the choice is kept.
    b.client
        .active_element()
        .await
        .unwrap()
        .send_keys("\u{e00c}")
        .await
        .unwrap();
    b.wait_until(
        "!document.getElementById('reports-dialog').open",
        std::time::Duration::from_secs(5),
        "Esc to close the dialog",
    )
    .await;
    b.wait_until(
        "document.activeElement && document.activeElement.id === 'btn-reports'",
        std::time::Duration::from_secs(5),
        "the focus back on the reports button",
    )
    .await;

    // English second.
    b.click("#btn-lang").await;
    b.wait_text("#btn-reports", "Reports").await;
    b.assert_no_horizontal_overflow("the board in English")
        .await;
    b.click("#btn-reports").await;
    b.wait_text("#report-span", "2026-11-01 to 2026-11-30")
        .await;
    b.wait_text("a#report-xlsx", "Download Excel").await;
    b.click("input[name=report-period][value=weekly]").await;
    b.wait_text("#report-span", "2026-11-23 to 2026-11-29")
        .await;
    assert_tidy(&b, "the dialog in English").await;
    // The demo hall's English name still fits beside the four buttons.
    assert_eq!(
        b.js(
            "const h = document.getElementById('hall-name'); return h.scrollWidth <= h.clientWidth"
        )
        .await,
        true,
        "the hall's name cut short"
    );
    b.screenshot("report-dialog-en").await;
    b.click("input[name=report-period][value=daily]").await;
    b.wait_text("#report-span", "Thursday").await;
    wait_links(&b, "daily").await;
    let daily = attr(&b, "a#report-html", "href").await;
    assert!(
        daily.starts_with("/api/v1/reports/daily?")
            && daily.contains("format=html")
            && daily.contains(&format!("date={DAY}")),
        "{daily}"
    );
    b.click("#reports-close").await;
    b.wait_until(
        "!document.getElementById('reports-dialog').open",
        std::time::Duration::from_secs(5),
        "the close button to close the dialog",
    )
    .await;
    b.click("#btn-lang").await;
    b.wait_text("#btn-reports", "报表").await;

    // The day's report in the browser, from the link alone (same tab here), at A4 width.
    b.set_size(1240, 1754).await;
    b.goto(&hall.url(&daily)).await;
    b.wait_for("main.report").await;
    let title = b.js("return document.title").await;
    let title = title.as_str().unwrap();
    assert!(
        title.contains("日统计") && title.contains("冷水滩区政务服务中心"),
        "{title}"
    );
    let masthead = b.inner_text("header.masthead").await;
    assert!(
        masthead.contains("冷水滩区政务服务中心") && masthead.contains(DAY),
        "{masthead}"
    );
    assert!(
        b.js("return document.querySelectorAll('svg').length")
            .await
            .as_u64()
            .unwrap()
            > 0,
        "the report's charts"
    );
    let served = b
        .js("const t = Array.from(document.querySelectorAll('.tile')).find(t => t.querySelector('.label').textContent.startsWith('已办理')); return t ? t.querySelector('.value').textContent : ''")
        .await;
    assert!(
        served.as_str().unwrap().starts_with('2'),
        "the hall served 2: {served}"
    );
    b.assert_no_horizontal_overflow("the daily report at 1240 px")
        .await;
    b.screenshot("report-daily-html").await;

    // A link opens its own report only: another format, date or period, or a changed
    // signature, is refused; and it lasts ten minutes.
    let tampered = [
        hrefs[2].replace("format=csv", "format=json"),
        hrefs[2].replace(&format!("date={DAY}"), "date=2026-11-25"),
        hrefs[2].replace("/weekly?", "/monthly?"),
        {
            let (head, sig) = hrefs[2].rsplit_once("sig=").unwrap();
            let flipped = if sig.starts_with('0') { "1" } else { "0" };
            format!("{head}sig={flipped}{}", &sig[1..])
        },
    ];
    for href in &tampered {
        let (s, _, _, body) = fetch_link(&hall, href).await;
        assert_eq!(s, 403, "{href}: {}", String::from_utf8_lossy(&body));
    }
    let unsigned = hrefs[2].split("&expires=").next().unwrap().to_owned();
    assert_eq!(fetch_link(&hall, &unsigned).await.0, 401, "{unsigned}");
    // Signed at 09:50, the links open their reports until 10:00.
    hall.set_clock(&at("09:59"));
    assert_eq!(fetch_link(&hall, &hrefs[2]).await.0, 200, "still valid");
    hall.set_clock(&at("10:01"));
    let (s, _, _, body) = fetch_link(&hall, &hrefs[2]).await;
    let problem: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        (s, problem["code"].as_str()),
        (403, Some("link_expired")),
        "{problem}"
    );

    // Signed out.
    b.set_size(1920, 1080).await;
    b.goto(&hall.url("/supervisor")).await;
    b.click("#btn-signout").await;
    b.wait_for("#signin-form").await;

    // A clerk on the board: no reports button (the controller would refuse them).
    b.js("document.getElementById('in-clerk').value = ''; return true")
        .await;
    b.type_into("#in-clerk", "clerk01").await;
    b.type_into("#in-password", "demo").await;
    b.click("#btn-signin").await;
    b.wait_for("#screen-board").await;
    b.wait_text("[data-figure=served]", "2").await;
    assert_eq!(
        b.js("return document.getElementById('btn-reports').hidden")
            .await,
        true,
        "no reports button for a clerk"
    );
    b.close().await;
}
