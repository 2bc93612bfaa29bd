"""Reference coefficients for src/analysis/logistic.rs (scikit-learn LogisticRegression, lbfgs,
tight tolerance so that the optimum itself is compared)."""
import numpy as np
from sklearn.linear_model import LogisticRegression

X = np.array([[0.5, 1.2], [1.5, -0.3], [-0.7, 0.8], [2.2, 1.1], [-1.3, -1.5],
              [0.1, 0.4], [1.8, 2.0], [-0.4, -0.9], [0.9, -1.2], [-2.0, 0.3]])
y = np.array([1, 1, 0, 1, 0, 0, 1, 0, 1, 0])
for c, tag in [(1.0, "C1"), (0.1, "C01")]:
    m = LogisticRegression(C=c, tol=1e-12, max_iter=10000).fit(X, y)
    print(f"const SKLEARN_COEF_{tag}: [f64; 2] = [{float(m.coef_[0][0])!r}, {float(m.coef_[0][1])!r}];")
    print(f"const SKLEARN_INTERCEPT_{tag}: f64 = {float(m.intercept_[0])!r};")
