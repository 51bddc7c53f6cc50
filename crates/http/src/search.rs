//! `/api/v1/search`: referral search — the services near a place (or in an
//! area, or matching a text) that can handle a child's care, nearest first,
//! with confirmed results and the 要確認 (unknown) tier in separate lists.
//! Answered from the in-memory index ([`renkei_core::search`]).

pub(crate) mod params;
pub mod summaries;

use crate::dto::{AnswerDto, FacilitySummaryDto, TermDto};
use crate::error::{ApiResult, ErrorBody};
use crate::export::{geojson_response, Feature, FlatFacility, Point};
use crate::extract::{AppJson, AppQuery};
use crate::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Extension;
use axum::Router;
pub use params::SearchParams;
use params::{Origin, SearchFormat};
use renkei_core::need::{Tier, TravelModel};
use renkei_core::PublicHit;
use serde::Serialize;
use serde_json::value::RawValue;
use std::sync::Arc;
use summaries::SummaryCache;
use utoipa::ToSchema;

/// Routes of this area, relative to `/api/v1`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/search", get(search))
        .layer(Extension(Arc::new(SummaryCache::default())))
}

/// The answer to a search.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResponse {
    /// Where distances are measured from; `null` for an area or text search without a place.
    pub origin: Option<OriginDto>,
    /// Radius searched, metres; `null` without a place.
    #[schema(example = 30000.0)]
    pub radius_m: Option<f64>,
    /// How `travel_minutes` is estimated from straight-line distance.
    pub travel_model: TravelModelDto,
    /// The needs asked for, with labels.
    pub needs: Vec<TermDto>,
    /// Facilities confirmed to meet every need (tier `confirmed`), nearest first.
    pub results: Vec<HitDto>,
    /// Only with `include_unknown=true`: facilities where some need is not
    /// stated (要確認, tier `unknown`), nearest first; never mixed into `results`.
    pub unknown: Vec<HitDto>,
    /// Confirmed matches over all pages.
    pub total_confirmed: u64,
    /// 要確認 matches over all pages (0 unless `include_unknown=true`).
    pub total_unknown: u64,
    /// Pass as `cursor` for the next page of both lists; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// The search origin.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OriginDto {
    /// Longitude, WGS 84 degrees.
    #[schema(example = 139.40)]
    pub lon: f64,
    /// Latitude, WGS 84 degrees.
    #[schema(example = 35.33)]
    pub lat: f64,
    /// Place name: the geocoded text, or the town the coordinates are in.
    #[schema(example = "茅ヶ崎市東海岸北一丁目")]
    pub label: Option<String>,
    /// `coordinates` (given as lon/lat), `town` or `municipality` (from `near`).
    #[schema(example = "coordinates")]
    pub precision: &'static str,
}

/// Straight-line distance × `detour_factor`, at `speed_kmh`.
#[derive(Debug, Serialize, ToSchema)]
pub struct TravelModelDto {
    /// Road distance over straight-line distance.
    #[schema(example = 1.3)]
    pub detour_factor: f64,
    /// Average speed, km/h.
    #[schema(example = 30.0)]
    pub speed_kmh: f64,
}

/// Confirmed, or 要確認 (some need not stated).
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TierDto {
    /// Every need stated as yes by one service.
    Confirmed,
    /// Nothing stated as no, but some need not stated (要確認).
    Unknown,
}

/// One facility found.
#[derive(Debug, Serialize, ToSchema)]
pub struct HitDto {
    /// Which list it is in.
    pub tier: TierDto,
    /// Great-circle distance from the origin, metres (to 0.1 m); `null` without a place.
    pub distance_m: Option<f64>,
    /// Estimated travel time by car, minutes (to 0.1), see `travel_model`; `null` without a place.
    pub travel_minutes: Option<f64>,
    /// The facility without its services: the answers for the needs searched
    /// are in `needs`, and `/api/v1/facilities/{id}` has the full record.
    /// Written out once per data snapshot ([`SummaryCache`]).
    #[schema(value_type = FacilitySummaryDto)]
    pub facility: Box<RawValue>,
    /// Per need asked for: yes, no or unknown (要確認).
    pub needs: Vec<NeedAnswerDto>,
}

/// The answer for one need.
#[derive(Debug, Serialize, ToSchema)]
pub struct NeedAnswerDto {
    /// Capability code.
    #[schema(example = "ventilator")]
    pub code: String,
    /// Yes, no or unknown.
    pub answer: AnswerDto,
}

/// Search for services (紹介先の検索).
#[utoipa::path(
    get,
    path = "/api/v1/search",
    tag = "search",
    params(SearchParams),
    responses(
        (status = 200, description = "Confirmed results and, when asked, the 要確認 tier, nearest first / 検索結果", content(
            (SearchResponse = "application/json"),
            (SearchFeatureCollection = "application/geo+json"),
        )),
        (status = 400, description = "A parameter is malformed, out of range or an unknown code, or `near` cannot be placed; `field` names it", body = ErrorBody),
    )
)]
pub async fn search(
    State(state): State<AppState>,
    Extension(summaries): Extension<Arc<SummaryCache>>,
    AppQuery(params): AppQuery<SearchParams>,
) -> ApiResult<Response> {
    let request = params.parse(&state)?;
    let index = state.index.load();
    let found = index.search(&request.query).into_public();
    let generation = summaries.generation(&index);
    let model = TravelModel::DEFAULT;
    // Hits own their decoded facilities: their strings move into the response.
    let hit = |hit: PublicHit| HitDto {
        tier: hit.tier.into(),
        distance_m: hit.distance_m.map(round1),
        travel_minutes: hit.distance_m.map(|d| round1(model.minutes(d))),
        facility: summaries.summary(generation, hit.facility),
        needs: hit
            .needs
            .iter()
            .map(|need| NeedAnswerDto {
                code: need.capability.to_string(),
                answer: need.answer.into(),
            })
            .collect(),
    };
    if request.format == SearchFormat::Geojson {
        let features = found
            .confirmed
            .iter()
            .chain(&found.unknown)
            .map(|h| SearchFeature::new(h, model))
            .collect();
        return geojson_response(&SearchFeatureCollection {
            kind: "FeatureCollection",
            features,
        });
    }
    let origin = request.origin.as_ref().map(Origin::dto);
    Ok(AppJson(SearchResponse {
        radius_m: origin.as_ref().map(|_| request.query.radius_m),
        origin,
        travel_model: TravelModelDto {
            detour_factor: model.detour_factor,
            speed_kmh: model.speed_kmh,
        },
        needs: request
            .query
            .profile
            .needs
            .iter()
            .map(|code| code.term().into())
            .collect(),
        results: found.confirmed.into_iter().map(hit).collect(),
        unknown: found.unknown.into_iter().map(hit).collect(),
        total_confirmed: found.total_confirmed.unwrap_or_default() as u64,
        total_unknown: found.total_unknown.unwrap_or_default() as u64,
        next_cursor: found.next_offset.map(params::cursor),
    })
    .into_response())
}

fn round1(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

/// Both lists as GeoJSON (`format=geojson`): confirmed first, then 要確認.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchFeatureCollection {
    /// Always `FeatureCollection`.
    #[serde(rename = "type")]
    #[schema(example = "FeatureCollection")]
    pub kind: &'static str,
    /// One feature per hit.
    pub features: Vec<SearchFeature>,
}

/// One hit as a GeoJSON Feature.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchFeature {
    /// Always `Feature`.
    #[serde(rename = "type")]
    #[schema(example = "Feature")]
    pub kind: &'static str,
    /// The facility id.
    pub id: String,
    /// The position, or `null` when it is unknown.
    pub geometry: Option<Point>,
    /// The facility's flat public fields with the hit's tier, distance and needs.
    pub properties: SearchProperties,
}

/// Properties of a search feature.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchProperties {
    /// `confirmed` or `unknown` (要確認).
    pub tier: TierDto,
    /// Great-circle distance from the origin, metres.
    pub distance_m: Option<f64>,
    /// Estimated travel time, minutes.
    pub travel_minutes: Option<f64>,
    /// `need_<code>`: yes / no / unknown per need asked for.
    #[serde(flatten)]
    #[schema(value_type = std::collections::BTreeMap<String, String>)]
    pub needs: std::collections::BTreeMap<String, AnswerDto>,
    /// The facility.
    #[serde(flatten)]
    pub facility: FlatFacility,
}

impl SearchFeature {
    fn new(hit: &PublicHit, model: TravelModel) -> Self {
        let Feature {
            id,
            geometry,
            properties,
            ..
        } = Feature::from(&hit.facility);
        Self {
            kind: "Feature",
            id,
            geometry,
            properties: SearchProperties {
                tier: hit.tier.into(),
                distance_m: hit.distance_m.map(round1),
                travel_minutes: hit.distance_m.map(|d| round1(model.minutes(d))),
                needs: hit
                    .needs
                    .iter()
                    .map(|need| (format!("need_{}", need.capability), need.answer.into()))
                    .collect(),
                facility: properties,
            },
        }
    }
}

impl From<Tier> for TierDto {
    fn from(tier: Tier) -> Self {
        match tier {
            Tier::Confirmed => Self::Confirmed,
            Tier::Unknown => Self::Unknown,
        }
    }
}
