//! Typed messages carried by [`Frame`]s: what a FUNC code and its data mean.
//!
//! | FUNC | direction   | data                              | message               |
//! |------|-------------|-----------------------------------|-----------------------|
//! | `01` | pad → host  | 1 byte: key code                  | [`Message::Key`]      |
//! | `11` | pad → host  | 1 byte: rating key `01`..`04`     | [`Message::Rating`]   |
//! | `02` | host → pad  | 6 digit bytes (`0A` = blank)      | [`Message::Display`]  |
//! | `03` | host → pad  | none                              | [`Message::Beep`]     |
//!
//! FUNC `02`, `03` and `11` come from the vendor description in DOMAIN.md; FUNC `01` for key
//! presses is **our choice**, since that description gives the key codes but not the FUNC
//! that carries them.
//!
//! Decoding is strict: [`Message::from_frame`] accepts exactly the frames
//! [`Message::to_frame`] produces, so `to_frame(from_frame(f)?)` gives back `f` byte for byte.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::frame::Frame;

/// FUNC of a key press on a call pad (our choice; one data byte = [`PadKey::code`]).
pub const FUNC_KEY: u8 = 0x01;
/// FUNC of the host's display update: six digit bytes.
pub const FUNC_DISPLAY: u8 = 0x02;
/// FUNC of the host's beep request: no data.
pub const FUNC_BEEP: u8 = 0x03;
/// FUNC of a rating pad's key press: one data byte `01`..`04`.
pub const FUNC_RATING: u8 = 0x11;
/// A display digit byte that lights nothing.
pub const BLANK: u8 = 0x0A;

/// A key on the call pad, with its code as sent in a [`FUNC_KEY`] frame.
///
/// The digit keys send their value (`00`..`09`). `Digit0`, `Digit3` and `Digit6` double as
/// function selectors when followed by [`PadKey::Confirm`] (hold, call back, no-show); see
/// [`crate::PadInput`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum PadKey {
    /// Digit 0 (`00`); alone before confirm: hold (挂起).
    Digit0 = 0x00,
    /// Digit 1 (`01`).
    Digit1 = 0x01,
    /// Digit 2 (`02`).
    Digit2 = 0x02,
    /// Digit 3 (`03`); first in a sequence: call back a held ticket.
    Digit3 = 0x03,
    /// Digit 4 (`04`).
    Digit4 = 0x04,
    /// Digit 5 (`05`).
    Digit5 = 0x05,
    /// Digit 6 (`06`); alone before confirm: skip / no-show (过号).
    Digit6 = 0x06,
    /// Digit 7 (`07`).
    Digit7 = 0x07,
    /// Digit 8 (`08`).
    Digit8 = 0x08,
    /// Digit 9 (`09`).
    Digit9 = 0x09,
    /// Finish the current ticket and ask the citizen to rate (`0B`).
    Finish = 0x0B,
    /// Call the next ticket (`0C`).
    CallNext = 0x0C,
    /// Call the current ticket again (`0D`).
    Recall = 0x0D,
    /// Confirm the digits typed so far (`0F`).
    Confirm = 0x0F,
    /// Pause the window (`12`).
    Pause = 0x12,
    /// Transfer the current ticket (`13`).
    Transfer = 0x13,
}

impl PadKey {
    const DIGITS: [PadKey; 10] = [
        PadKey::Digit0,
        PadKey::Digit1,
        PadKey::Digit2,
        PadKey::Digit3,
        PadKey::Digit4,
        PadKey::Digit5,
        PadKey::Digit6,
        PadKey::Digit7,
        PadKey::Digit8,
        PadKey::Digit9,
    ];

    /// The key's code on the wire.
    pub const fn code(self) -> u8 {
        self as u8
    }

    /// The key a code stands for, or `None` for a code no call pad sends.
    pub const fn from_code(code: u8) -> Option<PadKey> {
        Some(match code {
            0x00..=0x09 => PadKey::DIGITS[code as usize],
            0x0B => PadKey::Finish,
            0x0C => PadKey::CallNext,
            0x0D => PadKey::Recall,
            0x0F => PadKey::Confirm,
            0x12 => PadKey::Pause,
            0x13 => PadKey::Transfer,
            _ => return None,
        })
    }

    /// The digit key for `n` (0..=9), or `None`.
    pub const fn digit(n: u8) -> Option<PadKey> {
        if n <= 9 {
            Some(PadKey::DIGITS[n as usize])
        } else {
            None
        }
    }

    /// The digit this key types, or `None` for a function key.
    pub const fn as_digit(self) -> Option<u8> {
        let code = self.code();
        if code <= 9 { Some(code) } else { None }
    }
}

/// A key on the 4-key rating pad, `1..=4` as printed on the pad.
///
/// Which key means which satisfaction level is the hall's configuration (pads differ, and
/// provincial code orders differ), so the codec keeps the key number and maps nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct RatingKey(u8);

impl RatingKey {
    /// The rating key `n`, or `None` unless `1 <= n <= 4`.
    pub const fn new(n: u8) -> Option<RatingKey> {
        if n >= 1 && n <= 4 {
            Some(RatingKey(n))
        } else {
            None
        }
    }

    /// The key number, `1..=4`; also its byte on the wire.
    pub const fn get(self) -> u8 {
        self.0
    }
}

impl TryFrom<u8> for RatingKey {
    type Error = Unknown;

    fn try_from(n: u8) -> Result<RatingKey, Unknown> {
        RatingKey::new(n).ok_or(Unknown::RatingKey(n))
    }
}

impl From<RatingKey> for u8 {
    fn from(key: RatingKey) -> u8 {
        key.0
    }
}

/// What the call pad's six 7-segment digits show: the waiting count and the last three digits
/// of the ticket being served.
///
/// On the wire: three bytes for the waiting count, right-aligned with leading blanks (12 is
/// `0A 01 02`, 0 is `0A 0A 00`, no count is `0A 0A 0A`), then three bytes for the ticket, each
/// a digit or `0A`. Ticket digits keep their leading zeros (A007 shows `00 00 07`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PadDisplay {
    waiting: Option<u16>,
    ticket_digits: [Option<u8>; 3],
}

/// A display value the pad's three digits cannot show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum DisplayError {
    /// The waiting count is above 999.
    #[error("waiting count {0} does not fit in three digits")]
    WaitingTooLarge(u16),
    /// A ticket digit is above 9.
    #[error("ticket digit {0} is not a decimal digit")]
    NotADigit(u8),
}

impl PadDisplay {
    /// All six digits dark: no count, no ticket.
    pub const BLANK: PadDisplay = PadDisplay {
        waiting: None,
        ticket_digits: [None; 3],
    };

    /// A display from its parts, checked: `waiting <= 999`, every ticket digit `<= 9`.
    pub fn new(
        waiting: Option<u16>,
        ticket_digits: [Option<u8>; 3],
    ) -> Result<PadDisplay, DisplayError> {
        if let Some(w) = waiting.filter(|&w| w > 999) {
            return Err(DisplayError::WaitingTooLarge(w));
        }
        if let Some(d) = ticket_digits.into_iter().flatten().find(|&d| d > 9) {
            return Err(DisplayError::NotADigit(d));
        }
        Ok(PadDisplay {
            waiting,
            ticket_digits,
        })
    }

    /// The usual display: `waiting` people in line (999 when there are more, the most three
    /// digits show) and the last three digits of the ticket at the window, zero-padded.
    pub fn showing(waiting: u16, ticket: Option<u16>) -> PadDisplay {
        let ticket_digits = match ticket {
            Some(t) => {
                let t = t % 1000;
                [
                    Some((t / 100) as u8),
                    Some((t / 10 % 10) as u8),
                    Some((t % 10) as u8),
                ]
            }
            None => [None; 3],
        };
        PadDisplay {
            waiting: Some(waiting.min(999)),
            ticket_digits,
        }
    }

    /// The waiting count shown, or `None` when those digits are dark.
    pub fn waiting(&self) -> Option<u16> {
        self.waiting
    }

    /// The three ticket digits, `None` where dark.
    pub fn ticket_digits(&self) -> [Option<u8>; 3] {
        self.ticket_digits
    }

    /// The six data bytes of the [`FUNC_DISPLAY`] frame.
    pub fn to_bytes(&self) -> [u8; 6] {
        let mut out = [BLANK; 6];
        if let Some(w) = self.waiting {
            out[2] = (w % 10) as u8;
            if w >= 10 {
                out[1] = (w / 10 % 10) as u8;
            }
            if w >= 100 {
                out[0] = (w / 100) as u8;
            }
        }
        for (slot, digit) in out[3..].iter_mut().zip(self.ticket_digits) {
            *slot = digit.unwrap_or(BLANK);
        }
        out
    }

    /// The display the six bytes describe, or `None` unless they are exactly what
    /// [`PadDisplay::to_bytes`] would send (so leading zeros in the count are refused).
    pub fn from_bytes(bytes: [u8; 6]) -> Option<PadDisplay> {
        let digit = |b: u8| match b {
            0..=9 => Some(Some(b)),
            BLANK => Some(None),
            _ => None,
        };
        let mut ticket_digits = [None; 3];
        for (slot, &b) in ticket_digits.iter_mut().zip(&bytes[3..]) {
            *slot = digit(b)?;
        }
        let mut waiting: Option<u16> = None;
        for &b in &bytes[..3] {
            waiting = match (waiting, digit(b)?) {
                (None, None) => None,
                (Some(_), None) => return None, // a blank after a digit
                (w, Some(d)) => Some(w.unwrap_or(0) * 10 + u16::from(d)),
            };
        }
        let display = PadDisplay {
            waiting,
            ticket_digits,
        };
        (display.to_bytes() == bytes).then_some(display)
    }
}

/// Which way a message travels on the bus.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Sent by a pad; the host echoes it as the acknowledgement.
    PadToHost,
    /// Sent by the host to a pad.
    HostToPad,
}

/// A frame's meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Message {
    /// A call pad key was pressed (FUNC `01`, our choice).
    Key(PadKey),
    /// A rating pad key was pressed (FUNC `11`).
    Rating(RatingKey),
    /// Set the call pad's digits (FUNC `02`).
    Display(PadDisplay),
    /// Make the pad beep (FUNC `03`), e.g. to reject a key sequence.
    Beep,
}

/// A frame that is not one of our messages: its FUNC, data length or content is unknown.
///
/// Good frames can still be unknown (another vendor's device on the bus, newer firmware); the
/// gateway logs them and goes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Error)]
pub enum Unknown {
    /// No message uses this FUNC.
    #[error("unknown FUNC {0:#04x}")]
    Func(u8),
    /// The FUNC is known but its data has another length.
    #[error("FUNC {func:#04x} carries {expected} data bytes, not {actual}")]
    DataLength {
        /// The frame's FUNC.
        func: u8,
        /// The data length that FUNC always has.
        expected: usize,
        /// The frame's data length.
        actual: usize,
    },
    /// A key frame with a code no call pad key has.
    #[error("unknown key code {0:#04x}")]
    KeyCode(u8),
    /// A rating frame whose key is not 1..=4.
    #[error("rating key {0:#04x} is not 1..=4")]
    RatingKey(u8),
    /// Display bytes that are not digits, blanks, and a right-aligned count.
    #[error("display bytes {0:02X?} are not a display we send")]
    DisplayBytes([u8; 6]),
}

impl Message {
    /// The message a frame carries, whatever its address.
    pub fn from_frame(frame: &Frame) -> Result<Message, Unknown> {
        let data = frame.data.as_slice();
        let expect = |expected: usize| {
            if data.len() == expected {
                Ok(())
            } else {
                Err(Unknown::DataLength {
                    func: frame.func,
                    expected,
                    actual: data.len(),
                })
            }
        };
        match frame.func {
            FUNC_KEY => {
                expect(1)?;
                PadKey::from_code(data[0])
                    .map(Message::Key)
                    .ok_or(Unknown::KeyCode(data[0]))
            }
            FUNC_RATING => {
                expect(1)?;
                RatingKey::try_from(data[0]).map(Message::Rating)
            }
            FUNC_DISPLAY => {
                expect(6)?;
                let bytes: [u8; 6] = [data[0], data[1], data[2], data[3], data[4], data[5]];
                PadDisplay::from_bytes(bytes)
                    .map(Message::Display)
                    .ok_or(Unknown::DisplayBytes(bytes))
            }
            FUNC_BEEP => {
                expect(0)?;
                Ok(Message::Beep)
            }
            func => Err(Unknown::Func(func)),
        }
    }

    /// The frame that carries this message to or from the pad at `addr`.
    pub fn to_frame(&self, addr: u8) -> Frame {
        match self {
            Message::Key(key) => Frame::new(addr, FUNC_KEY, [key.code()]),
            Message::Rating(key) => Frame::new(addr, FUNC_RATING, [key.get()]),
            Message::Display(display) => Frame::new(addr, FUNC_DISPLAY, display.to_bytes()),
            Message::Beep => Frame::new(addr, FUNC_BEEP, []),
        }
    }

    /// Who sends this message. A host→pad message read from the bus is the host's own
    /// transmission (or a pad's echo of it) and needs no action.
    pub fn direction(&self) -> Direction {
        match self {
            Message::Key(_) | Message::Rating(_) => Direction::PadToHost,
            Message::Display(_) | Message::Beep => Direction::HostToPad,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_code_round_trips_and_others_are_refused() {
        for code in 0..=u8::MAX {
            match PadKey::from_code(code) {
                Some(key) => assert_eq!(key.code(), code),
                None => assert!(matches!(code, 0x0A | 0x0E | 0x10 | 0x11 | 0x14..)),
            }
        }
        assert_eq!(PadKey::digit(6), Some(PadKey::Digit6));
        assert_eq!(PadKey::digit(10), None);
        assert_eq!(PadKey::CallNext.as_digit(), None);
    }

    #[test]
    fn the_waiting_count_is_right_aligned_with_leading_blanks() {
        let bytes = |w| PadDisplay::showing(w, None).to_bytes();
        assert_eq!(bytes(0), [0x0A, 0x0A, 0x00, 0x0A, 0x0A, 0x0A]);
        assert_eq!(bytes(7), [0x0A, 0x0A, 0x07, 0x0A, 0x0A, 0x0A]);
        assert_eq!(bytes(40), [0x0A, 0x04, 0x00, 0x0A, 0x0A, 0x0A]);
        assert_eq!(bytes(305), [0x03, 0x00, 0x05, 0x0A, 0x0A, 0x0A]);
        assert_eq!(bytes(5000), [0x09, 0x09, 0x09, 0x0A, 0x0A, 0x0A]);
    }

    #[test]
    fn non_canonical_display_bytes_are_unknown() {
        for bytes in [
            [0x00, 0x01, 0x02, 0x00, 0x00, 0x07], // leading zero in the count
            [0x01, 0x0A, 0x02, 0x00, 0x00, 0x07], // blank inside the count
            [0x0A, 0x0A, 0x0B, 0x00, 0x00, 0x07], // not a digit
            [0x0A, 0x0A, 0x00, 0x00, 0x10, 0x07],
        ] {
            assert_eq!(PadDisplay::from_bytes(bytes), None, "{bytes:02X?}");
        }
    }

    #[test]
    fn display_new_checks_its_ranges() {
        assert_eq!(
            PadDisplay::new(Some(1000), [None; 3]),
            Err(DisplayError::WaitingTooLarge(1000))
        );
        assert_eq!(
            PadDisplay::new(None, [Some(1), Some(10), None]),
            Err(DisplayError::NotADigit(10))
        );
        assert_eq!(PadDisplay::new(None, [None; 3]), Ok(PadDisplay::BLANK));
    }

    #[test]
    fn rating_keys_serialise_as_their_number() {
        let key = RatingKey::new(2).unwrap();
        assert_eq!(serde_json::to_string(&key).unwrap(), "2");
        assert_eq!(serde_json::from_str::<RatingKey>("4").unwrap().get(), 4);
        assert!(serde_json::from_str::<RatingKey>("5").is_err());
        assert!(serde_json::from_str::<RatingKey>("0").is_err());
    }
}
