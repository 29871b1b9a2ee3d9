//! The hall's configuration as it is written in TOML (`firmware-config/halls/*.toml`).
//!
//! These types are the *file format*: plain data, deserialised with serde and nothing else.
//! [`crate::hall::Hall::compile`] checks them (every problem, with its place in the file) and
//! turns them into the indexed, typed [`crate::hall::Hall`] the core decides with.

use serde::{Deserialize, Serialize};

/// One hall: the whole `*.toml` file.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct HallConfig {
    pub hall: HallInfo,
    pub calendar: CalendarConfig,
    #[serde(default)]
    pub policies: PoliciesConfig,
    #[serde(default, rename = "units")]
    pub units: Vec<UnitConfig>,
    #[serde(default, rename = "themes")]
    pub themes: Vec<ThemeConfig>,
    #[serde(default, rename = "queues")]
    pub queues: Vec<QueueConfig>,
    #[serde(default, rename = "items")]
    pub items: Vec<ItemConfig>,
    #[serde(default, rename = "windows")]
    pub windows: Vec<WindowConfig>,
    #[serde(default, rename = "clerks")]
    pub clerks: Vec<ClerkConfig>,
    #[serde(default, rename = "devices")]
    pub devices: Vec<DeviceConfig>,
    /// Ticket printers, one per kiosk that has one.
    #[serde(default, rename = "printers")]
    pub printers: Vec<PrinterConfig>,
    /// `[ratings]`: 好差评.
    #[serde(default)]
    pub ratings: RatingsConfig,
}

/// `[ratings]`: how ratings are asked for, and how bad ones are followed up.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RatingsConfig {
    /// How long the window's pad asks for a rating after a visit (seconds); unrated stays unrated.
    #[serde(default = "default_request_seconds")]
    pub request_seconds: u32,
    /// How long the ticket's QR link accepts a rating when the pad got none (hours).
    #[serde(default = "default_phone_hours")]
    pub phone_hours: u32,
    /// Working days to call a bad rater back (回访).
    #[serde(default = "default_visit_back_days")]
    pub visit_back_days: u32,
    /// Working days to rectify and reply (整改).
    #[serde(default = "default_rectify_days")]
    pub rectify_days: u32,
    /// Reason tags offered with 非常满意 and 满意.
    #[serde(default = "default_tags_good")]
    pub tags_good: Vec<String>,
    /// Reason tags offered with 基本满意.
    #[serde(default = "default_tags_basic")]
    pub tags_basic: Vec<String>,
    /// Reason tags offered with 不满意 and 非常不满意.
    #[serde(default = "default_tags_bad")]
    pub tags_bad: Vec<String>,
}

impl Default for RatingsConfig {
    fn default() -> Self {
        RatingsConfig {
            request_seconds: default_request_seconds(),
            phone_hours: default_phone_hours(),
            visit_back_days: default_visit_back_days(),
            rectify_days: default_rectify_days(),
            tags_good: default_tags_good(),
            tags_basic: default_tags_basic(),
            tags_bad: default_tags_bad(),
        }
    }
}

fn default_request_seconds() -> u32 {
    120
}
fn default_phone_hours() -> u32 {
    24
}
fn default_visit_back_days() -> u32 {
    1
}
fn default_rectify_days() -> u32 {
    15
}
fn default_tags_good() -> Vec<String> {
    ["服务热情", "办事高效", "一次性告知清楚", "环境整洁有序"]
        .map(String::from)
        .to_vec()
}
fn default_tags_basic() -> Vec<String> {
    ["等候时间较长", "告知不够清楚", "流程有待简化"]
        .map(String::from)
        .to_vec()
}
fn default_tags_bad() -> Vec<String> {
    ["服务态度", "办事效率", "一次性告知", "环境秩序", "多次跑腿"]
        .map(String::from)
        .to_vec()
}

/// `[hall]`: who this hall is.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct HallInfo {
    /// Short machine id, e.g. `"lst-district"`.
    pub id: String,
    pub name_zh: String,
    pub name_en: String,
    /// Administrative region code (行政区划代码), six digits.
    #[serde(default)]
    pub region_code: Option<String>,
    /// True only for the embedded demo hall: its well-known accounts must never face a network.
    #[serde(default)]
    pub demo: bool,
    /// The address citizens' phones reach the hall at, for the QR code on tickets
    /// (`"http://192.168.1.10:8080"`); the request's own host when absent.
    #[serde(default)]
    pub public_url: Option<String>,
}

/// `[calendar]`: the hall's time zone, working days and opening hours.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CalendarConfig {
    /// IANA name, e.g. `"Asia/Shanghai"`. Business days start at local midnight.
    pub time_zone: String,
    /// Weekdays that are working days: `"mon"` … `"sun"`.
    #[serde(default = "default_working_days")]
    pub working_days: Vec<String>,
    /// Public holidays (`"2026-10-01"`): not working days even on a weekday.
    #[serde(default)]
    pub holidays: Vec<String>,
    /// Make-up working days (调休, `"2026-09-27"`): working days even on a weekend.
    #[serde(default)]
    pub makeup_working_days: Vec<String>,
    /// Opening hours of the hall on a working day, `"08:30-12:00"`; `"00:00-24:00"` for all day.
    pub hours: Vec<String>,
    /// Whether the hall also opens (with the same hours) on days that are not working days.
    #[serde(default)]
    pub open_on_non_working_days: bool,
}

fn default_working_days() -> Vec<String> {
    ["mon", "tue", "wed", "thu", "fri"]
        .map(String::from)
        .to_vec()
}

/// `[policies]`: the hall's rules that are numbers.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PoliciesConfig {
    /// `"strict"` (green and appointment tickets always first) or `"P:N"`, e.g. `"1:2"`: when both
    /// priority and normal tickets wait, P priority calls then N normal calls, repeating.
    #[serde(default = "default_interleave")]
    pub priority_interleave: String,
    /// How many times one call may be repeated (重呼).
    #[serde(default = "default_recall_cap")]
    pub recall_cap: u32,
    /// A waiting ticket older than this raises an alarm (minutes).
    #[serde(default = "default_wait_alarm")]
    pub wait_alarm_minutes: u32,
    /// Age (from the ID number's birth date) from which a ticket is green-channel automatically.
    #[serde(default = "default_green_age")]
    pub green_channel_age: u32,
    /// People waiting past the wait alarm, in one queue, from which an emergency window should
    /// open (an alert).
    #[serde(default = "default_emergency_waiting")]
    pub emergency_waiting: u32,
    /// A service longer than this many times the item's expected minutes raises an alert.
    #[serde(default = "default_service_overrun")]
    pub service_overrun_factor: u32,
    /// A window paused longer than this raises an alert (minutes).
    #[serde(default = "default_pause_alarm")]
    pub pause_alarm_minutes: u32,
    /// The service level: the share of people called within this wait is reported (minutes).
    #[serde(default = "default_target_wait")]
    pub target_wait_minutes: u32,
}

impl Default for PoliciesConfig {
    fn default() -> Self {
        PoliciesConfig {
            priority_interleave: default_interleave(),
            recall_cap: default_recall_cap(),
            wait_alarm_minutes: default_wait_alarm(),
            green_channel_age: default_green_age(),
            emergency_waiting: default_emergency_waiting(),
            service_overrun_factor: default_service_overrun(),
            pause_alarm_minutes: default_pause_alarm(),
            target_wait_minutes: default_target_wait(),
        }
    }
}

fn default_interleave() -> String {
    "strict".into()
}
fn default_recall_cap() -> u32 {
    5
}
fn default_wait_alarm() -> u32 {
    30
}
fn default_green_age() -> u32 {
    60
}
fn default_emergency_waiting() -> u32 {
    10
}
fn default_service_overrun() -> u32 {
    2
}
fn default_pause_alarm() -> u32 {
    30
}
fn default_target_wait() -> u32 {
    20
}

/// `[[units]]`: a department seated in the hall (进驻单位).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct UnitConfig {
    pub id: String,
    pub name_zh: String,
    pub name_en: String,
}

/// `[[themes]]`: a theme of comprehensive windows (市场准入, 工程建设, 社会事务).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ThemeConfig {
    pub id: String,
    pub name_zh: String,
    pub name_en: String,
}

/// `[[queues]]`: one line of numbers (one ticket prefix).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct QueueConfig {
    pub id: String,
    /// One or two capital letters; numbers read `A001`.
    pub prefix: String,
    pub name_zh: String,
    pub name_en: String,
    /// The theme this queue belongs to, if it is a comprehensive (themed) queue.
    #[serde(default)]
    pub theme: Option<String>,
    /// The unit this queue belongs to, if it is a unit's own queue.
    #[serde(default)]
    pub unit: Option<String>,
    /// Issuing hours, `"08:30-11:30"`; empty means the hall's hours.
    #[serde(default)]
    pub hours: Vec<String>,
    /// Issuing time slots with a cap on tickets issued inside each.
    #[serde(default)]
    pub slots: Vec<SlotConfig>,
    /// Tickets per business day; none means no cap.
    #[serde(default)]
    pub daily_cap: Option<u32>,
    /// Waiting count from which the queue shows a warning.
    #[serde(default)]
    pub warn_waiting: Option<u32>,
}

/// An issuing time slot: `{ from = "08:30", to = "10:00", cap = 40 }`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SlotConfig {
    pub from: String,
    pub to: String,
    pub cap: u32,
}

/// `[[items]]`: a service item (事项).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ItemConfig {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub unit: String,
    pub queue: String,
    /// Promised time limit (承诺时限) in working days; 0 means done on the spot (即办件).
    #[serde(default)]
    pub limit_days: u32,
    /// Expected service time at the window, minutes.
    pub service_minutes: u32,
    /// Materials the citizen must bring (申请材料), zh-CN.
    #[serde(default)]
    pub materials: Vec<String>,
}

/// `[[windows]]`: a service window.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct WindowConfig {
    /// The number over the window, 1…999.
    pub number: u32,
    pub name_zh: String,
    pub name_en: String,
    /// The unit staffing it; none for comprehensive windows run by the hall.
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub comprehensive: bool,
    /// Queues served, in priority tiers: `[["A"], ["B", "C"]]` serves A first, then B and C.
    pub tiers: Vec<Vec<String>>,
}

/// `[[clerks]]`: a person who signs in.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ClerkConfig {
    pub id: String,
    pub name: String,
    /// Staff number shown on the rating pad (亮证).
    #[serde(default)]
    pub staff_no: Option<String>,
    #[serde(default)]
    pub unit: Option<String>,
    /// `"clerk"`, `"supervisor"` or `"admin"`.
    pub role: String,
    /// argon2id PHC string (`$argon2id$v=19$…`).
    pub password_hash: String,
}

/// `[[devices]]`: a kiosk, display, rating pad or gateway.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DeviceConfig {
    pub id: String,
    /// `"kiosk"`, `"display"`, `"pad"` or `"gateway"`.
    pub kind: String,
    #[serde(default)]
    pub window: Option<u32>,
    /// `"sha256:<hex>"` of the device's bearer token (tokens are long random strings, so a fast
    /// hash is the right one; passwords use argon2id).
    pub token_hash: String,
}

/// `[[printers]]`: the thermal ticket printer of a kiosk (ESC/POS).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PrinterConfig {
    /// The kiosk device it belongs to.
    pub device: String,
    /// `"tcp"` (raw port 9100) or `"serial"`.
    pub transport: String,
    /// `"192.168.1.50:9100"` for tcp.
    #[serde(default)]
    pub address: Option<String>,
    /// `"/dev/ttyUSB0"` for serial.
    #[serde(default)]
    pub path: Option<String>,
    #[serde(default = "default_baud")]
    pub baud: u32,
    /// How long to wait for the printer, per step (connect, status, write).
    #[serde(default = "default_printer_timeout")]
    pub timeout_ms: u64,
}

fn default_baud() -> u32 {
    9600
}
fn default_printer_timeout() -> u64 {
    2000
}
