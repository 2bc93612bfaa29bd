//! How long "measuring what drives the score" takes next to the models' own training: the six
//! classifiers on the bundled 5,000-row customers sample, as the Predict tab trains them.
//!
//!     cargo run --release --example drivers_timing [-- FILE]

use std::time::Instant;

use marketlens::analysis::classify::{ClassifyParams, classify};
use marketlens::analysis::drivers::{measure_drivers, permutation_importance};
use marketlens::analysis::models::ModelKind;
use marketlens::data::load_path;
use marketlens::jobs::Reporter;

const FEATURES: [&str; 10] = [
    "age",
    "tenure_months",
    "recency_days",
    "frequency",
    "monetary",
    "visits",
    "discount_use",
    "gender",
    "city_tier",
    "channel",
];

fn main() {
    let file = std::env::args().nth(1).unwrap_or_else(|| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/assets/samples/customers.csv").to_owned()
    });
    let ds = match load_path(std::path::Path::new(&file)) {
        Ok(ds) => ds,
        Err(e) => {
            eprintln!("{e}");
            return;
        }
    };
    let params = |importance| ClassifyParams {
        target: "churn".into(),
        features: FEATURES.iter().map(|s| (*s).to_owned()).collect(),
        models: ModelKind::ALL.to_vec(),
        importance,
        ..ClassifyParams::default()
    };
    println!("{} rows, 6 models", ds.rows());
    for importance in [false, true] {
        let started = Instant::now();
        let result = match classify(&ds.df, &params(importance), &Reporter::silent()) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("{e}");
                return;
            }
        };
        let wall = started.elapsed().as_secs_f64();
        let train: f64 = result.models.iter().map(|m| m.train_seconds).sum();
        println!(
            "importance {importance:5}: wall {wall:6.2} s, models' own training {train:6.2} s"
        );
        for m in &result.models {
            println!(
                "    {:<24} train {:6.2} s, {} drivers",
                m.kind.label(),
                m.train_seconds,
                m.drivers.len()
            );
        }
        if !importance {
            // the window: results first, then the drivers job on them
            let models: Vec<_> = result
                .models
                .iter()
                .map(|m| (m.kind, m.importance.clone()))
                .collect();
            let order: Vec<usize> = (0..models.len()).collect();
            let started = Instant::now();
            match measure_drivers(&models, &order, &Reporter::silent()) {
                Ok(all) => {
                    let drivers = started.elapsed().as_secs_f64();
                    println!(
                        "window: results {wall:6.2} s + drivers job {drivers:6.2} s = {:6.2} s \
                         ({:.2}x the models' own training)",
                        wall + drivers,
                        (wall + drivers) / train
                    );
                    for (m, d) in result.models.iter().zip(&all) {
                        let timed = Instant::now();
                        let one = m.importance.as_ref().map(|input| {
                            permutation_importance(input, &|| false, &|_| {}).map(|d| d.len())
                        });
                        println!(
                            "    {:<24} drivers {:6.2} s alone, {} columns, repeats {:?}",
                            m.kind.label(),
                            timed.elapsed().as_secs_f64(),
                            d.len(),
                            d.iter().map(|d| d.repeats).collect::<Vec<_>>()
                        );
                        drop(one);
                    }
                }
                Err(e) => eprintln!("{e}"),
            }
        }
    }
}
