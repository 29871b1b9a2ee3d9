//! Events: the facts the hall controller commits, in the order it commits them.
//!
//! An event is stored and pushed as one JSON object, `{"seq":…,"at":…,"type":…, fields…}`
//! ([`Envelope`]). Events carry the ticket number and window beside ids so that a display can
//! render a call from the event alone. No ID number or phone appears here in clear.

use crate::ids::{
    ClerkId, DeviceId, ItemCode, QueueId, SessionId, TicketId, TicketNumber, WindowNo,
};
use crate::state::{Channel, GreenReason, Outcome, PersonalTag, PrinterState, Priority, Status};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// An event with its place in the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope {
    pub seq: u64,
    pub at: Timestamp,
    #[serde(flatten)]
    pub event: Event,
}

/// Why a window closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CloseReason {
    SignedOut,
    /// The same clerk signed in at another window.
    SignedInElsewhere,
}

/// Why a ticket was held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HoldReason {
    /// The clerk held it (挂起).
    Clerk,
    /// The clerk left the window with the ticket open; it waits there to be called back.
    WindowClosed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    TicketIssued {
        ticket: TicketId,
        number: TicketNumber,
        day: Date,
        queue: QueueId,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        item: Option<ItemCode>,
        priority: Priority,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        green_reason: Option<GreenReason>,
        channel: Channel,
        /// The slot index counted against, when the queue has issuing slots.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        slot: Option<usize>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id_tag: Option<PersonalTag>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        phone_tag: Option<PersonalTag>,
        /// The tell-once notice the citizen brought back: a second trip for the same matter.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        notice: Option<String>,
        /// The device or clerk that issued it.
        by: String,
    },
    TicketCalled {
        ticket: TicketId,
        number: TicketNumber,
        queue: QueueId,
        window: WindowNo,
        clerk: ClerkId,
        /// The window's interleave cycle position after this call.
        cycle: u32,
    },
    TicketRecalled {
        ticket: TicketId,
        number: TicketNumber,
        window: WindowNo,
        /// How many times this call has now been repeated.
        count: u32,
    },
    ServiceStarted {
        ticket: TicketId,
        number: TicketNumber,
        window: WindowNo,
    },
    TicketFinished {
        ticket: TicketId,
        number: TicketNumber,
        queue: QueueId,
        window: WindowNo,
        clerk: ClerkId,
        service_s: u32,
        /// What came of the visit, when the clerk said.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        outcome: Option<Outcome>,
        /// The item handled, when known.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        item: Option<ItemCode>,
    },
    /// 受理: a case accepted at the window, due in working days by the item's promised limit.
    CaseAccepted {
        case: String,
        ticket: TicketId,
        number: TicketNumber,
        item: ItemCode,
        window: WindowNo,
        clerk: ClerkId,
        limit_days: u32,
        due: Date,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        notice: Option<String>,
    },
    /// A supervisor acknowledged an alert (it stays quiet while its condition lasts).
    AlertAcknowledged {
        alert: String,
        by: ClerkId,
    },
    /// 办结: the back office completed the case; `on_time` when by its due day (限时办结).
    CaseCompleted {
        case: String,
        ticket: TicketId,
        by: ClerkId,
        due: Date,
        on_time: bool,
    },
    /// 出件: the result was handed over to the citizen.
    CaseHandedOver {
        case: String,
        ticket: TicketId,
        by: ClerkId,
    },
    /// 一次性告知: the materials missing for an item, all in one written notice.
    NoticeIssued {
        notice: String,
        ticket: TicketId,
        number: TicketNumber,
        item: ItemCode,
        missing: Vec<String>,
        window: WindowNo,
        clerk: ClerkId,
    },
    TicketNoShow {
        ticket: TicketId,
        number: TicketNumber,
        window: WindowNo,
    },
    TicketTransferred {
        ticket: TicketId,
        number: TicketNumber,
        from_queue: QueueId,
        to_queue: QueueId,
        window: WindowNo,
        clerk: ClerkId,
        /// A referral's reason (转办); the first clerk stays the first-contact owner.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    TicketHeld {
        ticket: TicketId,
        number: TicketNumber,
        window: WindowNo,
        reason: HoldReason,
    },
    TicketCalledBack {
        ticket: TicketId,
        number: TicketNumber,
        window: WindowNo,
        clerk: ClerkId,
    },
    TicketCancelled {
        ticket: TicketId,
        number: TicketNumber,
        by: String,
    },
    TicketExpired {
        ticket: TicketId,
        number: TicketNumber,
        day: Date,
        /// The status it had when its business day ended.
        was: Status,
    },
    /// A clerk signed in at a window. The same clerk signing in at the same window again (a new
    /// browser) gives another `window_opened` whose session replaces the old one.
    WindowOpened {
        window: WindowNo,
        clerk: ClerkId,
        session: SessionId,
    },
    WindowClosed {
        window: WindowNo,
        clerk: ClerkId,
        reason: CloseReason,
    },
    /// A sign-in without a window (a supervisor at the dashboard).
    SessionOpened {
        clerk: ClerkId,
        session: SessionId,
    },
    SessionClosed {
        clerk: ClerkId,
        session: SessionId,
    },
    WindowPaused {
        window: WindowNo,
        clerk: ClerkId,
        reason: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        back_at: Option<Timestamp>,
    },
    WindowResumed {
        window: WindowNo,
        clerk: ClerkId,
    },
    DayRolled {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        from: Option<Date>,
        to: Date,
    },
    /// A kiosk printed a ticket (or reprinted it: 补打).
    TicketPrinted {
        ticket: TicketId,
        number: TicketNumber,
        device: DeviceId,
        reprint: bool,
        printer: PrinterState,
    },
    /// A print failed; the ticket stays valid (the citizen photographs the QR code, or staff
    /// reprint it).
    PrintFailed {
        ticket: TicketId,
        number: TicketNumber,
        device: DeviceId,
        reprint: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        printer: Option<PrinterState>,
        reason: String,
    },
    /// The window's rating pad asks the citizen to rate the visit just finished, until
    /// `expires_at`.
    RatingRequested {
        ticket: TicketId,
        number: TicketNumber,
        window: WindowNo,
        clerk: ClerkId,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        item: Option<ItemCode>,
        expires_at: Timestamp,
    },
    /// Nobody rated at the pad in time: the visit stays unrated (never a default rating).
    RatingRequestExpired {
        ticket: TicketId,
        number: TicketNumber,
        window: WindowNo,
    },
    /// 好差评: a visit rated (GB/T 39046 table 9 fields: case, channel, time = `at`, count,
    /// level and code, text, region).
    TicketRated {
        rating: String,
        ticket: TicketId,
        number: TicketNumber,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        case: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        item: Option<ItemCode>,
        channel: crate::rating::RatingChannel,
        level: crate::rating::RatingLevel,
        /// GB/T 39046 A.8 code (1 = 非常满意).
        code: u8,
        reasons: Vec<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        comment: Option<String>,
        window: WindowNo,
        clerk: ClerkId,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unit: Option<String>,
        /// 评价次数: 1, or 2 for the follow-up rating after a fix.
        count: u8,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        region_code: Option<String>,
    },
    /// A bad rating opens a fix owned by the rated clerk's unit, with working-day deadlines.
    RectificationOpened {
        rectification: String,
        rating: String,
        ticket: TicketId,
        window: WindowNo,
        clerk: ClerkId,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unit: Option<String>,
        visit_back_due: Date,
        rectify_due: Date,
    },
    /// A fix moved on: visited back, rectified, closed, appealed, appeal upheld or rejected.
    RectificationProgressed {
        rectification: String,
        action: crate::rating::RectifyAction,
        state: crate::rating::RectificationState,
        by: ClerkId,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// A device's health changed: it came online or went offline, or its printer's state changed.
    DeviceStatus {
        device: DeviceId,
        online: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        printer: Option<PrinterState>,
    },
}

impl Event {
    /// The `type` string as it appears on the wire.
    pub fn kind(&self) -> &'static str {
        match self {
            Event::TicketIssued { .. } => "ticket_issued",
            Event::TicketCalled { .. } => "ticket_called",
            Event::TicketRecalled { .. } => "ticket_recalled",
            Event::ServiceStarted { .. } => "service_started",
            Event::TicketFinished { .. } => "ticket_finished",
            Event::TicketNoShow { .. } => "ticket_no_show",
            Event::TicketTransferred { .. } => "ticket_transferred",
            Event::TicketHeld { .. } => "ticket_held",
            Event::TicketCalledBack { .. } => "ticket_called_back",
            Event::TicketCancelled { .. } => "ticket_cancelled",
            Event::TicketExpired { .. } => "ticket_expired",
            Event::WindowOpened { .. } => "window_opened",
            Event::WindowClosed { .. } => "window_closed",
            Event::SessionOpened { .. } => "session_opened",
            Event::SessionClosed { .. } => "session_closed",
            Event::WindowPaused { .. } => "window_paused",
            Event::WindowResumed { .. } => "window_resumed",
            Event::DayRolled { .. } => "day_rolled",
            Event::TicketPrinted { .. } => "ticket_printed",
            Event::CaseAccepted { .. } => "case_accepted",
            Event::CaseCompleted { .. } => "case_completed",
            Event::AlertAcknowledged { .. } => "alert_acknowledged",
            Event::CaseHandedOver { .. } => "case_handed_over",
            Event::RatingRequested { .. } => "rating_requested",
            Event::RatingRequestExpired { .. } => "rating_request_expired",
            Event::TicketRated { .. } => "ticket_rated",
            Event::RectificationOpened { .. } => "rectification_opened",
            Event::RectificationProgressed { .. } => "rectification_progressed",
            Event::NoticeIssued { .. } => "notice_issued",
            Event::PrintFailed { .. } => "print_failed",
            Event::DeviceStatus { .. } => "device_status",
        }
    }
}

impl Event {
    /// The ticket this event is about, if any.
    pub fn ticket(&self) -> Option<&TicketId> {
        match self {
            Event::TicketIssued { ticket, .. }
            | Event::TicketCalled { ticket, .. }
            | Event::TicketRecalled { ticket, .. }
            | Event::ServiceStarted { ticket, .. }
            | Event::TicketFinished { ticket, .. }
            | Event::TicketNoShow { ticket, .. }
            | Event::TicketTransferred { ticket, .. }
            | Event::TicketHeld { ticket, .. }
            | Event::TicketCalledBack { ticket, .. }
            | Event::TicketCancelled { ticket, .. }
            | Event::TicketExpired { ticket, .. }
            | Event::TicketPrinted { ticket, .. }
            | Event::CaseAccepted { ticket, .. }
            | Event::RatingRequested { ticket, .. }
            | Event::RatingRequestExpired { ticket, .. }
            | Event::TicketRated { ticket, .. }
            | Event::RectificationOpened { ticket, .. }
            | Event::NoticeIssued { ticket, .. }
            | Event::PrintFailed { ticket, .. } => Some(ticket),
            _ => None,
        }
    }
}

impl Envelope {
    /// The exact JSON text that is stored, hashed and pushed.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("events always serialise")
    }
}
