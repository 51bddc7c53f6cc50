//! The one implementation of [`Store`], generic over the database's
//! [`Dialect`]: every method is a transaction (or a read) made of the steps in
//! [`crate::writes`], [`crate::reads`] and [`crate::regions`].

use crate::accreditations::AccreditationRecord;
use crate::closing::Listing;
use crate::coverage_inputs::{MeshPopulationRecord, ServiceAreaRecord};
use crate::dialect::{ChangeSource, Dialect};
use crate::imports::{AppliedImport, FileImport, ImportRun, RunLog};
use crate::reads::{self, DirectorySnapshot, Reads};
use crate::regions::{BoundarySummary, LocationAssignment, PopulationRecord, RegionSql};
use crate::verified::{ImportConflict, VerifiedFact};
use crate::writes::Writes;
use crate::{
    Backend, ChangeFeed, FacilityFilter, FacilityPage, PageRequest, SourceInfo, Store, StoreError,
    StoreResult, WriteSummary,
};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use renkei_core::geocode::TownPoint;
use renkei_core::region::{Municipality, RegionTable};
use renkei_core::{Facility, FacilityId};
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Pool, Type};
use std::collections::BTreeMap;
use std::sync::Arc;

/// A store on database `D`: [`crate::SqliteStore`] or
/// [`crate::PostgresStore`]. Clones share the pool and the change feed.
pub struct SqlStore<D: Database> {
    pool: Pool<D>,
    changes: Arc<dyn ChangeSource>,
}

impl<D: Database> SqlStore<D> {
    /// A store on `pool` whose change events come from `changes`.
    pub(crate) fn new(pool: Pool<D>, changes: Arc<dyn ChangeSource>) -> Self {
        Self { pool, changes }
    }

    /// Stops the change feed and closes every connection; later calls fail
    /// with [`StoreError::Unavailable`].
    pub async fn close(&self) {
        self.changes.stop();
        self.pool.close().await;
    }
}

impl<D: Database> Clone for SqlStore<D> {
    fn clone(&self) -> Self {
        Self {
            pool: self.pool.clone(),
            changes: Arc::clone(&self.changes),
        }
    }
}

impl<D: Database> std::fmt::Debug for SqlStore<D> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqlStore")
            .field("pool", &self.pool)
            .field("changes", &self.changes)
            .finish()
    }
}

type W<D> = Writes<D>;
type R<D> = Reads<D>;

#[async_trait]
impl<D> Store for SqlStore<D>
where
    D: Dialect,
    for<'c> &'c mut D::Connection: Executor<'c, Database = D>,
    for<'q> D::Arguments<'q>: IntoArguments<'q, D>,
    usize: ColumnIndex<D::Row>,
    for<'q> String: Encode<'q, D> + Decode<'q, D> + Type<D>,
    for<'q> Option<String>: Encode<'q, D>,
    for<'q> &'q str: Encode<'q, D> + Type<D>,
    for<'q> i32: Encode<'q, D> + Decode<'q, D> + Type<D>,
    for<'q> i64: Encode<'q, D> + Decode<'q, D> + Type<D>,
    for<'q> f64: Encode<'q, D> + Decode<'q, D> + Type<D>,
    for<'q> bool: Encode<'q, D> + Decode<'q, D> + Type<D>,
    for<'q> NaiveDate: Encode<'q, D> + Decode<'q, D> + Type<D>,
    for<'q> Option<NaiveDate>: Encode<'q, D>,
    for<'q> DateTime<Utc>: Encode<'q, D> + Decode<'q, D> + Type<D>,
{
    fn backend(&self) -> Backend {
        D::BACKEND
    }

    async fn ping(&self) -> StoreResult<()> {
        R::<D>::data_version(&mut *self.pool.acquire().await?).await?;
        Ok(())
    }

    async fn count_facilities(&self) -> StoreResult<u64> {
        R::<D>::count_facilities(&mut *self.pool.acquire().await?).await
    }

    async fn list_facilities(
        &self,
        filter: &FacilityFilter,
        page: PageRequest,
    ) -> StoreResult<FacilityPage> {
        R::<D>::page(&mut *self.pool.acquire().await?, filter, page).await
    }

    async fn facility(&self, id: FacilityId) -> StoreResult<Facility> {
        reads::facilities::<D>(&mut *self.pool.acquire().await?, Some(&[id.0]))
            .await?
            .pop()
            .ok_or_else(|| StoreError::NotFound {
                entity: "facility",
                key: id.to_string(),
            })
    }

    async fn all_facilities(&self) -> StoreResult<Vec<Facility>> {
        // One snapshot for the queries of every table, so children match their parents.
        let mut tx = self.pool.begin().await?;
        D::begin_snapshot(&mut tx).await?;
        let facilities = reads::facilities::<D>(&mut tx, None).await?;
        tx.commit().await?;
        Ok(facilities)
    }

    async fn snapshot(&self) -> StoreResult<DirectorySnapshot> {
        let mut tx = self.pool.begin().await?;
        D::begin_snapshot(&mut tx).await?;
        let snapshot = R::<D>::snapshot(&mut tx).await?;
        tx.commit().await?;
        Ok(snapshot)
    }

    async fn upsert_facilities(
        &self,
        source: &SourceInfo,
        facilities: &[Facility],
    ) -> StoreResult<WriteSummary> {
        let import = FileImport::records(source, facilities);
        let (written, ..) = W::<D>::file(&self.pool, &*self.changes, import, None).await?;
        Ok(written)
    }

    async fn apply_import(
        &self,
        import: FileImport<'_>,
        log: &RunLog,
    ) -> StoreResult<AppliedImport> {
        let (written, placements_changed, run, data_version) =
            W::<D>::file(&self.pool, &*self.changes, import, Some(log)).await?;
        Ok(AppliedImport {
            written,
            placements_changed,
            run: run.expect("a run is logged when a log is given"),
            data_version,
        })
    }

    async fn data_version(&self) -> StoreResult<i64> {
        R::<D>::data_version(&mut *self.pool.acquire().await?).await
    }

    async fn sources(&self) -> StoreResult<Vec<SourceInfo>> {
        R::<D>::sources(&mut *self.pool.acquire().await?).await
    }

    async fn count_facilities_by_source(&self) -> StoreResult<BTreeMap<String, u64>> {
        R::<D>::count_by_source(&mut *self.pool.acquire().await?).await
    }

    async fn subscribe_changes(&self) -> StoreResult<ChangeFeed> {
        self.changes.subscribe().await
    }

    async fn record_import_run(&self, run: &ImportRun) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        W::<D>::run(&mut tx, run).await?;
        W::<D>::commit(tx, false, &*self.changes).await?;
        Ok(())
    }

    async fn import_runs(&self, limit: u32) -> StoreResult<Vec<ImportRun>> {
        R::<D>::import_runs(&mut *self.pool.acquire().await?, limit).await
    }

    async fn replace_boundaries(
        &self,
        source_file: &str,
        units: &[Municipality],
    ) -> StoreResult<BoundarySummary> {
        let mut tx = self.pool.begin().await?;
        let summary = RegionSql::<D>::write_boundaries(&mut tx, source_file, units).await?;
        W::<D>::commit(tx, true, &*self.changes).await?;
        Ok(summary)
    }

    async fn municipalities(&self) -> StoreResult<Vec<Municipality>> {
        RegionSql::<D>::read_boundaries(&mut *self.pool.acquire().await?).await
    }

    async fn upsert_region_table(&self, table: &RegionTable) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        RegionSql::<D>::write_table(&mut tx, table).await?;
        W::<D>::commit(tx, true, &*self.changes).await?;
        Ok(())
    }

    async fn region_tables(&self) -> StoreResult<Vec<RegionTable>> {
        // One snapshot for the queries of every table, so regions match their prefectures.
        let mut tx = self.pool.begin().await?;
        D::begin_snapshot(&mut tx).await?;
        let tables = RegionSql::<D>::read_tables(&mut tx).await?;
        tx.commit().await?;
        Ok(tables)
    }

    async fn set_population(&self, rows: &[PopulationRecord]) -> StoreResult<u64> {
        let mut tx = self.pool.begin().await?;
        let written = RegionSql::<D>::write_populations(&mut tx, rows).await?;
        W::<D>::commit(tx, true, &*self.changes).await?;
        Ok(written)
    }

    async fn populations(&self) -> StoreResult<Vec<PopulationRecord>> {
        RegionSql::<D>::read_populations(&mut *self.pool.acquire().await?).await
    }

    async fn set_location_assignments(
        &self,
        assignments: &[LocationAssignment],
    ) -> StoreResult<u64> {
        if assignments.is_empty() {
            return Ok(0);
        }
        let mut tx = self.pool.begin().await?;
        let changed = D::update_assignments(&mut tx, assignments).await?;
        W::<D>::commit(tx, changed > 0, &*self.changes).await?;
        Ok(changed)
    }

    async fn replace_town_points(
        &self,
        source_file: &str,
        points: &[TownPoint],
    ) -> StoreResult<u64> {
        let mut tx = self.pool.begin().await?;
        let written = W::<D>::town_points(&mut tx, source_file, points).await?;
        W::<D>::commit(tx, true, &*self.changes).await?;
        Ok(written)
    }

    async fn town_points(&self) -> StoreResult<Vec<TownPoint>> {
        R::<D>::town_points(&mut *self.pool.acquire().await?).await
    }

    async fn close_missing(
        &self,
        source_key: &str,
        listing: &Listing,
        on: NaiveDate,
        log: Option<&RunLog>,
    ) -> StoreResult<u64> {
        let mut tx = self.pool.begin().await?;
        let closed = W::<D>::close_missing(&mut tx, source_key, listing, on).await?;
        if let (Some(log), true) = (log, closed > 0) {
            let run = log.run(source_key, WriteSummary::default(), closed);
            W::<D>::run(&mut tx, &run).await?;
        }
        W::<D>::commit(tx, closed > 0, &*self.changes).await?;
        Ok(closed)
    }

    async fn set_verified_facts(&self, facts: &[VerifiedFact]) -> StoreResult<u64> {
        let mut tx = self.pool.begin().await?;
        let stored = W::<D>::verified_facts(&mut tx, facts).await?;
        W::<D>::commit(tx, true, &*self.changes).await?;
        Ok(stored)
    }

    async fn verified_facts(&self) -> StoreResult<Vec<VerifiedFact>> {
        R::<D>::verified_facts(&mut *self.pool.acquire().await?).await
    }

    async fn import_conflicts(&self, limit: u32) -> StoreResult<Vec<ImportConflict>> {
        R::<D>::import_conflicts(&mut *self.pool.acquire().await?, limit).await
    }

    async fn replace_accreditations(
        &self,
        source_key: &str,
        records: &[AccreditationRecord],
        log: Option<&RunLog>,
    ) -> StoreResult<u64> {
        let mut tx = self.pool.begin().await?;
        let stored = W::<D>::accreditations(&mut tx, source_key, records).await?;
        if let Some(log) = log {
            let written = WriteSummary {
                inserted: stored,
                ..WriteSummary::default()
            };
            W::<D>::run(&mut tx, &log.run(source_key, written, 0)).await?;
        }
        W::<D>::commit(tx, true, &*self.changes).await?;
        Ok(stored)
    }

    async fn replace_mesh_population(
        &self,
        source_file: &str,
        rows: &[MeshPopulationRecord],
    ) -> StoreResult<u64> {
        let mut tx = self.pool.begin().await?;
        let stored = W::<D>::mesh_population(&mut tx, source_file, rows).await?;
        W::<D>::commit(tx, true, &*self.changes).await?;
        Ok(stored)
    }

    async fn mesh_populations(&self) -> StoreResult<Vec<MeshPopulationRecord>> {
        R::<D>::mesh_populations(&mut *self.pool.acquire().await?).await
    }

    async fn replace_service_areas(
        &self,
        source_file: &str,
        records: &[ServiceAreaRecord],
    ) -> StoreResult<u64> {
        let mut tx = self.pool.begin().await?;
        let stored = W::<D>::service_areas(&mut tx, source_file, records).await?;
        W::<D>::commit(tx, true, &*self.changes).await?;
        Ok(stored)
    }

    async fn service_areas(&self) -> StoreResult<Vec<ServiceAreaRecord>> {
        R::<D>::service_areas(&mut *self.pool.acquire().await?).await
    }
}
