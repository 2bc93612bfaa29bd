//! The data table: only the rows on screen are laid out, so a million rows scroll smoothly.
//! Clicking a column name sorts by it (on a background job).

use eframe::egui::{self, Align, Layout, RichText};
use egui_extras::{Column, TableBuilder};

use crate::app::{AppState, Command};
use crate::cli::thousands;
use crate::data::table::cell_text;
use crate::data::{ColumnKind, Dataset};

const ROW_HEIGHT: f32 = 22.0;

pub fn ui(ui: &mut egui::Ui, st: &AppState, ds: &Dataset, cmds: &mut Vec<Command>) {
    ui.horizontal(|ui| {
        ui.heading("Data");
        ui.label(
            RichText::new(format!(
                "{} rows \u{b7} click a column name to sort",
                thousands(ds.rows())
            ))
            .weak(),
        );
        if st.sort_job.is_some() {
            ui.spinner();
            ui.label("Sorting\u{2026}");
        }
    });
    let order = st.order.clone();
    let df = &ds.df;
    egui::ScrollArea::horizontal()
        .id_salt("table_h")
        .show(ui, |ui| {
            let mut table = TableBuilder::new(ui)
                .id_salt("data_table")
                .striped(true)
                .resizable(true)
                .cell_layout(Layout::left_to_right(Align::Center))
                .column(Column::initial(64.0).at_least(40.0).clip(true))
                .min_scrolled_height(0.0);
            for _ in ds.columns.iter() {
                table = table.column(Column::initial(130.0).at_least(48.0).clip(true));
            }
            table
                .header(26.0, |mut header| {
                    header.col(|ui| {
                        ui.label(RichText::new("row").weak());
                    });
                    for (i, c) in ds.columns.iter().enumerate() {
                        header.col(|ui| {
                            let arrow = match st.sort {
                                Some((col, false)) if col == i => " \u{25b2}",
                                Some((col, true)) if col == i => " \u{25bc}",
                                _ => "",
                            };
                            let text = RichText::new(format!("{}{arrow}", c.name)).strong();
                            if ui
                                .add(egui::Button::new(text).frame(false))
                                .on_hover_text(format!(
                                    "{} ({}). Click to sort; click again to reverse.",
                                    c.name,
                                    c.kind.label()
                                ))
                                .clicked()
                            {
                                cmds.push(Command::SortBy(i));
                            }
                        });
                    }
                })
                .body(|body| {
                    body.rows(ROW_HEIGHT, ds.rows(), |mut row| {
                        let i = row.index();
                        let r = order
                            .as_ref()
                            .and_then(|o| o.get(i))
                            .map_or(i, |&r| r as usize);
                        row.col(|ui| {
                            ui.label(RichText::new(thousands(r + 1)).weak());
                        });
                        for (c, profile) in df.columns().iter().zip(&ds.columns) {
                            row.col(|ui| {
                                let (text, missing) = cell_text(c, r);
                                let text = if missing {
                                    RichText::new(text).weak()
                                } else {
                                    RichText::new(text)
                                };
                                if profile.kind == ColumnKind::Numeric {
                                    ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
                                        ui.label(text);
                                    });
                                } else {
                                    ui.label(text);
                                }
                            });
                        }
                    });
                });
        });
}
