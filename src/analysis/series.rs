//! Turning rows with a date and a value into a regular time series: one value per period (day,
//! week, month, quarter, year), with duplicates aggregated, gaps filled, and helpers that guess
//! the period from the spacing of the dates and the season length from the values.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;

/// More periods than this is refused: a chart or a model cannot use them, and it is nearly
/// always a wrong period (daily over centuries) or a typo in a year.
const MAX_PERIODS: usize = 100_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Period {
    Day,
    Week,
    Month,
    Quarter,
    Year,
}

impl Period {
    pub const ALL: [Period; 5] = [
        Self::Day,
        Self::Week,
        Self::Month,
        Self::Quarter,
        Self::Year,
    ];

    /// Label, plural and adverb.
    fn names(self) -> [&'static str; 3] {
        match self {
            Period::Day => ["day", "days", "daily"],
            Period::Week => ["week", "weeks", "weekly"],
            Period::Month => ["month", "months", "monthly"],
            Period::Quarter => ["quarter", "quarters", "quarterly"],
            Period::Year => ["year", "years", "yearly"],
        }
    }

    pub fn label(self) -> &'static str {
        self.names()[0]
    }

    pub fn plural(self) -> &'static str {
        self.names()[1]
    }

    /// Accepts the label, the plural or the adverb ("daily", …, "yearly" or "annual"), ignoring
    /// case and surrounding spaces.
    pub fn parse(s: &str) -> Option<Period> {
        let s = s.trim().to_ascii_lowercase();
        if s == "annual" {
            return Some(Period::Year);
        }
        Period::ALL
            .into_iter()
            .find(|p| p.names().contains(&s.as_str()))
    }

    /// Periods in one season when nothing better is known; 1 means no season.
    pub fn default_season(self) -> usize {
        match self {
            Period::Day => 7,
            Period::Week => 52,
            Period::Month => 12,
            Period::Quarter => 4,
            Period::Year => 1,
        }
    }

    /// The number of the period containing `d`, counted arithmetically (no lookups), so that
    /// consecutive periods have consecutive numbers.
    fn index(self, d: NaiveDate) -> i64 {
        let year = i64::from(d.year());
        let month0 = i64::from(d.month0());
        match self {
            Period::Day => i64::from(d.num_days_from_ce()),
            // Day 1 of the common era (0001-01-01) is a Monday, so weeks start on Mondays.
            Period::Week => (i64::from(d.num_days_from_ce()) - 1).div_euclid(7),
            Period::Month => year * 12 + month0,
            Period::Quarter => year * 4 + month0 / 3,
            Period::Year => year,
        }
    }

    /// The first day of period number `index`, or None outside chrono's range of dates.
    fn start_of_index(self, index: i64) -> Option<NaiveDate> {
        let ymd = |year: i64, month: i64| {
            NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, u32::try_from(month).ok()?, 1)
        };
        match self {
            Period::Day => NaiveDate::from_num_days_from_ce_opt(i32::try_from(index).ok()?),
            Period::Week => {
                let day = index.checked_mul(7)?.checked_add(1)?;
                NaiveDate::from_num_days_from_ce_opt(i32::try_from(day).ok()?)
            }
            Period::Month => ymd(index.div_euclid(12), index.rem_euclid(12) + 1),
            Period::Quarter => ymd(index.div_euclid(4), index.rem_euclid(4) * 3 + 1),
            Period::Year => ymd(index, 1),
        }
    }

    /// The first day of the period containing `d` (weeks start on Monday, as in ISO 8601).
    pub fn start_of(self, d: NaiveDate) -> NaiveDate {
        // Only the week of chrono's very first date can start before it.
        self.start_of_index(self.index(d)).unwrap_or(d)
    }

    /// The start of the period `n` periods after the one containing `start` (`n` may be
    /// negative). Never panics: past the range of dates it returns `start` unchanged.
    pub fn step(self, start: NaiveDate, n: i64) -> NaiveDate {
        self.index(start)
            .checked_add(n)
            .and_then(|i| self.start_of_index(i))
            .unwrap_or(start)
    }

    /// The period containing `start` as shown on chart axes and in tables: day "2024-01-31",
    /// week "2024-01-29" (its Monday), month "2024-01", quarter "2024 Q1", year "2024".
    pub fn format(self, start: NaiveDate) -> String {
        let d = self.start_of(start);
        let (y, m) = (d.year(), d.month());
        match self {
            Period::Day | Period::Week => format!("{y:04}-{m:02}-{:02}", d.day()),
            Period::Month => format!("{y:04}-{m:02}"),
            Period::Quarter => format!("{y:04} Q{}", d.month0() / 3 + 1),
            Period::Year => format!("{y:04}"),
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// `ALL`, `label` and `parse` (the label, ignoring case and surrounding spaces) for a
/// fieldless enum.
macro_rules! labelled {
    ($ty:ident, $n:literal, { $($variant:ident => $label:literal),+ }) => {
        impl $ty {
            pub const ALL: [$ty; $n] = [$($ty::$variant),+];

            pub fn label(self) -> &'static str {
                match self {
                    $($ty::$variant => $label),+
                }
            }

            pub fn parse(s: &str) -> Option<$ty> {
                let s = s.trim();
                $ty::ALL.into_iter().find(|v| v.label().eq_ignore_ascii_case(s))
            }
        }
    };
}

/// How the rows of one period become its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Aggregate {
    #[default]
    Sum,
    Count,
    Mean,
}

labelled!(Aggregate, 3, { Sum => "sum", Count => "count", Mean => "mean" });

/// How periods without rows, between the first and the last period with rows, get a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Fill {
    #[default]
    Interpolate,
    Zero,
}

labelled!(Fill, 2, { Interpolate => "interpolate", Zero => "zero" });

/// A regular series: one value per period, from `start`, no gaps.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub period: Period,
    /// Start of the first period.
    pub start: NaiveDate,
    pub values: Vec<f64>,
    /// True where the period had no usable rows and the value was filled.
    pub filled: Vec<bool>,
    /// Rows with both a date and a value (for Count: rows with a date).
    pub rows_used: usize,
    /// Rows missing a date, or a value (except Count), or with a non-finite value (except Count).
    pub rows_skipped: usize,
    /// Periods that had more than one row (aggregated).
    pub multi_row_periods: usize,
}

impl Series {
    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Start of period `i`; `i` may be past the end (future periods, for forecasts). Past the
    /// range of dates it returns `start`, like [`Period::step`].
    pub fn date(&self, i: usize) -> NaiveDate {
        let n = i64::try_from(i).unwrap_or(i64::MAX);
        self.period.step(self.start, n)
    }

    pub fn dates(&self) -> Vec<NaiveDate> {
        (0..self.len()).map(|i| self.date(i)).collect()
    }

    /// Number of filled periods.
    pub fn gaps(&self) -> usize {
        self.filled.iter().filter(|&&f| f).count()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum SeriesError {
    /// No row has both a date and a value (for Count: no row has a date).
    NoRows,
    /// Every usable row falls into a single period.
    OnePeriod { period: Period },
    /// The rows span more than 100,000 periods.
    TooManyPeriods { periods: usize, period: Period },
}

impl fmt::Display for SeriesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Shorter and longer periods to suggest.
        let hints = |period: &Period| match period {
            Period::Day => ("", "week or month"),
            Period::Week => ("day", "month or quarter"),
            Period::Month => ("week or day", "quarter or year"),
            Period::Quarter => ("month or week", "year"),
            Period::Year => ("quarter or month", ""),
        };
        match self {
            SeriesError::NoRows => f.write_str("no row has both a date and a number to chart"),
            SeriesError::OnePeriod {
                period: Period::Day,
            } => f.write_str("every row falls on the same day: a timeline needs two dates or more"),
            SeriesError::OnePeriod { period } => {
                let shorter = hints(period).0;
                write!(
                    f,
                    "every row falls in the same {period}: pick a shorter period ({shorter})"
                )
            }
            SeriesError::TooManyPeriods { periods, period } => {
                let unit = period.plural();
                write!(
                    f,
                    "the dates span {periods} {unit}, more than the {MAX_PERIODS} a timeline can hold: "
                )?;
                match hints(period).1 {
                    "" => f.write_str("check the dates for mistyped years"),
                    longer => write!(f, "pick a longer period ({longer})"),
                }
            }
        }
    }
}

impl std::error::Error for SeriesError {}

/// The period that fits the spacing of the dates, from the median gap in days between
/// consecutive distinct dates: up to 1.5 → Day, 10 → Week, 45 → Month, 120 → Quarter, beyond →
/// Year. Fewer than 2 distinct dates → Day.
pub fn detect_period(dates: &[NaiveDate]) -> Period {
    let mut days: Vec<i32> = dates.iter().map(|d| d.num_days_from_ce()).collect();
    days.sort_unstable();
    days.dedup();
    let mut gaps: Vec<i32> = days.windows(2).map(|w| w[1] - w[0]).collect();
    gaps.sort_unstable();
    // Twice the median: the two middle gaps, or the middle one twice.
    let twice = match gaps.len() {
        0 => return Period::Day,
        n => gaps[(n - 1) / 2] + gaps[n / 2],
    };
    match twice {
        ..=3 => Period::Day,
        4..=20 => Period::Week,
        21..=90 => Period::Month,
        91..=240 => Period::Quarter,
        _ => Period::Year,
    }
}

/// Group rows into periods: `dates[i]` and `values[i]` describe row i (None = missing; a slice
/// shorter than the other counts as missing for the rows past its end, so Count may pass no
/// values at all).
///
/// Sum and Mean use the rows with a date and a finite value; Count counts the rows with a date,
/// whatever their value. Periods between the first and the last with rows that have no rows are
/// filled as asked: Zero → 0, Interpolate → on the straight line between the neighbouring
/// periods with rows. Runs in two linear passes over the rows and one over the periods.
pub fn aggregate(
    dates: &[Option<NaiveDate>],
    values: &[Option<f64>],
    period: Period,
    agg: Aggregate,
    fill: Fill,
) -> Result<Series, SeriesError> {
    let n = dates.len().max(values.len());
    // The date and value of row i, if it is usable.
    let row = |i: usize| -> Option<(NaiveDate, f64)> {
        let date = dates.get(i).copied().flatten()?;
        match agg {
            Aggregate::Count => Some((date, 1.0)),
            Aggregate::Sum | Aggregate::Mean => {
                let value = values.get(i).copied().flatten()?;
                value.is_finite().then_some((date, value))
            }
        }
    };

    // Dates compare cheaply; the period numbers are computed once per row, below.
    let (mut first, mut last, mut used) = (NaiveDate::MAX, NaiveDate::MIN, 0usize);
    for (date, _) in (0..n).filter_map(row) {
        first = first.min(date);
        last = last.max(date);
        used += 1;
    }
    if used == 0 {
        return Err(SeriesError::NoRows);
    }
    let (lo, hi) = (period.index(first), period.index(last));
    if lo == hi {
        return Err(SeriesError::OnePeriod { period });
    }
    // Period numbers are within a few million of zero, so the span cannot overflow.
    let periods = usize::try_from(hi - lo + 1).unwrap_or(usize::MAX);
    if periods > MAX_PERIODS {
        return Err(SeriesError::TooManyPeriods { periods, period });
    }

    let mut sums = vec![0.0f64; periods];
    let mut counts = vec![0usize; periods];
    for (date, value) in (0..n).filter_map(row) {
        // In 0..periods, as lo and hi are the numbers of the first and last dates.
        let k = (period.index(date) - lo) as usize;
        sums[k] += value;
        counts[k] += 1;
    }

    let filled: Vec<bool> = counts.iter().map(|&c| c == 0).collect();
    let mut out: Vec<f64> = sums
        .iter()
        .zip(&counts)
        .map(|(&s, &c)| match agg {
            Aggregate::Mean if c > 0 => s / c as f64,
            _ => s,
        })
        .collect();
    if fill == Fill::Interpolate {
        interpolate(&mut out, &filled);
    }

    // Only the week of chrono's first date starts before it.
    let start = period.start_of_index(lo).unwrap_or(NaiveDate::MIN);
    Ok(Series {
        period,
        start,
        values: out,
        filled,
        rows_used: used,
        rows_skipped: n - used,
        multi_row_periods: counts.iter().filter(|&&c| c > 1).count(),
    })
}

/// Replace each run of filled values by the straight line between the observed values on either
/// side. The first and last values are observed (the series spans the observed periods).
fn interpolate(values: &mut [f64], filled: &[bool]) {
    let mut last: Option<usize> = None;
    for i in 0..values.len() {
        if filled[i] {
            continue;
        }
        if let Some(a) = last.filter(|&a| i > a + 1) {
            let (va, vb) = (values[a], values[i]);
            let width = (i - a) as f64;
            for (j, v) in values.iter_mut().enumerate().take(i).skip(a + 1) {
                *v = va + (vb - va) * (j - a) as f64 / width;
            }
        }
        last = Some(i);
    }
}

/// Season lengths worth trying for each period, longest first.
const fn season_candidates(period: Period) -> &'static [usize] {
    match period {
        Period::Day => &[7],
        Period::Week => &[52, 13, 4],
        Period::Month => &[12, 6, 4, 3],
        Period::Quarter => &[4, 2],
        Period::Year => &[],
    }
}

/// The season length that fits the series (1 = no season).
///
/// The rule: difference the series once (removing a trend, which would otherwise make every lag
/// look correlated), then score the candidates for the period (day: 7; week: 52, 13, 4; month:
/// 12, 6, 4, 3; quarter: 4, 2; year: none) that the series covers at least twice
/// (`values.len() >= 2 * lag`) by the autocorrelation of the differences. A score counts when
/// it is above 0.2 and above 2/√n (the 95 % band of noise, so short noisy series do not invent
/// a season). The calendar season (`period.default_season()`: 12 for months) wins whenever it
/// counts, since a pattern that repeats every 3 months repeats every 12 too; otherwise the
/// highest-scoring candidate that counts (ties go to the longer season); otherwise the calendar
/// season if the series covers it twice, else 1.
pub fn detect_season(values: &[f64], period: Period) -> usize {
    let covers = |lag: usize| lag > 1 && values.len() >= 2 * lag;
    let diffs: Vec<f64> = values.windows(2).map(|w| w[1] - w[0]).collect();
    let threshold = 0.2_f64.max(2.0 / (diffs.len().max(1) as f64).sqrt());
    let mut best: Option<(usize, f64)> = None;
    for &lag in season_candidates(period).iter().filter(|&&l| covers(l)) {
        let r = autocorrelation(&diffs, lag);
        if r > threshold && lag == period.default_season() {
            return lag;
        }
        if r > threshold && best.is_none_or(|(_, b)| r > b) {
            best = Some((lag, r));
        }
    }
    match best {
        Some((lag, _)) => lag,
        None if covers(period.default_season()) => period.default_season(),
        None => 1,
    }
}

/// Autocorrelation of `x` at `lag`; 0 when undefined (constant or too short), NaN stays NaN.
fn autocorrelation(x: &[f64], lag: usize) -> f64 {
    if lag == 0 || x.len() <= lag {
        return 0.0;
    }
    let mean = x.iter().sum::<f64>() / x.len() as f64;
    let total: f64 = x.iter().map(|v| (v - mean).powi(2)).sum();
    let scale: f64 = x.iter().map(|v| v * v).sum();
    if total <= 1e-12 * scale {
        return 0.0;
    }
    let cross = x
        .iter()
        .zip(&x[lag..])
        .map(|(a, b)| (a - mean) * (b - mean));
    cross.sum::<f64>() / total
}

#[cfg(test)]
mod tests;
