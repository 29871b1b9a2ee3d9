//! `GET /api/v1/stream?after=N`: every committed event after N, then live ones, as one JSON text
//! frame each, in seq order, with no gap and no duplicate.
//!
//! The subscription to live frames is taken *before* the backlog is read from the log, and
//! frames at or below the last seq sent are skipped, so an event committed while the backlog is
//! being read is neither lost nor sent twice. A subscriber too slow for the live channel is cut
//! off with close code 4000 and resumes with `after=` its last seq.

use super::AppState;
use super::extract::Bearer;
use crate::problem::ApiError;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;
use tokio::sync::broadcast::error::RecvError;

/// Close code for a subscriber that fell behind the live channel.
pub const CLOSE_LAGGED: u16 = 4000;
/// Close code when the controller shuts down.
pub const CLOSE_SHUTDOWN: u16 = 1001;
/// Close code when the clerk session a stream was opened with has ended (signed out, or signed
/// in elsewhere): the page must sign in again, not reconnect.
pub const CLOSE_SESSION_ENDED: u16 = 4001;

#[derive(Deserialize)]
pub struct StreamParams {
    #[serde(default)]
    after: u64,
    /// A ticket's tracking token (the phone page): the stream then carries only `{"seq":N}`
    /// pings, no event content, and the page re-reads its ticket.
    track: Option<String>,
}

/// What a subscriber receives.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Every event in full.
    Events,
    /// `{"seq":N}` per event: "something changed", for pages without a token.
    Pings,
}

pub async fn stream(
    State(app): State<AppState>,
    Bearer(token): Bearer,
    params: Result<Query<StreamParams>, axum::extract::rejection::QueryRejection>,
    ws: Result<WebSocketUpgrade, axum::extract::ws::rejection::WebSocketUpgradeRejection>,
) -> Result<Response, ApiError> {
    let Query(params) = params?;
    let ws = ws?;
    let (mode, device) = match params.track.as_deref() {
        Some(t) if app.hall.secrets.check_track_token(t).is_some() => (Mode::Pings, None),
        Some(_) => return Err(ApiError::unauthorized("the tracking token is not valid")),
        None => match app.hall.who(token.clone()).await? {
            hallq_core::Actor::Device { id, .. } => (Mode::Events, Some(id)),
            _ => (Mode::Events, None),
        },
    };
    // A clerk's stream lives only as long as the clerk's session.
    let session = match (&mode, &device) {
        (Mode::Events, None) => token,
        _ => None,
    };
    // A client ahead of the log (e.g. a controller restored from an older backup) must know it,
    // or it would silently skip what comes next.
    let seq = match app
        .hall
        .query(crate::actor::Credential::System, crate::actor::Query::Seq)
        .await?
    {
        crate::actor::Answer::Seq(seq) => seq,
        _ => return Err(ApiError::internal("unexpected answer")),
    };
    if params.after > seq {
        return Err(ApiError::new(
            axum::http::StatusCode::CONFLICT,
            "after_beyond_log",
            "序号超出日志 / after is beyond the log",
            format!(
                "after={} but the log ends at seq {seq}; resync from a snapshot",
                params.after
            ),
        ));
    }
    // A tracking page re-reads its ticket on connect: it needs no backlog of pings.
    let after = if mode == Mode::Pings {
        seq
    } else {
        params.after
    };
    Ok(ws.on_upgrade(move |socket| async move {
        if let Some(d) = &device {
            online(&app, d, true).await;
        }
        run(app.clone(), socket, after, mode, session).await;
        if let Some(d) = &device {
            online(&app, d, false).await;
        }
    }))
}

/// Counts a device's open streams. Opening reports it online (the core records it only if it had
/// been recorded offline); the last one closing starts the grace period, after which, if no
/// stream came back, it is reported offline.
async fn online(app: &AppState, device: &hallq_core::ids::DeviceId, opened: bool) {
    let now_zero = {
        let mut streams = app.streams.lock().expect("lock");
        let n = streams.entry(device.clone()).or_default();
        if opened {
            *n += 1;
        } else {
            *n = n.saturating_sub(1);
        }
        *n == 0
    };
    if opened {
        report(app, device, true).await;
    } else if now_zero {
        let app = app.clone();
        let device = device.clone();
        tokio::spawn(async move {
            let mut shutdown = app.shutdown.clone();
            tokio::select! {
                _ = tokio::time::sleep(app.offline_grace) => {}
                _ = shutdown.changed() => return,
            }
            let still_gone = app.streams.lock().expect("lock").get(&device).copied() == Some(0);
            if still_gone {
                report(&app, &device, false).await;
            }
        });
    }
}

async fn report(app: &AppState, device: &hallq_core::ids::DeviceId, online: bool) {
    if *app.shutdown.borrow() {
        return;
    }
    let _ = app
        .hall
        .command(
            crate::actor::Credential::System,
            hallq_core::Command::ReportDevice {
                device: device.clone(),
                online: Some(online),
                printer: None,
            },
            crate::actor::Render::Empty,
            None,
        )
        .await;
}

fn encode(mode: Mode, seq: u64, text: axum::extract::ws::Utf8Bytes) -> Message {
    match mode {
        Mode::Events => Message::Text(text),
        Mode::Pings => Message::Text(format!("{{\"seq\":{seq}}}").into()),
    }
}

async fn run(
    app: AppState,
    mut socket: WebSocket,
    after: u64,
    mode: Mode,
    session: Option<String>,
) {
    let mut live = app.hall.events.subscribe();
    let mut shutdown = app.shutdown.clone();
    let mut last = after;
    // The backlog, page by page, from the log.
    loop {
        let rows = match app.read_events(last, 1000).await {
            Ok(rows) => rows,
            Err(e) => {
                tracing::warn!(detail = %e.detail, "stream backlog read failed");
                return;
            }
        };
        if rows.is_empty() {
            break;
        }
        for r in rows {
            last = r.seq;
            if socket
                .send(encode(mode, r.seq, r.body.into()))
                .await
                .is_err()
            {
                return;
            }
        }
    }
    loop {
        tokio::select! {
            batch = live.recv() => match batch {
                Ok(batch) => {
                    let mut ends_sessions = false;
                    for f in batch.iter() {
                        if f.seq <= last {
                            continue;
                        }
                        // Should never happen (the broadcast is in seq order), but never send a
                        // gap.
                        if f.seq != last + 1 {
                            let _ = close(&mut socket, CLOSE_LAGGED, "gap; resume with after=last seq").await;
                            return;
                        }
                        last = f.seq;
                        ends_sessions |= ["\"type\":\"window_closed\"", "\"type\":\"window_opened\"", "\"type\":\"session_closed\""]
                            .iter()
                            .any(|t| f.text.as_str().contains(t));
                        if socket.send(encode(mode, f.seq, f.text.clone())).await.is_err() {
                            return;
                        }
                    }
                    // Once the batch is out (the page learns why, e.g. the window the clerk went
                    // to), a stream whose session has ended is closed.
                    if ends_sessions && session.is_some() && app.hall.who(session.clone()).await.is_err() {
                        let _ = close(&mut socket, CLOSE_SESSION_ENDED, "session ended; sign in again").await;
                        return;
                    }
                }
                Err(RecvError::Lagged(_)) => {
                    let _ = close(&mut socket, CLOSE_LAGGED, "too slow; resume with after=last seq").await;
                    return;
                }
                Err(RecvError::Closed) => return,
            },
            msg = socket.recv() => match msg {
                // Clients may ping or send nothing; anything else is ignored. A closed or
                // broken socket ends the subscription.
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                Some(Ok(_)) => {}
            },
            _ = shutdown.changed() => {
                let _ = close(&mut socket, CLOSE_SHUTDOWN, "controller shutting down").await;
                return;
            }
        }
    }
}

async fn close(socket: &mut WebSocket, code: u16, reason: &'static str) -> Result<(), axum::Error> {
    socket
        .send(Message::Close(Some(CloseFrame {
            code,
            reason: reason.into(),
        })))
        .await
}
