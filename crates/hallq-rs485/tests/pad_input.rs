//! The call pad's key sequences.

use std::time::Duration;

use hallq_rs485::input::DEFAULT_DIGIT_TIMEOUT;
use hallq_rs485::{InvalidSequence, PadAction, PadInput, PadKey, PadStep};

const T0: Duration = Duration::from_secs(100);

/// Press `keys` one second apart; return the step of every press.
fn press_all(input: &mut PadInput, keys: &[PadKey]) -> Vec<PadStep> {
    keys.iter()
        .zip(0u64..)
        .map(|(&key, i)| input.press(key, T0 + Duration::from_secs(i)))
        .collect()
}

/// The step after the last of `keys`, on a fresh pad.
fn last_step(keys: &[PadKey]) -> PadStep {
    *press_all(&mut PadInput::new(), keys).last().unwrap()
}

fn d(n: u8) -> PadKey {
    PadKey::digit(n).unwrap()
}

use PadKey::Confirm as OK;

#[test]
fn function_keys_act_at_once() {
    for (key, action) in [
        (PadKey::CallNext, PadAction::CallNext),
        (PadKey::Recall, PadAction::Recall),
        (PadKey::Finish, PadAction::FinishAndRate),
        (PadKey::Pause, PadAction::Pause),
        (PadKey::Transfer, PadAction::Transfer),
    ] {
        assert_eq!(last_step(&[key]), PadStep::Action(action));
    }
}

#[test]
fn digit_confirm_sequences() {
    assert_eq!(last_step(&[d(6), OK]), PadStep::Action(PadAction::NoShow));
    assert_eq!(last_step(&[d(0), OK]), PadStep::Action(PadAction::Hold));
    assert_eq!(
        last_step(&[d(3), OK]),
        PadStep::Action(PadAction::CallBack { ticket: None })
    );
    assert_eq!(
        last_step(&[d(3), d(7), OK]),
        PadStep::Action(PadAction::CallBack { ticket: Some(7) })
    );
    assert_eq!(
        last_step(&[d(3), d(0), d(0), d(7), OK]),
        PadStep::Action(PadAction::CallBack { ticket: Some(7) })
    );
    assert_eq!(
        last_step(&[d(3), d(1), d(2), d(8), OK]),
        PadStep::Action(PadAction::CallBack { ticket: Some(128) })
    );
}

#[test]
fn digits_are_pending_until_confirm() {
    let mut pad = PadInput::new();
    let steps = press_all(&mut pad, &[d(3), d(1), d(2)]);
    assert_eq!(steps, vec![PadStep::Pending; 3]);
    assert_eq!(pad.pending(), &[3, 1, 2]);
}

#[test]
fn bad_sequences_are_refused_and_forgotten() {
    assert_eq!(
        last_step(&[d(5)]),
        PadStep::Invalid(InvalidSequence::UnknownFunction(5))
    );
    assert_eq!(
        last_step(&[d(6), d(6)]),
        PadStep::Invalid(InvalidSequence::TooManyDigits { function: 6 })
    );
    assert_eq!(
        last_step(&[d(0), d(1)]),
        PadStep::Invalid(InvalidSequence::TooManyDigits { function: 0 })
    );
    assert_eq!(
        last_step(&[d(3), d(1), d(2), d(3), d(4)]),
        PadStep::Invalid(InvalidSequence::TooManyDigits { function: 3 })
    );
    assert_eq!(
        last_step(&[OK]),
        PadStep::Invalid(InvalidSequence::NothingToConfirm)
    );
    // After a refusal the pad starts over.
    let mut pad = PadInput::new();
    press_all(&mut pad, &[d(6), d(6)]);
    assert!(pad.pending().is_empty());
    assert_eq!(
        pad.press(OK, T0 + Duration::from_secs(5)),
        PadStep::Invalid(InvalidSequence::NothingToConfirm)
    );
}

#[test]
fn a_function_key_drops_pending_digits_and_acts() {
    let mut pad = PadInput::new();
    let steps = press_all(&mut pad, &[d(3), d(1), PadKey::CallNext, OK]);
    assert_eq!(steps[2], PadStep::Action(PadAction::CallNext));
    assert_eq!(
        steps[3],
        PadStep::Invalid(InvalidSequence::NothingToConfirm)
    );
}

#[test]
fn stale_digits_are_forgotten_after_the_timeout() {
    let mut pad = PadInput::new();
    assert_eq!(pad.press(d(3), T0), PadStep::Pending);
    // Exactly at the timeout the digits still count.
    assert_eq!(
        pad.press(d(4), T0 + DEFAULT_DIGIT_TIMEOUT),
        PadStep::Pending
    );
    // Past it, "3 4" is gone: "6 ✓" is a no-show, not a call back of ticket 46.
    let later = T0 + DEFAULT_DIGIT_TIMEOUT * 2 + Duration::from_millis(1);
    assert_eq!(pad.press(d(6), later), PadStep::Pending);
    assert_eq!(pad.pending(), &[6]);
    assert_eq!(
        pad.press(OK, later + Duration::from_secs(1)),
        PadStep::Action(PadAction::NoShow)
    );
}

#[test]
fn actions_serialise_with_a_tag() {
    let json = serde_json::to_string(&PadAction::CallBack { ticket: Some(7) }).unwrap();
    assert_eq!(json, r#"{"action":"call_back","ticket":7}"#);
    assert_eq!(
        serde_json::to_string(&PadAction::FinishAndRate).unwrap(),
        r#"{"action":"finish_and_rate"}"#
    );
}
