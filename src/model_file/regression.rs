//! A saved regression model (Drivers): the transform, the linear coefficients or the k-NN
//! training rows, and how a calendar driver is derived from a date column.

use polars::prelude::DataFrame;
use serde::{Deserialize, Serialize};

use super::{ModelFileError, check_columns};
use crate::analysis::regress::{CalendarPart, RegModel, RegressResult};
use crate::analysis::regress_explain::add_calendar_column;
use crate::analysis::regress_fit::FittedModel;
use crate::data::prep::{Transform, apply};

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
    /// (column, category) each text driver is compared with: left out of a linear model's
    /// transform, but known (not a new value) when scoring.
    #[serde(default)]
    pub references: Vec<(String, String)>,
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
            references: result.references.clone(),
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
