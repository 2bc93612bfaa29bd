//! The command line: `marketlens <command> … [--json]`. Every command calls the same core as
//! the window. Errors go to stderr with a non-zero exit code.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use serde::Serialize;

use crate::data::{ColumnKind, ColumnProfile, Dataset, LoadTimings, load_path};

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
}

#[derive(Args, Debug)]
pub struct InspectArgs {
    /// The CSV file (delimiter , ; tab or | is detected).
    pub file: PathBuf,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// Run a subcommand and return the process exit code.
pub fn run_command(command: Command) -> ExitCode {
    let result = match command {
        Command::Inspect(args) => inspect(&args),
    };
    match result {
        Ok(text) => {
            println!("{text}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("error: {message}");
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
