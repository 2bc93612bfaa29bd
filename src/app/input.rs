//! Keyboard shortcuts and dropped files.

use std::path::PathBuf;

use eframe::egui;

use super::project::ProjectCommand;
use super::{Command, MarketLensApp, View};
use crate::data::Source;

impl MarketLensApp {
    /// Dropped files and keyboard shortcuts.
    pub(super) fn handle_input(&mut self, ctx: &egui::Context) {
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .collect()
        });
        if let Some(path) = dropped.into_iter().next() {
            let project = path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("mlens"));
            if project {
                self.apply(Command::Project(ProjectCommand::OpenFrom(path)));
            } else {
                self.apply(Command::Load(Source::File(path)));
            }
        }
        // presentation mode takes the keys first (Esc leaves it rather than cancelling)
        let presenting = self.state.share.presenting.is_some();
        self.share_keys(ctx);
        if presenting {
            return;
        }
        use egui::{Key, KeyboardShortcut, Modifiers};
        let save = KeyboardShortcut::new(Modifiers::COMMAND, Key::S);
        if ctx.input_mut(|i| i.consume_shortcut(&save)) && self.state.dataset.is_some() {
            self.apply(Command::Project(ProjectCommand::Save));
        }
        let open = KeyboardShortcut::new(Modifiers::COMMAND, Key::O);
        let close = KeyboardShortcut::new(Modifiers::COMMAND, Key::W);
        if ctx.input_mut(|i| i.consume_shortcut(&open)) {
            self.apply(Command::OpenDialog);
        }
        if ctx.input_mut(|i| i.consume_shortcut(&close)) && self.state.load_job.is_none() {
            self.apply(Command::CloseDataset);
        }
        if ctx.input(|i| i.key_pressed(Key::Escape)) {
            if self.state.load_job.is_some() {
                self.apply(Command::CancelLoad);
            } else if self.state.cls.job.is_some() && self.state.view == View::Predict {
                self.apply(Command::CancelTraining);
            } else if self.state.cls.drivers_job.is_some() && self.state.view == View::Predict {
                self.apply(Command::CancelDrivers);
            } else if self.state.seg.job.is_some() && self.state.view == View::Segments {
                self.apply(Command::CancelSegments);
            } else if self.state.seg.scan_job.is_some() && self.state.view == View::Segments {
                self.apply(Command::CancelScan);
            } else if self.state.fc.job.is_some() && self.state.view == View::Forecast {
                self.apply(Command::StopForecast);
            } else if self.state.reg.job.is_some() && self.state.view == View::Drivers {
                self.apply(Command::CancelRegression);
            }
        }
    }
}
