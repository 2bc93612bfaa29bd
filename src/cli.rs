//! The command line: `marketlens <command> … [--json]`. Every command calls the same core as
//! the window. Errors go to stderr with a non-zero exit code.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use serde::Serialize;

use crate::data::{ColumnKind, ColumnProfile, Dataset, LoadTimings, load_path};

pub mod classify;
pub mod forecast;
pub mod outputs;
pub mod regress;
pub mod score;

#[derive(Parser, Debug)]
#[command(
    name = "marketlens",
    version,
    about = "Turn a customer or sales CSV into segments, churn predictions, forecasts and drivers.",
    long_about = "Without a command, opens the MarketLens window (optionally with FILE).\n\
                  With a command, runs it in the terminal; add --json for machine-readable output.",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// A CSV file to open in the window.
    pub file: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Load a CSV file and describe its columns: kind, missing values, distinct values, summary.
    Inspect(InspectArgs),
    /// Find customer segments with K-Means on the chosen columns.
    Segment(SegmentArgs),
    /// Predict a yes/no outcome (churn, response) and report AUC, precision, recall, gains.
    Classify(classify::ClassifyArgs),
    /// Forecast a series (sales per month…): compare methods on the last periods, write the
    /// forecast with a 95 % range.
    Forecast(forecast::ForecastArgs),
    /// Explain and predict a number (spend, sales) from its drivers: effects with 95 %
    /// ranges, RMSE, MAE, MAPE and R² on held-out rows.
    Regress(regress::RegressArgs),
    /// Apply a model saved with `--save-model` to a new file: the rows plus a `prediction`
    /// column, written to a new file.
    Score(score::ScoreArgs),
}

#[derive(Args, Debug)]
pub struct SegmentArgs {
    /// The CSV file.
    pub file: PathBuf,
    /// Feature columns, comma-separated (numeric ones are median-imputed and standardized,
    /// text ones one-hot encoded).
    #[arg(long, value_delimiter = ',', required = true)]
    pub features: Vec<String>,
    /// Number of segments.
    #[arg(long, default_value_t = 4)]
    pub k: usize,
    /// Algorithm: kmeans, gmm (Gaussian mixture) or hierarchical (Ward, on a 3,000-row
    /// sample for bigger files).
    #[arg(long, default_value = "kmeans")]
    pub algorithm: String,
    /// Random seed: the same file, settings and seed give the same segments.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Independent k-means++ starts; the best is kept.
    #[arg(long, default_value_t = 10)]
    pub inits: usize,
    /// Most Lloyd iterations per start.
    #[arg(long, default_value_t = 300)]
    pub max_iter: u64,
    /// Also fit every k in this range, e.g. 2..10 (for choosing k).
    #[arg(long, value_parser = parse_k_range)]
    pub k_range: Option<(usize, usize)>,
    /// Write the input rows plus a `segment` column (the segment's name) to this new CSV file.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Save the segments (transform, centres, names) for `marketlens score`.
    #[arg(long)]
    pub save_model: Option<PathBuf>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

fn parse_k_range(s: &str) -> Result<(usize, usize), String> {
    let (a, b) = s
        .split_once("..")
        .ok_or_else(|| format!("expected a range like 2..10, got \u{201c}{s}\u{201d}"))?;
    let a: usize = a
        .trim()
        .parse()
        .map_err(|_| format!("\u{201c}{a}\u{201d} is not a number"))?;
    let b: usize = b
        .trim()
        .trim_start_matches('=')
        .parse()
        .map_err(|_| format!("\u{201c}{b}\u{201d} is not a number"))?;
    if a < 2 || b < a || b > 50 {
        return Err("the range must be within 2..50, smallest first".to_owned());
    }
    Ok((a, b))
}

#[derive(Args, Debug)]
pub struct InspectArgs {
    /// The CSV file (delimiter , ; tab or | is detected).
    pub file: PathBuf,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// `rows` of `source` (every row when `None`) with all their columns plus `values` in a new
/// column `name` (`name_` when the file has its own), written atomically to `path`; refused
/// when `path` is one of `inputs`. The column's name is returned.
pub fn write_with_column(
    source: &polars::prelude::DataFrame,
    rows: Option<&[usize]>,
    name: &str,
    values: crate::model_file::ScoreValues,
    path: &std::path::Path,
    inputs: &[&std::path::Path],
    what: &str,
) -> Result<String, String> {
    use polars::prelude::{Column, IdxCa, IdxSize};
    let same = |a: &std::path::Path| match (std::fs::canonicalize(a), std::fs::canonicalize(path)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if inputs.iter().any(|i| same(i)) {
        return Err(format!(
            "{} is an input file; choose a new file for the {what}.",
            path.display()
        ));
    }
    let mut df = match rows {
        Some(rows) => {
            let idx = IdxCa::from_vec("rows".into(), rows.iter().map(|&r| r as IdxSize).collect());
            source.take(&idx).map_err(|e| e.to_string())?
        }
        None => source.clone(),
    };
    let mut column = name.to_owned();
    while df.column(&column).is_ok() {
        column.push('_');
    }
    let values = match values {
        crate::model_file::ScoreValues::Numbers(v) => Column::new(column.as_str().into(), v),
        crate::model_file::ScoreValues::Labels(v) => Column::new(column.as_str().into(), v),
    };
    df.with_column(values).map_err(|e| e.to_string())?;
    crate::data::save::write_csv_atomic(&mut df, path, inputs.first().copied())
        .map_err(|e| e.to_string())?;
    Ok(column)
}

/// Refuse to write `what` over the test file (the training file is refused by the writer).
pub fn refuse_inputs(
    path: &std::path::Path,
    test: Option<&std::path::Path>,
    what: &str,
) -> Result<(), String> {
    if let Some(input) = test
        && std::fs::canonicalize(input).ok() == std::fs::canonicalize(path).ok()
    {
        return Err(format!(
            "{} is an input file; choose a new file for the {what}.",
            path.display()
        ));
    }
    Ok(())
}

/// How `classify` and `regress` evaluate: on `--test`, by `--folds` k-fold
/// cross-validation, or on a held-out `--test-fraction`.
pub fn evaluation(
    test: Option<&crate::data::Dataset>,
    folds: Option<usize>,
    test_fraction: f64,
) -> Result<crate::analysis::classify::Evaluation, String> {
    use crate::analysis::classify::Evaluation;
    Ok(match (test, folds) {
        (Some(t), _) => Evaluation::TestFile {
            df: t.df.clone(),
            name: t.file_name.clone(),
        },
        (None, Some(k)) if (2..=20).contains(&k) => Evaluation::KFold { folds: k },
        (None, Some(_)) => return Err("--folds must be between 2 and 20".to_owned()),
        (None, None) if (0.05..=0.9).contains(&test_fraction) => Evaluation::Split {
            test_share: test_fraction,
        },
        (None, None) => return Err("--test-fraction must be between 0.05 and 0.9".to_owned()),
    })
}

/// Run a subcommand and return the process exit code.
pub fn run_command(command: Command) -> ExitCode {
    // Ctrl-C (or a closed terminal) removes the temporary file of a write under way.
    crate::data::save::remove_unfinished_on_interrupt();
    let to_stdout = match outputs::check(&command) {
        Ok(to_stdout) => to_stdout,
        Err(message) => {
            let _ = outputs::print(&format!("error: {message}"), true);
            return ExitCode::FAILURE;
        }
    };
    let result = match command {
        Command::Inspect(args) => inspect(&args),
        Command::Segment(args) => segment(&args),
        Command::Classify(args) => classify::run(&args),
        Command::Forecast(args) => forecast::run(&args),
        Command::Regress(args) => regress::run(&args),
        Command::Score(args) => score::run(&args),
    };
    match result {
        // with rows going to standard output, the summary goes to standard error
        Ok(text) => match outputs::print(&text, to_stdout) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                let _ = outputs::print(&format!("error: could not print the result: {e}"), true);
                ExitCode::FAILURE
            }
        },
        Err(message) => {
            let _ = outputs::print(&format!("error: {message}"), true);
            ExitCode::FAILURE
        }
    }
}

/// What `inspect --json` prints.
#[derive(Serialize)]
pub struct InspectReport<'a> {
    pub file: &'a str,
    pub rows: usize,
    pub columns: &'a [ColumnProfile],
    pub delimiter: &'a str,
    pub encoding: &'a str,
    pub notices: &'a [String],
    pub load_seconds: f64,
    pub load_timings: LoadTimings,
}

pub fn inspect_report(ds: &Dataset) -> InspectReport<'_> {
    InspectReport {
        file: &ds.file_name,
        rows: ds.rows(),
        columns: &ds.columns,
        delimiter: ds.delimiter,
        encoding: ds.encoding.label(),
        notices: &ds.notices,
        load_seconds: ds.load_seconds,
        load_timings: ds.timings,
    }
}

/// `marketlens inspect`: the text to print, or the error message.
pub fn inspect(args: &InspectArgs) -> Result<String, String> {
    let ds = load_path(&args.file).map_err(|e| e.to_string())?;
    if args.json {
        return serde_json::to_string(&inspect_report(&ds)).map_err(|e| e.to_string());
    }
    Ok(inspect_text(&ds))
}

/// What `segment --json` prints.
#[derive(Serialize)]
pub struct SegmentReport {
    pub file: String,
    pub rows: usize,
    pub k: usize,
    pub features: Vec<String>,
    /// Sum of squared distances to the segment centres, in the standardized space.
    pub inertia: f64,
    /// Mean silhouette (on a 3,000-row sample for bigger files).
    pub silhouette: Option<f64>,
    pub sizes: Vec<usize>,
    /// Segment centres in original units; categories as shares.
    pub centroids: Vec<serde_json::Map<String, serde_json::Value>>,
    pub k_scan: Vec<crate::analysis::segment::KScan>,
    pub seed: u64,
    pub iterations: usize,
    /// Suggested segment names, in segment order.
    pub names: Vec<String>,
    /// Per-segment means (numbers) or shares (categories) beside the overall value.
    pub profile: Vec<crate::analysis::profile::ProfileRow>,
}

/// `marketlens segment`: the text to print, or the error message.
pub fn segment(args: &SegmentArgs) -> Result<String, String> {
    use crate::analysis::segment::{Algorithm, SegmentParams, segment};
    let algorithm = match args.algorithm.as_str() {
        "kmeans" => Algorithm::KMeans,
        "gmm" => Algorithm::Gmm,
        "hierarchical" | "ward" => Algorithm::Ward,
        other => {
            return Err(format!(
                "the algorithm \u{201c}{other}\u{201d} is not available; use kmeans, gmm or \
                 hierarchical"
            ));
        }
    };
    let ds = load_path(&args.file).map_err(|e| e.to_string())?;
    let params = SegmentParams {
        features: args.features.iter().map(|f| f.trim().to_owned()).collect(),
        k: args.k,
        seed: args.seed,
        n_init: args.inits,
        max_iter: args.max_iter,
        algorithm,
        ..SegmentParams::default()
    };
    let result = segment(
        &ds.df,
        &params,
        args.k_range,
        &crate::jobs::Reporter::silent(),
    )
    .map_err(|e| format!("{}: {e}", ds.file_name))?;
    let report = SegmentReport {
        file: ds.file_name.clone(),
        rows: ds.rows(),
        k: params.k,
        features: params.features.clone(),
        inertia: result.fit.inertia,
        silhouette: result.silhouette,
        sizes: result.sizes.clone(),
        centroids: result
            .centroids
            .iter()
            .map(|c| {
                c.iter()
                    .map(|(f, v)| (f.clone(), serde_json::json!(v)))
                    .collect()
            })
            .collect(),
        k_scan: result.k_scan.clone(),
        seed: params.seed,
        iterations: result.fit.history.len(),
        names: result.names.clone(),
        profile: result.profile.clone(),
    };
    if let Some(out) = &args.out {
        let mut df =
            crate::analysis::segment::rows_with_segments(&ds.df, &result.fit.labels, &result.names)
                .map_err(|e| e.to_string())?;
        crate::data::save::write_csv_atomic(&mut df, out, Some(&args.file))
            .map_err(|e| e.to_string())?;
    }
    if let Some(path) = &args.save_model {
        let saved =
            crate::model_file::SavedSegments::from_result(&result, params.algorithm, &result.names);
        crate::model_file::ModelFile::new(
            &ds.file_name,
            crate::model_file::SavedModel::Segments(saved),
        )
        .save(path, Some(&args.file))
        .map_err(|e| e.to_string())?;
    }
    if args.json {
        return serde_json::to_string(&report).map_err(|e| e.to_string());
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}: {} segments of {} rows from {} (seed {})",
        report.file,
        report.k,
        thousands(report.rows),
        report.features.join(", "),
        report.seed
    );
    let _ = writeln!(
        out,
        "spread within segments (inertia, standardized): {:.2}; silhouette: {}",
        report.inertia,
        report
            .silhouette
            .map_or_else(|| "n/a".to_owned(), |s| format!("{s:.3}"))
    );
    for (i, (size, centre)) in report.sizes.iter().zip(&result.centroids).enumerate() {
        let centre = centre
            .iter()
            .map(|(f, v)| format!("{f} {}", short_number(*v)))
            .collect::<Vec<_>>()
            .join(", ");
        let _ = writeln!(
            out,
            "segment {} \u{201c}{}\u{201d}: {} rows ({:.1} %): {centre}",
            i + 1,
            report.names[i],
            thousands(*size),
            100.0 * *size as f64 / report.rows.max(1) as f64
        );
    }
    for s in &report.k_scan {
        let _ = writeln!(
            out,
            "k = {:>2}: inertia {:.2}, silhouette {}",
            s.k,
            s.inertia,
            s.silhouette
                .map_or_else(|| "n/a".to_owned(), |v| format!("{v:.3}"))
        );
    }
    Ok(out.trim_end().to_owned())
}

/// A number with thousands separators: 12,345.
pub fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A number for people: at most 4 significant digits after the point, no trailing zeros.
pub fn short_number(v: f64) -> String {
    if !v.is_finite() {
        return v.to_string();
    }
    if v == v.trunc() && v.abs() < 1e15 {
        return format!("{v:.0}");
    }
    let digits = if v.abs() >= 1000.0 {
        1
    } else if v.abs() >= 1.0 {
        2
    } else {
        // four significant digits for small numbers: 0.00004321 -> 0.00004321
        (3 - v.abs().log10().floor() as i64).clamp(4, 15) as usize
    };
    let s = format!("{v:.digits$}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_owned()
    } else {
        s.to_owned()
    }
}

/// One line summing up a column for the text report and the UI.
pub fn column_summary(p: &ColumnProfile) -> String {
    match (p.kind, &p.stats, &p.date_range) {
        (ColumnKind::Date, _, Some((a, b))) => format!("{a} \u{2192} {b}"),
        (ColumnKind::Numeric, Some(s), _) => format!(
            "min {} \u{b7} median {} \u{b7} mean {} \u{b7} max {}",
            short_number(s.min),
            short_number(s.median),
            short_number(s.mean),
            short_number(s.max)
        ),
        _ => p
            .top
            .iter()
            .take(3)
            .map(|c| format!("{} ({})", c.value, thousands(c.count)))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

fn inspect_text(ds: &Dataset) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}: {} rows \u{d7} {} columns ({}-separated, {}), read in {:.2} s",
        ds.file_name,
        thousands(ds.rows()),
        ds.columns.len(),
        ds.delimiter,
        ds.encoding.label(),
        ds.load_seconds
    );
    for n in &ds.notices {
        let _ = writeln!(out, "note: {n}");
    }
    let width = ds
        .columns
        .iter()
        .map(|c| c.name.chars().count())
        .max()
        .unwrap_or(6)
        .max(6);
    let _ = writeln!(
        out,
        "{:width$}  {:11}  {:8}  {:>14}  {:>9}  summary",
        "column", "kind", "role", "missing", "distinct"
    );
    for c in &ds.columns {
        let pad = width - c.name.chars().count();
        let missing = format!("{} ({:.1}%)", thousands(c.missing), c.missing_share * 100.0);
        let _ = writeln!(
            out,
            "{}{}  {:11}  {:8}  {:>14}  {:>9}  {}",
            c.name,
            " ".repeat(pad),
            c.kind.label(),
            c.role.label(),
            missing,
            thousands(c.unique),
            column_summary(c)
        );
    }
    out.trim_end().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(thousands(999), "999");
        assert_eq!(short_number(42.0), "42");
        assert_eq!(short_number(12.3456), "12.35");
        assert_eq!(short_number(0.123456), "0.1235");
        assert_eq!(short_number(1234.56), "1234.6");
        assert_eq!(short_number(0.00004321), "0.00004321");
        assert_eq!(short_number(-0.00004), "-0.00004");
    }
}
