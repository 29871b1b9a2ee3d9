//! `spawn_hall()`: starts the real `hallq` binary and gives typed helpers to talk to it.
#![allow(dead_code)]

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;

pub const BIN: &str = env!("CARGO_BIN_EXE_hallq");

/// The repository's `firmware-config/halls/` folder.
pub fn halls_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../firmware-config/halls")
}

#[derive(Default, Clone)]
pub struct HallOptions {
    /// A hall TOML; the embedded demo hall when none.
    pub config: Option<PathBuf>,
    /// An RFC 3339 time to start the test clock at (`--test-clock`).
    pub clock: Option<String>,
    /// `--offline-grace` seconds (how long before a device without a stream is offline).
    pub offline_grace: Option<u64>,
}

/// A running controller. Killed (SIGKILL) when dropped; its data directory is kept across
/// [`TestHall::restart`] and removed with the value.
pub struct TestHall {
    child: Option<Child>,
    pub base: String,
    pub data: tempfile::TempDir,
    pub opts: HallOptions,
    pub clock_file: PathBuf,
    pub http: reqwest::Client,
}

pub async fn spawn_hall() -> TestHall {
    spawn_hall_with(HallOptions::default()).await
}

pub async fn spawn_hall_with(opts: HallOptions) -> TestHall {
    let data = tempfile::tempdir().expect("temp dir");
    let clock_file = data.path().join("clock.txt");
    if let Some(t) = &opts.clock {
        std::fs::write(&clock_file, t).unwrap();
    }
    let mut hall = TestHall {
        child: None,
        base: String::new(),
        data,
        opts,
        clock_file,
        http: reqwest::Client::new(),
    };
    hall.start();
    hall
}

impl TestHall {
    fn start(&mut self) {
        self.start_on("127.0.0.1:0");
    }

    /// Starts the binary on `listen` and reads the address it announces.
    fn start_on(&mut self, listen: &str) {
        let mut cmd = Command::new(BIN);
        cmd.arg("serve")
            .arg("--data")
            .arg(self.data.path())
            .args(["--listen", listen])
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        if let Some(c) = &self.opts.config {
            cmd.arg("--config").arg(c);
        }
        if let Some(g) = self.opts.offline_grace {
            cmd.arg("--offline-grace").arg(g.to_string());
        }
        if self.opts.clock.is_some() {
            cmd.arg("--test-clock").arg(&self.clock_file);
        }
        let mut child = cmd.spawn().expect("start hallq");
        let stdout = child.stdout.take().unwrap();
        let mut lines = BufReader::new(stdout).lines();
        let first = lines
            .next()
            .expect("hallq printed nothing")
            .expect("read stdout");
        self.base = first
            .strip_prefix("hallq listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
            .to_owned();
        // Keep draining stdout so the child never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        self.child = Some(child);
    }

    /// SIGKILL: no shutdown, no snapshot, no flush beyond what was committed.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// SIGTERM and wait for a clean exit.
    pub fn terminate(&mut self) {
        if let Some(mut c) = self.child.take() {
            unsafe_sigterm(c.id());
            let status = c.wait().unwrap();
            assert!(status.success(), "hallq exited with {status}");
        }
    }

    /// Kill and start again on the same data directory (the port changes).
    pub fn restart(&mut self) {
        self.kill();
        self.start();
    }

    pub fn set_clock(&self, rfc3339: &str) {
        std::fs::write(&self.clock_file, rfc3339).unwrap();
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub fn ws_url(&self, path: &str) -> String {
        format!("{}{}", self.base.replacen("http://", "ws://", 1), path)
    }

    /// Runs `hallq` with these arguments; returns (exit code, stdout + stderr).
    pub fn cli(&self, args: &[&str]) -> (i32, String) {
        let out = Command::new(BIN).args(args).output().unwrap();
        let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
        text.push_str(&String::from_utf8_lossy(&out.stderr));
        (out.status.code().unwrap_or(-1), text)
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> (u16, Value) {
        self.post_with(path, token, body, None).await
    }

    pub async fn post_with(
        &self,
        path: &str,
        token: Option<&str>,
        body: Value,
        idempotency_key: Option<&str>,
    ) -> (u16, Value) {
        let mut req = self.http.post(self.url(path)).json(&body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(k) = idempotency_key {
            req = req.header("Idempotency-Key", k);
        }
        read(req.send().await.expect("request")).await
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> (u16, Value) {
        let mut req = self.http.get(self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        read(req.send().await.expect("request")).await
    }

    pub async fn delete(&self, path: &str, token: Option<&str>) -> (u16, Value) {
        let mut req = self.http.delete(self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        read(req.send().await.expect("request")).await
    }

    /// Signs a clerk in at a window; returns the session token.
    pub async fn sign_in(&self, clerk: &str, window: u32) -> String {
        let (status, body) = self
            .post(
                "/api/v1/session",
                None,
                json!({"clerk": clerk, "password": "demo", "window": window}),
            )
            .await;
        assert_eq!(status, 201, "sign in {clerk}: {body}");
        body["token"].as_str().unwrap().to_owned()
    }

    /// Signs the demo supervisor in without a window (the dashboard's session); returns the token.
    pub async fn sign_in_supervisor(&self) -> String {
        let (status, body) = self
            .post(
                "/api/v1/session",
                None,
                json!({"clerk": "super", "password": "demo"}),
            )
            .await;
        assert_eq!(status, 201, "sign in super: {body}");
        body["token"].as_str().unwrap().to_owned()
    }

    /// Issues a ticket for an item at the demo kiosk; returns the 201 body.
    pub async fn issue(&self, item: &str) -> Value {
        let (status, body) = self
            .post("/api/v1/tickets", Some("demo-kiosk"), json!({"item": item}))
            .await;
        assert_eq!(status, 201, "issue {item}: {body}");
        body
    }

    /// A window action; returns (status, body).
    pub async fn act(&self, token: &str, window: u32, action: &str, body: Value) -> (u16, Value) {
        self.post(
            &format!("/api/v1/windows/{window}/{action}"),
            Some(token),
            body,
        )
        .await
    }

    /// Calls the next ticket at `window`, starts serving it and finishes it with `finish` (`{}`,
    /// or an outcome); every step must succeed. Returns the finish reply.
    pub async fn serve_next(&self, token: &str, window: u32, finish: Value) -> Value {
        for action in ["call-next", "start"] {
            let (s, b) = self.act(token, window, action, json!({})).await;
            assert_eq!(s, 200, "{action} at window {window}: {b}");
        }
        let (s, b) = self.act(token, window, "finish", finish).await;
        assert_eq!(s, 200, "finish at window {window}: {b}");
        b
    }

    /// Every event in the log, as JSON.
    pub async fn all_events(&self) -> Vec<Value> {
        let mut out = Vec::new();
        let mut after = 0;
        loop {
            let (status, body) = self
                .get(
                    &format!("/api/v1/events?after={after}&limit=5000"),
                    Some("demo-display"),
                )
                .await;
            assert_eq!(status, 200, "{body}");
            let events = body["events"].as_array().unwrap().clone();
            if events.is_empty() {
                return out;
            }
            after = body["next"].as_u64().unwrap();
            out.extend(events);
        }
    }

    /// Every event of type `kind` in the log.
    pub async fn events_of(&self, kind: &str) -> Vec<Value> {
        of_type(&self.all_events().await, kind)
    }

    pub async fn seq(&self) -> u64 {
        self.get("/healthz", None).await.1["seq"].as_u64().unwrap()
    }

    /// Opens the event stream after `after` with a device token.
    pub async fn subscribe(&self, after: u64) -> Subscriber {
        let url = self.ws_url(&format!("/api/v1/stream?after={after}&token=demo-display"));
        let (ws, _) = tokio_tungstenite::connect_async(url)
            .await
            .expect("ws connect");
        Subscriber { ws }
    }
}

impl Drop for TestHall {
    fn drop(&mut self) {
        self.kill();
    }
}

fn unsafe_sigterm(pid: u32) {
    let _ = Command::new("kill")
        .arg("-TERM")
        .arg(pid.to_string())
        .status();
}

/// The events of type `kind` among `events`.
pub fn of_type(events: &[Value], kind: &str) -> Vec<Value> {
    events
        .iter()
        .filter(|e| e["type"] == kind)
        .cloned()
        .collect()
}

/// Reads an answer; any error must be problem+json.
pub async fn read(res: reqwest::Response) -> (u16, Value) {
    let status = res.status().as_u16();
    let ctype = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let text = res.text().await.unwrap();
    if status >= 400 {
        assert_eq!(
            ctype, "application/problem+json",
            "error without a problem: {text}"
        );
    }
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    };
    (status, body)
}

pub struct Subscriber {
    pub ws: tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
}

impl Subscriber {
    /// The next event, or None when nothing arrives within `wait`.
    pub async fn next_event(&mut self, wait: Duration) -> Option<Value> {
        loop {
            match tokio::time::timeout(wait, self.ws.next()).await {
                Ok(Some(Ok(Message::Text(t)))) => return Some(serde_json::from_str(&t).unwrap()),
                Ok(Some(Ok(Message::Close(_)))) | Ok(None) | Ok(Some(Err(_))) | Err(_) => {
                    return None;
                }
                Ok(Some(Ok(_))) => continue,
            }
        }
    }

    pub async fn close(mut self) {
        let _ = self.ws.send(Message::Close(None)).await;
    }
}

impl TestHall {
    /// Kill and start again on the same data directory **and the same port**, so that clients
    /// holding the address (a browser page) reconnect by themselves. The port is the one the
    /// controller was given at its first start (port 0 picks it); `kill` first when the test
    /// wants to watch the controller being away.
    pub fn restart_same_port(&mut self) {
        self.kill();
        let before = self.base.clone();
        let listen = before
            .strip_prefix("http://")
            .expect("an http base")
            .to_owned();
        self.start_on(&listen);
        assert_eq!(self.base, before, "restarted on another address");
    }
}
