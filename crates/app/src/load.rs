//! Every read of the store the read model makes, in one place: [`load`]
//! reads one [`renkei_store::DirectorySnapshot`] — the directory, regions,
//! town points and coverage inputs in one read transaction — and [`build`]
//! makes a [`Snapshot`] of it, so every part of a snapshot is of one data
//! version.

use crate::coverage::CoverageInputs;
use crate::regions::Regions;
use crate::snapshot::Snapshot;
use renkei_core::basemap::{BaseLayers, PostcodePoint};
use renkei_core::directory_index::DirectoryIndex;
use renkei_core::geocode::{Geocoder, TownPoint};
use renkei_core::region::AssignmentMethod;
use renkei_store::{
    DirectorySnapshot, MeshPopulationRecord, PopulationRecord, ServiceAreaRecord, Store,
    StoreResult,
};

/// Reads everything reads are answered from in one store transaction and
/// builds a snapshot of it.
pub async fn load(store: &dyn Store) -> StoreResult<Snapshot> {
    Ok(build(store.snapshot().await?))
}

/// Builds the read model's snapshot from what the store held at one data
/// version: the index, the region catalogue (dissolving each region's
/// boundary), the offline geocoder, and the coverage sources, prepared on
/// the first coverage query.
pub fn build(stored: DirectorySnapshot) -> Snapshot {
    let DirectorySnapshot {
        data_version,
        facilities,
        region_tables,
        municipalities,
        populations,
        town_points,
        mesh_populations,
        service_areas,
        base_layers,
        postcodes,
    } = stored;
    let directory = DirectoryIndex::build(facilities, data_version);
    let regions = Regions::build(region_tables, municipalities, populations.clone());
    let geocoder = geocoder(&regions, town_points.clone(), &base_layers, &postcodes);
    Snapshot::new(directory, regions, geocoder)
        .with_coverage_sources(CoverageSources {
            populations,
            town_points,
            mesh_populations,
            service_areas,
        })
        .with_base_layers(base_layers)
}

/// Reads every facility from `store` and builds an index alone (for tests
/// and tools that need no regions). The data version is read first, so a
/// write racing the load shows up as a stale version later.
pub async fn load_index(store: &dyn Store) -> StoreResult<DirectoryIndex> {
    let data_version = store.data_version().await?;
    let facilities = store.all_facilities().await?;
    Ok(DirectoryIndex::build(facilities, data_version))
}

/// The offline geocoder over the boundaries in `regions` and `towns`, with
/// the designated cities of `regions`' tables, and the stations and
/// postcodes that lie in a loaded municipality (placed by the boundaries).
fn geocoder(
    regions: &Regions,
    towns: Vec<TownPoint>,
    layers: &BaseLayers,
    postcodes: &[PostcodePoint],
) -> Geocoder {
    let boundaries = regions.catalog.boundaries();
    let units = boundaries
        .map(renkei_core::region::BoundaryIndex::municipalities)
        .unwrap_or_default();
    let geocoder = Geocoder::from_boundaries(units, towns)
        .with_designated_cities(regions.catalog.designated_cities());
    // Only a station inside a polygon: one across a border river
    // (二子玉川, Tokyo) is not in the loaded prefecture's nearest ward.
    let landmarks = geocoder.landmarks_of(layers, postcodes, |point| {
        let assigned = boundaries?.assign(point)?;
        matches!(assigned.method, AssignmentMethod::Inside)
            .then_some(assigned.municipality)
            .flatten()
    });
    geocoder.with_landmarks(landmarks)
}

/// What the coverage analysis reads besides the directory, as stored at the
/// snapshot's data version: municipal population, town points, mesh counts
/// and declared service areas.
#[derive(Debug, Default)]
pub struct CoverageSources {
    /// Municipal populations.
    pub populations: Vec<PopulationRecord>,
    /// 町丁目 representative points.
    pub town_points: Vec<TownPoint>,
    /// Population per mesh cell.
    pub mesh_populations: Vec<MeshPopulationRecord>,
    /// Municipalities providers declare they serve.
    pub service_areas: Vec<ServiceAreaRecord>,
}

impl CoverageSources {
    /// Prepares the coverage inputs for `regions`' boundaries.
    pub(crate) fn prepare(&self, regions: &Regions) -> CoverageInputs {
        CoverageInputs::prepare(
            regions,
            self.populations.clone(),
            self.town_points.clone(),
            &self.mesh_populations,
            self.service_areas.clone(),
        )
    }
}
