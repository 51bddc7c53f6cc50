//! Response types of `/api/v1/regions`.

use renkei_core::region::GeoJsonMultiPolygon;
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

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
