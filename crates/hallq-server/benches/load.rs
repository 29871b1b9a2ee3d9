//! Load benchmark: concurrent kiosks issuing tickets against the real release binary, each
//! reply meaning committed (`synchronous=FULL`). Shows what group commit buys: throughput and
//! latency with 1, 4, 16 and 64 concurrent clients.
//!
//! Run: `cargo bench -p hallq-server --bench load`.

mod common;

use std::time::{Duration, Instant};

const PER_CLIENT: usize = 200;

fn main() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    for clients in [1usize, 4, 16, 64] {
        let data = tempfile::tempdir().unwrap();
        let (mut child, base) = common::spawn_hall(data.path(), &[]);
        let (took, mut lat) = rt.block_on(run(&base, clients));
        lat.sort();
        let n = lat.len();
        println!(
            "{clients:>3} clients: {n} tickets in {:.2} s = {:.0}/s; latency p50 {:.1} ms, p99 {:.1} ms",
            took.as_secs_f64(),
            n as f64 / took.as_secs_f64(),
            lat[n / 2].as_secs_f64() * 1e3,
            lat[n * 99 / 100].as_secs_f64() * 1e3,
        );
        let _ = child.kill();
        let _ = child.wait();
    }
}

async fn run(base: &str, clients: usize) -> (Duration, Vec<Duration>) {
    let http = reqwest::Client::new();
    // Queues without a daily cap, so the run never meets one (64 clients issue 12,800 tickets).
    let items = ["MA-001", "CP-001", "SA-001", "TX-001", "HR-001"];
    let start = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|c| {
            let http = http.clone();
            let url = format!("{base}/api/v1/tickets");
            tokio::spawn(async move {
                let mut lat = Vec::with_capacity(PER_CLIENT);
                for i in 0..PER_CLIENT {
                    let t = Instant::now();
                    let res = http
                        .post(&url)
                        .bearer_auth("demo-kiosk")
                        .header("Idempotency-Key", format!("load-{c}-{i}"))
                        .json(&serde_json::json!({"item": items[(c + i) % items.len()]}))
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(res.status(), 201);
                    lat.push(t.elapsed());
                }
                lat
            })
        })
        .collect();
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    (start.elapsed(), all)
}
