//! Golden vectors: exact bytes on the wire, each checksum added up by hand in the comment.

use hallq_rs485::{Decoder, Frame, Message, PadDisplay, PadKey, RatingKey};

/// Encode `message` for `addr`, compare with `expected`, and decode `expected` back.
fn check(message: Message, addr: u8, expected: &[u8]) {
    let frame = message.to_frame(addr);
    assert_eq!(frame.encode(), expected, "encoding {message:?}");
    let mut decoder = Decoder::new();
    assert_eq!(
        decoder.decode(expected),
        vec![frame.clone()],
        "decoding {message:?}"
    );
    assert_eq!(Message::from_frame(&frame), Ok(message));
}

#[test]
fn call_next_from_pad_3() {
    // L = ADDR FUNC KEY = 3 bytes; CS = 03 + 01 + 0C = 0x10
    check(
        Message::Key(PadKey::CallNext),
        3,
        &[0xFF, 0x68, 0x03, 0x03, 0x68, 0x03, 0x01, 0x0C, 0x10, 0x16],
    );
}

#[test]
fn display_waiting_12_ticket_007() {
    // data = 0A 01 02 | 00 00 07 (" 12", "007"); L = 2 + 6 = 8
    // CS = 03 + 02 + 0A + 01 + 02 + 00 + 00 + 07 = 3 + 2 + 10 + 1 + 2 + 7 = 25 = 0x19
    check(
        Message::Display(PadDisplay::showing(12, Some(7))),
        3,
        &[
            0xFF, 0x68, 0x08, 0x08, 0x68, 0x03, 0x02, 0x0A, 0x01, 0x02, 0x00, 0x00, 0x07, 0x19,
            0x16,
        ],
    );
}

#[test]
fn blank_display() {
    // data = six 0A; L = 8; CS = 03 + 02 + 6 × 0A = 3 + 2 + 60 = 65 = 0x41
    check(
        Message::Display(PadDisplay::BLANK),
        3,
        &[
            0xFF, 0x68, 0x08, 0x08, 0x68, 0x03, 0x02, 0x0A, 0x0A, 0x0A, 0x0A, 0x0A, 0x0A, 0x41,
            0x16,
        ],
    );
}

#[test]
fn beep() {
    // no data; L = 2; CS = 03 + 03 = 0x06
    check(
        Message::Beep,
        3,
        &[0xFF, 0x68, 0x02, 0x02, 0x68, 0x03, 0x03, 0x06, 0x16],
    );
}

#[test]
fn rating_key_2_from_the_rating_pad_at_address_0x21() {
    // L = 3; CS = 21 + 11 + 02 = 33 + 17 + 2 = 52 = 0x34
    check(
        Message::Rating(RatingKey::new(2).unwrap()),
        0x21,
        &[0xFF, 0x68, 0x03, 0x03, 0x68, 0x21, 0x11, 0x02, 0x34, 0x16],
    );
}

#[test]
fn checksum_wraps_mod_256() {
    // CS = FE + 01 + 0C = 254 + 1 + 12 = 267 = 0x10B → 0x0B
    check(
        Message::Key(PadKey::CallNext),
        0xFE,
        &[0xFF, 0x68, 0x03, 0x03, 0x68, 0xFE, 0x01, 0x0C, 0x0B, 0x16],
    );
}

#[test]
fn display_waiting_305_ticket_128_at_window_61() {
    // ADDR 0x3D = 61; data = 03 00 05 | 01 02 08
    // CS = 3D + 02 + 03 + 00 + 05 + 01 + 02 + 08 = 61 + 2 + 19 = 82 = 0x52
    check(
        Message::Display(PadDisplay::showing(305, Some(128))),
        0x3D,
        &[
            0xFF, 0x68, 0x08, 0x08, 0x68, 0x3D, 0x02, 0x03, 0x00, 0x05, 0x01, 0x02, 0x08, 0x52,
            0x16,
        ],
    );
}

#[test]
fn no_show_is_digit_6_then_confirm() {
    // 6: CS = 03 + 01 + 06 = 0x0A;  ✓: CS = 03 + 01 + 0F = 0x13
    check(
        Message::Key(PadKey::Digit6),
        3,
        &[0xFF, 0x68, 0x03, 0x03, 0x68, 0x03, 0x01, 0x06, 0x0A, 0x16],
    );
    check(
        Message::Key(PadKey::Confirm),
        3,
        &[0xFF, 0x68, 0x03, 0x03, 0x68, 0x03, 0x01, 0x0F, 0x13, 0x16],
    );
}

#[test]
fn the_ack_is_the_same_bytes_echoed() {
    let from_pad = [0xFF, 0x68, 0x03, 0x03, 0x68, 0x03, 0x01, 0x0C, 0x10, 0x16];
    let frame = Decoder::new().decode(&from_pad).remove(0);
    assert_eq!(frame.encode(), from_pad);
    assert_eq!(frame, Frame::new(3, 0x01, [0x0C]));
}

#[test]
fn pause_from_pad_3_has_a_checksum_equal_to_the_end_byte() {
    // CS = 03 + 01 + 12 = 0x16: framing is by position, so the CS byte is not the end.
    check(
        Message::Key(PadKey::Pause),
        3,
        &[0xFF, 0x68, 0x03, 0x03, 0x68, 0x03, 0x01, 0x12, 0x16, 0x16],
    );
}

#[test]
fn calling_back_ticket_128_on_pad_5_from_the_wire() {
    use hallq_rs485::{PadAction, PadInput, PadStep};
    use std::time::Duration;

    // keys 3 1 2 8 ✓; CS = 05 + 01 + key = 09, 07, 08, 0E, 15
    #[rustfmt::skip]
    let wire = [
        0xFF, 0x68, 0x03, 0x03, 0x68, 0x05, 0x01, 0x03, 0x09, 0x16,
        0xFF, 0x68, 0x03, 0x03, 0x68, 0x05, 0x01, 0x01, 0x07, 0x16,
        0xFF, 0x68, 0x03, 0x03, 0x68, 0x05, 0x01, 0x02, 0x08, 0x16,
        0xFF, 0x68, 0x03, 0x03, 0x68, 0x05, 0x01, 0x08, 0x0E, 0x16,
        0xFF, 0x68, 0x03, 0x03, 0x68, 0x05, 0x01, 0x0F, 0x15, 0x16,
    ];
    let mut pad = PadInput::new();
    let steps: Vec<PadStep> = Decoder::new()
        .decode(&wire)
        .iter()
        .zip(0u64..)
        .map(|(frame, t)| match Message::from_frame(frame) {
            Ok(Message::Key(key)) if frame.addr == 5 => pad.press(key, Duration::from_secs(t)),
            other => panic!("not a key from pad 5: {other:?}"),
        })
        .collect();
    assert_eq!(
        steps,
        [
            vec![PadStep::Pending; 4],
            vec![PadStep::Action(PadAction::CallBack { ticket: Some(128) })]
        ]
        .concat()
    );
}

#[test]
fn display_waiting_11_ticket_128_on_pad_5() {
    // CS = 05 + 02 + 0A + 01 + 01 + 01 + 02 + 08 = 5 + 2 + 10 + 1 + 1 + 1 + 2 + 8 = 30 = 0x1E
    check(
        Message::Display(PadDisplay::showing(11, Some(128))),
        5,
        &[
            0xFF, 0x68, 0x08, 0x08, 0x68, 0x05, 0x02, 0x0A, 0x01, 0x01, 0x01, 0x02, 0x08, 0x1E,
            0x16,
        ],
    );
}
