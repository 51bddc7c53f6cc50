//! How a desk's sheet names a directory facility: by its renkei id (施設ID,
//! as the API and the CSV export give it) or by source and source id (出典,
//! 出典ID: e.g. mhlw-kaigo-kouhyou and the 事業所番号).

use crate::table::{ColumnSpec, Row, RowError, Table};
use crate::{IngestError, IngestResult};
use renkei_core::FacilityId;

const FACILITY_ID: ColumnSpec = ColumnSpec {
    aliases: &["施設ID", "facility_id", "id"],
    required: false,
};
const SOURCE: ColumnSpec = ColumnSpec {
    aliases: &["出典", "source"],
    required: false,
};
const SOURCE_ID: ColumnSpec = ColumnSpec {
    aliases: &["出典ID", "source_id"],
    required: false,
};

/// Where a sheet names its facilities.
#[derive(Debug, Clone, Copy)]
pub struct FacilityColumns {
    id: Option<usize>,
    source: Option<usize>,
    source_id: Option<usize>,
}

impl FacilityColumns {
    /// Finds the columns; a sheet with neither 施設ID nor both 出典 and 出典ID
    /// is the wrong format.
    pub fn find(table: &Table) -> IngestResult<Self> {
        let [id, source, source_id] = table.columns([FACILITY_ID, SOURCE, SOURCE_ID])?;
        if id.is_none() && (source.is_none() || source_id.is_none()) {
            return Err(IngestError::Format {
                file: table.file().to_owned(),
                reason: "the sheet needs a 施設ID (facility_id) column, or both 出典 (source) and 出典ID (source_id) columns, to name each facility".into(),
            });
        }
        Ok(Self {
            id,
            source,
            source_id,
        })
    }

    /// The facility `row` names (whether it is stored is the caller's check).
    pub fn id_of(&self, row: &Row<'_>) -> Result<FacilityId, RowError> {
        if let Some(text) = row.get(self.id) {
            return uuid::Uuid::parse_str(text).map(FacilityId).map_err(|_| {
                row.error(
                    self.id,
                    text,
                    "施設ID is not an id as the API gives it (a UUID)",
                )
            });
        }
        if let (Some(source), Some(record)) = (row.get(self.source), row.get(self.source_id)) {
            return Ok(FacilityId::from_source(source, record));
        }
        Err(row.error(
            self.id.or(self.source_id),
            "",
            "no 施設ID, nor 出典 with 出典ID, names the facility",
        ))
    }

    /// An error about the facility `row` names: the 施設ID cell when the row
    /// fills it, else the 出典ID cell.
    pub fn error(&self, row: &Row<'_>, reason: &str) -> RowError {
        let column = if row.get(self.id).is_some() {
            self.id
        } else {
            self.source_id
        };
        row.error(column, row.get(column).unwrap_or_default(), reason)
    }
}
