//! `/api/v1/facilities`: the directory as JSON, GeoJSON or CSV, served from
//! the read model's snapshot ([`renkei_app::facilities`]).
//!
//! Paging: JSON lists default to 50 and allow up to 1,000 per page. The CSV and
//! GeoJSON exports are for downloading whole areas, so they default to and allow
//! up to [`EXPORT_MAX_PER_PAGE`] rows per page; every list response carries the
//! total in `X-Total-Count`, and a larger result is fetched page by page.

use crate::dto::{FacilityDto, FacilityList};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::export::{csv_response, geojson_response, Feature, FeatureCollection};
use crate::extract::{AppJson, AppPath, AppQuery};
use crate::params::{parse_number, present};
use crate::AppState;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderName, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use renkei_app::facilities::{facility, FacilityListQuery, MAX_PER_PAGE};
use renkei_app::Snapshot;
use renkei_core::directory_index::DirectoryQuery;
use renkei_core::{AccreditationCode, FacilityId, KindCode, MunicipalityCode};
use renkei_store::PageRequest;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// Largest page of the CSV and GeoJSON exports, and their default page size.
pub const EXPORT_MAX_PER_PAGE: u32 = MAX_PER_PAGE;

/// Highest page number of a list (beyond the last page a list is empty).
pub const MAX_PAGE: u32 = 1_000_000;

/// Header with the number of matching facilities over all pages.
pub const TOTAL_COUNT_HEADER: HeaderName = HeaderName::from_static("x-total-count");

/// Routes of this area, relative to `/api/v1`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/facilities", get(list_facilities))
        .route("/facilities/{id}", get(get_facility))
}

/// Response formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum Format {
    /// JSON (default).
    Json,
    /// GeoJSON FeatureCollection (RFC 7946), also chosen by `Accept: application/geo+json`.
    Geojson,
    /// CSV, UTF-8 with BOM, also chosen by `Accept: text/csv`.
    Csv,
}

/// Query parameters of the facility list. Empty values count as absent.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Only this kind (a taxonomy kind code, e.g. `visiting_nurse`, `hospital`).
    #[param(value_type = Option<String>, example = "visiting_nurse")]
    pub kind: Option<String>,
    /// Only this municipality or ward (five-digit code without check digit, as
    /// `N03_007`). A designated-city code (e.g. `14100` 横浜市) includes its wards.
    #[param(value_type = Option<String>, pattern = "^[0-9]{5}$", example = "14207")]
    pub municipality: Option<String>,
    /// Only hospitals holding this accreditation (施設基準), e.g. `nicu_1`, `picu`,
    /// `pediatric_inpatient_2` (codes in the taxonomy).
    #[param(value_type = Option<String>, example = "picu")]
    pub accreditation: Option<String>,
    /// Page number, from 1. Default 1.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 1_000_000, example = 1)]
    pub page: Option<String>,
    /// Facilities per page: JSON 1–1000 (default 50); CSV and GeoJSON 1–10000 (default 10000).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 10000, example = 50)]
    pub per_page: Option<String>,
    /// Response format; when absent, `Accept` decides (default JSON).
    #[param(value_type = Option<Format>)]
    pub format: Option<String>,
}

/// Query parameters of one facility.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FacilityParams {
    /// Response format; when absent, `Accept` decides (default JSON; GeoJSON gives one Feature).
    #[param(value_type = Option<Format>)]
    pub format: Option<String>,
}

/// List facilities (施設一覧).
#[utoipa::path(
    get,
    path = "/api/v1/facilities",
    tag = "facilities",
    params(ListParams),
    responses(
        (status = 200, description = "A page of facilities / 施設の一覧",
            headers(("x-total-count" = u64, description = "Matching facilities over all pages")),
            content(
                (FacilityList = "application/json"),
                (FeatureCollection = "application/geo+json"),
                (String = "text/csv"),
            )),
        (status = 400, description = "A parameter is malformed or out of range; `field` names it", body = ErrorBody),
    )
)]
pub async fn list_facilities(
    State(state): State<AppState>,
    headers: HeaderMap,
    AppQuery(params): AppQuery<ListParams>,
) -> ApiResult<Response> {
    list_response(
        &state.index.snapshot(),
        &headers,
        &params,
        DirectoryQuery::default(),
    )
}

/// A page of the facilities matching `params` inside `scope` (a region or
/// municipality the path names; its filters win over the query's), in the
/// negotiated format, with the total in `X-Total-Count`.
pub(crate) fn list_response(
    snapshot: &Snapshot,
    headers: &HeaderMap,
    params: &ListParams,
    scope: DirectoryQuery,
) -> ApiResult<Response> {
    let format = negotiate(params.format.as_deref(), headers)?;
    // Checked even when the path's scope wins, so a bad value is always a 400.
    let municipality = present(params.municipality.as_deref())
        .map(parse_municipality)
        .transpose()?;
    let query = DirectoryQuery {
        kind: present(params.kind.as_deref())
            .map(parse_kind)
            .transpose()?,
        municipality: match scope.municipality {
            Some(area) => Some(area),
            None => municipality.map(|code| snapshot.regions().municipality_area(&code)),
        },
        include_closed: false,
        region: scope.region,
        accreditation: present(params.accreditation.as_deref())
            .map(|text| {
                AccreditationCode::new(text).map_err(|error| {
                    ApiError::bad_parameter(
                        "accreditation",
                        format!("施設基準コード {text:?} はありません ({error})"),
                        error.to_string(),
                    )
                })
            })
            .transpose()?,
    };
    let (default_per_page, max_per_page) = match format {
        Format::Json => (PageRequest::DEFAULT_PER_PAGE, PageRequest::MAX_PER_PAGE),
        Format::Geojson | Format::Csv => (EXPORT_MAX_PER_PAGE, EXPORT_MAX_PER_PAGE),
    };
    let page = parse_number("page", params.page.as_deref(), 1, MAX_PAGE)?.unwrap_or(1);
    let per_page = parse_number("per_page", params.per_page.as_deref(), 1, max_per_page)?
        .unwrap_or(default_per_page);

    let found = FacilityListQuery {
        filter: query,
        page,
        per_page,
    }
    .run(snapshot)?;
    let total = found.total as u64;
    let items = found.items;
    let mut response = match format {
        Format::Json => AppJson(FacilityList {
            items: items.into_iter().map(FacilityDto::from).collect(),
            total,
            page,
            per_page,
        })
        .into_response(),
        Format::Geojson => geojson_response(&FeatureCollection {
            kind: "FeatureCollection",
            features: items.iter().map(Feature::from).collect(),
        })?,
        Format::Csv => csv_response(items.iter(), "renkei-facilities.csv")?,
    };
    response
        .headers_mut()
        .insert(TOTAL_COUNT_HEADER, HeaderValue::from(total));
    response
        .headers_mut()
        .insert(header::VARY, HeaderValue::from_static("accept"));
    Ok(response)
}

/// One facility (施設の詳細).
#[utoipa::path(
    get,
    path = "/api/v1/facilities/{id}",
    tag = "facilities",
    params(("id" = Uuid, Path, description = "Facility id"), FacilityParams),
    responses(
        (status = 200, description = "The facility / 施設", content(
            (FacilityDto = "application/json"),
            (Feature = "application/geo+json"),
            (String = "text/csv"),
        )),
        (status = 400, description = "The id is not a UUID, or `format` is unknown", body = ErrorBody),
        (status = 404, description = "No facility has this id / 該当する施設がありません", body = ErrorBody),
    )
)]
pub async fn get_facility(
    State(state): State<AppState>,
    headers: HeaderMap,
    AppPath(id): AppPath<String>,
    AppQuery(params): AppQuery<FacilityParams>,
) -> ApiResult<Response> {
    let format = negotiate(params.format.as_deref(), &headers)?;
    let id = Uuid::parse_str(&id).map_err(|_| {
        ApiError::bad_parameter(
            "id",
            format!("{id:?} は施設 ID (UUID) ではありません"),
            format!("{id:?} is not a facility id (UUID)"),
        )
    })?;
    let facility = facility(&state.index.snapshot(), FacilityId(id))?;
    let mut response = match format {
        Format::Json => AppJson(FacilityDto::from(facility)).into_response(),
        Format::Geojson => geojson_response(&Feature::from(&facility))?,
        Format::Csv => csv_response(
            std::iter::once(&facility),
            &format!("renkei-facility-{id}.csv"),
        )?,
    };
    response
        .headers_mut()
        .insert(header::VARY, HeaderValue::from_static("accept"));
    Ok(response)
}

/// `format` wins; otherwise `Accept` picks GeoJSON or CSV; otherwise JSON.
fn negotiate(format: Option<&str>, headers: &HeaderMap) -> ApiResult<Format> {
    if let Some(format) = present(format) {
        return match format {
            "json" => Ok(Format::Json),
            "geojson" => Ok(Format::Geojson),
            "csv" => Ok(Format::Csv),
            other => Err(ApiError::bad_parameter(
                "format",
                format!("{other:?} は使えません。json, geojson, csv のどれかを指定してください"),
                format!("{other:?} is not supported; use json, geojson or csv"),
            )),
        };
    }
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    Ok(if accept.contains("application/geo+json") {
        Format::Geojson
    } else if accept.contains("text/csv") {
        Format::Csv
    } else {
        Format::Json
    })
}

fn parse_kind(text: &str) -> ApiResult<KindCode> {
    KindCode::new(text).map_err(|error| {
        ApiError::bad_parameter(
            "kind",
            format!("種別コード {text:?} はありません ({error})"),
            error.to_string(),
        )
    })
}

fn parse_municipality(text: &str) -> ApiResult<MunicipalityCode> {
    MunicipalityCode::new(text).map_err(|error| {
        ApiError::bad_parameter(
            "municipality",
            format!("市区町村コード {text:?} は5桁の数字で指定してください (例: 14207 茅ヶ崎市)"),
            format!("{error}; e.g. 14207 for Chigasaki"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_parameter_wins_over_accept() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT,
            HeaderValue::from_static("application/geo+json"),
        );
        assert_eq!(negotiate(None, &headers).unwrap(), Format::Geojson);
        assert_eq!(negotiate(Some("csv"), &headers).unwrap(), Format::Csv);
        assert_eq!(negotiate(None, &HeaderMap::new()).unwrap(), Format::Json);
        assert!(negotiate(Some("xml"), &headers).is_err());
    }
}
