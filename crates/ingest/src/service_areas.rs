//! Declared service areas (HSDS service_area): which municipalities a provider
//! says it serves, from a CSV a desk keeps (UTF-8, UTF-8 with BOM or
//! Shift_JIS):
//!
//! ```text
//! facility_id,municipality_codes
//! 5b1c…-uuid,14207 14205 14321
//! ```
//!
//! or with the provider named by its source record instead of its renkei id:
//!
//! ```text
//! source,source_id,municipality_code
//! kaigo-houmon-kango,1471200123,14207
//! ```
//!
//! The provider columns are those of every desk sheet (see
//! [`crate::facility_ref`]; 施設ID, 出典 and 出典ID are accepted too).
//! `municipality_codes` takes several codes separated by spaces, `;`, `/` or
//! `、`; a designated city's code (e.g. `14100` 横浜市) covers all its wards.
//! A file replaces the areas of the providers it names, all or nothing; rows
//! naming a provider that is not in the directory are rejected alone.

use crate::facility_ref::FacilityColumns;
use crate::limits::Limits;
use crate::table::{read_tables, ColumnSpec, RowError, Table};
use crate::{IngestError, IngestResult};
use renkei_core::{FacilityId, MunicipalityCode};
use renkei_store::{ServiceAreaRecord, Store, StoreError};
use std::collections::BTreeMap;

const CODES: ColumnSpec = ColumnSpec {
    aliases: &[
        "municipality_codes",
        "municipality_code",
        "市区町村コード",
        "service_area",
    ],
    required: true,
};

/// What an import of one file did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServiceAreaReport {
    /// Providers whose areas were replaced.
    pub providers: usize,
    /// Declarations stored.
    pub stored: u64,
    /// Rows rejected alone (bad code, unknown provider).
    pub rejected: Vec<RowError>,
}

/// Declarations with the line they came from, and the rows rejected alone.
pub type ParsedAreas = (Vec<(u64, ServiceAreaRecord)>, Vec<RowError>);

/// Parses a service-area file into declarations and rejected rows.
pub fn parse_service_areas(file: &str, bytes: &[u8]) -> IngestResult<ParsedAreas> {
    let mut records = Vec::new();
    let mut rejected = Vec::new();
    for table in read_tables(file, bytes, &[".csv"], &Limits::default())? {
        parse_table(&table, &mut records, &mut rejected)?;
    }
    Ok((records, rejected))
}

/// Adds the declarations and rejected rows of one table.
fn parse_table(
    table: &Table,
    records: &mut Vec<(u64, ServiceAreaRecord)>,
    rejected: &mut Vec<RowError>,
) -> IngestResult<()> {
    let facilities = FacilityColumns::find(table)?;
    let [codes_at] = table.columns([CODES])?;
    rejected.extend(table.refused().cloned());
    for row in table.rows() {
        let facility = match facilities.id_of(&row) {
            Ok(id) => id,
            Err(error) => {
                rejected.push(error);
                continue;
            }
        };
        let codes = row.get(codes_at).unwrap_or_default();
        let parsed: Result<Vec<MunicipalityCode>, _> = codes
            .split([' ', ';', '/', '、', '\u{3000}'])
            .filter(|c| !c.is_empty())
            .map(MunicipalityCode::new)
            .collect();
        match parsed {
            Ok(list) if !list.is_empty() => {
                records.extend(list.into_iter().map(|municipality| {
                    (
                        row.line(),
                        ServiceAreaRecord {
                            facility,
                            municipality,
                        },
                    )
                }));
            }
            Ok(_) => rejected.push(row.error(codes_at, codes, "lists no municipality code")),
            Err(e) => rejected.push(row.error(
                codes_at,
                codes,
                format!("{e}; give five-digit codes such as 14207"),
            )),
        }
    }
    Ok(())
}

/// Reads `bytes` of `file` and replaces the service areas of the providers it
/// names, in one transaction; rows naming providers that are not stored are
/// rejected and listed.
pub async fn import_service_areas(
    store: &dyn Store,
    file: &str,
    bytes: &[u8],
) -> IngestResult<ServiceAreaReport> {
    let (records, mut rejected) = parse_service_areas(file, bytes)?;
    let mut known: BTreeMap<FacilityId, bool> = BTreeMap::new();
    let mut kept = Vec::with_capacity(records.len());
    for (line, record) in records {
        let exists = if let Some(exists) = known.get(&record.facility) {
            *exists
        } else {
            let exists = match store.facility(record.facility).await {
                Ok(_) => true,
                Err(StoreError::NotFound { .. }) => false,
                Err(source) => {
                    return Err(IngestError::Store {
                        file: file.to_owned(),
                        source,
                    })
                }
            };
            known.insert(record.facility, exists);
            exists
        };
        if exists {
            kept.push(record);
        } else {
            rejected.push(RowError {
                file: file.to_owned(),
                line,
                field: "facility".to_owned(),
                value: record.facility.to_string(),
                reason: "no provider in the directory has this id; import the provider first"
                    .to_owned(),
            });
        }
    }
    rejected.dedup();
    let stored = store
        .replace_service_areas(file, &kept)
        .await
        .map_err(|source| IngestError::Store {
            file: file.to_owned(),
            source,
        })?;
    let providers = known.values().filter(|exists| **exists).count();
    Ok(ServiceAreaReport {
        providers,
        stored,
        rejected,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_or_source_records_and_several_codes() {
        let text = "source,source_id,municipality_codes\n\
            架空出典,A-1,14207 14205;14100\n\
            架空出典,A-2,142O7\n\
            ,,14207\n";
        let (records, rejected) = parse_service_areas("areas.csv", text.as_bytes()).unwrap();
        let id = FacilityId::from_source("架空出典", "A-1");
        let codes: Vec<&str> = records
            .iter()
            .inspect(|(line, r)| assert_eq!((*line, r.facility), (2, id)))
            .map(|(_, r)| r.municipality.as_str())
            .collect();
        assert_eq!(codes, ["14207", "14205", "14100"]);
        assert_eq!(rejected.len(), 2);
        assert_eq!((rejected[0].line, rejected[0].value.as_str()), (3, "142O7"));
        let no_key = parse_service_areas("x.csv", b"municipality_code\n14207\n").unwrap_err();
        assert!(no_key.to_string().contains("facility_id"), "{no_key}");
    }
}
