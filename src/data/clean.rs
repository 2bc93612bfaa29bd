//! Tidying after parsing: unique, non-blank column names; numbers written with thousands
//! separators ("1,234.50") read as numbers; dates in common non-ISO forms read as dates.

use chrono::NaiveDate;
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

/// Convert text columns that are really numbers or dates. Returns notices.
pub fn coerce_columns(df: &mut DataFrame) -> PolarsResult<Vec<String>> {
    let mut notices = Vec::new();
    let names: Vec<String> = df
        .columns()
        .iter()
        .filter(|c| c.dtype() == &DataType::String)
        .map(|c| c.name().to_string())
        .collect();
    for name in names {
        let col = df.column(&name)?;
        let ca = col.str()?;
        if let Some(numbers) = parse_grouped_numbers(ca) {
            let new = Float64Chunked::from_iter_options(name.as_str().into(), numbers.into_iter());
            df.replace(&name, new.into_series().into_column())?;
            notices.push(format!(
                "\u{201c}{name}\u{201d} has numbers with thousands separators (like 1,234.5); \
                 they were read as numbers."
            ));
        } else if let Some((days, format, ambiguous)) = parse_dates(ca) {
            let new = Int32Chunked::from_iter_options(name.as_str().into(), days.into_iter())
                .into_date()
                .into_series()
                .into_column();
            df.replace(&name, new)?;
            if ambiguous {
                notices.push(format!(
                    "Dates in \u{201c}{name}\u{201d} could be day/month or month/day; they \
                     were read as {format}."
                ));
            }
        }
    }
    Ok(notices)
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

fn parse_day(s: &str, format: &str) -> Option<NaiveDate> {
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

/// If every value is a date in one of the formats, the day numbers (since 1970-01-01), the
/// format used, and whether another format would have fitted as well (03/04 ambiguity).
fn parse_dates(ca: &StringChunked) -> Option<(Vec<Option<i32>>, &'static str, bool)> {
    let sample: Vec<&str> = ca.iter().flatten().take(1000).collect();
    let first = sample.first()?;
    if !first.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    let fits: Vec<&'static str> = DATE_FORMATS
        .iter()
        .copied()
        .filter(|f| sample.iter().all(|s| parse_day(s, f).is_some()))
        .collect();
    let format = *fits.first()?;
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
    Some((out, label, ambiguous))
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(days[0], Some(19753));
    }

    #[test]
    fn year_month_dates() {
        let ca = StringChunked::new("m".into(), ["2024-01", "2024-02"]);
        let (days, label, _) = parse_dates(&ca).expect("dates");
        assert_eq!(label, "%Y-%m");
        assert_eq!(days, vec![Some(19723), Some(19754)]);
    }
}
