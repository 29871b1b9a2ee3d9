//! What the call pads show, from what the controller says. Pure: JSON shapes in, displays and
//! beeps out.
//!
//! - [`effect`]: what one streamed event means for the pads (refresh the displays, and beep
//!   the pads at the window a ticket was called to).
//! - [`window_display`]: the display of a window's pad from `/api/v1/hall` (which queues the
//!   window serves) and `/api/v1/live` (how many wait in each, which ticket the window has).
//! - [`Board`]: remembers what each pad was last sent, so an update sends only the pads whose
//!   display changed, or every pad when forced (after a reconnect, or when a bus reopens).

use std::collections::BTreeSet;

use hallq_rs485::PadDisplay;
use serde::Deserialize;

use crate::config::{PadConfig, PadKind};

/// The part of `GET /api/v1/hall` the gateway needs. Unknown fields are ignored: the API grows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct HallInfo {
    /// The hall's windows.
    #[serde(default)]
    pub windows: Vec<HallWindow>,
    /// The hall's calendar (its time zone formats the strips' return times).
    #[serde(default)]
    pub calendar: Option<HallCalendar>,
}

/// The part of the hall's calendar the gateway needs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct HallCalendar {
    /// An IANA zone such as `Asia/Shanghai`.
    #[serde(default)]
    pub time_zone: Option<String>,
}

/// A window as configured in the hall.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct HallWindow {
    /// The window number.
    pub number: u32,
    /// The queues it calls from, in priority tiers.
    #[serde(default)]
    pub tiers: Vec<Vec<String>>,
}

/// The part of `GET /api/v1/live` the gateway needs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Live {
    /// The last event reflected.
    pub seq: u64,
    /// Every queue.
    #[serde(default)]
    pub queues: Vec<LiveQueue>,
    /// Every window.
    #[serde(default)]
    pub windows: Vec<LiveWindow>,
}

/// A queue now.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct LiveQueue {
    /// Queue id.
    pub queue: String,
    /// Tickets waiting in it.
    pub waiting: u32,
}

/// A window now.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct LiveWindow {
    /// Window number.
    pub window: u32,
    /// `closed`, `idle`, `called`, `serving` or `paused`.
    #[serde(default)]
    pub state: String,
    /// The number called or in service there.
    #[serde(default)]
    pub ticket: Option<String>,
    /// Numbers held at the window, oldest first.
    #[serde(default)]
    pub held: Vec<String>,
    /// The away message, while paused.
    #[serde(default)]
    pub pause_reason: Option<String>,
    /// The expected return (RFC 3339), while paused and when given.
    #[serde(default)]
    pub back_at: Option<String>,
}

impl Live {
    /// The window's entry, if the controller listed it.
    pub fn window(&self, number: u32) -> Option<&LiveWindow> {
        self.windows.iter().find(|w| w.window == number)
    }
}

/// The fields of a streamed event the gateway looks at. Every event has `seq` and `type`;
/// `window` only those about a window.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct StreamEvent {
    /// The event's position in the log.
    pub seq: u64,
    /// The event type, e.g. `ticket_called`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The window it happened at, when it is about one.
    #[serde(default)]
    pub window: Option<u32>,
    /// The ticket number, for ticket events (`A001`).
    #[serde(default)]
    pub number: Option<String>,
    /// A pause's away message (or, for other events, their own `reason` string).
    #[serde(default)]
    pub reason: Option<String>,
    /// A pause's expected return (RFC 3339), when given.
    #[serde(default)]
    pub back_at: Option<String>,
}

/// What an event means for the pads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// Nothing a pad shows changed.
    None,
    /// Waiting counts or a window's ticket may have changed: refresh the displays.
    Refresh,
    /// A ticket was called (or the call repeated) at this window: refresh, then beep its pads.
    RefreshAndBeep(u32),
}

/// The events after which the displays are refreshed: anything that changes how many wait or
/// which ticket a window has.
pub const REFRESHING: [&str; 15] = [
    "ticket_issued",
    "ticket_called",
    "ticket_recalled",
    "ticket_called_back",
    "ticket_finished",
    "ticket_no_show",
    "ticket_held",
    "ticket_transferred",
    "ticket_cancelled",
    "ticket_expired",
    "day_rolled",
    "window_opened",
    "window_closed",
    "window_paused",
    "window_resumed",
];

/// The events that beep the pads at their window: a call the citizen should answer.
pub const BEEPING: [&str; 3] = ["ticket_called", "ticket_recalled", "ticket_called_back"];

/// What `event` means for the pads.
pub fn effect(event: &StreamEvent) -> Effect {
    let kind = event.kind.as_str();
    match event.window {
        Some(w) if BEEPING.contains(&kind) => Effect::RefreshAndBeep(w),
        _ if REFRESHING.contains(&kind) => Effect::Refresh,
        _ => Effect::None,
    }
}

/// The number a pad shows for a ticket: the value of its trailing digits, of which the pad
/// shows the last three (`A007` → 7, `A1234` → 234). `None` when it has no digits.
pub fn ticket_digits(number: &str) -> Option<u16> {
    let digits = number.len() - number.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    if digits == 0 {
        return None;
    }
    let tail = &number[number.len() - digits.min(3)..];
    tail.parse().ok()
}

/// The display of the call pad at `window`: how many wait in the queues the window serves
/// (each queue counted once, whatever its tier) and the last three digits of the window's
/// ticket (dark when it has none). Blank when the hall has no such window.
pub fn window_display(hall: &HallInfo, live: &Live, window: u32) -> PadDisplay {
    let Some(hw) = hall.windows.iter().find(|w| w.number == window) else {
        return PadDisplay::BLANK;
    };
    let served: BTreeSet<&str> = hw.tiers.iter().flatten().map(String::as_str).collect();
    let waiting: u32 = live
        .queues
        .iter()
        .filter(|q| served.contains(q.queue.as_str()))
        .map(|q| q.waiting)
        .sum();
    let ticket = live
        .window(window)
        .and_then(|w| w.ticket.as_deref())
        .and_then(ticket_digits);
    PadDisplay::showing(u16::try_from(waiting).unwrap_or(u16::MAX), ticket)
}

/// What each call pad was last sent. Indexes are positions in the configuration's pads.
#[derive(Debug, Clone)]
pub struct Board {
    pads: Vec<PadConfig>,
    shown: Vec<Option<PadDisplay>>,
}

impl Board {
    /// Nothing sent yet.
    pub fn new(pads: &[PadConfig]) -> Board {
        Board {
            pads: pads.to_vec(),
            shown: vec![None; pads.len()],
        }
    }

    /// Forget what the pads on `bus` show (the bus was reopened; they may have lost power), so
    /// the next update sends them their display again.
    pub fn forget_bus(&mut self, bus: usize) {
        for (pad, shown) in self.pads.iter().zip(&mut self.shown) {
            if pad.bus == bus {
                *shown = None;
            }
        }
    }

    /// The displays to send now, as (pad index, display): every call pad when `force`, else
    /// those whose display differs from what they were last sent. Records them as sent.
    pub fn update(
        &mut self,
        hall: &HallInfo,
        live: &Live,
        force: bool,
    ) -> Vec<(usize, PadDisplay)> {
        let mut out = Vec::new();
        for (i, pad) in self.pads.iter().enumerate() {
            if pad.kind != PadKind::Call {
                continue;
            }
            let display = window_display(hall, live, pad.window);
            if force || self.shown[i] != Some(display) {
                self.shown[i] = Some(display);
                out.push((i, display));
            }
        }
        out
    }

    /// The call pads at `window`, to beep.
    pub fn call_pads_at(&self, window: u32) -> Vec<usize> {
        self.pads
            .iter()
            .enumerate()
            .filter(|(_, p)| p.kind == PadKind::Call && p.window == window)
            .map(|(i, _)| i)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn event(v: serde_json::Value) -> StreamEvent {
        serde_json::from_value(v).unwrap()
    }

    fn hall() -> HallInfo {
        serde_json::from_value(json!({
            "hall": {"id": "x"},
            "windows": [
                {"number": 1, "name_zh": "…", "tiers": [["A"]]},
                {"number": 3, "tiers": [["B", "A"], ["C", "A"]]},
                {"number": 9, "tiers": []},
            ]
        }))
        .unwrap()
    }

    fn live(a: u32, b: u32, c: u32, ticket3: Option<&str>) -> Live {
        serde_json::from_value(json!({
            "seq": 40, "day": "2026-11-26",
            "queues": [
                {"queue": "A", "prefix": "A", "waiting": a, "open": true},
                {"queue": "B", "prefix": "B", "waiting": b},
                {"queue": "C", "prefix": "C", "waiting": c},
            ],
            "windows": [
                {"window": 1, "state": "idle", "clerk": "clerk01", "ticket": null, "held": []},
                {"window": 3, "state": "called", "clerk": "clerk03", "ticket": ticket3, "held": ["B002"]},
            ]
        }))
        .unwrap()
    }

    fn pad(bus: usize, address: u8, window: u32, kind: PadKind) -> PadConfig {
        PadConfig {
            bus,
            address,
            window,
            kind,
            levels: crate::config::DEFAULT_RATING_LEVELS,
        }
    }

    #[test]
    fn calls_refresh_and_beep_their_window_other_changes_only_refresh() {
        let called = event(
            json!({"seq": 6, "at": "2026-11-26T01:02:00Z", "type": "ticket_called",
            "ticket": "20261126-A002", "number": "A002", "queue": "A", "window": 1,
            "clerk": "clerk01", "cycle": 1}),
        );
        assert_eq!(effect(&called), Effect::RefreshAndBeep(1));
        let recalled = event(json!({"seq": 7, "type": "ticket_recalled", "window": 4, "count": 1}));
        assert_eq!(effect(&recalled), Effect::RefreshAndBeep(4));
        let back = event(json!({"seq": 8, "type": "ticket_called_back", "window": 2}));
        assert_eq!(effect(&back), Effect::RefreshAndBeep(2));
        for kind in [
            "ticket_issued",
            "ticket_finished",
            "ticket_no_show",
            "ticket_held",
            "ticket_transferred",
            "ticket_cancelled",
            "window_opened",
            "window_closed",
            "window_paused",
            "window_resumed",
            "day_rolled",
        ] {
            let e = event(json!({"seq": 9, "type": kind, "window": 2}));
            assert_eq!(effect(&e), Effect::Refresh, "{kind}");
        }
        for kind in [
            "service_started",
            "ticket_printed",
            "device_status",
            "session_opened",
        ] {
            let e = event(json!({"seq": 9, "type": kind}));
            assert_eq!(effect(&e), Effect::None, "{kind}");
        }
    }

    #[test]
    fn ticket_digits_are_the_last_three() {
        assert_eq!(ticket_digits("A007"), Some(7));
        assert_eq!(ticket_digits("AB120"), Some(120));
        assert_eq!(ticket_digits("A1234"), Some(234));
        assert_eq!(ticket_digits("A"), None);
        assert_eq!(ticket_digits(""), None);
    }

    #[test]
    fn a_window_shows_the_waiting_in_the_queues_it_serves_and_its_ticket() {
        let h = hall();
        // Window 3 serves B, A and C; A is in two tiers and counted once.
        let l = live(2, 5, 1, Some("B017"));
        assert_eq!(window_display(&h, &l, 3), PadDisplay::showing(8, Some(17)));
        assert_eq!(
            window_display(&h, &l, 3).to_bytes(),
            [0x0A, 0x0A, 0x08, 0x00, 0x01, 0x07]
        );
        // Window 1 serves A and has no ticket: digits dark.
        assert_eq!(
            window_display(&h, &l, 1).to_bytes(),
            [0x0A, 0x0A, 0x02, 0x0A, 0x0A, 0x0A]
        );
        // A window that serves nothing, one missing from live, one missing from the hall.
        assert_eq!(window_display(&h, &l, 9), PadDisplay::showing(0, None));
        assert_eq!(window_display(&h, &l, 42), PadDisplay::BLANK);
        // More than 999 saturates.
        let l = live(70_000, 0, 0, None);
        assert_eq!(window_display(&h, &l, 1).waiting(), Some(999));
    }

    #[test]
    fn the_board_sends_changes_only_unless_forced_or_the_bus_was_reopened() {
        let pads = [
            pad(0, 1, 1, PadKind::Call),
            pad(0, 3, 3, PadKind::Call),
            pad(1, 3, 3, PadKind::Rating),
            pad(1, 4, 3, PadKind::Call),
        ];
        let h = hall();
        let mut board = Board::new(&pads);
        let l = live(2, 0, 0, None);
        let first = board.update(&h, &l, false);
        assert_eq!(
            first.iter().map(|(i, _)| *i).collect::<Vec<_>>(),
            [0, 1, 3],
            "every call pad the first time; never the rating pad"
        );
        assert_eq!(board.update(&h, &l, false), vec![], "nothing changed");
        // A ticket called at window 3: only window 3's pads change.
        let l = live(1, 0, 0, Some("A001"));
        let second = board.update(&h, &l, false);
        assert_eq!(
            second,
            vec![
                (0, PadDisplay::showing(1, None)),
                (1, PadDisplay::showing(1, Some(1))),
                (3, PadDisplay::showing(1, Some(1))),
            ]
        );
        let l2 = live(1, 3, 0, Some("A001"));
        assert_eq!(
            board
                .update(&h, &l2, false)
                .iter()
                .map(|(i, _)| *i)
                .collect::<Vec<_>>(),
            [1, 3],
            "B is served only at window 3"
        );
        assert_eq!(
            board.update(&h, &l2, true).len(),
            3,
            "forced: all call pads"
        );
        board.forget_bus(1);
        assert_eq!(
            board.update(&h, &l2, false),
            vec![(3, PadDisplay::showing(4, Some(1)))]
        );
        assert_eq!(board.call_pads_at(3), vec![1, 3]);
        assert_eq!(board.call_pads_at(2), Vec::<usize>::new());
    }
}
