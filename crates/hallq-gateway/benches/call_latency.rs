//! Call latency through the gateway to the window LED strips.
//!
//! The real controller (the `hallq` release binary, built first when missing) serves a hall
//! derived from the demo hall with 50 windows (1–50, each calling from queue A) and clerks
//! clerk01…clerk50 signed in at them; 50 tickets wait. The gateway runs in-process with 50 raw
//! 160×32 tricolour strips, each on its own pseudo-terminal pair (its own bus), answered by a
//! `VirtualPanel` per pty; a WebSocket subscriber (the hall screen's token) stands in for the hall
//! screen. Then 50 call-next requests go out at once, and for each call the bench measures from
//! sending the request to (a) the last byte of that window's first call frame read on its pty
//! and (b) the `ticket_called` event for that window on the subscriber.
//!
//! Run: `cargo bench -p hallq-gateway --bench call_latency` (target: p99 ≤ 20 ms).

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use hallq_displays::{Panel, VirtualPanel, layout};
use hallq_gateway::{Config, Gateway};
use serde_json::{Value, json};
use serialport::{SerialPort, TTYPort};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;

const WINDOWS: usize = 50;
const PANEL: Panel = Panel::TRICOLOR_160X32;
const ROUNDS: usize = 3;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The release binary, built when missing.
fn hallq_binary() -> PathBuf {
    let bin = workspace().join("target/release/hallq");
    if !bin.exists() {
        eprintln!("building the release controller (cargo build --release -p hallq-server)…");
        let ok = Command::new(env!("CARGO"))
            .args(["build", "--release", "-p", "hallq-server", "--bin", "hallq"])
            .current_dir(workspace())
            .status()
            .expect("run cargo")
            .success();
        assert!(ok, "cannot build the controller");
    }
    bin
}

/// The demo hall with windows 1–`WINDOWS` all calling from queue A, and a clerk for each.
fn hall_toml() -> String {
    let demo = std::fs::read_to_string(workspace().join("firmware-config/halls/demo.toml"))
        .expect("the demo hall");
    let lines: Vec<&str> = demo.lines().collect();
    let first_window = lines.iter().position(|l| *l == "[[windows]]").unwrap();
    let first_clerk = lines.iter().position(|l| *l == "[[clerks]]").unwrap();
    let hash = lines[first_clerk..]
        .iter()
        .find_map(|l| l.strip_prefix("password_hash = "))
        .unwrap();
    let existing: Vec<String> = lines[first_clerk..]
        .iter()
        .filter_map(|l| l.strip_prefix("id = \"clerk"))
        .map(|s| s.trim_end_matches('"').to_owned())
        .collect();
    // Every other queue in a second tier, so the hall stays valid (each queue served) while
    // call-next always takes queue A's tickets first.
    let others: Vec<String> = lines
        .windows(2)
        .filter(|w| w[0] == "[[queues]]")
        .filter_map(|w| w[1].strip_prefix("id = "))
        .filter(|id| *id != "\"A\"")
        .map(str::to_owned)
        .collect();
    let mut out = lines[..first_window].join("\n");
    for n in 1..=WINDOWS {
        out.push_str(&format!(
            "\n[[windows]]\nnumber = {n}\nname_zh = \"综合窗口{n}\"\nname_en = \"Window {n}\"\ncomprehensive = true\ntiers = [[\"A\"], [{}]]\n",
            others.join(", ")
        ));
    }
    out.push('\n');
    out.push_str(&lines[first_clerk..].join("\n"));
    for n in 1..=WINDOWS {
        let id = format!("{n:02}");
        if !existing.contains(&id) {
            out.push_str(&format!(
                "\n[[clerks]]\nid = \"clerk{id}\"\nname = \"职员{id}\"\nstaff_no = \"B{id}\"\nrole = \"clerk\"\npassword_hash = {hash}\n"
            ));
        }
    }
    out
}

struct Controller {
    child: Child,
    base: String,
}

impl Drop for Controller {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_controller(data: &Path, hall: &Path) -> Controller {
    let mut child = Command::new(hallq_binary())
        .args(["serve", "--listen", "127.0.0.1:0", "--data"])
        .arg(data)
        .arg("--config")
        .arg(hall)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .expect("start hallq");
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
    let base = line
        .trim()
        .strip_prefix("hallq listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_owned();
    Controller { child, base }
}

/// One strip's far end: a virtual panel answering on its pty, noting when it first shows
/// something other than `idle` after being armed.
struct Strip {
    _gateway_end: TTYPort,
    path: String,
    shown_idle: Arc<AtomicBool>,
    armed: Arc<AtomicBool>,
    called_at: Arc<Mutex<Option<Instant>>>,
}

fn strip(address: u8, stop: Arc<AtomicBool>) -> Strip {
    let (port, gateway_end) = TTYPort::pair().expect("a pseudo-terminal pair");
    let path = gateway_end.name().unwrap();
    let mut reader = port.try_clone_native().unwrap();
    reader.set_timeout(Duration::from_millis(50)).unwrap();
    let mut writer = port;
    let shown_idle = Arc::new(AtomicBool::new(false));
    let armed = Arc::new(AtomicBool::new(false));
    let called_at = Arc::new(Mutex::new(None));
    let (si, ar, ca) = (shown_idle.clone(), armed.clone(), called_at.clone());
    let idle = layout::render_idle(&PANEL, 0);
    std::thread::spawn(move || {
        let mut panel = VirtualPanel::new(PANEL, address, 0x0102);
        let mut buf = [0u8; 4096];
        while !stop.load(Ordering::Relaxed) {
            let n = match reader.read(&mut buf) {
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::TimedOut => continue,
                Err(_) => return,
            };
            let at = Instant::now();
            let reply = panel.feed_raw(&buf[..n]);
            let f = panel.frame();
            if *f == idle {
                si.store(true, Ordering::Relaxed);
            } else if ar.load(Ordering::Relaxed) && f.lit_count() > 0 {
                let mut c = ca.lock().unwrap();
                if c.is_none() {
                    *c = Some(at);
                }
            }
            if !reply.is_empty() && writer.write_all(&reply).is_err() {
                return;
            }
        }
    });
    Strip {
        _gateway_end: gateway_end,
        path,
        shown_idle,
        armed,
        called_at,
    }
}

fn gateway_toml(base: &str, strips: &[Strip]) -> String {
    let mut t = format!(
        "controller = \"{base}\"\ntoken = \"demo-gateway\"\nstate_file = \"state.toml\"\ndisplay_refresh_s = 0\n"
    );
    for (i, s) in strips.iter().enumerate() {
        t.push_str(&format!(
            "\n[[buses]]\nid = \"b{}\"\npath = \"{}\"\nbaud = 57600\n",
            i + 1,
            s.path
        ));
    }
    for i in 0..strips.len() {
        let n = i + 1;
        t.push_str(&format!(
            "\n[[strips]]\nbus = \"b{n}\"\naddress = {n}\nwindow = {n}\nwidth = 160\nheight = 32\ncolors = \"tricolor\"\nprotocol = \"raw\"\n"
        ));
    }
    t
}

async fn post(http: &reqwest::Client, url: String, token: &str, body: Value) -> (u16, Value) {
    let mut req = http.post(url).json(&body);
    if !token.is_empty() {
        req = req.bearer_auth(token);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

fn pct(sorted: &[Duration], p: usize) -> f64 {
    let i = ((sorted.len() * p).div_ceil(100)).clamp(1, sorted.len()) - 1;
    sorted[i].as_secs_f64() * 1e3
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .unwrap();
    let mut led_all = Vec::new();
    let mut ws_all = Vec::new();
    for round in 1..=ROUNDS {
        let (led, ws) = rt.block_on(round_trip());
        let (mut l, mut w) = (led.clone(), ws.clone());
        l.sort();
        w.sort();
        println!(
            "round {round}: {WINDOWS} calls; LED frame p50 {:.2} ms p99 {:.2} ms max {:.2} ms; hall screen event p50 {:.2} ms p99 {:.2} ms",
            pct(&l, 50),
            pct(&l, 99),
            pct(&l, 100),
            pct(&w, 50),
            pct(&w, 99),
        );
        led_all.extend(led);
        ws_all.extend(ws);
    }
    led_all.sort();
    ws_all.sort();
    let n = led_all.len();
    println!(
        "all {n} calls: (a) request → last byte of the window's LED frame: p50 {:.2} ms, p99 {:.2} ms; (b) request → ticket_called on the hall-screen subscriber: p50 {:.2} ms, p99 {:.2} ms (target p99 ≤ 20 ms)",
        pct(&led_all, 50),
        pct(&led_all, 99),
        pct(&ws_all, 50),
        pct(&ws_all, 99),
    );
}

/// One round: a fresh controller, gateway and strips; 50 concurrent calls.
async fn round_trip() -> (Vec<Duration>, Vec<Duration>) {
    let data = tempfile::tempdir().unwrap();
    let hall_file = data.path().join("hall.toml");
    std::fs::write(&hall_file, hall_toml()).unwrap();
    let ctl = start_controller(&data.path().join("data"), &hall_file);
    let http = reqwest::Client::new();
    let base = ctl.base.clone();

    // Clerks signed in, tickets waiting.
    let mut tokens = Vec::new();
    for n in 1..=WINDOWS {
        let (s, b) = post(
            &http,
            format!("{base}/api/v1/session"),
            "",
            json!({"clerk": format!("clerk{n:02}"), "password": "demo", "window": n}),
        )
        .await;
        assert_eq!(s, 201, "sign in clerk{n:02}: {b}");
        tokens.push(b["token"].as_str().unwrap().to_owned());
    }
    for _ in 0..WINDOWS {
        let (s, b) = post(
            &http,
            format!("{base}/api/v1/tickets"),
            "demo-kiosk",
            json!({"item": "MA-001"}),
        )
        .await;
        assert_eq!(s, 201, "issue: {b}");
    }

    // The strips and the gateway; wait until every strip shows the greeting.
    let stop = Arc::new(AtomicBool::new(false));
    let strips: Vec<Strip> = (1..=WINDOWS)
        .map(|n| strip(n as u8, stop.clone()))
        .collect();
    let gw_dir = tempfile::tempdir().unwrap();
    let config = Config::from_toml(&gateway_toml(&base, &strips), gw_dir.path()).unwrap();
    let (gw_stop, gw_stopped) = tokio::sync::oneshot::channel::<()>();
    let gateway = Gateway::new(config);
    let status = gateway.status();
    let gw = tokio::spawn(gateway.run(async {
        let _ = gw_stopped.await;
    }));
    let deadline = Instant::now() + Duration::from_secs(30);
    while !strips.iter().all(|s| s.shown_idle.load(Ordering::Relaxed)) {
        assert!(
            Instant::now() < deadline,
            "the strips never showed the greeting"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // The hall screen's subscriber.
    let live: Value = http
        .get(format!("{base}/api/v1/live"))
        .bearer_auth("demo-display")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let seq = live["seq"].as_u64().unwrap();
    let mut req = format!(
        "{}/api/v1/stream?after={seq}",
        base.replacen("http://", "ws://", 1)
    )
    .into_client_request()
    .unwrap();
    req.headers_mut().insert(
        "Authorization",
        HeaderValue::from_static("Bearer demo-display"),
    );
    let (ws, _) = tokio_tungstenite::connect_async(req).await.unwrap();
    let (_sink, mut events) = ws.split();
    let screen = tokio::spawn(async move {
        let mut at = vec![None; WINDOWS];
        let mut left = WINDOWS;
        while left > 0 {
            let Some(Ok(msg)) = events.next().await else {
                break;
            };
            let now = Instant::now();
            let Ok(text) = msg.to_text() else { continue };
            let Ok(e) = serde_json::from_str::<Value>(text) else {
                continue;
            };
            if e["type"] == "ticket_called"
                && let Some(w) = e["window"].as_u64()
                && at[w as usize - 1].is_none()
            {
                at[w as usize - 1] = Some(now);
                left -= 1;
            }
        }
        (at, _sink)
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    for s in &strips {
        s.armed.store(true, Ordering::Relaxed);
    }

    // 50 concurrent call-next requests.
    let calls: Vec<_> = tokens
        .iter()
        .enumerate()
        .map(|(i, token)| {
            let (http, token) = (http.clone(), token.clone());
            let url = format!("{base}/api/v1/windows/{}/call-next", i + 1);
            tokio::spawn(async move {
                let sent = Instant::now();
                let (s, b) = post(&http, url, &token, json!({})).await;
                assert_eq!(s, 200, "call-next: {b}");
                sent
            })
        })
        .collect();
    let mut sent = Vec::new();
    for c in calls {
        sent.push(c.await.unwrap());
    }
    let (screen_at, _sink) = tokio::time::timeout(Duration::from_secs(10), screen)
        .await
        .expect("the hall screen got every call")
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while strips.iter().any(|s| s.called_at.lock().unwrap().is_none()) {
        assert!(Instant::now() < deadline, "a strip never showed its call");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let led: Vec<Duration> = strips
        .iter()
        .zip(&sent)
        .map(|(s, t)| s.called_at.lock().unwrap().unwrap().duration_since(*t))
        .collect();
    let ws: Vec<Duration> = screen_at
        .iter()
        .zip(&sent)
        .map(|(a, t)| a.unwrap().duration_since(*t))
        .collect();
    let st = status.snapshot();
    let (retx, failed) = st
        .strips
        .values()
        .fold((0, 0), |(r, f), s| (r + s.retransmissions, f + s.failures));
    if retx + failed > 0 {
        println!("  (strips: {retx} retransmissions, {failed} frames given up)");
    }
    let _ = gw_stop.send(());
    let _ = gw.await;
    stop.store(true, Ordering::Relaxed);
    drop(ctl);
    (led, ws)
}
