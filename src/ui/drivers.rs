//! What drives the score: permutation importance for any model (how much worse the ranking
//! gets when a column is shuffled), and for logistic regression its weights with odds ratios
//! in plain words.

use eframe::egui::{self, Color32, RichText};
use egui_plot::{Bar, BarChart, Legend, Plot};

use super::theme;
use crate::analysis::classify::ClassifyResult;
use crate::analysis::drivers::{Coefficient, Driver, ImportanceInput};
use crate::app::{AppState, Command};
use crate::chart::analyses::classify::meaning;
use crate::cli::thousands;
use crate::data::Dataset;
use crate::data::prep::Transform;
use crate::jobs::JobProgress;

/// At most this many bars per chart and rows in the table.
const TOP: usize = 15;
/// Height of one bar of a horizontal bar chart, in points.
const BAR_HEIGHT: f32 = 24.0;
/// Bars that lower the probability (the accent colour marks those that raise it).
const LOWERS: Color32 = Color32::from_rgb(0xE0, 0x7B, 0x1A);

pub fn ui(
    ui: &mut egui::Ui,
    st: &mut AppState,
    result: &ClassifyResult,
    _ds: &Dataset,
    cmds: &mut Vec<Command>,
) {
    let Some(model) = result.models.get(st.cls.selected) else {
        ui.label("There is no trained model to show. Train a model first.");
        return;
    };
    let who = result.target.positive_label();

    ui.heading("What drives the score");
    ui.label(
        RichText::new(format!(
            "{}: which columns it relies on to spot {who} customers.",
            model.kind.label()
        ))
        .weak(),
    );
    ui.add_space(6.0);

    ui.label(RichText::new("Importance of each column").strong())
        .on_hover_text(
            "Permutation importance: the drop in AUC when the column's values are shuffled \
             between customers. AUC measures how well the model ranks customers (0.5 = coin \
             flip, 1 = perfect).",
        );
    ui.label(
        "How much worse the model ranks customers when a column's values are shuffled: the \
         longer the bar, the more the model relies on it.",
    );
    if model.drivers.is_empty() {
        not_measured_ui(ui, st, result, model.importance.is_some(), cmds);
    } else {
        importance_chart(ui, &model.drivers);
        if let Some(input) = &model.importance {
            ui.label(RichText::new(sample_note(input, &model.drivers)).weak());
        }
        if model.drivers.iter().any(|d| d.auc_drop < 0.0) {
            ui.label(
                RichText::new(
                    "A bar below zero means shuffling that column made no real difference \
                     (the small change is chance).",
                )
                .weak(),
            );
        }
    }

    if !model.coefficients.is_empty() {
        ui.add_space(14.0);
        coefficients_ui(ui, &model.coefficients, &result.transform, &who);
    }
}

/// Why there are no bars yet: being measured (with its progress), stopped (with a button to
/// measure again), or nothing to measure.
fn not_measured_ui(
    ui: &mut egui::Ui,
    st: &AppState,
    result: &ClassifyResult,
    measurable: bool,
    cmds: &mut Vec<Command>,
) {
    let weak = |ui: &mut egui::Ui, text: &str| ui.label(RichText::new(text).weak());
    if !measurable {
        weak(
            ui,
            "Not measured: the customers the model was checked on all have the same outcome, \
             so shuffling a column cannot make the ranking worse.",
        );
        return;
    }
    match &st.cls.drivers_job {
        Some(job) if job.run == result.run => {
            let fraction = job
                .handle
                .latest()
                .and_then(|p| p.fraction())
                .unwrap_or(0.0);
            ui.add(egui::ProgressBar::new(fraction).show_percentage());
            weak(
                ui,
                "Being measured in the background: each column is shuffled a few times and the \
                 customers scored again. The bars appear here when it is done (Stop measuring \
                 on the left, or Esc).",
            );
        }
        _ if st.cls.drivers_stopped == Some(result.run) => {
            weak(ui, "Measuring was stopped before this model's turn.");
            if ui
                .button("Measure what drives the score")
                .on_hover_text("Shuffle each column a few times and see how much worse the model ranks customers.")
                .clicked()
            {
                cmds.push(Command::MeasureDrivers);
            }
        }
        _ => {
            weak(ui, "Waiting for the measurement\u{2026}");
        }
    }
}

/// How the importance was measured, in plain words: on how many customers (all of those the
/// model was checked on, or a sample of them) and how often each column was shuffled.
fn sample_note(input: &ImportanceInput, drivers: &[Driver]) -> String {
    let rows = if input.rows() < input.held_out {
        format!(
            "Measured on a random {} of the {} customers the model was checked on (a sample \
             keeps it quick)",
            thousands(input.rows()),
            thousands(input.held_out)
        )
    } else {
        format!(
            "Measured on all {} customers the model was checked on",
            thousands(input.rows())
        )
    };
    let fewest = drivers.iter().map(|d| d.repeats).min().unwrap_or(0);
    let most = drivers.iter().map(|d| d.repeats).max().unwrap_or(0);
    let shuffles = if fewest == most {
        format!("each column shuffled {fewest} times")
    } else {
        format!("each column shuffled {fewest} times, up to {most} where columns were close")
    };
    format!("{rows}, {shuffles}.")
}

/// The top `TOP` items sorted by `size` (largest first), with the rest counted.
fn top_by<T>(items: &[T], size: impl Fn(&T) -> f64) -> (Vec<&T>, usize) {
    let mut sorted: Vec<&T> = items.iter().collect();
    sorted.sort_by(|a, b| size(b).total_cmp(&size(a)));
    let rest = sorted.len().saturating_sub(TOP);
    sorted.truncate(TOP);
    (sorted, rest)
}

/// A feature name short enough for an axis label.
fn axis_name(name: &str) -> String {
    const MAX: usize = 32;
    match name.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}\u{2026}", &name[..cut]),
        None => name.to_owned(),
    }
}

/// A horizontal bar chart's plot, with `names[i]` as the label of the bar at y = i.
fn bar_plot(id: &str, names: Vec<String>, x_label: &str) -> Plot<'static> {
    let bars = names.len();
    Plot::new(id)
        .height(BAR_HEIGHT * bars as f32 + 70.0)
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .show_grid([true, false])
        .include_y(-0.6)
        .include_y(bars as f64 - 0.4)
        .include_x(0.0)
        .x_axis_label(x_label.to_owned())
        .y_grid_spacer(egui_plot::uniform_grid_spacer(|_| [1.0, 1.0, 1.0]))
        .y_axis_formatter(move |mark, _| {
            let i = mark.value.round();
            if (mark.value - i).abs() < 1e-6 && i >= 0.0 {
                names.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
}

fn importance_chart(ui: &mut egui::Ui, drivers: &[Driver]) {
    let (shown, rest) = top_by(drivers, |d| d.auc_drop);
    let k = shown.len();
    // the largest at the top: the first driver goes to y = k - 1
    let names: Vec<String> = shown.iter().rev().map(|d| axis_name(&d.feature)).collect();
    let bars: Vec<Bar> = shown
        .iter()
        .enumerate()
        .map(|(i, d)| {
            Bar::new((k - 1 - i) as f64, d.auc_drop)
                .name(&d.feature)
                .width(0.7)
        })
        .collect();
    bar_plot(
        "drivers_importance",
        names,
        "drop in AUC when the column is shuffled",
    )
    .width(ui.available_width())
    .show(ui, |p| {
        p.bar_chart(
            BarChart::new("drop in AUC", bars)
                .color(theme::ACCENT)
                .horizontal()
                .element_formatter(Box::new(|bar, _| {
                    format!("{}\nAUC drops by {:.3} when shuffled", bar.name, bar.value)
                })),
        );
    });
    if rest > 0 {
        ui.label(RichText::new(format!("{rest} more columns matter less.")).weak());
    }
}

fn coefficients_ui(
    ui: &mut egui::Ui,
    coefficients: &[Coefficient],
    transform: &Transform,
    who: &str,
) {
    ui.label(RichText::new("Weights of the logistic regression").strong())
        .on_hover_text(
            "Each weight is how strongly the column pushes the probability up (positive) or \
             down (negative), for one standard deviation of a number or for belonging to a \
             group. Weights can be compared with each other.",
        );
    let (shown, rest) = top_by(coefficients, |c| c.coef.abs());
    let k = shown.len();
    let names: Vec<String> = shown.iter().rev().map(|c| axis_name(&c.name)).collect();
    let bar = |i: usize, c: &Coefficient| {
        Bar::new((k - 1 - i) as f64, c.coef)
            .name(&c.name)
            .width(0.7)
    };
    let raises: Vec<Bar> = shown
        .iter()
        .enumerate()
        .filter(|(_, c)| c.coef >= 0.0)
        .map(|(i, c)| bar(i, c))
        .collect();
    let lowers: Vec<Bar> = shown
        .iter()
        .enumerate()
        .filter(|(_, c)| c.coef < 0.0)
        .map(|(i, c)| bar(i, c))
        .collect();
    let format = |bar: &Bar, _: &BarChart| {
        format!(
            "{}\nweight {:+.3}, odds \u{d7} {:.2}",
            bar.name,
            bar.value,
            bar.value.exp()
        )
    };
    bar_plot("drivers_coefficients", names, "weight (log-odds per step)")
        .width(ui.available_width())
        .legend(Legend::default())
        .show(ui, |p| {
            p.bar_chart(
                BarChart::new("raises the probability", raises)
                    .color(theme::ACCENT)
                    .horizontal()
                    .element_formatter(Box::new(format)),
            );
            p.bar_chart(
                BarChart::new("lowers the probability", lowers)
                    .color(LOWERS)
                    .horizontal()
                    .element_formatter(Box::new(format)),
            );
        });
    ui.add_space(6.0);
    egui::Grid::new("drivers_coefficients_table")
        .num_columns(4)
        .striped(true)
        .spacing([16.0, 4.0])
        .show(ui, |ui| {
            ui.label(RichText::new("Column").strong())
                .on_hover_text("A number column, or one value of a category column.");
            ui.label(RichText::new("Weight").strong()).on_hover_text(
                "The model's coefficient on the log-odds scale: above 0 raises the \
                 probability, below 0 lowers it.",
            );
            ui.label(RichText::new("Odds ratio").strong())
                .on_hover_text(format!(
                    "e to the power of the weight: how the odds of {who} multiply for one step of \
                 the column (above 1 raises them, below 1 lowers them)."
                ));
            ui.label(RichText::new("What it means").strong());
            ui.end_row();
            for c in &shown {
                ui.label(&c.name);
                let color = if c.coef >= 0.0 { theme::ACCENT } else { LOWERS };
                ui.label(RichText::new(format!("{:+.3}", c.coef)).color(color));
                ui.label(format!("{:.2}", c.odds_ratio));
                ui.add(egui::Label::new(meaning(c, transform, who)).wrap());
                ui.end_row();
            }
        });
    if rest > 0 {
        ui.label(RichText::new(format!("{rest} more weights are smaller.")).weak());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::analyses::classify::three_digits;
    use crate::data::prep::ColumnTransform;

    fn coef(name: &str, c: f64, unit: Option<f64>) -> Coefficient {
        Coefficient {
            name: name.to_owned(),
            coef: c,
            odds_ratio: c.exp(),
            unit,
        }
    }

    fn transform() -> Transform {
        Transform {
            columns: vec![
                ColumnTransform::Numeric {
                    name: "recency".to_owned(),
                    median: 10.0,
                    mean: 20.0,
                    std: 35.2,
                    log: false,
                },
                ColumnTransform::Numeric {
                    name: "spend".to_owned(),
                    median: 10.0,
                    mean: 2.0,
                    std: 0.5,
                    log: true,
                },
                ColumnTransform::Categorical {
                    name: "channel".to_owned(),
                    categories: vec!["Shop".to_owned(), "Web".to_owned()],
                },
            ],
        }
    }

    #[test]
    fn numbers_per_standard_deviation() {
        let text = meaning(
            &coef("recency", 1.8f64.ln(), Some(35.2)),
            &transform(),
            "churn = yes",
        );
        assert_eq!(
            text,
            "Each extra 35.2 of recency (one standard deviation) multiplies the odds of \
             churn = yes by 1.80"
        );
    }

    #[test]
    fn categories_and_lower_odds() {
        let text = meaning(
            &coef("channel = Web", 0.5f64.ln(), None),
            &transform(),
            "churn = yes",
        );
        assert!(text.starts_with("Being channel = Web divides the odds of churn = yes by 2.00"));
    }

    #[test]
    fn log_columns_say_fold() {
        let text = meaning(&coef("spend", 0.3, None), &transform(), "churn = yes");
        assert!(text.contains("grows 1.65-fold"), "{text}");
    }

    #[test]
    fn units_are_rounded_for_people() {
        assert_eq!(three_digits(92.494), "92.5");
        assert_eq!(three_digits(788.96), "789");
        assert_eq!(three_digits(7.8019), "7.8");
        assert_eq!(three_digits(35.2), "35.2");
    }

    #[test]
    fn top_keeps_fifteen_largest() {
        let items: Vec<f64> = (0..20).map(f64::from).collect();
        let (shown, rest) = top_by(&items, |v| *v);
        assert_eq!(shown.len(), TOP);
        assert_eq!(rest, 5);
        assert_eq!(shown.first().copied(), Some(&19.0));
    }
}
