//! `/api/v1/regions`: 二次医療圏 (secondary medical regions) and municipalities
//! with their boundaries, the facilities in each, and which region a point is
//! in. Everything is answered from memory ([`Regions`], refreshed with the
//! directory index), so no request queries the database.

pub mod dto;

use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::export::{geojson_response, FeatureCollection};
use crate::extract::{AppJson, AppPath, AppQuery};
use crate::facilities::{list_response, present, ListParams};
use crate::AppState;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use dto::{
    AreaFeature, AreaProperties, FacilityCountsDto, MunicipalityRefDto, PlaceDto, PopulationDto,
    PrefectureDto, RegionDto, RegionList, RegionRefDto,
};
use renkei_core::directory_index::DirectoryQuery;
use renkei_core::region::{
    simplify, AssignmentMethod, GeoJsonMultiPolygon, Municipality, RegionCatalog,
    SecondaryMedicalRegion,
};
use renkei_core::{MunicipalityCode, RegionCode};
use renkei_store::{Store, StoreResult};
use serde::Deserialize;
use utoipa::IntoParams;

/// Largest `simplify` tolerance accepted, in degrees (about 11 km north–south).
pub const MAX_SIMPLIFY_DEG: f64 = 0.1;

/// The regions the service answers from: the catalog (tables, boundaries,
/// dissolved region geometry, population) and where the population comes from.
#[derive(Debug, Default)]
pub struct Regions {
    /// Tables, boundaries, geometry, population.
    pub catalog: RegionCatalog,
    /// Reference year of the population counts, when imported.
    pub population_year: Option<i32>,
    /// Dataset of the population counts, when imported.
    pub population_source: Option<String>,
}

impl Regions {
    /// Reads region tables, boundaries and population from `store` and builds
    /// the in-memory catalog (dissolving each region's boundary).
    pub async fn load(store: &dyn Store) -> StoreResult<Self> {
        let tables = store.region_tables().await?;
        let units = store.municipalities().await?;
        let populations = store.populations().await?;
        let first = populations.first();
        let (population_year, population_source) =
            (first.map(|p| p.year), first.map(|p| p.source.clone()));
        let rows: Vec<_> = populations.into_iter().map(|p| p.population).collect();
        Ok(Self {
            catalog: RegionCatalog::build(tables, units, &rows),
            population_year,
            population_source,
        })
    }
}

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
    let regions = state.index.regions();
    let index = state.index.load();
    let mut counts = index.count_by_region_and_kind();
    let catalog = &regions.catalog;
    let items = catalog
        .regions()
        .map(|(prefecture, region)| {
            let by_kind: std::collections::BTreeMap<String, u64> = counts
                .remove(&region.code)
                .unwrap_or_default()
                .into_iter()
                .map(|(kind, n)| (kind.as_str().to_owned(), n))
                .collect();
            RegionDto {
                code: region.code.to_string(),
                name_ja: region.name_ja.clone(),
                name_en: region.name_en.clone(),
                code_verified: region.code_verified,
                prefecture: PrefectureDto {
                    code: prefecture.code.to_string(),
                    name_ja: prefecture.name_ja.clone(),
                    name_en: prefecture.name_en.clone(),
                },
                municipalities: region
                    .municipalities
                    .iter()
                    .map(|code| municipality_ref(catalog, code))
                    .collect(),
                core_hospitals: region.core_hospitals.clone(),
                population: population(&regions, &region.code),
                facilities: FacilityCountsDto {
                    total: by_kind.values().sum(),
                    by_kind,
                },
            }
        })
        .collect();
    AppJson(RegionList {
        items,
        boundaries_loaded: catalog
            .boundaries()
            .map_or(0, |index| index.municipalities().len()),
    })
}

fn municipality_ref(catalog: &RegionCatalog, code: &MunicipalityCode) -> MunicipalityRefDto {
    MunicipalityRefDto {
        code: code.to_string(),
        name: catalog.municipality(code).map(Municipality::full_name),
    }
}

fn population(regions: &Regions, code: &RegionCode) -> PopulationDto {
    match regions.catalog.population(code) {
        Some(found) => PopulationDto {
            total: found.total,
            under_15: found.under_15,
            year: found.total.and(regions.population_year),
            source: found.total.and(regions.population_source.clone()),
            unknown_reason: found.unknown_reason.clone(),
        },
        None => PopulationDto {
            total: None,
            under_15: None,
            year: None,
            source: None,
            unknown_reason: Some(
                "人口データが取り込まれていません (renkei import population) / no population has been imported"
                    .to_owned(),
            ),
        },
    }
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
    let tolerance = parse_simplify(params.simplify.as_deref())?;
    let regions = state.index.regions();
    let catalog = &regions.catalog;
    let shape = |geometry: &geo::MultiPolygon<f64>| {
        GeoJsonMultiPolygon::from(&simplify(geometry, tolerance))
    };
    let feature = match Area::parse(&code)? {
        Area::Region(code) => {
            let (prefecture, region) = find_region(catalog, &code)?;
            AreaFeature {
                kind: "Feature",
                id: code.to_string(),
                geometry: catalog.geometry(&code).map(shape),
                properties: AreaProperties {
                    area: "secondary_medical_region",
                    code: code.to_string(),
                    name_ja: region.name_ja.clone(),
                    name_en: region.name_en.clone(),
                    prefecture: prefecture.name_ja.clone(),
                    region_code: None,
                    municipalities: region
                        .municipalities
                        .iter()
                        .map(ToString::to_string)
                        .collect(),
                    simplify_deg: tolerance,
                },
            }
        }
        Area::Municipality(code) => {
            let unit = catalog
                .municipality(&code)
                .ok_or_else(|| ApiError::NotFound {
                    entity: "municipality",
                    id: code.to_string(),
                })?;
            AreaFeature {
                kind: "Feature",
                id: code.to_string(),
                geometry: Some(shape(&unit.geometry)),
                properties: AreaProperties {
                    area: "municipality",
                    code: code.to_string(),
                    name_ja: unit.full_name(),
                    name_en: None,
                    prefecture: unit.prefecture_name.clone(),
                    region_code: catalog.region_of(&code).map(ToString::to_string),
                    municipalities: Vec::new(),
                    simplify_deg: tolerance,
                },
            }
        }
    };
    geojson_response(&feature)
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
    let scope = match Area::parse(&code)? {
        Area::Region(code) => {
            find_region(&state.index.regions().catalog, &code)?;
            DirectoryQuery {
                region: Some(code),
                ..DirectoryQuery::default()
            }
        }
        Area::Municipality(code) => DirectoryQuery {
            municipality: Some(
                state
                    .index
                    .regions()
                    .catalog
                    .designated_cities()
                    .area(&code),
            ),
            ..DirectoryQuery::default()
        },
    };
    list_response(&state, &headers, &params, scope)
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
    let point = crate::geocode::parse_point(params.lon.as_deref(), params.lat.as_deref())?;
    let (lon, lat) = (point.lon(), point.lat());
    let regions = state.index.regions();
    let catalog = &regions.catalog;
    let outside = || ApiError::OutsideRegions { lon, lat };
    let placed = catalog
        .boundaries()
        .and_then(|index| index.assign(point))
        .ok_or_else(outside)?;
    let (Some(code), method) = (placed.municipality, placed.method) else {
        return Err(outside());
    };
    let region = placed.region.as_ref().and_then(|code| catalog.region(code));
    Ok(AppJson(PlaceDto {
        lon,
        lat,
        municipality: municipality_ref(catalog, &code),
        region: region.map(|(_, region)| RegionRefDto {
            code: region.code.to_string(),
            name_ja: region.name_ja.clone(),
            name_en: region.name_en.clone(),
        }),
        method: method.as_str(),
        distance_m: match method {
            AssignmentMethod::Inside => 0.0,
            other => (other.distance_m() * 10.0).round() / 10.0,
        },
    })
    .into_response())
}

/// A path code: a 二次医療圏 (4 digits) or a municipality / ward (5 digits).
enum Area {
    Region(RegionCode),
    Municipality(MunicipalityCode),
}

impl Area {
    fn parse(text: &str) -> ApiResult<Self> {
        let bad = || {
            ApiError::bad_parameter(
                "code",
                format!("{text:?} は二次医療圏コード (4桁, 例: 1407) でも市区町村コード (5桁, 例: 14207) でもありません"),
                format!("{text:?} is neither a region code (4 digits, e.g. 1407) nor a municipality code (5 digits, e.g. 14207)"),
            )
        };
        match text.len() {
            4 => RegionCode::new(text).map(Self::Region).map_err(|_| bad()),
            5 => MunicipalityCode::new(text)
                .map(Self::Municipality)
                .map_err(|_| bad()),
            _ => Err(bad()),
        }
    }
}

fn find_region<'a>(
    catalog: &'a RegionCatalog,
    code: &RegionCode,
) -> ApiResult<(
    &'a renkei_core::region::Prefecture,
    &'a SecondaryMedicalRegion,
)> {
    catalog.region(code).ok_or_else(|| ApiError::NotFound {
        entity: "region",
        id: code.to_string(),
    })
}

/// The `simplify` tolerance in degrees, 0 when absent.
fn parse_simplify(text: Option<&str>) -> ApiResult<f64> {
    let Some(text) = present(text) else {
        return Ok(0.0);
    };
    match text.parse::<f64>() {
        Ok(value) if (0.0..=MAX_SIMPLIFY_DEG).contains(&value) => Ok(value),
        _ => Err(ApiError::bad_parameter(
            "simplify",
            format!("{text:?} ではなく 0〜{MAX_SIMPLIFY_DEG} の数 (度) を指定してください (例: 0.001)"),
            format!("give a tolerance in degrees from 0 to {MAX_SIMPLIFY_DEG} (e.g. 0.001), not {text:?}"),
        )),
    }
}

/// A required coordinate in −`limit`…`limit` degrees.
pub(crate) fn parse_degrees(field: &str, text: Option<&str>, limit: f64) -> ApiResult<f64> {
    let text = present(text).ok_or_else(|| {
        ApiError::bad_parameter(
            field,
            format!("{field} を度で指定してください (WGS 84)"),
            format!("{field} is required, in WGS 84 degrees"),
        )
    })?;
    match text.parse::<f64>() {
        Ok(value) if value.is_finite() && (-limit..=limit).contains(&value) => Ok(value),
        _ => Err(ApiError::bad_parameter(
            field,
            format!("{text:?} ではなく −{limit}〜{limit} の数 (度) を指定してください"),
            format!("give degrees from -{limit} to {limit}, not {text:?}"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[expect(
        clippy::float_cmp,
        reason = "parsing returns the literal's own value, compared exactly on purpose"
    )]
    fn simplify_and_degrees_are_range_checked_and_name_the_field() {
        assert_eq!(parse_simplify(None).unwrap(), 0.0);
        assert_eq!(parse_simplify(Some("0.01")).unwrap(), 0.01);
        for bad in ["-0.1", "0.2", "x", "NaN"] {
            let error = parse_simplify(Some(bad)).unwrap_err();
            assert_eq!(
                error.body().error.field.as_deref(),
                Some("simplify"),
                "{bad}"
            );
        }
        assert!(parse_degrees("lat", Some("91"), 90.0).is_err());
        assert!(parse_degrees("lat", None, 90.0).is_err());
        assert_eq!(parse_degrees("lon", Some("139.5"), 180.0).unwrap(), 139.5);
        assert!(matches!(Area::parse("1407"), Ok(Area::Region(_))));
        assert!(matches!(Area::parse("14207"), Ok(Area::Municipality(_))));
        assert!(Area::parse("abc").is_err());
    }
}
