//! Damaged model files that are still valid JSON are refused on load with a message that
//! names the file and the fault (issue 14, item 7), and the file is left as it was; a file
//! to score whose numbers are infinite or too large is refused naming the column and the
//! count of such values.
//!
//! Every case starts from a real model file trained by the crate (tests/trained) and applies
//! one damage to its JSON.

mod trained;

use std::sync::OnceLock;

use marketlens::data::load_path;
use marketlens::model_file::{ModelFile, ModelFileError, SavedModel, ScoreValues};
use polars::prelude::{Column, DataFrame, NamedFrom, Series};
use serde_json::{Value, json};
use trained::Trained;

fn models() -> &'static [Trained] {
    static MODELS: OnceLock<Vec<Trained>> = OnceLock::new();
    MODELS.get_or_init(trained::all)
}

fn model(name: &str) -> &'static Trained {
    models()
        .iter()
        .find(|m| m.name == name)
        .unwrap_or_else(|| panic!("no trained model {name}"))
}

fn at<'a>(v: &'a mut Value, pointer: &str) -> &'a mut Value {
    v.pointer_mut(pointer)
        .unwrap_or_else(|| panic!("{pointer} not in the model file"))
}

fn len(v: &mut Value, pointer: &str) -> usize {
    at(v, pointer).as_array().expect("an array").len()
}

fn array<'a>(v: &'a mut Value, pointer: &str) -> &'a mut Vec<Value> {
    at(v, pointer).as_array_mut().expect("an array")
}

/// Index of the last split (question) node of the tree at `nodes`, and the tree's length.
fn last_split(v: &mut Value, nodes: &str) -> (usize, usize) {
    let all = array(v, nodes);
    let i = all
        .iter()
        .rposition(|n| n.get("Split").is_some())
        .expect("a tree with a question");
    (i, all.len())
}

/// One damage: the trained model it starts from, what it does, and the change, which
/// returns the reason the refusal must give.
struct Damage {
    model: &'static str,
    what: &'static str,
    apply: fn(&mut Value) -> String,
}

fn damages() -> Vec<Damage> {
    vec![
        Damage {
            model: "classifier-logistic",
            what: "too few weights",
            apply: |v| {
                let d = len(v, "/model/fitted/model/coef");
                array(v, "/model/fitted/model/coef").pop();
                format!("the model has {} weights but its columns need {d}", d - 1)
            },
        },
        Damage {
            model: "regression-ols",
            what: "too many weights",
            apply: |v| {
                let d = len(v, "/model/fit/coefficients");
                array(v, "/model/fit/coefficients").push(json!(0.5));
                format!("the model has {} weights but its columns need {d}", d + 1)
            },
        },
        Damage {
            model: "regression-knn",
            what: "neighbour values of the wrong width",
            apply: |v| {
                let d = at(v, "/model/fit/columns").as_u64().expect("columns");
                *at(v, "/model/fit/columns") = json!(d - 1);
                format!(
                    "the model has {} columns of neighbour values but its columns need {d}",
                    d - 1
                )
            },
        },
        Damage {
            model: "segments-kmeans",
            what: "an empty column list",
            apply: |v| {
                array(v, "/model/transform/columns").clear();
                "it lists no columns to read".to_owned()
            },
        },
        Damage {
            model: "classifier-tree",
            what: "an empty category list",
            apply: |v| {
                for c in array(v, "/model/transform/columns") {
                    if let Some(cats) = c.pointer_mut("/Categorical/categories") {
                        *cats = json!([]);
                    }
                }
                "the text column \u{201c}city_tier\u{201d} has an empty list of values".to_owned()
            },
        },
        Damage {
            model: "classifier-tree",
            what: "a tree with a loop",
            apply: |v| {
                let nodes = "/model/fitted/model/nodes";
                let (i, _) = last_split(v, nodes);
                *at(v, &format!("{nodes}/{i}/Split/left")) = json!(0);
                format!(
                    "in the decision tree, step {} leads back to step 1 (a loop)",
                    i + 1
                )
            },
        },
        Damage {
            model: "classifier-forest",
            what: "a tree with a child out of range",
            apply: |v| {
                let nodes = "/model/fitted/model/trees/1/nodes";
                let (i, n) = last_split(v, nodes);
                *at(v, &format!("{nodes}/{i}/Split/left")) = json!(n);
                format!(
                    "in tree 2 of the random forest, step {} leads to steps {} and {}, but \
                     the tree has {n} steps",
                    i + 1,
                    n + 1,
                    n + 2
                )
            },
        },
        Damage {
            model: "classifier-tree",
            what: "a question about a column that does not exist",
            apply: |v| {
                let d = at(v, "/model/fitted/model/n_features")
                    .as_u64()
                    .expect("n_features");
                let nodes = "/model/fitted/model/nodes";
                let (i, _) = last_split(v, nodes);
                *at(v, &format!("{nodes}/{i}/Split/feature")) = json!(d);
                format!(
                    "in the decision tree, step {} asks about column {} of {d}",
                    i + 1,
                    d + 1
                )
            },
        },
        Damage {
            model: "classifier-forest",
            what: "a forest without trees",
            apply: |v| {
                array(v, "/model/fitted/model/trees").clear();
                "the random forest has no trees".to_owned()
            },
        },
        Damage {
            model: "regression-knn",
            what: "k: 0",
            apply: |v| {
                let rows = len(v, "/model/fit/y");
                *at(v, "/model/fit/k") = json!(0);
                format!(
                    "the nearest-neighbours model asks for 0 neighbours; it must be between 1 \
                     and the {rows} customers it keeps"
                )
            },
        },
        Damage {
            model: "classifier-knn",
            what: "more neighbours than customers kept",
            apply: |v| {
                let rows = len(v, "/model/fitted/model/y");
                *at(v, "/model/fitted/model/k") = json!(rows + 1);
                format!(
                    "the nearest-neighbours model asks for {} neighbours; it must be between 1 \
                     and the {rows} customers it keeps",
                    rows + 1
                )
            },
        },
        Damage {
            model: "regression-knn",
            what: "a customer's values cut short",
            apply: |v| {
                let rows = len(v, "/model/fit/y");
                let values = len(v, "/model/fit/x");
                array(v, "/model/fit/x").pop();
                format!(
                    "the {rows} saved customers should have {values} values but have {}",
                    values - 1
                )
            },
        },
        Damage {
            model: "classifier-logistic",
            what: "std: 0",
            apply: |v| {
                *at(v, "/model/transform/columns/0/Numeric/std") = json!(0);
                "the spread saved for \u{201c}age\u{201d} is 0; it must be a number above 0"
                    .to_owned()
            },
        },
        Damage {
            model: "segments-ward",
            what: "std: -2",
            apply: |v| {
                *at(v, "/model/transform/columns/4/Numeric/std") = json!(-2);
                "the spread saved for \u{201c}visits\u{201d} is -2; it must be a number above 0"
                    .to_owned()
            },
        },
        Damage {
            model: "classifier-logistic",
            what: "a weight too large to compute with",
            apply: |v| {
                *at(v, "/model/fitted/model/coef/2") = json!(1e300);
                "a weight holds 1e300, which is not an ordinary number".to_owned()
            },
        },
        Damage {
            model: "classifier-naive_bayes",
            what: "a variance of 0",
            apply: |v| {
                *at(v, "/model/fitted/model/vars/1/3") = json!(0.0);
                "a spread is 0; it must be a number above 0".to_owned()
            },
        },
        Damage {
            model: "classifier-naive_bayes",
            what: "outcome shares that do not add up",
            apply: |v| {
                *at(v, "/model/fitted/model/log_prior/0") = json!(-0.01);
                "the shares of the two outcomes do not add up to 100 %".to_owned()
            },
        },
        Damage {
            model: "classifier-svm",
            what: "no Platt scaling",
            apply: |v| {
                *at(v, "/model/fitted/model/model/probability_coeffs") = Value::Null;
                "the support vector machine has no conversion of its scores to probabilities"
                    .to_owned()
            },
        },
        Damage {
            model: "classifier-svm",
            what: "a kernel width of 0",
            apply: |v| {
                *at(v, "/model/fitted/model/model/kernel_method/Gaussian") = json!(0.0);
                "the support vector machine's kernel width is 0; it must be above 0".to_owned()
            },
        },
        Damage {
            model: "classifier-logistic",
            what: "a model kind that does not match the model",
            apply: |v| {
                *at(v, "/model/model") = json!("Tree");
                "it says its model is \u{201c}Decision tree\u{201d} but it holds \
                 \u{201c}Logistic regression\u{201d}"
                    .to_owned()
            },
        },
        Damage {
            model: "segments-gmm",
            what: "fewer names than segments",
            apply: |v| {
                array(v, "/model/names").pop();
                "it has 3 segments but 2 segment names".to_owned()
            },
        },
        Damage {
            model: "segments-ward",
            what: "a centre of the wrong length",
            apply: |v| {
                let d = len(v, "/model/centres/1");
                array(v, "/model/centres/1").pop();
                format!(
                    "the centre of segment 2 has {} values but its columns need {d}",
                    d - 1
                )
            },
        },
        Damage {
            model: "segments-gmm",
            what: "a covariance that is not positive definite",
            apply: |v| {
                *at(v, "/model/mixture/covariances/0/0") = json!(-1.0);
                "the spread of segment 1 is not a possible one (its covariance is not \
                 positive definite)"
                    .to_owned()
            },
        },
        Damage {
            model: "segments-gmm",
            what: "a segment share of 0",
            apply: |v| {
                *at(v, "/model/mixture/weights/1") = json!(0);
                "the share of segment 2 is 0; it must be above 0 and at most 1".to_owned()
            },
        },
        Damage {
            model: "regression-lasso",
            what: "version: 0",
            apply: |v| {
                *at(v, "/version") = json!(0);
                "its format version is missing or 0 (model files start at version 1)".to_owned()
            },
        },
        Damage {
            model: "segments-kmeans",
            what: "no version",
            apply: |v| {
                v.as_object_mut().expect("an object").remove("version");
                "its format version is missing or 0 (model files start at version 1)".to_owned()
            },
        },
    ]
}

#[test]
fn every_trained_model_file_loads_and_scores_its_sample() {
    let dir = tempfile::tempdir().expect("dir");
    assert_eq!(
        models().len(),
        12,
        "six classifiers, three regressions, three segments"
    );
    for m in models() {
        let path = dir.path().join(format!("{}.mlmodel", m.name));
        std::fs::write(&path, &m.json).expect("write");
        let file = ModelFile::load(&path).unwrap_or_else(|e| panic!("{}: {e}", m.name));
        let scored = file
            .model
            .score(&m.data, "new.csv")
            .unwrap_or_else(|e| panic!("{}: {e}", m.name));
        assert_eq!(scored.new_categories, Vec::new(), "{}", m.name);
    }
}

#[test]
fn each_damage_is_refused_naming_the_file_and_the_fault_and_the_file_stays_as_it_was() {
    let dir = tempfile::tempdir().expect("dir");
    let mut seen = Vec::new();
    for damage in damages() {
        let mut value: Value = serde_json::from_str(&model(damage.model).json).expect("JSON");
        let reason = (damage.apply)(&mut value);
        let path = dir.path().join("churn.mlmodel");
        let bytes = serde_json::to_vec_pretty(&value).expect("serialize");
        std::fs::write(&path, &bytes).expect("write");
        let err = ModelFile::load(&path).expect_err(damage.what);
        assert_eq!(
            err,
            ModelFileError::Damaged {
                file: "churn.mlmodel".into(),
                reason: reason.clone(),
            },
            "{} ({})",
            damage.what,
            damage.model
        );
        assert_eq!(
            err.to_string(),
            format!(
                "\u{201c}churn.mlmodel\u{201d} is damaged: {reason}. Save the model again \
                 from MarketLens."
            )
        );
        assert_eq!(
            std::fs::read(&path).expect("read back"),
            bytes,
            "{}: the file changed",
            damage.what
        );
        seen.push(damage.model);
    }
    // every saved kind was damaged at least once
    for m in models() {
        assert!(
            seen.contains(&m.name.as_str()),
            "{} was not damaged",
            m.name
        );
    }
}

/// The 20 scored customers with `visits` replaced by `values`.
fn with_visits(values: &[f64]) -> DataFrame {
    let mut df = model("classifier-logistic").data.clone();
    let mut visits: Vec<f64> = vec![3.0; df.height()];
    visits[..values.len()].copy_from_slice(values);
    df.with_column(Column::from(Series::new("visits".into(), visits)))
        .expect("replace visits");
    df
}

fn load_model(name: &str) -> SavedModel {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("model.mlmodel");
    std::fs::write(&path, &model(name).json).expect("write");
    ModelFile::load(&path).expect("a valid model").model
}

#[test]
fn numbers_too_large_to_score_are_refused_naming_the_column_and_the_count() {
    let logistic = load_model("classifier-logistic");
    let df = with_visits(&[f64::INFINITY, 1e200, -2e151, f64::NEG_INFINITY]);
    let err = logistic.score(&df, "new.csv").expect_err("refused");
    assert_eq!(
        err.to_string(),
        "The model cannot be applied to new.csv: \u{201c}visits\u{201d} has 4 values that are \
         not ordinary numbers (infinite or too large, above 1e150 in size); fix or remove \
         those rows"
    );
    let one = with_visits(&[7.0, 1e151]);
    let err = logistic.score(&one, "new.csv").expect_err("refused");
    assert!(
        err.to_string()
            .contains("\u{201c}visits\u{201d} has 1 value that is not an ordinary number"),
        "{err}"
    );
    // up to 1e150 in size is scored, and so are missing values (NaN)
    let edge = with_visits(&[1e150, -1e150, f64::NAN]);
    for name in [
        "classifier-logistic",
        "classifier-knn",
        "classifier-svm",
        "segments-gmm",
    ] {
        let scored = load_model(name)
            .score(&edge, "new.csv")
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        match scored.values {
            ScoreValues::Numbers(v) => {
                assert_eq!(v.len(), 20, "{name}");
                assert!(v.iter().all(|p| (0.0..=1.0).contains(p)), "{name}: {v:?}");
            }
            ScoreValues::Labels(v) => {
                assert_eq!(v.len(), 20, "{name}");
                assert!(
                    v.iter()
                        .all(|l| ["Loyal", "New", "Lapsed"].contains(&l.as_str()))
                );
            }
        }
    }
}

#[test]
fn a_csv_with_huge_numbers_is_refused_and_left_as_it_was() {
    let dir = tempfile::tempdir().expect("dir");
    let mut text = String::from("month,sales,price,ad_spend,promotion\n");
    text.push_str("2024-01-01,100,24.5,1e200,no\n");
    text.push_str("2024-02-01,100,24.5,5e160,yes\n");
    text.push_str("2024-03-01,100,24.5,12000,no\n");
    let path = dir.path().join("next.csv");
    std::fs::write(&path, &text).expect("write");
    let df = load_path(&path).expect("loads").df;
    let err = load_model("regression-ols")
        .score(&df, "next.csv")
        .expect_err("refused");
    assert_eq!(
        err.to_string(),
        "The model cannot be applied to next.csv: \u{201c}ad_spend\u{201d} has 2 values that \
         are not ordinary numbers (infinite or too large, above 1e150 in size); fix or remove \
         those rows"
    );
    assert_eq!(std::fs::read_to_string(&path).expect("read back"), text);
}
