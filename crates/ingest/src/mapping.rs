//! `renkei import csv --mapping FILE.toml`: any list of places (a prefecture's
//! 特別支援学校 or 相談窓口, a council's own spreadsheet) with a mapping file
//! that names which column holds what. A documented example is
//! `data/mappings/p29-special-needs-schools.toml`.

use crate::draft::{FacilityDraft, ServiceDraft};
use crate::parse::{position, ParsedRows};
use crate::table::{Row, RowError, Table};
use crate::{IngestError, IngestResult};
use renkei_core::{KindCode, MunicipalityCode};
use renkei_store::SourceInfo;
use serde::Deserialize;

/// Mappings compiled in from `data/mappings/`, by name (a fetch plan's
/// `mapping:<name>` importer).
const BUILTIN_MAPPINGS: &[(&str, &str)] = &[(
    "p29-special-needs-schools",
    include_str!("../../../data/mappings/p29-special-needs-schools.toml"),
)];

/// A parsed and checked mapping file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    source: MappingSource,
    facility: MappingFacility,
    columns: MappingColumns,
    #[serde(default)]
    filter: Option<MappingFilter>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct MappingSource {
    key: String,
    name: String,
    publisher: String,
    licence: String,
    attribution: String,
    url: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct MappingFacility {
    kind: String,
    service_name: Option<String>,
    #[serde(default)]
    address_prefix: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum ColumnNames {
    One(String),
    Several(Vec<String>),
}

impl ColumnNames {
    fn names(&self) -> Vec<&str> {
        match self {
            Self::One(name) => vec![name.as_str()],
            Self::Several(names) => names.iter().map(String::as_str).collect(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct MappingColumns {
    record_id: ColumnNames,
    name: String,
    address: String,
    municipality: Option<String>,
    lon: Option<String>,
    lat: Option<String>,
    name_kana: Option<String>,
    organization: Option<String>,
    phone: Option<String>,
    url: Option<String>,
    postal_code: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct MappingFilter {
    column: String,
    values: Vec<String>,
}

impl Mapping {
    /// Parses a mapping file; unknown keys and unknown kind codes are errors naming them.
    pub fn parse(file: &str, text: &str) -> IngestResult<Self> {
        let mapping: Self = toml::from_str(text).map_err(|e| IngestError::Format {
            file: file.to_owned(),
            reason: e.to_string(),
        })?;
        KindCode::new(&mapping.facility.kind).map_err(|e| IngestError::Format {
            file: file.to_owned(),
            reason: format!("[facility] kind: {e}"),
        })?;
        if mapping.source.key.is_empty() || mapping.source.key == "demo" {
            return Err(IngestError::Format {
                file: file.to_owned(),
                reason: "[source] key must be a non-empty name other than \"demo\"".into(),
            });
        }
        Ok(mapping)
    }

    /// The mapping compiled in as `name` (a file of `data/mappings/`, without
    /// `.toml`); the error names the ones there are.
    pub fn builtin(name: &str) -> IngestResult<Self> {
        let (file, text) =
            crate::builtin::find(BUILTIN_MAPPINGS, name, "built-in mapping", "data/mappings")?;
        Self::parse(file, text)
    }

    /// The source the mapped records come from.
    pub fn source(&self) -> SourceInfo {
        let s = &self.source;
        SourceInfo {
            key: s.key.clone(),
            name: s.name.clone(),
            publisher: s.publisher.clone(),
            licence: s.licence.clone(),
            attribution: s.attribution.clone(),
            url: s.url.clone(),
            demo: false,
        }
    }

    /// Facilities of one table read with this mapping.
    pub fn parse_rows(&self, table: &Table) -> IngestResult<ParsedRows> {
        let columns = self.resolve(table)?;
        let kind = KindCode::new(&self.facility.kind).expect("checked in Mapping::parse");
        let mut parsed = ParsedRows::default();
        for row in table.rows() {
            if let Some((column, values)) = &columns.filter {
                if !values.iter().any(|v| Some(v.as_str()) == row.get(*column)) {
                    continue;
                }
            }
            match self.draft(&row, &columns, &kind) {
                Ok(draft) => parsed.drafts.push(draft),
                Err(error) => match record_id(&row, &columns) {
                    Some(id) => parsed.reject_listed(&id, error),
                    None => parsed.rejected.push(error),
                },
            }
        }
        Ok(parsed)
    }

    /// Column positions for this mapping; a missing column is a format error naming it.
    fn resolve(&self, table: &Table) -> IngestResult<MappedColumns> {
        let required = |name: &str| table.column_named(name, true);
        let optional = |name: &Option<String>| {
            name.as_deref()
                .map_or(Ok(None), |n| table.column_named(n, true))
        };
        let c = &self.columns;
        Ok(MappedColumns {
            record_id: c
                .record_id
                .names()
                .into_iter()
                .map(required)
                .collect::<IngestResult<Vec<_>>>()?,
            name: required(&c.name)?,
            address: required(&c.address)?,
            municipality: optional(&c.municipality)?,
            lon: optional(&c.lon)?,
            lat: optional(&c.lat)?,
            name_kana: optional(&c.name_kana)?,
            organization: optional(&c.organization)?,
            phone: optional(&c.phone)?,
            url: optional(&c.url)?,
            postal_code: optional(&c.postal_code)?,
            filter: match &self.filter {
                Some(f) => Some((required(&f.column)?, f.values.clone())),
                None => None,
            },
        })
    }

    fn draft(
        &self,
        row: &Row<'_>,
        c: &MappedColumns,
        kind: &KindCode,
    ) -> Result<FacilityDraft, RowError> {
        let Some(record_id) = record_id(row, c) else {
            let empty = c
                .record_id
                .iter()
                .copied()
                .find(|column| row.get(*column).is_none())
                .flatten();
            return Err(row.error(empty, "", "record id column is empty"));
        };
        let name = row
            .get(c.name)
            .ok_or_else(|| row.error(c.name, "", "name is empty"))?;
        let position = position(row, c.lon, c.lat)?;
        let municipality = row
            .get(c.municipality)
            .map(|m| {
                MunicipalityCode::new(m).map_err(|e| row.error(c.municipality, m, e.to_string()))
            })
            .transpose()?;
        let raw_address = row.get(c.address).unwrap_or_default();
        let prefix = &self.facility.address_prefix;
        let address = if raw_address.starts_with(prefix.as_str()) {
            raw_address.to_owned()
        } else {
            format!("{prefix}{raw_address}")
        };
        Ok(FacilityDraft {
            source_line: row.line(),
            record_id,
            kind: kind.clone(),
            name: name.to_owned(),
            name_kana: row.get(c.name_kana).map(str::to_owned),
            organization: row.get(c.organization).map(str::to_owned),
            organization_url: None,
            address,
            postal_code: row
                .get(c.postal_code)
                .map(|p| p.replace(['-', '－', '〒'], "")),
            municipality,
            position,
            phones: row
                .get(c.phone)
                .map(|p| (p.to_owned(), None))
                .into_iter()
                .collect(),
            url: row.get(c.url).map(str::to_owned),
            services: vec![ServiceDraft {
                key: "main".to_owned(),
                name: self
                    .facility
                    .service_name
                    .clone()
                    .unwrap_or_else(|| kind.term().ja.clone()),
                service_type: None,
                respite_beds: None,
                schedules: Vec::new(),
            }],
        })
    }
}

/// Where each mapped field is in one table.
struct MappedColumns {
    record_id: Vec<Option<usize>>,
    name: Option<usize>,
    address: Option<usize>,
    municipality: Option<usize>,
    lon: Option<usize>,
    lat: Option<usize>,
    name_kana: Option<usize>,
    organization: Option<usize>,
    phone: Option<usize>,
    url: Option<usize>,
    postal_code: Option<usize>,
    filter: Option<(Option<usize>, Vec<String>)>,
}

/// The row's record id (its id columns joined with `:`), or `None` when one is empty.
fn record_id(row: &Row<'_>, c: &MappedColumns) -> Option<String> {
    let parts: Vec<&str> = c
        .record_id
        .iter()
        .map(|column| row.get(*column))
        .collect::<Option<_>>()?;
    Some(parts.join(":"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = include_str!("../../../data/mappings/p29-special-needs-schools.toml");

    #[test]
    fn example_mapping_reads_p29_rows() {
        let mapping = Mapping::parse("p29.toml", EXAMPLE).unwrap();
        let csv = "P29_001,P29_002,P29_003,P29_004,P29_005,P29_006,P29_007,lon,lat\n\
                   14207,E0000000001,16012,架空養護学校,茅ヶ崎市架空町1-1,2,1,139.39,35.35\n\
                   14207,E0000000001,16012,架空養護学校架空分教室,茅ヶ崎市架空町2-2,2,1,139.38,35.36\n\
                   14207,E0000000002,16001,架空小学校,茅ヶ崎市架空町3,3,1,139.37,35.37\n\
                   14207,E0000000003,16012,架空第二養護学校,茅ヶ崎市架空町4,2,1,1390.37,35.37\n";
        let parsed = mapping
            .parse_rows(&Table::parse("p29.csv", csv).unwrap())
            .unwrap();
        assert_eq!(
            parsed.drafts.len(),
            2,
            "elementary school filtered out, bad row rejected"
        );
        assert_eq!(parsed.drafts[0].record_id, "E0000000001:架空養護学校");
        assert_eq!(parsed.drafts[0].address, "神奈川県茅ヶ崎市架空町1-1");
        assert_eq!(parsed.drafts[0].kind.as_str(), "special_needs_school");
        assert_eq!(parsed.rejected.len(), 1);
        assert_eq!(parsed.rejected[0].field, "lon");
    }

    #[test]
    fn mapping_errors_name_the_problem() {
        let bad_kind = EXAMPLE.replace("kind = \"special_needs_school\"", "kind = \"school\"");
        assert!(Mapping::parse("m.toml", &bad_kind)
            .unwrap_err()
            .to_string()
            .contains("school"));
        let typo = EXAMPLE.replace("address = \"P29_005\"", "adress = \"P29_005\"");
        assert!(Mapping::parse("m.toml", &typo)
            .unwrap_err()
            .to_string()
            .contains("adress"));
        let mapping = Mapping::parse("m.toml", EXAMPLE).unwrap();
        let err = mapping
            .parse_rows(&Table::parse("x.csv", "a,b\n1,2\n").unwrap())
            .unwrap_err()
            .to_string();
        assert!(err.contains("P29_002"), "{err}");
    }
}
