//! Every refusal of the hall, over HTTP: a 4xx `application/problem+json` with `type`, `title`,
//! `status`, `detail` and the stable `code` (plus the refusal's typed fields), and not one event
//! more in the log afterwards.

use crate::support::*;
use serde_json::{Value, json};
use std::time::Duration;

/// The event log at one moment: its seq and every event.
struct Mark {
    seq: u64,
    events: Vec<Value>,
}

/// A token that may read the event log: the display of the demo hall or of the township.
fn display_token(hall: &TestHall) -> &'static str {
    match &hall.opts.config {
        Some(c) if c.ends_with("township.toml") => "town-display",
        _ => "demo-display",
    }
}

/// Every event in the log (like `TestHall::all_events`, with the hall's own display token).
async fn events(hall: &TestHall) -> Vec<Value> {
    let mut out = Vec::new();
    let mut after = 0;
    loop {
        let (status, body) = hall
            .get(
                &format!("/api/v1/events?after={after}&limit=5000"),
                Some(display_token(hall)),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let page = body["events"].as_array().unwrap().clone();
        if page.is_empty() {
            return out;
        }
        after = body["next"].as_u64().unwrap();
        out.extend(page);
    }
}

async fn mark(hall: &TestHall) -> Mark {
    Mark {
        seq: hall.seq().await,
        events: events(hall).await,
    }
}

impl Mark {
    /// Checks that `r` is the refusal `status`/`code` as problem+json and that the log has not
    /// changed since the mark; returns the problem.
    async fn refused(&self, hall: &TestHall, r: (u16, Value), status: u16, code: &str) -> Value {
        let (s, p) = r;
        assert_eq!(s, status, "expected {status} {code}, got {s}: {p}");
        assert_problem(&p, status, code);
        assert_eq!(hall.seq().await, self.seq, "seq moved after {code}");
        let events = events(hall).await;
        assert_eq!(
            events.len(),
            self.events.len(),
            "event count changed after {code}"
        );
        assert_eq!(events, self.events, "events changed after {code}");
        p
    }
}

/// The RFC 9457 members and the stable code. (`TestHall` already checked the content type.)
fn assert_problem(p: &Value, status: u16, code: &str) {
    assert_eq!(p["code"], code, "{p}");
    assert_eq!(p["status"], status, "{p}");
    let ty = p["type"].as_str().unwrap_or_else(|| panic!("no type: {p}"));
    assert!(ty.ends_with(&format!("/{code}")), "type {ty:?} for {code}");
    assert!(
        p["title"].as_str().is_some_and(|t| !t.is_empty()),
        "no title: {p}"
    );
    assert!(
        p["detail"].as_str().is_some_and(|t| !t.is_empty()),
        "no detail: {p}"
    );
}

/// Waits until the first clock tick has opened the business day, so that nothing but the
/// requests under test adds events.
async fn settle(hall: &TestHall) {
    for _ in 0..100 {
        if hall.seq().await >= 1 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the first business day never opened");
}

async fn hall_at(config: Option<&str>, clock: &str) -> TestHall {
    let hall = spawn_hall_with(HallOptions {
        config: config.map(|c| halls_dir().join(c)),
        clock: Some(clock.into()),
        ..Default::default()
    })
    .await;
    settle(&hall).await;
    hall
}

/// The demo hall on a fixed Thursday morning (so midnight never interferes).
async fn demo() -> TestHall {
    hall_at(None, "2026-11-26T09:00:00+08:00").await
}

async fn township(clock: &str) -> TestHall {
    hall_at(Some("township.toml"), clock).await
}

async fn town_issue(hall: &TestHall, body: Value) -> (u16, Value) {
    hall.post("/api/v1/tickets", Some("town-kiosk"), body).await
}

// ------------------------------------------------------------------------------------------
// Issuing
// ------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_township_queue_refuses_tickets_before_opening_and_over_lunch() {
    let hall = township("2026-11-26T08:00:00+08:00").await;
    let m = mark(&hall).await;
    for body in [json!({"item": "YJQ-003"}), json!({"queue": "S"})] {
        let p = m
            .refused(&hall, town_issue(&hall, body).await, 409, "queue_closed")
            .await;
        assert_eq!(p["queue"], "S", "{p}");
        assert!(p["hours"].as_str().unwrap().contains("08:30"), "{p}");
    }
    let p = m
        .refused(
            &hall,
            town_issue(&hall, json!({"item": "YJQ-001"})).await,
            409,
            "queue_closed",
        )
        .await;
    assert_eq!(p["queue"], "R");

    // 11:45: queue R stopped issuing at 11:30, queue S still issues until 12:00.
    hall.set_clock("2026-11-26T11:45:00+08:00");
    let m = mark(&hall).await;
    let p = m
        .refused(
            &hall,
            town_issue(&hall, json!({"item": "YJQ-002"})).await,
            409,
            "queue_closed",
        )
        .await;
    assert_eq!(p["queue"], "R");
    assert!(p["hours"].as_str().unwrap().contains("11:30"), "{p}");
    let (s, t) = town_issue(&hall, json!({"item": "YJQ-003"})).await;
    assert_eq!((s, t["number"].as_str()), (201, Some("S001")), "{t}");

    // 12:30: lunch, both closed.
    hall.set_clock("2026-11-26T12:30:00+08:00");
    let m = mark(&hall).await;
    for item in ["YJQ-001", "YJQ-003"] {
        m.refused(
            &hall,
            town_issue(&hall, json!({"item": item})).await,
            409,
            "queue_closed",
        )
        .await;
    }

    // 13:35: open again.
    hall.set_clock("2026-11-26T13:35:00+08:00");
    let (s, t) = town_issue(&hall, json!({"item": "YJQ-001"})).await;
    assert_eq!((s, t["number"].as_str()), (201, Some("R001")), "{t}");
}

#[tokio::test]
async fn a_township_issues_nothing_on_a_public_holiday() {
    // 国庆节: Thursday 2026-10-01 is a holiday, in opening hours.
    let hall = township("2026-10-01T09:00:00+08:00").await;
    let m = mark(&hall).await;
    for item in ["YJQ-001", "YJQ-003"] {
        m.refused(
            &hall,
            town_issue(&hall, json!({"item": item})).await,
            409,
            "queue_closed",
        )
        .await;
    }
}

#[tokio::test]
async fn a_queue_with_a_daily_cap_refuses_the_ticket_after_its_last() {
    let hall = township("2026-11-26T09:00:00+08:00").await;
    for (i, item) in ["YJQ-001", "YJQ-002", "YJQ-001"].iter().enumerate() {
        let (s, t) = town_issue(&hall, json!({"item": item})).await;
        assert_eq!(s, 201, "{t}");
        assert_eq!(t["number"], format!("R00{}", i + 1));
    }
    let m = mark(&hall).await;
    for body in [json!({"item": "YJQ-002"}), json!({"queue": "R"})] {
        let p = m
            .refused(
                &hall,
                town_issue(&hall, body).await,
                409,
                "daily_cap_reached",
            )
            .await;
        assert_eq!(
            (p["queue"].as_str(), p["cap"].as_u64()),
            (Some("R"), Some(3))
        );
    }
    // Later the same day: still full.
    hall.set_clock("2026-11-26T14:00:00+08:00");
    let m = mark(&hall).await;
    m.refused(
        &hall,
        town_issue(&hall, json!({"queue": "R"})).await,
        409,
        "daily_cap_reached",
    )
    .await;
    // Other queues are not affected.
    let (s, t) = town_issue(&hall, json!({"item": "YJQ-003"})).await;
    assert_eq!(s, 201, "{t}");
}

#[tokio::test]
async fn a_full_issuing_slot_refuses_tickets_until_the_next_slot() {
    let hall = township("2026-11-26T09:00:00+08:00").await;
    for n in 1..=30 {
        let (s, t) = town_issue(&hall, json!({"item": "YJQ-004"})).await;
        assert_eq!(s, 201, "ticket {n}: {t}");
    }
    let m = mark(&hall).await;
    let p = m
        .refused(
            &hall,
            town_issue(&hall, json!({"queue": "S"})).await,
            409,
            "slot_full",
        )
        .await;
    assert_eq!(p["queue"], "S");
    assert_eq!(p["slot"], "08:30-10:00");
    assert_eq!(p["cap"], 30);

    hall.set_clock("2026-11-26T10:00:00+08:00");
    let (s, t) = town_issue(&hall, json!({"queue": "S"})).await;
    assert_eq!((s, t["number"].as_str()), (201, Some("S031")), "{t}");
}

#[tokio::test]
async fn an_unknown_item_or_queue_gets_no_ticket() {
    let hall = demo().await;
    let m = mark(&hall).await;
    let p = m
        .refused(
            &hall,
            hall.post(
                "/api/v1/tickets",
                Some("demo-kiosk"),
                json!({"item": "XX-999"}),
            )
            .await,
            404,
            "unknown_item",
        )
        .await;
    assert_eq!(p["item"], "XX-999");
    let p = m
        .refused(
            &hall,
            hall.post("/api/v1/tickets", Some("demo-kiosk"), json!({"queue": "Q"}))
                .await,
            404,
            "unknown_queue",
        )
        .await;
    assert_eq!(p["queue"], "Q");
}

#[tokio::test]
async fn a_display_or_rating_pad_can_neither_issue_nor_cancel_tickets() {
    let hall = demo().await;
    let t = hall.issue("MA-001").await;
    let m = mark(&hall).await;
    for device in ["demo-display", "demo-pad"] {
        m.refused(
            &hall,
            hall.post("/api/v1/tickets", Some(device), json!({"item": "MA-001"}))
                .await,
            403,
            "wrong_device",
        )
        .await;
        m.refused(
            &hall,
            hall.post(
                &format!("/api/v1/tickets/{}/cancel", t["id"].as_str().unwrap()),
                Some(device),
                json!({}),
            )
            .await,
            403,
            "forbidden",
        )
        .await;
    }
}

#[tokio::test]
async fn a_ticket_that_is_not_waiting_cannot_be_cancelled() {
    let hall = demo().await;
    let t = hall.issue("MA-001").await;
    let token = hall.sign_in("clerk01", 1).await;
    hall.act(&token, 1, "call-next", json!({})).await;
    let path = format!("/api/v1/tickets/{}/cancel", t["id"].as_str().unwrap());
    let m = mark(&hall).await;
    let p = m
        .refused(
            &hall,
            hall.post(&path, Some("demo-kiosk"), json!({})).await,
            409,
            "wrong_state",
        )
        .await;
    assert_eq!(p["number"], "A001");
    assert!(p["detail"].as_str().unwrap().contains("called"), "{p}");
    assert_eq!(p["ticket_status"], "called", "{p}");
    m.refused(
        &hall,
        hall.post(
            "/api/v1/tickets/2026-11-26-A999/cancel",
            Some("demo-kiosk"),
            json!({}),
        )
        .await,
        404,
        "unknown_ticket",
    )
    .await;
}

// ------------------------------------------------------------------------------------------
// Windows
// ------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_paused_window_cannot_call_until_it_resumes() {
    let hall = demo().await;
    hall.issue("MA-001").await;
    let token = hall.sign_in("clerk01", 1).await;
    let m = mark(&hall).await;
    m.refused(
        &hall,
        hall.act(&token, 1, "resume", json!({})).await,
        409,
        "not_paused",
    )
    .await;

    let (s, r) = hall
        .act(
            &token,
            1,
            "pause",
            json!({"reason": "开会", "back_at": "10:30"}),
        )
        .await;
    assert_eq!(s, 200, "{r}");
    let m = mark(&hall).await;
    let p = m
        .refused(
            &hall,
            hall.act(&token, 1, "call-next", json!({})).await,
            409,
            "window_paused",
        )
        .await;
    assert_eq!(p["window"], 1);
    m.refused(
        &hall,
        hall.act(&token, 1, "call", json!({"number": "A001"})).await,
        409,
        "window_paused",
    )
    .await;
    m.refused(
        &hall,
        hall.act(&token, 1, "pause", json!({"reason": "again"}))
            .await,
        409,
        "already_paused",
    )
    .await;

    assert_eq!(hall.act(&token, 1, "resume", json!({})).await.0, 200);
    assert_eq!(hall.act(&token, 1, "call-next", json!({})).await.0, 200);
}

#[tokio::test]
async fn a_window_with_nobody_waiting_has_nothing_to_call_or_serve() {
    let hall = demo().await;
    let token = hall.sign_in("clerk01", 1).await;
    // A ticket of a queue window 1 does not serve.
    hall.issue("TX-001").await;
    let m = mark(&hall).await;
    let (s, p) = hall.act(&token, 1, "call-next", json!({})).await;
    let p = m.refused(&hall, (s, p), 409, "no_ticket_waiting").await;
    assert_eq!(p["window"], 1);
    for action in ["recall", "start", "finish", "no-show", "hold"] {
        m.refused(
            &hall,
            hall.act(&token, 1, action, json!({})).await,
            409,
            "no_current_ticket",
        )
        .await;
    }
    m.refused(
        &hall,
        hall.act(&token, 1, "transfer", json!({"queue": "B"})).await,
        409,
        "no_current_ticket",
    )
    .await;
}

/// Every window action, with a body it would accept.
fn every_action() -> Vec<(&'static str, Value)> {
    vec![
        ("call-next", json!({})),
        ("call", json!({"number": "A001"})),
        ("recall", json!({})),
        ("start", json!({})),
        ("finish", json!({})),
        ("no-show", json!({})),
        ("hold", json!({})),
        ("call-back", json!({"number": "A001"})),
        ("transfer", json!({"queue": "B"})),
        ("pause", json!({"reason": "x"})),
        ("resume", json!({})),
    ]
}

#[tokio::test]
async fn a_clerk_cannot_act_at_another_clerks_window() {
    let hall = demo().await;
    hall.issue("MA-001").await;
    let clerk01 = hall.sign_in("clerk01", 1).await;

    // Window 2 with nobody signed in.
    let m = mark(&hall).await;
    for (action, body) in every_action() {
        let p = m
            .refused(
                &hall,
                hall.act(&clerk01, 2, action, body).await,
                403,
                "not_your_window",
            )
            .await;
        assert_eq!(p["window"], 2, "{action}: {p}");
    }

    // Window 2 with clerk02 serving A001 there.
    let clerk02 = hall.sign_in("clerk02", 2).await;
    let (_, r) = hall.act(&clerk02, 2, "call-next", json!({})).await;
    assert_eq!(r["ticket"]["number"], "A001", "{r}");
    let m = mark(&hall).await;
    for (action, body) in every_action() {
        m.refused(
            &hall,
            hall.act(&clerk01, 2, action, body).await,
            403,
            "not_your_window",
        )
        .await;
    }
    // And the other way round.
    m.refused(
        &hall,
        hall.act(&clerk02, 1, "call-next", json!({})).await,
        403,
        "not_your_window",
    )
    .await;
}

#[tokio::test]
async fn a_supervisor_or_a_device_without_the_window_cannot_act_there() {
    let hall = demo().await;
    hall.issue("MA-001").await;
    let sup = hall.sign_in_supervisor().await;
    let m = mark(&hall).await;
    for token in [sup.as_str(), "demo-pad", "demo-gateway", "demo-kiosk"] {
        m.refused(
            &hall,
            hall.act(token, 1, "call-next", json!({})).await,
            403,
            "not_your_window",
        )
        .await;
    }
}

#[tokio::test]
async fn a_call_cannot_be_repeated_more_than_the_recall_cap() {
    let hall = demo().await;
    hall.issue("MA-001").await;
    let token = hall.sign_in("clerk01", 1).await;
    hall.act(&token, 1, "call-next", json!({})).await;
    for n in 1..=5 {
        let (s, r) = hall.act(&token, 1, "recall", json!({})).await;
        assert_eq!((s, r["ticket"]["recalls"].as_u64()), (200, Some(n)), "{r}");
    }
    let m = mark(&hall).await;
    let p = m
        .refused(
            &hall,
            hall.act(&token, 1, "recall", json!({})).await,
            409,
            "recall_cap_reached",
        )
        .await;
    assert_eq!(p["cap"], 5);
    // The ticket can still be served.
    assert_eq!(hall.act(&token, 1, "start", json!({})).await.0, 200);
}

#[tokio::test]
async fn a_window_with_a_ticket_open_cannot_call_another_or_pause() {
    let hall = demo().await;
    hall.issue("MA-001").await;
    hall.issue("MA-002").await;
    let token = hall.sign_in("clerk01", 1).await;
    hall.act(&token, 1, "call-next", json!({})).await;
    for round in ["called", "serving"] {
        let m = mark(&hall).await;
        for (action, body) in [
            ("call-next", json!({})),
            ("call", json!({"number": "A002"})),
            ("call-back", json!({"number": "A002"})),
            ("pause", json!({"reason": "喝水"})),
        ] {
            let p = m
                .refused(
                    &hall,
                    hall.act(&token, 1, action, body).await,
                    409,
                    "window_busy",
                )
                .await;
            assert_eq!(
                (p["window"].as_u64(), p["number"].as_str()),
                (Some(1), Some("A001")),
                "{round} {action}: {p}"
            );
        }
        if round == "called" {
            assert_eq!(hall.act(&token, 1, "start", json!({})).await.0, 200);
        }
    }
}

#[tokio::test]
async fn another_clerk_cannot_sign_in_at_a_taken_window() {
    let hall = demo().await;
    hall.sign_in("clerk01", 1).await;
    let m = mark(&hall).await;
    let p = m
        .refused(
            &hall,
            hall.post(
                "/api/v1/session",
                None,
                json!({"clerk": "clerk02", "password": "demo", "window": 1}),
            )
            .await,
            409,
            "window_occupied",
        )
        .await;
    assert_eq!(
        (p["window"].as_u64(), p["clerk"].as_str()),
        (Some(1), Some("clerk01"))
    );
    m.refused(
        &hall,
        hall.post(
            "/api/v1/session",
            None,
            json!({"clerk": "clerk02", "password": "demo", "window": 99}),
        )
        .await,
        404,
        "unknown_window",
    )
    .await;
}

#[tokio::test]
async fn an_action_in_the_wrong_state_is_refused() {
    let hall = demo().await;
    hall.issue("MA-001").await;
    hall.issue("MA-002").await;
    let token = hall.sign_in("clerk01", 1).await;
    hall.act(&token, 1, "call-next", json!({})).await;

    // Called: cannot finish before starting.
    let m = mark(&hall).await;
    let p = m
        .refused(
            &hall,
            hall.act(&token, 1, "finish", json!({})).await,
            409,
            "wrong_state",
        )
        .await;
    assert_eq!(p["number"], "A001");
    assert!(p["detail"].as_str().unwrap().contains("called"), "{p}");
    assert_eq!(p["ticket_status"], "called", "{p}");

    // Serving: cannot start again, recall, or mark no-show.
    hall.act(&token, 1, "start", json!({})).await;
    let m = mark(&hall).await;
    for action in ["start", "recall", "no-show"] {
        let p = m
            .refused(
                &hall,
                hall.act(&token, 1, action, json!({})).await,
                409,
                "wrong_state",
            )
            .await;
        assert!(
            p["detail"].as_str().unwrap().contains("serving"),
            "{action}: {p}"
        );
    }
    hall.act(&token, 1, "finish", json!({})).await;

    // A finished ticket cannot be called again by number.
    let m = mark(&hall).await;
    let p = m
        .refused(
            &hall,
            hall.act(&token, 1, "call", json!({"number": "A001"})).await,
            409,
            "wrong_state",
        )
        .await;
    assert!(p["detail"].as_str().unwrap().contains("finished"), "{p}");
}

#[tokio::test]
async fn calls_by_number_transfers_and_call_backs_are_checked() {
    let hall = demo().await;
    hall.issue("MA-001").await;
    hall.issue("MA-002").await;
    let clerk01 = hall.sign_in("clerk01", 1).await;
    let clerk04 = hall.sign_in("clerk04", 4).await;
    let m = mark(&hall).await;
    let p = m
        .refused(
            &hall,
            hall.act(&clerk01, 1, "call", json!({"number": "A099"}))
                .await,
            404,
            "unknown_ticket",
        )
        .await;
    assert!(p["ticket"].as_str().unwrap().contains("A099"), "{p}");
    let p = m
        .refused(
            &hall,
            hall.act(&clerk04, 4, "call", json!({"number": "A001"}))
                .await,
            409,
            "queue_not_served",
        )
        .await;
    assert_eq!(
        (p["window"].as_u64(), p["queue"].as_str()),
        (Some(4), Some("A"))
    );
    m.refused(
        &hall,
        hall.act(&clerk01, 1, "call-back", json!({"number": "A002"}))
            .await,
        409,
        "not_held_here",
    )
    .await;
    m.refused(
        &hall,
        hall.act(&clerk01, 99, "call-next", json!({})).await,
        404,
        "unknown_window",
    )
    .await;

    hall.act(&clerk01, 1, "call-next", json!({})).await;
    let m = mark(&hall).await;
    m.refused(
        &hall,
        hall.act(&clerk01, 1, "transfer", json!({"queue": "A"}))
            .await,
        409,
        "same_queue",
    )
    .await;
    m.refused(
        &hall,
        hall.act(&clerk01, 1, "transfer", json!({"queue": "Q"}))
            .await,
        404,
        "unknown_queue",
    )
    .await;

    // Held at window 1: window 4 cannot call it back.
    hall.act(&clerk01, 1, "hold", json!({})).await;
    let m = mark(&hall).await;
    let p = m
        .refused(
            &hall,
            hall.act(&clerk04, 4, "call-back", json!({"number": "A001"}))
                .await,
            409,
            "not_held_here",
        )
        .await;
    assert_eq!(
        (p["window"].as_u64(), p["number"].as_str()),
        (Some(4), Some("A001"))
    );
}

// ------------------------------------------------------------------------------------------
// Who is asking
// ------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_request_without_a_valid_token_is_unauthorized() {
    let hall = demo().await;
    let t = hall.issue("MA-001").await;
    let cancel = format!("/api/v1/tickets/{}/cancel", t["id"].as_str().unwrap());
    let token = hall.sign_in("clerk01", 1).await;
    let m = mark(&hall).await;
    for bad in [None, Some("wrong-token"), Some("")] {
        m.refused(
            &hall,
            hall.post("/api/v1/tickets", bad, json!({"item": "MA-001"}))
                .await,
            401,
            "unauthorized",
        )
        .await;
        m.refused(
            &hall,
            hall.post(&cancel, bad, json!({})).await,
            401,
            "unauthorized",
        )
        .await;
        m.refused(
            &hall,
            hall.post("/api/v1/windows/1/call-next", bad, json!({}))
                .await,
            401,
            "unauthorized",
        )
        .await;
        m.refused(
            &hall,
            hall.delete("/api/v1/session", bad).await,
            401,
            "unauthorized",
        )
        .await;
        for path in ["/api/v1/live", "/api/v1/events", "/api/v1/session"] {
            m.refused(&hall, hall.get(path, bad).await, 401, "unauthorized")
                .await;
        }
    }
    // The right token, sent the wrong way.
    let res = hall
        .http
        .post(hall.url("/api/v1/windows/1/call-next"))
        .header("Authorization", format!("Basic {token}"))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 401);
    assert_eq!(
        res.headers()["content-type"].to_str().unwrap(),
        "application/problem+json"
    );
    let p: Value = res.json().await.unwrap();
    assert_problem(&p, 401, "unauthorized");
    assert_eq!(hall.seq().await, m.seq);
}
