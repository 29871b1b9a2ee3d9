//! `GET /api/v1/windows/{n}/led.png`: what a window's LED strip shows right now, rendered with
//! `hallq-displays` on a 160×32 tricolour panel, as a PNG for people (admin pages, the hall
//! screen's previews, support). The mapping from the window's live state to a [`StripState`] is
//! the pure [`strip_view`]; the handler only asks the hall actor and encodes.
//!
//! - A ticket called or in service → the call layout, `A001 请到3号窗口`.
//! - Paused → the paused layout with the away message and the return time (`暂停服务 去窗口后台
//!   复印材料 10:30返回`), scrolling when it is wider than the strip.
//! - Otherwise (idle, or nobody signed in) → the greeting `热情为您服务`.
//!
//! A real strip flashes a new call for 3 s; the preview always shows the lit phase, so the image
//! never comes out blank in the dark half of a flash.

use crate::actor::{Answer, Credential, Query};
use crate::http::AppState;
use crate::http::extract::Bearer;
use crate::problem::ApiError;
use axum::extract::{Path, Query as QueryParams, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use hallq_core::view::{WindowLive, WindowStatus};
use hallq_displays::{Panel, StripState};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Deserialize;

/// The panel the preview renders: the hall's standard window strip.
pub const PANEL: Panel = Panel::TRICOLOR_160X32;

/// The preview's default enlargement: one LED becomes an 8×8 dot.
pub const DEFAULT_SCALE: u32 = 8;

/// What to render: the strip's state and the instant (on the strip's clock) to render it at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StripView {
    pub state: StripState,
    /// Milliseconds on the strip's clock; the state began at 0.
    pub now_ms: u64,
}

pub use hallq_core::view::away_text;

/// Maps a window's live state to what its strip shows at `now`. Pure: the same window, zone and
/// instant always give the same view.
pub fn strip_view(window: &WindowLive, tz: &TimeZone, now: Timestamp) -> StripView {
    let elapsed_ms = window
        .since
        .map(|since| {
            let ms = now.as_millisecond() - since.as_millisecond();
            u64::try_from(ms).unwrap_or(0)
        })
        .unwrap_or(0);
    match (window.state, &window.ticket) {
        (WindowStatus::Called | WindowStatus::Serving, Some(number)) => StripView {
            state: StripState::Calling {
                number: number.to_string(),
                window: window.window.to_string(),
                since_ms: 0,
            },
            // The lit phase: past the flash, the call is steady (and it fits, so never scrolls).
            now_ms: elapsed_ms.max(hallq_displays::layout::FLASH_MS),
        },
        (WindowStatus::Paused, _) => StripView {
            state: StripState::Paused {
                away: away_text(window.pause_reason.as_deref(), window.back_at, tz),
                since_ms: 0,
            },
            now_ms: elapsed_ms,
        },
        _ => StripView {
            state: StripState::Idle { since_ms: 0 },
            now_ms: elapsed_ms,
        },
    }
}

/// Renders a view on [`PANEL`].
pub fn render(view: &StripView) -> hallq_displays::Frame {
    hallq_displays::layout::render(&PANEL, &view.state, view.now_ms)
}

#[derive(Deserialize)]
pub struct LedParams {
    /// 1 = one image pixel per LED (exact, readable back with `Frame::from_png_bytes`);
    /// 2–32 = an enlarged preview with dark gaps between the dots. Default 8.
    scale: Option<u32>,
}

/// `GET /api/v1/windows/{n}/led.png?scale=8`: any token.
pub async fn led_png(
    State(app): State<AppState>,
    Bearer(token): Bearer,
    path: Result<Path<u32>, axum::extract::rejection::PathRejection>,
    params: Result<QueryParams<LedParams>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Path(n) = path?;
    let QueryParams(params) = params?;
    let scale = params.scale.unwrap_or(DEFAULT_SCALE);
    if !(1..=32).contains(&scale) {
        return Err(ApiError::invalid_query(format!(
            "scale must be 1 to 32, not {scale}"
        )));
    }
    let detail = match app
        .hall
        .query(Credential::Token(token), Query::Window(n))
        .await?
    {
        Answer::Window(w) => w,
        _ => return Err(ApiError::internal("unexpected answer")),
    };
    let now = app.clock.now();
    let view = strip_view(&detail.live, &app.hall.hall.calendar.tz, now);
    let frame = render(&view);
    let png = if scale == 1 {
        frame.to_png_bytes()
    } else {
        frame.preview_png_bytes(scale)
    }
    .map_err(|e| ApiError::internal(e.to_string()))?;
    let mut res = png.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/png"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;
    use hallq_core::ids::{TicketNumber, WindowNo};

    fn window(state: WindowStatus) -> WindowLive {
        WindowLive {
            window: WindowNo(3),
            state,
            clerk: None,
            ticket: None,
            since: Some("2026-11-26T01:00:00Z".parse().unwrap()),
            pause_reason: None,
            back_at: None,
            held: vec![],
            served_today: 0,
        }
    }

    fn shanghai() -> TimeZone {
        TimeZone::get("Asia/Shanghai").unwrap()
    }

    #[test]
    fn a_called_ticket_shows_the_call_lit() {
        let mut w = window(WindowStatus::Called);
        w.ticket = Some(TicketNumber {
            prefix: "A".into(),
            n: 1,
        });
        // One second after the call: a real strip may be dark now; the preview is lit.
        let v = strip_view(&w, &shanghai(), "2026-11-26T01:00:01Z".parse().unwrap());
        assert_eq!(v.state.text(), "A001 请到3号窗口");
        assert!(render(&v).lit_count() > 0);
    }

    #[test]
    fn paused_shows_the_away_message_and_local_return_time() {
        let mut w = window(WindowStatus::Paused);
        w.pause_reason = Some(" 去窗口后台复印材料 ".into());
        w.back_at = Some("2026-11-26T02:30:00Z".parse().unwrap());
        let v = strip_view(&w, &shanghai(), "2026-11-26T01:00:00Z".parse().unwrap());
        assert_eq!(v.state.text(), "暂停服务 去窗口后台复印材料 10:30返回");
        assert_eq!(v.now_ms, 0);
    }

    #[test]
    fn idle_and_closed_greet() {
        for s in [WindowStatus::Idle, WindowStatus::Closed] {
            let v = strip_view(
                &window(s),
                &shanghai(),
                "2026-11-26T01:00:00Z".parse().unwrap(),
            );
            assert_eq!(v.state.text(), "热情为您服务");
        }
    }
}
