//! Dashboard benchmark: how long after a clerk's action the supervisor's board is up to date.
//!
//! The real release binary runs the demo hall with a busy morning (1,200 tickets, every window
//! signed in, a few hundred visits served and rated). The board is subscribed to the event
//! stream; each round a clerk calls, starts or finishes at one window, and we time, from the
//! request:
//! - the event arriving on the board's WebSocket;
//! - the board's re-read done: the event, then `/live`, `/figures/today`, `/alerts`, `/cases`
//!   and `/figures/board` fetched concurrently, as the page does.
//!
//! Run: `cargo bench -p hallq-server --bench dashboard`. Target: ≤ 50 ms.

mod common;

use futures_util::StreamExt;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

const ROUNDS: usize = 480;
const READS: [&str; 5] = [
    "/api/v1/live",
    "/api/v1/figures/today",
    "/api/v1/alerts",
    "/api/v1/cases",
    "/api/v1/figures/board",
];

fn main() {
    let data = tempfile::tempdir().unwrap();
    let (mut child, base) = common::spawn_hall(data.path(), &[]);
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(run(&base));
    let _ = child.kill();
    let _ = child.wait();
}

async fn post(http: &reqwest::Client, url: String, token: &str, body: Value) -> Value {
    let res = http.post(url).bearer_auth(token).json(&body).send().await;
    res.unwrap().json().await.unwrap()
}

async fn run(base: &str) {
    let http = reqwest::Client::new();
    let hall: Value = http
        .get(format!("{base}/api/v1/hall"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let items: Vec<String> = hall["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["code"].as_str().unwrap().to_owned())
        .collect();
    for i in 0..1200 {
        post(
            &http,
            format!("{base}/api/v1/tickets"),
            "demo-kiosk",
            json!({"item": items[i % items.len()]}),
        )
        .await;
    }
    let mut clerks = Vec::new();
    for w in 1..=24u32 {
        let s = post(
            &http,
            format!("{base}/api/v1/session"),
            "",
            json!({"clerk": format!("clerk{w:02}"), "password": "demo", "window": w}),
        )
        .await;
        clerks.push((w, s["token"].as_str().unwrap().to_owned()));
    }
    // A busy morning: each window serves and has rated a dozen visits.
    for _ in 0..12 {
        for (w, token) in &clerks {
            for action in ["call-next", "start", "finish"] {
                post(
                    &http,
                    format!("{base}/api/v1/windows/{w}/{action}"),
                    token,
                    json!({}),
                )
                .await;
            }
        }
    }
    let sup = post(
        &http,
        format!("{base}/api/v1/session"),
        "",
        json!({"clerk": "super", "password": "demo"}),
    )
    .await["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let ws_url = format!(
        "{}/api/v1/stream?token={sup}",
        base.replacen("http://", "ws://", 1)
    );
    let (mut ws, _) = tokio_tungstenite::connect_async(ws_url).await.unwrap();

    let mut pushed = Vec::with_capacity(ROUNDS);
    let mut updated = Vec::with_capacity(ROUNDS);
    let mut next = vec![0usize; clerks.len()];
    for round in 0..ROUNDS {
        let i = round % clerks.len();
        let (w, token) = &clerks[i];
        // Each window in turn: call, start, finish.
        let action = ["call-next", "start", "finish"][next[i] % 3];
        next[i] += 1;
        let t0 = Instant::now();
        let reply = post(
            &http,
            format!("{base}/api/v1/windows/{w}/{action}"),
            token,
            json!({}),
        )
        .await;
        if reply.get("code").is_some() {
            continue; // nothing to finish or call at this window
        }
        // Wait for a frame from this action (skipping any stream housekeeping).
        loop {
            let msg = tokio::time::timeout(Duration::from_secs(5), ws.next())
                .await
                .expect("an event within 5 s")
                .unwrap()
                .unwrap();
            if let Ok(text) = msg.to_text()
                && text.contains(&format!("\"window\":{w}"))
            {
                break;
            }
        }
        pushed.push(t0.elapsed());
        let reads = READS.map(|path| {
            let req = http.get(format!("{base}{path}")).bearer_auth(&sup).send();
            async move { req.await.unwrap().bytes().await.unwrap() }
        });
        futures_util::future::join_all(reads).await;
        updated.push(t0.elapsed());
    }
    show("action → event on the board's stream", &mut pushed);
    show("action → board re-read done (5 reads)", &mut updated);
}

fn show(what: &str, samples: &mut [Duration]) {
    samples.sort();
    let n = samples.len();
    println!(
        "{what}: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms ({n} rounds)",
        samples[n / 2].as_secs_f64() * 1e3,
        samples[n * 99 / 100].as_secs_f64() * 1e3,
        samples[n - 1].as_secs_f64() * 1e3,
    );
}
