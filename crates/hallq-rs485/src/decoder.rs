//! [`Decoder`]: a byte buffer around [`parse`] that turns a raw RS-485 byte stream into frames.
//!
//! The serial port hands over bytes in whatever pieces the UART and the OS felt like; a frame
//! may arrive in ten reads, or three frames in one. The decoder keeps what it cannot use yet,
//! drops what can never be a frame, and counts both in [`Stats`], so the gateway can report a
//! noisy bus (a bad termination resistor, a pad at the wrong baud rate) without logging bytes.

use serde::{Deserialize, Serialize};

use crate::frame::{Frame, Outcome, Rejection, START, next_start, parse};

/// Counters of what the decoder has seen since it was created.
///
/// Every byte fed in ends up in exactly one place: a good frame, garbage, a rejected frame's
/// span, or the buffer still waiting for more. The counters do not depend on how the input was
/// chunked (as long as [`Decoder::idle`] is not called in between).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    /// Good frames returned.
    pub frames: u64,
    /// Bytes skipped while hunting for `FF 68`: line noise, a frame whose start was lost, and
    /// the rest of a frame with a broken header (nothing says where such a frame ends).
    pub garbage_bytes: u64,
    /// Frames whose framing was right (`FF 68 L L 68 … 16`) but whose CS was wrong.
    pub bad_checksum: u64,
    /// Frames with broken framing: the two L bytes differ, L < 2, the fifth byte is not `68`,
    /// the end byte is not `16` where L puts it, or the frame was cut short ([`Decoder::idle`]).
    pub bad_length: u64,
}

/// Stateful decoder over a byte stream: feed bytes in, take frames out.
///
/// ```
/// use hallq_rs485::{Decoder, Frame};
///
/// let mut decoder = Decoder::new();
/// let bytes = Frame::new(3, 0x01, [0x0C]).encode();
/// decoder.extend(&bytes[..4]);
/// assert_eq!(decoder.next_frame(), None); // partial input is normal
/// decoder.extend(&bytes[4..]);
/// assert_eq!(decoder.next_frame(), Some(Frame::new(3, 0x01, [0x0C])));
/// assert_eq!(decoder.stats().frames, 1);
/// ```
///
/// The buffer never holds more than one unfinished frame ([`crate::frame::MAX_FRAME_LEN`]
/// bytes) once [`Decoder::next_frame`] has returned `None`: garbage is dropped as soon as it is
/// recognised.
#[derive(Debug, Clone, Default)]
pub struct Decoder {
    buf: Vec<u8>,
    stats: Stats,
}

impl Decoder {
    /// An empty decoder with zeroed stats.
    pub fn new() -> Decoder {
        Decoder::default()
    }

    // --- getters ---

    /// The counters so far.
    pub fn stats(&self) -> Stats {
        self.stats
    }

    /// Bytes received but not yet resolved: the start of a frame still arriving.
    pub fn buffered(&self) -> &[u8] {
        &self.buf
    }

    // --- inputs ---

    /// Append bytes as read from the port. Nothing is decoded until [`Decoder::next_frame`].
    pub fn extend(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// Tell the decoder the line has gone quiet (no byte for longer than a frame takes, e.g.
    /// 50 ms at 9600 baud, where one byte takes about 1.04 ms). Whatever is still buffered can
    /// then never complete: it is dropped as a cut-short frame (`bad_length`) or garbage, and
    /// any good frame hidden behind it is returned.
    ///
    /// Without this, a header corrupted into a large L would hold back the next key presses
    /// until L more bytes had arrived, which on a quiet bus can be many presses later.
    pub fn idle(&mut self) -> Vec<Frame> {
        let mut frames = Vec::new();
        loop {
            if let Some(frame) = self.next_frame() {
                frames.push(frame);
                continue;
            }
            // `next_frame` left at most one unfinished frame start (or a lone FF) behind.
            match self.buf.len() {
                0 => return frames,
                1 => {
                    self.stats.garbage_bytes += 1;
                    self.buf.clear();
                }
                _ => {
                    self.stats.bad_length += 1;
                    // Keep any later `FF 68` (or trailing FF) for another look.
                    let skip = next_start(&self.buf, START.len()).unwrap_or(self.buf.len());
                    self.buf.drain(..skip);
                }
            }
        }
    }

    // --- outputs ---

    /// The next good frame in the buffer, or `None` when more bytes are needed. Garbage and
    /// broken frames on the way are dropped and counted in [`Decoder::stats`].
    pub fn next_frame(&mut self) -> Option<Frame> {
        loop {
            let parsed = parse(&self.buf);
            if parsed.consumed == 0 {
                return None;
            }
            self.buf.drain(..parsed.consumed);
            match parsed.outcome {
                Outcome::Frame(frame) => {
                    self.stats.frames += 1;
                    return Some(frame);
                }
                Outcome::Incomplete => return None,
                Outcome::Garbage => self.stats.garbage_bytes += parsed.consumed as u64,
                Outcome::Rejected(Rejection::BadChecksum) => self.stats.bad_checksum += 1,
                Outcome::Rejected(Rejection::BadHeader | Rejection::MissingEnd) => {
                    self.stats.bad_length += 1;
                }
            }
        }
    }

    /// Convenience for drivers and tests: [`Decoder::extend`] then every frame now complete.
    pub fn decode(&mut self, bytes: &[u8]) -> Vec<Frame> {
        self.extend(bytes);
        std::iter::from_fn(|| self.next_frame()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idle_drops_a_cut_short_frame_and_finds_the_good_one_behind_it() {
        let good = Frame::new(3, 0x01, [0x0C]);
        // A header claiming L = 0xF0 that never completes, then a good frame.
        let mut bytes = vec![0xFF, 0x68, 0xF0, 0xF0, 0x68, 0x03];
        bytes.extend(good.encode());
        let mut d = Decoder::new();
        assert_eq!(d.decode(&bytes), vec![]);
        assert_eq!(d.idle(), vec![good]);
        assert_eq!(
            d.stats(),
            Stats {
                frames: 1,
                garbage_bytes: 0, // the cut-short frame's bytes count as the rejected frame
                bad_checksum: 0,
                bad_length: 1,
            }
        );
        assert!(d.buffered().is_empty());
    }

    #[test]
    fn idle_counts_a_lone_trailing_ff_as_garbage() {
        let mut d = Decoder::new();
        assert_eq!(d.decode(&[0x00, 0xFF]), vec![]);
        assert_eq!(d.buffered(), &[0xFF]);
        assert_eq!(d.idle(), vec![]);
        assert_eq!(d.stats().garbage_bytes, 2);
        assert_eq!(d.stats().bad_length, 0);
    }
}
