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
//! Run: `cargo bench --bench interop_throughput` (about 30 s after the build).

#[path = "support/load.rs"]
mod load;

use load::{measure, median_ratio, serve_directory, Measurement, CONCURRENCY, DURATION, ROUNDS};

/// The allocator the `renkei` binary uses, so the server is measured as served.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The interoperability endpoints measured, with the size of one response.
const ENDPOINTS: [(&str, &str); 2] = [
    (
        "GET /hsds/service_at_locations (1,000)",
        "/hsds/service_at_locations?per_page=1000",
    ),
    (
        "GET /ogc/…/facilities/items (1,000)",
        "/ogc/collections/facilities/items?limit=1000",
    ),
];

/// Target throughput, as a share of the health endpoint's.
const TARGET: f64 = 0.3;

#[tokio::main]
async fn main() {
    let (base, server, directory, _) = serve_directory().await;
    let health = format!("{base}/api/v1/health");
    let urls: Vec<String> = ENDPOINTS
        .iter()
        .map(|(_, path)| format!("{base}{path}"))
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
        .chain(ENDPOINTS.iter().map(|(name, _)| *name));
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
    for (i, (name, _)) in ENDPOINTS.iter().enumerate() {
        let ratio = medians[i + 1];
        println!(
            "ratio {name} / health: throughput {:.2}x (median of rounds {ratio:.2}x), target ≥ {TARGET}x: {}",
            merged[i + 1].per_second() / merged[0].per_second(),
            if ratio >= TARGET { "met" } else { "NOT MET" }
        );
    }
}
