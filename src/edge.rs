//! `renkei serve`'s options for the HTTP edge: the public URL, CORS origins,
//! per-client limits, PDF renderers, socket timeouts and the request summary.

use clap::Args;
use renkei_http::edge::{parse_public_url, CorsOrigins, EdgeConfig, RateQuota};
use std::time::Duration;
use url::Url;

/// Options of `renkei serve` for the HTTP edge.
#[derive(Debug, Args)]
pub struct EdgeArgs {
    /// Public address of the service, e.g. https://renkei.example.jp/ — the
    /// only source of absolute URLs (TileJSON tile URLs, printed links and QR
    /// codes); request headers (Host, X-Forwarded-Host) are never used. Unset:
    /// the server's own address, TileJSON sent `no-store` and prints marked 試し刷り.
    #[arg(long, env = "RENKEI_PUBLIC_URL", value_parser = parse_public_url)]
    pub public_url: Option<Url>,
    /// Origins whose web pages may read the API, tiles and GeoJSON (GET/HEAD,
    /// never with credentials): `*` or a comma-separated list such as
    /// https://map.example.jp,https://other.example.
    #[arg(long, env = "RENKEI_CORS_ORIGINS", default_value = "*")]
    pub cors_origins: CorsOrigins,
    /// Print requests (/api/v1/print/…) a client may make per minute; 0 turns the limit off.
    #[arg(long, env = "RENKEI_PRINT_RATE_PER_MIN", default_value_t = EdgeConfig::DEFAULT_PRINT_RATE.per_minute)]
    pub print_rate_per_min: u32,
    /// Print requests a client may make at once before the per-minute rate applies.
    #[arg(long, env = "RENKEI_PRINT_BURST", default_value_t = EdgeConfig::DEFAULT_PRINT_RATE.burst)]
    pub print_burst: u32,
    /// Coverage requests (/api/v1/coverage) a client may make per minute; 0 turns the limit off.
    #[arg(long, env = "RENKEI_COVERAGE_RATE_PER_MIN", default_value_t = EdgeConfig::DEFAULT_COVERAGE_RATE.per_minute)]
    pub coverage_rate_per_min: u32,
    /// Coverage requests a client may make at once before the per-minute rate applies.
    #[arg(long, env = "RENKEI_COVERAGE_BURST", default_value_t = EdgeConfig::DEFAULT_COVERAGE_RATE.burst)]
    pub coverage_burst: u32,
    /// PDFs made at the same time [default: half the cores, at least 1].
    #[arg(long, env = "RENKEI_PRINT_CONCURRENCY")]
    pub print_concurrency: Option<usize>,
    /// Seconds a print request waits for a free renderer before a 503 with Retry-After.
    #[arg(long, env = "RENKEI_PRINT_QUEUE_WAIT_S", default_value_t = EdgeConfig::DEFAULT_PRINT_QUEUE_WAIT.as_secs())]
    pub print_queue_wait_s: u64,
    /// Seconds a client has to send a request's headers (also how long an idle
    /// keep-alive connection stays open); slow-header sockets are closed.
    #[arg(long, env = "RENKEI_HEADER_READ_TIMEOUT_S", default_value_t = EdgeConfig::DEFAULT_HEADER_READ_TIMEOUT.as_secs())]
    pub header_read_timeout_s: u64,
    /// Seconds without any byte read or written after which a connection is closed.
    #[arg(long, env = "RENKEI_IDLE_TIMEOUT_S", default_value_t = EdgeConfig::DEFAULT_IDLE_TIMEOUT.as_secs())]
    pub idle_timeout_s: u64,
    /// Seconds between the INFO lines summing up requests (each request is logged at DEBUG).
    #[arg(long, env = "RENKEI_LOG_SUMMARY_S", default_value_t = EdgeConfig::DEFAULT_LOG_SUMMARY_EVERY.as_secs())]
    pub log_summary_s: u64,
}

impl EdgeArgs {
    /// The edge settings these options give.
    pub fn config(&self) -> EdgeConfig {
        EdgeConfig {
            cors_origins: self.cors_origins.clone(),
            print_rate: RateQuota {
                per_minute: self.print_rate_per_min,
                burst: self.print_burst,
            },
            coverage_rate: RateQuota {
                per_minute: self.coverage_rate_per_min,
                burst: self.coverage_burst,
            },
            print_concurrency: self
                .print_concurrency
                .unwrap_or_else(EdgeConfig::default_print_concurrency),
            print_queue_wait: Duration::from_secs(self.print_queue_wait_s),
            header_read_timeout: Duration::from_secs(self.header_read_timeout_s.max(1)),
            idle_timeout: Duration::from_secs(self.idle_timeout_s.max(1)),
            log_summary_every: Duration::from_secs(self.log_summary_s),
        }
    }
}
