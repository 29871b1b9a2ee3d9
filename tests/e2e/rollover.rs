//! The business day rolls at local midnight (Asia/Shanghai) on the controller's own tick, with
//! tickets still open: they expire, numbers start again at 001, clerks stay signed in.

use crate::support::*;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

const EVENING: &str = "2026-11-26T23:59:00+08:00";
const AFTER_MIDNIGHT: &str = "2026-11-27T00:00:05+08:00";

/// Polls the log until a `day_rolled` to `day` shows up (the controller's 1-second tick).
async fn wait_for_roll(hall: &TestHall, day: &str, within: Duration) -> Vec<Value> {
    let started = Instant::now();
    loop {
        let events = hall.all_events().await;
        if events
            .iter()
            .any(|e| e["type"] == "day_rolled" && e["to"] == day)
        {
            return events;
        }
        assert!(
            started.elapsed() < within,
            "no day_rolled to {day} within {within:?} (nobody made a request)"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn waiting_total(live: &Value) -> u64 {
    live["queues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["waiting"].as_u64().unwrap())
        .sum()
}

#[tokio::test]
async fn open_tickets_expire_at_midnight_and_numbers_start_again_at_001() {
    let mut hall = spawn_hall_with(HallOptions {
        clock: Some(EVENING.into()),
        ..Default::default()
    })
    .await;
    let a: Vec<Value> = {
        let mut v = Vec::new();
        for _ in 0..4 {
            v.push(hall.issue("MA-001").await);
        }
        v
    };
    let ids: Vec<&str> = a.iter().map(|t| t["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [
            "20261126-A001",
            "20261126-A002",
            "20261126-A003",
            "20261126-A004"
        ]
    );
    let b = hall.issue("CP-001").await;
    assert_eq!(b["id"], "20261126-B001");

    let token = hall.sign_in("clerk01", 1).await;
    // A001: served and finished — closed, so it does not expire.
    hall.serve_next(&token, 1, json!({})).await;
    // A002: called, then held (挂起).
    let (s, body) = hall.act(&token, 1, "call-next", json!({})).await;
    assert_eq!((s, body["ticket"]["number"].as_str()), (200, Some("A002")));
    let (s, body) = hall.act(&token, 1, "hold", json!({})).await;
    assert_eq!(
        (s, body["ticket"]["status"].as_str()),
        (200, Some("held")),
        "{body}"
    );
    // A003: called and standing at the window.
    let (s, body) = hall.act(&token, 1, "call-next", json!({})).await;
    assert_eq!((s, body["ticket"]["number"].as_str()), (200, Some("A003")));
    // A004 and B001 still wait.
    let before = hall.seq().await;
    let mut sub = hall.subscribe(before).await;

    hall.set_clock(AFTER_MIDNIGHT);
    let events = wait_for_roll(&hall, "2026-11-27", Duration::from_secs(3)).await;
    // The tick's events are pushed live too.
    let mut pushed = Vec::new();
    while let Some(e) = sub.next_event(Duration::from_secs(2)).await {
        let done = e["type"] == "day_rolled";
        pushed.push(e);
        if done {
            break;
        }
    }
    let new: Vec<&Value> = events
        .iter()
        .filter(|e| e["seq"].as_u64().unwrap() > before)
        .collect();
    let mut expired: Vec<(String, String)> = new
        .iter()
        .filter(|e| e["type"] == "ticket_expired")
        .map(|e| {
            assert_eq!(e["day"], "2026-11-26", "{e}");
            (
                e["ticket"].as_str().unwrap().to_owned(),
                e["was"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    expired.sort();
    let expected: Vec<(String, String)> = [
        ("20261126-A002", "held"),
        ("20261126-A003", "called"),
        ("20261126-A004", "waiting"),
        ("20261126-B001", "waiting"),
    ]
    .iter()
    .map(|(t, w)| (t.to_string(), w.to_string()))
    .collect();
    assert_eq!(
        expired, expected,
        "each open ticket expires once, with `was`"
    );
    // The expiries come first, then the roll, and nothing else happened on its own.
    let kinds: Vec<&str> = new.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        [
            "ticket_expired",
            "ticket_expired",
            "ticket_expired",
            "ticket_expired",
            "day_rolled"
        ]
    );
    assert_eq!(
        pushed.iter().collect::<Vec<_>>(),
        new,
        "subscribers see the roll as it is logged"
    );
    let roll = new.last().unwrap();
    assert_eq!(roll["from"], "2026-11-26");
    assert_eq!(roll["to"], "2026-11-27");

    // Yesterday's tickets leave the working state: the API says they are from a past day.
    for id in ["20261126-A001", "20261126-A003", "20261126-B001"] {
        let (s, body) = hall
            .get(&format!("/api/v1/tickets/{id}"), Some("demo-display"))
            .await;
        assert_eq!(
            (s, body["code"].as_str()),
            (410, Some("past_ticket")),
            "{id} after the roll: {body}"
        );
    }

    // Nobody waits; the window stands free.
    let (s, live) = hall.get("/api/v1/live", Some("demo-display")).await;
    assert_eq!(s, 200, "{live}");
    assert_eq!(live["day"], "2026-11-27");
    assert_eq!(waiting_total(&live), 0, "{live}");
    let w1 = live["windows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["window"] == 1)
        .unwrap_or_else(|| panic!("window 1 in {live}"));
    assert_eq!(w1["clerk"], "clerk01", "still signed in: {w1}");
    assert!(w1["ticket"].is_null(), "serves nobody after the roll: {w1}");
    assert_eq!(w1["held"], json!([]), "held tickets expired: {w1}");
    assert_eq!(w1["served_today"], 0, "{w1}");

    // A new day, a new A001.
    let t = hall.issue("MA-001").await;
    assert_eq!(t["number"], "A001");
    assert_eq!(t["id"], "20261127-A001");
    // The clerk is still signed in and calls it.
    let (s, body) = hall.act(&token, 1, "call-next", json!({})).await;
    assert_eq!(s, 200, "the clerk's session survives the roll: {body}");
    assert_eq!(body["ticket"]["id"], "20261127-A001");
    let (s, who) = hall.get("/api/v1/session", Some(&token)).await;
    assert_eq!((s, who["window"].as_u64()), (200, Some(1)), "{who}");

    // A restart after the roll changes none of it.
    let seq_before_restart = hall.seq().await;
    hall.restart();
    tokio::time::sleep(Duration::from_millis(1500)).await; // at least one tick
    assert_eq!(
        hall.seq().await,
        seq_before_restart,
        "nothing re-expires, no second roll"
    );
    let (s, called) = hall
        .get("/api/v1/tickets/20261127-A001", Some("demo-display"))
        .await;
    assert_eq!(
        (s, called["status"].as_str()),
        (200, Some("called")),
        "{called}"
    );
    let (s, _) = hall
        .get("/api/v1/tickets/20261126-A004", Some("demo-display"))
        .await;
    assert_eq!(s, 410);
    let t = hall.issue("MA-001").await;
    assert_eq!(t["id"], "20261127-A002", "numbers continue after a restart");
    let (s, body) = hall.act(&token, 1, "start", json!({})).await;
    assert_eq!(s, 200, "the session survives the restart too: {body}");
    let all = hall.all_events().await;
    assert_eq!(
        all.iter().filter(|e| e["type"] == "ticket_expired").count(),
        4
    );
    assert_eq!(
        all.iter()
            .filter(|e| e["type"] == "day_rolled" && e["to"] == "2026-11-27")
            .count(),
        1
    );
}

#[tokio::test]
async fn the_day_rolls_at_midnight_in_shanghai_while_it_is_still_afternoon_in_utc() {
    // Midnight in Shanghai is 16:00 UTC of the day before: the roll follows the hall's time
    // zone, not UTC.
    let hall = spawn_hall_with(HallOptions {
        clock: Some("2026-11-26T15:59:00Z".into()),
        ..Default::default()
    })
    .await;
    let t = hall.issue("MA-001").await;
    assert_eq!(t["id"], "20261126-A001");
    let before = hall.seq().await;
    hall.set_clock("2026-11-26T23:59:50+08:00");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(hall.seq().await, before, "no roll before local midnight");
    hall.set_clock("2026-11-26T16:00:01Z"); // 00:00:01 on the 27th in Shanghai
    wait_for_roll(&hall, "2026-11-27", Duration::from_secs(3)).await;
    assert_eq!(hall.issue("MA-001").await["id"], "20261127-A001");
}
