//! Recovery-time and write-throughput benchmark for `hallq-store`.
//!
//! Run with `cargo bench -p hallq-store --bench open`. The first run builds a
//! log of 1,000,000 events plus a ~1 MB snapshot at seq 995,000 and caches it
//! as `target/bench-store-1m.sqlite3`; later runs reuse it.
//!
//! Measured:
//! * recovery: `Store::open` + `latest_snapshot` + `events_after(snapshot, 10_000)`;
//! * `append` throughput with `synchronous=FULL` for batches of 1, 10 and 100;
//! * a full `verify` of the 1M-row log.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use hallq_store::{Batch, EventRow, GENESIS_HASH, Store, chain_hash, verify};
use rusqlite::{Connection, params};

const EVENTS: u64 = 1_000_000;
const SNAPSHOT_SEQ: u64 = 995_000;
const SNAPSHOT_BYTES: usize = 1024 * 1024;
const TAIL: usize = 10_000;
const RUNS: usize = 10;

const KINDS: [&str; 4] = [
    "ticket_issued",
    "ticket_called",
    "ticket_served",
    "ticket_no_show",
];
const SERVICES: [&str; 4] = [
    "household_registration",
    "social_insurance",
    "business_license",
    "residence_permit",
];

/// A realistic ~250-byte wire frame.
fn event(seq: u64) -> EventRow {
    let kind = KINDS[(seq % 4) as usize];
    let secs = 8 * 3600 + seq % 36_000;
    let at = format!(
        "2026-11-26T{:02}:{:02}:{:02}.{:03}Z",
        secs / 3600,
        (secs / 60) % 60,
        secs % 60,
        seq % 1000
    );
    let body = format!(
        concat!(
            r#"{{"seq":{seq},"at":"{at}","type":"{kind}","hall":"sh-xuhui-01","#,
            r#""ticket":{{"number":"A{num:04}","service":"{service}","window":{window},"priority":"normal"}},"#,
            r#""citizen":{{"id_hash":"{idh:016x}"}},"queue_len":{qlen},"est_wait_s":{wait}}}"#
        ),
        seq = seq,
        at = at,
        kind = kind,
        num = seq % 10_000,
        service = SERVICES[(seq / 4 % 4) as usize],
        window = seq % 24 + 1,
        idh = seq.wrapping_mul(0x9E37_79B9_7F4A_7C15),
        qlen = seq % 60,
        wait = (seq % 60) * 90,
    );
    EventRow {
        seq,
        at,
        kind: kind.to_owned(),
        body,
    }
}

fn target_dir() -> PathBuf {
    // The bench binary lives in target/<profile>/deps/.
    std::env::current_exe()
        .ok()
        .and_then(|p| Some(p.parent()?.parent()?.parent()?.to_path_buf()))
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"))
}

fn build_log(path: &Path) {
    let tmp = path.with_extension("building");
    let _ = std::fs::remove_file(&tmp);
    drop(Store::open(&tmp).expect("create schema"));
    let t = Instant::now();
    let mut c = Connection::open(&tmp).unwrap();
    c.execute_batch("PRAGMA journal_mode=DELETE; PRAGMA synchronous=OFF;")
        .unwrap();
    let tx = c.transaction().unwrap();
    let mut prev = GENESIS_HASH;
    let mut snap_hash = GENESIS_HASH;
    {
        let mut ins = tx
            .prepare("INSERT INTO events (seq, at, type, body, hash) VALUES (?1, ?2, ?3, ?4, ?5)")
            .unwrap();
        for seq in 1..=EVENTS {
            let e = event(seq);
            prev = chain_hash(&prev, &e.body);
            if seq == SNAPSHOT_SEQ {
                snap_hash = prev;
            }
            ins.execute(params![seq, e.at, e.kind, e.body, prev])
                .unwrap();
        }
        let mut x = 0x2545_F491_4F6C_DD1Du64;
        let state: Vec<u8> = (0..SNAPSHOT_BYTES)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect();
        tx.execute(
            "INSERT INTO snapshots (seq, hash, state) VALUES (?1, ?2, ?3)",
            params![SNAPSHOT_SEQ, snap_hash, state],
        )
        .unwrap();
    }
    tx.commit().unwrap();
    c.execute_batch("PRAGMA journal_mode=WAL;").unwrap();
    drop(c);
    std::fs::rename(&tmp, path).unwrap();
    println!(
        "built {} ({} events, {:.0} MB) in {:.1} s",
        path.display(),
        EVENTS,
        std::fs::metadata(path).unwrap().len() as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    // `cargo bench` passes `--bench`; ignore arguments.
    let target = target_dir();
    std::fs::create_dir_all(&target).unwrap();
    let path = target.join("bench-store-1m.sqlite3");
    let cached = Store::open(&path).map(|s| s.last_seq()).unwrap_or(0) == EVENTS;
    if !cached {
        let _ = std::fs::remove_file(&path);
        build_log(&path);
    } else {
        println!("using cached {}", path.display());
    }

    // Recovery: open, load the snapshot, read the tail.
    let mut times = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let t = Instant::now();
        let store = Store::open(&path).unwrap();
        let snap = store.latest_snapshot().unwrap().unwrap();
        let tail = store.events_after(snap.seq, TAIL).unwrap();
        times.push(t.elapsed());
        assert_eq!(snap.seq, SNAPSHOT_SEQ);
        assert_eq!(snap.state.len(), SNAPSHOT_BYTES);
        assert_eq!(tail.len() as u64, EVENTS - SNAPSHOT_SEQ);
    }
    times.sort();
    println!(
        "recovery (open + latest_snapshot 1 MB + events_after → {} rows), {RUNS} runs: p50 {:.2} ms, max {:.2} ms",
        EVENTS - SNAPSHOT_SEQ,
        ms(times[RUNS / 2]),
        ms(times[RUNS - 1])
    );

    // Append throughput, synchronous=FULL, on the same file system as target/.
    let dir = tempfile::tempdir_in(&target).unwrap();
    let mut store = Store::open(&dir.path().join("append.sqlite3")).unwrap();
    // Warm-up: let the WAL grow to its steady size (it is reused after each
    // checkpoint), so the first measured phase does not pay for file growth.
    for (size, batches, measured) in [
        (10usize, 300usize, false),
        (1, 300, true),
        (10, 300, true),
        (100, 200, true),
    ] {
        let prepared: Vec<Batch> = (0..batches)
            .map(|b| {
                let first = store.last_seq() + (b * size) as u64 + 1;
                Batch {
                    events: (first..first + size as u64).map(event).collect(),
                    idempotency: vec![],
                }
            })
            .collect();
        let t = Instant::now();
        for b in &prepared {
            store.append(b).unwrap();
        }
        let el = t.elapsed();
        if !measured {
            continue;
        }
        println!(
            "append batch={size:>3}: {:>9.0} rows/s, {:>7.0} commits/s ({:.3} ms/commit, {} commits)",
            (size * batches) as f64 / el.as_secs_f64(),
            batches as f64 / el.as_secs_f64(),
            ms(el) / batches as f64,
            batches
        );
    }
    drop(store);

    // Full verify.
    let t = Instant::now();
    let report = verify(&path).unwrap();
    let el = t.elapsed();
    assert!(report.is_ok(), "{report:?}");
    assert_eq!(report.rows, EVENTS);
    println!(
        "verify of {} rows: {:.2} s ({:.0} rows/s)",
        report.rows,
        el.as_secs_f64(),
        report.rows as f64 / el.as_secs_f64()
    );
}
