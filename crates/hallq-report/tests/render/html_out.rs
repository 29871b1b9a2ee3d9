use crate::common::{DAY, HALL_EN, HALL_ZH, daily, monthly, small_day, weekly};
use hallq_core::report::{Histogram, Period, Report, Row, WaitingSeries};

#[test]
fn html_is_one_printable_self_contained_document() {
    let html = hallq_report::html(&daily());
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"zh-CN\">"));
    assert!(html.trim_end().ends_with("</html>"));
    assert!(html.contains("<title>临江区政务服务中心 日统计 2026-11-26 · Daily report</title>"));
    assert!(html.contains("@page { size: A4 portrait;"));
    assert!(html.contains("\"WenQuanYi Zen Hei\""));
    for external in ["src=", "href=", "@import", "url("] {
        assert!(!html.contains(external), "external asset: {external}");
    }
    // The only URL is the SVG namespace.
    assert_eq!(
        html.matches("http").count(),
        html.matches("http://www.w3.org/2000/svg").count()
    );
}

#[test]
fn html_shows_figures_in_minutes_and_percent() {
    let html = hallq_report::html(&daily());
    // Window 1: satisfaction 955‰, mean wait 612 s.
    assert!(html.contains("<td class=\"n\">95.5%</td>"));
    assert!(html.contains("<td class=\"n\">10.2</td>"));
    // Tiles: the hall's mean wait 583 s, 251 tickets.
    assert!(html.contains("<div class=\"value\">9.7<span class=\"unit\">分钟</span></div>"));
    assert!(html.contains("<div class=\"value\">251<span class=\"unit\">人次</span></div>"));
    // A warning's mixed units.
    assert!(html.contains("<td class=\"n\">41.0 分钟</td><td class=\"n\">30.0 分钟</td>"));
    assert!(html.contains("<td class=\"n\">3 工作日</td>"));
    for title in [
        "按窗口",
        "按工作人员",
        "按部门",
        "按事项",
        "按主题",
        "按日",
        "超期办件",
        "差评整改",
        "预警",
    ] {
        assert!(html.contains(&format!("<h2>{title}<span")), "{title}");
    }
}

#[test]
fn html_escapes_every_name() {
    let mut report = daily();
    let evil = "<script>alert('x')</script> & \"Co\"";
    let escaped = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;Co&quot;";
    report.hall_zh = evil.into();
    report.by_window[0].name_zh = evil.into();
    report.by_clerk[0].name_en = evil.into();
    report.waiting.series[0].name_zh = evil.into();
    report.warnings[0].subject = evil.into();
    report.bad_ratings[0].reasons = vec![evil.into()];
    let html = hallq_report::html(&report);
    assert!(!html.contains("<script"));
    assert!(
        html.matches(escaped).count() >= 6,
        "{}",
        html.matches(escaped).count()
    );
}

#[test]
fn html_daily_charts_people_waiting_by_theme() {
    let html = hallq_report::html(&daily());
    assert_eq!(html.matches("<svg").count(), 4);
    assert!(html.contains("各主题等候人数"));
    assert!(!html.contains("每日办理量"));
    assert!(html.contains("市场准入<span class=\"en\">Market access</span>"));
    assert!(html.contains("社会事务<span class=\"en\">Social affairs</span>"));
    assert!(!html.contains("<h2>排名"), "no rankings in a daily report");
}

#[test]
fn html_monthly_charts_served_per_day_and_ranks() {
    let html = hallq_report::html(&monthly());
    assert_eq!(html.matches("<svg").count(), 4);
    assert!(html.contains("每日办理量"));
    assert!(!html.contains("各主题等候人数"));
    assert!(html.contains("<h2>排名<span class=\"en\">Rankings</span></h2>"));
    assert!(html.contains("<h3>窗口满意率<span class=\"en\">Satisfaction by window</span></h3>"));
    assert!(html.contains("2026-11-01 至 2026-11-30"));
}

/// A day with one window and no figures at all.
fn empty() -> Report {
    let row = |key: &str| Row {
        key: key.into(),
        name_zh: "无名".into(),
        ..Row::default()
    };
    Report {
        period: Period::Daily,
        from: DAY,
        to: DAY,
        hall_zh: HALL_ZH.into(),
        hall_en: HALL_EN.into(),
        seq: 0,
        target_wait_minutes: 15,
        wait_alarm_minutes: 30,
        total: row("hall"),
        by_window: vec![row("9")],
        by_clerk: vec![],
        by_unit: vec![],
        by_item: vec![],
        by_theme: vec![],
        by_day: vec![],
        arrivals_by_hour: [0; 24],
        wait_histogram: Histogram::default(),
        waiting: WaitingSeries::default(),
        rankings: vec![],
        overdue_cases: vec![],
        bad_ratings: vec![],
        warnings: vec![],
    }
}

#[test]
fn html_shows_every_none_as_a_dash() {
    let html = hallq_report::html(&empty());
    // Per row: wait ×3, within target, service ×3; satisfaction, rating rate; on time,
    // resolved first, one visit. One window row and the hall-total row.
    assert_eq!(html.matches("<td class=\"none\">—</td>").count(), 2 * 12);
    // Tiles: wait ×3, within target, satisfaction, rating rate, on time, one visit.
    assert_eq!(html.matches("<div class=\"value\">—</div>").count(), 8);
    assert!(!html.contains("<td></td>") && !html.contains("<td class=\"n\"></td>"));
    assert!(!html.contains("None"));
    // Four charts, five group tables and three lists without data.
    assert_eq!(
        html.matches("无数据<span class=\"en\">No data</span>")
            .count(),
        4 + 5 + 3
    );
    assert_eq!(html.matches("<svg").count(), 0);
}

#[test]
fn html_marks_missing_list_fields_with_a_dash() {
    let html = hallq_report::html(&daily());
    // R-0302: no reasons, no fix.
    let row = html
        .split("<td>R-0302</td>")
        .nth(1)
        .unwrap()
        .split("</tr>")
        .next()
        .unwrap();
    assert_eq!(row.matches("<td class=\"none\">—</td>").count(), 4, "{row}");
    // The open case has no completion day; the print failure no window or clerk.
    let row = html
        .split("<td>LJ20261119-0007</td>")
        .nth(1)
        .unwrap()
        .split("</tr>")
        .next()
        .unwrap();
    assert_eq!(row.matches("<td class=\"none\">—</td>").count(), 1, "{row}");
    let row = html
        .split("<td>取号机 1</td>")
        .nth(1)
        .unwrap()
        .split("</tr>")
        .next()
        .unwrap();
    assert_eq!(row.matches("<td class=\"none\">—</td>").count(), 2, "{row}");
}

#[test]
fn html_weekly_labels_every_day_of_the_served_chart() {
    let html = hallq_report::html(&weekly());
    assert!(html.contains("周通报<span class=\"en\">Weekly bulletin</span>"));
    assert!(html.contains("每日办理量"));
    for day in ["11-23", "11-24", "11-25", "11-26", "11-27"] {
        assert!(html.contains(&format!(">\n{day}\n</text>")), "{day}");
    }
    assert!(html.contains("<h2>排名<span"));
}

/// The figure titled `zh`, from its caption to its end.
fn figure<'a>(html: &'a str, zh: &str) -> &'a str {
    let start = html
        .find(&format!("<figcaption>{zh}<span"))
        .unwrap_or_else(|| panic!("no figure {zh}"));
    let rest = &html[start..];
    &rest[..rest.find("</figure>").unwrap()]
}

/// The value of attribute `name` in `tag`, the text after a tag's name.
fn attr(tag: &str, name: &str) -> f64 {
    let tag = format!(" {tag}");
    let at = tag.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
    tag[at..at + tag[at..].find('"').unwrap()].parse().unwrap()
}

/// A bar of a chart: x, width and height.
type Bar = (f64, f64, f64);

/// A bar chart's bars and its x-axis labels (x, text), left to right.
fn bars_and_labels(svg: &str) -> (Vec<Bar>, Vec<(f64, String)>) {
    let bars = svg
        .split("<rect ")
        .skip(1)
        .filter(|t| t.contains("fill=\"#1F4E79\""))
        .map(|t| (attr(t, "x"), attr(t, "width"), attr(t, "height")))
        .collect();
    let labels = svg
        .split("<text ")
        .skip(1)
        .filter(|t| t.contains("text-anchor=\"middle\""))
        .map(|t| {
            let text = t.split('>').nth(1).unwrap().split('<').next().unwrap();
            (attr(t, "x"), text.trim().to_owned())
        })
        .collect();
    (bars, labels)
}

#[test]
fn html_arrivals_of_one_busy_hour_still_cover_the_halls_day() {
    let html = hallq_report::html(&small_day());
    let (bars, labels) = bars_and_labels(figure(&html, "分时段取号"));
    // One slot per hour from 8 to 17, each labelled with its hour under its bar.
    let hours: Vec<String> = (8..=17).map(|h| h.to_string()).collect();
    assert_eq!(
        labels.iter().map(|l| l.1.clone()).collect::<Vec<_>>(),
        hours
    );
    assert_eq!(bars.len(), 10);
    for ((x, width, _), (at, hour)) in bars.iter().zip(&labels) {
        assert!(*x < *at && *at < x + width, "label {hour} under its bar");
        assert!(*width < 40.0, "a bar is one slot of ten wide, not the plot");
    }
    // Only the 9 o'clock bar stands.
    let standing: Vec<usize> = (0..10).filter(|&i| bars[i].2 > 0.0).collect();
    assert_eq!(standing, [1]);
    assert!(!html.contains("<figcaption>分时段取号<span class=\"en\">Arrivals by hour</span></figcaption>\n<p class=\"empty\">"));
}

#[test]
fn html_arrivals_widen_to_early_hours_and_to_the_whole_night() {
    let hours_of = |busy: &[usize]| {
        let mut report = small_day();
        report.arrivals_by_hour = [0; 24];
        for &h in busy {
            report.arrivals_by_hour[h] = 2;
        }
        let html = hallq_report::html(&report);
        let (bars, labels) = bars_and_labels(figure(&html, "分时段取号"));
        assert_eq!(bars.len(), labels.len());
        labels
            .into_iter()
            .map(|l| l.1.parse::<u32>().unwrap())
            .collect::<Vec<_>>()
    };
    assert_eq!(hours_of(&[7, 12]), (7..=17).collect::<Vec<_>>());
    assert_eq!(hours_of(&[9, 19]), (8..=19).collect::<Vec<_>>());
    assert_eq!(hours_of(&[2, 14]), (0..=23).collect::<Vec<_>>());
    // The busy day's hours, 8 to 17, are unchanged.
    let html = hallq_report::html(&daily());
    let (_, labels) = bars_and_labels(figure(&html, "分时段取号"));
    assert_eq!(labels.len(), 10);
}

#[test]
fn html_waiting_chart_leaves_out_themes_nobody_waited_in() {
    let html = hallq_report::html(&small_day());
    let chart = figure(&html, "各主题等候人数");
    assert!(chart.contains("<li><i style=\"background:#1f5fa8\"></i>市场准入<span"));
    assert!(
        !chart.contains("工程建设") && !chart.contains("社会事务"),
        "{chart}"
    );
    assert_eq!(chart.matches("<li>").count(), 1);
    // One line drawn (series are 2 px wide; axes and ticks 1 px).
    assert_eq!(chart.matches("stroke-width=\"2\"").count(), 1);

    // A theme keeps its colour when one before it is left out.
    let mut report = small_day();
    report.waiting.series[0].points = vec![0; 4];
    report.waiting.series[2].points = vec![0, 1, 0, 0];
    let html = hallq_report::html(&report);
    let chart = figure(&html, "各主题等候人数");
    assert!(chart.contains("<li><i style=\"background:#2e8b57\"></i>社会事务<span"));
    assert_eq!(chart.matches("<li>").count(), 1);
    assert_eq!(
        chart
            .matches("stroke=\"#2E8B57\" stroke-width=\"2\"")
            .count(),
        1
    );

    // Nobody waited at all: the note, no empty chart or legend.
    report.waiting.series[2].points = vec![0; 4];
    let html = hallq_report::html(&report);
    let chart = figure(&html, "各主题等候人数");
    assert!(chart.contains("无数据<span class=\"en\">No data</span>"));
    assert!(
        !chart.contains("<svg") && !chart.contains("legend"),
        "{chart}"
    );
}

#[test]
fn html_names_a_day_by_its_weekday() {
    let html = hallq_report::html(&small_day());
    let by_day = &html[html.find("id=\"by-day\"").unwrap()..];
    let by_day = &by_day[..by_day.find("</div>\n</section>").unwrap()];
    let row = "<tr><td class=\"k\">2026-11-26</td><td class=\"k\">星期四<span class=\"en\">Thursday</span></td>";
    assert_eq!(by_day.matches(row).count(), 3, "one row in each part");
    assert_eq!(
        by_day.matches("2026-11-26").count(),
        3,
        "the date once a row"
    );

    let html = hallq_report::html(&monthly());
    assert!(html.contains(
        "<td class=\"k\">2026-11-02</td><td class=\"k\">星期一<span class=\"en\">Monday</span></td>"
    ));
}

/// The group tables of a page: their column widths (per cent) and headers.
fn group_tables(html: &str) -> Vec<(Vec<f64>, Vec<&str>)> {
    html.split("<table class=\"fit\">")
        .skip(1)
        .map(|t| {
            let t = &t[..t.find("</table>").unwrap()];
            let widths = t
                .split("<col style=\"width:")
                .skip(1)
                .map(|c| c[..c.find('%').unwrap()].parse().unwrap())
                .collect();
            let heads = t
                .split("<span class=\"zh\">")
                .skip(1)
                .map(|h| &h[..h.find("</span>").unwrap()])
                .collect();
            (widths, heads)
        })
        .collect()
}

#[test]
fn html_group_tables_fit_the_page_and_break_headers_between_words() {
    for report in [small_day(), daily(), monthly()] {
        let html = hallq_report::html(&report);
        // Six groups in three parts each (a group without rows has no table).
        let tables = group_tables(&html);
        assert_eq!(tables.len(), 18);
        assert!(html.contains("table.fit { table-layout: fixed; }"));
        for (widths, heads) in &tables {
            assert_eq!(widths.len(), heads.len(), "a width for every column");
            let sum: f64 = widths.iter().sum();
            assert!((99.0..=100.0).contains(&sum), "{sum}: {heads:?}");
            for head in heads {
                // Lines of at most four characters, broken where the header says.
                assert!(
                    head.split("<wbr>").all(|w| w.chars().count() <= 4),
                    "{head}"
                );
            }
        }
        for head in [
            "等候<wbr>中位数",
            "非常<wbr>满意",
            "一次性<wbr>告知",
            "超期<wbr>未办结",
        ] {
            assert!(
                html.contains(&format!("<span class=\"zh\">{head}</span>")),
                "{head}"
            );
        }
    }
}
