//! [`Frame`]: the one pixel buffer every panel, protocol and preview shares.

use std::convert::Infallible;
use std::io::Cursor;

use embedded_graphics::Pixel;
use embedded_graphics::prelude::{DrawTarget, OriginDimensions, Size};

use crate::color::{ColorMode, LedColor};

/// The pixels of one LED panel (or of a region of one), row by row from the top left.
///
/// `Frame` is an embedded-graphics [`DrawTarget`], so layouts draw text on it with u8g2 fonts;
/// it packs to the bit planes the wire protocols carry and renders to PNG for previews and
/// snapshot tests. Pixels drawn outside the frame are clipped silently.
///
/// Invariant: every stored pixel is [`ColorMode::normalize`]d for the frame's mode, so a
/// monochrome frame holds only `Off` and `Red`, and [`Frame::pack_planes`] followed by
/// [`Frame::from_planes`] gives back an identical frame.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Frame {
    width: u16,
    height: u16,
    mode: ColorMode,
    pixels: Vec<LedColor>,
}

/// Why packed bit planes or a PNG could not be turned into a [`Frame`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    /// The packed data does not have the length the geometry asks for.
    #[error("packed planes are {actual} bytes, {expected} expected for the geometry")]
    PackedLength {
        /// The byte count the width, height and plane count require.
        expected: usize,
        /// The byte count that was given.
        actual: usize,
    },
    /// A PNG could not be encoded or decoded.
    #[error("PNG error: {0}")]
    Png(String),
    /// A PNG is not an 8-bit RGB image.
    #[error("PNG is not 8-bit RGB")]
    PngFormat,
    /// A PNG is larger than a panel can be.
    #[error("PNG is {0}x{1}, larger than 65535 pixels on a side")]
    PngTooLarge(u32, u32),
    /// A PNG pixel is none of the four LED preview colours.
    #[error("PNG pixel ({x}, {y}) is not an LED colour")]
    UnknownColor {
        /// Column of the offending pixel.
        x: u32,
        /// Row of the offending pixel.
        y: u32,
    },
    /// A PNG holds a colour the requested mode cannot show (green on a monochrome panel).
    #[error("PNG pixel ({x}, {y}) cannot be shown by a monochrome panel")]
    ColorOutOfMode {
        /// Column of the offending pixel.
        x: u32,
        /// Row of the offending pixel.
        y: u32,
    },
}

/// The number of bytes one packed row of `width` pixels takes (rows are padded to whole bytes).
pub const fn row_bytes(width: u16) -> usize {
    (width as usize).div_ceil(8)
}

impl Frame {
    /// Creates a frame of `width` × `height` pixels, all off.
    pub fn new(width: u16, height: u16, mode: ColorMode) -> Self {
        Self {
            width,
            height,
            mode,
            pixels: vec![LedColor::Off; usize::from(width) * usize::from(height)],
        }
    }

    /// The width in pixels.
    pub const fn width(&self) -> u16 {
        self.width
    }

    /// The height in pixels.
    pub const fn height(&self) -> u16 {
        self.height
    }

    /// The colour mode the frame was created for.
    pub const fn mode(&self) -> ColorMode {
        self.mode
    }

    fn index(&self, x: u16, y: u16) -> Option<usize> {
        (x < self.width && y < self.height)
            .then(|| usize::from(y) * usize::from(self.width) + usize::from(x))
    }

    /// The colour at column `x`, row `y`, or `None` outside the frame.
    pub fn pixel(&self, x: u16, y: u16) -> Option<LedColor> {
        self.index(x, y).map(|i| self.pixels[i])
    }

    /// Sets the pixel at (`x`, `y`), normalised for the frame's mode; outside the frame it does
    /// nothing.
    pub fn set_pixel(&mut self, x: u16, y: u16, color: LedColor) {
        if let Some(i) = self.index(x, y) {
            self.pixels[i] = self.mode.normalize(color);
        }
    }

    /// All pixels, row by row from the top left.
    pub fn pixels(&self) -> &[LedColor] {
        &self.pixels
    }

    /// The number of lit pixels; handy in tests to tell a blank frame from a drawn one.
    pub fn lit_count(&self) -> usize {
        self.pixels.iter().filter(|c| c.is_lit()).count()
    }

    /// Counts the pixels that differ from `other`, or returns `None` when the sizes differ.
    pub fn differing_pixels(&self, other: &Frame) -> Option<usize> {
        if (self.width, self.height) != (other.width, other.height) {
            return None;
        }
        Some(
            self.pixels
                .iter()
                .zip(&other.pixels)
                .filter(|(a, b)| a != b)
                .count(),
        )
    }

    /// Copies the `width` × `height` region whose top left is (`x`, `y`); parts outside this
    /// frame come out off.
    pub fn region(&self, x: u16, y: u16, width: u16, height: u16) -> Frame {
        let mut out = Frame::new(width, height, self.mode);
        for ry in 0..height {
            for rx in 0..width {
                let (Some(sx), Some(sy)) = (x.checked_add(rx), y.checked_add(ry)) else {
                    continue;
                };
                if let Some(c) = self.pixel(sx, sy) {
                    out.set_pixel(rx, ry, c);
                }
            }
        }
        out
    }

    /// Draws `src` with its top left at (`x`, `y`), clipping what falls outside this frame.
    pub fn blit(&mut self, src: &Frame, x: u16, y: u16) {
        for sy in 0..src.height {
            for sx in 0..src.width {
                let (Some(dx), Some(dy)) = (x.checked_add(sx), y.checked_add(sy)) else {
                    continue;
                };
                if let Some(c) = src.pixel(sx, sy) {
                    self.set_pixel(dx, dy, c);
                }
            }
        }
    }

    /// The length of [`Frame::pack_planes`]' output for this geometry and mode.
    pub fn packed_len(width: u16, height: u16, mode: ColorMode) -> usize {
        row_bytes(width) * usize::from(height) * usize::from(mode.planes())
    }

    /// Packs the frame into bit planes: the red plane, then (tricolour only) the green plane.
    ///
    /// Each plane is `height` rows of `ceil(width / 8)` bytes; the leftmost pixel of each byte is
    /// its most significant bit, 1 means lit, and the padding bits at the end of a row are 0. A
    /// monochrome frame's single plane has a 1 wherever the pixel is lit.
    pub fn pack_planes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(Self::packed_len(self.width, self.height, self.mode));
        let planes: &[fn(LedColor) -> bool] = match self.mode {
            ColorMode::Mono => &[LedColor::is_lit],
            ColorMode::Tricolor => &[LedColor::red, LedColor::green],
        };
        for lit in planes {
            for y in 0..self.height {
                let row = &self.pixels[usize::from(y) * usize::from(self.width)..]
                    [..usize::from(self.width)];
                for chunk in row.chunks(8) {
                    let mut byte = 0u8;
                    for (bit, &c) in chunk.iter().enumerate() {
                        if lit(c) {
                            byte |= 0x80 >> bit;
                        }
                    }
                    out.push(byte);
                }
            }
        }
        out
    }

    /// Rebuilds a frame from bit planes laid out as [`Frame::pack_planes`] writes them.
    ///
    /// Padding bits are ignored. The data must have exactly the length the geometry asks for.
    pub fn from_planes(
        width: u16,
        height: u16,
        mode: ColorMode,
        packed: &[u8],
    ) -> Result<Self, FrameError> {
        let expected = Self::packed_len(width, height, mode);
        if packed.len() != expected {
            return Err(FrameError::PackedLength {
                expected,
                actual: packed.len(),
            });
        }
        let plane_len = row_bytes(width) * usize::from(height);
        let bit = |plane: usize, x: u16, y: u16| {
            let byte =
                packed[plane * plane_len + usize::from(y) * row_bytes(width) + usize::from(x) / 8];
            byte & (0x80 >> (x % 8)) != 0
        };
        let mut frame = Frame::new(width, height, mode);
        for y in 0..height {
            for x in 0..width {
                let color = match mode {
                    ColorMode::Mono => LedColor::from_planes(bit(0, x, y), false),
                    ColorMode::Tricolor => LedColor::from_planes(bit(0, x, y), bit(1, x, y)),
                };
                frame.set_pixel(x, y, color);
            }
        }
        Ok(frame)
    }

    /// Encodes the frame as an 8-bit RGB PNG with one image pixel per LED.
    ///
    /// The colours are [`LedColor::to_rgb888`]'s, so [`Frame::from_png_bytes`] reads the image
    /// back exactly; snapshot tests rely on that. A frame with no pixels cannot be a PNG.
    pub fn to_png_bytes(&self) -> Result<Vec<u8>, FrameError> {
        self.encode_png(1)
    }

    /// Encodes an enlarged preview for people: every LED becomes a `scale` × `scale` dot, with a
    /// one-pixel dark gap between dots when `scale` is 4 or more, like the real strip.
    ///
    /// `scale` is clamped to 1..=32. This image is not meant to be read back.
    pub fn preview_png_bytes(&self, scale: u32) -> Result<Vec<u8>, FrameError> {
        self.encode_png(scale.clamp(1, 32))
    }

    fn encode_png(&self, scale: u32) -> Result<Vec<u8>, FrameError> {
        let (w, h) = (
            u32::from(self.width) * scale,
            u32::from(self.height) * scale,
        );
        let gap = scale >= 4;
        let mut data = Vec::with_capacity(w as usize * h as usize * 3);
        for py in 0..h {
            for px in 0..w {
                let (x, y) = ((px / scale) as u16, (py / scale) as u16);
                let in_gap = gap && (px % scale == scale - 1 || py % scale == scale - 1);
                let rgb = if in_gap {
                    [0x08, 0x08, 0x08]
                } else {
                    let c = self.pixel(x, y).unwrap_or_default().to_rgb888();
                    [
                        embedded_graphics::pixelcolor::RgbColor::r(&c),
                        embedded_graphics::pixelcolor::RgbColor::g(&c),
                        embedded_graphics::pixelcolor::RgbColor::b(&c),
                    ]
                };
                data.extend_from_slice(&rgb);
            }
        }
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, w, h);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let png_err = |e: png::EncodingError| FrameError::Png(e.to_string());
        let mut writer = encoder.write_header().map_err(png_err)?;
        writer.write_image_data(&data).map_err(png_err)?;
        writer.finish().map_err(png_err)?;
        Ok(out)
    }

    /// Reads a PNG written by [`Frame::to_png_bytes`] back into a frame of the given mode.
    ///
    /// Every pixel must be exactly one of the four LED preview colours, and a monochrome frame
    /// accepts only off and red.
    pub fn from_png_bytes(bytes: &[u8], mode: ColorMode) -> Result<Self, FrameError> {
        let png_err = |e: png::DecodingError| FrameError::Png(e.to_string());
        let decoder = png::Decoder::new(Cursor::new(bytes));
        let mut reader = decoder.read_info().map_err(png_err)?;
        let size = reader
            .output_buffer_size()
            .ok_or_else(|| FrameError::Png("image too large".into()))?;
        let mut buf = vec![0; size];
        let info = reader.next_frame(&mut buf).map_err(png_err)?;
        if info.color_type != png::ColorType::Rgb || info.bit_depth != png::BitDepth::Eight {
            return Err(FrameError::PngFormat);
        }
        let (Ok(width), Ok(height)) = (u16::try_from(info.width), u16::try_from(info.height))
        else {
            return Err(FrameError::PngTooLarge(info.width, info.height));
        };
        let mut frame = Frame::new(width, height, mode);
        for y in 0..height {
            let row = &buf[usize::from(y) * info.line_size..][..usize::from(width) * 3];
            for (x, rgb) in (0..width).zip(row.chunks_exact(3)) {
                let c = embedded_graphics::pixelcolor::Rgb888::new(rgb[0], rgb[1], rgb[2]);
                let (ux, uy) = (u32::from(x), u32::from(y));
                let color =
                    LedColor::from_rgb888(c).ok_or(FrameError::UnknownColor { x: ux, y: uy })?;
                if mode.normalize(color) != color {
                    return Err(FrameError::ColorOutOfMode { x: ux, y: uy });
                }
                frame.set_pixel(x, y, color);
            }
        }
        Ok(frame)
    }
}

impl OriginDimensions for Frame {
    fn size(&self) -> Size {
        Size::new(u32::from(self.width), u32::from(self.height))
    }
}

impl DrawTarget for Frame {
    type Color = LedColor;
    type Error = Infallible;

    fn draw_iter<I>(&mut self, pixels: I) -> Result<(), Self::Error>
    where
        I: IntoIterator<Item = Pixel<Self::Color>>,
    {
        for Pixel(point, color) in pixels {
            if let (Ok(x), Ok(y)) = (u16::try_from(point.x), u16::try_from(point.y)) {
                self.set_pixel(x, y, color);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packing_puts_the_leftmost_pixel_in_the_most_significant_bit() {
        let mut f = Frame::new(10, 2, ColorMode::Mono);
        f.set_pixel(0, 0, LedColor::Red);
        f.set_pixel(9, 0, LedColor::Red);
        f.set_pixel(1, 1, LedColor::Green);
        assert_eq!(f.pack_planes(), vec![0x80, 0x40, 0x40, 0x00]);
    }

    #[test]
    fn tricolour_packs_red_plane_then_green_plane() {
        let mut f = Frame::new(8, 1, ColorMode::Tricolor);
        f.set_pixel(0, 0, LedColor::Red);
        f.set_pixel(1, 0, LedColor::Green);
        f.set_pixel(2, 0, LedColor::Yellow);
        assert_eq!(f.pack_planes(), vec![0b1010_0000, 0b0110_0000]);
        assert_eq!(
            Frame::from_planes(8, 1, ColorMode::Tricolor, &f.pack_planes()),
            Ok(f)
        );
    }

    #[test]
    fn unpacking_rejects_a_wrong_length() {
        assert!(matches!(
            Frame::from_planes(9, 2, ColorMode::Mono, &[0; 3]),
            Err(FrameError::PackedLength {
                expected: 4,
                actual: 3
            })
        ));
    }

    #[test]
    fn png_round_trips_exactly() {
        let mut f = Frame::new(5, 3, ColorMode::Tricolor);
        f.set_pixel(4, 2, LedColor::Yellow);
        f.set_pixel(0, 1, LedColor::Green);
        let png = f.to_png_bytes().unwrap();
        assert_eq!(Frame::from_png_bytes(&png, ColorMode::Tricolor).unwrap(), f);
        assert!(matches!(
            Frame::from_png_bytes(&png, ColorMode::Mono),
            Err(FrameError::ColorOutOfMode { .. })
        ));
    }

    #[test]
    fn drawing_outside_is_clipped_and_mono_normalises_colours() {
        let mut f = Frame::new(2, 2, ColorMode::Mono);
        f.draw_iter([
            Pixel(embedded_graphics::prelude::Point::new(-1, 0), LedColor::Red),
            Pixel(
                embedded_graphics::prelude::Point::new(1, 1),
                LedColor::Yellow,
            ),
        ])
        .unwrap();
        assert_eq!(f.pixel(1, 1), Some(LedColor::Red));
        assert_eq!(f.lit_count(), 1);
        assert_eq!(f.pixel(2, 0), None);
    }
}
