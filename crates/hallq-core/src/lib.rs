//! `hallq-core`: the hall's domain as a pure, deterministic state machine.
//!
//! Commands and `now` go in, events come out; nothing here reads a clock, touches a file or a
//! socket, or draws a random number. The server, the property tests and replay all drive the
//! same two functions:
//!
//! - [`decide`]`(&hall, &state, &actor, &command, now) -> Result<Vec<Event>, Rejection>`
//! - [`apply`]`(&mut state, &envelope)`
//!
//! Map of the modules:
//! - [`config`]: the TOML file format of a hall; [`hall`]: the checked, indexed hall.
//! - [`calendar`]: business days, working days, opening hours in the hall's time zone.
//! - [`ids`]: parsed identifiers ([`ids::TicketNumber`], [`ids::WindowNo`], …);
//!   [`idnumber`]: resident ID numbers, reduced to what may be kept.
//! - [`state`]: what the log adds up to; [`event`]: the facts; [`command`]: the requests.
//! - [`decide`](mod@decide): commands to events, or a typed [`Rejection`]; [`apply`](mod@apply):
//!   events into state.
//! - [`view`]: read models: a ticket with its place in line, the live hall, wait estimates;
//!   [`search`]: items by Chinese, pinyin initials, English or code.
//! - [`rating`]: 好差评 levels and their codes, visits, the fix of bad ratings.
//! - [`report`]: the report projection: facts folded from the log, added up into reports
//!   (日统计, 周通报, 月汇总), the board's charts, the rating and first-contact figures.
//! - [`first_contact`]: 首问负责 as numbers, from the report projection.
//! - [`alert`]: the supervisor's alerts, read off the state, and their acknowledgements.
//! - [`auth`]: who a bearer token belongs to; [`machine`]: [`step`], the one way drivers run a
//!   command (day roll, decide, apply).

pub mod alert;
pub mod apply;
pub mod auth;
pub mod calendar;
pub mod command;
pub mod config;
pub mod decide;
pub mod event;
pub mod first_contact;
pub mod hall;
pub mod idnumber;
pub mod ids;
pub mod machine;
pub mod rating;
pub mod rejection;
pub mod report;
pub mod search;
pub mod state;
pub mod view;

pub use apply::apply;
pub use command::{Actor, Command};
pub use decide::{decide, roll_day};
pub use event::{Envelope, Event};
pub use hall::Hall;
pub use machine::{Step, step, tick};
pub use rejection::Rejection;
pub use state::HallState;
