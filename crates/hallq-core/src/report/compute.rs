//! Reports, figures and charts computed from a [`Projection`]'s facts for a span of days.
//!
//! Attribution: a ticket counts in the window and clerk that last called it (a ticket never
//! called is in the `"-"` window), the clerk's unit, its item and its final queue's theme, on its
//! business day. A wait (issue to first call) and a first contact count for the first caller and
//! the queue first waited in; a ticket never called is warned about for the time it waited (to
//! its cancellation, the hall's closing time, or the last event). A transfer counts for the
//! window that made it; a rating for the rated window and clerk on the day it was given; a case
//! on the day it was accepted (受理), again on the day it was completed (办结), and as overdue on
//! the last day of the span (or the day of the last event, if sooner; not at all for a span
//! after it). A pause counts once on the day it began, and its time within opening hours on
//! each day it covers.

use super::model::*;
use super::projection::{End, Projection, TicketFact, secs_between};
use crate::hall::Hall;
use crate::ids::{ClerkId, ItemCode, QueueId, WindowNo};
use crate::rating::RectificationState;
use crate::state::Outcome;
use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp, ToSpan};
use serde::Serialize;
use std::collections::BTreeMap;

/// Wait-histogram bins: 5 minutes each up to an hour, then one open bin.
pub const HISTOGRAM_BIN_MINUTES: u32 = 5;
pub const HISTOGRAM_BINS: u32 = 13;
/// The waiting chart samples every this many minutes.
pub const SERIES_STEP_MINUTES: u32 = 15;

/// Count, mean, p50 and p90 of samples (sorted here).
impl Stats {
    pub fn of(mut samples: Vec<u32>) -> Stats {
        samples.sort_unstable();
        let n = samples.len();
        let at = |p: usize| samples.get((n * p / 100).min(n.saturating_sub(1))).copied();
        Stats {
            count: n as u32,
            mean_s: (n > 0)
                .then(|| (samples.iter().map(|&s| s as u64).sum::<u64>() / n as u64) as u32),
            p50_s: at(50),
            p90_s: at(90),
        }
    }
}

/// `part` ÷ `whole` in per mille, none when nothing counts.
pub fn permille(part: u32, whole: u32) -> Option<u32> {
    (whole > 0).then(|| (part as u64 * 1000 / whole as u64) as u32)
}

/// Counts in bins of `bin_minutes`; the last of `bins` bins is open-ended.
pub fn histogram(waits: &[u32], bin_minutes: u32, bins: u32) -> Histogram {
    let bins = bins.max(1);
    let mut counts = vec![0u32; bins as usize];
    for &w in waits {
        let i = (w / 60 / bin_minutes.max(1)).min(bins - 1);
        counts[i as usize] += 1;
    }
    Histogram {
        bin_minutes,
        bins: counts
            .into_iter()
            .enumerate()
            .map(|(i, count)| {
                let i = i as u32;
                Bin {
                    from_min: i * bin_minutes,
                    to_min: (i + 1 < bins).then(|| (i + 1) * bin_minutes),
                    count,
                }
            })
            .collect(),
    }
}

/// What the supervisor's board draws from the projection: today's waiting chart, the wait
/// histogram, and each window's row of the day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Board {
    pub day: Date,
    pub seq: u64,
    /// The time the charts were sampled up to (the controller's clock).
    pub now: Timestamp,
    pub waiting: WaitingSeries,
    pub wait_histogram: Histogram,
    pub windows: Vec<Row>,
}

/// The groups a fact counts in.
#[derive(Clone, Copy)]
struct Dims<'a> {
    day: Date,
    window: Option<WindowNo>,
    clerk: Option<&'a ClerkId>,
    item: Option<&'a ItemCode>,
    queue: Option<&'a QueueId>,
}

#[derive(Default)]
struct Acc {
    row: Row,
    waits: Vec<u32>,
    services: Vec<u32>,
}

const WINDOW: usize = 0;
const CLERK: usize = 1;
const UNIT: usize = 2;
const ITEM: usize = 3;
const THEME: usize = 4;
const DAY: usize = 5;

/// Rows being added up, per dimension, plus the hall's total.
struct Groups<'h> {
    hall: &'h Hall,
    theme_of: BTreeMap<&'h str, &'h str>,
    total: Acc,
    dims: [BTreeMap<String, Acc>; 6],
    warnings: Vec<Warning>,
}

impl<'h> Groups<'h> {
    fn new(hall: &'h Hall) -> Groups<'h> {
        Groups {
            hall,
            theme_of: theme_of(hall),
            total: Acc::default(),
            dims: Default::default(),
            warnings: Vec::new(),
        }
    }

    fn keys(&self, d: &Dims) -> [String; 6] {
        let dash = || "-".to_owned();
        [
            d.window.map(|w| w.0.to_string()).unwrap_or_else(dash),
            d.clerk.map(|c| c.0.clone()).unwrap_or_else(dash),
            d.clerk
                .and_then(|c| self.hall.clerks.get(c))
                .and_then(|c| c.unit.clone())
                .unwrap_or_else(dash),
            d.item.map(|i| i.0.clone()).unwrap_or_else(dash),
            d.queue
                .and_then(|q| self.theme_of.get(q.0.as_str()))
                .map(|t| t.to_string())
                .unwrap_or_else(dash),
            d.day.to_string(),
        ]
    }

    fn add(&mut self, d: &Dims, f: impl Fn(&mut Acc)) {
        f(&mut self.total);
        for (i, key) in self.keys(d).into_iter().enumerate() {
            f(self.dims[i].entry(key).or_default());
        }
    }

    fn warn(&mut self, d: &Dims, w: Warning) {
        self.add(d, |a| a.row.warnings += 1);
        self.warnings.push(w);
    }
}

/// Queue id → theme id.
fn theme_of(hall: &Hall) -> BTreeMap<&str, &str> {
    hall.config
        .queues
        .iter()
        .filter_map(|q| Some((q.id.as_str(), q.theme.as_deref()?)))
        .collect()
}

fn finish(mut acc: Acc, key: String, (name_zh, name_en): (String, String)) -> Row {
    let r = &mut acc.row;
    r.key = key;
    r.name_zh = name_zh;
    r.name_en = name_en;
    r.within_target_permille = permille(r.within_target, acc.waits.len() as u32);
    r.wait = Stats::of(acc.waits);
    r.service = Stats::of(acc.services);
    let counted = r.rated.saturating_sub(r.appeals_upheld);
    r.satisfaction_permille = permille(r.rated - r.bad, counted);
    r.rating_rate_permille = permille(r.rated, r.served);
    r.on_time_permille = permille(r.cases_on_time, r.cases_completed);
    r.resolved_first_permille = permille(r.resolved_first, r.first_contacts);
    r.one_visit_permille = permille(r.one_visit, r.finished_with_outcome);
    acc.row
}

/// A group's names, zh and en.
fn name(hall: &Hall, dim: usize, key: &str) -> (String, String) {
    let pair = |zh: &str, en: &str| (zh.to_owned(), en.to_owned());
    if key == "-" {
        return match dim {
            WINDOW => pair("未到窗口", "Not at a window"),
            CLERK => pair("无", "Nobody"),
            UNIT => pair("未指定部门", "No unit"),
            ITEM => pair("未选事项", "No item chosen"),
            _ => pair("部门专窗", "Unit windows"),
        };
    }
    let found = match dim {
        WINDOW => key
            .parse()
            .ok()
            .and_then(|n| hall.windows.get(&WindowNo(n)))
            .map(|w| pair(&w.name_zh, &w.name_en)),
        CLERK => hall
            .clerks
            .get(&ClerkId(key.to_owned()))
            .map(|c| pair(&c.name, &c.name)),
        UNIT => hall
            .config
            .units
            .iter()
            .find(|u| u.id == key)
            .map(|u| pair(&u.name_zh, &u.name_en)),
        ITEM => hall
            .items
            .get(&ItemCode(key.to_owned()))
            .map(|i| pair(&i.name_zh, &i.name_en)),
        THEME => hall
            .config
            .themes
            .iter()
            .find(|t| t.id == key)
            .map(|t| pair(&t.name_zh, &t.name_en)),
        _ => None,
    };
    found.unwrap_or_else(|| pair(key, key))
}

/// A dimension reports are grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dim {
    Window = 0,
    Clerk = 1,
    Unit = 2,
    Item = 3,
    Theme = 4,
    Day = 5,
}

/// A dimension's rows, finished and named; windows in number order with `"-"` last.
fn finish_table(hall: &Hall, dim: usize, rows: BTreeMap<String, Acc>) -> Vec<Row> {
    let mut rows: Vec<Row> = rows
        .into_iter()
        .map(|(k, acc)| {
            let n = name(hall, dim, &k);
            finish(acc, k, n)
        })
        .collect();
    if dim == WINDOW {
        rows.sort_by_key(|r| r.key.parse::<u32>().unwrap_or(u32::MAX));
    }
    rows
}

/// When `day`'s last opening hours end (its midnight for a hall open around the clock).
fn day_close(hall: &Hall, day: Date) -> Timestamp {
    let last = hall
        .calendar
        .hours
        .iter()
        .map(|r| r.to)
        .max()
        .unwrap_or(24 * 60);
    hall.calendar.start_of_day(day) + SignedDuration::from_mins(last as i64)
}

/// The seconds of `from..to` that fall within the hall's opening hours, per business day.
fn open_time(hall: &Hall, from: Timestamp, to: Timestamp) -> Vec<(Date, u32)> {
    let cal = &hall.calendar;
    let mut out = Vec::new();
    let mut day = cal.business_day(from);
    let last = cal.business_day(to);
    while day <= last {
        let midnight = cal.start_of_day(day);
        let mut secs = 0;
        if cal.is_open_day(day) {
            for r in &cal.hours {
                let open = midnight + SignedDuration::from_mins(r.from as i64);
                let close = midnight + SignedDuration::from_mins(r.to as i64);
                let (a, b) = (open.max(from), close.min(to));
                if a < b {
                    secs += secs_between(a, b);
                }
            }
        }
        out.push((day, secs));
        day = day.checked_add(1.day()).expect("date in range");
    }
    out
}

/// The facts pushed in log order whose day falls in `from..=to`.
fn in_span<T>(facts: &[T], day: impl Fn(&T) -> Date, from: Date, to: Date) -> &[T] {
    let lo = facts.partition_point(|f| day(f) < from);
    let hi = facts.partition_point(|f| day(f) <= to);
    &facts[lo..hi.max(lo)]
}

/// Everything added up for a span, before it becomes a report.
struct Pass<'h> {
    groups: Groups<'h>,
    arrivals: [u32; 24],
    overdue: Vec<OverdueCase>,
    bad: Vec<BadRating>,
}

impl Projection {
    /// The tickets issued on business days `from..=to`.
    fn tickets_in(&self, from: Date, to: Date) -> impl Iterator<Item = &TicketFact> {
        let lo = crate::ids::TicketId(format!("{}-", from.strftime("%Y%m%d")));
        self.tickets
            .range(lo..)
            .map(|(_, t)| t)
            .take_while(move |t| t.day <= to)
            .filter(move |t| t.day >= from)
    }

    /// Adds up the facts of business days `from..=to`; what is still open (a pause, a ticket
    /// waiting) counts up to `until`.
    fn pass<'h>(&self, hall: &'h Hall, from: Date, to: Date, until: Timestamp) -> Pass<'h> {
        let policies = &hall.config.policies;
        let target_s = policies.target_wait_minutes.saturating_mul(60);
        let alarm_s = hall.wait_alarm_minutes.saturating_mul(60);
        let tz = &hall.calendar.tz;
        // Stock figures (cases open past their due day) are as of the end of the span, or the
        // day of the last event if that is sooner; none when that day is before the span.
        let as_of = self.day.map_or(to, |d| d.min(to));
        let stock = as_of >= from;
        let mut g = Groups::new(hall);
        let mut arrivals = [0u32; 24];
        for t in self.tickets_in(from, to) {
            let d = Dims {
                day: t.day,
                window: t.window,
                clerk: t.clerk.as_ref(),
                item: t.item.as_ref(),
                queue: Some(&t.queue),
            };
            arrivals[tz.to_datetime(t.issued_at).hour() as usize] += 1;
            let wait = t.wait_s();
            let first_clerk = t.first_call.as_ref().map(|(_, _, c)| c);
            g.add(&d, |a| {
                let r = &mut a.row;
                r.tickets += 1;
                match t.end {
                    End::Served => r.served += 1,
                    End::NoShow => r.no_show += 1,
                    End::Cancelled => r.cancelled += 1,
                    End::Expired => r.expired += 1,
                    End::Open => {}
                }
                if let (End::Served, Some(s)) = (t.end, t.service_s) {
                    a.services.push(s);
                }
                if let (End::Served, Some(outcome)) = (t.end, t.outcome) {
                    let r = &mut a.row;
                    r.finished_with_outcome += 1;
                    let done = outcome != Outcome::TellOnce;
                    if done && t.cites.is_none() {
                        r.one_visit += 1;
                    }
                    if done && first_clerk == t.clerk.as_ref() && !t.transferred {
                        r.resolved_first += 1;
                    }
                }
            });
            // The queue the citizen waited in first (a transfer moves the ticket on).
            let first_queue = t.waiting.first().map(|s| &s.queue).or(Some(&t.queue));
            if let Some((_, window, clerk)) = &t.first_call {
                // A wait and a first contact are the first caller's.
                let first = Dims {
                    window: Some(*window),
                    clerk: Some(clerk),
                    queue: first_queue,
                    ..d
                };
                g.add(&first, |a| {
                    a.row.first_contacts += 1;
                    if let Some(w) = wait {
                        a.waits.push(w);
                        if w <= target_s {
                            a.row.within_target += 1;
                        }
                    }
                });
                if let Some(w) = wait.filter(|&w| w > alarm_s) {
                    g.warn(
                        &first,
                        Warning {
                            day: t.day,
                            kind: WarningKind::LongWait,
                            subject: t.number.clone(),
                            window: Some(window.0),
                            clerk: Some(clerk.0.clone()),
                            value: w,
                            limit: alarm_s,
                        },
                    );
                }
            } else if t.end != End::Served {
                // Never called: it waited until cancelled, until the hall closed, or until now.
                let close = day_close(hall, t.day);
                let end = t.waiting.first().and_then(|s| s.to).unwrap_or(until);
                let waited = secs_between(t.issued_at, end.min(close));
                if waited > alarm_s {
                    let d = Dims {
                        window: None,
                        clerk: None,
                        queue: first_queue,
                        ..d
                    };
                    g.warn(
                        &d,
                        Warning {
                            day: t.day,
                            kind: WarningKind::LongWait,
                            subject: t.number.clone(),
                            window: None,
                            clerk: None,
                            value: waited,
                            limit: alarm_s,
                        },
                    );
                }
            }
            if let Some(n) = t.cites.as_ref().and_then(|n| self.notices.get(n)) {
                let by = Dims {
                    day: t.day,
                    window: Some(n.window),
                    clerk: Some(&n.clerk),
                    item: Some(&n.item),
                    queue: n.queue.as_ref(),
                };
                g.add(&by, |a| a.row.second_trips += 1);
            }
            let expected_s = t
                .item
                .as_ref()
                .and_then(|i| hall.items.get(i))
                .map(|i| {
                    (i.service_minutes.saturating_mul(60))
                        .saturating_mul(policies.service_overrun_factor)
                })
                .unwrap_or(0);
            if let (End::Served, Some(s)) = (t.end, t.service_s)
                && expected_s > 0
                && s > expected_s
            {
                g.warn(
                    &d,
                    Warning {
                        day: t.day,
                        kind: WarningKind::LongService,
                        subject: t.number.clone(),
                        window: t.window.map(|w| w.0),
                        clerk: t.clerk.as_ref().map(|c| c.0.clone()),
                        value: s,
                        limit: expected_s,
                    },
                );
            }
        }

        for tr in in_span(&self.transfers, |t| t.day, from, to) {
            let d = Dims {
                day: tr.day,
                window: Some(tr.window),
                clerk: Some(&tr.clerk),
                item: tr.item.as_ref(),
                queue: Some(&tr.from_queue),
            };
            g.add(&d, |a| {
                a.row.transfers += 1;
                if let (Some(reason), true) = (&tr.reason, tr.by_first) {
                    a.row.referred += 1;
                    *a.row.referral_reasons.entry(reason.clone()).or_default() += 1;
                }
            });
        }

        // Pauses: the time within opening hours, on each day it covers (a pause left on over
        // night counts from the next opening); counted and warned about on the day it began.
        let pause_alarm_s = policies.pause_alarm_minutes.saturating_mul(60);
        let span_start = hall.calendar.start_of_day(from);
        for p in self.pauses.iter().take_while(|p| p.day <= to) {
            let end = p.until.unwrap_or(until).max(p.since);
            if end < span_start {
                continue;
            }
            let d = Dims {
                day: p.day,
                window: Some(p.window),
                clerk: Some(&p.clerk),
                item: None,
                queue: None,
            };
            let mut secs = 0u32;
            for (day, part) in open_time(hall, p.since, end) {
                secs = secs.saturating_add(part);
                if day >= from && day <= to && part > 0 {
                    g.add(&Dims { day, ..d }, |a| a.row.pause_s += part as u64);
                }
            }
            if p.day < from {
                continue;
            }
            g.add(&d, |a| a.row.pauses += 1);
            if secs > pause_alarm_s {
                g.warn(
                    &d,
                    Warning {
                        day: p.day,
                        kind: WarningKind::LongPause,
                        subject: p.reason.clone(),
                        window: Some(p.window.0),
                        clerk: Some(p.clerk.0.clone()),
                        value: secs,
                        limit: pause_alarm_s,
                    },
                );
            }
        }

        let mut bad = Vec::new();
        for (id, r) in &self.ratings {
            if r.day < from || r.day > to {
                continue;
            }
            let d = Dims {
                day: r.day,
                window: Some(r.window),
                clerk: Some(&r.clerk),
                item: r.item.as_ref(),
                queue: r.queue.as_ref(),
            };
            if r.count >= 2 {
                g.add(&d, |a| a.row.follow_ups += 1);
                continue;
            }
            let fix = r.fix.as_ref();
            g.add(&d, |a| {
                let row = &mut a.row;
                row.rated += 1;
                row.levels[r.level.gbt_code() as usize - 1] += 1;
                if r.level.is_bad() {
                    row.bad += 1;
                }
                match fix {
                    Some(f) if f.upheld => row.appeals_upheld += 1,
                    Some(f) => match f.rectified {
                        Some(on) if on <= f.due => row.fixes_on_time += 1,
                        Some(_) => row.fixes_late += 1,
                        None => row.fixes_open += 1,
                    },
                    None => {}
                }
            });
            // Late as `Rectification::overdue` says (not visited back, or not rectified, by
            // its due day, while the fix lives), as of the span's end; or rectified late.
            let late = fix.and_then(|f| {
                let live = !matches!(
                    f.state,
                    RectificationState::Closed | RectificationState::AppealUpheld
                );
                let not_rectified = f.rectified.is_none() && as_of > f.due;
                let not_visited = f.visited_back.is_none() && as_of > f.visit_back_due;
                if f.upheld {
                    None
                } else if let Some(on) = f.rectified.filter(|&on| on > f.due) {
                    Some((f, f.due, on))
                } else if live && not_rectified {
                    Some((f, f.due, as_of))
                } else if live && not_visited {
                    Some((f, f.visit_back_due, as_of))
                } else {
                    None
                }
            });
            if let Some((f, due, until)) = late {
                g.warn(
                    &d,
                    Warning {
                        day: r.day,
                        kind: WarningKind::FixOverdue,
                        subject: f.id.clone(),
                        window: Some(r.window.0),
                        clerk: Some(r.clerk.0.clone()),
                        value: hall.calendar.working_days_between(due, until).max(0) as u32,
                        limit: 0,
                    },
                );
            }
            if r.level.is_bad() {
                bad.push(BadRating {
                    rating: id.clone(),
                    day: r.day,
                    ticket: r.ticket.0.clone(),
                    window: r.window.0,
                    clerk: r.clerk.0.clone(),
                    code: r.level.gbt_code(),
                    level_zh: r.level.name_zh().to_owned(),
                    reasons: r.reasons.clone(),
                    fix_state: fix.map(|f| f.state),
                    rectify_due: fix.map(|f| f.due),
                    fixed_on_time: fix.and_then(|f| f.rectified.map(|on| on <= f.due)),
                });
            }
        }

        let mut overdue = Vec::new();
        for (id, c) in &self.cases {
            let d = Dims {
                day: c.accepted,
                window: Some(c.window),
                clerk: Some(&c.clerk),
                item: Some(&c.item),
                queue: c.queue.as_ref(),
            };
            if c.accepted >= from && c.accepted <= to {
                g.add(&d, |a| a.row.cases_accepted += 1);
            }
            let done_in_span = c.completed.filter(|&on| on >= from && on <= to);
            if let Some(on) = done_in_span {
                let on_time = c.on_time == Some(true);
                g.add(&Dims { day: on, ..d }, |a| {
                    a.row.cases_completed += 1;
                    if on_time {
                        a.row.cases_on_time += 1;
                    }
                });
            }
            if let Some(on) = c.handed_over.filter(|&on| on >= from && on <= to) {
                g.add(&Dims { day: on, ..d }, |a| a.row.cases_handed_over += 1);
            }
            let late_in_span = done_in_span.filter(|_| c.on_time == Some(false));
            let open_late = stock
                && c.accepted <= to
                && c.due < as_of
                && c.completed.is_none_or(|on| on > as_of);
            if open_late {
                g.add(&Dims { day: as_of, ..d }, |a| a.row.cases_overdue += 1);
            }
            if late_in_span.is_some() || open_late {
                let until = late_in_span.unwrap_or(as_of);
                let days_over = hall.calendar.working_days_between(c.due, until).max(0) as u32;
                g.warn(
                    &Dims { day: until, ..d },
                    Warning {
                        day: until,
                        kind: WarningKind::CaseOverdue,
                        subject: id.clone(),
                        window: Some(c.window.0),
                        clerk: Some(c.clerk.0.clone()),
                        value: days_over,
                        limit: 0,
                    },
                );
                overdue.push(OverdueCase {
                    case: id.clone(),
                    item: c.item.0.clone(),
                    item_name_zh: hall
                        .items
                        .get(&c.item)
                        .map(|i| i.name_zh.clone())
                        .unwrap_or_default(),
                    item_name_en: hall
                        .items
                        .get(&c.item)
                        .map(|i| i.name_en.clone())
                        .unwrap_or_default(),
                    window: c.window.0,
                    clerk: c.clerk.0.clone(),
                    accepted: c.accepted,
                    due: c.due,
                    completed: late_in_span,
                    days_over,
                });
            }
        }

        for n in self.notices.values() {
            if n.day >= from && n.day <= to {
                let d = Dims {
                    day: n.day,
                    window: Some(n.window),
                    clerk: Some(&n.clerk),
                    item: Some(&n.item),
                    queue: n.queue.as_ref(),
                };
                g.add(&d, |a| a.row.notices += 1);
            }
        }

        for f in in_span(&self.devices, |f| f.day, from, to) {
            let d = Dims {
                day: f.day,
                window: f.window,
                clerk: None,
                item: None,
                queue: None,
            };
            let kind = if f.offline {
                WarningKind::DeviceOffline
            } else {
                WarningKind::PrintFailed
            };
            g.warn(
                &d,
                Warning {
                    day: f.day,
                    kind,
                    subject: f.subject.clone(),
                    window: f.window.map(|w| w.0),
                    clerk: None,
                    value: 1,
                    limit: 0,
                },
            );
        }
        g.warnings.sort_by(|a, b| {
            (a.day, a.kind, &a.subject, a.window).cmp(&(b.day, b.kind, &b.subject, b.window))
        });
        overdue.sort_by(|a, b| (b.days_over, &a.case).cmp(&(a.days_over, &b.case)));
        bad.sort_by(|a, b| (a.day, &a.rating).cmp(&(b.day, &b.rating)));
        Pass {
            groups: g,
            arrivals,
            overdue,
            bad,
        }
    }

    /// The rows of one dimension over business days `from..=to` (groups with nothing to count
    /// have no row).
    pub fn rows(&self, hall: &Hall, from: Date, to: Date, dim: Dim) -> Vec<Row> {
        let mut pass = self.pass(hall, from, to, self.last());
        finish_table(
            hall,
            dim as usize,
            std::mem::take(&mut pass.groups.dims[dim as usize]),
        )
    }

    /// The report of `period` around `date`, as of the last event folded in.
    pub fn report(&self, hall: &Hall, period: Period, date: Date) -> Report {
        let (from, to) = period.span(date);
        let mut pass = self.pass(hall, from, to, self.last());
        let waits = pass.groups.total.waits.clone();
        let mut day = from;
        while day <= to {
            pass.groups.dims[DAY].entry(day.to_string()).or_default();
            day = day.checked_add(1.day()).expect("date in range");
        }
        let Pass {
            groups,
            arrivals,
            overdue,
            bad,
        } = pass;
        let Groups {
            total,
            dims,
            warnings,
            ..
        } = groups;
        let mut tables: Vec<Vec<Row>> = dims
            .into_iter()
            .enumerate()
            .map(|(dim, rows)| finish_table(hall, dim, rows))
            .collect();
        let by_day = tables.pop().expect("six tables");
        let by_theme = tables.pop().expect("six tables");
        let by_item = tables.pop().expect("six tables");
        let by_unit = tables.pop().expect("six tables");
        let by_clerk = tables.pop().expect("six tables");
        let by_window = tables.pop().expect("six tables");
        let info = &hall.config.hall;
        let total = finish(total, "hall".into(), ("全厅".into(), "Whole hall".into()));
        let rankings = if period == Period::Daily {
            Vec::new()
        } else {
            rankings(&by_window, &by_clerk, &by_unit)
        };
        let waiting = if period == Period::Daily {
            self.waiting_series(hall, from, SERIES_STEP_MINUTES, self.last())
        } else {
            WaitingSeries::default()
        };
        Report {
            period,
            from,
            to,
            hall_zh: info.name_zh.clone(),
            hall_en: info.name_en.clone(),
            seq: self.seq,
            target_wait_minutes: hall.config.policies.target_wait_minutes,
            wait_alarm_minutes: hall.wait_alarm_minutes,
            total,
            by_window,
            by_clerk,
            by_unit,
            by_item,
            by_theme,
            by_day,
            arrivals_by_hour: arrivals,
            wait_histogram: histogram(&waits, HISTOGRAM_BIN_MINUTES, HISTOGRAM_BINS),
            waiting,
            rankings,
            overdue_cases: overdue,
            bad_ratings: bad,
            warnings,
        }
    }

    /// The supervisor board's charts and window rows for `day`, sampled up to `now`.
    pub fn board(&self, hall: &Hall, day: Date, now: Timestamp) -> Board {
        let now = now.max(self.last());
        let mut pass = self.pass(hall, day, day, now);
        let waits = std::mem::take(&mut pass.groups.total.waits);
        let mut windows = finish_table(hall, WINDOW, std::mem::take(&mut pass.groups.dims[WINDOW]));
        windows.retain(|r| r.key != "-");
        Board {
            day,
            seq: self.seq,
            now,
            waiting: self.waiting_series(hall, day, SERIES_STEP_MINUTES, now),
            wait_histogram: histogram(&waits, HISTOGRAM_BIN_MINUTES, HISTOGRAM_BINS),
            windows,
        }
    }

    /// The time of the last event folded in: what is still open counts up to it.
    fn last(&self) -> Timestamp {
        self.at.unwrap_or(Timestamp::UNIX_EPOCH)
    }

    /// People waiting per theme on `day`, sampled every `step_minutes` from the first ticket's
    /// quarter hour up to `until` or the day's closing time, whichever is sooner.
    pub fn waiting_series(
        &self,
        hall: &Hall,
        day: Date,
        step_minutes: u32,
        until: Timestamp,
    ) -> WaitingSeries {
        let themes = theme_of(hall);
        let tz = &hall.calendar.tz;
        let tickets: Vec<&TicketFact> = self.tickets_in(day, day).collect();
        let mut keys: Vec<String> = hall.config.themes.iter().map(|t| t.id.clone()).collect();
        let unthemed = tickets.iter().any(|t| {
            t.waiting
                .iter()
                .any(|s| !themes.contains_key(s.queue.0.as_str()))
        });
        if unthemed {
            keys.push("-".into());
        }
        let step = step_minutes.max(1) as i64;
        let mut times = Vec::new();
        if let Some(first) = tickets.iter().map(|t| t.issued_at).min() {
            let midnight = hall.calendar.start_of_day(day);
            let minutes = first.duration_since(midnight).as_mins();
            let mut t = midnight + SignedDuration::from_mins(minutes - minutes.rem_euclid(step));
            let day_end = hall
                .calendar
                .start_of_day(day.checked_add(1.day()).expect("date"));
            let close = day_close(hall, day);
            while t <= until && t <= close && t < day_end {
                times.push(t);
                t += SignedDuration::from_mins(step);
            }
        }
        let series = keys
            .into_iter()
            .map(|key| {
                let points = times
                    .iter()
                    .map(|&at| {
                        tickets
                            .iter()
                            .flat_map(|t| &t.waiting)
                            .filter(|s| {
                                themes.get(s.queue.0.as_str()).copied().unwrap_or("-") == key
                                    && s.from <= at
                                    && s.to.is_none_or(|to| at < to)
                            })
                            .count() as u32
                    })
                    .collect();
                let (name_zh, name_en) = name(hall, THEME, &key);
                ThemeSeries {
                    theme: key,
                    name_zh,
                    name_en,
                    points,
                }
            })
            .collect();
        WaitingSeries {
            day: Some(day),
            step_minutes,
            times: times
                .iter()
                .map(|&t| tz.to_datetime(t).strftime("%H:%M").to_string())
                .collect(),
            series,
        }
    }
}

/// The weekly bulletin's rankings: windows and clerks by served and by satisfaction, windows
/// by mean wait (shortest first), units by on-time completion. Ties go by key; groups without
/// the figure are left out, as is the `"-"` group.
fn rankings(windows: &[Row], clerks: &[Row], units: &[Row]) -> Vec<Ranking> {
    fn rank(
        (id, unit): (&str, RankUnit),
        zh: &str,
        en: &str,
        rows: &[Row],
        value: impl Fn(&Row) -> Option<u32>,
        ascending: bool,
    ) -> Ranking {
        let mut scored: Vec<(&Row, u32)> = rows
            .iter()
            .filter(|r| r.key != "-")
            .filter_map(|r| value(r).map(|v| (r, v)))
            .collect();
        scored.sort_by(|(a, x), (b, y)| {
            let by_value = if ascending { x.cmp(y) } else { y.cmp(x) };
            by_value.then_with(|| a.key.cmp(&b.key))
        });
        Ranking {
            id: id.into(),
            title_zh: zh.into(),
            title_en: en.into(),
            unit,
            entries: scored
                .into_iter()
                .enumerate()
                .map(|(i, (r, value))| RankEntry {
                    rank: i as u32 + 1,
                    key: r.key.clone(),
                    name_zh: r.name_zh.clone(),
                    value,
                })
                .collect(),
        }
    }
    vec![
        rank(
            ("window_served", RankUnit::Count),
            "窗口办件量",
            "Windows by visits served",
            windows,
            |r| Some(r.served),
            false,
        ),
        rank(
            ("window_satisfaction", RankUnit::Permille),
            "窗口满意率",
            "Windows by satisfaction (‰)",
            windows,
            |r| r.satisfaction_permille,
            false,
        ),
        rank(
            ("window_wait", RankUnit::Seconds),
            "窗口平均等候（秒，短者在前）",
            "Windows by mean wait (s, shortest first)",
            windows,
            |r| r.wait.mean_s,
            true,
        ),
        rank(
            ("clerk_served", RankUnit::Count),
            "工作人员办件量",
            "Clerks by visits served",
            clerks,
            |r| Some(r.served),
            false,
        ),
        rank(
            ("clerk_satisfaction", RankUnit::Permille),
            "工作人员满意率",
            "Clerks by satisfaction (‰)",
            clerks,
            |r| r.satisfaction_permille,
            false,
        ),
        rank(
            ("unit_on_time", RankUnit::Permille),
            "部门按时办结率",
            "Units by on-time completion (‰)",
            units,
            |r| r.on_time_permille,
            false,
        ),
    ]
}
