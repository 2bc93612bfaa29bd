//! The forecast views' charts and tables: history, holdout actuals and each method's
//! forecasts on a date axis with the 95 % range shaded; the LSTM's loss curves; the error
//! table; the forecast itself as numbers.

use eframe::egui::{self, Color32, RichText};
use egui_plot::{
    FilledArea, GridInput, GridMark, HoverPosition, Legend, Line, LineStyle, Plot, PlotPoints,
    Points, VLine,
};

use crate::analysis::forecast::{ForecastResult, LstmTrace, ModelForecast};
use crate::analysis::series::{Period, Series};
use crate::app::LiveForecast;

pub const CHART_HEIGHT: f32 = 380.0;
/// Beyond this many periods the history line is reduced to min/max pairs.
const MAX_HISTORY_POINTS: usize = 3000;

/// A 95 % range: (lower, upper) per period.
pub type Band = Vec<(f64, f64)>;

/// One method as drawn.
pub struct ChartModel {
    pub name: String,
    pub color: Color32,
    pub holdout: Vec<f64>,
    pub future: Vec<f64>,
    /// (holdout band, future band), shaded when set.
    pub band: Option<(Band, Band)>,
}

impl ChartModel {
    pub fn of(m: &ModelForecast, color: Color32, with_band: bool) -> Self {
        Self {
            name: m.name.clone(),
            color,
            holdout: m.holdout.clone(),
            future: m.future.clone(),
            band: with_band.then(|| (m.holdout_band.clone(), m.future_band.clone())),
        }
    }
}

/// Where period 0 sits on the x axis: months and quarters are shifted so that multiples of
/// 12 (or 4) fall on January, which puts the grid lines on year starts.
fn x_offset(series: &Series) -> f64 {
    use chrono::Datelike;
    match series.period {
        Period::Month => f64::from(series.start.month0()),
        Period::Quarter => f64::from(series.start.month0() / 3),
        _ => 0.0,
    }
}

/// Grid steps in periods: calendar-friendly for months and quarters.
fn grid_marks(period: Period, input: GridInput) -> Vec<GridMark> {
    let span = (input.bounds.1 - input.bounds.0).abs();
    let steps: [f64; 3] = match period {
        Period::Month if span <= 40.0 => [1.0, 3.0, 12.0],
        Period::Month if span <= 200.0 => [3.0, 12.0, 60.0],
        Period::Month => [12.0, 60.0, 120.0],
        Period::Quarter if span <= 60.0 => [1.0, 4.0, 20.0],
        Period::Quarter => [4.0, 20.0, 40.0],
        Period::Week if span <= 60.0 => [1.0, 4.0, 13.0],
        Period::Week => [4.0, 13.0, 52.0],
        Period::Day if span <= 60.0 => [1.0, 7.0, 28.0],
        Period::Day => [7.0, 28.0, 364.0],
        Period::Year => [1.0, 5.0, 10.0],
    };
    // zoomed far out: coarser steps, so a frame never lays out thousands of grid lines
    let mut steps = steps;
    while span / steps[0] > 300.0 && steps[0] < 1e12 {
        steps = steps.map(|v| v * 10.0);
    }
    (egui_plot::uniform_grid_spacer(move |_| steps))(input)
}

/// The first period drawn when the chart shows recent history only: three seasons (at least
/// twelve periods) before the holdout, so the forecasts are not squeezed into a corner.
pub fn recent_start(n: usize, holdout: usize, season: usize) -> usize {
    n.saturating_sub(holdout + 3 * season.max(4))
}

/// History from period `from`, holdout actuals and every model: one chart.
pub fn chart_ui(
    ui: &mut egui::Ui,
    id: &str,
    series: &Series,
    from: usize,
    holdout: usize,
    models: &[ChartModel],
) {
    let n = series.len();
    if n == 0 {
        return;
    }
    let offset = x_offset(series);
    let x = move |i: usize| i as f64 + offset;
    let y = &series.values;
    let train_end = n - holdout.min(n);
    let from = from.min(train_end.saturating_sub(1));
    let history: Vec<[f64; 2]> = (from..train_end.max(1).min(n))
        .map(|i| [x(i), y[i]])
        .collect();
    let history = decimate(history, MAX_HISTORY_POINTS);
    let actual: Vec<[f64; 2]> = (train_end.saturating_sub(1)..n)
        .map(|i| [x(i), y[i]])
        .collect();
    let ink = ui.visuals().text_color();
    let period = series.period;
    let start = series.start;
    let step = period;
    let date_of = move |v: f64| -> Option<String> {
        let i = (v - offset).round();
        ((v - offset - i).abs() < 1e-6 && i >= 0.0)
            .then(|| period.format(step.step(start, i as i64)))
    };
    Plot::new(id)
        .height(CHART_HEIGHT)
        .width(ui.available_width())
        .legend(Legend::default().position(egui_plot::Corner::LeftTop))
        .allow_scroll(false)
        .x_grid_spacer(move |input| grid_marks(period, input))
        .x_axis_formatter(move |mark, _| date_of(mark.value).unwrap_or_default())
        .y_axis_formatter(|mark, _| axis_label(mark.value))
        .label_formatter(move |pos| match pos {
            HoverPosition::NearDataPoint {
                plot_name: name,
                position,
                ..
            } => {
                let i = (position.x - offset).round().max(0.0) as i64;
                Some(format!(
                    "{name}\n{}: {}",
                    period.format(step.step(start, i)),
                    short(position.y)
                ))
            }
            HoverPosition::Elsewhere { .. } => None,
        })
        .show(ui, |p| {
            for m in models {
                if let Some((past, next)) = &m.band {
                    let fill = m.color.gamma_multiply(0.18);
                    let name = format!("{} 95 % range", m.name);
                    if !past.is_empty() {
                        let xs: Vec<f64> = (0..past.len()).map(|i| x(train_end + i)).collect();
                        let (lo, hi): (Vec<f64>, Vec<f64>) = past.iter().copied().unzip();
                        p.add(FilledArea::new(name.clone(), &xs, &lo, &hi).fill_color(fill));
                    }
                    if !next.is_empty() {
                        let xs: Vec<f64> = (0..next.len()).map(|i| x(n + i)).collect();
                        let (lo, hi): (Vec<f64>, Vec<f64>) = next.iter().copied().unzip();
                        p.add(FilledArea::new(name, &xs, &lo, &hi).fill_color(fill));
                    }
                }
            }
            p.line(
                Line::new("history", PlotPoints::from(history))
                    .color(ink.gamma_multiply(0.75))
                    .width(1.5),
            );
            let filled: Vec<[f64; 2]> = (from..n)
                .filter(|&i| series.filled.get(i).copied().unwrap_or(false))
                .map(|i| [x(i), y[i]])
                .collect();
            if !filled.is_empty() {
                p.points(
                    Points::new("filled in (no rows)", PlotPoints::from(filled))
                        .color(Color32::from_rgb(0xC0, 0x39, 0x2B))
                        .shape(egui_plot::MarkerShape::Diamond)
                        .filled(false)
                        .radius(5.0),
                );
            }
            if holdout > 0 {
                p.vline(
                    VLine::new("holdout starts", x(train_end) - 0.5)
                        .color(Color32::GRAY)
                        .style(LineStyle::dashed_dense()),
                );
                p.line(
                    Line::new("actual (held out)", PlotPoints::from(actual.clone()))
                        .color(ink)
                        .width(2.5),
                );
                p.points(
                    Points::new("actual (held out)", PlotPoints::from(actual[1..].to_vec()))
                        .color(ink)
                        .radius(3.0),
                );
            }
            for m in models {
                if !m.holdout.is_empty() && train_end > 0 {
                    let mut pts = vec![[x(train_end - 1), y[train_end - 1]]];
                    pts.extend(
                        m.holdout
                            .iter()
                            .enumerate()
                            .map(|(i, v)| [x(train_end + i), *v]),
                    );
                    p.line(
                        Line::new(m.name.clone(), PlotPoints::from(pts))
                            .color(m.color)
                            .width(2.0),
                    );
                }
                if !m.future.is_empty() {
                    let mut pts = vec![[x(n - 1), y[n - 1]]];
                    pts.extend(m.future.iter().enumerate().map(|(i, v)| [x(n + i), *v]));
                    p.line(
                        Line::new(m.name.clone(), PlotPoints::from(pts))
                            .color(m.color)
                            .width(2.0)
                            .style(LineStyle::dashed_loose()),
                    );
                }
            }
        });
    if !models.is_empty() {
        ui.label(
            RichText::new(
                "Solid: forecasts of the held-out periods, made without seeing them. Dashed: \
                 the forecast ahead. Shaded: the 95 % range of the chosen method.",
            )
            .weak(),
        );
    }
}

/// Keep the first and last point and, per bucket, the lowest and highest: the line looks the
/// same at chart resolution.
fn decimate(points: Vec<[f64; 2]>, max: usize) -> Vec<[f64; 2]> {
    if points.len() <= max || max < 4 {
        return points;
    }
    let buckets = max / 2;
    let size = points.len().div_ceil(buckets);
    let mut out = Vec::with_capacity(max + 2);
    for chunk in points.chunks(size) {
        let lo = chunk.iter().min_by(|a, b| a[1].total_cmp(&b[1]));
        let hi = chunk.iter().max_by(|a, b| a[1].total_cmp(&b[1]));
        if let (Some(lo), Some(hi)) = (lo, hi) {
            if lo[0] <= hi[0] {
                out.extend([*lo, *hi]);
            } else {
                out.extend([*hi, *lo]);
            }
        }
    }
    out
}

/// 1234567 → "1.23 M", 29972.4 → "29,972", 12.345 → "12.35".
fn short(v: f64) -> String {
    let a = v.abs();
    if !v.is_finite() {
        v.to_string()
    } else if a >= 1e6 {
        format!("{:.2} M", v / 1e6)
    } else if a >= 100.0 {
        let sign = if v < 0.0 { "-" } else { "" };
        format!("{sign}{}", crate::cli::thousands(a.round() as usize))
    } else {
        format!("{v:.2}")
    }
}

/// Axis labels: 600000 → "600 k", 1500000 → "1.5 M".
fn axis_label(v: f64) -> String {
    let a = v.abs();
    if a >= 1e6 {
        format!("{} M", trim(v / 1e6))
    } else if a >= 1e4 {
        format!("{} k", trim(v / 1e3))
    } else {
        trim(v)
    }
}

fn trim(v: f64) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// The LSTM's loss per epoch while it trains.
pub fn loss_ui(ui: &mut egui::Ui, live: &LiveForecast) {
    losses_chart(
        ui,
        "forecast_live_loss",
        &live.train_loss,
        &live.val_loss,
        live.epochs,
        None,
    );
}

/// The finished LSTM's losses, with the epoch whose weights were kept.
pub fn trace_ui(ui: &mut egui::Ui, trace: &LstmTrace) {
    let train: Vec<[f64; 2]> = trace
        .train_losses
        .iter()
        .enumerate()
        .map(|(i, l)| [(i + 1) as f64, *l])
        .collect();
    let val: Vec<[f64; 2]> = trace
        .val_losses
        .iter()
        .enumerate()
        .filter_map(|(i, l)| l.map(|l| [(i + 1) as f64, l]))
        .collect();
    losses_chart(
        ui,
        "forecast_loss",
        &train,
        &val,
        trace.epochs_run,
        Some(trace.best_epoch),
    );
}

fn losses_chart(
    ui: &mut egui::Ui,
    id: &str,
    train: &[[f64; 2]],
    val: &[[f64; 2]],
    epochs: usize,
    best: Option<usize>,
) {
    ui.label(RichText::new("LSTM training: error by epoch (lower is better)").strong());
    // losses fall by orders of magnitude: plot log10 and label with the real numbers
    let log = |pts: &[[f64; 2]]| -> Vec<[f64; 2]> {
        pts.iter()
            .filter(|p| p[1] > 0.0)
            .map(|p| [p[0], p[1].log10()])
            .collect()
    };
    Plot::new(id)
        .height(200.0)
        .width(ui.available_width())
        .legend(Legend::default().position(egui_plot::Corner::RightTop))
        .allow_scroll(false)
        .include_x(0.0)
        .include_x(epochs as f64)
        .x_axis_label("epoch")
        .y_axis_label("mean squared error (scaled)")
        // one grid line per power of ten, labelled 1, 0.1, 0.01 …
        .y_grid_spacer(egui_plot::uniform_grid_spacer(|input| {
            let span = (input.bounds.1 - input.bounds.0).abs();
            let step = (span / 20.0).ceil().clamp(1.0, 1e12);
            [step, step, step]
        }))
        .y_axis_formatter(|mark, _| {
            if (mark.value - mark.value.round()).abs() < 1e-9 {
                let v = 10f64.powf(mark.value.round());
                if v >= 0.001 {
                    trim(v)
                } else {
                    format!("{v:.0e}")
                }
            } else {
                String::new()
            }
        })
        .label_formatter(|pos| match pos {
            HoverPosition::NearDataPoint {
                plot_name: name,
                position,
                ..
            } => Some(format!(
                "{name}\nepoch {:.0}: {:.5}",
                position.x,
                10f64.powf(position.y)
            )),
            HoverPosition::Elsewhere { .. } => None,
        })
        .show(ui, |p| {
            p.line(
                Line::new("training windows", PlotPoints::from(log(train)))
                    .color(crate::ui::theme::ACCENT)
                    .width(2.0),
            );
            if !val.is_empty() {
                p.line(
                    Line::new("validation windows", PlotPoints::from(log(val)))
                        .color(crate::ui::theme::segment_color(1))
                        .width(2.0),
                );
            }
            if let Some(best) = best {
                p.vline(
                    VLine::new("weights kept", best as f64)
                        .color(Color32::GRAY)
                        .style(LineStyle::dashed_dense()),
                );
            }
        });
}

/// RMSE, MAE, MAPE, sMAPE per method on the holdout; the radio picks the shaded range.
pub fn metrics_table_ui(ui: &mut egui::Ui, result: &ForecastResult, selected: &mut usize) {
    ui.label(
        RichText::new(format!(
            "Errors on the last {} {} (no method saw them)",
            result.holdout,
            result.series.period.plural()
        ))
        .strong(),
    );
    let best = result.best().map(|b| b.kind);
    egui::Grid::new("forecast_metrics")
        .striped(true)
        .num_columns(6)
        .spacing([18.0, 4.0])
        .show(ui, |ui| {
            ui.label(RichText::new("Method").strong());
            for (h, hint) in [
                ("RMSE", "Root mean squared error, in the series' units: big misses count extra."),
                ("MAE", "Mean absolute error, in the series' units: the typical miss."),
                ("MAPE", "Mean absolute percentage error: the typical miss in percent of the actual value."),
                ("sMAPE", "Symmetric MAPE: the miss in percent of the average of forecast and actual (0–200 %)."),
                ("Fitted in", "Time to fit and forecast."),
            ] {
                ui.label(RichText::new(h).strong()).on_hover_text(hint);
            }
            ui.end_row();
            for (i, m) in result.models.iter().enumerate() {
                let mut name = RichText::new(&m.name).color(super::forecast::model_color(m.kind, i));
                if Some(m.kind) == best {
                    name = name.strong();
                }
                ui.radio_value(selected, i, name)
                    .on_hover_text("Shade this method's 95 % range and list its forecast.");
                match &m.errors {
                    Some(e) => {
                        ui.label(short(e.rmse));
                        ui.label(short(e.mae));
                        ui.label(e.mape.map_or("n/a".to_owned(), |v| format!("{v:.1} %")))
                            .on_hover_text("n/a: an actual value is zero.");
                        ui.label(format!("{:.1} %", e.smape));
                    }
                    None => {
                        for _ in 0..4 {
                            ui.label("\u{2013}");
                        }
                    }
                }
                ui.label(format!("{:.2} s", m.seconds));
                ui.end_row();
            }
        });
}

/// The chosen method's forecast as numbers.
pub fn forecast_table_ui(ui: &mut egui::Ui, result: &ForecastResult, m: &ModelForecast) {
    ui.label(RichText::new(format!("Forecast: {}", m.name)).strong());
    let n = result.series.len();
    let period = result.series.period;
    egui::ScrollArea::vertical()
        .id_salt("forecast_numbers")
        .max_height(260.0)
        .show(ui, |ui| {
            egui::Grid::new("forecast_numbers_grid")
                .striped(true)
                .num_columns(4)
                .spacing([24.0, 2.0])
                .show(ui, |ui| {
                    for h in ["Period", "Forecast", "95 % range from", "to"] {
                        ui.label(RichText::new(h).strong());
                    }
                    ui.end_row();
                    for (i, (v, (lo, hi))) in m.future.iter().zip(&m.future_band).enumerate() {
                        ui.label(period.format(result.series.date(n + i)));
                        ui.label(short(*v));
                        ui.label(short(*lo));
                        ui.label(short(*hi));
                        ui.end_row();
                    }
                });
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well() {
        assert_eq!(short(29972.4), "29,972");
        assert_eq!(short(-1234.5), "-1,235");
        assert_eq!(short(12.345), "12.35");
        assert_eq!(short(2_345_678.0), "2.35 M");
        assert_eq!(axis_label(600_000.0), "600 k");
        assert_eq!(axis_label(1_500_000.0), "1.5 M");
        assert_eq!(axis_label(250.0), "250");
        assert_eq!(axis_label(0.5), "0.5");
    }

    #[test]
    fn decimate_keeps_extremes() {
        let points: Vec<[f64; 2]> = (0..10_000)
            .map(|i| {
                [
                    f64::from(i),
                    if i == 4321 { 99.0 } else { f64::from(i % 7) },
                ]
            })
            .collect();
        let out = decimate(points, 1000);
        assert!(out.len() <= 1000);
        assert!(out.iter().any(|p| p == &[4321.0, 99.0]));
        assert!(out.windows(2).all(|w| w[0][0] <= w[1][0]));
    }
}
