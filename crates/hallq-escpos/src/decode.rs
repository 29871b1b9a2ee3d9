//! The ESC/POS decoder: bytes back into [`Op`]s, for tests and for a virtual printer.
//!
//! Shaped like mini-redis's `frame.rs`: a pure function over a byte slice that reports how many
//! bytes it consumed. Partial input is normal: a command cut off at the end of the slice is left
//! unconsumed, to be decoded again once more bytes arrive. Any byte sequence is accepted: bytes
//! that start no command the decoder knows become [`Op::Unknown`], and nothing panics.
//!
//! The decoder understands exactly the subset [`crate::Builder`] emits, plus the obvious
//! variants a printer also accepts (ASCII-digit parameters, `GS V` function A cuts).

use encoding_rs::GB18030;

use crate::builder::{Align, QrEcc};

/// One decoded command or run of text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    /// `ESC @`: reset the printer.
    Init,
    /// `FS &`: Chinese character mode on.
    ChineseMode,
    /// `GS ! n`: character size, `w` × `h` times normal (each 1..=16 as decoded; printers use 1..=8).
    Size {
        /// The width factor.
        w: u8,
        /// The height factor.
        h: u8,
    },
    /// `ESC E n`: bold on or off (the low bit of `n`).
    Bold(bool),
    /// `ESC a n`: alignment of the following lines.
    Align(Align),
    /// `ESC d n`: print and feed `n` lines.
    Feed(u8),
    /// A run of printable text decoded from GB18030; `\n` (line feed) is kept inside the text.
    ///
    /// One [`crate::Builder::text`] call does not map to one `Text`: adjacent text is one run in
    /// the byte stream, and a run may be split where a slice ended.
    Text(String),
    /// A `GS ( k` print-symbol command, with the data and settings stored before it.
    Qr {
        /// The stored payload (empty if the print command came without a store).
        data: Vec<u8>,
        /// The module size in effect, in dots.
        module_size: u8,
        /// The error-correction level in effect.
        ecc: QrEcc,
    },
    /// `GS V`: cut the paper.
    Cut {
        /// Whether the cut is partial (a hinge is left) rather than full.
        partial: bool,
        /// The extra feed before the cut, in motion units (0 for function A cuts).
        feed: u8,
    },
    /// `DLE EOT n`: a real-time status request.
    StatusRequest(u8),
    /// A byte that starts no command the decoder knows, consumed on its own; or the first byte of
    /// a known command whose parameters a printer would ignore, consumed with its parameters.
    Unknown(u8),
}

/// The printer memory the decoder keeps between commands: the QR settings and stored data,
/// which the `GS ( k` functions set one at a time before a print function uses them.
///
/// Feed one `Decoder` every slice of a stream to keep that memory across slices; the free
/// function [`decode`] starts from a fresh one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoder {
    qr_module_size: u8,
    qr_ecc: QrEcc,
    qr_data: Vec<u8>,
}

impl Default for Decoder {
    fn default() -> Self {
        // Epson's power-on defaults: module size 3, ECC level L, nothing stored.
        Decoder {
            qr_module_size: 3,
            qr_ecc: QrEcc::L,
            qr_data: Vec::new(),
        }
    }
}

/// The outcome of decoding at one position.
enum Step {
    /// `consumed` bytes form a command; it may produce no op (a QR setting changes state only).
    Done { op: Option<Op>, consumed: usize },
    /// The bytes at this position are the start of a command that has not fully arrived.
    Incomplete,
}

impl Decoder {
    /// Creates a decoder with the printer's power-on QR settings.
    pub fn new() -> Self {
        Decoder::default()
    }

    /// Decodes as many whole commands from `buf` as it holds, returning the ops and the number of
    /// bytes consumed; the unconsumed tail is the start of an unfinished command.
    pub fn decode(&mut self, buf: &[u8]) -> (Vec<Op>, usize) {
        let mut ops = Vec::new();
        let mut pos = 0;
        while pos < buf.len() {
            match self.step(&buf[pos..]) {
                Step::Done { op, consumed } => {
                    ops.extend(op);
                    pos += consumed;
                }
                Step::Incomplete => break,
            }
        }
        (ops, pos)
    }

    /// Decodes the command at the start of `buf`, which is not empty.
    fn step(&mut self, buf: &[u8]) -> Step {
        let b0 = buf[0];
        let at = |i: usize| buf.get(i).copied();
        let done = |op: Op, consumed: usize| Step::Done {
            op: Some(op),
            consumed,
        };
        match b0 {
            0x1B => match (at(1), at(2)) {
                (None, _) => Step::Incomplete,
                (Some(0x40), _) => done(Op::Init, 2),
                (Some(0x45 | 0x61 | 0x64), None) => Step::Incomplete,
                (Some(0x45), Some(n)) => done(Op::Bold(n & 1 == 1), 3),
                (Some(0x61), Some(n)) => match Align::from_code(n) {
                    Some(a) => done(Op::Align(a), 3),
                    None => done(Op::Unknown(b0), 3),
                },
                (Some(0x64), Some(n)) => done(Op::Feed(n), 3),
                (Some(_), _) => done(Op::Unknown(b0), 1),
            },
            0x1C => match at(1) {
                None => Step::Incomplete,
                Some(0x26) => done(Op::ChineseMode, 2),
                Some(_) => done(Op::Unknown(b0), 1),
            },
            0x1D => match (at(1), at(2)) {
                (None, _) => Step::Incomplete,
                (Some(0x21 | 0x56 | 0x28), None) => Step::Incomplete,
                (Some(0x21), Some(n)) => done(
                    Op::Size {
                        w: (n >> 4) + 1,
                        h: (n & 0x0F) + 1,
                    },
                    3,
                ),
                (Some(0x56), Some(m)) => match m {
                    0 | 48 => done(
                        Op::Cut {
                            partial: false,
                            feed: 0,
                        },
                        3,
                    ),
                    1 | 49 => done(
                        Op::Cut {
                            partial: true,
                            feed: 0,
                        },
                        3,
                    ),
                    65 | 66 => match at(3) {
                        None => Step::Incomplete,
                        Some(n) => done(
                            Op::Cut {
                                partial: m == 66,
                                feed: n,
                            },
                            4,
                        ),
                    },
                    _ => done(Op::Unknown(b0), 3),
                },
                (Some(0x28), Some(0x6B)) => self.gs_paren_k(buf),
                (Some(_), _) => done(Op::Unknown(b0), 1),
            },
            0x10 => match (at(1), at(2)) {
                (None, _) | (Some(0x04), None) => Step::Incomplete,
                (Some(0x04), Some(n)) => done(Op::StatusRequest(n), 3),
                (Some(_), _) => done(Op::Unknown(b0), 1),
            },
            b if is_text_byte(b) => text_run(buf),
            b => done(Op::Unknown(b), 1),
        }
    }

    /// Decodes a `GS ( k pL pH cn fn …` command, whose length field makes it skippable whole.
    fn gs_paren_k(&mut self, buf: &[u8]) -> Step {
        let (Some(&pl), Some(&ph)) = (buf.get(3), buf.get(4)) else {
            return Step::Incomplete;
        };
        let len = usize::from(u16::from_le_bytes([pl, ph]));
        let Some(body) = buf.get(5..5 + len) else {
            return Step::Incomplete;
        };
        let consumed = 5 + len;
        let unknown = Step::Done {
            op: Some(Op::Unknown(0x1D)),
            consumed,
        };
        let nothing = Step::Done { op: None, consumed };
        // cn 0x31 is the QR symbol; other symbologies (PDF417, MaxiCode…) are not ours.
        match body {
            // Select the model: accepted, and model 2 is all we know, so nothing changes.
            [0x31, 0x41, _, _] => nothing,
            [0x31, 0x43, n] if (1..=16).contains(n) => {
                self.qr_module_size = *n;
                nothing
            }
            [0x31, 0x45, n] => match QrEcc::from_code(*n) {
                Some(ecc) => {
                    self.qr_ecc = ecc;
                    nothing
                }
                None => unknown,
            },
            [0x31, 0x50, 0x30, data @ ..] => {
                self.qr_data = data.to_vec();
                nothing
            }
            [0x31, 0x51, 0x30] => Step::Done {
                op: Some(Op::Qr {
                    data: self.qr_data.clone(),
                    module_size: self.qr_module_size,
                    ecc: self.qr_ecc,
                }),
                consumed,
            },
            _ => unknown,
        }
    }
}

/// Decodes `buf` from a fresh [`Decoder`], returning the ops and the number of bytes consumed.
///
/// ```
/// use hallq_escpos::decode::{decode, Op};
///
/// // `ESC @`, then the first byte of `ESC E n`, which has not arrived whole.
/// let (ops, used) = decode(&[0x1B, 0x40, 0x1B, 0x45]);
/// assert_eq!(ops, [Op::Init]);
/// assert_eq!(used, 2);
/// ```
pub fn decode(buf: &[u8]) -> (Vec<Op>, usize) {
    Decoder::new().decode(buf)
}

/// Returns whether `b` can be part of a text run: a line feed or any byte from space upward,
/// which covers ASCII and every byte of a GB18030 multi-byte character.
fn is_text_byte(b: u8) -> bool {
    b == b'\n' || b >= 0x20
}

/// Decodes the text run at the start of `buf`.
///
/// A run that reaches the end of `buf` may end in half a GB18030 character; only the whole
/// characters are taken, and the rest waits for more bytes.
fn text_run(buf: &[u8]) -> Step {
    let run_len = buf
        .iter()
        .position(|&b| !is_text_byte(b))
        .unwrap_or(buf.len());
    let take = if run_len == buf.len() {
        whole_chars(&buf[..run_len])
    } else {
        run_len
    };
    if take == 0 {
        return Step::Incomplete;
    }
    let (text, _had_errors) = GB18030.decode_without_bom_handling(&buf[..take]);
    Step::Done {
        op: Some(Op::Text(text.into_owned())),
        consumed: take,
    }
}

/// Returns the length of the longest prefix of `run` that does not end inside a GB18030
/// multi-byte character (two bytes `81..FE 40..FE`, or four bytes `81..FE 30..39 81..FE 30..39`).
///
/// Malformed sequences count as single bytes: the decoder will turn them into U+FFFD anyway, and
/// what matters here is only never to cut a well-formed character in two.
fn whole_chars(run: &[u8]) -> usize {
    let lead = |b: u8| (0x81..=0xFE).contains(&b);
    let digit = |b: u8| b.is_ascii_digit();
    let mut p = 0;
    while p < run.len() {
        if !lead(run[p]) {
            p += 1;
            continue;
        }
        let Some(&b2) = run.get(p + 1) else {
            return p;
        };
        if !digit(b2) {
            p += if (0x40..=0xFE).contains(&b2) && b2 != 0x7F {
                2
            } else {
                1
            };
            continue;
        }
        let Some(&b3) = run.get(p + 2) else {
            return p;
        };
        if !lead(b3) {
            p += 1;
            continue;
        }
        let Some(&b4) = run.get(p + 3) else {
            return p;
        };
        p += if digit(b4) { 4 } else { 1 };
    }
    p
}

/// Renders ops as the text a person would read on the paper, one printed line per line.
///
/// Formatting (size, bold, alignment) is dropped; `ESC d n` becomes `n` line feeds after the
/// current line; a QR symbol becomes a line `[QR] <data>`; a cut becomes a line `[CUT]`.
pub fn plain_text(ops: &[Op]) -> String {
    let mut out = String::new();
    let end_line = |out: &mut String| {
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
    };
    for op in ops {
        match op {
            Op::Text(t) => out.push_str(t),
            Op::Feed(n) => {
                end_line(&mut out);
                out.extend(std::iter::repeat_n('\n', usize::from(*n)));
            }
            Op::Qr { data, .. } => {
                end_line(&mut out);
                out.push_str("[QR] ");
                out.push_str(&String::from_utf8_lossy(data));
                out.push('\n');
            }
            Op::Cut { .. } => {
                end_line(&mut out);
                out.push_str("[CUT]\n");
            }
            Op::Init
            | Op::ChineseMode
            | Op::Size { .. }
            | Op::Bold(_)
            | Op::Align(_)
            | Op::StatusRequest(_)
            | Op::Unknown(_) => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Builder;

    #[test]
    fn every_command_decodes_to_its_op() {
        let mut b = Builder::new();
        b.init()
            .chinese_mode()
            .size(2, 3)
            .bold(true)
            .align(Align::Right)
            .feed(2)
            .line("请到3号窗口")
            .cut_partial(5)
            .status_request(1);
        b.qr(b"abc", 7, QrEcc::H).unwrap();
        let (ops, used) = decode(b.as_bytes());
        assert_eq!(used, b.as_bytes().len());
        assert_eq!(
            ops,
            [
                Op::Init,
                Op::ChineseMode,
                Op::Size { w: 2, h: 3 },
                Op::Bold(true),
                Op::Align(Align::Right),
                Op::Feed(2),
                Op::Text("请到3号窗口\n".into()),
                Op::Cut {
                    partial: true,
                    feed: 5
                },
                Op::StatusRequest(1),
                Op::Qr {
                    data: b"abc".to_vec(),
                    module_size: 7,
                    ecc: QrEcc::H
                },
            ]
        );
    }

    #[test]
    fn a_truncated_command_is_left_for_later() {
        for cut in [
            &[0x1B][..],
            &[0x1B, 0x45],
            &[0x1C],
            &[0x1D],
            &[0x1D, 0x21],
            &[0x1D, 0x56, 0x42],
            &[0x1D, 0x28, 0x6B, 0x05],
            &[0x1D, 0x28, 0x6B, 0x05, 0x00, 0x31, 0x50],
            &[0x10],
            &[0x10, 0x04],
        ] {
            let mut buf = b"ok".to_vec();
            buf.extend_from_slice(cut);
            let (ops, used) = decode(&buf);
            assert_eq!(ops, [Op::Text("ok".into())], "{cut:02X?}");
            assert_eq!(used, 2, "{cut:02X?}");
        }
    }

    #[test]
    fn half_a_chinese_character_at_the_end_waits_for_the_rest() {
        // 请 = C7 EB; 😀 = 94 39 FC 36
        let (ops, used) = decode(&[b'a', 0xC7]);
        assert_eq!((ops, used), (vec![Op::Text("a".into())], 1));
        let (ops, used) = decode(&[0x94, 0x39, 0xFC]);
        assert_eq!((ops, used), (vec![], 0));
        let (ops, used) = decode(&[0xC7, 0xEB, 0x94, 0x39, 0xFC, 0x36]);
        assert_eq!((ops, used), (vec![Op::Text("请😀".into())], 6));
    }

    #[test]
    fn a_stream_fed_in_pieces_decodes_like_the_whole() {
        let mut b = Builder::new();
        b.init().line("政务服务中心 A001").bold(true);
        b.qr(b"https://q.example/t/1", 4, QrEcc::M).unwrap();
        b.cut_partial(0);
        let whole = b.into_bytes();
        for chunk in 1..=7 {
            let mut dec = Decoder::new();
            let mut pending = Vec::new();
            let mut ops = Vec::new();
            for piece in whole.chunks(chunk) {
                pending.extend_from_slice(piece);
                let (more, used) = dec.decode(&pending);
                ops.extend(more);
                pending.drain(..used);
            }
            assert!(pending.is_empty());
            assert_eq!(plain_text(&ops), plain_text(&decode(&whole).0), "{chunk}");
        }
    }

    #[test]
    fn unknown_bytes_are_reported_and_skipped() {
        let (ops, used) = decode(&[0x1B, 0x21, 0x00, 0x07, 0x1D, 0x61, 0x1B, 0x61, 0x09]);
        assert_eq!(used, 9);
        assert_eq!(
            ops,
            [
                Op::Unknown(0x1B),
                Op::Text("!".into()),
                Op::Unknown(0x00),
                Op::Unknown(0x07),
                Op::Unknown(0x1D),
                Op::Text("a".into()),
                Op::Unknown(0x1B),
            ]
        );
    }

    #[test]
    fn a_foreign_gs_paren_k_command_is_skipped_by_its_length() {
        // PDF417 (cn 0x30) "store" with 3 payload bytes that would otherwise look like commands.
        let buf = [
            0x1D, 0x28, 0x6B, 0x06, 0x00, 0x30, 0x50, 0x30, 0x1B, 0x40, 0x0A, b'x',
        ];
        let (ops, used) = decode(&buf);
        assert_eq!(used, buf.len());
        assert_eq!(ops, [Op::Unknown(0x1D), Op::Text("x".into())]);
    }

    #[test]
    fn plain_text_lays_out_lines_feeds_qr_and_cut() {
        let ops = [
            Op::Text("第一行\n半行".into()),
            Op::Feed(1),
            Op::Qr {
                data: b"u".to_vec(),
                module_size: 3,
                ecc: QrEcc::L,
            },
            Op::Bold(true),
            Op::Text("尾".into()),
            Op::Cut {
                partial: true,
                feed: 0,
            },
        ];
        assert_eq!(plain_text(&ops), "第一行\n半行\n\n[QR] u\n尾\n[CUT]\n");
    }
}
