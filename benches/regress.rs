//! Regression speed on the design matrix of a CSV, against statsmodels and scikit-learn
//! (benches/regress_peer.py builds the same design from the same file):
//!   - least squares with standard errors and p-values (raw design, one reference category
//!     dropped per text column);
//!   - ridge (α = 10) and lasso (α = 1) on the standardized design, converged to 1e-10;
//!   - lasso with the penalty chosen by 5-fold cross-validation over 20 penalties;
//!   - k-nearest neighbours (k = 5): fit on 70 % of the rows, predict the other 30 %.
//!
//! Best of 10 runs each. Run: `cargo bench --bench regress -- FILE.csv TARGET a,b,c`

use std::time::Instant;

use marketlens::analysis::regress_explain::drop_reference_categories;
use marketlens::analysis::regress_fit::{
    choose_penalty, fit_knn, fit_ols, fit_penalised, penalty_grid,
};
use marketlens::data::prep::{PrepOptions, apply, fit_transform_until};
use ndarray::{Array2, Axis};

fn best_of(runs: usize, mut work: impl FnMut()) -> f64 {
    (0..runs)
        .map(|_| {
            let t = Instant::now();
            work();
            t.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

fn design(
    df: &polars::prelude::DataFrame,
    features: &[String],
    standardize: bool,
    drop_reference: bool,
) -> Array2<f64> {
    let options = PrepOptions {
        standardize,
        log_columns: Vec::new(),
    };
    let mut transform = fit_transform_until(df, features, &options, &|| false).expect("design");
    if drop_reference {
        drop_reference_categories(&mut transform);
    }
    apply(df, &transform).expect("apply").0
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let [file, target, features] = args.as_slice() else {
        eprintln!("usage: cargo bench --bench regress -- FILE.csv TARGET a,b,c");
        return;
    };
    let ds = match marketlens::data::load_path(std::path::Path::new(file)) {
        Ok(ds) => ds,
        Err(e) => {
            eprintln!("{e}");
            return;
        }
    };
    let features: Vec<String> = features.split(',').map(str::to_owned).collect();
    let y: Vec<f64> = ds
        .df
        .column(target)
        .expect("target")
        .cast(&polars::prelude::DataType::Float64)
        .expect("numbers")
        .f64()
        .expect("numbers")
        .iter()
        .map(|v| v.unwrap_or(f64::NAN))
        .collect();
    let raw = design(&ds.df, &features, false, true);
    let std = design(&ds.df, &features, true, true);
    println!(
        "{file}: {} rows, {} design columns",
        raw.nrows(),
        raw.ncols()
    );
    let t = best_of(10, || {
        fit_ols(raw.view(), &y).expect("ols");
    });
    println!("ours least squares (+ SE, t, p): {:.2} ms", t * 1e3);
    let t = best_of(10, || {
        fit_penalised(std.view(), &y, 10.0, 0.0).expect("ridge");
    });
    println!("ours ridge alpha 10: {:.2} ms", t * 1e3);
    let t = best_of(10, || {
        fit_penalised(std.view(), &y, 1.0, 1.0).expect("lasso");
    });
    println!("ours lasso alpha 1: {:.2} ms", t * 1e3);
    let grid = penalty_grid(std.view(), &y, 1.0, 20);
    let mut chosen = 0.0;
    let t = best_of(3, || {
        chosen = choose_penalty(std.view(), &y, 1.0, &grid, 5, 42, &mut |_, _| Ok(()))
            .expect("cv")
            .alpha;
    });
    println!(
        "ours lasso, penalty by 5-fold CV over 20: {:.1} ms (alpha {chosen:.4}, best of 3)",
        t * 1e3
    );
    let n_train = std.nrows() * 7 / 10;
    let train = std.select(Axis(0), &(0..n_train).collect::<Vec<_>>());
    let test = std.select(Axis(0), &(n_train..std.nrows()).collect::<Vec<_>>());
    let t = best_of(10, || {
        let m = fit_knn(train.view(), &y[..n_train], 5);
        m.predict(test.view()).expect("knn");
    });
    println!(
        "ours k-NN (k 5): fit {n_train} rows, predict {}: {:.1} ms",
        test.nrows(),
        t * 1e3
    );
}
