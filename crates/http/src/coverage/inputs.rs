//! What the coverage analysis needs besides the directory, read from the
//! store and prepared once per data version: the land cells (3rd mesh) of the
//! loaded boundaries, the sites (cells and 町丁目 points) with their children,
//! and the declared service areas.
//!
//! Finding the land cells (about 0.1 s for all of Japan's 380,000) and
//! reading the town points, populations and service areas from the database
//! are not worth repeating per request. The cache is keyed by the [`Regions`] snapshot the index
//! handle serves: the refresher builds a new one whenever the data version
//! moves, so a new snapshot means new inputs, and an old one can never be
//! mistaken for a new one while anything still holds it.

use crate::regions::Regions;
use renkei_core::coverage::{
    land_cells, mesh_population, spread_population, Candidate, Place, Site, Spread,
};
use renkei_core::mesh::{MeshCell, MeshLevel};
use renkei_core::region::MunicipalityArea;
use renkei_core::{FacilityId, MunicipalityCode};
use renkei_store::{Store, StoreResult};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError, Weak};

/// Snapshots kept at once: the current one and a few that requests in flight
/// may still hold during a refresh.
const CACHED_SNAPSHOTS: usize = 4;

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

/// Prepared inputs of one data version.
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
    /// Reads the store and prepares the inputs for `regions`' boundaries.
    pub async fn load(store: &dyn Store, regions: &Regions) -> StoreResult<Self> {
        let populations = store.populations().await?;
        let municipal_population = populations.first().map(|p| (p.source.clone(), p.year));
        let rows: Vec<_> = populations.into_iter().map(|p| p.population).collect();
        let towns = store.town_points().await?;
        let mesh = store.mesh_populations().await?;
        let cities = regions.catalog.designated_cities();
        let mut service_areas: HashMap<FacilityId, Vec<MunicipalityArea>> = HashMap::new();
        for record in store.service_areas().await? {
            service_areas
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
            })
            .collect();
        let Spread {
            sites: towns,
            unplaced: unplaced_towns,
        } = spread_population(town_candidates, &rows, cities);
        Ok(Self {
            cells,
            towns,
            cell_population,
            municipal_population,
            unplaced_cells,
            unplaced_towns,
            mesh_outside,
            service_areas,
        })
    }
}

type Cache = Mutex<Vec<(Weak<Regions>, Arc<CoverageInputs>)>>;

static CACHE: Cache = Mutex::new(Vec::new());

/// The inputs for the `regions` snapshot: cached, or loaded from `store` and
/// cached. Two requests racing on a new snapshot may both load it; the result
/// is the same.
pub async fn inputs_for(
    store: &dyn Store,
    regions: &Arc<Regions>,
) -> StoreResult<Arc<CoverageInputs>> {
    if let Some(found) = cached(regions) {
        return Ok(found);
    }
    let loaded = Arc::new(CoverageInputs::load(store, regions).await?);
    let mut cache = CACHE.lock().unwrap_or_else(PoisonError::into_inner);
    cache.retain(|(key, _)| key.strong_count() > 0);
    cache.push((Arc::downgrade(regions), Arc::clone(&loaded)));
    if cache.len() > CACHED_SNAPSHOTS {
        cache.remove(0);
    }
    Ok(loaded)
}

fn cached(regions: &Arc<Regions>) -> Option<Arc<CoverageInputs>> {
    let cache = CACHE.lock().unwrap_or_else(PoisonError::into_inner);
    cache
        .iter()
        .find(|(key, _)| std::ptr::eq(key.as_ptr(), Arc::as_ptr(regions)))
        .map(|(_, inputs)| Arc::clone(inputs))
}
