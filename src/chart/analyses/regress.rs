//! The regress analysis's charts and tables.
//!
//! What the Drivers views show, as [`Chart`] and [`Table`] values: predicted against actual
//! with the line of perfect predictions, the errors against the prediction, the effect of
//! each driver (horizontal bars with their 95 % ranges as whiskers, scaled to a round step
//! of the driver as the view paints them), the cross-validated choice of the penalty, the
//! model comparison and the coefficients table.

use crate::analysis::regress::{DriverRange, RegCoefficient, RegModelResult, RegressResult};
use crate::analysis::regress_explain::{nice_step, plain};
use crate::analysis::regress_steps::QUANTILE_MIN_ROWS;
use crate::chart::spec::{self, Rgb};
use crate::chart::{Axis, Chart, Series, SeriesKind, Table};
use crate::cli::thousands;

/// Most points drawn in a scatter (an even sample of the evaluation rows beyond that, as
/// the view).
pub const MAX_POINTS: usize = 4000;
/// Effects that raise the target.
const RAISES: Rgb = Rgb(0x2E, 0x8B, 0x57);
/// Effects that lower it.
const LOWERS: Rgb = Rgb(0xC0, 0x39, 0x2B);
/// Whiskers.
const INK: Rgb = Rgb(0x22, 0x22, 0x22);

/// The colour a little faded toward white: effects that could be chance (the view draws
/// them at 40 %).
fn pale(c: Rgb) -> Rgb {
    let f = |v: u8| (f64::from(v) * 0.4 + 255.0 * 0.6).round() as u8;
    Rgb(f(c.0), f(c.1), f(c.2))
}

/// At most [`MAX_POINTS`] evenly spaced rows of `n`, as points (non-finite ones left out).
fn sample_points(n: usize, point: impl Fn(usize) -> [f64; 2]) -> Vec<[f64; 2]> {
    let stride = n.div_ceil(MAX_POINTS).max(1);
    (0..n)
        .step_by(stride)
        .map(point)
        .filter(|p| p[0].is_finite() && p[1].is_finite())
        .collect()
}

fn footnote(result: &RegressResult, source: &str) -> String {
    format!(
        "{source} \u{b7} fitted on {} rows; errors measured {}: {} rows",
        thousands(result.train_rows),
        result.evaluation,
        thousands(result.eval_actual.len())
    )
}

fn selected_model(result: &RegressResult, selected: usize) -> Option<&RegModelResult> {
    result
        .models
        .get(selected.min(result.models.len().saturating_sub(1)))
}

/// The charts of a fitted regression, for the model at `selected` (clamped): predicted
/// against actual, the errors against the prediction, the effects of the drivers (linear
/// models only), and the penalty curve of every model whose penalty was chosen by
/// cross-validation.
///
/// `source`: "monthly_sales.csv, 96 rows".
pub fn charts(result: &RegressResult, source: &str, selected: usize) -> Vec<Chart> {
    let mut out = Vec::new();
    let Some(model) = selected_model(result, selected) else {
        return out;
    };
    out.push(predicted_actual_chart(result, model, source));
    out.push(residuals_chart(result, model, source));
    out.extend(effects_chart(result, model, source));
    out.extend(penalty_chart(result, source));
    out
}

/// "Linear regression: typical miss 123.4 (RMSE 150.2), explains 84 % of the ups and downs
/// (R² 0.842)" — the view's headline.
fn fit_sentence(model: &RegModelResult) -> String {
    let m = &model.errors;
    format!(
        "{}: typical miss {} (RMSE {}), explains {:.0} % of the ups and downs (R\u{b2} {:.3})",
        model.kind.label(),
        plain(m.mae),
        plain(m.rmse),
        (m.r2 * 100.0).max(0.0),
        m.r2
    )
}

fn predicted_actual_chart(result: &RegressResult, model: &RegModelResult, source: &str) -> Chart {
    let target = &result.target;
    let actual = &result.eval_actual;
    let predicted = &model.predictions;
    let n = actual.len().min(predicted.len());
    let points = sample_points(n, |i| [actual[i], predicted[i]]);
    let (lo, hi) = points
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| {
            (a.min(p[0]).min(p[1]), b.max(p[0]).max(p[1]))
        });
    let mut series = Vec::new();
    if lo.is_finite() && hi.is_finite() {
        series.push(Series {
            name: "Perfect prediction".into(),
            color: spec::REFERENCE,
            kind: SeriesKind::Line {
                width: 1.5,
                dashed: false,
            },
            points: vec![[lo, lo], [hi, hi]],
        });
    }
    let shown = points.len();
    series.push(Series::points("Evaluated rows", spec::color(0), points));
    Chart {
        id: "predicted_actual".into(),
        title: format!("How close the predicted {target} came to the actual"),
        subtitle: fit_sentence(model),
        x: Axis::number(format!("Actual {target}")),
        y: Axis::number(format!("Predicted {target}")),
        series,
        footnote: format!(
            "{} \u{b7} each dot is one evaluated row{}; on the line the prediction was exact",
            footnote(result, source),
            if shown < n {
                format!(" ({} of {} shown)", thousands(shown), thousands(n))
            } else {
                String::new()
            }
        ),
    }
}

/// The view's sentence on the spread of the errors.
fn spread_sentence(result: &RegressResult, model: &RegModelResult) -> String {
    let (low, high) = model.residual_range;
    if result.eval_actual.len() < QUANTILE_MIN_ROWS {
        format!(
            "Too few evaluated rows to read the spread of the errors directly; a prediction's \
             range is taken as \u{b1}1.96 \u{d7} RMSE = \u{b1}{}",
            plain(high)
        )
    } else {
        format!(
            "95 % of the errors fell between {} below and {} above the prediction",
            plain(-low),
            plain(high)
        )
    }
}

fn residuals_chart(result: &RegressResult, model: &RegModelResult, source: &str) -> Chart {
    let target = &result.target;
    let actual = &result.eval_actual;
    let predicted = &model.predictions;
    let n = actual.len().min(predicted.len());
    let points = sample_points(n, |i| [predicted[i], actual[i] - predicted[i]]);
    let (lo, hi) = points
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| {
            (a.min(p[0]), b.max(p[0]))
        });
    let mut series = Vec::new();
    if lo.is_finite() && hi.is_finite() {
        series.push(Series {
            name: "No error".into(),
            color: spec::REFERENCE,
            kind: SeriesKind::Line {
                width: 1.5,
                dashed: false,
            },
            points: vec![[lo, 0.0], [hi, 0.0]],
        });
    }
    series.push(Series::points("Evaluated rows", spec::color(1), points));
    Chart {
        id: "residuals".into(),
        title: format!("Where the model misses {target}"),
        subtitle: format!("{}: {}", model.kind.label(), spread_sentence(result, model)),
        x: Axis::number(format!("Predicted {target}")),
        y: Axis::number(format!("Actual \u{2212} predicted {target}")),
        series,
        footnote: format!(
            "{} \u{b7} a shapeless band around zero is good; a curve or a funnel means the \
             model misses a pattern",
            footnote(result, source)
        ),
    }
}

/// One bar of the effects chart: a change of the driver and what it does to the target.
struct Bar {
    label: String,
    value: f64,
    range: Option<(f64, f64)>,
    p_value: Option<f64>,
}

/// The view's bars: numbers per a round step of their spread ("price (+1)"), categories
/// against their reference ("channel = Web (vs Shop)"), largest effect first.
fn bars(result: &RegressResult, model: &RegModelResult) -> Vec<Bar> {
    let mut out: Vec<Bar> = model
        .coefficients
        .iter()
        .map(|c: &RegCoefficient| {
            let driver = result.drivers.iter().find(|d| d.name() == c.feature);
            let step = match (&c.category, driver) {
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
                p_value: c.p_value,
            }
        })
        .collect();
    out.sort_by(|a, b| b.value.abs().total_cmp(&a.value.abs()));
    out
}

fn signed(v: f64) -> String {
    format!("{}{}", if v > 0.0 { "+" } else { "" }, plain(v))
}

fn effects_chart(result: &RegressResult, model: &RegModelResult, source: &str) -> Option<Chart> {
    if model.coefficients.is_empty() {
        return None;
    }
    let target = &result.target;
    let bars = bars(result, model);
    let k = bars.len();
    // the largest effect at the top: bar i stands at y = k - 1 - i
    let names: Vec<String> = bars.iter().rev().map(|b| b.label.clone()).collect();
    let chance = |b: &Bar| b.p_value.is_some_and(|p| p > 0.05);
    let groups = [
        (format!("Raises {target}"), RAISES, true, false),
        (format!("Lowers {target}"), LOWERS, false, false),
        (
            format!("Raises {target} (could be chance)"),
            pale(RAISES),
            true,
            true,
        ),
        (
            format!("Lowers {target} (could be chance)"),
            pale(LOWERS),
            false,
            true,
        ),
    ];
    let mut series = Vec::new();
    for (name, color, up, maybe) in groups {
        let points: Vec<[f64; 2]> = bars
            .iter()
            .enumerate()
            .filter(|(_, b)| (b.value >= 0.0) == up && chance(b) == maybe)
            .map(|(i, b)| [b.value, (k - 1 - i) as f64])
            .collect();
        if !points.is_empty() {
            series.push(Series::horizontal_bars(name, color, points));
        }
    }
    series.push(Series::dashed(
        "",
        spec::REFERENCE,
        vec![[0.0, -0.5], [0.0, k as f64 - 0.5]],
    ));
    let mut whiskers = Vec::new();
    for (i, b) in bars.iter().enumerate() {
        if let Some((l, u)) = b.range
            && l.is_finite()
            && u.is_finite()
        {
            let y = (k - 1 - i) as f64;
            whiskers.extend([[l, y], [u, y]]);
            whiskers.extend([[l, y - 0.15], [l, y + 0.15], [u, y - 0.15], [u, y + 0.15]]);
        }
    }
    let ols = model.ols.is_some();
    if !whiskers.is_empty() {
        series.push(Series {
            name: "95 % range".into(),
            color: INK,
            kind: SeriesKind::Segments { width: 1.5 },
            points: whiskers,
        });
    }
    let top = &bars[0];
    let mut notes = vec![footnote(result, source)];
    if ols {
        notes.push("pale bars could be chance: their 95 % range includes zero (p > 0.05)".into());
    } else {
        notes.push("penalised models give no ranges".into());
    }
    if let Some(i) = model.intercept {
        notes.push(format!(
            "starting point (all drivers at zero, every category at its reference): {}",
            plain(i)
        ));
    }
    Some(Chart {
        id: "effects".into(),
        title: format!("What each driver does to {target}"),
        subtitle: format!(
            "{}: the biggest effect is {}: {} {target}",
            model.kind.label(),
            top.label,
            signed(top.value)
        ),
        x: Axis::number(format!(
            "Change in {target} for the change shown, the other drivers held fixed"
        )),
        y: Axis::category("", names),
        series,
        footnote: notes.join(" \u{b7} "),
    })
}

/// Cross-validated error against the penalty (log10 α), one line per model that chose its
/// penalty, the chosen one marked.
fn penalty_chart(result: &RegressResult, source: &str) -> Option<Chart> {
    let mut series = Vec::new();
    let mut marks = Vec::new();
    let mut chosen = Vec::new();
    for (i, m) in result.models.iter().enumerate() {
        let pts: Vec<[f64; 2]> = m
            .penalty_curve
            .iter()
            .filter(|p| p[0] > 0.0 && p[0].is_finite() && p[1].is_finite())
            .map(|p| [p[0].log10(), p[1]])
            .collect();
        if pts.is_empty() {
            continue;
        }
        if let Some(a) = m.alpha {
            chosen.push(format!("{} {}", m.kind.label(), plain(a)));
            if let Some(p) = m
                .penalty_curve
                .iter()
                .find(|p| p[0] == a && p[0] > 0.0 && p[1].is_finite())
            {
                marks.push(Series {
                    name: String::new(),
                    color: spec::color(i),
                    kind: SeriesKind::Points { radius: 6.0 },
                    points: vec![[p[0].log10(), p[1]]],
                });
            }
        }
        series.push(Series::line(m.kind.label(), spec::color(i), pts.clone()));
        marks.push(Series::points("", spec::color(i), pts));
    }
    if series.is_empty() {
        return None;
    }
    series.extend(marks);
    Some(Chart {
        id: "penalty".into(),
        title: "How strongly the effects were shrunk".into(),
        subtitle: format!(
            "Penalty with the smallest cross-validated error: {}",
            chosen.join(", ")
        ),
        x: Axis::number("Penalty strength, power of ten (\u{2212}2 means alpha 0.01, 1 means 10)"),
        y: Axis::number(format!("Cross-validated RMSE, in {}", result.target)),
        series,
        footnote: format!(
            "{} \u{b7} the penalty is tried on parts of the training rows; big dots: the one kept",
            footnote(result, source)
        ),
    })
}

/// "< 0.001", "0.023", "0.41".
fn p_text(p: f64) -> String {
    if !p.is_finite() {
        "\u{2013}".to_owned()
    } else if p < 0.001 {
        "< 0.001".to_owned()
    } else {
        format!("{p:.3}")
    }
}

/// The view's tables: the model comparison (RMSE, MAE, MAPE, R², penalty; the best model
/// marked as the view marks it) and the coefficients of the model at `selected` (clamped):
/// per unit of each driver, with standard error, p-value and 95 % range for least squares.
pub fn tables(result: &RegressResult, selected: usize) -> Vec<Table> {
    let best = result.best();
    let dash = || "\u{2013}".to_owned();
    let mut out = vec![Table {
        id: "model_comparison".into(),
        title: format!("How well each model predicts {}", result.target),
        header: ["Model", "RMSE", "MAE", "MAPE", "R\u{b2}", "Penalty"]
            .iter()
            .map(|h| (*h).to_owned())
            .collect(),
        rows: result
            .models
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let mut name = m.kind.label().to_owned();
                if Some(i) == best {
                    name.push_str("  (best)");
                }
                vec![
                    name,
                    plain(m.errors.rmse),
                    plain(m.errors.mae),
                    m.errors.mape.map_or_else(dash, |v| format!("{v:.1} %")),
                    format!("{:.3}", m.errors.r2),
                    m.alpha.map_or_else(dash, plain),
                ]
            })
            .collect(),
    }];
    let Some(model) = selected_model(result, selected) else {
        return out;
    };
    if model.coefficients.is_empty() {
        return out;
    }
    let ols = model.ols.is_some();
    let mut header = vec!["Driver".to_owned(), format!("Effect on {}", result.target)];
    if ols {
        header.extend(
            ["Std. error", "p-value", "95 % range from", "to"]
                .iter()
                .map(|h| (*h).to_owned()),
        );
    }
    header.push("In words".into());
    let opt = |v: Option<f64>| v.map_or_else(dash, plain);
    let mut rows: Vec<Vec<String>> = model
        .coefficients
        .iter()
        .map(|c| {
            let mut row = vec![c.name.clone(), plain(c.value)];
            if ols {
                row.extend([
                    opt(c.std_error),
                    c.p_value.map_or_else(dash, p_text),
                    opt(c.lower),
                    opt(c.upper),
                ]);
            }
            row.push(c.sentence.clone());
            row
        })
        .collect();
    if let Some(i) = model.intercept {
        let mut row = vec!["Starting point (intercept)".to_owned(), plain(i)];
        if let Some(o) = &model.ols {
            row.extend([
                plain(o.intercept_std_error),
                p_text(o.intercept_p_value),
                dash(),
                dash(),
            ]);
        }
        row.push("All drivers at zero, every category at its reference.".into());
        rows.push(row);
    }
    out.push(Table {
        id: "coefficients".into(),
        title: format!("{}: effect of each driver per unit", model.kind.label()),
        header,
        rows,
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::regress::{Penalty, RegModel, RegressParams, regress};
    use crate::chart::AxisKind;
    use crate::jobs::Reporter;

    fn result(models: Vec<RegModel>) -> RegressResult {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("assets/samples/monthly_sales.csv");
        let ds = crate::data::load_path(&path).expect("load the sample");
        let params = RegressParams {
            target: "sales".into(),
            features: vec!["price".into(), "ad_spend".into(), "promotion".into()],
            models,
            penalty: Penalty::CrossValidate,
            penalty_count: 8,
            ..RegressParams::default()
        };
        regress(&ds.df, "monthly_sales.csv", &params, &Reporter::silent()).expect("fit")
    }

    #[test]
    fn least_squares_charts_and_tables() {
        let r = result(vec![RegModel::Ols, RegModel::Ridge, RegModel::Knn]);
        let charts = charts(&r, "monthly_sales.csv, 96 rows", 0);
        let ids: Vec<&str> = charts.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["predicted_actual", "residuals", "effects", "penalty"]);

        // predicted against actual: every evaluated row, and the y = x line
        let pa = &charts[0];
        assert_eq!(pa.series[0].name, "Perfect prediction");
        let [a, b] = [pa.series[0].points[0], pa.series[0].points[1]];
        assert!(a[0] == a[1] && b[0] == b[1] && a[0] < b[0]);
        assert_eq!(pa.series[1].points.len(), r.eval_actual.len());
        assert_eq!(
            pa.series[1].points[0],
            [r.eval_actual[0], r.models[0].predictions[0]]
        );
        assert!(pa.subtitle.starts_with("Linear regression: typical miss"));
        assert!(
            pa.subtitle
                .contains(&format!("(R\u{b2} {:.3})", r.models[0].errors.r2))
        );

        // effects: one bar per coefficient on a category axis, whiskers around each bar
        let fx = &charts[2];
        let AxisKind::Category(names) = &fx.y.kind else {
            panic!("effects need a category axis");
        };
        let coefs = r.models[0].coefficients.len();
        assert_eq!(names.len(), coefs);
        let bars: Vec<[f64; 2]> = fx
            .series
            .iter()
            .filter(|s| {
                matches!(
                    s.kind,
                    SeriesKind::Bars {
                        horizontal: true,
                        ..
                    }
                )
            })
            .flat_map(|s| s.points.clone())
            .collect();
        assert_eq!(bars.len(), coefs);
        let whiskers = fx
            .series
            .iter()
            .find(|s| matches!(s.kind, SeriesKind::Segments { .. }))
            .expect("whiskers");
        assert_eq!(whiskers.points.len(), 6 * coefs);
        for bar in &bars {
            let row: Vec<&[f64; 2]> = whiskers.points.iter().filter(|p| p[1] == bar[1]).collect();
            assert_eq!(row.len(), 2, "one whisker line per bar");
            let (lo, hi) = (row[0][0].min(row[1][0]), row[0][0].max(row[1][0]));
            assert!(
                lo <= bar[0] && bar[0] <= hi,
                "the bar sits inside its 95 % range"
            );
        }
        // the biggest effect on top
        let top = bars
            .iter()
            .find(|b| b[1] == (coefs - 1) as f64)
            .expect("top");
        assert!(bars.iter().all(|b| b[0].abs() <= top[0].abs()));
        let top_name = names.last().expect("names");
        assert!(fx.subtitle.contains(top_name.as_str()), "{}", fx.subtitle);

        // the penalty curve of ridge, with its chosen alpha marked
        let pen = &charts[3];
        assert_eq!(pen.series[0].name, "Ridge");
        assert_eq!(pen.series[0].points.len(), r.models[1].penalty_curve.len());
        assert!(pen.subtitle.contains("Ridge"));

        let tables = tables(&r, 0);
        let ids: Vec<&str> = tables.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["model_comparison", "coefficients"]);
        assert_eq!(tables[0].rows.len(), 3);
        let best = r.best().expect("best");
        assert!(tables[0].rows[best][0].ends_with("(best)"));
        assert_eq!(tables[0].rows[0][1], plain(r.models[0].errors.rmse));
        assert_eq!(tables[0].rows[0][5], "\u{2013}");
        let coef = &tables[1];
        assert_eq!(coef.header.len(), 7);
        assert_eq!(
            coef.rows.len(),
            coefs + 1,
            "the effects and the starting point"
        );
        assert!(coef.rows.iter().all(|row| row.len() == 7));
    }

    #[test]
    fn nearest_neighbours_have_no_effects() {
        let r = result(vec![RegModel::Knn]);
        let charts = charts(&r, "monthly_sales.csv", 0);
        let ids: Vec<&str> = charts.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["predicted_actual", "residuals"]);
        let tables = tables(&r, 5);
        assert_eq!(tables.len(), 1);
        assert_eq!(tables[0].rows.len(), 1);
    }
}
