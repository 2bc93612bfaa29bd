//! Contiguous row blocks spread over every core, with results in a fixed order.
//!
//! K-Means passes over all rows many times. Each pass cuts the rows into blocks of
//! [`BLOCK`] rows; the calling thread and one helper per further core take the next free
//! block until none is left (a busy core simply takes fewer blocks), and each block's
//! partial result is stored under its block number. Sums are then reduced block 0, 1, 2, …
//! so the result is the same bits whatever the number of threads or the order in which they
//! finished. The cancel token is checked before every block: a cancel stops a pass within
//! one block's work per thread.

use std::ops::Range;
use std::sync::{Mutex, PoisonError};

use crate::jobs::{CancelToken, Cancelled};

/// Rows per block: the unit handed to a thread, of partial sums and of cancel checks.
pub const BLOCK: usize = 4096;

#[cfg(test)]
thread_local! {
    /// Tests set this to run passes on a given number of threads (0: all cores).
    pub static TEST_THREADS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// How many threads a pass uses (all cores).
fn workers() -> usize {
    #[cfg(test)]
    {
        let forced = TEST_THREADS.with(std::cell::Cell::get);
        if forced > 0 {
            return forced;
        }
    }
    std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
}

/// Rows stored contiguously, row after row (the layout every pass reads).
pub struct Rows<'a> {
    data: std::borrow::Cow<'a, [f64]>,
    pub n: usize,
    pub d: usize,
}

impl<'a> Rows<'a> {
    /// Borrow `x` when it is already row-major and contiguous, else copy it once.
    pub fn new(x: ndarray::ArrayView2<'a, f64>) -> Self {
        let (n, d) = x.dim();
        let data = match x.to_slice() {
            Some(s) => std::borrow::Cow::Borrowed(s),
            None => std::borrow::Cow::Owned(x.iter().copied().collect()),
        };
        Rows { data, n, d }
    }

    /// The values of rows `range`, row after row.
    pub fn block(&self, range: Range<usize>) -> &[f64] {
        &self.data[range.start * self.d..range.end * self.d]
    }

    /// One row.
    pub fn row(&self, i: usize) -> &[f64] {
        &self.data[i * self.d..(i + 1) * self.d]
    }
}

/// Run `work` on every block of `n` rows, giving it the block's rows and its part of
/// `per_row` (one entry per row; pass an empty slice when the pass writes nothing per row).
/// Returns the blocks' results in block order, or `Cancelled` if the token was set.
pub fn par_blocks<M, T, F>(
    n: usize,
    per_row: &mut [M],
    cancel: &CancelToken,
    work: F,
) -> Result<Vec<T>, Cancelled>
where
    M: Send,
    T: Send,
    F: Fn(Range<usize>, &mut [M]) -> T + Sync,
{
    par_blocks2(n, per_row, &mut [] as &mut [u8], cancel, |range, a, _| {
        work(range, a)
    })
}

/// Split `per_row` into one part per block (empty parts when it is empty).
fn parts<M>(per_row: &mut [M], n_blocks: usize) -> Vec<&mut [M]> {
    if per_row.is_empty() {
        (0..n_blocks).map(|_| -> &mut [M] { &mut [] }).collect()
    } else {
        per_row.chunks_mut(BLOCK).collect()
    }
}

/// [`par_blocks`] with two per-row slices (either may be empty).
pub fn par_blocks2<A, B, T, F>(
    n: usize,
    a: &mut [A],
    b: &mut [B],
    cancel: &CancelToken,
    work: F,
) -> Result<Vec<T>, Cancelled>
where
    A: Send,
    B: Send,
    T: Send,
    F: Fn(Range<usize>, &mut [A], &mut [B]) -> T + Sync,
{
    let n_blocks = n.div_ceil(BLOCK);
    let queue = Mutex::new(
        parts(a, n_blocks)
            .into_iter()
            .zip(parts(b, n_blocks))
            .enumerate(),
    );
    let run = || {
        let mut done = Vec::new();
        while !cancel.is_cancelled() {
            let next = queue.lock().unwrap_or_else(PoisonError::into_inner).next();
            let Some((i, (a, b))) = next else { break };
            let start = i * BLOCK;
            done.push((i, work(start..(start + BLOCK).min(n), a, b)));
        }
        done
    };
    let threads = workers().min(n_blocks).max(1);
    let mut results: Vec<(usize, T)> = Vec::with_capacity(n_blocks);
    std::thread::scope(|s| {
        // if a helper cannot be started, the calling thread does its blocks
        let helpers: Vec<_> = (1..threads)
            .filter_map(|i| {
                std::thread::Builder::new()
                    .name(format!("kmeans-rows-{i}"))
                    .spawn_scoped(s, run)
                    .ok()
            })
            .collect();
        results.extend(run());
        for helper in helpers {
            match helper.join() {
                Ok(done) => results.extend(done),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
    });
    if results.len() < n_blocks {
        return Err(Cancelled);
    }
    results.sort_unstable_by_key(|r| r.0);
    Ok(results.into_iter().map(|r| r.1).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_cover_every_row_once_in_order() {
        let n = 3 * BLOCK + 17;
        let mut marks = vec![0u32; n];
        let parts = par_blocks(n, &mut marks, &CancelToken::new(), |range, out| {
            assert_eq!(range.len(), out.len());
            for m in out.iter_mut() {
                *m += 1;
            }
            range.start
        })
        .expect("not cancelled");
        assert_eq!(parts, vec![0, BLOCK, 2 * BLOCK, 3 * BLOCK]);
        assert!(marks.iter().all(|&m| m == 1));
    }

    #[test]
    fn a_cancelled_pass_says_so() {
        let token = CancelToken::new();
        token.cancel();
        let r = par_blocks(10 * BLOCK, &mut [] as &mut [u8], &token, |range, _| {
            range.len()
        });
        assert_eq!(r, Err(Cancelled));
    }
}
