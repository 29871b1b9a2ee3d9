//! Round trips for every message type, and the frames that are not messages.

use hallq_rs485::message::{FUNC_BEEP, FUNC_DISPLAY, FUNC_KEY, FUNC_RATING};
use hallq_rs485::{Decoder, Direction, Frame, Message, PadDisplay, PadKey, RatingKey, Unknown};

/// message → frame → bytes → decoder → frame → message, for a few addresses.
fn round_trip(message: Message) {
    for addr in [0x00, 0x01, 0x3D, 0x68, 0xFF] {
        let frame = message.to_frame(addr);
        let bytes = frame.encode();
        let decoded = Decoder::new().decode(&bytes);
        assert_eq!(decoded, vec![frame.clone()]);
        assert_eq!(
            Message::from_frame(&decoded[0]),
            Ok(message),
            "{bytes:02X?}"
        );
    }
}

#[test]
fn every_key_round_trips() {
    for code in 0..=u8::MAX {
        if let Some(key) = PadKey::from_code(code) {
            round_trip(Message::Key(key));
        }
    }
}

#[test]
fn every_rating_key_round_trips() {
    for n in 1..=4 {
        round_trip(Message::Rating(RatingKey::new(n).unwrap()));
    }
    assert_eq!(RatingKey::new(0), None);
    assert_eq!(RatingKey::new(5), None);
}

#[test]
fn every_display_round_trips() {
    for waiting in (0..=999).chain([1000, u16::MAX]) {
        round_trip(Message::Display(PadDisplay::showing(
            waiting,
            Some(waiting),
        )));
    }
    round_trip(Message::Display(PadDisplay::showing(3, None)));
    round_trip(Message::Display(PadDisplay::BLANK));
    let partial = PadDisplay::new(None, [None, Some(4), None]).unwrap();
    round_trip(Message::Display(partial));
}

#[test]
fn beep_round_trips() {
    round_trip(Message::Beep);
}

#[test]
fn directions_follow_the_func() {
    assert_eq!(
        Message::Key(PadKey::Recall).direction(),
        Direction::PadToHost
    );
    assert_eq!(
        Message::Rating(RatingKey::new(1).unwrap()).direction(),
        Direction::PadToHost
    );
    assert_eq!(Message::Beep.direction(), Direction::HostToPad);
    assert_eq!(
        Message::Display(PadDisplay::BLANK).direction(),
        Direction::HostToPad
    );
}

#[test]
fn frames_that_are_not_messages_say_why() {
    let cases = [
        (Frame::new(1, 0x04, []), Unknown::Func(0x04)),
        (
            Frame::new(1, FUNC_KEY, [0x0C, 0x0C]),
            Unknown::DataLength {
                func: FUNC_KEY,
                expected: 1,
                actual: 2,
            },
        ),
        (
            Frame::new(1, FUNC_KEY, []),
            Unknown::DataLength {
                func: FUNC_KEY,
                expected: 1,
                actual: 0,
            },
        ),
        (Frame::new(1, FUNC_KEY, [0x0A]), Unknown::KeyCode(0x0A)),
        (Frame::new(1, FUNC_RATING, [0x05]), Unknown::RatingKey(0x05)),
        (Frame::new(1, FUNC_RATING, [0x00]), Unknown::RatingKey(0x00)),
        (
            Frame::new(1, FUNC_BEEP, [0x01]),
            Unknown::DataLength {
                func: FUNC_BEEP,
                expected: 0,
                actual: 1,
            },
        ),
        (
            Frame::new(1, FUNC_DISPLAY, [0x0A; 5]),
            Unknown::DataLength {
                func: FUNC_DISPLAY,
                expected: 6,
                actual: 5,
            },
        ),
        (
            Frame::new(1, FUNC_DISPLAY, [0x00, 0x01, 0x02, 0x00, 0x00, 0x07]),
            Unknown::DisplayBytes([0x00, 0x01, 0x02, 0x00, 0x00, 0x07]),
        ),
    ];
    for (frame, why) in cases {
        assert_eq!(Message::from_frame(&frame), Err(why), "{frame:?}");
    }
}
