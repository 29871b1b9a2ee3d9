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

#[derive(Deserialize)]
pub struct StreamParams {
    #[serde(default)]
    after: u64,
}

pub async fn stream(
    State(app): State<AppState>,
    Bearer(token): Bearer,
    params: Result<Query<StreamParams>, axum::extract::rejection::QueryRejection>,
    ws: Result<WebSocketUpgrade, axum::extract::ws::rejection::WebSocketUpgradeRejection>,
) -> Result<Response, ApiError> {
    let Query(params) = params?;
    let ws = ws?;
    app.hall.who(token).await?;
    // A client ahead of the log (e.g. a controller restored from an older backup) must know it,
    // or it would silently skip what comes next.
    if let crate::actor::Answer::Seq(seq) = app
        .hall
        .query(crate::actor::Credential::System, crate::actor::Query::Seq)
        .await?
        && params.after > seq
    {
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
    Ok(ws.on_upgrade(move |socket| run(app, socket, params.after)))
}

async fn run(app: AppState, mut socket: WebSocket, after: u64) {
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
            if socket.send(Message::Text(r.body.into())).await.is_err() {
                return;
            }
        }
    }
    loop {
        tokio::select! {
            frame = live.recv() => match frame {
                Ok(f) if f.seq <= last => continue,
                Ok(f) => {
                    // Should never happen (the broadcast is in seq order), but never send a gap.
                    if f.seq != last + 1 {
                        let _ = close(&mut socket, CLOSE_LAGGED, "gap; resume with after=last seq").await;
                        return;
                    }
                    last = f.seq;
                    if socket.send(Message::Text(f.text)).await.is_err() {
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
