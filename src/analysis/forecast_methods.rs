//! The forecasting methods as the forecast run uses them: each fits on the periods before
//! the holdout (judged there) and forecasts ahead from all periods, with a 95 % range.

use std::sync::atomic::Ordering;

use super::baselines;
use super::forecast::{
    ForecastError, ForecastParams, ForecastProgress, LstmTrace, ModelForecast, ModelKind,
    SeasonChoice, Z95,
};
use super::holt_winters::{self, HwSpec, Seasonal, Trend};
use super::lstm::{self, EpochReport};
use crate::jobs::Reporter;
use crate::metrics::forecast::forecast_errors;

pub(crate) fn empty(kind: ModelKind, name: String) -> ModelForecast {
    ModelForecast {
        kind,
        name,
        holdout: Vec::new(),
        holdout_band: Vec::new(),
        errors: None,
        future: Vec::new(),
        future_band: Vec::new(),
        seconds: 0.0,
        note: None,
        training: None,
    }
}

/// Why a method's forecast cannot be shown: some number of it (forecast, 95 % range,
/// holdout error) is infinite or undefined, which happens when the values are so large that
/// the arithmetic overflows. `None` when every number is finite.
pub(crate) fn not_finite(m: &ModelForecast, value: &str) -> Option<String> {
    let bad = |v: &f64| !v.is_finite();
    let bad_band = |b: &[(f64, f64)]| b.iter().any(|(lo, hi)| bad(lo) || bad(hi));
    let what = if m.future.iter().any(bad) || m.holdout.iter().any(bad) {
        "its forecast"
    } else if bad_band(&m.future_band) || bad_band(&m.holdout_band) {
        "its 95 % range"
    } else if m
        .errors
        .is_some_and(|e| bad(&e.rmse) || bad(&e.mae) || e.mape.as_ref().is_some_and(bad))
    {
        "its error on the holdout"
    } else {
        return None;
    };
    Some(format!(
        "{}: {what} of \u{201c}{value}\u{201d} grows beyond ordinary numbers (the values are \
         too large to compute with). Rescale the column (for example to thousands) or remove \
         the extreme rows.",
        m.name
    ))
}

pub(crate) fn seasonal_naive(
    y: &[f64],
    holdout: usize,
    horizon: usize,
    season: usize,
) -> Result<ModelForecast, String> {
    let train = &y[..y.len() - holdout];
    let too_short = || {
        format!(
            "Seasonal naive needs one full season ({season} periods) before the holdout; \
             there are {}.",
            train.len()
        )
    };
    let past = baselines::seasonal_naive(train, season, holdout, Z95).ok_or_else(too_short)?;
    let next = baselines::seasonal_naive(y, season, horizon, Z95).ok_or_else(too_short)?;
    let name = if season > 1 {
        ModelKind::SeasonalNaive.label().to_owned()
    } else {
        "Naive (last value)".to_owned()
    };
    Ok(ModelForecast {
        holdout: past.forecast,
        holdout_band: past.band,
        future: next.forecast,
        future_band: next.band,
        ..empty(ModelKind::SeasonalNaive, name)
    })
}

pub(crate) fn drift(y: &[f64], holdout: usize, horizon: usize) -> Result<ModelForecast, String> {
    let train = &y[..y.len() - holdout];
    let too_short = || "Drift needs at least 2 periods before the holdout.".to_owned();
    let past = baselines::drift(train, holdout, Z95).ok_or_else(too_short)?;
    let next = baselines::drift(y, horizon, Z95).ok_or_else(too_short)?;
    Ok(ModelForecast {
        holdout: past.forecast,
        holdout_band: past.band,
        future: next.forecast,
        future_band: next.band,
        ..empty(ModelKind::Drift, ModelKind::Drift.label().to_owned())
    })
}

pub(crate) fn holt_winters(
    y: &[f64],
    holdout: usize,
    horizon: usize,
    season: usize,
    params: &ForecastParams,
    stop: &dyn Fn() -> bool,
) -> Result<ModelForecast, String> {
    let train = &y[..y.len() - holdout];
    let mut note = None;
    let positive = train.iter().all(|v| *v > 0.0) && y.iter().all(|v| *v > 0.0);
    let seasonal_ok = season > 1 && train.len() >= season.saturating_mul(2);
    let candidates: Vec<Seasonal> = if !seasonal_ok {
        if season > 1 {
            note = Some(format!(
                "Fitted without a season: it needs two seasons ({} periods) before the \
                 holdout; there are {}.",
                season.saturating_mul(2),
                train.len()
            ));
        }
        vec![Seasonal::None]
    } else {
        match params.seasonal {
            SeasonChoice::Auto if positive => vec![Seasonal::Additive, Seasonal::Multiplicative],
            SeasonChoice::Auto => vec![Seasonal::Additive],
            SeasonChoice::Fixed(Seasonal::Multiplicative) if !positive => {
                note = Some(
                    "Multiplicative seasonality needs every value above zero; additive was \
                     used."
                        .to_owned(),
                );
                vec![Seasonal::Additive]
            }
            SeasonChoice::Fixed(s) => vec![s],
        }
    };
    let trend = if train.len() < 3 {
        Trend::None
    } else {
        params.trend
    };
    let mut best: Option<holt_winters::HoltWinters> = None;
    let mut last_error = None;
    for seasonal in candidates {
        let spec = HwSpec {
            trend,
            seasonal,
            season,
        };
        match holt_winters::fit_until(train, spec, stop) {
            Ok(fit) => {
                if best.as_ref().is_none_or(|b| fit.sse < b.sse) {
                    best = Some(fit);
                }
            }
            Err(e) => last_error = Some(e.to_string()),
        }
    }
    let Some(past) = best else {
        return Err(last_error.unwrap_or_else(|| "Holt-Winters could not be fitted.".into()));
    };
    let spec = past.spec;
    let full = holt_winters::fit_until(y, spec, stop).map_err(|e| e.to_string())?;
    let trend_words = match spec.trend {
        Trend::None => "no trend".to_owned(),
        t => format!("{} trend", t.label()),
    };
    let season_words = match spec.seasonal {
        Seasonal::None => "no season".to_owned(),
        s => format!("{} season", s.label()),
    };
    let name = format!("Holt-Winters ({trend_words}, {season_words})");
    Ok(ModelForecast {
        holdout: past.forecast(holdout),
        holdout_band: past.interval(holdout, Z95),
        future: full.forecast(horizon),
        future_band: full.interval(horizon, Z95),
        note,
        ..empty(ModelKind::HoltWinters, name)
    })
}

/// The LSTM's input window when the user left it open: one season (at least 4 periods), but
/// short enough to leave three windows' worth of training periods.
pub fn auto_window(season: usize, train_len: usize) -> usize {
    season.max(4).min((train_len / 3).max(1))
}

/// Train on the periods before the holdout, streaming losses and previews. The future
/// forecast feeds the same network the latest periods (holdout included) rather than
/// training it again; its range is ±z·(holdout RMSE). With `lstm_changes` the network sees
/// period-to-period changes and its forecasts are added up from the last known value.
pub(crate) fn run_lstm(
    y: &[f64],
    holdout: usize,
    horizon: usize,
    season: usize,
    params: &ForecastParams,
    before: f32,
    reporter: &Reporter<ForecastProgress>,
) -> Result<Result<ModelForecast, String>, ForecastError> {
    let train = &y[..y.len() - holdout];
    let changes = params.lstm_changes;
    let learn = |s: &[f64]| -> Vec<f64> {
        if changes {
            s.windows(2).map(|w| w[1] - w[0]).collect()
        } else {
            s.to_vec()
        }
    };
    let back = |from: &[f64], f: Vec<f64>| -> Vec<f64> {
        if !changes {
            return f;
        }
        let mut level = from.last().copied().unwrap_or(0.0);
        f.into_iter()
            .map(|d| {
                level += d;
                level
            })
            .collect()
    };
    let train_in = learn(train);
    let mut settings = params.lstm.clone();
    if settings.window == 0 {
        settings.window = auto_window(season, train_in.len());
    }
    let settings = &settings;
    let stop = &params.stop_training;
    if stop.load(Ordering::Relaxed) {
        return Ok(Err("The LSTM was stopped before it started.".to_owned()));
    }
    let preview_every = (settings.epochs / 50).max(1);
    let mut on_epoch = |e: &EpochReport| {
        if reporter.is_cancelled() {
            stop.store(true, Ordering::Relaxed);
        }
        reporter.report(ForecastProgress::Epoch {
            epoch: e.epoch,
            epochs: e.epochs,
            train_loss: e.train_loss,
            val_loss: e.val_loss,
            preview: e.preview.clone().map(|p| back(train, p)),
            before,
        });
    };
    let model = match lstm::train(
        &train_in,
        settings,
        holdout.max(horizon),
        holdout,
        preview_every,
        stop,
        &mut on_epoch,
    ) {
        Ok(m) => m,
        // on changes the network sees one value fewer than there are periods
        Err(lstm::LstmError::TooShort { needed, have }) if changes => {
            let e = lstm::LstmError::TooShort {
                needed: needed + 1,
                have: have + 1,
            };
            return Ok(Err(e.to_string()));
        }
        Err(e) => return Ok(Err(e.to_string())),
    };
    reporter.check()?;
    if model.epochs_run == 0 {
        return Ok(Err(
            "The LSTM was stopped before its first epoch ended.".to_owned()
        ));
    }
    let past = back(train, model.forecast(&train_in, holdout));
    let rmse = forecast_errors(&y[y.len() - holdout..], &past).map_or(0.0, |e| e.rmse);
    // ±z·RMSE over the holdout's length; further ahead errors add up, so the range grows
    // with the square root of the distance
    let band = |f: &[f64]| {
        f.iter()
            .enumerate()
            .map(|(i, v)| {
                let grow = ((i + 1) as f64 / holdout.max(1) as f64).sqrt().max(1.0);
                let half = Z95 * rmse * grow;
                (v - half, v + half)
            })
            .collect()
    };
    let future = back(y, model.forecast(&learn(y), horizon));
    let note = if model.diverged {
        Some(format!(
            "Training went unstable after epoch {} (try a lower learning rate); the weights \
             of epoch {} are kept.",
            model.epochs_run, model.best_epoch
        ))
    } else {
        model.stopped.then(|| {
            format!(
                "Stopped after epoch {} of {}; the weights of epoch {} (best validation loss) \
                 are kept.",
                model.epochs_run, settings.epochs, model.best_epoch
            )
        })
    };
    Ok(Ok(ModelForecast {
        holdout_band: band(&past),
        holdout: past,
        future_band: band(&future),
        future,
        note,
        training: Some(LstmTrace {
            train_losses: model.train_losses.clone(),
            val_losses: model.val_losses.clone(),
            epochs_run: model.epochs_run,
            best_epoch: model.best_epoch,
            stopped: model.stopped,
        }),
        ..empty(
            ModelKind::Lstm,
            format!(
                "LSTM ({} hidden, window {}{})",
                settings.hidden,
                settings.window,
                if changes { ", on changes" } else { "" }
            ),
        )
    }))
}
