//! A simulated hall for the core's tests: a hall, its state, a clock stepped by hand.
#![allow(dead_code)]

use hallq_core::command::{IssueTarget, IssueTicket};
use hallq_core::ids::{ClerkId, ItemCode, QueueId, SessionId, TicketNumber, WindowNo};
use hallq_core::state::{Channel, Priority, Status};
use hallq_core::{Actor, Command, Envelope, Hall, HallState, Rejection, apply, step};
use jiff::{SignedDuration, Timestamp};

pub const TOWNSHIP: &str = include_str!("../../../../firmware-config/halls/township.toml");

pub fn township() -> Hall {
    Hall::from_toml(TOWNSHIP).expect("township.toml is valid")
}

/// The township hall with a config change (e.g. another interleave policy).
pub fn township_with(edit: impl FnOnce(&mut hallq_core::config::HallConfig)) -> Hall {
    let mut cfg: hallq_core::config::HallConfig = toml::from_str(TOWNSHIP).unwrap();
    edit(&mut cfg);
    Hall::compile(cfg).expect("edited township hall is valid")
}

/// Local Shanghai time on a day, as a timestamp: `at("2026-11-26", "09:00")`.
pub fn at(day: &str, hhmm: &str) -> Timestamp {
    format!("{day}T{hhmm}:00+08:00[Asia/Shanghai]")
        .parse::<jiff::ZonedDateTime>()
        .unwrap()
        .timestamp()
}

pub struct Sim {
    pub hall: Hall,
    pub state: HallState,
    pub now: Timestamp,
    pub log: Vec<Envelope>,
}

pub fn kiosk() -> Actor {
    Actor::Device {
        id: "town-kiosk".into(),
        kind: hallq_core::hall::DeviceKind::Kiosk,
        window: None,
    }
}

/// A help-desk clerk issuing tickets (authenticated by the server; the core trusts the actor).
pub fn desk() -> Actor {
    Actor::Clerk {
        clerk: ClerkId("super".into()),
        session: SessionId("desk-session".into()),
        window: None,
    }
}

impl Sim {
    /// A working Thursday, 09:00 in the township hall.
    pub fn new() -> Sim {
        Sim::with_hall(township())
    }

    pub fn with_hall(hall: Hall) -> Sim {
        Sim {
            hall,
            state: HallState::default(),
            now: at("2026-11-26", "09:00"),
            log: Vec::new(),
        }
    }

    pub fn advance(&mut self, secs: i64) {
        self.now += SignedDuration::from_secs(secs);
    }

    pub fn run(&mut self, actor: &Actor, cmd: Command) -> Result<Vec<Envelope>, Rejection> {
        let before = self.state.clone();
        let s = step(&self.hall, &mut self.state, actor, &cmd, self.now);
        self.log.extend(s.events.iter().cloned());
        match s.result {
            Ok(()) => Ok(s.events),
            Err(r) => {
                // A refusal changes nothing but a day roll that was due anyway.
                if s.events.is_empty() {
                    assert_eq!(before, self.state, "a refusal changed the state");
                }
                Err(r)
            }
        }
    }

    pub fn issue(&mut self, item: &str) -> Result<TicketNumber, Rejection> {
        self.issue_with(item, None)
    }

    pub fn issue_with(
        &mut self,
        item: &str,
        priority: Option<Priority>,
    ) -> Result<TicketNumber, Rejection> {
        // Only staff mark a ticket green or booked; citizens at the kiosk cannot.
        let by = if priority.is_some() { desk() } else { kiosk() };
        let evs = self.run(
            &by,
            Command::IssueTicket(IssueTicket {
                target: IssueTarget::Item(ItemCode(item.into())),
                priority,
                green_reason: None,
                channel: Channel::Kiosk,
                birth_date: None,
                id_tag: None,
                phone_tag: None,
                notice: None,
            }),
        )?;
        match &evs.last().unwrap().event {
            hallq_core::Event::TicketIssued { number, .. } => Ok(number.clone()),
            e => panic!("unexpected {e:?}"),
        }
    }

    pub fn issue_queue(&mut self, queue: &str) -> Result<TicketNumber, Rejection> {
        let evs = self.run(
            &kiosk(),
            Command::IssueTicket(IssueTicket {
                target: IssueTarget::Queue(QueueId(queue.into())),
                priority: None,
                green_reason: None,
                channel: Channel::Kiosk,
                birth_date: None,
                id_tag: None,
                phone_tag: None,
                notice: None,
            }),
        )?;
        match &evs.last().unwrap().event {
            hallq_core::Event::TicketIssued { number, .. } => Ok(number.clone()),
            e => panic!("unexpected {e:?}"),
        }
    }

    /// Signs `clerkNN` in at window `w`; returns the clerk's actor.
    pub fn sign_in(&mut self, clerk: &str, w: u32) -> Actor {
        let session = SessionId(format!("session-{clerk}-{}", self.state.seq));
        self.run(
            &Actor::System,
            Command::SignIn {
                clerk: ClerkId(clerk.into()),
                window: Some(WindowNo(w)),
                session: session.clone(),
            },
        )
        .expect("sign in");
        Actor::Clerk {
            clerk: ClerkId(clerk.into()),
            session,
            window: Some(WindowNo(w)),
        }
    }

    pub fn call_next(&mut self, clerk: &Actor, w: u32) -> Result<TicketNumber, Rejection> {
        let evs = self.run(
            clerk,
            Command::CallNext {
                window: WindowNo(w),
            },
        )?;
        match &evs.last().unwrap().event {
            hallq_core::Event::TicketCalled { number, .. } => Ok(number.clone()),
            e => panic!("unexpected {e:?}"),
        }
    }

    pub fn status(&self, number: &str) -> Status {
        self.state
            .ticket_by_number(&TicketNumber::parse(number).unwrap())
            .unwrap()
            .status
    }

    /// Replays the whole log from an empty state: must give the same state.
    pub fn replayed(&self) -> HallState {
        let mut s = HallState::default();
        for e in &self.log {
            apply(&mut s, e);
        }
        s
    }
}

pub fn n(s: &str) -> TicketNumber {
    TicketNumber::parse(s).unwrap()
}

pub fn w(n: u32) -> WindowNo {
    WindowNo(n)
}
