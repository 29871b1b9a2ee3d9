use std::path::PathBuf;

/// Everything that can go wrong in the store.
///
/// Variants other than [`StoreError::Sqlite`] and [`StoreError::Io`] describe
/// a caller mistake or a damaged log, so they carry enough detail to act on
/// without looking at the database.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// SQLite reported an error (I/O, constraint violation, lock timeout…).
    #[error("SQLite reported an error: {0}.")]
    Sqlite(#[from] rusqlite::Error),

    /// A file-system operation outside SQLite failed.
    #[error("A file-system operation failed: {0}.")]
    Io(#[from] std::io::Error),

    /// A batch did not continue the log exactly; nothing was written.
    #[error("The event with seq {got} does not continue the log: seq {expected} was expected.")]
    SeqGap {
        /// The seq the event had to have.
        expected: u64,
        /// The seq it had.
        got: u64,
    },

    /// An event's body disagrees with its columns or is not a JSON object;
    /// nothing was written.
    #[error("The event with seq {seq} was refused: {reason}.")]
    InvalidEvent {
        /// The event's seq.
        seq: u64,
        /// What is wrong with it.
        reason: String,
    },

    /// The file was written by a newer version of hallq and must not be
    /// touched by this one.
    #[error(
        "The database has schema version {found}, newer than version {supported} that this build understands; upgrade hallq."
    )]
    SchemaTooNew {
        /// The version found in the file.
        found: i64,
        /// The newest version this build understands.
        supported: i64,
    },

    /// A read-only open found a file without the hallq schema.
    #[error("The database at {0} is not a hallq event log (it has no schema).")]
    NotAStore(PathBuf),

    /// A backup would have overwritten an existing file.
    #[error("The backup target {0} already exists; refusing to overwrite it.")]
    BackupTargetExists(PathBuf),

    /// A snapshot was requested for events that are not in the log yet.
    #[error("A snapshot at seq {seq} cannot be saved: the log ends at seq {last_seq}.")]
    SnapshotAhead {
        /// The requested seq.
        seq: u64,
        /// The last seq in the log.
        last_seq: u64,
    },

    /// The log on disk no longer ends where this `Store` left it, which means
    /// another writer has appended to the same file; nothing was written.
    #[error(
        "The log on disk ends at seq {found}, but this store last wrote seq {expected}; another writer is using the file."
    )]
    Diverged {
        /// Where this store believes the log ends.
        expected: u64,
        /// Where it actually ends.
        found: u64,
    },

    /// The log is damaged in a way the cheap checks at open time can see.
    #[error("The event log is corrupt: {0}.")]
    Corrupt(String),
}
