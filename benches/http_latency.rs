//! HTTP latency benchmark: GET /api/v1/facilities/{id} and a typical referral
//! search (GET /api/v1/search: 20 nearest, 2 kinds, 2 needs, with the 要確認
//! list) against GET /api/v1/health on the same server, same run, with an
//! in-project load generator. Issue 6 asks the search for at least 0.5× the
//! health endpoint's throughput.
//!
//! Starts the real router on 127.0.0.1 (a free port) over an in-memory SQLite
//! store holding the demo directory plus, when ../shared/data is there, the
//! real Kanagawa hospitals and visiting-nurse stations (about 1,500, imported
//! with the real importers), then in each of `ROUNDS` rounds runs
//! `CONCURRENCY` client tasks against every endpoint in turn for `DURATION`
//! after a short warm-up, and prints requests/s, p50 and p99 side by side with
//! the ratios to health (overall and the median of the rounds' ratios).
//!
//! Run: `cargo bench --bench http_latency` (about 40 s after the build).

use renkei_app::{load_index, ReadModel as IndexHandle};
use renkei_http::{router, AppState, HttpConfig};
use renkei_ingest::import::{Format, Importer};
use renkei_ingest::run::ImportSession;
use renkei_store::{DatabaseUrl, OpenOptions};
use std::fmt::Write as _;
use std::time::{Duration, Instant};

/// The allocator the `renkei` binary uses, so the server is measured as served.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Client tasks sending requests at the same time.
const CONCURRENCY: usize = 16;
/// Rounds over all endpoints.
const ROUNDS: usize = 5;
/// Measured time per endpoint and round.
const DURATION: Duration = Duration::from_millis(1500);
/// Unmeasured time per endpoint before measuring.
const WARM_UP: Duration = Duration::from_millis(500);

/// What one endpoint's run measured.
struct Measurement {
    requests: usize,
    elapsed: Duration,
    p50: Duration,
    p99: Duration,
    latencies: Vec<Duration>,
}

impl Measurement {
    /// Both runs as one: requests and time added, percentiles of all latencies.
    fn merge(self, other: Self) -> Self {
        let mut latencies = self.latencies;
        latencies.extend(other.latencies);
        Self::of(latencies, self.elapsed + other.elapsed)
    }

    /// Sorts `latencies` and reads the percentiles.
    fn of(mut latencies: Vec<Duration>, elapsed: Duration) -> Self {
        latencies.sort_unstable();
        // Nearest-rank percentile: index = ceil(len × percent / 100) − 1.
        let at = |percent: usize| latencies[(latencies.len() * percent).div_ceil(100).max(1) - 1];
        Self {
            requests: latencies.len(),
            elapsed,
            p50: at(50),
            p99: at(99),
            latencies,
        }
    }

    fn per_second(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }
}

#[tokio::main]
async fn main() {
    let (base, server, directory, facility_id) = serve_directory().await;
    let facility = format!("{base}/api/v1/facilities/{facility_id}");
    let health = format!("{base}/api/v1/health");
    // 茅ヶ崎市役所 (lon, lat); the stations and hospitals state no needs, so
    // the 20 hits are in the 要確認 list.
    let search = format!(
        "{base}/api/v1/search?lon=139.4037&lat=35.3334&kinds=visiting_nurse,hospital&needs=ventilator,suctioning&include_unknown=true&limit=20"
    );
    let found = reqwest::get(&search)
        .await
        .expect("search")
        .json::<serde_json::Value>()
        .await
        .expect("search JSON");
    let hits = found["results"].as_array().map_or(0, Vec::len)
        + found["unknown"].as_array().map_or(0, Vec::len);
    // The same search for confirmed results only: on open data (no stated
    // capabilities) it walks the index but serialises nothing.
    let confirmed_only = search.replace("&include_unknown=true", "");
    // Rounds interleave the endpoints, so a burst of load from elsewhere on
    // the machine hits every endpoint alike; each round gives one ratio and
    // the verdict takes their median.
    let mut rounds: Vec<[Measurement; 4]> = Vec::with_capacity(ROUNDS);
    for _ in 0..ROUNDS {
        rounds.push([
            measure(&health).await,
            measure(&facility).await,
            measure(&search).await,
            measure(&confirmed_only).await,
        ]);
    }
    server.abort();
    let median_ratio = |endpoint: usize| {
        let mut ratios: Vec<f64> = rounds
            .iter()
            .map(|round| round[endpoint].per_second() / round[0].per_second())
            .collect();
        ratios.sort_by(f64::total_cmp);
        ratios[ratios.len() / 2]
    };
    let medians = [1.0, median_ratio(1), median_ratio(2), median_ratio(3)];
    let round_ratios: Vec<String> = rounds
        .iter()
        .map(|round| format!("{:.2}", round[2].per_second() / round[0].per_second()))
        .collect();
    let [baseline, by_id, searched, searched_confirmed] = rounds
        .into_iter()
        .reduce(|a, b| {
            let [a0, a1, a2, a3] = a;
            let [b0, b1, b2, b3] = b;
            [a0.merge(b0), a1.merge(b1), a2.merge(b2), a3.merge(b3)]
        })
        .expect("at least one round");

    println!(
        "http_latency: {CONCURRENCY} concurrent clients, {ROUNDS} rounds of {} s per endpoint, {directory}; the search returns {hits} hits",
        DURATION.as_secs_f64()
    );
    println!(
        "{:<38} {:>10} {:>10} {:>10} {:>9}",
        "endpoint", "req/s", "p50 µs", "p99 µs", "requests"
    );
    for (name, m) in [
        ("GET /api/v1/facilities/{id}", &by_id),
        ("GET /api/v1/search (typical)", &searched),
        ("GET /api/v1/search (confirmed only)", &searched_confirmed),
        ("GET /api/v1/health (baseline)", &baseline),
    ] {
        println!(
            "{name:<38} {:>10.0} {:>10} {:>10} {:>9}",
            m.per_second(),
            m.p50.as_micros(),
            m.p99.as_micros(),
            m.requests
        );
    }
    for (endpoint, name, m) in [
        (1, "facility", &by_id),
        (2, "search", &searched),
        (3, "search-confirmed-only", &searched_confirmed),
    ] {
        println!(
            "ratio {name}/health: throughput {:.2}x (median of rounds {:.2}x), p50 {:.2}x, p99 {:.2}x",
            m.per_second() / baseline.per_second(),
            medians[endpoint],
            m.p50.as_secs_f64() / baseline.p50.as_secs_f64(),
            m.p99.as_secs_f64() / baseline.p99.as_secs_f64(),
        );
    }
    let ratio = medians[2];
    println!(
        "search/health throughput per round: {}; median {ratio:.2}x, target ≥ 0.5x: {}",
        round_ratios.join(", "),
        if ratio >= 0.5 { "met" } else { "NOT MET" }
    );
}

/// Starts the router on a free loopback port over an in-memory store with the
/// demo directory and, when ../shared/data is there, the real Kanagawa
/// hospitals and visiting-nurse stations. Returns the base URL, the server
/// task, a description of the directory and one facility's id.
async fn serve_directory() -> (
    String,
    tokio::task::JoinHandle<()>,
    String,
    renkei_core::FacilityId,
) {
    let store = renkei_store::open(&DatabaseUrl::new("sqlite::memory:"), OpenOptions::default())
        .await
        .expect("store");
    let (source, facilities) = renkei_ingest::demo::demo_directory().expect("demo directory");
    store
        .upsert_facilities(&source, &facilities)
        .await
        .expect("demo stored");
    let mut directory = format!("demo directory ({} facilities)", facilities.len());
    let real = [
        (
            Importer::MhlwFacilities,
            "facilities/kanagawa_hospitals_mhlw.csv",
        ),
        (Importer::Kaigo, "facilities/kanagawa_visiting_nursing.csv"),
    ];
    let mut session = ImportSession::new(store.as_ref());
    for (importer, file) in real {
        if let Some(path) = renkei_testdata::shared_file(file) {
            let reports = session
                .import_path(&Format::Official(importer), &path)
                .await
                .expect("real data imported");
            let rows: u64 = reports.iter().map(|r| r.written.inserted).sum();
            write!(directory, " + {rows} from {file}").expect("writing to a String");
        }
    }
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
    (base, server, directory, facilities[0].id)
}

/// Runs the load against `url`: warm-up, then `DURATION` of measured requests.
async fn measure(url: &str) -> Measurement {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(CONCURRENCY)
        .build()
        .expect("client");
    run_load(&client, url, WARM_UP).await;
    let started = Instant::now();
    let latencies = run_load(&client, url, DURATION).await;
    Measurement::of(latencies, started.elapsed())
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
