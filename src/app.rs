//! The eframe application: owns the state, polls background jobs, lays out the views.
//! Views live in `ui/`; they draw the state and return commands, they never do I/O.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use eframe::egui;
use serde::{Deserialize, Serialize};

use crate::data::{ColumnKind, Dataset, LoadProgress, Role, Source};
use crate::jobs::{self, JobHandle, Outcome, Reporter};
use crate::ui;

mod classify;
mod forecast;
mod input;
pub mod project;
mod project_restore;
mod regress;
mod segments;
pub mod share;
mod share_build;
pub use classify::{ClassifyState, EvalChoice, LiveModel, ResultPage};
pub use forecast::{ForecastState, LiveForecast, SeriesPreview};
pub use regress::{RegressPage, RegressState, suggested_target};
pub use segments::SegmentState;

const MAX_RECENT: usize = 10;
/// A file dialog that returns "nothing chosen" faster than this never really opened.
const DIALOG_FAILED_WITHIN: Duration = Duration::from_millis(300);

/// A finished sort: (column, descending, table row → data row).
pub type SortedOrder = (usize, bool, Vec<u32>);

/// Recent files and whether each still exists.
pub type RecentCheck = (Vec<PathBuf>, Vec<bool>);

/// What is kept between runs.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Persisted {
    pub recent: Vec<PathBuf>,
    pub dark_mode: bool,
}

/// Which workbench fills the window when a file is open.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum View {
    #[default]
    Data,
    Segments,
    /// Churn and response: predict a yes/no outcome.
    Predict,
    /// Sales over time: forecast the next periods.
    Forecast,
    /// What drives a number (spend, sales), and what if a driver moves.
    Drivers,
}

/// A message in the banner at the top of the window.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Banner {
    pub text: String,
    pub is_error: bool,
}

/// Everything that the window shows.
pub struct AppState {
    pub persisted: Persisted,
    /// Whether each recent file still exists (checked when the list changes, not every frame).
    pub recent_exists: Vec<bool>,
    pub dataset: Option<Arc<Dataset>>,
    /// The role of each column of the dataset (starts as the suggestion).
    pub roles: Vec<Role>,
    pub selected_column: Option<usize>,
    /// Sorted by (column, descending); `order` maps table row → data row.
    pub sort: Option<(usize, bool)>,
    pub order: Option<Arc<Vec<u32>>>,
    pub banners: Vec<Banner>,
    pub path_input: String,
    pub show_path_field: bool,
    pub load_job: Option<JobHandle<LoadProgress, Dataset>>,
    pub loading_name: String,
    pub sort_job: Option<JobHandle<(), SortedOrder>>,
    pub dialog_job: Option<(Instant, JobHandle<(), Option<PathBuf>>)>,
    /// Checks which recent files still exist (a network drive can be slow to answer).
    pub recent_job: Option<JobHandle<(), RecentCheck>>,
    /// The test-file dialog of Predict or Drivers (the tab that asked gets the path).
    pub test_dialog_job: Option<(Instant, JobHandle<(), Option<PathBuf>>, View)>,
    pub view: View,
    pub seg: SegmentState,
    pub cls: ClassifyState,
    pub fc: ForecastState,
    pub reg: RegressState,
    pub project: project::ProjectState,
    pub share: share::ShareState,
}

/// What a view asks the app to do.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    OpenDialog,
    Load(Source),
    CancelLoad,
    CloseDataset,
    RemoveRecent(usize),
    DismissBanner(usize),
    SortBy(usize),
    SetRole(usize, Role),
    SelectColumn(usize),
    ToggleDarkMode,
    ShowView(View),
    FindSegments,
    CancelSegments,
    ScanK,
    /// Stop the k scan (a running segmentation goes on).
    CancelScan,
    /// Save the input rows with their segment names (`true`) or the profile table.
    ExportSegments(bool),
    /// Pick the export file with the system dialog.
    ChooseExportPath,
    /// Predict tab: the outcome column changed (index), or its positive value.
    SetTarget(usize),
    SetPositive(Option<String>),
    Train,
    CancelTraining,
    /// Measure what drives each model's score again (after it was stopped), or stop it.
    MeasureDrivers,
    CancelDrivers,
    /// Save the at-risk list (rows at or above the chosen probability).
    ExportAtRisk,
    /// Pick the Predict tab's test file with the system dialog.
    ChooseTestFile,
    /// Forecast tab: the date/value/period/aggregation/fill choice changed.
    RefreshSeries,
    RunForecast,
    /// Stop the LSTM and keep its best weights (or cancel, before it trains).
    StopForecast,
    ExportForecast,
    /// Drivers tab: fit the ticked regression models, or stop.
    FitRegression,
    CancelRegression,
    /// Save or open a `.mlens` project.
    Project(project::ProjectCommand),
    /// Presentation mode, chart and table export, the report, saved models and scoring.
    Share(share::ShareCommand),
}

pub struct MarketLensApp {
    pub state: AppState,
    ctx: egui::Context,
    theme_applied: Option<bool>,
}

impl MarketLensApp {
    /// Build the app; `initial` is a file given on the command line.
    pub fn new(cc: &eframe::CreationContext<'_>, initial: Option<PathBuf>) -> Self {
        ui::theme::install_fonts(&cc.egui_ctx);
        let persisted: Persisted = cc
            .storage
            .and_then(|s| eframe::get_value(s, eframe::APP_KEY))
            .unwrap_or_default();
        let mut app = Self {
            state: AppState {
                recent_exists: Vec::new(),
                persisted,
                dataset: None,
                roles: Vec::new(),
                selected_column: None,
                sort: None,
                order: None,
                banners: Vec::new(),
                path_input: String::new(),
                show_path_field: false,
                load_job: None,
                loading_name: String::new(),
                sort_job: None,
                dialog_job: None,
                recent_job: None,
                test_dialog_job: None,
                view: View::Data,
                seg: SegmentState::default(),
                cls: ClassifyState::default(),
                fc: ForecastState::default(),
                reg: RegressState::default(),
                project: project::ProjectState::default(),
                share: share::ShareState::default(),
            },
            ctx: cc.egui_ctx.clone(),
            theme_applied: None,
        };
        app.refresh_recent();
        if let Some(path) = initial {
            app.apply(Command::Load(Source::File(path)));
        }
        app
    }

    fn notifier(&self) -> impl Fn() + Send + Sync + 'static {
        let ctx = self.ctx.clone();
        move || ctx.request_repaint()
    }

    /// Re-check, on a job, which recent files still exist (after the list changed). Until the
    /// answer comes, entries are shown as available.
    pub fn refresh_recent(&mut self) {
        let paths = self.state.persisted.recent.clone();
        self.state.recent_exists = vec![true; paths.len()];
        self.state.recent_job = Some(jobs::spawn::<(), _, jobs::JobError, _>(
            "check recent files",
            self.notifier(),
            move |_| {
                let exists = paths.iter().map(|p| p.is_file()).collect();
                Ok((paths, exists))
            },
        ));
    }

    fn error(&mut self, text: impl Into<String>) {
        self.banner(text, true);
    }

    fn banner(&mut self, text: impl Into<String>, is_error: bool) {
        let banner = Banner {
            text: text.into(),
            is_error,
        };
        if !self.state.banners.contains(&banner) {
            self.state.banners.push(banner);
        }
    }

    /// Carry out a command from a view.
    pub fn apply(&mut self, command: Command) {
        match command {
            Command::OpenDialog => self.open_dialog(),
            Command::Load(source) => self.start_load(source),
            Command::CancelLoad => {
                if let Some(job) = self.state.load_job.take() {
                    job.cancel();
                    let name = std::mem::take(&mut self.state.loading_name);
                    self.banner(format!("Stopped loading \u{201c}{name}\u{201d}."), false);
                }
            }
            Command::CloseDataset => {
                let st = &mut self.state;
                st.dataset = None;
                st.roles.clear();
                st.selected_column = None;
                st.sort = None;
                st.order = None;
                if let Some(job) = st.sort_job.take() {
                    job.cancel();
                }
                if let Some(job) = st.seg.job.take() {
                    job.cancel();
                }
                if let Some(job) = st.seg.scan_job.take() {
                    job.cancel();
                }
                st.seg = SegmentState::default();
                if let Some(job) = st.cls.job.take() {
                    job.cancel();
                }
                st.cls = ClassifyState::default();
                if let Some(job) = st.fc.job.take() {
                    job.cancel();
                }
                st.fc = ForecastState::default();
                if let Some(job) = st.reg.job.take() {
                    job.cancel();
                }
                st.reg = RegressState::default();
                st.project.forget();
                st.view = View::Data;
            }
            Command::RemoveRecent(i) => {
                if i < self.state.persisted.recent.len() {
                    self.state.persisted.recent.remove(i);
                    self.refresh_recent();
                }
            }
            Command::DismissBanner(i) => {
                if i < self.state.banners.len() {
                    self.state.banners.remove(i);
                }
            }
            Command::SortBy(col) => self.start_sort(col),
            Command::SetRole(col, role) => {
                if role == Role::Target {
                    // one target at a time: the previous one becomes a feature
                    for r in self.state.roles.iter_mut().filter(|r| **r == Role::Target) {
                        *r = Role::Feature;
                    }
                }
                if let Some(r) = self.state.roles.get_mut(col) {
                    *r = role;
                }
            }
            Command::SelectColumn(col) => self.state.selected_column = Some(col),
            Command::ShowView(view) => self.state.view = view,
            Command::FindSegments => self.start_segments(),
            Command::CancelSegments => {
                if let Some(job) = self.state.seg.job.take() {
                    job.cancel();
                }
                if let Some(job) = self.state.seg.scan_job.take() {
                    job.cancel();
                }
            }
            Command::ScanK => self.start_scan(),
            Command::CancelScan => self.cancel_scan(),
            Command::ExportSegments(rows) => self.start_export(rows),
            Command::ChooseExportPath => self.choose_export_path(),
            Command::SetTarget(col) => {
                if let Some(ds) = self.state.dataset.clone() {
                    self.state.cls.target = Some(col);
                    self.state.cls.positive = None;
                    self.state.cls.refresh_target(&ds);
                }
            }
            Command::SetPositive(value) => {
                if let Some(ds) = self.state.dataset.clone() {
                    self.state.cls.positive = value;
                    self.state.cls.refresh_target(&ds);
                }
            }
            Command::Train => self.start_training(),
            Command::CancelTraining => self.cancel_training(),
            Command::MeasureDrivers => self.start_drivers(),
            Command::CancelDrivers => self.cancel_drivers(),
            Command::ExportAtRisk => self.start_risk_export(),
            Command::ChooseTestFile => self.choose_test_file(),
            Command::RefreshSeries => self.refresh_series(),
            Command::RunForecast => self.start_forecast(),
            Command::StopForecast => self.stop_forecast(),
            Command::ExportForecast => self.start_forecast_export(),
            Command::FitRegression => self.start_regress(),
            Command::CancelRegression => self.cancel_regress(),
            Command::Project(c) => self.apply_project(c),
            Command::Share(c) => self.apply_share(c),
            Command::ToggleDarkMode => {
                self.state.persisted.dark_mode = !self.state.persisted.dark_mode;
            }
        }
    }

    fn start_load(&mut self, source: Source) {
        if let Some(old) = self.state.load_job.take() {
            old.cancel();
        }
        self.state.loading_name = source.display_name();
        let name = format!("load {}", self.state.loading_name);
        self.state.load_job = Some(jobs::spawn(&name, self.notifier(), move |r| {
            crate::data::load(&source, r)
        }));
    }

    fn start_sort(&mut self, col: usize) {
        let Some(ds) = self.state.dataset.clone() else {
            return;
        };
        let descending = matches!(self.state.sort, Some((c, false)) if c == col);
        let Some(name) = ds.columns.get(col).map(|c| c.name.clone()) else {
            return;
        };
        if let Some(old) = self.state.sort_job.take() {
            old.cancel();
        }
        self.state.sort_job = Some(jobs::spawn(
            "sort table",
            self.notifier(),
            move |r: &Reporter<()>| {
                crate::data::table::sorted_order(&ds.df, &name, descending, r)
                    .map(|order| (col, descending, order))
                    .map_err(jobs::JobError::Failed)
            },
        ));
    }

    fn open_dialog(&mut self) {
        if self.state.dialog_job.is_some() {
            return;
        }
        let pick = || {
            rfd::FileDialog::new()
                .set_title("Open a CSV file")
                .add_filter(
                    "CSV and text files",
                    &["csv", "tsv", "txt", "CSV", "TSV", "TXT"],
                )
                .add_filter("All files", &["*"])
                .pick_file()
        };
        if cfg!(target_os = "macos") {
            // macOS wants dialogs on the main thread; it is modal there anyway.
            let started = Instant::now();
            let picked = pick();
            self.dialog_finished(started, picked);
        } else {
            let job = jobs::spawn::<(), _, jobs::JobError, _>(
                "file dialog",
                self.notifier(),
                move |_| Ok(pick()),
            );
            self.state.dialog_job = Some((Instant::now(), job));
        }
    }

    fn dialog_finished(&mut self, started: Instant, picked: Option<PathBuf>) {
        match picked {
            Some(path) => self.apply(Command::Load(Source::File(path))),
            None if started.elapsed() < DIALOG_FAILED_WITHIN => {
                self.state.show_path_field = true;
                self.banner(
                    "The system file dialog could not be opened here (no desktop file portal \
                     was found). Type or paste the path of a CSV file in the field below.",
                    true,
                );
            }
            None => {}
        }
    }

    /// Poll background jobs and apply what they finished. Never blocks.
    pub fn poll_jobs(&mut self) {
        if let Some(job) = self.state.load_job.as_mut()
            && let Some(outcome) = job.poll()
        {
            self.state.load_job = None;
            let name = std::mem::take(&mut self.state.loading_name);
            match outcome {
                Outcome::Done(ds) => self.loaded(ds),
                Outcome::Failed(msg) => self.error(msg),
                Outcome::Cancelled => {}
                Outcome::Panicked(msg) => self.error(format!(
                    "Loading \u{201c}{name}\u{201d} hit an internal error ({msg}). \
                     MarketLens is still running; please report this file."
                )),
            }
        }
        if let Some(job) = self.state.sort_job.as_mut()
            && let Some(outcome) = job.poll()
        {
            self.state.sort_job = None;
            match outcome {
                Outcome::Done((col, descending, order)) => {
                    self.state.sort = Some((col, descending));
                    self.state.order = Some(Arc::new(order));
                }
                Outcome::Failed(msg) | Outcome::Panicked(msg) => {
                    self.error(format!("Could not sort the table: {msg}"));
                }
                Outcome::Cancelled => {}
            }
        }
        self.poll_segment_jobs();
        self.poll_classify_jobs();
        self.poll_forecast_jobs();
        self.poll_regress_jobs();
        if let Some(job) = self.state.recent_job.as_mut()
            && let Some(outcome) = job.poll()
        {
            self.state.recent_job = None;
            // an answer about an older list is ignored
            if let Outcome::Done((paths, exists)) = outcome
                && paths == self.state.persisted.recent
            {
                self.state.recent_exists = exists;
            }
        }
        if let Some((started, job)) = self.state.dialog_job.as_mut()
            && let Some(outcome) = job.poll()
        {
            let started = *started;
            self.state.dialog_job = None;
            match outcome {
                Outcome::Done(picked) => self.dialog_finished(started, picked),
                Outcome::Failed(msg) | Outcome::Panicked(msg) => {
                    self.state.show_path_field = true;
                    self.error(format!(
                        "The file dialog failed ({msg}). Type or paste the path of a CSV file below."
                    ));
                }
                Outcome::Cancelled => {}
            }
        }
    }

    fn loaded(&mut self, ds: Dataset) {
        let st = &mut self.state;
        st.banners.clear();
        for n in &ds.notices {
            st.banners.push(Banner {
                text: format!("{}: {n}", ds.file_name),
                is_error: false,
            });
        }
        if let Some(path) = &ds.path {
            st.persisted.recent.retain(|p| p != path);
            st.persisted.recent.insert(0, path.clone());
            st.persisted.recent.truncate(MAX_RECENT);
        }
        // a sort of the previous file must not reorder this one
        if let Some(job) = st.sort_job.take() {
            job.cancel();
        }
        st.roles = ds.columns.iter().map(|c| c.role).collect();
        // segmentation starts from the behaviour columns: the numeric features (categories
        // such as gender or city can be ticked; one-hot columns tend to dominate distances)
        if let Some(job) = st.seg.job.take() {
            job.cancel();
        }
        if let Some(job) = st.seg.scan_job.take() {
            job.cancel();
        }
        st.seg = SegmentState {
            features: ds
                .columns
                .iter()
                .map(|c| c.role == Role::Feature && c.kind == ColumnKind::Numeric)
                .collect(),
            k: 4,
            seed: 42,
            standardize: true,
            export_path: path_beside(&ds, "segments"),
            ..SegmentState::default()
        };
        if let Some(job) = st.cls.job.take() {
            job.cancel();
        }
        st.cls = ClassifyState::for_dataset(&ds);
        if let Some(job) = st.fc.job.take() {
            job.cancel();
        }
        st.fc = ForecastState::for_dataset(&ds);
        if let Some(job) = st.reg.job.take() {
            job.cancel();
        }
        st.reg = RegressState::for_dataset(&ds);
        st.view = View::Data;
        st.selected_column = ds
            .columns
            .iter()
            .position(|c| c.role == Role::Target)
            .or(Some(0));
        st.sort = None;
        st.order = None;
        st.show_path_field = false;
        st.dataset = Some(Arc::new(ds));
        self.refresh_recent();
        self.refresh_series();
        self.project_after_load();
    }
}

impl eframe::App for MarketLensApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.poll_jobs();
        self.poll_project();
        self.poll_share();
        self.handle_input(ctx);
        if self.theme_applied != Some(self.state.persisted.dark_mode) {
            ui::theme::apply(ctx, self.state.persisted.dark_mode);
            self.theme_applied = Some(self.state.persisted.dark_mode);
        }
        if self.state.load_job.is_some()
            || self.state.sort_job.is_some()
            || self.state.seg.job.is_some()
            || self.state.seg.scan_job.is_some()
            || self.state.cls.job.is_some()
            || self.state.cls.drivers_job.is_some()
            || self.state.fc.job.is_some()
            || self.state.fc.preview_job.is_some()
            || self.state.reg.job.is_some()
        {
            // keep the elapsed time ticking even between progress events
            ctx.request_repaint_after(Duration::from_millis(100));
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let commands = ui::draw(ui, &mut self.state);
        for c in commands {
            self.apply(c);
        }
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        // presentation mode's light theme is not the user's choice
        let mut persisted = self.state.persisted.clone();
        if let Some(dark) = self.state.share.theme_before {
            persisted.dark_mode = dark;
        }
        eframe::set_value(storage, eframe::APP_KEY, &persisted);
    }
}

/// "<file stem>_<suffix>.csv" beside the input file (in the working folder for a bundled
/// sample): where each workbench proposes to save its output.
pub fn path_beside(ds: &Dataset, suffix: &str) -> String {
    let stem = std::path::Path::new(&ds.file_name)
        .file_stem()
        .map_or_else(|| "data".to_owned(), |s| s.to_string_lossy().into_owned());
    let name = format!("{stem}_{suffix}.csv");
    match ds.path.as_ref().and_then(|p| p.parent()) {
        Some(dir) if !dir.as_os_str().is_empty() => dir.join(name).display().to_string(),
        _ => name,
    }
}

/// Open the window (blocks until it is closed).
pub fn run_gui(initial: Option<PathBuf>) -> eframe::Result<()> {
    let mut viewport = egui::ViewportBuilder::default()
        .with_title("MarketLens")
        .with_inner_size([1280.0, 800.0])
        .with_min_inner_size([720.0, 480.0])
        .with_drag_and_drop(true);
    if let Ok(icon) = eframe::icon_data::from_png_bytes(include_bytes!("../assets/icon.png")) {
        viewport = viewport.with_icon(Arc::new(icon));
    }
    let options = eframe::NativeOptions {
        viewport,
        ..Default::default()
    };
    crate::data::save::remove_unfinished_on_interrupt();
    let result = eframe::run_native(
        "MarketLens",
        options,
        Box::new(move |cc| Ok(Box::new(MarketLensApp::new(cc, initial)))),
    );
    // the window closed while a file was being written: leave no half-written file behind
    crate::data::save::remove_unfinished();
    result
}
