//! `/api/v1/geocode`: addresses and place names to points (also the web
//! client's suggestion box, so partial input gets candidates), and
//! `/api/v1/geocode/reverse`: a point to its municipality, 二次医療圏 and nearest
//! 町丁目. Offline: municipality boundaries and town points in memory, no
//! network calls.

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{AppJson, AppQuery};
use crate::params::{parse_number, parse_point};
use crate::AppState;
use axum::extract::State;
use axum::routing::get;
use axum::Router;
use renkei_app::geocode::{Place, Suggest, MAX_SUGGESTIONS};
use renkei_core::geocode::Suggestion;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Routes of this area, relative to `/api/v1`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/geocode", get(geocode))
        .route("/geocode/reverse", get(reverse_geocode))
}

/// Query parameters of the geocoder.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GeocodeParams {
    /// An address, 町丁目 or municipality name, whole or as typed so far
    /// (「茅ヶ崎市東海」, 「ちがさき」). Width, kana and ケ/ヶ/が forms do not matter.
    #[param(value_type = String, example = "茅ヶ崎市東海岸北")]
    pub q: Option<String>,
    /// Most candidates to return, 1–50 (default 10).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 50, example = 10)]
    pub limit: Option<String>,
}

/// Candidate places, best first.
#[derive(Debug, Serialize, ToSchema)]
pub struct GeocodeList {
    /// The full address when it geocodes, then partial matches.
    pub results: Vec<GeocodeResult>,
}

/// One candidate place.
#[derive(Debug, Serialize, ToSchema)]
pub struct GeocodeResult {
    /// Name to show, prefecture first.
    #[schema(example = "神奈川県茅ヶ崎市東海岸北一丁目")]
    pub label: String,
    /// Longitude, WGS 84 degrees.
    pub lon: f64,
    /// Latitude, WGS 84 degrees.
    pub lat: f64,
    /// `town` (a 町丁目 representative point), `municipality` (a point inside
    /// it), `station` (a railway station) or `postcode` (a postcode's
    /// representative point).
    #[schema(example = "town")]
    pub precision: &'static str,
    /// Municipality or ward code (N03, five digits).
    #[schema(example = "14207")]
    pub municipality_code: String,
    /// The municipality and town names the text matched, without the prefecture.
    #[schema(example = "茅ヶ崎市東海岸北一丁目")]
    pub matched: String,
}

impl From<Suggestion> for GeocodeResult {
    fn from(found: Suggestion) -> Self {
        Self {
            label: found.label,
            lon: found.position.lon(),
            lat: found.position.lat(),
            precision: found.precision.as_str(),
            municipality_code: found.municipality.to_string(),
            matched: found.matched,
        }
    }
}

/// Address or place name to points (住所・地名の検索).
#[utoipa::path(
    get,
    path = "/api/v1/geocode",
    tag = "search",
    params(GeocodeParams),
    responses(
        (status = 200, description = "Candidate places, best first; empty when nothing matches / 候補地", body = GeocodeList),
        (status = 400, description = "q is missing or limit is out of range; `field` names it", body = ErrorBody),
    )
)]
pub async fn geocode(
    State(state): State<AppState>,
    AppQuery(params): AppQuery<GeocodeParams>,
) -> ApiResult<AppJson<GeocodeList>> {
    let text = params.q.as_deref().unwrap_or_default();
    let limit = parse_number("limit", params.limit.as_deref(), 1, MAX_SUGGESTIONS)?;
    let query = Suggest::new(text, limit.map(|n| n as usize))?;
    let results = query
        .run(&state.index.snapshot())
        .into_iter()
        .map(GeocodeResult::from)
        .collect();
    Ok(AppJson(GeocodeList { results }))
}

/// Query parameters of the reverse geocoder.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReverseParams {
    /// Longitude, WGS 84 degrees (−180…180).
    #[param(value_type = f64, example = 139.4037)]
    pub lon: Option<String>,
    /// Latitude, WGS 84 degrees (−90…90).
    #[param(value_type = f64, example = 35.3334)]
    pub lat: Option<String>,
}

/// What a point is in.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReverseResult {
    /// Municipality or ward code (N03, five digits).
    #[schema(example = "14207")]
    pub municipality_code: String,
    /// Its name as written after the prefecture.
    #[schema(example = "茅ヶ崎市")]
    pub municipality_name: String,
    /// 二次医療圏 code, when a region table lists the municipality.
    #[schema(example = "1407")]
    pub region_code: Option<String>,
    /// 二次医療圏 name.
    #[schema(example = "湘南東部")]
    pub region_name: Option<String>,
    /// The nearest 町丁目 point in the same municipality; `null` when no town
    /// points are loaded for it.
    pub town: Option<TownDto>,
}

/// A 町丁目 representative point.
#[derive(Debug, Serialize, ToSchema)]
pub struct TownDto {
    /// Town name as published.
    #[schema(example = "東海岸北一丁目")]
    pub name: String,
    /// Longitude, WGS 84 degrees.
    pub lon: f64,
    /// Latitude, WGS 84 degrees.
    pub lat: f64,
    /// Distance from the point asked about, metres (to 0.1 m).
    pub distance_m: f64,
}

/// Point to municipality, 二次医療圏 and nearest town (逆ジオコーディング).
#[utoipa::path(
    get,
    path = "/api/v1/geocode/reverse",
    tag = "search",
    params(ReverseParams),
    responses(
        (status = 200, description = "The municipality, region and nearest town of the point / 地点の市区町村・二次医療圏・町丁目", body = ReverseResult),
        (status = 400, description = "lon or lat is missing, not a number or out of range; `field` names it", body = ErrorBody),
        (status = 404, description = "The point is outside every loaded municipality / どの市区町村にも入りません", body = ErrorBody),
    )
)]
pub async fn reverse_geocode(
    State(state): State<AppState>,
    AppQuery(params): AppQuery<ReverseParams>,
) -> ApiResult<AppJson<ReverseResult>> {
    let point = parse_point(params.lon.as_deref(), params.lat.as_deref())?;
    let place = Place::find(&state.index.snapshot(), point)?;
    Ok(AppJson(ReverseResult::from(place)))
}

impl From<Place> for ReverseResult {
    fn from(place: Place) -> Self {
        let (region_code, region_name) = place
            .region
            .map(|(code, name)| (code.to_string(), name))
            .unzip();
        Self {
            municipality_code: place.municipality.to_string(),
            municipality_name: place.municipality_name,
            region_code,
            region_name,
            town: place.town.map(|town| TownDto {
                name: town.name,
                lon: town.position.lon(),
                lat: town.position.lat(),
                distance_m: (town.distance_m * 10.0).round() / 10.0,
            }),
        }
    }
}
