//! Rendering and wire protocols for the LED strips over the windows of a hallq service hall.
//!
//! This crate is the pure half of the hall displays: it turns "what the window shows" into
//! pixels and pixels into bytes, and back. The transports (RS-485 through `serialport`, UDP,
//! TCP) and the subscription to the hall controller's event stream are thin drivers elsewhere.
//!
//! # Map
//! - [`color`]: [`LedColor`] (off, red, green, yellow) and [`ColorMode`] (mono or tricolour).
//! - [`frame`]: [`Frame`], the one embedded-graphics `DrawTarget` every panel renders into; it
//!   packs to bit planes and encodes PNGs for previews and snapshot tests.
//! - [`layout`]: [`Panel`] sizes and the pure `(panel, state, now_ms) -> Frame` layouts for a
//!   call, the idle greeting and a pause, in the WenQuanYi GB2312 fonts of u8g2.
//! - [`strip`]: [`WindowStrip`], the state machine that flashes a call for 3 s, coalesces
//!   repeats within 5 s, and tells a driver when to resend.
//! - [`codec`]: the decoder shape both protocols share (partial input is normal) and
//!   [`StreamDecoder`] with its counters.
//! - [`onbon`]: the Onbon BX-5/BX-6 dynamic-area protocol (`docs/protocols/onbon-bx.md`).
//! - [`raw`]: hallq's own raw-bitmap protocol for our RS-485 panels
//!   (`docs/protocols/led-raw-bitmap.md`).
//! - [`virtual_panel`]: [`VirtualPanel`], a panel in memory that speaks both protocols.
//! - [`crc`]: the three checksums, bit by bit.
//!
//! # Invariants
//! - **Pure.** No I/O, no clock, no randomness, no threads: every time-dependent function takes
//!   `now_ms` (milliseconds on the driver's monotonic clock) as an argument, so the same inputs
//!   always give the same frame and the same bytes. PNGs are returned as bytes; writing them to
//!   disk is the caller's business.
//! - **Decoders never panic.** Any byte sequence yields frames, `Incomplete`, or counted
//!   rejections; property tests feed them random and corrupted input.
//! - **One frame type.** Layouts draw into [`Frame`]; protocols encode and decode [`Frame`];
//!   so a frame that goes through any encoder and the [`VirtualPanel`] comes back identical.

pub mod codec;
pub mod color;
pub mod crc;
pub mod frame;
pub mod layout;
pub mod onbon;
pub mod raw;
pub mod strip;
pub mod virtual_panel;

pub use codec::{DecoderStats, Reject, StreamDecoder};
pub use color::{ColorMode, LedColor};
pub use frame::{Frame, FrameError};
pub use layout::{Panel, StripState};
pub use strip::{CallOutcome, FrameKey, WindowStrip};
pub use virtual_panel::VirtualPanel;
