//! One coverage analysis: both tiers (confirmed, and with 要確認) over the
//! sites of the area, and what is made of it — the report, the places as
//! GeoJSON, the banded cells of a printed map.

use super::report::{
    band, place_id, round, AreaRow, CoverageFeature, CoverageFeatureCollection, CoverageProperties,
    CoverageReport, GapDto, IndicatorsDto, PopulationNoteDto, ProfileDto,
};
use super::{CellPopulation, CoverageArea, CoverageInputs, CoverageQuery, SiteKind};
use crate::regions::Regions;
use crate::snapshot::Snapshot;
use renkei_core::coverage::{
    analyse, gaps, index_providers, summarise, AreaIndicators, Basis, CoverageOptions, Provider,
    ProviderIndex, Site, SiteCoverage,
};
use renkei_core::need::Tier;
use renkei_core::region::{Municipality, RegionCatalog};
use renkei_core::{MunicipalityCode, RegionCode};
use std::sync::Arc;

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
        CoverageArea::Municipality(code) => regions
            .catalog
            .designated_cities()
            .contains(code, municipality),
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
}
