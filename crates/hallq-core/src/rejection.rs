//! Refusals: every reason the hall says no, typed, with a stable code, an HTTP status and a
//! zh-CN / English title. A refusal changes nothing.

use crate::ids::{ClerkId, QueueId, TicketId, TicketNumber, WindowNo};
use crate::state::Status;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Rejection {
    #[error("no service item has code {item:?}")]
    UnknownItem { item: String },
    #[error("no queue has id {queue:?}")]
    UnknownQueue { queue: String },
    #[error("no window has number {window}")]
    UnknownWindow { window: u32 },
    #[error("no ticket {ticket} today")]
    UnknownTicket { ticket: String },
    #[error("queue {queue} is closed now; it issues tickets {hours}")]
    QueueClosed { queue: QueueId, hours: String },
    #[error("queue {queue} has issued its {cap} tickets for today")]
    DailyCapReached { queue: QueueId, cap: u32 },
    #[error("queue {queue} has issued its {cap} tickets for the slot {slot}")]
    SlotFull {
        queue: QueueId,
        slot: String,
        cap: u32,
    },
    #[error("window {window} is paused; resume it first")]
    WindowPaused { window: WindowNo },
    #[error("window {window} is already paused")]
    AlreadyPaused { window: WindowNo },
    #[error("window {window} is not paused")]
    NotPaused { window: WindowNo },
    #[error(
        "window {window} has ticket {number} open; finish, transfer, hold or mark it no-show first"
    )]
    WindowBusy {
        window: WindowNo,
        number: TicketNumber,
    },
    #[error("window {window} has no ticket called")]
    NoCurrentTicket { window: WindowNo },
    #[error("no ticket waits for window {window}")]
    NoTicketWaiting { window: WindowNo },
    #[error("you are not signed in at window {window}")]
    NotYourWindow { window: WindowNo },
    #[error("window {window} is taken by {clerk}; they must sign out first")]
    WindowOccupied { window: WindowNo, clerk: ClerkId },
    #[error("this call has been repeated {cap} times, the most allowed")]
    RecallCapReached { cap: u32 },
    #[error("ticket {number} is {status}; it cannot be {action} now")]
    WrongState {
        number: TicketNumber,
        /// Named apart from the problem's HTTP `status`.
        #[serde(rename = "ticket_status")]
        status: Status,
        action: &'static str,
    },
    #[error("window {window} does not serve queue {queue}")]
    QueueNotServed { window: WindowNo, queue: QueueId },
    #[error("ticket {number} is not held at window {window}")]
    NotHeldHere {
        window: WindowNo,
        number: TicketNumber,
    },
    #[error("ticket {number} is already in queue {queue}")]
    SameQueue {
        number: TicketNumber,
        queue: QueueId,
    },
    #[error("{what} may not {action}")]
    Forbidden { what: String, action: &'static str },
    #[error("clerk {clerk} is not in this hall")]
    UnknownClerk { clerk: ClerkId },
    #[error("a rating pad or display cannot {action}")]
    WrongDevice { action: &'static str },
    #[error("{outcome} needs the item handled: give \"item\"")]
    NeedsItem { outcome: &'static str },
    #[error("{material:?} is not a material of item {item}")]
    UnknownMaterial { item: String, material: String },
    #[error("a tell-once notice lists the missing materials: none was given")]
    NothingMissing,
    #[error("no tell-once notice {notice}")]
    UnknownNotice { notice: String },
    #[error("no visit at window {window} is waiting for a rating")]
    NoRatingRequest { window: WindowNo },
    #[error("ticket {number} was rated already")]
    AlreadyRated { number: TicketNumber },
    #[error("ticket {ticket} cannot be rated now: {why}")]
    NotRatable { ticket: String, why: &'static str },
    #[error("{reason:?} is not a reason offered with this level")]
    UnknownReason { reason: String },
    #[error("no rectification {rectification}")]
    UnknownRectification { rectification: String },
    #[error("rectification {rectification} is {state:?}; it cannot be {action:?} now")]
    WrongRectificationState {
        rectification: String,
        state: crate::rating::RectificationState,
        action: crate::rating::RectifyAction,
    },
    #[error("no alert {alert} holds now")]
    UnknownAlert { alert: String },
    #[error("no case {case}")]
    UnknownCase { case: String },
    #[error("case {case} cannot do that: {why}")]
    WrongCaseState { case: String, why: &'static str },
    #[error("this step needs a note")]
    NoteNeeded,
    #[error("this session has ended; sign in again")]
    SessionEnded,
    #[error("ticket {ticket} is from a past day")]
    PastTicket { ticket: TicketId },
}

impl Rejection {
    /// The stable machine code, e.g. `"queue_closed"` (the problem's `type` ends with it).
    pub fn code(&self) -> &'static str {
        match self {
            Rejection::UnknownItem { .. } => "unknown_item",
            Rejection::UnknownQueue { .. } => "unknown_queue",
            Rejection::UnknownWindow { .. } => "unknown_window",
            Rejection::UnknownTicket { .. } => "unknown_ticket",
            Rejection::QueueClosed { .. } => "queue_closed",
            Rejection::DailyCapReached { .. } => "daily_cap_reached",
            Rejection::SlotFull { .. } => "slot_full",
            Rejection::WindowPaused { .. } => "window_paused",
            Rejection::AlreadyPaused { .. } => "already_paused",
            Rejection::NotPaused { .. } => "not_paused",
            Rejection::WindowBusy { .. } => "window_busy",
            Rejection::NoCurrentTicket { .. } => "no_current_ticket",
            Rejection::NoTicketWaiting { .. } => "no_ticket_waiting",
            Rejection::NotYourWindow { .. } => "not_your_window",
            Rejection::WindowOccupied { .. } => "window_occupied",
            Rejection::RecallCapReached { .. } => "recall_cap_reached",
            Rejection::WrongState { .. } => "wrong_state",
            Rejection::QueueNotServed { .. } => "queue_not_served",
            Rejection::NotHeldHere { .. } => "not_held_here",
            Rejection::SameQueue { .. } => "same_queue",
            Rejection::Forbidden { .. } => "forbidden",
            Rejection::UnknownClerk { .. } => "unknown_clerk",
            Rejection::WrongDevice { .. } => "wrong_device",
            Rejection::SessionEnded => "session_ended",
            Rejection::NoRatingRequest { .. } => "no_rating_request",
            Rejection::AlreadyRated { .. } => "already_rated",
            Rejection::NotRatable { .. } => "not_ratable",
            Rejection::UnknownReason { .. } => "unknown_reason",
            Rejection::UnknownRectification { .. } => "unknown_rectification",
            Rejection::WrongRectificationState { .. } => "wrong_rectification_state",
            Rejection::NoteNeeded => "note_needed",
            Rejection::UnknownCase { .. } => "unknown_case",
            Rejection::UnknownAlert { .. } => "unknown_alert",
            Rejection::WrongCaseState { .. } => "wrong_case_state",
            Rejection::NeedsItem { .. } => "needs_item",
            Rejection::UnknownMaterial { .. } => "unknown_material",
            Rejection::NothingMissing => "nothing_missing",
            Rejection::UnknownNotice { .. } => "unknown_notice",
            Rejection::PastTicket { .. } => "past_ticket",
        }
    }

    /// HTTP status: 404 for what does not exist, 403 for who may not, 409 for the hall's state.
    pub fn http_status(&self) -> u16 {
        match self {
            Rejection::UnknownItem { .. }
            | Rejection::UnknownQueue { .. }
            | Rejection::UnknownWindow { .. }
            | Rejection::UnknownTicket { .. }
            | Rejection::UnknownNotice { .. }
            | Rejection::UnknownRectification { .. }
            | Rejection::UnknownCase { .. }
            | Rejection::UnknownAlert { .. } => 404,
            Rejection::NeedsItem { .. }
            | Rejection::UnknownMaterial { .. }
            | Rejection::NothingMissing
            | Rejection::UnknownReason { .. }
            | Rejection::NoteNeeded => 422,
            Rejection::PastTicket { .. } => 410,
            Rejection::SessionEnded => 401,
            Rejection::NotYourWindow { .. }
            | Rejection::Forbidden { .. }
            | Rejection::WrongDevice { .. }
            | Rejection::UnknownClerk { .. } => 403,
            _ => 409,
        }
    }

    /// A short title, zh-CN then English.
    pub fn title(&self) -> &'static str {
        match self {
            Rejection::UnknownItem { .. } => "没有该事项 / Unknown service item",
            Rejection::UnknownQueue { .. } => "没有该队列 / Unknown queue",
            Rejection::UnknownWindow { .. } => "没有该窗口 / Unknown window",
            Rejection::UnknownTicket { .. } => "没有该号码 / Unknown ticket",
            Rejection::QueueClosed { .. } => "当前不在取号时间 / Queue closed",
            Rejection::DailyCapReached { .. } => "今日号源已满 / Daily cap reached",
            Rejection::SlotFull { .. } => "本时段号源已满 / Time slot full",
            Rejection::WindowPaused { .. } => "窗口暂停服务 / Window paused",
            Rejection::AlreadyPaused { .. } => "窗口已暂停 / Window already paused",
            Rejection::NotPaused { .. } => "窗口未暂停 / Window not paused",
            Rejection::WindowBusy { .. } => "窗口有未完成的号 / Window busy",
            Rejection::NoCurrentTicket { .. } => "窗口没有当前号 / No current ticket",
            Rejection::NoTicketWaiting { .. } => "没有等候的号 / No ticket waiting",
            Rejection::NotYourWindow { .. } => "不是您的窗口 / Not your window",
            Rejection::WindowOccupied { .. } => "窗口已有人登录 / Window occupied",
            Rejection::RecallCapReached { .. } => "重呼次数已满 / Recall cap reached",
            Rejection::WrongState { .. } => "号码状态不允许此操作 / Wrong ticket state",
            Rejection::QueueNotServed { .. } => "本窗口不办理该队列 / Queue not served here",
            Rejection::NotHeldHere { .. } => "该号未在本窗口挂起 / Ticket not held here",
            Rejection::SameQueue { .. } => "已在该队列 / Already in that queue",
            Rejection::Forbidden { .. } => "无权操作 / Forbidden",
            Rejection::UnknownClerk { .. } => "没有该工作人员 / Unknown clerk",
            Rejection::WrongDevice { .. } => "设备无权操作 / Wrong device",
            Rejection::SessionEnded => "会话已结束 / Session ended",
            Rejection::NoRatingRequest { .. } => "暂无待评价的办件 / Nothing to rate",
            Rejection::AlreadyRated { .. } => "已评价 / Already rated",
            Rejection::NotRatable { .. } => "无法评价 / Cannot be rated",
            Rejection::UnknownReason { .. } => "评价标签无效 / Unknown reason",
            Rejection::UnknownRectification { .. } => "没有该整改单 / Unknown rectification",
            Rejection::WrongRectificationState { .. } => {
                "整改状态不允许此操作 / Wrong rectification state"
            }
            Rejection::NoteNeeded => "请填写说明 / A note is needed",
            Rejection::UnknownCase { .. } => "没有该办件 / Unknown case",
            Rejection::UnknownAlert { .. } => "没有该告警 / Unknown alert",
            Rejection::WrongCaseState { .. } => "办件状态不允许此操作 / Wrong case state",
            Rejection::NeedsItem { .. } => "请选择办理事项 / Item needed",
            Rejection::UnknownMaterial { .. } => "该事项无此材料 / Unknown material",
            Rejection::NothingMissing => "请勾选缺少的材料 / No missing material given",
            Rejection::UnknownNotice { .. } => "没有该告知书 / Unknown notice",
            Rejection::PastTicket { .. } => "过期号码 / Ticket from a past day",
        }
    }
}
