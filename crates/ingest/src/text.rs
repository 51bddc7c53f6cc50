//! Turning downloaded bytes into text: UTF-8 with or without BOM, UTF-16 with
//! BOM, and Shift_JIS (CP932, as 介護サービス情報公表 and WAM NET publish older
//! files), optionally inside a zip archive. Never garbles: text that is neither
//! valid UTF-8 nor valid CP932 is an error naming the file.

use crate::{IngestError, IngestResult};
use encoding_rs::{Encoding, SHIFT_JIS, UTF_16BE, UTF_16LE, UTF_8};
use std::io::{Cursor, Read};

/// The encoding a file was read in, for the import report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceEncoding {
    /// UTF-8 without byte-order mark.
    Utf8,
    /// UTF-8 with byte-order mark (as Excel writes it).
    Utf8Bom,
    /// UTF-16 with byte-order mark.
    Utf16,
    /// Shift_JIS as Windows writes it (CP932 / Windows-31J).
    ShiftJis,
}

/// Decodes `bytes` read from `file` to a `String`, detecting the encoding.
///
/// ```
/// use renkei_ingest::text::{decode, SourceEncoding};
/// let (text, encoding) = decode("x.csv", b"\xEF\xBB\xBFname\n").unwrap();
/// assert_eq!((text.as_str(), encoding), ("name\n", SourceEncoding::Utf8Bom));
/// // 「病院」 in Shift_JIS
/// let (text, encoding) = decode("x.csv", &[0x95, 0x61, 0x89, 0x40]).unwrap();
/// assert_eq!((text.as_str(), encoding), ("病院", SourceEncoding::ShiftJis));
/// ```
pub fn decode(file: &str, bytes: &[u8]) -> IngestResult<(String, SourceEncoding)> {
    if let Some((encoding, bom_length)) = Encoding::for_bom(bytes) {
        let body = &bytes[bom_length..];
        let kind = if encoding == UTF_8 {
            SourceEncoding::Utf8Bom
        } else {
            SourceEncoding::Utf16
        };
        let decoder = if encoding == UTF_16LE || encoding == UTF_16BE {
            encoding
        } else {
            UTF_8
        };
        return strict(file, decoder, body).map(|text| (text, kind));
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok((text.to_owned(), SourceEncoding::Utf8));
    }
    strict(file, SHIFT_JIS, bytes).map(|text| (text, SourceEncoding::ShiftJis))
}

fn strict(file: &str, encoding: &'static Encoding, bytes: &[u8]) -> IngestResult<String> {
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    if had_errors {
        return Err(IngestError::Format {
            file: file.to_owned(),
            reason: format!(
                "the file is neither UTF-8 nor Shift_JIS (CP932) text; tried {}. Save it as UTF-8 CSV and try again",
                encoding.name()
            ),
        });
    }
    Ok(text.into_owned())
}

/// True when `bytes` start like a zip archive.
pub fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

/// The files inside a zip archive whose names end with one of `extensions`
/// (case-insensitive), as (name inside the archive, bytes), in archive order.
pub fn unzip(
    file: &str,
    bytes: &[u8],
    extensions: &[&str],
) -> IngestResult<Vec<(String, Vec<u8>)>> {
    let bad = |reason: String| IngestError::Format {
        file: file.to_owned(),
        reason,
    };
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| bad(format!("not a readable zip archive: {e}")))?;
    let mut found = Vec::new();
    for index in 0..archive.len() {
        let mut entry = archive
            .by_index(index)
            .map_err(|e| bad(format!("zip entry {index}: {e}")))?;
        let name = entry.name().to_owned();
        let lower = name.to_lowercase();
        if entry.is_dir() || !extensions.iter().any(|ext| lower.ends_with(ext)) {
            continue;
        }
        let mut content = Vec::with_capacity(usize::try_from(entry.size()).unwrap_or(0));
        entry
            .read_to_end(&mut content)
            .map_err(|e| bad(format!("zip entry {name}: {e}")))?;
        found.push((format!("{file}!{name}"), content));
    }
    if found.is_empty() {
        return Err(bad(format!(
            "the zip archive holds no {} file",
            extensions.join(" or ")
        )));
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_with_bom_is_read() {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in "訪問看護".encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        assert_eq!(
            decode("f", &bytes).unwrap(),
            ("訪問看護".to_owned(), SourceEncoding::Utf16)
        );
    }

    #[test]
    fn garbage_is_an_error_not_mojibake() {
        let err = decode("broken.csv", &[0x82, 0xFF, 0xFF, 0x00, 0x85])
            .unwrap_err()
            .to_string();
        assert!(err.contains("broken.csv") && err.contains("UTF-8"), "{err}");
    }

    #[test]
    fn cp932_extensions_decode() {
        // 「髙」 (IBM extension, FB FC in CP932) and the wave dash 「～」 (81 60).
        let (text, _) = decode("f", &[0xFB, 0xFC, 0x81, 0x60]).unwrap();
        assert_eq!(text, "髙～");
    }
}
