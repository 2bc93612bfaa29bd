//! L2-regularised logistic regression fitted by our own L-BFGS.
//!
//! linfa-logistic drives argmin without a per-iteration hook, so it can neither stream the
//! loss to the live chart nor stop within 200 ms when cancelled; restarting it in chunks would
//! throw away the L-BFGS memory each time. The objective is scikit-learn's
//! (`LogisticRegression(penalty="l2", C)` with sample weights): the weighted mean log loss plus
//! ‖w‖² / (2·C·Σweights), intercept not penalised, so the optimum is the same.

use ndarray::{ArrayView1, ArrayView2, Axis, Slice};
use serde::{Deserialize, Serialize};

/// Settings of a logistic regression fit.
#[derive(Clone, Debug, PartialEq)]
pub struct LogisticParams {
    /// Inverse regularisation strength (scikit-learn's C): smaller means simpler models.
    pub c: f64,
    pub max_iter: usize,
    /// Stop when the largest gradient component falls below this (scikit-learn's tol).
    pub tol: f64,
}

impl Default for LogisticParams {
    fn default() -> Self {
        Self {
            c: 1.0,
            max_iter: 100,
            tol: 1e-4,
        }
    }
}

/// A fitted model: P(positive) = σ(x·coef + intercept).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LogisticModel {
    pub coef: Vec<f64>,
    pub intercept: f64,
    pub iterations: usize,
    pub converged: bool,
}

/// One L-BFGS iteration, as the live chart sees it.
pub struct LogisticStep<'a> {
    pub iteration: usize,
    /// The objective: weighted mean log loss plus the penalty.
    pub loss: f64,
    pub coef: &'a [f64],
    pub intercept: f64,
}

/// The logistic function 1 / (1 + e^-z), without overflow.
pub(crate) fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

/// ln(1 + e^z) without overflow.
fn softplus(z: f64) -> f64 {
    if z > 0.0 {
        z + (-z).exp().ln_1p()
    } else {
        z.exp().ln_1p()
    }
}

impl LogisticModel {
    pub fn decision(&self, row: ArrayView1<f64>) -> f64 {
        row.iter().zip(&self.coef).map(|(a, b)| a * b).sum::<f64>() + self.intercept
    }

    /// Probability of the positive class for each row.
    pub fn predict_proba(&self, x: ArrayView2<f64>) -> Vec<f64> {
        predict(x, &self.coef, self.intercept)
    }
}

/// σ(x·w + b) for each row (one thread: `Fitted::predict_proba` spreads blocks of rows over
/// the cores).
pub fn predict(x: ArrayView2<f64>, w: &[f64], b: f64) -> Vec<f64> {
    x.rows()
        .into_iter()
        .map(|row| sigmoid(row.iter().zip(w).map(|(a, c)| a * c).sum::<f64>() + b))
        .collect()
}

fn chunk_rows(n: usize) -> usize {
    let threads = std::thread::available_parallelism().map_or(1, |t| t.get());
    // small inputs are not worth a thread each
    n.div_ceil(threads).max(20_000)
}

/// The objective and its gradient (length d + 1, the intercept last).
struct Problem<'a> {
    x: ArrayView2<'a, f64>,
    y: &'a [bool],
    weights: &'a [f64],
    weight_sum: f64,
    /// 1 / (C · Σweights)
    l2: f64,
}

impl Problem<'_> {
    fn value_and_gradient(&self, params: &[f64], grad: &mut [f64]) -> f64 {
        let d = self.x.ncols();
        let (w, b) = (&params[..d], params[d]);
        let n = self.x.nrows();
        let chunk = chunk_rows(n);
        let parts: Vec<(f64, Vec<f64>)> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..n.div_ceil(chunk))
                .map(|i| {
                    let range = i * chunk..((i + 1) * chunk).min(n);
                    let rows = self.x.slice_axis(Axis(0), Slice::from(range.clone()));
                    let y = &self.y[range.clone()];
                    let sw = &self.weights[range];
                    s.spawn(move || {
                        let mut g = vec![0.0; d + 1];
                        let mut loss = 0.0;
                        for ((row, &yi), &wi) in rows.rows().into_iter().zip(y).zip(sw) {
                            let z = row.iter().zip(w).map(|(a, c)| a * c).sum::<f64>() + b;
                            let t = if yi { 1.0 } else { 0.0 };
                            loss += wi * (softplus(z) - t * z);
                            let r = wi * (sigmoid(z) - t);
                            for (gj, xj) in g.iter_mut().zip(row) {
                                *gj += r * xj;
                            }
                            g[d] += r;
                        }
                        (loss, g)
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join()
                        .unwrap_or_else(|_| (f64::NAN, vec![f64::NAN; d + 1]))
                })
                .collect()
        });
        grad.iter_mut().for_each(|g| *g = 0.0);
        let mut loss = 0.0;
        for (l, g) in parts {
            loss += l;
            for (a, b) in grad.iter_mut().zip(g) {
                *a += b;
            }
        }
        let scale = 1.0 / self.weight_sum;
        grad.iter_mut().for_each(|g| *g *= scale);
        let mut penalty = 0.0;
        for j in 0..d {
            penalty += w[j] * w[j];
            grad[j] += self.l2 * w[j];
        }
        loss * scale + 0.5 * self.l2 * penalty
    }
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(p, q)| p * q).sum()
}

/// Fit by L-BFGS (10 corrections, backtracking line search with the Armijo condition).
/// `on_iter` sees every iteration; an error from it stops the fit and is returned.
pub fn fit_logistic<E>(
    x: ArrayView2<f64>,
    y: &[bool],
    weights: &[f64],
    params: &LogisticParams,
    on_iter: &mut dyn FnMut(&LogisticStep) -> Result<(), E>,
) -> Result<LogisticModel, E> {
    let d = x.ncols();
    let weight_sum: f64 = weights.iter().sum();
    let problem = Problem {
        // a shorter borrow of the view, so that it can share a lifetime with y and weights
        x: x.view(),
        y,
        weights,
        weight_sum: if weight_sum > 0.0 { weight_sum } else { 1.0 },
        l2: 1.0 / (params.c.max(1e-12) * weight_sum.max(1e-12)),
    };
    const MEMORY: usize = 10;
    let mut theta = vec![0.0; d + 1];
    let mut grad = vec![0.0; d + 1];
    let mut loss = problem.value_and_gradient(&theta, &mut grad);
    let mut history: std::collections::VecDeque<(Vec<f64>, Vec<f64>, f64)> =
        std::collections::VecDeque::with_capacity(MEMORY);
    let mut converged = false;
    let mut iterations = 0;
    let mut new_theta = vec![0.0; d + 1];
    let mut new_grad = vec![0.0; d + 1];
    on_iter(&LogisticStep {
        iteration: 0,
        loss,
        coef: &theta[..d],
        intercept: theta[d],
    })?;
    while iterations < params.max_iter {
        if grad.iter().fold(0.0f64, |m, g| m.max(g.abs())) <= params.tol {
            converged = true;
            break;
        }
        // two-loop recursion: direction = −H·grad
        let mut q = grad.clone();
        let mut alphas = Vec::with_capacity(history.len());
        for (s, yv, rho) in history.iter().rev() {
            let a = rho * dot(s, &q);
            q.iter_mut().zip(yv).for_each(|(qi, yi)| *qi -= a * yi);
            alphas.push(a);
        }
        if let Some((s, yv, _)) = history.back() {
            let gamma = dot(s, yv) / dot(yv, yv);
            q.iter_mut().for_each(|qi| *qi *= gamma);
        } else {
            // first step: a unit-length move along the steepest descent
            let norm = dot(&grad, &grad).sqrt().max(1e-12);
            q.iter_mut().for_each(|qi| *qi /= norm.max(1.0));
        }
        for ((s, yv, rho), a) in history.iter().zip(alphas.iter().rev()) {
            let b = rho * dot(yv, &q);
            q.iter_mut().zip(s).for_each(|(qi, si)| *qi += (a - b) * si);
        }
        let mut direction: Vec<f64> = q.iter().map(|v| -v).collect();
        let mut slope = dot(&grad, &direction);
        if slope >= 0.0 {
            // not a descent direction (numerical trouble): restart from steepest descent
            history.clear();
            direction = grad.iter().map(|g| -g).collect();
            slope = -dot(&grad, &grad);
        }
        let mut step = 1.0;
        let mut new_loss;
        let mut accepted = false;
        for _ in 0..40 {
            for j in 0..=d {
                new_theta[j] = theta[j] + step * direction[j];
            }
            new_loss = problem.value_and_gradient(&new_theta, &mut new_grad);
            if new_loss.is_finite() && new_loss <= loss + 1e-4 * step * slope {
                accepted = true;
                let s: Vec<f64> = new_theta.iter().zip(&theta).map(|(a, b)| a - b).collect();
                let yv: Vec<f64> = new_grad.iter().zip(&grad).map(|(a, b)| a - b).collect();
                let sy = dot(&s, &yv);
                if sy > 1e-12 * dot(&yv, &yv).max(1e-300) {
                    if history.len() == MEMORY {
                        history.pop_front();
                    }
                    history.push_back((s, yv, 1.0 / sy));
                }
                let decrease = loss - new_loss;
                std::mem::swap(&mut theta, &mut new_theta);
                std::mem::swap(&mut grad, &mut new_grad);
                loss = new_loss;
                iterations += 1;
                on_iter(&LogisticStep {
                    iteration: iterations,
                    loss,
                    coef: &theta[..d],
                    intercept: theta[d],
                })?;
                if decrease.abs() <= 1e-15 * loss.abs().max(1.0) {
                    converged = true;
                }
                break;
            }
            step *= 0.5;
        }
        if !accepted || converged {
            // no step decreases the loss: we are at the optimum to machine precision
            converged = converged || grad.iter().fold(0.0f64, |m, g| m.max(g.abs())) <= 1e-6;
            break;
        }
    }
    Ok(LogisticModel {
        coef: theta[..d].to_vec(),
        intercept: theta[d],
        iterations,
        converged,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    fn fit(x: ArrayView2<f64>, y: &[bool], c: f64) -> LogisticModel {
        let params = LogisticParams {
            c,
            tol: 1e-10,
            max_iter: 500,
        };
        let w = vec![1.0; y.len()];
        fit_logistic::<()>(x, y, &w, &params, &mut |_| Ok(())).expect("fit")
    }

    #[test]
    fn matches_scikit_learn_coefficients() {
        // tests/reference/logistic_reference.py: LogisticRegression(C=1.0) and C=0.1
        let x = array![
            [0.5, 1.2],
            [1.5, -0.3],
            [-0.7, 0.8],
            [2.2, 1.1],
            [-1.3, -1.5],
            [0.1, 0.4],
            [1.8, 2.0],
            [-0.4, -0.9],
            [0.9, -1.2],
            [-2.0, 0.3],
        ];
        let y = [
            true, true, false, true, false, false, true, false, true, false,
        ];
        let m = fit(x.view(), &y, 1.0);
        assert!(m.converged);
        for (a, b) in m.coef.iter().zip(SKLEARN_COEF_C1) {
            assert!(
                (a - b).abs() < 1e-6,
                "{:?} vs {:?}",
                m.coef,
                SKLEARN_COEF_C1
            );
        }
        assert!((m.intercept - SKLEARN_INTERCEPT_C1).abs() < 1e-6);
        let m = fit(x.view(), &y, 0.1);
        for (a, b) in m.coef.iter().zip(SKLEARN_COEF_C01) {
            assert!(
                (a - b).abs() < 1e-6,
                "{:?} vs {:?}",
                m.coef,
                SKLEARN_COEF_C01
            );
        }
        assert!((m.intercept - SKLEARN_INTERCEPT_C01).abs() < 1e-6);
    }

    #[test]
    fn perfect_separation_stays_finite_and_reports_every_iteration() {
        let x = array![[-2.0], [-1.0], [1.0], [2.0]];
        let y = [false, false, true, true];
        let mut seen = Vec::new();
        let params = LogisticParams::default();
        let m = fit_logistic::<()>(x.view(), &y, &[1.0; 4], &params, &mut |s| {
            seen.push(s.loss);
            Ok(())
        })
        .expect("fit");
        assert!(m.coef[0].is_finite() && m.coef[0] > 0.5);
        assert_eq!(seen.len(), m.iterations + 1);
        assert!(seen.windows(2).all(|w| w[1] <= w[0]), "{seen:?}");
        let p = m.predict_proba(x.view());
        assert!(p[0] < 0.5 && p[3] > 0.5);
    }

    #[test]
    fn stops_when_told() {
        let x = array![[-2.0], [-1.0], [1.0], [2.0]];
        let y = [false, true, false, true];
        let params = LogisticParams::default();
        let r = fit_logistic(x.view(), &y, &[1.0; 4], &params, &mut |s| {
            if s.iteration >= 1 {
                Err("stop")
            } else {
                Ok(())
            }
        });
        assert_eq!(r.err(), Some("stop"));
    }

    // filled in from tests/reference/logistic_reference.py
    const SKLEARN_COEF_C1: [f64; 2] = [1.3995764598092806, 0.1741367357737053];
    const SKLEARN_INTERCEPT_C1: f64 = -0.4211511315977981;
    const SKLEARN_COEF_C01: [f64; 2] = [0.38797731884674325, 0.10284027516493248];
    const SKLEARN_INTERCEPT_C01: f64 = -0.12060714053847335;
}
