//! LSTM time-series forecaster on burn's pure-Rust CPU backend (`flex`).
//!
//! The series is standardised with the training part's mean and population sd, cut into
//! sliding windows of `window` values, and a stack of 1-3 LSTM layers plus a linear head is
//! trained with Adam on the MSE. The newest ~15 % of the windows are held back for validation
//! (when there are at least 8 windows) and the weights with the lowest validation loss (or
//! training loss, without validation) are kept. Training is reproducible for a given seed:
//! weight initialisation is guarded by a process-wide lock because burn's RNG is global, and
//! minibatch shuffling uses our own seeded SplitMix64.

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};

use burn::module::{ModuleVisitor, Param};
use burn::nn::loss::{MseLoss, Reduction};
use burn::nn::{Linear, LinearConfig, Lstm, LstmConfig};
use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer};
use burn::prelude::*;

/// Share of the windows held back for validation (the newest); needs at least 8 windows.
const VAL_SHARE: f64 = 0.15;
const MIN_WINDOWS_FOR_VAL: usize = 8;
/// More training windows than this: shuffled minibatches of `BATCH` instead of a full batch.
const FULL_BATCH_MAX: usize = 512;
const BATCH: usize = 64;

/// burn's RNG is process-global: seeding and weight initialisation must not interleave
/// between two trainings running in parallel.
static INIT_LOCK: Mutex<()> = Mutex::new(());

/// How multi-step forecasts are made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strategy {
    /// One-step head; each forecast is fed back as input for the next step.
    Recursive,
    /// The head outputs `direct_steps` values at once; longer forecasts feed whole blocks back.
    Direct,
}

impl Strategy {
    pub fn label(self) -> &'static str {
        match self {
            Self::Recursive => "recursive",
            Self::Direct => "direct",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct LstmSettings {
    /// Input length in periods.
    pub window: usize,
    /// Hidden units per LSTM layer.
    pub hidden: usize,
    /// Stacked LSTM layers (1..=3).
    pub layers: usize,
    pub epochs: usize,
    /// Adam learning rate.
    pub learning_rate: f64,
    pub seed: u64,
    pub strategy: Strategy,
}

impl Default for LstmSettings {
    fn default() -> Self {
        Self {
            window: 12,
            hidden: 32,
            layers: 1,
            epochs: 200,
            learning_rate: 0.01,
            seed: 42,
            strategy: Strategy::Recursive,
        }
    }
}

/// One epoch's report.
#[derive(Clone, Debug)]
pub struct EpochReport {
    /// 1-based.
    pub epoch: usize,
    pub epochs: usize,
    /// MSE on the scaled training windows (mean over the epoch's batches).
    pub train_loss: f64,
    /// MSE on the scaled validation windows after this epoch; None without validation.
    pub val_loss: Option<f64>,
    /// Epoch of the model kept so far.
    pub best_epoch: usize,
    /// Every `preview_every` epochs and at the last epoch: the current model's forecast of
    /// `preview_steps` values after the end of the training series (original units).
    pub preview: Option<Vec<f64>>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum LstmError {
    TooShort { needed: usize, have: usize },
    NotFinite,
    Settings(String),
}

impl fmt::Display for LstmError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooShort { needed, have } => write!(
                f,
                "The LSTM needs at least {needed} periods to learn from with these settings (the \
                 window, plus the periods it predicts at once, plus one); there are {have}. Use a \
                 shorter window, fewer direct steps or a longer history."
            ),
            Self::NotFinite => write!(
                f,
                "The LSTM ran into values that are not numbers: either the series has blank or \
                 infinite values (fill them first), or training became unstable (try a lower \
                 learning rate)."
            ),
            Self::Settings(why) => write!(f, "The LSTM settings are not usable: {why}."),
        }
    }
}

impl std::error::Error for LstmError {}

/// Stacked LSTM + linear head on the last layer's final hidden state.
#[derive(Module, Debug)]
struct Net {
    first: Lstm,
    rest: Vec<Lstm>,
    head: Linear,
}

impl Net {
    fn new(s: &LstmSettings, outputs: usize, device: &Device) -> Self {
        Self {
            first: LstmConfig::new(1, s.hidden, true).init(device),
            rest: (1..s.layers)
                .map(|_| LstmConfig::new(s.hidden, s.hidden, true).init(device))
                .collect(),
            head: LinearConfig::new(s.hidden, outputs).init(device),
        }
    }

    /// `x`: `[batch, window, 1]` → `[batch, outputs]`.
    fn forward(&self, x: Tensor<3>) -> Tensor<2> {
        let (mut seq, mut state) = self.first.forward(x, None);
        for layer in &self.rest {
            (seq, state) = layer.forward(seq, None);
        }
        self.head.forward(state.hidden)
    }
}

/// burn initialises parameters lazily; touching each one forces the random draw now (under
/// the lock) instead of at the first forward pass.
struct Materialize;

impl ModuleVisitor for Materialize {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        let _ = param.val();
    }
}

#[derive(Clone, Copy, Debug)]
struct Scale {
    mean: f64,
    sd: f64,
}

impl Scale {
    fn fit(y: &[f64]) -> Self {
        let n = y.len().max(1) as f64;
        let mean = y.iter().sum::<f64>() / n;
        let sd = (y.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n).sqrt();
        let sd = if sd > 0.0 && sd.is_finite() { sd } else { 1.0 };
        Self { mean, sd }
    }

    /// Non-finite values map to the mean (0).
    fn to_model(self, v: f64) -> f32 {
        Some(v)
            .filter(|v| v.is_finite())
            .map_or(0.0, |v| ((v - self.mean) / self.sd) as f32)
    }

    fn to_original(self, z: f32) -> f64 {
        f64::from(z) * self.sd + self.mean
    }
}

/// A trained forecaster (the kept weights plus the scaling). `Send + Sync` (checked in tests).
#[derive(Clone, Debug)]
pub struct LstmModel {
    net: Net,
    scale: Scale,
    window: usize,
    /// Epochs completed (less than `settings.epochs` if stopped).
    pub epochs_run: usize,
    /// The epoch whose weights were kept (0: the untrained initial weights).
    pub best_epoch: usize,
    /// True if `stop` ended training early (or it diverged).
    pub stopped: bool,
    /// True if the loss became infinite or NaN after some good epochs (learning rate too
    /// high); the best weights before that are kept.
    pub diverged: bool,
    pub train_losses: Vec<f64>,
    pub val_losses: Vec<Option<f64>>,
}

impl LstmModel {
    /// Forecast `steps` values after the end of `history` (original units). Only the last
    /// `window` values of `history` are used, so it can be longer than the training series
    /// (e.g. training + holdout actuals). A shorter history is padded at the front with its
    /// first value (the training mean if empty); non-finite values count as the training mean.
    pub fn forecast(&self, history: &[f64], steps: usize) -> Vec<f64> {
        forecast_net(&self.net, self.scale, self.window, history, steps)
    }
}

fn forecast_net(net: &Net, scale: Scale, window: usize, history: &[f64], steps: usize) -> Vec<f64> {
    let device = Device::flex();
    let tail = &history[history.len().saturating_sub(window)..];
    let pad = tail.first().map_or(0.0, |&v| scale.to_model(v));
    let mut buf: Vec<f32> = vec![pad; window - tail.len()];
    buf.extend(tail.iter().map(|&v| scale.to_model(v)));
    let mut out = Vec::with_capacity(steps);
    while out.len() < steps {
        let input = buf[buf.len() - window..].to_vec();
        let x = Tensor::<3>::from_data(TensorData::new(input, [1, window, 1]), &device);
        let pred = to_vec(net.forward(x));
        if pred.is_empty() {
            break;
        }
        for z in pred {
            if out.len() < steps {
                out.push(scale.to_original(z));
            }
            buf.push(z);
        }
    }
    out.resize(steps, f64::NAN);
    out
}

fn to_vec<const D: usize>(t: Tensor<D>) -> Vec<f32> {
    t.try_into_data()
        .ok()
        .and_then(|d| d.try_into_vec::<f32>().ok())
        .unwrap_or_default()
}

/// Sliding windows over the scaled series `z`: row `r` is `z[r..r + window]` → the next
/// `outputs` values.
struct Windows {
    z: Vec<f32>,
    window: usize,
    outputs: usize,
}

type Batch = (Tensor<3>, Tensor<2>);

impl Windows {
    fn tensors(&self, rows: &[usize], device: &Device) -> Batch {
        let (w, k, n) = (self.window, self.outputs, rows.len());
        let gather = |a, b| -> Vec<f32> {
            rows.iter()
                .flat_map(|&r| &self.z[r + a..r + b])
                .copied()
                .collect()
        };
        let x = TensorData::new(gather(0, w), [n, w, 1]);
        let y = TensorData::new(gather(w, w + k), [n, k]);
        (Tensor::from_data(x, device), Tensor::from_data(y, device))
    }
}

/// Fisher-Yates shuffle driven by SplitMix64 (our own seeded RNG; burn's is global).
fn shuffle(state: &mut u64, v: &mut [usize]) {
    for i in (1..v.len()).rev() {
        *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = (*state ^ (*state >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        v.swap(i, ((z ^ (z >> 31)) % (i as u64 + 1)) as usize);
    }
}

fn check_settings(s: &LstmSettings, k: usize, every: usize) -> Result<(), LstmError> {
    let problem = if s.window == 0 {
        "the window must be at least 1 period"
    } else if s.hidden == 0 {
        "the number of hidden units must be at least 1"
    } else if !(1..=3).contains(&s.layers) {
        "the number of layers must be 1, 2 or 3"
    } else if s.epochs == 0 {
        "the number of epochs must be at least 1"
    } else if !(s.learning_rate > 0.0 && s.learning_rate.is_finite()) {
        "the learning rate must be a positive number"
    } else if s.strategy == Strategy::Direct && k == 0 {
        "the direct strategy must predict at least 1 step at once"
    } else if every == 0 {
        "previews must come at least every 1 epoch"
    } else {
        return Ok(());
    };
    Err(LstmError::Settings(problem.to_string()))
}

fn mse(net: &Net, (x, y): Batch) -> Tensor<1> {
    MseLoss::new().forward(net.forward(x), y, Reduction::Mean)
}

fn scalar(t: Tensor<1>) -> f64 {
    t.try_into_scalar::<f32>().map_or(f64::NAN, f64::from)
}

/// One optimiser step on a batch; returns the updated model and the batch loss before the step.
fn step(model: Net, optim: &mut ModuleOptimizer, lr: f64, batch: Batch) -> (Net, f64) {
    let loss = mse(&model, batch);
    let value = scalar(loss.clone());
    let grads = GradientsParams::from_grads(loss.backward(), &model);
    (optim.step(lr, model, grads), value)
}

/// Train on `train` (original units). See the module docs for the method.
///
/// `direct_steps`: outputs of the Direct head (ignored for Recursive). `stop` is checked
/// before every epoch (so also after each one): when set, the best model so far is returned
/// with `stopped = true` (the untrained model with `epochs_run` 0 if no epoch ran).
pub fn train(
    train: &[f64],
    settings: &LstmSettings,
    direct_steps: usize,
    preview_steps: usize,
    preview_every: usize,
    stop: &AtomicBool,
    on_epoch: &mut dyn FnMut(&EpochReport),
) -> Result<LstmModel, LstmError> {
    check_settings(settings, direct_steps, preview_every)?;
    if train.iter().any(|v| !v.is_finite()) {
        return Err(LstmError::NotFinite);
    }
    let outputs = match settings.strategy {
        Strategy::Recursive => 1,
        Strategy::Direct => direct_steps,
    };
    // The window, the predicted values, and one more so that there are two training windows.
    let needed = settings.window + outputs + 1;
    let have = train.len();
    if have < needed {
        return Err(LstmError::TooShort { needed, have });
    }

    let scale = Scale::fit(train);
    let (z, window) = (
        train.iter().map(|&v| scale.to_model(v)).collect(),
        settings.window,
    );
    let windows = Windows { z, window, outputs };
    let total = have + 1 - settings.window - outputs;
    let n_val = if total >= MIN_WINDOWS_FOR_VAL {
        ((total as f64 * VAL_SHARE).round() as usize).max(1)
    } else {
        0
    };
    let n_train = total - n_val;
    let train_rows: Vec<usize> = (0..n_train).collect();
    let val_rows: Vec<usize> = (n_train..total).collect();

    let device = Device::flex().autodiff();
    let plain = Device::flex();
    let mut model = {
        let _guard = INIT_LOCK.lock().unwrap_or_else(PoisonError::into_inner);
        device.seed(settings.seed);
        let net = Net::new(settings, outputs, &device);
        net.visit(&mut Materialize);
        net
    };
    let mut optim = AdamConfig::new().init();
    let full_batch = (n_train <= FULL_BATCH_MAX).then(|| windows.tensors(&train_rows, &device));
    // Model selection: on the validation windows, or the training windows without validation.
    let select = windows.tensors(if n_val > 0 { &val_rows } else { &train_rows }, &plain);
    let mut rng = settings.seed ^ 0x5EED_1234_ABCD_0001;
    let mut order = train_rows.clone();

    let mut result = LstmModel {
        net: model.valid(),
        scale,
        window,
        epochs_run: 0,
        best_epoch: 0,
        stopped: false,
        diverged: false,
        train_losses: Vec::new(),
        val_losses: Vec::new(),
    };
    let mut best_score = f64::INFINITY;
    let lr = settings.learning_rate;

    for epoch in 1..=settings.epochs {
        if stop.load(Ordering::Relaxed) {
            result.stopped = true;
            break;
        }
        let train_loss = if let Some(batch) = &full_batch {
            let (next, loss) = step(model, &mut optim, lr, batch.clone());
            model = next;
            loss
        } else {
            shuffle(&mut rng, &mut order);
            let mut sum = 0.0;
            let mut seen = 0;
            for rows in order.chunks(BATCH) {
                // a long epoch of minibatches still answers Stop within one batch
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let batch = windows.tensors(rows, &device);
                let (next, loss) = step(model, &mut optim, lr, batch);
                model = next;
                sum += loss * rows.len() as f64;
                seen += rows.len();
            }
            if seen < n_train {
                // stopped part-way: this epoch does not count
                result.stopped = true;
                break;
            }
            sum / n_train as f64
        };
        let current = model.valid();
        let score = scalar(mse(&current, select.clone()));
        if !train_loss.is_finite() || !score.is_finite() {
            if result.epochs_run == 0 {
                return Err(LstmError::NotFinite);
            }
            // training diverged (learning rate too high): keep the best weights so far
            result.stopped = true;
            result.diverged = true;
            break;
        }
        let val_loss = (n_val > 0).then_some(score);
        if score < best_score {
            best_score = score;
            result.net = current.clone();
            result.best_epoch = epoch;
        }
        let due = epoch.is_multiple_of(preview_every) || epoch == settings.epochs;
        let preview = (preview_steps > 0 && due)
            .then(|| forecast_net(&current, scale, window, train, preview_steps));
        result.train_losses.push(train_loss);
        result.val_losses.push(val_loss);
        result.epochs_run = epoch;
        on_epoch(&EpochReport {
            epoch,
            epochs: settings.epochs,
            train_loss,
            val_loss,
            best_epoch: result.best_epoch,
            preview,
        });
    }
    Ok(result)
}

#[cfg(test)]
mod tests;
