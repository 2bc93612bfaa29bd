//! Restoring an opened project once its data file has loaded: roles and settings by column
//! name, the re-runs of the analyses that had results, then the segment names and threshold.

use super::project::{DataSource, Opened, Restore};
use super::{EvalChoice, MarketLensApp, View};
use crate::data::Dataset;
use crate::project::{DataCheck, Evaluation};

fn view_from_name(name: &str) -> View {
    match name {
        "segments" => View::Segments,
        "predict" => View::Predict,
        "forecast" => View::Forecast,
        "drivers" => View::Drivers,
        _ => View::Data,
    }
}

fn eval_from_file(e: Evaluation) -> EvalChoice {
    match e {
        Evaluation::Split => EvalChoice::Split,
        Evaluation::KFold => EvalChoice::KFold,
        Evaluation::TestFile => EvalChoice::TestFile,
    }
}

/// Maps the project's column names back to positions, remembering those that are gone.
struct Columns<'a> {
    ds: &'a Dataset,
    missing: Vec<String>,
}

impl Columns<'_> {
    fn index(&mut self, name: &str) -> Option<usize> {
        let i = self.ds.columns.iter().position(|c| c.name == name);
        if i.is_none() && !self.missing.iter().any(|m| m == name) {
            self.missing.push(name.to_owned());
        }
        i
    }

    fn optional(&mut self, name: Option<&String>) -> Option<usize> {
        name.and_then(|n| self.index(n))
    }

    fn ticks(&mut self, names: &[String]) -> Vec<bool> {
        let mut on = vec![false; self.ds.columns.len()];
        for n in names {
            if let Some(i) = self.index(n) {
                on[i] = true;
            }
        }
        on
    }
}

fn quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("\u{201c}{n}\u{201d}"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl MarketLensApp {
    /// Called after a data file finished loading (a project's data among them).
    pub(super) fn project_after_load(&mut self) {
        let Some(opened) = self.state.project.pending.take() else {
            // another file was opened: Save must not write over the previous project
            self.state.project.forget();
            return;
        };
        let Some(ds) = self.state.dataset.clone() else {
            return;
        };
        let expected = match &opened.data {
            DataSource::File(p) => {
                let p = std::fs::canonicalize(p).unwrap_or_else(|_| p.clone());
                ds.path.as_deref() == Some(p.as_path())
            }
            DataSource::Sample(name) => ds.path.is_none() && ds.file_name == *name,
        };
        if !expected {
            // the user opened another file meanwhile
            return;
        }
        let Opened {
            project,
            path,
            data,
            check,
        } = *opened;
        let project_name = crate::data::load::file_label(&path);
        if let DataCheck::Changed { .. } = check {
            self.banner(
                format!(
                    "\u{201c}{}\u{201d} has changed since the project \u{201c}{project_name}\u{201d} \
                     was saved (different contents); results may differ.",
                    data.label()
                ),
                false,
            );
        } else if project.data.rows != ds.rows() {
            self.banner(
                format!(
                    "\u{201c}{}\u{201d} now has {} rows; the project was saved with {}.",
                    data.label(),
                    ds.rows(),
                    project.data.rows
                ),
                false,
            );
        }
        let mut cols = Columns {
            ds: &ds,
            missing: Vec::new(),
        };
        let st = &mut self.state;
        for r in &project.roles {
            if let Some(i) = cols.index(&r.column)
                && let Some(slot) = st.roles.get_mut(i)
            {
                *slot = r.role;
            }
        }
        let mut restore = Restore::default();
        let (mut run_seg, mut run_cls, mut run_reg) = (false, false, false);
        if let Some(s) = &project.segments {
            st.seg.features = cols.ticks(&s.features);
            st.seg.k = s.k;
            st.seg.algorithm = s.algorithm.into();
            st.seg.seed = s.seed;
            st.seg.standardize = s.standardize;
            st.seg.log_skewed = s.log_skewed;
            run_seg = s.ran;
            if s.ran {
                restore.names = Some(s.names.clone());
            }
        }
        if let Some(s) = &project.predict {
            st.cls.target = cols.optional(s.target.as_ref());
            st.cls.positive.clone_from(&s.positive);
            st.cls.features = cols.ticks(&s.features);
            for m in &mut st.cls.models {
                m.1 = s.models.contains(&m.0);
            }
            st.cls.eval = eval_from_file(s.evaluation);
            st.cls.test_share = s.test_share;
            st.cls.folds = s.folds;
            st.cls.test_path.clone_from(&s.test_file);
            st.cls.seed = s.seed;
            st.cls.settings = (&s.settings).into();
            st.cls.imbalance = s.imbalance.into();
            st.cls.threshold = s.threshold;
            st.cls.cost = s.cost;
            st.cls.value = s.value;
            st.cls.risk_min = s.risk_min;
            st.cls.refresh_target(&ds);
            run_cls = s.ran;
            if s.ran {
                restore.threshold = Some(s.threshold);
            }
        }
        if let Some(s) = &project.forecast {
            st.fc.date = cols.optional(s.date.as_ref());
            st.fc.value = cols.optional(s.value.as_ref());
            st.fc.aggregate = s.aggregate;
            st.fc.period = s.period;
            st.fc.fill = s.fill;
            st.fc.season = s.season;
            st.fc.holdout = s.holdout;
            st.fc.horizon = s.horizon;
            let methods = s.method_kinds();
            for m in &mut st.fc.models {
                m.1 = methods.contains(&m.0);
            }
            st.fc.trend = s.trend;
            st.fc.seasonal = s.seasonal.into();
            st.fc.lstm = (&s.lstm).into();
            st.fc.lstm_changes = s.lstm_changes;
            restore.forecast = s.ran;
        }
        if let Some(s) = &project.drivers {
            st.reg.target = cols.optional(s.target.as_ref());
            st.reg.features = cols.ticks(&s.features);
            st.reg.date = cols.optional(s.date.as_ref());
            st.reg.calendar = s.calendar;
            for m in &mut st.reg.models {
                m.1 = s.models.contains(&m.0);
            }
            st.reg.eval = eval_from_file(s.evaluation);
            st.reg.test_share = s.test_share;
            st.reg.folds = s.folds;
            st.reg.test_path.clone_from(&s.test_file);
            st.reg.seed = s.seed;
            st.reg.choose_penalty = s.choose_penalty;
            st.reg.alpha = s.alpha;
            st.reg.l1_ratio = s.l1_ratio;
            st.reg.k = s.k;
            run_reg = s.ran;
        }
        st.view = view_from_name(&project.view);
        st.project.restore = restore;
        st.project.path = Some(path);
        let missing = cols.missing;
        if !missing.is_empty() {
            let (what, is, them) = if missing.len() == 1 {
                ("column", "is", "it")
            } else {
                ("columns", "are", "them")
            };
            self.banner(
                format!(
                    "The {what} {} of project \u{201c}{project_name}\u{201d} {is} not in \
                     \u{201c}{}\u{201d} any more; the settings that used {them} were skipped.",
                    quoted(&missing),
                    ds.file_name,
                ),
                false,
            );
        }
        // the series of the restored forecast settings
        self.refresh_series();
        if run_seg {
            self.start_segments();
        }
        if run_cls {
            self.start_training();
        }
        if run_reg {
            self.start_regress();
        }
        self.banner(
            format!("Opened the project \u{201c}{project_name}\u{201d}."),
            false,
        );
    }

    /// Finish restoring an opened project as its analyses complete.
    pub(super) fn poll_restore(&mut self) {
        let st = &mut self.state;
        if st.seg.job.is_none()
            && let Some(names) = st.project.restore.names.take()
        {
            // the same segments again: the same number of them
            let fits = st
                .seg
                .result
                .as_ref()
                .is_some_and(|r| r.names.len() == names.len());
            if fits {
                st.seg.names = names;
            }
        }
        if st.cls.job.is_none()
            && let Some(t) = st.project.restore.threshold.take()
            && st.cls.result.is_some()
        {
            st.cls.threshold = t;
        }
        if st.project.restore.forecast && st.fc.preview_job.is_none() {
            st.project.restore.forecast = false;
            if matches!(st.fc.preview, Some(Ok(_))) {
                self.start_forecast();
            }
        }
    }
}
