//! The one implementation of [`Store`], generic over the database's
//! [`Dialect`]: every method is one transaction (or one read) made of the
//! steps each topic module writes once for both backends.

use crate::accounts::{self, AccountChange, AccountRecord, NewAccount};
use crate::accreditations::{self, AccreditationRecord};
use crate::audit::{self, AuditEntry, AuditFilter, AuditRecord};
use crate::basemap;
use crate::closing::{self, Closing, Listing};
use crate::copy::{self, ColumnKind, TableCopy, TableShape, TableSide, Value};
use crate::coverage_inputs::{self, MeshPopulationRecord, ServiceAreaRecord};
use crate::dialect::{fetch_one, ChangeSource, Dialect};
use crate::directory::{self, DirectorySnapshot};
use crate::imports::{self, AppliedImport, FileImport, ImportRun, RunLog};
use crate::regions::{self, BoundarySummary, LocationAssignment, PopulationRecord};
use crate::rollout::{self, RolloutWritten};
use crate::verified::{self, ImportConflict, VerifiedFact};
use crate::{
    geocoding, Backend, ChangeFeed, FacilityFilter, FacilityPage, PageRequest, SourceInfo,
    StaffSessions, Store, StoreError, StoreResult, WriteSummary,
};
use async_trait::async_trait;
use chrono::NaiveDate;
use renkei_core::geocode::TownPoint;
use renkei_core::region::{Municipality, RegionTable};
use renkei_core::rollout::{RolloutChange, RolloutError, RolloutPlan};
use renkei_core::{AccountId, Facility, FacilityId, Taxonomy};
use sqlx::{Database, Pool, Transaction};
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

    /// A write transaction, holding the database's write lock from its
    /// start ([`Dialect::lock_writes`]), so writers from several processes
    /// (replicas starting together, an import beside them) take turns
    /// instead of failing on each other's rows.
    async fn begin_write(&self) -> StoreResult<Transaction<'_, D>>
    where
        D: Dialect,
    {
        let mut tx = self.pool.begin().await?;
        D::lock_writes(&mut tx).await?;
        Ok(tx)
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

/// Source key of rollout files in the import-run log.
const ROLLOUT_SOURCE: &str = "rollout";

/// Copies the facility kinds of the built-in taxonomy into `facility_kinds`.
pub(crate) async fn sync_kinds<D: Dialect>(pool: &Pool<D>) -> StoreResult<()> {
    let mut tx = pool.begin().await?;
    D::lock_writes(&mut tx).await?;
    for kind in &Taxonomy::builtin().kinds {
        let sql = include_str!("sql/upsert_kind.sql");
        D::execute(&mut tx, sql, &[&kind.code, &kind.ja, &kind.en]).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Commits `tx`, bumping the data version in it first when `changed` (and
/// telling other processes, see [`Dialect::notify`]); once committed, tells
/// `listeners` (this process's subscribers). Returns the new data version
/// when it was bumped.
/// Logs the import run of a file that replaced `stored` rows of `source_key`
/// (every row counts as inserted), inside the transaction `conn`.
async fn log_replacement<D: Dialect>(
    conn: &mut D::Connection,
    source_key: &str,
    log: &RunLog,
    stored: u64,
) -> StoreResult<()> {
    let written = WriteSummary {
        inserted: stored,
        ..WriteSummary::default()
    };
    imports::log_run::<D>(conn, &log.run(source_key, written, 0)).await
}

pub(crate) async fn commit<D: Dialect>(
    mut tx: Transaction<'_, D>,
    changed: bool,
    listeners: &dyn ChangeSource,
) -> StoreResult<Option<i64>> {
    let version = if changed {
        let sql = include_str!("sql/bump_data_version.sql");
        let (version,) = fetch_one::<D, (i64,)>(&mut tx, sql, &[]).await?;
        D::notify(&mut tx, version).await?;
        Some(version)
    } else {
        None
    };
    tx.commit().await?;
    if let Some(version) = version {
        listeners.announce(version);
    }
    Ok(version)
}

#[async_trait]
impl<D: Dialect> Store for SqlStore<D> {
    fn backend(&self) -> Backend {
        D::BACKEND
    }

    async fn ping(&self) -> StoreResult<()> {
        directory::data_version::<D>(&mut *self.pool.acquire().await?).await?;
        Ok(())
    }

    async fn count_facilities(&self) -> StoreResult<u64> {
        directory::count_active::<D>(&mut *self.pool.acquire().await?).await
    }

    async fn list_facilities(
        &self,
        filter: &FacilityFilter,
        page: PageRequest,
    ) -> StoreResult<FacilityPage> {
        directory::page::<D>(&mut *self.pool.acquire().await?, filter, page).await
    }

    async fn facility(&self, id: FacilityId) -> StoreResult<Facility> {
        directory::facilities::<D>(&mut *self.pool.acquire().await?, Some(&[id.0]))
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
        let facilities = directory::facilities::<D>(&mut tx, None).await?;
        tx.commit().await?;
        Ok(facilities)
    }

    async fn snapshot(&self) -> StoreResult<DirectorySnapshot> {
        let mut tx = self.pool.begin().await?;
        D::begin_snapshot(&mut tx).await?;
        let snapshot = directory::snapshot::<D>(&mut tx).await?;
        tx.commit().await?;
        Ok(snapshot)
    }

    async fn upsert_facilities(
        &self,
        source: &SourceInfo,
        facilities: &[Facility],
    ) -> StoreResult<WriteSummary> {
        let import = FileImport::records(source, facilities);
        let (written, ..) =
            imports::write_file::<D>(&self.pool, &*self.changes, import, None).await?;
        Ok(written)
    }

    async fn apply_import(
        &self,
        import: FileImport<'_>,
        log: &RunLog,
    ) -> StoreResult<AppliedImport> {
        let (written, placements_changed, run, data_version) =
            imports::write_file::<D>(&self.pool, &*self.changes, import, Some(log)).await?;
        Ok(AppliedImport {
            written,
            placements_changed,
            run: run.expect("a run is logged when a log is given"),
            data_version,
        })
    }

    async fn data_version(&self) -> StoreResult<i64> {
        directory::data_version::<D>(&mut *self.pool.acquire().await?).await
    }

    async fn sources(&self) -> StoreResult<Vec<SourceInfo>> {
        directory::sources::<D>(&mut *self.pool.acquire().await?).await
    }

    async fn count_facilities_by_source(&self) -> StoreResult<BTreeMap<String, u64>> {
        directory::count_by_source::<D>(&mut *self.pool.acquire().await?).await
    }

    async fn subscribe_changes(&self) -> StoreResult<ChangeFeed> {
        self.changes.subscribe().await
    }

    async fn record_import_run(&self, run: &ImportRun) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        imports::log_run::<D>(&mut tx, run).await?;
        commit(tx, false, &*self.changes).await?;
        Ok(())
    }

    async fn import_runs(&self, limit: u32) -> StoreResult<Vec<ImportRun>> {
        imports::runs::<D>(&mut *self.pool.acquire().await?, limit).await
    }

    async fn replace_boundaries(
        &self,
        source_file: &str,
        units: &[Municipality],
    ) -> StoreResult<BoundarySummary> {
        let mut tx = self.begin_write().await?;
        let summary = regions::write_boundaries::<D>(&mut tx, source_file, units).await?;
        commit(tx, true, &*self.changes).await?;
        Ok(summary)
    }

    async fn municipalities(&self) -> StoreResult<Vec<Municipality>> {
        regions::read_boundaries::<D>(&mut *self.pool.acquire().await?).await
    }

    async fn upsert_region_tables(&self, tables: &[RegionTable]) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        for table in tables {
            regions::write_table::<D>(&mut tx, table).await?;
        }
        commit(tx, true, &*self.changes).await?;
        Ok(())
    }

    async fn region_tables(&self) -> StoreResult<Vec<RegionTable>> {
        // One snapshot for the queries of every table, so regions match their prefectures.
        let mut tx = self.pool.begin().await?;
        D::begin_snapshot(&mut tx).await?;
        let tables = regions::read_tables::<D>(&mut tx).await?;
        tx.commit().await?;
        Ok(tables)
    }

    async fn set_population(&self, rows: &[PopulationRecord]) -> StoreResult<u64> {
        let mut tx = self.begin_write().await?;
        let written = regions::write_populations::<D>(&mut tx, rows).await?;
        commit(tx, true, &*self.changes).await?;
        Ok(written)
    }

    async fn populations(&self) -> StoreResult<Vec<PopulationRecord>> {
        regions::read_populations::<D>(&mut *self.pool.acquire().await?).await
    }

    async fn set_location_assignments(
        &self,
        assignments: &[LocationAssignment],
    ) -> StoreResult<u64> {
        if assignments.is_empty() {
            return Ok(0);
        }
        let mut tx = self.begin_write().await?;
        let changed = D::update_assignments(&mut tx, assignments).await?;
        commit(tx, changed > 0, &*self.changes).await?;
        Ok(changed)
    }

    async fn replace_town_points(
        &self,
        source_file: &str,
        points: &[TownPoint],
    ) -> StoreResult<u64> {
        let mut tx = self.begin_write().await?;
        let written = geocoding::replace_towns::<D>(&mut tx, source_file, points).await?;
        commit(tx, true, &*self.changes).await?;
        Ok(written)
    }

    async fn town_points(&self) -> StoreResult<Vec<TownPoint>> {
        geocoding::towns::<D>(&mut *self.pool.acquire().await?).await
    }

    async fn replace_stations(
        &self,
        source_key: &str,
        stations: &[renkei_core::basemap::Station],
        log: &RunLog,
    ) -> StoreResult<u64> {
        let mut tx = self.begin_write().await?;
        let stored = basemap::replace_stations::<D>(&mut tx, &log.file_name, stations).await?;
        log_replacement::<D>(&mut tx, source_key, log, stored).await?;
        commit(tx, true, &*self.changes).await?;
        Ok(stored)
    }

    async fn replace_rail_lines(
        &self,
        source_key: &str,
        lines: &[renkei_core::basemap::RailLine],
        log: &RunLog,
    ) -> StoreResult<u64> {
        let mut tx = self.begin_write().await?;
        let stored = basemap::replace_rail_lines::<D>(&mut tx, &log.file_name, lines).await?;
        log_replacement::<D>(&mut tx, source_key, log, stored).await?;
        commit(tx, true, &*self.changes).await?;
        Ok(stored)
    }

    async fn replace_postcodes(
        &self,
        source_key: &str,
        points: &[renkei_core::basemap::PostcodePoint],
        log: &RunLog,
    ) -> StoreResult<u64> {
        let mut tx = self.begin_write().await?;
        let stored = basemap::replace_postcodes::<D>(&mut tx, &log.file_name, points).await?;
        log_replacement::<D>(&mut tx, source_key, log, stored).await?;
        commit(tx, true, &*self.changes).await?;
        Ok(stored)
    }

    async fn close_missing_within(
        &self,
        source_key: &str,
        listing: &Listing,
        on: NaiveDate,
        log: Option<&RunLog>,
        max_share: Option<f64>,
    ) -> StoreResult<Closing> {
        let mut tx = self.begin_write().await?;
        let closing = closing::close::<D>(&mut tx, source_key, listing, on, max_share).await?;
        let closed = closing.closed;
        if let (Some(log), true) = (log, closed > 0) {
            let run = log.run(source_key, WriteSummary::default(), closed);
            imports::log_run::<D>(&mut tx, &run).await?;
        }
        commit(tx, closed > 0, &*self.changes).await?;
        Ok(closing)
    }

    async fn set_verified_facts(&self, facts: &[VerifiedFact]) -> StoreResult<u64> {
        let mut tx = self.begin_write().await?;
        let stored = verified::upsert_facts::<D>(&mut tx, facts).await?;
        commit(tx, true, &*self.changes).await?;
        Ok(stored)
    }

    async fn accounts(&self) -> StoreResult<Vec<AccountRecord>> {
        accounts::all::<D>(&mut *self.pool.acquire().await?).await
    }

    async fn account_by_email(&self, email: &str) -> StoreResult<Option<AccountRecord>> {
        accounts::by_email::<D>(&mut *self.pool.acquire().await?, email).await
    }

    async fn account(&self, id: AccountId) -> StoreResult<AccountRecord> {
        accounts::by_id::<D>(&mut *self.pool.acquire().await?, id).await
    }

    async fn add_account(
        &self,
        account: &NewAccount,
        audit: &AuditEntry,
    ) -> StoreResult<AccountId> {
        let mut tx = self.begin_write().await?;
        let id = accounts::insert::<D>(&mut tx, account, audit.at).await?;
        audit::write::<D>(&mut tx, audit).await?;
        commit(tx, false, &*self.changes).await?;
        Ok(id)
    }

    async fn change_account(
        &self,
        id: AccountId,
        change: &AccountChange,
        audit: &AuditEntry,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        accounts::update::<D>(&mut tx, id, change, audit.at).await?;
        audit::write::<D>(&mut tx, audit).await?;
        commit(tx, false, &*self.changes).await?;
        Ok(())
    }

    async fn count_login_failure(
        &self,
        id: AccountId,
        lock_after: u32,
        lock_until: chrono::DateTime<chrono::Utc>,
    ) -> StoreResult<(u32, Option<chrono::DateTime<chrono::Utc>>)> {
        let mut tx = self.begin_write().await?;
        let counted = accounts::count_failure::<D>(&mut tx, id, lock_after, lock_until).await?;
        commit(tx, false, &*self.changes).await?;
        Ok(counted)
    }

    async fn clear_login_failures(&self, id: AccountId) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        accounts::clear_failures::<D>(&mut tx, id).await?;
        commit(tx, false, &*self.changes).await?;
        Ok(())
    }

    async fn audit_log(&self, filter: &AuditFilter) -> StoreResult<Vec<AuditRecord>> {
        audit::read::<D>(&mut *self.pool.acquire().await?, filter).await
    }

    async fn staff_sessions(&self) -> StoreResult<StaffSessions> {
        D::staff_sessions(&self.pool).await
    }

    async fn verified_facts(&self) -> StoreResult<Vec<VerifiedFact>> {
        verified::facts::<D>(&mut *self.pool.acquire().await?).await
    }

    async fn import_conflicts(&self, limit: u32) -> StoreResult<Vec<ImportConflict>> {
        verified::conflicts::<D>(&mut *self.pool.acquire().await?, limit).await
    }

    async fn replace_accreditations(
        &self,
        source_key: &str,
        records: &[AccreditationRecord],
        log: Option<&RunLog>,
    ) -> StoreResult<u64> {
        let mut tx = self.begin_write().await?;
        let stored = accreditations::replace::<D>(&mut tx, source_key, records).await?;
        if let Some(log) = log {
            let written = WriteSummary {
                inserted: stored,
                ..WriteSummary::default()
            };
            imports::log_run::<D>(&mut tx, &log.run(source_key, written, 0)).await?;
        }
        commit(tx, true, &*self.changes).await?;
        Ok(stored)
    }

    async fn replace_mesh_population(
        &self,
        source_file: &str,
        rows: &[MeshPopulationRecord],
    ) -> StoreResult<u64> {
        let mut tx = self.begin_write().await?;
        let stored = coverage_inputs::replace_mesh::<D>(&mut tx, source_file, rows).await?;
        commit(tx, true, &*self.changes).await?;
        Ok(stored)
    }

    async fn mesh_populations(&self) -> StoreResult<Vec<MeshPopulationRecord>> {
        coverage_inputs::mesh::<D>(&mut *self.pool.acquire().await?).await
    }

    async fn replace_service_areas(
        &self,
        source_file: &str,
        records: &[ServiceAreaRecord],
    ) -> StoreResult<u64> {
        let mut tx = self.begin_write().await?;
        let stored = coverage_inputs::replace_areas::<D>(&mut tx, source_file, records).await?;
        commit(tx, true, &*self.changes).await?;
        Ok(stored)
    }

    async fn service_areas(&self) -> StoreResult<Vec<ServiceAreaRecord>> {
        coverage_inputs::areas::<D>(&mut *self.pool.acquire().await?).await
    }

    async fn replace_rollout(
        &self,
        plan: &RolloutPlan,
        log: &RunLog,
    ) -> StoreResult<RolloutWritten> {
        plan.check()?;
        let mut tx = self.begin_write().await?;
        let written = rollout::replace_file::<D>(&mut tx, plan).await?;
        for stored in rollout::load::<D>(&mut tx).await? {
            stored.check()?;
        }
        let summary = WriteSummary {
            inserted: written.rows,
            ..WriteSummary::default()
        };
        imports::log_run::<D>(&mut tx, &log.run(ROLLOUT_SOURCE, summary, 0)).await?;
        commit(tx, true, &*self.changes).await?;
        Ok(written)
    }

    async fn rollout_plans(&self) -> StoreResult<Vec<RolloutPlan>> {
        let mut tx = self.pool.begin().await?;
        D::begin_snapshot(&mut tx).await?;
        let plans = rollout::load::<D>(&mut tx).await?;
        tx.commit().await?;
        Ok(plans)
    }

    async fn change_rollout(&self, change: &RolloutChange) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let mut plans = rollout::load::<D>(&mut tx).await?;
        let plan = plans
            .iter_mut()
            .find(|plan| plan.holds(change))
            .ok_or_else(|| {
                let (entity, key) = match change {
                    RolloutChange::Advance { area, .. } | RolloutChange::AddIssue { area, .. } => {
                        ("area", area)
                    }
                    RolloutChange::AddAction { issue, .. } => ("issue", issue),
                    RolloutChange::AddNote { action, .. } => ("action", action),
                };
                RolloutError::Unknown {
                    entity,
                    key: key.clone(),
                }
            })?;
        plan.apply(change)?;
        rollout::insert_change::<D>(&mut tx, change).await?;
        commit(tx, true, &*self.changes).await?;
        Ok(())
    }

    async fn copy_tables(&self) -> StoreResult<Vec<TableShape>> {
        D::tables(&mut *self.pool.acquire().await?).await
    }

    async fn read_copy_rows(
        &self,
        side: &TableSide,
        kinds: &[ColumnKind],
        offset: u64,
        limit: u64,
    ) -> StoreResult<Vec<Vec<Value>>> {
        D::read_rows(&mut *self.pool.acquire().await?, side, kinds, offset, limit).await
    }

    async fn replace_copied_tables(
        &self,
        copies: &[TableCopy],
        from: &dyn Store,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        copy::replace::<D>(&mut tx, copies, from).await?;
        commit(tx, true, &*self.changes).await?;
        Ok(())
    }
}
