//! The clustering algorithms behind segmentation: K-Means (our own Lloyd iterations on
//! every core, kmeans.rs, with live progress), Gaussian mixture (linfa-clustering) and Ward
//! (kodama), all seeded, all returning the same [`KMeansFit`].

pub mod blocks;
pub mod kmeans;
pub mod lloyd;

use linfa::DatasetBase;
use linfa::traits::Fit;
use ndarray::{Array2, ArrayView2, Axis};
use rand_xoshiro::Xoshiro256Plus;
use rand_xoshiro::rand_core::{RngCore, SeedableRng};

use blocks::Rows;

use super::segment::{SegmentError, SegmentParams, SegmentProgress};
use super::segment_map::sample_rows;
use crate::jobs::Reporter;
use crate::metrics::{euclidean, inertia, nearest};

/// One K-Means fit in the design space.
#[derive(Clone, Debug)]
pub struct KMeansFit {
    pub k: usize,
    pub labels: Vec<usize>,
    /// Centroids in the standardized design space (k × features).
    pub centroids: Array2<f64>,
    /// Sum of squared distances to the assigned centroid, in the design space.
    pub inertia: f64,
    /// Inertia after each iteration of the best start.
    pub history: Vec<f64>,
    /// Which start won (0-based).
    pub best_init: usize,
    /// The Gaussian mixture's components, when the segments come from one (new rows go to
    /// their most likely component rather than the nearest centre).
    pub mixture: Option<Mixture>,
}

/// A fitted Gaussian mixture: component weights, means and full covariances (design space).
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Mixture {
    pub weights: Vec<f64>,
    pub means: Vec<Vec<f64>>,
    /// One row-major d × d matrix per component.
    pub covariances: Vec<Vec<f64>>,
}

/// k-means with `n_init` k-means++ starts (seeded), each run to convergence by Lloyd
/// iterations (kmeans.rs); the start with the lowest inertia is kept.
pub fn kmeans(
    x: ArrayView2<f64>,
    params: &SegmentParams,
    k: usize,
    reporter: &Reporter<SegmentProgress>,
) -> Result<KMeansFit, SegmentError> {
    kmeans_with_preview(x, params, k, None, reporter)
}

/// [`kmeans`], also sending the current segment of each `preview` row (the map sample) with
/// every progress event, so the map recolours while K-Means converges.
///
/// Convergence follows scikit-learn (see kmeans.rs): no row changes segment, or the centres
/// move by a squared distance of at most 1e-4 × the mean column variance;
/// `params.tolerance` keeps its meaning as a Euclidean centre movement below which we stop
/// too (its default, 1e-6, is far below scikit-learn's rule on standardized data).
pub fn kmeans_with_preview(
    x: ArrayView2<f64>,
    params: &SegmentParams,
    k: usize,
    preview: Option<ArrayView2<f64>>,
    reporter: &Reporter<SegmentProgress>,
) -> Result<KMeansFit, SegmentError> {
    check_k(x, k)?;
    let d = x.ncols();
    let rows = Rows::new(x);
    let cancel = reporter.cancel_token();
    let tol = kmeans::tolerance(&rows, &cancel)?;
    let mut seeds = Xoshiro256Plus::seed_from_u64(params.seed);
    let mut best: Option<(usize, lloyd::Start)> = None;
    let mut step = 0u64;
    for init in 0..params.n_init.max(1) {
        let mut rng = Xoshiro256Plus::seed_from_u64(seeds.next_u64());
        let start = kmeans::kmeans_plus_plus(&rows, k, &mut rng, &cancel)?;
        let mut on_iteration = |iteration: u64, inertia: f64, centres: &[f64]| {
            step += 1;
            let event = || {
                let centroids = centre_array(centres, d);
                SegmentProgress::Iteration {
                    init,
                    n_init: params.n_init,
                    iteration,
                    step,
                    max_iter: params.max_iter,
                    inertia,
                    map_labels: preview.map_or_else(Vec::new, |p| nearest(p, centroids.view()).0),
                    centroids,
                }
            };
            // the first iteration of every start always reaches the live chart (a small
            // file converges within one throttle interval); later ones at most ~20 a second
            if iteration == 1 {
                reporter.report(event());
            } else {
                reporter.report_throttled(event);
            }
        };
        let run = lloyd::lloyd(
            &rows,
            start,
            (params.max_iter, tol, params.tolerance),
            &cancel,
            &mut on_iteration,
        )?;
        if best.as_ref().is_none_or(|(_, b)| run.inertia < b.inertia) {
            best = Some((init, run));
        }
    }
    let (best_init, run) =
        best.ok_or_else(|| SegmentError::Algorithm("no start finished".to_owned()))?;
    Ok(KMeansFit {
        k,
        labels: run.labels.iter().map(|&l| l as usize).collect(),
        centroids: centre_array(&run.centres, d),
        inertia: run.inertia,
        history: run.history,
        best_init,
        mixture: None,
    })
}

/// k × d centres, row after row, as an array.
fn centre_array(centres: &[f64], d: usize) -> Array2<f64> {
    let d = d.max(1);
    Array2::from_shape_fn((centres.len() / d, d), |(i, j)| centres[i * d + j])
}

/// A Gaussian mixture (linfa-clustering, full covariances, k-means start), `n_init` seeded
/// runs with the best likelihood kept; each row goes to its most likely component. The
/// "inertia" reported is the same spread as for K-Means, around the component means.
pub fn gmm(
    x: ArrayView2<f64>,
    params: &SegmentParams,
    reporter: &Reporter<SegmentProgress>,
) -> Result<KMeansFit, SegmentError> {
    use linfa::traits::Predict;
    use linfa_clustering::GaussianMixtureModel;
    check_k(x, params.k)?;
    reporter.check()?;
    let dataset = DatasetBase::from(x);
    let model =
        GaussianMixtureModel::params_with_rng(params.k, Xoshiro256Plus::seed_from_u64(params.seed))
            .n_runs(params.n_init.max(1) as u64)
            .max_n_iterations(params.max_iter)
            .reg_covariance(1e-6)
            .fit(&dataset)
            .map_err(|e| {
                SegmentError::Algorithm(format!("the Gaussian mixture did not fit ({e})"))
            })?;
    reporter.check()?;
    let labels: Vec<usize> = model.predict(&x.to_owned()).to_vec();
    let centroids = model.means().clone();
    let spread = inertia(x, centroids.view(), &labels);
    let mixture = Mixture {
        weights: model.weights().to_vec(),
        means: centroids.rows().into_iter().map(|r| r.to_vec()).collect(),
        covariances: model
            .covariances()
            .outer_iter()
            .map(|c| c.iter().copied().collect())
            .collect(),
    };
    Ok(KMeansFit {
        k: params.k,
        labels,
        centroids,
        inertia: spread,
        history: vec![spread],
        best_init: 0,
        mixture: Some(mixture),
    })
}

/// Ward works on all pairwise distances: at most this many rows (a seeded sample).
pub const WARD_SAMPLE: usize = 3000;

/// Agglomerative clustering with Ward linkage (kodama, the library behind linfa's
/// hierarchical clustering) on a seeded sample of at most [`WARD_SAMPLE`] rows, cut at k
/// segments; rows outside the sample join the nearest segment centre. Labels are numbered
/// in order of first appearance, so the result is the same on every run.
pub fn ward(
    x: ArrayView2<f64>,
    params: &SegmentParams,
    reporter: &Reporter<SegmentProgress>,
) -> Result<KMeansFit, SegmentError> {
    let k = params.k;
    check_k(x, k)?;
    let rows = sample_rows(x.nrows(), WARD_SAMPLE, params.seed ^ 0x3A3D);
    let s = x.select(Axis(0), &rows);
    let m = s.nrows();
    let mut condensed = Vec::with_capacity(m * (m - 1) / 2);
    for i in 0..m {
        reporter.check()?;
        let a = s.row(i);
        for j in i + 1..m {
            condensed.push(euclidean(a, s.row(j)));
        }
    }
    let dendrogram = kodama::linkage(&mut condensed, m, kodama::Method::Ward);
    reporter.check()?;
    // union-find over the dendrogram's labels: observations 0..m, merges m..2m-1
    let mut parent: Vec<usize> = (0..2 * m).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for (step_no, step) in dendrogram.steps().iter().take(m - k).enumerate() {
        let merged = m + step_no;
        let (a, b) = (
            root(&mut parent, step.cluster1),
            root(&mut parent, step.cluster2),
        );
        parent[a] = merged;
        parent[b] = merged;
    }
    let mut seen: Vec<usize> = Vec::new();
    let sample_labels: Vec<usize> = (0..m)
        .map(|i| {
            let r = root(&mut parent, i);
            match seen.iter().position(|&s| s == r) {
                Some(p) => p,
                None => {
                    seen.push(r);
                    seen.len() - 1
                }
            }
        })
        .collect();
    let mut centroids = Array2::<f64>::zeros((k, x.ncols()));
    let mut counts = vec![0usize; k];
    for (row, &l) in s.rows().into_iter().zip(&sample_labels) {
        let mut c = centroids.row_mut(l);
        c += &row;
        counts[l] += 1;
    }
    for (mut c, &n) in centroids.rows_mut().into_iter().zip(&counts) {
        c /= n.max(1) as f64;
    }
    // sampled rows keep their Ward segment; the others join the nearest centre
    let (mut labels, _) = nearest(x, centroids.view());
    for (&r, &l) in rows.iter().zip(&sample_labels) {
        labels[r] = l;
    }
    let spread = inertia(x, centroids.view(), &labels);
    Ok(KMeansFit {
        k,
        labels,
        centroids,
        inertia: spread,
        history: vec![spread],
        best_init: 0,
        mixture: None,
    })
}

fn check_k(x: ArrayView2<f64>, k: usize) -> Result<(), SegmentError> {
    if k < 2 {
        return Err(SegmentError::TooFewSegments);
    }
    if x.nrows() < k {
        return Err(SegmentError::FewerRowsThanK { rows: x.nrows(), k });
    }
    let mut distinct = std::collections::HashSet::new();
    for row in x.rows() {
        distinct.insert(row.iter().map(|v| v.to_bits()).collect::<Vec<u64>>());
        if distinct.len() >= k {
            return Ok(());
        }
    }
    Err(SegmentError::FewerDistinctThanK {
        distinct: distinct.len(),
        k,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::segment::Algorithm;
    use ndarray::array;

    #[test]
    fn ward_matches_scikit_learn() {
        // tests/reference/ward_reference.py: AgglomerativeClustering(linkage="ward")
        let x = array![
            [1.0, 1.0],
            [1.2, 0.8],
            [0.9, 1.1],
            [5.0, 5.0],
            [5.2, 4.9],
            [4.8, 5.3],
            [9.0, 1.0],
            [9.1, 1.3],
            [8.7, 0.9],
            [3.0, 3.0],
            [6.5, 2.5],
            [2.0, 1.8],
        ];
        let expected: [(usize, [usize; 12]); 3] = [
            (2, [0, 0, 0, 1, 1, 1, 1, 1, 1, 0, 1, 0]),
            (3, [0, 0, 0, 1, 1, 1, 2, 2, 2, 0, 2, 0]),
            (4, [0, 0, 0, 1, 1, 1, 2, 2, 2, 0, 3, 0]),
        ];
        for (k, labels) in expected {
            let params = SegmentParams {
                k,
                algorithm: Algorithm::Ward,
                ..SegmentParams::default()
            };
            let fit = ward(x.view(), &params, &Reporter::silent()).expect("fits");
            assert_eq!(fit.labels, labels, "k = {k}");
        }
    }
}
