//! The read model: one immutable [`Snapshot`] of everything reads are
//! answered from — the directory index, the regions, the geocoder and the
//! coverage inputs — behind a [`ReadModel`] handle that swaps it as one.
//!
//! A reader takes the current snapshot with [`ReadModel::snapshot`] and
//! answers its whole request from it, so it never sees a directory of one
//! data version with regions of another. Writers (the refresher, start-up)
//! build a new snapshot off to the side and [`ReadModel::publish`] it
//! atomically; readers holding the old one finish with it.

use crate::coverage::CoverageInputs;
use crate::load::CoverageSources;
use crate::regions::Regions;
use arc_swap::ArcSwap;
use renkei_core::basemap::BaseLayers;
use renkei_core::directory_index::DirectoryIndex;
use renkei_core::geocode::Geocoder;
use std::sync::Arc;
use tokio::sync::OnceCell;

/// Everything reads are answered from, as of one data version.
#[derive(Debug)]
pub struct Snapshot {
    directory: Arc<DirectoryIndex>,
    regions: Arc<Regions>,
    geocoder: Arc<Geocoder>,
    /// What the coverage inputs are prepared from, read with the rest.
    coverage_sources: Arc<CoverageSources>,
    /// Stations and rail lines of the base map.
    base_layers: Arc<BaseLayers>,
    /// Prepared on the first coverage query of this snapshot: most snapshots
    /// serve none, and finding the land cells of all Japan takes 0.1 s.
    coverage: OnceCell<Arc<CoverageInputs>>,
}

impl Snapshot {
    /// A snapshot of `directory` with `regions` and the `geocoder` built over
    /// them, and no coverage sources (see [`Snapshot::with_coverage_sources`]).
    pub fn new(directory: DirectoryIndex, regions: Regions, geocoder: Geocoder) -> Self {
        Self::of(
            Arc::new(directory),
            Arc::new(regions),
            Arc::new(geocoder),
            Arc::default(),
        )
    }

    /// This snapshot with the coverage inputs prepared from `sources`.
    #[must_use]
    pub fn with_coverage_sources(self, sources: CoverageSources) -> Self {
        Self {
            coverage_sources: Arc::new(sources),
            coverage: OnceCell::new(),
            ..self
        }
    }

    /// This snapshot with the stations and rail lines of its base map.
    #[must_use]
    pub fn with_base_layers(self, layers: BaseLayers) -> Self {
        Self {
            base_layers: Arc::new(layers),
            ..self
        }
    }

    fn of(
        directory: Arc<DirectoryIndex>,
        regions: Arc<Regions>,
        geocoder: Arc<Geocoder>,
        coverage_sources: Arc<CoverageSources>,
    ) -> Self {
        Self {
            directory,
            regions,
            geocoder,
            coverage_sources,
            base_layers: Arc::default(),
            coverage: OnceCell::new(),
        }
    }

    /// Stations and rail lines of the base map (empty when none are imported).
    pub fn base_layers(&self) -> &Arc<BaseLayers> {
        &self.base_layers
    }

    /// The directory index with its search structures.
    pub fn directory(&self) -> &Arc<DirectoryIndex> {
        &self.directory
    }

    /// Region tables, boundaries, 二次医療圏 geometry and population.
    pub fn regions(&self) -> &Arc<Regions> {
        &self.regions
    }

    /// The offline geocoder over the regions' municipalities and the town points.
    pub fn geocoder(&self) -> &Arc<Geocoder> {
        &self.geocoder
    }

    /// The store's data version the directory was read at.
    pub fn data_version(&self) -> i64 {
        self.directory.data_version()
    }

    /// The coverage inputs of this snapshot's regions, prepared on first use
    /// from the sources read with the snapshot, then kept with it. Two
    /// queries racing on a new snapshot wait for one preparation.
    pub async fn coverage_inputs(&self) -> Arc<CoverageInputs> {
        self.coverage
            .get_or_init(|| async { Arc::new(self.coverage_sources.prepare(&self.regions)) })
            .await
            .clone()
    }
}

/// Cheap-to-clone handle to the current [`Snapshot`].
#[derive(Debug, Clone)]
pub struct ReadModel {
    current: Arc<ArcSwap<Snapshot>>,
}

impl ReadModel {
    /// A read model serving `snapshot`.
    pub fn from_snapshot(snapshot: Snapshot) -> Self {
        Self {
            current: Arc::new(ArcSwap::from_pointee(snapshot)),
        }
    }

    /// A read model serving `directory` with no regions and an empty
    /// geocoder, until a whole snapshot is published (or the parts are
    /// replaced, as set-up code and tests do).
    pub fn new(directory: DirectoryIndex) -> Self {
        Self::from_snapshot(Snapshot::new(
            directory,
            Regions::default(),
            Geocoder::default(),
        ))
    }

    /// The current snapshot. Hold it for one request, not across long waits.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.current.load_full()
    }

    /// Replaces the snapshot as one; readers holding the old one finish with it.
    pub fn publish(&self, snapshot: Snapshot) {
        self.current.store(Arc::new(snapshot));
    }

    /// The current directory alone. A request that also reads the regions
    /// takes one [`ReadModel::snapshot`] instead, so both are of one version.
    pub fn load(&self) -> Arc<DirectoryIndex> {
        Arc::clone(self.current.load().directory())
    }

    /// The current regions alone; see [`ReadModel::load`].
    pub fn regions(&self) -> Arc<Regions> {
        Arc::clone(self.current.load().regions())
    }

    /// Publishes the current snapshot with `directory` in place of its own.
    pub fn store(&self, directory: DirectoryIndex) {
        let directory = Arc::new(directory);
        self.current.rcu(|current| {
            Snapshot::of(
                Arc::clone(&directory),
                Arc::clone(&current.regions),
                Arc::clone(&current.geocoder),
                Arc::clone(&current.coverage_sources),
            )
        });
    }
}

/// For unit tests: a snapshot with one fictional region (4701 架空南部 of
/// 架空県 47, member 47201) and no facilities, at data version 1.
#[cfg(test)]
pub(crate) fn one_region() -> Snapshot {
    let table = renkei_core::region::RegionTable::from_toml(
        "[prefecture]\ncode = \"47\"\nname_ja = \"架空県\"\n[[regions]]\ncode = \"4701\"\nname_ja = \"架空南部\"\nmunicipalities = [\"47201\"]\n",
    )
    .expect("the fixture table parses");
    Snapshot::new(
        DirectoryIndex::build(Vec::new(), 1),
        Regions::build(vec![table], Vec::new(), Vec::new()),
        Geocoder::default(),
    )
}
