//! `/api/v1/coverage`: how many children live within reach of providers that
//! can handle a need profile, per 二次医療圏 (secondary medical region) and
//! municipality, with the places that fall short; as JSON, as GeoJSON cells
//! coloured by distance band, or as CSV.
//!
//! Computed on demand from the in-memory directory and regions, with the
//! prepared [`inputs`] cached per data version; the analysis itself is
//! [`renkei_core::coverage`].

pub mod dto;
pub mod inputs;

use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::export::{csv_table_bytes, csv_table_response, geojson_response};
use crate::extract::{AppJson, AppQuery};
use crate::facilities::{parse_number, present};
use crate::regions::Regions;
use crate::search::params::{codes, flag, positive};
use crate::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use dto::{
    band, place_id, round, AreaRow, CoverageFeature, CoverageFeatureCollection, CoverageProperties,
    CoverageReport, GapDto, IndicatorsDto, PopulationNoteDto, ProfileDto,
};
use inputs::{inputs_for, CellPopulation, CoverageInputs};
use renkei_core::coverage::{
    analyse, gaps, index_providers, summarise, AreaIndicators, Basis, CoverageOptions, Provider,
    ProviderIndex, Site, SiteCoverage,
};
use renkei_core::directory_index::DirectoryIndex;
use renkei_core::need::{NeedProfile, Tier, TravelModel, MAX_AGE_YEARS};
use renkei_core::region::{Municipality, RegionCatalog};
use renkei_core::{CapabilityCode, KindCode, MunicipalityCode, PrefectureCode, RegionCode};
use serde::Deserialize;
use utoipa::IntoParams;

/// Default distance threshold: 10 km (straight line).
pub const DEFAULT_WITHIN_M: f64 = 10_000.0;
/// Largest distance threshold: 200 km.
pub const MAX_WITHIN_M: f64 = 200_000.0;
/// Largest threshold in minutes.
pub const MAX_WITHIN_MINUTES: f64 = 600.0;
/// Largest k.
pub const MAX_K: u32 = 10;
/// Default length of the gap list.
pub const DEFAULT_GAPS: u32 = 20;
/// Largest gap list.
pub const MAX_GAPS: u32 = 1_000;

/// Routes of this area, relative to `/api/v1`.
pub fn routes() -> Router<AppState> {
    Router::new().route("/coverage", get(coverage))
}

/// Query parameters of the coverage analysis. Empty values count as absent.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CoverageParams {
    /// Facility kinds, comma-separated taxonomy codes (e.g. `visiting_nurse`); any of them.
    #[param(value_type = Option<String>, example = "visiting_nurse")]
    pub kinds: Option<String>,
    /// 医療的ケア needs, comma-separated capability codes; one service must meet all.
    #[param(value_type = Option<String>, example = "ventilator")]
    pub needs: Option<String>,
    /// The child's age in years, 0–120.
    #[param(value_type = Option<u32>, minimum = 0, maximum = 120, example = 6)]
    pub age: Option<String>,
    /// `true`: only services accepting new clients (unstated is 要確認).
    #[param(value_type = Option<bool>)]
    pub accepting: Option<String>,
    /// `true`: the gap list and map count providers where a need is 要確認
    /// too (the table always shows both tiers). Default `false`.
    #[param(value_type = Option<bool>)]
    pub include_unknown: Option<String>,
    /// The area: prefecture (2 digits, e.g. 14), 二次医療圏 (4 digits, e.g. 1407)
    /// or municipality (5 digits; a designated city includes its wards).
    /// Default: everything loaded. Providers outside the area still count.
    #[param(value_type = Option<String>, example = "1407")]
    pub region: Option<String>,
    /// Distance threshold in metres (straight line), up to 200000; default 10000.
    #[param(value_type = Option<f64>, minimum = 1, maximum = 200_000, example = 10_000)]
    pub within_m: Option<String>,
    /// Instead of `within_m`: estimated travel minutes, up to 600 (see `travel_model`).
    #[param(value_type = Option<f64>, minimum = 1, maximum = 600, example = 20)]
    pub within_minutes: Option<String>,
    /// Providers a place needs within the threshold, 1–10 (default 1).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 10, example = 1)]
    pub k: Option<String>,
    /// `distance` (default) or `service_area`: k providers declare they serve
    /// the place's municipality (HSDS service_area, `renkei import service-areas`).
    #[param(value_type = Option<String>, example = "distance")]
    pub basis: Option<String>,
    /// `mesh` (default: JIS X 0410 3rd-mesh land cells, about 1 km) or `town` (町丁目 points).
    #[param(value_type = Option<String>, example = "mesh")]
    pub sites: Option<String>,
    /// Places in the gap list, 0–1000 (default 20).
    #[param(value_type = Option<u32>, minimum = 0, maximum = 1000, example = 20)]
    pub gaps: Option<String>,
    /// `json` (default), `geojson` (places with distance bands) or `csv` (the table).
    #[param(value_type = Option<String>, example = "json")]
    pub format: Option<String>,
}

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CoverageFormat {
    /// The report.
    Json,
    /// Places as GeoJSON.
    Geojson,
    /// The table as CSV.
    Csv,
}

/// Which places children are counted at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SiteKind {
    /// 3rd-mesh land cells.
    Mesh,
    /// 町丁目 points.
    Town,
}

/// The area analysed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CoverageArea {
    /// Everything loaded.
    All,
    /// One prefecture.
    Prefecture(PrefectureCode),
    /// One 二次医療圏.
    Region(RegionCode),
    /// One municipality (a designated city includes its wards).
    Municipality(MunicipalityCode),
}

/// A checked request.
#[derive(Debug, Clone, PartialEq)]
pub struct CoverageRequest {
    /// Who the providers must serve.
    pub profile: NeedProfile,
    /// Gap list and map count the 要確認 tier too.
    pub include_unknown: bool,
    /// The area.
    pub area: CoverageArea,
    /// k, threshold (metres) and basis.
    pub options: CoverageOptions,
    /// Distance → minutes.
    pub travel: TravelModel,
    /// Cells or towns.
    pub sites: SiteKind,
    /// Length of the gap list.
    pub gaps: usize,
    /// Output format.
    pub format: CoverageFormat,
}

impl CoverageParams {
    /// Checks every parameter; a bad one is a 400 naming it.
    pub fn parse(&self, regions: &Regions) -> ApiResult<CoverageRequest> {
        let choice = |field: &str, text: Option<&str>, allowed: &[&str]| -> ApiResult<usize> {
            let Some(text) = present(text) else {
                return Ok(0);
            };
            allowed.iter().position(|a| *a == text).ok_or_else(|| {
                let list = allowed.join(", ");
                ApiError::bad_parameter(
                    field,
                    format!("{text:?} は使えません。{list} のどれかを指定してください"),
                    format!("{text:?} is not supported; use one of {list}"),
                )
            })
        };
        let format = [
            CoverageFormat::Json,
            CoverageFormat::Geojson,
            CoverageFormat::Csv,
        ][choice(
            "format",
            self.format.as_deref(),
            &["json", "geojson", "csv"],
        )?];
        let basis = [Basis::Distance, Basis::ServiceArea][choice(
            "basis",
            self.basis.as_deref(),
            &["distance", "service_area"],
        )?];
        let sites = [SiteKind::Mesh, SiteKind::Town]
            [choice("sites", self.sites.as_deref(), &["mesh", "town"])?];
        let travel = TravelModel::DEFAULT;
        let within_m = match (
            positive("within_m", self.within_m.as_deref(), MAX_WITHIN_M)?,
            positive(
                "within_minutes",
                self.within_minutes.as_deref(),
                MAX_WITHIN_MINUTES,
            )?,
        ) {
            (Some(_), Some(_)) => {
                return Err(ApiError::bad_parameter(
                    "within_minutes",
                    "within_m と within_minutes はどちらか一方だけを指定してください",
                    "give either within_m or within_minutes, not both",
                ))
            }
            (Some(metres), None) => metres,
            (None, Some(minutes)) => travel.reach_m(minutes),
            (None, None) => DEFAULT_WITHIN_M,
        };
        let k = parse_number("k", self.k.as_deref(), 1, MAX_K)?.unwrap_or(1);
        let gap_count =
            parse_number("gaps", self.gaps.as_deref(), 0, MAX_GAPS)?.unwrap_or(DEFAULT_GAPS);
        Ok(CoverageRequest {
            profile: NeedProfile {
                kinds: codes("kinds", self.kinds.as_deref(), KindCode::new)?,
                needs: codes("needs", self.needs.as_deref(), CapabilityCode::new)?,
                age_years: parse_number("age", self.age.as_deref(), 0, u32::from(MAX_AGE_YEARS))?
                    .map(|age| u8::try_from(age).expect("age is at most MAX_AGE_YEARS")),
                accepting_only: flag("accepting", self.accepting.as_deref())?,
            },
            include_unknown: flag("include_unknown", self.include_unknown.as_deref())?,
            area: parse_area(present(self.region.as_deref()), regions)?,
            options: CoverageOptions {
                k: k as usize,
                within_m,
                basis,
            },
            travel,
            sites,
            gaps: gap_count as usize,
            format,
        })
    }
}

fn parse_area(text: Option<&str>, regions: &Regions) -> ApiResult<CoverageArea> {
    let Some(text) = text else {
        return Ok(CoverageArea::All);
    };
    let bad = || {
        ApiError::bad_parameter(
            "region",
            format!("{text:?} は都道府県 (2桁)・二次医療圏 (4桁)・市区町村 (5桁) のコードではありません"),
            format!("{text:?} is not a prefecture (2 digits), region (4 digits) or municipality (5 digits) code"),
        )
    };
    let area = match text.len() {
        2 => CoverageArea::Prefecture(PrefectureCode::new(text).map_err(|_| bad())?),
        4 => CoverageArea::Region(RegionCode::new(text).map_err(|_| bad())?),
        5 => CoverageArea::Municipality(MunicipalityCode::new(text).map_err(|_| bad())?),
        _ => return Err(bad()),
    };
    if let CoverageArea::Region(code) = &area {
        if regions.catalog.region(code).is_none() {
            return Err(ApiError::NotFound {
                entity: "region",
                id: code.to_string(),
            });
        }
    }
    Ok(area)
}

/// Coverage and gaps for a need profile (カバー率とギャップ分析).
#[utoipa::path(
    get,
    path = "/api/v1/coverage",
    tag = "coverage",
    params(CoverageParams),
    responses(
        (status = 200, description = "Per-region and per-municipality table and gap list / 二次医療圏・市区町村ごとのカバー率と空白地域", content(
            (CoverageReport = "application/json"),
            (CoverageFeatureCollection = "application/geo+json"),
            (String = "text/csv"),
        )),
        (status = 400, description = "A parameter is malformed or out of range; `field` names it", body = ErrorBody),
        (status = 404, description = "No 二次医療圏 has this code", body = ErrorBody),
    )
)]
pub async fn coverage(
    State(state): State<AppState>,
    AppQuery(params): AppQuery<CoverageParams>,
) -> ApiResult<Response> {
    let regions = state.index.regions();
    let request = params.parse(&regions)?;
    let inputs = inputs_for(state.store.as_ref(), &regions).await?;
    let index = state.index.load();
    let analysis = Analysis::run(&index, &regions, &inputs, &request);
    match request.format {
        CoverageFormat::Json => Ok(AppJson(analysis.report(&regions, &inputs)).into_response()),
        CoverageFormat::Geojson => geojson_response(&analysis.features(&regions)),
        CoverageFormat::Csv => {
            let report = analysis.report(&regions, &inputs);
            csv_table_response(&csv_header(), csv_rows(&report), "renkei-coverage.csv")
        }
    }
}

/// One analysis: both tiers over the sites of the area.
#[derive(Debug)]
pub struct Analysis<'a> {
    request: &'a CoverageRequest,
    sites: Vec<Site>,
    confirmed: Vec<SiteCoverage>,
    with_unknown: Vec<SiteCoverage>,
    providers_confirmed: Vec<Provider>,
    providers_all: Vec<Provider>,
}

impl<'a> Analysis<'a> {
    /// Analyses the sites of `request`'s area against the directory `index`.
    pub fn run(
        index: &DirectoryIndex,
        regions: &Regions,
        inputs: &CoverageInputs,
        request: &'a CoverageRequest,
    ) -> Self {
        let all_sites = match request.sites {
            SiteKind::Mesh => &inputs.cells,
            SiteKind::Town => &inputs.towns,
        };
        let sites: Vec<Site> = all_sites
            .iter()
            .filter(|site| in_area(&request.area, regions, &site.municipality))
            .cloned()
            .collect();
        let providers_all = index_providers(&request.profile, index, true, &inputs.service_areas);
        let providers_confirmed: Vec<Provider> = providers_all
            .iter()
            .filter(|p| p.tier == Tier::Confirmed)
            .cloned()
            .collect();
        let run =
            |list: &[Provider]| analyse(&sites, &ProviderIndex::build(list), list, request.options);
        Self {
            request,
            confirmed: run(&providers_confirmed),
            with_unknown: run(&providers_all),
            sites,
            providers_confirmed,
            providers_all,
        }
    }

    fn selected(&self) -> &[SiteCoverage] {
        if self.request.include_unknown {
            &self.with_unknown
        } else {
            &self.confirmed
        }
    }

    /// Indicators of both tiers per area: `area_of` names a site's area and
    /// `provider_area` a provider's.
    fn table(
        &self,
        area_of: &dyn Fn(&Site) -> Option<String>,
        provider_area: &dyn Fn(&Provider) -> Option<String>,
    ) -> Vec<(String, AreaIndicators, AreaIndicators)> {
        let confirmed = summarise(
            &self.sites,
            &self.confirmed,
            area_of,
            &self.providers_confirmed,
            provider_area,
        );
        let all = summarise(
            &self.sites,
            &self.with_unknown,
            area_of,
            &self.providers_all,
            provider_area,
        );
        confirmed
            .into_iter()
            .map(|(code, indicators)| {
                let other = all.get(&code).cloned().unwrap_or_default();
                (code, indicators, other)
            })
            .collect()
    }

    fn row(
        &self,
        catalog: &RegionCatalog,
        (code, confirmed, all): &(String, AreaIndicators, AreaIndicators),
    ) -> AreaRow {
        let travel = self.request.travel;
        let (name, region_code) = if let Ok(municipality) = MunicipalityCode::new(code.clone()) {
            (
                catalog
                    .municipality(&municipality)
                    .map(Municipality::full_name),
                catalog.region_of(&municipality).map(ToString::to_string),
            )
        } else {
            let name = RegionCode::new(code.clone())
                .ok()
                .and_then(|c| catalog.region(&c).map(|(_, r)| r.name_ja.clone()));
            (name, None)
        };
        AreaRow {
            code: code.clone(),
            name,
            region_code,
            confirmed: IndicatorsDto::new(confirmed, travel),
            with_unknown: IndicatorsDto::new(all, travel),
        }
    }

    fn gap_list(&self, catalog: &RegionCatalog) -> Vec<GapDto> {
        let travel = self.request.travel;
        gaps(&self.sites, self.selected(), self.request.gaps)
            .into_iter()
            .map(|i| {
                let site = &self.sites[i];
                let (kind, id) = place_id(&site.place);
                let kth_m = self.selected()[i].kth_m;
                GapDto {
                    kind,
                    id,
                    municipality_code: site.municipality.to_string(),
                    municipality_name: catalog
                        .municipality(&site.municipality)
                        .map(Municipality::full_name),
                    region_code: catalog
                        .region_of(&site.municipality)
                        .map(ToString::to_string),
                    children: site.children,
                    kth_m: kth_m.map(|d| round(d, 1)),
                    kth_minutes: kth_m.map(|d| round(travel.minutes(d), 1)),
                    position: site.position.into(),
                }
            })
            .collect()
    }

    /// The JSON report.
    pub fn report(&self, regions: &Regions, inputs: &CoverageInputs) -> CoverageReport {
        let catalog = &regions.catalog;
        let travel = self.request.travel;
        let regions_table = self.table(
            &|s| catalog.region_of(&s.municipality).map(ToString::to_string),
            &|p| p.region.as_ref().map(ToString::to_string),
        );
        let municipalities_table = self.table(&|s| Some(s.municipality.to_string()), &|p| {
            p.municipality.as_ref().map(ToString::to_string)
        });
        let profile = &self.request.profile;
        CoverageReport {
            profile: ProfileDto {
                kinds: profile.kinds.iter().map(ToString::to_string).collect(),
                needs: profile.needs.iter().map(ToString::to_string).collect(),
                age: profile.age_years,
                accepting: profile.accepting_only,
            },
            basis: match self.request.options.basis {
                Basis::Distance => "distance",
                Basis::ServiceArea => "service_area",
            },
            k: self.request.options.k,
            within_m: round(self.request.options.within_m, 1),
            within_minutes: round(travel.minutes(self.request.options.within_m), 1),
            travel_model: travel.into(),
            sites: match self.request.sites {
                SiteKind::Mesh => "mesh",
                SiteKind::Town => "town",
            },
            population: population_note(self.request.sites, inputs),
            gap_tier: if self.request.include_unknown {
                "with_unknown"
            } else {
                "confirmed"
            },
            regions: regions_table.iter().map(|r| self.row(catalog, r)).collect(),
            municipalities: municipalities_table
                .iter()
                .map(|r| self.row(catalog, r))
                .collect(),
            gaps: self.gap_list(catalog),
        }
    }

    /// The cells (3rd mesh) analysed with their distance band (0–5, see
    /// [`band`]) under the selected tier; empty for town sites.
    pub fn cell_bands(&self) -> Vec<(renkei_core::mesh::MeshCell, u8)> {
        self.sites
            .iter()
            .zip(self.selected())
            .filter_map(|(site, result)| match &site.place {
                renkei_core::coverage::Place::Cell(cell) => Some((*cell, band(result.kth_m).0)),
                renkei_core::coverage::Place::Town(_) => None,
            })
            .collect()
    }

    /// The places as GeoJSON, banded by the selected tier's k-th distance.
    pub fn features(&self, regions: &Regions) -> CoverageFeatureCollection {
        let travel = self.request.travel;
        let features = self
            .sites
            .iter()
            .zip(self.selected())
            .map(|(site, result)| {
                let (kind, place) = place_id(&site.place);
                let (band, band_label, band_colour) = band(result.kth_m);
                let geometry = match &site.place {
                    renkei_core::coverage::Place::Cell(cell) => {
                        serde_json::json!({"type": "Polygon", "coordinates": [cell.ring()]})
                    }
                    renkei_core::coverage::Place::Town(_) => {
                        serde_json::json!({"type": "Point", "coordinates": <[f64; 2]>::from(site.position)})
                    }
                };
                CoverageFeature {
                    kind: "Feature",
                    id: match &site.place {
                        renkei_core::coverage::Place::Cell(_) => place.clone(),
                        renkei_core::coverage::Place::Town(_) => format!("{}{place}", site.municipality),
                    },
                    geometry,
                    properties: CoverageProperties {
                        kind,
                        place,
                        municipality_code: site.municipality.to_string(),
                        region_code: regions.catalog.region_of(&site.municipality).map(ToString::to_string),
                        children: site.children,
                        nearest_m: result.nearest_m.map(|d| round(d, 1)),
                        kth_m: result.kth_m.map(|d| round(d, 1)),
                        kth_minutes: result.kth_m.map(|d| round(travel.minutes(d), 1)),
                        covered: result.covered,
                        band,
                        band_label,
                        band_colour,
                    },
                }
            })
            .collect();
        CoverageFeatureCollection {
            kind: "FeatureCollection",
            features,
        }
    }
}

fn in_area(area: &CoverageArea, regions: &Regions, municipality: &MunicipalityCode) -> bool {
    match area {
        CoverageArea::All => true,
        CoverageArea::Prefecture(code) => municipality.prefecture() == *code,
        CoverageArea::Region(code) => regions.catalog.region_of(municipality) == Some(code),
        CoverageArea::Municipality(code) => regions
            .catalog
            .designated_cities()
            .contains(code, municipality),
    }
}

/// How the children of `sites` were counted, from `inputs`.
pub(crate) fn population_note(sites: SiteKind, inputs: &CoverageInputs) -> PopulationNoteDto {
    let municipal = inputs
        .municipal_population
        .as_ref()
        .map(|(source, year)| format!("{source} ({year})"));
    let spread_note = "市区町村の15歳未満人口を各市区町村の場所に均等に配分した推計です。政令指定都市は市全体の人口を各区の場所に配分しています / \
        Municipal counts of children under 15 shared equally over each municipality's places (an estimate); designated cities publish city-level counts only, shared over the places of all their wards"
        .to_owned();
    let none_note = "人口データが取り込まれていません (renkei import population / mesh-population) / no population has been imported".to_owned();
    let unplaced = |list: &[(MunicipalityCode, u64)]| list.iter().map(|(_, n)| n).sum();
    match (sites, &inputs.cell_population) {
        (SiteKind::Mesh, Some(CellPopulation::Mesh { source, year })) => PopulationNoteDto {
            method: "mesh",
            source: Some(format!("{source} ({year})")),
            notes: vec![
                "地域メッシュ統計の0〜14歳人口 / children aged 0–14 from e-Stat mesh statistics"
                    .to_owned(),
            ],
            unplaced_children: inputs.mesh_outside,
        },
        (SiteKind::Mesh, Some(CellPopulation::Spread)) => PopulationNoteDto {
            method: "spread",
            source: municipal,
            notes: vec![spread_note],
            unplaced_children: unplaced(&inputs.unplaced_cells),
        },
        (SiteKind::Town, _) if municipal.is_some() => PopulationNoteDto {
            method: "spread",
            source: municipal,
            notes: vec![spread_note],
            unplaced_children: unplaced(&inputs.unplaced_towns),
        },
        _ => PopulationNoteDto {
            method: "none",
            source: None,
            notes: vec![none_note],
            unplaced_children: 0,
        },
    }
}

/// The report's table (regions, then municipalities) as CSV bytes, UTF-8
/// with BOM, as `format=csv` serves it.
pub fn table_csv(report: &CoverageReport) -> ApiResult<Vec<u8>> {
    csv_table_bytes(&csv_header(), csv_rows(report))
}

/// CSV columns: area level, code, name, region, then each tier's indicators.
fn csv_header() -> Vec<String> {
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

fn csv_rows(report: &CoverageReport) -> impl Iterator<Item = Vec<String>> + '_ {
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
