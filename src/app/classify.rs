//! The Predict tab's side of the app: the settings the view edits, starting and cancelling a
//! training job, the live curves it streams, and exporting the at-risk list.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use super::{DIALOG_FAILED_WITHIN, MarketLensApp};
use crate::analysis::classify::{
    ClassifyParams, ClassifyProgress, ClassifyResult, Evaluation, Imbalance, classify,
};
use crate::analysis::drivers::{Driver, DriversProgress, measure_drivers};
use crate::analysis::models::{ModelKind, ModelSettings};
use crate::analysis::target::{Target, read_target};
use crate::cli::thousands;
use crate::data::save::write_csv_atomic;
use crate::data::{ColumnKind, Dataset, Role};
use crate::jobs::{self, JobHandle, Outcome};

/// How the models are judged, as chosen in the view.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum EvalChoice {
    #[default]
    Split,
    KFold,
    TestFile,
}

/// Which result page is shown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ResultPage {
    #[default]
    Performance,
    Gains,
    AtRisk,
    Drivers,
}

/// A live curve of one fit while training: (iteration, loss) and the current ROC.
#[derive(Clone, Debug, Default)]
pub struct LiveModel {
    pub model: Option<ModelKind>,
    pub loss: Vec<[f64; 2]>,
    pub roc: Vec<[f64; 2]>,
    pub auc: Option<f64>,
    pub trees: Option<(usize, usize)>,
}

/// The job measuring what drives each model's score, started once the results are shown.
/// Dropping it (a new training run, closing the file) cancels it.
pub struct DriversJob {
    pub handle: JobHandle<DriversProgress, Vec<Vec<Driver>>>,
    /// The training run whose models it measures.
    pub run: u64,
}

impl Drop for DriversJob {
    fn drop(&mut self) {
        self.handle.cancel();
    }
}

/// The churn/response workbench.
pub struct ClassifyState {
    /// Column index of the outcome.
    pub target: Option<usize>,
    /// The value counted as positive (None = detected).
    pub positive: Option<String>,
    /// The target as read with the current choice, or why it cannot be used.
    pub target_info: Option<Result<Target, String>>,
    pub features: Vec<bool>,
    pub models: Vec<(ModelKind, bool)>,
    pub eval: EvalChoice,
    pub test_share: f64,
    pub folds: usize,
    pub test_path: String,
    pub seed: u64,
    pub settings: ModelSettings,
    pub imbalance: Imbalance,
    pub job: Option<JobHandle<ClassifyProgress, ClassifyResult>>,
    /// One per model of the running comparison (filled as events arrive).
    pub live: Vec<LiveModel>,
    pub result: Option<Arc<ClassifyResult>>,
    /// The model whose details are shown (index into the result's models).
    pub selected: usize,
    pub threshold: f64,
    pub page: ResultPage,
    /// Campaign planner: cost of one contact and value of one saved/converted customer.
    pub cost: f64,
    pub value: f64,
    /// At-risk list: only rows at or above this probability.
    pub risk_min: f64,
    pub export_path: String,
    pub export_job: Option<JobHandle<(), String>>,
    /// Measuring what drives the score, after the results are shown.
    pub drivers_job: Option<DriversJob>,
    /// Drivers that arrived while the result was shared with another job: (run, model,
    /// drivers), put into the result as soon as it is free again.
    pub drivers_pending: Vec<(u64, usize, Vec<Driver>)>,
    /// The user stopped the measuring of this run (the page offers to start it again).
    pub drivers_stopped: Option<u64>,
}

impl Default for ClassifyState {
    fn default() -> Self {
        Self {
            target: None,
            positive: None,
            target_info: None,
            features: Vec::new(),
            models: ModelKind::ALL
                .into_iter()
                .map(|k| (k, matches!(k, ModelKind::Logistic | ModelKind::Forest)))
                .collect(),
            eval: EvalChoice::Split,
            test_share: 0.3,
            folds: 5,
            test_path: String::new(),
            seed: 42,
            settings: ModelSettings::default(),
            imbalance: Imbalance::None,
            job: None,
            live: Vec::new(),
            result: None,
            selected: 0,
            threshold: 0.5,
            page: ResultPage::Performance,
            cost: 20.0,
            value: 100.0,
            risk_min: 0.5,
            export_path: String::new(),
            export_job: None,
            drivers_job: None,
            drivers_pending: Vec::new(),
            drivers_stopped: None,
        }
    }
}

impl ClassifyState {
    /// Fresh settings for a newly opened file: the suggested target, the feature columns.
    pub fn for_dataset(ds: &Dataset) -> Self {
        let target = ds.columns.iter().position(|c| c.role == Role::Target);
        let mut st = ClassifyState {
            target,
            features: ds
                .columns
                .iter()
                .map(|c| {
                    c.role == Role::Feature
                        && matches!(
                            c.kind,
                            ColumnKind::Numeric | ColumnKind::Categorical | ColumnKind::Boolean
                        )
                })
                .collect(),
            export_path: super::path_beside(ds, "at_risk"),
            ..ClassifyState::default()
        };
        st.refresh_target(ds);
        st
    }

    /// Re-read the target column after the choice changed (cheap: one pass over a column).
    pub fn refresh_target(&mut self, ds: &Dataset) {
        self.target_info = self.target.and_then(|t| ds.columns.get(t)).map(|c| {
            read_target(&ds.df, &c.name, self.positive.as_deref()).map_err(|e| e.to_string())
        });
        if let Some(t) = self.target
            && let Some(f) = self.features.get_mut(t)
        {
            *f = false;
        }
    }

    pub fn is_training(&self) -> bool {
        self.job.is_some()
    }
}

/// Read the test file chosen in a workbench (on the job thread): the Predict and Drivers
/// tabs evaluate on it.
pub(super) fn test_file_evaluation(path: &std::path::Path) -> Result<Evaluation, jobs::JobError> {
    if path.as_os_str().is_empty() {
        return Err(jobs::JobError::Failed(
            "Choose the test file (a CSV with the same columns).".to_owned(),
        ));
    }
    let test = crate::data::load_path(path).map_err(|e| jobs::JobError::Failed(e.to_string()))?;
    Ok(Evaluation::TestFile {
        df: test.df,
        name: test.file_name,
    })
}

impl MarketLensApp {
    fn classify_params(&self, ds: &Dataset) -> Result<ClassifyParams, String> {
        let st = &self.state.cls;
        let target = st
            .target
            .and_then(|t| ds.columns.get(t))
            .ok_or("Choose the outcome to predict first.")?;
        let features: Vec<String> = ds
            .columns
            .iter()
            .zip(&st.features)
            .filter(|(c, on)| **on && c.name != target.name)
            .map(|(c, _)| c.name.clone())
            .collect();
        if features.is_empty() {
            return Err("Tick at least one feature to learn from.".to_owned());
        }
        let models: Vec<ModelKind> = st.models.iter().filter(|m| m.1).map(|m| m.0).collect();
        if models.is_empty() {
            return Err("Tick at least one model.".to_owned());
        }
        let evaluation = match st.eval {
            EvalChoice::Split => Evaluation::Split {
                test_share: st.test_share,
            },
            EvalChoice::KFold => Evaluation::KFold { folds: st.folds },
            EvalChoice::TestFile => {
                // read on the job thread; see start_training
                Evaluation::Split {
                    test_share: st.test_share,
                }
            }
        };
        Ok(ClassifyParams {
            target: target.name.clone(),
            positive: st.positive.clone(),
            features,
            models,
            evaluation,
            seed: st.seed,
            settings: st.settings.clone(),
            imbalance: st.imbalance,
            // measured on a job of its own once the results are shown
            importance: false,
            ..ClassifyParams::default()
        })
    }

    pub(super) fn start_training(&mut self) {
        let Some(ds) = self.state.dataset.clone() else {
            return;
        };
        let mut params = match self.classify_params(&ds) {
            Ok(p) => p,
            Err(e) => {
                self.error(e);
                return;
            }
        };
        if let Some(old) = self.state.cls.job.take() {
            old.cancel();
        }
        let test_path = (self.state.cls.eval == EvalChoice::TestFile)
            .then(|| PathBuf::from(self.state.cls.test_path.trim()));
        self.state.cls.drivers_job = None;
        self.state.cls.drivers_pending.clear();
        self.state.cls.drivers_stopped = None;
        self.state.cls.live = params.models.iter().map(|_| LiveModel::default()).collect();
        self.state.cls.result = None;
        self.state.cls.selected = 0;
        self.state.cls.job = Some(jobs::spawn("train classifier", self.notifier(), move |r| {
            if let Some(path) = test_path {
                params.evaluation = test_file_evaluation(&path)?;
            }
            classify(&ds.df, &params, r).map_err(jobs::JobError::from)
        }));
    }

    pub(super) fn cancel_training(&mut self) {
        if let Some(job) = self.state.cls.job.take() {
            job.cancel();
            self.banner("Training stopped.", false);
        }
    }

    /// Measure what drives each model's score on a background job, the model on screen first.
    pub(super) fn start_drivers(&mut self) {
        let notify = self.notifier();
        let st = &mut self.state.cls;
        let Some(result) = st.result.as_ref() else {
            return;
        };
        let models: Vec<_> = result
            .models
            .iter()
            .map(|m| {
                (
                    m.kind,
                    m.importance.clone().filter(|_| m.drivers.is_empty()),
                )
            })
            .collect();
        if models.iter().all(|(_, input)| input.is_none()) {
            return;
        }
        let selected = st.selected.min(models.len().saturating_sub(1));
        let order: Vec<usize> = std::iter::once(selected)
            .chain((0..models.len()).filter(|&i| i != selected))
            .collect();
        let run = result.run;
        st.drivers_stopped = None;
        st.drivers_job = Some(DriversJob {
            handle: jobs::spawn("measure drivers", notify, move |r| {
                measure_drivers(&models, &order, r)
            }),
            run,
        });
    }

    pub(super) fn cancel_drivers(&mut self) {
        if let Some(job) = self.state.cls.drivers_job.take() {
            self.state.cls.drivers_stopped = Some(job.run);
            drop(job);
            self.banner(
                "Stopped measuring what drives the score. The results are kept; measure again \
                 from the \u{201c}What drives it\u{201d} page.",
                false,
            );
        }
    }

    /// Apply what the drivers job reported; drivers go into the result once no other job
    /// shares it.
    fn poll_drivers_job(&mut self) {
        let st = &mut self.state.cls;
        if let Some(job) = st.drivers_job.as_mut() {
            let run = job.run;
            let pending = &mut st.drivers_pending;
            let outcome = job.handle.drain(|p| {
                if let DriversProgress::Measured { index, drivers } = p {
                    pending.push((run, *index, drivers.clone()));
                }
            });
            if let Some(outcome) = outcome {
                st.drivers_job = None;
                match outcome {
                    Outcome::Done(_) | Outcome::Cancelled => {}
                    Outcome::Failed(msg) => {
                        self.error(format!("Could not measure what drives the score: {msg}"));
                    }
                    Outcome::Panicked(msg) => self.error(format!(
                        "Measuring what drives the score hit an internal error ({msg}). \
                         MarketLens is still running."
                    )),
                }
            }
        }
        let st = &mut self.state.cls;
        let Some(result) = st.result.as_mut() else {
            st.drivers_pending.clear();
            return;
        };
        let run = result.run;
        st.drivers_pending.retain(|(r, ..)| *r == run);
        if let Some(result) = Arc::get_mut(result) {
            for (_, index, drivers) in st.drivers_pending.drain(..) {
                if let Some(m) = result.models.get_mut(index) {
                    m.drivers = drivers;
                }
            }
        }
    }

    pub(super) fn choose_test_file(&mut self) {
        if self.state.test_dialog_job.is_some() {
            return;
        }
        let job = jobs::spawn::<(), _, jobs::JobError, _>(
            "test file dialog",
            self.notifier(),
            move |_| {
                Ok(rfd::FileDialog::new()
                    .set_title("Choose the test file")
                    .add_filter(
                        "CSV and text files",
                        &["csv", "tsv", "txt", "CSV", "TSV", "TXT"],
                    )
                    .pick_file())
            },
        );
        self.state.test_dialog_job = Some((Instant::now(), job, self.state.view));
    }

    pub(super) fn start_risk_export(&mut self) {
        let (Some(ds), Some(result)) = (self.state.dataset.clone(), self.state.cls.result.clone())
        else {
            return;
        };
        let st = &self.state.cls;
        let Some(model) = result.models.get(st.selected) else {
            return;
        };
        if result.scored_test_file {
            self.error("The at-risk list of a test file is saved with the command line (classify --scores).");
            return;
        }
        let path = PathBuf::from(st.export_path.trim());
        let min = st.risk_min;
        let scores = model.all_scores.clone();
        let ranked = std::sync::Arc::clone(&model.ranked);
        self.state.cls.export_job = Some(jobs::spawn::<(), _, jobs::JobError, _>(
            "export at-risk list",
            self.notifier(),
            move |_| {
                let rows: Vec<usize> = ranked
                    .iter()
                    .copied()
                    .take_while(|&r| scores[r] >= min)
                    .collect();
                let mut df = crate::analysis::classify::ranked_rows(&ds.df, &rows, &scores)
                    .map_err(|e| jobs::JobError::Failed(e.to_string()))?;
                write_csv_atomic(&mut df, &path, ds.path.as_deref())
                    .map_err(|e| jobs::JobError::Failed(e.to_string()))?;
                Ok(format!(
                    "Saved {} customers to {}.",
                    thousands(df.height()),
                    path.display()
                ))
            },
        ));
    }

    /// Apply what the training, drivers and export jobs reported.
    pub(super) fn poll_classify_jobs(&mut self) {
        self.poll_drivers_job();
        let st = &mut self.state.cls;
        if let Some(job) = st.job.as_mut() {
            let live = &mut st.live;
            let outcome = job.drain(|p| match p {
                ClassifyProgress::Started(stage) => {
                    if let Some(l) = live.get_mut(stage.model_index) {
                        l.model = Some(stage.model);
                        l.loss.clear();
                    }
                }
                ClassifyProgress::Loss {
                    stage,
                    iteration,
                    loss,
                    ..
                } => {
                    if let Some(l) = live.get_mut(stage.model_index) {
                        l.loss.push([*iteration as f64, *loss]);
                    }
                }
                ClassifyProgress::Trees { stage, done, total } => {
                    if let Some(l) = live.get_mut(stage.model_index) {
                        l.trees = Some((*done, *total));
                    }
                }
                ClassifyProgress::Roc {
                    stage, points, auc, ..
                } => {
                    if let Some(l) = live.get_mut(stage.model_index) {
                        l.model = Some(stage.model);
                        l.roc = points.clone();
                        l.auc = Some(*auc);
                    }
                }
                ClassifyProgress::Preparing | ClassifyProgress::Importance { .. } => {}
            });
            if let Some(outcome) = outcome {
                st.job = None;
                match outcome {
                    Outcome::Done(result) => {
                        st.selected = result
                            .best()
                            .and_then(|b| result.models.iter().position(|m| std::ptr::eq(m, b)))
                            .unwrap_or(0);
                        st.result = Some(Arc::new(result));
                        st.threshold = 0.5;
                        // the results are on screen; what drives them is measured next
                        self.start_drivers();
                    }
                    Outcome::Failed(msg) => self.error(msg),
                    Outcome::Cancelled => {}
                    Outcome::Panicked(msg) => self.error(format!(
                        "Training hit an internal error ({msg}). MarketLens is still running."
                    )),
                }
            }
        }
        if let Some((started, job, asked_by)) = self.state.test_dialog_job.as_mut()
            && let Some(outcome) = job.poll()
        {
            let started = *started;
            let asked_by = *asked_by;
            self.state.test_dialog_job = None;
            match outcome {
                // the tab that asked gets the path
                Outcome::Done(Some(path)) => {
                    let path = path.display().to_string();
                    match asked_by {
                        super::View::Drivers => self.state.reg.test_path = path,
                        _ => self.state.cls.test_path = path,
                    }
                }
                Outcome::Done(None) if started.elapsed() < DIALOG_FAILED_WITHIN => self.error(
                    "The system file dialog could not be opened here. Type the test file's \
                     path in the field instead.",
                ),
                Outcome::Failed(msg) | Outcome::Panicked(msg) => self.error(format!(
                    "The file dialog failed ({msg}). Type the test file's path in the field."
                )),
                _ => {}
            }
        }
        let st = &mut self.state.cls;
        if let Some(job) = st.export_job.as_mut()
            && let Some(outcome) = job.poll()
        {
            st.export_job = None;
            match outcome {
                Outcome::Done(msg) => self.banner(msg, false),
                Outcome::Failed(msg) | Outcome::Panicked(msg) => {
                    self.error(format!("Could not save the list: {msg}"));
                }
                Outcome::Cancelled => {}
            }
        }
    }
}
