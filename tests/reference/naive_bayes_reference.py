"""Reference probabilities for src/analysis/classifiers.rs (scikit-learn GaussianNB)."""
import numpy as np
from sklearn.naive_bayes import GaussianNB

X = np.array([[1.0, 2.0], [1.5, 1.8], [5.0, 8.0], [8.0, 8.0], [1.0, 0.6],
              [9.0, 11.0], [8.0, 2.0], [10.0, 2.0]])
y = np.array([0, 0, 1, 1, 0, 1, 0, 1])
p = GaussianNB().fit(X, y).predict_proba(X)[:, 1]
print("const SKLEARN_NB: [f64; 8] = [" + ", ".join(repr(float(v)) for v in p) + "];")
