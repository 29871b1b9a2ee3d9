//! Reports as a projection of the log: a scripted day in the township hall whose figures are
//! computed by hand below, then the week and the month around it.

mod support;

use hallq_core::command::{RateTarget, Visit};
use hallq_core::report::{Period, Projection, Row, WarningKind};
use hallq_core::state::{Outcome, ticket_id};
use hallq_core::{Actor, Command, Hall};
use hallq_core::{hall::DeviceKind, rating::RatingLevel};
use jiff::civil::date;
use support::*;

fn pad(window: u32) -> Actor {
    Actor::Device {
        id: format!("pad-{window}").as_str().into(),
        kind: DeviceKind::Pad,
        window: Some(w(window)),
    }
}

fn rate(sim: &mut Sim, window: u32, level: RatingLevel) {
    sim.run(
        &pad(window),
        Command::Rate {
            target: RateTarget::Window(w(window)),
            level,
            reasons: vec![],
            comment: None,
        },
    )
    .unwrap();
}

fn finish(sim: &mut Sim, clerk: &Actor, window: u32, outcome: Outcome, missing: &[&str]) {
    sim.run(
        clerk,
        Command::Finish {
            window: w(window),
            visit: Visit {
                outcome: Some(outcome),
                item: None,
                missing: missing.iter().map(|m| m.to_string()).collect(),
            },
        },
    )
    .unwrap();
}

fn start(sim: &mut Sim, clerk: &Actor, window: u32) {
    sim.run(clerk, Command::Start { window: w(window) })
        .unwrap();
}

fn row<'a>(rows: &'a [Row], key: &str) -> &'a Row {
    rows.iter().find(|r| r.key == key).unwrap_or_else(|| {
        panic!(
            "no row {key} in {:?}",
            rows.iter().map(|r| &r.key).collect::<Vec<_>>()
        )
    })
}

/// Thursday 26 November 2026 in the township hall: S is the 社会事务 theme's queue (windows 1
/// and 2), R the 社保医保 unit queue (window 3, no theme).
fn scripted_day() -> Sim {
    let mut sim = Sim::new();
    let day = "2026-11-26";
    sim.now = at(day, "09:00");
    sim.issue("YJQ-003").unwrap(); // S001 高龄津贴申领 (10 min, 10 working days)
    sim.now = at(day, "09:02");
    sim.issue("YJQ-004").unwrap(); // S002 居住证明开具
    sim.now = at(day, "09:04");
    sim.issue("YJQ-001").unwrap(); // R001 养老保险参保登记 (8 min)
    sim.now = at(day, "09:06");
    sim.issue("YJQ-002").unwrap(); // R002 医疗保险缴费 (5 min)
    sim.now = at(day, "09:08");
    sim.issue("YJQ-004").unwrap(); // S003 居住证明开具
    let c1 = sim.sign_in("clerk01", 1);
    let c3 = sim.sign_in("clerk03", 3);

    sim.now = at(day, "09:10");
    assert_eq!(sim.call_next(&c1, 1).unwrap().to_string(), "S001"); // waited 600 s
    start(&mut sim, &c1, 1);
    sim.now = at(day, "09:12");
    assert_eq!(sim.call_next(&c3, 3).unwrap().to_string(), "R001"); // waited 480 s
    start(&mut sim, &c3, 3);
    sim.now = at(day, "09:20");
    finish(&mut sim, &c1, 1, Outcome::Accepted, &[]); // served 600 s; a case, due in 10 days
    assert_eq!(sim.call_next(&c1, 1).unwrap().to_string(), "S002"); // waited 1,080 s
    sim.now = at(day, "09:21");
    sim.run(&c1, Command::NoShow { window: w(1) }).unwrap();
    assert_eq!(sim.call_next(&c1, 1).unwrap().to_string(), "S003"); // waited 780 s
    start(&mut sim, &c1, 1);
    sim.now = at(day, "09:25");
    sim.run(
        &c1,
        Command::Transfer {
            window: w(1),
            queue: hallq_core::ids::QueueId("R".into()),
            reason: Some("需社保窗口办理".into()),
        },
    )
    .unwrap();
    sim.now = at(day, "09:30");
    // Served 1,080 s: over 2 × the item's 8 minutes (960 s).
    finish(&mut sim, &c3, 3, Outcome::OnTheSpot, &[]);
    rate(&mut sim, 3, RatingLevel::Satisfied);
    assert_eq!(sim.call_next(&c3, 3).unwrap().to_string(), "R002"); // waited 1,440 s
    start(&mut sim, &c3, 3);
    sim.now = at(day, "09:35");
    finish(&mut sim, &c3, 3, Outcome::TellOnce, &["申请人身份证原件"]); // 300 s
    rate(&mut sim, 3, RatingLevel::Dissatisfied);
    assert_eq!(sim.call_next(&c3, 3).unwrap().to_string(), "S003"); // its first call counts
    start(&mut sim, &c3, 3);
    sim.now = at(day, "09:40");
    finish(&mut sim, &c3, 3, Outcome::OnTheSpot, &[]); // 300 s
    sim.run(
        &c1,
        Command::Pause {
            window: w(1),
            reason: "午休".into(),
            back_at: None,
        },
    )
    .unwrap();
    sim.now = at(day, "10:00");
    sim.issue("YJQ-004").unwrap(); // S004, cancelled at 10:05
    sim.now = at(day, "10:05");
    sim.run(
        &kiosk(),
        Command::CancelTicket {
            ticket: ticket_id(date(2026, 11, 26), &n("S004")),
        },
    )
    .unwrap();
    sim.now = at(day, "10:10");
    sim.issue("YJQ-004").unwrap(); // S005, never called
    sim.now = at(day, "10:30");
    sim.run(&c1, Command::Resume { window: w(1) }).unwrap(); // paused 3,000 s
    sim
}

fn projection(hall: &Hall, sim: &Sim) -> Projection {
    Projection::fold(hall, &sim.log)
}

#[test]
fn a_scripted_day_gives_the_figures_computed_by_hand() {
    let sim = scripted_day();
    let p = projection(&sim.hall, &sim);
    let r = p.report(&sim.hall, Period::Daily, date(2026, 11, 26));
    assert_eq!((r.from, r.to), (date(2026, 11, 26), date(2026, 11, 26)));
    assert_eq!(r.seq, sim.log.last().unwrap().seq);
    let t = &r.total;
    // Seven tickets: four served, one no-show, one cancelled, one still waiting.
    assert_eq!(
        (t.tickets, t.served, t.no_show, t.cancelled, t.expired),
        (7, 4, 1, 1, 0)
    );
    // Waits 480, 600, 780, 1080, 1440: mean 876, p50 780, p90 1440; 4 of 5 within 20 min.
    assert_eq!(
        (t.wait.count, t.wait.mean_s, t.wait.p50_s, t.wait.p90_s),
        (5, Some(876), Some(780), Some(1440))
    );
    assert_eq!((t.within_target, t.within_target_permille), (4, Some(800)));
    // Services 300, 300, 600, 1080: mean 570, p50 600, p90 1080.
    assert_eq!(
        (
            t.service.count,
            t.service.mean_s,
            t.service.p50_s,
            t.service.p90_s
        ),
        (4, Some(570), Some(600), Some(1080))
    );
    assert_eq!((t.transfers, t.referred), (1, 1));
    assert_eq!(t.referral_reasons.get("需社保窗口办理"), Some(&1));
    assert_eq!((t.pauses, t.pause_s), (1, 3000));
    // Ratings: 满意 and 不满意; half satisfied, half the visits rated; one fix open.
    assert_eq!((t.rated, t.levels, t.bad), (2, [0, 1, 0, 1, 0], 1));
    assert_eq!(
        (t.satisfaction_permille, t.rating_rate_permille),
        (Some(500), Some(500))
    );
    assert_eq!((t.fixes_open, t.fixes_on_time, t.fixes_late), (1, 0, 0));
    assert_eq!(
        (t.cases_accepted, t.cases_completed, t.cases_overdue),
        (1, 0, 0)
    );
    // 首问负责: clerk01 first saw S001–S003, clerk03 R001 and R002. Resolved at the first window:
    // S001 and R001 (R002 was a tell-once notice, S003 was referred): 2 of 5. One-visit: S001,
    // R001 and S003 of the four finished with an outcome.
    assert_eq!((t.first_contacts, t.resolved_first), (5, 2));
    assert_eq!(t.resolved_first_permille, Some(400));
    assert_eq!((t.finished_with_outcome, t.one_visit), (4, 3));
    assert_eq!(t.one_visit_permille, Some(750));
    assert_eq!(t.notices, 1);
    // Warnings: R001's long service, window 1's long pause.
    let kinds: Vec<_> = r
        .warnings
        .iter()
        .map(|w| (w.kind, w.subject.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            (WarningKind::LongService, "R001"),
            (WarningKind::LongPause, "午休")
        ]
    );
    assert_eq!(t.warnings, 2);

    // Window 1 kept S001 and S002 (S003 was last called at window 3); two never reached one.
    let w1 = row(&r.by_window, "1");
    assert_eq!((w1.tickets, w1.served, w1.no_show), (2, 1, 1));
    assert_eq!((w1.transfers, w1.pause_s, w1.first_contacts), (1, 3000, 3));
    assert_eq!(w1.name_zh, "1号 社会事务综合窗口");
    let w3 = row(&r.by_window, "3");
    assert_eq!((w3.tickets, w3.served, w3.rated, w3.bad), (3, 3, 2, 1));
    assert_eq!(
        (w3.service.mean_s, w3.satisfaction_permille),
        (Some(560), Some(500))
    );
    assert_eq!(row(&r.by_window, "-").tickets, 2);
    assert_eq!(
        r.by_window
            .iter()
            .map(|r| r.key.as_str())
            .collect::<Vec<_>>(),
        ["1", "3", "-"]
    );
    // Units by the clerk: clerk01 is the centre's, clerk03 the social-security station's.
    assert_eq!(row(&r.by_unit, "hall").tickets, 2);
    assert_eq!(row(&r.by_unit, "hrss").tickets, 3);
    assert_eq!(row(&r.by_clerk, "clerk03").one_visit, 2);
    // Themes by the queue a ticket ended in: S003 was moved to the unthemed R queue.
    assert_eq!(row(&r.by_theme, "social").tickets, 4);
    assert_eq!(row(&r.by_theme, "-").tickets, 3);
    assert_eq!(row(&r.by_theme, "-").name_zh, "部门专窗");
    assert_eq!(row(&r.by_item, "YJQ-004").tickets, 4);
    assert_eq!(r.by_day.len(), 1);
    assert_eq!(r.by_day[0].tickets, 7);
    // Arrivals: five in the 9 o'clock hour, two in the 10 o'clock hour.
    assert_eq!((r.arrivals_by_hour[9], r.arrivals_by_hour[10]), (5, 2));
    // Histogram of the five waits in 5-minute bins: 8, 10, 13, 18 and 24 minutes.
    let bins: Vec<u32> = r.wait_histogram.bins.iter().map(|b| b.count).collect();
    assert_eq!(bins, [0, 1, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
    let counts: Vec<(u32, u32)> = r.wait_histogram.bins[..6]
        .iter()
        .map(|b| (b.from_min, b.count))
        .collect();
    assert_eq!(counts[1], (5, 1));
    assert_eq!(r.wait_histogram.bins.last().unwrap().to_min, None);
    // People waiting, every 15 minutes from 09:00 up to the last event (10:30).
    assert_eq!(
        r.waiting.times,
        [
            "09:00", "09:15", "09:30", "09:45", "10:00", "10:15", "10:30"
        ]
    );
    let social = r
        .waiting
        .series
        .iter()
        .find(|s| s.theme == "social")
        .unwrap();
    assert_eq!(social.points, [1, 2, 0, 0, 1, 1, 1]);
    let other = r.waiting.series.iter().find(|s| s.theme == "-").unwrap();
    assert_eq!(other.points, [0, 1, 1, 0, 0, 0, 0]);
    // The bad rating and its fix, open.
    assert_eq!(r.bad_ratings.len(), 1);
    let bad = &r.bad_ratings[0];
    assert_eq!(
        (bad.window, bad.code, bad.fix_state),
        (3, 4, Some(hallq_core::rating::RectificationState::Open))
    );
    assert!(
        r.rankings.is_empty(),
        "rankings are for the weekly bulletin"
    );
}

#[test]
fn the_week_ranks_windows_and_lists_overdue_cases_and_open_fixes() {
    let mut sim = scripted_day();
    // Twelve working days later (Monday 14 December) the case, due in 10, is overdue and the
    // day rolls (S005 expires).
    sim.now = at("2026-12-14", "09:00");
    sim.issue("YJQ-004").unwrap();
    let p = projection(&sim.hall, &sim);
    let day = p.report(&sim.hall, Period::Daily, date(2026, 11, 26));
    assert_eq!(day.total.expired, 1, "S005 expired at the day's end");
    // Never called, S005 waited from 10:10 until the hall closed at 17:00: a long wait with no
    // window, though it expired only when the day rolled.
    let s005 = day
        .warnings
        .iter()
        .find(|w| w.subject == "S005")
        .expect("S005's long wait");
    assert_eq!(
        (s005.kind, s005.window, s005.value),
        (WarningKind::LongWait, None, 24_600)
    );
    assert_eq!(day.waiting.times.last().map(String::as_str), Some("17:00"));
    // The bad rating's fix was never visited back nor rectified: not late on the 26th itself,
    // late by the end of November.
    assert!(
        !day.warnings
            .iter()
            .any(|w| w.kind == WarningKind::FixOverdue),
        "{:?}",
        day.warnings
    );
    let november = p.report(&sim.hall, Period::Monthly, date(2026, 11, 26));
    let fix = november
        .warnings
        .iter()
        .find(|w| w.kind == WarningKind::FixOverdue)
        .expect("the fix is late by the end of November");
    assert_eq!(fix.subject, "ZG-20261126-R002");

    let week = p.report(&sim.hall, Period::Weekly, date(2026, 12, 16));
    assert_eq!(
        (week.from, week.to),
        (date(2026, 12, 14), date(2026, 12, 20))
    );
    assert_eq!(week.total.tickets, 1);
    assert_eq!(week.by_day.len(), 7, "one row per day of the week");
    assert_eq!(week.overdue_cases.len(), 1);
    let case = &week.overdue_cases[0];
    assert_eq!((case.window, case.completed), (1, None));
    // Due on 10 December (10 working days after 26 November); as of the 14th, 2 days over.
    assert_eq!((case.due, case.days_over), (date(2026, 12, 10), 2));
    assert!(
        week.warnings
            .iter()
            .any(|w| w.kind == WarningKind::CaseOverdue && w.value == 2)
    );

    let month = p.report(&sim.hall, Period::Monthly, date(2026, 11, 3));
    assert_eq!(
        (month.from, month.to),
        (date(2026, 11, 1), date(2026, 11, 30))
    );
    assert_eq!(month.by_day.len(), 30);
    assert_eq!(month.total.tickets, 7);
    let ranking = month
        .rankings
        .iter()
        .find(|r| r.id == "window_served")
        .unwrap();
    let order: Vec<_> = ranking
        .entries
        .iter()
        .map(|e| (e.key.as_str(), e.value))
        .collect();
    assert_eq!(order, [("3", 3), ("1", 1)]);
    let wait = month
        .rankings
        .iter()
        .find(|r| r.id == "window_wait")
        .unwrap();
    // Mean waits: window 1 (S001, S002) 840 s; window 3 (R001, R002, S003) 900 s.
    let order: Vec<_> = wait
        .entries
        .iter()
        .map(|e| (e.key.as_str(), e.value))
        .collect();
    assert_eq!(order, [("1", 820), ("3", 960)]);
    // The case was not overdue at the end of November.
    assert!(month.overdue_cases.is_empty());

    // A week after the last event: nothing happened yet, nothing is counted on other days.
    let ahead = p.report(&sim.hall, Period::Weekly, date(2026, 12, 23));
    assert_eq!(ahead.by_day.len(), 7);
    assert_eq!((ahead.total.tickets, ahead.total.cases_overdue), (0, 0));
    assert!(ahead.overdue_cases.is_empty() && ahead.warnings.is_empty());
}

#[test]
fn a_pause_over_night_counts_only_opening_hours_on_each_day() {
    let mut sim = Sim::new();
    let c1 = sim.sign_in("clerk01", 1);
    sim.now = at("2026-11-26", "16:50");
    sim.run(
        &c1,
        Command::Pause {
            window: w(1),
            reason: "设备维护".into(),
            back_at: None,
        },
    )
    .unwrap();
    sim.now = at("2026-11-27", "08:40");
    sim.run(&c1, Command::Resume { window: w(1) }).unwrap();
    let p = projection(&sim.hall, &sim);
    // 16:50–17:00 on Thursday, 08:30–08:40 on Friday; counted once, on Thursday.
    let week = p.report(&sim.hall, Period::Weekly, date(2026, 11, 26));
    let day = |d: &str| week.by_day.iter().find(|r| r.key == d).unwrap();
    assert_eq!(
        (day("2026-11-26").pause_s, day("2026-11-26").pauses),
        (600, 1)
    );
    assert_eq!(
        (day("2026-11-27").pause_s, day("2026-11-27").pauses),
        (600, 0)
    );
    assert_eq!((week.total.pause_s, week.total.pauses), (1200, 1));
    assert!(
        week.warnings.is_empty(),
        "20 minutes of opening hours: no long pause"
    );
    let friday = p.report(&sim.hall, Period::Daily, date(2026, 11, 27));
    assert_eq!((friday.total.pause_s, friday.total.pauses), (600, 0));
}

#[test]
fn an_appeal_upheld_after_a_fix_counts_as_upheld_not_as_fixed() {
    let mut sim = scripted_day();
    let c3 = sim.sign_in("clerk03", 3);
    let fix = |sim: &mut Sim, who: &Actor, action, note: Option<&str>| {
        sim.run(
            who,
            Command::Rectify {
                rectification: "ZG-20261126-R002".into(),
                action,
                note: note.map(str::to_owned),
            },
        )
        .unwrap();
    };
    use hallq_core::rating::RectifyAction;
    fix(
        &mut sim,
        &c3,
        RectifyAction::Rectify,
        Some("补充告知材料清单"),
    );
    fix(
        &mut sim,
        &c3,
        RectifyAction::Appeal,
        Some("材料确实不全，评价与事实不符"),
    );
    fix(&mut sim, &desk(), RectifyAction::UpholdAppeal, None);
    let p = projection(&sim.hall, &sim);
    let r = p.report(&sim.hall, Period::Daily, date(2026, 11, 26));
    let t = &r.total;
    assert_eq!(
        (
            t.appeals_upheld,
            t.fixes_on_time,
            t.fixes_late,
            t.fixes_open
        ),
        (1, 0, 0, 0)
    );
    assert!(!r.warnings.iter().any(|w| w.kind == WarningKind::FixOverdue));
    // The upheld rating no longer counts: one rating left, satisfied.
    assert_eq!(t.satisfaction_permille, Some(1000));
    let figures = hallq_core::rating::figures_of(
        &sim.hall,
        &p,
        date(2026, 11, 26),
        date(2026, 11, 26),
        hallq_core::rating::GroupBy::Window,
    );
    let w3 = figures.iter().find(|f| f.key == "3").unwrap();
    assert_eq!(
        (w3.appeals_upheld, w3.fixed_on_time, w3.fixes_open),
        (1, 0, 0)
    );
}

#[test]
fn spans_are_the_day_its_monday_to_sunday_week_and_its_month_within_the_calendar() {
    let thursday = date(2026, 11, 26);
    assert_eq!(
        Period::Daily.checked_span(thursday),
        Ok((thursday, thursday))
    );
    assert_eq!(
        Period::Weekly.checked_span(thursday),
        Ok((date(2026, 11, 23), date(2026, 11, 29)))
    );
    assert_eq!(
        Period::Weekly.checked_span(date(2026, 11, 29)),
        Ok((date(2026, 11, 23), date(2026, 11, 29))),
        "a Sunday ends its week"
    );
    assert_eq!(
        Period::Monthly.checked_span(date(2028, 2, 10)),
        Ok((date(2028, 2, 1), date(2028, 2, 29)))
    );
    for period in Period::ALL {
        let err = period.checked_span(date(9999, 12, 31)).unwrap_err();
        assert!(err.contains("2199-12-31"), "{err}");
        assert!(period.checked_span(date(1999, 12, 31)).is_err());
        assert!(period.checked_span(Period::LAST_DAY).is_ok());
        assert_eq!(Period::parse(period.as_str()), Some(period));
    }
    assert_eq!(Period::parse("yearly"), None);
}

#[test]
fn a_case_counts_when_accepted_completed_and_handed_over_each_on_its_day() {
    let mut sim = scripted_day();
    let case = sim.state.cases.keys().next().unwrap().clone();
    sim.now = at("2026-11-27", "10:00");
    sim.run(&desk(), Command::CompleteCase { case: case.clone() })
        .unwrap();
    sim.now = at("2026-11-30", "15:00");
    sim.run(&desk(), Command::HandOverCase { case }).unwrap();
    let p = projection(&sim.hall, &sim);
    let day = |d| p.report(&sim.hall, Period::Daily, d).total;
    let (thu, fri, mon) = (
        day(date(2026, 11, 26)),
        day(date(2026, 11, 27)),
        day(date(2026, 11, 30)),
    );
    assert_eq!((thu.cases_accepted, thu.cases_completed), (1, 0));
    assert_eq!(
        (fri.cases_completed, fri.cases_on_time, fri.on_time_permille),
        (1, 1, Some(1000))
    );
    assert_eq!((mon.cases_handed_over, fri.cases_handed_over), (1, 0));
    let week = p.report(&sim.hall, Period::Weekly, date(2026, 11, 26));
    let w1 = row(&week.by_window, "1");
    assert_eq!(
        (w1.cases_accepted, w1.cases_completed, w1.cases_handed_over),
        (1, 1, 0),
        "handed over the next week"
    );
}
