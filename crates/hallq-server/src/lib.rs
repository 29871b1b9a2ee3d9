//! `hallq-server`: the hall controller process — the `hallq` binary.
//!
//! Map of the modules:
//! - [`cli`]: the command line (`serve`, `check-config`, `audit verify`, `backup`).
//! - [`server`]: wiring for `serve`: configuration, data directory, the hall actor, the HTTP
//!   listener, the clock tick, graceful shutdown.
//! - [`actor`]: the hall actor, the single writer: batches commands through
//!   [`hallq_core::step`], commits them to [`hallq_store`] (group commit), then replies and
//!   pushes.
//! - [`http`]: the axum router, handlers, extractors and the WebSocket event stream.
//! - [`problem`]: every error as `application/problem+json`.
//! - [`secrets`]: the hall's secret key; keyed hashes of ID numbers and phones; tokens.
//! - [`passwords`]: argon2id; [`clock`]: where `now` comes from.

pub mod actor;
pub mod cli;
pub mod clock;
pub mod http;
pub mod led;
pub mod passwords;
pub mod printing;
pub mod problem;
pub mod projection;
pub mod secrets;
pub mod server;

/// Why the controller could not start or a command-line tool failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Config(#[from] hallq_core::hall::Problems),
    #[error("event log: {0}")]
    Store(#[from] hallq_store::StoreError),
    #[error("{0}")]
    Io(String),
    #[error("the event log is corrupt: {0}")]
    Corrupt(String),
    #[error("{0}")]
    Refused(String),
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Error {
        Error::Io(e.to_string())
    }
}
