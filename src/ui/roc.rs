//! "How well it predicts": every model's ROC curve with its AUC, the precision-recall curve,
//! the threshold slider with the confusion matrix and metric cards, and the comparison table.

use eframe::egui::{self, Color32, RichText};
use egui_plot::{Legend, Line, Plot, PlotPoints, Points};

use super::classify::model_color;
use crate::analysis::classify::{ClassifyResult, ModelResult};
use crate::app::{AppState, Command};
use crate::cli::thousands;
use crate::data::Dataset;
use crate::metrics::classification::Confusion;

/// Most points of one curve handed to egui_plot (the AUC always uses every vertex).
pub const CURVE_POINTS: usize = 1500;

/// A value computed once per result and model, kept in egui's memory.
fn cached<T: Clone + Send + Sync + 'static>(
    ui: &egui::Ui,
    key: (&str, (usize, usize)),
    make: impl FnOnce() -> T,
) -> T {
    let id = ui.scope_id().with(("predict_cache", key));
    if let Some(v) = ui.data(|d| d.get_temp::<T>(id)) {
        return v;
    }
    let v = make();
    ui.data_mut(|d| d.insert_temp(id, v.clone()));
    v
}

/// Identifies a result for caching: its run number (unique per training run) and size.
pub fn result_key(result: &ClassifyResult) -> (usize, usize) {
    (result.run as usize, result.eval_y.len())
}

fn positive_name(result: &ClassifyResult) -> String {
    result.target.positive_label()
}

pub fn ui(
    ui: &mut egui::Ui,
    st: &mut AppState,
    result: &ClassifyResult,
    _ds: &Dataset,
    _cmds: &mut Vec<Command>,
) {
    let selected = st.cls.selected.min(result.models.len().saturating_sub(1));
    let Some(model) = result.models.get(selected) else {
        return;
    };
    metrics_table_ui(ui, st, result);
    ui.add_space(8.0);

    let threshold = st.cls.threshold;
    let confusion = Confusion::at(&result.eval_y, &model.scores, threshold);
    let width = ui.available_width();
    let wide = width > 900.0;
    let chart_w = if wide { width / 2.0 - 8.0 } else { width };
    let key = result_key(result);
    let curves = |ui: &mut egui::Ui| {
        ui.vertical(|ui| {
            ui.set_width(chart_w);
            ui.label(RichText::new("ROC curve").strong()).on_hover_text(
                "Each point is a threshold: how many of the positives are caught (up) against \
                 how many others are flagged by mistake (right). The area under it (AUC) is the \
                 chance that a random positive scores higher than a random other: 0.5 is \
                 guessing, 1 is perfect.",
            );
            roc_plot(ui, result, key, selected, confusion, chart_w);
        });
        ui.vertical(|ui| {
            ui.set_width(chart_w);
            ui.label(RichText::new("Precision and recall").strong())
                .on_hover_text(
                    "Recall: the share of positives the list catches. Precision: the share of the \
                 list that really is positive. Raising the threshold trades one for the other.",
                );
            pr_plot(ui, result, key, selected, confusion, chart_w);
        });
    };
    if wide {
        ui.horizontal(curves);
    } else {
        ui.vertical(curves);
    }
    ui.add_space(8.0);
    threshold_ui(ui, st, result, model, confusion);
}

fn roc_plot(
    ui: &mut egui::Ui,
    result: &ClassifyResult,
    key: (usize, usize),
    selected: usize,
    confusion: Confusion,
    width: f32,
) {
    let curves: Vec<Vec<[f64; 2]>> = cached(ui, ("roc", key), || {
        result
            .models
            .iter()
            .map(|m| m.roc.thinned(CURVE_POINTS))
            .collect()
    });
    let lines = result
        .models
        .iter()
        .zip(curves)
        .map(|(m, pts)| (format!("{} (AUC {:.3})", m.kind.label(), m.auc), pts))
        .collect();
    let here = [1.0 - confusion.specificity(), confusion.recall()];
    unit_square_plot(
        ui,
        UnitPlot {
            id: "predict_roc",
            width,
            axes: (
                "false alarms: share of others flagged",
                "share of positives caught",
            ),
            corner: egui_plot::Corner::RightBottom,
            reference: [[0.0, 0.0], [1.0, 1.0]],
            lines,
            selected,
            marker: Some(here),
        },
    );
}

fn pr_plot(
    ui: &mut egui::Ui,
    result: &ClassifyResult,
    key: (usize, usize),
    selected: usize,
    confusion: Confusion,
    width: f32,
) {
    let curves: Vec<Vec<[f64; 2]>> = cached(ui, ("pr", key), || {
        result
            .models
            .iter()
            .map(|m| thin_xy(&m.pr.recall, &m.pr.precision, CURVE_POINTS))
            .collect()
    });
    let base =
        result.eval_y.iter().filter(|v| **v).count() as f64 / result.eval_y.len().max(1) as f64;
    let lines = result
        .models
        .iter()
        .zip(curves)
        .map(|(m, pts)| {
            let name = format!("{} (AP {:.3})", m.kind.label(), m.average_precision);
            (name, pts)
        })
        .collect();
    let marker =
        (confusion.tp + confusion.fp > 0).then(|| [confusion.recall(), confusion.precision()]);
    unit_square_plot(
        ui,
        UnitPlot {
            id: "predict_pr",
            width,
            axes: (
                "recall: share of positives caught",
                "precision: share of the list that is positive",
            ),
            corner: egui_plot::Corner::LeftBottom,
            reference: [[0.0, base], [1.0, base]],
            lines,
            selected,
            marker,
        },
    );
}

/// A chart of curves in the unit square (ROC, precision-recall).
struct UnitPlot {
    id: &'static str,
    width: f32,
    axes: (&'static str, &'static str),
    corner: egui_plot::Corner,
    /// The "random guess" line.
    reference: [[f64; 2]; 2],
    /// (legend name, points) per model, in model order.
    lines: Vec<(String, Vec<[f64; 2]>)>,
    selected: usize,
    /// The selected model at the current threshold.
    marker: Option<[f64; 2]>,
}

fn unit_square_plot(ui: &mut egui::Ui, plot: UnitPlot) {
    Plot::new(plot.id)
        .height(320.0)
        .width(plot.width)
        .default_x_bounds(-0.02, 1.02)
        .default_y_bounds(-0.02, 1.02)
        .x_axis_label(plot.axes.0)
        .y_axis_label(plot.axes.1)
        .legend(Legend::default().position(plot.corner))
        .allow_scroll(false)
        .show(ui, |p| {
            p.line(
                Line::new("random guess", PlotPoints::from(plot.reference.to_vec()))
                    .color(Color32::GRAY)
                    .style(egui_plot::LineStyle::dashed_loose()),
            );
            for (i, (name, pts)) in plot.lines.into_iter().enumerate() {
                p.line(
                    Line::new(name, PlotPoints::from(pts))
                        .color(model_color(i))
                        .width(if i == plot.selected { 3.0 } else { 1.5 }),
                );
            }
            if let Some(here) = plot.marker {
                p.points(
                    Points::new("current threshold", PlotPoints::from(vec![here]))
                        .radius(6.0)
                        .color(model_color(plot.selected)),
                );
            }
        });
}

/// The core's curve thinning, shared with the exported charts.
pub use crate::chart::analyses::classify::thin_xy;

fn metrics_table_ui(ui: &mut egui::Ui, st: &mut AppState, result: &ClassifyResult) {
    let cross = result.models.iter().any(|m| !m.fold_aucs.is_empty());
    let best = result.best().map(|b| b.kind);
    let t = st.cls.threshold;
    egui::Grid::new("predict_metrics")
        .striped(true)
        .num_columns(9)
        .spacing([18.0, 4.0])
        .show(ui, |ui| {
            let heads: [(&str, &str); 8] = [
                ("Model", "Click a model to see its details."),
                ("AUC", "Chance that a random positive scores above a random other (0.5 guessing, 1 perfect)."),
                ("Accuracy", "Share of all customers put on the right side of the threshold."),
                ("Precision", "Of those flagged, the share that really are positive."),
                ("Recall", "Of all positives, the share flagged."),
                ("F1", "One number balancing precision and recall (their harmonic mean)."),
                ("Log loss", "How far the probabilities are from what happened; lower is better."),
                ("Trained in", "Time to train (all folds for cross-validation)."),
            ];
            for (h, hint) in heads {
                ui.label(RichText::new(h).strong()).on_hover_text(hint);
            }
            if cross {
                ui.label(RichText::new("AUC by fold").strong())
                    .on_hover_text("Mean and spread of the AUC over the cross-validation folds.");
            }
            ui.end_row();
            for (i, m) in result.models.iter().enumerate() {
                let c = Confusion::at(&result.eval_y, &m.scores, t);
                let mut name = RichText::new(m.kind.label()).color(model_color(i));
                if Some(m.kind) == best && result.models.len() > 1 {
                    name = name.strong();
                }
                if ui.selectable_label(st.cls.selected == i, name).clicked() {
                    st.cls.selected = i;
                }
                ui.label(format!("{:.3}", m.auc));
                ui.label(format!("{:.1} %", 100.0 * c.accuracy()));
                ui.label(format!("{:.1} %", 100.0 * c.precision()));
                ui.label(format!("{:.1} %", 100.0 * c.recall()));
                ui.label(format!("{:.3}", c.f1()));
                ui.label(format!("{:.3}", m.log_loss));
                ui.label(format!("{:.2} s", m.train_seconds));
                if cross {
                    let n = m.fold_aucs.len().max(1) as f64;
                    let mean = m.fold_aucs.iter().sum::<f64>() / n;
                    let sd = (m.fold_aucs.iter().map(|a| (a - mean).powi(2)).sum::<f64>() / n).sqrt();
                    ui.label(format!("{mean:.3} \u{b1} {sd:.3}"));
                }
                ui.end_row();
            }
        });
    if let Some(b) = result.best()
        && result.models.len() > 1
    {
        ui.label(format!(
            "{} ranks customers best (AUC {:.3}). Precision, recall and accuracy are at the threshold {:.2}.",
            b.kind.label(),
            b.auc,
            t
        ));
    }
}

fn threshold_ui(
    ui: &mut egui::Ui,
    st: &mut AppState,
    result: &ClassifyResult,
    model: &ModelResult,
    c: Confusion,
) {
    let who = positive_name(result);
    ui.horizontal(|ui| {
        let label = ui.label(RichText::new("Threshold").strong()).on_hover_text(
            "Customers whose probability is at or above this are flagged as positive.",
        );
        // never rewritten on its own: a cut-off from the campaign planner (0.3724) stays exact
        ui.add(
            egui::Slider::new(&mut st.cls.threshold, 0.0..=1.0)
                .clamping(egui::SliderClamping::Never)
                .max_decimals(4),
        )
        .labelled_by(label.id);
        if ui.button("Reset to 0.5").clicked() {
            st.cls.threshold = 0.5;
        }
    });
    let total = c.total().max(1) as f64;
    let cell = |ui: &mut egui::Ui, n: u64, caption: &str, good: bool| {
        let fill = if good {
            ui.visuals().selection.bg_fill.gamma_multiply(0.35)
        } else {
            ui.visuals().faint_bg_color
        };
        egui::Frame::new()
            .fill(fill)
            .inner_margin(8.0)
            .corner_radius(4.0)
            .show(ui, |ui| {
                ui.vertical(|ui| {
                    ui.set_width(200.0);
                    ui.label(RichText::new(thousands(n as usize)).size(20.0).strong());
                    ui.label(format!("{:.1} % of customers", 100.0 * n as f64 / total));
                    ui.label(RichText::new(caption).weak());
                });
            });
    };
    ui.horizontal_top(|ui| {
        egui::Grid::new("predict_confusion")
            .num_columns(3)
            .spacing([8.0, 8.0])
            .show(ui, |ui| {
                ui.label("");
                ui.label(RichText::new(format!("Predicted {who}")).strong());
                ui.label(RichText::new("Predicted not").strong());
                ui.end_row();
                ui.label(RichText::new(format!("Actually {who}")).strong());
                cell(ui, c.tp, "caught: predicted, and it happened", true);
                cell(ui, c.fn_, "missed: it happened, not predicted", false);
                ui.end_row();
                ui.label(RichText::new("Actually not").strong());
                cell(ui, c.fp, "false alarm: predicted, did not happen", false);
                cell(ui, c.tn, "correctly left alone", true);
                ui.end_row();
            });
        ui.add_space(16.0);
        ui.vertical(|ui| {
            for (name, value, hint) in [
                (
                    "Accuracy",
                    c.accuracy(),
                    "Share of all customers put on the right side.",
                ),
                (
                    "Precision",
                    c.precision(),
                    "Of those flagged, the share that really are positive.",
                ),
                ("Recall", c.recall(), "Of all positives, the share flagged."),
                (
                    "Specificity",
                    c.specificity(),
                    "Of all others, the share correctly left alone.",
                ),
                (
                    "F1 (0 to 1)",
                    c.f1(),
                    "Balance of precision and recall; 1 is perfect.",
                ),
            ] {
                ui.horizontal(|ui| {
                    ui.label(
                        RichText::new(if name.starts_with("F1") {
                            format!("{value:.3}")
                        } else {
                            format!("{:.1} %", 100.0 * value)
                        })
                        .size(18.0)
                        .strong(),
                    );
                    ui.label(name).on_hover_text(hint);
                });
            }
            // wraps within the space left beside the matrix (it ran off the window)
            ui.add(
                egui::Label::new(
                    RichText::new(format!(
                        "{}: flagging everyone with a probability of at least {} means \
                         contacting {} customers and catching {} of {} {}.",
                        model.kind.label(),
                        crate::cli::short_number(st.cls.threshold),
                        thousands((c.tp + c.fp) as usize),
                        thousands(c.tp as usize),
                        thousands((c.tp + c.fn_) as usize),
                        who
                    ))
                    .weak(),
                )
                .wrap(),
            );
        });
    });
}
