//! [`PadInput`]: the call pad's key sequences, from raw [`PadKey`] presses to [`PadAction`]s.
//!
//! Function keys act at once. Three actions are typed as digits then `✓` (confirm, `0F`):
//!
//! | keys                 | action                                    |
//! |----------------------|-------------------------------------------|
//! | `0C`                 | [`PadAction::CallNext`]                   |
//! | `0D`                 | [`PadAction::Recall`]                     |
//! | `0B`                 | [`PadAction::FinishAndRate`]              |
//! | `12`                 | [`PadAction::Pause`]                      |
//! | `13`                 | [`PadAction::Transfer`]                   |
//! | `6 ✓`                | [`PadAction::NoShow`]                     |
//! | `0 ✓`                | [`PadAction::Hold`]                       |
//! | `3 ✓`                | [`PadAction::CallBack`] `{ ticket: None }` (the longest-held) |
//! | `3 d ✓` … `3 d d d ✓` | [`PadAction::CallBack`] `{ ticket: Some(ddd) }`             |
//!
//! The first digit selects the function, so a wrong first digit is refused at once (the pad
//! can beep while the clerk's finger is still on it). A function key pressed while digits are
//! pending drops them and acts: calling the next citizen must never wait on a half-typed
//! sequence. Digits left untouched longer than the timeout are dropped before the next key.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::message::PadKey;

/// How long typed digits wait for the next key before they are forgotten.
pub const DEFAULT_DIGIT_TIMEOUT: Duration = Duration::from_secs(10);

/// First digit of the hold sequence `0 ✓`.
pub const SELECT_HOLD: u8 = 0;
/// First digit of the call-back sequence `3 [d [d [d]]] ✓`.
pub const SELECT_CALL_BACK: u8 = 3;
/// First digit of the no-show sequence `6 ✓`.
pub const SELECT_NO_SHOW: u8 = 6;

/// Ticket digits a call back can carry: the pad shows the last three.
pub const MAX_TICKET_DIGITS: usize = 3;

/// What the clerk asked for on the call pad. The hall controller decides whether it is
/// allowed (recall capped at 5, nothing to finish, …); the pad only reports the intent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum PadAction {
    /// Call the next ticket (叫号), `0C`.
    CallNext,
    /// Call the current ticket again (重呼), `0D`.
    Recall,
    /// Finish the current ticket and ask for a rating (办结 + 评价), `0B`.
    FinishAndRate,
    /// The pause key (暂停), `12`; whether a second press resumes is the controller's rule.
    Pause,
    /// Transfer the current ticket (转移), `13`; the target is the controller's choice.
    Transfer,
    /// The called citizen did not come (过号), `6 ✓`.
    NoShow,
    /// Put the current ticket on hold (挂起), `0 ✓`.
    Hold,
    /// Call back a held ticket, `3 ✓` (the longest-held one) or `3 ddd ✓` (the held ticket
    /// whose number ends in `ddd`; `3 7 ✓` and `3 007 ✓` both mean 7).
    CallBack {
        /// The last digits of the ticket's number, or `None` for the longest-held ticket.
        ticket: Option<u16>,
    },
}

/// What one key press did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PadStep {
    /// A digit was taken; the sequence goes on.
    Pending,
    /// A sequence is complete.
    Action(PadAction),
    /// The sequence cannot be completed; it was dropped (the gateway may send a beep).
    Invalid(InvalidSequence),
}

/// Why a digit sequence was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InvalidSequence {
    /// The first digit selects no function (only 0, 3 and 6 do).
    UnknownFunction(u8),
    /// One digit too many after this function's selector (none after 0 or 6, at most three
    /// after 3).
    TooManyDigits {
        /// The selector digit the sequence started with.
        function: u8,
    },
    /// Confirm with no digits typed.
    NothingToConfirm,
}

/// One call pad's key-sequence state. The gateway keeps one per pad address and feeds it
/// every [`PadKey`] from that pad, with a monotonic `now` (any fixed origin).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PadInput {
    digits: [u8; 1 + MAX_TICKET_DIGITS],
    len: usize,
    last_key_at: Duration,
    timeout: Duration,
}

impl Default for PadInput {
    fn default() -> PadInput {
        PadInput::new()
    }
}

impl PadInput {
    /// No digits pending, [`DEFAULT_DIGIT_TIMEOUT`].
    pub fn new() -> PadInput {
        PadInput::with_timeout(DEFAULT_DIGIT_TIMEOUT)
    }

    /// No digits pending; digits older than `timeout` are forgotten.
    pub fn with_timeout(timeout: Duration) -> PadInput {
        PadInput {
            digits: [0; 1 + MAX_TICKET_DIGITS],
            len: 0,
            last_key_at: Duration::ZERO,
            timeout,
        }
    }

    /// The digits typed so far and not yet confirmed.
    pub fn pending(&self) -> &[u8] {
        &self.digits[..self.len]
    }

    /// Forget the pending digits.
    pub fn clear(&mut self) {
        self.len = 0;
    }

    /// Feed one key press, pressed at `now`.
    pub fn press(&mut self, key: PadKey, now: Duration) -> PadStep {
        if self.len > 0 && now.saturating_sub(self.last_key_at) > self.timeout {
            self.clear();
        }
        self.last_key_at = now;
        if let Some(d) = key.as_digit() {
            return self.digit(d);
        }
        if let Some(action) = function_action(key) {
            self.clear();
            return PadStep::Action(action);
        }
        // Only the confirm key is left.
        let step = self.confirm();
        self.clear();
        step
    }

    fn digit(&mut self, d: u8) -> PadStep {
        if self.len == 0 {
            if !matches!(d, SELECT_HOLD | SELECT_CALL_BACK | SELECT_NO_SHOW) {
                return PadStep::Invalid(InvalidSequence::UnknownFunction(d));
            }
        } else {
            let function = self.digits[0];
            let max = match function {
                SELECT_CALL_BACK => 1 + MAX_TICKET_DIGITS,
                _ => 1,
            };
            if self.len >= max {
                self.clear();
                return PadStep::Invalid(InvalidSequence::TooManyDigits { function });
            }
        }
        self.digits[self.len] = d;
        self.len += 1;
        PadStep::Pending
    }

    fn confirm(&self) -> PadStep {
        let action = match self.pending() {
            [] => return PadStep::Invalid(InvalidSequence::NothingToConfirm),
            [SELECT_HOLD] => PadAction::Hold,
            [SELECT_NO_SHOW] => PadAction::NoShow,
            [SELECT_CALL_BACK] => PadAction::CallBack { ticket: None },
            [SELECT_CALL_BACK, number @ ..] => PadAction::CallBack {
                ticket: Some(number.iter().fold(0, |n, &d| n * 10 + u16::from(d))),
            },
            // `digit` lets no other sequence through; refuse it the same way if one appears.
            [function, ..] => {
                return PadStep::Invalid(InvalidSequence::TooManyDigits {
                    function: *function,
                });
            }
        };
        PadStep::Action(action)
    }
}

/// The action of a key that acts on its own, or `None` for digits and confirm.
fn function_action(key: PadKey) -> Option<PadAction> {
    Some(match key {
        PadKey::CallNext => PadAction::CallNext,
        PadKey::Recall => PadAction::Recall,
        PadKey::Finish => PadAction::FinishAndRate,
        PadKey::Pause => PadAction::Pause,
        PadKey::Transfer => PadAction::Transfer,
        _ => return None,
    })
}
