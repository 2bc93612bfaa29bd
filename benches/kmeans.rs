//! K-Means speed on a CSV of numbers, against scikit-learn (benches/kmeans_peer.py runs the
//! same file). Standardizes every column as `marketlens segment` does, then k = 5 with one
//! k-means++ start, best of RUNS:
//!   - the k-means++ start, the Lloyd iterations (time per iteration = their time divided by
//!     their number, and the median of single iterations), the whole fit, the inertia.
//!
//! Run:
//!   cargo bench --bench kmeans -- generate FILE.csv ROWS COLUMNS [SEED]   (5 real clusters)
//!   cargo bench --bench kmeans -- FILE.csv [RUNS] [SEED]

use std::fmt::Write as _;
use std::io::Write as _;
use std::time::Instant;

use marketlens::analysis::clustering::blocks::Rows;
use marketlens::analysis::clustering::kmeans::{kmeans_plus_plus, tolerance};
use marketlens::analysis::clustering::lloyd::lloyd;
use marketlens::analysis::segment::{SegmentParams, kmeans};
use marketlens::data::prep::{PrepOptions, fit_design};
use marketlens::jobs::{CancelToken, Reporter};
use rand_xoshiro::Xoshiro256Plus;
use rand_xoshiro::rand_core::{RngCore, SeedableRng};

const K: usize = 5;

fn uniform(rng: &mut Xoshiro256Plus) -> f64 {
    (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// A standard normal draw (Box–Muller).
fn normal(rng: &mut Xoshiro256Plus) -> f64 {
    let u = uniform(rng).max(f64::MIN_POSITIVE);
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * uniform(rng)).cos()
}

/// ROWS × COLUMNS numbers from 5 overlapping clusters (centres uniform in ±1.5, unit-variance noise,
/// cluster shares 10–30 %), standardized per column, written with 6 decimals.
fn generate(path: &str, rows: usize, cols: usize, seed: u64) -> std::io::Result<()> {
    let mut rng = Xoshiro256Plus::seed_from_u64(seed);
    let centres: Vec<Vec<f64>> = (0..K)
        .map(|_| (0..cols).map(|_| 3.0 * uniform(&mut rng) - 1.5).collect())
        .collect();
    let shares = [0.1, 0.15, 0.2, 0.25, 0.3];
    let mut x = vec![0.0; rows * cols];
    for row in x.chunks_exact_mut(cols) {
        let u = uniform(&mut rng);
        let mut acc = 0.0;
        let c = shares
            .iter()
            .position(|s| {
                acc += s;
                u < acc
            })
            .unwrap_or(K - 1);
        for (v, m) in row.iter_mut().zip(&centres[c]) {
            *v = m + normal(&mut rng);
        }
    }
    for j in 0..cols {
        let mean = x.iter().skip(j).step_by(cols).sum::<f64>() / rows as f64;
        let var = x
            .iter()
            .skip(j)
            .step_by(cols)
            .map(|v| (v - mean) * (v - mean))
            .sum::<f64>()
            / rows as f64;
        let sd = var.sqrt();
        for v in x.iter_mut().skip(j).step_by(cols) {
            *v = (*v - mean) / sd;
        }
    }
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    let header: Vec<String> = (1..=cols).map(|j| format!("x{j}")).collect();
    writeln!(out, "{}", header.join(","))?;
    let mut line = String::new();
    for row in x.chunks_exact(cols) {
        line.clear();
        for (j, v) in row.iter().enumerate() {
            let sep = if j == 0 { "" } else { "," };
            let _ = write!(line, "{sep}{v:.6}");
        }
        writeln!(out, "{line}")?;
    }
    out.flush()
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    if args.first().map(String::as_str) == Some("generate") {
        let [_, path, rows, cols, rest @ ..] = args.as_slice() else {
            eprintln!("usage: cargo bench --bench kmeans -- generate FILE.csv ROWS COLUMNS [SEED]");
            return;
        };
        let seed = rest.first().and_then(|s| s.parse().ok()).unwrap_or(2024);
        let (Ok(rows), Ok(cols)) = (rows.parse(), cols.parse()) else {
            eprintln!("ROWS and COLUMNS are numbers");
            return;
        };
        match generate(path, rows, cols, seed) {
            Ok(()) => {
                println!("wrote {path}: {rows} rows x {cols} columns, 5 clusters, seed {seed}")
            }
            Err(e) => eprintln!("{path}: {e}"),
        }
        return;
    }
    let Some(file) = args.first() else {
        eprintln!("usage: cargo bench --bench kmeans -- FILE.csv [RUNS] [SEED]");
        return;
    };
    let runs: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(3);
    let seed: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(42);
    let t = Instant::now();
    let ds = match marketlens::data::load_path(std::path::Path::new(file)) {
        Ok(ds) => ds,
        Err(e) => {
            eprintln!("{e}");
            return;
        }
    };
    let features: Vec<String> = ds.columns.iter().map(|c| c.name.clone()).collect();
    let options = PrepOptions {
        standardize: true,
        log_columns: Vec::new(),
    };
    let design = fit_design(&ds.df, &features, &options).expect("numeric columns");
    let load = t.elapsed().as_secs_f64();
    let x = design.x.view();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "{file}: {} rows x {} columns (load + standardize {load:.2} s); k = {K}, {threads} threads, \
         best of {runs}",
        x.nrows(),
        x.ncols()
    );
    let cancel = CancelToken::new();
    let mut best = [f64::INFINITY; 4];
    let (mut iterations, mut inertia, mut single, mut settling) = (0, 0.0, Vec::new(), 0);
    for _ in 0..runs {
        // the same steps as `kmeans` with one start, timed one by one
        let t = Instant::now();
        let rows = Rows::new(x);
        let tol = tolerance(&rows, &cancel).expect("runs");
        // the first start's generator, as `kmeans` derives it from the seed
        let mut rng = Xoshiro256Plus::seed_from_u64(Xoshiro256Plus::seed_from_u64(seed).next_u64());
        let start = kmeans_plus_plus(&rows, K, &mut rng, &cancel).expect("runs");
        let t_start = t.elapsed().as_secs_f64();
        let mut marks = vec![Instant::now()];
        let min_shift = SegmentParams::default().tolerance;
        let fit = lloyd(
            &rows,
            start,
            (300, tol, min_shift),
            &cancel,
            &mut |_, _, _| {
                marks.push(Instant::now());
            },
        )
        .expect("runs");
        let t_lloyd = t.elapsed().as_secs_f64() - t_start;
        iterations = fit.history.len();
        settling = fit.settling;
        inertia = fit.inertia;
        single = marks
            .windows(2)
            .map(|w| (w[1] - w[0]).as_secs_f64())
            .collect();
        // the library's entry point, one start
        let params = SegmentParams {
            k: K,
            n_init: 1,
            seed,
            ..SegmentParams::default()
        };
        let t = Instant::now();
        let whole = kmeans(x, &params, K, &Reporter::silent()).expect("fits");
        let t_whole = t.elapsed().as_secs_f64();
        assert_eq!(whole.history.len(), iterations);
        for (b, v) in best
            .iter_mut()
            .zip([t_start, t_lloyd, t_lloyd / iterations as f64, t_whole])
        {
            *b = b.min(v);
        }
    }
    single.sort_by(f64::total_cmp);
    let median = single.get(single.len() / 2).copied().unwrap_or(0.0);
    println!("ours tolerance + k-means++ start: {:.1} ms", best[0] * 1e3);
    println!(
        "ours Lloyd: {iterations} iterations (+ {settling} settling passes) in {:.1} ms = {:.2} ms \
         per iteration (median single iteration {:.2} ms, last run)",
        best[1] * 1e3,
        best[2] * 1e3,
        median * 1e3
    );
    println!(
        "ours kmeans(n_init 1) whole fit: {:.1} ms, inertia {inertia:.6}",
        best[3] * 1e3
    );
}
