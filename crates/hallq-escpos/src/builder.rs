//! The ESC/POS encoder: a builder that appends exact command bytes to a buffer.
//!
//! Every method appends the bytes of one command (or one run of text) and nothing else, so the
//! output of a chain of calls is the concatenation of the commands in call order. The builder has
//! no I/O and no hidden state: the same calls always give the same bytes, which is what lets the
//! golden-byte tests pin a whole ticket.

use std::borrow::Cow;

use encoding_rs::{EncoderResult, GB18030};

/// The largest payload a model 2 QR symbol holds in byte mode (version 40, ECC level L).
///
/// Longer data cannot be printed as one symbol, so [`Builder::qr`] refuses it instead of letting
/// the printer silently print nothing.
pub const QR_MAX_DATA: usize = 2953;

/// The horizontal alignment of the following lines (`ESC a n`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Align {
    /// Lines start at the left margin (`n = 0`).
    Left,
    /// Lines are centred (`n = 1`).
    Center,
    /// Lines end at the right margin (`n = 2`).
    Right,
}

impl Align {
    /// Returns the `n` byte of `ESC a n` for this alignment.
    pub fn code(self) -> u8 {
        match self {
            Align::Left => 0,
            Align::Center => 1,
            Align::Right => 2,
        }
    }

    /// Reads the `n` byte of `ESC a n`, accepting both the binary (0..=2) and the ASCII digit
    /// (48..=50) forms the way printers do.
    pub fn from_code(n: u8) -> Option<Align> {
        match n {
            0 | 48 => Some(Align::Left),
            1 | 49 => Some(Align::Center),
            2 | 50 => Some(Align::Right),
            _ => None,
        }
    }
}

/// The error-correction level of a QR symbol (`GS ( k` function 169).
///
/// Higher levels survive more damage (a creased or smudged ticket) at the cost of a larger symbol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QrEcc {
    /// About 7 % of the symbol can be restored (`n = 48`).
    L,
    /// About 15 % of the symbol can be restored (`n = 49`).
    M,
    /// About 25 % of the symbol can be restored (`n = 50`).
    Q,
    /// About 30 % of the symbol can be restored (`n = 51`).
    H,
}

impl QrEcc {
    /// Returns the `n` byte of the ECC-level command for this level.
    pub fn code(self) -> u8 {
        match self {
            QrEcc::L => 48,
            QrEcc::M => 49,
            QrEcc::Q => 50,
            QrEcc::H => 51,
        }
    }

    /// Reads the `n` byte of the ECC-level command; anything outside 48..=51 is not a level.
    pub fn from_code(n: u8) -> Option<QrEcc> {
        match n {
            48 => Some(QrEcc::L),
            49 => Some(QrEcc::M),
            50 => Some(QrEcc::Q),
            51 => Some(QrEcc::H),
            _ => None,
        }
    }
}

/// Why [`Builder::qr`] refused a payload; the builder is left unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum QrError {
    /// An empty payload makes the printer print nothing at all, which is never what was meant.
    #[error("the QR payload is empty")]
    Empty,
    /// The payload does not fit in one model 2 symbol.
    #[error("the QR payload is {0} bytes, more than the {QR_MAX_DATA} a symbol holds")]
    TooLong(usize),
}

/// Builds an ESC/POS byte stream, one command per call.
///
/// Methods take `&mut self` and return `&mut Self` so calls chain and can also be made
/// conditionally; [`Builder::into_bytes`] hands the buffer over at the end.
///
/// ```
/// use hallq_escpos::{Align, Builder};
///
/// let mut b = Builder::new();
/// b.init().chinese_mode().align(Align::Center).size(2, 2).line("请到3号窗口");
/// assert_eq!(&b.as_bytes()[..4], &[0x1B, 0x40, 0x1C, 0x26]);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Builder {
    buf: Vec<u8>,
}

impl Builder {
    /// Creates an empty builder.
    pub fn new() -> Self {
        Builder::default()
    }

    /// Appends `ESC @` (`1B 40`), which clears the print buffer and resets every mode to the
    /// printer's power-on defaults.
    pub fn init(&mut self) -> &mut Self {
        self.buf.extend_from_slice(&[0x1B, 0x40]);
        self
    }

    /// Appends `FS &` (`1C 26`), which switches the printer to Chinese character mode so that
    /// double-byte text is read as GB2312/GB18030 rather than as two single-byte characters.
    pub fn chinese_mode(&mut self) -> &mut Self {
        self.buf.extend_from_slice(&[0x1C, 0x26]);
        self
    }

    /// Appends `text` encoded as GB18030, without a line feed.
    ///
    /// Nothing is refused: a character GB18030 cannot encode becomes `?`, and so does every
    /// control character except `\n` (which is kept as a line feed). Stripping controls matters:
    /// a hall name containing `ESC` or `GS` would otherwise be read by the printer as a command.
    pub fn text(&mut self, text: &str) -> &mut Self {
        encode_gb18030(&sanitize(text), &mut self.buf);
        self
    }

    /// Appends `text` like [`Builder::text`] followed by a line feed (`0A`), which prints the line.
    pub fn line(&mut self, text: &str) -> &mut Self {
        self.text(text);
        self.buf.push(b'\n');
        self
    }

    /// Appends `GS ! n` (`1D 21 n`), selecting a character size of `width` × `height` times
    /// normal, where `n = (width - 1) << 4 | (height - 1)`.
    ///
    /// Both factors are clamped to the printer's range 1..=8.
    pub fn size(&mut self, width: u8, height: u8) -> &mut Self {
        let w = width.clamp(1, 8) - 1;
        let h = height.clamp(1, 8) - 1;
        self.buf.extend_from_slice(&[0x1D, 0x21, (w << 4) | h]);
        self
    }

    /// Appends `ESC E n` (`1B 45 n`), turning emphasized (bold) printing on or off.
    pub fn bold(&mut self, on: bool) -> &mut Self {
        self.buf.extend_from_slice(&[0x1B, 0x45, u8::from(on)]);
        self
    }

    /// Appends `ESC a n` (`1B 61 n`), aligning the following lines.
    ///
    /// Printers apply alignment only at the start of a line, so call it before the text.
    pub fn align(&mut self, align: Align) -> &mut Self {
        self.buf.extend_from_slice(&[0x1B, 0x61, align.code()]);
        self
    }

    /// Appends `ESC d n` (`1B 64 n`), which prints the buffer and feeds `lines` lines.
    pub fn feed(&mut self, lines: u8) -> &mut Self {
        self.buf.extend_from_slice(&[0x1B, 0x64, lines]);
        self
    }

    /// Appends the five `GS ( k` commands that print `data` as a model 2 QR symbol: select the
    /// model, set the module size (clamped to 1..=16 dots), set the error-correction level, store
    /// the data, and print it.
    ///
    /// The store command's length field is `data.len() + 3` in little-endian order. The printer
    /// draws the symbol itself, so no QR library is needed here.
    ///
    /// # Errors
    ///
    /// Refuses an empty payload or one longer than [`QR_MAX_DATA`], appending nothing.
    pub fn qr(&mut self, data: &[u8], module_size: u8, ecc: QrEcc) -> Result<&mut Self, QrError> {
        if data.is_empty() {
            return Err(QrError::Empty);
        }
        if data.len() > QR_MAX_DATA {
            return Err(QrError::TooLong(data.len()));
        }
        // Model 2, the model every current printer and phone camera reads.
        self.buf
            .extend_from_slice(&[0x1D, 0x28, 0x6B, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00]);
        self.buf.extend_from_slice(&[
            0x1D,
            0x28,
            0x6B,
            0x03,
            0x00,
            0x31,
            0x43,
            module_size.clamp(1, 16),
        ]);
        self.buf
            .extend_from_slice(&[0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x45, ecc.code()]);
        // QR_MAX_DATA + 3 fits in u16, so the length cannot overflow.
        let [pl, ph] = ((data.len() + 3) as u16).to_le_bytes();
        self.buf
            .extend_from_slice(&[0x1D, 0x28, 0x6B, pl, ph, 0x31, 0x50, 0x30]);
        self.buf.extend_from_slice(data);
        self.buf
            .extend_from_slice(&[0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x51, 0x30]);
        Ok(self)
    }

    /// Appends `GS V B n` (`1D 56 42 n`): feed the paper to the cutting position plus `feed`
    /// motion units, then cut partially, leaving a hinge so the ticket does not fall on the floor.
    pub fn cut_partial(&mut self, feed: u8) -> &mut Self {
        self.buf.extend_from_slice(&[0x1D, 0x56, 0x42, feed]);
        self
    }

    /// Appends `DLE EOT n` (`10 04 n`), a real-time status request; the printer answers with one
    /// byte (see [`crate::status`]). Meaningful values of `n` are 1 to 4.
    pub fn status_request(&mut self, n: u8) -> &mut Self {
        self.buf.extend_from_slice(&[0x10, 0x04, n]);
        self
    }

    /// Returns the bytes built so far.
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf
    }

    /// Consumes the builder and returns its bytes.
    pub fn into_bytes(self) -> Vec<u8> {
        self.buf
    }
}

/// Replaces every control character except `\n` with `?`, borrowing when there is none.
fn sanitize(text: &str) -> Cow<'_, str> {
    let bad = |c: char| c.is_control() && c != '\n';
    if text.chars().any(bad) {
        Cow::Owned(text.chars().map(|c| if bad(c) { '?' } else { c }).collect())
    } else {
        Cow::Borrowed(text)
    }
}

/// Encodes `text` as GB18030 onto `out`, writing `?` for each character the encoder reports as
/// unmappable (rather than the HTML character reference `Encoding::encode` would produce).
fn encode_gb18030(text: &str, out: &mut Vec<u8>) {
    let mut encoder = GB18030.new_encoder();
    let mut rest = text;
    loop {
        // GB18030 needs at most 4 bytes per character; reserve for the whole remainder.
        let needed = encoder
            .max_buffer_length_from_utf8_without_replacement(rest.len())
            .unwrap_or(rest.len().saturating_mul(4))
            .max(4);
        out.reserve(needed);
        let (result, read) = encoder.encode_from_utf8_to_vec_without_replacement(rest, out, true);
        rest = &rest[read..];
        match result {
            EncoderResult::InputEmpty => return,
            EncoderResult::OutputFull => continue,
            EncoderResult::Unmappable(_) => out.push(b'?'),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(f: impl FnOnce(&mut Builder) -> &mut Builder) -> Vec<u8> {
        let mut b = Builder::new();
        f(&mut b);
        b.into_bytes()
    }

    #[test]
    fn init_and_chinese_mode_are_their_two_byte_commands() {
        assert_eq!(bytes(|b| b.init()), [0x1B, 0x40]);
        assert_eq!(bytes(|b| b.chinese_mode()), [0x1C, 0x26]);
    }

    #[test]
    fn size_packs_width_into_the_high_nibble_and_height_into_the_low() {
        assert_eq!(bytes(|b| b.size(1, 1)), [0x1D, 0x21, 0x00]);
        assert_eq!(bytes(|b| b.size(2, 2)), [0x1D, 0x21, 0x11]);
        assert_eq!(bytes(|b| b.size(4, 4)), [0x1D, 0x21, 0x33]);
        assert_eq!(bytes(|b| b.size(2, 1)), [0x1D, 0x21, 0x10]);
        assert_eq!(bytes(|b| b.size(8, 8)), [0x1D, 0x21, 0x77]);
    }

    #[test]
    fn size_clamps_factors_outside_one_to_eight() {
        assert_eq!(bytes(|b| b.size(0, 9)), [0x1D, 0x21, 0x07]);
        assert_eq!(bytes(|b| b.size(255, 0)), [0x1D, 0x21, 0x70]);
    }

    #[test]
    fn bold_align_feed_cut_and_status_are_exact() {
        assert_eq!(bytes(|b| b.bold(true)), [0x1B, 0x45, 0x01]);
        assert_eq!(bytes(|b| b.bold(false)), [0x1B, 0x45, 0x00]);
        assert_eq!(bytes(|b| b.align(Align::Left)), [0x1B, 0x61, 0x00]);
        assert_eq!(bytes(|b| b.align(Align::Center)), [0x1B, 0x61, 0x01]);
        assert_eq!(bytes(|b| b.align(Align::Right)), [0x1B, 0x61, 0x02]);
        assert_eq!(bytes(|b| b.feed(3)), [0x1B, 0x64, 0x03]);
        assert_eq!(bytes(|b| b.cut_partial(0)), [0x1D, 0x56, 0x42, 0x00]);
        assert_eq!(bytes(|b| b.status_request(4)), [0x10, 0x04, 0x04]);
    }

    #[test]
    fn qr_emits_model_size_ecc_store_and_print_for_a_twenty_byte_payload() {
        let data = b"https://q.example/t1"; // 20 bytes
        assert_eq!(data.len(), 20);
        let mut b = Builder::new();
        b.qr(data, 6, QrEcc::M).unwrap();
        let mut want = vec![
            0x1D, 0x28, 0x6B, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00, // model 2
            0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x43, 0x06, // module size 6
            0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x45, 0x31, // ECC M
            0x1D, 0x28, 0x6B, 0x17, 0x00, 0x31, 0x50, 0x30, // store, pL = 20 + 3
        ];
        want.extend_from_slice(data);
        want.extend_from_slice(&[0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x51, 0x30]); // print
        assert_eq!(b.into_bytes(), want);
    }

    #[test]
    fn qr_length_field_is_little_endian_past_255_bytes() {
        let data = vec![b'x'; 300];
        let mut b = Builder::new();
        b.qr(&data, 3, QrEcc::L).unwrap();
        let store = &b.as_bytes()[25..33];
        // 303 = 0x012F
        assert_eq!(store, [0x1D, 0x28, 0x6B, 0x2F, 0x01, 0x31, 0x50, 0x30]);
    }

    #[test]
    fn qr_refuses_empty_and_oversized_payloads_without_appending() {
        let mut b = Builder::new();
        assert_eq!(b.qr(b"", 3, QrEcc::L).unwrap_err(), QrError::Empty);
        let big = vec![b'1'; QR_MAX_DATA + 1];
        assert_eq!(
            b.qr(&big, 3, QrEcc::L).unwrap_err(),
            QrError::TooLong(QR_MAX_DATA + 1)
        );
        assert!(b.as_bytes().is_empty());
        assert!(b.qr(&big[..QR_MAX_DATA], 3, QrEcc::L).is_ok());
    }

    #[test]
    fn chinese_text_is_encoded_as_gb18030() {
        // 请 = C7 EB, 到 = B5 BD, 3 = 33, 号 = BA C5, 窗 = B4 B0, 口 = BF DA
        assert_eq!(
            bytes(|b| b.text("请到3号窗口")),
            [
                0xC7, 0xEB, 0xB5, 0xBD, 0x33, 0xBA, 0xC5, 0xB4, 0xB0, 0xBF, 0xDA
            ]
        );
        // 【 = A1 BE, 】 = A1 BF, full-width colon ： = A3 BA
        assert_eq!(
            bytes(|b| b.line("【补打】：")),
            [
                0xA1, 0xBE, 0xB2, 0xB9, 0xB4, 0xF2, 0xA1, 0xBF, 0xA3, 0xBA, 0x0A
            ]
        );
    }

    #[test]
    fn characters_outside_gb2312_use_gb18030_four_byte_sequences() {
        // U+20AC € is two bytes (A2 E3); U+1F600 😀 is the four-byte 94 39 FC 36.
        assert_eq!(bytes(|b| b.text("€")), [0xA2, 0xE3]);
        assert_eq!(bytes(|b| b.text("😀")), [0x94, 0x39, 0xFC, 0x36]);
    }

    #[test]
    fn unmappable_characters_and_controls_become_question_marks() {
        // U+E5E5 is the one code point the WHATWG GB18030 encoder refuses.
        assert_eq!(bytes(|b| b.text("a\u{E5E5}b")), b"a?b");
        // An ESC inside a hall name must not reach the printer as a command.
        assert_eq!(bytes(|b| b.text("x\u{1B}@\ty")), b"x?@?y");
        assert_eq!(bytes(|b| b.text("a\nb")), b"a\nb");
    }
}
