//! How the trees of [`super::trees`] are grown: each feature binned once (exactly, or by
//! quantiles), per-node histograms of weighted positive and negative counts per bin, the
//! best split found by scanning them, and a tree grown depth first from those splits.

use std::thread;

use ndarray::{ArrayView1, ArrayView2};
use rand_xoshiro::Xoshiro256Plus;
use rand_xoshiro::rand_core::RngCore;

use super::trees::Node;

/// Most bins per feature (bin codes are `u8`).
pub(super) const MAX_BINS: usize = 255;
/// Quantile bin edges of a feature with more than [`MAX_BINS`] distinct values are computed
/// from at most this many (evenly spaced) rows.
const QUANTILE_SAMPLE: usize = 1 << 18;

/// Uniform integer in `0..k` (k > 0).
fn below(rng: &mut Xoshiro256Plus, k: usize) -> usize {
    ((u128::from(rng.next_u64()) * k as u128) >> 64) as usize
}

// ---------------------------------------------------------------------------------------
// Binning

/// One feature's bins: the bin of each training row and the smallest and largest training
/// value in each bin.
pub(super) struct FeatureBins {
    pub(super) codes: Vec<u8>,
    pub(super) lo: Vec<f64>,
    pub(super) hi: Vec<f64>,
}

/// All features binned (feature-major, so a node's histogram reads one column).
pub(super) struct Binned {
    features: Vec<FeatureBins>,
}

/// Bins every column of `x`, the columns spread over `threads` threads.
pub(super) fn bin_matrix(x: ArrayView2<f64>, threads: usize) -> Binned {
    let n_features = x.ncols();
    let threads = threads.clamp(1, n_features.max(1));
    let mut binned: Vec<(usize, FeatureBins)> = Vec::with_capacity(n_features);
    thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                scope.spawn(move || {
                    (t..n_features)
                        .step_by(threads)
                        .map(|f| (f, bin_feature(x.column(f))))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for handle in handles {
            match handle.join() {
                Ok(part) => binned.extend(part),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
    });
    binned.sort_by_key(|(f, _)| *f);
    Binned {
        features: binned.into_iter().map(|(_, bins)| bins).collect(),
    }
}

/// Bins one feature: `value <= cuts[b]` and `value > cuts[b - 1]` means bin `b`; NaN goes to
/// the last bin (it goes right at every split).
pub(super) fn bin_feature(column: ArrayView1<f64>) -> FeatureBins {
    // One (possibly strided) pass over the column; the rest reads contiguous memory.
    let column: Vec<f64> = column.iter().copied().collect();
    let cuts = exact_cuts(&column).unwrap_or_else(|| quantile_cuts(&column));
    let n_bins = cuts.len() + 1;
    let mut lo = vec![f64::INFINITY; n_bins];
    let mut hi = vec![f64::NEG_INFINITY; n_bins];
    let codes = column
        .iter()
        .map(|&value| {
            if value.is_nan() {
                return (n_bins - 1) as u8;
            }
            let bin = cuts.partition_point(|&cut| cut < value);
            lo[bin] = lo[bin].min(value);
            hi[bin] = hi[bin].max(value);
            bin as u8
        })
        .collect();
    FeatureBins { codes, lo, hi }
}

/// Midpoints between adjacent distinct values if there are at most [`MAX_BINS`] of them.
fn exact_cuts(column: &[f64]) -> Option<Vec<f64>> {
    let mut distinct: Vec<f64> = Vec::with_capacity(MAX_BINS);
    for &value in column.iter().filter(|v| !v.is_nan()) {
        // No NaN here, so partial_cmp always answers (and -0 equals 0, as in comparisons).
        let search = distinct
            .binary_search_by(|d| d.partial_cmp(&value).unwrap_or(std::cmp::Ordering::Less));
        if let Err(position) = search {
            if distinct.len() == MAX_BINS {
                return None;
            }
            distinct.insert(position, value);
        }
    }
    Some(
        distinct
            .windows(2)
            .map(|pair| midpoint(pair[0], pair[1]))
            .collect(),
    )
}

/// Cuts between quantiles: runs of equal values (of an evenly spaced sample of the rows) are
/// accumulated until the next multiple of 1/255 of the rows is reached.
fn quantile_cuts(column: &[f64]) -> Vec<f64> {
    // Adding 0 turns -0 into 0, so total_cmp orders like comparisons do.
    let all: Vec<f64> = column
        .iter()
        .filter(|v| !v.is_nan())
        .map(|&v| v + 0.0)
        .collect();
    let mut sample: Vec<f64> = if all.len() > QUANTILE_SAMPLE {
        (0..QUANTILE_SAMPLE)
            .map(|i| all[i * all.len() / QUANTILE_SAMPLE])
            .collect()
    } else {
        all
    };
    sample.sort_unstable_by(f64::total_cmp);
    let m = sample.len();
    let target = |k: usize| (k * m).div_ceil(MAX_BINS);
    let mut cuts = Vec::with_capacity(MAX_BINS - 1);
    let mut k = 1;
    let mut start = 0;
    while start < m && k < MAX_BINS {
        let value = sample[start];
        let end = start + sample[start..].partition_point(|&v| v <= value);
        if end < m && end >= target(k) {
            cuts.push(midpoint(value, sample[end]));
            while k < MAX_BINS && target(k) <= end {
                k += 1;
            }
        }
        start = end;
    }
    cuts
}

/// Split threshold between adjacent values `a < b`, as scikit-learn: halfway, or `a` if that
/// rounds to `b` or overflows.
fn midpoint(a: f64, b: f64) -> f64 {
    let mid = a / 2.0 + b / 2.0;
    if mid >= b || mid.is_infinite() {
        a
    } else {
        mid
    }
}

// ---------------------------------------------------------------------------------------
// Growing a tree

/// A training row in a tree: its index, label and (bootstrap-multiplied) weight.
#[derive(Clone, Copy)]
pub(super) struct Sample {
    weight: f64,
    row: u32,
    positive: bool,
}

/// Weighted negative/positive totals and row count of a node or histogram bin.
#[derive(Clone, Copy, Default)]
struct Stats {
    /// `[negative, positive]` weight.
    weight: [f64; 2],
    rows: u32,
}

impl Stats {
    fn add(&mut self, sample: &Sample) {
        self.weight[usize::from(sample.positive)] += sample.weight;
        self.rows += 1;
    }

    fn merge(&mut self, other: &Stats) {
        self.weight[0] += other.weight[0];
        self.weight[1] += other.weight[1];
        self.rows += other.rows;
    }

    fn total(&self) -> f64 {
        self.weight[0] + self.weight[1]
    }

    fn gini(&self) -> f64 {
        let total = self.total();
        if total > 0.0 {
            let [neg, pos] = self.weight;
            1.0 - (neg * neg + pos * pos) / (total * total)
        } else {
            0.0
        }
    }

    fn proba(&self) -> f64 {
        self.weight[1] / self.total()
    }
}

/// Tree-growing settings, clamped to sensible ranges.
pub(super) struct GrowConfig {
    max_depth: usize,
    min_leaf: u32,
    /// Features tried per split, `1..=n_features` (or 0 without features).
    max_features: usize,
}

impl GrowConfig {
    pub(super) fn new(
        max_depth: usize,
        min_samples_leaf: usize,
        max_features: Option<usize>,
        n_features: usize,
    ) -> Self {
        let min_leaf = u32::try_from(min_samples_leaf)
            .unwrap_or(u32::MAX)
            .clamp(1, u32::MAX / 2);
        let max_features = max_features
            .unwrap_or(n_features)
            .clamp(1, n_features.max(1));
        Self {
            max_depth,
            min_leaf,
            max_features: max_features.min(n_features),
        }
    }
}

/// All rows with positive weight, in row order.
pub(super) fn all_samples(y: &[bool], weights: &[f64]) -> Vec<Sample> {
    (0u32..)
        .zip(y.iter().zip(weights))
        .filter(|(_, (_, w))| **w > 0.0)
        .map(|(row, (&positive, &weight))| Sample {
            weight,
            row,
            positive,
        })
        .collect()
}

/// A bootstrap sample: n rows drawn with replacement, each drawn row (with positive weight)
/// once with its weight times the number of draws, in row order.
pub(super) fn bootstrap(y: &[bool], weights: &[f64], rng: &mut Xoshiro256Plus) -> Vec<Sample> {
    let n = y.len();
    let mut draws = vec![0u32; n];
    for _ in 0..n {
        draws[below(rng, n)] += 1;
    }
    (0u32..)
        .zip(y.iter().zip(weights).zip(draws))
        .filter(|(_, ((_, w), count))| **w > 0.0 && *count > 0)
        .map(|(row, ((&positive, &w), count))| Sample {
            weight: w * f64::from(count),
            row,
            positive,
        })
        .collect()
}

/// A single leaf predicting the unweighted share of positives in `y` (`empty` without rows).
pub(super) fn single_leaf(y: &[bool], empty: f64) -> Node {
    let proba = if y.is_empty() {
        empty
    } else {
        y.iter().filter(|&&p| p).count() as f64 / y.len() as f64
    };
    Node::Leaf { proba }
}

/// Best split of a node found so far: score (minus the children's weighted Gini, higher is
/// better), feature, and the last non-empty bin on the left and first on the right.
struct Candidate {
    score: f64,
    feature: usize,
    left_bin: usize,
    right_bin: usize,
}

/// Grows a tree depth first: its nodes, the root first and children after their parent.
/// `None` if `stop()` turned true (checked at every node).
pub(super) fn grow(
    data: &Binned,
    y: &[bool],
    mut samples: Vec<Sample>,
    config: &GrowConfig,
    mut rng: Xoshiro256Plus,
    stop: &dyn Fn() -> bool,
) -> Option<Vec<Node>> {
    let n_features = data.features.len();
    let mut root = Stats::default();
    samples.iter().for_each(|s| root.add(s));
    if root.total() <= 0.0 {
        return Some(vec![single_leaf(y, 0.0)]);
    }
    let mut order: Vec<usize> = (0..n_features).collect();
    let mut hist = vec![Stats::default(); MAX_BINS];
    let mut scratch: Vec<Sample> = Vec::with_capacity(samples.len());
    let mut nodes = vec![Node::Leaf {
        proba: root.proba(),
    }];
    // (node id, samples range, level, totals)
    let mut stack = vec![(0usize, 0usize, samples.len(), 0usize, root)];
    while let Some((id, start, end, level, stats)) = stack.pop() {
        if stop() {
            return None;
        }
        nodes[id] = Node::Leaf {
            proba: stats.proba(),
        };
        if level >= config.max_depth
            || stats.rows < 2 * config.min_leaf
            || stats.gini() <= f64::EPSILON
        {
            continue;
        }
        let node_samples = &samples[start..end];
        let mut best: Option<Candidate> = None;
        let mut tried = 0;
        for i in 0..n_features {
            if tried >= config.max_features {
                break;
            }
            if config.max_features < n_features {
                let j = i + below(&mut rng, n_features - i);
                order.swap(i, j);
            }
            let feature = order[i];
            let bins = &data.features[feature];
            let feature_hist = &mut hist[..bins.lo.len()];
            feature_hist.fill(Stats::default());
            for sample in node_samples {
                feature_hist[usize::from(bins.codes[sample.row as usize])].add(sample);
            }
            if scan(feature_hist, &stats, config.min_leaf, feature, &mut best) {
                tried += 1;
            }
        }
        let Some(best) = best else { continue };
        let codes = &data.features[best.feature].codes;
        let (left, right) = partition(&mut samples[start..end], &mut scratch, codes, best.left_bin);
        let bins = &data.features[best.feature];
        let mid = start + left.rows as usize;
        let left_id = nodes.len();
        nodes.push(Node::Leaf {
            proba: left.proba(),
        });
        nodes.push(Node::Leaf {
            proba: right.proba(),
        });
        nodes[id] = Node::Split {
            feature: best.feature,
            threshold: midpoint(bins.hi[best.left_bin], bins.lo[best.right_bin]),
            gain: stats.total() * stats.gini()
                - left.total() * left.gini()
                - right.total() * right.gini(),
            left: left_id,
        };
        stack.push((left_id + 1, mid, end, level + 1, right));
        stack.push((left_id, start, mid, level + 1, left));
    }
    Some(nodes)
}

/// Scans one feature's node histogram for the best split with at least `min_leaf` rows and
/// positive weight on each side, updating `best` if it beats it. Returns false if the
/// feature is constant in the node (a single non-empty bin).
fn scan(
    hist: &[Stats],
    node: &Stats,
    min_leaf: u32,
    feature: usize,
    best: &mut Option<Candidate>,
) -> bool {
    let mut left = Stats::default();
    let mut last: Option<usize> = None;
    let mut varies = false;
    let node_total = node.total();
    for (bin, stats) in hist.iter().enumerate() {
        if stats.rows == 0 {
            continue;
        }
        if let Some(left_bin) = last {
            varies = true;
            let right_rows = node.rows - left.rows;
            if right_rows < min_leaf {
                break;
            }
            let left_total = left.total();
            let right_total = node_total - left_total;
            if left.rows >= min_leaf && left_total > 0.0 && right_total > 0.0 {
                let right = Stats {
                    weight: [
                        node.weight[0] - left.weight[0],
                        node.weight[1] - left.weight[1],
                    ],
                    rows: right_rows,
                };
                // scikit-learn's proxy: -(w_left * gini_left + w_right * gini_right).
                let score = -left_total * left.gini() - right_total * right.gini();
                if best.as_ref().is_none_or(|b| score > b.score) {
                    *best = Some(Candidate {
                        score,
                        feature,
                        left_bin,
                        right_bin: bin,
                    });
                }
            }
        }
        left.merge(stats);
        last = Some(bin);
    }
    varies
}

/// Stable partition of `samples` into rows with bin `<= left_bin` (first) and the others,
/// returning both sides' totals (summed in row order).
fn partition(
    samples: &mut [Sample],
    scratch: &mut Vec<Sample>,
    codes: &[u8],
    left_bin: usize,
) -> (Stats, Stats) {
    scratch.clear();
    let (mut left, mut right) = (Stats::default(), Stats::default());
    let mut write = 0;
    for read in 0..samples.len() {
        let sample = samples[read];
        if usize::from(codes[sample.row as usize]) <= left_bin {
            samples[write] = sample;
            write += 1;
            left.add(&sample);
        } else {
            scratch.push(sample);
            right.add(&sample);
        }
    }
    samples[write..].copy_from_slice(scratch);
    (left, right)
}
