//! Hand-built reports of a small hall: three windows, two clerks, two units, four items, the
//! themes 市场准入 and 社会事务. Shared with `examples/sample.rs`.

use hallq_core::rating::RectificationState;
use hallq_core::report::{
    BadRating, Bin, Histogram, OverdueCase, Period, RankEntry, RankUnit, Ranking, Report, Row,
    Stats, ThemeSeries, WaitingSeries, Warning, WarningKind,
};
use jiff::civil::{Date, date};

/// The shape of a group's day: everything else follows from it.
pub struct Spec {
    pub tickets: u32,
    pub wait_mean_s: u32,
    pub service_mean_s: u32,
    /// Share of served visits rated, per cent.
    pub rated_pct: u32,
    /// Share of served visits that are cases, per cent.
    pub case_pct: u32,
    pub warnings: u32,
}

fn permille(part: u32, whole: u32) -> Option<u32> {
    (whole > 0).then(|| (u64::from(part) * 1000 / u64::from(whole)) as u32)
}

fn stats(count: u32, mean: u32) -> Stats {
    if count == 0 {
        return Stats::default();
    }
    Stats {
        count,
        mean_s: Some(mean),
        p50_s: Some(mean * 85 / 100),
        p90_s: Some(mean * 21 / 10),
    }
}

/// A group's row with plausible figures.
pub fn row(key: &str, zh: &str, en: &str, s: Spec) -> Row {
    let served = s.tickets * 88 / 100;
    let no_show = s.tickets * 6 / 100;
    let cancelled = s.tickets * 2 / 100;
    let called = served + no_show;
    let rated = served * s.rated_pct / 100;
    let levels = [
        rated * 62 / 100,
        rated * 25 / 100,
        rated * 8 / 100,
        rated * 3 / 100,
        rated - rated * 62 / 100 - rated * 25 / 100 - rated * 8 / 100 - rated * 3 / 100,
    ];
    let bad = levels[3] + levels[4];
    let accepted = served * s.case_pct / 100;
    let completed = accepted * 9 / 10;
    let notices = served / 20;
    let mut r = Row {
        key: key.into(),
        name_zh: zh.into(),
        name_en: en.into(),
        tickets: s.tickets,
        served,
        no_show,
        cancelled,
        expired: s.tickets - served - no_show - cancelled,
        transfers: s.tickets / 25,
        wait: stats(called, s.wait_mean_s),
        within_target: called * 4 / 5,
        service: stats(served, s.service_mean_s),
        pause_s: u64::from(s.tickets) * 11,
        pauses: s.tickets / 40,
        levels,
        rated,
        follow_ups: bad / 2,
        bad,
        appeals_upheld: 0,
        fixes_on_time: bad / 2,
        fixes_late: bad / 4,
        fixes_open: bad - bad / 2 - bad / 4,
        cases_accepted: accepted,
        cases_completed: completed,
        cases_on_time: completed * 95 / 100,
        cases_overdue: u32::from(accepted > 20),
        first_contacts: served,
        resolved_first: served * 85 / 100,
        referred: s.tickets / 25,
        notices,
        second_trips: notices / 3,
        finished_with_outcome: served,
        one_visit: served * 93 / 100,
        warnings: s.warnings,
        ..Row::default()
    };
    rates(&mut r);
    r
}

/// Recomputes the per-mille figures from the counts.
fn rates(r: &mut Row) {
    r.within_target_permille = permille(r.within_target, r.wait.count);
    r.satisfaction_permille = permille(r.rated - r.bad, r.rated);
    r.rating_rate_permille = permille(r.rated, r.served);
    r.on_time_permille = permille(r.cases_on_time, r.cases_completed);
    r.resolved_first_permille = permille(r.resolved_first, r.first_contacts);
    r.one_visit_permille = permille(r.one_visit, r.finished_with_outcome);
}

/// The sum of rows, under a new key.
pub fn sum(key: &str, zh: &str, en: &str, rows: &[&Row]) -> Row {
    let mut t = Row {
        key: key.into(),
        name_zh: zh.into(),
        name_en: en.into(),
        ..Row::default()
    };
    let weighted = |f: fn(&Row) -> (u32, Option<u32>)| {
        let (n, total) = rows
            .iter()
            .map(|r| f(r))
            .fold((0u64, 0u64), |(n, t), (c, v)| {
                (
                    n + u64::from(c),
                    t + u64::from(c) * u64::from(v.unwrap_or(0)),
                )
            });
        (n > 0).then(|| (total / n) as u32)
    };
    for r in rows {
        t.tickets += r.tickets;
        t.served += r.served;
        t.no_show += r.no_show;
        t.cancelled += r.cancelled;
        t.expired += r.expired;
        t.transfers += r.transfers;
        t.wait.count += r.wait.count;
        t.within_target += r.within_target;
        t.service.count += r.service.count;
        t.pause_s += r.pause_s;
        t.pauses += r.pauses;
        for i in 0..5 {
            t.levels[i] += r.levels[i];
        }
        t.rated += r.rated;
        t.follow_ups += r.follow_ups;
        t.bad += r.bad;
        t.appeals_upheld += r.appeals_upheld;
        t.fixes_on_time += r.fixes_on_time;
        t.fixes_late += r.fixes_late;
        t.fixes_open += r.fixes_open;
        t.cases_accepted += r.cases_accepted;
        t.cases_completed += r.cases_completed;
        t.cases_on_time += r.cases_on_time;
        t.cases_overdue += r.cases_overdue;
        t.first_contacts += r.first_contacts;
        t.resolved_first += r.resolved_first;
        t.referred += r.referred;
        t.notices += r.notices;
        t.second_trips += r.second_trips;
        t.finished_with_outcome += r.finished_with_outcome;
        t.one_visit += r.one_visit;
        t.warnings += r.warnings;
    }
    t.wait.mean_s = weighted(|r| (r.wait.count, r.wait.mean_s));
    t.wait.p50_s = weighted(|r| (r.wait.count, r.wait.p50_s));
    t.wait.p90_s = weighted(|r| (r.wait.count, r.wait.p90_s));
    t.service.mean_s = weighted(|r| (r.service.count, r.service.mean_s));
    t.service.p50_s = weighted(|r| (r.service.count, r.service.p50_s));
    t.service.p90_s = weighted(|r| (r.service.count, r.service.p90_s));
    rates(&mut t);
    t
}

pub const HALL_ZH: &str = "临江区政务服务中心";
pub const HALL_EN: &str = "Linjiang District Government Service Center";
pub const DAY: Date = date(2026, 11, 26);

fn spec(
    tickets: u32,
    wait_mean_s: u32,
    service_mean_s: u32,
    rated_pct: u32,
    case_pct: u32,
) -> Spec {
    Spec {
        tickets,
        wait_mean_s,
        service_mean_s,
        rated_pct,
        case_pct,
        warnings: tickets / 40,
    }
}

/// The windows: 1 and 2 serve 市场准入, 3 answers 社会事务 questions (nothing rated, no cases,
/// so its rates are `None`). Window 1's satisfaction is exactly 955‰.
pub fn windows(scale: u32) -> Vec<Row> {
    let mut w1 = row(
        "1",
        "1号窗口",
        "Window 1",
        spec(96 * scale, 612, 540, 72, 60),
    );
    w1.satisfaction_permille = Some(955);
    let w2 = row(
        "2",
        "2号窗口",
        "Window 2",
        spec(88 * scale, 705, 615, 65, 55),
    );
    let w3 = row("3", "3号窗口", "Window 3", spec(67 * scale, 380, 240, 0, 0));
    vec![w1, w2, w3]
}

/// A daily report for 2026-11-26 (a Thursday).
pub fn daily() -> Report {
    report(Period::Daily, DAY, DAY, 1)
}

/// The weekly bulletin of 2026-11-23 to 2026-11-29 (five business days).
pub fn weekly() -> Report {
    let (from, to) = Period::Weekly.span(DAY);
    report(Period::Weekly, from, to, 5)
}

/// The monthly summary of November 2026 (21 business days).
pub fn monthly() -> Report {
    let (from, to) = Period::Monthly.span(DAY);
    report(Period::Monthly, from, to, 21)
}

fn report(period: Period, from: Date, to: Date, scale: u32) -> Report {
    let w = windows(scale);
    let total = sum("hall", HALL_ZH, HALL_EN, &[&w[0], &w[1], &w[2]]);
    let by_clerk = vec![
        sum("c001", "王丽", "Wang Li", &[&w[0]]),
        sum("c002", "陈志强", "Chen Zhiqiang", &[&w[1], &w[2]]),
    ];
    let by_unit = vec![
        sum(
            "scjg",
            "区市场监督管理局",
            "District Market Regulation Bureau",
            &[&w[0], &w[1]],
        ),
        sum(
            "rsj",
            "区人力资源和社会保障局",
            "District Human Resources and Social Security Bureau",
            &[&w[2]],
        ),
    ];
    let by_item = vec![
        row(
            "330104-001-01",
            "企业设立登记",
            "Company registration",
            spec(58 * scale, 640, 780, 75, 100),
        ),
        row(
            "330104-001-02",
            "个体工商户设立登记",
            "Sole proprietorship registration",
            spec(126 * scale, 655, 470, 66, 40),
        ),
        row(
            "330104-007-03",
            "社会保障卡申领",
            "Social security card application",
            spec(41 * scale, 390, 260, 0, 0),
        ),
        row(
            "330104-007-05",
            "灵活就业人员参保登记",
            "Enrolment of the flexibly employed",
            spec(26 * scale, 360, 210, 0, 0),
        ),
    ];
    let by_theme = vec![
        sum("market", "市场准入", "Market access", &[&w[0], &w[1]]),
        sum("social", "社会事务", "Social affairs", &[&w[2]]),
    ];
    let days: Vec<Date> = from
        .series(jiff::Span::new().days(1))
        .take_while(|d| *d <= to)
        .filter(|d| d.weekday().to_monday_one_offset() <= 5)
        .collect();
    let by_day = days
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let swing = [100, 112, 94, 103, 121, 88, 97][i % 7];
            row(
                &d.to_string(),
                &format!("{}月{}日", d.month(), d.day()),
                &d.strftime("%a %-d %b").to_string(),
                spec(251 * swing / 100, 560 + (i as u32 % 5) * 40, 480, 52, 38),
            )
        })
        .collect();
    let mut arrivals = [0u32; 24];
    let per_hour = [21, 46, 39, 28, 9, 22, 35, 30, 17, 4];
    for (h, n) in per_hour.iter().enumerate() {
        arrivals[8 + h] = n * scale;
    }
    let counts = [38, 52, 41, 27, 18, 11, 7, 5, 3, 2, 1, 1, 2];
    let bins = counts
        .iter()
        .enumerate()
        .map(|(i, &c)| Bin {
            from_min: i as u32 * 5,
            to_min: (i + 1 < counts.len()).then_some((i as u32 + 1) * 5),
            count: c * scale,
        })
        .collect();
    let waiting = if period == Period::Daily {
        waiting_series()
    } else {
        WaitingSeries::default()
    };
    let rankings = if period == Period::Daily {
        Vec::new()
    } else {
        rankings(&w, &by_clerk)
    };
    Report {
        period,
        from,
        to,
        hall_zh: HALL_ZH.into(),
        hall_en: HALL_EN.into(),
        seq: 48213 * u64::from(scale),
        target_wait_minutes: 15,
        wait_alarm_minutes: 30,
        total,
        by_window: w,
        by_clerk,
        by_unit,
        by_item,
        by_theme,
        by_day,
        arrivals_by_hour: arrivals,
        wait_histogram: Histogram {
            bin_minutes: 5,
            bins,
        },
        waiting,
        rankings,
        overdue_cases: overdue(to),
        bad_ratings: bad_ratings(to),
        warnings: warnings(to),
    }
}

/// People waiting from 08:30 to 17:30 every 15 minutes: a morning and an afternoon peak.
fn waiting_series() -> WaitingSeries {
    let times: Vec<String> = (0..37)
        .map(|i| {
            let m = 8 * 60 + 30 + i * 15;
            format!("{:02}:{:02}", m / 60, m % 60)
        })
        .collect();
    let shape = |i: usize, am: f64, pm: f64| {
        let x = i as f64;
        let peak = |c: f64, w: f64, h: f64| h * (-((x - c) / w).powi(2)).exp();
        (peak(6.0, 4.0, am) + peak(24.0, 5.0, pm)).round() as u32
    };
    WaitingSeries {
        day: Some(DAY),
        step_minutes: 15,
        series: vec![
            ThemeSeries {
                theme: "market".into(),
                name_zh: "市场准入".into(),
                name_en: "Market access".into(),
                points: (0..times.len()).map(|i| shape(i, 14.0, 9.0)).collect(),
            },
            ThemeSeries {
                theme: "social".into(),
                name_zh: "社会事务".into(),
                name_en: "Social affairs".into(),
                points: (0..times.len()).map(|i| shape(i, 6.0, 8.0)).collect(),
            },
        ],
        times,
    }
}

fn rankings(w: &[Row], clerks: &[Row]) -> Vec<Ranking> {
    let rank = |id: &str, zh: &str, en: &str, rows: &[&Row], value: fn(&Row) -> u32| Ranking {
        id: id.into(),
        title_zh: zh.into(),
        title_en: en.into(),
        unit: if id.ends_with("satisfaction") {
            RankUnit::Permille
        } else if id.ends_with("wait") {
            RankUnit::Seconds
        } else {
            RankUnit::Count
        },
        entries: rows
            .iter()
            .enumerate()
            .map(|(i, r)| RankEntry {
                rank: i as u32 + 1,
                key: r.key.clone(),
                name_zh: r.name_zh.clone(),
                value: value(r),
            })
            .collect(),
    };
    vec![
        rank(
            "window_served",
            "窗口办件量",
            "Served by window",
            &[&w[0], &w[1], &w[2]],
            |r| r.served,
        ),
        rank(
            "window_satisfaction",
            "窗口满意率",
            "Satisfaction by window",
            &[&w[0], &w[1]],
            |r| r.satisfaction_permille.unwrap_or(0),
        ),
        rank(
            "window_wait",
            "窗口平均等候",
            "Mean wait by window",
            &[&w[2], &w[0], &w[1]],
            |r| r.wait.mean_s.unwrap_or(0),
        ),
        rank(
            "clerk_served",
            "工作人员办件量",
            "Served by clerk",
            &[&clerks[1], &clerks[0]],
            |r| r.served,
        ),
    ]
}

fn overdue(to: Date) -> Vec<OverdueCase> {
    vec![
        OverdueCase {
            case: "LJ20261118-0042".into(),
            item: "330104-001-01".into(),
            item_name_zh: "企业设立登记".into(),
            item_name_en: "Company establishment registration".into(),
            window: 1,
            clerk: "王丽".into(),
            accepted: date(2026, 11, 18),
            due: date(2026, 11, 20),
            completed: Some(date(2026, 11, 24)),
            days_over: 2,
        },
        OverdueCase {
            case: "LJ20261119-0007".into(),
            item: "330104-001-02".into(),
            item_name_zh: "个体工商户设立登记".into(),
            item_name_en: "Individual business registration".into(),
            window: 2,
            clerk: "陈志强".into(),
            accepted: date(2026, 11, 19),
            due: date(2026, 11, 23),
            completed: None,
            days_over: (to.since(date(2026, 11, 23)).unwrap().get_days() as u32).min(5),
        },
    ]
}

fn bad_ratings(to: Date) -> Vec<BadRating> {
    vec![
        BadRating {
            rating: "R-0311".into(),
            day: to,
            ticket: "A023".into(),
            window: 1,
            clerk: "王丽".into(),
            code: 4,
            level_zh: "不满意".into(),
            reasons: vec!["等候时间长".into(), "材料一次性告知不清".into()],
            fix_state: Some(RectificationState::Open),
            rectify_due: Some(date(2026, 12, 1)),
            fixed_on_time: None,
        },
        BadRating {
            rating: "R-0298".into(),
            day: to,
            ticket: "B017".into(),
            window: 2,
            clerk: "陈志强".into(),
            code: 5,
            level_zh: "非常不满意".into(),
            reasons: vec!["服务态度差".into()],
            fix_state: Some(RectificationState::Rectified),
            rectify_due: Some(date(2026, 11, 30)),
            fixed_on_time: Some(true),
        },
        BadRating {
            rating: "R-0302".into(),
            day: to,
            ticket: "A051".into(),
            window: 1,
            clerk: "王丽".into(),
            code: 4,
            level_zh: "不满意".into(),
            reasons: vec![],
            fix_state: None,
            rectify_due: None,
            fixed_on_time: None,
        },
    ]
}

fn warnings(to: Date) -> Vec<Warning> {
    let w = |kind, subject: &str, window, clerk: Option<&str>, value, limit| Warning {
        day: to,
        kind,
        subject: subject.into(),
        window,
        clerk: clerk.map(Into::into),
        value,
        limit,
    };
    vec![
        w(
            WarningKind::LongWait,
            "A023",
            Some(1),
            Some("c001"),
            2460,
            1800,
        ),
        w(
            WarningKind::LongService,
            "B017",
            Some(2),
            Some("c002"),
            2280,
            1800,
        ),
        w(
            WarningKind::LongPause,
            "2号窗口",
            Some(2),
            Some("c002"),
            1500,
            900,
        ),
        w(WarningKind::PrintFailed, "取号机 1", None, None, 1, 0),
        w(
            WarningKind::CaseOverdue,
            "LJ20261119-0007",
            Some(2),
            Some("c002"),
            3,
            0,
        ),
    ]
}

/// Count, mean and nearest-rank percentiles of durations, as the core computes them.
fn stats_of(samples: &[u32]) -> Stats {
    let mut s = samples.to_vec();
    s.sort_unstable();
    let n = s.len();
    if n == 0 {
        return Stats::default();
    }
    let at = |p: usize| Some(s[(n * p / 100).min(n - 1)]);
    Stats {
        count: n as u32,
        mean_s: Some((s.iter().map(|&x| u64::from(x)).sum::<u64>() / n as u64) as u32),
        p50_s: at(50),
        p90_s: at(90),
    }
}

/// A group of the small day: its waits and services (seconds), no-shows, ratings (all
/// 非常满意) and cases.
fn small_row(
    (key, zh, en): (&str, &str, &str),
    waits: &[u32],
    services: &[u32],
    no_show: u32,
    rated: u32,
    cases: u32,
) -> Row {
    let mut r = Row {
        key: key.into(),
        name_zh: zh.into(),
        name_en: en.into(),
        tickets: waits.len() as u32,
        served: services.len() as u32,
        no_show,
        wait: stats_of(waits),
        within_target: waits.iter().filter(|&&w| w <= 20 * 60).count() as u32,
        service: stats_of(services),
        levels: [rated, 0, 0, 0, 0],
        rated,
        cases_accepted: cases,
        first_contacts: services.len() as u32,
        resolved_first: cases,
        finished_with_outcome: cases,
        one_visit: cases,
        ..Row::default()
    };
    rates(&mut r);
    r
}

/// The daily report of a small real day in the demo hall (冷水滩, 2026-11-26): three tickets
/// between 9 and 10 o'clock, all at window 1 (市场准入), two served, one no-show; the other
/// themes nobody waited in. Days are named by their date, as the core names them.
pub fn small_day() -> Report {
    let (all_waits, all_services) = ([900, 1800, 1800], [600, 1200]);
    let group = |names| small_row(names, &all_waits, &all_services, 1, 1, 1);
    let total = group((
        "hall",
        "冷水滩区政务服务中心",
        "Lengshuitan District Government Service Center",
    ));
    let by_item = vec![
        small_row(
            (
                "MA-001",
                "设立登记（有限责任公司）",
                "Incorporation of a limited liability company",
            ),
            &[900, 1800],
            &[1200],
            1,
            1,
            1,
        ),
        small_row(
            (
                "MA-002",
                "个体工商户设立登记",
                "Registration of an individual business",
            ),
            &[1800],
            &[600],
            0,
            0,
            0,
        ),
    ];
    let mut arrivals = [0u32; 24];
    arrivals[9] = 3;
    let bins = (0..13)
        .map(|i| Bin {
            from_min: i * 5,
            to_min: (i < 12).then_some((i + 1) * 5),
            count: match i {
                3 => 1,
                6 => 2,
                _ => 0,
            },
        })
        .collect();
    let theme = |id: &str, zh: &str, en: &str, points: &[u32]| ThemeSeries {
        theme: id.into(),
        name_zh: zh.into(),
        name_en: en.into(),
        points: points.to_vec(),
    };
    Report {
        period: Period::Daily,
        from: DAY,
        to: DAY,
        hall_zh: total.name_zh.clone(),
        hall_en: total.name_en.clone(),
        seq: 18,
        target_wait_minutes: 20,
        wait_alarm_minutes: 30,
        by_window: vec![group((
            "1",
            "市场准入综合窗口",
            "Market access, comprehensive",
        ))],
        by_clerk: vec![group(("clerk01", "王丽", "王丽"))],
        by_unit: vec![group((
            "market",
            "区市场监督管理局",
            "District Market Regulation Bureau",
        ))],
        by_item,
        by_theme: vec![group(("market", "市场准入", "Market access"))],
        by_day: vec![group(("2026-11-26", "2026-11-26", "2026-11-26"))],
        total,
        arrivals_by_hour: arrivals,
        wait_histogram: Histogram {
            bin_minutes: 5,
            bins,
        },
        waiting: WaitingSeries {
            day: Some(DAY),
            step_minutes: 15,
            times: ["09:00", "09:15", "09:30", "09:45"]
                .map(String::from)
                .to_vec(),
            series: vec![
                theme("market", "市场准入", "Market access", &[1, 2, 2, 0]),
                theme("construction", "工程建设", "Construction projects", &[0; 4]),
                theme("social", "社会事务", "Social affairs", &[0; 4]),
            ],
        },
        rankings: vec![],
        overdue_cases: vec![],
        bad_ratings: vec![],
        warnings: vec![],
    }
}
