//! `Idempotency-Key`: a double-tapped or retried POST takes effect once, and every retry gets the
//! first result back (marked `idempotent-replayed: true`), even after a restart.

use crate::support::*;
use serde_json::{Value, json};

/// One POST with an Idempotency-Key: (status, body, the `idempotent-replayed` header).
async fn post_keyed(
    hall: &TestHall,
    path: &str,
    token: Option<&str>,
    body: &Value,
    key: &str,
) -> (u16, Value, Option<String>) {
    let mut req = hall
        .http
        .post(hall.url(path))
        .header("Idempotency-Key", key)
        .json(body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let res = req.send().await.expect("request");
    let status = res.status().as_u16();
    let replayed = res
        .headers()
        .get("idempotent-replayed")
        .map(|v| v.to_str().unwrap().to_owned());
    if status >= 400 {
        assert_eq!(
            res.headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok()),
            Some("application/problem+json")
        );
    }
    let text = res.text().await.unwrap();
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap()
    };
    (status, body, replayed)
}

/// The demo hall on a fixed test clock, so that no midnight adds events mid-test.
async fn demo() -> TestHall {
    spawn_hall_with(HallOptions {
        config: None,
        clock: Some("2026-11-26T09:00:00+08:00".into()),
        ..Default::default()
    })
    .await
}

fn count(events: &[Value], kind: &str) -> usize {
    events.iter().filter(|e| e["type"] == kind).count()
}

/// Of two answers to the same keyed request, exactly one is the replay.
fn one_replayed(a: &Option<String>, b: &Option<String>) {
    let flags = [a.as_deref(), b.as_deref()];
    assert!(
        flags == [None, Some("true")] || flags == [Some("true"), None],
        "exactly one answer is the replay: {flags:?}"
    );
}

#[tokio::test]
async fn a_double_tapped_ticket_request_issues_one_ticket() {
    let hall = demo().await;
    let body = json!({"item": "MA-001"});
    let key = "kiosk-1-tap-0001";
    let (a, b) = tokio::join!(
        post_keyed(&hall, "/api/v1/tickets", Some("demo-kiosk"), &body, key),
        post_keyed(&hall, "/api/v1/tickets", Some("demo-kiosk"), &body, key),
    );
    assert_eq!((a.0, b.0), (201, 201), "{} / {}", a.1, b.1);
    assert_eq!(a.1["id"], b.1["id"]);
    assert_eq!(a.1["number"], b.1["number"]);
    assert_eq!(a.1["number"], "A001");
    assert_eq!(a.1, b.1, "the replay is the first answer, byte for byte");
    one_replayed(&a.2, &b.2);

    let events = hall.all_events().await;
    assert_eq!(count(&events, "ticket_issued"), 1, "{events:?}");

    // A third tap, later: the same answer again, still one ticket.
    let c = post_keyed(&hall, "/api/v1/tickets", Some("demo-kiosk"), &body, key).await;
    assert_eq!(c.0, 201);
    assert_eq!(c.1["id"], a.1["id"]);
    assert_eq!(c.2.as_deref(), Some("true"));
    assert_eq!(hall.all_events().await, events);

    // A new key is a new ticket.
    let d = post_keyed(
        &hall,
        "/api/v1/tickets",
        Some("demo-kiosk"),
        &body,
        "kiosk-1-tap-0002",
    )
    .await;
    assert_eq!((d.0, d.1["number"].as_str()), (201, Some("A002")));
    assert_eq!(d.2, None, "a first answer is not a replay");
}

#[tokio::test]
async fn many_concurrent_taps_with_one_key_still_issue_one_ticket() {
    let hall = demo().await;
    let body = json!({"queue": "C"});
    let answers = futures_util::future::join_all(
        (0..16).map(|_| post_keyed(&hall, "/api/v1/tickets", Some("demo-kiosk"), &body, "burst")),
    )
    .await;
    let ids: std::collections::BTreeSet<String> = answers
        .iter()
        .map(|(s, b, _)| {
            assert_eq!(*s, 201, "{b}");
            b["id"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(ids.len(), 1, "{ids:?}");
    let firsts = answers.iter().filter(|(_, _, r)| r.is_none()).count();
    assert_eq!(firsts, 1, "one first answer, fifteen replays");
    assert_eq!(count(&hall.all_events().await, "ticket_issued"), 1);
}

#[tokio::test]
async fn a_key_reused_for_a_different_request_is_refused_with_422() {
    let hall = demo().await;
    let key = "kiosk-1-tap-0042";
    let first = post_keyed(
        &hall,
        "/api/v1/tickets",
        Some("demo-kiosk"),
        &json!({"item": "MA-001"}),
        key,
    )
    .await;
    assert_eq!(first.0, 201);
    let seq = hall.seq().await;
    let events = hall.all_events().await;

    for body in [
        json!({"item": "MA-002"}),
        json!({"queue": "A"}),
        json!({"item": "MA-001", "channel": "desk"}),
    ] {
        let (s, p, replayed) =
            post_keyed(&hall, "/api/v1/tickets", Some("demo-kiosk"), &body, key).await;
        assert_eq!(s, 422, "{p}");
        assert_eq!(p["code"], "idempotency_key_reused");
        assert_eq!(p["status"], 422);
        assert_eq!(p["type"], "/problems/idempotency_key_reused");
        assert!(p["title"].is_string() && p["detail"].is_string(), "{p}");
        assert_eq!(replayed, None);
    }
    // The same key on another endpoint is a different request too.
    let (s, p, _) = post_keyed(
        &hall,
        &format!("/api/v1/tickets/{}/cancel", first.1["id"].as_str().unwrap()),
        Some("demo-kiosk"),
        &json!({}),
        key,
    )
    .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (422, Some("idempotency_key_reused")),
        "{p}"
    );
    assert_eq!(hall.seq().await, seq);
    assert_eq!(hall.all_events().await, events);

    // The original request under the key still replays.
    let again = post_keyed(
        &hall,
        "/api/v1/tickets",
        Some("demo-kiosk"),
        &json!({"item": "MA-001"}),
        key,
    )
    .await;
    assert_eq!((again.0, again.2.as_deref()), (201, Some("true")));
    assert_eq!(again.1["id"], first.1["id"]);
}

#[tokio::test]
async fn keys_belong_to_who_sent_them() {
    let hall = demo().await;
    let body = json!({"item": "MA-001"});
    let a = post_keyed(&hall, "/api/v1/tickets", Some("demo-kiosk"), &body, "tap-1").await;
    let b = post_keyed(
        &hall,
        "/api/v1/tickets",
        Some("demo-gateway"),
        &body,
        "tap-1",
    )
    .await;
    assert_eq!((a.0, b.0), (201, 201));
    assert_ne!(
        a.1["id"], b.1["id"],
        "another device's key is another request"
    );
    assert_eq!((a.2, b.2), (None, None));
    assert_eq!(count(&hall.all_events().await, "ticket_issued"), 2);
}

#[tokio::test]
async fn a_key_is_remembered_across_a_restart() {
    let mut hall = demo().await;
    let body = json!({"item": "MA-003", "id_number": "11010519491231002X"});
    let first = post_keyed(
        &hall,
        "/api/v1/tickets",
        Some("demo-kiosk"),
        &body,
        "restart-key",
    )
    .await;
    assert_eq!(first.0, 201, "{}", first.1);
    assert_eq!(first.1["priority"], "green");

    hall.restart();
    let again = post_keyed(
        &hall,
        "/api/v1/tickets",
        Some("demo-kiosk"),
        &body,
        "restart-key",
    )
    .await;
    assert_eq!(again.0, 201, "{}", again.1);
    assert_eq!(again.2.as_deref(), Some("true"));
    assert_eq!(again.1["id"], first.1["id"]);
    assert_eq!(again.1["number"], first.1["number"]);
    assert_eq!(again.1, first.1);
    let events = hall.all_events().await;
    assert_eq!(count(&events, "ticket_issued"), 1);

    // And a different request under it is still refused.
    let (s, p, _) = post_keyed(
        &hall,
        "/api/v1/tickets",
        Some("demo-kiosk"),
        &json!({"item": "MA-004"}),
        "restart-key",
    )
    .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (422, Some("idempotency_key_reused"))
    );
    assert_eq!(hall.all_events().await, events);
}

#[tokio::test]
async fn a_double_tapped_call_next_calls_only_one_ticket() {
    let hall = demo().await;
    hall.issue("MA-001").await;
    hall.issue("MA-002").await;
    let token = hall.sign_in("clerk01", 1).await;
    let path = "/api/v1/windows/1/call-next";
    let empty = json!({});
    let (a, b) = tokio::join!(
        post_keyed(&hall, path, Some(&token), &empty, "pad-1-press-7"),
        post_keyed(&hall, path, Some(&token), &empty, "pad-1-press-7"),
    );
    assert_eq!((a.0, b.0), (200, 200), "{} / {}", a.1, b.1);
    assert_eq!(a.1["ticket"]["number"], "A001");
    assert_eq!(b.1["ticket"]["number"], "A001");
    one_replayed(&a.2, &b.2);

    let events = hall.all_events().await;
    assert_eq!(count(&events, "ticket_called"), 1);
    let (_, live) = hall.get("/api/v1/live", Some("demo-display")).await;
    let a_queue = live["queues"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["queue"] == "A")
        .unwrap();
    assert_eq!(a_queue["waiting"], 1, "A002 still waits");

    // The same key on a different action of the same clerk is refused, not replayed.
    let (s, p, _) = post_keyed(
        &hall,
        "/api/v1/windows/1/start",
        Some(&token),
        &json!({}),
        "pad-1-press-7",
    )
    .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (422, Some("idempotency_key_reused")),
        "{p}"
    );
    assert_eq!(hall.all_events().await, events);

    // Without a key, a second press is a second command (refused: the window is busy).
    let (s, p) = hall.act(&token, 1, "call-next", json!({})).await;
    assert_eq!((s, p["code"].as_str()), (409, Some("window_busy")));
}

#[tokio::test]
async fn a_retried_sign_in_returns_the_same_token() {
    let hall = demo().await;
    let body = json!({"clerk": "clerk01", "password": "demo", "window": 1});
    let first = post_keyed(&hall, "/api/v1/session", None, &body, "login-clerk01-1").await;
    assert_eq!(first.0, 201, "{}", first.1);
    assert_eq!(first.2, None);
    let again = post_keyed(&hall, "/api/v1/session", None, &body, "login-clerk01-1").await;
    assert_eq!(again.0, 201, "{}", again.1);
    assert_eq!(again.2.as_deref(), Some("true"));
    assert_eq!(again.1["token"], first.1["token"]);
    assert_eq!(again.1, first.1);
    assert_eq!(count(&hall.all_events().await, "window_opened"), 1);

    let token = first.1["token"].as_str().unwrap();
    let (s, me) = hall.get("/api/v1/session", Some(token)).await;
    assert_eq!(
        (s, me["clerk"].as_str(), me["window"].as_u64()),
        (200, Some("clerk01"), Some(1))
    );

    // Concurrent retries of another clerk's sign-in.
    let body2 = json!({"clerk": "clerk02", "password": "demo", "window": 2});
    let (a, b) = tokio::join!(
        post_keyed(&hall, "/api/v1/session", None, &body2, "login-clerk02-1"),
        post_keyed(&hall, "/api/v1/session", None, &body2, "login-clerk02-1"),
    );
    assert_eq!((a.0, b.0), (201, 201), "{} / {}", a.1, b.1);
    assert_eq!(a.1["token"], b.1["token"]);
    one_replayed(&a.2, &b.2);
    assert_eq!(count(&hall.all_events().await, "window_opened"), 2);
    let t2 = a.1["token"].as_str().unwrap();
    assert_eq!(hall.get("/api/v1/session", Some(t2)).await.0, 200);

    // A wrong password under a used key is still a wrong password: no token comes back.
    let (s, p, _) = post_keyed(
        &hall,
        "/api/v1/session",
        None,
        &json!({"clerk": "clerk01", "password": "wrong", "window": 1}),
        "login-clerk01-1",
    )
    .await;
    assert_eq!(s, 401, "{p}");
    assert!(p.get("token").is_none(), "{p}");
}
