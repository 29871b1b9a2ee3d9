//! The tables every format shows, defined once: a column is a bilingual header, a kind and a
//! getter from a row to a [`Cell`]. CSV, XLSX and HTML render the same [`Table`]s; only the way
//! a cell is written differs.

use hallq_core::rating::RatingLevel;
use hallq_core::report::{
    BadRating, OverdueCase, RankEntry, RankUnit, Ranking, Report, Row, Warning, WarningKind,
};
use jiff::civil::{Date, Weekday};
use std::borrow::Cow;

/// A value before a format renders it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Cell<'a> {
    Int(u64),
    /// A duration: raw seconds in files, minutes with one decimal in HTML.
    Seconds(u64),
    /// A share: raw ‰ in CSV, a percentage number in XLSX, `95.5%` in HTML.
    Permille(u32),
    /// Working days.
    Days(u32),
    Text(Cow<'a, str>),
    /// The unit of a mixed column's value in the same row (files only).
    Unit(Unit),
    /// No figure (`None` in the model): an empty cell in files, `—` in HTML.
    Empty,
}

/// The unit of a value in a column whose rows differ in unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unit {
    None,
    Seconds,
    Permille,
    Days,
}

impl Cell<'_> {
    pub(crate) fn into_owned(self) -> Cell<'static> {
        match self {
            Cell::Int(n) => Cell::Int(n),
            Cell::Seconds(n) => Cell::Seconds(n),
            Cell::Permille(n) => Cell::Permille(n),
            Cell::Days(n) => Cell::Days(n),
            Cell::Text(t) => Cell::Text(Cow::Owned(t.into_owned())),
            Cell::Unit(u) => Cell::Unit(u),
            Cell::Empty => Cell::Empty,
        }
    }

    /// The unit a mixed column's unit column shows for this value.
    pub(crate) fn unit(&self) -> Unit {
        match self {
            Cell::Seconds(_) => Unit::Seconds,
            Cell::Permille(_) => Unit::Permille,
            Cell::Days(_) => Unit::Days,
            _ => Unit::None,
        }
    }
}

/// What a column holds; decides the unit written in file headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Text,
    Count,
    Seconds,
    Permille,
    Days,
    /// Rows differ in unit; a unit column follows in files, HTML writes the unit in the cell.
    Mixed,
}

/// Where a column appears in HTML, which splits the wide group tables in three.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Part {
    /// Identifies the row: repeated in every HTML part.
    Key,
    Queue,
    Rating,
    Case,
    /// The one part of the narrower tables.
    Main,
    /// HTML shows it as a small second line in the previous column's cell.
    Under,
    /// Files only.
    File,
}

/// A column's header and kind, without its getter.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Head {
    pub zh: &'static str,
    pub en: &'static str,
    pub kind: Kind,
    pub part: Part,
    /// The Chinese header with `|` where HTML may break its line (`等候|中位数`), and nowhere
    /// else; none: the header stays on one line. Without the marks it reads `zh`.
    pub breaks: Option<&'static str>,
}

impl Head {
    /// The Chinese header split where HTML may break it.
    pub(crate) fn zh_parts(&self) -> impl Iterator<Item = &'static str> {
        self.breaks.unwrap_or(self.zh).split('|')
    }
}

pub(crate) struct Column<T> {
    pub head: Head,
    pub get: fn(&T) -> Cell<'_>,
}

const fn col<T>(
    zh: &'static str,
    en: &'static str,
    kind: Kind,
    part: Part,
    get: fn(&T) -> Cell<'_>,
) -> Column<T> {
    Column {
        head: Head {
            zh,
            en,
            kind,
            part,
            breaks: None,
        },
        get,
    }
}

/// A column whose Chinese header HTML may break where `marked` has a `|` (and nowhere else):
/// see [`Head::breaks`].
const fn br<T>(mut column: Column<T>, marked: &'static str) -> Column<T> {
    column.head.breaks = Some(marked);
    column
}

fn int(n: impl Into<u64>) -> Cell<'static> {
    Cell::Int(n.into())
}

fn secs(s: Option<u32>) -> Cell<'static> {
    s.map_or(Cell::Empty, |s| Cell::Seconds(s.into()))
}

fn permille(p: Option<u32>) -> Cell<'static> {
    p.map_or(Cell::Empty, Cell::Permille)
}

fn text(s: &str) -> Cell<'_> {
    Cell::Text(Cow::Borrowed(s))
}

fn owned(s: String) -> Cell<'static> {
    Cell::Text(Cow::Owned(s))
}

/// The five rating levels of GB/T 39046, best first (code = index + 1), zh and en.
pub(crate) const LEVELS: [(&str, &str); 5] = {
    let all = RatingLevel::ALL;
    let mut out = [("", ""); 5];
    let mut i = 0;
    while i < 5 {
        out[i] = (all[i].name_zh(), all[i].name_en());
        i += 1;
    }
    out
};

use Kind::{Count, Days as D, Mixed, Permille as Pm, Seconds as S, Text as T};
use Part::{Case, File, Key, Main, Queue, Rating, Under};

/// The figures of a group ([`Row`]): every group table, and the summary's hall total.
pub(crate) static GROUP: &[Column<Row>] = &[
    col("编号", "Key", T, Key, |r| text(&r.key)),
    col("名称", "Name", T, Key, |r| text(&r.name_zh)),
    col("英文名称", "Name in English", T, Under, |r| {
        text(&r.name_en)
    }),
    col("取号", "Tickets", Count, Queue, |r| int(r.tickets)),
    col("已办理", "Served", Count, Queue, |r| int(r.served)),
    col("过号", "No-shows", Count, Queue, |r| int(r.no_show)),
    col("取消", "Cancelled", Count, Queue, |r| int(r.cancelled)),
    br(
        col("日终未办", "Expired", Count, Queue, |r| int(r.expired)),
        "日终|未办",
    ),
    col("转移", "Transfers", Count, Queue, |r| int(r.transfers)),
    col("已叫号", "Called", Count, File, |r| int(r.wait.count)),
    br(
        col("等候均值", "Wait mean", S, Queue, |r| {
            secs(r.wait.mean_s)
        }),
        "等候|均值",
    ),
    br(
        col("等候中位数", "Wait p50", S, Queue, |r| {
            secs(r.wait.p50_s)
        }),
        "等候|中位数",
    ),
    br(
        col("等候P90", "Wait p90", S, Queue, |r| secs(r.wait.p90_s)),
        "等候|P90",
    ),
    col("目标内叫号", "Within target", Count, File, |r| {
        int(r.within_target)
    }),
    br(
        col("目标内叫号率", "Within target", Pm, Queue, |r| {
            permille(r.within_target_permille)
        }),
        "目标内|叫号率",
    ),
    col("计时办理", "Services timed", Count, File, |r| {
        int(r.service.count)
    }),
    br(
        col("办理均值", "Service mean", S, Queue, |r| {
            secs(r.service.mean_s)
        }),
        "办理|均值",
    ),
    br(
        col("办理中位数", "Service p50", S, Queue, |r| {
            secs(r.service.p50_s)
        }),
        "办理|中位数",
    ),
    br(
        col("办理P90", "Service p90", S, Queue, |r| {
            secs(r.service.p90_s)
        }),
        "办理|P90",
    ),
    br(
        col("暂停次数", "Pauses", Count, Queue, |r| int(r.pauses)),
        "暂停|次数",
    ),
    br(
        col("暂停时长", "Paused", S, Queue, |r| {
            Cell::Seconds(r.pause_s)
        }),
        "暂停|时长",
    ),
    br(
        col(
            LEVELS[0].0,
            LEVELS[0].1,
            Count,
            Rating,
            |r| int(r.levels[0]),
        ),
        "非常|满意",
    ),
    col(
        LEVELS[1].0,
        LEVELS[1].1,
        Count,
        Rating,
        |r| int(r.levels[1]),
    ),
    br(
        col(
            LEVELS[2].0,
            LEVELS[2].1,
            Count,
            Rating,
            |r| int(r.levels[2]),
        ),
        "基本|满意",
    ),
    col(
        LEVELS[3].0,
        LEVELS[3].1,
        Count,
        Rating,
        |r| int(r.levels[3]),
    ),
    br(
        col(
            LEVELS[4].0,
            LEVELS[4].1,
            Count,
            Rating,
            |r| int(r.levels[4]),
        ),
        "非常|不满意",
    ),
    col("评价数", "Rated", Count, Rating, |r| int(r.rated)),
    col("追评", "Follow-ups", Count, Rating, |r| int(r.follow_ups)),
    col("差评", "Bad", Count, Rating, |r| int(r.bad)),
    br(
        col("申诉成立", "Appeals upheld", Count, Rating, |r| {
            int(r.appeals_upheld)
        }),
        "申诉|成立",
    ),
    col("满意率", "Satisfaction", Pm, Rating, |r| {
        permille(r.satisfaction_permille)
    }),
    br(
        col("主动评价率", "Rating rate", Pm, Rating, |r| {
            permille(r.rating_rate_permille)
        }),
        "主动|评价率",
    ),
    br(
        col("按期整改", "Fixed on time", Count, Rating, |r| {
            int(r.fixes_on_time)
        }),
        "按期|整改",
    ),
    br(
        col("逾期整改", "Fixed late", Count, Rating, |r| {
            int(r.fixes_late)
        }),
        "逾期|整改",
    ),
    col("未整改", "Fixes open", Count, Rating, |r| {
        int(r.fixes_open)
    }),
    col("受理", "Cases accepted", Count, Case, |r| {
        int(r.cases_accepted)
    }),
    col("办结", "Completed", Count, Case, |r| {
        int(r.cases_completed)
    }),
    br(
        col("按时办结", "On time", Count, Case, |r| {
            int(r.cases_on_time)
        }),
        "按时|办结",
    ),
    col("出件", "Handed over", Count, Case, |r| {
        int(r.cases_handed_over)
    }),
    br(
        col("超期未办结", "Overdue", Count, Case, |r| {
            int(r.cases_overdue)
        }),
        "超期|未办结",
    ),
    br(
        col("按时办结率", "On-time rate", Pm, Case, |r| {
            permille(r.on_time_permille)
        }),
        "按时|办结率",
    ),
    col("首问", "First contacts", Count, Case, |r| {
        int(r.first_contacts)
    }),
    br(
        col("首问办结", "Resolved first", Count, Case, |r| {
            int(r.resolved_first)
        }),
        "首问|办结",
    ),
    col("转办", "Referred", Count, Case, |r| int(r.referred)),
    br(
        col("一次性告知", "Notices", Count, Case, |r| int(r.notices)),
        "一次性|告知",
    ),
    br(
        col("二次跑动", "Second trips", Count, Case, |r| {
            int(r.second_trips)
        }),
        "二次|跑动",
    ),
    br(
        col("有结果办结", "With outcome", Count, Case, |r| {
            int(r.finished_with_outcome)
        }),
        "有结果|办结",
    ),
    br(
        col("一次办成", "One visit", Count, Case, |r| {
            int(r.one_visit)
        }),
        "一次|办成",
    ),
    br(
        col("首问办结率", "Resolved-first rate", Pm, Case, |r| {
            permille(r.resolved_first_permille)
        }),
        "首问|办结率",
    ),
    br(
        col("最多跑一次率", "One-visit rate", Pm, Case, |r| {
            permille(r.one_visit_permille)
        }),
        "最多|跑一次率",
    ),
    col("预警", "Warnings", Count, Case, |r| int(r.warnings)),
];

/// A group table's rows as every format shows them. The core names a day by its date, which
/// the key column shows already: a day is named by its weekday instead (星期四, Thursday).
pub(crate) fn group_rows<'a>(id: &str, rows: &'a [Row]) -> Cow<'a, [Row]> {
    if id != "day" {
        return Cow::Borrowed(rows);
    }
    let named = |r: &Row| {
        let mut r = r.clone();
        if let Ok(d) = r.key.parse::<Date>() {
            let (zh, en) = weekday(d);
            r.name_zh = zh.to_owned();
            r.name_en = en.to_owned();
        }
        r
    };
    Cow::Owned(rows.iter().map(named).collect())
}

/// A date's weekday, zh and en.
pub(crate) fn weekday(d: Date) -> (&'static str, &'static str) {
    match d.weekday() {
        Weekday::Monday => ("星期一", "Monday"),
        Weekday::Tuesday => ("星期二", "Tuesday"),
        Weekday::Wednesday => ("星期三", "Wednesday"),
        Weekday::Thursday => ("星期四", "Thursday"),
        Weekday::Friday => ("星期五", "Friday"),
        Weekday::Saturday => ("星期六", "Saturday"),
        Weekday::Sunday => ("星期日", "Sunday"),
    }
}

/// A labelled figure of the summary.
pub(crate) struct Figure {
    zh: &'static str,
    en: &'static str,
    value: Cell<'static>,
}

static SUMMARY: &[Column<Figure>] = &[
    col("项目", "Figure", T, Main, |f| text(f.zh)),
    col("项目（英文）", "Figure in English", T, Under, |f| {
        text(f.en)
    }),
    col("数值", "Value", Mixed, Main, |f| f.value.clone()),
    col("单位", "Unit", T, File, |f| Cell::Unit(f.value.unit())),
];

/// The report's header and the hall total, one figure a row.
fn summary(report: &Report) -> Vec<Figure> {
    let fig = |zh, en, value| Figure { zh, en, value };
    let mut figures = vec![
        fig("报表", "Report", owned(report.period.name_zh().to_owned())),
        fig("服务大厅", "Hall", owned(report.hall_zh.clone())),
        fig(
            "服务大厅（英文）",
            "Hall in English",
            owned(report.hall_en.clone()),
        ),
        fig("起始日期", "From", owned(report.from.to_string())),
        fig("截止日期", "To", owned(report.to.to_string())),
        fig("截至事件序号", "As of event", int(report.seq)),
        fig(
            "目标等候",
            "Target wait",
            Cell::Seconds(u64::from(report.target_wait_minutes) * 60),
        ),
        fig(
            "等候告警",
            "Wait alarm",
            Cell::Seconds(u64::from(report.wait_alarm_minutes) * 60),
        ),
    ];
    for c in GROUP
        .iter()
        .filter(|c| c.head.part != Key && c.head.part != Under)
    {
        figures.push(fig(
            c.head.zh,
            c.head.en,
            (c.get)(&report.total).into_owned(),
        ));
    }
    figures
}

/// One entry of a ranking, with the ranking's title.
pub(crate) struct Ranked {
    title_zh: String,
    title_en: String,
    entry: RankEntry,
    value: Cell<'static>,
}

pub(crate) static RANKED: &[Column<Ranked>] = &[
    col("排名项目", "Ranking", T, File, |r| text(&r.title_zh)),
    col(
        "排名项目（英文）",
        "Ranking in English",
        T,
        File,
        |r| text(&r.title_en),
    ),
    col("名次", "Rank", Count, Main, |r| int(r.entry.rank)),
    col("编号", "Key", T, Main, |r| text(&r.entry.key)),
    col("名称", "Name", T, Main, |r| text(&r.entry.name_zh)),
    col("数值", "Value", Mixed, Main, |r| r.value.clone()),
    col("单位", "Unit", T, File, |r| Cell::Unit(r.value.unit())),
];

pub(crate) fn ranked(ranking: &Ranking) -> Vec<Ranked> {
    let unit = match ranking.unit {
        RankUnit::Count => Unit::None,
        RankUnit::Permille => Unit::Permille,
        RankUnit::Seconds => Unit::Seconds,
    };
    ranking
        .entries
        .iter()
        .map(|e| Ranked {
            title_zh: ranking.title_zh.clone(),
            title_en: ranking.title_en.clone(),
            entry: e.clone(),
            value: match unit {
                Unit::Permille => Cell::Permille(e.value),
                Unit::Seconds => Cell::Seconds(e.value.into()),
                Unit::Days => Cell::Days(e.value),
                Unit::None => int(e.value),
            },
        })
        .collect()
}

pub(crate) static OVERDUE: &[Column<OverdueCase>] = &[
    br(
        col("办件编号", "Case", T, Main, |c| text(&c.case)),
        "办件|编号",
    ),
    br(
        col("事项编码", "Item code", T, Main, |c| text(&c.item)),
        "事项|编码",
    ),
    br(
        col("事项名称", "Item", T, Main, |c| text(&c.item_name_zh)),
        "事项|名称",
    ),
    col(
        "事项名称（英文）",
        "Item in English",
        T,
        Under,
        |c| text(&c.item_name_en),
    ),
    col("窗口", "Window", Count, Main, |c| int(c.window)),
    br(
        col("工作人员", "Clerk", T, Main, |c| text(&c.clerk)),
        "工作|人员",
    ),
    br(
        col("受理日期", "Accepted", T, Main, |c| {
            owned(c.accepted.to_string())
        }),
        "受理|日期",
    ),
    br(
        col("应办结日期", "Due", T, Main, |c| {
            owned(c.due.to_string())
        }),
        "应办结|日期",
    ),
    br(
        col("办结日期", "Completed", T, Main, |c| {
            c.completed.map_or(Cell::Empty, |d| owned(d.to_string()))
        }),
        "办结|日期",
    ),
    col("状态", "State", T, Main, |c| text(overdue_state(c).0)),
    col("状态（英文）", "State in English", T, Under, |c| {
        text(overdue_state(c).1)
    }),
    col("超期", "Over", D, Main, |c| Cell::Days(c.days_over)),
];

fn overdue_state(c: &OverdueCase) -> (&'static str, &'static str) {
    match c.completed {
        Some(_) => ("逾期办结", "Completed late"),
        None => ("超期未办结", "Still open"),
    }
}

pub(crate) static BAD: &[Column<BadRating>] = &[
    br(
        col("评价编号", "Rating", T, Main, |b| text(&b.rating)),
        "评价|编号",
    ),
    col("日期", "Day", T, Main, |b| owned(b.day.to_string())),
    col("票号", "Ticket", T, Main, |b| text(&b.ticket)),
    col("窗口", "Window", Count, Main, |b| int(b.window)),
    br(
        col("工作人员", "Clerk", T, Main, |b| text(&b.clerk)),
        "工作|人员",
    ),
    col("等级代码", "Code", Count, File, |b| int(b.code)),
    br(
        col("评价等级", "Level", T, Main, |b| text(&b.level_zh)),
        "评价|等级",
    ),
    col(
        "评价等级（英文）",
        "Level in English",
        T,
        Under,
        |b| {
            let en = usize::from(b.code)
                .checked_sub(1)
                .and_then(|i| LEVELS.get(i));
            en.map_or(Cell::Empty, |l| text(l.1))
        },
    ),
    col("原因", "Reasons", T, Main, |b| {
        if b.reasons.is_empty() {
            Cell::Empty
        } else {
            owned(b.reasons.join("；"))
        }
    }),
    br(
        col("整改状态", "Fix state", T, Main, |b| {
            b.fix_state.map_or(Cell::Empty, |s| text(s.name_zh()))
        }),
        "整改|状态",
    ),
    col(
        "整改状态（英文）",
        "Fix state in English",
        T,
        Under,
        |b| b.fix_state.map_or(Cell::Empty, |s| text(s.name_en())),
    ),
    br(
        col("整改期限", "Fix due", T, Main, |b| {
            b.rectify_due.map_or(Cell::Empty, |d| owned(d.to_string()))
        }),
        "整改|期限",
    ),
    br(
        col("按期整改", "Fixed on time", T, Main, |b| {
            match b.fixed_on_time {
                Some(true) => text("是 Yes"),
                Some(false) => text("否 No"),
                None => Cell::Empty,
            }
        }),
        "按期|整改",
    ),
];

pub(crate) static WARNINGS: &[Column<Warning>] = &[
    col("日期", "Day", T, Main, |w| owned(w.day.to_string())),
    col("类型", "Kind", T, Main, |w| text(w.kind.name_zh())),
    col("类型（英文）", "Kind in English", T, Under, |w| {
        text(w.kind.name_en())
    }),
    col("对象", "Subject", T, Main, |w| text(&w.subject)),
    col("窗口", "Window", Count, Main, |w| {
        w.window.map_or(Cell::Empty, int)
    }),
    br(
        col("工作人员", "Clerk", T, Main, |w| {
            w.clerk.as_deref().map_or(Cell::Empty, text)
        }),
        "工作|人员",
    ),
    col("数值", "Value", Mixed, Main, |w| {
        warning_figure(w.kind, w.value)
    }),
    col("限值", "Limit", Mixed, Main, |w| {
        warning_figure(w.kind, w.limit)
    }),
    col("单位", "Unit", T, File, |w| {
        Cell::Unit(warning_figure(w.kind, 0).unit())
    }),
];

/// A warning's figure in its kind's unit: seconds for times, working days for overdue cases
/// and fixes, a plain number otherwise.
fn warning_figure(kind: WarningKind, value: u32) -> Cell<'static> {
    match kind {
        WarningKind::LongWait | WarningKind::LongService | WarningKind::LongPause => {
            Cell::Seconds(value.into())
        }
        WarningKind::CaseOverdue | WarningKind::FixOverdue => Cell::Days(value),
        WarningKind::PrintFailed | WarningKind::DeviceOffline => int(value),
    }
}

/// A table with its rows evaluated: what every format renders.
pub(crate) struct Table<'r> {
    /// The XLSX sheet name, also the CSV section's and HTML heading's Chinese title.
    pub zh: &'static str,
    pub en: &'static str,
    pub heads: Vec<Head>,
    pub rows: Vec<Vec<Cell<'r>>>,
}

impl<'r> Table<'r> {
    pub(crate) fn new<T>(
        zh: &'static str,
        en: &'static str,
        columns: &[Column<T>],
        rows: &'r [T],
    ) -> Self {
        Table {
            zh,
            en,
            heads: columns.iter().map(|c| c.head).collect(),
            rows: rows
                .iter()
                .map(|r| columns.iter().map(|c| (c.get)(r)).collect())
                .collect(),
        }
    }

    fn into_owned(self) -> Table<'static> {
        Table {
            zh: self.zh,
            en: self.en,
            heads: self.heads,
            rows: self
                .rows
                .into_iter()
                .map(|r| r.into_iter().map(Cell::into_owned).collect())
                .collect(),
        }
    }

    /// How many leading columns identify a row (frozen in XLSX).
    pub(crate) fn key_columns(&self) -> usize {
        self.heads.iter().take_while(|h| h.part == Key).count()
    }
}

pub(crate) const SUMMARY_TITLE: (&str, &str) = ("汇总", "Summary");
pub(crate) const RANKINGS_TITLE: (&str, &str) = ("排名", "Rankings");
pub(crate) const OVERDUE_TITLE: (&str, &str) = ("超期办件", "Overdue cases");
pub(crate) const BAD_TITLE: (&str, &str) = ("差评整改", "Bad ratings and fixes");
pub(crate) const WARNINGS_TITLE: (&str, &str) = ("预警", "Warnings");

/// The file formats' tables, in order: summary, the six group tables, rankings (empty for a
/// daily report), overdue cases, bad ratings, warnings.
pub(crate) fn tables(report: &Report) -> Vec<Table<'_>> {
    let mut tables =
        vec![Table::new(SUMMARY_TITLE.0, SUMMARY_TITLE.1, SUMMARY, &summary(report)).into_owned()];
    for (id, zh, en, rows) in report.groups() {
        tables.push(Table::new(zh, en, GROUP, &group_rows(id, rows)).into_owned());
    }
    let ranked: Vec<Ranked> = report.rankings.iter().flat_map(ranked).collect();
    tables.push(Table::new(RANKINGS_TITLE.0, RANKINGS_TITLE.1, RANKED, &ranked).into_owned());
    tables.push(Table::new(
        OVERDUE_TITLE.0,
        OVERDUE_TITLE.1,
        OVERDUE,
        &report.overdue_cases,
    ));
    tables.push(Table::new(
        BAD_TITLE.0,
        BAD_TITLE.1,
        BAD,
        &report.bad_ratings,
    ));
    tables.push(Table::new(
        WARNINGS_TITLE.0,
        WARNINGS_TITLE.1,
        WARNINGS,
        &report.warnings,
    ));
    tables
}

/// The unit in a file header, Chinese and English, for a column of one unit. `percent` says
/// per-mille values are written as percentages (XLSX), which need no unit.
pub(crate) fn header_unit(head: &Head, percent: bool) -> Option<(&'static str, &'static str)> {
    match head.kind {
        Kind::Seconds => Some(("秒", "s")),
        Kind::Days => Some(("工作日", "working days")),
        Kind::Permille if !percent => Some(("‰", "‰")),
        _ => None,
    }
}

/// A unit column's text in files.
pub(crate) fn unit_text(unit: Unit, percent: bool) -> &'static str {
    match unit {
        Unit::None => "",
        Unit::Seconds => "秒 (s)",
        Unit::Permille if percent => "%",
        Unit::Permille => "‰",
        Unit::Days => "工作日 (working days)",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_fit_excel() {
        for (zh, _) in [
            SUMMARY_TITLE,
            RANKINGS_TITLE,
            OVERDUE_TITLE,
            BAD_TITLE,
            WARNINGS_TITLE,
        ] {
            assert!(zh.chars().count() <= 31);
        }
    }

    /// Break marks only say where a header may wrap: without them it reads as in the files.
    #[test]
    fn html_break_marks_keep_the_header_text() {
        let heads = GROUP
            .iter()
            .map(|c| c.head)
            .chain(SUMMARY.iter().map(|c| c.head))
            .chain(RANKED.iter().map(|c| c.head))
            .chain(OVERDUE.iter().map(|c| c.head))
            .chain(BAD.iter().map(|c| c.head))
            .chain(WARNINGS.iter().map(|c| c.head));
        let mut marked = 0;
        for head in heads {
            if let Some(b) = head.breaks {
                marked += 1;
                assert_eq!(b.replace('|', ""), head.zh);
                assert!(head.zh_parts().all(|p| !p.is_empty()), "{b}");
            }
            // A header of four or more characters says where it may wrap.
            if head.part != Part::File && head.part != Part::Under && head.zh.chars().count() >= 4 {
                assert!(head.breaks.is_some(), "{}", head.zh);
            }
        }
        assert!(marked > 30);
    }

    #[test]
    fn days_are_named_by_their_weekday_other_groups_keep_their_names() {
        let row = |key: &str| Row {
            key: key.into(),
            name_zh: key.into(),
            name_en: key.into(),
            ..Row::default()
        };
        let days = [row("2026-11-26"), row("2026-11-29"), row("-")];
        let named = group_rows("day", &days);
        let names: Vec<(&str, &str, &str)> = named
            .iter()
            .map(|r| (r.key.as_str(), r.name_zh.as_str(), r.name_en.as_str()))
            .collect();
        assert_eq!(
            names,
            [
                ("2026-11-26", "星期四", "Thursday"),
                ("2026-11-29", "星期日", "Sunday"),
                ("-", "-", "-"),
            ]
        );
        assert!(matches!(group_rows("window", &days), Cow::Borrowed(_)));
    }
}
