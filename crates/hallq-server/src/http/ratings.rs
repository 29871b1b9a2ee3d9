//! Ratings over HTTP (好差评): the pad's view, rating a visit (pad, keypad, phone), the fixes of
//! bad ratings, and the export for the provincial platform.

use super::AppState;
use super::extract::{Bearer, Body, IdempotencyKey};
use crate::actor::{Answer, Credential, Query, Render, Reply};
use crate::problem::ApiError;
use axum::Json;
use axum::extract::{Path, Query as QueryParams, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use hallq_core::Command;
use hallq_core::command::RateTarget;
use hallq_core::ids::{TicketId, WindowNo};
use hallq_core::rating::{RatingLevel, RectifyAction};
use serde::Deserialize;
use serde_json::{Value, json};

/// `GET /api/v1/windows/{n}/rating`: what the window's rating pad shows: the clerk serving there
/// (亮证), the visit awaiting a rating, and the reason tags per level. For that window's pad,
/// the gateway and staff sessions.
pub async fn pad_view(
    State(app): State<AppState>,
    Bearer(token): Bearer,
    path: Result<Path<u32>, axum::extract::rejection::PathRejection>,
) -> Result<Json<Value>, ApiError> {
    let Path(n) = path?;
    // The window's own pad, the gateway, and staff; not a display or another window's pad.
    match app.hall.who(token).await? {
        hallq_core::Actor::Device {
            kind: hallq_core::hall::DeviceKind::Pad,
            window,
            ..
        } if window != Some(WindowNo(n)) => {
            return Err(ApiError::forbidden(
                "a rating pad reads its own window only",
            ));
        }
        hallq_core::Actor::Device {
            kind: hallq_core::hall::DeviceKind::Kiosk | hallq_core::hall::DeviceKind::Display,
            ..
        } => return Err(ApiError::forbidden("for the window's rating pad and staff")),
        _ => {}
    }
    let (clerk, visit) = match app
        .hall
        .query(Credential::System, Query::PadView(n))
        .await?
    {
        Answer::PadView(c, v) => (c, v),
        _ => return Err(ApiError::internal("unexpected answer")),
    };
    let hall = &app.hall.hall;
    let window = &hall.windows[&WindowNo(n)];
    let clerk = clerk.and_then(|id| hall.config.clerks.iter().find(|c| c.id == id.as_str()));
    let request = visit.map(|v| {
        let item = v.item.as_ref().and_then(|code| hall.items.get(code));
        json!({
            "ticket": v.ticket,
            "number": v.number,
            "item": v.item,
            "item_name_zh": item.map(|i| i.name_zh.clone()),
            "item_name_en": item.map(|i| i.name_en.clone()),
            "expires_at": v.pad_until,
        })
    });
    let tags: serde_json::Map<String, Value> = RatingLevel::ALL
        .iter()
        .map(|l| {
            (
                serde_json::to_value(l)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default(),
                json!(hallq_core::rating::tags_for(hall, *l)),
            )
        })
        .collect();
    Ok(Json(json!({
        "window": n,
        "window_name_zh": window.name_zh,
        "window_name_en": window.name_en,
        "clerk": clerk.map(|c| json!({"id": c.id, "name": c.name, "staff_no": c.staff_no})),
        "request": request,
        "tags": tags,
        // The controller's clock, so a pad's countdown does not depend on the tablet's.
        "now": app.clock.now(),
    })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateRequest {
    /// The pad's window (pad and gateway tokens).
    window: Option<u32>,
    level: RatingLevel,
    #[serde(default)]
    reasons: Vec<String>,
    comment: Option<String>,
}

#[derive(Deserialize)]
pub struct RateParams {
    /// The ticket's tracking token: a rating by phone.
    track: Option<String>,
}

/// `POST /api/v1/ratings`: the citizen rates a visit, at the window's pad (pad or gateway token
/// and `window`) or by the ticket's QR link (`?track=`).
pub async fn rate(
    State(app): State<AppState>,
    Bearer(token): Bearer,
    key: IdempotencyKey,
    params: Result<QueryParams<RateParams>, axum::extract::rejection::QueryRejection>,
    body: Body,
) -> Result<Reply, ApiError> {
    let QueryParams(params) = params?;
    let req: RateRequest = body.json()?;
    let comment = req
        .comment
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_owned);
    if comment.as_ref().is_some_and(|c| c.chars().count() > 200) {
        return Err(ApiError::bad_request("a comment is at most 200 characters"));
    }
    let (credential, target, principal) = match (params.track.as_deref(), req.window) {
        (Some(track), None) => {
            let id = app
                .hall
                .secrets
                .check_track_token(track)
                .ok_or_else(|| ApiError::unauthorized("the tracking token is not valid"))?;
            (
                Credential::System,
                RateTarget::Ticket(TicketId(id.to_owned())),
                format!("track:{id}"),
            )
        }
        (None, Some(w)) => (
            Credential::Token(token.clone()),
            RateTarget::Window(WindowNo(w)),
            token.unwrap_or_default(),
        ),
        _ => {
            return Err(ApiError::bad_request(
                "give \"window\" (a pad) or ?track= (the ticket's QR link), not both",
            ));
        }
    };
    app.hall
        .command(
            credential,
            Command::Rate {
                target,
                level: req.level,
                reasons: req.reasons,
                comment,
            },
            Render::Event("ticket_rated"),
            body.idempotency(&principal, key),
        )
        .await
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RectifyRequest {
    note: Option<String>,
}

/// `POST /api/v1/rectifications/{id}/{action}`: visit-back, rectify, close, appeal,
/// uphold-appeal, reject-appeal.
pub async fn rectify(
    State(app): State<AppState>,
    Bearer(token): Bearer,
    key: IdempotencyKey,
    path: Result<Path<(String, String)>, axum::extract::rejection::PathRejection>,
    body: Body,
) -> Result<Reply, ApiError> {
    let Path((id, action)) = path?;
    let req: RectifyRequest = body.json()?;
    let action = match action.as_str() {
        "visit-back" => RectifyAction::VisitBack,
        "rectify" => RectifyAction::Rectify,
        "close" => RectifyAction::Close,
        "appeal" => RectifyAction::Appeal,
        "uphold-appeal" => RectifyAction::UpholdAppeal,
        "reject-appeal" => RectifyAction::RejectAppeal,
        other => {
            return Err(ApiError::not_found(format!(
                "rectifications have no action {other:?}"
            )));
        }
    };
    if req.note.as_ref().is_some_and(|n| n.chars().count() > 500) {
        return Err(ApiError::bad_request("a note is at most 500 characters"));
    }
    app.update(
        token,
        key,
        &body,
        Command::Rectify {
            rectification: id,
            action,
            note: req.note,
        },
        Render::Event("rectification_progressed"),
    )
    .await
}

/// `GET /api/v1/rectifications`: every open (and recently ended) fix, with `overdue`. For
/// clerk sessions (a clerk sees the fixes of the hall's units; raters are never named).
pub async fn rectifications(
    State(app): State<AppState>,
    Bearer(token): Bearer,
) -> Result<Json<Value>, ApiError> {
    app.staff(token, "rectifications").await?;
    let list = match app
        .hall
        .query(Credential::System, Query::Rectifications)
        .await?
    {
        Answer::Rectifications(l) => l,
        _ => return Err(ApiError::internal("unexpected answer")),
    };
    let items: Vec<Value> = list
        .into_iter()
        .map(|(r, overdue)| {
            let mut v = serde_json::to_value(r).unwrap_or(Value::Null);
            v["overdue"] = Value::Bool(overdue);
            v
        })
        .collect();
    Ok(Json(json!({ "rectifications": items })))
}

#[derive(Deserialize)]
pub struct ExportParams {
    /// First and last local business day, `2026-11-01`.
    from: jiff::civil::Date,
    to: jiff::civil::Date,
    /// `json` (default) or `csv`.
    format: Option<String>,
    /// `gbt` (default: 1 = 非常满意) or `provincial` (1 = 非常不满意).
    order: Option<String>,
}

/// One rating in the GB/T 39046 table 9 shape.
fn record(e: &Value, order: &str, tz: &jiff::tz::TimeZone) -> Option<Value> {
    let level: RatingLevel = serde_json::from_value(e["level"].clone()).ok()?;
    let channel: hallq_core::rating::RatingChannel =
        serde_json::from_value(e["channel"].clone()).ok()?;
    let at: jiff::Timestamp = e["at"].as_str()?.parse().ok()?;
    let code = if order == "provincial" {
        level.provincial_code()
    } else {
        level.gbt_code()
    };
    let text = [
        e["reasons"]
            .as_array()
            .map(|r| {
                r.iter()
                    .filter_map(|x| x.as_str())
                    .collect::<Vec<_>>()
                    .join("；")
            })
            .unwrap_or_default(),
        e["comment"].as_str().unwrap_or("").to_owned(),
    ]
    .into_iter()
    .filter(|s| !s.is_empty())
    .collect::<Vec<_>>()
    .join("；");
    Some(json!({
        "rating": e["rating"],
        "case_no": e["case"].as_str().unwrap_or(e["ticket"].as_str().unwrap_or("")),
        "channel": channel.gbt_name(),
        "rater": "匿名",
        "rated_at": tz.to_datetime(at).strftime("%Y-%m-%d %H:%M:%S").to_string(),
        "count": e["count"],
        "satisfaction": level.name_zh(),
        "satisfaction_code": code,
        "code_order": if order == "provincial" { "provincial" } else { "gbt39046" },
        "text": text,
        "region_code": e["region_code"],
        "window": e["window"],
        "clerk": e["clerk"],
        "unit": e["unit"],
        "item": e["item"],
    }))
}

/// `GET /api/v1/ratings/export?from=&to=&format=json|csv&order=gbt|provincial`: the ratings of
/// those business days as GB/T 39046 table 9 records, for the provincial platform. Supervisors
/// and admins only. A projection of the event log: run it twice, get the same file.
pub async fn export(
    State(app): State<AppState>,
    Bearer(token): Bearer,
    params: Result<QueryParams<ExportParams>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let QueryParams(params) = params?;
    app.supervisor(token, "the export is for supervisors")
        .await?;
    let order = params.order.as_deref().unwrap_or("gbt");
    if order != "gbt" && order != "provincial" {
        return Err(ApiError::bad_request("order is gbt or provincial"));
    }
    let tz = app.hall.hall.calendar.tz.clone();
    let mut records = Vec::new();
    let mut after = 0;
    loop {
        let rows = app.read_events(after, 5000).await?;
        let Some(last) = rows.last() else { break };
        after = last.seq;
        for row in rows.iter().filter(|r| r.kind == "ticket_rated") {
            let e: Value =
                serde_json::from_str(&row.body).map_err(|e| ApiError::internal(e.to_string()))?;
            let Some(at) = e["at"]
                .as_str()
                .and_then(|a| a.parse::<jiff::Timestamp>().ok())
            else {
                continue;
            };
            let day = tz.to_datetime(at).date();
            if day >= params.from && day <= params.to {
                records.extend(record(&e, order, &tz));
            }
        }
    }
    match params.format.as_deref().unwrap_or("json") {
        "json" => Ok(Json(
            json!({ "from": params.from, "to": params.to, "order": order, "records": records }),
        )
        .into_response()),
        "csv" => {
            let cols = [
                ("rating", "评价编号"),
                ("case_no", "办件编号"),
                ("channel", "评价渠道"),
                ("rater", "评价人"),
                ("rated_at", "评价时间"),
                ("count", "评价次数"),
                ("satisfaction", "满意度"),
                ("satisfaction_code", "满意度代码"),
                ("text", "文字评价"),
                ("region_code", "行政区划"),
                ("window", "窗口"),
                ("clerk", "工作人员"),
                ("unit", "单位"),
            ];
            let mut out = String::from("\u{feff}");
            out.push_str(&cols.iter().map(|(_, h)| *h).collect::<Vec<_>>().join(","));
            out.push_str("\r\n");
            for r in &records {
                let line: Vec<String> = cols.iter().map(|(k, _)| csv_field(&r[*k])).collect();
                out.push_str(&line.join(","));
                out.push_str("\r\n");
            }
            let mut res = (StatusCode::OK, out).into_response();
            res.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            );
            Ok(res)
        }
        other => Err(ApiError::bad_request(format!(
            "format {other:?} is not json or csv"
        ))),
    }
}

/// A CSV field as the reports write them: text kept inert (a citizen's comment never runs as
/// a spreadsheet formula) and quoted when needed (RFC 4180).
fn csv_field(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => hallq_report::text_field(s),
        other => hallq_report::text_field(&other.to_string()),
    }
}

#[derive(Deserialize)]
pub struct FiguresParams {
    from: jiff::civil::Date,
    to: jiff::civil::Date,
    /// `window`, `clerk`, `unit` or `day` (supervisors); a clerk always gets their own row.
    by: Option<hallq_core::rating::GroupBy>,
}

/// `GET /api/v1/ratings/figures?from=&to=&by=`: 满意率, 主动评价率, bad ratings and their fixes on
/// time, per window, clerk, unit or day — from the report projection of the event log. Supervisors see every
/// group; a clerk sees only their own figures (raters are never named anywhere).
pub async fn figures(
    State(app): State<AppState>,
    Bearer(token): Bearer,
    params: Result<QueryParams<FiguresParams>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let QueryParams(params) = params?;
    use hallq_core::rating::GroupBy;
    let who = app.staff(token, "rating figures").await?;
    let (by, only) = if who.supervisor {
        (params.by.unwrap_or(GroupBy::Window), None)
    } else {
        (GroupBy::Clerk, Some(who.clerk.to_string()))
    };
    let hall = app.hall.hall.clone();
    let rows: Vec<_> = app
        .projections
        .read(move |p| hallq_core::rating::figures_of(&hall, p, params.from, params.to, by))
        .await?
        .into_iter()
        .filter(|f| only.as_ref().is_none_or(|me| &f.key == me))
        .collect();
    Ok(Json(
        json!({ "from": params.from, "to": params.to, "by": by, "figures": rows }),
    ))
}
