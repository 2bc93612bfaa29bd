"""The peer for benches/regress.rs: statsmodels and scikit-learn on the same design.

Run: python3 benches/regress_peer.py FILE.csv TARGET a,b,c
The design: numeric columns median-imputed (standardized with the population standard
deviation for the penalised models and k-NN), text columns one 0/1 column per category
except the first sorted one. Best of 10 (LassoCV best of 3).
"""
import sys
import time
import warnings

import numpy as np
import pandas as pd
import statsmodels.api as sm
from sklearn.linear_model import Lasso, LassoCV, Ridge
from sklearn.model_selection import KFold
from sklearn.neighbors import KNeighborsRegressor

warnings.simplefilter("ignore")
path, target, features = sys.argv[1], sys.argv[2], sys.argv[3].split(",")
df = pd.read_csv(path)
y = df[target].to_numpy(dtype=float)
cols, numeric = [], []
for c in features:
    if pd.api.types.is_numeric_dtype(df[c]):
        v = df[c].astype(float)
        cols.append(v.fillna(v.median()).rename(c))
        numeric.append(c)
    else:
        d = pd.get_dummies(df[c].astype(str), prefix=c, drop_first=True, dtype=float)
        cols.extend(d[k] for k in d.columns)
raw = pd.concat(cols, axis=1).to_numpy(dtype=float)
std = raw.copy()
k = len(numeric)
std[:, :k] = (raw[:, :k] - raw[:, :k].mean(axis=0)) / raw[:, :k].std(axis=0)
print(f"{path}: {raw.shape[0]} rows, {raw.shape[1]} design columns")


def best(runs, work):
    out = float("inf")
    for _ in range(runs):
        t = time.perf_counter()
        work()
        out = min(out, time.perf_counter() - t)
    return out


def ols():
    fit = sm.OLS(y, sm.add_constant(raw)).fit()
    return fit.bse, fit.pvalues


print(f"statsmodels OLS (+ bse, p): {best(10, ols) * 1e3:.2f} ms")
print(f"sklearn Ridge alpha 10: {best(10, lambda: Ridge(alpha=10).fit(std, y)) * 1e3:.2f} ms")
lasso = lambda: Lasso(alpha=1.0, tol=1e-10, max_iter=100_000).fit(std, y)
print(f"sklearn Lasso alpha 1 (tol 1e-10): {best(10, lasso) * 1e3:.2f} ms")
cv = KFold(5, shuffle=True, random_state=42)
chosen = {}


def lasso_cv():
    m = LassoCV(alphas=20, cv=cv, tol=1e-10, max_iter=100_000).fit(std, y)
    chosen["alpha"] = m.alpha_


t = best(3, lasso_cv)
print(f"sklearn LassoCV 5 folds x 20 (tol 1e-10): {t * 1e3:.1f} ms (alpha {chosen['alpha']:.4f})")
n = len(y) * 7 // 10


def knn():
    KNeighborsRegressor(n_neighbors=5).fit(std[:n], y[:n]).predict(std[n:])


print(f"sklearn KNeighborsRegressor (k 5): fit {n}, predict {len(y) - n}: {best(10, knn) * 1e3:.1f} ms")
