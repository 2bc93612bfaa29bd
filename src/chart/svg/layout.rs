//! The layout: sizes and margins measured from the text, tick label plans and legend rows.

use super::text::{Anchor, Rect, TextItem, TextRole, clean, fit_title, text_width, truncate, wrap};
use super::ticks::ticks;
use super::{ASCENT, LINE, Style, X_LABEL_ANGLE};
use crate::chart::spec::{Axis, AxisKind, Chart};

/// A legend swatch: which series and where.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LegendSwatch {
    pub series: usize,
    pub rect: Rect,
}

/// Where everything goes.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    pub width: f64,
    pub height: f64,
    /// The plot area; series are clipped to it.
    pub plot: Rect,
    /// Data range shown: `[x_lo, y_lo]`, `[x_hi, y_hi]` (from [`Chart::bounds`]).
    pub lo: [f64; 2],
    pub hi: [f64; 2],
    /// Pixel positions of vertical grid lines (x ticks on value axes).
    pub x_grid: Vec<f64>,
    /// Pixel positions of horizontal grid lines.
    pub y_grid: Vec<f64>,
    /// Pixel positions of tick marks under the plot.
    pub x_marks: Vec<f64>,
    /// Pixel positions of tick marks left of the plot.
    pub y_marks: Vec<f64>,
    /// Every text drawn, in drawing order.
    pub texts: Vec<TextItem>,
    pub legend: Vec<LegendSwatch>,
    /// Stroke width of the axis lines and scale for series strokes.
    pub line_scale: f64,
}

impl Layout {
    /// Data to pixel, x.
    pub fn px(&self, x: f64) -> f64 {
        self.plot.x + (x - self.lo[0]) / (self.hi[0] - self.lo[0]) * self.plot.w
    }

    /// Data to pixel, y.
    pub fn py(&self, y: f64) -> f64 {
        self.plot.bottom() - (y - self.lo[1]) / (self.hi[1] - self.lo[1]) * self.plot.h
    }
}

struct Sizes {
    title: f64,
    subtitle: f64,
    legend: f64,
    tick: f64,
    axis: f64,
    foot: f64,
    pad: f64,
}

fn sizes(width: f64, height: f64, style: &Style) -> Sizes {
    let base = (height / 1080.0).min(width / 1440.0);
    let scale = if style.font_scale.is_finite() {
        f64::from(style.font_scale).clamp(0.25, 4.0)
    } else {
        1.0
    };
    let k = base * scale;
    Sizes {
        title: (49.0 * k).max(10.0),
        subtitle: (32.0 * k).max(8.0),
        legend: (28.0 * k).max(8.0),
        tick: (27.0 * k).max(7.5),
        axis: (29.0 * k).max(8.0),
        foot: (22.0 * k).max(7.0),
        pad: (30.0 * base).max(4.0),
    }
}

/// What the x axis labels need: labels, whether rotated, and their pixel extents relative to
/// the tick position.
struct XPlan {
    labels: Vec<(f64, String)>,
    rotated: bool,
    /// Height of the label band under the plot.
    height: f64,
}

fn x_label_item(text: &str, tick_px: f64, top: f64, size: f64, rotated: bool) -> TextItem {
    if rotated {
        let mut item = TextItem {
            role: TextRole::XTick,
            text: text.to_owned(),
            x: tick_px + 0.2 * size,
            y: 0.0,
            size,
            anchor: Anchor::End,
            angle: X_LABEL_ANGLE,
            bold: false,
        };
        let b = item.bbox();
        item.y = top - b.y;
        item
    } else {
        TextItem {
            role: TextRole::XTick,
            text: text.to_owned(),
            x: tick_px,
            y: top + ASCENT * size,
            size,
            anchor: Anchor::Middle,
            angle: 0.0,
            bold: false,
        }
    }
}

fn plan_x(axis: &Axis, lo: f64, hi: f64, plot_w: f64, size: f64, max_rot_w: f64) -> XPlan {
    let to_px = |v: f64| (v - lo) / (hi - lo) * plot_w;
    let fits = |labels: &[(f64, String)], gap: f64| {
        labels.windows(2).all(|p| {
            let need = (text_width(&p[0].1, size, false) + text_width(&p[1].1, size, false)) / 2.0;
            to_px(p[1].0) - to_px(p[0].0) >= need + gap
        })
    };
    if let AxisKind::Category(_) = axis.kind {
        let labels = ticks(axis, lo, hi, 0);
        if fits(&labels, 0.6 * size) {
            return XPlan {
                labels,
                rotated: false,
                height: LINE * size,
            };
        }
        // Rotated: parallel labels one unit apart are `unit * sin(angle)` apart.
        let unit = plot_w / (hi - lo);
        let perp = unit * X_LABEL_ANGLE.to_radians().sin().abs();
        let step = ((LINE * size * 1.1) / perp.max(1e-9)).ceil().max(1.0) as usize;
        let labels: Vec<(f64, String)> = labels
            .into_iter()
            .filter(|(v, _)| (*v as usize).is_multiple_of(step))
            .map(|(v, t)| (v, truncate(&t, size, false, max_rot_w)))
            .collect();
        let height = labels
            .iter()
            .map(|(_, t)| x_label_item(t, 0.0, 0.0, size, true).bbox().h)
            .fold(LINE * size, f64::max);
        return XPlan {
            labels,
            rotated: true,
            height,
        };
    }
    let mut labels = Vec::new();
    for mc in (2..=8).rev() {
        labels = ticks(axis, lo, hi, mc);
        if fits(&labels, 0.9 * size) {
            break;
        }
    }
    XPlan {
        labels,
        rotated: false,
        height: LINE * size,
    }
}

/// Labels for the y axis and their font size: category names shrink (to 75 %) before every
/// other one is dropped.
fn plan_y(
    axis: &Axis,
    lo: f64,
    hi: f64,
    plot_h: f64,
    size: f64,
    max_w: f64,
) -> (Vec<(f64, String)>, f64) {
    let (labels, size) = if let AxisKind::Category(_) = axis.kind {
        let all = ticks(axis, lo, hi, 0);
        let unit = plot_h / (hi - lo);
        let step_at = |s: f64| ((LINE * s * 1.001) / unit.max(1e-9)).ceil().max(1.0) as usize;
        let size = [1.0, 0.9, 0.8, 0.75]
            .into_iter()
            .map(|f| (size * f).max(7.0).min(size))
            .find(|&s| step_at(s) == 1)
            .unwrap_or((size * 0.75).max(7.0).min(size));
        let step = step_at(size);
        let labels = all
            .into_iter()
            .filter(|(v, _)| (*v as usize).is_multiple_of(step))
            .collect();
        (labels, size)
    } else {
        let mc = ((plot_h / (LINE * size * 1.8)).floor() as usize + 1).clamp(2, 8);
        (ticks(axis, lo, hi, mc), size)
    };
    let labels = labels
        .into_iter()
        .map(|(v, t)| (v, truncate(&t, size, false, max_w)))
        .collect();
    (labels, size)
}

/// Where every part of `chart` goes on a `width` × `height` canvas.
pub fn layout(chart: &Chart, width: u32, height: u32, style: &Style) -> Layout {
    let (w, h) = (f64::from(width.max(1)), f64::from(height.max(1)));
    let sz = sizes(w, h, style);
    let pad = sz.pad;
    let inner_w = (w - 2.0 * pad).max(1.0);
    let mut texts: Vec<TextItem> = Vec::new();

    // Header: title, subtitle, legend.
    let mut top = pad;
    let title = clean(&chart.title);
    if !title.is_empty() {
        let (size, lines) = fit_title(&title, sz.title, inner_w);
        for line in lines {
            texts.push(TextItem {
                role: TextRole::Title,
                text: line,
                x: pad,
                y: top + ASCENT * size,
                size,
                anchor: Anchor::Start,
                angle: 0.0,
                bold: true,
            });
            top += LINE * size;
        }
    }
    let subtitle = clean(&chart.subtitle);
    if !subtitle.is_empty() {
        top += 0.1 * sz.subtitle;
        let (lines, _) = wrap(&subtitle, sz.subtitle, false, inner_w, 2);
        for line in lines {
            texts.push(TextItem {
                role: TextRole::Subtitle,
                text: line,
                x: pad,
                y: top + ASCENT * sz.subtitle,
                size: sz.subtitle,
                anchor: Anchor::Start,
                angle: 0.0,
                bold: false,
            });
            top += LINE * sz.subtitle;
        }
    }
    let legend = legend_layout(chart, &sz, pad, inner_w, top, h);
    if !legend.0.is_empty() {
        top = legend.2;
    }
    let (legend_texts, swatches) = (legend.0, legend.1);
    texts.extend(legend_texts);
    let header_bottom = top;

    // Footer: footnote, then the x axis title above it.
    let mut bottom = h - pad;
    let footnote = clean(&chart.footnote);
    if !footnote.is_empty() {
        let (lines, _) = wrap(&footnote, sz.foot, false, inner_w, 2);
        let n = lines.len() as f64;
        let mut y = bottom - n * LINE * sz.foot;
        for line in lines {
            texts.push(TextItem {
                role: TextRole::Footnote,
                text: line,
                x: pad,
                y: y + ASCENT * sz.foot,
                size: sz.foot,
                anchor: Anchor::Start,
                angle: 0.0,
                bold: false,
            });
            y += LINE * sz.foot;
        }
        bottom -= n * LINE * sz.foot + 0.4 * sz.foot;
    }
    let x_title = truncate(&clean(&chart.x.label), sz.axis, false, inner_w);
    let x_title_top = bottom - LINE * sz.axis;
    if !x_title.is_empty() {
        bottom = x_title_top - 0.15 * sz.axis;
    }
    let x_axis_bottom = bottom;

    // Left: the rotated y title, then the y tick labels.
    let y_title = clean(&chart.y.label);
    let mut left0 = pad;
    if !y_title.is_empty() {
        left0 += LINE * sz.axis + 0.3 * sz.axis;
    }

    let (lo, hi) = chart.bounds();
    let st = sz.tick;
    let label_gap = 0.8 * st; // plot edge to x labels (room for the lowest y label's half)
    let tick_gap = 0.55 * st; // plot edge to y labels (tick mark inside)
    let plot_top = header_bottom + 0.85 * st;
    let max_y_label_w = (0.4 * w).max(st);
    let avail_h = (x_axis_bottom - plot_top).max(1.0);
    let max_rot_w = ((0.32 * avail_h - LINE * st * 0.82) / 0.574).max(2.0 * st);

    let mut plot = Rect {
        x: left0 + 4.0 * st,
        y: plot_top,
        w: (w - pad - left0 - 4.0 * st).max(1.0),
        h: (x_axis_bottom - 2.0 * LINE * st - label_gap - plot_top).max(1.0),
    };
    let mut ylabels = Vec::new();
    let mut y_size = st;
    let mut xplan = XPlan {
        labels: Vec::new(),
        rotated: false,
        height: LINE * st,
    };
    for _ in 0..5 {
        (ylabels, y_size) = plan_y(&chart.y, lo[1], hi[1], plot.h, st, max_y_label_w);
        let ylw = ylabels
            .iter()
            .map(|(_, t)| text_width(t, y_size, false))
            .fold(0.0, f64::max);
        xplan = plan_x(&chart.x, lo[0], hi[0], plot.w, st, max_rot_w);
        // Overhang of x labels beyond the plot's left and right edges.
        let (mut over_l, mut over_r) = (0.0f64, 0.0f64);
        for (v, t) in &xplan.labels {
            let tx = plot.x + (v - lo[0]) / (hi[0] - lo[0]) * plot.w;
            let b = x_label_item(t, tx, 0.0, st, xplan.rotated).bbox();
            over_l = over_l.max(plot.x - b.x);
            over_r = over_r.max(b.right() - plot.right());
        }
        let left = (left0 + ylw + tick_gap).max(pad + over_l);
        let right = (w - pad - over_r).max(left + 1.0);
        let bottom_edge = x_axis_bottom - xplan.height - label_gap;
        let new = Rect {
            x: left,
            y: plot_top,
            w: right - left,
            h: (bottom_edge - plot_top).max(1.0),
        };
        let same = (new.x - plot.x).abs() < 0.5
            && (new.w - plot.w).abs() < 0.5
            && (new.h - plot.h).abs() < 0.5;
        plot = new;
        if same {
            break;
        }
    }
    let mut out = Layout {
        width: w,
        height: h,
        plot,
        lo,
        hi,
        x_grid: Vec::new(),
        y_grid: Vec::new(),
        x_marks: Vec::new(),
        y_marks: Vec::new(),
        texts: Vec::new(),
        legend: swatches,
        line_scale: h / 540.0,
    };

    // Tick labels, grid and marks.
    let x_cat = matches!(chart.x.kind, AxisKind::Category(_));
    let y_cat = matches!(chart.y.kind, AxisKind::Category(_));
    let mut tick_texts = Vec::new();
    for (v, t) in &ylabels {
        let py = out.py(*v);
        if y_cat {
            out.y_marks.push(py);
        } else {
            out.y_grid.push(py);
            out.y_marks.push(py);
        }
        if t.is_empty() {
            continue;
        }
        tick_texts.push(TextItem {
            role: TextRole::YTick,
            text: t.clone(),
            x: plot.x - tick_gap,
            y: py - LINE * y_size / 2.0 + ASCENT * y_size,
            size: y_size,
            anchor: Anchor::End,
            angle: 0.0,
            bold: false,
        });
    }
    let x_top = plot.bottom() + label_gap;
    for (v, t) in &xplan.labels {
        let px = out.px(*v);
        if !x_cat {
            out.x_grid.push(px);
        }
        out.x_marks.push(px);
        if t.is_empty() {
            continue;
        }
        tick_texts.push(x_label_item(t, px, x_top, st, xplan.rotated));
    }

    // Axis titles.
    if !x_title.is_empty() {
        let tw = text_width(&x_title, sz.axis, false);
        let cx =
            (plot.x + plot.w / 2.0).clamp(pad + tw / 2.0, (w - pad - tw / 2.0).max(pad + tw / 2.0));
        texts.push(TextItem {
            role: TextRole::XTitle,
            text: x_title,
            x: cx,
            y: x_title_top + ASCENT * sz.axis,
            size: sz.axis,
            anchor: Anchor::Middle,
            angle: 0.0,
            bold: false,
        });
    }
    if !y_title.is_empty() {
        let t = truncate(&y_title, sz.axis, false, plot.h.max(0.0));
        if !t.is_empty() {
            texts.push(TextItem {
                role: TextRole::YTitle,
                text: t,
                x: pad + ASCENT * sz.axis,
                y: plot.y + plot.h / 2.0,
                size: sz.axis,
                anchor: Anchor::Middle,
                angle: -90.0,
                bold: false,
            });
        }
    }
    texts.extend(tick_texts);

    // Safety net: nothing outside the canvas, no two texts on top of each other (the earlier,
    // more important text wins: title, subtitle, legend, footnote, axis titles, ticks).
    texts.retain(|t| t.bbox().inside(w, h, 0.01));
    let mut kept: Vec<TextItem> = Vec::with_capacity(texts.len());
    for t in texts {
        if !kept.iter().any(|k| k.overlaps(&t)) {
            kept.push(t);
        }
    }
    out.texts = kept;
    out
}

/// Legend rows under the subtitle: text items, swatches and the bottom edge.
fn legend_layout(
    chart: &Chart,
    sz: &Sizes,
    pad: f64,
    inner_w: f64,
    top: f64,
    height: f64,
) -> (Vec<TextItem>, Vec<LegendSwatch>, f64) {
    let ls = sz.legend;
    let entries: Vec<(usize, String)> = chart
        .series
        .iter()
        .enumerate()
        .map(|(i, s)| (i, clean(&s.name)))
        .filter(|(_, n)| !n.is_empty())
        .collect();
    if entries.is_empty() {
        return (Vec::new(), Vec::new(), top);
    }
    let max_rows = if height < 500.0 { 2 } else { 3 };
    let sw = 1.5 * ls; // swatch width
    let sgap = 0.4 * ls; // swatch to text
    let igap = 1.1 * ls; // between items
    let top = top + 0.35 * ls;
    let row_h = LINE * ls;
    let right = pad + inner_w;
    let mut texts = Vec::new();
    let mut swatches = Vec::new();
    let (mut x, mut row) = (pad, 0usize);
    let mut shown = 0;
    for (i, name) in &entries {
        let name = truncate(name, ls, false, inner_w - sw - sgap);
        if name.is_empty() {
            continue;
        }
        let item_w = sw + sgap + text_width(&name, ls, false);
        if x > pad && x + item_w > right {
            row += 1;
            x = pad;
        }
        if row >= max_rows {
            break;
        }
        let y = top + row as f64 * row_h;
        swatches.push(LegendSwatch {
            series: *i,
            rect: Rect {
                x,
                y: y + 0.8 * ls - 0.3 * ls,
                w: sw,
                h: 0.6 * ls,
            },
        });
        texts.push(TextItem {
            role: TextRole::Legend,
            text: name,
            x: x + sw + sgap,
            y: y + ASCENT * ls,
            size: ls,
            anchor: Anchor::Start,
            angle: 0.0,
            bold: false,
        });
        x += item_w + igap;
        shown += 1;
    }
    let hidden = entries.len() - shown;
    if hidden > 0 {
        // Make room for "+N more" at the end of the last row.
        let more = format!("+{hidden} more");
        let mw = text_width(&more, ls, false);
        while let Some(last) = texts.last() {
            let end = last.x + last.width();
            let same_row =
                (last.y - (top + (max_rows - 1) as f64 * row_h + ASCENT * ls)).abs() < 1e-6;
            if !same_row || end + igap + mw <= right {
                break;
            }
            texts.pop();
            swatches.pop();
        }
        let x = texts.last().map(|t| t.x + t.width() + igap).unwrap_or(pad);
        let row = if texts.is_empty() { 0 } else { max_rows - 1 };
        texts.push(TextItem {
            role: TextRole::Legend,
            text: more,
            x,
            y: top + row as f64 * row_h + ASCENT * ls,
            size: ls,
            anchor: Anchor::Start,
            angle: 0.0,
            bold: false,
        });
    }
    let rows = texts
        .iter()
        .map(|t| ((t.y - top - ASCENT * ls) / row_h).round() as usize + 1)
        .max()
        .unwrap_or(0);
    (texts, swatches, top + rows as f64 * row_h)
}
