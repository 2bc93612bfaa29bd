//! The Forecast tab: choose the date and the amount, how rows are grouped and how far to
//! look ahead, then run the methods on a background job while the LSTM's loss and forecast
//! grow; read the comparison chart, the error table and the forecast itself.

use eframe::egui::{self, RichText};

use super::forecast_chart::{self, ChartModel};
use super::theme;
use crate::analysis::forecast::{ForecastResult, ModelKind, SeasonChoice};
use crate::analysis::holt_winters::{Seasonal, Trend};
use crate::analysis::lstm::Strategy;
use crate::analysis::series::{Aggregate, Fill, Period};
use crate::app::{AppState, Command};
use crate::cli::thousands;
use crate::data::{ColumnKind, Dataset};

pub fn ui(ui: &mut egui::Ui, st: &mut AppState, ds: &Dataset, cmds: &mut Vec<Command>) {
    egui::Panel::left("forecast_setup")
        .resizable(true)
        .default_size(320.0)
        .min_size(270.0)
        .show(ui, |ui| {
            egui::Panel::top("forecast_run").show(ui, |ui| {
                ui.heading("Forecast");
                ui.label(RichText::new("What comes next, with an honest range.").weak());
                run_ui(ui, st, cmds);
            });
            egui::CentralPanel::no_frame().show(ui, |ui| {
                // the settings stay put while a forecast runs on them
                let running = st.fc.is_running();
                egui::ScrollArea::vertical()
                    .id_salt("forecast_setup_scroll")
                    .show(ui, |ui| {
                        ui.add_enabled_ui(!running, |ui| setup_ui(ui, st, ds, cmds));
                    });
            });
        });
    egui::CentralPanel::default().show(ui, |ui| {
        egui::ScrollArea::vertical()
            .id_salt("forecast_results")
            .show(ui, |ui| results_ui(ui, st, cmds));
    });
}

fn run_ui(ui: &mut egui::Ui, st: &AppState, cmds: &mut Vec<Command>) {
    ui.add_space(6.0);
    if let Some(job) = &st.fc.job {
        let (button, hint) = if st.fc.is_training_lstm() {
            (
                "Stop, keep the best",
                "Stop the LSTM now and keep its best weights so far (Esc).",
            )
        } else {
            ("Cancel", "Stop the forecast (Esc).")
        };
        if super::job_progress_button_ui(ui, job, button, hint) {
            cmds.push(Command::StopForecast);
        }
    } else {
        let ready = matches!(st.fc.preview, Some(Ok(_))) && st.fc.models.iter().any(|m| m.1);
        if super::primary_button(ui, ready, "Forecast")
            .on_hover_text("Fit the ticked methods on a background job; the window stays usable.")
            .on_disabled_hover_text("Choose a date column, a value and at least one method.")
            .clicked()
        {
            cmds.push(Command::RunForecast);
        }
    }
    ui.add_space(4.0);
}

fn column_name(ds: &Dataset, i: Option<usize>, none: &str) -> String {
    i.and_then(|i| ds.columns.get(i))
        .map_or_else(|| none.to_owned(), |c| c.name.clone())
}

fn setup_ui(ui: &mut egui::Ui, st: &mut AppState, ds: &Dataset, cmds: &mut Vec<Command>) {
    let fc = &mut st.fc;
    let before = (fc.date, fc.value, fc.aggregate, fc.period, fc.fill);
    ui.add_space(6.0);
    let label = ui.label(RichText::new("Date column").strong());
    egui::ComboBox::from_id_salt("forecast_date")
        .selected_text(column_name(ds, fc.date, "(choose a column)"))
        .width(240.0)
        .show_ui(ui, |ui| {
            // date columns first; text columns too, so a file whose dates could not be read
            // gets a message that says why
            let mut order: Vec<usize> = (0..ds.columns.len()).collect();
            order.sort_by_key(|&i| ds.columns[i].kind != ColumnKind::Date);
            for i in order {
                let c = &ds.columns[i];
                if matches!(c.kind, ColumnKind::Date | ColumnKind::Text | ColumnKind::Id) {
                    ui.selectable_value(&mut fc.date, Some(i), &c.name);
                }
            }
        })
        .response
        .labelled_by(label.id);

    ui.add_space(6.0);
    let label = ui.label(RichText::new("Amount to forecast").strong());
    egui::ComboBox::from_id_salt("forecast_value")
        .selected_text(column_name(ds, fc.value, "(count rows)"))
        .width(240.0)
        .show_ui(ui, |ui| {
            ui.selectable_value(&mut fc.value, None, "(count rows)")
                .on_hover_text("Orders or visits per period: one per row.");
            for (i, c) in ds.columns.iter().enumerate() {
                if c.kind == ColumnKind::Numeric {
                    ui.selectable_value(&mut fc.value, Some(i), &c.name);
                }
            }
        })
        .response
        .labelled_by(label.id);
    if fc.value.is_some() {
        ui.horizontal(|ui| {
            let label = ui.label("Rows in one period:");
            egui::ComboBox::from_id_salt("forecast_aggregate")
                .selected_text(aggregate_label(fc.aggregate))
                .show_ui(ui, |ui| {
                    for a in [Aggregate::Sum, Aggregate::Mean] {
                        ui.selectable_value(&mut fc.aggregate, a, aggregate_label(a));
                    }
                })
                .response
                .labelled_by(label.id);
        });
    }

    let detected = match &fc.preview {
        Some(Ok(p)) => Some(p.detected_period),
        _ => None,
    };
    ui.horizontal(|ui| {
        let label = ui.label("Period:");
        let text = match (fc.period, detected) {
            (Some(p), _) => p.label().to_owned(),
            (None, Some(d)) => format!("{} (detected)", d.label()),
            (None, None) => "detected".to_owned(),
        };
        egui::ComboBox::from_id_salt("forecast_period")
            .selected_text(text)
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut fc.period, None, "detected from the dates");
                for p in Period::ALL {
                    ui.selectable_value(&mut fc.period, Some(p), p.label());
                }
            })
            .response
            .labelled_by(label.id);
    });
    ui.horizontal(|ui| {
        ui.label("Periods without rows:")
            .on_hover_text("Filled so that every period has a value.");
        ui.radio_value(&mut fc.fill, Fill::Interpolate, "interpolate");
        ui.radio_value(&mut fc.fill, Fill::Zero, "zero");
    });
    if before != (fc.date, fc.value, fc.aggregate, fc.period, fc.fill) {
        cmds.push(Command::RefreshSeries);
    }
    series_info_ui(ui, st);

    let fc = &mut st.fc;
    ui.add_space(8.0);
    ui.label(RichText::new("Judge and look ahead").strong());
    let (season_hint, period) = match &fc.preview {
        Some(Ok(p)) => (p.detected_season, p.series.period),
        _ => (1, Period::Month),
    };
    egui::Grid::new("forecast_lengths")
        .num_columns(2)
        .show(ui, |ui| {
            let plural = period.plural();
            let l = ui.label("Season length").on_hover_text(
                "Periods in one cycle of the pattern: 12 for months in a year, 7 for days in a \
                 week. 0 = detected; 1 = no season.",
            );
            ui.add(
                egui::DragValue::new(&mut fc.season)
                    .range(0..=400)
                    .custom_formatter(move |v, _| auto_text(v, season_hint, plural)),
            )
            .labelled_by(l.id);
            ui.end_row();
            let l = ui.label("Hold out the last").on_hover_text(
                "Periods hidden from every method and used to judge them. 0 = one season \
                 (or 20 % of a short series).",
            );
            periods_value(ui, &mut fc.holdout, plural).labelled_by(l.id);
            ui.end_row();
            let l = ui
                .label("Forecast ahead")
                .on_hover_text("Periods after the data. 0 = one season.");
            periods_value(ui, &mut fc.horizon, plural).labelled_by(l.id);
            ui.end_row();
        });

    ui.add_space(8.0);
    ui.label(RichText::new("Methods").strong());
    for (kind, on) in fc.models.iter_mut() {
        ui.checkbox(on, kind.label()).on_hover_text(kind.explain());
    }
    methods_settings_ui(ui, st);
}

/// A number of periods where 0 means "auto".
fn periods_value(ui: &mut egui::Ui, value: &mut usize, plural: &'static str) -> egui::Response {
    ui.add(
        egui::DragValue::new(value)
            .range(0..=10_000)
            .custom_formatter(move |v, _| {
                if v == 0.0 {
                    "auto".to_owned()
                } else {
                    format!("{v:.0} {plural}")
                }
            }),
    )
}

fn auto_text(v: f64, detected: usize, plural: &str) -> String {
    if v == 0.0 {
        format!("auto ({detected})")
    } else if v == 1.0 {
        "none".to_owned()
    } else {
        format!("{v:.0} {plural}")
    }
}

fn aggregate_label(a: Aggregate) -> &'static str {
    match a {
        Aggregate::Sum => "add up",
        Aggregate::Mean => "average",
        Aggregate::Count => "count",
    }
}

/// What the current choice makes: "96 months, Jan 2017 – Dec 2024", or why it cannot.
fn series_info_ui(ui: &mut egui::Ui, st: &AppState) {
    match &st.fc.preview {
        None if st.fc.preview_job.is_some() => {
            ui.label(RichText::new("Building the series\u{2026}").weak());
        }
        None => {}
        Some(Err(msg)) => {
            ui.colored_label(ui.visuals().error_fg_color, msg);
        }
        Some(Ok(p)) => {
            let s = &p.series;
            let n = s.len();
            let mut text = format!(
                "{} {}: {} to {}",
                thousands(n),
                s.period.plural(),
                s.period.format(s.date(0)),
                s.period.format(s.date(n.saturating_sub(1)))
            );
            if s.multi_row_periods > 0 {
                text.push_str(&format!("; {} rows grouped", thousands(s.rows_used)));
            }
            if s.gaps() > 0 {
                text.push_str(&format!("; {} empty, filled", thousands(s.gaps())));
            }
            ui.label(RichText::new(text).weak());
        }
    }
}

fn methods_settings_ui(ui: &mut egui::Ui, st: &mut AppState) {
    let fc = &mut st.fc;
    egui::CollapsingHeader::new("Holt-Winters settings")
        .id_salt("forecast_hw")
        .show(ui, |ui| {
            egui::Grid::new("forecast_hw_grid")
                .num_columns(2)
                .show(ui, |ui| {
                    let l = ui.label("Trend");
                    egui::ComboBox::from_id_salt("forecast_trend")
                        .selected_text(fc.trend.label())
                        .show_ui(ui, |ui| {
                            for t in [Trend::None, Trend::Additive, Trend::Damped] {
                                ui.selectable_value(&mut fc.trend, t, t.label());
                            }
                        })
                        .response
                        .labelled_by(l.id)
                        .on_hover_text("Damped: the trend flattens out further ahead.");
                    ui.end_row();
                    let l = ui.label("Season");
                    let text = match fc.seasonal {
                        SeasonChoice::Auto => "best fit".to_owned(),
                        SeasonChoice::Fixed(s) => s.label().to_owned(),
                    };
                    egui::ComboBox::from_id_salt("forecast_seasonal")
                        .selected_text(text)
                        .show_ui(ui, |ui| {
                            ui.selectable_value(&mut fc.seasonal, SeasonChoice::Auto, "best fit");
                            for s in [Seasonal::Additive, Seasonal::Multiplicative, Seasonal::None]
                            {
                                ui.selectable_value(
                                    &mut fc.seasonal,
                                    SeasonChoice::Fixed(s),
                                    s.label(),
                                );
                            }
                        })
                        .response
                        .labelled_by(l.id)
                        .on_hover_text(
                            "Additive: the seasonal swing is a fixed amount. Multiplicative: it \
                         grows with the level. Best fit tries both on the training part.",
                        );
                    ui.end_row();
                });
        });
    egui::CollapsingHeader::new("LSTM settings")
        .id_salt("forecast_lstm")
        .show(ui, |ui| {
            let s = &mut fc.lstm;
            egui::Grid::new("forecast_lstm_grid")
                .num_columns(2)
                .show(ui, |ui| {
                    let l = ui.label("Window").on_hover_text(
                        "Past periods the network reads to predict the next one. 0 = one season.",
                    );
                    ui.add(
                        egui::DragValue::new(&mut s.window)
                            .range(0..=365)
                            .custom_formatter(|v, _| {
                                if v == 0.0 {
                                    "auto".to_owned()
                                } else {
                                    format!("{v:.0}")
                                }
                            }),
                    )
                    .labelled_by(l.id);
                    ui.end_row();
                    let l = ui.label("Hidden units");
                    ui.add(egui::DragValue::new(&mut s.hidden).range(4..=256))
                        .labelled_by(l.id);
                    ui.end_row();
                    let l = ui.label("Layers");
                    ui.add(egui::DragValue::new(&mut s.layers).range(1..=3))
                        .labelled_by(l.id);
                    ui.end_row();
                    let l = ui
                        .label("Epochs")
                        .on_hover_text("Passes over the training windows.");
                    ui.add(egui::DragValue::new(&mut s.epochs).range(1..=5000))
                        .labelled_by(l.id);
                    ui.end_row();
                    let l = ui.label("Learning rate");
                    ui.add(
                        egui::DragValue::new(&mut s.learning_rate)
                            .range(0.0001..=0.5)
                            .speed(0.001)
                            .max_decimals(4),
                    )
                    .labelled_by(l.id);
                    ui.end_row();
                    let l = ui.label("Several steps").on_hover_text(
                        "Recursive: predict one period and feed it back. Direct: predict all the \
                     periods at once.",
                    );
                    egui::ComboBox::from_id_salt("forecast_strategy")
                        .selected_text(s.strategy.label())
                        .show_ui(ui, |ui| {
                            for k in [Strategy::Recursive, Strategy::Direct] {
                                ui.selectable_value(&mut s.strategy, k, k.label());
                            }
                        })
                        .response
                        .labelled_by(l.id);
                    ui.end_row();
                    let l = ui.label("Random seed").on_hover_text(
                        "The same series, settings and seed always give the same network.",
                    );
                    ui.add(egui::DragValue::new(&mut s.seed)).labelled_by(l.id);
                    ui.end_row();
                });
            ui.checkbox(&mut fc.lstm_changes, "Learn changes between periods")
                .on_hover_text(
                    "The network learns how much each period differs from the one before, so \
                     it can follow a trend above anything it has seen. Untick to learn the \
                     values themselves.",
                );
        });
}

fn results_ui(ui: &mut egui::Ui, st: &mut AppState, cmds: &mut Vec<Command>) {
    let running = st.fc.job.is_some();
    if let Some(result) = st.fc.result.clone() {
        finished_ui(ui, st, &result, cmds);
        return;
    }
    let Some(Ok(preview)) = st.fc.preview.clone() else {
        ui.add_space(40.0);
        ui.vertical_centered(|ui| {
            ui.label(
                RichText::new(
                    "Choose the date column and the amount to forecast on the left, then press \
                     \u{201c}Forecast\u{201d}.",
                )
                .size(16.0),
            );
        });
        return;
    };
    let live = &st.fc.live;
    let n = preview.series.len();
    let holdout = live_holdout(st, n);
    let mut models: Vec<ChartModel> = live
        .done
        .iter()
        .enumerate()
        .map(|(i, m)| ChartModel::of(m, model_color(m.kind, i), false))
        .collect();
    if running && let Some((epoch, p)) = &live.preview {
        models.push(ChartModel {
            name: format!("LSTM, epoch {epoch}"),
            color: model_color(ModelKind::Lstm, 0),
            holdout: p.clone(),
            future: Vec::new(),
            band: None,
        });
    }
    ui.heading(if running {
        "Forecast vs actual (training\u{2026})"
    } else {
        "The series"
    });
    let from = if running && !st.fc.whole_history {
        forecast_chart::recent_start(n, holdout, preview.detected_season)
    } else {
        0
    };
    if running {
        ui.checkbox(&mut st.fc.whole_history, "Show the whole history");
    }
    forecast_chart::chart_ui(
        ui,
        "forecast_live_chart",
        &preview.series,
        from,
        holdout,
        &models,
    );
    if running && !live.train_loss.is_empty() {
        ui.add_space(8.0);
        forecast_chart::loss_ui(ui, live);
    }
}

/// The holdout the running job uses (for placing live previews before the result arrives).
fn live_holdout(st: &AppState, n: usize) -> usize {
    st.fc
        .live
        .done
        .first()
        .map(|m| m.holdout.len())
        .or_else(|| st.fc.live.preview.as_ref().map(|(_, p)| p.len()))
        .unwrap_or(0)
        .min(n)
}

/// One colour per method, the same in every chart and table.
pub fn model_color(kind: ModelKind, _i: usize) -> egui::Color32 {
    match kind {
        ModelKind::SeasonalNaive => theme::segment_color(0),
        ModelKind::Drift => theme::segment_color(4),
        ModelKind::HoltWinters => theme::segment_color(1),
        ModelKind::Lstm => theme::segment_color(2),
    }
}

fn finished_ui(
    ui: &mut egui::Ui,
    st: &mut AppState,
    result: &ForecastResult,
    cmds: &mut Vec<Command>,
) {
    let period = result.series.period;
    ui.heading(format!(
        "{} per {}: forecast vs actual",
        result.value_label,
        period.label()
    ));
    if let Some(sentence) = crate::analysis::forecast_export::verdict(result) {
        ui.label(RichText::new(sentence).size(15.0));
    }
    let selected = st.fc.selected.min(result.models.len().saturating_sub(1));
    let models: Vec<ChartModel> = result
        .models
        .iter()
        .enumerate()
        .map(|(i, m)| ChartModel::of(m, model_color(m.kind, i), i == selected))
        .collect();
    // the actions sit above the chart, where they are seen without scrolling
    ui.horizontal(|ui| {
        ui.checkbox(&mut st.fc.whole_history, "Show the whole history");
        ui.separator();
        let label = ui.label("Save every method's forecast to");
        ui.add(
            egui::TextEdit::singleline(&mut st.fc.export_path)
                .desired_width(300.0)
                .hint_text("forecast.csv"),
        )
        .labelled_by(label.id);
        if ui
            .add_enabled(
                st.fc.export_job.is_none(),
                egui::Button::new("Save forecast CSV"),
            )
            .on_hover_text("date, value, lower, upper, model; a new file, never the input.")
            .clicked()
        {
            cmds.push(Command::ExportForecast);
        }
    });
    let from = if st.fc.whole_history {
        0
    } else {
        forecast_chart::recent_start(result.series.len(), result.holdout, result.season)
    };
    forecast_chart::chart_ui(
        ui,
        "forecast_chart",
        &result.series,
        from,
        result.holdout,
        &models,
    );
    ui.add_space(8.0);
    forecast_chart::metrics_table_ui(ui, result, &mut st.fc.selected);
    if let Some(m) = result.models.get(selected)
        && let Some(trace) = &m.training
    {
        ui.add_space(8.0);
        forecast_chart::trace_ui(ui, trace);
    }
    for (_, why) in &result.skipped {
        ui.label(RichText::new(format!("Not run: {why}")).weak());
    }
    for note in result
        .notes
        .iter()
        .chain(result.models.iter().filter_map(|m| m.note.as_ref()))
    {
        ui.label(RichText::new(note).weak());
    }
    ui.add_space(8.0);
    if let Some(m) = result.models.get(selected) {
        forecast_chart::forecast_table_ui(ui, result, m);
    }
}
