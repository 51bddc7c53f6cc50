//! From downloaded bytes to facility records: detect zip and encoding, parse the
//! table with the right importer, reject bad and duplicate rows alone, and
//! attach provenance from `data/sources.toml`.

use crate::limits::Limits;
use crate::mapping::Mapping;
use crate::parse::ParsedRows;
use crate::table::{RowError, Table};
use crate::text::{for_each_member, SourceEncoding};
use crate::{hoken, kaigo, mhlw, wamnet, IngestError, IngestResult};
use chrono::{DateTime, Utc};
use renkei_core::spreadsheet::spreadsheet_safe;
use renkei_core::{Facility, FacilityId};
use renkei_store::SourceInfo;
use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use std::io::{Read, Seek};
use std::sync::OnceLock;

/// The official facility lists renkei reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Importer {
    /// 厚生労働省 医療情報ネット facility files (hospitals, clinics).
    MhlwFacilities,
    /// 介護サービス情報公表システム service files (訪問看護 …).
    Kaigo,
    /// WAM NET 障害福祉サービス等情報 files.
    Wamnet,
    /// 地方厚生局 保険医療機関の指定一覧 (医科): hospitals and clinics without coordinates.
    HokenIryokikan,
}

impl Importer {
    /// Every importer, for help texts.
    pub const ALL: [Importer; 4] = [
        Importer::MhlwFacilities,
        Importer::Kaigo,
        Importer::Wamnet,
        Importer::HokenIryokikan,
    ];

    /// The name used on the command line and in `data/sources.toml`.
    pub fn name(self) -> &'static str {
        match self {
            Self::MhlwFacilities => "mhlw-facilities",
            Self::Kaigo => "kaigo",
            Self::Wamnet => "wamnet",
            Self::HokenIryokikan => "hoken-iryokikan",
        }
    }

    /// The importer called `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|i| i.name() == name)
    }

    /// Source, publisher and licence of this importer's records.
    pub fn source(self) -> SourceInfo {
        let entry = &sources()[self.name()];
        SourceInfo {
            key: entry.key.clone(),
            name: entry.name.clone(),
            publisher: entry.publisher.clone(),
            licence: entry.licence.clone(),
            attribution: entry.attribution.clone(),
            url: Some(entry.page.clone()),
            demo: false,
        }
    }
}

#[derive(Deserialize)]
struct SourceEntry {
    key: String,
    name: String,
    publisher: String,
    licence: String,
    attribution: String,
    page: String,
}

fn sources() -> &'static HashMap<String, SourceEntry> {
    static SOURCES: OnceLock<HashMap<String, SourceEntry>> = OnceLock::new();
    SOURCES.get_or_init(|| {
        toml::from_str(include_str!("../../../data/sources.toml"))
            .expect("data/sources.toml is checked by tests")
    })
}

/// How to read a file: an official format, or a CSV with a mapping file.
#[derive(Debug, Clone)]
pub enum Format {
    /// One of the official lists.
    Official(Importer),
    /// Any CSV read through a column mapping.
    Mapped(Box<Mapping>),
    /// An Open Referral HSDS exchange file ([`crate::hsds`]); its records
    /// keep the sources they name, one part per source.
    Hsds,
}

impl Format {
    /// Where the records of this format come from.
    pub fn source(&self) -> SourceInfo {
        match self {
            Self::Official(importer) => importer.source(),
            Self::Mapped(mapping) => mapping.source(),
            Self::Hsds => crate::hsds::read::hsds_source(),
        }
    }
}

/// One file's worth of records, ready for the store.
#[derive(Debug)]
pub struct ParsedFile {
    /// File name (for a zip member: `archive.zip!member.csv`).
    pub file: String,
    /// Encoding the file was read in.
    pub encoding: SourceEncoding,
    /// Where the records come from.
    pub source: SourceInfo,
    /// Valid records.
    pub facilities: Vec<Facility>,
    /// Rejected rows with reasons.
    pub rejected: Vec<RowError>,
    /// Ids of the records on rejected rows whose id could be read: still
    /// listed by the publisher, so never closed as missing.
    pub rejected_ids: Vec<FacilityId>,
    /// Data rows read (valid + rejected + skipped out-of-scope rows).
    pub rows_read: usize,
}

/// Parses `bytes` (a CSV, or a zip of CSVs) read from `file` in `format`,
/// within the default [`Limits`]. A structurally wrong file is an error; bad
/// rows are rejected alone.
pub fn parse_file(
    format: &Format,
    file: &str,
    bytes: &[u8],
    imported_at: DateTime<Utc>,
) -> IngestResult<Vec<ParsedFile>> {
    parse_input(
        format,
        file,
        std::io::Cursor::new(bytes),
        imported_at,
        &Limits::default(),
    )
}

/// As [`parse_file`], reading `input` as it streams (a file on disk is never
/// held in memory whole) within `limits`.
pub fn parse_input(
    format: &Format,
    file: &str,
    input: impl Read + Seek,
    imported_at: DateTime<Utc>,
    limits: &Limits,
) -> IngestResult<Vec<ParsedFile>> {
    if matches!(format, Format::Hsds) {
        return crate::hsds::parse(file, &read_whole(file, input, limits)?, imported_at);
    }
    let mut parsed = Vec::new();
    for_each_member(file, input, &[".csv"], limits, |name, reader| {
        let table = Table::read(&name, reader, limits)?;
        parsed.push(parse_table(format, name, &table, imported_at)?);
        Ok(())
    })?;
    Ok(parsed)
}

/// Reads the rows of `table` in `format`.
fn read_rows(format: &Format, table: &Table) -> IngestResult<ParsedRows> {
    match format {
        Format::Official(Importer::MhlwFacilities) => mhlw::parse(table),
        Format::Official(Importer::Kaigo) => kaigo::parse(table),
        Format::Official(Importer::Wamnet) => wamnet::parse(table),
        Format::Official(Importer::HokenIryokikan) => hoken::parse(table, None),
        Format::Mapped(mapping) => mapping.parse_rows(table),
        // An HSDS file is a JSON document or a data package, read whole by
        // `parse_input` before any table is made.
        Format::Hsds => Err(IngestError::Format {
            file: table.file().to_owned(),
            reason: "an HSDS file is not a CSV list".into(),
        }),
    }
}

/// The whole of `input` (an HSDS document is parsed as one value), refused
/// beyond the file-size limit.
fn read_whole(file: &str, input: impl Read, limits: &Limits) -> IngestResult<Vec<u8>> {
    let mut bytes = Vec::new();
    input
        .take(limits.max_file_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|source| IngestError::Io {
            file: file.to_owned(),
            source,
        })?;
    if bytes.len() as u64 > limits.max_file_bytes {
        return Err(IngestError::Format {
            file: file.to_owned(),
            reason: format!(
                "the file is larger than the {} bytes an import reads; if it is right, raise the limit with --max-file-mb",
                limits.max_file_bytes
            ),
        });
    }
    Ok(bytes)
}

/// One table's records in `format`, with every rejected row: the rows the
/// table refused (misshapen, control characters), those the importer
/// rejected, and duplicates.
fn parse_table(
    format: &Format,
    name: String,
    table: &Table,
    imported_at: DateTime<Utc>,
) -> IngestResult<ParsedFile> {
    let parsed = read_rows(format, table)?;
    if table.is_empty() {
        return Err(IngestError::Format {
            file: name,
            reason: "the file has a header but no data rows".into(),
        });
    }
    // A row refused for a control character is still listed by its
    // publisher: what the importer can read of it (its id) keeps its record
    // from being closed.
    let refused = read_rows(format, &table.refused_table())?;
    let source = format.source();
    let mut seen = HashSet::new();
    let mut rejected: Vec<RowError> = table.refused().cloned().collect();
    rejected.extend(parsed.rejected);
    let rejected_ids = parsed
        .rejected_ids
        .iter()
        .chain(&refused.rejected_ids)
        .chain(refused.drafts.iter().map(|d| &d.record_id))
        .map(|id| FacilityId::from_source(&source.key, id))
        .collect();
    let mut facilities = Vec::with_capacity(parsed.drafts.len());
    for draft in parsed.drafts {
        if seen.insert(draft.record_id.clone()) {
            facilities.push(draft.into_facility(&source, imported_at));
        } else {
            rejected.push(RowError {
                file: name.clone(),
                line: draft.source_line,
                field: "id".into(),
                value: draft.record_id,
                reason: "the same record appears twice in the file; the first one was kept".into(),
            });
        }
    }
    rejected.sort_by_key(|e| e.line);
    Ok(ParsedFile {
        file: name,
        encoding: table.encoding(),
        source,
        facilities,
        rejected,
        rejected_ids,
        rows_read: table.rows_read(),
    })
}

/// The per-run error report as CSV (UTF-8 with BOM so Excel opens it):
/// file, line, field, value, reason; cells a spreadsheet would run as a
/// formula are defused as the API's exports are
/// ([`renkei_core::spreadsheet::spreadsheet_safe`]).
pub fn error_report_csv(errors: &[RowError]) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    let write = |writer: &mut csv::Writer<Vec<u8>>, record: [&str; 5]| {
        writer
            .write_record(record.map(|cell| spreadsheet_safe(cell.to_owned())))
            .expect("writing CSV to memory cannot fail");
    };
    write(&mut writer, ["file", "line", "field", "value", "reason"]);
    for e in errors {
        write(
            &mut writer,
            [&e.file, &e.line.to_string(), &e.field, &e.value, &e.reason],
        );
    }
    writer
        .into_inner()
        .expect("writing CSV to memory cannot fail")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_importer_has_a_source_entry() {
        for importer in Importer::ALL {
            let source = importer.source();
            assert!(
                !source.licence.is_empty() && !source.attribution.is_empty(),
                "{}",
                importer.name()
            );
            assert_eq!(Importer::from_name(importer.name()), Some(importer));
        }
    }

    #[test]
    fn shift_jis_file_with_duplicate_rows() {
        let text = "事業所番号,事業所名,住所,緯度,経度\n1400000001,架空ステーション,神奈川県架空市1,35.1,139.1\n1400000001,架空ステーション,神奈川県架空市1,35.1,139.1\n";
        let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode(text);
        let files = parse_file(
            &Format::Official(Importer::Kaigo),
            "jigyosho_130.csv",
            &bytes,
            Utc::now(),
        )
        .unwrap();
        assert_eq!(files[0].encoding, SourceEncoding::ShiftJis);
        assert_eq!(files[0].facilities.len(), 1);
        assert_eq!(files[0].facilities[0].name, "架空ステーション");
        assert_eq!(files[0].rejected.len(), 1);
        assert_eq!(
            files[0].rejected[0].line, 3,
            "the duplicate's own line is reported"
        );
        let report = String::from_utf8(error_report_csv(&files[0].rejected)).unwrap();
        assert!(report.starts_with("\u{feff}file,line,field,value,reason\n"));
    }

    #[test]
    fn wrong_file_names_missing_columns() {
        let err = parse_file(
            &Format::Official(Importer::Wamnet),
            "x.csv",
            "a,b\n1,2\n".as_bytes(),
            Utc::now(),
        )
        .unwrap_err();
        assert!(err.to_string().contains("事業所番号"), "{err}");
    }

    #[test]
    fn issue_17_the_error_report_defuses_formulas() {
        let error = RowError {
            file: "x.csv".into(),
            line: 2,
            field: "事業所名".into(),
            value: "=cmd|' /C calc'!A0".into(),
            reason: "+bad".into(),
        };
        let report = String::from_utf8(error_report_csv(&[error])).unwrap();
        assert!(report.contains("'=cmd|"), "{report}");
        assert!(report.contains("'+bad"), "{report}");
    }

    #[test]
    fn issue_17_a_shift_jis_zip_with_a_control_character_row_keeps_its_record_listed() {
        use std::fmt::Write as _;
        let mut rows = String::from("事業所番号,事業所名,住所,緯度,経度\n");
        for n in 0..150 {
            let _ = writeln!(
                rows,
                "14000{n:05},架空ステーション{n},神奈川県架空市{n},35.1,139.1"
            );
        }
        rows.push_str("1400099999,架空\u{1b}ステーション,神奈川県架空市,35.1,139.1\n");
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(&rows);
        let mut zipped = Vec::new();
        {
            let mut zip = zip::ZipWriter::new(std::io::Cursor::new(&mut zipped));
            zip.start_file("jigyosho_130.csv", zip::write::SimpleFileOptions::default())
                .unwrap();
            std::io::Write::write_all(&mut zip, &sjis).unwrap();
            zip.finish().unwrap();
        }
        let files = parse_file(
            &Format::Official(Importer::Kaigo),
            "k.zip",
            &zipped,
            Utc::now(),
        )
        .unwrap();
        assert_eq!(files[0].encoding, SourceEncoding::ShiftJis);
        assert_eq!((files[0].facilities.len(), files[0].rows_read), (150, 151));
        assert!(files[0].rejected[0].reason.contains("U+001B"));
        assert_eq!(
            files[0].rejected_ids.len(),
            1,
            "still listed, so never closed"
        );
    }
}
