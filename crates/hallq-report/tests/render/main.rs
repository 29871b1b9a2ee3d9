//! Renders hand-built reports and reads the output back.

mod common;
mod csv_out;
mod html_out;
mod xlsx_out;
