//! The supervisor's alerts over HTTP: what holds now, and acknowledging one (an event); and
//! today's hall figures.

use super::AppState;
use super::extract::{Bearer, Body, IdempotencyKey};
use crate::actor::{Answer, Credential, Query, Render, Reply};
use crate::problem::ApiError;
use axum::Json;
use axum::extract::{Path, State};
use hallq_core::Command;
use serde_json::{Value, json};

/// `GET /api/v1/alerts` (staff sessions): every alert that holds now, acknowledged ones marked.
pub async fn list(
    State(app): State<AppState>,
    Bearer(token): Bearer,
) -> Result<Json<Value>, ApiError> {
    app.staff(token, "alerts").await?;
    match app.hall.query(Credential::System, Query::Alerts).await? {
        Answer::Alerts(a) => Ok(Json(json!({
            "open": a.iter().filter(|a| !a.acknowledged).count(),
            "alerts": a,
        }))),
        _ => Err(ApiError::internal("unexpected answer")),
    }
}

/// `POST /api/v1/alerts/{id}/ack` (supervisors): the alert stays quiet while it lasts.
pub async fn ack(
    State(app): State<AppState>,
    Bearer(token): Bearer,
    key: IdempotencyKey,
    path: Result<Path<String>, axum::extract::rejection::PathRejection>,
    body: Body,
) -> Result<Reply, ApiError> {
    let Path(alert) = path?;
    let _: serde_json::Map<String, Value> = body.json()?;
    app.update(
        token,
        key,
        &body,
        Command::AckAlert { alert },
        Render::Event("alert_acknowledged"),
    )
    .await
}

/// `GET /api/v1/figures/today` (staff sessions): issued, waiting, served, no-shows, waits (mean,
/// p50, p90, share within the target), rating coverage and satisfaction for today.
pub async fn today(
    State(app): State<AppState>,
    Bearer(token): Bearer,
) -> Result<Json<Value>, ApiError> {
    app.staff(token, "hall figures").await?;
    match app.hall.query(Credential::System, Query::Today).await? {
        Answer::Today(t) => Ok(Json(
            serde_json::to_value(*t).map_err(|e| ApiError::internal(e.to_string()))?,
        )),
        _ => Err(ApiError::internal("unexpected answer")),
    }
}

#[derive(serde::Deserialize)]
pub struct FirstContactParams {
    from: jiff::civil::Date,
    to: jiff::civil::Date,
    by: Option<hallq_core::first_contact::By>,
}

/// `GET /api/v1/figures/first-contact?from=&to=&by=clerk|unit`: 首问负责 figures from the report
/// projection of the log. Supervisors see every clerk or unit; a clerk sees only their own row.
pub async fn first_contact(
    State(app): State<AppState>,
    Bearer(token): Bearer,
    params: Result<
        axum::extract::Query<FirstContactParams>,
        axum::extract::rejection::QueryRejection,
    >,
) -> Result<Json<Value>, ApiError> {
    let axum::extract::Query(params) = params?;
    use hallq_core::first_contact::By;
    let who = app.staff(token, "first-contact figures").await?;
    let (by, only) = if who.supervisor {
        (params.by.unwrap_or(By::Clerk), None)
    } else {
        (By::Clerk, Some(who.clerk.to_string()))
    };
    let hall = app.hall.hall.clone();
    let rows: Vec<_> = app
        .projections
        .read(move |p| hallq_core::first_contact::figures_of(&hall, p, params.from, params.to, by))
        .await?
        .into_iter()
        .filter(|f| only.as_ref().is_none_or(|me| &f.key == me))
        .collect();
    Ok(Json(
        json!({ "from": params.from, "to": params.to, "by": by, "figures": rows }),
    ))
}
