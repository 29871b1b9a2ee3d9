//! End-to-end tests of both wire protocols through the virtual panel, the Onbon golden vector,
//! and property tests: random bytes never panic, random frames round-trip, and a single flipped
//! bit is never accepted as a different frame.

use hallq_displays::codec::{Codec, Outcome};
use hallq_displays::layout::{self, Panel};
use hallq_displays::onbon::{
    self, AreaSelection, Brightness, DynamicArea, OnbonCodec, OnbonDecoder, OnbonPacket, Request,
    Response,
};
use hallq_displays::raw::{self, Message, NakReason, Packet, RawCodec, RawDecoder};
use hallq_displays::{ColorMode, Frame, LedColor, Reject, VirtualPanel};
use proptest::prelude::*;

/// The ping frame printed in the vendor's dynamic-area manuals (and in DOMAIN.md).
const ONBON_PING: [u8; 32] = [
    0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xfe, 0xff, 0x00, 0x80, 0xf0, 0x00, 0xfe, 0xff,
    0x00, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x01, 0xa2, 0x00, 0x00, 0x00, 0xc6, 0x86, 0x5a,
];

#[test]
fn the_onbon_ping_encodes_to_the_documented_bytes() {
    assert_eq!(OnbonPacket::ping().encode(), ONBON_PING);
}

#[test]
fn the_documented_onbon_ping_decodes_to_the_ping() {
    let step = OnbonCodec::decode_step(&ONBON_PING);
    assert_eq!(step.skipped, 0);
    let Outcome::Frame { item, len } = step.outcome else {
        panic!("not a frame: {step:?}");
    };
    assert_eq!(len, ONBON_PING.len());
    assert_eq!(item, OnbonPacket::ping());
    assert_eq!(item.header.dst, onbon::ADDR_ANY);
    assert_eq!(item.header.src, onbon::SRC_PC);
    assert_eq!(Request::parse(&item.data), Ok(Request::Ping));
}

#[test]
fn the_onbon_ping_decodes_byte_by_byte_after_garbage() {
    let mut d = OnbonDecoder::new();
    let mut got = d.feed(&[0x00, 0x5a, 0x13]);
    for b in ONBON_PING {
        got.extend(d.feed(&[b]));
    }
    assert_eq!(got, vec![Ok(OnbonPacket::ping())]);
    assert_eq!(d.stats().garbage_bytes, 3);
    assert_eq!(d.stats().frames, 1);
}

#[test]
fn an_onbon_frame_with_a_bad_crc_is_rejected_and_counted() {
    let mut bytes = ONBON_PING;
    bytes[29] ^= 0x10;
    let mut d = OnbonDecoder::new();
    assert_eq!(d.feed(&bytes), vec![Err(Reject::BadCrc)]);
    assert_eq!(d.stats().bad_crc, 1);
    assert_eq!(d.buffered(), 0);
}

fn raw_reply(bytes: &[u8]) -> Vec<Packet> {
    RawDecoder::new()
        .feed(bytes)
        .into_iter()
        .map(|f| Packet::from_frame(&f.unwrap()).unwrap())
        .collect()
}

#[test]
fn a_rendered_call_survives_the_raw_bitmap_protocol_unchanged() {
    for panel in [Panel::MONO_64X16, Panel::TRICOLOR_160X32] {
        let call = layout::render_call(&panel, "A001", "3", 0);
        let bytes = Packet {
            address: 7,
            seq: 42,
            message: Message::FullFrame(call.clone()),
        }
        .encode()
        .unwrap();
        let mut vp = VirtualPanel::new(panel, 7, 1);
        let reply = vp.feed_raw(&bytes);
        assert_eq!(vp.frame(), &call);
        assert_eq!(
            raw_reply(&reply),
            vec![Packet {
                address: 7,
                seq: 42,
                message: Message::Ack
            }]
        );
        assert_eq!(
            Frame::from_png_bytes(&vp.to_png_bytes().unwrap(), panel.mode).unwrap(),
            call
        );
    }
}

#[test]
fn a_partial_frame_updates_only_its_region() {
    let panel = Panel::TRICOLOR_128X32;
    let mut vp = VirtualPanel::new(panel, 3, 1);
    let idle = layout::render_idle(&panel, 0);
    let full = Packet {
        address: 3,
        seq: 1,
        message: Message::FullFrame(idle.clone()),
    };
    vp.feed_raw(&full.encode().unwrap());
    let mut region = Frame::new(8, 4, ColorMode::Tricolor);
    region.set_pixel(0, 0, LedColor::Yellow);
    let partial = Packet {
        address: 3,
        seq: 2,
        message: Message::PartialFrame {
            x: 100,
            y: 28,
            pixels: region.clone(),
        },
    };
    let reply = vp.feed_raw(&partial.encode().unwrap());
    assert_eq!(raw_reply(&reply)[0].message, Message::Ack);
    let mut expected = idle;
    expected.blit(&region, 100, 28);
    assert_eq!(vp.frame(), &expected);

    let outside = Packet {
        address: 3,
        seq: 3,
        message: Message::PartialFrame {
            x: 125,
            y: 0,
            pixels: region,
        },
    };
    let reply = vp.feed_raw(&outside.encode().unwrap());
    assert_eq!(
        raw_reply(&reply)[0].message,
        Message::Nak(NakReason::OutOfBounds)
    );
    assert_eq!(vp.frame(), &expected);
}

#[test]
fn the_raw_panel_answers_pings_refuses_wrong_geometry_and_stays_silent_on_broadcasts() {
    let mut vp = VirtualPanel::new(Panel::MONO_64X16, 9, 1);
    let ping = Packet {
        address: 9,
        seq: 5,
        message: Message::Ping,
    };
    let reply = raw_reply(&vp.feed_raw(&ping.encode().unwrap()));
    assert!(
        matches!(reply[0].message, Message::Pong(info) if info.width == 64 && info.height == 16)
    );
    assert_eq!(reply[0].seq, 5);

    let wrong = Packet {
        address: 9,
        seq: 6,
        message: Message::FullFrame(Frame::new(32, 16, ColorMode::Mono)),
    };
    let reply = raw_reply(&vp.feed_raw(&wrong.encode().unwrap()));
    assert_eq!(reply[0].message, Message::Nak(NakReason::Geometry));

    let dim = Packet {
        address: raw::BROADCAST,
        seq: 7,
        message: Message::Brightness(2),
    };
    assert!(vp.feed_raw(&dim.encode().unwrap()).is_empty());
    assert_eq!(vp.brightness(), 2);

    let other = Packet {
        address: 10,
        seq: 8,
        message: Message::Brightness(9),
    };
    assert!(vp.feed_raw(&other.encode().unwrap()).is_empty());
    assert_eq!(vp.brightness(), 2);
}

#[test]
fn a_retransmitted_message_is_acknowledged_again() {
    let mut vp = VirtualPanel::new(Panel::MONO_64X16, 9, 1);
    let msg = Packet {
        address: 9,
        seq: 200,
        message: Message::Brightness(4),
    };
    let bytes = msg.encode().unwrap();
    let first = raw_reply(&vp.feed_raw(&bytes));
    let again = raw_reply(&vp.feed_raw(&bytes));
    assert_eq!(first, again);
    assert_eq!(again[0].message, Message::Ack);

    // A new message that reuses the SEQ (different CRC) is applied, not taken for a repeat.
    let brighter = Packet {
        address: 9,
        seq: 200,
        message: Message::Brightness(6),
    };
    vp.feed_raw(&brighter.encode().unwrap());
    assert_eq!(vp.brightness(), 6);
}

#[test]
fn an_onbon_text_update_shows_the_text_on_the_virtual_panel() {
    for panel in [Panel::MONO_64X16, Panel::TRICOLOR_160X32] {
        let area = DynamicArea::text(&panel, 0, "A001 请到3号窗口", LedColor::Red);
        let packet = OnbonPacket {
            header: onbon::Header::to_screen(1, onbon::device::BX_5E1),
            data: Request::UpdateArea(area).encode_data(),
        };
        let mut vp = VirtualPanel::new(panel, 1, 1);
        let reply = vp.feed_onbon(&packet.encode());
        let expected = layout::render_line(&panel, "A001 请到3号窗口", LedColor::Red, 0);
        assert!(expected.lit_count() > 50);
        assert_eq!(vp.frame(), &expected);
        let replies = OnbonDecoder::new().feed(&reply);
        let answer = replies[0].as_ref().unwrap();
        assert_eq!(answer.header.dst, onbon::SRC_PC);
        assert_eq!(Response::parse(&answer.data), Ok(Response::ack()));
    }
}

#[test]
fn an_onbon_area_at_an_unaligned_column_lands_where_it_should() {
    let panel = Panel::TRICOLOR_160X32;
    let mut pixels = Frame::new(13, 5, ColorMode::Tricolor);
    pixels.set_pixel(0, 0, LedColor::Green);
    pixels.set_pixel(12, 4, LedColor::Yellow);
    let update = Request::UpdateArea(DynamicArea::still(2, 37, 9, pixels.clone()));
    let packet = OnbonPacket {
        header: onbon::Header::to_screen(onbon::ADDR_ANY, onbon::DEVICE_ANY),
        data: update.encode_data(),
    };
    let mut vp = VirtualPanel::new(panel, 1, 4);
    vp.feed_onbon(&packet.encode());
    let mut expected = panel.blank();
    expected.blit(&pixels, 37, 9);
    assert_eq!(vp.frame(), &expected);

    let delete = OnbonPacket {
        header: onbon::Header::to_screen(4, onbon::device::BX_5E1),
        data: Request::DeleteAreas(AreaSelection::All).encode_data(),
    };
    vp.feed_onbon(&delete.encode());
    assert_eq!(vp.frame().lit_count(), 0);
}

#[test]
fn onbon_brightness_and_wrong_mode_areas() {
    let mut vp = VirtualPanel::new(Panel::MONO_64X16, 1, 1);
    let dim = OnbonPacket {
        header: onbon::Header::to_screen(1, onbon::device::BX_5E1),
        data: Request::Brightness(Brightness::Manual(3)).encode_data(),
    };
    vp.feed_onbon(&dim.encode());
    assert_eq!(vp.brightness(), 3);
    let tri = DynamicArea::still(0, 0, 0, Frame::new(8, 8, ColorMode::Tricolor));
    let bad = OnbonPacket {
        header: dim.header,
        data: Request::UpdateArea(tri).encode_data(),
    };
    let reply = OnbonDecoder::new().feed(&vp.feed_onbon(&bad.encode()));
    let answer = Response::parse(&reply[0].as_ref().unwrap().data).unwrap();
    assert!(!answer.is_ok());
}

fn arb_mode() -> impl Strategy<Value = ColorMode> {
    prop_oneof![Just(ColorMode::Mono), Just(ColorMode::Tricolor)]
}

fn arb_frame(max_w: u16, max_h: u16) -> impl Strategy<Value = Frame> {
    (1..=max_w, 1..=max_h, arb_mode()).prop_flat_map(|(w, h, mode)| {
        proptest::collection::vec(0u8..4, usize::from(w) * usize::from(h)).prop_map(move |px| {
            let mut f = Frame::new(w, h, mode);
            for (i, c) in px.into_iter().enumerate() {
                let color = [
                    LedColor::Off,
                    LedColor::Red,
                    LedColor::Green,
                    LedColor::Yellow,
                ][usize::from(c)];
                f.set_pixel(
                    (i % usize::from(w)) as u16,
                    (i / usize::from(w)) as u16,
                    color,
                );
            }
            f
        })
    })
}

fn arb_raw_packet() -> impl Strategy<Value = Packet> {
    let message = prop_oneof![
        arb_frame(40, 20).prop_map(Message::FullFrame),
        (any::<u16>(), any::<u16>(), arb_frame(24, 12))
            .prop_map(|(x, y, pixels)| Message::PartialFrame { x, y, pixels }),
        (0u8..=15).prop_map(Message::Brightness),
        Just(Message::Ping),
        Just(Message::Ack),
        (1u8..=5).prop_map(|c| Message::Nak(NakReason::from_code(c))),
    ];
    (any::<u8>(), any::<u8>(), message).prop_map(|(address, seq, message)| Packet {
        address,
        seq,
        message,
    })
}

fn arb_onbon_packet() -> impl Strategy<Value = OnbonPacket> {
    (
        any::<u16>(),
        any::<u16>(),
        any::<u8>(),
        any::<u16>(),
        proptest::collection::vec(
            prop_oneof![
                Just(0xA5u8),
                Just(0xA6),
                Just(0x5A),
                Just(0x5B),
                any::<u8>()
            ],
            0..64,
        ),
    )
        .prop_map(|(dst, src, protocol, device_type, data)| OnbonPacket {
            header: onbon::Header {
                dst,
                src,
                protocol,
                device_type,
            },
            data,
        })
}

/// Decodes everything in `bytes` with a fresh decoder, keeping only accepted frames.
fn accepted_raw(bytes: &[u8]) -> Vec<raw::RawFrame> {
    RawDecoder::new()
        .feed(bytes)
        .into_iter()
        .flatten()
        .collect()
}

fn accepted_onbon(bytes: &[u8]) -> Vec<OnbonPacket> {
    OnbonDecoder::new()
        .feed(bytes)
        .into_iter()
        .flatten()
        .collect()
}

proptest! {
    #[test]
    fn random_bytes_never_panic_either_decoder(
        bytes in proptest::collection::vec(
            prop_oneof![Just(0xA5u8), Just(0x5A), Just(0xAA), Just(0x55), any::<u8>()], 0..400),
        chunk in 1usize..50,
    ) {
        let _ = RawCodec::decode_step(&bytes);
        let _ = OnbonCodec::decode_step(&bytes);
        let mut raw = RawDecoder::new();
        let mut onbon = OnbonDecoder::new();
        let mut vp = VirtualPanel::new(Panel::MONO_64X16, 1, 1);
        for piece in bytes.chunks(chunk) {
            raw.feed(piece);
            onbon.feed(piece);
            vp.feed_raw(piece);
            vp.feed_onbon(piece);
        }
        prop_assert!(raw.buffered() <= bytes.len());
        prop_assert!(onbon.buffered() <= bytes.len());
    }

    #[test]
    fn random_payloads_never_panic_the_parsers(
        kind in any::<u8>(),
        data in proptest::collection::vec(any::<u8>(), 0..200),
    ) {
        let _ = Message::parse(kind, &data);
        let _ = Request::parse(&data);
        let _ = Response::parse(&data);
        let mut with_header = vec![0x01, 0xA7, 0x00, 0x00, 0x00];
        with_header.extend_from_slice(&(data.len() as u32).to_le_bytes());
        with_header.extend_from_slice(&data);
        let _ = Request::parse(&with_header);
    }

    #[test]
    fn random_raw_packets_round_trip(packet in arb_raw_packet(), chunk in 1usize..64) {
        let bytes = packet.encode().unwrap();
        let mut d = RawDecoder::new();
        let mut got = Vec::new();
        for piece in bytes.chunks(chunk) {
            got.extend(d.feed(piece));
        }
        prop_assert_eq!(got.len(), 1);
        let frame = got.pop().unwrap().unwrap();
        prop_assert_eq!(Packet::from_frame(&frame).unwrap(), packet);
    }

    #[test]
    fn random_frames_round_trip_through_the_raw_virtual_panel(frame in arb_frame(64, 32)) {
        let panel = Panel::new(frame.width(), frame.height(), frame.mode());
        let mut vp = VirtualPanel::new(panel, 1, 1);
        let packet = Packet { address: 1, seq: 0, message: Message::FullFrame(frame.clone()) };
        vp.feed_raw(&packet.encode().unwrap());
        prop_assert_eq!(vp.frame(), &frame);
    }

    #[test]
    fn random_onbon_packets_round_trip(packet in arb_onbon_packet(), chunk in 1usize..64) {
        let bytes = packet.encode();
        let mut d = OnbonDecoder::new();
        let mut got = Vec::new();
        for piece in bytes.chunks(chunk) {
            got.extend(d.feed(piece));
        }
        prop_assert_eq!(got, vec![Ok(packet)]);
    }

    #[test]
    fn random_areas_round_trip_through_the_onbon_virtual_panel(
        frame in arb_frame(40, 16),
        x in 0u16..24,
        y in 0u16..8,
    ) {
        let panel = Panel::new(x + frame.width(), y + frame.height(), frame.mode());
        let area = DynamicArea::still(0, x, y, frame.clone());
        let request = Request::UpdateArea(area);
        prop_assert_eq!(Request::parse(&request.encode_data()), Ok(request.clone()));
        let packet = OnbonPacket { header: onbon::Header::to_screen(1, onbon::device::BX_5E1), data: request.encode_data() };
        let mut vp = VirtualPanel::new(panel, 1, 1);
        vp.feed_onbon(&packet.encode());
        prop_assert_eq!(vp.frame().region(x, y, frame.width(), frame.height()), frame);
    }

    #[test]
    fn a_flipped_bit_in_a_raw_frame_is_never_accepted(packet in arb_raw_packet(), pick in any::<usize>(), bit in 0u8..8) {
        let mut bytes = packet.encode().unwrap();
        let at = pick % bytes.len();
        bytes[at] ^= 1 << bit;
        let accepted = accepted_raw(&bytes);
        prop_assert!(accepted.is_empty(), "flip at {} accepted {:?}", at, accepted);
    }

    #[test]
    fn a_flipped_bit_in_an_onbon_frame_is_rejected_or_harmless(packet in arb_onbon_packet(), pick in any::<usize>(), bit in 0u8..8) {
        let mut bytes = packet.encode();
        let at = pick % bytes.len();
        bytes[at] ^= 1 << bit;
        let accepted = accepted_onbon(&bytes);
        if at < onbon::PREAMBLE_LEN {
            // The eight start bytes are redundant: losing one must not change what is decoded.
            prop_assert!(accepted.iter().all(|p| p == &packet));
        } else {
            prop_assert!(accepted.is_empty(), "flip at {} accepted {:?}", at, accepted);
        }
    }
}

#[test]
fn a_raw_frame_with_a_corrupted_length_does_not_stall_the_bus() {
    // A flipped bit in LEN is caught by the header checksum at once, so the next frame decodes
    // without waiting for thousands of bytes that will never come.
    let mut bytes = Packet {
        address: 1,
        seq: 0,
        message: Message::Ping,
    }
    .encode()
    .unwrap();
    bytes[5] ^= 0x10;
    bytes.extend(
        Packet {
            address: 1,
            seq: 1,
            message: Message::Ping,
        }
        .encode()
        .unwrap(),
    );
    let mut d = RawDecoder::new();
    let got = d.feed(&bytes);
    assert_eq!(got.first(), Some(&Err(Reject::BadHeader)));
    assert!(matches!(got.last(), Some(Ok(f)) if f.seq == 1));
}

#[test]
fn an_onbon_frame_that_never_ends_is_dropped_when_too_long() {
    let mut bytes = vec![0xA5; 8];
    bytes.resize(onbon::MAX_FRAME_LEN + 100, 0x11);
    let mut d = OnbonDecoder::new();
    assert_eq!(d.feed(&bytes), vec![Err(Reject::TooLong)]);
    assert!(d.buffered() < 200);
}
