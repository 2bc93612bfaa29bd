//! One K-Means start: Lloyd iterations to scikit-learn's convergence rule, then settling.
//!
//! scikit-learn stops when the centres move by a squared distance of at most
//! `tol` = 1e-4 × the mean column variance, then runs one more assignment so every row is in
//! the segment of its nearest final centre. That last assignment usually moves a few rows
//! (1–4 of the 5,000 customers of the sample), after which the centres are no longer
//! exactly the means of their segments. MarketLens promises both — a segment's centre is
//! the average of its customers (the profile and the map rely on it) and a saved model puts
//! every row back in its segment — so after scikit-learn's stop we **settle**: the centres
//! become the means again and only the rows that could change segment are looked at again,
//! until none does. Which rows could change is known from two distances per row kept from
//! the last assignment (to its own centre and to the next nearest one) and how far each
//! centre moved (Hamerly's bounds): a row whose own centre is still provably nearer is
//! skipped without reading it, and only the rows nearest to a boundary are watched at all
//! until the centres have moved far enough to matter for the others ([`Watch`]). Each
//! settling pass costs a small fraction of an iteration; one ordinary assignment pass at the
//! end confirms the segments and gives the exact inertia. Settling has a budget
//! ([`SETTLING_WORK`] rows × passes): on millions of overlapping rows it ends there as
//! scikit-learn ends, with every row in its nearest centre's segment. Settling passes are not counted as iterations (the count stays comparable with
//! scikit-learn's `n_iter_`).

use super::blocks::{Rows, par_blocks, par_blocks2};
use super::kmeans::{Pass, assign, by_width, sq_dist, update};
use crate::jobs::{CancelToken, Cancelled};

/// A row is skipped only when its own centre is nearer by more than this relative margin,
/// so that rounding in the bounds can never keep a row out of a nearer segment.
const SAFE: f64 = 1.0 - 1e-9;

/// Rows that changed segment: (row, from, to), in row order.
type Moves = Vec<(usize, usize, usize)>;

/// Settling passes at most, as rows × passes: on a few thousand rows settling takes a
/// handful of passes (at most [`MOST_SETTLING`]); on millions of rows of overlapping groups it
/// can go on for hundreds (Lloyd's slow tail), each moving a few thousand rows and the
/// centres by thousandths of a standard deviation, and each costing about an iteration.
/// When the budget is spent, settling ends as scikit-learn does: every row in the segment
/// of its nearest centre (so a saved model still puts every row back), the centres the
/// means of the segments one pass earlier.
const SETTLING_WORK: usize = 100_000_000;
/// Settling passes at most, whatever the number of rows (a guard against rounding going
/// round in circles: each pass lowers the inertia).
const MOST_SETTLING: usize = 300;
/// Settling passes at least, whatever the number of rows.
const LEAST_SETTLING: usize = 10;

#[cfg(test)]
thread_local! {
    /// Tests set this to a smaller budget (0: the budget for the number of rows).
    pub static TEST_SETTLING_BUDGET: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// How many settling passes `n` rows get.
fn settling_budget(n: usize) -> usize {
    #[cfg(test)]
    {
        let forced = TEST_SETTLING_BUDGET.with(std::cell::Cell::get);
        if forced > 0 {
            return forced;
        }
    }
    (SETTLING_WORK / n.max(1)).clamp(LEAST_SETTLING, MOST_SETTLING)
}

/// Share of rows watched while settling: those nearest to a boundary between segments.
const WATCHED_SHARE: f64 = 0.1;

/// The rows settling looks at: those whose gap between their own centre and the next
/// nearest (`bounds`) is at most `slack` at the start; every other row stays in its segment
/// until the centres have moved, in total, far enough to close that gap (then every row is
/// looked at again and a new watch list drawn). Most settling passes thus touch a small
/// share of the rows instead of all of them.
struct Watch {
    rows: Vec<usize>,
    slack: f64,
}

impl Watch {
    fn new(rows: &Rows, bounds: &[[f64; 2]], cancel: &CancelToken) -> Result<Watch, Cancelled> {
        let gap = |b: &[f64; 2]| b[1] * SAFE - b[0];
        // the gap below which WATCHED_SHARE of the rows lie, from an even sample of rows
        let step = (rows.n / 4096).max(1);
        let mut sample: Vec<f64> = bounds.iter().step_by(step).map(gap).collect();
        let at = ((sample.len() as f64 * WATCHED_SHARE) as usize).min(sample.len() - 1);
        let (_, slack, _) = sample.select_nth_unstable_by(at, f64::total_cmp);
        let slack = slack.max(0.0);
        let parts = par_blocks(rows.n, &mut [] as &mut [u8], cancel, |range, _| {
            range
                .filter(|&i| gap(&bounds[i]) <= slack)
                .collect::<Vec<usize>>()
        })?;
        Ok(Watch {
            rows: parts.concat(),
            slack,
        })
    }
}

/// A settling pass over the watched rows only, one thread, in row order: Hamerly's bounds
/// as in [`bounded_block`]. Returns the rows that changed segment: (row, from, to).
fn watched_pass<const D: usize>(
    rows: &Rows,
    centres: &[f64],
    labels: &mut [u32],
    bounds: &mut [[f64; 2]],
    moved: &[f64],
    watched: &[usize],
) -> Moves {
    let d = rows.d;
    let farthest = moved.iter().copied().fold(0.0, f64::max);
    let mut moves = Vec::new();
    for &i in watched {
        let own = labels[i] as usize;
        let b = &mut bounds[i];
        b[0] += moved[own];
        b[1] -= farthest;
        if b[0] < b[1] * SAFE {
            continue;
        }
        let (best, d1, d2) = two_nearest::<D>(rows.row(i), centres, d);
        *b = [d1.sqrt(), d2.sqrt()];
        if best != own {
            moves.push((i, own, best));
            labels[i] = best as u32;
        }
    }
    moves
}

/// One start's outcome: each row's segment, the centres (k × d, row after row), the
/// inertia of those segments around those centres, and the inertia of every iteration.
#[derive(Clone, Debug)]
pub struct Start {
    pub labels: Vec<u32>,
    pub centres: Vec<f64>,
    pub inertia: f64,
    pub history: Vec<f64>,
    /// Settling passes after the tolerance was met (0 when no row moved).
    pub settling: usize,
}

/// Lloyd iterations from `centres` until no row changes segment, the centres move by a
/// squared distance of at most `tol` (summed over centres) or by less than `min_shift`
/// (Euclidean), or `max_iter` passes; then settling (see the module notes).
/// `on_iteration(iteration, inertia, centres)` sees every iteration (the inertia is that of
/// the pass, around the centres it started from; `centres` are the new ones).
pub fn lloyd(
    rows: &Rows,
    mut centres: Vec<f64>,
    (max_iter, tol, min_shift): (u64, f64, f64),
    cancel: &CancelToken,
    on_iteration: &mut dyn FnMut(u64, f64, &[f64]),
) -> Result<Start, Cancelled> {
    let mut labels = vec![u32::MAX; rows.n];
    let mut history = Vec::new();
    // after a segment emptied while settling: plain iterations until no row moves
    let mut plain = false;
    for iteration in 1..=max_iter.max(1) {
        let mut pass = assign(rows, &centres, &mut labels, cancel)?;
        let new = update(rows, &centres, &labels, &mut pass, cancel)?;
        let shift: f64 = new
            .iter()
            .zip(&centres)
            .map(|(a, b)| (a - b) * (a - b))
            .sum();
        history.push(pass.inertia);
        on_iteration(iteration, pass.inertia, &new);
        if pass.changed == 0 {
            // no row moved: the same sums again, so `new` is `centres` and the pass's
            // inertia is around them
            return Ok(Start {
                labels,
                centres,
                inertia: pass.inertia,
                history,
                settling: 0,
            });
        }
        centres = new;
        if !plain && (shift <= tol || shift.sqrt() < min_shift) {
            if let Some((inertia, settling)) = settle(rows, &mut centres, &mut labels, cancel)? {
                return Ok(Start {
                    labels,
                    centres,
                    inertia,
                    history,
                    settling,
                });
            }
            plain = true;
        }
    }
    // out of iterations: as scikit-learn, the segments of the last centres
    let pass = assign(rows, &centres, &mut labels, cancel)?;
    Ok(Start {
        labels,
        centres,
        inertia: pass.inertia,
        history,
        settling: 0,
    })
}

/// Settle after the tolerance was met: returns the inertia and the number of settling
/// passes once every row is in the segment of its nearest centre and every centre is the
/// mean of its segment; `None` if a segment lost all its rows or settling did not end (the
/// caller iterates on).
fn settle(
    rows: &Rows,
    centres: &mut [f64],
    labels: &mut [u32],
    cancel: &CancelToken,
) -> Result<Option<(f64, usize)>, Cancelled> {
    let d = rows.d;
    let k = centres.len() / d;
    // scikit-learn's final assignment, keeping each row's two nearest distances
    let mut bounds = vec![[0.0f64; 2]; rows.n];
    let (mut pass, moves) = bounded_pass(rows, centres, labels, &mut bounds, None, cancel)?;
    if moves.is_empty() {
        // nothing moved: the centres are the means of these very segments
        return Ok(Some((pass.inertia, 0)));
    }
    let mut watch = Watch::new(rows, &bounds, cancel)?;
    let mut passes = 0;
    loop {
        if pass.counts.contains(&0) {
            return Ok(None);
        }
        if passes >= settling_budget(rows.n) {
            // scikit-learn's ending: the rows to their nearest centre, the centres as they are
            let last = assign(rows, centres, labels, cancel)?;
            return Ok(Some((last.inertia, passes)));
        }
        if cancel.is_cancelled() {
            return Err(Cancelled);
        }
        let new: Vec<f64> = (0..k * d)
            .map(|j| pass.sums[j] / pass.counts[j / d] as f64)
            .collect();
        let moved: Vec<f64> = (0..k)
            .map(|c| sq_dist::<0>(&new[c * d..(c + 1) * d], &centres[c * d..(c + 1) * d]).sqrt())
            .collect();
        centres.copy_from_slice(&new);
        let farthest = moved.iter().copied().fold(0.0, f64::max);
        // a row's gap closes by at most its own centre's move plus the farthest move
        watch.slack -= 2.0 * farthest;
        let moves = if watch.slack >= 0.0 {
            by_width!(
                d,
                watched_pass(rows, centres, labels, &mut bounds, &moved, &watch.rows)
            )
        } else {
            // the unwatched rows may be near a boundary by now: look at every row afresh
            // (its sums are not used: the running sums below stay the only ones)
            let (_, moves) = bounded_pass(rows, centres, labels, &mut bounds, None, cancel)?;
            watch = Watch::new(rows, &bounds, cancel)?;
            moves
        };
        passes += 1;
        if moves.is_empty() {
            break;
        }
        // move the rows' sums between segments, in row order (the same bits on any core count)
        for (i, from, to) in moves {
            let row = rows.row(i);
            for (t, v) in row.iter().enumerate() {
                pass.sums[from * d + t] -= v;
                pass.sums[to * d + t] += v;
            }
            pass.counts[from] -= 1;
            pass.counts[to] += 1;
        }
    }
    // confirm with an ordinary pass (exact inertia, and the rule saved models use)
    let check = assign(rows, centres, labels, cancel)?;
    Ok((check.changed == 0).then_some((check.inertia, passes)))
}

/// A pass that keeps, for each row, an upper bound on the distance to its own centre and a
/// lower bound on the distance to any other. Without `moved` every row is assigned afresh
/// (and the sums, counts and inertia are those of a full pass); with `moved` (how far each
/// centre went since the bounds were set) only rows whose bounds overlap are looked at.
/// Returns the pass and the rows that changed segment: (row, from, to), in row order.
fn bounded_pass(
    rows: &Rows,
    centres: &[f64],
    labels: &mut [u32],
    bounds: &mut [[f64; 2]],
    moved: Option<&[f64]>,
    cancel: &CancelToken,
) -> Result<(Pass, Moves), Cancelled> {
    let d = rows.d;
    let k = centres.len() / d;
    let parts = par_blocks2(rows.n, labels, bounds, cancel, |range, labels, bounds| {
        let first = range.start;
        let x = rows.block(range);
        by_width!(
            d,
            bounded_block(x, d, first, centres, moved, labels, bounds)
        )
    })?;
    let mut total = Pass::zero(k, d);
    let mut moves = Vec::new();
    for (pass, m) in parts {
        if moved.is_none() {
            for (a, b) in total.sums.iter_mut().zip(&pass.sums) {
                *a += b;
            }
            for (a, b) in total.counts.iter_mut().zip(&pass.counts) {
                *a += b;
            }
            total.inertia += pass.inertia;
        }
        total.changed += m.len() as u64;
        moves.extend(m);
    }
    Ok((total, moves))
}

/// The two smallest squared distances and the index of the smallest (first on a tie).
#[inline(always)]
fn two_nearest<const D: usize>(row: &[f64], centres: &[f64], d: usize) -> (usize, f64, f64) {
    let (mut best, mut first, mut second) = (0, f64::INFINITY, f64::INFINITY);
    for (j, c) in centres.chunks_exact(d).enumerate() {
        let s = sq_dist::<D>(row, c);
        if s < first {
            second = first;
            first = s;
            best = j;
        } else if s < second {
            second = s;
        }
    }
    (best, first, second)
}

fn bounded_block<const D: usize>(
    x: &[f64],
    d: usize,
    first_row: usize,
    centres: &[f64],
    moved: Option<&[f64]>,
    labels: &mut [u32],
    bounds: &mut [[f64; 2]],
) -> (Pass, Moves) {
    let k = centres.len() / d;
    let mut pass = Pass::zero(if moved.is_none() { k } else { 0 }, d);
    let mut moves = Vec::new();
    let farthest = moved.map_or(0.0, |m| m.iter().copied().fold(0.0, f64::max));
    let per_row = labels.iter_mut().zip(bounds.iter_mut());
    for (i, (row, (label, b))) in x.chunks_exact(d).zip(per_row).enumerate() {
        let own = *label as usize;
        if let Some(m) = moved {
            b[0] += m[own];
            b[1] -= farthest;
            if b[0] < b[1] * SAFE {
                continue;
            }
        }
        let (best, d1, d2) = two_nearest::<D>(row, centres, d);
        *b = [d1.sqrt(), d2.sqrt()];
        if best != own {
            moves.push((first_row + i, own, best));
            *label = best as u32;
        }
        if moved.is_none() {
            pass.inertia += d1;
            pass.counts[best] += 1;
            for (s, v) in pass.sums[best * d..(best + 1) * d].iter_mut().zip(row) {
                *s += v;
            }
        }
    }
    (pass, moves)
}
