use crate::common::{self, daily, small_day};
use hallq_core::report::{BadRating, Warning, WarningKind};
use hallq_report::inert;
use proptest::prelude::*;

/// The lines of the section titled `title`, up to the blank line that ends it.
fn section<'a>(csv: &'a str, title: &str) -> &'a str {
    let start = csv.find(&format!("{title}\r\n")).expect("section present");
    let rest = &csv[start..];
    &rest[..rest.find("\r\n\r\n").map_or(rest.len(), |end| end + 2)]
}

#[test]
fn csv_starts_with_a_bom_and_ends_every_line_with_crlf() {
    let csv = hallq_report::csv(&daily());
    assert!(csv.starts_with("\u{feff}# 汇总 Summary\r\n"));
    assert!(csv.ends_with("\r\n"));
    assert!(
        !csv.replace("\r\n", "").contains(['\r', '\n']),
        "a bare CR or LF"
    );
    let titles: Vec<&str> = csv
        .trim_start_matches('\u{feff}')
        .split("\r\n")
        .filter(|l| l.starts_with("# "))
        .collect();
    assert_eq!(
        titles,
        [
            "# 汇总 Summary",
            "# 按窗口 By window",
            "# 按工作人员 By clerk",
            "# 按部门 By unit",
            "# 按事项 By item",
            "# 按主题 By theme",
            "# 按日 By day",
            "# 排名 Rankings",
            "# 超期办件 Overdue cases",
            "# 差评整改 Bad ratings and fixes",
            "# 预警 Warnings",
        ]
    );
}

#[test]
fn csv_lists_warnings_overdue_cases_and_bad_ratings_exactly() {
    let csv = hallq_report::csv(&daily());
    let expected = [
        "# 超期办件 Overdue cases",
        "办件编号 (Case),事项编码 (Item code),事项名称 (Item),事项名称（英文） (Item in English),\
         窗口 (Window),工作人员 (Clerk),\
         受理日期 (Accepted),应办结日期 (Due),办结日期 (Completed),状态 (State),\
         状态（英文） (State in English),超期（工作日） (Over [working days])",
        "LJ20261118-0042,330104-001-01,企业设立登记,Company establishment registration,\
         1,王丽,2026-11-18,2026-11-20,2026-11-24,\
         逾期办结,Completed late,2",
        "LJ20261119-0007,330104-001-02,个体工商户设立登记,Individual business registration,\
         2,陈志强,2026-11-19,2026-11-23,,\
         超期未办结,Still open,3",
        "",
    ];
    assert_eq!(
        section(&csv, "# 超期办件 Overdue cases"),
        expected.join("\r\n")
    );

    let expected = [
        "# 差评整改 Bad ratings and fixes",
        "评价编号 (Rating),日期 (Day),票号 (Ticket),窗口 (Window),工作人员 (Clerk),等级代码 (Code),\
         评价等级 (Level),评价等级（英文） (Level in English),原因 (Reasons),整改状态 (Fix state),\
         整改状态（英文） (Fix state in English),整改期限 (Fix due),按期整改 (Fixed on time)",
        "R-0311,2026-11-26,A023,1,王丽,4,不满意,Dissatisfied,等候时间长；材料一次性告知不清,待整改,\
         Open,2026-12-01,",
        "R-0298,2026-11-26,B017,2,陈志强,5,非常不满意,Very dissatisfied,服务态度差,已整改,Rectified,\
         2026-11-30,是 Yes",
        "R-0302,2026-11-26,A051,1,王丽,4,不满意,Dissatisfied,,,,,",
        "",
    ];
    assert_eq!(
        section(&csv, "# 差评整改 Bad ratings and fixes"),
        expected.join("\r\n")
    );

    let expected = [
        "# 预警 Warnings",
        "日期 (Day),类型 (Kind),类型（英文） (Kind in English),对象 (Subject),窗口 (Window),\
         工作人员 (Clerk),数值 (Value),限值 (Limit),单位 (Unit)",
        "2026-11-26,等候超时,Long wait,A023,1,c001,2460,1800,秒 (s)",
        "2026-11-26,办理超时,Long service,B017,2,c002,2280,1800,秒 (s)",
        "2026-11-26,暂停超时,Long pause,2号窗口,2,c002,1500,900,秒 (s)",
        "2026-11-26,打印失败,Print failed,取号机 1,,,1,0,",
        "2026-11-26,办件超期,Case overdue,LJ20261119-0007,2,c002,3,0,工作日 (working days)",
        "",
    ];
    assert_eq!(section(&csv, "# 预警 Warnings"), expected.join("\r\n"));
}

#[test]
fn csv_writes_raw_seconds_and_per_mille_and_leaves_none_empty() {
    let csv = hallq_report::csv(&daily());
    let windows = section(&csv, "# 按窗口 By window");
    let header = windows.lines().nth(1).unwrap();
    assert!(
        header.starts_with("编号 (Key),名称 (Name),英文名称 (Name in English),取号 (Tickets),")
    );
    assert!(header.contains(",等候均值（秒） (Wait mean [s]),"));
    assert!(header.contains(",满意率（‰） (Satisfaction [‰]),"));
    let column = |name: &str| header.split(',').position(|h| h == name).unwrap();
    let (wait, satisfaction) = (
        column("等候均值（秒） (Wait mean [s])"),
        column("满意率（‰） (Satisfaction [‰])"),
    );
    let w1: Vec<&str> = windows.lines().nth(2).unwrap().split(',').collect();
    assert_eq!(w1[..5], ["1", "1号窗口", "Window 1", "96", "84"]);
    assert_eq!(w1[wait], "612");
    assert_eq!(w1[satisfaction], "955");
    let w3: Vec<&str> = windows.lines().nth(4).unwrap().split(',').collect();
    assert_eq!(w3[0], "3");
    assert_eq!(w3[satisfaction], "", "no ratings: no satisfaction");
}

/// Reads CSV text back with the `csv` crate: records of any length, the BOM dropped.
fn parse(text: &str) -> Vec<Vec<String>> {
    let text = text.strip_prefix('\u{feff}').expect("BOM");
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.expect("valid CSV").iter().map(str::to_owned).collect())
        .collect()
}

/// The data rows of the section titled `title`.
fn rows<'a>(records: &'a [Vec<String>], title: &str) -> &'a [Vec<String>] {
    let start = records
        .iter()
        .position(|r| r.len() == 1 && r[0] == title)
        .unwrap()
        + 2;
    let len = records[start..].iter().take_while(|r| r.len() > 1).count();
    &records[start..start + len]
}

fn nasty() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z中文,\"\r\n #；=]{0,16}",
        any::<String>().prop_filter("no BOM", |s| !s.contains('\u{feff}')),
    ]
}

proptest! {
    #[test]
    fn csv_fields_round_trip_through_a_csv_parser(
        key in nasty(),
        zh in nasty(),
        en in nasty(),
        subject in nasty(),
        reasons in proptest::collection::vec(nasty(), 0..3),
    ) {
        let mut report = daily();
        let w = &mut report.by_window[1];
        w.key = key.clone();
        w.name_zh = zh.clone();
        w.name_en = en.clone();
        report.warnings = vec![Warning {
            day: common::DAY,
            kind: WarningKind::LongWait,
            subject: subject.clone(),
            window: None,
            clerk: Some(zh.clone()),
            value: 1900,
            limit: 1800,
        }];
        report.bad_ratings = vec![BadRating { reasons: reasons.clone(), ..daily().bad_ratings[0].clone() }];
        let records = parse(&hallq_report::csv(&report));

        let windows = rows(&records, "# 按窗口 By window");
        prop_assert_eq!(windows.len(), 3);
        // Text that would run as a formula is kept inert with a leading apostrophe.
        let (key, zh, en, subject) = (inert(&key), inert(&zh), inert(&en), inert(&subject));
        prop_assert_eq!(&windows[1][..3], &[key, zh.clone(), en][..]);
        prop_assert_eq!(&windows[1][3], "88");
        prop_assert!(windows.iter().all(|r| r.len() == windows[0].len()));

        let warnings = rows(&records, "# 预警 Warnings");
        prop_assert_eq!(warnings.len(), 1);
        prop_assert_eq!(&warnings[0][3], &subject);
        prop_assert_eq!(&warnings[0][4], "");
        prop_assert_eq!(&warnings[0][5], &zh);
        prop_assert_eq!(&warnings[0][6], "1900");

        let bad = rows(&records, "# 差评整改 Bad ratings and fixes");
        prop_assert_eq!(&bad[0][8], &inert(&reasons.join("；")));
    }
}

#[test]
fn text_that_would_run_as_a_formula_stays_text() {
    assert_eq!(
        inert("=HYPERLINK(\"http://x\")"),
        "'=HYPERLINK(\"http://x\")"
    );
    for s in ["+1", "-2+3", "@SUM(A1)", "\tx", "\rx"] {
        assert_eq!(inert(s), format!("'{s}"));
    }
    for s in ["-", "市场准入", "A001", "", "1-2"] {
        assert_eq!(inert(s), s);
    }
    let mut report = daily();
    report.warnings[0].subject = "=1+2".into();
    assert!(hallq_report::csv(&report).contains(",'=1+2,"));
}

#[test]
fn csv_names_a_day_by_its_weekday() {
    let csv = hallq_report::csv(&small_day());
    let days = section(&csv, "# 按日 By day");
    let row = days.lines().nth(2).unwrap();
    assert!(
        row.starts_with("2026-11-26,星期四,Thursday,3,2,1,"),
        "{row}"
    );
    // Other groups keep their names.
    let windows = section(&csv, "# 按窗口 By window");
    assert!(
        windows
            .lines()
            .nth(2)
            .unwrap()
            .starts_with("1,市场准入综合窗口,\"Market access, comprehensive\",3,2,1,")
    );
}
