//! The decoder over a byte stream: partial input, several frames, garbage, broken frames.

use hallq_rs485::{Decoder, Frame, Message, PadDisplay, PadKey, Stats};

fn call_next(addr: u8) -> Frame {
    Message::Key(PadKey::CallNext).to_frame(addr)
}

fn display() -> Frame {
    Message::Display(PadDisplay::showing(12, Some(7))).to_frame(3)
}

fn stats(frames: u64, garbage_bytes: u64, bad_checksum: u64, bad_length: u64) -> Stats {
    Stats {
        frames,
        garbage_bytes,
        bad_checksum,
        bad_length,
    }
}

#[test]
fn a_frame_split_at_every_byte_boundary_decodes_once() {
    let frame = display();
    let bytes = frame.encode();
    for split in 0..=bytes.len() {
        let mut decoder = Decoder::new();
        let mut got = decoder.decode(&bytes[..split]);
        if split < bytes.len() {
            assert_eq!(got, vec![], "split at {split}");
            assert_eq!(decoder.buffered(), &bytes[..split]);
        }
        got.extend(decoder.decode(&bytes[split..]));
        assert_eq!(got, vec![frame.clone()], "split at {split}");
        assert_eq!(decoder.stats(), stats(1, 0, 0, 0), "split at {split}");
        assert!(decoder.buffered().is_empty());
    }
}

#[test]
fn a_frame_fed_one_byte_at_a_time_decodes_once() {
    let frame = display();
    let mut decoder = Decoder::new();
    let got: Vec<Frame> = frame
        .encode()
        .iter()
        .flat_map(|&b| decoder.decode(&[b]))
        .collect();
    assert_eq!(got, vec![frame]);
}

#[test]
fn two_frames_back_to_back() {
    let (a, b) = (call_next(3), display());
    let bytes = [a.encode(), b.encode()].concat();
    let mut decoder = Decoder::new();
    assert_eq!(decoder.decode(&bytes), vec![a, b]);
    assert_eq!(decoder.stats(), stats(2, 0, 0, 0));
}

#[test]
fn garbage_before_a_frame_is_skipped_and_counted() {
    // Includes FF not followed by 68, a lone 68 and an end byte: none of it starts a frame.
    let garbage = [0x00, 0xFF, 0x00, 0x68, 0x16, 0xFF, 0xFF];
    let frame = call_next(3);
    let bytes = [&garbage[..], &frame.encode()].concat();
    let mut decoder = Decoder::new();
    assert_eq!(decoder.decode(&bytes), vec![frame]);
    assert_eq!(decoder.stats(), stats(1, garbage.len() as u64, 0, 0));
}

#[test]
fn a_bad_checksum_frame_then_a_good_one_gives_one_frame() {
    let mut bad = call_next(3).encode();
    bad[8] = bad[8].wrapping_add(1); // CS
    let good = display();
    let bytes = [bad, good.encode()].concat();
    let mut decoder = Decoder::new();
    assert_eq!(decoder.decode(&bytes), vec![good]);
    assert_eq!(decoder.stats(), stats(1, 0, 1, 0));
}

#[test]
fn a_flipped_data_bit_is_caught_by_the_checksum() {
    let mut bad = display().encode();
    bad[9] ^= 0x04;
    let mut decoder = Decoder::new();
    assert_eq!(decoder.decode(&bad), vec![]);
    assert_eq!(decoder.stats(), stats(0, 0, 1, 0));
}

#[test]
fn mismatched_length_bytes_are_dropped_and_the_next_frame_found() {
    let mut bad = call_next(3).encode();
    bad[3] = 0x04; // L L = 03 04
    let good = call_next(4);
    let bytes = [bad.clone(), good.encode()].concat();
    let mut decoder = Decoder::new();
    assert_eq!(decoder.decode(&bytes), vec![good]);
    // FF 68 belong to the rejected frame; the other 8 bytes are skipped as garbage.
    assert_eq!(decoder.stats(), stats(1, bad.len() as u64 - 2, 0, 1));
}

#[test]
fn a_missing_end_byte_is_dropped_and_the_next_frame_found() {
    let mut bad = call_next(3).encode();
    *bad.last_mut().unwrap() = 0x17;
    let good = call_next(4);
    let bytes = [bad, good.encode()].concat();
    let mut decoder = Decoder::new();
    assert_eq!(decoder.decode(&bytes), vec![good]);
    assert_eq!(decoder.stats(), stats(1, 0, 0, 1));
}

#[test]
fn a_truncated_frame_does_not_hide_the_frame_after_it() {
    // A display frame lost its last 6 bytes; a call-next follows. The truncated frame's
    // header claims 15 bytes, so it swallows the start of the next frame; the decoder must
    // resync inside it rather than skip 15 bytes.
    let truncated = &display().encode()[..9];
    let good = call_next(3);
    let bytes = [truncated, &good.encode()[..]].concat();
    let mut decoder = Decoder::new();
    assert_eq!(decoder.decode(&bytes), vec![good]);
    assert_eq!(decoder.stats(), stats(1, 0, 0, 1));
}

#[test]
fn a_bad_frame_is_never_returned() {
    // Every single-bit corruption of a frame is caught: no frame comes out, even after idle.
    let frame = display();
    let bytes = frame.encode();
    for i in 0..bytes.len() {
        for bit in 0..8 {
            let mut bad = bytes.clone();
            bad[i] ^= 1 << bit;
            let mut decoder = Decoder::new();
            let mut got = decoder.decode(&bad);
            got.extend(decoder.idle());
            assert_eq!(got, vec![], "byte {i} bit {bit}: {bad:02X?}");
        }
    }
}
