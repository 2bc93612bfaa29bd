//! Tests of the trees and the forest (and of the binning they grow on), mostly against
//! scikit-learn's numbers.

use super::*;
use crate::analysis::tree_grow::{MAX_BINS, bin_feature};
use ndarray::Array2;
use rand_xoshiro::rand_core::RngCore;

/// Output of `python3 tests/reference/tree_reference.py` (scikit-learn 1.9.1):
/// DecisionTreeClassifier(max_depth=3, min_samples_leaf=5, random_state=0), plain and
/// with class_weight={False: 1, True: 3}; the script checks the best split is unique at
/// every node, so ours must be the same tree.
#[rustfmt::skip]
mod reference {
    // data seed 1
    pub const X: [[f64; 3]; 60] = [
        [2.0, 0.5, 1.0],
        [3.0, 1.0, 0.0],
        [4.0, 0.5, 1.0],
        [5.0, 0.0, 0.0],
        [0.0, 0.5, 1.0],
        [0.0, 1.0, 1.0],
        [4.0, 0.5, 0.0],
        [5.0, 1.5, 1.0],
        [1.0, 0.5, 0.0],
        [1.0, 1.0, 1.0],
        [5.0, 1.5, 1.0],
        [2.0, 1.5, 0.0],
        [1.0, 0.5, 0.0],
        [4.0, 0.0, 0.0],
        [1.0, 1.0, 1.0],
        [2.0, 1.0, 1.0],
        [3.0, 1.5, 1.0],
        [3.0, 0.5, 1.0],
        [0.0, 0.5, 1.0],
        [0.0, 0.0, 1.0],
        [5.0, 0.5, 1.0],
        [4.0, 1.0, 0.0],
        [5.0, 1.5, 0.0],
        [3.0, 1.5, 0.0],
        [4.0, 0.0, 0.0],
        [1.0, 1.0, 1.0],
        [2.0, 1.5, 1.0],
        [4.0, 0.5, 0.0],
        [0.0, 0.5, 1.0],
        [1.0, 1.5, 1.0],
        [0.0, 1.0, 1.0],
        [2.0, 1.0, 0.0],
        [5.0, 1.0, 0.0],
        [0.0, 1.0, 1.0],
        [2.0, 1.5, 0.0],
        [2.0, 1.5, 1.0],
        [5.0, 0.0, 1.0],
        [1.0, 0.0, 1.0],
        [3.0, 1.0, 0.0],
        [1.0, 1.5, 1.0],
        [0.0, 0.0, 0.0],
        [4.0, 1.0, 1.0],
        [0.0, 1.5, 0.0],
        [1.0, 1.5, 0.0],
        [2.0, 1.5, 1.0],
        [2.0, 0.0, 1.0],
        [0.0, 1.0, 1.0],
        [5.0, 1.5, 0.0],
        [4.0, 0.5, 1.0],
        [5.0, 0.0, 1.0],
        [0.0, 0.5, 0.0],
        [4.0, 0.0, 0.0],
        [1.0, 0.0, 1.0],
        [3.0, 1.5, 1.0],
        [5.0, 1.0, 0.0],
        [1.0, 1.5, 0.0],
        [4.0, 1.5, 0.0],
        [0.0, 1.5, 0.0],
        [1.0, 0.5, 1.0],
        [5.0, 0.5, 0.0],
    ];
    pub const Y: [u8; 60] = [1, 1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 0, 0, 1, 1, 1, 1, 1, 0, 1, 1, 0, 1, 0, 1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 1, 1, 0, 1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1, 1, 0, 1, 1, 0, 1, 0, 0, 0, 1, 1];
    pub const PLAIN_PROBA: [f64; 60] = [1.0, 0.6923076923076923, 1.0, 0.6923076923076923, 0.5714285714285714, 0.2222222222222222, 0.6923076923076923, 0.5714285714285714, 0.0, 0.2222222222222222, 0.5714285714285714, 0.16666666666666666, 0.0, 0.6923076923076923, 0.2222222222222222, 1.0, 0.5714285714285714, 1.0, 0.5714285714285714, 0.5714285714285714, 1.0, 0.6923076923076923, 0.16666666666666666, 0.16666666666666666, 0.6923076923076923, 0.2222222222222222, 0.5714285714285714, 0.6923076923076923, 0.5714285714285714, 0.2222222222222222, 0.2222222222222222, 0.6923076923076923, 0.6923076923076923, 0.2222222222222222, 0.16666666666666666, 0.5714285714285714, 1.0, 0.5714285714285714, 0.6923076923076923, 0.2222222222222222, 0.0, 1.0, 0.0, 0.0, 0.5714285714285714, 1.0, 0.2222222222222222, 0.16666666666666666, 1.0, 1.0, 0.0, 0.6923076923076923, 0.5714285714285714, 0.5714285714285714, 0.6923076923076923, 0.0, 0.16666666666666666, 0.0, 0.5714285714285714, 0.6923076923076923];
    pub const PLAIN_IMPORTANCES: [f64; 3] = [0.38981437410756786, 0.327270657864785, 0.2829149680276472];
    pub const PLAIN_PROBA_UP: [f64; 60] = [1.0, 0.6923076923076923, 1.0, 0.6923076923076923, 0.5714285714285714, 0.2222222222222222, 0.6923076923076923, 0.5714285714285714, 0.0, 0.2222222222222222, 0.5714285714285714, 0.16666666666666666, 0.0, 0.6923076923076923, 0.2222222222222222, 1.0, 0.5714285714285714, 1.0, 0.5714285714285714, 0.5714285714285714, 1.0, 0.6923076923076923, 0.16666666666666666, 0.16666666666666666, 0.6923076923076923, 0.2222222222222222, 0.5714285714285714, 0.6923076923076923, 0.5714285714285714, 0.2222222222222222, 0.2222222222222222, 0.6923076923076923, 0.6923076923076923, 0.2222222222222222, 0.16666666666666666, 0.5714285714285714, 1.0, 0.5714285714285714, 0.6923076923076923, 0.2222222222222222, 0.0, 1.0, 0.0, 0.0, 0.5714285714285714, 1.0, 0.2222222222222222, 0.16666666666666666, 1.0, 1.0, 0.0, 0.6923076923076923, 0.5714285714285714, 0.5714285714285714, 0.6923076923076923, 0.0, 0.16666666666666666, 0.0, 0.5714285714285714, 0.6923076923076923];  // rows of X +0.25
    pub const PLAIN_PROBA_DOWN: [f64; 60] = [1.0, 0.6923076923076923, 1.0, 0.6923076923076923, 0.5714285714285714, 0.5714285714285714, 0.6923076923076923, 1.0, 0.0, 0.5714285714285714, 1.0, 0.6923076923076923, 0.0, 0.6923076923076923, 0.5714285714285714, 1.0, 1.0, 1.0, 0.5714285714285714, 0.5714285714285714, 1.0, 0.6923076923076923, 0.6923076923076923, 0.6923076923076923, 0.6923076923076923, 0.5714285714285714, 1.0, 0.6923076923076923, 0.5714285714285714, 0.2222222222222222, 0.5714285714285714, 0.6923076923076923, 0.6923076923076923, 0.5714285714285714, 0.6923076923076923, 1.0, 1.0, 0.5714285714285714, 0.6923076923076923, 0.2222222222222222, 0.0, 1.0, 0.0, 0.0, 1.0, 1.0, 0.5714285714285714, 0.6923076923076923, 1.0, 1.0, 0.0, 0.6923076923076923, 0.5714285714285714, 1.0, 0.6923076923076923, 0.0, 0.6923076923076923, 0.0, 0.5714285714285714, 0.6923076923076923];  // rows of X -0.25
    // PLAIN: depth 3, leaves 7
    pub const WEIGHTED_PROBA: [f64; 60] = [1.0, 0.8709677419354839, 1.0, 0.8709677419354839, 0.8, 0.46153846153846156, 0.8709677419354839, 0.8, 0.0, 0.46153846153846156, 0.8, 0.375, 0.0, 0.8709677419354839, 0.46153846153846156, 1.0, 0.8, 1.0, 0.8, 0.8, 1.0, 0.8709677419354839, 0.375, 0.375, 0.8709677419354839, 0.46153846153846156, 0.8, 0.8709677419354839, 0.8, 0.46153846153846156, 0.46153846153846156, 0.8709677419354839, 0.8709677419354839, 0.46153846153846156, 0.375, 0.8, 1.0, 0.8, 0.8709677419354839, 0.46153846153846156, 0.0, 1.0, 0.0, 0.0, 0.8, 1.0, 0.46153846153846156, 0.375, 1.0, 1.0, 0.0, 0.8709677419354839, 0.8, 0.8, 0.8709677419354839, 0.0, 0.375, 0.0, 0.8, 0.8709677419354839];
    pub const WEIGHTED_IMPORTANCES: [f64; 3] = [0.35281654998526246, 0.23362636685194815, 0.41355708316278933];
    pub const WEIGHTED_PROBA_UP: [f64; 60] = [1.0, 0.8709677419354839, 1.0, 0.8709677419354839, 0.8, 0.46153846153846156, 0.8709677419354839, 0.8, 0.0, 0.46153846153846156, 0.8, 0.375, 0.0, 0.8709677419354839, 0.46153846153846156, 1.0, 0.8, 1.0, 0.8, 0.8, 1.0, 0.8709677419354839, 0.375, 0.375, 0.8709677419354839, 0.46153846153846156, 0.8, 0.8709677419354839, 0.8, 0.46153846153846156, 0.46153846153846156, 0.8709677419354839, 0.8709677419354839, 0.46153846153846156, 0.375, 0.8, 1.0, 0.8, 0.8709677419354839, 0.46153846153846156, 0.0, 1.0, 0.0, 0.0, 0.8, 1.0, 0.46153846153846156, 0.375, 1.0, 1.0, 0.0, 0.8709677419354839, 0.8, 0.8, 0.8709677419354839, 0.0, 0.375, 0.0, 0.8, 0.8709677419354839];  // rows of X +0.25
    pub const WEIGHTED_PROBA_DOWN: [f64; 60] = [1.0, 0.8709677419354839, 1.0, 0.8709677419354839, 0.8, 0.8, 0.8709677419354839, 1.0, 0.0, 0.8, 1.0, 0.8709677419354839, 0.0, 0.8709677419354839, 0.8, 1.0, 1.0, 1.0, 0.8, 0.8, 1.0, 0.8709677419354839, 0.8709677419354839, 0.8709677419354839, 0.8709677419354839, 0.8, 1.0, 0.8709677419354839, 0.8, 0.46153846153846156, 0.8, 0.8709677419354839, 0.8709677419354839, 0.8, 0.8709677419354839, 1.0, 1.0, 0.8, 0.8709677419354839, 0.46153846153846156, 0.0, 1.0, 0.0, 0.0, 1.0, 1.0, 0.8, 0.8709677419354839, 1.0, 1.0, 0.0, 0.8709677419354839, 0.8, 1.0, 0.8709677419354839, 0.0, 0.8709677419354839, 0.0, 0.8, 0.8709677419354839];  // rows of X -0.25
    // WEIGHTED: depth 3, leaves 7
}

fn reference_data() -> (Array2<f64>, Vec<bool>) {
    let x = Array2::from_shape_fn((reference::X.len(), 3), |(i, j)| reference::X[i][j]);
    (x, reference::Y.iter().map(|&v| v == 1).collect())
}

fn reference_params() -> TreeParams {
    TreeParams {
        max_depth: 3,
        min_samples_leaf: 5,
        max_features: None,
        seed: 0,
    }
}

fn assert_close(actual: &[f64], expected: &[f64], tolerance: f64) {
    assert_eq!(actual.len(), expected.len());
    for (i, (a, e)) in actual.iter().zip(expected).enumerate() {
        assert!(
            (a - e).abs() <= tolerance,
            "entry {i}: {a} vs {e}\n{actual:?}"
        );
    }
}

#[test]
fn tree_matches_scikit_learn() {
    let (x, y) = reference_data();
    let tree = DecisionTree::fit(x.view(), &y, &[], &reference_params());
    assert_close(
        &tree.predict_proba(x.view()),
        &reference::PLAIN_PROBA,
        1e-12,
    );
    assert_close(
        &tree.feature_importances(3),
        &reference::PLAIN_IMPORTANCES,
        1e-9,
    );
    // Thresholds: off the training values, still the same leaves as scikit-learn.
    let up = x.mapv(|v| v + 0.25);
    let down = x.mapv(|v| v - 0.25);
    assert_close(
        &tree.predict_proba(up.view()),
        &reference::PLAIN_PROBA_UP,
        1e-12,
    );
    assert_close(
        &tree.predict_proba(down.view()),
        &reference::PLAIN_PROBA_DOWN,
        1e-12,
    );
    assert_eq!((tree.depth(), tree.leaves()), (3, 7));
    // Explicit unit weights are the same as none.
    let ones = vec![1.0; y.len()];
    assert_eq!(
        DecisionTree::fit(x.view(), &y, &ones, &reference_params()),
        tree
    );
}

#[test]
fn sample_weights_match_scikit_learn_class_weight() {
    let (x, y) = reference_data();
    let weights: Vec<f64> = y.iter().map(|&p| if p { 3.0 } else { 1.0 }).collect();
    let tree = DecisionTree::fit(x.view(), &y, &weights, &reference_params());
    assert_close(
        &tree.predict_proba(x.view()),
        &reference::WEIGHTED_PROBA,
        1e-12,
    );
    assert_close(
        &tree.feature_importances(3),
        &reference::WEIGHTED_IMPORTANCES,
        1e-9,
    );
    let up = x.mapv(|v| v + 0.25);
    let down = x.mapv(|v| v - 0.25);
    assert_close(
        &tree.predict_proba(up.view()),
        &reference::WEIGHTED_PROBA_UP,
        1e-12,
    );
    assert_close(
        &tree.predict_proba(down.view()),
        &reference::WEIGHTED_PROBA_DOWN,
        1e-12,
    );
    assert_eq!((tree.depth(), tree.leaves()), (3, 7));
    // Scaling all weights changes nothing.
    let scaled: Vec<f64> = weights.iter().map(|w| w * 0.5).collect();
    let half = DecisionTree::fit(x.view(), &y, &scaled, &reference_params());
    assert_close(
        &half.predict_proba(x.view()),
        &reference::WEIGHTED_PROBA,
        1e-12,
    );
}

/// Seeded uniform numbers in [0, 1).
fn uniform(rng: &mut Xoshiro256Plus) -> f64 {
    (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// `n` rows × 5 features uniform in [-1, 1); y = x0 * x1 + noise > 0 (an XOR-like
/// problem no single split helps with); features 2..5 are noise (4 is integer-valued).
fn xor_data(n: usize, seed: u64) -> (Array2<f64>, Vec<bool>) {
    let mut rng = Xoshiro256Plus::seed_from_u64(seed);
    let mut x = Array2::from_shape_simple_fn((n, 5), || uniform(&mut rng) * 2.0 - 1.0);
    x.column_mut(4).mapv_inplace(|v| (v * 3.0).round());
    let y = x
        .rows()
        .into_iter()
        .map(|r| r[0] * r[1] + 0.1 * (uniform(&mut rng) - 0.5) > 0.0)
        .collect();
    (x, y)
}

/// Area under the ROC curve by the Mann–Whitney rank sum (ties get average ranks).
fn auc(scores: &[f64], y: &[bool]) -> f64 {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    let mut ranks = vec![0.0; scores.len()];
    let mut start = 0;
    while start < order.len() {
        let mut end = start + 1;
        while end < order.len() && scores[order[end]] == scores[order[start]] {
            end += 1;
        }
        let rank = (start + end + 1) as f64 / 2.0; // mean of ranks start+1..=end
        order[start..end].iter().for_each(|&i| ranks[i] = rank);
        start = end;
    }
    let positives = y.iter().filter(|&&p| p).count() as f64;
    let negatives = y.len() as f64 - positives;
    let rank_sum: f64 = ranks
        .iter()
        .zip(y)
        .filter(|(_, p)| **p)
        .map(|(r, _)| r)
        .sum();
    (rank_sum - positives * (positives + 1.0) / 2.0) / (positives * negatives)
}

#[test]
fn auc_helper() {
    assert_eq!(auc(&[0.1, 0.2, 0.8, 0.9], &[false, false, true, true]), 1.0);
    assert_eq!(auc(&[0.9, 0.8, 0.2, 0.1], &[false, false, true, true]), 0.0);
    assert_eq!(auc(&[0.5, 0.5, 0.5, 0.5], &[false, true, false, true]), 0.5);
    assert_eq!(
        auc(&[0.1, 0.4, 0.35, 0.8], &[false, false, true, true]),
        0.75
    );
}

fn no_stop(_: usize, _: usize) -> Result<(), ()> {
    Ok(())
}

fn small_forest(seed: u64) -> ForestParams {
    ForestParams {
        n_trees: 30,
        seed,
        ..ForestParams::default()
    }
}

#[test]
fn forest_is_reproducible_and_independent_of_threads() {
    let (x, y) = xor_data(1500, 1);
    let params = small_forest(7);
    let one = RandomForest::fit_with_threads(x.view(), &y, &[], &params, 1, &mut no_stop);
    let two = RandomForest::fit_with_threads(x.view(), &y, &[], &params, 2, &mut no_stop);
    let three = RandomForest::fit_with_threads(x.view(), &y, &[], &params, 3, &mut no_stop);
    let again = RandomForest::fit(x.view(), &y, &[], &params, &mut no_stop);
    let (Ok(one), Ok(two), Ok(three), Ok(again)) = (one, two, three, again) else {
        panic!("fit failed");
    };
    assert_eq!(one.n_trees(), 30);
    assert_eq!(one, two);
    assert_eq!(one, three);
    assert_eq!(one, again);
    let proba = one.predict_proba(x.view());
    assert_eq!(proba, again.predict_proba(x.view()));
    let other = RandomForest::fit(x.view(), &y, &[], &small_forest(8), &mut no_stop);
    assert_ne!(other.map(|f| f.predict_proba(x.view())), Ok(proba));
}

#[test]
fn forest_learns_an_interaction_a_stump_cannot() {
    let (x, y) = xor_data(3000, 2);
    let (test_x, test_y) = xor_data(2000, 3);
    let Ok(forest) = RandomForest::fit(x.view(), &y, &[], &small_forest(1), &mut no_stop) else {
        panic!("fit failed");
    };
    let forest_auc = auc(&forest.predict_proba(test_x.view()), &test_y);
    let stump_params = TreeParams {
        max_depth: 1,
        ..TreeParams::default()
    };
    let stump = DecisionTree::fit(x.view(), &y, &[], &stump_params);
    let stump_auc = auc(&stump.predict_proba(test_x.view()), &test_y);
    assert!(forest_auc > 0.9, "forest AUC {forest_auc}");
    assert!(stump_auc < 0.7, "stump AUC {stump_auc}");
    assert_eq!((stump.depth(), stump.leaves()), (1, 2));
    // The interaction features carry the importance.
    let importances = forest.feature_importances(5);
    assert!((importances.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    assert!(importances[0] + importances[1] > 0.6, "{importances:?}");
    // A deep single tree also gets it (it needs at least two levels).
    let deep = DecisionTree::fit(x.view(), &y, &[], &TreeParams::default());
    assert!(auc(&deep.predict_proba(test_x.view()), &test_y) > 0.9);
}

#[test]
fn forest_reports_every_tree_in_order() {
    let (x, y) = xor_data(500, 4);
    let mut calls = Vec::new();
    let mut on_tree = |done: usize, total: usize| -> Result<(), ()> {
        calls.push((done, total));
        Ok(())
    };
    let params = ForestParams {
        n_trees: 12,
        ..ForestParams::default()
    };
    let forest = RandomForest::fit_with_threads(x.view(), &y, &[], &params, 3, &mut on_tree);
    assert_eq!(forest.map(|f| f.n_trees()), Ok(12));
    assert_eq!(calls, (1..=12).map(|done| (done, 12)).collect::<Vec<_>>());
}

#[test]
fn forest_stops_when_the_callback_fails() {
    let (x, y) = xor_data(2000, 5);
    for threads in [1, 2, 4] {
        let mut calls = 0;
        let mut on_tree = |done: usize, _total: usize| {
            calls += 1;
            if done == 3 {
                Err(format!("stop at {done}"))
            } else {
                Ok(())
            }
        };
        let params = ForestParams {
            n_trees: 200,
            ..ForestParams::default()
        };
        let result =
            RandomForest::fit_with_threads(x.view(), &y, &[], &params, threads, &mut on_tree);
        assert_eq!(result.err(), Some("stop at 3".to_string()));
        assert_eq!(calls, 3);
    }
}

#[test]
fn all_one_class() {
    let (x, _) = xor_data(200, 6);
    for class in [false, true] {
        let y = vec![class; 200];
        let expected = vec![if class { 1.0 } else { 0.0 }; 200];
        let tree = DecisionTree::fit(x.view(), &y, &[], &TreeParams::default());
        assert_eq!(tree.predict_proba(x.view()), expected);
        assert_eq!((tree.depth(), tree.leaves()), (0, 1));
        assert_eq!(tree.feature_importances(5), vec![0.0; 5]);
        let forest = RandomForest::fit(x.view(), &y, &[], &small_forest(0), &mut no_stop);
        let Ok(forest) = forest else {
            panic!("fit failed")
        };
        assert_eq!(forest.predict_proba(x.view()), expected);
        assert_eq!(forest.feature_importances(5), vec![0.0; 5]);
    }
}

#[test]
fn constant_features_are_never_split() {
    // Feature 0 constant, feature 1 decides, feature 2 constant too.
    let x = Array2::from_shape_fn((100, 3), |(i, j)| match j {
        1 => (i % 10) as f64,
        _ => 4.0,
    });
    let y: Vec<bool> = (0..100).map(|i| i % 10 >= 6).collect();
    let params = TreeParams {
        min_samples_leaf: 1,
        max_features: Some(1),
        ..TreeParams::default()
    };
    let tree = DecisionTree::fit(x.view(), &y, &[], &params);
    assert_eq!(tree.feature_importances(3), vec![0.0, 1.0, 0.0]);
    let expected: Vec<f64> = y.iter().map(|&p| f64::from(u8::from(p))).collect();
    assert_eq!(tree.predict_proba(x.view()), expected);
    assert_eq!((tree.depth(), tree.leaves()), (1, 2));
    // Only constant features: a single leaf.
    let constant = Array2::from_elem((100, 2), 1.5);
    let tree = DecisionTree::fit(constant.view(), &y, &[], &TreeParams::default());
    assert_eq!(tree.predict_proba(constant.view()), vec![0.4; 100]);
    assert_eq!(tree.leaves(), 1);
}

#[test]
fn too_few_rows_for_two_leaves_give_a_single_leaf() {
    let (x, y) = xor_data(39, 7);
    let tree = DecisionTree::fit(x.view(), &y, &[], &TreeParams::default()); // min leaf 20
    let share = y.iter().filter(|&&p| p).count() as f64 / 39.0;
    assert_eq!(tree.predict_proba(x.view()), vec![share; 39]);
    assert_eq!((tree.depth(), tree.leaves()), (0, 1));
    // One more row and it can split.
    let (x, y) = xor_data(40, 7);
    assert_eq!(
        DecisionTree::fit(x.view(), &y, &[], &TreeParams::default()).leaves(),
        2
    );
}

/// Training rows per leaf (leaves in node order).
fn leaf_sizes(tree: &DecisionTree, x: &Array2<f64>) -> Vec<usize> {
    let mut sizes = vec![0; tree.nodes.len()];
    for row in x.rows() {
        let mut id = 0;
        while let Node::Split {
            feature,
            threshold,
            left,
            ..
        } = tree.nodes[id]
        {
            id = if row[feature] <= threshold {
                left
            } else {
                left + 1
            };
        }
        sizes[id] += 1;
    }
    let is_leaf = |id: &usize| matches!(tree.nodes[*id], Node::Leaf { .. });
    (0..sizes.len())
        .filter(is_leaf)
        .map(|id| sizes[id])
        .collect()
}

#[test]
fn leaves_respect_min_samples_leaf() {
    // Positives only at both ends of x0: the purest splits would cut off 3 rows.
    let x = Array2::from_shape_fn((100, 2), |(i, j)| if j == 0 { i as f64 } else { 0.0 });
    let y: Vec<bool> = (0..100).map(|i| !(3..97).contains(&i)).collect();
    let params = TreeParams {
        max_depth: 4,
        min_samples_leaf: 5,
        ..TreeParams::default()
    };
    let tree = DecisionTree::fit(x.view(), &y, &[], &params);
    let sizes = leaf_sizes(&tree, &x);
    assert!(sizes.iter().all(|&size| size >= 5), "{sizes:?}");
    assert_eq!(sizes.first(), Some(&5));
    assert_eq!(sizes.last(), Some(&5));
    let (x, y) = xor_data(3000, 12);
    let params = TreeParams {
        max_depth: 8,
        ..TreeParams::default()
    };
    let sizes = leaf_sizes(&DecisionTree::fit(x.view(), &y, &[], &params), &x);
    assert!(
        sizes.len() > 20 && sizes.iter().all(|&size| size >= 20),
        "{sizes:?}"
    );
}

#[test]
fn zero_weights_and_no_rows() {
    let (x, y) = xor_data(100, 8);
    let share = y.iter().filter(|&&p| p).count() as f64 / 100.0;
    for weights in [vec![0.0; 100], vec![-1.0; 100], vec![f64::NAN; 100]] {
        let tree = DecisionTree::fit(x.view(), &y, &weights, &TreeParams::default());
        assert_eq!(tree.predict_proba(x.view()), vec![share; 100]);
        let forest = RandomForest::fit(x.view(), &y, &weights, &small_forest(0), &mut no_stop);
        let Ok(forest) = forest else {
            panic!("fit failed")
        };
        assert_close(&forest.predict_proba(x.view()), &[share; 100], 1e-12);
    }
    // Zero-weight rows are left out: weighting only the positives gives probability 1.
    let positives: Vec<f64> = y.iter().map(|&p| f64::from(u8::from(p))).collect();
    let tree = DecisionTree::fit(x.view(), &y, &positives, &TreeParams::default());
    assert_eq!(tree.predict_proba(x.view()), vec![1.0; 100]);
    // No rows at all.
    let empty = Array2::<f64>::zeros((0, 3));
    let tree = DecisionTree::fit(empty.view(), &[], &[], &TreeParams::default());
    assert_eq!(tree.predict_proba(x.view()), vec![0.0; 100]);
    let forest = RandomForest::fit(empty.view(), &[], &[], &small_forest(0), &mut no_stop);
    assert_eq!(forest.map(|f| f.predict_proba(empty.view())), Ok(vec![]));
    let none = ForestParams {
        n_trees: 0,
        ..ForestParams::default()
    };
    let forest = RandomForest::fit(x.view(), &y, &[], &none, &mut no_stop);
    assert_eq!(
        forest.map(|f| f.predict_proba(x.view())),
        Ok(vec![0.5; 100])
    );
}

/// Training rows must land in the leaves the binned rows were assigned to: then, for every
/// predicted value, the weighted share of positives among the rows predicted it is it.
fn assert_consistent(proba: &[f64], y: &[bool], weights: &[f64]) {
    let mut groups: Vec<(f64, f64, f64)> = Vec::new();
    for ((&p, &positive), &w) in proba.iter().zip(y).zip(weights) {
        match groups.iter_mut().find(|g| g.0 == p) {
            Some(g) => {
                g.1 += w * f64::from(u8::from(positive));
                g.2 += w;
            }
            None => groups.push((p, w * f64::from(u8::from(positive)), w)),
        }
    }
    for (p, positive, total) in groups {
        assert!(
            (positive / total - p).abs() < 1e-9,
            "{p} vs {}",
            positive / total
        );
    }
}

#[test]
fn quantile_bins_on_continuous_features() {
    let (mut x, y) = xor_data(20_000, 9);
    // Awkward values: NaN, both zeros, infinities, heavy duplicates.
    for i in (0..20_000).step_by(97) {
        x[[i, 0]] = f64::NAN;
        x[[i + 1, 1]] = if i % 2 == 0 { -0.0 } else { 0.0 };
        x[[i + 2, 2]] = if i % 3 == 0 {
            f64::INFINITY
        } else {
            f64::NEG_INFINITY
        };
        x[[i + 3, 3]] = 0.25;
    }
    let weights: Vec<f64> = (0..20_000).map(|i| 1.0 + (i % 7) as f64 * 0.3).collect();
    let params = TreeParams {
        max_depth: 8,
        min_samples_leaf: 10,
        ..TreeParams::default()
    };
    let tree = DecisionTree::fit(x.view(), &y, &weights, &params);
    assert_consistent(&tree.predict_proba(x.view()), &y, &weights);
    assert!(tree.leaves() > 50);
    let proba = tree.predict_proba(x.view());
    assert!(auc(&proba, &y) > 0.95);

    // Duplicated zeros (-0 and 0) share one bin.
    let bins = bin_feature(x.column(1));
    assert!((250..=MAX_BINS).contains(&bins.lo.len()));
    let zero_codes: Vec<u8> = (0..20_000)
        .filter(|&row| x[[row, 1]] == 0.0)
        .map(|row| bins.codes[row])
        .collect();
    assert!(zero_codes.len() > 200 && zero_codes.iter().all(|&c| c == zero_codes[0]));
    for (row, &code) in bins.codes.iter().enumerate() {
        let value = x[[row, 1]];
        assert!(bins.lo[usize::from(code)] <= value && value <= bins.hi[usize::from(code)]);
    }
    // Bins hold about equal numbers of rows without duplicates.
    let (x, _) = xor_data(20_000, 11);
    let bins = bin_feature(x.column(1));
    assert_eq!(bins.lo.len(), MAX_BINS);
    let mut counts = vec![0usize; MAX_BINS];
    bins.codes.iter().for_each(|&c| counts[usize::from(c)] += 1);
    let (fewest, most) = (counts.iter().min(), counts.iter().max());
    assert!(
        fewest >= Some(&70) && most <= Some(&90),
        "{fewest:?} {most:?}"
    );
    for (b, &code) in bins.codes.iter().enumerate() {
        let value = x[[b, 1]];
        assert!(bins.lo[usize::from(code)] <= value && value <= bins.hi[usize::from(code)]);
    }
    // Exact bins for few distinct values (one per value).
    let bins = bin_feature(x.column(4));
    assert_eq!(
        (bins.lo.clone(), bins.hi),
        (vec![-3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0], bins.lo)
    );
}

#[test]
fn forest_with_weights_and_max_features() {
    let (x, y) = xor_data(2000, 10);
    let weights: Vec<f64> = y.iter().map(|&p| if p { 3.0 } else { 1.0 }).collect();
    let params = ForestParams {
        n_trees: 10,
        max_depth: 2,
        max_features: Some(5),
        ..ForestParams::default()
    };
    let Ok(forest) = RandomForest::fit(x.view(), &y, &weights, &params, &mut no_stop) else {
        panic!("fit failed");
    };
    let plain = RandomForest::fit(x.view(), &y, &[], &params, &mut no_stop);
    let Ok(plain) = plain else {
        panic!("fit failed")
    };
    let mean = |p: Vec<f64>| p.iter().sum::<f64>() / p.len() as f64;
    // Up-weighting the positives raises the predicted probabilities.
    let (weighted_mean, plain_mean) = (
        mean(forest.predict_proba(x.view())),
        mean(plain.predict_proba(x.view())),
    );
    println!("{weighted_mean} {plain_mean}");
    assert!(
        weighted_mean > plain_mean + 0.1,
        "{weighted_mean} vs {plain_mean}"
    );
}

#[test]
fn models_round_trip_through_serde() {
    let (x, y) = reference_data();
    let tree = DecisionTree::fit(x.view(), &y, &[], &reference_params());
    // (serde_json without its float_roundtrip feature may be 1 ulp off.)
    let json = serde_json::to_string(&tree).expect("serialize");
    let back: DecisionTree = serde_json::from_str(&json).expect("deserialize");
    assert_close(
        &back.predict_proba(x.view()),
        &reference::PLAIN_PROBA,
        1e-12,
    );
    assert_eq!((back.depth(), back.leaves()), (3, 7));
    let forest = RandomForest::fit(x.view(), &y, &[], &small_forest(0), &mut no_stop);
    let Ok(forest) = forest else {
        panic!("fit failed")
    };
    let json = serde_json::to_string(&forest).expect("serialize");
    let back: RandomForest = serde_json::from_str(&json).expect("deserialize");
    assert_eq!(back.n_trees(), forest.n_trees());
    assert_close(
        &back.predict_proba(x.view()),
        &forest.predict_proba(x.view()),
        1e-12,
    );
}

/// Timings (release): `cargo test --release --lib analysis::trees::tests::timing --
/// --ignored --nocapture`.
#[test]
#[ignore = "timing, run in release"]
fn timing() {
    use std::time::Instant;
    let wide = |n: usize, features: usize, seed: u64| {
        let (x, y) = xor_data(n, seed);
        let mut rng = Xoshiro256Plus::seed_from_u64(seed);
        let x = Array2::from_shape_fn((n, features), |(i, j)| match j {
            0..5 => x[[i, j]],
            5..9 => f64::from(u8::from(uniform(&mut rng) < 0.3)), // one-hot like
            _ => uniform(&mut rng),
        });
        (x, y)
    };
    println!("threads: {}", available_threads());
    let (x, y) = wide(100_000, 13, 1);
    let start = Instant::now();
    let forest = RandomForest::fit(x.view(), &y, &[], &ForestParams::default(), &mut no_stop);
    let Ok(forest) = forest else {
        panic!("fit failed")
    };
    println!(
        "forest 100 trees depth 10, 100k x 13: fit {:?}",
        start.elapsed()
    );
    let start = Instant::now();
    let proba = forest.predict_proba(x.view());
    println!(
        "  predict 100k rows: {:?} (train AUC {:.3})",
        start.elapsed(),
        auc(&proba, &y)
    );

    let (x, y) = wide(1_000_000, 15, 2);
    let start = Instant::now();
    let data = bin_matrix(x.view(), available_threads());
    println!("binning 1M x 15: {:?}", start.elapsed());
    let params = TreeParams {
        max_depth: 10,
        min_samples_leaf: 5,
        ..TreeParams::default()
    };
    let start = Instant::now();
    let tree = DecisionTree::fit(x.view(), &y, &[], &params);
    println!(
        "tree depth 10 (all features), 1M x 15: {:?}, {} leaves",
        start.elapsed(),
        tree.leaves()
    );
    // Longest gap between two cancel checks inside one tree.
    let last = std::cell::Cell::new(Instant::now());
    let longest = std::cell::Cell::new(std::time::Duration::ZERO);
    let stop = || {
        longest.set(longest.get().max(last.get().elapsed()));
        last.set(Instant::now());
        false
    };
    let config = GrowConfig::new(10, 5, None, 15);
    let samples = all_samples(&y, &vec![1.0; y.len()]);
    let rng = Xoshiro256Plus::seed_from_u64(0);
    let start = Instant::now();
    let _ = grow(&data, &y, samples, &config, rng, &stop);
    println!(
        "  again without binning: {:?}, longest gap between cancel checks {:?}",
        start.elapsed(),
        longest.get()
    );
    let start = Instant::now();
    let stopped_at = std::sync::Mutex::new(start);
    let mut stop_after_one = |_: usize, _: usize| {
        *stopped_at.lock().expect("lock") = Instant::now();
        Err(())
    };
    let params = ForestParams {
        n_trees: 100,
        ..ForestParams::default()
    };
    let result = RandomForest::fit(x.view(), &y, &[], &params, &mut stop_after_one);
    assert!(result.is_err());
    println!(
        "forest 1M x 15 stopped after the first tree: {:?} in all, {:?} from Err to return",
        start.elapsed(),
        stopped_at.lock().expect("lock").elapsed()
    );
}
