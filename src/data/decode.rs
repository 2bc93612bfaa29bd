//! Turning a file's bytes into UTF-8 text: byte-order marks, UTF-16, GBK/GB18030 (common for
//! files saved by Excel on Chinese Windows) and Windows-1252/Latin-1, so that any text file
//! opens, with a notice saying what was converted.

use encoding_rs::{GB18030, UTF_16BE, UTF_16LE, WINDOWS_1252};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextEncoding {
    Utf8,
    Utf16,
    Gbk,
    Windows1252,
    /// Mostly UTF-8 with some invalid byte sequences, which were replaced.
    LossyUtf8 {
        replaced: usize,
    },
}

impl TextEncoding {
    pub fn label(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Utf16 => "UTF-16",
            TextEncoding::Gbk => "GBK / GB18030 (Chinese)",
            TextEncoding::Windows1252 => "Windows-1252 / Latin-1",
            TextEncoding::LossyUtf8 { .. } => "UTF-8 with invalid bytes",
        }
    }

    /// A sentence for the user when the file was not plain UTF-8.
    pub fn notice(self) -> Option<String> {
        match self {
            TextEncoding::Utf8 => None,
            TextEncoding::Utf16 => Some("The file is UTF-16 text; it was converted.".to_owned()),
            TextEncoding::Gbk => {
                Some("The file is not UTF-8; it was read as GBK/GB18030 (Chinese) text.".to_owned())
            }
            TextEncoding::Windows1252 => Some(
                "The file is not UTF-8; it was read as Windows-1252 (Latin-1) text. \
                 Check that accented letters look right."
                    .to_owned(),
            ),
            TextEncoding::LossyUtf8 { replaced } => Some(format!(
                "The file has {replaced} invalid UTF-8 byte sequence(s); they are shown as \u{FFFD}."
            )),
        }
    }
}

/// Decode `bytes` to UTF-8. Valid UTF-8 comes back without copying.
pub fn to_utf8(mut bytes: Vec<u8>) -> (Vec<u8>, TextEncoding) {
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes.drain(..3);
    } else if bytes.starts_with(&[0xFF, 0xFE]) {
        let (text, _) = UTF_16LE.decode_without_bom_handling(&bytes[2..]);
        return (text.into_owned().into_bytes(), TextEncoding::Utf16);
    } else if bytes.starts_with(&[0xFE, 0xFF]) {
        let (text, _) = UTF_16BE.decode_without_bom_handling(&bytes[2..]);
        return (text.into_owned().into_bytes(), TextEncoding::Utf16);
    }
    if let Some(big_endian) = bomless_utf16(&bytes[..bytes.len().min(8192)]) {
        let codec = if big_endian { UTF_16BE } else { UTF_16LE };
        let (text, _) = codec.decode_without_bom_handling(&bytes);
        return (text.into_owned().into_bytes(), TextEncoding::Utf16);
    }
    if std::str::from_utf8(&bytes).is_ok() {
        return (bytes, TextEncoding::Utf8);
    }
    let (valid_multibyte, invalid) = utf8_tally(&bytes);
    if valid_multibyte > 0 && valid_multibyte >= 4 * invalid {
        let replaced = invalid;
        let text = String::from_utf8_lossy(&bytes).into_owned();
        return (text.into_bytes(), TextEncoding::LossyUtf8 { replaced });
    }
    if looks_like_gbk(&bytes)
        && let Some(text) = GB18030.decode_without_bom_handling_and_without_replacement(&bytes)
    {
        return (text.into_owned().into_bytes(), TextEncoding::Gbk);
    }
    let (text, _) = WINDOWS_1252.decode_without_bom_handling(&bytes);
    (text.into_owned().into_bytes(), TextEncoding::Windows1252)
}

/// UTF-16 text without a byte-order mark (`Some(true)` big-endian): in a CSV file the digits,
/// separators and line ends are ASCII, so one byte of each pair is zero far more often than
/// the other — in binary data both or neither are.
pub fn bomless_utf16(head: &[u8]) -> Option<bool> {
    let pairs = head.len() / 2;
    if pairs < 4 {
        return None;
    }
    let (mut even, mut odd) = (0usize, 0usize);
    for p in head.chunks_exact(2) {
        even += usize::from(p[0] == 0);
        odd += usize::from(p[1] == 0);
    }
    // a third of the characters ASCII, and the other byte zero at most a fifth as often (a
    // Chinese character such as 销, U+9500, has a zero byte too)
    let many = |n: usize| n * 10 >= pairs * 3;
    if many(odd) && even * 5 <= odd {
        Some(false)
    } else if many(even) && odd * 5 <= even {
        Some(true)
    } else {
        None
    }
}

/// Count valid multi-byte UTF-8 characters and invalid sequences.
fn utf8_tally(bytes: &[u8]) -> (usize, usize) {
    let mut valid_multibyte = 0;
    let mut invalid = 0;
    for chunk in bytes.utf8_chunks() {
        valid_multibyte += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        if !chunk.invalid().is_empty() {
            invalid += 1;
        }
    }
    (valid_multibyte, invalid)
}

/// In GBK text every non-ASCII byte starts a two-byte pair. Its second byte is above 0x7F for
/// all of GB2312 (evidence for GBK); 0x40–0x7E occurs for rarer characters but also after an
/// accented letter in Latin-1 ("Mü|l|ler"), so it counts for neither. A high byte followed by
/// a space, digit or punctuation below 0x40 cannot be GBK (evidence for Latin-1).
fn looks_like_gbk(bytes: &[u8]) -> bool {
    let (mut gbk, mut latin) = (0usize, 0usize);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            i += 1;
            continue;
        }
        match bytes.get(i + 1) {
            Some(&t) if (0x81..=0xFE).contains(&b) && t >= 0x80 && t != 0xFF => gbk += 1,
            Some(&t) if (0x81..=0xFE).contains(&b) && (0x40..=0x7E).contains(&t) => {}
            _ => latin += 1,
        }
        i += 2;
    }
    gbk > 0 && gbk >= 9 * latin
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_passes_through_and_bom_is_removed() {
        let (t, e) = to_utf8("城市,销售额\n".as_bytes().to_vec());
        assert_eq!(e, TextEncoding::Utf8);
        assert_eq!(t, "城市,销售额\n".as_bytes());
        let mut with_bom = vec![0xEF, 0xBB, 0xBF];
        with_bom.extend_from_slice(b"a,b\n");
        let (t, e) = to_utf8(with_bom);
        assert_eq!((t.as_slice(), e), (&b"a,b\n"[..], TextEncoding::Utf8));
    }

    #[test]
    fn gbk_is_decoded() {
        let (bytes, _, _) = encoding_rs::GBK.encode("城市,销售额\n北京,1200\n上海,980\n");
        let (t, e) = to_utf8(bytes.into_owned());
        assert_eq!(e, TextEncoding::Gbk);
        assert_eq!(
            String::from_utf8(t).ok().as_deref(),
            Some("城市,销售额\n北京,1200\n上海,980\n")
        );
    }

    #[test]
    fn gbk_with_extension_characters_is_still_gbk() {
        // 玥 and 堃 are GBK characters outside GB2312 whose second byte is below 0x80
        let (bytes, _, _) = encoding_rs::GBK.encode("姓名,城市\n王玥,北京\n李堃,上海\n张伟,广州\n");
        let (t, e) = to_utf8(bytes.into_owned());
        assert_eq!(e, TextEncoding::Gbk);
        assert!(String::from_utf8(t).is_ok_and(|s| s.contains("王玥")));
    }

    #[test]
    fn latin1_is_decoded() {
        let (bytes, _, _) = WINDOWS_1252.encode("name,city\nMüller,Köln\nJosé,Málaga\n");
        let (t, e) = to_utf8(bytes.into_owned());
        assert_eq!(e, TextEncoding::Windows1252);
        assert_eq!(
            String::from_utf8(t).ok().as_deref(),
            Some("name,city\nMüller,Köln\nJosé,Málaga\n")
        );
    }

    #[test]
    fn mostly_utf8_is_repaired_lossily() {
        let mut bytes = "城市,销售额\n北京,1200\n上海,980\n".as_bytes().to_vec();
        bytes.push(0xFF);
        bytes.extend_from_slice(b",1\n");
        let (t, e) = to_utf8(bytes);
        assert_eq!(e, TextEncoding::LossyUtf8 { replaced: 1 });
        assert!(String::from_utf8(t).is_ok());
    }

    #[test]
    fn utf16_with_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "a\tb\n1\t2\n".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        let (t, e) = to_utf8(bytes);
        assert_eq!(
            (t.as_slice(), e),
            (&b"a\tb\n1\t2\n"[..], TextEncoding::Utf16)
        );
    }
}
