//! `marketlens forecast`: forecast a series, judge the methods on a holdout, write the forecast.

use std::fmt::Write as _;
use std::path::PathBuf;

use clap::Args;
use serde::Serialize;

use crate::analysis::forecast::{
    ForecastParams, ForecastResult, ModelForecast, ModelKind, SeasonChoice, forecast,
};
use crate::analysis::forecast_export::save_forecast;
use crate::analysis::forecast_input::SeriesSpec;
use crate::analysis::holt_winters::{Seasonal, Trend};
use crate::analysis::lstm::{LstmSettings, Strategy};
use crate::analysis::series::{Aggregate, Fill, Period};
use crate::data::load_path;
use crate::metrics::forecast::ForecastErrors;

#[derive(Args, Debug)]
pub struct ForecastArgs {
    /// The CSV file: one row per period, or raw transactions with a date.
    pub file: PathBuf,
    /// The date column (2024-01-31, 2024/01/31, 31/01/2024, 2024-01 or timestamps).
    #[arg(long)]
    pub date: String,
    /// The column to forecast (added up per period; see --aggregate).
    #[arg(long)]
    pub value: String,
    /// day, week, month, quarter or year (detected from the dates when left out).
    #[arg(long)]
    pub period: Option<String>,
    /// How rows in the same period are combined: sum, count or mean.
    #[arg(long, default_value = "sum")]
    pub aggregate: String,
    /// Periods without rows: interpolate or zero.
    #[arg(long, default_value = "interpolate")]
    pub fill: String,
    /// Periods at the end held back to judge the forecast (default: one season, or 20 %).
    #[arg(long)]
    pub holdout: Option<usize>,
    /// Periods to forecast after the data (default: one season).
    #[arg(long)]
    pub horizon: Option<usize>,
    /// seasonal_naive, drift, holt_winters or lstm; several, comma-separated, to compare
    /// (the first one is reported at the top level).
    #[arg(long, value_delimiter = ',', default_value = "holt_winters")]
    pub model: Vec<String>,
    /// Season length in periods (detected when left out; 1 = no season).
    #[arg(long)]
    pub season: Option<usize>,
    /// Holt-Winters trend: none, additive or damped.
    #[arg(long, default_value = "additive")]
    pub trend: String,
    /// Holt-Winters seasonality: auto, additive or multiplicative.
    #[arg(long, default_value = "auto")]
    pub seasonality: String,
    /// Random seed of the LSTM.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// LSTM training epochs.
    #[arg(long, default_value_t = 200)]
    pub epochs: usize,
    /// LSTM input window in periods (default: the season, at least 4).
    #[arg(long)]
    pub window: Option<usize>,
    /// LSTM hidden units.
    #[arg(long, default_value_t = 32)]
    pub hidden: usize,
    /// Stacked LSTM layers (1–3).
    #[arg(long, default_value_t = 1)]
    pub layers: usize,
    /// LSTM learning rate (Adam).
    #[arg(long, default_value_t = 0.01)]
    pub learning_rate: f64,
    /// LSTM multi-step forecasts: recursive or direct.
    #[arg(long, default_value = "recursive")]
    pub strategy: String,
    /// What the LSTM learns: changes (period-to-period differences, follows trends) or
    /// levels (the values themselves).
    #[arg(long, default_value = "changes")]
    pub lstm_on: String,
    /// Write the forecast (date, value, lower, upper, model) to this new CSV file.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct Holdout {
    rmse: f64,
    mae: f64,
    /// Percent; null when an actual value is zero.
    mape: Option<f64>,
    smape: f64,
    periods: usize,
}

#[derive(Serialize)]
struct Point {
    date: String,
    value: f64,
    lower: f64,
    upper: f64,
}

#[derive(Serialize)]
struct ModelReport {
    model: &'static str,
    name: String,
    holdout: Option<Holdout>,
    forecast: Vec<Point>,
    seconds: f64,
    note: Option<String>,
}

#[derive(Serialize)]
struct SeriesReport {
    period: &'static str,
    periods: usize,
    start: String,
    end: String,
    filled_periods: usize,
    rows_used: usize,
    season: usize,
    train_periods: usize,
}

#[derive(Serialize)]
struct Report {
    file: String,
    value: String,
    model: &'static str,
    holdout: Option<Holdout>,
    forecast: Vec<Point>,
    series: SeriesReport,
    models: Vec<ModelReport>,
    best: Option<&'static str>,
    skipped: Vec<String>,
    notes: Vec<String>,
}

fn holdout(e: &Option<ForecastErrors>) -> Option<Holdout> {
    e.map(|e| Holdout {
        rmse: e.rmse,
        mae: e.mae,
        mape: e.mape,
        smape: e.smape,
        periods: e.n,
    })
}

fn model_report(r: &ForecastResult, m: &ModelForecast) -> ModelReport {
    let n = r.series.len();
    ModelReport {
        model: m.kind.cli_name(),
        name: m.name.clone(),
        holdout: holdout(&m.errors),
        forecast: m
            .future
            .iter()
            .zip(&m.future_band)
            .enumerate()
            .map(|(i, (v, (lo, hi)))| Point {
                date: r.series.date(n + i).format("%Y-%m-%d").to_string(),
                value: *v,
                lower: *lo,
                upper: *hi,
            })
            .collect(),
        seconds: m.seconds,
        note: m.note.clone(),
    }
}

/// The settings from the arguments, with a message for each one that does not fit.
pub fn params(args: &ForecastArgs) -> Result<ForecastParams, String> {
    let mut models = Vec::new();
    for name in &args.model {
        models.push(ModelKind::parse(name).ok_or_else(|| {
            format!(
                "the model \u{201c}{name}\u{201d} is not available; use seasonal_naive, drift, \
                 holt_winters or lstm"
            )
        })?);
    }
    let period = match &args.period {
        None => None,
        Some(p) => Some(Period::parse(p).ok_or_else(|| {
            format!("--period \u{201c}{p}\u{201d}: use day, week, month, quarter or year")
        })?),
    };
    let aggregate = Aggregate::parse(&args.aggregate)
        .ok_or_else(|| "--aggregate: use sum, count or mean".to_owned())?;
    let fill =
        Fill::parse(&args.fill).ok_or_else(|| "--fill: use interpolate or zero".to_owned())?;
    let trend = match args.trend.as_str() {
        "none" => Trend::None,
        "additive" | "add" => Trend::Additive,
        "damped" => Trend::Damped,
        other => {
            return Err(format!(
                "--trend \u{201c}{other}\u{201d}: use none, additive or damped"
            ));
        }
    };
    let seasonal = match args.seasonality.as_str() {
        "auto" => SeasonChoice::Auto,
        "none" => SeasonChoice::Fixed(Seasonal::None),
        "additive" | "add" => SeasonChoice::Fixed(Seasonal::Additive),
        "multiplicative" | "mul" => SeasonChoice::Fixed(Seasonal::Multiplicative),
        other => {
            return Err(format!(
                "--seasonality \u{201c}{other}\u{201d}: use auto, additive, multiplicative or none"
            ));
        }
    };
    let strategy = match args.strategy.as_str() {
        "recursive" => Strategy::Recursive,
        "direct" => Strategy::Direct,
        other => {
            return Err(format!(
                "--strategy \u{201c}{other}\u{201d}: use recursive or direct"
            ));
        }
    };
    let lstm_changes = match args.lstm_on.as_str() {
        "changes" => true,
        "levels" => false,
        other => {
            return Err(format!(
                "--lstm-on \u{201c}{other}\u{201d}: use changes or levels"
            ));
        }
    };
    if args.season == Some(0) {
        return Err("--season must be 1 (no season) or more".to_owned());
    }
    let lstm = LstmSettings {
        window: args.window.unwrap_or(0),
        hidden: args.hidden,
        layers: args.layers,
        epochs: args.epochs,
        learning_rate: args.learning_rate,
        seed: args.seed,
        strategy,
    };
    Ok(ForecastParams {
        series: SeriesSpec {
            date: args.date.trim().to_owned(),
            value: Some(args.value.trim().to_owned()),
            period,
            aggregate,
            fill,
        },
        holdout: args.holdout,
        horizon: args.horizon,
        season: args.season,
        models,
        trend,
        seasonal,
        lstm,
        lstm_changes,
        ..ForecastParams::default()
    })
}

/// `marketlens forecast`: the text to print, or the error message.
pub fn run(args: &ForecastArgs) -> Result<String, String> {
    let params = params(args)?;
    let ds = load_path(&args.file).map_err(|e| e.to_string())?;
    let result = forecast(&ds.df, &params, &crate::jobs::Reporter::silent())
        .map_err(|e| format!("{}: {e}", ds.file_name))?;
    if let Some(out) = &args.out {
        let models: Vec<&ModelForecast> = result.models.iter().collect();
        save_forecast(&result, &models, out, Some(&args.file))?;
    }
    // the first requested method that ran is the headline
    let first = params
        .models
        .iter()
        .find_map(|k| result.models.iter().find(|m| m.kind == *k));
    let Some(first) = first else {
        return Err("no method could run".to_owned());
    };
    let s = &result.series;
    let n = s.len();
    let report = Report {
        file: ds.file_name.clone(),
        value: result.value_label.clone(),
        model: first.kind.cli_name(),
        holdout: holdout(&first.errors),
        forecast: model_report(&result, first).forecast,
        series: SeriesReport {
            period: s.period.label(),
            periods: n,
            start: s.date(0).format("%Y-%m-%d").to_string(),
            end: s.date(n.saturating_sub(1)).format("%Y-%m-%d").to_string(),
            filled_periods: s.gaps(),
            rows_used: s.rows_used,
            season: result.season,
            train_periods: result.train_len(),
        },
        models: result
            .models
            .iter()
            .map(|m| model_report(&result, m))
            .collect(),
        best: result.best().map(|m| m.kind.cli_name()),
        skipped: result.skipped.iter().map(|(_, r)| r.clone()).collect(),
        notes: result.notes.clone(),
    };
    if args.json {
        return serde_json::to_string(&report).map_err(|e| e.to_string());
    }
    Ok(text(&report, &result))
}

fn text(report: &Report, result: &ForecastResult) -> String {
    let s = &report.series;
    let period = result.series.period;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}: {} per {}, {} {} from {} to {} (season {}, {} {} held out)",
        report.file,
        report.value,
        s.period,
        s.periods,
        period.plural(),
        period.format(result.series.date(0)),
        period.format(result.series.date(s.periods.saturating_sub(1))),
        s.season,
        result.holdout,
        period.plural(),
    );
    for m in &report.models {
        match &m.holdout {
            Some(h) => {
                let mape = h.mape.map_or("n/a".to_owned(), |v| format!("{v:.2} %"));
                let _ = writeln!(
                    out,
                    "{:<44} RMSE {:.3}  MAE {:.3}  MAPE {}  sMAPE {:.2} %  ({:.2} s)",
                    m.name, h.rmse, h.mae, mape, h.smape, m.seconds
                );
            }
            None => {
                let _ = writeln!(out, "{}", m.name);
            }
        }
    }
    if let Some(best) = result.best() {
        let _ = writeln!(out, "Best on the holdout: {}", best.name);
    }
    let first = report.models.iter().find(|m| m.model == report.model);
    if let Some(first) = first {
        let _ = writeln!(out, "Forecast ({}):", first.name);
        let n = result.series.len();
        for (i, p) in first.forecast.iter().enumerate() {
            let _ = writeln!(
                out,
                "  {:<12} {:>14.2}   95 % range {:.2} to {:.2}",
                period.format(result.series.date(n + i)),
                p.value,
                p.lower,
                p.upper
            );
        }
    }
    for r in &report.skipped {
        let _ = writeln!(out, "not run: {r}");
    }
    for n in &report.notes {
        let _ = writeln!(out, "note: {n}");
    }
    out.trim_end().to_owned()
}
