//! Writing facilities to SQLite: one transaction per batch, multi-row INSERTs.

use crate::rows::{prepare, Batch, Prepared};
use crate::{LocationAssignment, SourceInfo, StoreResult, WriteSummary};
use renkei_core::{Facility, MunicipalityCode, RegionCode};
use sqlx::query_builder::Separated;
use sqlx::{QueryBuilder, Sqlite, SqliteConnection, SqlitePool};
use std::collections::HashMap;
use uuid::Uuid;

/// Bound parameters per statement; SQLite allows 32,766.
const MAX_PARAMS: usize = 30_000;
/// Records classified and written per round.
const CHUNK: usize = 5_000;

fn json_ids<'a>(ids: impl Iterator<Item = &'a Uuid>) -> String {
    serde_json::Value::from(ids.map(Uuid::to_string).collect::<Vec<_>>()).to_string()
}

/// Stored placement columns (`municipality_code`, `region_code`,
/// `assignment_method`, `assignment_distance_m`) of a new record.
type PlacementColumns = (Option<String>, Option<String>, Option<String>, Option<f64>);

/// Writes a batch and, in the same transaction, the placements in
/// `assignments` (as [`super::regions::set_location_assignments`] would);
/// returns what happened, how many placements changed and the new data
/// version when anything changed.
pub(super) async fn upsert(
    pool: &SqlitePool,
    source: &SourceInfo,
    facilities: &[Facility],
    assignments: &[LocationAssignment],
) -> StoreResult<(WriteSummary, u64, Option<i64>)> {
    let mut prepared = prepare(source, facilities)?;
    // In id order, new rows append to the primary-key index instead of
    // splitting pages all over it.
    prepared.sort_unstable_by_key(|p| p.facility.id);
    let mut placements: HashMap<Uuid, &LocationAssignment> =
        assignments.iter().map(|a| (a.id.0, a)).collect();
    let mut tx = pool.begin().await?;
    // A write first, so the transaction takes the write lock (and waits for it) at once.
    let source_changed = sqlx::query(include_str!("upsert_source.sql"))
        .bind(&source.key)
        .bind(&source.name)
        .bind(&source.publisher)
        .bind(&source.licence)
        .bind(&source.attribution)
        .bind(&source.url)
        .bind(source.demo)
        .fetch_optional(&mut *tx)
        .await?
        .is_some();
    let mut summary = WriteSummary::default();
    let mut placed = 0;
    for chunk in prepared.chunks(CHUNK) {
        placed += write_chunk(&mut tx, source, chunk, &mut placements, &mut summary).await?;
    }
    // New records were written with their placement; the others (and ids
    // outside this batch) are updated where it differs.
    placed += super::regions::update_assignments(&mut tx, placements.into_values()).await?;
    let version = if source_changed || summary.inserted + summary.updated > 0 || placed > 0 {
        Some(super::bump_data_version(&mut tx).await?)
    } else {
        None
    };
    tx.commit().await?;
    Ok((summary, placed, version))
}

async fn write_chunk(
    conn: &mut SqliteConnection,
    source: &SourceInfo,
    chunk: &[Prepared<'_>],
    placements: &mut HashMap<Uuid, &LocationAssignment>,
    summary: &mut WriteSummary,
) -> StoreResult<u64> {
    let stored: HashMap<String, String> = sqlx::query_as(
        "SELECT id, content_hash FROM locations WHERE id IN (SELECT value FROM json_each($1))",
    )
    .bind(json_ids(chunk.iter().map(|p| &p.facility.id.0)))
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .collect();
    let mut batch = Batch::default();
    let mut changed = Vec::new();
    let mut new_placements = HashMap::new();
    let mut placed = 0;
    for prepared in chunk {
        let id = prepared.facility.id.0;
        match stored.get(&id.to_string()) {
            None => {
                summary.inserted += 1;
                if let Some(assignment) = placements.remove(&id) {
                    let columns = assignment.columns();
                    // Counted as the update would count it against a new row
                    // stored without a placement.
                    let place = &prepared.facility.location;
                    if columns.0.as_deref()
                        != place.municipality.as_ref().map(MunicipalityCode::as_str)
                        || columns.1.as_deref() != place.region.as_ref().map(RegionCode::as_str)
                        || columns.2.is_some()
                    {
                        placed += 1;
                    }
                    new_placements.insert(id, columns);
                }
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
        let ids = json_ids(changed.iter());
        for sql in [
            "DELETE FROM services WHERE location_id IN (SELECT value FROM json_each($1))",
            "DELETE FROM phones WHERE location_id IN (SELECT value FROM json_each($1))",
        ] {
            sqlx::query(sql).bind(&ids).execute(&mut *conn).await?;
        }
    }
    write_batch(conn, &batch, &new_placements).await?;
    Ok(placed)
}

async fn insert_all<'r, T>(
    conn: &mut SqliteConnection,
    head: &'static str,
    tail: &'static str,
    rows: &'r [T],
    columns: usize,
    bind: impl Fn(&mut Separated<'_, 'r, Sqlite, &'static str>, &'r T),
) -> StoreResult<()> {
    for chunk in rows.chunks(MAX_PARAMS / columns) {
        let mut builder = QueryBuilder::<Sqlite>::new(head);
        builder.push_values(chunk, |mut args, row| bind(&mut args, row));
        builder.push(tail);
        builder.build().execute(&mut *conn).await?;
    }
    Ok(())
}

async fn write_batch(
    conn: &mut SqliteConnection,
    batch: &Batch,
    placements: &HashMap<Uuid, PlacementColumns>,
) -> StoreResult<()> {
    write_locations(conn, batch, placements).await?;
    write_children(conn, batch).await
}

async fn write_locations(
    conn: &mut SqliteConnection,
    batch: &Batch,
    placements: &HashMap<Uuid, PlacementColumns>,
) -> StoreResult<()> {
    insert_all(
        conn,
        "INSERT INTO organizations (id, name, url) ",
        " ON CONFLICT (id) DO UPDATE SET name = excluded.name, url = excluded.url",
        &batch.organizations,
        3,
        |args, row| {
            args.push_bind(row.id.hyphenated())
                .push_bind(&row.name)
                .push_bind(&row.url);
        },
    )
    .await?;
    insert_all(
        conn,
        include_str!("insert_locations_head.sql"),
        include_str!("insert_locations_tail.sql"),
        &batch.locations,
        22,
        |args, row| {
            args.push_bind(row.id.hyphenated())
                .push_bind(row.organization_id.hyphenated())
                .push_bind(&row.kind)
                .push_bind(&row.name)
                .push_bind(&row.name_kana)
                .push_bind(&row.address)
                .push_bind(&row.postal_code)
                .push_bind(row.lon)
                .push_bind(row.lat)
                .push_bind(&row.stated_municipality_code);
            let (municipality, region, method, distance_m) = placements.get(&row.id).map_or_else(
                || {
                    (
                        row.municipality_code.clone(),
                        row.region_code.clone(),
                        None,
                        None,
                    )
                },
                Clone::clone,
            );
            args.push_bind(municipality)
                .push_bind(region)
                .push_bind(&row.url)
                .push_bind(&row.status)
                .push_bind(row.closed_on)
                .push_bind(&row.staff_note)
                .push_bind(&row.source_key)
                .push_bind(&row.source_record_id)
                .push_bind(row.imported_at)
                .push_bind(&row.content_hash)
                .push_bind(method)
                // Converted from JSON text as the placement update converts
                // it, so a re-import compares equal to the last bit.
                .push("(")
                .push_bind_unseparated(distance_m.map(|d| serde_json::Value::from(d).to_string()))
                .push_unseparated(" ->> '$')");
        },
    )
    .await
}

async fn write_children(conn: &mut SqliteConnection, batch: &Batch) -> StoreResult<()> {
    insert_all(
        conn,
        "INSERT INTO services (id, organization_id, location_id, position, key, name, service_type, \
         age_min_years, age_max_years, accepting_new_clients, respite_beds, verified_on, verified_by) ",
        "",
        &batch.services,
        13,
        |args, row| {
            args.push_bind(row.id.hyphenated())
                .push_bind(row.organization_id.hyphenated())
                .push_bind(row.location_id.hyphenated())
                .push_bind(row.position)
                .push_bind(&row.key)
                .push_bind(&row.name)
                .push_bind(&row.service_type)
                .push_bind(row.age_min_years)
                .push_bind(row.age_max_years)
                .push_bind(&row.accepting_new_clients)
                .push_bind(row.respite_beds)
                .push_bind(row.verified_on)
                .push_bind(&row.verified_by);
        },
    )
    .await?;
    insert_all(
        conn,
        "INSERT INTO service_at_location (service_id, location_id) ",
        "",
        &batch.services,
        2,
        |args, row| {
            args.push_bind(row.id.hyphenated())
                .push_bind(row.location_id.hyphenated());
        },
    )
    .await?;
    insert_all(
        conn,
        "INSERT INTO phones (location_id, position, number, label, visibility) ",
        "",
        &batch.phones,
        5,
        |args, row| {
            args.push_bind(row.location_id.hyphenated())
                .push_bind(row.position)
                .push_bind(&row.number)
                .push_bind(&row.label)
                .push_bind(&row.visibility);
        },
    )
    .await?;
    insert_all(
        conn,
        "INSERT INTO schedules (service_id, position, byday, opens_at, closes_at, description) ",
        "",
        &batch.schedules,
        6,
        |args, row| {
            args.push_bind(row.service_id.hyphenated())
                .push_bind(row.position)
                .push_bind(&row.byday)
                .push_bind(&row.opens_at)
                .push_bind(&row.closes_at)
                .push_bind(&row.description);
        },
    )
    .await?;
    insert_all(
        conn,
        "INSERT INTO service_capabilities (service_id, position, capability, answer, verified_on, verified_by, \
         staff_note) ",
        "",
        &batch.capabilities,
        7,
        |args, row| {
            args.push_bind(row.service_id.hyphenated())
                .push_bind(row.position)
                .push_bind(&row.capability)
                .push_bind(&row.answer)
                .push_bind(row.verified_on)
                .push_bind(&row.verified_by)
                .push_bind(&row.staff_note);
        },
    )
    .await
}
