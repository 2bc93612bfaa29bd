//! `marketlens classify`: train a churn/response model and report how well it ranks.

use std::fmt::Write as _;
use std::path::PathBuf;

use clap::Args;
use serde::Serialize;

use super::thousands;
use crate::analysis::classify::{ClassifyParams, Imbalance, ModelResult, classify};
use crate::analysis::drivers::{Coefficient, Driver};
use crate::analysis::models::{ModelKind, ModelSettings};
use crate::data::load_path;
use crate::metrics::classification::GainsRow;

#[derive(Args, Debug)]
pub struct ClassifyArgs {
    /// The CSV file to train on.
    pub file: PathBuf,
    /// The yes/no column to predict (churn, responded…).
    #[arg(long)]
    pub target: String,
    /// The value of the target that counts as positive (detected for yes/no, true/false, 1/0).
    #[arg(long)]
    pub positive: Option<String>,
    /// Feature columns, comma-separated.
    #[arg(long, value_delimiter = ',', required = true)]
    pub features: Vec<String>,
    /// logistic, tree, forest, naive_bayes, svm or knn; several, comma-separated, to compare
    /// (the first one is reported at the top level).
    #[arg(long, value_delimiter = ',', default_value = "logistic")]
    pub model: Vec<String>,
    /// Evaluate on this file instead of a held-out part (trained on all of FILE).
    #[arg(long, conflicts_with_all = ["test_fraction", "folds"])]
    pub test: Option<PathBuf>,
    /// Share of rows held out for testing (stratified, seeded).
    #[arg(long, default_value_t = 0.3)]
    pub test_fraction: f64,
    /// k-fold cross-validation instead of one held-out part.
    #[arg(long)]
    pub folds: Option<usize>,
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Inverse regularisation strength of logistic regression and the SVM.
    #[arg(long, default_value_t = 1.0)]
    pub c: f64,
    /// For a rare outcome: "weights" (class weights) or "oversample" (training rows only).
    #[arg(long)]
    pub imbalance: Option<String>,
    /// Cut-off on the probability for precision, recall, F1 and accuracy.
    #[arg(long, default_value_t = 0.5)]
    pub threshold: f64,
    /// Write the evaluated rows (all their columns) plus a `score` column to this new CSV.
    #[arg(long)]
    pub scores: Option<PathBuf>,
    /// Save the first model (with its preparation of the columns) for `marketlens score`.
    #[arg(long)]
    pub save_model: Option<PathBuf>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct ModelReport<'a> {
    model: &'static str,
    auc: f64,
    accuracy: f64,
    precision: f64,
    recall: f64,
    f1: f64,
    specificity: f64,
    log_loss: f64,
    average_precision: f64,
    threshold: f64,
    confusion: crate::metrics::classification::Confusion,
    train_seconds: f64,
    /// ROC curve and AUC on the evaluation rows.
    roc_seconds: f64,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fold_aucs: Vec<f64>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    coefficients: &'a [Coefficient],
    drivers: &'a [Driver],
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'a str>,
}

#[derive(Serialize)]
struct ClassifyReport<'a> {
    file: String,
    target: &'a str,
    positive: &'a str,
    evaluation: &'a str,
    train_rows: usize,
    test_rows: usize,
    test_positives: usize,
    seed: u64,
    #[serde(flatten)]
    first: ModelReport<'a>,
    /// Exact ROC vertices (collinear points dropped, which leaves the curve unchanged).
    roc: Vec<[f64; 2]>,
    gains: &'a [GainsRow],
    models: Vec<ModelReport<'a>>,
    notes: &'a [String],
}

fn model_report<'a>(m: &'a ModelResult, threshold: f64, y: &[bool]) -> ModelReport<'a> {
    let c = crate::metrics::classification::Confusion::at(y, &m.scores, threshold);
    ModelReport {
        model: m.kind.cli_name(),
        auc: m.auc,
        accuracy: c.accuracy(),
        precision: c.precision(),
        recall: c.recall(),
        f1: c.f1(),
        specificity: c.specificity(),
        log_loss: m.log_loss,
        average_precision: m.average_precision,
        threshold,
        confusion: c,
        train_seconds: m.train_seconds,
        roc_seconds: m.roc_seconds,
        fold_aucs: m.fold_aucs.clone(),
        coefficients: &m.coefficients,
        drivers: &m.drivers,
        note: m.note.as_deref(),
    }
}

/// `marketlens classify`: the text to print, or the error message.
pub fn run(args: &ClassifyArgs) -> Result<String, String> {
    let mut models = Vec::new();
    for name in &args.model {
        models.push(ModelKind::parse(name).ok_or_else(|| {
            format!(
                "the model \u{201c}{name}\u{201d} is not available; use logistic, tree, forest, \
                 naive_bayes, svm or knn"
            )
        })?);
    }
    let imbalance = match args.imbalance.as_deref() {
        None | Some("none") => Imbalance::None,
        Some("weights") => Imbalance::ClassWeights,
        Some("oversample") => Imbalance::Oversample,
        Some(other) => {
            return Err(format!(
                "--imbalance \u{201c}{other}\u{201d}: use weights or oversample"
            ));
        }
    };
    if !(args.c.is_finite() && args.c > 0.0) {
        return Err("--c must be a positive number (smaller means a simpler model)".to_owned());
    }
    if !(0.0..=1.0).contains(&args.threshold) {
        return Err("--threshold is a probability between 0 and 1".to_owned());
    }
    let ds = load_path(&args.file).map_err(|e| e.to_string())?;
    let test = match &args.test {
        Some(p) => Some(load_path(p).map_err(|e| e.to_string())?),
        None => None,
    };
    let evaluation = super::evaluation(test.as_ref(), args.folds, args.test_fraction)?;
    let params = ClassifyParams {
        target: args.target.trim().to_owned(),
        positive: args.positive.clone(),
        features: args.features.iter().map(|f| f.trim().to_owned()).collect(),
        models,
        evaluation,
        seed: args.seed,
        settings: ModelSettings {
            c: args.c,
            ..ModelSettings::default()
        },
        imbalance,
        ..ClassifyParams::default()
    };
    let result = classify(&ds.df, &params, &crate::jobs::Reporter::silent())
        .map_err(|e| format!("{}: {e}", ds.file_name))?;
    if let Some(path) = &args.scores {
        let source = test.as_ref().map_or(&ds.df, |t| &t.df);
        let scores = result
            .models
            .first()
            .map(|m| m.scores.clone())
            .unwrap_or_default();
        let inputs: Vec<&std::path::Path> = std::iter::once(args.file.as_path())
            .chain(args.test.as_deref())
            .collect();
        super::write_with_column(
            source,
            Some(&result.eval_rows),
            "score",
            crate::model_file::ScoreValues::Numbers(scores),
            path,
            &inputs,
            "scores",
        )?;
    }
    let Some(first) = result.models.first() else {
        return Err("no model was trained".to_owned());
    };
    if let Some(path) = &args.save_model {
        super::refuse_inputs(path, args.test.as_deref(), "model")?;
        let saved = crate::model_file::SavedClassifier::from_result(&result, 0)
            .ok_or("no model was trained")?;
        crate::model_file::ModelFile::new(
            &ds.file_name,
            crate::model_file::SavedModel::Classifier(saved),
        )
        .save(path, Some(&args.file))
        .map_err(|e| e.to_string())?;
    }
    let y = &result.eval_y;
    let report = ClassifyReport {
        file: ds.file_name.clone(),
        target: &result.target.column,
        positive: &result.target.positive,
        evaluation: &result.evaluation,
        train_rows: result.train_rows,
        test_rows: y.len(),
        test_positives: y.iter().filter(|v| **v).count(),
        seed: args.seed,
        first: model_report(first, args.threshold, y),
        roc: first.roc.thinned(usize::MAX),
        gains: &first.gains,
        models: result
            .models
            .iter()
            .map(|m| model_report(m, args.threshold, y))
            .collect(),
        notes: &result.notes,
    };
    if args.json {
        return serde_json::to_string(&report).map_err(|e| e.to_string());
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}: predicting {} = {} from {} ({} training rows; measured {}: {} rows, {} positive)",
        report.file,
        report.target,
        report.positive,
        params.features.join(", "),
        thousands(report.train_rows),
        report.evaluation,
        thousands(report.test_rows),
        thousands(report.test_positives),
    );
    for m in &report.models {
        let _ = writeln!(
            out,
            "{:<12} AUC {:.4}  accuracy {:.3}  precision {:.3}  recall {:.3}  F1 {:.3}  \
             log loss {:.4}  (threshold {}, trained in {:.2} s)",
            m.model,
            m.auc,
            m.accuracy,
            m.precision,
            m.recall,
            m.f1,
            m.log_loss,
            m.threshold,
            m.train_seconds
        );
    }
    if let Some(top) = first.gains.first() {
        let _ = writeln!(
            out,
            "The top {:.0} % by score hold {:.0} % of all positives: {:.1}\u{d7} random.",
            100.0 * top.customers as f64 / y.len().max(1) as f64,
            100.0 * top.cum_share,
            top.lift
        );
    }
    for d in first.drivers.iter().take(5) {
        let _ = writeln!(
            out,
            "driver: {} (AUC drops {:.3} when shuffled)",
            d.feature, d.auc_drop
        );
    }
    for n in &result.notes {
        let _ = writeln!(out, "note: {n}");
    }
    Ok(out.trim_end().to_owned())
}
