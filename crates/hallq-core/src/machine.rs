//! `step`: the one way every driver (the server's hall actor, tests, replay tools) runs a
//! command: roll the business day if `now` passed midnight, decide, apply.

use crate::apply::apply;
use crate::command::{Actor, Command};
use crate::decide::{decide, roll_day};
use crate::event::{Envelope, Event};
use crate::hall::Hall;
use crate::rejection::Rejection;
use crate::state::HallState;
use jiff::Timestamp;

/// What one command did.
#[derive(Debug)]
pub struct Step {
    /// The events applied, with their seq: a day roll's events come first and are kept even when
    /// the command itself was refused.
    pub events: Vec<Envelope>,
    pub result: Result<(), Rejection>,
}

/// Applies events to the state, numbering them after the state's last seq.
pub fn commit_to_state(state: &mut HallState, events: Vec<Event>, at: Timestamp) -> Vec<Envelope> {
    events
        .into_iter()
        .map(|event| {
            let env = Envelope {
                seq: state.seq + 1,
                at,
                event,
            };
            apply(state, &env);
            env
        })
        .collect()
}

/// Rolls the day if needed, then decides and applies `command` at `now`.
pub fn step(
    hall: &Hall,
    state: &mut HallState,
    actor: &Actor,
    command: &Command,
    now: Timestamp,
) -> Step {
    let mut events = tick(hall, state, now);
    let result = decide(hall, state, actor, command, now)
        .map(|new| events.extend(commit_to_state(state, new, now)));
    Step { events, result }
}

/// What the clock alone decides (the controller's tick, and before every command): roll the day
/// at local midnight, end the rating pads' requests that ran out.
pub fn tick(hall: &Hall, state: &mut HallState, now: Timestamp) -> Vec<Envelope> {
    let mut events = commit_to_state(state, roll_day(hall, state, now), now);
    events.extend(commit_to_state(
        state,
        crate::rating::expire_requests(state, now),
        now,
    ));
    events
}
