//! The yes/no outcome a classifier predicts: which value of the target column is "positive"
//! (churned, responded, bought…), rows without a target, and the seeded stratified split.

use polars::prelude::*;
use serde::Serialize;

use crate::data::roles::{FALSE_WORDS, TRUE_WORDS};

/// Words that mark the positive side of a two-valued target, beyond yes/true/1.
const POSITIVE_WORDS: [&str; 17] = [
    "churn",
    "churned",
    "left",
    "lost",
    "cancelled",
    "canceled",
    "responded",
    "response",
    "bought",
    "purchased",
    "buy",
    "clicked",
    "converted",
    "subscribed",
    "流失",
    "购买",
    "响应",
];

/// At most this many distinct values are accepted as a target without naming the positive one.
pub const MAX_TARGET_VALUES: usize = 10;

#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum TargetError {
    #[error("There is no column called \u{201c}{0}\u{201d}.")]
    NoSuchColumn(String),
    #[error("\u{201c}{0}\u{201d} has no values at all, so there is nothing to learn from.")]
    Empty(String),
    #[error(
        "\u{201c}{column}\u{201d} only ever says \u{201c}{value}\u{201d}: a model needs both \
         outcomes (for example customers who churned and who stayed) to learn the difference."
    )]
    OneClass { column: String, value: String },
    #[error(
        "\u{201c}{column}\u{201d} has {count} different values; a yes/no outcome has two. \
         Choose which value counts as positive, or use Drivers for a number to predict."
    )]
    TooManyValues { column: String, count: usize },
    #[error(
        "\u{201c}{column}\u{201d} has {count} values ({values}); choose which one counts as \
         positive."
    )]
    ChoosePositive {
        column: String,
        count: usize,
        values: String,
    },
    #[error("\u{201c}{column}\u{201d} never has the value \u{201c}{value}\u{201d}.")]
    NoSuchValue { column: String, value: String },
}

/// How the target column maps to yes/no.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Target {
    pub column: String,
    /// The value that counts as positive, as written in the file.
    pub positive: String,
    /// The other value(s), as written ("stayed"; or "3 other values").
    pub negative: String,
    /// Per row: `None` where the target is missing.
    pub labels: Vec<Option<bool>>,
    pub missing: usize,
    pub positives: usize,
    pub negatives: usize,
}

fn text_of(col: &Column) -> Vec<Option<String>> {
    let as_text = col.cast(&DataType::String);
    match as_text.as_ref().map(|c| c.str()) {
        Ok(Ok(ca)) => ca
            .iter()
            .map(|v| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()))
            .collect(),
        _ => vec![None; col.len()],
    }
}

/// Distinct values with counts, most frequent first (ties by value).
fn value_counts(values: &[Option<String>]) -> Vec<(String, usize)> {
    let mut counts: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for v in values.iter().flatten() {
        *counts.entry(v.as_str()).or_default() += 1;
    }
    let mut out: Vec<(String, usize)> =
        counts.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    out
}

fn is_positive_word(v: &str) -> bool {
    let w = v.trim().to_lowercase();
    TRUE_WORDS.contains(&w.as_str()) || POSITIVE_WORDS.contains(&w.as_str())
}

fn is_negative_word(v: &str) -> bool {
    FALSE_WORDS.contains(&v.trim().to_lowercase().as_str())
}

impl Target {
    /// "churn = yes": how the positive outcome is named in sentences and labels.
    pub fn positive_label(&self) -> String {
        format!("{} = {}", self.column, self.positive)
    }
}

/// Read `column` of `df` as a yes/no target. `positive` names the positive value; without
/// it a two-valued column is mapped automatically (yes/true/1/churned… positive; otherwise the
/// rarer value, which is what campaigns look for).
pub fn read_target(
    df: &DataFrame,
    column: &str,
    positive: Option<&str>,
) -> Result<Target, TargetError> {
    let col = df
        .column(column)
        .map_err(|_| TargetError::NoSuchColumn(column.to_owned()))?;
    let values = text_of(col);
    let counts = value_counts(&values);
    let name = column.to_owned();
    if counts.is_empty() {
        return Err(TargetError::Empty(name));
    }
    let positive = match positive.map(str::trim) {
        Some(p) => {
            // "1" also names 1.0, "Yes" also names "yes"
            let found = counts.iter().find(|(v, _)| {
                v == p
                    || v.eq_ignore_ascii_case(p)
                    || matches!((v.parse::<f64>(), p.parse::<f64>()), (Ok(a), Ok(b)) if a == b)
            });
            match found {
                Some((v, _)) => v.clone(),
                None => {
                    return Err(TargetError::NoSuchValue {
                        column: name,
                        value: p.to_owned(),
                    });
                }
            }
        }
        None => {
            if counts.len() == 1 {
                return Err(TargetError::OneClass {
                    column: name,
                    value: counts[0].0.clone(),
                });
            }
            if counts.len() > MAX_TARGET_VALUES {
                return Err(TargetError::TooManyValues {
                    column: name,
                    count: counts.len(),
                });
            }
            if counts.len() > 2 {
                return Err(TargetError::ChoosePositive {
                    column: name,
                    count: counts.len(),
                    values: counts
                        .iter()
                        .map(|(v, _)| v.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                });
            }
            let (a, b) = (&counts[0].0, &counts[1].0);
            if is_positive_word(a) && !is_positive_word(b) || is_negative_word(b) {
                a.clone()
            } else if is_positive_word(b) || is_negative_word(a) {
                b.clone()
            } else {
                // the rarer value (counts are sorted most frequent first)
                b.clone()
            }
        }
    };
    if counts.len() == 1 {
        return Err(TargetError::OneClass {
            column: name,
            value: positive,
        });
    }
    let negative = if counts.len() == 2 {
        counts
            .iter()
            .find(|(v, _)| *v != positive)
            .map(|(v, _)| v.clone())
            .unwrap_or_default()
    } else {
        format!("any of the {} other values", counts.len() - 1)
    };
    let labels: Vec<Option<bool>> = values
        .iter()
        .map(|v| v.as_ref().map(|v| *v == positive))
        .collect();
    let positives = labels.iter().filter(|l| **l == Some(true)).count();
    let negatives = labels.iter().filter(|l| **l == Some(false)).count();
    Ok(Target {
        column: name,
        positive,
        negative,
        missing: labels.len() - positives - negatives,
        labels,
        positives,
        negatives,
    })
}

/// SplitMix64: a tiny seeded generator whose stream is easy to reproduce elsewhere (the
/// reference script in tests/reference/ re-creates our split with it).
#[derive(Clone, Debug)]
pub struct SplitMix64(pub u64);

impl SplitMix64 {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform index in 0..n (n ≥ 1; the modulo bias is below 2⁻⁴⁰ for any table).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// Fisher–Yates shuffle from the last element down.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

/// Stratified split of the labelled rows: within each class (negatives first, then
/// positives) the row indices are shuffled and the first round(share · count) go to the test
/// part. Both parts come back in file order.
pub fn stratified_split(
    labels: &[Option<bool>],
    test_share: f64,
    seed: u64,
) -> (Vec<usize>, Vec<usize>) {
    let mut rng = SplitMix64(seed);
    let (mut train, mut test) = (Vec::new(), Vec::new());
    for class in [false, true] {
        let mut rows: Vec<usize> = (0..labels.len())
            .filter(|&i| labels[i] == Some(class))
            .collect();
        rng.shuffle(&mut rows);
        let n_test = (rows.len() as f64 * test_share).round() as usize;
        test.extend_from_slice(&rows[..n_test.min(rows.len())]);
        train.extend_from_slice(&rows[n_test.min(rows.len())..]);
    }
    train.sort_unstable();
    test.sort_unstable();
    (train, test)
}

/// Stratified k-fold: fold f's test rows for f in 0..k (each class shuffled, then dealt out
/// in turn), in file order.
pub fn stratified_folds(labels: &[Option<bool>], k: usize, seed: u64) -> Vec<Vec<usize>> {
    let mut rng = SplitMix64(seed);
    let mut folds = vec![Vec::new(); k.max(1)];
    let mut next = 0;
    for class in [false, true] {
        let mut rows: Vec<usize> = (0..labels.len())
            .filter(|&i| labels[i] == Some(class))
            .collect();
        rng.shuffle(&mut rows);
        for r in rows {
            let k = folds.len();
            folds[next % k].push(r);
            next += 1;
        }
    }
    folds.iter_mut().for_each(|f| f.sort_unstable());
    folds
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(values: &[Option<&str>]) -> DataFrame {
        DataFrame::new(
            values.len(),
            vec![Column::new("outcome".into(), values.to_vec())],
        )
        .expect("frame")
    }

    #[test]
    fn maps_common_yes_no_targets() {
        let t = read_target(
            &frame(&[Some("no"), Some("yes"), None, Some("no")]),
            "outcome",
            None,
        )
        .expect("target");
        assert_eq!((t.positive.as_str(), t.negative.as_str()), ("yes", "no"));
        assert_eq!(t.labels, [Some(false), Some(true), None, Some(false)]);
        assert_eq!((t.positives, t.negatives, t.missing), (1, 2, 1));
        let t = read_target(
            &frame(&[Some("stayed"), Some("churned"), Some("stayed")]),
            "outcome",
            None,
        )
        .expect("target");
        assert_eq!(t.positive, "churned");
        // numbers: 1 is positive even when it is the common value
        let df = DataFrame::new(3, vec![Column::new("y".into(), [1i64, 1, 0])]).expect("df");
        assert_eq!(read_target(&df, "y", None).expect("t").positive, "1");
        // neither side is a known word: the rarer one
        let t = read_target(&frame(&[Some("A"), Some("B"), Some("A")]), "outcome", None)
            .expect("target");
        assert_eq!(t.positive, "B");
    }

    #[test]
    fn clear_errors_for_unusable_targets() {
        let one = read_target(&frame(&[Some("yes"), Some("yes")]), "outcome", None);
        assert!(matches!(one, Err(TargetError::OneClass { .. })));
        let many: Vec<String> = (0..40).map(|i| format!("v{i}")).collect();
        let many: Vec<Option<&str>> = many.iter().map(|s| Some(s.as_str())).collect();
        let err = read_target(&frame(&many), "outcome", None).expect_err("40 values");
        assert!(err.to_string().contains("40 different values"), "{err}");
        // naming the positive value makes it one-against-the-rest
        let t = read_target(&frame(&many), "outcome", Some("v3")).expect("target");
        assert_eq!((t.positives, t.negatives), (1, 39));
        let three = read_target(&frame(&[Some("a"), Some("b"), Some("c")]), "outcome", None);
        assert!(matches!(
            three,
            Err(TargetError::ChoosePositive { count: 3, .. })
        ));
        let empty = read_target(&frame(&[None, None]), "outcome", None);
        assert!(matches!(empty, Err(TargetError::Empty(_))));
        let missing_value = read_target(&frame(&[Some("a"), Some("b")]), "outcome", Some("z"));
        assert!(matches!(
            missing_value,
            Err(TargetError::NoSuchValue { .. })
        ));
    }

    #[test]
    fn split_is_stratified_seeded_and_complete() {
        let labels: Vec<Option<bool>> = (0..1000)
            .map(|i| if i % 7 == 0 { None } else { Some(i % 4 == 0) })
            .collect();
        let (train, test) = stratified_split(&labels, 0.3, 42);
        let labelled = labels.iter().filter(|l| l.is_some()).count();
        assert_eq!(train.len() + test.len(), labelled);
        let pos = |rows: &[usize]| rows.iter().filter(|&&i| labels[i] == Some(true)).count();
        let all_pos = labels.iter().filter(|l| **l == Some(true)).count();
        assert_eq!(pos(&test), (all_pos as f64 * 0.3).round() as usize);
        assert_eq!(
            stratified_split(&labels, 0.3, 42),
            (train.clone(), test.clone())
        );
        assert_ne!(stratified_split(&labels, 0.3, 43).1, test);
        let folds = stratified_folds(&labels, 5, 1);
        let mut all: Vec<usize> = folds.concat();
        all.sort_unstable();
        assert_eq!(all.len(), labelled);
        assert!(
            folds
                .iter()
                .all(|f| (f.len() as i64 - labelled as i64 / 5).abs() <= 1)
        );
    }

    #[test]
    fn splitmix_matches_the_published_sequence() {
        // SplitMix64 seeded with 1234567: first outputs from the reference C implementation
        let mut r = SplitMix64(1234567);
        assert_eq!(r.next_u64(), 6457827717110365317);
        assert_eq!(r.next_u64(), 3203168211198807973);
    }
}
