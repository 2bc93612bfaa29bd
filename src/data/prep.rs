//! From a table to a design matrix: the chosen feature columns, numeric ones imputed with the
//! median and standardized (mean and population standard deviation, as scikit-learn's
//! StandardScaler), categorical ones one-hot encoded. The transform is recorded so that it
//! can be inverted (centroids in original units) and re-applied to new data.

use ndarray::Array2;
use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::profile::median_in_place;

/// How one input column becomes one or more matrix columns.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ColumnTransform {
    Numeric {
        name: String,
        /// Missing values are replaced by this (the median of the fitted data).
        median: f64,
        /// Standardization: (x − mean) / std; std is 1 when standardizing is off or the
        /// column is constant.
        mean: f64,
        std: f64,
        /// ln(1 + x) before standardizing (for skewed money columns).
        log: bool,
    },
    Categorical {
        name: String,
        /// One matrix column per category, in this order. Missing is its own category.
        categories: Vec<String>,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Transform {
    pub columns: Vec<ColumnTransform>,
}

/// The matrix and what each of its columns means.
#[derive(Clone, Debug)]
pub struct Design {
    pub x: Array2<f64>,
    /// One per matrix column: "monetary", "channel = Web".
    pub names: Vec<String>,
    pub transform: Transform,
}

/// Options for [`fit_design`].
#[derive(Clone, Debug, Default)]
pub struct PrepOptions {
    pub standardize: bool,
    /// Numeric columns to take ln(1 + x) of first.
    pub log_columns: Vec<String>,
}

#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum PrepError {
    #[error("There is no column called \u{201c}{0}\u{201d}.")]
    NoSuchColumn(String),
    #[error("Choose at least one feature column.")]
    NoFeatures,
    #[error("\u{201c}{0}\u{201d} has no values at all; leave it out.")]
    AllMissing(String),
    #[error(
        "\u{201c}{0}\u{201d} holds text with {1} different values; it cannot be used as a \
         feature (use it as an id or leave it out)."
    )]
    TooManyCategories(String, usize),
    #[error("\u{201c}{0}\u{201d} has negative values, so it cannot be log-transformed.")]
    NegativeForLog(String),
    /// Infinite values, or values so large that averages and spreads overflow.
    #[error("{}", not_ordinary_text(.column, *.count))]
    NotOrdinary { column: String, count: usize },
    /// A feature named more than once would weigh that column several times.
    #[error(
        "\u{201c}{column}\u{201d} is listed {times} times in the features; list each column \
         once."
    )]
    Repeated { column: String, times: usize },
    /// The caller's stop flag was raised (a cancelled job).
    #[error("Cancelled.")]
    Stopped,
}

/// Most categories a text column may have to be one-hot encoded.
pub const MAX_CATEGORIES: usize = 50;

/// The largest size of a number MarketLens computes with. Squares of numbers up to 1e150
/// stay near 1e300, below the largest number a computer's arithmetic holds (about 1.8e308),
/// so means, variances, standardizing, distances and least squares cannot overflow on
/// realistic row counts; larger numbers (and infinities) are refused, never silently
/// replaced. No real amount, count or rate comes near it.
pub const LARGEST_VALUE: f64 = 1e150;

/// Whether `v` is infinite or larger than [`LARGEST_VALUE`] in size (NaN is missing, not
/// counted here).
pub fn is_not_ordinary(v: f64) -> bool {
    v.is_infinite() || v.abs() > LARGEST_VALUE
}

/// How many values of a numeric column are infinite or larger than [`LARGEST_VALUE`].
pub fn count_not_ordinary(col: &Column) -> usize {
    match col.cast(&DataType::Float64) {
        Ok(c) => match c.f64() {
            Ok(ca) => ca.iter().flatten().filter(|v| is_not_ordinary(*v)).count(),
            Err(_) => 0,
        },
        Err(_) => 0,
    }
}

/// "“income” has 2 values that are not ordinary numbers (infinite, or larger than 1e150 in
/// size)": the first sentence of every message about such values (features, targets,
/// forecast values), without its full stop.
pub fn not_ordinary_words(column: &str, count: usize) -> String {
    let (values, are, numbers) = if count == 1 {
        ("value", "is", "an ordinary number")
    } else {
        ("values", "are", "ordinary numbers")
    };
    format!(
        "\u{201c}{column}\u{201d} has {count} {values} that {are} not {numbers} (infinite, or \
         larger than 1e150 in size)"
    )
}

fn not_ordinary_text(column: &str, count: usize) -> String {
    format!(
        "{}. Fix or remove those rows, or leave the column out.",
        not_ordinary_words(column, count)
    )
}

/// Refuse a numeric column holding infinite or overly large values.
fn check_ordinary(col: &Column) -> Result<(), PrepError> {
    if !is_numeric(col) {
        return Ok(());
    }
    match count_not_ordinary(col) {
        0 => Ok(()),
        count => Err(PrepError::NotOrdinary {
            column: col.name().to_string(),
            count,
        }),
    }
}

/// Fit the transform on `df` and build the design matrix.
pub fn fit_design(
    df: &DataFrame,
    features: &[String],
    options: &PrepOptions,
) -> Result<Design, PrepError> {
    fit_design_until(df, features, options, &|| false)
}

/// [`fit_design`] that asks `stop` before each column and gives up with
/// [`PrepError::Stopped`] when it says yes (a million rows take a while per column).
pub fn fit_design_until(
    df: &DataFrame,
    features: &[String],
    options: &PrepOptions,
    stop: &dyn Fn() -> bool,
) -> Result<Design, PrepError> {
    let transform = fit_transform_until(df, features, options, stop)?;
    let (x, names) = apply_until(df, &transform, stop)?;
    Ok(Design {
        x,
        names,
        transform,
    })
}

/// Fit the transform of each feature on `df` without building the matrix (a caller may
/// adjust it first, e.g. drop a reference category, then [`apply`] it).
pub fn fit_transform_until(
    df: &DataFrame,
    features: &[String],
    options: &PrepOptions,
    stop: &dyn Fn() -> bool,
) -> Result<Transform, PrepError> {
    if features.is_empty() {
        return Err(PrepError::NoFeatures);
    }
    check_repeats(features)?;
    let mut transforms = Vec::with_capacity(features.len());
    for name in features {
        if stop() {
            return Err(PrepError::Stopped);
        }
        let col = df
            .column(name)
            .map_err(|_| PrepError::NoSuchColumn(name.clone()))?;
        transforms.push(fit_column(col, options)?);
    }
    Ok(Transform {
        columns: transforms,
    })
}

/// Refuse a feature list that names a column more than once (it would count several times).
pub fn check_repeats(features: &[String]) -> Result<(), PrepError> {
    for (i, name) in features.iter().enumerate() {
        if features[..i].contains(name) {
            continue;
        }
        let times = features.iter().filter(|f| *f == name).count();
        if times > 1 {
            return Err(PrepError::Repeated {
                column: name.clone(),
                times,
            });
        }
    }
    Ok(())
}

/// The checks of [`fit_design`] on every row of `df` before it is split into training and
/// evaluation parts, so that a message counts the whole file's values: each feature listed
/// once, and no numeric feature holding infinite or overly large values. Columns that do not
/// exist are left to the fit (which names them).
pub fn check_features(df: &DataFrame, features: &[String]) -> Result<(), PrepError> {
    check_repeats(features)?;
    for name in features {
        if let Ok(col) = df.column(name) {
            check_ordinary(col)?;
        }
    }
    Ok(())
}

fn is_numeric(col: &Column) -> bool {
    col.dtype().is_primitive_numeric()
}

pub fn numeric_values(col: &Column) -> Vec<Option<f64>> {
    match col.cast(&DataType::Float64) {
        Ok(c) => match c.f64() {
            Ok(ca) => ca.iter().map(|v| v.filter(|x| x.is_finite())).collect(),
            Err(_) => vec![None; col.len()],
        },
        Err(_) => vec![None; col.len()],
    }
}

pub fn text_values(col: &Column) -> Vec<Option<String>> {
    match col.cast(&DataType::String) {
        Ok(c) => match c.str() {
            Ok(ca) => ca.iter().map(|v| v.map(str::to_owned)).collect(),
            Err(_) => vec![None; col.len()],
        },
        Err(_) => vec![None; col.len()],
    }
}

pub const MISSING: &str = "(missing)";

/// A column as 64-bit floats, cast once (`None` when it cannot be read as numbers: every
/// row then counts as missing).
fn floats(col: &Column) -> Option<Float64Chunked> {
    col.cast(&DataType::Float64)
        .ok()
        .and_then(|c| c.f64().ok().cloned())
}

/// Call `f` with every row's text (`None` for a missing value, or for every row when the
/// column cannot be read as text), without copying the values.
fn each_text(col: &Column, mut f: impl FnMut(Option<&str>)) {
    match col.cast(&DataType::String) {
        Ok(c) => match c.str() {
            Ok(ca) => ca.iter().for_each(f),
            Err(_) => (0..col.len()).for_each(|_| f(None)),
        },
        Err(_) => (0..col.len()).for_each(|_| f(None)),
    }
}

fn fit_column(col: &Column, options: &PrepOptions) -> Result<ColumnTransform, PrepError> {
    let name = col.name().to_string();
    if is_numeric(col) {
        let log = options.log_columns.contains(&name);
        // one pass: the present values (for the median) and the count of unusable ones
        let ca = floats(col);
        let mut present: Vec<f64> = Vec::with_capacity(col.len() - col.null_count());
        let mut not_ordinary = 0;
        for v in ca.iter().flat_map(|ca| ca.iter()).flatten() {
            not_ordinary += usize::from(is_not_ordinary(v));
            if v.is_finite() {
                present.push(v);
            }
        }
        if not_ordinary > 0 {
            return Err(PrepError::NotOrdinary {
                column: name,
                count: not_ordinary,
            });
        }
        if present.is_empty() {
            return Err(PrepError::AllMissing(name));
        }
        if log && present.iter().any(|v| *v < 0.0) {
            return Err(PrepError::NegativeForLog(name));
        }
        let median = median_in_place(&mut present);
        drop(present);
        // statistics of the imputed (and logged) column, as StandardScaler sees it
        let n = col.len() as f64;
        let value = |v: Option<f64>| {
            let v = v.filter(|x| x.is_finite()).unwrap_or(median);
            if log { v.ln_1p() } else { v }
        };
        let values = || ca.iter().flat_map(|ca| ca.iter()).map(value);
        let mean = values().sum::<f64>() / n;
        let var = values().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
        let std = if options.standardize && var > 0.0 {
            var.sqrt()
        } else {
            1.0
        };
        let mean = if options.standardize { mean } else { 0.0 };
        Ok(ColumnTransform::Numeric {
            name,
            median,
            mean,
            std,
            log,
        })
    } else {
        let mut categories: Vec<String> = Vec::new();
        let mut too_many = false;
        each_text(col, |v| {
            let v = v.unwrap_or(MISSING);
            if !too_many && !categories.iter().any(|c| c == v) {
                categories.push(v.to_owned());
                too_many = categories.len() > MAX_CATEGORIES;
            }
        });
        if too_many {
            let mut distinct = std::collections::HashSet::new();
            each_text(col, |v| {
                if let Some(v) = v
                    && !distinct.contains(v)
                {
                    distinct.insert(v.to_owned());
                }
            });
            return Err(PrepError::TooManyCategories(name, distinct.len()));
        }
        if categories == [MISSING] {
            return Err(PrepError::AllMissing(name));
        }
        categories.sort();
        Ok(ColumnTransform::Categorical { name, categories })
    }
}

/// Apply a fitted transform to `df` (the same file or a new one). Unknown categories get all
/// zeros in that column's one-hot block.
pub fn apply(
    df: &DataFrame,
    transform: &Transform,
) -> Result<(Array2<f64>, Vec<String>), PrepError> {
    apply_until(df, transform, &|| false)
}

/// [`apply`] that asks `stop` before each column.
pub fn apply_until(
    df: &DataFrame,
    transform: &Transform,
    stop: &dyn Fn() -> bool,
) -> Result<(Array2<f64>, Vec<String>), PrepError> {
    let width = transform
        .columns
        .iter()
        .map(|t| match t {
            ColumnTransform::Numeric { .. } => 1,
            ColumnTransform::Categorical { categories, .. } => categories.len(),
        })
        .sum();
    let mut x = Array2::zeros((df.height(), width));
    let mut names = Vec::with_capacity(width);
    let mut j = 0;
    for t in &transform.columns {
        if stop() {
            return Err(PrepError::Stopped);
        }
        match t {
            ColumnTransform::Numeric {
                name,
                median,
                mean,
                std,
                log,
            } => {
                let col = df
                    .column(name)
                    .map_err(|_| PrepError::NoSuchColumn(name.clone()))?;
                // a text column read as numbers (a new file) has no "too large" values to
                // refuse: what does not parse is missing
                let numeric = is_numeric(col);
                let mut not_ordinary = 0;
                let ca = floats(col);
                let mut cells = x.column_mut(j);
                let values = ca
                    .iter()
                    .flat_map(|ca| ca.iter())
                    .chain(std::iter::repeat(None));
                for (cell, v) in cells.iter_mut().zip(values) {
                    not_ordinary += usize::from(numeric && v.is_some_and(is_not_ordinary));
                    let v = v.filter(|x| x.is_finite()).unwrap_or(*median);
                    let v = if *log { v.ln_1p() } else { v };
                    *cell = (v - mean) / std;
                }
                if not_ordinary > 0 {
                    return Err(PrepError::NotOrdinary {
                        column: name.clone(),
                        count: not_ordinary,
                    });
                }
                names.push(name.clone());
                j += 1;
            }
            ColumnTransform::Categorical { name, categories } => {
                let col = df
                    .column(name)
                    .map_err(|_| PrepError::NoSuchColumn(name.clone()))?;
                // a value the fit never saw sets none of the block's columns
                let mut row = 0;
                each_text(col, |v| {
                    let v = v.unwrap_or(MISSING);
                    if let Some(c) = categories.iter().position(|c| c == v) {
                        x[[row, j + c]] = 1.0;
                    }
                    row += 1;
                });
                names.extend(categories.iter().map(|c| format!("{name} = {c}")));
                j += categories.len();
            }
        }
    }
    Ok((x, names))
}

impl Transform {
    /// A point of the design space back in original units: numeric features as numbers,
    /// categorical ones as the share of each category (the one-hot values).
    pub fn invert(&self, row: &[f64]) -> Vec<(String, f64)> {
        let mut out = Vec::new();
        let mut j = 0;
        for t in &self.columns {
            match t {
                ColumnTransform::Numeric {
                    name,
                    mean,
                    std,
                    log,
                    ..
                } => {
                    let v = row.get(j).copied().unwrap_or(f64::NAN) * std + mean;
                    out.push((name.clone(), if *log { v.exp_m1() } else { v }));
                    j += 1;
                }
                ColumnTransform::Categorical { name, categories } => {
                    for c in categories {
                        out.push((
                            format!("{name} = {c}"),
                            row.get(j).copied().unwrap_or(f64::NAN),
                        ));
                        j += 1;
                    }
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame() -> DataFrame {
        DataFrame::new(
            4,
            vec![
                Column::new("spend".into(), [Some(10.0), None, Some(30.0), Some(40.0)]),
                Column::new("channel".into(), ["Web", "App", "Web", "Store"]),
            ],
        )
        .expect("frame")
    }

    #[test]
    fn standardizes_like_standard_scaler_after_median_imputation() {
        let opts = PrepOptions {
            standardize: true,
            ..Default::default()
        };
        let d = fit_design(&frame(), &["spend".into(), "channel".into()], &opts).expect("design");
        // imputed: 10, 30 (median of 10, 30, 40), 30, 40; mean 27.5; population std
        let std = ((17.5f64.powi(2) + 2.5f64.powi(2) * 2.0 + 12.5f64.powi(2)) / 4.0).sqrt();
        assert!((d.x[[0, 0]] - (10.0 - 27.5) / std).abs() < 1e-12);
        assert!((d.x[[1, 0]] - (30.0 - 27.5) / std).abs() < 1e-12);
        assert_eq!(
            d.names,
            ["spend", "channel = App", "channel = Store", "channel = Web"]
        );
        assert_eq!(d.x.row(0).to_vec()[1..], [0.0, 0.0, 1.0]);
        // inverting a standardized point gives original units back
        let back = d.transform.invert(&d.x.row(3).to_vec());
        assert!((back[0].1 - 40.0).abs() < 1e-9);
    }

    #[test]
    fn clear_errors() {
        let opts = PrepOptions::default();
        assert_eq!(
            fit_design(&frame(), &["nope".into()], &opts).err(),
            Some(PrepError::NoSuchColumn("nope".into()))
        );
        assert_eq!(
            fit_design(&frame(), &[], &opts).err(),
            Some(PrepError::NoFeatures)
        );
    }

    fn hostile() -> DataFrame {
        DataFrame::new(
            5,
            vec![
                Column::new(
                    "income".into(),
                    [
                        Some(10.0),
                        Some(f64::INFINITY),
                        Some(-1e308),
                        None,
                        Some(f64::NAN),
                    ],
                ),
                Column::new("age".into(), [30.0, 40.0, 50.0, 1e150, -1e150]),
                Column::new("channel".into(), ["Web", "App", "Web", "Store", "App"]),
            ],
        )
        .expect("frame")
    }

    #[test]
    fn infinite_and_huge_values_are_refused_with_column_and_count() {
        let opts = PrepOptions {
            standardize: true,
            ..Default::default()
        };
        let err =
            fit_design(&hostile(), &["age".into(), "income".into()], &opts).expect_err("refused");
        assert_eq!(
            err,
            PrepError::NotOrdinary {
                column: "income".into(),
                count: 2
            }
        );
        assert_eq!(
            err.to_string(),
            "\u{201c}income\u{201d} has 2 values that are not ordinary numbers (infinite, or \
             larger than 1e150 in size). Fix or remove those rows, or leave the column out."
        );
        // exactly 1e150 is still an ordinary number; the matrix is finite
        let d = fit_design(&hostile(), &["age".into(), "channel".into()], &opts).expect("design");
        assert!(d.x.iter().all(|v| v.is_finite()), "{:?}", d.x);
        // the whole-file check counts the same, and one value reads in the singular
        let one = DataFrame::new(
            2,
            vec![Column::new("spend".into(), [1.0, f64::NEG_INFINITY])],
        )
        .expect("frame");
        assert_eq!(
            check_features(&one, &["spend".into()])
                .err()
                .map(|e| e.to_string()),
            Some(
                "\u{201c}spend\u{201d} has 1 value that is not an ordinary number (infinite, \
                 or larger than 1e150 in size). Fix or remove those rows, or leave the column \
                 out."
                    .to_owned()
            )
        );
    }

    #[test]
    fn applying_to_new_data_with_infinite_values_is_refused() {
        let opts = PrepOptions {
            standardize: true,
            ..Default::default()
        };
        let d = fit_design(&frame(), &["spend".into()], &opts).expect("design");
        let new = DataFrame::new(
            3,
            vec![Column::new("spend".into(), [5.0, f64::INFINITY, 1e200])],
        )
        .expect("frame");
        assert_eq!(
            apply(&new, &d.transform).err(),
            Some(PrepError::NotOrdinary {
                column: "spend".into(),
                count: 2
            })
        );
    }

    #[test]
    fn a_feature_listed_twice_is_refused() {
        let features: Vec<String> = ["channel", "spend", "spend", "channel", "spend"]
            .map(String::from)
            .to_vec();
        let err = fit_design(&frame(), &features, &PrepOptions::default()).expect_err("refused");
        assert_eq!(
            err.to_string(),
            "\u{201c}channel\u{201d} is listed 2 times in the features; list each column once."
        );
        assert_eq!(
            check_features(&frame(), &["spend".into(), "spend".into(), "spend".into()]).err(),
            Some(PrepError::Repeated {
                column: "spend".into(),
                times: 3
            })
        );
    }
}
