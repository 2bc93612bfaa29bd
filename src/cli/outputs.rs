//! What a command writes, checked before any work starts: every output is an ordinary file
//! (or `-`, standard output, for rows of CSV), no two outputs of one run share a path, no
//! output is an input. And printing that ends quietly when the reader goes away (`| head`).

use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

use super::Command;
use crate::data::save::{STDOUT, check_output};

/// One file a command will write.
pub struct Output<'a> {
    /// The flag that names it: "--out".
    pub flag: &'static str,
    pub path: &'a Path,
    /// Rows of CSV (may go to standard output as `-`).
    pub csv: bool,
}

/// The files `command` reads and writes, and whether it prints JSON.
pub fn plan(command: &Command) -> (Vec<&Path>, Vec<Output<'_>>, bool) {
    fn out<'a>(flag: &'static str, path: &'a Option<PathBuf>, csv: bool) -> Option<Output<'a>> {
        path.as_deref().map(|path| Output { flag, path, csv })
    }
    match command {
        Command::Inspect(a) => (vec![&a.file], vec![], a.json),
        Command::Segment(a) => (
            vec![&a.file],
            [
                out("--out", &a.out, true),
                out("--save-model", &a.save_model, false),
            ]
            .into_iter()
            .flatten()
            .collect(),
            a.json,
        ),
        Command::Classify(a) => (
            [Some(a.file.as_path()), a.test.as_deref()]
                .into_iter()
                .flatten()
                .collect(),
            [
                out("--scores", &a.scores, true),
                out("--save-model", &a.save_model, false),
            ]
            .into_iter()
            .flatten()
            .collect(),
            a.json,
        ),
        Command::Regress(a) => (
            [Some(a.file.as_path()), a.test.as_deref()]
                .into_iter()
                .flatten()
                .collect(),
            [
                out("--predictions", &a.predictions, true),
                out("--save-model", &a.save_model, false),
            ]
            .into_iter()
            .flatten()
            .collect(),
            a.json,
        ),
        Command::Forecast(a) => (
            vec![&a.file],
            out("--out", &a.out, true).into_iter().collect(),
            a.json,
        ),
        Command::Score(a) => (
            vec![&a.model, &a.data],
            vec![Output {
                flag: "--out",
                path: &a.out,
                csv: true,
            }],
            a.json,
        ),
    }
}

/// Refuse, before any work, outputs that are not ordinary files, that share a path, or that
/// are an input. Returns whether an output goes to standard output.
pub fn check(command: &Command) -> Result<bool, String> {
    let (inputs, outputs, json) = plan(command);
    let mut to_stdout = false;
    for (i, o) in outputs.iter().enumerate() {
        if o.path.as_os_str() == STDOUT {
            if !o.csv {
                return Err(format!(
                    "{} - : a model file cannot go to the screen or a pipe; give a file name \
                     (for example churn.mlmodel).",
                    o.flag
                ));
            }
            if json || to_stdout {
                return Err(format!(
                    "{} - sends the rows to standard output, so {} cannot use it too. Write the \
                     rows to a file, or leave out {}.",
                    o.flag,
                    if json { "--json" } else { "another output" },
                    if json { "--json" } else { "the other -" }
                ));
            }
            to_stdout = true;
            continue;
        }
        check_output(o.path).map_err(|e| format!("{} {}: {e}", o.flag, o.path.display()))?;
        if let Some(other) = outputs[..i].iter().find(|p| same_target(p.path, o.path)) {
            return Err(format!(
                "{} and {} name the same file ({}); each result needs a file of its own.",
                other.flag,
                o.flag,
                o.path.display()
            ));
        }
        if inputs.iter().any(|input| same_target(input, o.path)) {
            return Err(format!(
                "{} {} is an input file; results are never written over it. Choose a new \
                 file name.",
                o.flag,
                o.path.display()
            ));
        }
    }
    Ok(to_stdout)
}

/// Whether `a` and `b` name the same file, whether or not it exists yet.
fn same_target(a: &Path, b: &Path) -> bool {
    fn resolved(p: &Path) -> Option<PathBuf> {
        if let Ok(c) = std::fs::canonicalize(p) {
            return Some(c);
        }
        let parent = p.parent().filter(|d| !d.as_os_str().is_empty());
        let dir = std::fs::canonicalize(parent.unwrap_or(Path::new("."))).ok()?;
        Some(dir.join(p.file_name()?))
    }
    a == b || matches!((resolved(a), resolved(b)), (Some(x), Some(y)) if x == y)
}

/// Print `text` and a line end to standard output (or standard error); a reader that went
/// away (`marketlens … | head -c 10`) ends the program quietly, not with a panic.
pub fn print(text: &str, to_stderr: bool) -> std::io::Result<()> {
    let result = if to_stderr {
        writeln!(std::io::stderr().lock(), "{text}")
    } else {
        let mut out = std::io::stdout().lock();
        writeln!(out, "{text}").and_then(|()| out.flush())
    };
    match result {
        Err(e) if e.kind() == ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}
