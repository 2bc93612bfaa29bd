//! One model fitted on one set of training rows for `regress`: the design (fitted on those
//! rows only), the fit with its progress events, predictions for the evaluation rows, and
//! the result with effects in original units; least squares' failures in words.

use std::time::Instant;

use polars::prelude::*;

use super::ols::OlsError;
use super::regress::{
    Evaluation, OlsSummary, Penalty, RegFitted, RegModelResult, RegStage, RegressError,
    RegressParams, RegressProgress, take_rows,
};
use super::regress_explain::{
    CalendarPart, DriverRange, calendar_order, drop_reference_categories, effects,
};
use super::regress_fit::folds;
use super::regress_fit::{
    FitError, FittedModel, RegModel, choose_penalty, fit_knn, fit_ols, fit_penalised, penalty_grid,
};
use super::target::SplitMix64;
use crate::data::prep::{PrepOptions, apply_until, fit_transform_until};
use crate::jobs::Reporter;
use crate::metrics::regression::{RegressionErrors, regression_errors};

pub(super) struct Setup<'a> {
    pub(super) df: &'a DataFrame,
    pub(super) y: &'a [Option<f64>],
    pub(super) features: &'a [String],
    pub(super) calendar: Option<&'a (String, CalendarPart)>,
    pub(super) params: &'a RegressParams,
    pub(super) reporter: &'a Reporter<RegressProgress>,
    pub(super) target: &'a str,
    pub(super) drivers: &'a [DriverRange],
}

pub(super) struct Fit {
    pub(super) fitted: RegFitted,
    pub(super) ols: Option<super::ols::OlsFit>,
    pub(super) alpha: Option<f64>,
    pub(super) curve: Vec<[f64; 2]>,
    pub(super) references: Vec<(String, String)>,
}

impl Setup<'_> {
    pub(super) fn fit(
        &self,
        kind: RegModel,
        train: &[usize],
        stage: RegStage,
    ) -> Result<Fit, RegressError> {
        self.reporter.check()?;
        self.reporter.report(RegressProgress::Started(stage));
        let stop = || self.reporter.is_cancelled();
        let train_df = take_rows(self.df, train)?;
        let options = PrepOptions {
            // least squares stays in original units (its statistics equal statsmodels');
            // penalties and distances need comparable scales
            standardize: kind != RegModel::Ols,
            log_columns: Vec::new(),
        };
        let mut transform = fit_transform_until(&train_df, self.features, &options, &stop)?;
        if let Some((column, part)) = self.calendar {
            calendar_order(&mut transform, column, *part);
        }
        // k-NN measures distance over every category; linear models need a reference
        let references = if kind.is_linear() {
            drop_reference_categories(&mut transform)
        } else {
            Vec::new()
        };
        let (x, names) = apply_until(&train_df, &transform, &stop)?;
        let y: Vec<f64> = train
            .iter()
            .map(|&r| self.y[r].unwrap_or(f64::NAN))
            .collect();
        let (model, ols, alpha, curve) = match kind {
            RegModel::Ols => {
                let (model, fit) = fit_ols(x.view(), &y).map_err(|e| match e {
                    FitError::Ols(o) => explain_ols(o, &names, x.view()),
                    other => fit_error(other),
                })?;
                (model, Some(fit), None, Vec::new())
            }
            RegModel::Knn => (fit_knn(x.view(), &y, self.params.k), None, None, Vec::new()),
            _ => {
                let l1 = kind.l1_ratio(self.params.l1_ratio);
                let (alpha, curve) = match self.params.penalty {
                    Penalty::Fixed(a) => (a, Vec::new()),
                    Penalty::CrossValidate => {
                        let grid = penalty_grid(x.view(), &y, l1, self.params.penalty_count);
                        let choice = choose_penalty(
                            x.view(),
                            &y,
                            l1,
                            &grid,
                            self.params.penalty_folds,
                            self.params.seed,
                            &mut |done, total| {
                                self.reporter.check()?;
                                self.reporter.report_throttled(|| RegressProgress::Penalty {
                                    stage,
                                    done,
                                    total,
                                });
                                Ok(())
                            },
                        )
                        .map_err(fit_error)?;
                        (choice.alpha, choice.curve)
                    }
                };
                let model = fit_penalised(x.view(), &y, alpha, l1).map_err(fit_error)?;
                (model, None, Some(alpha), curve)
            }
        };
        Ok(Fit {
            fitted: RegFitted { transform, model },
            ols,
            alpha,
            curve,
            references,
        })
    }

    pub(super) fn predict(
        &self,
        fitted: &RegFitted,
        eval_df: &DataFrame,
        stage: RegStage,
    ) -> Result<Vec<f64>, RegressError> {
        let stop = || self.reporter.is_cancelled();
        let (x, _) = apply_until(eval_df, &fitted.transform, &stop)?;
        let total = x.nrows();
        fitted
            .model
            .predict_until(x.view(), &mut |done| {
                self.reporter.check()?;
                self.reporter
                    .report_throttled(|| RegressProgress::Predicting { stage, done, total });
                Ok(())
            })
            .map_err(fit_error)
    }

    pub(super) fn finish(
        &self,
        kind: RegModel,
        fit: Fit,
        predictions: Vec<f64>,
        actual: &[f64],
        started: Instant,
    ) -> Result<RegModelResult, RegressError> {
        let errors = regression_errors(actual, &predictions).unwrap_or(RegressionErrors {
            rmse: f64::NAN,
            mae: f64::NAN,
            mape: None,
            r2: f64::NAN,
            n: 0,
        });
        let (intercept, coefficients) = match &fit.fitted.model {
            FittedModel::Linear {
                intercept,
                coefficients,
            } => {
                let (i, c) = effects(
                    *intercept,
                    coefficients,
                    &fit.fitted.transform,
                    fit.ols.as_ref(),
                    self.target,
                    &fit.references,
                    self.drivers,
                );
                (Some(i), c)
            }
            FittedModel::Knn { .. } => (None, Vec::new()),
        };
        let ols = fit.ols.as_ref().map(|f| OlsSummary {
            r2: f.r2,
            adj_r2: f.adj_r2,
            residual_std_error: f.residual_std_error,
            df_resid: f.df_resid,
            intercept_std_error: f.std_errors.first().copied().unwrap_or(f64::NAN),
            intercept_p_value: f.p_values.first().copied().unwrap_or(f64::NAN),
        });
        let result = RegModelResult {
            kind,
            residual_range: residual_range(actual, &predictions, errors.rmse),
            predictions,
            errors,
            fitted: fit.fitted,
            coefficients,
            intercept,
            ols,
            alpha: fit.alpha,
            penalty_curve: fit.curve,
            fit_seconds: started.elapsed().as_secs_f64(),
        };
        match not_finite_part(&result) {
            None => Ok(result),
            Some(part) => Err(RegressError::Problem(format!(
                "{} could not compute {part} for \u{201c}{}\u{201d}: the numbers grow too \
                 large to compute with. Rescale the columns (for example to thousands) or \
                 remove the extreme rows.",
                kind.label(),
                self.target
            ))),
        }
    }
}

/// The first result of a model that is no ordinary number (an overflow on huge values), in
/// words: "the prediction errors", "the effect of \u{201c}price\u{201d}". `None` when every
/// number the views and the JSON report is finite.
pub(super) fn not_finite_part(m: &RegModelResult) -> Option<String> {
    let bad = |v: f64| !v.is_finite();
    if m.predictions.iter().any(|v| bad(*v)) {
        return Some("its predictions".to_owned());
    }
    let e = &m.errors;
    if bad(e.rmse) || bad(e.mae) || e.mape.is_some_and(bad) {
        return Some("its prediction errors".to_owned());
    }
    if m.intercept.is_some_and(bad) {
        return Some("its starting value (intercept)".to_owned());
    }
    for c in &m.coefficients {
        let interval = [c.lower, c.upper, c.std_error];
        if bad(c.value) || interval.iter().flatten().any(|v| bad(*v)) {
            return Some(format!("the effect of \u{201c}{}\u{201d}", c.name));
        }
    }
    if bad(m.residual_range.0) || bad(m.residual_range.1) {
        return Some("the range of its predictions".to_owned());
    }
    if let Some(o) = &m.ols {
        let stats = [o.r2, o.adj_r2, o.residual_std_error, o.intercept_std_error];
        if stats.iter().any(|v| bad(*v)) {
            return Some("its fit statistics".to_owned());
        }
    }
    if m.penalty_curve.iter().flatten().any(|v| bad(*v)) {
        return Some("the errors of the penalties it tried".to_owned());
    }
    None
}

/// The target's numbers, or a message naming the column and a value that is no number.
pub(super) fn read_target(
    df: &DataFrame,
    target: &str,
    file: &str,
) -> Result<Vec<Option<f64>>, RegressError> {
    super::forecast_input::read_values(df, target).map_err(|e| {
        use super::forecast_input::InputError;
        match e {
            InputError::NotNumeric { row, example, .. } => RegressError::Problem(format!(
                "{file}: \u{201c}{target}\u{201d} is not a number column (row {row} holds \
                 \u{201c}{example}\u{201d}), so it cannot be predicted as an amount. For a \
                 yes/no outcome use Predict instead."
            )),
            other @ InputError::NotOrdinary { .. } => {
                RegressError::Problem(format!("{file}: {other}."))
            }
            other => RegressError::Problem(format!("{file}: {other}")),
        }
    })
}

pub(super) fn fit_error(e: FitError) -> RegressError {
    match e {
        FitError::Cancelled => RegressError::Cancelled,
        FitError::Problem(p) => RegressError::Problem(p),
        FitError::Ols(o) => RegressError::Problem(format!("{o:?}")),
    }
}

/// Least squares' failures in words, naming the columns.
fn explain_ols(e: OlsError, names: &[String], x: ndarray::ArrayView2<f64>) -> RegressError {
    match e {
        OlsError::TooFewRows { rows, .. } => RegressError::Problem(format!(
            "There are {} driver columns (each category but the first counts as one) but only \
             {rows} training rows; linear regression needs at least {} (one more than the \
             columns plus the starting value). Use ridge or lasso, fewer drivers, or more data.",
            names.len(),
            names.len() + 2
        )),
        OlsError::Collinear { column } => {
            let name = names.get(column).cloned().unwrap_or_default();
            RegressError::Problem(match collinear_partners(column, names, x) {
                Some(partners) => format!(
                    "\u{201c}{name}\u{201d} adds nothing to {partners}: it is a fixed \
                     combination of them (collinear). Linear regression cannot separate their \
                     effects; leave one of them out, or use ridge."
                ),
                None => format!(
                    "\u{201c}{name}\u{201d} has a single value in the training rows, so its \
                     effect cannot be measured; leave it out, or use ridge."
                ),
            })
        }
        OlsError::NotFinite => {
            RegressError::Problem("A driver holds numbers too large to compute with.".to_owned())
        }
    }
}

/// The earlier columns that `column` is a combination of: least squares of that column on
/// them, keeping those with a visible share. `None` when the column is constant.
fn collinear_partners(
    column: usize,
    names: &[String],
    x: ndarray::ArrayView2<f64>,
) -> Option<String> {
    let rows = x.nrows();
    let target: Vec<f64> = x.column(column).to_vec();
    let spread = |v: &[f64]| {
        let mean = v.iter().sum::<f64>() / v.len().max(1) as f64;
        (v.iter().map(|a| (a - mean) * (a - mean)).sum::<f64>() / v.len().max(1) as f64).sqrt()
    };
    let own = spread(&target);
    if own == 0.0 || column == 0 {
        return None;
    }
    let earlier: Vec<f64> = x
        .rows()
        .into_iter()
        .flat_map(|r| r.iter().take(column).copied().collect::<Vec<_>>())
        .collect();
    let fit = super::ols::ols(&earlier, rows, column, &target).ok();
    let mut partners: Vec<String> = Vec::new();
    for (j, name) in names.iter().enumerate().take(column) {
        let share = fit
            .as_ref()
            .and_then(|f| f.coefficients.get(j))
            .map_or(1.0, |b| (b * spread(&x.column(j).to_vec())).abs() / own);
        if share > 1e-6 {
            partners.push(format!("\u{201c}{name}\u{201d}"));
        }
    }
    Some(match partners.len() {
        0 => "the drivers before it".to_owned(),
        1..=5 => partners.join(", "),
        n => format!("{} and {} more", partners[..5].join(", "), n - 5),
    })
}

/// Fewer evaluated rows than this give the range as ±1.96 × RMSE rather than quantiles.
pub const QUANTILE_MIN_ROWS: usize = 20;

/// The middle 95 % of the evaluation errors (actual − predicted); ±1.96·RMSE with fewer
/// than [`QUANTILE_MIN_ROWS`] rows.
fn residual_range(actual: &[f64], predicted: &[f64], rmse: f64) -> (f64, f64) {
    let mut r: Vec<f64> = actual
        .iter()
        .zip(predicted)
        .map(|(a, p)| a - p)
        .filter(|v| v.is_finite())
        .collect();
    if r.len() < QUANTILE_MIN_ROWS {
        return (-1.96 * rmse, 1.96 * rmse);
    }
    r.sort_by(f64::total_cmp);
    let q = |p: f64| {
        let h = (r.len() - 1) as f64 * p;
        let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
        r[lo] + (r[hi] - r[lo]) * (h - lo as f64)
    };
    (q(0.025), q(0.975))
}

pub(super) type Plan = Vec<(Vec<usize>, Vec<usize>)>;
/// The plan, the evaluation in words, and the test file with its name.
pub(super) type Planned = (Plan, String, Option<(DataFrame, String)>);

/// Training and evaluation rows of each fit, the evaluation in words, and the test file.
pub(super) fn plan(have: &[usize], params: &RegressParams) -> Result<Planned, RegressError> {
    match &params.evaluation {
        Evaluation::Split { test_share } => {
            let share = test_share.clamp(0.05, 0.9);
            let mut order = have.to_vec();
            SplitMix64(params.seed).shuffle(&mut order);
            let n_test = ((have.len() as f64 * share).round() as usize).clamp(1, have.len() - 2);
            let mut test = order[..n_test].to_vec();
            let mut train = order[n_test..].to_vec();
            test.sort_unstable();
            train.sort_unstable();
            Ok((
                vec![(train, test)],
                format!(
                    "on a held-out {:.0} % of the rows (seed {})",
                    share * 100.0,
                    params.seed
                ),
                None,
            ))
        }
        Evaluation::KFold { folds: k } => {
            let k = (*k).clamp(2, 20).min(have.len());
            let parts = folds(have.len(), k, params.seed);
            let plan = (0..parts.len())
                .map(|f| {
                    let test: Vec<usize> = parts[f].iter().map(|&i| have[i]).collect();
                    let mut train: Vec<usize> = parts
                        .iter()
                        .enumerate()
                        .filter(|(g, _)| *g != f)
                        .flat_map(|(_, p)| p.iter().map(|&i| have[i]))
                        .collect();
                    train.sort_unstable();
                    (train, test)
                })
                .collect();
            Ok((
                plan,
                format!("by {k}-fold cross-validation (seed {})", params.seed),
                None,
            ))
        }
        Evaluation::TestFile { df, name } => Ok((
            vec![(have.to_vec(), Vec::new())],
            String::new(),
            Some((df.clone(), name.clone())),
        )),
    }
}

pub(super) fn final_training_rows(
    plan: &Plan,
    have: &[usize],
    params: &RegressParams,
) -> Vec<usize> {
    match params.evaluation {
        Evaluation::KFold { .. } => have.to_vec(),
        _ => plan.first().map(|p| p.0.clone()).unwrap_or_default(),
    }
}

/// Why a feature cannot explain anything on these rows: no values, or a single one.
pub(super) fn unusable(df: &DataFrame, feature: &str) -> Option<&'static str> {
    let col = df.column(feature).ok()?;
    let single = if col.dtype().is_primitive_numeric() {
        let v: Vec<f64> = crate::data::prep::numeric_values(col)
            .into_iter()
            .flatten()
            .collect();
        if v.is_empty() {
            return Some("has no values in the training rows");
        }
        v.windows(2).all(|w| w[0] == w[1])
    } else {
        let v = crate::data::prep::text_values(col);
        v.windows(2).all(|w| w[0] == w[1])
    };
    single.then_some("has the same value in every training row")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(value: f64, rmse: f64) -> RegModelResult {
        RegModelResult {
            kind: RegModel::Ols,
            predictions: vec![1.0, 2.0],
            errors: RegressionErrors {
                rmse,
                mae: 0.5,
                mape: Some(10.0),
                r2: 0.9,
                n: 2,
            },
            fitted: RegFitted {
                transform: crate::data::prep::Transform {
                    columns: Vec::new(),
                },
                model: FittedModel::Linear {
                    intercept: 0.0,
                    coefficients: vec![value],
                },
            },
            coefficients: vec![super::super::regress_explain::RegCoefficient {
                name: "price".into(),
                feature: "price".into(),
                category: None,
                value,
                lower: Some(value - 1.0),
                upper: Some(value + 1.0),
                std_error: Some(0.5),
                t_value: Some(2.0),
                p_value: Some(0.05),
                sentence: String::new(),
            }],
            intercept: Some(3.0),
            ols: None,
            alpha: None,
            penalty_curve: Vec::new(),
            residual_range: (-1.0, 1.0),
            fit_seconds: 0.0,
        }
    }

    #[test]
    fn results_that_are_not_finite_are_named() {
        assert_eq!(not_finite_part(&result(2.0, 1.0)), None);
        assert_eq!(
            not_finite_part(&result(f64::INFINITY, 1.0)).as_deref(),
            Some("the effect of \u{201c}price\u{201d}")
        );
        assert_eq!(
            not_finite_part(&result(2.0, f64::NAN)).as_deref(),
            Some("its prediction errors")
        );
        let mut r = result(2.0, 1.0);
        r.predictions[1] = f64::NEG_INFINITY;
        assert_eq!(not_finite_part(&r).as_deref(), Some("its predictions"));
    }

    #[test]
    fn the_range_is_numpys_percentiles_or_rmse_for_few_rows() {
        // numpy.percentile(range(100), [2.5, 97.5]) = [2.475, 96.525]
        let actual: Vec<f64> = (0..100).map(f64::from).collect();
        let (low, high) = residual_range(&actual, &[0.0; 100], 1.0);
        assert!((low - 2.475).abs() < 1e-12 && (high - 96.525).abs() < 1e-12);
        let (low, high) = residual_range(&[1.0, 2.0, 3.0], &[1.5, 2.5, 2.0], 0.7);
        assert_eq!((low, high), (-1.96 * 0.7, 1.96 * 0.7));
    }
}
