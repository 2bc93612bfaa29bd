//! Guessing the shape of a CSV file from its first bytes: the delimiter and whether the first
//! row holds column names.

/// Delimiters we recognise, in order of preference when scores tie.
pub const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// How many bytes from the start of the file the sniffer looks at.
const SAMPLE_BYTES: usize = 64 * 1024;
/// How many records it looks at.
const SAMPLE_RECORDS: usize = 50;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sniffed {
    pub delimiter: u8,
    pub has_header: bool,
    /// The fields of the first record (column names when `has_header`).
    pub first_record: Vec<String>,
}

/// A readable name for a delimiter byte, for messages and the UI.
pub fn delimiter_name(d: u8) -> &'static str {
    match d {
        b',' => "comma",
        b';' => "semicolon",
        b'\t' => "tab",
        b'|' => "pipe",
        _ => "other",
    }
}

/// Split the start of `text` into records of fields, honouring double quotes.
/// The last record is dropped when the sample was cut off (`truncated`: the file goes on).
pub fn split_records(
    text: &[u8],
    delimiter: u8,
    max_records: usize,
    truncated: bool,
) -> Vec<Vec<String>> {
    let truncated = truncated || text.len() > SAMPLE_BYTES;
    let text = &text[..text.len().min(SAMPLE_BYTES)];
    let mut records = Vec::new();
    let mut record: Vec<String> = Vec::new();
    let mut field: Vec<u8> = Vec::new();
    let mut in_quotes = false;
    let mut i = 0;
    let mut complete = true;
    while i < text.len() {
        let b = text[i];
        complete = false;
        if in_quotes {
            if b == b'"' {
                if text.get(i + 1) == Some(&b'"') {
                    field.push(b'"');
                    i += 1;
                } else {
                    in_quotes = false;
                }
            } else {
                field.push(b);
            }
        } else if b == b'"' && field.is_empty() {
            in_quotes = true;
        } else if b == delimiter {
            record.push(String::from_utf8_lossy(&field).into_owned());
            field.clear();
        } else if b == b'\n' || b == b'\r' {
            if b == b'\r' && text.get(i + 1) == Some(&b'\n') {
                i += 1;
            }
            record.push(String::from_utf8_lossy(&field).into_owned());
            field.clear();
            let done = std::mem::take(&mut record);
            // skip blank lines
            if !(done.len() == 1 && done[0].is_empty()) {
                records.push(done);
            }
            complete = true;
            if records.len() >= max_records {
                return records;
            }
        } else {
            field.push(b);
        }
        i += 1;
    }
    if !complete && !(truncated) {
        record.push(String::from_utf8_lossy(&field).into_owned());
        if !(record.len() == 1 && record[0].is_empty()) {
            records.push(record);
        }
    }
    records
}

/// Pick the delimiter whose field count is most consistent (and greater than one) across
/// the first records, and decide whether the first record is a header. `truncated`: `text`
/// is only the start of the file.
pub fn sniff(text: &[u8], truncated: bool) -> Sniffed {
    let mut best: Option<(f64, usize, u8, Vec<Vec<String>>)> = None;
    for &d in &DELIMITERS {
        let records = split_records(text, d, SAMPLE_RECORDS, truncated);
        if records.is_empty() {
            continue;
        }
        let (mode, share) = mode_share(records.iter().map(Vec::len));
        if mode < 2 {
            continue;
        }
        let better = match &best {
            None => true,
            Some((s, m, _, _)) => share > *s + 1e-9 || ((share - *s).abs() <= 1e-9 && mode > *m),
        };
        if better {
            best = Some((share, mode, d, records));
        }
    }
    let (delimiter, records) = match best {
        Some((_, _, d, r)) => (d, r),
        None => (b',', split_records(text, b',', SAMPLE_RECORDS, truncated)),
    };
    let first_record = records.first().cloned().unwrap_or_default();
    let has_header = looks_like_header(&records);
    Sniffed {
        delimiter,
        has_header,
        first_record,
    }
}

/// The most common value and the share of items that have it.
fn mode_share(counts: impl Iterator<Item = usize>) -> (usize, f64) {
    let mut tally: Vec<(usize, usize)> = Vec::new();
    let mut n = 0usize;
    for c in counts {
        n += 1;
        match tally.iter_mut().find(|(v, _)| *v == c) {
            Some((_, k)) => *k += 1,
            None => tally.push((c, 1)),
        }
    }
    let (mode, k) = tally
        .into_iter()
        .max_by_key(|&(v, k)| (k, v))
        .unwrap_or((0, 0));
    (mode, if n == 0 { 0.0 } else { k as f64 / n as f64 })
}

fn is_numberish(s: &str) -> bool {
    let t = s.trim();
    !t.is_empty() && t.replace([',', '_'], "").parse::<f64>().is_ok()
}

/// A first record is data, not a header, when every one of its fields is a number while the
/// file has other rows (files of bare numbers); otherwise we assume column names.
fn looks_like_header(records: &[Vec<String>]) -> bool {
    let Some(first) = records.first() else {
        return true;
    };
    let all_numeric = first.iter().all(|f| is_numberish(f));
    !(all_numeric && records.len() > 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_each_delimiter() {
        for (text, d) in [
            ("a,b,c\n1,2,3\n4,5,6\n", b','),
            ("a;b;c\n1,5;2;3\n4;5;6\n", b';'),
            ("a\tb\tc\n1\t2\t3\n", b'\t'),
            ("a|b|c\n1|2|3\n", b'|'),
        ] {
            let s = sniff(text.as_bytes(), false);
            assert_eq!(s.delimiter, d, "{text:?}");
            assert!(s.has_header);
            assert_eq!(s.first_record, vec!["a", "b", "c"]);
        }
    }

    #[test]
    fn quoted_delimiters_do_not_count() {
        let text = "name,comment\n\"Lee; Ann\",\"x; y; z\"\n\"Bo; Li\",\"p; q\"\n";
        assert_eq!(sniff(text.as_bytes(), false).delimiter, b',');
    }

    #[test]
    fn numeric_first_row_is_data() {
        let s = sniff(b"1,2,3\n4,5,6\n", false);
        assert!(!s.has_header);
    }

    #[test]
    fn quoted_newline_and_escaped_quote() {
        let r = split_records(b"a,b\n\"x\ny\",\"say \"\"hi\"\"\"\n", b',', 10, false);
        assert_eq!(r, vec![vec!["a", "b"], vec!["x\ny", "say \"hi\""]]);
    }

    #[test]
    fn crlf_lines() {
        let s = sniff(b"a;b\r\n1;2\r\n", false);
        assert_eq!(s.delimiter, b';');
        assert_eq!(s.first_record, vec!["a", "b"]);
    }
}
