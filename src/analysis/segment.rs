//! Customer segmentation with K-Means (linfa-clustering): k-means++ starts, several runs,
//! the best kept; driven one Lloyd iteration at a time so that progress (and the moving
//! centroids) can be shown live and Cancel acts within one iteration.

use linfa::DatasetBase;
use linfa::traits::Fit;
use linfa_clustering::{KMeans, KMeansInit};
use std::sync::Arc;

use linfa_reduction::Pca;
use ndarray::{Array2, ArrayView1, ArrayView2, Axis};
use polars::prelude::DataFrame;
use rand_xoshiro::Xoshiro256Plus;
use rand_xoshiro::rand_core::{RngCore, SeedableRng};
use serde::Serialize;

use super::profile::{ProfileRow, names, profile, quartiles_by_segment};
use crate::data::prep::{Design, PrepError, PrepOptions, fit_design};
use crate::jobs::{Cancelled, JobProgress, Reporter};
use crate::metrics::{euclidean, inertia, nearest, silhouette};

/// Silhouette is O(n²): above this many rows it is computed on a fixed-size seeded sample.
pub const SILHOUETTE_SAMPLE: usize = 3000;
/// The segment map draws at most this many customers (a seeded sample for big files).
pub const MAP_SAMPLE: usize = 20_000;

/// The segment map: a 2-D principal-component view of the standardized features.
#[derive(Clone, Debug)]
pub struct SegmentMap {
    /// Rows drawn (all rows, or a seeded sample of [`MAP_SAMPLE`]).
    pub rows: Vec<usize>,
    /// Their positions on the map.
    pub points: Vec<[f64; 2]>,
    /// 2 × features: the two directions, and the mean subtracted first.
    pub components: Array2<f64>,
    pub mean: ndarray::Array1<f64>,
    /// "monetary, frequency": the features that weigh most on each axis.
    pub axis_names: [String; 2],
}

impl SegmentMap {
    /// Where a point of the design space (a centroid) lands on the map.
    pub fn project(&self, row: ArrayView1<f64>) -> [f64; 2] {
        let centred = &row - &self.mean;
        [
            centred.dot(&self.components.row(0)),
            centred.dot(&self.components.row(1)),
        ]
    }
}

/// Fit a 2-component PCA (linfa-reduction) on (a sample of) the design matrix.
pub fn segment_map(design: &Design, seed: u64) -> Option<SegmentMap> {
    let x = design.x.view();
    if x.ncols() < 2 || x.nrows() < 3 {
        return None;
    }
    let rows = sample_rows(x.nrows(), MAP_SAMPLE, seed ^ 0x3A9);
    let sample = x.select(Axis(0), &rows);
    let pca = Pca::params(2).fit(&DatasetBase::from(sample.view())).ok()?;
    let components = pca.components().clone();
    let mean = pca.mean().clone();
    if components.nrows() != 2 || components.ncols() != x.ncols() {
        return None;
    }
    let top = |axis: usize| {
        let mut w: Vec<(f64, &str)> = components
            .row(axis)
            .iter()
            .zip(&design.names)
            .map(|(v, n)| (v.abs(), n.as_str()))
            .collect();
        w.sort_by(|a, b| b.0.total_cmp(&a.0));
        w.iter()
            .take(2)
            .map(|(_, n)| *n)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let axis_names = [top(0), top(1)];
    let mut map = SegmentMap {
        rows,
        points: Vec::new(),
        components,
        mean,
        axis_names,
    };
    map.points = sample.rows().into_iter().map(|r| map.project(r)).collect();
    Some(map)
}

/// `n` row numbers out of `total` (all of them when `total` ≤ `n`), seeded, in order.
fn sample_rows(total: usize, n: usize, seed: u64) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..total).collect();
    if total <= n {
        return idx;
    }
    let mut rng = Xoshiro256Plus::seed_from_u64(seed);
    // partial Fisher-Yates: the first n of a random permutation
    for i in 0..n {
        let j = i + (rng.next_u64() % (total - i) as u64) as usize;
        idx.swap(i, j);
    }
    idx.truncate(n);
    idx.sort_unstable();
    idx
}

/// How segments are found.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Algorithm {
    /// K-Means: round segments of similar size and spread; fast; live progress.
    #[default]
    KMeans,
    /// Gaussian mixture (full covariance): segments may be stretched or of different spread;
    /// each customer joins the most likely component.
    Gmm,
    /// Hierarchical clustering with Ward linkage on up to 3,000 customers (all of them for
    /// small files); the others join the nearest segment centre.
    Ward,
}

impl Algorithm {
    pub fn label(self) -> &'static str {
        match self {
            Algorithm::KMeans => "K-Means",
            Algorithm::Gmm => "Gaussian mixture",
            Algorithm::Ward => "Hierarchical (Ward)",
        }
    }
}

#[derive(Clone, Debug)]
pub struct SegmentParams {
    pub algorithm: Algorithm,
    pub features: Vec<String>,
    pub k: usize,
    pub seed: u64,
    /// Independent k-means++ starts; the one with the lowest inertia is kept.
    pub n_init: usize,
    pub max_iter: u64,
    /// Stop when the centroids move less than this (Euclidean, standardized units).
    pub tolerance: f64,
    pub prep: PrepOptions,
}

impl Default for SegmentParams {
    fn default() -> Self {
        Self {
            algorithm: Algorithm::KMeans,
            features: Vec::new(),
            k: 4,
            seed: 42,
            n_init: 10,
            max_iter: 300,
            tolerance: 1e-6,
            prep: PrepOptions {
                standardize: true,
                log_columns: Vec::new(),
            },
        }
    }
}

/// Progress of a segmentation job.
#[derive(Clone, Debug)]
pub enum SegmentProgress {
    /// One Lloyd iteration of one start finished; `centroids` are the current ones
    /// (standardized space).
    Iteration {
        init: usize,
        n_init: usize,
        iteration: u64,
        /// Iterations so far over all starts (the live chart's x axis).
        step: u64,
        max_iter: u64,
        inertia: f64,
        centroids: Array2<f64>,
        /// The current segment of each customer drawn on the map (empty without a map).
        map_labels: Vec<usize>,
    },
    /// The map is ready (sent once, before training).
    Map(Arc<SegmentMap>),
    /// Scanning k: `k` of the range `first..=last` is being fitted.
    Scan { k: usize, first: usize, last: usize },
}

impl JobProgress for SegmentProgress {
    fn fraction(&self) -> Option<f32> {
        match self {
            SegmentProgress::Iteration {
                init,
                n_init,
                iteration,
                max_iter,
                ..
            } => {
                // iterations usually stop long before max_iter: count each start as a block
                let within = (*iteration as f32 / (*max_iter).max(1) as f32).min(1.0);
                Some((*init as f32 + within) / (*n_init).max(1) as f32)
            }
            SegmentProgress::Scan { k, first, last } => {
                Some((k - first) as f32 / (last - first + 1).max(1) as f32)
            }
            SegmentProgress::Map(_) => None,
        }
    }

    fn describe(&self) -> String {
        match self {
            SegmentProgress::Iteration {
                init,
                n_init,
                iteration,
                inertia,
                ..
            } => format!(
                "Start {} of {n_init}, iteration {iteration}: spread within segments {inertia:.1}",
                init + 1
            ),
            SegmentProgress::Scan { k, first, last } => {
                format!("Trying {k} segments (from {first} to {last})")
            }
            SegmentProgress::Map(_) => "Drawing the segment map\u{2026}".to_owned(),
        }
    }
}

#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum SegmentError {
    #[error(transparent)]
    Prep(#[from] PrepError),
    #[error("Choose at least 2 segments.")]
    TooFewSegments,
    #[error("There are only {rows} rows, fewer than the {k} segments asked for.")]
    FewerRowsThanK { rows: usize, k: usize },
    #[error(
        "The chosen columns have only {distinct} different combinations of values, fewer than \
         the {k} segments asked for. Choose fewer segments or more columns."
    )]
    FewerDistinctThanK { distinct: usize, k: usize },
    #[error("Segmentation failed: {0}")]
    Algorithm(String),
    #[error("Segmentation was cancelled.")]
    Cancelled,
}

impl From<Cancelled> for SegmentError {
    fn from(_: Cancelled) -> Self {
        SegmentError::Cancelled
    }
}

impl From<SegmentError> for crate::jobs::JobError {
    fn from(e: SegmentError) -> Self {
        match e {
            SegmentError::Cancelled => crate::jobs::JobError::Cancelled,
            other => crate::jobs::JobError::Failed(other.to_string()),
        }
    }
}

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
}

/// k-means with `n_init` k-means++ starts (seeded), each run one Lloyd iteration at a time.
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
pub fn kmeans_with_preview(
    x: ArrayView2<f64>,
    params: &SegmentParams,
    k: usize,
    preview: Option<ArrayView2<f64>>,
    reporter: &Reporter<SegmentProgress>,
) -> Result<KMeansFit, SegmentError> {
    check_k(x, k)?;
    let dataset = DatasetBase::from(x);
    let mut seeds = Xoshiro256Plus::seed_from_u64(params.seed);
    let mut best: Option<KMeansFit> = None;
    let mut step = 0u64;
    for init in 0..params.n_init.max(1) {
        let rng = Xoshiro256Plus::seed_from_u64(seeds.next_u64());
        let mut init_method = KMeansInit::KMeansPlusPlus;
        let mut centroids: Array2<f64> = Array2::zeros((k, x.ncols()));
        let mut history = Vec::new();
        for iteration in 1..=params.max_iter.max(1) {
            reporter.check()?;
            step += 1;
            // one Lloyd step: assign to the nearest centroid, move centroids to the means
            let model = KMeans::params_with_rng(k, rng.clone())
                .n_runs(1)
                .max_n_iterations(1)
                .tolerance(params.tolerance)
                .init_method(init_method)
                .fit(&dataset)
                .map_err(|e| SegmentError::Algorithm(e.to_string()))?;
            let new = model.centroids().clone();
            let shift = if iteration == 1 {
                f64::INFINITY
            } else {
                (&new - &centroids).mapv(|v| v * v).sum().sqrt()
            };
            centroids = new;
            let (labels, dists) = nearest(x, centroids.view());
            let current: f64 = dists.iter().sum();
            history.push(current);
            reporter.report_throttled(|| SegmentProgress::Iteration {
                init,
                n_init: params.n_init,
                iteration,
                step,
                max_iter: params.max_iter,
                inertia: current,
                centroids: centroids.clone(),
                map_labels: preview.map_or_else(Vec::new, |p| nearest(p, centroids.view()).0),
            });
            init_method = KMeansInit::Precomputed(centroids.clone());
            if shift < params.tolerance || iteration == params.max_iter {
                let better = best.as_ref().is_none_or(|b| current < b.inertia);
                if better {
                    best = Some(KMeansFit {
                        k,
                        labels,
                        centroids: centroids.clone(),
                        inertia: current,
                        history: history.clone(),
                        best_init: init,
                    });
                }
                break;
            }
        }
    }
    best.ok_or_else(|| SegmentError::Algorithm("no start finished".to_owned()))
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
    Ok(KMeansFit {
        k: params.k,
        labels,
        centroids,
        inertia: spread,
        history: vec![spread],
        best_init: 0,
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

/// Silhouette on all rows, or on a seeded sample of [`SILHOUETTE_SAMPLE`] rows.
pub fn sampled_silhouette(x: ArrayView2<f64>, labels: &[usize], seed: u64) -> Option<f64> {
    if x.nrows() <= SILHOUETTE_SAMPLE {
        return silhouette(x, labels);
    }
    let idx = sample_rows(x.nrows(), SILHOUETTE_SAMPLE, seed ^ 0x5151);
    let sample = x.select(Axis(0), &idx);
    let sample_labels: Vec<usize> = idx.iter().map(|&i| labels[i]).collect();
    silhouette(sample.view(), &sample_labels)
}

/// One row of the k scan.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct KScan {
    pub k: usize,
    pub inertia: f64,
    pub silhouette: Option<f64>,
}

fn scan_design(
    x: ArrayView2<f64>,
    params: &SegmentParams,
    (first, last): (usize, usize),
    reporter: &Reporter<SegmentProgress>,
) -> Result<Vec<KScan>, SegmentError> {
    let quiet = Reporter::new(|_| {}, reporter.cancel_token());
    let mut out = Vec::new();
    for k in first..=last {
        reporter.report(SegmentProgress::Scan { k, first, last });
        let fit = kmeans(x, params, k, &quiet)?;
        out.push(KScan {
            k,
            inertia: fit.inertia,
            silhouette: sampled_silhouette(x, &fit.labels, params.seed),
        });
    }
    Ok(out)
}

/// Fit every k in `range` (for the elbow and silhouette charts).
pub fn scan_k(
    df: &DataFrame,
    params: &SegmentParams,
    range: (usize, usize),
    reporter: &Reporter<SegmentProgress>,
) -> Result<Vec<KScan>, SegmentError> {
    let design = fit_design(df, &params.features, &params.prep)?;
    scan_design(design.x.view(), params, range, reporter)
}

/// The k to suggest from a scan, with a one-line reason: the best-separated segmentation
/// (highest silhouette).
pub fn suggest_k(scan: &[KScan]) -> Option<(usize, String)> {
    let best = scan
        .iter()
        .filter_map(|s| Some((s.k, s.silhouette?)))
        .max_by(|a, b| a.1.total_cmp(&b.1))?;
    Some((
        best.0,
        format!(
            "{} segments are the most clearly separated (silhouette {:.2}, the highest of k = {} to {}).",
            best.0,
            best.1,
            scan.first().map_or(0, |s| s.k),
            scan.last().map_or(0, |s| s.k)
        ),
    ))
}

/// The input rows plus a `segment` column holding each row's segment name.
pub fn rows_with_segments(
    df: &DataFrame,
    labels: &[usize],
    names: &[String],
) -> polars::prelude::PolarsResult<DataFrame> {
    let mut out = df.clone();
    let column: Vec<&str> = labels
        .iter()
        .map(|&l| names.get(l).map_or("", String::as_str))
        .collect();
    out.with_column(polars::prelude::Column::new("segment".into(), column))?;
    Ok(out)
}

/// The profile table as a frame: feature, everyone, then one column per segment name.
pub fn profile_frame(
    profile: &[ProfileRow],
    names: &[String],
) -> polars::prelude::PolarsResult<DataFrame> {
    use polars::prelude::Column;
    let mut columns = vec![
        Column::new(
            "feature".into(),
            profile
                .iter()
                .map(|r| r.feature.as_str())
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "measure".into(),
            profile
                .iter()
                .map(|r| if r.is_share { "share" } else { "mean" })
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "everyone".into(),
            profile.iter().map(|r| r.overall).collect::<Vec<_>>(),
        ),
    ];
    let mut used: Vec<String> = vec!["feature".into(), "measure".into(), "everyone".into()];
    for (i, name) in names.iter().enumerate() {
        let mut header = name.clone();
        while used.contains(&header) {
            header.push_str(&format!(" ({})", i + 1));
        }
        used.push(header.clone());
        columns.push(Column::new(
            header.as_str().into(),
            profile
                .iter()
                .map(|r| r.per_segment.get(i).copied().unwrap_or(f64::NAN))
                .collect::<Vec<_>>(),
        ));
    }
    DataFrame::new(profile.len(), columns)
}

/// Everything the segment views and `marketlens segment` show.
#[derive(Clone, Debug)]
pub struct SegmentResult {
    pub design: Design,
    pub fit: KMeansFit,
    pub silhouette: Option<f64>,
    pub sizes: Vec<usize>,
    /// Each centroid in original units: (feature, value); categories as shares.
    pub centroids: Vec<Vec<(String, f64)>>,
    pub k_scan: Vec<KScan>,
    /// Per-segment means/shares beside the overall value, most distinctive first.
    pub profile: Vec<ProfileRow>,
    /// Suggested plain-language names, one per segment (the user may edit them).
    pub names: Vec<String>,
    /// The 2-D map (None with fewer than two design columns).
    pub map: Option<Arc<SegmentMap>>,
    /// Box-plot numbers of each numeric feature, per segment (original units).
    pub boxes: Vec<(String, Vec<Option<[f64; 5]>>)>,
}

/// Segment the rows of `df` into `params.k` groups; with `k_range`, also fit every k in it
/// (for the elbow and silhouette charts).
pub fn segment(
    df: &DataFrame,
    params: &SegmentParams,
    k_range: Option<(usize, usize)>,
    reporter: &Reporter<SegmentProgress>,
) -> Result<SegmentResult, SegmentError> {
    let design = fit_design(df, &params.features, &params.prep)?;
    let x = design.x.view();
    let k_scan = match k_range {
        Some(range) => scan_design(x, params, range, reporter)?,
        None => Vec::new(),
    };
    let map = segment_map(&design, params.seed).map(Arc::new);
    if let Some(m) = &map {
        reporter.report(SegmentProgress::Map(Arc::clone(m)));
    }
    let preview = map.as_ref().map(|m| x.select(Axis(0), &m.rows));
    let fit = match params.algorithm {
        Algorithm::KMeans => kmeans_with_preview(
            x,
            params,
            params.k,
            preview.as_ref().map(|p| p.view()),
            reporter,
        )?,
        Algorithm::Gmm => gmm(x, params, reporter)?,
        Algorithm::Ward => ward(x, params, reporter)?,
    };
    let silhouette = sampled_silhouette(x, &fit.labels, params.seed);
    let mut sizes = vec![0usize; params.k];
    for &l in &fit.labels {
        sizes[l] += 1;
    }
    let centroids = fit
        .centroids
        .rows()
        .into_iter()
        .map(|c| design.transform.invert(&c.to_vec()))
        .collect();
    debug_assert!((inertia(x, fit.centroids.view(), &fit.labels) - fit.inertia).abs() < 1e-6);
    let profile = profile(df, &design.transform.columns, &fit.labels, params.k);
    let boxes = design
        .transform
        .columns
        .iter()
        .filter_map(|t| match t {
            crate::data::prep::ColumnTransform::Numeric { name, .. } => Some((
                name.clone(),
                quartiles_by_segment(df, name, &fit.labels, params.k),
            )),
            crate::data::prep::ColumnTransform::Categorical { .. } => None,
        })
        .collect();
    let names = names(&profile, params.k);
    Ok(SegmentResult {
        design,
        fit,
        silhouette,
        sizes,
        centroids,
        k_scan,
        profile,
        names,
        map,
        boxes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
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
