//! Why a classifier scores as it does: logistic coefficients with odds ratios, and
//! permutation importance (how much the AUC drops when one feature's values are shuffled)
//! for any model.

use ndarray::Array2;
use serde::Serialize;

use super::logistic::LogisticModel;
use super::models::Fitted;
use super::target::SplitMix64;
use crate::data::prep::{ColumnTransform, Transform};
use crate::jobs::Cancelled;
use crate::metrics::classification::roc_auc;

/// Permutation importance is measured on at most this many evaluation rows.
pub const IMPORTANCE_SAMPLE: usize = 20_000;
/// Shuffles per feature; the drops are averaged.
pub const IMPORTANCE_REPEATS: usize = 3;

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
}

#[derive(Debug)]
pub enum ImportanceError {
    Cancelled,
    Model(String),
}

impl From<Cancelled> for ImportanceError {
    fn from(_: Cancelled) -> Self {
        ImportanceError::Cancelled
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

/// For each input column (all of a category's one-hot columns together), the mean AUC drop
/// over a few seeded shuffles, largest first. `on_feature(done, total)` may stop it.
pub fn permutation_importance(
    fitted: &Fitted,
    x: &Array2<f64>,
    y: &[bool],
    transform: &Transform,
    seed: u64,
    stop: &(dyn Fn() -> bool + Sync),
    on_feature: &mut dyn FnMut(usize, usize) -> Result<(), Cancelled>,
) -> Result<Vec<Driver>, ImportanceError> {
    let mut rng = SplitMix64(seed ^ 0x000D_21E5);
    // a seeded sample of the evaluation rows keeps this quick on big files
    let mut rows: Vec<usize> = (0..x.nrows()).collect();
    if rows.len() > IMPORTANCE_SAMPLE {
        rng.shuffle(&mut rows);
        rows.truncate(IMPORTANCE_SAMPLE);
        rows.sort_unstable();
    }
    let xs = x.select(ndarray::Axis(0), &rows);
    let ys: Vec<bool> = rows.iter().map(|&r| y[r]).collect();
    if !ys.iter().any(|v| *v) || ys.iter().all(|v| *v) {
        return Ok(Vec::new());
    }
    let score = |m: &Array2<f64>| match fitted.predict_proba(m.view(), stop) {
        Ok(p) => Ok(p),
        Err(_) if stop() => Err(ImportanceError::Cancelled),
        Err(e) => Err(ImportanceError::Model(e)),
    };
    let base = roc_auc(&ys, &score(&xs)?);
    let mut blocks = Vec::new();
    let mut j = 0;
    for t in &transform.columns {
        let (name, width) = match t {
            ColumnTransform::Numeric { name, .. } => (name.clone(), 1),
            ColumnTransform::Categorical { name, categories } => (name.clone(), categories.len()),
        };
        blocks.push((name, j..j + width));
        j += width;
    }
    let total = blocks.len();
    let mut out = Vec::with_capacity(total);
    for (done, (name, cols)) in blocks.into_iter().enumerate() {
        on_feature(done, total)?;
        let mut drop = 0.0;
        for _ in 0..IMPORTANCE_REPEATS {
            let mut order: Vec<usize> = (0..xs.nrows()).collect();
            rng.shuffle(&mut order);
            let mut shuffled = xs.clone();
            for (i, &from) in order.iter().enumerate() {
                for c in cols.clone() {
                    shuffled[[i, c]] = xs[[from, c]];
                }
            }
            drop += base - roc_auc(&ys, &score(&shuffled)?);
        }
        out.push(Driver {
            feature: name,
            auc_drop: drop / IMPORTANCE_REPEATS as f64,
        });
    }
    on_feature(total, total)?;
    out.sort_by(|a, b| b.auc_drop.total_cmp(&a.auc_drop));
    Ok(out)
}
