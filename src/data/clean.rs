//! Tidying after parsing: unique, non-blank column names; numbers written with thousands
//! separators ("1,234.50") read as numbers; dates in common non-ISO forms read as dates.

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use polars::prelude::*;

/// Column names from the header: trimmed, blanks named by position, repeats numbered.
/// Returns the names and a notice for each change the user should know about.
pub fn tidy_names(header: &[String]) -> (Vec<String>, Vec<String>) {
    let mut names: Vec<String> = Vec::with_capacity(header.len());
    let mut notices = Vec::new();
    for (i, raw) in header.iter().enumerate() {
        let trimmed = raw.trim();
        let base = if trimmed.is_empty() {
            let n = format!("column_{}", i + 1);
            notices.push(format!(
                "Column {} has no name; it is called \u{201c}{n}\u{201d}.",
                i + 1
            ));
            n
        } else {
            trimmed.to_owned()
        };
        let mut name = base.clone();
        let mut k = 2;
        while names.contains(&name) {
            name = format!("{base} ({k})");
            k += 1;
        }
        if name != base {
            notices.push(format!(
                "The column name \u{201c}{base}\u{201d} appears more than once; column {} is \
                 called \u{201c}{name}\u{201d}.",
                i + 1
            ));
        }
        names.push(name);
    }
    (names, notices)
}

/// Text that means "no value" in any column (an empty field is missing too).
pub const NULL_MARKERS: [&str; 10] = [
    "NA", "N/A", "n/a", "na", "null", "NULL", "Null", "-", "#N/A", "NaN",
];

fn is_null_marker(s: &str) -> bool {
    s.len() <= 4 && NULL_MARKERS.contains(&s)
}

/// Whether any value is a null marker. Markers are at most 4 bytes, so they sit whole in
/// the 16-byte string views: comparing views finds them without reading any string.
fn has_null_marker(ca: &StringChunked) -> bool {
    if cfg!(target_endian = "big") {
        return ca.iter().flatten().any(is_null_marker);
    }
    // an inline view in memory: the length (4 bytes), then the bytes, zero-padded
    let marker_views: Vec<u128> = NULL_MARKERS
        .iter()
        .map(|m| {
            let mut view = [0u8; 16];
            view[..4].copy_from_slice(&(m.len() as u32).to_le_bytes());
            view[4..4 + m.len()].copy_from_slice(m.as_bytes());
            u128::from_le_bytes(view)
        })
        .collect();
    // Markers start with N, n, - or #: most values are ruled out by their length and first
    // byte. Both tests are combined without branching (values of mixed lengths would
    // otherwise make the branch unpredictable and cost more than the test).
    let mut may_start = [false; 256];
    for m in NULL_MARKERS {
        may_start[usize::from(m.as_bytes()[0])] = true;
    }
    ca.downcast_iter().any(|arr| {
        arr.views().iter().any(|v| {
            let candidate = (v.length <= 4) & may_start[(v.prefix & 0xFF) as usize];
            candidate && marker_views.contains(&v.as_u128())
        })
    })
}

/// Convert text columns that are really numbers or dates, and turn null markers ("NA", "-",
/// "N/A" …) into missing values. Returns notices.
pub fn coerce_columns(df: &mut DataFrame) -> PolarsResult<Vec<String>> {
    let mut notices = Vec::new();
    let columns: Vec<Column> = df.columns().to_vec();
    for col in columns {
        let (new, notes) = coerce_column(&col)?;
        notices.extend(notes);
        if let Some(new) = new {
            df.replace(col.name().as_str(), new)?;
        }
    }
    Ok(notices)
}

/// One column of [`coerce_columns`]: the replacement column if it changed, and notices.
pub fn coerce_column(col: &Column) -> PolarsResult<(Option<Column>, Vec<String>)> {
    let mut notices = Vec::new();
    if col.dtype() != &DataType::String {
        return Ok((None, notices));
    }
    let name = col.name().to_string();
    let original = col.str()?.clone();
    let had_markers = has_null_marker(&original);
    let ca = if had_markers {
        original
            .iter()
            .map(|v| v.filter(|s| !is_null_marker(s)))
            .collect::<StringChunked>()
            .with_name(original.name().clone())
    } else {
        original
    };
    let new = if let Some(series) = parse_plain_numbers(&ca) {
        Some(series)
    } else if let Some(numbers) = parse_grouped_numbers(&ca) {
        notices.push(format!(
            "\u{201c}{name}\u{201d} has numbers with thousands separators (like 1,234.5); \
             they were read as numbers."
        ));
        Some(
            Float64Chunked::from_iter_options(name.as_str().into(), numbers.into_iter())
                .into_series(),
        )
    } else if let Some(numbers) = parse_decimal_comma(&ca) {
        notices.push(format!(
            "\u{201c}{name}\u{201d} has numbers with a decimal comma (like 9,5 or 1.234,5); \
             they were read as numbers."
        ));
        Some(
            Float64Chunked::from_iter_options(name.as_str().into(), numbers.into_iter())
                .into_series(),
        )
    } else if let Some((series, format, ambiguous)) = parse_dates(&ca) {
        if ambiguous {
            notices.push(format!(
                "Dates in \u{201c}{name}\u{201d} could be day/month or month/day; they \
                 were read as {format}."
            ));
        }
        Some(series)
    } else if had_markers {
        Some(ca.into_series())
    } else {
        None
    };
    Ok((
        new.map(|s| s.with_name(name.as_str().into()).into_column()),
        notices,
    ))
}

/// A text column whose values are all plain numbers (it was text only because of null
/// markers such as "NA"): whole numbers become integers, others floats.
fn parse_plain_numbers(ca: &StringChunked) -> Option<Series> {
    let first = ca.iter().flatten().next()?;
    first.trim().parse::<f64>().ok()?;
    let series = ca.clone().into_series();
    series
        .strict_cast(&DataType::Int64)
        .or_else(|_| series.strict_cast(&DataType::Float64))
        .ok()
}

/// Parse "1,234", "-12,345.67", "$1,200" … Only when every value fits and at least one has a
/// separator: plain "1,5" is never read as a number (it may be a decimal comma).
fn parse_grouped_numbers(ca: &StringChunked) -> Option<Vec<Option<f64>>> {
    let mut any_grouped = false;
    let mut out = Vec::with_capacity(ca.len());
    for v in ca.iter() {
        match v {
            None => out.push(None),
            Some(s) => {
                let (value, grouped) = grouped_number(s)?;
                any_grouped |= grouped;
                out.push(Some(value));
            }
        }
    }
    any_grouped.then_some(out)
}

/// One value: digits with optional comma groups of three, an optional decimal part, an
/// optional sign and currency symbol. Returns the number and whether it had separators.
fn grouped_number(s: &str) -> Option<(f64, bool)> {
    let t = s.trim();
    let (neg, t) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let t = t.trim_start_matches(['$', '€', '£', '¥']);
    let (int_part, frac) = match t.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (t, None),
    };
    if let Some(f) = frac
        && (f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let groups: Vec<&str> = int_part.split(',').collect();
    let first = groups.first()?;
    if first.is_empty()
        || first.len() > 3 && groups.len() > 1
        || !first.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    if groups[1..]
        .iter()
        .any(|g| g.len() != 3 || !g.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let digits: String = groups.concat();
    let text = match frac {
        Some(f) => format!("{digits}.{f}"),
        None => digits,
    };
    let v: f64 = text.parse().ok()?;
    Some((if neg { -v } else { v }, groups.len() > 1))
}

/// Parse European numbers: "9,5", "-1.234,56", "€ 12,50", "1.234.567". Only when every
/// value fits and at least one can only be European (a decimal comma followed by other than
/// three digits, or dot groups before a decimal comma): "1,234" alone stays thousands.
fn parse_decimal_comma(ca: &StringChunked) -> Option<Vec<Option<f64>>> {
    let mut decisive = false;
    let mut out = Vec::with_capacity(ca.len());
    for v in ca.iter() {
        match v {
            None => out.push(None),
            Some(s) => {
                let (value, sure) = european_number(s)?;
                decisive |= sure;
                out.push(Some(value));
            }
        }
    }
    decisive.then_some(out)
}

/// One European number and whether it can only be read the European way.
fn european_number(s: &str) -> Option<(f64, bool)> {
    let t = s.trim();
    let (neg, t) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let t = t.trim_start_matches(['€', '$', '£', '¥']).trim_start();
    let (int_part, frac) = match t.split_once(',') {
        Some((i, f)) => (i, Some(f)),
        None => (t, None),
    };
    if let Some(f) = frac
        && (f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let groups: Vec<&str> = int_part.split('.').collect();
    let first = groups.first()?;
    if first.is_empty()
        || first.len() > 3 && groups.len() > 1
        || !first.bytes().all(|b| b.is_ascii_digit())
        || groups[1..]
            .iter()
            .any(|g| g.len() != 3 || !g.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let text = match frac {
        Some(f) => format!("{}.{f}", groups.concat()),
        None => groups.concat(),
    };
    let v: f64 = text.parse().ok()?;
    let sure = frac.is_some_and(|f| f.len() != 3) || (groups.len() > 1 && frac.is_some());
    Some((if neg { -v } else { v }, sure || groups.len() > 2))
}

/// Date formats tried on text columns, in order of preference.
const DATE_FORMATS: [&str; 8] = [
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%d/%m/%Y",
    "%m/%d/%Y",
    "%d.%m.%Y",
    "%Y年%m月%d日",
    "%Y-%m",
    "%Y/%m",
];

/// Date-and-time formats (timestamps), read to the millisecond.
const DATETIME_FORMATS: [&str; 6] = [
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S%.f",
    "%Y/%m/%d %H:%M",
    "%d/%m/%Y %H:%M",
];

/// Years we accept as dates: chrono's %Y also takes "4" or "24", which would turn ratings
/// such as 4/5 or two-digit years into dates in antiquity.
const YEARS: std::ops::RangeInclusive<i32> = 1800..=2200;

fn parse_day(s: &str, format: &str) -> Option<NaiveDate> {
    parse_day_any_year(s, format).filter(|d| YEARS.contains(&d.year()))
}

fn parse_day_any_year(s: &str, format: &str) -> Option<NaiveDate> {
    let s = s.trim();
    match format {
        // year-month: the first day of the month
        "%Y-%m" | "%Y/%m" => {
            let sep = &format[2..3];
            NaiveDate::parse_from_str(&format!("{s}{sep}01"), &format!("{format}{sep}%d")).ok()
        }
        _ => NaiveDate::parse_from_str(s, format).ok(),
    }
}

/// The date (or date-and-time) formats a single text value fits, e.g. `["%Y-%m-%d"]`, or
/// both `"%d/%m/%Y"` and `"%m/%d/%Y"` for 03/04/2024. Empty when it is not a date we read.
/// Used to explain why a column was not read as dates (a value that is no date, or
/// dates written in two different ways).
pub fn date_formats_of(s: &str) -> Vec<&'static str> {
    let days = DATE_FORMATS
        .iter()
        .copied()
        .filter(|f| parse_day(s, f).is_some());
    let times = DATETIME_FORMATS
        .iter()
        .copied()
        .filter(|f| parse_time(s, f).is_some());
    days.chain(times).collect()
}

fn parse_time(s: &str, format: &str) -> Option<NaiveDateTime> {
    let s = s.trim().trim_end_matches('Z');
    NaiveDateTime::parse_from_str(s, format)
        .ok()
        .filter(|t| YEARS.contains(&t.year()))
}

/// If every value is a date (or every value a timestamp) in one format: the column as a
/// polars Date or Datetime series, a label for the format, and whether a day-first and a
/// month-first reading both fitted (03/04/2024).
fn parse_dates(ca: &StringChunked) -> Option<(Series, &'static str, bool)> {
    let sample: Vec<&str> = ca.iter().flatten().take(1000).collect();
    let first = sample.first()?;
    // dates start with a digit and contain a separator
    if !first.trim_start().starts_with(|c: char| c.is_ascii_digit())
        || !first.contains(['-', '/', '.', '年'])
    {
        return None;
    }
    let name = ca.name().clone();
    let fits: Vec<&'static str> = DATE_FORMATS
        .iter()
        .copied()
        .filter(|f| sample.iter().all(|s| parse_day(s, f).is_some()))
        .collect();
    if let Some(&format) = fits.first() {
        let ambiguous = fits.contains(&"%d/%m/%Y") && fits.contains(&"%m/%d/%Y");
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1)?;
        let mut out = Vec::with_capacity(ca.len());
        for v in ca.iter() {
            match v {
                None => out.push(None),
                Some(s) => {
                    let d = parse_day(s, format)?;
                    out.push(Some(i32::try_from((d - epoch).num_days()).ok()?));
                }
            }
        }
        let label = match format {
            "%d/%m/%Y" => "day/month/year",
            "%m/%d/%Y" => "month/day/year",
            other => other,
        };
        let series = Int32Chunked::from_iter_options(name, out.into_iter())
            .into_date()
            .into_series();
        return Some((series, label, ambiguous));
    }
    let format = DATETIME_FORMATS
        .iter()
        .copied()
        .find(|f| sample.iter().all(|s| parse_time(s, f).is_some()))?;
    let mut out = Vec::with_capacity(ca.len());
    for v in ca.iter() {
        match v {
            None => out.push(None),
            Some(s) => out.push(Some(parse_time(s, format)?.and_utc().timestamp_millis())),
        }
    }
    let series = Int64Chunked::from_iter_options(name, out.into_iter())
        .into_datetime(TimeUnit::Milliseconds, None)
        .into_series();
    Some((series, format, false))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn european_decimals() {
        let col = |v: &[&str]| StringChunked::from_iter(v.iter().map(|s| Some(*s)));
        let got = parse_decimal_comma(&col(&["9,5", "1.234,5", "-0,25", "12"])).expect("read");
        assert_eq!(got, vec![Some(9.5), Some(1234.5), Some(-0.25), Some(12.0)]);
        assert_eq!(
            parse_decimal_comma(&col(&["1.234.567", "3"])),
            Some(vec![Some(1_234_567.0), Some(3.0)])
        );
        // thousands-looking values alone are not taken as decimals
        assert_eq!(parse_decimal_comma(&col(&["1,234", "5,678"])), None);
        assert_eq!(parse_decimal_comma(&col(&["9,5", "abc"])), None);
    }

    #[test]
    fn grouped_numbers() {
        assert_eq!(grouped_number("1,234"), Some((1234.0, true)));
        assert_eq!(grouped_number("-12,345.67"), Some((-12345.67, true)));
        assert_eq!(grouped_number("$1,200,000"), Some((1_200_000.0, true)));
        assert_eq!(grouped_number("999"), Some((999.0, false)));
        assert_eq!(grouped_number("1,5"), None);
        assert_eq!(grouped_number("12,34,567"), None);
        assert_eq!(grouped_number("1234,567"), None);
        assert_eq!(grouped_number("abc"), None);
    }

    #[test]
    fn names_are_unique_and_non_blank() {
        let header: Vec<String> = ["a", " a ", "", "b", "a"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let (names, notices) = tidy_names(&header);
        assert_eq!(names, vec!["a", "a (2)", "column_3", "b", "a (3)"]);
        assert_eq!(notices.len(), 3);
    }

    #[test]
    fn day_first_dates() {
        let ca = StringChunked::new("d".into(), ["31/01/2024", "15/02/2024", "01/03/2024"]);
        let (days, label, ambiguous) = parse_dates(&ca).expect("dates");
        assert_eq!(label, "day/month/year");
        assert!(!ambiguous);
        // 2024-01-31 is day 19753 since 1970-01-01
        let days = days.cast(&DataType::Int32).expect("cast");
        assert_eq!(days.i32().expect("i32").get(0), Some(19753));
    }

    #[test]
    fn year_month_dates() {
        let ca = StringChunked::new("m".into(), ["2024-01", "2024-02"]);
        let (days, label, _) = parse_dates(&ca).expect("dates");
        assert_eq!(label, "%Y-%m");
        let days = days.cast(&DataType::Int32).expect("cast");
        let days: Vec<Option<i32>> = days.i32().expect("i32").iter().collect();
        assert_eq!(days, vec![Some(19723), Some(19754)]);
    }

    #[test]
    fn ratings_and_short_years_are_not_dates() {
        for values in [["4/5", "3/5"], ["1-3", "4-6"], ["31/01/24", "01/02/24"]] {
            let ca = StringChunked::new("r".into(), values);
            assert!(parse_dates(&ca).is_none(), "{values:?}");
        }
    }

    #[test]
    fn timestamps() {
        let ca = StringChunked::new(
            "t".into(),
            ["2024-01-31T08:30:00", "2024-02-01T09:00:00.250Z"],
        );
        let (s, _, _) = parse_dates(&ca).expect("timestamps");
        assert!(matches!(
            s.dtype(),
            DataType::Datetime(TimeUnit::Milliseconds, None)
        ));
        let ms = s.cast(&DataType::Int64).expect("cast");
        // 2024-02-01 09:00:00.250 UTC
        assert_eq!(ms.i64().expect("i64").get(1), Some(1_706_778_000_250));
    }

    #[test]
    fn null_markers_and_numbers() {
        let mut df = DataFrame::new(
            4,
            vec![
                Column::new("spend".into(), ["10.5", "NA", "-", "7"]),
                Column::new("n".into(), ["1", "N/A", "3", "4"]),
                Column::new("city".into(), ["A", "null", "B", "-"]),
            ],
        )
        .expect("frame");
        coerce_columns(&mut df).expect("coerce");
        assert_eq!(df.column("spend").expect("c").dtype(), &DataType::Float64);
        assert_eq!(df.column("spend").expect("c").null_count(), 2);
        assert_eq!(df.column("n").expect("c").dtype(), &DataType::Int64);
        assert_eq!(df.column("city").expect("c").null_count(), 2);
    }
}
