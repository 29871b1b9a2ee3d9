use crate::common::{daily, monthly, small_day};
use calamine::{Data, Range, Reader, Xlsx, open_workbook_from_rs};
use std::io::Cursor;

fn open(bytes: Vec<u8>) -> Xlsx<Cursor<Vec<u8>>> {
    open_workbook_from_rs(Cursor::new(bytes)).expect("a readable workbook")
}

fn text(s: &str) -> Data {
    Data::String(s.to_owned())
}

/// The cell at a 0-based row and column; empty when missing.
fn at(range: &Range<Data>, row: u32, col: u32) -> Data {
    range.get_value((row, col)).cloned().unwrap_or(Data::Empty)
}

/// The column whose Chinese header (row 1) is `zh`.
fn column(range: &Range<Data>, zh: &str) -> u32 {
    (0..range.width() as u32)
        .find(|&c| at(range, 0, c) == text(zh))
        .unwrap_or_else(|| panic!("no column {zh}"))
}

fn float(d: Data) -> f64 {
    match d {
        Data::Float(f) => f,
        Data::Int(i) => i as f64,
        other => panic!("not a number: {other:?}"),
    }
}

#[test]
fn xlsx_has_the_sheets_in_order() {
    let book = open(hallq_report::xlsx(&daily()).unwrap());
    assert_eq!(
        book.sheet_names(),
        [
            "汇总",
            "按窗口",
            "按工作人员",
            "按部门",
            "按事项",
            "按主题",
            "按日",
            "排名",
            "超期办件",
            "差评整改",
            "预警"
        ]
    );
}

#[test]
fn xlsx_group_sheets_have_two_header_rows_and_numbers() {
    let mut book = open(hallq_report::xlsx(&daily()).unwrap());
    let w = book.worksheet_range("按窗口").unwrap();
    assert_eq!(w.start(), Some((0, 0)));
    assert_eq!(w.height(), 2 + 3, "two header rows and three windows");
    assert_eq!(at(&w, 0, 0), text("编号"));
    assert_eq!(at(&w, 1, 0), text("Key"));
    assert_eq!(at(&w, 0, 4), text("已办理"));
    assert_eq!(at(&w, 1, 4), text("Served"));
    let wait = column(&w, "等候均值（秒）");
    assert_eq!(at(&w, 1, wait), text("Wait mean (s)"));
    let satisfaction = column(&w, "满意率");
    assert_eq!(at(&w, 1, satisfaction), text("Satisfaction"));

    // Window 1 in row 3.
    assert_eq!(at(&w, 2, 0), text("1"));
    assert_eq!(at(&w, 2, 1), text("1号窗口"));
    assert_eq!(float(at(&w, 2, 4)), 84.0);
    assert_eq!(float(at(&w, 2, wait)), 612.0);
    assert!((float(at(&w, 2, satisfaction)) - 0.955).abs() < 1e-12);
    // Window 3 has no ratings: no satisfaction, an empty cell.
    assert_eq!(at(&w, 4, 0), text("3"));
    assert_eq!(at(&w, 4, satisfaction), Data::Empty);

    let units = book.worksheet_range("按部门").unwrap();
    assert_eq!(at(&units, 3, 1), text("区人力资源和社会保障局"));
    assert_eq!(
        at(&units, 3, 2),
        text("District Human Resources and Social Security Bureau")
    );
}

#[test]
fn xlsx_round_trips_odd_text() {
    let mut report = daily();
    report.by_item[0].name_zh = "企业设立登记（含\"名称\"自主申报）, <第一步>\n二行".into();
    let mut book = open(hallq_report::xlsx(&report).unwrap());
    let items = book.worksheet_range("按事项").unwrap();
    assert_eq!(at(&items, 2, 1), text(&report.by_item[0].name_zh));
}

#[test]
fn xlsx_summary_lists_the_period_and_the_hall_total() {
    let mut book = open(hallq_report::xlsx(&daily()).unwrap());
    let s = book.worksheet_range("汇总").unwrap();
    assert_eq!(
        (at(&s, 0, 0), at(&s, 0, 2), at(&s, 1, 0), at(&s, 1, 2)),
        (text("项目"), text("数值"), text("Figure"), text("Value"))
    );
    let row = |zh: &str| {
        (2..s.height() as u32)
            .find(|&r| at(&s, r, 0) == text(zh))
            .unwrap_or_else(|| panic!("no figure {zh}"))
    };
    assert_eq!(at(&s, row("报表"), 2), text("日统计"));
    assert_eq!(at(&s, row("服务大厅"), 2), text("临江区政务服务中心"));
    assert_eq!(at(&s, row("起始日期"), 2), text("2026-11-26"));
    assert_eq!(at(&s, row("截止日期"), 2), text("2026-11-26"));
    assert_eq!(float(at(&s, row("截至事件序号"), 2)), 48213.0);
    assert_eq!(float(at(&s, row("取号"), 2)), 251.0);
    assert_eq!(float(at(&s, row("等候均值"), 2)), 582.0);
    assert_eq!(at(&s, row("等候均值"), 3), text("秒 (s)"));
    assert!((float(at(&s, row("满意率"), 2)) - 0.936).abs() < 1e-12);
}

#[test]
fn xlsx_rankings_sheet_is_kept_for_a_day_and_filled_for_a_month() {
    let mut book = open(hallq_report::xlsx(&daily()).unwrap());
    let r = book.worksheet_range("排名").unwrap();
    assert_eq!(r.height(), 2, "headers only");
    assert_eq!(at(&r, 0, 2), text("名次"));

    let mut book = open(hallq_report::xlsx(&monthly()).unwrap());
    let r = book.worksheet_range("排名").unwrap();
    assert_eq!(at(&r, 2, 0), text("窗口办件量"));
    assert_eq!(float(at(&r, 2, 2)), 1.0);
    let satisfaction = (2..r.height() as u32)
        .find(|&i| at(&r, i, 0) == text("窗口满意率"))
        .unwrap();
    assert!((float(at(&r, satisfaction, 5)) - 0.955).abs() < 1e-12);
    assert_eq!(at(&r, satisfaction, 6), text("%"));
}

#[test]
fn xlsx_is_a_function_of_the_report() {
    let report = monthly();
    assert_eq!(
        hallq_report::xlsx(&report).unwrap(),
        hallq_report::xlsx(&report).unwrap()
    );
}

#[test]
fn xlsx_names_a_day_by_its_weekday() {
    let mut book = open(hallq_report::xlsx(&small_day()).unwrap());
    let days = book.worksheet_range("按日").unwrap();
    assert_eq!(days.height(), 3);
    assert_eq!(
        (at(&days, 2, 0), at(&days, 2, 1), at(&days, 2, 2)),
        (text("2026-11-26"), text("星期四"), text("Thursday"))
    );
    let mut book = open(hallq_report::xlsx(&monthly()).unwrap());
    let days = book.worksheet_range("按日").unwrap();
    assert_eq!(
        (at(&days, 2, 0), at(&days, 2, 1), at(&days, 2, 2)),
        (text("2026-11-02"), text("星期一"), text("Monday"))
    );
}
