//! Read models computed from the state: a ticket as clients see it, the live hall, wait
//! estimates. Pure functions of (hall, state, now).

use crate::hall::Hall;
use crate::ids::{ClerkId, ItemCode, QueueId, TicketId, TicketNumber, WindowNo};
use crate::state::{HallState, Priority, Status, Ticket};
use jiff::Timestamp;
use serde::Serialize;

/// A ticket as the API returns it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TicketView {
    pub id: TicketId,
    pub number: TicketNumber,
    pub queue: QueueId,
    pub item: Option<ItemCode>,
    pub priority: Priority,
    pub issued_at: Timestamp,
    pub status: Status,
    /// People who will be called before this ticket (0 once called).
    pub ahead: u32,
    pub estimated_wait_s: u32,
    /// The window it was called to, once called.
    pub window: Option<WindowNo>,
    pub recalls: u32,
    pub transfers: u32,
    /// Last digits of the ID number, when one was given (as printed on the ticket).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_tail: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub green_reason: Option<crate::state::GreenReason>,
    /// Successful prints so far (a reprint is 补打).
    pub prints: u32,
    /// The last print attempt failed.
    pub print_failed: bool,
    /// What came of the visit, once finished.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<crate::state::Outcome>,
    /// The case accepted for it and its due date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub case: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due: Option<jiff::civil::Date>,
    /// The tell-once notice it cites or was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
    /// The reason of its last referral.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub referral: Option<String>,
    /// The first clerk who called it (首问负责).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_clerk: Option<ClerkId>,
    /// When it was last called, when service started, when it ended.
    pub called_at: Option<Timestamp>,
    pub started_at: Option<Timestamp>,
    pub ended_at: Option<Timestamp>,
}

pub fn ticket_view(hall: &Hall, state: &HallState, t: &Ticket) -> TicketView {
    let ahead = ahead_of(state, t);
    TicketView {
        id: t.id.clone(),
        number: t.number.clone(),
        queue: t.queue.clone(),
        item: t.item.clone(),
        priority: t.priority,
        issued_at: t.issued_at,
        status: t.status,
        ahead,
        estimated_wait_s: if t.status == Status::Waiting {
            estimate_wait_s(hall, state, &t.queue, ahead)
        } else {
            0
        },
        window: t.window,
        recalls: t.recalls,
        transfers: t.transfers,
        id_tail: t.id_tag.as_ref().map(|tag| tag.tail.clone()),
        green_reason: t.green_reason,
        prints: t.prints,
        print_failed: t.print_failed,
        outcome: t.outcome,
        case: t.case.clone(),
        due: t
            .case
            .as_ref()
            .and_then(|c| state.cases.get(c))
            .map(|c| c.due),
        notice: t.notice.clone(),
        referral: t.referral.clone(),
        first_clerk: t.first_clerk.clone(),
        called_at: t.called_at,
        started_at: t.started_at,
        ended_at: t.ended_at,
    }
}

/// How many waiting tickets of the same queue go before `t`: priority tickets before normal
/// ones, then by issue time. (An approximation under an interleave ratio; the simulator issue
/// measures and improves it.)
pub fn ahead_of(state: &HallState, t: &Ticket) -> u32 {
    if t.status != Status::Waiting {
        return 0;
    }
    let key = |x: &Ticket| (!x.priority.is_priority(), x.issued_at, x.order);
    let mine = key(t);
    state
        .waiting_in(&t.queue)
        .filter(|o| o.id != t.id && key(o) < mine)
        .count() as u32
}

/// Seconds until a ticket with `ahead` people before it is called: each open window serving the
/// queue (signed in, not paused) takes one person per mean recent service time. With no window
/// open, the configured windows are assumed to open.
pub fn estimate_wait_s(hall: &Hall, state: &HallState, queue: &QueueId, ahead: u32) -> u32 {
    if ahead == 0 {
        return 0;
    }
    let serving: Vec<_> = hall.windows_serving(queue).collect();
    let open = serving
        .iter()
        .filter(|w| {
            state
                .windows
                .get(&w.number)
                .is_some_and(|ws| ws.clerk.is_some() && ws.paused.is_none())
        })
        .count();
    let servers = if open > 0 { open } else { serving.len().max(1) } as u64;
    let mean = match state.recent_service_s.get(queue) {
        Some(r) if !r.is_empty() => r.iter().map(|&s| s as u64).sum::<u64>() / r.len() as u64,
        _ => hall
            .queues
            .get(queue)
            .map_or(600, |q| q.default_service_s as u64),
    }
    .max(30);
    (ahead as u64 * mean).div_ceil(servers).min(u32::MAX as u64) as u32
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QueueLive {
    pub queue: QueueId,
    pub prefix: String,
    pub waiting: u32,
    pub longest_wait_s: u32,
    /// For a normal ticket taken now.
    pub estimated_wait_s: u32,
    /// Waiting reached the configured warning level.
    pub warning: bool,
    pub issued_today: u32,
    /// Whether a ticket can be taken now.
    pub open: bool,
    /// Why not, when it cannot: closed, daily cap reached, slot full.
    pub closed: Option<Refusal>,
}

/// A refusal as a kiosk tile shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Refusal {
    pub code: &'static str,
    pub title: &'static str,
    pub detail: String,
    /// The refusal's typed fields (`hours`, `cap`, `slot`, …), as in the API's problems.
    #[serde(flatten)]
    pub fields: serde_json::Map<String, serde_json::Value>,
}

impl From<&crate::Rejection> for Refusal {
    fn from(r: &crate::Rejection) -> Refusal {
        let mut fields = match serde_json::to_value(r) {
            Ok(serde_json::Value::Object(m)) => m,
            _ => serde_json::Map::new(),
        };
        fields.remove("code");
        Refusal {
            code: r.code(),
            title: r.title(),
            detail: r.to_string(),
            fields,
        }
    }
}

/// A device's health as the live view shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeviceLive {
    pub device: crate::ids::DeviceId,
    pub kind: crate::hall::DeviceKind,
    /// None until the log has news of it (a device is presumed online until it goes offline).
    pub online: Option<bool>,
    pub printer: Option<crate::state::PrinterState>,
    pub since: Option<Timestamp>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WindowStatus {
    /// Nobody signed in.
    Closed,
    Idle,
    Called,
    Serving,
    Paused,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WindowLive {
    pub window: WindowNo,
    pub state: WindowStatus,
    pub clerk: Option<ClerkId>,
    pub ticket: Option<TicketNumber>,
    pub since: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pause_reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub back_at: Option<Timestamp>,
    pub held: Vec<TicketNumber>,
    pub served_today: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Live {
    pub seq: u64,
    /// The controller's clock when it answered (pages time their timers by it).
    pub now: Timestamp,
    pub day: Option<jiff::civil::Date>,
    pub queues: Vec<QueueLive>,
    pub windows: Vec<WindowLive>,
    pub devices: Vec<DeviceLive>,
}

pub fn live(hall: &Hall, state: &HallState, now: Timestamp) -> Live {
    let queues = hall
        .queues
        .values()
        .map(|q| {
            let waiting: Vec<&Ticket> = state.waiting_in(&q.id).collect();
            let longest = waiting
                .iter()
                .map(|t| now.duration_since(t.issued_at).as_secs().max(0) as u32)
                .max()
                .unwrap_or(0);
            let n = waiting.len() as u32;
            let issuable = crate::decide::issuable(hall, state, &q.id, now);
            QueueLive {
                queue: q.id.clone(),
                prefix: q.prefix.clone(),
                waiting: n,
                longest_wait_s: longest,
                estimated_wait_s: estimate_wait_s(hall, state, &q.id, n),
                warning: q.warn_waiting.is_some_and(|w| n >= w),
                issued_today: state.counters.get(&q.id).copied().unwrap_or(0),
                open: issuable.is_ok(),
                closed: issuable.as_ref().err().map(Refusal::from),
            }
        })
        .collect();
    let windows = hall
        .windows
        .keys()
        .map(|n| {
            let ws = state.windows.get(n).cloned().unwrap_or_default();
            let current = ws.current.as_ref().and_then(|id| state.ticket(id));
            let st = match (&ws.clerk, &ws.paused, current.map(|t| t.status)) {
                (None, _, _) => WindowStatus::Closed,
                (_, Some(_), _) => WindowStatus::Paused,
                (_, _, Some(Status::Serving)) => WindowStatus::Serving,
                (_, _, Some(_)) => WindowStatus::Called,
                _ => WindowStatus::Idle,
            };
            WindowLive {
                window: *n,
                state: st,
                clerk: ws.clerk.clone(),
                ticket: current.map(|t| t.number.clone()),
                since: ws.since,
                pause_reason: ws.paused.as_ref().map(|p| p.reason.clone()),
                back_at: ws.paused.as_ref().and_then(|p| p.back_at),
                held: ws
                    .held
                    .iter()
                    .filter_map(|id| state.ticket(id))
                    .map(|t| t.number.clone())
                    .collect(),
                served_today: ws.served_today,
            }
        })
        .collect();
    let devices = hall
        .devices_by_token_hash
        .values()
        .map(|d| {
            let h = state.devices.get(&d.id);
            DeviceLive {
                device: d.id.clone(),
                kind: d.kind,
                online: h.map(|h| h.online),
                printer: h.and_then(|h| h.printer),
                since: h.and_then(|h| h.since),
            }
        })
        .collect();
    Live {
        seq: state.seq,
        now,
        day: state.day,
        queues,
        windows,
        devices,
    }
}

/// One window as the clerk's console shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WindowDetail {
    #[serde(flatten)]
    pub live: WindowLive,
    /// The current ticket, in full.
    pub current: Option<TicketView>,
    /// Waiting tickets in exactly the order call-next will take them.
    pub waiting: Vec<TicketView>,
    /// Tickets held here.
    pub held_tickets: Vec<TicketView>,
    /// Tickets this window served today and that are done (finished, no-show), newest first.
    pub today: Vec<TicketView>,
}

pub fn window_detail(
    hall: &Hall,
    state: &HallState,
    n: WindowNo,
    now: Timestamp,
) -> Option<WindowDetail> {
    let window = hall.windows.get(&n)?;
    let live = live(hall, state, now)
        .windows
        .into_iter()
        .find(|w| w.window == n)?;
    let ws = state.windows.get(&n).cloned().unwrap_or_default();
    let view = |t: &Ticket| ticket_view(hall, state, t);
    let mut today: Vec<&Ticket> = state
        .tickets
        .values()
        .filter(|t| t.window == Some(n) && !t.status.is_open())
        .collect();
    today.sort_by_key(|t| std::cmp::Reverse((t.ended_at, t.order)));
    Some(WindowDetail {
        live,
        current: ws
            .current
            .as_ref()
            .and_then(|id| state.ticket(id))
            .map(view),
        waiting: crate::decide::call_order(hall, state, window)
            .into_iter()
            .map(view)
            .collect(),
        held_tickets: ws
            .held
            .iter()
            .filter_map(|id| state.ticket(id))
            .map(view)
            .collect(),
        today: today.into_iter().map(view).collect(),
    })
}

/// The hall's figures for today, for the supervisor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Today {
    pub day: Option<jiff::civil::Date>,
    pub issued: u32,
    pub waiting: u32,
    pub served: u32,
    pub no_show: u32,
    /// Waits of the tickets called today, issue to (latest) call, in seconds.
    pub wait_mean_s: Option<u32>,
    pub wait_p50_s: Option<u32>,
    pub wait_p90_s: Option<u32>,
    /// The share of those called within `policies.target_wait_minutes`, per mille.
    pub within_target_permille: Option<u32>,
    pub target_wait_minutes: u32,
    /// No-shows ÷ (served + no-shows), per mille.
    pub no_show_permille: Option<u32>,
    /// First ratings ÷ visits finished today, per mille (主动评价率).
    pub rating_coverage_permille: Option<u32>,
    /// Ratings not bad ÷ ratings, per mille (满意率).
    pub satisfaction_permille: Option<u32>,
}

/// Today's figures from the working state (today's tickets and visits).
pub fn today(hall: &Hall, state: &HallState) -> Today {
    use crate::report::{Stats, permille};
    // Issue to first call, as in the reports (an older snapshot may know only the latest call).
    let waits: Vec<u32> = state
        .tickets
        .values()
        .filter_map(|t| {
            t.first_called_at
                .or(t.called_at)
                .map(|c| c.duration_since(t.issued_at).as_secs().max(0) as u32)
        })
        .collect();
    let count = |s: Status| state.tickets.values().filter(|t| t.status == s).count() as u32;
    let (served, no_show) = (count(Status::Finished), count(Status::NoShow));
    let target_s = hall.config.policies.target_wait_minutes.saturating_mul(60);
    let within = waits.iter().filter(|&&w| w <= target_s).count() as u32;
    let called = waits.len() as u32;
    let wait = Stats::of(waits);
    let visits: Vec<_> = state
        .visits
        .values()
        .filter(|v| {
            state
                .day
                .is_some_and(|d| hall.calendar.business_day(v.finished_at) == d)
        })
        .collect();
    let rated: Vec<_> = visits.iter().filter_map(|v| v.rated).collect();
    let good = rated.iter().filter(|l| !l.is_bad()).count() as u32;
    Today {
        day: state.day,
        issued: state.tickets.len() as u32,
        waiting: count(Status::Waiting),
        served,
        no_show,
        wait_mean_s: wait.mean_s,
        wait_p50_s: wait.p50_s,
        wait_p90_s: wait.p90_s,
        within_target_permille: permille(within, called),
        target_wait_minutes: hall.config.policies.target_wait_minutes,
        no_show_permille: permille(no_show, served + no_show),
        rating_coverage_permille: permille(rated.len() as u32, visits.len() as u32),
        satisfaction_permille: permille(good, rated.len() as u32),
    }
}

/// The away message a paused window's LED strip shows: the reason and, when given, the local
/// return time, `"去窗口后台复印材料 10:30返回"`. One wording for the strips and their preview.
pub fn away_text(
    reason: Option<&str>,
    back_at: Option<Timestamp>,
    tz: &jiff::tz::TimeZone,
) -> String {
    let mut text = reason.unwrap_or("").trim().to_owned();
    if let Some(at) = back_at {
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(&format!("{}返回", tz.to_datetime(at).strftime("%H:%M")));
    }
    text
}
