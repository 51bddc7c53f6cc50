//! `/api/v1/health`: is the service up, and can it reach its database?

use crate::extract::AppJson;
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Serialize;
use std::time::Duration;
use utoipa::ToSchema;

/// How long the database may take to answer a health ping: 2 s.
pub const PING_TIMEOUT: Duration = Duration::from_secs(2);

/// Routes of this area, relative to `/api/v1`.
pub fn routes() -> Router<AppState> {
    Router::new().route("/health", get(health))
}

/// Overall state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum HealthStatus {
    /// Serving, database reachable.
    Ok,
    /// Serving from the in-memory index, but the database does not answer.
    Degraded,
}

/// Health report.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok`, or `degraded` when the database does not answer.
    pub status: HealthStatus,
    /// renkei version.
    #[schema(example = "0.1.0")]
    pub version: &'static str,
    /// Database backend: `sqlite` or `postgres`.
    #[schema(example = "sqlite")]
    pub database: &'static str,
    /// Active facilities in the directory being served.
    pub facilities: u64,
}

/// Service health (稼働状況).
#[utoipa::path(
    get,
    path = "/api/v1/health",
    tag = "service",
    responses(
        (status = 200, description = "Up, database reachable / 正常", body = Health),
        (status = 503, description = "Database unreachable; still JSON with status `degraded` / データベースに接続できません", body = Health),
    )
)]
pub async fn health(State(state): State<AppState>) -> Response {
    let status = match tokio::time::timeout(PING_TIMEOUT, state.store.ping()).await {
        Ok(Ok(())) => HealthStatus::Ok,
        Ok(Err(error)) => {
            tracing::warn!(%error, "health: database ping failed");
            HealthStatus::Degraded
        }
        Err(_) => {
            tracing::warn!(
                timeout_s = PING_TIMEOUT.as_secs(),
                "health: database ping timed out"
            );
            HealthStatus::Degraded
        }
    };
    let code = match status {
        HealthStatus::Ok => StatusCode::OK,
        HealthStatus::Degraded => StatusCode::SERVICE_UNAVAILABLE,
    };
    let body = Health {
        status,
        version: env!("CARGO_PKG_VERSION"),
        database: state.store.backend().as_str(),
        facilities: state.index.load().active_count() as u64,
    };
    (code, AppJson(body)).into_response()
}
