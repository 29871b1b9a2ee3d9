//! The HTTP and WebSocket API (`docs/api.md`): the router, shared state, limits.

pub mod alerts;
pub mod cases;
pub mod extract;
pub mod handlers;
pub mod pages;
pub mod ratings;
pub mod reports;
pub mod stream;

use crate::actor::HallHandle;
use crate::clock::Clock;
use crate::problem::ApiError;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use hallq_store::{EventRow, Reader};
use std::sync::Arc;
use tokio::sync::watch;

/// Bodies larger than this are refused with 413 before they are read.
pub const MAX_BODY_BYTES: usize = 16 * 1024;

#[derive(Clone)]
pub struct AppState {
    pub hall: HallHandle,
    /// `GET /api/v1/hall`, rendered once.
    pub hall_json: Arc<String>,
    pub clock: Clock,
    /// Flips to true when the controller shuts down; open streams close.
    pub shutdown: watch::Receiver<bool>,
    /// The kiosk's item search index, built once.
    pub items: Arc<hallq_core::search::ItemIndex>,
    /// Open event streams per device, to report devices online and offline.
    pub streams: Arc<std::sync::Mutex<std::collections::HashMap<hallq_core::ids::DeviceId, usize>>>,
    /// Tickets being printed right now: a double tap waits for nothing and prints nothing twice.
    pub printing: Arc<std::sync::Mutex<std::collections::HashSet<hallq_core::ids::TicketId>>>,
    /// How long a device may be without any stream before it is reported offline: a display
    /// that reconnects after a controller restart or a network blip is not news.
    pub offline_grace: std::time::Duration,
    /// The report projection (reports, figures, the board's charts).
    pub projections: crate::projection::Projections,
}

/// A signed-in staff member and whether they are a supervisor (or admin).
pub struct Staff {
    pub clerk: hallq_core::ids::ClerkId,
    pub supervisor: bool,
}

impl AppState {
    /// Reads committed events from the log on a blocking thread (the write connection stays
    /// with the hall actor; readers use their own).
    pub async fn read_events(&self, after: u64, limit: usize) -> Result<Vec<EventRow>, ApiError> {
        let path = self.hall.db_path.clone();
        tokio::task::spawn_blocking(move || Reader::open(&path)?.events_after(after, limit))
            .await
            .map_err(|e| ApiError::internal(e.to_string()))?
            .map_err(|e| ApiError::internal(e.to_string()))
    }

    /// Staff sessions only: devices and citizens get `403` naming `what` ("cases are for staff
    /// sessions").
    pub async fn staff(&self, token: Option<String>, what: &str) -> Result<Staff, ApiError> {
        use hallq_core::hall::Role;
        match self.hall.who(token).await? {
            hallq_core::Actor::Clerk { clerk, .. } => {
                let supervisor = self
                    .hall
                    .hall
                    .clerks
                    .get(&clerk)
                    .is_some_and(|c| matches!(c.role, Role::Supervisor | Role::Admin));
                Ok(Staff { clerk, supervisor })
            }
            _ => Err(ApiError::forbidden(format!(
                "{what} are for staff sessions"
            ))),
        }
    }

    /// Supervisors and admins only: anyone else gets `403` with `refusal`.
    pub async fn supervisor(
        &self,
        token: Option<String>,
        refusal: &str,
    ) -> Result<Staff, ApiError> {
        match self.staff(token, "").await {
            Ok(who) if who.supervisor => Ok(who),
            Err(e) if e.status != axum::http::StatusCode::FORBIDDEN => Err(e),
            _ => Err(ApiError::forbidden(refusal)),
        }
    }

    /// Runs the bearer's command on something that exists already (a ticket cancelled, an alert
    /// acknowledged, a fix or a case moved on): `200` with what `render` picks, once committed.
    pub async fn update(
        &self,
        token: Option<String>,
        key: extract::IdempotencyKey,
        body: &extract::Body,
        command: hallq_core::Command,
        render: crate::actor::Render,
    ) -> Result<crate::actor::Reply, ApiError> {
        let principal = token.clone().unwrap_or_default();
        let mut reply = self
            .hall
            .command(
                crate::actor::Credential::Token(token),
                command,
                render,
                body.idempotency(&principal, key),
            )
            .await?;
        reply.status = 200;
        Ok(reply)
    }
}

pub fn router(state: AppState) -> Router {
    use handlers::*;
    Router::new()
        .route("/healthz", get(healthz))
        .route("/api/v1/hall", get(hall))
        .route("/api/v1/tickets", post(issue_ticket))
        .route("/api/v1/tickets/{id}", get(get_ticket))
        .route("/api/v1/tickets/{id}/cancel", post(cancel_ticket))
        .route(
            "/api/v1/tickets/{id}/print",
            post(crate::printing::print_ticket),
        )
        .route("/api/v1/tickets/{id}/qr.svg", get(ticket_qr))
        .route("/api/v1/items/search", get(search_items))
        .route("/kiosk", get(pages::kiosk))
        .route("/t/{token}", get(pages::track))
        .route("/clerk", get(pages::clerk))
        .route("/hall", get(pages::hall))
        .route("/supervisor", get(pages::supervisor))
        .route("/pad", get(pages::pad))
        .route("/ui/{*path}", get(pages::asset))
        .route(
            "/api/v1/session",
            post(sign_in).delete(sign_out).get(who_am_i),
        )
        .route("/api/v1/windows/{n}/{action}", post(window_action))
        .route("/api/v1/windows/{n}", get(window_detail))
        .route("/api/v1/windows/{n}/led.png", get(crate::led::led_png))
        .route("/api/v1/notices/{notice}", get(notice))
        .route("/api/v1/cases", get(cases::list))
        .route("/api/v1/alerts", get(alerts::list))
        .route("/api/v1/figures/today", get(alerts::today))
        .route("/api/v1/figures/first-contact", get(alerts::first_contact))
        .route("/api/v1/figures/board", get(reports::board))
        .route("/api/v1/reports/{period}", get(reports::report))
        .route("/api/v1/reports/{period}/links", get(reports::links))
        .route("/api/v1/alerts/{id}/ack", post(alerts::ack))
        .route("/api/v1/cases/{case}/{action}", post(cases::act))
        .route("/api/v1/windows/{n}/rating", get(ratings::pad_view))
        .route("/api/v1/ratings", post(ratings::rate))
        .route("/api/v1/ratings/export", get(ratings::export))
        .route("/api/v1/ratings/figures", get(ratings::figures))
        .route("/api/v1/rectifications", get(ratings::rectifications))
        .route(
            "/api/v1/rectifications/{id}/{action}",
            post(ratings::rectify),
        )
        .route("/api/v1/live", get(live))
        .route("/api/v1/events", get(events))
        .route("/api/v1/stream", get(stream::stream))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(
            tower_http::trace::TraceLayer::new_for_http()
                .on_failure(tower_http::trace::DefaultOnFailure::new().level(tracing::Level::WARN)),
        )
        .with_state(state)
}

/// The public view of the hall: everything a kiosk or display needs, no password hashes, no
/// device tokens.
pub fn hall_json(hall: &hallq_core::Hall) -> String {
    use serde_json::json;
    let c = &hall.config;
    json!({
        "hall": c.hall,
        "calendar": { "time_zone": c.calendar.time_zone, "hours": c.calendar.hours },
        "policies": c.policies,
        "ratings": c.ratings,
        "units": c.units,
        "themes": c.themes,
        "queues": c.queues,
        "items": c.items,
        "windows": c.windows,
        "clerks": c.clerks.iter().map(|k| json!({
            "id": k.id, "name": k.name, "staff_no": k.staff_no, "unit": k.unit
        })).collect::<Vec<_>>(),
    })
    .to_string()
}
