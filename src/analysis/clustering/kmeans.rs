//! Lloyd's K-Means on contiguous row blocks on every core, as scikit-learn's
//! `KMeans(algorithm="lloyd")` runs it:
//!
//! - the start is scikit-learn's greedy k-means++ (`_kmeans_plusplus`: each new centre is
//!   the best of 2 + ⌊ln k⌋ candidates drawn in proportion to the squared distance to the
//!   nearest chosen centre);
//! - each iteration is **one** pass over the rows: every row goes to its nearest centre
//!   (squared Euclidean distance, first centre on a tie — the rule [`crate::metrics::nearest`]
//!   and saved models use) while per-centre sums, counts and the inertia are accumulated;
//!   the new centres are the means. A centre left without rows takes the row farthest from
//!   its centre (scikit-learn's `_relocate_empty_clusters_dense`);
//! - it stops when no row changed segment, or when the centres moved by a squared distance
//!   (summed over centres) of at most 1e-4 × the mean variance of the columns
//!   (scikit-learn's `tol=1e-4` through `_tolerance`); lloyd.rs runs the iterations and
//!   then settles the last few rows so that every row is in its nearest centre's segment
//!   and every centre is its segment's mean.
//!
//! Every pass goes through [`par_blocks`], so the result is the same whatever the number of
//! cores, and a cancel is noticed within one block of rows.

use super::blocks::{BLOCK, Rows, par_blocks};
use crate::jobs::{CancelToken, Cancelled};

/// scikit-learn's default `tol`, relative to the mean variance of the columns.
pub const RELATIVE_TOLERANCE: f64 = 1e-4;

/// Call `$f::<D>` for the common column counts (fully unrolled distance loops) and
/// `$f::<0>` (any width) otherwise.
macro_rules! by_width {
    ($d:expr, $f:ident ( $($arg:expr),* $(,)? )) => {
        match $d {
            1 => $f::<1>($($arg),*),
            2 => $f::<2>($($arg),*),
            3 => $f::<3>($($arg),*),
            4 => $f::<4>($($arg),*),
            5 => $f::<5>($($arg),*),
            6 => $f::<6>($($arg),*),
            7 => $f::<7>($($arg),*),
            8 => $f::<8>($($arg),*),
            9 => $f::<9>($($arg),*),
            10 => $f::<10>($($arg),*),
            11 => $f::<11>($($arg),*),
            12 => $f::<12>($($arg),*),
            _ => $f::<0>($($arg),*),
        }
    };
}
pub(super) use by_width;

/// Squared Euclidean distance, summed in column order from 0.0 — the same bits as
/// [`crate::metrics::nearest`], so our segments and a saved model's agree exactly.
#[inline(always)]
pub(super) fn sq_dist<const D: usize>(a: &[f64], b: &[f64]) -> f64 {
    let d = if D == 0 { a.len() } else { D };
    let (a, b) = (&a[..d], &b[..d]);
    let mut s = 0.0;
    for (p, q) in a.iter().zip(b) {
        s += (p - q) * (p - q);
    }
    s
}

/// The nearest of the centres (row after row in `centres`) and the squared distance to it.
#[inline(always)]
pub(super) fn nearest_centre<const D: usize>(
    row: &[f64],
    centres: &[f64],
    d: usize,
) -> (usize, f64) {
    let mut best = (0, f64::INFINITY);
    for (j, c) in centres.chunks_exact(d).enumerate() {
        let s = sq_dist::<D>(row, c);
        if s < best.1 {
            best = (j, s);
        }
    }
    best
}

/// What one assignment pass found: per-centre sums and counts, the inertia and how many
/// rows changed segment.
#[derive(Clone, Debug, PartialEq)]
pub struct Pass {
    pub sums: Vec<f64>,
    pub counts: Vec<u64>,
    pub inertia: f64,
    pub changed: u64,
}

impl Pass {
    pub(super) fn zero(k: usize, d: usize) -> Self {
        Pass {
            sums: vec![0.0; k * d],
            counts: vec![0; k],
            inertia: 0.0,
            changed: 0,
        }
    }

    /// Add another block's pass (called in block order).
    fn add(&mut self, other: &Pass) {
        for (a, b) in self.sums.iter_mut().zip(&other.sums) {
            *a += b;
        }
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
        self.inertia += other.inertia;
        self.changed += other.changed;
    }
}

fn assign_block<const D: usize>(x: &[f64], d: usize, centres: &[f64], labels: &mut [u32]) -> Pass {
    let k = centres.len() / d;
    let mut pass = Pass::zero(k, d);
    for (row, label) in x.chunks_exact(d).zip(labels.iter_mut()) {
        let (best, dist) = nearest_centre::<D>(row, centres, d);
        if *label as usize != best {
            pass.changed += 1;
            *label = best as u32;
        }
        pass.inertia += dist;
        pass.counts[best] += 1;
        for (s, v) in pass.sums[best * d..(best + 1) * d].iter_mut().zip(row) {
            *s += v;
        }
    }
    pass
}

/// One assignment pass: every row to its nearest centre (`labels` updated in place), with
/// the sums and counts for the new centres and the inertia around the given ones.
pub fn assign(
    rows: &Rows,
    centres: &[f64],
    labels: &mut [u32],
    cancel: &CancelToken,
) -> Result<Pass, Cancelled> {
    let d = rows.d;
    let parts = par_blocks(rows.n, labels, cancel, |range, out| {
        by_width!(d, assign_block(rows.block(range), d, centres, out))
    })?;
    let mut total = Pass::zero(centres.len() / d, d);
    for p in &parts {
        total.add(p);
    }
    Ok(total)
}

/// The new centres: means of their rows; a centre without rows takes the row farthest from
/// its own centre (the farthest first, ties to the earlier row), as scikit-learn does.
pub fn update(
    rows: &Rows,
    old: &[f64],
    labels: &[u32],
    pass: &mut Pass,
    cancel: &CancelToken,
) -> Result<Vec<f64>, Cancelled> {
    let d = rows.d;
    let empty: Vec<usize> = (0..pass.counts.len())
        .filter(|&c| pass.counts[c] == 0)
        .collect();
    if !empty.is_empty() {
        let far = farthest(rows, old, labels, empty.len(), cancel)?;
        for (&c, &(dist, i)) in empty.iter().zip(&far) {
            if dist <= 0.0 {
                break; // duplicates only: nothing to move
            }
            let from = labels[i] as usize;
            for (t, v) in rows.row(i).iter().enumerate() {
                pass.sums[from * d + t] -= v;
                pass.sums[c * d + t] = *v;
            }
            pass.counts[from] -= 1;
            pass.counts[c] = 1;
        }
    }
    let mut centres = old.to_vec();
    let per_centre = centres.chunks_exact_mut(d).zip(pass.sums.chunks_exact(d));
    for ((centre, sums), &count) in per_centre.zip(&pass.counts) {
        if count > 0 {
            for (c, s) in centre.iter_mut().zip(sums) {
                *c = s / count as f64;
            }
        }
    }
    Ok(centres)
}

/// The `m` rows farthest from their assigned centre: (squared distance, row), farthest
/// first, ties to the earlier row.
fn farthest(
    rows: &Rows,
    centres: &[f64],
    labels: &[u32],
    m: usize,
    cancel: &CancelToken,
) -> Result<Vec<(f64, usize)>, Cancelled> {
    let d = rows.d;
    let order = |a: &(f64, usize), b: &(f64, usize)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
    let parts = par_blocks(rows.n, &mut [] as &mut [u8], cancel, |range, _| {
        let mut top: Vec<(f64, usize)> = Vec::with_capacity(m + 1);
        for i in range {
            let c = labels[i] as usize;
            let dist = sq_dist::<0>(rows.row(i), &centres[c * d..(c + 1) * d]);
            if top.len() < m || top.last().is_some_and(|l| dist > l.0) {
                top.push((dist, i));
                top.sort_by(order);
                top.truncate(m);
            }
        }
        top
    })?;
    let mut all: Vec<(f64, usize)> = parts.into_iter().flatten().collect();
    all.sort_by(order);
    all.truncate(m);
    Ok(all)
}

/// 1e-4 × the mean of the columns' (population) variances: scikit-learn's `_tolerance`.
pub fn tolerance(rows: &Rows, cancel: &CancelToken) -> Result<f64, Cancelled> {
    let (n, d) = (rows.n, rows.d);
    if n == 0 || d == 0 {
        return Ok(0.0);
    }
    let column_sums = |centre: Option<&[f64]>| {
        par_blocks(n, &mut [] as &mut [u8], cancel, |range, _| {
            let mut s = vec![0.0; d];
            for row in rows.block(range).chunks_exact(d) {
                for (t, v) in row.iter().enumerate() {
                    s[t] += centre.map_or(*v, |m| (v - m[t]) * (v - m[t]));
                }
            }
            s
        })
        .map(|parts| {
            let mut total = vec![0.0; d];
            for p in parts {
                for (a, b) in total.iter_mut().zip(p) {
                    *a += b;
                }
            }
            total.iter().map(|s| s / n as f64).collect::<Vec<f64>>()
        })
    };
    let means = column_sums(None)?;
    let variances = column_sums(Some(&means))?;
    Ok(RELATIVE_TOLERANCE * variances.iter().sum::<f64>() / d as f64)
}

/// A uniform draw in [0, 1) from 53 random bits.
fn uniform(rng: &mut impl rand_xoshiro::rand_core::RngCore) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// scikit-learn's greedy k-means++ (`_kmeans_plusplus` with 2 + ⌊ln k⌋ local trials): the
/// first centre is a uniformly drawn row; each next one is, of several rows drawn with
/// probability proportional to their squared distance to the nearest centre so far, the one
/// that leaves the smallest total. Returns k × d centres, row after row.
pub fn kmeans_plus_plus(
    rows: &Rows,
    k: usize,
    rng: &mut impl rand_xoshiro::rand_core::RngCore,
    cancel: &CancelToken,
) -> Result<Vec<f64>, Cancelled> {
    let n = rows.n;
    let trials = 2 + (k as f64).ln().floor() as usize;
    let first = ((uniform(rng) * n as f64) as usize).min(n.saturating_sub(1));
    let mut centres = rows.row(first).to_vec();
    // squared distance of each row to its nearest chosen centre, and the blocks' sums
    let mut closest = vec![f64::INFINITY; n];
    let mut block_sums = closer(rows, &mut closest, &centres, cancel)?;
    for _ in 1..k {
        let potential: f64 = block_sums.iter().sum();
        let candidates: Vec<usize> = (0..trials)
            .map(|_| draw(&closest, &block_sums, uniform(rng) * potential))
            .collect();
        let parts = par_blocks(n, &mut [] as &mut [u8], cancel, |range, _| {
            let mut pots = vec![0.0; candidates.len()];
            for i in range {
                let row = rows.row(i);
                for (pot, &c) in pots.iter_mut().zip(&candidates) {
                    *pot += closest[i].min(sq_dist::<0>(row, rows.row(c)));
                }
            }
            pots
        })?;
        let mut pots = vec![0.0; candidates.len()];
        for p in parts {
            for (a, b) in pots.iter_mut().zip(p) {
                *a += b;
            }
        }
        let best = (0..candidates.len()).fold(0, |b, t| if pots[t] < pots[b] { t } else { b });
        let chosen = rows.row(candidates[best]).to_vec();
        block_sums = closer(rows, &mut closest, &chosen, cancel)?;
        centres.extend(chosen);
    }
    Ok(centres)
}

/// Lower each row's `closest` to its squared distance to `centre`; the blocks' sums after.
fn closer(
    rows: &Rows,
    closest: &mut [f64],
    centre: &[f64],
    cancel: &CancelToken,
) -> Result<Vec<f64>, Cancelled> {
    par_blocks(rows.n, closest, cancel, |range, out| {
        let mut sum = 0.0;
        for (row, c) in rows.block(range).chunks_exact(rows.d).zip(out.iter_mut()) {
            *c = c.min(sq_dist::<0>(row, centre));
            sum += *c;
        }
        sum
    })
}

/// The first row at which the running sum of `closest` reaches `target` (numpy's
/// `searchsorted` on the cumulative sum), found block by block.
fn draw(closest: &[f64], block_sums: &[f64], target: f64) -> usize {
    let mut running = 0.0;
    for (b, &s) in block_sums.iter().enumerate() {
        if running + s < target {
            running += s;
            continue;
        }
        let start = b * BLOCK;
        let end = (start + BLOCK).min(closest.len());
        for (i, c) in closest[start..end].iter().enumerate() {
            running += c;
            if running >= target && *c > 0.0 {
                return start + i;
            }
        }
    }
    // rounding left the target just past the end: the last row that can still be drawn
    closest.iter().rposition(|&c| c > 0.0).unwrap_or(0)
}

#[cfg(test)]
#[path = "kmeans_tests.rs"]
mod tests;
