//! Town points for the offline geocoder, and how geocoded locations were placed.

use crate::dialect::Dialect;
use crate::params::{Param, StoredId};
use crate::StoreResult;
use renkei_core::geocode::Precision;
use renkei_core::geocode::TownPoint;
use renkei_core::FacilityId;

/// How one location's position was found from its address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeocodeRecord {
    /// The facility (location) placed.
    pub facility: FacilityId,
    /// Town or municipality precision.
    pub precision: Precision,
    /// The names that matched, e.g. 茅ヶ崎市本村五丁目.
    pub matched: String,
}

/// Deletes the town points of one prefecture (`$1`, two digits).
pub(crate) const DELETE_TOWNS: &str =
    "DELETE FROM town_points WHERE substr(municipality_code, 1, 2) = $1";
/// Inserts one town point.
pub(crate) const INSERT_TOWN: &str =
    "INSERT INTO town_points (municipality_code, town, lon, lat, source_file) VALUES ($1, $2, $3, $4, $5) \
     ON CONFLICT (municipality_code, town) DO UPDATE SET lon = excluded.lon, lat = excluded.lat, source_file = excluded.source_file";
/// Every town point.
pub(crate) const SELECT_TOWNS: &str =
    "SELECT municipality_code, town, lon, lat FROM town_points ORDER BY municipality_code, town";
/// Records one geocoded location; a row stored the same way is not touched,
/// so the affected rows are the changed ones.
pub(crate) const UPSERT_GEOCODE: &str = "INSERT INTO location_geocodes (location_id, precision, matched) VALUES ($1, $2, $3) \
     ON CONFLICT (location_id) DO UPDATE SET precision = excluded.precision, matched = excluded.matched \
     WHERE location_geocodes.precision <> excluded.precision OR location_geocodes.matched <> excluded.matched";

/// Builds a town point from a stored row.
fn town_from_row(
    (code, town, lon, lat): (String, String, f64, f64),
) -> crate::StoreResult<renkei_core::geocode::TownPoint> {
    let corrupt = |reason: String| crate::StoreError::Corrupt {
        entity: "town_point",
        key: format!("{code} {town}"),
        reason,
    };
    Ok(renkei_core::geocode::TownPoint {
        municipality: renkei_core::MunicipalityCode::new(code.clone())
            .map_err(|e| corrupt(e.to_string()))?,
        position: renkei_core::LonLat::new(lon, lat).map_err(|e| corrupt(e.to_string()))?,
        town,
    })
}

/// Replaces the town points of every prefecture in `points` inside the
/// transaction `conn`; returns how many were written.
pub(crate) async fn replace_towns<D: Dialect>(
    conn: &mut D::Connection,
    source_file: &str,
    points: &[TownPoint],
) -> StoreResult<u64> {
    let mut prefectures: Vec<String> = points
        .iter()
        .map(|p| p.municipality.prefecture().to_string())
        .collect();
    prefectures.sort();
    prefectures.dedup();
    for prefecture in &prefectures {
        D::execute(conn, DELETE_TOWNS, &[prefecture]).await?;
    }
    for point in points {
        let args: [&dyn Param; 5] = [
            &point.municipality.as_str(),
            &point.town,
            &point.position.lon(),
            &point.position.lat(),
            &source_file,
        ];
        D::execute(conn, INSERT_TOWN, &args).await?;
    }
    Ok(points.len() as u64)
}

/// Every stored town point.
pub(crate) async fn towns<D: Dialect>(conn: &mut D::Connection) -> StoreResult<Vec<TownPoint>> {
    let rows: Vec<(String, String, f64, f64)> = D::fetch(conn, SELECT_TOWNS, &[]).await?;
    rows.into_iter().map(town_from_row).collect()
}

/// Records how `records` were placed inside the transaction `conn`; returns
/// how many changed.
pub(crate) async fn upsert_geocodes<D: Dialect>(
    conn: &mut D::Connection,
    records: &[GeocodeRecord],
) -> StoreResult<u64> {
    let mut changed = 0;
    for record in records {
        let args: [&dyn Param; 3] = [
            &StoredId(record.facility.0),
            &record.precision.as_str(),
            &record.matched,
        ];
        changed += D::execute(conn, UPSERT_GEOCODE, &args).await?;
    }
    Ok(changed)
}
