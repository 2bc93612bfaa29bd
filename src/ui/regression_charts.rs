//! The Drivers tab's charts: predicted against actual with the 45° line, the errors against
//! the prediction, and the effect of each driver (bars with 95 % ranges) in the target's
//! units, with its sentence.

use eframe::egui::{self, Color32, RichText};
use egui_plot::{HLine, Legend, Line, Plot, PlotPoints, Points};

use super::theme;
use crate::analysis::regress::{DriverRange, RegCoefficient, RegModelResult, RegressResult};
use crate::analysis::regress_explain::{nice_step, plain};

const CHART_HEIGHT: f32 = 360.0;
/// Most points drawn in a scatter (an even sample of the evaluation rows beyond that).
const MAX_POINTS: usize = 4000;

/// At most [`MAX_POINTS`] evenly spaced rows of `n`, as points (non-finite ones left out).
fn sample_points(n: usize, point: impl Fn(usize) -> [f64; 2]) -> Vec<[f64; 2]> {
    let stride = n.div_ceil(MAX_POINTS).max(1);
    (0..n)
        .step_by(stride)
        .map(point)
        .filter(|p| p[0].is_finite() && p[1].is_finite())
        .collect()
}

/// Grid lines at round steps (1, 2 or 5 × 10ⁿ), at most five per axis whatever the span
/// (egui_plot's default steps by powers of ten and can leave an axis with one label).
fn round_steps(input: egui_plot::GridInput) -> Vec<egui_plot::GridMark> {
    let span = (input.bounds.1 - input.bounds.0).abs().max(1e-12);
    let magnitude = 10f64.powf((span / 6.0).log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| span / s <= 5.0)
        .unwrap_or(10.0 * magnitude);
    let first = (input.bounds.0 / step).ceil() as i64;
    let last = (input.bounds.1 / step).floor() as i64;
    (first..=last.min(first + 50))
        .map(|i| egui_plot::GridMark {
            value: i as f64 * step,
            step_size: step,
        })
        .collect()
}

fn axis(v: f64) -> String {
    let a = v.abs();
    if a >= 1e6 {
        format!("{:.1} M", v / 1e6)
    } else if a >= 1e3 {
        format!("{} k", plain(v / 1e3))
    } else {
        plain(v)
    }
}

/// Predicted against actual, and the errors against the prediction, side by side.
pub fn fit_ui(ui: &mut egui::Ui, result: &RegressResult, model: &RegModelResult) {
    let m = &model.errors;
    ui.label(
        RichText::new(format!(
            "{}: typical miss {} (RMSE {}), explains {:.0} % of the ups and downs (R\u{b2} {:.3}).",
            model.kind.label(),
            plain(m.mae),
            plain(m.rmse),
            (m.r2 * 100.0).max(0.0),
            m.r2
        ))
        .size(15.0),
    );
    ui.add_space(4.0);
    let actual = &result.eval_actual;
    let predicted = &model.predictions;
    let n = actual.len().min(predicted.len());
    let points = sample_points(n, |i| [actual[i], predicted[i]]);
    let (lo, hi) = points
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| {
            (a.min(p[0]).min(p[1]), b.max(p[0]).max(p[1]))
        });
    let target = &result.target;
    let half = ((ui.available_width() - 16.0) / 2.0).max(260.0);
    ui.horizontal_top(|ui| {
        ui.vertical(|ui| {
            ui.set_width(half);
            ui.label(RichText::new("Predicted against actual").strong())
                .on_hover_text(
                    "Each dot is one evaluated row. On the line, the prediction was exact.",
                );
            Plot::new("drivers_pred_actual")
                .height(CHART_HEIGHT)
                .width(half)
                .include_x(lo)
                .include_x(hi)
                .include_y(lo)
                .include_y(hi)
                .legend(Legend::default().position(egui_plot::Corner::LeftTop))
                .allow_scroll(false)
                .x_axis_label(format!("actual {target}"))
                .y_axis_label(format!("predicted {target}"))
                .x_grid_spacer(round_steps)
                .y_grid_spacer(round_steps)
                .x_axis_formatter(|mark, _| axis(mark.value))
                .y_axis_formatter(|mark, _| axis(mark.value))
                .show(ui, |p| {
                    if lo.is_finite() && hi.is_finite() {
                        p.line(
                            Line::new(
                                "perfect prediction",
                                PlotPoints::from(vec![[lo, lo], [hi, hi]]),
                            )
                            .color(Color32::GRAY)
                            .width(1.5),
                        );
                    }
                    p.points(
                        Points::new("rows", PlotPoints::from(points.clone()))
                            .color(theme::ACCENT)
                            .radius(2.5),
                    );
                });
        });
        ui.vertical(|ui| {
            ui.set_width(half);
            ui.label(RichText::new("Errors against the prediction").strong())
                .on_hover_text(
                    "Actual minus predicted. A shapeless band around zero is good; a curve or a \
                 funnel means the model misses a pattern.",
                );
            let pts = sample_points(n, |i| [predicted[i], actual[i] - predicted[i]]);
            Plot::new("drivers_residuals")
                .height(CHART_HEIGHT)
                .width(half)
                .allow_scroll(false)
                .x_axis_label(format!("predicted {target}"))
                .y_axis_label("actual \u{2212} predicted")
                .x_grid_spacer(round_steps)
                .y_grid_spacer(round_steps)
                .x_axis_formatter(|mark, _| axis(mark.value))
                .y_axis_formatter(|mark, _| axis(mark.value))
                .show(ui, |p| {
                    p.hline(HLine::new("no error", 0.0).color(Color32::GRAY).width(1.5));
                    p.points(
                        Points::new("rows", PlotPoints::from(pts))
                            .color(theme::segment_color(1))
                            .radius(2.5),
                    );
                });
        });
    });
    let (low, high) = model.residual_range;
    ui.label(
        if result.eval_actual.len() < crate::analysis::regress_steps::QUANTILE_MIN_ROWS {
            format!(
                "Too few evaluated rows to read the spread of the errors directly; a \
                 prediction's range is taken as \u{b1}1.96 \u{d7} RMSE = \u{b1}{}.",
                plain(high)
            )
        } else {
            format!(
                "Errors on the evaluated rows: 95 % fell between {} below and {} above the \
                 prediction.",
                plain(-low),
                plain(high)
            )
        },
    );
}

/// One bar of the effects chart: a change of the driver and what it does to the target.
struct Bar<'a> {
    label: String,
    value: f64,
    range: Option<(f64, f64)>,
    coefficient: &'a RegCoefficient,
}

fn bars<'a>(result: &RegressResult, model: &'a RegModelResult) -> Vec<Bar<'a>> {
    let mut out: Vec<Bar> = model
        .coefficients
        .iter()
        .map(|c| {
            let step = match (&c.category, find(result, &c.feature)) {
                (None, Some(DriverRange::Number { std, .. })) => nice_step(*std),
                _ => 1.0,
            };
            let label = match &c.category {
                Some(cat) => {
                    let reference = result
                        .references
                        .iter()
                        .find(|(f, _)| *f == c.feature)
                        .map_or(String::new(), |(_, r)| format!(" (vs {r})"));
                    format!("{} = {cat}{reference}", c.feature)
                }
                None => format!("{} (+{})", c.feature, plain(step)),
            };
            Bar {
                label,
                value: c.value * step,
                range: c.lower.zip(c.upper).map(|(l, u)| (l * step, u * step)),
                coefficient: c,
            }
        })
        .collect();
    out.sort_by(|a, b| b.value.abs().total_cmp(&a.value.abs()));
    out
}

fn find<'a>(result: &'a RegressResult, feature: &str) -> Option<&'a DriverRange> {
    result.drivers.iter().find(|d| d.name() == feature)
}

/// The effect of each driver as bars with their 95 % ranges, then the sentences.
pub fn effects_ui(ui: &mut egui::Ui, result: &RegressResult, model: &RegModelResult) {
    if model.coefficients.is_empty() {
        ui.add_space(20.0);
        ui.label(
            RichText::new(format!(
                "{} has no single effect per driver: it predicts from the most similar rows. \
                 Use \u{201c}What if\u{201d} to see how the prediction moves, or pick a linear \
                 model in the table above.",
                model.kind.label()
            ))
            .size(15.0),
        );
        return;
    }
    let bars = bars(result, model);
    ui.label(
        RichText::new(format!(
            "Change in {} for each change of a driver, the others held fixed{}",
            result.target,
            if model.ols.is_some() {
                "; whiskers show the 95 % range."
            } else {
                " (penalised models give no ranges)."
            }
        ))
        .size(15.0),
    );
    ui.add_space(6.0);
    effects_chart(ui, &bars);
    if model.ols.is_some() {
        ui.label(
            RichText::new("Pale bars could be chance: their 95 % range includes zero (p > 0.05).")
                .weak(),
        );
    }
    ui.add_space(10.0);
    ui.label(RichText::new("In words").strong());
    for b in &bars {
        ui.label(format!("\u{2022} {}", b.coefficient.sentence));
    }
    if let Some(i) = model.intercept {
        ui.label(
            RichText::new(format!(
                "Starting point (all drivers at zero, every category at its reference): {}.",
                plain(i)
            ))
            .weak(),
        );
    }
}

const LABEL_WIDTH: f32 = 260.0;
const ROW_HEIGHT: f32 = 24.0;

fn effects_chart(ui: &mut egui::Ui, bars: &[Bar]) {
    let span = bars
        .iter()
        .flat_map(|b| {
            let (l, u) = b.range.unwrap_or((b.value, b.value));
            [b.value.abs(), l.abs(), u.abs()]
        })
        .filter(|v| v.is_finite())
        .fold(0.0f64, f64::max)
        .max(1e-12);
    // round the scale up to 1, 2 or 5 × 10ⁿ so the ticks read well
    let magnitude = 10f64.powf(span.log10().floor());
    let span = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|v| *v >= span)
        .unwrap_or(span);
    let width = ui.available_width().max(LABEL_WIDTH + 200.0);
    let (rect, _) = ui.allocate_exact_size(
        egui::vec2(width, ROW_HEIGHT * bars.len() as f32 + 24.0),
        egui::Sense::hover(),
    );
    let painter = ui.painter_at(rect);
    let ink = ui.visuals().text_color();
    let plot_left = rect.left() + LABEL_WIDTH + 10.0;
    let plot_right = rect.right() - 90.0;
    let zero = (plot_left + plot_right) / 2.0;
    let half = (plot_right - plot_left) / 2.0;
    let x = |v: f64| zero + (v / span) as f32 * half;
    let font = egui::FontId::proportional(14.0);
    painter.line_segment(
        [
            egui::pos2(zero, rect.top()),
            egui::pos2(zero, rect.bottom() - 20.0),
        ],
        egui::Stroke::new(1.0, Color32::GRAY),
    );
    for (i, b) in bars.iter().enumerate() {
        let y = rect.top() + ROW_HEIGHT * (i as f32 + 0.5);
        painter.text(
            egui::pos2(plot_left - 10.0, y),
            egui::Align2::RIGHT_CENTER,
            &b.label,
            font.clone(),
            ink,
        );
        let color = if b.value >= 0.0 {
            Color32::from_rgb(0x2E, 0x8B, 0x57)
        } else {
            Color32::from_rgb(0xC0, 0x39, 0x2B)
        };
        // effects that could be chance are drawn pale
        let color = match b.coefficient.p_value {
            Some(p) if p > 0.05 => color.gamma_multiply(0.4),
            _ => color.gamma_multiply(0.9),
        };
        let (a, c) = (x(0.0), x(b.value));
        painter.rect_filled(
            egui::Rect::from_min_max(
                egui::pos2(a.min(c), y - 7.0),
                egui::pos2(a.max(c).max(a.min(c) + 1.0), y + 7.0),
            ),
            2.0,
            color,
        );
        if let Some((l, u)) = b.range {
            let stroke = egui::Stroke::new(1.5, ink);
            painter.line_segment([egui::pos2(x(l), y), egui::pos2(x(u), y)], stroke);
            for e in [l, u] {
                painter.line_segment(
                    [egui::pos2(x(e), y - 5.0), egui::pos2(x(e), y + 5.0)],
                    stroke,
                );
            }
        }
        painter.text(
            egui::pos2(plot_right + 8.0, y),
            egui::Align2::LEFT_CENTER,
            format!("{}{}", if b.value > 0.0 { "+" } else { "" }, plain(b.value)),
            font.clone(),
            ink,
        );
    }
    let axis_y = rect.bottom() - 10.0;
    for v in [-span, -span / 2.0, 0.0, span / 2.0, span] {
        painter.text(
            egui::pos2(x(v), axis_y),
            egui::Align2::CENTER_CENTER,
            axis(v),
            egui::FontId::proportional(12.0),
            ui.visuals().weak_text_color(),
        );
    }
}
