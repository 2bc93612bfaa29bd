//! The classifier choices of the churn workbench behind one type: which kinds there are,
//! fitting one on a design matrix (streaming its progress) and scoring rows with it.

use ndarray::ArrayView2;

use super::classifiers::{KNN_ROW_CAP, Knn, NaiveBayes, STOPPED, SVM_ROW_CAP, SvmModel};
use super::logistic::{LogisticModel, LogisticParams, LogisticStep, fit_logistic};
use super::trees::{DecisionTree, ForestParams, RandomForest, TreeParams};
use crate::cli::thousands;
use crate::jobs::Cancelled;

/// A kind of classifier the user can pick.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum ModelKind {
    Logistic,
    Tree,
    Forest,
    NaiveBayes,
    Svm,
    Knn,
}

impl ModelKind {
    pub const ALL: [ModelKind; 6] = [
        ModelKind::Logistic,
        ModelKind::Tree,
        ModelKind::Forest,
        ModelKind::NaiveBayes,
        ModelKind::Svm,
        ModelKind::Knn,
    ];

    /// The name people see.
    pub fn label(self) -> &'static str {
        match self {
            ModelKind::Logistic => "Logistic regression",
            ModelKind::Tree => "Decision tree",
            ModelKind::Forest => "Random forest",
            ModelKind::NaiveBayes => "Naive Bayes",
            ModelKind::Svm => "Support vector machine",
            ModelKind::Knn => "Nearest neighbours",
        }
    }

    /// The name on the command line and in JSON.
    pub fn cli_name(self) -> &'static str {
        match self {
            ModelKind::Logistic => "logistic",
            ModelKind::Tree => "tree",
            ModelKind::Forest => "forest",
            ModelKind::NaiveBayes => "naive_bayes",
            ModelKind::Svm => "svm",
            ModelKind::Knn => "knn",
        }
    }

    pub fn parse(name: &str) -> Option<ModelKind> {
        ModelKind::ALL
            .into_iter()
            .find(|k| k.cli_name() == name.trim().to_lowercase())
    }

    /// One line for the hover text.
    pub fn hint(self) -> &'static str {
        match self {
            ModelKind::Logistic => {
                "A weighted sum of the features: fast, and its weights explain each driver."
            }
            ModelKind::Tree => "A few yes/no questions about the features; easy to read.",
            ModelKind::Forest => {
                "Many trees on resampled data, averaged: often the most accurate, slower."
            }
            ModelKind::NaiveBayes => {
                "Treats features as independent: very fast, probabilities often too extreme."
            }
            ModelKind::Svm => {
                "Finds the widest margin between the groups; trained on at most 3,000 rows, \
                 and slow to score big files."
            }
            ModelKind::Knn => "Looks at the most similar customers; slow to score big files.",
        }
    }

    /// What the user should know about this model on `rows` training rows, if anything.
    pub fn note(self, rows: usize) -> Option<String> {
        match self {
            ModelKind::Svm if rows > SVM_ROW_CAP => Some(format!(
                "The support vector machine was trained on a random {} of the {} training rows: \
                 its memory grows with rows squared.",
                thousands(SVM_ROW_CAP),
                thousands(rows)
            )),
            ModelKind::Knn if rows > KNN_ROW_CAP => Some(format!(
                "Nearest neighbours keeps a random {} of the {} training rows to search.",
                thousands(KNN_ROW_CAP),
                thousands(rows)
            )),
            _ => None,
        }
    }
}

/// Model settings the user can change.
#[derive(Clone, Debug, PartialEq)]
pub struct ModelSettings {
    /// Logistic regression and SVM: inverse regularisation strength.
    pub c: f64,
    pub tree_depth: usize,
    pub forest_trees: usize,
    pub neighbours: usize,
}

impl Default for ModelSettings {
    fn default() -> Self {
        Self {
            c: 1.0,
            tree_depth: 6,
            forest_trees: 100,
            neighbours: 25,
        }
    }
}

/// A block's index and its scores.
type ScoredBlock = (usize, Vec<f64>);

/// Rows scored per block; `stop` is asked between blocks.
const PREDICT_BLOCK: usize = 8192;

/// `score` applied to blocks of rows on all cores, in order; Err(STOPPED) once `stop` says so
/// (an SVM scores a million rows for about a minute: it must be stoppable).
pub(super) fn in_blocks(
    x: ArrayView2<f64>,
    stop: &(dyn Fn() -> bool + Sync),
    score: &(dyn Fn(ArrayView2<f64>) -> Vec<f64> + Sync),
) -> Result<Vec<f64>, String> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let n = x.nrows();
    let blocks = n.div_ceil(PREDICT_BLOCK);
    if blocks <= 1 {
        return Ok(score(x));
    }
    let threads = std::thread::available_parallelism()
        .map_or(1, |t| t.get())
        .min(blocks);
    let next = AtomicUsize::new(0);
    let parts: Vec<Result<Vec<ScoredBlock>, String>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                let next = &next;
                s.spawn(move || {
                    let mut done = Vec::new();
                    loop {
                        let b = next.fetch_add(1, Ordering::Relaxed);
                        if b >= blocks {
                            return Ok(done);
                        }
                        if stop() {
                            return Err(STOPPED.to_owned());
                        }
                        let end = ((b + 1) * PREDICT_BLOCK).min(n);
                        let rows = x.slice_axis(
                            ndarray::Axis(0),
                            ndarray::Slice::from(b * PREDICT_BLOCK..end),
                        );
                        done.push((b, score(rows)));
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err("Scoring failed.".to_owned()))
            })
            .collect()
    });
    let mut all = Vec::with_capacity(blocks);
    for p in parts {
        all.extend(p?);
    }
    all.sort_by_key(|(b, _)| *b);
    Ok(all.into_iter().flat_map(|(_, v)| v).collect())
}

/// A trained classifier (saved in model files as is).
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
#[serde(tag = "type", content = "model", rename_all = "snake_case")]
pub enum Fitted {
    Logistic(LogisticModel),
    Tree(DecisionTree),
    Forest(RandomForest),
    NaiveBayes(NaiveBayes),
    Svm(SvmModel),
    Knn(Knn),
}

/// What a model reports while it trains.
pub enum TrainEvent<'a> {
    /// A logistic regression iteration.
    Iteration(&'a LogisticStep<'a>, usize),
    /// `done` of `total` trees built.
    Trees(usize, usize),
}

/// Everything a fit needs besides the data.
pub struct TrainSetup<'a> {
    pub settings: &'a ModelSettings,
    pub seed: u64,
    /// True to weight each class by n / (2 · its count).
    pub class_weights: bool,
    pub stop: &'a (dyn Fn() -> bool + Sync),
}

fn balanced_weights(y: &[bool]) -> (f64, f64) {
    let pos = y.iter().filter(|v| **v).count().max(1) as f64;
    let neg = (y.len() as f64 - pos).max(1.0);
    let n = y.len() as f64;
    (n / (2.0 * pos), n / (2.0 * neg))
}

/// Rows to keep when a model caps its training rows: a seeded sample of each class in
/// proportion, in file order.
fn capped_rows(y: &[bool], cap: usize, seed: u64) -> Option<Vec<usize>> {
    if y.len() <= cap {
        return None;
    }
    let labels: Vec<Option<bool>> = y.iter().map(|v| Some(*v)).collect();
    let share = 1.0 - cap as f64 / y.len() as f64;
    Some(super::target::stratified_split(&labels, share, seed).0)
}

/// Fit `kind` on `x`/`y`; `on_event` sees its progress and may stop it.
pub fn fit_model(
    kind: ModelKind,
    x: ArrayView2<f64>,
    y: &[bool],
    setup: &TrainSetup,
    on_event: &mut (dyn FnMut(TrainEvent) -> Result<(), Cancelled> + Send),
) -> Result<Fitted, String> {
    let (w_pos, w_neg) = if setup.class_weights {
        balanced_weights(y)
    } else {
        (1.0, 1.0)
    };
    let weights: Vec<f64> = y.iter().map(|v| if *v { w_pos } else { w_neg }).collect();
    let stopped = |_| STOPPED.to_owned();
    Ok(match kind {
        ModelKind::Logistic => {
            let params = LogisticParams {
                c: setup.settings.c,
                ..LogisticParams::default()
            };
            let max_iter = params.max_iter;
            let model = fit_logistic(x, y, &weights, &params, &mut |step| {
                on_event(TrainEvent::Iteration(step, max_iter))
            })
            .map_err(stopped)?;
            Fitted::Logistic(model)
        }
        ModelKind::Tree => {
            let params = TreeParams {
                max_depth: setup.settings.tree_depth,
                seed: setup.seed,
                ..TreeParams::default()
            };
            let tree = DecisionTree::fit_stoppable(x, y, &weights, &params, setup.stop)
                .ok_or_else(|| STOPPED.to_owned())?;
            Fitted::Tree(tree)
        }
        ModelKind::Forest => {
            let params = ForestParams {
                n_trees: setup.settings.forest_trees.max(1),
                seed: setup.seed,
                ..ForestParams::default()
            };
            let forest = RandomForest::fit(x, y, &weights, &params, &mut |done, total| {
                on_event(TrainEvent::Trees(done, total))
            })
            .map_err(stopped)?;
            Fitted::Forest(forest)
        }
        ModelKind::NaiveBayes => Fitted::NaiveBayes(NaiveBayes::fit(x, y, &weights)),
        ModelKind::Svm => {
            let c = setup.settings.c;
            match capped_rows(y, SVM_ROW_CAP, setup.seed) {
                Some(rows) => {
                    let xs = x.select(ndarray::Axis(0), &rows);
                    let ys: Vec<bool> = rows.iter().map(|&i| y[i]).collect();
                    Fitted::Svm(SvmModel::fit(xs.view(), &ys, (c * w_pos, c * w_neg))?)
                }
                None => Fitted::Svm(SvmModel::fit(x, y, (c * w_pos, c * w_neg))?),
            }
        }
        ModelKind::Knn => {
            let k = setup.settings.neighbours;
            match capped_rows(y, KNN_ROW_CAP, setup.seed) {
                Some(rows) => {
                    let xs = x.select(ndarray::Axis(0), &rows);
                    let ys: Vec<bool> = rows.iter().map(|&i| y[i]).collect();
                    Fitted::Knn(Knn::fit(xs.view(), &ys, k))
                }
                None => Fitted::Knn(Knn::fit(x, y, k)),
            }
        }
    })
}

impl Fitted {
    /// P(positive) for each row. Err(STOPPED) when `stop` said so (nearest neighbours only;
    /// the others take well under 200 ms per 100,000 rows).
    pub fn predict_proba(
        &self,
        x: ArrayView2<f64>,
        stop: &(dyn Fn() -> bool + Sync),
    ) -> Result<Vec<f64>, String> {
        let one = |rows: ArrayView2<f64>| match self {
            Fitted::Logistic(m) => m.predict_proba(rows),
            Fitted::Tree(m) => m.predict_proba(rows),
            Fitted::Forest(m) => m.predict_proba(rows),
            Fitted::NaiveBayes(m) => m.predict_proba(rows),
            Fitted::Svm(m) => m.predict_proba(rows),
            Fitted::Knn(_) => Vec::new(),
        };
        match self {
            Fitted::Knn(m) => m.predict_proba(x, stop),
            _ => in_blocks(x, stop, &one),
        }
    }

    /// Logistic coefficients (standardized features), if this is a logistic regression.
    pub fn coefficients(&self) -> Option<&LogisticModel> {
        match self {
            Fitted::Logistic(m) => Some(m),
            _ => None,
        }
    }
}
