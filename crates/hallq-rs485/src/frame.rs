//! One frame on the pad bus, its encoder, and [`parse`]: a pure step over a byte slice.
//!
//! ```text
//! offset  0  1  2  3  4  5     6     7 …        5+L  6+L
//!         FF 68 L  L  68 ADDR  FUNC  DATA …     CS   16
//! ```
//!
//! `L` counts the bytes of `ADDR..DATA`, so it is at least 2 (ADDR and FUNC) and at most 255;
//! a whole frame is `L + 7` bytes. `CS` is the sum of those same `L` bytes mod 256.
//!
//! [`parse`] looks at the front of a buffer and says what is there: a good frame, not enough
//! bytes yet, garbage to skip, or a broken frame to skip. It never looks past what it needs,
//! so its answer does not depend on how the bytes were chunked when they arrived.

use thiserror::Error;

/// The two bytes every frame starts with; the decoder hunts for them to (re)synchronise.
pub const START: [u8; 2] = [0xFF, 0x68];

/// The byte after the two length bytes (`FF 68 L L 68`).
pub const HEADER_END: u8 = 0x68;

/// The last byte of every frame.
pub const END: u8 = 0x16;

/// `FF 68 L L 68`: the bytes before ADDR.
pub const HEADER_LEN: usize = 5;

/// Bytes of a frame that are not counted by `L`: the 5 header bytes, CS and the end byte.
pub const OVERHEAD: usize = HEADER_LEN + 2;

/// The smallest `L`: a frame always carries ADDR and FUNC.
pub const MIN_L: u8 = 2;

/// The most DATA bytes a frame can carry, because `L` is one byte and includes ADDR and FUNC.
pub const MAX_DATA: usize = u8::MAX as usize - MIN_L as usize;

/// The longest possible frame on the wire, in bytes (`L = 255`).
pub const MAX_FRAME_LEN: usize = u8::MAX as usize + OVERHEAD;

/// One frame: a pad address, a function code and its data, without the framing.
///
/// The fields are public because every combination of them is a valid frame except data longer
/// than [`MAX_DATA`], which [`Frame::try_encode`] reports and [`Frame::encode`] refuses.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Frame {
    /// The pad's bus address (set on the device); the host uses the same address to reply.
    pub addr: u8,
    /// The function code: what the data means (see [`crate::message`]).
    pub func: u8,
    /// Zero or more data bytes, at most [`MAX_DATA`].
    pub data: Vec<u8>,
}

/// A frame's data does not fit in the one-byte length field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("frame data is {len} bytes, at most {MAX_DATA} fit in the length byte")]
pub struct FrameTooLong {
    /// The data length that was asked for.
    pub len: usize,
}

impl Frame {
    /// A frame from its three parts.
    pub fn new(addr: u8, func: u8, data: impl Into<Vec<u8>>) -> Frame {
        Frame {
            addr,
            func,
            data: data.into(),
        }
    }

    /// The `L` byte of this frame (bytes of ADDR..DATA), or an error when the data is too long.
    pub fn len_byte(&self) -> Result<u8, FrameTooLong> {
        u8::try_from(self.data.len() + MIN_L as usize).map_err(|_| FrameTooLong {
            len: self.data.len(),
        })
    }

    /// The frame's bytes on the wire, or an error when the data is longer than [`MAX_DATA`].
    pub fn try_encode(&self) -> Result<Vec<u8>, FrameTooLong> {
        let l = self.len_byte()?;
        let mut out = Vec::with_capacity(usize::from(l) + OVERHEAD);
        out.extend_from_slice(&[START[0], START[1], l, l, HEADER_END, self.addr, self.func]);
        out.extend_from_slice(&self.data);
        out.push(checksum(&out[HEADER_LEN..]));
        out.push(END);
        Ok(out)
    }

    /// The frame's bytes on the wire. This is also the acknowledgement: the host echoes a pad's
    /// frame by writing back exactly these bytes, which equal the bytes the pad sent because
    /// the encoding is canonical.
    ///
    /// # Panics
    ///
    /// When `data` is longer than [`MAX_DATA`]; every [`crate::Message`] is far shorter, and
    /// [`Frame::try_encode`] is the non-panicking form for hand-built frames.
    pub fn encode(&self) -> Vec<u8> {
        match self.try_encode() {
            Ok(bytes) => bytes,
            Err(e) => panic!("{e}"),
        }
    }
}

/// The checksum byte: the sum of `bytes` mod 256. On the wire, `bytes` is ADDR..DATA.
pub fn checksum(bytes: &[u8]) -> u8 {
    bytes.iter().fold(0u8, |sum, b| sum.wrapping_add(*b))
}

/// What [`parse`] found at the front of a buffer, and how many bytes of it to drop.
///
/// `consumed` is 0 exactly when the outcome is [`Outcome::Incomplete`]; every other outcome
/// consumes at least one byte, so a loop over `parse` always makes progress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    /// What the front of the buffer holds.
    pub outcome: Outcome,
    /// How many bytes from the front the caller should drop before parsing again.
    pub consumed: usize,
}

/// The four things that can be at the front of the buffer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A complete frame with a good length, end byte and checksum. Its bytes are exactly
    /// `consumed` bytes long and equal [`Frame::encode`].
    Frame(Frame),
    /// The buffer is empty or holds the start of a frame that has not fully arrived: keep the
    /// bytes and call again when more have been read. Nothing is consumed.
    Incomplete,
    /// `consumed` bytes that cannot start a frame (no `FF 68` among them): skip them.
    Garbage,
    /// The buffer starts with `FF 68` but what follows is not a good frame: skip `consumed`
    /// bytes and resynchronise on the next `FF 68`.
    Rejected(Rejection),
}

/// Why a frame that started with `FF 68` was dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rejection {
    /// The header is not `FF 68 L L 68` with `L >= 2`: the two L bytes differ, L is 0 or 1, or
    /// the fifth byte is not `68`. Only the `FF 68` is consumed, since nothing says where such
    /// a frame ends.
    BadHeader,
    /// The header is fine but the byte `L` puts at the end is not `16`.
    MissingEnd,
    /// Header and end byte are in place but CS is not the sum of ADDR..DATA.
    BadChecksum,
}

impl Parsed {
    fn incomplete() -> Parsed {
        Parsed {
            outcome: Outcome::Incomplete,
            consumed: 0,
        }
    }
}

/// Could a frame start at `buf[i]`? Yes when it is `FF` followed by `68`, or by nothing yet.
fn could_start(buf: &[u8], i: usize) -> bool {
    buf[i] == START[0] && buf.get(i + 1).is_none_or(|&b| b == START[1])
}

/// The first index at or after `from` where a frame could start, looking only inside `buf`.
pub(crate) fn next_start(buf: &[u8], from: usize) -> Option<usize> {
    (from..buf.len()).find(|&i| could_start(buf, i))
}

/// Look at the front of `buf` and say what is there.
///
/// - Garbage (bytes before the first possible `FF 68`) is reported as [`Outcome::Garbage`],
///   all of it at once, except a trailing `FF` which could be the start of the next frame.
/// - A frame start with too few bytes behind it is [`Outcome::Incomplete`]. Header faults are
///   reported as soon as the bytes that show them have arrived, not after `L` more bytes.
/// - A complete but broken frame is [`Outcome::Rejected`]; it consumes its bytes up to the
///   first possible `FF 68` inside it (or all of it), so a good frame hidden behind a
///   truncated one is still found.
///
/// Never panics, whatever the input.
pub fn parse(buf: &[u8]) -> Parsed {
    if buf.is_empty() {
        return Parsed::incomplete();
    }
    if !could_start(buf, 0) {
        return Parsed {
            outcome: Outcome::Garbage,
            consumed: next_start(buf, 1).unwrap_or(buf.len()),
        };
    }
    let bad_header = Parsed {
        outcome: Outcome::Rejected(Rejection::BadHeader),
        consumed: START.len(),
    };
    // buf = FF, or FF 68 …
    let Some(&l) = buf.get(2) else {
        return Parsed::incomplete();
    };
    if l < MIN_L {
        return bad_header;
    }
    let Some(&l2) = buf.get(3) else {
        return Parsed::incomplete();
    };
    if l2 != l {
        return bad_header;
    }
    let Some(&h) = buf.get(4) else {
        return Parsed::incomplete();
    };
    if h != HEADER_END {
        return bad_header;
    }
    let total = usize::from(l) + OVERHEAD;
    let Some(frame) = buf.get(..total) else {
        return Parsed::incomplete();
    };
    let body = &frame[HEADER_LEN..total - 2];
    let (cs, end) = (frame[total - 2], frame[total - 1]);
    let rejected = |why| Parsed {
        outcome: Outcome::Rejected(why),
        // Never skip past a place where a real frame could begin; only look inside this
        // frame's own span so the answer does not depend on bytes that may not be here yet.
        consumed: next_start(frame, START.len()).unwrap_or(total),
    };
    if end != END {
        return rejected(Rejection::MissingEnd);
    }
    if checksum(body) != cs {
        return rejected(Rejection::BadChecksum);
    }
    Parsed {
        outcome: Outcome::Frame(Frame {
            addr: body[0],
            func: body[1],
            data: body[2..].to_vec(),
        }),
        consumed: total,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_buffer_and_a_lone_ff_are_incomplete() {
        assert_eq!(parse(&[]), Parsed::incomplete());
        assert_eq!(parse(&[0xFF]), Parsed::incomplete());
        assert_eq!(parse(&[0xFF, 0x68, 0x03, 0x03]), Parsed::incomplete());
    }

    #[test]
    fn garbage_stops_before_a_possible_start_including_a_trailing_ff() {
        let p = parse(&[0x00, 0x16, 0xFF, 0x68, 0x02]);
        assert_eq!((p.outcome, p.consumed), (Outcome::Garbage, 2));
        let p = parse(&[0x01, 0x02, 0xFF]);
        assert_eq!((p.outcome, p.consumed), (Outcome::Garbage, 2));
        let p = parse(&[0xFF, 0x00, 0xFF, 0xFF, 0x68]);
        assert_eq!((p.outcome, p.consumed), (Outcome::Garbage, 3));
    }

    #[test]
    fn header_faults_are_reported_as_soon_as_they_show() {
        for buf in [
            &[0xFF, 0x68, 0x01][..],
            &[0xFF, 0x68, 0x03, 0x04],
            &[0xFF, 0x68, 0x03, 0x03, 0x67],
        ] {
            let p = parse(buf);
            assert_eq!(
                p.outcome,
                Outcome::Rejected(Rejection::BadHeader),
                "{buf:02X?}"
            );
            assert_eq!(p.consumed, 2);
        }
    }

    #[test]
    fn a_rejected_frame_is_skipped_only_up_to_a_start_inside_it() {
        // L = 3 claims 10 bytes; a new frame starts at offset 4 (a truncated frame before it).
        let buf = [0xFF, 0x68, 0x03, 0x03, 0xFF, 0x68, 0x02, 0x02, 0x68, 0x03];
        let p = parse(&buf);
        assert_eq!(p.outcome, Outcome::Rejected(Rejection::BadHeader));
        assert_eq!(p.consumed, 2);

        let mut bad = Frame::new(3, 1, [0xFF]).encode();
        bad[8] ^= 1; // CS
        let p = parse(&bad);
        assert_eq!(p.outcome, Outcome::Rejected(Rejection::BadChecksum));
        // data FF at offset 7 is followed by CS, not 68: not a start, whole frame skipped.
        assert_eq!(p.consumed, bad.len());
    }

    #[test]
    fn too_long_data_is_an_error_not_a_wrong_frame() {
        let f = Frame::new(1, 1, vec![0; MAX_DATA]);
        assert_eq!(f.encode().len(), MAX_FRAME_LEN);
        let f = Frame::new(1, 1, vec![0; MAX_DATA + 1]);
        assert_eq!(f.try_encode(), Err(FrameTooLong { len: MAX_DATA + 1 }));
    }
}
