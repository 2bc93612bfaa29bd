//! The Share window: present, save or copy every chart of the current analysis, copy or save
//! its tables, write the HTML report, save the trained model and score a new file with a
//! saved one.

use eframe::egui::{self, RichText};

use crate::app::share::{DialogFor, ImageFormat, ShareCommand};
use crate::app::{AppState, Command};

fn share(cmd: ShareCommand) -> Command {
    Command::Share(cmd)
}

/// The toolbar's "Present" and "Share…" buttons.
pub fn toolbar_ui(ui: &mut egui::Ui, st: &AppState, cmds: &mut Vec<Command>) {
    let charts = st.share.built.as_ref().map_or(0, |b| b.charts.len());
    if ui
        .add_enabled(charts > 0, egui::Button::new("Present"))
        .on_hover_text(
            "Show this analysis's charts full screen in large type for a meeting (F5). \
             \u{2190} \u{2192} step through them, Esc leaves.",
        )
        .on_disabled_hover_text("Run this analysis first: there is no chart to present yet.")
        .clicked()
    {
        cmds.push(share(ShareCommand::Present(true)));
    }
    if ui
        .selectable_label(st.share.open, "Share\u{2026}")
        .on_hover_text(
            "Save charts as PNG or SVG, copy them, copy tables for Excel, write a report, save \
             the trained model or score a new file.",
        )
        .clicked()
    {
        cmds.push(share(ShareCommand::Window(!st.share.open)));
    }
}

/// The Share panel at the right of the window (when open).
pub fn panel_ui(ui: &mut egui::Ui, st: &mut AppState, cmds: &mut Vec<Command>) {
    if !st.share.open || st.dataset.is_none() {
        return;
    }
    egui::Panel::right("share")
        .resizable(true)
        .default_size(430.0)
        .min_size(320.0)
        .show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.label(RichText::new("Share").strong().size(17.0));
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    if ui
                        .button("Hide")
                        .on_hover_text("Hide this panel.")
                        .clicked()
                    {
                        cmds.push(share(ShareCommand::Window(false)));
                    }
                });
            });
            egui::ScrollArea::vertical()
                .auto_shrink([false, false])
                .show(ui, |ui| body_ui(ui, st, cmds));
        });
}

fn body_ui(ui: &mut egui::Ui, st: &mut AppState, cmds: &mut Vec<Command>) {
    let busy = st.share.job.is_some();
    let built = st.share.built.clone();
    ui.horizontal(|ui| {
        let label = ui.label("Save in folder:");
        ui.add(
            egui::TextEdit::singleline(&mut st.share.folder)
                .hint_text("beside the data file")
                .desired_width(300.0),
        )
        .labelled_by(label.id)
        .on_hover_text("New files only: an existing file is never replaced (a number is added).");
        if ui.button("Choose\u{2026}").clicked() {
            cmds.push(share(ShareCommand::Choose(DialogFor::Folder)));
        }
    });
    ui.horizontal(|ui| {
        ui.label("Image size:");
        let w = ui.add(
            egui::DragValue::new(&mut st.share.width)
                .range(200..=8192)
                .suffix(" px"),
        );
        w.on_hover_text("Width of saved and copied chart images.");
        ui.label("\u{00d7}");
        ui.add(
            egui::DragValue::new(&mut st.share.height)
                .range(200..=8192)
                .suffix(" px"),
        )
        .on_hover_text("Height of saved and copied chart images.");
        for (w, h, name) in [
            (1920, 1080, "1080p"),
            (3840, 2160, "4K"),
            (1280, 720, "720p"),
        ] {
            if ui
                .selectable_label(st.share.width == w && st.share.height == h, name)
                .clicked()
            {
                st.share.width = w;
                st.share.height = h;
            }
        }
        ui.checkbox(&mut st.share.dark_export, "Dark background");
    });
    ui.separator();
    let Some(built) = built else {
        ui.label(
            RichText::new("Run this analysis first: its charts, tables and report appear here.")
                .weak(),
        );
        score_ui(ui, st, cmds, busy);
        return;
    };
    ui.horizontal(|ui| {
        if ui
            .add_enabled(!built.charts.is_empty(), egui::Button::new("Present (F5)"))
            .clicked()
        {
            cmds.push(share(ShareCommand::Present(true)));
        }
        if ui
            .add_enabled(!busy, egui::Button::new("Save report (HTML)"))
            .on_hover_text(
                "One file with the data source, settings and seed, every chart, the tables and \
                 the findings. Opens in any browser, no internet needed.",
            )
            .clicked()
        {
            cmds.push(share(ShareCommand::SaveReport));
        }
        let has_model = matches!(
            st.view,
            crate::app::View::Predict | crate::app::View::Drivers | crate::app::View::Segments
        );
        if has_model
            && ui
                .add_enabled(!busy, egui::Button::new("Save model"))
                .on_hover_text(
                    "The model shown, with how it prepares the columns, to score new files \
                     here or with `marketlens score`.",
                )
                .clicked()
        {
            cmds.push(share(ShareCommand::SaveModel));
        }
    });
    ui.add_space(4.0);
    ui.label(RichText::new("Charts").strong());
    for (i, chart) in built.charts.iter().enumerate() {
        ui.add(egui::Label::new(&chart.title).wrap());
        ui.horizontal(|ui| {
            if ui
                .add_enabled(!busy, egui::Button::new("Save PNG"))
                .on_hover_text(format!(
                    "{}\u{00d7}{} pixels, title and legend included.",
                    st.share.width, st.share.height
                ))
                .clicked()
            {
                cmds.push(share(ShareCommand::SaveChart(i, ImageFormat::Png)));
            }
            if ui
                .add_enabled(!busy, egui::Button::new("Save SVG"))
                .on_hover_text("Sharp at any size; opens in browsers and slide tools.")
                .clicked()
            {
                cmds.push(share(ShareCommand::SaveChart(i, ImageFormat::Svg)));
            }
            if ui
                .button("Copy image")
                .on_hover_text("Copy the picture to paste into slides or chat.")
                .clicked()
            {
                cmds.push(share(ShareCommand::CopyChart(i)));
            }
        });
        ui.add_space(4.0);
    }
    if !built.tables.is_empty() {
        ui.add_space(4.0);
        ui.label(RichText::new("Tables").strong());
        for (i, table) in built.tables.iter().enumerate() {
            ui.add(egui::Label::new(&table.title).wrap());
            ui.horizontal(|ui| {
                if ui
                    .button("Copy for Excel")
                    .on_hover_text("Tab-separated: pastes into Excel or Sheets as cells.")
                    .clicked()
                {
                    cmds.push(share(ShareCommand::CopyTable(i)));
                }
                if ui
                    .add_enabled(!busy, egui::Button::new("Save CSV"))
                    .clicked()
                {
                    cmds.push(share(ShareCommand::SaveTable(i)));
                }
            });
            ui.add_space(4.0);
        }
    }
    score_ui(ui, st, cmds, busy);
}

fn score_ui(ui: &mut egui::Ui, st: &mut AppState, cmds: &mut Vec<Command>, busy: bool) {
    ui.separator();
    ui.label(RichText::new("Score a new file with a saved model").strong())
        .on_hover_text(
            "Writes a new CSV: every column of the file plus the model's score, prediction or \
             segment. The file is checked first: missing or wrong columns are named.",
        );
    for (label, text, what) in [
        ("Model:", &mut st.share.score_model, DialogFor::ScoreModel),
        (
            "File to score:",
            &mut st.share.score_data,
            DialogFor::ScoreData,
        ),
    ] {
        ui.horizontal(|ui| {
            let l = ui.label(label);
            ui.add(egui::TextEdit::singleline(text).desired_width(320.0))
                .labelled_by(l.id);
            if ui.button("Choose\u{2026}").clicked() {
                cmds.push(share(ShareCommand::Choose(what)));
            }
        });
    }
    ui.horizontal(|ui| {
        if ui
            .add_enabled(!busy, egui::Button::new("Score file"))
            .clicked()
        {
            cmds.push(share(ShareCommand::Score));
        }
        if busy {
            ui.spinner();
        }
    });
    if let Some(last) = &st.share.last_written {
        ui.label(RichText::new(last).weak());
    }
}
