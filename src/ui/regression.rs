//! The Drivers tab: choose the number to explain, its drivers and the models, fit on a
//! background job, then read how well it predicts, what each driver does, and what happens
//! if drivers move.

use eframe::egui::{self, RichText};

use super::regression_charts::{effects_ui, fit_ui};
use super::what_if;
use crate::analysis::regress::{CalendarPart, RegModel, RegressResult};
use crate::analysis::regress_explain::plain;
use crate::app::{AppState, Command, RegressPage};
use crate::cli::thousands;
use crate::data::{ColumnKind, Dataset};

pub fn ui(ui: &mut egui::Ui, st: &mut AppState, ds: &Dataset, cmds: &mut Vec<Command>) {
    egui::Panel::left("drivers_setup")
        .resizable(true)
        .default_size(320.0)
        .min_size(270.0)
        .show(ui, |ui| {
            egui::Panel::top("drivers_fit").show(ui, |ui| {
                ui.heading("Drivers");
                ui.label(RichText::new("What moves a number, and what if it changes.").weak());
                fit_button_ui(ui, st, cmds);
            });
            egui::CentralPanel::no_frame().show(ui, |ui| {
                egui::ScrollArea::vertical()
                    .id_salt("drivers_setup_scroll")
                    .show(ui, |ui| setup_ui(ui, st, ds, cmds));
            });
        });
    egui::CentralPanel::default().show(ui, |ui| {
        if let Some(result) = st.reg.result.clone() {
            results_ui(ui, st, &result);
        } else {
            ui.add_space(40.0);
            ui.vertical_centered(|ui| {
                let text = if st.reg.job.is_some() {
                    "Fitting on a background job; the window stays usable."
                } else {
                    "Choose the number to explain and its drivers on the left, then press \
                     \u{201c}Fit\u{201d}."
                };
                ui.label(RichText::new(text).size(16.0));
            });
        }
    });
}

fn fit_button_ui(ui: &mut egui::Ui, st: &AppState, cmds: &mut Vec<Command>) {
    ui.add_space(6.0);
    if let Some(job) = &st.reg.job {
        if super::job_progress_ui(ui, job, "Stop fitting (Esc).") {
            cmds.push(Command::CancelRegression);
        }
    } else {
        let ready = st.reg.target.is_some()
            && (st.reg.features.iter().any(|f| *f) || st.reg.calendar.is_some())
            && st.reg.models.iter().any(|m| m.1);
        if super::primary_button(ui, ready, "Fit")
            .on_hover_text("Fit the ticked models on a background job; the window stays usable.")
            .on_disabled_hover_text("Choose a number to explain, a driver and a model.")
            .clicked()
        {
            cmds.push(Command::FitRegression);
        }
    }
    ui.add_space(4.0);
}

/// Number columns with more than a handful of values can be explained.
fn target_candidates(ds: &Dataset) -> Vec<usize> {
    ds.columns
        .iter()
        .enumerate()
        .filter(|(_, c)| c.kind == ColumnKind::Numeric && c.unique > 2)
        .map(|(i, _)| i)
        .collect()
}

fn usable(kind: ColumnKind) -> bool {
    matches!(
        kind,
        ColumnKind::Numeric | ColumnKind::Categorical | ColumnKind::Boolean
    )
}

fn setup_ui(ui: &mut egui::Ui, st: &mut AppState, ds: &Dataset, cmds: &mut Vec<Command>) {
    let reg = &mut st.reg;
    ui.add_space(6.0);
    let label = ui.label(RichText::new("Number to explain").strong());
    let current = reg
        .target
        .and_then(|t| ds.columns.get(t))
        .map_or("(choose a column)", |c| c.name.as_str());
    egui::ComboBox::from_id_salt("drivers_target")
        .selected_text(current)
        .width(240.0)
        .show_ui(ui, |ui| {
            for i in target_candidates(ds) {
                if ui
                    .selectable_label(reg.target == Some(i), &ds.columns[i].name)
                    .clicked()
                {
                    reg.set_target(i);
                }
            }
        })
        .response
        .labelled_by(label.id)
        .on_hover_text("The amount to predict: sales, spend, next purchase value\u{2026}");

    ui.add_space(8.0);
    ui.horizontal(|ui| {
        ui.label(RichText::new("Drivers").strong());
        if ui.small_button("all").clicked() {
            for (i, f) in reg.features.iter_mut().enumerate() {
                *f = Some(i) != reg.target && usable(ds.columns[i].kind);
            }
        }
        if ui.small_button("none").clicked() {
            reg.features.iter_mut().for_each(|f| *f = false);
        }
    });
    egui::ScrollArea::vertical()
        .id_salt("drivers_features")
        .max_height(220.0)
        .show(ui, |ui| {
            for (i, c) in ds.columns.iter().enumerate() {
                if Some(i) == reg.target || c.kind == ColumnKind::Date {
                    continue;
                }
                if let Some(on) = reg.features.get_mut(i) {
                    ui.add_enabled(usable(c.kind), egui::Checkbox::new(on, &c.name))
                        .on_hover_text(c.kind.label())
                        .on_disabled_hover_text("Ids and free text cannot drive a number.");
                }
            }
        });

    let dates: Vec<usize> = ds
        .columns
        .iter()
        .enumerate()
        .filter(|(_, c)| c.kind == ColumnKind::Date)
        .map(|(i, _)| i)
        .collect();
    if !dates.is_empty() {
        ui.add_space(8.0);
        let label = ui
            .label(RichText::new("Season from a date").strong())
            .on_hover_text(
                "Add the month (or quarter) of a date column as a driver, so the model can \
                 tell a December from a February.",
            );
        let text = match (reg.calendar, reg.date.and_then(|d| ds.columns.get(d))) {
            (Some(part), Some(c)) => format!("{} of {}", part.label(), c.name),
            _ => "none".to_owned(),
        };
        egui::ComboBox::from_id_salt("drivers_calendar")
            .selected_text(text)
            .width(240.0)
            .show_ui(ui, |ui| {
                if ui
                    .selectable_label(reg.calendar.is_none(), "none")
                    .clicked()
                {
                    reg.calendar = None;
                }
                for &d in &dates {
                    for part in [CalendarPart::Month, CalendarPart::Quarter] {
                        let on = reg.calendar == Some(part) && reg.date == Some(d);
                        let text = format!("{} of {}", part.label(), ds.columns[d].name);
                        if ui.selectable_label(on, text).clicked() {
                            reg.calendar = Some(part);
                            reg.date = Some(d);
                        }
                    }
                }
            })
            .response
            .labelled_by(label.id);
    }

    ui.add_space(8.0);
    ui.label(RichText::new("Models").strong());
    for (kind, on) in reg.models.iter_mut() {
        ui.checkbox(on, kind.label()).on_hover_text(kind.explain());
    }

    ui.add_space(8.0);
    let dialog_busy = st.test_dialog_job.is_some();
    let reg = &mut st.reg;
    super::evaluation_ui(
        ui,
        super::EvalSettings {
            eval: &mut reg.eval,
            test_share: &mut reg.test_share,
            folds: &mut reg.folds,
            test_path: &mut reg.test_path,
        },
        "Fit on the rest; measure the errors on rows the model never saw.",
        dialog_busy,
        cmds,
    );
    let reg = &mut st.reg;
    egui::CollapsingHeader::new("Model settings")
        .id_salt("drivers_advanced")
        .show(ui, |ui| {
            ui.checkbox(
                &mut reg.choose_penalty,
                "Choose the penalty by cross-validation",
            )
            .on_hover_text(
                "Ridge, lasso and elastic net: try 20 strengths on 5 parts of the training \
                     rows and keep the one with the smallest error.",
            );
            egui::Grid::new("drivers_settings")
                .num_columns(2)
                .show(ui, |ui| {
                    if !reg.choose_penalty {
                        let l = ui.label("Penalty (alpha)").on_hover_text(
                            "Larger values shrink the effects more (scikit-learn's alpha).",
                        );
                        ui.add(
                            egui::DragValue::new(&mut reg.alpha)
                                .range(0.0..=1e6)
                                .speed(0.1),
                        )
                        .labelled_by(l.id);
                        ui.end_row();
                    }
                    let l = ui
                        .label("Elastic net: lasso share")
                        .on_hover_text("0 = all ridge, 1 = all lasso.");
                    ui.add(egui::Slider::new(&mut reg.l1_ratio, 0.05..=0.95))
                        .labelled_by(l.id);
                    ui.end_row();
                    let l = ui.label("Neighbours (k)");
                    ui.add(egui::DragValue::new(&mut reg.k).range(1..=100))
                        .labelled_by(l.id);
                    ui.end_row();
                    let l = ui.label("Random seed").on_hover_text(
                        "The same file, settings and seed always give the same split and models.",
                    );
                    ui.add(egui::DragValue::new(&mut reg.seed))
                        .labelled_by(l.id);
                    ui.end_row();
                });
        });
}

fn results_ui(ui: &mut egui::Ui, st: &mut AppState, result: &RegressResult) {
    ui.heading(format!("What drives {}", result.target));
    ui.label(format!(
        "Fitted on {} rows; errors measured {}: {} rows.",
        thousands(result.train_rows),
        result.evaluation,
        thousands(result.eval_actual.len())
    ));
    for n in &result.notes {
        ui.label(RichText::new(format!("Note: {n}")).weak());
    }
    ui.add_space(4.0);
    metrics_table_ui(ui, st, result);
    ui.add_space(6.0);
    ui.horizontal(|ui| {
        for (page, label, hint) in [
            (
                RegressPage::Fit,
                "How well it predicts",
                "Predicted against actual, and the errors.",
            ),
            (
                RegressPage::Effects,
                "What each driver does",
                "The effect of each driver in the target's units, with 95 % ranges.",
            ),
            (
                RegressPage::WhatIf,
                "What if",
                "Move the drivers and see the prediction change.",
            ),
        ] {
            if ui
                .selectable_label(st.reg.page == page, RichText::new(label).size(15.0))
                .on_hover_text(hint)
                .clicked()
            {
                st.reg.page = page;
            }
        }
    });
    ui.separator();
    let Some(model) = result.models.get(st.reg.selected) else {
        return;
    };
    egui::ScrollArea::vertical()
        .id_salt("drivers_results")
        .show(ui, |ui| match st.reg.page {
            RegressPage::Fit => fit_ui(ui, result, model),
            RegressPage::Effects => effects_ui(ui, result, model),
            RegressPage::WhatIf => what_if::ui(ui, &mut st.reg, result, model),
        });
}

fn metrics_table_ui(ui: &mut egui::Ui, st: &mut AppState, result: &RegressResult) {
    let best = result.best();
    egui::Grid::new("drivers_metrics")
        .striped(true)
        .num_columns(6)
        .spacing([18.0, 4.0])
        .show(ui, |ui| {
            ui.label(RichText::new("Model").strong());
            for (h, hint) in [
                (
                    "RMSE",
                    "Root mean squared error: the typical miss, big misses count extra.",
                ),
                (
                    "MAE",
                    "Mean absolute error: the average miss, in the target's units.",
                ),
                (
                    "MAPE",
                    "Mean absolute percentage error: the average miss as a share.",
                ),
                (
                    "R\u{b2}",
                    "Share of the ups and downs the model explains (1 = all, 0 = none).",
                ),
                (
                    "Penalty",
                    "The strength of shrinking (ridge, lasso, elastic net).",
                ),
            ] {
                ui.label(RichText::new(h).strong()).on_hover_text(hint);
            }
            ui.end_row();
            for (i, m) in result.models.iter().enumerate() {
                let mut name = m.kind.label().to_owned();
                if Some(i) == best {
                    name.push_str("  (best)");
                }
                if ui
                    .selectable_label(st.reg.selected == i, name)
                    .on_hover_text(m.kind.explain())
                    .clicked()
                {
                    st.reg.selected = i;
                }
                ui.label(plain(m.errors.rmse));
                ui.label(plain(m.errors.mae));
                ui.label(
                    m.errors
                        .mape
                        .map_or("\u{2013}".to_owned(), |v| format!("{v:.1} %")),
                );
                ui.label(format!("{:.3}", m.errors.r2));
                ui.label(m.alpha.map_or("\u{2013}".to_owned(), plain));
                ui.end_row();
            }
        });
    if let Some(m) = result.models.get(st.reg.selected)
        && m.kind == RegModel::Ols
        && let Some(o) = &m.ols
    {
        ui.label(
            RichText::new(format!(
                "On the training rows: R\u{b2} {:.3}, adjusted R\u{b2} {:.3} (adjusted for the \
                 number of drivers).",
                o.r2, o.adj_r2
            ))
            .weak(),
        );
    }
}
