//! Positions of the index in an R-tree, for "nearest facilities to a point".
//!
//! Each position is stored as a point on the unit sphere (x, y, z). The
//! straight-line (chord) distance between two such points grows with their
//! great-circle distance, so the R-tree's nearest-first order is exactly the
//! haversine order, with no distortion near the poles or the antimeridian.

use crate::{Facility, LonLat};
use rstar::primitives::GeomWithData;
use rstar::RTree;

/// A unit-sphere point carrying the facility's position in the index's list.
type Entry = GeomWithData<[f64; 3], usize>;

/// R-tree over the positions of the index's facilities.
#[derive(Debug, Clone, Default)]
pub(super) struct PositionTree(RTree<Entry>);

impl PositionTree {
    /// Indexes every facility of `facilities` that has a position.
    pub(super) fn build(facilities: &[Facility]) -> Self {
        let entries = facilities
            .iter()
            .enumerate()
            .filter_map(|(i, f)| f.location.position.map(|p| Entry::new(unit_vector(p), i)))
            .collect();
        Self(RTree::bulk_load(entries))
    }

    /// Positions in `facilities` (as given to [`PositionTree::build`]) of the
    /// facilities with a position, nearest to `point` first.
    pub(super) fn nearest_first(&self, point: LonLat) -> impl Iterator<Item = usize> + '_ {
        self.0
            .nearest_neighbor_iter(&unit_vector(point))
            .map(|entry| entry.data)
    }
}

impl PositionTree {
    /// Positions in `facilities` of the facilities whose chord distance on
    /// the unit sphere from `point` is at most `chord`, in no order. A chord
    /// of `2 sin(d / 2R)` holds everything within great-circle distance `d`.
    pub(super) fn within_chord(
        &self,
        point: LonLat,
        chord: f64,
    ) -> impl Iterator<Item = usize> + '_ {
        self.0
            .locate_within_distance(unit_vector(point), chord * chord)
            .map(|entry| entry.data)
    }
}

/// `point` on the unit sphere: x towards (0°, 0°), z towards the north pole.
pub(crate) fn unit_vector(point: LonLat) -> [f64; 3] {
    let (lon, lat) = (point.lon().to_radians(), point.lat().to_radians());
    [lat.cos() * lon.cos(), lat.cos() * lon.sin(), lat.sin()]
}
