//! Drivers of a number (spend, sales): the settings, progress events and result of fitting
//! regression models on a numeric target, evaluated on a held-out part, by k-fold
//! cross-validation or on a separate test file. The preprocessing (medians, standardizing,
//! categories) is fitted on the training rows only.

use std::time::Instant;

use polars::prelude::*;

pub use super::classify::Evaluation;
pub use super::regress_explain::{CalendarPart, DriverRange, DriverValue, RegCoefficient};
use super::regress_explain::{add_calendar_column, driver_ranges, encode_row};
use super::regress_fit::FittedModel;
pub use super::regress_fit::RegModel;
use super::regress_steps::{Setup, final_training_rows, plan, read_target, unusable};
use crate::data::prep::{PrepError, Transform};
use crate::jobs::{JobProgress, Reporter};
use crate::metrics::regression::RegressionErrors;

static NEXT_RUN: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// How strong the penalty of ridge, lasso and elastic net is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Penalty {
    /// scikit-learn's `alpha` (Ridge's, or Lasso's and ElasticNet's).
    Fixed(f64),
    /// Try a range by k-fold cross-validation on the training rows and keep the best.
    CrossValidate,
}

#[derive(Clone, Debug)]
pub struct RegressParams {
    pub target: String,
    pub features: Vec<String>,
    /// A month or quarter feature taken from a date column.
    pub calendar: Option<(String, CalendarPart)>,
    pub models: Vec<RegModel>,
    pub evaluation: Evaluation,
    pub seed: u64,
    pub penalty: Penalty,
    /// Elastic net's share of lasso penalty (scikit-learn's `l1_ratio`).
    pub l1_ratio: f64,
    /// Neighbours averaged by k-NN.
    pub k: usize,
    /// Folds used to choose the penalty.
    pub penalty_folds: usize,
    /// Penalties tried.
    pub penalty_count: usize,
}

impl Default for RegressParams {
    fn default() -> Self {
        Self {
            target: String::new(),
            features: Vec::new(),
            calendar: None,
            models: vec![RegModel::Ols],
            evaluation: Evaluation::Split { test_share: 0.3 },
            seed: 42,
            penalty: Penalty::CrossValidate,
            l1_ratio: 0.5,
            k: 5,
            penalty_folds: 5,
            penalty_count: 20,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RegressError {
    #[error("{0}")]
    Prep(PrepError),
    #[error("{0}")]
    Problem(String),
    #[error("Cancelled.")]
    Cancelled,
}

impl From<PrepError> for RegressError {
    fn from(e: PrepError) -> Self {
        match e {
            PrepError::Stopped => RegressError::Cancelled,
            other => RegressError::Prep(other),
        }
    }
}

crate::cancellable_error!(RegressError);

/// Which fit is running: `index` of `of` (models × folds, plus the final fit for k-fold).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RegStage {
    pub index: usize,
    pub of: usize,
    pub model: RegModel,
    pub fold: Option<(usize, usize)>,
}

#[derive(Clone, Debug)]
pub enum RegressProgress {
    Preparing,
    Started(RegStage),
    /// Choosing the penalty: `done` of `total` trial fits.
    Penalty {
        stage: RegStage,
        done: usize,
        total: usize,
    },
    /// k-NN predicting the evaluation rows.
    Predicting {
        stage: RegStage,
        done: usize,
        total: usize,
    },
}

impl JobProgress for RegressProgress {
    fn fraction(&self) -> Option<f32> {
        let at = |s: &RegStage, within: f32| Some((s.index as f32 + within.min(1.0)) / s.of as f32);
        match self {
            RegressProgress::Preparing => None,
            RegressProgress::Started(s) => at(s, 0.0),
            RegressProgress::Penalty { stage, done, total } => {
                at(stage, 0.9 * *done as f32 / (*total).max(1) as f32)
            }
            RegressProgress::Predicting { stage, done, total } => {
                at(stage, *done as f32 / (*total).max(1) as f32)
            }
        }
    }

    fn describe(&self) -> String {
        let which = |s: &RegStage| match s.fold {
            Some((f, k)) => format!("{}, fold {} of {k}", s.model.label(), f + 1),
            None => s.model.label().to_owned(),
        };
        match self {
            RegressProgress::Preparing => "Preparing the data\u{2026}".to_owned(),
            RegressProgress::Started(s) => format!("Fitting {}\u{2026}", which(s)),
            RegressProgress::Penalty { stage, done, total } => format!(
                "{}: choosing the penalty, trial {done} of {total}",
                which(stage)
            ),
            RegressProgress::Predicting { stage, done, total } => {
                format!("{}: predicting row {done} of {total}", which(stage))
            }
        }
    }
}

/// A trained model with the transform its inputs need.
#[derive(Clone, Debug)]
pub struct RegFitted {
    pub transform: Transform,
    pub model: FittedModel,
}

impl RegFitted {
    /// The prediction for one set of driver values.
    pub fn predict_one(&self, values: &[(String, DriverValue)]) -> Result<f64, String> {
        let x = encode_row(&self.transform, values)?;
        let p = self.model.predict(x.view()).map_err(|e| e.to_string())?;
        p.first()
            .copied()
            .ok_or_else(|| "No prediction.".to_owned())
    }
}

/// Least-squares statistics of the final fit.
#[derive(Clone, Debug, PartialEq)]
pub struct OlsSummary {
    pub r2: f64,
    pub adj_r2: f64,
    pub residual_std_error: f64,
    pub df_resid: usize,
    pub intercept_std_error: f64,
    pub intercept_p_value: f64,
}

/// One model and how it did on the evaluation rows.
#[derive(Clone, Debug)]
pub struct RegModelResult {
    pub kind: RegModel,
    /// One per evaluation row (aligned with `RegressResult::eval_actual`).
    pub predictions: Vec<f64>,
    pub errors: RegressionErrors,
    /// The model trained on the training part (all rows for cross-validation).
    pub fitted: RegFitted,
    /// Effects in original units (linear models), in design order.
    pub coefficients: Vec<RegCoefficient>,
    /// In original units (linear models).
    pub intercept: Option<f64>,
    pub ols: Option<OlsSummary>,
    /// The penalty used (ridge, lasso, elastic net) and, when chosen by cross-validation,
    /// the error of each one tried: (α, RMSE).
    pub alpha: Option<f64>,
    pub penalty_curve: Vec<[f64; 2]>,
    /// 2.5 % and 97.5 % quantiles of actual − predicted on the evaluation rows: a new
    /// prediction's range is [prediction + low, prediction + high].
    pub residual_range: (f64, f64),
    pub fit_seconds: f64,
}

#[derive(Clone, Debug)]
pub struct RegressResult {
    pub target: String,
    /// How the models were evaluated, in words.
    pub evaluation: String,
    pub train_rows: usize,
    /// Rows of the evaluated frame (training file, or the test file).
    pub eval_rows: Vec<usize>,
    pub eval_actual: Vec<f64>,
    pub models: Vec<RegModelResult>,
    /// The features as the models use them (calendar column included, constant ones left
    /// out), with their training ranges.
    pub drivers: Vec<DriverRange>,
    /// (feature, reference category) of each text feature.
    pub references: Vec<(String, String)>,
    /// The calendar driver: (date column, month or quarter, the driver's column name).
    pub calendar: Option<(String, CalendarPart, String)>,
    pub scored_test_file: bool,
    pub run: u64,
    pub notes: Vec<String>,
}

impl RegressResult {
    /// The model with the lowest RMSE on the evaluation rows.
    pub fn best(&self) -> Option<usize> {
        (0..self.models.len())
            .filter(|&i| self.models[i].errors.rmse.is_finite())
            .min_by(|&a, &b| {
                self.models[a]
                    .errors
                    .rmse
                    .total_cmp(&self.models[b].errors.rmse)
            })
    }

    /// The typical value of every driver.
    pub fn typical_values(&self) -> Vec<(String, DriverValue)> {
        self.drivers
            .iter()
            .map(|d| (d.name().to_owned(), d.typical()))
            .collect()
    }
}

pub(super) fn take_rows(df: &DataFrame, rows: &[usize]) -> Result<DataFrame, RegressError> {
    let idx = IdxCa::from_vec("rows".into(), rows.iter().map(|&r| r as IdxSize).collect());
    df.take(&idx)
        .map_err(|e| RegressError::Problem(format!("Could not select rows: {e}")))
}

/// Fit `params.models` on the rows of `df` that have a target and evaluate them. `file`
/// names the data in messages: every message but Cancelled starts with it (or with "The
/// test file …").
pub fn regress(
    df: &DataFrame,
    file: &str,
    params: &RegressParams,
    reporter: &Reporter<RegressProgress>,
) -> Result<RegressResult, RegressError> {
    fit_all(df, file, params, reporter).map_err(|e| match e {
        RegressError::Cancelled => RegressError::Cancelled,
        RegressError::Prep(p) => RegressError::Problem(format!("{file}: {p}")),
        RegressError::Problem(m) if m.starts_with(file) || m.starts_with("The test file") => {
            RegressError::Problem(m)
        }
        RegressError::Problem(m) => RegressError::Problem(format!("{file}: {m}")),
    })
}

fn fit_all(
    df: &DataFrame,
    file: &str,
    params: &RegressParams,
    reporter: &Reporter<RegressProgress>,
) -> Result<RegressResult, RegressError> {
    reporter.report(RegressProgress::Preparing);
    if params.models.is_empty() {
        return Err(RegressError::Problem(
            "Choose at least one model.".to_owned(),
        ));
    }
    let mut notes = Vec::new();
    // a driver named twice would count twice in k-NN's distances
    crate::data::prep::check_repeats(&params.features)?;
    let mut features: Vec<String> = Vec::new();
    for f in &params.features {
        if *f == params.target {
            notes.push(format!(
                "\u{201c}{f}\u{201d} is what is predicted, so it was left out of the drivers."
            ));
        } else {
            features.push(f.clone());
        }
    }
    for f in &features {
        match df.column(f).map(|c| c.dtype().clone()) {
            Err(_) => return Err(RegressError::Prep(PrepError::NoSuchColumn(f.clone()))),
            Ok(DataType::Date | DataType::Datetime(..)) => {
                return Err(RegressError::Problem(format!(
                    "\u{201c}{f}\u{201d} holds dates, which cannot drive a number directly; \
                     use its month or quarter instead (--month-of / --quarter-of, or \
                     \u{201c}Season from a date\u{201d} in the window)."
                )));
            }
            Ok(_) => {}
        }
    }
    let mut df = df.clone();
    let calendar = match &params.calendar {
        Some((date, part)) => {
            let name = add_calendar_column(&mut df, date, *part, None)
                .map_err(|e| RegressError::Problem(format!("{file}: {e}")))?;
            features.retain(|f| f != date);
            features.push(name.clone());
            Some((name, *part))
        }
        None => None,
    };
    if features.is_empty() {
        return Err(RegressError::Prep(PrepError::NoFeatures));
    }
    crate::data::prep::check_features(&df, &features)?;
    let y_all = read_target(&df, &params.target, file)?;
    let have: Vec<usize> = (0..y_all.len()).filter(|&i| y_all[i].is_some()).collect();
    let missing = y_all.len() - have.len();
    if missing > 0 {
        notes.push(format!(
            "{} rows have no value in \u{201c}{}\u{201d} and were left out.",
            crate::cli::thousands(missing),
            params.target
        ));
    }
    if have.len() < 3 {
        return Err(RegressError::Problem(format!(
            "{file}: only {} rows have a value in \u{201c}{}\u{201d}; a model needs more.",
            have.len(),
            params.target
        )));
    }
    let y = |r: usize| y_all[r].unwrap_or(f64::NAN);
    {
        let first = y(have[0]);
        if have.iter().all(|&r| y(r) == first) {
            return Err(RegressError::Problem(format!(
                "{file}: \u{201c}{}\u{201d} is {first} in every row, so there is nothing to \
                 explain.",
                params.target
            )));
        }
    }

    // the training/evaluation plan, in rows of `df`
    let (plan, evaluation, test) = plan(&have, params)?;
    let (scored_df, eval_rows, test_name) = match &test {
        Some((test_df, name)) => {
            let mut test_df = test_df.clone();
            if let (Some((date, part)), Some((column, _))) = (&params.calendar, &calendar) {
                add_calendar_column(&mut test_df, date, *part, Some(column))
                    .map_err(|e| RegressError::Problem(format!("The test file {name}: {e}")))?;
            }
            for column in features.iter().chain([&params.target]) {
                if test_df.column(column).is_err() {
                    return Err(RegressError::Problem(format!(
                        "The test file {name} has no column called \u{201c}{column}\u{201d}."
                    )));
                }
            }
            crate::data::prep::check_features(&test_df, &features)
                .map_err(|e| RegressError::Problem(format!("The test file {name}: {e}")))?;
            let ty = read_target(&test_df, &params.target, name)?;
            let rows: Vec<usize> = (0..ty.len()).filter(|&i| ty[i].is_some()).collect();
            if rows.is_empty() {
                return Err(RegressError::Problem(format!(
                    "The test file {name} has no rows with a value in \u{201c}{}\u{201d}.",
                    params.target
                )));
            }
            (test_df, rows, Some((name.clone(), ty)))
        }
        None => {
            let mut all: Vec<usize> = plan.iter().flat_map(|(_, t)| t.iter().copied()).collect();
            all.sort_unstable();
            (df.clone(), all, None)
        }
    };
    let eval_actual: Vec<f64> = match &test_name {
        Some((_, ty)) => eval_rows
            .iter()
            .map(|&r| ty[r].unwrap_or(f64::NAN))
            .collect(),
        None => eval_rows.iter().map(|&r| y(r)).collect(),
    };

    // drivers that never vary on the final training rows explain nothing
    let final_train = final_training_rows(&plan, &have, params);
    let final_df = take_rows(&df, &final_train)?;
    let mut constant = Vec::new();
    for f in &features {
        if let Some(why) = unusable(&final_df, f) {
            constant.push((f.clone(), why));
        }
    }
    if !constant.is_empty() {
        features.retain(|f| !constant.iter().any(|(c, _)| c == f));
        for (f, why) in &constant {
            notes.push(format!(
                "\u{201c}{f}\u{201d} {why}, so it cannot explain anything and was left out."
            ));
        }
        if features.is_empty() {
            return Err(RegressError::Problem(format!(
                "{file}: every chosen driver has a single value in the training rows."
            )));
        }
    }
    let drivers = driver_ranges(&final_df, &features);
    if let (Some((name, _)), true) = (&test_name, test.is_some()) {
        notes.extend(unseen_categories(&scored_df, &eval_rows, &drivers, name));
    }

    let stages_per_model = plan.len() + usize::from(plan.len() > 1);
    let of = stages_per_model * params.models.len();
    let setup = Setup {
        df: &df,
        y: &y_all,
        features: &features,
        calendar: calendar.as_ref(),
        params,
        reporter,
        target: &params.target,
        drivers: &drivers,
    };
    let position: std::collections::HashMap<usize, usize> =
        eval_rows.iter().enumerate().map(|(i, &r)| (r, i)).collect();
    // one model over the whole plan: its out-of-sample predictions and the model kept
    let fit_one = |m: usize,
                   kind: RegModel|
     -> Result<(RegModelResult, Vec<(String, String)>), RegressError> {
        let started = Instant::now();
        let mut predictions = vec![f64::NAN; eval_rows.len()];
        let base = m * stages_per_model;
        let mut kept = None;
        for (f, (train, test_rows)) in plan.iter().enumerate() {
            let stage = RegStage {
                index: base + f,
                of,
                model: kind,
                fold: (plan.len() > 1).then_some((f, plan.len())),
            };
            let fit = setup.fit(kind, train, stage)?;
            let (eval_df, rows) = match &test {
                Some(_) => (take_rows(&scored_df, &eval_rows)?, eval_rows.clone()),
                None => (take_rows(&df, test_rows)?, test_rows.clone()),
            };
            let p = setup.predict(&fit.fitted, &eval_df, stage)?;
            for (value, r) in p.into_iter().zip(rows) {
                if let Some(&i) = position.get(&r) {
                    predictions[i] = value;
                }
            }
            if plan.len() == 1 {
                kept = Some(fit);
            }
        }
        let fit = match kept {
            Some(fit) => fit,
            None => {
                // cross-validation: the model kept is trained on every row
                let stage = RegStage {
                    index: base + plan.len(),
                    of,
                    model: kind,
                    fold: None,
                };
                setup.fit(kind, &have, stage)?
            }
        };
        let references = fit.references.clone();
        Ok((
            setup.finish(kind, fit, predictions, &eval_actual, started)?,
            references,
        ))
    };
    let mut models = Vec::with_capacity(params.models.len());
    let mut references = Vec::new();
    let mut first_problem = None;
    for (m, &kind) in params.models.iter().enumerate() {
        match fit_one(m, kind) {
            Ok((model, refs)) => {
                // k-NN keeps every category; the linear models' references are reported
                if kind.is_linear() {
                    references = refs;
                }
                models.push(model);
            }
            // one model that cannot be fitted (collinear drivers for least squares, too
            // few rows) does not take the others down with it
            Err(RegressError::Problem(msg)) if params.models.len() > 1 => {
                notes.push(format!("{} was left out: {msg}", kind.label()));
                first_problem.get_or_insert(msg);
            }
            Err(e) => return Err(e),
        }
    }
    if models.is_empty() {
        return Err(RegressError::Problem(
            first_problem.unwrap_or_else(|| "No model could be fitted.".to_owned()),
        ));
    }
    Ok(RegressResult {
        target: params.target.clone(),
        evaluation: match &test_name {
            Some((name, _)) => format!("on the test file {name}"),
            None => evaluation,
        },
        train_rows: final_train.len(),
        eval_rows,
        eval_actual,
        models,
        drivers,
        references,
        calendar: params
            .calendar
            .as_ref()
            .zip(calendar.as_ref())
            .map(|((date, part), (column, _))| (date.clone(), *part, column.clone())),
        scored_test_file: test.is_some(),
        run: NEXT_RUN.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        notes,
    })
}

/// Categories of the evaluated test rows that the training rows never had: the linear
/// models score them like the reference category, k-NN as matching no category.
fn unseen_categories(
    test: &DataFrame,
    rows: &[usize],
    drivers: &[DriverRange],
    file: &str,
) -> Vec<String> {
    let mut notes = Vec::new();
    for d in drivers {
        let DriverRange::Category {
            name, categories, ..
        } = d
        else {
            continue;
        };
        let Ok(col) = test.column(name) else { continue };
        let values = crate::data::prep::text_values(col);
        let mut unseen: Vec<String> = Vec::new();
        let mut count = 0usize;
        for &r in rows {
            let v = values
                .get(r)
                .cloned()
                .flatten()
                .unwrap_or_else(|| crate::data::prep::MISSING.to_owned());
            if !categories.contains(&v) {
                count += 1;
                if unseen.len() < 5 && !unseen.contains(&v) {
                    unseen.push(v);
                }
            }
        }
        if count > 0 {
            notes.push(format!(
                "{} rows of {file} have a value of \u{201c}{name}\u{201d} the training rows \
                 never had ({}): no effect could be learned for it (the linear models \
                 treat it like the first category).",
                crate::cli::thousands(count),
                unseen
                    .iter()
                    .map(|u| format!("\u{201c}{u}\u{201d}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    notes
}
