//! How fast does training stop when the user presses Cancel?
//!
//! Loads a CSV given as the first argument or `MARKETLENS_BENCH_FILE` (e.g. 1,000,000 rows from
//! `marketlens-samples customers --rows 1000000 --out F`), starts `classify` for each model on
//! a background job exactly as the Predict tab does, cancels it after a delay, and reports the
//! time from `cancel()` to the job's end. (The window itself lets go of a cancelled job at
//! once; this is how long its thread keeps a core busy.)
//!
//! Run: `cargo bench --bench cancel -- /tmp/marketlens-bench/customers_1000000.csv`

use std::time::{Duration, Instant};

use marketlens::analysis::classify::{ClassifyParams, classify};
use marketlens::analysis::models::ModelKind;
use marketlens::data::load_path;
use marketlens::jobs::{self, JobError, Outcome};

const FEATURES: [&str; 10] = [
    "age",
    "gender",
    "city_tier",
    "tenure_months",
    "recency_days",
    "frequency",
    "monetary",
    "visits",
    "discount_use",
    "channel",
];

fn main() {
    let file = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .or_else(|| std::env::var("MARKETLENS_BENCH_FILE").ok());
    let Some(file) = file else {
        eprintln!("usage: cargo bench --bench cancel -- FILE.csv");
        return;
    };
    let ds = match load_path(std::path::Path::new(&file)) {
        Ok(ds) => ds,
        Err(e) => {
            eprintln!("{e}");
            return;
        }
    };
    println!("{} rows", ds.rows());
    for kind in ModelKind::ALL {
        for delay_ms in [300u64, 1500] {
            let params = ClassifyParams {
                target: "churn".into(),
                features: FEATURES.iter().map(|s| s.to_string()).collect(),
                models: vec![kind],
                ..ClassifyParams::default()
            };
            let df = ds.df.clone();
            let job = jobs::spawn(
                "bench classify",
                || {},
                move |r| classify(&df, &params, r).map_err(JobError::from),
            );
            std::thread::sleep(Duration::from_millis(delay_ms));
            let asked = Instant::now();
            job.cancel();
            let outcome = job.wait();
            let took = asked.elapsed();
            let how = match outcome {
                Outcome::Cancelled => "cancelled",
                Outcome::Done(_) => "had already finished",
                Outcome::Failed(_) => "failed",
                Outcome::Panicked(_) => "panicked",
            };
            println!(
                "{:<24} cancel after {delay_ms:>5} ms: stopped in {:>7.1} ms ({how})",
                kind.label(),
                took.as_secs_f64() * 1e3,
            );
        }
    }
}
