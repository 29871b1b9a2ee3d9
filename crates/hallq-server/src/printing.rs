//! Printing tickets at kiosks: render with `hallq-escpos`, send over the kiosk's configured
//! transport (raw TCP 9100 or serial), read the printer's status, and record the outcome as an
//! event (`ticket_printed` or `print_failed`). The ticket is valid whatever the printer does: a
//! failure never loses or duplicates a ticket, and a reprint (补打) is marked as such.

use crate::actor::{Answer, Credential, Idempotency, Query, Render};
use crate::http::AppState;
use crate::http::extract::{Bearer, Body, IdempotencyKey};
use crate::problem::ApiError;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use hallq_core::Command;
use hallq_core::hall::{DeviceKind, Printer, PrinterTransport};
use hallq_core::ids::{DeviceId, TicketId};
use hallq_core::state::PrinterState;
use hallq_escpos::{PrintError, PrinterStatus, TicketPrint};
use serde::Deserialize;
use serde_json::{Value, json};
use std::time::Duration;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct PrintRequest {
    /// 补打: print again a ticket that was printed (or whose print failed).
    #[serde(default)]
    reprint: bool,
    /// Which kiosk's printer, when a clerk asks (a kiosk prints on its own).
    device: Option<String>,
}

/// `POST /api/v1/tickets/{id}/print`.
pub async fn print_ticket(
    State(app): State<AppState>,
    Bearer(token): Bearer,
    key: IdempotencyKey,
    Path(id): Path<String>,
    headers: axum::http::HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let req: PrintRequest = body.json()?;
    let actor = app.hall.who(token.clone()).await?;
    let device = match (&actor, &req.device) {
        (
            hallq_core::Actor::Device {
                id,
                kind: DeviceKind::Kiosk,
                ..
            },
            None,
        ) => id.clone(),
        (
            hallq_core::Actor::Device {
                kind: DeviceKind::Kiosk,
                id,
                ..
            },
            Some(other),
        ) if other == id.as_str() => id.clone(),
        (hallq_core::Actor::Clerk { .. }, Some(d)) => DeviceId(d.clone()),
        (hallq_core::Actor::Clerk { .. }, None) => {
            return Err(ApiError::bad_request(
                "a clerk names the kiosk to print at: {\"device\": \"…\"}",
            ));
        }
        _ => {
            return Err(ApiError::forbidden(
                "only a kiosk, or a clerk for a kiosk, prints tickets",
            ));
        }
    };
    let principal = token.unwrap_or_default();
    let idempotency = body.idempotency(&principal, key);
    if let Some(done) = replay(&app, &idempotency).await? {
        return Ok(done);
    }
    let printer = app
        .hall
        .hall
        .printers
        .get(&device)
        .cloned()
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::CONFLICT,
                "no_printer",
                "本机未配置打印机 / No printer configured",
                format!("device {device} has no printer in the hall configuration"),
            )
        })?;
    let ticket = match app
        .hall
        .query(Credential::System, Query::Ticket(id.clone()))
        .await?
    {
        Answer::Ticket(t) => *t,
        _ => return Err(ApiError::internal("unexpected answer")),
    };
    if ticket.prints > 0 && !req.reprint {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "already_printed",
            "已打印 / Already printed",
            format!(
                "ticket {} was printed already; ask for a reprint (补打)",
                ticket.number
            ),
        ));
    }
    // One print of a ticket at a time: a double tap does not print twice.
    let tid = TicketId(id.clone());
    if !app.printing.lock().expect("lock").insert(tid.clone()) {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "print_in_progress",
            "正在打印 / Printing",
            format!("ticket {} is being printed", ticket.number),
        ));
    }
    let job = TicketPrint {
        hall_name: app.hall.hall.config.hall.name_zh.clone(),
        service: service_name(&app, &ticket),
        number: ticket.number.to_string(),
        ahead: ticket.ahead,
        windows: windows_text(&app, &ticket.queue),
        issued_at_local: local_time(&app, ticket.issued_at),
        track_url: format!(
            "{}/t/{}",
            crate::http::handlers::public_base(&app, &headers),
            app.hall.secrets.track_token(&id)
        ),
        green: ticket.priority == hallq_core::state::Priority::Green,
        id_tail: ticket.id_tail.clone(),
        reprint: req.reprint.then(|| local_time(&app, app.clock.now())),
        english: None,
    };
    let outcome = tokio::task::spawn_blocking(move || send(&printer, &job))
        .await
        .map_err(|e| ApiError::internal(e.to_string()));
    app.printing.lock().expect("lock").remove(&tid);
    let outcome = outcome?;
    let recorded = match &outcome {
        Ok(status) => Ok(state_of(status)),
        Err(e) => Err((Some(state_of_error(e)), e.to_string())),
    };
    let reply = app
        .hall
        .command(
            Credential::System,
            Command::RecordPrint {
                ticket: tid,
                device: device.clone(),
                reprint: req.reprint,
                outcome: recorded.clone(),
            },
            Render::Ticket,
            idempotency,
        )
        .await?;
    Ok(match recorded {
        Ok(state) => (
            StatusCode::OK,
            Json(
                json!({ "printed": true, "reprint": req.reprint, "device": device, "printer": state, "ticket": reply.body }),
            ),
        ),
        Err((state, reason)) => {
            let mut e = ApiError::new(
                StatusCode::BAD_GATEWAY,
                "print_failed",
                "打印失败，请拍照保存二维码 / Print failed — please photograph the QR code",
                format!(
                    "ticket {} is valid but was not printed: {reason}",
                    ticket.number
                ),
            );
            e.fields = Some(json!({ "printer": state, "device": device, "ticket": reply.body }));
            return Err(e);
        }
    })
}

/// A print already done under this `Idempotency-Key` (the stored reply of its record).
async fn replay(
    app: &AppState,
    idempotency: &Option<Idempotency>,
) -> Result<Option<(StatusCode, Json<Value>)>, ApiError> {
    let Some(idem) = idempotency.clone() else {
        return Ok(None);
    };
    let path = app.hall.db_path.clone();
    let found = tokio::task::spawn_blocking(move || {
        hallq_store::Reader::open(&path)?.idempotency(&idem.principal, &idem.key)
    })
    .await
    .map_err(|e| ApiError::internal(e.to_string()))?
    .map_err(|e| ApiError::internal(e.to_string()))?;
    // The stored reply is the ticket as the attempt left it: replay the same answer, a failure
    // as a failure, so a client retrying after a lost reply never takes a failed print for a
    // printed ticket.
    let Some(record) = found else {
        return Ok(None);
    };
    let ticket: Value = serde_json::from_str(&record.response).unwrap_or(Value::Null);
    if ticket["print_failed"] == true {
        let mut e = ApiError::new(
            StatusCode::BAD_GATEWAY,
            "print_failed",
            "打印失败，请拍照保存二维码 / Print failed — please photograph the QR code",
            format!(
                "ticket {} was not printed (a retried request)",
                ticket["number"]
            ),
        );
        e.fields = Some(json!({ "ticket": ticket, "replayed": true }));
        return Err(e);
    }
    Ok(Some((
        StatusCode::OK,
        Json(json!({ "printed": true, "replayed": true, "ticket": ticket })),
    )))
}

/// Sends one ticket to a printer.
fn send(printer: &Printer, job: &TicketPrint) -> Result<PrinterStatus, PrintError> {
    let bytes = hallq_escpos::render(job);
    let timeout = Duration::from_millis(printer.timeout_ms);
    match &printer.transport {
        PrinterTransport::Tcp { address } => hallq_escpos::TcpPrinter::connect(address, timeout)
            .and_then(|mut conn| hallq_escpos::print(&mut conn, &bytes, timeout)),
        PrinterTransport::Serial { path, baud } => {
            hallq_escpos::SerialPrinter::open(path, *baud, timeout)
                .and_then(|mut conn| hallq_escpos::print(&mut conn, &bytes, timeout))
        }
    }
}

fn state_of_error(e: &PrintError) -> PrinterState {
    match e {
        PrintError::PaperOut => PrinterState::PaperOut,
        PrintError::CoverOpen => PrinterState::CoverOpen,
        PrintError::Unreachable(_) | PrintError::Timeout => PrinterState::Unreachable,
        PrintError::Fault | PrintError::Offline | PrintError::WriteFailed(_) => PrinterState::Error,
    }
}

fn state_of(s: &PrinterStatus) -> PrinterState {
    if s.paper_out {
        PrinterState::PaperOut
    } else if s.cover_open {
        PrinterState::CoverOpen
    } else if !s.online || s.error {
        PrinterState::Error
    } else if s.paper_low {
        PrinterState::PaperLow
    } else {
        PrinterState::Ok
    }
}

fn service_name(app: &AppState, t: &hallq_core::view::TicketView) -> String {
    let hall = &app.hall.hall;
    t.item
        .as_ref()
        .and_then(|code| hall.items.get(code))
        .map(|it| it.name_zh.clone())
        .or_else(|| hall.queues.get(&t.queue).map(|q| q.name_zh.clone()))
        .unwrap_or_default()
}

/// "1、2、3号窗口".
fn windows_text(app: &AppState, queue: &hallq_core::ids::QueueId) -> String {
    let numbers: Vec<String> = app
        .hall
        .hall
        .windows_serving(queue)
        .map(|w| w.number.to_string())
        .collect();
    format!("{}号窗口", numbers.join("、"))
}

fn local_time(app: &AppState, t: jiff::Timestamp) -> String {
    app.hall
        .hall
        .calendar
        .tz
        .to_datetime(t)
        .strftime("%Y-%m-%d %H:%M")
        .to_string()
}
