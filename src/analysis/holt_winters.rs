//! Holt-Winters exponential smoothing forecaster (pure std).
//!
//! # The model in plain words
//! The series is described by up to three running "states", each nudged after
//! every observation by a share of the surprise (the one-step error):
//! * **level** `l`: where the series is now, smoothed with weight `alpha`;
//! * **trend** `b`: growth per period, smoothed with `beta`. With
//!   [`Trend::Damped`] the trend fades by `phi` (0.8–0.995) each period, so
//!   long forecasts flatten out instead of growing forever;
//! * **seasonal** `s`: one value per position in the season (12 for monthly
//!   data), smoothed with `gamma`, added to the level ([`Seasonal::Additive`]:
//!   "December sells 2,000 more") or multiplied ([`Seasonal::Multiplicative`]:
//!   "December sells 30 % more", so the swing grows with the level).
//!
//! The recursions are exactly statsmodels' `ExponentialSmoothing` (component
//! form; prediction `ŷ = l + φb + s`, or `(l + φb)·s` when multiplicative):
//! ```text
//! level:    l_t = α(y_t − s_{t−m}) + (1−α)(l_{t−1} + φb_{t−1})      mult: α·y_t/s_{t−m}
//! trend:    b_t = β(l_t − l_{t−1}) + (1−β)φb_{t−1}
//! seasonal: s_t = γ(y_t − l_{t−1} − φb_{t−1}) + (1−γ)s_{t−m}  mult: γ·y_t/(l_{t−1} + φb_{t−1})
//! ```
//! `beta` is statsmodels' `smoothing_trend`, the *component-form* β (fpp3's
//! β*): in the error-correction (ETS) form the trend moves by `alpha·beta`
//! times the error, while `alpha` and `gamma` mean the same in both forms.
//! Bounds follow statsmodels: `0 ≤ α ≤ 1`, `0 ≤ β ≤ α`, `0 ≤ γ ≤ 1 − α`,
//! `0.8 ≤ φ ≤ 0.995`.
//!
//! # Fitting
//! The weights *and* the starting states minimise the sum of squared one-step
//! errors (statsmodels' default `initialization_method="estimated"`), with no
//! randomness:
//! 1. starting states from a heuristic (fn `heuristic`);
//! 2. a 7-point grid per weight over α, β, γ with those states (like
//!    statsmodels' `use_brute=True`);
//! 3. Levenberg–Marquardt (damped Gauss–Newton on the one-step errors,
//!    finite-difference Jacobian, weights clamped to their bounds) from the 8
//!    best grid points that are not near-duplicates, 6 iterations each; the 2
//!    best then run to convergence. The SSE can have several local minima (the
//!    bundled sales sample has two, 2.5 % apart, with very different
//!    forecasts), hence the multi-start.
//!
//! Starting seasonals are normalised (sum 0, or mean 1 when multiplicative):
//! shifting level and seasonals against each other changes no prediction, so
//! nothing is lost and the optimiser has one flat direction less.
use serde::{Deserialize, Serialize};
use std::fmt;

/// Trend component; `Damped` is an additive trend damped by `phi`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Trend {
    None,
    Additive,
    Damped,
}

/// Seasonal component.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Seasonal {
    None,
    Additive,
    Multiplicative,
}

impl Trend {
    pub fn label(self) -> &'static str {
        ["none", "additive", "damped"][self as usize]
    }
}

impl Seasonal {
    pub fn label(self) -> &'static str {
        ["none", "additive", "multiplicative"][self as usize]
    }
}

/// What to fit; `season` is the number of periods in one cycle (12 for
/// monthly data). A seasonal spec with `season < 2` is fitted as
/// non-seasonal, and the fitted [`HoltWinters::spec`] then says `Seasonal::None`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HwSpec {
    pub trend: Trend,
    pub seasonal: Seasonal,
    pub season: usize,
}

impl HwSpec {
    fn has_trend(self) -> bool {
        self.trend != Trend::None
    }
    fn has_season(self) -> bool {
        self.seasonal != Seasonal::None
    }
    /// Seasonal states carried by the filter (1, always 0, without a season).
    fn m(self) -> usize {
        if self.has_season() { self.season } else { 1 }
    }
    /// Smoothing weights in the optimiser vector: alpha, beta?, gamma?, phi?.
    fn n_weights(self) -> usize {
        let damped = self.trend == Trend::Damped;
        1 + usize::from(self.has_trend()) + usize::from(self.has_season()) + usize::from(damped)
    }
}

/// A fitted model. Unused weights are 0 (`phi` is 1 unless damped).
#[derive(Clone, Debug)]
pub struct HoltWinters {
    /// The spec actually fitted (seasonal `None` if `season < 2` was asked for).
    pub spec: HwSpec,
    pub alpha: f64,
    pub beta: f64,
    pub gamma: f64,
    pub phi: f64,
    /// Level and trend after the last observation (trend 0 without one).
    pub level: f64,
    pub trend: f64,
    /// Seasonal states for forecast steps 1..=season, in that order (empty
    /// without seasonality).
    pub seasonals: Vec<f64>,
    /// One-step-ahead in-sample predictions, same length as the data.
    pub fitted: Vec<f64>,
    /// `Σ(y − fitted)²`, the quantity minimised.
    pub sse: f64,
    /// Root mean square (no degrees-of-freedom correction) of the one-step
    /// residuals `y − fitted`, or of the relative `(y − fitted)/fitted` with
    /// multiplicative seasonality.
    pub sigma: f64,
    /// Number of observations fitted.
    pub n: usize,
}

/// Why a model could not be fitted.
#[derive(Debug, Clone, PartialEq)]
pub enum HwError {
    /// Seasonal models need two full seasons (`2·season`); others 3 with a trend, else 2.
    TooShort { needed: usize, have: usize },
    /// Multiplicative seasonality needs every value > 0.
    NotPositive,
    /// NaN or infinity in the data.
    NotFinite,
    /// The caller's stop flag was set during the fit ([`fit_until`]).
    Stopped,
}

impl fmt::Display for HwError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            // Only seasonal models need 4 or more periods, always twice the season.
            HwError::TooShort { needed, have } if needed >= 4 && needed % 2 == 0 => write!(
                f,
                "Holt-Winters with a season of {} needs at least {needed} periods to learn \
                 from; there are {have}.",
                needed / 2
            ),
            HwError::TooShort { needed, have } => write!(
                f,
                "Holt-Winters needs at least {needed} periods to learn from; there are {have}."
            ),
            HwError::Stopped => f.write_str("Holt-Winters was stopped."),
            HwError::NotPositive => f.write_str(
                "Multiplicative seasonality needs every value above zero; use additive \
                 seasonality instead.",
            ),
            HwError::NotFinite => f.write_str(
                "The series has missing or infinite values; fill or remove them before \
                 forecasting.",
            ),
        }
    }
}

impl std::error::Error for HwError {}

const PHI_MIN: f64 = 0.8;
const PHI_MAX: f64 = 0.995;

/// Smoothing weights and starting level/trend (starting seasonals live in a buffer).
#[derive(Clone, Copy)]
struct Params {
    alpha: f64,
    beta: f64,
    gamma: f64,
    phi: f64,
    l0: f64,
    b0: f64,
}

/// Decodes the optimiser vector `[a, b?, g?, f?, l0, b0?, s_0..s_{m−2}]`, whose
/// weights are fractions of their ranges (clamped to [0, 1]: `beta = a·b`,
/// `gamma = (1 − alpha)·g`), and writes the normalised starting seasonals to
/// `seas`. `None` if infeasible (multiplicative with a state ≤ 0).
fn decode(sp: HwSpec, th: &[f64], seas: &mut [f64]) -> Option<Params> {
    let mut it = th.iter().map(|v| v.clamp(0.0, 1.0));
    let alpha = it.next().unwrap_or(0.0);
    let beta = if sp.has_trend() {
        alpha * it.next().unwrap_or(0.0)
    } else {
        0.0
    };
    let gamma = if sp.has_season() {
        (1.0 - alpha) * it.next().unwrap_or(0.0)
    } else {
        0.0
    };
    let phi = match sp.trend {
        Trend::Damped => PHI_MIN + (PHI_MAX - PHI_MIN) * it.next().unwrap_or(1.0),
        _ => 1.0,
    };
    let k = sp.n_weights();
    let (l0, b0) = (th[k], if sp.has_trend() { th[k + 1] } else { 0.0 });
    let (m, first) = (seas.len(), k + 1 + usize::from(sp.has_trend()));
    seas[..m - 1].copy_from_slice(&th[first..]);
    let rest: f64 = seas[..m - 1].iter().sum();
    seas[m - 1] = match sp.seasonal {
        Seasonal::None => 0.0,
        Seasonal::Additive => -rest,
        Seasonal::Multiplicative => m as f64 - rest,
    };
    let bad =
        sp.seasonal == Seasonal::Multiplicative && (l0 <= 0.0 || seas.iter().any(|&s| s <= 0.0));
    (!bad).then_some(Params {
        alpha,
        beta,
        gamma,
        phi,
        l0,
        b0,
    })
}

/// Runs the recursions over `y`, writing one-step predictions into `fitted`.
/// `s` holds the starting seasonals (`s[i]` is used for `y[i]`) and is updated
/// in place as a ring buffer. Returns (SSE, final level, final trend).
/// Non-seasonal models pass `s = [0.0]` with `gamma = 0`, so `s` stays 0.
fn filter(y: &[f64], sp: HwSpec, p: &Params, s: &mut [f64], fitted: &mut [f64]) -> (f64, f64, f64) {
    let (mut l, mut b, mut sse, mut j) = (p.l0, p.b0, 0.0, 0);
    let mult = sp.seasonal == Seasonal::Multiplicative;
    for (&yt, out) in y.iter().zip(fitted.iter_mut()) {
        let (lb, st) = (l + p.phi * b, s[j]);
        let (yhat, l_new, s_new) = if mult {
            let l_new = p.alpha * yt / st + (1.0 - p.alpha) * lb;
            (lb * st, l_new, p.gamma * yt / lb + (1.0 - p.gamma) * st)
        } else {
            let l_new = p.alpha * (yt - st) + (1.0 - p.alpha) * lb;
            (lb + st, l_new, p.gamma * (yt - lb) + (1.0 - p.gamma) * st)
        };
        *out = yhat;
        sse += (yt - yhat) * (yt - yhat);
        b = p.beta * (l_new - l) + (1.0 - p.beta) * p.phi * b;
        (l, s[j]) = (l_new, s_new);
        j = if j + 1 == s.len() { 0 } else { j + 1 };
    }
    (if sse.is_finite() { sse } else { f64::INFINITY }, l, b)
}

/// SSE at optimiser vector `th` (infinite if infeasible); predictions go to `out`.
fn sse_at(y: &[f64], sp: HwSpec, th: &[f64], seas: &mut [f64], out: &mut [f64]) -> f64 {
    decode(sp, th, seas).map_or(f64::INFINITY, |p| filter(y, sp, &p, seas, out).0)
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Solves `a·x = b` for a symmetric positive definite row-major `p×p` matrix
/// by Cholesky, in place (`x` into `b`); false if `a` is not positive definite.
fn cholesky_solve(a: &mut [f64], b: &mut [f64], p: usize) -> bool {
    for j in 0..p {
        for i in j..p {
            let v = a[i * p + j] - dot(&a[i * p..i * p + j], &a[j * p..j * p + j]);
            if i > j {
                a[i * p + j] = v / a[j * p + j];
            } else if v > 0.0 && v.is_finite() {
                a[j * p + j] = v.sqrt();
            } else {
                return false;
            }
        }
    }
    for i in 0..p {
        b[i] = (b[i] - dot(&a[i * p..i * p + i], &b[..i])) / a[i * p + i];
    }
    for i in (0..p).rev() {
        let v: f64 = (i + 1..p).map(|k| a[k * p + i] * b[k]).sum();
        b[i] = (b[i] - v) / a[i * p + i];
    }
    true
}

/// Levenberg–Marquardt on the one-step errors with a forward-difference
/// Jacobian of the predictions. Weights (the first `k` entries of `th`) stay in
/// [0, 1]: steps are clamped, and a weight on a bound whose gradient points
/// outward is frozen for that iteration (the active-set idea of L-BFGS-B).
/// `typ` is a typical magnitude per entry (sets the difference step). Runs at
/// most `iters` iterations, updates `th` and returns its SSE. Buffers are
/// allocated once per call, never per SSE evaluation.
fn levenberg_marquardt(
    y: &[f64],
    sp: HwSpec,
    th: &mut [f64],
    typ: &[f64],
    iters: usize,
    stop: &dyn Fn() -> bool,
) -> f64 {
    let (n, p, k) = (y.len(), th.len(), sp.n_weights());
    let (mut seas, mut trial) = (vec![0.0; sp.m()], th.to_vec());
    let (mut base, mut tbuf, mut jac) = (vec![0.0; n], vec![0.0; n], vec![0.0; n * p]);
    let (mut a, mut mat, mut g, mut d) = (
        vec![0.0; p * p],
        vec![0.0; p * p],
        vec![0.0; p],
        vec![0.0; p],
    );
    let (mut f, mut lambda) = (sse_at(y, sp, th, &mut seas, &mut base), 1e-3);
    for _ in 0..iters {
        if stop() {
            break;
        }
        for (i, col) in jac.chunks_exact_mut(n).enumerate() {
            let h = match i < k {
                true if th[i] > 0.5 => -1e-7, // weights step inwards
                true => 1e-7,
                false => 1e-7 * th[i].abs().max(typ[i]),
            };
            trial.copy_from_slice(th);
            trial[i] += h;
            let ok = sse_at(y, sp, &trial, &mut seas, col).is_finite();
            col.iter_mut()
                .zip(&base)
                .for_each(|(c, b)| *c = if ok { (*c - b) / h } else { 0.0 });
        }
        // Normal equations A·d = g with A = JᵀJ, g = Jᵀ(y − ŷ); −2g is the SSE gradient.
        tbuf.iter_mut()
            .zip(y.iter().zip(&base))
            .for_each(|(r, (y, b))| *r = y - b);
        for i in 0..p {
            g[i] = dot(&jac[i * n..(i + 1) * n], &tbuf);
            for j in 0..=i {
                let v = dot(&jac[i * n..(i + 1) * n], &jac[j * n..(j + 1) * n]);
                (a[i * p + j], a[j * p + i]) = (v, v);
            }
        }
        let floor = 1e-12 * (0..p).map(|i| a[i * p + i]).fold(0.0, f64::max) + 1e-300;
        let mut gain = None;
        for _ in 0..20 {
            mat.copy_from_slice(&a);
            d.copy_from_slice(&g);
            for i in 0..p {
                mat[i * p + i] += lambda * a[i * p + i].max(floor);
                if i < k && ((th[i] <= 0.0 && g[i] < 0.0) || (th[i] >= 1.0 && g[i] > 0.0)) {
                    (0..p).for_each(|j| (mat[i * p + j], mat[j * p + i]) = (0.0, 0.0));
                    (mat[i * p + i], d[i]) = (1.0, 0.0);
                }
            }
            if cholesky_solve(&mut mat, &mut d, p) {
                for (i, (t, (x, dx))) in trial.iter_mut().zip(th.iter().zip(&d)).enumerate() {
                    *t = if i < k {
                        (x + dx).clamp(0.0, 1.0)
                    } else {
                        x + dx
                    };
                }
                let ft = sse_at(y, sp, &trial, &mut seas, &mut tbuf);
                if ft < f {
                    (gain, f, lambda) = (Some((f - ft) / f), ft, (lambda / 3.0).max(1e-12));
                    th.copy_from_slice(&trial);
                    std::mem::swap(&mut base, &mut tbuf);
                    break;
                }
            }
            lambda *= 4.0;
        }
        if gain.is_none_or(|r| r < 1e-10) {
            break;
        }
    }
    f
}

/// Starting states: level = mean of the first season, trend = mean of
/// `(y[m+i] − y[i])/m` over it, seasonals = first season minus (or divided by)
/// that level. Without a season: level = `y[0]`, trend = `y[1] − y[0]`.
fn heuristic(y: &[f64], sp: HwSpec) -> (f64, f64, Vec<f64>) {
    let (m, mult) = (sp.m(), sp.seasonal == Seasonal::Multiplicative);
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let (l, b) = match sp.has_season() {
        true => (
            mean(&y[..m]),
            (mean(&y[m..2 * m]) - mean(&y[..m])) / m as f64,
        ),
        false => (y[0], y[1] - y[0]),
    };
    let s = y[..m].iter().map(|&v| if mult { v / l } else { v - l });
    let s = if sp.has_season() {
        s.collect()
    } else {
        vec![0.0]
    };
    (l, if sp.has_trend() { b } else { 0.0 }, s)
}

/// Fits the model to `y` (oldest first) by minimising the one-step SSE over the
/// smoothing weights and the starting states; see the module docs.
pub fn fit(y: &[f64], spec: HwSpec) -> Result<HoltWinters, HwError> {
    fit_until(y, spec, &|| false)
}

/// [`fit`] that checks `stop` before every optimiser iteration and returns
/// [`HwError::Stopped`] once it is true (long seasons make fits take seconds).
pub fn fit_until(y: &[f64], spec: HwSpec, stop: &dyn Fn() -> bool) -> Result<HoltWinters, HwError> {
    if y.iter().any(|v| !v.is_finite()) {
        return Err(HwError::NotFinite);
    }
    let mut sp = spec;
    if sp.season < 2 {
        sp.seasonal = Seasonal::None; // documented on `HwSpec`
    }
    let (m, k, mult) = (
        sp.m(),
        sp.n_weights(),
        sp.seasonal == Seasonal::Multiplicative,
    );
    let (needed, have) = match (sp.has_season(), sp.has_trend()) {
        (true, _) => (2 * m, y.len()),
        (false, trend) => (2 + usize::from(trend), y.len()),
    };
    if have < needed {
        return Err(HwError::TooShort { needed, have });
    }
    if mult && y.iter().any(|&v| v <= 0.0) {
        return Err(HwError::NotPositive);
    }

    // Optimiser vector (see `decode`) and a typical magnitude of each entry.
    let n = y.len() as f64;
    let mean = y.iter().sum::<f64>() / n;
    let sd = (y.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n).sqrt();
    let scale = if sd > 0.0 { sd } else { mean.abs().max(1.0) };
    let (l0, b0, s0) = heuristic(y, sp);
    let mut x0 = vec![0.5; k];
    if sp.trend == Trend::Damped {
        x0[k - 1] = (0.99 - PHI_MIN) / (PHI_MAX - PHI_MIN); // statsmodels starts at 0.99
    }
    x0.push(l0);
    x0.extend(sp.has_trend().then_some(b0));
    x0.extend_from_slice(&s0[..m - 1]);
    let mut typ = vec![1e-3 * scale; x0.len()];
    typ[..k].fill(1.0);
    if mult {
        typ[x0.len() + 1 - m..].fill(1e-3);
    }

    // Grid over the free weights (alpha, beta, gamma) from the heuristic states.
    const GRID: [f64; 7] = [0.02, 0.1, 0.25, 0.5, 0.75, 0.9, 0.98];
    let free = 1 + usize::from(sp.has_trend()) + usize::from(sp.has_season());
    let (mut seas, mut buf) = (vec![0.0; m], vec![0.0; y.len()]);
    let mut grid: Vec<(f64, Vec<f64>)> = (0..GRID.len().pow(free as u32))
        .map(|code| {
            let mut th = x0.clone();
            th.iter_mut().take(free).enumerate().for_each(|(i, v)| {
                *v = GRID[code / GRID.len().pow(i as u32) % GRID.len()];
            });
            (sse_at(y, sp, &th, &mut seas, &mut buf), th)
        })
        .collect();
    grid.sort_by(|a, b| a.0.total_cmp(&b.0));

    // Multi-start: 6 LM iterations from 8 distinct grid points, finish the best 2.
    let mut runs: Vec<(f64, Vec<f64>, Vec<f64>)> = Vec::new();
    for (_, mut th) in grid {
        let w = th[..free].to_vec();
        let near =
            |r: &(f64, Vec<f64>, Vec<f64>)| r.2.iter().zip(&w).all(|(a, b)| (a - b).abs() < 0.2);
        if !runs.iter().any(near) {
            runs.push((levenberg_marquardt(y, sp, &mut th, &typ, 6, stop), th, w));
        }
        if runs.len() == 8 {
            break;
        }
    }
    runs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut best = (f64::INFINITY, x0);
    for (_, mut th, _) in runs.into_iter().take(2) {
        let f = levenberg_marquardt(y, sp, &mut th, &typ, 200, stop);
        if f < best.0 {
            best = (f, th);
        }
    }

    if stop() {
        return Err(HwError::Stopped);
    }
    // Infeasible only for non-positive data, already rejected above.
    let p = decode(sp, &best.1, &mut seas).ok_or(HwError::NotPositive)?;
    let mut fitted = vec![0.0; y.len()];
    let (sse, level, trend) = filter(y, sp, &p, &mut seas, &mut fitted);
    let rel = |v: f64, f: f64| if mult { (v - f) / f } else { v - f };
    let sq: f64 = y
        .iter()
        .zip(&fitted)
        .map(|(&v, &f)| rel(v, f).powi(2))
        .sum();
    let seasonals = match sp.has_season() {
        true => (0..m).map(|i| seas[(y.len() + i) % m]).collect(),
        false => Vec::new(),
    };
    let (alpha, beta, gamma, phi) = (p.alpha, p.beta, p.gamma, p.phi);
    let sigma = (sq / n).sqrt();
    Ok(HoltWinters {
        spec: sp,
        alpha,
        beta,
        gamma,
        phi,
        level,
        trend,
        seasonals,
        fitted,
        sse,
        sigma,
        n: y.len(),
    })
}

impl HoltWinters {
    /// Point forecasts for the `h` periods after the data:
    /// `l + (φ + … + φ^k)·b`, plus or times the seasonal state for step `k`.
    pub fn forecast(&self, h: usize) -> Vec<f64> {
        let (mut damp, mut steps) = (1.0, 0.0);
        (0..h)
            .map(|i| {
                damp *= self.phi;
                steps += damp;
                let base = self.level + steps * self.trend;
                match (self.spec.seasonal, self.seasonals.len()) {
                    (_, 0) | (Seasonal::None, _) => base,
                    (Seasonal::Additive, m) => base + self.seasonals[i % m],
                    (Seasonal::Multiplicative, m) => base * self.seasonals[i % m],
                }
            })
            .collect()
    }

    /// `(lower, upper)` for steps 1..=h around [`Self::forecast`]; `z = 1.96`
    /// gives ~95 %. Additive-error variance of Hyndman et al., *Forecasting
    /// with Exponential Smoothing* (2008, ch. 6, class 1; matches statsmodels'
    /// `ETSModel`): `var_h = σ²[1 + Σ_{j=1}^{h−1} c_j²]` with
    /// `c_j = α(1 + β·φ_j) + γ·[j mod m = 0]`, `φ_j = φ + … + φ^j` (`j` when
    /// undamped; `α·β` is the ETS trend weight). Multiplicative seasonality
    /// applies the same multiplier to the *relative* sigma,
    /// `forecast·(1 ± z·σ·√(var_h/σ²))`, an approximation rather than the exact
    /// class-3 formula. The lower bound is not clipped at zero.
    pub fn interval(&self, h: usize, z: f64) -> Vec<(f64, f64)> {
        let m = self.seasonals.len();
        let (mut var, mut damp, mut phi_j) = (1.0, 1.0, 0.0);
        let fc = self.forecast(h);
        (fc.into_iter().enumerate())
            .map(|(j, f)| {
                if j > 0 {
                    damp *= self.phi;
                    phi_j += damp;
                    let seasonal = if m > 0 && j % m == 0 { self.gamma } else { 0.0 };
                    var += (self.alpha * (1.0 + self.beta * phi_j) + seasonal).powi(2);
                }
                let w = z * self.sigma * var.sqrt();
                match self.spec.seasonal {
                    Seasonal::Multiplicative => (f - f.abs() * w, f + f.abs() * w),
                    _ => (f - w, f + w),
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests;
