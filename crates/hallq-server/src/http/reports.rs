//! Reports (日统计, 周通报, 月汇总) and the supervisor board's charts, from the report projection.

use super::AppState;
use super::extract::Bearer;
use crate::problem::ApiError;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use hallq_core::report::{Period, Report};
use jiff::civil::Date;
use serde::Deserialize;
use serde_json::Value;

/// How a report is rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Html,
    Csv,
    Xlsx,
}

impl Format {
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "json" => Some(Format::Json),
            "html" => Some(Format::Html),
            "csv" => Some(Format::Csv),
            "xlsx" => Some(Format::Xlsx),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Html => "html",
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Json => "application/json",
            Format::Html => "text/html; charset=utf-8",
            Format::Csv => "text/csv; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    /// The report in this format.
    pub fn render(self, report: &Report) -> Result<Vec<u8>, String> {
        Ok(match self {
            Format::Json => serde_json::to_vec_pretty(report).map_err(|e| e.to_string())?,
            Format::Html => hallq_report::html(report).into_bytes(),
            Format::Csv => hallq_report::csv(report).into_bytes(),
            Format::Xlsx => hallq_report::xlsx(report).map_err(|e| e.to_string())?,
        })
    }
}

/// The file name a report is saved under: `hallq-daily-2026-11-26.xlsx`.
pub fn file_name(report: &Report, format: Format) -> String {
    format!(
        "hallq-{}-{}.{}",
        report.period.as_str(),
        report.from,
        format.extension()
    )
}

#[derive(Deserialize)]
pub struct ReportParams {
    date: Option<Date>,
    format: Option<String>,
    /// A signed link's expiry (unix seconds) and signature (see [`links`]).
    expires: Option<i64>,
    sig: Option<String>,
}

/// How long a signed report link opens its report.
pub const LINK_TTL_S: i64 = 10 * 60;

fn unknown_report(period: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "unknown_report",
        "没有该报表 / No such report",
        format!("no report {period:?}: daily, weekly or monthly"),
    )
}

/// `GET /api/v1/reports/{daily|weekly|monthly}?date=YYYY-MM-DD&format=json|html|csv|xlsx`
/// (supervisors and admins, or a signed link from [`links`]): the report of the day, its week
/// or its month (default: today), as of everything committed before the request.
pub async fn report(
    State(app): State<AppState>,
    Bearer(token): Bearer,
    path: Result<Path<String>, axum::extract::rejection::PathRejection>,
    params: Result<Query<ReportParams>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Path(period_text) = path?;
    let Query(params) = params?;
    match (&params.sig, params.expires, params.date) {
        (None, _, _) => {
            app.supervisor(token, "reports are for supervisors and admins")
                .await?;
        }
        (Some(sig), Some(expires), Some(date)) => {
            let format = params.format.as_deref().unwrap_or("json");
            let date = date.to_string();
            let genuine = app
                .hall
                .secrets
                .check_report_signature((&period_text, &date, format, expires), sig);
            if !genuine {
                return Err(ApiError::forbidden("this report link is not genuine"));
            }
            if expires < app.clock.now().as_second() {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    "link_expired",
                    "链接已过期 / Link expired",
                    "this report link has expired: open the reports dialog again",
                ));
            }
        }
        _ => {
            return Err(ApiError::invalid_query(
                "a signed report link needs date, expires and sig",
            ));
        }
    }
    let period = Period::parse(&period_text).ok_or_else(|| unknown_report(&period_text))?;
    let format = match params.format.as_deref() {
        None => Format::Json,
        Some(f) => Format::parse(f).ok_or_else(|| {
            ApiError::invalid_query(format!("no format {f:?}: json, html, csv or xlsx"))
        })?,
    };
    let hall = app.hall.hall.clone();
    let date = params
        .date
        .unwrap_or_else(|| hall.calendar.business_day(app.clock.now()));
    period.checked_span(date).map_err(ApiError::invalid_query)?;
    let report = app
        .projections
        .read(move |p| p.report(&hall, period, date))
        .await?;
    let body = tokio::task::spawn_blocking(move || {
        format
            .render(&report)
            .map(|body| (body, file_name(&report, format)))
    })
    .await
    .map_err(|e| ApiError::internal(e.to_string()))?
    .map_err(ApiError::internal)?;
    let (body, name) = body;
    let disposition = if matches!(format, Format::Csv | Format::Xlsx) {
        format!("attachment; filename=\"{name}\"")
    } else {
        format!("inline; filename=\"{name}\"")
    };
    Ok((
        [
            (header::CONTENT_TYPE, format.content_type().to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}

#[derive(Deserialize)]
pub struct LinkParams {
    date: Date,
}

/// `GET /api/v1/reports/{period}/links?date=YYYY-MM-DD` (supervisors and admins): links that
/// open that report in each format for [`LINK_TTL_S`] seconds without a session token, signed
/// with the hall's key — for a browser to open in a tab or download, with nothing secret in its
/// history.
pub async fn links(
    State(app): State<AppState>,
    Bearer(token): Bearer,
    path: Result<Path<String>, axum::extract::rejection::PathRejection>,
    params: Result<Query<LinkParams>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let Path(period_text) = path?;
    let Query(params) = params?;
    app.supervisor(token, "reports are for supervisors and admins")
        .await?;
    let period = Period::parse(&period_text).ok_or_else(|| unknown_report(&period_text))?;
    let (from, to) = period
        .checked_span(params.date)
        .map_err(ApiError::invalid_query)?;
    let expires = app.clock.now().as_second() + LINK_TTL_S;
    let date = params.date.to_string();
    let mut out = serde_json::Map::new();
    for format in [Format::Html, Format::Csv, Format::Xlsx, Format::Json] {
        let ext = format.extension();
        let sig = app
            .hall
            .secrets
            .report_signature(period.as_str(), &date, ext, expires);
        out.insert(
            ext.to_owned(),
            Value::String(format!(
                "/api/v1/reports/{}?date={date}&format={ext}&expires={expires}&sig={sig}",
                period.as_str()
            )),
        );
    }
    Ok(Json(serde_json::json!({
        "period": period,
        "date": params.date,
        "from": from,
        "to": to,
        "expires_at": jiff::Timestamp::from_second(expires)
            .map_err(|e| ApiError::internal(e.to_string()))?,
        "links": out,
    })))
}

/// `GET /api/v1/figures/board` (staff sessions): today's chart of people waiting by theme, the
/// histogram of today's waits and, for supervisors and admins, each window's figures today (a
/// clerk sees the hall's charts but not other windows' ratings).
pub async fn board(
    State(app): State<AppState>,
    Bearer(token): Bearer,
) -> Result<Json<Value>, ApiError> {
    let who = app.staff(token, "board figures").await?;
    let hall = app.hall.hall.clone();
    let now = app.clock.now();
    let day = hall.calendar.business_day(now);
    let mut board = app
        .projections
        .read(move |p| p.board(&hall, day, now))
        .await?;
    if !who.supervisor {
        board.windows.clear();
    }
    Ok(Json(
        serde_json::to_value(board).map_err(|e| ApiError::internal(e.to_string()))?,
    ))
}
