//! Alerts for the supervisor: conditions read off the state at `now`, each with a stable id, and
//! the supervisor's acknowledgement of each as an event. An acknowledged alert stays quiet; a
//! condition that comes back later (a new ticket, a new pause) is a new alert with a new id.

use crate::hall::Hall;
use crate::ids::{DeviceId, TicketId, TicketNumber, WindowNo};
use crate::rating::RectificationState;
use crate::state::{HallState, PrinterState, Status};
use jiff::Timestamp;
use serde::Serialize;

/// What an alert is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AlertKind {
    /// A ticket has waited longer than the wait alarm.
    LongWait {
        ticket: TicketId,
        number: TicketNumber,
        waited_s: u32,
    },
    /// So many people in one queue waited past the alarm that an emergency window should open.
    OpenEmergencyWindow { queue: String, over_alarm: u32 },
    /// A service runs longer than the configured multiple of the item's expected minutes.
    LongService {
        ticket: TicketId,
        number: TicketNumber,
        window: WindowNo,
        service_s: u32,
        expected_s: u32,
    },
    /// A window has been paused too long.
    LongPause {
        window: WindowNo,
        reason: String,
        paused_s: u32,
    },
    /// A bad rating whose fix is still open.
    BadRating {
        rectification: String,
        window: WindowNo,
        overdue: bool,
    },
    /// A ticket's print failed and it has not been reprinted.
    PrintFailed {
        ticket: TicketId,
        number: TicketNumber,
    },
    /// A device is offline, or its printer needs someone.
    Device {
        device: DeviceId,
        online: bool,
        printer: Option<PrinterState>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Alert {
    /// Stable while the condition lasts: what an acknowledgement names.
    pub id: String,
    #[serde(flatten)]
    pub kind: AlertKind,
    pub acknowledged: bool,
}

fn secs(from: Timestamp, to: Timestamp) -> u32 {
    to.duration_since(from).as_secs().max(0) as u32
}

/// Every alert that holds at `now`, acknowledged ones marked, in a stable order.
pub fn alerts(hall: &Hall, state: &HallState, now: Timestamp) -> Vec<Alert> {
    let alarm_s = hall.wait_alarm_minutes * 60;
    let p = &hall.config.policies;
    let mut out = Vec::new();
    let mut over_alarm: std::collections::BTreeMap<String, u32> = Default::default();
    for t in state.tickets.values() {
        match t.status {
            Status::Waiting => {
                let waited_s = secs(t.issued_at, now);
                if waited_s >= alarm_s {
                    *over_alarm.entry(t.queue.to_string()).or_default() += 1;
                    out.push((
                        format!("wait:{}", t.id),
                        AlertKind::LongWait {
                            ticket: t.id.clone(),
                            number: t.number.clone(),
                            waited_s,
                        },
                    ));
                }
            }
            Status::Serving => {
                let expected_s = t
                    .item
                    .as_ref()
                    .and_then(|i| hall.items.get(i))
                    .map(|i| i.service_minutes * 60)
                    .or_else(|| hall.queues.get(&t.queue).map(|q| q.default_service_s))
                    .unwrap_or(600);
                let service_s = t.started_at.map_or(0, |s| secs(s, now));
                if let (Some(window), true) =
                    (t.window, service_s > expected_s * p.service_overrun_factor)
                {
                    out.push((
                        format!("service:{}", t.id),
                        AlertKind::LongService {
                            ticket: t.id.clone(),
                            number: t.number.clone(),
                            window,
                            service_s,
                            expected_s,
                        },
                    ));
                }
            }
            _ => {}
        }
        if t.print_failed && t.status.is_open() {
            out.push((
                format!("print:{}", t.id),
                AlertKind::PrintFailed {
                    ticket: t.id.clone(),
                    number: t.number.clone(),
                },
            ));
        }
    }
    for (queue, n) in over_alarm {
        if n >= p.emergency_waiting {
            let day = state.day.map_or(String::new(), |d| d.to_string());
            out.push((
                format!("emergency:{day}:{queue}"),
                AlertKind::OpenEmergencyWindow {
                    queue,
                    over_alarm: n,
                },
            ));
        }
    }
    for (n, w) in &state.windows {
        if let (Some(pause), Some(_)) = (&w.paused, &w.clerk) {
            let paused_s = secs(pause.since, now);
            if paused_s > p.pause_alarm_minutes * 60 {
                out.push((
                    format!("pause:{n}:{}", pause.since.as_second()),
                    AlertKind::LongPause {
                        window: *n,
                        reason: pause.reason.clone(),
                        paused_s,
                    },
                ));
            }
        }
    }
    let today = state.day.unwrap_or_else(|| hall.calendar.business_day(now));
    for r in state.rectifications.values() {
        if matches!(
            r.state,
            RectificationState::Open | RectificationState::VisitedBack
        ) {
            out.push((
                format!("rating:{}", r.id),
                AlertKind::BadRating {
                    rectification: r.id.clone(),
                    window: r.window,
                    overdue: r.overdue(today),
                },
            ));
        }
    }
    for (id, d) in &state.devices {
        let printer_trouble = d
            .printer
            .is_some_and(|p| !matches!(p, PrinterState::Ok | PrinterState::PaperLow));
        if !d.online || printer_trouble {
            let since = d.since.map_or(0, |s| s.as_second());
            out.push((
                format!("device:{id}:{since}"),
                AlertKind::Device {
                    device: id.clone(),
                    online: d.online,
                    printer: d.printer,
                },
            ));
        }
    }
    out.into_iter()
        .map(|(id, kind)| Alert {
            acknowledged: state.acknowledged.contains(&id),
            id,
            kind,
        })
        .collect()
}
