//! CSV tables as official publishers write them: a header row naming the
//! columns (names vary between releases, so each field accepts several
//! aliases), rows that may be shorter than the header, and per-row errors that
//! name the file, line, column and value.

use crate::limits::Limits;
use crate::text::{read_error, DecodingReader, SourceEncoding};
use crate::{IngestError, IngestResult};
use std::io::Read;

/// One column the importer needs, with the header names it is known by.
#[derive(Debug, Clone, Copy)]
pub struct ColumnSpec {
    /// Header names accepted for this column, most common first.
    pub aliases: &'static [&'static str],
    /// Whether a file without this column is the wrong format.
    pub required: bool,
}

/// A bad row, rejected alone; the rest of the file is still imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// File name as given to the importer.
    pub file: String,
    /// 1-based line number in the file (the header is line 1).
    pub line: u64,
    /// Column name as the file names it.
    pub field: String,
    /// The rejected value.
    pub value: String,
    /// Why it was rejected, in plain language.
    pub reason: String,
}

/// A parsed CSV file with its header.
#[derive(Debug)]
pub struct Table {
    file: String,
    headers: Vec<String>,
    rows: Vec<(u64, csv::StringRecord)>,
    /// Rows refused by the table itself (wrong number of fields, control
    /// characters), with the record when its fields line up with the header.
    refused: Vec<(RowError, Option<(u64, csv::StringRecord)>)>,
    encoding: SourceEncoding,
}

/// One data row with access to its columns by position.
#[derive(Debug, Clone, Copy)]
pub struct Row<'a> {
    table: &'a Table,
    line: u64,
    record: &'a csv::StringRecord,
}

impl Table {
    /// Parses `text` (already decoded, see [`crate::text::decode`]) as CSV
    /// with a header row, within the default [`Limits`].
    pub fn parse(file: &str, text: &str) -> IngestResult<Self> {
        Self::read(file, text.as_bytes(), &Limits::default())
    }

    /// Reads a CSV table with a header row from `input` (raw bytes in any
    /// encoding [`DecodingReader`] knows) as it streams in, so that memory
    /// holds the rows, never the whole file twice. The file is refused as a
    /// whole (nothing of it is imported) when it is structurally broken: a
    /// quoted field that never closes (which would swallow the rest of the
    /// file into one value), a record or cell over its limit, more rows
    /// than [`Limits::max_rows`], or more than
    /// [`Limits::max_misshapen_share`] of rows with another number of fields
    /// than the header. A row with the wrong number of fields (within that
    /// share) or a control character is refused alone ([`Table::refused`]).
    pub fn read(file: &str, input: impl Read, limits: &Limits) -> IngestResult<Self> {
        let broken = |reason: String| IngestError::Format {
            file: file.to_owned(),
            reason,
        };
        let guard = RecordGuard::new(DecodingReader::new(input), limits.max_record_bytes);
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .has_headers(false)
            .from_reader(guard);
        let mut header_record = csv::StringRecord::new();
        let has_header = reader
            .read_record(&mut header_record)
            .map_err(|e| csv_error(file, e))?;
        if !has_header {
            return Err(broken("the file is empty: it has no header row".into()));
        }
        reader.get_mut().next_record_line();
        let headers: Vec<String> = header_record
            .iter()
            .map(|h| h.trim().trim_start_matches('\u{feff}').to_owned())
            .collect();
        let limits_of: Vec<usize> = headers.iter().map(|h| limits.field_chars(h)).collect();
        let mut table = Self {
            file: file.to_owned(),
            headers,
            rows: Vec::new(),
            refused: Vec::new(),
            encoding: SourceEncoding::Utf8,
        };
        let mut misshapen = 0_usize;
        let mut record = csv::StringRecord::new();
        while reader
            .read_record(&mut record)
            .map_err(|e| csv_error(file, e))?
        {
            let line = reader.get_mut().next_record_line();
            if record.iter().all(|field| field.trim().is_empty()) {
                continue;
            }
            if table.rows.len() + table.refused.len() >= limits.max_rows {
                return Err(broken(format!(
                    "more than {} data rows, the most an import reads from one file (raise it with --max-rows if the file is right)",
                    limits.max_rows
                )));
            }
            if let Some(reason) = table.oversized(line, &record, &limits_of, limits) {
                return Err(broken(reason));
            }
            if record.len() != table.headers.len() {
                misshapen += 1;
                let error = RowError {
                    file: file.to_owned(),
                    line,
                    field: String::new(),
                    value: record.iter().collect::<Vec<_>>().join(","),
                    reason: format!(
                        "the row has {} fields but the header has {}: a stray comma, quote or line break?",
                        record.len(),
                        table.headers.len()
                    ),
                };
                table.refused.push((error, None));
                continue;
            }
            if let Some(error) = table.control_character(line, &record) {
                table.refused.push((error, Some((line, record.clone()))));
                continue;
            }
            table.rows.push((line, record.clone()));
        }
        let guard = reader.get_ref();
        if let Some(opened) = guard.open_quote_line() {
            return Err(broken(format!(
                "line {opened}: a quoted field opened here is never closed (an unmatched \"), so the rest of the file would be read as one value; fix the quote and import again"
            )));
        }
        let read = table.rows.len() + table.refused.len();
        if limits.too_misshapen(misshapen, read) {
            let first = table
                .refused
                .iter()
                .find(|(_, record)| record.is_none())
                .map_or(0, |(e, _)| e.line);
            return Err(broken(format!(
                "{misshapen} of {read} rows have another number of fields than the header (first on line {first}), more than the {:.0} % a file may have: the file is broken (unbalanced quotes, a wrong delimiter) or not this kind of list",
                limits.max_misshapen_share * 100.0
            )));
        }
        table.encoding = guard.inner.encoding();
        Ok(table)
    }

    /// Why a record with a cell over its limit (`limits_of` per column) breaks the file.
    fn oversized(
        &self,
        line: u64,
        record: &csv::StringRecord,
        limits_of: &[usize],
        limits: &Limits,
    ) -> Option<String> {
        let cap = |i: usize| limits_of.get(i).copied().unwrap_or(limits.max_field_chars);
        let (column, chars) = record.iter().enumerate().find_map(|(i, field)| {
            let chars = field.chars().count();
            (chars > cap(i)).then_some((i, chars))
        })?;
        let limit = cap(column);
        Some(format!(
            "line {line}: column {} holds {chars} characters, more than the {limit} such a cell may hold; the file is broken (an unclosed quote?) or not this kind of list{}",
            self.header_name(column),
            if limit == limits.max_field_chars {
                " (raise the limit with --max-field-chars if the file is right)"
            } else {
                ""
            }
        ))
    }

    /// The refusal of a row with a control character (NUL, ESC …) in a
    /// cell; tabs and line breaks inside quoted cells are text.
    fn control_character(&self, line: u64, record: &csv::StringRecord) -> Option<RowError> {
        record.iter().enumerate().find_map(|(i, field)| {
            let (position, bad) = field
                .chars()
                .enumerate()
                .find(|(_, c)| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))?;
            Some(RowError {
                file: self.file.clone(),
                line,
                field: self.header_name(i),
                value: field.chars().filter(|c| !c.is_control()).collect(),
                reason: format!(
                    "contains the control character U+{:04X} at character {}; the row is not imported",
                    u32::from(bad),
                    position + 1
                ),
            })
        })
    }

    fn header_name(&self, column: usize) -> String {
        self.headers
            .get(column)
            .cloned()
            .unwrap_or_else(|| format!("#{}", column + 1))
    }

    /// The file name given at parse time.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// The encoding the file was read in.
    pub fn encoding(&self) -> SourceEncoding {
        self.encoding
    }

    /// Number of data rows that can be read (blank lines and refused rows excluded).
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Data rows in the file: readable and refused ([`Table::refused`]).
    pub fn rows_read(&self) -> usize {
        self.rows.len() + self.refused.len()
    }

    /// True when the file has no data rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty() && self.refused.is_empty()
    }

    /// Rows the table refused itself: another number of fields than the
    /// header, or a control character. They are not in [`Table::rows`].
    pub fn refused(&self) -> impl Iterator<Item = &RowError> {
        self.refused.iter().map(|(error, _)| error)
    }

    /// The refused rows whose fields line up with the header, as a table of
    /// their own (same header), so that an importer can read what it can of
    /// them (their record ids: the publisher still lists those records).
    #[must_use]
    pub fn refused_table(&self) -> Self {
        Self {
            file: self.file.clone(),
            headers: self.headers.clone(),
            rows: self
                .refused
                .iter()
                .filter_map(|(_, record)| record.clone())
                .collect(),
            refused: Vec::new(),
            encoding: self.encoding,
        }
    }

    /// Resolves `specs` to column positions. A missing required column makes
    /// the whole file the wrong format; the error lists every missing column.
    pub fn columns<const N: usize>(
        &self,
        specs: [ColumnSpec; N],
    ) -> IngestResult<[Option<usize>; N]> {
        let mut missing = Vec::new();
        let positions = specs.map(|spec| {
            let found = spec
                .aliases
                .iter()
                .find_map(|alias| self.headers.iter().position(|h| h == alias));
            if found.is_none() && spec.required {
                missing.push(spec.aliases[0]);
            }
            found
        });
        if !missing.is_empty() {
            return Err(IngestError::Format {
                file: self.file.clone(),
                reason: format!(
                    "required columns are missing: {}. The header has: {}",
                    missing.join(", "),
                    self.headers.join(", ")
                ),
            });
        }
        Ok(positions)
    }

    /// Position of the column headed exactly `name`; when `required`, a missing
    /// column is a format error naming it.
    pub fn column_named(&self, name: &str, required: bool) -> IngestResult<Option<usize>> {
        let found = self.headers.iter().position(|h| h == name);
        if found.is_none() && required {
            return Err(IngestError::Format {
                file: self.file.clone(),
                reason: format!(
                    "required column {name} is missing. The header has: {}",
                    self.headers.join(", ")
                ),
            });
        }
        Ok(found)
    }

    /// The data rows in file order.
    pub fn rows(&self) -> impl Iterator<Item = Row<'_>> {
        self.rows.iter().map(move |(line, record)| Row {
            table: self,
            line: *line,
            record,
        })
    }
}

/// The CSV tables of `bytes` read from `file`: the file itself, or each
/// member of a zip whose name ends with one of `extensions`, each read
/// within `limits` (see [`Table::read`]). Every importer of CSV reads its
/// files through here, so each reads zips, every encoding and the same limits.
pub fn read_tables(
    file: &str,
    bytes: &[u8],
    extensions: &[&str],
    limits: &Limits,
) -> IngestResult<Vec<Table>> {
    let mut tables = Vec::new();
    crate::text::for_each_member(
        file,
        std::io::Cursor::new(bytes),
        extensions,
        limits,
        |name, reader| {
            tables.push(Table::read(&name, reader, limits)?);
            Ok(())
        },
    )?;
    Ok(tables)
}

/// A CSV reader's error as a file error: a refusal carried through the
/// reader (a limit, an encoding error) keeps its message.
fn csv_error(file: &str, error: csv::Error) -> IngestError {
    let line = error.position().map(csv::Position::line);
    let reason = format!(
        "the CSV is broken{}: {error}",
        line.map(|l| format!(" at line {l}")).unwrap_or_default()
    );
    match error.into_kind() {
        csv::ErrorKind::Io(io) => read_error(file, io),
        _ => IngestError::Format {
            file: file.to_owned(),
            reason,
        },
    }
}

/// Watches the decoded text on its way to the CSV parser, with the parser's
/// own quoting rules (RFC 4180: `"` opens a quoted field at its start, `""`
/// inside is a quote, line breaks inside quotes are text): it counts lines so
/// that each record's first line can be told (blank lines included, as an
/// editor shows them), refuses a record longer than its limit before the
/// parser buffers it, and tells whether the text ended inside quotes.
struct RecordGuard<R> {
    inner: R,
    max_record_bytes: usize,
    state: QuoteState,
    /// Current line (1-based).
    line: u64,
    /// Bytes of the record being read so far.
    record_bytes: usize,
    /// First line of the record being read, while one is.
    record_line: Option<u64>,
    /// Line where the open quote (if any) began.
    quote_line: u64,
    /// First lines of the records seen and not yet taken by the reader.
    starts: std::collections::VecDeque<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum QuoteState {
    /// Between records (blank lines are skipped here).
    RecordStart,
    /// At the start of a field that is not the first.
    FieldStart,
    /// Inside an unquoted field.
    Unquoted,
    /// Inside a quoted field.
    Quoted,
    /// Just after a `"` inside a quoted field: a close, or half of `""`.
    QuoteInQuoted,
}

impl<R: Read> RecordGuard<R> {
    fn new(inner: R, max_record_bytes: usize) -> Self {
        Self {
            inner,
            max_record_bytes,
            state: QuoteState::RecordStart,
            line: 1,
            record_bytes: 0,
            record_line: None,
            quote_line: 0,
            starts: std::collections::VecDeque::new(),
        }
    }

    /// The first line of the next record the parser returned.
    fn next_record_line(&mut self) -> u64 {
        self.starts.pop_front().unwrap_or(self.line)
    }

    /// Where an unclosed quote began, when the text ended inside quotes.
    fn open_quote_line(&self) -> Option<u64> {
        (self.state == QuoteState::Quoted).then_some(self.quote_line)
    }

    fn scan(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        use QuoteState::{FieldStart, QuoteInQuoted, Quoted, RecordStart, Unquoted};
        for &byte in bytes {
            if self.state == RecordStart {
                if matches!(byte, b'\n' | b'\r') {
                    self.line += u64::from(byte == b'\n');
                    continue;
                }
                self.starts.push_back(self.line);
                self.record_line = Some(self.line);
                self.record_bytes = 0;
                self.state = FieldStart;
            }
            self.record_bytes += 1;
            if self.record_bytes > self.max_record_bytes {
                let start = self.record_line.unwrap_or(self.line);
                let why = if matches!(self.state, Quoted | QuoteInQuoted) {
                    format!(" inside a quoted field opened on line {}: an unmatched \" swallows the lines after it", self.quote_line)
                } else {
                    String::new()
                };
                return Err(crate::text::Refused::io(format!(
                    "line {start}: the row is longer than {} bytes{why}; the file is broken or not a list renkei reads",
                    self.max_record_bytes
                )));
            }
            let end_of_record = |s: &mut Self| {
                s.line += u64::from(byte == b'\n');
                s.state = RecordStart;
            };
            match (self.state, byte) {
                (FieldStart, b'"') => {
                    self.state = Quoted;
                    self.quote_line = self.line;
                }
                (FieldStart | Unquoted | QuoteInQuoted, b',') => self.state = FieldStart,
                (FieldStart | Unquoted | QuoteInQuoted, b'\n' | b'\r') => end_of_record(self),
                (Quoted, b'"') => self.state = QuoteInQuoted,
                (Quoted, b'\n') => self.line += 1,
                (QuoteInQuoted, b'"') => self.state = Quoted,
                (FieldStart | QuoteInQuoted, _) => self.state = Unquoted,
                _ => {}
            }
        }
        Ok(())
    }
}

impl<R: Read> Read for RecordGuard<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.scan(&buf[..n])?;
        Ok(n)
    }
}

impl Row<'_> {
    /// 1-based line number in the file.
    pub fn line(&self) -> u64 {
        self.line
    }

    /// Trimmed text of a column; `None` when the column is absent or the cell is empty.
    pub fn get(&self, column: Option<usize>) -> Option<&str> {
        column
            .and_then(|c| self.record.get(c))
            .map(str::trim)
            .filter(|v| !v.is_empty())
    }

    /// An error about `column` holding `value` in this row.
    pub fn error(&self, column: Option<usize>, value: &str, reason: impl Into<String>) -> RowError {
        RowError {
            file: self.table.file.clone(),
            line: self.line,
            field: column
                .and_then(|c| self.table.headers.get(c))
                .cloned()
                .unwrap_or_default(),
            value: value.to_owned(),
            reason: reason.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAME: ColumnSpec = ColumnSpec {
        aliases: &["事業所名", "事業所の名称"],
        required: true,
    };
    const PHONE: ColumnSpec = ColumnSpec {
        aliases: &["電話番号"],
        required: false,
    };

    #[test]
    fn aliases_blank_lines_and_line_numbers() {
        let table = Table::parse(
            "t.csv",
            "事業所の名称,住所\n架空ステーション,どこか\n\n\"二行の\n名前\",どこか\n架空三,どこか\n",
        )
        .unwrap();
        let [name, phone] = table.columns([NAME, PHONE]).unwrap();
        assert_eq!(phone, None);
        let rows: Vec<_> = table.rows().collect();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[1].get(name), Some("二行の\n名前"));
        assert_eq!(rows[1].line(), 4);
        assert_eq!(rows[2].line(), 6, "a line break inside quotes counts");
    }

    /// `rows` data rows of two fields, one of them `odd` when given.
    fn csv_with(rows: usize, odd: Option<(usize, &str)>) -> String {
        use std::fmt::Write as _;
        let mut text = String::from("id,name\n");
        for n in 0..rows {
            match odd {
                Some((at, row)) if at == n => text.push_str(row),
                _ => {
                    let _ = write!(text, "{n},架空{n}");
                }
            }
            text.push('\n');
        }
        text
    }

    #[test]
    fn issue_17_a_misshapen_row_is_refused_alone_within_the_share() {
        let table = Table::parse("t.csv", &csv_with(200, Some((7, "7,架空,余分")))).unwrap();
        assert_eq!(table.len(), 199);
        assert_eq!(table.rows_read(), 200);
        let refused: Vec<_> = table.refused().collect();
        assert_eq!(refused.len(), 1);
        assert_eq!(refused[0].line, 9);
        assert!(
            refused[0].reason.contains("3 fields"),
            "{}",
            refused[0].reason
        );
        let err = Table::parse("t.csv", &csv_with(20, Some((3, "3"))))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("1 of 20 rows") && err.contains("line 5"),
            "{err}"
        );
    }

    #[test]
    fn issue_17_an_unclosed_quote_is_a_file_error() {
        let err = Table::parse("t.csv", &csv_with(5, Some((1, "1,\"架空"))))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("line 3") && err.contains("never closed"),
            "{err}"
        );
        // Long enough that the swallowed rest passes the record limit first.
        let err = Table::parse("t.csv", &csv_with(5_000, Some((1, "1,\"架空"))))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("line 3") && err.contains("quoted field opened on line 3"),
            "{err}"
        );
    }

    #[test]
    fn issue_17_a_cell_over_its_limit_is_a_file_error() {
        let long = format!("1,{}", "名".repeat(301));
        let err = Table::parse("t.csv", &csv_with(3, Some((0, &long))))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("line 2") && err.contains("301 characters"),
            "{err}"
        );
    }

    #[test]
    fn issue_17_control_characters_refuse_the_row() {
        let table = Table::parse("t.csv", &csv_with(200, Some((4, "4,架空\u{0}病院")))).unwrap();
        let refused: Vec<_> = table.refused().collect();
        assert_eq!(refused.len(), 1);
        assert_eq!((refused[0].line, refused[0].field.as_str()), (6, "name"));
        assert!(
            refused[0].reason.contains("U+0000"),
            "{}",
            refused[0].reason
        );
        assert_eq!(table.refused_table().len(), 1, "its id can still be read");
        let tabbed = Table::parse("t.csv", "id,name\n1,\"架空\t病院\"\n").unwrap();
        assert_eq!(tabbed.len(), 1, "a tab is text");
    }

    #[test]
    fn missing_required_columns_are_all_named() {
        let table = Table::parse("t.csv", "住所\nどこか\n").unwrap();
        let err = table.columns([NAME, PHONE]).unwrap_err().to_string();
        assert!(err.contains("事業所名") && err.contains("住所"), "{err}");
    }
}
