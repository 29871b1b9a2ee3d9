//! Where `now` comes from: the system clock, or (for end-to-end tests of midnight) a file that
//! holds an RFC 3339 time. The core never reads a clock; the hall actor asks this once a batch.

use jiff::Timestamp;
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub enum Clock {
    System,
    /// `--test-clock FILE`: the file's content is the current time; re-read on every call.
    File(PathBuf),
}

impl Clock {
    pub fn now(&self) -> Timestamp {
        match self {
            Clock::System => Timestamp::now(),
            Clock::File(path) => std::fs::read_to_string(path)
                .ok()
                .and_then(|s| s.trim().parse::<Timestamp>().ok())
                .unwrap_or_else(|| {
                    tracing::warn!(path = %path.display(), "test clock file unreadable; using the system clock");
                    Timestamp::now()
                }),
        }
    }
}
