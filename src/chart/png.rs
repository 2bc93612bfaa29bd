//! A [`Chart`](super::Chart) rasterized to PNG at any size.
//!
//! The SVG from [`svg::render`] is parsed by usvg with a font database holding only the
//! bundled font (so the output is the same on every machine, and Chinese column names
//! render), and drawn by resvg into a pixmap of exactly the asked size.

use std::io::Write as _;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use resvg::tiny_skia;
use resvg::usvg;
use resvg::usvg::fontdb;

use super::spec::Chart;
use super::svg;

/// The bundled font: Noto Sans CJK SC, subset to Latin, punctuation and GB2312.
pub static FONT: &[u8] = include_bytes!("../../assets/fonts/NotoSansSC-subset.ttf");

/// Largest width or height accepted, in pixels.
pub const MAX_SIDE: u32 = 8192;

/// The font database: only [`FONT`], also answering for "sans-serif". Loaded once.
fn fonts() -> Arc<fontdb::Database> {
    static DB: OnceLock<Arc<fontdb::Database>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = fontdb::Database::new();
        db.load_font_data(FONT.to_vec());
        db.set_sans_serif_family(svg::FONT_FAMILY);
        Arc::new(db)
    })
    .clone()
}

/// Parse an SVG document with the bundled font.
fn tree(svg_text: &str) -> Result<usvg::Tree, String> {
    let opt = usvg::Options {
        font_family: svg::FONT_FAMILY.to_owned(),
        fontdb: fonts(),
        ..usvg::Options::default()
    };
    usvg::Tree::from_str(svg_text, &opt).map_err(|e| format!("Could not draw the chart: {e}"))
}

fn check_size(width: u32, height: u32) -> Result<(), String> {
    if width == 0 || height == 0 || width > MAX_SIDE || height > MAX_SIDE {
        return Err(format!(
            "Image size {width} × {height} is not possible: width and height must be between 1 and {MAX_SIDE} pixels."
        ));
    }
    Ok(())
}

/// `chart` drawn into a `width` × `height` pixmap.
fn rasterize(
    chart: &Chart,
    width: u32,
    height: u32,
    style: &svg::Style,
) -> Result<tiny_skia::Pixmap, String> {
    check_size(width, height)?;
    let tree = tree(&svg::render(chart, width, height, style))?;
    let mut pixmap = tiny_skia::Pixmap::new(width, height)
        .ok_or_else(|| format!("Could not make a {width} × {height} image (out of memory?)."))?;
    let size = tree.size();
    let transform = tiny_skia::Transform::from_scale(
        width as f32 / size.width(),
        height as f32 / size.height(),
    );
    resvg::render(&tree, transform, &mut pixmap.as_mut());
    Ok(pixmap)
}

/// `chart` as PNG bytes, exactly `width` × `height` pixels (each 1–8192).
pub fn render(
    chart: &Chart,
    width: u32,
    height: u32,
    style: &svg::Style,
) -> Result<Vec<u8>, String> {
    rasterize(chart, width, height, style)?
        .encode_png()
        .map_err(|e| format!("Could not encode the chart as PNG: {e}"))
}

/// The file name for messages ("sales.png").
fn file_label(path: &Path) -> String {
    path.file_name()
        .unwrap_or(path.as_os_str())
        .to_string_lossy()
        .into_owned()
}

/// Write `chart` as a PNG file (atomically: a half-written file never replaces a good one).
pub fn save(
    chart: &Chart,
    path: &Path,
    width: u32,
    height: u32,
    style: &svg::Style,
) -> Result<(), String> {
    let bytes = render(chart, width, height, style)
        .map_err(|e| format!("Could not write \u{201c}{}\u{201d}: {e}", file_label(path)))?;
    crate::data::save::write_atomic(path, None, |w| {
        w.write_all(&bytes).map_err(|e| e.to_string())
    })
    .map_err(|e| e.to_string())
}

/// Write `chart` as an SVG file (atomically).
pub fn save_svg(
    chart: &Chart,
    path: &Path,
    width: u32,
    height: u32,
    style: &svg::Style,
) -> Result<(), String> {
    check_size(width, height)
        .map_err(|e| format!("Could not write \u{201c}{}\u{201d}: {e}", file_label(path)))?;
    let text = svg::render(chart, width, height, style);
    crate::data::save::write_atomic(path, None, |w| {
        w.write_all(text.as_bytes()).map_err(|e| e.to_string())
    })
    .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::svg::tests::{line_chart, stress_chart, vertical_chart};
    use crate::chart::svg::{Style, TextRole, layout};

    fn ihdr(png: &[u8]) -> (u32, u32) {
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        assert_eq!(&png[12..16], b"IHDR");
        let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
        (be(&png[16..20]), be(&png[20..24]))
    }

    #[test]
    fn png_has_the_asked_size() {
        for (w, h) in [(1920, 1080), (800, 600)] {
            let png = render(&line_chart(), w, h, &Style::default()).expect("png");
            assert_eq!(ihdr(&png), (w, h));
            let decoded = tiny_skia::Pixmap::decode_png(&png).expect("decodes");
            assert_eq!((decoded.width(), decoded.height()), (w, h));
        }
    }

    #[test]
    fn sizes_are_checked() {
        for (w, h) in [(0, 100), (100, 0), (8193, 100), (100, 10_000)] {
            let e = render(&line_chart(), w, h, &Style::default()).expect_err("refused");
            assert!(e.contains("8192"), "{e}");
        }
    }

    fn near(p: tiny_skia::PremultipliedColorU8, c: crate::chart::Rgb, tol: i32) -> bool {
        (i32::from(p.red()) - i32::from(c.0)).abs() <= tol
            && (i32::from(p.green()) - i32::from(c.1)).abs() <= tol
            && (i32::from(p.blue()) - i32::from(c.2)).abs() <= tol
    }

    #[test]
    fn pixels_show_series_and_title() {
        let chart = line_chart();
        let (w, h) = (1920, 1080);
        let l = layout(&chart, w, h, &Style::default());
        let pixmap = rasterize(&chart, w, h, &Style::default()).expect("draws");
        let px = |x: u32, y: u32| pixmap.pixel(x, y).expect("in image");
        // Background is white in the corner.
        assert!(near(px(1, 1), crate::chart::Rgb(255, 255, 255), 0));
        // The revenue line's colour appears inside the plot, and not outside it.
        let line = chart.series[1].color;
        let p = l.plot;
        let (mut inside, mut outside) = (0, 0);
        for y in 0..h {
            for x in 0..w {
                if near(px(x, y), line, 6) {
                    let (fx, fy) = (f64::from(x), f64::from(y));
                    if fx >= p.x - 2.0
                        && fx <= p.right() + 2.0
                        && fy >= p.y - 2.0
                        && fy <= p.bottom() + 2.0
                    {
                        inside += 1;
                    } else {
                        outside += 1;
                    }
                }
            }
        }
        assert!(inside > 2000, "{inside}");
        // Only the legend swatch is outside the plot.
        assert!(outside < 400, "{outside}");
        // Dark text pixels in the title's box.
        let t = l
            .texts
            .iter()
            .find(|t| t.role == TextRole::Title)
            .expect("title");
        let b = t.bbox();
        let mut dark = 0;
        for y in b.y as u32..b.bottom() as u32 {
            for x in b.x as u32..b.right() as u32 {
                let c = px(x, y);
                if c.red() < 80 && c.green() < 80 && c.blue() < 80 {
                    dark += 1;
                }
            }
        }
        assert!(dark > 1000, "{dark}");
        // Dark style: dark background, light title.
        let dark_style = Style {
            dark: true,
            font_scale: 1.0,
        };
        let pixmap = rasterize(&chart, w, h, &dark_style).expect("draws");
        let c = pixmap.pixel(1, 1).expect("pixel");
        assert!(c.red() < 40 && c.green() < 40 && c.blue() < 40);
    }

    #[test]
    fn chinese_text_renders_with_the_bundled_font() {
        let mut chart = line_chart();
        chart.title = "销售额".into();
        let (w, h) = (800, 600);
        let l = layout(&chart, w, h, &Style::default());
        let pixmap = rasterize(&chart, w, h, &Style::default()).expect("draws");
        let b = l.texts[0].bbox();
        let mut dark = 0;
        for y in b.y as u32..b.bottom() as u32 {
            for x in b.x as u32..b.right() as u32 {
                let c = pixmap.pixel(x, y).expect("pixel");
                if c.red() < 100 {
                    dark += 1;
                }
            }
        }
        assert!(dark > 150, "{dark}");
    }

    fn text_boxes(g: &usvg::Group, out: &mut Vec<usvg::Rect>) {
        for n in g.children() {
            match n {
                usvg::Node::Group(g) => text_boxes(g, out),
                usvg::Node::Text(t) => out.push(t.abs_bounding_box()),
                _ => {}
            }
        }
    }

    /// The text as laid out by the real font lies inside the estimated boxes: the estimates
    /// are conservative, so nothing is clipped or overlapping in the image either.
    #[test]
    fn rendered_text_stays_inside_the_layout_boxes() {
        for chart in [stress_chart(), vertical_chart(), line_chart()] {
            for (w, h) in [(1920, 1080), (640, 360), (800, 600)] {
                let style = Style::default();
                let l = layout(&chart, w, h, &style);
                let tree = tree(&svg::render(&chart, w, h, &style)).expect("parses");
                let mut boxes = Vec::new();
                text_boxes(tree.root(), &mut boxes);
                assert_eq!(boxes.len(), l.texts.len(), "{} {w}x{h}", chart.id);
                for (real, item) in boxes.iter().zip(&l.texts) {
                    let est = item.bbox();
                    let eps = 0.5;
                    assert!(real.width() > 0.0, "{:?} not drawn", item.text);
                    let (l, t) = (f64::from(real.left()), f64::from(real.top()));
                    let (r, b) = (f64::from(real.right()), f64::from(real.bottom()));
                    assert!(
                        l >= est.x - eps
                            && t >= est.y - eps
                            && r <= est.right() + eps
                            && b <= est.bottom() + eps,
                        "{} {w}x{h}: {:?} drawn at {real:?}, estimated {est:?}",
                        chart.id,
                        item.text
                    );
                    assert!(real.right() <= w as f32 && real.bottom() <= h as f32);
                    assert!(real.left() >= 0.0 && real.top() >= 0.0);
                }
            }
        }
    }

    #[test]
    fn save_writes_png_and_svg_and_names_the_file_on_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        let png_path = dir.path().join("chart.png");
        save(&line_chart(), &png_path, 800, 600, &Style::default()).expect("saves");
        let bytes = std::fs::read(&png_path).expect("reads");
        assert_eq!(ihdr(&bytes), (800, 600));
        let svg_path = dir.path().join("chart.svg");
        save_svg(&line_chart(), &svg_path, 800, 600, &Style::default()).expect("saves");
        let text = std::fs::read_to_string(&svg_path).expect("reads");
        assert!(text.starts_with("<svg"));
        let bad = dir.path().join("missing").join("out.png");
        let e = save(&line_chart(), &bad, 800, 600, &Style::default()).expect_err("no dir");
        assert!(e.contains("out.png"), "{e}");
        let e = save_svg(
            &line_chart(),
            &bad.with_extension("svg"),
            800,
            600,
            &Style::default(),
        )
        .expect_err("no dir");
        assert!(e.contains("out.svg"), "{e}");
        let e = save(&line_chart(), &png_path, 0, 600, &Style::default()).expect_err("size");
        assert!(e.contains("chart.png"), "{e}");
    }
}
