//! `/api/v1/search`: referral search — the services near a place (or in an
//! area, or matching a text) that can handle a child's care, nearest first,
//! with confirmed results and the 要確認 (unknown) tier in separate lists.
//! The query string becomes a [`SearchRequest`] that renkei-app runs on the
//! read model's snapshot.

use crate::dto::{AnswerDto, FacilitySummaryDto, TermDto, VerificationDto};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::export::{geojson_response, Feature, FlatFacility, Point};
use crate::extract::{AppJson, AppQuery};
use crate::params::{choice, flag, parse_number, parse_point, present, profile, reach};
use crate::summaries::SummaryCache;
use crate::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Extension;
use axum::Router;
use renkei_app::regions::{not_an_area, parse_area};
use renkei_app::search::{
    max_search_minutes, Listing, Origin, SearchPlace, SearchRequest, MAX_OFFSET,
};
use renkei_app::AppError;
use renkei_app::Regions;
use renkei_core::geocode::reads_same_town;
use renkei_core::need::{Tier, TravelModel};
use renkei_core::relevance::Relevance;
use renkei_core::search::{DEFAULT_LIMIT, MAX_LIMIT, MAX_RADIUS_M};
use renkei_core::verification::{tokyo_date, AgeingPolicy, Freshness};
use renkei_core::PublicHit;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::sync::Arc;
use utoipa::{IntoParams, ToSchema};

/// Routes of this area, relative to `/api/v1`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/search", get(search))
        .layer(Extension(Arc::new(SummaryCache::default())))
}

/// Query parameters of the search. Empty values count as absent.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// Longitude of the place, WGS 84 degrees (with `lat`).
    #[param(value_type = Option<f64>, example = 139.4037)]
    pub lon: Option<String>,
    /// Latitude of the place, WGS 84 degrees (with `lon`).
    #[param(value_type = Option<f64>, example = 35.3334)]
    pub lat: Option<String>,
    /// The place as text instead of `lon`/`lat`: an address, 町丁目 or
    /// municipality, placed by the offline geocoder (see /api/v1/geocode).
    #[param(value_type = Option<String>, example = "茅ヶ崎市東海岸北1-1")]
    pub near: Option<String>,
    /// Search radius in metres, up to 300000 (default 30000).
    #[param(value_type = Option<f64>, minimum = 1, maximum = 300_000, example = 30_000)]
    pub radius_m: Option<String>,
    /// Instead of `radius_m`: the estimated travel time in minutes (by car,
    /// straight line × 1.3 at 30 km/h; see `travel_model` in the response).
    #[param(value_type = Option<f64>, minimum = 1, example = 30)]
    pub max_minutes: Option<String>,
    /// Facility kinds, comma-separated taxonomy codes (e.g. `visiting_nurse,hospital`); any of them.
    /// Left out with `needs` given: the kinds that can plausibly provide the
    /// needs (`kinds_applied` in the response, `kinds_defaulted` true). `all`: every kind.
    #[param(value_type = Option<String>, example = "visiting_nurse,hospital")]
    pub kinds: Option<String>,
    /// 医療的ケア needs, comma-separated capability codes (e.g. `ventilator,suctioning`);
    /// one service must meet all of them.
    #[param(value_type = Option<String>, example = "ventilator,suctioning")]
    pub needs: Option<String>,
    /// The child's age in years, 0–120; services whose stated range excludes it are left out.
    #[param(value_type = Option<u32>, minimum = 0, maximum = 120, example = 6)]
    pub age: Option<String>,
    /// `true`: only services accepting new clients (unstated is 要確認).
    #[param(value_type = Option<bool>)]
    pub accepting: Option<String>,
    /// Only this area: a 二次医療圏 code (4 digits, e.g. 1407) or a municipality /
    /// ward code (5 digits; a designated-city code includes its wards).
    #[param(value_type = Option<String>, example = "1407")]
    pub region: Option<String>,
    /// Text over names, readings (kana) and addresses; every word must match.
    /// Width, kana, ケ/ヶ/が, old kanji forms and 丁目 forms do not matter.
    #[param(value_type = Option<String>, example = "訪問看護")]
    pub q: Option<String>,
    /// `true`: also list facilities where some need is not stated (要確認) in `unknown`.
    #[param(value_type = Option<bool>)]
    pub include_unknown: Option<String>,
    /// Hits per list and page, 1–100 (default 20).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100, example = 20)]
    pub limit: Option<String>,
    /// `next_cursor` of the previous page.
    #[param(value_type = Option<String>)]
    pub cursor: Option<String>,
    /// `json` (default) or `geojson` (both lists as one FeatureCollection, tier in properties).
    #[param(value_type = Option<String>, example = "json")]
    pub format: Option<String>,
}

/// Response formats of the search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SearchFormat {
    Json,
    Geojson,
}

impl SearchParams {
    /// The typed search and the response format, an area code read with the
    /// designated cities of `regions`; a malformed value is a 400 naming its
    /// parameter (renkei-app then checks what needs the data). Confirmed
    /// answers lapse as `ageing` says.
    pub(crate) fn request(
        &self,
        regions: &Regions,
        ageing: AgeingPolicy,
    ) -> ApiResult<(SearchRequest, SearchFormat)> {
        let format = [SearchFormat::Json, SearchFormat::Geojson]
            [choice("format", self.format.as_deref(), &["json", "geojson"])?];
        // A filter naming no loaded region is the caller's mistake (400, with
        // the loaded regions listed by renkei-app), not a missing resource.
        let area = present(self.region.as_deref())
            .map(|text| {
                parse_area("region", text, regions).map_err(|error| match error {
                    AppError::NotFound { .. } => not_an_area("region", text),
                    other => other,
                })
            })
            .transpose()?;
        let place = self.place()?;
        let every_kind = present(self.kinds.as_deref()) == Some("all");
        let profile = profile(
            self.kinds.as_deref().filter(|_| !every_kind),
            self.needs.as_deref(),
            self.age.as_deref(),
            self.accepting.as_deref(),
        )?;
        let limit = parse_number(
            "limit",
            self.limit.as_deref(),
            1,
            u32::try_from(MAX_LIMIT).expect("MAX_LIMIT is 100"),
        )?
        .map_or(DEFAULT_LIMIT, |n| n as usize);
        let reach = reach(
            ("radius_m", self.radius_m.as_deref()),
            ("max_minutes", self.max_minutes.as_deref()),
            MAX_RADIUS_M,
            max_search_minutes(),
        )?;
        let request = SearchRequest {
            place,
            reach,
            profile,
            area,
            text: present(self.q.as_deref()).map(str::to_owned),
            include_unknown: flag("include_unknown", self.include_unknown.as_deref())?,
            limit,
            offset: self.offset()?,
            default_kinds: !every_kind,
            ageing,
        };
        Ok((request, format))
    }

    /// `lon` and `lat`, or `near`, not both.
    fn place(&self) -> ApiResult<Option<SearchPlace>> {
        let (lon, lat) = (present(self.lon.as_deref()), present(self.lat.as_deref()));
        let near = present(self.near.as_deref());
        if lon.is_none() && lat.is_none() {
            return Ok(near.map(|text| SearchPlace::Near(text.to_owned())));
        }
        if near.is_some() {
            return Err(ApiError::bad_parameter(
                "near",
                "lon/lat と near は同時に指定できません。どちらか一方にしてください",
                "give either lon/lat or near, not both",
            ));
        }
        Ok(Some(SearchPlace::Point(parse_point(lon, lat)?)))
    }

    /// The offset a `cursor` carries (0 without one).
    fn offset(&self) -> ApiResult<usize> {
        let Some(text) = present(self.cursor.as_deref()) else {
            return Ok(0);
        };
        text.strip_prefix('p')
            .and_then(|n| n.parse::<usize>().ok())
            .filter(|&n| n <= MAX_OFFSET)
            .ok_or_else(|| {
                ApiError::bad_parameter(
                    "cursor",
                    format!("{text:?} は前のページの next_cursor ではありません"),
                    format!("{text:?} is not a next_cursor of a previous page"),
                )
            })
    }
}

/// The opaque cursor of the page starting at `offset`.
fn cursor(offset: usize) -> String {
    format!("p{offset}")
}

fn origin_dto(origin: &Origin) -> OriginDto {
    OriginDto {
        lon: origin.point.lon(),
        lat: origin.point.lat(),
        label: origin.label.clone(),
        precision: origin.precision,
    }
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
    /// The kinds searched: those the request named, or with `needs` and no
    /// `kinds` the defaults for the needs (`kinds_defaulted`); empty: every kind.
    pub kinds_applied: Vec<TermDto>,
    /// True when `kinds_applied` are the defaults for the needs: show them as
    /// removable chips; `kinds=all` searches every kind.
    pub kinds_defaulted: bool,
    /// What the lists mean. `nearest`: no need, age or accepting was asked,
    /// so `results` is simply every facility of the kinds, nearest first —
    /// nothing is confirmed, and a heading must not say so.
    /// `confirmed_and_unknown`: `results` are confirmed for every need and
    /// `unknown` (要確認) is ranked as `unknown_order` says.
    pub listing: ListingDto,
    /// Order of `unknown`: `evidence_then_distance` (from a place with needs:
    /// official proxies first, then plausible kinds, other, unlikely; each
    /// nearest first), `distance`, or `name` (no place).
    pub unknown_order: &'static str,
    /// Facilities confirmed to meet every need (tier `confirmed`), nearest first.
    pub results: Vec<HitDto>,
    /// Only with `include_unknown=true`: facilities where some need is not
    /// stated (要確認, tier `unknown`), ranked by evidence then distance (see
    /// `unknown_order`); never mixed into `results`.
    pub unknown: Vec<HitDto>,
    /// Confirmed matches over all pages.
    pub total_confirmed: u64,
    /// 要確認 matches over all pages (0 unless `include_unknown=true`).
    pub total_unknown: u64,
    /// Pass as `cursor` for the next page of both lists; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// What a search's lists mean.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ListingDto {
    /// No need chosen: one list of every facility of the kinds, nearest first, no confirmation claim.
    Nearest,
    /// Needs chosen: confirmed results and the 要確認 list apart.
    ConfirmedAndUnknown,
}

impl From<Listing> for ListingDto {
    fn from(listing: Listing) -> Self {
        match listing {
            Listing::Nearest => Self::Nearest,
            Listing::ConfirmedAndUnknown => Self::ConfirmedAndUnknown,
        }
    }
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

/// How fresh a confirmed answer is (#16), in Asia/Tokyo calendar days.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FreshnessDto {
    /// Confirmed at most 365 days ago.
    Current,
    /// More than 365 days old: due for re-confirmation (要再確認).
    Due,
    /// More than 425 days old.
    Overdue,
    /// Older than the lapse limit (default 455 days): counted as 要確認.
    Lapsed,
}

impl From<Freshness> for FreshnessDto {
    fn from(freshness: Freshness) -> Self {
        match freshness {
            Freshness::Current => Self::Current,
            Freshness::Due => Self::Due,
            Freshness::Overdue => Self::Overdue,
            Freshness::Lapsed => Self::Lapsed,
        }
    }
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
    /// For a 要確認 hit of a search with needs: why it is listed where it is,
    /// as dated 参考情報 with sources — never a capability; `null` otherwise.
    pub relevance: Option<RelevanceDto>,
    /// `same_town` when the hit is under 100 m from the origin and either
    /// point is only a 町丁目 representative point: show 「同じ町丁目」, not a
    /// distance; `null` otherwise.
    pub distance_note: Option<DistanceNoteDto>,
}

/// How to read a hit's distance.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DistanceNoteDto {
    /// 「同じ町丁目」: closer than a town point can tell.
    SameTown,
}

/// A 要確認 hit's evidence for the needs searched.
#[derive(Debug, Serialize, ToSchema)]
pub struct RelevanceDto {
    /// `official_proxy` (施設基準・障害福祉サービスの指定), `plausible_kind`
    /// (a kind or department that often provides the care), `other` or
    /// `unlikely` (a department that does not usually provide it).
    #[schema(example = "plausible_kind")]
    pub evidence: &'static str,
    /// The level in words, Japanese.
    pub label_ja: &'static str,
    /// The level in words, English.
    pub label_en: &'static str,
    /// Why, the kind first: each a dated fact with its source (参考情報).
    pub reasons: Vec<ReasonDto>,
}

/// One reason a 要確認 hit is listed.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReasonDto {
    /// `kind`, `department`, `unlikely_department`, `accreditation` or `service_type`.
    #[schema(example = "kind")]
    pub basis: &'static str,
    /// Code of the kind, department, accreditation or service type.
    #[schema(example = "visiting_nurse")]
    pub code: String,
    /// The sentence to show, Japanese.
    #[schema(example = "種別: 訪問看護ステーション")]
    pub text_ja: String,
    /// The same in English.
    pub text_en: String,
    /// Where the fact comes from.
    pub source: String,
    /// Date of the fact (算定開始年月日 of an accreditation, else the import date).
    pub as_of: Option<chrono::NaiveDate>,
}

impl From<Relevance> for RelevanceDto {
    fn from(relevance: Relevance) -> Self {
        Self {
            evidence: relevance.evidence.as_str(),
            label_ja: relevance.evidence.label_ja(),
            label_en: relevance.evidence.label_en(),
            reasons: relevance
                .reasons
                .into_iter()
                .map(|r| ReasonDto {
                    basis: r.basis.as_str(),
                    code: r.code,
                    text_ja: r.text_ja,
                    text_en: r.text_en,
                    source: r.source,
                    as_of: r.as_of,
                })
                .collect(),
        }
    }
}

/// The answer for one need.
#[derive(Debug, Serialize, ToSchema)]
pub struct NeedAnswerDto {
    /// Capability code.
    #[schema(example = "ventilator")]
    pub code: String,
    /// Yes, no or unknown; a yes/no confirmed longer ago than the lapse
    /// limit (default 455 days) is unknown (要確認) here.
    pub answer: AnswerDto,
    /// Date and confirming organisation of the deciding answer (of the
    /// lapsed one for unknown); `null` when undated.
    pub verified: Option<VerificationDto>,
    /// How fresh `verified` is today; `null` when undated.
    pub freshness: Option<FreshnessDto>,
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
    let snapshot = state.index.snapshot();
    let (request, format) = params.request(snapshot.regions(), state.config.ageing)?;
    let outcome = request.run(&snapshot)?;
    let (search, found) = (outcome.search, outcome.page);
    let generation = summaries.generation(snapshot.directory());
    let model = TravelModel::DEFAULT;
    let origin_is_town = search
        .origin
        .as_ref()
        .is_some_and(|o| o.precision == "town");
    // Hits own their decoded facilities: their strings move into the response.
    let today = tokyo_date(chrono::Utc::now());
    let ageing = state.config.ageing;
    let hit = |hit: PublicHit| HitDto {
        distance_note: hit
            .distance_m
            .filter(|&d| reads_same_town(d, hit.facility.location.geocoded, origin_is_town))
            .map(|_| DistanceNoteDto::SameTown),
        relevance: hit.relevance.map(RelevanceDto::from),
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
                verified: need.verified.as_ref().map(VerificationDto::from),
                freshness: need
                    .verified
                    .as_ref()
                    .map(|v| ageing.freshness(v.on, today).into()),
            })
            .collect(),
    };
    if format == SearchFormat::Geojson {
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
    let origin = search.origin.as_ref().map(origin_dto);
    let listing = search.listing();
    let unknown_order = match (&search.origin, listing) {
        (None, _) => "name",
        (Some(_), Listing::ConfirmedAndUnknown) if !search.query.profile.needs.is_empty() => {
            "evidence_then_distance"
        }
        (Some(_), _) => "distance",
    };
    Ok(AppJson(SearchResponse {
        kinds_applied: search
            .query
            .profile
            .kinds
            .iter()
            .map(|code| code.term().into())
            .collect(),
        kinds_defaulted: search.kinds_defaulted,
        listing: listing.into(),
        unknown_order,
        radius_m: origin.as_ref().map(|_| search.query.radius_m),
        origin,
        travel_model: TravelModelDto {
            detour_factor: model.detour_factor,
            speed_kmh: model.speed_kmh,
        },
        needs: search
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
        next_cursor: found.next_offset.map(cursor),
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
    /// `need_<code>`: yes / no / unknown per need asked for, and
    /// `need_<code>_verified_on` (date) and `need_<code>_verified_by`
    /// (organisation) for each need a desk confirmed.
    #[serde(flatten)]
    pub needs: std::collections::BTreeMap<String, String>,
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
                    .flat_map(|need| {
                        let code = &need.capability;
                        let answer = (format!("need_{code}"), need.answer.as_str().to_owned());
                        let confirmation = need.verified.iter().flat_map(move |v| {
                            [
                                (format!("need_{code}_verified_on"), v.on.to_string()),
                                (
                                    format!("need_{code}_verified_by"),
                                    v.by_organization.clone(),
                                ),
                            ]
                        });
                        std::iter::once(answer).chain(confirmation)
                    })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_carry_the_offset_and_bad_ones_name_the_field() {
        assert_eq!(cursor(40), "p40");
        let params = |cursor: &str| SearchParams {
            cursor: Some(cursor.to_owned()),
            ..SearchParams::default()
        };
        assert_eq!(params("p40").offset().unwrap(), 40);
        for bad in ["zz", "p-1", "p100001"] {
            let error = params(bad).offset().unwrap_err();
            assert_eq!(error.body().error.field.as_deref(), Some("cursor"), "{bad}");
        }
    }
}
