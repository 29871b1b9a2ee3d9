//! Startup benchmark: how long until a controller whose log holds 1,000,000 events serves again.
//!
//! Builds (once, cached under `target/bench-startup-1m/`) a realistic log: the demo hall run day
//! after day through `hallq_core::step` — tickets issued, called, started, finished, days
//! rolled — committed in batches through `hallq-store` with a snapshot every 10,000 events, as
//! the hall actor does. Then measures, over several runs:
//! - in process: `Store::open` + latest snapshot + replay of the tail (what `actor::start` does);
//! - in process, the worst case: replay from the oldest snapshot kept (a longer tail than any
//!   crash can leave);
//! - the real binary, after a SIGKILL: from spawning `hallq serve` to the first `200` of
//!   `/healthz`.
//!
//! Run: `cargo bench -p hallq-server --bench startup`. Target: ≤ 2 s.

mod common;

use hallq_core::command::{IssueTarget, IssueTicket};
use hallq_core::ids::{ClerkId, SessionId, WindowNo};
use hallq_core::state::{Channel, Status};
use hallq_core::{Actor, Command, Envelope, Hall, HallState};
use hallq_store::Store;
use jiff::{SignedDuration, Timestamp};
use std::io::{Read, Write};
use std::path::Path;
use std::time::{Duration, Instant};

const EVENTS: u64 = 1_000_000;
const SNAPSHOT_EVERY: u64 = 10_000;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-startup-1m");
    let db = dir.join("hallq.sqlite3");
    if !db.exists() {
        std::fs::create_dir_all(&dir).unwrap();
        let t = Instant::now();
        build(&db);
        println!(
            "built a {EVENTS}-event log in {:.1} s",
            t.elapsed().as_secs_f64()
        );
    }
    let size = std::fs::metadata(&db).unwrap().len();
    println!("log: {} ({} MB)", db.display(), size / 1_000_000);

    let mut in_process = Vec::new();
    let mut tail = 0;
    for _ in 0..5 {
        let t = Instant::now();
        let store = Store::open(&db).unwrap();
        let snap = store.latest_snapshot().unwrap().expect("a snapshot");
        tail = store.last_seq() - snap.seq;
        let mut state: HallState = serde_json::from_slice(&snap.state).unwrap();
        hallq_server::actor::replay(&store, &mut state).unwrap();
        assert_eq!(state.seq, store.last_seq());
        in_process.push(t.elapsed());
    }
    report(
        &format!("open + latest snapshot + replay the {tail}-event tail (in process)"),
        &mut in_process,
    );

    // The worst case a crash can leave is a tail just under 10,000 events; the oldest snapshot
    // kept is further back than that, so replaying from it bounds the worst case from above.
    let mut worst = Vec::new();
    let mut worst_tail = 0;
    for _ in 0..5 {
        let t = Instant::now();
        let store = Store::open(&db).unwrap();
        let raw = rusqlite::Connection::open(&db).unwrap();
        let (seq, bytes): (u64, Vec<u8>) = raw
            .query_row(
                "SELECT seq, state FROM snapshots ORDER BY seq LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        worst_tail = store.last_seq() - seq;
        let mut state: HallState = serde_json::from_slice(&bytes).unwrap();
        hallq_server::actor::replay(&store, &mut state).unwrap();
        worst.push(t.elapsed());
    }
    report(
        &format!("open + oldest kept snapshot + replay a {worst_tail}-event tail (in process)"),
        &mut worst,
    );

    let mut binary = Vec::new();
    for _ in 0..5 {
        binary.push(time_binary_start(&dir));
    }
    report("spawn `hallq serve` → first /healthz 200", &mut binary);
}

fn report(what: &str, samples: &mut [Duration]) {
    samples.sort();
    println!(
        "{what}: p50 {:.1} ms, max {:.1} ms ({} runs)",
        samples[samples.len() / 2].as_secs_f64() * 1e3,
        samples[samples.len() - 1].as_secs_f64() * 1e3,
        samples.len()
    );
}

fn time_binary_start(dir: &Path) -> Duration {
    let t = Instant::now();
    // The log's own time, so that the controller's clock tick does not roll its days.
    let clock = dir.join("clock.txt");
    let (mut child, base) = common::spawn_hall(dir, &["--test-clock".as_ref(), clock.as_os_str()]);
    let addr = base.trim_start_matches("http://").to_owned();
    loop {
        if let Ok(mut s) = std::net::TcpStream::connect(&addr) {
            s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .unwrap();
            let mut resp = String::new();
            let _ = s.read_to_string(&mut resp);
            if resp.starts_with("HTTP/1.1 200") {
                break;
            }
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let took = t.elapsed();
    // SIGKILL, as after a crash: no shutdown snapshot, so every run starts from the same log.
    let _ = child.kill();
    let _ = child.wait();
    took
}

/// Runs the demo hall until the log holds `EVENTS` events.
fn build(db: &Path) {
    let hall = Hall::demo();
    let mut store = Store::open(db).unwrap();
    let mut state = HallState::default();
    let mut now: Timestamp = "2026-01-05T00:30:00Z".parse().unwrap();
    let items: Vec<_> = hall.items.keys().cloned().collect();
    let windows: Vec<WindowNo> = hall.windows.keys().copied().collect();
    let kiosk = Actor::Device {
        id: "demo-kiosk".into(),
        kind: hallq_core::hall::DeviceKind::Kiosk,
        window: None,
    };
    let mut clerks = Vec::new();
    let mut pending: Vec<Envelope> = Vec::new();
    for w in &windows {
        let clerk = ClerkId(format!("clerk{:02}", w.0));
        let session = SessionId(format!("bench-{}", w.0));
        let s = hallq_core::step(
            &hall,
            &mut state,
            &Actor::System,
            &Command::SignIn {
                clerk: clerk.clone(),
                window: Some(*w),
                session: session.clone(),
            },
            now,
        );
        pending.extend(s.events);
        clerks.push(Actor::Clerk {
            clerk,
            session,
            window: Some(*w),
        });
    }
    let mut i = 0usize;
    let mut last_snapshot = 0;
    while state.seq < EVENTS {
        // One ticket a step, rotating through the items.
        let issue = Command::IssueTicket(IssueTicket {
            target: IssueTarget::Item(items[i % items.len()].clone()),
            priority: None,
            green_reason: None,
            channel: Channel::Kiosk,
            birth_date: None,
            id_tag: None,
            phone_tag: None,
            notice: None,
        });
        pending.extend(hallq_core::step(&hall, &mut state, &kiosk, &issue, now).events);
        // Two windows move their ticket one step along.
        for k in 0..2 {
            let idx = (i * 2 + k) % windows.len();
            let w = windows[idx];
            let status = state
                .windows
                .get(&w)
                .and_then(|ws| ws.current.as_ref())
                .and_then(|id| state.ticket(id))
                .map(|t| t.status);
            let cmd = match status {
                None => Command::CallNext { window: w },
                Some(Status::Called) => Command::Start { window: w },
                _ => Command::Finish {
                    window: w,
                    visit: Default::default(),
                },
            };
            pending.extend(hallq_core::step(&hall, &mut state, &clerks[idx], &cmd, now).events);
        }
        now += SignedDuration::from_secs(37);
        i += 1;
        if pending.len() >= 500 || state.seq >= EVENTS {
            common::append(&mut store, &mut pending);
            if state.seq >= last_snapshot + SNAPSHOT_EVERY {
                store
                    .save_snapshot(state.seq, &serde_json::to_vec(&state).unwrap())
                    .unwrap();
                last_snapshot = state.seq;
            }
        }
    }
    // A controller only snapshots every 10,000 events: leave a tail to replay.
    println!("last seq {}, last snapshot {last_snapshot}", state.seq);
    std::fs::write(db.with_file_name("clock.txt"), now.to_string()).unwrap();
    std::io::stdout().flush().unwrap();
}
