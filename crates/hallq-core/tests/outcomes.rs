//! Visit outcomes at the window: cases with working-day due dates (限时办结), tell-once notices
//! (一次性告知) and return trips, referrals (首问负责).

mod support;

use hallq_core::command::{IssueTarget, IssueTicket, Visit};
use hallq_core::state::{Channel, Outcome};
use hallq_core::{Command, Event, Rejection};
use jiff::civil::date;
use support::*;

/// Calls the next ticket at window 1 as clerk01 and starts serving it.
fn serve(sim: &mut Sim, clerk: &hallq_core::Actor) {
    sim.call_next(clerk, 1).unwrap();
    sim.run(clerk, Command::Start { window: w(1) }).unwrap();
}

fn finish(sim: &mut Sim, clerk: &hallq_core::Actor, visit: Visit) -> Result<Vec<Event>, Rejection> {
    sim.run(
        clerk,
        Command::Finish {
            window: w(1),
            visit,
        },
    )
    .map(|evs| evs.into_iter().map(|e| e.event).collect())
}

#[test]
fn a_case_is_due_after_its_promised_working_days_across_a_holiday_and_a_make_up_day() {
    let mut sim = Sim::new();
    sim.now = at("2026-09-30", "09:00"); // Wednesday before 国庆 (Oct 1-7), make-up Sat Oct 10
    sim.issue("YJQ-003").unwrap(); // 高龄津贴申领, 10 working days
    let c1 = sim.sign_in("clerk01", 1);
    serve(&mut sim, &c1);
    let evs = finish(
        &mut sim,
        &c1,
        Visit {
            outcome: Some(Outcome::Accepted),
            ..Default::default()
        },
    )
    .unwrap();
    let Event::CaseAccepted {
        case,
        due,
        limit_days,
        ..
    } = &evs[1]
    else {
        panic!("{evs:?}")
    };
    // Oct 8, 9, 10 (make-up Saturday), 12, 13, 14, 15, 16, 19, 20.
    assert_eq!((*limit_days, *due), (10, date(2026, 10, 20)));
    assert_eq!(case, "SL202609300001");
    assert_eq!(sim.state.cases[case].due, date(2026, 10, 20));

    // A one-day item accepted on Friday Sep 18 is due on the make-up Sunday Sep 20.
    let mut sim = Sim::new();
    sim.now = at("2026-09-18", "09:00");
    sim.issue("YJQ-004").unwrap();
    let c1 = sim.sign_in("clerk01", 1);
    serve(&mut sim, &c1);
    let evs = finish(
        &mut sim,
        &c1,
        Visit {
            outcome: Some(Outcome::Accepted),
            ..Default::default()
        },
    )
    .unwrap();
    assert!(
        matches!(&evs[1], Event::CaseAccepted { due, .. } if *due == date(2026, 9, 20)),
        "{evs:?}"
    );
    assert_eq!(sim.replayed(), sim.state);
}

#[test]
fn a_tell_once_notice_lists_missing_materials_and_a_return_ticket_links_to_it() {
    let mut sim = Sim::new();
    sim.issue("YJQ-003").unwrap();
    let c1 = sim.sign_in("clerk01", 1);
    serve(&mut sim, &c1);
    // Refusals first: nothing missing, a material the item does not have.
    assert!(matches!(
        finish(
            &mut sim,
            &c1,
            Visit {
                outcome: Some(Outcome::TellOnce),
                ..Default::default()
            }
        ),
        Err(Rejection::NothingMissing)
    ));
    assert!(matches!(
        finish(
            &mut sim,
            &c1,
            Visit {
                outcome: Some(Outcome::TellOnce),
                missing: vec!["护照".into()],
                ..Default::default()
            }
        ),
        Err(Rejection::UnknownMaterial { .. })
    ));
    let evs = finish(
        &mut sim,
        &c1,
        Visit {
            outcome: Some(Outcome::TellOnce),
            missing: vec!["户口簿".into(), "银行卡".into()],
            ..Default::default()
        },
    )
    .unwrap();
    let Event::NoticeIssued {
        notice, missing, ..
    } = &evs[1]
    else {
        panic!("{evs:?}")
    };
    assert_eq!(notice, "GZ202611260001");
    assert_eq!(missing, &["户口簿", "银行卡"]);

    // Days later the citizen comes back with the notice: a second trip, linked.
    sim.now = at("2026-11-30", "09:00");
    assert!(matches!(
        sim.run(&kiosk(), issue_citing("GZ000")),
        Err(Rejection::UnknownNotice { .. })
    ));
    sim.run(&kiosk(), issue_citing(notice)).unwrap();
    assert_eq!(sim.state.notices[notice].return_tickets.len(), 1);
    let c1 = sim.sign_in("clerk01", 1);
    serve(&mut sim, &c1);
    let evs = finish(
        &mut sim,
        &c1,
        Visit {
            outcome: Some(Outcome::Accepted),
            ..Default::default()
        },
    )
    .unwrap();
    assert!(
        matches!(&evs[1], Event::CaseAccepted { notice: Some(n), .. } if n == notice),
        "the case follows up the notice: {evs:?}"
    );
    assert_eq!(sim.replayed(), sim.state);
}

fn issue_citing(notice: &str) -> Command {
    Command::IssueTicket(IssueTicket {
        target: IssueTarget::Item("YJQ-003".into()),
        priority: None,
        green_reason: None,
        channel: Channel::Kiosk,
        birth_date: None,
        id_tag: None,
        phone_tag: None,
        notice: Some(notice.into()),
    })
}

#[test]
fn a_queue_ticket_needs_the_item_named_to_accept_a_case_and_consultation_needs_nothing() {
    let mut sim = Sim::new();
    sim.issue_queue("S").unwrap();
    sim.issue_queue("S").unwrap();
    let c1 = sim.sign_in("clerk01", 1);
    serve(&mut sim, &c1);
    assert!(matches!(
        finish(
            &mut sim,
            &c1,
            Visit {
                outcome: Some(Outcome::Accepted),
                ..Default::default()
            }
        ),
        Err(Rejection::NeedsItem { .. })
    ));
    assert!(matches!(
        finish(
            &mut sim,
            &c1,
            Visit {
                outcome: Some(Outcome::Accepted),
                item: Some("NOPE".into()),
                ..Default::default()
            }
        ),
        Err(Rejection::UnknownItem { .. })
    ));
    let evs = finish(
        &mut sim,
        &c1,
        Visit {
            outcome: Some(Outcome::Accepted),
            item: Some("YJQ-004".into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert!(
        matches!(&evs[0], Event::TicketFinished { item: Some(i), outcome: Some(Outcome::Accepted), .. } if i.as_str() == "YJQ-004")
    );
    serve(&mut sim, &c1);
    let evs = finish(
        &mut sim,
        &c1,
        Visit {
            outcome: Some(Outcome::Consultation),
            ..Default::default()
        },
    )
    .unwrap();
    let kinds: Vec<_> = evs.iter().map(|e| e.kind()).collect();
    assert_eq!(
        kinds,
        ["ticket_finished", "rating_requested"],
        "no case, no notice"
    );
}

#[test]
fn a_referral_keeps_the_first_clerk_as_the_first_contact_owner_and_its_reason() {
    let mut sim = Sim::new();
    sim.issue("YJQ-003").unwrap();
    let c1 = sim.sign_in("clerk01", 1);
    serve(&mut sim, &c1);
    sim.run(
        &c1,
        Command::Transfer {
            window: w(1),
            queue: "R".into(),
            reason: Some("需社保窗口办理".into()),
        },
    )
    .unwrap();
    let c3 = sim.sign_in("clerk03", 3);
    sim.call_next(&c3, 3).unwrap();
    let t = sim.state.ticket_by_number(&n("S001")).unwrap();
    assert_eq!(t.first_clerk.as_ref().unwrap().as_str(), "clerk01");
    assert_eq!(t.referral.as_deref(), Some("需社保窗口办理"));
}

#[test]
fn the_back_office_completes_and_hands_over_cases_on_time_or_late() {
    let mut sim = Sim::new();
    sim.now = at("2026-09-30", "09:00"); // due Oct 20 (10 working days across 国庆)
    for _ in 0..2 {
        sim.issue("YJQ-003").unwrap();
    }
    let c1 = sim.sign_in("clerk01", 1);
    for _ in 0..2 {
        serve(&mut sim, &c1);
        finish(
            &mut sim,
            &c1,
            Visit {
                outcome: Some(Outcome::Accepted),
                ..Default::default()
            },
        )
        .unwrap();
    }
    let (a, b) = ("SL202609300001".to_string(), "SL202609300002".to_string());
    assert!(
        sim.state.cases.contains_key(&b),
        "{:?}",
        sim.state.cases.keys()
    );
    let back_office = desk();
    let complete =
        |sim: &mut Sim, case: &str| sim.run(&desk(), Command::CompleteCase { case: case.into() });
    assert!(matches!(
        sim.run(&back_office, Command::HandOverCase { case: a.clone() }),
        Err(Rejection::WrongCaseState { .. })
    ));
    assert!(matches!(
        sim.run(&kiosk(), Command::CompleteCase { case: a.clone() }),
        Err(Rejection::Forbidden { .. })
    ));
    assert!(matches!(
        complete(&mut sim, "SL0"),
        Err(Rejection::UnknownCase { .. })
    ));
    // Days later (cases outlive the day roll): A on its due day, B a day late.
    sim.now = at("2026-10-20", "10:00");
    let evs = complete(&mut sim, &a).unwrap();
    assert!(
        evs.iter()
            .any(|e| matches!(&e.event, Event::CaseCompleted { on_time: true, .. }))
    );
    assert!(sim.state.cases[&b].overdue(date(2026, 10, 21)));
    sim.now = at("2026-10-21", "10:00");
    let evs = complete(&mut sim, &b).unwrap();
    assert!(
        evs.iter()
            .any(|e| matches!(&e.event, Event::CaseCompleted { on_time: false, .. }))
    );
    assert!(matches!(
        complete(&mut sim, &b),
        Err(Rejection::WrongCaseState { .. })
    ));
    sim.run(&back_office, Command::HandOverCase { case: a.clone() })
        .unwrap();
    assert_eq!(sim.state.cases[&a].on_time(), Some(true));
    assert_eq!(sim.state.cases[&b].on_time(), Some(false));
    assert_eq!(sim.replayed(), sim.state);
}
