//! The event stream driver: `GET /api/v1/stream?after=<last seq>` over WebSocket, resumed
//! after every disconnect from the last seq applied, so no event is missed and none applied
//! twice.
//!
//! - Reconnects with [`Backoff`] (100 ms doubling to 5 s, jittered).
//! - Resyncs from `/api/v1/live` (its `seq` becomes the last seq) on the first start without a
//!   state file, on close code 4000 (too slow) and on `409 after_beyond_log`.
//! - Pings every 10 s and gives the connection up after 30 s without hearing anything, so a
//!   silent network failure is noticed.

use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use tokio::sync::mpsc::UnboundedSender;
use tokio::sync::watch;
use tokio_tungstenite::tungstenite::{self, Message};
use tracing::{debug, info, warn};

use crate::backoff::{Backoff, jitter};
use crate::controller::Controller;
use crate::display::StreamEvent;
use crate::hub::HubMsg;
use crate::state::{Accept, SeqTracker};
use crate::status::{RESUMES_KEPT, StatusHandle};

/// The close code with which the controller drops a subscriber that fell behind.
pub const CLOSE_TOO_SLOW: u16 = 4000;
/// How often the gateway pings the controller.
pub const PING_EVERY: Duration = Duration::from_secs(10);
/// How long without any frame before the connection counts as dead.
pub const SILENCE_LIMIT: Duration = Duration::from_secs(30);
/// How long the WebSocket handshake may take.
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// A connection that lasted this long resets the backoff.
const STABLE: Duration = Duration::from_secs(1);

/// How a connection ended.
enum End {
    /// The controller asked for a resync (close code 4000).
    Resync(String),
    /// Closed or broken; resume with after = last seq.
    Closed(String),
}

/// Runs the stream until the task is dropped. `start` is the persisted seq, or `None` to
/// begin from the controller's current state.
pub(crate) async fn run(
    ctl: Controller,
    start: Option<u64>,
    hub: UnboundedSender<HubMsg>,
    strips: Option<UnboundedSender<HubMsg>>,
    seq_tx: watch::Sender<u64>,
    status: StatusHandle,
) {
    let hub = Fanout { hub, strips };
    let mut tracker = SeqTracker::new(start.unwrap_or(0));
    let mut need_resync = start.is_none();
    let mut backoff = Backoff::default();
    let mut failing = false;
    let report = |failing: &mut bool, what: String| {
        if *failing {
            debug!("{what}");
        } else {
            warn!("{what}; retrying with backoff");
            *failing = true;
        }
    };
    loop {
        if need_resync {
            match ctl.live().await {
                Ok(live) => {
                    info!(seq = live.seq, "resynced from /api/v1/live");
                    tracker.reset(live.seq);
                    seq_tx.send_replace(live.seq);
                    status.update(|s| {
                        s.resyncs += 1;
                        s.last_seq = live.seq;
                    });
                    need_resync = false;
                }
                Err(e) => {
                    report(&mut failing, format!("controller: {e}"));
                    tokio::time::sleep(backoff.next_delay(jitter())).await;
                    continue;
                }
            }
        }
        let after = tracker.last();
        let connecting = tokio::time::timeout(
            HANDSHAKE_TIMEOUT,
            tokio_tungstenite::connect_async(ctl.stream_request(after)),
        )
        .await;
        let ws = match connecting {
            Ok(Ok((ws, _))) => ws,
            Ok(Err(tungstenite::Error::Http(res))) if res.status().as_u16() == 409 => {
                warn!(
                    after,
                    "after is beyond the controller's log (restored from a backup?); resyncing"
                );
                need_resync = true;
                tokio::time::sleep(backoff.next_delay(jitter())).await;
                continue;
            }
            Ok(Err(e)) => {
                report(&mut failing, format!("stream: {e}"));
                tokio::time::sleep(backoff.next_delay(jitter())).await;
                continue;
            }
            Err(_) => {
                report(&mut failing, "stream: handshake timed out".into());
                tokio::time::sleep(backoff.next_delay(jitter())).await;
                continue;
            }
        };
        failing = false;
        info!(after, "stream connected");
        status.update(|s| {
            s.connected = true;
            s.connects += 1;
            s.resumed_from.push(after);
            if s.resumed_from.len() > RESUMES_KEPT {
                s.resumed_from.remove(0);
            }
        });
        hub.send(HubMsg::Connected);
        let since = Instant::now();
        let end = read(ws, &mut tracker, &hub, &seq_tx, &status).await;
        status.update(|s| s.connected = false);
        if since.elapsed() >= STABLE {
            backoff.reset();
        }
        match end {
            End::Resync(why) => {
                warn!(last = tracker.last(), "stream closed ({why}); resyncing");
                need_resync = true;
            }
            End::Closed(why) => {
                warn!(
                    last = tracker.last(),
                    "stream lost ({why}); resuming after the last seq"
                );
            }
        }
        tokio::time::sleep(backoff.next_delay(jitter())).await;
    }
}

async fn read(
    ws: tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
    tracker: &mut SeqTracker,
    hub: &Fanout,
    seq_tx: &watch::Sender<u64>,
    status: &StatusHandle,
) -> End {
    let (mut sink, mut stream) = ws.split();
    let mut ping = tokio::time::interval_at(tokio::time::Instant::now() + PING_EVERY, PING_EVERY);
    let mut heard = Instant::now();
    loop {
        tokio::select! {
            msg = stream.next() => {
                heard = Instant::now();
                match msg {
                    Some(Ok(Message::Text(text))) => take(&text, tracker, hub, seq_tx, status),
                    Some(Ok(Message::Close(frame))) => {
                        let (code, reason) = frame
                            .map(|f| (u16::from(f.code), f.reason.to_string()))
                            .unwrap_or((1005, String::new()));
                        let why = format!("close {code} {reason}");
                        return if code == CLOSE_TOO_SLOW { End::Resync(why) } else { End::Closed(why) };
                    }
                    Some(Ok(_)) => {}
                    Some(Err(e)) => return End::Closed(e.to_string()),
                    None => return End::Closed("connection closed".into()),
                }
            }
            _ = ping.tick() => {
                if heard.elapsed() > SILENCE_LIMIT {
                    return End::Closed(format!("nothing heard for {}s", SILENCE_LIMIT.as_secs()));
                }
                if let Err(e) = sink.send(Message::Ping(Default::default())).await {
                    return End::Closed(e.to_string());
                }
            }
        }
    }
}

fn take(
    text: &str,
    tracker: &mut SeqTracker,
    hub: &Fanout,
    seq_tx: &watch::Sender<u64>,
    status: &StatusHandle,
) {
    let event: StreamEvent = match serde_json::from_str(text) {
        Ok(e) => e,
        Err(e) => {
            warn!("an event without seq or type ({e}); ignored");
            return;
        }
    };
    match tracker.accept(event.seq) {
        Accept::Duplicate => {
            debug!(seq = event.seq, "event already applied; dropped");
            status.update(|s| s.duplicates += 1);
            return;
        }
        Accept::Gap { missing } => {
            warn!(seq = event.seq, missing, "events missing before this one");
            status.update(|s| s.gaps += 1);
        }
        Accept::Next => {}
    }
    status.update(|s| {
        s.events += 1;
        s.last_seq = event.seq;
    });
    seq_tx.send_replace(event.seq);
    hub.send(HubMsg::Event(event));
}

/// The display driver and, when the gateway has strips, the strip driver.
struct Fanout {
    hub: UnboundedSender<HubMsg>,
    strips: Option<UnboundedSender<HubMsg>>,
}

impl Fanout {
    fn send(&self, msg: HubMsg) {
        if let Some(s) = &self.strips {
            let _ = s.send(msg.clone());
        }
        let _ = self.hub.send(msg);
    }
}
