//! The what-if panel: a slider for each number driver and a choice for each category,
//! starting at typical values; the prediction and its 95 % range follow as they move.

use eframe::egui::{self, RichText};

use super::theme;
use crate::analysis::regress::{DriverRange, DriverValue, RegModelResult, RegressResult};
use crate::analysis::regress_explain::plain;
use crate::app::RegressState;

/// The prediction for the current values, computed only when they (or the model) change.
fn prediction(
    reg: &mut RegressState,
    result: &RegressResult,
    model: &RegModelResult,
) -> Result<f64, String> {
    let key = (result.run, reg.selected, reg.what_if.clone());
    if let Some((k, value)) = &reg.what_if_cache
        && *k == key
    {
        return value.clone();
    }
    let value = model.fitted.predict_one(&reg.what_if);
    reg.what_if_cache = Some((key, value.clone()));
    value
}

pub fn ui(
    ui: &mut egui::Ui,
    reg: &mut RegressState,
    result: &RegressResult,
    model: &RegModelResult,
) {
    if reg.what_if.len() != result.drivers.len() {
        reg.what_if = result.typical_values();
    }
    ui.label(
        RichText::new(format!(
            "Move the drivers to see what {} would do. They start at typical values (the median, \
             or the most common category).",
            result.target
        ))
        .size(15.0),
    );
    ui.add_space(6.0);
    let typical = match reg.typical_cache {
        Some((run, selected, t)) if run == result.run && selected == reg.selected => t,
        _ => {
            let t = model.fitted.predict_one(&result.typical_values()).ok();
            reg.typical_cache = Some((result.run, reg.selected, t));
            t
        }
    };
    let mut outside = Vec::new();
    ui.horizontal_top(|ui| {
        ui.vertical(|ui| {
            ui.set_width((ui.available_width() * 0.5).max(420.0));
            ui.spacing_mut().slider_width = 240.0;
            egui::Grid::new("what_if_drivers")
                .num_columns(2)
                .spacing([14.0, 10.0])
                .show(ui, |ui| {
                    for d in &result.drivers {
                        driver_ui(ui, reg, d, &mut outside);
                        ui.end_row();
                    }
                });
            ui.add_space(6.0);
            if ui
                .button("Back to typical values")
                .on_hover_text("Put every driver back at its median or most common category.")
                .clicked()
            {
                reg.what_if = result.typical_values();
            }
        });
        ui.add_space(20.0);
        ui.vertical(|ui| {
            let p = prediction(reg, result, model);
            egui::Frame::group(ui.style())
                .inner_margin(egui::Margin::same(16))
                .show(ui, |ui| match p {
                    Ok(value) => outcome_ui(ui, result, model, value, typical),
                    Err(e) => {
                        ui.label(format!("No prediction: {e}"));
                    }
                });
            for (name, lo, hi) in &outside {
                ui.label(
                    RichText::new(format!(
                        "{name} is outside the values the model saw ({} to {}): read the \
                         prediction with care.",
                        plain(*lo),
                        plain(*hi)
                    ))
                    .color(ui.visuals().warn_fg_color),
                );
            }
        });
    });
}

fn outcome_ui(
    ui: &mut egui::Ui,
    result: &RegressResult,
    model: &RegModelResult,
    value: f64,
    typical: Option<f64>,
) {
    ui.label(RichText::new(format!("Predicted {}", result.target)).size(16.0));
    ui.label(
        RichText::new(plain(value))
            .size(40.0)
            .strong()
            .color(theme::ACCENT),
    );
    let (low, high) = model.residual_range;
    ui.label(
        RichText::new(format!(
            "95 % range: {} to {}",
            plain(value + low),
            plain(value + high)
        ))
        .size(16.0),
    )
    .on_hover_text(
        "Measured on the evaluated rows: 95 % of their errors fell in this band, so a new case \
         is likely to as well.",
    );
    range_bar(ui, value, value + low, value + high, typical);
    ui.label(
        RichText::new(
            "dot: this prediction \u{b7} band: its 95 % range \u{b7} tick: typical values",
        )
        .weak(),
    );
    if let Some(t) = typical {
        let change = value - t;
        let pct = if t != 0.0 {
            format!(" ({:+.1} %)", 100.0 * change / t.abs())
        } else {
            String::new()
        };
        ui.label(
            RichText::new(format!(
                "At typical values: {}. Change: {}{}{pct}",
                plain(t),
                if change > 0.0 { "+" } else { "" },
                plain(change)
            ))
            .size(15.0),
        );
    }
    ui.label(RichText::new(format!("Model: {}", model.kind.label())).weak());
}

fn driver_ui(
    ui: &mut egui::Ui,
    reg: &mut RegressState,
    d: &DriverRange,
    outside: &mut Vec<(String, f64, f64)>,
) {
    let Some(slot) = reg
        .what_if
        .iter_mut()
        .find(|(n, _)| n == d.name())
        .map(|(_, v)| v)
    else {
        return;
    };
    let label = ui.label(RichText::new(d.name()).size(15.0));
    match (d, slot) {
        (
            DriverRange::Number {
                min, max, median, ..
            },
            DriverValue::Number(v),
        ) => {
            ui.horizontal(|ui| {
                ui.add(
                    egui::Slider::new(v, *min..=*max)
                        .clamping(egui::SliderClamping::Never)
                        .custom_formatter(|x, _| plain(x))
                        .custom_parser(|text| text.replace(',', "").trim().parse().ok()),
                )
                .labelled_by(label.id)
                .on_hover_text(format!(
                    "Seen from {} to {}; typical {}. Type a value in the box to go beyond.",
                    plain(*min),
                    plain(*max),
                    plain(*median)
                ));
                for (text, factor) in [("\u{2212}5 %", 0.95), ("+5 %", 1.05)] {
                    if ui
                        .small_button(text)
                        .on_hover_text(format!("Change {} by {text}.", d.name()))
                        .clicked()
                    {
                        *v *= factor;
                    }
                }
            });
            if *v < *min || *v > *max {
                outside.push((d.name().to_owned(), *min, *max));
            }
        }
        (DriverRange::Category { categories, .. }, DriverValue::Category(c)) => {
            egui::ComboBox::from_id_salt(("what_if", d.name()))
                .selected_text(c.as_str())
                .show_ui(ui, |ui| {
                    for cat in categories {
                        ui.selectable_value(c, cat.clone(), cat);
                    }
                })
                .response
                .labelled_by(label.id);
        }
        _ => {
            ui.label("?");
        }
    }
}

/// The prediction's range as a bar, the prediction as a dot and the typical prediction as a
/// tick, so a room can see how far a change moves it compared with the uncertainty.
fn range_bar(ui: &mut egui::Ui, value: f64, low: f64, high: f64, typical: Option<f64>) {
    let (rect, _) = ui.allocate_exact_size(egui::vec2(320.0, 26.0), egui::Sense::hover());
    let painter = ui.painter_at(rect);
    let lo = typical.map_or(low, |t| low.min(t));
    let hi = typical.map_or(high, |t| high.max(t));
    let pad = (hi - lo).abs().max(1e-9) * 0.08;
    let x = |v: f64| rect.left() + ((v - lo + pad) / (hi - lo + 2.0 * pad)) as f32 * rect.width();
    let y = rect.center().y;
    painter.line_segment(
        [egui::pos2(x(low), y), egui::pos2(x(high), y)],
        egui::Stroke::new(8.0, theme::ACCENT.gamma_multiply(0.3)),
    );
    if let Some(t) = typical {
        painter.line_segment(
            [egui::pos2(x(t), y - 10.0), egui::pos2(x(t), y + 10.0)],
            egui::Stroke::new(2.0, ui.visuals().weak_text_color()),
        );
    }
    painter.circle_filled(egui::pos2(x(value), y), 7.0, theme::ACCENT);
}
