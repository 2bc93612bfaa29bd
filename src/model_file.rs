//! Saved models: a versioned JSON file with everything needed to apply a trained model to
//! new rows — the fitted transform (medians, scaling, categories), the model, and how a
//! calendar driver is derived. Regression models for now; `marketlens score` and the other
//! analyses build on it.

use std::path::Path;

use polars::prelude::DataFrame;
use serde::{Deserialize, Serialize};

use crate::analysis::regress::{CalendarPart, RegModel, RegressResult};
use crate::analysis::regress_explain::add_calendar_column;
use crate::analysis::regress_fit::FittedModel;
use crate::data::prep::{Transform, apply};
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
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SavedCalendar {
    pub date: String,
    pub part: CalendarPart,
    pub column: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SavedFit {
    Linear {
        intercept: f64,
        coefficients: Vec<f64>,
    },
    /// The training rows on the model's scale, row by row.
    Knn {
        k: usize,
        columns: usize,
        x: Vec<f64>,
        y: Vec<f64>,
    },
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SavedRegression {
    pub target: String,
    pub model: RegModel,
    pub calendar: Option<SavedCalendar>,
    pub transform: Transform,
    pub fit: SavedFit,
    /// A prediction's 95 % range is [prediction + low, prediction + high].
    pub error_range: (f64, f64),
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ModelFileError {
    #[error("Could not read the model file \u{201c}{file}\u{201d}: {reason}")]
    Read { file: String, reason: String },
    #[error("\u{201c}{file}\u{201d} is not a MarketLens model file (or it is damaged): {reason}")]
    NotAModel { file: String, reason: String },
    #[error(
        "\u{201c}{file}\u{201d} was saved by a newer MarketLens (model format {found}; this \
         version reads up to {VERSION}). Update MarketLens to use it."
    )]
    Newer { file: String, found: u32 },
    #[error("The model cannot be applied to {file}: {reason}")]
    Apply { file: String, reason: String },
}

impl SavedRegression {
    /// The `index`-th model of a regression result.
    pub fn from_result(result: &RegressResult, index: usize) -> Option<Self> {
        let m = result.models.get(index)?;
        let fit = match &m.fitted.model {
            FittedModel::Linear {
                intercept,
                coefficients,
            } => SavedFit::Linear {
                intercept: *intercept,
                coefficients: coefficients.clone(),
            },
            FittedModel::Knn { k, x, y } => SavedFit::Knn {
                k: *k,
                columns: x.ncols(),
                x: x.iter().copied().collect(),
                y: y.clone(),
            },
        };
        Some(SavedRegression {
            target: result.target.clone(),
            model: m.kind,
            calendar: result
                .calendar
                .as_ref()
                .map(|(date, part, column)| SavedCalendar {
                    date: date.clone(),
                    part: *part,
                    column: column.clone(),
                }),
            transform: m.fitted.transform.clone(),
            fit,
            error_range: m.residual_range,
        })
    }

    fn fitted(&self) -> Result<FittedModel, String> {
        Ok(match &self.fit {
            SavedFit::Linear {
                intercept,
                coefficients,
            } => FittedModel::Linear {
                intercept: *intercept,
                coefficients: coefficients.clone(),
            },
            SavedFit::Knn { k, columns, x, y } => FittedModel::Knn {
                k: *k,
                x: ndarray::Array2::from_shape_vec((y.len(), *columns), x.clone())
                    .map_err(|_| "the saved neighbours do not fit their shape".to_owned())?,
                y: y.clone(),
            },
        })
    }

    /// Predictions for every row of `df` (`file` names it in messages). The columns are
    /// checked first: every missing or mistyped one is named.
    pub fn predict(&self, df: &DataFrame, file: &str) -> Result<Vec<f64>, ModelFileError> {
        let apply_err = |reason: String| ModelFileError::Apply {
            file: file.to_owned(),
            reason,
        };
        check_columns(df, &self.transform, self.calendar.as_ref()).map_err(apply_err)?;
        let mut df = df.clone();
        if let Some(c) = &self.calendar {
            add_calendar_column(&mut df, &c.date, c.part, Some(&c.column)).map_err(apply_err)?;
        }
        let (x, _) = apply(&df, &self.transform).map_err(|e| apply_err(e.to_string()))?;
        self.fitted()
            .map_err(apply_err)?
            .predict(x.view())
            .map_err(|e| apply_err(e.to_string()))
    }
}

/// Every column the model reads must be there, numbers where it learned numbers.
fn check_columns(
    df: &DataFrame,
    transform: &Transform,
    calendar: Option<&SavedCalendar>,
) -> Result<(), String> {
    use crate::data::prep::ColumnTransform;
    let mut missing = Vec::new();
    let mut not_numbers = Vec::new();
    for t in &transform.columns {
        match t {
            ColumnTransform::Numeric { name, .. } => match df.column(name) {
                Err(_) => missing.push(name.clone()),
                Ok(c) if !c.dtype().is_primitive_numeric() && c.null_count() < c.len() => {
                    not_numbers.push(name.clone());
                }
                Ok(_) => {}
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
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
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
        let bytes = std::fs::read(path).map_err(|e| ModelFileError::Read {
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
        serde_json::from_value(value).map_err(|e| ModelFileError::NotAModel {
            file,
            reason: e.to_string(),
        })
    }
}
