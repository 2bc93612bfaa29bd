//! The Drivers tab's side of the app: the settings the view edits, starting and cancelling
//! a regression job, and the what-if values.

use std::path::PathBuf;
use std::sync::Arc;

use super::{EvalChoice, MarketLensApp};
use crate::analysis::regress::{
    CalendarPart, DriverValue, Evaluation, Penalty, RegModel, RegressParams, RegressProgress,
    RegressResult, regress,
};
use crate::data::{ColumnKind, Dataset, Role};
use crate::jobs::{self, JobHandle, Outcome};

/// Which result page is shown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RegressPage {
    #[default]
    Fit,
    Effects,
    WhatIf,
}

/// The drivers and what-if workbench.
pub struct RegressState {
    /// Column index of the number to explain.
    pub target: Option<usize>,
    pub features: Vec<bool>,
    /// A date column whose month or quarter becomes a driver.
    pub date: Option<usize>,
    pub calendar: Option<CalendarPart>,
    pub models: Vec<(RegModel, bool)>,
    pub eval: EvalChoice,
    pub test_share: f64,
    pub folds: usize,
    pub test_path: String,
    pub seed: u64,
    /// Choose the penalty by cross-validation (else `alpha`).
    pub choose_penalty: bool,
    pub alpha: f64,
    pub l1_ratio: f64,
    pub k: usize,
    pub job: Option<JobHandle<RegressProgress, RegressResult>>,
    pub result: Option<Arc<RegressResult>>,
    /// The model whose details are shown.
    pub selected: usize,
    pub page: RegressPage,
    /// The what-if panel's current value of each driver.
    pub what_if: Vec<(String, DriverValue)>,
    /// The last what-if prediction, keyed by (run, model, values): k-NN scans every
    /// training row, so it is not recomputed each frame.
    pub what_if_cache: Option<(WhatIfKey, Result<f64, String>)>,
    /// The prediction at typical values: (run, model, prediction).
    pub typical_cache: Option<(u64, usize, Option<f64>)>,
}

/// (result run, selected model, driver values).
pub type WhatIfKey = (u64, usize, Vec<(String, DriverValue)>);

impl Default for RegressState {
    fn default() -> Self {
        Self {
            target: None,
            features: Vec::new(),
            date: None,
            calendar: None,
            models: RegModel::ALL
                .into_iter()
                .map(|m| (m, matches!(m, RegModel::Ols | RegModel::Lasso)))
                .collect(),
            eval: EvalChoice::Split,
            test_share: 0.3,
            folds: 5,
            test_path: String::new(),
            seed: 42,
            choose_penalty: true,
            alpha: 1.0,
            l1_ratio: 0.5,
            k: 5,
            job: None,
            result: None,
            selected: 0,
            page: RegressPage::Fit,
            what_if: Vec::new(),
            what_if_cache: None,
            typical_cache: None,
        }
    }
}

/// Words that mark a column as an amount worth explaining.
const AMOUNT_WORDS: [&str; 10] = [
    "sales", "revenue", "spend", "amount", "monetary", "value", "purchase", "销售", "金额", "收入",
];

/// The number column most likely to be the one to explain: named like an amount, else the
/// last number column.
pub fn suggested_target(ds: &Dataset) -> Option<usize> {
    let numeric: Vec<usize> = ds
        .columns
        .iter()
        .enumerate()
        .filter(|(_, c)| c.kind == ColumnKind::Numeric && c.unique > 10)
        .map(|(i, _)| i)
        .collect();
    numeric
        .iter()
        .copied()
        .find(|&i| {
            let name = ds.columns[i].name.to_lowercase();
            AMOUNT_WORDS.iter().any(|w| name.contains(w))
        })
        .or_else(|| numeric.last().copied())
}

impl RegressState {
    /// Fresh settings for a newly opened file.
    pub fn for_dataset(ds: &Dataset) -> Self {
        let target = suggested_target(ds);
        let date = ds.columns.iter().position(|c| c.kind == ColumnKind::Date);
        RegressState {
            target,
            features: ds
                .columns
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    Some(i) != target
                        && c.role != Role::Target
                        && matches!(
                            c.kind,
                            ColumnKind::Numeric | ColumnKind::Categorical | ColumnKind::Boolean
                        )
                })
                .collect(),
            date,
            calendar: date.map(|_| CalendarPart::Month),
            ..RegressState::default()
        }
    }

    pub fn set_target(&mut self, col: usize) {
        self.target = Some(col);
        if let Some(f) = self.features.get_mut(col) {
            *f = false;
        }
    }
}

impl MarketLensApp {
    fn regress_params(&self, ds: &Dataset) -> Result<RegressParams, String> {
        let st = &self.state.reg;
        let target = st
            .target
            .and_then(|t| ds.columns.get(t))
            .ok_or("Choose the number to explain first.")?;
        let features: Vec<String> = ds
            .columns
            .iter()
            .zip(&st.features)
            .filter(|(c, on)| **on && c.name != target.name)
            .map(|(c, _)| c.name.clone())
            .collect();
        let calendar = match (st.date.and_then(|d| ds.columns.get(d)), st.calendar) {
            (Some(c), Some(part)) => Some((c.name.clone(), part)),
            _ => None,
        };
        if features.is_empty() && calendar.is_none() {
            return Err("Tick at least one driver.".to_owned());
        }
        let models: Vec<RegModel> = st.models.iter().filter(|m| m.1).map(|m| m.0).collect();
        if models.is_empty() {
            return Err("Tick at least one model.".to_owned());
        }
        Ok(RegressParams {
            target: target.name.clone(),
            features,
            calendar,
            models,
            evaluation: match st.eval {
                EvalChoice::KFold => Evaluation::KFold { folds: st.folds },
                // the test file is read on the job thread
                _ => Evaluation::Split {
                    test_share: st.test_share,
                },
            },
            seed: st.seed,
            penalty: if st.choose_penalty {
                Penalty::CrossValidate
            } else {
                Penalty::Fixed(st.alpha)
            },
            l1_ratio: st.l1_ratio,
            k: st.k,
            ..RegressParams::default()
        })
    }

    pub(super) fn start_regress(&mut self) {
        let Some(ds) = self.state.dataset.clone() else {
            return;
        };
        let mut params = match self.regress_params(&ds) {
            Ok(p) => p,
            Err(e) => {
                self.error(e);
                return;
            }
        };
        if let Some(old) = self.state.reg.job.take() {
            old.cancel();
        }
        let test_path = (self.state.reg.eval == EvalChoice::TestFile)
            .then(|| PathBuf::from(self.state.reg.test_path.trim()));
        self.state.reg.result = None;
        self.state.reg.job = Some(jobs::spawn("fit regression", self.notifier(), move |r| {
            if let Some(path) = test_path {
                params.evaluation = super::classify::test_file_evaluation(&path)?;
            }
            regress(&ds.df, &ds.file_name, &params, r).map_err(jobs::JobError::from)
        }));
    }

    pub(super) fn cancel_regress(&mut self) {
        if let Some(job) = self.state.reg.job.take() {
            job.cancel();
            self.banner("Fitting stopped.", false);
        }
    }

    pub(super) fn poll_regress_jobs(&mut self) {
        let st = &mut self.state.reg;
        let Some(job) = st.job.as_mut() else {
            return;
        };
        let Some(outcome) = job.drain(|_| {}) else {
            return;
        };
        st.job = None;
        match outcome {
            Outcome::Done(result) => {
                st.selected = result.best().unwrap_or(0);
                st.what_if = result.typical_values();
                st.result = Some(Arc::new(result));
            }
            Outcome::Failed(msg) => self.error(msg),
            Outcome::Cancelled => {}
            Outcome::Panicked(msg) => self.error(format!(
                "Fitting hit an internal error ({msg}). MarketLens is still running."
            )),
        }
    }
}
