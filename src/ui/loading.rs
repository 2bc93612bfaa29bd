//! Progress while a file loads: what is happening, how far, how long, and Cancel.

use eframe::egui::{self, RichText};

use crate::app::{AppState, Command};
use crate::jobs::JobProgress;

pub fn ui(ui: &mut egui::Ui, st: &AppState, cmds: &mut Vec<Command>) {
    let Some(job) = &st.load_job else {
        return;
    };
    ui.vertical_centered(|ui| {
        ui.set_max_width(560.0);
        ui.add_space(120.0);
        ui.label(RichText::new(format!("Opening \u{201c}{}\u{201d}", st.loading_name)).size(22.0));
        ui.add_space(12.0);
        let latest = job.latest();
        let fraction = latest.and_then(JobProgress::fraction);
        let mut bar = egui::ProgressBar::new(fraction.unwrap_or(0.0)).desired_width(520.0);
        if fraction.is_none() {
            bar = bar.animate(true);
        }
        ui.add(bar);
        ui.add_space(6.0);
        let what = latest.map_or_else(|| "Starting\u{2026}".to_owned(), JobProgress::describe);
        ui.label(what);
        let mut timing = format!("{:.1} s elapsed", job.elapsed().as_secs_f32());
        if let Some(eta) = job.eta() {
            timing.push_str(&format!(
                " \u{b7} about {:.0} s left",
                eta.as_secs_f32().ceil()
            ));
        }
        ui.label(RichText::new(timing).weak());
        ui.add_space(12.0);
        if ui
            .button("Cancel")
            .on_hover_text("Stop loading (Esc). Nothing is changed on disk.")
            .clicked()
        {
            cmds.push(Command::CancelLoad);
        }
    });
}
