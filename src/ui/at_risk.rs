//! The at-risk list: every customer of the file ranked by the model's probability, from a
//! chosen probability up, with the columns that explain the score; saved as CSV on a job.
//! Only the rows on screen are read from the table, so a million customers scroll smoothly.

use std::sync::Arc;

use eframe::egui::{self, Align, Layout, RichText};
use egui_extras::{Column, TableBuilder};

use super::gains::percent;
use super::theme;
use crate::analysis::classify::{ClassifyResult, ModelResult};
use crate::app::{AppState, Command};
use crate::cli::thousands;
use crate::data::table::cell_text;
use crate::data::{ColumnKind, Dataset};

const ROW_HEIGHT: f32 = 22.0;
const TABLE_HEIGHT: f32 = 420.0;
/// Columns of the top drivers shown next to each customer.
const DRIVER_COLUMNS: usize = 3;

pub fn ui(
    ui: &mut egui::Ui,
    st: &mut AppState,
    result: &ClassifyResult,
    ds: &Dataset,
    cmds: &mut Vec<Command>,
) {
    ui.heading("At-risk list");
    if result.scored_test_file {
        ui.label(
            "The models were evaluated on a separate test file, which is not loaded here. To \
             save the test file's customers with their probabilities, use the command line: \
             marketlens classify with --scores and the file to write.",
        );
        return;
    }
    let selected = st.cls.selected;
    let Some(model) = result.models.get(selected) else {
        ui.label("There is no trained model to show. Train a model first.");
        return;
    };
    let who = result.target.positive_label();
    ui.label(
        RichText::new(format!(
            "Every customer of {} ranked by {}'s probability of being {who}, highest first.",
            ds.file_name,
            model.kind.label()
        ))
        .weak(),
    );
    if model.all_scores.len() != ds.rows() {
        ui.label(format!(
            "The model scored {} rows but the file has {}; train again to refresh the list.",
            thousands(model.all_scores.len()),
            thousands(ds.rows())
        ));
        return;
    }
    ui.add_space(4.0);

    ui.horizontal(|ui| {
        let label = ui
            .label("Show customers with probability at least")
            .on_hover_text(format!(
                "The model's estimated chance that a customer is {who}. Only customers at or \
                 above this value are listed and saved."
            ));
        ui.add(
            egui::Slider::new(&mut st.cls.risk_min, 0.0..=1.0)
                .step_by(0.01)
                .custom_formatter(|v, _| format!("{:.0} %", v * 100.0))
                .custom_parser(|s| {
                    let s = s.trim().trim_end_matches('%').trim();
                    s.parse::<f64>().ok().map(|v| (v / 100.0).clamp(0.0, 1.0))
                }),
        )
        .labelled_by(label.id);
    });

    // rows by probability, highest first, ranked on the job
    let order = Arc::clone(&model.ranked);
    let min = st.cls.risk_min;
    let shown = order.partition_point(|&r| model.all_scores[r] >= min);
    let rows = ds.rows().max(1);
    ui.label(
        RichText::new(format!(
            "{} customers of the file ({}) have a probability of at least {:.0} %.",
            thousands(shown),
            percent(shown as f64 / rows as f64),
            min * 100.0
        ))
        .size(15.0),
    );

    export_ui(ui, st, shown, cmds);
    ui.label(
        RichText::new(
            "Probabilities come from the model trained on the training part; customers in the \
             training part score a little too confidently.",
        )
        .weak(),
    );
    ui.add_space(6.0);

    if shown == 0 {
        ui.label("No customer reaches this probability. Move the slider to the left to see more.");
        return;
    }
    table_ui(ui, result, model, ds, &order[..shown], &who);
}

fn export_ui(ui: &mut egui::Ui, st: &mut AppState, shown: usize, cmds: &mut Vec<Command>) {
    ui.horizontal(|ui| {
        let label = ui.label("Save to");
        ui.add(egui::TextEdit::singleline(&mut st.cls.export_path).desired_width(360.0))
            .labelled_by(label.id)
            .on_hover_text("A new CSV file. The input file is never written.");
        let busy = st.cls.export_job.is_some();
        if ui
            .add_enabled(!busy, egui::Button::new("Save list as CSV"))
            .on_hover_text(format!(
                "Saves the {} customers listed, ranked, with every column of the file plus \
                 their rank and probability.",
                thousands(shown)
            ))
            .on_disabled_hover_text("The list is being saved.")
            .clicked()
        {
            cmds.push(Command::ExportAtRisk);
        }
        if busy {
            ui.spinner();
            ui.label("Saving\u{2026}");
        }
    });
}

/// A column of the file shown in the list.
struct Shown<'a> {
    title: String,
    hint: String,
    column: &'a polars::prelude::Column,
    numeric: bool,
}

fn table_ui(
    ui: &mut egui::Ui,
    result: &ClassifyResult,
    model: &ModelResult,
    ds: &Dataset,
    rows: &[usize],
    who: &str,
) {
    let target = &result.target;
    let kind_of = |name: &str| ds.columns.iter().find(|c| c.name == name).map(|c| c.kind);
    let id_name = ds
        .columns
        .iter()
        .find(|c| c.kind == ColumnKind::Id && c.name != target.column)
        .map(|c| c.name.clone());
    let mut extra: Vec<Shown> = Vec::new();
    if let Some(name) = &id_name
        && let Ok(column) = ds.df.column(name)
    {
        extra.push(Shown {
            title: name.clone(),
            hint: "The customer's identifier, to find them in your other systems.".to_owned(),
            column,
            numeric: false,
        });
    }
    let outcome = ds.df.column(&target.column).ok();
    for (d, column) in model
        .drivers
        .iter()
        .filter(|d| Some(&d.feature) != id_name.as_ref() && d.feature != target.column)
        .filter_map(|d| ds.df.column(&d.feature).ok().map(|c| (d, c)))
        .take(DRIVER_COLUMNS)
    {
        extra.push(Shown {
            title: d.feature.clone(),
            hint: format!(
                "A column the model relies on a lot: its ranking gets {:.3} AUC worse when \
                 this column is shuffled. Shown to help explain each customer's score.",
                d.auc_drop
            ),
            column,
            numeric: kind_of(&d.feature) == Some(ColumnKind::Numeric),
        });
    }
    let positive = target.positive.trim().to_owned();
    let outcome_hint =
        format!("What the file records for this customer. Highlighted when it is {who}.");

    let scores = &model.all_scores;
    let mut table = TableBuilder::new(ui)
        .id_salt("at_risk_table")
        .striped(true)
        .resizable(true)
        .cell_layout(Layout::left_to_right(Align::Center))
        .min_scrolled_height(TABLE_HEIGHT)
        .max_scroll_height(TABLE_HEIGHT)
        .column(Column::initial(80.0).at_least(50.0).clip(true))
        .column(Column::initial(100.0).at_least(70.0).clip(true));
    if outcome.is_some() {
        table = table.column(Column::initial(140.0).at_least(60.0).clip(true));
    }
    for _ in &extra {
        table = table.column(Column::initial(140.0).at_least(60.0).clip(true));
    }
    table
        .header(26.0, |mut header| {
            header.col(|ui| {
                ui.label(RichText::new("Rank").strong())
                    .on_hover_text("1 is the customer the model considers most likely.");
            });
            header.col(|ui| {
                ui.label(RichText::new("Probability").strong())
                    .on_hover_text(format!("The model's estimated chance of being {who}."));
            });
            if outcome.is_some() {
                header.col(|ui| {
                    ui.label(RichText::new(format!("{} (in the file)", target.column)).strong())
                        .on_hover_text(outcome_hint.as_str());
                });
            }
            for e in &extra {
                header.col(|ui| {
                    ui.label(RichText::new(&e.title).strong())
                        .on_hover_text(e.hint.as_str());
                });
            }
        })
        .body(|body| {
            body.rows(ROW_HEIGHT, rows.len(), |mut row| {
                let rank = row.index();
                let Some(&r) = rows.get(rank) else {
                    return;
                };
                row.col(|ui| {
                    right(ui, RichText::new(thousands(rank + 1)).weak());
                });
                row.col(|ui| {
                    let p = scores.get(r).copied().unwrap_or(f64::NAN);
                    right(ui, RichText::new(format!("{:.1} %", p * 100.0)));
                });
                if let Some(col) = outcome {
                    row.col(|ui| {
                        let (text, missing) = cell_text(col, r);
                        let rich = if missing {
                            RichText::new(text).weak()
                        } else if text.trim() == positive {
                            RichText::new(text).strong().color(theme::ACCENT)
                        } else {
                            RichText::new(text)
                        };
                        ui.label(rich);
                    });
                }
                for e in &extra {
                    row.col(|ui| {
                        let (text, missing) = cell_text(e.column, r);
                        let rich = if missing {
                            RichText::new(text).weak()
                        } else {
                            RichText::new(text)
                        };
                        if e.numeric {
                            right(ui, rich);
                        } else {
                            ui.label(rich);
                        }
                    });
                }
            });
        });
}

/// A right-aligned cell (numbers).
fn right(ui: &mut egui::Ui, text: RichText) {
    ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
        ui.label(text);
    });
}
