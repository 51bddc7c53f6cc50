//! Reading facilities from SQLite: one query per table, joined in memory, and
//! one row → struct function per table.

use super::json_rows::{self, select_json};
use crate::rows::{assemble, Children};
use crate::{SourceInfo, StoreError, StoreResult};
use renkei_core::Facility;
use sqlx::sqlite::SqliteRow;
use sqlx::{Decode, Row, Sqlite, SqliteConnection, SqlitePool, Type};
use uuid::Uuid;

const WHERE_LOCATION: &str = " WHERE l.id IN (SELECT value FROM json_each($1))";
const WHERE_CHILD_OF_LOCATION: &str = " WHERE location_id IN (SELECT value FROM json_each($1))";
const WHERE_CHILD_OF_SERVICE: &str =
    " WHERE service_id IN (SELECT id FROM services WHERE location_id IN (SELECT value FROM json_each($1)))";

/// Parses a stored UUID text.
pub(super) fn parse_uuid(text: &str, entity: &'static str) -> StoreResult<Uuid> {
    Uuid::parse_str(text).map_err(|e| StoreError::Corrupt {
        entity,
        key: text.to_owned(),
        reason: e.to_string(),
    })
}

pub(super) fn get<'r, T>(
    row: &'r SqliteRow,
    column: &'static str,
    entity: &'static str,
) -> StoreResult<T>
where
    T: Decode<'r, Sqlite> + Type<Sqlite>,
{
    row.try_get(column).map_err(|e| StoreError::Corrupt {
        entity,
        key: format!("column {column}"),
        reason: e.to_string(),
    })
}

pub(super) fn get_uuid(
    row: &SqliteRow,
    column: &'static str,
    entity: &'static str,
) -> StoreResult<Uuid> {
    parse_uuid(&get::<String>(row, column, entity)?, entity)
}

/// Every source, ordered by key.
pub(super) async fn sources(pool: &SqlitePool) -> StoreResult<Vec<SourceInfo>> {
    let mut conn = pool.acquire().await?;
    select_json(
        &mut conn,
        include_str!("../sql/select_sources.sql"),
        None,
        json_rows::SOURCE,
    )
    .await
}

/// The rows of `base` (all, or with `filter` and the ids bound), read by `read`.
async fn select<T>(
    conn: &mut SqliteConnection,
    base: &str,
    filter: &str,
    ids: Option<&str>,
    read: json_rows::Reader<T>,
) -> StoreResult<Vec<T>> {
    match ids {
        Some(_) => select_json(conn, &format!("{base}{filter}"), ids, read).await,
        None => select_json(conn, base, None, read).await,
    }
}

/// Facilities with the given ids (in that order, missing ones left out), or all
/// of them ordered by id: five queries whatever the number.
pub(super) async fn load(
    conn: &mut SqliteConnection,
    ids: Option<&[Uuid]>,
) -> StoreResult<Vec<Facility>> {
    let json = ids.map(|ids| {
        serde_json::Value::from(ids.iter().map(Uuid::to_string).collect::<Vec<_>>()).to_string()
    });
    let json = json.as_deref();
    let locations = select(
        conn,
        include_str!("../sql/select_locations.sql"),
        WHERE_LOCATION,
        json,
        json_rows::LOCATION,
    )
    .await?;
    let services = select(
        conn,
        include_str!("../sql/select_services.sql"),
        WHERE_CHILD_OF_LOCATION,
        json,
        json_rows::SERVICE,
    );
    let services = services.await?;
    let phones = select(
        conn,
        include_str!("../sql/select_phones.sql"),
        WHERE_CHILD_OF_LOCATION,
        json,
        json_rows::PHONE,
    )
    .await?;
    let schedules = select(
        conn,
        include_str!("../sql/select_schedules.sql"),
        WHERE_CHILD_OF_SERVICE,
        json,
        json_rows::SCHEDULE,
    )
    .await?;
    let capabilities = select(
        conn,
        include_str!("../sql/select_capabilities.sql"),
        WHERE_CHILD_OF_SERVICE,
        json,
        json_rows::CAPABILITY,
    )
    .await?;
    let accreditations = select(
        conn,
        include_str!("../sql/select_accreditations.sql"),
        WHERE_CHILD_OF_LOCATION,
        json,
        json_rows::ACCREDITATION,
    )
    .await?;
    let verified = select(
        conn,
        include_str!("../sql/select_verified_facts.sql"),
        WHERE_CHILD_OF_LOCATION,
        json,
        json_rows::VERIFIED,
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
    crate::rows::order_like(&mut facilities, ids);
    Ok(facilities)
}
