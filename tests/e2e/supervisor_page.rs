//! The supervisor's live dashboard (`/supervisor`) in a real headless Chromium at 1920×1080
//! against the real controller: sign-in without a window, today's figures, the queue and window
//! tables, and an alert acknowledged with one click. Screenshots land in
//! `target/screenshots/supervisor-*.png`.

use crate::browser::Browser;
use crate::support::*;
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
    b.set_size(1920, 1080).await;
    b.goto(&hall.url("/supervisor")).await;
    b.wait_for("#signin-form").await;
    b.type_into("#in-clerk", "super").await;
    b.type_into("#in-password", "demo").await;
    b.click("#btn-signin").await;

    // The board: figures, queues, windows; no alert yet.
    b.wait_for("#screen-board").await;
    b.wait_text("[data-figure=issued]", "1").await;
    b.wait_text("#queues tr[data-queue=A]", "1").await;
    b.wait_for("#windows tr[data-window='1']").await;
    b.wait_text("#alerts", "当前没有告警").await;
    let token = b
        .js("return JSON.parse(sessionStorage.getItem('hallq.supervisor.session')).token")
        .await;
    assert_eq!(token.as_str().map(str::len), Some(64), "{token}");
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
