//! Schema creation, migration and the queries shared by [`Store`](crate::Store)
//! and [`Reader`](crate::Reader).

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension, params};

use crate::{EventRow, GENESIS_HASH, IdempotencyRecord, SCHEMA_VERSION, Snapshot, StoreError};

/// How long a connection waits for a lock before giving up. Locks are only
/// contended briefly (checkpoints, the backup API), so a long wait means
/// something is stuck and an error is more useful than hanging.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Version 1 of the schema.
///
/// `events` uses `seq` as the rowid, so reading a range or the last row is a
/// b-tree walk with no separate index. The triggers make the table
/// append-only at the SQL level, so the guarantee does not depend on this
/// crate being the only code that touches the file.
const SCHEMA_V1: &str = "
CREATE TABLE events (
    seq  INTEGER PRIMARY KEY,
    at   TEXT NOT NULL,
    type TEXT NOT NULL,
    body TEXT NOT NULL,
    hash BLOB NOT NULL
);
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only');
END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only');
END;
CREATE TABLE snapshots (
    seq   INTEGER PRIMARY KEY,
    hash  BLOB NOT NULL,
    state BLOB NOT NULL
);
CREATE TABLE idempotency (
    principal    TEXT NOT NULL,
    key          TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status       INTEGER NOT NULL,
    response     TEXT NOT NULL,
    seq          INTEGER NOT NULL,
    at           TEXT NOT NULL,
    PRIMARY KEY (principal, key)
);
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO meta (key, value) VALUES ('schema_version', '1');
PRAGMA user_version = 1;
";

/// Sets the pragmas the writer relies on for durability.
///
/// WAL lets readers run alongside the writer; `synchronous=FULL` makes every
/// commit fsync the WAL, which is what "durable before return" means.
pub(crate) fn configure_writer(conn: &Connection) -> Result<(), StoreError> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    let mode: String = conn.pragma_update_and_check(None, "journal_mode", "wal", |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::Corrupt(format!(
            "the database refused WAL mode (journal_mode is {mode})"
        )));
    }
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // Keep the WAL file from staying huge after a burst of writes.
    conn.pragma_update(None, "journal_size_limit", 64 * 1024 * 1024)?;
    Ok(())
}

/// Refuses a file written by a newer schema before anything touches it
/// (even setting WAL mode changes the file header).
pub(crate) fn refuse_newer(conn: &Connection) -> Result<(), StoreError> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    match user_version(conn)? {
        v if v > SCHEMA_VERSION => Err(StoreError::SchemaTooNew {
            found: v,
            supported: SCHEMA_VERSION,
        }),
        _ => Ok(()),
    }
}

/// Brings the schema up to [`SCHEMA_VERSION`], or refuses a newer one.
///
/// `PRAGMA user_version` is authoritative (SQLite reads it from the file
/// header without touching any table); `meta.schema_version` mirrors it for
/// humans and tools.
pub(crate) fn migrate(conn: &Connection) -> Result<(), StoreError> {
    let version = user_version(conn)?;
    match version {
        0 => {
            // One transaction, so a crash mid-creation leaves version 0 and
            // the next open simply starts again. The version is read again
            // under the write lock in case another process created the schema
            // in the meantime.
            conn.execute_batch("BEGIN IMMEDIATE")?;
            let created = (|| {
                if user_version(conn)? == 0 {
                    conn.execute_batch(SCHEMA_V1)?;
                }
                conn.execute_batch("COMMIT")?;
                Ok::<_, StoreError>(())
            })();
            if created.is_err() {
                let _ = conn.execute_batch("ROLLBACK");
            }
            created?;
            migrate(conn)
        }
        v if v == SCHEMA_VERSION => check_meta(conn),
        v if v > SCHEMA_VERSION => Err(StoreError::SchemaTooNew {
            found: v,
            supported: SCHEMA_VERSION,
        }),
        v => Err(StoreError::Corrupt(format!(
            "the database has a negative schema version ({v})"
        ))),
    }
}

fn user_version(conn: &Connection) -> Result<i64, StoreError> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

fn check_meta(conn: &Connection) -> Result<(), StoreError> {
    let value: Option<String> = conn
        .query_row(
            "SELECT value FROM meta WHERE key = 'schema_version'",
            [],
            |r| r.get(0),
        )
        .optional()?;
    if value.as_deref() != Some("1") {
        return Err(StoreError::Corrupt(format!(
            "meta.schema_version is {value:?} but the file header says version {SCHEMA_VERSION}"
        )));
    }
    Ok(())
}

/// Opens an existing log read-only and checks its schema version.
pub(crate) fn open_read_only(path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI,
    )?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    match user_version(&conn)? {
        0 => Err(StoreError::NotAStore(path.to_path_buf())),
        v if v == SCHEMA_VERSION => {
            check_meta(&conn)?;
            Ok(conn)
        }
        v if v > SCHEMA_VERSION => Err(StoreError::SchemaTooNew {
            found: v,
            supported: SCHEMA_VERSION,
        }),
        v => Err(StoreError::Corrupt(format!(
            "the database has a negative schema version ({v})"
        ))),
    }
}

/// The stored chain hash of the event at `seq` ([`GENESIS_HASH`] for seq 0),
/// or `None` if there is no such row.
pub(crate) fn hash_at(conn: &Connection, seq: u64) -> Result<Option<[u8; 32]>, StoreError> {
    if seq == 0 {
        return Ok(Some(GENESIS_HASH));
    }
    let hash: Option<Vec<u8>> = conn
        .prepare_cached("SELECT hash FROM events WHERE seq = ?1")?
        .query_row(params![seq], |r| r.get(0))
        .optional()?;
    match hash {
        None => Ok(None),
        Some(h) => h.try_into().map(Some).map_err(|h: Vec<u8>| {
            StoreError::Corrupt(format!(
                "the event at seq {seq} has a {}-byte hash instead of 32 bytes",
                h.len()
            ))
        }),
    }
}

pub(crate) fn latest_snapshot(conn: &Connection) -> Result<Option<Snapshot>, StoreError> {
    let row: Option<(u64, Vec<u8>, Vec<u8>)> = conn
        .prepare_cached("SELECT seq, hash, state FROM snapshots ORDER BY seq DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    let Some((seq, hash, state)) = row else {
        return Ok(None);
    };
    let hash: [u8; 32] = hash.try_into().map_err(|h: Vec<u8>| {
        StoreError::Corrupt(format!(
            "the snapshot at seq {seq} has a {}-byte hash instead of 32 bytes",
            h.len()
        ))
    })?;
    Ok(Some(Snapshot { seq, hash, state }))
}

pub(crate) fn events_after(
    conn: &Connection,
    after: u64,
    limit: usize,
) -> Result<Vec<EventRow>, StoreError> {
    if limit == 0 {
        return Ok(Vec::new());
    }
    // SQLite's LIMIT is a signed 64-bit integer; anything larger means "all".
    let sql_limit = i64::try_from(limit).unwrap_or(i64::MAX);
    // `after` beyond i64::MAX cannot match any row.
    let Ok(sql_after) = i64::try_from(after) else {
        return Ok(Vec::new());
    };
    let mut stmt = conn.prepare_cached(
        "SELECT seq, at, type, body FROM events WHERE seq > ?1 ORDER BY seq LIMIT ?2",
    )?;
    let mut out = Vec::with_capacity(limit.min(4096));
    let mut rows = stmt.query(params![sql_after, sql_limit])?;
    while let Some(r) = rows.next()? {
        out.push(EventRow {
            seq: r.get(0)?,
            at: r.get(1)?,
            kind: r.get(2)?,
            body: r.get(3)?,
        });
    }
    Ok(out)
}

pub(crate) fn idempotency(
    conn: &Connection,
    principal: &str,
    key: &str,
) -> Result<Option<IdempotencyRecord>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT request_hash, status, response, seq, at FROM idempotency \
             WHERE principal = ?1 AND key = ?2",
        )?
        .query_row(params![principal, key], |r| {
            Ok(IdempotencyRecord {
                principal: principal.to_owned(),
                key: key.to_owned(),
                request_hash: r.get(0)?,
                status: r.get(1)?,
                response: r.get(2)?,
                seq: r.get(3)?,
                at: r.get(4)?,
            })
        })
        .optional()?)
}
