//! A saved classifier (Predict): the transform and the trained model, whatever its kind.
//! Applied to the file it was trained on, it gives bit for bit the probabilities the app
//! showed, because it runs the same transform and the same model code.

use polars::prelude::DataFrame;
use serde::{Deserialize, Serialize};

use super::{ModelFileError, check_columns};
use crate::analysis::classify::ClassifyResult;
use crate::analysis::models::{Fitted, ModelKind};
use crate::data::prep::{Transform, apply};

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SavedClassifier {
    /// The outcome column and the value that counts as positive.
    pub target: String,
    pub positive: String,
    pub model: ModelKind,
    pub transform: Transform,
    pub fitted: Fitted,
}

impl SavedClassifier {
    /// The `index`-th model of a training result.
    pub fn from_result(result: &ClassifyResult, index: usize) -> Option<Self> {
        let m = result.models.get(index)?;
        Some(SavedClassifier {
            target: result.target.column.clone(),
            positive: result.target.positive.clone(),
            model: m.kind,
            transform: result.transform.clone(),
            fitted: m.fitted.clone(),
        })
    }

    /// P(positive) for every row of `df`.
    pub fn score(&self, df: &DataFrame, file: &str) -> Result<Vec<f64>, ModelFileError> {
        let apply_err = |reason: String| ModelFileError::Apply {
            file: file.to_owned(),
            reason,
        };
        check_columns(df, &self.transform, None).map_err(apply_err)?;
        let (x, _) = apply(df, &self.transform).map_err(|e| apply_err(e.to_string()))?;
        self.fitted
            .predict_proba(x.view(), &|| false)
            .map_err(apply_err)
    }
}
