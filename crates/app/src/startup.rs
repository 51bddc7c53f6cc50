//! What happens before the first read is served: the demo directory on an
//! empty database, the built-in 二次医療圏 tables when none is stored, every
//! location placed in its municipality and region, and the first snapshot.

use crate::import::region_tables::{loaded_prefectures, store_builtin_tables};
use crate::load::build;
use crate::snapshot::Snapshot;
use renkei_core::region::BoundaryIndex;
use renkei_core::PrefectureCode;
use renkei_ingest::assign::place_and_store;
use renkei_ingest::IngestError;
use renkei_store::{Store, StoreError};
use std::collections::BTreeSet;
use tracing::info;

/// Result of start-up.
pub type StartupResult<T> = Result<T, StartupError>;

/// Why the service could not be prepared; each variant says which step failed.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// Counting the stored facilities failed.
    #[error("cannot count facilities")]
    CountFacilities(#[source] StoreError),
    /// The demo directory built into renkei does not parse (a bug).
    #[error("the built-in demo directory is not valid")]
    DemoInvalid(#[source] IngestError),
    /// Writing the demo directory failed.
    #[error("cannot store the demo directory")]
    StoreDemo(#[source] StoreError),
    /// A 二次医療圏 table built into renkei does not parse (a bug).
    #[error("a built-in region table is not valid")]
    BuiltinTableInvalid(#[source] IngestError),
    /// Writing a built-in 二次医療圏 table failed.
    #[error("cannot store the built-in region table")]
    StoreBuiltinTable(#[source] StoreError),
    /// Placing the locations in municipalities and regions failed.
    #[error("cannot place the facilities in regions")]
    Place(#[source] StoreError),
    /// Reading the directory, regions or town points failed.
    #[error("cannot load the directory, regions and town points from the database")]
    Load(#[source] StoreError),
}

/// The first snapshot for `renkei serve`: the demo directory on an empty
/// database ([`load_demo_if_empty`]), then [`prepare`].
pub async fn start(store: &dyn Store) -> StartupResult<Snapshot> {
    load_demo_if_empty(store).await?;
    prepare(store).await
}

/// The snapshot as `renkei serve` serves it, without the demo: one read of
/// the store, with the built-in region tables of the prefectures it holds
/// data for when it has no table at all ([`store_builtin_region_tables`]),
/// and every location placed in its municipality and 二次医療圏. Placing reads
/// what the snapshot holds, so a start at which nothing moved reads the
/// directory once; when tables were stored or placements changed, the store
/// is read again so the snapshot shows what it now holds.
pub async fn prepare(store: &dyn Store) -> StartupResult<Snapshot> {
    let mut stored = store.snapshot().await.map_err(StartupError::Load)?;
    if stored.region_tables.is_empty() {
        let prefectures = loaded_prefectures(&stored.municipalities, &stored.facilities);
        if store_builtin_region_tables(store, &prefectures).await? > 0 {
            stored = store.snapshot().await.map_err(StartupError::Load)?;
        }
    }
    if stored.municipalities.is_empty() {
        info!("no municipality boundaries stored: run `renkei import n03 FILE` to enable /api/v1/regions/at and region assignment");
    } else {
        let boundaries = BoundaryIndex::new(stored.municipalities.clone(), &stored.region_tables);
        let summary = place_and_store(store, &boundaries, &mut stored.facilities)
            .await
            .map_err(StartupError::Place)?;
        if summary.changed > 0 {
            stored = store.snapshot().await.map_err(StartupError::Load)?;
        }
    }
    Ok(build(stored))
}

/// On an empty database, loads the authored demo directory so there is something to see.
pub async fn load_demo_if_empty(store: &dyn Store) -> StartupResult<()> {
    if store
        .count_facilities()
        .await
        .map_err(StartupError::CountFacilities)?
        > 0
    {
        return Ok(());
    }
    let (source, facilities) =
        renkei_ingest::demo::demo_directory().map_err(StartupError::DemoInvalid)?;
    let written = store
        .upsert_facilities(&source, &facilities)
        .await
        .map_err(StartupError::StoreDemo)?;
    info!(inserted = written.inserted, source = %source.key, "database was empty: loaded the demo directory (デモデータ)");
    Ok(())
}

/// Stores the built-in region tables of `prefectures` (they are tiny);
/// returns how many were stored.
pub async fn store_builtin_region_tables(
    store: &dyn Store,
    prefectures: &BTreeSet<PrefectureCode>,
) -> StartupResult<usize> {
    let stored = store_builtin_tables(store, prefectures, &BTreeSet::new())
        .await
        .map_err(|error| match error {
            IngestError::Store { source, .. } => StartupError::StoreBuiltinTable(source),
            other => StartupError::BuiltinTableInvalid(other),
        })?;
    if !stored.is_empty() {
        info!(
            prefectures = %stored
                .iter()
                .map(|t| t.prefecture().code.as_str())
                .collect::<Vec<_>>()
                .join(" "),
            "database had no 二次医療圏 table: loaded the built-in ones of the prefectures it holds data for"
        );
    }
    Ok(stored.len())
}
