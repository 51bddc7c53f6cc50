//! Regions on SQLite: boundaries as `GeoJSON` text, and the batch update of
//! location placements. The rest is shared ([`crate::regions::RegionSql`]).

use super::bump_data_version;
use crate::regions::{BoundarySummary, LocationAssignment, PopulationRecord, RegionSql};
use crate::StoreResult;
use renkei_core::region::{Municipality, RegionTable};
use sqlx::{Sqlite, SqliteConnection, SqlitePool};

type Shared = RegionSql<Sqlite>;

/// Inserts one unit; the geometry is bound as `GeoJSON` text.
const INSERT_MUNICIPALITY: &str = "INSERT INTO municipalities \
    (code, prefecture_code, prefecture_name, subprefecture_name, county_or_city, name, geometry, source_file, imported_at) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";

/// Reads every unit with its `GeoJSON` geometry.
const SELECT_MUNICIPALITIES: &str =
    "SELECT code, prefecture_name, subprefecture_name, county_or_city, name, geometry \
    FROM municipalities ORDER BY code";

/// Sets many locations' placements in one statement, from a JSON array of
/// `[id, municipality, region, method, distance_m]`; rows already placed the
/// same way are not touched, so the affected rows are the changed ones.
const UPDATE_ASSIGNMENTS: &str = "UPDATE locations SET municipality_code = a.municipality_code, \
    region_code = a.region_code, assignment_method = a.method, assignment_distance_m = a.distance_m \
    FROM (SELECT value ->> 0 AS id, value ->> 1 AS municipality_code, value ->> 2 AS region_code, \
          value ->> 3 AS method, value ->> 4 AS distance_m FROM json_each($1)) AS a \
    WHERE locations.id = a.id AND (locations.municipality_code IS NOT a.municipality_code \
    OR locations.region_code IS NOT a.region_code OR locations.assignment_method IS NOT a.method \
    OR locations.assignment_distance_m IS NOT a.distance_m)";

/// Placements per statement: keeps each JSON parameter to a few megabytes.
const ASSIGNMENTS_PER_STATEMENT: usize = 20_000;

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
    if assignments.is_empty() {
        return Ok((0, None));
    }
    let mut tx = pool.begin().await?;
    let changed = update_assignments(&mut tx, assignments).await?;
    let version = if changed > 0 {
        Some(bump_data_version(&mut tx).await?)
    } else {
        None
    };
    tx.commit().await?;
    Ok((changed, version))
}

/// Writes placements that differ from the stored ones inside the transaction
/// `conn`; returns how many changed.
pub(super) async fn update_assignments<'a>(
    conn: &mut SqliteConnection,
    assignments: impl IntoIterator<Item = &'a LocationAssignment>,
) -> StoreResult<u64> {
    let mut changed = 0;
    let mut assignments = assignments.into_iter().peekable();
    while assignments.peek().is_some() {
        let rows: Vec<serde_json::Value> = assignments
            .by_ref()
            .take(ASSIGNMENTS_PER_STATEMENT)
            .map(|assignment| {
                let (municipality, region, method, distance_m) = assignment.columns();
                serde_json::json!([
                    assignment.id.0.hyphenated().to_string(),
                    municipality,
                    region,
                    method,
                    distance_m
                ])
            })
            .collect();
        changed += sqlx::query(UPDATE_ASSIGNMENTS)
            .bind(serde_json::Value::Array(rows).to_string())
            .execute(&mut *conn)
            .await?
            .rows_affected();
    }
    Ok(changed)
}
