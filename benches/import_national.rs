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
//!   [`BASELINE_ROWS`] records and reported as a rate).
//!
//! Target: at least 50,000 rows/s end to end. Next to the import's wall
//! time it prints the CPU time the process used meanwhile (all threads):
//! CPU well below wall means the machine was busy with other work.
//!
//! Run: `cargo bench --bench import_national` (also in `scripts/bench.sh`).
//! Skips with a message when the files are missing.

use chrono::Utc;
use renkei_ingest::assign;
use renkei_ingest::import::{parse_file, Format, Importer};
use renkei_ingest::run::ImportSession;
use renkei_store::{DatabaseUrl, OpenOptions, SharedStore};
use std::path::PathBuf;
use std::time::Instant;

/// The allocator the `renkei` binary runs with (src/main.rs), so the rates are
/// those of `renkei import`.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The target, rows per second end to end.
const TARGET_ROWS_PER_S: f64 = 50_000.0;
/// Records the row-at-a-time baseline writes.
const BASELINE_ROWS: usize = 2_000;

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

async fn fresh_store(dir: &tempfile::TempDir, name: &str, n03: &std::path::Path) -> SharedStore {
    let path = dir.path().join(name);
    let store = renkei_store::open(
        &DatabaseUrl::new(path.to_str().expect("UTF-8 path")),
        OpenOptions::default(),
    )
    .await
    .expect("open SQLite");
    let boundaries = renkei_ingest::n03::read_n03_file(n03).expect("national N03 parses");
    store
        .replace_boundaries("N03-21_210101.json", &boundaries.municipalities)
        .await
        .expect("store boundaries");
    store
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

    // Baseline: one transaction and one placement update per record.
    let baseline_store = fresh_store(&dir, "baseline.db", n03).await;
    let (name, bytes, format) = &contents[0];
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
    let baseline_rate = records.len() as f64 / started.elapsed().as_secs_f64();

    println!("import_national: {rows} rows from {} national files ({inserted} inserted, {placed} placed in municipalities)", contents.len());
    println!("parse only:       {parse_rate:>9.0} rows/s");
    println!("import sqlite:    {import_rate:>9.0} rows/s ({import_secs:.2} s end to end)");
    if let Some(cpu_s) = import_cpu_s {
        println!("  CPU during import: {cpu_s:.2} s (all threads; wall {import_secs:.2} s)");
    }
    println!("re-import:        {reimport_rate:>9.0} rows/s ({unchanged} unchanged)");
    println!(
        "row at a time:    {baseline_rate:>9.0} rows/s (baseline, first {} records)",
        records.len()
    );
    println!(
        "ratio import/row-at-a-time: {:.1}x",
        import_rate / baseline_rate
    );
    println!("ratio import/parse-only: {:.2}x", import_rate / parse_rate);
    println!(
        "ratio import/target ({TARGET_ROWS_PER_S:.0} rows/s): {:.2}x",
        import_rate / TARGET_ROWS_PER_S
    );
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
