//! `hallq-store` is the durable event log of a hallq service hall, kept in a
//! single SQLite file.
//!
//! Every change to a hall's state is an *event*. The hall actor encodes each
//! event as the JSON wire frame that the server pushes to clients and hands it
//! to this crate, which appends it to the `events` table. On restart the actor
//! loads the newest [`Snapshot`] and replays the events after it.
//!
//! # Invariants
//!
//! * **Append-only.** Rows in `events` are never changed or removed; SQLite
//!   triggers abort any `UPDATE` or `DELETE`, so even a stray SQL shell cannot
//!   rewrite history without first dropping the triggers.
//! * **Gapless.** Sequence numbers start at 1 and increase by exactly one.
//!   [`Store::append`] refuses a batch that does not continue the log.
//! * **Hash-chained.** Each row stores `SHA-256(previous hash ‖ body)`, with
//!   32 zero bytes before the first row ([`GENESIS_HASH`]). Tampering with any
//!   body breaks the chain at that row, which [`verify`] reports.
//! * **Durable before return.** The database runs in WAL mode with
//!   `synchronous=FULL`, so when [`Store::append`] returns `Ok` the batch has
//!   been fsynced. A batch — its events and its idempotency records — is one
//!   transaction: it is all on disk or none of it is.
//!
//! # What this crate deliberately does not do
//!
//! * It has **no domain knowledge**. An event is an opaque row; the only
//!   parts of the body it reads are the `seq`, `type` and `at` fields, to
//!   check that they agree with the row's columns. Snapshot state is opaque
//!   bytes.
//! * It is **not async**. SQLite calls block; the single writer ([`Store`])
//!   lives inside the hall actor, and readers ([`Reader`]) are opened per
//!   thread. Callers on an async runtime should use a blocking thread.
//! * It does **not arbitrate between writers**. Exactly one [`Store`] per
//!   file is expected; a second one is detected on its next append
//!   ([`StoreError::Diverged`]) rather than prevented.

mod error;
mod schema;
mod verify;

use std::fs::OpenOptions;
use std::path::Path;

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use sha2::{Digest, Sha256};

pub use error::StoreError;
pub use verify::{Broken, VerifyReport, verify};

/// The hash that precedes the first event: 32 zero bytes.
pub const GENESIS_HASH: [u8; 32] = [0; 32];

/// The schema version this build writes and understands.
pub const SCHEMA_VERSION: i64 = 1;

/// How many snapshots are kept; older ones are pruned on every save, because
/// only the newest is needed for recovery and a couple more guard against a
/// snapshot that turns out to be unreadable by a newer domain version.
pub const SNAPSHOTS_KEPT: usize = 3;

/// Computes the chain hash of a row: `SHA-256(prev ‖ body)`.
///
/// It is public so that tools (and the benchmark) that build or check logs by
/// other means produce exactly the hashes the store expects.
pub fn chain_hash(prev: &[u8; 32], body: &str) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(prev);
    hasher.update(body.as_bytes());
    hasher.finalize().into()
}

/// One event as stored: the sequence number, its timestamp and type (copied
/// out of the body into columns so they can be read without parsing JSON), and
/// the full JSON wire frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRow {
    /// Position in the log, starting at 1.
    pub seq: u64,
    /// The event's timestamp exactly as it appears in the body's `at` field.
    pub at: String,
    /// The event type exactly as it appears in the body's `type` field.
    pub kind: String,
    /// The full JSON frame, e.g. `{"seq":7,"at":"…","type":"ticket_issued",…}`.
    pub body: String,
}

/// The remembered outcome of a request made with an idempotency key, so that
/// a retried request gets the same answer instead of acting twice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyRecord {
    /// Who made the request (keys are scoped per principal).
    pub principal: String,
    /// The client-chosen idempotency key.
    pub key: String,
    /// A digest of the request, to tell a true retry from a key reused for a
    /// different request.
    pub request_hash: String,
    /// The HTTP status of the original response.
    pub status: u16,
    /// The original response body.
    pub response: String,
    /// The log position the request resulted in.
    pub seq: u64,
    /// When the original request was handled.
    pub at: String,
}

/// Everything one command of the hall actor produced, written in a single
/// transaction (group commit): the events and the idempotency records that
/// must become visible together with them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Batch {
    /// Events, which must continue the log exactly: `last_seq + 1`, `+ 2`, ….
    pub events: Vec<EventRow>,
    /// Idempotency records to insert; a `(principal, key)` that already exists
    /// makes the whole batch fail.
    pub idempotency: Vec<IdempotencyRecord>,
}

/// Serialised domain state at a point in the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    /// The last event folded into `state`.
    pub seq: u64,
    /// The chain hash of the event at `seq`, so that replay can check it is
    /// continuing the same history the snapshot was taken from.
    pub hash: [u8; 32],
    /// Opaque bytes produced by the domain.
    pub state: Vec<u8>,
}

/// The single writer of an event log.
///
/// It owns a read-write connection and caches the last sequence number and
/// hash, so that appending needs no read of the previous row.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
    last_seq: u64,
    last_hash: [u8; 32],
}

impl Store {
    /// Opens the log at `path`, creating the file and schema if absent.
    ///
    /// It loads the last sequence number and hash, and checks cheaply that the
    /// log looks sane: the first row is seq 1, the newest snapshot does not
    /// lie beyond the log, and its hash equals the event row's hash at its
    /// seq. A full check is [`verify`].
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let conn = Connection::open(path)?;
        schema::refuse_newer(&conn)?;
        schema::configure_writer(&conn)?;
        schema::migrate(&conn)?;

        let last: Option<(u64, [u8; 32])> = conn
            .query_row(
                "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let (last_seq, last_hash) = last.unwrap_or((0, GENESIS_HASH));

        if last_seq > 0 {
            let first: u64 = conn.query_row("SELECT MIN(seq) FROM events", [], |r| r.get(0))?;
            if first != 1 {
                return Err(StoreError::Corrupt(format!(
                    "the first event has seq {first}, but the log must start at seq 1"
                )));
            }
        }

        if let Some((seq, hash)) = conn
            .query_row(
                "SELECT seq, hash FROM snapshots ORDER BY seq DESC LIMIT 1",
                [],
                |r| Ok((r.get::<_, u64>(0)?, r.get::<_, Vec<u8>>(1)?)),
            )
            .optional()?
        {
            if seq > last_seq {
                return Err(StoreError::Corrupt(format!(
                    "the newest snapshot is at seq {seq}, beyond the last event (seq {last_seq})"
                )));
            }
            let expected = schema::hash_at(&conn, seq)?;
            if expected.as_ref().map(|h| &h[..]) != Some(&hash[..]) {
                return Err(StoreError::Corrupt(format!(
                    "the snapshot at seq {seq} has a hash that differs from the event row's hash"
                )));
            }
        }

        Ok(Store {
            conn,
            last_seq,
            last_hash,
        })
    }

    /// The sequence number of the last event, or 0 for an empty log.
    pub fn last_seq(&self) -> u64 {
        self.last_seq
    }

    /// The chain hash of the last event, or [`GENESIS_HASH`] for an empty log.
    pub fn last_hash(&self) -> [u8; 32] {
        self.last_hash
    }

    /// Appends a batch in one transaction and returns once it is durable.
    ///
    /// Everything is checked before anything is written: the events must be
    /// exactly `last_seq + 1, + 2, …` (else [`StoreError::SeqGap`]) and each
    /// body's `seq`, `type` and `at` must match the row (else
    /// [`StoreError::InvalidEvent`]), because a row that [`verify`] would
    /// reject must never enter the log. On any error nothing is written and
    /// [`last_seq`](Self::last_seq) and [`last_hash`](Self::last_hash) are
    /// unchanged. An empty batch is a no-op.
    pub fn append(&mut self, batch: &Batch) -> Result<(), StoreError> {
        if batch.events.is_empty() && batch.idempotency.is_empty() {
            return Ok(());
        }

        let mut hash = self.last_hash;
        let mut hashes = Vec::with_capacity(batch.events.len());
        let mut expected = self.last_seq;
        for ev in &batch.events {
            expected += 1;
            if ev.seq != expected {
                return Err(StoreError::SeqGap {
                    expected,
                    got: ev.seq,
                });
            }
            verify::check_body(ev.seq, &ev.at, &ev.kind, &ev.body).map_err(|reason| {
                StoreError::InvalidEvent {
                    seq: ev.seq,
                    reason,
                }
            })?;
            hash = chain_hash(&hash, &ev.body);
            hashes.push(hash);
        }

        // IMMEDIATE takes the write lock up front, so the divergence check
        // below and the inserts see the same database state.
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        {
            // A cheap guard (one b-tree descent) against a second writer on
            // the same file, whose rows our cached last_seq would not know.
            let found: Option<u64> = tx
                .prepare_cached("SELECT MAX(seq) FROM events")?
                .query_row([], |r| r.get(0))?;
            let found = found.unwrap_or(0);
            if found != self.last_seq {
                return Err(StoreError::Diverged {
                    expected: self.last_seq,
                    found,
                });
            }

            let mut insert_event = tx.prepare_cached(
                "INSERT INTO events (seq, at, type, body, hash) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for (ev, h) in batch.events.iter().zip(&hashes) {
                insert_event.execute(params![ev.seq, ev.at, ev.kind, ev.body, h])?;
            }

            if !batch.idempotency.is_empty() {
                let mut insert_idem = tx.prepare_cached(
                    "INSERT INTO idempotency (principal, key, request_hash, status, response, seq, at) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                )?;
                for rec in &batch.idempotency {
                    insert_idem.execute(params![
                        rec.principal,
                        rec.key,
                        rec.request_hash,
                        rec.status,
                        rec.response,
                        rec.seq,
                        rec.at
                    ])?;
                }
            }
        }
        tx.commit()?;

        self.last_seq = expected;
        self.last_hash = hash;
        Ok(())
    }

    /// Saves the domain state as of `seq` and prunes all but the newest
    /// [`SNAPSHOTS_KEPT`] snapshots, in one transaction.
    ///
    /// `seq` must not exceed [`last_seq`](Self::last_seq), since a snapshot
    /// of events that are not durable could outlive them after a crash. The
    /// stored hash is the event row's hash at `seq` ([`GENESIS_HASH`] for
    /// seq 0). Saving at a seq that already has a snapshot replaces it.
    pub fn save_snapshot(&mut self, seq: u64, state: &[u8]) -> Result<(), StoreError> {
        if seq > self.last_seq {
            return Err(StoreError::SnapshotAhead {
                seq,
                last_seq: self.last_seq,
            });
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let hash = if seq == self.last_seq {
            self.last_hash
        } else {
            schema::hash_at(&tx, seq)?
                .ok_or_else(|| StoreError::Corrupt(format!("there is no event row at seq {seq}")))?
        };
        tx.prepare_cached(
            "INSERT OR REPLACE INTO snapshots (seq, hash, state) VALUES (?1, ?2, ?3)",
        )?
        .execute(params![seq, hash, state])?;
        tx.prepare_cached(
            "DELETE FROM snapshots WHERE seq NOT IN \
             (SELECT seq FROM snapshots ORDER BY seq DESC LIMIT ?1)",
        )?
        .execute(params![SNAPSHOTS_KEPT])?;
        tx.commit()?;
        Ok(())
    }

    /// The newest snapshot, if any.
    pub fn latest_snapshot(&self) -> Result<Option<Snapshot>, StoreError> {
        schema::latest_snapshot(&self.conn)
    }

    /// Up to `limit` events with `seq > after`, in order.
    pub fn events_after(&self, after: u64, limit: usize) -> Result<Vec<EventRow>, StoreError> {
        schema::events_after(&self.conn, after, limit)
    }

    /// The idempotency record for `(principal, key)`, if any.
    pub fn idempotency(
        &self,
        principal: &str,
        key: &str,
    ) -> Result<Option<IdempotencyRecord>, StoreError> {
        schema::idempotency(&self.conn, principal, key)
    }

    /// Copies the live database to `dest` with SQLite's online backup API,
    /// which yields a consistent copy without stopping the writer for long.
    ///
    /// It refuses to overwrite anything: if `dest` exists the result is
    /// [`StoreError::BackupTargetExists`]. The file is created atomically
    /// (`O_EXCL`) so two backups cannot race for the same name, and a
    /// partial copy is removed if the backup fails.
    pub fn backup_to(&self, dest: &Path) -> Result<(), StoreError> {
        match OpenOptions::new().write(true).create_new(true).open(dest) {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                return Err(StoreError::BackupTargetExists(dest.to_path_buf()));
            }
            Err(e) => return Err(StoreError::Io(e)),
        }
        let result = self.conn.backup(
            rusqlite::MAIN_DB,
            dest,
            None::<fn(rusqlite::backup::Progress)>,
        );
        if let Err(e) = result {
            let _ = std::fs::remove_file(dest);
            return Err(e.into());
        }
        Ok(())
    }
}

/// A read-only view of an event log, usable from any thread while a
/// [`Store`] writes to the same file.
///
/// Each query sees a consistent snapshot of the committed log (WAL readers do
/// not block the writer, nor are they blocked by it). A `Reader` can be moved
/// between threads but not shared; open one per thread.
#[derive(Debug)]
pub struct Reader {
    conn: Connection,
}

impl Reader {
    /// Opens an existing log read-only. It fails if the file does not exist
    /// or is not a hallq log, rather than creating one.
    pub fn open(path: &Path) -> Result<Reader, StoreError> {
        Ok(Reader {
            conn: schema::open_read_only(path)?,
        })
    }

    /// Up to `limit` events with `seq > after`, in order.
    pub fn events_after(&self, after: u64, limit: usize) -> Result<Vec<EventRow>, StoreError> {
        schema::events_after(&self.conn, after, limit)
    }

    /// The sequence number of the last committed event, or 0 for an empty log.
    pub fn last_seq(&self) -> Result<u64, StoreError> {
        let seq: Option<u64> = self
            .conn
            .prepare_cached("SELECT MAX(seq) FROM events")?
            .query_row([], |r| r.get(0))?;
        Ok(seq.unwrap_or(0))
    }

    /// The newest snapshot, if any.
    pub fn latest_snapshot(&self) -> Result<Option<Snapshot>, StoreError> {
        schema::latest_snapshot(&self.conn)
    }

    /// The idempotency record for `(principal, key)`, if any.
    pub fn idempotency(
        &self,
        principal: &str,
        key: &str,
    ) -> Result<Option<IdempotencyRecord>, StoreError> {
        schema::idempotency(&self.conn, principal, key)
    }
}
