//! `marketlens regress` beyond the reference numbers: the penalty chosen by cross-validation,
//! k-fold evaluation, the predictions file, and clear messages for bad input.

mod common;

use common::{run_marketlens, sample, write};
use marketlens::analysis::regress::{Penalty, RegModel, RegressParams, regress};
use marketlens::data::load_path;
use marketlens::jobs::Reporter;

fn path(name: &str) -> String {
    sample(name).to_str().expect("utf8").to_owned()
}

fn json(args: &[&str]) -> serde_json::Value {
    let (code, stdout, stderr) = run_marketlens(args);
    assert_eq!(code, 0, "{stderr}");
    serde_json::from_str(&stdout).expect("one JSON object")
}

fn number(v: &serde_json::Value, what: &str) -> f64 {
    v.as_f64()
        .unwrap_or_else(|| panic!("{what} is no number: {v}"))
}

/// Coefficients (and, for least squares, standard errors and p-values) by design name.
#[test]
fn cross_validation_chooses_the_penalty_with_the_lowest_error() {
    let r = json(&[
        "regress",
        &path("customers.csv"),
        "--target",
        "monetary",
        "--features",
        "age,tenure_months,frequency,visits,channel,city_tier",
        "--model",
        "lasso,ridge",
        "--json",
    ]);
    for m in r["models"].as_array().expect("models") {
        let curve = m["penalty_curve"].as_array().expect("curve");
        assert_eq!(curve.len(), 20, "{m}");
        let best = curve
            .iter()
            .min_by(|a, b| number(&a[1], "rmse").total_cmp(&number(&b[1], "rmse")))
            .expect("points");
        assert_eq!(m["alpha"], best[0], "{}", m["model"]);
        // the penalties run from strong to weak
        assert!(number(&curve[0][0], "a") > number(&curve[19][0], "a"));
    }
    // lasso's strongest penalty sets every effect to zero: its error is the spread of y
    let lasso = &r["models"][0];
    assert_eq!(lasso["model"], "lasso");
    assert!(number(&lasso["r2"], "r2") > 0.6, "{lasso}");
}

#[test]
fn k_fold_scores_every_row_once_and_keeps_a_model_on_all_rows() {
    let r = json(&[
        "regress",
        &path("monthly_sales.csv"),
        "--target",
        "sales",
        "--features",
        "price,ad_spend",
        "--folds",
        "4",
        "--model",
        "ols,knn",
        "--json",
    ]);
    assert_eq!(r["test_rows"], 96);
    assert_eq!(r["train_rows"], 96);
    assert!(r["evaluation"].as_str().expect("text").contains("4-fold"));
    assert_eq!(r["models"].as_array().map(Vec::len), Some(2));
    assert!(
        r["models"][1]["coefficients"]
            .as_object()
            .expect("map")
            .is_empty()
    );
    // the model kept is the one fitted on every row: the same as training on the whole file
    let f = path("monthly_sales.csv");
    let all = json(&[
        "regress",
        &f,
        "--target",
        "sales",
        "--features",
        "price,ad_spend",
        "--test",
        &f,
        "--json",
    ]);
    for name in ["price", "ad_spend"] {
        let (a, b) = (
            number(&r["coefficients"][name], name),
            number(&all["coefficients"][name], name),
        );
        assert!(
            (a - b).abs() <= 1e-9 * b.abs().max(1.0),
            "{name}: {a} vs {b}"
        );
    }
    // …while the errors are measured out of fold, so they are larger than in-sample
    assert!(number(&r["rmse"], "cv") > number(&all["rmse"], "in-sample"));
}

#[test]
fn predictions_go_to_a_new_file_and_never_the_input() {
    let dir = tempfile::tempdir().expect("dir");
    let input = write(
        dir.path(),
        "sales.csv",
        &std::fs::read(sample("monthly_sales.csv")).expect("sample"),
    );
    let before = std::fs::read(&input).expect("read");
    let out = dir.path().join("predicted.csv");
    let input_s = input.to_str().expect("utf8");
    let out_s = out.to_str().expect("utf8");
    let base = [
        "regress",
        input_s,
        "--target",
        "sales",
        "--features",
        "price,ad_spend",
    ];
    let mut args = base.to_vec();
    args.extend(["--predictions", out_s, "--json"]);
    let r = json(&args);
    let text = std::fs::read_to_string(&out).expect("written");
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("month,sales,price,ad_spend,promotion,prediction")
    );
    assert_eq!(
        lines.count(),
        r["test_rows"].as_u64().expect("rows") as usize
    );
    let mut args = base.to_vec();
    args.extend(["--predictions", input_s]);
    let (code, _, stderr) = run_marketlens(&args);
    assert_ne!(code, 0);
    assert!(stderr.contains("input file"), "{stderr}");
    assert_eq!(
        std::fs::read(&input).expect("read"),
        before,
        "input untouched"
    );
}

fn refused(args: &[&str], words: &[&str]) {
    let (code, stdout, stderr) = run_marketlens(args);
    assert_ne!(code, 0, "{stdout}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    // the file is named once
    let file = std::path::Path::new(args[1])
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    assert!(!stderr.contains(&format!("{file}: {file}")), "{stderr}");
    for w in words {
        assert!(stderr.contains(w), "missing {w:?} in: {stderr}");
    }
}

#[test]
fn bad_input_gets_clear_messages() {
    let dir = tempfile::tempdir().expect("dir");
    let customers = path("customers.csv");
    // a text target
    refused(
        &[
            "regress",
            &customers,
            "--target",
            "channel",
            "--features",
            "age",
        ],
        &[
            "customers.csv",
            "\u{201c}channel\u{201d} is not a number column",
            "row 1",
            "App",
        ],
    );
    // two drivers that carry the same information
    let mut csv = String::from("spend,visits,web,store,total\n");
    for i in 0..30 {
        let (w, s) = (i % 7, (i * 3) % 5);
        let visits = (i * 7) % 11;
        csv.push_str(&format!(
            "{},{visits},{w},{s},{}\n",
            10 + 2 * w + s + i % 3,
            w + s
        ));
    }
    let file = write(dir.path(), "collinear.csv", csv.as_bytes());
    let f = file.to_str().expect("utf8");
    refused(
        &[
            "regress",
            f,
            "--target",
            "spend",
            "--features",
            "visits,web,store,total",
        ],
        &[
            "collinear.csv",
            "\u{201c}total\u{201d} adds nothing to \u{201c}web\u{201d}, \u{201c}store\u{201d}:",
            "ridge",
        ],
    );
    // ridge copes with the same file
    let r = json(&[
        "regress",
        f,
        "--target",
        "spend",
        "--features",
        "web,store,total",
        "--model",
        "ridge",
        "--json",
    ]);
    assert!(number(&r["r2"], "r2").is_finite());
    // compared with ridge, least squares is left out with the reason, ridge still reports
    let r = json(&[
        "regress",
        f,
        "--target",
        "spend",
        "--features",
        "visits,web,store,total",
        "--model",
        "ols,ridge",
        "--json",
    ]);
    assert_eq!(r["model"], "ridge");
    let notes = r["notes"].to_string();
    assert!(
        notes.contains("Linear regression was left out") && notes.contains("adds nothing"),
        "{notes}"
    );
    // a constant driver is left out with a note, the rest still fits
    let mut csv = String::from("spend,price,region\n");
    for i in 0..30 {
        csv.push_str(&format!("{},{},North\n", 50 + i * 2 + i % 4, i));
    }
    let file = write(dir.path(), "constant.csv", csv.as_bytes());
    let r = json(&[
        "regress",
        file.to_str().expect("utf8"),
        "--target",
        "spend",
        "--features",
        "price,region",
        "--json",
    ]);
    assert!(
        r["notes"][0]
            .as_str()
            .expect("note")
            .contains("\u{201c}region\u{201d} has the same value in every training row"),
        "{}",
        r["notes"]
    );
    assert_eq!(r["coefficients"].as_object().map(|o| o.len()), Some(1));
    // more driver columns than rows
    let mut csv = String::from("spend,shop\n");
    for i in 0..8 {
        csv.push_str(&format!("{},S{i}\n", 10 + i * i));
    }
    let file = write(dir.path(), "wide.csv", csv.as_bytes());
    refused(
        &[
            "regress",
            file.to_str().expect("utf8"),
            "--target",
            "spend",
            "--features",
            "shop",
            "--test-fraction",
            "0.25",
        ],
        &[
            "wide.csv",
            "5 driver columns",
            "only 6 training rows",
            "at least 7",
            "ridge",
        ],
    );
    // a constant target
    let file = write(
        dir.path(),
        "flat.csv",
        b"spend,price\n5,1\n5,2\n5,3\n5,4\n5,5\n",
    );
    refused(
        &[
            "regress",
            file.to_str().expect("utf8"),
            "--target",
            "spend",
            "--features",
            "price",
        ],
        &["flat.csv", "5 in every row", "nothing to explain"],
    );
    // a date column is not a driver; its month is
    refused(
        &[
            "regress",
            &path("monthly_sales.csv"),
            "--target",
            "sales",
            "--features",
            "month,price",
        ],
        &[
            "monthly_sales.csv",
            "\u{201c}month\u{201d} holds dates",
            "--month-of",
        ],
    );
    // a category only the test file has is scored, with a note naming it
    let text = std::fs::read_to_string(sample("monthly_sales.csv")).expect("sample");
    let test_csv: String = text
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i > 0 && i % 10 == 0 {
                format!(
                    "{}maybe\n",
                    l.trim_end_matches("yes").trim_end_matches("no")
                )
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    let test = write(dir.path(), "new_promos.csv", test_csv.as_bytes());
    let r = json(&[
        "regress",
        &path("monthly_sales.csv"),
        "--target",
        "sales",
        "--features",
        "price,promotion",
        "--test",
        test.to_str().expect("utf8"),
        "--json",
    ]);
    let notes = r["notes"].to_string();
    assert!(
        notes.contains("9 rows of new_promos.csv") && notes.contains("\u{201c}maybe\u{201d}"),
        "{notes}"
    );
    // an unknown model and a missing column
    refused(
        &[
            "regress",
            &customers,
            "--target",
            "monetary",
            "--features",
            "age",
            "--model",
            "xgb",
        ],
        &["xgb", "ols, ridge, lasso, elastic_net or knn"],
    );
    refused(
        &[
            "regress",
            &customers,
            "--target",
            "monetary",
            "--features",
            "nope",
        ],
        &["customers.csv", "\u{201c}nope\u{201d}"],
    );
}

#[test]
fn penalty_and_fixed_penalty_are_reproducible() {
    let ds = load_path(&sample("customers.csv")).expect("sample");
    let params = RegressParams {
        target: "monetary".into(),
        features: vec!["frequency".into(), "visits".into(), "channel".into()],
        models: vec![RegModel::ElasticNet],
        penalty: Penalty::Fixed(1.0),
        ..RegressParams::default()
    };
    let a = regress(&ds.df, "customers.csv", &params, &Reporter::silent()).expect("fit");
    let b = regress(&ds.df, "customers.csv", &params, &Reporter::silent()).expect("fit");
    assert_eq!(a.models[0].predictions, b.models[0].predictions);
    assert_eq!(a.models[0].alpha, Some(1.0));
}

#[test]
fn long_fits_report_progress_and_stop_when_cancelled() {
    use marketlens::analysis::regress::{RegressError, RegressProgress};
    use marketlens::jobs::{CancelToken, JobProgress};
    use std::sync::{Arc, Mutex};
    let ds = load_path(&sample("customers.csv")).expect("sample");
    let params = RegressParams {
        target: "monetary".into(),
        features: vec![
            "age".into(),
            "tenure_months".into(),
            "frequency".into(),
            "visits".into(),
            "channel".into(),
        ],
        models: vec![RegModel::Lasso, RegModel::Knn],
        ..RegressParams::default()
    };
    let events: Arc<Mutex<Vec<RegressProgress>>> = Arc::default();
    let sink = Arc::clone(&events);
    let reporter = Reporter::new(
        move |p| sink.lock().expect("events").push(p),
        CancelToken::new(),
    );
    regress(&ds.df, "customers.csv", &params, &reporter).expect("fit");
    let events = events.lock().expect("events");
    let started = events
        .iter()
        .filter(|e| matches!(e, RegressProgress::Started(_)))
        .count();
    assert_eq!(started, 2, "one fit per model");
    // 20 penalties × 5 folds are tried, and the bar only moves forward
    assert!(
        events
            .iter()
            .any(|e| matches!(e, RegressProgress::Penalty { total: 100, .. })),
        "{events:?}"
    );
    let fractions: Vec<f32> = events.iter().filter_map(|e| e.fraction()).collect();
    assert!(fractions.windows(2).all(|w| w[0] <= w[1]), "{fractions:?}");
    assert!(events.iter().all(|e| !e.describe().is_empty()));

    // cancelling while the penalty is being chosen stops the job with Cancelled
    let token = CancelToken::new();
    let cancel = token.clone();
    let reporter = Reporter::new(
        move |p| {
            if matches!(p, RegressProgress::Penalty { .. }) {
                cancel.cancel();
            }
        },
        token,
    );
    let outcome = regress(&ds.df, "customers.csv", &params, &reporter);
    assert!(
        matches!(outcome, Err(RegressError::Cancelled)),
        "{outcome:?}"
    );
}

#[test]
fn a_saved_model_predicts_what_the_fit_predicted_and_bad_model_files_are_named() {
    use marketlens::model_file::{ModelFile, ModelFileError, SavedModel};
    let dir = tempfile::tempdir().expect("dir");
    let data = path("monthly_sales.csv");
    let ds = load_path(&sample("monthly_sales.csv")).expect("sample");
    for model in ["ols", "lasso", "knn"] {
        let saved = dir.path().join(format!("{model}.mlmodel"));
        let predicted = dir.path().join(format!("{model}.csv"));
        json(&[
            "regress",
            &data,
            "--target",
            "sales",
            "--features",
            "price,ad_spend,promotion",
            "--month-of",
            "month",
            "--model",
            model,
            "--alpha",
            "20",
            "--test",
            &data,
            "--predictions",
            predicted.to_str().expect("utf8"),
            "--save-model",
            saved.to_str().expect("utf8"),
            "--json",
        ]);
        let file = ModelFile::load(&saved).expect("a model file");
        assert_eq!(file.version, marketlens::model_file::VERSION);
        let SavedModel::Regression(m) = &file.model else {
            panic!("a regression model expected, found {}", file.model.kind())
        };
        let ours = m.predict(&ds.df, "monthly_sales.csv").expect("predictions");
        let text = std::fs::read_to_string(&predicted).expect("predictions file");
        let written: Vec<f64> = text
            .lines()
            .skip(1)
            .map(|l| l.rsplit(',').next().expect("cell").parse().expect("number"))
            .collect();
        assert_eq!(ours.len(), written.len());
        for (a, b) in ours.iter().zip(&written) {
            assert!(
                (a - b).abs() <= 1e-9 * b.abs().max(1.0),
                "{model}: {a} vs {b}"
            );
        }
        // a file without a driver the model needs is refused, naming the column
        let without = ds.df.drop("ad_spend").expect("drop");
        let err = m.predict(&without, "new.csv").expect_err("missing column");
        assert!(
            err.to_string().contains("new.csv") && err.to_string().contains("ad_spend"),
            "{err}"
        );
    }
    // damaged, foreign and newer files get clear messages
    let bad = write(
        dir.path(),
        "bad.mlmodel",
        b"{\"format\": \"marketlens-model\", ",
    );
    assert!(matches!(
        ModelFile::load(&bad),
        Err(ModelFileError::NotAModel { ref file, .. }) if file == "bad.mlmodel"
    ));
    let other = write(dir.path(), "other.mlmodel", b"{\"hello\": 1}");
    assert!(matches!(
        ModelFile::load(&other),
        Err(ModelFileError::NotAModel { .. })
    ));
    let text = std::fs::read_to_string(dir.path().join("ols.mlmodel")).expect("saved");
    let newer = write(
        dir.path(),
        "newer.mlmodel",
        text.replacen("\"version\": 1", "\"version\": 7", 1)
            .as_bytes(),
    );
    let err = ModelFile::load(&newer).expect_err("newer");
    assert!(err.to_string().contains("newer MarketLens"), "{err}");
    // the model is never written over the data
    let copy = write(
        dir.path(),
        "sales.csv",
        &std::fs::read(sample("monthly_sales.csv")).expect("sample"),
    );
    let before = std::fs::read(&copy).expect("read");
    let copy = copy.to_str().expect("utf8");
    let (code, _, stderr) = run_marketlens(&[
        "regress",
        copy,
        "--target",
        "sales",
        "--features",
        "price",
        "--save-model",
        copy,
    ]);
    assert_ne!(code, 0);
    assert!(stderr.contains("input file"), "{stderr}");
    assert_eq!(std::fs::read(copy).expect("read"), before);
}
