//! The read steps of the store, each on a connection (or inside a read
//! transaction) the caller holds, written once for both backends; and
//! [`DirectorySnapshot`], everything the in-memory read model is built from.

use crate::coverage_inputs::{self, MeshPopulationRecord, ServiceAreaRecord};
use crate::dialect::Dialect;
use crate::geocoding;
use crate::imports::{self, ImportRun, RunRow};
use crate::regions::{PopulationRecord, RegionSql};
use crate::rows::{
    assemble, order_like, AccreditationRow, CapabilityRow, Children, PhoneRow, ScheduleRow,
    ServiceRow, StoredLocation, VerifiedRow,
};
use crate::verified::{self, ConflictRow, ImportConflict, VerifiedFact};
use crate::{FacilityFilter, FacilityPage, PageRequest, SourceInfo, StoreResult};
use chrono::{DateTime, NaiveDate, Utc};
use renkei_core::directory_index::municipality_span;
use renkei_core::geocode::TownPoint;
use renkei_core::region::{Municipality, RegionTable};
use renkei_core::{Facility, FacilityId};
use sqlx::{ColumnIndex, Decode, Encode, Executor, IntoArguments, Type};
use std::collections::BTreeMap;
use std::marker::PhantomData;
use uuid::Uuid;

/// Everything the in-memory read model (directory index, regions, geocoder,
/// coverage inputs) is built from, read by [`crate::Store::snapshot`] in one
/// read transaction: every part is as of the same committed write, the one
/// that made [`DirectorySnapshot::data_version`].
#[derive(Debug, Clone, PartialEq)]
pub struct DirectorySnapshot {
    /// The data version the snapshot shows (see [`crate::Store::data_version`]).
    pub data_version: i64,
    /// Every facility, active and closed, ordered by id, with desk-verified
    /// facts laid over the imported ones (as [`crate::Store::all_facilities`]).
    pub facilities: Vec<Facility>,
    /// Every stored 二次医療圏 (secondary medical region) table, ordered by
    /// prefecture code.
    pub region_tables: Vec<RegionTable>,
    /// Every stored N03 unit with its boundary (WGS 84, lon/lat), ordered by code.
    pub municipalities: Vec<Municipality>,
    /// Municipal populations (persons), ordered by code.
    pub populations: Vec<PopulationRecord>,
    /// 町丁目 (town) representative points for the offline geocoder.
    pub town_points: Vec<TownPoint>,
    /// Population per mesh cell, ordered by mesh code.
    pub mesh_populations: Vec<MeshPopulationRecord>,
    /// Municipalities providers declare they serve, ordered by facility id
    /// and municipality.
    pub service_areas: Vec<ServiceAreaRecord>,
}

/// Limits a location query to the ids bound as `$1`.
fn where_location<D: Dialect>() -> String {
    format!(" WHERE l.id{}", D::IN_IDS)
}

/// Limits a query of a location's child table to the ids bound as `$1`.
fn where_child_of_location<D: Dialect>() -> String {
    format!(" WHERE location_id{}", D::IN_IDS)
}

/// Limits a query of a service's child table to the locations bound as `$1`.
fn where_child_of_service<D: Dialect>() -> String {
    format!(
        " WHERE service_id IN (SELECT id FROM services WHERE location_id{})",
        D::IN_IDS
    )
}

/// The rows of `base` (all, or those `filter` keeps of `ids`), read as `T`.
async fn select<D: Dialect, T: crate::row_readers::FromColumns + Send>(
    conn: &mut D::Connection,
    base: &str,
    filter: fn() -> String,
    ids: Option<&[Uuid]>,
) -> StoreResult<Vec<T>> {
    match ids {
        Some(ids) => D::select(conn, &format!("{base}{}", filter()), Some(ids)).await,
        None => D::select(conn, base, None).await,
    }
}

/// Facilities with the given ids (in that order, missing ones left out), or
/// all of them ordered by id: one query per table whatever the number.
pub(crate) async fn facilities<D: Dialect>(
    conn: &mut D::Connection,
    ids: Option<&[Uuid]>,
) -> StoreResult<Vec<Facility>> {
    let locations: Vec<StoredLocation> = select::<D, _>(
        conn,
        include_str!("sql/select_locations.sql"),
        where_location::<D>,
        ids,
    )
    .await?;
    let services: Vec<ServiceRow> = select::<D, _>(
        conn,
        include_str!("sql/select_services.sql"),
        where_child_of_location::<D>,
        ids,
    )
    .await?;
    let phones: Vec<PhoneRow> = select::<D, _>(
        conn,
        include_str!("sql/select_phones.sql"),
        where_child_of_location::<D>,
        ids,
    )
    .await?;
    let schedules: Vec<ScheduleRow> = select::<D, _>(
        conn,
        include_str!("sql/select_schedules.sql"),
        where_child_of_service::<D>,
        ids,
    )
    .await?;
    let capabilities: Vec<CapabilityRow> = select::<D, _>(
        conn,
        include_str!("sql/select_capabilities.sql"),
        where_child_of_service::<D>,
        ids,
    )
    .await?;
    let accreditations: Vec<AccreditationRow> = select::<D, _>(
        conn,
        include_str!("sql/select_accreditations.sql"),
        where_child_of_location::<D>,
        ids,
    )
    .await?;
    let verified: Vec<VerifiedRow> = select::<D, _>(
        conn,
        include_str!("sql/select_verified_facts.sql"),
        where_child_of_location::<D>,
        ids,
    )
    .await?;
    let mut children = Children::new(
        services,
        phones,
        schedules,
        capabilities,
        accreditations,
        verified,
    );
    let mut facilities = locations
        .into_iter()
        .map(|stored| assemble(stored, &mut children))
        .collect::<StoreResult<Vec<_>>>()?;
    order_like(&mut facilities, ids);
    Ok(facilities)
}

/// The read steps for database `D`.
pub(crate) struct Reads<D>(PhantomData<D>);

impl<D> Reads<D>
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
    /// The data version.
    pub(crate) async fn data_version(conn: &mut D::Connection) -> StoreResult<i64> {
        Ok(
            sqlx::query_scalar("SELECT data_version FROM store_state WHERE id = 1")
                .fetch_one(&mut *conn)
                .await?,
        )
    }

    /// Number of active facilities.
    pub(crate) async fn count_facilities(conn: &mut D::Connection) -> StoreResult<u64> {
        let count: i64 =
            sqlx::query_scalar("SELECT count(*) FROM locations WHERE status = 'active'")
                .fetch_one(&mut *conn)
                .await?;
        Ok(to_u64(count))
    }

    /// Number of facilities (active and closed) per source key.
    pub(crate) async fn count_by_source(
        conn: &mut D::Connection,
    ) -> StoreResult<BTreeMap<String, u64>> {
        let rows: Vec<(String, i64)> =
            sqlx::query_as("SELECT source_key, count(*) FROM locations GROUP BY source_key")
                .fetch_all(&mut *conn)
                .await?;
        Ok(rows
            .into_iter()
            .map(|(key, count)| (key, to_u64(count)))
            .collect())
    }

    /// One page of the facilities matching `filter`.
    pub(crate) async fn page(
        conn: &mut D::Connection,
        filter: &FacilityFilter,
        page: PageRequest,
    ) -> StoreResult<FacilityPage> {
        let kind = filter.kind.as_ref().map(|k| k.as_str().to_owned());
        let (low, high) = filter
            .municipality
            .as_ref()
            .map(|code| {
                let (low, high) = municipality_span(code);
                (low.to_owned(), high.to_owned())
            })
            .unzip();
        let per_page = page.per_page.clamp(1, PageRequest::MAX_PER_PAGE);
        let offset = i64::try_from(
            PageRequest {
                page: page.page,
                per_page,
            }
            .offset(),
        )
        .unwrap_or(i64::MAX);
        let total: i64 = sqlx::query_scalar(D::COUNT_SQL)
            .bind(kind.clone())
            .bind(low.clone())
            .bind(high.clone())
            .bind(filter.include_closed)
            .fetch_one(&mut *conn)
            .await?;
        let ids: Vec<D::Id> = sqlx::query_scalar(D::LIST_IDS_SQL)
            .bind(kind)
            .bind(low)
            .bind(high)
            .bind(filter.include_closed)
            .bind(i64::from(per_page))
            .bind(offset)
            .fetch_all(&mut *conn)
            .await?;
        let ids = ids
            .into_iter()
            .map(|id| D::uuid(id, "location"))
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(FacilityPage {
            items: facilities::<D>(conn, Some(&ids)).await?,
            total: to_u64(total),
        })
    }

    /// Every source, ordered by key.
    pub(crate) async fn sources(conn: &mut D::Connection) -> StoreResult<Vec<SourceInfo>> {
        D::select(conn, include_str!("sql/select_sources.sql"), None).await
    }

    /// The newest `limit` import runs, newest first.
    pub(crate) async fn import_runs(
        conn: &mut D::Connection,
        limit: u32,
    ) -> StoreResult<Vec<ImportRun>> {
        let rows: Vec<RunRow> = sqlx::query_as(imports::SELECT_RUNS)
            .bind(i64::from(limit))
            .fetch_all(&mut *conn)
            .await?;
        rows.into_iter().map(imports::from_row).collect()
    }

    /// Every verified fact.
    pub(crate) async fn verified_facts(conn: &mut D::Connection) -> StoreResult<Vec<VerifiedFact>> {
        let rows: Vec<VerifiedRow> = D::select(conn, verified::SELECT_FACTS, None).await?;
        rows.into_iter().map(verified::fact_from_row).collect()
    }

    /// The `limit` newest import conflicts.
    pub(crate) async fn import_conflicts(
        conn: &mut D::Connection,
        limit: u32,
    ) -> StoreResult<Vec<ImportConflict>> {
        let rows: Vec<ConflictRow<D::Id>> = sqlx::query_as(verified::SELECT_CONFLICTS)
            .bind(i64::from(limit))
            .fetch_all(&mut *conn)
            .await?;
        rows.into_iter()
            .map(|row| verified::conflict_from_row(row, D::uuid))
            .collect()
    }

    /// Every stored town point.
    pub(crate) async fn town_points(conn: &mut D::Connection) -> StoreResult<Vec<TownPoint>> {
        let rows: Vec<(String, String, f64, f64)> = sqlx::query_as(geocoding::SELECT_TOWNS)
            .fetch_all(&mut *conn)
            .await?;
        rows.into_iter().map(geocoding::town_from_row).collect()
    }

    /// Every stored mesh cell, ordered by code.
    pub(crate) async fn mesh_populations(
        conn: &mut D::Connection,
    ) -> StoreResult<Vec<MeshPopulationRecord>> {
        let rows: Vec<(String, i64, i64, i32, String)> =
            sqlx::query_as(coverage_inputs::SELECT_MESH)
                .fetch_all(&mut *conn)
                .await?;
        rows.into_iter()
            .map(coverage_inputs::mesh_from_row)
            .collect()
    }

    /// Every declared service area, ordered by location and municipality.
    pub(crate) async fn service_areas(
        conn: &mut D::Connection,
    ) -> StoreResult<Vec<ServiceAreaRecord>> {
        let rows: Vec<(D::Id, String)> = sqlx::query_as(coverage_inputs::SELECT_AREAS)
            .fetch_all(&mut *conn)
            .await?;
        rows.into_iter()
            .map(|(id, code)| {
                coverage_inputs::area_from_row(FacilityId(D::uuid(id, "service_area")?), code)
            })
            .collect()
    }

    /// Everything the read model needs, inside the read transaction `conn`
    /// (begun with [`Dialect::begin_snapshot`]).
    pub(crate) async fn snapshot(conn: &mut D::Connection) -> StoreResult<DirectorySnapshot> {
        Ok(DirectorySnapshot {
            data_version: Self::data_version(conn).await?,
            facilities: facilities::<D>(conn, None).await?,
            region_tables: RegionSql::<D>::read_tables(conn).await?,
            municipalities: RegionSql::<D>::read_boundaries(conn).await?,
            populations: RegionSql::<D>::read_populations(conn).await?,
            town_points: Self::town_points(conn).await?,
            mesh_populations: Self::mesh_populations(conn).await?,
            service_areas: Self::service_areas(conn).await?,
        })
    }
}

/// A count read back from the database, where it cannot be negative.
fn to_u64(count: i64) -> u64 {
    u64::try_from(count).unwrap_or(0)
}
