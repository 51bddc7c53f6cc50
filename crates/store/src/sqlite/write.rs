//! Writing facilities to SQLite: multi-row INSERTs built on this thread while
//! SQLite executes the previous one on its own.

use crate::params::StoredIds;
use crate::rows::{
    Batch, CapabilityRow, LocationRow, OrganizationRow, PhoneRow, Prepared, ScheduleRow, ServiceRow,
};
use crate::{LocationAssignment, SourceInfo, StoreError, StoreResult, WriteSummary};
use renkei_core::{MunicipalityCode, RegionCode};
use sqlx::query_builder::Separated;
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};
use std::collections::HashMap;
use std::future::{poll_fn, Future};
use std::pin::pin;
use std::task::Poll;
use uuid::Uuid;

/// Bound parameters per statement; SQLite allows 32,766.
const MAX_PARAMS: usize = 30_000;
/// Records classified and written per round.
const CHUNK: usize = 5_000;
/// Rows per INSERT at most, so each statement's SQL stays short; on the
/// national import this measured the same as the largest statements SQLite
/// takes.
const ROWS_PER_STATEMENT: usize = 500;

/// Stored placement columns (`municipality_code`, `region_code`,
/// `assignment_method`, `assignment_distance_m`) of a new record.
type PlacementColumns = (Option<String>, Option<String>, Option<String>, Option<f64>);

/// Placements per statement: keeps each JSON parameter to a few megabytes.
const ASSIGNMENTS_PER_STATEMENT: usize = 20_000;

/// Writes a batch inside the transaction `conn` (on a connection with
/// foreign-key checks off, see [`super::Dialect::before_bulk_write`]) and the
/// placements in `assignments`; returns what happened to the records and how
/// many placements changed.
pub(super) async fn write_facilities(
    conn: &mut SqliteConnection,
    source: &SourceInfo,
    mut prepared: Vec<Prepared<'_>>,
    assignments: &[LocationAssignment],
) -> StoreResult<(WriteSummary, u64)> {
    // In id order, new rows append to the primary-key index instead of
    // splitting pages all over it.
    prepared.sort_unstable_by_key(|p| p.facility.id);
    let mut placements: HashMap<Uuid, &LocationAssignment> =
        assignments.iter().map(|a| (a.id.0, a)).collect();
    // Ids are derived from the source key, so a source without stored
    // records (a first import) has nothing to compare against.
    let first_import = !sqlx::query_scalar::<_, bool>(
        "SELECT EXISTS (SELECT 1 FROM locations WHERE source_key = $1)",
    )
    .bind(&source.key)
    .fetch_one(&mut *conn)
    .await?;
    let stored = if first_import {
        HashMap::new()
    } else {
        stored_hashes(conn, &prepared).await?
    };
    let mut summary = WriteSummary::default();
    let mut placed = 0;
    let statements = prepared.chunks(CHUNK).flat_map(|chunk| {
        classify(
            source,
            chunk,
            &stored,
            &mut placements,
            &mut summary,
            &mut placed,
        )
        .into_statements()
    });
    execute_pipelined(conn, statements).await?;
    // New records were written with their placement; the others (and ids
    // outside this batch) are updated where it differs.
    let rest: Vec<&LocationAssignment> = placements.into_values().collect();
    placed += update_assignments(conn, rest).await?;
    Ok((summary, placed))
}

/// Writes placements that differ from the stored ones inside the transaction
/// `conn`, many per statement; returns how many changed.
pub(super) async fn update_assignments<'a>(
    conn: &mut SqliteConnection,
    assignments: impl IntoIterator<Item = &'a LocationAssignment>,
) -> StoreResult<u64> {
    let mut changed = 0;
    let mut assignments = assignments.into_iter().peekable();
    while assignments.peek().is_some() {
        let rows: Vec<serde_json::Value> = assignments
            .by_ref()
            .take(ASSIGNMENTS_PER_STATEMENT)
            .map(|assignment| {
                let (municipality, region, method, distance_m) = assignment.columns();
                serde_json::json!([
                    assignment.id.0.hyphenated().to_string(),
                    municipality,
                    region,
                    method,
                    distance_m
                ])
            })
            .collect();
        changed += sqlx::query(include_str!("update_assignments.sql"))
            .bind(serde_json::Value::Array(rows).to_string())
            .execute(&mut *conn)
            .await?
            .rows_affected();
    }
    Ok(changed)
}

/// Content hashes of the stored records among `prepared`, by id (hyphenated
/// text). They cross from SQLite's thread as one JSON object rather than a
/// row per record (see `json_rows.rs`): on a re-import every record is stored.
async fn stored_hashes(
    conn: &mut SqliteConnection,
    prepared: &[Prepared<'_>],
) -> StoreResult<HashMap<String, String>> {
    let hashes: String = sqlx::query_scalar(
        "SELECT json_group_object(id, content_hash) FROM locations \
         WHERE id IN (SELECT value FROM json_each($1))",
    )
    .bind(StoredIds(
        prepared.iter().map(|p| p.facility.id.0).collect(),
    ))
    .fetch_one(&mut *conn)
    .await?;
    serde_json::from_str(&hashes).map_err(|e| StoreError::Corrupt {
        entity: "location",
        key: "content hashes".to_owned(),
        reason: e.to_string(),
    })
}

/// The rows one chunk writes: its new and changed records.
struct ChunkRows {
    batch: Batch,
    /// Records whose children are replaced.
    changed: Vec<Uuid>,
    /// Placements of the new records, written with them.
    placements: HashMap<Uuid, PlacementColumns>,
}

/// Sorts the records of `chunk` into new, changed and unchanged (`stored`
/// holds the content hashes of the stored ones), counting them in `summary`
/// and the placements new records change in `placed`.
fn classify(
    source: &SourceInfo,
    chunk: &[Prepared<'_>],
    stored: &HashMap<String, String>,
    placements: &mut HashMap<Uuid, &LocationAssignment>,
    summary: &mut WriteSummary,
    placed: &mut u64,
) -> ChunkRows {
    let mut rows = ChunkRows {
        batch: Batch::default(),
        changed: Vec::new(),
        placements: HashMap::new(),
    };
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
                        *placed += 1;
                    }
                    rows.placements.insert(id, columns);
                }
            }
            Some(hash) if *hash == prepared.content_hash => {
                summary.unchanged += 1;
                continue;
            }
            Some(_) => {
                summary.updated += 1;
                rows.changed.push(id);
            }
        }
        rows.batch.push(source, prepared);
    }
    rows
}

/// Runs `statements` in order on `conn`. SQLite executes a statement on the
/// connection's own thread, so this thread builds the next statement (and
/// classifies the next chunk) meanwhile instead of waiting.
async fn execute_pipelined(
    conn: &mut SqliteConnection,
    mut statements: impl Iterator<Item = QueryBuilder<'static, Sqlite>>,
) -> StoreResult<()> {
    let Some(mut current) = statements.next() else {
        return Ok(());
    };
    loop {
        let next = {
            let mut running = pin!(current.build().execute(&mut *conn));
            // The first poll hands the statement to the connection's thread …
            let started = poll_fn(|cx| Poll::Ready(running.as_mut().poll(cx))).await;
            // … which executes it while this one builds the next.
            let next = statements.next();
            match started {
                Poll::Ready(result) => result?,
                Poll::Pending => running.await?,
            };
            next
        };
        match next {
            Some(statement) => current = statement,
            None => return Ok(()),
        }
    }
}

/// Multi-row INSERTs of `rows`, `head VALUES (…), (…) tail`, built one at a
/// time as the iterator is advanced; `bind` binds one row (owned values, so a
/// statement does not borrow the rows and needs no copy to reach SQLite's thread).
fn inserts<T: 'static>(
    head: &'static str,
    tail: &'static str,
    rows: Vec<T>,
    columns: usize,
    mut bind: impl FnMut(&mut Separated<'_, 'static, Sqlite, &'static str>, T) + 'static,
) -> impl Iterator<Item = QueryBuilder<'static, Sqlite>> {
    let per_statement = (MAX_PARAMS / columns).min(ROWS_PER_STATEMENT);
    let mut rows = rows.into_iter().peekable();
    std::iter::from_fn(move || {
        rows.peek()?;
        let mut builder = QueryBuilder::new(head);
        builder.push_values(rows.by_ref().take(per_statement), |mut args, row| {
            bind(&mut args, row);
        });
        builder.push(tail);
        Some(builder)
    })
}

/// A statement with one bound parameter, `head ? tail`.
fn with_json_ids(head: &str, ids: &[Uuid], tail: &'static str) -> QueryBuilder<'static, Sqlite> {
    let mut builder = QueryBuilder::new(head);
    builder.push_bind(StoredIds::json(ids)).push(tail);
    builder
}

impl ChunkRows {
    /// The statements writing these rows, in order: children of changed
    /// records removed, then every table parent first.
    fn into_statements(self) -> impl Iterator<Item = QueryBuilder<'static, Sqlite>> {
        let Self {
            batch,
            changed,
            placements,
        } = self;
        // Children of changed records are replaced. Written with foreign-key
        // checks off, so nothing cascades: every child table is cleared here,
        // grandchildren before the services they hang off.
        let deletes = if changed.is_empty() {
            Vec::new()
        } else {
            let of_changed_services = |table: &str| {
                with_json_ids(
                    &format!(
                        "DELETE FROM {table} WHERE service_id IN (SELECT id FROM services \
                         WHERE location_id IN (SELECT value FROM json_each("
                    ),
                    &changed,
                    ")))",
                )
            };
            let of_changed_locations = |table: &str| {
                with_json_ids(
                    &format!(
                        "DELETE FROM {table} WHERE location_id IN (SELECT value FROM json_each("
                    ),
                    &changed,
                    "))",
                )
            };
            vec![
                of_changed_services("service_capabilities"),
                of_changed_services("schedules"),
                of_changed_services("service_at_location"),
                of_changed_locations("services"),
                of_changed_locations("phones"),
            ]
        };
        let service_links: Vec<(Uuid, Uuid)> = batch
            .services
            .iter()
            .map(|s| (s.id, s.location_id))
            .collect();
        deletes
            .into_iter()
            .chain(organizations(batch.organizations))
            .chain(locations(batch.locations, placements))
            .chain(services(batch.services))
            .chain(inserts(
                "INSERT INTO service_at_location (service_id, location_id) ",
                "",
                service_links,
                2,
                |args, (service, location)| {
                    args.push_bind(service.hyphenated())
                        .push_bind(location.hyphenated());
                },
            ))
            .chain(phones(batch.phones))
            .chain(schedules(batch.schedules))
            .chain(capabilities(batch.capabilities))
    }
}

fn organizations(
    rows: Vec<OrganizationRow>,
) -> impl Iterator<Item = QueryBuilder<'static, Sqlite>> {
    inserts(
        "INSERT INTO organizations (id, name, url) ",
        " ON CONFLICT (id) DO UPDATE SET name = excluded.name, url = excluded.url",
        rows,
        3,
        |args, row| {
            args.push_bind(row.id.hyphenated())
                .push_bind(row.name)
                .push_bind(row.url);
        },
    )
}

fn locations(
    rows: Vec<LocationRow>,
    placements: HashMap<Uuid, PlacementColumns>,
) -> impl Iterator<Item = QueryBuilder<'static, Sqlite>> {
    inserts(
        include_str!("insert_locations_head.sql"),
        include_str!("../sql/upsert_locations_tail.sql"),
        rows,
        22,
        move |args, row| {
            let (municipality, region, method, distance_m) = placements
                .get(&row.id)
                .cloned()
                .unwrap_or((row.municipality_code, row.region_code, None, None));
            args.push_bind(row.id.hyphenated())
                .push_bind(row.organization_id.hyphenated())
                .push_bind(row.kind)
                .push_bind(row.name)
                .push_bind(row.name_kana)
                .push_bind(row.address)
                .push_bind(row.postal_code)
                .push_bind(row.lon)
                .push_bind(row.lat)
                .push_bind(row.stated_municipality_code)
                .push_bind(municipality)
                .push_bind(region)
                .push_bind(row.url)
                .push_bind(row.status)
                .push_bind(row.closed_on)
                .push_bind(row.staff_note)
                .push_bind(row.source_key)
                .push_bind(row.source_record_id)
                .push_bind(row.imported_at)
                .push_bind(row.content_hash)
                .push_bind(method)
                // Converted from JSON text as the placement update converts
                // it, so a re-import compares equal to the last bit.
                .push("(")
                .push_bind_unseparated(distance_m.map(|d| serde_json::Value::from(d).to_string()))
                .push_unseparated(" ->> '$')");
        },
    )
}

fn services(rows: Vec<ServiceRow>) -> impl Iterator<Item = QueryBuilder<'static, Sqlite>> {
    inserts(
        "INSERT INTO services (id, organization_id, location_id, position, key, name, service_type, \
         age_min_years, age_max_years, accepting_new_clients, respite_beds, verified_on, verified_by) ",
        "",
        rows,
        13,
        |args, row| {
            args.push_bind(row.id.hyphenated())
                .push_bind(row.organization_id.hyphenated())
                .push_bind(row.location_id.hyphenated())
                .push_bind(row.position)
                .push_bind(row.key)
                .push_bind(row.name)
                .push_bind(row.service_type)
                .push_bind(row.age_min_years)
                .push_bind(row.age_max_years)
                .push_bind(row.accepting_new_clients)
                .push_bind(row.respite_beds)
                .push_bind(row.verified_on)
                .push_bind(row.verified_by);
        },
    )
}

fn phones(rows: Vec<PhoneRow>) -> impl Iterator<Item = QueryBuilder<'static, Sqlite>> {
    inserts(
        "INSERT INTO phones (location_id, position, number, label, visibility) ",
        "",
        rows,
        5,
        |args, row| {
            args.push_bind(row.location_id.hyphenated())
                .push_bind(row.position)
                .push_bind(row.number)
                .push_bind(row.label)
                .push_bind(row.visibility);
        },
    )
}

fn schedules(rows: Vec<ScheduleRow>) -> impl Iterator<Item = QueryBuilder<'static, Sqlite>> {
    inserts(
        "INSERT INTO schedules (service_id, position, byday, opens_at, closes_at, description) ",
        "",
        rows,
        6,
        |args, row| {
            args.push_bind(row.service_id.hyphenated())
                .push_bind(row.position)
                .push_bind(row.byday)
                .push_bind(row.opens_at)
                .push_bind(row.closes_at)
                .push_bind(row.description);
        },
    )
}

fn capabilities(rows: Vec<CapabilityRow>) -> impl Iterator<Item = QueryBuilder<'static, Sqlite>> {
    inserts(
        "INSERT INTO service_capabilities (service_id, position, capability, answer, verified_on, verified_by, \
         staff_note) ",
        "",
        rows,
        7,
        |args, row| {
            args.push_bind(row.service_id.hyphenated())
                .push_bind(row.position)
                .push_bind(row.capability)
                .push_bind(row.answer)
                .push_bind(row.verified_on)
                .push_bind(row.verified_by)
                .push_bind(row.staff_note);
        },
    )
}
