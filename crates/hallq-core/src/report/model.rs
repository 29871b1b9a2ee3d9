//! The report a projection gives for a span of business days: plain data, rendered elsewhere
//! (HTML, CSV, XLSX in `hallq-report`) and served as JSON.

use jiff::civil::{Date, Weekday};
use serde::{Deserialize, Serialize};

/// 日统计, 周通报, 月汇总.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    Daily,
    Weekly,
    Monthly,
}

impl Period {
    pub const ALL: [Period; 3] = [Period::Daily, Period::Weekly, Period::Monthly];

    pub fn parse(s: &str) -> Option<Period> {
        match s {
            "daily" => Some(Period::Daily),
            "weekly" => Some(Period::Weekly),
            "monthly" => Some(Period::Monthly),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Period::Daily => "daily",
            Period::Weekly => "weekly",
            Period::Monthly => "monthly",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Period::Daily => "日统计",
            Period::Weekly => "周通报",
            Period::Monthly => "月汇总",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            Period::Daily => "Daily report",
            Period::Weekly => "Weekly bulletin",
            Period::Monthly => "Monthly summary",
        }
    }

    /// The first and last day a report may be asked for (a span never leaves the calendar).
    pub const FIRST_DAY: Date = jiff::civil::date(2000, 1, 1);
    pub const LAST_DAY: Date = jiff::civil::date(2199, 12, 31);

    /// The span of a report around `date`, or why there is none: the date must lie between
    /// [`Period::FIRST_DAY`] and [`Period::LAST_DAY`].
    pub fn checked_span(self, date: Date) -> Result<(Date, Date), String> {
        if date < Self::FIRST_DAY || date > Self::LAST_DAY {
            return Err(format!(
                "reports cover {} to {}, not {date}",
                Self::FIRST_DAY,
                Self::LAST_DAY
            ));
        }
        Ok(self.span(date))
    }

    /// The business days the report covers, first and last: the day itself, its week (Monday to
    /// Sunday), or its calendar month. For dates outside [`Period::checked_span`]'s range this
    /// may panic at the ends of the calendar.
    pub fn span(self, date: Date) -> (Date, Date) {
        match self {
            Period::Daily => (date, date),
            Period::Weekly => {
                let back = date.weekday().to_monday_zero_offset() as i64;
                let monday = date
                    .checked_sub(jiff::Span::new().days(back))
                    .expect("dates in range");
                let sunday = monday
                    .checked_add(jiff::Span::new().days(6))
                    .expect("dates in range");
                debug_assert_eq!(monday.weekday(), Weekday::Monday);
                (monday, sunday)
            }
            Period::Monthly => (date.first_of_month(), date.last_of_month()),
        }
    }
}

/// Count, mean, median and 90th percentile of durations in seconds (nearest rank: the value at
/// index `⌊n·p/100⌋` of the sorted samples, as everywhere in hallq).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Stats {
    pub count: u32,
    pub mean_s: Option<u32>,
    pub p50_s: Option<u32>,
    pub p90_s: Option<u32>,
}

/// The figures of one group (a window, clerk, unit, item, theme or day) or of the whole hall.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Row {
    /// The group's id: window number, clerk id, unit id, item code, theme id, date; `"-"` for
    /// none (a ticket never called has no window), `"hall"` for the whole hall.
    pub key: String,
    pub name_zh: String,
    pub name_en: String,
    /// Tickets counted in the group (by their business day of issue).
    pub tickets: u32,
    pub served: u32,
    pub no_show: u32,
    pub cancelled: u32,
    /// Left open when their business day ended.
    pub expired: u32,
    /// Transfers made (by the window or clerk; from the queue, item or theme).
    pub transfers: u32,
    /// Issue to first call, counted for the first caller (and the queue first waited in).
    pub wait: Stats,
    /// Called within the target wait (of the `wait.count` tickets called).
    pub within_target: u32,
    pub within_target_permille: Option<u32>,
    /// Service start to finish, as the finish event says.
    pub service: Stats,
    /// Time windows spent paused (暂停) within opening hours, seconds, on each day it covers.
    pub pause_s: u64,
    /// Pauses begun.
    pub pauses: u32,
    /// First ratings per level, best first (GB/T 39046 codes 1–5).
    pub levels: [u32; 5],
    pub rated: u32,
    pub follow_ups: u32,
    pub bad: u32,
    pub appeals_upheld: u32,
    /// 满意率: ratings not bad ÷ ratings that count (appeals upheld do not), per mille.
    pub satisfaction_permille: Option<u32>,
    /// 主动评价率: first ratings ÷ visits served, per mille.
    pub rating_rate_permille: Option<u32>,
    /// Fixes of this group's bad ratings: rectified by their due day, after it, not yet.
    pub fixes_on_time: u32,
    pub fixes_late: u32,
    pub fixes_open: u32,
    /// 受理: cases accepted in the span.
    pub cases_accepted: u32,
    /// 办结: cases completed in the span, and of those by their due day.
    pub cases_completed: u32,
    pub cases_on_time: u32,
    /// 出件: results handed over to the citizen in the span.
    #[serde(default)]
    pub cases_handed_over: u32,
    /// Cases accepted by this group, open after their due day at the end of the span (or
    /// today, if sooner); counted on that day.
    pub cases_overdue: u32,
    /// 按时办结率: completed on time ÷ completed, per mille.
    pub on_time_permille: Option<u32>,
    /// 首问负责: see [`crate::first_contact`] for the definitions.
    pub first_contacts: u32,
    pub resolved_first: u32,
    pub referred: u32,
    /// Referral reasons given by first clerks, and how often each.
    #[serde(default)]
    pub referral_reasons: std::collections::BTreeMap<String, u32>,
    pub notices: u32,
    pub second_trips: u32,
    pub finished_with_outcome: u32,
    pub one_visit: u32,
    pub resolved_first_permille: Option<u32>,
    /// 最多跑一次.
    pub one_visit_permille: Option<u32>,
    /// Warnings raised in the group (see [`Warning`]).
    pub warnings: u32,
}

/// Something that went against the hall's rules in the span.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    pub day: Date,
    pub kind: WarningKind,
    /// What it is about: a ticket number, a window, a case, a device.
    pub subject: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<u32>,
    /// The clerk's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clerk: Option<String>,
    /// The measured figure: seconds waited, served or paused; working days overdue; 1 for a
    /// print failure or a device going offline.
    pub value: u32,
    /// The limit it went over, in the same unit.
    pub limit: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WarningKind {
    /// A ticket waited longer than the wait alarm.
    LongWait,
    /// A service ran longer than the overrun factor × the item's minutes.
    LongService,
    /// A pause lasted longer than the pause alarm.
    LongPause,
    /// A print failed.
    PrintFailed,
    /// A device went offline.
    DeviceOffline,
    /// A case completed after its due day, or still open past it.
    CaseOverdue,
    /// A bad rating's fix done after its due day, or still open past it.
    FixOverdue,
}

impl WarningKind {
    pub fn name_zh(self) -> &'static str {
        match self {
            WarningKind::LongWait => "等候超时",
            WarningKind::LongService => "办理超时",
            WarningKind::LongPause => "暂停超时",
            WarningKind::PrintFailed => "打印失败",
            WarningKind::DeviceOffline => "设备离线",
            WarningKind::CaseOverdue => "办件超期",
            WarningKind::FixOverdue => "整改超期",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            WarningKind::LongWait => "Long wait",
            WarningKind::LongService => "Long service",
            WarningKind::LongPause => "Long pause",
            WarningKind::PrintFailed => "Print failed",
            WarningKind::DeviceOffline => "Device offline",
            WarningKind::CaseOverdue => "Case overdue",
            WarningKind::FixOverdue => "Fix overdue",
        }
    }
}

/// A case past its due day: completed late in the span, or open at its end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverdueCase {
    pub case: String,
    pub item: String,
    pub item_name_zh: String,
    pub item_name_en: String,
    pub window: u32,
    /// The clerk's id (as everywhere in reports; names are in the clerk table).
    pub clerk: String,
    pub accepted: Date,
    pub due: Date,
    /// When completed (late), else none: still open.
    pub completed: Option<Date>,
    /// Working days past due (at completion, or at the end of the span).
    pub days_over: u32,
}

/// A bad rating given in the span and where its fix stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BadRating {
    pub rating: String,
    pub day: Date,
    pub ticket: String,
    pub window: u32,
    pub clerk: String,
    /// GB/T 39046 code (4 不满意, 5 非常不满意).
    pub code: u8,
    pub level_zh: String,
    pub reasons: Vec<String>,
    /// The fix's state, none when no fix was opened.
    pub fix_state: Option<crate::rating::RectificationState>,
    pub rectify_due: Option<Date>,
    /// Rectified by the due day; none while not rectified.
    pub fixed_on_time: Option<bool>,
}

/// One ranking of the weekly bulletin: groups ordered best first by one figure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ranking {
    /// `window_served`, `window_satisfaction`, `window_wait`, `clerk_served`, …
    pub id: String,
    pub title_zh: String,
    pub title_en: String,
    /// What the entries' values count.
    pub unit: RankUnit,
    pub entries: Vec<RankEntry>,
}

/// The unit of a ranking's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RankUnit {
    Count,
    Permille,
    Seconds,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RankEntry {
    pub rank: u32,
    pub key: String,
    pub name_zh: String,
    /// The figure ranked on (count, per mille or seconds, as the ranking's id says).
    pub value: u32,
}

/// People waiting per theme through a day, sampled every `step_minutes` from `start` (local
/// time): the dashboard's and the daily report's chart.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct WaitingSeries {
    pub day: Option<Date>,
    pub step_minutes: u32,
    /// Local times of the samples, `"08:30"`.
    pub times: Vec<String>,
    pub series: Vec<ThemeSeries>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThemeSeries {
    /// The theme's id; `"-"` for the queues of no theme (部门专窗).
    pub theme: String,
    pub name_zh: String,
    pub name_en: String,
    pub points: Vec<u32>,
}

/// Waits (issue to first call) counted in bins of `bin_minutes`; the last bin is open-ended.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Histogram {
    pub bin_minutes: u32,
    pub bins: Vec<Bin>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bin {
    pub from_min: u32,
    /// None for the last, open-ended bin.
    pub to_min: Option<u32>,
    pub count: u32,
}

/// A report over business days `from..=to`, as of the log's `seq`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub period: Period,
    pub from: Date,
    pub to: Date,
    pub hall_zh: String,
    pub hall_en: String,
    /// The last event the report includes.
    pub seq: u64,
    pub target_wait_minutes: u32,
    pub wait_alarm_minutes: u32,
    pub total: Row,
    pub by_window: Vec<Row>,
    pub by_clerk: Vec<Row>,
    pub by_unit: Vec<Row>,
    pub by_item: Vec<Row>,
    pub by_theme: Vec<Row>,
    /// One row per business day of the span.
    pub by_day: Vec<Row>,
    /// Tickets issued per local hour (0–23) over the span.
    pub arrivals_by_hour: [u32; 24],
    pub wait_histogram: Histogram,
    /// The daily report's chart of people waiting by theme (empty for longer spans).
    pub waiting: WaitingSeries,
    /// Weekly and monthly: groups ranked.
    pub rankings: Vec<Ranking>,
    pub overdue_cases: Vec<OverdueCase>,
    pub bad_ratings: Vec<BadRating>,
    pub warnings: Vec<Warning>,
}

impl Report {
    /// The tables of groups, with their ids and titles, in the order reports show them.
    pub fn groups(&self) -> [(&'static str, &'static str, &'static str, &[Row]); 6] {
        [
            ("window", "按窗口", "By window", &self.by_window),
            ("clerk", "按工作人员", "By clerk", &self.by_clerk),
            ("unit", "按部门", "By unit", &self.by_unit),
            ("item", "按事项", "By item", &self.by_item),
            ("theme", "按主题", "By theme", &self.by_theme),
            ("day", "按日", "By day", &self.by_day),
        ]
    }
}
