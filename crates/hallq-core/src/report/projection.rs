//! The facts reports are made of, folded from the event log one event at a time.
//!
//! [`Projection::apply`] is the only way facts change, and every report, figure and chart is
//! computed from the facts alone at the time it is asked for: a projection kept up to date event
//! by event (the server's) and one rebuilt from the whole log (the `hallq report` command) give
//! the same numbers at the same `seq`.

use crate::event::{Envelope, Event};
use crate::hall::Hall;
use crate::ids::{ClerkId, DeviceId, ItemCode, QueueId, TicketId, WindowNo};
use crate::rating::{RatingLevel, RectificationState, RectifyAction};
use crate::state::Outcome;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How a ticket's day ended, so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum End {
    Open,
    Served,
    NoShow,
    Cancelled,
    Expired,
}

/// A stretch of time a ticket spent waiting in a queue (issue or transfer to the next call).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct WaitSpan {
    pub queue: QueueId,
    pub from: Timestamp,
    pub to: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct TicketFact {
    pub day: Date,
    pub number: String,
    /// The queue it is in now (after transfers).
    pub queue: QueueId,
    pub item: Option<ItemCode>,
    pub issued_at: Timestamp,
    /// The first call: when, where, by whom (the first-contact owner, 首问负责).
    pub first_call: Option<(Timestamp, WindowNo, ClerkId)>,
    /// The window and clerk that last called it.
    pub window: Option<WindowNo>,
    pub clerk: Option<ClerkId>,
    pub end: End,
    pub service_s: Option<u32>,
    pub outcome: Option<Outcome>,
    pub transferred: bool,
    /// The tell-once notice this ticket brought back (a second trip).
    pub cites: Option<String>,
    pub waiting: Vec<WaitSpan>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct TransferFact {
    pub day: Date,
    pub window: WindowNo,
    pub clerk: ClerkId,
    pub item: Option<ItemCode>,
    pub from_queue: QueueId,
    pub reason: Option<String>,
    /// Made by the ticket's first-contact owner.
    pub by_first: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct PauseFact {
    pub day: Date,
    pub window: WindowNo,
    pub clerk: ClerkId,
    pub reason: String,
    pub since: Timestamp,
    pub until: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct FixFact {
    pub id: String,
    pub state: RectificationState,
    /// Rectify by (整改期限).
    pub due: Date,
    pub visit_back_due: Date,
    pub visited_back: Option<Date>,
    pub rectified: Option<Date>,
    pub upheld: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct RatingFact {
    pub day: Date,
    pub ticket: TicketId,
    pub window: WindowNo,
    pub clerk: ClerkId,
    pub item: Option<ItemCode>,
    pub queue: Option<QueueId>,
    pub level: RatingLevel,
    pub count: u8,
    pub reasons: Vec<String>,
    pub fix: Option<FixFact>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct CaseFact {
    pub accepted: Date,
    pub item: ItemCode,
    pub window: WindowNo,
    pub clerk: ClerkId,
    pub queue: Option<QueueId>,
    pub due: Date,
    pub completed: Option<Date>,
    pub on_time: Option<bool>,
    pub handed_over: Option<Date>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct NoticeFact {
    pub day: Date,
    pub window: WindowNo,
    pub clerk: ClerkId,
    pub item: ItemCode,
    pub queue: Option<QueueId>,
}

/// A print failure or a device going offline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct DeviceFact {
    pub day: Date,
    pub offline: bool,
    /// The ticket number (print failures) or the device id.
    pub subject: String,
    pub window: Option<WindowNo>,
}

/// Everything the reports need from the log, kept as facts (one per ticket, transfer, pause,
/// rating, case, notice, device incident).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Projection {
    /// The last event folded in.
    pub seq: u64,
    pub at: Option<Timestamp>,
    /// The business day of the last event.
    pub day: Option<Date>,
    pub(crate) tickets: BTreeMap<TicketId, TicketFact>,
    pub(crate) transfers: Vec<TransferFact>,
    pub(crate) pauses: Vec<PauseFact>,
    /// Open pauses: window → index into `pauses`.
    pub(crate) open_pauses: BTreeMap<WindowNo, usize>,
    pub(crate) ratings: BTreeMap<String, RatingFact>,
    /// Fix id → rating id.
    pub(crate) fix_of: BTreeMap<String, String>,
    pub(crate) cases: BTreeMap<String, CaseFact>,
    pub(crate) notices: BTreeMap<String, NoticeFact>,
    pub(crate) devices: Vec<DeviceFact>,
}

impl Projection {
    /// A projection of these events, folded from nothing.
    pub fn fold<'a>(hall: &Hall, events: impl IntoIterator<Item = &'a Envelope>) -> Projection {
        let mut p = Projection::default();
        for env in events {
            p.apply(hall, env);
        }
        p
    }

    /// Folds one committed event in. Events at or below `seq` are ignored, so a driver may
    /// hand the same page of the log twice.
    pub fn apply(&mut self, hall: &Hall, env: &Envelope) {
        if self.at.is_some() && env.seq <= self.seq {
            return;
        }
        self.seq = env.seq;
        self.at = Some(env.at);
        let at = env.at;
        let day = hall.calendar.business_day(at);
        self.day = Some(day);
        match &env.event {
            Event::TicketIssued {
                ticket,
                number,
                day,
                queue,
                item,
                notice,
                ..
            } => {
                self.tickets.insert(
                    ticket.clone(),
                    TicketFact {
                        day: *day,
                        number: number.to_string(),
                        queue: queue.clone(),
                        item: item.clone(),
                        issued_at: at,
                        first_call: None,
                        window: None,
                        clerk: None,
                        end: End::Open,
                        service_s: None,
                        outcome: None,
                        transferred: false,
                        cites: notice.clone(),
                        waiting: vec![WaitSpan {
                            queue: queue.clone(),
                            from: at,
                            to: None,
                        }],
                    },
                );
            }
            Event::TicketCalled {
                ticket,
                window,
                clerk,
                ..
            }
            | Event::TicketCalledBack {
                ticket,
                window,
                clerk,
                ..
            } => {
                if let Some(t) = self.tickets.get_mut(ticket) {
                    t.first_call.get_or_insert((at, *window, clerk.clone()));
                    t.window = Some(*window);
                    t.clerk = Some(clerk.clone());
                    t.stop_waiting(at);
                }
            }
            Event::TicketFinished {
                ticket,
                window,
                clerk,
                service_s,
                outcome,
                item,
                ..
            } => {
                if let Some(t) = self.tickets.get_mut(ticket) {
                    t.end = End::Served;
                    t.window = Some(*window);
                    t.clerk = Some(clerk.clone());
                    t.service_s = Some(*service_s);
                    t.outcome = *outcome;
                    if item.is_some() {
                        t.item = item.clone();
                    }
                }
            }
            Event::TicketNoShow { ticket, window, .. } => {
                if let Some(t) = self.tickets.get_mut(ticket) {
                    t.end = End::NoShow;
                    t.window = Some(*window);
                }
            }
            Event::TicketCancelled { ticket, .. } => {
                if let Some(t) = self.tickets.get_mut(ticket) {
                    t.end = End::Cancelled;
                    t.stop_waiting(at);
                }
            }
            Event::TicketExpired { ticket, .. } => {
                if let Some(t) = self.tickets.get_mut(ticket) {
                    t.end = End::Expired;
                    t.stop_waiting(at);
                }
            }
            Event::TicketTransferred {
                ticket,
                from_queue,
                to_queue,
                window,
                clerk,
                reason,
                ..
            } => {
                let Some(t) = self.tickets.get_mut(ticket) else {
                    return;
                };
                t.transferred = true;
                t.queue = to_queue.clone();
                t.stop_waiting(at);
                t.waiting.push(WaitSpan {
                    queue: to_queue.clone(),
                    from: at,
                    to: None,
                });
                let by_first = t.first_call.as_ref().is_some_and(|(_, _, c)| c == clerk);
                let item = t.item.clone();
                self.transfers.push(TransferFact {
                    day,
                    window: *window,
                    clerk: clerk.clone(),
                    item,
                    from_queue: from_queue.clone(),
                    reason: reason.clone(),
                    by_first,
                });
            }
            Event::WindowPaused {
                window,
                clerk,
                reason,
                ..
            } => {
                self.end_pause(*window, at);
                self.open_pauses.insert(*window, self.pauses.len());
                self.pauses.push(PauseFact {
                    day,
                    window: *window,
                    clerk: clerk.clone(),
                    reason: reason.clone(),
                    since: at,
                    until: None,
                });
            }
            Event::WindowResumed { window, .. } | Event::WindowClosed { window, .. } => {
                self.end_pause(*window, at);
            }
            Event::CaseAccepted {
                case,
                ticket,
                item,
                window,
                clerk,
                due,
                ..
            } => {
                let queue = self.tickets.get(ticket).map(|t| t.queue.clone());
                self.cases.insert(
                    case.clone(),
                    CaseFact {
                        accepted: day,
                        item: item.clone(),
                        window: *window,
                        clerk: clerk.clone(),
                        queue,
                        due: *due,
                        completed: None,
                        on_time: None,
                        handed_over: None,
                    },
                );
            }
            Event::CaseCompleted { case, on_time, .. } => {
                if let Some(c) = self.cases.get_mut(case) {
                    c.completed = Some(day);
                    c.on_time = Some(*on_time);
                }
            }
            Event::CaseHandedOver { case, .. } => {
                if let Some(c) = self.cases.get_mut(case) {
                    c.handed_over = Some(day);
                }
            }
            Event::NoticeIssued {
                notice,
                ticket,
                item,
                window,
                clerk,
                ..
            } => {
                let queue = self.tickets.get(ticket).map(|t| t.queue.clone());
                self.notices.insert(
                    notice.clone(),
                    NoticeFact {
                        day,
                        window: *window,
                        clerk: clerk.clone(),
                        item: item.clone(),
                        queue,
                    },
                );
            }
            Event::TicketRated {
                rating,
                ticket,
                item,
                level,
                reasons,
                window,
                clerk,
                count,
                ..
            } => {
                let t = self.tickets.get(ticket);
                self.ratings.insert(
                    rating.clone(),
                    RatingFact {
                        day,
                        ticket: ticket.clone(),
                        window: *window,
                        clerk: clerk.clone(),
                        item: item.clone().or_else(|| t.and_then(|t| t.item.clone())),
                        queue: t.map(|t| t.queue.clone()),
                        level: *level,
                        count: *count,
                        reasons: reasons.clone(),
                        fix: None,
                    },
                );
            }
            Event::RectificationOpened {
                rectification,
                rating,
                rectify_due,
                visit_back_due,
                ..
            } => {
                if let Some(r) = self.ratings.get_mut(rating) {
                    r.fix = Some(FixFact {
                        id: rectification.clone(),
                        state: RectificationState::Open,
                        due: *rectify_due,
                        visit_back_due: *visit_back_due,
                        visited_back: None,
                        rectified: None,
                        upheld: false,
                    });
                    self.fix_of.insert(rectification.clone(), rating.clone());
                }
            }
            Event::RectificationProgressed {
                rectification,
                action,
                state,
                ..
            } => {
                let fix = self
                    .fix_of
                    .get(rectification)
                    .and_then(|r| self.ratings.get_mut(r))
                    .and_then(|r| r.fix.as_mut());
                if let Some(fix) = fix {
                    fix.state = *state;
                    match action {
                        RectifyAction::VisitBack => fix.visited_back = Some(day),
                        RectifyAction::Rectify => fix.rectified = Some(day),
                        RectifyAction::UpholdAppeal => fix.upheld = true,
                        _ => {}
                    }
                }
            }
            Event::PrintFailed { number, .. } => self.devices.push(DeviceFact {
                day,
                offline: false,
                subject: number.to_string(),
                window: None,
            }),
            Event::DeviceStatus {
                device,
                online: false,
                ..
            } => self.devices.push(DeviceFact {
                day,
                offline: true,
                subject: device.to_string(),
                window: device_window(hall, device),
            }),
            _ => {}
        }
    }

    fn end_pause(&mut self, window: WindowNo, at: Timestamp) {
        if let Some(i) = self.open_pauses.remove(&window) {
            self.pauses[i].until = Some(at);
        }
    }
}

impl TicketFact {
    fn stop_waiting(&mut self, at: Timestamp) {
        if let Some(span) = self.waiting.last_mut()
            && span.to.is_none()
        {
            span.to = Some(at);
        }
    }

    /// Issue to first call, in seconds.
    pub(crate) fn wait_s(&self) -> Option<u32> {
        self.first_call
            .as_ref()
            .map(|(c, _, _)| secs_between(self.issued_at, *c))
    }
}

pub(crate) fn secs_between(from: Timestamp, to: Timestamp) -> u32 {
    to.duration_since(from).as_secs().clamp(0, u32::MAX as i64) as u32
}

fn device_window(hall: &Hall, device: &DeviceId) -> Option<WindowNo> {
    hall.devices_by_token_hash
        .values()
        .find(|d| &d.id == device)
        .and_then(|d| d.window)
}
