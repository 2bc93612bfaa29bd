//! From a table to a regular series: read the date and value columns (with a message that
//! names the problem when they are not dates or numbers), group the rows by period, and
//! choose the season, holdout and horizon when the user left them open.

use chrono::{DateTime, NaiveDate};
use polars::prelude::*;

use super::series::{self, Aggregate, Fill, Period, Series};
use crate::data::clean::date_formats_of;

/// Which columns make the series and how rows are grouped.
#[derive(Clone, Debug, PartialEq)]
pub struct SeriesSpec {
    pub date: String,
    /// The column to add up or average; `None` counts rows (orders per month).
    pub value: Option<String>,
    /// `None`: detected from the spacing of the dates.
    pub period: Option<Period>,
    pub aggregate: Aggregate,
    pub fill: Fill,
}

/// A problem with the input, in words for the marketer. The file name is added by the
/// caller (CLI: "sales.csv: …"; window: the banner names the file).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum InputError {
    #[error("there is no column \u{201c}{0}\u{201d}")]
    MissingColumn(String),
    #[error(
        "\u{201c}{column}\u{201d} is not a date column: row {row} holds \u{201c}{example}\u{201d}. \
         MarketLens reads dates like 2024-01-31, 2024/01/31, 31/01/2024, 2024-01 and \
         timestamps like 2024-01-31 08:30"
    )]
    NotDates {
        column: String,
        row: usize,
        example: String,
    },
    #[error(
        "\u{201c}{column}\u{201d} mixes date formats: row {first_row} is \u{201c}{first}\u{201d} \
         but row {other_row} is \u{201c}{other}\u{201d}. Write every date the same way"
    )]
    MixedDates {
        column: String,
        first_row: usize,
        first: String,
        other_row: usize,
        other: String,
    },
    #[error(
        "\u{201c}{column}\u{201d} is not numeric: row {row} holds \u{201c}{example}\u{201d}. \
         Pick a column of amounts, or count rows instead"
    )]
    NotNumeric {
        column: String,
        row: usize,
        example: String,
    },
    #[error("\u{201c}{column}\u{201d} by {period}: {source}")]
    Series {
        column: String,
        period: &'static str,
        source: series::SeriesError,
    },
    /// Infinite values, or values too large to compute with (see
    /// [`crate::data::prep::LARGEST_VALUE`]).
    #[error(
        "{}. Fix or remove those rows, or choose another column",
        crate::data::prep::not_ordinary_words(.column, *.count)
    )]
    NotOrdinary { column: String, count: usize },
    #[error(
        "\u{201c}{0}\u{201d} is zero in every period: there is nothing to forecast. Check the \
         value column, or count rows instead"
    )]
    AllZero(String),
}

/// Dates of a column, one per row (`None` where missing).
pub fn read_dates(df: &DataFrame, column: &str) -> Result<Vec<Option<NaiveDate>>, InputError> {
    let col = df
        .column(column)
        .map_err(|_| InputError::MissingColumn(column.to_owned()))?;
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    let unreadable = |_| InputError::MissingColumn(column.to_owned());
    match col.dtype() {
        DataType::Date => {
            let days = col.cast(&DataType::Int32).map_err(unreadable)?;
            let days = days.i32().map_err(unreadable)?.clone();
            Ok(days
                .iter()
                .map(|d| d.and_then(|d| epoch.checked_add_signed(chrono::Duration::days(d.into()))))
                .collect())
        }
        DataType::Datetime(unit, _) => {
            let per_ms = match unit {
                TimeUnit::Milliseconds => 1,
                TimeUnit::Microseconds => 1_000,
                TimeUnit::Nanoseconds => 1_000_000,
            };
            let raw = col.cast(&DataType::Int64).map_err(unreadable)?;
            let raw = raw.i64().map_err(unreadable)?.clone();
            Ok(raw
                .iter()
                .map(|t| {
                    t.and_then(|t| DateTime::from_timestamp_millis(t.div_euclid(per_ms)))
                        .map(|t| t.date_naive())
                })
                .collect())
        }
        DataType::String => Err(explain_not_dates(col, column)),
        _ => {
            let example = first_value(col).unwrap_or_default();
            Err(InputError::NotDates {
                column: column.to_owned(),
                row: 1,
                example,
            })
        }
    }
}

/// Why a text column was not read as dates: the first value that is no date, or the first
/// two values written in different formats.
fn explain_not_dates(col: &Column, column: &str) -> InputError {
    let Ok(ca) = col.str() else {
        return InputError::MissingColumn(column.to_owned());
    };
    let mut first: Option<(usize, String, Vec<&'static str>)> = None;
    for (i, v) in ca.iter().enumerate() {
        let Some(v) = v else { continue };
        let formats = date_formats_of(v);
        if formats.is_empty() {
            return InputError::NotDates {
                column: column.to_owned(),
                row: i + 1,
                example: v.to_owned(),
            };
        }
        // the formats every value so far fits; the value that leaves none is the culprit
        match &mut first {
            None => first = Some((i, v.to_owned(), formats)),
            Some((row, text, common)) => {
                common.retain(|f| formats.contains(f));
                if common.is_empty() {
                    return InputError::MixedDates {
                        column: column.to_owned(),
                        first_row: *row + 1,
                        first: text.clone(),
                        other_row: i + 1,
                        other: v.to_owned(),
                    };
                }
            }
        }
    }
    InputError::NotDates {
        column: column.to_owned(),
        row: 1,
        example: first_value(col).unwrap_or_default(),
    }
}

fn first_value(col: &Column) -> Option<String> {
    (0..col.len()).find_map(|i| {
        let (text, missing) = crate::data::table::cell_text(col, i);
        (!missing).then_some(text)
    })
}

/// Numbers of a column, one per row (`None` where missing or NaN). Infinite values and values
/// larger than [`crate::data::prep::LARGEST_VALUE`] in size are refused with their count.
pub fn read_values(df: &DataFrame, column: &str) -> Result<Vec<Option<f64>>, InputError> {
    let col = df
        .column(column)
        .map_err(|_| InputError::MissingColumn(column.to_owned()))?;
    // the first value that is there and is no number
    let not_numeric = || {
        let row = (0..col.len())
            .find(|&i| {
                let (text, missing) = crate::data::table::cell_text(col, i);
                !missing && text.trim().parse::<f64>().is_err()
            })
            .unwrap_or(0);
        InputError::NotNumeric {
            column: column.to_owned(),
            row: row + 1,
            example: crate::data::table::cell_text(col, row).0,
        }
    };
    if !col.dtype().is_primitive_numeric() {
        return Err(not_numeric());
    }
    let values = col.cast(&DataType::Float64).map_err(|_| not_numeric())?;
    let values = values.f64().map_err(|_| not_numeric())?;
    let count = values
        .iter()
        .flatten()
        .filter(|v| crate::data::prep::is_not_ordinary(*v))
        .count();
    if count > 0 {
        return Err(InputError::NotOrdinary {
            column: column.to_owned(),
            count,
        });
    }
    Ok(values.iter().map(|v| v.filter(|v| v.is_finite())).collect())
}

/// The dates of the rows, the values and the detected period, before grouping.
pub struct Rows {
    pub dates: Vec<Option<NaiveDate>>,
    pub values: Vec<Option<f64>>,
    pub detected_period: Period,
}

/// Read the two columns and detect the period.
pub fn read_rows(df: &DataFrame, spec: &SeriesSpec) -> Result<Rows, InputError> {
    let dates = read_dates(df, &spec.date)?;
    let values = match &spec.value {
        Some(v) => read_values(df, v)?,
        None => vec![None; dates.len()],
    };
    let present: Vec<NaiveDate> = dates.iter().flatten().copied().collect();
    Ok(Rows {
        detected_period: series::detect_period(&present),
        dates,
        values,
    })
}

/// Group the rows into a regular series.
pub fn build_series(rows: &Rows, spec: &SeriesSpec) -> Result<Series, InputError> {
    let period = spec.period.unwrap_or(rows.detected_period);
    let aggregate = if spec.value.is_none() {
        Aggregate::Count
    } else {
        spec.aggregate
    };
    let label = value_label(spec);
    let s = series::aggregate(&rows.dates, &rows.values, period, aggregate, spec.fill).map_err(
        |source| InputError::Series {
            column: label.clone(),
            period: period.label(),
            source,
        },
    )?;
    if s.values.iter().all(|v| *v == 0.0) {
        return Err(InputError::AllZero(label));
    }
    Ok(s)
}

/// "sales", "mean of price" or "rows" — what the series measures.
pub fn value_label(spec: &SeriesSpec) -> String {
    match (&spec.value, spec.aggregate) {
        (None, _) => "rows".to_owned(),
        (Some(v), Aggregate::Sum) => v.clone(),
        (Some(v), Aggregate::Mean) => format!("average {v}"),
        (Some(v), Aggregate::Count) => format!("rows with {v}"),
    }
}

/// Holdout, horizon and season when the user left them open. The holdout is the last season
/// when there are at least three seasons (two to learn from), otherwise 20 % of the periods;
/// the horizon is one season (or the holdout length for series without a season).
pub fn default_season_holdout_horizon(
    series: &Series,
    season: Option<usize>,
    holdout: Option<usize>,
    horizon: Option<usize>,
) -> (usize, usize, usize) {
    let n = series.len();
    let season = season
        .unwrap_or_else(|| series::detect_season(&series.values, series.period))
        .max(1);
    let holdout = holdout.unwrap_or(if season > 1 && n >= season.saturating_mul(3) {
        season
    } else {
        ((n as f64 * 0.2).round() as usize).max(1)
    });
    let horizon = horizon.unwrap_or(if season > 1 { season } else { holdout.max(1) });
    (season, holdout, horizon)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(dates: &[&str], values: &[Option<f64>]) -> DataFrame {
        let mut df = DataFrame::new(
            dates.len(),
            vec![
                Column::new("date".into(), dates),
                Column::new("sales".into(), values),
            ],
        )
        .expect("frame");
        crate::data::clean::coerce_columns(&mut df).expect("coerce");
        df
    }

    fn spec() -> SeriesSpec {
        SeriesSpec {
            date: "date".into(),
            value: Some("sales".into()),
            period: None,
            aggregate: Aggregate::Sum,
            fill: Fill::Interpolate,
        }
    }

    #[test]
    fn day_first_dates_and_a_gap() {
        let df = frame(
            &["31/01/2024", "29/02/2024", "30/04/2024", "31/05/2024"],
            &[Some(10.0), Some(20.0), Some(40.0), Some(50.0)],
        );
        let rows = read_rows(&df, &spec()).expect("rows");
        assert_eq!(rows.detected_period, Period::Month);
        let s = build_series(&rows, &spec()).expect("series");
        assert_eq!(s.values, vec![10.0, 20.0, 30.0, 40.0, 50.0]);
        assert_eq!(s.gaps(), 1);
        assert_eq!(s.start, NaiveDate::from_ymd_opt(2024, 1, 1).expect("date"));
    }

    #[test]
    fn slashes_year_months_and_timestamps_are_read() {
        let cases: [(&[&str], Period, usize); 3] = [
            (
                &["2024/01/31", "2024/02/29", "2024/03/31"],
                Period::Month,
                3,
            ),
            (
                &["2024-01", "2024-02", "2024-03", "2024-04"],
                Period::Month,
                4,
            ),
            (
                &[
                    "2024-01-31 08:30",
                    "2024-01-31 17:05",
                    "2024-02-01 09:00",
                    "2024-02-02 12:00",
                ],
                Period::Day,
                3,
            ),
        ];
        for (dates, period, periods) in cases {
            let df = frame(dates, &vec![Some(2.0); dates.len()]);
            let rows = read_rows(&df, &spec()).expect("rows");
            assert_eq!(rows.detected_period, period, "{dates:?}");
            let s = build_series(&rows, &spec()).expect("series");
            assert_eq!(s.len(), periods, "{dates:?}");
        }
    }

    #[test]
    fn mixed_formats_are_named() {
        let df = frame(&["2024-01-31", "2024-02-29", "31/03/2024"], &[Some(1.0); 3]);
        let err = read_rows(&df, &spec()).err().expect("error");
        let text = err.to_string();
        assert!(text.contains("mixes date formats"), "{text}");
        assert!(
            text.contains("row 3") && text.contains("31/03/2024"),
            "{text}"
        );
    }

    #[test]
    fn day_first_and_month_first_in_one_column_are_named() {
        // 03/04 fits both readings, 13/04 only day-first, 04/13 only month-first
        let df = frame(&["03/04/2024", "13/04/2024", "04/13/2024"], &[Some(1.0); 3]);
        let text = read_rows(&df, &spec()).err().expect("error").to_string();
        assert!(text.contains("mixes date formats"), "{text}");
        assert!(
            text.contains("row 3") && text.contains("04/13/2024"),
            "{text}"
        );
    }

    #[test]
    fn a_value_that_is_no_date_is_named() {
        let df = frame(&["2024-01-31", "soon", "2024-03-31"], &[Some(1.0); 3]);
        let text = read_rows(&df, &spec()).err().expect("error").to_string();
        assert!(text.contains("row 2") && text.contains("soon"), "{text}");
    }

    #[test]
    fn text_values_and_all_zero_series_are_refused() {
        let mut df = frame(&["2024-01-01", "2024-02-01"], &[Some(0.0), Some(0.0)]);
        let rows = read_rows(&df, &spec()).expect("rows");
        let err = build_series(&rows, &spec()).expect_err("error");
        assert!(matches!(err, InputError::AllZero(_)));
        df.with_column(Column::new("sales".into(), ["12", "lots"]))
            .expect("column");
        let text = read_rows(&df, &spec()).err().expect("error").to_string();
        assert!(
            text.contains("not numeric") && text.contains("lots"),
            "{text}"
        );
    }

    #[test]
    fn infinite_and_huge_values_are_refused_with_their_count() {
        let df = frame(
            &["2024-01-01", "2024-02-01", "2024-03-01", "2024-04-01"],
            &[Some(1.0), Some(f64::INFINITY), Some(-2e150), Some(f64::NAN)],
        );
        let err = read_rows(&df, &spec()).err().expect("refused");
        assert_eq!(
            err,
            InputError::NotOrdinary {
                column: "sales".into(),
                count: 2
            }
        );
        assert_eq!(
            err.to_string(),
            "\u{201c}sales\u{201d} has 2 values that are not ordinary numbers (infinite, or \
             larger than 1e150 in size). Fix or remove those rows, or choose another column"
        );
        // 1e150 itself is an ordinary number; NaN counts as missing
        let df = frame(
            &["2024-01-01", "2024-02-01", "2024-03-01"],
            &[Some(1e150), Some(f64::NAN), Some(-1e150)],
        );
        let rows = read_rows(&df, &spec()).expect("rows");
        assert_eq!(rows.values, vec![Some(1e150), None, Some(-1e150)]);
    }

    #[test]
    fn defaults_hold_out_the_last_season() {
        let s = Series {
            period: Period::Month,
            start: NaiveDate::from_ymd_opt(2017, 1, 1).expect("date"),
            values: (0..96)
                .map(|i| 100.0 + 20.0 * ((i % 12) as f64 - 5.5).abs())
                .collect(),
            filled: vec![false; 96],
            rows_used: 96,
            rows_skipped: 0,
            multi_row_periods: 0,
        };
        assert_eq!(
            default_season_holdout_horizon(&s, None, None, None),
            (12, 12, 12)
        );
        assert_eq!(
            default_season_holdout_horizon(&s, Some(1), None, None),
            (1, 19, 19)
        );
    }
}
