"""Reference decision tree for src/analysis/trees.rs (scikit-learn, run offline).

Builds a small fixed data set (60 rows x 3 features with few distinct values each, from a
seeded numpy RNG), fits DecisionTreeClassifier(max_depth=3, min_samples_leaf=5,
random_state=0) without and with class_weight={False: 1, True: 3}, and prints Rust literals:
the data, predict_proba[:, 1] on the training rows and on them shifted by +-0.25 (which
checks the thresholds), feature_importances_, depth and leaves.

The seed is chosen so that the tree is unique: at every internal node of both fits the best
split beats every other candidate split (any feature, any threshold between adjacent distinct
values in the node, at least min_samples_leaf rows on each side) by more than MARGIN in
weighted child impurity. Ties would be broken by scikit-learn's random feature order, and our
tree (which tries features in index order) could legitimately differ; without ties it must
match exactly. All values are small multiples of 0.5, exact in float32 (scikit-learn converts
X to float32), so thresholds agree too.

Usage: python3 tests/reference/tree_reference.py
"""
import numpy as np
from sklearn.tree import DecisionTreeClassifier

N, MAX_DEPTH, MIN_LEAF, MARGIN = 60, 3, 5, 1e-6


def make_data(seed):
    rng = np.random.default_rng(seed)
    x0 = rng.integers(0, 6, N).astype(float)  # 6 values
    x1 = rng.integers(0, 4, N) * 0.5  # 4 values
    x2 = rng.integers(0, 2, N).astype(float)  # binary (one-hot like)
    score = 0.6 * x0 - 1.5 * x1 + 1.2 * x2 + rng.normal(0.0, 1.2, N)
    y = score > np.median(score)
    return np.column_stack([x0, x1, x2]), y


def gini_mass(w_neg, w_pos):
    """Weight times Gini impurity of a node."""
    w = w_neg + w_pos
    return 0.0 if w <= 0 else w * (1.0 - (w_neg / w) ** 2 - (w_pos / w) ** 2)


def unique_tree(model, x, y, sw):
    """True if every internal node's split is the unique best by MARGIN."""
    t = model.tree_
    node_rows = model.decision_path(x.astype(np.float32)).toarray().astype(bool)
    for node in range(t.node_count):
        if t.children_left[node] == -1:
            continue
        rows = node_rows[:, node]
        xs, ys, ws = x[rows], y[rows], sw[rows]
        cands = []
        for f in range(x.shape[1]):
            values = np.unique(xs[:, f])
            for lo, hi in zip(values[:-1], values[1:]):
                left = xs[:, f] <= lo
                if left.sum() < MIN_LEAF or (~left).sum() < MIN_LEAF:
                    continue
                mass = sum(gini_mass(ws[m & ~ys].sum(), ws[m & ys].sum()) for m in (left, ~left))
                cands.append((mass, f, lo / 2 + hi / 2))
        cands.sort()
        best = cands[0]
        if best[1] != t.feature[node] or best[2] != t.threshold[node]:
            raise AssertionError(f"node {node}: enumeration disagrees with scikit-learn")
        if len(cands) > 1 and cands[1][0] - best[0] <= MARGIN:
            return False
    return True


def fit(x, y, class_weight):
    return DecisionTreeClassifier(
        max_depth=MAX_DEPTH, min_samples_leaf=MIN_LEAF, random_state=0, class_weight=class_weight
    ).fit(x, y)


def rust_list(values):
    return "[" + ", ".join(repr(float(v)) for v in values) + "]"


for seed in range(1000):
    x, y = make_data(seed)
    ones = np.ones(N)
    w3 = np.where(y, 3.0, 1.0)
    plain, weighted = fit(x, y, None), fit(x, y, {False: 1, True: 3})
    if plain.tree_.node_count < 7 or weighted.tree_.node_count < 7:
        continue  # want a tree with some structure
    if unique_tree(plain, x, y, ones) and unique_tree(weighted, x, y, w3):
        break
else:
    raise SystemExit("no seed with a unique tree")

# class_weight is the same as multiplying the sample weights.
same = DecisionTreeClassifier(max_depth=MAX_DEPTH, min_samples_leaf=MIN_LEAF, random_state=0)
same.fit(x, y, sample_weight=w3)
assert np.array_equal(same.predict_proba(x), weighted.predict_proba(x))

print(f"// data seed {seed}")
print(f"const X: [[f64; 3]; {N}] = [")
for row in x:
    print("    " + rust_list(row) + ",")
print("];")
print(f"const Y: [u8; {N}] = [" + ", ".join(str(int(v)) for v in y) + "];")
for name, model in (("PLAIN", plain), ("WEIGHTED", weighted)):
    print(f"const {name}_PROBA: [f64; {N}] = {rust_list(model.predict_proba(x)[:, 1])};")
    print(f"const {name}_IMPORTANCES: [f64; 3] = {rust_list(model.feature_importances_)};")
    for shift, label in ((0.25, "UP"), (-0.25, "DOWN")):
        proba = model.predict_proba(x + shift)[:, 1]
        print(f"const {name}_PROBA_{label}: [f64; {N}] = {rust_list(proba)};  // rows of X {shift:+}")
    print(f"// {name}: depth {model.get_depth()}, leaves {model.get_n_leaves()}")
