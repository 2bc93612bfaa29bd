//! Ordinary least squares with an intercept, reporting the statistics that
//! statsmodels' `OLS(...).fit()` reports (params, bse, tvalues, pvalues,
//! rsquared, rsquared_adj, sqrt(scale)).
//!
//! Method: columns (and `y`) are centred, then the centred design is
//! factorised with Householder QR (no pivoting, so collinearity is reported
//! against the earlier columns). The intercept is recovered as
//! `ȳ - x̄'β`, and its variance from the block inverse of `X'X`:
//! `Var(b0) = s² (1/n + x̄' (Xc'Xc)⁻¹ x̄)`. Std only, no `unsafe`.

use std::fmt;

/// Result of [`ols`]. Vectors of length `p + 1` hold the intercept first.
#[derive(Debug, Clone, PartialEq)]
pub struct OlsFit {
    pub intercept: f64,
    /// Slope coefficients, length `p`.
    pub coefficients: Vec<f64>,
    /// Length `p + 1`: intercept first, then each coefficient.
    pub std_errors: Vec<f64>,
    /// Length `p + 1`, same order.
    pub t_values: Vec<f64>,
    /// Length `p + 1`, two-sided, Student t with `n - p - 1` df.
    pub p_values: Vec<f64>,
    /// `1 - SSR / TSS` (centred TSS). NaN when `y` is constant, as statsmodels.
    pub r2: f64,
    pub adj_r2: f64,
    /// `sqrt(SSR / (n - p - 1))`.
    pub residual_std_error: f64,
    pub n: usize,
    pub df_resid: usize,
}

/// Why [`ols`] could not produce a fit.
#[derive(Debug, Clone, PartialEq)]
pub enum OlsError {
    /// Need `rows > p + 1` (at least one residual degree of freedom). Also
    /// returned when `x.len() != rows * p` or `y.len() != rows`; then `rows`
    /// is the number of complete rows actually supplied and `needed` the
    /// declared row count.
    TooFewRows { rows: usize, needed: usize },
    /// Column `column` (0-based, intercept excluded) is (numerically) a linear
    /// combination of the intercept and the earlier columns.
    Collinear { column: usize },
    /// `x` or `y` contains NaN or an infinity.
    NotFinite,
}

impl fmt::Display for OlsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OlsError::TooFewRows { rows, needed } => write!(
                f,
                "not enough data for the regression: {rows} rows available, {needed} needed"
            ),
            OlsError::Collinear { column } => write!(
                f,
                "column {column} is a linear combination of the intercept and earlier columns"
            ),
            OlsError::NotFinite => write!(f, "the data contains NaN or infinite values"),
        }
    }
}

impl std::error::Error for OlsError {}

/// Relative threshold below which a column's residual norm (after removing
/// the intercept and earlier columns) counts as zero.
const COLLINEAR_TOL: f64 = 1e-10;

/// Fit `y = b0 + x·b + e` by least squares.
///
/// `x`: `rows × p` design WITHOUT the intercept column, row-major
/// (`x[r * p + j]`); `y`: `rows` values.
pub fn ols(x: &[f64], rows: usize, p: usize, y: &[f64]) -> Result<OlsFit, OlsError> {
    if Some(x.len()) != rows.checked_mul(p) || y.len() != rows {
        let supplied = x.len().checked_div(p).map_or(y.len(), |r| r.min(y.len()));
        return Err(OlsError::TooFewRows {
            rows: supplied,
            needed: rows,
        });
    }
    if rows <= p + 1 {
        return Err(OlsError::TooFewRows {
            rows,
            needed: p + 2,
        });
    }
    if x.iter().chain(y).any(|v| !v.is_finite()) {
        return Err(OlsError::NotFinite);
    }
    let n = rows;
    let nf = n as f64;
    let df_resid = n - p - 1;

    // Column means and centred columns (column-major working copy).
    let means: Vec<f64> = (0..p)
        .map(|j| (0..n).map(|r| x[r * p + j]).sum::<f64>() / nf)
        .collect();
    let mut a: Vec<Vec<f64>> = (0..p)
        .map(|j| (0..n).map(|r| x[r * p + j] - means[j]).collect())
        .collect();
    let y_mean = y.iter().sum::<f64>() / nf;
    let mut qty: Vec<f64> = y.iter().map(|v| v - y_mean).collect();
    let col_norms: Vec<f64> = a.iter().map(|c| norm(c)).collect();

    // Householder QR of the centred design, applied to y as we go.
    let mut r = vec![vec![0.0; p]; p];
    for k in 0..p {
        let alpha = norm(&a[k][k..]);
        if col_norms[k] == 0.0 || alpha <= COLLINEAR_TOL * col_norms[k] {
            return Err(OlsError::Collinear { column: k });
        }
        let diag = if a[k][k] >= 0.0 { -alpha } else { alpha };
        let mut v = a[k][k..].to_vec();
        v[0] -= diag;
        let vtv = dot(&v, &v);
        for col in a.iter_mut().skip(k + 1) {
            reflect(&v, vtv, &mut col[k..]);
        }
        reflect(&v, vtv, &mut qty[k..]);
        r[k][k] = diag;
        for j in k + 1..p {
            r[k][j] = a[j][k];
        }
    }

    // Back substitution R β = (Q'y)[..p].
    let mut beta = vec![0.0; p];
    for k in (0..p).rev() {
        let s: f64 = (k + 1..p).map(|j| r[k][j] * beta[j]).sum();
        beta[k] = (qty[k] - s) / r[k][k];
    }
    let intercept = y_mean - dot(&means, &beta);

    // Residuals from the original data (as statsmodels does).
    let mut ssr = 0.0;
    let mut tss = 0.0;
    for (row, &yr) in y.iter().enumerate() {
        let fitted = intercept + dot(&x[row * p..(row + 1) * p], &beta);
        ssr += (yr - fitted).powi(2);
        tss += (yr - y_mean).powi(2);
    }
    let scale = ssr / df_resid as f64;
    let s = scale.sqrt();

    // R⁻¹ (upper triangular); (Xc'Xc)⁻¹ = R⁻¹ R⁻ᵀ.
    let mut rinv = vec![vec![0.0; p]; p];
    for j in 0..p {
        rinv[j][j] = 1.0 / r[j][j];
        for i in (0..j).rev() {
            let acc: f64 = (i + 1..=j).map(|m| r[i][m] * rinv[m][j]).sum();
            rinv[i][j] = -acc / r[i][i];
        }
    }
    // Var(b0) = s² (1/n + ‖R⁻ᵀ x̄‖²); Var(b_j) = s² ‖row j of R⁻¹‖².
    let w_sq: f64 = (0..p)
        .map(|j| (0..=j).map(|i| rinv[i][j] * means[i]).sum::<f64>().powi(2))
        .sum();
    let mut std_errors = Vec::with_capacity(p + 1);
    std_errors.push(s * (1.0 / nf + w_sq).sqrt());
    std_errors.extend(rinv.iter().map(|row| s * dot(row, row).sqrt()));

    let estimates: Vec<f64> = std::iter::once(intercept)
        .chain(beta.iter().copied())
        .collect();
    let t_values: Vec<f64> = estimates
        .iter()
        .zip(&std_errors)
        .map(|(b, se)| b / se)
        .collect();
    let df = df_resid as f64;
    let p_values = t_values.iter().map(|&t| t_two_sided_p(t, df)).collect();

    let r2 = 1.0 - ssr / tss;
    let adj_r2 = 1.0 - (nf - 1.0) / df * (1.0 - r2);
    Ok(OlsFit {
        intercept,
        coefficients: beta,
        std_errors,
        t_values,
        p_values,
        r2,
        adj_r2,
        residual_std_error: s,
        n,
        df_resid,
    })
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Euclidean norm, scaled to avoid overflow/underflow.
fn norm(a: &[f64]) -> f64 {
    let m = a.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
    if m == 0.0 {
        return 0.0;
    }
    m * a.iter().map(|v| (v / m).powi(2)).sum::<f64>().sqrt()
}

/// Apply H = I - 2 v vᵀ / (vᵀv) to `col` in place.
fn reflect(v: &[f64], vtv: f64, col: &mut [f64]) {
    let f = 2.0 * dot(v, col) / vtv;
    for (c, vi) in col.iter_mut().zip(v) {
        *c -= f * vi;
    }
}

/// Two-sided p-value of Student's t with `df` degrees of freedom:
/// `P(|T| > |t|) = I_{df/(df+t²)}(df/2, 1/2)` via the regularized incomplete
/// beta function (Lentz continued fraction, Numerical Recipes style).
/// Returns NaN for NaN `t` or a `df` that is not finite and positive; 0 for
/// infinite `t`.
pub fn t_two_sided_p(t: f64, df: f64) -> f64 {
    if t.is_nan() || !df.is_finite() || df <= 0.0 {
        return f64::NAN;
    }
    if t.is_infinite() {
        return 0.0;
    }
    let t2 = t * t;
    // x and 1 - x computed separately to avoid cancellation.
    let x = df / (df + t2);
    let one_minus_x = t2 / (df + t2);
    inc_beta(0.5 * df, 0.5, x, one_minus_x).clamp(0.0, 1.0)
}

/// Regularized incomplete beta I_x(a, b); `y` must equal `1 - x`.
fn inc_beta(a: f64, b: f64, x: f64, y: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if y <= 0.0 {
        return 1.0;
    }
    let ln_front = ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * y.ln();
    let front = ln_front.exp();
    if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_cf(a, b, x) / a
    } else {
        1.0 - front * beta_cf(b, a, y) / b
    }
}

/// Continued fraction for I_x(a, b) by the modified Lentz method.
fn beta_cf(a: f64, b: f64, x: f64) -> f64 {
    const MAX_ITER: usize = 10_000;
    const EPS: f64 = 1e-16;
    const FPMIN: f64 = 1e-300;
    let guard = |v: f64| if v.abs() < FPMIN { FPMIN } else { v };
    let qab = a + b;
    let qap = a + 1.0;
    let qam = a - 1.0;
    let mut c = 1.0;
    let mut d = 1.0 / guard(1.0 - qab * x / qap);
    let mut h = d;
    for m in 1..=MAX_ITER {
        let m = m as f64;
        let m2 = 2.0 * m;
        let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 / guard(1.0 + aa * d);
        c = guard(1.0 + aa / c);
        h *= d * c;
        let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 / guard(1.0 + aa * d);
        c = guard(1.0 + aa / c);
        let del = d * c;
        h *= del;
        if (del - 1.0).abs() < EPS {
            break;
        }
    }
    h
}

/// ln Γ(x) for x > 0 (Lanczos, Numerical Recipes 3rd ed. `gammln`).
fn ln_gamma(x: f64) -> f64 {
    const COF: [f64; 14] = [
        57.156_235_665_862_92,
        -59.597_960_355_475_49,
        14.136_097_974_741_747,
        -0.491_913_816_097_620_2,
        0.339_946_499_848_118_9e-4,
        4.652_362_892_704_858e-5,
        -0.983_744_753_048_795_6e-4,
        0.158_088_703_224_912_5e-3,
        -0.210_264_441_724_104_9e-3,
        0.217_439_618_115_212_64e-3,
        -0.164_318_106_536_763_9e-3,
        0.844_182_239_838_527_4e-4,
        -0.261_908_384_015_814_1e-4,
        0.368_991_826_595_316_2e-5,
    ];
    let tmp = x + 5.242_187_5;
    let tmp = (x + 0.5) * tmp.ln() - tmp;
    let mut ser = 0.999_999_999_999_997_1;
    let mut yy = x;
    for c in COF {
        yy += 1.0;
        ser += c / yy;
    }
    tmp + (2.506_628_274_631_000_5 * ser / x).ln()
}

#[cfg(test)]
mod tests;
