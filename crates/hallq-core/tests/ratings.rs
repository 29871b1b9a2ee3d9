//! 好差评: one rating per visit by the citizen alone, the pad's request and its expiry, the phone
//! link, and the fix of bad ratings with working-day deadlines.

mod support;

use hallq_core::command::{RateTarget, Visit};
use hallq_core::hall::DeviceKind;
use hallq_core::rating::{RatingLevel, RectificationState, RectifyAction};
use hallq_core::{Actor, Command, Event, Rejection};
use jiff::civil::date;
use support::*;

fn pad(window: u32) -> Actor {
    Actor::Device {
        id: format!("pad-{window}").as_str().into(),
        kind: DeviceKind::Pad,
        window: Some(w(window)),
    }
}

fn rate_at(window: u32, level: RatingLevel, reasons: &[&str]) -> Command {
    Command::Rate {
        target: RateTarget::Window(w(window)),
        level,
        reasons: reasons.iter().map(|r| r.to_string()).collect(),
        comment: None,
    }
}

fn rate_by_phone(ticket: &str, level: RatingLevel) -> Command {
    Command::Rate {
        target: RateTarget::Ticket(ticket.into()),
        level,
        reasons: vec![],
        comment: Some("窗口人员耐心".into()),
    }
}

/// Issues, calls, serves and finishes one ticket at window 1 as clerk01.
fn one_visit(sim: &mut Sim) -> hallq_core::Actor {
    sim.issue("YJQ-003").unwrap();
    let c1 = sim.sign_in("clerk01", 1);
    sim.call_next(&c1, 1).unwrap();
    sim.run(&c1, Command::Start { window: w(1) }).unwrap();
    let evs = sim
        .run(
            &c1,
            Command::Finish {
                window: w(1),
                visit: Visit::default(),
            },
        )
        .unwrap();
    assert!(
        evs.iter()
            .any(|e| matches!(e.event, Event::RatingRequested { .. })),
        "finishing asks the pad for a rating"
    );
    c1
}

#[test]
fn the_pad_rates_the_visit_once_and_nobody_else_can() {
    let mut sim = Sim::new();
    let clerk = one_visit(&mut sim);
    // Nothing on the clerk's side can press for the citizen, nor another window's pad.
    assert!(matches!(
        sim.run(&clerk, rate_at(1, RatingLevel::VerySatisfied, &[])),
        Err(Rejection::Forbidden { .. })
    ));
    assert!(matches!(
        sim.run(&pad(2), rate_at(1, RatingLevel::VerySatisfied, &[])),
        Err(Rejection::NotYourWindow { .. })
    ));
    assert!(matches!(
        sim.run(
            &pad(1),
            rate_at(1, RatingLevel::VerySatisfied, &["不存在的标签"])
        ),
        Err(Rejection::UnknownReason { .. })
    ));
    let evs = sim
        .run(
            &pad(1),
            rate_at(1, RatingLevel::VerySatisfied, &["服务热情"]),
        )
        .unwrap();
    match &evs[0].event {
        Event::TicketRated {
            level,
            code,
            count,
            channel,
            clerk,
            unit,
            region_code,
            ..
        } => {
            assert_eq!(*level, RatingLevel::VerySatisfied);
            assert_eq!((*code, *count), (1, 1));
            assert_eq!(*channel, hallq_core::rating::RatingChannel::Pad);
            assert_eq!(clerk.as_str(), "clerk01");
            assert_eq!(unit.as_deref(), Some("hall"));
            assert_eq!(region_code.as_deref(), Some("431103"));
        }
        e => panic!("{e:?}"),
    }
    assert!(matches!(
        sim.run(&pad(1), rate_at(1, RatingLevel::Satisfied, &[])),
        Err(Rejection::NoRatingRequest { .. })
    ));
    let id = sim
        .log
        .iter()
        .find_map(|e| e.event.ticket().cloned())
        .unwrap();
    assert!(matches!(
        sim.run(
            &hallq_core::Actor::System,
            rate_by_phone(id.as_str(), RatingLevel::Satisfied)
        ),
        Err(Rejection::AlreadyRated { .. })
    ));
    assert_eq!(sim.replayed(), sim.state);
}

#[test]
fn an_unanswered_request_expires_unrated_and_the_phone_may_rate_within_a_day() {
    let mut sim = Sim::new();
    one_visit(&mut sim);
    sim.advance(121);
    let evs = hallq_core::tick(&sim.hall, &mut sim.state, sim.now);
    sim.log.extend(evs.iter().cloned());
    assert!(
        matches!(evs[0].event, Event::RatingRequestExpired { .. }),
        "{evs:?}"
    );
    assert!(
        !sim.log
            .iter()
            .any(|e| matches!(e.event, Event::TicketRated { .. })),
        "never a default rating"
    );
    assert!(matches!(
        sim.run(&pad(1), rate_at(1, RatingLevel::Satisfied, &[])),
        Err(Rejection::NoRatingRequest { .. })
    ));
    // By the ticket's QR link, later the same day: yes. A day later: no.
    sim.advance(3600);
    sim.run(
        &Actor::System,
        rate_by_phone("20261126-S001", RatingLevel::Satisfied),
    )
    .unwrap();

    let mut sim = Sim::new();
    one_visit(&mut sim);
    sim.advance(25 * 3600);
    assert!(matches!(
        sim.run(
            &Actor::System,
            rate_by_phone("20261126-S001", RatingLevel::Satisfied)
        ),
        Err(Rejection::NotRatable { .. })
    ));
}

#[test]
fn a_bad_rating_opens_a_fix_due_in_working_days_across_a_holiday_and_a_make_up_day() {
    let mut sim = Sim::new();
    sim.now = at("2026-09-30", "09:00"); // the day before 国庆; make-up Saturday Oct 10
    one_visit(&mut sim);
    let evs = sim
        .run(
            &pad(1),
            rate_at(1, RatingLevel::VeryDissatisfied, &["办事效率"]),
        )
        .unwrap();
    let Event::RectificationOpened {
        rectification,
        visit_back_due,
        rectify_due,
        unit,
        ..
    } = &evs[1].event
    else {
        panic!("{evs:?}")
    };
    assert_eq!(
        unit.as_deref(),
        Some("hall"),
        "the rated clerk's unit owns it"
    );
    // 1 working day: Oct 8. 15: Oct 8, 9, 10 (make-up), 12–16, 19–23, 26, 27.
    assert_eq!(*visit_back_due, date(2026, 10, 8));
    assert_eq!(*rectify_due, date(2026, 10, 27));
    let r = &sim.state.rectifications[rectification];
    assert!(!r.overdue(date(2026, 10, 8)));
    assert!(r.overdue(date(2026, 10, 9)), "not visited back by its day");
}

#[test]
fn a_fix_goes_open_visited_back_rectified_closed_and_the_citizen_rates_once_more() {
    let mut sim = Sim::new();
    one_visit(&mut sim);
    sim.run(
        &pad(1),
        rate_at(1, RatingLevel::Dissatisfied, &["服务态度"]),
    )
    .unwrap();
    let id = "ZG-20261126-S001".to_string();
    let same_unit = sim.sign_in("clerk02", 2); // unit "hall", like clerk01
    let other_unit = sim.sign_in("clerk03", 3); // unit "hrss"
    let step = |sim: &mut Sim, who: &Actor, action, note: Option<&str>| {
        sim.run(
            who,
            Command::Rectify {
                rectification: id.clone(),
                action,
                note: note.map(str::to_owned),
            },
        )
    };
    assert!(matches!(
        step(&mut sim, &other_unit, RectifyAction::VisitBack, None),
        Err(Rejection::Forbidden { .. })
    ));
    assert!(matches!(
        step(&mut sim, &same_unit, RectifyAction::Close, None),
        Err(Rejection::Forbidden { .. })
    ));
    step(
        &mut sim,
        &same_unit,
        RectifyAction::VisitBack,
        Some("电话回访，已致歉"),
    )
    .unwrap();
    assert!(matches!(
        step(&mut sim, &same_unit, RectifyAction::Rectify, None),
        Err(Rejection::NoteNeeded)
    ));
    // Before the fix, no second rating.
    assert!(matches!(
        sim.run(
            &Actor::System,
            rate_by_phone("20261126-S001", RatingLevel::Satisfied)
        ),
        Err(Rejection::AlreadyRated { .. })
    ));
    step(
        &mut sim,
        &same_unit,
        RectifyAction::Rectify,
        Some("窗口增设引导，一次性告知到位"),
    )
    .unwrap();
    let supervisor = desk(); // the supervisor, signed in at the dashboard without a window
    step(&mut sim, &supervisor, RectifyAction::Close, None).unwrap();
    assert_eq!(
        sim.state.rectifications[&id].state,
        RectificationState::Closed
    );
    let evs = sim
        .run(
            &Actor::System,
            rate_by_phone("20261126-S001", RatingLevel::Satisfied),
        )
        .unwrap();
    assert!(
        matches!(&evs[0].event, Event::TicketRated { count: 2, rating, .. } if rating == "PJ-20261126-S001-2")
    );
    assert!(matches!(
        sim.run(
            &Actor::System,
            rate_by_phone("20261126-S001", RatingLevel::Satisfied)
        ),
        Err(Rejection::AlreadyRated { .. })
    ));
    assert!(matches!(
        step(&mut sim, &supervisor, RectifyAction::VisitBack, None),
        Err(Rejection::WrongRectificationState { .. })
    ));
    assert_eq!(sim.replayed(), sim.state);
}

#[test]
fn an_appeal_is_decided_by_a_supervisor_upheld_or_rejected() {
    for uphold in [true, false] {
        let mut sim = Sim::new();
        one_visit(&mut sim);
        sim.run(&pad(1), rate_at(1, RatingLevel::VeryDissatisfied, &[]))
            .unwrap();
        let id = "ZG-20261126-S001".to_string();
        let clerk = sim.sign_in("clerk02", 2);
        let act = |sim: &mut Sim, who: &Actor, action, note: Option<&str>| {
            sim.run(
                who,
                Command::Rectify {
                    rectification: id.clone(),
                    action,
                    note: note.map(str::to_owned),
                },
            )
        };
        act(&mut sim, &clerk, RectifyAction::VisitBack, None).unwrap();
        assert!(matches!(
            act(&mut sim, &clerk, RectifyAction::Appeal, None),
            Err(Rejection::NoteNeeded)
        ));
        act(
            &mut sim,
            &clerk,
            RectifyAction::Appeal,
            Some("评价人误操作，监控可证"),
        )
        .unwrap();
        assert!(matches!(
            act(&mut sim, &clerk, RectifyAction::UpholdAppeal, None),
            Err(Rejection::Forbidden { .. })
        ));
        let boss = sim.sign_in("super", 3);
        let action = if uphold {
            RectifyAction::UpholdAppeal
        } else {
            RectifyAction::RejectAppeal
        };
        act(&mut sim, &boss, action, None).unwrap();
        let expected = if uphold {
            RectificationState::AppealUpheld
        } else {
            RectificationState::VisitedBack
        };
        assert_eq!(sim.state.rectifications[&id].state, expected);
        assert_eq!(sim.replayed(), sim.state);
    }
}

#[test]
fn figures_are_a_projection_of_the_log_per_window_clerk_unit_and_day() {
    let mut sim = Sim::new();
    one_visit(&mut sim); // S001 at window 1 by clerk01
    sim.run(&pad(1), rate_at(1, RatingLevel::Dissatisfied, &[]))
        .unwrap();
    let c1 = sim.sign_in("clerk01", 1);
    sim.issue("YJQ-003").unwrap(); // S002: finished, never rated
    sim.call_next(&c1, 1).unwrap();
    sim.run(&c1, Command::Start { window: w(1) }).unwrap();
    sim.run(
        &c1,
        Command::Finish {
            window: w(1),
            visit: Visit::default(),
        },
    )
    .unwrap();
    let colleague = sim.sign_in("clerk02", 2);
    sim.run(
        &colleague,
        Command::Rectify {
            rectification: "ZG-20261126-S001".into(),
            action: RectifyAction::Rectify,
            note: Some("改进".into()),
        },
    )
    .unwrap();
    let day = date(2026, 11, 26);
    for by in [
        hallq_core::rating::GroupBy::Window,
        hallq_core::rating::GroupBy::Clerk,
        hallq_core::rating::GroupBy::Unit,
        hallq_core::rating::GroupBy::Day,
    ] {
        let rows = hallq_core::rating::figures(&sim.hall, &sim.log, day, day, by);
        assert_eq!(rows.len(), 1, "{by:?}: {rows:?}");
        let f = &rows[0];
        assert_eq!((f.finished, f.rated, f.bad), (2, 1, 1), "{by:?}");
        assert_eq!(f.levels, [0, 0, 0, 1, 0]);
        assert_eq!((f.fixed_on_time, f.fixed_late, f.fixes_open), (1, 0, 0));
        assert_eq!(f.satisfaction_permille, Some(0));
        assert_eq!(f.rating_rate_permille, Some(500));
    }
    let keys: Vec<String> = [
        hallq_core::rating::GroupBy::Window,
        hallq_core::rating::GroupBy::Clerk,
        hallq_core::rating::GroupBy::Unit,
        hallq_core::rating::GroupBy::Day,
    ]
    .iter()
    .map(|by| {
        hallq_core::rating::figures(&sim.hall, &sim.log, day, day, *by)[0]
            .key
            .clone()
    })
    .collect();
    assert_eq!(keys, ["1", "clerk01", "hall", "2026-11-26"]);
    // Another span: nothing.
    assert!(
        hallq_core::rating::figures(
            &sim.hall,
            &sim.log,
            date(2026, 11, 27),
            date(2026, 11, 27),
            hallq_core::rating::GroupBy::Window
        )
        .is_empty()
    );
}
