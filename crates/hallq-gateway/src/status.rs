//! Counters of what the gateway has done, shared by its tasks and readable from outside (logs,
//! tests, a future health page) through a [`StatusHandle`].

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use hallq_rs485::Stats;

/// How many `after` values of the latest stream connections are kept.
pub const RESUMES_KEPT: usize = 16;

/// A snapshot of the gateway's counters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Status {
    /// The last event seq applied.
    pub last_seq: u64,
    /// The seq last written to the state file.
    pub persisted_seq: u64,
    /// Events applied (each seq once).
    pub events: u64,
    /// Events dropped because their seq was already applied.
    pub duplicates: u64,
    /// Times a seq arrived with earlier ones missing.
    pub gaps: u64,
    /// Stream connections opened.
    pub connects: u64,
    /// The `after` of the latest connections, oldest first (at most [`RESUMES_KEPT`]).
    pub resumed_from: Vec<u64>,
    /// Resyncs from `/api/v1/live` (first start, close code 4000, `after_beyond_log`).
    pub resyncs: u64,
    /// The stream is connected now.
    pub connected: bool,
    /// Key presses whose requests all succeeded.
    pub actions_done: u64,
    /// Key presses refused (by the controller or because a pad cannot do it).
    pub actions_refused: u64,
    /// Key presses given up after retrying for `action_retry_s`.
    pub actions_failed: u64,
    /// Rating pad presses the controller took (`ticket_rated`).
    pub ratings_done: u64,
    /// Rating pad presses it refused (mostly `409`: nothing awaits a rating at the window).
    pub ratings_refused: u64,
    /// Rating pad presses given up after retrying for `action_retry_s` (or dropped because
    /// the pad had too many waiting).
    pub ratings_failed: u64,
    /// Per bus id.
    pub buses: BTreeMap<String, BusStatus>,
    /// Per LED strip, keyed `"<bus id>/<address>"` (on a bus) or `"udp/<ip:port>"`,
    /// `"tcp/<ip:port>"` (on the network).
    pub strips: BTreeMap<String, StripStatus>,
}

/// One window LED strip.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StripStatus {
    /// Messages written (first tries and retransmissions).
    pub sent: u64,
    /// Retransmissions after a reply timeout.
    pub retransmissions: u64,
    /// Messages the strip acknowledged.
    pub acked: u64,
    /// Messages it refused (NAK), not retried.
    pub refused: u64,
    /// Messages given up after the retries.
    pub failures: u64,
    /// It answered the last message.
    pub online: bool,
}

/// One serial bus.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BusStatus {
    /// The port is open now.
    pub open: bool,
    /// The decoder's counters since the gateway started (summed over reopenings).
    pub decoder: Stats,
    /// Pad frames acknowledged (echoed).
    pub acks: u64,
    /// Good frames from addresses no pad in the configuration has (not acknowledged).
    pub foreign: u64,
    /// Frames written to the pads (displays, beeps, acks).
    pub written: u64,
    /// Frames not written because the port was closed.
    pub dropped: u64,
}

/// Shared, cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct StatusHandle(Arc<Mutex<Status>>);

impl StatusHandle {
    /// A copy of the counters now.
    pub fn snapshot(&self) -> Status {
        self.lock().clone()
    }

    pub(crate) fn update(&self, f: impl FnOnce(&mut Status)) {
        f(&mut self.lock());
    }

    pub(crate) fn bus(&self, id: &str, f: impl FnOnce(&mut BusStatus)) {
        f(self.lock().buses.entry(id.to_owned()).or_default());
    }

    /// The counters of the strip keyed `key` (`"<bus id>/<address>"`, `"udp/<ip:port>"`,
    /// `"tcp/<ip:port>"`).
    pub(crate) fn strip_at(&self, key: &str, f: impl FnOnce(&mut StripStatus)) {
        let mut status = self.lock();
        match status.strips.get_mut(key) {
            Some(s) => f(s),
            None => f(status.strips.entry(key.to_owned()).or_default()),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Status> {
        // A panicking holder cannot leave counters inconsistent in a way that matters.
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}
