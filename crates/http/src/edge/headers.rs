//! Security headers on every response and the CORS policy of the public reads.
//!
//! The Content-Security-Policy fits the web client as it is built (`web/`,
//! served from the same origin): scripts and styles from the server itself
//! (inline styles too: MapLibre and `/api/docs` use them), MapLibre's web
//! workers and images from `blob:` URLs, `data:` images, and the optional
//! online base map 地理院タイル (`web/src/mapStyle.ts`). Nothing may frame the
//! pages, and no referrer leaves them: a search URL names a child's care needs.
//!
//! CORS: any origin (`*`, the default) or a configured list may read with GET
//! and HEAD, never with credentials; a preflight (`OPTIONS`) gets 204 with the
//! allowed methods and headers, on every path. Writes (staff routes) are not
//! opened to other origins.

use axum::extract::{Request, State};
use axum::http::{header, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use std::str::FromStr;
use std::time::Duration;
use tower_http::cors::{AllowOrigin, CorsLayer};

/// The Content-Security-Policy of every response.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; \
    script-src 'self'; \
    style-src 'self' 'unsafe-inline'; \
    img-src 'self' data: blob: https://cyberjapandata.gsi.go.jp; \
    font-src 'self' data:; \
    connect-src 'self' https://cyberjapandata.gsi.go.jp; \
    worker-src 'self' blob:; \
    child-src 'self' blob:; \
    object-src 'none'; \
    base-uri 'self'; \
    form-action 'self'; \
    frame-ancestors 'none'";

/// `Strict-Transport-Security` when the public URL is https: one year.
pub const STRICT_TRANSPORT_SECURITY: &str = "max-age=31536000";

/// How long a browser may reuse a preflight answer: one day.
const PREFLIGHT_MAX_AGE: Duration = Duration::from_secs(24 * 60 * 60);

/// Sets the security headers a response does not set itself; HSTS only when
/// `https` (the public URL is https, so browsers reach the server over TLS).
/// Runs as `axum::middleware::map_response_with_state`.
pub async fn security_headers(State(https): State<bool>, mut response: Response) -> Response {
    let headers = response.headers_mut();
    let mut set = |name: HeaderName, value: &'static str| {
        if !headers.contains_key(&name) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    };
    set(header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY);
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::X_FRAME_OPTIONS, "DENY");
    set(header::REFERRER_POLICY, "no-referrer");
    set(
        HeaderName::from_static("permissions-policy"),
        "camera=(), microphone=(), payment=(), geolocation=(self)",
    );
    if https {
        set(header::STRICT_TRANSPORT_SECURITY, STRICT_TRANSPORT_SECURITY);
    }
    response
}

/// Origins allowed to read from a browser page elsewhere.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum CorsOrigins {
    /// Any origin (`Access-Control-Allow-Origin: *`), never with credentials.
    #[default]
    Any,
    /// Only these origins (`https://map.example.jp`), echoed back with `Vary: Origin`.
    List(Vec<HeaderValue>),
}

/// Why a `--cors-origins` value was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{origin:?} is not an origin such as https://map.example.jp (scheme and host, optional port, no path); give * or a comma-separated list")]
pub struct BadOrigin {
    /// The value as given.
    pub origin: String,
}

impl FromStr for CorsOrigins {
    type Err = BadOrigin;

    /// `*`, or origins separated by commas.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if text.trim() == "*" {
            return Ok(Self::Any);
        }
        let origins = text
            .split(',')
            .map(str::trim)
            .filter(|o| !o.is_empty())
            .map(|origin| {
                let bad = || BadOrigin {
                    origin: origin.to_owned(),
                };
                let url = url::Url::parse(origin).map_err(|_| bad())?;
                let serialised = url.origin().ascii_serialization();
                if !matches!(url.scheme(), "http" | "https")
                    || serialised.trim_end_matches('/') != origin.trim_end_matches('/')
                {
                    return Err(bad());
                }
                HeaderValue::from_str(&serialised).map_err(|_| bad())
            })
            .collect::<Result<Vec<_>, _>>()?;
        if origins.is_empty() {
            return Err(BadOrigin {
                origin: text.to_owned(),
            });
        }
        Ok(Self::List(origins))
    }
}

/// The CORS layer: GET and HEAD from `origins`, no credentials.
pub fn cors(origins: &CorsOrigins) -> CorsLayer {
    let allow = match origins {
        CorsOrigins::Any => AllowOrigin::any(),
        CorsOrigins::List(list) => AllowOrigin::list(list.iter().cloned()),
    };
    CorsLayer::new()
        .allow_origin(allow)
        .allow_methods([Method::GET, Method::HEAD])
        .allow_headers([
            header::ACCEPT,
            header::ACCEPT_LANGUAGE,
            header::CONTENT_LANGUAGE,
            header::IF_NONE_MATCH,
            header::IF_MODIFIED_SINCE,
            header::RANGE,
            crate::REQUEST_ID_HEADER,
        ])
        .expose_headers([
            crate::REQUEST_ID_HEADER,
            header::RETRY_AFTER,
            header::CONTENT_DISPOSITION,
            header::CONTENT_LENGTH,
        ])
        .max_age(PREFLIGHT_MAX_AGE)
}

/// Turns the CORS layer's empty 200 answer to a preflight into 204 No Content
/// (it has no body). Runs as `axum::middleware::from_fn` around [`cors`].
pub async fn preflight_no_content(request: Request, next: Next) -> Response {
    let preflight = request.method() == Method::OPTIONS;
    let mut response = next.run(request).await;
    if preflight && response.status() == StatusCode::OK {
        *response.status_mut() = StatusCode::NO_CONTENT;
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_parse_as_star_or_a_list_of_bare_origins() {
        assert_eq!("*".parse::<CorsOrigins>().unwrap(), CorsOrigins::Any);
        let list: CorsOrigins = "https://map.example.jp, http://localhost:5173"
            .parse()
            .unwrap();
        assert_eq!(
            list,
            CorsOrigins::List(vec![
                HeaderValue::from_static("https://map.example.jp"),
                HeaderValue::from_static("http://localhost:5173"),
            ])
        );
        for bad in [
            "map.example.jp",
            "https://map.example.jp/path",
            "ftp://x.example",
            "",
        ] {
            assert!(bad.parse::<CorsOrigins>().is_err(), "{bad}");
        }
    }
}
