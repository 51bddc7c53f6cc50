//! PostgreSQL + PostGIS backend, for several replicas and QGIS users.
//!
//! Opening retries while the server is unreachable (see
//! [`OpenOptions::startup_timeout`]); writes send `NOTIFY renkei_changes`
//! inside their transaction, so listeners hear of committed writes only.

mod accreditations;
mod closing;
mod coverage_inputs;
mod geocoding;
mod listen;
mod read;
mod regions;
mod verified;
mod write;

use crate::{
    Backend, ChangeFeed, DatabaseUrl, FacilityFilter, FacilityPage, OpenOptions, PageRequest,
    SourceInfo, Store, StoreError, StoreResult, WriteSummary,
};
use crate::{BoundarySummary, LocationAssignment, PopulationRecord, CHANGES_CHANNEL};
use async_trait::async_trait;
use renkei_core::region::{Municipality, RegionTable};
use renkei_core::{Facility, FacilityId, MunicipalityCode, Taxonomy};
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, Connection, PgPool};
use std::collections::BTreeMap;
use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use uuid::Uuid;

/// Migrations embedded from `migrations/postgres/`.
pub static MIGRATOR: Migrator = sqlx::migrate!("../../migrations/postgres");

/// First wait between start-up attempts; it doubles up to [`MAX_RETRY_DELAY`].
const FIRST_RETRY_DELAY: Duration = Duration::from_millis(250);
/// Longest wait between start-up attempts.
const MAX_RETRY_DELAY: Duration = Duration::from_secs(5);

/// The PostgreSQL store. Clones share the pool and the change listener.
#[derive(Debug, Clone)]
pub struct PostgresStore {
    pool: PgPool,
    feed: Arc<listen::Feed>,
}

impl PostgresStore {
    /// Connects (retrying while PostgreSQL is unreachable, up to
    /// `options.startup_timeout`), creates `options.schema` when set and
    /// missing, applies pending migrations and refreshes the facility-kind labels.
    pub async fn open(url: &DatabaseUrl, options: &OpenOptions) -> StoreResult<Self> {
        let bad_url = |reason: String| StoreError::BadUrl {
            url: url.to_string(),
            reason,
        };
        let mut connect = PgConnectOptions::from_str(url.expose())
            .map_err(|e| {
                bad_url(format!(
                    "{e}; use postgres://USER:PASSWORD@HOST:PORT/DATABASE"
                ))
            })?
            .application_name("renkei");
        if let Some(schema) = &options.schema {
            check_schema_name(schema).map_err(bad_url)?;
            connect = connect.options([("search_path", format!("{schema},public"))]);
        }
        wait_until_reachable(url, &connect, options.startup_timeout).await?;
        let pool = PgPoolOptions::new()
            .max_connections(options.max_connections.max(2))
            .acquire_timeout(options.acquire_timeout)
            .connect_with(connect)
            .await?;
        if let Some(schema) = &options.schema {
            // Checked above to be a plain lower-case identifier, so it can be spliced.
            sqlx::query(&format!("CREATE SCHEMA IF NOT EXISTS {schema}"))
                .execute(&pool)
                .await?;
        }
        MIGRATOR.run(&pool).await?;
        let mut tx = pool.begin().await?;
        for kind in &Taxonomy::builtin().kinds {
            sqlx::query(include_str!("../sql/upsert_kind.sql"))
                .bind(&kind.code)
                .bind(&kind.ja)
                .bind(&kind.en)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        tracing::info!(url = %url, schema = options.schema.as_deref().unwrap_or("(default)"), "opened PostgreSQL store");
        Ok(Self {
            pool: pool.clone(),
            feed: Arc::new(listen::Feed::new(pool)),
        })
    }

    /// Stops the change listener and closes every connection.
    pub async fn close(&self) {
        self.feed.stop();
        self.pool.close().await;
    }
}

fn check_schema_name(schema: &str) -> Result<(), String> {
    let valid = !schema.is_empty()
        && schema.len() <= 63
        && !schema.starts_with(|c: char| c.is_ascii_digit())
        && schema
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if valid {
        Ok(())
    } else {
        Err(format!("schema {schema:?} must be 1-63 lower-case ASCII letters, digits or _, not starting with a digit"))
    }
}

/// True for errors that mean "not up yet": refused or reset connections, and
/// PostgreSQL's own "starting up / shutting down / too many clients".
fn is_transient(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Io(_) | sqlx::Error::Tls(_) | sqlx::Error::PoolTimedOut => true,
        sqlx::Error::Database(db) => {
            matches!(
                db.code().as_deref(),
                Some("57P03" | "57P01" | "57P02" | "53300" | "08006" | "08001")
            )
        }
        _ => false,
    }
}

/// Tries one connection until it works or `startup_timeout` has passed,
/// doubling the wait between attempts and logging each retry.
async fn wait_until_reachable(
    url: &DatabaseUrl,
    connect: &PgConnectOptions,
    startup_timeout: Duration,
) -> StoreResult<()> {
    let started = Instant::now();
    let deadline = started + startup_timeout;
    let mut delay = FIRST_RETRY_DELAY;
    for attempt in 1u32.. {
        let error = match connect.connect().await {
            Ok(conn) => {
                let _ = conn.close().await;
                return Ok(());
            }
            Err(error) if is_transient(&error) => error,
            Err(error) => return Err(error.into()),
        };
        let now = Instant::now();
        if now >= deadline {
            return Err(StoreError::Unavailable {
                message: format!(
                    "PostgreSQL at {url} did not answer within {:.1} s ({attempt} attempts); last error: {error}",
                    startup_timeout.as_secs_f64()
                ),
                source: Some(error),
            });
        }
        let wait = delay.min(deadline - now);
        tracing::warn!(
            url = %url,
            attempt,
            retry_in_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
            error = %error,
            "PostgreSQL is not reachable yet; retrying"
        );
        tokio::time::sleep(wait).await;
        delay = (delay * 2).min(MAX_RETRY_DELAY);
    }
    unreachable!("the attempt counter does not run out")
}

/// Bumps the data version inside the write transaction `conn` and queues a
/// NOTIFY on [`CHANGES_CHANNEL`] (delivered on commit only); returns the new version.
async fn bump_data_version(conn: &mut sqlx::PgConnection) -> StoreResult<i64> {
    let version: i64 = sqlx::query_scalar(include_str!("../sql/bump_data_version.sql"))
        .fetch_one(&mut *conn)
        .await?;
    sqlx::query("SELECT pg_notify($1, $2)")
        .bind(CHANGES_CHANNEL)
        .bind(version.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(version)
}

fn to_u64(count: i64) -> u64 {
    u64::try_from(count).unwrap_or(0)
}

#[async_trait]
impl Store for PostgresStore {
    fn backend(&self) -> Backend {
        Backend::Postgres
    }

    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn count_facilities(&self) -> StoreResult<u64> {
        let count: i64 =
            sqlx::query_scalar("SELECT count(*) FROM locations WHERE status = 'active'")
                .fetch_one(&self.pool)
                .await?;
        Ok(to_u64(count))
    }

    async fn list_facilities(
        &self,
        filter: &FacilityFilter,
        page: PageRequest,
    ) -> StoreResult<FacilityPage> {
        let kind = filter.kind.as_ref().map(|k| k.as_str().to_owned());
        let municipality = filter.municipality.as_ref().map(MunicipalityCode::as_str);
        let per_page = page.per_page.clamp(1, PageRequest::MAX_PER_PAGE);
        let offset = i64::try_from(
            PageRequest {
                page: page.page,
                per_page,
            }
            .offset(),
        )
        .unwrap_or(i64::MAX);
        let mut conn = self.pool.acquire().await?;
        let total: i64 = sqlx::query_scalar(include_str!("count.sql"))
            .bind(&kind)
            .bind(municipality)
            .bind(filter.include_closed)
            .fetch_one(&mut *conn)
            .await?;
        let ids: Vec<Uuid> = sqlx::query_scalar(include_str!("list_ids.sql"))
            .bind(&kind)
            .bind(municipality)
            .bind(filter.include_closed)
            .bind(i64::from(per_page))
            .bind(offset)
            .fetch_all(&mut *conn)
            .await?;
        let items = read::load(&mut conn, Some(&ids)).await?;
        Ok(FacilityPage {
            items,
            total: to_u64(total),
        })
    }

    async fn facility(&self, id: FacilityId) -> StoreResult<Facility> {
        let mut conn = self.pool.acquire().await?;
        read::load(&mut conn, Some(&[id.0]))
            .await?
            .pop()
            .ok_or_else(|| StoreError::NotFound {
                entity: "facility",
                key: id.to_string(),
            })
    }

    async fn all_facilities(&self) -> StoreResult<Vec<Facility>> {
        // One snapshot for the five queries, so children match their parents.
        let mut tx = self.pool.begin().await?;
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .execute(&mut *tx)
            .await?;
        let facilities = read::load(&mut tx, None).await?;
        tx.commit().await?;
        Ok(facilities)
    }

    async fn upsert_facilities(
        &self,
        source: &SourceInfo,
        facilities: &[Facility],
    ) -> StoreResult<WriteSummary> {
        write::upsert(&self.pool, source, facilities).await
    }

    async fn data_version(&self) -> StoreResult<i64> {
        Ok(
            sqlx::query_scalar("SELECT data_version FROM store_state WHERE id = 1")
                .fetch_one(&self.pool)
                .await?,
        )
    }

    async fn replace_town_points(
        &self,
        source_file: &str,
        points: &[renkei_core::geocode::TownPoint],
    ) -> StoreResult<u64> {
        // PostgreSQL announces through NOTIFY inside the transaction.
        let (written, _version) =
            geocoding::replace_town_points(&self.pool, source_file, points).await?;
        Ok(written)
    }

    async fn town_points(&self) -> StoreResult<Vec<renkei_core::geocode::TownPoint>> {
        geocoding::town_points(&self.pool).await
    }

    async fn set_geocodes(&self, records: &[crate::GeocodeRecord]) -> StoreResult<()> {
        geocoding::set_geocodes(&self.pool, records).await?;
        Ok(())
    }

    async fn close_missing(
        &self,
        source_key: &str,
        listing: &crate::Listing,
        on: chrono::NaiveDate,
    ) -> StoreResult<u64> {
        let (closed, _version) =
            closing::close_missing(&self.pool, source_key, listing, on).await?;
        Ok(closed)
    }

    async fn set_verified_facts(&self, facts: &[crate::VerifiedFact]) -> StoreResult<u64> {
        // PostgreSQL announces through NOTIFY inside the transaction.
        let (stored, _version) = verified::set_verified_facts(&self.pool, facts).await?;
        Ok(stored)
    }

    async fn verified_facts(&self) -> StoreResult<Vec<crate::VerifiedFact>> {
        verified::verified_facts(&self.pool).await
    }

    async fn record_import_conflicts(
        &self,
        conflicts: &[crate::ImportConflict],
    ) -> StoreResult<()> {
        verified::record_import_conflicts(&self.pool, conflicts).await
    }

    async fn import_conflicts(&self, limit: u32) -> StoreResult<Vec<crate::ImportConflict>> {
        verified::import_conflicts(&self.pool, limit).await
    }

    async fn replace_accreditations(
        &self,
        source_key: &str,
        records: &[crate::AccreditationRecord],
    ) -> StoreResult<u64> {
        let (stored, _version) =
            accreditations::replace_accreditations(&self.pool, source_key, records).await?;
        Ok(stored)
    }

    async fn replace_mesh_population(
        &self,
        source_file: &str,
        rows: &[crate::MeshPopulationRecord],
    ) -> StoreResult<u64> {
        // PostgreSQL announces through NOTIFY inside the transaction.
        let (stored, _version) =
            coverage_inputs::replace_mesh_population(&self.pool, source_file, rows).await?;
        Ok(stored)
    }

    async fn mesh_populations(&self) -> StoreResult<Vec<crate::MeshPopulationRecord>> {
        coverage_inputs::mesh_populations(&self.pool).await
    }

    async fn replace_service_areas(
        &self,
        source_file: &str,
        records: &[crate::ServiceAreaRecord],
    ) -> StoreResult<u64> {
        let (stored, _version) =
            coverage_inputs::replace_service_areas(&self.pool, source_file, records).await?;
        Ok(stored)
    }

    async fn service_areas(&self) -> StoreResult<Vec<crate::ServiceAreaRecord>> {
        coverage_inputs::service_areas(&self.pool).await
    }

    async fn record_import_run(&self, run: &crate::ImportRun) -> StoreResult<()> {
        crate::imports::record_postgres(&self.pool, run).await
    }

    async fn import_runs(&self, limit: u32) -> StoreResult<Vec<crate::ImportRun>> {
        crate::imports::list_postgres(&self.pool, limit).await
    }

    async fn sources(&self) -> StoreResult<Vec<SourceInfo>> {
        read::sources(&self.pool).await
    }

    async fn count_facilities_by_source(&self) -> StoreResult<BTreeMap<String, u64>> {
        let rows: Vec<(String, i64)> =
            sqlx::query_as("SELECT source_key, count(*) FROM locations GROUP BY source_key")
                .fetch_all(&self.pool)
                .await?;
        Ok(rows
            .into_iter()
            .map(|(key, count)| (key, to_u64(count)))
            .collect())
    }

    async fn subscribe_changes(&self) -> StoreResult<ChangeFeed> {
        self.feed.subscribe().await
    }

    async fn replace_boundaries(
        &self,
        source_file: &str,
        units: &[Municipality],
    ) -> StoreResult<BoundarySummary> {
        regions::replace_boundaries(&self.pool, source_file, units).await
    }

    async fn municipalities(&self) -> StoreResult<Vec<Municipality>> {
        regions::municipalities(&self.pool).await
    }

    async fn upsert_region_table(&self, table: &RegionTable) -> StoreResult<()> {
        regions::upsert_region_table(&self.pool, table).await
    }

    async fn region_tables(&self) -> StoreResult<Vec<RegionTable>> {
        regions::region_tables(&self.pool).await
    }

    async fn set_population(&self, rows: &[PopulationRecord]) -> StoreResult<u64> {
        regions::set_population(&self.pool, rows).await
    }

    async fn populations(&self) -> StoreResult<Vec<PopulationRecord>> {
        regions::populations(&self.pool).await
    }

    async fn set_location_assignments(
        &self,
        assignments: &[LocationAssignment],
    ) -> StoreResult<u64> {
        regions::set_location_assignments(&self.pool, assignments).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_names_are_plain_identifiers() {
        assert!(check_schema_name("test_123_4").is_ok());
        for bad in [
            "",
            "Test",
            "a-b",
            "1abc",
            "x; DROP TABLE y",
            "a b",
            &"a".repeat(64),
        ] {
            assert!(check_schema_name(bad).is_err(), "{bad}");
        }
    }
}
