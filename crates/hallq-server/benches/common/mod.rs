//! What the benchmarks share: the release binary started on a data folder, and events written
//! to a log as the hall actor commits them.

#![allow(dead_code)] // each benchmark uses part of it

use hallq_core::Envelope;
use hallq_store::{Batch, EventRow, Store};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// Starts `hallq serve` on a free port with `extra` arguments; returns the child and the base
/// URL it announced (`http://127.0.0.1:…`).
pub fn spawn_hall(data: &Path, extra: &[&std::ffi::OsStr]) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hallq"))
        .args(["serve", "--listen", "127.0.0.1:0", "--data"])
        .arg(data)
        .args(extra)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
    let base = line
        .trim()
        .strip_prefix("hallq listening on ")
        .unwrap()
        .to_owned();
    (child, base)
}

/// Commits the pending events in one batch, as the hall actor does.
pub fn append(store: &mut Store, pending: &mut Vec<Envelope>) {
    if pending.is_empty() {
        return;
    }
    let events: Vec<EventRow> = pending
        .drain(..)
        .map(|e| EventRow {
            seq: e.seq,
            at: e.at.to_string(),
            kind: e.event.kind().to_owned(),
            body: e.to_json(),
        })
        .collect();
    store
        .append(&Batch {
            events,
            idempotency: Vec::new(),
        })
        .unwrap();
}
