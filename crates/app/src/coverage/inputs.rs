//! What the coverage analysis needs besides the directory, prepared once per
//! [`Snapshot`](crate::Snapshot): the land cells (3rd mesh) of the loaded
//! boundaries, the sites (cells and 町丁目 points) with their children, and
//! the declared service areas.
//!
//! Finding the land cells (about 0.1 s for all of Japan's 380,000) and
//! reading the town points, populations and service areas from the database
//! are not worth repeating per request, nor worth doing for the snapshots
//! that serve no coverage query: a snapshot prepares them on first use
//! ([`Snapshot::coverage_inputs`](crate::Snapshot::coverage_inputs)).

use crate::regions::Regions;
use renkei_core::coverage::{
    land_cells, mesh_population, spread_population, Candidate, Place, Site, Spread,
};
use renkei_core::geocode::TownPoint;
use renkei_core::mesh::{MeshCell, MeshLevel};
use renkei_core::region::MunicipalityArea;
use renkei_core::{FacilityId, MunicipalityCode};
use renkei_store::{MeshPopulationRecord, PopulationRecord, ServiceAreaRecord};
use std::collections::HashMap;

/// Where the children counted at cells come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CellPopulation {
    /// Imported e-Stat mesh counts (dataset name and census year).
    Mesh {
        /// Dataset, e.g. `e-Stat 地域メッシュ統計 T001100 (国勢調査 2020)`.
        source: String,
        /// Census year.
        year: i32,
    },
    /// Municipal counts shared equally over each municipality's land cells.
    Spread,
}

/// Prepared inputs of one snapshot.
#[derive(Debug, Default)]
pub struct CoverageInputs {
    /// One site per land cell (3rd mesh), ordered by row and column.
    pub cells: Vec<Site>,
    /// One site per stored 町丁目 point.
    pub towns: Vec<Site>,
    /// Where the cells' children come from; `None` when no population is loaded.
    pub cell_population: Option<CellPopulation>,
    /// Municipal population dataset and year, when imported.
    pub municipal_population: Option<(String, i32)>,
    /// Municipal children with no cell to go to (no boundary loaded).
    pub unplaced_cells: Vec<(MunicipalityCode, u64)>,
    /// Municipal children with no 町丁目 point to go to.
    pub unplaced_towns: Vec<(MunicipalityCode, u64)>,
    /// Mesh children in cells outside every loaded boundary, persons.
    pub mesh_outside: u64,
    /// Declared service areas by provider.
    pub service_areas: HashMap<FacilityId, Vec<MunicipalityArea>>,
}

impl CoverageInputs {
    /// Prepares the inputs for `regions`' boundaries from the municipal
    /// `populations`, the 町丁目 `towns`, the e-Stat `mesh` counts and the
    /// declared `service_areas`, as the store holds them.
    pub fn prepare(
        regions: &Regions,
        populations: Vec<PopulationRecord>,
        towns: Vec<TownPoint>,
        mesh: &[MeshPopulationRecord],
        service_areas: Vec<ServiceAreaRecord>,
    ) -> Self {
        let municipal_population = populations.first().map(|p| (p.source.clone(), p.year));
        let rows: Vec<_> = populations.into_iter().map(|p| p.population).collect();
        let cities = regions.catalog.designated_cities();
        let mut declared: HashMap<FacilityId, Vec<MunicipalityArea>> = HashMap::new();
        for record in service_areas {
            declared
                .entry(record.facility)
                .or_default()
                .push(cities.area(&record.municipality));
        }
        let units = regions
            .catalog
            .boundaries()
            .map(renkei_core::region::BoundaryIndex::municipalities)
            .unwrap_or_default();
        let cell_candidates: Vec<Candidate> = land_cells(units, MeshLevel::Third)
            .into_iter()
            .map(|land| Candidate {
                place: Place::Cell(land.cell),
                position: land.cell.centre(),
                municipality: units[land.unit].code.clone(),
                on_land: land.centre_on_land,
            })
            .collect();
        let (cells, unplaced_cells, mesh_outside, cell_population) = if let Some(first) =
            mesh.first()
        {
            let counts: Vec<(MeshCell, u64)> = mesh.iter().map(|r| (r.mesh, r.under_15)).collect();
            let (sites, outside) = mesh_population(cell_candidates, &counts);
            let population = CellPopulation::Mesh {
                source: first.source.clone(),
                year: first.year,
            };
            let outside = outside.iter().map(|(_, n)| n).sum();
            (sites, Vec::new(), outside, Some(population))
        } else {
            let Spread { sites, unplaced } = spread_population(cell_candidates, &rows, cities);
            let population = (!rows.is_empty()).then_some(CellPopulation::Spread);
            (sites, unplaced, 0, population)
        };
        let town_candidates = towns
            .into_iter()
            .map(|town| Candidate {
                place: Place::Town(town.town),
                position: town.position,
                municipality: town.municipality,
                on_land: true,
            })
            .collect();
        let Spread {
            sites: towns,
            unplaced: unplaced_towns,
        } = spread_population(town_candidates, &rows, cities);
        Self {
            cells,
            towns,
            cell_population,
            municipal_population,
            unplaced_cells,
            unplaced_towns,
            mesh_outside,
            service_areas: declared,
        }
    }
}
