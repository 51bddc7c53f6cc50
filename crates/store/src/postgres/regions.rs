//! Regions on PostgreSQL + PostGIS: boundaries in `geometry(MultiPolygon,
//! 4326)` (read and written as `GeoJSON`), and the batch update of location
//! placements. The rest is shared ([`crate::regions::RegionSql`]).

use super::bump_data_version;
use crate::regions::{BoundarySummary, LocationAssignment, PopulationRecord, RegionSql};
use crate::StoreResult;
use renkei_core::region::{Municipality, RegionTable};
use sqlx::{PgPool, Postgres};
use uuid::Uuid;

type Shared = RegionSql<Postgres>;

/// Inserts one unit; `$7` is `GeoJSON`, stored as a MultiPolygon in EPSG:4326.
const INSERT_MUNICIPALITY: &str = "INSERT INTO municipalities \
    (code, prefecture_code, prefecture_name, subprefecture_name, county_or_city, name, geom, source_file, imported_at) \
    VALUES ($1, $2, $3, $4, $5, $6, \
    public.ST_Multi(public.ST_SetSRID(public.ST_GeomFromGeoJSON($7), 4326)), $8, $9)";

/// Reads every unit; 15 decimals keep the coordinates exactly as written.
const SELECT_MUNICIPALITIES: &str =
    "SELECT code, prefecture_name, subprefecture_name, county_or_city, name, \
    public.ST_AsGeoJSON(geom, 15) FROM municipalities ORDER BY code";

/// Replaces the units of the prefectures in `units`, bumping the data version
/// and notifying listeners in the same transaction.
pub(super) async fn replace_boundaries(
    pool: &PgPool,
    source_file: &str,
    units: &[Municipality],
) -> StoreResult<BoundarySummary> {
    let mut tx = pool.begin().await?;
    let summary =
        Shared::write_boundaries(&mut tx, INSERT_MUNICIPALITY, source_file, units).await?;
    bump_data_version(&mut tx).await?;
    tx.commit().await?;
    Ok(summary)
}

/// Every stored unit with its boundary.
pub(super) async fn municipalities(pool: &PgPool) -> StoreResult<Vec<Municipality>> {
    let mut conn = pool.acquire().await?;
    Shared::read_boundaries(&mut conn, SELECT_MUNICIPALITIES).await
}

/// Replaces `table`'s prefecture.
pub(super) async fn upsert_region_table(pool: &PgPool, table: &RegionTable) -> StoreResult<()> {
    let mut tx = pool.begin().await?;
    Shared::write_table(&mut tx, table).await?;
    bump_data_version(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

/// Every stored region table, read in one snapshot.
pub(super) async fn region_tables(pool: &PgPool) -> StoreResult<Vec<RegionTable>> {
    let mut tx = pool.begin().await?;
    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .execute(&mut *tx)
        .await?;
    let tables = Shared::read_tables(&mut tx).await?;
    tx.commit().await?;
    Ok(tables)
}

/// Writes population rows; returns how many.
pub(super) async fn set_population(pool: &PgPool, rows: &[PopulationRecord]) -> StoreResult<u64> {
    let mut tx = pool.begin().await?;
    let written = Shared::write_populations(&mut tx, rows).await?;
    bump_data_version(&mut tx).await?;
    tx.commit().await?;
    Ok(written)
}

/// Every stored population row.
pub(super) async fn populations(pool: &PgPool) -> StoreResult<Vec<PopulationRecord>> {
    let mut conn = pool.acquire().await?;
    Shared::read_populations(&mut conn).await
}

/// Writes, in one statement, the placements that differ from the stored ones;
/// returns how many changed.
pub(super) async fn set_location_assignments(
    pool: &PgPool,
    assignments: &[LocationAssignment],
) -> StoreResult<u64> {
    let mut ids: Vec<Uuid> = Vec::with_capacity(assignments.len());
    let (mut municipalities, mut regions, mut methods, mut distances) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for assignment in assignments {
        let (municipality, region, method, distance_m) = assignment.columns();
        ids.push(assignment.id.0);
        municipalities.push(municipality);
        regions.push(region);
        methods.push(method);
        distances.push(distance_m);
    }
    let mut tx = pool.begin().await?;
    let changed = sqlx::query(include_str!("update_assignments.sql"))
        .bind(&ids)
        .bind(&municipalities)
        .bind(&regions)
        .bind(&methods)
        .bind(&distances)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if changed > 0 {
        bump_data_version(&mut tx).await?;
    }
    tx.commit().await?;
    Ok(changed)
}
