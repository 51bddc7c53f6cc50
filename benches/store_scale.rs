//! Store scale benchmark (issue 10): import and nearest-facility search at
//! 1,000,000 locations, SQLite against PostgreSQL + PostGIS, with the
//! in-memory R-tree index beside them. Prints rows/s, queries/s and ratios.
//!
//! Run: `scripts/bench.sh`, or
//! `scripts/with-postgres.sh cargo bench --bench store_scale` (without
//! `DATABASE_URL` only SQLite and the in-memory index run). `RENKEI_BENCH_N`
//! sets the number of locations (default 1,000,000) for a quick run.
//!
//! Input: the real positions of the national visiting-nurse (訪問看護) and
//! short-stay (短期入所) files in `../shared/data/national/`, each copied many
//! times with a deterministic jitter of up to ±0.02° (about 2 km). Skips with a
//! message when the files are missing.

#[path = "support/synthetic.rs"]
mod synthetic;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use renkei_core::directory_index::DirectoryIndex;
use renkei_core::need::NeedProfile;
use renkei_core::position::MEAN_EARTH_RADIUS_M;
use renkei_core::search::SearchQuery;
use renkei_core::{Facility, KindCode, LonLat};
use renkei_store::{DatabaseUrl, OpenOptions, SourceInfo, Store};
use std::path::Path;
use std::time::{Duration, Instant};
use synthetic::{generate, jitter, read_seeds, Seed, SOURCE};

/// Locations imported when `RENKEI_BENCH_N` is not set.
const DEFAULT_N: usize = 1_000_000;
/// Facilities per `upsert_facilities` call (one transaction each), as an importer would.
const BATCH: usize = 50_000;
/// Facilities asked for per search.
const K: usize = 20;
/// Longest time one search backend runs its queries.
const SEARCH_BUDGET: Duration = Duration::from_secs(20);
/// Search queries prepared (each backend runs as many as its budget allows).
const QUERIES: usize = 20_000;

/// Kind codes of the two files: 訪問看護 stations and 短期入所 (a disability-welfare service).
const KINDS: [&str; 2] = ["visiting_nurse", "welfare_provider"];

fn main() {
    let n = synthetic::bench_n(DEFAULT_N);
    let Some(seeds) = read_seeds() else {
        return;
    };
    println!(
        "store_scale: {n} locations jittered from {} real national positions",
        seeds.len()
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(run(n, &seeds));
}

async fn run(n: usize, seeds: &[Seed]) {
    let facilities: Vec<Facility> = generate(n, seeds, &KINDS, |_, seed_kind| seed_kind);
    let source = source();

    // Import.
    let dir = tempfile::tempdir().expect("temp dir");
    let sqlite_path = dir.path().join("bench.db");
    let sqlite = renkei_store::open(
        &DatabaseUrl::new(sqlite_path.to_str().expect("UTF-8 path")),
        OpenOptions::default(),
    )
    .await
    .expect("open SQLite");
    let sqlite_rate = import(sqlite.as_ref(), &source, &facilities).await;
    println!("import sqlite:   {sqlite_rate:>9.0} rows/s");
    let postgres = match renkei_testdata::postgres::fresh_database().await {
        Some(db) => {
            let store = renkei_store::open(&DatabaseUrl::new(db.url()), OpenOptions::default())
                .await
                .expect("open PostgreSQL");
            let rate = import(store.as_ref(), &source, &facilities).await;
            println!("import postgres: {rate:>9.0} rows/s");
            println!(
                "ratio import postgres/sqlite: {:.2}x ({n} locations)",
                rate / sqlite_rate
            );
            Some((db, rate))
        }
        None => None,
    };

    // Search.
    let started = Instant::now();
    let index = DirectoryIndex::build(facilities, 1);
    println!(
        "in-memory index of {} facilities built in {:.1} s",
        index.len(),
        started.elapsed().as_secs_f64()
    );
    let queries = make_queries(seeds);
    let memory = search_memory(&index, &queries);
    report("in-memory search", &memory);
    let sqlite_search = search_sqlite(&sqlite_path, &queries, &memory.answers).await;
    report("SQLite bbox scan", &sqlite_search);
    println!(
        "ratio search in-memory/sqlite: {:.0}x",
        memory.per_s() / sqlite_search.per_s()
    );
    if let Some((db, _)) = postgres {
        let postgis = search_postgis(&db.url(), &queries, &memory.answers).await;
        report("PostGIS <-> GIST", &postgis);
        println!(
            "ratio search postgis/sqlite: {:.1}x; in-memory/postgis: {:.0}x",
            postgis.per_s() / sqlite_search.per_s(),
            memory.per_s() / postgis.per_s()
        );
        db.drop_now().await;
    }
}

fn source() -> SourceInfo {
    SourceInfo {
        key: SOURCE.to_owned(),
        name: "ベンチマーク用の架空データ".to_owned(),
        publisher: "renkei bench".to_owned(),
        licence: "CC0 1.0".to_owned(),
        attribution: "架空データ".to_owned(),
        url: None,
        demo: true,
    }
}

/// Imports `facilities` in batches; rows per second.
async fn import(store: &dyn Store, source: &SourceInfo, facilities: &[Facility]) -> f64 {
    let started = Instant::now();
    let mut inserted = 0;
    for batch in facilities.chunks(BATCH) {
        inserted += store
            .upsert_facilities(source, batch)
            .await
            .expect("import batch")
            .inserted;
    }
    assert_eq!(inserted, facilities.len() as u64);
    facilities.len() as f64 / started.elapsed().as_secs_f64()
}

/// A search: the `K` nearest facilities of one kind to a point.
struct Query {
    point: LonLat,
    kind: usize,
}

fn make_queries(seeds: &[Seed]) -> Vec<Query> {
    let mut rng = StdRng::seed_from_u64(11);
    (0..QUERIES)
        .map(|i| {
            let seed = seeds[rng.gen_range(0..seeds.len())];
            Query {
                point: jitter(&mut rng, seed.position),
                kind: i % KINDS.len(),
            }
        })
        .collect()
}

/// Queries run, time taken, and the distances (metres) each answer found.
struct Searched {
    queries: usize,
    elapsed: Duration,
    answers: Vec<Vec<f64>>,
    /// Share of the in-memory answer's facilities (by distance) also found.
    agreement: f64,
}

impl Searched {
    fn per_s(&self) -> f64 {
        self.queries as f64 / self.elapsed.as_secs_f64()
    }
}

fn report(name: &str, searched: &Searched) {
    println!(
        "search {name:<18} {:>10.1} queries/s ({} queries of {K} nearest with a kind filter; {:.1}% of the exact answer)",
        searched.per_s(),
        searched.queries,
        searched.agreement * 100.0
    );
}

/// The in-memory referral search ([`DirectoryIndex::search`]) with the kind
/// filter, no radius and no totals: the `K` nearest, as the databases answer.
fn search_memory(index: &DirectoryIndex, queries: &[Query]) -> Searched {
    let filters = KINDS.map(|k| SearchQuery {
        radius_m: f64::INFINITY,
        profile: NeedProfile {
            kinds: vec![KindCode::new(k).expect("kind")],
            ..NeedProfile::default()
        },
        limit: K,
        count_totals: false,
        ..SearchQuery::default()
    });
    let started = Instant::now();
    let answers: Vec<Vec<f64>> = queries
        .iter()
        .map(|q| {
            let query = SearchQuery {
                origin: Some(q.point),
                ..filters[q.kind].clone()
            };
            index
                .search(&query)
                .confirmed
                .into_iter()
                .filter_map(|hit| hit.distance_m)
                .collect()
        })
        .collect();
    Searched {
        queries: queries.len(),
        elapsed: started.elapsed(),
        answers,
        agreement: 1.0,
    }
}

/// Share of `expected`'s distances found in `found` (both ascending), within 1 cm.
fn agreement(found: &[f64], expected: &[f64]) -> f64 {
    let hits = expected
        .iter()
        .filter(|e| found.iter().any(|f| (f - *e).abs() < 0.01))
        .count();
    hits as f64 / expected.len().max(1) as f64
}

/// Runs `queries` through `one` until they run out or the budget is spent.
async fn search_with<F, Fut>(queries: &[Query], expected: &[Vec<f64>], mut one: F) -> Searched
where
    F: FnMut(&Query) -> Fut,
    Fut: std::future::Future<Output = Vec<LonLat>>,
{
    let started = Instant::now();
    let mut answers = Vec::new();
    let mut agreed = 0.0;
    for query in queries {
        let mut distances: Vec<f64> = one(query)
            .await
            .into_iter()
            .map(|p| query.point.distance_m(p))
            .collect();
        distances.sort_by(f64::total_cmp);
        agreed += agreement(&distances, &expected[answers.len()]);
        answers.push(distances);
        if started.elapsed() >= SEARCH_BUDGET {
            break;
        }
    }
    Searched {
        queries: answers.len(),
        elapsed: started.elapsed(),
        agreement: agreed / answers.len().max(1) as f64,
        answers,
    }
}

/// SQLite has no spatial index: grow a bounding box around the point until
/// the `K`-th nearest candidate lies inside the circle the box contains.
async fn search_sqlite(path: &Path, queries: &[Query], expected: &[Vec<f64>]) -> Searched {
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}?mode=ro", path.display()))
        .await
        .expect("open SQLite for reading");
    let searched = search_with(queries, expected, |q| {
        let pool = pool.clone();
        let (point, kind) = (q.point, KINDS[q.kind]);
        async move {
            let mut half_deg = 0.05;
            loop {
                let rows: Vec<(f64, f64)> = sqlx::query_as(
                    "SELECT lon, lat FROM locations WHERE kind = ?1 AND status = 'active' \
                     AND lon BETWEEN ?2 AND ?3 AND lat BETWEEN ?4 AND ?5",
                )
                .bind(kind)
                .bind(point.lon() - half_deg)
                .bind(point.lon() + half_deg)
                .bind(point.lat() - half_deg)
                .bind(point.lat() + half_deg)
                .fetch_all(&pool)
                .await
                .expect("SQLite bbox query");
                let mut found: Vec<(f64, LonLat)> = rows
                    .into_iter()
                    .filter_map(|(lon, lat)| LonLat::new(lon, lat).ok())
                    .map(|p| (point.distance_m(p), p))
                    .collect();
                found.sort_by(|a, b| a.0.total_cmp(&b.0));
                found.truncate(K);
                // The box holds every point closer than its nearest edge: the
                // north and south edges are half_deg of latitude away, the east
                // and west ones lie on meridians asin(sin(h)·cos(lat)) away.
                let h = f64::to_radians(half_deg);
                let edge =
                    MEAN_EARTH_RADIUS_M * h.min((h.sin() * point.lat().to_radians().cos()).asin());
                let complete = found.len() == K && found[K - 1].0 <= edge;
                if complete || half_deg > 40.0 {
                    return found.into_iter().map(|(_, p)| p).collect();
                }
                half_deg *= 2.0;
            }
        }
    })
    .await;
    pool.close().await;
    searched
}

/// PostGIS: `ORDER BY geom <-> point LIMIT K` on the GIST index (planar
/// distance in degrees, so a few answers differ from the exact great-circle one).
async fn search_postgis(url: &str, queries: &[Query], expected: &[Vec<f64>]) -> Searched {
    let pool = sqlx::PgPool::connect(url).await.expect("connect");
    sqlx::query("ANALYZE locations")
        .execute(&pool)
        .await
        .expect("analyze");
    let searched = search_with(queries, expected, |q| {
        let pool = pool.clone();
        let (point, kind) = (q.point, KINDS[q.kind]);
        async move {
            let rows: Vec<(f64, f64)> = sqlx::query_as(
                "SELECT lon, lat FROM locations WHERE kind = $1 AND status = 'active' \
                 ORDER BY geom <-> ST_SetSRID(ST_MakePoint($2, $3), 4326) LIMIT $4",
            )
            .bind(kind)
            .bind(point.lon())
            .bind(point.lat())
            .bind(i64::try_from(K).expect("K fits"))
            .fetch_all(&pool)
            .await
            .expect("PostGIS query");
            rows.into_iter()
                .filter_map(|(lon, lat)| LonLat::new(lon, lat).ok())
                .collect()
        }
    })
    .await;
    pool.close().await;
    searched
}
