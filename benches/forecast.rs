//! Forecasting speed, and the window while the LSTM trains.
//!
//! On a monthly CSV (the README uses the airline passengers series, 144 months):
//!   - Holt-Winters fit on the first 120 months (10 years), additive trend, multiplicative
//!     and additive season: best of 20;
//!   - LSTM, 200 epochs on all 144 months (window 12, 32 hidden units, 1 layer);
//!   - the real app driven headless (egui_kittest): Forecast tab, LSTM only, 200 epochs, and
//!     the time each UI frame takes on the UI thread while the job trains.
//!
//! The peer (statsmodels) is timed by benches/forecast_peer.py on the same file.
//!
//! Run: `cargo bench --bench forecast -- FILE.csv DATE_COLUMN VALUE_COLUMN`

use std::time::{Duration, Instant};

mod common;

use egui_kittest::Harness;
use marketlens::analysis::forecast::{ForecastParams, ModelKind, forecast_series};
use marketlens::analysis::forecast_input::{SeriesSpec, build_series, read_rows};
use marketlens::analysis::holt_winters::{self, HwSpec, Seasonal, Trend};
use marketlens::analysis::lstm::{self, LstmSettings};
use marketlens::app::{Command, MarketLensApp, View};

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let [file, date, value] = args.as_slice() else {
        eprintln!("usage: cargo bench --bench forecast -- FILE.csv DATE_COLUMN VALUE_COLUMN");
        return;
    };
    let ds = match marketlens::data::load_path(std::path::Path::new(file)) {
        Ok(ds) => ds,
        Err(e) => {
            eprintln!("{e}");
            return;
        }
    };
    let spec = SeriesSpec {
        date: date.clone(),
        value: Some(value.clone()),
        period: None,
        aggregate: Default::default(),
        fill: Default::default(),
    };
    let series = match read_rows(&ds.df, &spec).and_then(|rows| build_series(&rows, &spec)) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return;
        }
    };
    let y = &series.values;
    let train = &y[..y.len().min(120)];
    for seasonal in [Seasonal::Multiplicative, Seasonal::Additive] {
        let spec = HwSpec {
            trend: Trend::Additive,
            seasonal,
            season: 12,
        };
        let mut best = Duration::MAX;
        let mut sse = 0.0;
        for _ in 0..20 {
            let t = Instant::now();
            match holt_winters::fit(train, spec) {
                Ok(fit) => sse = fit.sse,
                Err(e) => {
                    eprintln!("{e}");
                    return;
                }
            }
            best = best.min(t.elapsed());
        }
        println!(
            "holt_winters add/{}: fit on {} points {:.2} ms (best of 20), SSE {sse:.1}",
            seasonal.label(),
            train.len(),
            best.as_secs_f64() * 1e3
        );
    }

    let settings = LstmSettings {
        window: 12,
        hidden: 32,
        layers: 1,
        epochs: 200,
        ..LstmSettings::default()
    };
    let stop = std::sync::atomic::AtomicBool::new(false);
    let t = Instant::now();
    match lstm::train(y, &settings, 12, 12, 10, &stop, &mut |_| {}) {
        Ok(m) => println!(
            "lstm: 200 epochs on {} points in {:.2} s (last training loss {:.5})",
            y.len(),
            t.elapsed().as_secs_f64(),
            m.train_losses.last().copied().unwrap_or(f64::NAN)
        ),
        Err(e) => eprintln!("{e}"),
    }

    // Stop during training: how long until the job ends with the best weights so far
    for after in [Duration::from_millis(300), Duration::from_millis(1500)] {
        let params = ForecastParams {
            models: vec![ModelKind::Lstm],
            season: Some(12),
            lstm: LstmSettings {
                epochs: 100_000,
                ..settings.clone()
            },
            ..ForecastParams::default()
        };
        let stop = std::sync::Arc::clone(&params.stop_training);
        let job_series = series.clone();
        let job = marketlens::jobs::spawn(
            "forecast",
            || {},
            move |r| forecast_series(job_series, &params, r),
        );
        std::thread::sleep(after);
        let t = Instant::now();
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        match job.wait() {
            marketlens::jobs::Outcome::Done(result) => {
                let trace = result.models.first().and_then(|m| m.training.clone());
                println!(
                    "lstm stopped at {:.1} s: result {:.0} ms after Stop (epochs run {}, best epoch {})",
                    after.as_secs_f64(),
                    t.elapsed().as_secs_f64() * 1e3,
                    trace.as_ref().map_or(0, |t| t.epochs_run),
                    trace.as_ref().map_or(0, |t| t.best_epoch)
                );
            }
            other => eprintln!("stop: unexpected {other:?}"),
        }
    }

    // the window while the LSTM trains
    let path = std::path::PathBuf::from(file);
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1440.0, 900.0))
        .build_eframe(|cc| MarketLensApp::new(cc, Some(path.clone())));
    while harness.state().state.load_job.is_some() || harness.state().state.fc.preview_job.is_some()
    {
        harness.step();
        std::thread::sleep(Duration::from_millis(10));
    }
    let app = harness.state_mut();
    app.state.fc.models.iter_mut().for_each(|m| {
        m.1 = m.0 == ModelKind::Lstm;
    });
    app.state.fc.lstm = LstmSettings {
        window: 12,
        ..settings.clone()
    };
    app.apply(Command::ShowView(View::Forecast));
    app.apply(Command::RunForecast);
    let started = Instant::now();
    let mut frames = Vec::new();
    while harness.state().state.fc.job.is_some() {
        let t = Instant::now();
        harness.step();
        frames.push(t.elapsed());
        std::thread::sleep(Duration::from_millis(16));
    }
    let total = started.elapsed();
    common::frame_summary(
        &format!(
            "window during LSTM training ({:.1} s), UI frame time",
            total.as_secs_f64()
        ),
        frames,
    );
    if harness.state().state.fc.result.is_none() {
        eprintln!("no result: {:?}", harness.state().state.banners);
    }
}
