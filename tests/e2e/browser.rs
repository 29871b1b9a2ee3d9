//! Real-browser support: `chromedriver` as a child process and headless Chromium driven with
//! fantoccini (WebDriver), plus helpers to wait for the page, click, type, measure and take
//! screenshots (`target/screenshots/<name>.png`).
//!
//! Needs `/usr/bin/chromium` (or `HALLQ_CHROMIUM`) and `chromedriver` on the PATH (or
//! `HALLQ_CHROMEDRIVER`): install chromium and chromium-driver; .ci/run does it.
#![allow(dead_code)]

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};
use tokio::sync::{Semaphore, SemaphorePermit};

/// How long the helpers wait for the page by default.
pub const WAIT: Duration = Duration::from_secs(10);

/// Browsers running at once across the test binary: each is a full Chromium, and CI machines
/// are small.
const MAX_BROWSERS: usize = 2;

fn slots() -> &'static Semaphore {
    static SLOTS: OnceLock<Semaphore> = OnceLock::new();
    SLOTS.get_or_init(|| Semaphore::new(MAX_BROWSERS))
}

fn chromium_path() -> String {
    std::env::var("HALLQ_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned())
}

fn chromedriver_path() -> String {
    std::env::var("HALLQ_CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".to_owned())
}

/// `target/screenshots/` of the workspace.
pub fn screenshot_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots")
}

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("bind a free port")
        .port()
}

/// The chromedriver process, in its own process group so that killing the group also ends
/// the Chromium it started (a test that panics never closes its session).
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let pid = self.0.id();
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{pid}")])
            .stderr(Stdio::null())
            .status();
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// One headless Chromium with a fresh profile.
pub struct Browser {
    pub client: Client,
    // Field order is drop order: the driver (and its Chromium) goes before the profile dir.
    driver: Driver,
    profile: tempfile::TempDir,
    _slot: SemaphorePermit<'static>,
}

impl Browser {
    /// Starts chromedriver on a free port and opens a session, 1080×1920 (a portrait kiosk).
    pub async fn start() -> Browser {
        let slot = slots().acquire().await.expect("browser slots");
        let chromium = chromium_path();
        assert!(
            Path::new(&chromium).exists(),
            "no Chromium at {chromium}: install chromium and chromium-driver; .ci/run does it"
        );
        let port = free_port();
        let child = Command::new(chromedriver_path())
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot start chromedriver ({e}): install chromium and chromium-driver; .ci/run does it"
                )
            });
        let driver = Driver(child);
        let profile = tempfile::tempdir().expect("profile dir");
        let caps = json!({
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-quic",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--disable-dev-shm-usage",
                    "--hide-scrollbars",
                    "--force-device-scale-factor=1",
                    format!("--user-data-dir={}", profile.path().display()),
                    "--window-size=1080,1920",
                ]
            }
        });
        let caps = match caps {
            Value::Object(m) => m,
            _ => unreachable!(),
        };
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(30);
        let client = loop {
            let mut builder = ClientBuilder::rustls().expect("rustls client");
            builder.capabilities(caps.clone());
            match builder.connect(&url).await {
                Ok(c) => break c,
                Err(e) if Instant::now() < deadline => {
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(150)).await;
                }
                Err(e) => panic!("chromedriver at {url} gave no session: {e}"),
            }
        };
        let b = Browser {
            client,
            driver,
            profile,
            _slot: slot,
        };
        b.set_size(1080, 1920).await;
        b
    }

    /// Ends the session (Chromium quits); the driver is killed on drop.
    pub async fn close(self) {
        let Browser {
            client,
            driver,
            profile,
            _slot,
        } = self;
        let _ = tokio::time::timeout(Duration::from_secs(10), client.close()).await;
        drop(driver);
        drop(profile);
    }

    pub async fn goto(&self, url: &str) {
        self.client
            .goto(url)
            .await
            .unwrap_or_else(|e| panic!("goto {url}: {e}"));
    }

    /// Sets the viewport (not the outer window) to `width`×`height` CSS pixels.
    pub async fn set_size(&self, width: u32, height: u32) {
        self.client
            .set_window_size(width, height)
            .await
            .expect("set window size");
        let inner = self
            .js("return [window.innerWidth, window.innerHeight]")
            .await;
        let (iw, ih) = (
            inner[0].as_u64().unwrap_or(0) as i64,
            inner[1].as_u64().unwrap_or(0) as i64,
        );
        if iw > 0 && (iw != width as i64 || ih != height as i64) {
            let w = (2 * width as i64 - iw).max(100) as u32;
            let h = (2 * height as i64 - ih).max(100) as u32;
            self.client
                .set_window_size(w, h)
                .await
                .expect("set window size");
        }
    }

    /// Runs `script` (a function body; `arguments[i]` are the args) and returns its value.
    pub async fn js_with(&self, script: &str, args: Vec<Value>) -> Value {
        self.client
            .execute(script, args)
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    pub async fn js(&self, script: &str) -> Value {
        self.js_with(script, vec![]).await
    }

    /// Waits until `expr` (a JS expression) is truthy; panics with `what` after `timeout`.
    pub async fn wait_until(&self, expr: &str, timeout: Duration, what: &str) {
        let script = format!("try {{ return !!({expr}); }} catch (e) {{ return false; }}");
        let deadline = Instant::now() + timeout;
        loop {
            if self.js(&script).await == Value::Bool(true) {
                return;
            }
            if Instant::now() > deadline {
                let body = self.body_text().await;
                panic!(
                    "timed out after {timeout:?} waiting for {what} ({expr})\npage text:\n{body}"
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits for a displayed element matching `css`.
    pub async fn wait_for(&self, css: &str) -> Element {
        self.wait_for_within(css, WAIT).await
    }

    pub async fn wait_for_within(&self, css: &str, timeout: Duration) -> Element {
        let deadline = Instant::now() + timeout;
        loop {
            if let Ok(els) = self.client.find_all(Locator::Css(css)).await {
                for el in els {
                    if el.is_displayed().await.unwrap_or(false) {
                        return el;
                    }
                }
            }
            if Instant::now() > deadline {
                let body = self.body_text().await;
                panic!("timed out after {timeout:?} waiting for `{css}`\npage text:\n{body}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until the displayed element `css` contains `needle`; returns its whole text.
    pub async fn wait_text(&self, css: &str, needle: &str) -> String {
        self.wait_text_within(css, needle, WAIT).await
    }

    pub async fn wait_text_within(&self, css: &str, needle: &str, timeout: Duration) -> String {
        let deadline = Instant::now() + timeout;
        let mut last = String::new();
        loop {
            if let Ok(els) = self.client.find_all(Locator::Css(css)).await {
                for el in els {
                    if el.is_displayed().await.unwrap_or(false) {
                        last = el.text().await.unwrap_or_default();
                        if last.contains(needle) {
                            return last;
                        }
                    }
                }
            }
            if Instant::now() > deadline {
                panic!(
                    "timed out after {timeout:?} waiting for `{css}` to contain {needle:?}; it reads {last:?}"
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The visible text of the displayed element `css`.
    pub async fn text(&self, css: &str) -> String {
        self.wait_for(css).await.text().await.expect("element text")
    }

    /// The visible text of `css`, read in the page: a page that re-renders on every event can
    /// leave a WebDriver element handle stale between finding and reading it.
    pub async fn inner_text(&self, css: &str) -> String {
        self.wait_for(css).await;
        self.js_with(
            "const el = document.querySelector(arguments[0]); return el ? el.innerText : ''",
            vec![serde_json::json!(css)],
        )
        .await
        .as_str()
        .unwrap_or("")
        .to_owned()
    }

    /// Clicks the displayed element `css`, retrying while something covers it.
    pub async fn click(&self, css: &str) {
        let deadline = Instant::now() + WAIT;
        loop {
            let el = self.wait_for(css).await;
            match el.click().await {
                Ok(()) => return,
                Err(e) if Instant::now() < deadline => {
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => panic!("click `{css}`: {e}"),
            }
        }
    }

    /// Types into the displayed input `css` (real key events).
    pub async fn type_into(&self, css: &str, text: &str) {
        let el = self.wait_for(css).await;
        el.click()
            .await
            .unwrap_or_else(|e| panic!("focus `{css}`: {e}"));
        el.send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("type into `{css}`: {e}"));
    }

    /// `document.body.innerText`, for failure messages.
    pub async fn body_text(&self) -> String {
        self.client
            .execute(
                "return document.body ? document.body.innerText : ''",
                vec![],
            )
            .await
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    }

    /// The bounding boxes `[x, y, w, h, label]` of every displayed element matching `css`.
    pub async fn rects(&self, css: &str) -> Vec<(f64, f64, f64, f64, String)> {
        let v = self
            .js_with(
                r#"
                const out = [];
                for (const el of document.querySelectorAll(arguments[0])) {
                  const r = el.getBoundingClientRect();
                  const s = getComputedStyle(el);
                  if (r.width === 0 || r.height === 0 || s.visibility === 'hidden' || s.display === 'none') continue;
                  const label = (el.id ? '#' + el.id + ' ' : '') + (el.innerText || el.getAttribute('aria-label') || '').trim().slice(0, 40);
                  out.push([r.x, r.y, r.width, r.height, label]);
                }
                return out;
                "#,
                vec![json!(css)],
            )
            .await;
        v.as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r[0].as_f64().unwrap(),
                    r[1].as_f64().unwrap(),
                    r[2].as_f64().unwrap(),
                    r[3].as_f64().unwrap(),
                    r[4].as_str().unwrap_or("").to_owned(),
                )
            })
            .collect()
    }

    /// The computed style property `prop` of the displayed element `css`.
    pub async fn style(&self, css: &str, prop: &str) -> String {
        self.wait_for(css).await;
        self.js_with(
            "return getComputedStyle(document.querySelector(arguments[0])).getPropertyValue(arguments[1])",
            vec![json!(css), json!(prop)],
        )
        .await
        .as_str()
        .unwrap_or("")
        .to_owned()
    }

    /// Fails when the page scrolls sideways (text or tiles overflowing the screen).
    pub async fn assert_no_horizontal_overflow(&self, what: &str) {
        let v = self
            .js("return [document.documentElement.scrollWidth, window.innerWidth]")
            .await;
        let (sw, iw) = (v[0].as_f64().unwrap(), v[1].as_f64().unwrap());
        assert!(
            sw <= iw + 0.5,
            "{what}: the page is {sw}px wide in a {iw}px viewport"
        );
    }

    /// Saves a PNG of the viewport to `target/screenshots/<name>.png` and returns its path.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let dir = screenshot_dir();
        std::fs::create_dir_all(&dir).expect("create target/screenshots");
        // Let transitions and images settle.
        let _ = self
            .client
            .execute(
                "return Promise.all(Array.from(document.images).map(i => i.complete ? 0 : new Promise(r => { i.onload = i.onerror = r; setTimeout(r, 2000); })))",
                vec![],
            )
            .await;
        tokio::time::sleep(Duration::from_millis(150)).await;
        let png = self.client.screenshot().await.expect("screenshot");
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).expect("write screenshot");
        path
    }
}
