//! The segment analysis's charts and tables.
//!
//! What the Segments view shows, as [`Chart`] and [`Table`] values: segment sizes, the
//! segment map (customers on the two main directions of the data, coloured by segment), the
//! choice of the number of segments (when a k scan was run), box plots of each number column
//! by segment, and the profile table ("What makes each segment different").

use crate::analysis::segment::{KScan, SegmentResult, suggest_k};
use crate::chart::spec::{self, Rgb};
use crate::chart::{Axis, Chart, Series, SeriesKind, Table};
use crate::cli::{short_number, thousands};

/// The map draws at most this many customers (an evenly spaced, hence deterministic, sample
/// of the view's map points).
pub const MAP_POINTS: usize = 3000;

/// Dark ink for medians and segment centres.
const INK: Rgb = Rgb(0x22, 0x22, 0x22);

/// The name of segment `i`: the user's name when given, else the suggested one.
fn segment_name(result: &SegmentResult, names: &[String], i: usize) -> String {
    let given = |n: &&String| !n.trim().is_empty();
    names
        .get(i)
        .filter(given)
        .or_else(|| result.names.get(i).filter(given))
        .cloned()
        .unwrap_or_else(|| format!("Segment {}", i + 1))
}

fn all_names(result: &SegmentResult, names: &[String]) -> Vec<String> {
    (0..result.sizes.len())
        .map(|i| segment_name(result, names, i))
        .collect()
}

/// "customers.csv, 5,000 rows · seed 42".
fn footnote(source: &str, seed: Option<u64>) -> String {
    match seed {
        Some(s) => format!("{source} \u{b7} seed {s}"),
        None => source.to_owned(),
    }
}

/// "Silhouette 0.45": how the view states the separation.
fn silhouette_text(s: Option<f64>) -> String {
    s.map_or_else(|| "n/a".to_owned(), |s| format!("{s:.2}"))
}

/// A short lowercase id part from a column name ("recency_days"), or `fallback` when the name
/// has no ASCII letters or digits (Chinese column names).
fn slug(name: &str, fallback: usize) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
    }
    let out = out.trim_end_matches('_').to_owned();
    if out.is_empty() || !name.is_ascii() {
        (fallback + 1).to_string()
    } else {
        out
    }
}

/// The charts of a segmentation, in the order the view shows them: the choice of k (when
/// `scan`, or else the result's own k scan, is not empty), the segment map, the sizes, then
/// one box plot per number column (most distinctive first).
///
/// `names`: the segment names as the user left them (missing ones fall back to the suggested
/// names); `source`: "customers.csv, 5,000 rows"; `seed`: the seed the segments were found
/// with, when known.
pub fn charts(
    result: &SegmentResult,
    names: &[String],
    scan: &[KScan],
    source: &str,
    seed: Option<u64>,
) -> Vec<Chart> {
    let scan = if scan.is_empty() {
        &result.k_scan[..]
    } else {
        scan
    };
    let mut out = Vec::new();
    out.extend(scan_charts(scan, source, seed));
    out.extend(map_chart(result, names, source, seed));
    out.push(sizes_chart(result, names, source, seed));
    out.extend(box_charts(result, names, source, seed));
    out
}

/// The elbow (spread within segments by k) and the silhouette by k; nothing without a scan.
fn scan_charts(scan: &[KScan], source: &str, seed: Option<u64>) -> Vec<Chart> {
    if scan.is_empty() {
        return Vec::new();
    }
    let suggestion = suggest_k(scan);
    let subtitle = suggestion.as_ref().map_or_else(
        || {
            format!(
                "Tried {} to {} segments",
                scan.first().map_or(0, |s| s.k),
                scan.last().map_or(0, |s| s.k)
            )
        },
        |(_, reason)| reason.clone(),
    );
    let elbow: Vec<[f64; 2]> = scan
        .iter()
        .filter(|s| s.inertia.is_finite())
        .map(|s| [s.k as f64, s.inertia])
        .collect();
    let sil: Vec<[f64; 2]> = scan
        .iter()
        .filter_map(|s| Some([s.k as f64, s.silhouette.filter(|v| v.is_finite())?]))
        .collect();
    let k_axis = || Axis::number("Number of segments (k)");
    let line_and_dots = |name: &str, pts: Vec<[f64; 2]>| {
        vec![
            Series::line(name, spec::color(0), pts.clone()),
            Series::points("", spec::color(0), pts),
        ]
    };
    let mut out = vec![Chart {
        id: "k_elbow".into(),
        title: "How much tighter the segments get with each extra one".into(),
        subtitle: subtitle.clone(),
        x: k_axis(),
        y: Axis::number("Spread within segments (standardized units; look for the elbow)"),
        series: line_and_dots("Spread within segments", elbow),
        footnote: footnote(source, seed),
    }];
    if !sil.is_empty() {
        let mut series = line_and_dots("Silhouette", sil);
        if let Some((k, _)) = &suggestion
            && let Some(best) = scan.iter().find(|s| s.k == *k)
            && let Some(v) = best.silhouette
        {
            series.push(Series {
                name: format!("Suggested: {k} segments"),
                color: spec::color(1),
                kind: SeriesKind::Points { radius: 6.0 },
                points: vec![[*k as f64, v]],
            });
        }
        out.push(Chart {
            id: "k_silhouette".into(),
            title: "How clearly the segments are separated, by number of segments".into(),
            subtitle,
            x: k_axis(),
            y: Axis::number("Silhouette (\u{2212}1 to 1, higher is better)"),
            series,
            footnote: footnote(source, seed),
        });
    }
    out
}

/// Customers on the map coloured by segment, with the segment centres; `None` without a map.
fn map_chart(
    result: &SegmentResult,
    names: &[String],
    source: &str,
    seed: Option<u64>,
) -> Option<Chart> {
    let map = result.map.as_ref()?;
    let k = result.sizes.len();
    let drawn = map.points.len().min(map.rows.len());
    let take = drawn.min(MAP_POINTS);
    let mut per_segment: Vec<Vec<[f64; 2]>> = vec![Vec::new(); k];
    for j in 0..take {
        // evenly spaced through the map's points: the same result always gives the same dots
        let i = j * drawn / take.max(1);
        let label = map
            .rows
            .get(i)
            .and_then(|&r| result.fit.labels.get(r))
            .copied();
        if let (Some(l), Some(p)) = (label, map.points.get(i))
            && l < k
            && p[0].is_finite()
            && p[1].is_finite()
        {
            per_segment[l].push(*p);
        }
    }
    let mut series: Vec<Series> = per_segment
        .into_iter()
        .enumerate()
        .map(|(c, points)| Series {
            name: segment_name(result, names, c),
            color: spec::color(c),
            kind: SeriesKind::Points { radius: 1.8 },
            points,
        })
        .collect();
    let centres: Vec<[f64; 2]> = result
        .fit
        .centroids
        .rows()
        .into_iter()
        .filter(|c| c.len() == map.mean.len())
        .map(|c| map.project(c))
        .filter(|p| p[0].is_finite() && p[1].is_finite())
        .collect();
    if !centres.is_empty() {
        series.push(Series {
            name: "Segment centres".into(),
            color: INK,
            kind: SeriesKind::Points { radius: 6.0 },
            points: centres,
        });
    }
    let total: usize = result.sizes.iter().sum();
    let shown = if take < total {
        format!(
            "{} of {} customers shown",
            thousands(take),
            thousands(total)
        )
    } else {
        format!("All {} customers shown", thousands(total))
    };
    Some(Chart {
        id: "segment_map".into(),
        title: "Where each segment sits among all customers".into(),
        subtitle: format!(
            "{k} segments \u{b7} silhouette {} (\u{2212}1 to 1: higher means better separated) \
             \u{b7} {shown}",
            silhouette_text(result.silhouette)
        ),
        x: Axis::number(format!("1st direction: {}", map.axis_names[0])),
        y: Axis::number(format!("2nd direction: {}", map.axis_names[1])),
        series,
        footnote: format!(
            "{} \u{b7} each dot is a customer, placed by the two combinations of columns that \
             vary most (principal components)",
            footnote(source, seed)
        ),
    })
}

/// One bar per segment, on a category axis of the segment names.
fn sizes_chart(result: &SegmentResult, names: &[String], source: &str, seed: Option<u64>) -> Chart {
    let total: usize = result.sizes.iter().sum();
    let labels = all_names(result, names);
    let series = result
        .sizes
        .iter()
        .enumerate()
        .map(|(i, &size)| {
            Series::bars(
                labels[i].clone(),
                spec::color(i),
                vec![[i as f64, size as f64]],
            )
        })
        .collect();
    let largest = result
        .sizes
        .iter()
        .enumerate()
        .max_by_key(|(i, s)| (**s, std::cmp::Reverse(*i)))
        .map(|(i, &s)| {
            format!(
                "; the largest, {}, holds {} ({:.1} %)",
                labels[i],
                thousands(s),
                100.0 * s as f64 / total.max(1) as f64
            )
        })
        .unwrap_or_default();
    Chart {
        id: "segment_sizes".into(),
        title: "How many customers are in each segment".into(),
        subtitle: format!(
            "{} segments of {} customers{largest}",
            result.sizes.len(),
            thousands(total)
        ),
        x: Axis::category("Segment", labels),
        y: Axis::number("Customers"),
        series,
        footnote: footnote(source, seed),
    }
}

/// One box plot per number column: the box from the first to the third quartile (a thick
/// segment), whiskers to the furthest values within 1.5 × IQR, and the median as a bar
/// across the box. Columns in the order of the profile (most distinctive first).
fn box_charts(
    result: &SegmentResult,
    names: &[String],
    source: &str,
    seed: Option<u64>,
) -> Vec<Chart> {
    let rank = |feature: &str| {
        result
            .profile
            .iter()
            .position(|r| !r.is_share && r.feature == feature)
            .unwrap_or(usize::MAX)
    };
    let mut order: Vec<usize> = (0..result.boxes.len()).collect();
    order.sort_by_key(|&i| (rank(&result.boxes[i].0), i));
    let labels = all_names(result, names);
    let mut used_ids: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for i in order {
        let (feature, stats) = &result.boxes[i];
        if stats.iter().all(Option::is_none) {
            continue;
        }
        let mut series = Vec::new();
        let mut whiskers = Vec::new();
        let mut medians = Vec::new();
        for (s, st) in stats.iter().enumerate() {
            let Some([lo, q1, med, q3, hi]) = *st else {
                continue;
            };
            let x = s as f64;
            series.push(Series {
                name: labels.get(s).cloned().unwrap_or_default(),
                color: spec::color(s),
                kind: SeriesKind::Segments { width: 22.0 },
                points: vec![[x, q1], [x, q3]],
            });
            whiskers.extend([[x, lo], [x, q1], [x, q3], [x, hi]]);
            whiskers.extend([[x - 0.1, lo], [x + 0.1, lo], [x - 0.1, hi], [x + 0.1, hi]]);
            medians.extend([[x - 0.22, med], [x + 0.22, med]]);
        }
        series.insert(
            0,
            Series {
                name: String::new(),
                color: INK,
                kind: SeriesKind::Segments { width: 1.5 },
                points: whiskers,
            },
        );
        series.push(Series {
            name: "Median".into(),
            color: INK,
            kind: SeriesKind::Segments { width: 2.5 },
            points: medians,
        });
        let medians_text: Vec<String> = stats
            .iter()
            .enumerate()
            .filter_map(|(s, st)| {
                Some(format!(
                    "{} {}",
                    labels.get(s)?,
                    short_number(st.as_ref()?[2])
                ))
            })
            .collect();
        let mut id = format!("box_{}", slug(feature, i));
        while used_ids.contains(&id) {
            id.push('_');
        }
        used_ids.push(id.clone());
        out.push(Chart {
            id,
            title: format!("How {feature} differs between segments"),
            subtitle: format!("Median {feature}: {}", medians_text.join(" \u{b7} ")),
            x: Axis::category("Segment", labels.clone()),
            y: Axis::number(feature.clone()),
            series,
            footnote: format!(
                "{} \u{b7} box: middle half of the customers; line: median; whiskers: the \
                 furthest values within 1.5 \u{d7} the box height",
                footnote(source, seed)
            ),
        });
    }
    out
}

/// The tables of a segmentation: the sizes, the profile ("What makes each segment
/// different"), and the k scan when there is one (`scan`, or else the result's own).
pub fn tables(result: &SegmentResult, names: &[String], scan: &[KScan]) -> Vec<Table> {
    let scan = if scan.is_empty() {
        &result.k_scan[..]
    } else {
        scan
    };
    let labels = all_names(result, names);
    let total: usize = result.sizes.iter().sum();
    let mut out = vec![Table {
        id: "segment_sizes".into(),
        title: format!(
            "{} segments of {} customers",
            result.sizes.len(),
            thousands(total)
        ),
        header: vec![
            "Segment".into(),
            "Name".into(),
            "Customers".into(),
            "Share".into(),
        ],
        rows: result
            .sizes
            .iter()
            .enumerate()
            .map(|(i, &size)| {
                vec![
                    format!("Segment {}", i + 1),
                    labels[i].clone(),
                    thousands(size),
                    format!("{:.1} %", 100.0 * size as f64 / total.max(1) as f64),
                ]
            })
            .collect(),
    }];
    let mut header = vec!["Column".to_owned(), "Everyone".to_owned()];
    header.extend(labels.iter().cloned());
    out.push(Table {
        id: "segment_profile".into(),
        title: "What makes each segment different".into(),
        header,
        rows: result
            .profile
            .iter()
            .map(|row| {
                let fmt = |v: f64| {
                    if row.is_share {
                        format!("{:.0} %", v * 100.0)
                    } else {
                        short_number(v)
                    }
                };
                let mut cells = vec![row.feature.clone(), fmt(row.overall)];
                cells.extend(
                    (0..labels.len())
                        .map(|i| row.per_segment.get(i).map_or_else(String::new, |v| fmt(*v))),
                );
                cells
            })
            .collect(),
    });
    if !scan.is_empty() {
        let suggested = suggest_k(scan).map(|(k, _)| k);
        out.push(Table {
            id: "k_scan".into(),
            title: "How many segments?".into(),
            header: vec![
                "Segments (k)".into(),
                "Spread within segments".into(),
                "Silhouette".into(),
            ],
            rows: scan
                .iter()
                .map(|s| {
                    let k = if Some(s.k) == suggested {
                        format!("{} (suggested)", s.k)
                    } else {
                        s.k.to_string()
                    };
                    vec![
                        k,
                        format!("{:.1}", s.inertia),
                        s.silhouette
                            .map_or_else(|| "n/a".to_owned(), |v| format!("{v:.3}")),
                    ]
                })
                .collect(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::segment::{SegmentParams, segment};
    use crate::chart::AxisKind;
    use crate::jobs::Reporter;

    fn result(k_range: Option<(usize, usize)>) -> SegmentResult {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/samples/customers.csv");
        let ds = crate::data::load_path(&path).expect("load the sample");
        let params = SegmentParams {
            features: ["recency_days", "frequency", "monetary", "channel"]
                .iter()
                .map(|s| (*s).to_owned())
                .collect(),
            k: 3,
            n_init: 2,
            ..SegmentParams::default()
        };
        segment(&ds.df, &params, k_range, &Reporter::silent()).expect("segment")
    }

    #[test]
    fn charts_and_tables_describe_the_segments() {
        let r = result(None);
        let names = vec!["Loyal".to_owned(), String::new()];
        let charts = charts(&r, &names, &[], "customers.csv, 5,000 rows", Some(42));
        let ids: Vec<&str> = charts.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(&ids[..2], ["segment_map", "segment_sizes"]);
        let mut boxes = ids[2..].to_vec();
        boxes.sort_unstable();
        assert_eq!(boxes, ["box_frequency", "box_monetary", "box_recency_days"]);

        // sizes: one bar per segment, summing to the rows, names on the category axis
        let sizes = &charts[1];
        let total: f64 = sizes
            .series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p[1]))
            .sum();
        assert_eq!(total as usize, 5000);
        assert_eq!(sizes.series.len(), 3);
        let AxisKind::Category(cats) = &sizes.x.kind else {
            panic!("sizes need a category axis");
        };
        assert_eq!(cats[0], "Loyal");
        assert_eq!(
            cats[1], r.names[1],
            "an empty name falls back to the suggestion"
        );
        assert!(
            sizes.subtitle.contains("5,000 customers"),
            "{}",
            sizes.subtitle
        );
        assert!(sizes.footnote.contains("seed 42"));

        // map: at most MAP_POINTS customers, one series per segment plus the centres
        let map = &charts[0];
        let dots: usize = map.series[..3].iter().map(|s| s.points.len()).sum();
        assert!(dots <= MAP_POINTS && dots > 2900, "{dots} dots");
        assert_eq!(map.series[3].points.len(), 3);
        assert_eq!(map.series[3].name, "Segment centres");
        // deterministic
        assert_eq!(
            charts,
            super::charts(&r, &names, &[], "customers.csv, 5,000 rows", Some(42))
        );

        // boxes: quartiles in order on each segment
        for b in &charts[2..] {
            assert_eq!(b.series.first().map(|s| s.points.len()), Some(8 * 3));
            for s in &b.series[1..4] {
                assert!(s.points[0][1] <= s.points[1][1], "q1 <= q3 in {}", b.id);
            }
        }

        let tables = tables(&r, &names, &[]);
        let ids: Vec<&str> = tables.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["segment_sizes", "segment_profile"]);
        assert_eq!(tables[0].rows.len(), 3);
        assert_eq!(tables[0].rows[0][1], "Loyal");
        assert_eq!(tables[1].header.len(), 2 + 3);
        assert_eq!(tables[1].rows.len(), r.profile.len());
        assert!(tables[1].rows.iter().all(|row| row.len() == 5));
        // shares as the view prints them
        let share_row = r
            .profile
            .iter()
            .position(|p| p.is_share)
            .expect("a category");
        assert!(tables[1].rows[share_row][1].ends_with(" %"));
    }

    #[test]
    fn a_k_scan_adds_the_choose_k_charts() {
        let r = result(Some((2, 4)));
        let charts = charts(&r, &[], &[], "customers.csv", None);
        assert_eq!(charts[0].id, "k_elbow");
        assert_eq!(charts[1].id, "k_silhouette");
        assert_eq!(charts[0].series[0].points.len(), 3);
        let (k, reason) = suggest_k(&r.k_scan).expect("a suggestion");
        assert_eq!(charts[1].subtitle, reason);
        let marked = charts[1].series.last().expect("the suggested k");
        assert_eq!(marked.points[0][0], k as f64);
        let tables = tables(&r, &[], &[]);
        let scan = tables.last().expect("the scan table");
        assert_eq!(scan.id, "k_scan");
        assert_eq!(scan.rows.len(), 3);
        assert!(scan.rows.iter().any(|row| row[0].ends_with("(suggested)")));
    }

    #[test]
    fn slugs_are_short_and_ascii() {
        assert_eq!(slug("recency_days", 0), "recency_days");
        assert_eq!(slug("Ad Spend ($)", 0), "ad_spend");
        assert_eq!(slug("客流量", 2), "3");
    }
}
