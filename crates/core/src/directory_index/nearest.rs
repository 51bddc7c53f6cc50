//! Positions of the index in an R-tree, for "nearest facilities to a point".
//!
//! Each position is stored as a point on the unit sphere (x, y, z). The
//! straight-line (chord) distance between two such points grows with their
//! great-circle distance, so the R-tree's nearest-first order is exactly the
//! haversine order, with no distortion near the poles or the antimeridian.

use super::Records;
use crate::LonLat;
use rstar::primitives::GeomWithData;
use rstar::RTree;

/// A unit-sphere point carrying the facility's position in the index's list.
type Entry = GeomWithData<[f64; 3], usize>;

/// R-tree over the positions of the index's facilities.
#[derive(Debug, Clone, Default)]
pub(super) struct PositionTree(RTree<Entry>);

impl PositionTree {
    /// Indexes every facility of `records` that has a position.
    pub(super) fn build(records: &Records) -> Self {
        let entries = (0..records.len())
            .filter_map(|i| records.position(i).map(|p| Entry::new(unit_vector(p), i)))
            .collect();
        Self(RTree::bulk_load(entries))
    }

    /// Positions in `records` (as given to [`PositionTree::build`]) of the
    /// facilities with a position, nearest to `point` first, each with its
    /// squared chord distance on the unit sphere.
    pub(super) fn nearest_first(&self, point: LonLat) -> impl Iterator<Item = (usize, f64)> + '_ {
        self.0
            .nearest_neighbor_iter_with_distance_2(&unit_vector(point))
            .map(|(entry, chord_2)| (entry.data, chord_2))
    }
}

impl PositionTree {
    /// Positions in `records` of the facilities whose chord distance on
    /// the unit sphere from `point` is at most `chord`, in no order, each
    /// with its squared chord distance. A chord of `2 sin(d / 2R)` holds
    /// everything within great-circle distance `d`.
    pub(super) fn within_chord(
        &self,
        point: LonLat,
        chord: f64,
    ) -> impl Iterator<Item = (usize, f64)> + '_ {
        let centre = unit_vector(point);
        self.0
            .locate_within_distance(centre, chord * chord)
            .map(move |entry| (entry.data, rstar::PointDistance::distance_2(entry, &centre)))
    }
}

/// `point` on the unit sphere: x towards (0°, 0°), z towards the north pole.
pub(crate) fn unit_vector(point: LonLat) -> [f64; 3] {
    let (lon, lat) = (point.lon().to_radians(), point.lat().to_radians());
    [lat.cos() * lon.cos(), lat.cos() * lon.sin(), lat.sin()]
}
