//! How close a regression's predictions came: RMSE, MAE, MAPE and R², as scikit-learn
//! computes them (`mean_squared_error`, `mean_absolute_error`,
//! `mean_absolute_percentage_error`, `r2_score`). Tested against its values in
//! tests/regress.rs (tests/reference/regress_reference.py).

use serde::Serialize;

use super::forecast::forecast_errors;

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct RegressionErrors {
    /// Root mean squared error, in the target's units: big misses count extra.
    pub rmse: f64,
    /// Mean absolute error, in the target's units: the typical miss.
    pub mae: f64,
    /// Mean absolute percentage error in percent (4.2 means 4.2 %); `None` when an actual
    /// value is zero.
    pub mape: Option<f64>,
    /// Share of the variation explained: 1 − Σ(y − ŷ)² / Σ(y − ȳ)², ȳ the mean of the
    /// compared actual values. Can be negative (worse than always predicting the mean);
    /// NaN when the actual values are all equal.
    pub r2: f64,
    pub n: usize,
}

/// Errors of `predicted` against `actual` (paired by position). `None` when empty.
pub fn regression_errors(actual: &[f64], predicted: &[f64]) -> Option<RegressionErrors> {
    let e = forecast_errors(actual, predicted)?;
    let n = e.n;
    let mean = actual[..n].iter().sum::<f64>() / n as f64;
    let total: f64 = actual[..n].iter().map(|a| (a - mean) * (a - mean)).sum();
    let residual = e.rmse * e.rmse * n as f64;
    let r2 = if total > 0.0 {
        1.0 - residual / total
    } else {
        f64::NAN
    };
    Some(RegressionErrors {
        rmse: e.rmse,
        mae: e.mae,
        mape: e.mape,
        r2,
        n,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r2_matches_its_definition_and_edge_cases() {
        // sklearn: r2_score([3, -0.5, 2, 7], [2.5, 0.0, 2, 8]) = 0.9486081370449679
        let e = regression_errors(&[3.0, -0.5, 2.0, 7.0], &[2.5, 0.0, 2.0, 8.0]).expect("some");
        assert!((e.r2 - 0.948_608_137_044_967_9).abs() < 1e-12);
        // sklearn: mean_absolute_error = 0.5, mean_squared_error = 0.375
        assert!((e.mae - 0.5).abs() < 1e-12);
        assert!((e.rmse - 0.375f64.sqrt()).abs() < 1e-12);
        // predicting the mean gives 0; worse than the mean gives a negative R²
        let e = regression_errors(&[1.0, 2.0, 3.0], &[2.0, 2.0, 2.0]).expect("some");
        assert!(e.r2.abs() < 1e-12);
        let e = regression_errors(&[1.0, 2.0, 3.0], &[3.0, 2.0, 1.0]).expect("some");
        assert!((e.r2 + 3.0).abs() < 1e-12);
        assert!(
            regression_errors(&[5.0, 5.0], &[5.0, 4.0])
                .expect("some")
                .r2
                .is_nan()
        );
        assert!(regression_errors(&[], &[]).is_none());
    }
}
