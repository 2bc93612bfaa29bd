//! Churn and response prediction: the settings, progress events and result of training one
//! or more classifiers on a yes/no target, evaluated on a held-out part, by k-fold cross-
//! validation or on a separate test file. Preprocessing is always fitted on the training
//! rows only and then applied to the rows it is evaluated on.

use std::collections::HashMap;

use polars::prelude::*;

pub use super::classify_fit::ranked_rows;
use super::classify_fit::{Run, one_class_target, oversample, plan_training, take_rows};
use super::drivers::{Coefficient, Driver, ImportanceInput};
use super::models::{Fitted, ModelKind, ModelSettings};
use super::target::{Target, TargetError, read_target};
use crate::data::prep::{PrepError, PrepOptions, Transform};
use crate::jobs::{JobProgress, Reporter};
use crate::metrics::classification::{Confusion, GainsRow, PrCurve, RocCurve};

static NEXT_RUN: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// Points of a live ROC curve sent while training.
pub const LIVE_ROC_POINTS: usize = 400;

/// How the models are judged.
#[derive(Clone, Debug)]
pub enum Evaluation {
    /// Hold out a stratified random share of the rows.
    Split { test_share: f64 },
    /// k-fold cross-validation: every row is scored by a model that did not see it.
    KFold { folds: usize },
    /// Train on the whole file, evaluate on another one.
    TestFile { df: DataFrame, name: String },
}

/// What to do when one outcome is rare.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Imbalance {
    #[default]
    None,
    /// Weight each class by n / (2 · its count).
    ClassWeights,
    /// Repeat randomly chosen rows of the rarer class until both are equally common
    /// (training rows only).
    Oversample,
}

#[derive(Clone, Debug)]
pub struct ClassifyParams {
    pub target: String,
    /// The value that counts as positive; detected when `None`.
    pub positive: Option<String>,
    pub features: Vec<String>,
    pub models: Vec<ModelKind>,
    pub evaluation: Evaluation,
    pub seed: u64,
    pub settings: ModelSettings,
    pub imbalance: Imbalance,
    pub prep: PrepOptions,
    /// Measure permutation importance while training (the CLI). The window leaves it off and
    /// measures it on a job of its own after showing the results
    /// ([`crate::analysis::drivers::measure_drivers`] with each model's `importance`).
    pub importance: bool,
}

impl Default for ClassifyParams {
    fn default() -> Self {
        Self {
            target: String::new(),
            positive: None,
            features: Vec::new(),
            models: vec![ModelKind::Logistic],
            evaluation: Evaluation::Split { test_share: 0.3 },
            seed: 42,
            settings: ModelSettings::default(),
            imbalance: Imbalance::None,
            prep: PrepOptions {
                standardize: true,
                log_columns: Vec::new(),
            },
            importance: true,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ClassifyError {
    #[error("{0}")]
    Target(#[from] TargetError),
    #[error("{0}")]
    Prep(PrepError),
    #[error("{0}")]
    Problem(String),
    #[error("Cancelled.")]
    Cancelled,
}

impl From<PrepError> for ClassifyError {
    fn from(e: PrepError) -> Self {
        match e {
            PrepError::Stopped => ClassifyError::Cancelled,
            other => ClassifyError::Prep(other),
        }
    }
}

crate::cancellable_error!(ClassifyError);

/// Which fit is running: `index` of `of` (models × folds, plus the final fit for k-fold).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Stage {
    pub index: usize,
    pub of: usize,
    pub model: ModelKind,
    /// The position of the model in the comparison.
    pub model_index: usize,
    /// (fold, folds) during cross-validation.
    pub fold: Option<(usize, usize)>,
}

#[derive(Clone, Debug)]
pub enum ClassifyProgress {
    Preparing,
    Started(Stage),
    /// Logistic regression: the objective after `iteration`.
    Loss {
        stage: Stage,
        iteration: usize,
        max_iter: usize,
        loss: f64,
    },
    Trees {
        stage: Stage,
        done: usize,
        total: usize,
    },
    /// The ROC curve on the evaluation rows as the model currently stands (thinned).
    Roc {
        stage: Stage,
        points: Vec<[f64; 2]>,
        auc: f64,
        /// How far the stage had got (0..=1), so the progress bar does not jump back.
        within: f32,
    },
    /// Measuring what drives the score (when `ClassifyParams::importance` asks for it here
    /// rather than on a job of its own): `within` is the share done, 0..=1.
    Importance {
        stage: Stage,
        within: f32,
    },
}

impl JobProgress for ClassifyProgress {
    fn fraction(&self) -> Option<f32> {
        let at = |s: &Stage, within: f32| Some((s.index as f32 + within.min(1.0)) / s.of as f32);
        match self {
            ClassifyProgress::Preparing => None,
            ClassifyProgress::Importance { stage, within } => {
                // the last stretch of the model's last stage
                at(stage, 0.9 + 0.1 * within.clamp(0.0, 1.0))
            }
            ClassifyProgress::Started(s) => at(s, 0.0),
            ClassifyProgress::Roc { stage, within, .. } => at(stage, *within),
            ClassifyProgress::Loss {
                stage,
                iteration,
                max_iter,
                ..
            } => at(stage, *iteration as f32 / (*max_iter).max(1) as f32),
            ClassifyProgress::Trees { stage, done, total } => {
                at(stage, *done as f32 / (*total).max(1) as f32)
            }
        }
    }

    fn describe(&self) -> String {
        let which = |s: &Stage| match s.fold {
            Some((f, k)) => format!("{}, fold {} of {k}", s.model.label(), f + 1),
            None => s.model.label().to_owned(),
        };
        match self {
            ClassifyProgress::Preparing => "Preparing the data\u{2026}".to_owned(),
            ClassifyProgress::Started(s) => format!("Training {}\u{2026}", which(s)),
            ClassifyProgress::Loss {
                stage,
                iteration,
                loss,
                ..
            } => format!("{}: iteration {iteration}, loss {loss:.4}", which(stage)),
            ClassifyProgress::Trees { stage, done, total } => {
                format!("{}: {done} of {total} trees", which(stage))
            }
            ClassifyProgress::Roc { stage, auc, .. } => format!("{}: AUC {auc:.3}", which(stage)),
            ClassifyProgress::Importance { stage, .. } => {
                format!("{}: measuring what drives the score", which(stage))
            }
        }
    }
}

/// One trained model and how it did on the evaluation rows.
#[derive(Debug)]
pub struct ModelResult {
    pub kind: ModelKind,
    /// P(positive) for each evaluation row (aligned with `ClassifyResult::eval_y`).
    pub scores: Vec<f64>,
    pub roc: RocCurve,
    pub auc: f64,
    pub pr: PrCurve,
    pub average_precision: f64,
    pub log_loss: f64,
    /// At the 0.5 threshold.
    pub confusion: Confusion,
    pub gains: Vec<GainsRow>,
    /// AUC of each fold (cross-validation only).
    pub fold_aucs: Vec<f64>,
    pub train_seconds: f64,
    /// Time to compute the ROC curve and its AUC on the evaluation rows.
    pub roc_seconds: f64,
    /// (iteration, loss) of the last logistic fit.
    pub loss_curve: Vec<[f64; 2]>,
    pub coefficients: Vec<Coefficient>,
    /// Empty until measured (see `ClassifyParams::importance`).
    pub drivers: Vec<Driver>,
    /// What the drivers are measured with: the model as evaluated and a sample of its
    /// held-out rows (None when those rows hold a single outcome).
    pub importance: Option<std::sync::Arc<ImportanceInput>>,
    pub note: Option<String>,
    /// The model trained on the training part (all rows for cross-validation).
    pub fitted: Fitted,
    /// P(positive) for every row of the scored file (the training file, or the test file).
    pub all_scores: Vec<f64>,
    /// Those rows by probability, highest first (rows without one left out): the at-risk
    /// list, sorted on the job rather than in the window.
    pub ranked: std::sync::Arc<Vec<usize>>,
}

#[derive(Debug)]
pub struct ClassifyResult {
    pub target: Target,
    /// How the models were evaluated, in words.
    pub evaluation: String,
    pub train_rows: usize,
    /// Rows of the scored frame that were evaluated (test part, all rows with a target for
    /// cross-validation, or every row of the test file that has a target).
    pub eval_rows: Vec<usize>,
    pub eval_y: Vec<bool>,
    pub models: Vec<ModelResult>,
    pub transform: Transform,
    pub design_names: Vec<String>,
    /// True when `eval_rows` index the test file rather than the training file.
    pub scored_test_file: bool,
    /// Unique per training run in this process (views cache their curves by it).
    pub run: u64,
    pub notes: Vec<String>,
}

impl ClassifyResult {
    pub fn best(&self) -> Option<&ModelResult> {
        self.models
            .iter()
            .filter(|m| m.auc.is_finite())
            .max_by(|a, b| a.auc.total_cmp(&b.auc))
    }
}

/// Train `params.models` on the rows of `df` that have a target and evaluate them.
pub fn classify(
    df: &DataFrame,
    params: &ClassifyParams,
    reporter: &Reporter<ClassifyProgress>,
) -> Result<ClassifyResult, ClassifyError> {
    reporter.report(ClassifyProgress::Preparing);
    if params.models.is_empty() {
        return Err(ClassifyError::Problem(
            "Choose at least one model.".to_owned(),
        ));
    }
    let mut params = params.clone();
    let mut notes = Vec::new();
    if params.features.contains(&params.target) {
        params.features.retain(|f| *f != params.target);
        notes.push(format!(
            "\u{201c}{}\u{201d} is the outcome, so it was left out of the features.",
            params.target
        ));
    }
    // the whole file's count of unusable values, not one part's
    crate::data::prep::check_features(df, &params.features)?;
    let target = read_target(df, &params.target, params.positive.as_deref())?;
    if target.missing > 0 {
        notes.push(format!(
            "{} rows have no value in \u{201c}{}\u{201d} and were left out.",
            crate::cli::thousands(target.missing),
            target.column
        ));
    }
    let labels = &target.labels;
    let (stages_per_model, mut plan) = plan_training(labels, &params);
    // distinct training rows (oversampling repeats some)
    let train_rows = plan.first().map_or(0, |p| p.0.len());
    if params.imbalance == Imbalance::Oversample {
        for (train, _) in plan.iter_mut() {
            oversample(train, labels, params.seed);
        }
    }
    let min_class = |rows: &[usize]| {
        let pos = rows.iter().filter(|&&r| labels[r] == Some(true)).count();
        pos.min(rows.len() - pos)
    };
    if plan.iter().any(|(train, _)| min_class(train) < 2) {
        return Err(ClassifyError::Problem(format!(
            "There are too few {} rows ({}) to train on; a model needs at least a few of each \
             outcome.",
            if target.positives < target.negatives {
                &target.positive
            } else {
                &target.negative
            },
            target.positives.min(target.negatives)
        )));
    }

    // the frame whose rows are evaluated and ranked, and its labels
    let (scored_df, scored_labels, eval_rows, evaluation) = match &params.evaluation {
        Evaluation::TestFile { df: test_df, name } => {
            // the test file must have every column the models read
            for column in params.features.iter().chain([&params.target]) {
                if test_df.column(column).is_err() {
                    return Err(ClassifyError::Problem(format!(
                        "The test file {name} has no column called \u{201c}{column}\u{201d}."
                    )));
                }
            }
            let t = read_target(test_df, &params.target, Some(&target.positive)).or_else(|e| {
                match e {
                    // a test file may hold only one outcome; the metrics say what they can
                    TargetError::OneClass { .. } | TargetError::NoSuchValue { .. } => {
                        Ok(one_class_target(test_df, &params.target, &target.positive))
                    }
                    other => Err(ClassifyError::Problem(format!(
                        "The test file {name}: {other}"
                    ))),
                }
            })?;
            let rows: Vec<usize> = (0..t.labels.len())
                .filter(|&i| t.labels[i].is_some())
                .collect();
            if rows.is_empty() {
                return Err(ClassifyError::Problem(format!(
                    "The test file {name} has no rows with a value in \u{201c}{}\u{201d}.",
                    params.target
                )));
            }
            if t.missing > 0 {
                notes.push(format!(
                    "{} rows of {name} have no outcome and were not evaluated.",
                    t.missing
                ));
            }
            (
                test_df.clone(),
                t.labels.clone(),
                rows,
                format!("on the test file {name}"),
            )
        }
        Evaluation::Split { test_share } => (
            df.clone(),
            labels.clone(),
            plan[0].1.clone(),
            format!(
                "on a held-out {:.0} % of the rows (seed {})",
                test_share * 100.0,
                params.seed
            ),
        ),
        Evaluation::KFold { folds } => {
            let mut all: Vec<usize> = plan.iter().flat_map(|(_, t)| t.iter().copied()).collect();
            all.sort_unstable();
            (
                df.clone(),
                labels.clone(),
                all,
                format!("by {folds}-fold cross-validation (seed {})", params.seed),
            )
        }
    };
    let eval_y: Vec<bool> = eval_rows
        .iter()
        .map(|&r| scored_labels[r] == Some(true))
        .collect();
    let eval_positives = eval_y.iter().filter(|v| **v).count();
    if eval_positives == 0 || eval_positives == eval_y.len() {
        let missing = if eval_positives == 0 {
            target.positive_label()
        } else {
            format!("{} = {}", target.column, target.negative)
        };
        if matches!(params.evaluation, Evaluation::TestFile { .. }) {
            notes.push(format!(
                "The evaluated rows have no {missing}, so the AUC, the curves and the gains \
                 cannot be measured; accuracy and the confusion matrix can."
            ));
        } else {
            return Err(ClassifyError::Problem(format!(
                "The held-out rows have no {missing}, so the models cannot be judged. Hold out \
                 a bigger share, or use cross-validation."
            )));
        }
    }
    let eval_df = take_rows(&scored_df, &eval_rows)?;
    let position: HashMap<usize, usize> =
        eval_rows.iter().enumerate().map(|(i, &r)| (r, i)).collect();

    let run = Run {
        df,
        params: &params,
        labels,
        plan: &plan,
        stages_per_model,
        scored_df: &scored_df,
        eval_y: &eval_y,
        eval_df: &eval_df,
        position: &position,
        reporter,
    };
    let mut models = Vec::with_capacity(params.models.len());
    let mut final_transform = None;
    for (model_index, &kind) in params.models.iter().enumerate() {
        let (model, transform, names) = run.evaluate(model_index, kind)?;
        models.push(model);
        final_transform = Some((transform, names));
    }
    let (transform, design_names) =
        final_transform.ok_or_else(|| ClassifyError::Problem("Nothing was trained.".to_owned()))?;
    for m in &models {
        if let Some(n) = &m.note {
            notes.push(n.clone());
        }
    }
    if models.iter().any(|m| m.auc >= 0.999) {
        notes.push(
            "A model separates the outcomes almost perfectly. Check that no feature is the \
             outcome in disguise (for example a cancellation date for churn)."
                .to_owned(),
        );
    }
    Ok(ClassifyResult {
        train_rows,
        target,
        evaluation,
        eval_rows,
        eval_y,
        models,
        transform,
        design_names,
        scored_test_file: matches!(params.evaluation, Evaluation::TestFile { .. }),
        run: NEXT_RUN.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        notes,
    })
}
