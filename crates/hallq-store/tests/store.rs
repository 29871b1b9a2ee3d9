//! Behaviour of the store against real SQLite files.

use std::path::{Path, PathBuf};

use hallq_store::{
    Batch, EventRow, GENESIS_HASH, IdempotencyRecord, Reader, SNAPSHOTS_KEPT, Store, StoreError,
    chain_hash, verify,
};
use proptest::prelude::*;
use rusqlite::Connection;
use tempfile::TempDir;

fn db() -> (TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hall.sqlite3");
    (dir, path)
}

fn event(seq: u64) -> EventRow {
    event_with(seq, "ticket_issued", &format!("A{seq:03}"))
}

fn event_with(seq: u64, kind: &str, payload: &str) -> EventRow {
    let at = format!("2026-11-26T07:{:02}:{:02}.123Z", (seq / 60) % 60, seq % 60);
    let body = serde_json::json!({
        "seq": seq, "at": at, "type": kind, "ticket": payload, "service": "residence",
    })
    .to_string();
    EventRow {
        seq,
        at,
        kind: kind.to_owned(),
        body,
    }
}

fn batch(seqs: std::ops::RangeInclusive<u64>) -> Batch {
    Batch {
        events: seqs.map(event).collect(),
        idempotency: vec![],
    }
}

fn idem(key: &str, seq: u64) -> IdempotencyRecord {
    IdempotencyRecord {
        principal: "kiosk-1".into(),
        key: key.into(),
        request_hash: "abc123".into(),
        status: 201,
        response: r#"{"ticket":"A001"}"#.into(),
        seq,
        at: "2026-11-26T07:10:45.123Z".into(),
    }
}

/// Drops the append-only triggers so a test can damage the log on purpose.
fn vandal(path: &Path) -> Connection {
    let c = Connection::open(path).unwrap();
    c.execute_batch("DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete;")
        .unwrap();
    c
}

fn expected_hash(events: &[EventRow]) -> [u8; 32] {
    events
        .iter()
        .fold(GENESIS_HASH, |h, e| chain_hash(&h, &e.body))
}

#[test]
fn append_and_read_round_trip() {
    let (_d, path) = db();
    let mut s = Store::open(&path).unwrap();
    assert_eq!(s.last_seq(), 0);
    assert_eq!(s.last_hash(), GENESIS_HASH);
    s.append(&batch(1..=3)).unwrap();
    s.append(&batch(4..=4)).unwrap();
    s.append(&Batch::default()).unwrap();
    assert_eq!(s.last_seq(), 4);
    let all: Vec<EventRow> = (1..=4).map(event).collect();
    assert_eq!(s.last_hash(), expected_hash(&all));
    assert_eq!(s.events_after(0, 100).unwrap(), all);
    assert_eq!(s.events_after(1, 2).unwrap(), all[1..3].to_vec());
    assert!(s.events_after(4, 100).unwrap().is_empty());
    assert!(s.events_after(0, 0).unwrap().is_empty());
    assert!(s.events_after(u64::MAX, usize::MAX).unwrap().is_empty());
}

#[test]
fn gaps_and_repeats_write_nothing() {
    let (_d, path) = db();
    let mut s = Store::open(&path).unwrap();
    s.append(&batch(1..=2)).unwrap();
    let hash = s.last_hash();

    // A gap in the middle of a batch: the first (valid) event must not land.
    let gap = Batch {
        events: vec![event(3), event(5)],
        idempotency: vec![idem("k", 3)],
    };
    match s.append(&gap) {
        Err(StoreError::SeqGap {
            expected: 4,
            got: 5,
        }) => {}
        other => panic!("expected SeqGap, got {other:?}"),
    }
    // A repeat of an existing seq.
    assert!(matches!(
        s.append(&batch(2..=3)),
        Err(StoreError::SeqGap {
            expected: 3,
            got: 2
        })
    ));
    // A batch that starts too late.
    assert!(matches!(
        s.append(&batch(4..=4)),
        Err(StoreError::SeqGap {
            expected: 3,
            got: 4
        })
    ));
    assert_eq!(s.last_seq(), 2);
    assert_eq!(s.last_hash(), hash);
    assert_eq!(s.events_after(0, 100).unwrap().len(), 2);
    assert!(s.idempotency("kiosk-1", "k").unwrap().is_none());
    s.append(&batch(3..=3)).unwrap();
    assert_eq!(s.last_seq(), 3);
}

#[test]
fn body_must_agree_with_columns() {
    let (_d, path) = db();
    let mut s = Store::open(&path).unwrap();
    let mut e = event(1);
    e.kind = "ticket_called".into();
    let err = s
        .append(&Batch {
            events: vec![e],
            idempotency: vec![],
        })
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::InvalidEvent { seq: 1, reason } if reason.contains("type")),
        "{err}"
    );
    let mut e = event(1);
    e.body = "[1]".into();
    assert!(matches!(
        s.append(&Batch {
            events: vec![e],
            idempotency: vec![]
        }),
        Err(StoreError::InvalidEvent { .. })
    ));
    assert_eq!(s.last_seq(), 0);
}

#[test]
fn failed_transaction_rolls_back_memory_and_disk() {
    let (_d, path) = db();
    let mut s = Store::open(&path).unwrap();
    s.append(&Batch {
        events: vec![event(1)],
        idempotency: vec![idem("dup", 1)],
    })
    .unwrap();
    let hash = s.last_hash();
    // Valid events, but the idempotency key already exists: the insert fails
    // inside the transaction, after the events were inserted.
    let err = s
        .append(&Batch {
            events: vec![event(2), event(3)],
            idempotency: vec![idem("dup", 3)],
        })
        .unwrap_err();
    assert!(matches!(err, StoreError::Sqlite(_)), "{err}");
    assert_eq!(s.last_seq(), 1);
    assert_eq!(s.last_hash(), hash);
    assert_eq!(s.events_after(0, 10).unwrap().len(), 1);
    // The store is still usable and continues from seq 2.
    s.append(&batch(2..=3)).unwrap();
    assert_eq!(s.last_seq(), 3);
    assert!(verify(&path).unwrap().is_ok());
}

#[test]
fn reopen_keeps_last_seq_and_hash() {
    let (_d, path) = db();
    let (seq, hash) = {
        let mut s = Store::open(&path).unwrap();
        s.append(&batch(1..=5)).unwrap();
        (s.last_seq(), s.last_hash())
    };
    let mut s = Store::open(&path).unwrap();
    assert_eq!(s.last_seq(), seq);
    assert_eq!(s.last_hash(), hash);
    s.append(&batch(6..=6)).unwrap();
    assert!(verify(&path).unwrap().is_ok());
}

#[test]
fn triggers_refuse_update_and_delete() {
    let (_d, path) = db();
    let mut s = Store::open(&path).unwrap();
    s.append(&batch(1..=2)).unwrap();
    let c = Connection::open(&path).unwrap();
    let err = c
        .execute("UPDATE events SET body = '{}' WHERE seq = 1", [])
        .unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
    let err = c
        .execute("DELETE FROM events WHERE seq = 2", [])
        .unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
    assert_eq!(s.events_after(0, 10).unwrap().len(), 2);
}

#[test]
fn verify_accepts_a_good_log() {
    let (_d, path) = db();
    let mut s = Store::open(&path).unwrap();
    s.append(&batch(1..=10)).unwrap();
    s.save_snapshot(7, b"state").unwrap();
    let r = verify(&path).unwrap();
    assert!(r.is_ok(), "{r:?}");
    assert_eq!((r.rows, r.last_seq, r.snapshots), (10, 10, 1));
}

#[test]
fn verify_accepts_an_empty_log() {
    let (_d, path) = db();
    drop(Store::open(&path).unwrap());
    let r = verify(&path).unwrap();
    assert!(r.is_ok());
    assert_eq!((r.rows, r.last_seq), (0, 0));
}

#[test]
fn verify_names_a_tampered_body() {
    let (_d, path) = db();
    let mut s = Store::open(&path).unwrap();
    s.append(&batch(1..=10)).unwrap();
    vandal(&path)
        .execute(
            "UPDATE events SET body = replace(body, 'A006', 'A999') WHERE seq = 6",
            [],
        )
        .unwrap();
    let r = verify(&path).unwrap();
    let b = r.first_broken.unwrap();
    assert_eq!(b.seq, 6);
    assert!(b.reason.starts_with("hash mismatch"), "{}", b.reason);
    assert_eq!((r.rows, r.last_seq), (10, 10));
}

#[test]
fn verify_names_a_body_that_disagrees_with_its_row() {
    // The hash is recomputed too, so only the body/column check can fire.
    let (_d, path) = db();
    let mut s = Store::open(&path).unwrap();
    s.append(&batch(1..=4)).unwrap();
    drop(s);
    let c = vandal(&path);
    c.execute("UPDATE events SET type = 'other' WHERE seq = 3", [])
        .unwrap();
    let r = verify(&path).unwrap();
    let b = r.first_broken.unwrap();
    assert_eq!(b.seq, 3);
    assert_eq!(
        b.reason,
        "body type \"ticket_issued\" differs from row type \"other\""
    );

    // Re-chain a log whose body seq lies, so that the hash is consistent.
    let (_d2, path2) = db();
    drop(Store::open(&path2).unwrap());
    let c = Connection::open(&path2).unwrap();
    let mut prev = GENESIS_HASH;
    for seq in 1..=6u64 {
        let mut e = event(seq);
        if seq == 6 {
            e.body = e.body.replace("\"seq\":6", "\"seq\":5");
        }
        prev = chain_hash(&prev, &e.body);
        c.execute(
            "INSERT INTO events (seq, at, type, body, hash) VALUES (?1, ?2, ?3, ?4, ?5)",
            rusqlite::params![seq, e.at, e.kind, e.body, prev],
        )
        .unwrap();
    }
    let b = verify(&path2).unwrap().first_broken.unwrap();
    assert_eq!(b.seq, 6);
    assert_eq!(b.reason, "body seq 5 differs from row seq 6");
}

#[test]
fn verify_names_a_missing_row() {
    let (_d, path) = db();
    let mut s = Store::open(&path).unwrap();
    s.append(&batch(1..=20)).unwrap();
    drop(s);
    vandal(&path)
        .execute("DELETE FROM events WHERE seq IN (12, 13)", [])
        .unwrap();
    let r = verify(&path).unwrap();
    let b = r.first_broken.unwrap();
    assert_eq!(b.seq, 14);
    assert_eq!(b.reason, "gap: expected seq 12, found 14");
    assert_eq!((r.rows, r.last_seq), (18, 20));
}

#[test]
fn verify_checks_snapshot_hashes() {
    let (_d, path) = db();
    let mut s = Store::open(&path).unwrap();
    s.append(&batch(1..=5)).unwrap();
    s.save_snapshot(3, b"x").unwrap();
    drop(s);
    Connection::open(&path)
        .unwrap()
        .execute("UPDATE snapshots SET hash = zeroblob(32) WHERE seq = 3", [])
        .unwrap();
    let r = verify(&path).unwrap();
    assert!(r.first_broken.is_none());
    assert_eq!(r.broken_snapshot.as_ref().unwrap().seq, 3);
    // The cheap check at open sees it too.
    assert!(matches!(Store::open(&path), Err(StoreError::Corrupt(_))));
}

#[test]
fn snapshots_save_load_and_prune() {
    let (_d, path) = db();
    let mut s = Store::open(&path).unwrap();
    assert!(s.latest_snapshot().unwrap().is_none());
    s.append(&batch(1..=10)).unwrap();
    assert!(matches!(
        s.save_snapshot(11, b"future"),
        Err(StoreError::SnapshotAhead {
            seq: 11,
            last_seq: 10
        })
    ));
    let all = s.events_after(0, 100).unwrap();
    for seq in [2u64, 4, 6, 8, 10] {
        s.save_snapshot(seq, format!("state@{seq}").as_bytes())
            .unwrap();
    }
    let snap = s.latest_snapshot().unwrap().unwrap();
    assert_eq!(snap.seq, 10);
    assert_eq!(snap.state, b"state@10");
    assert_eq!(snap.hash, s.last_hash());
    // An older seq gets the hash of its own row.
    s.save_snapshot(9, b"nine").unwrap();
    drop(s);
    let c = Connection::open(&path).unwrap();
    let seqs: Vec<u64> = c
        .prepare("SELECT seq FROM snapshots ORDER BY seq")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(seqs.len(), SNAPSHOTS_KEPT);
    assert_eq!(seqs, vec![8, 9, 10]);
    let h9: Vec<u8> = c
        .query_row("SELECT hash FROM snapshots WHERE seq = 9", [], |r| r.get(0))
        .unwrap();
    assert_eq!(h9, expected_hash(&all[..9]).to_vec());
    let s = Store::open(&path).unwrap();
    assert_eq!(s.latest_snapshot().unwrap().unwrap().seq, 10);
}

#[test]
fn idempotency_is_written_with_its_events() {
    let (_d, path) = db();
    let mut s = Store::open(&path).unwrap();
    let rec = idem("req-1", 1);
    s.append(&Batch {
        events: vec![event(1)],
        idempotency: vec![rec.clone()],
    })
    .unwrap();
    assert_eq!(
        s.idempotency("kiosk-1", "req-1").unwrap(),
        Some(rec.clone())
    );
    assert_eq!(s.idempotency("kiosk-2", "req-1").unwrap(), None);
    // Records alone (e.g. a remembered rejection) are allowed too.
    let rejected = IdempotencyRecord {
        status: 409,
        ..idem("req-2", 1)
    };
    s.append(&Batch {
        events: vec![],
        idempotency: vec![rejected.clone()],
    })
    .unwrap();
    assert_eq!(s.last_seq(), 1);
    drop(s);
    let r = Reader::open(&path).unwrap();
    assert_eq!(r.idempotency("kiosk-1", "req-1").unwrap(), Some(rec));
    assert_eq!(r.idempotency("kiosk-1", "req-2").unwrap(), Some(rejected));
}

#[test]
fn backup_is_a_verified_copy_and_never_overwrites() {
    let (d, path) = db();
    let mut s = Store::open(&path).unwrap();
    s.append(&batch(1..=50)).unwrap();
    s.save_snapshot(40, b"snap").unwrap();
    let dest = d.path().join("backup.sqlite3");
    s.backup_to(&dest).unwrap();
    let r = verify(&dest).unwrap();
    assert!(r.is_ok(), "{r:?}");
    assert_eq!(r.last_seq, s.last_seq());
    assert_eq!(r.snapshots, 1);
    let copy = Store::open(&dest).unwrap();
    assert_eq!(copy.last_hash(), s.last_hash());
    drop(copy);

    let before = std::fs::metadata(&dest).unwrap().len();
    match s.backup_to(&dest) {
        Err(StoreError::BackupTargetExists(p)) => assert_eq!(p, dest),
        other => panic!("expected BackupTargetExists, got {other:?}"),
    }
    assert_eq!(std::fs::metadata(&dest).unwrap().len(), before);
}

#[test]
fn reader_sees_commits_while_store_is_open() {
    let (_d, path) = db();
    let mut s = Store::open(&path).unwrap();
    let r = Reader::open(&path).unwrap();
    assert_eq!(r.last_seq().unwrap(), 0);
    s.append(&batch(1..=3)).unwrap();
    assert_eq!(r.last_seq().unwrap(), 3);
    let path2 = path.clone();
    let from_thread = std::thread::spawn(move || {
        let r = Reader::open(&path2).unwrap();
        r.events_after(1, 10).unwrap()
    })
    .join()
    .unwrap();
    assert_eq!(from_thread, (2..=3).map(event).collect::<Vec<_>>());
    s.append(&batch(4..=4)).unwrap();
    assert_eq!(r.events_after(3, 10).unwrap(), vec![event(4)]);
    s.save_snapshot(4, b"s").unwrap();
    assert_eq!(r.latest_snapshot().unwrap().unwrap().seq, 4);
    // verify runs alongside the writer as well.
    assert!(verify(&path).unwrap().is_ok());
}

#[test]
fn reader_opens_a_closed_log_and_refuses_a_missing_one() {
    let (d, path) = db();
    {
        let mut s = Store::open(&path).unwrap();
        s.append(&batch(1..=2)).unwrap();
    }
    let r = Reader::open(&path).unwrap();
    assert_eq!(r.last_seq().unwrap(), 2);
    assert!(Reader::open(&d.path().join("missing.sqlite3")).is_err());
    assert!(!d.path().join("missing.sqlite3").exists());
}

#[test]
fn a_second_writer_is_detected() {
    let (_d, path) = db();
    let mut a = Store::open(&path).unwrap();
    let mut b = Store::open(&path).unwrap();
    a.append(&batch(1..=2)).unwrap();
    assert!(matches!(
        b.append(&batch(1..=1)),
        Err(StoreError::Diverged {
            expected: 0,
            found: 2
        })
    ));
    assert!(verify(&path).unwrap().is_ok());
}

#[test]
fn newer_schema_is_refused() {
    let (_d, path) = db();
    drop(Store::open(&path).unwrap());
    Connection::open(&path)
        .unwrap()
        .execute_batch("PRAGMA user_version = 2")
        .unwrap();
    for err in [
        Store::open(&path).unwrap_err(),
        Reader::open(&path).unwrap_err(),
        verify(&path).unwrap_err(),
    ] {
        assert!(
            matches!(
                err,
                StoreError::SchemaTooNew {
                    found: 2,
                    supported: 1
                }
            ),
            "{err}"
        );
    }
}

#[test]
fn schema_and_pragmas_are_as_specified() {
    let (_d, path) = db();
    let _s = Store::open(&path).unwrap();
    let c = Connection::open(&path).unwrap();
    let mode: String = c
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let v: String = c
        .query_row(
            "SELECT value FROM meta WHERE key = 'schema_version'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(v, "1");
}

fn arb_batches() -> impl Strategy<Value = Vec<(usize, bool)>> {
    prop::collection::vec((0usize..20, any::<bool>()), 0..12)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn random_batches_verify(
        batches in arb_batches(),
        payload in "\\PC{0,40}",
        kind in "[a-z_]{1,16}",
    ) {
        let (_d, path) = db();
        let mut s = Store::open(&path).unwrap();
        let mut total = 0u64;
        for (i, (size, with_idem)) in batches.iter().enumerate() {
            let events: Vec<EventRow> = (1..=*size as u64)
                .map(|k| event_with(total + k, &kind, &payload))
                .collect();
            let idempotency = if *with_idem {
                vec![idem(&format!("key-{i}"), total + *size as u64)]
            } else {
                vec![]
            };
            s.append(&Batch { events, idempotency }).unwrap();
            total += *size as u64;
            prop_assert_eq!(s.last_seq(), total);
        }
        drop(s);
        let r = verify(&path).unwrap();
        prop_assert!(r.is_ok(), "{:?}", r);
        prop_assert_eq!(r.rows, total);
        prop_assert_eq!(r.last_seq, total);
        let s = Store::open(&path).unwrap();
        prop_assert_eq!(s.last_seq(), total);
        let all = s.events_after(0, usize::MAX).unwrap();
        prop_assert_eq!(s.last_hash(), expected_hash(&all));
    }
}
