//! Checks a model read from a file before it is used: every shape fits the columns the model
//! reads, every index is in range, every number is an ordinary number, spreads are above 0,
//! neighbour counts and segment names fit. A file that fails is refused as damaged with the
//! first fault found, in words ("the model has 7 weights but its columns need 9"), so that
//! scoring never meets an impossible shape.

use super::regression::{SavedFit, SavedRegression};
use super::segments::{SavedSegments, cholesky};
use super::{SavedClassifier, SavedModel};
use crate::analysis::classifiers::{Knn, NaiveBayes, SvmModel};
use crate::analysis::clustering::Mixture;
use crate::analysis::logistic::LogisticModel;
use crate::analysis::models::{Fitted, ModelKind};
use crate::analysis::regress::RegModel;
use crate::data::prep::{ColumnTransform, Transform};

/// The largest size of an ordinary number, in a model file and in a scored file: the product
/// of two such numbers (1e300) is still below the largest number a computer holds (about
/// 1.8e308), so scoring cannot overflow into "infinite" or "not a number".
pub const LIMIT: f64 = 1e150;

/// True for a finite number no larger than [`LIMIT`] in size.
pub fn ordinary(v: f64) -> bool {
    v.is_finite() && v.abs() <= LIMIT
}

/// A number for a message: plain when it is of everyday size, else in e-notation.
fn show(v: f64) -> String {
    if v == 0.0 || (1e-6..1e15).contains(&v.abs()) || !v.is_finite() {
        format!("{v}")
    } else {
        format!("{v:e}")
    }
}

/// Err naming `what` unless every value is ordinary.
fn all_ordinary<'a>(what: &str, values: impl IntoIterator<Item = &'a f64>) -> Result<(), String> {
    match values.into_iter().find(|v| !ordinary(**v)) {
        None => Ok(()),
        Some(v) => Err(format!(
            "{what} holds {}, which is not an ordinary number",
            show(*v)
        )),
    }
}

/// The first fault of `model`, if any.
pub fn check_model(model: &SavedModel) -> Result<(), String> {
    match model {
        SavedModel::Regression(m) => check_regression(m),
        SavedModel::Classifier(m) => check_classifier(m),
        SavedModel::Segments(m) => check_segments(m),
    }
}

/// Checks the transform and returns the number of columns it makes (numeric columns plus
/// one per category). `references` are the (column, category) pairs a linear model left out:
/// a text column whose only category is its reference has no category of its own.
fn check_transform(t: &Transform, references: &[(String, String)]) -> Result<usize, String> {
    if t.columns.is_empty() {
        return Err("it lists no columns to read".to_owned());
    }
    let mut width = 0usize;
    for c in &t.columns {
        match c {
            ColumnTransform::Numeric {
                name,
                median,
                mean,
                std,
                ..
            } => {
                if !ordinary(*median) || !ordinary(*mean) {
                    return Err(format!(
                        "the typical value saved for \u{201c}{name}\u{201d} is not an ordinary \
                         number"
                    ));
                }
                if !(1.0 / LIMIT..=LIMIT).contains(std) {
                    return Err(format!(
                        "the spread saved for \u{201c}{name}\u{201d} is {}; it must be a \
                         number above 0",
                        show(*std)
                    ));
                }
                width += 1;
            }
            ColumnTransform::Categorical { name, categories } => {
                let has_reference = references.iter().any(|(column, _)| column == name);
                if categories.is_empty() && !has_reference {
                    return Err(format!(
                        "the text column \u{201c}{name}\u{201d} has an empty list of values"
                    ));
                }
                width += categories.len();
            }
        }
    }
    Ok(width)
}

/// "the model has 7 weights but its columns need 9".
fn count_fault(what: &str, found: usize, columns: usize) -> String {
    format!("the model has {found} {what} but its columns need {columns}")
}

fn check_regression(m: &SavedRegression) -> Result<(), String> {
    let columns = check_transform(&m.transform, &m.references)?;
    if let Some(c) = &m.calendar {
        let derived =
            m.transform.columns.iter().any(
                |t| matches!(t, ColumnTransform::Categorical { name, .. } if *name == c.column),
            );
        if !derived {
            return Err(format!(
                "the calendar column \u{201c}{}\u{201d} is not among the model's columns",
                c.column
            ));
        }
    }
    all_ordinary("the prediction range", [&m.error_range.0, &m.error_range.1])?;
    if matches!(m.fit, SavedFit::Knn { .. }) != (m.model == RegModel::Knn) {
        return Err(format!(
            "it says its model is \u{201c}{}\u{201d} but it holds another kind of model",
            m.model.label()
        ));
    }
    match &m.fit {
        SavedFit::Linear {
            intercept,
            coefficients,
        } => {
            if coefficients.len() != columns {
                return Err(count_fault("weights", coefficients.len(), columns));
            }
            all_ordinary("the intercept", [intercept])?;
            all_ordinary("a weight", coefficients)
        }
        SavedFit::Knn {
            k,
            columns: saved,
            x,
            y,
        } => {
            if *saved != columns {
                return Err(count_fault("columns of neighbour values", *saved, columns));
            }
            check_neighbours(*k, y.len())?;
            if Some(x.len()) != y.len().checked_mul(columns) {
                return Err(format!(
                    "the {} saved customers should have {} values but have {}",
                    y.len(),
                    y.len().saturating_mul(columns),
                    x.len()
                ));
            }
            all_ordinary("a saved customer's value", x)?;
            all_ordinary("a saved customer's outcome", y)
        }
    }
}

/// k-NN keeps at least one neighbour and no more than its saved customers.
fn check_neighbours(k: usize, rows: usize) -> Result<(), String> {
    if rows == 0 {
        return Err("the nearest-neighbours model keeps no customers to compare with".to_owned());
    }
    if k == 0 || k > rows {
        return Err(format!(
            "the nearest-neighbours model asks for {k} neighbours; it must be between 1 and \
             the {rows} customers it keeps"
        ));
    }
    Ok(())
}

fn check_classifier(m: &SavedClassifier) -> Result<(), String> {
    let columns = check_transform(&m.transform, &[])?;
    let kind = match &m.fitted {
        Fitted::Logistic(_) => ModelKind::Logistic,
        Fitted::Tree(_) => ModelKind::Tree,
        Fitted::Forest(_) => ModelKind::Forest,
        Fitted::NaiveBayes(_) => ModelKind::NaiveBayes,
        Fitted::Svm(_) => ModelKind::Svm,
        Fitted::Knn(_) => ModelKind::Knn,
    };
    if kind != m.model {
        return Err(format!(
            "it says its model is \u{201c}{}\u{201d} but it holds \u{201c}{}\u{201d}",
            m.model.label(),
            kind.label()
        ));
    }
    match &m.fitted {
        Fitted::Logistic(l) => check_logistic(l, columns),
        Fitted::Tree(t) => t
            .validate(columns)
            .map_err(|e| format!("in the decision tree, {e}")),
        Fitted::Forest(f) => f.validate(columns),
        Fitted::NaiveBayes(nb) => check_naive_bayes(nb, columns),
        Fitted::Svm(s) => check_svm(s, columns),
        Fitted::Knn(k) => check_knn(k, columns),
    }
}

fn check_logistic(l: &LogisticModel, columns: usize) -> Result<(), String> {
    if l.coef.len() != columns {
        return Err(count_fault("weights", l.coef.len(), columns));
    }
    all_ordinary("the intercept", [&l.intercept])?;
    all_ordinary("a weight", &l.coef)
}

fn check_naive_bayes(nb: &NaiveBayes, columns: usize) -> Result<(), String> {
    for c in 0..2 {
        if nb.means[c].len() != columns {
            return Err(count_fault("averages", nb.means[c].len(), columns));
        }
        if nb.vars[c].len() != columns {
            return Err(count_fault("spreads", nb.vars[c].len(), columns));
        }
        all_ordinary("an average", &nb.means[c])?;
        if let Some(v) = nb.vars[c].iter().find(|v| !(ordinary(**v) && **v > 0.0)) {
            return Err(format!(
                "a spread is {}; it must be a number above 0",
                show(*v)
            ));
        }
    }
    let [a, b] = nb.log_prior;
    let total = a.exp() + b.exp();
    if !(ordinary(a) && ordinary(b) && a <= 0.0 && b <= 0.0 && (total - 1.0).abs() < 1e-6) {
        return Err("the shares of the two outcomes do not add up to 100 %".to_owned());
    }
    Ok(())
}

fn check_knn(k: &Knn, columns: usize) -> Result<(), String> {
    check_neighbours(k.k, k.y.len())?;
    if k.x.nrows() != k.y.len() {
        return Err(format!(
            "the nearest-neighbours model keeps {} customers but {} outcomes",
            k.x.nrows(),
            k.y.len()
        ));
    }
    if k.x.ncols() != columns {
        return Err(count_fault(
            "columns of neighbour values",
            k.x.ncols(),
            columns,
        ));
    }
    all_ordinary("a saved customer's value", k.x.iter())
}

/// The support vector machine's fields are private to linfa-svm: they are read from its
/// saved form. MarketLens saves a Gaussian (RBF) kernel with support vectors and Platt
/// scaling, and nothing else.
fn check_svm(s: &SvmModel, columns: usize) -> Result<(), String> {
    let value = serde_json::to_value(s).map_err(|_| svm_fault())?;
    let m = value.get("model").ok_or_else(svm_fault)?;
    let number = |v: Option<&serde_json::Value>| v.and_then(serde_json::Value::as_f64);
    let width = number(m.pointer("/kernel_method/Gaussian")).ok_or_else(svm_fault)?;
    if !(ordinary(width) && width > 0.0) {
        return Err(format!(
            "the support vector machine's kernel width is {}; it must be above 0",
            show(width)
        ));
    }
    let rho = number(m.get("rho")).ok_or_else(svm_fault)?;
    let platt = m
        .get("probability_coeffs")
        .and_then(serde_json::Value::as_array)
        .filter(|p| p.len() == 2)
        .ok_or_else(|| {
            "the support vector machine has no conversion of its scores to probabilities".to_owned()
        })?;
    let platt: Vec<f64> = platt.iter().filter_map(serde_json::Value::as_f64).collect();
    let alpha: Vec<f64> = m
        .get("alpha")
        .and_then(serde_json::Value::as_array)
        .ok_or_else(svm_fault)?
        .iter()
        .filter_map(serde_json::Value::as_f64)
        .collect();
    all_ordinary("the support vector machine's offset", [&rho])?;
    if platt.len() != 2 {
        return Err(svm_fault());
    }
    all_ordinary("the support vector machine's probability scale", &platt)?;
    all_ordinary("a support vector weight", &alpha)?;
    let vectors = m
        .pointer("/sep_hyperplane/WeightedCombination")
        .ok_or_else(svm_fault)?;
    let dim: Vec<u64> = vectors
        .get("dim")
        .and_then(serde_json::Value::as_array)
        .map(|d| d.iter().filter_map(serde_json::Value::as_u64).collect())
        .ok_or_else(svm_fault)?;
    let [rows, cols] = dim[..] else {
        return Err(svm_fault());
    };
    if usize::try_from(cols).ok() != Some(columns) {
        return Err(count_fault(
            "columns of support vectors",
            usize::try_from(cols).unwrap_or(usize::MAX),
            columns,
        ));
    }
    // linfa keeps the vectors whose weight is above 100 machine epsilons, in order
    let used = alpha
        .iter()
        .filter(|a| a.abs() > 100.0 * f64::EPSILON)
        .count();
    if usize::try_from(rows).ok() != Some(used) {
        return Err(format!(
            "the support vector machine has {rows} support vectors but {used} weights for them"
        ));
    }
    let data = vectors
        .get("data")
        .and_then(serde_json::Value::as_array)
        .ok_or_else(svm_fault)?;
    if let Some(v) = data.iter().find(|v| !v.as_f64().is_some_and(ordinary)) {
        return Err(format!(
            "a support vector holds {v}, which is not an ordinary number"
        ));
    }
    Ok(())
}

fn svm_fault() -> String {
    "the support vector machine is not in the form MarketLens saves".to_owned()
}

fn check_segments(m: &SavedSegments) -> Result<(), String> {
    let columns = check_transform(&m.transform, &[])?;
    if m.centres.is_empty() {
        return Err("it has no segments".to_owned());
    }
    if m.names.len() != m.centres.len() {
        return Err(format!(
            "it has {} segments but {} segment names",
            m.centres.len(),
            m.names.len()
        ));
    }
    for (i, c) in m.centres.iter().enumerate() {
        if c.len() != columns {
            return Err(format!(
                "the centre of segment {} has {} values but its columns need {columns}",
                i + 1,
                c.len()
            ));
        }
        all_ordinary(&format!("the centre of segment {}", i + 1), c)?;
    }
    match &m.mixture {
        Some(mixture) => check_mixture(mixture, m.centres.len(), columns),
        None => Ok(()),
    }
}

fn check_mixture(m: &Mixture, segments: usize, columns: usize) -> Result<(), String> {
    if m.weights.len() != segments || m.means.len() != segments || m.covariances.len() != segments {
        return Err(format!(
            "it has {segments} segments but its mixture has {} shares, {} centres and {} \
             spreads",
            m.weights.len(),
            m.means.len(),
            m.covariances.len()
        ));
    }
    for (i, ((w, mean), cov)) in m
        .weights
        .iter()
        .zip(&m.means)
        .zip(&m.covariances)
        .enumerate()
    {
        let segment = i + 1;
        if !(ordinary(*w) && *w > 0.0 && *w <= 1.0) {
            return Err(format!(
                "the share of segment {segment} is {}; it must be above 0 and at most 1",
                show(*w)
            ));
        }
        if mean.len() != columns || cov.len() != columns.saturating_mul(columns) {
            return Err(format!(
                "the mixture of segment {segment} does not fit its {columns} columns"
            ));
        }
        all_ordinary(&format!("the mixture centre of segment {segment}"), mean)?;
        all_ordinary(&format!("the mixture spread of segment {segment}"), cov)?;
        if cholesky(cov, columns).is_none() {
            return Err(format!(
                "the spread of segment {segment} is not a possible one (its covariance is not \
                 positive definite)"
            ));
        }
    }
    let total: f64 = m.weights.iter().sum();
    if (total - 1.0).abs() > 1e-6 {
        return Err(format!(
            "the shares of the segments add up to {}, not 1",
            show(total)
        ));
    }
    Ok(())
}
