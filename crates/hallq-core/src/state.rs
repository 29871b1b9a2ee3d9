//! The hall's state: what the event log adds up to. Only [`crate::apply`] changes it.

use crate::ids::{ClerkId, ItemCode, QueueId, SessionId, TicketId, TicketNumber, WindowNo};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How many recent service durations per queue feed the wait estimate.
pub const RECENT_SERVICES: usize = 20;

/// Priority class of a ticket, highest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    /// 绿色通道: elderly, pregnant, disabled, military, urgent.
    Green,
    /// 预约: booked in advance.
    Appointment,
    Normal,
}

impl Priority {
    pub fn is_priority(self) -> bool {
        self != Priority::Normal
    }
}

/// Why a ticket is green-channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GreenReason {
    /// Age from the ID number's birth date reached the configured threshold.
    Elderly,
    Pregnant,
    Disabled,
    Military,
    Urgent,
    /// Marked green by staff without a stated reason.
    Staff,
}

/// Where a ticket was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    #[default]
    Kiosk,
    /// At the help desk or a window, by staff.
    Desk,
    /// Remotely (WeChat, web).
    Remote,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Waiting,
    Called,
    Serving,
    /// 挂起: put aside at a window (the citizen fetches a missing paper) to be called back there.
    Held,
    Finished,
    NoShow,
    Cancelled,
    Expired,
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Status::Waiting => "waiting",
            Status::Called => "called",
            Status::Serving => "serving",
            Status::Held => "held",
            Status::Finished => "finished",
            Status::NoShow => "no_show",
            Status::Cancelled => "cancelled",
            Status::Expired => "expired",
        })
    }
}

impl Status {
    /// Open tickets still need the hall; the others are done.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            Status::Waiting | Status::Called | Status::Serving | Status::Held
        )
    }
}

/// A keyed hash of a citizen's ID number or phone and its last digits; the clear value is
/// never stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonalTag {
    /// HMAC-SHA-256 under the hall's secret key, hex, truncated to 32 hex digits.
    pub hash: String,
    /// The last digits (6 of an ID number, as printed on tickets; 4 of a phone).
    pub tail: String,
}

/// What came of a visit at the window (recorded when the ticket is finished). A referral to
/// another window is a transfer with a reason, not an outcome: the visit goes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// 即办: done on the spot.
    OnTheSpot,
    /// 受理: a case was accepted, with a due date from the item's promised limit.
    Accepted,
    /// 一次性告知: materials were missing; a written notice lists them all.
    TellOnce,
    /// 咨询: a question answered, nothing to handle.
    Consultation,
}

/// A case accepted at a window (受理), due by its promised limit in working days (限时办结).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Case {
    pub case: String,
    pub ticket: TicketId,
    pub item: ItemCode,
    pub window: WindowNo,
    pub clerk: ClerkId,
    pub accepted_on: Date,
    pub limit_days: u32,
    pub due: Date,
    /// The tell-once notice this case follows up, when the citizen came back with one.
    pub notice: Option<String>,
    /// 办结: the back office completed it, on this business day.
    #[serde(default)]
    pub completed_on: Option<Date>,
    /// 出件: the result was handed over, on this business day.
    #[serde(default)]
    pub handed_over_on: Option<Date>,
}

impl Case {
    /// 限时办结: completed by its due day.
    pub fn on_time(&self) -> Option<bool> {
        self.completed_on.map(|d| d <= self.due)
    }

    /// Open past its due day on `today`.
    pub fn overdue(&self, today: Date) -> bool {
        self.completed_on.is_none() && today > self.due
    }
}

/// A tell-once notice (一次性告知书): the materials missing for an item, all of them, in writing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    pub notice: String,
    pub ticket: TicketId,
    pub item: ItemCode,
    pub missing: Vec<String>,
    pub window: WindowNo,
    pub clerk: ClerkId,
    pub issued_on: Date,
    /// Later tickets that cited this notice: second (and later) trips.
    pub return_tickets: Vec<TicketId>,
}

/// How long notices stay in the working state (a citizen may come back weeks later).
pub const NOTICE_KEEP_DAYS: i64 = 180;

/// A ticket printer's condition as last seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PrinterState {
    Ok,
    /// Paper near its end: still printing; someone should change the roll soon.
    PaperLow,
    PaperOut,
    CoverOpen,
    /// The printer answered that it is offline or in error.
    Error,
    /// Nothing answered (connection refused, timeout).
    Unreachable,
}

/// What the hall knows of a device's health.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct DeviceHealth {
    pub online: bool,
    pub printer: Option<PrinterState>,
    pub since: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ticket {
    pub id: TicketId,
    pub number: TicketNumber,
    pub day: Date,
    /// Global order of issue, breaks ties between equal issue times.
    pub order: u64,
    pub queue: QueueId,
    pub item: Option<ItemCode>,
    pub priority: Priority,
    pub green_reason: Option<GreenReason>,
    pub channel: Channel,
    pub issued_at: Timestamp,
    pub status: Status,
    pub window: Option<WindowNo>,
    /// The first clerk who called this ticket: the first-contact owner (首问负责).
    pub first_clerk: Option<ClerkId>,
    /// The latest call.
    pub called_at: Option<Timestamp>,
    /// The first call: a wait is issue to first call, everywhere (reports too).
    #[serde(default)]
    pub first_called_at: Option<Timestamp>,
    pub started_at: Option<Timestamp>,
    pub ended_at: Option<Timestamp>,
    pub recalls: u32,
    pub transfers: u32,
    pub id_tag: Option<PersonalTag>,
    pub phone_tag: Option<PersonalTag>,
    /// Successful prints (the first and any 补打 reprints).
    #[serde(default)]
    pub prints: u32,
    /// The last print attempt failed.
    #[serde(default)]
    pub print_failed: bool,
    /// What came of the visit, once finished.
    #[serde(default)]
    pub outcome: Option<Outcome>,
    /// The case accepted for it, if any.
    #[serde(default)]
    pub case: Option<String>,
    /// The tell-once notice this ticket cites (a return trip) or was given.
    #[serde(default)]
    pub notice: Option<String>,
    /// Why it was last referred to another queue.
    #[serde(default)]
    pub referral: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pause {
    pub reason: String,
    pub back_at: Option<Timestamp>,
    pub since: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct WindowState {
    pub clerk: Option<ClerkId>,
    pub session: Option<SessionId>,
    /// The ticket called or being served here.
    pub current: Option<TicketId>,
    pub paused: Option<Pause>,
    /// Tickets held (挂起) here, oldest first.
    pub held: Vec<TicketId>,
    /// Position in the priority interleave cycle (see [`crate::hall::Interleave`]).
    pub cycle: u32,
    /// When the window last changed state.
    pub since: Option<Timestamp>,
    pub served_today: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub clerk: ClerkId,
    pub window: Option<WindowNo>,
}

/// Everything the hall controller knows now. Tickets of past business days leave the state when
/// the day rolls (they stay in the log).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct HallState {
    /// The seq of the last event applied.
    pub seq: u64,
    /// The time of the last event applied.
    pub at: Option<Timestamp>,
    /// The current business day; none before the first event.
    pub day: Option<Date>,
    pub tickets: BTreeMap<TicketId, Ticket>,
    /// Last number issued today, per queue.
    pub counters: BTreeMap<QueueId, u32>,
    /// Tickets issued today per queue and slot index.
    pub slot_counts: BTreeMap<QueueId, BTreeMap<usize, u32>>,
    pub windows: BTreeMap<WindowNo, WindowState>,
    pub sessions: BTreeMap<SessionId, Session>,
    /// Recent service durations per queue, seconds, newest last.
    pub recent_service_s: BTreeMap<QueueId, Vec<u32>>,
    /// Total tickets ever issued (gives [`Ticket::order`]).
    pub issued_total: u64,
    /// Devices' health (online, printer), as last reported.
    #[serde(default)]
    pub devices: BTreeMap<crate::ids::DeviceId, DeviceHealth>,
    /// Cases until they are handed over (and a while after; the log keeps all).
    #[serde(default)]
    pub cases: BTreeMap<String, Case>,
    /// Tell-once notices of the last [`NOTICE_KEEP_DAYS`] days.
    #[serde(default)]
    pub notices: BTreeMap<String, Notice>,
    /// Visits that may still be rated (the pad's request, the phone's day).
    #[serde(default)]
    pub visits: BTreeMap<TicketId, crate::rating::RatableVisit>,
    /// Fixes of bad ratings, until closed (and a while after).
    #[serde(default)]
    pub rectifications: BTreeMap<String, crate::rating::Rectification>,
    /// Alerts a supervisor acknowledged (by id), until the day rolls.
    #[serde(default)]
    pub acknowledged: std::collections::BTreeSet<String>,
}

impl HallState {
    pub fn ticket(&self, id: &TicketId) -> Option<&Ticket> {
        self.tickets.get(id)
    }

    /// Today's ticket with this number, if any.
    pub fn ticket_by_number(&self, number: &TicketNumber) -> Option<&Ticket> {
        let day = self.day?;
        self.tickets.get(&ticket_id(day, number))
    }

    pub fn window(&self, n: WindowNo) -> Option<&WindowState> {
        self.windows.get(&n)
    }

    /// The window a clerk is signed in at, if any.
    pub fn window_of_clerk(&self, clerk: &ClerkId) -> Option<WindowNo> {
        self.windows
            .iter()
            .find(|(_, w)| w.clerk.as_ref() == Some(clerk))
            .map(|(n, _)| *n)
    }

    /// Waiting tickets of a queue.
    pub fn waiting_in<'a>(&'a self, queue: &'a QueueId) -> impl Iterator<Item = &'a Ticket> {
        self.tickets
            .values()
            .filter(move |t| t.status == Status::Waiting && &t.queue == queue)
    }
}

/// A ticket's id: `"20261126-A001"`.
pub fn ticket_id(day: Date, number: &TicketNumber) -> TicketId {
    TicketId(format!("{}-{}", day.strftime("%Y%m%d"), number))
}
