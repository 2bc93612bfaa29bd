//! The Forecast tab's side of the app: the settings the view edits, the series built from
//! them (on a job, so a million orders never stall the window), the forecasting job with its
//! live LSTM curves, Stop (keep the best weights) and Cancel, and exporting the forecast.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::MarketLensApp;
use crate::analysis::forecast::{
    ForecastError, ForecastParams, ForecastProgress, ForecastResult, ModelForecast, ModelKind,
    SeasonChoice, forecast_series,
};
use crate::analysis::forecast_export::save_forecast;
use crate::analysis::forecast_input::{SeriesSpec, build_series, read_rows};
use crate::analysis::holt_winters::Trend;
use crate::analysis::lstm::LstmSettings;
use crate::analysis::series::{self, Aggregate, Fill, Period, Series};
use crate::data::{ColumnKind, Dataset, Role};
use crate::jobs::{self, JobHandle, Outcome};

/// The series as the current choices build it, with what was detected.
#[derive(Clone, Debug)]
pub struct SeriesPreview {
    pub spec: SeriesSpec,
    pub series: Arc<Series>,
    pub detected_period: Period,
    pub detected_season: usize,
}

/// What the LSTM has streamed so far.
#[derive(Clone, Debug, Default)]
pub struct LiveForecast {
    /// Methods that finished while the LSTM trains.
    pub done: Vec<ModelForecast>,
    /// (epoch, loss) on the training and the validation windows.
    pub train_loss: Vec<[f64; 2]>,
    pub val_loss: Vec<[f64; 2]>,
    pub epochs: usize,
    /// The LSTM's current forecast of the holdout, and the epoch it is from.
    pub preview: Option<(usize, Vec<f64>)>,
}

/// The forecasting workbench.
pub struct ForecastState {
    pub date: Option<usize>,
    /// `None`: count rows per period.
    pub value: Option<usize>,
    pub aggregate: Aggregate,
    /// `None`: detected.
    pub period: Option<Period>,
    pub fill: Fill,
    /// 0 = automatic for each of these three.
    pub season: usize,
    pub holdout: usize,
    pub horizon: usize,
    pub models: Vec<(ModelKind, bool)>,
    pub trend: Trend,
    pub seasonal: SeasonChoice,
    pub lstm: LstmSettings,
    /// The LSTM learns period-to-period changes (follows trends).
    pub lstm_changes: bool,
    pub preview: Option<Result<SeriesPreview, String>>,
    pub preview_job: Option<JobHandle<(), SeriesPreview>>,
    pub job: Option<JobHandle<ForecastProgress, ForecastResult>>,
    /// The running job's Stop flag (the LSTM keeps its best weights and the forecast ends).
    pub stop: Arc<AtomicBool>,
    pub live: LiveForecast,
    pub result: Option<Arc<ForecastResult>>,
    /// Index into the result's models whose range is shaded.
    pub selected: usize,
    /// The chart shows every period (otherwise the last three seasons before the holdout).
    pub whole_history: bool,
    pub export_path: String,
    pub export_job: Option<JobHandle<(), String>>,
}

impl Default for ForecastState {
    fn default() -> Self {
        let defaults = ForecastParams::default();
        Self {
            date: None,
            value: None,
            aggregate: Aggregate::Sum,
            period: None,
            fill: Fill::Interpolate,
            season: 0,
            holdout: 0,
            horizon: 0,
            models: ModelKind::ALL
                .into_iter()
                .map(|k| (k, k != ModelKind::Drift))
                .collect(),
            trend: defaults.trend,
            seasonal: defaults.seasonal,
            lstm: defaults.lstm,
            lstm_changes: defaults.lstm_changes,
            preview: None,
            preview_job: None,
            job: None,
            stop: Arc::new(AtomicBool::new(false)),
            live: LiveForecast::default(),
            result: None,
            selected: 0,
            whole_history: false,
            export_path: String::new(),
            export_job: None,
        }
    }
}

/// Names that suggest the amount to forecast.
const VALUE_WORDS: [&str; 11] = [
    "sales", "revenue", "amount", "value", "spend", "total", "units", "销售", "金额", "收入",
    "销量",
];

impl ForecastState {
    /// Fresh settings for a newly opened file: the first date column and the column that
    /// looks most like sales.
    pub fn for_dataset(ds: &Dataset) -> Self {
        let date = ds
            .columns
            .iter()
            .position(|c| c.kind == ColumnKind::Date)
            .or_else(|| ds.columns.iter().position(|c| c.role == Role::Date));
        let numeric: Vec<usize> = ds
            .columns
            .iter()
            .enumerate()
            .filter(|(_, c)| c.kind == ColumnKind::Numeric && c.role != Role::Id)
            .map(|(i, _)| i)
            .collect();
        let value = numeric
            .iter()
            .copied()
            .find(|&i| {
                let name = ds.columns[i].name.to_lowercase();
                VALUE_WORDS.iter().any(|w| name.contains(w))
            })
            .or(numeric.first().copied());
        ForecastState {
            date,
            value,
            export_path: super::path_beside(ds, "forecast"),
            ..ForecastState::default()
        }
    }

    pub fn spec(&self, ds: &Dataset) -> Option<SeriesSpec> {
        let date = ds.columns.get(self.date?)?.name.clone();
        Some(SeriesSpec {
            date,
            value: self
                .value
                .and_then(|v| ds.columns.get(v))
                .map(|c| c.name.clone()),
            period: self.period,
            aggregate: self.aggregate,
            fill: self.fill,
        })
    }

    pub fn is_running(&self) -> bool {
        self.job.is_some()
    }

    /// Whether the running job is training the LSTM (Stop then keeps its best weights).
    pub fn is_training_lstm(&self) -> bool {
        self.job.as_ref().is_some_and(|j| {
            matches!(
                j.latest(),
                Some(ForecastProgress::Epoch { .. })
                    | Some(ForecastProgress::Model {
                        kind: ModelKind::Lstm,
                        ..
                    })
            )
        })
    }
}

impl MarketLensApp {
    /// Rebuild the series after a column, period, aggregation or fill choice changed.
    pub(super) fn refresh_series(&mut self) {
        let Some(ds) = self.state.dataset.clone() else {
            return;
        };
        let fc = &mut self.state.fc;
        if let Some(old) = fc.preview_job.take() {
            old.cancel();
        }
        // until the new series is built nothing may be forecast or drawn from the old one
        fc.preview = None;
        fc.live = LiveForecast::default();
        let Some(spec) = fc.spec(&ds) else {
            return;
        };
        let notify = self.notifier();
        self.state.fc.preview_job = Some(jobs::spawn::<(), _, jobs::JobError, _>(
            "build series",
            notify,
            move |_| {
                let failed = |e: &dyn std::fmt::Display| {
                    jobs::JobError::Failed(format!("{}: {e}", ds.file_name))
                };
                let rows = read_rows(&ds.df, &spec).map_err(|e| failed(&e))?;
                let series = build_series(&rows, &spec).map_err(|e| failed(&e))?;
                let detected_season = series::detect_season(&series.values, series.period);
                Ok(SeriesPreview {
                    spec,
                    series: Arc::new(series),
                    detected_period: rows.detected_period,
                    detected_season,
                })
            },
        ));
    }

    pub(super) fn start_forecast(&mut self) {
        let fc = &mut self.state.fc;
        let Some(Ok(preview)) = fc.preview.clone() else {
            self.error("Choose a date column and a value that make a series first.");
            return;
        };
        let models: Vec<ModelKind> = fc.models.iter().filter(|m| m.1).map(|m| m.0).collect();
        if models.is_empty() {
            self.error("Tick at least one forecasting method.");
            return;
        }
        if let Some(old) = fc.job.take() {
            old.cancel();
        }
        let auto = |v: usize| (v > 0).then_some(v);
        fc.stop = Arc::new(AtomicBool::new(false));
        let params = ForecastParams {
            series: preview.spec.clone(),
            holdout: auto(fc.holdout),
            horizon: auto(fc.horizon),
            season: auto(fc.season).or(Some(preview.detected_season)),
            models,
            trend: fc.trend,
            seasonal: fc.seasonal,
            lstm: fc.lstm.clone(),
            lstm_changes: fc.lstm_changes,
            stop_training: Arc::clone(&fc.stop),
        };
        fc.live = LiveForecast {
            epochs: fc.lstm.epochs,
            ..LiveForecast::default()
        };
        fc.result = None;
        let series = (*preview.series).clone();
        let file = self
            .state
            .dataset
            .as_ref()
            .map_or_else(String::new, |d| d.file_name.clone());
        self.state.fc.job = Some(jobs::spawn("forecast", self.notifier(), move |r| {
            forecast_series(series, &params, r).map_err(|e| match e {
                ForecastError::Cancelled => jobs::JobError::Cancelled,
                other => jobs::JobError::Failed(format!("{file}: {other}")),
            })
        }));
    }

    /// During LSTM training: stop and keep the best weights; otherwise (or when Stop was
    /// already pressed) cancel the job.
    pub(super) fn stop_forecast(&mut self) {
        let fc = &mut self.state.fc;
        if fc.is_training_lstm() && !fc.stop.load(Ordering::Relaxed) {
            fc.stop.store(true, Ordering::Relaxed);
        } else if let Some(job) = fc.job.take() {
            job.cancel();
            fc.live = LiveForecast::default();
            self.banner("Forecast cancelled.", false);
        }
    }

    pub(super) fn start_forecast_export(&mut self) {
        let (Some(ds), Some(result)) = (self.state.dataset.clone(), self.state.fc.result.clone())
        else {
            return;
        };
        let path = PathBuf::from(self.state.fc.export_path.trim());
        self.state.fc.export_job = Some(jobs::spawn::<(), _, jobs::JobError, _>(
            "export forecast",
            self.notifier(),
            move |_| {
                let models: Vec<&ModelForecast> = result.models.iter().collect();
                save_forecast(&result, &models, &path, ds.path.as_deref())
                    .map_err(jobs::JobError::Failed)?;
                Ok(format!(
                    "Saved the forecast ({} methods \u{d7} {} {}) to {}.",
                    models.len(),
                    result.horizon,
                    result.series.period.plural(),
                    path.display()
                ))
            },
        ));
    }

    /// Apply what the series, forecast and export jobs reported.
    pub(super) fn poll_forecast_jobs(&mut self) {
        let fc = &mut self.state.fc;
        if let Some(job) = fc.preview_job.as_mut()
            && let Some(outcome) = job.poll()
        {
            fc.preview_job = None;
            fc.preview = match outcome {
                Outcome::Done(p) => Some(Ok(p)),
                Outcome::Failed(msg) | Outcome::Panicked(msg) => Some(Err(msg)),
                Outcome::Cancelled => None,
            };
        }
        if let Some(job) = fc.job.as_mut() {
            let live = &mut fc.live;
            let outcome = job.drain(|p| match p {
                ForecastProgress::Epoch {
                    epoch,
                    epochs,
                    train_loss,
                    val_loss,
                    preview,
                    ..
                } => {
                    live.epochs = *epochs;
                    live.train_loss.push([*epoch as f64, *train_loss]);
                    if let Some(v) = val_loss {
                        live.val_loss.push([*epoch as f64, *v]);
                    }
                    if let Some(p) = preview {
                        live.preview = Some((*epoch, p.clone()));
                    }
                }
                ForecastProgress::ModelDone { model, .. } => live.done.push((**model).clone()),
                ForecastProgress::Preparing | ForecastProgress::Model { .. } => {}
            });
            if let Some(outcome) = outcome {
                fc.job = None;
                match outcome {
                    Outcome::Done(result) => {
                        fc.selected = result
                            .best()
                            .and_then(|b| result.models.iter().position(|m| std::ptr::eq(m, b)))
                            .unwrap_or(0);
                        fc.result = Some(Arc::new(result));
                    }
                    Outcome::Failed(msg) => {
                        fc.live = LiveForecast::default();
                        self.error(msg);
                    }
                    Outcome::Cancelled => fc.live = LiveForecast::default(),
                    Outcome::Panicked(msg) => {
                        fc.live = LiveForecast::default();
                        self.error(format!(
                            "The forecast hit an internal error ({msg}). MarketLens is still \
                             running."
                        ));
                    }
                }
            }
        }
        let fc = &mut self.state.fc;
        if let Some(job) = fc.export_job.as_mut()
            && let Some(outcome) = job.poll()
        {
            fc.export_job = None;
            match outcome {
                Outcome::Done(msg) => self.banner(msg, false),
                Outcome::Failed(msg) | Outcome::Panicked(msg) => {
                    self.error(format!("Could not save the forecast: {msg}"));
                }
                Outcome::Cancelled => {}
            }
        }
    }
}
