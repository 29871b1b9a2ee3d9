use crate::common::{DAY, HALL_EN, HALL_ZH, daily, monthly, weekly};
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
