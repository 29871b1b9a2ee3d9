//! The colour of one LED and how it maps to screens and bit planes.

use embedded_graphics::pixelcolor::{PixelColor, Rgb888};

/// The state of one LED of a window strip.
///
/// Strips are monochrome (red LEDs only) or tricolour (a red and a green LED per pixel; both lit
/// read as yellow). A monochrome frame only ever holds [`LedColor::Off`] and [`LedColor::Red`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum LedColor {
    /// Both LEDs dark.
    #[default]
    Off,
    /// The red LED lit.
    Red,
    /// The green LED lit (tricolour panels only).
    Green,
    /// Red and green lit together (tricolour panels only).
    Yellow,
}

impl LedColor {
    /// Builds a colour from the red and green plane bits of one pixel.
    pub const fn from_planes(red: bool, green: bool) -> Self {
        match (red, green) {
            (false, false) => Self::Off,
            (true, false) => Self::Red,
            (false, true) => Self::Green,
            (true, true) => Self::Yellow,
        }
    }

    /// Tells whether the red LED of this pixel is lit.
    pub const fn red(self) -> bool {
        matches!(self, Self::Red | Self::Yellow)
    }

    /// Tells whether the green LED of this pixel is lit.
    pub const fn green(self) -> bool {
        matches!(self, Self::Green | Self::Yellow)
    }

    /// Tells whether any LED of this pixel is lit.
    pub const fn is_lit(self) -> bool {
        !matches!(self, Self::Off)
    }

    /// The colour used for this LED in PNG previews.
    ///
    /// `Off` is a dark grey rather than black so that the dot grid of a preview stays visible. The
    /// mapping is one-to-one, which lets [`crate::Frame::from_png_bytes`] read a PNG back exactly.
    pub const fn to_rgb888(self) -> Rgb888 {
        match self {
            Self::Off => Rgb888::new(0x20, 0x20, 0x20),
            Self::Red => Rgb888::new(0xFF, 0x30, 0x20),
            Self::Green => Rgb888::new(0x30, 0xE0, 0x40),
            Self::Yellow => Rgb888::new(0xFF, 0xD0, 0x20),
        }
    }

    /// Finds the colour whose preview RGB value is exactly `rgb`, if any.
    pub fn from_rgb888(rgb: Rgb888) -> Option<Self> {
        [Self::Off, Self::Red, Self::Green, Self::Yellow]
            .into_iter()
            .find(|c| c.to_rgb888() == rgb)
    }
}

/// `LedColor` is an embedded-graphics colour with no raw representation: the panels' real
/// encodings (bit planes) live in [`crate::Frame`] and the protocol modules, not in the colour.
impl PixelColor for LedColor {
    type Raw = ();
}

impl From<LedColor> for Rgb888 {
    fn from(color: LedColor) -> Self {
        color.to_rgb888()
    }
}

/// How many LEDs each pixel of a panel has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ColorMode {
    /// One red LED per pixel: one bit plane.
    Mono,
    /// A red and a green LED per pixel: two bit planes, red first.
    Tricolor,
}

impl ColorMode {
    /// The number of bit planes a packed frame of this mode carries (1 or 2).
    pub const fn planes(self) -> u8 {
        match self {
            Self::Mono => 1,
            Self::Tricolor => 2,
        }
    }

    /// The mode with `planes` bit planes, if there is one.
    pub const fn from_planes(planes: u8) -> Option<Self> {
        match planes {
            1 => Some(Self::Mono),
            2 => Some(Self::Tricolor),
            _ => None,
        }
    }

    /// Maps `color` to what a panel of this mode can show.
    ///
    /// A monochrome panel shows any lit colour as red, so drawing green text on it still lights
    /// the LEDs and a packed frame round-trips exactly.
    pub const fn normalize(self, color: LedColor) -> LedColor {
        match (self, color) {
            (Self::Mono, LedColor::Off) => LedColor::Off,
            (Self::Mono, _) => LedColor::Red,
            (Self::Tricolor, c) => c,
        }
    }
}
