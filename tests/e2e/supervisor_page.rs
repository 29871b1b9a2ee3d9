//! The supervisor's live dashboard (`/supervisor`) in a real headless Chromium at 1920×1080
//! against the real controller: sign-in without a window, today's figures, the queue and window
//! tables, an alert acknowledged with one click; then a morning in two themes: the waiting
//! chart and the wait histogram against `/api/v1/figures/board`, the time limits with an
//! overdue case, each window's service timer, day figures and LED preview, and the panels going
//! to "—" when their reads fail. Screenshots land in `target/screenshots/supervisor-*.png`.

use crate::browser::Browser;
use crate::support::*;
use serde_json::{Value, json};
use std::time::Duration;

#[tokio::test]
async fn a_supervisor_signs_in_sees_a_long_wait_alert_and_acknowledges_it() {
    let hall = spawn_hall_with(HallOptions {
        clock: Some("2026-11-26T09:00:00+08:00".into()),
        ..Default::default()
    })
    .await;
    let first = hall.issue("MA-001").await;
    let number = first["number"].as_str().unwrap().to_owned();

    let b = Browser::start().await;
    open_board(&b, &hall).await;

    // The board: figures, queues, windows; no alert yet.
    b.wait_text("[data-figure=issued]", "1").await;
    b.wait_text("#queues tr[data-queue=A]", "1").await;
    b.wait_for("#windows tr[data-window='1']").await;
    b.wait_text("#alerts", "当前没有告警").await;
    let token = board_token(&b).await;
    assert_eq!(token.len(), 64, "{token}");
    b.assert_no_horizontal_overflow("supervisor board").await;
    b.screenshot("supervisor-board").await;

    // Past the wait alarm; a new event makes the page read again.
    hall.set_clock("2026-11-26T09:31:00+08:00");
    hall.issue("MA-001").await;
    let alert = "li.alert[data-kind=long_wait][data-acknowledged=false]";
    let text = b.wait_text(alert, &number).await;
    assert!(text.contains("等候超时"), "{text}");
    b.wait_text("[data-figure=issued]", "2").await;
    b.wait_text("#alerts-open", "1").await;
    b.screenshot("supervisor-alert").await;

    // Acknowledge: greyed with a check mark, and an event in the log.
    b.click("li.alert[data-kind=long_wait] .ack-btn").await;
    let text = b
        .wait_text(
            "li.alert[data-kind=long_wait][data-acknowledged=true]",
            "已确认",
        )
        .await;
    assert!(text.contains(&number), "{text}");
    b.wait_until(
        "document.getElementById('alerts-open').hidden",
        Duration::from_secs(5),
        "no open alert left",
    )
    .await;
    let acks: Vec<_> = hall
        .all_events()
        .await
        .into_iter()
        .filter(|e| e["type"] == "alert_acknowledged")
        .collect();
    assert_eq!(acks.len(), 1, "{acks:?}");
    assert!(
        acks[0]["alert"].as_str().unwrap().starts_with("wait:"),
        "{acks:?}"
    );
    assert!(
        b.js("return document.querySelectorAll('.ack-btn').length")
            .await
            == 0
    );

    // English second.
    b.click("#btn-lang").await;
    b.wait_text("#alerts", "Acknowledged").await;
    b.wait_text("#alerts", "Long wait").await;
    b.screenshot("supervisor-acknowledged-en").await;
    b.close().await;
}

/// Opens `/supervisor` at 1920×1080 and signs the supervisor in; waits for the board.
pub async fn open_board(b: &Browser, hall: &TestHall) {
    b.set_size(1920, 1080).await;
    b.goto(&hall.url("/supervisor")).await;
    b.wait_for("#signin-form").await;
    b.type_into("#in-clerk", "super").await;
    b.type_into("#in-password", "demo").await;
    b.click("#btn-signin").await;
    b.wait_for("#screen-board").await;
}

/// The board's session token, from the page's sessionStorage.
pub async fn board_token(b: &Browser) -> String {
    b.js("return JSON.parse(sessionStorage.getItem('hallq.supervisor.session')).token")
        .await
        .as_str()
        .unwrap()
        .to_owned()
}

/// Calls the next ticket at `window` and starts serving it; returns its number.
async fn call_and_start(hall: &TestHall, token: &str, window: u32) -> String {
    let (s, called) = hall.act(token, window, "call-next", json!({})).await;
    assert_eq!(s, 200, "call-next at {window}: {called}");
    let (s, started) = hall.act(token, window, "start", json!({})).await;
    assert_eq!(s, 200, "start at {window}: {started}");
    called["ticket"]["number"].as_str().unwrap().to_owned()
}

/// Finishes the ticket in service at `window` with `body` (an outcome or nothing).
async fn finish(hall: &TestHall, token: &str, window: u32, body: Value) -> Value {
    let (s, done) = hall.act(token, window, "finish", body).await;
    assert_eq!(s, 200, "finish at {window}: {done}");
    done
}

/// The attribute `attr` of every element matching `css`, in document order.
async fn attrs(b: &Browser, css: &str, attr: &str) -> Vec<String> {
    b.js_with(
        "return Array.from(document.querySelectorAll(arguments[0])).map(e => e.getAttribute(arguments[1]) || '')",
        vec![json!(css), json!(attr)],
    )
    .await
    .as_array()
    .unwrap()
    .iter()
    .map(|v| v.as_str().unwrap_or("").to_owned())
    .collect()
}

/// The text of `css` as the DOM holds it (`textContent`: SVG elements have no `innerText`).
async fn text_content(b: &Browser, css: &str) -> String {
    b.js_with(
        "const e = document.querySelector(arguments[0]); return e ? e.textContent : ''",
        vec![json!(css)],
    )
    .await
    .as_str()
    .unwrap_or("")
    .to_owned()
}

/// Fails when a panel's content is wider than the panel (a table clipped at its edge).
async fn assert_no_panel_scrolls_sideways(b: &Browser) {
    let wide = b
        .js(
            "return Array.from(document.querySelectorAll('#screen-board .panel'))\
             .filter(p => p.scrollWidth > p.clientWidth + 1)\
             .map(p => `${p.querySelector('.panel-title').textContent.trim()}: ${p.scrollWidth} > ${p.clientWidth}`)",
        )
        .await;
    assert_eq!(wide, json!([]), "panels wider than their box");
}

/// The histogram's bars as (from minute, count), in order.
async fn histogram(b: &Browser) -> Vec<(String, String)> {
    let from = attrs(b, "#chart-waits rect.bar", "data-from").await;
    let count = attrs(b, "#chart-waits rect.bar", "data-count").await;
    from.into_iter().zip(count).collect()
}

#[tokio::test]
async fn the_board_charts_the_day_times_each_window_and_lists_the_overdue_case() {
    // Tuesday: a case accepted at window 1 with a one-working-day limit, due Wednesday.
    let hall = spawn_hall_with(HallOptions {
        clock: Some("2026-11-24T09:00:00+08:00".into()),
        ..Default::default()
    })
    .await;
    let at = |hhmm: &str| hall.set_clock(&format!("2026-11-26T{hhmm}:00+08:00"));
    hall.issue("MA-001").await;
    let w1 = hall.sign_in("clerk01", 1).await;
    call_and_start(&hall, &w1, 1).await;
    let done = finish(&hall, &w1, 1, json!({"outcome": "accepted"})).await;
    let late_case = done["ticket"]["case"].as_str().unwrap().to_owned();
    assert_eq!(
        (late_case.as_str(), done["ticket"]["due"].as_str()),
        ("SL202611240001", Some("2026-11-25"))
    );

    // Thursday morning, that case still open: a working day overdue. Two themes queue up
    // (market access A, construction B) and windows 1, 2 and 4 work through them.
    at("08:30");
    for item in ["MA-001", "MA-001", "MA-001", "CP-001", "CP-001"] {
        hall.issue(item).await;
    }
    let w1 = hall.sign_in("clerk01", 1).await;
    let w2 = hall.sign_in("clerk02", 2).await;
    let w4 = hall.sign_in("clerk04", 4).await;
    at("08:47");
    assert_eq!(call_and_start(&hall, &w1, 1).await, "A001"); // waited 17 min
    at("08:58");
    let a001 = finish(&hall, &w1, 1, json!({"outcome": "accepted"})).await;
    let (s, r) = hall
        .post(
            "/api/v1/ratings",
            Some("demo-pad"),
            json!({"window": 1, "level": "satisfied"}),
        )
        .await;
    assert_eq!(s, 201, "{r}");
    at("09:00");
    hall.issue("MA-001").await; // A004
    at("09:02");
    assert_eq!(call_and_start(&hall, &w4, 4).await, "B001"); // 32 min
    at("09:13");
    assert_eq!(call_and_start(&hall, &w1, 1).await, "A002"); // 43 min
    at("09:20");
    finish(&hall, &w4, 4, json!({})).await;
    at("09:24");
    finish(&hall, &w1, 1, json!({"outcome": "accepted"})).await;
    // The back office completes the first of today's cases, on time.
    let case = a001["ticket"]["case"].as_str().unwrap();
    let (s, c) = hall
        .post(
            &format!("/api/v1/cases/{case}/complete"),
            Some(&w2),
            json!({}),
        )
        .await;
    assert_eq!((s, c["on_time"].as_bool()), (200, Some(true)), "{c}");
    at("09:31");
    assert_eq!(call_and_start(&hall, &w2, 2).await, "A003"); // 61 min
    at("09:42");
    assert_eq!(call_and_start(&hall, &w4, 4).await, "B002"); // 72 min
    at("09:45");
    hall.issue("CP-001").await; // B003
    at("09:50");
    finish(&hall, &w2, 2, json!({})).await;
    at("09:51");
    finish(&hall, &w4, 4, json!({})).await;
    at("09:53");
    assert_eq!(call_and_start(&hall, &w4, 4).await, "B003"); // 8 min
    at("10:04");
    finish(&hall, &w4, 4, json!({})).await;
    at("10:05");

    let b = Browser::start().await;
    open_board(&b, &hall).await;
    b.wait_text("[data-figure=issued]", "7").await;
    // The page keeps the controller's clock, not this machine's.
    b.wait_text("#clock", "2026/11/26 10:05").await;
    let token = board_token(&b).await;

    // Time limits: the overdue case listed, the open cases by working days left, the on-time
    // rate of the completed one.
    let row = format!("#overdue-list tr[data-case='{late_case}']");
    let text = b.wait_text(&row, &late_case).await;
    assert!(text.contains("设立登记"), "{text}");
    assert_eq!(attrs(&b, &row, "data-days-over").await, ["1"]);
    let buckets = attrs(&b, "#timelimits [data-days-left]", "data-days-left").await;
    assert_eq!(buckets, ["overdue", "0", "1", "2", "3-5", "6+"]);
    let counts = attrs(&b, "#timelimits [data-days-left]", "data-count").await;
    assert_eq!(counts, ["1", "0", "1", "0", "0", "0"]);
    b.wait_text("#tl-rate", "100.0%").await;

    // The waiting chart: a line for each theme anyone waited in, as the board endpoint gives
    // them; the social-affairs theme stayed at zero and is left out.
    let (s, board) = hall.get("/api/v1/figures/board", Some(&token)).await;
    assert_eq!(s, 200, "{board}");
    assert_eq!(board["waiting"]["times"][0], "08:30", "{board}");
    b.wait_until(
        "document.querySelectorAll('#chart-waiting polyline').length === 2",
        Duration::from_secs(10),
        "two lines in the waiting chart",
    )
    .await;
    let themes = attrs(&b, "#chart-waiting polyline", "data-theme").await;
    assert_eq!(themes, ["market", "construction"]);
    let points = attrs(&b, "#chart-waiting polyline", "data-points").await;
    for (theme, drawn) in themes.iter().zip(&points) {
        let series = board["waiting"]["series"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["theme"] == theme.as_str())
            .unwrap();
        let expected: Vec<String> = series["points"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.to_string())
            .collect();
        assert_eq!(drawn, &expected.join(","), "{theme}");
        assert!(expected.iter().any(|p| p != "0"), "{theme}: {expected:?}");
    }
    let legend = b.inner_text("#chart-waiting-legend").await;
    assert!(
        legend.contains("市场准入") && legend.contains("工程建设"),
        "{legend}"
    );
    assert!(!legend.contains("社会事务"), "{legend}");
    let axis = text_content(&b, "#chart-waiting svg").await;
    assert!(axis.contains("09:00"), "{axis}");

    // Each window's day: window 1 served two in 11 minutes each and was rated satisfied;
    // window 4 served three (18 + 9 + 11 minutes).
    b.wait_text("[data-mean-service='1']", "11").await;
    b.wait_text("[data-satisfaction='1']", "100.0%").await;
    b.wait_text("[data-mean-service='4']", "13").await;
    assert_eq!(b.inner_text("[data-satisfaction='4']").await, "—");
    assert_eq!(b.inner_text("[data-mean-service='3']").await, "—");

    // The LED previews: one per window, loaded, each read once so far.
    b.wait_until(
        "Array.from(document.querySelectorAll('img.led-preview')).every(i => i.complete && i.naturalWidth === 320)",
        Duration::from_secs(10),
        "every LED preview loaded",
    )
    .await;
    let before = attrs(&b, "img.led-preview", "src").await;
    assert_eq!(before.len(), 24);
    // A004 has waited 65 minutes: an alert beside the queues.
    b.wait_text("li.alert[data-kind=long_wait]", "A004").await;
    b.screenshot("supervisor-morning").await;

    // Window 1 calls the last one waiting (66 min) while the board looks on.
    at("10:06");
    assert_eq!(call_and_start(&hall, &w1, 1).await, "A004");
    let serving = "#windows tr[data-window='1'][data-state=serving]";
    b.wait_text(serving, "A004").await;
    let timer = format!("{serving} [data-service-timer]");
    let first = b.inner_text(&timer).await;
    assert!(
        first.len() == 5 && first.starts_with("00:"),
        "the timer counts from the start on the controller's clock: {first:?}"
    );
    b.wait_until(
        &format!("document.querySelector(\"{timer}\").textContent !== '{first}'"),
        Duration::from_secs(5),
        "the service timer to tick",
    )
    .await;
    b.wait_until(
        "(() => { const i = document.querySelector(\"img.led-preview[data-window='1']\"); \
         return i.complete && i.naturalWidth === 320 && i.src.includes('scale=2'); })()",
        Duration::from_secs(10),
        "window 1's LED preview reloaded",
    )
    .await;
    // The waits: 8, 17, 32, 43 minutes, and 61, 66, 72 in the open-ended last bin.
    let mut expected: Vec<(String, String)> = (0..13)
        .map(|i| ((i * 5).to_string(), "0".to_owned()))
        .collect();
    for (bin, n) in [(1, 1), (3, 1), (6, 1), (8, 1), (12, 3)] {
        expected[bin].1 = n.to_string();
    }
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while histogram(&b).await != expected && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(histogram(&b).await, expected);
    let labels = text_content(&b, "#chart-waits svg").await;
    assert!(labels.contains("60+"), "{labels}");
    // Only window 1's preview was read again; the others kept their image.
    let after = attrs(&b, "img.led-preview", "src").await;
    let changed: Vec<usize> = (0..24).filter(|&i| before[i] != after[i]).collect();
    assert_eq!(changed, [0], "{before:?}\n{after:?}");
    b.assert_no_horizontal_overflow("supervisor board with charts")
        .await;
    assert_no_panel_scrolls_sideways(&b).await;
    assert!(
        b.js("return document.documentElement.scrollHeight <= window.innerHeight")
            .await
            == true,
        "the board scrolls"
    );
    b.screenshot("supervisor-charts").await;

    // English second.
    b.click("#btn-lang").await;
    b.wait_text("#chart-waiting-legend", "Market access").await;
    b.wait_text("#timelimits", "Overdue").await;
    b.assert_no_horizontal_overflow("supervisor board in English")
        .await;
    assert_no_panel_scrolls_sideways(&b).await;
    b.screenshot("supervisor-charts-en").await;

    // The panels' own reads fail: they show "—" and the rest of the board keeps going.
    b.js(
        "const f = window.fetch; window.fetch = (u, o) => /figures\\/board|\\/cases/.test(String(u)) \
         ? Promise.resolve(new Response('{}', {status: 500, headers: {'content-type': 'application/json'}})) \
         : f(u, o); return true;",
    )
    .await;
    hall.issue("MA-001").await;
    b.wait_text("[data-figure=issued]", "8").await;
    b.wait_for("#chart-waiting .chart-note.unavailable").await;
    b.wait_for("#chart-waits .chart-note.unavailable").await;
    b.wait_text("#overdue-list", "—").await;
    assert_eq!(b.inner_text("[data-mean-service='1']").await, "—");
    b.wait_text("#queues tr[data-queue=A]", "1").await;
    b.screenshot("supervisor-degraded").await;
    b.close().await;
}
