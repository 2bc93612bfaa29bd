//! Loading a CSV file into a [`Dataset`]: reading with progress and cancel, decoding,
//! sniffing the delimiter, parsing with polars, tidying column names and types, profiling.

use std::fs::File;
use std::io::{Cursor, ErrorKind, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::time::Instant;

use polars::prelude::*;

use super::clean;
use super::decode::{TextEncoding, to_utf8};
use super::profile::{map_columns, profile_column, suggest_roles};
use super::sniff::{Sniffed, delimiter_name, sniff};
use super::{Dataset, LoadError, LoadPhase, LoadProgress, LoadTimings};
use crate::jobs::Reporter;
use polars::io::mmap::MmapBytesReader;

const READ_CHUNK: usize = 4 * 1024 * 1024;
const SNIFF_BYTES: usize = 64 * 1024;

/// Where the bytes of a dataset come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    File(PathBuf),
    /// A sample bundled into the program: (file name, contents).
    Bundled(&'static str, &'static [u8]),
}

impl Source {
    pub fn display_name(&self) -> String {
        match self {
            Source::File(p) => file_label(p),
            Source::Bundled(name, _) => (*name).to_owned(),
        }
    }
}

/// The file name (or the whole path when it has none) for messages.
pub fn file_label(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// Load `source`, reporting progress and stopping early when cancelled.
pub fn load(source: &Source, reporter: &Reporter<LoadProgress>) -> Result<Dataset, LoadError> {
    let started = Instant::now();
    let mut dataset = match source {
        Source::File(path) => {
            let mut ds = load_file(path, reporter)?;
            // the full path, so that the recent-files list has one entry per file
            ds.path = Some(std::fs::canonicalize(path).unwrap_or_else(|_| path.clone()));
            ds
        }
        Source::Bundled(name, data) => {
            let mut ds = parse_bytes(name, data.to_vec(), reporter)?;
            ds.file_bytes = data.len() as u64;
            ds
        }
    };
    dataset.load_seconds = started.elapsed().as_secs_f64();
    Ok(dataset)
}

/// A file that starts as UTF-8 is handed to polars as a file (polars maps it into memory,
/// no copy); if it turns out not to be UTF-8 after all, or is small, or starts in another
/// encoding, it is read whole with progress and decoded first.
fn load_file(path: &Path, reporter: &Reporter<LoadProgress>) -> Result<Dataset, LoadError> {
    let file = file_label(path);
    let meta = std::fs::metadata(path).map_err(|e| io_error(path, &e))?;
    if meta.is_dir() {
        return Err(LoadError::IsDirectory { file });
    }
    let total = meta.len();
    let mut f = File::open(path).map_err(|e| io_error(path, &e))?;
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    (&mut f)
        .take(SNIFF_BYTES as u64)
        .read_to_end(&mut head)
        .map_err(|e| io_error(path, &e))?;
    drop(f);
    // (files with bare CR line ends, old Mac style, take the slow path, which converts them)
    if (head.len() as u64) < total
        && binary_kind(&head).is_none()
        && head.contains(&b'\n')
        && let Some(start) = utf8_start(&head)
    {
        let clock = Instant::now();
        reporter.report(LoadProgress {
            phase: LoadPhase::Parsing,
            done: 0,
            total,
        });
        let sniffed = sniff(&head[start..], true);
        let mut notices = Vec::new();
        let open = || -> PolarsResult<File> {
            let mut f = File::open(path)?;
            f.seek(SeekFrom::Start(start as u64))?;
            Ok(f)
        };
        match read_with_polars(&file, open, CsvEncoding::Utf8, &sniffed, &mut notices) {
            Ok(df) => {
                let parse = clock.elapsed().as_secs_f64();
                let mut ds = finish(&file, df, &sniffed, notices, TextEncoding::Utf8, reporter)?;
                ds.timings.parse = parse;
                ds.file_bytes = total;
                return Ok(ds);
            }
            // not UTF-8 further on: decode the whole file below
            Err(LoadError::Parse { reason, .. }) if reason.to_lowercase().contains("utf") => {}
            Err(e) => return Err(e),
        }
    }
    let clock = Instant::now();
    let bytes = read_file(path, total, reporter)?;
    let read = clock.elapsed().as_secs_f64();
    let mut ds = parse_bytes(&file, bytes, reporter)?;
    ds.timings.read = read;
    ds.file_bytes = total;
    Ok(ds)
}

/// Where the text starts (after a UTF-8 byte-order mark) if `head` is UTF-8; a character cut
/// off at the end of the sample is fine.
fn utf8_start(head: &[u8]) -> Option<usize> {
    let start = if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
        3
    } else {
        0
    };
    match std::str::from_utf8(&head[start..]) {
        Ok(_) => Some(start),
        Err(e) if e.error_len().is_none() => Some(start),
        Err(_) => None,
    }
}

/// Load a CSV file from disk without progress (CLI and tests).
pub fn load_path(path: &Path) -> Result<Dataset, LoadError> {
    load(&Source::File(path.to_path_buf()), &Reporter::silent())
}

fn read_file(
    path: &Path,
    total: u64,
    reporter: &Reporter<LoadProgress>,
) -> Result<Vec<u8>, LoadError> {
    let mut f = File::open(path).map_err(|e| io_error(path, &e))?;
    let mut bytes = Vec::with_capacity(usize::try_from(total).unwrap_or(0) + 1);
    loop {
        reporter.check()?;
        // read straight into the buffer, a chunk at a time, so progress can be shown
        match (&mut f).take(READ_CHUNK as u64).read_to_end(&mut bytes) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(io_error(path, &e)),
        }
        reporter.report_throttled(|| LoadProgress {
            phase: LoadPhase::Reading,
            done: bytes.len() as u64,
            total,
        });
    }
    Ok(bytes)
}

fn io_error(path: &Path, e: &std::io::Error) -> LoadError {
    let file = file_label(path);
    match e.kind() {
        ErrorKind::NotFound => LoadError::NotFound {
            file,
            path: path.display().to_string(),
        },
        ErrorKind::PermissionDenied => LoadError::Unreadable {
            file,
            reason: "permission denied (you are not allowed to read it)".to_owned(),
        },
        ErrorKind::IsADirectory => LoadError::IsDirectory { file },
        _ => LoadError::Unreadable {
            file,
            reason: e.to_string(),
        },
    }
}

/// What a binary file most likely is, from its first bytes.
fn binary_kind(head: &[u8]) -> Option<&'static str> {
    if head.starts_with(b"PK\x03\x04") {
        return Some(
            "it is an Excel workbook (.xlsx) or another zip archive, not CSV text. \
             In Excel use File \u{2192} Save As \u{2192} CSV, then open that file",
        );
    }
    if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Some(
            "it is an old Excel workbook (.xls), not CSV text. \
             In Excel use File \u{2192} Save As \u{2192} CSV, then open that file",
        );
    }
    if head.starts_with(b"%PDF") {
        return Some("it is a PDF document, not CSV text");
    }
    let utf16 = head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]);
    if !utf16 && head.contains(&0) {
        return Some("it contains binary data, not CSV text");
    }
    None
}

/// Parse CSV `bytes` (any encoding) that came from `file`.
pub fn parse_bytes(
    file: &str,
    bytes: Vec<u8>,
    reporter: &Reporter<LoadProgress>,
) -> Result<Dataset, LoadError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(LoadError::Empty {
            file: file.to_owned(),
        });
    }
    if let Some(what) = binary_kind(&bytes[..bytes.len().min(8192)]) {
        return Err(LoadError::NotText {
            file: file.to_owned(),
            what: what.to_owned(),
        });
    }
    reporter.check()?;
    reporter.report(LoadProgress {
        phase: LoadPhase::Parsing,
        done: 0,
        total: 0,
    });
    let clock = Instant::now();
    let (mut text, encoding) = to_utf8(bytes);
    reporter.check()?;
    // a byte-order mark and nothing else is an empty file too
    if text.iter().all(u8::is_ascii_whitespace) {
        return Err(LoadError::Empty {
            file: file.to_owned(),
        });
    }
    let mut notices: Vec<String> = encoding.notice().into_iter().collect();
    if !text.contains(&b'\n') && text.contains(&b'\r') {
        // old Mac line ends: polars splits lines on \n only
        for b in &mut text {
            if *b == b'\r' {
                *b = b'\n';
            }
        }
    }
    let sniffed = sniff(
        &text[..text.len().min(SNIFF_BYTES)],
        text.len() > SNIFF_BYTES,
    );
    let df = read_with_polars(
        file,
        || Ok(Cursor::new(text.as_slice())),
        CsvEncoding::LossyUtf8,
        &sniffed,
        &mut notices,
    )?;
    let parse = clock.elapsed().as_secs_f64();
    drop(text);
    let mut ds = finish(file, df, &sniffed, notices, encoding, reporter)?;
    ds.timings.parse = parse;
    Ok(ds)
}

/// From a parsed table to a dataset: names, types, profiles.
fn finish(
    file: &str,
    mut df: DataFrame,
    sniffed: &Sniffed,
    mut notices: Vec<String>,
    encoding: TextEncoding,
    reporter: &Reporter<LoadProgress>,
) -> Result<Dataset, LoadError> {
    reporter.check()?;
    let mut timings = LoadTimings::default();
    let clock = Instant::now();
    if df.height() == 0 {
        return Err(LoadError::HeaderOnly {
            file: file.to_owned(),
        });
    }
    if !sniffed.has_header {
        notices.push(
            "The first row holds numbers, so it was read as data; columns are named \
             column_1, column_2, \u{2026}"
                .to_owned(),
        );
    }
    if sniffed.has_header && sniffed.first_record.len() == df.width() {
        let (names, renamed) = clean::tidy_names(&sniffed.first_record);
        notices.extend(renamed);
        df.set_column_names(&names)
            .map_err(|e| parse_error(file, &e))?;
    }
    timings.tidy = clock.elapsed().as_secs_f64();
    // Column types are tidied and columns profiled together, one column per core at a time.
    let clock = Instant::now();
    let rows = df.height();
    let results = map_columns(df.columns(), reporter, |col| {
        let (new, notes) = clean::coerce_column(col).unwrap_or_else(|e| {
            (
                None,
                vec![format!(
                    "Column \u{201c}{}\u{201d} kept as text: {e}",
                    col.name()
                )],
            )
        });
        let col = new.unwrap_or_else(|| col.clone());
        let profile = profile_column(&col, rows);
        (col, profile, notes)
    })?;
    let mut cols = Vec::with_capacity(results.len());
    let mut columns = Vec::with_capacity(results.len());
    for (col, profile, notes) in results {
        cols.push(col);
        columns.push(profile);
        notices.extend(notes);
    }
    let df = DataFrame::new(rows, cols).map_err(|e| parse_error(file, &e))?;
    suggest_roles(&mut columns);
    timings.profile = clock.elapsed().as_secs_f64();
    Ok(Dataset {
        path: None,
        file_name: file.to_owned(),
        df,
        columns,
        notices,
        encoding,
        delimiter: delimiter_name(sniffed.delimiter),
        file_bytes: 0,
        load_seconds: 0.0,
        timings,
    })
}

fn read_with_polars<R: MmapBytesReader>(
    file: &str,
    open: impl Fn() -> PolarsResult<R>,
    encoding: CsvEncoding,
    sniffed: &Sniffed,
    notices: &mut Vec<String>,
) -> Result<DataFrame, LoadError> {
    // Null markers and dates are handled afterwards in `clean`, only on the text columns that
    // need it: asking polars to check every field for them triples the parse time.
    let read = |ragged: bool, infer: Option<usize>| {
        let parse = CsvParseOptions::default()
            .with_separator(sniffed.delimiter)
            .with_quote_char(Some(b'"'))
            .with_encoding(encoding)
            .with_missing_is_null(true)
            .with_truncate_ragged_lines(ragged);
        CsvReadOptions::default()
            .with_has_header(sniffed.has_header)
            .with_infer_schema_length(infer)
            .with_parse_options(parse)
            .with_raise_if_empty(false)
            .into_reader_with_file_handle(open()?)
            .finish()
    };
    let mut ragged = false;
    let mut infer = Some(10_000);
    // A few retries: ragged rows are truncated (with a notice); a type guess that fails later
    // in the file is retried with the whole file scanned.
    for _ in 0..3 {
        match read(ragged, infer) {
            Ok(df) => {
                if ragged {
                    notices.push(
                        "Some rows have more fields than the header; the extra fields were \
                         ignored."
                            .to_owned(),
                    );
                }
                return Ok(df);
            }
            Err(e) => {
                let msg = e.to_string();
                if !ragged && msg.contains("more fields") {
                    ragged = true;
                } else if infer.is_some() && msg.contains("could not parse") {
                    infer = None;
                } else {
                    return Err(parse_error(file, &e));
                }
            }
        }
    }
    read(ragged, infer).map_err(|e| parse_error(file, &e))
}

fn parse_error(file: &str, e: &PolarsError) -> LoadError {
    let raw = e.to_string();
    let first = raw.lines().next().unwrap_or("").trim().to_owned();
    LoadError::Parse {
        file: file.to_owned(),
        reason: first,
    }
}

impl From<crate::jobs::Cancelled> for LoadError {
    fn from(_: crate::jobs::Cancelled) -> Self {
        LoadError::Cancelled
    }
}
