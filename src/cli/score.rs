//! `marketlens score`: apply a saved model to a new file and write the rows with their
//! predictions to another new file.

use std::path::PathBuf;

use clap::Args;
use serde::Serialize;

use crate::data::load_path;
use crate::model_file::{ModelFile, SavedModel};

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
}

/// `marketlens score`: the text to print, or the error message.
pub fn run(args: &ScoreArgs) -> Result<String, String> {
    let file = ModelFile::load(&args.model).map_err(|e| e.to_string())?;
    let ds = load_path(&args.data).map_err(|e| e.to_string())?;
    let SavedModel::Regression(model) = &file.model;
    let predictions = model
        .predict(&ds.df, &ds.file_name)
        .map_err(|e| e.to_string())?;
    if std::fs::canonicalize(&args.model).ok() == std::fs::canonicalize(&args.out).ok() {
        return Err(format!(
            "{} is the model file; choose a new file for the scores.",
            args.out.display()
        ));
    }
    let rows = predictions.len();
    let column = super::write_with_column(
        &ds.df,
        None,
        "prediction",
        predictions,
        &args.out,
        &[args.data.as_path()],
        "scores",
    )?;
    let report = ScoreReport {
        model: model.model.cli_name(),
        kind: "regression",
        trained_on: &file.trained_on,
        file: &ds.file_name,
        rows,
        column: &column,
        out: args.out.display().to_string(),
    };
    if args.json {
        return serde_json::to_string(&report).map_err(|e| e.to_string());
    }
    Ok(format!(
        "Scored {} rows of {} with the {} model of {} (trained on {}); wrote {} with a `{}` \
         column.",
        super::thousands(report.rows),
        report.file,
        model.model.label(),
        model.target,
        report.trained_on,
        report.out,
        report.column
    ))
}
