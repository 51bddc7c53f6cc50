//! National scale benchmark (issue 22): every national file of
//! `../shared/data/national/` and the 二次医療圏 tables of all 47 prefectures
//! loaded into a fresh SQLite database the way `renkei fetch --all
//! --source-dir ../shared/data --offline` loads them, then `renkei serve`
//! started on it. Prints:
//!
//! - the load: rows read, facility rows per second (the files' own import
//!   times) and the whole fetch's wall time;
//! - `renkei serve`: seconds from start until it serves, and its resident
//!   memory (RSS) once serving;
//! - the family search at national scale (2 kinds, 2 needs, the 要確認 list,
//!   20 hits, around random stations), in process: p50 and p99 (measured
//!   only; the search is another issue's to speed up);
//! - an estimate for Japan's full official lists at the measured rate.
//!
//! Run: `cargo bench --bench national_scale` (also in `scripts/bench.sh`).
//! Skips with a message when the files are missing.

#[path = "support/memory.rs"]
mod memory;

use renkei_app::import::{fetch, FileOutcome};
use renkei_app::search::{SearchPlace, SearchRequest};
use renkei_core::need::NeedProfile;
use renkei_core::{CapabilityCode, KindCode};
use renkei_ingest::fetch::{FetchOptions, FetchPlan};
use renkei_store::{DatabaseUrl, OpenOptions};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The allocator the `renkei` binary runs with, so rates are those it gets.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Searches timed.
const SEARCHES: usize = 2_000;
/// Japan's full official lists, rows: 医療情報ネット（ナビイ） facilities
/// (about 206,000, issue 22), 介護サービス情報公表 訪問看護 (about 17,958,
/// ../shared/data/SOURCES.md) and WAM NET's offices of every service type
/// (about 159,000, an upper bound for the types renkei lists).
const FULL_LISTS: [(&str, f64); 3] = [
    ("ナビイ 病院・診療所", 206_000.0),
    ("介護 訪問看護", 17_958.0),
    ("WAM NET", 159_000.0),
];
/// Longest wait for `renkei serve` to start.
const SERVE_PATIENCE: Duration = Duration::from_secs(120);

fn main() {
    for needed in [
        "national/N03-21_210101.json",
        "national/visiting_nursing_national.csv",
        "national/wamnet_short_stay_national_202403.csv",
    ] {
        if renkei_testdata::shared_file(needed).is_none() {
            println!("national_scale: SKIPPED, {needed} not found under the shared data folder (set RENKEI_SHARED_DATA)");
            return;
        }
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("national.db");
    let facilities = runtime.block_on(load(&db));
    let (start_s, rss_mb) = serve(&db);
    println!("serve start:      {start_s:>9.2} s until it serves ({facilities} facilities)");
    println!("serve memory:     {rss_mb:>9.0} MB RSS once serving");
    runtime.block_on(search(&db));
}

/// Loads the national files and every region table; returns how many facilities were stored.
async fn load(db: &std::path::Path) -> u64 {
    let store = renkei_store::open(
        &DatabaseUrl::new(db.to_str().expect("UTF-8 path")),
        OpenOptions::default(),
    )
    .await
    .expect("open SQLite");
    let shared = renkei_testdata::shared_data_dir();
    let downloads = tempfile::tempdir().expect("temp dir");
    let options = FetchOptions {
        source_dir: Some(shared.clone()),
        download_dir: downloads.path().to_owned(),
        offline: true,
        ..FetchOptions::default()
    };
    let plan = FetchPlan::national(Some(&shared)).expect("the national plan");
    let started = Instant::now();
    let report = fetch(store.as_ref(), &plan, options, &mut |_: &str| {})
        .await
        .expect("fetch");
    let wall_s = started.elapsed().as_secs_f64();
    let (mut rows, mut import_s) = (0, 0.0);
    for file in &report.files {
        if let Ok(FileOutcome::Facilities(reports)) = &file.result {
            for report in reports {
                rows += report.rows_read;
                import_s += (report.finished_at - report.started_at)
                    .to_std()
                    .map_or(0.0, |d| d.as_secs_f64());
            }
        }
    }
    let rate = rows as f64 / import_s;
    let facilities = store.count_facilities().await.expect("count");
    println!(
        "national_scale: {rows} facility rows from the national files, 47 region tables ({} 二次医療圏), national N03 ({} imported files)",
        store
            .region_tables()
            .await
            .expect("tables")
            .iter()
            .map(|t| t.regions().len())
            .sum::<usize>(),
        report.files.iter().filter(|f| f.result.is_ok()).count(),
    );
    println!("load rows/s:      {rate:>9.0} rows/s ({import_s:.2} s importing the lists; whole fetch {wall_s:.2} s with boundaries and placement)");
    let total: f64 = FULL_LISTS.iter().map(|(_, n)| n).sum();
    println!(
        "estimate full lists: {:.0} rows ({}) in about {:.0} s at {rate:.0} rows/s",
        total,
        FULL_LISTS
            .iter()
            .map(|(name, n)| format!("{name} {n:.0}"))
            .collect::<Vec<_>>()
            .join(" + "),
        total / rate
    );
    facilities
}

/// Starts `renkei serve` on `db`; returns the seconds until it serves and its RSS then, MB.
fn serve(db: &std::path::Path) -> (f64, f64) {
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_renkei"))
        .args([
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--web-dir",
            "no-web-client",
            "--db",
        ])
        .arg(db)
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("renkei serve starts");
    let stderr = child.stderr.take().expect("stderr");
    let (found, serving) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if line.contains("renkei is serving on http://") {
                let _ = found.send(());
            }
        }
    });
    let ready = serving.recv_timeout(SERVE_PATIENCE).is_ok();
    let start_s = started.elapsed().as_secs_f64();
    let rss_mb = memory::rss_mb(&child.id().to_string());
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        ready,
        "renkei serve did not start within {SERVE_PATIENCE:?}"
    );
    (start_s, rss_mb)
}

/// Family searches around the stored stations, in process, on the snapshot `renkei serve` builds.
async fn search(db: &std::path::Path) {
    let store = renkei_store::open(
        &DatabaseUrl::new(db.to_str().expect("UTF-8 path")),
        OpenOptions::default(),
    )
    .await
    .expect("open SQLite");
    let snapshot = renkei_app::startup::prepare(store.as_ref())
        .await
        .expect("snapshot");
    let places: Vec<_> = store
        .all_facilities()
        .await
        .expect("facilities")
        .into_iter()
        .filter_map(|f| f.location.position)
        .collect();
    let profile = NeedProfile {
        kinds: ["visiting_nurse", "welfare_provider"]
            .map(|k| KindCode::new(k).expect("taxonomy kind"))
            .to_vec(),
        needs: ["ventilator", "suctioning"]
            .map(|c| CapabilityCode::new(c).expect("taxonomy capability"))
            .to_vec(),
        ..NeedProfile::default()
    };
    let step = (places.len() / SEARCHES).max(1);
    let mut times: Vec<Duration> = Vec::with_capacity(SEARCHES);
    let mut hits = 0;
    for point in places.iter().step_by(step).take(SEARCHES) {
        let request = SearchRequest {
            place: Some(SearchPlace::Point(*point)),
            profile: profile.clone(),
            include_unknown: true,
            limit: 20,
            ..SearchRequest::default()
        };
        let started = Instant::now();
        let outcome = request.run(&snapshot).expect("search");
        times.push(started.elapsed());
        hits += outcome.page.unknown.len() + outcome.page.confirmed.len();
    }
    times.sort();
    let at = |percent: usize| times[(times.len() * percent).div_ceil(100).max(1) - 1];
    println!(
        "search national:  p50 {:.3} ms, p99 {:.3} ms ({} family searches: 2 kinds, 2 needs, 要確認 list, 20 hits; {hits} hits)",
        at(50).as_secs_f64() * 1e3,
        at(99).as_secs_f64() * 1e3,
        times.len()
    );
}
