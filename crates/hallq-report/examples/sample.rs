//! Writes the sample reports of the tests (a busy day, a small day of three tickets at one
//! window, and a month) as HTML, CSV and XLSX to `target/report-sample/`, or to the directory
//! given as the first argument.
//!
//! `cargo run -p hallq-report --example sample`

#[allow(dead_code)]
#[path = "../tests/render/common.rs"]
mod common;

use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/report-sample")
        });
    std::fs::create_dir_all(&dir)?;
    for (name, report) in [
        ("daily", common::daily()),
        ("small-day", common::small_day()),
        ("monthly", common::monthly()),
    ] {
        std::fs::write(
            dir.join(format!("{name}.html")),
            hallq_report::html(&report),
        )?;
        std::fs::write(dir.join(format!("{name}.csv")), hallq_report::csv(&report))?;
        std::fs::write(
            dir.join(format!("{name}.xlsx")),
            hallq_report::xlsx(&report)?,
        )?;
    }
    println!("{}", dir.canonicalize()?.display());
    Ok(())
}
