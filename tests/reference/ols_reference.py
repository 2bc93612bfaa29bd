"""Reference values for src/analysis/ols.rs (statsmodels OLS; scipy for t p-values).

Run: python3 tests/reference/ols_reference.py
Prints Rust array constants (the data and statsmodels' params, bse, tvalues, pvalues,
rsquared, rsquared_adj, sqrt(scale)) that src/analysis/ols/tests.rs embeds.
"""
import numpy as np
import statsmodels.api as sm

rs = np.random.RandomState(0)
n = 40
X = rs.normal(size=(n, 3))
noise = rs.normal(scale=0.5, size=n)
y = 2.0 + 1.5 * X[:, 0] - 0.7 * X[:, 1] + 0.1 * X[:, 2] + noise

res = sm.OLS(y, sm.add_constant(X)).fit()


def arr(name, vals):
    body = ", ".join(repr(float(v)) for v in vals)
    print(f"const {name}: [f64; {len(vals)}] = [{body}];")


arr("X", X.ravel())
arr("Y", y)
arr("PARAMS", res.params)
arr("BSE", res.bse)
arr("TVALUES", res.tvalues)
arr("PVALUES", res.pvalues)
print(f"const RSQUARED: f64 = {float(res.rsquared)!r};")
print(f"const RSQUARED_ADJ: f64 = {float(res.rsquared_adj)!r};")
print(f"const RESID_SE: f64 = {float(np.sqrt(res.scale))!r};")

try:
    from scipy import stats

    tsf = lambda t, df: 2.0 * stats.t.sf(abs(t), df)
except ImportError:  # fall back to statsmodels' bundled distribution
    from statsmodels.compat.scipy import stats  # type: ignore

    tsf = lambda t, df: 2.0 * stats.t.sf(abs(t), df)

cases = [(2.0, 10.0), (0.0, 5.0), (1.0, 1.0), (-3.5, 7.0), (0.5, 2.5), (10.0, 30.0), (1.96, 1000.0), (25.0, 3.0)]
print("const T_CASES: [(f64, f64, f64); %d] = [" % len(cases))
for t, df in cases:
    print(f"    ({t!r}, {df!r}, {float(tsf(t, df))!r}),")
print("];")
