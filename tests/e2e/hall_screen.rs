//! The main hall screen (`/hall`) in a real headless Chromium at 1920×1080 against the real
//! controller, and the window LED preview (`GET /api/v1/windows/{n}/led.png`). Screenshots land
//! in `target/screenshots/hall-*.png` and `led-*.png`.

use crate::browser::{Browser, screenshot_dir};
use crate::support::*;
use hallq_displays::layout::{self, FLASH_MS};
use hallq_displays::{ColorMode, Frame, Panel, StripState};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// Opens the hall screen at 1920×1080 with the fake voice and enables voice.
async fn open_hall(b: &Browser, hall: &TestHall) {
    b.set_size(1920, 1080).await;
    b.goto(&hall.url("/hall?token=demo-display&voice=fake"))
        .await;
    b.wait_text("#hall-name", "冷水滩区政务服务中心").await;
    // The page has read /live and opened the stream.
    b.wait_for("#queues .queue-row").await;
    b.click("#btn-voice").await;
    b.wait_until(
        "document.getElementById('btn-voice').hidden",
        Duration::from_secs(3),
        "the voice button to go once clicked",
    )
    .await;
    b.assert_no_horizontal_overflow("hall screen").await;
}

/// The announcement log: (kind, number, window, state, text, started, ended), in DOM order.
async fn announcements(b: &Browser) -> Vec<Value> {
    b.js(
        r#"return Array.from(document.querySelectorAll('[data-announcement]')).map(li => ({
            kind: li.dataset.kind, number: li.dataset.number, window: Number(li.dataset.window),
            state: li.dataset.state, text: li.querySelector('.ann-text').textContent,
            started: li.dataset.started ? Number(li.dataset.started) : null,
            ended: li.dataset.ended ? Number(li.dataset.ended) : null }))"#,
    )
    .await
    .as_array()
    .unwrap()
    .clone()
}

/// Waits until every announcement is done and there are `n` of them.
async fn wait_announced(b: &Browser, n: usize) -> Vec<Value> {
    b.wait_until(
        &format!(
            "document.querySelectorAll('[data-announcement]').length === {n} && \
             Array.from(document.querySelectorAll('[data-announcement]')).every(li => li.dataset.state === 'done')"
        ),
        Duration::from_secs(10),
        &format!("{n} announcements, all done"),
    )
    .await;
    announcements(b).await
}

/// Signs in clerk01…clerk0n at windows 1…n and issues `tickets` tickets in queue A.
async fn staffed(hall: &TestHall, windows: u32, tickets: usize) -> Vec<String> {
    let mut tokens = Vec::new();
    for w in 1..=windows {
        tokens.push(hall.sign_in(&format!("clerk0{w}"), w).await);
    }
    for _ in 0..tickets {
        hall.issue("MA-001").await;
    }
    tokens
}

async fn call_next(hall: &TestHall, token: &str, window: u32) -> String {
    let (status, body) = hall.act(token, window, "call-next", json!({})).await;
    assert_eq!(status, 200, "call-next at {window}: {body}");
    body["ticket"]["number"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn calls_show_at_once_and_are_announced_in_order() {
    let hall = spawn_hall().await;
    let tokens = staffed(&hall, 3, 4).await;
    let b = Browser::start().await;
    open_hall(&b, &hall).await;
    b.wait_text("#now", "请留意叫号").await;
    b.screenshot("hall-empty").await;

    // One call: on the screen within a second.
    let t0 = Instant::now();
    let first = call_next(&hall, &tokens[0], 1).await;
    b.wait_text_within("#now", &first, Duration::from_secs(1))
        .await;
    assert!(t0.elapsed() < Duration::from_millis(1500));
    let now = b.text("#now").await;
    assert!(now.contains("请到 1 号窗口"), "{now}");
    assert!(now.contains("Please go to window 1"), "{now}");
    assert!(now.contains("市场准入综合窗口"), "{now}");
    // It flashes.
    assert_eq!(
        b.js("return document.getElementById('now').classList.contains('flash')")
            .await,
        json!(true)
    );
    b.screenshot("hall-call").await;
    wait_announced(&b, 1).await;

    // Three quick calls at three windows: each announced in turn, none dropped, none cut off.
    let _ = hall.act(&tokens[0], 1, "start", json!({})).await;
    let _ = hall.act(&tokens[0], 1, "finish", json!({})).await;
    let t1 = Instant::now();
    let mut called = Vec::new();
    for w in 1..=3u32 {
        called.push((call_next(&hall, &tokens[w as usize - 1], w).await, w));
    }
    let posted = t1.elapsed();
    let last = &called[2].0;
    b.wait_text_within("#now", last, Duration::from_secs(1))
        .await;
    // While the first speaks, the others wait their turn.
    if posted < Duration::from_millis(500) {
        let states: Vec<String> = announcements(&b)
            .await
            .iter()
            .map(|a| a["state"].as_str().unwrap().to_owned())
            .collect();
        assert!(
            states.iter().filter(|s| *s == "queued").count() >= 1,
            "nothing queued: {states:?}"
        );
    }
    b.wait_text("#recent", &called[1].0).await;
    b.screenshot("hall-three-calls").await;
    let log = wait_announced(&b, 4).await;
    // The log follows the event log's order exactly.
    let events: Vec<(String, u64)> = hall
        .all_events()
        .await
        .into_iter()
        .filter(|e| e["type"] == "ticket_called")
        .map(|e| {
            (
                e["number"].as_str().unwrap().to_owned(),
                e["window"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(events.len(), 4);
    for (a, (number, window)) in log.iter().zip(&events) {
        assert_eq!(a["kind"], "call");
        assert_eq!(a["number"], json!(number));
        assert_eq!(a["window"], json!(window));
        assert_eq!(
            a["text"],
            json!(format!("请{number}号到{window}号窗口办理")),
            "{a}"
        );
    }
    // One after another: each starts after the one before it ended, and took its 600 ms.
    for pair in log.windows(2) {
        let (end, start) = (
            pair[0]["ended"].as_f64().unwrap(),
            pair[1]["started"].as_f64().unwrap(),
        );
        assert!(start >= end, "overlap: {pair:?}");
    }
    for a in &log {
        let took = a["ended"].as_f64().unwrap() - a["started"].as_f64().unwrap();
        assert!(took >= 590.0, "cut short: {a}");
    }

    // A recall: 重呼, and the screen shows it again.
    let (status, body) = hall.act(&tokens[1], 2, "recall", json!({})).await;
    assert_eq!(status, 200, "{body}");
    let recalled = called[1].0.clone();
    b.wait_text_within("#now", &recalled, Duration::from_secs(1))
        .await;
    b.wait_text("#now-recall", "重呼").await;
    let log = wait_announced(&b, 5).await;
    assert_eq!(log[4]["kind"], "recall");
    assert_eq!(
        log[4]["text"],
        json!(format!("重呼：请{recalled}号到2号窗口办理"))
    );
    b.screenshot("hall-recall").await;
    b.close().await;
}

#[tokio::test]
async fn a_paused_window_shows_its_away_message() {
    let hall = spawn_hall_with(HallOptions {
        clock: Some("2026-11-26T09:00:00+08:00".into()),
        ..Default::default()
    })
    .await;
    let tokens = staffed(&hall, 3, 6).await;
    // Some calls for the recent list and the waiting counts.
    for w in 1..=3u32 {
        call_next(&hall, &tokens[w as usize - 1], w).await;
    }
    let b = Browser::start().await;
    open_hall(&b, &hall).await;
    b.wait_text("#paused", "各窗口正常服务").await;
    // The wall clock is the controller's (here the test clock), not the PC's.
    b.wait_text("#clock", "09:0").await;
    // The calls made before the page opened are listed, without being announced.
    b.wait_text("#now", "A003").await;
    b.wait_text("#recent", "A001").await;
    assert!(announcements(&b).await.is_empty());
    b.wait_until(
        "document.querySelector('.queue-row[data-queue=\"A\"]').dataset.waiting === '3'",
        Duration::from_secs(3),
        "3 waiting in A",
    )
    .await;

    let pad = hall.sign_in("clerk04", 4).await;
    let (status, body) = hall
        .act(
            &pad,
            4,
            "pause",
            json!({"reason": "去窗口后台复印材料", "back_at": "10:30"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let text = b
        .wait_text(
            "#paused .paused-item[data-window=\"4\"]",
            "去窗口后台复印材料",
        )
        .await;
    assert!(text.contains("预计 10:30 返回"), "{text}");
    assert!(text.contains("4 号窗口"), "{text}");
    b.screenshot("hall-paused").await;

    // Resumed: gone from the list.
    let (status, _) = hall.act(&pad, 4, "resume", json!({})).await;
    assert_eq!(status, 200);
    b.wait_text("#paused", "各窗口正常服务").await;
    b.close().await;
}

#[tokio::test]
async fn survives_a_controller_restart() {
    let mut hall = spawn_hall().await;
    let tokens = staffed(&hall, 2, 3).await;
    let b = Browser::start().await;
    open_hall(&b, &hall).await;
    let first = call_next(&hall, &tokens[0], 1).await;
    b.wait_text("#now", &first).await;

    hall.kill();
    b.wait_text_within("#conn-banner", "正在重新连接", Duration::from_secs(8))
        .await;
    // Never blank: the last call stays.
    assert!(b.text("#now").await.contains(&first));
    b.screenshot("hall-reconnecting").await;

    hall.restart_same_port();
    b.wait_until(
        "document.getElementById('conn-banner').hidden",
        Duration::from_secs(20),
        "the banner to go after the restart",
    )
    .await;
    // Live again: a new call shows and is announced.
    let second = call_next(&hall, &tokens[1], 2).await;
    b.wait_text_within("#now", &second, Duration::from_secs(2))
        .await;
    let log = wait_announced(&b, 2).await;
    assert_eq!(log[1]["number"], json!(second));
    assert_eq!(log[1]["window"], json!(2));
    b.screenshot("hall-after-restart").await;
    b.close().await;
}

/// `led.png?scale=1` of window `n`, read back as a frame.
async fn led_frame(hall: &TestHall, n: u32) -> Frame {
    let res = hall
        .http
        .get(hall.url(&format!("/api/v1/windows/{n}/led.png?scale=1")))
        .bearer_auth("demo-display")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/png");
    let bytes = res.bytes().await.unwrap();
    Frame::from_png_bytes(&bytes, ColorMode::Tricolor).expect("a tricolour LED frame")
}

#[tokio::test]
async fn led_png_shows_what_the_window_strip_shows() {
    // A fixed clock: the pause's scroll position is known.
    let hall = spawn_hall_with(HallOptions {
        clock: Some("2026-11-26T09:00:00+08:00".into()),
        ..Default::default()
    })
    .await;
    let panel = Panel::TRICOLOR_160X32;
    let idle = led_frame(&hall, 3).await;
    assert_eq!((idle.width(), idle.height()), (160, 32));
    let expected_idle = layout::render(&panel, &StripState::Idle { since_ms: 0 }, 0);
    assert_eq!(idle.differing_pixels(&expected_idle), Some(0));

    // A call at window 3: the call layout, lit.
    let tokens = staffed(&hall, 3, 1).await;
    let number = call_next(&hall, &tokens[2], 3).await;
    let called = led_frame(&hall, 3).await;
    assert!(called.differing_pixels(&idle).unwrap() > 0);
    let expected = layout::render(
        &panel,
        &StripState::Calling {
            number: number.clone(),
            window: "3".into(),
            since_ms: 0,
        },
        FLASH_MS,
    );
    assert_eq!(
        called.differing_pixels(&expected),
        Some(0),
        "not {number} 请到3号窗口"
    );
    // Serving still shows the call.
    let _ = hall.act(&tokens[2], 3, "start", json!({})).await;
    assert_eq!(
        led_frame(&hall, 3).await.differing_pixels(&expected),
        Some(0)
    );

    // Paused: the away message and the return time.
    let (status, body) = hall
        .act(
            &tokens[0],
            1,
            "pause",
            json!({"reason": "复印材料", "back_at": "10:30"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let paused = led_frame(&hall, 1).await;
    let expected_paused = layout::render(
        &panel,
        &StripState::Paused {
            away: "复印材料 10:30返回".into(),
            since_ms: 0,
        },
        0,
    );
    assert_eq!(paused.differing_pixels(&expected_paused), Some(0));
    assert!(paused.differing_pixels(&idle).unwrap() > 0);
    assert!(paused.differing_pixels(&called).unwrap() > 0);

    // The default preview: 8× (1280×256), any token, for people to look at.
    let dir = screenshot_dir();
    std::fs::create_dir_all(&dir).unwrap();
    for (n, name) in [
        (3, "led-window-3-call"),
        (1, "led-window-1-paused"),
        (2, "led-window-2-idle"),
    ] {
        let res = hall
            .http
            .get(hall.url(&format!("/api/v1/windows/{n}/led.png?token=demo-kiosk")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let png = res.bytes().await.unwrap();
        assert_eq!(&png[1..4], b"PNG");
        let (w, h) = (
            u32::from_be_bytes(png[16..20].try_into().unwrap()),
            u32::from_be_bytes(png[20..24].try_into().unwrap()),
        );
        assert_eq!((w, h), (1280, 256));
        std::fs::write(dir.join(format!("{name}.png")), &png).unwrap();
    }

    // Refusals: no token, unknown window, bad scale.
    let (status, _) = hall.get("/api/v1/windows/3/led.png", None).await;
    assert_eq!(status, 401);
    let (status, body) = hall
        .get("/api/v1/windows/99/led.png", Some("demo-display"))
        .await;
    assert_eq!(
        (status, body["code"].clone()),
        (404, json!("unknown_window"))
    );
    let (status, body) = hall
        .get("/api/v1/windows/3/led.png?scale=0", Some("demo-display"))
        .await;
    assert_eq!(
        (status, body["code"].clone()),
        (400, json!("invalid_query"))
    );
}
