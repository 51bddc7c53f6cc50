//! Places every location that has a position in its municipality and
//! 二次医療圏 (point in polygon, [`BoundaryIndex`]) and stores the result.
//!
//! Imports place their own records as they write them ([`place_facilities`]);
//! [`assign_locations`] re-places everything after boundaries or a region table
//! change. Both are idempotent and store only placements that changed.
//! Outside every polygon but within [`renkei_core::region::NEAREST_LIMIT_M`]
//! of one: assigned and flagged `nearest`. Farther: flagged `suspect` and not
//! assigned. Locations without a position are left as they are.

use renkei_core::geocode::Geocoder;
use renkei_core::region::{AssignmentMethod, BoundaryIndex};
use renkei_core::Facility;
use renkei_store::{GeocodeRecord, LocationAssignment, Store, StoreResult};

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
    let units = store.municipalities().await?;
    if units.is_empty() {
        return Ok(AssignSummary::default());
    }
    let tables = store.region_tables().await?;
    assign_with(store, &BoundaryIndex::new(units, &tables)).await
}

/// Places every location of `store` against `index` and stores what changed.
pub async fn assign_with(store: &dyn Store, index: &BoundaryIndex) -> StoreResult<AssignSummary> {
    let mut facilities = store.all_facilities().await?;
    place_and_store(store, index, &mut facilities).await
}

/// Places `facilities` (as read from `store`) against `index`, stores the
/// placements that changed and logs the counts; `facilities` are left
/// placed. For a caller that has read the directory already (the start of
/// `renkei serve` reads it with the rest of its snapshot).
pub async fn place_and_store(
    store: &dyn Store,
    index: &BoundaryIndex,
    facilities: &mut [Facility],
) -> StoreResult<AssignSummary> {
    let (mut summary, assignments) = place_facilities(index, facilities);
    summary.changed = store.set_location_assignments(&assignments).await?;
    tracing::info!(
        boundaries = summary.boundaries,
        positioned = summary.positioned,
        nearest = summary.nearest,
        suspect = summary.suspect,
        changed = summary.changed,
        "locations placed in municipalities and 二次医療圏"
    );
    Ok(summary)
}

/// Places `facilities` against `index` in memory: each one with a position
/// gets its municipality and 二次医療圏 set (cleared when suspect). Returns the
/// counts (`changed` left at 0: nothing is stored here) and the placements to
/// store with [`Store::set_location_assignments`].
pub fn place_facilities(
    index: &BoundaryIndex,
    facilities: &mut [Facility],
) -> (AssignSummary, Vec<LocationAssignment>) {
    let (summary, assignments, _) = place_correcting(index, facilities, &|| None);
    (summary, assignments)
}

/// As [`place_facilities`], and a record whose position the publisher got
/// wrong (suspect, or in another prefecture than it states) is placed by its
/// address instead ([`crate::place::correct_by_address`]) when `geocoder`
/// gives one (asked only when such a record is met); returns how those were
/// geocoded too.
pub fn place_correcting<'g>(
    index: &BoundaryIndex,
    facilities: &mut [Facility],
    geocoder: &dyn Fn() -> Option<&'g Geocoder>,
) -> (AssignSummary, Vec<LocationAssignment>, Vec<GeocodeRecord>) {
    let mut summary = AssignSummary {
        boundaries: index.municipalities().len(),
        ..AssignSummary::default()
    };
    let mut assignments = Vec::with_capacity(facilities.len());
    let mut by_address = Vec::new();
    for facility in facilities {
        let Some(position) = facility.location.position else {
            summary.without_position += 1;
            continue;
        };
        let Some(mut placed) = index.assign(position) else {
            continue;
        };
        if let Some(geocoded) = crate::place::misplaced(facility, &placed)
            .then(geocoder)
            .flatten()
            .and_then(|g| crate::place::correct_by_address(facility, &placed, g))
        {
            if let Some(again) = facility.location.position.and_then(|p| index.assign(p)) {
                placed = again;
            }
            by_address.push(geocoded);
        }
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
    (summary, assignments, by_address)
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
