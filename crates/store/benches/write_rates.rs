//! Store write rates: 100,000 fictional facilities (each with 1 service, 2
//! phones, 1 schedule and 2 capabilities) written through `upsert_facilities`
//! as one batch, then written again unchanged, then every record changed, then
//! read back with `all_facilities`. Prints rows/s per step for SQLite and,
//! side by side when `DATABASE_URL` or a local PostgreSQL cluster is
//! available (`scripts/with-postgres.sh`), for PostgreSQL, with the SQLite /
//! PostgreSQL ratio per step.
//!
//! Run: `cargo bench -p renkei-store --bench write_rates` (also in
//! `scripts/bench.sh`). `RENKEI_BENCH_N` sets the number of facilities.

#![allow(
    dead_code,
    reason = "the test support module is shared with the tests, which use more of it"
)]

#[path = "../tests/support.rs"]
mod support;

use renkei_store::{DatabaseUrl, OpenOptions, SqliteStore, Store};
use std::time::{Duration, Instant};
use support::{source, synthetic};

/// Facilities written when `RENKEI_BENCH_N` is not set.
const DEFAULT_ROWS: usize = 100_000;

/// Rows per second of each step.
struct Rates {
    insert: f64,
    unchanged: f64,
    update: f64,
    read: f64,
}

impl Rates {
    fn steps(&self) -> [(&'static str, f64); 4] {
        [
            ("insert", self.insert),
            ("re-import unchanged", self.unchanged),
            ("update every record", self.update),
            ("all_facilities", self.read),
        ]
    }
}

fn main() {
    let rows = std::env::var("RENKEI_BENCH_N")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(DEFAULT_ROWS);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = DatabaseUrl::new(dir.path().join("rate.db").to_str().expect("UTF-8 path"));
        let sqlite = SqliteStore::open(&url, &OpenOptions::default())
            .await
            .expect("open SQLite");
        println!("write_rates: {rows} fictional facilities, one batch per step");
        let sqlite_rates = measure(&sqlite, rows).await;
        print_rates("sqlite (file, WAL)", &sqlite_rates);
        let Some(db) = support::postgres().await else {
            println!("postgres: SKIPPED, no DATABASE_URL and no local cluster (run under scripts/with-postgres.sh)");
            return;
        };
        let postgres_rates = measure(&db.store, rows).await;
        db.drop_schema().await;
        print_rates("postgres", &postgres_rates);
        for ((step, sqlite), (_, postgres)) in
            sqlite_rates.steps().into_iter().zip(postgres_rates.steps())
        {
            println!("ratio sqlite/postgres, {step}: {:.2}x", sqlite / postgres);
        }
    });
}

fn print_rates(name: &str, rates: &Rates) {
    println!("{name}:");
    for (step, rate) in rates.steps() {
        println!("  {step:<20} {rate:>9.0} rows/s");
    }
}

async fn measure(store: &dyn Store, rows: usize) -> Rates {
    let src = source("rate");
    let mut batch = synthetic(&src, rows);
    let rate = |d: Duration| rows as f64 / d.as_secs_f64();
    let started = Instant::now();
    let summary = store.upsert_facilities(&src, &batch).await.expect("insert");
    let insert = rate(started.elapsed());
    assert_eq!(summary.inserted, rows as u64);
    let started = Instant::now();
    let summary = store
        .upsert_facilities(&src, &batch)
        .await
        .expect("re-import");
    let unchanged = rate(started.elapsed());
    assert_eq!(summary.unchanged, rows as u64);
    for facility in &mut batch {
        facility.name.push('改');
    }
    let started = Instant::now();
    let summary = store.upsert_facilities(&src, &batch).await.expect("update");
    let update = rate(started.elapsed());
    assert_eq!(summary.updated, rows as u64);
    let started = Instant::now();
    let read = store.all_facilities().await.expect("read").len();
    let read_rate = rate(started.elapsed());
    assert_eq!(read, rows);
    Rates {
        insert,
        unchanged,
        update,
        read: read_rate,
    }
}
