//! The shape shared by both wire codecs: a pure one-step decoder over a byte slice, and a
//! buffering [`StreamDecoder`] that counts what it skipped and rejected.
//!
//! Partial input is normal, not an error: a step over an unfinished frame answers
//! [`Outcome::Incomplete`] and the caller waits for more bytes (the shape of mini-redis'
//! `frame.rs`). Neither codec ever panics on any input; property tests feed them random bytes.

/// Why a complete-looking frame was thrown away.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Reject {
    /// The checksum over the frame does not match: the bytes were corrupted on the line.
    #[error("checksum mismatch")]
    BadCrc,
    /// The header's own checksum does not match (raw-bitmap protocol only).
    #[error("header checksum mismatch")]
    BadHeader,
    /// The frame's structure is wrong: a length that disagrees with the bytes, a bad escape, a
    /// missing end byte, or a frame cut short by the start of the next one.
    #[error("malformed frame")]
    Malformed,
    /// The frame grew past the codec's maximum length without ending.
    #[error("frame too long")]
    TooLong,
}

/// The result of one decoding step, after `skipped` bytes of garbage before any frame start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome<T> {
    /// A frame was decoded from the next `len` bytes.
    Frame {
        /// The decoded frame.
        item: T,
        /// The frame's length on the wire.
        len: usize,
    },
    /// A frame has begun but is not complete: keep the bytes and wait for more.
    Incomplete,
    /// The next `len` bytes were rejected; decoding continues after them.
    Rejected {
        /// Why the bytes were rejected.
        reason: Reject,
        /// How many bytes to drop (at least 1, so decoding always makes progress).
        len: usize,
    },
}

/// One decoding step: `skipped` garbage bytes, then an [`Outcome`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded<T> {
    /// Bytes before the first possible frame start; they can be discarded.
    pub skipped: usize,
    /// What followed them.
    pub outcome: Outcome<T>,
}

/// A wire format that can take one pure decoding step over a byte slice.
pub trait Codec {
    /// What one frame decodes to.
    type Item;

    /// Decodes at most one frame from the front of `buf`. Must never panic, and any `Rejected`
    /// length must be at least 1.
    fn decode_step(buf: &[u8]) -> Decoded<Self::Item>;
}

/// Counters a [`StreamDecoder`] keeps, for a driver's health metrics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DecoderStats {
    /// Frames decoded.
    pub frames: u64,
    /// Bytes skipped before a frame start (line noise, a frame joined half-way).
    pub garbage_bytes: u64,
    /// Frames rejected for a bad checksum (header or body).
    pub bad_crc: u64,
    /// Frames rejected as malformed or too long.
    pub malformed: u64,
}

/// A buffering decoder: push bytes as they arrive, poll frames out.
#[derive(Debug, Clone)]
pub struct StreamDecoder<C: Codec> {
    buf: Vec<u8>,
    stats: DecoderStats,
    _codec: std::marker::PhantomData<C>,
}

impl<C: Codec> Default for StreamDecoder<C> {
    fn default() -> Self {
        Self {
            buf: Vec::new(),
            stats: DecoderStats::default(),
            _codec: std::marker::PhantomData,
        }
    }
}

impl<C: Codec> StreamDecoder<C> {
    /// Creates an empty decoder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends bytes received from the line.
    pub fn push(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// The counters so far.
    pub const fn stats(&self) -> DecoderStats {
        self.stats
    }

    /// The number of bytes buffered and not yet decoded.
    pub fn buffered(&self) -> usize {
        self.buf.len()
    }

    /// Returns the next frame or rejection, or `None` when the buffer holds no complete frame.
    ///
    /// Garbage is skipped and counted silently; a rejected frame is counted and also returned,
    /// so the driver can log it.
    pub fn poll(&mut self) -> Option<Result<C::Item, Reject>> {
        let step = C::decode_step(&self.buf);
        self.stats.garbage_bytes += step.skipped as u64;
        let (result, len) = match step.outcome {
            Outcome::Incomplete => {
                self.buf.drain(..step.skipped.min(self.buf.len()));
                return None;
            }
            Outcome::Frame { item, len } => {
                self.stats.frames += 1;
                (Ok(item), len)
            }
            Outcome::Rejected { reason, len } => {
                match reason {
                    Reject::BadCrc | Reject::BadHeader => self.stats.bad_crc += 1,
                    Reject::Malformed | Reject::TooLong => self.stats.malformed += 1,
                }
                (Err(reason), len.max(1))
            }
        };
        self.buf.drain(..(step.skipped + len).min(self.buf.len()));
        Some(result)
    }

    /// Pushes `bytes` and polls until the buffer holds no complete frame.
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<Result<C::Item, Reject>> {
        self.push(bytes);
        std::iter::from_fn(|| self.poll()).collect()
    }
}
