//! Crash safety: what a client was told is committed survives SIGKILL; numbers are never reused;
//! the log stays gapless and hash-chained; online backups verify; tampering is found.

use crate::support::*;
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Items of four different queues (A, B, C, D), none with a daily cap.
const ITEMS: [&str; 4] = ["MA-001", "CP-001", "SA-001", "TX-001"];

#[derive(Debug, Clone)]
struct Issued {
    id: String,
    number: String,
}

/// Issues up to `n` tickets for `item`; stops at the first request that fails (the server
/// died). Only 201 replies are recorded.
async fn issue_until_error(
    http: reqwest::Client,
    base: String,
    item: &'static str,
    n: usize,
    replies: Arc<AtomicUsize>,
) -> Vec<Issued> {
    let mut out = Vec::new();
    for _ in 0..n {
        let res = match http
            .post(format!("{base}/api/v1/tickets"))
            .bearer_auth("demo-kiosk")
            .json(&json!({ "item": item }))
            .send()
            .await
        {
            Ok(r) => r,
            Err(_) => break,
        };
        let status = res.status().as_u16();
        let Ok(body) = res.json::<Value>().await else {
            break; // the connection died mid-reply: not acknowledged
        };
        if status == 503 {
            break; // refused while shutting down: not acknowledged
        }
        assert_eq!(status, 201, "{item}: {body}");
        out.push(Issued {
            id: body["id"].as_str().unwrap().to_owned(),
            number: body["number"].as_str().unwrap().to_owned(),
        });
        replies.fetch_add(1, Ordering::SeqCst);
    }
    out
}

fn seq_of(e: &Value) -> u64 {
    e["seq"].as_u64().unwrap()
}

fn assert_gapless(events: &[Value]) {
    for (i, e) in events.iter().enumerate() {
        assert_eq!(seq_of(e), i as u64 + 1, "gap or duplicate at {e}");
    }
}

/// (prefix, numeric part) of "A123".
fn split_number(n: &str) -> (String, u32) {
    let digits = n.trim_start_matches(|c: char| c.is_ascii_uppercase());
    (
        n[..n.len() - digits.len()].to_owned(),
        digits.parse().unwrap(),
    )
}

fn verify(hall: &TestHall, dir: &Path) -> (i32, String) {
    hall.cli(&["audit", "verify", "--data", dir.to_str().unwrap()])
}

/// The `S` of "hash chain intact up to seq S" in `audit verify`'s output.
fn verified_seq(out: &str) -> u64 {
    let rest = out
        .split("up to seq ")
        .nth(1)
        .unwrap_or_else(|| panic!("no 'up to seq' in {out:?}"));
    rest.split(|c: char| !c.is_ascii_digit())
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_acknowledged_ticket_survives_a_sigkill_mid_burst_and_no_number_is_reused() {
    let mut hall = spawn_hall().await;
    let replies = Arc::new(AtomicUsize::new(0));
    let clients: Vec<_> = ITEMS
        .iter()
        .map(|item| {
            tokio::spawn(issue_until_error(
                hall.http.clone(),
                hall.base.clone(),
                item,
                125,
                replies.clone(),
            ))
        })
        .collect();

    // SIGKILL once about half of the 500 were acknowledged, with requests still in flight.
    let started = Instant::now();
    while replies.load(Ordering::SeqCst) < 250 {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "250 tickets took over a minute"
        );
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    hall.kill();
    let mut acked = Vec::new();
    for c in clients {
        acked.extend(c.await.unwrap());
    }
    assert!(
        acked.len() >= 250 && acked.len() < 500,
        "the kill happened mid-burst ({} acknowledged)",
        acked.len()
    );

    hall.restart();
    // Every acknowledged ticket is there, with the number it was given.
    for t in &acked {
        let (s, body) = hall
            .get(&format!("/api/v1/tickets/{}", t.id), Some("demo-display"))
            .await;
        assert_eq!(
            s, 200,
            "ticket {} was acknowledged but is lost: {body}",
            t.id
        );
        assert_eq!(body["number"], t.number.as_str(), "{}", t.id);
        assert_eq!(body["status"], "waiting");
    }

    // The log: gapless, and no (day, number) issued twice.
    let events = hall.all_events().await;
    assert_gapless(&events);
    let issued: Vec<&Value> = events
        .iter()
        .filter(|e| e["type"] == "ticket_issued")
        .collect();
    let mut keys = HashSet::new();
    for e in &issued {
        let key = (e["day"].to_string(), e["number"].to_string());
        assert!(keys.insert(key.clone()), "number issued twice: {key:?}");
    }
    let logged: HashSet<&str> = issued
        .iter()
        .map(|e| e["ticket"].as_str().unwrap())
        .collect();
    for t in &acked {
        assert!(logged.contains(t.id.as_str()), "{} not in the log", t.id);
    }
    // Committed-but-unanswered requests may add a few, never more than were sent.
    assert!(issued.len() >= acked.len() && issued.len() <= 500);

    let (code, out) = verify(&hall, hall.data.path());
    assert_eq!(code, 0, "audit verify after the crash: {out}");
    assert_eq!(verified_seq(&out), seq_of(events.last().unwrap()));

    // Issuing continues after the last number of each queue: nothing is reused.
    let mut last: HashMap<String, u32> = HashMap::new();
    for e in &issued {
        let (prefix, n) = split_number(e["number"].as_str().unwrap());
        let m = last.entry(prefix).or_default();
        *m = (*m).max(n);
    }
    for item in ITEMS {
        let t = hall.issue(item).await;
        let (prefix, n) = split_number(t["number"].as_str().unwrap());
        assert_eq!(
            n,
            last[&prefix] + 1,
            "{item}: the number after a crash continues the queue"
        );
    }
    assert_gapless(&hall.all_events().await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_online_backup_taken_during_writes_verifies_and_is_a_prefix_of_the_live_log() {
    let mut hall = spawn_hall().await;
    for i in 0..40 {
        hall.issue(ITEMS[i % 4]).await;
    }
    // Keep writing while the backup runs.
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (http, base, stop) = (hall.http.clone(), hall.base.clone(), stop.clone());
        tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(Ordering::SeqCst) {
                let res = http
                    .post(format!("{base}/api/v1/tickets"))
                    .bearer_auth("demo-kiosk")
                    .json(&json!({ "item": "SA-001" }))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(res.status().as_u16(), 201);
                n += 1;
            }
            n
        })
    };
    tokio::time::sleep(Duration::from_millis(100)).await;

    let work = tempfile::tempdir().unwrap();
    let file = work.path().join("backup.sqlite3");
    let data = hall.data.path().to_str().unwrap().to_owned();
    let before = hall.seq().await;
    let (code, out) = hall.cli(&["backup", file.to_str().unwrap(), "--data", &data]);
    let after = hall.seq().await;
    stop.store(true, Ordering::SeqCst);
    let written = writer.await.unwrap();
    assert_eq!(code, 0, "backup: {out}");
    assert!(written > 0, "the writer wrote during the backup");
    assert!(file.exists());

    // Verify a copy of the backup as a data directory of its own.
    let copy = work.path().join("restored");
    std::fs::create_dir(&copy).unwrap();
    std::fs::copy(&file, copy.join("hallq.sqlite3")).unwrap();
    let (code, out) = verify(&hall, &copy);
    assert_eq!(code, 0, "audit verify of the backup: {out}");
    let backed_up = verified_seq(&out);
    assert!(
        before <= backed_up && backed_up <= after,
        "the backup holds seq {backed_up}, the live log was at {before}..={after} meanwhile"
    );

    // It is exactly the live log up to that seq.
    let conn = rusqlite::Connection::open(copy.join("hallq.sqlite3")).unwrap();
    let bodies: Vec<Value> = conn
        .prepare("SELECT body FROM events ORDER BY seq")
        .unwrap()
        .query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .map(|b| serde_json::from_str(&b.unwrap()).unwrap())
        .collect();
    drop(conn);
    let live = hall.all_events().await;
    assert_eq!(bodies.len() as u64, backed_up);
    assert_eq!(bodies[..], live[..backed_up as usize]);

    // A backup never overwrites an existing file.
    let size = std::fs::metadata(&file).unwrap().len();
    let (code, out) = hall.cli(&["backup", file.to_str().unwrap(), "--data", &data]);
    assert_ne!(code, 0, "a second backup onto the same file: {out}");
    assert_eq!(std::fs::metadata(&file).unwrap().len(), size);

    // Restoring it: a controller started on the backup has its tickets and numbers on.
    hall.kill();
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(hall.data.path().join(format!("hallq.sqlite3{suffix}")));
    }
    std::fs::copy(&file, hall.data.path().join("hallq.sqlite3")).unwrap();
    hall.restart();
    assert_eq!(hall.seq().await, backed_up);
    let last_c = bodies
        .iter()
        .filter(|e| e["type"] == "ticket_issued" && e["queue"] == "C")
        .map(|e| split_number(e["number"].as_str().unwrap()).1)
        .max()
        .unwrap();
    let t = hall.issue("SA-001").await;
    assert_eq!(split_number(t["number"].as_str().unwrap()).1, last_c + 1);
}

#[tokio::test]
async fn audit_verify_names_the_row_whose_body_was_changed_behind_the_triggers() {
    let mut hall = spawn_hall().await;
    for _ in 0..10 {
        hall.issue("MA-001").await;
    }
    let (code, out) = verify(&hall, hall.data.path());
    assert_eq!(code, 0, "{out}");
    hall.terminate();

    let db = hall.data.path().join("hallq.sqlite3");
    let conn = rusqlite::Connection::open(&db).unwrap();
    let target: u64 = conn
        .query_row(
            "SELECT seq FROM events WHERE type = 'ticket_issued' AND body LIKE '%\"A005\"%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    // The log is append-only at the SQL level…
    let refused = conn.execute(
        "UPDATE events SET body = replace(body, '\"A005\"', '\"A099\"') WHERE seq = ?1",
        [target],
    );
    assert!(refused.is_err(), "an UPDATE passed the triggers");
    // …until someone drops the triggers.
    let triggers: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(!triggers.is_empty(), "no triggers guard the events table");
    for t in &triggers {
        conn.execute_batch(&format!("DROP TRIGGER \"{t}\""))
            .unwrap();
    }
    let changed = conn
        .execute(
            "UPDATE events SET body = replace(body, '\"A005\"', '\"A099\"') WHERE seq = ?1",
            [target],
        )
        .unwrap();
    assert_eq!(changed, 1);
    drop(conn);

    let (code, out) = verify(&hall, hall.data.path());
    assert_eq!(code, 1, "audit verify of a tampered log: {out}");
    assert!(
        out.contains(&format!("BROKEN at seq {target}:")),
        "the report names seq {target}: {out}"
    );
    let broken = out
        .lines()
        .filter(|l| l.starts_with("BROKEN at seq"))
        .count();
    assert_eq!(broken, 1, "one first broken row: {out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_sigterm_mid_burst_exits_zero_and_keeps_every_acknowledged_ticket() {
    let mut hall = spawn_hall().await;
    let replies = Arc::new(AtomicUsize::new(0));
    let clients: Vec<_> = ITEMS
        .iter()
        .map(|item| {
            tokio::spawn(issue_until_error(
                hall.http.clone(),
                hall.base.clone(),
                item,
                125,
                replies.clone(),
            ))
        })
        .collect();
    let started = Instant::now();
    while replies.load(Ordering::SeqCst) < 150 {
        assert!(started.elapsed() < Duration::from_secs(60));
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    // Waits for the exit and asserts status 0; in-flight requests are answered or refused.
    let mut hall = tokio::time::timeout(
        Duration::from_secs(20),
        tokio::task::spawn_blocking(move || {
            hall.terminate();
            hall
        }),
    )
    .await
    .expect("hallq did not stop within 20 s of SIGTERM mid-burst")
    .unwrap();
    let mut acked = Vec::new();
    for c in clients {
        acked.extend(c.await.unwrap());
    }
    assert!(acked.len() >= 150 && acked.len() < 500, "{}", acked.len());

    // The clean stop wrote a snapshot; it matches the chain, and a restart from it has every
    // acknowledged ticket.
    let (code, out) = verify(&hall, hall.data.path());
    assert_eq!(code, 0, "{out}");
    assert!(
        !out.contains(" 0 snapshot(s)"),
        "a clean stop writes a snapshot: {out}"
    );
    hall.restart();
    for t in &acked {
        let (s, body) = hall
            .get(&format!("/api/v1/tickets/{}", t.id), Some("demo-display"))
            .await;
        assert_eq!(s, 200, "{} lost across a clean stop: {body}", t.id);
        assert_eq!(body["number"], t.number.as_str());
    }
    let events = hall.all_events().await;
    assert_gapless(&events);
    let issued = events
        .iter()
        .filter(|e| e["type"] == "ticket_issued")
        .count();
    assert!(issued >= acked.len());
    let (s, live) = hall.get("/api/v1/live", Some("demo-display")).await;
    assert_eq!(s, 200);
    let waiting: u64 = live["queues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["waiting"].as_u64().unwrap())
        .sum();
    assert_eq!(
        waiting as usize, issued,
        "the state rebuilt from the snapshot: {live}"
    );
}
