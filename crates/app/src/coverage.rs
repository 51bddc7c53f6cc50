//! Coverage: how many children live within reach of providers that can
//! handle a need profile, per 二次医療圏 (secondary medical region) and
//! municipality, with the places that fall short — the report of
//! `GET /api/v1/coverage` and `renkei coverage`, and the banded cells of a
//! printed map's coverage layer.
//!
//! Computed from a [`Snapshot`]: its directory, its regions and the inputs it
//! prepares on first use ([`inputs`]); the analysis itself is
//! [`renkei_core::coverage`].

pub mod inputs;
pub mod report;

pub use inputs::{CellPopulation, CoverageInputs};

use crate::error::{positive_up_to, whole_in_range, AppError, AppResult};
use crate::regions::Regions;
use crate::search::{check_profile, Reach};
use crate::snapshot::Snapshot;
use renkei_core::coverage::{
    analyse, gaps, index_providers, summarise, AreaIndicators, Basis, CoverageOptions, Provider,
    ProviderIndex, Site, SiteCoverage,
};
use renkei_core::directory_index::municipality_matches;
use renkei_core::need::{NeedProfile, Tier, TravelModel};
use renkei_core::region::{Municipality, RegionCatalog};
use renkei_core::{MunicipalityCode, PrefectureCode, RegionCode};
use renkei_store::Store;
use report::{
    band, place_id, round, AreaRow, CoverageFeature, CoverageFeatureCollection, CoverageProperties,
    CoverageReport, GapDto, IndicatorsDto, PopulationNoteDto, ProfileDto,
};
use std::sync::Arc;

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

impl CoverageArea {
    /// An area code as a query field gives it: prefecture (2 digits),
    /// 二次医療圏 (4) or municipality (5); anything else is an invalid `region`.
    pub fn parse(text: &str) -> AppResult<Self> {
        let bad = || {
            AppError::invalid(
                "region",
                format!("{text:?} は都道府県 (2桁)・二次医療圏 (4桁)・市区町村 (5桁) のコードではありません"),
                format!("{text:?} is not a prefecture (2 digits), region (4 digits) or municipality (5 digits) code"),
            )
        };
        Ok(match text.len() {
            2 => Self::Prefecture(PrefectureCode::new(text).map_err(|_| bad())?),
            4 => Self::Region(RegionCode::new(text).map_err(|_| bad())?),
            5 => Self::Municipality(MunicipalityCode::new(text).map_err(|_| bad())?),
            _ => return Err(bad()),
        })
    }

    /// The code as given (`None` for everything).
    pub fn code(&self) -> Option<String> {
        match self {
            Self::All => None,
            Self::Prefecture(code) => Some(code.to_string()),
            Self::Region(code) => Some(code.to_string()),
            Self::Municipality(code) => Some(code.to_string()),
        }
    }
}

/// A coverage analysis as a front door asks it.
#[derive(Debug, Clone, PartialEq)]
pub struct CoverageQuery {
    /// Who the providers must serve (age 0–120).
    pub profile: NeedProfile,
    /// The gap list and map count the 要確認 tier too (the table always shows both).
    pub include_unknown: bool,
    /// The area; providers outside it still count.
    pub area: CoverageArea,
    /// The threshold: metres up to [`MAX_WITHIN_M`] or minutes up to
    /// [`MAX_WITHIN_MINUTES`]; default [`DEFAULT_WITHIN_M`].
    pub within: Option<Reach>,
    /// Providers a place needs within the threshold, 1–[`MAX_K`].
    pub k: usize,
    /// Distance, or declared service areas.
    pub basis: Basis,
    /// Cells or towns.
    pub sites: SiteKind,
    /// Length of the gap list, 0–[`MAX_GAPS`].
    pub gaps: usize,
}

impl Default for CoverageQuery {
    fn default() -> Self {
        Self {
            profile: NeedProfile::default(),
            include_unknown: false,
            area: CoverageArea::All,
            within: None,
            k: 1,
            basis: Basis::Distance,
            sites: SiteKind::Mesh,
            gaps: DEFAULT_GAPS as usize,
        }
    }
}

impl CoverageQuery {
    /// Distance → minutes.
    pub fn travel(&self) -> TravelModel {
        TravelModel::DEFAULT
    }

    /// Checks every field (a bad one is an [`AppError::Invalid`] naming it; an
    /// unknown 二次医療圏 is a not-found `region`) and gives the analysis options.
    pub fn check(&self, snapshot: &Snapshot) -> AppResult<CoverageOptions> {
        let within_m = match self.within {
            None => DEFAULT_WITHIN_M,
            Some(Reach::Metres(metres)) => positive_up_to("within_m", metres, MAX_WITHIN_M)?,
            Some(Reach::Minutes(minutes)) => self.travel().reach_m(positive_up_to(
                "within_minutes",
                minutes,
                MAX_WITHIN_MINUTES,
            )?),
        };
        let k = whole_in_range("k", self.k, 1, MAX_K)?;
        whole_in_range("gaps", self.gaps, 0, MAX_GAPS)?;
        check_profile(&self.profile)?;
        if let CoverageArea::Region(code) = &self.area {
            snapshot.regions().find_region(code)?;
        }
        Ok(CoverageOptions {
            k,
            within_m,
            basis: self.basis,
        })
    }

    /// Checks the query and analyses it on `snapshot`, with the coverage
    /// inputs the snapshot prepares from `store` on first use.
    pub async fn run<'a>(
        &'a self,
        snapshot: &'a Snapshot,
        store: &dyn Store,
    ) -> AppResult<Analysis<'a>> {
        let options = self.check(snapshot)?;
        let inputs = snapshot.coverage_inputs(store).await?;
        Ok(Analysis::run(self, options, snapshot, inputs))
    }
}

/// One analysis: both tiers over the sites of the area.
#[derive(Debug)]
pub struct Analysis<'a> {
    request: &'a CoverageQuery,
    options: CoverageOptions,
    regions: &'a Regions,
    inputs: Arc<CoverageInputs>,
    sites: Vec<Site>,
    confirmed: Vec<SiteCoverage>,
    with_unknown: Vec<SiteCoverage>,
    providers_confirmed: Vec<Provider>,
    providers_all: Vec<Provider>,
}

impl<'a> Analysis<'a> {
    /// Analyses the sites of `request`'s area against the directory of
    /// `snapshot`, with `options` as [`CoverageQuery::check`] gave them.
    pub(crate) fn run(
        request: &'a CoverageQuery,
        options: CoverageOptions,
        snapshot: &'a Snapshot,
        inputs: Arc<CoverageInputs>,
    ) -> Self {
        let (index, regions) = (snapshot.directory(), snapshot.regions());
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
        let run = |list: &[Provider]| analyse(&sites, &ProviderIndex::build(list), list, options);
        Self {
            request,
            options,
            regions,
            confirmed: run(&providers_confirmed),
            with_unknown: run(&providers_all),
            sites,
            providers_confirmed,
            providers_all,
            inputs,
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
        let travel = self.request.travel();
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
        let travel = self.request.travel();
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

    /// The report: both tiers per region and municipality, and the gap list.
    pub fn report(&self) -> CoverageReport {
        let catalog = &self.regions.catalog;
        let travel = self.request.travel();
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
            basis: match self.options.basis {
                Basis::Distance => "distance",
                Basis::ServiceArea => "service_area",
            },
            k: self.options.k,
            within_m: round(self.options.within_m, 1),
            within_minutes: round(travel.minutes(self.options.within_m), 1),
            travel_model: travel.into(),
            sites: match self.request.sites {
                SiteKind::Mesh => "mesh",
                SiteKind::Town => "town",
            },
            population: self.population_note(),
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
    pub fn features(&self) -> CoverageFeatureCollection {
        let regions = self.regions;
        let travel = self.request.travel();
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
        CoverageArea::Municipality(code) => municipality_matches(code, municipality),
    }
}

impl Analysis<'_> {
    /// How the children of the analysed sites were counted.
    pub fn population_note(&self) -> PopulationNoteDto {
        let (sites, inputs) = (self.request.sites, self.inputs.as_ref());
        let municipal = inputs
            .municipal_population
            .as_ref()
            .map(|(source, year)| format!("{source} ({year})"));
        let spread_note = "市区町村の15歳未満人口を各市区町村の場所に均等に配分した推計です。政令市 (横浜・川崎・相模原) は市全体の人口を各区の場所に配分しています / \
        Municipal counts of children under 15 shared equally over each municipality's places (an estimate); designated cities (Yokohama, Kawasaki, Sagamihara) publish city-level counts only, shared over the places of all their wards"
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::one_region as snapshot;

    #[test]
    fn options_are_checked_and_an_unknown_region_is_not_found() {
        let snapshot = snapshot();
        let options = CoverageQuery {
            within: Some(Reach::Minutes(20.0)),
            ..CoverageQuery::default()
        }
        .check(&snapshot)
        .unwrap();
        assert!((options.within_m - TravelModel::DEFAULT.reach_m(20.0)).abs() < 1e-9);
        let invalid = |query: CoverageQuery| match query.check(&snapshot) {
            Err(AppError::Invalid { field, .. }) => field,
            other => panic!("not an invalid field: {other:?}"),
        };
        assert_eq!(
            invalid(CoverageQuery {
                k: 0,
                ..CoverageQuery::default()
            }),
            "k"
        );
        assert_eq!(
            invalid(CoverageQuery {
                within: Some(Reach::Minutes(MAX_WITHIN_MINUTES + 1.0)),
                ..CoverageQuery::default()
            }),
            "within_minutes"
        );
        assert_eq!(
            invalid(CoverageQuery {
                gaps: 1_001,
                ..CoverageQuery::default()
            }),
            "gaps"
        );
        let unknown = CoverageQuery {
            area: CoverageArea::parse("4799").unwrap(),
            ..CoverageQuery::default()
        };
        assert!(matches!(
            unknown.check(&snapshot),
            Err(AppError::NotFound {
                entity: "region",
                ..
            })
        ));
        assert!(CoverageArea::parse("147").is_err());
        assert_eq!(
            CoverageArea::parse("14207").unwrap().code().as_deref(),
            Some("14207")
        );
    }
}
