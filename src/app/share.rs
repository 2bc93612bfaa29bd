//! Presenting and sharing: presentation mode, chart and table export, the HTML report, saved
//! models and scoring a new file. The charts and tables of the current view come from
//! [`crate::chart::analyses`] (rebuilt only when the result or the segment names change), so
//! a view that lists its charts there gets presentation, export and the report.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use eframe::egui;

use super::{DIALOG_FAILED_WITHIN, MarketLensApp, View};
use crate::chart::svg::Style;
use crate::chart::{Chart, Table};
use crate::jobs::{self, JobHandle, Outcome};
use crate::model_file::{ModelFile, SavedClassifier, SavedModel, SavedRegression, SavedSegments};

/// The charts and tables of the current view, and what they were built from.
pub struct Built {
    pub key: u64,
    pub charts: Vec<Chart>,
    pub tables: Vec<Table>,
    /// The report's title, source line, settings and sentences.
    pub report: crate::report::Report,
}

/// Image formats a chart can be saved in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageFormat {
    Png,
    Svg,
}

pub struct ShareState {
    /// The chart shown in presentation mode (None: not presenting).
    pub presenting: Option<usize>,
    /// The theme before presentation mode switched to light (restored on leaving).
    pub theme_before: Option<bool>,
    /// The Share window is open.
    pub open: bool,
    /// Exported image size in pixels.
    pub width: u32,
    pub height: u32,
    /// Exported charts on a dark background.
    pub dark_export: bool,
    /// Where exports, reports and models go (a folder).
    pub folder: String,
    pub built: Option<Arc<Built>>,
    /// Saving a chart, table, report or model, or scoring a file.
    pub job: Option<JobHandle<(), String>>,
    pub dialog_job: Option<(Instant, JobHandle<(), Option<PathBuf>>, DialogFor)>,
    /// The model applied by "Score a file" (the last saved one by default) and the file.
    pub score_model: String,
    pub score_data: String,
    /// The last file written, shown in the Share window.
    pub last_written: Option<String>,
}

impl Default for ShareState {
    fn default() -> Self {
        Self {
            presenting: None,
            theme_before: None,
            open: false,
            width: 1920,
            height: 1080,
            dark_export: false,
            folder: String::new(),
            built: None,
            job: None,
            dialog_job: None,
            score_model: String::new(),
            score_data: String::new(),
            last_written: None,
        }
    }
}

/// Which field a file dialog fills.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DialogFor {
    Folder,
    ScoreModel,
    ScoreData,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ShareCommand {
    /// Enter (true) or leave presentation mode.
    Present(bool),
    /// Next (+1) or previous (−1) chart in presentation mode.
    Step(i32),
    /// Open or close the Share window.
    Window(bool),
    SaveChart(usize, ImageFormat),
    CopyChart(usize),
    CopyTable(usize),
    SaveTable(usize),
    SaveReport,
    SaveModel,
    Score,
    Choose(DialogFor),
}

/// `name` in `folder`, or `name_2`, `name_3`… if taken: exports never replace a file.
pub fn new_file(folder: &Path, stem: &str, ext: &str) -> PathBuf {
    let first = folder.join(format!("{stem}.{ext}"));
    if !first.exists() {
        return first;
    }
    (2..)
        .map(|i| folder.join(format!("{stem}_{i}.{ext}")))
        .find(|p| !p.exists())
        .unwrap_or(first)
}

impl MarketLensApp {
    fn share_folder(&self) -> PathBuf {
        let typed = self.state.share.folder.trim();
        if !typed.is_empty() {
            return PathBuf::from(typed);
        }
        self.state
            .dataset
            .as_ref()
            .and_then(|d| d.path.as_ref())
            .and_then(|p| p.parent())
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
    }

    /// "customers_predict": the start of every exported file's name.
    fn share_stem(&self) -> String {
        let stem = self.state.dataset.as_ref().map_or_else(
            || "marketlens".to_owned(),
            |d| {
                Path::new(&d.file_name)
                    .file_stem()
                    .map_or_else(|| "data".to_owned(), |s| s.to_string_lossy().into_owned())
            },
        );
        format!("{stem}_{}", view_slug(self.state.view))
    }

    fn input_path(&self) -> Option<PathBuf> {
        self.state.dataset.as_ref().and_then(|d| d.path.clone())
    }

    /// Run `work` on a background job that reports a sentence (or an error) when done.
    fn share_job(
        &mut self,
        name: &str,
        work: impl FnOnce() -> Result<String, String> + Send + 'static,
    ) {
        if self.state.share.job.is_some() {
            self.banner(
                "Still saving the previous file; try again in a moment.",
                false,
            );
            return;
        }
        self.state.share.job = Some(jobs::spawn::<(), _, jobs::JobError, _>(
            name,
            self.notifier(),
            move |_| work().map_err(jobs::JobError::Failed),
        ));
    }

    pub(super) fn apply_share(&mut self, command: ShareCommand) {
        let built = self.state.share.built.clone();
        let chart = |i: usize| built.as_ref().and_then(|b| b.charts.get(i).cloned());
        let table = |i: usize| built.as_ref().and_then(|b| b.tables.get(i).cloned());
        let (w, h) = (self.state.share.width, self.state.share.height);
        let style = Style {
            dark: self.state.share.dark_export,
            font_scale: 1.0,
        };
        let folder = self.share_folder();
        let stem = self.share_stem();
        let input = self.input_path();
        match command {
            ShareCommand::Present(true) => {
                if self.state.share.presenting.is_none() {
                    self.state.share.theme_before = Some(self.state.persisted.dark_mode);
                    self.state.persisted.dark_mode = false;
                    self.state.share.presenting = Some(0);
                    self.state.share.open = false;
                }
            }
            ShareCommand::Present(false) => {
                self.state.share.presenting = None;
                if let Some(dark) = self.state.share.theme_before.take() {
                    self.state.persisted.dark_mode = dark;
                }
            }
            ShareCommand::Step(by) => {
                let n = built.as_ref().map_or(0, |b| b.charts.len());
                if let Some(i) = self.state.share.presenting.as_mut()
                    && n > 0
                {
                    *i = (*i as i64 + i64::from(by)).rem_euclid(n as i64) as usize;
                }
            }
            ShareCommand::Window(open) => self.state.share.open = open,
            ShareCommand::SaveChart(i, format) => {
                let Some(chart) = chart(i) else { return };
                let (ext, what) = match format {
                    ImageFormat::Png => ("png", "PNG"),
                    ImageFormat::Svg => ("svg", "SVG"),
                };
                let path = new_file(&folder, &format!("{stem}_{}", chart.id), ext);
                self.share_job("save chart", move || {
                    match format {
                        ImageFormat::Png => crate::chart::png::save(&chart, &path, w, h, &style)?,
                        ImageFormat::Svg => {
                            crate::chart::png::save_svg(&chart, &path, w, h, &style)?;
                        }
                    }
                    Ok(format!(
                        "Saved \u{201c}{}\u{201d} as a {w}\u{00d7}{h} {what}: {}",
                        chart.title,
                        path.display()
                    ))
                });
            }
            ShareCommand::CopyChart(i) => {
                let Some(chart) = chart(i) else { return };
                match chart_image(&chart, w, h, &style) {
                    Ok(image) => {
                        self.ctx.copy_image(image);
                        self.banner(
                            format!(
                                "Copied \u{201c}{}\u{201d} ({w}\u{00d7}{h}) to the clipboard.",
                                chart.title
                            ),
                            false,
                        );
                    }
                    Err(e) => self.error(format!("The chart could not be copied: {e}")),
                }
            }
            ShareCommand::CopyTable(i) => {
                let Some(table) = table(i) else { return };
                self.ctx.copy_text(table.to_tsv());
                self.banner(
                    format!(
                        "Copied \u{201c}{}\u{201d} ({} rows) \u{2014} paste it into a spreadsheet.",
                        table.title,
                        table.rows.len()
                    ),
                    false,
                );
            }
            ShareCommand::SaveTable(i) => {
                let Some(table) = table(i) else { return };
                let path = new_file(&folder, &format!("{stem}_{}", table.id), "csv");
                self.share_job("save table", move || {
                    let text = table.to_csv();
                    crate::data::save::write_atomic(&path, input.as_deref(), |f| {
                        use std::io::Write;
                        f.write_all(text.as_bytes()).map_err(|e| e.to_string())
                    })
                    .map_err(|e| e.to_string())?;
                    Ok(format!(
                        "Saved \u{201c}{}\u{201d} as CSV: {}",
                        table.title,
                        path.display()
                    ))
                });
            }
            ShareCommand::SaveReport => {
                let Some(built) = built else { return };
                let path = new_file(&folder, &format!("{stem}_report"), "html");
                self.share_job("save report", move || {
                    crate::report::save(&built.report, &path, input.as_deref())
                        .map_err(|e| e.to_string())?;
                    Ok(format!(
                        "Saved the report ({} charts, {} tables): {}",
                        built.charts.len(),
                        built.tables.len(),
                        path.display()
                    ))
                });
            }
            ShareCommand::SaveModel => {
                let Some(file) = self.current_model() else {
                    self.error("There is no trained model on this tab to save yet.");
                    return;
                };
                let path = new_file(&folder, &stem, "mlmodel");
                self.state.share.score_model = path.display().to_string();
                self.share_job("save model", move || {
                    file.save(&path, input.as_deref())
                        .map_err(|e| e.to_string())?;
                    Ok(format!(
                        "Saved the {} with its column preparation: {}",
                        file.model.describe(),
                        path.display()
                    ))
                });
            }
            ShareCommand::Score => {
                let model = PathBuf::from(self.state.share.score_model.trim());
                let data = PathBuf::from(self.state.share.score_data.trim());
                if model.as_os_str().is_empty() || data.as_os_str().is_empty() {
                    self.error("Choose a saved model and the CSV file to score first.");
                    return;
                }
                let out_folder = if self.state.share.folder.trim().is_empty() {
                    data.parent()
                        .filter(|p| !p.as_os_str().is_empty())
                        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
                } else {
                    folder
                };
                let data_stem = data
                    .file_stem()
                    .map_or_else(|| "data".to_owned(), |s| s.to_string_lossy().into_owned());
                let out = new_file(&out_folder, &format!("{data_stem}_scored"), "csv");
                self.share_job("score file", move || {
                    let args = crate::cli::score::ScoreArgs {
                        model,
                        data,
                        out,
                        json: false,
                    };
                    crate::cli::score::run(&args)
                });
            }
            ShareCommand::Choose(what) => self.share_dialog(what),
        }
    }

    fn share_dialog(&mut self, what: DialogFor) {
        if self.state.share.dialog_job.is_some() {
            return;
        }
        let job =
            jobs::spawn::<(), _, jobs::JobError, _>("share dialog", self.notifier(), move |_| {
                let dialog = rfd::FileDialog::new();
                Ok(match what {
                    DialogFor::Folder => dialog.set_title("Save exports in").pick_folder(),
                    DialogFor::ScoreModel => dialog
                        .set_title("Choose a saved model")
                        .add_filter("MarketLens model", &["mlmodel"])
                        .pick_file(),
                    DialogFor::ScoreData => dialog
                        .set_title("Choose the CSV file to score")
                        .add_filter("CSV", &["csv", "tsv", "txt"])
                        .pick_file(),
                })
            });
        self.state.share.dialog_job = Some((Instant::now(), job, what));
    }

    /// The trained model of the current view (the one whose details are shown).
    pub fn current_model(&self) -> Option<ModelFile> {
        let st = &self.state;
        let trained_on = st.dataset.as_ref()?.file_name.clone();
        let model = match st.view {
            View::Predict => {
                let r = st.cls.result.as_ref()?;
                let i = st.cls.selected.min(r.models.len().saturating_sub(1));
                SavedModel::Classifier(SavedClassifier::from_result(r, i)?)
            }
            View::Drivers => {
                let r = st.reg.result.as_ref()?;
                let i = st.reg.selected.min(r.models.len().saturating_sub(1));
                SavedModel::Regression(SavedRegression::from_result(r, i)?)
            }
            View::Segments => {
                let r = st.seg.result.as_ref()?;
                SavedModel::Segments(SavedSegments::from_result(
                    r,
                    st.seg.algorithm,
                    &st.seg.names,
                ))
            }
            _ => return None,
        };
        Some(ModelFile::new(&trained_on, model))
    }

    /// Rebuild the current view's charts when what they show changed; finish share jobs.
    pub(super) fn poll_share(&mut self) {
        let key = build_key(&self.state);
        if self.state.share.built.as_ref().map(|b| b.key) != Some(key) {
            self.state.share.built = super::share_build::build(&self.state, key).map(Arc::new);
        }
        if let Some(job) = self.state.share.job.as_mut()
            && let Some(outcome) = job.poll()
        {
            self.state.share.job = None;
            match outcome {
                Outcome::Done(msg) => {
                    self.state.share.last_written = Some(msg.clone());
                    self.banner(msg, false);
                }
                Outcome::Failed(msg) | Outcome::Panicked(msg) => self.error(msg),
                Outcome::Cancelled => {}
            }
        }
        if let Some((started, job, what)) = self.state.share.dialog_job.as_mut()
            && let Some(outcome) = job.poll()
        {
            let (started, what) = (*started, *what);
            self.state.share.dialog_job = None;
            match outcome {
                Outcome::Done(Some(path)) => {
                    let text = path.display().to_string();
                    match what {
                        DialogFor::Folder => self.state.share.folder = text,
                        DialogFor::ScoreModel => self.state.share.score_model = text,
                        DialogFor::ScoreData => self.state.share.score_data = text,
                    }
                }
                Outcome::Done(None) if started.elapsed() < DIALOG_FAILED_WITHIN => self.error(
                    "The system file dialog could not be opened here. Type the path in the \
                     field instead.",
                ),
                Outcome::Failed(msg) | Outcome::Panicked(msg) => {
                    self.error(format!(
                        "The file dialog failed ({msg}). Type the path instead."
                    ));
                }
                _ => {}
            }
        }
        if let Some(i) = self.state.share.presenting {
            let n = self
                .state
                .share
                .built
                .as_ref()
                .map_or(0, |b| b.charts.len());
            if n > 0 && i >= n {
                self.state.share.presenting = Some(n - 1);
            }
        }
    }

    /// F5, Esc, arrows and D in presentation mode.
    pub(super) fn share_keys(&mut self, ctx: &egui::Context) {
        use egui::Key;
        let pressed = |k: Key| ctx.input(|i| i.key_pressed(k));
        if self.state.share.presenting.is_none() {
            if pressed(Key::F5) && self.state.dataset.is_some() {
                self.apply_share(ShareCommand::Present(true));
            }
            return;
        }
        if pressed(Key::Escape) || pressed(Key::F5) {
            self.apply_share(ShareCommand::Present(false));
        } else if pressed(Key::ArrowRight) || pressed(Key::PageDown) || pressed(Key::Space) {
            self.apply_share(ShareCommand::Step(1));
        } else if pressed(Key::ArrowLeft) || pressed(Key::PageUp) {
            self.apply_share(ShareCommand::Step(-1));
        } else if pressed(Key::D) {
            self.state.persisted.dark_mode = !self.state.persisted.dark_mode;
        }
    }
}

/// The chart as an image for the clipboard.
fn chart_image(chart: &Chart, w: u32, h: u32, style: &Style) -> Result<egui::ColorImage, String> {
    let png = crate::chart::png::render(chart, w, h, style)?;
    let pixmap = resvg::tiny_skia::Pixmap::decode_png(&png).map_err(|e| e.to_string())?;
    Ok(egui::ColorImage::from_rgba_premultiplied(
        [pixmap.width() as usize, pixmap.height() as usize],
        pixmap.data(),
    ))
}

fn view_slug(view: View) -> &'static str {
    match view {
        View::Data => "data",
        View::Segments => "segments",
        View::Predict => "predict",
        View::Forecast => "forecast",
        View::Drivers => "drivers",
    }
}

/// Changes whenever the current view's charts would: the view, its result and the names.
fn build_key(st: &super::AppState) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    view_slug(st.view).hash(&mut h);
    st.dataset.as_ref().map(Arc::as_ptr).hash(&mut h);
    match st.view {
        View::Segments => {
            st.seg.result.as_ref().map(Arc::as_ptr).hash(&mut h);
            st.seg.names.hash(&mut h);
            st.seg.scan.len().hash(&mut h);
        }
        View::Predict => {
            st.cls.result.as_ref().map(Arc::as_ptr).hash(&mut h);
            st.cls.selected.hash(&mut h);
            st.cls.threshold.to_bits().hash(&mut h);
        }
        View::Forecast => {
            st.fc.result.as_ref().map(Arc::as_ptr).hash(&mut h);
            st.fc.selected.hash(&mut h);
            st.fc.whole_history.hash(&mut h);
        }
        View::Drivers => {
            st.reg.result.as_ref().map(Arc::as_ptr).hash(&mut h);
            st.reg.selected.hash(&mut h);
        }
        View::Data => {}
    }
    h.finish()
}
