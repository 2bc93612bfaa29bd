//! The forecast as a table (date, value, lower, upper, model), for `forecast --out` and the
//! window's Export button. Written atomically to a new file by data::save.

use polars::prelude::*;

use super::forecast::{ForecastResult, ModelForecast};

/// One row per future period and method, in the order of `models`.
pub fn forecast_table(
    result: &ForecastResult,
    models: &[&ModelForecast],
) -> PolarsResult<DataFrame> {
    let mut date = Vec::new();
    let mut value = Vec::new();
    let mut lower = Vec::new();
    let mut upper = Vec::new();
    let mut model = Vec::new();
    let n = result.series.len();
    for m in models {
        for (i, (v, (lo, hi))) in m.future.iter().zip(&m.future_band).enumerate() {
            date.push(result.series.date(n + i).format("%Y-%m-%d").to_string());
            value.push(*v);
            lower.push(*lo);
            upper.push(*hi);
            model.push(m.kind.cli_name());
        }
    }
    DataFrame::new(
        date.len(),
        vec![
            Column::new("date".into(), date),
            Column::new("value".into(), value),
            Column::new("lower".into(), lower),
            Column::new("upper".into(), upper),
            Column::new("model".into(), model),
        ],
    )
}

/// Write the table to `path` (a new file; never the input file).
pub fn save_forecast(
    result: &ForecastResult,
    models: &[&ModelForecast],
    path: &std::path::Path,
    input: Option<&std::path::Path>,
) -> Result<(), String> {
    let mut df = forecast_table(result, models).map_err(|e| e.to_string())?;
    crate::data::save::write_csv_atomic(&mut df, path, input).map_err(|e| e.to_string())
}

/// Which method wins, in one sentence for the marketer: "Holt-Winters (…) came closest on
/// the last 12 months, which no method saw: typically 3.1 % off (MAPE), against 8.4 % for
/// Seasonal naive." `None` without a holdout.
pub fn verdict(result: &ForecastResult) -> Option<String> {
    let best = result.best()?;
    let when = format!(
        "the last {} {}",
        result.holdout,
        if result.holdout == 1 {
            result.series.period.label()
        } else {
            result.series.period.plural()
        }
    );
    // described by the same number the methods are ranked by
    let by_mape = result.ranks_by_mape();
    let amount = |v: f64| {
        if by_mape {
            format!("{v:.1} %")
        } else {
            format!("{v:.1}")
        }
    };
    let score = result.rank_score(best)?;
    let how = if by_mape {
        format!("typically {} off (MAPE)", amount(score))
    } else {
        format!("a root mean squared error of {}", amount(score))
    };
    let runner_up = result
        .models
        .iter()
        .filter(|m| m.kind != best.kind)
        .filter_map(|m| {
            result
                .rank_score(m)
                .map(|v| format!("{} for {}", amount(v), m.name))
        })
        .collect::<Vec<_>>();
    Some(if runner_up.is_empty() {
        format!("{} was {how} on {when}, which it did not see.", best.name)
    } else {
        format!(
            "{} came closest on {when}, which no method saw: {how}, against {}.",
            best.name,
            runner_up.join(", ")
        )
    })
}
