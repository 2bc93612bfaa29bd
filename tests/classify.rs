//! Churn prediction: AUC against scikit-learn on the bundled customers sample with the same
//! split and preprocessing, the `classify` command (JSON, --test, --scores), and clear
//! handling of bad targets and features.

mod common;

use std::process::Command;

use common::{sample, write};
use marketlens::analysis::classify::{ClassifyParams, Evaluation, Imbalance, classify};
use marketlens::analysis::models::ModelKind;
use marketlens::data::load_path;
use marketlens::jobs::Reporter;
use marketlens::metrics::classification::roc_auc;

const FEATURES: [&str; 10] = [
    "age",
    "tenure_months",
    "recency_days",
    "frequency",
    "monetary",
    "visits",
    "discount_use",
    "gender",
    "city_tier",
    "channel",
];

// tests/reference/classify_reference.py: LogisticRegression(C=1.0) and GaussianNB() in a
// scikit-learn pipeline (median imputation + StandardScaler, one-hot) fitted on our split
// (seed 42, 30 % held out: 3,500 training rows, 1,500 test rows of which 346 churned).
const SKLEARN_LOGISTIC_AUC: f64 = 0.8280421955299988;
const SKLEARN_NAIVE_BAYES_AUC: f64 = 0.8100925656925897;

fn params(models: Vec<ModelKind>) -> ClassifyParams {
    ClassifyParams {
        target: "churn".into(),
        features: FEATURES.iter().map(|s| s.to_string()).collect(),
        models,
        importance: false,
        ..ClassifyParams::default()
    }
}

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_marketlens"))
}

#[test]
fn logistic_and_naive_bayes_match_scikit_learn_on_the_customers_sample() {
    let ds = load_path(&sample("customers.csv")).expect("load");
    let p = params(vec![ModelKind::Logistic, ModelKind::NaiveBayes]);
    let r = classify(&ds.df, &p, &Reporter::silent()).expect("classify");
    assert_eq!((r.train_rows, r.eval_y.len()), (3500, 1500));
    assert_eq!(r.eval_y.iter().filter(|v| **v).count(), 346);
    assert_eq!(r.target.positive, "yes");
    let lr = &r.models[0];
    assert!(
        (lr.auc - SKLEARN_LOGISTIC_AUC).abs() < 0.005,
        "logistic AUC {} vs scikit-learn {SKLEARN_LOGISTIC_AUC}",
        lr.auc
    );
    // the same optimum: in practice the AUCs agree far closer than the 0.005 asked for
    assert!((lr.auc - SKLEARN_LOGISTIC_AUC).abs() < 1e-4, "{}", lr.auc);
    let nb = &r.models[1];
    assert!(
        (nb.auc - SKLEARN_NAIVE_BAYES_AUC).abs() < 1e-9,
        "naive Bayes AUC {} vs {SKLEARN_NAIVE_BAYES_AUC}",
        nb.auc
    );
    // the reported AUC is the one of the scores it reports
    assert!((roc_auc(&r.eval_y, &lr.scores) - lr.auc).abs() < 1e-12);
    // every row of the file was scored for the at-risk list
    assert_eq!(lr.all_scores.len(), 5000);
    assert!(lr.loss_curve.len() > 2);
    assert!(lr.loss_curve.windows(2).all(|w| w[1][1] <= w[0][1]));
}

#[test]
fn every_model_trains_and_ranks_better_than_chance() {
    let ds = load_path(&sample("customers.csv")).expect("load");
    let mut p = params(ModelKind::ALL.to_vec());
    p.importance = true;
    p.settings.forest_trees = 30;
    let r = classify(&ds.df, &p, &Reporter::silent()).expect("classify");
    assert_eq!(r.models.len(), 6);
    for m in &r.models {
        assert!(m.auc > 0.7, "{:?} AUC {}", m.kind, m.auc);
        assert_eq!(m.scores.len(), 1500);
        assert!(
            m.scores.iter().all(|s| (0.0..=1.0).contains(s)),
            "{:?}",
            m.kind
        );
        assert_eq!(m.gains.len(), 10);
        assert!(!m.drivers.is_empty());
    }
    // the generator makes churn depend on recency most of all
    let lr = &r.models[0];
    assert_eq!(lr.drivers[0].feature, "recency_days", "{:?}", lr.drivers);
    assert!(!lr.coefficients.is_empty());
}

#[test]
fn cross_validation_scores_every_row_once() {
    let ds = load_path(&sample("customers.csv")).expect("load");
    let mut p = params(vec![ModelKind::Logistic]);
    p.evaluation = Evaluation::KFold { folds: 5 };
    let r = classify(&ds.df, &p, &Reporter::silent()).expect("classify");
    assert_eq!(r.eval_y.len(), 5000);
    let m = &r.models[0];
    assert_eq!(m.fold_aucs.len(), 5);
    assert!(m.fold_aucs.iter().all(|a| *a > 0.75), "{:?}", m.fold_aucs);
    assert!((m.auc - SKLEARN_LOGISTIC_AUC).abs() < 0.03);
}

#[test]
fn imbalance_options_change_training_only() {
    let ds = load_path(&sample("customers.csv")).expect("load");
    for imbalance in [Imbalance::ClassWeights, Imbalance::Oversample] {
        let mut p = params(vec![ModelKind::Logistic]);
        p.imbalance = imbalance;
        let r = classify(&ds.df, &p, &Reporter::silent()).expect("classify");
        // the evaluation rows are untouched
        assert_eq!(r.eval_y.len(), 1500);
        let m = &r.models[0];
        // balanced training pushes probabilities up: more flagged at 0.5
        assert!(m.confusion.tp + m.confusion.fp > 346, "{imbalance:?}");
        assert!(
            (m.auc - SKLEARN_LOGISTIC_AUC).abs() < 0.01,
            "{imbalance:?} {}",
            m.auc
        );
    }
}

#[test]
fn cli_classify_json_and_scores_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let scores = dir.path().join("scores.csv");
    let out = bin()
        .args(["classify"])
        .arg(sample("customers.csv"))
        .args([
            "--target",
            "churn",
            "--features",
            &FEATURES.join(","),
            "--json",
            "--scores",
        ])
        .arg(&scores)
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["model"], "logistic");
    let auc = v["auc"].as_f64().expect("auc");
    assert!((auc - SKLEARN_LOGISTIC_AUC).abs() < 1e-4, "{auc}");
    for key in [
        "accuracy",
        "precision",
        "recall",
        "f1",
        "log_loss",
        "threshold",
    ] {
        assert!(v[key].is_number(), "{key} missing");
    }
    let roc = v["roc"].as_array().expect("roc");
    assert_eq!(roc.first().expect("first")[0], 0.0);
    assert_eq!(roc.last().expect("last")[1], 1.0);
    let gains = v["gains"].as_array().expect("gains");
    assert_eq!(gains.len(), 10);
    assert!(gains[0]["lift"].as_f64().expect("lift") > 1.5);
    // the scores file: the 1,500 test rows, all their columns, and the reported AUC again
    let scored = load_path(&scores).expect("scores file");
    assert_eq!(scored.rows(), 1500);
    assert_eq!(scored.df.width(), 13);
    let y: Vec<bool> = scored
        .df
        .column("churn")
        .expect("churn")
        .str()
        .expect("text")
        .iter()
        .map(|v| v == Some("yes"))
        .collect();
    let s: Vec<f64> = scored
        .df
        .column("score")
        .expect("score")
        .f64()
        .expect("f64")
        .iter()
        .map(|v| v.unwrap_or(f64::NAN))
        .collect();
    assert!((roc_auc(&y, &s) - auc).abs() < 1e-9);
}

#[test]
fn cli_test_file_metrics_are_on_that_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = std::fs::read_to_string(sample("customers.csv")).expect("read");
    let mut lines = text.lines();
    let header = lines.next().expect("header");
    let rows: Vec<&str> = lines.collect();
    let train = write(
        dir.path(),
        "train.csv",
        format!("{header}\n{}\n", rows[..4000].join("\n")).as_bytes(),
    );
    let test = write(
        dir.path(),
        "test.csv",
        format!("{header}\n{}\n", rows[4000..].join("\n")).as_bytes(),
    );
    let before = std::fs::read(&test).expect("read test");
    let scores = dir.path().join("scored.csv");
    let out = bin()
        .arg("classify")
        .arg(&train)
        .args([
            "--target",
            "churn",
            "--features",
            &FEATURES.join(","),
            "--json",
            "--test",
        ])
        .arg(&test)
        .arg("--scores")
        .arg(&scores)
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["train_rows"], 4000);
    assert_eq!(v["test_rows"], 1000);
    let c = &v["confusion"];
    let total: u64 = ["tp", "fp", "tn", "fn_"]
        .iter()
        .map(|k| c[k].as_u64().expect("count"))
        .sum();
    assert_eq!(total, 1000);
    assert_eq!(load_path(&scores).expect("scores").rows(), 1000);
    // the inputs are never written
    assert_eq!(std::fs::read(&test).expect("read test"), before);
    // refusing to write the scores over an input
    let out = bin()
        .arg("classify")
        .arg(&train)
        .args(["--target", "churn", "--features", "age", "--scores"])
        .arg(&train)
        .output()
        .expect("run");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("train.csv"));
}

fn classify_text(
    csv: &str,
    features: &[&str],
) -> Result<marketlens::analysis::classify::ClassifyResult, String> {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(dir.path(), "bad.csv", csv.as_bytes());
    let ds = load_path(&path).map_err(|e| e.to_string())?;
    let mut p = params(vec![ModelKind::Logistic, ModelKind::Forest]);
    p.target = "y".into();
    p.features = features.iter().map(|s| s.to_string()).collect();
    p.settings.forest_trees = 10;
    classify(&ds.df, &p, &Reporter::silent()).map_err(|e| e.to_string())
}

fn rows(n: usize, f: impl Fn(usize) -> String) -> String {
    (0..n).map(f).collect::<Vec<_>>().join("\n")
}

#[test]
fn bad_targets_get_clear_messages() {
    let one = format!("x,y\n{}\n", rows(50, |i| format!("{i},yes")));
    let e = classify_text(&one, &["x"]).expect_err("one class");
    assert!(e.contains("only ever says") && e.contains("yes"), "{e}");

    let many = format!("x,y\n{}\n", rows(200, |i| format!("{i},v{}", i % 40)));
    let e = classify_text(&many, &["x"]).expect_err("40 values");
    assert!(e.contains("40 different values"), "{e}");

    let empty_feature = format!(
        "x,z,y\n{}\n",
        rows(60, |i| format!(
            "{i},,{}",
            if i % 2 == 0 { "yes" } else { "no" }
        ))
    );
    let e = classify_text(&empty_feature, &["x", "z"]).expect_err("empty feature");
    assert!(e.contains("\u{201c}z\u{201d} has no values"), "{e}");
}

#[test]
fn awkward_data_is_handled() {
    // missing targets are dropped and counted
    let csv = format!(
        "x,y\n{}\n",
        rows(100, |i| format!(
            "{},{}",
            i % 17,
            match i % 5 {
                0 => "",
                1 | 2 => "yes",
                _ => "no",
            }
        ))
    );
    let r = classify_text(&csv, &["x"]).expect("missing targets");
    assert_eq!(r.target.missing, 20);
    assert!(
        r.notes.iter().any(|n| n.contains("20 rows have no value")),
        "{:?}",
        r.notes
    );
    // perfect separation: a finite model and a warning about leakage
    let csv = format!(
        "x,y\n{}\n",
        rows(100, |i| format!(
            "{i},{}",
            if i < 50 { "no" } else { "yes" }
        ))
    );
    let r = classify_text(&csv, &["x"]).expect("separable");
    assert!((r.models[0].auc - 1.0).abs() < 1e-12);
    assert!(r.models[0].scores.iter().all(|s| s.is_finite()));
    assert!(
        r.notes.iter().any(|n| n.contains("almost perfectly")),
        "{:?}",
        r.notes
    );
    // NaN in a feature is treated as missing; inf is refused by name (issue 14)
    let csv = |second: &str| {
        format!(
            "x,w,y\n{}\n",
            rows(100, |i| format!(
                "{},{},{}",
                match i % 10 {
                    0 => "NaN".to_owned(),
                    1 => second.to_owned(),
                    _ => i.to_string(),
                },
                i % 3,
                if i % 3 == 0 { "yes" } else { "no" }
            ))
        )
    };
    let r = classify_text(&csv("NaN"), &["x", "w"]).expect("nan");
    assert!(
        r.models
            .iter()
            .all(|m| m.scores.iter().all(|s| s.is_finite()))
    );
    let e = classify_text(&csv("inf"), &["x", "w"]).expect_err("inf");
    assert!(
        e.contains("\u{201c}x\u{201d} has") && e.contains("not ordinary numbers (infinite"),
        "{e}"
    );
}

#[test]
fn cancelling_stops_training() {
    use marketlens::jobs::{self, Outcome};
    let ds = load_path(&sample("customers.csv")).expect("load");
    let mut p = params(vec![ModelKind::Forest]);
    p.settings.forest_trees = 2000;
    let df = ds.df.clone();
    let job = jobs::spawn(
        "classify test",
        || {},
        move |r| classify(&df, &p, r).map_err(jobs::JobError::from),
    );
    std::thread::sleep(std::time::Duration::from_millis(300));
    job.cancel();
    assert!(matches!(job.wait(), Outcome::Cancelled));
}

#[test]
fn an_evaluation_part_without_positives_is_refused_clearly() {
    // 4 churners of 100: a 10 % hold-out gets none of them
    let dir = tempfile::tempdir().expect("tempdir");
    let csv = format!(
        "x,y\n{}\n",
        rows(100, |i| format!(
            "{i},{}",
            if i % 25 == 0 { "yes" } else { "no" }
        ))
    );
    let path = write(dir.path(), "rare.csv", csv.as_bytes());
    let ds = load_path(&path).expect("load");
    let mut p = params(vec![ModelKind::Logistic]);
    p.target = "y".into();
    p.features = vec!["x".into()];
    p.evaluation = Evaluation::Split { test_share: 0.1 };
    let e = classify(&ds.df, &p, &Reporter::silent()).expect_err("no positives held out");
    assert!(
        e.to_string().contains("held-out rows have no y = yes"),
        "{e}"
    );
}

#[test]
fn cli_names_the_test_file_and_checks_its_settings() {
    let dir = tempfile::tempdir().expect("tempdir");
    let test = write(dir.path(), "test.csv", b"age,churn\n30,yes\n40,no\n");
    let out = bin()
        .arg("classify")
        .arg(sample("customers.csv"))
        .args([
            "--target",
            "churn",
            "--features",
            "age,recency_days",
            "--test",
        ])
        .arg(&test)
        .output()
        .expect("run");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("test file test.csv has no column called \u{201c}recency_days\u{201d}"),
        "{err}"
    );
    for (flag, value, words) in [
        ("--folds", "1", "between 2 and 20"),
        ("--c", "0", "positive number"),
    ] {
        let out = bin()
            .arg("classify")
            .arg(sample("customers.csv"))
            .args(["--target", "churn", "--features", "age", flag, value])
            .output()
            .expect("run");
        assert!(!out.status.success());
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(words),
            "{flag}"
        );
    }
}
