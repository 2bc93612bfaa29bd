//! Gains: how much better than picking customers at random the model's ranking is
//! (cumulative gains, lift, the decile table). The campaign planner below them is in
//! [`super::campaign`].

use eframe::egui::{self, RichText};
use egui_plot::{
    Bar, BarChart, HLine, HoverPosition, Legend, Line, LineStyle, Plot, PlotPoints, Points,
};

use super::theme;
use crate::analysis::classify::ClassifyResult;
use crate::app::{AppState, Command};
use crate::cli::thousands;
use crate::data::Dataset;
use crate::metrics::classification::GainsRow;

pub(super) const CHART_HEIGHT: f32 = 300.0;
/// Wider than this, the gains and lift charts sit side by side.
const SIDE_BY_SIDE: f32 = 900.0;
/// A colour for the reference lines (random, perfect, break-even).
pub(super) const REFERENCE: egui::Color32 = egui::Color32::from_rgb(0x8C, 0x8C, 0x8C);
const PERFECT: egui::Color32 = egui::Color32::from_rgb(0x59, 0xA1, 0x4F);

pub fn ui(
    ui: &mut egui::Ui,
    st: &mut AppState,
    result: &ClassifyResult,
    ds: &Dataset,
    _cmds: &mut Vec<Command>,
) {
    let selected = st.cls.selected;
    let Some(model) = result.models.get(selected) else {
        ui.label("There is no trained model to show. Train a model first.");
        return;
    };
    let who = result.target.positive_label();
    let evaluated = result.eval_y.len().min(model.scores.len());
    let positives = result.eval_y[..evaluated].iter().filter(|&&y| y).count();

    ui.heading("Gains and campaign");
    ui.label(
        RichText::new(format!(
            "{}, measured {}: {} customers, {} of them {who}.",
            model.kind.label(),
            result.evaluation,
            thousands(evaluated),
            thousands(positives)
        ))
        .weak(),
    );
    ui.add_space(6.0);

    if evaluated == 0 {
        ui.label("No customers were evaluated, so there is nothing to rank.");
        return;
    }
    if positives == 0 || model.gains.is_empty() {
        ui.label(format!(
            "None of the evaluated customers is {who}, so the gains and lift cannot be measured."
        ));
    } else {
        headline_ui(ui, &model.gains, &who);
        ui.add_space(6.0);
        charts_ui(ui, &model.gains, &who, positives as f64 / evaluated as f64);
        ui.add_space(10.0);
        table_ui(ui, &model.gains, &who);
    }
    ui.add_space(14.0);
    super::campaign::ui(ui, st, result, model, ds, &who);
}

/// "12 %", "4.5 %", "0.35 %": the core's format, shared with the exported charts.
pub(super) use crate::chart::analyses::classify::percent;

/// The sentences a presenter reads out: top 10 % and top 30 %.
fn headline_ui(ui: &mut egui::Ui, gains: &[GainsRow], who: &str) {
    let Some(total) = gains.last().map(|g| g.cum_customers.max(1)) else {
        return;
    };
    for row in [gains.first(), gains.get(2)].into_iter().flatten() {
        if !row.cum_share.is_finite() || !row.lift.is_finite() {
            continue;
        }
        let share_customers = row.cum_customers as f64 / total as f64;
        ui.label(
            RichText::new(format!(
                "The top {} of customers by score hold {} of all {who} customers \u{2014} \
                 {:.1}\u{d7} random.",
                percent(share_customers),
                percent(row.cum_share),
                row.lift
            ))
            .size(15.0),
        );
    }
}

/// Cumulative gains and lift, side by side on wide windows.
fn charts_ui(ui: &mut egui::Ui, gains: &[GainsRow], who: &str, base_rate: f64) {
    if ui.available_width() > SIDE_BY_SIDE {
        ui.columns(2, |cols| {
            gains_chart(&mut cols[0], gains, who, base_rate);
            lift_chart(&mut cols[1], gains);
        });
    } else {
        gains_chart(ui, gains, who, base_rate);
        ui.add_space(8.0);
        lift_chart(ui, gains);
    }
}

fn gains_chart(ui: &mut egui::Ui, gains: &[GainsRow], who: &str, base_rate: f64) {
    ui.label(RichText::new("Cumulative gains").strong())
        .on_hover_text(format!(
            "Contact customers from the highest score down: how many of all {who} customers \
             you reach for each share of the list. The further above the diagonal, the better."
        ));
    let total = gains.last().map_or(1, |g| g.cum_customers.max(1)) as f64;
    let mut curve = vec![[0.0, 0.0]];
    curve.extend(
        gains
            .iter()
            .map(|g| [100.0 * g.cum_customers as f64 / total, 100.0 * g.cum_share]),
    );
    let perfect_x = (100.0 * base_rate).clamp(0.0, 100.0);
    let perfect = vec![[0.0, 0.0], [perfect_x, 100.0], [100.0, 100.0]];
    let reached = format!("% of all {who} customers reached");
    let hover_who = who.to_owned();
    Plot::new("gains_chart")
        .height(CHART_HEIGHT)
        .width(ui.available_width())
        .legend(Legend::default().position(egui_plot::Corner::RightBottom))
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .include_x(0.0)
        .include_x(100.0)
        .include_y(0.0)
        .include_y(100.0)
        .x_axis_label("% of customers contacted, highest scores first")
        .y_axis_label(reached)
        .x_axis_formatter(|mark, _| format!("{:.0} %", mark.value))
        .y_axis_formatter(|mark, _| format!("{:.0} %", mark.value))
        .label_formatter(move |pos| match pos {
            HoverPosition::NearDataPoint {
                plot_name,
                position,
                ..
            } => Some(format!(
                "{plot_name}\ncontact {:.0} % of customers\nreach {:.0} % of {hover_who}",
                position.x, position.y
            )),
            HoverPosition::Elsewhere { .. } => None,
        })
        .show(ui, |p| {
            p.line(
                Line::new("perfect model", PlotPoints::from(perfect))
                    .color(PERFECT)
                    .style(LineStyle::dashed_dense()),
            );
            p.line(
                Line::new(
                    "random choice",
                    PlotPoints::from(vec![[0.0, 0.0], [100.0, 100.0]]),
                )
                .color(REFERENCE)
                .style(LineStyle::dashed_loose()),
            );
            p.line(
                Line::new("this model", PlotPoints::from(curve.clone()))
                    .color(theme::ACCENT)
                    .width(2.5),
            );
            p.points(
                Points::new("this model", PlotPoints::from(curve))
                    .radius(3.5)
                    .color(theme::ACCENT),
            );
        });
}

fn lift_chart(ui: &mut egui::Ui, gains: &[GainsRow]) {
    ui.label(RichText::new("Lift by decile").strong())
        .on_hover_text(
            "Lift: how many times more of the wanted customers you reach than by contacting \
             the same number at random. Bar 3 is the top 30 % of the list; 1\u{d7} is random.",
        );
    let bars: Vec<Bar> = gains
        .iter()
        .filter(|g| g.lift.is_finite())
        .map(|g| {
            Bar::new(g.decile as f64, g.lift)
                .name(format!("top {} %", g.decile * 10))
                .width(0.7)
        })
        .collect();
    let deciles = gains.len();
    Plot::new("lift_chart")
        .height(CHART_HEIGHT)
        .width(ui.available_width())
        .legend(Legend::default())
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .include_y(0.0)
        .include_y(1.2)
        .x_axis_label("share of the list contacted, highest scores first")
        .y_axis_label("lift (\u{d7} random)")
        .x_grid_spacer(egui_plot::uniform_grid_spacer(|_| [1.0, 1.0, 1.0]))
        .x_axis_formatter(move |mark, _| {
            let d = mark.value.round();
            if (mark.value - d).abs() < 1e-6 && d >= 1.0 && d as usize <= deciles {
                format!("{:.0} %", d * 10.0)
            } else {
                String::new()
            }
        })
        .y_axis_formatter(|mark, _| format!("{:.1}\u{d7}", mark.value))
        .show(ui, |p| {
            p.bar_chart(
                BarChart::new("cumulative lift", bars)
                    .color(theme::ACCENT)
                    .element_formatter(Box::new(|bar, _| {
                        format!("{}: {:.2}\u{d7} random", bar.name, bar.value)
                    })),
            );
            p.hline(
                HLine::new("random choice (1\u{d7})", 1.0)
                    .color(REFERENCE)
                    .style(LineStyle::dashed_loose()),
            );
        });
}

fn table_ui(ui: &mut egui::Ui, gains: &[GainsRow], who: &str) {
    ui.label(RichText::new("Customers by decile of score").strong())
        .on_hover_text(
            "The evaluated customers sorted by score, highest first, and cut into ten equal \
             groups (deciles).",
        );
    let total = gains.last().map_or(1, |g| g.cum_customers.max(1)) as f64;
    egui::Grid::new("gains_table")
        .num_columns(6)
        .striped(true)
        .spacing([18.0, 4.0])
        .show(ui, |ui| {
            let headers = [
                (
                    "Decile".to_owned(),
                    "1 holds the 10 % of customers with the highest scores, 10 the lowest."
                        .to_owned(),
                ),
                (
                    "Customers".to_owned(),
                    "How many evaluated customers fall in this decile.".to_owned(),
                ),
                (
                    format!("{who} customers"),
                    format!("How many customers of this decile are actually {who}."),
                ),
                (
                    "Response rate".to_owned(),
                    format!("Share of this decile's customers who are {who}."),
                ),
                (
                    format!("Share of all {who} so far"),
                    format!(
                        "Cumulative gain: share of all {who} customers found in this decile \
                         and the ones above it."
                    ),
                ),
                (
                    "Lift".to_owned(),
                    "Cumulative lift: how many times more you reach down to this decile than \
                     by contacting the same number of customers at random (1\u{d7} = random)."
                        .to_owned(),
                ),
            ];
            for (title, hint) in headers {
                ui.label(RichText::new(title).strong()).on_hover_text(hint);
            }
            ui.end_row();
            for g in gains {
                let upto = percent(g.cum_customers as f64 / total);
                ui.label(format!("{} (top {upto})", g.decile));
                ui.label(thousands(g.customers));
                ui.label(thousands(g.positives));
                ui.label(percent(g.response_rate));
                ui.label(percent(g.cum_share));
                ui.label(if g.lift.is_finite() {
                    format!("{:.2}\u{d7}", g.lift)
                } else {
                    "n/a".to_owned()
                });
                ui.end_row();
            }
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_precision() {
        assert_eq!(percent(0.34), "34 %");
        assert_eq!(percent(0.045), "4.5 %");
        assert_eq!(percent(0.0035), "0.35 %");
    }
}
