//! Renders a [`Report`](hallq_core::report::Report) (日统计, 周通报, 月汇总) as HTML, CSV and
//! XLSX. Pure functions: no file, clock or network I/O; the same report gives the same bytes.
//!
//! - [`html`]: one self-contained A4 document for screen and print. Summary tiles; inline SVG
//!   charts (wait histogram; arrivals by hour, one slot per hour of the hall's day, 8 to 17,
//!   widened to every hour with arrivals, or 0 to 23 with arrivals before 6 or after 21; people
//!   waiting by theme for a day, themes nobody waited in left out, or served per day for
//!   longer spans; rating distribution); the group tables, each split in three (queue and
//!   service, ratings and fixes, cases and first contact) with a hall-total row, laid out at
//!   fixed column widths worked out from their texts so that they fit the page's width (names
//!   wrap, Chinese headers only where their column marks it); rankings (weekly and monthly);
//!   overdue cases, bad ratings with their fixes, warnings. Durations show in minutes with one
//!   decimal, per-mille figures as percentages (`955‰` → `95.5%`), missing figures as `—`,
//!   empty tables as `无数据 / No data`. The CJK font is the reader's: the page names a font
//!   stack and embeds none.
//! - [`csv`]: UTF-8 with a BOM (for Excel), CRLF line endings, fields quoted as RFC 4180 says.
//!   One section per table, in the order of the sheets below, sections separated by an empty
//!   line. Each section is a title line `# 按窗口 By window`, one header row whose cells read
//!   `中文 (English)`, with the unit inside both (`等候均值（秒） (Wait mean [s])`), then the data
//!   rows. Figures are raw: seconds and per mille as integers, an empty field for no figure.
//!   Text a spreadsheet would run as a formula (`=…`, `+…`, `-…`, `@…`) gets a leading `'`
//!   ([`inert`]); [`text_field`] writes one such field for other CSV files of the hall.
//! - [`xlsx`]: one sheet per table: 汇总 (summary: period, hall, dates, event seq, target wait
//!   and wait alarm, then every figure of the hall total, one a row), 按窗口, 按工作人员, 按部门,
//!   按事项, 按主题, 按日, 排名 (weekly and monthly; headers only for a day), 超期办件, 差评整改,
//!   预警. Row 1 holds Chinese headers, row 2 English ones, data starts in row 3; both header
//!   rows and the key columns are frozen. Seconds are integer numbers, per-mille figures are
//!   fractions formatted `0.0%`, a missing figure is an empty cell.
//!
//! Every table is defined once in `table`: a column is a bilingual header (with, for HTML, the
//! points where its Chinese may wrap), a kind (count, seconds, per mille, days, text, or mixed,
//! when rows differ in unit: then files add a unit column and HTML writes the unit in the cell)
//! and a getter from a row to a cell. The three formats only differ in how they write a cell.
//! In every format a by-day row shows its date once, as its key, and its weekday as its name
//! (`2026-11-26`, `星期四`, `Thursday`).

mod chart;
mod table;
mod to_csv;
mod to_html;
mod to_xlsx;

pub use to_csv::{csv, inert, text_field};
pub use to_html::html;
pub use to_xlsx::xlsx;
