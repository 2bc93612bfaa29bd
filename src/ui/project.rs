//! Project buttons (open, save, save as) and the prompt to locate a project's moved data
//! file. They only send [`ProjectCommand`]s; the app reads and writes the files.

use eframe::egui::{self, RichText};

use crate::app::project::ProjectCommand;
use crate::app::{AppState, Command};

/// "Open project…", "Save project", "Save project as…" (for the toolbar or a menu).
pub fn menu_ui(ui: &mut egui::Ui, st: &AppState, cmds: &mut Vec<Command>) {
    let busy = st.project.is_busy();
    let has_data = st.dataset.is_some();
    if ui
        .add_enabled(!busy, egui::Button::new("Open project\u{2026}"))
        .on_hover_text(
            "Open a saved MarketLens project (.mlens): its data file, column roles, settings and \
             segment names. The analyses run again and give the same results.",
        )
        .clicked()
    {
        cmds.push(Command::Project(ProjectCommand::Open));
    }
    let save_hint = match &st.project.path {
        Some(p) => format!(
            "Save the data file's location, the column roles, every analysis's settings, the \
             trained models and the segment names to {}.",
            p.display()
        ),
        None => "Save the data file's location, the column roles, every analysis's settings, \
                 the trained models and the segment names in a project file (.mlens)."
            .to_owned(),
    };
    if ui
        .add_enabled(has_data && !busy, egui::Button::new("Save project"))
        .on_hover_text(save_hint)
        .on_disabled_hover_text("Open a data file first.")
        .clicked()
    {
        cmds.push(Command::Project(ProjectCommand::Save));
    }
    if ui
        .add_enabled(
            has_data && !busy,
            egui::Button::new("Save project as\u{2026}"),
        )
        .on_hover_text("Save the project in a new file. Your data file is never changed.")
        .on_disabled_hover_text("Open a data file first.")
        .clicked()
    {
        cmds.push(Command::Project(ProjectCommand::SaveAs));
    }
}

/// When an opened project's data file is missing: where it was, and "Locate it…".
pub fn relocate_ui(ui: &mut egui::Ui, st: &AppState, cmds: &mut Vec<Command>) {
    let Some(opened) = &st.project.relocate else {
        return;
    };
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new("Data file not found:").strong());
        ui.label(opened.project.data.label());
        if opened.project.data.sample.is_none() {
            ui.label(
                RichText::new(format!("(was at {})", opened.project.data.path.display())).weak(),
            );
        }
        if ui
            .button("Locate it\u{2026}")
            .on_hover_text(
                "Choose where the data file is now. If its contents changed, MarketLens says so \
                 and the results may differ.",
            )
            .clicked()
        {
            cmds.push(Command::Project(ProjectCommand::Relocate));
        }
        if ui
            .button("Cancel")
            .on_hover_text("Do not open this project.")
            .clicked()
        {
            cmds.push(Command::Project(ProjectCommand::CancelRelocate));
        }
    });
}
