//! What a chart shows, independent of how it is drawn.

use serde::{Deserialize, Serialize};

/// A colour, 0–255 per channel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// "#0f768c".
    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }
}

/// The palette shared by the window and exported charts: the app's accent first, then
/// colours that stay apart for colour-blind readers (Okabe–Ito).
pub const PALETTE: [Rgb; 8] = [
    Rgb(0x0F, 0x76, 0x8C),
    Rgb(0xE6, 0x9F, 0x00),
    Rgb(0xCC, 0x79, 0xA7),
    Rgb(0x00, 0x9E, 0x73),
    Rgb(0xD5, 0x5E, 0x00),
    Rgb(0x56, 0xB4, 0xE9),
    Rgb(0x7F, 0x7F, 0x7F),
    Rgb(0xF0, 0xE4, 0x42),
];

/// Grey for reference lines (the diagonal of a ROC chart, "no model").
pub const REFERENCE: Rgb = Rgb(0x99, 0x99, 0x99);

/// The `i`-th palette colour (wraps around).
pub fn color(i: usize) -> Rgb {
    PALETTE[i % PALETTE.len()]
}

/// How an axis labels its values.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum AxisKind {
    /// Plain numbers ("1,200", "0.25").
    Number,
    /// Values are shares 0–1, labelled "25 %".
    Percent,
    /// Values are days since 1970-01-01, labelled as dates.
    Date,
    /// Value `i` is labelled with `names[i]` (bars, segments, models).
    Category(Vec<String>),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Axis {
    /// The axis title in plain words, with units ("Sales (units)").
    pub label: String,
    pub kind: AxisKind,
    /// Fixed range; `None` fits the data (with a little room).
    pub range: Option<(f64, f64)>,
}

impl Axis {
    pub fn number(label: impl Into<String>) -> Self {
        Axis {
            label: label.into(),
            kind: AxisKind::Number,
            range: None,
        }
    }

    pub fn percent(label: impl Into<String>) -> Self {
        Axis {
            label: label.into(),
            kind: AxisKind::Percent,
            range: Some((0.0, 1.0)),
        }
    }

    pub fn date(label: impl Into<String>) -> Self {
        Axis {
            label: label.into(),
            kind: AxisKind::Date,
            range: None,
        }
    }

    pub fn category(label: impl Into<String>, names: Vec<String>) -> Self {
        let n = names.len() as f64;
        Axis {
            label: label.into(),
            kind: AxisKind::Category(names),
            range: Some((-0.5, n - 0.5)),
        }
    }

    pub fn with_range(mut self, lo: f64, hi: f64) -> Self {
        self.range = Some((lo, hi));
        self
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum SeriesKind {
    /// A polyline through `points` in order.
    Line { width: f32, dashed: bool },
    /// A dot at each point.
    Points { radius: f32 },
    /// A shaded band: `points` is the lower edge, `upper` the upper edge at the same x.
    Band { upper: Vec<[f64; 2]> },
    /// Bars from 0 to each point's value. Vertical bars stand at x = point[0] with height
    /// point[1]; horizontal bars (`horizontal`) stand at y = point[1] with length point[0].
    Bars { width: f64, horizontal: bool },
    /// Separate line segments: points 0–1, 2–3, … (whiskers, interval marks).
    Segments { width: f32 },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Series {
    /// The legend entry; empty keeps the series out of the legend.
    pub name: String,
    pub color: Rgb,
    pub kind: SeriesKind,
    pub points: Vec<[f64; 2]>,
}

impl Series {
    pub fn line(name: impl Into<String>, color: Rgb, points: Vec<[f64; 2]>) -> Self {
        Series {
            name: name.into(),
            color,
            kind: SeriesKind::Line {
                width: 2.5,
                dashed: false,
            },
            points,
        }
    }

    pub fn dashed(name: impl Into<String>, color: Rgb, points: Vec<[f64; 2]>) -> Self {
        Series {
            name: name.into(),
            color,
            kind: SeriesKind::Line {
                width: 1.5,
                dashed: true,
            },
            points,
        }
    }

    pub fn points(name: impl Into<String>, color: Rgb, points: Vec<[f64; 2]>) -> Self {
        Series {
            name: name.into(),
            color,
            kind: SeriesKind::Points { radius: 3.0 },
            points,
        }
    }

    pub fn band(
        name: impl Into<String>,
        color: Rgb,
        lower: Vec<[f64; 2]>,
        upper: Vec<[f64; 2]>,
    ) -> Self {
        Series {
            name: name.into(),
            color,
            kind: SeriesKind::Band { upper },
            points: lower,
        }
    }

    pub fn bars(name: impl Into<String>, color: Rgb, points: Vec<[f64; 2]>) -> Self {
        Series {
            name: name.into(),
            color,
            kind: SeriesKind::Bars {
                width: 0.7,
                horizontal: false,
            },
            points,
        }
    }

    pub fn horizontal_bars(name: impl Into<String>, color: Rgb, points: Vec<[f64; 2]>) -> Self {
        Series {
            name: name.into(),
            color,
            kind: SeriesKind::Bars {
                width: 0.6,
                horizontal: true,
            },
            points,
        }
    }

    /// Every x and y this series draws (band edges included).
    pub fn extent_points(&self) -> impl Iterator<Item = [f64; 2]> + '_ {
        let upper: &[[f64; 2]] = match &self.kind {
            SeriesKind::Band { upper } => upper,
            _ => &[],
        };
        let bars_base = match self.kind {
            SeriesKind::Bars { horizontal, .. } => Some(horizontal),
            _ => None,
        };
        let base = self.points.iter().filter_map(move |p| match bars_base {
            Some(false) => Some([p[0], 0.0]),
            Some(true) => Some([0.0, p[1]]),
            None => None,
        });
        self.points
            .iter()
            .copied()
            .chain(upper.iter().copied())
            .chain(base)
    }
}

/// One chart: what the window, the exported image and the report all show.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Chart {
    /// Short, stable name for files: "roc", "forecast" (lower case, no spaces).
    pub id: String,
    /// The headline ("How well each model finds churners").
    pub title: String,
    /// The one-line takeaway or context ("Logistic regression: AUC 0.84 on 1,500 held-out rows").
    pub subtitle: String,
    pub x: Axis,
    pub y: Axis,
    pub series: Vec<Series>,
    /// Small print under the chart (data source, seed).
    pub footnote: String,
}

impl Chart {
    /// The data range the chart shows: fixed axis ranges where given, else the data's with 5 %
    /// room on each side (and 0 kept in view for bars). Never empty or inverted.
    pub fn bounds(&self) -> ([f64; 2], [f64; 2]) {
        let mut lo = [f64::INFINITY; 2];
        let mut hi = [f64::NEG_INFINITY; 2];
        for s in &self.series {
            for p in s.extent_points() {
                for d in 0..2 {
                    if p[d].is_finite() {
                        lo[d] = lo[d].min(p[d]);
                        hi[d] = hi[d].max(p[d]);
                    }
                }
            }
        }
        let axis = |d: usize, a: &Axis| -> [f64; 2] {
            if let Some((l, h)) = a.range
                && l.is_finite()
                && h.is_finite()
                && h > l
            {
                return [l, h];
            }
            let (mut l, mut h) = (lo[d], hi[d]);
            if !l.is_finite() || !h.is_finite() {
                return [0.0, 1.0];
            }
            if h <= l {
                let pad = if l == 0.0 { 1.0 } else { l.abs() * 0.1 };
                return [l - pad, h + pad];
            }
            let pad = (h - l) * 0.05;
            l -= pad;
            h += pad;
            [l, h]
        };
        let x = axis(0, &self.x);
        let y = axis(1, &self.y);
        ([x[0], y[0]], [x[1], y[1]])
    }
}

/// A table the user can copy (tab-separated, pastes into Excel) or save as CSV.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Table {
    /// Stable name for files ("model_comparison").
    pub id: String,
    pub title: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// Tab-separated, one line per row, header first; tabs and line breaks inside cells become
    /// spaces so the grid stays intact when pasted into a spreadsheet.
    pub fn to_tsv(&self) -> String {
        let clean = |c: &String| c.replace(['\t', '\n', '\r'], " ");
        std::iter::once(&self.header)
            .chain(&self.rows)
            .map(|r| r.iter().map(clean).collect::<Vec<_>>().join("\t") + "\n")
            .collect()
    }

    /// RFC 4180 CSV: cells with a comma, quote or line break are quoted, quotes doubled.
    pub fn to_csv(&self) -> String {
        let cell = |c: &String| {
            if c.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", c.replace('"', "\"\""))
            } else {
                c.clone()
            }
        };
        std::iter::once(&self.header)
            .chain(&self.rows)
            .map(|r| r.iter().map(cell).collect::<Vec<_>>().join(",") + "\n")
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        Table {
            id: "t".into(),
            title: "T".into(),
            header: vec!["name".into(), "value".into()],
            rows: vec![
                vec!["a, \"b\"".into(), "1".into()],
                vec!["tab\there".into(), "2".into()],
            ],
        }
    }

    #[test]
    fn tsv_keeps_the_grid_and_csv_quotes() {
        assert_eq!(table().to_tsv(), "name\tvalue\na, \"b\"\t1\ntab here\t2\n");
        assert_eq!(
            table().to_csv(),
            "name,value\n\"a, \"\"b\"\"\",1\ntab\there,2\n"
        );
    }

    #[test]
    fn bounds_pad_the_data_and_keep_bars_on_zero() {
        let chart = Chart {
            id: "c".into(),
            title: String::new(),
            subtitle: String::new(),
            x: Axis::number("x"),
            y: Axis::number("y"),
            series: vec![Series::bars("b", color(0), vec![[1.0, 10.0], [2.0, 20.0]])],
            footnote: String::new(),
        };
        let (lo, hi) = chart.bounds();
        assert!((lo[0] - 0.95).abs() < 1e-12 && (hi[0] - 2.05).abs() < 1e-12);
        assert!((lo[1] - -1.0).abs() < 1e-12 && (hi[1] - 21.0).abs() < 1e-12);
    }
}
