//! Search hits' facilities as ready-made JSON, kept per index snapshot: the
//! facilities near a busy place are returned again and again, and writing
//! their summaries out was a sixth of a typical search's time.

use crate::dto::FacilitySummaryDto;
use renkei_core::directory_index::DirectoryIndex;
use renkei_core::{FacilityId, PublicFacility};
use serde_json::value::RawValue;
use std::sync::{Arc, Mutex, Weak};

/// Summaries kept: about 1 KB each.
pub const CACHE_SUMMARIES: usize = 20_000;

/// Facility summaries as JSON for the current index snapshot; a new snapshot
/// (the data changed) starts a new generation and the old entries age out.
pub struct SummaryCache {
    snapshot: Mutex<Snapshot>,
    json: quick_cache::sync::Cache<(u64, FacilityId), Box<RawValue>>,
}

/// The snapshot the current generation is of. A weak reference keeps its
/// address from being reused without keeping the index itself alive.
#[derive(Default)]
struct Snapshot {
    generation: u64,
    index: Weak<DirectoryIndex>,
}

impl Default for SummaryCache {
    fn default() -> Self {
        Self {
            snapshot: Mutex::new(Snapshot::default()),
            json: quick_cache::sync::Cache::new(CACHE_SUMMARIES),
        }
    }
}

impl std::fmt::Debug for SummaryCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SummaryCache")
            .field("summaries", &self.json.len())
            .finish_non_exhaustive()
    }
}

impl SummaryCache {
    /// The generation of `index`, starting a new one when it is not the
    /// snapshot the cached summaries were made from.
    pub fn generation(&self, index: &Arc<DirectoryIndex>) -> u64 {
        let mut snapshot = self
            .snapshot
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if !std::ptr::eq(snapshot.index.as_ptr(), Arc::as_ptr(index)) {
            snapshot.generation += 1;
            snapshot.index = Arc::downgrade(index);
            self.json.clear();
        }
        snapshot.generation
    }

    /// `facility` (from the snapshot of `generation`) as a
    /// [`FacilitySummaryDto`] in JSON, written once per generation.
    pub fn summary(&self, generation: u64, facility: PublicFacility) -> Box<RawValue> {
        let key = (generation, facility.id);
        if let Some(json) = self.json.get(&key) {
            return json;
        }
        let json = serde_json::value::to_raw_value(&FacilitySummaryDto::from(facility))
            .expect("a facility summary serialises to JSON");
        self.json.insert(key, json.clone());
        json
    }
}
