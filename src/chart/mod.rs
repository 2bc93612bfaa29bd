//! Charts as data: every analysis describes its charts as [`spec::Chart`] values, which the
//! presentation mode draws in the window, [`svg`] writes as SVG, [`png`] rasterizes at any
//! size, and the HTML report embeds. Knows nothing of egui, so the CLI and tests use it too.
//!
//! A new view gets presentation mode, export and the report by listing its charts (and
//! tables) in [`analyses`].

pub mod analyses;
pub mod png;
pub mod spec;
pub mod svg;

pub use spec::{Axis, AxisKind, Chart, Rgb, Series, SeriesKind, Table};
