//! HTTP latency benchmark: GET /api/v1/facilities/{id} against GET /api/v1/health
//! on the same server, same run, with an in-project load generator.
//!
//! Starts the real router on 127.0.0.1 (a free port) over an in-memory SQLite
//! store holding the demo directory, then for each endpoint runs `CONCURRENCY`
//! client tasks for `DURATION` after a short warm-up, and prints requests/s,
//! p50 and p99 side by side with the ratio (facility ÷ health).
//!
//! Run: `cargo bench --bench http_latency` (about 10 s after the build).

use renkei_http::{load_index, router, AppState, HttpConfig, IndexHandle};
use renkei_store::{DatabaseUrl, OpenOptions};
use std::time::{Duration, Instant};

/// Client tasks sending requests at the same time.
const CONCURRENCY: usize = 16;
/// Measured time per endpoint.
const DURATION: Duration = Duration::from_secs(3);
/// Unmeasured time per endpoint before measuring.
const WARM_UP: Duration = Duration::from_millis(500);

/// What one endpoint's run measured.
struct Measurement {
    requests: usize,
    elapsed: Duration,
    p50: Duration,
    p99: Duration,
}

impl Measurement {
    fn per_second(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }
}

#[tokio::main]
async fn main() {
    let store = renkei_store::open(&DatabaseUrl::new("sqlite::memory:"), OpenOptions::default())
        .await
        .expect("store");
    let (source, facilities) = renkei_ingest::demo::demo_directory().expect("demo directory");
    store
        .upsert_facilities(&source, &facilities)
        .await
        .expect("demo stored");
    let index = IndexHandle::new(load_index(store.as_ref()).await.expect("index"));
    let config = HttpConfig {
        web_dir: "no-web-client".into(),
        ..HttpConfig::default()
    };
    let app = router(AppState::new(store, index, config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("free port");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let server = tokio::spawn(async move { axum::serve(listener, app).await.expect("server") });

    let facility = format!("{base}/api/v1/facilities/{}", facilities[0].id);
    let health = format!("{base}/api/v1/health");
    let by_id = measure(&facility).await;
    let baseline = measure(&health).await;
    server.abort();

    println!("http_latency: {CONCURRENCY} concurrent clients, {} s per endpoint, demo directory ({} facilities)", DURATION.as_secs(), facilities.len());
    println!(
        "{:<32} {:>10} {:>10} {:>10} {:>9}",
        "endpoint", "req/s", "p50 µs", "p99 µs", "requests"
    );
    for (name, m) in [
        ("GET /api/v1/facilities/{id}", &by_id),
        ("GET /api/v1/health (baseline)", &baseline),
    ] {
        println!(
            "{name:<32} {:>10.0} {:>10} {:>10} {:>9}",
            m.per_second(),
            m.p50.as_micros(),
            m.p99.as_micros(),
            m.requests
        );
    }
    println!(
        "ratio facility/health: throughput {:.2}x, p50 {:.2}x, p99 {:.2}x",
        by_id.per_second() / baseline.per_second(),
        by_id.p50.as_secs_f64() / baseline.p50.as_secs_f64(),
        by_id.p99.as_secs_f64() / baseline.p99.as_secs_f64(),
    );
}

/// Runs the load against `url`: warm-up, then `DURATION` of measured requests.
async fn measure(url: &str) -> Measurement {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(CONCURRENCY)
        .build()
        .expect("client");
    run_load(&client, url, WARM_UP).await;
    let started = Instant::now();
    let mut latencies = run_load(&client, url, DURATION).await;
    let elapsed = started.elapsed();
    latencies.sort_unstable();
    // Nearest-rank percentile: index = ceil(len × percent / 100) − 1.
    let at = |percent: usize| latencies[(latencies.len() * percent).div_ceil(100).max(1) - 1];
    Measurement {
        requests: latencies.len(),
        elapsed,
        p50: at(50),
        p99: at(99),
    }
}

/// `CONCURRENCY` tasks GET `url` back to back until `duration` has passed;
/// every response must be 200. Returns each request's latency.
async fn run_load(client: &reqwest::Client, url: &str, duration: Duration) -> Vec<Duration> {
    let deadline = Instant::now() + duration;
    let tasks: Vec<_> = (0..CONCURRENCY)
        .map(|_| {
            let (client, url) = (client.clone(), url.to_owned());
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                while Instant::now() < deadline {
                    let sent = Instant::now();
                    let response = client.get(&url).send().await.expect("request");
                    assert_eq!(response.status(), 200, "{url}");
                    response.bytes().await.expect("body");
                    latencies.push(sent.elapsed());
                }
                latencies
            })
        })
        .collect();
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.expect("load task"));
    }
    all
}
