//! The directory's facilities: written a batch at a time, read by id, by page
//! or all at once; and [`DirectorySnapshot`], everything the in-memory read
//! model is built from. Each step runs on a connection (or inside a
//! transaction) the caller holds.

use crate::coverage_inputs::{self, MeshPopulationRecord, ServiceAreaRecord};
use crate::dialect::{fetch_one, Dialect};
use crate::geocoding;
use crate::params::{Param, StoredId, StoredIds};
use crate::regions::{self, LocationAssignment, PopulationRecord};
use crate::row_readers::FromColumns;
use crate::rows::{
    assemble, order_like, AccreditationRow, CapabilityRow, Children, PhoneRow, Prepared,
    ScheduleRow, ServiceRow, StoredLocation, VerifiedRow,
};
use crate::{FacilityFilter, FacilityPage, PageRequest, SourceInfo, StoreResult, WriteSummary};
use renkei_core::geocode::TownPoint;
use renkei_core::region::{Municipality, RegionTable};
use renkei_core::{Facility, KindCode, MunicipalityCode};
use std::collections::BTreeMap;
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
    /// Railway stations and lines for the base map and the geocoder.
    pub base_layers: renkei_core::basemap::BaseLayers,
    /// Postcode points for the geocoder.
    pub postcodes: Vec<renkei_core::basemap::PostcodePoint>,
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
async fn select<D: Dialect, T: FromColumns + Send>(
    conn: &mut D::Connection,
    base: &str,
    filter: fn() -> String,
    ids: Option<&[Uuid]>,
) -> StoreResult<Vec<T>> {
    match ids {
        Some(ids) => {
            let ids = StoredIds(ids.to_vec());
            D::select(conn, &format!("{base}{}", filter()), &[&ids]).await
        }
        None => D::select(conn, base, &[]).await,
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

/// Writes `source` and `prepared` (checked records of it) with the
/// placements in `placements`, inside the transaction `conn`; returns what
/// happened to the records, how many placements changed, and whether anything
/// changed at all.
pub(crate) async fn write_records<D: Dialect>(
    conn: &mut D::Connection,
    source: &SourceInfo,
    prepared: Vec<Prepared<'_>>,
    placements: &[LocationAssignment],
) -> StoreResult<(WriteSummary, u64, bool)> {
    // A write first, so that a SQLite transaction takes the write lock (and
    // waits for it) at once. A source stored the same way is not touched.
    let args: [&dyn Param; 7] = [
        &source.key,
        &source.name,
        &source.publisher,
        &source.licence,
        &source.attribution,
        &source.url,
        &source.demo,
    ];
    let source_changed = D::execute(conn, include_str!("sql/upsert_source.sql"), &args).await? > 0;
    let (written, placed) = D::write_facilities(conn, source, prepared, placements).await?;
    let changed = source_changed || written.inserted + written.updated > 0 || placed > 0;
    Ok((written, placed, changed))
}

/// The data version.
pub(crate) async fn data_version<D: Dialect>(conn: &mut D::Connection) -> StoreResult<i64> {
    let (version,) = fetch_one::<D, (i64,)>(
        conn,
        "SELECT data_version FROM store_state WHERE id = 1",
        &[],
    )
    .await?;
    Ok(version)
}

/// Number of active facilities.
pub(crate) async fn count_active<D: Dialect>(conn: &mut D::Connection) -> StoreResult<u64> {
    let (count,) = fetch_one::<D, (i64,)>(
        conn,
        "SELECT count(*) FROM locations WHERE status = 'active'",
        &[],
    )
    .await?;
    Ok(to_u64(count))
}

/// Number of facilities (active and closed) per source key.
pub(crate) async fn count_by_source<D: Dialect>(
    conn: &mut D::Connection,
) -> StoreResult<BTreeMap<String, u64>> {
    let rows: Vec<(String, i64)> = D::fetch(
        conn,
        "SELECT source_key, count(*) FROM locations GROUP BY source_key",
        &[],
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|(key, count)| (key, to_u64(count)))
        .collect())
}

/// One page of the facilities matching `filter`.
pub(crate) async fn page<D: Dialect>(
    conn: &mut D::Connection,
    filter: &FacilityFilter,
    page: PageRequest,
) -> StoreResult<FacilityPage> {
    let kind = filter.kind.as_ref().map(KindCode::as_str);
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
    let filters: [&dyn Param; 3] = [&kind, &municipality, &filter.include_closed];
    let (total,) = fetch_one::<D, (i64,)>(conn, D::COUNT_SQL, &filters).await?;
    let limit = i64::from(per_page);
    let args: [&dyn Param; 5] = [
        &kind,
        &municipality,
        &filter.include_closed,
        &limit,
        &offset,
    ];
    let ids: Vec<(StoredId,)> = D::fetch(conn, D::LIST_IDS_SQL, &args).await?;
    let ids: Vec<Uuid> = ids.into_iter().map(|(id,)| id.0).collect();
    Ok(FacilityPage {
        items: facilities::<D>(conn, Some(&ids)).await?,
        total: to_u64(total),
    })
}

/// Every source, ordered by key.
pub(crate) async fn sources<D: Dialect>(conn: &mut D::Connection) -> StoreResult<Vec<SourceInfo>> {
    D::select(conn, include_str!("sql/select_sources.sql"), &[]).await
}

/// Everything the read model needs, inside the read transaction `conn`
/// (begun with [`Dialect::begin_snapshot`]).
pub(crate) async fn snapshot<D: Dialect>(
    conn: &mut D::Connection,
) -> StoreResult<DirectorySnapshot> {
    Ok(DirectorySnapshot {
        data_version: data_version::<D>(conn).await?,
        facilities: facilities::<D>(conn, None).await?,
        region_tables: regions::read_tables::<D>(conn).await?,
        municipalities: regions::read_boundaries::<D>(conn).await?,
        populations: regions::read_populations::<D>(conn).await?,
        town_points: geocoding::towns::<D>(conn).await?,
        mesh_populations: coverage_inputs::mesh::<D>(conn).await?,
        service_areas: coverage_inputs::areas::<D>(conn).await?,
        base_layers: renkei_core::basemap::BaseLayers {
            stations: crate::basemap::stations::<D>(conn).await?,
            rail_lines: crate::basemap::rail_lines::<D>(conn).await?,
        },
        postcodes: crate::basemap::postcodes::<D>(conn).await?,
    })
}

/// A count read back from the database, where it cannot be negative.
fn to_u64(count: i64) -> u64 {
    u64::try_from(count).unwrap_or(0)
}
