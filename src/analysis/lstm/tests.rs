//! Tests of the LSTM forecaster.
use super::*;

fn seasonal(n: usize, trend: f64) -> Vec<f64> {
    let wave = |t: f64| 20.0 * (2.0 * std::f64::consts::PI * t / 12.0).sin();
    (0..n)
        .map(|t| 100.0 + trend * t as f64 + wave(t as f64))
        .collect()
}

fn quick(epochs: usize, seed: u64, f: impl FnOnce(&mut LstmSettings)) -> LstmSettings {
    let mut s = LstmSettings::default();
    (s.epochs, s.seed, s.hidden) = (epochs, seed, 16);
    f(&mut s);
    s
}

fn run(y: &[f64], s: &LstmSettings, k: usize) -> Result<LstmModel, LstmError> {
    train(y, s, k, 0, 1, &AtomicBool::new(false), &mut |_| {})
}

fn bits(v: &[f64]) -> Vec<u64> {
    v.iter().map(|x| x.to_bits()).collect()
}

fn finite(v: &[f64]) -> bool {
    v.iter().all(|x| x.is_finite())
}

#[test]
fn same_seed_reproduces_also_in_parallel_threads() {
    fn assert_send<T: Send + Sync + 'static>() {}
    assert_send::<LstmModel>();
    let y = seasonal(40, 1.0);
    let fit = |seed| {
        let m = run(&y, &quick(8, seed, |_| {}), 0).expect("trains");
        (bits(&m.train_losses), bits(&m.forecast(&y, 6)))
    };
    let a = fit(42);
    assert_eq!(a, fit(42));
    let (c, d) = std::thread::scope(|s| {
        let (c, d) = (s.spawn(|| fit(42)), s.spawn(|| fit(42)));
        (c.join().expect("thread"), d.join().expect("thread"))
    });
    assert_eq!((&a, &a), (&c, &d));
    let other = fit(7);
    assert!(a.0 != other.0 && a.1 != other.1);
}

#[test]
fn loss_falls_on_sine_with_trend_also_stacked() {
    let y = seasonal(60, 0.5);
    for layers in [1, 3] {
        let m = run(&y, &quick(60, 42, |s| s.layers = layers), 0).expect("trains");
        let (first, last) = (m.train_losses[0], m.train_losses[59]);
        println!("{layers} layer(s): first loss {first:.4}, last {last:.4}");
        assert!(last < first / 5.0, "first {first} last {last}");
        assert!(m.val_losses.iter().all(Option::is_some));
    }
}

#[test]
fn learns_a_seasonal_pattern() {
    let y = seasonal(108, 0.0);
    let (history, future) = y.split_at(96);
    let m = run(history, &quick(120, 42, |s| s.hidden = 32), 0).expect("trains");
    let f = m.forecast(history, 12);
    let errors = f.iter().zip(future).map(|(a, b)| (a - b).abs());
    let (mae, sd) = (errors.sum::<f64>() / 12.0, Scale::fit(history).sd);
    println!(
        "seasonal MAE {mae:.3}, series sd {sd:.3}, best epoch {}",
        m.best_epoch
    );
    assert!(mae < 0.35 * sd, "MAE {mae} sd {sd}");
}

#[test]
fn stop_before_and_after_the_first_epoch() {
    let (y, s) = (seasonal(40, 1.0), quick(20, 42, |_| {}));
    let stop = AtomicBool::new(true);
    let m = train(&y, &s, 0, 0, 1, &stop, &mut |_| panic!("no epoch")).expect("trains");
    assert!(m.stopped && finite(&m.forecast(&y, 3)) && m.train_losses.is_empty());
    assert_eq!((m.epochs_run, m.best_epoch), (0, 0));
    stop.store(false, Ordering::Relaxed);
    let mut flag = |_: &EpochReport| stop.store(true, Ordering::Relaxed);
    let m = train(&y, &s, 0, 0, 1, &stop, &mut flag).expect("trains");
    assert!(m.stopped && finite(&m.forecast(&y, 5)) && m.train_losses.len() == 1);
    assert_eq!((m.epochs_run, m.best_epoch), (1, 1));
}

#[test]
fn previews_every_n_epochs_and_at_the_last() {
    let y = seasonal(40, 1.0);
    let mut got = Vec::new();
    let mut log = |r: &EpochReport| {
        assert!(r.epochs == 7 && r.best_epoch >= 1 && r.best_epoch <= r.epoch);
        if let Some(p) = &r.preview {
            assert!(p.len() == 4 && finite(p));
            got.push(r.epoch);
        }
    };
    let stop = AtomicBool::new(false);
    let m = train(&y, &quick(7, 1, |_| {}), 0, 4, 3, &stop, &mut log);
    assert!(m.is_ok_and(|m| !m.stopped && m.epochs_run == 7));
    assert_eq!(got, vec![3, 6, 7]);
}

#[test]
fn direct_strategy_forecasts_beyond_its_head() {
    let y = seasonal(48, 0.5);
    let s = quick(40, 3, |s| s.strategy = Strategy::Direct);
    let m = run(&y, &s, 4).expect("trains");
    assert!(m.train_losses[39] < m.train_losses[0] / 5.0);
    let f = m.forecast(&y, 10);
    assert!(f.len() == 10 && finite(&f));
    assert_eq!(bits(&f[..4]), bits(&m.forecast(&y, 4)));
    assert_eq!(m.forecast(&y[..3], 2).len(), 2); // short history: padded
    assert!(m.forecast(&[], 2).len() == 2 && m.forecast(&y, 0).is_empty());
}

#[test]
fn validation_needs_8_windows_and_minibatches_reproduce() {
    let y = seasonal(20, 1.0); // 20 points, window 12: 8 windows; 19: 7
    let m = run(&y[..19], &quick(3, 42, |_| {}), 0).expect("trains");
    assert!(m.val_losses.iter().all(Option::is_none));
    let m = run(&y, &quick(3, 42, |_| {}), 0).expect("trains");
    assert!(m.val_losses.iter().all(Option::is_some));
    let long = seasonal(640, 0.1); // 628 windows, 534 for training: minibatches
    let s = quick(2, 5, |s| (s.window, s.hidden) = (6, 8));
    let losses = || bits(&run(&long, &s, 0).expect("trains").train_losses);
    let a = losses();
    assert!(a.len() == 2 && a == losses());
}

#[test]
fn errors() {
    let y = seasonal(40, 1.0);
    let bad = |f: fn(&mut LstmSettings)| {
        matches!(run(&y, &quick(3, 1, f), 0), Err(LstmError::Settings(_)))
    };
    assert!(bad(|s| s.window = 0) && bad(|s| s.hidden = 0) && bad(|s| s.epochs = 0));
    assert!(bad(|s| s.layers = 0) && bad(|s| s.layers = 4));
    assert!(bad(|s| s.learning_rate = 0.0) && bad(|s| s.learning_rate = f64::NAN));
    assert!(bad(|s| s.strategy = Strategy::Direct)); // with direct_steps 0
    let stop = AtomicBool::new(false);
    let every0 = train(&y, &quick(3, 1, |_| {}), 0, 1, 0, &stop, &mut |_| {});
    assert!(matches!(every0, Err(LstmError::Settings(_))));
    let mut nan = y.clone();
    nan[5] = f64::INFINITY;
    assert_eq!(
        run(&nan, &quick(3, 1, |_| {}), 0).err(),
        Some(LstmError::NotFinite)
    );
    let short = |needed, have| Some(LstmError::TooShort { needed, have });
    let (rec, direct) = (
        quick(3, 1, |_| {}),
        quick(3, 1, |s| s.strategy = Strategy::Direct),
    );
    let e = run(&y[..13], &rec, 0).err();
    assert_eq!(e, short(14, 13));
    assert!(e.is_some_and(|e| e.to_string().contains("at least 14 periods")));
    assert!(run(&y[..14], &rec, 0).is_ok());
    assert_eq!(run(&y[..20], &direct, 8).err(), short(21, 20));
    assert!(run(&y[..21], &direct, 8).is_ok());
    assert_eq!(
        Strategy::Recursive.label().to_owned() + Strategy::Direct.label(),
        "recursivedirect"
    );
}
