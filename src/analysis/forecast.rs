//! Sales forecasting: the settings, progress events and result of forecasting one series with
//! several methods. Every method is fitted on the periods before the holdout and judged on
//! the holdout (periods it did not see); the future forecast then uses all the data.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Instant;

use polars::prelude::DataFrame;
use serde::Serialize;

pub use super::forecast_input::{InputError, SeriesSpec};
use super::forecast_input::{build_series, default_season_holdout_horizon, read_rows, value_label};
pub use super::forecast_methods::auto_window;
use super::forecast_methods::{drift, holt_winters, not_finite, run_lstm, seasonal_naive};
use super::holt_winters::{Seasonal, Trend};
use super::lstm::LstmSettings;
use super::series::Series;
use crate::jobs::{JobProgress, Reporter};
use crate::metrics::forecast::{ForecastErrors, forecast_errors};

static NEXT_RUN: AtomicU64 = AtomicU64::new(1);

/// z for a 95 % interval.
pub const Z95: f64 = 1.959_963_984_540_054;

/// The forecasting methods.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ModelKind {
    SeasonalNaive,
    Drift,
    HoltWinters,
    Lstm,
}

impl ModelKind {
    pub const ALL: [ModelKind; 4] = [
        ModelKind::SeasonalNaive,
        ModelKind::Drift,
        ModelKind::HoltWinters,
        ModelKind::Lstm,
    ];

    /// The name shown to users.
    pub fn label(self) -> &'static str {
        match self {
            ModelKind::SeasonalNaive => "Seasonal naive",
            ModelKind::Drift => "Drift",
            ModelKind::HoltWinters => "Holt-Winters",
            ModelKind::Lstm => "LSTM",
        }
    }

    /// The name on the command line and in JSON.
    pub fn cli_name(self) -> &'static str {
        match self {
            ModelKind::SeasonalNaive => "seasonal_naive",
            ModelKind::Drift => "drift",
            ModelKind::HoltWinters => "holt_winters",
            ModelKind::Lstm => "lstm",
        }
    }

    pub fn parse(s: &str) -> Option<ModelKind> {
        let s = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        Self::ALL
            .into_iter()
            .find(|k| k.cli_name() == s)
            .or(match s.as_str() {
                "snaive" | "naive" => Some(ModelKind::SeasonalNaive),
                "hw" | "ets" => Some(ModelKind::HoltWinters),
                _ => None,
            })
    }

    /// One line for a hover text.
    pub fn explain(self) -> &'static str {
        match self {
            ModelKind::SeasonalNaive => {
                "Baseline: each period repeats the same period one season earlier. \
                 A good method should beat it."
            }
            ModelKind::Drift => {
                "Baseline: the last value plus the average change per period so far."
            }
            ModelKind::HoltWinters => {
                "Exponential smoothing of level, trend and season (Holt-Winters), with its \
                 smoothing weights fitted to the history."
            }
            ModelKind::Lstm => {
                "A small recurrent neural network (LSTM) that learns the pattern from windows \
                 of past periods. Slower, and needs plenty of history."
            }
        }
    }
}

/// How Holt-Winters treats the season.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SeasonChoice {
    /// Fit additive and multiplicative; keep the one that fits the training part better.
    #[default]
    Auto,
    Fixed(Seasonal),
}

#[derive(Clone, Debug)]
pub struct ForecastParams {
    pub series: SeriesSpec,
    /// Periods at the end held back to judge the methods; `None`: the last season, or 20 %.
    pub holdout: Option<usize>,
    /// Periods to forecast after the data; `None`: one season.
    pub horizon: Option<usize>,
    /// Season length in periods (12 for monthly data with a yearly pattern); `None`:
    /// detected. 1 means no season.
    pub season: Option<usize>,
    pub models: Vec<ModelKind>,
    pub trend: Trend,
    pub seasonal: SeasonChoice,
    /// LSTM settings; a window of 0 means one season (see [`auto_window`]).
    pub lstm: LstmSettings,
    /// The LSTM learns the change from one period to the next instead of the values
    /// themselves, so it can follow a trend beyond the levels it saw (a network on scaled
    /// values cannot forecast above its training range).
    pub lstm_changes: bool,
    /// Set by the window's Stop button: the LSTM stops after its current epoch and keeps the
    /// best weights so far; the forecast still completes.
    pub stop_training: Arc<AtomicBool>,
}

impl Default for ForecastParams {
    fn default() -> Self {
        Self {
            series: SeriesSpec {
                date: String::new(),
                value: None,
                period: None,
                aggregate: Default::default(),
                fill: Default::default(),
            },
            holdout: None,
            horizon: None,
            season: None,
            models: vec![
                ModelKind::SeasonalNaive,
                ModelKind::Drift,
                ModelKind::HoltWinters,
            ],
            trend: Trend::Additive,
            seasonal: SeasonChoice::Auto,
            lstm: LstmSettings {
                window: 0,
                ..LstmSettings::default()
            },
            lstm_changes: true,
            stop_training: Arc::new(AtomicBool::new(false)),
        }
    }
}

/// One method's forecasts.
#[derive(Clone, Debug)]
pub struct ModelForecast {
    pub kind: ModelKind,
    /// "Holt-Winters (additive trend, multiplicative season)".
    pub name: String,
    /// Forecast of the holdout periods, from the training part only.
    pub holdout: Vec<f64>,
    pub holdout_band: Vec<(f64, f64)>,
    /// Errors on the holdout (`None` when there is no holdout).
    pub errors: Option<ForecastErrors>,
    /// The periods after the data.
    pub future: Vec<f64>,
    /// 95 % interval per future period.
    pub future_band: Vec<(f64, f64)>,
    pub seconds: f64,
    pub note: Option<String>,
    /// Losses per epoch (LSTM only).
    pub training: Option<LstmTrace>,
}

/// What the LSTM's training did.
#[derive(Clone, Debug, Default)]
pub struct LstmTrace {
    pub train_losses: Vec<f64>,
    pub val_losses: Vec<Option<f64>>,
    pub epochs_run: usize,
    pub best_epoch: usize,
    pub stopped: bool,
}

#[derive(Clone, Debug)]
pub struct ForecastResult {
    pub series: Series,
    /// What the series measures ("sales", "average price", "rows").
    pub value_label: String,
    pub date_column: String,
    pub season: usize,
    pub holdout: usize,
    pub horizon: usize,
    pub models: Vec<ModelForecast>,
    /// Methods that could not run, with the reason.
    pub skipped: Vec<(ModelKind, String)>,
    pub notes: Vec<String>,
    /// Distinguishes results (for caches in the views).
    pub run: u64,
}

impl ForecastResult {
    /// Periods the methods learned from before the holdout.
    pub fn train_len(&self) -> usize {
        self.series.len() - self.holdout
    }

    /// Whether methods are ranked by MAPE (every method has one) or by RMSE (some holdout
    /// value is zero, so percentages are undefined).
    pub fn ranks_by_mape(&self) -> bool {
        self.models
            .iter()
            .all(|m| m.errors.is_some_and(|e| e.mape.is_some()))
    }

    /// The number a method is ranked by (see [`Self::ranks_by_mape`]).
    pub fn rank_score(&self, m: &ModelForecast) -> Option<f64> {
        let by_mape = self.ranks_by_mape();
        m.errors
            .and_then(|e| if by_mape { e.mape } else { Some(e.rmse) })
            .filter(|v| v.is_finite())
    }

    /// The method with the smallest holdout error.
    pub fn best(&self) -> Option<&ModelForecast> {
        self.models
            .iter()
            .filter_map(|m| self.rank_score(m).map(|s| (m, s)))
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(m, _)| m)
    }
}

#[derive(Clone, Debug)]
pub enum ForecastProgress {
    Preparing,
    /// A method started (index of `count`).
    Model {
        kind: ModelKind,
        index: usize,
        count: usize,
    },
    /// The LSTM finished an epoch. `preview`: its current forecast of the holdout (every
    /// few epochs).
    Epoch {
        epoch: usize,
        epochs: usize,
        train_loss: f64,
        val_loss: Option<f64>,
        preview: Option<Vec<f64>>,
        /// Share of the whole job done before the LSTM started (the other methods).
        before: f32,
    },
    /// A method finished (`done` of `count`); the window shows it while the others run.
    ModelDone {
        model: Box<ModelForecast>,
        done: usize,
        count: usize,
    },
}

impl JobProgress for ForecastProgress {
    fn fraction(&self) -> Option<f32> {
        match self {
            ForecastProgress::Preparing => Some(0.0),
            ForecastProgress::Model { index, count, .. } => {
                Some(*index as f32 / (*count).max(1) as f32)
            }
            ForecastProgress::Epoch {
                epoch,
                epochs,
                before,
                ..
            } => Some(before + (1.0 - before) * *epoch as f32 / (*epochs).max(1) as f32),
            ForecastProgress::ModelDone { done, count, .. } => {
                Some(*done as f32 / (*count).max(1) as f32)
            }
        }
    }

    fn describe(&self) -> String {
        match self {
            ForecastProgress::Preparing => "Building the series".to_owned(),
            ForecastProgress::Model { kind, .. } => format!("Fitting {}", kind.label()),
            ForecastProgress::Epoch {
                epoch,
                epochs,
                train_loss,
                val_loss,
                ..
            } => match val_loss {
                Some(v) => format!(
                    "Training the LSTM: epoch {epoch} of {epochs}, error {} (validation {})",
                    loss_text(*train_loss),
                    loss_text(*v)
                ),
                None => format!(
                    "Training the LSTM: epoch {epoch} of {epochs}, error {}",
                    loss_text(*train_loss)
                ),
            },
            ForecastProgress::ModelDone { model, .. } => format!("{} done", model.name),
        }
    }
}

/// A loss with four significant digits: 0.01234, 4.321e-5.
fn loss_text(v: f64) -> String {
    if v >= 0.01 || v == 0.0 || !v.is_finite() {
        format!("{v:.4}")
    } else {
        format!("{v:.3e}")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ForecastError {
    #[error("{0}")]
    Input(#[from] InputError),
    #[error("{0}")]
    Problem(String),
    #[error("Cancelled.")]
    Cancelled,
}

crate::cancellable_error!(ForecastError);

/// Build the series from `df` and run every requested method.
pub fn forecast(
    df: &DataFrame,
    params: &ForecastParams,
    reporter: &Reporter<ForecastProgress>,
) -> Result<ForecastResult, ForecastError> {
    reporter.report(ForecastProgress::Preparing);
    let rows = read_rows(df, &params.series)?;
    let series = build_series(&rows, &params.series)?;
    reporter.check()?;
    forecast_series(series, params, reporter)
}

/// Run the methods on a series that is already regular.
pub fn forecast_series(
    series: Series,
    params: &ForecastParams,
    reporter: &Reporter<ForecastProgress>,
) -> Result<ForecastResult, ForecastError> {
    let n = series.len();
    let period = series.period;
    let (season, holdout, horizon) =
        default_season_holdout_horizon(&series, params.season, params.holdout, params.horizon);
    if params.models.is_empty() {
        return Err(ForecastError::Problem("choose at least one method".into()));
    }
    if horizon == 0 || horizon > 10_000 {
        return Err(ForecastError::Problem(
            "the horizon must be between 1 and 10,000 periods".into(),
        ));
    }
    if holdout == 0 {
        return Err(ForecastError::Problem(
            "hold out at least one period to judge the methods on".into(),
        ));
    }
    if holdout.saturating_add(3) > n {
        return Err(ForecastError::Problem(format!(
            "the series has {n} {}; a holdout of {holdout} leaves too few to learn from \
             (at least 3 are needed before the holdout)",
            period.plural()
        )));
    }
    let mut notes = Vec::new();
    if series.gaps() > 0 {
        notes.push(format!(
            "{} {} had no rows and were filled ({}).",
            series.gaps(),
            period.plural(),
            params.series.fill.label()
        ));
    }
    if series.rows_skipped > 0 {
        notes.push(format!(
            "{} rows without a date or a value were left out.",
            crate::cli::thousands(series.rows_skipped)
        ));
    }
    let train = &series.values[..n - holdout];
    if season > 1 && train.len() < season.saturating_mul(2) {
        notes.push(format!(
            "There are {} {} before the holdout, less than two seasons of {season}: the \
             seasonal pattern cannot be learned. Drift and Holt-Winters without a season \
             still work; or choose a shorter season or holdout.",
            train.len(),
            period.plural()
        ));
    }
    let actual = &series.values[n - holdout..];
    let mut models = Vec::new();
    let mut skipped = Vec::new();
    // the LSTM last: it is the slow one, and Stop keeps what the others found
    let mut order = params.models.clone();
    order.sort_by_key(|k| *k == ModelKind::Lstm);
    let mut seen = Vec::new();
    order.retain(|k| {
        let new = !seen.contains(k);
        seen.push(*k);
        new
    });
    let count = order.len();
    let label = value_label(&params.series);
    for (index, &kind) in order.iter().enumerate() {
        reporter.check()?;
        reporter.report(ForecastProgress::Model { kind, index, count });
        let started = Instant::now();
        let fitted = match kind {
            ModelKind::SeasonalNaive => seasonal_naive(&series.values, holdout, horizon, season),
            ModelKind::Drift => drift(&series.values, holdout, horizon),
            ModelKind::HoltWinters => {
                let stop = || reporter.is_cancelled();
                holt_winters(&series.values, holdout, horizon, season, params, &stop)
            }
            ModelKind::Lstm => {
                let before = index as f32 / count as f32;
                run_lstm(
                    &series.values,
                    holdout,
                    horizon,
                    season,
                    params,
                    before,
                    reporter,
                )?
            }
        };
        match fitted {
            Ok(mut m) => {
                m.seconds = started.elapsed().as_secs_f64();
                m.errors = forecast_errors(actual, &m.holdout);
                // an overflow on huge values is the method's failure, never an inf or null
                if let Some(reason) = not_finite(&m, &label) {
                    skipped.push((kind, reason));
                    continue;
                }
                reporter.report(ForecastProgress::ModelDone {
                    model: Box::new(m.clone()),
                    done: index + 1,
                    count,
                });
                models.push(m);
            }
            Err(reason) => skipped.push((kind, reason)),
        }
    }
    if models.is_empty() {
        let reasons: Vec<String> = skipped.iter().map(|(_, r)| r.clone()).collect();
        return Err(ForecastError::Problem(reasons.join(" ")));
    }
    Ok(ForecastResult {
        value_label: label,
        date_column: params.series.date.clone(),
        series,
        season,
        holdout,
        horizon,
        models,
        skipped,
        notes,
        run: NEXT_RUN.fetch_add(1, Ordering::Relaxed),
    })
}
