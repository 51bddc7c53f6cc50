//! Reading facilities from PostgreSQL: one query per table, joined in memory, and
//! one row → struct function per table.

use crate::rows::{
    assemble, CapabilityRow, Children, LocationRow, OrganizationRow, PhoneRow, ScheduleRow,
    ServiceRow, StoredLocation,
};
use crate::{SourceInfo, StoreError, StoreResult};
use renkei_core::Facility;
use sqlx::postgres::PgRow;
use sqlx::{Decode, PgConnection, PgPool, Postgres, Row, Type};
use uuid::Uuid;

const WHERE_LOCATION: &str = " WHERE l.id = ANY($1)";
const WHERE_CHILD_OF_LOCATION: &str = " WHERE location_id = ANY($1)";
const WHERE_CHILD_OF_SERVICE: &str =
    " WHERE service_id IN (SELECT id FROM services WHERE location_id = ANY($1))";

fn get<'r, T>(row: &'r PgRow, column: &'static str, entity: &'static str) -> StoreResult<T>
where
    T: Decode<'r, Postgres> + Type<Postgres>,
{
    row.try_get(column).map_err(|e| StoreError::Corrupt {
        entity,
        key: format!("column {column}"),
        reason: e.to_string(),
    })
}

fn get_uuid(row: &PgRow, column: &'static str, entity: &'static str) -> StoreResult<Uuid> {
    get(row, column, entity)
}

fn location_row(row: &PgRow) -> StoreResult<StoredLocation> {
    const E: &str = "location";
    let organization_id = get_uuid(row, "organization_id", E)?;
    Ok(StoredLocation {
        location: LocationRow {
            id: get_uuid(row, "id", E)?,
            organization_id,
            kind: get(row, "kind", E)?,
            name: get(row, "name", E)?,
            name_kana: get(row, "name_kana", E)?,
            address: get(row, "address", E)?,
            postal_code: get(row, "postal_code", E)?,
            lon: get(row, "lon", E)?,
            lat: get(row, "lat", E)?,
            stated_municipality_code: get(row, "stated_municipality_code", E)?,
            municipality_code: get(row, "municipality_code", E)?,
            region_code: get(row, "region_code", E)?,
            url: get(row, "url", E)?,
            status: get(row, "status", E)?,
            closed_on: get(row, "closed_on", E)?,
            staff_note: get(row, "staff_note", E)?,
            source_key: get(row, "source_key", E)?,
            source_record_id: get(row, "source_record_id", E)?,
            imported_at: get(row, "imported_at", E)?,
            content_hash: get(row, "content_hash", E)?,
        },
        organization: OrganizationRow {
            id: organization_id,
            name: get(row, "organization_name", "organization")?,
            url: get(row, "organization_url", "organization")?,
        },
        licence: get(row, "licence", "source")?,
        attribution: get(row, "attribution", "source")?,
        demo: get(row, "demo", "source")?,
    })
}

fn service_row(row: &PgRow) -> StoreResult<ServiceRow> {
    const E: &str = "service";
    Ok(ServiceRow {
        id: get_uuid(row, "id", E)?,
        organization_id: get_uuid(row, "organization_id", E)?,
        location_id: get_uuid(row, "location_id", E)?,
        position: get(row, "position", E)?,
        key: get(row, "key", E)?,
        name: get(row, "name", E)?,
        service_type: get(row, "service_type", E)?,
        age_min_years: get(row, "age_min_years", E)?,
        age_max_years: get(row, "age_max_years", E)?,
        accepting_new_clients: get(row, "accepting_new_clients", E)?,
        respite_beds: get(row, "respite_beds", E)?,
        verified_on: get(row, "verified_on", E)?,
        verified_by: get(row, "verified_by", E)?,
    })
}

fn phone_row(row: &PgRow) -> StoreResult<PhoneRow> {
    const E: &str = "phone";
    Ok(PhoneRow {
        location_id: get_uuid(row, "location_id", E)?,
        position: get(row, "position", E)?,
        number: get(row, "number", E)?,
        label: get(row, "label", E)?,
        visibility: get(row, "visibility", E)?,
    })
}

fn schedule_row(row: &PgRow) -> StoreResult<ScheduleRow> {
    const E: &str = "schedule";
    Ok(ScheduleRow {
        service_id: get_uuid(row, "service_id", E)?,
        position: get(row, "position", E)?,
        byday: get(row, "byday", E)?,
        opens_at: get(row, "opens_at", E)?,
        closes_at: get(row, "closes_at", E)?,
        description: get(row, "description", E)?,
    })
}

fn capability_row(row: &PgRow) -> StoreResult<CapabilityRow> {
    const E: &str = "service_capability";
    Ok(CapabilityRow {
        service_id: get_uuid(row, "service_id", E)?,
        position: get(row, "position", E)?,
        capability: get(row, "capability", E)?,
        answer: get(row, "answer", E)?,
        verified_on: get(row, "verified_on", E)?,
        verified_by: get(row, "verified_by", E)?,
        staff_note: get(row, "staff_note", E)?,
    })
}

fn source_row(row: &PgRow) -> StoreResult<SourceInfo> {
    const E: &str = "source";
    Ok(SourceInfo {
        key: get(row, "key", E)?,
        name: get(row, "name", E)?,
        publisher: get(row, "publisher", E)?,
        licence: get(row, "licence", E)?,
        attribution: get(row, "attribution", E)?,
        url: get(row, "url", E)?,
        demo: get(row, "demo", E)?,
    })
}

/// Every source, ordered by key.
pub(super) async fn sources(pool: &PgPool) -> StoreResult<Vec<SourceInfo>> {
    sqlx::query(include_str!("../sql/select_sources.sql"))
        .fetch_all(pool)
        .await?
        .iter()
        .map(source_row)
        .collect()
}

async fn select<T>(
    conn: &mut PgConnection,
    base: &str,
    filter: &str,
    ids: Option<&[Uuid]>,
    map: fn(&PgRow) -> StoreResult<T>,
) -> StoreResult<Vec<T>> {
    let rows = match ids {
        Some(ids) => {
            sqlx::query(&format!("{base}{filter}"))
                .bind(ids)
                .fetch_all(&mut *conn)
                .await?
        }
        None => sqlx::query(base).fetch_all(&mut *conn).await?,
    };
    rows.iter().map(map).collect()
}

/// Facilities with the given ids (in that order, missing ones left out), or all
/// of them ordered by id: five queries whatever the number.
pub(super) async fn load(
    conn: &mut PgConnection,
    ids: Option<&[Uuid]>,
) -> StoreResult<Vec<Facility>> {
    let locations = select(
        conn,
        include_str!("../sql/select_locations.sql"),
        WHERE_LOCATION,
        ids,
        location_row,
    )
    .await?;
    let services = select(
        conn,
        include_str!("../sql/select_services.sql"),
        WHERE_CHILD_OF_LOCATION,
        ids,
        service_row,
    );
    let services = services.await?;
    let phones = select(
        conn,
        include_str!("../sql/select_phones.sql"),
        WHERE_CHILD_OF_LOCATION,
        ids,
        phone_row,
    )
    .await?;
    let schedules = select(
        conn,
        include_str!("../sql/select_schedules.sql"),
        WHERE_CHILD_OF_SERVICE,
        ids,
        schedule_row,
    )
    .await?;
    let capabilities = select(
        conn,
        include_str!("../sql/select_capabilities.sql"),
        WHERE_CHILD_OF_SERVICE,
        ids,
        capability_row,
    )
    .await?;
    let mut children = Children::new(services, phones, schedules, capabilities);
    let mut facilities = locations
        .into_iter()
        .map(|stored| assemble(stored, &mut children))
        .collect::<StoreResult<Vec<_>>>()?;
    crate::rows::order_like(&mut facilities, ids);
    Ok(facilities)
}
