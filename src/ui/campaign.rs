//! The campaign planner: how many of the top-ranked customers are worth contacting for a
//! given cost per contact and value per saved customer, the expected profit curve, and a
//! button that makes the best cut-off the one used on the other pages.

use std::sync::Arc;

use eframe::egui::{self, RichText};
use egui_plot::{HLine, HoverPosition, Legend, Line, LineStyle, Plot, PlotPoints, Points, VLine};

use super::gains::{CHART_HEIGHT, REFERENCE, percent};
use super::theme;
use crate::analysis::classify::{ClassifyResult, ModelResult};
use crate::app::AppState;
use crate::cli::thousands;
use crate::data::Dataset;
use crate::metrics::classification::{best_cutoff, rank_descending};

/// The profit curve is drawn with at most this many points.
const MAX_PROFIT_POINTS: usize = 1_000;
/// The colour of the best cut-off's mark.
const BEST: egui::Color32 = egui::Color32::from_rgb(0xE1, 0x57, 0x59);

/// A probability as a percentage with one decimal ("37.2 %").
fn probability(p: f64) -> String {
    format!("{:.1} %", p * 100.0)
}

/// An amount of money in the user's own currency, rounded to whole units: "12,345", "−2,100".
fn money(v: f64) -> String {
    if !v.is_finite() {
        return "n/a".to_owned();
    }
    let whole = v.abs().round();
    let digits = if whole < 1e18 {
        thousands(whole as usize)
    } else {
        format!("{whole:.0}")
    };
    if v < 0.0 && whole > 0.0 {
        format!("\u{2212}{digits}")
    } else {
        digits
    }
}

/// Which model of which result the cached numbers belong to.
/// (training run, model index, evaluated rows).
type ModelKey = (u64, usize, usize);

/// What only depends on the model's evaluation scores: the number of positives reached when
/// contacting the top n (n = 0..=len), and the scores in ranked order.
#[derive(Clone)]
struct Ranking {
    key: ModelKey,
    reached: Arc<Vec<f64>>,
    ranked_scores: Arc<Vec<f64>>,
}

/// The profit curve for one cost and value.
#[derive(Clone)]
struct Plan {
    key: (ModelKey, u64, u64),
    /// (customers contacted, expected profit), at most about [`MAX_PROFIT_POINTS`].
    points: Arc<Vec<[f64; 2]>>,
    best_n: usize,
    best_profit: f64,
    /// The score of the last customer contacted (None when contacting nobody is best).
    threshold: Option<f64>,
    /// Customers of the whole file scoring at least `threshold`.
    file_count: usize,
    evaluated: usize,
}

fn ranking(ui: &egui::Ui, key: ModelKey, y: &[bool], scores: &[f64]) -> Ranking {
    let cache_id = egui::Id::unique("marketlens_gains_ranking");
    if let Some(r) = ui.data(|d| d.get_temp::<Ranking>(cache_id))
        && r.key == key
    {
        return r;
    }
    // one ranking gives both the scores in order and the positives reached by the top n
    let order = rank_descending(scores);
    let ranked_scores: Vec<f64> = order.iter().map(|&i| scores[i]).collect();
    let reached: Vec<f64> = std::iter::once(0.0)
        .chain(order.iter().scan(0.0, |n, &i| {
            *n += f64::from(u8::from(y[i]));
            Some(*n)
        }))
        .collect();
    let r = Ranking {
        key,
        reached: Arc::new(reached),
        ranked_scores: Arc::new(ranked_scores),
    };
    ui.data_mut(|d| d.insert_temp(cache_id, r.clone()));
    r
}

/// The profit curve for `cost` and `value`, recomputed only when one of them (or the model)
/// changes.
fn plan(
    ui: &egui::Ui,
    model_key: ModelKey,
    model: &ModelResult,
    y: &[bool],
    scores: &[f64],
    cost: f64,
    value: f64,
) -> Plan {
    let key = (model_key, cost.to_bits(), value.to_bits());
    let cache_id = egui::Id::unique("marketlens_gains_plan");
    if let Some(p) = ui.data(|d| d.get_temp::<Plan>(cache_id))
        && p.key == key
    {
        return p;
    }
    let ranking = ranking(ui, model_key, y, scores);
    // the same formula and tie rule as campaign_profit: smallest n with the highest profit
    let profits: Vec<f64> = ranking
        .reached
        .iter()
        .enumerate()
        .map(|(n, &r)| value * r - cost * n as f64)
        .collect();
    // only the end of a group of tied scores can be a cut-off (else "contact the top N"
    // and "probability at least t" would describe different customers)
    let best_n = best_cutoff(&ranking.ranked_scores, &profits);
    let best_profit = profits.get(best_n).copied().unwrap_or(0.0);
    let threshold = best_n
        .checked_sub(1)
        .and_then(|i| ranking.ranked_scores.get(i).copied());
    let file_count = threshold.map_or(0, |t| model.all_scores.iter().filter(|&&s| s >= t).count());
    let p = Plan {
        key,
        points: Arc::new(decimate(&profits, best_n, MAX_PROFIT_POINTS)),
        best_n,
        best_profit,
        threshold,
        file_count,
        evaluated: scores.len(),
    };
    ui.data_mut(|d| d.insert_temp(cache_id, p.clone()));
    p
}

/// Evenly spaced points of `values` (as [index, value]), always with the first, the last and
/// `keep`; about `max_points` in all.
fn decimate(values: &[f64], keep: usize, max_points: usize) -> Vec<[f64; 2]> {
    let len = values.len();
    if len == 0 {
        return Vec::new();
    }
    let step = len.div_ceil(max_points.saturating_sub(2).max(1)).max(1);
    let mut idx: Vec<usize> = (0..len).step_by(step).collect();
    idx.push(keep.min(len - 1));
    idx.push(len - 1);
    idx.sort_unstable();
    idx.dedup();
    idx.into_iter().map(|i| [i as f64, values[i]]).collect()
}

/// The campaign planner for `model` (the selected model of `result`): the cost and value
/// inputs, the profit curve, the best cut-off in a sentence and the "Use this cut-off" button.
/// `who` names the positive class ("churn = yes").
pub fn ui(
    ui: &mut egui::Ui,
    st: &mut AppState,
    result: &ClassifyResult,
    model: &ModelResult,
    ds: &Dataset,
    who: &str,
) {
    ui.heading("Campaign planner");
    ui.label(
        RichText::new(
            "Contact customers from the highest score down. Each contact costs money; each \
             contacted customer who is a real case is worth the value below. Amounts are in \
             whatever currency you type them in.",
        )
        .weak(),
    );
    egui::Grid::new("campaign_inputs")
        .num_columns(2)
        .show(ui, |ui| {
            let cost_label = ui.label("Cost per contact").on_hover_text(
                "What reaching one customer costs: postage, call time, the discount offered.",
            );
            ui.add(
                egui::DragValue::new(&mut st.cls.cost)
                    .speed(0.5)
                    .range(0.0..=1e9)
                    .max_decimals(2),
            )
            .labelled_by(cost_label.id);
            ui.end_row();
            let value_label = ui
                .label("Value of each saved or converted customer")
                .on_hover_text(format!(
                    "What one contacted {who} customer is worth to you if the campaign works \
                     (for example a year of margin). Same currency as the cost."
                ));
            ui.add(
                egui::DragValue::new(&mut st.cls.value)
                    .speed(1.0)
                    .range(0.0..=1e12)
                    .max_decimals(2),
            )
            .labelled_by(value_label.id);
            ui.end_row();
        });

    let evaluated = result.eval_y.len().min(model.scores.len());
    let y = &result.eval_y[..evaluated];
    let scores = &model.scores[..evaluated];
    let key = (result.run, st.cls.selected, evaluated);
    let plan = plan(ui, key, model, y, scores, st.cls.cost, st.cls.value);

    profit_chart(ui, &plan);

    match plan.threshold {
        Some(t) if plan.best_n > 0 => {
            ui.label(
                RichText::new(format!(
                    "Contact the top {} customers ({} of the list, probability \u{2265} {}): \
                     expected profit {} on these {} evaluated customers.",
                    thousands(plan.best_n),
                    percent(plan.best_n as f64 / plan.evaluated.max(1) as f64),
                    probability(t),
                    money(plan.best_profit),
                    thousands(plan.evaluated)
                ))
                .size(15.0),
            );
            if !result.scored_test_file {
                let rows = model.all_scores.len().max(ds.rows()).max(1);
                ui.label(format!(
                    "On the whole file: about {} customers of {} ({}) score at least {}.",
                    thousands(plan.file_count),
                    thousands(model.all_scores.len()),
                    percent(plan.file_count as f64 / rows as f64),
                    probability(t)
                ))
                .on_hover_text(
                    "Counted over every row of the loaded file, including the customers the \
                     model was trained on, so take it as an estimate.",
                );
            }
            let current = (st.cls.threshold - t).abs() < 1e-12;
            if ui
                .add_enabled(!current, egui::Button::new("Use this cut-off"))
                .on_hover_text(format!(
                    "Set the probability cut-off used on the other pages to {}.",
                    probability(t)
                ))
                .on_disabled_hover_text("This is already the cut-off in use.")
                .clicked()
            {
                st.cls.threshold = t;
            }
        }
        _ => {
            ui.label(
                RichText::new(
                    "At these amounts no contact pays off: even the highest-scoring customers \
                     are not likely enough to be worth what a contact costs.",
                )
                .size(15.0),
            );
        }
    }
}

fn profit_chart(ui: &mut egui::Ui, plan: &Plan) {
    ui.add_space(6.0);
    ui.label(RichText::new("Expected profit by number of customers contacted").strong())
        .on_hover_text(
            "Value of the real cases reached minus the cost of all contacts, measured on the \
             evaluated customers. The red mark is the most profitable number to contact.",
        );
    let points = Arc::clone(&plan.points);
    let best = [plan.best_n as f64, plan.best_profit];
    Plot::new("profit_chart")
        .height(CHART_HEIGHT)
        .width(ui.available_width())
        .legend(Legend::default())
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .include_x(0.0)
        .include_y(0.0)
        .x_axis_label("customers contacted, highest scores first")
        .y_axis_label("expected profit")
        .x_axis_formatter(|mark, _| {
            if mark.value >= 0.0 && (mark.value - mark.value.round()).abs() < 1e-6 {
                thousands(mark.value.round() as usize)
            } else {
                String::new()
            }
        })
        .y_axis_formatter(|mark, _| money(mark.value))
        .label_formatter(|pos| match pos {
            HoverPosition::NearDataPoint { position, .. } => Some(format!(
                "contact {}\nprofit {}",
                thousands(position.x.max(0.0).round() as usize),
                money(position.y)
            )),
            HoverPosition::Elsewhere { .. } => None,
        })
        .show(ui, move |p| {
            p.hline(
                HLine::new("break-even", 0.0)
                    .color(REFERENCE)
                    .style(LineStyle::dashed_loose()),
            );
            p.line(
                Line::new("expected profit", PlotPoints::from(points.to_vec()))
                    .color(theme::ACCENT)
                    .width(2.0),
            );
            p.vline(
                VLine::new("best cut-off", best[0])
                    .color(BEST)
                    .style(LineStyle::dashed_dense()),
            );
            p.points(
                Points::new("best cut-off", PlotPoints::from(vec![best]))
                    .radius(6.0)
                    .filled(true)
                    .color(BEST),
            );
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimate_keeps_ends_and_best() {
        let values: Vec<f64> = (0..100_001).map(f64::from).collect();
        let pts = decimate(&values, 12_345, MAX_PROFIT_POINTS);
        assert!(pts.len() <= MAX_PROFIT_POINTS);
        assert_eq!(pts.first().map(|p| p[0]), Some(0.0));
        assert_eq!(pts.last().map(|p| p[0]), Some(100_000.0));
        assert!(pts.iter().any(|p| p[0] == 12_345.0));
        assert!(pts.windows(2).all(|w| w[0][0] < w[1][0]));
    }

    #[test]
    fn decimate_small_keeps_all() {
        let values = [0.0, -5.0, 3.0];
        assert_eq!(decimate(&values, 2, 1_000).len(), 3);
        assert!(decimate(&[], 0, 1_000).is_empty());
    }

    #[test]
    fn money_reads_well() {
        assert_eq!(money(12_345.4), "12,345");
        assert_eq!(money(-2_100.0), "\u{2212}2,100");
        assert_eq!(money(-0.2), "0");
    }
}
