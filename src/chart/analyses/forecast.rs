//! The forecast analysis's charts and tables.
//!
//! What the Forecast view shows, as [`Chart`] and [`Table`] values: the history, the
//! held-out actuals against each method's forecast of them, the forecast ahead with the
//! chosen method's 95 % range, on a date axis (days since 1970-01-01 of each period's first
//! day); the holdout error of each method; the LSTM's training curve; the error table and the
//! forecast as numbers.

use chrono::{Datelike, NaiveDate};

use crate::analysis::forecast::{ForecastResult, ModelForecast, ModelKind};
use crate::analysis::series::Series as TimeSeries;
use crate::chart::spec::{self, Rgb};
use crate::chart::{Axis, AxisKind, Chart, Series, SeriesKind, Table};

/// Beyond this many periods the history line is reduced to min/max pairs (as the view).
const MAX_HISTORY_POINTS: usize = 3000;
/// The history line (the view's text colour, a little faded).
const HISTORY: Rgb = Rgb(0x55, 0x55, 0x55);
/// The held-out actual values.
const ACTUAL: Rgb = Rgb(0x22, 0x22, 0x22);
/// Periods that had no rows and were filled.
const FILLED: Rgb = Rgb(0xC0, 0x39, 0x2B);
/// Days from 0001-01-01 (day 1 of the common era) to 1970-01-01.
const EPOCH_FROM_CE: i32 = 719_163;

/// Days since 1970-01-01: the x of a [`AxisKind::Date`] axis.
pub fn days_since_epoch(d: NaiveDate) -> f64 {
    f64::from(d.num_days_from_ce() - EPOCH_FROM_CE)
}

/// One colour per method, the same in every chart and table (as the view pairs them).
pub fn model_color(kind: ModelKind) -> Rgb {
    match kind {
        ModelKind::SeasonalNaive => spec::color(0),
        ModelKind::Drift => spec::color(3),
        ModelKind::HoltWinters => spec::color(1),
        ModelKind::Lstm => spec::color(2),
    }
}

/// The first period drawn when the chart shows recent history only: three seasons (at least
/// twelve periods) before the holdout (the view's rule).
pub fn recent_start(n: usize, holdout: usize, season: usize) -> usize {
    n.saturating_sub(holdout + 3 * season.max(4))
}

/// Keep the first and last point and, per bucket, the lowest and highest (the view's
/// reduction of long histories).
fn decimate(points: Vec<[f64; 2]>, max: usize) -> Vec<[f64; 2]> {
    if points.len() <= max || max < 4 {
        return points;
    }
    let buckets = max / 2;
    let size = points.len().div_ceil(buckets);
    let mut out = Vec::with_capacity(max + 2);
    for chunk in points.chunks(size) {
        let lo = chunk.iter().min_by(|a, b| a[1].total_cmp(&b[1]));
        let hi = chunk.iter().max_by(|a, b| a[1].total_cmp(&b[1]));
        if let (Some(lo), Some(hi)) = (lo, hi) {
            if lo[0] <= hi[0] {
                out.extend([*lo, *hi]);
            } else {
                out.extend([*hi, *lo]);
            }
        }
    }
    out
}

/// 1234567 → "1.23 M", 29972.4 → "29,972", 12.345 → "12.35" (the forecast view's numbers).
pub fn short(v: f64) -> String {
    let a = v.abs();
    if !v.is_finite() {
        v.to_string()
    } else if a >= 1e6 {
        format!("{:.2} M", v / 1e6)
    } else if a >= 100.0 {
        let sign = if v < 0.0 { "-" } else { "" };
        format!("{sign}{}", crate::cli::thousands(a.round() as usize))
    } else {
        format!("{v:.2}")
    }
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or_else(String::new, |f| {
        f.to_uppercase().collect::<String>() + c.as_str()
    })
}

/// "12 months" / "1 month".
fn periods(series: &TimeSeries, n: usize) -> String {
    let word = if n == 1 {
        series.period.label()
    } else {
        series.period.plural()
    };
    format!("{n} {word}")
}

/// "Holt-Winters (…) came closest on the last 12 months: typically 3.1 % off (MAPE)", ranked
/// by the same number as the view's verdict.
fn best_sentence(result: &ForecastResult) -> Option<String> {
    let best = result.best()?;
    let score = result.rank_score(best)?;
    let how = if result.ranks_by_mape() {
        format!("typically {score:.1} % off (MAPE)")
    } else {
        format!("root mean squared error {}", short(score))
    };
    let closest = if result.models.len() > 1 {
        "came closest"
    } else {
        "was"
    };
    Some(format!(
        "{} {closest} on the last {}, which it did not see: {how}",
        best.name,
        periods(&result.series, result.holdout)
    ))
}

fn footnote(result: &ForecastResult, source: &str) -> String {
    let s = &result.series;
    let n = s.len();
    let range = if n > 0 {
        format!(
            ", {} to {}",
            s.period.format(s.date(0)),
            s.period.format(s.date(n - 1))
        )
    } else {
        String::new()
    };
    format!(
        "{source} \u{b7} {}{range} \u{b7} methods learned from the first {}, judged on the \
         last {}",
        periods(s, n),
        periods(s, result.train_len()),
        periods(s, result.holdout)
    )
}

/// The charts of a forecast, in the view's order: the forecast chart (from the last three
/// seasons before the holdout, or the `whole_history`; the 95 % range of the method at
/// `selected`, clamped, shaded), the holdout error of each method, and the LSTM's training
/// curve when the selected method is the LSTM.
///
/// `source`: "monthly_sales.csv, 96 rows".
pub fn charts(
    result: &ForecastResult,
    source: &str,
    selected: usize,
    whole_history: bool,
) -> Vec<Chart> {
    let mut out = Vec::new();
    if result.series.is_empty() {
        return out;
    }
    let selected = selected.min(result.models.len().saturating_sub(1));
    out.push(forecast_chart(result, source, selected, whole_history));
    out.extend(errors_chart(result, source));
    if let Some(m) = result.models.get(selected) {
        out.extend(training_chart(result, m, source));
    }
    out
}

fn forecast_chart(
    result: &ForecastResult,
    source: &str,
    selected: usize,
    whole_history: bool,
) -> Chart {
    let s = &result.series;
    let n = s.len();
    let y = &s.values;
    let x = |i: usize| days_since_epoch(s.date(i));
    let holdout = result.holdout.min(n);
    let train_end = n - holdout;
    let from = if whole_history {
        0
    } else {
        recent_start(n, result.holdout, result.season)
    };
    let from = from.min(train_end.saturating_sub(1));
    let mut series = Vec::new();

    // the chosen method's 95 % range, under everything else
    if let Some(m) = result.models.get(selected) {
        let color = model_color(m.kind);
        let band = |start: usize, b: &[(f64, f64)]| -> (Vec<[f64; 2]>, Vec<[f64; 2]>) {
            b.iter()
                .enumerate()
                .map(|(i, (lo, hi))| ([x(start + i), *lo], [x(start + i), *hi]))
                .unzip()
        };
        if !m.holdout_band.is_empty() {
            let (lo, hi) = band(train_end, &m.holdout_band);
            series.push(Series::band("", color, lo, hi));
        }
        if !m.future_band.is_empty() {
            let (lo, hi) = band(n, &m.future_band);
            series.push(Series::band(
                format!("{} 95 % range", m.name),
                color,
                lo,
                hi,
            ));
        }
    }

    let history: Vec<[f64; 2]> = (from..train_end.max(1).min(n))
        .map(|i| [x(i), y[i]])
        .collect();
    series.push(Series {
        name: "History".into(),
        color: HISTORY,
        kind: SeriesKind::Line {
            width: 1.5,
            dashed: false,
        },
        points: decimate(history, MAX_HISTORY_POINTS),
    });
    let filled: Vec<[f64; 2]> = (from..n)
        .filter(|&i| s.filled.get(i).copied().unwrap_or(false))
        .map(|i| [x(i), y[i]])
        .collect();
    if !filled.is_empty() {
        series.push(Series {
            name: "Filled in (no rows)".into(),
            color: FILLED,
            kind: SeriesKind::Points { radius: 4.0 },
            points: filled,
        });
    }
    if holdout > 0 && train_end > 0 {
        // where the holdout starts: halfway between its first period and the one before
        let at = (x(train_end - 1) + x(train_end)) / 2.0;
        let drawn = (from..n)
            .map(|i| y[i])
            .chain(result.models.iter().flat_map(|m| {
                m.holdout
                    .iter()
                    .chain(&m.future)
                    .copied()
                    .collect::<Vec<_>>()
            }))
            .filter(|v| v.is_finite());
        let (lo, hi) = drawn.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
        if lo.is_finite() && hi.is_finite() {
            series.push(Series::dashed(
                "Holdout starts",
                spec::REFERENCE,
                vec![[at, lo], [at, hi]],
            ));
        }
        let actual: Vec<[f64; 2]> = (train_end - 1..n).map(|i| [x(i), y[i]]).collect();
        series.push(Series::line("Actual (held out)", ACTUAL, actual.clone()));
        series.push(Series::points("", ACTUAL, actual[1..].to_vec()));
    }
    for m in &result.models {
        let color = model_color(m.kind);
        if !m.holdout.is_empty() && train_end > 0 {
            let mut pts = vec![[x(train_end - 1), y[train_end - 1]]];
            pts.extend(
                m.holdout
                    .iter()
                    .enumerate()
                    .map(|(i, v)| [x(train_end + i), *v]),
            );
            series.push(Series {
                name: format!("{} (held-out periods)", m.name),
                color,
                kind: SeriesKind::Line {
                    width: 2.0,
                    dashed: false,
                },
                points: pts,
            });
        }
        if !m.future.is_empty() {
            let mut pts = vec![[x(n - 1), y[n - 1]]];
            pts.extend(m.future.iter().enumerate().map(|(i, v)| [x(n + i), *v]));
            series.push(Series {
                name: format!("{} (ahead)", m.name),
                color,
                kind: SeriesKind::Line {
                    width: 2.0,
                    dashed: true,
                },
                points: pts,
            });
        }
    }
    let value = &result.value_label;
    let period = s.period.label();
    let shaded = result.models.get(selected).map_or(String::new(), |m| {
        format!("; shaded: the 95 % range of {}", m.name)
    });
    Chart {
        id: "forecast".into(),
        title: format!(
            "What to expect for {value} in the next {}",
            periods(s, result.horizon)
        ),
        subtitle: best_sentence(result)
            .unwrap_or_else(|| format!("{} per {period}: forecast vs actual", capitalized(value))),
        x: Axis::date(capitalized(period)),
        y: Axis::number(format!("{} per {period}", capitalized(value))),
        series,
        footnote: format!(
            "{} \u{b7} solid: forecasts of the held-out periods, made without seeing them; \
             dashed: the forecast ahead{shaded}",
            footnote(result, source)
        ),
    }
}

/// The number each method is ranked by, as bars: MAPE (as a share) or RMSE.
fn errors_chart(result: &ForecastResult, source: &str) -> Option<Chart> {
    let by_mape = result.ranks_by_mape();
    let scored: Vec<(&ModelForecast, f64)> = result
        .models
        .iter()
        .filter_map(|m| Some((m, result.rank_score(m)?)))
        .collect();
    if scored.is_empty() {
        return None;
    }
    let names: Vec<String> = scored
        .iter()
        .map(|(m, _)| m.kind.label().to_owned())
        .collect();
    let series = scored
        .iter()
        .enumerate()
        .map(|(i, (m, v))| {
            let value = if by_mape { v / 100.0 } else { *v };
            Series::bars(m.name.clone(), model_color(m.kind), vec![[i as f64, value]])
        })
        .collect();
    let y = if by_mape {
        Axis {
            label: "MAPE: typical miss, in % of the actual value".into(),
            kind: AxisKind::Percent,
            range: None,
        }
    } else {
        Axis::number(format!("RMSE: typical miss, in {}", result.value_label))
    };
    Some(Chart {
        id: "method_errors".into(),
        title: format!(
            "Which method came closest on the last {}",
            periods(&result.series, result.holdout)
        ),
        subtitle: best_sentence(result).unwrap_or_default(),
        x: Axis::category("Method", names),
        y,
        series,
        footnote: format!("{} \u{b7} lower is better", footnote(result, source)),
    })
}

/// The LSTM's error by epoch (log10 scale, as the view plots it), with the epoch kept.
fn training_chart(result: &ForecastResult, m: &ModelForecast, source: &str) -> Option<Chart> {
    let trace = m.training.as_ref()?;
    let log = |v: f64| (v > 0.0 && v.is_finite()).then(|| v.log10());
    let train: Vec<[f64; 2]> = trace
        .train_losses
        .iter()
        .enumerate()
        .filter_map(|(i, l)| Some([(i + 1) as f64, log(*l)?]))
        .collect();
    if train.is_empty() {
        return None;
    }
    let val: Vec<[f64; 2]> = trace
        .val_losses
        .iter()
        .enumerate()
        .filter_map(|(i, l)| Some([(i + 1) as f64, log((*l)?)?]))
        .collect();
    let (lo, hi) = train
        .iter()
        .chain(&val)
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| {
            (a.min(p[1]), b.max(p[1]))
        });
    let mut series = vec![Series::line("Training windows", spec::color(0), train)];
    if !val.is_empty() {
        series.push(Series::line("Validation windows", spec::color(1), val));
    }
    if trace.best_epoch > 0 {
        series.push(Series::dashed(
            "Weights kept",
            spec::REFERENCE,
            vec![[trace.best_epoch as f64, lo], [trace.best_epoch as f64, hi]],
        ));
    }
    Some(Chart {
        id: "lstm_training".into(),
        title: "How the LSTM learned: error by epoch".into(),
        subtitle: format!(
            "{} epochs{}; the weights of epoch {} were kept",
            trace.epochs_run,
            if trace.stopped {
                " (stopped early)"
            } else {
                ""
            },
            trace.best_epoch
        ),
        x: Axis::number("Epoch"),
        y: Axis::number("Mean squared error (scaled), power of ten: \u{2212}2 means 0.01"),
        series,
        footnote: footnote(result, source),
    })
}

/// The view's tables: the holdout errors of every method, and the forecast of the method at
/// `selected` (clamped) with its 95 % range.
pub fn tables(result: &ForecastResult, selected: usize) -> Vec<Table> {
    let s = &result.series;
    let mut out = vec![Table {
        id: "forecast_errors".into(),
        title: format!(
            "Errors on the last {} (no method saw them)",
            periods(s, result.holdout)
        ),
        header: ["Method", "RMSE", "MAE", "MAPE", "sMAPE", "Fitted in"]
            .iter()
            .map(|h| (*h).to_owned())
            .collect(),
        rows: result
            .models
            .iter()
            .map(|m| {
                let mut row = vec![m.name.clone()];
                match &m.errors {
                    Some(e) => row.extend([
                        short(e.rmse),
                        short(e.mae),
                        e.mape.map_or("n/a".to_owned(), |v| format!("{v:.1} %")),
                        format!("{:.1} %", e.smape),
                    ]),
                    None => row.extend(std::iter::repeat_n("\u{2013}".to_owned(), 4)),
                }
                row.push(format!("{:.2} s", m.seconds));
                row
            })
            .collect(),
    }];
    let selected = selected.min(result.models.len().saturating_sub(1));
    if let Some(m) = result.models.get(selected) {
        let n = s.len();
        out.push(Table {
            id: "forecast_values".into(),
            title: format!("Forecast: {}", m.name),
            header: ["Period", "Forecast", "95 % range from", "to"]
                .iter()
                .map(|h| (*h).to_owned())
                .collect(),
            rows: m
                .future
                .iter()
                .zip(&m.future_band)
                .enumerate()
                .map(|(i, (v, (lo, hi)))| {
                    vec![
                        s.period.format(s.date(n + i)),
                        short(*v),
                        short(*lo),
                        short(*hi),
                    ]
                })
                .collect(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::forecast::{ForecastParams, SeriesSpec, forecast};
    use crate::jobs::Reporter;

    fn result() -> ForecastResult {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("assets/samples/monthly_sales.csv");
        let ds = crate::data::load_path(&path).expect("load the sample");
        let params = ForecastParams {
            series: SeriesSpec {
                date: "month".into(),
                value: Some("sales".into()),
                period: None,
                aggregate: Default::default(),
                fill: Default::default(),
            },
            holdout: Some(12),
            horizon: Some(9),
            season: Some(12),
            models: vec![
                ModelKind::SeasonalNaive,
                ModelKind::Drift,
                ModelKind::HoltWinters,
            ],
            ..ForecastParams::default()
        };
        forecast(&ds.df, &params, &Reporter::silent()).expect("forecast")
    }

    #[test]
    fn the_forecast_chart_puts_every_method_on_dates() {
        let r = result();
        assert_eq!(r.series.len(), 96);
        let charts = charts(&r, "monthly_sales.csv, 96 rows", 2, false);
        let ids: Vec<&str> = charts.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["forecast", "method_errors"]);
        let fc = &charts[0];
        assert_eq!(fc.x.kind, AxisKind::Date);
        // the future band: `horizon` points from the first period after the data
        let band = fc
            .series
            .iter()
            .find(|s| s.name == format!("{} 95 % range", r.models[2].name))
            .expect("the future band");
        let SeriesKind::Band { upper } = &band.kind else {
            panic!("a band");
        };
        assert_eq!(band.points.len(), 9);
        assert_eq!(upper.len(), 9);
        // 2017-01 + 96 months = 2025-01-01, day 20,089 since 1970-01-01
        assert_eq!(band.points[0][0], 20_089.0);
        assert!(band.points.iter().zip(upper).all(|(l, u)| l[1] <= u[1]));
        // one held-out and one future line per method, in the method's colour
        for m in &r.models {
            let ahead = fc
                .series
                .iter()
                .find(|s| s.name == format!("{} (ahead)", m.name))
                .expect("future line");
            assert_eq!(ahead.points.len(), 1 + 9);
            assert_eq!(ahead.color, model_color(m.kind));
            assert_eq!(ahead.points[1][1], m.future[0]);
            let held = fc
                .series
                .iter()
                .find(|s| s.name == format!("{} (held-out periods)", m.name))
                .expect("holdout line");
            assert_eq!(held.points.len(), 1 + 12);
        }
        // recent history only: three seasons before the holdout
        let history = fc
            .series
            .iter()
            .find(|s| s.name == "History")
            .expect("history");
        assert_eq!(history.points.len(), 36);
        assert_eq!(
            history.points[0][0],
            days_since_epoch(r.series.date(96 - 12 - 36))
        );
        let whole = super::charts(&r, "monthly_sales.csv", 2, true);
        let history = whole[0]
            .series
            .iter()
            .find(|s| s.name == "History")
            .expect("history");
        assert_eq!(history.points.len(), 84);
        // the subtitle names the best method
        let best = r.best().expect("a best method");
        assert!(fc.subtitle.starts_with(&best.name), "{}", fc.subtitle);
        assert!(fc.subtitle.contains("last 12 months"));
        assert!(fc.footnote.starts_with("monthly_sales.csv, 96 rows"));

        // the errors chart: one bar per method, MAPE as a share
        let errors = &charts[1];
        assert_eq!(errors.series.len(), 3);
        let e = r.models[0].errors.expect("errors").mape.expect("mape");
        assert!((errors.series[0].points[0][1] - e / 100.0).abs() < 1e-12);

        let tables = tables(&r, 2);
        let ids: Vec<&str> = tables.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["forecast_errors", "forecast_values"]);
        assert_eq!(tables[0].rows.len(), r.models.len());
        assert_eq!(tables[0].rows[0][3], format!("{e:.1} %"));
        assert_eq!(tables[1].rows.len(), 9);
        assert_eq!(tables[1].rows[0][0], "2025-01");
        assert_eq!(tables[1].rows[0][1], short(r.models[2].future[0]));
    }

    #[test]
    fn dates_and_numbers() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).expect("date");
        assert_eq!(days_since_epoch(d(1970, 1, 1)), 0.0);
        assert_eq!(days_since_epoch(d(1969, 12, 31)), -1.0);
        assert_eq!(days_since_epoch(d(2017, 1, 1)), 17_167.0);
        assert_eq!(short(29972.4), "29,972");
        assert_eq!(short(2_345_678.0), "2.35 M");
    }
}
