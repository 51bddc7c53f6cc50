//! What happens before the first read is served: the demo directory on an
//! empty database, the built-in 二次医療圏 tables when none is stored, every
//! location placed in its municipality and region, and the first snapshot.

use crate::load::load_with_directory;
use crate::snapshot::Snapshot;
use renkei_ingest::assign::{assign_locations_keeping_directory, PlacedDirectory};
use renkei_ingest::regions::{builtin_region_tables, BUILTIN_REGION_FILES};
use renkei_ingest::IngestError;
use renkei_store::{Store, StoreError};
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
    /// Reading the stored 二次医療圏 tables failed.
    #[error("cannot read the region tables")]
    ReadRegionTables(#[source] StoreError),
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

/// The snapshot as `renkei serve` serves it, without the demo: the built-in
/// region tables when none is stored and every location placed
/// ([`prepare_for_serve`]), then the whole read model loaded.
pub async fn prepare(store: &dyn Store) -> StartupResult<Snapshot> {
    let placed = prepare_for_serve(store).await?;
    load_with_directory(store, placed)
        .await
        .map_err(StartupError::Load)
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

/// Loads the built-in region tables when the database has none (they are
/// tiny), and places the locations when boundaries are stored. Returns the
/// directory as read for placing when placing changed nothing, so that the
/// snapshot is built from it rather than from a second full read.
pub async fn prepare_for_serve(store: &dyn Store) -> StartupResult<Option<PlacedDirectory>> {
    if store
        .region_tables()
        .await
        .map_err(StartupError::ReadRegionTables)?
        .is_empty()
    {
        for table in builtin_region_tables().map_err(StartupError::BuiltinTableInvalid)? {
            store
                .upsert_region_table(&table)
                .await
                .map_err(StartupError::StoreBuiltinTable)?;
        }
        info!(
            files = BUILTIN_REGION_FILES.len(),
            "database had no 二次医療圏 table: loaded the built-in ones"
        );
    }
    let (summary, directory) = assign_locations_keeping_directory(store)
        .await
        .map_err(StartupError::Place)?;
    if summary.boundaries == 0 {
        info!("no municipality boundaries stored: run `renkei import n03 FILE` to enable /api/v1/regions/at and region assignment");
    }
    Ok(directory)
}
