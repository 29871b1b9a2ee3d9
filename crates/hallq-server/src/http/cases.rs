//! Time-limited completion (限时办结) over HTTP: the back office completes (办结) and hands over
//! (出件) the cases accepted at the windows; staff see the open cases by days left.

use super::AppState;
use super::extract::{Bearer, Body, IdempotencyKey};
use crate::actor::{Answer, Credential, Query, Render, Reply};
use crate::problem::ApiError;
use axum::Json;
use axum::extract::{Path, State};
use hallq_core::Command;
use serde_json::{Value, json};

/// `POST /api/v1/cases/{case}/complete` and `/hand-over` (staff sessions).
pub async fn act(
    State(app): State<AppState>,
    Bearer(token): Bearer,
    key: IdempotencyKey,
    path: Result<Path<(String, String)>, axum::extract::rejection::PathRejection>,
    body: Body,
) -> Result<Reply, ApiError> {
    let Path((case, action)) = path?;
    let _: serde_json::Map<String, Value> = body.json()?;
    let (command, kind) = match action.as_str() {
        "complete" => (Command::CompleteCase { case }, "case_completed"),
        "hand-over" => (Command::HandOverCase { case }, "case_handed_over"),
        other => {
            return Err(ApiError::not_found(format!(
                "cases have no action {other:?}"
            )));
        }
    };
    app.update(token, key, &body, command, Render::Event(kind))
        .await
}

/// `GET /api/v1/cases` (staff sessions): every case not yet handed over, with its working days
/// left (negative: overdue), most urgent first, and today's on-time completion figures.
pub async fn list(
    State(app): State<AppState>,
    Bearer(token): Bearer,
) -> Result<Json<Value>, ApiError> {
    app.staff(token, "cases").await?;
    let (today, mut cases) = match app.hall.query(Credential::System, Query::Cases).await? {
        Answer::Cases(d, c) => (d, c),
        _ => return Err(ApiError::internal("unexpected answer")),
    };
    let cal = &app.hall.hall.calendar;
    cases.sort_by_key(|c| (c.completed_on.is_some(), c.due, c.case.clone()));
    let completed: Vec<_> = cases.iter().filter_map(|c| c.on_time()).collect();
    let on_time = completed.iter().filter(|t| **t).count();
    let items: Vec<Value> = cases
        .iter()
        .map(|c| {
            let mut v = serde_json::to_value(c).unwrap_or(Value::Null);
            v["days_left"] = json!(cal.working_days_between(today, c.due));
            v["overdue"] = json!(c.overdue(today));
            v["on_time"] = json!(c.on_time());
            v
        })
        .collect();
    Ok(Json(json!({
        "day": today,
        "cases": items,
        "open": cases.iter().filter(|c| c.completed_on.is_none()).count(),
        "overdue": cases.iter().filter(|c| c.overdue(today)).count(),
        "completed": completed.len(),
        "on_time_permille": (!completed.is_empty()).then(|| on_time * 1000 / completed.len()),
    })))
}
