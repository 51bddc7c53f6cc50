//! From downloaded bytes to facility records: detect zip and encoding, parse the
//! table with the right importer, reject bad and duplicate rows alone, and
//! attach provenance from `data/sources.toml`.

use crate::mapping::Mapping;
use crate::table::{RowError, Table};
use crate::text::{decode, is_zip, unzip, SourceEncoding};
use crate::{hoken, kaigo, mhlw, wamnet, IngestError, IngestResult};
use chrono::{DateTime, Utc};
use renkei_core::{Facility, FacilityId};
use renkei_store::SourceInfo;
use serde::Deserialize;
use std::collections::{HashMap, HashSet};
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

/// Parses `bytes` (a CSV, or a zip of CSVs) read from `file` in `format`.
/// A structurally wrong file is an error; bad rows are rejected alone.
pub fn parse_file(
    format: &Format,
    file: &str,
    bytes: &[u8],
    imported_at: DateTime<Utc>,
) -> IngestResult<Vec<ParsedFile>> {
    if matches!(format, Format::Hsds) {
        return crate::hsds::parse(file, bytes, imported_at);
    }
    let members = if is_zip(bytes) {
        unzip(file, bytes, &[".csv"])?
    } else {
        vec![(file.to_owned(), bytes.to_vec())]
    };
    members
        .into_iter()
        .map(|(name, content)| {
            let (text, encoding) = decode(&name, &content)?;
            let table = Table::parse(&name, &text)?;
            let parsed = match format {
                Format::Official(Importer::MhlwFacilities) => mhlw::parse(&table)?,
                Format::Official(Importer::Kaigo) => kaigo::parse(&table)?,
                Format::Official(Importer::Wamnet) => wamnet::parse(&table)?,
                Format::Official(Importer::HokenIryokikan) => hoken::parse(&table, None)?,
                Format::Mapped(mapping) => mapping.parse_rows(&table)?,
                Format::Hsds => unreachable!("HSDS files are parsed above"),
            };
            if table.is_empty() {
                return Err(IngestError::Format {
                    file: name,
                    reason: "the file has a header but no data rows".into(),
                });
            }
            let source = format.source();
            let mut seen = HashSet::new();
            let mut rejected = parsed.rejected;
            let rejected_ids = parsed
                .rejected_ids
                .iter()
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
                        reason: "the same record appears twice in the file; the first one was kept"
                            .into(),
                    });
                }
            }
            Ok(ParsedFile {
                file: name,
                encoding,
                source,
                facilities,
                rejected,
                rejected_ids,
                rows_read: table.len(),
            })
        })
        .collect()
}

/// The per-run error report as CSV (UTF-8 with BOM so Excel opens it):
/// file, line, field, value, reason.
pub fn error_report_csv(errors: &[RowError]) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    let write = |writer: &mut csv::Writer<Vec<u8>>, record: [&str; 5]| {
        writer
            .write_record(record)
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
}
