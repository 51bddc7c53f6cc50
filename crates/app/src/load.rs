//! Every read of the store the read model makes, in one place: [`load`]
//! builds a whole [`Snapshot`]; the coverage inputs a snapshot prepares on
//! first use are read here too, by `coverage_inputs`.
//!
//! The data version is read first, so a write racing the load leaves the
//! snapshot marked older than the store, and the refresher loads again.

use crate::coverage::CoverageInputs;
use crate::regions::Regions;
use crate::snapshot::Snapshot;
use renkei_core::directory_index::DirectoryIndex;
use renkei_core::geocode::Geocoder;
use renkei_ingest::assign::PlacedDirectory;
use renkei_store::{Store, StoreResult};

/// Reads the directory, regions and town points from `store` and builds a snapshot.
pub async fn load(store: &dyn Store) -> StoreResult<Snapshot> {
    load_with_directory(store, None).await
}

/// As [`load`], with the directory as `placed` holds it when given (read
/// just before, by the placement at start-up) instead of reading it again.
pub(crate) async fn load_with_directory(
    store: &dyn Store,
    placed: Option<PlacedDirectory>,
) -> StoreResult<Snapshot> {
    let directory = match placed {
        Some(placed) => DirectoryIndex::build(placed.facilities, placed.data_version),
        None => load_index(store).await?,
    };
    let regions = Regions::load(store).await?;
    let geocoder = load_geocoder(store, &regions).await?;
    Ok(Snapshot::new(directory, regions, geocoder))
}

/// Reads every facility from `store` and builds an index. The data version is
/// read first, so a write racing the load shows up as a stale version later.
pub async fn load_index(store: &dyn Store) -> StoreResult<DirectoryIndex> {
    let data_version = store.data_version().await?;
    let facilities = store.all_facilities().await?;
    Ok(DirectoryIndex::build(facilities, data_version))
}

impl Regions {
    /// Reads region tables, boundaries and population from `store` and builds
    /// the in-memory catalogue (dissolving each region's boundary).
    pub async fn load(store: &dyn Store) -> StoreResult<Self> {
        let tables = store.region_tables().await?;
        let units = store.municipalities().await?;
        let populations = store.populations().await?;
        Ok(Self::build(tables, units, populations))
    }
}

/// Builds the offline geocoder from the boundaries already in `regions` and
/// the town points in `store`.
pub async fn load_geocoder(store: &dyn Store, regions: &Regions) -> StoreResult<Geocoder> {
    let towns = store.town_points().await?;
    let units = regions
        .catalog
        .boundaries()
        .map(renkei_core::region::BoundaryIndex::municipalities)
        .unwrap_or_default();
    Ok(Geocoder::from_boundaries(units, towns))
}

/// Reads what the coverage analysis needs besides the directory (population,
/// town points, mesh counts, service areas) and prepares it for `regions`'
/// boundaries.
pub(crate) async fn coverage_inputs(
    store: &dyn Store,
    regions: &Regions,
) -> StoreResult<CoverageInputs> {
    let populations = store.populations().await?;
    let towns = store.town_points().await?;
    let mesh = store.mesh_populations().await?;
    let service_areas = store.service_areas().await?;
    Ok(CoverageInputs::prepare(
        regions,
        populations,
        towns,
        &mesh,
        service_areas,
    ))
}
