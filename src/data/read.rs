//! Getting a file's bytes into memory, once: regular files with progress (and a check that
//! the file did not change while it was read), pipes and FIFOs as a stream up to a cap, `-`
//! as standard input. Devices (`/dev/zero`, a terminal) are refused: they never end.
//!
//! Files are read, never memory-mapped: a mapped file that shrinks while it is parsed (a CSV
//! still being exported by another program) kills the process with SIGBUS.

use std::fs::File;
use std::io::{ErrorKind, Read};
use std::path::Path;

use super::load::{binary_kind, file_label};
use super::{LoadError, LoadPhase, LoadProgress};
use crate::jobs::Reporter;

const READ_CHUNK: usize = 4 * 1024 * 1024;
/// The most a pipe or FIFO may bring: past this the input is refused (a pipe from a program
/// that never stops would otherwise fill the memory).
pub const STREAM_CAP: u64 = 4 * 1024 * 1024 * 1024;

/// The name of standard input on the command line.
pub const STDIN: &str = "-";

/// The label of `path` in messages: "standard input" for `-`.
pub fn input_label(path: &Path) -> String {
    if path.as_os_str() == STDIN {
        "standard input".to_owned()
    } else {
        file_label(path)
    }
}

/// Read all of `path` (`-`: standard input).
pub fn read_input(path: &Path, reporter: &Reporter<LoadProgress>) -> Result<Vec<u8>, LoadError> {
    let file = input_label(path);
    if path.as_os_str() == STDIN {
        return read_stream(std::io::stdin().lock(), &file, STREAM_CAP, reporter);
    }
    let meta = std::fs::metadata(path).map_err(|e| io_error(path, &e))?;
    let kind = meta.file_type();
    if kind.is_dir() {
        return Err(LoadError::IsDirectory { file });
    }
    if !kind.is_file() && !is_stream(&kind) {
        return Err(LoadError::NotAFile { file });
    }
    let mut f = File::open(path).map_err(|e| io_error(path, &e))?;
    if is_stream(&kind) {
        return read_stream(f, &file, STREAM_CAP, reporter);
    }
    // the length of the file that was opened (not of whatever the name points to later)
    let total = f.metadata().map_err(|e| io_error(path, &e))?.len();
    read_regular(&mut f, &file, total, reporter).map_err(|e| match e {
        ReadFailure::Io(e) => io_error(path, &e),
        ReadFailure::Load(e) => e,
    })
}

/// The largest model or project file read (a forest of many deep trees is a few MB).
pub const SMALL_FILE_CAP: u64 = 512 * 1024 * 1024;

/// Read a small file (a model, a project) whole: refused when it is a folder, a device or
/// a pipe, or longer than `cap` bytes, so that a damaged path cannot hang or fill memory.
pub fn read_small_file(path: &Path, cap: u64) -> Result<Vec<u8>, LoadError> {
    let file = file_label(path);
    let meta = std::fs::metadata(path).map_err(|e| io_error(path, &e))?;
    if meta.is_dir() {
        return Err(LoadError::IsDirectory { file });
    }
    if !meta.is_file() {
        return Err(LoadError::NotAFile { file });
    }
    let f = File::open(path).map_err(|e| io_error(path, &e))?;
    let mut bytes = Vec::new();
    f.take(cap + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| io_error(path, &e))?;
    if bytes.len() as u64 > cap {
        return Err(LoadError::TooLarge { file, cap });
    }
    Ok(bytes)
}

#[cfg(unix)]
fn is_stream(kind: &std::fs::FileType) -> bool {
    use std::os::unix::fs::FileTypeExt;
    kind.is_fifo() || kind.is_socket()
}

#[cfg(not(unix))]
fn is_stream(_: &std::fs::FileType) -> bool {
    false
}

pub(crate) enum ReadFailure {
    Io(std::io::Error),
    Load(LoadError),
}

impl From<LoadError> for ReadFailure {
    fn from(e: LoadError) -> Self {
        ReadFailure::Load(e)
    }
}

impl From<crate::jobs::Cancelled> for ReadFailure {
    fn from(_: crate::jobs::Cancelled) -> Self {
        ReadFailure::Load(LoadError::Cancelled)
    }
}

/// Read a regular file of `total` bytes (its length when opened) with progress. A file that
/// ends sooner or goes on longer changed while it was read: that is an error, not a crash
/// and not half a table.
pub(crate) fn read_regular(
    f: &mut impl Read,
    file: &str,
    total: u64,
    reporter: &Reporter<LoadProgress>,
) -> Result<Vec<u8>, ReadFailure> {
    let mut bytes = Vec::with_capacity(usize::try_from(total).unwrap_or(0).saturating_add(1));
    loop {
        reporter.check()?;
        // read straight into the buffer, a chunk at a time, so progress can be shown
        match f.by_ref().take(READ_CHUNK as u64).read_to_end(&mut bytes) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(ReadFailure::Io(e)),
        }
        if bytes.len() as u64 > total {
            break;
        }
        reporter.report_throttled(|| LoadProgress {
            phase: LoadPhase::Reading,
            done: bytes.len() as u64,
            total,
        });
    }
    if bytes.len() as u64 != total {
        return Err(LoadError::Changed {
            file: file.to_owned(),
            before: total,
            after: bytes.len() as u64,
        }
        .into());
    }
    Ok(bytes)
}

/// Read a pipe, FIFO or standard input to its end, refusing binary data as soon as it shows
/// and anything longer than `cap` bytes.
pub(crate) fn read_stream(
    mut r: impl Read,
    file: &str,
    cap: u64,
    reporter: &Reporter<LoadProgress>,
) -> Result<Vec<u8>, LoadError> {
    let mut bytes = Vec::new();
    let mut checked = false;
    loop {
        reporter.check()?;
        let before = bytes.len();
        match (&mut r).take(READ_CHUNK as u64).read_to_end(&mut bytes) {
            Ok(_) => {}
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => {
                return Err(LoadError::Unreadable {
                    file: file.to_owned(),
                    reason: super::messages::io_reason(&e),
                });
            }
        }
        let ended = bytes.len() == before;
        if !checked && (bytes.len() >= 8192 || ended) {
            checked = true;
            if let Some(what) = binary_kind(&bytes[..bytes.len().min(8192)]) {
                return Err(LoadError::NotText {
                    file: file.to_owned(),
                    what: what.to_owned(),
                });
            }
        }
        if ended {
            return Ok(bytes);
        }
        if bytes.len() as u64 > cap {
            return Err(LoadError::TooLong {
                file: file.to_owned(),
                cap,
            });
        }
        reporter.report_throttled(|| LoadProgress {
            phase: LoadPhase::Reading,
            done: bytes.len() as u64,
            total: 0,
        });
    }
}

pub(crate) fn io_error(path: &Path, e: &std::io::Error) -> LoadError {
    let file = input_label(path);
    match e.kind() {
        ErrorKind::NotFound => LoadError::NotFound {
            file,
            path: path.display().to_string(),
        },
        ErrorKind::IsADirectory => LoadError::IsDirectory { file },
        _ => LoadError::Unreadable {
            file,
            reason: super::messages::io_reason(e),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that gives `n` bytes of `a,b\n1,2\n…` and then ends: a file that was
    /// truncated by another program after its length was taken.
    struct Shrinking {
        left: usize,
    }

    impl Read for Shrinking {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = buf.len().min(self.left).min(7);
            for (i, b) in buf[..n].iter_mut().enumerate() {
                *b = b"1,2\n"[i % 4];
            }
            self.left -= n;
            Ok(n)
        }
    }

    fn message(r: Result<Vec<u8>, ReadFailure>) -> String {
        match r {
            Ok(_) => "read".to_owned(),
            Err(ReadFailure::Io(e)) => format!("io: {e}"),
            Err(ReadFailure::Load(e)) => e.to_string(),
        }
    }

    #[test]
    fn a_file_that_shrinks_while_read_is_an_error_not_a_crash() {
        let r = read_regular(
            &mut Shrinking { left: 100 },
            "t.csv",
            1_000_000,
            &Reporter::silent(),
        );
        let m = message(r);
        assert!(
            m.contains("\u{201c}t.csv\u{201d} changed while it was read"),
            "{m}"
        );
        assert!(m.contains("wait until"), "{m}");
        // and one that grew
        let r = read_regular(
            &mut Shrinking { left: 100 },
            "t.csv",
            10,
            &Reporter::silent(),
        );
        assert!(message(r).contains("changed while it was read"));
        // the right length reads
        let r = read_regular(
            &mut Shrinking { left: 100 },
            "t.csv",
            100,
            &Reporter::silent(),
        );
        assert_eq!(message(r), "read");
    }

    #[test]
    fn a_stream_that_never_ends_is_refused_at_the_cap() {
        let endless = std::io::repeat(b'a');
        let err = read_stream(endless, "pipe", 10 * 1024 * 1024, &Reporter::silent())
            .expect_err("capped");
        let m = err.to_string();
        assert!(m.contains("More than 10 MB"), "{m}");
        // binary data is refused from its first bytes
        let zeros = std::io::repeat(0);
        let err =
            read_stream(zeros, "zero.csv", u64::MAX, &Reporter::silent()).expect_err("binary");
        assert!(err.to_string().contains("binary data"), "{err}");
    }
}
