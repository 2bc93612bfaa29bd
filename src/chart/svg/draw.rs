//! Drawing: the layout, grid, axes, series and text written out as SVG.

use std::fmt::Write as _;

use super::layout::{Layout, layout};
use super::text::{Anchor, Rect, TextRole, clean, escape};
use super::{FONT_LIST, Style};
use crate::chart::spec::{AxisKind, Chart, Series, SeriesKind};

struct Theme {
    background: &'static str,
    text: &'static str,
    subtle: &'static str,
    tick: &'static str,
    foot: &'static str,
    grid: &'static str,
    axis: &'static str,
}

fn theme(dark: bool) -> Theme {
    if dark {
        Theme {
            background: "#1e1e1e",
            text: "#f0f0f0",
            subtle: "#b8b8b8",
            tick: "#d0d0d0",
            foot: "#9c9c9c",
            grid: "#3a3a3a",
            axis: "#8a8a8a",
        }
    } else {
        Theme {
            background: "#ffffff",
            text: "#1a1a1a",
            subtle: "#5c5c5c",
            tick: "#3c3c3c",
            foot: "#6b6b6b",
            grid: "#e4e4e4",
            axis: "#8a8a8a",
        }
    }
}

/// A coordinate kept in a range renderers handle (far-off points still point the right way).
fn c(v: f64) -> f64 {
    v.clamp(-1e5, 1e5)
}

/// A stable, document-unique-enough id for the clip path (several charts can share a page).
fn clip_id(chart: &Chart, width: u32, height: u32) -> String {
    let id: String = chart
        .id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    format!("plot-{id}-{width}x{height}")
}

/// `chart` as a standalone SVG document of `width` × `height` pixels.
pub fn render(chart: &Chart, width: u32, height: u32, style: &Style) -> String {
    let l = layout(chart, width, height, style);
    let th = theme(style.dark);
    let (w, h) = (l.width, l.height);
    let mut s = String::with_capacity(
        8192 + chart
            .series
            .iter()
            .map(|s| s.points.len() * 24)
            .sum::<usize>(),
    );
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {w} {h}" font-family="{FONT_LIST}">"#
    );
    if !chart.title.is_empty() {
        let _ = write!(s, "<title>{}</title>", escape(&clean(&chart.title)));
    }
    let _ = write!(
        s,
        r#"<rect x="0" y="0" width="{w}" height="{h}" fill="{}"/>"#,
        th.background
    );
    let p = l.plot;
    let clip = clip_id(chart, width, height);
    let _ = write!(
        s,
        r#"<defs><clipPath id="{clip}"><rect x="{:.2}" y="{:.2}" width="{:.2}" height="{:.2}"/></clipPath></defs>"#,
        p.x, p.y, p.w, p.h
    );
    let thin = (l.line_scale).max(0.5);

    // Grid.
    let _ = write!(s, r#"<g stroke="{}" stroke-width="{:.2}">"#, th.grid, thin);
    for &x in &l.x_grid {
        let _ = write!(
            s,
            r#"<line x1="{x:.1}" y1="{:.1}" x2="{x:.1}" y2="{:.1}"/>"#,
            p.y,
            p.bottom()
        );
    }
    for &y in &l.y_grid {
        let _ = write!(
            s,
            r#"<line x1="{:.1}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}"/>"#,
            p.x,
            p.right()
        );
    }
    s.push_str("</g>");

    // Series, clipped to the plot.
    let _ = write!(s, r#"<g clip-path="url(#{clip})">"#);
    for series in &chart.series {
        draw_series(&mut s, &l, series);
    }
    // A zero line where 0 is inside a value axis.
    let _ = write!(
        s,
        r#"<g stroke="{}" stroke-width="{:.2}">"#,
        th.axis,
        thin * 1.5
    );
    if !matches!(chart.y.kind, AxisKind::Category(_)) && l.lo[1] < 0.0 && l.hi[1] > 0.0 {
        let y = l.py(0.0);
        let _ = write!(
            s,
            r#"<line x1="{:.1}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}"/>"#,
            p.x,
            p.right()
        );
    }
    if !matches!(chart.x.kind, AxisKind::Category(_)) && l.lo[0] < 0.0 && l.hi[0] > 0.0 {
        let x = l.px(0.0);
        let _ = write!(
            s,
            r#"<line x1="{x:.1}" y1="{:.1}" x2="{x:.1}" y2="{:.1}"/>"#,
            p.y,
            p.bottom()
        );
    }
    s.push_str("</g></g>");

    // Axes and tick marks.
    let tick_len = 0.3
        * l.texts
            .iter()
            .find(|t| matches!(t.role, TextRole::XTick | TextRole::YTick))
            .map_or(10.0, |t| t.size);
    let _ = write!(
        s,
        r#"<g stroke="{}" stroke-width="{:.2}" fill="none"><path d="M{:.1} {:.1}V{:.1}H{:.1}"/>"#,
        th.axis,
        thin * 1.5,
        p.x,
        p.y,
        p.bottom(),
        p.right()
    );
    for &x in &l.x_marks {
        let _ = write!(
            s,
            r#"<line x1="{x:.1}" y1="{:.1}" x2="{x:.1}" y2="{:.1}"/>"#,
            p.bottom(),
            p.bottom() + tick_len
        );
    }
    for &y in &l.y_marks {
        let _ = write!(
            s,
            r#"<line x1="{:.1}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}"/>"#,
            p.x - tick_len,
            p.x
        );
    }
    s.push_str("</g>");

    // Legend swatches.
    for sw in &l.legend {
        if let Some(series) = chart.series.get(sw.series) {
            draw_swatch(&mut s, sw.rect, series, l.line_scale);
        }
    }

    // Text.
    for t in &l.texts {
        let (fill, extra) = match t.role {
            TextRole::Title => (
                th.text,
                format!(
                    r#" font-weight="bold" stroke="{}" stroke-width="{:.2}" stroke-linejoin="round""#,
                    th.text,
                    t.size * 0.025
                ),
            ),
            TextRole::Subtitle => (th.subtle, String::new()),
            TextRole::Legend | TextRole::XTitle | TextRole::YTitle => (th.text, String::new()),
            TextRole::XTick | TextRole::YTick => (th.tick, String::new()),
            TextRole::Footnote => (th.foot, String::new()),
        };
        let anchor = match t.anchor {
            Anchor::Start => "start",
            Anchor::Middle => "middle",
            Anchor::End => "end",
        };
        let _ = write!(
            s,
            r#"<text x="{:.2}" y="{:.2}" font-size="{:.2}" text-anchor="{anchor}" fill="{fill}"{extra}"#,
            t.x, t.y, t.size
        );
        if t.angle != 0.0 {
            let _ = write!(
                s,
                r#" transform="rotate({} {:.2} {:.2})""#,
                t.angle, t.x, t.y
            );
        }
        let _ = write!(s, ">{}</text>", escape(&t.text));
    }
    s.push_str("</svg>\n");
    s
}

fn draw_swatch(s: &mut String, r: Rect, series: &Series, scale: f64) {
    let col = series.color.hex();
    let cy = r.y + r.h / 2.0;
    match &series.kind {
        SeriesKind::Line { width, dashed } => {
            let sw = (f64::from(*width) * scale).clamp(1.0, r.h);
            let dash = if *dashed {
                format!(r#" stroke-dasharray="{:.1},{:.1}""#, r.w * 0.28, r.w * 0.16)
            } else {
                String::new()
            };
            let _ = write!(
                s,
                r#"<line x1="{:.1}" y1="{cy:.1}" x2="{:.1}" y2="{cy:.1}" stroke="{col}" stroke-width="{sw:.2}"{dash}/>"#,
                r.x,
                r.right()
            );
        }
        SeriesKind::Segments { width } => {
            let sw = (f64::from(*width) * scale).clamp(1.0, r.h);
            let _ = write!(
                s,
                r#"<line x1="{:.1}" y1="{cy:.1}" x2="{:.1}" y2="{cy:.1}" stroke="{col}" stroke-width="{sw:.2}"/>"#,
                r.x,
                r.right()
            );
        }
        SeriesKind::Points { .. } => {
            let _ = write!(
                s,
                r#"<circle cx="{:.1}" cy="{cy:.1}" r="{:.1}" fill="{col}"/>"#,
                r.x + r.w / 2.0,
                r.h / 2.0
            );
        }
        SeriesKind::Band { .. } => {
            let _ = write!(
                s,
                r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{col}" fill-opacity="0.25"/>"#,
                r.x, r.y, r.w, r.h
            );
        }
        SeriesKind::Bars { .. } => {
            let _ = write!(
                s,
                r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{col}"/>"#,
                r.x, r.y, r.w, r.h
            );
        }
    }
}

fn finite(p: &[f64; 2]) -> bool {
    p[0].is_finite() && p[1].is_finite()
}

fn draw_series(s: &mut String, l: &Layout, series: &Series) {
    let col = series.color.hex();
    let pt = |p: &[f64; 2]| (c(l.px(p[0])), c(l.py(p[1])));
    match &series.kind {
        SeriesKind::Line { width, dashed } => {
            let sw = (f64::from(*width) * l.line_scale).max(0.5);
            let dash = if *dashed {
                format!(r#" stroke-dasharray="{:.1},{:.1}""#, sw * 3.0, sw * 2.0)
            } else {
                String::new()
            };
            let _ = write!(
                s,
                r#"<g fill="none" stroke="{col}" stroke-width="{sw:.2}" stroke-linejoin="round" stroke-linecap="round"{dash}>"#
            );
            for run in series.points.split(|p| !finite(p)) {
                if run.len() < 2 {
                    continue;
                }
                s.push_str(r#"<polyline points=""#);
                for p in run {
                    let (x, y) = pt(p);
                    let _ = write!(s, "{x:.1},{y:.1} ");
                }
                s.pop();
                s.push_str(r#""/>"#);
            }
            s.push_str("</g>");
        }
        SeriesKind::Points { radius } => {
            let r = (f64::from(*radius) * l.line_scale).max(0.5);
            let _ = write!(s, r#"<g fill="{col}">"#);
            for p in series.points.iter().filter(|p| finite(p)) {
                let (x, y) = pt(p);
                let _ = write!(s, r#"<circle cx="{x:.1}" cy="{y:.1}" r="{r:.1}"/>"#);
            }
            s.push_str("</g>");
        }
        SeriesKind::Band { upper } => {
            let lower: Vec<&[f64; 2]> = series.points.iter().filter(|p| finite(p)).collect();
            let upper: Vec<&[f64; 2]> = upper.iter().filter(|p| finite(p)).collect();
            if lower.len() + upper.len() < 3 {
                return;
            }
            let _ = write!(
                s,
                r#"<polygon fill="{col}" fill-opacity="0.25" stroke="none" points=""#
            );
            for p in lower.iter().chain(upper.iter().rev()) {
                let (x, y) = pt(p);
                let _ = write!(s, "{x:.1},{y:.1} ");
            }
            s.pop();
            s.push_str(r#""/>"#);
        }
        SeriesKind::Bars { width, horizontal } => {
            let half = if width.is_finite() {
                width.abs() / 2.0
            } else {
                0.35
            };
            let _ = write!(s, r#"<g fill="{col}">"#);
            for p in series.points.iter().filter(|p| finite(p)) {
                let (a, b) = if *horizontal {
                    (pt(&[0.0, p[1] - half]), pt(&[p[0], p[1] + half]))
                } else {
                    (pt(&[p[0] - half, 0.0]), pt(&[p[0] + half, p[1]]))
                };
                let (x0, x1) = (a.0.min(b.0), a.0.max(b.0));
                let (y0, y1) = (a.1.min(b.1), a.1.max(b.1));
                let _ = write!(
                    s,
                    r#"<rect x="{x0:.1}" y="{y0:.1}" width="{:.1}" height="{:.1}"/>"#,
                    x1 - x0,
                    y1 - y0
                );
            }
            s.push_str("</g>");
        }
        SeriesKind::Segments { width } => {
            let sw = (f64::from(*width) * l.line_scale).max(0.5);
            let mut d = String::new();
            for pair in series.points.chunks_exact(2) {
                if !finite(&pair[0]) || !finite(&pair[1]) {
                    continue;
                }
                let (x0, y0) = pt(&pair[0]);
                let (x1, y1) = pt(&pair[1]);
                let _ = write!(d, "M{x0:.1} {y0:.1}L{x1:.1} {y1:.1}");
            }
            if !d.is_empty() {
                let _ = write!(
                    s,
                    r#"<path fill="none" stroke="{col}" stroke-width="{sw:.2}" stroke-linecap="round" d="{d}"/>"#
                );
            }
        }
    }
}
