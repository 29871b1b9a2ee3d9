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
    let (s, _) = hall.get("/api/v1/reports/daily", None).await;
    assert_eq!(s, 401);

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
}
