//! The coverage report: the table per 二次医療圏 and municipality, the gap
//! list and the places as GeoJSON, as `GET /api/v1/coverage` answers and
//! `renkei coverage` prints them (one shape for both front doors). With the
//! `openapi` feature each type also describes itself for the OpenAPI document.

use crate::error::AppResult;
use renkei_core::coverage::{AreaIndicators, Place};
use renkei_core::need::TravelModel;
use serde::Serialize;

/// The coverage table and gap list.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CoverageReport {
    /// What was asked.
    pub profile: ProfileDto,
    /// `distance` (k providers within the threshold) or `service_area`
    /// (k providers declare the municipality).
    #[cfg_attr(feature = "openapi", schema(example = "distance"))]
    pub basis: &'static str,
    /// Providers a place needs (k).
    pub k: usize,
    /// Distance threshold, metres (straight line).
    pub within_m: f64,
    /// The same threshold as estimated travel minutes.
    pub within_minutes: f64,
    /// How minutes are estimated from distance.
    pub travel_model: TravelModelDto,
    /// `mesh` (JIS X 0410 3rd-mesh land cells, about 1 km) or `town` (町丁目 points).
    #[cfg_attr(feature = "openapi", schema(example = "mesh"))]
    pub sites: &'static str,
    /// Where the children counts come from, and what is approximate.
    pub population: PopulationNoteDto,
    /// The tier the gap list and map follow: `confirmed` or `with_unknown`.
    #[cfg_attr(feature = "openapi", schema(example = "confirmed"))]
    pub gap_tier: &'static str,
    /// One row per 二次医療圏 in the area.
    pub regions: Vec<AreaRow>,
    /// One row per municipality / ward in the area.
    pub municipalities: Vec<AreaRow>,
    /// Places with the most children beyond the threshold, most first.
    pub gaps: Vec<GapDto>,
}

/// The need profile asked for.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProfileDto {
    /// Facility kind codes (empty: any kind).
    pub kinds: Vec<String>,
    /// 医療的ケア capability codes (all must be met by one service).
    pub needs: Vec<String>,
    /// The child's age, years.
    pub age: Option<u8>,
    /// Only services accepting new clients.
    pub accepting: bool,
}

/// Estimated travel from straight-line distance.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TravelModelDto {
    /// Road distance over straight-line distance.
    pub detour_factor: f64,
    /// Average speed, km/h.
    pub speed_kmh: f64,
}

impl From<TravelModel> for TravelModelDto {
    fn from(model: TravelModel) -> Self {
        Self {
            detour_factor: model.detour_factor,
            speed_kmh: model.speed_kmh,
        }
    }
}

/// Where the children counts come from.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PopulationNoteDto {
    /// `mesh` (imported e-Stat mesh counts), `spread` (municipal counts shared
    /// over places) or `none` (no population imported: every count is 0).
    #[cfg_attr(feature = "openapi", schema(example = "spread"))]
    pub method: &'static str,
    /// Dataset and year.
    pub source: Option<String>,
    /// What is approximate, Japanese then English.
    pub notes: Vec<String>,
    /// Children left out because their municipality has no place loaded.
    pub unplaced_children: u64,
}

/// Indicators of one area for one tier.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IndicatorsDto {
    /// Children under 15 counted (persons).
    pub children: u64,
    /// Of them, covered.
    pub children_within: u64,
    /// Of them, not covered.
    pub children_beyond: u64,
    /// Covered share, 0–1; `null` without children.
    pub share_within: Option<f64>,
    /// Matching providers located in the area.
    pub providers: u64,
    /// Matching providers per 10,000 children; `null` without children.
    pub providers_per_10k_children: Option<f64>,
    /// Distance to the k-th nearest provider that 90 % of the children are
    /// within, metres; `null` without children or when over 10 % have fewer
    /// than k providers at all.
    pub p90_m: Option<f64>,
    /// `p90_m` as estimated travel minutes.
    pub p90_minutes: Option<f64>,
}

impl IndicatorsDto {
    /// Rounded for display: metres and minutes to 0.1, shares to 0.0001.
    pub fn new(indicators: &AreaIndicators, travel: TravelModel) -> Self {
        Self {
            children: indicators.children,
            children_within: indicators.children_within,
            children_beyond: indicators.children_beyond(),
            share_within: indicators.share_within().map(|s| round(s, 4)),
            providers: indicators.providers,
            providers_per_10k_children: indicators
                .providers_per_10k_children()
                .map(|n| round(n, 2)),
            p90_m: indicators.p90_m.map(|d| round(d, 1)),
            p90_minutes: indicators.p90_m.map(|d| round(travel.minutes(d), 1)),
        }
    }
}

/// One row of the table.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AreaRow {
    /// 二次医療圏 code (4 digits) or municipality / ward code (5 digits).
    pub code: String,
    /// Name, e.g. 湘南東部 or 茅ヶ崎市.
    pub name: Option<String>,
    /// For a municipality, its 二次医療圏.
    pub region_code: Option<String>,
    /// Counting confirmed providers only.
    pub confirmed: IndicatorsDto,
    /// Counting providers where some need is 要確認 as well.
    pub with_unknown: IndicatorsDto,
}

/// One place of the gap list.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GapDto {
    /// `cell` or `town`.
    #[cfg_attr(feature = "openapi", schema(example = "cell"))]
    pub kind: &'static str,
    /// Mesh code (8 digits) or 町丁目 name.
    #[cfg_attr(feature = "openapi", schema(example = "53390302"))]
    pub id: String,
    /// Municipality / ward code.
    pub municipality_code: String,
    /// Municipality name.
    pub municipality_name: Option<String>,
    /// 二次医療圏 code.
    pub region_code: Option<String>,
    /// Children counted here (persons).
    pub children: u64,
    /// Distance to the k-th nearest provider, metres; `null` when fewer than k exist.
    pub kth_m: Option<f64>,
    /// `kth_m` as estimated travel minutes.
    pub kth_minutes: Option<f64>,
    /// Where distances are measured from: `[longitude, latitude]`, WGS 84.
    pub position: [f64; 2],
}

/// `(kind, id)` of a place, as the responses name it.
pub fn place_id(place: &Place) -> (&'static str, String) {
    match place {
        Place::Cell(cell) => ("cell", cell.code()),
        Place::Town(name) => ("town", name.clone()),
    }
}

/// `value` rounded to `digits` decimals.
pub fn round(value: f64, digits: i32) -> f64 {
    let scale = 10_f64.powi(digits);
    (value * scale).round() / scale
}

/// A GeoJSON FeatureCollection of coverage places.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CoverageFeatureCollection {
    /// Always `FeatureCollection`.
    #[serde(rename = "type")]
    #[cfg_attr(feature = "openapi", schema(example = "FeatureCollection"))]
    pub kind: &'static str,
    /// One feature per place in the area.
    pub features: Vec<CoverageFeature>,
}

/// One place: a cell (Polygon) or a 町丁目 point (Point).
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CoverageFeature {
    /// Always `Feature`.
    #[serde(rename = "type")]
    #[cfg_attr(feature = "openapi", schema(example = "Feature"))]
    pub kind: &'static str,
    /// Mesh code or `municipality code + town name`.
    pub id: String,
    /// `{"type": "Polygon"|"Point", "coordinates": …}`, lon/lat WGS 84.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub geometry: serde_json::Value,
    /// The place's numbers.
    pub properties: CoverageProperties,
}

/// Properties of a coverage feature; draw it by `band` (or `band_colour`).
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CoverageProperties {
    /// `cell` or `town`.
    pub kind: &'static str,
    /// Mesh code or 町丁目 name.
    pub place: String,
    /// Municipality / ward code.
    pub municipality_code: String,
    /// 二次医療圏 code.
    pub region_code: Option<String>,
    /// Children counted here (persons).
    pub children: u64,
    /// Distance to the nearest provider, metres.
    pub nearest_m: Option<f64>,
    /// Distance to the k-th nearest provider, metres.
    pub kth_m: Option<f64>,
    /// `kth_m` as estimated travel minutes.
    pub kth_minutes: Option<f64>,
    /// Covered under the basis asked for.
    pub covered: bool,
    /// Distance band of `kth_m`: 0 ≤ 2 km, 1 ≤ 5 km, 2 ≤ 10 km, 3 ≤ 20 km,
    /// 4 > 20 km, 5 fewer than k providers anywhere.
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 5))]
    pub band: u8,
    /// The band's label, e.g. `2–5 km`.
    pub band_label: &'static str,
    /// Suggested fill colour of the band (ColorBrewer RdYlGn, reversed; grey
    /// for no provider): `#1a9850`, `#91cf60`, `#fee08b`, `#fc8d59`, `#d73027`, `#808080`.
    pub band_colour: &'static str,
}

/// Upper bounds of the distance bands, metres; a distance above the last is band 4.
pub const BAND_LIMITS_M: [f64; 4] = [2_000.0, 5_000.0, 10_000.0, 20_000.0];
/// Labels of the six bands, nearest first (Japanese / English where they differ).
pub const BAND_LABELS: [&str; 6] = [
    "0–2 km",
    "2–5 km",
    "5–10 km",
    "10–20 km",
    "20 km+",
    "なし / none",
];
/// Suggested colours (`#rrggbb`) of the six bands, nearest first.
pub const BAND_COLOURS: [&str; 6] = [
    "#1a9850", "#91cf60", "#fee08b", "#fc8d59", "#d73027", "#808080",
];

/// Band, label and colour of a k-th distance (see [`CoverageProperties::band`]).
pub fn band(kth_m: Option<f64>) -> (u8, &'static str, &'static str) {
    let index = kth_m.map_or(5, |d| {
        BAND_LIMITS_M
            .iter()
            .position(|limit| d <= *limit)
            .unwrap_or(4)
    });
    (
        u8::try_from(index).expect("six bands"),
        BAND_LABELS[index],
        BAND_COLOURS[index],
    )
}

/// The report's table (regions, then municipalities) as CSV bytes, UTF-8
/// with BOM, as `format=csv` serves it.
pub fn table_csv(report: &CoverageReport) -> AppResult<Vec<u8>> {
    crate::table::csv_bytes(&csv_header(), csv_rows(report))
}

/// CSV columns: area level, code, name, region, then each tier's indicators.
pub fn csv_header() -> Vec<String> {
    let mut header: Vec<String> = [
        "区分 (level)",
        "コード (code)",
        "名称 (name)",
        "二次医療圏コード (region_code)",
    ]
    .map(str::to_owned)
    .to_vec();
    for (tier_ja, tier) in [("確認済み", "confirmed"), ("要確認含む", "with_unknown")] {
        for (ja, code) in INDICATOR_COLUMNS {
            header.push(format!("{ja}・{tier_ja} ({tier}_{code})"));
        }
    }
    header
}

const INDICATOR_COLUMNS: [(&str, &str); 7] = [
    ("子ども数", "children"),
    ("圏内の子ども数", "children_within"),
    ("圏外の子ども数", "children_beyond"),
    ("圏内の割合", "share_within"),
    ("事業所数", "providers"),
    ("子ども1万人あたり事業所数", "providers_per_10k_children"),
    ("90%の子どもが含まれる距離 m", "p90_m"),
];

/// One CSV line per row of the table: regions, then municipalities.
pub fn csv_rows(report: &CoverageReport) -> impl Iterator<Item = Vec<String>> + '_ {
    let number = |value: Option<f64>| value.map(|v| v.to_string()).unwrap_or_default();
    let cells = move |i: &IndicatorsDto| {
        [
            i.children.to_string(),
            i.children_within.to_string(),
            i.children_beyond.to_string(),
            number(i.share_within),
            i.providers.to_string(),
            number(i.providers_per_10k_children),
            number(i.p90_m),
        ]
    };
    report
        .regions
        .iter()
        .map(|r| ("二次医療圏", r))
        .chain(report.municipalities.iter().map(|r| ("市区町村", r)))
        .map(move |(level, row)| {
            let mut line = vec![
                level.to_owned(),
                row.code.clone(),
                row.name.clone().unwrap_or_default(),
                row.region_code.clone().unwrap_or_default(),
            ];
            line.extend(cells(&row.confirmed));
            line.extend(cells(&row.with_unknown));
            line
        })
}
