//! Real model files of every saved kind, trained by the crate on the bundled samples (small
//! slices of them, so the debug build trains them in a few seconds), for the tests that
//! damage them: tests/model_damage.rs and tests/fuzz_models.rs.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use marketlens::analysis::classify::{ClassifyParams, Evaluation, classify};
use marketlens::analysis::models::{ModelKind, ModelSettings};
use marketlens::analysis::regress::{CalendarPart, Penalty, RegModel, RegressParams, regress};
use marketlens::analysis::segment::{Algorithm, SegmentParams, segment};
use marketlens::data::load_path;
use marketlens::jobs::Reporter;
use marketlens::model_file::{
    ModelFile, SavedClassifier, SavedModel, SavedRegression, SavedSegments,
};
use polars::prelude::DataFrame;

pub fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("assets/samples")
        .join(name)
}

/// Features of customers.csv: six numbers and two text columns.
pub const CUSTOMER_FEATURES: [&str; 8] = [
    "age",
    "tenure_months",
    "recency_days",
    "frequency",
    "monetary",
    "visits",
    "city_tier",
    "channel",
];

/// A saved model: its name ("classifier-forest"), the JSON of its file and a small file it
/// scores without complaint.
pub struct Trained {
    pub name: String,
    pub json: String,
    pub data: DataFrame,
}

fn file_json(model: SavedModel) -> String {
    serde_json::to_string_pretty(&ModelFile::new("training.csv", model)).expect("serialize")
}

/// The first `rows` rows of a bundled sample.
pub fn sample_rows(name: &str, rows: usize) -> DataFrame {
    load_path(&sample(name))
        .expect("sample")
        .df
        .head(Some(rows))
}

/// Every classifier kind, trained on 300 customers (a 5-tree forest).
pub fn classifiers() -> Vec<Trained> {
    let df = sample_rows("customers.csv", 300);
    let params = ClassifyParams {
        target: "churn".into(),
        features: CUSTOMER_FEATURES.iter().map(|s| s.to_string()).collect(),
        models: ModelKind::ALL.to_vec(),
        importance: false,
        evaluation: Evaluation::KFold { folds: 2 },
        settings: ModelSettings {
            forest_trees: 5,
            tree_depth: 4,
            neighbours: 5,
            ..ModelSettings::default()
        },
        ..ClassifyParams::default()
    };
    let result = classify(&df, &params, &Reporter::silent()).expect("classify");
    let scored = df.head(Some(20));
    (0..result.models.len())
        .map(|i| {
            let saved = SavedClassifier::from_result(&result, i).expect("model");
            Trained {
                name: format!("classifier-{}", saved.model.cli_name()),
                json: file_json(SavedModel::Classifier(saved)),
                data: scored.clone(),
            }
        })
        .collect()
}

/// Linear regression with a month-of-year driver, lasso and k-NN on the monthly sample.
pub fn regressions() -> Vec<Trained> {
    let df = sample_rows("monthly_sales.csv", 96);
    let params = RegressParams {
        target: "sales".into(),
        features: ["price", "ad_spend", "promotion"]
            .map(String::from)
            .to_vec(),
        calendar: Some(("month".into(), CalendarPart::Month)),
        models: vec![RegModel::Ols, RegModel::Lasso, RegModel::Knn],
        penalty: Penalty::Fixed(20.0),
        ..RegressParams::default()
    };
    let result = regress(&df, "monthly_sales.csv", &params, &Reporter::silent()).expect("fit");
    let scored = df.head(Some(20));
    (0..result.models.len())
        .map(|i| {
            let saved = SavedRegression::from_result(&result, i).expect("model");
            Trained {
                name: format!("regression-{}", saved.model.cli_name()),
                json: file_json(SavedModel::Regression(saved)),
                data: scored.clone(),
            }
        })
        .collect()
}

/// K-Means, Gaussian mixture and Ward segments (k = 3) of 300 customers, on five numbers
/// and one text column.
pub fn segments() -> Vec<Trained> {
    let df = sample_rows("customers.csv", 300);
    let scored = df.head(Some(20));
    [Algorithm::KMeans, Algorithm::Gmm, Algorithm::Ward]
        .into_iter()
        .map(|algorithm| {
            let params = SegmentParams {
                features: [
                    "age",
                    "tenure_months",
                    "recency_days",
                    "monetary",
                    "visits",
                    "channel",
                ]
                .map(String::from)
                .to_vec(),
                k: 3,
                algorithm,
                n_init: 2,
                ..SegmentParams::default()
            };
            let result = segment(&df, &params, None, &Reporter::silent()).expect("segment");
            let names = ["Loyal", "New", "Lapsed"].map(String::from).to_vec();
            let saved = SavedSegments::from_result(&result, algorithm, &names);
            Trained {
                name: format!("segments-{algorithm:?}").to_lowercase(),
                json: file_json(SavedModel::Segments(saved)),
                data: scored.clone(),
            }
        })
        .collect()
}

/// Every kind above.
pub fn all() -> Vec<Trained> {
    let mut out = classifiers();
    out.extend(regressions());
    out.extend(segments());
    out
}
