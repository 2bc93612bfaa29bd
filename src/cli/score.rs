//! `marketlens score`: apply a saved model to a new file and write the rows with their
//! predictions to another new file.

use std::path::PathBuf;

use clap::Args;
use serde::Serialize;

use crate::data::load_path;
use crate::model_file::{ModelFile, NewCategory, SavedModel};

#[derive(Args, Debug)]
pub struct ScoreArgs {
    /// A model saved with `--save-model`.
    pub model: PathBuf,
    /// The CSV file to score (the columns the model was trained on, by name).
    pub data: PathBuf,
    /// The new CSV file: every input column plus the model's output column.
    #[arg(long)]
    pub out: PathBuf,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct ScoreReport<'a> {
    model: &'a str,
    kind: &'static str,
    trained_on: &'a str,
    file: &'a str,
    rows: usize,
    column: &'a str,
    out: String,
    /// Values of the scored file the model never saw (scored as none of the known ones).
    new_categories: &'a [NewCategory],
}

/// `marketlens score`: the text to print, or the error message.
pub fn run(args: &ScoreArgs) -> Result<String, String> {
    let file = ModelFile::load(&args.model).map_err(|e| e.to_string())?;
    if std::fs::canonicalize(&args.model).ok() == std::fs::canonicalize(&args.out).ok() {
        return Err(format!(
            "{} is the model file; choose a new file for the scores.",
            args.out.display()
        ));
    }
    let ds = load_path(&args.data).map_err(|e| e.to_string())?;
    let scored = file
        .model
        .score(&ds.df, &ds.file_name)
        .map_err(|e| e.to_string())?;
    let rows = ds.df.height();
    let column = super::write_with_column(
        &ds.df,
        None,
        scored.column,
        scored.values,
        &args.out,
        &[args.data.as_path()],
        "scores",
    )?;
    let name = match &file.model {
        SavedModel::Regression(m) => m.model.cli_name(),
        SavedModel::Classifier(m) => m.model.cli_name(),
        SavedModel::Segments(m) => m.algorithm.as_str(),
    };
    let report = ScoreReport {
        model: name,
        kind: file.model.kind(),
        trained_on: &file.trained_on,
        file: &ds.file_name,
        rows,
        column: &column,
        out: args.out.display().to_string(),
        new_categories: &scored.new_categories,
    };
    if args.json {
        return serde_json::to_string(&report).map_err(|e| e.to_string());
    }
    let mut text = format!(
        "Scored {} rows of {} with the {} (trained on {}); wrote {} with a `{}` column.",
        super::thousands(report.rows),
        report.file,
        file.model.describe(),
        report.trained_on,
        report.out,
        report.column
    );
    text.push_str(&new_categories_note(&scored.new_categories));
    Ok(text)
}

/// " 12 rows had values the model never saw (channel = “TikTok”: 12); they were scored as
/// none of the known values." — empty when there are none.
pub fn new_categories_note(new: &[NewCategory]) -> String {
    if new.is_empty() {
        return String::new();
    }
    let rows: usize = new.iter().map(|n| n.rows).sum();
    let listed: Vec<String> = new
        .iter()
        .take(5)
        .map(|n| {
            format!(
                "{} = \u{201c}{}\u{201d}: {}",
                n.column,
                n.value,
                super::thousands(n.rows)
            )
        })
        .collect();
    let more = if new.len() > 5 {
        format!(", and {} more", new.len() - 5)
    } else {
        String::new()
    };
    format!(
        " {} values in the file were never seen in training ({}{more}); those rows were scored \
         as having none of the known values.",
        super::thousands(rows),
        listed.join("; ")
    )
}
