//! The two baselines every forecast should beat (Hyndman & Athanasopoulos, "Forecasting:
//! Principles and Practice", 3rd ed., section 5.2 and table 5.2 for the intervals):
//! - **seasonal naive**: each period repeats the same period one season earlier;
//! - **drift**: the last value plus the average change per period so far.

/// A point forecast with an interval around it.
#[derive(Clone, Debug, PartialEq)]
pub struct Baseline {
    pub forecast: Vec<f64>,
    /// (lower, upper) per step.
    pub band: Vec<(f64, f64)>,
    /// Standard deviation of the one-step residuals on the data it learned from.
    pub sigma: f64,
}

/// Seasonal naive: step h repeats y[T − m·(k+1) + h], k = ⌊(h−1)/m⌋. With a season of 1 it is
/// the naive forecast (the last value). The interval is σ·√(k+1) wide on each side (times z),
/// σ from the residuals y[t] − y[t−m]. `None` when there is less than one season of data.
pub fn seasonal_naive(y: &[f64], season: usize, h: usize, z: f64) -> Option<Baseline> {
    let m = season.max(1);
    let n = y.len();
    if n < m || n == 0 {
        return None;
    }
    let last_season = &y[n - m..];
    let forecast: Vec<f64> = (0..h).map(|i| last_season[i % m]).collect();
    let residuals: Vec<f64> = (m..n).map(|t| y[t] - y[t - m]).collect();
    let sigma = rms(&residuals);
    let band = forecast
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let k = (i / m) as f64;
            let half = z * sigma * (k + 1.0).sqrt();
            (f - half, f + half)
        })
        .collect();
    Some(Baseline {
        forecast,
        band,
        sigma,
    })
}

/// Drift: y[T] + h·(y[T] − y[1])/(T − 1). The interval is σ·√(h·(1 + h/(T−1))) (times z), σ
/// from the residuals of one-step drift forecasts. `None` with fewer than 2 values.
pub fn drift(y: &[f64], h: usize, z: f64) -> Option<Baseline> {
    let n = y.len();
    if n < 2 {
        return None;
    }
    let (first, last) = (y[0], y[n - 1]);
    let slope = (last - first) / (n - 1) as f64;
    let forecast: Vec<f64> = (1..=h).map(|step| last + slope * step as f64).collect();
    let residuals: Vec<f64> = y.windows(2).map(|w| w[1] - w[0] - slope).collect();
    // one parameter (the slope) was estimated from the n − 1 changes
    let dof = (residuals.len() as f64 - 1.0).max(1.0);
    let sigma = (residuals.iter().map(|e| e * e).sum::<f64>() / dof).sqrt();
    let t = (n - 1) as f64;
    let band = forecast
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let step = (i + 1) as f64;
            let half = z * sigma * (step * (1.0 + step / t)).sqrt();
            (f - half, f + half)
        })
        .collect();
    Some(Baseline {
        forecast,
        band,
        sigma,
    })
}

fn rms(values: &[f64]) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    (values.iter().map(|e| e * e).sum::<f64>() / values.len() as f64).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seasonal_naive_repeats_the_last_season_exactly() {
        let y = [1.0, 2.0, 3.0, 4.0, 2.0, 4.0, 6.0, 8.0];
        let b = seasonal_naive(&y, 4, 6, 1.96).expect("forecast");
        assert_eq!(b.forecast, vec![2.0, 4.0, 6.0, 8.0, 2.0, 4.0]);
        // residuals y[t] − y[t−4] = 1, 2, 3, 4 → σ = √(30/4)
        assert!((b.sigma - 7.5_f64.sqrt()).abs() < 1e-12);
        // the second season's interval is √2 times as wide
        let w0 = b.band[0].1 - b.band[0].0;
        let w4 = b.band[4].1 - b.band[4].0;
        assert!((w4 / w0 - 2.0_f64.sqrt()).abs() < 1e-12);
        assert!((w0 - 2.0 * 1.96 * b.sigma).abs() < 1e-12);
        assert!(seasonal_naive(&y[..3], 4, 2, 1.96).is_none());
    }

    #[test]
    fn drift_extends_the_line_through_first_and_last() {
        let y = [10.0, 13.0, 14.0, 19.0];
        let b = drift(&y, 3, 1.96).expect("forecast");
        assert_eq!(b.forecast, vec![22.0, 25.0, 28.0]);
        // changes 3, 1, 5 minus slope 3 → 0, −2, 2; σ² = 8 / 2
        assert!((b.sigma - 2.0).abs() < 1e-12);
        let half1 = 1.96 * 2.0 * (1.0_f64 * (1.0 + 1.0 / 3.0)).sqrt();
        assert!((b.band[0].1 - 22.0 - half1).abs() < 1e-12);
        assert!(drift(&[5.0], 2, 1.96).is_none());
    }
}
