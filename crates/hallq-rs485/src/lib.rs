//! `hallq-rs485`: the wire format of the call pads and 4-key rating pads that share one RS-485
//! bus (9600 8N1) with the device gateway.
//!
//! Everything here is pure: bytes and `now` go in, frames, messages and actions come out. No
//! serial port, no clock, no allocation beyond the frames themselves. The gateway that owns the
//! port is a thin driver: it feeds whatever `read()` returned into a [`Decoder`], echoes every
//! good pad frame back as the acknowledgement, turns frames into [`Message`]s, runs key presses
//! through one [`PadInput`] per call pad, and writes [`Message::to_frame`] for the displays.
//!
//! Frame on the wire (see `docs/protocols/rs485-pads.md` for byte-by-byte examples):
//!
//! ```text
//! FF 68 L L 68 ADDR FUNC DATA… CS 16
//!       L  = number of bytes of ADDR..DATA (2..=255), sent twice
//!       CS = sum of ADDR..DATA mod 256
//! ```
//!
//! Map of the modules, from the bytes up:
//! - [`frame`]: [`Frame`] and its encoder; [`parse`], one pure step over a byte
//!   slice in the style of mini-redis' `frame.rs`: partial input is [`Outcome::Incomplete`],
//!   not an error.
//! - [`decoder`]: [`Decoder`], the stateful buffer around `parse` that skips garbage, drops
//!   broken frames, resyncs on the next `FF 68` and keeps [`Stats`].
//! - [`message`]: typed messages over a frame: [`Message::Key`], [`Message::Rating`] (pad to
//!   host), [`Message::Display`], [`Message::Beep`] (host to pad).
//! - [`input`]: [`PadInput`], the key-sequence state machine that turns raw [`PadKey`]s
//!   (including digit + confirm sequences) into [`PadAction`]s.
//!
//! What is deliberately absent: the serial port itself, addressing (which address is which
//! window's call pad or rating pad is gateway configuration), and every rule of the hall (recall
//! capped at 5, what a pause toggles, which rating key means which level): those belong to the
//! hall controller.

pub mod decoder;
pub mod frame;
pub mod input;
pub mod message;

pub use decoder::{Decoder, Stats};
pub use frame::{Frame, FrameTooLong, Outcome, Parsed, Rejection, checksum, parse};
pub use input::{InvalidSequence, PadAction, PadInput, PadStep};
pub use message::{Direction, DisplayError, Message, PadDisplay, PadKey, RatingKey, Unknown};
