//! Saved segments: the transform, each segment's centre (and the Gaussian mixture, when the
//! segments come from one) and the segment names. A new row joins the nearest centre, or for
//! a mixture the most likely component — the rule the segmentation itself used.

use ndarray::{Array2, ArrayView1};
use polars::prelude::DataFrame;
use serde::{Deserialize, Serialize};

use super::{ModelFileError, check_columns};
use crate::analysis::clustering::Mixture;
use crate::analysis::segment::{Algorithm, SegmentResult};
use crate::data::prep::{Transform, apply};
use crate::metrics::nearest;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SavedSegments {
    /// "K-Means", "Gaussian mixture", "Hierarchical (Ward)".
    pub algorithm: String,
    /// One name per segment, as the user left them.
    pub names: Vec<String>,
    pub transform: Transform,
    /// Segment centres in the model's (standardized) space, one row per segment.
    pub centres: Vec<Vec<f64>>,
    pub mixture: Option<Mixture>,
}

impl SavedSegments {
    pub fn from_result(result: &SegmentResult, algorithm: Algorithm, names: &[String]) -> Self {
        let k = result.fit.centroids.nrows();
        SavedSegments {
            algorithm: algorithm.label().to_owned(),
            names: (0..k)
                .map(|i| {
                    names
                        .get(i)
                        .filter(|n| !n.trim().is_empty())
                        .cloned()
                        .unwrap_or_else(|| format!("Segment {}", i + 1))
                })
                .collect(),
            transform: result.design.transform.clone(),
            centres: result
                .fit
                .centroids
                .rows()
                .into_iter()
                .map(|r| r.to_vec())
                .collect(),
            mixture: result.fit.mixture.clone(),
        }
    }

    /// The segment number of every row of `df`.
    pub fn labels(&self, df: &DataFrame, file: &str) -> Result<Vec<usize>, ModelFileError> {
        let apply_err = |reason: String| ModelFileError::Apply {
            file: file.to_owned(),
            reason,
        };
        check_columns(df, &self.transform, None).map_err(apply_err)?;
        let (x, _) = apply(df, &self.transform).map_err(|e| apply_err(e.to_string()))?;
        let d = x.ncols();
        if self.centres.iter().any(|c| c.len() != d) || self.centres.is_empty() {
            return Err(apply_err(
                "the saved segment centres do not match the model's columns".to_owned(),
            ));
        }
        if let Some(m) = &self.mixture {
            let comps = m.components(d).map_err(apply_err)?;
            return Ok(x
                .rows()
                .into_iter()
                .map(|row| most_likely(&comps, row))
                .collect());
        }
        let centres = Array2::from_shape_vec(
            (self.centres.len(), d),
            self.centres.iter().flatten().copied().collect(),
        )
        .map_err(|e| apply_err(e.to_string()))?;
        Ok(nearest(x.view(), centres.view()).0)
    }

    /// The segment name of every row of `df`.
    pub fn assign(&self, df: &DataFrame, file: &str) -> Result<Vec<String>, ModelFileError> {
        Ok(self
            .labels(df, file)?
            .into_iter()
            .map(|l| self.names.get(l).cloned().unwrap_or_default())
            .collect())
    }
}

/// One mixture component ready for scoring: log weight, mean, lower Cholesky factor of the
/// covariance (row-major) and the log-determinant of the covariance.
struct Component {
    log_weight: f64,
    mean: Vec<f64>,
    chol: Vec<f64>,
    log_det: f64,
}

impl Mixture {
    fn components(&self, d: usize) -> Result<Vec<Component>, String> {
        let bad = || "the saved mixture does not match the model's columns".to_owned();
        if self.means.len() != self.weights.len() || self.covariances.len() != self.weights.len() {
            return Err(bad());
        }
        let mut out = Vec::new();
        for ((w, mean), cov) in self.weights.iter().zip(&self.means).zip(&self.covariances) {
            if mean.len() != d || cov.len() != d * d {
                return Err(bad());
            }
            let chol = cholesky(cov, d)
                .ok_or_else(|| "a saved mixture covariance is not positive definite".to_owned())?;
            let log_det = 2.0 * (0..d).map(|i| chol[i * d + i].ln()).sum::<f64>();
            out.push(Component {
                log_weight: w.ln(),
                mean: mean.clone(),
                chol,
                log_det,
            });
        }
        Ok(out)
    }
}

/// Lower-triangular L with L·Lᵀ = a (row-major d × d), or None if `a` is not positive definite.
pub(super) fn cholesky(a: &[f64], d: usize) -> Option<Vec<f64>> {
    let mut l = vec![0.0; d * d];
    for i in 0..d {
        for j in 0..=i {
            let s: f64 = (0..j).map(|k| l[i * d + k] * l[j * d + k]).sum();
            if i == j {
                let v = a[i * d + i] - s;
                if v <= 0.0 || !v.is_finite() {
                    return None;
                }
                l[i * d + i] = v.sqrt();
            } else {
                l[i * d + j] = (a[i * d + j] - s) / l[j * d + j];
            }
        }
    }
    Some(l)
}

/// The component with the highest weighted log density at `row` (the constant −d/2·ln 2π is
/// the same for all and left out).
fn most_likely(comps: &[Component], row: ArrayView1<f64>) -> usize {
    let d = row.len();
    let mut best = (0, f64::NEG_INFINITY);
    let mut z = vec![0.0; d];
    for (c, comp) in comps.iter().enumerate() {
        // solve L z = row − mean
        for i in 0..d {
            let s: f64 = (0..i).map(|k| comp.chol[i * d + k] * z[k]).sum();
            z[i] = (row[i] - comp.mean[i] - s) / comp.chol[i * d + i];
        }
        let maha: f64 = z.iter().map(|v| v * v).sum();
        let score = comp.log_weight - 0.5 * (comp.log_det + maha);
        if score > best.1 {
            best = (c, score);
        }
    }
    best.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cholesky_reproduces_the_matrix() {
        let a = [4.0, 2.0, 0.4, 2.0, 2.0, 0.2, 0.4, 0.2, 3.0];
        let l = cholesky(&a, 3).expect("positive definite");
        for i in 0..3 {
            for j in 0..3 {
                let v: f64 = (0..3).map(|k| l[i * 3 + k] * l[j * 3 + k]).sum();
                assert!((v - a[i * 3 + j]).abs() < 1e-12);
            }
        }
        assert!(cholesky(&[1.0, 2.0, 2.0, 1.0], 2).is_none());
    }
}
