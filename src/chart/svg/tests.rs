//! Tests of the SVG renderer: layouts that fit, text measures, ticks and the document.

use super::text::{char_em, truncate, wrap};
use super::*;
use crate::chart::spec::{Axis, AxisKind, Chart, Rgb, Series, color};

fn names(n: usize, len: usize, cjk: bool) -> Vec<String> {
    let base: Vec<char> = if cjk {
        "销售额城市门店编号客流量促销线上线下北京上海广州深圳成都杭州日期渠道"
            .chars()
            .collect()
    } else {
        "Wholesale Marketing Region North".chars().collect()
    };
    (0..n)
        .map(|i| {
            (0..len)
                .map(|j| base[(i * 3 + j) % base.len()])
                .collect::<String>()
        })
        .collect()
}

/// A chart built to break layouts: a 60-character Chinese title, a long subtitle and
/// footnote, 12 horizontal bars with 25-character category names and a long legend.
pub(crate) fn stress_chart() -> Chart {
    let title: String = names(1, 60, true).concat();
    assert_eq!(title.chars().count(), 60);
    let cats = names(12, 25, true);
    let mut series: Vec<Series> = (0..9)
        .map(|i| {
            Series::horizontal_bars(
                format!("渠道 {i} — Wholesale and retail channel"),
                color(i),
                (0..12)
                    .map(|c| [1000.0 * (c + i) as f64 + 250.0, c as f64])
                    .collect(),
            )
        })
        .collect();
    series.push(Series::points("", Rgb(1, 2, 3), vec![[500.0, 3.0]]));
    Chart {
        id: "stress".into(),
        title,
        subtitle: "Revenue per store type across all regions, ranked by the median weekly sales (after returns) — 按门店类型汇总的销售额".into(),
        x: Axis::number("销售额 (元) — net revenue after discounts and returns"),
        y: Axis::category("门店类型 / Store type (grouped by region and channel)", cats),
        series,
        footnote: "Source: point-of-sale export 2024-01-01 to 2024-12-31, 1,234,567 receipts; seed 42. 数据来源：门店收银系统导出。".repeat(3),
    }
}

/// Vertical bars with long category names on the x axis (they must rotate or thin).
pub(crate) fn vertical_chart() -> Chart {
    let cats = names(14, 18, false);
    Chart {
        id: "vbars".into(),
        title: "Sales by product line".into(),
        subtitle: "Units sold in 2024".into(),
        x: Axis::category("Product line", cats),
        y: Axis::number("Units"),
        series: vec![Series::bars(
            "Units",
            color(0),
            (0..14)
                .map(|i| [i as f64, 1200.0 + 350.0 * i as f64])
                .collect(),
        )],
        footnote: "Source: test".into(),
    }
}

pub(crate) fn line_chart() -> Chart {
    let start = 19723.0; // 2024-01-01
    Chart {
        id: "line".into(),
        title: "Weekly revenue".into(),
        subtitle: "Forecast with 80 % interval".into(),
        x: Axis::date("Week"),
        y: Axis::number("Revenue (€)"),
        series: vec![
            Series::band(
                "80 % interval",
                color(1),
                (0..53)
                    .map(|i| [start + 7.0 * i as f64, 900.0 + 10.0 * i as f64])
                    .collect(),
                (0..53)
                    .map(|i| [start + 7.0 * i as f64, 1400.0 + 12.0 * i as f64])
                    .collect(),
            ),
            Series::line(
                "Revenue",
                color(0),
                (0..53)
                    .map(|i| [start + 7.0 * i as f64, 1100.0 + 11.0 * i as f64])
                    .collect(),
            ),
        ],
        footnote: String::new(),
    }
}

/// Every text box inside the canvas, no two overlapping; returns the layout.
pub(crate) fn check_layout(chart: &Chart, w: u32, h: u32) -> Layout {
    let l = layout(chart, w, h, &Style::default());
    assert!(!l.texts.is_empty());
    for t in &l.texts {
        let b = t.bbox();
        assert!(
            b.inside(f64::from(w), f64::from(h), 1e-6),
            "{w}x{h}: {:?} {:?} outside the canvas: {b:?}",
            t.role,
            t.text
        );
    }
    for (i, a) in l.texts.iter().enumerate() {
        for b in &l.texts[i + 1..] {
            assert!(
                !a.overlaps(b),
                "{w}x{h}: {:?} {:?} overlaps {:?} {:?}",
                a.role,
                a.text,
                b.role,
                b.text
            );
        }
    }
    // The plot is a real area inside the canvas, and no text sits in it.
    let p = l.plot;
    assert!(
        p.w > 0.2 * f64::from(w) && p.h > 0.2 * f64::from(h),
        "{w}x{h}: plot {p:?}"
    );
    assert!(p.inside(f64::from(w), f64::from(h), 1e-6));
    for t in &l.texts {
        let inner = Rect {
            x: p.x + 1.0,
            y: p.y + 1.0,
            w: p.w - 2.0,
            h: p.h - 2.0,
        };
        assert!(
            !t.bbox().intersects(&inner),
            "{w}x{h}: {:?} in the plot",
            t.text
        );
    }
    // Legend swatches inside too.
    for s in &l.legend {
        assert!(s.rect.inside(f64::from(w), f64::from(h), 1e-6));
    }
    l
}

fn count(l: &Layout, role: TextRole) -> usize {
    l.texts.iter().filter(|t| t.role == role).count()
}

fn joined(l: &Layout, role: TextRole) -> String {
    l.texts
        .iter()
        .filter(|t| t.role == role)
        .map(|t| t.text.as_str())
        .collect()
}

#[test]
fn stress_chart_fits_without_overlap_at_every_size() {
    let chart = stress_chart();
    for (w, h) in [
        (1920, 1080),
        (640, 360),
        (800, 600),
        (1080, 1080),
        (3840, 2160),
    ] {
        let l = check_layout(&chart, w, h);
        // Everything important is still there.
        assert!(count(&l, TextRole::Title) >= 1, "{w}x{h}: no title");
        assert!(
            joined(&l, TextRole::Title)
                .starts_with(&chart.title.chars().take(10).collect::<String>())
        );
        assert_eq!(count(&l, TextRole::XTitle), 1, "{w}x{h}");
        assert_eq!(count(&l, TextRole::YTitle), 1, "{w}x{h}");
        assert!(count(&l, TextRole::Subtitle) >= 1, "{w}x{h}");
        assert!(count(&l, TextRole::Footnote) >= 1, "{w}x{h}");
        assert!(count(&l, TextRole::Legend) >= 2, "{w}x{h}");
        assert!(count(&l, TextRole::XTick) >= 2, "{w}x{h}");
        assert!(count(&l, TextRole::YTick) >= 4, "{w}x{h}");
    }
    // At full HD the whole title shows (two lines), and every category is labelled in full.
    let l = check_layout(&chart, 1920, 1080);
    assert_eq!(joined(&l, TextRole::Title), chart.title);
    assert_eq!(count(&l, TextRole::Title), 2);
    assert_eq!(count(&l, TextRole::YTick), 12);
    if let AxisKind::Category(names) = &chart.y.kind {
        for n in names {
            assert!(l.texts.iter().any(|t| &t.text == n), "{n} missing");
        }
    }
    // The legend lists the named series only.
    assert!(!l.legend.iter().any(|s| s.series == 9));
}

#[test]
fn long_x_categories_rotate_and_still_fit() {
    let chart = vertical_chart();
    for (w, h) in [(1920, 1080), (640, 360), (800, 600)] {
        let l = check_layout(&chart, w, h);
        let xt: Vec<&TextItem> = l
            .texts
            .iter()
            .filter(|t| t.role == TextRole::XTick)
            .collect();
        assert!(xt.len() >= 4, "{w}x{h}: {}", xt.len());
        assert!(xt.iter().all(|t| t.angle == X_LABEL_ANGLE), "{w}x{h}");
    }
    // Short names stay horizontal.
    let mut short = chart.clone();
    short.x.kind = AxisKind::Category((0..14).map(|i| format!("P{i}")).collect());
    let l = check_layout(&short, 1920, 1080);
    let xt: Vec<&TextItem> = l
        .texts
        .iter()
        .filter(|t| t.role == TextRole::XTick)
        .collect();
    assert_eq!(xt.len(), 14);
    assert!(xt.iter().all(|t| t.angle == 0.0));
    assert_eq!(xt[3].text, "P3");
}

#[test]
fn simple_charts_fit_too() {
    for chart in [line_chart(), vertical_chart()] {
        for (w, h) in [(1920, 1080), (640, 360), (800, 600), (300, 200)] {
            check_layout(&chart, w, h);
        }
    }
    let mut empty = line_chart();
    empty.series.clear();
    empty.title.clear();
    empty.x.label.clear();
    check_layout(&empty, 800, 600);
}

#[test]
fn title_is_large_and_shrinks_only_when_needed() {
    let l = layout(&line_chart(), 1920, 1080, &Style::default());
    let t = &l.texts[0];
    assert_eq!(t.role, TextRole::Title);
    assert!((t.size - 1080.0 / 22.0).abs() < 1.0, "{}", t.size);
    assert!(t.bold);
    let big = layout(
        &line_chart(),
        1920,
        1080,
        &Style {
            dark: false,
            font_scale: 1.5,
        },
    );
    assert!(big.texts[0].size > t.size * 1.4);
}

#[test]
fn estimates_are_at_least_the_fonts_advances() {
    // Advances of the bundled font in ems (from its hmtx table).
    for (c, em) in [
        ('m', 0.926),
        ('W', 0.878),
        ('@', 0.946),
        ('%', 0.921),
        ('O', 0.742),
        ('0', 0.555),
        ('d', 0.620),
        ('中', 1.0),
        ('…', 1.0),
        ('—', 0.894),
        ('Æ', 0.918),
        ('&', 0.680),
    ] {
        assert!(char_em(c) >= em, "{c}");
    }
    assert_eq!(text_width("中文", 10.0, false), 20.0);
}

#[test]
fn wrap_and_truncate() {
    let (lines, cut) = wrap("one two three four", 10.0, false, 60.0, 5);
    assert!(!cut);
    assert!(lines.len() >= 2);
    assert_eq!(lines.join(" "), "one two three four");
    for l in &lines {
        assert!(text_width(l, 10.0, false) <= 60.0);
    }
    let (lines, cut) = wrap(&"销售额".repeat(20), 10.0, false, 100.0, 2);
    assert!(cut);
    assert_eq!(lines.len(), 2);
    assert!(lines[1].ends_with('…'));
    assert!(lines.iter().all(|l| text_width(l, 10.0, false) <= 100.0));
    let t = truncate("abcdefghijklmnop", 10.0, false, 50.0);
    assert!(t.ends_with('…') && text_width(&t, 10.0, false) <= 50.0);
    assert_eq!(truncate("abc", 10.0, false, 50.0), "abc");
}

#[test]
fn nice_ticks_use_1_2_5_steps() {
    let t = nice_ticks(0.0, 1.0, 8);
    let want = [0.0, 0.2, 0.4, 0.6, 0.8, 1.0];
    assert_eq!(t.len(), want.len(), "{t:?}");
    for (a, b) in t.iter().zip(want) {
        assert!((a - b).abs() < 1e-12, "{t:?}");
    }
    let t = nice_ticks(-0.95, 21.0, 8);
    assert_eq!(t, vec![0.0, 5.0, 10.0, 15.0, 20.0]);
    let t = nice_ticks(1234.0, 98765.0, 6);
    assert_eq!(t, vec![20000.0, 40000.0, 60000.0, 80000.0]);
    assert!(nice_ticks(1.0, 1.0, 5).is_empty());
    assert!(nice_ticks(f64::NAN, 1.0, 5).is_empty());
}

#[test]
fn tick_labels_per_axis_kind() {
    let labels = |axis: &Axis, lo: f64, hi: f64, n: usize| -> Vec<String> {
        ticks(axis, lo, hi, n).into_iter().map(|(_, l)| l).collect()
    };
    let pct = labels(&Axis::percent("p"), 0.1, 0.3, 8);
    assert_eq!(pct, ["10 %", "15 %", "20 %", "25 %", "30 %"]);
    assert_eq!(
        labels(&Axis::percent("p"), 0.0, 1.0, 5),
        ["0 %", "50 %", "100 %"]
    );
    let num = Axis::number("n");
    assert_eq!(
        labels(&num, 0.0, 2500.0, 6),
        ["0", "500", "1,000", "1,500", "2,000", "2,500"]
    );
    assert_eq!(
        labels(&num, 0.0, 0.3, 8),
        ["0", "0.05", "0.10", "0.15", "0.20", "0.25", "0.30"]
    );
    assert_eq!(
        labels(&num, 0.0, 3.2e6, 8),
        ["0", "0.5M", "1.0M", "1.5M", "2.0M", "2.5M", "3.0M"]
    );
    assert_eq!(
        labels(&num, -2000.0, 1000.0, 4),
        ["-2,000", "-1,000", "0", "1,000"]
    );
    assert_eq!(format_fixed(-0.0001, 2), "0.00");
    assert_eq!(format_fixed(1234567.891, 1), "1,234,567.9");

    let date = Axis::date("d");
    // 2024-01-01 .. 2024-12-31: months.
    let m = labels(&date, 19723.0, 20088.0, 8);
    assert!(m.contains(&"Mar 2024".to_owned()), "{m:?}");
    assert!(m.len() >= 4 && m.len() <= 8, "{m:?}");
    // Three weeks: days.
    let d = labels(&date, 19797.0, 19818.0, 8);
    assert_eq!(d, ["2024-03-18", "2024-03-25", "2024-04-01"]);
    let d = labels(&date, 19797.0, 19804.0, 8);
    assert!(d.contains(&"2024-03-15".to_owned()), "{d:?}");
    // Ten years: years.
    let y = labels(&date, 16071.0, 19723.0, 8);
    assert!(
        y.contains(&"2020".to_owned()) && y.iter().all(|l| l.len() == 4),
        "{y:?}"
    );
    // Tick positions are exactly the first of the month.
    let mar = ticks(&date, 19723.0, 20088.0, 8)
        .into_iter()
        .find(|(_, l)| l == "Mar 2024")
        .map(|(v, _)| v);
    assert_eq!(mar, Some(19783.0));

    let cat = Axis::category("c", vec!["a".into(), "b".into(), "c".into()]);
    assert_eq!(
        ticks(&cat, -0.5, 2.5, 8),
        vec![(0.0, "a".into()), (1.0, "b".into()), (2.0, "c".into())]
    );
    assert_eq!(ticks(&cat, 0.2, 1.8, 8), vec![(1.0, "b".into())]);
}

#[test]
fn text_is_escaped_and_the_document_is_well_formed() {
    let mut chart = line_chart();
    chart.title = "Profit <&> \"loss\" 'now'".into();
    chart.series[1].name = "A & B <c>".into();
    chart.footnote = "x\u{0}y".into();
    let svg = render(&chart, 800, 600, &Style::default());
    assert!(svg.contains("Profit &lt;&amp;&gt; &quot;loss&quot; &apos;now&apos;"));
    assert!(svg.contains("A &amp; B &lt;c&gt;"));
    assert!(!svg.contains("<&>"));
    assert!(!svg.contains('\u{0}'));
    let doc = resvg::usvg::roxmltree::Document::parse(&svg);
    assert!(doc.is_ok(), "{doc:?}");
    assert_eq!(escape("<&>"), "&lt;&amp;&gt;");
}

#[test]
fn document_has_size_background_and_series() {
    let svg = render(&line_chart(), 1920, 1080, &Style::default());
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1920\" height=\"1080\" viewBox=\"0 0 1920 1080\""));
    assert!(svg.contains("fill=\"#ffffff\""));
    assert!(svg.contains("Noto Sans CJK SC"));
    assert!(svg.contains("<polyline"));
    assert!(svg.contains("<polygon"));
    assert!(svg.contains("clip-path=\"url(#plot-line-1920x1080)\""));
    assert!(svg.contains("Mar 2024"));
    let dark = render(
        &line_chart(),
        1920,
        1080,
        &Style {
            dark: true,
            font_scale: 1.0,
        },
    );
    assert!(dark.contains("fill=\"#1e1e1e\""));
    assert!(!dark.contains("fill=\"#ffffff\""));
}

#[test]
fn non_finite_points_break_the_line_and_many_points_are_quick() {
    let mut pts: Vec<[f64; 2]> = (0..10).map(|i| [i as f64, i as f64]).collect();
    pts[5] = [5.0, f64::NAN];
    let chart = Chart {
        id: "gap".into(),
        title: "t".into(),
        subtitle: String::new(),
        x: Axis::number("x"),
        y: Axis::number("y"),
        series: vec![Series::line("l", color(0), pts)],
        footnote: String::new(),
    };
    let svg = render(&chart, 800, 600, &Style::default());
    assert_eq!(svg.matches("<polyline points=").count(), 2);
    assert!(!svg.contains("NaN") && !svg.contains("inf"));

    let n = 5000;
    let big = Chart {
        series: vec![
            Series::line(
                "l",
                color(0),
                (0..n).map(|i| [i as f64, (i as f64).sin()]).collect(),
            ),
            Series::points(
                "p",
                color(1),
                (0..n).map(|i| [i as f64, (i as f64).cos()]).collect(),
            ),
        ],
        ..chart
    };
    let start = std::time::Instant::now();
    let svg = render(&big, 1920, 1080, &Style::default());
    assert!(start.elapsed().as_secs_f64() < 2.0);
    assert_eq!(svg.matches("<circle").count(), n + 1); // + the legend swatch
    assert!(svg.len() < 600_000, "{}", svg.len());
}

#[test]
fn bars_start_at_zero() {
    let chart = Chart {
        id: "b".into(),
        title: String::new(),
        subtitle: String::new(),
        x: Axis::category("c", vec!["a".into(), "b".into()]),
        y: Axis::number("v"),
        series: vec![Series::bars("", color(0), vec![[0.0, 10.0], [1.0, -5.0]])],
        footnote: String::new(),
    };
    let l = layout(&chart, 800, 600, &Style::default());
    let svg = render(&chart, 800, 600, &Style::default());
    let zero = l.py(0.0);
    // The first bar ends at zero, the second starts there.
    assert!(
        svg.contains(&format!("height=\"{:.1}\"", zero - l.py(10.0)))
            || svg.contains(&format!("y=\"{:.1}\"", zero))
    );
    assert!(svg.contains(&format!("y=\"{zero:.1}\"")));
}
