//! 首问负责 figures from a scripted morning, computed by hand.

mod support;

use hallq_core::command::{IssueTarget, IssueTicket, Visit};
use hallq_core::first_contact::{By, figures};
use hallq_core::state::{Channel, Outcome};
use hallq_core::{Command, Event};
use jiff::civil::date;
use support::*;

fn serve_and_finish(
    sim: &mut Sim,
    who: &hallq_core::Actor,
    window: u32,
    visit: Visit,
) -> Vec<Event> {
    sim.call_next(who, window).unwrap();
    sim.run(who, Command::Start { window: w(window) }).unwrap();
    sim.run(
        who,
        Command::Finish {
            window: w(window),
            visit,
        },
    )
    .unwrap()
    .into_iter()
    .map(|e| e.event)
    .collect()
}

#[test]
fn first_contacts_referrals_notices_second_trips_and_the_one_visit_rate() {
    let mut sim = Sim::new();
    let c1 = sim.sign_in("clerk01", 1);
    let c3 = sim.sign_in("clerk03", 3);
    let outcome = |o| Visit {
        outcome: Some(o),
        ..Default::default()
    };

    sim.issue("YJQ-003").unwrap(); // S001: done on the spot by clerk01
    serve_and_finish(&mut sim, &c1, 1, outcome(Outcome::OnTheSpot));

    sim.issue("YJQ-003").unwrap(); // S002: referred by clerk01, accepted by clerk03
    sim.call_next(&c1, 1).unwrap();
    sim.run(&c1, Command::Start { window: w(1) }).unwrap();
    sim.run(
        &c1,
        Command::Transfer {
            window: w(1),
            queue: "R".into(),
            reason: Some("需社保窗口".into()),
        },
    )
    .unwrap();
    serve_and_finish(
        &mut sim,
        &c3,
        3,
        Visit {
            outcome: Some(Outcome::Accepted),
            item: Some("YJQ-001".into()),
            ..Default::default()
        },
    );

    sim.issue("YJQ-003").unwrap(); // S003: a tell-once notice by clerk01
    let evs = serve_and_finish(
        &mut sim,
        &c1,
        1,
        Visit {
            outcome: Some(Outcome::TellOnce),
            missing: vec!["户口簿".into()],
            ..Default::default()
        },
    );
    let notice = evs
        .iter()
        .find_map(|e| match e {
            Event::NoticeIssued { notice, .. } => Some(notice.clone()),
            _ => None,
        })
        .unwrap();

    // S004: the citizen comes back with the notice; clerk01 accepts the case.
    sim.run(
        &kiosk(),
        Command::IssueTicket(IssueTicket {
            target: IssueTarget::Item("YJQ-003".into()),
            priority: None,
            green_reason: None,
            channel: Channel::Kiosk,
            birth_date: None,
            id_tag: None,
            phone_tag: None,
            notice: Some(notice),
        }),
    )
    .unwrap();
    serve_and_finish(&mut sim, &c1, 1, outcome(Outcome::Accepted));

    let day = date(2026, 11, 26);
    let rows = figures(&sim.hall, &sim.log, day, day, By::Clerk);
    let c1f = rows.iter().find(|r| r.key == "clerk01").unwrap();
    assert_eq!(
        (
            c1f.first_contacts,
            c1f.resolved_first,
            c1f.referred,
            c1f.notices,
            c1f.second_trips
        ),
        (4, 2, 1, 1, 1)
    );
    assert_eq!(c1f.referral_reasons.get("需社保窗口"), Some(&1));
    assert_eq!((c1f.finished_with_outcome, c1f.one_visit), (3, 1));
    assert_eq!(
        (c1f.one_visit_permille, c1f.resolved_first_permille),
        (Some(333), Some(500))
    );
    let c3f = rows.iter().find(|r| r.key == "clerk03").unwrap();
    assert_eq!(
        (c3f.first_contacts, c3f.finished_with_outcome, c3f.one_visit),
        (0, 1, 1)
    );
    assert_eq!(
        (c3f.one_visit_permille, c3f.resolved_first_permille),
        (Some(1000), None)
    );

    let units = figures(&sim.hall, &sim.log, day, day, By::Unit);
    let keys: Vec<_> = units.iter().map(|u| u.key.as_str()).collect();
    assert_eq!(keys, ["hall", "hrss"]);
    assert_eq!(units[0].first_contacts, 4);
    assert!(
        figures(
            &sim.hall,
            &sim.log,
            date(2026, 11, 27),
            date(2026, 11, 27),
            By::Clerk
        )
        .is_empty()
    );
}
