//! The write steps of the store, each inside a transaction the caller began
//! ([`crate::SqlStore`] commits it and bumps the data version once), written
//! once for both backends.

use crate::accreditations::{self, AccreditationRecord};
use crate::closing::{self, CandidateRow, Listing};
use crate::coverage_inputs::{self, stored_count, MeshPopulationRecord, ServiceAreaRecord};
use crate::dialect::{ChangeSource, Dialect, RowsAffected};
use crate::geocoding::{self, GeocodeRecord};
use crate::imports::{self, FileImport, ImportRun, RunLog};
use crate::rows::{prepare, Prepared};
use crate::verified::{self, ImportConflict, VerifiedFact};
use crate::{LocationAssignment, SourceInfo, StoreError, StoreResult, WriteSummary};
use chrono::{DateTime, NaiveDate, Utc};
use renkei_core::geocode::TownPoint;
use renkei_core::{FacilityId, Taxonomy};
use sqlx::{ColumnIndex, Decode, Encode, Executor, IntoArguments, Pool, Transaction, Type};
use std::marker::PhantomData;

/// The write steps for database `D`.
pub(crate) struct Writes<D>(PhantomData<D>);

impl<D> Writes<D>
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
    /// Copies the facility kinds of the built-in taxonomy into `facility_kinds`.
    pub(crate) async fn sync_kinds(pool: &Pool<D>) -> StoreResult<()> {
        let mut tx = pool.begin().await?;
        for kind in &Taxonomy::builtin().kinds {
            sqlx::query(include_str!("sql/upsert_kind.sql"))
                .bind(&kind.code)
                .bind(&kind.ja)
                .bind(&kind.en)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Commits `tx`, bumping the data version in it first when `changed`;
    /// once committed, tells `listeners` (this process's subscribers). Returns
    /// the new data version when it was bumped.
    pub(crate) async fn commit(
        mut tx: Transaction<'_, D>,
        changed: bool,
        listeners: &dyn ChangeSource,
    ) -> StoreResult<Option<i64>> {
        let version = if changed {
            Some(Self::bump_data_version(&mut tx).await?)
        } else {
            None
        };
        tx.commit().await?;
        if let Some(version) = version {
            listeners.announce(version);
        }
        Ok(version)
    }

    /// Writes one file's records, placements, conflicts and geocodes, and
    /// `log` when given, in one transaction with at most one data-version
    /// bump; either all of it is committed or none. Returns what happened to
    /// the records, how many placements changed, the logged run and the new
    /// data version when anything the read model shows changed.
    pub(crate) async fn file(
        pool: &Pool<D>,
        listeners: &dyn ChangeSource,
        import: FileImport<'_>,
        log: Option<&RunLog>,
    ) -> StoreResult<(WriteSummary, u64, Option<ImportRun>, Option<i64>)> {
        import.check()?;
        // Checks and hashes every record before the write lock is taken.
        let prepared = prepare(import.source, import.facilities)?;
        let mut conn = pool.acquire().await?;
        D::before_bulk_write(&mut conn).await?;
        let written = async {
            let mut tx = sqlx::Connection::begin(&mut *conn).await?;
            let (summary, placed, records_changed) =
                Self::records(&mut tx, import.source, prepared, import.placements).await?;
            Self::conflicts(&mut tx, import.conflicts).await?;
            let geocodes_changed = Self::geocodes(&mut tx, import.geocodes).await?;
            let run = log.map(|log| log.run(&import.source.key, summary, 0));
            if let Some(run) = &run {
                Self::run(&mut tx, run).await?;
            }
            let changed = records_changed || geocodes_changed > 0;
            let version = Self::commit(tx, changed, listeners).await?;
            Ok((summary, placed, run, version))
        }
        .await;
        D::after_bulk_write(&mut conn).await;
        written
    }

    /// Bumps the data version (and tells other processes, see
    /// [`Dialect::notify`]); returns the new version.
    pub(crate) async fn bump_data_version(conn: &mut D::Connection) -> StoreResult<i64> {
        let version: i64 = sqlx::query_scalar(include_str!("sql/bump_data_version.sql"))
            .fetch_one(&mut *conn)
            .await?;
        D::notify(conn, version).await?;
        Ok(version)
    }

    /// Writes `source` and `prepared` (checked records of it) with the
    /// placements in `placements`; returns what happened to the records, how
    /// many placements changed, and whether anything changed at all.
    pub(crate) async fn records(
        conn: &mut D::Connection,
        source: &SourceInfo,
        prepared: Vec<Prepared<'_>>,
        placements: &[LocationAssignment],
    ) -> StoreResult<(WriteSummary, u64, bool)> {
        // A write first, so that a SQLite transaction takes the write lock
        // (and waits for it) at once.
        let source_changed = sqlx::query(include_str!("sql/upsert_source.sql"))
            .bind(&source.key)
            .bind(&source.name)
            .bind(&source.publisher)
            .bind(&source.licence)
            .bind(&source.attribution)
            .bind(&source.url)
            .bind(source.demo)
            .fetch_optional(&mut *conn)
            .await?
            .is_some();
        let (written, placed) = D::write_facilities(conn, source, prepared, placements).await?;
        let changed = source_changed || written.inserted + written.updated > 0 || placed > 0;
        Ok((written, placed, changed))
    }

    /// Logs `conflicts`.
    pub(crate) async fn conflicts(
        conn: &mut D::Connection,
        conflicts: &[ImportConflict],
    ) -> StoreResult<()> {
        for conflict in conflicts {
            sqlx::query(verified::INSERT_CONFLICT)
                .bind(D::id(conflict.facility.0))
                .bind(&conflict.service_key)
                .bind(conflict.field.as_str())
                .bind(conflict.imported.as_str())
                .bind(conflict.verified.as_str())
                .bind(conflict.verified_on)
                .bind(&conflict.source_key)
                .bind(&conflict.file_name)
                .bind(conflict.detected_at)
                .execute(&mut *conn)
                .await?;
        }
        Ok(())
    }

    /// Records how `records` were placed; returns how many changed.
    pub(crate) async fn geocodes(
        conn: &mut D::Connection,
        records: &[GeocodeRecord],
    ) -> StoreResult<u64> {
        let mut changed = 0;
        for record in records {
            changed += sqlx::query(geocoding::UPSERT_GEOCODE)
                .bind(D::id(record.facility.0))
                .bind(record.precision.as_str())
                .bind(&record.matched)
                .execute(&mut *conn)
                .await?
                .rows();
        }
        Ok(changed)
    }

    /// Appends `run` to the import-run log.
    pub(crate) async fn run(conn: &mut D::Connection, run: &ImportRun) -> StoreResult<()> {
        let [read, inserted, updated, unchanged, rejected, closed] = imports::check(run)?;
        sqlx::query(imports::INSERT_RUN)
            .bind(&run.source_key)
            .bind(&run.file_name)
            .bind(&run.checksum_sha256)
            .bind(run.started_at)
            .bind(run.finished_at)
            .bind(read)
            .bind(inserted)
            .bind(updated)
            .bind(unchanged)
            .bind(rejected)
            .bind(closed)
            .execute(&mut *conn)
            .await?;
        Ok(())
    }

    /// Replaces the accreditations of `source_key` with `records`; returns
    /// how many were stored.
    pub(crate) async fn accreditations(
        conn: &mut D::Connection,
        source_key: &str,
        records: &[AccreditationRecord],
    ) -> StoreResult<u64> {
        sqlx::query(accreditations::DELETE_SOURCE)
            .bind(source_key)
            .execute(&mut *conn)
            .await?;
        let mut stored = 0;
        for record in records {
            stored += sqlx::query(accreditations::INSERT)
                .bind(D::id(record.facility.0))
                .bind(record.code.as_str())
                .bind(record.since)
                .bind(source_key)
                .bind(&record.institution_number)
                .execute(&mut *conn)
                .await?
                .rows();
        }
        Ok(stored)
    }

    /// Closes, as of `on`, what `listing` covers of `source_key` and does not
    /// list; returns how many were closed. Read and update happen in the
    /// caller's one transaction, so an import committing in between cannot
    /// have a record it just wrote closed.
    pub(crate) async fn close_missing(
        conn: &mut D::Connection,
        source_key: &str,
        listing: &Listing,
        on: NaiveDate,
    ) -> StoreResult<u64> {
        type Stored<Id> = (
            Id,
            String,
            Option<String>,
            Option<String>,
            String,
            Option<String>,
        );
        let stored: Vec<Stored<D::Id>> = sqlx::query_as(closing::SELECT_CANDIDATES)
            .bind(source_key)
            .fetch_all(&mut *conn)
            .await?;
        let rows = stored
            .into_iter()
            .map(|(id, kind, stated, placed, address, service_type)| {
                let id = D::uuid(id, "location")?;
                Ok((id, kind, stated, placed, address, service_type))
            })
            .collect::<StoreResult<Vec<CandidateRow>>>()?;
        let to_close = closing::to_close(rows, listing);
        if to_close.is_empty() {
            return Ok(0);
        }
        Ok(sqlx::query(&format!(
            "{}{}",
            closing::CLOSE_HEAD,
            D::IN_IDS.trim_start()
        ))
        .bind(D::ids(&to_close))
        .bind(on)
        .execute(&mut *conn)
        .await?
        .rows())
    }

    /// Replaces the cells of every 1st mesh in `rows`; returns how many were written.
    pub(crate) async fn mesh_population(
        conn: &mut D::Connection,
        source_file: &str,
        rows: &[MeshPopulationRecord],
    ) -> StoreResult<u64> {
        let mut first_meshes: Vec<String> =
            rows.iter().map(|r| r.mesh.code()[..4].to_owned()).collect();
        first_meshes.sort();
        first_meshes.dedup();
        for first in first_meshes {
            sqlx::query(coverage_inputs::DELETE_MESH)
                .bind(first)
                .execute(&mut *conn)
                .await?;
        }
        for row in rows {
            sqlx::query(coverage_inputs::INSERT_MESH)
                .bind(row.mesh.code())
                .bind(stored_count(row.total))
                .bind(stored_count(row.under_15))
                .bind(row.year)
                .bind(&row.source)
                .bind(source_file)
                .execute(&mut *conn)
                .await?;
        }
        Ok(rows.len() as u64)
    }

    /// Replaces the declared service areas of every facility in `records`;
    /// returns how many were stored. A facility that is not stored is
    /// [`StoreError::NotFound`].
    pub(crate) async fn service_areas(
        conn: &mut D::Connection,
        source_file: &str,
        records: &[ServiceAreaRecord],
    ) -> StoreResult<u64> {
        let mut facilities: Vec<FacilityId> = records.iter().map(|r| r.facility).collect();
        facilities.sort_by_key(|id| id.0);
        facilities.dedup();
        for facility in facilities {
            // Checked here rather than left to the foreign key, whose
            // violation SQLite reports without the constraint's name.
            let known: Option<i32> = sqlx::query_scalar(coverage_inputs::LOCATION_EXISTS)
                .bind(D::id(facility.0))
                .fetch_optional(&mut *conn)
                .await?;
            if known.is_none() {
                return Err(StoreError::NotFound {
                    entity: "facility",
                    key: facility.to_string(),
                });
            }
            sqlx::query(coverage_inputs::DELETE_AREAS)
                .bind(D::id(facility.0))
                .execute(&mut *conn)
                .await?;
        }
        let mut stored = 0;
        for record in records {
            stored += sqlx::query(coverage_inputs::INSERT_AREA)
                .bind(D::id(record.facility.0))
                .bind(record.municipality.as_str())
                .bind(source_file)
                .execute(&mut *conn)
                .await?
                .rows();
        }
        Ok(stored)
    }

    /// Replaces the town points of every prefecture in `points`; returns how
    /// many were written.
    pub(crate) async fn town_points(
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
        for prefecture in prefectures {
            sqlx::query(geocoding::DELETE_TOWNS)
                .bind(prefecture)
                .execute(&mut *conn)
                .await?;
        }
        for point in points {
            sqlx::query(geocoding::INSERT_TOWN)
                .bind(point.municipality.as_str())
                .bind(&point.town)
                .bind(point.position.lon())
                .bind(point.position.lat())
                .bind(source_file)
                .execute(&mut *conn)
                .await?;
        }
        Ok(points.len() as u64)
    }

    /// Stores `facts`, replacing earlier answers for the same service and
    /// field; returns how many were stored.
    pub(crate) async fn verified_facts(
        conn: &mut D::Connection,
        facts: &[VerifiedFact],
    ) -> StoreResult<u64> {
        let mut stored = 0;
        for fact in facts {
            stored += sqlx::query(verified::UPSERT_FACT)
                .bind(D::id(fact.facility.0))
                .bind(&fact.service_key)
                .bind(fact.field.as_str())
                .bind(fact.answer.as_str())
                .bind(fact.verified.on)
                .bind(&fact.verified.by_organization)
                .bind(&fact.staff_note)
                .execute(&mut *conn)
                .await?
                .rows();
        }
        Ok(stored)
    }
}
