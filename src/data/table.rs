//! What the data table needs from a DataFrame: cell text for a row, and a row order sorted by
//! a column (computed on a job thread for big files).

use polars::prelude::*;

use crate::jobs::{Cancelled, Reporter};

/// Longest cell text shown in the table; the rest is cut with an ellipsis so that a single
/// huge field (say 10 MB) never reaches the text layout.
pub const MAX_CELL_CHARS: usize = 200;

/// The text of one cell, and whether it is missing.
pub fn cell_text(col: &Column, row: usize) -> (String, bool) {
    let Ok(value) = col.get(row) else {
        return (String::new(), true);
    };
    let text = match value {
        AnyValue::Null => return ("\u{2014}".to_owned(), true),
        AnyValue::String(s) => truncate(s),
        AnyValue::StringOwned(s) => truncate(s.as_str()),
        AnyValue::Float64(v) => crate::cli::short_number(v),
        AnyValue::Float32(v) => crate::cli::short_number(f64::from(v)),
        AnyValue::Boolean(b) => b.to_string(),
        other => truncate(&other.to_string()),
    };
    (text, false)
}

fn truncate(s: &str) -> String {
    match s.char_indices().nth(MAX_CELL_CHARS) {
        Some((cut, _)) => format!("{}\u{2026}", &s[..cut]),
        None => s.to_owned(),
    }
}

/// Row numbers of `df` ordered by `column` (missing values last), ascending or descending.
pub fn sorted_order(
    df: &DataFrame,
    column: &str,
    descending: bool,
    reporter: &Reporter<()>,
) -> Result<Vec<u32>, String> {
    reporter
        .check()
        .map_err(|Cancelled| "cancelled".to_owned())?;
    let col = df.column(column).map_err(|e| e.to_string())?;
    let idx = col.arg_sort(SortOptions {
        descending,
        nulls_last: true,
        multithreaded: true,
        maintain_order: true,
        limit: None,
    });
    Ok(idx.into_no_null_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_cut() {
        let long = "x".repeat(10_000);
        let col = Column::new("t".into(), [long.as_str()]);
        let (text, missing) = cell_text(&col, 0);
        assert!(!missing);
        assert_eq!(text.chars().count(), MAX_CELL_CHARS + 1);
    }

    #[test]
    fn sort_puts_missing_last() {
        let df = DataFrame::new(
            3,
            vec![Column::new("a".into(), [Some(3.0), None, Some(1.0)])],
        )
        .expect("frame");
        let order = sorted_order(&df, "a", false, &Reporter::silent()).expect("sorted");
        assert_eq!(order, vec![2, 0, 1]);
        let order = sorted_order(&df, "a", true, &Reporter::silent()).expect("sorted");
        assert_eq!(order, vec![0, 2, 1]);
    }
}
