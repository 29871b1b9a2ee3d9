//! The window LED strips through the device gateway, against the real controller. The gateway
//! runs in-process and opens one end of a pseudo-terminal pair as its RS-485 bus; on the other
//! end the test plays two strip controllers of window 3 on that one bus — a raw-bitmap panel
//! (address 103) and an Onbon BX-5 (screen address 7) — with `hallq_displays::VirtualPanel`,
//! answering every frame exactly as a panel would (its reply bytes go back on the bus).

use crate::support::*;
use hallq_displays::layout::{self, StripState};
use hallq_displays::{Frame, Panel, VirtualPanel};
use hallq_gateway::{Config, Gateway, StatusHandle};
use serde_json::json;
use serialport::{SerialPort, TTYPort};
use std::io::{Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::oneshot;

const WAIT: Duration = Duration::from_secs(10);
const WINDOW: u32 = 3;
const RAW_ADDRESS: u8 = 103;
const ONBON_ADDRESS: u8 = 7;
const PANEL: Panel = Panel::TRICOLOR_160X32;

/// What the two virtual panels have shown.
#[derive(Default)]
struct Seen {
    /// Every distinct picture of the raw panel, in order.
    raw: Vec<Frame>,
    /// The Onbon panel's picture now.
    onbon: Option<Frame>,
}

/// The far end of the bus: both strips' controllers.
struct Strips {
    _gateway_end: TTYPort,
    path: String,
    seen: Arc<Mutex<Seen>>,
    stop: Arc<AtomicBool>,
}

impl Strips {
    fn new() -> Strips {
        let (port, gateway_end) = TTYPort::pair().expect("a pseudo-terminal pair");
        let path = gateway_end.name().expect("the pty's path");
        let mut reader = port.try_clone_native().unwrap();
        reader.set_timeout(Duration::from_millis(50)).unwrap();
        let mut writer = port;
        let seen = Arc::new(Mutex::new(Seen::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let (seen2, stopped) = (seen.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut raw = VirtualPanel::new(PANEL, RAW_ADDRESS, 0x0102);
            let mut onbon = VirtualPanel::new(PANEL, 0xFE, u16::from(ONBON_ADDRESS));
            let mut buf = [0u8; 4096];
            while !stopped.load(Ordering::Relaxed) {
                let n = match reader.read(&mut buf) {
                    Ok(n) => n,
                    Err(e) if e.kind() == std::io::ErrorKind::TimedOut => continue,
                    Err(_) => return,
                };
                let mut replies = raw.feed_raw(&buf[..n]);
                let onbon_before = onbon.onbon_stats().frames;
                replies.extend(onbon.feed_onbon(&buf[..n]));
                {
                    let mut s = seen2.lock().unwrap();
                    if s.raw.last() != Some(raw.frame()) {
                        s.raw.push(raw.frame().clone());
                    }
                    if onbon.onbon_stats().frames > onbon_before {
                        s.onbon = Some(onbon.frame().clone());
                    }
                }
                if !replies.is_empty() && writer.write_all(&replies).is_err() {
                    return;
                }
            }
        });
        Strips {
            _gateway_end: gateway_end,
            path,
            seen,
            stop,
        }
    }

    /// Waits until `pred` holds for what the panels have shown.
    async fn until(&self, what: &str, pred: impl Fn(&Seen) -> bool) {
        let deadline = Instant::now() + WAIT;
        loop {
            if pred(&self.seen.lock().unwrap()) {
                return;
            }
            if Instant::now() > deadline {
                let s = self.seen.lock().unwrap();
                panic!(
                    "the strips never showed {what}; the raw panel showed {} pictures, the Onbon panel {}",
                    s.raw.len(),
                    if s.onbon.is_some() { "some" } else { "none" }
                );
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Forgets the raw panel's history but its current picture.
    fn mark(&self) {
        let mut s = self.seen.lock().unwrap();
        let last = s.raw.pop();
        s.raw = last.into_iter().collect();
    }
}

impl Drop for Strips {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn start_gateway(
    hall: &TestHall,
    strips: &Strips,
    dir: &std::path::Path,
) -> (StatusHandle, oneshot::Sender<()>) {
    let text = format!(
        r#"
controller = "{base}"
token = "demo-gateway"
state_file = "state.toml"
display_refresh_s = 0

[[buses]]
id = "strips"
path = "{path}"
baud = 57600

[[strips]]
bus = "strips"
address = {RAW_ADDRESS}
window = {WINDOW}
width = 160
height = 32
colors = "tricolor"
protocol = "raw"
brightness = [{{ from = "00:00", level = 9 }}]

[[strips]]
bus = "strips"
address = {ONBON_ADDRESS}
window = {WINDOW}
width = 160
height = 32
colors = "tricolor"
protocol = "onbon"
"#,
        base = hall.base,
        path = strips.path,
    );
    let config = Config::from_toml(&text, dir).expect("a valid gateway config");
    let gateway = Gateway::new(config);
    let status = gateway.status();
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(gateway.run(async {
        let _ = stopped.await;
    }));
    (status, stop)
}

/// The still text an Onbon strip shows for `state`.
fn onbon_picture(state: &StripState) -> Frame {
    layout::render_line(&PANEL, &state.text(), state.color(), 0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_and_a_pause_reach_the_raw_and_onbon_strips_of_the_window() {
    let hall = spawn_hall().await;
    let clerk = hall.sign_in("clerk03", WINDOW).await;
    hall.issue("MA-001").await;
    let dir = tempfile::tempdir().unwrap();
    let strips = Strips::new();
    let (status, stop) = start_gateway(&hall, &strips, dir.path());

    // Connected: both strips get the idle greeting.
    let idle = layout::render_idle(&PANEL, 0);
    strips
        .until("the idle greeting", |s| {
            s.raw.last() == Some(&idle) && s.onbon.as_ref() == Some(&idle)
        })
        .await;
    strips.mark();

    // 叫号 at the API: the call reaches both strips, with the right number and window.
    let (code, body) = hall.act(&clerk, WINDOW, "call-next", json!({})).await;
    assert_eq!(code, 200, "{body}");
    let number = body["ticket"]["number"].as_str().unwrap().to_owned();
    let lit = layout::render_call(&PANEL, &number, &WINDOW.to_string(), 0);
    assert_ne!(lit, idle);
    assert_eq!(
        lit,
        layout::render_call(&PANEL, &number, &WINDOW.to_string(), layout::FLASH_MS),
        "the call fits: its lit phase is the steady picture"
    );
    strips
        .until("the call on the raw strip", |s| s.raw.contains(&lit))
        .await;
    strips
        .until("the call on the Onbon strip", |s| {
            s.onbon.as_ref() == Some(&lit)
        })
        .await;
    // The raw strip flashes (the gateway draws the dark halves), then stays lit.
    strips
        .until("the dark half of the flash", |s| {
            s.raw.iter().any(|f| f.lit_count() == 0)
        })
        .await;
    tokio::time::sleep(Duration::from_millis(layout::FLASH_MS + 300)).await;
    {
        let s = strips.seen.lock().unwrap();
        assert_eq!(s.raw.last(), Some(&lit), "steady after the flash");
        let dark = s.raw.iter().filter(|f| f.lit_count() == 0).count();
        assert_eq!(dark, 3, "three dark halves in 3 s");
        assert!(
            s.raw
                .iter()
                .skip(1)
                .all(|f| *f == lit || f.lit_count() == 0),
            "only the call, lit or dark"
        );
    }

    // No-show frees the window: the greeting again.
    let (code, body) = hall.act(&clerk, WINDOW, "no-show", json!({})).await;
    assert_eq!(code, 200, "{body}");
    strips
        .until("the greeting after the no-show", |s| {
            s.raw.last() == Some(&idle) && s.onbon.as_ref() == Some(&idle)
        })
        .await;
    strips.mark();

    // 暂停: the away message, with the return time in the hall's zone.
    let (code, body) = hall
        .act(
            &clerk,
            WINDOW,
            "pause",
            json!({"reason": "开会", "back_at": "10:30"}),
        )
        .await;
    assert_eq!(code, 200, "{body}");
    let paused = StripState::Paused {
        away: "开会 10:30返回".into(),
        since_ms: 0,
    };
    assert_eq!(paused.text(), "暂停服务 开会 10:30返回");
    let away_start = layout::render(&PANEL, &paused, 0);
    strips
        .until("the away message on the raw strip", |s| {
            s.raw.contains(&away_start)
        })
        .await;
    strips
        .until("the away message on the Onbon strip", |s| {
            s.onbon.as_ref() == Some(&onbon_picture(&paused))
        })
        .await;

    // Resumed: the greeting again.
    let (code, body) = hall.act(&clerk, WINDOW, "resume", json!({})).await;
    assert_eq!(code, 200, "{body}");
    strips
        .until("the greeting after the resume", |s| {
            s.raw.last() == Some(&idle) && s.onbon.as_ref() == Some(&idle)
        })
        .await;

    // Every message was acknowledged at the first try.
    let st = status.snapshot();
    for key in [
        format!("strips/{RAW_ADDRESS}"),
        format!("strips/{ONBON_ADDRESS}"),
    ] {
        let s = &st.strips[&key];
        assert!(s.online && s.acked >= 3, "{key}: {s:?}");
        assert_eq!(
            (s.retransmissions, s.failures, s.refused),
            (0, 0, 0),
            "{key}: {s:?}"
        );
    }
    let _ = stop.send(());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_reconnect_the_strips_are_rebuilt_from_the_controller_and_resent() {
    let mut hall = spawn_hall().await;
    let clerk = hall.sign_in("clerk03", WINDOW).await;
    hall.issue("MA-001").await;
    let (code, body) = hall.act(&clerk, WINDOW, "call-next", json!({})).await;
    assert_eq!(code, 200, "{body}");
    let number = body["ticket"]["number"].as_str().unwrap().to_owned();
    let lit = layout::render_call(&PANEL, &number, &WINDOW.to_string(), layout::FLASH_MS);

    // A gateway started after the call: the call is read from the controller.
    let dir = tempfile::tempdir().unwrap();
    let strips = Strips::new();
    let (status, stop) = start_gateway(&hall, &strips, dir.path());
    strips
        .until("the call read at start", |s| {
            s.raw.contains(&lit) && s.onbon.as_ref() == Some(&lit)
        })
        .await;
    tokio::time::sleep(Duration::from_millis(layout::FLASH_MS + 300)).await;

    // The controller goes away: nothing new is sent, the strips keep the call.
    let acked = |st: &hallq_gateway::Status| st.strips.values().map(|s| s.sent).sum::<u64>();
    hall.kill();
    tokio::time::sleep(Duration::from_millis(800)).await;
    let sent_while_down = acked(&status.snapshot());
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(
        acked(&status.snapshot()),
        sent_while_down,
        "nothing sent while away"
    );
    assert_eq!(strips.seen.lock().unwrap().raw.last(), Some(&lit));

    // Back (the ticket was skipped meanwhile by nobody: still called): every strip gets its
    // picture again, in full, without a new flash.
    strips.mark();
    hall.restart_same_port();
    let deadline = Instant::now() + WAIT;
    while acked(&status.snapshot()) < sent_while_down + 2 {
        assert!(Instant::now() < deadline, "no resend after the reconnect");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(600)).await;
    let s = strips.seen.lock().unwrap();
    assert!(s.raw.iter().all(|f| *f == lit), "no flash on a reconnect");
    assert_eq!(s.onbon.as_ref(), Some(&lit));
    drop(s);
    let _ = stop.send(());
}

// ---------------------------------------------------------------------------------------------
// Onbon controllers on the network: the same strip over UDP (one datagram a frame) and over a
// kept TCP connection. The test plays the controller with a `VirtualPanel` behind a socket on
// 127.0.0.1 and sends its reply bytes back; the gateway still needs a bus (a pty, no device on
// it).

/// A network Onbon controller played by the test.
struct NetStrip {
    /// Where the gateway sends to.
    addr: std::net::SocketAddr,
    /// The panel's picture now (`None` after a dropped TCP connection, until the next frame).
    seen: Arc<Mutex<Option<Frame>>>,
    /// TCP connections accepted.
    connections: Arc<std::sync::atomic::AtomicUsize>,
    /// TCP: drop the current connection.
    drop_conn: tokio::sync::mpsc::UnboundedSender<()>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for NetStrip {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Feeds `bytes` to the panel; records its picture when it took a frame; the reply bytes.
fn feed_net_panel(panel: &mut VirtualPanel, seen: &Mutex<Option<Frame>>, bytes: &[u8]) -> Vec<u8> {
    let before = panel.onbon_stats().frames;
    let replies = panel.feed_onbon(bytes);
    if panel.onbon_stats().frames > before {
        *seen.lock().unwrap() = Some(panel.frame().clone());
    }
    replies
}

impl NetStrip {
    async fn udp() -> NetStrip {
        let socket = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let addr = socket.local_addr().unwrap();
        let seen = Arc::new(Mutex::new(None));
        let (drop_conn, _) = tokio::sync::mpsc::unbounded_channel();
        let seen2 = seen.clone();
        let task = tokio::spawn(async move {
            let mut panel = VirtualPanel::new(PANEL, 0xFE, u16::from(ONBON_ADDRESS));
            let mut buf = vec![0u8; 65_536];
            loop {
                let Ok((n, from)) = socket.recv_from(&mut buf).await else {
                    return;
                };
                let replies = feed_net_panel(&mut panel, &seen2, &buf[..n]);
                if !replies.is_empty() {
                    let _ = socket.send_to(&replies, from).await;
                }
            }
        });
        NetStrip {
            addr,
            seen,
            connections: Arc::default(),
            drop_conn,
            task,
        }
    }

    async fn tcp() -> NetStrip {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let seen = Arc::new(Mutex::new(None));
        let connections = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let (drop_conn, mut drops) = tokio::sync::mpsc::unbounded_channel::<()>();
        let (seen2, connections2) = (seen.clone(), connections.clone());
        let task = tokio::spawn(async move {
            let mut panel = VirtualPanel::new(PANEL, 0xFE, u16::from(ONBON_ADDRESS));
            let mut buf = vec![0u8; 65_536];
            loop {
                let Ok((mut stream, _)) = listener.accept().await else {
                    return;
                };
                connections2.fetch_add(1, Ordering::SeqCst);
                loop {
                    tokio::select! {
                        got = stream.read(&mut buf) => match got {
                            Ok(0) | Err(_) => break,
                            Ok(n) => {
                                let replies = feed_net_panel(&mut panel, &seen2, &buf[..n]);
                                if !replies.is_empty() && stream.write_all(&replies).await.is_err() {
                                    break;
                                }
                            }
                        },
                        _ = drops.recv() => {
                            // The connection goes; the panel forgets what it was sent.
                            *seen2.lock().unwrap() = None;
                            break;
                        }
                    }
                }
            }
        });
        NetStrip {
            addr,
            seen,
            connections,
            drop_conn,
            task,
        }
    }

    async fn until(&self, what: &str, want: &Frame) {
        let deadline = Instant::now() + WAIT;
        while self.seen.lock().unwrap().as_ref() != Some(want) {
            assert!(
                Instant::now() < deadline,
                "the network strip never showed {what}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// A gateway whose one strip is the Onbon controller at `strip` over `transport`.
fn start_net_gateway(
    hall: &TestHall,
    transport: &str,
    strip: &NetStrip,
    dir: &std::path::Path,
) -> (StatusHandle, oneshot::Sender<()>, (TTYPort, TTYPort)) {
    let (port, gateway_end) = TTYPort::pair().expect("a pseudo-terminal pair");
    let text = format!(
        r#"
controller = "{base}"
token = "demo-gateway"
state_file = "state.toml"
display_refresh_s = 0

[[buses]]
id = "pads"
path = "{path}"

[[strips]]
transport = "{transport}"
address = "{addr}"
window = {WINDOW}
width = 160
height = 32
colors = "tricolor"
protocol = "onbon"
"#,
        base = hall.base,
        path = gateway_end.name().unwrap(),
        addr = strip.addr,
    );
    let config = Config::from_toml(&text, dir).expect("a valid gateway config");
    let gateway = Gateway::new(config);
    let status = gateway.status();
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(gateway.run(async {
        let _ = stopped.await;
    }));
    (status, stop, (port, gateway_end))
}

/// Idle, then `call-next` at the API: the network strip shows the call, as the serial Onbon one.
async fn net_strip_shows_the_call(hall: &TestHall, strip: &NetStrip) -> Frame {
    let clerk = hall.sign_in("clerk03", WINDOW).await;
    hall.issue("MA-001").await;
    strip
        .until("the idle greeting", &layout::render_idle(&PANEL, 0))
        .await;
    let (code, body) = hall.act(&clerk, WINDOW, "call-next", json!({})).await;
    assert_eq!(code, 200, "{body}");
    let number = body["ticket"]["number"].as_str().unwrap().to_owned();
    let lit = layout::render_call(&PANEL, &number, &WINDOW.to_string(), 0);
    strip.until("the call", &lit).await;
    lit
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_onbon_strip_over_udp_shows_the_call() {
    let hall = spawn_hall().await;
    let strip = NetStrip::udp().await;
    let dir = tempfile::tempdir().unwrap();
    let (status, stop, _bus) = start_net_gateway(&hall, "udp", &strip, dir.path());
    net_strip_shows_the_call(&hall, &strip).await;

    let key = format!("udp/{}", strip.addr);
    let st = status.snapshot();
    let s = &st.strips[&key];
    assert!(s.online && s.acked >= 2, "{key}: {s:?}");
    assert_eq!(
        (s.retransmissions, s.failures, s.refused),
        (0, 0, 0),
        "{key}: {s:?}"
    );
    let _ = stop.send(());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_onbon_strip_over_tcp_shows_the_call_and_gets_it_again_after_a_reconnect() {
    let hall = spawn_hall().await;
    let strip = NetStrip::tcp().await;
    let dir = tempfile::tempdir().unwrap();
    let (status, stop, _bus) = start_net_gateway(&hall, "tcp", &strip, dir.path());
    let lit = net_strip_shows_the_call(&hall, &strip).await;
    assert_eq!(strip.connections.load(Ordering::SeqCst), 1);

    // The controller drops the connection: the gateway reconnects and sends the call again.
    // (The panel forgets its picture when the connection goes, before it accepts again.)
    strip.drop_conn.send(()).unwrap();
    let deadline = Instant::now() + WAIT;
    while strip.connections.load(Ordering::SeqCst) < 2 {
        assert!(Instant::now() < deadline, "the gateway never reconnected");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    strip.until("the call after the reconnect", &lit).await;
    assert_eq!(strip.connections.load(Ordering::SeqCst), 2);

    let key = format!("tcp/{}", strip.addr);
    let st = status.snapshot();
    let s = &st.strips[&key];
    assert!(s.online && s.acked >= 3, "{key}: {s:?}");
    assert_eq!((s.failures, s.refused), (0, 0), "{key}: {s:?}");
    let _ = stop.send(());
}
