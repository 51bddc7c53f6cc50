//! `/api/v1/regions`: 二次医療圏 (secondary medical regions) and municipalities
//! with their boundaries, the facilities in each, and which region a point is
//! in. Everything is answered from the read model's snapshot
//! ([`renkei_app::regions`]), so no request queries the database.

use crate::error::{ApiResult, ErrorBody};
use crate::export::{geojson_response, FeatureCollection};
use crate::extract::{AppJson, AppPath, AppQuery};
use crate::facilities::{list_response, ListParams};
use crate::params::{parse_point, present};
use crate::AppState;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use renkei_app::regions::{
    list_regions as region_list, not_a_tolerance, parse_area, region_at as place_of, AreaLevel,
    AreaQuery, MunicipalityRef, PopulationSummary,
};
use renkei_core::directory_index::DirectoryQuery;
use renkei_core::region::{AssignmentMethod, GeoJsonMultiPolygon};
use renkei_core::search::Area;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};

/// Routes of this area, relative to `/api/v1`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/regions", get(list_regions))
        .route("/regions/at", get(region_at))
        .route("/regions/{code}", get(get_area))
        .route("/regions/{code}/facilities", get(list_area_facilities))
}

/// Query parameters of one region's or municipality's boundary.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AreaParams {
    /// Simplify the boundary for drawing (Ramer–Douglas–Peucker), tolerance in
    /// **degrees**, 0–0.1; 0.001° is about 100 m. Default 0 (as stored).
    #[param(value_type = Option<f64>, minimum = 0, maximum = 0.1, example = 0.001)]
    pub simplify: Option<String>,
}

/// Query parameters of the point lookup.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AtParams {
    /// Longitude, WGS 84 degrees (−180…180).
    #[param(value_type = f64, example = 139.4037)]
    pub lon: Option<String>,
    /// Latitude, WGS 84 degrees (−90…90).
    #[param(value_type = f64, example = 35.3334)]
    pub lat: Option<String>,
}

/// List 二次医療圏 (二次医療圏の一覧).
#[utoipa::path(
    get,
    path = "/api/v1/regions",
    tag = "regions",
    responses(
        (status = 200, description = "Every region with members, core hospitals, population and facility counts / 二次医療圏の一覧", body = RegionList),
    )
)]
pub async fn list_regions(State(state): State<AppState>) -> AppJson<RegionList> {
    let snapshot = state.index.snapshot();
    let list = region_list(&snapshot);
    let items = list
        .items
        .into_iter()
        .map(|item| {
            let by_kind: BTreeMap<String, u64> = item
                .facilities_by_kind
                .into_iter()
                .map(|(kind, n)| (kind.as_str().to_owned(), n))
                .collect();
            RegionDto {
                code: item.region.code.to_string(),
                name_ja: item.region.name_ja.clone(),
                name_en: item.region.name_en.clone(),
                code_verified: item.region.code_verified,
                prefecture: PrefectureDto {
                    code: item.prefecture.code.to_string(),
                    name_ja: item.prefecture.name_ja.clone(),
                    name_en: item.prefecture.name_en.clone(),
                },
                municipalities: item
                    .municipalities
                    .into_iter()
                    .map(MunicipalityRefDto::from)
                    .collect(),
                core_hospitals: item.region.core_hospitals.clone(),
                population: item.population.into(),
                facilities: FacilityCountsDto {
                    total: by_kind.values().sum(),
                    by_kind,
                },
                bbox: item.bbox,
            }
        })
        .collect();
    AppJson(RegionList {
        items,
        boundaries_loaded: list.boundaries_loaded,
    })
}

/// A region's or municipality's boundary (二次医療圏・市区町村の境界).
#[utoipa::path(
    get,
    path = "/api/v1/regions/{code}",
    tag = "regions",
    params(
        ("code" = String, Path, description = "二次医療圏 code (4 digits, e.g. 1407) or municipality / ward code (5 digits, e.g. 14207)"),
        AreaParams,
    ),
    responses(
        (status = 200, description = "GeoJSON Feature with the (dissolved) boundary / 境界", content((AreaFeature = "application/geo+json"))),
        (status = 400, description = "The code or `simplify` is malformed; `field` names it", body = ErrorBody),
        (status = 404, description = "No region or municipality has this code / 該当する地域がありません", body = ErrorBody),
    )
)]
pub async fn get_area(
    State(state): State<AppState>,
    AppPath(code): AppPath<String>,
    AppQuery(params): AppQuery<AreaParams>,
) -> ApiResult<Response> {
    let tolerance = match present(params.simplify.as_deref()) {
        None => 0.0,
        Some(text) => text.parse::<f64>().map_err(|_| not_a_tolerance(text))?,
    };
    let snapshot = state.index.snapshot();
    let query = AreaQuery::new(parse_area("code", &code, snapshot.regions())?, tolerance)?;
    let outline = query.run(&snapshot)?;
    let municipality = outline.level == AreaLevel::Municipality;
    geojson_response(&AreaFeature {
        kind: "Feature",
        id: outline.code.clone(),
        geometry: outline.geometry.as_ref().map(GeoJsonMultiPolygon::from),
        properties: AreaProperties {
            area: if municipality {
                "municipality"
            } else {
                "secondary_medical_region"
            },
            code: outline.code,
            name_ja: outline.name_ja,
            name_en: outline.name_en,
            prefecture: outline.prefecture,
            region_code: outline.region_code.map(|code| code.to_string()),
            municipalities: outline
                .municipalities
                .iter()
                .map(ToString::to_string)
                .collect(),
            simplify_deg: outline.simplify_deg,
        },
    })
}

/// Facilities in a region or municipality (地域内の施設).
#[utoipa::path(
    get,
    path = "/api/v1/regions/{code}/facilities",
    tag = "regions",
    params(
        ("code" = String, Path, description = "二次医療圏 code (4 digits) or municipality / ward code (5 digits; a designated-city code includes its wards)"),
        ListParams,
    ),
    responses(
        (status = 200, description = "A page of the facilities placed in the area, as /api/v1/facilities / 地域内の施設",
            headers(("x-total-count" = u64, description = "Matching facilities over all pages")),
            content(
                (crate::dto::FacilityList = "application/json"),
                (FeatureCollection = "application/geo+json"),
                (String = "text/csv"),
            )),
        (status = 400, description = "The code or a parameter is malformed; `field` names it", body = ErrorBody),
        (status = 404, description = "No region has this code / 該当する二次医療圏がありません", body = ErrorBody),
    )
)]
pub async fn list_area_facilities(
    State(state): State<AppState>,
    headers: HeaderMap,
    AppPath(code): AppPath<String>,
    AppQuery(params): AppQuery<ListParams>,
) -> ApiResult<Response> {
    let snapshot = state.index.snapshot();
    let scope = match parse_area("code", &code, snapshot.regions())? {
        Area::Region(code) => {
            // An unknown region is a 404 before any parameter is read.
            snapshot.regions().find_region(&code)?;
            DirectoryQuery {
                region: Some(code),
                ..DirectoryQuery::default()
            }
        }
        Area::Municipality(area) => DirectoryQuery {
            municipality: Some(area),
            ..DirectoryQuery::default()
        },
    };
    list_response(&snapshot, &headers, &params, scope)
}

/// Which municipality and 二次医療圏 a point is in (地点の市区町村と二次医療圏).
#[utoipa::path(
    get,
    path = "/api/v1/regions/at",
    tag = "regions",
    params(AtParams),
    responses(
        (status = 200, description = "The municipality and region of the point / 地点の市区町村と二次医療圏", body = PlaceDto),
        (status = 400, description = "lon or lat is missing, not a number or out of range; `field` names it", body = ErrorBody),
        (status = 404, description = "The point is outside every loaded municipality (more than 500 m away) / どの地域にも入りません", body = ErrorBody),
    )
)]
pub async fn region_at(
    State(state): State<AppState>,
    AppQuery(params): AppQuery<AtParams>,
) -> ApiResult<Response> {
    let point = parse_point(params.lon.as_deref(), params.lat.as_deref())?;
    let snapshot = state.index.snapshot();
    let placed = place_of(&snapshot, point)?;
    Ok(AppJson(PlaceDto {
        lon: point.lon(),
        lat: point.lat(),
        municipality: placed.municipality.into(),
        region: placed.region.map(|region| RegionRefDto {
            code: region.code.to_string(),
            name_ja: region.name_ja.clone(),
            name_en: region.name_en.clone(),
        }),
        method: placed.method.as_str(),
        distance_m: match placed.method {
            AssignmentMethod::Inside => 0.0,
            other => (other.distance_m() * 10.0).round() / 10.0,
        },
    })
    .into_response())
}

impl From<MunicipalityRef> for MunicipalityRefDto {
    fn from(municipality: MunicipalityRef) -> Self {
        Self {
            code: municipality.code.to_string(),
            name: municipality.name,
        }
    }
}

impl From<PopulationSummary> for PopulationDto {
    fn from(population: PopulationSummary) -> Self {
        Self {
            total: population.total,
            under_15: population.under_15,
            year: population.year,
            source: population.source,
            unknown_reason: population.unknown_reason,
        }
    }
}

/// Every 二次医療圏 (secondary medical region) the service knows.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegionList {
    /// Regions, prefecture by prefecture in the authored order.
    pub items: Vec<RegionDto>,
    /// N03 units (municipalities / wards) with a boundary loaded; 0 means
    /// `renkei import n03` has not been run, so no point can be placed yet.
    pub boundaries_loaded: usize,
}

/// One 二次医療圏 with its members, core hospitals, population and facility counts.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegionDto {
    /// Four-digit code, e.g. `1407`.
    #[schema(example = "1407")]
    pub code: String,
    /// Japanese name, e.g. 湘南東部.
    #[schema(example = "湘南東部")]
    pub name_ja: String,
    /// English name, when there is one (descriptive, not official).
    pub name_en: Option<String>,
    /// False when no source at hand confirms the code.
    pub code_verified: bool,
    /// The prefecture.
    pub prefecture: PrefectureDto,
    /// Its municipalities / wards (N03 units), in the authored order.
    pub municipalities: Vec<MunicipalityRefDto>,
    /// Core hospitals (中核病院) for pediatric home care; empty when unknown.
    pub core_hospitals: Vec<String>,
    /// Population, or why it is unknown.
    pub population: PopulationDto,
    /// Active facilities placed (point in polygon) in the region.
    pub facilities: FacilityCountsDto,
    /// Extent `[west, south, east, north]`, WGS 84 degrees; `null` while the
    /// region's boundaries are not loaded.
    #[schema(example = json!([139.33, 35.3, 139.45, 35.42]))]
    pub bbox: Option<[f64; 4]>,
}

/// A prefecture.
#[derive(Debug, Serialize, ToSchema)]
pub struct PrefectureDto {
    /// Two-digit code, e.g. `14`.
    pub code: String,
    /// Japanese name, e.g. 神奈川県.
    pub name_ja: String,
    /// English name.
    pub name_en: Option<String>,
}

/// A municipality or ward named by a region.
#[derive(Debug, Serialize, ToSchema)]
pub struct MunicipalityRefDto {
    /// Five-digit N03 code, e.g. `14207`.
    pub code: String,
    /// Name after the prefecture (e.g. 茅ヶ崎市, 横浜市鶴見区), from the loaded
    /// boundaries; `null` while they are not loaded.
    pub name: Option<String>,
}

/// Population of a region; the numbers are `null` when unknown, with the reason.
#[derive(Debug, Serialize, ToSchema)]
pub struct PopulationDto {
    /// Total population (persons).
    pub total: Option<u64>,
    /// Children under 15 (persons).
    pub under_15: Option<u64>,
    /// Reference year of the count (e.g. 2020 国勢調査).
    pub year: Option<i32>,
    /// Dataset the numbers come from.
    pub source: Option<String>,
    /// Why the numbers are unknown ("日本語 / English"), e.g. a designated city
    /// split between regions whose population is published for the whole city only.
    pub unknown_reason: Option<String>,
}

/// Counts of active facilities.
#[derive(Debug, Serialize, ToSchema)]
pub struct FacilityCountsDto {
    /// All kinds together.
    pub total: u64,
    /// Per taxonomy kind code (kinds with none are left out).
    pub by_kind: BTreeMap<String, u64>,
}

/// A region or municipality as a GeoJSON Feature (RFC 7946, WGS 84, lon/lat).
#[derive(Debug, Serialize, ToSchema)]
pub struct AreaFeature {
    /// Always `Feature`.
    #[serde(rename = "type")]
    #[schema(example = "Feature")]
    pub kind: &'static str,
    /// The region or municipality code.
    pub id: String,
    /// The boundary (a MultiPolygon), or `null` when no boundary is loaded.
    #[schema(value_type = Option<Object>)]
    pub geometry: Option<GeoJsonMultiPolygon>,
    /// What the area is.
    pub properties: AreaProperties,
}

/// Properties of an [`AreaFeature`].
#[derive(Debug, Serialize, ToSchema)]
pub struct AreaProperties {
    /// `secondary_medical_region` or `municipality`.
    #[schema(example = "secondary_medical_region")]
    pub area: &'static str,
    /// The code.
    pub code: String,
    /// Japanese name (for a municipality: after the prefecture, e.g. 横浜市鶴見区).
    pub name_ja: String,
    /// English name, for a region that has one.
    pub name_en: Option<String>,
    /// Prefecture name, e.g. 神奈川県.
    pub prefecture: String,
    /// For a municipality: the 二次医療圏 it belongs to.
    pub region_code: Option<String>,
    /// For a region: its municipality / ward codes.
    pub municipalities: Vec<String>,
    /// Simplification tolerance applied, in degrees (0: the boundary as stored).
    pub simplify_deg: f64,
}

/// Where a point is: municipality and 二次医療圏.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlaceDto {
    /// Longitude asked for, WGS 84 degrees.
    pub lon: f64,
    /// Latitude asked for, WGS 84 degrees.
    pub lat: f64,
    /// The municipality or ward.
    pub municipality: MunicipalityRefDto,
    /// Its 二次医療圏; `null` when no region table lists the municipality.
    pub region: Option<RegionRefDto>,
    /// `inside` a municipality polygon, or `nearest`: outside every polygon but
    /// within 500 m of this one (coast, boundary noise).
    #[schema(example = "inside")]
    pub method: &'static str,
    /// Metres to the municipality's border: 0 when inside.
    pub distance_m: f64,
}

/// A 二次医療圏 by code and name.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegionRefDto {
    /// Four-digit code.
    pub code: String,
    /// Japanese name.
    pub name_ja: String,
    /// English name.
    pub name_en: Option<String>,
}
