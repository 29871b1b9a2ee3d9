//! hallq's own raw-bitmap protocol for LED panels driven by our microcontroller on RS-485.
//!
//! `docs/protocols/led-raw-bitmap.md` is the specification firmware is written against; this
//! module is its reference implementation and the doc's golden vectors are tested below.
//!
//! ```text
//! AA 55 | ADDR | TYPE | SEQ | LEN (2, big-endian) | HCRC | PAYLOAD (LEN) | CRC (2, big-endian) | 03
//! ```
//! HCRC is CRC-8/SMBUS over ADDR..LEN; CRC is CRC-16/CCITT-FALSE over ADDR..PAYLOAD (HCRC
//! included). Framing is length-delimited with no byte stuffing: a receiver hunts for `AA 55`,
//! checks the header before trusting LEN, and resynchronises byte by byte after a bad header.

use crate::codec::{Codec, Decoded, Outcome, Reject};
use crate::color::ColorMode;
use crate::crc::{crc8_smbus, crc16_ccitt_false};
use crate::frame::{Frame, FrameError};

/// The two bytes that start every frame.
pub const SYNC: [u8; 2] = [0xAA, 0x55];
/// The byte that ends every frame.
pub const END: u8 = 0x03;
/// The address every panel accepts; panels never reply to it.
pub const BROADCAST: u8 = 0xFF;
/// The host's own address: panels put their own address in replies, the host never uses this
/// as a destination, and no panel may be configured with it.
pub const HOST: u8 = 0x00;
/// The largest payload a receiver must accept (a 256 × 128 tricolour full frame fits).
pub const MAX_PAYLOAD: usize = 8_200;
/// Bytes a frame adds around its payload.
pub const OVERHEAD: usize = 11;
/// The highest brightness level (levels are 0..=15, as on Onbon controllers).
pub const MAX_BRIGHTNESS: u8 = 15;

/// Message type codes (the TYPE byte).
pub mod kind {
    /// Host → panel: the whole panel's pixels.
    pub const FULL_FRAME: u8 = 0x01;
    /// Host → panel: the pixels of a rectangular region.
    pub const PARTIAL_FRAME: u8 = 0x02;
    /// Host → panel: set the brightness level.
    pub const BRIGHTNESS: u8 = 0x03;
    /// Host → panel: are you there, and what are you?
    pub const PING: u8 = 0x04;
    /// Panel → host: the message with this SEQ was applied.
    pub const ACK: u8 = 0x80;
    /// Panel → host: the message with this SEQ was refused, with a reason.
    pub const NAK: u8 = 0x81;
    /// Panel → host: the answer to a ping.
    pub const PONG: u8 = 0x82;
}

/// A frame whose checksums are good, before its payload is interpreted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawFrame {
    /// The destination panel (host → panel) or the replying panel (panel → host).
    pub address: u8,
    /// The message type code.
    pub kind: u8,
    /// The sequence number the host chose; a reply carries the SEQ of what it answers.
    pub seq: u8,
    /// The payload bytes.
    pub payload: Vec<u8>,
}

impl RawFrame {
    /// The CRC field this frame has on the wire (recomputed from its contents).
    ///
    /// A panel compares it, with SEQ and TYPE, to tell a retransmission from a new message.
    pub fn crc(&self) -> u16 {
        let len = (self.payload.len() as u16).to_be_bytes();
        let head = [self.address, self.kind, self.seq, len[0], len[1]];
        let mut covered = Vec::with_capacity(self.payload.len() + 6);
        covered.extend_from_slice(&head);
        covered.push(crc8_smbus(&head));
        covered.extend_from_slice(&self.payload);
        crc16_ccitt_false(&covered)
    }
}

/// Why a panel refused a message (the NAK payload byte).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NakReason {
    /// 0x01: the TYPE is not one the panel knows.
    UnknownType,
    /// 0x02: the payload has the wrong length or a value out of range.
    BadPayload,
    /// 0x03: the frame's width, height or plane count is not the panel's.
    Geometry,
    /// 0x04: a partial frame's region reaches outside the panel.
    OutOfBounds,
    /// 0x05: the panel cannot take the message now; the host retries later.
    Busy,
    /// Any other code, kept as received.
    Other(u8),
}

impl NakReason {
    /// The wire code of the reason.
    pub const fn code(self) -> u8 {
        match self {
            Self::UnknownType => 0x01,
            Self::BadPayload => 0x02,
            Self::Geometry => 0x03,
            Self::OutOfBounds => 0x04,
            Self::Busy => 0x05,
            Self::Other(c) => c,
        }
    }

    /// The reason for a wire code.
    pub const fn from_code(code: u8) -> Self {
        match code {
            0x01 => Self::UnknownType,
            0x02 => Self::BadPayload,
            0x03 => Self::Geometry,
            0x04 => Self::OutOfBounds,
            0x05 => Self::Busy,
            c => Self::Other(c),
        }
    }
}

/// What a panel tells about itself in a [`Message::Pong`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PanelInfo {
    /// Width in pixels.
    pub width: u16,
    /// Height in pixels.
    pub height: u16,
    /// Monochrome or tricolour.
    pub mode: ColorMode,
    /// The firmware's version number.
    pub firmware: u8,
}

/// One message of the raw-bitmap protocol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    /// The whole panel: `W H PLANES` then the packed planes of [`Frame::pack_planes`].
    FullFrame(Frame),
    /// A region: `X Y W H PLANES` then the region's packed planes.
    PartialFrame {
        /// Column of the region's top left on the panel.
        x: u16,
        /// Row of the region's top left on the panel.
        y: u16,
        /// The region's pixels.
        pixels: Frame,
    },
    /// The brightness level, 0 (dimmest) to [`MAX_BRIGHTNESS`].
    Brightness(u8),
    /// A ping; the panel answers with a [`Message::Pong`].
    Ping,
    /// The message with the same SEQ was applied.
    Ack,
    /// The message with the same SEQ was refused.
    Nak(NakReason),
    /// The answer to a ping.
    Pong(PanelInfo),
}

/// Why a frame with good checksums carries no valid message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PayloadError {
    /// The TYPE byte is unknown.
    #[error("unknown message type {0:#04x}")]
    UnknownType(u8),
    /// The payload's length does not fit its type and geometry.
    #[error("payload length does not match its type")]
    BadLength,
    /// A value is out of range (zero size, plane count, brightness).
    #[error("payload value out of range")]
    BadValue,
}

impl PayloadError {
    /// The NAK reason a panel answers this error with.
    pub const fn nak_reason(self) -> NakReason {
        match self {
            Self::UnknownType(_) => NakReason::UnknownType,
            Self::BadLength | Self::BadValue => NakReason::BadPayload,
        }
    }
}

/// Why a packet cannot be encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EncodeError {
    /// The payload would exceed [`MAX_PAYLOAD`]; send the panel in partial frames instead.
    #[error("payload of {0} bytes exceeds the maximum of {MAX_PAYLOAD}")]
    TooLarge(usize),
}

/// A message with its address and sequence number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packet {
    /// The destination (host → panel) or the sender (panel → host).
    pub address: u8,
    /// The sequence number.
    pub seq: u8,
    /// The message.
    pub message: Message,
}

fn be16(b: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([b[at], b[at + 1]])
}

fn geometry(payload: &[u8], at: usize) -> Result<(u16, u16, ColorMode), PayloadError> {
    let (w, h) = (be16(payload, at), be16(payload, at + 2));
    let mode = ColorMode::from_planes(payload[at + 4]).ok_or(PayloadError::BadValue)?;
    if w == 0 || h == 0 {
        return Err(PayloadError::BadValue);
    }
    Ok((w, h, mode))
}

fn unpack(w: u16, h: u16, mode: ColorMode, data: &[u8]) -> Result<Frame, PayloadError> {
    Frame::from_planes(w, h, mode, data).map_err(|e| match e {
        FrameError::PackedLength { .. } => PayloadError::BadLength,
        _ => PayloadError::BadValue,
    })
}

impl Message {
    /// The TYPE code of the message.
    pub const fn kind(&self) -> u8 {
        match self {
            Self::FullFrame(_) => kind::FULL_FRAME,
            Self::PartialFrame { .. } => kind::PARTIAL_FRAME,
            Self::Brightness(_) => kind::BRIGHTNESS,
            Self::Ping => kind::PING,
            Self::Ack => kind::ACK,
            Self::Nak(_) => kind::NAK,
            Self::Pong(_) => kind::PONG,
        }
    }

    /// The payload bytes of the message.
    pub fn payload(&self) -> Vec<u8> {
        let geometry = |out: &mut Vec<u8>, f: &Frame| {
            out.extend_from_slice(&f.width().to_be_bytes());
            out.extend_from_slice(&f.height().to_be_bytes());
            out.push(f.mode().planes());
        };
        let mut out = Vec::new();
        match self {
            Self::FullFrame(f) => {
                geometry(&mut out, f);
                out.extend_from_slice(&f.pack_planes());
            }
            Self::PartialFrame { x, y, pixels } => {
                out.extend_from_slice(&x.to_be_bytes());
                out.extend_from_slice(&y.to_be_bytes());
                geometry(&mut out, pixels);
                out.extend_from_slice(&pixels.pack_planes());
            }
            Self::Brightness(level) => out.push(*level),
            Self::Ping | Self::Ack => {}
            Self::Nak(reason) => out.push(reason.code()),
            Self::Pong(info) => {
                out.extend_from_slice(&info.width.to_be_bytes());
                out.extend_from_slice(&info.height.to_be_bytes());
                out.push(info.mode.planes());
                out.push(info.firmware);
            }
        }
        out
    }

    /// Interprets the payload of a message of type `kind`.
    pub fn parse(kind: u8, payload: &[u8]) -> Result<Self, PayloadError> {
        let need = |n: usize| {
            if payload.len() == n {
                Ok(())
            } else {
                Err(PayloadError::BadLength)
            }
        };
        match kind {
            kind::FULL_FRAME => {
                if payload.len() < 5 {
                    return Err(PayloadError::BadLength);
                }
                let (w, h, mode) = geometry(payload, 0)?;
                Ok(Self::FullFrame(unpack(w, h, mode, &payload[5..])?))
            }
            kind::PARTIAL_FRAME => {
                if payload.len() < 9 {
                    return Err(PayloadError::BadLength);
                }
                let (x, y) = (be16(payload, 0), be16(payload, 2));
                let (w, h, mode) = geometry(payload, 4)?;
                let pixels = unpack(w, h, mode, &payload[9..])?;
                Ok(Self::PartialFrame { x, y, pixels })
            }
            kind::BRIGHTNESS => {
                need(1)?;
                if payload[0] > MAX_BRIGHTNESS {
                    return Err(PayloadError::BadValue);
                }
                Ok(Self::Brightness(payload[0]))
            }
            kind::PING => need(0).map(|()| Self::Ping),
            kind::ACK => need(0).map(|()| Self::Ack),
            kind::NAK => need(1).map(|()| Self::Nak(NakReason::from_code(payload[0]))),
            kind::PONG => {
                need(6)?;
                let (width, height, mode) = geometry(payload, 0)?;
                Ok(Self::Pong(PanelInfo {
                    width,
                    height,
                    mode,
                    firmware: payload[5],
                }))
            }
            other => Err(PayloadError::UnknownType(other)),
        }
    }
}

impl Packet {
    /// Interprets a frame whose checksums were good.
    pub fn from_frame(frame: &RawFrame) -> Result<Self, PayloadError> {
        Ok(Self {
            address: frame.address,
            seq: frame.seq,
            message: Message::parse(frame.kind, &frame.payload)?,
        })
    }

    /// Encodes the packet as the bytes to put on the wire.
    pub fn encode(&self) -> Result<Vec<u8>, EncodeError> {
        encode_frame(
            self.address,
            self.message.kind(),
            self.seq,
            &self.message.payload(),
        )
    }
}

/// Encodes one frame from its parts, computing both checksums.
pub fn encode_frame(
    address: u8,
    kind: u8,
    seq: u8,
    payload: &[u8],
) -> Result<Vec<u8>, EncodeError> {
    if payload.len() > MAX_PAYLOAD {
        return Err(EncodeError::TooLarge(payload.len()));
    }
    let len = payload.len() as u16;
    let mut out = Vec::with_capacity(payload.len() + OVERHEAD);
    out.extend_from_slice(&SYNC);
    out.extend_from_slice(&[address, kind, seq]);
    out.extend_from_slice(&len.to_be_bytes());
    out.push(crc8_smbus(&out[2..7]));
    out.extend_from_slice(payload);
    let crc = crc16_ccitt_false(&out[2..]);
    out.extend_from_slice(&crc.to_be_bytes());
    out.push(END);
    Ok(out)
}

/// The raw-bitmap codec for [`crate::StreamDecoder`].
#[derive(Debug, Clone, Copy, Default)]
pub struct RawCodec;

impl Codec for RawCodec {
    type Item = RawFrame;

    fn decode_step(buf: &[u8]) -> Decoded<RawFrame> {
        // Hunt for AA 55; a lone AA at the very end may be the start of one.
        let start = (0..buf.len())
            .find(|&i| buf[i] == SYNC[0] && buf.get(i + 1).is_none_or(|&b| b == SYNC[1]));
        let Some(start) = start else {
            return Decoded {
                skipped: buf.len(),
                outcome: Outcome::Incomplete,
            };
        };
        let f = &buf[start..];
        let outcome = if f.len() < 8 {
            Outcome::Incomplete
        } else if crc8_smbus(&f[2..7]) != f[7] {
            // LEN cannot be trusted: resynchronise one byte further on.
            Outcome::Rejected {
                reason: Reject::BadHeader,
                len: 1,
            }
        } else {
            let len = usize::from(be16(f, 5));
            let total = len + OVERHEAD;
            if len > MAX_PAYLOAD {
                Outcome::Rejected {
                    reason: Reject::TooLong,
                    len: 1,
                }
            } else if f.len() < total {
                Outcome::Incomplete
            } else if crc16_ccitt_false(&f[2..8 + len]) != be16(f, 8 + len) {
                Outcome::Rejected {
                    reason: Reject::BadCrc,
                    len: total,
                }
            } else if f[total - 1] != END {
                Outcome::Rejected {
                    reason: Reject::Malformed,
                    len: total,
                }
            } else {
                Outcome::Frame {
                    item: RawFrame {
                        address: f[2],
                        kind: f[3],
                        seq: f[4],
                        payload: f[8..8 + len].to_vec(),
                    },
                    len: total,
                }
            }
        };
        Decoded {
            skipped: start,
            outcome,
        }
    }
}

/// A stream decoder for the raw-bitmap protocol.
pub type RawDecoder = crate::codec::StreamDecoder<RawCodec>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::color::LedColor;

    fn hex(bytes: &[u8]) -> String {
        bytes
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn packet(address: u8, seq: u8, message: Message) -> Vec<u8> {
        Packet {
            address,
            seq,
            message,
        }
        .encode()
        .unwrap()
    }

    /// The golden vectors printed in docs/protocols/led-raw-bitmap.md.
    #[test]
    fn golden_vectors_match_the_spec() {
        assert_eq!(
            hex(&packet(0x01, 0x00, Message::Ping)),
            "aa 55 01 04 00 00 00 3a 55 af 03"
        );
        assert_eq!(
            hex(&packet(0x01, 0x00, Message::Ack)),
            "aa 55 01 80 00 00 00 53 03 f6 03"
        );
        assert_eq!(
            hex(&packet(0x01, 0x07, Message::Nak(NakReason::Geometry))),
            "aa 55 01 81 07 00 01 54 03 7a d3 03"
        );
        assert_eq!(
            hex(&packet(BROADCAST, 0x2a, Message::Brightness(8))),
            "aa 55 ff 03 2a 00 01 c0 08 74 29 03"
        );
        let info = PanelInfo {
            width: 64,
            height: 16,
            mode: ColorMode::Mono,
            firmware: 3,
        };
        assert_eq!(
            hex(&packet(0x01, 0x00, Message::Pong(info))),
            "aa 55 01 82 00 00 06 6d 00 40 00 10 01 03 26 17 03"
        );
        let mut f = Frame::new(10, 2, ColorMode::Mono);
        f.set_pixel(0, 0, LedColor::Red);
        f.set_pixel(9, 1, LedColor::Red);
        assert_eq!(
            hex(&packet(0x05, 0x01, Message::FullFrame(f))),
            "aa 55 05 01 01 00 09 af 00 0a 00 02 01 80 00 00 40 91 51 03"
        );
        let mut r = Frame::new(2, 1, ColorMode::Tricolor);
        r.set_pixel(0, 0, LedColor::Yellow);
        r.set_pixel(1, 0, LedColor::Green);
        assert_eq!(
            hex(&packet(
                0x05,
                0x02,
                Message::PartialFrame {
                    x: 3,
                    y: 4,
                    pixels: r
                }
            )),
            "aa 55 05 02 02 00 0b 26 00 03 00 04 00 02 00 01 02 80 c0 d7 b5 03"
        );
    }

    #[test]
    fn decoding_a_frame_in_two_pieces_reports_incomplete_first() {
        let bytes = packet(0x01, 0x09, Message::Brightness(3));
        let mut d = RawDecoder::new();
        assert!(d.feed(&bytes[..5]).is_empty());
        let got = d.feed(&bytes[5..]);
        assert_eq!(got.len(), 1);
        let frame = got[0].as_ref().unwrap();
        assert_eq!(
            frame.crc().to_be_bytes(),
            bytes[bytes.len() - 3..bytes.len() - 1]
        );
        assert_eq!(
            Packet::from_frame(frame).unwrap(),
            Packet {
                address: 1,
                seq: 9,
                message: Message::Brightness(3)
            }
        );
    }

    #[test]
    fn garbage_before_a_frame_is_skipped_and_counted() {
        let mut bytes = vec![0x00, 0xAA, 0x13, 0x55];
        bytes.extend(packet(0x01, 0x00, Message::Ping));
        let mut d = RawDecoder::new();
        let got = d.feed(&bytes);
        assert_eq!(got.len(), 1);
        assert!(got[0].is_ok());
        assert_eq!(d.stats().garbage_bytes, 4);
        assert_eq!(d.buffered(), 0);
    }

    #[test]
    fn a_corrupted_body_is_rejected_for_its_crc_and_the_next_frame_still_decodes() {
        let mut bytes = packet(0x01, 0x00, Message::Brightness(3));
        bytes[8] ^= 0x01;
        bytes.extend(packet(0x01, 0x01, Message::Ping));
        let mut d = RawDecoder::new();
        let got = d.feed(&bytes);
        assert_eq!(got[0], Err(Reject::BadCrc));
        assert!(got[1].is_ok());
        assert_eq!(d.stats().bad_crc, 1);
        assert_eq!(d.stats().frames, 1);
    }

    #[test]
    fn payload_errors_map_to_nak_reasons() {
        assert_eq!(
            Message::parse(0x77, &[]),
            Err(PayloadError::UnknownType(0x77))
        );
        assert_eq!(
            Message::parse(kind::BRIGHTNESS, &[16]),
            Err(PayloadError::BadValue)
        );
        assert_eq!(
            Message::parse(kind::FULL_FRAME, &[0, 8, 0, 1, 1]),
            Err(PayloadError::BadLength)
        );
        assert_eq!(PayloadError::BadLength.nak_reason(), NakReason::BadPayload);
    }

    #[test]
    fn an_oversized_payload_is_refused_by_the_encoder() {
        let f = Frame::new(400, 100, ColorMode::Tricolor);
        assert!(matches!(
            Packet {
                address: 1,
                seq: 0,
                message: Message::FullFrame(f)
            }
            .encode(),
            Err(EncodeError::TooLarge(_))
        ));
    }
}
