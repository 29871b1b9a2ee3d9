//! Commands: what a client asks the hall to do, already parsed and authenticated.

use crate::hall::DeviceKind;
use crate::ids::{
    ClerkId, DeviceId, ItemCode, QueueId, SessionId, TicketId, TicketNumber, WindowNo,
};
use crate::state::{Channel, GreenReason, Outcome, PersonalTag, PrinterState, Priority};
use jiff::Timestamp;
use jiff::civil::Date;

/// Who is asking. The server authenticates; the core authorises.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// A clerk's session (see [`crate::state::Session`]).
    Clerk {
        clerk: ClerkId,
        session: SessionId,
        window: Option<WindowNo>,
    },
    /// A configured device.
    Device {
        id: DeviceId,
        kind: DeviceKind,
        window: Option<WindowNo>,
    },
    /// The controller itself (sign-in after the password was checked, the clock).
    System,
}

impl Actor {
    /// How the actor is named in events (`issued by`).
    pub fn label(&self) -> String {
        match self {
            Actor::Clerk { clerk, .. } => format!("clerk:{clerk}"),
            Actor::Device { id, .. } => format!("device:{id}"),
            Actor::System => "system".into(),
        }
    }
}

/// What to take a ticket for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IssueTarget {
    Item(ItemCode),
    Queue(QueueId),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssueTicket {
    pub target: IssueTarget,
    /// Requested priority (staff and kiosks may ask for green or appointment).
    pub priority: Option<Priority>,
    pub green_reason: Option<GreenReason>,
    pub channel: Channel,
    /// Birth date read from the ID number, used only to decide the green channel; not stored.
    pub birth_date: Option<Date>,
    pub id_tag: Option<PersonalTag>,
    pub phone_tag: Option<PersonalTag>,
    /// A tell-once notice the citizen brings back (a second trip for the same matter).
    pub notice: Option<String>,
}

/// Which visit a rating is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RateTarget {
    /// The visit the window's pad is asking about.
    Window(WindowNo),
    /// A ticket, by its QR link (the phone).
    Ticket(TicketId),
}

/// What the clerk records when finishing a visit.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Visit {
    pub outcome: Option<Outcome>,
    /// The item handled, when it is not the ticket's own (comprehensive windows take any item
    /// of their theme).
    pub item: Option<ItemCode>,
    /// For a tell-once notice: the item's materials that are missing.
    pub missing: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    IssueTicket(IssueTicket),
    CancelTicket {
        ticket: TicketId,
    },
    /// Opens a session; the password has been checked by the server already.
    SignIn {
        clerk: ClerkId,
        window: Option<WindowNo>,
        session: SessionId,
    },
    SignOut,
    CallNext {
        window: WindowNo,
    },
    Call {
        window: WindowNo,
        number: TicketNumber,
    },
    Recall {
        window: WindowNo,
    },
    Start {
        window: WindowNo,
    },
    Finish {
        window: WindowNo,
        visit: Visit,
    },
    NoShow {
        window: WindowNo,
    },
    Hold {
        window: WindowNo,
    },
    CallBack {
        window: WindowNo,
        number: TicketNumber,
    },
    /// A transfer; with a reason it is a referral (转办), and the first clerk stays the
    /// first-contact owner.
    Transfer {
        window: WindowNo,
        queue: QueueId,
        reason: Option<String>,
    },
    Pause {
        window: WindowNo,
        reason: String,
        back_at: Option<Timestamp>,
    },
    Resume {
        window: WindowNo,
    },
    /// The outcome of printing a ticket at a kiosk (the server did the I/O).
    RecordPrint {
        ticket: TicketId,
        device: DeviceId,
        reprint: bool,
        /// `Ok(printer state)` when printed, `Err((state if known, reason))` when not.
        outcome: Result<PrinterState, (Option<PrinterState>, String)>,
    },
    /// The citizen rates a visit: at the window's pad (`Window`), or by the ticket's QR link
    /// (`Ticket`).
    Rate {
        target: RateTarget,
        level: crate::rating::RatingLevel,
        reasons: Vec<String>,
        comment: Option<String>,
    },
    /// Someone moves a bad rating's fix on.
    Rectify {
        rectification: String,
        action: crate::rating::RectifyAction,
        note: Option<String>,
    },
    /// A supervisor acknowledges an alert.
    AckAlert {
        alert: String,
    },
    /// 办结: the back office completed a case.
    CompleteCase {
        case: String,
    },
    /// 出件: the result was handed over.
    HandOverCase {
        case: String,
    },
    /// A device's health as the server sees it (a stream opened or closed, a printer answered).
    ReportDevice {
        device: DeviceId,
        online: Option<bool>,
        printer: Option<PrinterState>,
    },
}
