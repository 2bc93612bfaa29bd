//! The regression models on a design matrix: least squares (analysis/ols.rs, with standard
//! errors), ridge, lasso and elastic net (linfa-elasticnet, coordinate descent, with
//! scikit-learn's penalty conventions), k-nearest-neighbour averaging (linfa-nn), and the
//! choice of the penalty by k-fold cross-validation.

use linfa::prelude::*;
use linfa_elasticnet::ElasticNet;
use linfa_nn::{CommonNearestNeighbour, NearestNeighbour, distance::L2Dist};
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis, ShapeBuilder};
use serde::{Deserialize, Serialize};

use super::ols::{OlsError, OlsFit, ols};
use super::target::SplitMix64;
use crate::jobs::Cancelled;

/// The regression models MarketLens offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegModel {
    Ols,
    Ridge,
    Lasso,
    ElasticNet,
    Knn,
}

impl RegModel {
    pub const ALL: [RegModel; 5] = [
        RegModel::Ols,
        RegModel::Ridge,
        RegModel::Lasso,
        RegModel::ElasticNet,
        RegModel::Knn,
    ];

    pub fn label(self) -> &'static str {
        match self {
            RegModel::Ols => "Linear regression",
            RegModel::Ridge => "Ridge",
            RegModel::Lasso => "Lasso",
            RegModel::ElasticNet => "Elastic net",
            RegModel::Knn => "Nearest neighbours",
        }
    }

    /// The name on the command line and in JSON.
    pub fn cli_name(self) -> &'static str {
        match self {
            RegModel::Ols => "ols",
            RegModel::Ridge => "ridge",
            RegModel::Lasso => "lasso",
            RegModel::ElasticNet => "elastic_net",
            RegModel::Knn => "knn",
        }
    }

    pub fn parse(s: &str) -> Option<RegModel> {
        let s = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        match s.as_str() {
            "ols" | "linear" | "linear_regression" => Some(RegModel::Ols),
            "ridge" => Some(RegModel::Ridge),
            "lasso" => Some(RegModel::Lasso),
            "elastic_net" | "elasticnet" | "enet" => Some(RegModel::ElasticNet),
            "knn" | "k_nn" | "nearest_neighbours" | "nearest_neighbors" => Some(RegModel::Knn),
            _ => None,
        }
    }

    /// One line for a hover.
    pub fn explain(self) -> &'static str {
        match self {
            RegModel::Ols => {
                "A straight-line effect per driver, fitted by least squares. Gives ranges \
                 (95 % intervals) and p-values for each effect."
            }
            RegModel::Ridge => {
                "Linear regression that shrinks all effects a little; steadier when drivers \
                 move together."
            }
            RegModel::Lasso => {
                "Linear regression that sets weak effects to exactly zero, keeping only the \
                 drivers that matter."
            }
            RegModel::ElasticNet => {
                "Half ridge, half lasso: shrinks effects and drops the weakest; good when \
                 several drivers move together."
            }
            RegModel::Knn => {
                "Predicts the average of the most similar rows. Follows curves and \
                 interactions, but has no single effect per driver."
            }
        }
    }

    pub fn is_linear(self) -> bool {
        self != RegModel::Knn
    }

    /// The share of the penalty on absolute values (scikit-learn's `l1_ratio`).
    pub fn l1_ratio(self, elastic_net: f64) -> f64 {
        match self {
            RegModel::Lasso => 1.0,
            RegModel::ElasticNet => elastic_net.clamp(0.01, 0.99),
            _ => 0.0,
        }
    }
}

/// A trained model, on the design matrix's scale.
#[derive(Clone, Debug)]
pub enum FittedModel {
    Linear {
        intercept: f64,
        coefficients: Vec<f64>,
    },
    Knn {
        k: usize,
        x: Array2<f64>,
        y: Vec<f64>,
    },
}

/// At most this many rows are predicted by scanning every training row; more get an index.
const BRUTE_FORCE_ROWS: usize = 16;

impl FittedModel {
    /// Predictions for the rows of `x`. `each` is called after every block of rows (to
    /// report progress and stop); it returns `Err` to give up.
    pub fn predict_until(
        &self,
        x: ArrayView2<f64>,
        each: &mut dyn FnMut(usize) -> Result<(), Cancelled>,
    ) -> Result<Vec<f64>, FitError> {
        match self {
            FittedModel::Linear {
                intercept,
                coefficients,
            } => {
                let w = ArrayView1::from(coefficients.as_slice());
                Ok(x.dot(&w).iter().map(|v| v + intercept).collect())
            }
            FittedModel::Knn { k, x: train, y } => {
                let k = (*k).clamp(1, y.len().max(1));
                if y.is_empty() {
                    return Err(FitError::Problem("There are no training rows.".to_owned()));
                }
                // linfa-nn's k-d tree panics on a coordinate that is not finite (and on a
                // strided row): refuse such rows first. The preparation refuses infinite
                // and huge values; this is the last guard (a model file edited by hand).
                let bad_rows = |x: ArrayView2<f64>| {
                    x.rows()
                        .into_iter()
                        .filter(|r| r.iter().any(|v| !v.is_finite()))
                        .count()
                };
                let bad_targets = y.iter().filter(|v| !v.is_finite()).count();
                for (count, part) in [
                    (bad_rows(train.view()), "training rows"),
                    (bad_targets, "training targets"),
                    (bad_rows(x), "predicted rows"),
                ] {
                    if count > 0 {
                        return Err(FitError::Problem(format!(
                            "Nearest neighbours cannot use {count} of the {part}: they hold \
                             numbers that are not ordinary (infinite, or too large to compute \
                             with). Fix or remove those rows."
                        )));
                    }
                }
                if x.nrows() <= BRUTE_FORCE_ROWS {
                    return Ok(x
                        .rows()
                        .into_iter()
                        .map(|row| brute_force_mean(train.view(), y, row, k))
                        .collect());
                }
                let index = CommonNearestNeighbour::KdTree
                    .from_batch(train, L2Dist)
                    .map_err(|e| {
                        FitError::Problem(format!("The neighbour index could not be built: {e}"))
                    })?;
                let mut out = Vec::with_capacity(x.nrows());
                for (i, row) in x.rows().into_iter().enumerate() {
                    if i % 1024 == 0 {
                        each(i)?;
                    }
                    let found = index.k_nearest(row.to_owned().view(), k).map_err(|e| {
                        FitError::Problem(format!("The neighbour search failed: {e}"))
                    })?;
                    let sum: f64 = found.iter().map(|(_, j)| y[*j]).sum();
                    out.push(sum / found.len().max(1) as f64);
                }
                Ok(out)
            }
        }
    }

    pub fn predict(&self, x: ArrayView2<f64>) -> Result<Vec<f64>, FitError> {
        self.predict_until(x, &mut |_| Ok(()))
    }
}

/// The mean target of the `k` training rows nearest to `row` (ties broken by row order, as
/// scikit-learn's brute-force search).
fn brute_force_mean(train: ArrayView2<f64>, y: &[f64], row: ArrayView1<f64>, k: usize) -> f64 {
    let mut d: Vec<(f64, usize)> = train
        .rows()
        .into_iter()
        .enumerate()
        .map(|(j, t)| {
            let dist: f64 = t.iter().zip(row).map(|(a, b)| (a - b) * (a - b)).sum();
            (dist, j)
        })
        .collect();
    let k = k.min(d.len());
    if k == 0 {
        return f64::NAN;
    }
    d.select_nth_unstable_by(k - 1, |a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    d[..k].iter().map(|(_, j)| y[*j]).sum::<f64>() / k as f64
}

#[derive(Debug, thiserror::Error)]
pub enum FitError {
    #[error("{0}")]
    Problem(String),
    #[error("Cancelled.")]
    Cancelled,
    /// Least squares could not be fitted (collinear columns, too few rows).
    #[error("{0:?}")]
    Ols(OlsError),
}

impl From<Cancelled> for FitError {
    fn from(_: Cancelled) -> Self {
        FitError::Cancelled
    }
}

/// Least squares with its statistics.
pub fn fit_ols(x: ArrayView2<f64>, y: &[f64]) -> Result<(FittedModel, OlsFit), FitError> {
    let rows = x.nrows();
    let p = x.ncols();
    let flat: Vec<f64> = x.iter().copied().collect();
    let fit = ols(&flat, rows, p, y).map_err(FitError::Ols)?;
    Ok((
        FittedModel::Linear {
            intercept: fit.intercept,
            coefficients: fit.coefficients.clone(),
        },
        fit,
    ))
}

/// Convergence tolerance of the coordinate descent (linfa's duality-gap test is relative
/// to Σ(y − ȳ)²).
const TOLERANCE: f64 = 1e-10;
const MAX_ITERATIONS: u32 = 50_000;

/// Ridge, lasso or elastic net with an intercept, minimising scikit-learn's objectives:
/// - `l1_ratio` = 0 (ridge): Σ(y − ŷ)² + α·Σw² (`sklearn.linear_model.Ridge(alpha)`);
/// - otherwise: Σ(y − ŷ)²/(2n) + α·ρ·Σ|w| + α·(1 − ρ)/2·Σw² (`Lasso`, `ElasticNet`).
///
/// Lasso and elastic net run linfa's coordinate descent; the columns are centred here
/// (linfa centres only the target), so 0/1 columns need no preparation. Ridge with a
/// positive penalty is solved exactly. The intercept is given back on the scale of `x`.
pub fn fit_penalised(
    x: ArrayView2<f64>,
    y: &[f64],
    alpha: f64,
    l1_ratio: f64,
) -> Result<FittedModel, FitError> {
    fit_penalised_to(x, y, alpha, l1_ratio, TOLERANCE)
}

/// Looser convergence for the trial fits of cross-validation: their errors only rank the
/// penalties, and the final model is refitted with [`TOLERANCE`].
const TRIAL_TOLERANCE: f64 = 1e-6;

fn fit_penalised_to(
    x: ArrayView2<f64>,
    y: &[f64],
    alpha: f64,
    l1_ratio: f64,
    tolerance: f64,
) -> Result<FittedModel, FitError> {
    let n = x.nrows();
    if n < 2 {
        return Err(FitError::Problem(
            "At least two training rows are needed.".to_owned(),
        ));
    }
    let means = x
        .mean_axis(Axis(0))
        .unwrap_or_else(|| Array1::zeros(x.ncols()));
    let centred = &x - &means.view().insert_axis(Axis(0));
    if l1_ratio == 0.0 && alpha > 0.0 {
        return ridge_closed_form(centred.view(), y, alpha, means.view());
    }
    // linfa's penalty has scikit-learn's ElasticNet scale; Ridge's α is n times larger
    let penalty = if l1_ratio == 0.0 {
        alpha / n as f64
    } else {
        alpha
    };
    // coordinate descent walks columns: lay them out contiguously (column-major)
    let mut columns = Array2::<f64>::zeros(centred.raw_dim().f());
    columns.assign(&centred);
    let data = Dataset::new(columns, Array1::from(y.to_vec()));
    let model = ElasticNet::params()
        .penalty(penalty.max(0.0))
        .l1_ratio(l1_ratio.clamp(0.0, 1.0))
        .with_intercept(true)
        .tolerance(tolerance)
        .max_iterations(MAX_ITERATIONS)
        .fit(&data)
        .map_err(|e| FitError::Problem(format!("The penalised fit failed: {e}")))?;
    let w = model.hyperplane();
    let intercept = model.intercept() - w.dot(&means);
    Ok(FittedModel::Linear {
        intercept,
        coefficients: w.to_vec(),
    })
}

/// Ridge solved exactly: (Xc'Xc + αI) w = Xc'(y − ȳ) by Cholesky. Coordinate descent
/// (linfa's) needs minutes to converge for the small penalties cross-validation tries on
/// thousands of rows; the normal equations take milliseconds and are exact.
fn ridge_closed_form(
    centred: ArrayView2<f64>,
    y: &[f64],
    alpha: f64,
    means: ArrayView1<f64>,
) -> Result<FittedModel, FitError> {
    let p = centred.ncols();
    let y_mean = y.iter().sum::<f64>() / y.len().max(1) as f64;
    let yc = Array1::from_iter(y.iter().map(|v| v - y_mean));
    let mut a = centred.t().dot(&centred);
    for j in 0..p {
        a[[j, j]] += alpha;
    }
    let b = centred.t().dot(&yc);
    // Cholesky: a = L Lᵀ
    let mut l = Array2::<f64>::zeros((p, p));
    for i in 0..p {
        for j in 0..=i {
            let mut sum = a[[i, j]];
            for k in 0..j {
                sum -= l[[i, k]] * l[[j, k]];
            }
            if i == j {
                if sum.is_nan() || sum <= 0.0 {
                    return Err(FitError::Problem(
                        "The ridge system is not positive definite (a penalty of zero with \
                         columns that repeat each other?)."
                            .to_owned(),
                    ));
                }
                l[[i, i]] = sum.sqrt();
            } else {
                l[[i, j]] = sum / l[[j, j]];
            }
        }
    }
    // L z = b, then Lᵀ w = z
    let mut z = vec![0.0; p];
    for i in 0..p {
        let s: f64 = (0..i).map(|k| l[[i, k]] * z[k]).sum();
        z[i] = (b[i] - s) / l[[i, i]];
    }
    let mut w = vec![0.0; p];
    for i in (0..p).rev() {
        let s: f64 = (i + 1..p).map(|k| l[[k, i]] * w[k]).sum();
        w[i] = (z[i] - s) / l[[i, i]];
    }
    let intercept = y_mean - w.iter().zip(means).map(|(a, b)| a * b).sum::<f64>();
    Ok(FittedModel::Linear {
        intercept,
        coefficients: w,
    })
}

/// k-nearest-neighbour regression keeps its training rows.
pub fn fit_knn(x: ArrayView2<f64>, y: &[f64], k: usize) -> FittedModel {
    FittedModel::Knn {
        k: k.max(1),
        x: x.to_owned(),
        y: y.to_vec(),
    }
}

/// The penalties tried by cross-validation, largest first. For lasso and elastic net they
/// run from the smallest α that sets every effect to zero down to 1/1000 of it (as
/// scikit-learn's LassoCV); for ridge over n·10⁻⁵ … n·10.
pub fn penalty_grid(x: ArrayView2<f64>, y: &[f64], l1_ratio: f64, count: usize) -> Vec<f64> {
    let n = x.nrows().max(1) as f64;
    let count = count.max(2);
    let (top, bottom) = if l1_ratio > 0.0 {
        let y_mean = y.iter().sum::<f64>() / n;
        let means = x
            .mean_axis(Axis(0))
            .unwrap_or_else(|| Array1::zeros(x.ncols()));
        let mut top: f64 = 0.0;
        for (j, col) in x.columns().into_iter().enumerate() {
            let dot: f64 = col
                .iter()
                .zip(y)
                .map(|(a, b)| (a - means[j]) * (b - y_mean))
                .sum();
            top = top.max(dot.abs());
        }
        let top = (top / (n * l1_ratio)).max(1e-12);
        (top, top * 1e-3)
    } else {
        (n * 10.0, n * 1e-5)
    };
    (0..count)
        .map(|i| {
            let t = i as f64 / (count - 1) as f64;
            (top.ln() + t * (bottom.ln() - top.ln())).exp()
        })
        .collect()
}

/// Random folds of `0..n` (seeded), each in ascending order.
pub fn folds(n: usize, k: usize, seed: u64) -> Vec<Vec<usize>> {
    let k = k.clamp(2, n.max(2));
    let mut order: Vec<usize> = (0..n).collect();
    SplitMix64(seed ^ 0xF01D).shuffle(&mut order);
    let mut parts = vec![Vec::new(); k];
    for (i, r) in order.into_iter().enumerate() {
        parts[i % k].push(r);
    }
    for p in &mut parts {
        p.sort_unstable();
    }
    parts
}

/// Cross-validated error of each penalty: (α, RMSE over all held-out rows).
pub struct PenaltyChoice {
    pub alpha: f64,
    pub curve: Vec<[f64; 2]>,
}

/// Try each penalty of `grid` on `k` folds of the training rows and keep the one with the
/// lowest held-out mean squared error. `each(done, total)` reports progress and may stop.
pub fn choose_penalty(
    x: ArrayView2<f64>,
    y: &[f64],
    l1_ratio: f64,
    grid: &[f64],
    k: usize,
    seed: u64,
    each: &mut dyn FnMut(usize, usize) -> Result<(), Cancelled>,
) -> Result<PenaltyChoice, FitError> {
    let parts = folds(x.nrows(), k, seed);
    let total = grid.len() * parts.len();
    // squared error summed over every held-out row, per penalty
    let mut squared = vec![0.0; grid.len()];
    let mut count = 0usize;
    let mut done = 0;
    for test in &parts {
        let mut in_test = vec![false; x.nrows()];
        for &r in test {
            in_test[r] = true;
        }
        let train: Vec<usize> = (0..x.nrows()).filter(|&r| !in_test[r]).collect();
        let train_x = x.select(Axis(0), &train);
        let test_x = x.select(Axis(0), test);
        let train_y: Vec<f64> = train.iter().map(|&r| y[r]).collect();
        for (a, &alpha) in grid.iter().enumerate() {
            each(done, total)?;
            done += 1;
            // ridge's α counts squared errors, not their mean: keep its strength per row
            // the same on the smaller fold
            let fold_alpha = if l1_ratio == 0.0 {
                alpha * train.len() as f64 / x.nrows() as f64
            } else {
                alpha
            };
            let model = fit_penalised_to(
                train_x.view(),
                &train_y,
                fold_alpha,
                l1_ratio,
                TRIAL_TOLERANCE,
            )?;
            let predicted = model.predict(test_x.view())?;
            squared[a] += predicted
                .iter()
                .zip(test)
                .map(|(p, &r)| (p - y[r]) * (p - y[r]))
                .sum::<f64>();
        }
        count += test.len();
    }
    let curve: Vec<[f64; 2]> = grid
        .iter()
        .zip(&squared)
        .map(|(&alpha, s)| [alpha, (s / count.max(1) as f64).sqrt()])
        .collect();
    each(total, total)?;
    let best = curve
        .iter()
        .filter(|p| p[1].is_finite())
        .min_by(|a, b| a[1].total_cmp(&b[1]))
        .map(|p| p[0])
        .ok_or_else(|| FitError::Problem("Cross-validation gave no usable error.".to_owned()))?;
    Ok(PenaltyChoice { alpha: best, curve })
}

/// The 97.5 % quantile of Student's t with `df` degrees of freedom (for 95 % intervals),
/// by bisection on the two-sided p-value.
pub fn t_quantile_975(df: f64) -> f64 {
    if df.is_nan() || df <= 0.0 {
        return f64::NAN;
    }
    let (mut lo, mut hi) = (0.0f64, 1000.0f64);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if super::ols::t_two_sided_p(mid, df) > 0.05 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_quantiles_match_scipy() {
        // scipy.stats.t.ppf(0.975, df)
        assert!((t_quantile_975(81.0) - 1.989_686_323_456_902_9).abs() < 1e-9);
        assert!((t_quantile_975(5.0) - 2.570_581_835_636_314_6).abs() < 1e-9);
    }

    #[test]
    fn folds_cover_every_row_once() {
        let parts = folds(23, 5, 7);
        let mut all: Vec<usize> = parts.iter().flatten().copied().collect();
        all.sort_unstable();
        assert_eq!(all, (0..23).collect::<Vec<_>>());
        assert!(parts.iter().all(|p| p.len() == 4 || p.len() == 5));
    }

    #[test]
    fn knn_refuses_values_that_are_not_finite_instead_of_panicking() {
        let x = Array2::from_shape_fn((30, 1), |(i, _)| i as f64);
        let y: Vec<f64> = (0..30).map(|i| 2.0 * i as f64).collect();
        // more rows than the brute-force search takes: the k-d tree path
        let mut query = Array2::from_shape_fn((20, 1), |(i, _)| i as f64 + 0.25);
        query[[7, 0]] = f64::INFINITY;
        let err = fit_knn(x.view(), &y, 3)
            .predict(query.view())
            .expect_err("refused")
            .to_string();
        assert_eq!(
            err,
            "Nearest neighbours cannot use 1 of the predicted rows: they hold numbers that \
             are not ordinary (infinite, or too large to compute with). Fix or remove those \
             rows."
        );
        let mut bad = x.clone();
        bad[[3, 0]] = f64::NAN;
        bad[[4, 0]] = f64::NEG_INFINITY;
        let err = fit_knn(bad.view(), &y, 3)
            .predict(x.view())
            .expect_err("refused")
            .to_string();
        assert!(err.contains("2 of the training rows"), "{err}");
        let mut bad_y = y.clone();
        bad_y[0] = f64::INFINITY;
        let err = fit_knn(x.view(), &bad_y, 3)
            .predict(x.view())
            .expect_err("refused")
            .to_string();
        assert!(err.contains("1 of the training targets"), "{err}");
    }

    #[test]
    fn knn_predicts_strided_rows_like_contiguous_ones() {
        let x = Array2::from_shape_fn((40, 2), |(i, j)| {
            ((i * 7 + j * 3) % 13) as f64 + 0.01 * i as f64
        });
        let y: Vec<f64> = (0..40).map(|i| i as f64).collect();
        let m = fit_knn(x.view(), &y, 1);
        // 20 queries as the rows of a transposed (column-major) array
        let columns = Array2::from_shape_fn((2, 20), |(j, i)| x[[i, j]]);
        let p = m.predict(columns.t()).expect("predicted");
        assert_eq!(p, (0..20).map(|i| i as f64).collect::<Vec<_>>());
    }

    #[test]
    fn knn_brute_force_and_index_agree() {
        // distinct distances (no ties, which the two searches may break differently)
        let x = Array2::from_shape_fn((40, 2), |(i, j)| {
            (i as f64 * 0.618_034 + j as f64 * 0.414_213 + (i * j) as f64 * 0.1).fract() * 10.0
        });
        let y: Vec<f64> = (0..40).map(|i| i as f64).collect();
        let m = fit_knn(x.view(), &y, 3);
        let q = Array2::from_shape_fn((20, 2), |(i, j)| (i + j) as f64 * 0.29 + 0.011);
        let indexed = m.predict(q.view()).expect("index");
        let brute: Vec<f64> = (0..20)
            .map(|i| brute_force_mean(x.view(), &y, q.row(i), 3))
            .collect();
        for (a, b) in indexed.iter().zip(&brute) {
            assert!((a - b).abs() < 1e-9, "{a} vs {b}");
        }
    }

    #[test]
    fn penalised_with_no_penalty_is_least_squares() {
        let x = Array2::from_shape_fn((30, 2), |(i, j)| ((i * 5 + j * 3) % 11) as f64);
        let y: Vec<f64> = (0..30)
            .map(|i| 2.0 + 0.5 * x[[i, 0]] - 1.5 * x[[i, 1]] + ((i % 3) as f64 - 1.0) * 0.1)
            .collect();
        let (FittedModel::Linear { coefficients, .. }, _) = fit_ols(x.view(), &y).expect("ols")
        else {
            panic!("linear")
        };
        let FittedModel::Linear {
            coefficients: ridge,
            ..
        } = fit_penalised(x.view(), &y, 0.0, 0.0).expect("ridge")
        else {
            panic!("linear")
        };
        for (a, b) in coefficients.iter().zip(&ridge) {
            assert!((a - b).abs() < 1e-6, "{a} vs {b}");
        }
    }
}
