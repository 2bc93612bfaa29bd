//! Forecasting: the CLI contract of design.md, exact baselines, Holt-Winters against
//! statsmodels, a reproducible LSTM, and clear messages for bad series.

mod common;

use common::{monthly_sales, run_marketlens, sample, write};
use marketlens::analysis::forecast::{ForecastParams, ModelKind, forecast_series};
use marketlens::analysis::lstm::LstmSettings;
use marketlens::analysis::series::{Period, Series};
use marketlens::jobs::Reporter;

fn json(args: &[&str]) -> serde_json::Value {
    let (code, stdout, stderr) = run_marketlens(args);
    assert_eq!(code, 0, "{stderr}");
    serde_json::from_str(&stdout).expect("one JSON object")
}

fn path(name: &str) -> String {
    sample(name).to_str().expect("utf8").to_owned()
}

fn series(values: Vec<f64>) -> Series {
    let n = values.len();
    Series {
        period: Period::Month,
        start: chrono::NaiveDate::from_ymd_opt(2017, 1, 1).expect("date"),
        values,
        filled: vec![false; n],
        rows_used: n,
        rows_skipped: 0,
        multi_row_periods: 0,
    }
}

#[test]
fn forecast_json_has_the_documented_shape() {
    let file = path("monthly_sales.csv");
    let v = json(&[
        "forecast", &file, "--date", "month", "--value", "sales", "--json",
    ]);
    assert_eq!(v["model"], "holt_winters");
    for key in ["rmse", "mae", "mape"] {
        assert!(v["holdout"][key].as_f64().expect(key) > 0.0, "{key}");
    }
    // mape is in percent: monthly sales are forecast within a few percent, not 0.0x
    let mape = v["holdout"]["mape"].as_f64().expect("mape");
    assert!((1.0..30.0).contains(&mape), "{mape}");
    let forecast = v["forecast"].as_array().expect("forecast");
    // the horizon defaults to one season: the 12 months after the data (Dec 2024)
    assert_eq!(forecast.len(), 12);
    assert_eq!(forecast[0]["date"], "2025-01-01");
    assert_eq!(forecast[11]["date"], "2025-12-01");
    for p in forecast {
        let (lo, value, hi) = (
            p["lower"].as_f64().expect("lower"),
            p["value"].as_f64().expect("value"),
            p["upper"].as_f64().expect("upper"),
        );
        assert!(lo < value && value < hi, "{p}");
    }
    assert_eq!(v["series"]["periods"], 96);
    assert_eq!(v["series"]["season"], 12);
    assert_eq!(v["series"]["period"], "month");
}

#[test]
fn seasonal_naive_repeats_last_year_exactly() {
    let sales = monthly_sales();
    let file = path("monthly_sales.csv");
    let v = json(&[
        "forecast",
        &file,
        "--date",
        "month",
        "--value",
        "sales",
        "--model",
        "seasonal_naive",
        "--holdout",
        "12",
        "--horizon",
        "24",
        "--json",
    ]);
    let forecast = v["forecast"].as_array().expect("forecast");
    assert_eq!(forecast.len(), 24);
    for (i, p) in forecast.iter().enumerate() {
        assert_eq!(p["value"].as_f64(), Some(sales[84 + i % 12]), "step {i}");
    }
    // the holdout (2024) is forecast by 2023; errors computed here independently
    let (actual, guess) = (&sales[84..96], &sales[72..84]);
    let mae = actual
        .iter()
        .zip(guess)
        .map(|(a, f)| (a - f).abs())
        .sum::<f64>()
        / 12.0;
    let mape = 100.0
        * actual
            .iter()
            .zip(guess)
            .map(|(a, f)| ((a - f) / a).abs())
            .sum::<f64>()
        / 12.0;
    assert!((v["holdout"]["mae"].as_f64().expect("mae") - mae).abs() < 1e-9);
    assert!((v["holdout"]["mape"].as_f64().expect("mape") - mape).abs() < 1e-9);
}

#[test]
fn out_writes_a_new_csv_and_never_the_input() {
    let dir = tempfile::tempdir().expect("dir");
    let input = write(
        dir.path(),
        "sales.csv",
        &std::fs::read(sample("monthly_sales.csv")).expect("sample"),
    );
    let before = std::fs::read(&input).expect("read");
    let out = dir.path().join("forecast.csv");
    let (code, _, stderr) = run_marketlens(&[
        "forecast",
        input.to_str().expect("utf8"),
        "--date",
        "month",
        "--value",
        "sales",
        "--model",
        "holt_winters,seasonal_naive",
        "--out",
        out.to_str().expect("utf8"),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let text = std::fs::read_to_string(&out).expect("forecast file");
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("date,value,lower,upper,model"));
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 24, "12 months for each of 2 methods");
    assert!(rows[0].starts_with("2025-01-01,") && rows[0].ends_with(",holt_winters"));
    assert!(rows[23].starts_with("2025-12-01,") && rows[23].ends_with(",seasonal_naive"));
    // the input as --out is refused
    let (code, _, stderr) = run_marketlens(&[
        "forecast",
        input.to_str().expect("utf8"),
        "--date",
        "month",
        "--value",
        "sales",
        "--out",
        input.to_str().expect("utf8"),
    ]);
    assert_ne!(code, 0);
    assert!(stderr.contains("sales.csv"), "{stderr}");
    assert_eq!(std::fs::read(&input).expect("read"), before);
}

#[test]
fn transactions_are_grouped_by_day_with_the_weekly_season() {
    let file = path("stores_zh.csv");
    let v = json(&[
        "forecast",
        &file,
        "--date",
        "日期",
        "--value",
        "销售额",
        "--model",
        "seasonal_naive,drift",
        "--json",
    ]);
    let s = &v["series"];
    assert_eq!(s["period"], "day");
    assert_eq!(s["rows_used"], 600);
    assert_eq!(s["periods"], 30);
    assert_eq!(s["season"], 7);
    assert_eq!(v["forecast"].as_array().expect("forecast").len(), 7);
}

/// A bad file and the words its message must contain.
fn refused(name: &str, csv: &str, args: &[&str], words: &[&str]) {
    let dir = tempfile::tempdir().expect("dir");
    let file = write(dir.path(), name, csv.as_bytes());
    let mut all = vec!["forecast", file.to_str().expect("utf8")];
    all.extend_from_slice(args);
    let (code, stdout, stderr) = run_marketlens(&all);
    assert_ne!(code, 0, "{name}: {stdout}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    for w in words {
        assert!(stderr.contains(w), "{name}: {w:?} not in {stderr}");
    }
}

fn monthly_csv(months: usize, value: impl Fn(usize) -> String) -> String {
    let mut csv = "month,sales\n".to_owned();
    for i in 0..months {
        csv.push_str(&format!(
            "{}-{:02}-01,{}\n",
            2020 + i / 12,
            i % 12 + 1,
            value(i)
        ));
    }
    csv
}

#[test]
fn bad_series_get_clear_messages() {
    let args = ["--date", "month", "--value", "sales"];
    let mixed = "month,sales\n2024-01-31,10\n2024-02-29,12\n31/03/2024,11\n2024-04-30,13\n";
    refused(
        "mixed.csv",
        mixed,
        &args,
        &["mixed.csv", "mixes date formats", "31/03/2024", "row 3"],
    );
    let words = "month,sales\n2024-01-01,10\n2024-02-01,lots\n2024-03-01,11\n";
    refused(
        "words.csv",
        words,
        &args,
        &["words.csv", "not numeric", "lots"],
    );
    refused(
        "zeros.csv",
        &monthly_csv(36, |_| "0".into()),
        &args,
        &["zeros.csv", "zero in every period"],
    );
    refused(
        "missing.csv",
        &monthly_csv(36, |i| i.to_string()),
        &["--date", "month", "--value", "revenue"],
        &["missing.csv", "revenue"],
    );
    // 18 months with 8 held out: not one season to learn from; seasonal naive says why
    refused(
        "short.csv",
        &monthly_csv(18, |i| (100 + i % 12 * 5).to_string()),
        &[
            "--date",
            "month",
            "--value",
            "sales",
            "--season",
            "12",
            "--holdout",
            "8",
            "--model",
            "seasonal_naive",
        ],
        &["short.csv", "one full season"],
    );
}

#[test]
fn a_short_series_still_gets_what_is_possible() {
    let dir = tempfile::tempdir().expect("dir");
    let file = write(
        dir.path(),
        "short.csv",
        monthly_csv(18, |i| (100 + i * 3 + i % 12 * 5).to_string()).as_bytes(),
    );
    let v = json(&[
        "forecast",
        file.to_str().expect("utf8"),
        "--date",
        "month",
        "--value",
        "sales",
        "--season",
        "12",
        "--model",
        "holt_winters,drift",
        "--json",
    ]);
    let notes = v["notes"].to_string();
    assert!(notes.contains("less than two seasons"), "{notes}");
    let hw = &v["models"][0];
    assert_eq!(hw["model"], "holt_winters");
    assert!(hw["name"].as_str().expect("name").contains("no season"));
    assert!(
        hw["note"]
            .as_str()
            .expect("note")
            .contains("without a season")
    );
    assert_eq!(v["models"][1]["model"], "drift");
}

#[test]
fn gaps_are_filled_and_reported() {
    let dir = tempfile::tempdir().expect("dir");
    // 48 months with March 2021 and April 2022 missing
    let csv: String = monthly_csv(48, |i| (200 + i % 12 * 10).to_string())
        .lines()
        .filter(|l| !l.starts_with("2021-03") && !l.starts_with("2022-04"))
        .map(|l| format!("{l}\n"))
        .collect();
    let file = write(dir.path(), "gaps.csv", csv.as_bytes());
    let v = json(&[
        "forecast",
        file.to_str().expect("utf8"),
        "--date",
        "month",
        "--value",
        "sales",
        "--fill",
        "zero",
        "--model",
        "seasonal_naive",
        "--json",
    ]);
    assert_eq!(v["series"]["periods"], 48);
    assert_eq!(v["series"]["filled_periods"], 2);
    assert!(v["notes"].to_string().contains("2 months had no rows"));
}

#[test]
fn lstm_is_reproducible_and_reports_its_holdout_error() {
    let run = |seed: u64| {
        let params = ForecastParams {
            models: vec![ModelKind::Lstm],
            holdout: Some(12),
            season: Some(12),
            lstm: LstmSettings {
                window: 12,
                hidden: 16,
                epochs: 40,
                seed,
                ..LstmSettings::default()
            },
            ..ForecastParams::default()
        };
        forecast_series(series(monthly_sales()), &params, &Reporter::silent()).expect("forecast")
    };
    let (a, b, c) = (run(7), run(7), run(8));
    let (ma, mb, mc) = (&a.models[0], &b.models[0], &c.models[0]);
    assert_eq!(ma.holdout, mb.holdout);
    assert_eq!(ma.future, mb.future);
    assert_ne!(ma.holdout, mc.holdout);
    let trace = ma.training.as_ref().expect("losses");
    assert_eq!(trace.epochs_run, 40);
    assert!(trace.train_losses[39] < trace.train_losses[0]);
    // honest reporting: the error is measured, whatever it is (no claim that it wins)
    let e = ma.errors.expect("holdout errors");
    assert!(e.rmse.is_finite() && e.mape.is_some_and(f64::is_finite));
    println!(
        "LSTM holdout MAPE {:.2} %, RMSE {:.1}",
        e.mape.unwrap_or(0.0),
        e.rmse
    );
}

#[test]
fn stop_keeps_the_best_lstm_so_far() {
    use std::sync::atomic::Ordering;
    let params = ForecastParams {
        models: vec![ModelKind::SeasonalNaive, ModelKind::Lstm],
        holdout: Some(12),
        season: Some(12),
        lstm: LstmSettings {
            window: 12,
            hidden: 8,
            epochs: 100_000,
            ..LstmSettings::default()
        },
        ..ForecastParams::default()
    };
    let stop = std::sync::Arc::clone(&params.stop_training);
    let epochs = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let seen = std::sync::Arc::clone(&epochs);
    let reporter = Reporter::new(
        move |p| {
            if let marketlens::analysis::forecast::ForecastProgress::Epoch { epoch, .. } = p
                && epoch >= 5
            {
                seen.store(epoch, Ordering::Relaxed);
                stop.store(true, Ordering::Relaxed);
            }
        },
        marketlens::jobs::CancelToken::new(),
    );
    let result = forecast_series(series(monthly_sales()), &params, &reporter).expect("forecast");
    assert_eq!(result.models.len(), 2, "the baseline and the stopped LSTM");
    let lstm = &result.models[1];
    let trace = lstm.training.as_ref().expect("trace");
    assert!(trace.stopped);
    assert!(trace.epochs_run <= 6, "{}", trace.epochs_run);
    assert!(trace.best_epoch >= 1 && trace.best_epoch <= trace.epochs_run);
    assert_eq!(lstm.holdout.len(), 12);
    assert!(
        lstm.note
            .as_deref()
            .is_some_and(|n| n.contains("Stopped after epoch"))
    );
}

#[test]
fn a_zero_in_the_holdout_ranks_and_describes_by_rmse() {
    // monthly pattern with the last period at zero: percentages are undefined there
    let mut values: Vec<f64> = (0..48).map(|i| 100.0 + 10.0 * (i % 12) as f64).collect();
    values[47] = 0.0;
    let params = ForecastParams {
        models: vec![ModelKind::SeasonalNaive, ModelKind::Drift],
        holdout: Some(12),
        season: Some(12),
        ..ForecastParams::default()
    };
    let r = forecast_series(series(values), &params, &Reporter::silent()).expect("forecast");
    assert!(!r.ranks_by_mape());
    let rmse = |k: ModelKind| {
        r.models
            .iter()
            .find(|m| m.kind == k)
            .and_then(|m| m.errors)
            .expect("errors")
            .rmse
    };
    let best = r.best().expect("best");
    let other = if best.kind == ModelKind::Drift {
        ModelKind::SeasonalNaive
    } else {
        ModelKind::Drift
    };
    assert!(rmse(best.kind) <= rmse(other));
    let sentence = marketlens::analysis::forecast_export::verdict(&r).expect("verdict");
    assert!(sentence.contains("root mean squared error"), "{sentence}");
    assert!(
        sentence.contains(&format!("{:.1}", rmse(best.kind))),
        "{sentence}"
    );
}

#[test]
fn the_lstm_on_changes_follows_a_trend_above_anything_it_saw() {
    let values: Vec<f64> = (0..60).map(|i| 50.0 + 2.0 * i as f64).collect();
    let top = values[47];
    let params = ForecastParams {
        models: vec![ModelKind::Lstm],
        holdout: Some(12),
        season: Some(1),
        lstm: LstmSettings {
            window: 6,
            hidden: 8,
            epochs: 30,
            ..LstmSettings::default()
        },
        ..ForecastParams::default()
    };
    let r =
        forecast_series(series(values.clone()), &params, &Reporter::silent()).expect("forecast");
    let m = &r.models[0];
    // every holdout forecast is above the last training value, and rising
    assert!(m.holdout.iter().all(|v| *v > top), "{:?}", m.holdout);
    assert!(m.holdout.windows(2).all(|w| w[1] > w[0]), "{:?}", m.holdout);
    assert!(m.future[0] > values[59]);
}

#[test]
fn weekly_forecasts_are_dated_by_monday() {
    let dir = tempfile::tempdir().expect("dir");
    // 80 weeks of orders on Wednesdays, from Wednesday 2024-01-03
    let start = chrono::NaiveDate::from_ymd_opt(2024, 1, 3).expect("date");
    let mut csv = "day,orders\n".to_owned();
    for i in 0..80 {
        let d = start + chrono::Duration::weeks(i);
        csv.push_str(&format!("{d},{}\n", 100 + i % 4 * 10));
    }
    let file = write(dir.path(), "weekly.csv", csv.as_bytes());
    let v = json(&[
        "forecast",
        file.to_str().expect("utf8"),
        "--date",
        "day",
        "--value",
        "orders",
        "--model",
        "drift",
        "--horizon",
        "3",
        "--json",
    ]);
    assert_eq!(v["series"]["period"], "week");
    assert_eq!(v["series"]["start"], "2024-01-01");
    let dates: Vec<&str> = v["forecast"]
        .as_array()
        .expect("forecast")
        .iter()
        .map(|p| p["date"].as_str().expect("date"))
        .collect();
    // week 80 starts on Monday 2025-07-14 (2024-01-01 + 80 weeks)
    assert_eq!(dates, ["2025-07-14", "2025-07-21", "2025-07-28"]);
}

#[test]
fn a_too_short_series_for_the_lstm_counts_periods() {
    let values: Vec<f64> = (0..20).map(|i| 100.0 + i as f64).collect();
    let params = ForecastParams {
        models: vec![ModelKind::Drift, ModelKind::Lstm],
        holdout: Some(4),
        season: Some(1),
        lstm: LstmSettings {
            window: 16,
            ..LstmSettings::default()
        },
        ..ForecastParams::default()
    };
    let r = forecast_series(series(values), &params, &Reporter::silent()).expect("forecast");
    assert_eq!(r.models.len(), 1, "drift runs");
    let (kind, why) = &r.skipped[0];
    assert_eq!(*kind, ModelKind::Lstm);
    // 16 periods before the holdout; window 16 on changes needs 16 + 1 + 1 changes = 19 periods
    assert!(
        why.contains("at least 19 periods") && why.contains("there are 16"),
        "{why}"
    );
}
