//! Field parsers shared by the importers.

use crate::draft::FacilityDraft;
use crate::table::{Row, RowError};
use renkei_core::LonLat;

/// What an importer made of one file: drafts for the valid rows, errors for the rest.
#[derive(Debug, Default)]
pub struct ParsedRows {
    /// One draft per valid row.
    pub drafts: Vec<FacilityDraft>,
    /// One error per rejected row.
    pub rejected: Vec<RowError>,
    /// Record ids of rejected rows whose id could be read: the publisher still
    /// lists those records, so closing what a file no longer lists leaves them.
    pub rejected_ids: Vec<String>,
}

impl ParsedRows {
    /// Rejects a row whose record id could be read (see [`Self::rejected_ids`]).
    pub fn reject_listed(&mut self, record_id: &str, error: RowError) {
        self.rejected_ids.push(record_id.to_owned());
        self.rejected.push(error);
    }
}

/// Reads a position from latitude/longitude columns (sources give 緯度 before
/// 経度; renkei keeps lon, lat). Empty cells and the `0.0, 0.0` that MHLW
/// publishes for "no coordinates" give `Ok(None)`, so the row is geocoded from
/// its address instead of dropped.
pub fn position(
    row: &Row<'_>,
    lon_column: Option<usize>,
    lat_column: Option<usize>,
) -> Result<Option<LonLat>, RowError> {
    let (Some(lon_text), Some(lat_text)) = (row.get(lon_column), row.get(lat_column)) else {
        return Ok(None);
    };
    let number = |column, text: &str| {
        text.parse::<f64>()
            .map_err(|_| row.error(column, text, "is not a number (decimal degrees expected)"))
    };
    let (lon, lat) = (number(lon_column, lon_text)?, number(lat_column, lat_text)?);
    if lon == 0.0 && lat == 0.0 {
        return Ok(None);
    }
    LonLat::new(lon, lat).map(Some).map_err(|e| {
        let column = if e.to_string().starts_with("longitude") {
            lon_column
        } else {
            lat_column
        };
        row.error(column, &format!("{lat_text},{lon_text}"), e.to_string())
    })
}
