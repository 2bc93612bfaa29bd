//! Loading a CSV file into a [`Dataset`]: reading with progress and cancel, decoding,
//! sniffing the delimiter, parsing with polars, tidying column names and types, profiling.

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::time::Instant;

use polars::prelude::*;

use super::clean;
use super::decode::{TextEncoding, bomless_utf16, to_utf8};
use super::messages::parse_reason;
use super::profile::{map_columns, profile_column, suggest_roles};
use super::read::{input_label, read_input};
use super::sniff::{Sniffed, delimiter_name, sniff};
use super::{Dataset, LoadError, LoadPhase, LoadProgress, LoadTimings};
use crate::jobs::Reporter;

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

/// Read the file (or pipe, or standard input) once into memory, then parse it. The file is
/// not memory-mapped: one that shrinks while it is read gives a message, not a crash.
fn load_file(path: &Path, reporter: &Reporter<LoadProgress>) -> Result<Dataset, LoadError> {
    let file = input_label(path);
    let clock = Instant::now();
    let bytes = read_input(path, reporter)?;
    let read = clock.elapsed().as_secs_f64();
    let total = bytes.len() as u64;
    let mut ds = parse_bytes(&file, bytes, reporter)?;
    ds.timings.read = read;
    ds.file_bytes = total;
    Ok(ds)
}

/// Load a CSV file from disk without progress (CLI and tests); `-` reads standard input.
pub fn load_path(path: &Path) -> Result<Dataset, LoadError> {
    load(&Source::File(path.to_path_buf()), &Reporter::silent())
}

/// What a binary file most likely is, from its first bytes.
pub(crate) fn binary_kind(head: &[u8]) -> Option<&'static str> {
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
    let utf16 = head.starts_with(&[0xFF, 0xFE])
        || head.starts_with(&[0xFE, 0xFF])
        || bomless_utf16(head).is_some();
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
    let skip = leading_comments(&text);
    if skip.lines > 0 {
        notices.push(format!(
            "The first {} started with # and {} skipped as comments.",
            if skip.lines == 1 {
                "line".to_owned()
            } else {
                format!("{} lines", skip.lines)
            },
            if skip.lines == 1 { "was" } else { "were" }
        ));
        text.drain(..skip.bytes);
    }
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
    if text.iter().all(u8::is_ascii_whitespace) {
        return Err(LoadError::Empty {
            file: file.to_owned(),
        });
    }
    // (the text is valid UTF-8 whatever the file's encoding was: `to_utf8` made it so)
    let df = read_with_polars(file, &text, &sniffed, &mut notices)?;
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
            .map_err(|e| parse_error(file, &e, b""))?;
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
    let df = DataFrame::new(rows, cols).map_err(|e| parse_error(file, &e, b""))?;
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

/// One polars read of `text` with these settings.
fn read_once(
    text: &[u8],
    sniffed: &Sniffed,
    ragged: bool,
    infer: Option<usize>,
    as_text: &[String],
) -> PolarsResult<DataFrame> {
    let parse = CsvParseOptions::default()
        .with_separator(sniffed.delimiter)
        .with_quote_char(Some(b'"'))
        .with_encoding(CsvEncoding::Utf8)
        .with_missing_is_null(true)
        .with_truncate_ragged_lines(ragged);
    let overwrite = (!as_text.is_empty()).then(|| {
        Arc::new(Schema::from_iter(
            as_text
                .iter()
                .map(|c| Field::new(c.as_str().into(), DataType::String)),
        ))
    });
    CsvReadOptions::default()
        .with_has_header(sniffed.has_header)
        .with_infer_schema_length(infer)
        .with_schema_overwrite(overwrite)
        .with_parse_options(parse)
        .with_raise_if_empty(false)
        .into_reader_with_file_handle(Cursor::new(text))
        .finish()
}

/// What polars' reader is told to say when it gave up on the file's quoting by panicking
/// (see [`parse_error`], which puts it in a marketer's words).
const MISMATCHED_QUOTES: &str = "MarketLens: the quotes of this file do not pair up";

/// While alive, panics raised inside polars (on any thread) are not printed on the
/// terminal: [`read_with_polars`] turns them into a message.
struct QuietPanics;

impl QuietPanics {
    fn start() -> Self {
        crate::QUIET_POLARS_PANICS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        QuietPanics
    }
}

impl Drop for QuietPanics {
    fn drop(&mut self) {
        crate::QUIET_POLARS_PANICS.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
}

fn read_with_polars(
    file: &str,
    text: &[u8],
    sniffed: &Sniffed,
    notices: &mut Vec<String>,
) -> Result<DataFrame, LoadError> {
    // Null markers and dates are handled afterwards in `clean`, only on the text columns that
    // need it: asking polars to check every field for them triples the parse time.
    let read = |ragged: bool, infer: Option<usize>, as_text: &[String]| {
        // polars' CSV reader panics on a few malformed files (a quote in the middle of a
        // quoted header followed by a row cut off inside quotes): such a panic is one more
        // file that cannot be read, said in plain words
        let _quiet = QuietPanics::start();
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            read_once(text, sniffed, ragged, infer, as_text)
        }))
        .unwrap_or_else(|_| Err(PolarsError::ComputeError(MISMATCHED_QUOTES.into())))
    };
    let mut ragged = false;
    let mut infer = Some(10_000);
    let mut as_text: Vec<String> = Vec::new();
    // A few retries: ragged rows are truncated (with a notice); a type guess that fails later
    // in the file is retried with the whole file scanned; a column that still does not parse
    // (an integer wider than 64 bits, say) is read as text and tidied by `clean`.
    for _ in 0..MAX_RETRIES {
        match read(ragged, infer, &as_text) {
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
                } else if let Some(column) = unparsed_column(&msg)
                    && !as_text.contains(&column)
                {
                    as_text.push(column);
                } else {
                    return Err(parse_error(file, &e, text));
                }
            }
        }
    }
    read(ragged, infer, &as_text).map_err(|e| parse_error(file, &e, text))
}

/// How often reading is retried with a changed setting.
const MAX_RETRIES: usize = 12;

/// The column named in polars' "could not parse `…` as dtype `i64` at column 'Price'".
fn unparsed_column(msg: &str) -> Option<String> {
    let first = msg.lines().next()?;
    if !first.contains("could not parse") {
        return None;
    }
    let rest = &first[first.find("at column '")? + "at column '".len()..];
    Some(rest[..rest.rfind('\'')?].to_owned())
}

/// Lines at the start of a file that begin with `#` (comments some exporters write above
/// the header).
struct Skip {
    lines: usize,
    bytes: usize,
}

fn leading_comments(text: &[u8]) -> Skip {
    let mut skip = Skip { lines: 0, bytes: 0 };
    while text.get(skip.bytes) == Some(&b'#') {
        match text[skip.bytes..].iter().position(|&b| b == b'\n') {
            Some(end) => skip.bytes += end + 1,
            None => skip.bytes = text.len(),
        }
        skip.lines += 1;
    }
    skip
}

fn parse_error(file: &str, e: &PolarsError, text: &[u8]) -> LoadError {
    LoadError::Parse {
        file: file.to_owned(),
        reason: parse_reason(&e.to_string(), text),
    }
}

impl From<crate::jobs::Cancelled> for LoadError {
    fn from(_: crate::jobs::Cancelled) -> Self {
        LoadError::Cancelled
    }
}
