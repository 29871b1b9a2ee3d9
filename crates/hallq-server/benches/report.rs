//! Report benchmark: a month of the demo hall (30,000 tickets over November 2026's working days:
//! calls, services with outcomes, no-shows, referrals, cases, ratings, pauses) in a real SQLite
//! log, then the monthly report (月汇总):
//! - cold: the projection rebuilt from scratch from the log (what `hallq report` does), then the
//!   report added up;
//! - warm: the report added up from an up-to-date projection (what the API does);
//! - each rendering (JSON, HTML with charts, CSV, XLSX).
//!
//! Run: `cargo bench -p hallq-server --bench report`. Target: ≤ 1 s for the monthly report.

mod common;

use hallq_core::command::{IssueTarget, IssueTicket, RateTarget, Visit};
use hallq_core::hall::DeviceKind;
use hallq_core::ids::{ClerkId, QueueId, SessionId, WindowNo};
use hallq_core::rating::RatingLevel;
use hallq_core::report::Period;
use hallq_core::state::{Channel, HallState, Outcome, Status};
use hallq_core::{Actor, Command, Envelope, Hall};
use hallq_server::http::reports::Format;
use hallq_store::Store;
use jiff::civil::date;
use jiff::{SignedDuration, Timestamp};
use std::path::Path;
use std::time::{Duration, Instant};

const TICKETS: usize = 30_000;
const RUNS: usize = 5;

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hallq.db");
    let hall = Hall::demo();
    let t = Instant::now();
    let events = build(&hall, &db);
    println!(
        "built a month: {TICKETS} tickets, {events} events in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    let month = date(2026, 11, 15);
    let mut cold = Vec::new();
    let mut projection = None;
    for _ in 0..RUNS {
        let t = Instant::now();
        let p = hallq_server::projection::rebuild(&hall, &db).unwrap();
        let report = p.report(&hall, Period::Monthly, month);
        cold.push(t.elapsed());
        assert_eq!(report.total.tickets as usize, TICKETS);
        projection = Some(p);
    }
    let p = projection.unwrap();
    let mut warm = Vec::new();
    let mut report = None;
    for _ in 0..RUNS {
        let t = Instant::now();
        report = Some(p.report(&hall, Period::Monthly, month));
        warm.push(t.elapsed());
    }
    let report = report.unwrap();
    let r = &report.total;
    println!(
        "month: {} tickets, {} served, {} rated, {} cases, wait p90 {:?} s",
        r.tickets, r.served, r.rated, r.cases_accepted, r.wait.p90_s
    );
    show("monthly report, rebuilt from the log", &mut cold);
    show("monthly report, from the live projection", &mut warm);
    for format in [Format::Json, Format::Html, Format::Csv, Format::Xlsx] {
        let mut took = Vec::new();
        let mut size = 0;
        for _ in 0..RUNS {
            let t = Instant::now();
            size = format.render(&report).unwrap().len();
            took.push(t.elapsed());
        }
        show(
            &format!("render {} ({} KiB)", format.extension(), size / 1024),
            &mut took,
        );
    }
}

fn show(what: &str, samples: &mut [Duration]) {
    samples.sort();
    println!(
        "{what}: median {:.0} ms, max {:.0} ms ({} runs)",
        samples[samples.len() / 2].as_secs_f64() * 1e3,
        samples[samples.len() - 1].as_secs_f64() * 1e3,
        samples.len()
    );
}

/// Runs the demo hall through November 2026 until `TICKETS` tickets were issued; returns the
/// number of events written.
fn build(hall: &Hall, db: &Path) -> u64 {
    let mut store = Store::open(db).unwrap();
    let mut state = HallState::default();
    let mut pending: Vec<Envelope> = Vec::new();
    let kiosk = Actor::Device {
        id: "demo-kiosk".into(),
        kind: DeviceKind::Kiosk,
        window: None,
    };
    let items: Vec<_> = hall.items.values().collect();
    let windows: Vec<WindowNo> = hall.windows.keys().copied().collect();
    let working: Vec<_> = (1..=30)
        .map(|d| date(2026, 11, d))
        .filter(|d| hall.calendar.is_working_day(*d))
        .collect();
    let per_day = TICKETS.div_ceil(working.len());
    let mut issued = 0;
    fn run(
        (hall, state, pending): (&Hall, &mut HallState, &mut Vec<Envelope>),
        actor: &Actor,
        cmd: &Command,
        now: Timestamp,
    ) {
        pending.extend(hallq_core::step(hall, state, actor, cmd, now).events);
    }
    for (d, day) in working.iter().enumerate() {
        let open = hall.calendar.start_of_day(*day) + SignedDuration::from_mins(8 * 60 + 30);
        let mut now = open;
        let clerks: Vec<Actor> = windows
            .iter()
            .map(|w| {
                let clerk = ClerkId(format!("clerk{:02}", w.0));
                let session = SessionId(format!("bench-{d}-{}", w.0));
                run(
                    (hall, &mut state, &mut pending),
                    &Actor::System,
                    &Command::SignIn {
                        clerk: clerk.clone(),
                        window: Some(*w),
                        session: session.clone(),
                    },
                    now,
                );
                Actor::Clerk {
                    clerk,
                    session,
                    window: Some(*w),
                }
            })
            .collect();
        for i in 0..per_day.min(TICKETS - issued) {
            let item = items[(i * 7 + d) % items.len()];
            let issue = Command::IssueTicket(IssueTicket {
                target: IssueTarget::Item(item.code.clone()),
                priority: None,
                green_reason: None,
                channel: Channel::Kiosk,
                birth_date: None,
                id_tag: None,
                phone_tag: None,
                notice: None,
            });
            run((hall, &mut state, &mut pending), &kiosk, &issue, now);
            issued += 1;
            // Each ticket lets a few windows move one step along.
            for k in 0..3 {
                let idx = (i * 3 + k) % windows.len();
                let w = windows[idx];
                let status = state
                    .windows
                    .get(&w)
                    .and_then(|ws| ws.current.as_ref())
                    .and_then(|id| state.ticket(id))
                    .map(|t| t.status);
                let n = i + k;
                let cmd = match status {
                    None if n % 97 == 0 => Command::Pause {
                        window: w,
                        reason: "休息".into(),
                        back_at: None,
                    },
                    None => Command::CallNext { window: w },
                    Some(Status::Called) if n % 23 == 0 => Command::NoShow { window: w },
                    Some(Status::Called) => Command::Start { window: w },
                    Some(Status::Serving) if n % 41 == 0 => Command::Transfer {
                        window: w,
                        queue: QueueId("A".into()),
                        reason: Some("需综合窗口受理".into()),
                    },
                    _ => Command::Finish {
                        window: w,
                        visit: Visit {
                            outcome: Some(match n % 5 {
                                0 => Outcome::Accepted,
                                1 => Outcome::Consultation,
                                _ => Outcome::OnTheSpot,
                            }),
                            ..Default::default()
                        },
                    },
                };
                let before = pending.len();
                run((hall, &mut state, &mut pending), &clerks[idx], &cmd, now);
                let paused = state.windows.get(&w).is_some_and(|ws| ws.paused.is_some());
                if paused && matches!(cmd, Command::CallNext { .. }) {
                    run(
                        (hall, &mut state, &mut pending),
                        &clerks[idx],
                        &Command::Resume { window: w },
                        now,
                    );
                }
                let finished = pending[before..]
                    .iter()
                    .any(|e| e.event.kind() == "ticket_finished");
                if finished && n % 3 != 0 {
                    let pad = Actor::Device {
                        id: "demo-pad".into(),
                        kind: DeviceKind::Pad,
                        window: Some(w),
                    };
                    let level = match n % 20 {
                        0 => RatingLevel::Dissatisfied,
                        1..=4 => RatingLevel::Satisfied,
                        _ => RatingLevel::VerySatisfied,
                    };
                    let rate = Command::Rate {
                        target: RateTarget::Window(w),
                        level,
                        reasons: vec![],
                        comment: None,
                    };
                    run((hall, &mut state, &mut pending), &pad, &rate, now);
                }
            }
            now += SignedDuration::from_secs(21);
            if pending.len() >= 2000 {
                common::append(&mut store, &mut pending);
            }
        }
        common::append(&mut store, &mut pending);
    }
    common::append(&mut store, &mut pending);
    state.seq
}
