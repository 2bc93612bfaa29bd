//! Customer segmentation: the parameters, progress events and errors, the k scan, and
//! `segment` which ties preparation, clustering (clustering.rs), the map (segment_map.rs)
//! and the profile (profile.rs) together into one result.

use std::sync::Arc;

use ndarray::{Array2, ArrayView2, Axis};
use polars::prelude::DataFrame;
use serde::Serialize;

pub use super::clustering::{KMeansFit, WARD_SAMPLE, gmm, kmeans, kmeans_with_preview, ward};
use super::profile::{ProfileRow, names, profile, quartiles_by_segment};
use super::segment_map::sample_rows;
pub use super::segment_map::{MAP_SAMPLE, SegmentMap, segment_map};
use crate::data::prep::{Design, PrepError, PrepOptions, fit_design};
use crate::jobs::{JobProgress, Reporter};
use crate::metrics::{inertia, silhouette};

/// Silhouette is O(n²): above this many rows it is computed on a fixed-size seeded sample.
pub const SILHOUETTE_SAMPLE: usize = 3000;
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
                format!("Trying k = {k} of {first}\u{2026}{last}")
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

crate::cancellable_error!(SegmentError);

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
        reporter.check()?;
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
