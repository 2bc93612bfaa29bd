//! Binary classification trees that predict probabilities: a CART decision tree (Gini
//! impurity, sample weights) and a random forest of them.
//!
//! linfa-trees only returns hard labels, which makes ROC curves useless, so these predict the
//! weighted share of positives in the leaf a row falls into (the forest: the mean over its
//! trees), like scikit-learn's `predict_proba`.
//!
//! To scale to a million rows, each feature is binned once into at most 255 bins by quantiles
//! of the training data, exactly (one bin per value) when it has at most 255 distinct values,
//! the usual case for one-hot and small integer columns. Splits are found from per-node
//! histograms of weighted positive and negative counts per bin and are placed, like
//! scikit-learn, halfway between the largest training value on the left and the smallest on
//! the right within the node; prediction compares raw values with those thresholds (`x <=
//! threshold` goes left, NaN goes right). With exact bins the tree is the one scikit-learn's
//! `DecisionTreeClassifier` grows, up to how ties between equally good splits are broken.
//!
//! This module holds the models, their fit and predict API and the forest's threads; the
//! binning, the split search and the growing of one tree are in `tree_grow`.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::thread;

use ndarray::ArrayView2;
use rand_xoshiro::Xoshiro256Plus;
use rand_xoshiro::rand_core::SeedableRng;
use serde::{Deserialize, Serialize};

use super::tree_grow::{GrowConfig, all_samples, bin_matrix, bootstrap, grow, single_leaf};

/// Settings of a single [`DecisionTree`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TreeParams {
    /// Deepest level of a leaf; the root is level 0, so 0 gives a single leaf. Default 6.
    pub max_depth: usize,
    /// Fewest training rows (with positive weight) in a leaf; 0 counts as 1. Default 20.
    pub min_samples_leaf: usize,
    /// Features tried per split, drawn at random for each node; `None` = all. Features that
    /// are constant within the node do not count, as in scikit-learn. Default `None`.
    pub max_features: Option<usize>,
    /// Seed for drawing the features tried per split (unused when all are tried). Default 0.
    pub seed: u64,
}

impl Default for TreeParams {
    fn default() -> Self {
        Self {
            max_depth: 6,
            min_samples_leaf: 20,
            max_features: None,
            seed: 0,
        }
    }
}

/// A fitted binary classification tree (CART, Gini impurity).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DecisionTree {
    /// Nodes; the root is node 0, children always come after their parent.
    nodes: Vec<Node>,
    /// Columns of the training design matrix.
    n_features: usize,
}

/// A node of a [`DecisionTree`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(super) enum Node {
    /// A leaf predicting `proba`: its weighted share of positive training rows.
    Leaf { proba: f64 },
    /// Rows with `x[feature] <= threshold` go to node `left`, the others (and NaN) to the
    /// node after it (`left + 1`; children come after their parent).
    Split {
        feature: usize,
        threshold: f64,
        /// Weighted impurity decrease: weight × Gini of this node minus the same for both
        /// children (for feature importances).
        gain: f64,
        left: usize,
    },
}

impl DecisionTree {
    /// Fits a tree on `x` (rows × features) and labels `y` (true = positive) with sample
    /// `weights` (one per row; an empty slice means all 1). Rows with zero, negative or
    /// non-finite weight are left out, as scikit-learn leaves out zero-weight rows. If no row
    /// has positive weight, the tree is a single leaf predicting the unweighted share of
    /// positives (0 without rows).
    ///
    /// Stops splitting a node at `max_depth`, when it is pure, when it has fewer than
    /// `2 * min_samples_leaf` rows, or when no split leaves `min_samples_leaf` rows on each
    /// side; otherwise takes the split with the lowest weighted Gini impurity of the children
    /// (even if no lower than the node's own, as scikit-learn does).
    ///
    /// # Panics
    /// If `y` (or non-empty `weights`) differ in length from the rows of `x`, or `x` has more
    /// than `u32::MAX` rows.
    pub fn fit(
        x: ArrayView2<f64>,
        y: &[bool],
        weights: &[f64],
        params: &TreeParams,
    ) -> DecisionTree {
        Self::fit_stoppable(x, y, weights, params, &|| false).unwrap_or_else(|| DecisionTree {
            nodes: vec![single_leaf(y, 0.0)],
            n_features: 0,
        })
    }

    /// [`DecisionTree::fit`] that asks `stop` at every node and gives up (None) when it says
    /// yes: a cancelled job must not keep a core busy for a second on a big file.
    pub fn fit_stoppable(
        x: ArrayView2<f64>,
        y: &[bool],
        weights: &[f64],
        params: &TreeParams,
        stop: &dyn Fn() -> bool,
    ) -> Option<DecisionTree> {
        let weights = checked_weights(x, y, weights);
        let data = bin_matrix(x, available_threads());
        let config = GrowConfig::new(
            params.max_depth,
            params.min_samples_leaf,
            params.max_features,
            x.ncols(),
        );
        let samples = all_samples(y, &weights);
        let rng = Xoshiro256Plus::seed_from_u64(params.seed);
        if stop() {
            return None;
        }
        grow(&data, y, samples, &config, rng, stop).map(|nodes| DecisionTree {
            nodes,
            n_features: x.ncols(),
        })
    }

    /// Probability of the positive class for each row of `x`: the weighted share of positive
    /// training rows in the row's leaf.
    ///
    /// # Panics
    /// If `x` has fewer columns than the training data.
    pub fn predict_proba(&self, x: ArrayView2<f64>) -> Vec<f64> {
        check_columns(x, self.n_features);
        let mut row = Vec::with_capacity(x.ncols());
        x.rows()
            .into_iter()
            .map(|values| {
                row.clear();
                row.extend(values.iter());
                self.proba_row(&row)
            })
            .collect()
    }

    /// Deepest level of a leaf (0 for a tree that is a single leaf).
    pub fn depth(&self) -> usize {
        let mut deepest = 0;
        let mut stack = vec![(0usize, 0usize)];
        while let Some((id, level)) = stack.pop() {
            match self.nodes.get(id) {
                Some(Node::Split { left, .. }) if *left > id => {
                    stack.push((*left, level + 1));
                    stack.push((*left + 1, level + 1));
                }
                _ => deepest = deepest.max(level),
            }
        }
        deepest
    }

    /// Number of leaves.
    pub fn leaves(&self) -> usize {
        self.nodes
            .iter()
            .filter(|node| matches!(node, Node::Leaf { .. }))
            .count()
    }

    /// Weighted impurity decrease per feature, normalised to sum 1 (as scikit-learn
    /// feature_importances_). All zeros for a single leaf. Has `n_features` entries; splits on
    /// features at or beyond `n_features` are ignored.
    pub fn feature_importances(&self, n_features: usize) -> Vec<f64> {
        let mut importances = vec![0.0; n_features];
        for node in &self.nodes {
            if let Node::Split { feature, gain, .. } = node
                && let Some(slot) = importances.get_mut(*feature)
            {
                *slot += gain.max(0.0);
            }
        }
        let total: f64 = importances.iter().sum();
        if total > 0.0 {
            importances.iter_mut().for_each(|value| *value /= total);
        }
        importances
    }

    /// Leaf probability for one row.
    fn proba_row(&self, row: &[f64]) -> f64 {
        let mut id = 0;
        loop {
            match self.nodes.get(id) {
                Some(Node::Leaf { proba }) => return *proba,
                Some(Node::Split {
                    feature,
                    threshold,
                    left,
                    ..
                }) => {
                    if *left <= id {
                        return 0.5; // malformed (deserialized) tree: avoid looping forever
                    }
                    // NaN (or a missing column, which predict_proba rules out) goes right.
                    let value = row.get(*feature).copied().unwrap_or(f64::NAN);
                    // Branch-free: which way a row goes is unpredictable.
                    let goes_left = matches!(
                        value.partial_cmp(threshold),
                        Some(std::cmp::Ordering::Less | std::cmp::Ordering::Equal)
                    );
                    id = *left + usize::from(!goes_left);
                }
                None => return 0.5,
            }
        }
    }
}

/// Settings of a [`RandomForest`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForestParams {
    /// Number of trees. Default 100.
    pub n_trees: usize,
    /// Deepest level of a leaf in each tree (root = 0). Default 10.
    pub max_depth: usize,
    /// Fewest distinct training rows in a leaf; 0 counts as 1. Default 5.
    pub min_samples_leaf: usize,
    /// Features tried per split; `None` = the square root of the number of features, rounded,
    /// at least 1. Default `None`.
    pub max_features: Option<usize>,
    /// Seed; tree `i` uses its own stream derived from it and `i`. Default 0.
    pub seed: u64,
}

impl Default for ForestParams {
    fn default() -> Self {
        Self {
            n_trees: 100,
            max_depth: 10,
            min_samples_leaf: 5,
            max_features: None,
            seed: 0,
        }
    }
}

/// A fitted random forest of [`DecisionTree`]s, each grown on a bootstrap sample with a
/// random subset of features tried at each split.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RandomForest {
    /// The trees, in the order of their index (whatever order they finished in).
    trees: Vec<DecisionTree>,
}

impl RandomForest {
    /// Bootstrap sample per tree (seeded per tree index, so the result does not depend on
    /// thread count), trees built on all available cores (std::thread::scope;
    /// std::thread::available_parallelism). `on_tree(done, total)` is called from the calling
    /// thread after each finished tree, with done = 1..=total in increasing order; returning
    /// Err stops the fit promptly (the workers also check between nodes) and fit returns that
    /// error.
    ///
    /// The bootstrap multiplies each row's weight by the number of times it was drawn (rows
    /// not drawn are left out, so `min_samples_leaf` counts distinct rows, as in
    /// scikit-learn). Weights are as in [`DecisionTree::fit`]. `n_trees = 0` gives an empty
    /// forest that predicts 0.5.
    ///
    /// # Panics
    /// As [`DecisionTree::fit`].
    pub fn fit<E>(
        x: ArrayView2<f64>,
        y: &[bool],
        weights: &[f64],
        params: &ForestParams,
        on_tree: &mut (dyn FnMut(usize, usize) -> Result<(), E> + Send),
    ) -> Result<RandomForest, E> {
        Self::fit_with_threads(x, y, weights, params, available_threads(), on_tree)
    }

    /// [`RandomForest::fit`] on `threads` worker threads (at least 1).
    fn fit_with_threads<E>(
        x: ArrayView2<f64>,
        y: &[bool],
        weights: &[f64],
        params: &ForestParams,
        threads: usize,
        on_tree: &mut (dyn FnMut(usize, usize) -> Result<(), E> + Send),
    ) -> Result<RandomForest, E> {
        let weights = checked_weights(x, y, weights);
        let total = params.n_trees;
        if total == 0 {
            return Ok(RandomForest { trees: Vec::new() });
        }
        let data = bin_matrix(x, threads);
        let n_features = x.ncols();
        let max_features = params
            .max_features
            .unwrap_or_else(|| ((n_features as f64).sqrt().round() as usize).max(1));
        let config = GrowConfig::new(
            params.max_depth,
            params.min_samples_leaf,
            Some(max_features),
            n_features,
        );
        let cancel = AtomicBool::new(false);
        let next = AtomicUsize::new(0);
        let mut slots: Vec<Option<DecisionTree>> = vec![None; total];
        let mut error = None;
        thread::scope(|scope| {
            let (sender, receiver) = mpsc::channel();
            let (data, config, cancel, next, weights) = (&data, &config, &cancel, &next, &weights);
            for _ in 0..threads.clamp(1, total) {
                let sender = sender.clone();
                scope.spawn(move || {
                    let stop = || cancel.load(Ordering::Relaxed);
                    while !stop() {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        if index >= total {
                            break;
                        }
                        let mut rng = tree_rng(params.seed, index);
                        let samples = bootstrap(y, weights, &mut rng);
                        let Some(nodes) = grow(data, y, samples, config, rng, &stop) else {
                            break;
                        };
                        let tree = DecisionTree { nodes, n_features };
                        if sender.send((index, tree)).is_err() {
                            break;
                        }
                    }
                });
            }
            drop(sender);
            for (done, (index, tree)) in (1..).zip(receiver) {
                slots[index] = Some(tree);
                if let Err(e) = on_tree(done, total) {
                    cancel.store(true, Ordering::Relaxed);
                    error = Some(e);
                    break;
                }
            }
        });
        match error {
            Some(e) => Err(e),
            None => Ok(RandomForest {
                trees: slots.into_iter().flatten().collect(),
            }),
        }
    }

    /// Probability of the positive class for each row of `x`: the mean of the trees' leaf
    /// probabilities (0.5 for an empty forest). Large inputs are split over all cores; the
    /// result does not depend on how.
    ///
    /// # Panics
    /// If `x` has fewer columns than the training data.
    pub fn predict_proba(&self, x: ArrayView2<f64>) -> Vec<f64> {
        let n = x.nrows();
        let Some(first) = self.trees.first() else {
            return vec![0.5; n];
        };
        check_columns(x, first.n_features);
        let mut out = vec![0.0; n];
        let threads = if n * self.trees.len() >= 1 << 20 {
            available_threads()
        } else {
            1
        };
        let chunk = n.div_ceil(threads).max(1);
        thread::scope(|scope| {
            for (c, part) in out.chunks_mut(chunk).enumerate() {
                scope.spawn(move || self.predict_into(x, c * chunk, part));
            }
        });
        out
    }

    /// Mean probability for rows `start..start + out.len()` of `x`, into `out`. Works through
    /// blocks of rows tree by tree (trees stay in cache); each row sums its trees in order.
    fn predict_into(&self, x: ArrayView2<f64>, start: usize, out: &mut [f64]) {
        const BLOCK: usize = 256;
        // Rows of the block copied contiguously (a dummy column if there are none).
        let width = x.ncols().max(1);
        let mut rows = Vec::with_capacity(BLOCK * width);
        for (b, block) in out.chunks_mut(BLOCK).enumerate() {
            let first = start + b * BLOCK;
            rows.clear();
            for k in 0..block.len() {
                rows.extend(x.row(first + k).iter());
            }
            rows.resize(block.len() * width, 0.0);
            for tree in &self.trees {
                for (acc, row) in block.iter_mut().zip(rows.chunks_exact(width)) {
                    *acc += tree.proba_row(row);
                }
            }
            let n_trees = self.trees.len() as f64;
            block.iter_mut().for_each(|acc| *acc /= n_trees);
        }
    }

    /// Mean of the trees' normalised feature importances (trees that are a single leaf left
    /// out), normalised to sum 1, as scikit-learn's RandomForestClassifier.
    pub fn feature_importances(&self, n_features: usize) -> Vec<f64> {
        let mut importances = vec![0.0; n_features];
        for tree in self.trees.iter().filter(|tree| tree.nodes.len() > 1) {
            for (sum, value) in importances
                .iter_mut()
                .zip(tree.feature_importances(n_features))
            {
                *sum += value;
            }
        }
        let total: f64 = importances.iter().sum();
        if total > 0.0 {
            importances.iter_mut().for_each(|value| *value /= total);
        }
        importances
    }

    /// Number of trees.
    pub fn n_trees(&self) -> usize {
        self.trees.len()
    }
}

fn available_threads() -> usize {
    thread::available_parallelism().map_or(1, |n| n.get())
}

/// Checks lengths and returns the weights to use: one per row, non-positive and non-finite
/// ones set to 0, all 1 if `weights` is empty.
fn checked_weights(x: ArrayView2<f64>, y: &[bool], weights: &[f64]) -> Vec<f64> {
    assert_eq!(y.len(), x.nrows(), "one label per row");
    assert!(u32::try_from(x.nrows()).is_ok(), "at most u32::MAX rows");
    if weights.is_empty() {
        return vec![1.0; y.len()];
    }
    assert_eq!(weights.len(), x.nrows(), "one weight per row");
    weights
        .iter()
        .map(|&w| if w.is_finite() && w > 0.0 { w } else { 0.0 })
        .collect()
}

fn check_columns(x: ArrayView2<f64>, n_features: usize) {
    assert!(
        x.ncols() >= n_features,
        "x has {} columns, the model was trained on {n_features}",
        x.ncols()
    );
}

/// The per-tree random stream of a forest.
fn tree_rng(seed: u64, index: usize) -> Xoshiro256Plus {
    Xoshiro256Plus::seed_from_u64(seed ^ (index as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

#[cfg(test)]
mod tests;

/// Checks of a tree or forest read from a model file (saved models are checked before use).
impl DecisionTree {
    /// The first fault of a tree that should read `columns` design columns, in words
    /// ("step 4 leads back to step 2"): every child after its parent and inside the tree,
    /// every question about an existing column, every leaf's share between 0 and 1.
    pub fn validate(&self, columns: usize) -> Result<(), String> {
        if self.n_features != columns {
            return Err(format!(
                "it was grown on {} columns but the model's columns make {columns}",
                self.n_features
            ));
        }
        if self.nodes.is_empty() {
            return Err("it has no steps".to_owned());
        }
        let len = self.nodes.len();
        for (id, node) in self.nodes.iter().enumerate() {
            let step = id + 1;
            match node {
                Node::Leaf { proba } => {
                    if !(0.0..=1.0).contains(proba) {
                        return Err(format!(
                            "step {step} gives a share of {proba}, not between 0 and 1"
                        ));
                    }
                }
                Node::Split {
                    feature,
                    threshold,
                    gain,
                    left,
                } => {
                    if *feature >= columns {
                        return Err(format!(
                            "step {step} asks about column {} of {columns}",
                            feature.saturating_add(1)
                        ));
                    }
                    if !threshold.is_finite() || !gain.is_finite() {
                        return Err(format!("step {step} compares with something not a number"));
                    }
                    if *left <= id {
                        return Err(format!(
                            "step {step} leads back to step {} (a loop)",
                            left.saturating_add(1)
                        ));
                    }
                    if left.saturating_add(1) >= len {
                        return Err(format!(
                            "step {step} leads to steps {} and {}, but the tree has {len} steps",
                            left.saturating_add(1),
                            left.saturating_add(2)
                        ));
                    }
                }
            }
        }
        Ok(())
    }
}

impl RandomForest {
    /// The first fault of a forest that should read `columns` design columns, naming the
    /// tree ("in tree 3 of the random forest, step 4 leads back to step 2").
    pub fn validate(&self, columns: usize) -> Result<(), String> {
        if self.trees.is_empty() {
            return Err("the random forest has no trees".to_owned());
        }
        for (i, tree) in self.trees.iter().enumerate() {
            tree.validate(columns)
                .map_err(|e| format!("in tree {} of the random forest, {e}", i + 1))?;
        }
        Ok(())
    }
}
