//! CSV tables as official publishers write them: a header row naming the
//! columns (names vary between releases, so each field accepts several
//! aliases), rows that may be shorter than the header, and per-row errors that
//! name the file, line, column and value.

use crate::{IngestError, IngestResult};

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
}

/// One data row with access to its columns by position.
#[derive(Debug, Clone, Copy)]
pub struct Row<'a> {
    table: &'a Table,
    line: u64,
    record: &'a csv::StringRecord,
}

impl Table {
    /// Parses `text` (already decoded, see [`crate::text::decode`]) as CSV with a header row.
    pub fn parse(file: &str, text: &str) -> IngestResult<Self> {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(text.as_bytes());
        let headers = reader
            .headers()
            .map_err(|e| IngestError::Format {
                file: file.to_owned(),
                reason: format!("cannot read the header row: {e}"),
            })?
            .iter()
            .map(|h| h.trim().trim_start_matches('\u{feff}').to_owned())
            .collect::<Vec<_>>();
        let mut rows = Vec::new();
        // csv's own line count skips blank lines; count newlines up to each
        // record's byte offset instead, so reports match what an editor shows.
        let (mut counted_to, mut line) = (0_usize, 1_u64);
        for record in reader.records() {
            let record = record.map_err(|e| IngestError::Format {
                file: file.to_owned(),
                reason: format!(
                    "the CSV is broken{}: {e}",
                    e.position()
                        .map(|p| format!(" at line {}", p.line()))
                        .unwrap_or_default()
                ),
            })?;
            let mut offset = record.position().map_or(counted_to, |p| {
                usize::try_from(p.byte()).unwrap_or(counted_to)
            });
            // A record's position is where the reader stood, before any blank lines it skipped.
            while matches!(text.as_bytes().get(offset), Some(b'\n' | b'\r')) {
                offset += 1;
            }
            line += text[counted_to..offset].lines().count() as u64;
            counted_to = offset;
            if record.iter().all(|field| field.trim().is_empty()) {
                continue;
            }
            rows.push((line, record));
        }
        Ok(Self {
            file: file.to_owned(),
            headers,
            rows,
        })
    }

    /// The file name given at parse time.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// Number of data rows (blank lines excluded).
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// True when the file has no data rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
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
    fn aliases_short_rows_and_blank_lines() {
        let table = Table::parse(
            "t.csv",
            "事業所の名称,住所\n架空ステーション,どこか\n\n短い行\n",
        )
        .unwrap();
        let [name, phone] = table.columns([NAME, PHONE]).unwrap();
        assert_eq!(phone, None);
        let rows: Vec<_> = table.rows().collect();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].get(name), Some("短い行"));
        assert_eq!(rows[1].line(), 4);
    }

    #[test]
    fn missing_required_columns_are_all_named() {
        let table = Table::parse("t.csv", "住所\nどこか\n").unwrap();
        let err = table.columns([NAME, PHONE]).unwrap_err().to_string();
        assert!(err.contains("事業所名") && err.contains("住所"), "{err}");
    }
}
