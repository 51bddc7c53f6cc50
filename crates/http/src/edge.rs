//! The HTTP edge: what every request meets before and after a route, and the
//! server loop itself.
//!
//! - [`headers`]: security headers on every response (a Content-Security-Policy
//!   the web client's MapLibre workers accept, nosniff, frame-ancestors,
//!   Referrer-Policy, HSTS when the public URL is https) and the CORS policy of
//!   the public reads;
//! - [`rate_limit`]: per-client-address rate limits (429 with `Retry-After`),
//!   a layer any route group can wear (print, coverage, login);
//! - [`render`]: how many PDFs are made at once (503 with `Retry-After` when
//!   the queue does not move in time);
//! - [`access_log`]: one DEBUG line per request and one INFO summary per
//!   interval (counts, status classes, p50 / p99 latency);
//! - [`links`]: the configured public URL, the only source of absolute URLs;
//! - [`server`]: the accept loop with a header-read timeout, an idle timeout
//!   and graceful shutdown.

pub mod access_log;
pub mod headers;
pub mod links;
pub mod rate_limit;
pub mod render;
pub mod server;

pub use headers::CorsOrigins;
pub use links::{parse_public_url, LinkBase, PublicUrlError};
pub use rate_limit::{RateLimit, RateQuota};
pub use render::RenderLimit;
pub use server::serve;

use axum::{Extension, Router};
use std::time::Duration;

/// Settings of the edge; every field has a default from a constant here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EdgeConfig {
    /// Origins allowed to read the API, tiles and GeoJSON from a browser.
    pub cors_origins: CorsOrigins,
    /// Per-client limit of `/api/v1/print/…`.
    pub print_rate: RateQuota,
    /// Per-client limit of `/api/v1/coverage`.
    pub coverage_rate: RateQuota,
    /// PDFs made at the same time (each takes a core while it is made).
    pub print_concurrency: usize,
    /// How long a print request waits for a free renderer before a 503.
    pub print_queue_wait: Duration,
    /// Time a client has to send a whole request head, counted from when the
    /// connection is ready for it; a keep-alive connection idle that long is closed too.
    pub header_read_timeout: Duration,
    /// A connection on which nothing is read or written for this long is closed.
    pub idle_timeout: Duration,
    /// Interval of the INFO request summary.
    pub log_summary_every: Duration,
}

impl EdgeConfig {
    /// Default of [`EdgeConfig::print_rate`]: 12 PDFs a minute, 4 at once.
    pub const DEFAULT_PRINT_RATE: RateQuota = RateQuota {
        per_minute: 12,
        burst: 4,
    };
    /// Default of [`EdgeConfig::coverage_rate`]: 120 a minute, 40 at once.
    /// One change of the coverage view asks for several layers, and a desk
    /// office's staff often share one address, so the burst is generous;
    /// the rate still stops a client from looping.
    pub const DEFAULT_COVERAGE_RATE: RateQuota = RateQuota {
        per_minute: 120,
        burst: 40,
    };
    /// Default of [`EdgeConfig::print_queue_wait`]: 2 s.
    pub const DEFAULT_PRINT_QUEUE_WAIT: Duration = Duration::from_secs(2);
    /// Default of [`EdgeConfig::header_read_timeout`]: 10 s.
    pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
    /// Default of [`EdgeConfig::idle_timeout`]: 60 s.
    pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(60);
    /// Default of [`EdgeConfig::log_summary_every`]: 60 s.
    pub const DEFAULT_LOG_SUMMARY_EVERY: Duration = Duration::from_secs(60);

    /// Default of [`EdgeConfig::print_concurrency`]: half the cores, at least one,
    /// so PDF making never takes every core from the other requests.
    pub fn default_print_concurrency() -> usize {
        std::thread::available_parallelism().map_or(1, |n| (n.get() / 2).max(1))
    }
}

impl Default for EdgeConfig {
    fn default() -> Self {
        Self {
            cors_origins: CorsOrigins::Any,
            print_rate: Self::DEFAULT_PRINT_RATE,
            coverage_rate: Self::DEFAULT_COVERAGE_RATE,
            print_concurrency: Self::default_print_concurrency(),
            print_queue_wait: Self::DEFAULT_PRINT_QUEUE_WAIT,
            header_read_timeout: Self::DEFAULT_HEADER_READ_TIMEOUT,
            idle_timeout: Self::DEFAULT_IDLE_TIMEOUT,
            log_summary_every: Self::DEFAULT_LOG_SUMMARY_EVERY,
        }
    }
}

/// The print routes with their per-client limit and the render bound.
pub fn limit_print<S: Clone + Send + Sync + 'static>(
    routes: Router<S>,
    config: &EdgeConfig,
) -> Router<S> {
    RateLimit::new("print", config.print_rate)
        .apply(routes)
        .layer(Extension(RenderLimit::new(
            config.print_concurrency,
            config.print_queue_wait,
        )))
}

/// The coverage routes with their per-client limit.
pub fn limit_coverage<S: Clone + Send + Sync + 'static>(
    routes: Router<S>,
    config: &EdgeConfig,
) -> Router<S> {
    RateLimit::new("coverage", config.coverage_rate).apply(routes)
}
