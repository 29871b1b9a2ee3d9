//! `hallq-gateway`: the device gateway between a hall's RS-485 pads and its controller.
//!
//! ```text
//!  call pads, rating pads ─RS-485─► bus threads ─frames─► pads ─HTTP─► controller
//!                       ◄─display/beep─ hub ◄─"refresh"─ stream ◄─WS─┘
//!  window LED strips ◄─frames/ACKs─► strips ◄─events───────┘
//!  (RS-485, or Onbon over UDP/TCP)
//! ```
//!
//! The gateway keeps no hall state of its own: what a pad shows is read from the controller
//! (`/api/v1/live`), and what a pad does is a window action at the controller, sent with the
//! gateway's device token (the controller lets a gateway act for the clerk signed in at the
//! window). The only thing it remembers is where it is in the event log (the state file), so
//! that after any disconnect or restart it resumes the stream exactly after the last event it
//! applied.
//!
//! Map of the modules. Pure (no I/O, unit-tested):
//! - [`config`]: the TOML configuration and its precise errors.
//! - [`display`]: events → "refresh / beep", hall + live → each pad's display, [`display::Board`].
//! - [`action`]: a pad's [`hallq_rs485::PadAction`] → window requests, idempotency keys, how
//!   refusals are read and completed (finish starts a called ticket; pause toggles).
//! - [`backoff`]: 100 ms → 5 s with jitter.
//! - [`state`]: the seq tracker and the atomically replaced state file.
//!
//! Drivers (thin, around the pure parts):
//! - [`bus`]: a serial port per bus, a reader thread (decoder, echo acknowledgement, idle) and
//!   a writer thread.
//! - [`controller`]: HTTP requests and the stream's upgrade request.
//! - `stream`: the WebSocket with resume and resync; `hub`: displays and beeps; `pads`: key
//!   presses to requests with retries.
//! - [`strips`]: the window LED strips (raw-bitmap or Onbon), a [`hallq_displays::WindowStrip`]
//!   each, fed by the events; its pure half maps events to strip inputs, its driver sends frames
//!   through the bus writers with acknowledgement and retransmission; `net`: the UDP or TCP link
//!   an Onbon strip on the network is sent through instead of a bus.
//! - [`status`]: counters readable while it runs.
//!
//! Entry points: [`run`] (or [`Gateway::new`] + [`Gateway::status`] + [`Gateway::run`]) and the
//! `hallq-gateway --config FILE` binary. See `docs/protocols/gateway.md`.

pub mod action;
pub mod backoff;
pub mod bus;
pub mod config;
pub mod controller;
pub mod display;
mod hub;
mod net;
mod pads;
pub mod state;
pub mod status;
mod stream;
pub mod strips;

use std::collections::BTreeSet;
use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::sync::{mpsc, watch};
use tokio::task::JoinSet;
use tracing::{info, warn};

pub use config::{BusConfig, Config, ConfigError, PadConfig, PadKind};
pub use config::{NetTransport, StripConfig, StripLink, StripProtocol};
pub use status::{BusStatus, Status, StatusHandle, StripStatus};

use crate::controller::Controller;

/// The state file is written at most this often.
pub const PERSIST_EVERY: Duration = Duration::from_millis(200);

/// Why the gateway could not run.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A task of the gateway stopped on its own (a bug: they run until shutdown).
    #[error("the gateway's {0} task stopped unexpectedly")]
    TaskEnded(&'static str),
    /// A task of the gateway panicked (a bug).
    #[error("a gateway task failed: {0}")]
    TaskFailed(String),
    /// The state file's folder cannot be written.
    #[error("state file {path}: {source}")]
    StateFile {
        /// The state file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// A configured gateway, not yet running.
pub struct Gateway {
    config: Arc<Config>,
    status: StatusHandle,
}

impl Gateway {
    /// A gateway for `config`.
    pub fn new(config: Config) -> Gateway {
        Gateway {
            config: Arc::new(config),
            status: StatusHandle::default(),
        }
    }

    /// The counters, readable while [`Gateway::run`] runs.
    pub fn status(&self) -> StatusHandle {
        self.status.clone()
    }

    /// Runs until `shutdown` completes, then stops the buses and saves the last seq.
    pub async fn run(self, shutdown: impl Future<Output = ()>) -> Result<(), Error> {
        let Gateway { config, status } = self;
        let start = match state::load(&config.state_file) {
            Ok(seq) => seq,
            Err(e) => {
                warn!("{e}; starting from the controller's current state");
                None
            }
        };
        if let Some(dir) = config
            .state_file
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
        {
            std::fs::create_dir_all(dir).map_err(|source| Error::StateFile {
                path: config.state_file.clone(),
                source,
            })?;
        }
        match start {
            Some(seq) => info!(seq, "resuming the event stream after the saved seq"),
            None => info!("no saved seq: starting from the controller's current state"),
        }
        status.update(|s| {
            s.last_seq = start.unwrap_or(0);
            s.persisted_seq = start.unwrap_or(0);
        });
        let ctl = Controller::new(&config.controller, &config.token);
        let stop = Arc::new(AtomicBool::new(false));
        let (frames_tx, frames_rx) = mpsc::unbounded_channel();
        let mut strip_rxs = Vec::new();
        let buses: Vec<bus::Bus> = config
            .buses
            .iter()
            .enumerate()
            .map(|(i, b)| {
                let addresses: BTreeSet<u8> = config
                    .pads
                    .iter()
                    .filter(|p| p.bus == i)
                    .map(|p| p.address)
                    .collect();
                let on_bus = |proto| {
                    config
                        .strips
                        .iter()
                        .any(|s| s.bus() == Some(i) && s.protocol == proto)
                };
                let (raw, onbon) = (on_bus(StripProtocol::Raw), on_bus(StripProtocol::Onbon));
                let link = (raw || onbon).then(|| {
                    let (tx, rx) = mpsc::unbounded_channel();
                    strip_rxs.push(Some(rx));
                    bus::StripLink { raw, onbon, tx }
                });
                if link.is_none() {
                    strip_rxs.push(None);
                }
                bus::spawn(
                    i,
                    b.clone(),
                    addresses,
                    frames_tx.clone(),
                    status.clone(),
                    stop.clone(),
                    link,
                )
            })
            .collect();
        drop(frames_tx);
        let writers: Vec<bus::BusWriter> = buses.iter().map(|b| b.writer.clone()).collect();
        let (hub_tx, hub_rx) = mpsc::unbounded_channel();
        let (seq_tx, seq_rx) = watch::channel(start.unwrap_or(0));
        let (strips_tx, strips_rx) = mpsc::unbounded_channel();
        let strips_tx = (!config.strips.is_empty()).then_some(strips_tx);

        let mut tasks = JoinSet::new();
        tasks.spawn({
            let (ctl, hub_tx, status) = (ctl.clone(), hub_tx.clone(), status.clone());
            async move {
                stream::run(ctl, start, hub_tx, strips_tx, seq_tx, status).await;
                "stream"
            }
        });
        tasks.spawn({
            let (config, writers, ctl) = (config.clone(), writers.clone(), ctl.clone());
            async move {
                hub::run(config, writers, ctl, hub_rx).await;
                "display"
            }
        });
        if !config.strips.is_empty() {
            tasks.spawn({
                let (config, writers, ctl, status) =
                    (config.clone(), writers.clone(), ctl.clone(), status.clone());
                async move {
                    strips::run(config, writers, strip_rxs, ctl, strips_rx, status).await;
                    "strips"
                }
            });
        }
        tasks.spawn({
            let cx = pads::Context {
                ctl: ctl.clone(),
                status: status.clone(),
                boot: boot_id(),
            };
            let (config, writers) = (config.clone(), writers.clone());
            async move {
                pads::run(config, writers, cx, frames_rx, hub_tx).await;
                "pads"
            }
        });
        tasks.spawn({
            let (path, rx, status) = (config.state_file.clone(), seq_rx.clone(), status.clone());
            async move {
                persist(path, rx, status, start).await;
                "state file"
            }
        });

        let outcome = tokio::select! {
            () = shutdown => Ok(()),
            ended = tasks.join_next() => match ended {
                Some(Ok(name)) => Err(Error::TaskEnded(name)),
                Some(Err(e)) => Err(Error::TaskFailed(e.to_string())),
                None => Err(Error::TaskEnded("every")),
            }
        };
        tasks.shutdown().await;
        stop.store(true, Ordering::Relaxed);
        drop(writers);
        tokio::task::spawn_blocking(move || buses.into_iter().for_each(bus::Bus::join))
            .await
            .ok();
        let last = *seq_rx.borrow();
        let snapshot = status.snapshot();
        // Without a saved seq and without a resync the gateway never knew where it was: saving
        // 0 would make the next start replay the whole log.
        let known = start.is_some() || snapshot.resyncs > 0;
        if known && snapshot.persisted_seq != last {
            save(&config.state_file, last, &status).await;
        }
        info!(seq = last, "gateway stopped");
        outcome
    }
}

/// Runs a gateway for `config` until `shutdown` completes.
pub async fn run(config: Config, shutdown: impl Future<Output = ()>) -> Result<(), Error> {
    Gateway::new(config).run(shutdown).await
}

/// Writes the last seq whenever it changed, at most every [`PERSIST_EVERY`].
async fn persist(
    path: PathBuf,
    mut rx: watch::Receiver<u64>,
    status: StatusHandle,
    start: Option<u64>,
) {
    let mut written = start;
    loop {
        if rx.changed().await.is_err() {
            return;
        }
        let seq = *rx.borrow_and_update();
        if written != Some(seq) && save(&path, seq, &status).await {
            written = Some(seq);
        }
        tokio::time::sleep(PERSIST_EVERY).await;
    }
}

async fn save(path: &std::path::Path, seq: u64, status: &StatusHandle) -> bool {
    let p = path.to_owned();
    match tokio::task::spawn_blocking(move || state::store(&p, seq)).await {
        Ok(Ok(())) => {
            status.update(|s| s.persisted_seq = seq);
            true
        }
        Ok(Err(e)) => {
            warn!("cannot save the last seq to {}: {e}", path.display());
            false
        }
        Err(_) => false,
    }
}

/// An id for this run of the gateway, so its idempotency keys never repeat an earlier run's.
fn boot_id() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let mix = (backoff::jitter() * (1u64 << 32) as f64) as u64;
    format!(
        "{:x}{:08x}",
        nanos as u64,
        mix ^ u64::from(std::process::id())
    )
}
