//! Snapshot tests of the strip layouts against reference PNGs in `tests/reference/`.
//!
//! Run with `HALLQ_UPDATE_REFERENCE=1` to (re)write the references and their 8× previews in
//! `tests/reference/preview/` (look at the previews before committing them). Otherwise every
//! layout is compared pixel by pixel with its reference, and a mismatch fails with the number of
//! differing pixels and writes the actual image next to the test binary's temp dir.

use std::path::{Path, PathBuf};

use hallq_displays::layout::{self, Panel};
use hallq_displays::{ColorMode, Frame, StripState, WindowStrip};

fn reference_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/reference")
}

fn updating() -> bool {
    std::env::var("HALLQ_UPDATE_REFERENCE").is_ok_and(|v| v == "1")
}

/// Compares `frame` with the reference `name.png`, or writes it when updating.
fn check(name: &str, frame: &Frame) {
    let path = reference_dir().join(format!("{name}.png"));
    if updating() {
        std::fs::write(&path, frame.to_png_bytes().unwrap()).unwrap();
        let preview = reference_dir().join("preview").join(format!("{name}.png"));
        std::fs::write(preview, frame.preview_png_bytes(8).unwrap()).unwrap();
        return;
    }
    let bytes = std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read reference {}: {e}; run with HALLQ_UPDATE_REFERENCE=1 to create it",
            path.display()
        )
    });
    let expected = Frame::from_png_bytes(&bytes, frame.mode()).unwrap();
    let diff = expected.differing_pixels(frame);
    if diff != Some(0) {
        let actual = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}.actual.png"));
        std::fs::write(&actual, frame.to_png_bytes().unwrap()).unwrap();
        match diff {
            None => panic!(
                "{name}: size {}x{} differs from the reference {}x{}; actual written to {}",
                frame.width(),
                frame.height(),
                expected.width(),
                expected.height(),
                actual.display()
            ),
            Some(n) => panic!(
                "{name}: {n} pixels differ from the reference; actual written to {}",
                actual.display()
            ),
        }
    }
}

const MONO_64: Panel = Panel::MONO_64X16;
const TRI_160: Panel = Panel::TRICOLOR_160X32;
const TRI_128: Panel = Panel::TRICOLOR_128X32;

#[test]
fn call_on_a_64x16_strip_starts_at_the_ticket_number() {
    let f = layout::render_call(&MONO_64, "A001", "3", 0);
    assert!(f.lit_count() > 0);
    check("call_64x16", &f);
}

#[test]
fn call_on_a_160x32_strip_fits_and_is_centred() {
    check(
        "call_160x32",
        &layout::render_call(&TRI_160, "A001", "3", 0),
    );
}

#[test]
fn call_on_a_128x32_strip() {
    check(
        "call_128x32",
        &layout::render_call(&TRI_128, "B012", "12", 0),
    );
}

#[test]
fn idle_greeting_on_each_panel() {
    check("idle_64x16", &layout::render_idle(&MONO_64, 0));
    check("idle_160x32", &layout::render_idle(&TRI_160, 0));
}

#[test]
fn paused_with_an_away_message_on_each_panel() {
    check(
        "paused_64x16",
        &layout::render_paused(&MONO_64, "10:30 返回", 0),
    );
    check(
        "paused_160x32",
        &layout::render_paused(&TRI_160, "10:30 返回", 0),
    );
}

#[test]
fn a_long_call_scrolls_as_a_pure_function_of_time() {
    let at_2s = layout::render_call(&MONO_64, "A001", "3", 2_000);
    let at_3_5s = layout::render_call(&MONO_64, "A001", "3", 3_500);
    assert_ne!(at_2s, at_3_5s);
    assert_eq!(at_3_5s, layout::render_call(&MONO_64, "A001", "3", 3_500));
    check("call_64x16_scroll_2000ms", &at_2s);
    check("call_64x16_scroll_3500ms", &at_3_5s);
}

#[test]
fn the_flash_off_phase_is_dark() {
    let f = layout::render_call(&TRI_160, "A001", "3", 700);
    assert_eq!(f.lit_count(), 0);
    check("call_160x32_flash_off", &f);
}

#[test]
fn a_window_strip_renders_the_same_frames_as_the_layouts() {
    let mut strip = WindowStrip::new(MONO_64, 50_000);
    strip.on_call("A001", "3", 60_000);
    assert_eq!(
        strip.render(62_000),
        layout::render_call(&MONO_64, "A001", "3", 2_000)
    );
    strip.on_pause("10:30 返回", 70_000);
    assert!(matches!(strip.state(), StripState::Paused { .. }));
    assert_eq!(
        strip.render(70_000),
        layout::render_paused(&MONO_64, "10:30 返回", 0)
    );
}

#[test]
fn monochrome_references_hold_only_red() {
    // A tricolour layout drawn on a monochrome panel must still read back as monochrome.
    let f = layout::render_idle(&MONO_64, 0);
    assert_eq!(f.mode(), ColorMode::Mono);
    let back = Frame::from_png_bytes(&f.to_png_bytes().unwrap(), ColorMode::Mono).unwrap();
    assert_eq!(back, f);
}
