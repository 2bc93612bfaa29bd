//! What makes each segment different: per-segment means (numeric features, original units)
//! or shares (categories) next to the overall value, sorted so the most distinctive features
//! come first, and plain-language names built from them ("High monetary, low recency days").

use polars::prelude::*;
use serde::Serialize;

use crate::data::prep::ColumnTransform;

/// One feature's row of the profile table.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ProfileRow {
    /// "monetary" or "channel = Web".
    pub feature: String,
    /// Whether the values are shares of rows (categories) rather than means.
    pub is_share: bool,
    pub overall: f64,
    pub per_segment: Vec<f64>,
    /// How far each segment is from the overall value, in overall standard deviations
    /// (for shares: in percentage points / 100, i.e. the share difference).
    pub distance: Vec<f64>,
}

impl ProfileRow {
    /// The largest distance of any segment: how much this feature separates segments.
    pub fn spread(&self) -> f64 {
        self.distance.iter().fold(0.0, |m, d| m.max(d.abs()))
    }
}

/// The profile table: rows sorted by spread, most distinctive first.
pub fn profile(
    df: &DataFrame,
    columns: &[ColumnTransform],
    labels: &[usize],
    k: usize,
) -> Vec<ProfileRow> {
    let mut rows = Vec::new();
    for t in columns {
        match t {
            ColumnTransform::Numeric { name, .. } => {
                let Ok(col) = df.column(name).and_then(|c| c.cast(&DataType::Float64)) else {
                    continue;
                };
                let Ok(ca) = col.f64() else { continue };
                let mut sums = vec![0.0; k];
                let mut counts = vec![0usize; k];
                let (mut total, mut n, mut sq) = (0.0, 0usize, 0.0);
                for (v, &l) in ca.iter().zip(labels) {
                    if let Some(v) = v.filter(|v| v.is_finite()) {
                        sums[l] += v;
                        counts[l] += 1;
                        total += v;
                        sq += v * v;
                        n += 1;
                    }
                }
                if n == 0 {
                    continue;
                }
                let overall = total / n as f64;
                let std = (sq / n as f64 - overall * overall).max(0.0).sqrt();
                let per_segment: Vec<f64> = sums
                    .iter()
                    .zip(&counts)
                    .map(|(s, &c)| if c > 0 { s / c as f64 } else { f64::NAN })
                    .collect();
                let distance = per_segment
                    .iter()
                    .map(|m| if std > 0.0 { (m - overall) / std } else { 0.0 })
                    .collect();
                rows.push(ProfileRow {
                    feature: name.clone(),
                    is_share: false,
                    overall,
                    per_segment,
                    distance,
                });
            }
            ColumnTransform::Categorical { name, categories } => {
                let Ok(col) = df.column(name).and_then(|c| c.cast(&DataType::String)) else {
                    continue;
                };
                let Ok(ca) = col.str() else { continue };
                let values: Vec<Option<&str>> = ca.iter().collect();
                let mut sizes = vec![0usize; k];
                for &l in labels {
                    sizes[l] += 1;
                }
                for c in categories {
                    let mut hits = vec![0usize; k];
                    for (v, &l) in values.iter().zip(labels) {
                        if v.unwrap_or("(missing)") == c {
                            hits[l] += 1;
                        }
                    }
                    let overall = hits.iter().sum::<usize>() as f64 / labels.len().max(1) as f64;
                    let per_segment: Vec<f64> = hits
                        .iter()
                        .zip(&sizes)
                        .map(|(&h, &s)| if s > 0 { h as f64 / s as f64 } else { f64::NAN })
                        .collect();
                    // a share difference of 0.25 counts like one standard deviation
                    let distance = per_segment.iter().map(|p| (p - overall) / 0.25).collect();
                    rows.push(ProfileRow {
                        feature: format!("{name} = {c}"),
                        is_share: true,
                        overall,
                        per_segment,
                        distance,
                    });
                }
            }
        }
    }
    rows.sort_by(|a, b| b.spread().total_cmp(&a.spread()));
    rows
}

/// Box-plot numbers of a numeric column per segment: lower whisker, first quartile, median,
/// third quartile, upper whisker (Tukey: the furthest values within 1.5 × IQR of the box).
/// Quartiles interpolate linearly between values, as numpy's default. `None` for a segment
/// without values.
pub fn quartiles_by_segment(
    df: &DataFrame,
    feature: &str,
    labels: &[usize],
    k: usize,
) -> Vec<Option<[f64; 5]>> {
    let mut groups: Vec<Vec<f64>> = vec![Vec::new(); k];
    if let Ok(col) = df.column(feature).and_then(|c| c.cast(&DataType::Float64))
        && let Ok(ca) = col.f64()
    {
        for (v, &l) in ca.iter().zip(labels) {
            if let Some(v) = v.filter(|v| v.is_finite())
                && let Some(g) = groups.get_mut(l)
            {
                g.push(v);
            }
        }
    }
    groups
        .into_iter()
        .map(|mut g| {
            if g.is_empty() {
                return None;
            }
            // selection instead of a full sort: each quantile is a linear pass
            let (q1, median, q3) = (
                quantile(&mut g, 0.25),
                quantile(&mut g, 0.5),
                quantile(&mut g, 0.75),
            );
            let iqr = q3 - q1;
            let (lowest, highest) = (q1 - 1.5 * iqr, q3 + 1.5 * iqr);
            let low = g
                .iter()
                .copied()
                .filter(|v| *v >= lowest)
                .min_by(f64::total_cmp)
                .unwrap_or(q1);
            let high = g
                .iter()
                .copied()
                .filter(|v| *v <= highest)
                .max_by(f64::total_cmp)
                .unwrap_or(q3);
            Some([low, q1, median, q3, high])
        })
        .collect()
}

/// The `p` quantile of `values` with numpy's linear interpolation, found by selection (the
/// values are reordered). The same number as sorting and reading it off.
fn quantile(values: &mut [f64], p: f64) -> f64 {
    let pos = p * (values.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let (_, at, above) = values.select_nth_unstable_by(lo, f64::total_cmp);
    let a = *at;
    let b = if pos.ceil() as usize == lo {
        a
    } else {
        above.iter().copied().min_by(f64::total_cmp).unwrap_or(a)
    };
    a + (b - a) * (pos - lo as f64)
}

/// Readable words for a column name: "recency_days" → "recency days".
pub fn plain(feature: &str) -> String {
    feature.replace(['_', '.'], " ").trim().to_owned()
}

/// A short name for each segment from its two most distinctive features:
/// "High monetary, low recency days", "Mostly channel = Store". Names repeat only when two
/// segments really look alike; then a number is added.
pub fn names(rows: &[ProfileRow], k: usize) -> Vec<String> {
    let mut out: Vec<String> = (0..k)
        .map(|s| {
            let mut parts: Vec<(f64, String)> = rows
                .iter()
                .filter_map(|r| {
                    let d = *r.distance.get(s)?;
                    if !d.is_finite() || d.abs() < 0.5 {
                        return None;
                    }
                    let words = if r.is_share {
                        if d > 0.0 {
                            // "channel = Store" -> "mostly Store channel"
                            match r.feature.split_once(" = ") {
                                Some((col, value)) => format!("mostly {value} {}", plain(col)),
                                None => format!("mostly {}", plain(&r.feature)),
                            }
                        } else {
                            return None;
                        }
                    } else if d > 0.0 {
                        format!("high {}", plain(&r.feature))
                    } else {
                        format!("low {}", plain(&r.feature))
                    };
                    Some((d.abs(), words))
                })
                .collect();
            parts.sort_by(|a, b| b.0.total_cmp(&a.0));
            let words: Vec<String> = parts.into_iter().take(2).map(|p| p.1).collect();
            let name = if words.is_empty() {
                "Typical customers".to_owned()
            } else {
                words.join(", ")
            };
            let mut chars = name.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect(),
                None => name,
            }
        })
        .collect();
    for i in 0..k {
        let same: Vec<usize> = (0..k).filter(|&j| out[j] == out[i]).collect();
        if same.len() > 1 {
            for (n, j) in same.into_iter().enumerate() {
                out[j] = format!("{} ({})", out[j], n + 1);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quartiles_match_numpy() {
        // numpy.percentile([1, 2, 3, 4, 5, 6, 7, 8, 100], [25, 50, 75]) = 3, 5, 7; the
        // upper whisker stops at 8 (100 is beyond 7 + 1.5 * 4)
        let df = DataFrame::new(
            9,
            vec![Column::new(
                "v".into(),
                [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 100.0],
            )],
        )
        .expect("frame");
        let q = quartiles_by_segment(&df, "v", &[0; 9], 2);
        assert_eq!(q[0], Some([1.0, 3.0, 5.0, 7.0, 8.0]));
        assert_eq!(q[1], None);
        // even count: numpy.percentile([1, 2, 3, 4], [25, 50, 75]) = 1.75, 2.5, 3.25
        let df =
            DataFrame::new(4, vec![Column::new("v".into(), [4.0, 1.0, 3.0, 2.0])]).expect("frame");
        let q = quartiles_by_segment(&df, "v", &[0; 4], 1);
        assert_eq!(q[0], Some([1.0, 1.75, 2.5, 3.25, 4.0]));
    }

    #[test]
    fn quantiles_by_selection_equal_those_read_off_a_sorted_copy() {
        // many ties, both zeros and every length from 1 to 40, in a seeded order
        let mut state = 7u64;
        for len in 1..=40 {
            let values: Vec<f64> = (0..len)
                .map(|_| {
                    state = state
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    [-0.0, 0.0, 1.5, -2.0, 3.25, 1e-3, 7.0][(state >> 33) as usize % 7]
                        * ((state >> 40) % 3) as f64
                })
                .collect();
            let mut sorted = values.clone();
            sorted.sort_by(f64::total_cmp);
            for p in [0.0, 0.25, 0.5, 0.75, 1.0] {
                let pos = p * (len - 1) as f64;
                let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
                let expected = sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64);
                let mut work = values.clone();
                assert_eq!(
                    quantile(&mut work, p).to_bits(),
                    expected.to_bits(),
                    "p = {p} of {values:?}"
                );
            }
        }
    }

    #[test]
    fn profile_means_shares_and_names() {
        let df = DataFrame::new(
            6,
            vec![
                Column::new("spend".into(), [100.0, 120.0, 110.0, 10.0, 12.0, 8.0]),
                Column::new(
                    "channel".into(),
                    ["Web", "Web", "App", "Store", "Store", "Store"],
                ),
            ],
        )
        .expect("frame");
        let cols = vec![
            ColumnTransform::Numeric {
                name: "spend".into(),
                median: 0.0,
                mean: 0.0,
                std: 1.0,
                log: false,
            },
            ColumnTransform::Categorical {
                name: "channel".into(),
                categories: vec!["App".into(), "Store".into(), "Web".into()],
            },
        ];
        let rows = profile(&df, &cols, &[0, 0, 0, 1, 1, 1], 2);
        let spend = rows.iter().find(|r| r.feature == "spend").expect("spend");
        assert_eq!(spend.per_segment, vec![110.0, 10.0]);
        assert_eq!(spend.overall, 60.0);
        let store = rows
            .iter()
            .find(|r| r.feature == "channel = Store")
            .expect("store");
        assert_eq!(store.per_segment, vec![0.0, 1.0]);
        assert_eq!(store.overall, 0.5);
        // the most distinctive rows come first
        assert!(rows.windows(2).all(|w| w[0].spread() >= w[1].spread()));
        let n = names(&rows, 2);
        assert_eq!(
            n,
            [
                "Mostly Web channel, high spend",
                "Mostly Store channel, low spend"
            ]
        );
    }
}
