"""Reference values for src/metrics.rs silhouette tests (scikit-learn silhouette_score)."""
import numpy as np
from sklearn.metrics import silhouette_score

X = np.array([[1.0, 2.0], [1.5, 1.8], [5.0, 8.0], [8.0, 8.0], [1.0, 0.6],
              [9.0, 11.0], [8.0, 2.0], [10.0, 2.0], [9.0, 3.0]])
print("SKLEARN_SILHOUETTE =", repr(silhouette_score(X, [0, 0, 1, 1, 0, 1, 2, 2, 2])))
print("SKLEARN_SILHOUETTE_SINGLETON =", repr(silhouette_score(X, [0, 0, 1, 1, 0, 1, 2, 2, 3])))
