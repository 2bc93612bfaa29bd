//! Fonts and colours. The bundled Noto Sans SC subset (all of GB2312) makes Chinese column
//! names and values render on every machine; system fonts fill in anything it lacks.

use std::sync::Arc;

use eframe::egui::{self, Color32, FontData, FontDefinitions, FontFamily};

use crate::data::ColumnKind;

/// The same bytes the exported charts are drawn with (compiled in once).
const CJK_FONT: &[u8] = crate::chart::png::FONT;

pub fn install_fonts(ctx: &egui::Context) {
    let mut fonts = FontDefinitions::default();
    fonts.font_data.insert(
        "noto_sans_sc".to_owned(),
        Arc::new(FontData::from_static(CJK_FONT)),
    );
    for family in [FontFamily::Proportional, FontFamily::Monospace] {
        fonts
            .families
            .entry(family)
            .or_default()
            .push("noto_sans_sc".to_owned());
    }
    ctx.set_fonts(fonts);
}

/// Light by default: it reads better on projectors and in printed handouts.
pub fn apply(ctx: &egui::Context, dark: bool) {
    ctx.set_theme(if dark {
        egui::Theme::Dark
    } else {
        egui::Theme::Light
    });
    ctx.global_style_mut(|style| {
        style.spacing.item_spacing = egui::vec2(8.0, 6.0);
        style.spacing.button_padding = egui::vec2(8.0, 4.0);
    });
}

pub const ACCENT: Color32 = Color32::from_rgb(0x0F, 0x76, 0x8C);

/// A colour per column kind, readable on light and dark backgrounds.
pub fn kind_color(kind: ColumnKind) -> Color32 {
    match kind {
        ColumnKind::Numeric => Color32::from_rgb(0x1F, 0x77, 0xB4),
        ColumnKind::Categorical => Color32::from_rgb(0xD9, 0x77, 0x06),
        ColumnKind::Boolean => Color32::from_rgb(0x2C, 0xA0, 0x2C),
        ColumnKind::Date => Color32::from_rgb(0x94, 0x67, 0xBD),
        ColumnKind::Id => Color32::from_rgb(0x7F, 0x7F, 0x7F),
        ColumnKind::Text => Color32::from_rgb(0x8C, 0x56, 0x4B),
    }
}

pub fn error_fill(dark: bool) -> Color32 {
    if dark {
        Color32::from_rgb(0x5A, 0x1E, 0x1E)
    } else {
        Color32::from_rgb(0xFD, 0xE2, 0xE1)
    }
}

pub fn notice_fill(dark: bool) -> Color32 {
    if dark {
        Color32::from_rgb(0x23, 0x3A, 0x4D)
    } else {
        Color32::from_rgb(0xE3, 0xF0, 0xFB)
    }
}

/// Distinct colours for segments (Tableau 10), cycling after ten.
pub fn segment_color(i: usize) -> Color32 {
    const PALETTE: [Color32; 10] = [
        Color32::from_rgb(0x4E, 0x79, 0xA7),
        Color32::from_rgb(0xF2, 0x8E, 0x2B),
        Color32::from_rgb(0xE1, 0x57, 0x59),
        Color32::from_rgb(0x76, 0xB7, 0xB2),
        Color32::from_rgb(0x59, 0xA1, 0x4F),
        Color32::from_rgb(0xED, 0xC9, 0x48),
        Color32::from_rgb(0xB0, 0x7A, 0xA1),
        Color32::from_rgb(0xFF, 0x9D, 0xA7),
        Color32::from_rgb(0x9C, 0x75, 0x5F),
        Color32::from_rgb(0xBA, 0xB0, 0xAC),
    ];
    PALETTE[i % PALETTE.len()]
}
