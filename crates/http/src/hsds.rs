//! `/hsds`: the Open Referral HSDS 3.0 API profile, a thin adapter over
//! [`renkei_app::hsds_api`] (query string → typed filter → HSDS objects,
//! which are already HSDS's JSON). Lists use HSDS's `Page` envelope with
//! `page` / `per_page` (default 50, at most 1,000). Besides HSDS's filters,
//! renkei's extension takes `lon`, `lat` and `radius_m` (a circle: WGS 84
//! degrees, metres) and `region` (a 二次医療圏 code, e.g. `1407`).

use crate::error::{ApiError, ApiResult};
use crate::extract::{AppPath, AppQuery};
use crate::params::{flag, parse_number, parse_point, positive, present};
use crate::AppState;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, NaiveDate, Utc};
use renkei_app::hsds::model::{Organization, Service, ServiceAtLocation, Taxonomy, TaxonomyTerm};
use renkei_app::hsds_api::{self, Page, Paging, ServiceFilter, MAX_PER_PAGE, MAX_RADIUS_M};
use renkei_app::regions::parse_region;
use serde::{Deserialize, Serialize};

/// HSDS's OpenAPI document, which this profile follows.
pub const HSDS_OPENAPI_URL: &str =
    "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/openapi.json";
/// Where HSDS 3.0 and its profiles are described.
pub const HSDS_PROFILE_URL: &str = "https://docs.openreferral.org/en/latest/hsds/profiles.html";

/// The routes, relative to the root.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/hsds", get(about))
        .route("/hsds/", get(about))
        .route("/hsds/services", get(services))
        .route("/hsds/services/{id}", get(service))
        .route("/hsds/service_at_locations", get(service_at_locations))
        .route("/hsds/service_at_locations/{id}", get(service_at_location))
        .route("/hsds/organizations", get(organizations))
        .route("/hsds/organizations/{id}", get(organization))
        .route("/hsds/taxonomies", get(taxonomies))
        .route("/hsds/taxonomies/{id}", get(taxonomy))
        .route("/hsds/taxonomy_terms", get(taxonomy_terms))
        .route("/hsds/taxonomy_terms/{id}", get(taxonomy_term))
}

/// `GET /hsds/`: what this API is.
#[derive(Debug, Serialize)]
pub struct About {
    /// HSDS version.
    pub version: &'static str,
    /// The profile's description.
    pub profile: &'static str,
    /// The OpenAPI document of the endpoints.
    pub openapi_url: &'static str,
}

async fn about() -> Json<About> {
    Json(About {
        version: renkei_app::hsds::HSDS_VERSION,
        profile: HSDS_PROFILE_URL,
        openapi_url: HSDS_OPENAPI_URL,
    })
}

/// Query parameters of the lists; empty values count as absent.
#[derive(Debug, Default, Deserialize)]
pub struct ListParams {
    search: Option<String>,
    taxonomy_term_id: Option<String>,
    taxonomy_id: Option<String>,
    organization_id: Option<String>,
    modified_after: Option<String>,
    postcode: Option<String>,
    proximity: Option<String>,
    lon: Option<String>,
    lat: Option<String>,
    radius_m: Option<String>,
    region: Option<String>,
    page: Option<String>,
    per_page: Option<String>,
    full: Option<String>,
    full_service: Option<String>,
    format: Option<String>,
}

impl ListParams {
    fn paging(&self) -> ApiResult<Paging> {
        if let Some(format) = present(self.format.as_deref()).filter(|f| *f != "json") {
            return Err(ApiError::bad_parameter(
                "format",
                format!("{format:?} ではなく json を指定してください"),
                format!("only json is served, not {format:?}"),
            ));
        }
        let defaults = Paging::default();
        Ok(Paging {
            page: parse_number("page", self.page.as_deref(), 1, u32::MAX)?.unwrap_or(defaults.page),
            per_page: parse_number("per_page", self.per_page.as_deref(), 1, MAX_PER_PAGE)?
                .unwrap_or(defaults.per_page),
        })
    }

    fn filter(&self) -> ApiResult<ServiceFilter> {
        let text = |v: &Option<String>| present(v.as_deref()).map(str::to_owned);
        let radius = positive("radius_m", self.radius_m.as_deref(), MAX_RADIUS_M)?;
        let near = match (
            present(self.lon.as_deref()),
            present(self.lat.as_deref()),
            radius,
        ) {
            (None, None, None) => None,
            (_, _, Some(metres)) => Some((
                parse_point(self.lon.as_deref(), self.lat.as_deref())?,
                metres,
            )),
            _ => {
                return Err(ApiError::bad_parameter(
                    "radius_m",
                    "lon, lat と一緒に radius_m (メートル) を指定してください",
                    "give radius_m (metres) with lon and lat",
                ))
            }
        };
        Ok(ServiceFilter {
            search: text(&self.search),
            taxonomy_term_id: text(&self.taxonomy_term_id),
            taxonomy_id: text(&self.taxonomy_id),
            organization_id: text(&self.organization_id),
            modified_after: present(self.modified_after.as_deref())
                .map(modified_after)
                .transpose()?,
            postcode: text(&self.postcode),
            proximity_m: positive("proximity", self.proximity.as_deref(), MAX_RADIUS_M)?,
            near,
            region: present(self.region.as_deref())
                .map(|r| parse_region("region", r))
                .transpose()?,
        })
    }

    fn full(&self) -> ApiResult<bool> {
        Ok(flag("full", self.full.as_deref())?
            || flag("full_service", self.full_service.as_deref())?)
    }
}

/// An RFC 3339 time, or a date (midnight UTC).
fn modified_after(text: &str) -> ApiResult<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .or_else(|_| {
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map(|d| d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc())
        })
        .map_err(|_| {
            ApiError::bad_parameter(
                "modified_after",
                format!("{text:?} ではなく日時 (RFC 3339, 例: 2025-04-01T00:00:00Z) か日付 (2025-04-01) を指定してください"),
                format!("give a time (RFC 3339, e.g. 2025-04-01T00:00:00Z) or a date (2025-04-01), not {text:?}"),
            )
        })
}

async fn services(
    State(state): State<AppState>,
    AppQuery(params): AppQuery<ListParams>,
) -> ApiResult<Json<Page<Service>>> {
    let snapshot = state.index.snapshot();
    let page = hsds_api::services(
        &snapshot,
        &params.filter()?,
        params.paging()?,
        params.full()?,
    )?;
    Ok(Json(page))
}

async fn service(
    State(state): State<AppState>,
    AppPath(id): AppPath<String>,
) -> ApiResult<Json<Service>> {
    Ok(Json(hsds_api::service(&state.index.snapshot(), &id)?))
}

async fn service_at_locations(
    State(state): State<AppState>,
    AppQuery(params): AppQuery<ListParams>,
) -> ApiResult<Json<Page<ServiceAtLocation>>> {
    let snapshot = state.index.snapshot();
    let page = hsds_api::service_at_locations(
        &snapshot,
        &params.filter()?,
        params.paging()?,
        params.full()?,
    )?;
    Ok(Json(page))
}

async fn service_at_location(
    State(state): State<AppState>,
    AppPath(id): AppPath<String>,
) -> ApiResult<Json<ServiceAtLocation>> {
    Ok(Json(hsds_api::service_at_location(
        &state.index.snapshot(),
        &id,
    )?))
}

async fn organizations(
    State(state): State<AppState>,
    AppQuery(params): AppQuery<ListParams>,
) -> ApiResult<Json<Page<Organization>>> {
    let snapshot = state.index.snapshot();
    let page = hsds_api::organizations(
        &snapshot,
        present(params.search.as_deref()),
        params.paging()?,
        params.full()?,
    )?;
    Ok(Json(page))
}

async fn organization(
    State(state): State<AppState>,
    AppPath(id): AppPath<String>,
) -> ApiResult<Json<Organization>> {
    Ok(Json(hsds_api::organization(&state.index.snapshot(), &id)?))
}

async fn taxonomies(AppQuery(params): AppQuery<ListParams>) -> ApiResult<Json<Page<Taxonomy>>> {
    Ok(Json(hsds_api::taxonomies(params.paging()?)?))
}

async fn taxonomy_terms(
    AppQuery(params): AppQuery<ListParams>,
) -> ApiResult<Json<Page<TaxonomyTerm>>> {
    let paging = params.paging()?;
    Ok(Json(hsds_api::taxonomy_terms(
        present(params.taxonomy_id.as_deref()),
        paging,
    )?))
}

async fn taxonomy(AppPath(id): AppPath<String>) -> ApiResult<Json<Taxonomy>> {
    Ok(Json(hsds_api::taxonomy(&id)?))
}

async fn taxonomy_term(AppPath(id): AppPath<String>) -> ApiResult<Json<TaxonomyTerm>> {
    Ok(Json(hsds_api::taxonomy_term(&id)?))
}
