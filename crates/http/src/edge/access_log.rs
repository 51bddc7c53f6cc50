//! Request logging that stays small at any rate: each request is a DEBUG
//! event (the `TraceLayer` span), and once per interval one INFO line sums up
//! the requests since the last one — count, status classes, p50 / p99 / max
//! latency. Nothing is written while no requests come.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use hdrhistogram::Histogram;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// Latencies above this are counted at this value (µs): one hour.
const MAX_LATENCY_US: u64 = 3_600_000_000;

/// The requests of the current interval; clones share it.
#[derive(Debug, Clone)]
pub struct RequestSummary {
    every: Duration,
    window: Arc<Mutex<Window>>,
}

#[derive(Debug)]
struct Window {
    started: Instant,
    /// Responses by status class: 1xx … 5xx.
    classes: [u64; 5],
    latency_us: Histogram<u64>,
}

impl Window {
    fn new() -> Self {
        Self {
            started: Instant::now(),
            classes: [0; 5],
            latency_us: Histogram::new_with_bounds(1, MAX_LATENCY_US, 2)
                .expect("the bounds are valid"),
        }
    }
}

impl RequestSummary {
    /// A summary written every `every`.
    pub fn new(every: Duration) -> Self {
        Self {
            every,
            window: Arc::new(Mutex::new(Window::new())),
        }
    }

    /// Counts one response; writes and restarts the summary when the interval is over.
    fn record(&self, status: u16, latency: Duration) {
        let mut window = self.window.lock().unwrap_or_else(PoisonError::into_inner);
        let class = usize::from(status / 100).clamp(1, 5) - 1;
        window.classes[class] += 1;
        let micros = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX);
        window
            .latency_us
            .saturating_record(micros.clamp(1, MAX_LATENCY_US));
        if window.started.elapsed() < self.every {
            return;
        }
        let done = std::mem::replace(&mut *window, Window::new());
        drop(window);
        let ms = |us: u64| us as f64 / 1000.0;
        tracing::info!(
            requests = done.latency_us.len(),
            seconds = done.started.elapsed().as_secs(),
            s2xx = done.classes[1],
            s3xx = done.classes[2],
            s4xx = done.classes[3],
            s5xx = done.classes[4],
            p50_ms = ms(done.latency_us.value_at_quantile(0.5)),
            p99_ms = ms(done.latency_us.value_at_quantile(0.99)),
            max_ms = ms(done.latency_us.max()),
            "requests served"
        );
    }
}

/// The middleware: times the request and counts its response.
pub async fn summarise(
    State(summary): State<RequestSummary>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let response = next.run(request).await;
    summary.record(response.status().as_u16(), started.elapsed());
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_counts_classes_and_restarts_after_its_interval() {
        let summary = RequestSummary::new(Duration::from_secs(3600));
        summary.record(200, Duration::from_millis(3));
        summary.record(404, Duration::from_millis(1));
        summary.record(503, Duration::from_millis(40));
        {
            let window = summary.window.lock().unwrap();
            assert_eq!(window.classes, [0, 1, 0, 1, 1]);
            assert_eq!(window.latency_us.len(), 3);
        }
        let every_time = RequestSummary::new(Duration::ZERO);
        every_time.record(200, Duration::from_millis(3));
        assert_eq!(every_time.window.lock().unwrap().latency_us.len(), 0);
    }
}
