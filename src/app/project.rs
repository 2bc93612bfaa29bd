//! Saving and opening `.mlens` projects from the window.
//!
//! Save: the workbench settings (columns by name), the segment names and the trained models
//! are captured on the UI thread; hashing the data file and writing happen on a job.
//!
//! Open: a job reads the project and checks the data file's hash; then the data file loads as
//! usual and, once it has, [`MarketLensApp::project_after_load`] applies the roles and every
//! workbench's settings and runs again each analysis that had a result (they are seeded, so
//! they give the same results). A missing data file can be located by the user. Opening
//! never writes a file.

use std::path::{Path, PathBuf};
use std::time::Instant;

use super::{Command, DIALOG_FAILED_WITHIN, EvalChoice, MarketLensApp, View};
use crate::data::{Dataset, Source};
use crate::jobs::{self, JobError, JobHandle, Outcome};
use crate::model_file::{ModelFile, SavedClassifier, SavedModel, SavedRegression, SavedSegments};
use crate::project::{
    ClassifierSettings, ColumnRole, DataCheck, DataRef, DriversSection, EXTENSION, Evaluation,
    ForecastSection, LstmSection, PredictSection, Project, SegmentsSection,
};

/// A project that was read and whose data file is (about to be) loaded.
pub struct Opened {
    pub project: Project,
    /// The project file.
    pub path: PathBuf,
    /// The data file to load: the recorded one or the one the user located.
    pub data: DataSource,
    pub check: DataCheck,
}

/// Where a project's data comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DataSource {
    File(PathBuf),
    Sample(String),
}

impl DataSource {
    pub(super) fn label(&self) -> String {
        match self {
            DataSource::File(p) => crate::data::load::file_label(p),
            DataSource::Sample(name) => name.clone(),
        }
    }
}

/// What the file dialog was opened for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DialogPurpose {
    Save,
    Open,
    Relocate,
}

/// What still has to happen after the re-runs of an opened project finish.
#[derive(Default)]
pub struct Restore {
    /// The segment names, applied when the segmentation is done.
    pub names: Option<Vec<String>>,
    /// The Predict threshold, applied when training is done.
    pub threshold: Option<f64>,
    /// Forecast once the series is built.
    pub forecast: bool,
}

/// What the project commands keep between frames.
#[derive(Default)]
pub struct ProjectState {
    /// The current project file (Save writes here).
    pub path: Option<PathBuf>,
    pub save_job: Option<JobHandle<(), PathBuf>>,
    pub open_job: Option<JobHandle<(), Opened>>,
    pub dialog_job: Option<(Instant, JobHandle<(), Option<PathBuf>>, DialogPurpose)>,
    /// Opened, waiting for its data file to load.
    pub pending: Option<Box<Opened>>,
    /// Opened, but its data file is missing: the user is asked to locate it.
    pub relocate: Option<Box<Opened>>,
    pub restore: Restore,
}

impl ProjectState {
    /// No current project (its data was closed, or another file was opened).
    pub fn forget(&mut self) {
        self.path = None;
        self.relocate = None;
        self.restore = Restore::default();
    }

    /// A save or an open is under way.
    pub fn is_busy(&self) -> bool {
        self.save_job.is_some() || self.open_job.is_some() || self.dialog_job.is_some()
    }
}

/// The project commands of the window (File menu, Ctrl+S / Ctrl+O).
#[derive(Clone, Debug, PartialEq)]
pub enum ProjectCommand {
    /// Save to the current project file, or ask for one.
    Save,
    /// Ask for a new project file name.
    SaveAs,
    /// Ask for a project file to open.
    Open,
    SaveTo(PathBuf),
    OpenFrom(PathBuf),
    /// Ask where the missing data file of the opened project is.
    Relocate,
    /// The missing data file of the opened project is this one.
    RelocateTo(PathBuf),
    /// Give up on the project whose data file is missing.
    CancelRelocate,
}

fn view_name(view: View) -> &'static str {
    match view {
        View::Data => "data",
        View::Segments => "segments",
        View::Predict => "predict",
        View::Forecast => "forecast",
        View::Drivers => "drivers",
    }
}

fn eval_to_file(e: EvalChoice) -> Evaluation {
    match e {
        EvalChoice::Split => Evaluation::Split,
        EvalChoice::KFold => Evaluation::KFold,
        EvalChoice::TestFile => Evaluation::TestFile,
    }
}

/// The names of the ticked columns.
fn ticked(ds: &Dataset, on: &[bool]) -> Vec<String> {
    ds.columns
        .iter()
        .zip(on)
        .filter(|(_, on)| **on)
        .map(|(c, _)| c.name.clone())
        .collect()
}

fn column_name(ds: &Dataset, i: Option<usize>) -> Option<String> {
    i.and_then(|i| ds.columns.get(i)).map(|c| c.name.clone())
}

/// Add `.mlens` to a name chosen without an extension.
fn with_extension(mut path: PathBuf) -> PathBuf {
    if path.extension().is_none() {
        path.set_extension(EXTENSION);
    }
    path
}

impl MarketLensApp {
    pub(super) fn apply_project(&mut self, command: ProjectCommand) {
        match command {
            ProjectCommand::Save => match self.state.project.path.clone() {
                Some(path) => self.save_project(path),
                None => self.project_dialog(DialogPurpose::Save),
            },
            ProjectCommand::SaveAs => self.project_dialog(DialogPurpose::Save),
            ProjectCommand::Open => self.project_dialog(DialogPurpose::Open),
            ProjectCommand::SaveTo(path) => self.save_project(path),
            ProjectCommand::OpenFrom(path) => self.open_project(path),
            ProjectCommand::Relocate => self.project_dialog(DialogPurpose::Relocate),
            ProjectCommand::RelocateTo(path) => self.relocate_data(path),
            ProjectCommand::CancelRelocate => self.state.project.relocate = None,
        }
    }

    /// The project of the current state, or why there is none.
    pub fn capture_project(&self) -> Result<Project, String> {
        let st = &self.state;
        let ds = st
            .dataset
            .as_ref()
            .ok_or("Open a data file first: a project keeps a data file and its analyses.")?;
        let data = match &ds.path {
            // hashed on the job
            Some(path) => DataRef {
                path: path.clone(),
                sample: None,
                sha256: String::new(),
                bytes: ds.file_bytes,
                rows: ds.rows(),
            },
            None => {
                let sample = crate::samples::find(&ds.file_name).ok_or_else(|| {
                    format!(
                        "\u{201c}{}\u{201d} is not a file on disk, so a project cannot refer \
                         to it.",
                        ds.file_name
                    )
                })?;
                DataRef::for_sample(sample.file_name, sample.bytes, ds.rows())
            }
        };
        let mut p = Project::new(data);
        p.roles = ds
            .columns
            .iter()
            .zip(&st.roles)
            .map(|(c, r)| ColumnRole {
                column: c.name.clone(),
                role: *r,
            })
            .collect();
        p.view = view_name(st.view).to_owned();
        let trained_on = &ds.file_name;

        let seg = &st.seg;
        p.segments = Some(SegmentsSection {
            features: ticked(ds, &seg.features),
            k: seg.k,
            algorithm: seg.algorithm.into(),
            seed: seg.seed,
            standardize: seg.standardize,
            log_skewed: seg.log_skewed,
            names: seg.names.clone(),
            ran: seg.result.is_some(),
            model: seg.result.as_ref().map(|r| {
                ModelFile::new(
                    trained_on,
                    SavedModel::Segments(SavedSegments::from_result(r, seg.algorithm, &seg.names)),
                )
            }),
        });

        let cls = &st.cls;
        p.predict = Some(PredictSection {
            target: column_name(ds, cls.target),
            positive: cls.positive.clone(),
            features: ticked(ds, &cls.features),
            models: cls.models.iter().filter(|m| m.1).map(|m| m.0).collect(),
            evaluation: eval_to_file(cls.eval),
            test_share: cls.test_share,
            folds: cls.folds,
            test_file: cls.test_path.clone(),
            seed: cls.seed,
            settings: ClassifierSettings::from(&cls.settings),
            imbalance: cls.imbalance.into(),
            threshold: cls.threshold,
            cost: cls.cost,
            value: cls.value,
            risk_min: cls.risk_min,
            ran: cls.result.is_some(),
            trained: cls.result.as_ref().map_or_else(Vec::new, |r| {
                (0..r.models.len())
                    .filter_map(|i| SavedClassifier::from_result(r, i))
                    .map(|m| ModelFile::new(trained_on, SavedModel::Classifier(m)))
                    .collect()
            }),
        });

        let fc = &st.fc;
        p.forecast = Some(ForecastSection {
            date: column_name(ds, fc.date),
            value: column_name(ds, fc.value),
            aggregate: fc.aggregate,
            period: fc.period,
            fill: fc.fill,
            season: fc.season,
            holdout: fc.holdout,
            horizon: fc.horizon,
            methods: fc
                .models
                .iter()
                .filter(|m| m.1)
                .map(|m| m.0.cli_name().to_owned())
                .collect(),
            trend: fc.trend,
            seasonal: fc.seasonal.into(),
            lstm: LstmSection::from(&fc.lstm),
            lstm_changes: fc.lstm_changes,
            ran: fc.result.is_some(),
        });

        let reg = &st.reg;
        p.drivers = Some(DriversSection {
            target: column_name(ds, reg.target),
            features: ticked(ds, &reg.features),
            date: column_name(ds, reg.date),
            calendar: reg.calendar,
            models: reg.models.iter().filter(|m| m.1).map(|m| m.0).collect(),
            evaluation: eval_to_file(reg.eval),
            test_share: reg.test_share,
            folds: reg.folds,
            test_file: reg.test_path.clone(),
            seed: reg.seed,
            choose_penalty: reg.choose_penalty,
            alpha: reg.alpha,
            l1_ratio: reg.l1_ratio,
            k: reg.k,
            ran: reg.result.is_some(),
            trained: reg.result.as_ref().map_or_else(Vec::new, |r| {
                (0..r.models.len())
                    .filter_map(|i| SavedRegression::from_result(r, i))
                    .map(|m| ModelFile::new(trained_on, SavedModel::Regression(m)))
                    .collect()
            }),
        });
        Ok(p)
    }

    fn save_project(&mut self, path: PathBuf) {
        if self.state.project.save_job.is_some() {
            return;
        }
        let st = &self.state;
        let running = st.seg.job.is_some()
            || st.cls.job.is_some()
            || st.fc.job.is_some()
            || st.reg.job.is_some()
            || st.project.restore.names.is_some()
            || st.project.restore.threshold.is_some()
            || st.project.restore.forecast;
        if running {
            self.error(
                "An analysis is still running: save the project when it has finished, so that \
                 its results and models are saved too.",
            );
            return;
        }
        let mut project = match self.capture_project() {
            Ok(p) => p,
            Err(e) => {
                self.error(e);
                return;
            }
        };
        let data_file = self.state.dataset.as_ref().and_then(|d| d.path.clone());
        let loaded_bytes = project.data.bytes;
        self.state.project.save_job = Some(jobs::spawn::<(), _, JobError, _>(
            "save project",
            self.notifier(),
            move |_| {
                if let Some(data) = &data_file {
                    let label = crate::data::load::file_label(data);
                    let fresh = DataRef::for_file(data, project.data.rows).map_err(|e| {
                        JobError::Failed(format!(
                            "Could not read the data file \u{201c}{label}\u{201d} to record it \
                             in the project: {e}"
                        ))
                    })?;
                    if fresh.bytes != loaded_bytes {
                        return Err(JobError::Failed(format!(
                            "\u{201c}{label}\u{201d} changed on disk since it was opened. Open \
                             it again (and run the analyses again) before saving the project."
                        )));
                    }
                    project.data = fresh;
                }
                project
                    .save(&path, data_file.as_deref())
                    .map_err(|e| JobError::Failed(e.to_string()))?;
                Ok(path)
            },
        ));
    }

    fn open_project(&mut self, path: PathBuf) {
        if let Some(old) = self.state.project.open_job.take() {
            old.cancel();
        }
        self.state.project.open_job = Some(jobs::spawn::<(), _, JobError, _>(
            "open project",
            self.notifier(),
            move |_| {
                let project = Project::load(&path).map_err(|e| JobError::Failed(e.to_string()))?;
                let data = match &project.data.sample {
                    Some(name) => DataSource::Sample(name.clone()),
                    None => DataSource::File(project.data.path.clone()),
                };
                let check = project.check_data();
                Ok(Opened {
                    project,
                    path,
                    data,
                    check,
                })
            },
        ));
    }

    /// The user located the missing data file of the opened project.
    fn relocate_data(&mut self, data: PathBuf) {
        let Some(opened) = self.state.project.relocate.take() else {
            return;
        };
        if let Some(old) = self.state.project.open_job.take() {
            old.cancel();
        }
        self.state.project.open_job = Some(jobs::spawn::<(), _, JobError, _>(
            "check located data file",
            self.notifier(),
            move |_| {
                let Opened { project, path, .. } = *opened;
                let check = project.data.check_file(&data);
                Ok(Opened {
                    project,
                    path,
                    data: DataSource::File(data),
                    check,
                })
            },
        ));
    }

    fn project_dialog(&mut self, purpose: DialogPurpose) {
        if self.state.project.dialog_job.is_some() {
            return;
        }
        if purpose == DialogPurpose::Save && self.state.dataset.is_none() {
            self.error("Open a data file first: a project keeps a data file and its analyses.");
            return;
        }
        let current = self.state.project.path.clone();
        let suggested = self.state.dataset.as_ref().map(|d| {
            let stem = Path::new(&d.file_name).file_stem().map_or_else(
                || "project".to_owned(),
                |s| s.to_string_lossy().into_owned(),
            );
            format!("{stem}.{EXTENSION}")
        });
        let pick = move || {
            let dialog = rfd::FileDialog::new();
            match purpose {
                DialogPurpose::Save => {
                    let mut dialog = dialog
                        .set_title("Save the project as")
                        .add_filter("MarketLens project", &[EXTENSION]);
                    let name = current
                        .as_ref()
                        .and_then(|p| p.file_name())
                        .map(|n| n.to_string_lossy().into_owned())
                        .or(suggested);
                    if let Some(name) = name {
                        dialog = dialog.set_file_name(name);
                    }
                    if let Some(dir) = current.as_ref().and_then(|p| p.parent()) {
                        dialog = dialog.set_directory(dir);
                    }
                    dialog.save_file()
                }
                DialogPurpose::Open => dialog
                    .set_title("Open a project")
                    .add_filter("MarketLens project", &[EXTENSION])
                    .add_filter("All files", &["*"])
                    .pick_file(),
                DialogPurpose::Relocate => dialog
                    .set_title("Where is the project's data file?")
                    .add_filter(
                        "CSV and text files",
                        &["csv", "tsv", "txt", "CSV", "TSV", "TXT"],
                    )
                    .add_filter("All files", &["*"])
                    .pick_file(),
            }
        };
        if cfg!(target_os = "macos") {
            // macOS wants dialogs on the main thread; it is modal there anyway.
            let started = Instant::now();
            let picked = pick();
            self.project_dialog_finished(started, picked, purpose);
        } else {
            let job = jobs::spawn::<(), _, JobError, _>(
                "project file dialog",
                self.notifier(),
                move |_| Ok(pick()),
            );
            self.state.project.dialog_job = Some((Instant::now(), job, purpose));
        }
    }

    fn project_dialog_finished(
        &mut self,
        started: Instant,
        picked: Option<PathBuf>,
        purpose: DialogPurpose,
    ) {
        match (picked, purpose) {
            (Some(path), DialogPurpose::Save) => self.save_project(with_extension(path)),
            (Some(path), DialogPurpose::Open) => self.open_project(path),
            (Some(path), DialogPurpose::Relocate) => self.relocate_data(path),
            (None, _) if started.elapsed() < DIALOG_FAILED_WITHIN => self.error(
                "The system file dialog could not be opened here (no desktop file portal was \
                 found).",
            ),
            (None, _) => {}
        }
    }

    /// The project was read: warn about its data file, then load it (or ask where it is).
    fn project_opened(&mut self, opened: Opened) {
        let project_name = crate::data::load::file_label(&opened.path);
        let data_name = opened.data.label();
        if opened.check == DataCheck::Missing {
            let at = match &opened.data {
                DataSource::File(p) => format!(" ({})", p.display()),
                DataSource::Sample(_) => " (a sample this version does not have)".to_owned(),
            };
            self.error(format!(
                "The data file \u{201c}{data_name}\u{201d} of project \
                 \u{201c}{project_name}\u{201d} is not where the project says{at}. Locate \
                 it\u{2026} to continue."
            ));
            self.state.project.relocate = Some(Box::new(opened));
            return;
        }
        let source = match &opened.data {
            DataSource::File(p) => Source::File(p.clone()),
            DataSource::Sample(name) => match crate::samples::find(name) {
                Some(s) => s.source(),
                None => return,
            },
        };
        self.state.project.relocate = None;
        self.state.project.pending = Some(Box::new(opened));
        self.apply(Command::Load(source));
    }

    /// Called every frame: dialogs and jobs of the project commands.
    pub(super) fn poll_project(&mut self) {
        // a project whose data file failed to load (or whose loading was stopped)
        if self.state.project.pending.is_some() && self.state.load_job.is_none() {
            self.state.project.pending = None;
        }
        if let Some(job) = self.state.project.save_job.as_mut()
            && let Some(outcome) = job.poll()
        {
            self.state.project.save_job = None;
            match outcome {
                Outcome::Done(path) => {
                    self.banner(format!("Saved the project to {}.", path.display()), false);
                    self.state.project.path = Some(path);
                }
                Outcome::Failed(msg) => self.error(msg),
                Outcome::Panicked(msg) => self.error(format!(
                    "Saving the project hit an internal error ({msg}). MarketLens is still \
                     running."
                )),
                Outcome::Cancelled => {}
            }
        }
        if let Some(job) = self.state.project.open_job.as_mut()
            && let Some(outcome) = job.poll()
        {
            self.state.project.open_job = None;
            match outcome {
                Outcome::Done(opened) => self.project_opened(opened),
                Outcome::Failed(msg) => self.error(msg),
                Outcome::Panicked(msg) => self.error(format!(
                    "Opening the project hit an internal error ({msg}). MarketLens is still \
                     running."
                )),
                Outcome::Cancelled => {}
            }
        }
        if let Some((started, job, purpose)) = self.state.project.dialog_job.as_mut()
            && let Some(outcome) = job.poll()
        {
            let (started, purpose) = (*started, *purpose);
            self.state.project.dialog_job = None;
            match outcome {
                Outcome::Done(picked) => self.project_dialog_finished(started, picked, purpose),
                Outcome::Failed(msg) | Outcome::Panicked(msg) => {
                    self.error(format!("The file dialog failed ({msg})."));
                }
                Outcome::Cancelled => {}
            }
        }
        self.poll_restore();
    }
}
