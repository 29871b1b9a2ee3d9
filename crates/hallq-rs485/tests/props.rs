//! Property tests: the decoder never panics, never returns a frame it did not receive
//! byte for byte, and recovers every frame from a stream with noise between frames.

use hallq_rs485::frame::{MAX_DATA, Outcome, parse};
use hallq_rs485::{Decoder, Frame, Message, PadDisplay, PadKey, RatingKey, Stats};
use proptest::prelude::*;

fn any_frame() -> impl Strategy<Value = Frame> {
    (
        any::<u8>(),
        any::<u8>(),
        prop::collection::vec(any::<u8>(), 0..=MAX_DATA),
    )
        .prop_map(|(addr, func, data)| Frame::new(addr, func, data))
}

/// Short frames, the kind pads send, so many fit in one test case.
fn short_frame() -> impl Strategy<Value = Frame> {
    (
        any::<u8>(),
        any::<u8>(),
        prop::collection::vec(any::<u8>(), 0..12),
    )
        .prop_map(|(addr, func, data)| Frame::new(addr, func, data))
}

/// Bytes that hit the decoder's interesting paths: frame starts, plausible lengths, end
/// bytes, whole frames, frames with one byte changed, frames cut short, and plain noise.
fn hostile_bytes() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        prop::collection::vec(any::<u8>(), 0..8),
        prop::collection::vec(
            prop_oneof![
                Just(0xFF),
                Just(0x68),
                Just(0x16),
                Just(0x02),
                Just(0x03),
                any::<u8>()
            ],
            0..12,
        ),
        short_frame().prop_map(|f| f.encode()),
        (short_frame(), any::<prop::sample::Index>(), 1..=u8::MAX).prop_map(|(f, i, x)| {
            let mut bytes = f.encode();
            let i = i.index(bytes.len());
            bytes[i] ^= x;
            bytes
        }),
        (short_frame(), any::<prop::sample::Index>()).prop_map(|(f, i)| {
            let bytes = f.encode();
            bytes[..i.index(bytes.len())].to_vec()
        }),
    ];
    prop::collection::vec(piece, 0..16).prop_map(|pieces| pieces.concat())
}

/// Split `bytes` into chunks at the given cut points (each taken mod the length).
fn chunks(bytes: &[u8], cuts: &[prop::sample::Index]) -> Vec<Vec<u8>> {
    let mut at: Vec<usize> = cuts.iter().map(|c| c.index(bytes.len() + 1)).collect();
    at.push(0);
    at.push(bytes.len());
    at.sort_unstable();
    at.windows(2).map(|w| bytes[w[0]..w[1]].to_vec()).collect()
}

fn decode_in_chunks(bytes: &[u8], cuts: &[prop::sample::Index]) -> (Vec<Frame>, Stats) {
    let mut decoder = Decoder::new();
    let frames = chunks(bytes, cuts)
        .iter()
        .flat_map(|c| decoder.decode(c))
        .collect();
    (frames, decoder.stats())
}

/// Every message the codec can produce.
fn any_message() -> impl Strategy<Value = Message> {
    let key = (0..=u8::MAX)
        .prop_filter_map("not a key", PadKey::from_code)
        .prop_map(Message::Key);
    let rating = (1..=4u8).prop_map(|n| Message::Rating(RatingKey::new(n).unwrap()));
    let display = (
        prop::option::of(0..=999u16),
        prop::array::uniform3(prop::option::of(0..=9u8)),
    )
        .prop_map(|(w, t)| Message::Display(PadDisplay::new(w, t).unwrap()));
    prop_oneof![key, rating, display, Just(Message::Beep)]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn random_bytes_never_panic_and_every_frame_is_the_bytes_it_came_from(
        bytes in prop_oneof![prop::collection::vec(any::<u8>(), 0..600), hostile_bytes()],
    ) {
        let mut offset = 0;
        loop {
            let parsed = parse(&bytes[offset..]);
            if parsed.consumed == 0 {
                prop_assert_eq!(parsed.outcome, Outcome::Incomplete);
                break;
            }
            if let Outcome::Frame(frame) = &parsed.outcome {
                // Re-encoding proves L, CS and the end byte were all right.
                prop_assert_eq!(frame.encode(), &bytes[offset..offset + parsed.consumed]);
            }
            offset += parsed.consumed;
        }
        // Whatever is left is a possible frame start, never more than one frame long.
        let rest = &bytes[offset..];
        prop_assert!(rest.is_empty() || rest[0] == 0xFF);
        prop_assert!(rest.len() < hallq_rs485::frame::MAX_FRAME_LEN);

        let mut decoder = Decoder::new();
        let mut frames = decoder.decode(&bytes);
        frames.extend(decoder.idle());
        prop_assert!(decoder.buffered().is_empty());
        for frame in &frames {
            let encoded = frame.encode();
            prop_assert!(bytes.windows(encoded.len()).any(|w| w == encoded.as_slice()));
        }
        prop_assert_eq!(decoder.stats().frames, frames.len() as u64);
    }

    #[test]
    fn chunking_changes_nothing(
        bytes in hostile_bytes(),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..20),
    ) {
        prop_assert_eq!(decode_in_chunks(&bytes, &cuts), decode_in_chunks(&bytes, &[]));
    }

    #[test]
    fn random_frames_round_trip(frame in any_frame()) {
        let bytes = frame.encode();
        prop_assert_eq!(bytes.len(), frame.data.len() + 9); // header 5, ADDR FUNC, CS 16
        let parsed = parse(&bytes);
        prop_assert_eq!(parsed.consumed, bytes.len());
        prop_assert_eq!(parsed.outcome, Outcome::Frame(frame.clone()));
        prop_assert_eq!(Decoder::new().decode(&bytes), vec![frame]);
    }

    #[test]
    fn random_messages_round_trip(message in any_message(), addr in any::<u8>()) {
        let frame = message.to_frame(addr);
        prop_assert_eq!(Message::from_frame(&frame), Ok(message));
        prop_assert_eq!(Decoder::new().decode(&frame.encode()), vec![frame]);
    }

    #[test]
    fn every_frame_that_is_a_message_is_the_frame_that_message_makes(frame in short_frame()) {
        if let Ok(message) = Message::from_frame(&frame) {
            prop_assert_eq!(message.to_frame(frame.addr), frame);
        }
    }

    #[test]
    fn frames_between_garbage_without_ff_are_all_recovered(
        parts in prop::collection::vec(
            (prop::collection::vec(0..0xFFu8, 0..20), any_frame()),
            0..8,
        ),
        tail in prop::collection::vec(0..0xFFu8, 0..20),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..20),
    ) {
        let mut bytes = Vec::new();
        let mut garbage = tail.len();
        for (noise, frame) in &parts {
            bytes.extend(noise);
            bytes.extend(frame.encode());
            garbage += noise.len();
        }
        bytes.extend(&tail);
        let expected: Vec<Frame> = parts.into_iter().map(|(_, f)| f).collect();
        let (frames, stats) = decode_in_chunks(&bytes, &cuts);
        prop_assert_eq!(&frames, &expected);
        prop_assert_eq!(stats, Stats {
            frames: expected.len() as u64,
            garbage_bytes: garbage as u64,
            bad_checksum: 0,
            bad_length: 0,
        });
    }
}
