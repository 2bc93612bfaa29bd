//! Writing results: always to a new file chosen by the user, never over the input, and
//! atomically (a temporary file in the same folder, renamed when complete).

use std::fs::File;
use std::io::{BufWriter, ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

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
    #[error(
        "Could not write \u{201c}{file}\u{201d}: it is {what}, not an ordinary file. Results \
         go only to ordinary files: give the name of a new file."
    )]
    NotAFile { file: String, what: &'static str },
}

/// The command line's name for standard output (CSV outputs only).
pub const STDOUT: &str = "-";

fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Write `df` as CSV to `path` atomically (`-`: to standard output); refuse when `path` is
/// `input`.
pub fn write_csv_atomic(
    df: &mut DataFrame,
    path: &Path,
    input: Option<&Path>,
) -> Result<(), SaveError> {
    if path.as_os_str() == STDOUT {
        let mut out = std::io::stdout().lock();
        return match CsvWriter::new(&mut out).finish(df) {
            // the reader went away (`| head`): nothing more to say
            Err(PolarsError::IO { error, .. }) if error.kind() == ErrorKind::BrokenPipe => Ok(()),
            Err(e) => Err(SaveError::Write {
                file: "standard output".to_owned(),
                reason: e.to_string(),
            }),
            Ok(()) => Ok(()),
        };
    }
    write_atomic(path, input, |w| {
        CsvWriter::new(w).finish(df).map_err(|e| e.to_string())
    })
}

/// Why `path` cannot be an output: it exists and is not an ordinary file (a folder, a
/// device, a link, a pipe), or it is `-`.
pub fn check_output(path: &Path) -> Result<(), SaveError> {
    let file = file_label(path);
    if path.as_os_str() == STDOUT {
        return Err(SaveError::NotAFile {
            file: "-".to_owned(),
            what: "standard output (only rows of CSV can go there)",
        });
    }
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return Ok(());
    };
    let kind = meta.file_type();
    let what = if kind.is_file() {
        return Ok(());
    } else if kind.is_symlink() {
        "a link to another file"
    } else if kind.is_dir() {
        "a folder"
    } else {
        special_kind(&kind)
    };
    Err(SaveError::NotAFile { file, what })
}

#[cfg(unix)]
fn special_kind(kind: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if kind.is_char_device() || kind.is_block_device() {
        "a device"
    } else if kind.is_fifo() || kind.is_socket() {
        "a pipe"
    } else {
        "a special file"
    }
}

#[cfg(not(unix))]
fn special_kind(_: &std::fs::FileType) -> &'static str {
    "a special file"
}

/// Temporary files being written right now: removed by [`remove_unfinished`] when the
/// program is interrupted (Ctrl-C) or the window closes mid-write.
static UNFINISHED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Remove every temporary file that is still being written. Safe to call from any thread,
/// at any time (the writers notice nothing until their next write fails).
pub fn remove_unfinished() {
    let list = UNFINISHED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    for p in list.iter() {
        let _ = std::fs::remove_file(p);
    }
}

/// On Ctrl-C, a closed terminal or `kill`: remove the temporary files being written, then
/// end as the signal would have (exit code 128 + its number). Installed once; later calls do
/// nothing.
pub fn remove_unfinished_on_interrupt() {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
            return;
        };
        let _ = std::thread::Builder::new()
            .name("interrupt".to_owned())
            .spawn(move || {
                if let Some(signal) = signals.forever().next() {
                    remove_unfinished();
                    std::process::exit(128 + signal);
                }
            });
    });
}

/// A temporary file on the list above for as long as this lives.
struct Unfinished(PathBuf);

impl Unfinished {
    fn new(path: PathBuf) -> Self {
        UNFINISHED
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(path.clone());
        Unfinished(path)
    }
}

impl Drop for Unfinished {
    fn drop(&mut self) {
        let mut list = UNFINISHED
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(i) = list.iter().position(|p| *p == self.0) {
            list.swap_remove(i);
        }
    }
}

/// Write a file atomically with `write`; refuse when `path` is `input`, a folder, a device,
/// a link or a pipe.
pub fn write_atomic(
    path: &Path,
    input: Option<&Path>,
    write: impl FnOnce(&mut BufWriter<File>) -> Result<(), String>,
) -> Result<(), SaveError> {
    let file = file_label(path);
    if input.is_some_and(|input| same_file(path, input)) {
        return Err(SaveError::WouldOverwriteInput(file));
    }
    check_output(path)?;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    // a writer's error is text; one that carries an OS error is said in words too
    let err = |e: &String| SaveError::Write {
        file: file.clone(),
        reason: os_code(e).map_or_else(
            || e.clone(),
            |code| folder_reason(dir, &std::io::Error::from_raw_os_error(code)),
        ),
    };
    let io_err = |e: &std::io::Error| SaveError::Write {
        file: file.clone(),
        reason: folder_reason(dir, e),
    };
    let tmp = dir.join(format!(".{file}.{}.tmp", std::process::id()));
    let guard = Unfinished::new(tmp.clone());
    let result = (|| {
        let f = File::create(&tmp).map_err(|e| io_err(&e))?;
        let mut w = BufWriter::new(f);
        write(&mut w).map_err(|e| err(&e))?;
        w.flush().map_err(|e| io_err(&e))?;
        w.get_ref().sync_all().map_err(|e| io_err(&e))?;
        std::fs::rename(&tmp, path).map_err(|e| io_err(&e))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    drop(guard);
    result
}

/// The N of "… (os error N)".
fn os_code(text: &str) -> Option<i32> {
    let rest = &text[text.find("os error ")? + "os error ".len()..];
    rest.chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .ok()
}

/// Why writing in `dir` failed, naming the folder and saying what to do.
fn folder_reason(dir: &Path, e: &std::io::Error) -> String {
    let folder = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    let folder = folder.display();
    match e.kind() {
        ErrorKind::NotFound => {
            format!(
                "the folder \u{201c}{folder}\u{201d} does not exist. Create it or choose another folder"
            )
        }
        ErrorKind::PermissionDenied | ErrorKind::ReadOnlyFilesystem => format!(
            "you cannot write in the folder \u{201c}{folder}\u{201d} (it is read-only or belongs \
             to someone else). Choose another folder"
        ),
        ErrorKind::StorageFull | ErrorKind::QuotaExceeded => {
            format!(
                "the disk holding \u{201c}{folder}\u{201d} is full. Free some space or choose another disk"
            )
        }
        ErrorKind::NotADirectory => {
            format!("\u{201c}{folder}\u{201d} is a file, not a folder. Choose a folder")
        }
        _ => format!(
            "{} (in the folder \u{201c}{folder}\u{201d})",
            super::messages::io_reason(e)
        ),
    }
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

    #[test]
    fn an_interrupted_write_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("rows.csv");
        let (wrote, interrupted) = (std::sync::Barrier::new(2), std::sync::Barrier::new(2));
        std::thread::scope(|s| {
            let writer = s.spawn(|| {
                write_atomic(&out, None, |w| {
                    w.write_all(b"a,b\n1,2\n").map_err(|e| e.to_string())?;
                    w.flush().map_err(|e| e.to_string())?;
                    wrote.wait();
                    // Ctrl-C arrives here: the handler removes the unfinished files
                    interrupted.wait();
                    Ok(())
                })
            });
            wrote.wait();
            let names = |d: &Path| -> Vec<String> {
                std::fs::read_dir(d)
                    .expect("dir")
                    .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
                    .collect()
            };
            let during = names(dir.path());
            assert!(
                during.len() == 1 && during[0].ends_with(".tmp"),
                "{during:?}"
            );
            remove_unfinished();
            interrupted.wait();
            assert!(writer.join().expect("joined").is_err());
            assert!(names(dir.path()).is_empty(), "{:?}", names(dir.path()));
        });
    }

    #[test]
    fn outputs_must_be_ordinary_files_in_folders_that_exist() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut df = DataFrame::new(1, vec![Column::new("a".into(), [1i64])]).expect("df");
        // a folder, a device, a link
        let e = write_csv_atomic(&mut df, dir.path(), None).expect_err("a folder");
        assert!(
            e.to_string()
                .contains("it is a folder, not an ordinary file"),
            "{e}"
        );
        let e = write_csv_atomic(&mut df, Path::new("/dev/full"), None).expect_err("a device");
        assert!(e.to_string().contains("it is a device"), "{e}");
        assert!(std::fs::metadata("/dev/full").is_ok_and(|m| !m.is_file()));
        #[cfg(unix)]
        {
            let target = dir.path().join("target.csv");
            std::fs::write(&target, b"keep").expect("write");
            let link = dir.path().join("link.csv");
            std::os::unix::fs::symlink(&target, &link).expect("symlink");
            let e = write_csv_atomic(&mut df, &link, None).expect_err("a link");
            assert!(e.to_string().contains("a link to another file"), "{e}");
            assert!(std::fs::symlink_metadata(&link).is_ok_and(|m| m.file_type().is_symlink()));
            assert_eq!(std::fs::read(&target).expect("read"), b"keep");
        }
        // a folder that does not exist is named
        let missing = dir.path().join("no such folder").join("out.csv");
        let e = write_csv_atomic(&mut df, &missing, None).expect_err("missing folder");
        let m = e.to_string();
        assert!(m.contains("no such folder\u{201d} does not exist"), "{m}");
        assert!(!m.contains("os error"), "{m}");
        // a file where a folder should be
        let file = dir.path().join("plain.txt");
        std::fs::write(&file, b"x").expect("write");
        let e = write_csv_atomic(&mut df, &file.join("out.csv"), None).expect_err("not a folder");
        assert!(e.to_string().contains("is a file, not a folder"), "{e}");
    }
}
