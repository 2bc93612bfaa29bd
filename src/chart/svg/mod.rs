//! A [`Chart`](super::Chart) as a standalone SVG document.
//!
//! Made for presenters (an image read from across a room) and for slides: large type, nothing
//! clipped. Every margin comes from the measured size of the text it must hold; [`layout`]
//! places every text item and returns their boxes, and [`render`] draws exactly that layout.
//!
//! Text widths are estimated conservatively per character (wide for CJK), sized so the
//! estimate is never smaller than the advance in the bundled font (Noto Sans CJK SC) nor in
//! common sans-serif fonts, so the drawn text stays inside its box whichever font a browser
//! picks.

mod draw;
mod layout;
#[cfg(test)]
pub(crate) mod tests;
mod text;
mod ticks;

pub use draw::render;
pub use layout::{Layout, LegendSwatch, layout};
pub use text::{Anchor, Rect, TextItem, TextRole, escape, text_width};
pub use ticks::{date_of, format_fixed, nice_ticks, ticks};

/// The family name of the bundled font (`assets/fonts/NotoSansSC-subset.ttf`), as its name
/// table spells it.
pub const FONT_FAMILY: &str = "Noto Sans CJK SC";

/// The `font-family` list written into the SVG: the bundled font first, then its common
/// alternative name, then any sans-serif font.
const FONT_LIST: &str = "'Noto Sans CJK SC', 'Noto Sans SC', sans-serif";

/// Height of a line box and baseline position, in ems. The bundled font's ascent is 1.16 em
/// and its descent 0.288 em (hhea), which is what renderers use for the text box.
const ASCENT: f64 = 1.17;
const DESCENT: f64 = 0.30;
const LINE: f64 = ASCENT + DESCENT;

/// Angle of rotated category labels on the x axis, in degrees (counter-clockwise).
const X_LABEL_ANGLE: f64 = -35.0;

/// How the chart looks.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Style {
    /// Dark background, light text.
    pub dark: bool,
    /// Multiplies every font size (1.0 = the default sizes).
    pub font_scale: f32,
}

impl Default for Style {
    fn default() -> Self {
        Style {
            dark: false,
            font_scale: 1.0,
        }
    }
}
