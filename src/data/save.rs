//! Writing results: always to a new file chosen by the user, never over the input, and
//! atomically (a temporary file in the same folder, renamed when complete).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use polars::prelude::*;

use super::load::file_label;

#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error(
        "\u{201c}{0}\u{201d} is the input file; results are never written over it. Choose a new file name."
    )]
    WouldOverwriteInput(String),
    #[error("Could not write \u{201c}{file}\u{201d}: {reason}")]
    Write { file: String, reason: String },
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Write `df` as CSV to `path` atomically; refuse when `path` is `input`.
pub fn write_csv_atomic(
    df: &mut DataFrame,
    path: &Path,
    input: Option<&Path>,
) -> Result<(), SaveError> {
    write_atomic(path, input, |w| {
        CsvWriter::new(w).finish(df).map_err(|e| e.to_string())
    })
}

/// Write a file atomically with `write`; refuse when `path` is `input`.
pub fn write_atomic(
    path: &Path,
    input: Option<&Path>,
    write: impl FnOnce(&mut BufWriter<File>) -> Result<(), String>,
) -> Result<(), SaveError> {
    let file = file_label(path);
    if input.is_some_and(|input| same_file(path, input)) {
        return Err(SaveError::WouldOverwriteInput(file));
    }
    let err = |e: &dyn std::fmt::Display| SaveError::Write {
        file: file.clone(),
        reason: e.to_string(),
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let tmp = dir.join(format!(".{file}.{}.tmp", std::process::id()));
    let result = (|| {
        let f = File::create(&tmp).map_err(|e| err(&e))?;
        let mut w = BufWriter::new(f);
        write(&mut w).map_err(|e| err(&e))?;
        w.flush().map_err(|e| err(&e))?;
        w.get_ref().sync_all().map_err(|e| err(&e))?;
        std::fs::rename(&tmp, path).map_err(|e| err(&e))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_new_file_and_refuses_the_input() {
        let dir = tempfile::tempdir().expect("tempdir");
        let input = dir.path().join("in.csv");
        std::fs::write(&input, b"a\n1\n").expect("write");
        let mut df = DataFrame::new(2, vec![Column::new("a".into(), [1i64, 2])]).expect("df");
        let out = dir.path().join("out.csv");
        write_csv_atomic(&mut df, &out, Some(&input)).expect("written");
        assert_eq!(std::fs::read_to_string(&out).expect("read"), "a\n1\n2\n");
        let err = write_csv_atomic(&mut df, &input, Some(&input)).expect_err("refused");
        assert!(err.to_string().contains("in.csv"));
        assert_eq!(std::fs::read(&input).expect("read"), b"a\n1\n");
        // no temporary files left behind
        assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 2);
    }
}
