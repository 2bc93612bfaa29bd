//! Hostile numbers (issue 14, items 3, 8 and 11): infinite and huge values in a feature, a
//! target or a forecast value are refused with a message naming the column and the count,
//! never a panic (exit 101) and never a silent `null` or `inf` in the output; a feature
//! listed twice is refused; an absurd SVM C is refused at once.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::{run_marketlens as marketlens, write};

/// 200 customers: income, age, channel, churn (yes/no, depends on age and channel), spend
/// (depends on income and age). `hostile` replaces the income of the given rows (0-based)
/// and `target` the spend of others, by the text given (e.g. "inf", "1e308").
fn customers(
    dir: &Path,
    name: &str,
    hostile: &[(usize, &str)],
    target: &[(usize, &str)],
) -> PathBuf {
    let mut text = String::from("income,age,channel,churn,spend\n");
    for i in 0..200usize {
        let income = 20_000.0 + ((i * 7919) % 997) as f64 * 50.0;
        let age = 18 + (i * 31) % 60;
        let channel = ["Web", "App", "Store"][i % 3];
        let churn = if (age + 13 * (i % 3) + (i * 17) % 23) % 3 == 0 {
            "yes"
        } else {
            "no"
        };
        let spend = 0.01 * income + 3.0 * age as f64 + ((i * 13) % 17) as f64;
        let income = hostile
            .iter()
            .find(|(r, _)| *r == i)
            .map_or(income.to_string(), |(_, v)| (*v).to_owned());
        let spend = target
            .iter()
            .find(|(r, _)| *r == i)
            .map_or(spend.to_string(), |(_, v)| (*v).to_owned());
        text.push_str(&format!("{income},{age},{channel},{churn},{spend}\n"));
    }
    write(dir, name, text.as_bytes())
}

/// 48 months of sales with a season; `hostile` replaces the sales of the given months.
fn monthly(dir: &Path, name: &str, scale: f64, hostile: &[(usize, &str)]) -> PathBuf {
    let mut text = String::from("month,sales\n");
    for i in 0..48usize {
        let season = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0, 5.0, 3.0, 5.0, 8.0][i % 12];
        let sales = (100.0 + 2.0 * i as f64 + 10.0 * season) * scale;
        let sales = hostile
            .iter()
            .find(|(r, _)| *r == i)
            .map_or(format!("{sales:e}"), |(_, v)| (*v).to_owned());
        text.push_str(&format!("{}-{:02}-01,{sales}\n", 2020 + i / 12, i % 12 + 1));
    }
    write(dir, name, text.as_bytes())
}

fn path(p: &Path) -> &str {
    p.to_str().expect("utf8 path")
}

/// A refusal: a non-zero exit code that is not a panic's (101), the phrase on stderr, and
/// nothing on stdout (so no JSON with nulls).
#[track_caller]
fn assert_refused(args: &[&str], phrase: &str) -> String {
    let (code, stdout, stderr) = marketlens(args);
    assert!(
        code != 0 && code != 101,
        "exit {code} for {args:?}: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    assert!(
        stderr.contains(phrase),
        "{args:?}\nwanted: {phrase}\ngot: {stderr}"
    );
    assert!(stdout.trim().is_empty(), "{args:?} printed {stdout}");
    stderr
}

const ONE: &str = "\u{201c}income\u{201d} has 1 value that is not an ordinary number (infinite, \
                   or larger than 1e150 in size). Fix or remove those rows, or leave the column \
                   out.";
const TWO: &str = "\u{201c}income\u{201d} has 2 values that are not ordinary numbers (infinite, \
                   or larger than 1e150 in size). Fix or remove those rows, or leave the column \
                   out.";

#[test]
fn every_classifier_refuses_infinite_and_huge_features_by_name_and_count() {
    let dir = tempfile::tempdir().expect("tempdir");
    let inf = customers(dir.path(), "inf.csv", &[(5, "inf")], &[]);
    let huge = customers(dir.path(), "huge.csv", &[(150, "1e308")], &[]);
    for model in ["logistic", "tree", "forest", "naive_bayes", "svm", "knn"] {
        for file in [&inf, &huge] {
            let stderr = assert_refused(
                &[
                    "classify",
                    path(file),
                    "--target",
                    "churn",
                    "--features",
                    "age,income,channel",
                    "--model",
                    model,
                    "--json",
                ],
                ONE,
            );
            let name = file.file_name().and_then(|n| n.to_str()).expect("name");
            assert!(stderr.contains(name), "{stderr}");
        }
    }
    // two bad values, trained on the whole file (evaluated on a copy of it): both counted
    let both = customers(
        dir.path(),
        "both.csv",
        &[(5, "-inf"), (150, "-1.5e308")],
        &[],
    );
    assert_refused(
        &[
            "classify",
            path(&both),
            "--target",
            "churn",
            "--features",
            "income,age",
            "--model",
            "knn",
            "--test",
            path(&both),
        ],
        TWO,
    );
}

#[test]
fn every_regression_model_refuses_infinite_and_huge_features_by_name_and_count() {
    let dir = tempfile::tempdir().expect("tempdir");
    let inf = customers(dir.path(), "inf.csv", &[(5, "inf"), (77, "-inf")], &[]);
    let huge = customers(
        dir.path(),
        "huge.csv",
        &[(5, "1e308"), (150, "-1e200")],
        &[],
    );
    for model in ["ols", "ridge", "lasso", "elastic_net", "knn"] {
        for file in [&inf, &huge] {
            assert_refused(
                &[
                    "regress",
                    path(file),
                    "--target",
                    "spend",
                    "--features",
                    "income,age,channel",
                    "--model",
                    model,
                    "--json",
                ],
                TWO,
            );
        }
    }
}

#[test]
fn a_huge_regression_target_is_refused_and_a_large_one_gives_no_nulls() {
    let dir = tempfile::tempdir().expect("tempdir");
    let huge = customers(
        dir.path(),
        "huge.csv",
        &[],
        &[(3, "1e308"), (9, "-1.7e308")],
    );
    assert_refused(
        &[
            "regress",
            path(&huge),
            "--target",
            "spend",
            "--features",
            "income,age",
            "--model",
            "ols,knn",
            "--json",
        ],
        "\u{201c}spend\u{201d} has 2 values that are not ordinary numbers (infinite, or larger \
         than 1e150 in size). Fix or remove those rows, or choose another column.",
    );
    // values up to the limit are computed with, and every number reported is finite
    let large = customers(
        dir.path(),
        "large.csv",
        &[(8, "1e150")],
        &[(3, "1e150"), (4, "-1e150")],
    );
    let (code, stdout, stderr) = marketlens(&[
        "regress",
        path(&large),
        "--target",
        "spend",
        "--features",
        "income,age,channel",
        "--model",
        "ols,ridge,lasso,elastic_net,knn",
        "--json",
    ]);
    assert!(code != 101 && !stderr.contains("panicked"), "{stderr}");
    if code == 0 {
        // k-NN has no intercept (`null` by the JSON contract); every other number is there
        assert!(
            !stdout.replace("\"intercept\":null", "").contains("null"),
            "{stdout}"
        );
        let v: serde_json::Value = serde_json::from_str(&stdout).expect("one JSON object");
        assert!(v["rmse"].as_f64().is_some_and(f64::is_finite), "{stdout}");
        // the models whose numbers overflowed are left out with a note naming the target
        let notes = v["notes"].to_string();
        assert!(
            notes.contains(
                "Linear regression was left out: Linear regression could not \
                            compute its prediction errors for \u{201c}spend\u{201d}"
            ),
            "{notes}"
        );
    } else {
        assert!(stderr.contains("\u{201c}spend\u{201d}"), "{stderr}");
    }
}

#[test]
fn a_forecast_of_huge_values_is_refused_and_writes_no_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = monthly(
        dir.path(),
        "sales.csv",
        1.0,
        &[(20, "1e308"), (30, "inf"), (31, "1.2e308")],
    );
    let out = dir.path().join("forecast.csv");
    for model in ["seasonal_naive", "drift", "holt_winters", "lstm"] {
        assert_refused(
            &[
                "forecast",
                path(&file),
                "--date",
                "month",
                "--value",
                "sales",
                "--model",
                model,
                "--epochs",
                "5",
                "--out",
                path(&out),
                "--json",
            ],
            "\u{201c}sales\u{201d} has 3 values that are not ordinary numbers (infinite, or \
             larger than 1e150 in size). Fix or remove those rows, or choose another column",
        );
        assert!(!out.exists(), "{model} wrote {}", out.display());
    }
}

#[test]
fn a_forecast_of_large_values_has_finite_bounds_or_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    // sums of values near the limit: some ranges overflow, those methods must say so
    let file = monthly(dir.path(), "sales.csv", 1e148, &[]);
    let out = dir.path().join("forecast.csv");
    let (code, stdout, stderr) = marketlens(&[
        "forecast",
        path(&file),
        "--date",
        "month",
        "--value",
        "sales",
        "--model",
        "seasonal_naive,drift,holt_winters",
        "--out",
        path(&out),
        "--json",
    ]);
    assert!(code != 101 && !stderr.contains("panicked"), "{stderr}");
    if code == 0 {
        assert!(
            !stdout.contains("null") && !stdout.contains("inf"),
            "{stdout}"
        );
        let csv = std::fs::read_to_string(&out).expect("forecast written");
        assert!(!csv.to_ascii_lowercase().contains("inf"), "{csv}");
        assert!(!csv.to_ascii_lowercase().contains("nan"), "{csv}");
    } else {
        assert!(stderr.contains("\u{201c}sales\u{201d}"), "{stderr}");
        assert!(!out.exists());
    }
}

#[test]
fn an_overflowing_range_fails_the_method_by_name_never_inf() {
    use marketlens::analysis::forecast::{
        ForecastParams, ModelKind, SeasonChoice, forecast_series,
    };
    use marketlens::analysis::series::{Period, Series};
    // already-built series (the file reader refuses such values): drift's and seasonal
    // naive's ranges square changes of 1e200, which overflows
    let values: Vec<f64> = (0..36)
        .map(|i| if i % 2 == 0 { 1e200 } else { -1e200 })
        .collect();
    let series = Series {
        period: Period::Month,
        start: chrono::NaiveDate::from_ymd_opt(2021, 1, 1).expect("date"),
        filled: vec![false; values.len()],
        rows_used: values.len(),
        rows_skipped: 0,
        multi_row_periods: 0,
        values,
    };
    let mut params = ForecastParams {
        models: vec![ModelKind::Drift],
        season: Some(12),
        holdout: Some(6),
        horizon: Some(6),
        seasonal: SeasonChoice::Auto,
        ..ForecastParams::default()
    };
    params.series.value = Some("sales".into());
    let silent = marketlens::jobs::Reporter::silent();
    let err = forecast_series(series.clone(), &params, &silent)
        .expect_err("refused")
        .to_string();
    assert_eq!(
        err,
        "Drift: its 95 % range of \u{201c}sales\u{201d} grows beyond ordinary numbers (the \
         values are too large to compute with). Rescale the column (for example to thousands) \
         or remove the extreme rows."
    );
    // with a method that stays finite (the changes over a season are all zero) the
    // forecast goes on without Drift, which is listed as skipped with that reason
    params.models = vec![ModelKind::SeasonalNaive, ModelKind::Drift];
    let result = forecast_series(series, &params, &silent).expect("seasonal naive");
    assert_eq!(result.models.len(), 1);
    assert_eq!(result.skipped.len(), 1);
    assert_eq!(result.skipped[0].0, ModelKind::Drift);
    assert_eq!(result.skipped[0].1, err);
    for m in &result.models {
        let numbers = m
            .future
            .iter()
            .chain(m.future_band.iter().flat_map(|(a, b)| [a, b]));
        assert!(numbers.copied().all(f64::is_finite), "{m:?}");
    }
}

#[test]
fn a_feature_listed_three_times_is_refused_everywhere() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = customers(dir.path(), "customers.csv", &[], &[]);
    let phrase = "\u{201c}age\u{201d} is listed 3 times in the features; list each column once.";
    assert_refused(
        &[
            "classify",
            path(&file),
            "--target",
            "churn",
            "--features",
            "age,income,age,age",
        ],
        phrase,
    );
    assert_refused(
        &[
            "regress",
            path(&file),
            "--target",
            "spend",
            "--features",
            "age,age,age",
            "--model",
            "knn",
        ],
        phrase,
    );
    assert_refused(
        &[
            "segment",
            path(&file),
            "--features",
            "age,age,age,income",
            "--k",
            "3",
        ],
        phrase,
    );
}

#[test]
fn an_absurd_svm_c_is_refused_at_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = customers(dir.path(), "customers.csv", &[], &[]);
    for c in ["1e300", "1e-9"] {
        let started = Instant::now();
        let stderr = assert_refused(
            &[
                "classify",
                path(&file),
                "--target",
                "churn",
                "--features",
                "age,income,channel",
                "--model",
                "svm",
                "--c",
                c,
                "--json",
            ],
            "choose a C between 0.001 and 1,000",
        );
        assert!(stderr.contains(&format!("C is {c}")), "{stderr}");
        // refused before any fitting (the solver took 39 s on 400 rows)
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{:?}",
            started.elapsed()
        );
    }
    // the same C is fine for logistic regression, and the largest allowed C for the SVM
    // finishes, with class weights too
    for (model, c) in [("logistic", "1e300"), ("svm", "1000")] {
        let started = Instant::now();
        let (code, stdout, stderr) = marketlens(&[
            "classify",
            path(&file),
            "--target",
            "churn",
            "--features",
            "age,income,channel",
            "--model",
            model,
            "--c",
            c,
            "--imbalance",
            "weights",
            "--json",
        ]);
        assert_eq!(code, 0, "{model} C = {c}: {stderr}");
        let v: serde_json::Value = serde_json::from_str(&stdout).expect("one JSON object");
        assert!(v["auc"].as_f64().is_some_and(f64::is_finite), "{stdout}");
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "{:?}",
            started.elapsed()
        );
    }
}
