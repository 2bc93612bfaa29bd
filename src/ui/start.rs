//! The start screen: open a file (dialog, drop, path), a bundled sample, or a recent file.

use eframe::egui::{self, RichText};

use super::theme;
use crate::app::{AppState, Command};
use crate::data::Source;
use crate::data::load::file_label;
use crate::samples::SAMPLES;

pub fn ui(ui: &mut egui::Ui, st: &mut AppState, cmds: &mut Vec<Command>) {
    egui::ScrollArea::vertical().show(ui, |ui| {
        ui.vertical_centered(|ui| {
            ui.set_max_width(880.0);
            ui.add_space(24.0);
            ui.label(
                RichText::new("MarketLens")
                    .size(36.0)
                    .strong()
                    .color(theme::ACCENT),
            );
            ui.label(
                RichText::new(
                    "Open a customer or sales CSV to find segments, predict churn and response, \
                     forecast sales and see what drives them.",
                )
                .size(16.0),
            );
            ui.add_space(18.0);
            let open = egui::Button::new(RichText::new("Open CSV\u{2026}").size(20.0))
                .min_size(egui::vec2(220.0, 44.0));
            if ui
                .add(open)
                .on_hover_text("Choose a CSV file on this computer (Ctrl+O).")
                .clicked()
            {
                cmds.push(Command::OpenDialog);
            }
            ui.label(
                RichText::new("or drop a CSV file anywhere on this window")
                    .weak()
                    .size(14.0),
            );
            ui.add_space(6.0);
            path_field_ui(ui, st, cmds);
        });
        ui.add_space(20.0);
        ui.vertical_centered(|ui| {
            ui.set_max_width(880.0);
            ui.horizontal(|ui| ui.heading("Try a sample"));
            samples_ui(ui, cmds);
            ui.add_space(16.0);
            ui.horizontal(|ui| ui.heading("Recent files"));
            recent_ui(ui, st, cmds);
        });
    });
}

/// The "type a path" field: a link that opens it, then the field and an Open button.
pub fn path_field_ui(ui: &mut egui::Ui, st: &mut AppState, cmds: &mut Vec<Command>) {
    if !st.show_path_field {
        if ui
            .link("Type a file path instead")
            .on_hover_text("Useful when the file dialog is not available.")
            .clicked()
        {
            st.show_path_field = true;
        }
        return;
    }
    ui.horizontal(|ui| {
        let label = ui.label("File path:");
        let edit = egui::TextEdit::singleline(&mut st.path_input)
            .hint_text("/home/me/customers.csv")
            .desired_width(480.0);
        let response = ui.add(edit).labelled_by(label.id);
        let enter = response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        let clicked = ui.button("Open path").clicked();
        let path = st.path_input.trim().trim_matches(['"', '\'']).to_owned();
        if (enter || clicked) && !path.is_empty() {
            cmds.push(Command::Load(Source::File(path.into())));
        }
    });
}

fn samples_ui(ui: &mut egui::Ui, cmds: &mut Vec<Command>) {
    egui::Grid::new("samples")
        .num_columns(2)
        .spacing([12.0, 12.0])
        .show(ui, |ui| {
            for (i, sample) in SAMPLES.iter().enumerate() {
                egui::Frame::group(ui.style())
                    .inner_margin(egui::Margin::same(10))
                    .show(ui, |ui| {
                        ui.set_width(400.0);
                        ui.vertical(|ui| {
                            let button =
                                egui::Button::new(RichText::new(sample.title).size(16.0).strong());
                            if ui
                                .add(button)
                                .on_hover_text(format!("Open the bundled {}", sample.file_name))
                                .clicked()
                            {
                                cmds.push(Command::Load(sample.source()));
                            }
                            ui.label(RichText::new(sample.file_name).weak().monospace());
                            ui.add(egui::Label::new(sample.description).wrap());
                        });
                    });
                if i % 2 == 1 {
                    ui.end_row();
                }
            }
        });
}

fn recent_ui(ui: &mut egui::Ui, st: &AppState, cmds: &mut Vec<Command>) {
    if st.persisted.recent.is_empty() {
        ui.label(RichText::new("Files you open will be listed here.").weak());
        return;
    }
    for (i, path) in st.persisted.recent.iter().enumerate() {
        let exists = st.recent_exists.get(i).copied().unwrap_or(false);
        ui.horizontal(|ui| {
            let name = file_label(path);
            let open = ui
                .add_enabled(exists, egui::Button::new(&name))
                .on_hover_text(path.display().to_string())
                .on_disabled_hover_text(format!(
                    "{} \u{2014} this file is no longer there",
                    path.display()
                ));
            if open.clicked() {
                cmds.push(Command::Load(Source::File(path.clone())));
            }
            let mut where_ = path
                .parent()
                .map(|p| p.display().to_string())
                .unwrap_or_default();
            if !exists {
                where_.push_str("  (missing)");
            }
            ui.label(RichText::new(where_).weak());
            if ui
                .small_button("Remove")
                .on_hover_text("Remove from this list (the file is not touched).")
                .clicked()
            {
                cmds.push(Command::RemoveRecent(i));
            }
        });
    }
}
