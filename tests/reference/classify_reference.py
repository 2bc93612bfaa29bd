"""Reference AUC for tests/classify.rs: scikit-learn's LogisticRegression on the bundled
customers sample, with the same stratified split and the same preprocessing as MarketLens.

The split is re-created exactly: per class (no, then yes; file order), the row indices are
shuffled by Fisher-Yates from the last element down with j = SplitMix64(seed).next() % (i + 1)
(one generator for both classes), and the first round(0.3 * count) go to the test part.
Preprocessing is fitted on the training rows: numbers imputed with the median and scaled by
mean and population standard deviation (SimpleImputer + StandardScaler), text one-hot encoded
with missing as its own category and unknown categories as all zeros.

Run from the repository root: python3 tests/reference/classify_reference.py
"""
import math

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.naive_bayes import GaussianNB
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

M = (1 << 64) - 1


class SplitMix64:
    def __init__(self, seed):
        self.s = seed

    def next(self):
        self.s = (self.s + 0x9E3779B97F4A7C15) & M
        z = self.s
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M
        return z ^ (z >> 31)


def stratified_split(labels, share, seed):
    rng = SplitMix64(seed)
    train, test = [], []
    for cls in (False, True):
        rows = [i for i, v in enumerate(labels) if v is cls]
        for i in range(len(rows) - 1, 0, -1):
            j = rng.next() % (i + 1)
            rows[i], rows[j] = rows[j], rows[i]
        n_test = math.floor(len(rows) * share + 0.5)
        test += rows[:n_test]
        train += rows[n_test:]
    return sorted(train), sorted(test)


NUMERIC = ["age", "tenure_months", "recency_days", "frequency", "monetary", "visits", "discount_use"]
TEXT = ["gender", "city_tier", "channel"]

df = pd.read_csv("assets/samples/customers.csv", keep_default_na=False, na_values=[""])
labels = [None if pd.isna(v) else str(v).strip() == "yes" for v in df["churn"]]
train, test = stratified_split(labels, 0.3, 42)
X = df[NUMERIC + TEXT].copy()
for c in TEXT:
    X[c] = X[c].fillna("(missing)").astype(str)
y = np.array([bool(v) for v in labels])
prep = ColumnTransformer([
    ("num", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), NUMERIC),
    ("cat", OneHotEncoder(handle_unknown="ignore", sparse_output=False), TEXT),
])
for name, model in [("LOGISTIC", LogisticRegression(C=1.0)), ("NAIVE_BAYES", GaussianNB())]:
    pipe = make_pipeline(prep, model).fit(X.iloc[train], y[train])
    p = pipe.predict_proba(X.iloc[test])[:, 1]
    print(f"const SKLEARN_{name}_AUC: f64 = {roc_auc_score(y[test], p)!r};")
print(f"// train rows {len(train)}, test rows {len(test)}, test positives {int(y[test].sum())}")
