//! What a regression says in a marketer's words: the design (reference categories, a month
//! or quarter taken from a date), effects in original units with 95 % intervals and a plain
//! sentence each, and the typical values and ranges of the drivers for the what-if panel.

use polars::prelude::*;
use serde::Serialize;

use super::forecast_input::read_dates;
use super::ols::OlsFit;
use super::regress_fit::t_quantile_975;
use crate::data::prep::{ColumnTransform, MISSING, Transform, apply, numeric_values, text_values};

/// A calendar feature taken from a date column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CalendarPart {
    Month,
    Quarter,
}

impl CalendarPart {
    pub fn label(self) -> &'static str {
        match self {
            CalendarPart::Month => "calendar month",
            CalendarPart::Quarter => "quarter",
        }
    }

    /// The categories in calendar order.
    pub fn categories(self) -> Vec<String> {
        match self {
            CalendarPart::Month => MONTHS.iter().map(|m| (*m).to_owned()).collect(),
            CalendarPart::Quarter => (1..=4).map(|q| format!("Q{q}")).collect(),
        }
    }
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Add the calendar column derived from `date` to `df`; returns its name: `name` when given
/// (a test file gets the training file's), else "calendar month", or "calendar month of
/// <date>" when the plain name is taken.
pub fn add_calendar_column(
    df: &mut DataFrame,
    date: &str,
    part: CalendarPart,
    name: Option<&str>,
) -> Result<String, String> {
    use chrono::Datelike;
    let dates = read_dates(df, date).map_err(|e| e.to_string())?;
    let name = match name {
        Some(n) => n.to_owned(),
        None if df.column(part.label()).is_ok() => format!("{} of {date}", part.label()),
        None => part.label().to_owned(),
    };
    let values: Vec<Option<String>> = dates
        .iter()
        .map(|d| {
            d.map(|d| match part {
                CalendarPart::Month => MONTHS[d.month0() as usize].to_owned(),
                CalendarPart::Quarter => format!("Q{}", d.month0() / 3 + 1),
            })
        })
        .collect();
    df.with_column(Column::new(name.as_str().into(), values))
        .map_err(|e| format!("Could not add the {}: {e}", part.label()))?;
    Ok(name)
}

/// Put the categories of the calendar column in calendar order (the first is then January
/// or Q1, the reference).
pub fn calendar_order(transform: &mut Transform, column: &str, part: CalendarPart) {
    let order = part.categories();
    for t in &mut transform.columns {
        if let ColumnTransform::Categorical { name, categories } = t
            && name == column
        {
            categories.sort_by_key(|c| order.iter().position(|o| o == c).unwrap_or(usize::MAX));
        }
    }
}

/// Drop the first category of each text feature (not "(missing)" unless it is the only
/// one): that category becomes the reference every effect is measured against, as in
/// statsmodels' treatment coding. Returns (feature, reference) pairs.
pub fn drop_reference_categories(transform: &mut Transform) -> Vec<(String, String)> {
    let mut references = Vec::new();
    for t in &mut transform.columns {
        if let ColumnTransform::Categorical { name, categories } = t {
            let at = categories.iter().position(|c| c != MISSING).unwrap_or(0);
            if at < categories.len() {
                let reference = categories.remove(at);
                references.push((name.clone(), reference));
            }
        }
    }
    references
}

/// One effect of a linear model, in the target's units.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RegCoefficient {
    /// The design column: "price" or "channel = Web".
    pub name: String,
    /// The input column it comes from.
    pub feature: String,
    /// The category, for a text feature.
    pub category: Option<String>,
    /// Change in the target per one unit of the feature (per "yes" for a category).
    pub value: f64,
    /// 95 % interval (least squares only).
    pub lower: Option<f64>,
    pub upper: Option<f64>,
    pub std_error: Option<f64>,
    pub t_value: Option<f64>,
    pub p_value: Option<f64>,
    /// "Each extra 1,000 in ad_spend adds 224.5 to sales."
    pub sentence: String,
}

/// How each design column maps back to original units: (input column, category, scale,
/// shift) with x_design = (x − shift) / scale.
fn design_units(transform: &Transform) -> Vec<(String, Option<String>, f64, f64)> {
    let mut out = Vec::new();
    for t in &transform.columns {
        match t {
            ColumnTransform::Numeric {
                name, mean, std, ..
            } => out.push((name.clone(), None, *std, *mean)),
            ColumnTransform::Categorical { name, categories } => {
                for c in categories {
                    out.push((name.clone(), Some(c.clone()), 1.0, 0.0));
                }
            }
        }
    }
    out
}

/// A linear model's effects and intercept in original units, with sentences.
pub fn effects(
    intercept: f64,
    coefficients: &[f64],
    transform: &Transform,
    ols: Option<&OlsFit>,
    target: &str,
    references: &[(String, String)],
    drivers: &[DriverRange],
) -> (f64, Vec<RegCoefficient>) {
    let units = design_units(transform);
    let tq = ols.map(|f| t_quantile_975(f.df_resid as f64));
    let mut out = Vec::with_capacity(coefficients.len());
    let mut intercept = intercept;
    for (j, (&c, (feature, category, scale, shift))) in coefficients.iter().zip(&units).enumerate()
    {
        let value = c / scale;
        intercept -= value * shift;
        let se = ols.and_then(|f| f.std_errors.get(j + 1)).map(|s| s / scale);
        let (lower, upper) = match (se, tq) {
            (Some(se), Some(tq)) => (Some(value - tq * se), Some(value + tq * se)),
            _ => (None, None),
        };
        let p_value = ols.and_then(|f| f.p_values.get(j + 1)).copied();
        let name = match category {
            Some(cat) => format!("{feature} = {cat}"),
            None => feature.clone(),
        };
        let reference = references
            .iter()
            .find(|(f, _)| f == feature)
            .map(|(_, r)| r.as_str());
        let spread = drivers
            .iter()
            .find(|d| d.name() == feature)
            .and_then(|d| d.spread());
        let sentence = sentence(
            feature,
            category.as_deref(),
            reference,
            value,
            p_value,
            spread,
            target,
        );
        out.push(RegCoefficient {
            name,
            feature: feature.clone(),
            category: category.clone(),
            value,
            lower,
            upper,
            std_error: se,
            t_value: ols.and_then(|f| f.t_values.get(j + 1)).copied(),
            p_value,
            sentence,
        });
    }
    (intercept, out)
}

/// A round step of about the size of a typical difference: 1, 10, 1,000 …
pub fn nice_step(spread: f64) -> f64 {
    if spread.is_nan() || spread <= 0.0 || !spread.is_finite() {
        return 1.0;
    }
    10f64.powf(spread.log10().floor())
}

fn sentence(
    feature: &str,
    category: Option<&str>,
    reference: Option<&str>,
    value: f64,
    p_value: Option<f64>,
    spread: Option<f64>,
    target: &str,
) -> String {
    let chance = match p_value {
        Some(p) if p > 0.05 => format!(" (could be chance: p = {})", plain(p)),
        _ => String::new(),
    };
    match category {
        Some(cat) if value == 0.0 => format!(
            "When {feature} is {cat}, {target} is no different{} in this model.",
            reference.map_or(String::new(), |r| format!(" from when it is {r}"))
        ),
        None if value == 0.0 => format!("{feature} has no effect on {target} in this model."),
        Some(cat) => {
            let than = reference.map_or(String::new(), |r| format!(" than when it is {r}"));
            format!(
                "When {feature} is {cat}, {target} is {} {}{than}{chance}.",
                plain(value.abs()),
                if value > 0.0 { "higher" } else { "lower" },
            )
        }
        None => {
            let step = nice_step(spread.unwrap_or(1.0));
            let change = value * step;
            format!(
                "Each extra {} in {feature} {} {} {target}{chance}.",
                plain(step),
                if change > 0.0 { "adds" } else { "takes" },
                if change > 0.0 {
                    format!("{} to", plain(change))
                } else {
                    format!("{} off", plain(-change))
                },
            )
        }
    }
}

/// A number for a sentence: four significant digits, thousands separated.
pub fn plain(v: f64) -> String {
    if !v.is_finite() {
        return v.to_string();
    }
    let a = v.abs();
    let decimals = if a >= 1000.0 || a == 0.0 {
        0
    } else {
        (3 - a.log10().floor() as i32).clamp(0, 12) as usize
    };
    let s = format!("{a:.decimals$}");
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    let mut grouped = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    let frac = frac.trim_end_matches('0');
    let sign = if v < 0.0 { "-" } else { "" };
    if frac.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{frac}")
    }
}

/// A driver as the what-if panel shows it: numbers with their range and typical value, text
/// with its categories and the most common one.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum DriverRange {
    Number {
        name: String,
        min: f64,
        max: f64,
        median: f64,
        /// Population standard deviation of the training values.
        std: f64,
    },
    Category {
        name: String,
        categories: Vec<String>,
        most_common: String,
    },
}

/// A value the what-if panel sets for one driver.
#[derive(Clone, Debug, PartialEq)]
pub enum DriverValue {
    Number(f64),
    Category(String),
}

impl DriverRange {
    pub fn name(&self) -> &str {
        match self {
            DriverRange::Number { name, .. } | DriverRange::Category { name, .. } => name,
        }
    }

    pub fn typical(&self) -> DriverValue {
        match self {
            DriverRange::Number { median, .. } => DriverValue::Number(*median),
            DriverRange::Category { most_common, .. } => DriverValue::Category(most_common.clone()),
        }
    }

    fn spread(&self) -> Option<f64> {
        match self {
            DriverRange::Number { std, .. } => Some(*std),
            DriverRange::Category { .. } => None,
        }
    }
}

/// Ranges of the features over the training rows (missing numbers count as the median, as
/// the models see them).
pub fn driver_ranges(df: &DataFrame, features: &[String]) -> Vec<DriverRange> {
    let mut out = Vec::new();
    for name in features {
        let Ok(col) = df.column(name) else { continue };
        if col.dtype().is_primitive_numeric() {
            let mut present: Vec<f64> = numeric_values(col).into_iter().flatten().collect();
            if present.is_empty() {
                continue;
            }
            let median = crate::data::profile::median_in_place(&mut present);
            let n = col.len() as f64;
            let filled: Vec<f64> = numeric_values(col)
                .into_iter()
                .map(|v| v.unwrap_or(median))
                .collect();
            let mean = filled.iter().sum::<f64>() / n;
            let std = (filled.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n).sqrt();
            let (min, max) = filled
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
                    (a.min(*v), b.max(*v))
                });
            out.push(DriverRange::Number {
                name: name.clone(),
                min,
                max,
                median,
                std,
            });
        } else {
            let mut counts: Vec<(String, usize)> = Vec::new();
            for v in text_values(col) {
                let v = v.unwrap_or_else(|| MISSING.to_owned());
                match counts.iter_mut().find(|(c, _)| *c == v) {
                    Some((_, n)) => *n += 1,
                    None => counts.push((v, 1)),
                }
            }
            let most_common = counts
                .iter()
                .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
                .map(|(c, _)| c.clone())
                .unwrap_or_default();
            let mut categories: Vec<String> = counts.into_iter().map(|(c, _)| c).collect();
            categories.sort();
            out.push(DriverRange::Category {
                name: name.clone(),
                categories,
                most_common,
            });
        }
    }
    out
}

/// Put the what-if values through the fitted transform: one design row.
pub fn encode_row(
    transform: &Transform,
    values: &[(String, DriverValue)],
) -> Result<ndarray::Array2<f64>, String> {
    let mut columns = Vec::with_capacity(transform.columns.len());
    for t in &transform.columns {
        let name = match t {
            ColumnTransform::Numeric { name, .. } | ColumnTransform::Categorical { name, .. } => {
                name
            }
        };
        let value = values
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .ok_or_else(|| format!("No value for \u{201c}{name}\u{201d}."))?;
        let column = match (t, value) {
            (ColumnTransform::Numeric { .. }, DriverValue::Number(v)) => {
                Column::new(name.as_str().into(), [v])
            }
            (ColumnTransform::Categorical { .. }, DriverValue::Category(c)) => {
                Column::new(name.as_str().into(), [c])
            }
            _ => {
                return Err(format!(
                    "\u{201c}{name}\u{201d} has the wrong kind of value."
                ));
            }
        };
        columns.push(column);
    }
    let df = DataFrame::new(1, columns).map_err(|e| e.to_string())?;
    let (x, _) = apply(&df, transform).map_err(|e| e.to_string())?;
    Ok(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_numbers_read_well() {
        assert_eq!(plain(224.489), "224.5");
        assert_eq!(plain(12345.6), "12,346");
        assert_eq!(plain(-0.022449), "-0.02245");
        assert_eq!(plain(1000.0), "1,000");
        assert_eq!(plain(0.0), "0");
        assert_eq!(nice_step(3120.0), 1000.0);
        assert_eq!(nice_step(0.8), 0.1);
    }

    #[test]
    fn sentences_say_direction_unit_and_reference() {
        let s = sentence(
            "ad_spend",
            None,
            None,
            0.2245,
            Some(1e-7),
            Some(3100.0),
            "sales",
        );
        assert_eq!(s, "Each extra 1,000 in ad_spend adds 224.5 to sales.");
        let s = sentence("price", None, None, -23.59, Some(0.77), Some(1.4), "sales");
        assert_eq!(
            s,
            "Each extra 1 in price takes 23.59 off sales (could be chance: p = 0.77)."
        );
        let s = sentence(
            "promotion",
            Some("yes"),
            Some("no"),
            477.4,
            None,
            None,
            "sales",
        );
        assert_eq!(
            s,
            "When promotion is yes, sales is 477.4 higher than when it is no."
        );
        let s = sentence("price", None, None, 0.0, None, Some(1.4), "sales");
        assert_eq!(s, "price has no effect on sales in this model.");
        let s = sentence("month", Some("Mar"), Some("Jan"), 0.0, None, None, "sales");
        assert_eq!(
            s,
            "When month is Mar, sales is no different from when it is Jan in this model."
        );
    }
}
