//! National import benchmark (issue 5): the national open-data files in
//! `../shared/data/national/` imported end to end into a fresh SQLite
//! database — read, decode, parse, check, place in municipalities (the
//! national N03 boundaries are stored first), write and commit — printing
//! rows per second.
//!
//! Side by side, on the same machine and data:
//! - **parse only**: decoding and parsing without any writing, the ceiling;
//! - **re-import**: the same files again (every record unchanged);
//! - **row at a time**: the baseline a naive importer gives, one transaction
//!   and one placement update per record (run on the first
//!   [`BASELINE_ROWS`] records and reported as a rate);
//! - **SQLite floor**: the rows the import wrote, copied table by table into
//!   another fresh database inside SQLite (`INSERT … SELECT`, foreign-key
//!   checks off as the importer writes, one transaction and its commit). No
//!   reading, parsing, checking, hashing or binding: the fastest any importer
//!   could write this schema on this machine, so `import/SQLite floor` says
//!   how much of the import is the importer's own overhead, and
//!   `SQLite floor/target` whether the target is within reach at all.
//!
//! - **PostgreSQL** (with `DATABASE_URL`, e.g. under
//!   `scripts/with-postgres.sh`): the same import into a fresh database,
//!   bulk loaded through `COPY`, as a ratio to SQLite's rate in this run.
//!
//! Targets (issue 22): import ≥ 0.6× the SQLite floor printed in the same
//! run, PostgreSQL ≥ 1× SQLite. Next to the import's wall time it prints the
//! CPU time the process used meanwhile (all threads): CPU well below wall
//! means the machine was busy with other work.
//!
//! Run: `cargo bench --bench import_national`, or
//! `scripts/with-postgres.sh cargo bench --bench import_national` (also in
//! `scripts/bench.sh`). Skips with a message when the files are missing.

use chrono::Utc;
use renkei_ingest::assign;
use renkei_ingest::import::{parse_file, Format, Importer};
use renkei_ingest::run::ImportSession;
use renkei_store::{DatabaseUrl, OpenOptions, SharedStore};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::{ConnectOptions, Connection};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The allocator the `renkei` binary runs with (src/main.rs), so the rates are
/// those of `renkei import`.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The target, rows per second end to end.
const TARGET_ROWS_PER_S: f64 = 50_000.0;
/// Issue 22's target: the import at least this share of the SQLite floor.
const TARGET_FLOOR_SHARE: f64 = 0.6;
/// Records the row-at-a-time baseline writes.
const BASELINE_ROWS: usize = 2_000;
/// Copies timed for the SQLite floor; the median is reported.
const FLOOR_RUNS: usize = 3;
/// The directory tables an import writes, parents first.
const DIRECTORY_TABLES: [&str; 8] = [
    "sources",
    "organizations",
    "locations",
    "services",
    "service_at_location",
    "phones",
    "schedules",
    "service_capabilities",
];

fn main() {
    let files = [
        (
            "national/visiting_nursing_national.csv",
            Format::Official(Importer::Kaigo),
        ),
        (
            "national/wamnet_short_stay_national_202403.csv",
            Format::Official(Importer::Wamnet),
        ),
    ];
    let mut inputs: Vec<(Format, PathBuf)> = Vec::new();
    for (relative, format) in files {
        let Some(path) = renkei_testdata::shared_file(relative) else {
            println!("import_national: SKIPPED, {relative} not found under the shared data folder (set RENKEI_SHARED_DATA)");
            return;
        };
        inputs.push((format, path));
    }
    let Some(n03) = renkei_testdata::shared_file("national/N03-21_210101.json") else {
        println!("import_national: SKIPPED, national/N03-21_210101.json not found");
        return;
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(run(&inputs, &n03));
}

/// A new, migrated SQLite store in the file `name` of `dir`, and its path.
async fn migrated_store(dir: &tempfile::TempDir, name: &str) -> (SharedStore, PathBuf) {
    let path = dir.path().join(name);
    let store = renkei_store::open(
        &DatabaseUrl::new(path.to_str().expect("UTF-8 path")),
        OpenOptions::default(),
    )
    .await
    .expect("open SQLite");
    (store, path)
}

async fn fresh_store(dir: &tempfile::TempDir, name: &str, n03: &std::path::Path) -> SharedStore {
    let (store, _) = migrated_store(dir, name).await;
    store_boundaries(&store, n03).await;
    store
}

/// Stores the national boundaries, as an import finds them.
async fn store_boundaries(store: &SharedStore, n03: &std::path::Path) {
    let boundaries = renkei_ingest::n03::read_n03_file(n03).expect("national N03 parses");
    store
        .replace_boundaries("N03-21_210101.json", &boundaries.municipalities)
        .await
        .expect("store boundaries");
}

/// Imports `inputs` end to end into `store` as `renkei import` does; returns
/// the rows read and the seconds it took.
async fn import_all(store: &SharedStore, inputs: &[(Format, PathBuf)]) -> (usize, u64, f64) {
    let started = Instant::now();
    let mut session = ImportSession::new(store.as_ref());
    let (mut rows, mut inserted) = (0, 0);
    for report in session.import_paths(inputs, |_| {}).await.expect("imports") {
        rows += report.rows_read;
        inserted += report.written.inserted;
    }
    (rows, inserted, started.elapsed().as_secs_f64())
}

async fn run(inputs: &[(Format, PathBuf)], n03: &std::path::Path) {
    let dir = tempfile::tempdir().expect("temp dir");
    let contents: Vec<(String, Vec<u8>, &Format)> = inputs
        .iter()
        .map(|(format, path)| {
            let bytes = std::fs::read(path).expect("readable input");
            (path.display().to_string(), bytes, format)
        })
        .collect();

    // Parse only: the ceiling.
    let started = Instant::now();
    let mut parsed_rows = 0;
    for (name, bytes, format) in &contents {
        for file in parse_file(format, name, bytes, Utc::now()).expect("parses") {
            parsed_rows += file.rows_read;
        }
    }
    let parse_rate = parsed_rows as f64 / started.elapsed().as_secs_f64();

    // End to end into a fresh database (boundaries already stored).
    let store = fresh_store(&dir, "import.db", n03).await;
    let cpu_before = process_cpu_s();
    let started = Instant::now();
    let mut session = ImportSession::new(store.as_ref());
    let mut rows = 0;
    let mut inserted = 0;
    let mut placed = 0;
    // As `renkei import` does: the next file is parsed while one is written.
    for report in session.import_paths(inputs, |_| {}).await.expect("imports") {
        rows += report.rows_read;
        inserted += report.written.inserted;
        placed += report.placement.positioned;
    }
    let import_secs = started.elapsed().as_secs_f64();
    let import_rate = rows as f64 / import_secs;
    let import_cpu_s = process_cpu_s()
        .zip(cpu_before)
        .map(|(after, before)| after - before);

    // Again: every record unchanged.
    let started = Instant::now();
    let mut session = ImportSession::new(store.as_ref());
    let unchanged: u64 = session
        .import_paths(inputs, |_| {})
        .await
        .expect("imports")
        .iter()
        .map(|report| report.written.unchanged)
        .sum();
    let reimport_rate = rows as f64 / started.elapsed().as_secs_f64();

    // SQLite's floor: the same rows copied inside SQLite into fresh files.
    let imported_db = dir.path().join("import.db");
    let floor_secs = median_floor_secs(&dir, &imported_db, &DIRECTORY_TABLES).await;
    let floor_rate = rows as f64 / floor_secs;
    // How much of it the child rows (services, links, phones, schedules) are:
    // what one row per facility (children folded into it) could save.
    let parents_secs = median_floor_secs(&dir, &imported_db, &DIRECTORY_TABLES[..3]).await;

    let (baseline_rate, baseline_records) = row_at_a_time(&dir, n03, &contents[0]).await;

    println!("import_national: {rows} rows from {} national files ({inserted} inserted, {placed} placed in municipalities)", contents.len());
    println!("parse only:       {parse_rate:>9.0} rows/s");
    println!("import sqlite:    {import_rate:>9.0} rows/s ({import_secs:.2} s end to end)");
    if let Some(cpu_s) = import_cpu_s {
        println!("  CPU during import: {cpu_s:.2} s (all threads; wall {import_secs:.2} s)");
    }
    println!("re-import:        {reimport_rate:>9.0} rows/s ({unchanged} unchanged)");
    println!(
        "SQLite floor:     {floor_rate:>9.0} rows/s ({floor_secs:.2} s, median of {FLOOR_RUNS}: INSERT … SELECT of the same rows, no parsing or binding)"
    );
    println!(
        "  of which sources, organizations and locations: {parents_secs:.2} s ({:.0} %; the rest is the child rows one row per facility would fold in)",
        100.0 * parents_secs / floor_secs
    );
    println!(
        "row at a time:    {baseline_rate:>9.0} rows/s (baseline, first {baseline_records} records)"
    );
    println!(
        "ratio import/row-at-a-time: {:.1}x",
        import_rate / baseline_rate
    );
    println!("ratio import/parse-only: {:.2}x", import_rate / parse_rate);
    println!(
        "ratio import/SQLite floor: {:.2}x (target {TARGET_FLOOR_SHARE}x)",
        import_rate / floor_rate
    );
    println!(
        "ratio SQLite floor/target ({TARGET_ROWS_PER_S:.0} rows/s): {:.2}x",
        floor_rate / TARGET_ROWS_PER_S
    );
    println!(
        "ratio import/target ({TARGET_ROWS_PER_S:.0} rows/s): {:.2}x",
        import_rate / TARGET_ROWS_PER_S
    );

    postgres(inputs, n03, (rows, inserted), import_rate).await;
}

/// The same import into a fresh PostgreSQL database (COPY for new records),
/// when `DATABASE_URL` names a server; prints its rate and its ratio to
/// SQLite's (`sqlite_rate`), after checking it read and inserted `expected`.
async fn postgres(
    inputs: &[(Format, PathBuf)],
    n03: &Path,
    expected: (usize, u64),
    sqlite_rate: f64,
) {
    let Some(db) = renkei_testdata::postgres::fresh_database().await else {
        return;
    };
    let store = renkei_store::open(&DatabaseUrl::new(db.url()), OpenOptions::default())
        .await
        .expect("open PostgreSQL");
    store_boundaries(&store, n03).await;
    let (rows, inserted, secs) = import_all(&store, inputs).await;
    assert_eq!((rows, inserted), expected, "both backends import the same");
    let rate = rows as f64 / secs;
    println!("import postgres:  {rate:>9.0} rows/s ({secs:.2} s end to end, COPY)");
    println!(
        "ratio import postgres/sqlite: {:.2}x (target 1x)",
        rate / sqlite_rate
    );
    drop(store);
    db.drop_now().await;
}

/// The baseline: the first [`BASELINE_ROWS`] records of one parsed file
/// written one transaction and one placement update per record into a fresh
/// store; returns records per second and how many were written.
async fn row_at_a_time(
    dir: &tempfile::TempDir,
    n03: &Path,
    (name, bytes, format): &(String, Vec<u8>, &Format),
) -> (f64, usize) {
    let baseline_store = fresh_store(dir, "baseline.db", n03).await;
    let file = parse_file(format, name, bytes, Utc::now())
        .expect("parses")
        .remove(0);
    let municipalities = baseline_store.municipalities().await.expect("boundaries");
    let index = renkei_core::region::BoundaryIndex::new(municipalities, &[]);
    let mut records: Vec<_> = file.facilities.into_iter().take(BASELINE_ROWS).collect();
    let started = Instant::now();
    for record in &mut records {
        let (_, assignments) = assign::place_facilities(&index, std::slice::from_mut(record));
        baseline_store
            .upsert_facilities(&file.source, std::slice::from_ref(record))
            .await
            .expect("write");
        baseline_store
            .set_location_assignments(&assignments)
            .await
            .expect("place");
    }
    (
        records.len() as f64 / started.elapsed().as_secs_f64(),
        records.len(),
    )
}

/// The median of [`FLOOR_RUNS`] timings of [`sqlite_floor`] of `tables`,
/// each into a fresh file.
async fn median_floor_secs(dir: &tempfile::TempDir, imported: &Path, tables: &[&str]) -> f64 {
    static COPIES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let mut secs = Vec::with_capacity(FLOOR_RUNS);
    for _ in 0..FLOOR_RUNS {
        let copy = COPIES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        secs.push(sqlite_floor(dir, &format!("floor-{copy}.db"), imported, tables).await);
    }
    secs.sort_by(f64::total_cmp);
    secs[FLOOR_RUNS / 2]
}

/// Seconds SQLite takes to copy `tables` (directory tables, parents first)
/// of the database at `imported` into a fresh store `name` (schema from the
/// migrations, the store's own page size and cache) in one transaction, rows
/// in the order the import wrote them, foreign-key checks off as the importer
/// writes: the B-tree, page and commit work of the import without any of
/// renkei's.
async fn sqlite_floor(
    dir: &tempfile::TempDir,
    name: &str,
    imported: &Path,
    tables: &[&str],
) -> f64 {
    let (store, path) = migrated_store(dir, name).await;
    drop(store);
    // The pragmas the store's connections use (crates/store/src/sqlite/mod.rs).
    let mut conn = SqliteConnectOptions::new()
        .filename(&path)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .pragma("cache_size", "-65536")
        .pragma("temp_store", "memory")
        .foreign_keys(false)
        .connect()
        .await
        .expect("connect to the floor database");
    sqlx::query("ATTACH DATABASE ? AS imported")
        .bind(imported.to_str().expect("UTF-8 path"))
        .execute(&mut conn)
        .await
        .expect("attach the imported database");
    sqlx::query("PRAGMA imported.cache_size = -65536")
        .execute(&mut conn)
        .await
        .expect("cache for the imported database");
    // Read once first, so that the copy is not timed reading from disk.
    for table in tables {
        sqlx::query(&format!(
            "SELECT count(*), sum(length(quote(t.rowid))) FROM imported.{table} AS t"
        ))
        .fetch_one(&mut conn)
        .await
        .expect("read the imported table");
    }
    let started = Instant::now();
    let mut tx = conn.begin().await.expect("begin");
    for table in tables {
        sqlx::query(&format!(
            "INSERT INTO main.{table} SELECT * FROM imported.{table} ORDER BY rowid"
        ))
        .execute(&mut *tx)
        .await
        .expect("copy the table");
    }
    tx.commit().await.expect("commit");
    let secs = started.elapsed().as_secs_f64();
    let (copied, imported_count): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM main.locations), (SELECT count(*) FROM imported.locations)",
    )
    .fetch_one(&mut conn)
    .await
    .expect("count the copies");
    assert_eq!(copied, imported_count, "the floor copies every record");
    conn.close().await.expect("close");
    secs
}

/// CPU time this process has used so far, in seconds (user + system, all
/// threads; Linux `/proc/self/stat`, 10 ms resolution); `None` elsewhere.
/// Next to the wall time it shows how much of an import ran in parallel and
/// whether other work on the machine slowed the run down.
fn process_cpu_s() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the parenthesised command name; utime and stime are the
    // 12th and 13th of them, in clock ticks (100 per second on Linux).
    let fields: Vec<&str> = stat.get(stat.rfind(')')? + 2..)?.split(' ').collect();
    let ticks = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}
