//! The column panel (name, kind, missing share, role) and the details of the selected column
//! (summary numbers and a histogram or the top categories).

use eframe::egui::{self, RichText};
use egui_plot::{Bar, BarChart, Plot};

use super::theme;
use crate::app::{AppState, Command};
use crate::cli::{column_summary, short_number, thousands};
use crate::data::profile::day_string;
use crate::data::{ColumnKind, ColumnProfile, Dataset, Role};

pub fn list_ui(ui: &mut egui::Ui, st: &AppState, ds: &Dataset, cmds: &mut Vec<Command>) {
    ui.heading("Columns");
    ui.label(
        RichText::new("Kinds and roles are suggestions; change a role if it is wrong.").weak(),
    );
    ui.add_space(4.0);
    egui::ScrollArea::vertical()
        .id_salt("columns_list")
        .show(ui, |ui| {
            egui::Grid::new("columns_grid")
                .num_columns(4)
                .striped(true)
                .spacing([10.0, 6.0])
                .show(ui, |ui| {
                    ui.label(RichText::new("Column").strong());
                    ui.label(RichText::new("Kind").strong());
                    ui.label(RichText::new("Missing").strong())
                        .on_hover_text("Rows with no value, and their share of all rows.");
                    ui.label(RichText::new("Distinct").strong())
                        .on_hover_text("How many different values the column has.");
                    ui.label(RichText::new("Summary").strong()).on_hover_text(
                        "Range and median of numbers; the most common values of categories.",
                    );
                    ui.label(RichText::new("Role").strong())
                        .on_hover_text("How analyses use the column.");
                    ui.end_row();
                    for (i, c) in ds.columns.iter().enumerate() {
                        let selected = st.selected_column == Some(i);
                        let name = ui
                            .selectable_label(selected, &c.name)
                            .on_hover_text("Show this column's details.");
                        if name.clicked() {
                            cmds.push(Command::SelectColumn(i));
                        }
                        ui.label(RichText::new(c.kind.label()).color(theme::kind_color(c.kind)))
                            .on_hover_text(c.kind.explain());
                        ui.label(format!(
                            "{} ({:.1} %)",
                            thousands(c.missing),
                            c.missing_share * 100.0
                        ));
                        ui.label(thousands(c.unique));
                        let summary = short_summary(c, ds.rows());
                        ui.horizontal(|ui| {
                            ui.set_width(190.0);
                            ui.add(egui::Label::new(&summary).truncate())
                                .on_hover_text(column_summary(c));
                        });
                        let current = st.roles.get(i).copied().unwrap_or(c.role);
                        let combo = egui::ComboBox::from_id_salt(("role", i))
                            .selected_text(current.label())
                            .width(90.0)
                            .show_ui(ui, |ui| {
                                for role in Role::ALL {
                                    if ui
                                        .selectable_label(current == role, role.label())
                                        .on_hover_text(role.explain())
                                        .clicked()
                                    {
                                        cmds.push(Command::SetRole(i, role));
                                    }
                                }
                            });
                        combo.response.labelled_by(name.id);
                        ui.end_row();
                    }
                });
        });
}

/// A few words on a column for the list: "18 – 80, median 41" or "Female 51 %, Male 49 %".
fn short_summary(c: &ColumnProfile, rows: usize) -> String {
    match (&c.date_range, &c.stats, c.kind) {
        (Some((a, b)), _, _) => format!("{a} \u{2192} {b}"),
        (None, Some(s), ColumnKind::Numeric) => format!(
            "{} \u{2013} {}, median {}",
            short_number(s.min),
            short_number(s.max),
            short_number(s.median)
        ),
        _ if c.kind == ColumnKind::Id => "unique per row".to_owned(),
        _ => c
            .top
            .iter()
            .take(2)
            .map(|t| {
                format!(
                    "{} {:.0} %",
                    t.value,
                    100.0 * t.count as f64 / rows.max(1) as f64
                )
            })
            .collect::<Vec<_>>()
            .join(", "),
    }
}

pub fn details_ui(ui: &mut egui::Ui, st: &AppState, ds: &Dataset) {
    let Some(c) = st.selected_column.and_then(|i| ds.columns.get(i)) else {
        ui.label("Select a column to see its details.");
        return;
    };
    egui::ScrollArea::vertical()
        .id_salt("details")
        .show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.heading(&c.name);
                ui.label(
                    RichText::new(c.kind.label())
                        .color(theme::kind_color(c.kind))
                        .strong(),
                );
            });
            ui.add(egui::Label::new(RichText::new(c.kind.explain()).weak()).wrap());
            ui.add_space(6.0);
            ui.horizontal_top(|ui| {
                ui.vertical(|ui| {
                    ui.set_width(230.0);
                    stats_grid_ui(ui, c, ds.rows());
                });
                ui.vertical(|ui| {
                    if c.histogram.is_some() {
                        histogram_ui(ui, c);
                    } else if !c.top.is_empty() {
                        top_values_ui(ui, c, ds.rows());
                    }
                });
            });
        });
}

fn stats_grid_ui(ui: &mut egui::Ui, c: &ColumnProfile, rows: usize) {
    egui::Grid::new("column_stats")
        .num_columns(2)
        .spacing([16.0, 4.0])
        .show(ui, |ui| {
            let row = |ui: &mut egui::Ui, k: &str, v: String| {
                ui.label(k);
                ui.label(RichText::new(v).strong());
                ui.end_row();
            };
            row(
                ui,
                "Rows with a value",
                thousands(rows - c.missing.min(rows)),
            );
            row(
                ui,
                "Missing",
                format!(
                    "{} ({:.1} %)",
                    thousands(c.missing),
                    c.missing_share * 100.0
                ),
            );
            row(ui, "Distinct values", thousands(c.unique));
            if let Some((a, b)) = &c.date_range {
                row(ui, "First date", a.clone());
                row(ui, "Last date", b.clone());
            } else if let Some(s) = &c.stats {
                row(ui, "Smallest", short_number(s.min));
                row(ui, "Median", short_number(s.median));
                row(ui, "Average", short_number(s.mean));
                row(ui, "Largest", short_number(s.max));
                row(ui, "Standard deviation", short_number(s.std));
            }
        });
}

fn histogram_ui(ui: &mut egui::Ui, c: &ColumnProfile) {
    let Some(h) = &c.histogram else {
        return;
    };
    ui.label(RichText::new("How values are spread").strong());
    let bars: Vec<Bar> = h
        .counts
        .iter()
        .enumerate()
        .map(|(i, &n)| {
            let x = h.start + (i as f64 + 0.5) * h.width;
            Bar::new(x, n as f64).width(h.width * 0.95)
        })
        .collect();
    let is_date = c.kind == ColumnKind::Date;
    let chart = BarChart::new("rows", bars).color(theme::kind_color(c.kind));
    let mut plot = Plot::new(("histogram", c.name.as_str()))
        .height(200.0)
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .y_axis_label("rows")
        .x_axis_label(c.name.as_str());
    if is_date {
        plot = plot.x_axis_formatter(|mark, _| day_string(mark.value));
    }
    plot.show(ui, |p| p.bar_chart(chart));
}

fn top_values_ui(ui: &mut egui::Ui, c: &ColumnProfile, rows: usize) {
    let title = if c.unique > c.top.len() {
        format!(
            "Most common values (top {} of {})",
            c.top.len(),
            thousands(c.unique)
        )
    } else {
        "Values".to_owned()
    };
    ui.label(RichText::new(title).strong());
    let max = c.top.iter().map(|t| t.count).max().unwrap_or(1).max(1) as f32;
    let color = theme::kind_color(c.kind);
    egui::Grid::new("top_values")
        .num_columns(3)
        .spacing([8.0, 4.0])
        .show(ui, |ui| {
            for t in &c.top {
                ui.add(egui::Label::new(&t.value).truncate())
                    .on_hover_text(&t.value);
                let (rect, _) =
                    ui.allocate_exact_size(egui::vec2(110.0, 14.0), egui::Sense::hover());
                let w = rect.width() * t.count as f32 / max;
                let bar =
                    egui::Rect::from_min_size(rect.min, egui::vec2(w.max(1.0), rect.height()));
                ui.painter().rect_filled(bar, 2.0, color);
                ui.label(format!(
                    "{} ({:.1} %)",
                    thousands(t.count),
                    100.0 * t.count as f64 / rows.max(1) as f64
                ));
                ui.end_row();
            }
        });
}
