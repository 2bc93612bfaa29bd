//! The fitting side of `classify`: the training/evaluation plan, one fit on one fold with its
//! live loss and ROC events, and the evaluation of one model over the whole plan.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use ndarray::Array2;
use polars::prelude::*;

use super::classify::{
    ClassifyError, ClassifyParams, ClassifyProgress, Evaluation, Imbalance, LIVE_ROC_POINTS,
    ModelResult, Stage,
};
use super::drivers::{ImportanceError, ImportanceInput, coefficients, permutation_importance};
use super::models::{Fitted, ModelKind, TrainEvent, TrainSetup, fit_model};
use super::target::{SplitMix64, Target, stratified_folds, stratified_split};
use crate::data::prep::{Transform, apply_until, fit_design_until};
use crate::jobs::Reporter;
use crate::metrics::classification::{
    Confusion, average_precision, gains, log_loss, pr_curve, roc_curve,
};

/// Training rows and evaluation rows of one fit.
pub(super) type TrainTest = (Vec<usize>, Vec<usize>);

/// The training and evaluation rows of every fit, and the fits per model (k-fold adds the
/// final fit on all rows).
pub(super) fn plan_training(
    labels: &[Option<bool>],
    params: &ClassifyParams,
) -> (usize, Vec<TrainTest>) {
    match &params.evaluation {
        Evaluation::Split { test_share } => {
            let share = test_share.clamp(0.05, 0.9);
            let (train, test) = stratified_split(labels, share, params.seed);
            (1, vec![(train, test)])
        }
        Evaluation::KFold { folds } => {
            let k = (*folds).clamp(2, 20);
            let parts = stratified_folds(labels, k, params.seed);
            let plan = (0..k)
                .map(|f| {
                    let train: Vec<usize> = parts
                        .iter()
                        .enumerate()
                        .filter(|(g, _)| *g != f)
                        .flat_map(|(_, p)| p.iter().copied())
                        .collect();
                    let mut train = train;
                    train.sort_unstable();
                    (train, parts[f].clone())
                })
                .collect();
            (k + 1, plan)
        }
        Evaluation::TestFile { .. } => {
            let train: Vec<usize> = (0..labels.len()).filter(|&i| labels[i].is_some()).collect();
            (1, vec![(train, Vec::new())])
        }
    }
}

pub(super) fn take_rows(df: &DataFrame, rows: &[usize]) -> Result<DataFrame, ClassifyError> {
    let idx = IdxCa::from_vec("rows".into(), rows.iter().map(|&r| r as IdxSize).collect());
    df.take(&idx)
        .map_err(|e| ClassifyError::Problem(format!("Could not select rows: {e}")))
}

/// Repeat random rows of the rarer class until both classes are equally common.
pub(super) fn oversample(rows: &mut Vec<usize>, labels: &[Option<bool>], seed: u64) {
    let pos: Vec<usize> = rows
        .iter()
        .copied()
        .filter(|&r| labels[r] == Some(true))
        .collect();
    let neg: Vec<usize> = rows
        .iter()
        .copied()
        .filter(|&r| labels[r] == Some(false))
        .collect();
    let (small, big) = if pos.len() < neg.len() {
        (pos, neg)
    } else {
        (neg, pos)
    };
    if small.is_empty() {
        return;
    }
    let mut rng = SplitMix64(seed ^ 0x5EED);
    for _ in 0..big.len() - small.len() {
        rows.push(small[rng.below(small.len())]);
    }
}

/// One fit: design on the training rows, model, scores on the evaluation rows.
struct Fold<'a> {
    train: &'a DataFrame,
    train_y: Vec<bool>,
    eval: &'a DataFrame,
    eval_y: &'a [bool],
}

struct FoldFit {
    fitted: Fitted,
    scores: Vec<f64>,
    seconds: f64,
    loss_curve: Vec<[f64; 2]>,
    transform: Transform,
    names: Vec<String>,
    eval_x: Array2<f64>,
}

fn fit_fold(
    fold: &Fold,
    stage: Stage,
    params: &ClassifyParams,
    reporter: &Reporter<ClassifyProgress>,
) -> Result<FoldFit, ClassifyError> {
    reporter.check()?;
    reporter.report(ClassifyProgress::Started(stage));
    let token = reporter.cancel_token();
    let cancelled = move || token.is_cancelled();
    let design = fit_design_until(fold.train, &params.features, &params.prep, &cancelled)?;
    let (eval_x, _) = apply_until(fold.eval, &design.transform, &cancelled)?;
    let token = reporter.cancel_token();
    let stop = move || token.is_cancelled();
    let setup = TrainSetup {
        settings: &params.settings,
        seed: params.seed,
        class_weights: params.imbalance == Imbalance::ClassWeights,
        stop: &stop,
    };
    let started = Instant::now();
    let mut loss_curve = Vec::new();
    let mut last_roc = Instant::now();
    let live_x = eval_x.view();
    let eval_y = fold.eval_y;
    let fitted = fit_model(
        stage.model,
        design.x.view(),
        &fold.train_y,
        &setup,
        &mut |event| {
            reporter.check()?;
            match event {
                TrainEvent::Iteration(step, max_iter) => {
                    loss_curve.push([step.iteration as f64, step.loss]);
                    reporter.report_throttled(|| ClassifyProgress::Loss {
                        stage,
                        iteration: step.iteration,
                        max_iter,
                        loss: step.loss,
                    });
                    // the ROC of the current weights, a few times a second
                    if last_roc.elapsed().as_millis() >= 150 && !eval_y.is_empty() {
                        last_roc = Instant::now();
                        let p = super::logistic::predict(live_x, step.coef, step.intercept);
                        let roc = roc_curve(eval_y, &p);
                        reporter.report(ClassifyProgress::Roc {
                            stage,
                            points: roc.thinned(LIVE_ROC_POINTS),
                            auc: roc.auc(),
                            within: step.iteration as f32 / max_iter.max(1) as f32,
                        });
                    }
                }
                TrainEvent::Trees(done, total) => {
                    reporter.report_throttled(|| ClassifyProgress::Trees { stage, done, total })
                }
            }
            Ok(())
        },
    );
    let fitted = match fitted {
        Ok(f) => f,
        Err(_) if reporter.is_cancelled() => return Err(ClassifyError::Cancelled),
        Err(e) => {
            return Err(ClassifyError::Problem(format!(
                "{}: {e}",
                stage.model.label()
            )));
        }
    };
    let seconds = started.elapsed().as_secs_f64();
    let scores = predict(&fitted, &eval_x, reporter)?;
    Ok(FoldFit {
        fitted,
        scores,
        seconds,
        loss_curve,
        transform: design.transform,
        names: design.names,
        eval_x,
    })
}

fn predict(
    fitted: &Fitted,
    x: &Array2<f64>,
    reporter: &Reporter<ClassifyProgress>,
) -> Result<Vec<f64>, ClassifyError> {
    let token = reporter.cancel_token();
    let scores = fitted.predict_proba(x.view(), &move || token.is_cancelled());
    match scores {
        Ok(s) => Ok(s),
        Err(_) if reporter.is_cancelled() => Err(ClassifyError::Cancelled),
        Err(e) => Err(ClassifyError::Problem(e)),
    }
}

/// What every model's evaluation shares.
pub(super) struct Run<'a> {
    pub df: &'a DataFrame,
    pub params: &'a ClassifyParams,
    pub labels: &'a [Option<bool>],
    pub plan: &'a [TrainTest],
    pub stages_per_model: usize,
    /// The frame whose rows are ranked (the training file, or the test file).
    pub scored_df: &'a DataFrame,
    pub eval_y: &'a [bool],
    pub eval_df: &'a DataFrame,
    /// Row of the scored frame → position among the evaluation rows.
    pub position: &'a HashMap<usize, usize>,
    pub reporter: &'a Reporter<ClassifyProgress>,
}

impl Run<'_> {
    /// Train `kind` on every fold of the plan, score the evaluation rows, and measure it.
    pub(super) fn evaluate(
        &self,
        model_index: usize,
        kind: ModelKind,
    ) -> Result<(ModelResult, Transform, Vec<String>), ClassifyError> {
        let mut scores = vec![0.0; self.eval_y.len()];
        let mut fold_aucs = Vec::new();
        let mut seconds = 0.0;
        let folds = self.plan.len();
        let cross = matches!(self.params.evaluation, Evaluation::KFold { .. });
        let mut last = None;
        for (f, (train_rows, test_rows)) in self.plan.iter().enumerate() {
            let stage = Stage {
                index: model_index * self.stages_per_model + f,
                of: self.params.models.len() * self.stages_per_model,
                model: kind,
                model_index,
                fold: cross.then_some((f, folds)),
            };
            let train = take_rows(self.df, train_rows)?;
            let train_y: Vec<bool> = train_rows
                .iter()
                .map(|&r| self.labels[r] == Some(true))
                .collect();
            let (fold_eval, fold_y): (DataFrame, Vec<bool>) = if cross {
                let y = test_rows
                    .iter()
                    .map(|&r| self.labels[r] == Some(true))
                    .collect();
                (take_rows(self.df, test_rows)?, y)
            } else {
                (self.eval_df.clone(), self.eval_y.to_vec())
            };
            let fit = fit_fold(
                &Fold {
                    train: &train,
                    train_y,
                    eval: &fold_eval,
                    eval_y: &fold_y,
                },
                stage,
                self.params,
                self.reporter,
            )?;
            seconds += fit.seconds;
            let roc = roc_curve(&fold_y, &fit.scores);
            self.reporter.report(ClassifyProgress::Roc {
                stage,
                points: roc.thinned(LIVE_ROC_POINTS),
                auc: roc.auc(),
                within: 1.0,
            });
            if cross {
                fold_aucs.push(roc.auc());
                for (r, s) in test_rows.iter().zip(&fit.scores) {
                    if let Some(&i) = self.position.get(r) {
                        scores[i] = *s;
                    }
                }
            } else {
                scores = fit.scores.clone();
            }
            last = Some((fit, fold_y));
        }
        // cross-validation: the model kept (for drivers and ranking) is fitted on all rows
        let fit = if cross {
            let all: Vec<usize> = (0..self.labels.len())
                .filter(|&i| self.labels[i].is_some())
                .collect();
            let mut train_rows = all.clone();
            if self.params.imbalance == Imbalance::Oversample {
                oversample(&mut train_rows, self.labels, self.params.seed);
            }
            let train = take_rows(self.df, &train_rows)?;
            let train_y = train_rows
                .iter()
                .map(|&r| self.labels[r] == Some(true))
                .collect();
            let stage = Stage {
                index: model_index * self.stages_per_model + folds,
                of: self.params.models.len() * self.stages_per_model,
                model: kind,
                model_index,
                fold: None,
            };
            // nothing is evaluated on the final fit (its rows are its training rows): the
            // out-of-fold scores above are the honest ones
            let none = take_rows(self.df, &[])?;
            Some(fit_fold(
                &Fold {
                    train: &train,
                    train_y,
                    eval: &none,
                    eval_y: &[],
                },
                stage,
                self.params,
                self.reporter,
            )?)
        } else {
            None
        };
        let (last, last_y) =
            last.ok_or_else(|| ClassifyError::Problem("Nothing was trained.".to_owned()))?;
        // drivers are measured on held-out rows: the last fold's for cross-validation
        let (fit, last_fold) = match fit {
            Some(all_rows) => (all_rows, Some((last, last_y))),
            None => (last, None),
        };
        let (held_out, held_out_y): (&FoldFit, &[bool]) = match &last_fold {
            Some((f, y)) => (f, y),
            None => (&fit, self.eval_y),
        };
        let token = self.reporter.cancel_token();
        let (all_x, _) = apply_until(self.scored_df, &fit.transform, &|| token.is_cancelled())?;
        let all_scores = predict(&fit.fitted, &all_x, self.reporter)?;
        drop(all_x);
        let mut ranked = crate::metrics::classification::rank_descending(&all_scores);
        ranked.retain(|&r| !all_scores[r].is_nan());
        let roc_started = Instant::now();
        let roc = roc_curve(self.eval_y, &scores);
        let auc = roc.auc();
        let roc_seconds = roc_started.elapsed().as_secs_f64();
        let coefs = fit
            .fitted
            .coefficients()
            .map(|m| coefficients(m, &fit.transform, &fit.names))
            .unwrap_or_default();
        // what the drivers are measured with: the held-out model and (a sample of) its rows
        let importance = ImportanceInput::new(
            held_out.fitted.clone(),
            &held_out.eval_x,
            held_out_y,
            &held_out.transform,
            self.params.seed,
        );
        let importance = importance.measurable().then(|| Arc::new(importance));
        drop(last_fold);
        let drivers = match &importance {
            Some(input) if self.params.importance => {
                let token = self.reporter.cancel_token();
                let stage = Stage {
                    index: (model_index + 1) * self.stages_per_model - 1,
                    of: self.params.models.len() * self.stages_per_model,
                    model: kind,
                    model_index,
                    fold: None,
                };
                let reporter = self.reporter;
                permutation_importance(input, &move || token.is_cancelled(), &|within| {
                    reporter.report_throttled(|| ClassifyProgress::Importance { stage, within });
                })
                .map_err(|e| match e {
                    ImportanceError::Cancelled => ClassifyError::Cancelled,
                    ImportanceError::Model(m) => ClassifyError::Problem(m),
                })?
            }
            _ => Vec::new(),
        };
        // distinct training rows, as the notes count them
        let train_rows = self.plan.first().map_or(0, |p| {
            let mut rows = p.0.clone();
            rows.sort_unstable();
            rows.dedup();
            rows.len()
        });
        let model = ModelResult {
            kind,
            pr: pr_curve(self.eval_y, &scores),
            average_precision: average_precision(self.eval_y, &scores),
            log_loss: log_loss(self.eval_y, &scores),
            confusion: Confusion::at(self.eval_y, &scores, 0.5),
            gains: gains(self.eval_y, &scores, 10),
            roc,
            auc,
            fold_aucs,
            train_seconds: seconds,
            roc_seconds,
            loss_curve: fit.loss_curve.clone(),
            coefficients: coefs,
            drivers,
            importance,
            note: kind.note(train_rows),
            fitted: fit.fitted,
            ranked: Arc::new(ranked),
            all_scores,
            scores,
        };
        Ok((model, fit.transform, fit.names))
    }
}

/// The labels of a test file where only one outcome occurs.
pub(super) fn one_class_target(df: &DataFrame, column: &str, positive: &str) -> Target {
    let labels: Vec<Option<bool>> = match df.column(column).and_then(|c| c.cast(&DataType::String))
    {
        Ok(c) => match c.str() {
            Ok(ca) => ca
                .iter()
                .map(|v| {
                    v.map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(|s| s == positive)
                })
                .collect(),
            Err(_) => Vec::new(),
        },
        Err(_) => Vec::new(),
    };
    let positives = labels.iter().filter(|l| **l == Some(true)).count();
    let negatives = labels.iter().filter(|l| **l == Some(false)).count();
    Target {
        column: column.to_owned(),
        positive: positive.to_owned(),
        negative: String::new(),
        missing: labels.len() - positives - negatives,
        labels,
        positives,
        negatives,
    }
}

/// Rows of `df` in the order given, with `rank` and `probability` columns in front (the
/// at-risk list as saved).
pub fn ranked_rows(df: &DataFrame, rows: &[usize], scores: &[f64]) -> PolarsResult<DataFrame> {
    let idx = IdxCa::from_vec("rows".into(), rows.iter().map(|&r| r as IdxSize).collect());
    let picked = df.take(&idx)?;
    // names that do not clash with the file's own columns
    let free = |base: &str| {
        let mut name = base.to_owned();
        while df.column(&name).is_ok() {
            name.push('_');
        }
        name
    };
    let mut columns = vec![
        Column::new(
            free("rank").into(),
            (1..=rows.len() as u64).collect::<Vec<u64>>(),
        ),
        Column::new(
            free("probability").into(),
            rows.iter()
                .map(|&r| scores.get(r).copied().unwrap_or(f64::NAN))
                .collect::<Vec<f64>>(),
        ),
    ];
    columns.extend(picked.columns().iter().cloned());
    DataFrame::new(rows.len(), columns)
}
