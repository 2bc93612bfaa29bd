//! The charts, tables and report of the current view, from [`crate::chart::analyses`]: what
//! presentation mode steps through, the Share window lists and the report holds.

use std::fmt::Write as _;

use super::share::Built;
use super::{AppState, View};
use crate::chart::analyses;
use crate::cli::thousands;
use crate::report::Report;

fn pct(v: f64) -> String {
    format!("{:.1} %", v * 100.0)
}

pub(super) fn build(st: &AppState, key: u64) -> Option<Built> {
    let ds = st.dataset.as_ref()?;
    let source = format!(
        "{}, {} rows \u{00d7} {} columns",
        ds.file_name,
        thousands(ds.rows()),
        ds.columns.len()
    );
    let mut report = Report {
        source: source.clone(),
        made_by: format!(
            "MarketLens {} on {}",
            env!("CARGO_PKG_VERSION"),
            chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now())
                .format("%Y-%m-%d %H:%M UTC")
        ),
        ..Report::default()
    };
    let (charts, tables) = match st.view {
        View::Segments => {
            let r = st.seg.result.as_ref()?;
            let names = &st.seg.names;
            report.title = format!("Segments of {}", ds.file_name);
            let features: Vec<String> = r
                .design
                .transform
                .columns
                .iter()
                .map(|c| match c {
                    crate::data::prep::ColumnTransform::Numeric { name, .. }
                    | crate::data::prep::ColumnTransform::Categorical { name, .. } => name.clone(),
                })
                .collect();
            report.settings = vec![
                ("Method".into(), st.seg.algorithm.label().into()),
                ("Segments".into(), r.sizes.len().to_string()),
                ("Columns used".into(), features.join(", ")),
                (
                    "Preparation".into(),
                    format!(
                        "missing numbers filled with the median{}{}",
                        if st.seg.standardize {
                            ", numbers standardized"
                        } else {
                            ""
                        },
                        if st.seg.log_skewed {
                            ", skewed money columns logged"
                        } else {
                            ""
                        }
                    ),
                ),
                ("Seed".into(), st.seg.seed.to_string()),
            ];
            let total: usize = r.sizes.iter().sum();
            for (i, size) in r.sizes.iter().enumerate() {
                let name = names
                    .get(i)
                    .cloned()
                    .unwrap_or_else(|| format!("Segment {}", i + 1));
                report.sentences.push(format!(
                    "{name}: {} customers ({}).",
                    thousands(*size),
                    pct(*size as f64 / total.max(1) as f64)
                ));
            }
            if let Some(s) = r.silhouette {
                report.sentences.push(format!(
                    "Silhouette {s:.2}: 1 means clearly separated segments, 0 overlapping ones."
                ));
            }
            (
                analyses::segment::charts(r, names, &st.seg.scan, &source, Some(st.seg.seed)),
                analyses::segment::tables(r, names, &st.seg.scan),
            )
        }
        View::Predict => {
            let r = st.cls.result.as_ref()?;
            let selected = st.cls.selected.min(r.models.len().saturating_sub(1));
            report.title = format!("Predicting {}", r.target.positive_label());
            let models: Vec<&str> = r.models.iter().map(|m| m.kind.label()).collect();
            report.settings = vec![
                ("Outcome".into(), r.target.positive_label()),
                ("Models".into(), models.join(", ")),
                ("Evaluation".into(), r.evaluation.clone()),
                ("Training rows".into(), thousands(r.train_rows)),
                ("Threshold".into(), format!("{:.2}", st.cls.threshold)),
                ("Seed".into(), st.cls.seed.to_string()),
            ];
            for m in &r.models {
                let mut s = format!("{}: AUC {:.3}", m.kind.label(), m.auc);
                if m.auc.is_finite() {
                    let _ = write!(
                        s,
                        " (it ranks a random {} above a random other customer {:.0} % of the time)",
                        r.target.positive,
                        m.auc * 100.0
                    );
                }
                s.push('.');
                report.sentences.push(s);
            }
            report.sentences.extend(r.notes.iter().cloned());
            (
                analyses::classify::charts(r, &source, selected),
                analyses::classify::tables(r, selected, st.cls.threshold),
            )
        }
        View::Forecast => {
            let r = st.fc.result.as_ref()?;
            let selected = st.fc.selected.min(r.models.len().saturating_sub(1));
            report.title = format!("Forecast of {}", r.value_label);
            let models: Vec<&str> = r.models.iter().map(|m| m.name.as_str()).collect();
            report.settings = vec![
                ("Date column".into(), r.date_column.clone()),
                ("Value".into(), r.value_label.clone()),
                ("Season length".into(), format!("{} periods", r.season)),
                ("Held out".into(), format!("the last {} periods", r.holdout)),
                ("Forecast".into(), format!("{} periods ahead", r.horizon)),
                ("Methods".into(), models.join(", ")),
            ];
            for m in &r.models {
                if let Some(e) = &m.errors {
                    report.sentences.push(format!(
                        "{}: off by {} on average over the held-out periods (RMSE {}).",
                        m.name,
                        crate::cli::short_number(e.mae),
                        crate::cli::short_number(e.rmse)
                    ));
                }
            }
            report.sentences.extend(r.notes.iter().cloned());
            (
                analyses::forecast::charts(r, &source, selected, st.fc.whole_history),
                analyses::forecast::tables(r, selected),
            )
        }
        View::Drivers => {
            let r = st.reg.result.as_ref()?;
            let selected = st.reg.selected.min(r.models.len().saturating_sub(1));
            report.title = format!("What drives {}", r.target);
            let models: Vec<&str> = r.models.iter().map(|m| m.kind.label()).collect();
            report.settings = vec![
                ("Number explained".into(), r.target.clone()),
                ("Models".into(), models.join(", ")),
                ("Evaluation".into(), r.evaluation.clone()),
                ("Training rows".into(), thousands(r.train_rows)),
                ("Seed".into(), st.reg.seed.to_string()),
            ];
            if let Some(m) = r.models.get(selected) {
                report
                    .sentences
                    .extend(m.coefficients.iter().map(|c| c.sentence.clone()));
            }
            report.sentences.extend(r.notes.iter().cloned());
            (
                analyses::regress::charts(r, &source, selected),
                analyses::regress::tables(r, selected),
            )
        }
        View::Data => return None,
    };
    report.charts.clone_from(&charts);
    report.tables.clone_from(&tables);
    Some(Built {
        key,
        charts,
        tables,
        report,
    })
}
