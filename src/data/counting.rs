//! Exact profiles of numeric columns by counting instead of sorting: integers, and floats
//! with at most two decimals (money), within a range of a few million steps.

use polars::polars_utils::index::NullCount;
use polars::prelude::*;

use super::ColumnKind;
use super::profile::{CategoryCount, ColumnProfile, NumericStats, histogram};
use super::roles::is_id_name;

/// Boolean for 0/1 columns, id for unique integer counters, numeric otherwise.
pub(crate) fn numeric_kind(
    p: &mut ColumnProfile,
    stats: &NumericStats,
    n: usize,
    ones: usize,
    integer: bool,
) {
    p.kind = ColumnKind::Numeric;
    if p.unique == 2 && stats.min == 0.0 && stats.max == 1.0 {
        p.kind = ColumnKind::Boolean;
        p.top = vec![
            CategoryCount {
                value: "1".to_owned(),
                count: ones,
            },
            CategoryCount {
                value: "0".to_owned(),
                count: n - ones,
            },
        ];
        p.top.sort_by_key(|c| std::cmp::Reverse(c.count));
    } else if integer
        && p.unique == n
        && n >= 2
        && (is_id_name(&p.name) || stats.max - stats.min + 1.0 == n as f64 && n >= 20)
    {
        p.kind = ColumnKind::Id;
    }
}

/// Values that are k / scale for integers k within a range of four million: integers
/// (scale 1) and floats with at most two decimals, such as money (scale 100), when every
/// value converts back exactly. One counting pass gives the distinct count, the exact median
/// and the histogram without sorting or hashing. `None` when the values do not fit; the
/// general path handles them.
pub(crate) fn profile_by_counting(
    col: &Column,
    integer: bool,
    rows: usize,
    p: &mut ColumnProfile,
) -> Option<()> {
    const MAX_RANGE: i64 = 4_000_000;
    let (scale, cast) = if integer {
        (1.0, col.cast(&DataType::Int64).ok()?)
    } else {
        (100.0, col.cast(&DataType::Float64).ok()?)
    };
    let (min, max) = if integer {
        let ca = cast.i64().ok()?;
        (ca.min()?, ca.max()?)
    } else {
        let ca = cast.f64().ok()?;
        let (lo, hi) = (ca.min()?, ca.max()?);
        if !(lo.is_finite() && hi.is_finite() && lo.abs() < 1e13 && hi.abs() < 1e13) {
            return None;
        }
        ((lo * 100.0).round() as i64, (hi * 100.0).round() as i64)
    };
    let range = max.checked_sub(min).filter(|r| *r < MAX_RANGE)?;
    let range = usize::try_from(range).ok()?;
    let mut counts = vec![0u32; range + 1];
    let mut sum: i128 = 0;
    let mut n = 0usize;
    if integer {
        for arr in cast.i64().ok()?.downcast_iter() {
            let mut add = |k: i64| {
                counts[(k - min) as usize] += 1;
                sum += i128::from(k);
            };
            if arr.null_count() == 0 {
                arr.values().iter().for_each(|&k| add(k));
            } else {
                arr.iter().flatten().for_each(|&k| add(k));
            }
            n += arr.len() - arr.null_count();
        }
    } else {
        for arr in cast.f64().ok()?.downcast_iter() {
            for v in arr.iter().flatten() {
                let k = (v * 100.0).round();
                // NaN fails this test too
                if k / 100.0 != *v {
                    return None;
                }
                let k = k as i64;
                let slot = counts.get_mut(usize::try_from(k - min).ok()?)?;
                *slot += 1;
                sum += i128::from(k);
                n += 1;
            }
        }
    }
    if n == 0 {
        return None;
    }
    let value = |i: usize| (min + i as i64) as f64 / scale;
    let mean = sum as f64 / scale / n as f64;
    let mut ss = 0.0;
    let mut unique = 0;
    for (i, &c) in counts.iter().enumerate().filter(|(_, c)| **c > 0) {
        unique += 1;
        ss += f64::from(c) * (value(i) - mean) * (value(i) - mean);
    }
    // the k-th smallest value (0-based), by walking the cumulative counts
    let kth = |k: usize| {
        let mut seen = 0usize;
        for (i, &c) in counts.iter().enumerate() {
            seen += c as usize;
            if seen > k {
                return value(i);
            }
        }
        value(range)
    };
    let median = if n % 2 == 1 {
        kth(n / 2)
    } else {
        (kth(n / 2 - 1) + kth(n / 2)) / 2.0
    };
    let stats = NumericStats {
        min: value(0),
        max: value(range),
        mean,
        median,
        std: if n > 1 {
            (ss / (n - 1) as f64).sqrt()
        } else {
            0.0
        },
    };
    let mut hist = histogram(&[], stats.min, stats.max, integer);
    let last = hist.counts.len() - 1;
    for (i, &c) in counts.iter().enumerate().filter(|(_, c)| **c > 0) {
        let bin = (((value(i) - hist.start) / hist.width) as usize).min(last);
        hist.counts[bin] += u64::from(c);
    }
    p.missing = rows - n;
    p.missing_share = p.missing as f64 / rows.max(1) as f64;
    p.unique = unique;
    p.histogram = Some(hist);
    let one = (scale as i64) - min;
    let ones = usize::try_from(one)
        .ok()
        .and_then(|i| counts.get(i))
        .map_or(0, |&c| c as usize);
    numeric_kind(p, &stats, n, ones, integer);
    p.stats = Some(stats);
    Some(())
}
