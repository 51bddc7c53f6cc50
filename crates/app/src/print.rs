//! Printed matter from a snapshot: the regional resource map (with an
//! optional coverage layer), the family leaflet and the referral sheet.
//! This module gathers what a document shows; [`renkei_print`] lays it out
//! and writes the PDF.
//!
//! Each query is checked first (cheap, on the caller's thread) and printed
//! after ([`MapJob::print`], [`LeafletQuery::print`], [`ReferralJob::print`]),
//! which a server runs on a blocking thread.

use crate::coverage::report::{BAND_COLOURS, BAND_LABELS};
use crate::coverage::{Analysis, CoverageArea, CoverageInputs, CoverageQuery, SiteKind};
use crate::error::{AppError, AppResult};
use crate::search::{PreparedSearch, Reach, SearchPlace, SearchRequest};
use crate::snapshot::Snapshot;
use renkei_core::coverage::{Basis, CoverageOptions};
use renkei_core::need::NeedProfile;
use renkei_core::search::{Area, SearchQuery};
use renkei_core::verification::AgeingPolicy;
use renkei_core::{CapabilityCode, KindCode, PublicFacility, RegionCode};
use renkei_print::{
    area_facilities, map_area, region_facilities, region_leaflet, render_leaflet,
    render_map_filtered, render_referral, tokyo_today, CoverageBand, CoverageCell, CoverageLayer,
    Fonts, MapArea, MapFilters, MapOptions, Orientation, Paper, PrintError, PrintedMap, Referral,
    WebClient,
};
use std::sync::Arc;

/// The coverage layer of a printed map: the map's kinds and area analysed as
/// [`CoverageQuery`] analyses them, drawn as banded 3rd-mesh cells.
#[derive(Debug, Clone, PartialEq)]
pub struct MapCoverage {
    /// 医療的ケア needs one service must meet.
    pub needs: Vec<CapabilityCode>,
    /// The child's age, years (0–[`MAX_AGE_YEARS`](renkei_core::need::MAX_AGE_YEARS)).
    pub age_years: Option<u8>,
    /// Only services accepting new clients.
    pub accepting_only: bool,
    /// Count providers where a need is 要確認 too.
    pub include_unknown: bool,
    /// The threshold; default 10 km.
    pub within: Option<Reach>,
    /// Providers a place needs within the threshold, 1–10.
    pub k: usize,
}

impl Default for MapCoverage {
    fn default() -> Self {
        Self {
            needs: Vec::new(),
            age_years: None,
            accepting_only: false,
            include_unknown: false,
            within: None,
            k: 1,
        }
    }
}

/// A regional resource map (地域資源マップ) of a 二次医療圏 or municipality.
#[derive(Debug, Clone, PartialEq)]
pub struct MapQuery {
    /// The area; a designated-city code includes its wards.
    pub area: Area,
    /// Paper size.
    pub paper: Paper,
    /// Page orientation.
    pub orientation: Orientation,
    /// Only these facility kinds (empty: all); the coverage layer counts the same kinds.
    pub kinds: Vec<KindCode>,
    /// The coverage layer, when asked for.
    pub coverage: Option<MapCoverage>,
    /// When confirmed answers lapse to 要確認 in the facility list (#16).
    pub ageing: AgeingPolicy,
}

/// A checked map with what it needs, ready to print.
#[derive(Debug)]
pub struct MapJob {
    snapshot: Arc<Snapshot>,
    area: MapArea,
    kinds: Vec<KindCode>,
    coverage: Option<(CoverageQuery, CoverageOptions, Arc<CoverageInputs>)>,
    options: MapOptions,
    ageing: AgeingPolicy,
}

impl MapQuery {
    /// The coverage analysis of the layer: the map's kinds over its area.
    fn coverage_query(&self) -> Option<CoverageQuery> {
        let layer = self.coverage.as_ref()?;
        Some(CoverageQuery {
            profile: NeedProfile {
                kinds: self.kinds.clone(),
                needs: layer.needs.clone(),
                age_years: layer.age_years,
                accepting_only: layer.accepting_only,
                // Coverage counts every stored answer, as the coverage API
                // does; lapsing applies to families' search and referral.
                lapsed_before: None,
            },
            include_unknown: layer.include_unknown,
            area: match &self.area {
                Area::Region(code) => CoverageArea::Region(code.clone()),
                Area::Municipality(area) => CoverageArea::Municipality(area.code().clone()),
            },
            within: layer.within,
            k: layer.k,
            basis: Basis::Distance,
            sites: SiteKind::Mesh,
            gaps: 0,
        })
    }

    /// Checks the area (field `code`) and the coverage options, and prepares
    /// the snapshot's coverage inputs when the layer is asked for.
    pub async fn prepare(&self, snapshot: Arc<Snapshot>, web: WebClient) -> AppResult<MapJob> {
        let area =
            map_area(&snapshot.regions().catalog, &area_code(&self.area)).map_err(|error| {
                AppError::Print {
                    field: "code",
                    error,
                }
            })?;
        let coverage = match self.coverage_query() {
            Some(query) => {
                let options = query.check(&snapshot)?;
                let inputs = snapshot.coverage_inputs().await;
                Some((query, options, inputs))
            }
            None => None,
        };
        Ok(MapJob {
            snapshot,
            area,
            kinds: self.kinds.clone(),
            coverage,
            ageing: self.ageing,
            options: MapOptions {
                paper: self.paper,
                orientation: self.orientation,
                web,
                data_date: None,
            },
        })
    }
}

impl MapJob {
    /// Analyses the coverage layer, when asked, and writes the map; its
    /// title states the kinds (and the layer's needs) the map was made for.
    pub fn print(&self, fonts: &Fonts) -> AppResult<PrintedMap> {
        let layer = self.coverage.as_ref().map(|(query, options, inputs)| {
            let analysis = Analysis::run(query, *options, &self.snapshot, Arc::clone(inputs));
            coverage_layer(&analysis, query, options, &self.options.web)
        });
        let mut facilities = area_facilities(
            self.snapshot.directory(),
            &self.snapshot.regions().catalog,
            &self.area,
        );
        facilities.retain(|f| self.kinds.is_empty() || self.kinds.contains(&f.kind));
        let cutoff = self.ageing.lapse_cutoff(tokyo_today());
        let facilities: Vec<PublicFacility> = facilities
            .into_iter()
            .map(|facility| facility.lapsed(cutoff))
            .collect();
        let shown: Vec<&PublicFacility> = facilities.iter().collect();
        let filters = MapFilters {
            kinds: self.kinds.clone(),
            needs: self
                .coverage
                .as_ref()
                .map(|(query, _, _)| query.profile.needs.clone())
                .unwrap_or_default(),
        };
        render_map_filtered(
            fonts,
            &self.area,
            &shown,
            &self.options,
            layer.as_ref(),
            &filters,
        )
        .map_err(|error| AppError::Print {
            field: "code",
            error,
        })
    }
}

/// The code of `area` as the print crate takes it.
/// 「1407 湘南東部」 or 「14207 茅ヶ崎市」: the area's code with its name when loaded.
fn area_label(snapshot: &Snapshot, area: &Area) -> String {
    let regions = snapshot.regions();
    let name = match area {
        Area::Region(code) => regions
            .catalog
            .region(code)
            .map(|(_, region)| region.name_ja.clone()),
        Area::Municipality(area) => regions.municipality_ref(area.code()).name,
    };
    let code = area_code(area);
    name.map_or_else(|| code.clone(), |name| format!("{code} {name}"))
}

fn area_code(area: &Area) -> String {
    match area {
        Area::Region(code) => code.to_string(),
        Area::Municipality(area) => area.code().to_string(),
    }
}

/// The analysed cells in bands, the legend text, and the web client's
/// coverage view of the same analysis for the QR code.
fn coverage_layer(
    analysis: &Analysis<'_>,
    query: &CoverageQuery,
    options: &CoverageOptions,
    web: &WebClient,
) -> CoverageLayer {
    let within_m = options.within_m;
    let within_minutes = match query.within {
        Some(Reach::Minutes(_)) => Some(query.travel().minutes(within_m).round()),
        _ => None,
    };
    let within = within_minutes.map_or_else(
        || format!("{}km", within_m / 1000.0),
        |minutes| format!("{minutes}min"),
    );
    let japanese = |text: &str| {
        text.rsplit_once(" / ")
            .map_or(text, |(ja, _)| ja)
            .to_owned()
    };
    let population = analysis.population_note();
    let mut population_note = format!(
        "子どもの数: {}",
        population
            .notes
            .first()
            .map_or_else(String::new, |n| japanese(n))
    );
    if let Some(source) = &population.source {
        population_note.push('（');
        population_note.push_str(source);
        population_note.push('）');
    }
    CoverageLayer {
        cells: analysis
            .cell_bands()
            .into_iter()
            .map(|(cell, band)| CoverageCell {
                cell,
                band: usize::from(band),
            })
            .collect(),
        bands: BAND_LABELS
            .iter()
            .zip(BAND_COLOURS)
            .map(|(label, colour)| CoverageBand {
                label: japanese(label),
                colour: hex_colour(colour),
            })
            .collect(),
        profile: query.profile.clone(),
        include_unknown: query.include_unknown,
        within_m,
        within_minutes,
        population_note,
        url: web.coverage_view(
            &query.profile,
            &within,
            query.include_unknown,
            &query.area.code().unwrap_or_default(),
        ),
    }
}

/// `#rrggbb` as bytes (grey when malformed, which the constants are not).
fn hex_colour(text: &str) -> [u8; 3] {
    let byte = |i: usize| {
        text.get(1 + 2 * i..3 + 2 * i)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
            .unwrap_or(0x80)
    };
    [byte(0), byte(1), byte(2)]
}

/// The family leaflet of a 二次医療圏 (ご家族向けリーフレット, A4 三つ折り, 2 pages).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeafletQuery {
    /// The region.
    pub region: RegionCode,
    /// Who hands the leaflet out (配布元), at most [`MAX_ISSUER_CHARS`]
    /// characters; `None` leaves the issuer box blank for a stamp.
    pub issuer: Option<String>,
}

/// The longest issuer name a leaflet prints, in characters.
pub const MAX_ISSUER_CHARS: usize = 60;

impl LeafletQuery {
    /// The leaflet of `region` handed out by `issuer`: an empty issuer is
    /// none; a longer one than [`MAX_ISSUER_CHARS`] or one holding control
    /// characters is the invalid field `issuer`.
    pub fn new(region: RegionCode, issuer: Option<&str>) -> AppResult<Self> {
        let issuer = issuer.map(str::trim).filter(|text| !text.is_empty());
        if let Some(text) = issuer {
            if text.chars().count() > MAX_ISSUER_CHARS || text.chars().any(char::is_control) {
                return Err(AppError::Invalid {
                    field: "issuer",
                    ja: format!("配布元は改行などを含まない{MAX_ISSUER_CHARS}文字以内で入力してください"),
                    en: format!(
                        "the issuer is at most {MAX_ISSUER_CHARS} characters without line breaks or control characters"
                    ),
                });
            }
        }
        Ok(Self {
            region,
            issuer: issuer.map(str::to_owned),
        })
    }
}

impl LeafletQuery {
    /// Writes the leaflet from `snapshot`; an unknown region is the print
    /// error of field `region`.
    pub fn print(&self, snapshot: &Snapshot, fonts: &Fonts, web: WebClient) -> AppResult<Vec<u8>> {
        let print_error = |error: PrintError| AppError::Print {
            field: "region",
            error,
        };
        let code = self.region.to_string();
        let facilities = region_facilities(snapshot.directory(), &code).map_err(print_error)?;
        let mut leaflet = region_leaflet(&snapshot.regions().catalog, &facilities, &code, web)
            .map_err(print_error)?;
        leaflet.issuer.clone_from(&self.issuer);
        render_leaflet(fonts, &leaflet).map_err(print_error)
    }
}

/// A referral sheet (紹介先候補シート) for a search: the 要確認 tier is
/// always listed, apart from the confirmed results.
#[derive(Debug, Clone, PartialEq)]
pub struct ReferralQuery {
    /// The search; its `include_unknown` is taken as true.
    pub search: SearchRequest,
}

/// A checked referral sheet, ready to print.
#[derive(Debug)]
pub struct ReferralJob {
    snapshot: Arc<Snapshot>,
    search: PreparedSearch,
    place_label: String,
    /// The area and text filters, as printed among the conditions.
    filters: Vec<(&'static str, String)>,
    search_url: String,
}

impl ReferralQuery {
    /// Checks the search (as [`SearchRequest::prepare`]) against `snapshot`.
    pub fn prepare(&self, snapshot: Arc<Snapshot>, web: &WebClient) -> AppResult<ReferralJob> {
        let request = SearchRequest {
            include_unknown: true,
            ..self.search.clone()
        };
        let search = request.prepare(&snapshot)?;
        // Far outside every loaded boundary (e.g. at sea) nothing is near to
        // refer to: say so instead of printing an empty sheet.
        if let (Some(origin), Some(_)) =
            (search.query.origin, snapshot.regions().catalog.boundaries())
        {
            crate::geocode::Place::find(&snapshot, origin)?;
        }
        let near = match &request.place {
            Some(SearchPlace::Near(text)) => Some(text.as_str()),
            _ => None,
        };
        let search_url = web.search_view(
            near,
            search.query.origin,
            &search.query.profile,
            search.query.radius_m,
        );
        // The place as the desk named it: the text, else the area, else the point.
        let place_label = near.map_or_else(
            || {
                request
                    .area
                    .as_ref()
                    .map_or_else(|| "指定した地点".to_owned(), area_code)
            },
            str::to_owned,
        );
        let mut filters = Vec::new();
        if let Some(area) = &request.area {
            filters.push(("地域", area_label(&snapshot, area)));
        }
        if let Some(text) = request.text.as_deref().filter(|t| !t.trim().is_empty()) {
            filters.push(("名前・住所", text.to_owned()));
        }
        Ok(ReferralJob {
            snapshot,
            search,
            place_label,
            filters,
            search_url,
        })
    }
}

impl ReferralJob {
    /// Runs the search and writes the sheet.
    pub fn print(&self, fonts: &Fonts) -> AppResult<Vec<u8>> {
        // The sheet says how many it lists of how many match (「20件／全6,648件」).
        let query = SearchQuery {
            count_totals: true,
            ..self.search.query.clone()
        };
        let found = self.snapshot.directory().search(&query).into_public();
        let referral = Referral {
            place_label: self.place_label.clone(),
            origin: query.origin,
            radius_m: query.radius_m,
            profile: query.profile.clone(),
            filters: self.filters.clone(),
            confirmed: found.confirmed,
            unknown: found.unknown,
            total_confirmed: found.total_confirmed,
            total_unknown: found.total_unknown,
            search_url: self.search_url.clone(),
            created_on: tokyo_today(),
            data_date: None,
        };
        render_referral(fonts, &referral).map_err(|error| AppError::Print {
            field: "lon",
            error,
        })
    }
}
