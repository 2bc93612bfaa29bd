//! `marketlens regress`: what drives a number, how well it can be predicted.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use clap::Args;
use serde::Serialize;

use super::thousands;
use crate::analysis::regress::{
    CalendarPart, Penalty, RegModel, RegModelResult, RegressParams, RegressResult, regress,
};
use crate::analysis::regress_explain::plain;
use crate::data::load_path;

#[derive(Args, Debug)]
pub struct RegressArgs {
    /// The CSV file to train on.
    pub file: PathBuf,
    /// The number column to explain and predict (sales, next purchase amount…).
    #[arg(long)]
    pub target: String,
    /// Driver columns, comma-separated (numbers and text; text is compared against its
    /// first category).
    #[arg(long, value_delimiter = ',', required = true)]
    pub features: Vec<String>,
    /// ols, ridge, lasso, elastic_net or knn; several, comma-separated, to compare (the first
    /// one is reported at the top level).
    #[arg(long, value_delimiter = ',', default_value = "ols")]
    pub model: Vec<String>,
    /// Penalty of ridge, lasso and elastic net, in scikit-learn's units (Ridge's alpha, or
    /// Lasso's and ElasticNet's). Without it the penalty is chosen by 5-fold
    /// cross-validation on the training rows.
    #[arg(long)]
    pub alpha: Option<f64>,
    /// Elastic net's share of lasso penalty, 0.01 to 0.99 (use ridge or lasso for the ends).
    #[arg(long, default_value_t = 0.5)]
    pub l1_ratio: f64,
    /// Neighbours averaged by knn.
    #[arg(long, default_value_t = 5)]
    pub k: usize,
    /// Add the calendar month of this date column as a driver (seasonality).
    #[arg(long, conflicts_with = "quarter_of")]
    pub month_of: Option<String>,
    /// Add the quarter of this date column as a driver.
    #[arg(long)]
    pub quarter_of: Option<String>,
    /// Evaluate on this file instead of a held-out part (trained on all of FILE).
    #[arg(long, conflicts_with_all = ["test_fraction", "folds"])]
    pub test: Option<PathBuf>,
    /// Share of rows held out for testing (random, seeded).
    #[arg(long, default_value_t = 0.3)]
    pub test_fraction: f64,
    /// k-fold cross-validation instead of one held-out part.
    #[arg(long)]
    pub folds: Option<usize>,
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Write the evaluated rows (all their columns) plus a `prediction` column to this new
    /// CSV.
    #[arg(long)]
    pub predictions: Option<PathBuf>,
    /// Save the first model with its preparation (medians, scaling, categories) to this new
    /// file, to apply it to other data later.
    #[arg(long)]
    pub save_model: Option<PathBuf>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct Effect<'a> {
    value: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    std_error: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    t_value: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    p_value: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    lower: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    upper: Option<f64>,
    sentence: &'a str,
}

#[derive(Serialize)]
struct OlsReport {
    r2: f64,
    adj_r2: f64,
    residual_std_error: f64,
    df_resid: usize,
    intercept_std_error: f64,
    intercept_p_value: f64,
}

#[derive(Serialize)]
struct ModelReport<'a> {
    model: &'static str,
    rmse: f64,
    mae: f64,
    /// In percent; absent when an actual value is zero.
    mape: Option<f64>,
    r2: f64,
    /// Per one unit of each driver (per "yes" for a category), in the target's units.
    coefficients: BTreeMap<&'a str, f64>,
    intercept: Option<f64>,
    effects: BTreeMap<&'a str, Effect<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ols: Option<OlsReport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    alpha: Option<f64>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    penalty_curve: &'a [[f64; 2]],
    /// A new prediction's 95 % range is [prediction + low, prediction + high].
    error_range: [f64; 2],
    fit_seconds: f64,
}

#[derive(Serialize)]
struct RegressReport<'a> {
    file: String,
    target: &'a str,
    evaluation: &'a str,
    train_rows: usize,
    test_rows: usize,
    seed: u64,
    #[serde(flatten)]
    first: ModelReport<'a>,
    /// (feature, reference category): each category's effect is measured against it.
    references: &'a [(String, String)],
    models: Vec<ModelReport<'a>>,
    notes: &'a [String],
}

fn model_report(m: &RegModelResult) -> ModelReport<'_> {
    ModelReport {
        model: m.kind.cli_name(),
        rmse: m.errors.rmse,
        mae: m.errors.mae,
        mape: m.errors.mape,
        r2: m.errors.r2,
        coefficients: m
            .coefficients
            .iter()
            .map(|c| (c.name.as_str(), c.value))
            .collect(),
        intercept: m.intercept,
        effects: m
            .coefficients
            .iter()
            .map(|c| {
                (
                    c.name.as_str(),
                    Effect {
                        value: c.value,
                        std_error: c.std_error,
                        t_value: c.t_value,
                        p_value: c.p_value,
                        lower: c.lower,
                        upper: c.upper,
                        sentence: &c.sentence,
                    },
                )
            })
            .collect(),
        ols: m.ols.as_ref().map(|o| OlsReport {
            r2: o.r2,
            adj_r2: o.adj_r2,
            residual_std_error: o.residual_std_error,
            df_resid: o.df_resid,
            intercept_std_error: o.intercept_std_error,
            intercept_p_value: o.intercept_p_value,
        }),
        alpha: m.alpha,
        penalty_curve: &m.penalty_curve,
        error_range: [m.residual_range.0, m.residual_range.1],
        fit_seconds: m.fit_seconds,
    }
}

fn parse_params(args: &RegressArgs) -> Result<(Vec<RegModel>, Penalty), String> {
    let mut models = Vec::new();
    for name in &args.model {
        let m = RegModel::parse(name).ok_or_else(|| {
            format!(
                "the model \u{201c}{name}\u{201d} is not available; use ols, ridge, lasso, \
                 elastic_net or knn"
            )
        })?;
        if !models.contains(&m) {
            models.push(m);
        }
    }
    let penalty = match args.alpha {
        Some(a) if a.is_finite() && a >= 0.0 => Penalty::Fixed(a),
        Some(_) => return Err("--alpha must be zero or a positive number".to_owned()),
        None => Penalty::CrossValidate,
    };
    if !(0.01..=0.99).contains(&args.l1_ratio) {
        return Err(
            "--l1-ratio must be between 0.01 and 0.99 (for 0 use --model ridge, for 1 lasso)"
                .to_owned(),
        );
    }
    if args.k == 0 {
        return Err("--k must be at least 1".to_owned());
    }
    Ok((models, penalty))
}

/// `marketlens regress`: the text to print, or the error message.
pub fn run(args: &RegressArgs) -> Result<String, String> {
    let (models, penalty) = parse_params(args)?;
    let ds = load_path(&args.file).map_err(|e| e.to_string())?;
    let test = match &args.test {
        Some(p) => Some(load_path(p).map_err(|e| e.to_string())?),
        None => None,
    };
    let evaluation = super::evaluation(test.as_ref(), args.folds, args.test_fraction)?;
    let calendar = match (&args.month_of, &args.quarter_of) {
        (Some(c), _) => Some((c.trim().to_owned(), CalendarPart::Month)),
        (None, Some(c)) => Some((c.trim().to_owned(), CalendarPart::Quarter)),
        (None, None) => None,
    };
    let params = RegressParams {
        target: args.target.trim().to_owned(),
        features: args.features.iter().map(|f| f.trim().to_owned()).collect(),
        calendar,
        models,
        evaluation,
        seed: args.seed,
        penalty,
        l1_ratio: args.l1_ratio,
        k: args.k,
        ..RegressParams::default()
    };
    let result = regress(
        &ds.df,
        &ds.file_name,
        &params,
        &crate::jobs::Reporter::silent(),
    )
    .map_err(|e| e.to_string())?;
    if let Some(path) = &args.predictions {
        let source = test.as_ref().map_or(&ds.df, |t| &t.df);
        let predictions = result
            .models
            .first()
            .map(|m| m.predictions.clone())
            .unwrap_or_default();
        let inputs: Vec<&std::path::Path> = std::iter::once(args.file.as_path())
            .chain(args.test.as_deref())
            .collect();
        super::write_with_column(
            source,
            Some(&result.eval_rows),
            "prediction",
            crate::model_file::ScoreValues::Numbers(predictions),
            path,
            &inputs,
            "predictions",
        )?;
    }
    let Some(first) = result.models.first() else {
        return Err("no model was fitted".to_owned());
    };
    if let Some(path) = &args.save_model {
        super::refuse_inputs(path, args.test.as_deref(), "model")?;
        let saved = crate::model_file::SavedRegression::from_result(&result, 0)
            .ok_or("no model was fitted")?;
        crate::model_file::ModelFile::new(
            &ds.file_name,
            crate::model_file::SavedModel::Regression(saved),
        )
        .save(path, Some(&args.file))
        .map_err(|e| e.to_string())?;
    }
    let report = RegressReport {
        file: ds.file_name.clone(),
        target: &result.target,
        evaluation: &result.evaluation,
        train_rows: result.train_rows,
        test_rows: result.eval_actual.len(),
        seed: args.seed,
        first: model_report(first),
        references: &result.references,
        models: result.models.iter().map(model_report).collect(),
        notes: &result.notes,
    };
    if args.json {
        return serde_json::to_string(&report).map_err(|e| e.to_string());
    }
    Ok(text(&report, &result, first))
}

fn text(report: &RegressReport, result: &RegressResult, first: &RegModelResult) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}: explaining {} ({} training rows; measured {}: {} rows)",
        report.file,
        report.target,
        thousands(report.train_rows),
        report.evaluation,
        thousands(report.test_rows),
    );
    for m in &report.models {
        let _ = writeln!(
            out,
            "{:<12} RMSE {}  MAE {}  MAPE {}  R\u{b2} {:.3}{}",
            m.model,
            plain(m.rmse),
            plain(m.mae),
            m.mape.map_or("-".to_owned(), |v| format!("{v:.1} %")),
            m.r2,
            m.alpha
                .map_or(String::new(), |a| format!("  (penalty {})", plain(a))),
        );
    }
    if let Some(o) = &first.ols {
        let _ = writeln!(
            out,
            "{} on the training rows: R\u{b2} {:.3}, adjusted R\u{b2} {:.3}",
            first.kind.label(),
            o.r2,
            o.adj_r2
        );
    }
    let mut effects: Vec<_> = first.coefficients.iter().collect();
    effects.sort_by(|a, b| {
        a.p_value
            .unwrap_or(0.0)
            .total_cmp(&b.p_value.unwrap_or(0.0))
    });
    for c in effects {
        let _ = writeln!(out, "- {}", c.sentence);
    }
    for n in &result.notes {
        let _ = writeln!(out, "note: {n}");
    }
    out.trim_end().to_owned()
}
