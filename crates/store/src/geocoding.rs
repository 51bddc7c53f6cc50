//! Town points for the offline geocoder, and how geocoded locations were placed.
//! The SQL is the same on both backends; [`geocoding_for!`] expands it for one.

use renkei_core::geocode::Precision;
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
/// Records one geocoded location.
pub(crate) const UPSERT_GEOCODE: &str = "INSERT INTO location_geocodes (location_id, precision, matched) VALUES ($1, $2, $3) \
     ON CONFLICT (location_id) DO UPDATE SET precision = excluded.precision, matched = excluded.matched";

/// Builds a town point from a stored row.
pub(crate) fn town_from_row(
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

/// Expands the backend functions: `$pool` pool type, `$id` turns a
/// [`FacilityId`] into the value bound for a location id.
macro_rules! geocoding_for {
    ($pool:ty, $id:expr) => {
        use crate::geocoding::{
            town_from_row, GeocodeRecord, DELETE_TOWNS, INSERT_TOWN, SELECT_TOWNS, UPSERT_GEOCODE,
        };
        use crate::StoreResult;
        use renkei_core::geocode::TownPoint;

        /// Replaces the town points of every prefecture in `points`; returns how
        /// many were written and the new data version.
        pub(crate) async fn replace_town_points(
            pool: &$pool,
            source_file: &str,
            points: &[TownPoint],
        ) -> StoreResult<(u64, i64)> {
            let mut prefectures: Vec<String> = points
                .iter()
                .map(|p| p.municipality.prefecture().to_string())
                .collect();
            prefectures.sort();
            prefectures.dedup();
            let mut tx = pool.begin().await?;
            for prefecture in &prefectures {
                sqlx::query(DELETE_TOWNS)
                    .bind(prefecture)
                    .execute(&mut *tx)
                    .await?;
            }
            for point in points {
                sqlx::query(INSERT_TOWN)
                    .bind(point.municipality.as_str())
                    .bind(&point.town)
                    .bind(point.position.lon())
                    .bind(point.position.lat())
                    .bind(source_file)
                    .execute(&mut *tx)
                    .await?;
            }
            let version = super::bump_data_version(&mut tx).await?;
            tx.commit().await?;
            Ok((points.len() as u64, version))
        }

        /// Every stored town point.
        pub(crate) async fn town_points(pool: &$pool) -> StoreResult<Vec<TownPoint>> {
            let rows: Vec<(String, String, f64, f64)> =
                sqlx::query_as(SELECT_TOWNS).fetch_all(pool).await?;
            rows.into_iter().map(town_from_row).collect()
        }

        /// Records how `records` were placed; returns the new data version.
        pub(crate) async fn set_geocodes(
            pool: &$pool,
            records: &[GeocodeRecord],
        ) -> StoreResult<i64> {
            let to_id = $id;
            let mut tx = pool.begin().await?;
            for record in records {
                sqlx::query(UPSERT_GEOCODE)
                    .bind(to_id(record.facility))
                    .bind(record.precision.as_str())
                    .bind(&record.matched)
                    .execute(&mut *tx)
                    .await?;
            }
            let version = super::bump_data_version(&mut tx).await?;
            tx.commit().await?;
            Ok(version)
        }
    };
}

pub(crate) use geocoding_for;
