//! XLSX: one sheet per table, Chinese headers in row 1, English in row 2, data from row 3.

use crate::table::{Cell, Table, header_unit, tables, unit_text};
use hallq_core::report::Report;
use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet,
    XlsxError,
};

/// The report as an XLSX workbook in memory; the crate docs list the sheets.
pub fn xlsx(report: &Report) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    // A fixed creation time keeps the output a function of the report alone.
    let created = ExcelDateTime::from_ymd(
        u16::try_from(report.to.year()).unwrap_or(2000),
        report.to.month().unsigned_abs(),
        report.to.day().unsigned_abs(),
    )?;
    let title = format!(
        "{} {} {}–{}",
        report.hall_zh,
        report.period.name_zh(),
        report.from,
        report.to
    );
    book.set_properties(
        &DocProperties::new()
            .set_title(title)
            .set_creation_datetime(&created),
    );
    let formats = Formats::new();
    for table in tables(report) {
        sheet(book.add_worksheet(), &table, &formats)?;
    }
    book.save_to_buffer()
}

struct Formats {
    head_zh: Format,
    head_en: Format,
    percent: Format,
    text: Format,
}

impl Formats {
    fn new() -> Self {
        let head = Format::new()
            .set_bold()
            .set_background_color(Color::RGB(0xEEF2F7))
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter)
            .set_text_wrap();
        Formats {
            head_zh: head.clone().set_border_top(FormatBorder::Thin),
            head_en: head
                .set_font_color(Color::RGB(0x555555))
                .set_border_bottom(FormatBorder::Thin),
            percent: Format::new().set_num_format("0.0%"),
            text: Format::new().set_align(FormatAlign::Top).set_text_wrap(),
        }
    }
}

fn sheet(ws: &mut Worksheet, table: &Table, f: &Formats) -> Result<(), XlsxError> {
    ws.set_name(table.zh)?;
    ws.set_paper_size(9); // A4
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(0, 1)?;
    for (c, head) in table.heads.iter().enumerate() {
        let c = col(c);
        let (zh, en) = match header_unit(head, true) {
            Some((uzh, uen)) => (
                format!("{}（{uzh}）", head.zh),
                format!("{} ({uen})", head.en),
            ),
            None => (head.zh.to_owned(), head.en.to_owned()),
        };
        ws.write_string_with_format(0, c, &zh, &f.head_zh)?;
        ws.write_string_with_format(1, c, &en, &f.head_en)?;
        let widest = table
            .rows
            .iter()
            .map(|r| width(&r[usize::from(c)]))
            .max()
            .unwrap_or(0);
        let head_width = width_of(&zh).max(width_of(&en)).min(16);
        ws.set_column_width(c, (widest.max(head_width) + 2).clamp(6, 40) as f64)?;
    }
    for (r, row) in table.rows.iter().enumerate() {
        let r = u32::try_from(r + 2).unwrap_or(u32::MAX);
        for (c, cell) in row.iter().enumerate() {
            let c = col(c);
            match cell {
                Cell::Int(n) | Cell::Seconds(n) => ws.write_number(r, c, *n as f64)?,
                Cell::Days(n) => ws.write_number(r, c, *n)?,
                Cell::Permille(n) => {
                    ws.write_number_with_format(r, c, f64::from(*n) / 1000.0, &f.percent)?
                }
                Cell::Text(t) => ws.write_string_with_format(r, c, t.as_ref(), &f.text)?,
                Cell::Unit(u) => ws.write_string(r, c, unit_text(*u, true))?,
                Cell::Empty => continue,
            };
        }
    }
    ws.set_freeze_panes(2, col(table.key_columns()))?;
    Ok(())
}

fn col(c: usize) -> u16 {
    u16::try_from(c).unwrap_or(u16::MAX)
}

/// A cell's width in Excel's character units, CJK characters counting two.
fn width(cell: &Cell) -> usize {
    match cell {
        Cell::Text(t) => width_of(t),
        Cell::Permille(_) => 6,
        Cell::Int(n) | Cell::Seconds(n) => n.to_string().len(),
        Cell::Days(n) => n.to_string().len(),
        Cell::Unit(u) => width_of(unit_text(*u, true)),
        Cell::Empty => 0,
    }
}

fn width_of(s: &str) -> usize {
    s.lines()
        .map(|l| l.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum())
        .max()
        .unwrap_or(0)
}
