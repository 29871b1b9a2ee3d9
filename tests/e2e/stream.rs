//! `GET /api/v1/stream?after=N`: the backlog after N, then live events, in seq order, with no gap
//! and no duplicate — across disconnects, bursts of concurrent writes and restarts.

use crate::support::*;
use futures_util::StreamExt;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

const WAIT: Duration = Duration::from_secs(5);
const QUIET: Duration = Duration::from_millis(300);

fn seq_of(e: &Value) -> u64 {
    e["seq"]
        .as_u64()
        .unwrap_or_else(|| panic!("event without seq: {e}"))
}

/// Reads events until one with seq `until` arrives; fails on a timeout.
async fn read_until(sub: &mut Subscriber, until: u64) -> Vec<Value> {
    let mut out = Vec::new();
    loop {
        let e = sub
            .next_event(WAIT)
            .await
            .unwrap_or_else(|| panic!("stream stopped before seq {until}; got {}", out.len()));
        let s = seq_of(&e);
        out.push(e);
        if s >= until {
            return out;
        }
    }
}

/// Asserts the events are exactly seqs `from..=to`, in order.
fn assert_contiguous(events: &[Value], from: u64, to: u64) {
    let seqs: Vec<u64> = events.iter().map(seq_of).collect();
    let expected: Vec<u64> = (from..=to).collect();
    assert_eq!(
        seqs, expected,
        "the stream is not exactly seqs {from}..={to}"
    );
}

/// Issues `n` tickets for MA-001 from a bare client (no `TestHall` needed in the task).
async fn issue_many(http: reqwest::Client, base: String, item: &'static str, n: usize) {
    for _ in 0..n {
        let res = http
            .post(format!("{base}/api/v1/tickets"))
            .bearer_auth("demo-kiosk")
            .json(&json!({ "item": item }))
            .send()
            .await
            .expect("issue request");
        assert_eq!(res.status().as_u16(), 201, "{}", res.text().await.unwrap());
    }
}

#[tokio::test]
async fn a_subscriber_gets_the_backlog_after_n_then_live_events_in_order() {
    let hall = spawn_hall().await;
    for _ in 0..5 {
        hall.issue("MA-001").await;
    }
    let backlog_end = hall.seq().await;
    assert!(backlog_end >= 5);
    let after = 2;
    let mut sub = hall.subscribe(after).await;
    let backlog = read_until(&mut sub, backlog_end).await;
    assert_contiguous(&backlog, after + 1, backlog_end);
    // Exactly what /api/v1/events holds for those seqs.
    let logged: Vec<Value> = hall
        .all_events()
        .await
        .into_iter()
        .filter(|e| seq_of(e) > after)
        .collect();
    assert_eq!(backlog, logged);

    // Live: each new commit arrives once, right after the backlog.
    for i in 0..5 {
        let t = hall.issue("CP-001").await;
        let e = sub.next_event(WAIT).await.expect("a live event");
        assert_eq!(seq_of(&e), backlog_end + 1 + i);
        assert_eq!(e["type"], "ticket_issued");
        assert_eq!(e["ticket"], t["id"]);
    }
    assert_eq!(
        sub.next_event(QUIET).await,
        None,
        "nothing more than what was committed"
    );
}

#[tokio::test]
async fn a_subscriber_that_resumes_after_its_last_seq_gets_exactly_the_missed_events() {
    let hall = spawn_hall().await;
    for _ in 0..3 {
        hall.issue("MA-001").await;
    }
    let mut sub = hall.subscribe(0).await;
    let first = read_until(&mut sub, hall.seq().await).await;
    let last_seen = seq_of(first.last().unwrap());
    sub.close().await;

    // Commits keep coming while nobody listens: tickets, a sign-in, a call.
    for _ in 0..7 {
        hall.issue("SA-001").await;
    }
    let token = hall.sign_in("clerk07", 7).await;
    let (s, body) = hall.act(&token, 7, "call-next", json!({})).await;
    assert_eq!(s, 200, "{body}");
    let end = hall.seq().await;
    assert!(end > last_seen + 7);

    let mut sub = hall.subscribe(last_seen).await;
    let missed = read_until(&mut sub, end).await;
    assert_contiguous(&missed, last_seen + 1, end);
    let logged: Vec<Value> = hall
        .all_events()
        .await
        .into_iter()
        .filter(|e| seq_of(e) > last_seen)
        .collect();
    assert_eq!(missed, logged, "the resumed stream equals the log");
    assert_eq!(sub.next_event(QUIET).await, None, "and nothing twice");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_subscriber_during_a_burst_of_concurrent_writes_sees_every_seq_once() {
    let hall = spawn_hall().await;
    let mut sub = hall.subscribe(0).await;
    let items = ["MA-001", "CP-001", "SA-001", "TX-001"];
    let writers: Vec<_> = items
        .iter()
        .map(|item| tokio::spawn(issue_many(hall.http.clone(), hall.base.clone(), item, 50)))
        .collect();
    // Read while the writers write.
    let reader = tokio::spawn(async move {
        let mut seen = Vec::new();
        while let Some(e) = sub.next_event(Duration::from_secs(3)).await {
            seen.push(seq_of(&e));
        }
        seen
    });
    for w in writers {
        w.await.unwrap();
    }
    let end = hall.seq().await;
    assert!(
        end >= 200,
        "200 tickets make at least 200 events, got {end}"
    );
    let seen = reader.await.unwrap();
    let expected: Vec<u64> = (1..=end).collect();
    assert_eq!(seen, expected, "seq 1..={end}, contiguous, each once");
}

#[tokio::test]
async fn the_stream_refuses_a_missing_or_wrong_token_with_401() {
    let hall = spawn_hall().await;
    for url in [
        hall.ws_url("/api/v1/stream?after=0"),
        hall.ws_url("/api/v1/stream?after=0&token=not-a-token"),
    ] {
        match tokio_tungstenite::connect_async(url.as_str()).await {
            Err(tokio_tungstenite::tungstenite::Error::Http(res)) => {
                assert_eq!(res.status().as_u16(), 401, "{url}");
            }
            Err(e) => panic!("{url}: expected an HTTP 401, got {e}"),
            Ok(_) => panic!("{url}: the upgrade was accepted"),
        }
    }
}

#[tokio::test]
async fn the_stream_accepts_an_authorization_bearer_header_as_well_as_a_token_parameter() {
    let hall = spawn_hall().await;
    hall.issue("MA-001").await;
    let end = hall.seq().await;

    let mut req = hall
        .ws_url("/api/v1/stream?after=0")
        .into_client_request()
        .unwrap();
    req.headers_mut()
        .insert("Authorization", "Bearer demo-display".parse().unwrap());
    let (ws, _) = tokio_tungstenite::connect_async(req)
        .await
        .expect("a bearer header opens the stream");
    let mut by_header = Subscriber { ws };
    let a = read_until(&mut by_header, end).await;

    // A clerk's session token works in the query too, not only device tokens.
    let token = hall.sign_in("clerk02", 2).await;
    let url = hall.ws_url(&format!("/api/v1/stream?after=0&token={token}"));
    let (ws, _) = tokio_tungstenite::connect_async(url)
        .await
        .expect("a token parameter opens the stream");
    let mut by_query = Subscriber { ws };
    let b = read_until(&mut by_query, end).await;
    assert_eq!(a, b);
    assert_contiguous(&a, 1, end);
}

#[tokio::test]
async fn a_subscriber_resumes_across_a_controller_restart_and_misses_nothing() {
    let mut hall = spawn_hall().await;
    for _ in 0..4 {
        hall.issue("MA-001").await;
    }
    let mut sub = hall.subscribe(0).await;
    let seen = read_until(&mut sub, hall.seq().await).await;
    let last_seen = seq_of(seen.last().unwrap());
    // More commits that this subscriber may or may not have read before the crash.
    for _ in 0..3 {
        hall.issue("CP-001").await;
    }

    hall.restart();
    // The old connection is gone with the old process.
    let mut tail = Vec::new();
    while let Some(e) = sub.next_event(Duration::from_secs(2)).await {
        tail.push(e);
    }
    let last_seen = tail.last().map_or(last_seen, seq_of);

    // The new process (new port) keeps numbering after the old log.
    for _ in 0..2 {
        hall.issue("CP-001").await;
    }
    let end = hall.seq().await;
    let mut sub = hall.subscribe(last_seen).await;
    let resumed = read_until(&mut sub, end).await;
    assert_contiguous(&resumed, last_seen + 1, end);

    let mut all = seen;
    all.extend(tail);
    all.extend(resumed);
    assert_contiguous(&all, 1, end);
    assert_eq!(all, hall.all_events().await);

    // And live events flow on the new connection.
    hall.issue("SA-001").await;
    let e = sub
        .next_event(WAIT)
        .await
        .expect("a live event after restart");
    assert_eq!(seq_of(&e), end + 1);
}

#[tokio::test]
async fn sigterm_closes_an_open_stream_with_1001_and_the_controller_exits_zero() {
    let hall = spawn_hall().await;
    hall.issue("MA-001").await;
    let mut sub = hall.subscribe(0).await;
    read_until(&mut sub, hall.seq().await).await;

    let hall = Arc::new(std::sync::Mutex::new(hall));
    let stopper = {
        let hall = hall.clone();
        // `terminate` waits for the exit and asserts status 0.
        tokio::task::spawn_blocking(move || hall.lock().unwrap().terminate())
    };

    let ended = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            match sub.ws.next().await {
                Some(Ok(Message::Close(frame))) => return Some(frame.map(|f| f.code)),
                Some(Ok(Message::Text(t))) => panic!("an event during shutdown: {t}"),
                Some(Ok(_)) => continue,
                None | Some(Err(_)) => return None,
            }
        }
    })
    .await
    .expect("the stream was not closed within 10 s of SIGTERM");
    if let Some(code) = ended {
        assert_eq!(
            code,
            Some(CloseCode::Away),
            "a shutdown closes with 1001 (going away)"
        );
    }
    tokio::time::timeout(Duration::from_secs(15), stopper)
        .await
        .expect("hallq did not exit within 15 s of SIGTERM")
        .expect("hallq exited with a non-zero status");
}

#[tokio::test]
async fn a_clerks_stream_closes_when_the_session_ends() {
    use futures_util::StreamExt;
    use tokio_tungstenite::tungstenite::Message;
    let hall = spawn_hall().await;
    let token = hall.sign_in("clerk01", 1).await;
    let url = hall.ws_url(&format!(
        "/api/v1/stream?after={}&token={token}",
        hall.seq().await
    ));
    let (mut ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    // Signing in elsewhere ends the first session: its stream is told so and closed.
    hall.sign_in("clerk01", 2).await;
    let mut code = None;
    while let Ok(Some(msg)) = tokio::time::timeout(Duration::from_secs(3), ws.next()).await {
        if let Ok(Message::Close(Some(frame))) = msg {
            code = Some(u16::from(frame.code));
            break;
        }
    }
    assert_eq!(code, Some(4001));
}
