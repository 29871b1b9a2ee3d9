//! Printed queue tickets over ESC/POS, the command language of the hall's thermal printers.
//!
//! # Map
//!
//! - [`builder`]: the encoder. [`Builder`] appends exact ESC/POS command bytes (init, Chinese
//!   mode, size, bold, alignment, feed, QR code, partial cut, status request) and GB18030 text.
//! - [`ticket`]: [`TicketPrint`], everything on one queue ticket, and [`render`], its layout.
//! - [`decode`](mod@decode): the decoder. Bytes back into [`Op`]s, for tests and virtual
//!   printers, shaped like mini-redis's `frame.rs`: partial input is normal, any input is
//!   accepted.
//! - [`status`]: [`PrinterStatus`] from the one-byte replies to `DLE EOT` 1, 2 and 4.
//! - [`transport`]: [`print()`], which checks the status, sends the bytes and reads the paper
//!   sensor again, over a raw TCP ([`TcpPrinter`]) or serial ([`SerialPrinter`]) connection.
//! - `fake` (feature `fake`): `FakePrinter`, a TCP printer on localhost for end-to-end tests.
//!
//! # Invariants
//!
//! - Encoding is pure: the same calls give the same bytes, with no I/O and no clock. Every
//!   command the builder emits decodes back to the same [`Op`]s (text runs aside: adjacent text
//!   is one run on the wire).
//! - Text never smuggles commands: control characters in text become `?`, and GB18030 never
//!   produces a byte below `0x30` inside a multi-byte character.
//! - A ticket never carries more than the last six characters of an ID number, whatever the
//!   caller passes.
//! - The decoder never panics, whatever the bytes.
//! - [`print()`] writes nothing but status requests to a printer that is not ready.
//!
//! # Deliberately absent
//!
//! - No QR library: the printer renders the symbol from the `GS ( k` data.
//! - No raster graphics, logos, barcodes other than QR, or code pages other than GB18030.
//! - No async and no printer trait: [`print()`] is blocking over any `Read + Write`; the server
//!   runs it on `spawn_blocking`.
//! - No USB printer-class driver: USB printers are reached as a serial device or over the network.
//! - No retry or queueing policy: which printer to use and when to retry is the hall
//!   controller's decision.

pub mod builder;
pub mod decode;
#[cfg(any(test, feature = "fake"))]
pub mod fake;
pub mod status;
pub mod ticket;
pub mod transport;

pub use builder::{Align, Builder, QR_MAX_DATA, QrEcc, QrError};
pub use decode::{Decoder, Op, decode, plain_text};
pub use status::PrinterStatus;
pub use ticket::{TicketPrint, render};
pub use transport::{PrintError, SerialPrinter, TcpPrinter, print};
