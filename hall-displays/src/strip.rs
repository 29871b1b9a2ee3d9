//! [`WindowStrip`]: the small sans-IO state machine behind one window's LED strip.

use crate::frame::Frame;
use crate::layout::{self, Panel, Phase, StripState};

/// How long after an announcement a repeat of the same call is coalesced, in milliseconds.
pub const COALESCE_MS: u64 = 5_000;

/// What [`WindowStrip::on_call`] did with a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallOutcome {
    /// The call is new: the strip shows it and flashes from now on; a driver should announce it.
    Announced,
    /// The same ticket was already called to this window less than [`COALESCE_MS`] ago and is
    /// still on show: nothing changes, the flash does not restart.
    Coalesced,
}

/// A key that changes whenever the strip's rendered frame may change.
///
/// Equal keys mean identical frames, so a driver resends only when the key differs from the one
/// it last sent (see [`WindowStrip::changed_since`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FrameKey {
    /// The strip's revision: bumped by every input that changed what it shows.
    pub revision: u64,
    /// The flash and scroll phase at the instant of the key.
    pub phase: Phase,
}

/// The state of the LED strip over one window, driven by hall events and the time.
///
/// Every input takes the current time `now_ms` as an argument (milliseconds on any monotonic
/// clock the driver likes); the strip never reads a clock and does no I/O. Its methods come in
/// three groups: inputs (`on_*`), the render ([`WindowStrip::render`]), and the resend logic
/// ([`WindowStrip::frame_key`], [`WindowStrip::changed_since`], [`WindowStrip::next_change_ms`])
/// with which a driver decides when to send a frame and when to wake up next.
///
/// Rules (from the hall's practice): a call flashes for 3 s, on and off every 500 ms, then
/// stays steady; a repeat of the ticket on show within 5 s of its announcement (a recall pressed
/// twice, or the same event arriving by two paths) is coalesced; a *different* ticket is always
/// shown at once, because the strip must never show a stale number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WindowStrip {
    panel: Panel,
    state: StripState,
    revision: u64,
}

impl WindowStrip {
    /// Creates a strip for `panel` that is idle from `now_ms`.
    pub fn new(panel: Panel, now_ms: u64) -> Self {
        Self {
            panel,
            state: StripState::Idle { since_ms: now_ms },
            revision: 0,
        }
    }

    /// The panel the strip renders for.
    pub const fn panel(&self) -> &Panel {
        &self.panel
    }

    /// What the strip shows, and since when.
    pub const fn state(&self) -> &StripState {
        &self.state
    }

    /// The revision counter: how many inputs have changed what the strip shows.
    pub const fn revision(&self) -> u64 {
        self.revision
    }

    fn set(&mut self, state: StripState) {
        self.state = state;
        self.revision += 1;
    }

    /// Handles a call of ticket `number` to window `window` at `now_ms`.
    ///
    /// The call is coalesced when the strip is showing this very call and it was announced less
    /// than [`COALESCE_MS`] ago; otherwise it replaces whatever was shown and flashes anew.
    pub fn on_call(&mut self, number: &str, window: &str, now_ms: u64) -> CallOutcome {
        if let StripState::Calling {
            number: n,
            window: w,
            since_ms,
        } = &self.state
            && n == number
            && w == window
            && now_ms.saturating_sub(*since_ms) < COALESCE_MS
        {
            return CallOutcome::Coalesced;
        }
        self.set(StripState::Calling {
            number: number.to_owned(),
            window: window.to_owned(),
            since_ms: now_ms,
        });
        CallOutcome::Announced
    }

    /// Handles the clerk pausing the window, with an away message such as `10:30 返回` (empty for
    /// none). Pausing again with the same message changes nothing.
    pub fn on_pause(&mut self, away: &str, now_ms: u64) {
        if matches!(&self.state, StripState::Paused { away: a, .. } if a == away) {
            return;
        }
        self.set(StripState::Paused {
            away: away.to_owned(),
            since_ms: now_ms,
        });
    }

    /// Handles the clerk resuming a paused window: the strip goes idle. Outside a pause it does
    /// nothing, so a late resume cannot hide a call.
    pub fn on_resume(&mut self, now_ms: u64) {
        if matches!(self.state, StripState::Paused { .. }) {
            self.set(StripState::Idle { since_ms: now_ms });
        }
    }

    /// Handles the window becoming free (the case finished, the ticket was skipped): the strip
    /// shows the idle greeting. When already idle it does nothing.
    pub fn on_idle(&mut self, now_ms: u64) {
        if !matches!(self.state, StripState::Idle { .. }) {
            self.set(StripState::Idle { since_ms: now_ms });
        }
    }

    /// Renders what the strip shows at `now_ms`.
    pub fn render(&self, now_ms: u64) -> Frame {
        layout::render(&self.panel, &self.state, now_ms)
    }

    /// The key of the frame [`WindowStrip::render`] would produce at `now_ms`.
    pub fn frame_key(&self, now_ms: u64) -> FrameKey {
        FrameKey {
            revision: self.revision,
            phase: layout::phase(&self.panel, &self.state, now_ms),
        }
    }

    /// Tells whether the frame at `now_ms` may differ from the one whose key the driver last sent.
    pub fn changed_since(&self, sent: FrameKey, now_ms: u64) -> bool {
        self.frame_key(now_ms) != sent
    }

    /// The next instant after `now_ms` at which the frame may change without any input (a flash
    /// toggling, the text scrolling one pixel), or `None` when it is steady until the next input.
    pub fn next_change_ms(&self, now_ms: u64) -> Option<u64> {
        layout::next_change_ms(&self.panel, &self.state, now_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strip() -> WindowStrip {
        WindowStrip::new(Panel::TRICOLOR_160X32, 0)
    }

    #[test]
    fn a_call_flashes_for_three_seconds_then_stays_steady() {
        let mut s = strip();
        assert_eq!(s.on_call("A001", "3", 10_000), CallOutcome::Announced);
        let on = s.render(10_000);
        assert!(on.lit_count() > 0);
        assert_eq!(
            s.render(10_600).lit_count(),
            0,
            "dark half of the first flash"
        );
        assert_eq!(s.render(11_100), on);
        assert_eq!(s.render(12_700).lit_count(), 0, "last dark half");
        for t in [13_000, 13_500, 14_000, 60_000] {
            assert_eq!(s.render(t), on, "steady at {t}");
        }
        assert_eq!(s.next_change_ms(12_900), Some(13_000));
        assert_eq!(s.next_change_ms(13_000), None);
    }

    #[test]
    fn a_repeat_within_five_seconds_is_coalesced_and_does_not_restart_the_flash() {
        let mut s = strip();
        s.on_call("A001", "3", 1_000);
        let key = s.frame_key(3_900);
        assert_eq!(s.on_call("A001", "3", 3_900), CallOutcome::Coalesced);
        assert_eq!(s.on_call("A001", "3", 5_999), CallOutcome::Coalesced);
        assert!(!s.changed_since(key, 3_900));
        assert_eq!(s.state().since_ms(), 1_000);
        assert!(
            s.render(4_100).lit_count() > 0,
            "steady: the flash was not restarted"
        );
    }

    #[test]
    fn a_repeat_after_five_seconds_is_announced_again_and_flashes() {
        let mut s = strip();
        s.on_call("A001", "3", 1_000);
        assert_eq!(s.on_call("A001", "3", 6_000), CallOutcome::Announced);
        assert_eq!(s.state().since_ms(), 6_000);
        assert_eq!(s.render(6_600).lit_count(), 0, "flashing again");
    }

    #[test]
    fn a_different_ticket_is_always_announced() {
        let mut s = strip();
        s.on_call("A001", "3", 1_000);
        assert_eq!(s.on_call("A002", "3", 1_500), CallOutcome::Announced);
        assert!(matches!(s.state(), StripState::Calling { number, .. } if number == "A002"));
    }

    #[test]
    fn a_repeat_after_the_window_went_idle_is_announced() {
        let mut s = strip();
        s.on_call("A001", "3", 1_000);
        s.on_idle(2_000);
        assert_eq!(s.on_call("A001", "3", 2_500), CallOutcome::Announced);
    }

    #[test]
    fn pause_resume_and_idle_change_the_revision_only_when_they_change_the_display() {
        let mut s = strip();
        s.on_idle(5);
        s.on_resume(6);
        assert_eq!(s.revision(), 0);
        s.on_pause("10:30 返回", 7);
        s.on_pause("10:30 返回", 8);
        assert_eq!(s.revision(), 1);
        assert!(matches!(s.state(), StripState::Paused { since_ms: 7, .. }));
        s.on_resume(9);
        assert_eq!(s.state(), &StripState::Idle { since_ms: 9 });
        assert_eq!(s.revision(), 2);
    }

    #[test]
    fn equal_keys_mean_equal_frames() {
        let mut s = WindowStrip::new(Panel::MONO_64X16, 0);
        s.on_call("A001", "3", 0);
        let mut last = (s.frame_key(0), s.render(0));
        for t in (0..12_000).step_by(37) {
            let (k, f) = (s.frame_key(t), s.render(t));
            if k == last.0 {
                assert_eq!(f, last.1, "same key, different frame at {t}");
            }
            last = (k, f);
        }
    }
}
