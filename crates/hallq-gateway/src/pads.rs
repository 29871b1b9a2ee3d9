//! The pad driver: frames from the buses → one [`PadInput`] per call pad → [`PadAction`]s →
//! HTTP requests at the pad's window, retried with the same `Idempotency-Key` until the
//! controller answers or `action_retry_s` has passed.
//!
//! Each call pad has its own worker, so its presses are carried out one after another, in the
//! order they were pressed, while other windows' pads go on. A press waits at most for the
//! presses before it on the same pad; a pad that queues up more than [`QUEUE`] unanswered
//! presses (the clerk hammering a key while the controller is away) has the extra ones refused
//! with a double beep.
//!
//! A 4-key rating pad's key becomes one rating for the pad's window (`POST /api/v1/ratings`,
//! the key's level from the pad's `levels`), sent by the rating pad's own worker with one
//! `Idempotency-Key` per press and retried the same way. One beep when the controller took it;
//! two when it answers that nothing awaits a rating there (`409`), refuses it otherwise, or
//! cannot be reached within `action_retry_s`.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use hallq_rs485::{Frame, Message, PadAction, PadInput, PadStep, RatingKey};
use tokio::sync::mpsc::{self, UnboundedReceiver, UnboundedSender};
use tokio::time::Instant;
use tracing::{debug, error, info, warn};

use crate::action::{
    Reply, WindowRequest, classify, needs_held, nothing_to_rate, plan, plan_rating, press_key,
    rating_key, recover, request_key,
};
use crate::backoff::{Backoff, jitter};
use crate::bus::{BusEvent, BusWriter};
use crate::config::{Config, PadConfig, PadKind};
use crate::controller::Controller;
use crate::hub::HubMsg;
use crate::status::StatusHandle;

/// Presses a pad may have waiting for the controller.
pub const QUEUE: usize = 8;

/// What became of one key press.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    Done,
    Refused(String),
    GaveUp(String),
}

/// One request's fate after retries.
enum Sent {
    Done,
    Refused(WindowRequest, String, serde_json::Value),
    GaveUp(String),
}

/// Everything a worker needs besides its queue.
#[derive(Clone)]
pub(crate) struct Context {
    pub ctl: Controller,
    pub status: StatusHandle,
    /// This run's id, part of every idempotency key.
    pub boot: String,
}

pub(crate) async fn run(
    config: Arc<Config>,
    writers: Vec<BusWriter>,
    cx: Context,
    mut frames: UnboundedReceiver<BusEvent>,
    hub: UnboundedSender<HubMsg>,
) {
    let index: BTreeMap<(usize, u8), usize> = config
        .pads
        .iter()
        .enumerate()
        .map(|(i, p)| ((p.bus, p.address), i))
        .collect();
    let mut inputs: Vec<PadInput> = config.pads.iter().map(|_| PadInput::new()).collect();
    // Dropped with this future, which aborts the workers.
    let mut running = tokio::task::JoinSet::new();
    let mut workers: Vec<Queue> = Vec::new();
    for pad in &config.pads {
        let bus_id = config.buses[pad.bus].id.clone();
        let writer = writers[pad.bus].clone();
        workers.push(match pad.kind {
            PadKind::Call => {
                let (tx, rx) = mpsc::channel(QUEUE);
                running.spawn(worker(
                    pad.clone(),
                    bus_id,
                    writer,
                    config.action_retry,
                    cx.clone(),
                    rx,
                ));
                Queue::Call(tx)
            }
            PadKind::Rating => {
                let (tx, rx) = mpsc::channel(QUEUE);
                running.spawn(rating_worker(
                    pad.clone(),
                    bus_id,
                    writer,
                    config.action_retry,
                    cx.clone(),
                    rx,
                ));
                Queue::Rating(tx)
            }
        });
    }
    let t0 = Instant::now();
    while let Some(event) = frames.recv().await {
        let (bus, frame) = match event {
            BusEvent::Opened { bus } => {
                let _ = hub.send(HubMsg::BusOpened(bus));
                continue;
            }
            BusEvent::Frame { bus, frame } => (bus, frame),
        };
        let Some(&i) = index.get(&(bus, frame.addr)) else {
            continue; // the bus passes only configured addresses
        };
        let pad = &config.pads[i];
        let writer = &writers[bus];
        let who = PadName(&config.buses[bus].id, pad);
        match (pad.kind, Message::from_frame(&frame)) {
            (PadKind::Call, Ok(Message::Key(key))) => match inputs[i].press(key, t0.elapsed()) {
                PadStep::Pending => debug!("{who}: {key:?}"),
                PadStep::Invalid(why) => {
                    info!("{who}: key sequence refused: {why:?}");
                    writer.beep(pad.address, 1);
                }
                PadStep::Action(action) => {
                    let Queue::Call(queue) = &workers[i] else {
                        unreachable!("call pads have a call worker")
                    };
                    if queue.try_send(action).is_err() {
                        warn!(
                            "{who}: {action:?} dropped: {QUEUE} presses already wait for the controller"
                        );
                        cx.status.update(|s| s.actions_refused += 1);
                        writer.beep(pad.address, 2);
                    }
                }
            },
            (PadKind::Rating, Ok(Message::Rating(key))) => {
                info!(rating_key = key.get(), "{who}: rating key pressed");
                let Queue::Rating(queue) = &workers[i] else {
                    unreachable!("rating pads have a rating worker")
                };
                if queue.try_send(key).is_err() {
                    warn!(
                        "{who}: rating key {} dropped: {QUEUE} presses already wait for the controller",
                        key.get()
                    );
                    cx.status.update(|s| s.ratings_failed += 1);
                    writer.beep(pad.address, 2);
                }
            }
            (kind, Ok(message)) => {
                warn!("{who}: a {kind:?} pad sent {message:?}; ignored");
            }
            (_, Err(unknown)) => log_unknown(&who, &frame, &unknown),
        }
    }
}

/// A pad's worker queue.
enum Queue {
    Call(mpsc::Sender<PadAction>),
    Rating(mpsc::Sender<RatingKey>),
}

fn log_unknown(who: &PadName<'_>, frame: &Frame, unknown: &hallq_rs485::Unknown) {
    info!(
        func = frame.func,
        "{who}: unknown frame ({unknown}); ignored"
    );
}

/// `pad 3 on hall-a (window 3)` in logs.
struct PadName<'a>(&'a str, &'a PadConfig);

impl std::fmt::Display for PadName<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "pad {} on {} (window {})",
            self.1.address, self.0, self.1.window
        )
    }
}

async fn worker(
    pad: PadConfig,
    bus_id: String,
    writer: BusWriter,
    retry_for: Duration,
    cx: Context,
    mut rx: mpsc::Receiver<PadAction>,
) {
    let mut presses = 0u64;
    while let Some(action) = rx.recv().await {
        presses += 1;
        let press = press_key(&cx.boot, &bus_id, pad.address, presses);
        let who = PadName(&bus_id, &pad);
        let deadline = Instant::now() + retry_for;
        match perform(&cx.ctl, action, pad.window, &press, deadline).await {
            Outcome::Done => {
                info!("{who}: {action:?} done");
                cx.status.update(|s| s.actions_done += 1);
            }
            Outcome::Refused(why) => {
                info!("{who}: {action:?} refused: {why}");
                cx.status.update(|s| s.actions_refused += 1);
                writer.beep(pad.address, 2);
            }
            Outcome::GaveUp(why) => {
                error!(
                    "{who}: {action:?} not done: the controller did not answer within {}s ({why})",
                    retry_for.as_secs()
                );
                cx.status.update(|s| s.actions_failed += 1);
                writer.beep(pad.address, 2);
            }
        }
    }
}

/// Submits a rating pad's presses one after another: each press one rating, sent with its own
/// `Idempotency-Key` (the same on every retry), so it is counted once at most.
async fn rating_worker(
    pad: PadConfig,
    bus_id: String,
    writer: BusWriter,
    retry_for: Duration,
    cx: Context,
    mut rx: mpsc::Receiver<RatingKey>,
) {
    let mut presses = 0u64;
    while let Some(key) = rx.recv().await {
        presses += 1;
        let press = press_key(&cx.boot, &bus_id, pad.address, presses);
        let who = PadName(&bus_id, &pad);
        let req = plan_rating(key, pad.window, &pad.levels);
        let level = req.level.as_str();
        let deadline = Instant::now() + retry_for;
        match post_until(
            &cx.ctl,
            req.path(),
            &req.body,
            &rating_key(&press),
            deadline,
        )
        .await
        {
            Ok(Reply::Refused { status, code, .. }) => {
                if nothing_to_rate(status, &code) {
                    info!(
                        "{who}: key {} ({level}): nothing to rate at the window ({code})",
                        key.get()
                    );
                } else {
                    warn!(
                        "{who}: key {} ({level}) refused: HTTP {status} {code}",
                        key.get()
                    );
                }
                cx.status.update(|s| s.ratings_refused += 1);
                writer.beep(pad.address, 2);
            }
            Ok(_) => {
                info!("{who}: key {} rated {level}", key.get());
                cx.status.update(|s| s.ratings_done += 1);
                writer.beep(pad.address, 1);
            }
            Err(why) => {
                error!(
                    "{who}: key {} ({level}) not submitted: the controller did not answer within {}s ({why})",
                    key.get(),
                    retry_for.as_secs()
                );
                cx.status.update(|s| s.ratings_failed += 1);
                writer.beep(pad.address, 2);
            }
        }
    }
}

async fn perform(
    ctl: &Controller,
    action: PadAction,
    window: u32,
    press: &str,
    deadline: Instant,
) -> Outcome {
    let held = if needs_held(action) {
        match held_at(ctl, window, deadline).await {
            Ok(held) => held,
            Err(why) => return Outcome::GaveUp(why),
        }
    } else {
        Vec::new()
    };
    let first = match plan(action, window, &held) {
        Ok(req) => req,
        Err(refusal) => return Outcome::Refused(refusal.to_string()),
    };
    let (refused, code, problem) = match send(ctl, first, press, deadline).await {
        Sent::Done => return Outcome::Done,
        Sent::GaveUp(why) => return Outcome::GaveUp(why),
        Sent::Refused(req, code, problem) => (req, code, problem),
    };
    let Some(steps) = recover(&refused, &code, &problem) else {
        return Outcome::Refused(format!("{}: {code}", refused.action.as_str()));
    };
    debug!(
        "{} refused with {code}; the pad's key means {:?}",
        refused.action.as_str(),
        steps.iter().map(|s| s.action.as_str()).collect::<Vec<_>>()
    );
    for step in steps {
        match send(ctl, step, press, deadline).await {
            Sent::Done => {}
            Sent::GaveUp(why) => return Outcome::GaveUp(why),
            Sent::Refused(req, code, _) => {
                return Outcome::Refused(format!("{}: {code}", req.action.as_str()));
            }
        }
    }
    Outcome::Done
}

/// The window's held numbers, oldest first, read from `/api/v1/live` (retried until `deadline`).
async fn held_at(ctl: &Controller, window: u32, deadline: Instant) -> Result<Vec<String>, String> {
    let mut backoff = Backoff::default();
    loop {
        let why = match ctl.live().await {
            Ok(live) => {
                return Ok(live
                    .window(window)
                    .map(|w| w.held.clone())
                    .unwrap_or_default());
            }
            Err(e) => e.to_string(),
        };
        let delay = backoff.next_delay(jitter());
        if Instant::now() + delay > deadline {
            return Err(why);
        }
        tokio::time::sleep(delay).await;
    }
}

/// Sends `req` until the controller decides it (or `deadline`), always with the same key and
/// the same bytes.
async fn send(ctl: &Controller, req: WindowRequest, press: &str, deadline: Instant) -> Sent {
    let key = request_key(press, req.action);
    match post_until(ctl, &req.path(), &req.body, &key, deadline).await {
        Ok(Reply::Refused { code, problem, .. }) => Sent::Refused(req, code, problem),
        Ok(_) => Sent::Done,
        Err(why) => Sent::GaveUp(why),
    }
}

/// Posts `body` to `path` until the controller decides ([`Reply::Done`] or [`Reply::Refused`];
/// never [`Reply::Retry`]), always with the same key and the same bytes; `Err` with the last
/// failure once `deadline` would pass.
async fn post_until(
    ctl: &Controller,
    path: &str,
    body: &str,
    key: &str,
    deadline: Instant,
) -> Result<Reply, String> {
    let mut backoff = Backoff::default();
    loop {
        let why = match ctl.post(path, body, key).await {
            Ok((status, body)) => match classify(status, &body) {
                Reply::Retry => format!("HTTP {status}"),
                decided => return Ok(decided),
            },
            Err(e) => e.to_string(),
        };
        let delay = backoff.next_delay(jitter());
        if Instant::now() + delay > deadline {
            return Err(why);
        }
        debug!(key, "{path} not decided ({why}); again in {delay:?}");
        tokio::time::sleep(delay).await;
    }
}
