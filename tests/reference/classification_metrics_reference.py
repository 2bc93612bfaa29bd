"""Reference values for the tests in src/metrics/classification.rs.

Run:  python3 tests/reference/classification_metrics_reference.py
(numpy, pandas and scikit-learn; the constants in the Rust tests were printed by
scikit-learn 1.9.1, numpy 2.4.6, pandas 3.0).

Everything is printed as Rust literals, a `mod sklearn` to paste at the end of the `tests`
module (replacing the previous one):
- the fixed 40-row input (seeded numpy, scores on a 0.05 grid so that they tie a lot);
- scikit-learn's roc_curve(drop_intermediate=False), roc_auc_score, precision_recall_curve,
  average_precision_score, log_loss, and confusion matrix / accuracy / precision / recall /
  specificity / F1 at a few thresholds (zero_division=0);
- edge cases: one class only, all scores tied, the scikit-learn docs example;
- the gains table, the descending ranking and the campaign profit, computed with pandas
  independently of the Rust code (stable descending sort, group boundaries by integer
  division, groupby, cumulative sums).
"""
import warnings

import numpy as np
import pandas as pd
import sklearn
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    confusion_matrix,
    f1_score,
    log_loss,
    precision_recall_curve,
    precision_score,
    recall_score,
    roc_auc_score,
    roc_curve,
)

warnings.simplefilter("ignore")  # UndefinedMetricWarning on the one-class edge cases


def f(x):
    """One f64 as a Rust literal (shortest round-trip repr, which Rust parses identically)."""
    x = float(x)
    if np.isnan(x):
        return "f64::NAN"
    if np.isinf(x):
        return "f64::INFINITY" if x > 0 else "f64::NEG_INFINITY"
    s = repr(x)
    return s if ("." in s or "e" in s or "inf" in s) else s + ".0"


def fs(a):
    return "[" + ", ".join(f(x) for x in a) + "]"


def bs(a):
    return "[" + ", ".join("true" if b else "false" for b in a) + "]"


def us(a):
    return "[" + ", ".join(str(int(x)) for x in a) + "]"


def const(name, ty, value):
    print(f"        pub const {name}: {ty} = {value};")


print("    // ---- printed by tests/reference/classification_metrics_reference.py")
print(f"    // (scikit-learn {sklearn.__version__}, numpy {np.__version__}, "
      f"pandas {pd.__version__}); do not edit by hand")
print("    #[rustfmt::skip]")
print("    mod sklearn {")
print("        /// (threshold, [tp, fp, tn, fn], accuracy, precision, recall, specificity, f1)")
print("        pub type AtRow = (f64, [u64; 4], f64, f64, f64, f64, f64);")
print("        /// (decile, customers, positives, cum_customers, cum_positives, cum_share, lift,")
print("        /// response_rate)")
print("        pub type GainsTuple = (usize, usize, usize, usize, usize, f64, f64, f64);")

# ---- the fixed input -------------------------------------------------------------------
rng = np.random.default_rng(20240607)
Y = rng.random(40) < 0.4
raw = np.clip(rng.normal(0.35 + 0.25 * Y, 0.2), 0.0, 1.0)
S = np.round(raw * 20) / 20  # multiples of 0.05: many ties, some across classes
P = rng.random(40)  # probabilities for log loss, with the clipping cases below
P[[0, 1, 2, 3, 5]] = [0.0, 1.0, 0.0, 1.0, 1.0]
n = len(Y)
const("Y", f"[bool; {n}]", bs(Y))
const("S", f"[f64; {n}]", fs(S))
const("P", f"[f64; {n}]", fs(P))
print(f"        // positives: {int(Y.sum())}, distinct scores: {len(np.unique(S))}, "
      f"P is 0 or 1 at rows 0, 1, 2, 3, 5")

# ---- curves ----------------------------------------------------------------------------
fpr, tpr, thr = roc_curve(Y, S, drop_intermediate=False)
k = len(fpr)
const("ROC_FPR", f"[f64; {k}]", fs(fpr))
const("ROC_TPR", f"[f64; {k}]", fs(tpr))
const("ROC_THRESHOLDS", f"[f64; {k}]", fs(thr))
const("ROC_AUC", "f64", f(roc_auc_score(Y, S)))
prec, rec, pthr = precision_recall_curve(Y, S)
const("PR_PRECISION", f"[f64; {len(prec)}]", fs(prec))
const("PR_RECALL", f"[f64; {len(rec)}]", fs(rec))
const("PR_THRESHOLDS", f"[f64; {len(pthr)}]", fs(pthr))
const("AP", "f64", f(average_precision_score(Y, S)))
const("LOG_LOSS", "f64", f(log_loss(Y, P)))
const("LOG_LOSS_ON_S", "f64", f(log_loss(Y, S)))

# ---- confusion metrics at thresholds (predicted positive when score >= t) ---------------
rows = []
for t in [0.5, 0.35, 0.0, 0.6, float(S.max()), 1.01, 0.42, -1.0]:
    pred = S >= t
    tn, fp, fn, tp = confusion_matrix(Y, pred, labels=[False, True]).ravel()
    rows.append(
        f"({f(t)}, [{tp}, {fp}, {tn}, {fn}], {f(accuracy_score(Y, pred))}, "
        f"{f(precision_score(Y, pred, zero_division=0))}, "
        f"{f(recall_score(Y, pred, zero_division=0))}, "
        f"{f(recall_score(~Y, ~pred, zero_division=0))}, "
        f"{f(f1_score(Y, pred, zero_division=0))})"
    )
print(f"        pub const AT: [AtRow; {len(rows)}] = [")
for r in rows:
    print(f"            {r},")
print("        ];")

# ---- edge cases -------------------------------------------------------------------------
# scikit-learn docs example
yd, sd = np.array([0, 0, 1, 1]) == 1, np.array([0.1, 0.4, 0.35, 0.8])
const("DOCS_AUC", "f64", f(roc_auc_score(yd, sd)))
const("DOCS_AP", "f64", f(average_precision_score(yd, sd)))
# one class only
y0, s0 = np.zeros(5, bool), np.array([0.3, 0.1, 0.3, 0.9, 0.5])
fpr0, tpr0, thr0 = roc_curve(y0, s0, drop_intermediate=False)
const("NEG_ONLY_ROC_FPR", f"[f64; {len(fpr0)}]", fs(fpr0))
const("NEG_ONLY_ROC_TPR", f"[f64; {len(tpr0)}]", fs(tpr0))
const("NEG_ONLY_ROC_THRESHOLDS", f"[f64; {len(thr0)}]", fs(thr0))
const("NEG_ONLY_AUC", "f64", f(roc_auc_score(y0, s0)))
p0, r0, t0 = precision_recall_curve(y0, s0)
const("NEG_ONLY_PR_PRECISION", f"[f64; {len(p0)}]", fs(p0))
const("NEG_ONLY_PR_RECALL", f"[f64; {len(r0)}]", fs(r0))
const("NEG_ONLY_PR_THRESHOLDS", f"[f64; {len(t0)}]", fs(t0))
const("NEG_ONLY_AP", "f64", f(average_precision_score(y0, s0)))
const("NEG_ONLY_LOG_LOSS", "f64", f(log_loss(y0, s0, labels=[False, True])))
y1 = np.ones(5, bool)
fpr1, tpr1, _ = roc_curve(y1, s0, drop_intermediate=False)
const("POS_ONLY_ROC_FPR", f"[f64; {len(fpr1)}]", fs(fpr1))
const("POS_ONLY_ROC_TPR", f"[f64; {len(tpr1)}]", fs(tpr1))
p1, r1, _ = precision_recall_curve(y1, s0)
const("POS_ONLY_PR_PRECISION", f"[f64; {len(p1)}]", fs(p1))
const("POS_ONLY_PR_RECALL", f"[f64; {len(r1)}]", fs(r1))
const("POS_ONLY_AP", "f64", f(average_precision_score(y1, s0)))
# all scores tied
yt, st = np.array([1, 0, 0, 1, 0, 0]) == 1, np.full(6, 0.25)
fprt, tprt, thrt = roc_curve(yt, st, drop_intermediate=False)
const("TIED_ROC_FPR", f"[f64; {len(fprt)}]", fs(fprt))
const("TIED_ROC_TPR", f"[f64; {len(tprt)}]", fs(tprt))
const("TIED_ROC_THRESHOLDS", f"[f64; {len(thrt)}]", fs(thrt))
const("TIED_AUC", "f64", f(roc_auc_score(yt, st)))
pt, rt, tt = precision_recall_curve(yt, st)
const("TIED_PR_PRECISION", f"[f64; {len(pt)}]", fs(pt))
const("TIED_PR_RECALL", f"[f64; {len(rt)}]", fs(rt))
const("TIED_AP", "f64", f(average_precision_score(yt, st)))


# ---- gains, ranking and campaign profit: pandas, independently ---------------------------
def gains_table(y, s, groups):
    df = pd.DataFrame({"y": y.astype(int), "s": s})
    df = df.sort_values("s", ascending=False, kind="stable")
    m = len(df)
    # the same order by another route: lexsort on (-score, original position)
    assert (df.index.to_numpy() == np.lexsort((np.arange(m), -s))).all()
    bounds = np.array([g * m // groups for g in range(groups + 1)])
    df["g"] = np.searchsorted(bounds, np.arange(m), side="right") - 1
    t = df.groupby("g")["y"].agg(customers="size", positives="sum")
    t = t.reindex(range(groups), fill_value=0)
    t["cum_customers"] = t["customers"].cumsum()
    t["cum_positives"] = t["positives"].cumsum()
    total = df["y"].sum()
    t["cum_share"] = t["cum_positives"] / total
    t["lift"] = t["cum_share"] / (t["cum_customers"] / m)
    t["response_rate"] = t["positives"] / t["customers"]
    return [
        f"({g + 1}, {r.customers}, {r.positives}, {r.cum_customers}, {r.cum_positives}, "
        f"{f(r.cum_share)}, {f(r.lift)}, {f(r.response_rate)})"
        for g, r in zip(range(groups), t.itertuples())
    ]


for name, y, s, groups in [
    ("GAINS_10", Y, S, 10),
    ("GAINS_7", Y, S, 7),
    ("GAINS_3", Y, S, 3),
    ("GAINS_SMALL_5", np.array([True, False, True]), np.array([0.2, 0.9, 0.2]), 5),
]:
    rows = gains_table(y, s, groups)
    print(f"        pub const {name}: [GainsTuple; {groups}] = [")
    for r in rows:
        print(f"            {r},")
    print("        ];")

order = pd.Series(S).sort_values(ascending=False, kind="stable").index.to_numpy()
const("RANK", f"[usize; {n}]", us(order))
COST, VALUE = 1.0, 4.5
reached = np.concatenate([[0], np.cumsum(Y[order].astype(int))])
profits = VALUE * reached - COST * np.arange(n + 1)
const("PROFIT_COST", "f64", f(COST))
const("PROFIT_VALUE", "f64", f(VALUE))
const("PROFITS", f"[f64; {n + 1}]", fs(profits))
const("PROFIT_BEST_N", "usize", int(np.argmax(profits)))  # first maximum: fewest contacts
print("    }")
