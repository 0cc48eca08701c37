//! Text of a CSV file: which encoding it is in and which delimiter it uses.
//!
//! DOMAIN §12: UTF-8 (with or without BOM) is always accepted; other encodings are transcoded
//! exactly or refused, never stored as mojibake. A UTF-16 file carries a BOM (Excel's "Unicode
//! text" does); a file that is not valid UTF-8 and has no BOM is read as Windows-1252, the
//! encoding Excel's plain "CSV" uses on Western-European Windows (a superset of Latin-1's
//! printable range) — unless it is UTF-8 with some damaged bytes, which is refused with the line.
//! Binary content (NUL bytes, control characters) is refused as not text.

use crate::file::FileRefused;
use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, WINDOWS_1252};
use std::borrow::Cow;

/// The encoding a file was read in, for the job's log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextEncoding {
    Utf8,
    Utf16Le,
    Utf16Be,
    Windows1252,
}

/// Whether `c` may appear in a text file (tabs and line breaks, no other control characters).
fn is_text_char(c: char) -> bool {
    !c.is_control() || matches!(c, '\t' | '\n' | '\r')
}

fn refuse_binary() -> FileRefused {
    FileRefused(
        "the file is not text: it contains binary data (is it a spreadsheet or an image saved with a .csv name?)"
            .into(),
    )
}

/// Decodes `bytes` whole with `encoding`, refusing malformed sequences instead of replacing them.
fn decode_strict<'a>(encoding: &'static Encoding, bytes: &'a [u8]) -> Result<Cow<'a, str>, FileRefused> {
    encoding.decode_without_bom_handling_and_without_replacement(bytes).ok_or_else(|| {
        FileRefused(format!("the file declares {} but is not valid {}", encoding.name(), encoding.name()))
    })
}

/// The text of a CSV file and the encoding it was found in.
pub fn decode(bytes: &[u8]) -> Result<(Cow<'_, str>, TextEncoding), FileRefused> {
    let (text, encoding) = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        let text = std::str::from_utf8(rest)
            .map_err(|_| FileRefused("the file starts as UTF-8 (BOM) but is not valid UTF-8".into()))?;
        (Cow::Borrowed(text), TextEncoding::Utf8)
    } else if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        (decode_strict(UTF_16LE, rest)?, TextEncoding::Utf16Le)
    } else if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        (decode_strict(UTF_16BE, rest)?, TextEncoding::Utf16Be)
    } else if bytes.iter().filter(|b| **b == 0).count() > bytes.len() / 8 {
        // Many NUL bytes in a BOM-less file: binary data, or UTF-16 without its BOM. A stray NUL
        // inside a field is a row error (DOMAIN §12), not a file error.
        return Err(refuse_binary());
    } else if let Ok(text) = std::str::from_utf8(bytes) {
        (Cow::Borrowed(text), TextEncoding::Utf8)
    } else if let Some(line) = broken_utf8_line(bytes) {
        return Err(FileRefused(format!(
            "the file is UTF-8 but line {line} holds bytes that are not valid UTF-8 (a damaged copy, or text \
             pasted from another encoding): save it again as UTF-8"
        )));
    } else {
        (decode_strict(WINDOWS_1252, bytes)?, TextEncoding::Windows1252)
    };
    // Control characters other than NUL (a row error), tab and line breaks mean binary content.
    if text.chars().any(|c| c != '\0' && !is_text_char(c)) {
        return Err(refuse_binary());
    }
    Ok((text, encoding))
}

/// The line of the first invalid sequence of a file that is otherwise UTF-8: one that holds
/// well-formed multi-byte UTF-8 characters. Read as Windows-1252 it would turn every one of them
/// into two wrong characters (`é` → `Ã©`) without a word; a file written in Windows-1252 almost
/// never holds such pairs (an accented capital followed by a symbol byte). `None` when there is
/// no multi-byte UTF-8 character: the file is not UTF-8.
fn broken_utf8_line(bytes: &[u8]) -> Option<usize> {
    let mut utf8_seen = false;
    let mut first_invalid = None;
    let mut offset = 0;
    for chunk in bytes.utf8_chunks() {
        utf8_seen |= !chunk.valid().is_ascii();
        offset += chunk.valid().len();
        if !chunk.invalid().is_empty() && first_invalid.is_none() {
            first_invalid = Some(offset);
        }
        offset += chunk.invalid().len();
    }
    let at = first_invalid.filter(|_| utf8_seen)?;
    Some(bytes[..at].iter().filter(|b| **b == b'\n').count() + 1)
}

/// The field delimiter of a CSV text: `,`, `;` or tab, whichever splits the header row (outside
/// quotes) into the most fields; `,` when none does.
pub fn sniff_delimiter(text: &str) -> u8 {
    let header = header_line(text);
    let mut best = (b',', 0usize);
    for candidate in [b',', b';', b'\t'] {
        let mut quoted = false;
        let mut count = 0;
        for b in header.bytes() {
            match b {
                b'"' => quoted = !quoted,
                b if b == candidate && !quoted => count += 1,
                _ => {}
            }
        }
        if count > best.1 {
            best = (candidate, count);
        }
    }
    best.0
}

/// The first physical line (a header never spans lines).
fn header_line(text: &str) -> &str {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    text.split(['\n', '\r']).next().unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_bom_is_read_as_is() {
        let (t, e) = decode("name\nCafé\n".as_bytes()).unwrap();
        assert_eq!((t.as_ref(), e), ("name\nCafé\n", TextEncoding::Utf8));
        let (t, _) = decode(b"\xEF\xBB\xBFname\nCaf\xC3\xA9\n").unwrap();
        assert_eq!(t, "name\nCafé\n");
    }

    #[test]
    fn utf16_with_a_bom_is_transcoded_exactly() {
        let mut le = vec![0xFF, 0xFE];
        le.extend("name\nZürich €\n".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(decode(&le).unwrap(), (Cow::Owned("name\nZürich €\n".into()), TextEncoding::Utf16Le));
        let mut be = vec![0xFE, 0xFF];
        be.extend("name\nZürich\n".encode_utf16().flat_map(u16::to_be_bytes));
        assert_eq!(decode(&be).unwrap().0, "name\nZürich\n");
    }

    #[test]
    fn latin1_and_windows1252_are_transcoded_not_mangled() {
        // "Café – 5 €" in Windows-1252: é = E9, en dash = 96, € = 80.
        let (t, e) = decode(b"name\nCaf\xE9 \x96 5 \x80\n").unwrap();
        assert_eq!((t.as_ref(), e), ("name\nCafé – 5 €\n", TextEncoding::Windows1252));
    }

    #[test]
    fn binary_and_broken_files_are_refused_with_a_reason() {
        let png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR";
        assert!(decode(png).unwrap_err().0.contains("not text"));
        assert!(decode(b"\xEF\xBB\xBFname\n\xFF\n").unwrap_err().0.contains("not valid UTF-8"));
        assert!(decode(b"\xFF\xFEn\x00a").unwrap_err().0.contains("UTF-16LE"), "odd byte count");
        assert!(decode(b"n\x00a\x00m\x00e\x00").unwrap_err().0.contains("not text"), "UTF-16 without BOM");
        assert!(decode(b"name\n\x1b[31mred\n").unwrap_err().0.contains("not text"), "escape codes");
        assert!(decode(b"name\nab\x00c\nd\n").is_ok(), "a NUL in a field is left to the row checks");
    }

    #[test]
    fn utf8_with_damaged_bytes_is_refused_with_its_line_not_read_as_windows_1252() {
        // "Zürich" in UTF-8, then a stray Latin-1 byte on line 3.
        let damaged = b"name,city\nA,Z\xC3\xBCrich\nB,Gen\xE8ve\n";
        let refused = decode(damaged).unwrap_err().0;
        assert!(refused.contains("line 3") && refused.contains("UTF-8"), "{refused}");
        // A damaged byte before the first multi-byte character counts just the same.
        let refused = decode(b"name\n\xE9t\xE9\nZ\xC3\xBCrich\n").unwrap_err().0;
        assert!(refused.contains("line 2"), "{refused}");
        // Without any multi-byte UTF-8 character, the bytes are Windows-1252's.
        assert_eq!(decode(b"name\nGen\xE8ve\n").unwrap().1, TextEncoding::Windows1252);
    }

    #[test]
    fn the_delimiter_is_the_one_that_splits_the_header() {
        assert_eq!(sniff_delimiter("a,b,c\n1;2,3\n"), b',');
        assert_eq!(sniff_delimiter("a;b;c\r\n1,5;2;3\r\n"), b';');
        assert_eq!(sniff_delimiter("a\tb\n"), b'\t');
        assert_eq!(sniff_delimiter("\"a;x\",b\n"), b',', "quoted delimiters do not count");
        assert_eq!(sniff_delimiter("name\nx\n"), b',');
    }
}
