//! Per-client rate limits (GCRA, from the `governor` crate): a route group
//! wears one with [`RateLimit::apply`]; a request over its client's quota
//! gets 429 `rate_limited` with `Retry-After` (whole seconds) and the JSON
//! error body, and is not run.
//!
//! The client is the peer address of the connection
//! ([`ConnectInfo`](axum::extract::ConnectInfo), set by [`super::serve`]);
//! an IPv6 client is its /64, since one host usually holds a whole /64.
//! `X-Forwarded-For` is not trusted: behind a reverse proxy every client is
//! the proxy, so limit there or raise the quotas (see README).

use crate::error::ApiError;
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Requests a client may make: `per_minute` on average, up to `burst` at once.
/// `per_minute = 0` turns the limit off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateQuota {
    /// Sustained rate, requests per minute (0: no limit).
    pub per_minute: u32,
    /// Requests allowed in a burst before the rate applies (at least 1).
    pub burst: u32,
}

/// Checks between two sweeps of clients whose quota is full again, which
/// keeps the limiter's memory bounded by the clients of the last few minutes.
const SWEEP_EVERY_CHECKS: u32 = 4096;

/// A per-client rate limit; clones share the counts.
#[derive(Clone)]
pub struct RateLimit {
    inner: Option<Arc<Inner>>,
}

struct Inner {
    scope: &'static str,
    limiter: DefaultKeyedRateLimiter<IpAddr>,
    checks: AtomicU32,
}

impl std::fmt::Debug for RateLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RateLimit")
            .field("scope", &self.inner.as_ref().map(|i| i.scope))
            .finish_non_exhaustive()
    }
}

impl RateLimit {
    /// A limit of `quota` per client, named `scope` in logs (`print`, `login` …).
    pub fn new(scope: &'static str, quota: RateQuota) -> Self {
        let inner = NonZeroU32::new(quota.per_minute).map(|per_minute| {
            let burst = NonZeroU32::new(quota.burst).unwrap_or(NonZeroU32::MIN);
            Arc::new(Inner {
                scope,
                limiter: DefaultKeyedRateLimiter::keyed(
                    Quota::per_minute(per_minute).allow_burst(burst),
                ),
                checks: AtomicU32::new(0),
            })
        });
        Self { inner }
    }

    /// Counts one request of `client`; `Err` holds how long it must wait.
    pub fn check(&self, client: IpAddr) -> Result<(), Duration> {
        let Some(inner) = &self.inner else {
            return Ok(());
        };
        if inner.checks.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY_CHECKS == 0 {
            inner.limiter.retain_recent();
            inner.limiter.shrink_to_fit();
        }
        inner
            .limiter
            .check_key(&client_key(client))
            .map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
    }

    /// `router` with this limit on each of its routes (unmatched paths are not counted).
    pub fn apply<S: Clone + Send + Sync + 'static>(self, router: Router<S>) -> Router<S> {
        router.route_layer(axum::middleware::from_fn_with_state(self, enforce))
    }

    fn scope(&self) -> &'static str {
        self.inner.as_ref().map_or("-", |i| i.scope)
    }
}

/// The client address of a request: the connection's peer, or unspecified
/// when the router runs without a server (tests with `oneshot`).
pub fn client_address(request: &Request) -> IpAddr {
    request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED), |c| c.0.ip())
}

/// The key a client is counted under: IPv4 as it is, IPv6 by its /64
/// (an IPv4-mapped IPv6 address as its IPv4).
fn client_key(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V4(_) => address,
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return IpAddr::V4(v4);
            }
            let prefix = v6.segments();
            IpAddr::V6(Ipv6Addr::new(
                prefix[0], prefix[1], prefix[2], prefix[3], 0, 0, 0, 0,
            ))
        }
    }
}

/// The middleware of [`RateLimit::apply`].
async fn enforce(State(limit): State<RateLimit>, request: Request, next: Next) -> Response {
    let client = client_address(&request);
    match limit.check(client) {
        Ok(()) => next.run(request).await,
        Err(wait) => {
            tracing::debug!(scope = limit.scope(), %client, wait_ms = wait.as_millis(), "rate limited");
            ApiError::RateLimited {
                retry_after_s: wait.as_secs() + 1,
            }
            .into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_over_its_burst_waits_and_others_do_not() {
        let limit = RateLimit::new(
            "test",
            RateQuota {
                per_minute: 6,
                burst: 2,
            },
        );
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "192.0.2.2".parse().unwrap();
        assert!(limit.check(a).is_ok());
        assert!(limit.check(a).is_ok());
        let wait = limit.check(a).unwrap_err();
        assert!(
            wait > Duration::from_secs(5) && wait <= Duration::from_secs(10),
            "{wait:?}"
        );
        assert!(limit.check(b).is_ok());
    }

    #[test]
    fn ipv6_clients_count_by_their_64_and_zero_turns_the_limit_off() {
        let one: IpAddr = "2001:db8:1:2::1".parse().unwrap();
        let other: IpAddr = "2001:db8:1:2:ffff::9".parse().unwrap();
        assert_eq!(client_key(one), client_key(other));
        let mapped: IpAddr = "::ffff:192.0.2.7".parse().unwrap();
        assert_eq!(client_key(mapped), "192.0.2.7".parse::<IpAddr>().unwrap());
        let off = RateLimit::new(
            "off",
            RateQuota {
                per_minute: 0,
                burst: 1,
            },
        );
        assert!((0..100).all(|_| off.check(one).is_ok()));
    }
}
