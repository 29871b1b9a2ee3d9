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
//!
//! [[pads]]
//! bus = "hall-a"
//! address = 35
//! window = 3
//! kind = "rating"
//! # what keys 1..4 mean (this is the default; a hall may end with "very_dissatisfied")
//! levels = ["very_satisfied", "satisfied", "basically_satisfied", "dissatisfied"]
//! ```
//!
//! Window LED strips (optional) sit on the same buses:
//!
//! ```toml
//! [[strips]]
//! bus = "hall-a"
//! address = 103
//! window = 3
//! width = 160
//! height = 32
//! colors = "tricolor"                 # or "mono"
//! protocol = "raw"                    # or "onbon"
//! brightness = [{ from = "07:00", level = 12 }, { from = "19:00", level = 4 }]
//! ```
//!
//! An Onbon strip may instead be reached over the network, with no `bus`:
//!
//! ```toml
//! [[strips]]
//! transport = "udp"                   # or "tcp"; "rs485" (the default) needs `bus`
//! address = "192.168.1.20:5007"       # default port: 5007 for udp, 5005 for tcp
//! window = 4
//! width = 128
//! height = 32
//! colors = "tricolor"
//! protocol = "onbon"                  # the raw protocol is RS-485 only
//! ```
//!
//! Relative paths (`token_file`, `state_file`, a bus `path`) are taken from the folder of the
//! configuration file, so a config and its state can travel together.

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::time::Duration;

use hallq_displays::{ColorMode, Panel};
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
    /// The window LED strips, in file order.
    pub strips: Vec<StripConfig>,
}

/// The default UDP port of an Onbon controller.
pub const ONBON_UDP_PORT: u16 = 5007;
/// The default TCP port of an Onbon controller.
pub const ONBON_TCP_PORT: u16 = 5005;

/// One window LED strip: how it is reached, its window, its panel and protocol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StripConfig {
    /// On a serial bus or on the network.
    pub link: StripLink,
    /// The window it hangs over.
    pub window: u32,
    /// The panel's size and colours.
    pub panel: Panel,
    /// How the gateway talks to it.
    pub protocol: StripProtocol,
    /// Brightness by time of day, sorted by `from`; empty to leave the strip's own level.
    pub brightness: Vec<BrightnessStep>,
}

impl StripConfig {
    /// The index into [`Config::buses`] of the bus it is on, if it is on one.
    pub fn bus(&self) -> Option<usize> {
        match self.link {
            StripLink::Bus { bus, .. } => Some(bus),
            StripLink::Net { .. } => None,
        }
    }
}

/// How the gateway reaches a strip.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StripLink {
    /// On an RS-485 bus.
    Bus {
        /// Index into [`Config::buses`].
        bus: usize,
        /// The strip controller's bus address (raw: 1..=254; Onbon: its screen address).
        address: u8,
    },
    /// An Onbon controller on the network (same frames as on the bus, sent to any screen
    /// address: the socket picks the controller).
    Net {
        /// UDP datagrams or a TCP connection.
        transport: NetTransport,
        /// The controller's IP address and port.
        address: SocketAddr,
    },
}

/// A network transport to an Onbon controller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NetTransport {
    /// A frame a datagram, the reply a datagram (port 5007 by default).
    Udp,
    /// One kept connection, frames and replies in a byte stream (port 5005 by default).
    Tcp,
}

impl NetTransport {
    /// `udp` or `tcp`.
    pub fn name(self) -> &'static str {
        match self {
            NetTransport::Udp => "udp",
            NetTransport::Tcp => "tcp",
        }
    }

    /// The controller's port when the address gives none.
    pub fn default_port(self) -> u16 {
        match self {
            NetTransport::Udp => ONBON_UDP_PORT,
            NetTransport::Tcp => ONBON_TCP_PORT,
        }
    }
}

/// How a strip is reached, as written in the configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
enum RawTransport {
    Rs485,
    Udp,
    Tcp,
}

/// The wire protocol of a strip.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StripProtocol {
    /// hallq's raw-bitmap protocol (`docs/protocols/led-raw-bitmap.md`).
    Raw,
    /// Onbon BX-5/BX-6 dynamic areas (`docs/protocols/onbon-bx.md`).
    Onbon,
}

/// The colour model of a strip, as written in the configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
enum RawColors {
    Mono,
    Tricolor,
}

/// From `from` (minutes after local midnight) on, the strip shines at `level` (0..=15).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BrightnessStep {
    /// Minutes after midnight in the hall's time zone.
    pub from_minute: u16,
    /// 0 (dimmest) ..= 15.
    pub level: u8,
}

/// The brightness level in effect at `minute` (minutes after local midnight): the step with the
/// latest `from` not after it; before the first step of the day, the day's last step (the
/// schedule wraps around midnight). `None` for an empty schedule.
pub fn brightness_at(steps: &[BrightnessStep], minute: u16) -> Option<u8> {
    steps
        .iter()
        .rev()
        .find(|s| s.from_minute <= minute)
        .or_else(|| steps.last())
        .map(|s| s.level)
}

/// The smallest strip height the layouts support (one line of the 12-px font).
pub const MIN_STRIP_HEIGHT: u16 = 16;
/// The largest strip height accepted.
pub const MAX_STRIP_HEIGHT: u16 = 256;
/// The narrowest strip accepted.
pub const MIN_STRIP_WIDTH: u16 = 16;
/// The widest strip accepted.
pub const MAX_STRIP_WIDTH: u16 = 2048;

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
    /// A rating pad's keys 1..=4, in order: the satisfaction level each one submits. Only read
    /// for rating pads; [`DEFAULT_RATING_LEVELS`] unless the configuration says otherwise.
    pub levels: [RatingLevel; 4],
}

/// 好差评's five levels: the controller's own enum (one internal representation everywhere).
pub use hallq_core::rating::RatingLevel;

/// What a 4-key rating pad's keys 1..=4 mean unless its `levels` say otherwise: the four best
/// levels, so the pad cannot give 非常不满意 (a hall may map key 4 to `very_dissatisfied`).
pub const DEFAULT_RATING_LEVELS: [RatingLevel; 4] = [
    RatingLevel::VerySatisfied,
    RatingLevel::Satisfied,
    RatingLevel::BasicallySatisfied,
    RatingLevel::Dissatisfied,
];

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
    #[serde(default)]
    strips: Vec<RawStrip>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStrip {
    bus: Option<String>,
    transport: Option<RawTransport>,
    /// A bus address (integer) or, for a network transport, `"ip[:port]"`.
    address: toml::Value,
    window: u32,
    width: u16,
    height: u16,
    colors: RawColors,
    protocol: StripProtocol,
    #[serde(default)]
    brightness: Vec<RawBrightness>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBrightness {
    from: String,
    level: u8,
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
    levels: Option<Vec<String>>,
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

        if raw.pads.is_empty() && raw.strips.is_empty() {
            return Err(
                "no [[pads]] and no [[strips]]: the gateway needs at least one pad or strip".into(),
            );
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
            let levels = match (p.kind, p.levels) {
                (_, None) => DEFAULT_RATING_LEVELS,
                (PadKind::Rating, Some(names)) => {
                    rating_levels(&names).map_err(|e| format!("{at}: `levels`{e}"))?
                }
                (PadKind::Call, Some(_)) => {
                    return Err(format!(
                        "{at}: `levels` is only for a rating pad (kind = \"rating\"), not a call pad"
                    ));
                }
            };
            pads.push(PadConfig {
                bus,
                address: p.address,
                window: p.window,
                kind: p.kind,
                levels,
            });
        }

        let mut strips = Vec::with_capacity(raw.strips.len());
        let mut strip_seen: BTreeMap<StripLink, usize> = BTreeMap::new();
        for (i, st) in raw.strips.into_iter().enumerate() {
            let at = format!("strips[{i}]");
            strips.push(check_strip(&at, st, &bus_index, &mut strip_seen, i)?);
        }

        Ok(Config {
            controller,
            token,
            state_file: base.join(raw.state_file),
            action_retry: Duration::from_secs(action_retry_s),
            display_refresh: (refresh_s > 0).then(|| Duration::from_secs(refresh_s)),
            buses,
            pads,
            strips,
        })
    }
}

/// A rating pad's `levels`: exactly four known level names, each once. The error continues
/// "`levels`".
fn rating_levels(names: &[String]) -> Result<[RatingLevel; 4], String> {
    let all = || {
        RatingLevel::ALL
            .iter()
            .map(|l| l.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let levels = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            RatingLevel::from_name(name).ok_or_else(|| {
                format!(
                    "[{i}] (key {}) = {name:?} is not a rating level ({})",
                    i + 1,
                    all()
                )
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let levels: [RatingLevel; 4] = levels.try_into().map_err(|l: Vec<RatingLevel>| {
        format!(
            " has {} level{}: a rating pad has 4 keys, so give exactly 4, key 1's first",
            l.len(),
            if l.len() == 1 { "" } else { "s" }
        )
    })?;
    for (i, level) in levels.iter().enumerate() {
        if let Some(j) = levels[..i].iter().position(|l| l == level) {
            return Err(format!(
                ": key {} and key {} are both {:?} (each key gives its own level)",
                j + 1,
                i + 1,
                level.as_str()
            ));
        }
    }
    Ok(levels)
}

fn check_strip(
    at: &str,
    st: RawStrip,
    bus_index: &BTreeMap<String, usize>,
    seen: &mut BTreeMap<StripLink, usize>,
    i: usize,
) -> Result<StripConfig, String> {
    let link = strip_link(at, &st, bus_index)?;
    if !(1..=MAX_WINDOW).contains(&st.window) {
        return Err(format!(
            "{at}: `window` = {} is not a window number (1..={MAX_WINDOW})",
            st.window
        ));
    }
    if let StripLink::Bus { address, .. } = link
        && st.protocol == StripProtocol::Raw
        && (address == hallq_displays::raw::HOST || address == hallq_displays::raw::BROADCAST)
    {
        return Err(format!(
            "{at}: `address` = {address} is reserved in the raw protocol (0 is the host, 255 broadcast): use 1..=254"
        ));
    }
    if let Some(first) = seen.insert(link, i) {
        return Err(match link {
            StripLink::Bus { address, .. } => format!(
                "{at}: address {address} on bus {:?} is already strips[{first}] (addresses are unique on a bus)",
                st.bus.as_deref().unwrap_or_default()
            ),
            StripLink::Net { transport, address } => format!(
                "{at}: {} address {address} is already strips[{first}] (one strip per controller)",
                transport.name()
            ),
        });
    }
    if !(MIN_STRIP_WIDTH..=MAX_STRIP_WIDTH).contains(&st.width) {
        return Err(format!(
            "{at}: `width` = {}: must be {MIN_STRIP_WIDTH}..={MAX_STRIP_WIDTH} pixels",
            st.width
        ));
    }
    if !(MIN_STRIP_HEIGHT..=MAX_STRIP_HEIGHT).contains(&st.height) {
        return Err(format!(
            "{at}: `height` = {}: must be {MIN_STRIP_HEIGHT}..={MAX_STRIP_HEIGHT} pixels (the layouts need one line of 12-px text)",
            st.height
        ));
    }
    let mode = match st.colors {
        RawColors::Mono => ColorMode::Mono,
        RawColors::Tricolor => ColorMode::Tricolor,
    };
    let panel = Panel::new(st.width, st.height, mode);
    check_panel(&panel, st.protocol).map_err(|e| format!("{at}: {e}"))?;
    let mut brightness = Vec::with_capacity(st.brightness.len());
    for (j, b) in st.brightness.iter().enumerate() {
        let bat = format!("{at}.brightness[{j}]");
        let from_minute = parse_hh_mm(&b.from).ok_or_else(|| {
            format!(
                "{bat}: `from` = {:?} is not a time of day \"HH:MM\" (00:00..23:59)",
                b.from
            )
        })?;
        if b.level > hallq_displays::raw::MAX_BRIGHTNESS {
            return Err(format!(
                "{bat}: `level` = {}: must be 0..={}",
                b.level,
                hallq_displays::raw::MAX_BRIGHTNESS
            ));
        }
        if let Some(prev) = brightness.last().map(|p: &BrightnessStep| p.from_minute)
            && from_minute <= prev
        {
            return Err(format!(
                "{bat}: `from` = {:?} must come after the previous step's (list the steps in time order, each time once)",
                b.from
            ));
        }
        brightness.push(BrightnessStep {
            from_minute,
            level: b.level,
        });
    }
    Ok(StripConfig {
        link,
        window: st.window,
        panel,
        protocol: st.protocol,
        brightness,
    })
}

/// Where a strip is: `bus` + a bus address, or `transport` = udp/tcp + a network address.
fn strip_link(
    at: &str,
    st: &RawStrip,
    bus_index: &BTreeMap<String, usize>,
) -> Result<StripLink, String> {
    let transport = match st.transport.unwrap_or(RawTransport::Rs485) {
        RawTransport::Rs485 => None,
        RawTransport::Udp => Some(NetTransport::Udp),
        RawTransport::Tcp => Some(NetTransport::Tcp),
    };
    let Some(transport) = transport else {
        let Some(bus_id) = &st.bus else {
            return Err(format!(
                "{at}: missing `bus` (the id of its [[buses]] entry); an Onbon controller on the network needs `transport = \"udp\"` or `\"tcp\"` and `address = \"ip[:port]\"` instead"
            ));
        };
        let Some(&bus) = bus_index.get(bus_id) else {
            let ids: Vec<&str> = bus_index.keys().map(String::as_str).collect();
            return Err(format!(
                "{at}: `bus` {bus_id:?} is not the id of a [[buses]] entry ({})",
                ids.join(", ")
            ));
        };
        let address = match &st.address {
            toml::Value::Integer(n) => u8::try_from(*n)
                .map_err(|_| format!("{at}: `address` = {n}: a bus address is 0..=255"))?,
            toml::Value::String(s) => {
                return Err(format!(
                    "{at}: `address` = {s:?} is a network address, but the strip is on bus {bus_id:?}: give either `bus` and a bus address (0..=255), or `transport = \"udp\"`/`\"tcp\"` and a network address without `bus`"
                ));
            }
            v => {
                return Err(format!(
                    "{at}: `address` = {v}: must be the strip's bus address (0..=255)"
                ));
            }
        };
        return Ok(StripLink::Bus { bus, address });
    };
    let name = transport.name();
    if let Some(bus_id) = &st.bus {
        return Err(format!(
            "{at}: `bus` = {bus_id:?} and `transport = \"{name}\"` exclude each other: a network strip is reached at its `address`; leave out `bus` (or `transport`, for a strip on the bus)"
        ));
    }
    if st.protocol == StripProtocol::Raw {
        return Err(format!(
            "{at}: `protocol = \"raw\"` is RS-485 only; over `transport = \"{name}\"` only `protocol = \"onbon\"` is supported"
        ));
    }
    let toml::Value::String(text) = &st.address else {
        return Err(format!(
            "{at}: `address` = {}: over {name} the address is the controller's \"ip[:port]\" as a string, e.g. \"192.168.1.20:{}\"",
            st.address,
            transport.default_port()
        ));
    };
    let address = net_address(text, transport.default_port())
        .map_err(|e| format!("{at}: `address` = {text:?}: {e}"))?;
    Ok(StripLink::Net { transport, address })
}

/// `"ip:port"`, `"[v6]:port"` or a bare IP address (then `default_port`).
pub fn net_address(text: &str, default_port: u16) -> Result<SocketAddr, String> {
    let address = match text.trim().parse::<SocketAddr>() {
        Ok(a) => a,
        Err(_) => match text.trim().parse::<IpAddr>() {
            Ok(ip) => SocketAddr::new(ip, default_port),
            Err(_) => {
                return Err(format!(
                    "not an IP address with an optional port (e.g. \"192.168.1.20:{default_port}\" or \"192.168.1.20\"; host names are not resolved)"
                ));
            }
        },
    };
    if address.port() == 0 {
        return Err("port 0 is not a controller's port".into());
    }
    if address.ip().is_unspecified() || address.ip().is_multicast() {
        return Err(format!("{} is not a controller's address", address.ip()));
    }
    Ok(address)
}

/// Checks with `hallq-displays` that the panel can be drawn and that its frame fits the protocol.
fn check_panel(panel: &Panel, protocol: StripProtocol) -> Result<(), String> {
    let what = format!("a {}×{} {:?} panel", panel.width, panel.height, panel.mode);
    if hallq_displays::layout::render_idle(panel, 0).lit_count() == 0 {
        return Err(format!("{what} cannot show the layouts' text"));
    }
    match protocol {
        StripProtocol::Raw => {
            let len = hallq_displays::raw::Message::FullFrame(panel.blank())
                .payload()
                .len();
            if len > hallq_displays::raw::MAX_PAYLOAD {
                return Err(format!(
                    "{what} needs {len}-byte full frames, over the raw protocol's {} bytes",
                    hallq_displays::raw::MAX_PAYLOAD
                ));
            }
        }
        StripProtocol::Onbon => {
            let len =
                hallq_displays::onbon::bx5e_pixel_len(0, panel.width, panel.height, panel.mode);
            if len + 1024 > hallq_displays::onbon::MAX_FRAME_LEN {
                return Err(format!("{what} is too large for an Onbon dynamic area"));
            }
        }
    }
    Ok(())
}

/// `"HH:MM"` → minutes after midnight.
pub fn parse_hh_mm(text: &str) -> Option<u16> {
    let (h, m) = text.split_once(':')?;
    if h.len() != 2 || m.len() != 2 || !h.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then_some(h * 60 + m)
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
                kind: PadKind::Rating,
                levels: DEFAULT_RATING_LEVELS,
            }
        );
        assert_eq!(
            DEFAULT_RATING_LEVELS.map(RatingLevel::as_str),
            [
                "very_satisfied",
                "satisfied",
                "basically_satisfied",
                "dissatisfied"
            ]
        );
    }

    #[test]
    fn rating_levels_map_the_four_keys_and_mistakes_are_named() {
        let rating = "kind = \"rating\"";
        let c = parse(&with(
            rating,
            "kind = \"rating\"\nlevels = [\"very_satisfied\", \"satisfied\", \"basically_satisfied\", \"very_dissatisfied\"]",
        ))
        .unwrap();
        assert_eq!(
            c.pads[1].levels,
            [
                RatingLevel::VerySatisfied,
                RatingLevel::Satisfied,
                RatingLevel::BasicallySatisfied,
                RatingLevel::VeryDissatisfied
            ]
        );
        let e = err(&with(
            rating,
            "kind = \"rating\"\nlevels = [\"very_satisfied\", \"satisfied\", \"ok\", \"dissatisfied\"]",
        ));
        assert!(
            e.contains("pads[1]: `levels`[2] (key 3) = \"ok\" is not a rating level (very_satisfied, satisfied, basically_satisfied, dissatisfied, very_dissatisfied)"),
            "{e}"
        );
        let e = err(&with(
            rating,
            "kind = \"rating\"\nlevels = [\"very_satisfied\", \"satisfied\", \"dissatisfied\"]",
        ));
        assert!(
            e.contains(
                "pads[1]: `levels` has 3 levels: a rating pad has 4 keys, so give exactly 4"
            ),
            "{e}"
        );
        let e = err(&with(
            rating,
            "kind = \"rating\"\nlevels = [\"very_satisfied\", \"satisfied\", \"basically_satisfied\", \"dissatisfied\", \"very_dissatisfied\"]",
        ));
        assert!(e.contains("pads[1]: `levels` has 5 levels"), "{e}");
        let e = err(&with(
            rating,
            "kind = \"rating\"\nlevels = [\"satisfied\", \"satisfied\", \"basically_satisfied\", \"dissatisfied\"]",
        ));
        assert!(
            e.contains("pads[1]: `levels`: key 1 and key 2 are both \"satisfied\""),
            "{e}"
        );
        let e = err(&with(
            "kind = \"call\"",
            "kind = \"call\"\nlevels = [\"very_satisfied\", \"satisfied\", \"basically_satisfied\", \"dissatisfied\"]",
        ));
        assert!(
            e.contains("pads[0]: `levels` is only for a rating pad"),
            "{e}"
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

    const STRIP: &str = r#"
[[strips]]
bus = "hall-b"
address = 103
window = 3
width = 160
height = 32
colors = "tricolor"
protocol = "raw"
brightness = [{ from = "07:00", level = 12 }, { from = "19:30", level = 4 }]
"#;

    fn strip_err(from: &str, to: &str) -> String {
        assert!(STRIP.contains(from), "{from:?}");
        err(&format!("{GOOD}{}", STRIP.replacen(from, to, 1)))
    }

    #[test]
    fn strips_parse() {
        let c = parse(&format!("{GOOD}{STRIP}")).unwrap();
        assert_eq!(
            c.strips,
            vec![StripConfig {
                link: StripLink::Bus {
                    bus: 1,
                    address: 103
                },
                window: 3,
                panel: Panel::TRICOLOR_160X32,
                protocol: StripProtocol::Raw,
                brightness: vec![
                    BrightnessStep {
                        from_minute: 420,
                        level: 12
                    },
                    BrightnessStep {
                        from_minute: 1170,
                        level: 4
                    },
                ],
            }]
        );
        // Strips alone, without pads, make a gateway.
        let no_pads = GOOD.split("[[pads]]").next().unwrap().to_owned();
        assert_eq!(parse(&format!("{no_pads}{STRIP}")).unwrap().strips.len(), 1);
        let onbon = STRIP
            .replace("protocol = \"raw\"", "protocol = \"onbon\"")
            .replace("colors = \"tricolor\"", "colors = \"mono\"")
            .replace("width = 160", "width = 64")
            .replace("height = 32", "height = 16");
        let c = parse(&format!("{GOOD}{onbon}")).unwrap();
        assert_eq!(c.strips[0].panel, Panel::MONO_64X16);
        assert_eq!(c.strips[0].protocol, StripProtocol::Onbon);
    }

    #[test]
    fn strips_are_checked() {
        let e = strip_err("bus = \"hall-b\"", "bus = \"hall-x\"");
        assert!(
            e.contains("strips[0]: `bus` \"hall-x\" is not the id of a [[buses]] entry"),
            "{e}"
        );
        let e = strip_err("window = 3", "window = 1000");
        assert!(e.contains("strips[0]: `window` = 1000"), "{e}");
        let e = strip_err("address = 103", "address = 255");
        assert!(e.contains("strips[0]: `address` = 255 is reserved"), "{e}");
        let e = strip_err("address = 103", "address = 0");
        assert!(e.contains("`address` = 0 is reserved"), "{e}");
        let e = strip_err("height = 32", "height = 8");
        assert!(
            e.contains("strips[0]: `height` = 8: must be 16..=256"),
            "{e}"
        );
        let e = strip_err("width = 160", "width = 4");
        assert!(e.contains("strips[0]: `width` = 4: must be 16..="), "{e}");
        let e = strip_err("width = 160", "width = 2048");
        let e2 = strip_err("height = 32", "height = 256");
        assert!(e.is_empty() || e.contains("over the raw protocol"), "{e}");
        assert!(e2.contains("needs") && e2.contains("8200"), "{e2}");
        let e = strip_err("colors = \"tricolor\"", "colors = \"rgb\"");
        assert!(e.contains("unknown variant `rgb`"), "{e}");
        let e = strip_err("protocol = \"raw\"", "protocol = \"udp\"");
        assert!(e.contains("unknown variant `udp`"), "{e}");
        let e = strip_err("\"07:00\"", "\"7:00\"");
        assert!(
            e.contains("strips[0].brightness[0]: `from` = \"7:00\" is not a time of day"),
            "{e}"
        );
        let e = strip_err("\"19:30\"", "\"24:00\"");
        assert!(e.contains("brightness[1]: `from` = \"24:00\""), "{e}");
        let e = strip_err("level = 4", "level = 16");
        assert!(
            e.contains("strips[0].brightness[1]: `level` = 16: must be 0..=15"),
            "{e}"
        );
        let e = strip_err("\"19:30\"", "\"06:00\"");
        assert!(e.contains("must come after the previous step"), "{e}");
        let twice = format!("{GOOD}{STRIP}{STRIP}");
        let e = err(&twice);
        assert!(
            e.contains("strips[1]: address 103 on bus \"hall-b\" is already strips[0]"),
            "{e}"
        );
        let no_pads = GOOD.split("[[pads]]").next().unwrap().to_owned();
        assert!(err(&no_pads).contains("no [[pads]] and no [[strips]]"));
    }

    /// An Onbon strip on the network (no `bus`).
    const NET_STRIP: &str = r#"
[[strips]]
transport = "udp"
address = "192.168.1.20:5007"
window = 4
width = 128
height = 32
colors = "tricolor"
protocol = "onbon"
"#;

    fn net_strip(from: &str, to: &str) -> Result<Config, String> {
        assert!(NET_STRIP.contains(from), "{from:?}");
        parse(&format!("{GOOD}{}", NET_STRIP.replacen(from, to, 1)))
    }

    #[test]
    fn network_strips_parse_with_default_ports() {
        let link = |c: Result<Config, String>| c.unwrap().strips[0].link;
        let udp = |a: &str| StripLink::Net {
            transport: NetTransport::Udp,
            address: a.parse().unwrap(),
        };
        let tcp = |a: &str| StripLink::Net {
            transport: NetTransport::Tcp,
            address: a.parse().unwrap(),
        };
        let c = parse(&format!("{GOOD}{NET_STRIP}")).unwrap();
        assert_eq!(c.strips[0].link, udp("192.168.1.20:5007"));
        assert_eq!(c.strips[0].bus(), None);
        assert_eq!(c.strips[0].protocol, StripProtocol::Onbon);
        assert_eq!(
            link(net_strip("\"192.168.1.20:5007\"", "\"10.0.0.9\"")),
            udp("10.0.0.9:5007")
        );
        assert_eq!(
            link(net_strip("\"udp\"", "\"tcp\"")),
            tcp("192.168.1.20:5007")
        );
        let c = net_strip(
            "\"udp\"\naddress = \"192.168.1.20:5007\"",
            "\"tcp\"\naddress = \"10.0.0.9\"",
        );
        assert_eq!(link(c), tcp("10.0.0.9:5005"));
        assert_eq!(
            link(net_strip("\"192.168.1.20:5007\"", "\"fe80::1\"")),
            udp("[fe80::1]:5007")
        );
        assert_eq!(
            link(net_strip("\"192.168.1.20:5007\"", "\"[fe80::1]:6000\"")),
            udp("[fe80::1]:6000")
        );
        // An explicit "rs485" is the bus, as without `transport`.
        let on_bus = STRIP
            .replace("protocol = \"raw\"", "protocol = \"onbon\"")
            .replace("[[strips]]\n", "[[strips]]\ntransport = \"rs485\"\n");
        assert_eq!(
            parse(&format!("{GOOD}{on_bus}")).unwrap().strips[0].link,
            StripLink::Bus {
                bus: 1,
                address: 103
            }
        );
        // The same controller once per transport; a serial and a network strip side by side.
        let both = format!(
            "{GOOD}{STRIP}{NET_STRIP}{}",
            NET_STRIP.replace("\"udp\"", "\"tcp\"")
        );
        assert_eq!(parse(&both).unwrap().strips.len(), 3);
    }

    #[test]
    fn network_strip_mistakes_are_named() {
        let e = net_strip(
            "transport = \"udp\"",
            "transport = \"udp\"\nbus = \"hall-a\"",
        )
        .unwrap_err();
        assert!(
            e.contains(
                "strips[0]: `bus` = \"hall-a\" and `transport = \"udp\"` exclude each other"
            ),
            "{e}"
        );
        let e = net_strip("transport = \"udp\"\n", "").unwrap_err();
        assert!(
            e.contains("strips[0]: missing `bus`") && e.contains("transport = \"udp\""),
            "{e}"
        );
        let e = net_strip("protocol = \"onbon\"", "protocol = \"raw\"").unwrap_err();
        assert!(
            e.contains(
                "strips[0]: `protocol = \"raw\"` is RS-485 only; over `transport = \"udp\"`"
            ),
            "{e}"
        );
        let e = net_strip("\"udp\"", "\"tcp\"\nbus = \"hall-a\"").unwrap_err();
        assert!(
            e.contains("`transport = \"tcp\"` exclude each other"),
            "{e}"
        );
        for bad in [
            "\"printer.local:5007\"",
            "\"192.168.1.20:\"",
            "\"192.168.1.300\"",
        ] {
            let e = net_strip("\"192.168.1.20:5007\"", bad).unwrap_err();
            assert!(
                e.contains(&format!("strips[0]: `address` = {bad}: not an IP address")),
                "{e}"
            );
        }
        let e = net_strip("\"192.168.1.20:5007\"", "\"192.168.1.20:0\"").unwrap_err();
        assert!(e.contains("port 0"), "{e}");
        let e = net_strip("\"192.168.1.20:5007\"", "\"0.0.0.0\"").unwrap_err();
        assert!(e.contains("0.0.0.0 is not a controller's address"), "{e}");
        let e = net_strip("\"192.168.1.20:5007\"", "7").unwrap_err();
        assert!(
            e.contains(
                "strips[0]: `address` = 7: over udp the address is the controller's \"ip[:port]\""
            ),
            "{e}"
        );
        let e = net_strip("\"udp\"", "\"serial\"").unwrap_err();
        assert!(e.contains("unknown variant `serial`"), "{e}");
        // A network address on a bus strip, and a bus address out of range.
        let e = strip_err("address = 103", "address = \"192.168.1.20\"");
        assert!(
            e.contains("strips[0]: `address` = \"192.168.1.20\" is a network address, but the strip is on bus \"hall-b\""),
            "{e}"
        );
        let e = strip_err("address = 103", "address = 256");
        assert!(
            e.contains("strips[0]: `address` = 256: a bus address is 0..=255"),
            "{e}"
        );
        // Twice the same controller.
        let e = err(&format!("{GOOD}{NET_STRIP}{NET_STRIP}"));
        assert!(
            e.contains("strips[1]: udp address 192.168.1.20:5007 is already strips[0]"),
            "{e}"
        );
        let e = err(&format!(
            "{GOOD}{NET_STRIP}{}",
            NET_STRIP.replace("\"192.168.1.20:5007\"", "\"192.168.1.20\"")
        ));
        assert!(
            e.contains("is already strips[0]"),
            "default port: the same controller: {e}"
        );
    }

    #[test]
    fn brightness_follows_the_hour_and_wraps_around_midnight() {
        let steps = [
            BrightnessStep {
                from_minute: 7 * 60,
                level: 12,
            },
            BrightnessStep {
                from_minute: 19 * 60 + 30,
                level: 4,
            },
        ];
        assert_eq!(
            brightness_at(&steps, 0),
            Some(4),
            "night: yesterday's last step"
        );
        assert_eq!(brightness_at(&steps, 6 * 60 + 59), Some(4));
        assert_eq!(brightness_at(&steps, 7 * 60), Some(12));
        assert_eq!(brightness_at(&steps, 12 * 60), Some(12));
        assert_eq!(brightness_at(&steps, 19 * 60 + 30), Some(4));
        assert_eq!(brightness_at(&steps, 23 * 60 + 59), Some(4));
        assert_eq!(brightness_at(&[], 600), None);
        assert_eq!(parse_hh_mm("00:00"), Some(0));
        assert_eq!(parse_hh_mm("23:59"), Some(1439));
        assert_eq!(parse_hh_mm("12:60"), None);
        assert_eq!(parse_hh_mm("1200"), None);
    }

    #[test]
    fn the_demo_config_in_the_repository_is_valid() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../firmware-config/gateways/demo-gateway.toml");
        let c = Config::load(&path).unwrap();
        assert_eq!(c.token, "demo-gateway");
        assert!(c.pads.iter().any(|p| p.kind == PadKind::Call));
        assert!(
            c.pads
                .iter()
                .filter(|p| p.kind == PadKind::Rating)
                .all(|p| p.levels == DEFAULT_RATING_LEVELS)
        );
        assert!(
            c.strips.iter().any(|s| s.protocol == StripProtocol::Raw)
                && c.strips.iter().any(|s| s.protocol == StripProtocol::Onbon)
        );
        // Its commented-out network strip is valid once uncommented.
        let text = std::fs::read_to_string(&path).unwrap();
        let example = text
            .split("# [[strips]]")
            .nth(1)
            .expect("a network strip example");
        let uncommented: String = format!("[[strips]]{example}")
            .lines()
            .map(|l| l.strip_prefix("# ").unwrap_or(l))
            .collect::<Vec<_>>()
            .join("\n");
        let c =
            Config::from_toml(&format!("{text}\n{uncommented}"), path.parent().unwrap()).unwrap();
        assert_eq!(
            c.strips.last().unwrap().link,
            StripLink::Net {
                transport: NetTransport::Udp,
                address: "192.168.1.20:5007".parse().unwrap()
            }
        );
    }
}
