//! The gateway's TOML configuration: which controller, which token, which serial buses, which
//! pad address is which window's pad. Parsed strictly (`deny_unknown_fields`) and validated
//! with errors that name the file, the entry and the field.
//!
//! ```toml
//! controller = "http://127.0.0.1:8080"
//! token = "demo-gateway"              # or token_file = "gateway.token"
//! state_file = "state/demo-gateway.toml"
//!
//! [[buses]]
//! id = "hall-a"
//! path = "/dev/ttyUSB0"
//! baud = 9600
//!
//! [[pads]]
//! bus = "hall-a"
//! address = 3
//! window = 3
//! kind = "call"
//! ```
//!
//! Relative paths (`token_file`, `state_file`, a bus `path`) are taken from the folder of the
//! configuration file, so a config and its state can travel together.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use thiserror::Error;

/// How long a pad's key press is retried while the controller cannot be reached, by default.
pub const DEFAULT_ACTION_RETRY_S: u64 = 30;
/// How often every pad's display is sent again even when nothing changed, by default (a pad
/// that lost power comes back dark otherwise).
pub const DEFAULT_DISPLAY_REFRESH_S: u64 = 60;
/// The pads' baud rate when a bus does not say.
pub const DEFAULT_BAUD: u32 = 9600;
/// Baud rates a bus may use: what RS-485 pad and LED controllers offer.
pub const BAUD_RATES: [u32; 8] = [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200];
/// The highest window number the controller accepts.
pub const MAX_WINDOW: u32 = 999;

/// A validated gateway configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The controller's base URL, `http://host:port`, without a trailing slash.
    pub controller: String,
    /// The gateway's device token (from `token` or the contents of `token_file`).
    pub token: String,
    /// Where the last applied event seq is kept across restarts.
    pub state_file: PathBuf,
    /// How long a key press is retried while the controller is unreachable.
    pub action_retry: Duration,
    /// How often every display is resent anyway; `None` when `display_refresh_s = 0`.
    pub display_refresh: Option<Duration>,
    /// The serial buses, in file order.
    pub buses: Vec<BusConfig>,
    /// The pads, in file order.
    pub pads: Vec<PadConfig>,
}

/// One RS-485 bus: a serial port with pads on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusConfig {
    /// A short name used in logs, status and idempotency keys (`[A-Za-z0-9_-]`, ≤ 32).
    pub id: String,
    /// The serial device, e.g. `/dev/ttyUSB0`.
    pub path: PathBuf,
    /// 9600 for the usual pads; always 8N1.
    pub baud: u32,
    /// The adapter reads back what the gateway writes (some half-duplex RS-485 adapters do):
    /// the gateway then drops its own frames when they come back, so it never acknowledges
    /// its own acknowledgements.
    pub local_echo: bool,
}

/// One pad: its place on a bus and the window it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PadConfig {
    /// Index into [`Config::buses`].
    pub bus: usize,
    /// The pad's bus address, as set on the device.
    pub address: u8,
    /// The window it sits at.
    pub window: u32,
    /// A call pad or a 4-key rating pad.
    pub kind: PadKind,
}

/// What a pad is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PadKind {
    /// The clerk's call pad: keys in, display and beep out.
    Call,
    /// The citizen's 4-key rating pad: rating keys in.
    Rating,
}

/// Why a configuration was refused. The message names the file and, for a bad value, the
/// entry (`pads[2]`) and the field.
#[derive(Debug, Error)]
#[error("{file}: {message}")]
pub struct ConfigError {
    /// The configuration file (or `<config>` for text given directly).
    pub file: String,
    /// What is wrong, precisely.
    pub message: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    controller: String,
    token: Option<String>,
    token_file: Option<PathBuf>,
    state_file: PathBuf,
    action_retry_s: Option<u64>,
    display_refresh_s: Option<u64>,
    #[serde(default)]
    buses: Vec<RawBus>,
    #[serde(default)]
    pads: Vec<RawPad>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBus {
    id: String,
    path: PathBuf,
    baud: Option<u32>,
    #[serde(default)]
    local_echo: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPad {
    bus: String,
    address: u8,
    window: u32,
    kind: PadKind,
}

impl Config {
    /// Reads and validates the configuration file at `path`.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
            file: file.clone(),
            message: format!("cannot read it: {e}"),
        })?;
        let base = path.parent().unwrap_or(Path::new("."));
        Config::parse(&text, base).map_err(|message| ConfigError { file, message })
    }

    /// Validates configuration text; relative paths are taken from `base`.
    pub fn from_toml(text: &str, base: &Path) -> Result<Config, ConfigError> {
        Config::parse(text, base).map_err(|message| ConfigError {
            file: "<config>".into(),
            message,
        })
    }

    fn parse(text: &str, base: &Path) -> Result<Config, String> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| e.to_string().trim().to_owned())?;
        let controller = controller_url(&raw.controller)?;
        let token = match (raw.token, raw.token_file) {
            (Some(_), Some(_)) => {
                return Err("give either `token` or `token_file`, not both".into());
            }
            (None, None) => {
                return Err("missing `token` (the gateway's device token) or `token_file`".into());
            }
            (Some(t), None) => check_token(&t).map_err(|e| format!("`token`: {e}"))?,
            (None, Some(f)) => {
                let path = base.join(&f);
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| format!("`token_file`: cannot read {}: {e}", path.display()))?;
                check_token(text.trim())
                    .map_err(|e| format!("`token_file` {}: {e}", path.display()))?
            }
        };
        if raw.state_file.as_os_str().is_empty() {
            return Err("`state_file` is empty".into());
        }
        let action_retry_s = raw.action_retry_s.unwrap_or(DEFAULT_ACTION_RETRY_S);
        if !(1..=3600).contains(&action_retry_s) {
            return Err(format!(
                "`action_retry_s` = {action_retry_s}: must be 1..=3600 seconds"
            ));
        }
        let refresh_s = raw.display_refresh_s.unwrap_or(DEFAULT_DISPLAY_REFRESH_S);
        if refresh_s > 86_400 {
            return Err(format!(
                "`display_refresh_s` = {refresh_s}: must be 0 (never) ..= 86400 seconds"
            ));
        }

        if raw.buses.is_empty() {
            return Err("no [[buses]]: the gateway needs at least one serial bus".into());
        }
        let mut buses = Vec::with_capacity(raw.buses.len());
        let mut bus_index = BTreeMap::new();
        for (i, b) in raw.buses.into_iter().enumerate() {
            let at = format!("buses[{i}]");
            check_bus_id(&b.id).map_err(|e| format!("{at}: `id` {:?}: {e}", b.id))?;
            if let Some(first) = bus_index.insert(b.id.clone(), i) {
                return Err(format!(
                    "{at}: `id` {:?} is already the id of buses[{first}]",
                    b.id
                ));
            }
            if b.path.as_os_str().is_empty() {
                return Err(format!("{at} ({:?}): `path` is empty", b.id));
            }
            let baud = b.baud.unwrap_or(DEFAULT_BAUD);
            if !BAUD_RATES.contains(&baud) {
                return Err(format!(
                    "{at} ({:?}): `baud` = {baud} is not one of {BAUD_RATES:?}",
                    b.id
                ));
            }
            buses.push(BusConfig {
                id: b.id,
                path: base.join(b.path),
                baud,
                local_echo: b.local_echo,
            });
        }

        if raw.pads.is_empty() {
            return Err("no [[pads]]: the gateway needs at least one pad".into());
        }
        let mut pads = Vec::with_capacity(raw.pads.len());
        let mut seen: BTreeMap<(usize, u8), usize> = BTreeMap::new();
        for (i, p) in raw.pads.into_iter().enumerate() {
            let at = format!("pads[{i}]");
            let Some(&bus) = bus_index.get(&p.bus) else {
                let ids: Vec<&str> = bus_index.keys().map(String::as_str).collect();
                return Err(format!(
                    "{at}: `bus` {:?} is not the id of a [[buses]] entry ({})",
                    p.bus,
                    ids.join(", ")
                ));
            };
            if !(1..=MAX_WINDOW).contains(&p.window) {
                return Err(format!(
                    "{at}: `window` = {} is not a window number (1..={MAX_WINDOW})",
                    p.window
                ));
            }
            if let Some(first) = seen.insert((bus, p.address), i) {
                return Err(format!(
                    "{at}: address {} on bus {:?} is already pads[{first}] (addresses are unique on a bus)",
                    p.address, p.bus
                ));
            }
            pads.push(PadConfig {
                bus,
                address: p.address,
                window: p.window,
                kind: p.kind,
            });
        }

        Ok(Config {
            controller,
            token,
            state_file: base.join(raw.state_file),
            action_retry: Duration::from_secs(action_retry_s),
            display_refresh: (refresh_s > 0).then(|| Duration::from_secs(refresh_s)),
            buses,
            pads,
        })
    }
}

/// `http://host[:port]` with an optional trailing slash; returned without it.
fn controller_url(url: &str) -> Result<String, String> {
    let bad = |why: &str| Err(format!("`controller` = {url:?}: {why}"));
    if url.starts_with("https://") {
        return bad(
            "https is not supported; the gateway speaks plain HTTP to the controller on the hall's network",
        );
    }
    let Some(rest) = url.strip_prefix("http://") else {
        return bad("must start with http:// (e.g. \"http://127.0.0.1:8080\")");
    };
    let host = rest.strip_suffix('/').unwrap_or(rest);
    if host.is_empty() {
        return bad("no host");
    }
    if let Some(c) = host
        .chars()
        .find(|c| matches!(c, '/' | '?' | '#' | '@') || c.is_whitespace() || c.is_control())
    {
        return bad(&format!(
            "only a scheme, host and port are allowed (found {c:?})"
        ));
    }
    Ok(format!("http://{host}"))
}

/// A bearer token must fit in an `Authorization` header as is.
fn check_token(token: &str) -> Result<String, String> {
    if token.is_empty() {
        return Err("empty".into());
    }
    if !token.bytes().all(|b| b.is_ascii_graphic()) {
        return Err("only visible ASCII characters, no spaces".into());
    }
    Ok(token.to_owned())
}

fn check_bus_id(id: &str) -> Result<(), String> {
    if id.is_empty() || id.len() > 32 {
        return Err("must be 1 to 32 characters".into());
    }
    if !id
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err("only letters, digits, `-` and `_`".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
controller = "http://127.0.0.1:8080/"
token = "demo-gateway"
state_file = "state.toml"

[[buses]]
id = "hall-a"
path = "/dev/ttyUSB0"

[[buses]]
id = "hall-b"
path = "ttyB"
baud = 19200
local_echo = true

[[pads]]
bus = "hall-a"
address = 3
window = 3
kind = "call"

[[pads]]
bus = "hall-b"
address = 3
window = 3
kind = "rating"
"#;

    fn parse(text: &str) -> Result<Config, String> {
        Config::from_toml(text, Path::new("/etc/hallq")).map_err(|e| e.message)
    }

    /// `GOOD` with one line replaced (or removed, with an empty replacement).
    fn with(from: &str, to: &str) -> String {
        assert!(GOOD.contains(from), "{from:?}");
        GOOD.replacen(from, to, 1)
    }

    fn err(text: &str) -> String {
        parse(text).expect_err("should be refused")
    }

    #[test]
    fn a_good_config_parses_with_defaults_and_relative_paths() {
        let c = parse(GOOD).unwrap();
        assert_eq!(c.controller, "http://127.0.0.1:8080");
        assert_eq!(c.token, "demo-gateway");
        assert_eq!(c.state_file, Path::new("/etc/hallq/state.toml"));
        assert_eq!(c.action_retry, Duration::from_secs(30));
        assert_eq!(c.display_refresh, Some(Duration::from_secs(60)));
        assert_eq!(
            c.buses,
            vec![
                BusConfig {
                    id: "hall-a".into(),
                    path: "/dev/ttyUSB0".into(),
                    baud: 9600,
                    local_echo: false
                },
                BusConfig {
                    id: "hall-b".into(),
                    path: "/etc/hallq/ttyB".into(),
                    baud: 19200,
                    local_echo: true
                },
            ]
        );
        assert_eq!(
            c.pads[1],
            PadConfig {
                bus: 1,
                address: 3,
                window: 3,
                kind: PadKind::Rating
            }
        );
    }

    #[test]
    fn toml_mistakes_are_reported_with_their_line() {
        let e = err(&with("baud = 19200", "baud = 19200\nparity = \"even\""));
        assert!(e.contains("unknown field `parity`"), "{e}");
        assert!(e.contains("line 14"), "{e}");
        let e = err(&with("kind = \"rating\"", "kind = \"led\""));
        assert!(e.contains("unknown variant `led`"), "{e}");
        let e = err(&with(
            "address = 3\nwindow = 3\nkind = \"call\"",
            "address = 300\nwindow = 3\nkind = \"call\"",
        ));
        assert!(e.contains("address") || e.contains("300"), "{e}");
        let e = err(&with("state_file = \"state.toml\"\n", ""));
        assert!(e.contains("missing field `state_file`"), "{e}");
    }

    #[test]
    fn the_controller_must_be_a_plain_http_base_url() {
        let e = err(&with("http://127.0.0.1:8080/", "https://hall.example"));
        assert!(e.contains("https is not supported"), "{e}");
        let e = err(&with("http://127.0.0.1:8080/", "127.0.0.1:8080"));
        assert!(e.contains("must start with http://"), "{e}");
        let e = err(&with("http://127.0.0.1:8080/", "http://127.0.0.1:8080/api"));
        assert!(e.contains("only a scheme, host and port"), "{e}");
        let e = err(&with("http://127.0.0.1:8080/", "http://"));
        assert!(e.contains("no host"), "{e}");
    }

    #[test]
    fn exactly_one_of_token_and_token_file() {
        let e = err(&with("token = \"demo-gateway\"\n", ""));
        assert!(e.contains("missing `token`"), "{e}");
        let e = err(&with(
            "token = \"demo-gateway\"",
            "token = \"a\"\ntoken_file = \"t\"",
        ));
        assert!(e.contains("not both"), "{e}");
        let e = err(&with("token = \"demo-gateway\"", "token = \"two words\""));
        assert!(e.contains("`token`: only visible ASCII"), "{e}");
        let e = err(&with(
            "token = \"demo-gateway\"",
            "token_file = \"no-such.token\"",
        ));
        assert!(
            e.contains("`token_file`: cannot read /etc/hallq/no-such.token"),
            "{e}"
        );
    }

    #[test]
    fn a_token_file_is_read_and_trimmed() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("gw.token"), "secret-token\n").unwrap();
        let text = with("token = \"demo-gateway\"", "token_file = \"gw.token\"");
        let c = Config::from_toml(&text, dir.path()).unwrap();
        assert_eq!(c.token, "secret-token");
    }

    #[test]
    fn buses_are_checked() {
        let e = err(&with("id = \"hall-b\"", "id = \"hall-a\""));
        assert!(
            e.contains("buses[1]: `id` \"hall-a\" is already the id of buses[0]"),
            "{e}"
        );
        let e = err(&with("id = \"hall-b\"", "id = \"hall b\""));
        assert!(e.contains("buses[1]: `id` \"hall b\": only letters"), "{e}");
        let e = err(&with("baud = 19200", "baud = 9601"));
        assert!(
            e.contains("buses[1] (\"hall-b\"): `baud` = 9601 is not one of"),
            "{e}"
        );
        let e = err(&with("path = \"ttyB\"", "path = \"\""));
        assert!(e.contains("`path` is empty"), "{e}");
        let no_buses = GOOD.split("[[buses]]").next().unwrap().to_owned();
        assert!(err(&no_buses).contains("no [[buses]]"));
    }

    #[test]
    fn pads_are_checked() {
        let e = err(&with("bus = \"hall-b\"", "bus = \"hall-c\""));
        assert!(
            e.contains(
                "pads[1]: `bus` \"hall-c\" is not the id of a [[buses]] entry (hall-a, hall-b)"
            ),
            "{e}"
        );
        let e = err(&with("bus = \"hall-b\"", "bus = \"hall-a\""));
        assert!(
            e.contains("pads[1]: address 3 on bus \"hall-a\" is already pads[0]"),
            "{e}"
        );
        let e = err(&with(
            "window = 3\nkind = \"rating\"",
            "window = 0\nkind = \"rating\"",
        ));
        assert!(
            e.contains("pads[1]: `window` = 0 is not a window number"),
            "{e}"
        );
        let no_pads = GOOD.split("[[pads]]").next().unwrap().to_owned();
        assert!(err(&no_pads).contains("no [[pads]]"));
    }

    #[test]
    fn timing_knobs_are_checked() {
        let text = with(
            "state_file = \"state.toml\"",
            "state_file = \"state.toml\"\naction_retry_s = 0",
        );
        assert!(err(&text).contains("`action_retry_s` = 0"));
        let text = with(
            "state_file = \"state.toml\"",
            "state_file = \"state.toml\"\ndisplay_refresh_s = 0\naction_retry_s = 5",
        );
        let c = parse(&text).unwrap();
        assert_eq!(c.display_refresh, None);
        assert_eq!(c.action_retry, Duration::from_secs(5));
    }

    #[test]
    fn the_demo_config_in_the_repository_is_valid() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../firmware-config/gateways/demo-gateway.toml");
        let c = Config::load(&path).unwrap();
        assert_eq!(c.token, "demo-gateway");
        assert!(c.pads.iter().any(|p| p.kind == PadKind::Call));
    }
}
