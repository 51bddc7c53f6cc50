//! Turning downloaded bytes into text: UTF-8 with or without BOM, UTF-16 with
//! BOM, and Shift_JIS (CP932, as 介護サービス情報公表 and WAM NET publish older
//! files), optionally inside a zip archive. Never garbles: text that is neither
//! valid UTF-8 nor valid CP932 is an error naming the file.

use crate::limits::Limits;
use crate::{IngestError, IngestResult};
use encoding_rs::{Encoding, SHIFT_JIS, UTF_8};
use std::io::{Cursor, Read, Seek, SeekFrom};

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
    let mut reader = DecodingReader::new(bytes);
    let mut text = String::with_capacity(bytes.len());
    reader
        .read_to_string(&mut text)
        .map_err(|e| read_error(file, e))?;
    Ok((text, reader.encoding()))
}

/// True when `bytes` start like a zip archive.
pub fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

/// The files inside a zip archive whose names end with one of `extensions`
/// (case-insensitive), as (name inside the archive, bytes), in archive order,
/// each within the default [`Limits`] (size and expansion ratio).
pub fn unzip(
    file: &str,
    bytes: &[u8],
    extensions: &[&str],
) -> IngestResult<Vec<(String, Vec<u8>)>> {
    let mut found = Vec::new();
    for_each_member(
        file,
        Cursor::new(bytes),
        extensions,
        &Limits::default(),
        |name, reader| {
            let mut content = Vec::new();
            reader
                .read_to_end(&mut content)
                .map_err(|e| read_error(&name, e))?;
            found.push((name, content));
            Ok(())
        },
    )?;
    Ok(found)
}

/// Calls `each` with the name and a reader of every file `input` holds: the
/// input itself, or each member of a zip whose name ends with one of
/// `extensions` (case-insensitive; a zip member is named
/// `archive.zip!member.csv`). The readers enforce `limits`: at most
/// [`Limits::max_file_bytes`] in all (uncompressed), and no member expanding
/// more than [`Limits::max_zip_ratio`] times; beyond that the read fails with
/// an error [`read_error`] turns into a plain message.
pub fn for_each_member<R: Read + Seek>(
    file: &str,
    mut input: R,
    extensions: &[&str],
    limits: &Limits,
    mut each: impl FnMut(String, &mut dyn Read) -> IngestResult<()>,
) -> IngestResult<()> {
    let bad = |reason: String| IngestError::Format {
        file: file.to_owned(),
        reason,
    };
    let io = |source| IngestError::Io {
        file: file.to_owned(),
        source,
    };
    let mut magic = [0_u8; 4];
    let read = read_up_to(&mut input, &mut magic).map_err(io)?;
    input.seek(SeekFrom::Start(0)).map_err(io)?;
    if !is_zip(&magic[..read]) {
        let mut limited = Limited::new(input, limits.max_file_bytes, None, file);
        return each(file.to_owned(), &mut limited);
    }
    let mut archive =
        zip::ZipArchive::new(input).map_err(|e| bad(format!("not a readable zip archive: {e}")))?;
    let mut budget = limits.max_file_bytes;
    let mut members = 0;
    for index in 0..archive.len() {
        let entry = archive
            .by_index(index)
            .map_err(|e| bad(format!("zip entry {index}: {e}")))?;
        let name = entry.name().to_owned();
        let lower = name.to_lowercase();
        if entry.is_dir()
            || lower.contains("__macosx")
            || !extensions.iter().any(|ext| lower.ends_with(ext))
        {
            continue;
        }
        let member = format!("{file}!{name}");
        if entry.size() > budget {
            return Err(IngestError::Format {
                file: member,
                reason: format!(
                    "the zip member says it expands to {} bytes, more than the {} bytes an import reads (--max-file-mb)",
                    entry.size(),
                    budget
                ),
            });
        }
        let ratio_cap = entry
            .compressed_size()
            .max(1)
            .saturating_mul(limits.max_zip_ratio);
        let mut limited = Limited::new(
            entry,
            budget,
            Some((ratio_cap, limits.max_zip_ratio)),
            &member,
        );
        each(member, &mut limited)?;
        budget = budget.saturating_sub(limited.read);
        members += 1;
    }
    if members == 0 {
        return Err(bad(format!(
            "the zip archive holds no {} file",
            extensions.join(" or ")
        )));
    }
    Ok(())
}

/// Reads until `buffer` is full or the input ends; returns how much was read.
fn read_up_to(input: &mut impl Read, buffer: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        match input.read(&mut buffer[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

/// An input refused while it was read (a limit, an encoding error), carried
/// inside an [`std::io::Error`] through readers such as the CSV parser's.
#[derive(Debug)]
pub(crate) struct Refused(pub(crate) String);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refused {}

impl Refused {
    /// The I/O error that carries `reason`.
    pub(crate) fn io(reason: String) -> std::io::Error {
        std::io::Error::new(std::io::ErrorKind::InvalidData, Refused(reason))
    }
}

/// A failed read of `file` as an import error: a refusal (a limit, an
/// encoding error) becomes a format error with its plain message.
pub fn read_error(file: &str, error: std::io::Error) -> IngestError {
    match error.get_ref().and_then(|e| e.downcast_ref::<Refused>()) {
        Some(refused) => IngestError::Format {
            file: file.to_owned(),
            reason: refused.0.clone(),
        },
        None => IngestError::Io {
            file: file.to_owned(),
            source: error,
        },
    }
}

/// A reader that fails once more than `max` bytes (or, for a zip member,
/// `ratio_cap` bytes: compressed size × ratio) have come through.
struct Limited<R> {
    inner: R,
    max: u64,
    ratio_cap: Option<(u64, u64)>,
    read: u64,
    file: String,
}

impl<R> Limited<R> {
    fn new(inner: R, max: u64, ratio_cap: Option<(u64, u64)>, file: &str) -> Self {
        Self {
            inner,
            max,
            ratio_cap,
            read: 0,
            file: file.to_owned(),
        }
    }
}

impl<R: Read> Read for Limited<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        if self.read > self.max {
            return Err(Refused::io(format!(
                "{} is larger than {} bytes (uncompressed), the most an import reads; if the file is right, raise the limit with --max-file-mb",
                self.file, self.max
            )));
        }
        if let Some((cap, ratio)) = self.ratio_cap.filter(|(cap, _)| self.read > *cap) {
            return Err(Refused::io(format!(
                "{} expands to more than {cap} bytes, over {ratio} times its compressed size: refused as a possible zip bomb",
                self.file
            )));
        }
        Ok(n)
    }
}

/// Decodes a byte stream to UTF-8 text as it is read, strictly: the encoding
/// is told by a byte-order mark, else by the first non-ASCII bytes (valid
/// UTF-8 over a 64 KiB window, else Shift_JIS / CP932). ASCII reads the same
/// in both, so text before the first non-ASCII byte passes through. A byte
/// sequence invalid in the chosen encoding fails the read naming its offset.
pub struct DecodingReader<R> {
    inner: R,
    /// Raw bytes read but not decoded yet.
    raw: Vec<u8>,
    /// Decoded bytes not handed out yet, from `out_pos`.
    out: Vec<u8>,
    out_pos: usize,
    decoder: Option<encoding_rs::Decoder>,
    encoding: Option<SourceEncoding>,
    started: bool,
    eof: bool,
    /// The decoder was told the input ended.
    finished: bool,
    /// Raw bytes consumed before `raw`, for error offsets.
    offset: u64,
}

/// How far past the first non-ASCII byte the encoding is sniffed.
const SNIFF_WINDOW: usize = 64 * 1024;
/// Raw bytes read from the input at a time.
const CHUNK: usize = 64 * 1024;

impl<R: Read> DecodingReader<R> {
    /// A decoding reader over `inner`.
    pub fn new(inner: R) -> Self {
        Self {
            inner,
            raw: Vec::new(),
            out: Vec::new(),
            out_pos: 0,
            decoder: None,
            encoding: None,
            started: false,
            eof: false,
            finished: false,
            offset: 0,
        }
    }

    /// The encoding found; [`SourceEncoding::Utf8`] while only ASCII was read.
    pub fn encoding(&self) -> SourceEncoding {
        self.encoding.unwrap_or(SourceEncoding::Utf8)
    }

    /// Reads more raw bytes; false at the end of the input.
    fn fill(&mut self) -> std::io::Result<bool> {
        if self.eof {
            return Ok(false);
        }
        let start = self.raw.len();
        self.raw.resize(start + CHUNK, 0);
        let n = loop {
            match self.inner.read(&mut self.raw[start..]) {
                Ok(n) => break n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.raw.truncate(start);
                    return Err(e);
                }
            }
        };
        self.raw.truncate(start + n);
        self.eof = n == 0;
        Ok(n > 0)
    }

    /// Chooses the encoding from a byte-order mark, or leaves it open.
    fn start(&mut self) -> std::io::Result<()> {
        while self.raw.len() < 3 && self.fill()? {}
        if let Some((encoding, bom_length)) = Encoding::for_bom(&self.raw) {
            self.raw.drain(..bom_length);
            self.offset += bom_length as u64;
            let kind = if encoding == UTF_8 {
                SourceEncoding::Utf8Bom
            } else {
                SourceEncoding::Utf16
            };
            self.choose(encoding, kind);
        }
        self.started = true;
        Ok(())
    }

    fn choose(&mut self, encoding: &'static Encoding, kind: SourceEncoding) {
        self.decoder = Some(encoding.new_decoder_without_bom_handling());
        self.encoding = Some(kind);
    }

    /// Without a byte-order mark: passes ASCII through, and at the first
    /// non-ASCII byte chooses UTF-8 or Shift_JIS from what follows.
    fn sniff(&mut self) -> std::io::Result<()> {
        let ascii = self.raw.iter().position(|b| !b.is_ascii());
        let Some(first) = ascii else {
            self.out.extend_from_slice(&self.raw);
            self.offset += self.raw.len() as u64;
            self.raw.clear();
            return Ok(());
        };
        while self.raw.len() - first < SNIFF_WINDOW && self.fill()? {}
        let window = &self.raw[first..];
        let utf8 = match std::str::from_utf8(window) {
            Ok(_) => true,
            // An incomplete sequence cut by the window's end is still UTF-8.
            Err(e) => e.error_len().is_none() && !self.eof,
        };
        if utf8 {
            self.choose(UTF_8, SourceEncoding::Utf8);
        } else {
            self.choose(SHIFT_JIS, SourceEncoding::ShiftJis);
        }
        Ok(())
    }

    /// Decodes what `raw` holds into `out`.
    fn decode(&mut self) -> std::io::Result<()> {
        let Some(decoder) = self.decoder.as_mut() else {
            return Ok(());
        };
        let needed = decoder
            .max_utf8_buffer_length_without_replacement(self.raw.len())
            .unwrap_or(self.raw.len() * 3 + 16);
        let start = self.out.len();
        self.out.resize(start + needed, 0);
        let (result, read, written) =
            decoder.decode_to_utf8_without_replacement(&self.raw, &mut self.out[start..], self.eof);
        self.out.truncate(start + written);
        if let encoding_rs::DecoderResult::Malformed(bad, _) = result {
            let at = self.offset + read as u64 - u64::from(bad);
            return Err(Refused::io(format!(
                "byte {at} is not valid {} text; the file must be UTF-8 or Shift_JIS (CP932) throughout. Save it as UTF-8 CSV and try again",
                match self.encoding {
                    Some(SourceEncoding::ShiftJis) => "Shift_JIS (CP932)",
                    Some(SourceEncoding::Utf16) => "UTF-16",
                    _ => "UTF-8",
                }
            )));
        }
        self.raw.drain(..read);
        self.offset += read as u64;
        self.finished = self.eof && self.raw.is_empty();
        Ok(())
    }
}

impl<R: Read> Read for DecodingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if !self.started {
            self.start()?;
        }
        loop {
            if self.out_pos < self.out.len() {
                let n = buf.len().min(self.out.len() - self.out_pos);
                buf[..n].copy_from_slice(&self.out[self.out_pos..self.out_pos + n]);
                self.out_pos += n;
                return Ok(n);
            }
            self.out.clear();
            self.out_pos = 0;
            if self.raw.is_empty() && !self.fill()? {
                if let Some(decoder) = self.decoder.as_mut().filter(|_| !self.finished) {
                    self.finished = true;
                    // Flushes a sequence cut by the end of the input (an error then).
                    let mut tail = [0_u8; 16];
                    let (result, _, written) =
                        decoder.decode_to_utf8_without_replacement(&[], &mut tail, true);
                    if let encoding_rs::DecoderResult::Malformed(..) = result {
                        return Err(Refused::io(format!(
                            "the file ends inside a character (byte {}); it is not complete UTF-8 or Shift_JIS text",
                            self.offset
                        )));
                    }
                    self.out.extend_from_slice(&tail[..written]);
                    if written > 0 {
                        continue;
                    }
                }
                return Ok(0);
            }
            if self.decoder.is_none() {
                self.sniff()?;
            }
            self.decode()?;
        }
    }
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
