//! `decide`: a command, the state and `now` in; events or a refusal out. Nothing here mutates,
//! reads a clock or touches I/O.

use crate::command::{Actor, Command, IssueTarget, IssueTicket};
use crate::event::{CloseReason, Event, HoldReason};
use crate::hall::{DeviceKind, Hall, Interleave, Window};
use crate::ids::{ClerkId, DeviceId, QueueId, SessionId, TicketId, TicketNumber, WindowNo};
use crate::rejection::Rejection;
use crate::state::{
    GreenReason, HallState, Outcome, PrinterState, Priority, Status, Ticket, ticket_id,
};
use jiff::Timestamp;
use jiff::civil::Date;
use std::collections::BTreeSet;

/// The events that close the previous business day when `now` has passed local midnight: every
/// open ticket of the old day expires, then the day rolls. Empty on the same day, and empty if
/// the clock went backwards (a day never rolls back).
pub fn roll_day(hall: &Hall, state: &HallState, now: Timestamp) -> Vec<Event> {
    let today = hall.calendar.business_day(now);
    if state.day.is_some_and(|d| d >= today) {
        return Vec::new();
    }
    let mut events: Vec<Event> = state
        .tickets
        .values()
        .filter(|t| t.status.is_open() && t.day < today)
        .map(|t| Event::TicketExpired {
            ticket: t.id.clone(),
            number: t.number.clone(),
            day: t.day,
            was: t.status,
        })
        .collect();
    events.push(Event::DayRolled {
        from: state.day,
        to: today,
    });
    events
}

/// Decides a command. The caller has applied [`roll_day`]'s events for `now` first, so the
/// state's business day is today's.
pub fn decide(
    hall: &Hall,
    state: &HallState,
    actor: &Actor,
    command: &Command,
    now: Timestamp,
) -> Result<Vec<Event>, Rejection> {
    match command {
        Command::IssueTicket(issue) => issue_ticket(hall, state, actor, issue, now),
        Command::CancelTicket { ticket } => {
            match actor {
                Actor::Clerk { .. }
                | Actor::Device {
                    kind: DeviceKind::Kiosk,
                    ..
                } => {}
                _ => {
                    return Err(Rejection::Forbidden {
                        what: actor.label(),
                        action: "cancel tickets",
                    });
                }
            }
            let t = state
                .ticket(ticket)
                .ok_or_else(|| Rejection::UnknownTicket {
                    ticket: ticket.to_string(),
                })?;
            if t.status != Status::Waiting {
                return Err(wrong_state(t, "cancelled"));
            }
            Ok(vec![Event::TicketCancelled {
                ticket: t.id.clone(),
                number: t.number.clone(),
                by: actor.label(),
            }])
        }
        Command::SignIn {
            clerk,
            window,
            session,
        } => sign_in(hall, state, actor, clerk, *window, session),
        Command::SignOut => {
            let Actor::Clerk { clerk, session, .. } = actor else {
                return Err(Rejection::Forbidden {
                    what: actor.label(),
                    action: "sign out",
                });
            };
            // The session must still be open (it may have ended between authentication and
            // now), and only a window's own session signs out of it.
            let Some(open) = state.sessions.get(session) else {
                return Err(Rejection::SessionEnded);
            };
            Ok(match open.window {
                Some(w)
                    if state.windows.get(&w).and_then(|ws| ws.session.as_ref())
                        == Some(session) =>
                {
                    leave_window(state, w, clerk, CloseReason::SignedOut)
                }
                Some(_) => return Err(Rejection::SessionEnded),
                None => vec![Event::SessionClosed {
                    clerk: clerk.clone(),
                    session: session.clone(),
                }],
            })
        }
        Command::CallNext { window } => {
            let (w, clerk) = ready_to_call(hall, state, actor, *window)?;
            let (ticket, cycle) =
                pick_next(hall, state, w).ok_or(Rejection::NoTicketWaiting { window: *window })?;
            Ok(vec![called(ticket, *window, clerk, cycle)])
        }
        Command::Call { window, number } => {
            let (w, clerk) = ready_to_call(hall, state, actor, *window)?;
            let t = ticket_today(state, number)?;
            if t.status != Status::Waiting {
                return Err(wrong_state(t, "called"));
            }
            if !w.serves(&t.queue) {
                return Err(Rejection::QueueNotServed {
                    window: *window,
                    queue: t.queue.clone(),
                });
            }
            let cycle = state.windows.get(window).map_or(0, |ws| ws.cycle);
            Ok(vec![called(t, *window, clerk, cycle)])
        }
        Command::Recall { window } => {
            clerk_at(hall, state, actor, *window)?;
            let t = current(state, *window)?;
            if t.status != Status::Called {
                return Err(wrong_state(t, "recalled"));
            }
            if t.recalls >= hall.recall_cap {
                return Err(Rejection::RecallCapReached {
                    cap: hall.recall_cap,
                });
            }
            Ok(vec![Event::TicketRecalled {
                ticket: t.id.clone(),
                number: t.number.clone(),
                window: *window,
                count: t.recalls + 1,
            }])
        }
        Command::Start { window } => {
            clerk_at(hall, state, actor, *window)?;
            let t = current(state, *window)?;
            if t.status != Status::Called {
                return Err(wrong_state(t, "started"));
            }
            Ok(vec![Event::ServiceStarted {
                ticket: t.id.clone(),
                number: t.number.clone(),
                window: *window,
            }])
        }
        Command::Finish { window, visit } => {
            let clerk = clerk_at(hall, state, actor, *window)?;
            let t = current(state, *window)?;
            let (Status::Serving, Some(started)) = (t.status, t.started_at) else {
                return Err(wrong_state(t, "finished (start the service first)"));
            };
            let service_s = now.duration_since(started).as_secs().max(0) as u32;
            let item = match &visit.item {
                Some(code) => {
                    if !hall.items.contains_key(code) {
                        return Err(Rejection::UnknownItem {
                            item: code.to_string(),
                        });
                    }
                    Some(code.clone())
                }
                None => t.item.clone(),
            };
            let day = state.day.unwrap_or_else(|| hall.calendar.business_day(now));
            let mut events = vec![Event::TicketFinished {
                ticket: t.id.clone(),
                number: t.number.clone(),
                queue: t.queue.clone(),
                window: *window,
                clerk: clerk.clone(),
                service_s,
                outcome: visit.outcome,
                item: item.clone(),
            }];
            match visit.outcome {
                Some(Outcome::Accepted) => {
                    let code = item.ok_or(Rejection::NeedsItem {
                        outcome: "accepting a case",
                    })?;
                    let limit_days = hall.items[&code].limit_days;
                    events.push(Event::CaseAccepted {
                        case: format!(
                            "SL{}{:04}",
                            day.strftime("%Y%m%d"),
                            state
                                .cases
                                .values()
                                .filter(|c| c.accepted_on == day)
                                .count()
                                + 1
                        ),
                        ticket: t.id.clone(),
                        number: t.number.clone(),
                        item: code,
                        window: *window,
                        clerk,
                        limit_days,
                        due: hall.calendar.add_working_days(day, limit_days),
                        notice: t.notice.clone(),
                    });
                }
                Some(Outcome::TellOnce) => {
                    let code = item.ok_or(Rejection::NeedsItem {
                        outcome: "a tell-once notice",
                    })?;
                    let materials = &hall.items[&code].materials;
                    if visit.missing.is_empty() {
                        return Err(Rejection::NothingMissing);
                    }
                    if let Some(m) = visit.missing.iter().find(|m| !materials.contains(m)) {
                        return Err(Rejection::UnknownMaterial {
                            item: code.to_string(),
                            material: m.clone(),
                        });
                    }
                    let issued_today = state
                        .notices
                        .values()
                        .filter(|n| n.issued_on == day)
                        .count();
                    events.push(Event::NoticeIssued {
                        notice: format!("GZ{}{:04}", day.strftime("%Y%m%d"), issued_today + 1),
                        ticket: t.id.clone(),
                        number: t.number.clone(),
                        item: code,
                        missing: visit.missing.clone(),
                        window: *window,
                        clerk,
                    });
                }
                Some(Outcome::OnTheSpot | Outcome::Consultation) | None => {}
            }
            // The window's pad asks the citizen, and only the citizen, to rate the visit.
            events.push(Event::RatingRequested {
                ticket: t.id.clone(),
                number: t.number.clone(),
                window: *window,
                clerk: match &events[0] {
                    Event::TicketFinished { clerk, .. } => clerk.clone(),
                    _ => unreachable!("the finish comes first"),
                },
                item: match &events[0] {
                    Event::TicketFinished { item, .. } => item.clone(),
                    _ => None,
                },
                expires_at: now
                    + jiff::SignedDuration::from_secs(hall.config.ratings.request_seconds as i64),
            });
            Ok(events)
        }
        Command::NoShow { window } => {
            clerk_at(hall, state, actor, *window)?;
            let t = current(state, *window)?;
            if t.status != Status::Called {
                return Err(wrong_state(t, "marked no-show"));
            }
            Ok(vec![Event::TicketNoShow {
                ticket: t.id.clone(),
                number: t.number.clone(),
                window: *window,
            }])
        }
        Command::Hold { window } => {
            clerk_at(hall, state, actor, *window)?;
            let t = current(state, *window)?;
            Ok(vec![Event::TicketHeld {
                ticket: t.id.clone(),
                number: t.number.clone(),
                window: *window,
                reason: HoldReason::Clerk,
            }])
        }
        Command::CallBack { window, number } => {
            let (_, clerk) = ready_to_call(hall, state, actor, *window)?;
            let t = ticket_today(state, number)?;
            let held_here = state
                .windows
                .get(window)
                .is_some_and(|ws| ws.held.contains(&t.id));
            if t.status != Status::Held || !held_here {
                return Err(Rejection::NotHeldHere {
                    window: *window,
                    number: number.clone(),
                });
            }
            Ok(vec![Event::TicketCalledBack {
                ticket: t.id.clone(),
                number: t.number.clone(),
                window: *window,
                clerk,
            }])
        }
        Command::Transfer {
            window,
            queue,
            reason,
        } => {
            let clerk = clerk_at(hall, state, actor, *window)?;
            let t = current(state, *window)?;
            if !hall.queues.contains_key(queue) {
                return Err(Rejection::UnknownQueue {
                    queue: queue.to_string(),
                });
            }
            if &t.queue == queue {
                return Err(Rejection::SameQueue {
                    number: t.number.clone(),
                    queue: queue.clone(),
                });
            }
            Ok(vec![Event::TicketTransferred {
                ticket: t.id.clone(),
                number: t.number.clone(),
                from_queue: t.queue.clone(),
                to_queue: queue.clone(),
                window: *window,
                clerk,
                reason: reason.clone(),
            }])
        }
        Command::Pause {
            window,
            reason,
            back_at,
        } => {
            let clerk = clerk_at(hall, state, actor, *window)?;
            let ws = state.windows.get(window);
            if ws.is_some_and(|ws| ws.paused.is_some()) {
                return Err(Rejection::AlreadyPaused { window: *window });
            }
            if let Some(t) = ws
                .and_then(|ws| ws.current.as_ref())
                .and_then(|id| state.ticket(id))
            {
                return Err(Rejection::WindowBusy {
                    window: *window,
                    number: t.number.clone(),
                });
            }
            Ok(vec![Event::WindowPaused {
                window: *window,
                clerk,
                reason: reason.clone(),
                back_at: *back_at,
            }])
        }
        Command::Rate {
            target,
            level,
            reasons,
            comment,
        } => crate::rating::decide_rate(hall, state, actor, target, *level, reasons, comment, now),
        Command::Rectify {
            rectification,
            action,
            note,
        } => crate::rating::decide_rectify(hall, state, actor, rectification, *action, note),
        Command::AckAlert { alert } => {
            let Actor::Clerk { clerk, .. } = actor else {
                return Err(Rejection::Forbidden {
                    what: actor.label(),
                    action: "acknowledge alerts (supervisors only)",
                });
            };
            if !hall.clerks.get(clerk).is_some_and(|c| {
                matches!(
                    c.role,
                    crate::hall::Role::Supervisor | crate::hall::Role::Admin
                )
            }) {
                return Err(Rejection::Forbidden {
                    what: actor.label(),
                    action: "acknowledge alerts (supervisors only)",
                });
            }
            let holds = crate::alert::alerts(hall, state, now)
                .iter()
                .any(|a| &a.id == alert && !a.acknowledged);
            if !holds {
                return Err(Rejection::UnknownAlert {
                    alert: alert.clone(),
                });
            }
            Ok(vec![Event::AlertAcknowledged {
                alert: alert.clone(),
                by: clerk.clone(),
            }])
        }
        Command::CompleteCase { case } | Command::HandOverCase { case } => {
            let Actor::Clerk { clerk, .. } = actor else {
                return Err(Rejection::Forbidden {
                    what: actor.label(),
                    action: "complete or hand over cases (staff only)",
                });
            };
            let c = state
                .cases
                .get(case)
                .ok_or_else(|| Rejection::UnknownCase { case: case.clone() })?;
            let day = state.day.unwrap_or_else(|| hall.calendar.business_day(now));
            match command {
                Command::CompleteCase { .. } if c.completed_on.is_none() => {
                    Ok(vec![Event::CaseCompleted {
                        case: case.clone(),
                        ticket: c.ticket.clone(),
                        by: clerk.clone(),
                        due: c.due,
                        on_time: day <= c.due,
                    }])
                }
                Command::HandOverCase { .. }
                    if c.completed_on.is_some() && c.handed_over_on.is_none() =>
                {
                    Ok(vec![Event::CaseHandedOver {
                        case: case.clone(),
                        ticket: c.ticket.clone(),
                        by: clerk.clone(),
                    }])
                }
                _ => Err(Rejection::WrongCaseState {
                    case: case.clone(),
                    why: if c.handed_over_on.is_some() {
                        "it was handed over already"
                    } else if c.completed_on.is_some() {
                        "it was completed already"
                    } else {
                        "it is not completed yet"
                    },
                }),
            }
        }
        Command::RecordPrint {
            ticket,
            device,
            reprint,
            outcome,
        } => {
            if *actor != Actor::System {
                return Err(Rejection::Forbidden {
                    what: actor.label(),
                    action: "record prints",
                });
            }
            let t = state
                .ticket(ticket)
                .ok_or_else(|| Rejection::UnknownTicket {
                    ticket: ticket.to_string(),
                })?;
            let mut events = vec![match outcome {
                Ok(printer) => Event::TicketPrinted {
                    ticket: t.id.clone(),
                    number: t.number.clone(),
                    device: device.clone(),
                    reprint: *reprint,
                    printer: *printer,
                },
                Err((printer, reason)) => Event::PrintFailed {
                    ticket: t.id.clone(),
                    number: t.number.clone(),
                    device: device.clone(),
                    reprint: *reprint,
                    printer: *printer,
                    reason: reason.clone(),
                },
            }];
            let printer = match outcome {
                Ok(p) => *p,
                Err((p, _)) => p.unwrap_or(PrinterState::Unreachable),
            };
            events.extend(device_status(state, device, Some(true), Some(printer)));
            Ok(events)
        }
        Command::ReportDevice {
            device,
            online,
            printer,
        } => {
            if *actor != Actor::System {
                return Err(Rejection::Forbidden {
                    what: actor.label(),
                    action: "report device health",
                });
            }
            Ok(device_status(state, device, *online, *printer))
        }
        Command::Resume { window } => {
            let clerk = clerk_at(hall, state, actor, *window)?;
            if state
                .windows
                .get(window)
                .is_none_or(|ws| ws.paused.is_none())
            {
                return Err(Rejection::NotPaused { window: *window });
            }
            Ok(vec![Event::WindowResumed {
                window: *window,
                clerk,
            }])
        }
    }
}

fn issue_ticket(
    hall: &Hall,
    state: &HallState,
    actor: &Actor,
    issue: &IssueTicket,
    now: Timestamp,
) -> Result<Vec<Event>, Rejection> {
    match actor {
        Actor::Clerk { .. }
        | Actor::Device {
            kind: DeviceKind::Kiosk | DeviceKind::Gateway,
            ..
        } => {}
        Actor::Device { .. } => {
            return Err(Rejection::WrongDevice {
                action: "issue tickets",
            });
        }
        Actor::System => {
            return Err(Rejection::Forbidden {
                what: actor.label(),
                action: "issue tickets",
            });
        }
    }
    // Citizens cannot declare themselves green-channel or booked at a kiosk: staff do (the age
    // rule applies to everyone, from the ID number).
    if issue.priority.is_some_and(Priority::is_priority) && !matches!(actor, Actor::Clerk { .. }) {
        return Err(Rejection::Forbidden {
            what: actor.label(),
            action: "mark a ticket green-channel or booked (staff only)",
        });
    }
    let (queue_id, item) = match &issue.target {
        IssueTarget::Item(code) => {
            let item = hall.items.get(code).ok_or_else(|| Rejection::UnknownItem {
                item: code.to_string(),
            })?;
            (item.queue.clone(), Some(code.clone()))
        }
        IssueTarget::Queue(q) => {
            if !hall.queues.contains_key(q) {
                return Err(Rejection::UnknownQueue {
                    queue: q.to_string(),
                });
            }
            (q.clone(), None)
        }
    };
    if let Some(n) = &issue.notice
        && !state.notices.contains_key(n)
    {
        return Err(Rejection::UnknownNotice { notice: n.clone() });
    }
    let slot = issuable(hall, state, &queue_id, now)?;
    let queue = &hall.queues[&queue_id];
    let day = state.day.unwrap_or_else(|| hall.calendar.business_day(now));
    let issued_today = state.counters.get(&queue_id).copied().unwrap_or(0);
    let elderly = issue
        .birth_date
        .is_some_and(|b| age_on(b, day) >= hall.green_channel_age as i32);
    let (priority, green_reason) = match (issue.priority, elderly) {
        (Some(Priority::Green), _) => (
            Priority::Green,
            Some(issue.green_reason.unwrap_or(GreenReason::Staff)),
        ),
        (_, true) => (Priority::Green, Some(GreenReason::Elderly)),
        (Some(p), false) => (p, None),
        (None, false) => (Priority::Normal, None),
    };
    let number = TicketNumber {
        prefix: queue.prefix.clone(),
        n: issued_today + 1,
    };
    Ok(vec![Event::TicketIssued {
        ticket: ticket_id(day, &number),
        number,
        day,
        queue: queue_id,
        item,
        priority,
        green_reason,
        channel: issue.channel,
        slot,
        id_tag: issue.id_tag.clone(),
        phone_tag: issue.phone_tag.clone(),
        notice: issue.notice.clone(),
        by: actor.label(),
    }])
}

/// Whether a ticket of `queue_id` can be issued now, and the issuing slot it counts against:
/// the queue's day and hours, its daily cap, its slot's cap. Kiosks show the refusal on the tile
/// before anyone taps.
pub fn issuable(
    hall: &Hall,
    state: &HallState,
    queue_id: &QueueId,
    now: Timestamp,
) -> Result<Option<usize>, Rejection> {
    let queue_id = queue_id.clone();
    let queue = &hall.queues[&queue_id];
    // The state's day, once rolled: if the clock steps back over midnight the day does not roll
    // back, and numbers must not restart in a day that is already closed.
    let day = state.day.unwrap_or_else(|| hall.calendar.business_day(now));
    let minute = hall.calendar.minute_of_day(now);
    let hours_text = || {
        queue
            .hours
            .iter()
            .map(|r| {
                format!(
                    "{}-{}",
                    crate::calendar::format_hhmm(r.from),
                    crate::calendar::format_hhmm(r.to)
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !hall.calendar.is_open_day(day) {
        return Err(Rejection::QueueClosed {
            queue: queue_id,
            hours: format!("on working days only, {}", hours_text()),
        });
    }
    if !queue.hours.iter().any(|r| r.contains(minute)) {
        return Err(Rejection::QueueClosed {
            queue: queue_id,
            hours: hours_text(),
        });
    }
    let issued_today = state.counters.get(&queue_id).copied().unwrap_or(0);
    let cap = queue.daily_cap.unwrap_or(9999).min(9999);
    if issued_today >= cap {
        return Err(Rejection::DailyCapReached {
            queue: queue_id,
            cap,
        });
    }
    let slot = if queue.slots.is_empty() {
        None
    } else {
        let Some(i) = queue.slots.iter().position(|s| s.range.contains(minute)) else {
            return Err(Rejection::QueueClosed {
                queue: queue_id.clone(),
                hours: queue
                    .slots
                    .iter()
                    .map(|s| {
                        format!(
                            "{}-{}",
                            crate::calendar::format_hhmm(s.range.from),
                            crate::calendar::format_hhmm(s.range.to)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        };
        let used = state
            .slot_counts
            .get(&queue_id)
            .and_then(|m| m.get(&i))
            .copied()
            .unwrap_or(0);
        let s = queue.slots[i];
        if used >= s.cap {
            return Err(Rejection::SlotFull {
                queue: queue_id,
                slot: format!(
                    "{}-{}",
                    crate::calendar::format_hhmm(s.range.from),
                    crate::calendar::format_hhmm(s.range.to)
                ),
                cap: s.cap,
            });
        }
        Some(i)
    };
    Ok(slot)
}

fn sign_in(
    hall: &Hall,
    state: &HallState,
    actor: &Actor,
    clerk: &ClerkId,
    window: Option<WindowNo>,
    session: &SessionId,
) -> Result<Vec<Event>, Rejection> {
    if *actor != Actor::System {
        return Err(Rejection::Forbidden {
            what: actor.label(),
            action: "open sessions",
        });
    }
    if !hall.clerks.contains_key(clerk) {
        return Err(Rejection::UnknownClerk {
            clerk: clerk.clone(),
        });
    }
    let Some(window) = window else {
        return Ok(vec![Event::SessionOpened {
            clerk: clerk.clone(),
            session: session.clone(),
        }]);
    };
    if !hall.windows.contains_key(&window) {
        return Err(Rejection::UnknownWindow { window: window.0 });
    }
    if let Some(other) = state.windows.get(&window).and_then(|w| w.clerk.as_ref())
        && other != clerk
    {
        return Err(Rejection::WindowOccupied {
            window,
            clerk: other.clone(),
        });
    }
    let mut events = Vec::new();
    if let Some(old) = state.window_of_clerk(clerk)
        && old != window
    {
        events.extend(leave_window(
            state,
            old,
            clerk,
            CloseReason::SignedInElsewhere,
        ));
    }
    events.push(Event::WindowOpened {
        window,
        clerk: clerk.clone(),
        session: session.clone(),
    });
    Ok(events)
}

/// A `device_status` event when the reported health differs from what the hall knows; nothing
/// when it is the same (devices report often; the log records changes). A device the log has
/// never mentioned counts as online: its first connection is not news, its going offline is.
fn device_status(
    state: &HallState,
    device: &DeviceId,
    online: Option<bool>,
    printer: Option<PrinterState>,
) -> Vec<Event> {
    let known = state.devices.get(device);
    let next_online = online.or(known.map(|k| k.online)).unwrap_or(true);
    let next_printer = printer.or(known.and_then(|k| k.printer));
    let unchanged = match known {
        Some(k) => k.online == next_online && k.printer == next_printer,
        None => next_online && next_printer.is_none(),
    };
    if unchanged {
        return Vec::new();
    }
    vec![Event::DeviceStatus {
        device: device.clone(),
        online: next_online,
        printer: next_printer,
    }]
}

/// A clerk leaves a window: the ticket in hand is held there, so it is neither lost nor
/// silently sent back to the queue.
fn leave_window(
    state: &HallState,
    window: WindowNo,
    clerk: &ClerkId,
    reason: CloseReason,
) -> Vec<Event> {
    let mut events = Vec::new();
    if let Some(t) = state
        .windows
        .get(&window)
        .and_then(|w| w.current.as_ref())
        .and_then(|id| state.ticket(id))
    {
        events.push(Event::TicketHeld {
            ticket: t.id.clone(),
            number: t.number.clone(),
            window,
            reason: HoldReason::WindowClosed,
        });
    }
    events.push(Event::WindowClosed {
        window,
        clerk: clerk.clone(),
        reason,
    });
    events
}

/// The clerk signed in at `window`, or the precise reason the actor may not act there.
fn clerk_at(
    hall: &Hall,
    state: &HallState,
    actor: &Actor,
    window: WindowNo,
) -> Result<ClerkId, Rejection> {
    if !hall.windows.contains_key(&window) {
        return Err(Rejection::UnknownWindow { window: window.0 });
    }
    match actor {
        Actor::Clerk { clerk, session, .. }
            if state
                .sessions
                .get(session)
                .is_some_and(|s| s.window == Some(window)) =>
        {
            Ok(clerk.clone())
        }
        // A hardware call pad at the window, through the hall's device gateway, acts for the
        // clerk signed in there; with nobody signed in it can do nothing.
        Actor::Device {
            kind: DeviceKind::Gateway,
            ..
        } => state
            .windows
            .get(&window)
            .and_then(|w| w.clerk.clone())
            .ok_or(Rejection::NotYourWindow { window }),
        _ => Err(Rejection::NotYourWindow { window }),
    }
}

/// Checks that the window may call a ticket now: the actor's, not paused, nothing open.
fn ready_to_call<'h>(
    hall: &'h Hall,
    state: &HallState,
    actor: &Actor,
    window: WindowNo,
) -> Result<(&'h Window, ClerkId), Rejection> {
    let clerk = clerk_at(hall, state, actor, window)?;
    if let Some(ws) = state.windows.get(&window) {
        if ws.paused.is_some() {
            return Err(Rejection::WindowPaused { window });
        }
        if let Some(t) = ws.current.as_ref().and_then(|id| state.ticket(id)) {
            return Err(Rejection::WindowBusy {
                window,
                number: t.number.clone(),
            });
        }
    }
    Ok((&hall.windows[&window], clerk))
}

fn current(state: &HallState, window: WindowNo) -> Result<&Ticket, Rejection> {
    state
        .windows
        .get(&window)
        .and_then(|w| w.current.as_ref())
        .and_then(|id| state.ticket(id))
        .ok_or(Rejection::NoCurrentTicket { window })
}

fn ticket_today<'s>(state: &'s HallState, number: &TicketNumber) -> Result<&'s Ticket, Rejection> {
    state
        .ticket_by_number(number)
        .ok_or_else(|| Rejection::UnknownTicket {
            ticket: number.to_string(),
        })
}

fn wrong_state(t: &Ticket, action: &'static str) -> Rejection {
    Rejection::WrongState {
        number: t.number.clone(),
        status: t.status,
        action,
    }
}

fn called(t: &Ticket, window: WindowNo, clerk: ClerkId, cycle: u32) -> Event {
    Event::TicketCalled {
        ticket: t.id.clone(),
        number: t.number.clone(),
        queue: t.queue.clone(),
        window,
        clerk,
        cycle,
    }
}

/// The FIFO key within a class: issue time (kept across transfers), then issue order.
fn fifo_key(t: &Ticket) -> (Timestamp, u64) {
    (t.issued_at, t.order)
}

/// The ticket call-next takes at this window, with the window's next interleave position.
///
/// Tier by tier: the first tier with anyone waiting decides. Within it, priority tickets (green
/// before appointment, then oldest) and normal tickets (oldest) compete by the hall's interleave
/// policy; the cycle only advances when both kinds wait, so a quiet hall stays plain FIFO.
pub fn pick_next<'s>(
    hall: &Hall,
    state: &'s HallState,
    window: &Window,
) -> Option<(&'s Ticket, u32)> {
    let cycle = state.windows.get(&window.number).map_or(0, |w| w.cycle);
    pick(hall, state, window, cycle, &BTreeSet::new())
}

/// The waiting tickets this window would call, in the exact order successive call-nexts would
/// take them (if nothing else changed): what the clerk's console lists.
pub fn call_order<'s>(hall: &Hall, state: &'s HallState, window: &Window) -> Vec<&'s Ticket> {
    let mut cycle = state.windows.get(&window.number).map_or(0, |w| w.cycle);
    let mut taken = BTreeSet::new();
    let mut order = Vec::new();
    while let Some((t, next)) = pick(hall, state, window, cycle, &taken) {
        taken.insert(&t.id);
        order.push(t);
        cycle = next;
    }
    order
}

fn pick<'s>(
    hall: &Hall,
    state: &'s HallState,
    window: &Window,
    cycle: u32,
    taken: &BTreeSet<&TicketId>,
) -> Option<(&'s Ticket, u32)> {
    for tier in &window.tiers {
        let in_tier = |t: &&Ticket| {
            t.status == Status::Waiting && tier.contains(&t.queue) && !taken.contains(&t.id)
        };
        let best_priority = state
            .tickets
            .values()
            .filter(in_tier)
            .filter(|t| t.priority.is_priority())
            .min_by_key(|t| (t.priority, fifo_key(t)));
        let best_normal = state
            .tickets
            .values()
            .filter(in_tier)
            .filter(|t| !t.priority.is_priority())
            .min_by_key(|t| fifo_key(t));
        match (best_priority, best_normal, hall.interleave) {
            (None, None, _) => continue,
            (Some(p), None, _) => return Some((p, cycle)),
            (None, Some(n), _) => return Some((n, cycle)),
            (Some(p), Some(_), Interleave::Strict) => return Some((p, cycle)),
            (Some(p), Some(n), Interleave::Ratio { priority, normal }) => {
                let len = priority + normal;
                let pos = cycle % len;
                let next = (pos + 1) % len;
                return Some((if pos < priority { p } else { n }, next));
            }
        }
    }
    None
}

/// Whole years of age on `day`.
pub fn age_on(birth: Date, day: Date) -> i32 {
    let mut age = day.year() as i32 - birth.year() as i32;
    if (day.month(), day.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

/// The queues a window serves, flattened (for views).
pub fn queues_of(window: &Window) -> impl Iterator<Item = &QueueId> {
    window.tiers.iter().flatten()
}
