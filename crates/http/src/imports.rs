//! `/api/v1/imports`: the import-run log, so desks see how fresh each source is.

use crate::error::ApiError;
use crate::extract::{AppJson, AppQuery};
use crate::params::parse_number;
use crate::AppState;
use axum::extract::State;
use axum::routing::get;
use axum::Router;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Most runs one request returns.
pub const MAX_LIMIT: u32 = 500;

/// Routes of this area, relative to `/api/v1`.
pub fn routes() -> Router<AppState> {
    Router::new().route("/imports", get(list_imports))
}

/// Query parameters of `/imports`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportsQuery {
    /// How many runs, newest first: 1…500, default 50.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 500)]
    pub limit: Option<String>,
}

/// One imported file.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportRunDto {
    /// Source key the records were stored under (e.g. `mhlw-kaigo-kouhyou`).
    pub source: String,
    /// File name (a zip member as `archive.zip!member.csv`).
    pub file: String,
    /// SHA-256 of the file, hex.
    pub checksum_sha256: String,
    /// When reading started (UTC, ISO 8601).
    pub started_at: DateTime<Utc>,
    /// When the write committed (UTC, ISO 8601).
    pub finished_at: DateTime<Utc>,
    /// Data rows read.
    pub rows_read: u64,
    /// Records inserted.
    pub inserted: u64,
    /// Records updated.
    pub updated: u64,
    /// Records already stored as given.
    pub unchanged: u64,
    /// Rows rejected (bad coordinates, empty names …).
    pub rejected: u64,
    /// Records of the source marked closed because the import no longer lists them.
    pub closed: u64,
}

/// The import-run log.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportRunList {
    /// Runs, newest first.
    pub items: Vec<ImportRunDto>,
}

/// Import runs, newest first (取り込み履歴).
#[utoipa::path(
    get,
    path = "/api/v1/imports",
    tag = "service",
    params(ImportsQuery),
    responses(
        (status = 200, description = "Import runs, newest first / 取り込み履歴", body = ImportRunList),
        (status = 400, description = "Bad `limit` / パラメータが不正です", body = crate::error::ErrorBody),
    )
)]
pub async fn list_imports(
    State(state): State<AppState>,
    AppQuery(query): AppQuery<ImportsQuery>,
) -> Result<AppJson<ImportRunList>, ApiError> {
    let limit = parse_number("limit", query.limit.as_deref(), 1, MAX_LIMIT)?.unwrap_or(50);
    let runs = state.store.import_runs(limit).await?;
    let items = runs
        .into_iter()
        .map(|r| ImportRunDto {
            source: r.source_key,
            file: r.file_name,
            checksum_sha256: r.checksum_sha256,
            started_at: r.started_at,
            finished_at: r.finished_at,
            rows_read: r.rows_read,
            inserted: r.inserted,
            updated: r.updated,
            unchanged: r.unchanged,
            rejected: r.rejected,
            closed: r.closed,
        })
        .collect();
    Ok(AppJson(ImportRunList { items }))
}
