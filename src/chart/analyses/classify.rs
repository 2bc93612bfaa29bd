//! The classify analysis's charts and tables.
//!
//! What the Predict views show, as [`Chart`] and [`Table`] values: every model's ROC curve
//! against the "no model" diagonal, precision and recall, the cumulative gains and lift of
//! the chosen model, what drives its score (and the logistic weights), and the comparison,
//! gains, drivers and weights tables. AUCs and every other metric are the stored ones; only
//! the threshold-dependent numbers of the comparison table are counted here, exactly as the
//! view counts them.

use crate::analysis::classify::{ClassifyResult, ModelResult};
use crate::analysis::drivers::{Coefficient, Driver};
use crate::chart::spec::{self, Rgb};
use crate::chart::{Axis, Chart, Series, Table};
use crate::cli::{short_number, thousands};
use crate::data::prep::{ColumnTransform, Transform};
use crate::metrics::classification::{Confusion, GainsRow};

/// Most points of one curve (as the view draws them; the AUC always uses every vertex).
pub const CURVE_POINTS: usize = 1500;
/// At most this many bars in the drivers and weights charts (as the view).
pub const TOP: usize = 15;
/// Green of the "perfect model" line of the gains chart.
const PERFECT: Rgb = Rgb(0x59, 0xA1, 0x4F);

/// "12 %" for shares of 10 % and more, "4.5 %" below, "0.35 %" below 1 % (the gains view's
/// format; the view uses this one).
pub fn percent(share: f64) -> String {
    let p = share * 100.0;
    if !p.is_finite() {
        "n/a".to_owned()
    } else if p == 0.0 || p.abs() >= 10.0 {
        format!("{p:.0} %")
    } else if p.abs() >= 1.0 {
        format!("{p:.1} %")
    } else {
        format!("{p:.2} %")
    }
}

/// At most `max` points of a curve, evenly spaced by index, first and last kept (the ROC
/// view's thinning of its curves; the view uses this one).
pub fn thin_xy(x: &[f64], y: &[f64], max: usize) -> Vec<[f64; 2]> {
    let n = x.len().min(y.len());
    if n <= max || max < 2 {
        return (0..n).map(|i| [x[i], y[i]]).collect();
    }
    let step = (n - 1) as f64 / (max - 1) as f64;
    (0..max)
        .map(|k| ((k as f64 * step).round() as usize).min(n - 1))
        .map(|i| [x[i], y[i]])
        .collect()
}

fn finite(points: Vec<[f64; 2]>) -> Vec<[f64; 2]> {
    points
        .into_iter()
        .filter(|p| p[0].is_finite() && p[1].is_finite())
        .collect()
}

/// "held-out rows", "cross-validated rows" or "rows of the test file".
fn rows_word(result: &ClassifyResult) -> &'static str {
    if result.scored_test_file {
        "rows of the test file"
    } else if result.models.iter().any(|m| !m.fold_aucs.is_empty()) {
        "cross-validated rows"
    } else {
        "held-out rows"
    }
}

/// "customers.csv, 5,000 rows · measured on a held-out 30 % of the rows (seed 42)".
fn footnote(result: &ClassifyResult, source: &str) -> String {
    format!("{source} \u{b7} measured {}", result.evaluation)
}

fn selected_model(result: &ClassifyResult, selected: usize) -> Option<&ModelResult> {
    result
        .models
        .get(selected.min(result.models.len().saturating_sub(1)))
}

/// The positives' share of the evaluated rows.
fn base_rate(result: &ClassifyResult) -> f64 {
    result.eval_y.iter().filter(|v| **v).count() as f64 / result.eval_y.len().max(1) as f64
}

/// The headline of the ROC chart: the best model and its stored AUC as the app prints it.
fn roc_subtitle(result: &ClassifyResult) -> String {
    let rows = format!("{} {}", thousands(result.eval_y.len()), rows_word(result));
    match result.best() {
        Some(b) if result.models.len() > 1 => {
            format!("Best: {}, AUC {:.3} on {rows}", b.kind.label(), b.auc)
        }
        Some(b) => format!("{}: AUC {:.3} on {rows}", b.kind.label(), b.auc),
        None => format!("The AUC cannot be measured on these {rows}"),
    }
}

/// The charts of a trained classification, in the order of the views: ROC, precision and
/// recall (every model), then for the model at `selected` (clamped) the cumulative gains, the
/// lift by decile, what drives the score, and the logistic weights. Curves that cannot be
/// measured (the evaluated rows hold one outcome only) are left out.
///
/// `source`: "customers.csv, 5,000 rows".
pub fn charts(result: &ClassifyResult, source: &str, selected: usize) -> Vec<Chart> {
    let mut out = Vec::new();
    let measurable = result.models.iter().any(|m| m.auc.is_finite());
    if measurable {
        out.push(roc_chart(result, source));
        out.push(pr_chart(result, source));
    }
    if let Some(model) = selected_model(result, selected) {
        if measurable && !model.gains.is_empty() && base_rate(result) > 0.0 {
            out.push(gains_chart(result, model, source));
            out.extend(lift_chart(result, model, source));
        }
        out.extend(drivers_chart(result, model, source));
        out.extend(weights_chart(result, model, source));
    }
    out
}

fn roc_chart(result: &ClassifyResult, source: &str) -> Chart {
    let who = result.target.positive_label();
    let mut series = vec![Series::dashed(
        "No model (random guess)",
        spec::REFERENCE,
        vec![[0.0, 0.0], [1.0, 1.0]],
    )];
    series.extend(result.models.iter().enumerate().map(|(i, m)| {
        Series::line(
            format!("{} (AUC {:.3})", m.kind.label(), m.auc),
            spec::color(i),
            finite(m.roc.thinned(CURVE_POINTS)),
        )
    }));
    Chart {
        id: "roc".into(),
        title: format!("How well each model finds the customers with {who}"),
        subtitle: roc_subtitle(result),
        x: Axis::percent("False alarms: share of the others flagged"),
        y: Axis::percent(format!("Share of {who} caught")),
        series,
        footnote: format!(
            "{} \u{b7} each point is a threshold; AUC: chance that a random {who} scores \
             above a random other (0.5 guessing, 1 perfect)",
            footnote(result, source)
        ),
    }
}

fn pr_chart(result: &ClassifyResult, source: &str) -> Chart {
    let who = result.target.positive_label();
    let base = base_rate(result);
    let mut series = vec![Series::dashed(
        format!("No model ({} of the rows are {who})", percent(base)),
        spec::REFERENCE,
        vec![[0.0, base], [1.0, base]],
    )];
    series.extend(result.models.iter().enumerate().map(|(i, m)| {
        Series::line(
            format!("{} (AP {:.3})", m.kind.label(), m.average_precision),
            spec::color(i),
            finite(thin_xy(&m.pr.recall, &m.pr.precision, CURVE_POINTS)),
        )
    }));
    let best = result
        .models
        .iter()
        .filter(|m| m.average_precision.is_finite())
        .max_by(|a, b| a.average_precision.total_cmp(&b.average_precision));
    let subtitle = match best {
        Some(b) if result.models.len() > 1 => format!(
            "Best: {}, average precision {:.3}, against {} for a random list",
            b.kind.label(),
            b.average_precision,
            percent(base)
        ),
        Some(b) => format!(
            "{}: average precision {:.3}, against {} for a random list",
            b.kind.label(),
            b.average_precision,
            percent(base)
        ),
        None => "Precision and recall cannot be measured on these rows".to_owned(),
    };
    Chart {
        id: "precision_recall".into(),
        title: format!("How clean the list stays as it catches more {who}"),
        subtitle,
        x: Axis::percent(format!("Recall: share of {who} caught")),
        y: Axis::percent(format!("Precision: share of the list that is {who}")),
        series,
        footnote: footnote(result, source),
    }
}

/// "The top 10 % of customers by score hold 34 % of all churn = yes customers — 3.4× random."
fn gains_headline(gains: &[GainsRow], who: &str) -> Option<String> {
    let total = gains.last()?.cum_customers.max(1) as f64;
    let row = gains.first()?;
    if !row.cum_share.is_finite() || !row.lift.is_finite() {
        return None;
    }
    Some(format!(
        "The top {} of customers by score hold {} of all {who} customers \u{2014} {:.1}\u{d7} \
         random",
        percent(row.cum_customers as f64 / total),
        percent(row.cum_share),
        row.lift
    ))
}

fn gains_chart(result: &ClassifyResult, model: &ModelResult, source: &str) -> Chart {
    let who = result.target.positive_label();
    let total = model.gains.last().map_or(1, |g| g.cum_customers.max(1)) as f64;
    let mut curve = vec![[0.0, 0.0]];
    curve.extend(
        model
            .gains
            .iter()
            .map(|g| [g.cum_customers as f64 / total, g.cum_share]),
    );
    let curve = finite(curve);
    let perfect_x = base_rate(result).clamp(0.0, 1.0);
    let model_color = spec::color(model_index(result, model));
    Chart {
        id: "gains".into(),
        title: format!("How many of the {who} customers the top of the list reaches"),
        subtitle: gains_headline(&model.gains, &who)
            .unwrap_or_else(|| format!("{}: cumulative gains", model.kind.label())),
        x: Axis::percent("Customers contacted, highest scores first"),
        y: Axis::percent(format!("Share of all {who} customers reached")),
        series: vec![
            Series::dashed(
                "Perfect model",
                PERFECT,
                vec![[0.0, 0.0], [perfect_x, 1.0], [1.0, 1.0]],
            ),
            Series::dashed(
                "Random choice",
                spec::REFERENCE,
                vec![[0.0, 0.0], [1.0, 1.0]],
            ),
            Series::line(model.kind.label(), model_color, curve.clone()),
            Series::points("", model_color, curve),
        ],
        footnote: format!(
            "{} \u{b7} {} \u{b7} {} customers, {} of them {who}",
            footnote(result, source),
            model.kind.label(),
            thousands(result.eval_y.len().min(model.scores.len())),
            thousands(result.eval_y.iter().filter(|v| **v).count())
        ),
    }
}

fn model_index(result: &ClassifyResult, model: &ModelResult) -> usize {
    result
        .models
        .iter()
        .position(|m| std::ptr::eq(m, model))
        .unwrap_or(0)
}

fn lift_chart(result: &ClassifyResult, model: &ModelResult, source: &str) -> Option<Chart> {
    let total = model.gains.last().map_or(1, |g| g.cum_customers.max(1)) as f64;
    let names: Vec<String> = model
        .gains
        .iter()
        .map(|g| format!("top {}", percent(g.cum_customers as f64 / total)))
        .collect();
    let bars: Vec<[f64; 2]> = model
        .gains
        .iter()
        .enumerate()
        .filter(|(_, g)| g.lift.is_finite())
        .map(|(i, g)| [i as f64, g.lift])
        .collect();
    if bars.is_empty() {
        return None;
    }
    let n = names.len() as f64;
    let third = model
        .gains
        .get(2)
        .filter(|g| g.lift.is_finite())
        .map(|g| {
            format!(
                "; the top {}: {:.1}\u{d7}",
                percent(g.cum_customers as f64 / total),
                g.lift
            )
        })
        .unwrap_or_default();
    let first = model.gains.first().map_or(f64::NAN, |g| g.lift);
    Some(Chart {
        id: "lift".into(),
        title: "How many times better than a random list each share of the list is".into(),
        subtitle: format!(
            "{}: the top {} reaches {:.1}\u{d7} as many as a random list{third}",
            model.kind.label(),
            names
                .first()
                .map_or(String::new(), |s| s.trim_start_matches("top ").to_owned()),
            first
        ),
        x: Axis::category("Share of the list contacted, highest scores first", names),
        y: Axis::number("Lift (\u{d7} random)"),
        series: vec![
            Series::bars(
                "Cumulative lift",
                spec::color(model_index(result, model)),
                bars,
            ),
            Series::dashed(
                "Random choice (1\u{d7})",
                spec::REFERENCE,
                vec![[-0.5, 1.0], [n - 0.5, 1.0]],
            ),
        ],
        footnote: footnote(result, source),
    })
}

/// A feature name short enough for an axis label (as the drivers view cuts them).
fn axis_name(name: &str) -> String {
    const MAX: usize = 32;
    match name.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}\u{2026}", &name[..cut]),
        None => name.to_owned(),
    }
}

/// The top [`TOP`] items by `size`, largest first.
fn top_by<T>(items: &[T], size: impl Fn(&T) -> f64) -> Vec<&T> {
    let mut sorted: Vec<&T> = items.iter().collect();
    sorted.sort_by(|a, b| size(b).total_cmp(&size(a)));
    sorted.truncate(TOP);
    sorted
}

fn drivers_chart(result: &ClassifyResult, model: &ModelResult, source: &str) -> Option<Chart> {
    if model.drivers.is_empty() {
        return None;
    }
    let who = result.target.positive_label();
    let shown = top_by(&model.drivers, |d| d.auc_drop);
    let k = shown.len();
    // the largest at the top: the first driver stands at y = k - 1
    let names: Vec<String> = shown.iter().rev().map(|d| axis_name(&d.feature)).collect();
    let bars: Vec<[f64; 2]> = shown
        .iter()
        .enumerate()
        .map(|(i, d)| [d.auc_drop, (k - 1 - i) as f64])
        .collect();
    let rest = model.drivers.len() - k;
    let top = shown[0];
    Some(Chart {
        id: "drivers".into(),
        title: format!("What drives the score of {who}"),
        subtitle: format!(
            "{}: {} matters most (AUC drops by {:.3} when it is shuffled)",
            model.kind.label(),
            top.feature,
            top.auc_drop
        ),
        x: Axis::number("Drop in AUC when the column is shuffled"),
        y: Axis::category("", names),
        series: vec![Series::horizontal_bars("Drop in AUC", spec::color(0), bars)],
        footnote: if rest > 0 {
            format!(
                "{} \u{b7} {rest} more columns matter less",
                footnote(result, source)
            )
        } else {
            footnote(result, source)
        },
    })
}

fn weights_chart(result: &ClassifyResult, model: &ModelResult, source: &str) -> Option<Chart> {
    if model.coefficients.is_empty() {
        return None;
    }
    let who = result.target.positive_label();
    let shown = top_by(&model.coefficients, |c| c.coef.abs());
    let k = shown.len();
    let names: Vec<String> = shown.iter().rev().map(|c| axis_name(&c.name)).collect();
    let bar = |(i, c): (usize, &&Coefficient)| [c.coef, (k - 1 - i) as f64];
    let raises: Vec<[f64; 2]> = shown
        .iter()
        .enumerate()
        .filter(|(_, c)| c.coef >= 0.0)
        .map(bar)
        .collect();
    let lowers: Vec<[f64; 2]> = shown
        .iter()
        .enumerate()
        .filter(|(_, c)| c.coef < 0.0)
        .map(bar)
        .collect();
    let top = shown[0];
    let mut series = Vec::new();
    if !raises.is_empty() {
        series.push(Series::horizontal_bars(
            "Raises the probability",
            spec::color(0),
            raises,
        ));
    }
    if !lowers.is_empty() {
        series.push(Series::horizontal_bars(
            "Lowers the probability",
            spec::color(4),
            lowers,
        ));
    }
    Some(Chart {
        id: "weights".into(),
        title: format!("How each column pushes the probability of {who}"),
        subtitle: format!(
            "Strongest: {} (weight {:+.3}, odds \u{d7} {:.2})",
            top.name, top.coef, top.odds_ratio
        ),
        x: Axis::number("Weight (log-odds per step: one standard deviation, or being in a group)"),
        y: Axis::category("", names),
        series,
        footnote: format!("{} \u{b7} {}", footnote(result, source), model.kind.label()),
    })
}

/// The tables of the Predict views: the model comparison (the threshold-dependent columns
/// counted at `threshold`, as the slider sets it), then for the model at `selected`
/// (clamped) the decile table, the drivers, and the logistic weights in words.
pub fn tables(result: &ClassifyResult, selected: usize, threshold: f64) -> Vec<Table> {
    let mut out = vec![comparison_table(result, threshold)];
    if let Some(model) = selected_model(result, selected) {
        let who = result.target.positive_label();
        if !model.gains.is_empty() && base_rate(result) > 0.0 {
            out.push(gains_table(model, &who));
        }
        if !model.drivers.is_empty() {
            out.push(drivers_table(model));
        }
        if !model.coefficients.is_empty() {
            out.push(weights_table(model, &result.transform, &who));
        }
    }
    out
}

fn comparison_table(result: &ClassifyResult, threshold: f64) -> Table {
    let cross = result.models.iter().any(|m| !m.fold_aucs.is_empty());
    let mut header: Vec<String> = [
        "Model",
        "AUC",
        "Accuracy",
        "Precision",
        "Recall",
        "F1",
        "Log loss",
        "Trained in",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    if cross {
        header.push("AUC by fold".into());
    }
    let rows = result
        .models
        .iter()
        .map(|m| {
            let c = Confusion::at(&result.eval_y, &m.scores, threshold);
            let mut row = vec![
                m.kind.label().to_owned(),
                format!("{:.3}", m.auc),
                format!("{:.1} %", 100.0 * c.accuracy()),
                format!("{:.1} %", 100.0 * c.precision()),
                format!("{:.1} %", 100.0 * c.recall()),
                format!("{:.3}", c.f1()),
                format!("{:.3}", m.log_loss),
                format!("{:.2} s", m.train_seconds),
            ];
            if cross {
                let n = m.fold_aucs.len().max(1) as f64;
                let mean = m.fold_aucs.iter().sum::<f64>() / n;
                let sd = (m.fold_aucs.iter().map(|a| (a - mean).powi(2)).sum::<f64>() / n).sqrt();
                row.push(format!("{mean:.3} \u{b1} {sd:.3}"));
            }
            row
        })
        .collect();
    Table {
        id: "model_comparison".into(),
        title: format!(
            "How the models compare (precision, recall and accuracy at the threshold {})",
            short_number(threshold)
        ),
        header,
        rows,
    }
}

fn gains_table(model: &ModelResult, who: &str) -> Table {
    let total = model.gains.last().map_or(1, |g| g.cum_customers.max(1)) as f64;
    Table {
        id: "gains".into(),
        title: format!("Customers by decile of score: {}", model.kind.label()),
        header: vec![
            "Decile".into(),
            "Customers".into(),
            format!("{who} customers"),
            "Response rate".into(),
            format!("Share of all {who} so far"),
            "Lift".into(),
        ],
        rows: model
            .gains
            .iter()
            .map(|g| {
                vec![
                    format!(
                        "{} (top {})",
                        g.decile,
                        percent(g.cum_customers as f64 / total)
                    ),
                    thousands(g.customers),
                    thousands(g.positives),
                    percent(g.response_rate),
                    percent(g.cum_share),
                    if g.lift.is_finite() {
                        format!("{:.2}\u{d7}", g.lift)
                    } else {
                        "n/a".to_owned()
                    },
                ]
            })
            .collect(),
    }
}

fn drivers_table(model: &ModelResult) -> Table {
    let mut sorted: Vec<&Driver> = model.drivers.iter().collect();
    sorted.sort_by(|a, b| b.auc_drop.total_cmp(&a.auc_drop));
    Table {
        id: "drivers".into(),
        title: format!("What drives the score: {}", model.kind.label()),
        header: vec!["Column".into(), "Drop in AUC when shuffled".into()],
        rows: sorted
            .iter()
            .map(|d| vec![d.feature.clone(), format!("{:.3}", d.auc_drop)])
            .collect(),
    }
}

fn weights_table(model: &ModelResult, transform: &Transform, who: &str) -> Table {
    let mut sorted: Vec<&Coefficient> = model.coefficients.iter().collect();
    sorted.sort_by(|a, b| b.coef.abs().total_cmp(&a.coef.abs()));
    Table {
        id: "weights".into(),
        title: "Weights of the logistic regression".into(),
        header: vec![
            "Column".into(),
            "Weight".into(),
            "Odds ratio".into(),
            "What it means".into(),
        ],
        rows: sorted
            .iter()
            .map(|c| {
                vec![
                    c.name.clone(),
                    format!("{:+.3}", c.coef),
                    format!("{:.2}", c.odds_ratio),
                    meaning(c, transform, who),
                ]
            })
            .collect(),
    }
}

/// "multiplies the odds of churn = yes by 1.80" / "divides the odds … by 1.61" (the drivers
/// view uses these too).
pub fn effect(odds_ratio: f64, who: &str) -> String {
    if !odds_ratio.is_finite() || odds_ratio <= 0.0 {
        format!("changes the odds of {who} by an amount that cannot be shown")
    } else if (odds_ratio - 1.0).abs() < 0.005 {
        format!("hardly changes the odds of {who}")
    } else if odds_ratio >= 1.0 {
        format!("multiplies the odds of {who} by {odds_ratio:.2}")
    } else {
        format!("divides the odds of {who} by {:.2}", 1.0 / odds_ratio)
    }
}

/// A size for people: about three significant digits ("35.2", "789", "7.8", "0.0123").
pub fn three_digits(v: f64) -> String {
    let a = v.abs();
    if !v.is_finite() || a < 1.0 {
        return short_number(v);
    }
    let decimals = if a >= 100.0 {
        0
    } else if a >= 10.0 {
        1
    } else {
        2
    };
    let s = format!("{v:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        s
    }
}

/// One weight in plain words, using how the column was prepared (the drivers view's text).
pub fn meaning(c: &Coefficient, transform: &Transform, who: &str) -> String {
    let effect = effect(c.odds_ratio, who);
    for t in &transform.columns {
        match t {
            ColumnTransform::Numeric { name, std, log, .. } if *name == c.name => {
                return if *log {
                    let std = if std.is_finite() && *std > 0.0 {
                        *std
                    } else {
                        1.0
                    };
                    let factor = three_digits(std.exp());
                    if (std - 1.0).abs() < 1e-12 {
                        format!("Each time 1 + {name} grows {factor}-fold, the model {effect}")
                    } else {
                        format!(
                            "Each time 1 + {name} grows {factor}-fold (one standard deviation \
                             on a log scale), the model {effect}"
                        )
                    }
                } else if let Some(u) = c.unit {
                    let unit = three_digits(u);
                    format!("Each extra {unit} of {name} (one standard deviation) {effect}")
                } else {
                    format!("Each extra 1 of {name} {effect}")
                };
            }
            ColumnTransform::Categorical { name, categories }
                if categories.iter().any(|v| format!("{name} = {v}") == c.name) =>
            {
                return format!(
                    "Being {} {effect} (compared with an average value of {name})",
                    c.name
                );
            }
            _ => {}
        }
    }
    if c.name.contains(" = ") {
        format!(
            "Being {} {effect} (compared with the average customer)",
            c.name
        )
    } else if let Some(u) = c.unit {
        format!(
            "Each extra {} (one standard deviation) {effect}",
            short_number(u)
        )
    } else {
        format!("One step up {effect}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::classify::{ClassifyParams, classify};
    use crate::analysis::models::ModelKind;
    use crate::chart::{AxisKind, SeriesKind};
    use crate::jobs::Reporter;

    fn result() -> ClassifyResult {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/samples/customers.csv");
        let ds = crate::data::load_path(&path).expect("load the sample");
        let params = ClassifyParams {
            target: "churn".into(),
            features: [
                "recency_days",
                "frequency",
                "monetary",
                "tenure_months",
                "channel",
            ]
            .iter()
            .map(|s| (*s).to_owned())
            .collect(),
            models: vec![ModelKind::Logistic, ModelKind::NaiveBayes],
            importance: true,
            ..ClassifyParams::default()
        };
        classify(&ds.df, &params, &Reporter::silent()).expect("classify")
    }

    #[test]
    fn charts_and_tables_show_every_model_with_its_stored_numbers() {
        let r = result();
        let charts = charts(&r, "customers.csv, 5,000 rows", 0);
        let ids: Vec<&str> = charts.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "roc",
                "precision_recall",
                "gains",
                "lift",
                "drivers",
                "weights"
            ]
        );

        // ROC: the diagonal plus one line per model, all inside the unit square
        let roc = &charts[0];
        assert_eq!(roc.series.len(), 1 + r.models.len());
        assert_eq!(roc.series[0].color, spec::REFERENCE);
        assert_eq!(roc.series[0].points, vec![[0.0, 0.0], [1.0, 1.0]]);
        for (s, m) in roc.series[1..].iter().zip(&r.models) {
            assert!(matches!(s.kind, SeriesKind::Line { .. }));
            assert!(s.points.len() >= 2 && s.points.len() <= CURVE_POINTS);
            assert_eq!(s.points.first(), Some(&[0.0, 0.0]));
            assert_eq!(s.points.last(), Some(&[1.0, 1.0]));
            assert!(
                s.points
                    .iter()
                    .all(|p| (0.0..=1.0).contains(&p[0]) && (0.0..=1.0).contains(&p[1]))
            );
            assert_eq!(s.name, format!("{} (AUC {:.3})", m.kind.label(), m.auc));
        }
        // the subtitle names the best model with the AUC as the app prints it
        let best = r.best().expect("a best model");
        assert_eq!(
            roc.subtitle,
            format!(
                "Best: {}, AUC {:.3} on 1,500 held-out rows",
                best.kind.label(),
                best.auc
            )
        );
        assert!(roc.footnote.starts_with("customers.csv, 5,000 rows"));
        assert!(roc.footnote.contains("seed 42"));

        // gains: from (0, 0) to (1, 1), eleven points
        let gains = &charts[2];
        let curve = &gains.series[2].points;
        assert_eq!(curve.len(), 11);
        assert_eq!(curve[0], [0.0, 0.0]);
        assert!((curve[10][0] - 1.0).abs() < 1e-12 && (curve[10][1] - 1.0).abs() < 1e-12);
        assert!(gains.subtitle.starts_with("The top 10 % of customers"));

        // lift: the stored lift of each decile
        let lift = &charts[3];
        let bars = &lift.series[0].points;
        assert_eq!(bars.len(), 10);
        for (b, g) in bars.iter().zip(&r.models[0].gains) {
            assert_eq!(b[1], g.lift);
        }
        assert!(matches!(&lift.x.kind, AxisKind::Category(n) if n[0] == "top 10 %"));

        // drivers: the largest drop on top of a category axis of feature names
        let drivers = &charts[4];
        let AxisKind::Category(names) = &drivers.y.kind else {
            panic!("drivers need a category axis");
        };
        let top = r.models[0]
            .drivers
            .iter()
            .max_by(|a, b| a.auc_drop.total_cmp(&b.auc_drop))
            .expect("drivers");
        assert_eq!(names.last(), Some(&top.feature));
        let bar_top = drivers.series[0]
            .points
            .iter()
            .find(|p| p[1] == (names.len() - 1) as f64)
            .expect("top bar");
        assert_eq!(bar_top[0], top.auc_drop);

        // a model without coefficients (naive Bayes) has no weights chart
        let nb = super::charts(&r, "customers.csv", 1);
        assert!(!nb.iter().any(|c| c.id == "weights"));
        assert!(nb.iter().any(|c| c.id == "drivers"));

        let tables = tables(&r, 0, 0.5);
        let ids: Vec<&str> = tables.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["model_comparison", "gains", "drivers", "weights"]);
        let cmp = &tables[0];
        assert_eq!(cmp.rows.len(), r.models.len());
        assert_eq!(cmp.header.len(), 8);
        assert_eq!(cmp.rows[0][1], format!("{:.3}", r.models[0].auc));
        let c = Confusion::at(&r.eval_y, &r.models[1].scores, 0.5);
        assert_eq!(cmp.rows[1][4], format!("{:.1} %", 100.0 * c.recall()));
        assert_eq!(tables[1].rows.len(), 10);
        assert_eq!(tables[2].rows.len(), r.models[0].drivers.len());
        assert_eq!(tables[3].rows.len(), r.models[0].coefficients.len());
    }

    #[test]
    fn thinning_keeps_the_ends() {
        let x: Vec<f64> = (0..10_000).map(|i| f64::from(i) / 9999.0).collect();
        let pts = thin_xy(&x, &x, CURVE_POINTS);
        assert_eq!(pts.len(), CURVE_POINTS);
        assert_eq!(pts[0], [0.0, 0.0]);
        assert_eq!(pts[CURVE_POINTS - 1], [1.0, 1.0]);
        assert_eq!(percent(0.045), "4.5 %");
    }
}
