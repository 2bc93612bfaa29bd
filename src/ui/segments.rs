//! The segmentation workbench: pick the columns and the number of segments, watch K-Means
//! converge, then read the segments' sizes and profiles and name them.

use eframe::egui::{self, Color32, RichText};
use egui_plot::{Line, Plot, PlotPoints};

use super::theme;
use crate::analysis::segment::{Algorithm, SegmentResult, suggest_k};
use crate::app::{AppState, Command};
use crate::cli::{short_number, thousands};
use crate::data::{ColumnKind, Dataset};

pub fn ui(ui: &mut egui::Ui, st: &mut AppState, ds: &Dataset, cmds: &mut Vec<Command>) {
    egui::Panel::left("segment_setup")
        .resizable(true)
        .default_size(320.0)
        .min_size(260.0)
        .show(ui, |ui| setup_ui(ui, st, ds, cmds));
    egui::CentralPanel::default().show(ui, |ui| {
        egui::ScrollArea::both()
            .id_salt("segment_results")
            .show(ui, |ui| {
                if !st.seg.scan.is_empty() {
                    scan_ui(ui, st);
                }
                if st.seg.job.is_some() || (st.seg.result.is_none() && !st.seg.live.is_empty()) {
                    live_ui(ui, st);
                }
                if st.seg.map.is_some() {
                    map_ui(ui, st);
                }
                if let Some(result) = st.seg.result.clone() {
                    results_ui(ui, st, &result, cmds);
                } else if st.seg.job.is_none() {
                    ui.add_space(40.0);
                    ui.vertical_centered(|ui| {
                        ui.label(
                            RichText::new(
                                "Pick the columns that describe customer behaviour on the left, \
                                 then press \u{201c}Find segments\u{201d}.",
                            )
                            .size(16.0),
                        );
                    });
                }
            });
    });
}

fn setup_ui(ui: &mut egui::Ui, st: &mut AppState, ds: &Dataset, cmds: &mut Vec<Command>) {
    ui.heading("Segments");
    ui.label(RichText::new("Groups of customers who behave alike (K-Means).").weak());
    ui.add_space(6.0);
    ui.label(RichText::new("Columns to group by").strong());
    egui::ScrollArea::vertical()
        .id_salt("segment_features")
        .max_height(300.0)
        .show(ui, |ui| {
            for (i, c) in ds.columns.iter().enumerate() {
                let usable = matches!(
                    c.kind,
                    ColumnKind::Numeric | ColumnKind::Categorical | ColumnKind::Boolean
                );
                if !usable {
                    continue;
                }
                if let Some(on) = st.seg.features.get_mut(i) {
                    ui.checkbox(on, &c.name).on_hover_text(c.kind.explain());
                }
            }
        });
    ui.add_space(6.0);
    ui.label(
        RichText::new(
            "Numbers: missing values filled with the median. Categories: one column per value \
             (1 or 0).",
        )
        .weak(),
    );
    ui.checkbox(&mut st.seg.standardize, "Standardize numbers (recommended)")
        .on_hover_text(
            "Puts every numeric column on the same scale (mean 0, standard deviation 1), so \
             that spend in dollars does not outweigh visits or age.",
        );
    ui.checkbox(
        &mut st.seg.log_skewed,
        "Log scale for skewed amounts (spend, counts)",
    )
    .on_hover_text(
        "Takes ln(1 + x) of columns whose average is well above their median, so a few big \
         spenders do not decide the segments alone.",
    );
    ui.add_space(6.0);
    egui::Grid::new("segment_settings")
        .num_columns(2)
        .show(ui, |ui| {
            let algo_label = ui.label("Method");
            egui::ComboBox::from_id_salt("segment_algorithm")
                .selected_text(st.seg.algorithm.label())
                .show_ui(ui, |ui| {
                    for a in [Algorithm::KMeans, Algorithm::Gmm, Algorithm::Ward] {
                        let hint = match a {
                            Algorithm::KMeans => {
                                "Round groups of similar spread; fast, shown converging live."
                            }
                            Algorithm::Gmm => {
                                "Groups may be stretched or differ in spread; slower."
                            }
                            Algorithm::Ward => {
                                "Merges the closest groups step by step (on up to 3,000 \
                                 customers; the rest join the nearest group)."
                            }
                        };
                        ui.selectable_value(&mut st.seg.algorithm, a, a.label())
                            .on_hover_text(hint);
                    }
                })
                .response
                .labelled_by(algo_label.id);
            ui.end_row();
            let k_label = ui.label("Number of segments");
            ui.add(egui::Slider::new(&mut st.seg.k, 2..=10))
                .labelled_by(k_label.id);
            ui.end_row();
            let seed_label = ui
                .label("Seed")
                .on_hover_text("The same file, columns and seed always give the same segments.");
            ui.add(egui::DragValue::new(&mut st.seg.seed))
                .labelled_by(seed_label.id);
            ui.end_row();
        });
    let chosen = st.seg.features.iter().filter(|f| **f).count();
    if let Some(job) = &st.seg.scan_job {
        // a bar per k, the time left and Cancel, as every other job
        if super::job_progress_ui(ui, job, "Stop trying numbers of segments (Esc).") {
            cmds.push(Command::CancelScan);
        }
    } else if ui
        .add_enabled(
            chosen > 0,
            egui::Button::new("Find the best number of segments"),
        )
        .on_hover_text("Try 2 to 10 segments and compare how well each separates customers.")
        .clicked()
    {
        cmds.push(Command::ScanK);
    }
    ui.add_space(8.0);
    if let Some(job) = &st.seg.job {
        if super::job_progress_ui(ui, job, "Stop training (Esc).") {
            cmds.push(Command::CancelSegments);
        }
    } else {
        if super::primary_button(ui, chosen > 0, "Find segments")
            .on_hover_text("Run K-Means with 10 k-means++ starts and keep the best.")
            .on_disabled_hover_text("Tick at least one column first.")
            .clicked()
        {
            cmds.push(Command::FindSegments);
        }
    }
}

/// Elbow and silhouette charts side by side, the suggested k with its reason, and buttons
/// (or a click on either chart) to pick k.
fn scan_ui(ui: &mut egui::Ui, st: &mut AppState) {
    let suggestion = suggest_k(&st.seg.scan);
    ui.label(RichText::new("How many segments?").strong());
    if let Some((_, reason)) = &suggestion {
        ui.label(reason);
    }
    let elbow: Vec<[f64; 2]> = st
        .seg
        .scan
        .iter()
        .map(|s| [s.k as f64, s.inertia])
        .collect();
    let sil: Vec<[f64; 2]> = st
        .seg
        .scan
        .iter()
        .filter_map(|s| Some([s.k as f64, s.silhouette?]))
        .collect();
    let mut picked: Option<usize> = None;
    ui.columns(2, |cols| {
        for (ui, (title, points, id)) in cols.iter_mut().zip([
            (
                "Spread within segments (look for the elbow)",
                elbow,
                "elbow",
            ),
            ("Silhouette (higher is better)", sil, "silhouette"),
        ]) {
            ui.label(title);
            let response = Plot::new(id)
                .height(180.0)
                .allow_zoom(false)
                .allow_drag(false)
                .allow_scroll(false)
                .x_axis_label("segments (k)")
                .x_grid_spacer(egui_plot::uniform_grid_spacer(|_| [1.0, 5.0, 10.0]))
                .show(ui, |p| {
                    p.line(Line::new(title, PlotPoints::from(points.clone())).color(theme::ACCENT));
                    p.points(
                        egui_plot::Points::new(title, PlotPoints::from(points))
                            .radius(4.0)
                            .color(theme::ACCENT),
                    );
                    p.pointer_coordinate()
                });
            if response.response.clicked()
                && let Some(at) = response.inner
            {
                picked = Some(at.x.round().clamp(2.0, 10.0) as usize);
            }
        }
    });
    ui.horizontal_wrapped(|ui| {
        ui.label("Use:");
        for s in &st.seg.scan {
            let suggested = suggestion.as_ref().is_some_and(|(k, _)| *k == s.k);
            let text = if suggested {
                RichText::new(format!("{} segments (suggested)", s.k)).strong()
            } else {
                RichText::new(format!("{} segments", s.k))
            };
            if ui.selectable_label(st.seg.k == s.k, text).clicked() {
                picked = Some(s.k);
            }
        }
    });
    if let Some(k) = picked {
        st.seg.k = k;
    }
    ui.add_space(10.0);
}

fn live_ui(ui: &mut egui::Ui, st: &AppState) {
    ui.label(RichText::new("Spread within segments, by iteration").strong())
        .on_hover_text(
            "Sum of squared distances of customers to their segment centre (standardized \
             units). It falls as K-Means converges; each start begins high again.",
        );
    let points = PlotPoints::from(st.seg.live.clone());
    Plot::new("segment_live")
        .height(220.0)
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .x_axis_label("iterations, all starts (shown up to 20 times a second)")
        .y_axis_label("spread")
        .show(ui, |p| {
            p.line(Line::new("spread", points).color(theme::ACCENT))
        });
    ui.add_space(8.0);
}

/// Customers on the two main directions of the data, coloured by segment, centres marked.
/// At most 20,000 customers are drawn (a seeded sample for big files).
fn map_ui(ui: &mut egui::Ui, st: &AppState) {
    let Some(map) = &st.seg.map else {
        return;
    };
    let k = st.seg.map_centroids.len();
    ui.label(RichText::new("Segment map").strong())
        .on_hover_text(
            "Each dot is a customer, placed by the two combinations of columns that vary most \
         (principal components). Diamonds are segment centres.",
        );
    let name = |c: usize| {
        st.seg
            .names
            .get(c)
            .cloned()
            .unwrap_or_else(|| format!("Segment {}", c + 1))
    };
    Plot::new("segment_map")
        .height(360.0)
        .legend(egui_plot::Legend::default())
        .x_axis_label(format!("1st direction: {}", map.axis_names[0]))
        .y_axis_label(format!("2nd direction: {}", map.axis_names[1]))
        .show(ui, |p| {
            for c in 0..k {
                let points: Vec<[f64; 2]> = map
                    .points
                    .iter()
                    .zip(&st.seg.map_labels)
                    .filter(|(_, l)| **l == c)
                    .map(|(pt, _)| *pt)
                    .collect();
                p.points(
                    egui_plot::Points::new(name(c), PlotPoints::from(points))
                        .radius(1.5)
                        .color(theme::segment_color(c)),
                );
            }
            let centres: Vec<[f64; 2]> = st.seg.map_centroids.clone();
            p.points(
                egui_plot::Points::new("segment centres", PlotPoints::from(centres))
                    .shape(egui_plot::MarkerShape::Diamond)
                    .radius(8.0)
                    .filled(true)
                    .color(Color32::BLACK),
            );
        });
    ui.add_space(8.0);
}

/// Box plots of one numeric column by segment, the column picked from a list.
fn boxes_ui(ui: &mut egui::Ui, st: &mut AppState, result: &SegmentResult) {
    if result.boxes.is_empty() {
        return;
    }
    ui.add_space(10.0);
    let current = st.seg.box_feature.min(result.boxes.len() - 1);
    ui.horizontal(|ui| {
        let label = ui.label(RichText::new("Compare segments on").strong());
        egui::ComboBox::from_id_salt("box_feature")
            .selected_text(&result.boxes[current].0)
            .show_ui(ui, |ui| {
                for (i, (name, _)) in result.boxes.iter().enumerate() {
                    ui.selectable_value(&mut st.seg.box_feature, i, name);
                }
            })
            .response
            .labelled_by(label.id);
    });
    let (feature, stats) = &result.boxes[current];
    let boxes: Vec<egui_plot::BoxElem> = stats
        .iter()
        .enumerate()
        .filter_map(|(i, s)| {
            let [lo, q1, med, q3, hi] = (*s)?;
            let name = st.seg.names.get(i).cloned().unwrap_or_default();
            Some(
                egui_plot::BoxElem::new(i as f64, egui_plot::BoxSpread::new(lo, q1, med, q3, hi))
                    .name(name)
                    .box_width(0.5)
                    .fill(theme::segment_color(i).gamma_multiply(0.5))
                    .stroke(egui::Stroke::new(1.5, theme::segment_color(i))),
            )
        })
        .collect();
    let names = st.seg.names.clone();
    Plot::new("segment_boxes")
        .height(220.0)
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .y_axis_label(feature.as_str())
        .x_grid_spacer(egui_plot::uniform_grid_spacer(|_| [1.0, 1.0, 1.0]))
        .x_axis_formatter(move |mark, _| {
            let i = mark.value.round();
            if (mark.value - i).abs() < 1e-6 && i >= 0.0 {
                names.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .show(ui, |p| {
            p.box_plot(egui_plot::BoxPlot::new(feature.as_str(), boxes))
        });
}

/// Green when a segment is above the overall value, red when below, stronger when further.
fn distance_color(d: f64, dark: bool) -> Color32 {
    let a = (d.abs().min(2.0) / 2.0 * 200.0) as u8;
    let base = if d >= 0.0 {
        Color32::from_rgba_unmultiplied(44, 160, 44, a)
    } else {
        Color32::from_rgba_unmultiplied(214, 39, 40, a)
    };
    if dark { base } else { base.gamma_multiply(0.9) }
}

fn results_ui(
    ui: &mut egui::Ui,
    st: &mut AppState,
    result: &SegmentResult,
    cmds: &mut Vec<Command>,
) {
    let total: usize = result.sizes.iter().sum();
    ui.heading(format!(
        "{} segments of {} customers",
        result.sizes.len(),
        thousands(total)
    ));
    ui.label(
        RichText::new(format!(
            "Silhouette {} (\u{2212}1 to 1: higher means better separated) \u{b7} spread {:.1} \u{b7} \
             best of 10 starts, {} iterations, seed {}",
            result.silhouette.map_or_else(|| "n/a".to_owned(), |s| format!("{s:.2}")),
            result.fit.inertia,
            result.fit.history.len(),
            st.seg.seed
        ))
        .weak(),
    );
    ui.add_space(8.0);
    ui.label(RichText::new("Segment sizes").strong());
    let max = result.sizes.iter().copied().max().unwrap_or(1).max(1) as f32;
    egui::Grid::new("segment_sizes")
        .num_columns(4)
        .spacing([10.0, 6.0])
        .show(ui, |ui| {
            for (i, &size) in result.sizes.iter().enumerate() {
                let label = ui.label(format!("Segment {}", i + 1));
                if let Some(name) = st.seg.names.get_mut(i) {
                    ui.add_sized(
                        [280.0, 22.0],
                        egui::TextEdit::singleline(name).desired_width(280.0),
                    )
                    .labelled_by(label.id)
                    .on_hover_text("Click to rename; the name is used everywhere.");
                }
                let (rect, _) =
                    ui.allocate_exact_size(egui::vec2(220.0, 16.0), egui::Sense::hover());
                let w = rect.width() * size as f32 / max;
                ui.painter().rect_filled(
                    egui::Rect::from_min_size(rect.min, egui::vec2(w.max(1.0), rect.height())),
                    2.0,
                    theme::segment_color(i),
                );
                ui.label(format!(
                    "{} ({:.1} %)",
                    thousands(size),
                    100.0 * size as f64 / total.max(1) as f64
                ));
                ui.end_row();
            }
        });
    ui.add_space(6.0);
    ui.horizontal(|ui| {
        let label = ui.label("Save to:");
        ui.add(egui::TextEdit::singleline(&mut st.seg.export_path).desired_width(360.0))
            .labelled_by(label.id)
            .on_hover_text("A new CSV file. The input file is never written.");
        if ui
            .button("Choose\u{2026}")
            .on_hover_text("Pick the file with the system's Save dialog.")
            .clicked()
        {
            cmds.push(Command::ChooseExportPath);
        }
        if st.seg.export_job.is_some() {
            ui.spinner();
        } else {
            if ui
                .button("Save segments")
                .on_hover_text(
                    "Every input row plus a \u{201c}segment\u{201d} column with its name.",
                )
                .clicked()
            {
                cmds.push(Command::ExportSegments(true));
            }
            if ui
                .button("Save profile")
                .on_hover_text("The table below, as CSV (file name + _profile).")
                .clicked()
            {
                cmds.push(Command::ExportSegments(false));
            }
        }
    });
    boxes_ui(ui, st, result);
    ui.add_space(10.0);
    ui.label(RichText::new("What makes each segment different").strong())
        .on_hover_text(
            "Average of each column per segment (share of customers for categories), next to \
             the average over everyone. Green: above; red: below. Most distinctive first.",
        );
    let dark = st.persisted.dark_mode;
    egui::Grid::new("segment_profile")
        .num_columns(2 + result.sizes.len())
        .striped(true)
        .spacing([14.0, 4.0])
        .show(ui, |ui| {
            ui.label(RichText::new("Column").strong());
            ui.label(RichText::new("Everyone").strong());
            for name in &st.seg.names {
                ui.label(RichText::new(name).strong());
            }
            ui.end_row();
            for row in &result.profile {
                ui.label(&row.feature);
                let fmt = |v: f64| {
                    if row.is_share {
                        format!("{:.0} %", v * 100.0)
                    } else {
                        short_number(v)
                    }
                };
                ui.label(fmt(row.overall));
                for (v, d) in row.per_segment.iter().zip(&row.distance) {
                    egui::Frame::new()
                        .fill(distance_color(*d, dark))
                        .inner_margin(egui::Margin::symmetric(6, 1))
                        .corner_radius(3.0)
                        .show(ui, |ui| ui.label(fmt(*v)));
                }
                ui.end_row();
            }
        });
}
