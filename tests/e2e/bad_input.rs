//! Bad input over HTTP: whatever a client sends wrong, the answer is a 4xx
//! `application/problem+json` with a stable `code`, and the event log is exactly as it was.

use crate::support::*;
use serde_json::{Value, json};
use std::time::Duration;

struct Mark {
    seq: u64,
    events: Vec<Value>,
}

async fn mark(hall: &TestHall) -> Mark {
    Mark {
        seq: hall.seq().await,
        events: hall.all_events().await,
    }
}

impl Mark {
    /// `r` is a `status` problem with this `code`, and the log has not moved since the mark.
    async fn refused(&self, hall: &TestHall, r: (u16, Value), status: u16, code: &str) -> Value {
        let (s, p) = r;
        assert_eq!(s, status, "expected {status} {code}, got {s}: {p}");
        assert_eq!(p["code"], code, "{p}");
        assert_eq!(p["status"], status, "{p}");
        assert!(
            p["type"]
                .as_str()
                .is_some_and(|t| t.ends_with(&format!("/{code}"))),
            "{p}"
        );
        assert!(p["title"].as_str().is_some_and(|t| !t.is_empty()), "{p}");
        assert!(p["detail"].as_str().is_some_and(|t| !t.is_empty()), "{p}");
        assert_eq!(hall.seq().await, self.seq, "seq moved after {code}: {p}");
        let events = hall.all_events().await;
        assert_eq!(events.len(), self.events.len(), "after {code}: {p}");
        assert_eq!(events, self.events, "events changed after {code}: {p}");
        p
    }
}

/// The demo hall on a fixed Thursday morning, its first business day opened.
async fn demo() -> TestHall {
    let hall = spawn_hall_with(HallOptions {
        config: None,
        clock: Some("2026-11-26T09:00:00+08:00".into()),
        ..Default::default()
    })
    .await;
    for _ in 0..100 {
        if hall.seq().await >= 1 {
            return hall;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the first business day never opened");
}

/// Sends a request as is and reads the answer; any error must be problem+json.
async fn send(req: reqwest::RequestBuilder) -> (u16, Value) {
    read(req.send().await.expect("request")).await
}

/// POSTs raw bytes as JSON.
async fn post_raw(hall: &TestHall, path: &str, token: Option<&str>, body: &str) -> (u16, Value) {
    let mut req = hall
        .http
        .post(hall.url(path))
        .header("content-type", "application/json")
        .body(body.to_owned());
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    send(req).await
}

#[tokio::test]
async fn malformed_json_is_refused_everywhere() {
    let hall = demo().await;
    hall.issue("MA-001").await;
    let clerk = hall.sign_in("clerk01", 1).await;
    let m = mark(&hall).await;
    for body in [
        r#"{"item": "MA-001""#,
        "not json",
        "{'item': 'MA-001'}",
        r#"{"item": "MA-001",}"#,
        "\u{feff}{}",
    ] {
        for (path, token) in [
            ("/api/v1/tickets", "demo-kiosk"),
            ("/api/v1/windows/1/call-next", clerk.as_str()),
            ("/api/v1/session", "none"),
        ] {
            m.refused(
                &hall,
                post_raw(&hall, path, Some(token), body).await,
                400,
                "invalid_json",
            )
            .await;
        }
    }
}

#[tokio::test]
async fn a_json_array_or_scalar_instead_of_an_object_is_refused() {
    let hall = demo().await;
    let clerk = hall.sign_in("clerk01", 1).await;
    hall.issue("MA-001").await;
    let m = mark(&hall).await;
    for body in [
        r#"[{"item": "MA-001"}]"#,
        r#"["MA-001"]"#,
        "[]",
        r#""MA-001""#,
        "42",
        "null",
        "true",
        // Every field of the request in declaration order: still not an object.
        r#"["MA-001", null, null, null, null, null, null]"#,
    ] {
        let (s, p) = post_raw(&hall, "/api/v1/tickets", Some("demo-kiosk"), body).await;
        assert!(
            (400..500).contains(&s),
            "POST /api/v1/tickets {body} gave {s}: {p}"
        );
        m.refused(&hall, (s, p), 400, "invalid_json").await;
    }
    for body in ["[]", "[null, null, null, null]", r#"["A001"]"#, "1"] {
        m.refused(
            &hall,
            post_raw(&hall, "/api/v1/windows/1/call-next", Some(&clerk), body).await,
            400,
            "invalid_json",
        )
        .await;
    }
    for body in [
        r#"[{"clerk": "clerk02", "password": "demo", "window": 2}]"#,
        r#"["clerk02", "demo", 2]"#,
    ] {
        m.refused(
            &hall,
            post_raw(&hall, "/api/v1/session", None, body).await,
            400,
            "invalid_json",
        )
        .await;
    }
}

#[tokio::test]
async fn unknown_fields_are_refused_not_ignored() {
    let hall = demo().await;
    let clerk = hall.sign_in("clerk01", 1).await;
    hall.issue("MA-001").await;
    let m = mark(&hall).await;
    for (path, token, body) in [
        (
            "/api/v1/tickets",
            Some("demo-kiosk"),
            json!({"item": "MA-001", "vip": true}),
        ),
        (
            "/api/v1/tickets",
            Some("demo-kiosk"),
            json!({"item": "MA-001", "idNumber": "11010519491231002X"}),
        ),
        (
            "/api/v1/windows/1/call",
            Some(clerk.as_str()),
            json!({"numbr": "A001"}),
        ),
        (
            "/api/v1/windows/1/call-next",
            Some(clerk.as_str()),
            json!({"queue_id": "A"}),
        ),
        (
            "/api/v1/session",
            None,
            json!({"clerk": "clerk02", "password": "demo", "window": 2, "remember": true}),
        ),
    ] {
        m.refused(
            &hall,
            hall.post(path, token, body).await,
            400,
            "invalid_json",
        )
        .await;
    }
    // Known fields with the wrong type or value are refused the same way.
    for body in [
        json!({"item": 1}),
        json!({"item": "MA-001", "priority": "vip"}),
        json!({"item": "MA-001", "channel": "fax"}),
        json!({"item": "MA-001", "green_reason": "rich"}),
    ] {
        m.refused(
            &hall,
            hall.post("/api/v1/tickets", Some("demo-kiosk"), body).await,
            400,
            "invalid_json",
        )
        .await;
    }
}

#[tokio::test]
async fn a_ticket_request_needs_exactly_one_of_item_and_queue() {
    let hall = demo().await;
    let m = mark(&hall).await;
    for body in [
        json!({}),
        json!({"phone": "13812345678"}),
        json!({"item": "MA-001", "queue": "A"}),
        json!({"item": null, "queue": null}),
    ] {
        m.refused(
            &hall,
            hall.post("/api/v1/tickets", Some("demo-kiosk"), body).await,
            400,
            "bad_request",
        )
        .await;
    }
    m.refused(
        &hall,
        post_raw(&hall, "/api/v1/tickets", Some("demo-kiosk"), "").await,
        400,
        "bad_request",
    )
    .await;
}

#[tokio::test]
async fn a_bad_id_number_or_phone_is_refused_and_never_echoed() {
    let hall = demo().await;
    let m = mark(&hall).await;
    for id in [
        "110105194912310021", // wrong check digit
        "11010519491231002",  // 17 characters
        "1101051949123100XX", // X in the middle
        "110105194913310026", // month 13
        "11010519491231002Y", // not a digit or X
        "ABCDEFGHIJKLMNOPQR", // letters
        "",                   // empty
    ] {
        let p = m
            .refused(
                &hall,
                hall.post(
                    "/api/v1/tickets",
                    Some("demo-kiosk"),
                    json!({"item": "MA-001", "id_number": id}),
                )
                .await,
                400,
                "bad_request",
            )
            .await;
        if id.len() >= 12 {
            assert!(
                !p.to_string().contains(&id[..12]),
                "the problem echoes the ID number: {p}"
            );
        }
    }
    for phone in [
        "1381234567",   // 10 digits
        "138123456789", // 12 digits
        "23812345678",  // not 1…
        "1381234567a",
        "+8613812345678",
        "",
    ] {
        m.refused(
            &hall,
            hall.post(
                "/api/v1/tickets",
                Some("demo-kiosk"),
                json!({"item": "MA-001", "phone": phone}),
            )
            .await,
            400,
            "bad_request",
        )
        .await;
    }
}

#[tokio::test]
async fn a_body_over_16_kib_is_refused_with_413() {
    let hall = demo().await;
    let clerk = hall.sign_in("clerk01", 1).await;
    let m = mark(&hall).await;
    let pad = "x".repeat(17 * 1024);
    for (path, token, body) in [
        (
            "/api/v1/tickets",
            Some("demo-kiosk"),
            json!({"item": "MA-001", "pad": pad}),
        ),
        (
            "/api/v1/windows/1/pause",
            Some(clerk.as_str()),
            json!({"reason": pad}),
        ),
        (
            "/api/v1/session",
            None,
            json!({"clerk": "clerk02", "password": pad, "window": 2}),
        ),
    ] {
        m.refused(
            &hall,
            hall.post(path, token, body).await,
            413,
            "payload_too_large",
        )
        .await;
    }
    // Just under the limit is read (and refused for what it says, not for its size).
    let under = "y".repeat(15 * 1024);
    m.refused(
        &hall,
        hall.post(
            "/api/v1/tickets",
            Some("demo-kiosk"),
            json!({"item": "MA-001", "pad": under}),
        )
        .await,
        400,
        "invalid_json",
    )
    .await;
}

#[tokio::test]
async fn a_missing_or_wrong_token_is_refused_with_401() {
    let hall = demo().await;
    hall.issue("MA-001").await;
    let m = mark(&hall).await;
    for token in [
        None,
        Some("wrong"),
        Some("Demo-Kiosk"),
        Some("sha256:49d6cc27"),
    ] {
        m.refused(
            &hall,
            hall.post("/api/v1/tickets", token, json!({"item": "MA-001"}))
                .await,
            401,
            "unauthorized",
        )
        .await;
        m.refused(
            &hall,
            hall.post("/api/v1/windows/1/call-next", token, json!({}))
                .await,
            401,
            "unauthorized",
        )
        .await;
    }
}

#[tokio::test]
async fn acting_at_another_clerks_window_or_in_the_wrong_state_is_refused() {
    let hall = demo().await;
    hall.issue("MA-001").await;
    let clerk01 = hall.sign_in("clerk01", 1).await;
    hall.sign_in("clerk02", 2).await;
    let m = mark(&hall).await;
    m.refused(
        &hall,
        hall.act(&clerk01, 2, "call-next", json!({})).await,
        403,
        "not_your_window",
    )
    .await;
    hall.act(&clerk01, 1, "call-next", json!({})).await;
    let m = mark(&hall).await;
    m.refused(
        &hall,
        hall.act(&clerk01, 1, "finish", json!({})).await,
        409,
        "wrong_state",
    )
    .await;
}

#[tokio::test]
async fn an_unknown_window_action_endpoint_or_method_is_a_404_or_405_problem() {
    let hall = demo().await;
    let clerk = hall.sign_in("clerk01", 1).await;
    let m = mark(&hall).await;
    for action in ["call_next", "CALL-NEXT", "serve", "delete"] {
        m.refused(
            &hall,
            hall.act(&clerk, 1, action, json!({})).await,
            404,
            "not_found",
        )
        .await;
    }
    for path in ["/api/v1/nope", "/api/v2/tickets", "/api/v1/windows"] {
        m.refused(&hall, hall.get(path, Some(&clerk)).await, 404, "not_found")
            .await;
    }
    // A method the endpoint does not take.
    let (s, p) = send(
        hall.http
            .get(hall.url("/api/v1/tickets"))
            .bearer_auth("demo-kiosk"),
    )
    .await;
    assert_eq!(s, 405, "{p}");
    m.refused(&hall, (s, p), 405, "method_not_allowed").await;
    let (s, p) = send(
        hall.http
            .put(hall.url("/api/v1/windows/1/call-next"))
            .bearer_auth(&clerk),
    )
    .await;
    m.refused(&hall, (s, p), 405, "method_not_allowed").await;
}

#[tokio::test]
async fn a_window_number_that_is_not_a_number_is_a_problem() {
    let hall = demo().await;
    let clerk = hall.sign_in("clerk01", 1).await;
    let m = mark(&hall).await;
    for window in ["one", "-1", "1.5", "99999999999"] {
        let (s, p) = send(
            hall.http
                .post(hall.url(&format!("/api/v1/windows/{window}/call-next")))
                .bearer_auth(&clerk)
                .json(&json!({})),
        )
        .await;
        assert!((400..500).contains(&s), "{window}: {s} {p}");
        assert!(p["code"].is_string(), "{window}: {p}");
        assert_eq!(hall.seq().await, m.seq);
    }
}

#[tokio::test]
async fn a_bad_ticket_number_or_missing_action_field_is_refused() {
    let hall = demo().await;
    hall.issue("MA-001").await;
    let clerk = hall.sign_in("clerk01", 1).await;
    let m = mark(&hall).await;
    for number in [
        "a1", "A1", "a001", "A", "001", "ABC001", "A00001", "A-001", "",
    ] {
        for action in ["call", "call-back"] {
            m.refused(
                &hall,
                hall.act(&clerk, 1, action, json!({"number": number})).await,
                400,
                "bad_request",
            )
            .await;
        }
    }
    for (action, body) in [
        ("call", json!({})),
        ("call-back", json!({})),
        ("pause", json!({})),
        ("pause", json!({"reason": "   "})),
        ("pause", json!({"reason": "长".repeat(101)})),
        ("pause", json!({"reason": "开会", "back_at": "25:99"})),
        ("pause", json!({"reason": "开会", "back_at": "tomorrow"})),
    ] {
        m.refused(
            &hall,
            hall.act(&clerk, 1, action, body.clone()).await,
            400,
            "bad_request",
        )
        .await;
    }
    m.refused(
        &hall,
        hall.act(&clerk, 1, "call", json!({"number": 1})).await,
        400,
        "invalid_json",
    )
    .await;
    // A transfer needs a queue: checked before anything else (no ticket is open here).
    m.refused(
        &hall,
        hall.act(&clerk, 1, "transfer", json!({})).await,
        400,
        "bad_request",
    )
    .await;
}

#[tokio::test]
async fn a_wrong_password_or_unknown_clerk_cannot_sign_in() {
    let hall = demo().await;
    let m = mark(&hall).await;
    for body in [
        json!({"clerk": "clerk01", "password": "Demo", "window": 1}),
        json!({"clerk": "clerk01", "password": "", "window": 1}),
        json!({"clerk": "nobody", "password": "demo", "window": 1}),
        json!({"clerk": "", "password": "demo"}),
    ] {
        let p = m
            .refused(
                &hall,
                hall.post("/api/v1/session", None, body).await,
                401,
                "unauthorized",
            )
            .await;
        assert!(p.get("token").is_none(), "{p}");
    }
    // Unknown clerk and wrong password read the same.
    let (_, a) = hall
        .post(
            "/api/v1/session",
            None,
            json!({"clerk": "clerk01", "password": "x", "window": 1}),
        )
        .await;
    let (_, b) = hall
        .post(
            "/api/v1/session",
            None,
            json!({"clerk": "ghost", "password": "x", "window": 1}),
        )
        .await;
    assert_eq!(a, b);
    for body in [
        json!({"clerk": "clerk01", "window": 1}),
        json!({"password": "demo", "window": 1}),
        json!({"clerk": "clerk01", "password": "demo", "window": "1"}),
        json!({"clerk": "clerk01", "password": "demo", "window": -1}),
    ] {
        m.refused(
            &hall,
            hall.post("/api/v1/session", None, body).await,
            400,
            "invalid_json",
        )
        .await;
    }
}

#[tokio::test]
async fn a_malformed_idempotency_key_or_query_is_refused() {
    let hall = demo().await;
    let m = mark(&hall).await;
    for key in ["a b".to_owned(), "k".repeat(201)] {
        let (s, p) = send(
            hall.http
                .post(hall.url("/api/v1/tickets"))
                .bearer_auth("demo-kiosk")
                .header("Idempotency-Key", key)
                .json(&json!({"item": "MA-001"})),
        )
        .await;
        m.refused(&hall, (s, p), 400, "bad_request").await;
    }
    for q in ["after=x", "after=-1", "limit=many"] {
        m.refused(
            &hall,
            hall.get(&format!("/api/v1/events?{q}"), Some("demo-display"))
                .await,
            400,
            "invalid_query",
        )
        .await;
    }
}

#[tokio::test]
async fn a_plain_get_of_the_stream_is_a_problem_not_plain_text() {
    let hall = spawn_hall().await;
    // `read` asserts that a 4xx carries application/problem+json.
    let (status, body) = hall
        .get("/api/v1/stream?after=0", Some("demo-display"))
        .await;
    assert!(status == 400 || status == 426, "{status} {body}");
    assert_eq!(body["code"], "websocket_upgrade_required", "{body}");
}
