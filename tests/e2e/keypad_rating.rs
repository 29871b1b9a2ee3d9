//! 好差评 from the 4-key rating pad through the device gateway: the real controller, the gateway
//! in-process (its library API) on one end of a pseudo-terminal pair, and the test playing the
//! window's pads on the other end, byte for byte. A rating key (FUNC 11) becomes one
//! `POST /api/v1/ratings` for the pad's window; a press with nothing to rate beeps twice.

use crate::gateway::Pad;
use crate::support::*;
use hallq_gateway::{Config, Gateway, Status, StatusHandle};
use hallq_rs485::{Frame, Message, RatingKey};
use serde_json::json;
use std::time::{Duration, Instant};
use tokio::sync::oneshot;

const WAIT: Duration = Duration::from_secs(10);
const CALL_PAD: u8 = 3;
const RATING_PAD: u8 = 35;
const WINDOW: u32 = 3;
const BUS: &str = "test-bus";

/// The bus's far end: the rating pad (the gateway tests' pad, at the rating pad's address).
struct RatingPad(Pad);

impl RatingPad {
    fn new() -> RatingPad {
        RatingPad(Pad::at(RATING_PAD))
    }

    /// Presses rating key `n`: a FUNC 11 frame from the rating pad's address.
    fn press(&mut self, n: u8) {
        self.0.write(&Frame::new(RATING_PAD, 0x11, [n]).encode());
    }

    /// Presses key `n`, waits for its acknowledgement (the frame echoed) and then for `beeps`
    /// beeps, and checks nothing else comes.
    async fn press_and_hear(&mut self, n: u8, beeps: usize) {
        self.press(n);
        let key = Message::Rating(RatingKey::new(n).unwrap());
        let seen = self
            .0
            .until(&format!("the ack of key {n}"), |m| *m == key)
            .await;
        assert_eq!(seen, vec![key], "the ack comes first");
        for i in 0..beeps {
            let seen = self
                .0
                .until(&format!("beep {} of {beeps}", i + 1), |m| {
                    *m == Message::Beep
                })
                .await;
            assert_eq!(seen, vec![Message::Beep]);
        }
        assert_eq!(self.0.quiet().await, vec![], "exactly {beeps} beep(s)");
    }
}

struct RunningGateway {
    status: StatusHandle,
    stop: oneshot::Sender<()>,
    task: tokio::task::JoinHandle<Result<(), hallq_gateway::Error>>,
}

impl RunningGateway {
    fn start(hall: &TestHall, pad: &RatingPad, state_dir: &std::path::Path) -> RunningGateway {
        let text = format!(
            r#"
controller = "{base}"
token = "demo-gateway"
state_file = "state.toml"
action_retry_s = 30
display_refresh_s = 0

[[buses]]
id = "{BUS}"
path = "{path}"

[[pads]]
bus = "{BUS}"
address = {CALL_PAD}
window = {WINDOW}
kind = "call"

[[pads]]
bus = "{BUS}"
address = {RATING_PAD}
window = {WINDOW}
kind = "rating"
"#,
            base = hall.base,
            path = pad.0.gateway_path,
        );
        let config = Config::from_toml(&text, state_dir).expect("a valid gateway config");
        let gateway = Gateway::new(config);
        let status = gateway.status();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(gateway.run(async {
            let _ = stopped.await;
        }));
        RunningGateway { status, stop, task }
    }

    async fn wait_for(&self, what: &str, pred: impl Fn(&Status) -> bool) -> Status {
        let deadline = Instant::now() + WAIT;
        loop {
            let s = self.status.snapshot();
            if pred(&s) {
                return s;
            }
            assert!(
                Instant::now() < deadline,
                "gateway never got {what}: {s:#?}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    async fn stop(self) {
        let _ = self.stop.send(());
        self.task
            .await
            .unwrap()
            .expect("the gateway stopped cleanly");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rating_key_rates_the_finished_visit_once_and_a_second_press_beeps_twice() {
    let hall = spawn_hall().await;
    let clerk = hall.sign_in("clerk03", WINDOW).await;
    let ticket = hall.issue("MA-001").await;
    hall.serve_next(&clerk, WINDOW, json!({})).await;
    let requested = hall.events_of("rating_requested").await;
    assert_eq!(requested.len(), 1, "{requested:?}");
    assert_eq!(
        (&requested[0]["ticket"], &requested[0]["window"]),
        (&ticket["id"], &json!(WINDOW))
    );

    let state_dir = tempfile::tempdir().unwrap();
    let mut pad = RatingPad::new();
    let gw = RunningGateway::start(&hall, &pad, state_dir.path());
    gw.wait_for("the bus and the stream", |s| {
        s.connected && s.buses.get(BUS).is_some_and(|b| b.open)
    })
    .await;

    // Key 2 (满意 by default): acknowledged, rated once through the gateway, one beep.
    pad.press_and_hear(2, 1).await;
    let rated = hall.events_of("ticket_rated").await;
    assert_eq!(rated.len(), 1, "{rated:?}");
    let r = &rated[0];
    assert_eq!(r["ticket"], ticket["id"]);
    assert_eq!(r["level"], "satisfied");
    assert_eq!(r["code"], 2);
    assert_eq!(r["channel"], "keypad");
    assert_eq!(r["window"], WINDOW);
    let s = gw
        .wait_for("the rating done", |s| s.ratings_done == 1)
        .await;
    assert_eq!((s.ratings_refused, s.ratings_failed), (0, 0));

    // Key 1 again: nothing awaits a rating (409), so two beeps and still one rating.
    pad.press_and_hear(1, 2).await;
    let s = gw
        .wait_for("the second press refused", |s| s.ratings_refused == 1)
        .await;
    assert_eq!((s.ratings_done, s.ratings_failed), (1, 0));
    let rated = hall.events_of("ticket_rated").await;
    assert_eq!(rated.len(), 1, "still one rating: {rated:?}");
    assert_eq!(rated[0]["level"], "satisfied");
    assert_eq!(s.buses[BUS].acks, 2, "two rating keys acknowledged");
    gw.stop().await;
}
