//! K-Means against scikit-learn (tests/reference/kmeans_lloyd_reference.py) and the
//! properties the segment views rely on.

use super::*;
use crate::analysis::clustering::blocks::TEST_THREADS;
use crate::analysis::clustering::lloyd::lloyd;
use rand_xoshiro::Xoshiro256Plus;
use rand_xoshiro::rand_core::SeedableRng;

/// The reference script's 300 × 3 rows.
fn formula_rows() -> Vec<f64> {
    (0..300)
        .flat_map(|i| {
            let f = i as f64;
            let m3 = (i % 3) as f64;
            [
                (f * 0.7).sin() * 3.0 + m3 * 4.0,
                (f * 1.3).cos() * 2.0 + m3 * 1.5,
                (f * 0.11).sin() * (i % 5) as f64,
            ]
        })
        .collect()
}

fn rows_of(data: &[f64], d: usize) -> ndarray::Array2<f64> {
    ndarray::Array2::from_shape_vec((data.len() / d, d), data.to_vec()).expect("shape")
}

fn no_progress() -> impl FnMut(u64, f64, &[f64]) {
    |_, _, _| {}
}

#[test]
fn lloyd_from_given_centres_matches_scikit_learn() {
    let x = rows_of(&formula_rows(), 3);
    let rows = Rows::new(x.view());
    let cancel = CancelToken::new();
    let tol = tolerance(&rows, &cancel).expect("runs");
    let start = rows.block(0..4).to_vec();
    let fit = lloyd(&rows, start, (300, tol, 0.0), &cancel, &mut no_progress()).expect("runs");
    let labels: String = fit.labels.iter().map(|l| l.to_string()).collect();
    assert_eq!(
        labels,
        "312311031312311031312311031312311031312311031312311031312311031312311031312311031312331\
         031312331031312331031312311031312311031312311031312311031312331031312331031312331031312\
         311031312311031312311031312311031312331031312331031312331031312311031312311031312311031\
         312311031312331031312331031312331031312"
    );
    assert_eq!(fit.history.len(), 8, "iterations");
    assert!(
        (fit.inertia - 1776.8290394962034).abs() < 1e-9,
        "{}",
        fit.inertia
    );
    let expected = [
        [
            -2.8744300729342003,
            0.13910820859057416,
            0.07810414776222546,
        ],
        [6.1314610347583685, 2.448521373826573, 0.25915623424636314],
        [10.942533445294885, 3.074917223229181, 0.016497003220120265],
        [
            1.6780629477637197,
            0.40402464818186523,
            -0.13367063256618292,
        ],
    ];
    for (got, want) in fit.centres.chunks(3).zip(expected) {
        for (g, w) in got.iter().zip(want) {
            assert!((g - w).abs() < 1e-12, "{got:?} vs {want:?}");
        }
    }
    // the inertia falls at every iteration
    assert!(
        fit.history.windows(2).all(|w| w[1] <= w[0]),
        "{:?}",
        fit.history
    );
}

#[test]
fn a_centre_without_rows_moves_to_the_farthest_row() {
    let x = rows_of(&[0.0, 0.0, 0.0, 3.0, 0.0, 4.0, 10.0, 10.0], 2);
    let rows = Rows::new(x.view());
    let cancel = CancelToken::new();
    let old = [0.0, 1.0, 10.0, 10.0, 50.0, 50.0];
    let mut labels = vec![u32::MAX; 4];
    let mut pass = assign(&rows, &old, &mut labels, &cancel).expect("runs");
    assert_eq!(labels, [0, 0, 0, 1]);
    assert_eq!(pass.counts, [3, 1, 0]);
    assert_eq!(pass.changed, 4);
    assert_eq!(pass.inertia, 1.0 + 4.0 + 9.0);
    let new = update(&rows, &old, &labels, &mut pass, &cancel).expect("runs");
    // scikit-learn after one iteration: [[0, 1.5], [10, 10], [0, 4]]
    assert_eq!(new, [0.0, 1.5, 10.0, 10.0, 0.0, 4.0]);
}

#[test]
fn tolerance_is_relative_to_the_mean_column_variance() {
    let x = rows_of(&[1.0, 2.0, 3.0, 5.0, 4.0, 4.0, 0.0, 7.0], 2);
    let tol = tolerance(&Rows::new(x.view()), &CancelToken::new()).expect("runs");
    assert!((tol - 0.0002875).abs() < 1e-18, "{tol}");
}

#[test]
fn draws_follow_the_cumulative_distances() {
    let closest = [0.0, 1.0, 0.0, 2.0];
    let sums = [3.0];
    assert_eq!(draw(&closest, &sums, 0.0), 1);
    assert_eq!(draw(&closest, &sums, 0.5), 1);
    assert_eq!(draw(&closest, &sums, 1.0), 1);
    assert_eq!(draw(&closest, &sums, 1.5), 3);
    assert_eq!(draw(&closest, &sums, 3.0), 3);
    assert_eq!(draw(&closest, &sums, 3.5), 3);
}

/// Four tight groups far apart, `per` rows each, in 2-D.
fn four_groups(per: usize) -> Vec<f64> {
    let centres = [(0.0, 0.0), (100.0, 0.0), (0.0, 100.0), (100.0, 100.0)];
    (0..4 * per)
        .flat_map(|i| {
            let (cx, cy) = centres[i % 4];
            let f = i as f64;
            [cx + (f * 0.37).sin(), cy + (f * 0.91).cos()]
        })
        .collect()
}

#[test]
fn greedy_kmeans_plus_plus_starts_in_every_group() {
    let x = rows_of(&four_groups(500), 2);
    let rows = Rows::new(x.view());
    for seed in 0..20 {
        let mut rng = Xoshiro256Plus::seed_from_u64(seed);
        let c = kmeans_plus_plus(&rows, 4, &mut rng, &CancelToken::new()).expect("runs");
        let mut groups: Vec<(bool, bool)> =
            c.chunks(2).map(|p| (p[0] > 50.0, p[1] > 50.0)).collect();
        groups.sort_unstable();
        groups.dedup();
        assert_eq!(groups.len(), 4, "seed {seed}: {c:?}");
        // every centre is one of the rows
        for p in c.chunks(2) {
            assert!((0..rows.n).any(|i| rows.row(i) == p), "{p:?}");
        }
    }
}

/// 50,000 rows (13 blocks) of overlapping groups, so that many iterations run.
fn overlapping() -> ndarray::Array2<f64> {
    let data: Vec<f64> = (0..50_000)
        .flat_map(|i| {
            let f = i as f64;
            [
                (f * 0.013).sin() * 2.0 + (i % 5) as f64 * 0.8,
                (f * 0.029).cos() * 2.0 - (i % 7) as f64 * 0.5,
                (f * 0.0071).sin() * (f * 0.0003).cos(),
            ]
        })
        .collect();
    rows_of(&data, 3)
}

#[test]
fn the_result_does_not_depend_on_the_number_of_threads() {
    let x = overlapping();
    let run = |threads: usize| {
        TEST_THREADS.with(|t| t.set(threads));
        let rows = Rows::new(x.view());
        let cancel = CancelToken::new();
        let mut rng = Xoshiro256Plus::seed_from_u64(7);
        let start = kmeans_plus_plus(&rows, 6, &mut rng, &cancel).expect("runs");
        let fit = lloyd(&rows, start, (300, 1e-4, 0.0), &cancel, &mut no_progress()).expect("runs");
        TEST_THREADS.with(|t| t.set(0));
        fit
    };
    let (one, three) = (run(1), run(3));
    assert!(one.history.len() > 3, "{}", one.history.len());
    assert_eq!(one.labels, three.labels);
    assert_eq!(one.centres, three.centres);
    assert_eq!(one.inertia.to_bits(), three.inertia.to_bits());
    assert_eq!(one.history, three.history);
}

#[test]
fn cancel_stops_a_start_inside_a_pass() {
    let x = rows_of(&four_groups(5000), 2);
    let rows = Rows::new(x.view());
    let cancel = CancelToken::new();
    let start = rows.block(0..4).to_vec();
    // cancelled during the first iteration's progress call: the next pass stops
    let mut iterations = 0;
    let r = lloyd(&rows, start, (300, 0.0, 0.0), &cancel, &mut |_, _, _| {
        iterations += 1;
        cancel.cancel();
    });
    assert!(matches!(r, Err(Cancelled)));
    assert_eq!(iterations, 1);
}

#[test]
fn after_settling_centres_are_means_and_rows_are_in_the_nearest_segment() {
    let x = overlapping();
    let rows = Rows::new(x.view());
    let cancel = CancelToken::new();
    let tol = tolerance(&rows, &cancel).expect("runs");
    let mut settled = 0;
    for seed in 0..4 {
        let mut rng = Xoshiro256Plus::seed_from_u64(seed);
        let start = kmeans_plus_plus(&rows, 6, &mut rng, &cancel).expect("runs");
        let fit = lloyd(&rows, start, (300, tol, 0.0), &cancel, &mut no_progress()).expect("runs");
        settled += fit.settling;
        let centres = rows_of(&fit.centres, 3);
        let labels: Vec<usize> = fit.labels.iter().map(|&l| l as usize).collect();
        // the rule saved models use
        assert_eq!(
            crate::metrics::nearest(x.view(), centres.view()).0,
            labels,
            "seed {seed}"
        );
        for c in 0..6 {
            let mine: Vec<usize> = (0..rows.n).filter(|&i| labels[i] == c).collect();
            for t in 0..3 {
                let mean = mine.iter().map(|&i| x[[i, t]]).sum::<f64>() / mine.len() as f64;
                assert!((centres[[c, t]] - mean).abs() < 1e-12, "seed {seed}");
            }
        }
        let exact = crate::metrics::inertia(x.view(), centres.view(), &labels);
        assert!(
            (fit.inertia - exact).abs() < 1e-9 * exact,
            "{} vs {exact}",
            fit.inertia
        );
    }
    // scikit-learn's rule stopped early at least once, and settling fixed it
    assert!(settled > 0);
}

#[test]
fn settling_cut_short_still_puts_every_row_in_its_nearest_segment() {
    use crate::analysis::clustering::lloyd::TEST_SETTLING_BUDGET;
    let x = overlapping();
    let rows = Rows::new(x.view());
    let cancel = CancelToken::new();
    let tol = tolerance(&rows, &cancel).expect("runs");
    let fit = |budget: usize| {
        TEST_SETTLING_BUDGET.with(|b| b.set(budget));
        let mut rng = Xoshiro256Plus::seed_from_u64(1);
        let start = kmeans_plus_plus(&rows, 6, &mut rng, &cancel).expect("runs");
        let fit = lloyd(&rows, start, (300, tol, 0.0), &cancel, &mut no_progress()).expect("runs");
        TEST_SETTLING_BUDGET.with(|b| b.set(0));
        fit
    };
    let (full, short) = (fit(0), fit(1));
    assert!(full.settling > 1, "settling took {} passes", full.settling);
    assert_eq!(short.settling, 1);
    assert_eq!(
        short.history, full.history,
        "the same iterations before settling"
    );
    let centres = rows_of(&short.centres, 3);
    let labels: Vec<usize> = short.labels.iter().map(|&l| l as usize).collect();
    assert_eq!(crate::metrics::nearest(x.view(), centres.view()).0, labels);
    let exact = crate::metrics::inertia(x.view(), centres.view(), &labels);
    assert!((short.inertia - exact).abs() < 1e-9 * exact);
    // cut short, the inertia is a hair above the settled one
    assert!(
        short.inertia >= full.inertia,
        "{} {}",
        short.inertia,
        full.inertia
    );
    assert!(short.inertia < full.inertia * (1.0 + 1e-4));
}
