//! What went wrong, in a marketer's words: the operating system's and the CSV parser's
//! errors turned into sentences that say which row or column and what to do.

use std::io::ErrorKind;

/// An I/O error as a reason ("you are not allowed to read it"), without the OS's
/// "(os error 13)".
pub fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        ErrorKind::NotFound => "it does not exist".to_owned(),
        ErrorKind::PermissionDenied => {
            "permission denied (you are not allowed to read it)".to_owned()
        }
        ErrorKind::IsADirectory => "it is a folder, not a file".to_owned(),
        ErrorKind::StorageFull => "the disk is full".to_owned(),
        ErrorKind::ReadOnlyFilesystem => "the disk is read-only".to_owned(),
        ErrorKind::InvalidData => "its contents could not be read".to_owned(),
        ErrorKind::TimedOut | ErrorKind::Interrupted => "reading it took too long".to_owned(),
        _ => {
            let raw = e.to_string();
            // "Input/output error (os error 5)" -> "input/output error"
            let text = raw.split(" (os error").next().unwrap_or(&raw).trim();
            let mut c = text.chars();
            match c.next() {
                Some(f) => f.to_lowercase().chain(c).collect(),
                None => "an unknown error".to_owned(),
            }
        }
    }
}

/// The 1-based line of `text` that byte `offset` falls on.
pub fn line_of(text: &[u8], offset: usize) -> usize {
    let end = offset.min(text.len());
    1 + text[..end].iter().filter(|&&b| b == b'\n').count()
}

/// A parser error (polars' first line) as a sentence about the file, using `text` (the file's
/// contents, after decoding) to turn byte offsets into line numbers.
pub fn parse_reason(raw: &str, text: &[u8]) -> String {
    let first = raw.lines().next().unwrap_or("").trim();
    if first.contains("the quotes of this file do not pair up") {
        return "its quote characters (\") do not pair up: a value that starts with a quote must \
                end with one, and a quote inside a value is written twice (\"\"). Check the \
                column names and the last rows in a text editor, or save the file again as CSV \
                from the program that made it"
            .to_owned();
    }
    if first.contains("malformed") || first.contains("expected") && first.contains("rows") {
        let at = number_after(first, "starting at byte")
            .or_else(|| number_after(first, "at byte"))
            .map(|b| line_of(text, b));
        let where_ = at.map_or_else(String::new, |l| format!(" near line {l}"));
        return format!(
            "the rows are not laid out consistently{where_}. Most often a quote character (\") \
             opens a text that is never closed, so the following lines run together. Open the \
             file in a text editor or a spreadsheet, fix that line (close or remove the stray \
             quote) and save it again"
        );
    }
    if first.contains("could not parse") {
        let column = quoted_after(first, "at column ").unwrap_or_default();
        let value = between(first, "`", "`").unwrap_or_default();
        let column = if column.is_empty() {
            "one column".to_owned()
        } else {
            format!("column \u{201c}{column}\u{201d}")
        };
        return format!(
            "{column} mixes kinds of values (for example \u{201c}{value}\u{201d} where numbers \
             were expected). Check that column in a spreadsheet: remove stray text or save the \
             file again as CSV"
        );
    }
    if first.contains("more fields") || first.contains("found more fields") {
        return "some rows have more values than there are column names. Check that every row \
                has as many separators (commas, semicolons or tabs) as the first row"
            .to_owned();
    }
    if first.to_lowercase().contains("utf") {
        return "it contains bytes that are not text. Save it again as CSV (UTF-8) from the \
                program that made it"
            .to_owned();
    }
    // Anything else: keep the parser's words but say what to do.
    let detail = first
        .trim_start_matches("ComputeError: ")
        .trim_start_matches("ComputeError(ErrString(\"")
        .trim_end_matches("\"))");
    format!(
        "it is not laid out as a table of rows and columns ({detail}). Open it in a spreadsheet \
         and save it again as CSV"
    )
}

fn number_after(s: &str, marker: &str) -> Option<usize> {
    let rest = &s[s.find(marker)? + marker.len()..];
    let digits: String = rest
        .trim_start()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

fn quoted_after(s: &str, marker: &str) -> Option<String> {
    let rest = &s[s.find(marker)? + marker.len()..];
    let q = rest.chars().next()?;
    if q != '\'' && q != '"' && q != '`' {
        return None;
    }
    let inner = &rest[q.len_utf8()..];
    Some(inner[..inner.find(q)?].to_owned())
}

fn between(s: &str, open: &str, close: &str) -> Option<String> {
    let start = s.find(open)? + open.len();
    let end = start + s[start..].find(close)?;
    let v = &s[start..end];
    // a very long value is shortened
    Some(if v.chars().count() > 30 {
        format!("{}\u{2026}", v.chars().take(30).collect::<String>())
    } else {
        v.to_owned()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parser_jargon_becomes_a_sentence_with_the_line_or_column() {
        let text = b"a,b\n1,2\n3,\"4\n5,6\n";
        let m = parse_reason(
            "CSV malformed: expected 1 rows, actual 7 rows, in chunk starting at byte 8",
            text,
        );
        assert!(m.contains("near line 3"), "{m}");
        assert!(m.contains("quote"), "{m}");
        assert!(!m.contains("chunk"), "{m}");
        let m = parse_reason(
            "could not parse `99999999999999999999` as dtype `i64` at column 'Price' (column number 2)",
            b"",
        );
        assert!(m.starts_with("column \u{201c}Price\u{201d} mixes"), "{m}");
        assert!(!m.contains("dtype"), "{m}");
    }

    #[test]
    fn os_errors_lose_their_codes() {
        let e = std::io::Error::from_raw_os_error(5);
        assert_eq!(io_reason(&e), "input/output error");
        let e = std::io::Error::from(ErrorKind::PermissionDenied);
        assert!(io_reason(&e).contains("not allowed"));
    }
}
