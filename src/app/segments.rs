//! The Segments tab's side of the app: settings to parameters, starting the segmentation,
//! k-scan, export and save-dialog jobs, and applying what they report.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use super::{DIALOG_FAILED_WITHIN, MarketLensApp};
use crate::analysis::segment::{
    Algorithm, KScan, SegmentMap, SegmentParams, SegmentProgress, SegmentResult, profile_frame,
    rows_with_segments, scan_k, segment,
};
use crate::cli::thousands;
use crate::data::save::write_csv_atomic;
use crate::data::{ColumnKind, Dataset};
use crate::jobs::{self, JobHandle, Outcome};

/// The segmentation workbench: settings (edited directly by the view), the running job, the
/// live inertia curve and the result.
#[derive(Default)]
pub struct SegmentState {
    /// Per column of the dataset: used as a feature.
    pub features: Vec<bool>,
    pub k: usize,
    pub seed: u64,
    pub job: Option<JobHandle<SegmentProgress, SegmentResult>>,
    /// (step, inertia) of every iteration seen while training, for the live chart.
    pub live: Vec<[f64; 2]>,
    pub result: Option<Arc<SegmentResult>>,
    /// Segment names shown everywhere; start as the suggestions, editable.
    pub names: Vec<String>,
    /// Fitting k = 2..10 for the elbow and silhouette charts.
    pub scan_job: Option<JobHandle<SegmentProgress, Vec<KScan>>>,
    pub scan: Vec<KScan>,
    /// The segment map, and the current segment of each drawn customer and each centre
    /// (updated live while training).
    pub map: Option<Arc<SegmentMap>>,
    pub map_labels: Vec<usize>,
    pub map_centroids: Vec<[f64; 2]>,
    /// Where "Save segments" and "Save profile" write (a new file, never the input).
    pub export_path: String,
    pub export_job: Option<JobHandle<(), String>>,
    /// The system "Save as" dialog, run off the UI thread.
    pub save_dialog_job: Option<(Instant, JobHandle<(), Option<PathBuf>>)>,
    /// The feature shown in the box plots (index into the result's `boxes`).
    pub box_feature: usize,
    /// Take ln(1 + x) of skewed money-like columns before standardizing.
    pub log_skewed: bool,
    /// Standardize numeric columns (mean 0, standard deviation 1); on by default.
    pub standardize: bool,
    pub algorithm: Algorithm,
}

impl MarketLensApp {
    /// The segmentation settings chosen in the Segments tab.
    pub(super) fn segment_params(&self, ds: &Dataset) -> SegmentParams {
        let features: Vec<String> = ds
            .columns
            .iter()
            .zip(&self.state.seg.features)
            .filter(|(_, on)| **on)
            .map(|(c, _)| c.name.clone())
            .collect();
        // skewed, non-negative numbers (spend, counts): mean well above the median
        let log_columns = if self.state.seg.log_skewed {
            ds.columns
                .iter()
                .filter(|c| features.contains(&c.name) && c.kind == ColumnKind::Numeric)
                .filter(|c| {
                    c.stats
                        .as_ref()
                        .is_some_and(|s| s.min >= 0.0 && s.mean > 1.5 * s.median.max(1e-9))
                })
                .map(|c| c.name.clone())
                .collect()
        } else {
            Vec::new()
        };
        SegmentParams {
            algorithm: self.state.seg.algorithm,
            features,
            k: self.state.seg.k,
            seed: self.state.seg.seed,
            prep: crate::data::prep::PrepOptions {
                standardize: self.state.seg.standardize,
                log_columns,
            },
            ..SegmentParams::default()
        }
    }

    pub(super) fn start_scan(&mut self) {
        let Some(ds) = self.state.dataset.clone() else {
            return;
        };
        if let Some(old) = self.state.seg.scan_job.take() {
            old.cancel();
        }
        let params = self.segment_params(&ds);
        self.state.seg.scan.clear();
        self.state.seg.scan_job = Some(jobs::spawn("scan k", self.notifier(), move |r| {
            scan_k(&ds.df, &params, (2, 10), r)
        }));
    }

    /// Stop the k scan; nothing of it is kept (a running segmentation goes on).
    pub(super) fn cancel_scan(&mut self) {
        if let Some(job) = self.state.seg.scan_job.take() {
            job.cancel();
            self.state.seg.scan.clear();
            self.banner("Stopped trying numbers of segments.", false);
        }
    }

    pub(super) fn start_export(&mut self, rows: bool) {
        let (Some(ds), Some(result)) = (self.state.dataset.clone(), self.state.seg.result.clone())
        else {
            return;
        };
        let mut path = PathBuf::from(self.state.seg.export_path.trim());
        if !rows {
            // the profile goes beside the rows file: customers_segments_profile.csv
            let stem = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "segments".to_owned());
            path.set_file_name(format!("{stem}_profile.csv"));
        }
        let names = self.state.seg.names.clone();
        self.state.seg.export_job = Some(jobs::spawn::<(), _, jobs::JobError, _>(
            "export segments",
            self.notifier(),
            move |_| {
                let frame = if rows {
                    rows_with_segments(&ds.df, &result.fit.labels, &names)
                } else {
                    profile_frame(&result.profile, &names)
                };
                let mut frame = frame.map_err(|e| jobs::JobError::Failed(e.to_string()))?;
                write_csv_atomic(&mut frame, &path, ds.path.as_deref())
                    .map_err(|e| jobs::JobError::Failed(e.to_string()))?;
                Ok(format!(
                    "Saved {} rows to {}.",
                    thousands(frame.height()),
                    path.display()
                ))
            },
        ));
    }

    pub(super) fn start_segments(&mut self) {
        let Some(ds) = self.state.dataset.clone() else {
            return;
        };
        if let Some(old) = self.state.seg.job.take() {
            old.cancel();
        }
        let params = self.segment_params(&ds);
        self.state.seg.live.clear();
        self.state.seg.map = None;
        self.state.seg.result = None;
        self.state.seg.job = Some(jobs::spawn("segment", self.notifier(), move |r| {
            segment(&ds.df, &params, None, r)
        }));
    }

    pub(super) fn choose_export_path(&mut self) {
        if self.state.seg.save_dialog_job.is_none() {
            let current = PathBuf::from(self.state.seg.export_path.trim());
            let job = jobs::spawn::<(), _, jobs::JobError, _>(
                "save dialog",
                self.notifier(),
                move |_| {
                    let mut dialog = rfd::FileDialog::new()
                        .set_title("Save segments as")
                        .add_filter("CSV", &["csv"]);
                    if let Some(name) = current.file_name() {
                        dialog = dialog.set_file_name(name.to_string_lossy());
                    }
                    if let Some(dir) = current.parent().filter(|d| d.is_dir()) {
                        dialog = dialog.set_directory(dir);
                    }
                    Ok(dialog.save_file())
                },
            );
            self.state.seg.save_dialog_job = Some((Instant::now(), job));
        }
    }

    /// Apply what the segmentation, scan, export and save-dialog jobs reported.
    pub(super) fn poll_segment_jobs(&mut self) {
        let seg = &mut self.state.seg;
        if let Some(job) = seg.job.as_mut() {
            let (live, map, map_labels, map_centroids) = (
                &mut seg.live,
                &mut seg.map,
                &mut seg.map_labels,
                &mut seg.map_centroids,
            );
            let outcome = job.drain(|p| match p {
                SegmentProgress::Iteration {
                    inertia,
                    step,
                    centroids,
                    map_labels: labels,
                    ..
                } => {
                    live.push([*step as f64, *inertia]);
                    if let Some(m) = map.as_ref() {
                        map_labels.clone_from(labels);
                        *map_centroids =
                            centroids.rows().into_iter().map(|c| m.project(c)).collect();
                    }
                }
                SegmentProgress::Map(m) => *map = Some(Arc::clone(m)),
                SegmentProgress::Scan { .. } => {}
            });
            if let Some(outcome) = outcome {
                seg.job = None;
                match outcome {
                    Outcome::Done(result) => {
                        seg.names = result.names.clone();
                        if let Some(m) = &result.map {
                            seg.map_labels = m.rows.iter().map(|&r| result.fit.labels[r]).collect();
                            seg.map_centroids = result
                                .fit
                                .centroids
                                .rows()
                                .into_iter()
                                .map(|c| m.project(c))
                                .collect();
                        }
                        seg.map.clone_from(&result.map);
                        seg.result = Some(Arc::new(result));
                    }
                    Outcome::Failed(msg) => self.error(msg),
                    Outcome::Panicked(msg) => self.error(format!(
                        "Segmentation hit an internal error ({msg}). MarketLens is still running."
                    )),
                    Outcome::Cancelled => {}
                }
            }
        }
        if let Some((started, job)) = self.state.seg.save_dialog_job.as_mut()
            && let Some(outcome) = job.poll()
        {
            let started = *started;
            self.state.seg.save_dialog_job = None;
            match outcome {
                Outcome::Done(Some(path)) => {
                    self.state.seg.export_path = path.display().to_string();
                }
                Outcome::Done(None) if started.elapsed() < DIALOG_FAILED_WITHIN => self.error(
                    "The system save dialog could not be opened here. Type the file path in \
                     \u{201c}Save to\u{201d} instead.",
                ),
                Outcome::Failed(msg) | Outcome::Panicked(msg) => self.error(format!(
                    "The save dialog failed ({msg}). Type the file path in \u{201c}Save to\u{201d}."
                )),
                _ => {}
            }
        }
        if let Some(job) = self.state.seg.export_job.as_mut()
            && let Some(outcome) = job.poll()
        {
            self.state.seg.export_job = None;
            match outcome {
                Outcome::Done(msg) => self.banner(msg, false),
                Outcome::Failed(msg) | Outcome::Panicked(msg) => self.error(msg),
                Outcome::Cancelled => {}
            }
        }
        if let Some(job) = self.state.seg.scan_job.as_mut()
            && let Some(outcome) = job.poll()
        {
            self.state.seg.scan_job = None;
            match outcome {
                Outcome::Done(scan) => self.state.seg.scan = scan,
                Outcome::Failed(msg) => self.error(msg),
                Outcome::Panicked(msg) => self.error(format!(
                    "Choosing the number of segments hit an internal error ({msg})."
                )),
                Outcome::Cancelled => {}
            }
        }
    }
}
