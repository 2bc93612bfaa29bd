//! Column profiles: kind, missing values, distinct values, summary statistics, a histogram or
//! the top categories, and the role we suggest for the column.

use std::borrow::Cow;

use polars::prelude::*;
use serde::Serialize;

use super::counting::{numeric_kind, profile_by_counting};
pub use super::roles::suggest_roles;
use super::roles::{is_boolean_pair, is_id_name};
use super::{ColumnKind, LoadPhase, LoadProgress, Role};
use crate::jobs::{Cancelled, Reporter};

/// How many of the most frequent values a profile keeps.
pub const TOP_N: usize = 10;
/// Bins of a numeric histogram.
pub const HISTOGRAM_BINS: usize = 20;

#[derive(Clone, Debug, Serialize)]
pub struct ColumnProfile {
    pub name: String,
    pub kind: ColumnKind,
    /// polars' storage type, e.g. "i64", "f64", "str", "date".
    pub dtype: String,
    /// Rows with no value.
    pub missing: usize,
    /// Share of rows with no value, 0..=1.
    pub missing_share: f64,
    /// Distinct non-missing values.
    pub unique: usize,
    /// For numeric columns (and dates, in days since 1970-01-01).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stats: Option<NumericStats>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub histogram: Option<Histogram>,
    /// First and last date, for date columns.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_range: Option<(String, String)>,
    /// The most frequent values with their counts (categorical, boolean, id, text).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub top: Vec<CategoryCount>,
    /// The role we suggest; the user can change it.
    pub role: Role,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct NumericStats {
    pub min: f64,
    pub max: f64,
    pub mean: f64,
    pub median: f64,
    /// Sample standard deviation (n − 1).
    pub std: f64,
}

/// Equal-width bins: bin `i` covers `[start + i·width, start + (i+1)·width)`, the last one closed.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Histogram {
    pub start: f64,
    pub width: f64,
    pub counts: Vec<u64>,
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct CategoryCount {
    pub value: String,
    pub count: usize,
}

/// Profile every column of `df`, reporting progress per column.
pub fn profile_columns(
    df: &DataFrame,
    reporter: &Reporter<LoadProgress>,
) -> Result<Vec<ColumnProfile>, Cancelled> {
    let rows = df.height();
    let mut profiles = map_columns(df.columns(), reporter, |c| profile_column(c, rows))?;
    suggest_roles(&mut profiles);
    Ok(profiles)
}

/// Run `work` on every column, on all cores, relaying progress (as profiling) and stopping
/// when cancelled. Results come back in column order.
pub fn map_columns<T: Send>(
    columns: &[Column],
    reporter: &Reporter<LoadProgress>,
    work: impl Fn(&Column) -> T + Sync,
) -> Result<Vec<T>, Cancelled> {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    let total = columns.len() as u64;
    let mut results: Vec<Option<T>> = (0..columns.len()).map(|_| None).collect();
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(columns.len().max(1));
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    while !stop.load(Ordering::Relaxed) {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(col) = columns.get(i) else { break };
                        mine.push((i, work(col)));
                        done.fetch_add(1, Ordering::Relaxed);
                    }
                    mine
                })
            })
            .collect();
        // This thread relays progress and the cancel request while the workers run.
        while !handles.iter().all(|h| h.is_finished()) {
            if reporter.is_cancelled() {
                stop.store(true, Ordering::Relaxed);
            }
            reporter.report_throttled(|| LoadProgress {
                phase: LoadPhase::Profiling,
                done: done.load(Ordering::Relaxed) as u64,
                total,
            });
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        for h in handles {
            if let Ok(mine) = h.join() {
                for (i, r) in mine {
                    results[i] = Some(r);
                }
            }
        }
    });
    reporter.check()?;
    // A worker that panicked leaves holes; redo those here so the panic reaches the job.
    Ok(results
        .into_iter()
        .zip(columns)
        .map(|(r, c)| r.unwrap_or_else(|| work(c)))
        .collect())
}

/// Profile one column (`rows` = the table's height).
pub fn profile_column(col: &Column, rows: usize) -> ColumnProfile {
    let name = col.name().to_string();
    let missing = col.null_count();
    let present = rows - missing;
    let dtype = col.dtype().clone();
    let mut p = ColumnProfile {
        name,
        kind: ColumnKind::Text,
        dtype: dtype.to_string(),
        missing,
        missing_share: if rows == 0 {
            0.0
        } else {
            missing as f64 / rows as f64
        },
        unique: 0,
        stats: None,
        histogram: None,
        date_range: None,
        top: Vec::new(),
        role: Role::Feature,
    };
    match dtype {
        DataType::Boolean => {
            let ca = col.as_materialized_series().bool().ok();
            let (t, f) = ca.map_or((0, 0), |ca| {
                let t = ca.sum().unwrap_or(0) as usize;
                (t, present - t)
            });
            p.kind = ColumnKind::Boolean;
            p.top = [("true", t), ("false", f)]
                .into_iter()
                .filter(|(_, c)| *c > 0)
                .map(|(v, count)| CategoryCount {
                    value: v.to_owned(),
                    count,
                })
                .collect();
            p.top.sort_by_key(|c| std::cmp::Reverse(c.count));
            p.unique = p.top.len();
        }
        DataType::Date | DataType::Datetime(_, _) => profile_date(col, &mut p),
        ref d if d.is_primitive_numeric() => profile_numeric(col, d.is_integer(), rows, &mut p),
        DataType::String => profile_strings(col, present, &mut p),
        _ => {
            // Anything else: show it as text, counted through its string form.
            if let Ok(s) = col.cast(&DataType::String) {
                profile_strings(&s, present, &mut p);
            }
        }
    }
    p
}

fn numeric_values(col: &Column) -> Vec<f64> {
    let Ok(cast) = col.cast(&DataType::Float64) else {
        return Vec::new();
    };
    let Ok(ca) = cast.f64() else {
        return Vec::new();
    };
    ca.iter().flatten().filter(|v| v.is_finite()).collect()
}

fn summarize(values: &mut [f64]) -> Option<NumericStats> {
    let n = values.len();
    if n == 0 {
        return None;
    }
    let (mut min, mut max, mut sum) = (f64::INFINITY, f64::NEG_INFINITY, 0.0);
    for &v in values.iter() {
        min = min.min(v);
        max = max.max(v);
        sum += v;
    }
    let mean = sum / n as f64;
    let ss: f64 = values.iter().map(|v| (v - mean) * (v - mean)).sum();
    let std = if n > 1 {
        (ss / (n - 1) as f64).sqrt()
    } else {
        0.0
    };
    let median = median_in_place(values);
    Some(NumericStats {
        min,
        max,
        mean,
        median,
        std,
    })
}

/// The median, reordering `values` (average of the two middle values for even counts).
pub fn median_in_place(values: &mut [f64]) -> f64 {
    let n = values.len();
    let mid = n / 2;
    let (lower, m, _) = values.select_nth_unstable_by(mid, f64::total_cmp);
    let m = *m;
    if n % 2 == 1 {
        m
    } else {
        let below = lower.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        (below + m) / 2.0
    }
}

/// Equal-width histogram; integers with a small range get one bar per value.
pub fn histogram(values: &[f64], min: f64, max: f64, integer: bool) -> Histogram {
    let (start, width, bins) = if integer && max - min < HISTOGRAM_BINS as f64 * 1.5 {
        (min - 0.5, 1.0, (max - min) as usize + 1)
    } else if max > min {
        (min, (max - min) / HISTOGRAM_BINS as f64, HISTOGRAM_BINS)
    } else {
        (min - 0.5, 1.0, 1)
    };
    let mut counts = vec![0u64; bins];
    for &v in values {
        let i = (((v - start) / width) as usize).min(bins - 1);
        counts[i] += 1;
    }
    Histogram {
        start,
        width,
        counts,
    }
}

fn count_distinct_f64(values: &[f64], integer: bool, min: f64, max: f64) -> usize {
    if integer && max - min < 10_000_000.0 {
        let mut seen = vec![false; (max - min) as usize + 1];
        let mut n = 0;
        for &v in values {
            let slot = &mut seen[(v - min) as usize];
            if !*slot {
                *slot = true;
                n += 1;
            }
        }
        return n;
    }
    let mut set: PlHashSet<u64> = PlHashSet::with_capacity(1024);
    for &v in values {
        // +0.0 and -0.0 are the same value
        set.insert(if v == 0.0 { 0 } else { v.to_bits() });
    }
    set.len()
}

fn profile_numeric(col: &Column, integer: bool, rows: usize, p: &mut ColumnProfile) {
    if profile_by_counting(col, integer, rows, p).is_some() {
        return;
    }
    let mut values = numeric_values(col);
    // NaN and infinities count as missing
    p.missing = rows - values.len();
    p.missing_share = p.missing as f64 / rows.max(1) as f64;
    p.kind = ColumnKind::Numeric;
    let Some(stats) = summarize(&mut values) else {
        return;
    };
    p.unique = count_distinct_f64(&values, integer, stats.min, stats.max);
    p.histogram = Some(histogram(&values, stats.min, stats.max, integer));
    let ones = values.iter().filter(|v| **v == 1.0).count();
    numeric_kind(p, &stats, values.len(), ones, integer);
    p.stats = Some(stats);
}

fn profile_date(col: &Column, p: &mut ColumnProfile) {
    p.kind = ColumnKind::Date;
    let Ok(days) = col.cast(&DataType::Date) else {
        return;
    };
    let Ok(phys) = days.cast(&DataType::Int32) else {
        return;
    };
    let values = numeric_values(&phys);
    let mut sorted = values.clone();
    if let Some(stats) = summarize(&mut sorted) {
        p.unique = count_distinct_f64(&values, true, stats.min, stats.max);
        p.histogram = Some(histogram(&values, stats.min, stats.max, false));
        p.date_range = Some((day_string(stats.min), day_string(stats.max)));
        p.stats = Some(stats);
    }
}

/// "2024-01-31" for a day number counted from 1970-01-01.
pub fn day_string(days: f64) -> String {
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    epoch
        .checked_add_signed(chrono::Duration::days(days.round() as i64))
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

fn profile_strings(col: &Column, present: usize, p: &mut ColumnProfile) {
    let Ok(ca) = col.str() else {
        return;
    };
    let mut total_len = 0usize;
    // Ids are often sorted: strictly increasing values are all distinct, no hashing needed.
    let mut prev: Option<&str> = None;
    let increasing = ca.iter().flatten().all(|v| {
        total_len += v.len();
        let ok = prev.is_none_or(|p| p < v);
        prev = Some(v);
        ok
    });
    let mut top: ValueCounts<'_> = if increasing {
        p.unique = present;
        ca.iter()
            .flatten()
            .take(TOP_N)
            .map(|v| (Cow::Borrowed(v), 1))
            .collect()
    } else if let Some((counted, len)) = count_short_values(ca) {
        total_len = len;
        p.unique = counted.len();
        counted
    } else {
        total_len = 0;
        let mut counts: PlHashMap<&str, usize> = PlHashMap::with_capacity(256);
        for v in ca.iter().flatten() {
            total_len += v.len();
            *counts.entry(v).or_insert(0) += 1;
        }
        p.unique = counts.len();
        counts
            .into_iter()
            .map(|(v, c)| (Cow::Borrowed(v), c))
            .collect()
    };
    let keep = TOP_N.min(top.len());
    if keep > 0 && keep < top.len() {
        top.select_nth_unstable_by(keep - 1, |a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        top.truncate(keep);
    }
    top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    p.top = top
        .into_iter()
        .map(|(v, count)| CategoryCount {
            value: v.into_owned(),
            count,
        })
        .collect();
    let avg_len = if present > 0 {
        total_len as f64 / present as f64
    } else {
        0.0
    };
    p.kind = if present == 0 {
        // nothing but missing values
        ColumnKind::Text
    } else if p.unique <= 2 && is_boolean_pair(&p.top) {
        ColumnKind::Boolean
    } else if p.unique == present
        && present >= 2
        && avg_len <= 40.0
        && (present >= 20 || is_id_name(&p.name))
    {
        ColumnKind::Id
    } else if p.unique <= categorical_limit(present) && avg_len <= 40.0 {
        ColumnKind::Categorical
    } else {
        ColumnKind::Text
    };
}

/// Values with how often each occurs.
type ValueCounts<'a> = Vec<(Cow<'a, str>, usize)>;

/// Distinct values and their counts when no value is missing and every value is at most 12
/// bytes long. Such values are stored whole in polars' 16-byte string views, so the view
/// itself is the key: no string is read or hashed byte by byte. Returns the counts and the
/// total length in bytes.
fn count_short_values(ca: &StringChunked) -> Option<(ValueCounts<'static>, usize)> {
    if ca.null_count() > 0 || cfg!(target_endian = "big") {
        return None;
    }
    // A few distinct values (the usual case) are counted in a short list; past 16 distinct
    // values the counting moves to a hash map.
    let mut few: Vec<(u128, usize)> = Vec::with_capacity(16);
    let mut many: Option<PlHashMap<u128, usize>> = None;
    let mut total_len = 0usize;
    for arr in ca.downcast_iter() {
        for v in arr.views().iter() {
            if v.length > 12 {
                return None;
            }
            total_len += v.length as usize;
            let key = v.as_u128();
            if let Some(map) = many.as_mut() {
                *map.entry(key).or_insert(0) += 1;
            } else if let Some(slot) = few.iter_mut().find(|(k, _)| *k == key) {
                slot.1 += 1;
            } else if few.len() < 16 {
                few.push((key, 1));
            } else {
                let mut map: PlHashMap<u128, usize> = few.drain(..).collect();
                map.insert(key, 1);
                many = Some(map);
            }
        }
    }
    let counted: Vec<(u128, usize)> = match many {
        Some(map) => map.into_iter().collect(),
        None => few,
    };
    let values = counted
        .into_iter()
        .map(|(key, count)| {
            // layout: length (4 bytes), then the value's bytes, zero-padded
            let bytes = key.to_le_bytes();
            let len = (bytes[0] as usize).min(12);
            let text = String::from_utf8_lossy(&bytes[4..4 + len]).into_owned();
            (Cow::Owned(text), count)
        })
        .collect();
    Some((values, total_len))
}

/// Most distinct labels a column may have and still count as categorical.
fn categorical_limit(present: usize) -> usize {
    (present / 20).clamp(20, 200)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_odd_and_even() {
        assert_eq!(median_in_place(&mut [3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median_in_place(&mut [4.0, 1.0, 3.0, 2.0]), 2.5);
    }

    #[test]
    fn histogram_counts_every_value_once() {
        let v = [0.0, 0.5, 1.0, 9.99, 10.0];
        let h = histogram(&v, 0.0, 10.0, false);
        assert_eq!(h.counts.iter().sum::<u64>(), 5);
        assert_eq!(h.counts.len(), HISTOGRAM_BINS);
        assert_eq!(h.counts[HISTOGRAM_BINS - 1], 2);
        let h = histogram(&[1.0, 2.0, 2.0, 3.0], 1.0, 3.0, true);
        assert_eq!(h.counts, vec![1, 2, 1]);
    }

    #[test]
    fn integer_counting_path_matches_the_general_path() {
        // a deterministic spread of integers with gaps, repeats and missing values
        let values: Vec<Option<i64>> = (0..1001i64)
            .map(|i| (i % 17 != 0).then_some((i * 7919) % 263 - 40))
            .collect();
        let ints = Column::new("v".into(), values.clone());
        let floats = Column::new(
            "v".into(),
            values
                .iter()
                .map(|v| v.map(|x| x as f64))
                .collect::<Vec<_>>(),
        );
        let a = profile_column(&ints, values.len());
        let b = profile_column(&floats, values.len());
        let (sa, sb) = (a.stats.expect("stats"), b.stats.expect("stats"));
        assert_eq!((sa.min, sa.max, sa.median), (sb.min, sb.max, sb.median));
        assert!((sa.mean - sb.mean).abs() < 1e-9 && (sa.std - sb.std).abs() < 1e-9);
        assert_eq!((a.missing, a.unique), (b.missing, b.unique));
        let total: u64 = a.histogram.expect("hist").counts.iter().sum();
        assert_eq!(total as usize, values.len() - a.missing);
    }

    #[test]
    fn sorted_ids_and_unsorted_strings_count_the_same() {
        let ids: Vec<String> = (0..100).map(|i| format!("C{i:04}")).collect();
        let sorted = profile_column(&Column::new("id".into(), ids.clone()), 100);
        let mut shuffled = ids.clone();
        shuffled.swap(3, 70);
        let unsorted = profile_column(&Column::new("id".into(), shuffled), 100);
        assert_eq!(sorted.unique, 100);
        assert_eq!(unsorted.unique, 100);
        assert_eq!(
            (sorted.kind, unsorted.kind),
            (ColumnKind::Id, ColumnKind::Id)
        );
    }

    #[test]
    fn yes_no_strings_are_boolean() {
        let s = Column::new("churn".into(), ["yes", "no", "no", "yes", "no"]);
        let p = profile_column(&s, 5);
        assert_eq!(p.kind, ColumnKind::Boolean);
        assert_eq!(p.top[0].value, "no");
        assert_eq!(p.top[0].count, 3);
    }
}
