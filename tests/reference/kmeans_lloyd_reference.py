"""Reference values for src/analysis/clustering/kmeans_tests.rs (scikit-learn 1.9, run offline).

Lloyd's K-Means from given centres (no k-means++ draw, so the runs are comparable exactly),
the relocation of a centre left without rows, and the data-relative tolerance.
"""
import numpy as np
from sklearn.cluster import KMeans

# 300 rows, 3 columns, from a formula the Rust test repeats
i = np.arange(300)
X = np.column_stack([
    np.sin(i * 0.7) * 3 + (i % 3) * 4,
    np.cos(i * 1.3) * 2 + (i % 3) * 1.5,
    np.sin(i * 0.11) * (i % 5),
])
m = KMeans(n_clusters=4, init=X[[0, 1, 2, 3]], n_init=1, algorithm="lloyd").fit(X)
print("iterations", m.n_iter_, "inertia", repr(m.inertia_))
print("centres", m.cluster_centers_.tolist())
print("labels", "".join(str(v) for v in m.labels_))

# the third centre gets no row in the first pass: it moves to the row farthest from its centre
X2 = np.array([[0, 0], [0, 3], [0, 4], [10, 10]], float)
m2 = KMeans(n_clusters=3, init=np.array([[0, 1], [10, 10], [50, 50]], float), n_init=1,
            max_iter=1, algorithm="lloyd").fit(X2)
print("relocated centres", m2.cluster_centers_.tolist())

# sklearn.cluster._kmeans._tolerance(X, 1e-4)
X3 = np.array([[1, 2], [3, 5], [4, 4], [0, 7]], float)
print("tolerance", repr(1e-4 * np.var(X3, axis=0).mean()))
