//! Property tests: random sequences of commands by random actors over an all-day hall, with
//! the clock crossing midnight, and the hall's invariants checked after every step.

mod support;

use hallq_core::command::{IssueTarget, IssueTicket};
use hallq_core::event::CloseReason;
use hallq_core::hall::{DeviceKind, Interleave};
use hallq_core::ids::{ClerkId, ItemCode, QueueId, SessionId, TicketId, TicketNumber, WindowNo};
use hallq_core::report::{Period, Projection, Row};
use hallq_core::state::{Channel, HallState, Priority, Status, Ticket, ticket_id};
use hallq_core::{Actor, Command, Envelope, Event, Hall, tick};
use jiff::Timestamp;
use jiff::civil::Date;
use proptest::prelude::*;
use proptest::sample::Index;
use std::collections::{BTreeMap, BTreeSet};
use support::*;

/// The township hall open all day, every day, without slots or caps.
fn all_day_hall(interleave: &str) -> Hall {
    let interleave = interleave.to_owned();
    township_with(move |c| {
        c.calendar.hours = vec!["00:00-24:00".into()];
        c.calendar.open_on_non_working_days = true;
        c.policies.priority_interleave = interleave;
        for q in &mut c.queues {
            q.hours.clear();
            q.slots.clear();
            q.daily_cap = None;
        }
    })
}

const CLERKS: [&str; 3] = ["clerk01", "clerk02", "clerk03"];
const ITEMS: [&str; 5] = ["YJQ-001", "YJQ-002", "YJQ-003", "YJQ-004", "NOPE"];
const QUEUES: [&str; 3] = ["S", "R", "Z"];

/// Who sends a command.
#[derive(Debug, Clone)]
enum Who {
    /// The clerk signed in at the command's window (or, if nobody is, the last one who was).
    AtWindow,
    /// Any clerk actor ever handed out, live or stale (its session may be gone).
    AnyClerk(Index),
    /// A live session other than the window's (what the server could authenticate now).
    OtherLive(Index),
    Kiosk,
    Display,
    System,
}

/// How a command picks a ticket.
#[derive(Debug, Clone)]
enum Pick {
    /// One of today's tickets in the state with the status the command wants.
    Fitting(Index),
    /// Any of today's tickets.
    Any(Index),
    /// A number that may not exist.
    Raw { prefix: usize, n: u32 },
}

#[derive(Debug, Clone)]
enum Op {
    Issue {
        target: Result<usize, usize>,
        priority: Option<Priority>,
        who: Who,
    },
    SignIn {
        clerk: usize,
        window: Option<u32>,
    },
    SignOut {
        window: Win,
        who: Who,
    },
    CallNext {
        window: Win,
        who: Who,
    },
    Call {
        window: Win,
        who: Who,
        pick: Pick,
    },
    Recall {
        window: Win,
        who: Who,
    },
    Start {
        window: Win,
        who: Who,
    },
    Finish {
        window: Win,
        who: Who,
    },
    NoShow {
        window: Win,
        who: Who,
    },
    Hold {
        window: Win,
        who: Who,
    },
    CallBack {
        window: Win,
        who: Who,
        pick: Pick,
    },
    Transfer {
        window: Win,
        who: Who,
        queue: usize,
    },
    Pause {
        window: Win,
        who: Who,
        back_in_s: Option<u32>,
    },
    Resume {
        window: Win,
        who: Who,
    },
    Cancel {
        who: Who,
        pick: Pick,
    },
}

#[derive(Debug, Clone)]
struct Move {
    /// Seconds the clock advances before the command.
    wait_s: u32,
    op: Op,
}

fn who() -> impl Strategy<Value = Who> {
    prop_oneof![
        24 => Just(Who::AtWindow),
        2 => any::<Index>().prop_map(Who::OtherLive),
        1 => any::<Index>().prop_map(Who::AnyClerk),
        1 => Just(Who::Kiosk),
        1 => Just(Who::System),
    ]
}

fn issuer() -> impl Strategy<Value = Who> {
    prop_oneof![
        12 => Just(Who::Kiosk),
        2 => any::<Index>().prop_map(Who::OtherLive),
        1 => Just(Who::Display),
        1 => Just(Who::System),
    ]
}

fn pick() -> impl Strategy<Value = Pick> {
    prop_oneof![
        8 => any::<Index>().prop_map(Pick::Fitting),
        2 => any::<Index>().prop_map(Pick::Any),
        1 => (0..QUEUES.len(), 1u32..30).prop_map(|(prefix, n)| Pick::Raw { prefix, n }),
    ]
}

/// A window a command is sent for.
#[derive(Debug, Clone)]
enum Win {
    /// One of the windows with a clerk signed in (so that most commands get somewhere).
    Staffed(Index),
    /// Any number, 4 is not a window of the hall.
    Number(u32),
}

fn window() -> impl Strategy<Value = Win> {
    prop_oneof![
        32 => any::<Index>().prop_map(Win::Staffed),
        4 => (1u32..=3).prop_map(Win::Number),
        1 => Just(Win::Number(4)),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    let priority = prop_oneof![
        3 => Just(None),
        3 => Just(Some(Priority::Normal)),
        2 => Just(Some(Priority::Green)),
        2 => Just(Some(Priority::Appointment)),
    ];
    let target = prop_oneof![
        3 => (0..ITEMS.len()).prop_map(Ok),
        1 => (0..QUEUES.len()).prop_map(Err),
    ];
    prop_oneof![
        8 => (target, priority, issuer())
            .prop_map(|(target, priority, who)| Op::Issue { target, priority, who }),
        6 => (0..CLERKS.len(), prop_oneof![8 => (1u32..=3).prop_map(Some), 1 => Just(None)])
            .prop_map(|(clerk, window)| Op::SignIn { clerk, window }),
        1 => (window(), who()).prop_map(|(window, who)| Op::SignOut { window, who }),
        10 => (window(), who()).prop_map(|(window, who)| Op::CallNext { window, who }),
        2 => (window(), who(), pick()).prop_map(|(window, who, pick)| Op::Call { window, who, pick }),
        2 => (window(), who()).prop_map(|(window, who)| Op::Recall { window, who }),
        8 => (window(), who()).prop_map(|(window, who)| Op::Start { window, who }),
        8 => (window(), who()).prop_map(|(window, who)| Op::Finish { window, who }),
        2 => (window(), who()).prop_map(|(window, who)| Op::NoShow { window, who }),
        2 => (window(), who()).prop_map(|(window, who)| Op::Hold { window, who }),
        4 => (window(), who(), pick()).prop_map(|(window, who, pick)| Op::CallBack { window, who, pick }),
        2 => (window(), who(), 0..QUEUES.len())
            .prop_map(|(window, who, queue)| Op::Transfer { window, who, queue }),
        1 => (window(), who(), prop::option::of(0u32..7200))
            .prop_map(|(window, who, back_in_s)| Op::Pause { window, who, back_in_s }),
        1 => (window(), who()).prop_map(|(window, who)| Op::Resume { window, who }),
        1 => (who(), pick()).prop_map(|(who, pick)| Op::Cancel { who, pick }),
    ]
}

fn moves() -> impl Strategy<Value = (u32, Vec<Move>)> {
    // Mostly short gaps so that days get busy, sometimes up to an hour.
    let wait = prop_oneof![6 => 0u32..300, 1 => 0u32..=3600];
    (
        0u32..86_400,
        prop::collection::vec(
            (wait, op()).prop_map(|(wait_s, op)| Move { wait_s, op }),
            1..=200,
        ),
    )
}

/// The driver: a [`Sim`] plus every clerk actor handed out so far.
struct Driver {
    sim: Sim,
    /// Every clerk actor ever signed in, in order (stale ones stay).
    actors: Vec<Actor>,
    /// The last actor signed in at each window.
    last_at: BTreeMap<u32, Actor>,
    sessions: u32,
    /// The state rebuilt, step by step, from the log as stored: each event's JSON parsed back.
    replica: HallState,
}

impl Driver {
    fn new(hall: Hall, start_offset_s: u32) -> Driver {
        let mut sim = Sim::with_hall(hall);
        sim.advance(start_offset_s as i64);
        Driver {
            sim,
            actors: Vec::new(),
            last_at: BTreeMap::new(),
            sessions: 0,
            replica: HallState::default(),
        }
    }

    fn live_actors(&self) -> Vec<Actor> {
        self.sim
            .state
            .sessions
            .iter()
            .map(|(id, s)| Actor::Clerk {
                clerk: s.clerk.clone(),
                session: id.clone(),
                window: s.window,
            })
            .collect()
    }

    fn actor(&self, who: &Who, window: u32) -> Actor {
        match who {
            Who::AtWindow => {
                let ws = self.sim.state.windows.get(&WindowNo(window));
                match ws.and_then(|ws| Some((ws.clerk.clone()?, ws.session.clone()?))) {
                    Some((clerk, session)) => Actor::Clerk {
                        clerk,
                        session,
                        window: Some(WindowNo(window)),
                    },
                    None => self.last_at.get(&window).cloned().unwrap_or_else(kiosk),
                }
            }
            Who::OtherLive(i) => {
                let others: Vec<Actor> = self
                    .live_actors()
                    .into_iter()
                    .filter(|a| !matches!(a, Actor::Clerk { window: Some(w), .. } if w.0 == window))
                    .collect();
                if others.is_empty() {
                    kiosk()
                } else {
                    others[i.index(others.len())].clone()
                }
            }
            Who::AnyClerk(i) => {
                if self.actors.is_empty() {
                    kiosk()
                } else {
                    self.actors[i.index(self.actors.len())].clone()
                }
            }
            Who::Kiosk => kiosk(),
            Who::Display => Actor::Device {
                id: "town-display".into(),
                kind: DeviceKind::Display,
                window: None,
            },
            Who::System => Actor::System,
        }
    }

    /// Today's tickets as the state holds them (the day rolls first when `now` passed midnight).
    fn today(&self) -> HallState {
        let mut s = self.sim.state.clone();
        tick(&self.sim.hall, &mut s, self.sim.now);
        s
    }

    fn ticket(&self, pick: &Pick, fits: impl Fn(&Ticket) -> bool) -> (TicketId, TicketNumber) {
        let state = self.today();
        let chosen = match pick {
            Pick::Fitting(i) => {
                let fitting: Vec<&Ticket> = state.tickets.values().filter(|t| fits(t)).collect();
                (!fitting.is_empty()).then(|| fitting[i.index(fitting.len())])
            }
            Pick::Any(i) => {
                let all: Vec<&Ticket> = state.tickets.values().collect();
                (!all.is_empty()).then(|| all[i.index(all.len())])
            }
            Pick::Raw { .. } => None,
        };
        if let Some(t) = chosen {
            return (t.id.clone(), t.number.clone());
        }
        let (prefix, n) = match pick {
            Pick::Raw { prefix, n } => (*prefix, *n),
            _ => (0, 1),
        };
        let number = TicketNumber {
            prefix: QUEUES[prefix].into(),
            n,
        };
        let day = state
            .day
            .unwrap_or_else(|| self.sim.hall.calendar.business_day(self.sim.now));
        (ticket_id(day, &number), number)
    }

    fn window(&self, w: &Win) -> u32 {
        match w {
            Win::Staffed(i) => {
                let staffed: Vec<u32> = self
                    .today()
                    .windows
                    .iter()
                    .filter(|(_, ws)| ws.clerk.is_some())
                    .map(|(n, _)| n.0)
                    .collect();
                if staffed.is_empty() {
                    1
                } else {
                    staffed[i.index(staffed.len())]
                }
            }
            Win::Number(n) => *n,
        }
    }

    fn command(&mut self, op: &Op) -> (Actor, Command) {
        let win = |w: u32| WindowNo(w);
        let wn = match op {
            Op::SignOut { window, .. }
            | Op::CallNext { window, .. }
            | Op::Call { window, .. }
            | Op::Recall { window, .. }
            | Op::Start { window, .. }
            | Op::Finish { window, .. }
            | Op::NoShow { window, .. }
            | Op::Hold { window, .. }
            | Op::CallBack { window, .. }
            | Op::Transfer { window, .. }
            | Op::Pause { window, .. }
            | Op::Resume { window, .. } => self.window(window),
            Op::Issue { .. } | Op::SignIn { .. } | Op::Cancel { .. } => 0,
        };
        match op {
            Op::Issue {
                target,
                priority,
                who,
            } => (
                self.actor(who, 0),
                Command::IssueTicket(IssueTicket {
                    target: match target {
                        Ok(i) => IssueTarget::Item(ItemCode(ITEMS[*i].into())),
                        Err(q) => IssueTarget::Queue(QueueId(QUEUES[*q].into())),
                    },
                    priority: *priority,
                    green_reason: None,
                    channel: Channel::Kiosk,
                    birth_date: None,
                    id_tag: None,
                    phone_tag: None,
                    notice: None,
                }),
            ),
            Op::SignIn { clerk, window } => {
                self.sessions += 1;
                let clerk = ClerkId(CLERKS[*clerk].into());
                let session = SessionId(format!("session-{}-{}", clerk, self.sessions));
                let actor = Actor::Clerk {
                    clerk: clerk.clone(),
                    session: session.clone(),
                    window: window.map(WindowNo),
                };
                self.actors.push(actor.clone());
                if let Some(w) = window {
                    self.last_at.insert(*w, actor);
                }
                (
                    Actor::System,
                    Command::SignIn {
                        clerk,
                        window: window.map(WindowNo),
                        session,
                    },
                )
            }
            Op::SignOut { who, .. } => {
                // Only live sessions sign out here: a stale session's sign-out is not refused by
                // the core (see `a_stale_session_cannot_sign_out`), and would fail the checks.
                let actor = match self.actor(who, wn) {
                    Actor::Clerk { session, .. }
                        if !self.today().sessions.contains_key(&session) =>
                    {
                        kiosk()
                    }
                    actor => actor,
                };
                (actor, Command::SignOut)
            }
            Op::CallNext { who, .. } => {
                (self.actor(who, wn), Command::CallNext { window: win(wn) })
            }
            Op::Call { who, pick, .. } => (
                self.actor(who, wn),
                Command::Call {
                    window: win(wn),
                    number: self.ticket(pick, |t| t.status == Status::Waiting).1,
                },
            ),
            Op::Recall { who, .. } => (self.actor(who, wn), Command::Recall { window: win(wn) }),
            Op::Start { who, .. } => (self.actor(who, wn), Command::Start { window: win(wn) }),
            Op::Finish { who, .. } => (
                self.actor(who, wn),
                Command::Finish {
                    window: win(wn),
                    visit: Default::default(),
                },
            ),
            Op::NoShow { who, .. } => (self.actor(who, wn), Command::NoShow { window: win(wn) }),
            Op::Hold { who, .. } => (self.actor(who, wn), Command::Hold { window: win(wn) }),
            Op::CallBack { who, pick, .. } => {
                let w = win(wn);
                (
                    self.actor(who, wn),
                    Command::CallBack {
                        window: w,
                        number: self
                            .ticket(pick, |t| t.status == Status::Held && t.window == Some(w))
                            .1,
                    },
                )
            }
            Op::Transfer { who, queue, .. } => (
                self.actor(who, wn),
                Command::Transfer {
                    window: win(wn),
                    queue: QueueId(QUEUES[*queue].into()),
                    reason: None,
                },
            ),
            Op::Pause { who, back_in_s, .. } => (
                self.actor(who, wn),
                Command::Pause {
                    window: win(wn),
                    reason: "午休".into(),
                    back_at: back_in_s
                        .map(|s| self.sim.now + jiff::SignedDuration::from_secs(s as i64)),
                },
            ),
            Op::Resume { who, .. } => (self.actor(who, wn), Command::Resume { window: win(wn) }),
            Op::Cancel { who, pick } => (
                self.actor(who, 0),
                Command::CancelTicket {
                    ticket: self.ticket(pick, |t| t.status == Status::Waiting).0,
                },
            ),
        }
    }

    /// Runs one move and checks every invariant.
    fn play(&mut self, m: &Move) {
        self.sim.advance(m.wait_s as i64);
        let (actor, command) = self.command(&m.op);
        // The state the command is decided on: the day rolled if `now` passed midnight.
        let pre = self.today();
        let log_len = self.sim.log.len();
        let result = self.sim.run(&actor, command.clone());
        let new: Vec<Envelope> = self.sim.log[log_len..].to_vec();
        if result.is_err() {
            assert_eq!(
                self.sim.state, pre,
                "a refusal of {command:?} changed more than the day roll"
            );
        }
        let ctx = format!("after {command:?} by {actor:?} at {}", self.sim.now);
        for e in &new {
            check_event(&self.sim.hall, &pre, &actor, &command, e, &ctx);
        }
        check_state(&self.sim.hall, &self.sim.state, &ctx);
        check_numbers(&self.sim.log);
        check_log(&self.sim, &new, &ctx, &mut self.replica);
    }
}

/// The FIFO key within a class, as the hall promises it: issue time, then issue order.
fn fifo(t: &Ticket) -> (Timestamp, u64) {
    (t.issued_at, t.order)
}

/// Checks one new event against the state it was decided on.
fn check_event(
    hall: &Hall,
    pre: &HallState,
    actor: &Actor,
    command: &Command,
    env: &Envelope,
    ctx: &str,
) {
    match (&env.event, command) {
        (Event::TicketCalled { ticket, window, .. }, Command::CallNext { .. }) => {
            let called = &pre.tickets[ticket];
            assert_eq!(called.status, Status::Waiting, "{ctx}");
            let w = &hall.windows[window];
            let tier = w
                .tiers
                .iter()
                .find(|tier| {
                    pre.tickets
                        .values()
                        .any(|t| t.status == Status::Waiting && tier.contains(&t.queue))
                })
                .expect("something waited");
            assert!(
                tier.contains(&called.queue),
                "{ctx}: {} of queue {} called while the first tier {tier:?} had people waiting",
                called.number,
                called.queue
            );
            let waiting: Vec<&Ticket> = pre
                .tickets
                .values()
                .filter(|t| t.status == Status::Waiting && tier.contains(&t.queue))
                .collect();
            match hall.interleave {
                Interleave::Strict => {
                    for t in &waiting {
                        // Nobody of a higher or equal class who came earlier is skipped…
                        assert!(
                            !(t.priority <= called.priority && fifo(t) < fifo(called)),
                            "{ctx}: {} ({:?}) called before {} ({:?}), issued earlier",
                            called.number,
                            called.priority,
                            t.number,
                            t.priority
                        );
                        // …and under strict, nobody of a higher class at all.
                        assert!(
                            t.priority >= called.priority,
                            "{ctx}: {} ({:?}) called while {} ({:?}) waited",
                            called.number,
                            called.priority,
                            t.number,
                            t.priority
                        );
                    }
                }
                Interleave::Ratio { .. } => {
                    // The called one is the first of its kind (priority or normal) in the tier.
                    for t in waiting
                        .iter()
                        .filter(|t| t.priority.is_priority() == called.priority.is_priority())
                    {
                        if called.priority.is_priority() {
                            assert!(
                                (t.priority, fifo(t)) >= (called.priority, fifo(called)),
                                "{ctx}: {} called before {}",
                                called.number,
                                t.number
                            );
                        } else {
                            assert!(
                                fifo(t) >= fifo(called),
                                "{ctx}: {} called before {}",
                                called.number,
                                t.number
                            );
                        }
                    }
                }
            }
        }
        (
            Event::WindowClosed {
                window,
                clerk,
                reason,
            },
            _,
        ) => {
            // A window only closes under the clerk who is at it, and only that clerk's own
            // (live) session may close it.
            let ws = pre.windows.get(window);
            assert_eq!(
                ws.and_then(|w| w.clerk.as_ref()),
                Some(clerk),
                "{ctx}: window {window} closed ({reason:?}) under {clerk}, who was not at it"
            );
            if *reason == CloseReason::SignedOut {
                let Actor::Clerk { session, .. } = actor else {
                    panic!("{ctx}: a non-clerk signed out");
                };
                assert_eq!(
                    ws.and_then(|w| w.session.as_ref()),
                    Some(session),
                    "{ctx}: a session that is not window {window}'s closed it"
                );
            }
        }
        _ => {}
    }
}

fn check_state(hall: &Hall, s: &HallState, ctx: &str) {
    let mut at_window: BTreeMap<&TicketId, WindowNo> = BTreeMap::new();
    let mut clerks: BTreeMap<&ClerkId, WindowNo> = BTreeMap::new();
    for (n, w) in &s.windows {
        assert!(hall.windows.contains_key(n), "{ctx}: unknown window {n}");
        if let Some(id) = &w.current {
            let t = s
                .tickets
                .get(id)
                .unwrap_or_else(|| panic!("{ctx}: window {n}'s current {id} is not in the state"));
            assert!(
                matches!(t.status, Status::Called | Status::Serving),
                "{ctx}: window {n}'s current {} is {:?}",
                t.number,
                t.status
            );
            assert_eq!(t.window, Some(*n), "{ctx}: {} at window {n}", t.number);
            if let Some(other) = at_window.insert(id, *n) {
                panic!("{ctx}: {id} is at windows {other} and {n}");
            }
        }
        for id in &w.held {
            let t = s
                .tickets
                .get(id)
                .unwrap_or_else(|| panic!("{ctx}: window {n} holds {id}, not in the state"));
            assert_eq!(t.status, Status::Held, "{ctx}: {} held at {n}", t.number);
            assert_eq!(t.window, Some(*n), "{ctx}: {} held at {n}", t.number);
            if let Some(other) = at_window.insert(id, *n) {
                panic!("{ctx}: {id} is at windows {other} and {n}");
            }
        }
        match (&w.clerk, &w.session) {
            (None, None) => {}
            (Some(clerk), Some(session)) => {
                if let Some(other) = clerks.insert(clerk, *n) {
                    panic!("{ctx}: {clerk} is at windows {other} and {n}");
                }
                let sess = s
                    .sessions
                    .get(session)
                    .unwrap_or_else(|| panic!("{ctx}: window {n}'s session is not open"));
                assert_eq!(&sess.clerk, clerk, "{ctx}: window {n}'s session");
                assert_eq!(sess.window, Some(*n), "{ctx}: window {n}'s session");
            }
            other => panic!("{ctx}: window {n} has clerk and session {other:?}"),
        }
        if w.paused.is_some() {
            assert!(w.clerk.is_some(), "{ctx}: window {n} paused with nobody");
            assert!(w.current.is_none(), "{ctx}: window {n} paused while busy");
        }
    }
    // Every session bound to a window is that window's one session.
    for (id, sess) in &s.sessions {
        if let Some(n) = sess.window {
            assert_eq!(
                s.windows.get(&n).and_then(|w| w.session.as_ref()),
                Some(id),
                "{ctx}: session {id} of {} claims window {n}",
                sess.clerk
            );
        }
    }
    // Every ticket called or served at a window is that window's current; held ones are held
    // there; no two claim one window.
    let mut claimed: BTreeMap<WindowNo, &TicketId> = BTreeMap::new();
    for t in s.tickets.values() {
        assert_eq!(Some(t.day), s.day, "{ctx}: {} of another day", t.id);
        match t.status {
            Status::Called | Status::Serving => {
                let n = t.window.expect("a called ticket has a window");
                assert_eq!(
                    s.windows[&n].current.as_ref(),
                    Some(&t.id),
                    "{ctx}: {} is {:?} at {n} but not its current",
                    t.number,
                    t.status
                );
                if let Some(other) = claimed.insert(n, &t.id) {
                    panic!("{ctx}: {other} and {} both at window {n}", t.id);
                }
            }
            Status::Held => {
                let n = t.window.expect("a held ticket has a window");
                assert!(
                    s.windows[&n].held.contains(&t.id),
                    "{ctx}: {} held but not in window {n}'s list",
                    t.number
                );
            }
            Status::Waiting => assert_eq!(t.window, None, "{ctx}: {} waiting", t.number),
            _ => {}
        }
    }
}

/// Numbers are unique per queue and business day, and count 1, 2, 3… without gaps.
fn check_numbers(log: &[Envelope]) {
    let mut seen: BTreeSet<(Date, TicketNumber)> = BTreeSet::new();
    let mut ids: BTreeSet<TicketId> = BTreeSet::new();
    let mut next: BTreeMap<(Date, String), u32> = BTreeMap::new();
    for e in log {
        if let Event::TicketIssued {
            ticket,
            number,
            day,
            ..
        } = &e.event
        {
            assert!(
                seen.insert((*day, number.clone())),
                "{number} issued twice on {day}"
            );
            assert!(ids.insert(ticket.clone()), "ticket id {ticket} twice");
            let expected = next.entry((*day, number.prefix.clone())).or_insert(1);
            assert_eq!(number.n, *expected, "numbers of {day} skip or repeat");
            *expected += 1;
        }
    }
}

/// The state and every event survive JSON, and the log (as parsed back) rebuilds the state.
fn check_log(sim: &Sim, new: &[Envelope], ctx: &str, replica: &mut HallState) {
    if new.is_empty() {
        // A refusal left the state as it was (checked in `play`), and so its JSON.
        return;
    }
    let json = serde_json::to_string(&sim.state).expect("the state serialises");
    let back: HallState = serde_json::from_str(&json)
        .unwrap_or_else(|e| panic!("{ctx}: the state's JSON does not parse back: {e}\n{json}"));
    assert_eq!(back, sim.state, "{ctx}: state JSON round trip");
    let mut seq = sim.log.len() as u64 - new.len() as u64;
    for e in new {
        seq += 1;
        assert_eq!(e.seq, seq, "{ctx}: seq numbers are contiguous");
        assert_eq!(e.at, sim.now, "{ctx}: events carry the step's time");
        let text = e.to_json();
        let back: Envelope = serde_json::from_str(&text)
            .unwrap_or_else(|err| panic!("{ctx}: {text} does not parse back: {err}"));
        assert_eq!(&back, e, "{ctx}: envelope JSON round trip");
        hallq_core::apply(replica, &back);
    }
    assert_eq!(
        replica, &sim.state,
        "{ctx}: the log's JSON, replayed, gives another state"
    );
}

fn run_moves(interleave: &str, start: u32, moves: &[Move]) {
    let mut d = Driver::new(all_day_hall(interleave), start);
    // The report projection kept up event by event, saved and restored half way (as a driver
    // that snapshots it would), with reports taken along the way.
    let mut incremental = Projection::default();
    let mut folded = 0;
    for (i, m) in moves.iter().enumerate() {
        d.play(m);
        for env in &d.sim.log[folded..] {
            incremental.apply(&d.sim.hall, env);
        }
        folded = d.sim.log.len();
        if i == moves.len() / 2 {
            let saved = serde_json::to_string(&incremental).unwrap();
            incremental = serde_json::from_str(&saved).unwrap();
        }
        if i % 7 == 0
            && let Some(day) = incremental.day
        {
            incremental.report(&d.sim.hall, Period::Daily, day);
        }
    }
    assert_eq!(d.sim.replayed(), d.sim.state, "replaying the whole log");
    check_reports(&d.sim.hall, &d.sim.log, &incremental);
}

/// Rebuilding the report projection from the whole log gives the same projection and the same
/// reports as keeping it up event by event; every table partitions the hall's tickets.
fn check_reports(hall: &Hall, log: &[Envelope], incremental: &Projection) {
    let rebuilt = Projection::fold(hall, log);
    assert_eq!(&rebuilt, incremental, "rebuilt from scratch == incremental");
    let Some(last) = rebuilt.day else { return };
    let first = hall.calendar.business_day(log[0].at);
    for (period, date) in [
        (Period::Daily, first),
        (Period::Daily, last),
        (Period::Weekly, last),
        (Period::Monthly, first),
    ] {
        let report = rebuilt.report(hall, period, date);
        assert_eq!(report, incremental.report(hall, period, date));
        let issued = log
            .iter()
            .filter(|e| matches!(&e.event, Event::TicketIssued { day, .. } if *day >= report.from && *day <= report.to))
            .count() as u32;
        assert_eq!(report.total.tickets, issued, "{period:?} {date}");
        for (id, _, _, rows) in report.groups() {
            let sum = |f: fn(&Row) -> u32| rows.iter().map(f).sum::<u32>();
            assert_eq!(sum(|r| r.tickets), report.total.tickets, "{id} tickets");
            assert_eq!(sum(|r| r.served), report.total.served, "{id} served");
            assert_eq!(sum(|r| r.no_show), report.total.no_show, "{id} no-shows");
            assert_eq!(
                sum(|r| r.transfers),
                report.total.transfers,
                "{id} transfers"
            );
            assert_eq!(sum(|r| r.wait.count), report.total.wait.count, "{id} waits");
        }
        let total = &report.total;
        assert!(total.served + total.no_show + total.cancelled + total.expired <= total.tickets);
        assert_eq!(
            report
                .wait_histogram
                .bins
                .iter()
                .map(|b| b.count)
                .sum::<u32>(),
            total.wait.count
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn invariants_hold_under_strict_priority((start, moves) in moves()) {
        run_moves("strict", start, &moves);
    }

    #[test]
    fn invariants_hold_under_a_1_2_interleave((start, moves) in moves()) {
        run_moves("1:2", start, &moves);
    }
}

/// The generator does reach the interesting places (calls, services, holds, day rolls), so the
/// properties above are not vacuous.
#[test]
fn a_long_busy_run_reaches_every_kind_of_event() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for i in 0..16 {
        let (start, moves) = moves().new_tree(&mut runner).unwrap().current();
        let interleave = if i % 2 == 0 { "strict" } else { "1:2" };
        let mut d = Driver::new(all_day_hall(interleave), start);
        for m in &moves {
            d.play(m);
        }
        assert_eq!(d.sim.replayed(), d.sim.state, "replaying the whole log");
        for e in &d.sim.log {
            *counts.entry(e.event.kind()).or_default() += 1;
        }
    }

    for kind in [
        "ticket_issued",
        "ticket_called",
        "ticket_recalled",
        "service_started",
        "ticket_finished",
        "ticket_no_show",
        "ticket_transferred",
        "ticket_held",
        "ticket_called_back",
        "ticket_cancelled",
        "ticket_expired",
        "window_opened",
        "window_closed",
        "session_opened",
        "window_paused",
        "window_resumed",
        "day_rolled",
    ] {
        assert!(
            counts.contains_key(kind),
            "no {kind} in 16 random runs: {counts:?}"
        );
    }
}

/// A session that has ended must not sign out: here clerk01's old session would close clerk02's
/// window, hold clerk02's ticket and end clerk02's session.
#[test]
fn a_stale_session_cannot_sign_out() {
    let mut sim = Sim::new();
    let old = sim.sign_in("clerk01", 1);
    sim.run(&old, Command::SignOut).unwrap();
    let c2 = sim.sign_in("clerk02", 1);
    sim.issue("YJQ-003").unwrap();
    sim.call_next(&c2, 1).unwrap();
    let before = sim.state.clone();
    assert!(
        sim.run(&old, Command::SignOut).is_err(),
        "an ended session signed out"
    );
    assert_eq!(sim.state, before);
}

/// When the clock steps back over midnight (an NTP correction), the day does not roll back, so
/// tickets must still be issued on the state's business day: here the third ticket would get
/// yesterday's id `20261126-S002` a second time.
#[test]
fn a_clock_stepping_back_over_midnight_does_not_reuse_yesterdays_numbers() {
    let mut sim = Sim::with_hall(all_day_hall("strict"));
    sim.now = at("2026-11-26", "23:58");
    sim.issue("YJQ-003").unwrap();
    sim.issue("YJQ-003").unwrap();
    sim.advance(180); // 00:01 on the 27th: the day rolls.
    sim.issue("YJQ-003").unwrap();
    sim.advance(-120); // The clock is corrected back to 23:59 on the 26th.
    sim.issue("YJQ-003").unwrap();
    check_numbers(&sim.log);
    check_state(&sim.hall, &sim.state, "after the clock stepped back");
}
