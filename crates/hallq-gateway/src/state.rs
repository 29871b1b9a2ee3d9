//! Where the gateway is in the controller's event log, and how it survives a restart.
//!
//! - [`SeqTracker`] (pure): accepts each streamed event's `seq` once, in order, and says when
//!   one is a duplicate (dropped) or skips some (a gap, which the stream contract rules out;
//!   counted and logged so it would be noticed).
//! - [`load`] / [`store`]: the state file, a one-line TOML `seq = N`, replaced atomically
//!   (written beside it, synced, renamed), so a crash leaves the old or the new value, never
//!   half a file.

use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};

/// What [`SeqTracker::accept`] made of a seq.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accept {
    /// The next event: apply it.
    Next,
    /// Already applied (seq ≤ the last one): drop it.
    Duplicate,
    /// Later than the next one: `missing` events were skipped. Applied anyway, since what the
    /// pads show is read from `/api/v1/live`, not summed from events.
    Gap {
        /// How many seqs were skipped.
        missing: u64,
    },
}

/// The last seq applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SeqTracker {
    last: u64,
}

impl SeqTracker {
    /// Starting after `last` (0: nothing applied yet).
    pub fn new(last: u64) -> SeqTracker {
        SeqTracker { last }
    }

    /// The last seq applied: the `after` to resume the stream with.
    pub fn last(&self) -> u64 {
        self.last
    }

    /// Take the event at `seq`.
    pub fn accept(&mut self, seq: u64) -> Accept {
        if seq <= self.last {
            return Accept::Duplicate;
        }
        let missing = seq - self.last - 1;
        self.last = seq;
        if missing == 0 {
            Accept::Next
        } else {
            Accept::Gap { missing }
        }
    }

    /// Start over after `seq` (a resync from `/api/v1/live`; it may go backwards when the
    /// controller was restored from an older backup).
    pub fn reset(&mut self, seq: u64) {
        self.last = seq;
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StateFile {
    seq: u64,
}

/// The seq saved in the state file; `Ok(None)` when there is no file yet.
pub fn load(path: &Path) -> Result<Option<u64>, String> {
    match std::fs::read_to_string(path) {
        Ok(text) => toml::from_str::<StateFile>(&text)
            .map(|s| Some(s.seq))
            .map_err(|e| format!("{}: {}", path.display(), e.to_string().trim())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

/// Saves `seq` atomically; creates the folder when missing.
pub fn store(path: &Path, seq: u64) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)?;
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".tmp");
    let tmp = dir.join(name);
    {
        let mut f = std::fs::File::create(&tmp)?;
        writeln!(
            f,
            "# hallq-gateway: the last controller event applied; the stream resumes after it."
        )?;
        writeln!(f, "seq = {seq}")?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)?;
    // Make the rename itself durable; not every platform lets a folder be opened, so this is
    // best effort.
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_seq_is_accepted_once_and_in_order() {
        let mut t = SeqTracker::new(10);
        assert_eq!(t.accept(11), Accept::Next);
        assert_eq!(t.accept(12), Accept::Next);
        assert_eq!(t.accept(12), Accept::Duplicate);
        assert_eq!(t.accept(5), Accept::Duplicate);
        assert_eq!(t.last(), 12);
        assert_eq!(t.accept(15), Accept::Gap { missing: 2 });
        assert_eq!(t.last(), 15);
        t.reset(3);
        assert_eq!(t.accept(4), Accept::Next);
    }

    #[test]
    fn the_state_file_round_trips_and_is_replaced_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/gw.toml");
        assert_eq!(load(&path), Ok(None));
        store(&path, 41).unwrap();
        store(&path, 42).unwrap();
        assert_eq!(load(&path), Ok(Some(42)));
        let names: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["gw.toml"], "no temporary file left behind");
    }

    #[test]
    fn a_corrupt_state_file_is_an_error_with_its_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("gw.toml");
        std::fs::write(&path, "seq = \"x\"").unwrap();
        let e = load(&path).unwrap_err();
        assert!(e.contains("gw.toml"), "{e}");
    }
}
