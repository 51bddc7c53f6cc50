//! SQLite backend: the embedded default. One file (WAL mode) or, for tests,
//! `sqlite::memory:` (a fresh database per [`SqliteStore::open`]).

mod accreditations;
mod closing;
mod coverage_inputs;
mod geocoding;
mod json_rows;
mod read;
mod regions;
mod verified;
mod write;

use crate::changes::FEED_CAPACITY;
use crate::{
    Backend, ChangeEvent, ChangeFeed, DatabaseUrl, FacilityFilter, FacilityPage, OpenOptions,
    PageRequest, SourceInfo, Store, StoreError, StoreResult, WriteSummary,
};
use crate::{BoundarySummary, LocationAssignment, PopulationRecord};
use async_trait::async_trait;
use renkei_core::region::{Municipality, RegionTable};
use renkei_core::{Facility, FacilityId, MunicipalityCode, Taxonomy};
use sqlx::migrate::Migrator;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;
use std::collections::BTreeMap;
use std::str::FromStr;
use std::time::Duration;
use tokio::sync::broadcast;

/// Migrations embedded from `migrations/sqlite/`.
pub static MIGRATOR: Migrator = sqlx::migrate!("../../migrations/sqlite");

/// How long a writer waits for another writer's lock before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// The SQLite store.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
    changes: broadcast::Sender<ChangeEvent>,
}

impl SqliteStore {
    /// Opens the database at `url` (creating the file when missing), applies
    /// pending migrations and refreshes the facility-kind labels.
    pub async fn open(url: &DatabaseUrl, options: &OpenOptions) -> StoreResult<Self> {
        let bad_url = |reason: String| StoreError::BadUrl {
            url: url.to_string(),
            reason,
        };
        let connect = SqliteConnectOptions::from_str(url.expose())
            .map_err(|e| {
                bad_url(format!(
                    "{e}; use sqlite:PATH, sqlite::memory: or a file path"
                ))
            })?
            .create_if_missing(true)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT)
            // 64 MiB page cache per connection (default 2 MiB): bulk imports touch
            // many index pages at random (UUID keys).
            .pragma("cache_size", "-65536")
            // 16 KiB pages for new database files (default 4 KiB; an existing file
            // keeps its size): a bulk import splits and rebalances fewer B-tree
            // pages (about 13 % less CPU on the national import, issue 5). The
            // default auto-checkpoint of 1,000 pages lets the WAL grow to
            // 16 MiB before it is copied back.
            .page_size(16384)
            .pragma("temp_store", "memory");
        let in_memory = url.expose().contains(":memory:") || url.expose().contains("mode=memory");
        let pool_options = SqlitePoolOptions::new().acquire_timeout(options.acquire_timeout);
        let pool = if in_memory {
            // One connection that lives as long as the store: the in-memory
            // database exists only while a connection to it is open.
            pool_options
                .max_connections(1)
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None)
                .connect_with(connect)
                .await?
        } else {
            let connect = connect
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal);
            pool_options
                .max_connections(options.max_connections.max(1))
                .connect_with(connect)
                .await?
        };
        MIGRATOR.run(&pool).await?;
        sync_kinds(&pool).await?;
        let (changes, _) = broadcast::channel(FEED_CAPACITY);
        tracing::info!(url = %url, "opened SQLite store");
        Ok(Self { pool, changes })
    }

    /// Closes every connection; later calls fail with [`StoreError::Unavailable`].
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Copies the facility kinds of the built-in taxonomy into `facility_kinds`.
async fn sync_kinds(pool: &SqlitePool) -> StoreResult<()> {
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
    Ok(())
}

/// Bumps the data version inside the write transaction `conn`; returns the new version.
pub(super) async fn bump_data_version(conn: &mut sqlx::SqliteConnection) -> StoreResult<i64> {
    Ok(
        sqlx::query_scalar(include_str!("../sql/bump_data_version.sql"))
            .fetch_one(&mut *conn)
            .await?,
    )
}

impl SqliteStore {
    /// Tells this process's change-feed subscribers about a committed write.
    fn announce(&self, data_version: i64) {
        // No receiver is fine: nobody is listening.
        let _ = self.changes.send(ChangeEvent::Committed { data_version });
    }
}

fn to_u64(count: i64) -> u64 {
    u64::try_from(count).unwrap_or(0)
}

#[async_trait]
impl Store for SqliteStore {
    fn backend(&self) -> Backend {
        Backend::Sqlite
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
        let ids: Vec<String> = sqlx::query_scalar(include_str!("list_ids.sql"))
            .bind(&kind)
            .bind(municipality)
            .bind(filter.include_closed)
            .bind(i64::from(per_page))
            .bind(offset)
            .fetch_all(&mut *conn)
            .await?;
        let ids = ids
            .iter()
            .map(|id| read::parse_uuid(id, "location"))
            .collect::<StoreResult<Vec<_>>>()?;
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
        let mut conn = self.pool.acquire().await?;
        read::load(&mut conn, None).await
    }

    async fn upsert_facilities(
        &self,
        source: &SourceInfo,
        facilities: &[Facility],
    ) -> StoreResult<WriteSummary> {
        let (summary, _, version) = write::upsert(&self.pool, source, facilities, &[]).await?;
        if let Some(data_version) = version {
            self.announce(data_version);
        }
        Ok(summary)
    }

    async fn upsert_placed_facilities(
        &self,
        source: &SourceInfo,
        facilities: &[Facility],
        assignments: &[LocationAssignment],
    ) -> StoreResult<(WriteSummary, u64)> {
        let (summary, placed, version) =
            write::upsert(&self.pool, source, facilities, assignments).await?;
        if let Some(data_version) = version {
            self.announce(data_version);
        }
        Ok((summary, placed))
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
        let (written, version) =
            geocoding::replace_town_points(&self.pool, source_file, points).await?;
        self.announce(version);
        Ok(written)
    }

    async fn town_points(&self) -> StoreResult<Vec<renkei_core::geocode::TownPoint>> {
        geocoding::town_points(&self.pool).await
    }

    async fn set_geocodes(&self, records: &[crate::GeocodeRecord]) -> StoreResult<()> {
        let version = geocoding::set_geocodes(&self.pool, records).await?;
        self.announce(version);
        Ok(())
    }

    async fn close_missing(
        &self,
        source_key: &str,
        listing: &crate::Listing,
        on: chrono::NaiveDate,
    ) -> StoreResult<u64> {
        let (closed, version) = closing::close_missing(&self.pool, source_key, listing, on).await?;
        if let Some(version) = version {
            self.announce(version);
        }
        Ok(closed)
    }

    async fn set_verified_facts(&self, facts: &[crate::VerifiedFact]) -> StoreResult<u64> {
        let (stored, version) = verified::set_verified_facts(&self.pool, facts).await?;
        self.announce(version);
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
        let (stored, version) =
            accreditations::replace_accreditations(&self.pool, source_key, records).await?;
        self.announce(version);
        Ok(stored)
    }

    async fn replace_mesh_population(
        &self,
        source_file: &str,
        rows: &[crate::MeshPopulationRecord],
    ) -> StoreResult<u64> {
        let (stored, version) =
            coverage_inputs::replace_mesh_population(&self.pool, source_file, rows).await?;
        self.announce(version);
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
        let (stored, version) =
            coverage_inputs::replace_service_areas(&self.pool, source_file, records).await?;
        self.announce(version);
        Ok(stored)
    }

    async fn service_areas(&self) -> StoreResult<Vec<crate::ServiceAreaRecord>> {
        coverage_inputs::service_areas(&self.pool).await
    }

    async fn record_import_run(&self, run: &crate::ImportRun) -> StoreResult<()> {
        crate::imports::record_sqlite(&self.pool, run).await
    }

    async fn import_runs(&self, limit: u32) -> StoreResult<Vec<crate::ImportRun>> {
        crate::imports::list_sqlite(&self.pool, limit).await
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
        Ok(ChangeFeed::new(self.changes.subscribe()))
    }

    async fn replace_boundaries(
        &self,
        source_file: &str,
        units: &[Municipality],
    ) -> StoreResult<BoundarySummary> {
        let (summary, version) =
            regions::replace_boundaries(&self.pool, source_file, units).await?;
        self.announce(version);
        Ok(summary)
    }

    async fn municipalities(&self) -> StoreResult<Vec<Municipality>> {
        regions::municipalities(&self.pool).await
    }

    async fn upsert_region_table(&self, table: &RegionTable) -> StoreResult<()> {
        let version = regions::upsert_region_table(&self.pool, table).await?;
        self.announce(version);
        Ok(())
    }

    async fn region_tables(&self) -> StoreResult<Vec<RegionTable>> {
        regions::region_tables(&self.pool).await
    }

    async fn set_population(&self, rows: &[PopulationRecord]) -> StoreResult<u64> {
        let (written, version) = regions::set_population(&self.pool, rows).await?;
        self.announce(version);
        Ok(written)
    }

    async fn populations(&self) -> StoreResult<Vec<PopulationRecord>> {
        regions::populations(&self.pool).await
    }

    async fn set_location_assignments(
        &self,
        assignments: &[LocationAssignment],
    ) -> StoreResult<u64> {
        let (changed, version) = regions::set_location_assignments(&self.pool, assignments).await?;
        if let Some(version) = version {
            self.announce(version);
        }
        Ok(changed)
    }
}
