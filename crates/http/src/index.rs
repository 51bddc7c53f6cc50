//! The shared in-memory directory index and the task that keeps it fresh.
//!
//! Readers take a snapshot with [`IndexHandle::load`] and are never blocked:
//! a refresh builds a new [`DirectoryIndex`] off to the side and swaps it in
//! atomically. The refresher reloads when the store's change feed reports a
//! commit and, as a safety net for missed notifications, compares the store's
//! data version every [`DEFAULT_REFRESH_PERIOD`].

use crate::regions::Regions;
use arc_swap::ArcSwap;
use renkei_core::directory_index::DirectoryIndex;
use renkei_core::geocode::Geocoder;
use renkei_store::{ChangeEvent, ChangeFeed, SharedStore, Store, StoreResult};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::task::JoinHandle;
use tracing::{debug, info, warn};

/// How often the refresher compares data versions when no change event comes: 5 s.
pub const DEFAULT_REFRESH_PERIOD: Duration = Duration::from_secs(5);

/// Cheap-to-clone handle to the current index (with its search structures),
/// the current regions (boundaries, 二次医療圏 geometry and population) and the
/// offline geocoder over them, refreshed together.
#[derive(Debug, Clone)]
pub struct IndexHandle {
    directory: Arc<ArcSwap<DirectoryIndex>>,
    regions: Arc<ArcSwap<Regions>>,
    geocoder: Arc<ArcSwap<Geocoder>>,
}

impl IndexHandle {
    /// A handle serving `index`, with no regions until [`IndexHandle::store_regions`]
    /// and an empty geocoder until [`IndexHandle::store_geocoder`].
    pub fn new(index: DirectoryIndex) -> Self {
        Self {
            directory: Arc::new(ArcSwap::from_pointee(index)),
            regions: Arc::new(ArcSwap::from_pointee(Regions::default())),
            geocoder: Arc::new(ArcSwap::from_pointee(Geocoder::default())),
        }
    }

    /// The current geocoder (municipality names and town points). Hold it for one request.
    pub fn geocoder(&self) -> Arc<Geocoder> {
        self.geocoder.load_full()
    }

    /// Replaces the geocoder; readers holding the old one finish with it.
    pub fn store_geocoder(&self, geocoder: Geocoder) {
        self.geocoder.store(Arc::new(geocoder));
    }

    /// The current index. Hold it for one request, not across long waits.
    pub fn load(&self) -> Arc<DirectoryIndex> {
        self.directory.load_full()
    }

    /// Replaces the index; readers holding the old one finish with it.
    pub fn store(&self, index: DirectoryIndex) {
        self.directory.store(Arc::new(index));
    }

    /// The current regions. Hold them for one request.
    pub fn regions(&self) -> Arc<Regions> {
        self.regions.load_full()
    }

    /// Replaces the regions; readers holding the old ones finish with them.
    pub fn store_regions(&self, regions: Regions) {
        self.regions.store(Arc::new(regions));
    }
}

/// Reads every facility from `store` and builds an index. The data version is
/// read first, so a write racing the load shows up as a stale version later.
pub async fn load_index(store: &dyn Store) -> StoreResult<DirectoryIndex> {
    let data_version = store.data_version().await?;
    let facilities = store.all_facilities().await?;
    Ok(DirectoryIndex::build(facilities, data_version))
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
    Ok(Geocoder::from_boundaries(units, towns)
        .with_designated_cities(regions.catalog.designated_cities()))
}

/// The background refresh task; dropping it stops the task.
#[derive(Debug)]
pub struct Refresher(JoinHandle<()>);

impl Drop for Refresher {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Starts the task that keeps `index` in step with `store`, checking at least
/// every `period`. Needs a Tokio runtime.
pub fn spawn_refresher(store: SharedStore, index: IndexHandle, period: Duration) -> Refresher {
    Refresher(tokio::spawn(refresh_loop(store, index, period)))
}

async fn refresh_loop(store: SharedStore, index: IndexHandle, period: Duration) {
    let mut feed = subscribe(store.as_ref()).await;
    let mut ticker = tokio::time::interval(period);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ticker.tick().await; // the first tick is immediate; the index was just built
    loop {
        let event = if let Some(changes) = feed.as_mut() {
            tokio::select! {
                event = changes.recv() => event.map_or(Wake::FeedClosed, Wake::Change),
                _ = ticker.tick() => Wake::Tick,
            }
        } else {
            ticker.tick().await;
            Wake::Tick
        };
        match event {
            Wake::FeedClosed => {
                warn!("change feed closed; index refresh falls back to polling the data version");
                feed = None;
            }
            Wake::Change(ChangeEvent::Committed { data_version })
                if data_version <= index.load().data_version() =>
            {
                debug!(data_version, "change already in the index");
            }
            Wake::Change(_) | Wake::Tick => refresh_if_stale(store.as_ref(), &index).await,
        }
        if feed.is_none() {
            feed = subscribe(store.as_ref()).await;
        }
    }
}

enum Wake {
    Change(ChangeEvent),
    FeedClosed,
    Tick,
}

async fn subscribe(store: &dyn Store) -> Option<ChangeFeed> {
    match store.subscribe_changes().await {
        Ok(feed) => Some(feed),
        Err(error) => {
            debug!(%error, "no change feed yet; polling the data version");
            None
        }
    }
}

/// Reloads the index when the store's data version moved past it.
pub async fn refresh_if_stale(store: &dyn Store, index: &IndexHandle) {
    let current = index.load().data_version();
    match store.data_version().await {
        Ok(version) if version == current => {}
        Ok(_) => refresh(store, index).await,
        Err(error) => warn!(%error, "cannot read the data version; serving the current index"),
    }
}

async fn refresh(store: &dyn Store, index: &IndexHandle) {
    let started = Instant::now();
    // Regions first: the directory's new data version marks the refresh as done.
    match Regions::load(store).await {
        Ok(regions) => {
            match load_geocoder(store, &regions).await {
                Ok(geocoder) => index.store_geocoder(geocoder),
                Err(error) => {
                    warn!(%error, "reloading the town points failed; serving the current geocoder");
                }
            }
            index.store_regions(regions);
        }
        Err(error) => warn!(%error, "reloading the regions failed; serving the current ones"),
    }
    match load_index(store).await {
        Ok(fresh) => {
            let (facilities, data_version) = (fresh.len(), fresh.data_version());
            index.store(fresh);
            let elapsed_ms = started.elapsed().as_millis();
            info!(
                facilities,
                data_version, elapsed_ms, "directory index refreshed"
            );
        }
        Err(error) => warn!(%error, "reloading the directory failed; serving the current index"),
    }
}
