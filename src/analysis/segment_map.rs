//! The segment map: customers on the two principal directions of the standardized features
//! (linfa-reduction PCA on a seeded sample), where segment centres can be placed too.

use linfa::DatasetBase;
use linfa::traits::Fit;
use linfa_reduction::Pca;
use ndarray::{Array2, ArrayView1, Axis};
use rand_xoshiro::Xoshiro256Plus;
use rand_xoshiro::rand_core::{RngCore, SeedableRng};

use crate::data::prep::Design;

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
pub(crate) fn sample_rows(total: usize, n: usize, seed: u64) -> Vec<usize> {
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
