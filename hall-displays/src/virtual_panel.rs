//! [`VirtualPanel`]: an LED panel in memory that speaks both wire protocols.
//!
//! It decodes bytes as a real strip's controller would, keeps the resulting [`Frame`], and
//! answers as the controller would. Tests use it to check encoders end to end (render → bytes →
//! panel → identical frame); the supervisor can use it to preview what a strip shows.

use crate::codec::DecoderStats;
use crate::frame::{Frame, FrameError};
use crate::layout::Panel;
use crate::onbon::{self, OnbonDecoder, OnbonPacket, Request, Response};
use crate::raw::{self, Message, NakReason, Packet, PanelInfo, RawDecoder};

/// The firmware version a virtual panel reports in its pong.
pub const VIRTUAL_FIRMWARE: u8 = 1;

/// Onbon error number for "controller parameters out of range" (ERR_SCREEN_PARA).
const ERR_SCREEN_PARA: u16 = 18;
/// Onbon error number for "no such command" (ERR_NOCMD).
const ERR_NOCMD: u16 = 2;

/// A simulated LED panel with a raw-bitmap address and an Onbon screen address.
#[derive(Debug, Clone)]
pub struct VirtualPanel {
    panel: Panel,
    raw_address: u8,
    onbon_address: u16,
    onbon_device: u16,
    frame: Frame,
    brightness: u8,
    /// SEQ, TYPE and CRC of the last unicast message applied, to recognise retransmissions.
    last_applied: Option<(u8, u8, u16)>,
    raw_decoder: RawDecoder,
    onbon_decoder: OnbonDecoder,
}

impl VirtualPanel {
    /// A blank panel at raw-bitmap address `raw_address` and Onbon screen address
    /// `onbon_address`, reporting itself as a BX-5E1.
    pub fn new(panel: Panel, raw_address: u8, onbon_address: u16) -> Self {
        Self {
            panel,
            raw_address,
            onbon_address,
            onbon_device: onbon::device::BX_5E1,
            frame: panel.blank(),
            brightness: raw::MAX_BRIGHTNESS,
            last_applied: None,
            raw_decoder: RawDecoder::new(),
            onbon_decoder: OnbonDecoder::new(),
        }
    }

    /// What the panel shows now.
    pub const fn frame(&self) -> &Frame {
        &self.frame
    }

    /// The brightness level, 0..=15.
    pub const fn brightness(&self) -> u8 {
        self.brightness
    }

    /// The raw-bitmap decoder's counters.
    pub const fn raw_stats(&self) -> DecoderStats {
        self.raw_decoder.stats()
    }

    /// The Onbon decoder's counters.
    pub const fn onbon_stats(&self) -> DecoderStats {
        self.onbon_decoder.stats()
    }

    /// A PNG of what the panel shows, one image pixel per LED.
    pub fn to_png_bytes(&self) -> Result<Vec<u8>, FrameError> {
        self.frame.to_png_bytes()
    }

    /// Feeds bytes received on the raw-bitmap bus and returns the bytes the panel answers with.
    ///
    /// Frames for other addresses are ignored; broadcasts are applied without an answer; a
    /// repeat of the last applied unicast frame (same SEQ, TYPE and CRC: a retransmission after
    /// a lost reply) is answered again without being applied twice.
    pub fn feed_raw(&mut self, bytes: &[u8]) -> Vec<u8> {
        let mut replies = Vec::new();
        for frame in self.raw_decoder.feed(bytes).into_iter().flatten() {
            let broadcast = frame.address == raw::BROADCAST;
            if frame.address != self.raw_address && !broadcast {
                continue;
            }
            let identity = (frame.seq, frame.kind, frame.crc());
            let answer = match Packet::from_frame(&frame) {
                Err(e) => Message::Nak(e.nak_reason()),
                Ok(p) if !broadcast && self.last_applied == Some(identity) => match p.message {
                    Message::Ping => self.pong(),
                    _ => Message::Ack,
                },
                Ok(p) => {
                    let answer = self.apply_raw(p.message);
                    if !broadcast && !matches!(answer, Message::Nak(_)) {
                        self.last_applied = Some(identity);
                    }
                    answer
                }
            };
            if broadcast {
                continue;
            }
            let reply = Packet {
                address: self.raw_address,
                seq: frame.seq,
                message: answer,
            };
            if let Ok(bytes) = reply.encode() {
                replies.extend(bytes);
            }
        }
        replies
    }

    fn pong(&self) -> Message {
        Message::Pong(PanelInfo {
            width: self.panel.width,
            height: self.panel.height,
            mode: self.panel.mode,
            firmware: VIRTUAL_FIRMWARE,
        })
    }

    fn apply_raw(&mut self, message: Message) -> Message {
        match message {
            Message::FullFrame(f) => {
                if (f.width(), f.height(), f.mode())
                    != (self.panel.width, self.panel.height, self.panel.mode)
                {
                    return Message::Nak(NakReason::Geometry);
                }
                self.frame = f;
                Message::Ack
            }
            Message::PartialFrame { x, y, pixels } => {
                if pixels.mode() != self.panel.mode {
                    return Message::Nak(NakReason::Geometry);
                }
                let fits = u32::from(x) + u32::from(pixels.width()) <= u32::from(self.panel.width)
                    && u32::from(y) + u32::from(pixels.height()) <= u32::from(self.panel.height);
                if !fits {
                    return Message::Nak(NakReason::OutOfBounds);
                }
                self.frame.blit(&pixels, x, y);
                Message::Ack
            }
            Message::Brightness(level) => {
                self.brightness = level;
                Message::Ack
            }
            Message::Ping => self.pong(),
            // Replies are never addressed to a panel.
            Message::Ack | Message::Nak(_) | Message::Pong(_) => {
                Message::Nak(NakReason::UnknownType)
            }
        }
    }

    /// Feeds bytes received as an Onbon BX controller and returns the bytes it answers with.
    ///
    /// Packets for the panel's screen address or the wildcard are handled; a dynamic-area
    /// update draws its first page at the area's position (areas reaching outside the panel,
    /// or of the wrong colour mode, are refused with a NACK).
    pub fn feed_onbon(&mut self, bytes: &[u8]) -> Vec<u8> {
        let mut replies = Vec::new();
        for packet in self.onbon_decoder.feed(bytes).into_iter().flatten() {
            let to_me =
                packet.header.dst == self.onbon_address || packet.header.dst == onbon::ADDR_ANY;
            if !to_me || packet.header.src != onbon::SRC_PC {
                continue;
            }
            let response = match Request::parse(&packet.data) {
                Ok(request) => self.apply_onbon(request),
                Err(_) => Response::nack(ERR_NOCMD),
            };
            let reply = OnbonPacket {
                header: onbon::Header {
                    dst: packet.header.src,
                    src: self.onbon_address,
                    protocol: onbon::PROTOCOL_DYNAMIC,
                    device_type: self.onbon_device,
                },
                data: response.encode_data(),
            };
            replies.extend(reply.encode());
        }
        replies
    }

    fn apply_onbon(&mut self, request: Request) -> Response {
        match request {
            Request::Ping => Response::ack(),
            Request::Brightness(onbon::Brightness::Manual(level)) => {
                self.brightness = level;
                Response::ack()
            }
            // A schedule needs a clock the panel does not have: keep the current level.
            Request::Brightness(onbon::Brightness::HalfHourly(_)) => Response::ack(),
            Request::DeleteAreas(_) => {
                self.frame = self.panel.blank();
                Response::ack()
            }
            Request::UpdateArea(area) => {
                let (w, h) = area.size();
                let fits = u32::from(area.x) + u32::from(w) <= u32::from(self.panel.width)
                    && u32::from(area.y) + u32::from(h) <= u32::from(self.panel.height);
                let Some(page) = area.pages.first() else {
                    return Response::nack(ERR_SCREEN_PARA);
                };
                if !fits || page.pixels.mode() != self.panel.mode {
                    return Response::nack(ERR_SCREEN_PARA);
                }
                self.frame.blit(&page.pixels, area.x, area.y);
                Response::ack()
            }
        }
    }
}
