//! The device gateway against the real controller. The gateway runs in-process (its library
//! API) and opens one end of a pseudo-terminal pair by its path, as it would `/dev/ttyUSB0`;
//! the test plays the call pad at address 3 (window 3) on the other end, byte for byte.

use crate::support::*;
use hallq_gateway::{Config, Gateway, Status, StatusHandle};
use hallq_rs485::{Decoder, Message, PadDisplay, PadKey};
use serde_json::Value;
use serialport::{SerialPort, TTYPort};
use std::io::{Read, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, oneshot};

const WAIT: Duration = Duration::from_secs(10);
const QUIET: Duration = Duration::from_millis(600);
const PAD: u8 = 3;
const WINDOW: u32 = 3;
const BUS: &str = "test-bus";

/// A pad's end of the pseudo-terminal: writes frames, decodes what the gateway sends to its
/// address. Shared with the other tests that play pads on a bus (`keypad_rating`).
pub(crate) struct Pad {
    port: TTYPort,
    /// The gateway's end, kept open so the pseudo-terminal outlives gateway restarts.
    _gateway_end: TTYPort,
    pub(crate) gateway_path: String,
    frames: mpsc::UnboundedReceiver<Message>,
    stop: Arc<AtomicBool>,
}

impl Pad {
    fn new() -> Pad {
        Pad::at(PAD)
    }

    /// A pad at bus address `addr` (it hears only frames for that address).
    pub(crate) fn at(addr: u8) -> Pad {
        let (port, gateway_end) = TTYPort::pair().expect("a pseudo-terminal pair");
        let gateway_path = gateway_end.name().expect("the pty's path");
        let mut reader = port.try_clone_native().unwrap();
        reader.set_timeout(Duration::from_millis(50)).unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let (tx, frames) = mpsc::unbounded_channel();
        let stopped = stop.clone();
        std::thread::spawn(move || {
            let mut decoder = Decoder::new();
            let mut buf = [0u8; 256];
            while !stopped.load(Ordering::Relaxed) {
                let n = match reader.read(&mut buf) {
                    Ok(n) => n,
                    Err(e) if e.kind() == std::io::ErrorKind::TimedOut => continue,
                    Err(_) => return,
                };
                for frame in decoder.decode(&buf[..n]) {
                    if frame.addr != addr {
                        continue; // another pad's, on the same bus
                    }
                    let message = Message::from_frame(&frame).expect("a message the pad knows");
                    if tx.send(message).is_err() {
                        return;
                    }
                }
            }
        });
        Pad {
            port,
            _gateway_end: gateway_end,
            gateway_path,
            frames,
            stop,
        }
    }

    pub(crate) fn write(&mut self, bytes: &[u8]) {
        self.port.write_all(bytes).unwrap();
        self.port.flush().unwrap();
    }

    /// Presses a key: its frame goes on the bus.
    fn press(&mut self, key: PadKey) {
        let bytes = Message::Key(key).to_frame(PAD).encode();
        self.write(&bytes);
    }

    /// Messages until one matches; fails after `WAIT`.
    pub(crate) async fn until(
        &mut self,
        what: &str,
        pred: impl Fn(&Message) -> bool,
    ) -> Vec<Message> {
        let mut seen = Vec::new();
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            match tokio::time::timeout_at(deadline, self.frames.recv()).await {
                Ok(Some(m)) => {
                    let done = pred(&m);
                    seen.push(m);
                    if done {
                        return seen;
                    }
                }
                _ => panic!("the pad never got {what}; it got {seen:?}"),
            }
        }
    }

    /// Whatever arrives within `QUIET`.
    pub(crate) async fn quiet(&mut self) -> Vec<Message> {
        let mut seen = Vec::new();
        while let Ok(Some(m)) = tokio::time::timeout(QUIET, self.frames.recv()).await {
            seen.push(m);
        }
        seen
    }

    /// Waits for the acknowledgement of `key`: the key's frame echoed.
    async fn acked(&mut self, key: PadKey) {
        let seen = self
            .until(&format!("the ack of {key:?}"), |m| *m == Message::Key(key))
            .await;
        assert!(
            seen.iter()
                .all(|m| !matches!(m, Message::Key(_)) || *m == Message::Key(key)),
            "{seen:?}"
        );
    }
}

impl Drop for Pad {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// A gateway running in this process until dropped or stopped.
struct RunningGateway {
    status: StatusHandle,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<Result<(), hallq_gateway::Error>>,
}

impl RunningGateway {
    fn start(hall: &TestHall, pad: &Pad, state_dir: &std::path::Path) -> RunningGateway {
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
baud = 9600

[[pads]]
bus = "{BUS}"
address = {PAD}
window = {WINDOW}
kind = "call"

[[pads]]
bus = "{BUS}"
address = 35
window = {WINDOW}
kind = "rating"
"#,
            base = hall.base,
            path = pad.gateway_path,
        );
        let config = Config::from_toml(&text, state_dir).expect("a valid gateway config");
        let gateway = Gateway::new(config);
        let status = gateway.status();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(gateway.run(async {
            let _ = stopped.await;
        }));
        RunningGateway {
            status,
            stop: Some(stop),
            task,
        }
    }

    fn status(&self) -> Status {
        self.status.snapshot()
    }

    async fn wait_for(&self, what: &str, pred: impl Fn(&Status) -> bool) -> Status {
        let deadline = Instant::now() + WAIT;
        loop {
            let s = self.status();
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

    /// Waits until the gateway has applied every event the controller committed.
    async fn caught_up(&self, hall: &TestHall) -> Status {
        let seq = hall.seq().await;
        self.wait_for(&format!("seq {seq}"), |s| s.last_seq == seq)
            .await
    }

    async fn stop(mut self) {
        let _ = self.stop.take().unwrap().send(());
        self.task
            .await
            .unwrap()
            .expect("the gateway stopped cleanly");
    }
}

fn display(waiting: u16, ticket: Option<&str>) -> Message {
    let digits = ticket.map(|n| n[n.len() - 3..].parse::<u16>().unwrap());
    Message::Display(PadDisplay::showing(waiting, digits))
}

/// Events of `kind` about `ticket` in the controller's log.
async fn events_of(hall: &TestHall, kind: &str, ticket: &Value) -> Vec<Value> {
    hall.all_events()
        .await
        .into_iter()
        .filter(|e| e["type"] == kind && e["ticket"] == *ticket)
        .collect()
}

async fn wait_events(hall: &TestHall, kind: &str, ticket: &Value, n: usize) -> Vec<Value> {
    let deadline = Instant::now() + WAIT;
    loop {
        let found = events_of(hall, kind, ticket).await;
        if found.len() >= n || Instant::now() > deadline {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A hall with clerk03 signed in at window 3 and two tickets of queue A (window 3 serves A).
async fn hall_with_two_tickets() -> (TestHall, Value, Value) {
    let hall = spawn_hall().await;
    hall.sign_in("clerk03", WINDOW).await;
    let first = hall.issue("MA-001").await;
    let second = hall.issue("MA-002").await;
    (hall, first, second)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_pad_calls_and_finishes_across_a_controller_restart_without_losing_or_doubling() {
    let (mut hall, first, _second) = hall_with_two_tickets().await;
    let number = first["number"].as_str().unwrap();
    let state_dir = tempfile::tempdir().unwrap();
    let mut pad = Pad::new();
    let gw = RunningGateway::start(&hall, &pad, state_dir.path());

    // Connected: the pad shows the two waiting and no ticket.
    pad.until("the first display", |m| *m == display(2, None))
        .await;
    let before = gw.caught_up(&hall).await;
    assert_eq!(before.connects, 1);

    // 叫号: the key is acknowledged, the ticket is called at window 3, the pad shows its
    // digits and beeps.
    pad.press(PadKey::CallNext);
    pad.acked(PadKey::CallNext).await;
    let called = wait_events(&hall, "ticket_called", &first["id"], 1).await;
    assert_eq!(called.len(), 1, "one call");
    assert_eq!(called[0]["window"], WINDOW);
    assert_eq!(called[0]["number"], number);
    let seen = pad
        .until("the called ticket's display", |m| {
            *m == display(1, Some(number))
        })
        .await;
    if !seen.contains(&Message::Beep) {
        pad.until("a beep", |m| *m == Message::Beep).await;
    }

    // The controller dies; the clerk presses finish while it is away.
    let s1 = gw.caught_up(&hall).await;
    let seq_before_down = s1.last_seq;
    hall.kill();
    pad.press(PadKey::Finish);
    pad.acked(PadKey::Finish).await;
    gw.wait_for("the stream to notice", |s| !s.connected).await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert!(
        pad.quiet().await.is_empty(),
        "nothing is sent to the pads while the controller is away"
    );
    hall.restart_same_port();

    // The press lands exactly once (the finish first starts the called ticket).
    let finished = wait_events(&hall, "ticket_finished", &first["id"], 1).await;
    assert_eq!(finished.len(), 1, "finished once");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        events_of(&hall, "ticket_finished", &first["id"])
            .await
            .len(),
        1
    );
    assert_eq!(
        events_of(&hall, "service_started", &first["id"])
            .await
            .len(),
        1
    );

    // The stream resumed after the last seq it had: each missed event once, none twice.
    let after = gw.caught_up(&hall).await;
    assert_eq!(after.resumed_from.len(), 2, "{after:#?}");
    assert_eq!(after.resumed_from[1], seq_before_down);
    assert_eq!(
        after.events - s1.events,
        after.last_seq - seq_before_down,
        "every event after the restart point applied once: {after:#?}"
    );
    assert_eq!((after.duplicates, after.gaps), (0, 0));
    let done = gw
        .wait_for("both presses done", |s| s.actions_done == 2)
        .await;
    assert_eq!((done.actions_refused, done.actions_failed), (0, 0));
    // On reconnect every pad gets its display again: one waiting, no ticket at the window.
    pad.until("the display after the finish", |m| *m == display(1, None))
        .await;

    // The state file follows (written at most every 200 ms).
    let state_file = state_dir.path().join("state.toml");
    let deadline = Instant::now() + WAIT;
    loop {
        let text = std::fs::read_to_string(&state_file).unwrap_or_default();
        if text.contains(&format!("seq = {}\n", after.last_seq)) {
            break;
        }
        assert!(Instant::now() < deadline, "state file: {text:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    gw.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pad_frame_with_a_bad_checksum_is_neither_acknowledged_nor_acted_on() {
    let (hall, first, _) = hall_with_two_tickets().await;
    let state_dir = tempfile::tempdir().unwrap();
    let mut pad = Pad::new();
    let gw = RunningGateway::start(&hall, &pad, state_dir.path());
    pad.until("the first display", |m| *m == display(2, None))
        .await;
    let seq = gw.caught_up(&hall).await.last_seq;
    // The displays of the start (connected, bus opened) are all in.
    let _ = pad.quiet().await;

    let mut bad = Message::Key(PadKey::CallNext).to_frame(PAD).encode();
    let cs = bad.len() - 2;
    bad[cs] = bad[cs].wrapping_add(1);
    pad.write(&bad);
    assert_eq!(pad.quiet().await, vec![], "no ack, no display");
    assert_eq!(hall.seq().await, seq, "no action");
    let bus = &gw.status().buses[BUS];
    assert_eq!((bus.decoder.bad_checksum, bus.acks), (1, 0), "{bus:?}");

    // The bus is still in step: the next good press works.
    pad.press(PadKey::CallNext);
    pad.acked(PadKey::CallNext).await;
    assert_eq!(
        wait_events(&hall, "ticket_called", &first["id"], 1)
            .await
            .len(),
        1
    );
    gw.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hold_then_call_back_by_the_last_digits_and_transfer_beeps_twice() {
    let (hall, first, _) = hall_with_two_tickets().await;
    let number = first["number"].as_str().unwrap();
    let state_dir = tempfile::tempdir().unwrap();
    let mut pad = Pad::new();
    let gw = RunningGateway::start(&hall, &pad, state_dir.path());
    pad.until("the first display", |m| *m == display(2, None))
        .await;

    pad.press(PadKey::CallNext);
    pad.until("the call", |m| *m == display(1, Some(number)))
        .await;
    // 0 ✓: hold.
    pad.press(PadKey::Digit0);
    pad.press(PadKey::Confirm);
    pad.until("the held display", |m| *m == display(1, None))
        .await;
    assert_eq!(events_of(&hall, "ticket_held", &first["id"]).await.len(), 1);

    // 3, the ticket's last digit, ✓: call back the held ticket by its number.
    let last = number.chars().last().unwrap().to_digit(10).unwrap() as u8;
    for key in [
        PadKey::Digit3,
        PadKey::digit(last).unwrap(),
        PadKey::Confirm,
    ] {
        pad.press(key);
    }
    pad.until("the called-back display", |m| {
        *m == display(1, Some(number))
    })
    .await;
    let back = wait_events(&hall, "ticket_called_back", &first["id"], 1).await;
    assert_eq!(back.len(), 1);

    // Transfer needs the console: two beeps, nothing at the controller.
    let seq = gw.caught_up(&hall).await.last_seq;
    let _ = pad.quiet().await;
    pad.press(PadKey::Transfer);
    let seen = pad.quiet().await;
    assert_eq!(
        seen,
        vec![Message::Key(PadKey::Transfer), Message::Beep, Message::Beep],
        "ack, then two beeps"
    );
    assert_eq!(hall.seq().await, seq);
    assert_eq!(gw.status().actions_refused, 1);

    // The rating pad's key is acknowledged (with nothing awaiting a rating, the controller refuses it:
    // see keypad_rating.rs for ratings end to end).
    let rating = hallq_rs485::Frame::new(35, 0x11, [2]).encode();
    pad.write(&rating);
    tokio::time::sleep(QUIET).await;
    assert_eq!(
        gw.status().buses[BUS].acks,
        8,
        "7 call pad keys and 1 rating key"
    );
    gw.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restarted_gateway_resumes_after_the_seq_in_its_state_file() {
    let (hall, _, _) = hall_with_two_tickets().await;
    let state_dir = tempfile::tempdir().unwrap();
    let pad = Pad::new();
    let gw = RunningGateway::start(&hall, &pad, state_dir.path());
    let seq = gw.caught_up(&hall).await.last_seq;
    gw.stop().await;
    let saved = std::fs::read_to_string(state_dir.path().join("state.toml")).unwrap();
    assert!(saved.contains(&format!("seq = {seq}\n")), "{saved}");

    // Three tickets while the gateway is away.
    for _ in 0..3 {
        hall.issue("MA-001").await;
    }
    let gw = RunningGateway::start(&hall, &pad, state_dir.path());
    let after = gw.caught_up(&hall).await;
    assert_eq!(after.resumed_from, vec![seq]);
    assert_eq!(after.resyncs, 0);
    assert_eq!(after.events, after.last_seq - seq, "each missed event once");
    assert_eq!(after.duplicates, 0);
    gw.stop().await;
}
