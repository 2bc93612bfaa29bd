//! Binary-classification metrics, computed by MarketLens itself.
//!
//! linfa's are not used: its precision and recall are swapped and its ROC curve returns
//! FNR/TNR. Every function here is tested against scikit-learn on fixed inputs (the numbers
//! come from `tests/reference/classification_metrics_reference.py`).
//!
//! Conventions shared by every function:
//! - `y[i]` is `true` for the positive class (the churner, the responder); `scores[i]` is the
//!   model's score for row `i`, higher meaning more likely positive.
//! - Scores are finite: callers guarantee it. NaN never makes anything panic: scores are
//!   ordered by [`f64::total_cmp`] (a NaN with the sign bit clear ranks above every number,
//!   one with it set below), and `-0.0` is the same score as `0.0`.
//! - When `y` and `scores` (or `p`) differ in length, only the first `min(len)` pairs are used.
//! - Empty input gives empty curves, empty tables and NaN metrics; nothing panics.

/// The ROC curve's exact vertices, from (0,0) at threshold +inf to (1,1).
///
/// Built by [`roc_curve`]: one vertex per distinct score, like scikit-learn's
/// `roc_curve(drop_intermediate=False)`.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct RocCurve {
    /// False-positive rate of each vertex: false positives / negatives. All NaN when there
    /// are no negatives (as scikit-learn).
    pub fpr: Vec<f64>,
    /// True-positive rate (recall) of each vertex: true positives / positives. All NaN when
    /// there are no positives (as scikit-learn).
    pub tpr: Vec<f64>,
    /// Threshold of each vertex, decreasing: the vertex counts the rows with
    /// `score >= threshold`. The first is `f64::INFINITY` (no row predicted positive), the
    /// others are the distinct scores.
    pub thresholds: Vec<f64>,
}

/// The ROC curve of `scores` for the labels `y`: one vertex per distinct score (ties make
/// diagonal steps), plus the (0,0) vertex at threshold `f64::INFINITY`. Equal to
/// scikit-learn's `roc_curve(y, scores, drop_intermediate=False)`, including its NaN rates
/// when a class is absent. Empty input gives an empty curve.
///
/// Sorts once (the positives' and the negatives' scores separately, on two threads for large
/// inputs) and merges: about 30 ms for a million rows.
pub fn roc_curve(y: &[bool], scores: &[f64]) -> RocCurve {
    let (keys, n_pos) = keys_by_class(y, scores);
    if keys.is_empty() {
        return RocCurve::default();
    }
    let (pos, neg) = keys.split_at(n_pos);
    let (p, n) = (pos.len() as f64, neg.len() as f64);
    let cap = keys.len() + 1;
    let mut curve = RocCurve {
        fpr: Vec::with_capacity(cap),
        tpr: Vec::with_capacity(cap),
        thresholds: Vec::with_capacity(cap),
    };
    // 0/0 is NaN: a class that is absent gives NaN rates everywhere, as scikit-learn.
    curve.fpr.push(0.0 / n);
    curve.tpr.push(0.0 / p);
    curve.thresholds.push(f64::INFINITY);
    for_each_distinct(pos, neg, |tp, fp, threshold| {
        curve.fpr.push(fp as f64 / n);
        curve.tpr.push(tp as f64 / p);
        curve.thresholds.push(threshold);
    });
    curve.fpr.shrink_to_fit();
    curve.tpr.shrink_to_fit();
    curve.thresholds.shrink_to_fit();
    curve
}

impl RocCurve {
    /// Area under the curve by the trapezoidal rule over all the vertices (compensated
    /// summation). NaN when the curve has fewer than two vertices or a class was absent.
    pub fn auc(&self) -> f64 {
        if self.fpr.len() < 2 || self.tpr.len() < 2 {
            return f64::NAN;
        }
        let mut sum = Sum::default();
        for (x, y) in self.fpr.windows(2).zip(self.tpr.windows(2)) {
            sum.add((x[1] - x[0]) * (y[1] + y[0]));
        }
        sum.value() / 2.0
    }

    /// Points `[fpr, tpr]` for plotting. First every vertex that lies exactly on the segment
    /// joining its neighbours is dropped (every horizontal and vertical run collapses to its
    /// ends; the test is exact in f64, so a diagonal vertex whose rounding hides its
    /// collinearity is merely kept). Then, if more than `max_points` remain, a subset is kept:
    /// always the first and the last point, and in between the first vertex reached at or
    /// after each of `max_points - 1` evenly spaced distances along the curve's length, so at
    /// most `max_points` points. `max_points` below 2 counts as 2.
    ///
    /// For drawing only: [`RocCurve::auc`] always uses the full curve.
    pub fn thinned(&self, max_points: usize) -> Vec<[f64; 2]> {
        let mut kept: Vec<[f64; 2]> = Vec::with_capacity(self.fpr.len().min(self.tpr.len()));
        for (&x, &y) in self.fpr.iter().zip(&self.tpr) {
            let p = [x, y];
            while let [.., a, b] = kept[..] {
                if on_segment(a, b, p) {
                    kept.pop();
                } else {
                    break;
                }
            }
            kept.push(p);
        }
        let m = max_points.max(2);
        if kept.len() <= m {
            return kept;
        }
        let mut cum = Vec::with_capacity(kept.len());
        let mut length = 0.0;
        cum.push(length);
        for w in kept.windows(2) {
            length += (w[1][0] - w[0][0]).hypot(w[1][1] - w[0][1]);
            cum.push(length);
        }
        let steps = (m - 1) as f64;
        let target = |k: usize| length * k as f64 / steps;
        let mut out = Vec::with_capacity(m);
        let (first, last) = (kept[0], kept[kept.len() - 1]);
        out.push(first);
        let mut next = 1; // targets 1..m-1 are open; the last one is the last point
        for (&p, &c) in kept[1..kept.len() - 1].iter().zip(&cum[1..]) {
            if next >= m - 1 {
                break;
            }
            if c >= target(next) {
                out.push(p);
                while next < m - 1 && target(next) <= c {
                    next += 1;
                }
            }
        }
        out.push(last);
        out
    }

    /// The ROC point `[fpr, tpr]` of the rule "predict positive when score >= threshold": the
    /// vertex with the smallest threshold that is still `>= threshold` (so it agrees with
    /// [`Confusion::at`]). A threshold above every score, or NaN, gives the first vertex
    /// (0,0); one at or below every score gives the last, (1,1). `[NaN, NaN]` for an empty
    /// curve.
    pub fn point_at(&self, threshold: f64) -> [f64; 2] {
        let k = self.thresholds.partition_point(|&t| t >= threshold);
        let i = k.saturating_sub(1);
        [
            self.fpr.get(i).copied().unwrap_or(f64::NAN),
            self.tpr.get(i).copied().unwrap_or(f64::NAN),
        ]
    }
}

/// Area under the ROC curve, as scikit-learn's `roc_auc_score`: NaN when `y` has only one
/// class (or is empty).
///
/// Computed exactly from the counts (integer trapezoids, one rounding at the end) without
/// building the curve; it agrees with `roc_curve(y, scores).auc()` to rounding.
pub fn roc_auc(y: &[bool], scores: &[f64]) -> f64 {
    let (keys, n_pos) = keys_by_class(y, scores);
    let (pos, neg) = keys.split_at(n_pos);
    if pos.is_empty() || neg.is_empty() {
        return f64::NAN;
    }
    // twice the area in count units: sum of (fp - fp_prev) * (tp + tp_prev)
    let mut twice: u128 = 0;
    let (mut tp_prev, mut fp_prev) = (0u64, 0u64);
    for_each_distinct(pos, neg, |tp, fp, _| {
        twice += u128::from(fp - fp_prev) * u128::from(tp + tp_prev);
        (tp_prev, fp_prev) = (tp, fp);
    });
    let cells = 2 * (pos.len() as u128) * (neg.len() as u128);
    twice as f64 / cells as f64
}

/// The precision–recall curve, as scikit-learn's `precision_recall_curve`.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct PrCurve {
    /// Precision at each threshold (increasing thresholds), then a final 1.0.
    pub precision: Vec<f64>,
    /// Recall at each threshold, decreasing, then a final 0.0. All 1.0 (before the final 0)
    /// when there are no positives, as scikit-learn.
    pub recall: Vec<f64>,
    /// The distinct scores, increasing; one fewer than `precision` and `recall`.
    pub thresholds: Vec<f64>,
}

/// The precision–recall curve of `scores` for the labels `y`, equal to scikit-learn's
/// `precision_recall_curve(y, scores)` (no point dropped): one point per distinct score, in
/// increasing threshold order, ending with precision 1 and recall 0. Empty input gives an
/// empty curve.
pub fn pr_curve(y: &[bool], scores: &[f64]) -> PrCurve {
    let (keys, n_pos) = keys_by_class(y, scores);
    if keys.is_empty() {
        return PrCurve::default();
    }
    let (pos, neg) = keys.split_at(n_pos);
    let p = pos.len() as f64;
    let cap = keys.len() + 1;
    let mut curve = PrCurve {
        precision: Vec::with_capacity(cap),
        recall: Vec::with_capacity(cap),
        thresholds: Vec::with_capacity(cap),
    };
    for_each_distinct(pos, neg, |tp, fp, threshold| {
        curve.precision.push(ratio_or_zero(tp, tp + fp));
        curve
            .recall
            .push(if n_pos == 0 { 1.0 } else { tp as f64 / p });
        curve.thresholds.push(threshold);
    });
    curve.precision.reverse();
    curve.recall.reverse();
    curve.thresholds.reverse();
    curve.precision.push(1.0);
    curve.recall.push(0.0);
    curve.precision.shrink_to_fit();
    curve.recall.shrink_to_fit();
    curve.thresholds.shrink_to_fit();
    curve
}

/// Average precision, as scikit-learn's `average_precision_score`: the sum over the distinct
/// scores (highest first) of (recall − previous recall) × precision. 0.0 when there are no
/// positives (as scikit-learn), NaN for empty input.
pub fn average_precision(y: &[bool], scores: &[f64]) -> f64 {
    let (keys, n_pos) = keys_by_class(y, scores);
    if keys.is_empty() {
        return f64::NAN;
    }
    if n_pos == 0 {
        return 0.0;
    }
    let (pos, neg) = keys.split_at(n_pos);
    let p = n_pos as f64;
    let mut sum = Sum::default();
    let mut recall_prev = 0.0;
    for_each_distinct(pos, neg, |tp, fp, _| {
        let recall = tp as f64 / p;
        sum.add((recall - recall_prev) * ratio_or_zero(tp, tp + fp));
        recall_prev = recall;
    });
    sum.value().max(0.0)
}

/// Confusion-matrix counts of a thresholded classifier.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Confusion {
    /// Positives predicted positive.
    pub tp: u64,
    /// Negatives predicted positive.
    pub fp: u64,
    /// Negatives predicted negative.
    pub tn: u64,
    /// Positives predicted negative (`fn` is a keyword).
    pub fn_: u64,
}

impl Confusion {
    /// Counts for the rule "predict positive when `score >= threshold`" (a NaN score is
    /// predicted negative).
    pub fn at(y: &[bool], scores: &[f64], threshold: f64) -> Confusion {
        let mut c = Confusion::default();
        let (mut pos, mut pred, mut both) = (0u64, 0u64, 0u64);
        for (&t, &s) in y.iter().zip(scores) {
            let hit = s >= threshold;
            pos += u64::from(t);
            pred += u64::from(hit);
            both += u64::from(t && hit);
        }
        let n = y.len().min(scores.len()) as u64;
        c.tp = both;
        c.fp = pred - both;
        c.fn_ = pos - both;
        c.tn = n - pos - c.fp;
        c
    }

    /// Number of rows counted.
    pub fn total(&self) -> u64 {
        self.tp + self.fp + self.tn + self.fn_
    }

    /// (tp + tn) / total; 0.0 when there are no rows.
    pub fn accuracy(&self) -> f64 {
        ratio_or_zero(self.tp + self.tn, self.total())
    }

    /// tp / (tp + fp); 0.0 when nothing is predicted positive (scikit-learn's
    /// `zero_division=0`).
    pub fn precision(&self) -> f64 {
        ratio_or_zero(self.tp, self.tp + self.fp)
    }

    /// tp / (tp + fn), the true-positive rate; 0.0 when there are no positives.
    pub fn recall(&self) -> f64 {
        ratio_or_zero(self.tp, self.tp + self.fn_)
    }

    /// tn / (tn + fp), the true-negative rate; 0.0 when there are no negatives.
    pub fn specificity(&self) -> f64 {
        ratio_or_zero(self.tn, self.tn + self.fp)
    }

    /// Harmonic mean of precision and recall, computed as scikit-learn does from the counts:
    /// 2·tp / (2·tp + fp + fn); 0.0 when that is 0/0.
    pub fn f1(&self) -> f64 {
        ratio_or_zero(2 * self.tp, 2 * self.tp + self.fp + self.fn_)
    }
}

/// Mean log loss (natural log) of the predicted probabilities `p` of the positive class, as
/// scikit-learn ≥ 1.5 for float64: the probability given to the true class (`p`, or `1 − p`
/// for a negative) is clipped to `[ε, 1 − ε]` with `ε = f64::EPSILON`, so a confident wrong
/// prediction costs −ln ε ≈ 36.04 rather than infinity. NaN for empty input or a NaN
/// probability.
pub fn log_loss(y: &[bool], p: &[f64]) -> f64 {
    let n = y.len().min(p.len());
    if n == 0 {
        return f64::NAN;
    }
    let eps = f64::EPSILON;
    let mut sum = Sum::default();
    for (&t, &q) in y.iter().zip(p) {
        let q = if t { q } else { 1.0 - q };
        sum.add(-q.clamp(eps, 1.0 - eps).ln());
    }
    sum.value() / n as f64
}

/// One group of a cumulative gains / lift table (see [`gains`]).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct GainsRow {
    /// 1-based group number, best scores first (a decile when there are 10 groups).
    pub decile: usize,
    /// Rows in this group.
    pub customers: usize,
    /// Positive rows in this group.
    pub positives: usize,
    /// Rows in this group and all the better ones.
    pub cum_customers: usize,
    /// Positive rows in this group and all the better ones.
    pub cum_positives: usize,
    /// Share of all the positives reached so far: cum_positives / all positives (NaN when
    /// there are no positives).
    pub cum_share: f64,
    /// Cumulative lift: cum_share / (cum_customers / n), how many times better than
    /// contacting the same number of rows at random (NaN while cum_customers is 0).
    pub lift: f64,
    /// positives / customers in this group (NaN for an empty group).
    pub response_rate: f64,
}

/// Cumulative gains table: rows sorted by score, descending (ties keep their original
/// order), split into `groups` groups where group g (0-based) holds the sorted rows
/// `[g·n/groups, (g+1)·n/groups)` with integer division; `groups = 10` gives deciles. When
/// `groups > n` some groups are empty. Empty vec when n == 0 or `groups == 0`.
pub fn gains(y: &[bool], scores: &[f64], groups: usize) -> Vec<GainsRow> {
    let n = y.len().min(scores.len());
    if n == 0 || groups == 0 {
        return Vec::new();
    }
    let (y, scores) = (&y[..n], &scores[..n]);
    let order = rank_descending(scores);
    let total_positives = y.iter().filter(|&&t| t).count();
    let bound = |g: usize| (g as u128 * n as u128 / groups as u128) as usize;
    let mut rows = Vec::with_capacity(groups.min(n + 1));
    let (mut cum_customers, mut cum_positives) = (0, 0);
    for g in 0..groups {
        let (lo, hi) = (bound(g), bound(g + 1));
        let members = order.get(lo..hi).unwrap_or_default();
        let customers = members.len();
        let positives = members.iter().filter(|&&i| y[i]).count();
        cum_customers += customers;
        cum_positives += positives;
        let cum_share = cum_positives as f64 / total_positives as f64;
        rows.push(GainsRow {
            decile: g + 1,
            customers,
            positives,
            cum_customers,
            cum_positives,
            cum_share,
            lift: cum_share / (cum_customers as f64 / n as f64),
            response_rate: positives as f64 / customers as f64,
        });
    }
    rows
}

/// Rows ranked by score (descending, stable) — used by the campaign planner and the at-risk
/// list. Ties keep their original order; `-0.0` ties with `0.0`; NaN is placed by
/// [`f64::total_cmp`] (see the module docs).
pub fn rank_descending(scores: &[f64]) -> Vec<usize> {
    let mut keyed: Vec<(u64, usize)> = scores
        .iter()
        .enumerate()
        .map(|(i, &s)| (desc_key(s), i))
        .collect();
    // the index breaks ties, so the unstable sort gives the stable order
    keyed.sort_unstable();
    keyed.into_iter().map(|(_, i)| i).collect()
}

/// Expected profit of contacting the top n customers for n = 0..=len:
/// value * positives_reached(n) - cost * n. Returns (profits, best_n).
///
/// "Top" is [`rank_descending`]'s order, so tied scores are contacted in their original
/// order. `profits` has `len + 1` entries; `best_n` is the smallest n with the highest
/// profit (NaN profits are ignored; 0 if all are NaN).
pub fn campaign_profit(
    y: &[bool],
    scores: &[f64],
    cost_per_contact: f64,
    value_per_positive: f64,
) -> (Vec<f64>, usize) {
    let n = y.len().min(scores.len());
    let order = rank_descending(&scores[..n]);
    let mut profits = Vec::with_capacity(n + 1);
    let mut reached = 0u64;
    profits.push(value_per_positive * 0.0 - cost_per_contact * 0.0);
    for (k, &i) in order.iter().enumerate() {
        reached += u64::from(y[i]);
        profits.push(value_per_positive * reached as f64 - cost_per_contact * (k + 1) as f64);
    }
    let mut best = 0;
    for (k, &v) in profits.iter().enumerate() {
        let b = profits[best];
        if v > b || (b.is_nan() && !v.is_nan()) {
            best = k;
        }
    }
    (profits, best)
}

/// The best number of customers to contact when the list is cut by a score threshold:
/// `profits[n]` is the profit of contacting the top n (n = 0..=len) and `ranked_scores` the
/// scores from the highest down. A threshold flags a whole group of tied scores or none of
/// it, so only n at the end of such a group (or 0, or everyone) can be chosen; the smallest
/// such n with the highest profit wins (NaN profits ignored).
pub fn best_cutoff(ranked_scores: &[f64], profits: &[f64]) -> usize {
    let len = ranked_scores.len();
    let possible = |n: usize| n == 0 || n >= len || ranked_scores[n - 1] != ranked_scores[n];
    let mut best = 0;
    for (n, &v) in profits.iter().enumerate().take(len + 1) {
        let b = profits[best];
        if possible(n) && (v > b || (b.is_nan() && !v.is_nan())) {
            best = n;
        }
    }
    best
}

// ---- internals -----------------------------------------------------------------------------

/// Inputs at least this long are sorted on two threads.
const PARALLEL_MIN: usize = 1 << 15;

const SIGN: u64 = 1 << 63;

/// Order-reversing map of a score to u64: `desc_key(a) < desc_key(b)` iff
/// `a.total_cmp(&b)` is `Greater`, with `-0.0` folded onto `0.0`; so sorting the keys
/// ascending sorts the scores descending.
fn desc_key(x: f64) -> u64 {
    let bits = (x + 0.0).to_bits(); // -0.0 + 0.0 == +0.0
    let ascending = if bits & SIGN != 0 { !bits } else { bits | SIGN };
    !ascending
}

/// Inverse of [`desc_key`] (on keys of `x + 0.0`).
fn from_desc_key(k: u64) -> f64 {
    let ascending = !k;
    f64::from_bits(if ascending & SIGN != 0 {
        ascending ^ SIGN
    } else {
        !ascending
    })
}

/// The scores' [`desc_key`]s, positives first then negatives, each part sorted (highest
/// score first); and the number of positives.
fn keys_by_class(y: &[bool], scores: &[f64]) -> (Vec<u64>, usize) {
    let n = y.len().min(scores.len());
    let (y, scores) = (&y[..n], &scores[..n]);
    let n_pos = y.iter().filter(|&&t| t).count();
    // positives fill the front, negatives the back (branch-free: labels are unpredictable)
    let mut keys = vec![0u64; n];
    let (mut front, mut back) = (0usize, n);
    for (&t, &s) in y.iter().zip(scores) {
        let at = if t { front } else { back - 1 };
        keys[at] = desc_key(s);
        front += usize::from(t);
        back -= usize::from(!t);
    }
    let (pos, neg) = keys.split_at_mut(n_pos);
    let mut pos_sorted = false;
    if n >= PARALLEL_MIN {
        std::thread::scope(|scope| {
            pos_sorted = std::thread::Builder::new()
                .name("roc-sort".into())
                .spawn_scoped(scope, || sort_keys(pos))
                .is_ok();
            sort_keys(neg);
        });
    } else {
        sort_keys(neg);
    }
    if !pos_sorted {
        // small input, or no thread could be started
        sort_keys(pos);
    }
    (keys, n_pos)
}

fn sort_keys(v: &mut [u64]) {
    v.sort_unstable();
}

/// Walks the distinct scores from the highest down over the sorted keys of the positives and
/// of the negatives; after each score calls `f(tp, fp, score)` with the numbers of positives
/// and negatives scoring at least that much.
fn for_each_distinct(pos: &[u64], neg: &[u64], mut f: impl FnMut(u64, u64, f64)) {
    let (mut i, mut j) = (0, 0);
    loop {
        let k = match (pos.get(i), neg.get(j)) {
            (Some(&a), Some(&b)) => a.min(b),
            (Some(&a), None) => a,
            (None, Some(&b)) => b,
            (None, None) => break,
        };
        while pos.get(i) == Some(&k) {
            i += 1;
        }
        while neg.get(j) == Some(&k) {
            j += 1;
        }
        f(i as u64, j as u64, from_desc_key(k));
    }
}

/// `num / den` as f64, 0.0 when `den` is 0.
fn ratio_or_zero(num: u64, den: u64) -> f64 {
    if den == 0 {
        0.0
    } else {
        num as f64 / den as f64
    }
}

/// Whether `b` lies exactly on the segment from `a` to `p` (cross product 0, `b` not behind
/// `a` or past `p`). False when a coordinate is NaN.
fn on_segment(a: [f64; 2], b: [f64; 2], p: [f64; 2]) -> bool {
    let (d1x, d1y) = (b[0] - a[0], b[1] - a[1]);
    let (d2x, d2y) = (p[0] - b[0], p[1] - b[1]);
    d1x * d2y == d1y * d2x && d1x * d2x + d1y * d2y >= 0.0
}

/// Neumaier's compensated sum.
#[derive(Default)]
struct Sum {
    sum: f64,
    compensation: f64,
}

impl Sum {
    fn add(&mut self, x: f64) {
        let t = self.sum + x;
        if self.sum.abs() >= x.abs() {
            self.compensation += (self.sum - t) + x;
        } else {
            self.compensation += (x - t) + self.sum;
        }
        self.sum = t;
    }

    fn value(&self) -> f64 {
        self.sum + self.compensation
    }
}

#[cfg(test)]
mod tests;
