//! Metrics computed by MarketLens itself (linfa's are not relied on), each tested against
//! scikit-learn's values on fixed inputs.

pub mod classification;
pub mod forecast;
pub mod regression;

use ndarray::ArrayView2;

/// Euclidean distance between two rows.
pub fn euclidean(a: ndarray::ArrayView1<f64>, b: ndarray::ArrayView1<f64>) -> f64 {
    a.iter()
        .zip(b)
        .map(|(p, q)| (p - q) * (p - q))
        .sum::<f64>()
        .sqrt()
}

/// Sum of squared Euclidean distances from each row to its assigned centroid.
pub fn inertia(x: ArrayView2<f64>, centroids: ArrayView2<f64>, labels: &[usize]) -> f64 {
    x.rows()
        .into_iter()
        .zip(labels)
        .map(|(row, &c)| {
            row.iter()
                .zip(centroids.row(c))
                .map(|(a, b)| (a - b) * (a - b))
                .sum::<f64>()
        })
        .sum()
}

/// Index of the nearest centroid for each row, and the squared distance to it.
pub fn nearest(x: ArrayView2<f64>, centroids: ArrayView2<f64>) -> (Vec<usize>, Vec<f64>) {
    let mut labels = Vec::with_capacity(x.nrows());
    let mut dists = Vec::with_capacity(x.nrows());
    for row in x.rows() {
        let (best, d) = centroids
            .rows()
            .into_iter()
            .enumerate()
            .map(|(c, cen)| {
                let d: f64 = row.iter().zip(cen).map(|(a, b)| (a - b) * (a - b)).sum();
                (c, d)
            })
            .fold(
                (0, f64::INFINITY),
                |acc, v| if v.1 < acc.1 { v } else { acc },
            );
        labels.push(best);
        dists.push(d);
    }
    (labels, dists)
}

/// Mean silhouette coefficient (scikit-learn's `silhouette_score`, Euclidean): for each
/// point, a = mean distance to the other points of its cluster, b = the smallest mean
/// distance to the points of another cluster, s = (b − a) / max(a, b); points alone in their
/// cluster score 0. `None` unless there are 2 ≤ clusters ≤ n − 1.
///
/// Exact and O(n²): call it on a sample for big files.
pub fn silhouette(x: ArrayView2<f64>, labels: &[usize]) -> Option<f64> {
    let n = x.nrows();
    let k = labels.iter().copied().max()? + 1;
    let mut sizes = vec![0usize; k];
    for &l in labels {
        sizes[l] += 1;
    }
    let used = sizes.iter().filter(|&&s| s > 0).count();
    if used < 2 || used > n - 1 {
        return None;
    }
    let mut total = 0.0;
    let mut sums = vec![0.0; k];
    for i in 0..n {
        sums.iter_mut().for_each(|s| *s = 0.0);
        let xi = x.row(i);
        for j in 0..n {
            if i != j {
                sums[labels[j]] += euclidean(xi, x.row(j));
            }
        }
        let own = labels[i];
        if sizes[own] <= 1 {
            continue; // s = 0
        }
        let a = sums[own] / (sizes[own] - 1) as f64;
        let b = (0..k)
            .filter(|&c| c != own && sizes[c] > 0)
            .map(|c| sums[c] / sizes[c] as f64)
            .fold(f64::INFINITY, f64::min);
        let m = a.max(b);
        if m > 0.0 {
            total += (b - a) / m;
        }
    }
    Some(total / n as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn silhouette_matches_scikit_learn() {
        // tests/reference/silhouette_reference.py: sklearn.metrics.silhouette_score
        let x = array![
            [1.0, 2.0],
            [1.5, 1.8],
            [5.0, 8.0],
            [8.0, 8.0],
            [1.0, 0.6],
            [9.0, 11.0],
            [8.0, 2.0],
            [10.0, 2.0],
            [9.0, 3.0],
        ];
        let labels = [0, 0, 1, 1, 0, 1, 2, 2, 2];
        let s = silhouette(x.view(), &labels).expect("defined");
        assert!((s - SKLEARN_SILHOUETTE).abs() < 1e-6, "{s}");
        // a singleton cluster scores 0 for its point
        let labels = [0, 0, 1, 1, 0, 1, 2, 2, 3];
        let s = silhouette(x.view(), &labels).expect("defined");
        assert!((s - SKLEARN_SILHOUETTE_SINGLETON).abs() < 1e-6, "{s}");
        assert!(silhouette(x.view(), &[0; 9]).is_none());
    }

    // filled in from tests/reference/silhouette_reference.py
    const SKLEARN_SILHOUETTE: f64 = 0.7036685297515942;
    const SKLEARN_SILHOUETTE_SINGLETON: f64 = 0.3628053907256062;
}
