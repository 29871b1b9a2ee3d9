//! Full integrity check of a log file.

use std::borrow::Cow;
use std::path::Path;

use serde::Deserialize;

use crate::{GENESIS_HASH, StoreError, chain_hash, schema};

/// The outcome of [`verify`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyReport {
    /// How many event rows were read (all of them, even past a break).
    pub rows: u64,
    /// The seq of the last event row, or 0 for an empty log.
    pub last_seq: u64,
    /// How many snapshots were checked.
    pub snapshots: u64,
    /// The first event row that fails a check. Rows after it are counted but
    /// not checked, since every later hash depends on it.
    pub first_broken: Option<Broken>,
    /// The first snapshot (in seq order) whose hash does not match the event
    /// row at its seq, or that lies beyond the log.
    pub broken_snapshot: Option<Broken>,
}

impl VerifyReport {
    /// Whether every check passed.
    pub fn is_ok(&self) -> bool {
        self.first_broken.is_none() && self.broken_snapshot.is_none()
    }
}

/// Where a log is broken and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    /// The seq of the offending row (for a gap, the seq actually found).
    pub seq: u64,
    /// A precise description, e.g. `"gap: expected seq 12, found 14"`.
    pub reason: String,
}

/// Checks a whole log file, read-only, without holding it in memory.
///
/// Every event row is read in seq order; the check verifies that seqs run
/// gaplessly from 1, recomputes each chain hash, and checks that the body is
/// a JSON object whose `seq`, `type` and `at` equal the row's columns. Then
/// every snapshot's hash is compared with the event row hash at its seq.
///
/// It can run while a [`Store`](crate::Store) is writing: it reads one
/// consistent snapshot of the file. A log cut short at its end cannot be told
/// apart from a shorter log by the chain alone; comparing `last_seq` with an
/// external record (a backup, a client's last seen seq) catches that.
///
/// `Err` means the file could not be read at all; a damaged log is reported
/// as `Ok` with `first_broken` or `broken_snapshot` set.
pub fn verify(path: &Path) -> Result<VerifyReport, StoreError> {
    let conn = schema::open_read_only(path)?;
    // One read transaction, so the rows and snapshots are from the same
    // moment even if a writer is appending.
    conn.execute_batch("BEGIN")?;

    let mut report = VerifyReport {
        rows: 0,
        last_seq: 0,
        snapshots: 0,
        first_broken: None,
        broken_snapshot: None,
    };
    let mut prev = GENESIS_HASH;
    {
        let mut stmt = conn.prepare("SELECT seq, at, type, body, hash FROM events ORDER BY seq")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let seq: u64 = r.get(0)?;
            report.rows += 1;
            report.last_seq = seq;
            if report.first_broken.is_some() {
                continue;
            }
            if let Err(reason) = check_row(report.rows, seq, r, &mut prev) {
                report.first_broken = Some(Broken { seq, reason });
            }
        }
    }

    {
        let mut stmt = conn.prepare("SELECT seq, hash FROM snapshots ORDER BY seq")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let seq: u64 = r.get(0)?;
            let hash: Vec<u8> = r.get(1)?;
            report.snapshots += 1;
            if report.broken_snapshot.is_some() {
                continue;
            }
            let reason = match schema::hash_at(&conn, seq) {
                Ok(None) => Some(format!(
                    "snapshot at seq {seq} has no event row (the log ends at seq {})",
                    report.last_seq
                )),
                Ok(Some(h)) if h[..] != hash[..] => Some(format!(
                    "snapshot at seq {seq} has hash {}, but the event row has hash {}",
                    hex::encode(&hash),
                    hex::encode(h)
                )),
                Ok(Some(_)) => None,
                Err(e) => Some(format!("snapshot at seq {seq}: {e}")),
            };
            if let Some(reason) = reason {
                report.broken_snapshot = Some(Broken { seq, reason });
            }
        }
    }
    conn.execute_batch("COMMIT")?;
    Ok(report)
}

/// Checks the `n`-th row (1-based), advancing `prev` to its hash.
fn check_row(n: u64, seq: u64, r: &rusqlite::Row<'_>, prev: &mut [u8; 32]) -> Result<(), String> {
    if seq != n {
        return Err(format!("gap: expected seq {n}, found {seq}"));
    }
    let body = r
        .get_ref(3)
        .map_err(|e| e.to_string())?
        .as_str()
        .map_err(|_| "body is not UTF-8 text".to_owned())?;
    let stored = r
        .get_ref(4)
        .map_err(|e| e.to_string())?
        .as_blob()
        .map_err(|_| "hash is not a blob".to_owned())?;
    let computed = chain_hash(prev, body);
    if stored != computed {
        return Err(format!(
            "hash mismatch: stored {}, computed {}",
            hex::encode(stored),
            hex::encode(computed)
        ));
    }
    *prev = computed;
    let at = r
        .get_ref(1)
        .map_err(|e| e.to_string())?
        .as_str()
        .map_err(|_| "at column is not text".to_owned())?;
    let kind = r
        .get_ref(2)
        .map_err(|e| e.to_string())?
        .as_str()
        .map_err(|_| "type column is not text".to_owned())?;
    check_body(seq, at, kind, body)
}

/// The fields of a body the store cares about; serde skips the rest.
#[derive(Deserialize)]
struct Header<'a> {
    seq: Option<u64>,
    #[serde(borrow)]
    at: Option<Cow<'a, str>>,
    #[serde(rename = "type", borrow)]
    kind: Option<Cow<'a, str>>,
}

/// Checks that `body` is a JSON object whose `seq`, `type` and `at` fields
/// equal the row's columns, returning a precise reason if not.
pub(crate) fn check_body(seq: u64, at: &str, kind: &str, body: &str) -> Result<(), String> {
    // serde would also accept a JSON array for a struct; frames are objects.
    if !body.trim_start().starts_with('{') {
        return Err("body is not a JSON object".to_owned());
    }
    let h: Header<'_> =
        serde_json::from_str(body).map_err(|e| format!("body is not a valid event frame: {e}"))?;
    match h.seq {
        None => return Err("body has no \"seq\" field".to_owned()),
        Some(s) if s != seq => return Err(format!("body seq {s} differs from row seq {seq}")),
        Some(_) => {}
    }
    match h.kind.as_deref() {
        None => return Err("body has no \"type\" field".to_owned()),
        Some(k) if k != kind => {
            return Err(format!("body type {k:?} differs from row type {kind:?}"));
        }
        Some(_) => {}
    }
    match h.at.as_deref() {
        None => Err("body has no \"at\" field".to_owned()),
        Some(a) if a != at => Err(format!("body at {a:?} differs from row at {at:?}")),
        Some(_) => Ok(()),
    }
}
