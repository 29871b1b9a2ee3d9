//! `apply`: folds one committed event into the state. It never refuses: the event is a fact.
//! Replaying the log through `apply` rebuilds exactly the state the controller had.

use crate::event::{Envelope, Event};
use crate::state::{
    Case, HallState, NOTICE_KEEP_DAYS, Notice, Pause, RECENT_SERVICES, Session, Status, Ticket,
    WindowState,
};

pub fn apply(state: &mut HallState, env: &Envelope) {
    debug_assert_eq!(env.seq, state.seq + 1, "events are applied in seq order");
    let at = env.at;
    state.seq = env.seq;
    state.at = Some(at);
    match &env.event {
        Event::TicketIssued {
            ticket,
            number,
            day,
            queue,
            item,
            priority,
            green_reason,
            channel,
            slot,
            id_tag,
            phone_tag,
            notice,
            by: _,
        } => {
            if let Some(n) = notice.as_ref().and_then(|n| state.notices.get_mut(n)) {
                n.return_tickets.push(ticket.clone());
            }
            state.issued_total += 1;
            let counter = state.counters.entry(queue.clone()).or_default();
            *counter = (*counter).max(number.n);
            if let Some(i) = slot {
                *state
                    .slot_counts
                    .entry(queue.clone())
                    .or_default()
                    .entry(*i)
                    .or_default() += 1;
            }
            state.tickets.insert(
                ticket.clone(),
                Ticket {
                    id: ticket.clone(),
                    number: number.clone(),
                    day: *day,
                    order: state.issued_total,
                    queue: queue.clone(),
                    item: item.clone(),
                    priority: *priority,
                    green_reason: *green_reason,
                    channel: *channel,
                    issued_at: at,
                    status: Status::Waiting,
                    window: None,
                    first_clerk: None,
                    first_called_at: None,
                    called_at: None,
                    started_at: None,
                    ended_at: None,
                    recalls: 0,
                    transfers: 0,
                    id_tag: id_tag.clone(),
                    phone_tag: phone_tag.clone(),
                    prints: 0,
                    print_failed: false,
                    outcome: None,
                    case: None,
                    notice: notice.clone(),
                    referral: None,
                },
            );
        }
        Event::TicketCalled {
            ticket,
            window,
            clerk,
            cycle,
            ..
        } => {
            if let Some(t) = state.tickets.get_mut(ticket) {
                t.status = Status::Called;
                t.window = Some(*window);
                t.called_at = Some(at);
                t.first_called_at.get_or_insert(at);
                t.recalls = 0;
                t.first_clerk.get_or_insert_with(|| clerk.clone());
            }
            let w = state.windows.entry(*window).or_default();
            w.current = Some(ticket.clone());
            w.cycle = *cycle;
            w.since = Some(at);
        }
        Event::TicketRecalled { ticket, count, .. } => {
            if let Some(t) = state.tickets.get_mut(ticket) {
                t.recalls = *count;
            }
        }
        Event::ServiceStarted { ticket, window, .. } => {
            if let Some(t) = state.tickets.get_mut(ticket) {
                t.status = Status::Serving;
                t.started_at = Some(at);
            }
            state.windows.entry(*window).or_default().since = Some(at);
        }
        Event::TicketFinished {
            ticket,
            queue,
            window,
            service_s,
            outcome,
            ..
        } => {
            if let Some(t) = state.tickets.get_mut(ticket) {
                t.outcome = *outcome;
            }
            end_ticket(state, ticket, Status::Finished, at);
            let w = state.windows.entry(*window).or_default();
            w.served_today += 1;
            let recent = state.recent_service_s.entry(queue.clone()).or_default();
            recent.push(*service_s);
            if recent.len() > RECENT_SERVICES {
                recent.remove(0);
            }
        }
        Event::TicketNoShow { ticket, .. } => end_ticket(state, ticket, Status::NoShow, at),
        Event::TicketCancelled { ticket, .. } => end_ticket(state, ticket, Status::Cancelled, at),
        Event::TicketExpired { ticket, .. } => end_ticket(state, ticket, Status::Expired, at),
        Event::TicketTransferred {
            ticket,
            to_queue,
            window,
            reason,
            ..
        } => {
            if let Some(t) = state.tickets.get_mut(ticket) {
                // The original issue time and the first clerk stay: the citizen keeps their
                // place in line, and the first contact stays accountable.
                t.status = Status::Waiting;
                t.queue = to_queue.clone();
                t.window = None;
                t.transfers += 1;
                t.referral = reason.clone();
                t.started_at = None;
                t.called_at = None;
            }
            free_window(state, *window, at);
        }
        Event::TicketHeld { ticket, window, .. } => {
            if let Some(t) = state.tickets.get_mut(ticket) {
                t.status = Status::Held;
            }
            free_window(state, *window, at);
            state
                .windows
                .entry(*window)
                .or_default()
                .held
                .push(ticket.clone());
        }
        Event::TicketCalledBack { ticket, window, .. } => {
            if let Some(t) = state.tickets.get_mut(ticket) {
                t.status = Status::Called;
                t.called_at = Some(at);
                t.recalls = 0;
            }
            let w = state.windows.entry(*window).or_default();
            w.held.retain(|h| h != ticket);
            w.current = Some(ticket.clone());
            w.since = Some(at);
        }
        Event::WindowOpened {
            window,
            clerk,
            session,
        } => {
            let w = state.windows.entry(*window).or_default();
            if let Some(old) = w.session.replace(session.clone()) {
                state.sessions.remove(&old);
            }
            w.clerk = Some(clerk.clone());
            w.since = Some(at);
            state.sessions.insert(
                session.clone(),
                Session {
                    clerk: clerk.clone(),
                    window: Some(*window),
                },
            );
        }
        Event::WindowClosed { window, .. } => {
            let w = state.windows.entry(*window).or_default();
            if let Some(old) = w.session.take() {
                state.sessions.remove(&old);
            }
            w.clerk = None;
            w.paused = None;
            w.current = None;
            w.since = Some(at);
        }
        Event::SessionOpened { clerk, session } => {
            state.sessions.insert(
                session.clone(),
                Session {
                    clerk: clerk.clone(),
                    window: None,
                },
            );
        }
        Event::SessionClosed { session, .. } => {
            state.sessions.remove(session);
        }
        Event::WindowPaused {
            window,
            reason,
            back_at,
            ..
        } => {
            let w = state.windows.entry(*window).or_default();
            w.paused = Some(Pause {
                reason: reason.clone(),
                back_at: *back_at,
                since: at,
            });
            w.since = Some(at);
        }
        Event::WindowResumed { window, .. } => {
            let w = state.windows.entry(*window).or_default();
            w.paused = None;
            w.since = Some(at);
        }
        Event::CaseAccepted {
            case,
            ticket,
            item,
            window,
            clerk,
            limit_days,
            due,
            notice,
            ..
        } => {
            if let Some(t) = state.tickets.get_mut(ticket) {
                t.case = Some(case.clone());
            }
            state.cases.insert(
                case.clone(),
                Case {
                    case: case.clone(),
                    ticket: ticket.clone(),
                    item: item.clone(),
                    window: *window,
                    clerk: clerk.clone(),
                    // The day is always set: the day roll is the hall's first event.
                    accepted_on: state.day.unwrap_or(*due),
                    limit_days: *limit_days,
                    due: *due,
                    notice: notice.clone(),
                    completed_on: None,
                    handed_over_on: None,
                },
            );
        }
        Event::AlertAcknowledged { alert, .. } => {
            state.acknowledged.insert(alert.clone());
        }
        Event::CaseCompleted { case, .. } => {
            let today = state.day;
            if let Some(c) = state.cases.get_mut(case) {
                c.completed_on = today;
            }
        }
        Event::CaseHandedOver { case, .. } => {
            let today = state.day;
            if let Some(c) = state.cases.get_mut(case) {
                c.handed_over_on = today;
            }
        }
        Event::NoticeIssued {
            notice,
            ticket,
            item,
            missing,
            window,
            clerk,
            ..
        } => {
            if let Some(t) = state.tickets.get_mut(ticket) {
                t.notice = Some(notice.clone());
            }
            state.notices.insert(
                notice.clone(),
                Notice {
                    notice: notice.clone(),
                    ticket: ticket.clone(),
                    item: item.clone(),
                    missing: missing.clone(),
                    window: *window,
                    clerk: clerk.clone(),
                    issued_on: state.day.unwrap_or(jiff::civil::Date::MIN),
                    return_tickets: Vec::new(),
                },
            );
        }
        Event::RatingRequested {
            ticket,
            number,
            window,
            clerk,
            item,
            expires_at,
        } => {
            let case = state.tickets.get(ticket).and_then(|t| t.case.clone());
            state.visits.insert(
                ticket.clone(),
                crate::rating::RatableVisit {
                    ticket: ticket.clone(),
                    number: number.clone(),
                    window: *window,
                    clerk: clerk.clone(),
                    item: item.clone(),
                    case,
                    finished_at: at,
                    pad_until: *expires_at,
                    pad_closed: false,
                    rated: None,
                    followed_up: false,
                },
            );
        }
        Event::RatingRequestExpired { ticket, .. } => {
            if let Some(v) = state.visits.get_mut(ticket) {
                v.pad_closed = true;
            }
        }
        Event::TicketRated {
            ticket,
            level,
            count,
            ..
        } => {
            if let Some(v) = state.visits.get_mut(ticket) {
                v.pad_closed = true;
                if *count >= 2 {
                    v.followed_up = true;
                } else {
                    v.rated = Some(*level);
                }
            }
        }
        Event::RectificationOpened {
            rectification,
            rating,
            ticket,
            window,
            clerk,
            unit,
            visit_back_due,
            rectify_due,
        } => {
            state.rectifications.insert(
                rectification.clone(),
                crate::rating::Rectification {
                    id: rectification.clone(),
                    rating: rating.clone(),
                    ticket: ticket.clone(),
                    window: *window,
                    clerk: clerk.clone(),
                    unit: unit.clone(),
                    opened_on: state.day.unwrap_or(*visit_back_due),
                    visit_back_due: *visit_back_due,
                    rectify_due: *rectify_due,
                    state: crate::rating::RectificationState::Open,
                    visited_back_on: None,
                    rectified_on: None,
                    notes: Vec::new(),
                    before_appeal: None,
                },
            );
        }
        Event::RectificationProgressed {
            rectification,
            action,
            state: next,
            note,
            ..
        } => {
            let today = state.day;
            if let Some(r) = state.rectifications.get_mut(rectification) {
                use crate::rating::RectifyAction as A;
                match action {
                    A::VisitBack => r.visited_back_on = today,
                    A::Rectify => r.rectified_on = today,
                    A::Appeal => r.before_appeal = Some(r.state),
                    A::UpholdAppeal | A::RejectAppeal => r.before_appeal = None,
                    A::Close => {}
                }
                r.state = *next;
                if let Some(n) = note {
                    r.notes.push(n.clone());
                }
            }
        }
        Event::TicketPrinted { ticket, .. } => {
            if let Some(t) = state.tickets.get_mut(ticket) {
                t.prints += 1;
                t.print_failed = false;
            }
        }
        Event::PrintFailed { ticket, .. } => {
            if let Some(t) = state.tickets.get_mut(ticket) {
                t.print_failed = true;
            }
        }
        Event::DeviceStatus {
            device,
            online,
            printer,
        } => {
            let d = state.devices.entry(device.clone()).or_default();
            d.online = *online;
            d.printer = *printer;
            d.since = Some(at);
        }
        Event::DayRolled { to, .. } => {
            state.day = Some(*to);
            // Past days' tickets are all closed by now (expired before the roll); they leave
            // the working state and live on in the log.
            state.tickets.retain(|_, t| t.day >= *to);
            state.counters.clear();
            state.slot_counts.clear();
            // Acknowledgements of today's tickets end with the day; those of lasting conditions
            // (a bad rating's fix, a device, a pause) stay.
            state.acknowledged.retain(|id| {
                ["rating:", "device:", "pause:"]
                    .iter()
                    .any(|p| id.starts_with(p))
            });
            // Cases stay until handed over (出件), and a week after.
            let handed_keep = to.checked_sub(jiff::Span::new().days(7)).unwrap_or(*to);
            state
                .cases
                .retain(|_, c| c.handed_over_on.is_none_or(|d| d >= handed_keep));
            let keep_from = to
                .checked_sub(jiff::Span::new().days(NOTICE_KEEP_DAYS))
                .unwrap_or(*to);
            state.notices.retain(|_, n| n.issued_on >= keep_from);
            // Visits stay ratable by phone for a day; fixes until they end.
            let keep_visits = jiff::SignedDuration::from_hours(24 * crate::rating::KEEP_DAYS);
            state
                .visits
                .retain(|_, v| at.duration_since(v.finished_at) < keep_visits);
            state.rectifications.retain(|_, r| {
                !matches!(
                    r.state,
                    crate::rating::RectificationState::Closed
                        | crate::rating::RectificationState::AppealUpheld
                ) || r.opened_on >= keep_from
            });
            for w in state.windows.values_mut() {
                w.held.clear();
                w.served_today = 0;
                w.cycle = 0;
            }
        }
    }
}

fn end_ticket(
    state: &mut HallState,
    id: &crate::ids::TicketId,
    status: Status,
    at: jiff::Timestamp,
) {
    let Some(t) = state.tickets.get_mut(id) else {
        return;
    };
    t.status = status;
    t.ended_at = Some(at);
    if let Some(w) = t.window {
        let ws: &mut WindowState = state.windows.entry(w).or_default();
        if ws.current.as_ref() == Some(id) {
            ws.current = None;
            ws.since = Some(at);
        }
        ws.held.retain(|h| h != id);
    }
}

fn free_window(state: &mut HallState, window: crate::ids::WindowNo, at: jiff::Timestamp) {
    let w = state.windows.entry(window).or_default();
    w.current = None;
    w.since = Some(at);
}
