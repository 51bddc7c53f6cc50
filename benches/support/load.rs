//! The load generator and server of the HTTP throughput benchmarks
//! (`http_latency`, `interop_throughput`), shared through `#[path]`: the real
//! router on a free loopback port over an in-memory SQLite store with the
//! demo directory and, when ../shared/data is there, the real Kanagawa
//! hospitals and visiting-nurse stations; `CONCURRENCY` client tasks per
//! endpoint, requests/s and nearest-rank percentiles.

use renkei_app::{load_index, ReadModel as IndexHandle};
use renkei_http::{router, AppState, HttpConfig};
use renkei_ingest::import::{Format, Importer};
use renkei_ingest::run::ImportSession;
use renkei_store::{DatabaseUrl, OpenOptions};
use std::fmt::Write as _;
use std::time::{Duration, Instant};

/// Client tasks sending requests at the same time.
pub const CONCURRENCY: usize = 16;
/// Rounds over all endpoints.
pub const ROUNDS: usize = 5;
/// Measured time per endpoint and round.
pub const DURATION: Duration = Duration::from_millis(1500);
/// Unmeasured time per endpoint before measuring.
pub const WARM_UP: Duration = Duration::from_millis(500);

/// What one endpoint's run measured.
pub struct Measurement {
    /// Requests answered.
    pub requests: usize,
    /// Time measured.
    pub elapsed: Duration,
    /// Median latency.
    pub p50: Duration,
    /// 99th-percentile latency.
    pub p99: Duration,
    latencies: Vec<Duration>,
}

impl Measurement {
    /// Both runs as one: requests and time added, percentiles of all latencies.
    pub fn merge(self, other: Self) -> Self {
        let mut latencies = self.latencies;
        latencies.extend(other.latencies);
        Self::of(latencies, self.elapsed + other.elapsed)
    }

    /// Sorts `latencies` and reads the percentiles.
    pub fn of(mut latencies: Vec<Duration>, elapsed: Duration) -> Self {
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

    /// Requests per second.
    pub fn per_second(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }
}

/// The median over `rounds` of endpoint `endpoint`'s throughput as a share
/// of endpoint 0's (the baseline) in the same round.
pub fn median_ratio<R: AsRef<[Measurement]>>(rounds: &[R], endpoint: usize) -> f64 {
    let mut ratios: Vec<f64> = rounds
        .iter()
        .map(|round| round.as_ref()[endpoint].per_second() / round.as_ref()[0].per_second())
        .collect();
    ratios.sort_by(f64::total_cmp);
    ratios[ratios.len() / 2]
}

/// The server of a benchmark run.
pub struct Served {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// The server task; abort it when done.
    pub server: tokio::task::JoinHandle<()>,
    /// What the directory holds, for the report.
    pub directory: String,
    /// One facility's id.
    pub facility: renkei_core::FacilityId,
    /// The store it serves.
    pub store: renkei_store::SharedStore,
}

/// Starts the router on a free loopback port over an in-memory store with the
/// demo directory and, when ../shared/data is there, the real Kanagawa
/// hospitals and visiting-nurse stations.
pub async fn serve_directory() -> Served {
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
    let app = router(AppState::new(store.clone(), index, config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("free port");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let server = tokio::spawn(async move { axum::serve(listener, app).await.expect("server") });
    Served {
        base,
        server,
        directory,
        facility: facilities[0].id,
        store,
    }
}

/// Runs the load against `url`: warm-up, then `DURATION` of measured requests.
pub async fn measure(url: &str) -> Measurement {
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
