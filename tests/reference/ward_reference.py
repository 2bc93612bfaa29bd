"""Reference partition for the Ward test in src/analysis/segment.rs
(scikit-learn AgglomerativeClustering, linkage='ward'). Labels are renumbered in order of
first appearance so they compare with MarketLens' numbering."""
import numpy as np
from sklearn.cluster import AgglomerativeClustering

X = np.array([[1.0, 1.0], [1.2, 0.8], [0.9, 1.1], [5.0, 5.0], [5.2, 4.9], [4.8, 5.3],
              [9.0, 1.0], [9.1, 1.3], [8.7, 0.9], [3.0, 3.0], [6.5, 2.5], [2.0, 1.8]])
for k in (2, 3, 4):
    labels = AgglomerativeClustering(n_clusters=k, linkage="ward").fit(X).labels_
    order = {}
    print(k, [order.setdefault(l, len(order)) for l in labels])
