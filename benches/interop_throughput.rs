//! Throughput of the standard interfaces for a 1,000-feature page — Open
//! Referral HSDS (`GET /hsds/service_at_locations?per_page=1000`) and OGC
//! API – Features (`GET /ogc/collections/facilities/items?limit=1000`) —
//! against `GET /api/v1/health` on the same server in the same run. Issue 20
//! asks each for at least 0.3× the health endpoint's throughput.
//!
//! The server and load generator are `http_latency`'s (support/load.rs): the
//! demo directory plus, when ../shared/data is there, the real Kanagawa
//! hospitals and visiting-nurse stations (about 1,500 facilities, so a page
//! of 1,000 is full). Rounds interleave the endpoints; the verdict takes the
//! median of the rounds' ratios.
//!
//! With `DATABASE_URL` (`scripts/with-postgres.sh cargo bench --bench
//! interop_throughput`) the same directory is copied into a fresh PostGIS
//! schema and PostgreSQL itself builds the 1,000-feature GeoJSON page from
//! the read-only view `facilities_view` (what a feature server over the
//! views, such as pg_featureserv, would send), at the same concurrency over
//! a connection pool: the OGC page's throughput is printed beside it.
//!
//! Run: `cargo bench --bench interop_throughput` (about 30 s after the build).

#[path = "support/load.rs"]
#[allow(
    dead_code,
    reason = "shared by http_latency and interop_throughput; each reads part of a run's Served"
)]
mod load;

use load::{
    measure, median_ratio, serve_directory, Measurement, Served, CONCURRENCY, DURATION, ROUNDS,
    WARM_UP,
};
use std::time::{Duration, Instant};

/// The allocator the `renkei` binary uses, so the server is measured as served.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The endpoints measured against health: the two interoperability pages
/// (held to [`TARGET`]) and, for reference, the REST API's GeoJSON export of
/// the same 1,000 facilities.
const ENDPOINTS: [(&str, &str, bool); 3] = [
    (
        "GET /hsds/service_at_locations (1,000)",
        "/hsds/service_at_locations?per_page=1000",
        true,
    ),
    (
        "GET /ogc/…/facilities/items (1,000)",
        "/ogc/collections/facilities/items?limit=1000",
        true,
    ),
    (
        "GET /api/v1/facilities GeoJSON (1,000)",
        "/api/v1/facilities?per_page=1000&format=geojson",
        false,
    ),
];

/// Target throughput, as a share of the health endpoint's.
const TARGET: f64 = 0.3;

#[tokio::main]
async fn main() {
    let Served {
        base,
        server,
        directory,
        store,
        ..
    } = serve_directory().await;
    let health = format!("{base}/api/v1/health");
    let urls: Vec<String> = ENDPOINTS
        .iter()
        .map(|(_, path, _)| format!("{base}{path}"))
        .collect();
    let mut sizes = Vec::new();
    for url in &urls {
        let body = reqwest::get(url)
            .await
            .expect("request")
            .bytes()
            .await
            .expect("body");
        sizes.push(body.len());
    }
    let mut rounds: Vec<Vec<Measurement>> = Vec::with_capacity(ROUNDS);
    for _ in 0..ROUNDS {
        let mut round = vec![measure(&health).await];
        for url in &urls {
            round.push(measure(url).await);
        }
        rounds.push(round);
    }
    server.abort();
    let postgis = postgis_page_rate(&store).await;
    let medians: Vec<f64> = (0..=ENDPOINTS.len())
        .map(|e| median_ratio(&rounds, e))
        .collect();
    let merged = rounds
        .into_iter()
        .reduce(|a, b| a.into_iter().zip(b).map(|(x, y)| x.merge(y)).collect())
        .expect("at least one round");
    println!(
        "interop_throughput: {CONCURRENCY} concurrent clients, {ROUNDS} rounds of {} s per endpoint, {directory}",
        DURATION.as_secs_f64()
    );
    println!(
        "{:<42} {:>10} {:>10} {:>10} {:>9} {:>10}",
        "endpoint", "req/s", "p50 µs", "p99 µs", "requests", "bytes"
    );
    let names = std::iter::once("GET /api/v1/health (baseline)")
        .chain(ENDPOINTS.iter().map(|(name, _, _)| *name));
    let bytes = std::iter::once(None).chain(sizes.iter().copied().map(Some));
    for ((name, m), size) in names.zip(&merged).zip(bytes) {
        println!(
            "{name:<42} {:>10.0} {:>10} {:>10} {:>9} {:>10}",
            m.per_second(),
            m.p50.as_micros(),
            m.p99.as_micros(),
            m.requests,
            size.map_or_else(|| "-".to_owned(), |s| s.to_string())
        );
    }
    for (i, (name, _, held)) in ENDPOINTS.iter().enumerate() {
        let ratio = medians[i + 1];
        let verdict = match (*held, ratio >= TARGET) {
            (false, _) => "reference".to_owned(),
            (true, met) => format!(
                "target ≥ {TARGET}x: {}",
                if met { "met" } else { "NOT MET" }
            ),
        };
        println!(
            "ratio {name} / health: throughput {:.2}x (median of rounds {ratio:.2}x), {verdict}",
            merged[i + 1].per_second() / merged[0].per_second(),
        );
    }
    match postgis {
        Some(m) => println!(
            "PostGIS facilities_view → GeoJSON (1,000) in PostgreSQL: {:.0} req/s, p50 {} µs, p99 {} µs; OGC items / PostGIS: {:.2}x",
            m.per_second(),
            m.p50.as_micros(),
            m.p99.as_micros(),
            merged[2].per_second() / m.per_second()
        ),
        None => println!(
            "PostGIS comparison skipped: DATABASE_URL is not set (run under scripts/with-postgres.sh); pg_featureserv needs a Go toolchain, which this machine lacks"
        ),
    }
}

/// The same page of 1,000 active facilities as GeoJSON, built by PostgreSQL
/// from `facilities_view` in a fresh schema holding a copy of `store`, at
/// [`CONCURRENCY`]; `None` without `DATABASE_URL`.
async fn postgis_page_rate(store: &renkei_store::SharedStore) -> Option<Measurement> {
    let schema = renkei_testdata::postgres::fresh_schema().await?;
    let options = renkei_store::OpenOptions {
        schema: Some(schema.name().to_owned()),
        ..renkei_store::OpenOptions::default()
    };
    let copy = renkei_store::open(&renkei_store::DatabaseUrl::new(schema.url()), options)
        .await
        .expect("PostGIS schema");
    renkei_store::copy_store(store.as_ref(), copy.as_ref())
        .await
        .expect("directory copied to PostGIS");
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(u32::try_from(CONCURRENCY).expect("a small number"))
        .connect(schema.url())
        .await
        .expect("pool");
    // The schema name is a plain identifier made by renkei-testdata.
    let sql = format!(
        "SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(\
         'type', 'Feature', 'id', f.id, 'geometry', public.ST_AsGeoJSON(f.geom)::json, 'properties', json_build_object(\
         'kind', f.kind, 'kind_label_ja', f.kind_label_ja, 'name', f.name, 'address', f.address, \
         'municipality_code', f.municipality_code, 'region_code', f.region_code, 'status', f.status, \
         'source', f.source, 'licence', f.licence))), '[]'::json))::text \
         FROM (SELECT * FROM {}.facilities_view WHERE status = 'active' ORDER BY id LIMIT 1000) f",
        schema.name()
    );
    let run = |duration: Duration| {
        let (pool, sql) = (pool.clone(), sql.clone());
        async move {
            let deadline = Instant::now() + duration;
            let tasks: Vec<_> = (0..CONCURRENCY)
                .map(|_| {
                    let (pool, sql) = (pool.clone(), sql.clone());
                    tokio::spawn(async move {
                        let mut latencies = Vec::new();
                        while Instant::now() < deadline {
                            let sent = Instant::now();
                            let page: String = sqlx::query_scalar(&sql)
                                .fetch_one(&pool)
                                .await
                                .expect("page");
                            assert!(page.len() > 2);
                            latencies.push(sent.elapsed());
                        }
                        latencies
                    })
                })
                .collect();
            let mut all = Vec::new();
            for task in tasks {
                all.extend(task.await.expect("query task"));
            }
            all
        }
    };
    run(WARM_UP).await;
    let started = Instant::now();
    let latencies = run(DURATION * u32::try_from(ROUNDS).expect("a few rounds")).await;
    let measured = Measurement::of(latencies, started.elapsed());
    pool.close().await;
    schema.drop_now().await;
    Some(measured)
}
