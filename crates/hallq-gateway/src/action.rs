//! From a call pad's [`PadAction`] to HTTP requests at its window. Pure: the driver
//! (`crate::pads`) sends the requests, retries them and beeps.
//!
//! | pad | request |
//! |---|---|
//! | call next `0C` | `call-next` |
//! | recall `0D` | `recall` |
//! | finish `0B` | `finish` (a `called` ticket is first started: the pad has no start key) |
//! | pause `12` | `pause` `{"reason": "暂离"}` (`resume` when the window is already paused) |
//! | no-show `6 ✓` | `no-show` |
//! | hold `0 ✓` | `hold` |
//! | call back `3 ✓` | `call-back` with the longest-held number at the window |
//! | call back `3 ddd ✓` | `call-back` with the held number whose last digits are `ddd` |
//! | transfer `13` | none: a pad cannot pick the target queue ([`LocalRefusal::TransferNeedsConsole`]) |
//!
//! Every request carries an `Idempotency-Key` made from the key press ([`request_key`]), and a
//! retry resends the very same body bytes, so a press acts at most once however often the
//! request is repeated.
//!
//! A 4-key rating pad's key becomes one `POST /api/v1/ratings` `{"window": n, "level": …}`
//! ([`plan_rating`]): key 1..=4 → the pad's configured level ([`crate::config::PadConfig::levels`]),
//! with its own key per press ([`rating_key`]).

use hallq_rs485::{PadAction, RatingKey};
use serde_json::Value;

use crate::config::RatingLevel;
use crate::display::ticket_digits;

/// Where a rating pad's ratings go.
pub const RATINGS_PATH: &str = "/api/v1/ratings";

/// The away message of a pause from the pad (暂离, "away for a moment"): the pad cannot type one.
pub const PAUSE_REASON: &str = "暂离";

/// A window action of `POST /api/v1/windows/{n}/{action}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WindowAction {
    /// `call-next`
    CallNext,
    /// `recall`
    Recall,
    /// `start`
    Start,
    /// `finish`
    Finish,
    /// `no-show`
    NoShow,
    /// `hold`
    Hold,
    /// `call-back`
    CallBack,
    /// `pause`
    Pause,
    /// `resume`
    Resume,
}

impl WindowAction {
    /// The action's path segment.
    pub fn as_str(self) -> &'static str {
        match self {
            WindowAction::CallNext => "call-next",
            WindowAction::Recall => "recall",
            WindowAction::Start => "start",
            WindowAction::Finish => "finish",
            WindowAction::NoShow => "no-show",
            WindowAction::Hold => "hold",
            WindowAction::CallBack => "call-back",
            WindowAction::Pause => "pause",
            WindowAction::Resume => "resume",
        }
    }
}

/// One request to send: the window, the action and the exact body bytes (a retry must resend
/// the same bytes for the controller to recognise it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WindowRequest {
    /// The pad's window.
    pub window: u32,
    /// What to do there.
    pub action: WindowAction,
    /// The JSON body, exactly as sent.
    pub body: String,
}

impl WindowRequest {
    fn new(window: u32, action: WindowAction) -> WindowRequest {
        WindowRequest {
            window,
            action,
            body: "{}".into(),
        }
    }

    /// `/api/v1/windows/{window}/{action}`.
    pub fn path(&self) -> String {
        format!("/api/v1/windows/{}/{}", self.window, self.action.as_str())
    }
}

/// Why a pad action leads to no request. The driver logs it and beeps twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LocalRefusal {
    /// Transfer needs a target queue, which only the clerk console can choose.
    #[error("transfer needs the console: a pad cannot pick the target queue")]
    TransferNeedsConsole,
    /// Call back with nothing held at the window.
    #[error("nothing is held at this window")]
    NothingHeld,
    /// Call back by number, and no held ticket ends in those digits.
    #[error("no ticket held at this window ends in {0:03}")]
    NoHeldTicketEndingIn(u16),
}

/// Whether [`plan`] needs the window's held tickets (from `/api/v1/live`) to decide.
pub fn needs_held(action: PadAction) -> bool {
    matches!(action, PadAction::CallBack { .. })
}

/// The held ticket a call back means: the oldest for `None`, else the oldest whose trailing
/// digits end in `ending` (the pad types at most three digits; `7` means `…007`).
pub fn find_held(held: &[String], ending: Option<u16>) -> Option<&str> {
    let mut candidates = held.iter().map(String::as_str);
    match ending {
        None => candidates.next(),
        Some(n) => candidates.find(|number| ticket_digits(number) == Some(n % 1000)),
    }
}

/// The first request for `action` at `window`; `held` is the window's held list, oldest first
/// (only read for a call back, see [`needs_held`]).
pub fn plan(
    action: PadAction,
    window: u32,
    held: &[String],
) -> Result<WindowRequest, LocalRefusal> {
    let simple = |a| Ok(WindowRequest::new(window, a));
    match action {
        PadAction::CallNext => simple(WindowAction::CallNext),
        PadAction::Recall => simple(WindowAction::Recall),
        PadAction::FinishAndRate => simple(WindowAction::Finish),
        PadAction::NoShow => simple(WindowAction::NoShow),
        PadAction::Hold => simple(WindowAction::Hold),
        PadAction::Pause => Ok(WindowRequest {
            window,
            action: WindowAction::Pause,
            body: serde_json::json!({ "reason": PAUSE_REASON }).to_string(),
        }),
        PadAction::Transfer => Err(LocalRefusal::TransferNeedsConsole),
        PadAction::CallBack { ticket } => {
            let number = find_held(held, ticket).ok_or(match ticket {
                None => LocalRefusal::NothingHeld,
                Some(n) => LocalRefusal::NoHeldTicketEndingIn(n),
            })?;
            Ok(WindowRequest {
                window,
                action: WindowAction::CallBack,
                body: serde_json::json!({ "number": number }).to_string(),
            })
        }
    }
}

/// One rating to submit: the pad's window, the level its key means, and the exact body bytes
/// (resent unchanged by every retry).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RatingRequest {
    /// The rating pad's window.
    pub window: u32,
    /// The level the key stands for.
    pub level: RatingLevel,
    /// `{"window":n,"level":"…"}`, exactly as sent.
    pub body: String,
}

impl RatingRequest {
    /// [`RATINGS_PATH`].
    pub fn path(&self) -> &'static str {
        RATINGS_PATH
    }
}

/// The level rating key `key` (1..=4) means on a pad whose keys mean `levels`, in key order.
pub fn rating_level(key: RatingKey, levels: &[RatingLevel; 4]) -> RatingLevel {
    levels[usize::from(key.get() - 1)]
}

/// The rating request of `key` pressed on the rating pad at `window`.
pub fn plan_rating(key: RatingKey, window: u32, levels: &[RatingLevel; 4]) -> RatingRequest {
    let level = rating_level(key, levels);
    RatingRequest {
        window,
        level,
        body: serde_json::json!({ "window": window, "level": level.as_str() }).to_string(),
    }
}

/// Whether a refused rating means "nothing awaits a rating at this window" (none requested,
/// expired, or already rated): the citizen pressed too late or twice, not a fault.
pub fn nothing_to_rate(status: u16, code: &str) -> bool {
    status == 409 && matches!(code, "no_rating_request" | "already_rated")
}

/// How the controller answered one request.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// Done (2xx), possibly a replay of an earlier attempt.
    Done,
    /// Not decided: the controller could not commit (5xx) or was not reached. Send the same
    /// request again, with the same key.
    Retry,
    /// Refused by the hall or the API (4xx): retrying the same request cannot help.
    Refused {
        /// HTTP status.
        status: u16,
        /// The problem's `code`, e.g. `no_ticket_waiting`.
        code: String,
        /// The whole problem body, for its typed fields.
        problem: Value,
    },
}

/// Sorts an HTTP answer into [`Reply`].
pub fn classify(status: u16, body: &Value) -> Reply {
    match status {
        200..=299 => Reply::Done,
        500..=599 => Reply::Retry,
        _ => Reply::Refused {
            status,
            code: body
                .get("code")
                .and_then(Value::as_str)
                .unwrap_or("unknown")
                .to_owned(),
            problem: body.clone(),
        },
    }
}

/// The requests that complete a refused one, when the refusal only means the pad's single key
/// stands for two steps; `None` when the refusal stands.
///
/// - `finish` refused because the ticket is still `called`: the citizen is at the window (the
///   clerk is finishing), so `start` and then the same `finish` again.
/// - `pause` refused with `already_paused`: the pad's pause key toggles, so `resume`.
pub fn recover(refused: &WindowRequest, code: &str, problem: &Value) -> Option<Vec<WindowRequest>> {
    let w = refused.window;
    match (refused.action, code) {
        (WindowAction::Finish, "wrong_state")
            if problem.get("ticket_status").and_then(Value::as_str) == Some("called") =>
        {
            Some(vec![
                WindowRequest::new(w, WindowAction::Start),
                refused.clone(),
            ])
        }
        (WindowAction::Pause, "already_paused") => {
            Some(vec![WindowRequest::new(w, WindowAction::Resume)])
        }
        _ => None,
    }
}

/// The key press's identity, unique across the gateway's runs: `boot` (this run's id), the
/// bus, the pad address and the press count on that pad.
pub fn press_key(boot: &str, bus: &str, address: u8, press: u64) -> String {
    format!("gw.{boot}.{bus}.{address}.{press}")
}

/// The `Idempotency-Key` of one request of a key press: the press and the action (a finish
/// that first starts the ticket sends two requests, each with its own key).
pub fn request_key(press: &str, action: WindowAction) -> String {
    format!("{press}.{}", action.as_str())
}

/// The `Idempotency-Key` of a rating pad's press: one rating per press.
pub fn rating_key(press: &str) -> String {
    format!("{press}.rate")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::DEFAULT_RATING_LEVELS;
    use serde_json::json;

    fn held(numbers: &[&str]) -> Vec<String> {
        numbers.iter().map(|s| s.to_string()).collect()
    }

    fn req(action: PadAction) -> WindowRequest {
        plan(action, 3, &[]).unwrap()
    }

    #[test]
    fn function_keys_map_to_their_window_action() {
        for (pad, action, path) in [
            (
                PadAction::CallNext,
                WindowAction::CallNext,
                "/api/v1/windows/3/call-next",
            ),
            (
                PadAction::Recall,
                WindowAction::Recall,
                "/api/v1/windows/3/recall",
            ),
            (
                PadAction::FinishAndRate,
                WindowAction::Finish,
                "/api/v1/windows/3/finish",
            ),
            (
                PadAction::NoShow,
                WindowAction::NoShow,
                "/api/v1/windows/3/no-show",
            ),
            (
                PadAction::Hold,
                WindowAction::Hold,
                "/api/v1/windows/3/hold",
            ),
        ] {
            let r = req(pad);
            assert_eq!(
                (r.action, r.path().as_str(), r.body.as_str()),
                (action, path, "{}")
            );
            assert!(!needs_held(pad));
        }
        let pause = req(PadAction::Pause);
        assert_eq!(pause.path(), "/api/v1/windows/3/pause");
        assert_eq!(pause.body, r#"{"reason":"暂离"}"#);
        assert_eq!(
            plan(PadAction::Transfer, 3, &[]),
            Err(LocalRefusal::TransferNeedsConsole)
        );
    }

    #[test]
    fn call_back_picks_the_held_ticket_by_its_last_digits_or_the_oldest() {
        let h = held(&["B128", "A007", "C1007"]);
        assert!(needs_held(PadAction::CallBack { ticket: None }));
        let r = plan(PadAction::CallBack { ticket: None }, 5, &h).unwrap();
        assert_eq!(r.path(), "/api/v1/windows/5/call-back");
        assert_eq!(r.body, r#"{"number":"B128"}"#, "the oldest");
        let r = plan(PadAction::CallBack { ticket: Some(7) }, 5, &h).unwrap();
        assert_eq!(r.body, r#"{"number":"A007"}"#, "the oldest ending in 007");
        let r = plan(PadAction::CallBack { ticket: Some(128) }, 5, &h).unwrap();
        assert_eq!(r.body, r#"{"number":"B128"}"#);
        assert_eq!(
            plan(PadAction::CallBack { ticket: Some(12) }, 5, &h),
            Err(LocalRefusal::NoHeldTicketEndingIn(12)),
            "12 is …012, not the end of 128"
        );
        assert_eq!(
            plan(PadAction::CallBack { ticket: None }, 5, &[]),
            Err(LocalRefusal::NothingHeld)
        );
        assert_eq!(find_held(&held(&["C1007"]), Some(7)), Some("C1007"));
    }

    #[test]
    fn answers_are_done_retry_or_refused() {
        assert_eq!(classify(200, &json!({"window": 3})), Reply::Done);
        assert_eq!(classify(503, &json!({"code": "unavailable"})), Reply::Retry);
        assert_eq!(classify(500, &Value::Null), Reply::Retry);
        let problem = json!({"code": "no_ticket_waiting", "window": 3});
        assert_eq!(
            classify(409, &problem),
            Reply::Refused {
                status: 409,
                code: "no_ticket_waiting".into(),
                problem
            }
        );
        assert!(
            matches!(classify(401, &Value::Null), Reply::Refused { code, .. } if code == "unknown")
        );
    }

    #[test]
    fn finish_on_a_called_ticket_starts_it_first_and_pause_toggles() {
        let finish = req(PadAction::FinishAndRate);
        let problem = json!({"code": "wrong_state", "number": "A001", "ticket_status": "called", "action": "finished"});
        let steps = recover(&finish, "wrong_state", &problem).unwrap();
        assert_eq!(
            steps.iter().map(|r| r.path()).collect::<Vec<_>>(),
            ["/api/v1/windows/3/start", "/api/v1/windows/3/finish"]
        );
        assert_eq!(steps[1], finish, "the very same finish request again");
        let held = json!({"code": "wrong_state", "ticket_status": "held"});
        assert_eq!(recover(&finish, "wrong_state", &held), None);
        assert_eq!(recover(&finish, "no_current_ticket", &json!({})), None);

        let pause = req(PadAction::Pause);
        let steps = recover(&pause, "already_paused", &json!({})).unwrap();
        assert_eq!(steps, vec![WindowRequest::new(3, WindowAction::Resume)]);
        assert_eq!(recover(&pause, "window_busy", &json!({})), None);
        assert_eq!(
            recover(&req(PadAction::CallNext), "no_ticket_waiting", &json!({})),
            None
        );
    }

    #[test]
    fn idempotency_keys_are_per_press_and_action_and_valid_header_values() {
        let press = press_key("19a2b3c4d5e6f708", "hall-a", 3, 42);
        assert_eq!(press, "gw.19a2b3c4d5e6f708.hall-a.3.42");
        let start = request_key(&press, WindowAction::Start);
        let finish = request_key(&press, WindowAction::Finish);
        assert_ne!(start, finish);
        assert_eq!(finish, "gw.19a2b3c4d5e6f708.hall-a.3.42.finish");
        let longest = request_key(
            &press_key(&"f".repeat(16), &"b".repeat(32), 255, u64::MAX),
            WindowAction::CallNext,
        );
        assert!(longest.len() <= 200 && longest.bytes().all(|b| b.is_ascii_graphic()));
    }

    fn key(n: u8) -> RatingKey {
        RatingKey::new(n).unwrap()
    }

    #[test]
    fn rating_keys_map_to_the_configured_levels_and_one_request() {
        let by_key: Vec<&str> = (1..=4)
            .map(|n| rating_level(key(n), &DEFAULT_RATING_LEVELS).as_str())
            .collect();
        assert_eq!(
            by_key,
            [
                "very_satisfied",
                "satisfied",
                "basically_satisfied",
                "dissatisfied"
            ]
        );
        let r = plan_rating(key(2), 3, &DEFAULT_RATING_LEVELS);
        assert_eq!(r.path(), "/api/v1/ratings");
        assert_eq!(r.level, RatingLevel::Satisfied);
        assert_eq!(r.body, r#"{"level":"satisfied","window":3}"#);
        let body: Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(body, json!({"window": 3, "level": "satisfied"}));

        // A hall whose key 4 is 非常不满意.
        let levels = [
            RatingLevel::VerySatisfied,
            RatingLevel::Satisfied,
            RatingLevel::BasicallySatisfied,
            RatingLevel::VeryDissatisfied,
        ];
        let r = plan_rating(key(4), 12, &levels);
        assert_eq!(r.level, RatingLevel::VeryDissatisfied);
        assert_eq!(r.body, r#"{"level":"very_dissatisfied","window":12}"#);
        for level in RatingLevel::ALL {
            assert_eq!(RatingLevel::from_name(level.as_str()), Some(level));
        }
        assert_eq!(RatingLevel::from_name("Satisfied"), None);
    }

    #[test]
    fn a_rating_press_has_one_key_and_a_409_means_nothing_to_rate() {
        let press = press_key("19a2b3c4d5e6f708", "hall-a", 35, 7);
        assert_eq!(rating_key(&press), "gw.19a2b3c4d5e6f708.hall-a.35.7.rate");
        assert_ne!(
            rating_key(&press),
            rating_key(&press_key("19a2b3c4d5e6f708", "hall-a", 35, 8))
        );
        assert!(nothing_to_rate(409, "no_rating_request"));
        assert!(nothing_to_rate(409, "already_rated"));
        assert!(!nothing_to_rate(403, "forbidden"));
        assert!(!nothing_to_rate(409, "wrong_state"));
        assert!(matches!(
            classify(409, &json!({"code": "no_rating_request", "window": 3})),
            Reply::Refused { status: 409, code, .. } if code == "no_rating_request"
        ));
    }
}
