//! Saved models: a versioned JSON file with everything needed to apply a trained model to
//! new rows — the fitted transform (medians, scaling, categories) and the model: a
//! classifier (Predict), a regression (Drivers) or segments. [`SavedModel::score`] applies
//! one to a new file after checking its columns by name and kind; `marketlens score` and the
//! app's "Score a file" both use it.

mod classifier;
mod regression;
mod segments;
mod validate;

use std::path::Path;

use polars::prelude::DataFrame;
use serde::{Deserialize, Serialize};

pub use classifier::SavedClassifier;
pub use regression::{SavedCalendar, SavedFit, SavedRegression};
pub use segments::SavedSegments;
pub use validate::LIMIT;

use crate::data::prep::{ColumnTransform, MISSING, Transform, numeric_values, text_values};
use crate::data::save::{SaveError, write_atomic};

/// What the first field of every model file says.
pub const FORMAT: &str = "marketlens-model";
/// The newest format version this build reads and writes.
pub const VERSION: u32 = 1;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ModelFile {
    pub format: String,
    pub version: u32,
    /// "MarketLens 0.1.0".
    pub created_by: String,
    /// The data file the model was trained on.
    pub trained_on: String,
    pub model: SavedModel,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SavedModel {
    Regression(SavedRegression),
    Classifier(SavedClassifier),
    Segments(SavedSegments),
}

/// What a model adds to each scored row.
#[derive(Clone, Debug, PartialEq)]
pub enum ScoreValues {
    /// Probabilities (classifier) or predictions (regression).
    Numbers(Vec<f64>),
    /// Segment names.
    Labels(Vec<String>),
}

/// A category of the scored file that the model never saw in training. Such values get no
/// one-hot column of their own: the row is scored as if it had none of the known values.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NewCategory {
    pub column: String,
    pub value: String,
    pub rows: usize,
}

/// The result of applying a model to a file.
#[derive(Clone, Debug, PartialEq)]
pub struct Scored {
    /// The output column's name: `score`, `prediction` or `segment`.
    pub column: &'static str,
    pub values: ScoreValues,
    pub new_categories: Vec<NewCategory>,
}

impl SavedModel {
    /// "classifier", "regression", "segments".
    pub fn kind(&self) -> &'static str {
        match self {
            SavedModel::Regression(_) => "regression",
            SavedModel::Classifier(_) => "classifier",
            SavedModel::Segments(_) => "segments",
        }
    }

    /// What the model is, in words ("Random forest for churn = yes").
    pub fn describe(&self) -> String {
        match self {
            SavedModel::Regression(m) => format!("{} of {}", m.model.label(), m.target),
            SavedModel::Classifier(m) => {
                format!("{} for {} = {}", m.model.label(), m.target, m.positive)
            }
            SavedModel::Segments(m) => {
                format!("{} segments ({})", m.names.len(), m.algorithm)
            }
        }
    }

    fn transform(&self) -> &Transform {
        match self {
            SavedModel::Regression(m) => &m.transform,
            SavedModel::Classifier(m) => &m.transform,
            SavedModel::Segments(m) => &m.transform,
        }
    }

    /// Apply the model to every row of `df` (`file` names it in messages). The columns are
    /// checked first: every missing or mistyped one is named.
    pub fn score(&self, df: &DataFrame, file: &str) -> Result<Scored, ModelFileError> {
        let (column, values) = match self {
            SavedModel::Regression(m) => ("prediction", ScoreValues::Numbers(m.predict(df, file)?)),
            SavedModel::Classifier(m) => ("score", ScoreValues::Numbers(m.score(df, file)?)),
            SavedModel::Segments(m) => ("segment", ScoreValues::Labels(m.assign(df, file)?)),
        };
        let known: &[(String, String)] = match self {
            SavedModel::Regression(m) => &m.references,
            _ => &[],
        };
        Ok(Scored {
            column,
            values,
            new_categories: new_categories(df, self.transform(), known),
        })
    }
}

/// Values of the categorical columns that the transform has no category for (and that are
/// not among the `known` (column, value) pairs, such as a linear model's reference
/// categories), most frequent first within each column.
pub fn new_categories(
    df: &DataFrame,
    transform: &Transform,
    known: &[(String, String)],
) -> Vec<NewCategory> {
    let mut out = Vec::new();
    for t in &transform.columns {
        let ColumnTransform::Categorical { name, categories } = t else {
            continue;
        };
        let Ok(col) = df.column(name) else { continue };
        let mut counts: Vec<(String, usize)> = Vec::new();
        for v in text_values(col) {
            let v = v.as_deref().unwrap_or(MISSING);
            if categories.iter().any(|c| c == v) || known.iter().any(|(k, c)| k == name && c == v) {
                continue;
            }
            match counts.iter_mut().find(|(c, _)| c == v) {
                Some((_, n)) => *n += 1,
                None => counts.push((v.to_owned(), 1)),
            }
        }
        counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        out.extend(counts.into_iter().map(|(value, rows)| NewCategory {
            column: name.clone(),
            value,
            rows,
        }));
    }
    out
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ModelFileError {
    #[error("Could not read the model file \u{201c}{file}\u{201d}: {reason}")]
    Read { file: String, reason: String },
    #[error("\u{201c}{file}\u{201d} is not a MarketLens model file (or it is damaged): {reason}")]
    NotAModel { file: String, reason: String },
    /// A model file that reads as a model but cannot be one (wrong shapes, indices out of
    /// range, numbers that are not ordinary numbers, …).
    #[error("\u{201c}{file}\u{201d} is damaged: {reason}. Save the model again from MarketLens.")]
    Damaged { file: String, reason: String },
    #[error(
        "\u{201c}{file}\u{201d} was saved by a newer MarketLens (model format {found}; this \
         version reads up to {VERSION}). Update MarketLens to use it."
    )]
    Newer { file: String, found: u32 },
    #[error("The model cannot be applied to {file}: {reason}")]
    Apply { file: String, reason: String },
}

/// Every column the model reads must be there, numbers where it learned numbers.
pub(crate) fn check_columns(
    df: &DataFrame,
    transform: &Transform,
    calendar: Option<&SavedCalendar>,
) -> Result<(), String> {
    let mut missing = Vec::new();
    let mut not_numbers = Vec::new();
    let mut negative = Vec::new();
    let mut extreme = Vec::new();
    for t in &transform.columns {
        match t {
            ColumnTransform::Numeric { name, .. } => match df.column(name) {
                Err(_) => missing.push(name.clone()),
                Ok(c) if !c.dtype().is_primitive_numeric() && c.null_count() < c.len() => {
                    not_numbers.push(name.clone());
                }
                Ok(c) => {
                    let huge = extreme_values(c);
                    if huge > 0 {
                        extreme.push((name.clone(), huge));
                    }
                    let logged = matches!(t, ColumnTransform::Numeric { log: true, .. });
                    let below = if logged {
                        numeric_values(c)
                            .into_iter()
                            .flatten()
                            .filter(|v| *v < 0.0)
                            .count()
                    } else {
                        0
                    };
                    if below > 0 {
                        negative.push((name.clone(), below));
                    }
                }
            },
            ColumnTransform::Categorical { name, .. } => {
                let derived = calendar.is_some_and(|c| c.column == *name);
                if !derived && df.column(name).is_err() {
                    missing.push(name.clone());
                }
            }
        }
    }
    if let Some(c) = calendar
        && df.column(&c.date).is_err()
    {
        missing.push(c.date.clone());
    }
    let quote = |v: &[String]| {
        v.iter()
            .map(|n| format!("\u{201c}{n}\u{201d}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut problems = Vec::new();
    if !missing.is_empty() {
        problems.push(format!("it has no column {}", quote(&missing)));
    }
    if !not_numbers.is_empty() {
        problems.push(format!(
            "{} should hold numbers but holds text",
            quote(&not_numbers)
        ));
    }
    for (name, rows) in &negative {
        let values = if *rows == 1 { "value" } else { "values" };
        problems.push(format!(
            "\u{201c}{name}\u{201d} has {} {values} below 0, but the model takes its logarithm \
             (it was trained on values of 0 or more)",
            crate::cli::thousands(*rows)
        ));
    }
    for (name, rows) in &extreme {
        let what = if *rows == 1 {
            "value that is not an ordinary number"
        } else {
            "values that are not ordinary numbers"
        };
        problems.push(format!(
            "\u{201c}{name}\u{201d} has {} {what} (infinite or too large, above 1e150 in \
             size); fix or remove those rows",
            crate::cli::thousands(*rows)
        ));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

/// How many values of a numeric column are infinite or larger than [`LIMIT`] in size (empty
/// cells and NaN are missing values, filled in like any other).
fn extreme_values(col: &polars::prelude::Column) -> usize {
    let Ok(floats) = col.cast(&polars::prelude::DataType::Float64) else {
        return 0;
    };
    let Ok(values) = floats.f64() else { return 0 };
    values
        .iter()
        .flatten()
        .filter(|v| !v.is_nan() && v.abs() > LIMIT)
        .count()
}

impl ModelFile {
    pub fn new(trained_on: &str, model: SavedModel) -> Self {
        ModelFile {
            format: FORMAT.to_owned(),
            version: VERSION,
            created_by: format!("MarketLens {}", env!("CARGO_PKG_VERSION")),
            trained_on: trained_on.to_owned(),
            model,
        }
    }

    /// Write the file atomically; never over `input`.
    pub fn save(&self, path: &Path, input: Option<&Path>) -> Result<(), SaveError> {
        write_atomic(path, input, |w| {
            serde_json::to_writer_pretty(w, self).map_err(|e| e.to_string())
        })
    }

    /// Read a model file, with a clear message for other files, damage and newer versions.
    pub fn load(path: &Path) -> Result<Self, ModelFileError> {
        let file = crate::data::load::file_label(path);
        // a device or a pipe given by mistake must not hang or fill the memory
        let bytes = crate::data::read::read_small_file(path, crate::data::read::SMALL_FILE_CAP)
            .map_err(|e| ModelFileError::Read {
                file: file.clone(),
                reason: e.to_string(),
            })?;
        let value: serde_json::Value =
            serde_json::from_slice(&bytes).map_err(|e| ModelFileError::NotAModel {
                file: file.clone(),
                reason: e.to_string(),
            })?;
        if value.get("format").and_then(|f| f.as_str()) != Some(FORMAT) {
            return Err(ModelFileError::NotAModel {
                file,
                reason: format!("it does not start with \"format\": \"{FORMAT}\""),
            });
        }
        let found = value
            .get("version")
            .and_then(|v| v.as_u64())
            .map_or(0, |v| u32::try_from(v).unwrap_or(u32::MAX));
        if found > VERSION {
            return Err(ModelFileError::Newer { file, found });
        }
        if found == 0 {
            return Err(ModelFileError::Damaged {
                file,
                reason: "its format version is missing or 0 (model files start at version 1)"
                    .to_owned(),
            });
        }
        // it reads as JSON and says it is a model: what does not fit is damage
        let model: ModelFile =
            serde_json::from_value(value).map_err(|e| ModelFileError::Damaged {
                file: file.clone(),
                reason: format!("part of the model is missing or not what MarketLens saves ({e})"),
            })?;
        model
            .validate()
            .map_err(|reason| ModelFileError::Damaged { file, reason })?;
        Ok(model)
    }

    /// The first fault of the model, in words, if it cannot be applied as it is: every shape
    /// must fit its columns, every index be in range and every number be ordinary. [`load`]
    /// refuses files that fail this; a model embedded elsewhere (a project) can call it too.
    ///
    /// [`load`]: ModelFile::load
    pub fn validate(&self) -> Result<(), String> {
        validate::check_model(&self.model)
    }
}
