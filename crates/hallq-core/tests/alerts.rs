//! The supervisor's alerts: read off the state at `now`, acknowledged as events.

mod support;

use hallq_core::alert::{AlertKind, alerts};
use hallq_core::command::Visit;
use hallq_core::{Command, Rejection};
use support::*;

fn kinds(sim: &Sim) -> Vec<String> {
    alerts(&sim.hall, &sim.state, sim.now)
        .iter()
        .filter(|a| !a.acknowledged)
        .map(|a| a.id.split(':').next().unwrap().to_owned())
        .collect()
}

#[test]
fn long_waits_an_emergency_window_long_services_and_long_pauses_raise_alerts() {
    let hall = township_with(|c| {
        c.policies.emergency_waiting = 3;
        c.queues[0].slots.clear();
    });
    let mut sim = Sim::with_hall(hall);
    for _ in 0..4 {
        sim.issue("YJQ-003").unwrap();
    }
    assert!(kinds(&sim).is_empty());
    sim.advance(30 * 60); // the wait alarm (30 min)
    let k = kinds(&sim);
    assert_eq!(k.iter().filter(|k| *k == "wait").count(), 4, "{k:?}");
    assert!(k.contains(&"emergency".to_string()), "{k:?}");

    let c1 = sim.sign_in("clerk01", 1);
    sim.call_next(&c1, 1).unwrap();
    sim.run(&c1, Command::Start { window: w(1) }).unwrap();
    sim.advance(21 * 60); // 高龄津贴申领 expects 10 min; twice that is the limit
    assert!(kinds(&sim).contains(&"service".to_string()));
    sim.run(
        &c1,
        Command::Finish {
            window: w(1),
            visit: Visit::default(),
        },
    )
    .unwrap();
    let c2 = sim.sign_in("clerk02", 2);
    sim.run(
        &c2,
        Command::Pause {
            window: w(2),
            reason: "会议".into(),
            back_at: None,
        },
    )
    .unwrap();
    sim.advance(31 * 60);
    let all = alerts(&sim.hall, &sim.state, sim.now);
    let pause = all
        .iter()
        .find(|a| matches!(a.kind, AlertKind::LongPause { .. }))
        .expect("a long pause");
    assert!(!pause.acknowledged);
}

#[test]
fn a_supervisor_acknowledges_an_alert_and_it_stays_quiet() {
    let mut sim = Sim::new();
    sim.issue("YJQ-003").unwrap();
    sim.advance(31 * 60);
    let id = alerts(&sim.hall, &sim.state, sim.now)[0].id.clone();
    assert!(id.starts_with("wait:"), "{id}");
    let clerk = sim.sign_in("clerk01", 1);
    assert!(matches!(
        sim.run(&clerk, Command::AckAlert { alert: id.clone() }),
        Err(Rejection::Forbidden { .. })
    ));
    assert!(matches!(
        sim.run(
            &desk(),
            Command::AckAlert {
                alert: "wait:nope".into()
            }
        ),
        Err(Rejection::UnknownAlert { .. })
    ));
    sim.run(&desk(), Command::AckAlert { alert: id.clone() })
        .unwrap();
    let a = alerts(&sim.hall, &sim.state, sim.now);
    assert!(a.iter().all(|a| a.acknowledged), "{a:?}");
    assert!(matches!(
        sim.run(&desk(), Command::AckAlert { alert: id }),
        Err(Rejection::UnknownAlert { .. })
    ));
    // Serving the ticket ends the condition.
    sim.call_next(&clerk, 1).unwrap();
    assert!(alerts(&sim.hall, &sim.state, sim.now).is_empty());
    assert_eq!(sim.replayed(), sim.state);
}

#[test]
fn todays_figures_match_a_scripted_morning_computed_by_hand() {
    let mut sim = Sim::new(); // 09:00
    for _ in 0..4 {
        sim.issue("YJQ-003").unwrap(); // S001 09:00, S002 09:01, S003 09:02, S004 09:03
        sim.advance(60);
    }
    let c1 = sim.sign_in("clerk01", 1);
    sim.now = at("2026-11-26", "09:10");
    sim.call_next(&c1, 1).unwrap(); // S001 waited 600 s
    sim.run(&c1, Command::Start { window: w(1) }).unwrap();
    sim.now = at("2026-11-26", "09:15");
    sim.run(
        &c1,
        Command::Finish {
            window: w(1),
            visit: Visit::default(),
        },
    )
    .unwrap();
    let pad = hallq_core::Actor::Device {
        id: "pad-1".into(),
        kind: hallq_core::hall::DeviceKind::Pad,
        window: Some(w(1)),
    };
    sim.run(
        &pad,
        Command::Rate {
            target: hallq_core::command::RateTarget::Window(w(1)),
            level: hallq_core::rating::RatingLevel::Satisfied,
            reasons: vec![],
            comment: None,
        },
    )
    .unwrap();
    sim.call_next(&c1, 1).unwrap(); // S002 waited 840 s
    sim.run(&c1, Command::NoShow { window: w(1) }).unwrap();
    sim.now = at("2026-11-26", "09:40");
    sim.call_next(&c1, 1).unwrap(); // S003 waited 2,280 s
    let t = hallq_core::view::today(&sim.hall, &sim.state);
    assert_eq!((t.issued, t.waiting, t.served, t.no_show), (4, 1, 1, 1));
    // Waits 600, 840, 2280: mean 1240, p50 840, p90 2280; 2 of 3 within 20 minutes.
    assert_eq!(
        (t.wait_mean_s, t.wait_p50_s, t.wait_p90_s),
        (Some(1240), Some(840), Some(2280))
    );
    assert_eq!(t.within_target_permille, Some(666));
    assert_eq!(t.no_show_permille, Some(500));
    assert_eq!(
        (t.rating_coverage_permille, t.satisfaction_permille),
        (Some(1000), Some(1000))
    );
}
