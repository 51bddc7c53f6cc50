//! Writing facilities to SQLite: one transaction per batch, multi-row INSERTs.

use crate::rows::{prepare, Batch, Prepared};
use crate::{SourceInfo, StoreResult, WriteSummary};
use renkei_core::Facility;
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

/// Writes a batch; returns what happened and the new data version when anything changed.
pub(super) async fn upsert(
    pool: &SqlitePool,
    source: &SourceInfo,
    facilities: &[Facility],
) -> StoreResult<(WriteSummary, Option<i64>)> {
    let prepared = prepare(source, facilities)?;
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
    for chunk in prepared.chunks(CHUNK) {
        write_chunk(&mut tx, source, chunk, &mut summary).await?;
    }
    let version = if source_changed || summary.inserted + summary.updated > 0 {
        Some(super::bump_data_version(&mut tx).await?)
    } else {
        None
    };
    tx.commit().await?;
    Ok((summary, version))
}

async fn write_chunk(
    conn: &mut SqliteConnection,
    source: &SourceInfo,
    chunk: &[Prepared<'_>],
    summary: &mut WriteSummary,
) -> StoreResult<()> {
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
    for prepared in chunk {
        match stored.get(&prepared.facility.id.0.to_string()) {
            None => summary.inserted += 1,
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
    write_batch(conn, &batch).await
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

async fn write_batch(conn: &mut SqliteConnection, batch: &Batch) -> StoreResult<()> {
    write_locations(conn, batch).await?;
    write_children(conn, batch).await
}

async fn write_locations(conn: &mut SqliteConnection, batch: &Batch) -> StoreResult<()> {
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
        20,
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
                .push_bind(&row.stated_municipality_code)
                .push_bind(&row.municipality_code)
                .push_bind(&row.region_code)
                .push_bind(&row.url)
                .push_bind(&row.status)
                .push_bind(row.closed_on)
                .push_bind(&row.staff_note)
                .push_bind(&row.source_key)
                .push_bind(&row.source_record_id)
                .push_bind(row.imported_at)
                .push_bind(&row.content_hash);
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
