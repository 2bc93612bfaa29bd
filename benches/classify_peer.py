"""MarketLens `classify` against scikit-learn on the same file, split and preprocessing.

MarketLens writes its test rows (with their customer_id) via --scores; the training rows are
the others. scikit-learn gets the same design matrix recipe (median imputation, StandardScaler,
one-hot) fitted on the training rows, LogisticRegression(C=1, lbfgs, tol 1e-4, max_iter 100),
and roc_curve + roc_auc_score on the test rows. Each timing is the best of RUNS runs.
Usage: python3 benches/classify_peer.py FILE MARKETLENS_BIN RUNS DIR
"""
import json
import subprocess
import sys
import time

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score, roc_curve
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

path, binary, runs, workdir = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
NUMERIC = ["age", "tenure_months", "recency_days", "frequency", "monetary", "visits", "discount_use"]
TEXT = ["gender", "city_tier", "channel"]
scores_path = f"{workdir}/classify_scores.csv"

ours = []
for _ in range(runs):
    t = time.perf_counter()
    out = subprocess.run(
        [binary, "classify", path, "--target", "churn", "--features", ",".join(NUMERIC + TEXT),
         "--json", "--scores", scores_path],
        check=True, capture_output=True, text=True)
    wall = time.perf_counter() - t
    r = json.loads(out.stdout)
    ours.append((r["train_seconds"], r["roc_seconds"], wall, r["auc"], r["test_rows"]))

df = pd.read_csv(path, keep_default_na=False, na_values=[""])
test_ids = set(pd.read_csv(scores_path, usecols=["customer_id"])["customer_id"])
is_test = df["customer_id"].isin(test_ids).to_numpy()
X = df[NUMERIC + TEXT].copy()
for c in TEXT:
    X[c] = X[c].fillna("(missing)").astype(str)
y = (df["churn"].astype(str).str.strip() == "yes").to_numpy()
prep = ColumnTransformer([
    ("num", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), NUMERIC),
    ("cat", OneHotEncoder(handle_unknown="ignore", sparse_output=False), TEXT),
])
Xtr = prep.fit_transform(X[~is_test])
Xte = prep.transform(X[is_test])
ytr, yte = y[~is_test], y[is_test]
fits, rocs = [], []
for _ in range(runs):
    t = time.perf_counter()
    m = LogisticRegression(C=1.0).fit(Xtr, ytr)
    fits.append(time.perf_counter() - t)
    p = m.predict_proba(Xte)[:, 1]
    t = time.perf_counter()
    roc_curve(yte, p)
    auc = roc_auc_score(yte, p)
    rocs.append(time.perf_counter() - t)

fit_ours, roc_ours = min(o[0] for o in ours), min(o[1] for o in ours)
print(f"rows {len(df)}, design columns {Xtr.shape[1]}, training rows {len(ytr)}, test rows {len(yte)}")
print(f"logistic fit: MarketLens {fit_ours:.3f} s, scikit-learn {min(fits):.3f} s "
      f"({m.n_iter_[0]} iterations) -> {fit_ours / min(fits):.2f}x")
print(f"test AUC: MarketLens {ours[0][3]:.6f}, scikit-learn {auc:.6f} (difference {abs(ours[0][3] - auc):.2e})")
print(f"ROC + AUC on {len(yte)} rows: MarketLens {roc_ours * 1000:.1f} ms, scikit-learn "
      f"{min(rocs) * 1000:.1f} ms -> {roc_ours / min(rocs):.2f}x")
print(f"whole `marketlens classify` process (load, split, fit, score, write scores): {min(o[2] for o in ours):.2f} s")
