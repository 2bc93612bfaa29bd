//! Why a classifier scores as it does: logistic coefficients with odds ratios, and
//! permutation importance (how much the AUC drops when one feature's values are shuffled)
//! for any model.
//!
//! Permutation importance rescores the held-out rows once per shuffle, which for slow scorers
//! (nearest neighbours, the SVM) used to cost ten times the training itself. It is kept cheap:
//! - the rows are a seeded sample of at most [`IMPORTANCE_SAMPLE`] held-out rows;
//! - the shuffles run on all cores, each with its own seeded order, so the result does not
//!   depend on which thread ran which shuffle;
//! - every column is shuffled [`FIRST_REPEATS`] times, and only columns whose place in the
//!   ranking is still uncertain (their range of drops overlaps a neighbour's) are shuffled
//!   again, up to [`MAX_REPEATS`] times;
//! - the window measures it on a job of its own after the results are shown
//!   ([`measure_drivers`]), with progress and Cancel.

use std::ops::Range;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use ndarray::Array2;
use serde::Serialize;

use super::logistic::LogisticModel;
use super::models::{Fitted, ModelKind};
use super::target::SplitMix64;
use crate::data::prep::{ColumnTransform, Transform};
use crate::jobs::{JobProgress, Reporter};
use crate::metrics::classification::roc_auc;

/// Permutation importance is measured on at most this many held-out rows (a seeded sample).
pub const IMPORTANCE_SAMPLE: usize = 2_000;
/// Shuffles per column at first; the drops are averaged.
pub const FIRST_REPEATS: usize = 2;
/// Shuffles per column at most, for columns whose place in the ranking is uncertain.
pub const MAX_REPEATS: usize = 3;
/// AUC drops below this are "no real difference": the order among such columns is not
/// worth more shuffles.
pub const NEGLIGIBLE_DROP: f64 = 0.005;

/// One logistic regression weight.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Coefficient {
    /// "recency_days" or "channel = Web".
    pub name: String,
    /// On the standardized scale: per standard deviation for numbers, per yes for categories.
    pub coef: f64,
    /// e^coef: how the odds of the positive outcome multiply.
    pub odds_ratio: f64,
    /// One standard deviation in the column's own units (numeric, standardized columns).
    pub unit: Option<f64>,
}

/// One input column's effect on the model's ranking.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Driver {
    pub feature: String,
    /// Mean drop in AUC when the column is shuffled (0 = the model ignores it).
    pub auc_drop: f64,
    /// How many times the column was shuffled.
    pub repeats: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportanceError {
    #[error("Measuring what drives the score was stopped.")]
    Cancelled,
    #[error("{0}")]
    Model(String),
}

crate::cancellable_error!(ImportanceError);

/// What permutation importance needs of one trained model: the model as it was evaluated,
/// a seeded sample of its held-out rows (prepared) with their outcomes, and which design
/// columns belong to which input column. Kept with the result, so that the window can
/// measure the drivers after showing it.
#[derive(Clone, Debug)]
pub struct ImportanceInput {
    fitted: Fitted,
    x: Array2<f64>,
    y: Vec<bool>,
    /// Each input column's name and its design columns (a category's one-hot columns
    /// together).
    blocks: Vec<(String, Range<usize>)>,
    seed: u64,
    /// How many held-out rows the sample was drawn from.
    pub held_out: usize,
}

impl ImportanceInput {
    /// The model `fitted` with its held-out rows `x` (prepared by `transform`) and outcomes.
    pub fn new(
        fitted: Fitted,
        x: &Array2<f64>,
        y: &[bool],
        transform: &Transform,
        seed: u64,
    ) -> Self {
        let mut rng = SplitMix64(seed ^ 0x000D_21E5);
        let n = x.nrows().min(y.len());
        let mut rows: Vec<usize> = (0..n).collect();
        if rows.len() > IMPORTANCE_SAMPLE {
            rng.shuffle(&mut rows);
            rows.truncate(IMPORTANCE_SAMPLE);
            rows.sort_unstable();
        }
        let mut blocks = Vec::new();
        let mut j = 0;
        for t in &transform.columns {
            let (name, width) = match t {
                ColumnTransform::Numeric { name, .. } => (name.clone(), 1),
                ColumnTransform::Categorical { name, categories } => {
                    (name.clone(), categories.len())
                }
            };
            blocks.push((name, j..j + width));
            j += width;
        }
        Self {
            fitted,
            x: x.select(ndarray::Axis(0), &rows),
            y: rows.iter().map(|&r| y[r]).collect(),
            blocks,
            seed,
            held_out: n,
        }
    }

    /// Rows the importance is measured on.
    pub fn rows(&self) -> usize {
        self.x.nrows()
    }

    /// Input columns (one bar each).
    pub fn columns(&self) -> usize {
        self.blocks.len()
    }

    /// False when the sampled rows hold only one outcome (no AUC to lose).
    pub fn measurable(&self) -> bool {
        self.y.iter().any(|v| *v) && !self.y.iter().all(|v| *v)
    }

    fn score(
        &self,
        x: &Array2<f64>,
        stop: &(dyn Fn() -> bool + Sync),
    ) -> Result<Vec<f64>, ImportanceError> {
        match self.fitted.predict_proba(x.view(), stop) {
            Ok(p) => Ok(p),
            Err(_) if stop() => Err(ImportanceError::Cancelled),
            Err(e) => Err(ImportanceError::Model(e)),
        }
    }

    /// The order of the rows for shuffle `repeat` of column `block`: its own seeded stream,
    /// so that the result does not depend on the order the shuffles run in.
    fn order(&self, block: usize, repeat: usize) -> Vec<usize> {
        let mut rng = SplitMix64(
            (self.seed ^ 0x000D_21E5)
                .wrapping_add((block as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15))
                .wrapping_add((repeat as u64 + 1).wrapping_mul(0xD1B5_4A32_D192_ED03)),
        );
        let mut order: Vec<usize> = (0..self.x.nrows()).collect();
        rng.shuffle(&mut order);
        order
    }
}

/// The coefficients by size of effect, with plain units.
pub fn coefficients(
    model: &LogisticModel,
    transform: &Transform,
    names: &[String],
) -> Vec<Coefficient> {
    let mut units = Vec::new();
    for t in &transform.columns {
        match t {
            ColumnTransform::Numeric { std, log, .. } => {
                units.push((*std != 1.0 && !log).then_some(*std));
            }
            ColumnTransform::Categorical { categories, .. } => {
                units.extend(categories.iter().map(|_| None));
            }
        }
    }
    let mut out: Vec<Coefficient> = model
        .coef
        .iter()
        .zip(names)
        .enumerate()
        .map(|(j, (c, name))| Coefficient {
            name: name.clone(),
            coef: *c,
            odds_ratio: c.exp(),
            unit: units.get(j).copied().flatten(),
        })
        .collect();
    out.sort_by(|a, b| b.coef.abs().total_cmp(&a.coef.abs()));
    out
}

/// The drop in AUC of each (column, repeat) shuffle in `tasks`, in that order, scored on
/// all cores. `on_done` runs after each shuffle.
fn shuffled_drops(
    input: &ImportanceInput,
    base: f64,
    tasks: &[(usize, usize)],
    stop: &(dyn Fn() -> bool + Sync),
    on_done: &(dyn Fn() + Sync),
) -> Result<Vec<f64>, ImportanceError> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |t| t.get())
        .min(tasks.len())
        .max(1);
    let next = AtomicUsize::new(0);
    let worker = || -> Result<Vec<(usize, f64)>, ImportanceError> {
        // one working copy per thread: shuffle a column in, score, put it back
        let mut work = input.x.clone();
        let mut out = Vec::new();
        loop {
            let t = next.fetch_add(1, Ordering::Relaxed);
            let Some(&(block, repeat)) = tasks.get(t) else {
                return Ok(out);
            };
            if stop() {
                return Err(ImportanceError::Cancelled);
            }
            let cols = input.blocks[block].1.clone();
            for (i, from) in input.order(block, repeat).into_iter().enumerate() {
                for c in cols.clone() {
                    work[[i, c]] = input.x[[from, c]];
                }
            }
            let scores = input.score(&work, stop)?;
            for c in cols {
                work.column_mut(c).assign(&input.x.column(c));
            }
            out.push((t, base - roc_auc(&input.y, &scores)));
            on_done();
        }
    };
    let parts: Vec<Result<Vec<(usize, f64)>, ImportanceError>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|i| {
                std::thread::Builder::new()
                    .name(format!("drivers {}", i + 1))
                    .spawn_scoped(s, worker)
            })
            .collect();
        handles
            .into_iter()
            .map(|h| match h {
                Ok(h) => h.join().unwrap_or_else(|_| {
                    Err(ImportanceError::Model(
                        "The model failed while its drivers were measured.".to_owned(),
                    ))
                }),
                Err(e) => Err(ImportanceError::Model(format!(
                    "Could not start a background thread: {e}"
                ))),
            })
            .collect()
    });
    let mut drops = vec![f64::NAN; tasks.len()];
    for part in parts {
        for (t, d) in part? {
            drops[t] = d;
        }
    }
    Ok(drops)
}

/// Columns whose place in the ranking is not settled yet: sorted by mean drop, a column
/// whose range of drops overlaps its neighbour's (unless both are negligible).
fn unsettled(drops: &[Vec<f64>]) -> Vec<usize> {
    let stats: Vec<(f64, f64, f64)> = drops
        .iter()
        .map(|d| {
            let mean = d.iter().sum::<f64>() / d.len().max(1) as f64;
            let lo = d.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = d.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            (mean, lo, hi)
        })
        .collect();
    let mut by_mean: Vec<usize> = (0..drops.len()).collect();
    by_mean.sort_by(|&a, &b| stats[b].0.total_cmp(&stats[a].0).then(a.cmp(&b)));
    let mut out: Vec<usize> = Vec::new();
    for pair in by_mean.windows(2) {
        let (upper, lower) = (stats[pair[0]], stats[pair[1]]);
        let overlap = lower.2 >= upper.1;
        let negligible = upper.2 < NEGLIGIBLE_DROP && lower.2 < NEGLIGIBLE_DROP;
        if overlap && !negligible {
            out.extend(pair);
        }
    }
    out.sort_unstable();
    out.dedup();
    out.retain(|&f| drops[f].len() < MAX_REPEATS);
    out
}

/// For each input column (all of a category's one-hot columns together), the mean AUC drop
/// over a few seeded shuffles, largest first. `stop` cancels it; `on_progress` receives the
/// share done (0..=1, never decreasing).
pub fn permutation_importance(
    input: &ImportanceInput,
    stop: &(dyn Fn() -> bool + Sync),
    on_progress: &(dyn Fn(f32) + Sync),
) -> Result<Vec<Driver>, ImportanceError> {
    if !input.measurable() || input.blocks.is_empty() {
        return Ok(Vec::new());
    }
    let base = roc_auc(&input.y, &input.score(&input.x, stop)?);
    let columns = input.blocks.len();
    let mut drops: Vec<Vec<f64>> = vec![Vec::new(); columns];
    // the first round is most of the work; the extra rounds share the rest
    let first_share = 0.8;
    let extra_rounds = MAX_REPEATS - FIRST_REPEATS;
    let mut tasks: Vec<(usize, usize)> = (0..columns)
        .flat_map(|f| (0..FIRST_REPEATS).map(move |r| (f, r)))
        .collect();
    let mut round = 0;
    while !tasks.is_empty() {
        let (from, to) = if round == 0 {
            (0.0, first_share)
        } else {
            let step = (1.0 - first_share) / extra_rounds as f32;
            let from = first_share + step * (round - 1) as f32;
            (from, from + step)
        };
        let done = AtomicUsize::new(0);
        let total = tasks.len();
        let tick = || {
            let d = done.fetch_add(1, Ordering::Relaxed) + 1;
            on_progress(from + (to - from) * d as f32 / total as f32);
        };
        let round_drops = shuffled_drops(input, base, &tasks, stop, &tick)?;
        for (&(f, _), d) in tasks.iter().zip(round_drops) {
            drops[f].push(d);
        }
        round += 1;
        tasks = unsettled(&drops)
            .into_iter()
            .map(|f| (f, drops[f].len()))
            .collect();
    }
    on_progress(1.0);
    let mut out: Vec<Driver> = input
        .blocks
        .iter()
        .zip(&drops)
        .map(|((name, _), d)| Driver {
            feature: name.clone(),
            auc_drop: d.iter().sum::<f64>() / d.len().max(1) as f64,
            repeats: d.len(),
        })
        .collect();
    out.sort_by(|a, b| b.auc_drop.total_cmp(&a.auc_drop));
    Ok(out)
}

/// Progress of [`measure_drivers`]: the model being measured and how far it got.
#[derive(Clone, Debug, PartialEq)]
pub enum DriversProgress {
    Measuring {
        model: ModelKind,
        /// Models done before this one, and all of them.
        done: usize,
        of: usize,
        /// Share of this model's shuffles done.
        within: f32,
    },
    /// One model's drivers, as soon as they are known (a few rows).
    Measured { index: usize, drivers: Vec<Driver> },
}

impl JobProgress for DriversProgress {
    fn fraction(&self) -> Option<f32> {
        match self {
            DriversProgress::Measuring {
                done, of, within, ..
            } => Some((*done as f32 + within.clamp(0.0, 1.0)) / (*of).max(1) as f32),
            DriversProgress::Measured { .. } => None,
        }
    }

    fn describe(&self) -> String {
        match self {
            DriversProgress::Measuring {
                model, done, of, ..
            } if *of > 1 => format!(
                "Measuring what drives the score: {} (model {} of {of})",
                model.label(),
                done + 1
            ),
            DriversProgress::Measuring { model, .. } => {
                format!("Measuring what drives the score: {}", model.label())
            }
            DriversProgress::Measured { .. } => {
                "Measuring what drives the score\u{2026}".to_owned()
            }
        }
    }
}

/// The drivers of every model, `order` first (the one on screen), each reported as soon as it
/// is known. `models[i]` is the kind and the input of model i (None: nothing to measure).
pub fn measure_drivers(
    models: &[(ModelKind, Option<Arc<ImportanceInput>>)],
    order: &[usize],
    reporter: &Reporter<DriversProgress>,
) -> Result<Vec<Vec<Driver>>, ImportanceError> {
    let mut out = vec![Vec::new(); models.len()];
    let token = reporter.cancel_token();
    let stop = move || token.is_cancelled();
    let of = models.len();
    for (done, &index) in order.iter().enumerate() {
        reporter.check()?;
        let Some((model, input)) = models.get(index) else {
            continue;
        };
        let Some(input) = input else {
            continue;
        };
        let model = *model;
        reporter.report(DriversProgress::Measuring {
            model,
            done,
            of,
            within: 0.0,
        });
        let drivers = permutation_importance(input, &stop, &|within| {
            reporter.report_throttled(|| DriversProgress::Measuring {
                model,
                done,
                of,
                within,
            });
        })?;
        reporter.report(DriversProgress::Measured {
            index,
            drivers: drivers.clone(),
        });
        out[index] = drivers;
    }
    Ok(out)
}

#[cfg(test)]
#[path = "drivers_tests.rs"]
mod tests;
