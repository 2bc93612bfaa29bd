//! Permutation importance: the parallel, sampled, adaptive measurement ranks the columns as
//! the former one-thread, three-shuffles-each measurement did; it is deterministic, stops
//! when asked and reports progress that only grows.

use std::sync::Mutex;

use ndarray::Array2;

use super::*;
use crate::analysis::logistic::LogisticModel;
use crate::analysis::models::{ModelSettings, TrainSetup, fit_model};

/// A seeded table: x0 (strong), x1 (medium), x2 (weak), x3 (ignored by the outcome), then a
/// category "tier" with three values (one-hot, between x0 and x1). y drawn from the logistic
/// model with those weights.
fn data(n: usize, seed: u64) -> (Array2<f64>, Vec<bool>, Transform) {
    let mut rng = SplitMix64(seed);
    let mut uniform = move || (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
    let mut x = Array2::zeros((n, 7));
    let mut y = Vec::with_capacity(n);
    for i in 0..n {
        for j in 0..4 {
            x[[i, j]] = uniform() * 3.46 - 1.73;
        }
        let tier = (uniform() * 3.0) as usize;
        x[[i, 4 + tier.min(2)]] = 1.0;
        let z = weights()
            .iter()
            .zip(x.row(i))
            .map(|(w, v)| w * v)
            .sum::<f64>();
        y.push(uniform() < 1.0 / (1.0 + (-z).exp()));
    }
    let numeric = |name: &str| ColumnTransform::Numeric {
        name: name.to_owned(),
        median: 0.0,
        mean: 0.0,
        std: 1.0,
        log: false,
    };
    let transform = Transform {
        columns: vec![
            numeric("x0"),
            numeric("x1"),
            numeric("x2"),
            numeric("x3"),
            ColumnTransform::Categorical {
                name: "tier".to_owned(),
                categories: vec!["a".to_owned(), "b".to_owned(), "c".to_owned()],
            },
        ],
    };
    (x, y, transform)
}

fn rows(x: &Array2<f64>, range: std::ops::Range<usize>) -> Array2<f64> {
    x.select(ndarray::Axis(0), &range.collect::<Vec<_>>())
}

fn weights() -> [f64; 7] {
    [2.5, 0.5, 0.2, 0.0, -1.2, 0.0, 1.2]
}

fn true_model() -> Fitted {
    let w = weights();
    Fitted::Logistic(LogisticModel {
        coef: w.to_vec(),
        intercept: 0.0,
        iterations: 0,
        converged: true,
    })
}

/// The former measurement, kept as the reference: one generator for all shuffles, three
/// shuffles per column, one after the other on one thread, every row.
fn sequential_reference(
    fitted: &Fitted,
    x: &Array2<f64>,
    y: &[bool],
    transform: &Transform,
    seed: u64,
) -> Vec<(String, f64)> {
    const REPEATS: usize = 3;
    let mut rng = SplitMix64(seed ^ 0x000D_21E5);
    let score = |m: &Array2<f64>| fitted.predict_proba(m.view(), &|| false).expect("scores");
    let base = roc_auc(y, &score(x));
    let mut out = Vec::new();
    let mut j = 0;
    for t in &transform.columns {
        let (name, width) = match t {
            ColumnTransform::Numeric { name, .. } => (name.clone(), 1),
            ColumnTransform::Categorical { name, categories } => (name.clone(), categories.len()),
        };
        let cols = j..j + width;
        j += width;
        let mut drop = 0.0;
        for _ in 0..REPEATS {
            let mut order: Vec<usize> = (0..x.nrows()).collect();
            rng.shuffle(&mut order);
            let mut shuffled = x.clone();
            for (i, &from) in order.iter().enumerate() {
                for c in cols.clone() {
                    shuffled[[i, c]] = x[[from, c]];
                }
            }
            drop += base - roc_auc(y, &score(&shuffled));
        }
        out.push((name, drop / REPEATS as f64));
    }
    out.sort_by(|a, b| b.1.total_cmp(&a.1));
    out
}

fn names(drivers: &[Driver]) -> Vec<&str> {
    drivers.iter().map(|d| d.feature.as_str()).collect()
}

#[test]
fn ranks_columns_as_the_sequential_measurement_did() {
    let (x, y, transform) = data(1500, 7);
    let fitted = true_model();
    let reference = sequential_reference(&fitted, &x, &y, &transform, 42);
    let expected: Vec<&str> = reference.iter().map(|(n, _)| n.as_str()).collect();
    // the reference itself ranks the columns as their weights say
    assert_eq!(expected, ["x0", "tier", "x1", "x2", "x3"], "{reference:?}");
    let input = ImportanceInput::new(fitted, &x, &y, &transform, 42);
    let drivers = permutation_importance(&input, &|| false, &|_| {}).expect("measured");
    assert_eq!(names(&drivers), expected, "{drivers:?}");
    // the sizes agree too, within the noise of a few shuffles
    for (d, (_, r)) in drivers.iter().zip(&reference) {
        assert!((d.auc_drop - r).abs() < 0.02, "{d:?} vs {r}");
    }
    // a column the model does not use loses exactly nothing, after the first shuffles
    let ignored = drivers.iter().find(|d| d.feature == "x3").expect("x3");
    assert_eq!((ignored.auc_drop, ignored.repeats), (0.0, FIRST_REPEATS));
}

#[test]
fn a_trained_forest_ranks_its_strong_columns_as_before() {
    let (x, y, transform) = data(2400, 11);
    let (train_x, eval_x) = (rows(&x, 0..1600), rows(&x, 1600..2400));
    let settings = ModelSettings {
        forest_trees: 30,
        ..ModelSettings::default()
    };
    let setup = TrainSetup {
        settings: &settings,
        seed: 3,
        class_weights: false,
        stop: &|| false,
    };
    let fitted = fit_model(
        ModelKind::Forest,
        train_x.view(),
        &y[..1600],
        &setup,
        &mut |_| Ok(()),
    )
    .expect("forest");
    let eval_y = &y[1600..];
    let reference = sequential_reference(&fitted, &eval_x, eval_y, &transform, 5);
    let input = ImportanceInput::new(fitted, &eval_x, eval_y, &transform, 5);
    let drivers = permutation_importance(&input, &|| false, &|_| {}).expect("measured");
    // the columns that matter, in the same order (the last two are both near zero)
    let expected: Vec<&str> = reference.iter().take(3).map(|(n, _)| n.as_str()).collect();
    assert_eq!(expected, ["x0", "tier", "x1"], "{reference:?}");
    assert_eq!(names(&drivers)[..3], expected[..], "{drivers:?}");
}

#[test]
fn the_same_seed_gives_the_same_drivers_whatever_the_threads_did() {
    let (x, y, transform) = data(800, 3);
    let input = ImportanceInput::new(true_model(), &x, &y, &transform, 9);
    let first = permutation_importance(&input, &|| false, &|_| {}).expect("first");
    for _ in 0..3 {
        let again = permutation_importance(&input, &|| false, &|_| {}).expect("again");
        assert_eq!(again, first);
    }
    // another seed shuffles differently (same ranking of the clear columns, other sizes)
    let other = ImportanceInput::new(true_model(), &x, &y, &transform, 10);
    let other = permutation_importance(&other, &|| false, &|_| {}).expect("other");
    assert_ne!(other, first);
}

#[test]
fn big_evaluations_are_sampled_and_say_how_many_rows() {
    let (x, y, transform) = data(IMPORTANCE_SAMPLE + 500, 5);
    let input = ImportanceInput::new(true_model(), &x, &y, &transform, 1);
    assert_eq!(input.rows(), IMPORTANCE_SAMPLE);
    assert_eq!(input.held_out, IMPORTANCE_SAMPLE + 500);
    assert_eq!(input.columns(), 5);
    let small = ImportanceInput::new(true_model(), &rows(&x, 0..300), &y[..300], &transform, 1);
    assert_eq!((small.rows(), small.held_out), (300, 300));
}

#[test]
fn progress_only_grows_and_ends_at_one() {
    let (x, y, transform) = data(600, 21);
    let input = ImportanceInput::new(true_model(), &x, &y, &transform, 4);
    let seen = Mutex::new(Vec::new());
    permutation_importance(&input, &|| false, &|f| {
        seen.lock().expect("lock").push(f);
    })
    .expect("measured");
    let seen = seen.into_inner().expect("lock");
    // parallel workers may report out of order by a hair; the last report is the end
    assert_eq!(seen.last().copied(), Some(1.0));
    assert!(seen.len() >= 5 * FIRST_REPEATS, "{seen:?}");
    assert!(seen.iter().all(|f| (0.0..=1.0).contains(f)), "{seen:?}");
}

#[test]
fn a_stop_request_cancels_it() {
    let (x, y, transform) = data(600, 2);
    let input = ImportanceInput::new(true_model(), &x, &y, &transform, 4);
    let result = permutation_importance(&input, &|| true, &|_| {});
    assert!(
        matches!(result, Err(ImportanceError::Cancelled)),
        "{result:?}"
    );
}

#[test]
fn one_outcome_only_measures_nothing() {
    let (x, _, transform) = data(200, 2);
    let y = vec![true; 200];
    let input = ImportanceInput::new(true_model(), &x, &y, &transform, 4);
    assert!(!input.measurable());
    let drivers = permutation_importance(&input, &|| false, &|_| {}).expect("nothing");
    assert!(drivers.is_empty());
}

#[test]
fn measure_drivers_reports_each_model_as_it_is_known() {
    let (x, y, transform) = data(500, 8);
    let input = Arc::new(ImportanceInput::new(true_model(), &x, &y, &transform, 4));
    let models = vec![
        (ModelKind::Logistic, Some(Arc::clone(&input))),
        (ModelKind::Tree, None),
        (ModelKind::NaiveBayes, Some(input)),
    ];
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&events);
    let reporter = Reporter::new(
        move |p: DriversProgress| {
            if let DriversProgress::Measured { index, drivers } = p {
                sink.lock().expect("lock").push((index, drivers.len()));
            }
        },
        crate::jobs::CancelToken::new(),
    );
    let all = measure_drivers(&models, &[2, 0, 1], &reporter).expect("measured");
    assert_eq!(all.len(), 3);
    assert!(all[1].is_empty());
    assert_eq!(all[0], all[2]);
    // the one asked for first arrives first; the model without an input sends nothing
    assert_eq!(*events.lock().expect("lock"), vec![(2, 5), (0, 5)]);
}
