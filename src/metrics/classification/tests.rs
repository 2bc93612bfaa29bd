use super::*;
use sklearn::*;

/// Equal element by element, NaN equal to NaN.
fn same(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| x == y || (x.is_nan() && y.is_nan()))
}

fn assert_same(what: &str, a: &[f64], b: &[f64]) {
    assert!(same(a, b), "{what}:\n  ours    {a:?}\n  sklearn {b:?}");
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol
}

/// Deterministic pseudo-random numbers (splitmix64) for the larger inputs.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// `n` rows whose scores are on a grid of `levels` values (ties), positives scoring higher
/// on average.
fn synthetic(n: usize, levels: u64, seed: u64) -> (Vec<bool>, Vec<f64>) {
    let mut rng = Rng(seed);
    (0..n)
        .map(|_| {
            let t = rng.unit() < 0.3;
            let s = (rng.unit() * 0.7 + if t { 0.3 } else { 0.0 }) * levels as f64;
            (t, s.floor() / levels as f64)
        })
        .unzip()
}

/// The ROC curve by the textbook route: stable sort of the rows by score, descending, one
/// vertex where the score changes.
fn naive_roc(y: &[bool], s: &[f64]) -> RocCurve {
    let mut rows: Vec<(f64, bool)> = s.iter().copied().zip(y.iter().copied()).collect();
    rows.sort_by(|a, b| b.0.total_cmp(&a.0));
    let p = y.iter().filter(|&&t| t).count() as f64;
    let n = y.len() as f64 - p;
    let mut c = RocCurve {
        fpr: vec![0.0 / n],
        tpr: vec![0.0 / p],
        thresholds: vec![f64::INFINITY],
    };
    let (mut tp, mut fp) = (0.0, 0.0);
    for (i, &(score, t)) in rows.iter().enumerate() {
        if t {
            tp += 1.0;
        } else {
            fp += 1.0;
        }
        if rows.get(i + 1).is_none_or(|next| next.0 != score) {
            c.fpr.push(fp / n);
            c.tpr.push(tp / p);
            c.thresholds.push(score);
        }
    }
    c
}

#[test]
fn roc_curve_vertices_match_sklearn() {
    let c = roc_curve(&Y, &S);
    assert_eq!(c.fpr, ROC_FPR);
    assert_eq!(c.tpr, ROC_TPR);
    assert_eq!(c.thresholds, ROC_THRESHOLDS);
    assert_eq!(c, naive_roc(&Y, &S));
}

#[test]
fn roc_auc_matches_sklearn() {
    let c = roc_curve(&Y, &S);
    assert!(close(c.auc(), ROC_AUC, 1e-9), "{}", c.auc());
    assert!(close(roc_auc(&Y, &S), ROC_AUC, 1e-9), "{}", roc_auc(&Y, &S));
    assert!(close(roc_auc(&Y, &S), c.auc(), 1e-15));
    let (yd, sd) = ([false, false, true, true], [0.1, 0.4, 0.35, 0.8]);
    assert!(close(roc_auc(&yd, &sd), DOCS_AUC, 1e-9));
    assert!(close(roc_curve(&yd, &sd).auc(), DOCS_AUC, 1e-9));
    // reversing the scores mirrors the AUC; a perfect ranking scores 1
    let neg: Vec<f64> = S.iter().map(|s| -s).collect();
    assert!(close(roc_auc(&Y, &neg), 1.0 - ROC_AUC, 1e-12));
    let perfect: Vec<f64> = Y.iter().map(|&t| if t { 0.9 } else { 0.1 }).collect();
    assert_eq!(roc_auc(&Y, &perfect), 1.0);
    assert_eq!(roc_curve(&Y, &perfect).auc(), 1.0);
}

#[test]
fn pr_curve_and_average_precision_match_sklearn() {
    let c = pr_curve(&Y, &S);
    assert_eq!(c.precision, PR_PRECISION);
    assert_eq!(c.recall, PR_RECALL);
    assert_eq!(c.thresholds, PR_THRESHOLDS);
    assert!(
        close(average_precision(&Y, &S), AP, 1e-12),
        "{}",
        average_precision(&Y, &S)
    );
    let (yd, sd) = ([false, false, true, true], [0.1, 0.4, 0.35, 0.8]);
    assert!(close(average_precision(&yd, &sd), DOCS_AP, 1e-12));
}

#[test]
fn confusion_metrics_match_sklearn() {
    for (t, [tp, fp, tn, fn_], accuracy, precision, recall, specificity, f1) in AT {
        let c = Confusion::at(&Y, &S, t);
        assert_eq!(c, Confusion { tp, fp, tn, fn_ }, "threshold {t}");
        assert_eq!(c.total(), 40);
        assert_eq!(c.accuracy(), accuracy, "accuracy at {t}");
        assert_eq!(c.precision(), precision, "precision at {t}");
        assert_eq!(c.recall(), recall, "recall at {t}");
        assert_eq!(c.specificity(), specificity, "specificity at {t}");
        assert_eq!(c.f1(), f1, "f1 at {t}");
    }
}

#[test]
fn point_at_agrees_with_confusion_at() {
    let c = roc_curve(&Y, &S);
    let mut thresholds: Vec<f64> = S.to_vec();
    thresholds.extend(S.iter().map(|s| s + 0.025));
    thresholds.extend(AT.iter().map(|row| row.0));
    thresholds.extend([f64::INFINITY, f64::NEG_INFINITY, 2.0, -2.0]);
    for t in thresholds {
        let m = Confusion::at(&Y, &S, t);
        let expected = [m.fp as f64 / 29.0, m.recall()];
        assert_eq!(c.point_at(t), expected, "threshold {t}");
    }
    assert_eq!(c.point_at(f64::INFINITY), [0.0, 0.0]);
    assert_eq!(c.point_at(f64::NAN), [0.0, 0.0]);
    assert_eq!(c.point_at(0.0), [1.0, 1.0]);
    assert!(RocCurve::default().point_at(0.5).iter().all(|v| v.is_nan()));
}

#[test]
fn log_loss_matches_sklearn() {
    assert!(
        close(log_loss(&Y, &P), LOG_LOSS, 1e-12),
        "{}",
        log_loss(&Y, &P)
    );
    assert!(close(log_loss(&Y, &S), LOG_LOSS_ON_S, 1e-12));
    let y0 = [false; 5];
    let s0 = [0.3, 0.1, 0.3, 0.9, 0.5];
    assert!(close(log_loss(&y0, &s0), NEG_ONLY_LOG_LOSS, 1e-12));
    // a certain, wrong prediction costs -ln(eps), not infinity
    assert!(close(log_loss(&[true], &[0.0]), -f64::EPSILON.ln(), 1e-12));
    assert!(close(log_loss(&[false], &[1.0]), -f64::EPSILON.ln(), 1e-12));
    assert!(log_loss(&[true], &[1.0]) < 1e-15);
}

#[test]
fn one_class_matches_sklearn() {
    let s0 = [0.3, 0.1, 0.3, 0.9, 0.5];
    let neg = roc_curve(&[false; 5], &s0);
    assert_same("fpr", &neg.fpr, &NEG_ONLY_ROC_FPR);
    assert_same("tpr", &neg.tpr, &NEG_ONLY_ROC_TPR);
    assert_same("thresholds", &neg.thresholds, &NEG_ONLY_ROC_THRESHOLDS);
    assert!(NEG_ONLY_AUC.is_nan() && roc_auc(&[false; 5], &s0).is_nan());
    assert!(neg.auc().is_nan());
    let pr = pr_curve(&[false; 5], &s0);
    assert_same("precision", &pr.precision, &NEG_ONLY_PR_PRECISION);
    assert_same("recall", &pr.recall, &NEG_ONLY_PR_RECALL);
    assert_same("thresholds", &pr.thresholds, &NEG_ONLY_PR_THRESHOLDS);
    assert_eq!(average_precision(&[false; 5], &s0), NEG_ONLY_AP);

    let pos = roc_curve(&[true; 5], &s0);
    assert_same("fpr", &pos.fpr, &POS_ONLY_ROC_FPR);
    assert_same("tpr", &pos.tpr, &POS_ONLY_ROC_TPR);
    assert!(roc_auc(&[true; 5], &s0).is_nan());
    let pr = pr_curve(&[true; 5], &s0);
    assert_same("precision", &pr.precision, &POS_ONLY_PR_PRECISION);
    assert_same("recall", &pr.recall, &POS_ONLY_PR_RECALL);
    assert_eq!(average_precision(&[true; 5], &s0), POS_ONLY_AP);
}

#[test]
fn tied_scores_match_sklearn() {
    let y = [true, false, false, true, false, false];
    let s = [0.25; 6];
    let c = roc_curve(&y, &s);
    assert_eq!(c.fpr, TIED_ROC_FPR);
    assert_eq!(c.tpr, TIED_ROC_TPR);
    assert_eq!(c.thresholds, TIED_ROC_THRESHOLDS);
    assert_eq!(c.auc(), TIED_AUC);
    assert_eq!(roc_auc(&y, &s), TIED_AUC);
    let pr = pr_curve(&y, &s);
    assert_eq!(pr.precision, TIED_PR_PRECISION);
    assert_eq!(pr.recall, TIED_PR_RECALL);
    assert!(close(average_precision(&y, &s), TIED_AP, 1e-12));
    // -0.0 is the same score as 0.0
    let c = roc_curve(&[true, false], &[-0.0, 0.0]);
    assert_eq!(c.fpr, [0.0, 1.0]);
    assert_eq!(c.tpr, [0.0, 1.0]);
    assert_eq!(rank_descending(&[-0.0, 1.0, 0.0]), [1, 0, 2]);
}

#[test]
fn empty_input_gives_empty_results_and_nan() {
    assert_eq!(roc_curve(&[], &[]), RocCurve::default());
    assert!(RocCurve::default().auc().is_nan());
    assert!(RocCurve::default().thinned(10).is_empty());
    assert!(roc_auc(&[], &[]).is_nan());
    assert_eq!(pr_curve(&[], &[]), PrCurve::default());
    assert!(average_precision(&[], &[]).is_nan());
    assert!(log_loss(&[], &[]).is_nan());
    let c = Confusion::at(&[], &[], 0.5);
    assert_eq!(c, Confusion::default());
    assert_eq!(
        [
            c.accuracy(),
            c.precision(),
            c.recall(),
            c.specificity(),
            c.f1()
        ],
        [0.0; 5]
    );
    assert!(gains(&[], &[], 10).is_empty());
    assert!(rank_descending(&[]).is_empty());
    assert_eq!(campaign_profit(&[], &[], 1.0, 5.0), (vec![0.0], 0));
}

#[test]
fn nan_scores_and_mismatched_lengths_do_not_panic() {
    let y = [true, false, true, false, true];
    let s = [0.5, f64::NAN, 0.2, -f64::NAN, 0.5];
    let c = roc_curve(&y, &s);
    assert_eq!(c.thresholds.len(), 5); // inf, NaN, 0.5, 0.2, -NaN
    assert_eq!(c.fpr.last(), Some(&1.0));
    assert_eq!(c.tpr.last(), Some(&1.0));
    assert!(c.auc().is_finite());
    assert!(roc_auc(&y, &s).is_finite());
    let _ = (c.thinned(2), c.point_at(0.3), c.point_at(f64::NAN));
    let _ = (pr_curve(&y, &s), average_precision(&y, &s));
    assert!(log_loss(&y, &s).is_nan());
    assert_eq!(Confusion::at(&y, &s, 0.3).total(), 5);
    assert_eq!(rank_descending(&s), [1, 0, 4, 2, 3]);
    let _ = (gains(&y, &s, 3), campaign_profit(&y, &s, f64::NAN, 1.0));
    // only the first min(len) pairs count
    assert_eq!(roc_curve(&Y, &S[..10]), roc_curve(&Y[..10], &S[..10]));
    assert_eq!(pr_curve(&Y[..7], &S), pr_curve(&Y[..7], &S[..7]));
    assert_eq!(Confusion::at(&Y, &S[..3], 0.5).total(), 3);
    assert_eq!(gains(&Y[..20], &S, 4), gains(&Y[..20], &S[..20], 4));
    assert_eq!(campaign_profit(&Y, &S[..5], 1.0, 2.0).0.len(), 6);
    assert_eq!(log_loss(&Y[..3], &P), log_loss(&Y[..3], &P[..3]));
}

#[test]
fn gains_match_pandas() {
    let check = |rows: Vec<GainsRow>, expected: &[GainsTuple]| {
        assert_eq!(rows.len(), expected.len());
        for (r, e) in rows.iter().zip(expected) {
            assert_eq!(
                (
                    r.decile,
                    r.customers,
                    r.positives,
                    r.cum_customers,
                    r.cum_positives
                ),
                (e.0, e.1, e.2, e.3, e.4),
                "{r:?}"
            );
            assert_same(
                "share, lift, rate",
                &[r.cum_share, r.lift, r.response_rate],
                &[e.5, e.6, e.7],
            );
        }
    };
    check(gains(&Y, &S, 10), &GAINS_10);
    check(gains(&Y, &S, 7), &GAINS_7);
    check(gains(&Y, &S, 3), &GAINS_3);
    check(
        gains(&[true, false, true], &[0.2, 0.9, 0.2], 5),
        &GAINS_SMALL_5,
    );
    assert!(gains(&Y, &S, 0).is_empty());
    // no positives: the shares and lifts are 0/0
    let none = gains(&[false; 4], &[0.1, 0.2, 0.3, 0.4], 2);
    assert!(none.iter().all(|r| r.cum_share.is_nan() && r.lift.is_nan()));
    assert!(none.iter().all(|r| r.response_rate == 0.0));
}

#[test]
fn ranking_and_campaign_profit_match_pandas() {
    assert_eq!(rank_descending(&S), RANK);
    let (profits, best) = campaign_profit(&Y, &S, PROFIT_COST, PROFIT_VALUE);
    assert_eq!(profits, PROFITS);
    assert_eq!(best, PROFIT_BEST_N);
    // contacting nobody is best when a contact costs more than a positive is worth
    let (profits, best) = campaign_profit(&Y, &S, 10.0, 5.0);
    assert_eq!((profits[0], best), (0.0, 0));
    // the first of equal maxima: the fewest contacts
    assert_eq!(
        campaign_profit(&[true, false, true], &[0.9, 0.5, 0.1], 1.0, 2.0).1,
        1
    );
}

#[test]
fn large_input_matches_the_textbook_curve() {
    // big enough for the two-thread sort; scores tie on a grid of 1000 values
    let (y, s) = synthetic(3 * PARALLEL_MIN + 17, 1000, 7);
    let c = roc_curve(&y, &s);
    assert_eq!(c, naive_roc(&y, &s));
    assert!(
        close(c.auc(), roc_auc(&y, &s), 1e-13),
        "{} {}",
        c.auc(),
        roc_auc(&y, &s)
    );
    // all distinct scores
    let (y, s) = synthetic(PARALLEL_MIN + 1, 1 << 40, 8);
    let c = roc_curve(&y, &s);
    assert_eq!(c, naive_roc(&y, &s));
    assert!(close(c.auc(), roc_auc(&y, &s), 1e-13));
    let pr = pr_curve(&y, &s);
    assert_eq!(pr.thresholds.len() + 1, c.thresholds.len());
}

#[test]
fn thinned_drops_collinear_vertices_and_caps_the_points() {
    // vertical then horizontal runs, and an exact diagonal
    let c = RocCurve {
        fpr: vec![0.0, 0.0, 0.0, 0.5, 1.0],
        tpr: vec![0.0, 0.5, 1.0, 1.0, 1.0],
        thresholds: vec![f64::INFINITY, 4.0, 3.0, 2.0, 1.0],
    };
    assert_eq!(c.thinned(100), [[0.0, 0.0], [0.0, 1.0], [1.0, 1.0]]);
    let c = RocCurve {
        fpr: vec![0.0, 0.25, 0.5, 1.0],
        tpr: vec![0.0, 0.25, 0.5, 1.0],
        thresholds: vec![f64::INFINITY, 3.0, 2.0, 1.0],
    };
    assert_eq!(c.thinned(100), [[0.0, 0.0], [1.0, 1.0]]);
    assert_eq!(c.thinned(0), [[0.0, 0.0], [1.0, 1.0]]);

    let c = roc_curve(&Y, &S);
    let all = c.thinned(usize::MAX);
    assert_eq!(all.first(), Some(&[0.0, 0.0]));
    assert_eq!(all.last(), Some(&[1.0, 1.0]));
    assert!(all.len() < c.fpr.len());
    for w in all.windows(3) {
        assert!(!on_segment(w[0], w[1], w[2]), "{w:?}");
    }

    let (y, s) = synthetic(20_000, 1 << 40, 3);
    let c = roc_curve(&y, &s);
    let full = c.thinned(usize::MAX);
    for m in [2, 3, 10, 257, 1000] {
        let t = c.thinned(m);
        assert!(
            t.len() <= m && t.len() >= m.min(full.len()) / 2,
            "{m}: {}",
            t.len()
        );
        assert_eq!(t.first(), full.first());
        assert_eq!(t.last(), full.last());
        // a subsequence of the vertices, in order
        let mut rest = full.iter();
        assert!(t.iter().all(|p| rest.any(|q| q == p)));
    }
    // the AUC does not depend on any thinning
    assert_eq!(c.auc(), roc_curve(&y, &s).auc());
}

// ---- printed by tests/reference/classification_metrics_reference.py
// (scikit-learn 1.9.1, numpy 2.4.6, pandas 3.1.1); do not edit by hand
#[rustfmt::skip]
mod sklearn {
    /// (threshold, [tp, fp, tn, fn], accuracy, precision, recall, specificity, f1)
    pub type AtRow = (f64, [u64; 4], f64, f64, f64, f64, f64);
    /// (decile, customers, positives, cum_customers, cum_positives, cum_share, lift,
    /// response_rate)
    pub type GainsTuple = (usize, usize, usize, usize, usize, f64, f64, f64);
    pub const Y: [bool; 40] = [true, false, false, false, false, true, false, true, false, false, false, true, false, true, false, false, false, false, true, false, true, false, false, false, false, false, false, false, false, true, false, false, false, true, true, false, false, false, false, true];
    pub const S: [f64; 40] = [0.6, 0.2, 0.3, 0.4, 0.2, 0.25, 0.55, 0.6, 0.25, 0.3, 0.6, 0.6, 0.6, 0.95, 0.05, 0.4, 0.45, 0.8, 0.7, 0.6, 0.35, 0.4, 0.4, 0.5, 0.15, 0.2, 0.25, 0.2, 0.4, 0.6, 0.45, 0.6, 0.0, 0.55, 0.65, 0.25, 0.0, 0.15, 0.1, 0.65];
    pub const P: [f64; 40] = [0.0, 1.0, 0.0, 1.0, 0.04419538967956538, 1.0, 0.6232496221719288, 0.854118549783514, 0.9411677122775103, 0.04725472058420699, 0.4848772782356032, 0.6355830934851521, 0.14325920303312623, 0.5536438915213535, 0.056972615538041005, 0.9370426957732966, 0.8397627231044346, 0.35624877525209364, 0.4460894688438385, 0.779558837396084, 0.25835337407487013, 0.5699569222475717, 0.9517768316776638, 0.004168653406451894, 0.3667736523429713, 0.26416216537054504, 0.9385338034209724, 0.7555735749775843, 0.4219217315391457, 0.6953473070757196, 0.43596006778091756, 0.6249987692631268, 0.9079343034393506, 0.42628920009153026, 0.7533518989222666, 0.617201454987046, 0.7620887864561217, 0.49927758643449704, 0.9443118222823885, 0.212156825057075];
    // positives: 11, distinct scores: 17, P is 0 or 1 at rows 0, 1, 2, 3, 5
    pub const ROC_FPR: [f64; 18] = [0.0, 0.0, 0.034482758620689655, 0.034482758620689655, 0.034482758620689655, 0.1724137931034483, 0.20689655172413793, 0.2413793103448276, 0.3103448275862069, 0.4827586206896552, 0.4827586206896552, 0.5517241379310345, 0.6551724137931034, 0.7931034482758621, 0.8620689655172413, 0.896551724137931, 0.9310344827586207, 1.0];
    pub const ROC_TPR: [f64; 18] = [0.0, 0.09090909090909091, 0.09090909090909091, 0.18181818181818182, 0.36363636363636365, 0.7272727272727273, 0.8181818181818182, 0.8181818181818182, 0.8181818181818182, 0.8181818181818182, 0.9090909090909091, 0.9090909090909091, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0];
    pub const ROC_THRESHOLDS: [f64; 18] = [f64::INFINITY, 0.95, 0.8, 0.7, 0.65, 0.6, 0.55, 0.5, 0.45, 0.4, 0.35, 0.3, 0.25, 0.2, 0.15, 0.1, 0.05, 0.0];
    pub const ROC_AUC: f64 = 0.8369905956112853;
    pub const PR_PRECISION: [f64; 18] = [0.275, 0.2894736842105263, 0.2972972972972973, 0.3055555555555556, 0.3235294117647059, 0.36666666666666664, 0.38461538461538464, 0.4166666666666667, 0.391304347826087, 0.5, 0.5625, 0.6, 0.6153846153846154, 0.8, 0.6666666666666666, 0.5, 1.0, 1.0];
    pub const PR_RECALL: [f64; 18] = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.9090909090909091, 0.9090909090909091, 0.8181818181818182, 0.8181818181818182, 0.8181818181818182, 0.8181818181818182, 0.7272727272727273, 0.36363636363636365, 0.18181818181818182, 0.09090909090909091, 0.09090909090909091, 0.0];
    pub const PR_THRESHOLDS: [f64; 17] = [0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.8, 0.95];
    pub const AP: f64 = 0.6465034965034966;
    pub const LOG_LOSS: f64 = 3.629403102891905;
    pub const LOG_LOSS_ON_S: f64 = 0.49533774671323877;
    pub const AT: [AtRow; 8] = [
        (0.5, [9, 7, 22, 2], 0.775, 0.5625, 0.8181818181818182, 0.7586206896551724, 0.6666666666666666),
        (0.35, [10, 14, 15, 1], 0.625, 0.4166666666666667, 0.9090909090909091, 0.5172413793103449, 0.5714285714285714),
        (0.0, [11, 29, 0, 0], 0.275, 0.275, 1.0, 0.0, 0.43137254901960786),
        (0.6, [8, 5, 24, 3], 0.8, 0.6153846153846154, 0.7272727272727273, 0.8275862068965517, 0.6666666666666666),
        (0.95, [1, 0, 29, 10], 0.75, 1.0, 0.09090909090909091, 1.0, 0.16666666666666666),
        (1.01, [0, 0, 29, 11], 0.725, 0.0, 0.0, 1.0, 0.0),
        (0.42, [9, 9, 20, 2], 0.725, 0.5, 0.8181818181818182, 0.6896551724137931, 0.6206896551724138),
        (-1.0, [11, 29, 0, 0], 0.275, 0.275, 1.0, 0.0, 0.43137254901960786),
    ];
    pub const DOCS_AUC: f64 = 0.75;
    pub const DOCS_AP: f64 = 0.8333333333333333;
    pub const NEG_ONLY_ROC_FPR: [f64; 5] = [0.0, 0.2, 0.4, 0.8, 1.0];
    pub const NEG_ONLY_ROC_TPR: [f64; 5] = [f64::NAN, f64::NAN, f64::NAN, f64::NAN, f64::NAN];
    pub const NEG_ONLY_ROC_THRESHOLDS: [f64; 5] = [f64::INFINITY, 0.9, 0.5, 0.3, 0.1];
    pub const NEG_ONLY_AUC: f64 = f64::NAN;
    pub const NEG_ONLY_PR_PRECISION: [f64; 5] = [0.0, 0.0, 0.0, 0.0, 1.0];
    pub const NEG_ONLY_PR_RECALL: [f64; 5] = [1.0, 1.0, 1.0, 1.0, 0.0];
    pub const NEG_ONLY_PR_THRESHOLDS: [f64; 4] = [0.1, 0.3, 0.5, 0.9];
    pub const NEG_ONLY_AP: f64 = 0.0;
    pub const NEG_ONLY_LOG_LOSS: f64 = 0.7628885354178565;
    pub const POS_ONLY_ROC_FPR: [f64; 5] = [f64::NAN, f64::NAN, f64::NAN, f64::NAN, f64::NAN];
    pub const POS_ONLY_ROC_TPR: [f64; 5] = [0.0, 0.2, 0.4, 0.8, 1.0];
    pub const POS_ONLY_PR_PRECISION: [f64; 5] = [1.0, 1.0, 1.0, 1.0, 1.0];
    pub const POS_ONLY_PR_RECALL: [f64; 5] = [1.0, 0.8, 0.4, 0.2, 0.0];
    pub const POS_ONLY_AP: f64 = 1.0;
    pub const TIED_ROC_FPR: [f64; 2] = [0.0, 1.0];
    pub const TIED_ROC_TPR: [f64; 2] = [0.0, 1.0];
    pub const TIED_ROC_THRESHOLDS: [f64; 2] = [f64::INFINITY, 0.25];
    pub const TIED_AUC: f64 = 0.5;
    pub const TIED_PR_PRECISION: [f64; 2] = [0.3333333333333333, 1.0];
    pub const TIED_PR_RECALL: [f64; 2] = [1.0, 0.0];
    pub const TIED_AP: f64 = 0.3333333333333333;
    pub const GAINS_10: [GainsTuple; 10] = [
        (1, 4, 3, 4, 3, 0.2727272727272727, 2.727272727272727, 0.75),
        (2, 4, 3, 8, 6, 0.5454545454545454, 2.727272727272727, 0.75),
        (3, 4, 2, 12, 8, 0.7272727272727273, 2.4242424242424243, 0.5),
        (4, 4, 1, 16, 9, 0.8181818181818182, 2.0454545454545454, 0.25),
        (5, 4, 0, 20, 9, 0.8181818181818182, 1.6363636363636365, 0.0),
        (6, 4, 1, 24, 10, 0.9090909090909091, 1.5151515151515151, 0.25),
        (7, 4, 1, 28, 11, 1.0, 1.4285714285714286, 0.25),
        (8, 4, 0, 32, 11, 1.0, 1.25, 0.0),
        (9, 4, 0, 36, 11, 1.0, 1.1111111111111112, 0.0),
        (10, 4, 0, 40, 11, 1.0, 1.0, 0.0),
    ];
    pub const GAINS_7: [GainsTuple; 7] = [
        (1, 5, 4, 5, 4, 0.36363636363636365, 2.909090909090909, 0.8),
        (2, 6, 3, 11, 7, 0.6363636363636364, 2.3140495867768593, 0.5),
        (3, 6, 2, 17, 9, 0.8181818181818182, 1.9251336898395723, 0.3333333333333333),
        (4, 5, 0, 22, 9, 0.8181818181818182, 1.487603305785124, 0.0),
        (5, 6, 2, 28, 11, 1.0, 1.4285714285714286, 0.3333333333333333),
        (6, 6, 0, 34, 11, 1.0, 1.1764705882352942, 0.0),
        (7, 6, 0, 40, 11, 1.0, 1.0, 0.0),
    ];
    pub const GAINS_3: [GainsTuple; 3] = [
        (1, 13, 8, 13, 8, 0.7272727272727273, 2.237762237762238, 0.6153846153846154),
        (2, 13, 2, 26, 10, 0.9090909090909091, 1.3986013986013985, 0.15384615384615385),
        (3, 14, 1, 40, 11, 1.0, 1.0, 0.07142857142857142),
    ];
    pub const GAINS_SMALL_5: [GainsTuple; 5] = [
        (1, 0, 0, 0, 0, 0.0, f64::NAN, f64::NAN),
        (2, 1, 0, 1, 0, 0.0, 0.0, 0.0),
        (3, 0, 0, 1, 0, 0.0, 0.0, f64::NAN),
        (4, 1, 1, 2, 1, 0.5, 0.75, 1.0),
        (5, 1, 1, 3, 2, 1.0, 1.0, 1.0),
    ];
    pub const RANK: [usize; 40] = [13, 17, 18, 34, 39, 0, 7, 10, 11, 12, 19, 29, 31, 6, 33, 23, 16, 30, 3, 15, 21, 22, 28, 20, 2, 9, 5, 8, 26, 35, 1, 4, 25, 27, 24, 37, 38, 14, 32, 36];
    pub const PROFIT_COST: f64 = 1.0;
    pub const PROFIT_VALUE: f64 = 4.5;
    pub const PROFITS: [f64; 41] = [0.0, 3.5, 2.5, 6.0, 9.5, 13.0, 16.5, 20.0, 19.0, 22.5, 21.5, 20.5, 24.0, 23.0, 22.0, 25.5, 24.5, 23.5, 22.5, 21.5, 20.5, 19.5, 18.5, 17.5, 21.0, 20.0, 19.0, 22.5, 21.5, 20.5, 19.5, 18.5, 17.5, 16.5, 15.5, 14.5, 13.5, 12.5, 11.5, 10.5, 9.5];
    pub const PROFIT_BEST_N: usize = 15;
}

#[test]
fn best_cutoff_only_falls_between_different_scores() {
    // scores 0.9, 0.8, 0.8, 0.8, 0.1: cutting after the first 0.8 would need a threshold
    // that flags all three
    let ranked = [0.9, 0.8, 0.8, 0.8, 0.1];
    let profits = [0.0, 5.0, 9.0, 8.0, 7.0, 1.0];
    assert_eq!(best_cutoff(&ranked, &profits), 4);
    // without ties the plain best wins
    let ranked = [0.9, 0.8, 0.7, 0.6, 0.1];
    assert_eq!(best_cutoff(&ranked, &profits), 2);
    // everything tied: all or nothing
    assert_eq!(best_cutoff(&[0.5; 5], &profits), 5);
    assert_eq!(best_cutoff(&[0.5; 5], &[0.0, 3.0, 3.0, 3.0, 3.0, -1.0]), 0);
    // NaN profits are skipped; empty input contacts nobody
    assert_eq!(best_cutoff(&[0.9, 0.1], &[f64::NAN, f64::NAN, 2.0]), 2);
    assert_eq!(best_cutoff(&[], &[0.0]), 0);
}
