//! Views. Each draws part of [`AppState`] and returns [`Command`]s; none does file I/O or
//! heavy work (that happens in jobs started by the app).

pub mod at_risk;
pub mod campaign;
pub mod classify;
pub mod columns;
pub mod data_view;
pub mod drivers;
pub mod forecast;
pub mod forecast_chart;
pub mod gains;
pub mod loading;
pub mod present;
pub mod project;
pub mod regression;
pub mod regression_charts;
pub mod roc;
pub mod segments;
pub mod share;
pub mod start;
pub mod theme;
pub mod what_if;

use eframe::egui::{self, RichText};

use crate::app::{AppState, Command, View};
use crate::cli::thousands;

/// Draw the whole window; returns what the user asked for this frame.
pub fn draw(ui: &mut egui::Ui, st: &mut AppState) -> Vec<Command> {
    let mut cmds = Vec::new();
    if st.share.presenting.is_some() {
        let charts = st.share.built.clone();
        let charts = charts.as_ref().map_or(&[][..], |b| &b.charts[..]);
        present::ui(ui, st, charts, &mut cmds);
        return cmds;
    }
    egui::Panel::top("toolbar").show(ui, |ui| {
        toolbar_ui(ui, st, &mut cmds);
        banners_ui(ui, st, &mut cmds);
        project::relocate_ui(ui, st, &mut cmds);
        // With a file open the start screen is hidden, so the path field shows here.
        if st.dataset.is_some() && st.show_path_field {
            start::path_field_ui(ui, st, &mut cmds);
            ui.add_space(4.0);
        }
    });
    if st.load_job.is_none() {
        share::panel_ui(ui, st, &mut cmds);
    }
    if st.load_job.is_some() {
        egui::CentralPanel::default().show(ui, |ui| loading::ui(ui, st, &mut cmds));
    } else if let Some(ds) = st.dataset.clone()
        && st.view == View::Segments
    {
        segments::ui(ui, st, &ds, &mut cmds);
    } else if let Some(ds) = st.dataset.clone()
        && st.view == View::Predict
    {
        classify::ui(ui, st, &ds, &mut cmds);
    } else if let Some(ds) = st.dataset.clone()
        && st.view == View::Forecast
    {
        forecast::ui(ui, st, &ds, &mut cmds);
    } else if let Some(ds) = st.dataset.clone()
        && st.view == View::Drivers
    {
        regression::ui(ui, st, &ds, &mut cmds);
    } else if let Some(ds) = st.dataset.clone() {
        egui::Panel::left("columns")
            .resizable(true)
            .default_size(640.0)
            .min_size(300.0)
            .show(ui, |ui| {
                egui::Panel::bottom("details")
                    .resizable(true)
                    .default_size(330.0)
                    .min_size(290.0)
                    .show(ui, |ui| columns::details_ui(ui, st, &ds));
                egui::CentralPanel::no_frame().show(ui, |ui| {
                    columns::list_ui(ui, st, &ds, &mut cmds);
                });
            });
        egui::CentralPanel::default().show(ui, |ui| data_view::ui(ui, st, &ds, &mut cmds));
    } else {
        egui::CentralPanel::default().show(ui, |ui| start::ui(ui, st, &mut cmds));
    }
    drop_overlay(ui);
    cmds
}

fn toolbar_ui(ui: &mut egui::Ui, st: &AppState, cmds: &mut Vec<Command>) {
    ui.horizontal(|ui| {
        ui.label(
            RichText::new("MarketLens")
                .strong()
                .size(18.0)
                .color(theme::ACCENT),
        );
        ui.separator();
        if ui
            .button("Open CSV\u{2026}")
            .on_hover_text("Open a CSV file (Ctrl+O). You can also drop a file on the window.")
            .clicked()
        {
            cmds.push(Command::OpenDialog);
        }
        ui.menu_button("Project", |ui| project::menu_ui(ui, st, cmds))
            .response
            .on_hover_text("Save or open a project: the data file, settings and models.");
        if let Some(ds) = &st.dataset {
            if ui
                .button("Close")
                .on_hover_text("Close this file and go back to the start screen (Ctrl+W).")
                .clicked()
            {
                cmds.push(Command::CloseDataset);
            }
            ui.separator();
            for (view, label, hint) in [
                (View::Data, "Data", "The table and its columns."),
                (
                    View::Segments,
                    "Segments",
                    "Find groups of similar customers (K-Means).",
                ),
                (
                    View::Predict,
                    "Predict",
                    "Predict a yes/no outcome such as churn or response, and see who is at risk.",
                ),
                (
                    View::Forecast,
                    "Forecast",
                    "Forecast sales over time and compare methods on the last periods.",
                ),
                (
                    View::Drivers,
                    "Drivers",
                    "What drives a number such as sales or spend, and what if a driver moves.",
                ),
            ] {
                if ui
                    .selectable_label(st.view == view, label)
                    .on_hover_text(hint)
                    .clicked()
                {
                    cmds.push(Command::ShowView(view));
                }
            }
            ui.separator();
            share::toolbar_ui(ui, st, cmds);
            ui.separator();
            ui.label(RichText::new(&ds.file_name).strong());
            ui.label(format!(
                "{} rows \u{d7} {} columns",
                thousands(ds.rows()),
                ds.columns.len()
            ))
            .on_hover_text(format!(
                "{}-separated, {}, read in {:.2} s",
                ds.delimiter,
                ds.encoding.label(),
                ds.load_seconds
            ));
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            let label = if st.persisted.dark_mode {
                "Light mode"
            } else {
                "Dark mode"
            };
            if ui
                .button(label)
                .on_hover_text("Switch between light and dark colours.")
                .clicked()
            {
                cmds.push(Command::ToggleDarkMode);
            }
        });
    });
}

fn banners_ui(ui: &mut egui::Ui, st: &AppState, cmds: &mut Vec<Command>) {
    let dark = st.persisted.dark_mode;
    for (i, b) in st.banners.iter().enumerate() {
        let fill = if b.is_error {
            theme::error_fill(dark)
        } else {
            theme::notice_fill(dark)
        };
        egui::Frame::new()
            .fill(fill)
            .inner_margin(egui::Margin::symmetric(10, 6))
            .corner_radius(4.0)
            .show(ui, |ui| {
                ui.horizontal(|ui| {
                    let icon = if b.is_error { "Problem:" } else { "Note:" };
                    ui.label(RichText::new(icon).strong());
                    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                        if ui
                            .small_button("Dismiss")
                            .on_hover_text("Hide this message.")
                            .clicked()
                        {
                            cmds.push(Command::DismissBanner(i));
                        }
                        ui.with_layout(egui::Layout::left_to_right(egui::Align::Center), |ui| {
                            ui.add(egui::Label::new(&b.text).wrap());
                        });
                    });
                });
            });
    }
    ui.add_space(2.0);
}

/// While a file is dragged over the window, say what dropping it will do.
fn drop_overlay(ui: &mut egui::Ui) {
    let ctx = ui.ctx().clone();
    let hovering = ctx.input(|i| !i.raw.hovered_files.is_empty());
    if !hovering {
        return;
    }
    let rect = ctx.content_rect();
    let painter = ctx.layer_painter(egui::LayerId::new(
        egui::Order::Foreground,
        egui::Id::unique("drop_overlay"),
    ));
    painter.rect_filled(rect, 0.0, egui::Color32::from_black_alpha(170));
    painter.text(
        rect.center(),
        egui::Align2::CENTER_CENTER,
        "Drop the CSV file to open it",
        egui::FontId::proportional(32.0),
        egui::Color32::WHITE,
    );
}

/// The workbench's main action (Train, Forecast): large, white on the accent colour.
pub fn primary_button(ui: &mut egui::Ui, enabled: bool, text: &str) -> egui::Response {
    ui.add_enabled(
        enabled,
        egui::Button::new(
            RichText::new(text)
                .size(17.0)
                .strong()
                .color(egui::Color32::WHITE),
        )
        .fill(theme::ACCENT)
        .min_size(egui::vec2(120.0, 30.0)),
    )
}

/// A running job: its progress bar, what it is doing with the time left, and a Cancel
/// button. Returns true when Cancel was clicked.
pub fn job_progress_ui<P: crate::jobs::JobProgress, T>(
    ui: &mut egui::Ui,
    job: &crate::jobs::JobHandle<P, T>,
    cancel_hint: &str,
) -> bool {
    job_progress_button_ui(ui, job, "Cancel", cancel_hint)
}

/// [`job_progress_ui`] with another label on the button ("Stop, keep the best").
pub fn job_progress_button_ui<P: crate::jobs::JobProgress, T>(
    ui: &mut egui::Ui,
    job: &crate::jobs::JobHandle<P, T>,
    button: &str,
    hint: &str,
) -> bool {
    let fraction = job.latest().and_then(|p| p.fraction()).unwrap_or(0.0);
    ui.add(egui::ProgressBar::new(fraction).show_percentage());
    let mut text = job
        .latest()
        .map_or_else(|| "Starting\u{2026}".to_owned(), |p| p.describe());
    if let Some(eta) = job.eta() {
        text.push_str(&format!(
            " \u{b7} about {:.0} s left",
            eta.as_secs_f32().ceil()
        ));
    }
    ui.label(text);
    ui.button(button).on_hover_text(hint).clicked()
}

/// The evaluation settings a workbench lets the user choose.
pub struct EvalSettings<'a> {
    pub eval: &'a mut crate::app::EvalChoice,
    pub test_share: &'a mut f64,
    pub folds: &'a mut usize,
    pub test_path: &'a mut String,
}

/// "Check the models on": a held-out part (with its share), cross-validation (with k) or a
/// test file (with its path and a Browse button; `dialog_busy` while a dialog is open).
pub fn evaluation_ui(
    ui: &mut egui::Ui,
    s: EvalSettings,
    split_hint: &str,
    dialog_busy: bool,
    cmds: &mut Vec<Command>,
) {
    use crate::app::EvalChoice;
    ui.label(RichText::new("Check the models on").strong());
    ui.radio_value(s.eval, EvalChoice::Split, "A held-out part of the rows")
        .on_hover_text(split_hint);
    if *s.eval == EvalChoice::Split {
        let mut pct = *s.test_share * 100.0;
        let label = ui.label("Held out");
        ui.add(
            egui::Slider::new(&mut pct, 10.0..=50.0)
                .suffix(" %")
                .integer(),
        )
        .labelled_by(label.id);
        *s.test_share = pct / 100.0;
    }
    ui.radio_value(s.eval, EvalChoice::KFold, "Cross-validation")
        .on_hover_text(
            "Split the rows into k parts; each part is scored by a model trained on the others. \
             Slower, steadier numbers.",
        );
    if *s.eval == EvalChoice::KFold {
        ui.horizontal(|ui| {
            let label = ui.label("Parts (k)");
            ui.add(egui::DragValue::new(s.folds).range(3..=10))
                .labelled_by(label.id);
        });
    }
    ui.radio_value(s.eval, EvalChoice::TestFile, "A separate test file")
        .on_hover_text("Train on all of this file; measure on another CSV with the same columns.");
    if *s.eval == EvalChoice::TestFile {
        let label = ui.label("Test file path");
        ui.horizontal(|ui| {
            ui.add(
                egui::TextEdit::singleline(s.test_path)
                    .hint_text("/path/to/test.csv")
                    .desired_width(180.0),
            )
            .labelled_by(label.id);
            if ui
                .add_enabled(!dialog_busy, egui::Button::new("Browse\u{2026}"))
                .on_hover_text("Choose a CSV with the same columns as this file.")
                .clicked()
            {
                cmds.push(Command::ChooseTestFile);
            }
        });
    }
}
