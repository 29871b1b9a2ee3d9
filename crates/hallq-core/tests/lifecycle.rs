//! The ticket lifecycle, clerk actions and every refusal, through `step` with a fixed clock.

mod support;

use hallq_core::Command;
use hallq_core::Event;
use hallq_core::Rejection;
use hallq_core::ids::QueueId;
use hallq_core::state::{Priority, Status};
use support::*;

#[test]
fn a_ticket_lives_from_issue_to_finish() {
    let mut sim = Sim::new();
    let a = sim.issue("YJQ-003").unwrap();
    assert_eq!(a.to_string(), "S001");
    assert_eq!(sim.issue("YJQ-004").unwrap().to_string(), "S002");
    let c1 = sim.sign_in("clerk01", 1);
    assert_eq!(sim.call_next(&c1, 1).unwrap(), a);
    assert_eq!(sim.status("S001"), Status::Called);
    sim.run(&c1, Command::Recall { window: w(1) }).unwrap();
    sim.advance(30);
    sim.run(&c1, Command::Start { window: w(1) }).unwrap();
    assert_eq!(sim.status("S001"), Status::Serving);
    sim.advance(420);
    let evs = sim
        .run(
            &c1,
            Command::Finish {
                window: w(1),
                visit: Default::default(),
            },
        )
        .unwrap();
    match &evs[0].event {
        Event::TicketFinished { service_s, .. } => assert_eq!(*service_s, 420),
        e => panic!("{e:?}"),
    }
    assert_eq!(sim.status("S001"), Status::Finished);
    let t = sim.state.ticket_by_number(&n("S001")).unwrap();
    assert_eq!(t.first_clerk.as_ref().unwrap().as_str(), "clerk01");
    assert_eq!(sim.replayed(), sim.state);
}

#[test]
fn no_show_hold_and_call_back() {
    let mut sim = Sim::new();
    sim.issue("YJQ-003").unwrap();
    sim.issue("YJQ-003").unwrap();
    let c1 = sim.sign_in("clerk01", 1);
    sim.call_next(&c1, 1).unwrap();
    sim.run(&c1, Command::NoShow { window: w(1) }).unwrap();
    assert_eq!(sim.status("S001"), Status::NoShow);
    sim.call_next(&c1, 1).unwrap();
    sim.run(&c1, Command::Start { window: w(1) }).unwrap();
    sim.run(&c1, Command::Hold { window: w(1) }).unwrap();
    assert_eq!(sim.status("S002"), Status::Held);
    // Held at window 1: window 2 cannot call it back.
    let c2 = sim.sign_in("clerk02", 2);
    assert!(matches!(
        sim.run(
            &c2,
            Command::CallBack {
                window: w(2),
                number: n("S002")
            }
        ),
        Err(Rejection::NotHeldHere { .. })
    ));
    sim.run(
        &c1,
        Command::CallBack {
            window: w(1),
            number: n("S002"),
        },
    )
    .unwrap();
    assert_eq!(sim.status("S002"), Status::Called);
    assert_eq!(sim.replayed(), sim.state);
}

#[test]
fn every_refusal_is_precise_and_changes_nothing() {
    let mut sim = Sim::new();
    let c1 = sim.sign_in("clerk01", 1);
    assert!(matches!(
        sim.issue("NOPE"),
        Err(Rejection::UnknownItem { .. })
    ));
    assert!(matches!(
        sim.issue_queue("Q"),
        Err(Rejection::UnknownQueue { .. })
    ));
    assert!(matches!(
        sim.call_next(&c1, 1),
        Err(Rejection::NoTicketWaiting { .. })
    ));
    assert!(matches!(
        sim.run(&c1, Command::CallNext { window: w(2) }),
        Err(Rejection::NotYourWindow { .. })
    ));
    assert!(matches!(
        sim.run(&c1, Command::CallNext { window: w(99) }),
        Err(Rejection::UnknownWindow { window: 99 })
    ));
    assert!(matches!(
        sim.run(&c1, Command::Start { window: w(1) }),
        Err(Rejection::NoCurrentTicket { .. })
    ));
    assert!(matches!(
        sim.run(&kiosk(), Command::CallNext { window: w(1) }),
        Err(Rejection::NotYourWindow { .. })
    ));
    sim.issue("YJQ-003").unwrap();
    sim.call_next(&c1, 1).unwrap();
    assert!(matches!(
        sim.run(
            &c1,
            Command::Finish {
                window: w(1),
                visit: Default::default()
            }
        ),
        Err(Rejection::WrongState {
            status: Status::Called,
            ..
        })
    ));
    assert!(matches!(
        sim.call_next(&c1, 1),
        Err(Rejection::WindowBusy { .. })
    ));
    for _ in 0..3 {
        sim.run(&c1, Command::Recall { window: w(1) }).unwrap();
    }
    assert!(matches!(
        sim.run(&c1, Command::Recall { window: w(1) }),
        Err(Rejection::RecallCapReached { cap: 3 })
    ));
    assert!(matches!(
        sim.run(
            &c1,
            Command::Pause {
                window: w(1),
                reason: "会议".into(),
                back_at: None
            }
        ),
        Err(Rejection::WindowBusy { .. })
    ));
    assert!(matches!(
        sim.run(
            &c1,
            Command::Transfer {
                window: w(1),
                queue: QueueId("S".into()),
                reason: None
            }
        ),
        Err(Rejection::SameQueue { .. })
    ));
    sim.run(&c1, Command::NoShow { window: w(1) }).unwrap();
    sim.run(
        &c1,
        Command::Pause {
            window: w(1),
            reason: "会议".into(),
            back_at: None,
        },
    )
    .unwrap();
    sim.issue("YJQ-003").unwrap();
    assert!(matches!(
        sim.call_next(&c1, 1),
        Err(Rejection::WindowPaused { .. })
    ));
    assert!(matches!(
        sim.run(
            &c1,
            Command::Pause {
                window: w(1),
                reason: "x".into(),
                back_at: None
            }
        ),
        Err(Rejection::AlreadyPaused { .. })
    ));
    sim.run(&c1, Command::Resume { window: w(1) }).unwrap();
    assert!(matches!(
        sim.run(&c1, Command::Resume { window: w(1) }),
        Err(Rejection::NotPaused { .. })
    ));
    assert_eq!(sim.call_next(&c1, 1).unwrap(), n("S002"));
    // Another clerk cannot take a staffed window.
    assert!(matches!(
        sim.run(
            &hallq_core::Actor::System,
            Command::SignIn {
                clerk: "clerk02".into(),
                window: Some(w(1)),
                session: "s2".into()
            }
        ),
        Err(Rejection::WindowOccupied { .. })
    ));
    // A kiosk cannot sign anybody in.
    assert!(matches!(
        sim.run(
            &kiosk(),
            Command::SignIn {
                clerk: "clerk02".into(),
                window: Some(w(2)),
                session: "s3".into()
            }
        ),
        Err(Rejection::Forbidden { .. })
    ));
}

#[test]
fn queues_close_outside_hours_on_holidays_and_at_their_caps() {
    let mut sim = Sim::new();
    sim.now = at("2026-11-26", "08:00");
    assert!(matches!(
        sim.issue("YJQ-003"),
        Err(Rejection::QueueClosed { .. })
    ));
    sim.now = at("2026-11-26", "12:30"); // lunch
    assert!(matches!(
        sim.issue("YJQ-003"),
        Err(Rejection::QueueClosed { .. })
    ));
    sim.now = at("2026-11-26", "16:45"); // R stops issuing at 16:30, S at 17:00
    assert!(matches!(
        sim.issue("YJQ-001"),
        Err(Rejection::QueueClosed { .. })
    ));
    sim.issue("YJQ-003").unwrap();
    // Other days, each a fresh hall (the clock never steps back within one).
    let on = |day: &str| {
        let mut sim = Sim::new();
        sim.now = at(day, "09:00");
        sim
    };
    assert!(matches!(
        on("2026-10-02").issue("YJQ-003"),
        Err(Rejection::QueueClosed { .. })
    )); // 国庆
    assert!(matches!(
        on("2026-11-28").issue("YJQ-003"),
        Err(Rejection::QueueClosed { .. })
    )); // Saturday
    on("2026-10-10").issue("YJQ-003").unwrap(); // a make-up working Saturday

    let mut sim = Sim::new();
    for _ in 0..3 {
        sim.issue("YJQ-001").unwrap();
    }
    assert!(matches!(
        sim.issue("YJQ-001"),
        Err(Rejection::DailyCapReached { cap: 3, .. })
    ));
    for _ in 0..30 {
        sim.issue("YJQ-003").unwrap();
    }
    assert!(matches!(
        sim.issue("YJQ-003"),
        Err(Rejection::SlotFull { cap: 30, .. })
    ));
    sim.now = at("2026-11-26", "10:00"); // the next slot opens
    assert_eq!(sim.issue("YJQ-003").unwrap(), n("S031"));
}

#[test]
fn call_next_goes_tier_by_tier_then_oldest_first() {
    let mut sim = Sim::new();
    sim.issue("YJQ-003").unwrap(); // S001, older
    sim.advance(60);
    sim.issue("YJQ-001").unwrap(); // R001
    sim.advance(60);
    sim.issue("YJQ-004").unwrap(); // S002
    let c3 = sim.sign_in("clerk03", 3); // tiers [R], [S]
    assert_eq!(sim.call_next(&c3, 3).unwrap(), n("R001"));
    sim.run(&c3, hallq_core::Command::NoShow { window: w(3) })
        .unwrap();
    assert_eq!(sim.call_next(&c3, 3).unwrap(), n("S001"));
    let c1 = sim.sign_in("clerk01", 1);
    assert_eq!(sim.call_next(&c1, 1).unwrap(), n("S002"));
}

#[test]
fn green_channel_goes_first_under_strict_and_interleaves_under_a_ratio() {
    let mut sim = Sim::new();
    sim.issue("YJQ-003").unwrap(); // S001 normal
    sim.issue_with("YJQ-003", Some(Priority::Green)).unwrap(); // S002 green
    let c1 = sim.sign_in("clerk01", 1);
    assert_eq!(sim.call_next(&c1, 1).unwrap(), n("S002"));

    let hall = township_with(|c| c.policies.priority_interleave = "1:2".into());
    let mut sim = Sim::with_hall(hall);
    for i in 0..6 {
        sim.issue("YJQ-003").unwrap(); // S001..S006 normal
        if i < 3 {
            sim.issue_with("YJQ-003", Some(Priority::Green)).unwrap();
        }
        sim.advance(10);
    }
    // Issued: S001 n, S002 g, S003 n, S004 g, S005 n, S006 g, S007 n, S008 n, S009 n
    let c1 = sim.sign_in("clerk01", 1);
    let mut order = Vec::new();
    for _ in 0..9 {
        let t = sim.call_next(&c1, 1).unwrap();
        sim.run(&c1, hallq_core::Command::NoShow { window: w(1) })
            .unwrap();
        order.push(t.to_string());
    }
    assert_eq!(
        order,
        [
            "S002", "S001", "S003", "S004", "S005", "S007", "S006", "S008", "S009"
        ]
    );
    assert_eq!(sim.replayed(), sim.state);
}

#[test]
fn the_elderly_get_the_green_channel_from_their_birth_date() {
    let mut sim = Sim::new();
    let evs = sim
        .run(
            &kiosk(),
            Command::IssueTicket(hallq_core::command::IssueTicket {
                target: hallq_core::command::IssueTarget::Item("YJQ-003".into()),
                priority: None,
                green_reason: None,
                channel: Default::default(),
                birth_date: Some(jiff::civil::date(1966, 11, 26)), // 60 today
                id_tag: None,
                phone_tag: None,
                notice: None,
            }),
        )
        .unwrap();
    let t = sim.state.ticket_by_number(&n("S001")).unwrap();
    assert_eq!(t.priority, Priority::Green);
    // The birth date is not kept anywhere.
    let json = serde_json::to_string(&evs).unwrap();
    assert!(!json.contains("1966"), "{json}");
}

#[test]
fn transfer_keeps_the_issue_time_and_the_first_clerk() {
    let mut sim = Sim::new();
    sim.issue("YJQ-003").unwrap(); // S001 at 09:00
    sim.advance(60);
    sim.issue("YJQ-001").unwrap(); // R001 at 09:01
    let c1 = sim.sign_in("clerk01", 1);
    sim.call_next(&c1, 1).unwrap(); // S001
    sim.run(&c1, Command::Start { window: w(1) }).unwrap();
    sim.run(
        &c1,
        Command::Transfer {
            window: w(1),
            queue: QueueId("R".into()),
            reason: None,
        },
    )
    .unwrap();
    let t = sim.state.ticket_by_number(&n("S001")).unwrap();
    assert_eq!(
        (t.status, t.queue.as_str(), t.transfers),
        (Status::Waiting, "R", 1)
    );
    // Issued before R001, it goes first in R.
    let c3 = sim.sign_in("clerk03", 3);
    assert_eq!(sim.call_next(&c3, 3).unwrap(), n("S001"));
    let t = sim.state.ticket_by_number(&n("S001")).unwrap();
    assert_eq!(t.first_clerk.as_ref().unwrap().as_str(), "clerk01");
}

#[test]
fn signing_in_elsewhere_closes_the_old_window_and_holds_its_ticket() {
    let mut sim = Sim::new();
    sim.issue("YJQ-003").unwrap();
    let old = sim.sign_in("clerk01", 1);
    sim.call_next(&old, 1).unwrap();
    let new = sim.sign_in("clerk01", 2);
    assert_eq!(sim.status("S001"), Status::Held);
    assert!(sim.state.windows[&w(1)].clerk.is_none());
    assert_eq!(sim.state.window_of_clerk(&"clerk01".into()), Some(w(2)));
    // The old session is gone.
    assert!(matches!(
        sim.run(&old, Command::CallNext { window: w(1) }),
        Err(Rejection::NotYourWindow { .. })
    ));
    assert!(matches!(
        sim.call_next(&new, 2),
        Err(Rejection::NoTicketWaiting { .. })
    ));
    // Sign out: the session ends.
    sim.run(&new, Command::SignOut).unwrap();
    assert!(sim.state.sessions.is_empty());
}

#[test]
fn midnight_expires_open_tickets_and_restarts_numbers() {
    let hall = township_with(|c| {
        c.calendar.hours = vec!["00:00-24:00".into()];
        c.calendar.open_on_non_working_days = true;
        c.queues[0].slots.clear();
    });
    let mut sim = Sim::with_hall(hall);
    sim.now = at("2026-11-26", "23:58");
    sim.issue("YJQ-003").unwrap();
    sim.issue("YJQ-003").unwrap();
    let c1 = sim.sign_in("clerk01", 1);
    sim.call_next(&c1, 1).unwrap();
    sim.now = at("2026-11-27", "00:00");
    let events = hallq_core::tick(&sim.hall, &mut sim.state, sim.now);
    sim.log.extend(events.iter().cloned());
    let kinds: Vec<_> = events.iter().map(|e| e.event.kind()).collect();
    assert_eq!(kinds, ["ticket_expired", "ticket_expired", "day_rolled"]);
    assert_eq!(sim.issue("YJQ-003").unwrap(), n("S001"));
    assert!(sim.state.windows[&w(1)].current.is_none());
    // The clerk is still signed in and serves the new day.
    assert_eq!(sim.call_next(&c1, 1).unwrap(), n("S001"));
    assert_eq!(
        sim.state.tickets.len(),
        1,
        "yesterday's tickets left the working state"
    );
    assert_eq!(sim.replayed(), sim.state);
}

#[test]
fn the_demo_hall_is_valid_and_looks_like_a_district_hall() {
    let hall = hallq_core::Hall::demo();
    assert!(hall.config.hall.demo);
    assert!(hall.config.units.len() >= 28);
    assert!(hall.items.len() >= 60);
    assert_eq!(
        hall.config
            .windows
            .iter()
            .filter(|w| w.comprehensive)
            .count(),
        9
    );
    assert_eq!(hall.config.themes.len(), 3);
    // clerkNN works at window NN.
    for n in 1..=hall.windows.len() {
        assert!(
            hall.clerks
                .contains_key(&format!("clerk{n:02}").as_str().into())
        );
    }
}

#[test]
fn only_staff_mark_a_ticket_green_and_the_kiosk_gets_a_precise_refusal() {
    let mut sim = Sim::new();
    let refused = sim.run(
        &kiosk(),
        Command::IssueTicket(hallq_core::command::IssueTicket {
            target: hallq_core::command::IssueTarget::Item("YJQ-003".into()),
            priority: Some(Priority::Green),
            green_reason: None,
            channel: Default::default(),
            birth_date: None,
            id_tag: None,
            phone_tag: None,
            notice: None,
        }),
    );
    assert!(
        matches!(refused, Err(Rejection::Forbidden { .. })),
        "{refused:?}"
    );
    assert_eq!(
        sim.issue_with("YJQ-003", Some(Priority::Green)).unwrap(),
        n("S001")
    );
}

#[test]
fn a_gateway_acts_at_a_window_for_the_clerk_signed_in_there_only() {
    let mut sim = Sim::new();
    let gateway = hallq_core::Actor::Device {
        id: "gw".into(),
        kind: hallq_core::hall::DeviceKind::Gateway,
        window: None,
    };
    sim.issue("YJQ-003").unwrap();
    assert!(matches!(
        sim.run(&gateway, Command::CallNext { window: w(1) }),
        Err(Rejection::NotYourWindow { .. })
    ));
    sim.sign_in("clerk01", 1);
    let evs = sim
        .run(&gateway, Command::CallNext { window: w(1) })
        .unwrap();
    match &evs[0].event {
        hallq_core::Event::TicketCalled { clerk, .. } => assert_eq!(clerk.as_str(), "clerk01"),
        e => panic!("{e:?}"),
    }
    // A display cannot.
    let display = hallq_core::Actor::Device {
        id: "d".into(),
        kind: hallq_core::hall::DeviceKind::Display,
        window: None,
    };
    assert!(matches!(
        sim.run(&display, Command::Recall { window: w(1) }),
        Err(Rejection::NotYourWindow { .. })
    ));
}

#[test]
fn the_console_lists_waiting_tickets_in_exactly_the_order_call_next_takes_them() {
    let hall = township_with(|c| c.policies.priority_interleave = "1:2".into());
    let mut sim = Sim::with_hall(hall);
    for i in 0..6 {
        sim.issue("YJQ-003").unwrap();
        if i % 2 == 0 {
            sim.issue_with("YJQ-004", Some(Priority::Green)).unwrap();
        }
        if i < 3 {
            sim.issue("YJQ-001").unwrap(); // queue R (3 a day): window 1's second tier
        }
        sim.advance(30);
    }
    let c1 = sim.sign_in("clerk01", 1);
    let window = sim.hall.windows[&w(1)].clone();
    let listed: Vec<String> = hallq_core::decide::call_order(&sim.hall, &sim.state, &window)
        .iter()
        .map(|t| t.number.to_string())
        .collect();
    let mut called = Vec::new();
    while let Ok(t) = sim.call_next(&c1, 1) {
        sim.run(&c1, Command::NoShow { window: w(1) }).unwrap();
        called.push(t.to_string());
    }
    assert_eq!(listed, called);
    assert_eq!(listed.len(), 6 + 3 + 3, "S normal and green first, then R");
}
