"""Reference K-Means inertia for tests/segment.rs (scikit-learn, run offline).

Same preparation as MarketLens: median imputation, then StandardScaler (mean and population
standard deviation); KMeans with k-means++ and n_init=10. Inertia is the sum of squared
distances in the standardized space.
"""
from pathlib import Path

import pandas as pd
from sklearn.cluster import KMeans
from sklearn.impute import SimpleImputer
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import StandardScaler

FEATURES = ["age", "tenure_months", "recency_days", "frequency", "monetary", "visits", "discount_use"]
df = pd.read_csv(Path(__file__).resolve().parents[2] / "assets/samples/customers.csv")
X = StandardScaler().fit_transform(SimpleImputer(strategy="median").fit_transform(df[FEATURES]))
for k in (3, 4, 5):
    best = min(
        (KMeans(n_clusters=k, init="k-means++", n_init=10, random_state=seed).fit(X) for seed in range(5)),
        key=lambda m: m.inertia_,
    )
    print(f"k={k}: inertia={best.inertia_!r} silhouette={silhouette_score(X, best.labels_)!r} "
          f"sizes={sorted(int((best.labels_ == c).sum()) for c in range(k))}")
