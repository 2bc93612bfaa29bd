//! Tick values and labels: nice 1-2-5 steps, numbers, percentages, dates and categories.

use chrono::{Datelike, Days, NaiveDate};

use super::text::clean;
use crate::chart::spec::{Axis, AxisKind};

/// "Nice" tick values (1-2-5 steps) inside `[lo, hi]`, at most `max_count` of them (at least
/// 2 asked for), as many as that allows.
pub fn nice_ticks(lo: f64, hi: f64, max_count: usize) -> Vec<f64> {
    nice_ticks_step(lo, hi, max_count).0
}

fn nice_ticks_step(lo: f64, hi: f64, max_count: usize) -> (Vec<f64>, f64) {
    if !lo.is_finite() || !hi.is_finite() || hi <= lo {
        return (Vec::new(), 1.0);
    }
    let max_count = max_count.max(2) as f64;
    let raw = (hi - lo) / max_count;
    let mut mag = 10f64.powf(raw.log10().floor());
    for _ in 0..40 {
        for m in [1.0, 2.0, 5.0] {
            let step = m * mag;
            let a = (lo / step - 1e-9).ceil();
            let b = (hi / step + 1e-9).floor();
            if b - a + 1.0 <= max_count {
                let d = decimals(step);
                let p = 10f64.powi(d as i32);
                let ticks = (0..=((b - a).max(-1.0) as i64))
                    .map(|i| {
                        let v = (a + i as f64) * step;
                        let v = if d <= 12 { (v * p).round() / p } else { v };
                        if v == 0.0 { 0.0 } else { v }
                    })
                    .collect();
                return (ticks, step);
            }
        }
        mag *= 10.0;
    }
    (vec![lo, hi], hi - lo)
}

/// Decimals needed to show multiples of `step` (a 1-2-5 step).
fn decimals(step: f64) -> usize {
    if !(step.is_finite() && step > 0.0) {
        return 0;
    }
    (-(step.log10() + 1e-9).floor()).clamp(0.0, 15.0) as usize
}

/// `v` with `d` decimals and thousands separators ("1,234.5"); never "-0".
pub fn format_fixed(v: f64, d: usize) -> String {
    let s = format!("{:.d$}", v.abs());
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s.as_str(), None),
    };
    let grouped = match int.parse::<usize>() {
        Ok(n) => crate::cli::thousands(n),
        Err(_) => int.to_owned(),
    };
    let zero = s.bytes().all(|b| b == b'0' || b == b'.');
    let mut out = String::new();
    if v < 0.0 && !zero {
        out.push('-');
    }
    out.push_str(&grouped);
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

/// Labels for number ticks with step `step`: "1,200", "0.25", "1.5M", "2B".
fn number_labels(ticks: &[f64], step: f64) -> Vec<String> {
    let amax = ticks.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let (div, suffix) = if amax >= 1e9 && step >= 1e7 {
        (1e9, "B")
    } else if amax >= 1e6 && step >= 1e4 {
        (1e6, "M")
    } else {
        (1.0, "")
    };
    let d = decimals(step / div);
    ticks
        .iter()
        .map(|&v| {
            if v == 0.0 {
                "0".to_owned()
            } else {
                format!("{}{suffix}", format_fixed(v / div, d))
            }
        })
        .collect()
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn epoch() -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(1970, 1, 1)
}

/// Days since 1970-01-01 to a date.
pub fn date_of(days: f64) -> Option<NaiveDate> {
    if !days.is_finite() || days.abs() > 1e8 {
        return None;
    }
    let d = days.floor() as i64;
    let e = epoch()?;
    if d >= 0 {
        e.checked_add_days(Days::new(d as u64))
    } else {
        e.checked_sub_days(Days::new(d.unsigned_abs()))
    }
}

fn days_of(date: NaiveDate) -> Option<f64> {
    Some(date.signed_duration_since(epoch()?).num_days() as f64)
}

/// Date ticks: days or weeks ("2024-03-15") for spans up to ~2.5 months, months
/// ("Mar 2024") up to ~4 years, else years ("2024").
fn date_ticks(lo: f64, hi: f64, max_count: usize) -> Option<Vec<(f64, String)>> {
    let (dlo, dhi) = (date_of(lo)?, date_of(hi)?);
    let span = hi - lo;
    let max_count = max_count.max(2);
    if span <= 75.0 {
        for step in [1i64, 2, 7, 14] {
            let offset = if step >= 7 { 4 } else { 0 }; // 1970-01-05 was a Monday
            let first = lo.ceil() as i64;
            let last = hi.floor() as i64;
            let ticks: Vec<i64> = (first..=last)
                .filter(|d| (d - offset).rem_euclid(step) == 0)
                .collect();
            if ticks.len() <= max_count {
                return Some(
                    ticks
                        .into_iter()
                        .filter_map(|d| {
                            let date = date_of(d as f64)?;
                            let label =
                                format!("{:04}-{:02}-{:02}", date.year(), date.month(), date.day());
                            Some((d as f64, label))
                        })
                        .collect(),
                );
            }
        }
    }
    let month_index = |d: NaiveDate| d.year() as i64 * 12 + d.month0() as i64;
    if span <= 4.0 * 366.0 {
        let (m0, m1) = (month_index(dlo), month_index(dhi));
        for step in [1i64, 2, 3, 6] {
            let ticks: Vec<(f64, String)> = (m0..=m1)
                .filter(|m| m.rem_euclid(step) == 0)
                .filter_map(|m| {
                    let (y, mo) = (m.div_euclid(12), m.rem_euclid(12));
                    let date = NaiveDate::from_ymd_opt(y as i32, mo as u32 + 1, 1)?;
                    let d = days_of(date)?;
                    (lo..=hi)
                        .contains(&d)
                        .then(|| (d, format!("{} {y}", MONTHS[mo as usize])))
                })
                .collect();
            if ticks.len() <= max_count && ticks.len() >= 2 {
                return Some(ticks);
            }
        }
    }
    let (y0, y1) = (dlo.year() as i64, dhi.year() as i64);
    let mut step = 1i64;
    loop {
        let years: Vec<i64> = (y0..=y1).filter(|y| y.rem_euclid(step) == 0).collect();
        let fits = years.len() <= max_count || step > 1_000_000;
        if fits {
            return Some(
                years
                    .into_iter()
                    .filter_map(|y| {
                        let d = days_of(NaiveDate::from_ymd_opt(y as i32, 1, 1)?)?;
                        (lo..=hi).contains(&d).then(|| (d, y.to_string()))
                    })
                    .collect(),
            );
        }
        step = match step.to_string().as_bytes().first() {
            Some(b'1') => step * 2,
            Some(b'2') => step / 2 * 5,
            _ => step * 2,
        };
    }
}

/// Tick values and labels for `axis` over `[lo, hi]`, at most about `max_count` of them (all
/// categories for a category axis: one label per integer position inside the range).
pub fn ticks(axis: &Axis, lo: f64, hi: f64, max_count: usize) -> Vec<(f64, String)> {
    match &axis.kind {
        AxisKind::Category(names) => {
            if !(lo.is_finite() && hi.is_finite()) {
                return Vec::new();
            }
            let first = lo.ceil().max(0.0) as usize;
            let last = hi.floor().min(names.len() as f64 - 1.0);
            if last < first as f64 {
                return Vec::new();
            }
            (first..=last as usize)
                .map(|i| (i as f64, clean(&names[i])))
                .collect()
        }
        AxisKind::Percent => {
            let (t, step) = nice_ticks_step(lo, hi, max_count);
            let d = decimals(step * 100.0);
            t.iter()
                .map(|&v| (v, format!("{} %", format_fixed(v * 100.0, d))))
                .collect()
        }
        AxisKind::Date => match date_ticks(lo, hi, max_count) {
            Some(t) => t,
            None => number_ticks(lo, hi, max_count),
        },
        AxisKind::Number => number_ticks(lo, hi, max_count),
    }
}

fn number_ticks(lo: f64, hi: f64, max_count: usize) -> Vec<(f64, String)> {
    let (t, step) = nice_ticks_step(lo, hi, max_count);
    let labels = number_labels(&t, step);
    t.into_iter().zip(labels).collect()
}
