//! What a window strip shows: pure functions from (panel, state, time) to a [`Frame`].
//!
//! Text is GB2312 Chinese set in the WenQuanYi bitmap fonts that u8g2 ships: 12 px on panels
//! lower than 24 px (one line on a 16-px strip), 16 px on taller ones. Text that fits is
//! centred; text that does not scrolls left, and the scroll offset is a pure function of the time
//! since the state began, so any two renders at the same instant agree.

use embedded_graphics::prelude::Point;
use u8g2_fonts::FontRenderer;
use u8g2_fonts::fonts::{u8g2_font_wqy12_t_gb2312, u8g2_font_wqy16_t_gb2312};
use u8g2_fonts::types::{FontColor, VerticalPosition};

use crate::color::{ColorMode, LedColor};
use crate::frame::Frame;

/// How long a new call flashes before it stays steady, in milliseconds.
pub const FLASH_MS: u64 = 3_000;
/// How long each on or off phase of the flash lasts, in milliseconds.
pub const FLASH_HALF_PERIOD_MS: u64 = 500;
/// How long scrolling text holds still at its start before it moves, in milliseconds.
pub const SCROLL_HOLD_MS: u64 = 1_000;
/// The scroll speed in pixels per second.
pub const SCROLL_PX_PER_SECOND: u64 = 32;
/// The idle text (热情为您服务, "at your service").
pub const IDLE_TEXT: &str = "热情为您服务";
/// The text that starts every paused display (暂停服务, "service paused").
pub const PAUSED_TEXT: &str = "暂停服务";

/// The size and colour model of one LED panel, as configured for a window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Panel {
    /// Width in pixels.
    pub width: u16,
    /// Height in pixels.
    pub height: u16,
    /// Monochrome or tricolour.
    pub mode: ColorMode,
}

impl Panel {
    /// The common single-line monochrome strip: 64 × 16, red.
    pub const MONO_64X16: Panel = Panel::new(64, 16, ColorMode::Mono);
    /// A two-line-high tricolour strip: 128 × 32.
    pub const TRICOLOR_128X32: Panel = Panel::new(128, 32, ColorMode::Tricolor);
    /// A wide tricolour strip: 160 × 32.
    pub const TRICOLOR_160X32: Panel = Panel::new(160, 32, ColorMode::Tricolor);

    /// A panel of any size from the hall configuration.
    pub const fn new(width: u16, height: u16, mode: ColorMode) -> Self {
        Self {
            width,
            height,
            mode,
        }
    }

    /// A frame of this panel's size and mode with every LED off.
    pub fn blank(&self) -> Frame {
        Frame::new(self.width, self.height, self.mode)
    }

    /// The font for this panel's height: WenQuanYi 12 px below 24 px of height, 16 px above.
    pub fn font(&self) -> FontRenderer {
        let font = if self.height < 24 {
            FontRenderer::new::<u8g2_font_wqy12_t_gb2312>()
        } else {
            FontRenderer::new::<u8g2_font_wqy16_t_gb2312>()
        };
        // A character outside GB2312 is skipped rather than failing the whole frame.
        font.with_ignore_unknown_chars(true)
    }
}

/// What a window strip is showing, and since when.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum StripState {
    /// Nobody is being served: the idle greeting.
    Idle {
        /// When the strip went idle.
        since_ms: u64,
    },
    /// A ticket has been called to this window.
    Calling {
        /// The ticket number, such as `A001`.
        number: String,
        /// The window label, such as `3` (shown as 请到3号窗口).
        window: String,
        /// When the call was announced; the flash and the scroll count from here.
        since_ms: u64,
    },
    /// The clerk paused the window, with an optional away message such as `10:30 返回`.
    Paused {
        /// The away message; empty for none.
        away: String,
        /// When the pause began.
        since_ms: u64,
    },
}

impl StripState {
    /// The instant the state began.
    pub const fn since_ms(&self) -> u64 {
        match self {
            Self::Idle { since_ms }
            | Self::Calling { since_ms, .. }
            | Self::Paused { since_ms, .. } => *since_ms,
        }
    }

    /// The single line of text the state shows.
    pub fn text(&self) -> String {
        match self {
            Self::Idle { .. } => IDLE_TEXT.to_owned(),
            Self::Calling { number, window, .. } => call_text(number, window),
            Self::Paused { away, .. } if away.trim().is_empty() => PAUSED_TEXT.to_owned(),
            Self::Paused { away, .. } => format!("{PAUSED_TEXT} {}", away.trim()),
        }
    }

    /// The colour the state's text is drawn in (monochrome panels show every colour as red).
    ///
    /// Colour is never the only cue: each state also has its own words.
    pub const fn color(&self) -> LedColor {
        match self {
            Self::Idle { .. } => LedColor::Green,
            Self::Calling { .. } => LedColor::Red,
            Self::Paused { .. } => LedColor::Yellow,
        }
    }
}

/// The call line for ticket `number` at window `window`: `A001 请到3号窗口`.
pub fn call_text(number: &str, window: &str) -> String {
    format!("{number} 请到{window}号窗口")
}

/// The time-dependent part of a render: everything besides the state that decides the pixels.
///
/// Two renders of the same state whose phases are equal produce identical frames, which lets a
/// driver skip resending (see [`crate::WindowStrip::frame_key`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Phase {
    /// False during the dark half of a flash.
    pub visible: bool,
    /// How far the text has scrolled left, in pixels; always 0 for text that fits.
    pub scroll_offset: u32,
}

/// Replaces control characters (a newline would start a second line) with spaces.
fn sanitize(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// The width in pixels `text` takes on `panel` (its advance, including trailing spacing).
pub fn text_width(panel: &Panel, text: &str) -> u32 {
    panel
        .font()
        .get_rendered_dimensions(
            sanitize(text).as_str(),
            Point::zero(),
            VerticalPosition::Top,
        )
        .map(|d| d.advance.x.max(0).unsigned_abs())
        .unwrap_or(0)
}

/// The row at which to anchor the top of a line so that a full-height Chinese glyph sits in
/// the vertical middle of the panel (the font's own box includes room for descenders that
/// Chinese text never uses, which would push the text up on a 16-px strip).
fn text_top(panel: &Panel, font: &FontRenderer) -> i32 {
    let glyph = font
        .get_rendered_dimensions('国', Point::zero(), VerticalPosition::Top)
        .ok()
        .and_then(|d| d.bounding_box);
    match glyph {
        Some(b) => (i32::from(panel.height) - b.size.height as i32) / 2 - b.top_left.y,
        None => 0,
    }
}

/// The gap between the end of scrolling text and its next repetition.
fn scroll_gap(panel: &Panel) -> u32 {
    (u32::from(panel.width) / 2).max(8)
}

/// The length of one scroll loop of `text` (text plus gap), or `None` if the text fits.
fn scroll_loop(panel: &Panel, text: &str) -> Option<u32> {
    let w = text_width(panel, text);
    (w > u32::from(panel.width)).then(|| w + scroll_gap(panel))
}

/// The raw scroll step (pixels moved since the state began, before wrapping) at `elapsed_ms`.
fn scroll_steps(elapsed_ms: u64) -> u64 {
    elapsed_ms.saturating_sub(SCROLL_HOLD_MS) * SCROLL_PX_PER_SECOND / 1000
}

/// Tells whether a call is in the dark half of its flash `elapsed_ms` after it was announced.
pub const fn flash_visible(elapsed_ms: u64) -> bool {
    elapsed_ms >= FLASH_MS || (elapsed_ms / FLASH_HALF_PERIOD_MS).is_multiple_of(2)
}

/// The phase of `state` on `panel` at `now_ms` (times before the state began count as its start).
pub fn phase(panel: &Panel, state: &StripState, now_ms: u64) -> Phase {
    let elapsed = now_ms.saturating_sub(state.since_ms());
    let visible = match state {
        StripState::Calling { .. } => flash_visible(elapsed),
        _ => true,
    };
    let scroll_offset = scroll_loop(panel, &state.text())
        .map(|len| (scroll_steps(elapsed) % u64::from(len)) as u32)
        .unwrap_or(0);
    Phase {
        visible,
        scroll_offset,
    }
}

/// The next instant after `now_ms` at which the render of `state` may change, or `None` when it
/// is static from now on (a steady call or a greeting that fits).
pub fn next_change_ms(panel: &Panel, state: &StripState, now_ms: u64) -> Option<u64> {
    let since = state.since_ms();
    let elapsed = now_ms.saturating_sub(since);
    let mut next: Option<u64> = None;
    if matches!(state, StripState::Calling { .. }) && elapsed < FLASH_MS {
        next = Some(since + (elapsed / FLASH_HALF_PERIOD_MS + 1) * FLASH_HALF_PERIOD_MS);
    }
    if scroll_loop(panel, &state.text()).is_some() {
        // The first elapsed time whose step count exceeds the current one.
        let step = scroll_steps(elapsed) + 1;
        let at = since + SCROLL_HOLD_MS + (step * 1000).div_ceil(SCROLL_PX_PER_SECOND);
        next = Some(next.map_or(at, |n| n.min(at)));
    }
    next
}

/// Draws one line of `text` in `color`, vertically centred: centred horizontally when it fits,
/// otherwise shifted left by `scroll_offset` and repeated after a gap so the loop is seamless.
pub fn render_line(panel: &Panel, text: &str, color: LedColor, scroll_offset: u32) -> Frame {
    let mut frame = panel.blank();
    let text = sanitize(text);
    let font = panel.font();
    let width = text_width(panel, &text);
    let y = text_top(panel, &font);
    let xs: Vec<i32> = match scroll_loop(panel, &text) {
        None => vec![(i32::from(panel.width) - width as i32) / 2],
        Some(len) => {
            let first = -((scroll_offset % len) as i32);
            vec![first, first + len as i32]
        }
    };
    for x in xs {
        // Drawing into a Frame cannot fail and unknown glyphs are skipped, so the only
        // possible error is impossible here; the frame is still correct if it were to occur.
        let _ = font.render(
            text.as_str(),
            Point::new(x, y),
            VerticalPosition::Top,
            FontColor::Transparent(color),
            &mut frame,
        );
    }
    frame
}

/// Renders `state` on `panel` at `now_ms`: the whole layout in one pure function.
pub fn render(panel: &Panel, state: &StripState, now_ms: u64) -> Frame {
    let phase = phase(panel, state, now_ms);
    if !phase.visible {
        return panel.blank();
    }
    render_line(panel, &state.text(), state.color(), phase.scroll_offset)
}

/// Renders the call of ticket `number` to `window`, `elapsed_ms` after it was announced.
pub fn render_call(panel: &Panel, number: &str, window: &str, elapsed_ms: u64) -> Frame {
    let state = StripState::Calling {
        number: number.to_owned(),
        window: window.to_owned(),
        since_ms: 0,
    };
    render(panel, &state, elapsed_ms)
}

/// Renders the idle greeting.
pub fn render_idle(panel: &Panel, elapsed_ms: u64) -> Frame {
    render(panel, &StripState::Idle { since_ms: 0 }, elapsed_ms)
}

/// Renders the paused display with its away message, `elapsed_ms` after the pause began.
pub fn render_paused(panel: &Panel, away: &str, elapsed_ms: u64) -> Frame {
    let state = StripState::Paused {
        away: away.to_owned(),
        since_ms: 0,
    };
    render(panel, &state, elapsed_ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_flashes_on_and_off_every_half_second_for_three_seconds() {
        let seen: Vec<bool> = (0..8).map(|i| flash_visible(i * 500 + 100)).collect();
        assert_eq!(seen, [true, false, true, false, true, false, true, true]);
        assert!(flash_visible(3_000));
        assert!(flash_visible(60_000));
    }

    #[test]
    fn short_text_is_centred_and_does_not_scroll() {
        let p = Panel::TRICOLOR_160X32;
        assert!(text_width(&p, &call_text("A001", "3")) <= 160);
        let s = StripState::Idle { since_ms: 0 };
        assert_eq!(phase(&p, &s, 99_999).scroll_offset, 0);
        assert_eq!(next_change_ms(&p, &s, 5), None);
    }

    #[test]
    fn long_text_holds_then_scrolls_and_next_change_is_exact() {
        let p = Panel::MONO_64X16;
        let s = StripState::Paused {
            away: "10:30 返回".into(),
            since_ms: 1_000,
        };
        assert!(text_width(&p, &s.text()) > 64);
        assert_eq!(phase(&p, &s, 1_500).scroll_offset, 0);
        let t = next_change_ms(&p, &s, 1_500).unwrap();
        assert_eq!(phase(&p, &s, t - 1).scroll_offset, 0);
        assert_eq!(phase(&p, &s, t).scroll_offset, 1);
        assert_ne!(render(&p, &s, t - 1), render(&p, &s, t));
    }

    #[test]
    fn control_characters_do_not_start_a_second_line() {
        let p = Panel::TRICOLOR_160X32;
        assert_eq!(
            render_line(&p, "暂停\n服务", LedColor::Red, 0),
            render_line(&p, "暂停 服务", LedColor::Red, 0)
        );
    }
}
