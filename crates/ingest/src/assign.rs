//! Places every location that has a position in its municipality and
//! 二次医療圏 (point in polygon, [`BoundaryIndex`]) and stores the result.
//!
//! Imports place their own records as they write them ([`place_facilities`]);
//! [`assign_locations`] re-places everything after boundaries or a region table
//! change. Both are idempotent and store only placements that changed.
//! Outside every polygon but within [`renkei_core::region::NEAREST_LIMIT_M`]
//! of one: assigned and flagged `nearest`. Farther: flagged `suspect` and not
//! assigned. Locations without a position are left as they are.

use renkei_core::region::{AssignmentMethod, BoundaryIndex};
use renkei_core::Facility;
use renkei_store::{LocationAssignment, Store, StoreResult};

/// What an assignment run found and changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AssignSummary {
    /// N03 units the points were placed against (0: no boundaries, nothing done).
    pub boundaries: usize,
    /// Locations with a position.
    pub positioned: u64,
    /// … inside a municipality polygon.
    pub inside: u64,
    /// … outside every polygon but within 500 m of one: assigned, flagged.
    pub nearest: u64,
    /// … farther than 500 m from every polygon: flagged, not assigned.
    pub suspect: u64,
    /// Locations without a position (not placed).
    pub without_position: u64,
    /// Locations whose stored placement changed.
    pub changed: u64,
}

/// Loads the stored boundaries and region tables and places every location.
/// Does nothing (returns a zero summary) when no boundaries are stored.
pub async fn assign_locations(store: &dyn Store) -> StoreResult<AssignSummary> {
    Ok(assign_locations_keeping_directory(store).await?.0)
}

/// The whole directory as a placement run read it.
#[derive(Debug)]
pub struct PlacedDirectory {
    /// The store's data version, read just before the facilities.
    pub data_version: i64,
    /// Every facility, placed.
    pub facilities: Vec<Facility>,
}

/// As [`assign_locations`], and hands back the directory it read when placing
/// it changed nothing stored, so that a caller about to read it all again (the
/// start of `renkei serve`, which builds its index next) can use it instead.
/// `None` when placements changed (what was read is then older than the
/// store) or no boundaries are stored.
pub async fn assign_locations_keeping_directory(
    store: &dyn Store,
) -> StoreResult<(AssignSummary, Option<PlacedDirectory>)> {
    let units = store.municipalities().await?;
    if units.is_empty() {
        return Ok((AssignSummary::default(), None));
    }
    let tables = store.region_tables().await?;
    let (summary, directory) = place_and_store(store, &BoundaryIndex::new(units, &tables)).await?;
    Ok((summary, (summary.changed == 0).then_some(directory)))
}

/// Places every location of `store` against `index` and stores what changed.
pub async fn assign_with(store: &dyn Store, index: &BoundaryIndex) -> StoreResult<AssignSummary> {
    Ok(place_and_store(store, index).await?.0)
}

/// [`assign_with`], returning the directory it read and placed as well.
async fn place_and_store(
    store: &dyn Store,
    index: &BoundaryIndex,
) -> StoreResult<(AssignSummary, PlacedDirectory)> {
    let data_version = store.data_version().await?;
    let mut facilities = store.all_facilities().await?;
    let (mut summary, assignments) = place_facilities(index, &mut facilities);
    summary.changed = store.set_location_assignments(&assignments).await?;
    tracing::info!(
        boundaries = summary.boundaries,
        positioned = summary.positioned,
        nearest = summary.nearest,
        suspect = summary.suspect,
        changed = summary.changed,
        "locations placed in municipalities and 二次医療圏"
    );
    Ok((
        summary,
        PlacedDirectory {
            data_version,
            facilities,
        },
    ))
}

/// Places `facilities` against `index` in memory: each one with a position
/// gets its municipality and 二次医療圏 set (cleared when suspect). Returns the
/// counts (`changed` left at 0: nothing is stored here) and the placements to
/// store with [`Store::set_location_assignments`].
pub fn place_facilities(
    index: &BoundaryIndex,
    facilities: &mut [Facility],
) -> (AssignSummary, Vec<LocationAssignment>) {
    let mut summary = AssignSummary {
        boundaries: index.municipalities().len(),
        ..AssignSummary::default()
    };
    let mut assignments = Vec::with_capacity(facilities.len());
    for facility in facilities {
        let Some(position) = facility.location.position else {
            summary.without_position += 1;
            continue;
        };
        let Some(placed) = index.assign(position) else {
            continue;
        };
        summary.positioned += 1;
        match placed.method {
            AssignmentMethod::Inside => summary.inside += 1,
            AssignmentMethod::Nearest { .. } => summary.nearest += 1,
            AssignmentMethod::Suspect { .. } => summary.suspect += 1,
        }
        facility
            .location
            .municipality
            .clone_from(&placed.municipality);
        facility.location.region.clone_from(&placed.region);
        assignments.push(LocationAssignment {
            id: facility.id,
            municipality: placed.municipality,
            region: placed.region,
            method: Some(placed.method),
        });
    }
    (summary, assignments)
}

impl std::ops::AddAssign for AssignSummary {
    /// Adds the counts of another run; `boundaries` keeps the larger.
    fn add_assign(&mut self, other: Self) {
        self.boundaries = self.boundaries.max(other.boundaries);
        self.positioned += other.positioned;
        self.inside += other.inside;
        self.nearest += other.nearest;
        self.suspect += other.suspect;
        self.without_position += other.without_position;
        self.changed += other.changed;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use renkei_core::fixtures::{fictional_facility, fictional_municipality, square};
    use renkei_core::LonLat;
    use renkei_store::{DatabaseUrl, OpenOptions, SourceInfo};

    #[tokio::test]
    async fn a_placement_that_changes_nothing_hands_back_the_directory_it_read() {
        let store =
            renkei_store::open(&DatabaseUrl::new("sqlite::memory:"), OpenOptions::default())
                .await
                .unwrap();
        let source = SourceInfo {
            key: "test".into(),
            name: "架空データ".into(),
            publisher: "架空県".into(),
            licence: "CC0".into(),
            attribution: String::new(),
            url: None,
            demo: true,
        };
        let inside = LonLat::new(139.05, 35.05).unwrap();
        let facilities = [
            fictional_facility("1", "clinic", "架空診療所", Some(inside)),
            fictional_facility("2", "clinic", "架空医院", None),
        ];
        store.upsert_facilities(&source, &facilities).await.unwrap();
        assert!(assign_locations_keeping_directory(store.as_ref())
            .await
            .unwrap()
            .1
            .is_none());
        store
            .replace_boundaries(
                "架空境界.json",
                &[fictional_municipality("14207", square(139.0, 35.0, 0.1))],
            )
            .await
            .unwrap();
        let (first, read) = assign_locations_keeping_directory(store.as_ref())
            .await
            .unwrap();
        assert_eq!(first.changed, 1);
        assert!(read.is_none(), "placements changed: what was read is stale");
        let (again, read) = assign_locations_keeping_directory(store.as_ref())
            .await
            .unwrap();
        assert_eq!(again.changed, 0);
        let read = read.expect("nothing changed: the directory comes back");
        assert_eq!(read.data_version, store.data_version().await.unwrap());
        assert_eq!(read.facilities, store.all_facilities().await.unwrap());
        let placed = read
            .facilities
            .iter()
            .find(|f| f.provenance.source_record_id == "1")
            .unwrap();
        assert_eq!(
            placed
                .location
                .municipality
                .as_ref()
                .map(renkei_core::MunicipalityCode::as_str),
            Some("14207")
        );
    }
}
