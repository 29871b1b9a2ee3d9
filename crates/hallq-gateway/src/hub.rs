//! The display driver: turns "something changed" (an event, a reconnect, a reopened bus) into
//! display frames, by reading `/api/v1/live` at most five times a second and handing the result
//! to the pure [`Board`].
//!
//! - After a refreshing event: the pads whose display changed get FUNC 02; the pads at the
//!   window of a call get a beep (FUNC 03) after their display.
//! - After a (re)connect: every pad gets its display again, and the hall's window → queues map
//!   is read again (the controller may have restarted with another hall file).
//! - After a bus reopened: every pad on that bus gets its display again.
//! - Every `display_refresh_s`: every pad gets its display again.
//! - With the controller unreachable nothing is sent: the pads keep their last display. The
//!   refresh is tried again every second until it works.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use hallq_rs485::Message;
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::time::Instant;
use tracing::{debug, warn};

use crate::bus::BusWriter;
use crate::config::{Config, PadKind};
use crate::controller::Controller;
use crate::display::{Board, Effect, HallInfo, StreamEvent, effect};

/// The shortest time between two reads of `/api/v1/live` (≤ 5 per second).
pub const MIN_INTERVAL: Duration = Duration::from_millis(200);
/// The wait before trying again when the controller did not answer.
pub const RETRY_AFTER: Duration = Duration::from_secs(1);

/// What the display driver (and the strip driver) hears about.
#[derive(Debug, Clone)]
pub(crate) enum HubMsg {
    /// The stream (re)connected.
    Connected,
    /// An event was applied.
    Event(StreamEvent),
    /// A bus (re)opened.
    BusOpened(usize),
}

struct Hub {
    config: Arc<Config>,
    writers: Vec<BusWriter>,
    ctl: Controller,
    board: Board,
    hall: Option<HallInfo>,
    reload_hall: bool,
    force: bool,
    /// Windows to beep after the next refresh: a burst of calls (a backlog after a reconnect)
    /// beeps each window once.
    beeps: BTreeSet<u32>,
    due: Option<Instant>,
    last_try: Option<Instant>,
}

pub(crate) async fn run(
    config: Arc<Config>,
    writers: Vec<BusWriter>,
    ctl: Controller,
    mut rx: UnboundedReceiver<HubMsg>,
) {
    let mut hub = Hub {
        board: Board::new(&config.pads),
        config: config.clone(),
        writers,
        ctl,
        hall: None,
        reload_hall: true,
        force: false,
        beeps: BTreeSet::new(),
        due: None,
        last_try: None,
    };
    let mut periodic = config
        .display_refresh
        .map(|d| tokio::time::interval_at(Instant::now() + d, d));
    loop {
        let tick = async {
            match periodic.as_mut() {
                Some(i) => {
                    i.tick().await;
                }
                None => std::future::pending().await,
            }
        };
        let due = hub.due;
        tokio::select! {
            msg = rx.recv() => match msg {
                None => return,
                Some(HubMsg::Connected) => {
                    hub.reload_hall = true;
                    hub.force = true;
                    hub.schedule();
                }
                Some(HubMsg::Event(e)) => match effect(&e) {
                    Effect::None => {}
                    Effect::Refresh => hub.schedule(),
                    Effect::RefreshAndBeep(w) => {
                        hub.beeps.insert(w);
                        hub.schedule();
                    }
                },
                Some(HubMsg::BusOpened(bus)) => {
                    hub.board.forget_bus(bus);
                    hub.schedule();
                }
            },
            _ = tokio::time::sleep_until(due.unwrap_or_else(Instant::now)), if due.is_some() => {
                hub.due = None;
                hub.last_try = Some(Instant::now());
                if !hub.refresh().await {
                    hub.due = Some(Instant::now() + RETRY_AFTER);
                }
                hub.send_beeps();
            }
            _ = tick => {
                hub.force = true;
                hub.schedule();
            }
        }
    }
}

impl Hub {
    /// Refresh as soon as the rate limit allows, unless one is already planned.
    fn schedule(&mut self) {
        if self.due.is_none() {
            let earliest = self
                .last_try
                .map_or_else(Instant::now, |t| t + MIN_INTERVAL);
            self.due = Some(earliest.max(Instant::now()));
        }
    }

    /// Reads the controller and sends the displays; false when the controller did not answer.
    async fn refresh(&mut self) -> bool {
        if self.reload_hall || self.hall.is_none() {
            match self.ctl.hall().await {
                Ok(hall) => {
                    for pad in &self.config.pads {
                        if !hall.windows.iter().any(|w| w.number == pad.window) {
                            warn!(
                                window = pad.window,
                                bus = %self.config.buses[pad.bus].id,
                                address = pad.address,
                                "the controller's hall has no such window; the pad shows nothing"
                            );
                        }
                    }
                    self.hall = Some(hall);
                    self.reload_hall = false;
                }
                Err(e) => {
                    debug!("hall: {e}");
                    return false;
                }
            }
        }
        let live = match self.ctl.live().await {
            Ok(live) => live,
            Err(e) => {
                debug!("live: {e}");
                return false;
            }
        };
        let Some(hall) = &self.hall else {
            return false;
        };
        for (i, display) in self.board.update(hall, &live, self.force) {
            let pad = &self.config.pads[i];
            self.writers[pad.bus].send(pad.address, Message::Display(display));
        }
        self.force = false;
        true
    }

    fn send_beeps(&mut self) {
        for window in std::mem::take(&mut self.beeps) {
            for i in self.board.call_pads_at(window) {
                let pad = &self.config.pads[i];
                debug_assert_eq!(pad.kind, PadKind::Call);
                self.writers[pad.bus].beep(pad.address, 1);
            }
        }
    }
}
