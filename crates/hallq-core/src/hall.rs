//! The compiled hall: a [`HallConfig`] checked and indexed for the core to decide with.
//!
//! [`Hall::from_toml`] collects *every* problem in a file, each with its place (the path of the
//! key, e.g. `windows[3].tiers[1][0]`, and the line and column in the file), so an admin fixes
//! a file in one pass instead of one error per run.

use crate::calendar::{Calendar, MinuteRange, parse_hhmm, parse_weekday};
use crate::config::*;
use crate::ids::{ClerkId, DeviceId, ItemCode, QueueId, WindowNo};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// How green-channel and appointment tickets are interleaved with normal ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interleave {
    /// Priority tickets are always called first.
    Strict,
    /// When both wait: `priority` priority calls, then `normal` normal calls, repeating.
    Ratio { priority: u32, normal: u32 },
}

impl Interleave {
    pub fn parse(s: &str) -> Result<Interleave, String> {
        if s == "strict" {
            return Ok(Interleave::Strict);
        }
        let bad = || format!("{s:?} is neither \"strict\" nor a ratio like \"1:2\"");
        let (p, n) = s.split_once(':').ok_or_else(bad)?;
        let priority: u32 = p.trim().parse().map_err(|_| bad())?;
        let normal: u32 = n.trim().parse().map_err(|_| bad())?;
        if priority == 0 || normal == 0 {
            return Err(format!(
                "{s:?}: both sides of the ratio must be at least 1 (use \"strict\" for priority first)"
            ));
        }
        Ok(Interleave::Ratio { priority, normal })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Clerk,
    Supervisor,
    Admin,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeviceKind {
    Kiosk,
    Display,
    Pad,
    Gateway,
}

/// An issuing slot of a queue: at most `cap` tickets issued between `from` and `to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    pub range: MinuteRange,
    pub cap: u32,
}

#[derive(Debug, Clone)]
pub struct Queue {
    pub id: QueueId,
    pub prefix: String,
    pub name_zh: String,
    pub name_en: String,
    /// Issuing hours; the hall's hours when the queue sets none.
    pub hours: Vec<MinuteRange>,
    pub slots: Vec<Slot>,
    pub daily_cap: Option<u32>,
    pub warn_waiting: Option<u32>,
    /// Mean of the configured service minutes of the queue's items, in seconds: the prior for
    /// wait estimates before any ticket of the day has been served.
    pub default_service_s: u32,
}

#[derive(Debug, Clone)]
pub struct Item {
    pub code: ItemCode,
    pub name_zh: String,
    pub name_en: String,
    pub queue: QueueId,
    pub unit: String,
    pub limit_days: u32,
    pub service_minutes: u32,
    /// The materials to bring (申请材料), the list a tell-once notice ticks from.
    pub materials: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Window {
    pub number: WindowNo,
    pub name_zh: String,
    pub name_en: String,
    pub tiers: Vec<Vec<QueueId>>,
}

impl Window {
    pub fn serves(&self, queue: &QueueId) -> bool {
        self.tiers.iter().any(|t| t.contains(queue))
    }
}

#[derive(Debug, Clone)]
pub struct Clerk {
    pub id: ClerkId,
    pub name: String,
    pub role: Role,
    pub unit: Option<String>,
    pub password_hash: String,
}

#[derive(Debug, Clone)]
pub struct Device {
    pub id: DeviceId,
    pub kind: DeviceKind,
    pub window: Option<WindowNo>,
}

/// How a kiosk's printer is reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrinterTransport {
    Tcp { address: String },
    Serial { path: String, baud: u32 },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Printer {
    pub transport: PrinterTransport,
    pub timeout_ms: u64,
}

/// A hall, checked: every reference resolves, every time parses.
#[derive(Debug, Clone)]
pub struct Hall {
    /// The file as written (for `GET /api/v1/hall`; secrets are left out there).
    pub config: HallConfig,
    pub calendar: Calendar,
    pub interleave: Interleave,
    pub recall_cap: u32,
    pub wait_alarm_minutes: u32,
    pub green_channel_age: u32,
    pub queues: BTreeMap<QueueId, Queue>,
    pub items: BTreeMap<ItemCode, Item>,
    pub windows: BTreeMap<WindowNo, Window>,
    pub clerks: BTreeMap<ClerkId, Clerk>,
    /// Devices by the lowercase hex SHA-256 of their token.
    pub devices_by_token_hash: BTreeMap<String, Device>,
    /// Kiosks' ticket printers, by device id.
    pub printers: BTreeMap<DeviceId, Printer>,
}

/// One thing wrong with a configuration file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where: `windows[3].tiers[1][0]`.
    pub path: String,
    /// 1-based line and column in the file, when the place could be found.
    pub line: Option<(usize, usize)>,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some((l, c)) => write!(f, "line {l}, column {c}: {}: {}", self.path, self.message),
            None => write!(f, "{}: {}", self.path, self.message),
        }
    }
}

/// Every problem found in one file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{} problem(s) in the hall configuration:\n{}", .0.len(), .0.iter().map(|p| format!("  - {p}")).collect::<Vec<_>>().join("\n"))]
pub struct Problems(pub Vec<Problem>);

/// The embedded demo hall (`firmware-config/halls/demo.toml`).
pub const DEMO_TOML: &str = include_str!("../../../firmware-config/halls/demo.toml");

impl Hall {
    /// The embedded demo hall; it is checked by the tests, so this cannot fail in a release.
    pub fn demo() -> Hall {
        Hall::from_toml(DEMO_TOML).expect("the embedded demo hall is valid")
    }

    /// Parses and checks a hall file; every problem is reported with its place.
    pub fn from_toml(source: &str) -> Result<Hall, Problems> {
        let config: HallConfig = toml::from_str(source).map_err(|e| {
            let line = e.span().map(|s| line_col(source, s.start));
            Problems(vec![Problem {
                path: "(file)".into(),
                line,
                message: e.message().trim().to_owned(),
            }])
        })?;
        Hall::compile(config).map_err(|mut problems| {
            if let Ok(doc) = toml_edit::Document::parse(source) {
                for p in &mut problems.0 {
                    p.line = locate(&doc, &p.path).map(|off| line_col(source, off));
                }
            }
            problems
        })
    }

    /// Checks a parsed configuration and indexes it.
    pub fn compile(config: HallConfig) -> Result<Hall, Problems> {
        let mut c = Checker::default();

        // [hall]
        if config.hall.id.is_empty()
            || !config
                .hall
                .id
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_')
        {
            c.err(
                "hall.id",
                "must be non-empty ASCII letters, digits, '-' or '_'",
            );
        }
        if let Some(rc) = &config.hall.region_code
            && (rc.len() != 6 || !rc.chars().all(|ch| ch.is_ascii_digit()))
        {
            c.err(
                "hall.region_code",
                format!("{rc:?} is not a six-digit region code (行政区划代码)"),
            );
        }

        // [calendar]
        let cal = &config.calendar;
        let tz = match TimeZone::get(&cal.time_zone) {
            Ok(tz) => tz,
            Err(_) => {
                c.err(
                    "calendar.time_zone",
                    format!("{:?} is not an IANA time zone", cal.time_zone),
                );
                TimeZone::UTC
            }
        };
        let mut working_weekdays = [false; 7];
        for (i, d) in cal.working_days.iter().enumerate() {
            match parse_weekday(d) {
                Some(w) => working_weekdays[w.to_monday_zero_offset() as usize] = true,
                None => c.err(
                    format!("calendar.working_days[{i}]"),
                    format!("{d:?} is not one of mon, tue, wed, thu, fri, sat, sun"),
                ),
            }
        }
        let holidays = c.dates("calendar.holidays", &cal.holidays);
        let makeup_days = c.dates("calendar.makeup_working_days", &cal.makeup_working_days);
        for d in holidays.intersection(&makeup_days) {
            c.err(
                "calendar.makeup_working_days",
                format!("{d} is both a holiday and a make-up working day"),
            );
        }
        if cal.hours.is_empty() {
            c.err(
                "calendar.hours",
                "the hall needs opening hours, e.g. [\"08:30-12:00\", \"13:30-17:00\"]",
            );
        }
        let hall_hours = c.ranges("calendar.hours", &cal.hours);

        // [policies]
        let interleave = match Interleave::parse(&config.policies.priority_interleave) {
            Ok(i) => i,
            Err(e) => {
                c.err("policies.priority_interleave", e);
                Interleave::Strict
            }
        };
        if config.policies.green_channel_age == 0 || config.policies.green_channel_age > 120 {
            c.err("policies.green_channel_age", "must be between 1 and 120");
        }

        // [[units]], [[themes]]
        let mut units = BTreeSet::new();
        for (i, u) in config.units.iter().enumerate() {
            c.ident(&format!("units[{i}].id"), &u.id);
            if !units.insert(u.id.clone()) {
                c.err(
                    format!("units[{i}].id"),
                    format!("unit {:?} is defined twice", u.id),
                );
            }
            c.names(&format!("units[{i}]"), &u.name_zh, &u.name_en);
        }
        let mut themes = BTreeSet::new();
        for (i, t) in config.themes.iter().enumerate() {
            c.ident(&format!("themes[{i}].id"), &t.id);
            if !themes.insert(t.id.clone()) {
                c.err(
                    format!("themes[{i}].id"),
                    format!("theme {:?} is defined twice", t.id),
                );
            }
            c.names(&format!("themes[{i}]"), &t.name_zh, &t.name_en);
        }

        // [[queues]]
        let mut queues = BTreeMap::new();
        let mut prefixes = BTreeMap::new();
        for (i, q) in config.queues.iter().enumerate() {
            let at = format!("queues[{i}]");
            c.ident(&format!("{at}.id"), &q.id);
            c.names(&at, &q.name_zh, &q.name_en);
            if q.prefix.is_empty()
                || q.prefix.len() > 2
                || !q.prefix.chars().all(|ch| ch.is_ascii_uppercase())
            {
                c.err(
                    format!("{at}.prefix"),
                    format!("{:?} must be one or two capital letters", q.prefix),
                );
            } else if let Some(other) = prefixes.insert(q.prefix.clone(), q.id.clone()) {
                c.err(
                    format!("{at}.prefix"),
                    format!(
                        "prefix {:?} is already used by queue {other:?}; numbers would collide",
                        q.prefix
                    ),
                );
            }
            if let Some(t) = &q.theme
                && !themes.contains(t)
            {
                c.err(format!("{at}.theme"), format!("no theme {t:?} is defined"));
            }
            if let Some(u) = &q.unit
                && !units.contains(u)
            {
                c.err(format!("{at}.unit"), format!("no unit {u:?} is defined"));
            }
            let hours = if q.hours.is_empty() {
                hall_hours.clone()
            } else {
                c.ranges(&format!("{at}.hours"), &q.hours)
            };
            let mut slots = Vec::new();
            for (j, s) in q.slots.iter().enumerate() {
                let sp = format!("{at}.slots[{j}]");
                match (parse_hhmm(&s.from), parse_hhmm(&s.to)) {
                    (Ok(from), Ok(to)) if from < to => {
                        if s.cap == 0 {
                            c.err(format!("{sp}.cap"), "a slot's cap must be at least 1");
                        }
                        let range = MinuteRange { from, to };
                        if slots
                            .iter()
                            .any(|o: &Slot| o.range.from < range.to && range.from < o.range.to)
                        {
                            c.err(sp.clone(), "overlaps an earlier slot of the same queue");
                        }
                        slots.push(Slot { range, cap: s.cap });
                    }
                    (Ok(_), Ok(_)) => c.err(sp, "the slot ends before it starts"),
                    (Err(e), _) => c.err(format!("{sp}.from"), e),
                    (_, Err(e)) => c.err(format!("{sp}.to"), e),
                }
            }
            if q.daily_cap == Some(0) {
                c.err(
                    format!("{at}.daily_cap"),
                    "must be at least 1 (leave it out for no cap)",
                );
            }
            let id = QueueId(q.id.clone());
            if queues.contains_key(&id) {
                c.err(
                    format!("{at}.id"),
                    format!("queue {:?} is defined twice", q.id),
                );
            }
            queues.insert(
                id.clone(),
                Queue {
                    id,
                    prefix: q.prefix.clone(),
                    name_zh: q.name_zh.clone(),
                    name_en: q.name_en.clone(),
                    hours,
                    slots,
                    daily_cap: q.daily_cap,
                    warn_waiting: q.warn_waiting,
                    default_service_s: 600,
                },
            );
        }

        // [[items]]
        let mut items = BTreeMap::new();
        for (i, it) in config.items.iter().enumerate() {
            let at = format!("items[{i}]");
            if it.code.is_empty() || it.code.chars().any(|ch| ch.is_whitespace() || ch == '/') {
                c.err(
                    format!("{at}.code"),
                    "must be non-empty, without spaces or '/'",
                );
            }
            c.names(&at, &it.name_zh, &it.name_en);
            if !units.contains(&it.unit) {
                c.err(
                    format!("{at}.unit"),
                    format!("no unit {:?} is defined", it.unit),
                );
            }
            let queue = QueueId(it.queue.clone());
            if !queues.contains_key(&queue) {
                c.err(
                    format!("{at}.queue"),
                    format!("no queue {:?} is defined", it.queue),
                );
            }
            if it.service_minutes == 0 || it.service_minutes > 480 {
                c.err(
                    format!("{at}.service_minutes"),
                    format!("{} is not between 1 and 480 minutes", it.service_minutes),
                );
            }
            let code = ItemCode(it.code.clone());
            if items.contains_key(&code) {
                c.err(
                    format!("{at}.code"),
                    format!("item {:?} is defined twice", it.code),
                );
            }
            items.insert(
                code.clone(),
                Item {
                    code,
                    name_zh: it.name_zh.clone(),
                    name_en: it.name_en.clone(),
                    queue,
                    unit: it.unit.clone(),
                    limit_days: it.limit_days,
                    service_minutes: it.service_minutes,
                    materials: it.materials.clone(),
                },
            );
        }
        for q in queues.values_mut() {
            let minutes: Vec<u32> = items
                .values()
                .filter(|it| it.queue == q.id)
                .map(|it| it.service_minutes)
                .collect();
            if !minutes.is_empty() {
                q.default_service_s = minutes.iter().sum::<u32>() * 60 / minutes.len() as u32;
            }
        }

        // [[windows]]
        let mut windows = BTreeMap::new();
        for (i, w) in config.windows.iter().enumerate() {
            let at = format!("windows[{i}]");
            if w.number == 0 || w.number > 999 {
                c.err(
                    format!("{at}.number"),
                    format!("{} is not between 1 and 999", w.number),
                );
            }
            c.names(&at, &w.name_zh, &w.name_en);
            if let Some(u) = &w.unit
                && !units.contains(u)
            {
                c.err(format!("{at}.unit"), format!("no unit {u:?} is defined"));
            }
            if w.tiers.is_empty() || w.tiers.iter().any(|t| t.is_empty()) {
                c.err(
                    format!("{at}.tiers"),
                    "a window serves at least one queue, and no tier is empty",
                );
            }
            let mut seen = BTreeSet::new();
            let mut tiers = Vec::new();
            for (t, tier) in w.tiers.iter().enumerate() {
                let mut ids = Vec::new();
                for (k, q) in tier.iter().enumerate() {
                    let qp = format!("{at}.tiers[{t}][{k}]");
                    let id = QueueId(q.clone());
                    if !queues.contains_key(&id) {
                        c.err(qp, format!("no queue {q:?} is defined"));
                    } else if !seen.insert(q.clone()) {
                        c.err(
                            qp,
                            format!("queue {q:?} appears twice in this window's tiers"),
                        );
                    }
                    ids.push(id);
                }
                tiers.push(ids);
            }
            let number = WindowNo(w.number);
            if windows.contains_key(&number) {
                c.err(
                    format!("{at}.number"),
                    format!("window {} is defined twice", w.number),
                );
            }
            windows.insert(
                number,
                Window {
                    number,
                    name_zh: w.name_zh.clone(),
                    name_en: w.name_en.clone(),
                    tiers,
                },
            );
        }
        for (i, q) in config.queues.iter().enumerate() {
            let id = QueueId(q.id.clone());
            if !windows.values().any(|w: &Window| w.serves(&id)) {
                c.err(
                    format!("queues[{i}]"),
                    format!(
                        "no window serves queue {:?}; its tickets would wait forever",
                        q.id
                    ),
                );
            }
        }

        // [[clerks]]
        let mut clerks = BTreeMap::new();
        for (i, k) in config.clerks.iter().enumerate() {
            let at = format!("clerks[{i}]");
            c.ident(&format!("{at}.id"), &k.id);
            let role = match k.role.as_str() {
                "clerk" => Role::Clerk,
                "supervisor" => Role::Supervisor,
                "admin" => Role::Admin,
                other => {
                    c.err(
                        format!("{at}.role"),
                        format!("{other:?} is not one of clerk, supervisor, admin"),
                    );
                    Role::Clerk
                }
            };
            if let Some(u) = &k.unit
                && !units.contains(u)
            {
                c.err(format!("{at}.unit"), format!("no unit {u:?} is defined"));
            }
            if !k.password_hash.starts_with("$argon2id$") || k.password_hash.split('$').count() != 6
            {
                c.err(
                    format!("{at}.password_hash"),
                    "must be an argon2id PHC string ($argon2id$v=19$m=…,t=…,p=…$salt$hash)",
                );
            }
            let id = ClerkId(k.id.clone());
            if clerks.contains_key(&id) {
                c.err(
                    format!("{at}.id"),
                    format!("clerk {:?} is defined twice", k.id),
                );
            }
            clerks.insert(
                id.clone(),
                Clerk {
                    id,
                    name: k.name.clone(),
                    role,
                    unit: k.unit.clone(),
                    password_hash: k.password_hash.clone(),
                },
            );
        }

        // [[devices]]
        let mut devices_by_token_hash = BTreeMap::new();
        let mut device_ids = BTreeSet::new();
        for (i, d) in config.devices.iter().enumerate() {
            let at = format!("devices[{i}]");
            c.ident(&format!("{at}.id"), &d.id);
            if !device_ids.insert(d.id.clone()) {
                c.err(
                    format!("{at}.id"),
                    format!("device {:?} is defined twice", d.id),
                );
            }
            let kind = match d.kind.as_str() {
                "kiosk" => DeviceKind::Kiosk,
                "display" => DeviceKind::Display,
                "pad" => DeviceKind::Pad,
                "gateway" => DeviceKind::Gateway,
                other => {
                    c.err(
                        format!("{at}.kind"),
                        format!("{other:?} is not one of kiosk, display, pad, gateway"),
                    );
                    DeviceKind::Display
                }
            };
            let window = d.window.map(WindowNo);
            if let Some(w) = window
                && !windows.contains_key(&w)
            {
                c.err(format!("{at}.window"), format!("no window {w} is defined"));
            }
            if kind == DeviceKind::Pad && window.is_none() {
                c.err(format!("{at}.window"), "a rating pad belongs to one window");
            }
            let hash = d.token_hash.strip_prefix("sha256:").unwrap_or("");
            if hash.len() != 64 || !hash.chars().all(|ch| ch.is_ascii_hexdigit()) {
                c.err(
                    format!("{at}.token_hash"),
                    "must be \"sha256:\" followed by 64 hex digits",
                );
            } else if devices_by_token_hash
                .insert(
                    hash.to_ascii_lowercase(),
                    Device {
                        id: DeviceId(d.id.clone()),
                        kind,
                        window,
                    },
                )
                .is_some()
            {
                c.err(format!("{at}.token_hash"), "two devices share one token");
            }
        }

        // [[printers]]
        let mut printers = BTreeMap::new();
        for (i, p) in config.printers.iter().enumerate() {
            let at = format!("printers[{i}]");
            let device = config.devices.iter().find(|d| d.id == p.device);
            match device {
                None => c.err(
                    format!("{at}.device"),
                    format!("no device {:?} is defined", p.device),
                ),
                Some(d) if d.kind != "kiosk" => c.err(
                    format!("{at}.device"),
                    format!("device {:?} is a {}, not a kiosk", p.device, d.kind),
                ),
                Some(_) => {}
            }
            let transport = match (p.transport.as_str(), &p.address, &p.path) {
                ("tcp", Some(a), _)
                    if a.parse::<std::net::SocketAddr>().is_ok() || a.contains(':') =>
                {
                    Some(PrinterTransport::Tcp { address: a.clone() })
                }
                ("tcp", _, _) => {
                    c.err(
                        format!("{at}.address"),
                        "a tcp printer needs an address like \"192.168.1.50:9100\"",
                    );
                    None
                }
                ("serial", _, Some(path)) if !path.is_empty() => Some(PrinterTransport::Serial {
                    path: path.clone(),
                    baud: p.baud,
                }),
                ("serial", _, _) => {
                    c.err(
                        format!("{at}.path"),
                        "a serial printer needs a path like \"/dev/ttyUSB0\"",
                    );
                    None
                }
                (other, _, _) => {
                    c.err(
                        format!("{at}.transport"),
                        format!("{other:?} is not one of tcp, serial"),
                    );
                    None
                }
            };
            if p.timeout_ms == 0 || p.timeout_ms > 60_000 {
                c.err(format!("{at}.timeout_ms"), "must be between 1 and 60000");
            }
            if let Some(transport) = transport
                && printers
                    .insert(
                        DeviceId(p.device.clone()),
                        Printer {
                            transport,
                            timeout_ms: p.timeout_ms,
                        },
                    )
                    .is_some()
            {
                c.err(
                    format!("{at}.device"),
                    format!("kiosk {:?} has two printers", p.device),
                );
            }
        }

        // [ratings]
        let r = &config.ratings;
        if !(10..=3600).contains(&r.request_seconds) {
            c.err(
                "ratings.request_seconds",
                "must be between 10 and 3600 seconds",
            );
        }
        if !(1..=72).contains(&r.phone_hours) {
            c.err("ratings.phone_hours", "must be between 1 and 72 hours");
        }
        if !(1..=30).contains(&r.visit_back_days) {
            c.err(
                "ratings.visit_back_days",
                "must be between 1 and 30 working days",
            );
        }
        if !(1..=60).contains(&r.rectify_days) || r.rectify_days < r.visit_back_days {
            c.err(
                "ratings.rectify_days",
                "must be between 1 and 60 working days, and not before the visit back",
            );
        }

        if !c.problems.is_empty() {
            return Err(Problems(c.problems));
        }
        Ok(Hall {
            calendar: Calendar {
                tz,
                working_weekdays,
                holidays,
                makeup_days,
                hours: hall_hours,
                open_on_non_working_days: cal.open_on_non_working_days,
            },
            interleave,
            recall_cap: config.policies.recall_cap,
            wait_alarm_minutes: config.policies.wait_alarm_minutes,
            green_channel_age: config.policies.green_channel_age,
            queues,
            items,
            windows,
            clerks,
            devices_by_token_hash,
            printers,
            config,
        })
    }

    /// The windows that serve a queue, in number order.
    pub fn windows_serving<'a>(&'a self, queue: &'a QueueId) -> impl Iterator<Item = &'a Window> {
        self.windows.values().filter(move |w| w.serves(queue))
    }
}

#[derive(Default)]
struct Checker {
    problems: Vec<Problem>,
}

impl Checker {
    fn err(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem {
            path: path.into(),
            line: None,
            message: message.into(),
        });
    }

    fn ident(&mut self, path: &str, id: &str) {
        if id.is_empty()
            || id.len() > 32
            || !id
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_')
        {
            self.err(
                path,
                format!("{id:?} must be 1-32 ASCII letters, digits, '-' or '_'"),
            );
        }
    }

    fn names(&mut self, path: &str, zh: &str, en: &str) {
        if zh.trim().is_empty() {
            self.err(format!("{path}.name_zh"), "the Chinese name is empty");
        }
        if en.trim().is_empty() {
            self.err(format!("{path}.name_en"), "the English name is empty");
        }
    }

    fn dates(&mut self, path: &str, list: &[String]) -> BTreeSet<Date> {
        let mut out = BTreeSet::new();
        for (i, s) in list.iter().enumerate() {
            match s.parse::<Date>() {
                Ok(d) => {
                    out.insert(d);
                }
                Err(_) => self.err(
                    format!("{path}[{i}]"),
                    format!("{s:?} is not a date like \"2026-10-01\""),
                ),
            }
        }
        out
    }

    fn ranges(&mut self, path: &str, list: &[String]) -> Vec<MinuteRange> {
        let mut out = Vec::new();
        for (i, s) in list.iter().enumerate() {
            match MinuteRange::parse(s) {
                Ok(r) => out.push(r),
                Err(e) => self.err(format!("{path}[{i}]"), e),
            }
        }
        out
    }
}

/// Finds the byte offset of a path like `windows[3].tiers[1][0]` in a parsed document, or of the
/// deepest part of it that exists.
fn locate(doc: &toml_edit::Document<&str>, path: &str) -> Option<usize> {
    let mut segments = Vec::new();
    for part in path.split('.') {
        let (key, rest) = part.split_once('[').map_or((part, ""), |(k, r)| (k, r));
        segments.push(Seg::Key(key.to_owned()));
        for idx in rest.split('[') {
            if let Ok(n) = idx.trim_end_matches(']').parse::<usize>() {
                segments.push(Seg::Index(n));
            }
        }
    }
    let mut best = None;
    let Seg::Key(first) = &segments[0] else {
        return None;
    };
    let mut item = doc.get(first)?;
    best = item.span().map(|s| s.start).or(best);
    for seg in &segments[1..] {
        let next = match seg {
            Seg::Key(k) => item.get(k.as_str()),
            Seg::Index(n) => item.get(*n),
        };
        match next {
            Some(n) => {
                item = n;
                if let Some(s) = item.span() {
                    best = Some(s.start);
                }
            }
            None => break,
        }
    }
    best
}

enum Seg {
    Key(String),
    Index(usize),
}

fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let before = &source[..offset.min(source.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}
