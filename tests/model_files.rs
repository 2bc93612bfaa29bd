//! Saved models of every kind: a classifier, segments, applied to the file they were trained
//! on, give exactly what the analysis computed (bit for bit for probabilities); files that
//! don't fit are refused by name, new categories are reported, and inputs stay untouched.

mod common;

use common::{run_marketlens, sample, write};
use marketlens::analysis::classify::{ClassifyParams, classify};
use marketlens::analysis::models::ModelKind;
use marketlens::analysis::segment::{Algorithm, SegmentParams, segment};
use marketlens::data::load_path;
use marketlens::jobs::Reporter;
use marketlens::model_file::{
    ModelFile, ModelFileError, SavedClassifier, SavedModel, SavedSegments, ScoreValues,
};

const FEATURES: [&str; 8] = [
    "age",
    "tenure_months",
    "recency_days",
    "frequency",
    "monetary",
    "visits",
    "city_tier",
    "channel",
];

fn features() -> Vec<String> {
    FEATURES.iter().map(|s| s.to_string()).collect()
}

#[test]
fn every_classifier_scores_the_training_file_exactly_as_the_app_did() {
    let ds = load_path(&sample("customers.csv")).expect("sample");
    let params = ClassifyParams {
        target: "churn".into(),
        features: features(),
        models: ModelKind::ALL.to_vec(),
        importance: false,
        ..ClassifyParams::default()
    };
    let result = classify(&ds.df, &params, &Reporter::silent()).expect("classify");
    let dir = tempfile::tempdir().expect("dir");
    for (i, m) in result.models.iter().enumerate() {
        let saved = SavedClassifier::from_result(&result, i).expect("model");
        let path = dir.path().join(format!("{}.mlmodel", m.kind.cli_name()));
        ModelFile::new("customers.csv", SavedModel::Classifier(saved))
            .save(&path, None)
            .expect("save");
        let loaded = ModelFile::load(&path).expect("load");
        let scored = loaded.model.score(&ds.df, "customers.csv").expect("score");
        assert_eq!(scored.column, "score");
        let ScoreValues::Numbers(scores) = scored.values else {
            panic!("numbers expected")
        };
        assert_eq!(scores.len(), m.all_scores.len());
        let same = scores
            .iter()
            .zip(&m.all_scores)
            .all(|(a, b)| a.to_bits() == b.to_bits());
        assert!(same, "{:?}: scores differ after the round trip", m.kind);
        assert!(scored.new_categories.is_empty());
    }
}

#[test]
fn saved_segments_put_every_row_back_in_its_segment() {
    let ds = load_path(&sample("customers.csv")).expect("sample");
    for algorithm in [Algorithm::KMeans, Algorithm::Gmm] {
        let params = SegmentParams {
            features: FEATURES[..6].iter().map(|s| s.to_string()).collect(),
            k: 4,
            algorithm,
            ..SegmentParams::default()
        };
        let result = segment(&ds.df, &params, None, &Reporter::silent()).expect("segment");
        let names: Vec<String> = ["Loyal", "New", "Lapsed", "Big spenders"]
            .map(String::from)
            .to_vec();
        let saved = SavedSegments::from_result(&result, algorithm, &names);
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("segments.mlmodel");
        ModelFile::new("customers.csv", SavedModel::Segments(saved))
            .save(&path, None)
            .expect("save");
        let SavedModel::Segments(loaded) = ModelFile::load(&path).expect("load").model else {
            panic!("segments expected")
        };
        let labels = loaded.labels(&ds.df, "customers.csv").expect("labels");
        let differ = labels
            .iter()
            .zip(&result.fit.labels)
            .filter(|(a, b)| a != b)
            .count();
        assert_eq!(differ, 0, "{algorithm:?}: {differ} rows changed segment");
        let named = loaded.assign(&ds.df, "customers.csv").expect("names");
        assert_eq!(named[0], names[result.fit.labels[0]]);
    }
}

#[test]
fn classify_and_segment_save_models_that_score_from_the_command_line() {
    let dir = tempfile::tempdir().expect("dir");
    let bytes = std::fs::read(sample("customers.csv")).expect("sample");
    let data = write(dir.path(), "customers.csv", &bytes);
    let data_s = data.to_str().expect("utf8");
    let model = dir.path().join("churn.mlmodel");
    let scores = dir.path().join("scores.csv");
    let (code, _, stderr) = run_marketlens(&[
        "classify",
        data_s,
        "--target",
        "churn",
        "--features",
        &FEATURES.join(","),
        "--model",
        "forest",
        "--test",
        data_s,
        "--scores",
        scores.to_str().expect("utf8"),
        "--save-model",
        model.to_str().expect("utf8"),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let scored = dir.path().join("scored.csv");
    let (code, stdout, stderr) = run_marketlens(&[
        "score",
        model.to_str().expect("utf8"),
        data_s,
        "--out",
        scored.to_str().expect("utf8"),
        "--json",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!(report["kind"], "classifier");
    assert_eq!(report["column"], "score");
    assert_eq!(report["rows"], 5000);
    // every row has a target, so `classify --scores` wrote the same rows: same file
    assert_eq!(
        std::fs::read_to_string(&scored).expect("scored"),
        std::fs::read_to_string(&scores).expect("scores")
    );

    // a new channel value and a missing column
    let text = String::from_utf8(bytes.clone()).expect("utf8");
    let renamed = text.replacen(",App,", ",TikTok,", 3);
    let new_values = write(dir.path(), "new_values.csv", renamed.as_bytes());
    let (code, stdout, stderr) = run_marketlens(&[
        "score",
        model.to_str().expect("utf8"),
        new_values.to_str().expect("utf8"),
        "--out",
        dir.path().join("new_scored.csv").to_str().expect("utf8"),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("channel = \u{201c}TikTok\u{201d}: 3"),
        "{stdout}"
    );
    let no_visits: String = text
        .lines()
        .map(|l| {
            let mut cells: Vec<&str> = l.split(',').collect();
            cells.remove(8);
            cells.join(",") + "\n"
        })
        .collect();
    let no_visits = write(dir.path(), "no_visits.csv", no_visits.as_bytes());
    let before = std::fs::read(&no_visits).expect("bytes");
    let (code, _, stderr) = run_marketlens(&[
        "score",
        model.to_str().expect("utf8"),
        no_visits.to_str().expect("utf8"),
        "--out",
        dir.path().join("never.csv").to_str().expect("utf8"),
    ]);
    assert_ne!(code, 0);
    assert!(
        stderr.contains("no_visits.csv") && stderr.contains("no column \u{201c}visits\u{201d}"),
        "{stderr}"
    );
    assert!(!dir.path().join("never.csv").exists());
    assert_eq!(std::fs::read(&no_visits).expect("bytes"), before);
    assert_eq!(
        std::fs::read(&data).expect("bytes"),
        bytes,
        "input untouched"
    );

    // segments: `segment --save-model` then `score` gives the `--out` file's segment column
    let seg_model = dir.path().join("segments.mlmodel");
    let assigned = dir.path().join("assigned.csv");
    let (code, _, stderr) = run_marketlens(&[
        "segment",
        data_s,
        "--features",
        "recency_days,frequency,monetary",
        "--k",
        "3",
        "--out",
        assigned.to_str().expect("utf8"),
        "--save-model",
        seg_model.to_str().expect("utf8"),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let seg_scored = dir.path().join("seg_scored.csv");
    let (code, _, stderr) = run_marketlens(&[
        "score",
        seg_model.to_str().expect("utf8"),
        data_s,
        "--out",
        seg_scored.to_str().expect("utf8"),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        std::fs::read_to_string(&seg_scored).expect("scored"),
        std::fs::read_to_string(&assigned).expect("assigned")
    );
}

#[test]
fn a_newer_or_damaged_model_file_is_refused_with_a_clear_message() {
    let dir = tempfile::tempdir().expect("dir");
    let newer = write(
        dir.path(),
        "newer.mlmodel",
        br#"{"format": "marketlens-model", "version": 99, "model": {}}"#,
    );
    let err = ModelFile::load(&newer).expect_err("newer");
    assert!(matches!(err, ModelFileError::Newer { found: 99, .. }));
    assert!(err.to_string().contains("newer MarketLens"), "{err}");
    let damaged = write(dir.path(), "damaged.mlmodel", b"{\"format\": \"marketl");
    let err = ModelFile::load(&damaged).expect_err("damaged");
    assert!(
        err.to_string().contains("damaged.mlmodel") && err.to_string().contains("damaged"),
        "{err}"
    );
}

#[test]
fn a_regression_s_reference_category_is_known_and_negative_values_in_a_logged_column_are_refused() {
    use marketlens::analysis::regress::{RegressParams, regress};
    use marketlens::model_file::SavedRegression;
    let ds = load_path(&sample("customers.csv")).expect("sample");
    // least squares leaves the first channel out of its transform (the reference)
    let params = RegressParams {
        target: "monetary".into(),
        features: vec!["frequency".into(), "channel".into()],
        ..RegressParams::default()
    };
    let result = regress(&ds.df, "customers.csv", &params, &Reporter::silent()).expect("fit");
    assert!(!result.references.is_empty(), "channel has a reference");
    let saved = SavedRegression::from_result(&result, 0).expect("model");
    let scored = SavedModel::Regression(saved)
        .score(&ds.df, "customers.csv")
        .expect("score");
    assert!(
        scored.new_categories.is_empty(),
        "the training file has no new values: {:?}",
        scored.new_categories
    );

    // segments on ln(1 + monetary): a refund (negative amount) cannot be scored
    let params = SegmentParams {
        features: vec!["frequency".into(), "monetary".into()],
        k: 3,
        prep: marketlens::data::prep::PrepOptions {
            standardize: true,
            log_columns: vec!["monetary".into()],
        },
        ..SegmentParams::default()
    };
    let result = segment(&ds.df, &params, None, &Reporter::silent()).expect("segment");
    let saved = SavedSegments::from_result(&result, Algorithm::KMeans, &result.names);
    let dir = tempfile::tempdir().expect("dir");
    let text = std::fs::read_to_string(sample("customers.csv")).expect("csv");
    let refund = text.replacen(",1768.92,", ",-20.5,", 1);
    let path = write(dir.path(), "refunds.csv", refund.as_bytes());
    let refunds = load_path(&path).expect("load");
    let err = saved
        .assign(&refunds.df, "refunds.csv")
        .expect_err("a negative amount");
    assert!(
        err.to_string().contains("refunds.csv")
            && err
                .to_string()
                .contains("\u{201c}monetary\u{201d} has 1 value below 0"),
        "{err}"
    );
}
