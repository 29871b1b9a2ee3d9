//! CSV: RFC 4180 with a BOM, one section per table.

use crate::table::{Cell, Table, header_unit, tables, unit_text};
use hallq_core::report::Report;
use std::fmt::Write;

/// The report as CSV text; the crate docs describe the layout.
pub fn csv(report: &Report) -> String {
    let mut out = String::from("\u{feff}");
    for (i, table) in tables(report).iter().enumerate() {
        if i > 0 {
            out.push_str("\r\n");
        }
        section(&mut out, table);
    }
    out
}

fn section(out: &mut String, table: &Table) {
    line(out, [format!("# {} {}", table.zh, table.en)]);
    line(
        out,
        table.heads.iter().map(|h| match header_unit(h, false) {
            Some((uzh, uen)) => format!("{}（{uzh}） ({} [{uen}])", h.zh, h.en),
            None => format!("{} ({})", h.zh, h.en),
        }),
    );
    for row in &table.rows {
        line(out, row.iter().map(field));
    }
}

fn field(cell: &Cell) -> String {
    match cell {
        Cell::Int(n) | Cell::Seconds(n) => n.to_string(),
        Cell::Permille(n) | Cell::Days(n) => n.to_string(),
        Cell::Text(t) => inert(t),
        Cell::Unit(u) => unit_text(*u, false).to_owned(),
        Cell::Empty => String::new(),
    }
}

/// Text a spreadsheet would take for a formula (it starts with `=`, `+`, `-`, `@`, a tab or a
/// CR) gets a leading apostrophe, so a pause reason or a name typed as `=HYPERLINK(…)` stays
/// text when the file is opened (OWASP "CSV injection"). A lone `-` (the "none" group) is text
/// already.
pub fn inert(text: &str) -> String {
    if text.len() > 1 && text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

/// One text field as written in any CSV file of the hall: inert, then quoted when needed.
pub fn text_field(text: &str) -> String {
    let mut out = String::new();
    quote(&mut out, &inert(text));
    out
}

fn line<S: AsRef<str>>(out: &mut String, fields: impl IntoIterator<Item = S>) {
    for (i, f) in fields.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        quote(out, f.as_ref());
    }
    out.push_str("\r\n");
}

/// Quotes a field holding a comma, quote or line break, doubling its quotes (RFC 4180).
fn quote(out: &mut String, field: &str) {
    if field.contains([',', '"', '\r', '\n']) {
        let _ = write!(out, "\"{}\"", field.replace('"', "\"\""));
    } else {
        out.push_str(field);
    }
}
