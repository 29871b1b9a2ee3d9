//! The tablet rating pad (`/pad`, 好差评) in a real headless Chromium at 1280×800, next to the
//! clerk's console in a second browser: the clerk finishes a visit, the pad asks for a rating,
//! the citizen chooses a level and a reason; a request nobody answers runs out and stays
//! unrated; a visit is rated once; a clerk can never rate. What the pad shows is checked against
//! the event log. Screenshots: `target/screenshots/pad-*.png`.

use crate::browser::{Browser, WAIT};
use crate::clerk_console::{press, sign_in};
use crate::support::*;
use serde_json::{Value, json};
use std::time::Duration;

/// The 10-inch tablet beside the window, landscape.
async fn tablet(hall: &TestHall) -> Browser {
    let b = Browser::start().await;
    b.set_size(1280, 800).await;
    b.goto(&hall.url("/pad?token=demo-pad")).await;
    b
}

/// The page's current screen (`loading`, `idle`, `rate`, `done`, `setup`).
async fn screen_is(b: &Browser, screen: &str, timeout: Duration) {
    b.wait_until(
        &format!("document.getElementById('pad').dataset.screen === '{screen}'"),
        timeout,
        &format!("the pad's {screen} screen"),
    )
    .await;
}

/// Checks the five levels: large targets, stars and words, best first.
async fn check_levels(b: &Browser) {
    let levels = b.rects("#levels .level").await;
    assert_eq!(levels.len(), 5, "{levels:?}");
    let words = ["非常满意", "满意", "基本满意", "不满意", "非常不满意"];
    for (i, (_, _, w, h, label)) in levels.iter().enumerate() {
        assert!(*h >= 100.0 && *w >= 100.0, "level {label:?} is {w}×{h}");
        assert!(label.starts_with(words[i]), "level {i} reads {label:?}");
    }
    let stars: Vec<Value> = b
        .js("return [...document.querySelectorAll('#levels .level')].map(l => l.querySelectorAll('.st.full').length)")
        .await
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(
        stars,
        vec![json!(5), json!(4), json!(3), json!(2), json!(1)]
    );
    b.assert_no_horizontal_overflow("rating pad").await;
}

// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn the_citizen_rates_a_visit_the_clerk_finished() {
    let hall = spawn_hall().await;
    let issued = hall.issue("MA-001").await;
    let number = issued["number"].as_str().unwrap().to_owned();

    // The pad before anyone signs in at window 1: the window, and nobody serving.
    let pad = tablet(&hall).await;
    screen_is(&pad, "idle", WAIT).await;
    pad.wait_text("#idle-window", "1号窗口").await;
    pad.wait_text("#idle-clerk", "窗口未开放").await;
    let idle = pad.body_text().await;
    assert!(!idle.contains("请对本次服务进行评价"), "{idle}");
    pad.screenshot("pad-closed").await;

    // The clerk signs in: the pad shows who serves there (亮证).
    let desk = Browser::start().await;
    desk.set_size(1366, 768).await;
    sign_in(&desk, &hall, "clerk01", 1).await;
    pad.wait_text("#clerk-name", "王丽").await;
    pad.wait_text("#clerk-no", "LST0101").await;
    pad.screenshot("pad-idle").await;

    // Call, start, finish with an outcome in the console.
    press(&desk, "call-next").await;
    desk.wait_text("#win-state", "已叫号").await;
    assert_eq!(desk.inner_text("#cur-number").await, number);
    press(&desk, "start").await;
    desk.wait_text("#win-state", "办理中").await;
    press(&desk, "finish").await;
    desk.wait_for("#dlg-finish[open] #fin-outcomes .outcome")
        .await;
    desk.click("#fin-outcomes .outcome[data-outcome=\"on_the_spot\"]")
        .await;
    desk.click("#fin-ok").await;
    desk.wait_until(
        "!document.getElementById('dlg-finish').open",
        WAIT,
        "the finish dialog to close",
    )
    .await;

    // The pad asks for a rating of that very visit, with a countdown.
    screen_is(&pad, "rate", WAIT).await;
    pad.wait_text("#rate-number", &number).await;
    pad.wait_text("#rate-title", "请对本次服务进行评价").await;
    pad.wait_text("#rate-ticket", "设立登记").await;
    let secs = pad
        .js("return +document.getElementById('countdown').dataset.seconds")
        .await
        .as_f64()
        .unwrap();
    assert!((100.0..=120.0).contains(&secs), "countdown {secs}");
    check_levels(&pad).await;
    // Nothing chosen: submit is not offered, and nothing is sent for the citizen.
    assert_eq!(
        pad.js("return document.getElementById('submit').getAttribute('aria-disabled')")
            .await,
        json!("true")
    );
    pad.screenshot("pad-request").await;

    // 满意 + a reason + a comment, submit.
    pad.click("#levels .level[data-level=\"satisfied\"]").await;
    pad.wait_for("#reasons .chip").await;
    let chips = pad.rects("#reasons .chip").await;
    assert!(chips.len() >= 2, "{chips:?}");
    for (_, _, w, h, label) in &chips {
        assert!(*h >= 44.0 && *w >= 44.0, "chip {label:?} is {w}×{h}");
    }
    let tag = "办事高效";
    pad.click(&format!("#reasons .chip[data-reason=\"{tag}\"]"))
        .await;
    pad.wait_until(
        &format!("document.querySelector('#reasons .chip[data-reason=\"{tag}\"]').getAttribute('aria-pressed') === 'true'"),
        WAIT,
        "the reason to be chosen",
    )
    .await;
    pad.type_into("#comment", "窗口人员很耐心").await;
    pad.screenshot("pad-chosen").await;
    desk.screenshot("pad-clerk-console").await;
    pad.click("#submit").await;
    screen_is(&pad, "done", WAIT).await;
    pad.wait_text("#done-card", "感谢您的评价").await;
    pad.wait_text("#done-card", "Thank you").await;
    pad.screenshot("pad-thanks").await;

    let rated = hall.events_of("ticket_rated").await;
    assert_eq!(rated.len(), 1, "{rated:?}");
    let r = &rated[0];
    assert_eq!(r["number"], number.as_str());
    assert_eq!(r["level"], "satisfied");
    assert_eq!(r["code"], 2);
    assert_eq!(r["channel"], "pad");
    assert_eq!(r["window"], 1);
    assert_eq!(r["clerk"], "clerk01");
    assert_eq!(r["reasons"], json!([tag]));
    assert_eq!(r["comment"], "窗口人员很耐心");
    assert_eq!(r["count"], 1);

    // A few seconds later the pad is idle again, showing the clerk.
    screen_is(&pad, "idle", Duration::from_secs(10)).await;
    pad.wait_text("#clerk-name", "王丽").await;
    pad.close().await;
    desk.close().await;
}

#[tokio::test]
async fn a_request_nobody_answers_runs_out_unrated() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("hall.toml");
    let mut toml = std::fs::read_to_string(halls_dir().join("demo.toml")).unwrap();
    toml.push_str("\n[ratings]\nrequest_seconds = 10\n");
    std::fs::write(&config, toml).unwrap();
    let hall = spawn_hall_with(HallOptions {
        config: Some(config),
        ..Default::default()
    })
    .await;
    let pad = tablet(&hall).await;
    screen_is(&pad, "idle", WAIT).await;

    // Through the API: sign in, call, start, finish.
    let token = hall.sign_in("clerk01", 1).await;
    pad.wait_text("#clerk-name", "王丽").await;
    let number = hall.issue("MA-001").await["number"]
        .as_str()
        .unwrap()
        .to_owned();
    hall.serve_next(&token, 1, json!({"outcome": "on_the_spot"}))
        .await;

    screen_is(&pad, "rate", WAIT).await;
    pad.wait_text("#rate-number", &number).await;
    let secs = pad
        .js("return +document.getElementById('countdown').dataset.seconds")
        .await
        .as_f64()
        .unwrap();
    assert!((1.0..=10.0).contains(&secs), "countdown {secs}");
    // Someone taps a level but never submits.
    pad.click("#levels .level[data-level=\"very_dissatisfied\"]")
        .await;
    pad.wait_until(
        "document.getElementById('countdown').classList.contains('urgent')",
        WAIT,
        "the countdown to turn urgent",
    )
    .await;
    pad.screenshot("pad-countdown").await;

    // The pad goes back to idle by itself; the controller expires the request; nothing rated.
    screen_is(&pad, "idle", Duration::from_secs(15)).await;
    pad.wait_text("#clerk-name", "王丽").await;
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let expired = loop {
        let e = hall.events_of("rating_request_expired").await;
        if !e.is_empty() || std::time::Instant::now() > deadline {
            break e;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(expired.len(), 1, "no rating_request_expired in the log");
    assert_eq!(expired[0]["number"], number.as_str());
    assert_eq!(expired[0]["window"], 1);
    assert!(hall.events_of("ticket_rated").await.is_empty());
    let (status, view) = hall.get("/api/v1/windows/1/rating", Some("demo-pad")).await;
    assert_eq!(status, 200, "{view}");
    assert!(view["request"].is_null(), "{view}");
    // Still nothing: the pad never sends a default rating.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(hall.events_of("ticket_rated").await.is_empty());
    pad.screenshot("pad-expired-idle").await;
    pad.close().await;
}

#[tokio::test]
async fn a_visit_is_rated_once_and_never_by_the_clerk() {
    let hall = spawn_hall().await;
    let pad = tablet(&hall).await;
    screen_is(&pad, "idle", WAIT).await;
    let token = hall.sign_in("clerk01", 1).await;
    let number = hall.issue("MA-001").await["number"]
        .as_str()
        .unwrap()
        .to_owned();
    hall.serve_next(&token, 1, json!({"outcome": "on_the_spot"}))
        .await;

    // The clerk's own session cannot rate the visit, even while it is pending.
    screen_is(&pad, "rate", WAIT).await;
    let (status, body) = hall
        .post(
            "/api/v1/ratings",
            Some(&token),
            json!({"window": 1, "level": "very_satisfied", "reasons": []}),
        )
        .await;
    assert_eq!(status, 403, "a clerk rated: {body}");
    assert!(hall.events_of("ticket_rated").await.is_empty());

    // The citizen rates at the pad: 非常满意, no reason.
    pad.wait_text("#rate-number", &number).await;
    pad.click("#levels .level[data-level=\"very_satisfied\"]")
        .await;
    pad.click("#submit").await;
    pad.wait_text("#done-card", "感谢您的评价").await;
    screen_is(&pad, "idle", Duration::from_secs(10)).await;
    let rated = hall.events_of("ticket_rated").await;
    assert_eq!(rated.len(), 1, "{rated:?}");
    assert_eq!(rated[0]["level"], "very_satisfied");
    assert_eq!(rated[0]["code"], 1);
    assert_eq!(rated[0]["reasons"], json!([]));

    // A second rating of the same visit: nothing is pending any more.
    let (status, body) = hall
        .post_with(
            "/api/v1/ratings",
            Some("demo-pad"),
            json!({"window": 1, "level": "very_dissatisfied", "reasons": []}),
            Some("second-try"),
        )
        .await;
    assert_eq!(status, 409, "{body}");
    assert!(
        ["no_rating_request", "already_rated"].contains(&body["code"].as_str().unwrap_or("")),
        "{body}"
    );
    assert_eq!(hall.events_of("ticket_rated").await.len(), 1);
    // And the pad stays idle.
    screen_is(&pad, "idle", WAIT).await;
    pad.close().await;
}

#[tokio::test]
async fn a_refused_rating_says_so_and_the_pad_goes_idle() {
    let hall = spawn_hall().await;
    let pad = tablet(&hall).await;
    screen_is(&pad, "idle", WAIT).await;
    let token = hall.sign_in("clerk01", 1).await;
    let number = hall.issue("MA-001").await["number"]
        .as_str()
        .unwrap()
        .to_owned();
    hall.serve_next(&token, 1, json!({"outcome": "on_the_spot"}))
        .await;
    screen_is(&pad, "rate", WAIT).await;
    pad.wait_text("#rate-number", &number).await;

    // The pad misses the `ticket_rated` of a rating given elsewhere (the 4-key pad on the
    // gateway): its next stream connection drops those frames ('online' makes the page
    // reconnect at once; the read after the reconnect still finds the request pending).
    pad.js(r#"
        const d = Object.getOwnPropertyDescriptor(WebSocket.prototype, 'onmessage');
        Object.defineProperty(WebSocket.prototype, 'onmessage', {
          configurable: true,
          get() { return d.get.call(this); },
          set(f) { d.set.call(this, f && ((e) => { if (!/"ticket_rated"/.test(e.data)) f(e); })); },
        });
        window.dispatchEvent(new Event('online'));
        "#)
        .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    screen_is(&pad, "rate", WAIT).await;
    let (status, body) = hall
        .post(
            "/api/v1/ratings",
            Some("demo-gateway"),
            json!({"window": 1, "level": "basically_satisfied", "reasons": []}),
        )
        .await;
    assert_eq!(status, 201, "keypad rating: {body}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    // The citizen at the tablet still sees the request and rates: refused, said, idle.
    screen_is(&pad, "rate", WAIT).await;
    pad.click("#levels .level[data-level=\"very_satisfied\"]")
        .await;
    pad.click("#submit").await;
    screen_is(&pad, "done", WAIT).await;
    let text = pad.text("#done-card").await;
    assert!(
        text.contains("本次评价已结束") || text.contains("本次服务已评价"),
        "{text}"
    );
    assert_eq!(
        pad.js("return document.getElementById('done-card').dataset.kind")
            .await
            .as_str()
            .map(|k| k == "closed" || k == "already"),
        Some(true)
    );
    pad.screenshot("pad-refused").await;
    screen_is(&pad, "idle", Duration::from_secs(10)).await;
    let rated = hall.events_of("ticket_rated").await;
    assert_eq!(rated.len(), 1, "{rated:?}");
    assert_eq!(rated[0]["channel"], "keypad");

    // The controller goes away: the reconnecting banner; back: the banner goes.
    let mut hall = hall;
    hall.kill();
    pad.wait_for("#conn-banner").await;
    pad.wait_text("#conn-banner", "正在重新连接").await;
    pad.screenshot("pad-reconnecting").await;
    hall.restart_same_port();
    pad.wait_until(
        "document.getElementById('conn-banner').hidden",
        Duration::from_secs(20),
        "the banner to go once the controller is back",
    )
    .await;
    screen_is(&pad, "idle", WAIT).await;
    pad.wait_text("#clerk-name", "王丽").await;
    pad.close().await;
}
