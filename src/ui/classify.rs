//! The Predict tab: choose the outcome, the features and the models, train on a background
//! job while the loss and ROC curves grow, then read the results pages.

use eframe::egui::{self, RichText};
use egui_plot::{Legend, Line, Plot, PlotPoints};

use super::theme;
use crate::analysis::classify::{ClassifyResult, Imbalance};
use crate::app::{AppState, Command, ResultPage};
use crate::cli::thousands;
use crate::data::{ColumnKind, Dataset};

pub fn ui(ui: &mut egui::Ui, st: &mut AppState, ds: &Dataset, cmds: &mut Vec<Command>) {
    egui::Panel::left("predict_setup")
        .resizable(true)
        .default_size(320.0)
        .min_size(270.0)
        .show(ui, |ui| {
            // Train, progress and Cancel stay in view however long the settings get (at the
            // top: content scrolled past a bottom panel still catches clicks under it)
            egui::Panel::top("predict_train").show(ui, |ui| {
                ui.heading("Predict");
                ui.label(RichText::new("Who will churn, respond or buy, and why.").weak());
                train_ui(ui, st, cmds);
            });
            egui::CentralPanel::no_frame().show(ui, |ui| {
                egui::ScrollArea::vertical()
                    .id_salt("predict_setup_scroll")
                    .show(ui, |ui| setup_ui(ui, st, ds, cmds));
            });
        });
    egui::CentralPanel::default().show(ui, |ui| {
        egui::ScrollArea::vertical()
            .id_salt("predict_results")
            .show(ui, |ui| {
                let training = st.cls.job.is_some();
                if training || (st.cls.result.is_none() && !st.cls.live.is_empty()) {
                    live_ui(ui, st);
                }
                if let Some(result) = st.cls.result.clone() {
                    results_ui(ui, st, &result, ds, cmds);
                } else if !training {
                    ui.add_space(40.0);
                    ui.vertical_centered(|ui| {
                        ui.label(
                            RichText::new(
                                "Choose the outcome to predict and the columns to learn from on \
                                 the left, then press \u{201c}Train\u{201d}.",
                            )
                            .size(16.0),
                        );
                    });
                }
            });
    });
}

/// Whether a column of this kind can be a feature (ids, free text and dates cannot).
fn usable(kind: ColumnKind) -> bool {
    !matches!(kind, ColumnKind::Id | ColumnKind::Text | ColumnKind::Date)
}

/// Columns that can be an outcome: anything with a few distinct values.
fn target_candidates(ds: &Dataset) -> Vec<usize> {
    ds.columns
        .iter()
        .enumerate()
        .filter(|(_, c)| {
            matches!(c.kind, ColumnKind::Boolean | ColumnKind::Categorical)
                || (c.kind == ColumnKind::Numeric && c.unique <= 10)
        })
        .map(|(i, _)| i)
        .collect()
}

fn setup_ui(ui: &mut egui::Ui, st: &mut AppState, ds: &Dataset, cmds: &mut Vec<Command>) {
    ui.add_space(6.0);
    let label = ui.label(RichText::new("Outcome to predict").strong());
    let current = st
        .cls
        .target
        .and_then(|t| ds.columns.get(t))
        .map_or("(choose a column)", |c| c.name.as_str());
    egui::ComboBox::from_id_salt("predict_target")
        .selected_text(current)
        .width(240.0)
        .show_ui(ui, |ui| {
            for i in target_candidates(ds) {
                let name = &ds.columns[i].name;
                if ui
                    .selectable_label(st.cls.target == Some(i), name)
                    .clicked()
                {
                    cmds.push(Command::SetTarget(i));
                }
            }
        })
        .response
        .labelled_by(label.id);
    target_info_ui(ui, st, ds, cmds);

    ui.add_space(8.0);
    ui.horizontal(|ui| {
        ui.label(RichText::new("Learn from").strong());
        if ui.small_button("all").clicked() {
            for (i, f) in st.cls.features.iter_mut().enumerate() {
                *f = Some(i) != st.cls.target && usable(ds.columns[i].kind);
            }
        }
        if ui.small_button("none").clicked() {
            st.cls.features.iter_mut().for_each(|f| *f = false);
        }
    });
    egui::ScrollArea::vertical()
        .id_salt("predict_features")
        .max_height(220.0)
        .show(ui, |ui| {
            for (i, c) in ds.columns.iter().enumerate() {
                if Some(i) == st.cls.target {
                    continue;
                }
                let enabled = usable(c.kind);
                if let Some(on) = st.cls.features.get_mut(i) {
                    ui.add_enabled(enabled, egui::Checkbox::new(on, &c.name))
                        .on_hover_text(c.kind.label())
                        .on_disabled_hover_text(
                            "Ids, free text and dates are not used as features.",
                        );
                }
            }
        });

    ui.add_space(8.0);
    ui.label(RichText::new("Models").strong());
    for (kind, on) in st.cls.models.iter_mut() {
        ui.checkbox(on, kind.label()).on_hover_text(kind.hint());
    }

    ui.add_space(8.0);
    let dialog_busy = st.test_dialog_job.is_some();
    let c = &mut st.cls;
    super::evaluation_ui(
        ui,
        super::EvalSettings {
            eval: &mut c.eval,
            test_share: &mut c.test_share,
            folds: &mut c.folds,
            test_path: &mut c.test_path,
        },
        "Train on the rest; every outcome keeps its share in both parts.",
        dialog_busy,
        cmds,
    );

    ui.add_space(8.0);
    let label = ui.label(RichText::new("Rare outcome").strong());
    egui::ComboBox::from_id_salt("predict_imbalance")
        .selected_text(imbalance_label(st.cls.imbalance))
        .show_ui(ui, |ui| {
            for i in [
                Imbalance::None,
                Imbalance::ClassWeights,
                Imbalance::Oversample,
            ] {
                ui.selectable_value(&mut st.cls.imbalance, i, imbalance_label(i));
            }
        })
        .response
        .labelled_by(label.id)
        .on_hover_text(
            "When few customers have the outcome, models may ignore it. Weights count each rare \
             customer more; oversampling repeats them (training rows only). Probabilities then \
             run high.",
        );

    egui::CollapsingHeader::new("Model settings")
        .id_salt("predict_advanced")
        .show(ui, |ui| {
            egui::Grid::new("predict_settings").num_columns(2).show(ui, |ui| {
                let s = &mut st.cls.settings;
                let l = ui.label("Regularisation C").on_hover_text(
                    "Logistic regression and SVM: smaller values give simpler, more cautious models.",
                );
                ui.add(egui::DragValue::new(&mut s.c).range(0.001..=1000.0).speed(0.05))
                    .labelled_by(l.id);
                ui.end_row();
                let l = ui.label("Tree depth");
                ui.add(egui::DragValue::new(&mut s.tree_depth).range(1..=20)).labelled_by(l.id);
                ui.end_row();
                let l = ui.label("Trees in the forest");
                ui.add(egui::DragValue::new(&mut s.forest_trees).range(10..=500)).labelled_by(l.id);
                ui.end_row();
                let l = ui.label("Neighbours (k)");
                ui.add(egui::DragValue::new(&mut s.neighbours).range(1..=200)).labelled_by(l.id);
                ui.end_row();
                let l = ui.label("Random seed").on_hover_text(
                    "The same file, settings and seed always give the same split and models.",
                );
                ui.add(egui::DragValue::new(&mut st.cls.seed)).labelled_by(l.id);
                ui.end_row();
            });
        });
}

fn train_ui(ui: &mut egui::Ui, st: &AppState, cmds: &mut Vec<Command>) {
    ui.add_space(6.0);
    if let Some(job) = &st.cls.job {
        if super::job_progress_ui(ui, job, "Stop training (Esc).") {
            cmds.push(Command::CancelTraining);
        }
    } else {
        let ready = matches!(st.cls.target_info, Some(Ok(_)))
            && st.cls.features.iter().any(|f| *f)
            && st.cls.models.iter().any(|m| m.1);
        if super::primary_button(ui, ready, "Train")
            .on_hover_text("Train the ticked models on a background job; the window stays usable.")
            .on_disabled_hover_text("Choose an outcome, at least one feature and one model.")
            .clicked()
        {
            cmds.push(Command::Train);
        }
        if let Some(job) = &st.cls.drivers_job {
            // the results are shown; what drives them is measured meanwhile
            ui.add_space(4.0);
            if super::job_progress_button_ui(
                ui,
                &job.handle,
                "Stop measuring",
                "Stop measuring what drives the score (Esc). The results stay.",
            ) {
                cmds.push(Command::CancelDrivers);
            }
        }
    }
    ui.add_space(4.0);
}

fn imbalance_label(i: Imbalance) -> &'static str {
    match i {
        Imbalance::None => "Leave as is",
        Imbalance::ClassWeights => "Weight the rare outcome",
        Imbalance::Oversample => "Repeat rare customers",
    }
}

/// The positive value and the class balance.
fn target_info_ui(ui: &mut egui::Ui, st: &AppState, ds: &Dataset, cmds: &mut Vec<Command>) {
    let Some(t) = st.cls.target.and_then(|t| ds.columns.get(t)) else {
        return;
    };
    let values: Vec<&str> = t.top.iter().map(|c| c.value.as_str()).collect();
    match &st.cls.target_info {
        Some(Ok(target)) => {
            if values.len() > 1 {
                ui.horizontal(|ui| {
                    let label = ui.label("Counts as positive:");
                    egui::ComboBox::from_id_salt("predict_positive")
                        .selected_text(&target.positive)
                        .show_ui(ui, |ui| {
                            for v in &values {
                                if ui.selectable_label(target.positive == *v, *v).clicked() {
                                    cmds.push(Command::SetPositive(Some((*v).to_owned())));
                                }
                            }
                        })
                        .response
                        .labelled_by(label.id);
                });
            }
            let total = (target.positives + target.negatives).max(1);
            let share = target.positives as f32 / total as f32;
            ui.label(
                RichText::new(format!(
                    "{:.1} % {} = {}",
                    share * 100.0,
                    target.column,
                    target.positive
                ))
                .strong(),
            );
            ui.add(
                egui::ProgressBar::new(share)
                    .fill(theme::ACCENT)
                    .desired_height(8.0),
            );
            let mut text = format!(
                "{} of {} rows have {} = {}; the others: {}.",
                thousands(target.positives),
                thousands(total),
                target.column,
                target.positive,
                target.negative
            );
            if target.missing > 0 {
                text.push_str(&format!(
                    " {} rows without a value are left out.",
                    thousands(target.missing)
                ));
            }
            ui.label(RichText::new(text).weak());
        }
        Some(Err(msg)) => {
            ui.colored_label(ui.visuals().error_fg_color, msg);
            if values.len() > 2 {
                ui.horizontal_wrapped(|ui| {
                    ui.label("Positive value:");
                    for v in values.iter().take(12) {
                        if ui.small_button(*v).clicked() {
                            cmds.push(Command::SetPositive(Some((*v).to_owned())));
                        }
                    }
                });
            }
        }
        None => {}
    }
}

/// The loss of the model being trained and every model's current ROC curve.
fn live_ui(ui: &mut egui::Ui, st: &AppState) {
    ui.label(RichText::new("Training").strong());
    let width = ui.available_width();
    let half = if width > 900.0 {
        width / 2.0 - 8.0
    } else {
        width
    };
    let loss = st.cls.live.iter().rev().find(|l| !l.loss.is_empty());
    let draw = |ui: &mut egui::Ui| {
        if let Some(l) = loss {
            ui.vertical(|ui| {
                ui.set_width(half);
                ui.label("Logistic regression: loss by iteration (lower is better)");
                Plot::new("predict_loss")
                    .height(260.0)
                    .width(half)
                    .x_axis_label("iteration")
                    .y_axis_label("loss")
                    .allow_scroll(false)
                    .show(ui, |p| {
                        p.line(
                            Line::new("loss", PlotPoints::from(l.loss.clone()))
                                .color(theme::ACCENT),
                        );
                    });
            });
        }
        ui.vertical(|ui| {
            ui.set_width(half);
            ui.label("ROC curve on the evaluation rows, as each model stands");
            Plot::new("predict_live_roc")
                .height(260.0)
                .width(half)
                .default_x_bounds(-0.02, 1.02)
                .default_y_bounds(-0.02, 1.02)
                .x_axis_label("false alarms (share of others flagged)")
                .y_axis_label("share of positives caught")
                .legend(Legend::default().position(egui_plot::Corner::RightBottom))
                .allow_scroll(false)
                .show(ui, |p| {
                    p.line(
                        Line::new("random", PlotPoints::from(vec![[0.0, 0.0], [1.0, 1.0]]))
                            .color(egui::Color32::GRAY)
                            .style(egui_plot::LineStyle::dashed_loose()),
                    );
                    for (i, l) in st.cls.live.iter().enumerate() {
                        if let (Some(kind), Some(auc)) = (l.model, l.auc) {
                            p.line(
                                Line::new(
                                    format!("{} (AUC {auc:.3})", kind.label()),
                                    PlotPoints::from(l.roc.clone()),
                                )
                                .color(model_color(i))
                                .width(2.0),
                            );
                        }
                    }
                });
        });
    };
    if width > 900.0 {
        ui.horizontal(draw);
    } else {
        ui.vertical(draw);
    }
    for l in &st.cls.live {
        if let (Some(kind), Some((done, total))) = (l.model, l.trees)
            && done < total
        {
            ui.label(format!("{}: {done} of {total} trees built", kind.label()));
        }
    }
    ui.add_space(10.0);
}

/// The colour of the i-th model in every chart.
pub fn model_color(i: usize) -> egui::Color32 {
    theme::segment_color(i)
}

fn results_ui(
    ui: &mut egui::Ui,
    st: &mut AppState,
    result: &ClassifyResult,
    ds: &Dataset,
    cmds: &mut Vec<Command>,
) {
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(format!(
            "Predicting {} = {}, measured {} ({} rows, {} positive).",
            result.target.column,
            result.target.positive,
            result.evaluation,
            thousands(result.eval_y.len()),
            thousands(result.eval_y.iter().filter(|v| **v).count()),
        )));
    });
    for n in &result.notes {
        ui.label(RichText::new(n).weak());
    }
    if result.models.len() > 1 {
        ui.horizontal(|ui| {
            ui.label("Details for:");
            for (i, m) in result.models.iter().enumerate() {
                let text = RichText::new(m.kind.label()).color(model_color(i));
                if ui.selectable_label(st.cls.selected == i, text).clicked() {
                    st.cls.selected = i;
                }
            }
        });
    }
    ui.separator();
    ui.horizontal(|ui| {
        for (page, label, hint) in [
            (
                ResultPage::Performance,
                "How well it predicts",
                "ROC and precision-recall curves, threshold, confusion matrix, metrics.",
            ),
            (
                ResultPage::Gains,
                "Gains and campaign",
                "How many customers to contact, and what it is worth.",
            ),
            (
                ResultPage::AtRisk,
                "At-risk list",
                "Customers ranked by probability; save as CSV.",
            ),
            (
                ResultPage::Drivers,
                "What drives it",
                "Which columns the model relies on.",
            ),
        ] {
            if ui
                .selectable_label(st.cls.page == page, RichText::new(label).size(15.0))
                .on_hover_text(hint)
                .clicked()
            {
                st.cls.page = page;
            }
        }
    });
    ui.add_space(6.0);
    match st.cls.page {
        ResultPage::Performance => super::roc::ui(ui, st, result, ds, cmds),
        ResultPage::Gains => super::gains::ui(ui, st, result, ds, cmds),
        ResultPage::AtRisk => super::at_risk::ui(ui, st, result, ds, cmds),
        ResultPage::Drivers => super::drivers::ui(ui, st, result, ds, cmds),
    }
}
