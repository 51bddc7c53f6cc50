//! Writing facilities to PostgreSQL. New records are bulk loaded through
//! `COPY … FROM STDIN`, table by table ([`super::copy`]), with their
//! placements; records already stored are upserted with one `INSERT … SELECT
//! FROM UNNEST(arrays)` per table and chunk, so the number of round trips
//! does not grow with the number of rows.

use super::copy::copy_new;
use crate::rows::{Batch, CapabilityRow, PhoneRow, Prepared, ScheduleRow, ServiceRow};
use crate::{LocationAssignment, SourceInfo, StoreResult, WriteSummary};
use sqlx::PgConnection;
use std::collections::HashMap;
use uuid::Uuid;

/// Records classified and written per round.
const CHUNK: usize = 10_000;

/// Writes a batch inside the transaction `conn`, then the placements in
/// `assignments`; returns what happened to the records and how many
/// placements changed.
pub(super) async fn write_facilities(
    conn: &mut PgConnection,
    source: &SourceInfo,
    prepared: Vec<Prepared<'_>>,
    assignments: &[LocationAssignment],
) -> StoreResult<(WriteSummary, u64)> {
    let mut summary = WriteSummary::default();
    let mut placements: HashMap<Uuid, &LocationAssignment> =
        assignments.iter().map(|a| (a.id.0, a)).collect();
    let mut placed = 0;
    for chunk in prepared.chunks(CHUNK) {
        let new = write_chunk(conn, source, chunk, &mut summary).await?;
        placed += copy_new(conn, &new, &mut placements).await?;
    }
    // New records were loaded with their placement; the others (and ids
    // outside this batch) are updated where it differs.
    let rest: Vec<LocationAssignment> = placements.into_values().cloned().collect();
    placed += update_assignments(conn, &rest).await?;
    Ok((summary, placed))
}

/// Writes, in one statement, the placements that differ from the stored ones
/// inside the transaction `conn`; returns how many changed.
pub(super) async fn update_assignments(
    conn: &mut PgConnection,
    assignments: &[LocationAssignment],
) -> StoreResult<u64> {
    if assignments.is_empty() {
        return Ok(0);
    }
    let rows: Vec<_> = assignments
        .iter()
        .map(LocationAssignment::columns)
        .collect();
    Ok(sqlx::query(include_str!("update_assignments.sql"))
        .bind(column(assignments, |a| a.id.0))
        .bind(column(&rows, |r| r.0.as_deref()))
        .bind(column(&rows, |r| r.1.as_deref()))
        .bind(column(&rows, |r| r.2.as_deref()))
        .bind(column(&rows, |r| r.3))
        .execute(&mut *conn)
        .await?
        .rows_affected())
}

/// Sorts the records of `chunk` into new, changed and unchanged (counted in
/// `summary`) and upserts the changed ones; returns the rows of the new ones.
async fn write_chunk(
    conn: &mut PgConnection,
    source: &SourceInfo,
    chunk: &[Prepared<'_>],
    summary: &mut WriteSummary,
) -> StoreResult<Batch> {
    let ids: Vec<Uuid> = chunk.iter().map(|p| p.facility.id.0).collect();
    let stored: HashMap<Uuid, String> =
        sqlx::query_as("SELECT id, content_hash FROM locations WHERE id = ANY($1)")
            .bind(&ids)
            .fetch_all(&mut *conn)
            .await?
            .into_iter()
            .collect();
    let mut new = Batch::default();
    let mut batch = Batch::default();
    let mut changed = Vec::new();
    for prepared in chunk {
        match stored.get(&prepared.facility.id.0) {
            None => {
                summary.inserted += 1;
                new.push(source, prepared);
                continue;
            }
            Some(hash) if *hash == prepared.content_hash => {
                summary.unchanged += 1;
                continue;
            }
            Some(_) => {
                summary.updated += 1;
                changed.push(prepared.facility.id.0);
            }
        }
        batch.push(source, prepared);
    }
    if !changed.is_empty() {
        // Children of changed records are replaced; deleting services cascades
        // to service_at_location, schedules and service_capabilities.
        sqlx::query("DELETE FROM services WHERE location_id = ANY($1)")
            .bind(&changed)
            .execute(&mut *conn)
            .await?;
        sqlx::query("DELETE FROM phones WHERE location_id = ANY($1)")
            .bind(&changed)
            .execute(&mut *conn)
            .await?;
    }
    write_batch(conn, &batch).await?;
    Ok(new)
}

/// One column of `rows` as an array parameter.
fn column<'a, T, U>(rows: &'a [T], get: impl Fn(&'a T) -> U) -> Vec<U> {
    rows.iter().map(get).collect()
}

async fn write_batch(conn: &mut PgConnection, batch: &Batch) -> StoreResult<()> {
    if batch.locations.is_empty() {
        return Ok(());
    }
    write_locations(conn, batch).await?;
    write_services(conn, &batch.services).await?;
    write_phones(conn, &batch.phones).await?;
    write_schedules(conn, &batch.schedules).await?;
    write_capabilities(conn, &batch.capabilities).await
}

async fn write_locations(conn: &mut PgConnection, batch: &Batch) -> StoreResult<()> {
    let rows = &batch.organizations;
    sqlx::query(include_str!("insert_organizations.sql"))
        .bind(column(rows, |r| r.id))
        .bind(column(rows, |r| r.name.as_str()))
        .bind(column(rows, |r| r.url.as_deref()))
        .execute(&mut *conn)
        .await?;
    let rows = &batch.locations;
    sqlx::query(concat!(
        include_str!("insert_locations.sql"),
        include_str!("../sql/upsert_locations_tail.sql")
    ))
    .bind(column(rows, |r| r.id))
    .bind(column(rows, |r| r.organization_id))
    .bind(column(rows, |r| r.kind.as_str()))
    .bind(column(rows, |r| r.name.as_str()))
    .bind(column(rows, |r| r.name_kana.as_deref()))
    .bind(column(rows, |r| r.address.as_str()))
    .bind(column(rows, |r| r.postal_code.as_deref()))
    .bind(column(rows, |r| r.lon))
    .bind(column(rows, |r| r.lat))
    .bind(column(rows, |r| r.stated_municipality_code.as_deref()))
    .bind(column(rows, |r| r.municipality_code.as_deref()))
    .bind(column(rows, |r| r.region_code.as_deref()))
    .bind(column(rows, |r| r.url.as_deref()))
    .bind(column(rows, |r| r.status.as_str()))
    .bind(column(rows, |r| r.closed_on))
    .bind(column(rows, |r| r.staff_note.as_deref()))
    .bind(column(rows, |r| r.source_key.as_str()))
    .bind(column(rows, |r| r.source_record_id.as_str()))
    .bind(column(rows, |r| r.imported_at))
    .bind(column(rows, |r| r.content_hash.as_str()))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

async fn write_services(conn: &mut PgConnection, rows: &[ServiceRow]) -> StoreResult<()> {
    if rows.is_empty() {
        return Ok(());
    }
    sqlx::query(include_str!("insert_services.sql"))
        .bind(column(rows, |r| r.id))
        .bind(column(rows, |r| r.organization_id))
        .bind(column(rows, |r| r.location_id))
        .bind(column(rows, |r| r.position))
        .bind(column(rows, |r| r.key.as_str()))
        .bind(column(rows, |r| r.name.as_str()))
        .bind(column(rows, |r| r.service_type.as_deref()))
        .bind(column(rows, |r| r.age_min_years))
        .bind(column(rows, |r| r.age_max_years))
        .bind(column(rows, |r| r.accepting_new_clients.as_str()))
        .bind(column(rows, |r| r.respite_beds))
        .bind(column(rows, |r| r.verified_on))
        .bind(column(rows, |r| r.verified_by.as_deref()))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

async fn write_phones(conn: &mut PgConnection, rows: &[PhoneRow]) -> StoreResult<()> {
    if rows.is_empty() {
        return Ok(());
    }
    sqlx::query(include_str!("insert_phones.sql"))
        .bind(column(rows, |r| r.location_id))
        .bind(column(rows, |r| r.position))
        .bind(column(rows, |r| r.number.as_str()))
        .bind(column(rows, |r| r.label.as_deref()))
        .bind(column(rows, |r| r.visibility.as_str()))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

async fn write_schedules(conn: &mut PgConnection, rows: &[ScheduleRow]) -> StoreResult<()> {
    if rows.is_empty() {
        return Ok(());
    }
    sqlx::query(include_str!("insert_schedules.sql"))
        .bind(column(rows, |r| r.service_id))
        .bind(column(rows, |r| r.position))
        .bind(column(rows, |r| r.byday.as_str()))
        .bind(column(rows, |r| r.opens_at.as_deref()))
        .bind(column(rows, |r| r.closes_at.as_deref()))
        .bind(column(rows, |r| r.description.as_deref()))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

async fn write_capabilities(conn: &mut PgConnection, rows: &[CapabilityRow]) -> StoreResult<()> {
    if rows.is_empty() {
        return Ok(());
    }
    sqlx::query(include_str!("insert_capabilities.sql"))
        .bind(column(rows, |r| r.service_id))
        .bind(column(rows, |r| r.position))
        .bind(column(rows, |r| r.capability.as_str()))
        .bind(column(rows, |r| r.answer.as_str()))
        .bind(column(rows, |r| r.verified_on))
        .bind(column(rows, |r| r.verified_by.as_deref()))
        .bind(column(rows, |r| r.staff_note.as_deref()))
        .execute(&mut *conn)
        .await?;
    Ok(())
}
