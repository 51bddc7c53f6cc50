//! HTTP interface of renkei: the REST API under `/api/v1` (JSON, GeoJSON, CSV),
//! its OpenAPI document at `/openapi.json` and a readable page at `/api/docs`,
//! and the web client's static files at `/`.
//!
//! [`router`] builds the whole service; the binary and the tests call the same
//! function. The routes are adapters over renkei-app: each parses its request
//! ([`params`]), builds one of the app's typed queries, runs it on the read
//! model's snapshot ([`renkei_app::ReadModel`], which a background task keeps
//! in step with the store) and maps the answer to its response.

pub mod auth;
pub mod contract;
pub mod coverage;
pub mod docs;
pub mod dto;
pub mod edge;
pub mod error;
pub mod export;
pub mod extract;
pub mod facilities;
pub mod geocode;
pub mod health;
pub mod hsds;
pub mod imports;
pub mod ogc;
pub mod openapi;
pub mod params;
pub mod print;
pub mod regions;
pub mod rollout;
pub mod search;
pub mod summaries;
pub mod tiles;
pub mod web;

pub use error::{ApiError, ApiResult};

use axum::extract::Request;
use axum::http::{header, HeaderName, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use edge::access_log::RequestSummary;
use edge::{EdgeConfig, LinkBase};
use renkei_app::ReadModel;
use renkei_core::verification::AgeingPolicy;
use renkei_store::SharedStore;
use std::any::Any;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tower_http::LatencyUnit;
use url::Url;

/// Header carrying the request id (set when the client sends none, echoed back).
pub const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// Settings of the HTTP service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpConfig {
    /// Folder with the built web client (`index.html` and assets).
    pub web_dir: PathBuf,
    /// Longest a request may take before a 503 `timeout`.
    pub request_timeout: Duration,
    /// Largest request body accepted, in bytes; larger gets a 413.
    pub body_limit_bytes: usize,
    /// The public address of the service (`--public-url`), the only source of
    /// absolute URLs in responses and printed matter ([`edge::links`]).
    pub public_url: Option<Url>,
    /// The server's own address (the bound one, loopback for 0.0.0.0), which
    /// stands in for absolute URLs when `public_url` is not set.
    pub local_url: Option<Url>,
    /// Security headers, CORS, rate and render limits, timeouts, request logs.
    pub edge: EdgeConfig,
    /// When confirmed answers lapse to 要確認 in search and printed sheets.
    pub ageing: AgeingPolicy,
}

impl HttpConfig {
    /// Default for [`HttpConfig::web_dir`]: `web/dist`.
    pub const DEFAULT_WEB_DIR: &'static str = "web/dist";
    /// Default for [`HttpConfig::request_timeout`]: 30 s.
    pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
    /// Default for [`HttpConfig::body_limit_bytes`]: 1 MiB.
    pub const DEFAULT_BODY_LIMIT_BYTES: usize = 1024 * 1024;
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            web_dir: PathBuf::from(Self::DEFAULT_WEB_DIR),
            request_timeout: Self::DEFAULT_REQUEST_TIMEOUT,
            body_limit_bytes: Self::DEFAULT_BODY_LIMIT_BYTES,
            public_url: None,
            local_url: None,
            edge: EdgeConfig::default(),
            ageing: AgeingPolicy::default(),
        }
    }
}

impl HttpConfig {
    /// Where absolute URLs point: the public URL, else the server's own address.
    pub fn link_base(&self) -> LinkBase {
        LinkBase::new(self.public_url.as_ref(), self.local_url.as_ref())
    }
}

/// What every handler can reach.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The database.
    pub store: SharedStore,
    /// The read model: the current snapshot of directory index, regions and geocoder.
    pub index: ReadModel,
    /// Settings.
    pub config: Arc<HttpConfig>,
}

impl AppState {
    /// State serving the read model `index` of `store` with `config`.
    pub fn new(store: SharedStore, index: ReadModel, config: HttpConfig) -> Self {
        Self {
            store,
            index,
            config: Arc::new(config),
        }
    }
}

/// The whole service: [`routes`] with the [`with_layers`] middleware.
pub fn router(state: AppState) -> Router {
    let config = Arc::clone(&state.config);
    with_layers(routes(state), &config)
}

/// All routes without middleware: `/api/v1/…`, `/api/docs`, `/openapi.json`,
/// and the web client as the fallback for every other path.
pub fn routes(state: AppState) -> Router {
    let v1 = Router::new()
        .merge(health::routes())
        .merge(facilities::routes())
        .merge(regions::routes())
        .merge(imports::routes())
        .merge(search::routes())
        .merge(edge::limit_print(print::routes(), &state.config.edge))
        .merge(geocode::routes())
        .merge(edge::limit_coverage(coverage::routes(), &state.config.edge))
        .merge(rollout::routes());
    let api = Router::new()
        .nest("/v1", v1)
        .route("/docs", get(docs::api_docs))
        .fallback(route_not_found);
    Router::new()
        .nest("/api", api)
        .route("/openapi.json", get(openapi::openapi_json))
        .merge(tiles::routes())
        .merge(hsds::routes())
        .merge(ogc::routes())
        .fallback_service(web::service(&state.config.web_dir))
        .with_state(state)
}

/// Adds the middleware, once, outermost first: request id, tracing (DEBUG per
/// request), request-id echo, compression (gzip, br), the INFO request
/// summary, security headers, preflight 204, CORS, panic → JSON 500, JSON bodies for bare
/// error statuses, body limit, timeout.
pub fn with_layers(router: Router, config: &HttpConfig) -> Router {
    let trace = TraceLayer::new_for_http()
        .make_span_with(|request: &Request| {
            let request_id = request.headers().get(&REQUEST_ID_HEADER).and_then(|v| v.to_str().ok()).unwrap_or("-");
            tracing::debug_span!("request", method = %request.method(), uri = %request.uri(), request_id)
        })
        .on_response(DefaultOnResponse::new().level(tracing::Level::DEBUG).latency_unit(LatencyUnit::Millis));
    let https = config
        .public_url
        .as_ref()
        .is_some_and(|url| url.scheme() == "https");
    // Router::layer wraps every route and the fallback; each call sees the
    // responses of the layers inside it as plain axum responses.
    router
        .layer(
            ServiceBuilder::new()
                .layer(axum::middleware::from_fn(reject_long_uri))
                .layer(RequestBodyLimitLayer::new(config.body_limit_bytes))
                .layer(TimeoutLayer::with_status_code(
                    StatusCode::SERVICE_UNAVAILABLE,
                    config.request_timeout,
                )),
        )
        .layer(axum::middleware::map_response(json_for_bare_errors))
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(edge::headers::cors(&config.edge.cors_origins))
        .layer(axum::middleware::from_fn(
            edge::headers::preflight_no_content,
        ))
        .layer(axum::middleware::map_response_with_state(
            https,
            edge::headers::security_headers,
        ))
        .layer(axum::middleware::from_fn_with_state(
            RequestSummary::new(config.edge.log_summary_every),
            edge::access_log::summarise,
        ))
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(REQUEST_ID_HEADER, MakeRequestUuid))
                .layer(trace)
                .layer(PropagateRequestIdLayer::new(REQUEST_ID_HEADER))
                .layer(CompressionLayer::new()),
        )
}

/// The longest path and query the service reads, bytes (percent-encoded, as
/// sent). Every parameter fits in far less; a longer one is refused with the
/// JSON error body before any handler parses it (hyper itself refuses request
/// lines over 64 KiB, without a body).
pub const MAX_URI_BYTES: usize = 8 * 1024;

async fn reject_long_uri(request: Request, next: axum::middleware::Next) -> Response {
    let length = request
        .uri()
        .path_and_query()
        .map_or(0, |path| path.as_str().len());
    if length > MAX_URI_BYTES {
        return ApiError::UriTooLong.into_response();
    }
    next.run(request).await
}

async fn route_not_found() -> ApiError {
    ApiError::RouteNotFound
}

/// A panicking handler becomes a logged, generic JSON 500.
#[expect(
    clippy::needless_pass_by_value,
    reason = "CatchPanicLayer hands the payload over by value"
)]
fn panic_response(panic: Box<dyn Any + Send + 'static>) -> Response {
    let message = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("non-text panic payload");
    ApiError::internal(format!("handler panicked: {message}")).into_response()
}

/// Responses that axum or tower-http produce without a body of ours (405 from
/// routing, 413 from the body limit, 503 from the timeout) get the JSON error body.
async fn json_for_bare_errors(response: Response) -> Response {
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes().starts_with(b"application/json"));
    if is_json {
        return response;
    }
    let error = match response.status() {
        StatusCode::METHOD_NOT_ALLOWED => ApiError::MethodNotAllowed,
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge,
        StatusCode::SERVICE_UNAVAILABLE | StatusCode::REQUEST_TIMEOUT => ApiError::Timeout,
        _ => return response,
    };
    let allow = response.headers().get(header::ALLOW).cloned();
    let mut json = error.into_response();
    if let Some(allow) = allow {
        json.headers_mut().insert(header::ALLOW, allow);
    }
    json
}
