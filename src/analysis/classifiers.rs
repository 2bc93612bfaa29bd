//! The classifiers besides logistic regression and the trees: Gaussian naive Bayes (ours, as
//! scikit-learn's GaussianNB), the support vector machine (linfa-svm with Platt scaling) and
//! k-nearest neighbours (a linfa-nn k-d tree). Each gives the probability of the positive
//! class for every row.

use linfa::prelude::*;
use linfa_nn::{CommonNearestNeighbour, NearestNeighbour, distance::L2Dist};
use linfa_svm::Svm;
use ndarray::{Array1, Array2, ArrayView2, Axis};

use super::logistic::sigmoid;
use super::models::in_blocks;

/// SVM training keeps a kernel matrix of rows × rows in memory: above this many training rows
/// a stratified random sample of this size is used (the note says so).
pub const SVM_ROW_CAP: usize = 3000;
/// k-nearest neighbours keeps its training rows and searches them for every scored row: above
/// this many a sample is kept.
pub const KNN_ROW_CAP: usize = 50_000;
/// The error text of a neighbour search stopped by its caller.
pub const STOPPED: &str = "stopped";

/// Gaussian naive Bayes: per class, each feature is normal with its own mean and variance.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct NaiveBayes {
    /// [negative, positive]
    pub log_prior: [f64; 2],
    pub means: [Vec<f64>; 2],
    pub vars: [Vec<f64>; 2],
}

impl NaiveBayes {
    /// Fit with sample weights; variances get scikit-learn's smoothing
    /// (1e-9 × the largest feature variance).
    pub fn fit(x: ArrayView2<f64>, y: &[bool], weights: &[f64]) -> NaiveBayes {
        let d = x.ncols();
        let mut means = [vec![0.0; d], vec![0.0; d]];
        let mut vars = [vec![0.0; d], vec![0.0; d]];
        let mut totals = [0.0; 2];
        for ((row, &yi), &w) in x.rows().into_iter().zip(y).zip(weights) {
            let c = usize::from(yi);
            totals[c] += w;
            for (m, v) in means[c].iter_mut().zip(row) {
                *m += w * v;
            }
        }
        for c in 0..2 {
            let t = totals[c].max(f64::MIN_POSITIVE);
            means[c].iter_mut().for_each(|m| *m /= t);
        }
        for ((row, &yi), &w) in x.rows().into_iter().zip(y).zip(weights) {
            let c = usize::from(yi);
            for ((s, v), m) in vars[c].iter_mut().zip(row).zip(&means[c]) {
                *s += w * (v - m) * (v - m);
            }
        }
        // smoothing: 1e-9 times the largest variance of any feature over all rows
        let n = x.nrows().max(1) as f64;
        let overall = x.mean_axis(Axis(0)).unwrap_or_else(|| Array1::zeros(d));
        let max_var = (0..d)
            .map(|j| {
                x.column(j)
                    .iter()
                    .map(|v| (v - overall[j]) * (v - overall[j]))
                    .sum::<f64>()
                    / n
            })
            .fold(0.0, f64::max);
        let eps = 1e-9 * max_var;
        for c in 0..2 {
            let t = totals[c].max(f64::MIN_POSITIVE);
            vars[c].iter_mut().for_each(|s| *s = *s / t + eps);
        }
        let all = (totals[0] + totals[1]).max(f64::MIN_POSITIVE);
        NaiveBayes {
            log_prior: [(totals[0] / all).ln(), (totals[1] / all).ln()],
            means,
            vars,
        }
    }

    pub fn predict_proba(&self, x: ArrayView2<f64>) -> Vec<f64> {
        x.rows()
            .into_iter()
            .map(|row| {
                let jll = |c: usize| {
                    self.log_prior[c]
                        + row
                            .iter()
                            .zip(&self.means[c])
                            .zip(&self.vars[c])
                            .map(|((v, m), s)| {
                                -0.5 * (2.0 * std::f64::consts::PI * s).ln()
                                    - 0.5 * (v - m) * (v - m) / s
                            })
                            .sum::<f64>()
                };
                let (a, b) = (jll(0), jll(1));
                // P(positive) = 1 / (1 + e^(a − b))
                let z = b - a;
                if z.is_nan() { 0.5 } else { sigmoid(z) }
            })
            .collect()
    }
}

/// A support vector machine with an RBF kernel, probabilities by Platt scaling.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
pub struct SvmModel {
    model: Svm<f64, Pr>,
}

impl std::fmt::Debug for SvmModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SvmModel")
    }
}

impl SvmModel {
    /// `c` is the penalty for the positive and negative class (class weights multiply it).
    pub fn fit(x: ArrayView2<f64>, y: &[bool], c: (f64, f64)) -> Result<SvmModel, String> {
        // The C the user chose is the harmonic mean of the two penalties (balanced class
        // weights n / (2 · class rows) have a harmonic mean of exactly 1). Outside the
        // window's range the solver gains nothing and, for a huge C, runs its 10 million
        // iterations (39 s on 400 rows at C = 1e300): refuse at once.
        let (low, high) = (1e-3, 1e3);
        let chosen = if c.0 == c.1 {
            c.0
        } else {
            2.0 / (1.0 / c.0 + 1.0 / c.1)
        };
        let slack = 1e-9;
        if !(low * (1.0 - slack)..=high * (1.0 + slack)).contains(&chosen) {
            // six significant digits: 1e300, 0.0001, 1001
            let shown = if (1e-6..1e6).contains(&chosen) {
                format!("{}", (chosen * 1e6).round() / 1e6)
            } else {
                let text = format!("{chosen:.5e}");
                let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
                let mantissa = mantissa.trim_end_matches('0').trim_end_matches('.');
                format!("{mantissa}e{exponent}")
            };
            return Err(format!(
                "C is {shown}; choose a C between 0.001 and 1,000 (1 is the usual start; a \
                 larger C follows the training rows more closely and takes longer to fit)."
            ));
        }
        let targets = Array1::from(y.to_vec());
        let dataset = DatasetBase::new(x.to_owned(), targets);
        // scikit-learn's gamma = "scale": 1 / (features · variance); on standardized data the
        // kernel width is about the number of features
        let var = x.var(0.0).max(1e-12);
        let width = (x.ncols() as f64 * var).max(1e-6);
        let model = Svm::<f64, Pr>::params()
            .pos_neg_weights(c.0, c.1)
            .gaussian_kernel(width)
            .fit(&dataset)
            .map_err(|e| format!("The support vector machine could not be fitted: {e}"))?;
        Ok(SvmModel { model })
    }

    pub fn predict_proba(&self, x: ArrayView2<f64>) -> Vec<f64> {
        let p: Array1<Pr> = self.model.predict(&x);
        p.iter().map(|v| f64::from(**v)).collect()
    }
}

/// k-nearest neighbours: the share of positives among the k closest training rows.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Knn {
    pub k: usize,
    pub x: Array2<f64>,
    pub y: Vec<bool>,
}

impl Knn {
    pub fn fit(x: ArrayView2<f64>, y: &[bool], k: usize) -> Knn {
        Knn {
            k: k.clamp(1, y.len().max(1)),
            x: x.to_owned(),
            y: y.to_vec(),
        }
    }

    /// Probabilities, or an error if the index cannot be built. Scored in blocks on all
    /// cores; `stop` is asked between blocks.
    pub fn predict_proba(
        &self,
        x: ArrayView2<f64>,
        stop: &(dyn Fn() -> bool + Sync),
    ) -> Result<Vec<f64>, String> {
        // linfa-nn's k-d tree panics on a coordinate that is not finite (and on a strided
        // row): refuse such rows first. The preparation refuses infinite and huge values, so
        // this is the last guard, for a model file edited by hand.
        let bad_rows = |x: ArrayView2<f64>| {
            x.rows()
                .into_iter()
                .filter(|r| r.iter().any(|v| !v.is_finite()))
                .count()
        };
        for (count, part) in [
            (bad_rows(self.x.view()), "training"),
            (bad_rows(x), "scored"),
        ] {
            if count > 0 {
                return Err(format!(
                    "Nearest neighbours cannot use {count} of the {part} rows: they hold \
                     numbers that are not ordinary (infinite, or too large to compute with). \
                     Fix or remove those rows, or leave the column out."
                ));
            }
        }
        let index = CommonNearestNeighbour::KdTree
            .from_batch(&self.x, L2Dist)
            .map_err(|e| format!("The neighbour index could not be built: {e}"))?;
        let share =
            |row: ndarray::ArrayView1<f64>| match index.k_nearest(row.to_owned().view(), self.k) {
                Ok(found) => {
                    let pos = found.iter().filter(|(_, j)| self.y[*j]).count();
                    pos as f64 / found.len().max(1) as f64
                }
                // a query the index cannot answer (it never happens for finite rows)
                Err(_) => f64::NAN,
            };
        in_blocks(x, stop, &|rows| {
            rows.rows().into_iter().map(share).collect()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn naive_bayes_matches_scikit_learn() {
        // tests/reference/naive_bayes_reference.py: GaussianNB().predict_proba
        let x = array![
            [1.0, 2.0],
            [1.5, 1.8],
            [5.0, 8.0],
            [8.0, 8.0],
            [1.0, 0.6],
            [9.0, 11.0],
            [8.0, 2.0],
            [10.0, 2.0],
        ];
        let y = [false, false, true, true, false, true, false, true];
        let nb = NaiveBayes::fit(x.view(), &y, &[1.0; 8]);
        let p = nb.predict_proba(x.view());
        for (a, b) in p.iter().zip(SKLEARN_NB) {
            assert!((a - b).abs() < 1e-9, "{p:?}");
        }
    }

    #[test]
    fn knn_counts_neighbours() {
        let x = array![[0.0], [0.1], [0.2], [5.0], [5.1], [5.2]];
        let y = [false, false, true, true, true, true];
        let knn = Knn::fit(x.view(), &y, 3);
        let p = knn
            .predict_proba(array![[0.05], [5.05]].view(), &|| false)
            .expect("knn");
        assert!((p[0] - 1.0 / 3.0).abs() < 1e-12 && (p[1] - 1.0).abs() < 1e-12);
    }

    #[test]
    fn knn_refuses_values_that_are_not_finite_instead_of_panicking() {
        let x = array![[0.0], [f64::INFINITY], [0.2], [5.0]];
        let knn = Knn::fit(x.view(), &[false, false, true, true], 2);
        let err = knn
            .predict_proba(array![[0.1]].view(), &|| false)
            .expect_err("refused");
        assert_eq!(
            err,
            "Nearest neighbours cannot use 1 of the training rows: they hold numbers that are \
             not ordinary (infinite, or too large to compute with). Fix or remove those rows, \
             or leave the column out."
        );
        let knn = Knn::fit(array![[0.0], [1.0]].view(), &[false, true], 1);
        let query = array![[f64::NAN], [0.9], [f64::NEG_INFINITY]];
        let err = knn
            .predict_proba(query.view(), &|| false)
            .expect_err("refused");
        assert!(err.contains("2 of the scored rows"), "{err}");
    }

    #[test]
    fn knn_scores_strided_rows_like_contiguous_ones() {
        let x = array![[0.0, 0.0], [0.1, 0.0], [5.0, 5.0], [5.1, 5.0]];
        let knn = Knn::fit(x.view(), &[false, false, true, true], 2);
        // the transpose's rows are strided views (the k-d tree panicked on them)
        let columns = array![[0.05, 5.05], [0.0, 5.0]];
        let p = knn.predict_proba(columns.t(), &|| false).expect("scored");
        assert_eq!(p, vec![0.0, 1.0]);
    }

    #[test]
    fn svm_c_outside_the_range_is_refused_at_once() {
        let x = array![
            [0.0, 0.1],
            [0.2, 0.0],
            [0.1, 0.3],
            [3.0, 3.1],
            [3.2, 2.9],
            [2.9, 3.3]
        ];
        let y = [false, false, false, false, true, true];
        let started = std::time::Instant::now();
        let err = SvmModel::fit(x.view(), &y, (1e300, 1e300)).expect_err("refused");
        assert_eq!(
            err,
            "C is 1e300; choose a C between 0.001 and 1,000 (1 is the usual start; a larger C \
             follows the training rows more closely and takes longer to fit)."
        );
        assert!(started.elapsed().as_secs_f64() < 0.1);
        let err = SvmModel::fit(x.view(), &y, (1e-4, 1e-4)).expect_err("refused");
        assert!(err.starts_with("C is 0.0001;"), "{err}");
        // balanced class weights (6/4 and 6/8 here) keep the chosen C as the harmonic mean
        // of the two penalties: C = 1,000 is accepted, 1,001 is not
        let weighted = |c: f64| (c * 6.0 / 4.0, c * 6.0 / 8.0);
        assert!(
            SvmModel::fit(
                x.view(),
                &[false, false, false, false, true, true],
                weighted(1000.0)
            )
            .is_ok()
        );
        let err = SvmModel::fit(x.view(), &y, weighted(1001.0)).expect_err("refused");
        assert!(err.starts_with("C is 1001;"), "{err}");
    }

    #[test]
    fn svm_separates_two_groups() {
        let x = array![
            [0.0, 0.1],
            [0.2, 0.0],
            [0.1, 0.3],
            [0.3, 0.2],
            [3.0, 3.1],
            [3.2, 2.9],
            [2.9, 3.3],
            [3.1, 3.0]
        ];
        let y = [false, false, false, false, true, true, true, true];
        let m = SvmModel::fit(x.view(), &y, (1.0, 1.0)).expect("svm");
        let p = m.predict_proba(x.view());
        assert!(
            p[..4].iter().all(|v| *v < 0.5) && p[4..].iter().all(|v| *v > 0.5),
            "{p:?}"
        );
    }

    // filled in from tests/reference/naive_bayes_reference.py
    const SKLEARN_NB: [f64; 8] = [
        0.0001097185251802757,
        0.00019897213362484196,
        1.0,
        1.0,
        0.00017307650502049724,
        1.0,
        0.3048283814187578,
        0.4991753955452982,
    ];
}
