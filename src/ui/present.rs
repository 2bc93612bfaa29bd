//! Presentation mode: the current analysis's charts one at a time, filling the window in
//! large type, with no other chrome. ← → step, Esc leaves, D switches light/dark. Draws the
//! same [`Chart`] values that are exported and put in the report, so every chart a view lists
//! is presentable.

use eframe::egui::{self, Color32, RichText};
use egui_plot::{Bar, BarChart, FilledArea, Legend, Line, LineStyle, Plot, PlotPoints, Points};

use crate::app::share::ShareCommand;
use crate::app::{AppState, Command};
use crate::chart::{AxisKind, Chart, Rgb, SeriesKind};

fn color(c: Rgb) -> Color32 {
    Color32::from_rgb(c.0, c.1, c.2)
}

/// A tick label for `value` on an axis of `kind` (categories only at whole positions).
pub fn tick_label(kind: &AxisKind, value: f64) -> String {
    match kind {
        AxisKind::Number => crate::cli::short_number(value),
        AxisKind::Percent => format!("{:.0} %", value * 100.0),
        AxisKind::Date => {
            let day = value.round() as i64;
            chrono::NaiveDate::from_ymd_opt(1970, 1, 1)
                .and_then(|d| d.checked_add_signed(chrono::TimeDelta::days(day)))
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default()
        }
        AxisKind::Category(names) => {
            let i = value.round();
            if (value - i).abs() < 1e-6 && i >= 0.0 {
                names.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        }
    }
}

/// Draw `chart` (title, subtitle, plot, footnote) in the space given. `scale` multiplies
/// the type size: 1.0 in the window, about 2 in presentation mode.
pub fn chart_ui(ui: &mut egui::Ui, chart: &Chart, scale: f32, id: &str) {
    let strong = ui.visuals().strong_text_color();
    ui.label(
        RichText::new(&chart.title)
            .size(22.0 * scale)
            .strong()
            .color(strong),
    );
    if !chart.subtitle.is_empty() {
        ui.label(RichText::new(&chart.subtitle).size(15.0 * scale).weak());
    }
    ui.add_space(6.0 * scale);
    let footnote_h = if chart.footnote.is_empty() {
        0.0
    } else {
        16.0 * scale
    };
    let height = (ui.available_height() - footnote_h - 8.0).max(120.0);
    // tick labels and the legend follow the body and small text sizes
    ui.scope(|ui| {
        for (style, size) in [
            (egui::TextStyle::Body, 14.0 * scale),
            (egui::TextStyle::Small, 12.0 * scale),
            (egui::TextStyle::Button, 14.0 * scale),
        ] {
            if let Some(font) = ui.style_mut().text_styles.get_mut(&style) {
                font.size = size;
            }
        }
        plot_ui(ui, chart, height, scale, id);
    });
    if !chart.footnote.is_empty() {
        // one line (the whole text on hover): the space below the plot is one line high
        ui.add(
            egui::Label::new(RichText::new(&chart.footnote).size(11.0 * scale).weak()).truncate(),
        );
    }
}

fn plot_ui(ui: &mut egui::Ui, chart: &Chart, height: f32, scale: f32, id: &str) {
    let (lo, hi) = chart.bounds();
    let xk = chart.x.kind.clone();
    let yk = chart.y.kind.clone();
    let mut plot = Plot::new(id)
        .height(height)
        .width(ui.available_width())
        .legend(Legend::default().position(egui_plot::Corner::LeftTop))
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .show_x(false)
        .show_y(false)
        .include_x(lo[0])
        .include_x(hi[0])
        .include_y(lo[1])
        .include_y(hi[1])
        .x_axis_label(chart.x.label.clone())
        .y_axis_label(chart.y.label.clone())
        .x_axis_formatter(move |mark, _| tick_label(&xk, mark.value))
        .y_axis_formatter(move |mark, _| tick_label(&yk, mark.value));
    if matches!(chart.x.kind, AxisKind::Category(_)) {
        plot = plot.x_grid_spacer(egui_plot::uniform_grid_spacer(|_| [1.0, 1.0, 1.0]));
    }
    if matches!(chart.y.kind, AxisKind::Category(_)) {
        plot = plot.y_grid_spacer(egui_plot::uniform_grid_spacer(|_| [1.0, 1.0, 1.0]));
    }
    plot.show(ui, |p| {
        for s in &chart.series {
            let c = color(s.color);
            match &s.kind {
                SeriesKind::Line { width, dashed } => {
                    let mut line = Line::new(s.name.clone(), PlotPoints::from(s.points.clone()))
                        .color(c)
                        .width(width * scale);
                    if *dashed {
                        line = line.style(LineStyle::dashed_loose());
                    }
                    p.line(line);
                }
                SeriesKind::Points { radius } => p.points(
                    Points::new(s.name.clone(), PlotPoints::from(s.points.clone()))
                        .color(c)
                        .radius(radius * scale.sqrt()),
                ),
                SeriesKind::Band { upper } => {
                    let n = s.points.len().min(upper.len());
                    let xs: Vec<f64> = s.points[..n].iter().map(|p| p[0]).collect();
                    let lo: Vec<f64> = s.points[..n].iter().map(|p| p[1]).collect();
                    let hi: Vec<f64> = upper[..n].iter().map(|p| p[1]).collect();
                    p.add(
                        FilledArea::new(s.name.clone(), &xs, &lo, &hi)
                            .fill_color(c.gamma_multiply(0.25)),
                    );
                }
                SeriesKind::Bars { width, horizontal } => {
                    let bars: Vec<Bar> = s
                        .points
                        .iter()
                        .map(|pt| {
                            if *horizontal {
                                Bar::new(pt[1], pt[0]).width(*width)
                            } else {
                                Bar::new(pt[0], pt[1]).width(*width)
                            }
                        })
                        .collect();
                    let mut chart = BarChart::new(s.name.clone(), bars).color(c);
                    if *horizontal {
                        chart = chart.horizontal();
                    }
                    p.bar_chart(chart);
                }
                SeriesKind::Segments { width } => {
                    for pair in s.points.chunks_exact(2) {
                        p.line(
                            Line::new("", PlotPoints::from(vec![pair[0], pair[1]]))
                                .color(c)
                                .width(width * scale),
                        );
                    }
                }
            }
        }
    });
}

/// The presentation screen: chart `index` of `charts`, and a footer with where you are.
pub fn ui(ui: &mut egui::Ui, st: &AppState, charts: &[Chart], cmds: &mut Vec<Command>) {
    let Some(index) = st.share.presenting else {
        return;
    };
    egui::CentralPanel::default()
        .frame(egui::Frame::central_panel(ui.style()).inner_margin(egui::Margin::symmetric(48, 32)))
        .show(ui, |ui| {
            let Some(chart) = charts.get(index) else {
                ui.vertical_centered(|ui| {
                    ui.add_space(ui.available_height() / 3.0);
                    ui.label(
                        RichText::new("Nothing to present yet: run this analysis first.")
                            .size(36.0),
                    );
                    ui.label(RichText::new("Press Esc to go back.").size(24.0).weak());
                });
                return;
            };
            let scale = (ui.available_height() / 520.0).clamp(1.0, 2.4);
            egui::Panel::bottom("present_footer")
                .show_separator_line(false)
                .show(ui, |ui| {
                    ui.horizontal(|ui| {
                        ui.label(
                            RichText::new(format!(
                                "Chart {} of {}   \u{2190} \u{2192} next/previous \u{00b7} D \
                                 light/dark \u{00b7} Esc leaves",
                                index + 1,
                                charts.len()
                            ))
                            .size(11.0 * scale)
                            .weak(),
                        );
                        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                            if ui.button("Leave presentation").clicked() {
                                cmds.push(Command::Share(ShareCommand::Present(false)));
                            }
                        });
                    });
                });
            egui::CentralPanel::no_frame().show(ui, |ui| {
                chart_ui(ui, chart, scale, &format!("present_{}", chart.id));
            });
        });
}
