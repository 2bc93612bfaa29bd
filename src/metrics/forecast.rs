//! Forecast errors on a holdout: RMSE, MAE, MAPE and sMAPE. Tested against scikit-learn
//! (tests/reference/forecast_metrics_reference.py).

use serde::Serialize;

/// How far a forecast was from what actually happened.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct ForecastErrors {
    /// Root mean squared error, in the series' units: big misses count extra.
    pub rmse: f64,
    /// Mean absolute error, in the series' units: the typical miss.
    pub mae: f64,
    /// Mean absolute percentage error, in percent (4.2 means 4.2 %). `None` when an actual
    /// value is zero (a percentage of zero is undefined).
    pub mape: Option<f64>,
    /// Symmetric MAPE in percent (0–200), M4 definition: 100/n · Σ 2|F − A| / (|A| + |F|).
    /// Periods where both are zero count as no error.
    pub smape: f64,
    /// Periods compared.
    pub n: usize,
}

/// Errors of `forecast` against `actual` (paired by position; the shorter length is used).
/// `None` when there is nothing to compare.
pub fn forecast_errors(actual: &[f64], forecast: &[f64]) -> Option<ForecastErrors> {
    let n = actual.len().min(forecast.len());
    if n == 0 {
        return None;
    }
    let (mut se, mut ae, mut ape, mut sape) = (0.0, 0.0, 0.0, 0.0);
    let mut mape_defined = true;
    for (&a, &f) in actual.iter().zip(forecast).take(n) {
        let e = f - a;
        se += e * e;
        ae += e.abs();
        if a == 0.0 {
            mape_defined = false;
        } else {
            ape += (e / a).abs();
        }
        let denom = a.abs() + f.abs();
        if denom > 0.0 {
            sape += 2.0 * e.abs() / denom;
        }
    }
    let nf = n as f64;
    Some(ForecastErrors {
        rmse: (se / nf).sqrt(),
        mae: ae / nf,
        mape: mape_defined.then(|| 100.0 * ape / nf),
        smape: 100.0 * sape / nf,
        n,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ACTUAL: [f64; 10] = [
        112.0, 118.0, 132.0, 129.0, 121.0, 135.0, 148.0, 148.0, 136.0, 119.0,
    ];
    const FORECAST: [f64; 10] = [
        110.5, 121.0, 128.0, 131.5, 119.0, 140.0, 150.0, 139.0, 137.5, 125.0,
    ];

    #[test]
    fn errors_equal_scikit_learn() {
        // tests/reference/forecast_metrics_reference.py
        let e = forecast_errors(&ACTUAL, &FORECAST).expect("errors");
        assert!((e.rmse - 4.30987238790199).abs() < 1e-12, "{}", e.rmse);
        assert!((e.mae - 3.65).abs() < 1e-12, "{}", e.mae);
        let mape = e.mape.expect("mape");
        assert!((mape - 2.7783932803381592).abs() < 1e-12, "{mape}");
        assert!((e.smape - 2.7787097842789947).abs() < 1e-12, "{}", e.smape);
        assert_eq!(e.n, 10);
    }

    #[test]
    fn zero_actuals_leave_mape_undefined() {
        let e = forecast_errors(&[0.0, 10.0], &[1.0, 10.0]).expect("errors");
        assert_eq!(e.mape, None);
        assert!((e.smape - 100.0).abs() < 1e-12);
        let both_zero = forecast_errors(&[0.0], &[0.0]).expect("errors");
        assert_eq!(both_zero.smape, 0.0);
        assert!(forecast_errors(&[], &[1.0]).is_none());
    }
}
