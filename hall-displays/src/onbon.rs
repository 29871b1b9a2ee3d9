//! The Onbon (仰邦) BX-5/BX-6 dynamic-area protocol: framing, requests and replies.
//!
//! `docs/protocols/onbon-bx.md` describes the wire format in our words and marks which parts
//! were checked against the vendor's dynamic-area manuals and which are our reading of them.
//!
//! ```text
//! A5 ×8 | header (16) | data (N) | CRC-16/ARC (2, LE) | 5A        header and data little-endian
//! ```
//! Everything between the leading `A5`s and the closing `5A` is escaped (`A5→A6 02`,
//! `A6→A6 01`, `5A→5B 02`, `5B→5B 01`); the CRC and the lengths are of the unescaped bytes.
//!
//! Dynamic areas carry pixels, not text: the host renders text itself (here with the same
//! [`crate::layout`] code as every other strip) and sends the bitmap, encoded the BX-5E way:
//! rows of bytes aligned to the screen's 8-pixel columns, red and green bytes interleaved, and
//! 0 meaning *lit*.

use crate::codec::{Codec, Decoded, Outcome, Reject};
use crate::color::{ColorMode, LedColor};
use crate::crc::crc16_arc;
use crate::frame::Frame;
use crate::layout::{self, Panel};

/// The byte repeated at the start of every frame.
pub const FRAME_START: u8 = 0xA5;
/// The byte that ends every frame.
pub const FRAME_END: u8 = 0x5A;
/// How many start bytes an encoder sends (a receiver accepts any number, at least one).
pub const PREAMBLE_LEN: usize = 8;
/// The length of the packet header.
pub const HEADER_LEN: usize = 16;
/// The source address of PC software.
pub const SRC_PC: u16 = 0x8000;
/// The protocol version byte of the dynamic-area protocol.
pub const PROTOCOL_DYNAMIC: u8 = 0xF0;
/// The wildcard screen address (as in the documented ping): every controller accepts it.
pub const ADDR_ANY: u16 = 0xFFFE;
/// The wildcard device type (as in the documented ping).
pub const DEVICE_ANY: u16 = 0xFFFE;
/// The longest escaped frame a decoder buffers before giving up on it (an area holds at most
/// 300 KiB of data; escaping can double it).
pub const MAX_FRAME_LEN: usize = 700 * 1024;

/// Device type codes of the controllers this module targets (header field DeviceType).
pub mod device {
    /// BX-5E1.
    pub const BX_5E1: u16 = 0x0154;
    /// BX-5E2.
    pub const BX_5E2: u16 = 0x0254;
    /// BX-5E3.
    pub const BX_5E3: u16 = 0x0354;
}

/// Command groups (the second byte of a request's data).
pub mod group {
    /// Replies: ACK (cmd 0x00) and NACK (cmd 0x01).
    pub const REPLY: u8 = 0xA0;
    /// System commands: ping (cmd 0x00), brightness (cmd 0x07).
    pub const SYSTEM: u8 = 0xA2;
    /// Dynamic areas: update (cmd 0x00), delete (cmd 0x01).
    pub const DYNAMIC: u8 = 0xA7;
}

/// The fields of the 16-byte packet header an application chooses (the data length and the
/// reserved bytes are filled in by the encoder).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Header {
    /// The destination screen address ([`ADDR_ANY`] for any).
    pub dst: u16,
    /// The source address ([`SRC_PC`] from a PC).
    pub src: u16,
    /// The protocol version ([`PROTOCOL_DYNAMIC`]).
    pub protocol: u8,
    /// The device type of the controller ([`DEVICE_ANY`] for any).
    pub device_type: u16,
}

impl Header {
    /// A header from the PC to screen `dst` of type `device_type`.
    pub const fn to_screen(dst: u16, device_type: u16) -> Self {
        Self {
            dst,
            src: SRC_PC,
            protocol: PROTOCOL_DYNAMIC,
            device_type,
        }
    }
}

/// One packet: a header and its data field, checksums already verified on decode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnbonPacket {
    /// The header.
    pub header: Header,
    /// The data field (a request or a reply).
    pub data: Vec<u8>,
}

/// Escapes the bytes between the start bytes and the end byte.
pub fn escape(bytes: &[u8], out: &mut Vec<u8>) {
    for &b in bytes {
        match b {
            0xA5 => out.extend_from_slice(&[0xA6, 0x02]),
            0xA6 => out.extend_from_slice(&[0xA6, 0x01]),
            0x5A => out.extend_from_slice(&[0x5B, 0x02]),
            0x5B => out.extend_from_slice(&[0x5B, 0x01]),
            b => out.push(b),
        }
    }
}

/// Undoes [`escape`], or returns `None` for an escape byte not followed by 01 or 02.
pub fn unescape(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut it = bytes.iter();
    while let Some(&b) = it.next() {
        out.push(match (b, b == 0xA6 || b == 0x5B) {
            (_, false) => b,
            (prefix, true) => match it.next() {
                Some(0x01) => prefix,
                Some(0x02) => prefix - 1,
                _ => return None,
            },
        });
    }
    Some(out)
}

impl OnbonPacket {
    /// Encodes the packet: start bytes, escaped header + data + CRC, end byte.
    pub fn encode(&self) -> Vec<u8> {
        let mut plain = Vec::with_capacity(HEADER_LEN + self.data.len() + 2);
        plain.extend_from_slice(&self.header.dst.to_le_bytes());
        plain.extend_from_slice(&self.header.src.to_le_bytes());
        plain.push(self.header.protocol);
        plain.push(0);
        plain.extend_from_slice(&self.header.device_type.to_le_bytes());
        plain.extend_from_slice(&[0; 4]);
        plain.extend_from_slice(&(self.data.len() as u32).to_le_bytes());
        plain.extend_from_slice(&self.data);
        let crc = crc16_arc(&plain);
        plain.extend_from_slice(&crc.to_le_bytes());
        let mut out = vec![FRAME_START; PREAMBLE_LEN];
        escape(&plain, &mut out);
        out.push(FRAME_END);
        out
    }

    /// The wildcard ping from the vendor manual: any controller on the line answers it.
    pub fn ping() -> Self {
        Self {
            header: Header::to_screen(ADDR_ANY, DEVICE_ANY),
            data: Request::Ping.encode_data(),
        }
    }
}

fn le16(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn le32(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// The Onbon framing codec for [`crate::StreamDecoder`].
#[derive(Debug, Clone, Copy, Default)]
pub struct OnbonCodec;

impl Codec for OnbonCodec {
    type Item = OnbonPacket;

    fn decode_step(buf: &[u8]) -> Decoded<OnbonPacket> {
        let Some(start) = buf.iter().position(|&b| b == FRAME_START) else {
            return Decoded {
                skipped: buf.len(),
                outcome: Outcome::Incomplete,
            };
        };
        let done = |outcome| Decoded {
            skipped: start,
            outcome,
        };
        // Any run of start bytes opens a frame; the first other byte begins the body.
        let Some(body_start) = (start..buf.len()).find(|&i| buf[i] != FRAME_START) else {
            return done(Outcome::Incomplete);
        };
        let mut end = None;
        for (j, &b) in buf.iter().enumerate().skip(body_start) {
            if b == FRAME_END {
                end = Some(j);
                break;
            }
            if b == FRAME_START {
                // The next frame started before this one ended: drop the broken one.
                return done(Outcome::Rejected {
                    reason: Reject::Malformed,
                    len: j - start,
                });
            }
            if j - start > MAX_FRAME_LEN {
                return done(Outcome::Rejected {
                    reason: Reject::TooLong,
                    len: j - start,
                });
            }
        }
        let Some(end) = end else {
            return done(Outcome::Incomplete);
        };
        let len = end + 1 - start;
        let reject = |reason| done(Outcome::Rejected { reason, len });
        let Some(plain) = unescape(&buf[body_start..end]) else {
            return reject(Reject::Malformed);
        };
        if plain.len() < HEADER_LEN + 2 {
            return reject(Reject::Malformed);
        }
        let data_len = le32(&plain, 12) as usize;
        if data_len != plain.len() - HEADER_LEN - 2 {
            return reject(Reject::Malformed);
        }
        let crc_at = plain.len() - 2;
        if crc16_arc(&plain[..crc_at]) != le16(&plain, crc_at) {
            return reject(Reject::BadCrc);
        }
        done(Outcome::Frame {
            item: OnbonPacket {
                header: Header {
                    dst: le16(&plain, 0),
                    src: le16(&plain, 2),
                    protocol: plain[4],
                    device_type: le16(&plain, 6),
                },
                data: plain[HEADER_LEN..crc_at].to_vec(),
            },
            len,
        })
    }
}

/// A stream decoder for the Onbon protocol.
pub type OnbonDecoder = crate::codec::StreamDecoder<OnbonCodec>;

/// Why a packet's data is not a request or reply this module understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DataError {
    /// The data is shorter or longer than its own length fields say.
    #[error("data length does not match its fields")]
    BadLength,
    /// A value is out of range (zero-size area, zero pages, brightness above 15).
    #[error("value out of range")]
    BadValue,
    /// A valid command this module does not implement (area borders, sensor brightness, …).
    #[error("unsupported command or option: group {group:#04x} cmd {cmd:#04x}")]
    Unsupported {
        /// The command group.
        group: u8,
        /// The command number.
        cmd: u8,
    },
}

/// How the BX controller sets its brightness (command A2 07).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Brightness {
    /// One level, 0..=15, all day.
    Manual(u8),
    /// A level for each half hour from 00:00, 48 values of 0..=15.
    HalfHourly([u8; 48]),
}

/// Which dynamic areas a delete command removes (command A7 01).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AreaSelection {
    /// Every dynamic area.
    All,
    /// The areas with these ids.
    Ids(Vec<u8>),
}

/// One page of a dynamic area: display parameters and the pixels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AreaPage {
    /// How the page appears (see [`display_mode`]).
    pub display_mode: u8,
    /// How the page leaves.
    pub clear_mode: u8,
    /// The speed level of the effect.
    pub speed: u8,
    /// How long the page stays, in units of 10 ms.
    pub stay_10ms: u16,
    /// How many times the page repeats.
    pub repeat: u8,
    /// The valid width for left/right moves (the area width by default).
    pub valid_len: u16,
    /// The page's pixels; their size is the area's.
    pub pixels: Frame,
}

/// Display modes of a page (the common ones; the vendor lists 41).
pub mod display_mode {
    /// Random effect.
    pub const RANDOM: u8 = 0x00;
    /// Shown at once, still.
    pub const STATIC: u8 = 0x01;
    /// Moves in to the left.
    pub const MOVE_LEFT: u8 = 0x03;
    /// Scrolls continuously to the left.
    pub const SCROLL_LEFT: u8 = 0x04;
    /// Flashes.
    pub const FLASH: u8 = 0x07;
}

/// Run modes of a dynamic area.
pub mod run_mode {
    /// Pages loop.
    pub const LOOP: u8 = 0;
    /// After the last page, the last page stays.
    pub const HOLD_LAST: u8 = 1;
    /// Pages loop; when not updated within the timeout, the area disappears.
    pub const LOOP_UNTIL_TIMEOUT: u8 = 2;
}

/// A dynamic-area update (command A7 00) in the BX-5E layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DynamicArea {
    /// The area number, from 0.
    pub id: u8,
    /// What the area does after its pages (see [`run_mode`]).
    pub run_mode: u8,
    /// The timeout for run modes 2 and 3, in seconds.
    pub timeout_s: u16,
    /// Whether the area plays alongside every stored program.
    pub relate_all_programs: bool,
    /// The stored programs the area plays alongside.
    pub related_programs: Vec<u16>,
    /// 0: play with the stored programs; 1: stop them and play only this area; 2: play after
    /// the highest-numbered program.
    pub immediate_play: u8,
    /// Column of the area's top left on the screen.
    pub x: u16,
    /// Row of the area's top left on the screen.
    pub y: u16,
    /// The pages, at least one; every page's frame has the area's size and the same mode.
    pub pages: Vec<AreaPage>,
}

/// The fixed bytes of a page before its pixels (style, mode, clear, speed, stay, repeat,
/// valid length, reserved).
const PAGE_PARAMS_LEN: usize = 13;

impl DynamicArea {
    /// An area showing `pixels` still at (`x`, `y`), alone on the screen, until replaced.
    pub fn still(id: u8, x: u16, y: u16, pixels: Frame) -> Self {
        let valid_len = pixels.width();
        Self {
            id,
            run_mode: run_mode::HOLD_LAST,
            timeout_s: 0,
            relate_all_programs: false,
            related_programs: Vec::new(),
            immediate_play: 1,
            x,
            y,
            pages: vec![AreaPage {
                display_mode: display_mode::STATIC,
                clear_mode: 0,
                speed: 1,
                stay_10ms: 100,
                repeat: 1,
                valid_len,
                pixels,
            }],
        }
    }

    /// A full-panel area showing one line of `text`, rendered by the same layout code as the
    /// window strips (centred; text wider than the panel is cut at the right edge, because a
    /// still page cannot scroll).
    pub fn text(panel: &Panel, id: u8, text: &str, color: LedColor) -> Self {
        Self::still(id, 0, 0, layout::render_line(panel, text, color, 0))
    }

    /// The area's width and height (those of its first page).
    pub fn size(&self) -> (u16, u16) {
        self.pages
            .first()
            .map_or((0, 0), |p| (p.pixels.width(), p.pixels.height()))
    }
}

/// The screen-aligned byte columns an area spans: the first index and the count.
fn byte_columns(x: u16, width: u16) -> (u32, u32) {
    let first = u32::from(x) / 8;
    let last = (u32::from(x) + u32::from(width).max(1) - 1) / 8;
    (first, last - first + 1)
}

/// The length of an area's pixel data in the BX-5E encoding.
pub fn bx5e_pixel_len(x: u16, width: u16, height: u16, mode: ColorMode) -> usize {
    let (_, cols) = byte_columns(x, width);
    cols as usize * usize::from(height) * usize::from(mode.planes())
}

/// Encodes pixels the BX-5E way for an area whose left edge is at screen column `x`.
///
/// Each row is the bytes of the screen's 8-pixel columns the area touches; in a byte the
/// leftmost pixel is bit 7; a 0 bit is a lit LED, and bits outside the area are 1. On tricolour
/// panels each red byte is followed by the green byte of the same 8 pixels.
pub fn encode_bx5e_pixels(frame: &Frame, x: u16) -> Vec<u8> {
    let (first, cols) = byte_columns(x, frame.width());
    let planes: &[fn(LedColor) -> bool] = match frame.mode() {
        ColorMode::Mono => &[LedColor::is_lit],
        ColorMode::Tricolor => &[LedColor::red, LedColor::green],
    };
    let mut out = Vec::with_capacity(bx5e_pixel_len(
        x,
        frame.width(),
        frame.height(),
        frame.mode(),
    ));
    for row in 0..frame.height() {
        for col in first..first + cols {
            for lit in planes {
                let mut byte = 0xFFu8;
                for bit in 0..8u32 {
                    let screen_x = col * 8 + bit;
                    let Some(fx) = screen_x.checked_sub(u32::from(x)) else {
                        continue;
                    };
                    let lit_here = u16::try_from(fx)
                        .ok()
                        .and_then(|fx| frame.pixel(fx, row))
                        .is_some_and(lit);
                    if lit_here {
                        byte &= !(0x80 >> bit);
                    }
                }
                out.push(byte);
            }
        }
    }
    out
}

/// Decodes BX-5E pixel data (see [`encode_bx5e_pixels`]) into a frame of the area's size.
pub fn decode_bx5e_pixels(
    data: &[u8],
    x: u16,
    width: u16,
    height: u16,
    mode: ColorMode,
) -> Result<Frame, DataError> {
    if data.len() != bx5e_pixel_len(x, width, height, mode) {
        return Err(DataError::BadLength);
    }
    let (first, cols) = byte_columns(x, width);
    let planes = usize::from(mode.planes());
    let mut frame = Frame::new(width, height, mode);
    for row in 0..height {
        for fx in 0..width {
            let screen_x = u32::from(x) + u32::from(fx);
            let col = (screen_x / 8 - first) as usize;
            let at = (usize::from(row) * cols as usize + col) * planes;
            let lit = |plane: usize| data[at + plane] & (0x80 >> (screen_x % 8)) == 0;
            let color = match mode {
                ColorMode::Mono => LedColor::from_planes(lit(0), false),
                ColorMode::Tricolor => LedColor::from_planes(lit(0), lit(1)),
            };
            frame.set_pixel(fx, row, color);
        }
    }
    Ok(frame)
}

/// A request from the PC to a controller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// A2 00: are you there? (any reply means yes).
    Ping,
    /// A2 07: set the brightness.
    Brightness(Brightness),
    /// A7 00: create or replace a dynamic area.
    UpdateArea(DynamicArea),
    /// A7 01: delete dynamic areas.
    DeleteAreas(AreaSelection),
}

struct Reader<'a> {
    data: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], DataError> {
        let end = self.at.checked_add(n).ok_or(DataError::BadLength)?;
        let s = self.data.get(self.at..end).ok_or(DataError::BadLength)?;
        self.at = end;
        Ok(s)
    }
    fn u8(&mut self) -> Result<u8, DataError> {
        Ok(self.take(1)?[0])
    }
    fn u16(&mut self) -> Result<u16, DataError> {
        Ok(le16(self.take(2)?, 0))
    }
    fn u32(&mut self) -> Result<u32, DataError> {
        Ok(le32(self.take(4)?, 0))
    }
    fn rest(&self) -> usize {
        self.data.len() - self.at
    }
}

impl Request {
    /// Encodes the request as a packet data field, asking for a reply (RtnReq = 1).
    pub fn encode_data(&self) -> Vec<u8> {
        let mut d = vec![0x01];
        match self {
            Self::Ping => d.extend_from_slice(&[group::SYSTEM, 0x00, 0x00, 0x00]),
            Self::Brightness(b) => {
                d.extend_from_slice(&[group::SYSTEM, 0x07]);
                d.extend_from_slice(&49u16.to_le_bytes());
                match b {
                    Brightness::Manual(level) => {
                        d.push(0x00);
                        d.extend_from_slice(&[*level; 48]);
                    }
                    Brightness::HalfHourly(levels) => {
                        d.push(0x01);
                        d.extend_from_slice(levels);
                    }
                }
            }
            Self::DeleteAreas(sel) => {
                d.extend_from_slice(&[group::DYNAMIC, 0x01, 0x00, 0x00]);
                match sel {
                    AreaSelection::All => d.push(0xFF),
                    AreaSelection::Ids(ids) => {
                        d.push(ids.len() as u8);
                        d.extend_from_slice(ids);
                    }
                }
            }
            Self::UpdateArea(area) => {
                d.extend_from_slice(&[group::DYNAMIC, 0x00, 0x00, 0x00]);
                let body = encode_area(area);
                d.extend_from_slice(&(body.len() as u32).to_le_bytes());
                d.extend_from_slice(&body);
            }
        }
        d
    }

    /// Parses a packet data field as a request.
    pub fn parse(data: &[u8]) -> Result<Self, DataError> {
        let mut r = Reader { data, at: 0 };
        let _return_requested = r.u8()?;
        let (group, cmd) = (r.u8()?, r.u8()?);
        let unsupported = DataError::Unsupported { group, cmd };
        let request = match (group, cmd) {
            (group::SYSTEM, 0x00) => {
                r.take(2)?;
                Self::Ping
            }
            (group::SYSTEM, 0x07) => {
                if r.u16()? != 49 {
                    return Err(DataError::BadLength);
                }
                let mode = r.u8()?;
                let mut levels = [0u8; 48];
                levels.copy_from_slice(r.take(48)?);
                if levels.iter().any(|&l| l > 15) {
                    return Err(DataError::BadValue);
                }
                match mode {
                    0x00 if levels.iter().all(|&l| l == levels[0]) => {
                        Self::Brightness(Brightness::Manual(levels[0]))
                    }
                    0x00 => return Err(DataError::BadValue),
                    0x01 => Self::Brightness(Brightness::HalfHourly(levels)),
                    _ => return Err(unsupported),
                }
            }
            (group::DYNAMIC, 0x01) => {
                r.take(2)?;
                match r.u8()? {
                    0xFF => Self::DeleteAreas(AreaSelection::All),
                    n => Self::DeleteAreas(AreaSelection::Ids(r.take(usize::from(n))?.to_vec())),
                }
            }
            (group::DYNAMIC, 0x00) => {
                r.take(2)?;
                let len = r.u32()? as usize;
                if len != r.rest() {
                    return Err(DataError::BadLength);
                }
                Self::UpdateArea(parse_area(&mut r)?)
            }
            _ => return Err(unsupported),
        };
        if r.rest() != 0 {
            return Err(DataError::BadLength);
        }
        Ok(request)
    }
}

fn encode_area(area: &DynamicArea) -> Vec<u8> {
    let (w, h) = area.size();
    let mut d = vec![area.id, area.run_mode];
    d.extend_from_slice(&area.timeout_s.to_le_bytes());
    d.push(u8::from(area.relate_all_programs));
    d.extend_from_slice(&(area.related_programs.len() as u16).to_le_bytes());
    for p in &area.related_programs {
        d.extend_from_slice(&p.to_le_bytes());
    }
    d.push(area.immediate_play);
    d.extend_from_slice(&[0; 4]);
    d.push(0x10); // area type
    for v in [area.x, area.y, w, h] {
        d.extend_from_slice(&v.to_le_bytes());
    }
    d.push(0x00); // no border
    d.extend_from_slice(&(area.pages.len() as u16).to_le_bytes());
    for page in &area.pages {
        let pixels = encode_bx5e_pixels(&page.pixels, area.x);
        d.extend_from_slice(&((PAGE_PARAMS_LEN + pixels.len()) as u32).to_le_bytes());
        d.extend_from_slice(&[0x00, page.display_mode, page.clear_mode, page.speed]);
        d.extend_from_slice(&page.stay_10ms.to_le_bytes());
        d.push(page.repeat);
        d.extend_from_slice(&page.valid_len.to_le_bytes());
        d.extend_from_slice(&[0; 4]);
        d.extend_from_slice(&pixels);
    }
    d
}

fn parse_area(r: &mut Reader<'_>) -> Result<DynamicArea, DataError> {
    let unsupported = DataError::Unsupported {
        group: group::DYNAMIC,
        cmd: 0x00,
    };
    let (id, run_mode, timeout_s) = (r.u8()?, r.u8()?, r.u16()?);
    let relate_all_programs = r.u8()? != 0;
    let n = r.u16()?;
    let related_programs = (0..n).map(|_| r.u16()).collect::<Result<Vec<_>, _>>()?;
    let immediate_play = r.u8()?;
    r.take(4)?;
    if r.u8()? != 0x10 {
        return Err(unsupported);
    }
    let (x, y, width, height) = (r.u16()?, r.u16()?, r.u16()?, r.u16()?);
    if width == 0 || height == 0 {
        return Err(DataError::BadValue);
    }
    if r.u8()? != 0x00 {
        return Err(unsupported); // area borders are not implemented
    }
    let page_count = r.u16()?;
    if page_count == 0 {
        return Err(DataError::BadValue);
    }
    let mono_len = bx5e_pixel_len(x, width, height, ColorMode::Mono);
    let mut pages = Vec::new();
    for _ in 0..page_count {
        let page_len = r.u32()? as usize;
        let pixel_len = page_len
            .checked_sub(PAGE_PARAMS_LEN)
            .ok_or(DataError::BadLength)?;
        // The packet does not say whether the panel is tricolour: the pixel length does.
        let mode = if pixel_len == mono_len {
            ColorMode::Mono
        } else if pixel_len == 2 * mono_len {
            ColorMode::Tricolor
        } else {
            return Err(DataError::BadLength);
        };
        if r.u8()? != 0x00 {
            return Err(unsupported);
        }
        let (display_mode, clear_mode, speed) = (r.u8()?, r.u8()?, r.u8()?);
        let stay_10ms = r.u16()?;
        let repeat = r.u8()?;
        let valid_len = r.u16()?;
        r.take(4)?;
        let pixels = decode_bx5e_pixels(r.take(pixel_len)?, x, width, height, mode)?;
        pages.push(AreaPage {
            display_mode,
            clear_mode,
            speed,
            stay_10ms,
            repeat,
            valid_len,
            pixels,
        });
    }
    if pages
        .iter()
        .any(|p| p.pixels.mode() != pages[0].pixels.mode())
    {
        return Err(DataError::BadValue);
    }
    Ok(DynamicArea {
        id,
        run_mode,
        timeout_s,
        relate_all_programs,
        related_programs,
        immediate_play,
        x,
        y,
        pages,
    })
}

/// A controller's reply: ACK (A0 00), NACK (A0 01), or a command's own reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The command group of the reply.
    pub group: u8,
    /// The command number of the reply.
    pub cmd: u8,
    /// The status register; bit 0 set means the request failed.
    pub status: u16,
    /// The error register (0 = none, 3 = busy, 5 = CRC error, 18 = screen parameter, …).
    pub error: u16,
    /// Extra data some replies carry.
    pub data: Vec<u8>,
}

impl Response {
    /// The ACK a controller sends when a request succeeded.
    pub const fn ack() -> Self {
        Self {
            group: group::REPLY,
            cmd: 0x00,
            status: 0,
            error: 0,
            data: Vec::new(),
        }
    }

    /// The NACK a controller sends with error number `error`.
    pub const fn nack(error: u16) -> Self {
        Self {
            group: group::REPLY,
            cmd: 0x01,
            status: 1,
            error,
            data: Vec::new(),
        }
    }

    /// Tells whether the reply reports success (status bit 0 clear).
    pub const fn is_ok(&self) -> bool {
        self.status & 1 == 0
    }

    /// Encodes the reply as a packet data field.
    pub fn encode_data(&self) -> Vec<u8> {
        let mut d = vec![0x00, self.group, self.cmd];
        d.extend_from_slice(&self.status.to_le_bytes());
        d.extend_from_slice(&self.error.to_le_bytes());
        d.extend_from_slice(&(self.data.len() as u16).to_le_bytes());
        d.extend_from_slice(&self.data);
        d
    }

    /// Parses a packet data field as a reply.
    pub fn parse(data: &[u8]) -> Result<Self, DataError> {
        let mut r = Reader { data, at: 0 };
        r.u8()?;
        let (group, cmd, status, error) = (r.u8()?, r.u8()?, r.u16()?, r.u16()?);
        let n = usize::from(r.u16()?);
        if r.rest() != n {
            return Err(DataError::BadLength);
        }
        Ok(Self {
            group,
            cmd,
            status,
            error,
            data: r.take(n)?.to_vec(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_round_trips_and_rejects_bad_escapes() {
        let plain = [0xA5, 0xA6, 0x5A, 0x5B, 0x00, 0xA6];
        let mut esc = Vec::new();
        escape(&plain, &mut esc);
        assert_eq!(
            esc,
            [
                0xA6, 0x02, 0xA6, 0x01, 0x5B, 0x02, 0x5B, 0x01, 0x00, 0xA6, 0x01
            ]
        );
        assert_eq!(unescape(&esc).as_deref(), Some(&plain[..]));
        assert_eq!(unescape(&[0xA6, 0x03]), None);
        assert_eq!(unescape(&[0x5B]), None);
    }

    #[test]
    fn bx5e_pixels_align_to_screen_bytes_and_invert() {
        let mut f = Frame::new(3, 1, ColorMode::Mono);
        f.set_pixel(0, 0, LedColor::Red);
        f.set_pixel(2, 0, LedColor::Red);
        // Area at x = 6 spans screen columns 6..9: bytes 0 and 1 of the row.
        let data = encode_bx5e_pixels(&f, 6);
        assert_eq!(data, [0b1111_1101, 0b0111_1111]);
        assert_eq!(decode_bx5e_pixels(&data, 6, 3, 1, ColorMode::Mono), Ok(f));
    }

    #[test]
    fn bx5e_tricolour_interleaves_red_and_green_bytes() {
        let mut f = Frame::new(16, 1, ColorMode::Tricolor);
        f.set_pixel(0, 0, LedColor::Red);
        f.set_pixel(8, 0, LedColor::Green);
        f.set_pixel(9, 0, LedColor::Yellow);
        let data = encode_bx5e_pixels(&f, 0);
        assert_eq!(data, [0x7F, 0xFF, 0xBF, 0x3F]);
        assert_eq!(
            decode_bx5e_pixels(&data, 0, 16, 1, ColorMode::Tricolor),
            Ok(f)
        );
    }

    #[test]
    fn requests_round_trip_through_their_data_fields() {
        let mut levels = [3u8; 48];
        levels[20] = 15;
        let area = DynamicArea::text(&Panel::MONO_64X16, 0, "热情为您服务", LedColor::Red);
        for req in [
            Request::Ping,
            Request::Brightness(Brightness::Manual(7)),
            Request::Brightness(Brightness::HalfHourly(levels)),
            Request::DeleteAreas(AreaSelection::All),
            Request::DeleteAreas(AreaSelection::Ids(vec![0, 2])),
            Request::UpdateArea(area),
        ] {
            assert_eq!(Request::parse(&req.encode_data()), Ok(req));
        }
    }

    #[test]
    fn replies_round_trip_and_report_success() {
        let ack = Response::ack();
        assert_eq!(ack.encode_data(), [0x00, 0xA0, 0x00, 0, 0, 0, 0, 0, 0]);
        assert_eq!(Response::parse(&ack.encode_data()), Ok(ack.clone()));
        assert!(ack.is_ok());
        assert!(!Response::nack(5).is_ok());
    }

    #[test]
    fn a_frame_cut_short_by_the_next_one_is_rejected_and_the_next_decodes() {
        let ping = OnbonPacket::ping().encode();
        let mut bytes = ping[..15].to_vec();
        bytes.extend_from_slice(&ping);
        let mut d = OnbonDecoder::new();
        let got = d.feed(&bytes);
        assert_eq!(got, vec![Err(Reject::Malformed), Ok(OnbonPacket::ping())]);
    }
}
