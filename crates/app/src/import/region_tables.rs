//! The built-in 二次医療圏 tables (`data/regions/`, one per prefecture) and
//! which of them a database gets: those of the prefectures it holds data
//! for, so a Kanagawa directory lists Kanagawa's 9 regions, not Japan's 330.

use renkei_core::region::{Municipality, RegionTable};
use renkei_core::{Facility, PrefectureCode};
use renkei_ingest::regions::builtin_region_tables_of;
use renkei_ingest::{IngestError, IngestResult};
use renkei_store::{facility_prefecture, Store};
use std::collections::BTreeSet;

/// How the built-in tables are named in import reports.
pub const BUILTIN_TABLES_NAME: &str = "data/regions (built in)";

/// The prefectures a directory holds data for: those of its stored
/// boundaries, else those of its facilities (the prefecture each record's
/// source states, its address starts with, or its position lies in).
pub fn loaded_prefectures(
    units: &[Municipality],
    facilities: &[Facility],
) -> BTreeSet<PrefectureCode> {
    let from_units: BTreeSet<PrefectureCode> =
        units.iter().map(|unit| unit.code.prefecture()).collect();
    if !from_units.is_empty() {
        return from_units;
    }
    facilities.iter().filter_map(facility_prefecture).collect()
}

/// The prefectures of all 47 built-in tables.
pub fn all_prefectures() -> IngestResult<BTreeSet<PrefectureCode>> {
    Ok(renkei_ingest::regions::builtin_region_tables()?
        .into_iter()
        .map(|table| table.prefecture().code.clone())
        .collect())
}

/// Stores, in one transaction, the built-in tables of `prefectures`, except
/// those of prefectures in `keep` (a table already stored, perhaps a desk's
/// own). Returns the tables stored.
pub async fn store_builtin_tables(
    store: &dyn Store,
    prefectures: &BTreeSet<PrefectureCode>,
    keep: &BTreeSet<PrefectureCode>,
) -> IngestResult<Vec<RegionTable>> {
    let tables: Vec<RegionTable> = builtin_region_tables_of(prefectures)?
        .into_iter()
        .filter(|table| !keep.contains(&table.prefecture().code))
        .collect();
    if !tables.is_empty() {
        store
            .upsert_region_tables(&tables)
            .await
            .map_err(|source| IngestError::Store {
                file: BUILTIN_TABLES_NAME.into(),
                source,
            })?;
    }
    Ok(tables)
}

/// `renkei import regions` without a file: the built-in tables of the
/// prefectures the database holds data for ([`loaded_prefectures`]), all 47
/// when it holds none, replacing what is stored for them.
pub(super) async fn import_loaded(store: &dyn Store) -> IngestResult<Vec<RegionTable>> {
    let stored = |source| IngestError::Store {
        file: BUILTIN_TABLES_NAME.into(),
        source,
    };
    let units = store.municipalities().await.map_err(stored)?;
    let facilities = if units.is_empty() {
        store.all_facilities().await.map_err(stored)?
    } else {
        Vec::new()
    };
    let mut prefectures = loaded_prefectures(&units, &facilities);
    if prefectures.is_empty() {
        prefectures = all_prefectures()?;
    }
    store_builtin_tables(store, &prefectures, &BTreeSet::new()).await
}
