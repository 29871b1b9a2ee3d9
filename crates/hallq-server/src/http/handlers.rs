//! Thin handlers: parse the request into a core [`Command`], send it to the hall actor, render
//! the committed reply. Deciding is the core's job.

use super::AppState;
use super::extract::{Bearer, Body, IdempotencyKey};
use crate::actor::{Answer, Credential, Query, Render, Reply};
use crate::problem::ApiError;
use axum::Json;
use axum::extract::{Path, Query as QueryParams, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use hallq_core::Command;
use hallq_core::command::{IssueTarget, IssueTicket};
use hallq_core::idnumber::IdNumber;
use hallq_core::ids::{ClerkId, ItemCode, QueueId, SessionId, TicketNumber, WindowNo};
use hallq_core::state::{Channel, GreenReason, Priority};
use serde::Deserialize;
use serde_json::{Value, json};

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::OK);
        let mut res = if status == StatusCode::NO_CONTENT {
            status.into_response()
        } else {
            (status, Json(self.body)).into_response()
        };
        if self.replayed {
            res.headers_mut()
                .insert("idempotent-replayed", HeaderValue::from_static("true"));
        }
        res
    }
}

pub async fn healthz(State(app): State<AppState>) -> Result<Json<Value>, ApiError> {
    match app.hall.query(Credential::System, Query::Seq).await? {
        Answer::Seq(seq) => Ok(Json(json!({ "status": "ok", "seq": seq }))),
        _ => Err(ApiError::internal("unexpected answer")),
    }
}

/// The hall as kiosks and displays need it; no secrets.
pub async fn hall(State(app): State<AppState>) -> Response {
    let mut res = app.hall_json.as_ref().clone().into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    res
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IssueRequest {
    item: Option<String>,
    queue: Option<String>,
    priority: Option<Priority>,
    green_reason: Option<GreenReason>,
    channel: Option<Channel>,
    id_number: Option<String>,
    phone: Option<String>,
    /// A tell-once notice number the citizen brings back.
    notice: Option<String>,
}

pub async fn issue_ticket(
    State(app): State<AppState>,
    Bearer(token): Bearer,
    key: IdempotencyKey,
    body: Body,
) -> Result<Reply, ApiError> {
    let req: IssueRequest = body.json()?;
    let target = match (req.item, req.queue) {
        (Some(item), None) => IssueTarget::Item(ItemCode(item)),
        (None, Some(queue)) => IssueTarget::Queue(QueueId(queue)),
        _ => {
            return Err(ApiError::bad_request(
                "give exactly one of \"item\" (a service item code) or \"queue\" (a queue id)",
            ));
        }
    };
    let id = req
        .id_number
        .as_deref()
        .map(IdNumber::parse)
        .transpose()
        .map_err(ApiError::bad_request)?;
    let phone_tag = match req.phone.as_deref() {
        Some(p) => {
            let digits: String = p.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
            if digits.len() != 11
                || !digits.starts_with('1')
                || !digits.chars().all(|c| c.is_ascii_digit())
            {
                return Err(ApiError::bad_request(
                    "phone must be an 11-digit mainland mobile number / 手机号码应为11位",
                ));
            }
            Some(app.hall.secrets.phone_tag(&digits))
        }
        None => None,
    };
    let command = Command::IssueTicket(IssueTicket {
        target,
        priority: req.priority,
        green_reason: req.green_reason,
        channel: req.channel.unwrap_or_default(),
        birth_date: id.as_ref().and_then(IdNumber::birth_date),
        id_tag: id.as_ref().map(|i| app.hall.secrets.id_tag(i)),
        phone_tag,
        notice: req.notice.map(|n| n.trim().to_uppercase()),
    });
    let principal = token.clone().unwrap_or_default();
    app.hall
        .command(
            Credential::Token(token),
            command,
            Render::Ticket,
            body.idempotency(&principal, key),
        )
        .await
}

#[derive(Deserialize)]
pub struct TicketParams {
    track: Option<String>,
}

pub async fn get_ticket(
    State(app): State<AppState>,
    Bearer(token): Bearer,
    Path(id): Path<String>,
    params: Result<QueryParams<TicketParams>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let QueryParams(params) = params?;
    // A valid tracking token for this very ticket is enough (the QR code on the ticket).
    let credential = match params.track.as_deref() {
        Some(t) if app.hall.secrets.check_track_token(t) == Some(id.as_str()) => Credential::System,
        Some(_) => {
            return Err(ApiError::unauthorized(
                "the tracking token does not match this ticket",
            ));
        }
        None => Credential::Token(token),
    };
    match app
        .hall
        .query(credential, Query::Ticket(id.clone()))
        .await?
    {
        Answer::Ticket(view) => {
            let mut v =
                serde_json::to_value(*view).map_err(|e| ApiError::internal(e.to_string()))?;
            v["track_token"] = Value::String(app.hall.secrets.track_token(&id));
            Ok(Json(v))
        }
        _ => Err(ApiError::internal("unexpected answer")),
    }
}

pub async fn cancel_ticket(
    State(app): State<AppState>,
    Bearer(token): Bearer,
    key: IdempotencyKey,
    Path(id): Path<String>,
    body: Body,
) -> Result<Reply, ApiError> {
    app.update(
        token,
        key,
        &body,
        Command::CancelTicket {
            ticket: hallq_core::ids::TicketId(id),
        },
        Render::Ticket,
    )
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignInRequest {
    clerk: String,
    password: String,
    window: Option<u32>,
}

pub async fn sign_in(
    State(app): State<AppState>,
    key: IdempotencyKey,
    body: Body,
) -> Result<Reply, ApiError> {
    let req: SignInRequest = body.json()?;
    let hash = app
        .hall
        .hall
        .clerks
        .get(&ClerkId(req.clerk.clone()))
        .map(|c| c.password_hash.clone());
    let password = req.password;
    // Verify off the async threads (argon2 is deliberately slow); an unknown clerk costs the
    // same time as a wrong password, so the reply does not reveal which ids exist.
    let ok =
        tokio::task::spawn_blocking(move || crate::passwords::verify(hash.as_deref(), &password))
            .await
            .map_err(|e| ApiError::internal(e.to_string()))?;
    if !ok {
        return Err(ApiError::unauthorized(
            "clerk id or password is wrong / 工号或密码错误",
        ));
    }
    let token = app.hall.secrets.session_token(&req.clerk, key.0.as_deref());
    let principal = format!("signin:{}", req.clerk);
    let idempotency = body.idempotency(&principal, key);
    let mut reply = app
        .hall
        .command(
            Credential::System,
            Command::SignIn {
                clerk: ClerkId(req.clerk),
                window: req.window.map(WindowNo),
                session: SessionId(crate::secrets::token_hash(&token)),
            },
            Render::Session,
            idempotency,
        )
        .await?;
    // The token is never stored; a retried sign-in derives the same one from its key.
    reply.body["token"] = Value::String(token);
    Ok(reply)
}

pub async fn sign_out(
    State(app): State<AppState>,
    Bearer(token): Bearer,
) -> Result<Reply, ApiError> {
    app.hall
        .command(
            Credential::Token(token),
            Command::SignOut,
            Render::Empty,
            None,
        )
        .await
}

pub async fn who_am_i(
    State(app): State<AppState>,
    Bearer(token): Bearer,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(match app.hall.who(token).await? {
        hallq_core::Actor::Clerk { clerk, window, .. } => {
            let role = app.hall.hall.clerks.get(&clerk).map(|c| c.role);
            let name = app.hall.hall.clerks.get(&clerk).map(|c| c.name.clone());
            json!({ "kind": "clerk", "clerk": clerk, "name": name, "role": role, "window": window })
        }
        hallq_core::Actor::Device { id, kind, window } => {
            json!({ "kind": "device", "device": id, "device_kind": kind, "window": window })
        }
        hallq_core::Actor::System => json!({ "kind": "system" }),
    }))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct WindowActionBody {
    number: Option<String>,
    queue: Option<String>,
    reason: Option<String>,
    back_at: Option<String>,
    /// finish: what came of the visit.
    outcome: Option<hallq_core::state::Outcome>,
    /// finish: the item handled, when not the ticket's own.
    item: Option<String>,
    /// finish with `tell_once`: the item's missing materials.
    #[serde(default)]
    missing: Vec<String>,
}

pub async fn window_action(
    State(app): State<AppState>,
    Bearer(token): Bearer,
    key: IdempotencyKey,
    path: Result<Path<(u32, String)>, axum::extract::rejection::PathRejection>,
    body: Body,
) -> Result<Reply, ApiError> {
    let Path((n, action)) = path?;
    let req: WindowActionBody = body.json()?;
    let window = WindowNo(n);
    let number = || -> Result<TicketNumber, ApiError> {
        let s = req.number.as_deref().ok_or_else(|| {
            ApiError::bad_request(format!("{action} needs {{\"number\": \"A012\"}}"))
        })?;
        TicketNumber::parse(s).map_err(ApiError::bad_request)
    };
    let command = match action.as_str() {
        "call-next" => Command::CallNext { window },
        "call" => Command::Call {
            window,
            number: number()?,
        },
        "recall" => Command::Recall { window },
        "start" => Command::Start { window },
        "finish" => Command::Finish {
            window,
            visit: hallq_core::command::Visit {
                outcome: req.outcome,
                item: req.item.clone().map(ItemCode),
                missing: req.missing.clone(),
            },
        },
        "no-show" => Command::NoShow { window },
        "hold" => Command::Hold { window },
        "call-back" => Command::CallBack {
            window,
            number: number()?,
        },
        "transfer" => Command::Transfer {
            window,
            queue: QueueId(req.queue.clone().ok_or_else(|| {
                ApiError::bad_request("transfer needs {\"queue\": \"<queue id>\"}")
            })?),
            // With a reason, a referral (转办): recorded for first-contact responsibility.
            reason: req
                .reason
                .as_deref()
                .map(str::trim)
                .filter(|r| !r.is_empty())
                .map(str::to_owned),
        },
        "pause" => {
            let reason = req.reason.clone().unwrap_or_default().trim().to_owned();
            if reason.is_empty() || reason.chars().count() > 100 {
                return Err(ApiError::bad_request(
                    "pause needs a \"reason\" of 1-100 characters (the away message / 去向留言)",
                ));
            }
            let back_at = req
                .back_at
                .as_deref()
                .map(|s| parse_back_at(&app, s))
                .transpose()?;
            Command::Pause {
                window,
                reason,
                back_at,
            }
        }
        "resume" => Command::Resume { window },
        other => {
            return Err(ApiError::not_found(format!(
                "windows have no action {other:?}"
            )));
        }
    };
    let principal = token.clone().unwrap_or_default();
    app.hall
        .command(
            Credential::Token(token),
            command,
            Render::Window(n),
            body.idempotency(&principal, key),
        )
        .await
}

/// `back_at` is an RFC 3339 time, or `"10:30"`: the next 10:30 in the hall's time zone (today,
/// or tomorrow morning when the clerk leaves in the evening). A time already past is refused.
fn parse_back_at(app: &AppState, s: &str) -> Result<jiff::Timestamp, ApiError> {
    let now = app.clock.now();
    let t = match s.parse::<jiff::Timestamp>() {
        Ok(t) => t,
        Err(_) => {
            let minute = hallq_core::calendar::parse_hhmm(s).map_err(|_| {
                ApiError::bad_request(format!(
                    "back_at {s:?} is neither \"HH:MM\" nor an RFC 3339 time"
                ))
            })?;
            let cal = &app.hall.hall.calendar;
            let today = cal.business_day(now);
            let at = |day: jiff::civil::Date| {
                cal.start_of_day(day) + jiff::SignedDuration::from_mins(minute as i64)
            };
            match at(today) {
                t if t >= now => t,
                _ => at(today
                    .tomorrow()
                    .map_err(|e| ApiError::bad_request(e.to_string()))?),
            }
        }
    };
    if t < now {
        return Err(ApiError::bad_request(format!(
            "back_at {s:?} has passed already / 返回时间已过"
        )));
    }
    Ok(t)
}

pub async fn live(
    State(app): State<AppState>,
    Bearer(token): Bearer,
) -> Result<Json<Value>, ApiError> {
    match app
        .hall
        .query(Credential::Token(token), Query::Live)
        .await?
    {
        Answer::Live(l) => Ok(Json(
            serde_json::to_value(*l).map_err(|e| ApiError::internal(e.to_string()))?,
        )),
        _ => Err(ApiError::internal("unexpected answer")),
    }
}

#[derive(Deserialize)]
pub struct EventsParams {
    #[serde(default)]
    after: u64,
    limit: Option<usize>,
}

pub async fn events(
    State(app): State<AppState>,
    Bearer(token): Bearer,
    params: Result<QueryParams<EventsParams>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let QueryParams(params) = params?;
    app.hall.who(token).await?;
    let limit = params.limit.unwrap_or(500).clamp(1, 5000);
    let rows = app.read_events(params.after, limit).await?;
    let next = rows.last().map_or(params.after, |r| r.seq);
    let mut body = String::from("{\"events\":[");
    for (i, r) in rows.iter().enumerate() {
        if i > 0 {
            body.push(',');
        }
        body.push_str(&r.body);
    }
    body.push_str(&format!("],\"next\":{next}}}"));
    let mut res = body.into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Ok(res)
}

pub async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "不支持该方法 / Method not allowed",
        "this endpoint does not take that method; see docs/api.md",
    )
}

pub async fn not_found() -> ApiError {
    ApiError::not_found("no such endpoint; see docs/api.md")
}

#[derive(Deserialize)]
pub struct SearchParams {
    #[serde(default)]
    q: String,
    limit: Option<usize>,
}

/// `GET /api/v1/items/search?q=yyzz`: public, like the hall itself.
pub async fn search_items(
    State(app): State<AppState>,
    params: Result<QueryParams<SearchParams>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let QueryParams(params) = params?;
    if params.q.chars().count() > 50 {
        return Err(ApiError::bad_request("q is at most 50 characters"));
    }
    let hits = app
        .items
        .search(&params.q, params.limit.unwrap_or(20).clamp(1, 100));
    Ok(Json(json!({ "q": params.q, "items": hits })))
}

/// The address phones reach the hall at: the configured public URL, or this request's host.
pub fn public_base(app: &AppState, headers: &axum::http::HeaderMap) -> String {
    if let Some(u) = &app.hall.hall.config.hall.public_url {
        return u.trim_end_matches('/').to_owned();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1:8080");
    format!("http://{host}")
}

/// `GET /api/v1/tickets/{id}/qr.svg`: the QR code of the ticket's tracking link, as SVG (the
/// kiosk screen shows it; the printer draws its own from the same link).
pub async fn ticket_qr(
    State(app): State<AppState>,
    Bearer(token): Bearer,
    Path(id): Path<String>,
    params: Result<QueryParams<TicketParams>, axum::extract::rejection::QueryRejection>,
    headers: axum::http::HeaderMap,
) -> Result<Response, ApiError> {
    let QueryParams(params) = params?;
    match params.track.as_deref() {
        Some(t) if app.hall.secrets.check_track_token(t) == Some(id.as_str()) => {}
        Some(_) => {
            return Err(ApiError::unauthorized(
                "the tracking token does not match this ticket",
            ));
        }
        None => {
            app.hall.who(token).await?;
        }
    }
    let url = format!(
        "{}/t/{}",
        public_base(&app, &headers),
        app.hall.secrets.track_token(&id)
    );
    let code =
        qrcode::QrCode::new(url.as_bytes()).map_err(|e| ApiError::internal(e.to_string()))?;
    let svg = code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(240, 240)
        .quiet_zone(true)
        .build();
    let mut res = svg.into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("image/svg+xml"),
    );
    Ok(res)
}

/// `GET /api/v1/windows/{n}`: one window for the clerk's console: its state, current ticket,
/// the waiting list in call-next order, held tickets, and what it served today.
pub async fn window_detail(
    State(app): State<AppState>,
    Bearer(token): Bearer,
    path: Result<Path<u32>, axum::extract::rejection::PathRejection>,
) -> Result<Json<Value>, ApiError> {
    let Path(n) = path?;
    match app
        .hall
        .query(Credential::Token(token), Query::Window(n))
        .await?
    {
        Answer::Window(w) => Ok(Json(
            serde_json::to_value(*w).map_err(|e| ApiError::internal(e.to_string()))?,
        )),
        _ => Err(ApiError::internal("unexpected answer")),
    }
}

/// `GET /api/v1/notices/{notice}`: a tell-once notice (一次性告知书), public like a printed one:
/// the item, its missing materials, where and when it was issued; no personal data.
pub async fn notice(
    State(app): State<AppState>,
    Path(no): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let no = no.trim().to_uppercase();
    let notice = match app
        .hall
        .query(Credential::System, Query::Notice(no))
        .await?
    {
        Answer::Notice(n) => *n,
        _ => return Err(ApiError::internal("unexpected answer")),
    };
    let hall = &app.hall.hall;
    let item = hall.items.get(&notice.item);
    Ok(Json(json!({
        "notice": notice.notice,
        "item": notice.item,
        "item_name_zh": item.map(|i| i.name_zh.clone()),
        "item_name_en": item.map(|i| i.name_en.clone()),
        "limit_days": item.map(|i| i.limit_days),
        "materials": item.map(|i| i.materials.clone()),
        "missing": notice.missing,
        "window": notice.window,
        "issued_on": notice.issued_on,
        "return_trips": notice.return_tickets.len(),
        "hall": hall.config.hall.name_zh,
    })))
}
