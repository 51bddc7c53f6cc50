//! The task that keeps a [`ReadModel`] in step with the store.
//!
//! It reloads when the store's change feed reports a commit and, as a safety
//! net for missed notifications, compares the store's data version every
//! [`DEFAULT_REFRESH_PERIOD`]. A reload builds a whole new [`Snapshot`] off
//! to the side and publishes it as one; when the load fails, the current
//! snapshot keeps serving.
//!
//! [`Snapshot`]: crate::Snapshot

use crate::load::load;
use crate::snapshot::ReadModel;
use renkei_store::{ChangeEvent, ChangeFeed, SharedStore, Store};
use std::time::{Duration, Instant};
use tokio::task::JoinHandle;
use tracing::{debug, info, warn};

/// How often the refresher compares data versions when no change event comes: 5 s.
pub const DEFAULT_REFRESH_PERIOD: Duration = Duration::from_secs(5);

/// The background refresh task; dropping it stops the task.
#[derive(Debug)]
pub struct Refresher(JoinHandle<()>);

impl Drop for Refresher {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Starts the task that keeps `model` in step with `store`, checking at least
/// every `period`. Needs a Tokio runtime.
pub fn spawn_refresher(store: SharedStore, model: ReadModel, period: Duration) -> Refresher {
    Refresher(tokio::spawn(refresh_loop(store, model, period)))
}

async fn refresh_loop(store: SharedStore, model: ReadModel, period: Duration) {
    let mut feed = subscribe(store.as_ref()).await;
    let mut ticker = tokio::time::interval(period);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ticker.tick().await; // the first tick is immediate; the snapshot was just built
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
                if data_version <= model.snapshot().data_version() =>
            {
                debug!(data_version, "change already in the index");
            }
            Wake::Change(_) | Wake::Tick => refresh_if_stale(store.as_ref(), &model).await,
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

/// Reloads the snapshot when the store's data version moved past it.
pub async fn refresh_if_stale(store: &dyn Store, model: &ReadModel) {
    let current = model.snapshot().data_version();
    match store.data_version().await {
        Ok(version) if version == current => {}
        Ok(_) => refresh(store, model).await,
        Err(error) => warn!(%error, "cannot read the data version; serving the current index"),
    }
}

async fn refresh(store: &dyn Store, model: &ReadModel) {
    let started = Instant::now();
    match load(store).await {
        Ok(fresh) => {
            let (facilities, data_version) = (fresh.directory().len(), fresh.data_version());
            model.publish(fresh);
            let elapsed_ms = started.elapsed().as_millis();
            info!(
                facilities,
                data_version, elapsed_ms, "directory index refreshed"
            );
        }
        Err(error) => warn!(%error, "reloading the directory failed; serving the current snapshot"),
    }
}
