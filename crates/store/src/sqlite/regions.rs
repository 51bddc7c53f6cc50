//! Regions on SQLite: boundaries as `GeoJSON` text, and the batch update of
//! location placements. The rest is shared ([`crate::regions::RegionSql`]).

use super::bump_data_version;
use crate::regions::{BoundarySummary, LocationAssignment, PopulationRecord, RegionSql};
use crate::StoreResult;
use renkei_core::region::{Municipality, RegionTable};
use sqlx::{Sqlite, SqlitePool};

type Shared = RegionSql<Sqlite>;

/// Inserts one unit; the geometry is bound as `GeoJSON` text.
const INSERT_MUNICIPALITY: &str = "INSERT INTO municipalities \
    (code, prefecture_code, prefecture_name, subprefecture_name, county_or_city, name, geometry, source_file, imported_at) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";

/// Reads every unit with its `GeoJSON` geometry.
const SELECT_MUNICIPALITIES: &str =
    "SELECT code, prefecture_name, subprefecture_name, county_or_city, name, geometry \
    FROM municipalities ORDER BY code";

/// Sets a location's placement when it differs from the stored one.
const UPDATE_ASSIGNMENT: &str = "UPDATE locations SET municipality_code = $2, region_code = $3, \
    assignment_method = $4, assignment_distance_m = $5 \
    WHERE id = $1 AND (municipality_code IS NOT $2 OR region_code IS NOT $3 \
    OR assignment_method IS NOT $4 OR assignment_distance_m IS NOT $5)";

/// Replaces the units of the prefectures in `units`; returns the summary and the new data version.
pub(super) async fn replace_boundaries(
    pool: &SqlitePool,
    source_file: &str,
    units: &[Municipality],
) -> StoreResult<(BoundarySummary, i64)> {
    let mut tx = pool.begin().await?;
    let summary =
        Shared::write_boundaries(&mut tx, INSERT_MUNICIPALITY, source_file, units).await?;
    let version = bump_data_version(&mut tx).await?;
    tx.commit().await?;
    Ok((summary, version))
}

/// Every stored unit with its boundary.
pub(super) async fn municipalities(pool: &SqlitePool) -> StoreResult<Vec<Municipality>> {
    let mut conn = pool.acquire().await?;
    Shared::read_boundaries(&mut conn, SELECT_MUNICIPALITIES).await
}

/// Replaces `table`'s prefecture; returns the new data version.
pub(super) async fn upsert_region_table(
    pool: &SqlitePool,
    table: &RegionTable,
) -> StoreResult<i64> {
    let mut tx = pool.begin().await?;
    Shared::write_table(&mut tx, table).await?;
    let version = bump_data_version(&mut tx).await?;
    tx.commit().await?;
    Ok(version)
}

/// Every stored region table.
pub(super) async fn region_tables(pool: &SqlitePool) -> StoreResult<Vec<RegionTable>> {
    let mut conn = pool.acquire().await?;
    Shared::read_tables(&mut conn).await
}

/// Writes population rows; returns how many and the new data version.
pub(super) async fn set_population(
    pool: &SqlitePool,
    rows: &[PopulationRecord],
) -> StoreResult<(u64, i64)> {
    let mut tx = pool.begin().await?;
    let written = Shared::write_populations(&mut tx, rows).await?;
    let version = bump_data_version(&mut tx).await?;
    tx.commit().await?;
    Ok((written, version))
}

/// Every stored population row.
pub(super) async fn populations(pool: &SqlitePool) -> StoreResult<Vec<PopulationRecord>> {
    let mut conn = pool.acquire().await?;
    Shared::read_populations(&mut conn).await
}

/// Writes placements that differ from the stored ones; returns how many
/// changed and, when any did, the new data version.
pub(super) async fn set_location_assignments(
    pool: &SqlitePool,
    assignments: &[LocationAssignment],
) -> StoreResult<(u64, Option<i64>)> {
    let mut tx = pool.begin().await?;
    let mut changed = 0;
    for assignment in assignments {
        let (municipality, region, method, distance_m) = assignment.columns();
        changed += sqlx::query(UPDATE_ASSIGNMENT)
            .bind(assignment.id.0.hyphenated().to_string())
            .bind(municipality)
            .bind(region)
            .bind(method)
            .bind(distance_m)
            .execute(&mut *tx)
            .await?
            .rows_affected();
    }
    let version = if changed > 0 {
        Some(bump_data_version(&mut tx).await?)
    } else {
        None
    };
    tx.commit().await?;
    Ok((changed, version))
}
