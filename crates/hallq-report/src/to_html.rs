//! HTML: one self-contained, printable A4 document with inline SVG charts.

use crate::chart::{self, X};
use crate::table::{
    BAD, BAD_TITLE, Cell, GROUP, Head, Kind, LEVELS, OVERDUE, OVERDUE_TITLE, Part, RANKED,
    RANKINGS_TITLE, Table, WARNINGS, WARNINGS_TITLE, group_rows, ranked, weekday,
};
use hallq_core::report::{Period, Report, Row, ThemeSeries};
use jiff::civil::{Date, Weekday};
use std::fmt::Write;

/// The report as a complete HTML document (zh-CN first, English second).
pub fn html(report: &Report) -> String {
    let mut out = String::with_capacity(256 * 1024);
    let title = format!(
        "{} {} {} · {}",
        report.hall_zh,
        report.period.name_zh(),
        span(report),
        report.period.name_en()
    );
    out.push_str("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(out, "<title>{}</title>", esc(&title));
    let _ = writeln!(
        out,
        "<style>{CSS}</style>\n</head>\n<body>\n<main class=\"report\">"
    );
    masthead(&mut out, report);
    tiles(&mut out, report);
    charts(&mut out, report);
    groups(&mut out, report);
    if report.period != Period::Daily {
        rankings(&mut out, report);
    }
    lists(&mut out, report);
    let _ = writeln!(
        out,
        "<footer>— 完 —<span class=\"en\">End of report · hallq · {} {}</span></footer>",
        esc(&report.hall_en),
        esc(report.period.name_en())
    );
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

/// `2026-11-26` for a day, `2026-11-23 至 2026-11-29` for longer spans.
fn span(report: &Report) -> String {
    if report.from == report.to {
        report.from.to_string()
    } else {
        format!("{} 至 {}", report.from, report.to)
    }
}

fn masthead(out: &mut String, r: &Report) {
    let day = if r.from == r.to {
        format!(" {}", weekday(r.from).0)
    } else {
        String::new()
    };
    let _ = write!(
        out,
        "<header class=\"masthead\">\n<div class=\"heading\">\n<div class=\"hall\">{}<span class=\"en\">{}</span></div>\n\
         <h1>{}<span class=\"en\">{}</span></h1>\n<div class=\"span\">{}{}</div>\n</div>\n<dl class=\"meta\">\n",
        esc(&r.hall_zh),
        esc(&r.hall_en),
        esc(r.period.name_zh()),
        esc(r.period.name_en()),
        esc(&span(r)),
        day,
    );
    let meta = [
        ("统计区间", "Period", span(r)),
        (
            "目标等候",
            "Target wait",
            format!("{} 分钟 min", r.target_wait_minutes),
        ),
        (
            "等候告警",
            "Wait alarm",
            format!("{} 分钟 min", r.wait_alarm_minutes),
        ),
        ("数据截至事件", "As of event", format!("#{}", r.seq)),
    ];
    for (zh, en, value) in meta {
        let _ = writeln!(
            out,
            "<dt>{zh}<span class=\"en\">{en}</span></dt><dd>{}</dd>",
            esc(&value)
        );
    }
    out.push_str("</dl>\n</header>\n");
}

fn tiles(out: &mut String, r: &Report) {
    let t = &r.total;
    let secs = |s: Option<u32>| s.map_or(Cell::Empty, |s| Cell::Seconds(s.into()));
    let pm = |p: Option<u32>| p.map_or(Cell::Empty, Cell::Permille);
    let target = format!("Called within {} min", r.target_wait_minutes);
    let tiles: [(&str, &str, Cell, &str); 12] = [
        ("取号", "Tickets", Cell::Int(t.tickets.into()), "人次"),
        ("已办理", "Served", Cell::Int(t.served.into()), "人次"),
        ("过号", "No-shows", Cell::Int(t.no_show.into()), "人次"),
        ("平均等候", "Mean wait", secs(t.wait.mean_s), "分钟"),
        ("等候中位数", "Median wait", secs(t.wait.p50_s), "分钟"),
        (
            "90% 等候不超过",
            "90th percentile wait",
            secs(t.wait.p90_s),
            "分钟",
        ),
        ("目标内叫号率", &target, pm(t.within_target_permille), ""),
        ("满意率", "Satisfaction", pm(t.satisfaction_permille), ""),
        ("主动评价率", "Rating rate", pm(t.rating_rate_permille), ""),
        ("按时办结率", "Cases on time", pm(t.on_time_permille), ""),
        ("最多跑一次", "One-visit rate", pm(t.one_visit_permille), ""),
        ("预警", "Warnings", Cell::Int(t.warnings.into()), "条"),
    ];
    out.push_str("<section class=\"tiles\">\n");
    for (zh, en, value, unit) in tiles {
        let (shown, none) = match show(&value, false) {
            Some(v) => (v, false),
            None => ("—".to_owned(), true),
        };
        let unit = if none || unit.is_empty() {
            String::new()
        } else {
            format!("<span class=\"unit\">{unit}</span>")
        };
        let _ = writeln!(
            out,
            "<div class=\"tile\"><div class=\"label\">{zh}<span class=\"en\">{}</span></div>\
             <div class=\"value\">{}{unit}</div></div>",
            esc(en),
            esc(&shown)
        );
    }
    out.push_str("</section>\n");
}

fn charts(out: &mut String, r: &Report) {
    out.push_str("<section class=\"charts\">\n");

    let bins = &r.wait_histogram.bins;
    let values: Vec<u32> = bins.iter().map(|b| b.count).collect();
    let labels: Vec<(u32, String)> = bins
        .iter()
        .enumerate()
        .map(|(i, b)| (i as u32 * X, b.from_min.to_string()))
        .collect();
    let last = bins.last().map_or(String::new(), |b| match b.to_min {
        None => format!(
            "；末组为 {} 分钟以上 / last bin: {}+ min",
            b.from_min, b.from_min
        ),
        Some(_) => String::new(),
    });
    figure(
        out,
        ("等候时长分布", "Wait times"),
        &format!("横轴：分钟，纵轴：人次{last} / x: minutes, y: tickets"),
        chart::bars(&values, |_| chart::BAR, &labels, false),
        "",
    );

    let (first, last) = hours_shown(&r.arrivals_by_hour);
    let labels: Vec<(u32, String)> = (first..=last)
        .enumerate()
        .map(|(i, h)| (i as u32 * X + X / 2, h.to_string()))
        .collect();
    figure(
        out,
        ("分时段取号", "Arrivals by hour"),
        "横轴：时（该小时内），纵轴：取号人次 / x: hour of day, y: tickets issued",
        chart::bars(
            &r.arrivals_by_hour[first..=last],
            |_| chart::BAR,
            &labels,
            false,
        ),
        "",
    );

    if r.period == Period::Daily {
        let w = &r.waiting;
        // A theme nobody waited in all day would only be a flat line at zero. The others keep
        // their colour (by the theme's place in the report), whichever are left out.
        let busy: Vec<(usize, &ThemeSeries)> = w
            .series
            .iter()
            .enumerate()
            .filter(|(_, s)| s.points.iter().any(|&p| p > 0))
            .collect();
        let series: Vec<(usize, &[u32])> = busy
            .iter()
            .map(|(i, s)| (*i, s.points.as_slice()))
            .collect();
        let mut legend = String::from("<ul class=\"legend\">");
        for (i, s) in &busy {
            let _ = write!(
                legend,
                "<li><i style=\"background:{}\"></i>{}<span class=\"en\">{}</span></li>",
                chart::hex(chart::color(*i)),
                esc(&s.name_zh),
                esc(&s.name_en)
            );
        }
        legend.push_str("</ul>");
        figure(
            out,
            ("各主题等候人数", "People waiting by theme"),
            &format!(
                "每 {} 分钟采样，纵轴：等候人数 / sampled every {} min, y: people waiting",
                w.step_minutes, w.step_minutes
            ),
            chart::lines(&w.times, &series),
            &legend,
        );
    } else {
        let values: Vec<u32> = r.by_day.iter().map(|d| d.served).collect();
        let monthly = r.by_day.len() > 10;
        let labels: Vec<(u32, String)> = r
            .by_day
            .iter()
            .enumerate()
            .filter_map(|(i, d)| Some((i as u32 * X + X / 2, day_label(i, d, monthly)?)))
            .collect();
        figure(
            out,
            ("每日办理量", "Served per day"),
            if monthly {
                "横轴：日期（标注每周一），纵轴：已办理人次 / x: day of month (Mondays labelled), y: served"
            } else {
                "横轴：日期，纵轴：已办理人次 / x: date, y: served"
            },
            chart::bars(&values, |_| chart::BAR, &labels, !monthly),
            "",
        );
    }

    let levels = r.total.levels;
    let labels: Vec<(u32, String)> = LEVELS
        .iter()
        .enumerate()
        .map(|(i, l)| (i as u32 * X + X / 2, l.0.to_owned()))
        .collect();
    let satisfaction = show(
        &r.total
            .satisfaction_permille
            .map_or(Cell::Empty, Cell::Permille),
        false,
    )
    .unwrap_or_else(|| "—".to_owned());
    figure(
        out,
        ("评价分布", "Ratings"),
        &format!(
            "首次评价人次；满意率 {satisfaction} / first ratings; satisfaction {satisfaction}"
        ),
        chart::bars(&levels, |i| chart::LEVEL_COLORS[i], &labels, true),
        "",
    );
    out.push_str("</section>\n");
}

/// The hours the arrivals chart shows, first and last: the hall's day (8 to 17) widened to
/// every hour with arrivals, or the whole day (0 to 23) when there were arrivals in the night
/// (before 6 or after 21 o'clock).
fn hours_shown(arrivals: &[u32; 24]) -> (usize, usize) {
    let first = arrivals.iter().position(|&n| n > 0).map_or(8, |h| h.min(8));
    let last = arrivals
        .iter()
        .rposition(|&n| n > 0)
        .map_or(17, |h| h.max(17));
    if first < 6 || last > 21 {
        (0, 23)
    } else {
        (first, last)
    }
}

/// A day's bar label: `11-26` in a week; in a month the day, on the first bar and on Mondays
/// only (or every third bar when the keys are no dates).
fn day_label(i: usize, row: &Row, monthly: bool) -> Option<String> {
    match row.key.parse::<Date>() {
        Ok(d) if !monthly => Some(format!("{:02}-{:02}", d.month(), d.day())),
        Ok(d) => (i == 0 || d.weekday() == Weekday::Monday).then(|| d.day().to_string()),
        Err(_) if !monthly || i.is_multiple_of(3) => Some(row.name_zh.clone()),
        Err(_) => None,
    }
}

fn figure(out: &mut String, title: (&str, &str), note: &str, svg: Option<String>, after: &str) {
    let _ = write!(
        out,
        "<figure>\n<figcaption>{}<span class=\"en\">{}</span></figcaption>\n",
        title.0, title.1
    );
    match svg {
        Some(svg) => {
            out.push_str(&svg);
            out.push_str(after);
            let _ = writeln!(out, "<p class=\"note\">{}</p>", esc(note));
        }
        None => out.push_str(NO_DATA),
    }
    out.push_str("</figure>\n");
}

const NO_DATA: &str = "<p class=\"empty\">无数据<span class=\"en\">No data</span></p>\n";

const PARTS: [(Part, &str, &str); 3] = [
    (Part::Queue, "排队与办理", "Queue and service"),
    (Part::Rating, "评价与整改", "Ratings and fixes"),
    (Part::Case, "办件与首问负责", "Cases and first contact"),
];

fn groups(out: &mut String, r: &Report) {
    out.push_str("<section class=\"groups page\">\n");
    out.push_str(
        "<p class=\"units\">时长单位为分钟（保留一位小数），比例以百分比表示，“—”表示无数据。\
         <span class=\"en\">Durations in minutes (one decimal), shares in percent; “—” means no figure.</span></p>\n",
    );
    let total = Table::new("", "", GROUP, std::slice::from_ref(&r.total));
    for (id, zh, en, rows) in r.groups() {
        let _ = writeln!(out, "<div class=\"group\" id=\"by-{id}\">");
        heading(out, "h2", zh, en);
        if rows.is_empty() {
            out.push_str(NO_DATA);
        } else {
            let rows = group_rows(id, rows);
            let table = Table::new(zh, en, GROUP, &rows);
            for (part, pzh, pen) in PARTS {
                out.push_str("<div class=\"part\">");
                heading(out, "h3", pzh, pen);
                table_html(
                    out,
                    &table,
                    |p| p == part,
                    total.rows.first().map(Vec::as_slice),
                );
                out.push_str("</div>\n");
            }
        }
        out.push_str("</div>\n");
    }
    out.push_str("</section>\n");
}

fn rankings(out: &mut String, r: &Report) {
    out.push_str("<section class=\"rankings page\">\n");
    heading(out, "h2", RANKINGS_TITLE.0, RANKINGS_TITLE.1);
    if r.rankings.is_empty() {
        out.push_str(NO_DATA);
    } else {
        out.push_str("<div class=\"ranking-grid\">\n");
        for ranking in &r.rankings {
            let rows = ranked(ranking);
            out.push_str("<div class=\"ranking\">");
            heading(out, "h3", &ranking.title_zh, &ranking.title_en);
            if rows.is_empty() {
                out.push_str(NO_DATA);
            } else {
                let table = Table::new("", "", RANKED, &rows);
                table_html(out, &table, |p| p == Part::Main, None);
            }
            out.push_str("</div>\n");
        }
        out.push_str("</div>\n");
    }
    out.push_str("</section>\n");
}

fn lists(out: &mut String, r: &Report) {
    out.push_str("<section class=\"lists page\">\n");
    let tables = [
        Table::new(OVERDUE_TITLE.0, OVERDUE_TITLE.1, OVERDUE, &r.overdue_cases),
        Table::new(BAD_TITLE.0, BAD_TITLE.1, BAD, &r.bad_ratings),
        Table::new(WARNINGS_TITLE.0, WARNINGS_TITLE.1, WARNINGS, &r.warnings),
    ];
    for table in &tables {
        out.push_str("<div class=\"list\">");
        heading(out, "h2", table.zh, table.en);
        if table.rows.is_empty() {
            out.push_str(NO_DATA);
        } else {
            table_html(out, table, |p| p == Part::Main, None);
        }
        out.push_str("</div>\n");
    }
    out.push_str("</section>\n");
}

fn heading(out: &mut String, tag: &str, zh: &str, en: &str) {
    let _ = writeln!(
        out,
        "<{tag}>{}<span class=\"en\">{}</span></{tag}>",
        esc(zh),
        esc(en)
    );
}

/// A table of the columns whose part `wanted` accepts, plus the key columns; a column of part
/// `Under` becomes a second line in the cell before it. `total` adds a hall-total footer row;
/// such a table (a group table, the widest) gets fixed column widths that fit the page.
fn table_html(
    out: &mut String,
    table: &Table,
    wanted: impl Fn(Part) -> bool,
    total: Option<&[Cell]>,
) {
    let mut shown: Vec<(usize, Option<usize>)> = Vec::new();
    for (i, head) in table.heads.iter().enumerate() {
        match head.part {
            Part::Under => {
                if let Some(last) = shown.last_mut().filter(|s| s.0 + 1 == i) {
                    last.1 = Some(i);
                }
            }
            Part::File => {}
            Part::Key => shown.push((i, None)),
            p if wanted(p) => shown.push((i, None)),
            _ => {}
        }
    }
    match total {
        Some(total) => {
            out.push_str("<table class=\"fit\">\n<colgroup>");
            for width in fit::widths(table, &shown, total) {
                let _ = write!(out, "<col style=\"width:{width:.2}%\">");
            }
            out.push_str("</colgroup>\n");
        }
        None => out.push_str("<table>\n"),
    }
    out.push_str("<thead><tr>");
    for &(i, _) in &shown {
        let h = &table.heads[i];
        let class = match (h.kind, h.part) {
            (_, Part::Key) => " class=\"k\"",
            (Kind::Text, _) => "",
            _ => " class=\"n\"",
        };
        let zh: Vec<String> = h.zh_parts().map(esc).collect();
        let _ = write!(
            out,
            "<th{class}><span class=\"zh\">{}</span><span class=\"en\">{}</span></th>",
            zh.join("<wbr>"),
            esc(h.en)
        );
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &table.rows {
        out.push_str("<tr>");
        for &(i, under) in &shown {
            cell_html(out, &row[i], under.map(|u| &row[u]), &table.heads[i]);
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n");
    if let Some(total) = total {
        let keys = shown
            .iter()
            .filter(|s| table.heads[s.0].part == Part::Key)
            .count();
        let _ = write!(
            out,
            "<tfoot><tr><td colspan=\"{keys}\">全厅合计<span class=\"en\">Hall total</span></td>"
        );
        for &(i, under) in shown.iter().skip(keys) {
            cell_html(out, &total[i], under.map(|u| &total[u]), &table.heads[i]);
        }
        out.push_str("</tr></tfoot>\n");
    }
    out.push_str("</table>\n");
}

/// Column widths for `table-layout: fixed`, from the widths of the texts the columns hold. The
/// figures' columns get what their widest figure and header word need; the key column its
/// longest key; the name column what is left (its names wrap). Sizes here follow the CSS.
mod fit {
    use super::{Cell, Kind, Part, Table, show};

    /// The content width of an A4 page between the 12 mm side margins, in points.
    const PAGE: f64 = 186.0 / 25.4 * 72.0;
    /// Font sizes (pt): table text, figures, Chinese and English header lines, English names.
    const TEXT: f64 = 7.5;
    const FIGURE: f64 = 7.0;
    const HEAD_ZH: f64 = 7.0;
    const HEAD_EN: f64 = 6.0;
    const NAME_EN: f64 = 6.0;
    /// A cell's padding (0.6 mm a side), its border and a little room for bold totals and
    /// fonts wider than the estimate.
    const PAD: f64 = 1.2 / 25.4 * 72.0 + 0.75 + 1.5;
    /// The name column wraps: at least four characters a line, at most twelve.
    const NAME_MIN: f64 = 4.0 * TEXT;
    const NAME_MAX: f64 = 12.0 * TEXT;

    /// A text's width in em, roughly: CJK characters are square, Latin ones narrower.
    pub(super) fn em(s: &str) -> f64 {
        s.chars()
            .map(|c| match c {
                '0'..='9' => 0.6,
                '.' | ',' | ':' | ';' | '-' | '\'' | '(' | ')' | ' ' => 0.32,
                'i' | 'j' | 'l' | 'f' | 't' | 'r' | 'I' => 0.32,
                '%' => 0.75,
                'm' | 'w' | 'M' | 'W' => 0.85,
                'A'..='Z' => 0.66,
                c if c.is_ascii() => 0.52,
                _ => 1.0,
            })
            .sum()
    }

    /// The widest piece of `s` between break opportunities (spaces, after hyphens), in em.
    fn widest_word(s: &str) -> f64 {
        s.split_whitespace()
            .flat_map(|w| w.split_inclusive('-'))
            .map(em)
            .fold(0.0, f64::max)
    }

    /// The column widths, in per cent of the table's width, for the columns `shown` (as in
    /// `table_html`); their sum is at most 100.
    pub(super) fn widths(
        table: &Table,
        shown: &[(usize, Option<usize>)],
        total: &[Cell],
    ) -> Vec<f64> {
        // What each column would like (nowrap), and the least it can do with (wrapped).
        let mut want = Vec::with_capacity(shown.len());
        let mut least = Vec::with_capacity(shown.len());
        let mut name = None;
        for (n, &(i, under)) in shown.iter().enumerate() {
            let head = &table.heads[i];
            let head_need = head
                .zh_parts()
                .map(|p| em(p) * HEAD_ZH)
                .fold(widest_word(head.en) * HEAD_EN, f64::max);
            let cells = table.rows.iter().map(|r| &r[i]);
            let (w, l) = match (head.part, under) {
                (Part::Key, Some(u)) => {
                    name = Some(n);
                    let ens = table.rows.iter().map(|r| &r[u]);
                    let zh = cells.map(|c| text_em(c) * TEXT).fold(0.0, f64::max);
                    let en = ens
                        .clone()
                        .map(|c| text_em(c) * NAME_EN)
                        .fold(0.0, f64::max);
                    let word = ens
                        .map(|c| show(c, false).map_or(0.0, |t| widest_word(&t)) * NAME_EN)
                        .fold(0.0, f64::max);
                    let w = zh.max(en).clamp(NAME_MIN, NAME_MAX).max(head_need);
                    (w, NAME_MIN.max(word).max(head_need).min(w))
                }
                (Part::Key, None) => {
                    let key = cells.clone().map(|c| text_em(c) * TEXT).fold(0.0, f64::max);
                    let word = cells
                        .map(|c| show(c, false).map_or(0.0, |t| widest_word(&t)) * TEXT)
                        .fold(0.0, f64::max);
                    let w = key.max(head_need);
                    (w, word.max(head_need).min(w))
                }
                _ => {
                    let mixed = head.kind == Kind::Mixed;
                    let figure = cells
                        .chain(std::iter::once(&total[i]))
                        .map(|c| show(c, mixed).map_or(1.0, |t| em(&t)) * FIGURE)
                        .fold(0.0, f64::max);
                    let w = figure.max(head_need);
                    (w, w)
                }
            };
            want.push(w + PAD);
            least.push(l + PAD);
        }
        // Too wide: the name column wraps first, then the key column, then all shrink alike.
        let mut over = want.iter().sum::<f64>() - PAGE;
        let order = name.into_iter().chain(
            shown
                .iter()
                .enumerate()
                .filter(|(n, s)| table.heads[s.0].part == Part::Key && Some(*n) != name)
                .map(|(n, _)| n),
        );
        for n in order {
            if over <= 0.0 {
                break;
            }
            let give = (want[n] - least[n]).min(over);
            want[n] -= give;
            over -= give;
        }
        // Room to spare goes to every column in proportion (as would a shortfall left).
        let per_cent = 100.0 / want.iter().sum::<f64>();
        want.iter()
            .map(|w| (w * per_cent * 100.0).floor() / 100.0)
            .collect()
    }

    fn text_em(cell: &Cell) -> f64 {
        show(cell, false).map_or(1.0, |t| em(&t))
    }
}

fn cell_html(out: &mut String, cell: &Cell, under: Option<&Cell>, head: &Head) {
    let Some(text) = show(cell, head.kind == Kind::Mixed) else {
        out.push_str("<td class=\"none\">—</td>");
        return;
    };
    let class = match cell {
        Cell::Text(_) if head.part == Part::Key => " class=\"k\"",
        Cell::Text(_) => "",
        _ => " class=\"n\"",
    };
    let _ = write!(out, "<td{class}>{}", esc(&text));
    if let Some(under) = under.and_then(|u| show(u, false)).filter(|u| *u != text) {
        let _ = write!(out, "<span class=\"en\">{}</span>", esc(&under));
    }
    out.push_str("</td>");
}

/// A cell as the page shows it; `None` for no figure. `with_unit` adds the unit to durations
/// and days (columns whose rows differ in unit).
fn show(cell: &Cell, with_unit: bool) -> Option<String> {
    let unit = |zh: &str| {
        if with_unit {
            format!(" {zh}")
        } else {
            String::new()
        }
    };
    match cell {
        Cell::Int(n) => Some(n.to_string()),
        Cell::Seconds(s) => Some(format!("{}{}", minutes(*s), unit("分钟"))),
        Cell::Permille(p) => Some(format!("{}.{}%", p / 10, p % 10)),
        Cell::Days(d) => Some(format!("{d}{}", unit("工作日"))),
        Cell::Text(t) if t.trim().is_empty() => None,
        Cell::Text(t) => Some(t.to_string()),
        Cell::Unit(_) | Cell::Empty => None,
    }
}

/// Seconds as minutes with one decimal, rounded half up: 450 → `7.5`.
fn minutes(s: u64) -> String {
    let tenths = (s * 10 + 30) / 60;
    format!("{}.{}", tenths / 10, tenths % 10)
}

/// Escapes text for HTML element content and quoted attribute values.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const CSS: &str = r#"
@page { size: A4 portrait; margin: 13mm 12mm 15mm;
  @bottom-center { content: counter(page) " / " counter(pages); font-size: 8pt; color: #777; } }
:root { --cjk: "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "Microsoft YaHei",
  "PingFang SC", sans-serif; --ink: #1b1f24; --muted: #68707a; --rule: #c8ced6;
  --head: #eef2f7; --accent: #1f4e79; }
* { box-sizing: border-box; }
html { background: #e6e9ed; }
body { margin: 0; font-family: var(--cjk); color: var(--ink); font-size: 9pt; line-height: 1.4;
  -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.report { background: #fff; width: 210mm; max-width: 100%; margin: 0 auto; padding: 13mm 12mm; }
/* Printed, the page cuts off what reaches its right edge: a pixel of room keeps the right
   borders of boxes and tables (half outside them when collapsed) on the sheet. */
@media print { html { background: none; } .report { width: auto; margin: 0; padding: 0 1px 0 0; } }
.en { color: var(--muted); font-size: 0.85em; font-weight: normal; }
h1 .en, h2 .en, h3 .en, .hall .en, figcaption .en, .label .en { margin-left: 0.6em; }
.masthead { display: flex; justify-content: space-between; align-items: flex-end; gap: 8mm;
  border-bottom: 2.5px solid var(--accent); padding-bottom: 3mm; margin-bottom: 4mm; }
.hall { font-size: 10.5pt; color: var(--accent); font-weight: 600; }
h1 { font-size: 20pt; margin: 1mm 0 0.5mm; letter-spacing: 0.05em; }
h1 .en { font-size: 11pt; letter-spacing: 0; }
.span { font-size: 11pt; }
.meta { display: grid; grid-template-columns: auto auto; gap: 0.6mm 3mm; margin: 0; font-size: 8pt; }
.meta dt { color: var(--muted); text-align: right; } .meta dd { margin: 0; }
.meta dt .en { margin-left: 0.4em; }
.tiles { display: grid; grid-template-columns: repeat(6, 1fr); gap: 2mm; margin-bottom: 4mm; }
.tile { border: 1px solid var(--rule); border-top: 3px solid var(--accent); padding: 1.5mm 2mm;
  break-inside: avoid; }
.tile .label { font-size: 8pt; line-height: 1.25; min-height: 2.6em; }
.tile .label .en { display: block; margin: 0; font-size: 6.8pt; }
.tile .value { font-size: 15pt; font-weight: 700; color: var(--accent); white-space: nowrap;
  margin-top: 0.5mm; }
.tile .unit { font-size: 7.5pt; font-weight: normal; color: var(--muted); margin-left: 0.3em; }
.charts { display: grid; grid-template-columns: 1fr 1fr; gap: 3mm; }
figure { margin: 0; min-width: 0; border: 1px solid var(--rule); padding: 2mm 2mm 1mm;
  break-inside: avoid; }
figcaption { font-weight: 600; font-size: 9.5pt; margin-bottom: 1mm; }
figure svg { display: block; width: 100%; height: auto; }
figure svg text { font-family: var(--cjk); }
.note { margin: 0.5mm 0 0; font-size: 7pt; color: var(--muted); }
.legend { list-style: none; margin: 0.5mm 0 0; padding: 0; display: flex; flex-wrap: wrap;
  gap: 1mm 5mm; font-size: 8pt; }
.legend i { display: inline-block; width: 5mm; height: 2.5px; vertical-align: middle;
  margin-right: 1.5mm; }
.legend .en { margin-left: 0.4em; }
.page { break-before: page; }
@media screen { .page { margin-top: 10mm; border-top: 1px dashed var(--rule); padding-top: 4mm; } }
h2 { font-size: 12.5pt; color: var(--accent); border-left: 4px solid var(--accent);
  padding-left: 2mm; margin: 5mm 0 2mm; break-after: avoid; }
h3 { font-size: 9.5pt; margin: 3mm 0 1mm; break-after: avoid; }
.group:first-of-type h2, .rankings > h2, .list:first-child h2 { margin-top: 0; }
.units { font-size: 7.5pt; color: var(--muted); margin: 0 0 3mm; }
.units .en { margin-left: 0.5em; }
/* Sizes of tables and cells: the column widths of group tables (fit::widths) assume them. */
table { width: 100%; border-collapse: collapse; font-size: 7.5pt; line-height: 1.3; }
table.fit { table-layout: fixed; }
/* On a screen narrower than the page a group table keeps the page's width and scrolls. */
@media screen { .part { overflow-x: auto; } table.fit { min-width: 185mm; } }
thead { display: table-header-group; }
tr { break-inside: avoid; }
th, td { border: 1px solid var(--rule); padding: 0.7mm 0.6mm; overflow-wrap: break-word; }
th { background: var(--head); font-weight: 600; text-align: left; vertical-align: bottom; }
th.n { text-align: center; }
/* A Chinese header wraps only where the page marks it (<wbr>), never inside a word. */
th .zh { display: block; font-size: 7pt; word-break: keep-all; }
th .en, td .en { display: block; font-size: 6pt; margin: 0; }
td { vertical-align: top; }
.part, .list, .ranking { break-inside: avoid; }
td.n, td.none { font-size: 7pt; }
td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.none { text-align: center; color: #9aa1a9; }
tbody tr:nth-child(even) td { background: #f9fafb; }
tfoot td { font-weight: 600; background: var(--head); }
.empty { margin: 1mm 0; padding: 2mm; border: 1px dashed var(--rule); color: var(--muted);
  text-align: center; font-size: 8.5pt; }
.empty .en { margin-left: 0.6em; }
.ranking-grid { display: grid; grid-template-columns: 1fr 1fr; gap: 2mm 5mm; }
.ranking { break-inside: avoid; }
.list + .list { margin-top: 5mm; }
footer { margin-top: 8mm; text-align: center; color: var(--muted); font-size: 8pt; }
footer .en { margin-left: 0.6em; }
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minutes_have_one_decimal_rounded_half_up() {
        assert_eq!(minutes(0), "0.0");
        assert_eq!(minutes(2), "0.0");
        assert_eq!(minutes(3), "0.1");
        assert_eq!(minutes(450), "7.5");
        assert_eq!(minutes(3599), "60.0");
    }

    #[test]
    fn per_mille_shows_as_a_percentage_with_one_decimal() {
        let pm = |p| show(&Cell::Permille(p), false);
        assert_eq!(pm(955).as_deref(), Some("95.5%"));
        assert_eq!(pm(1000).as_deref(), Some("100.0%"));
        assert_eq!(pm(5).as_deref(), Some("0.5%"));
        assert_eq!(show(&Cell::Empty, false), None);
    }

    #[test]
    fn arrivals_cover_the_halls_day_or_the_whole_day() {
        let at = |hours: &[usize]| {
            let mut a = [0u32; 24];
            for &h in hours {
                a[h] = 1;
            }
            hours_shown(&a)
        };
        assert_eq!(at(&[]), (8, 17));
        assert_eq!(at(&[9]), (8, 17));
        assert_eq!(at(&[8, 17]), (8, 17));
        assert_eq!(at(&[7, 12]), (7, 17));
        assert_eq!(at(&[6, 19]), (6, 19));
        assert_eq!(at(&[10, 21]), (8, 21));
        // Arrivals in the night: the clock's whole day.
        assert_eq!(at(&[1, 10]), (0, 23));
        assert_eq!(at(&[5, 12]), (0, 23));
        assert_eq!(at(&[10, 22]), (0, 23));
    }

    /// A group table's widths with one row of `key`, `name` and figures.
    fn widths_of(key: &str, name: &str, part: Part) -> (Vec<f64>, Vec<&'static str>) {
        let row = hallq_core::report::Row {
            key: key.into(),
            name_zh: name.into(),
            name_en: name.into(),
            tickets: 12345,
            within_target_permille: Some(1000),
            satisfaction_permille: Some(1000),
            on_time_permille: Some(1000),
            ..Default::default()
        };
        let rows = [row];
        let table = Table::new("", "", GROUP, &rows);
        let total = Table::new("", "", GROUP, &rows);
        let shown: Vec<(usize, Option<usize>)> = table
            .heads
            .iter()
            .enumerate()
            .filter(|(_, h)| h.part == Part::Key || h.part == part)
            .map(|(i, h)| (i, (h.part == Part::Key && i == 1).then_some(2)))
            .collect();
        let heads = shown.iter().map(|s| table.heads[s.0].zh).collect();
        (fit::widths(&table, &shown, &total.rows[0]), heads)
    }

    #[test]
    fn group_columns_share_the_page_and_figures_keep_their_room() {
        for part in [Part::Queue, Part::Rating, Part::Case] {
            let (short, _) = widths_of("1", "窗口", part);
            let long = "很长很长的名称".repeat(6);
            let (wide, heads) = widths_of("330104-001-01-0001-2026", &long, part);
            for w in [&short, &wide] {
                let sum: f64 = w.iter().sum();
                assert!((99.0..=100.0).contains(&sum), "{part:?}: {sum}");
            }
            // A long name wraps; the figures' columns are no narrower for it.
            let share = |w: &[f64], name: &str| w[heads.iter().position(|h| *h == name).unwrap()];
            for figure in heads.iter().skip(2) {
                assert!(
                    share(&wide, figure) >= share(&short, figure) * 0.8,
                    "{part:?} {figure}: {} vs {}",
                    share(&wide, figure),
                    share(&short, figure)
                );
            }
            // 100.0% in 7 pt needs about 24 pt of the page's 527.
            let rate = ["目标内叫号率", "满意率", "按时办结率"];
            for figure in heads.iter().filter(|h| rate.contains(h)) {
                assert!(share(&wide, figure) > 24.0 / 527.0 * 100.0, "{figure}");
            }
        }
    }

    #[test]
    fn text_widths_are_estimated_in_em() {
        assert_eq!(fit::em("中文"), 2.0);
        assert!((fit::em("100.0%") - 3.47).abs() < 1e-9);
        assert!(fit::em("Satisfaction") > 5.0);
    }
}
