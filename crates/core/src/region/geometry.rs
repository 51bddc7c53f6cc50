//! Region geometry: dissolve (union) of municipalities, simplification for
//! drawing, geodesic area. Coordinates are WGS 84 degrees, x = lon, y = lat.

use geo::bool_ops::FillRule;
use geo::orient::Direction;
use geo::{unary_union, BooleanOps, GeodesicArea, MultiPolygon, Orient, Polygon, Simplify};

/// Union of municipality boundaries: the boundary of a 二次医療圏.
///
/// Inputs are re-oriented (exterior counter-clockwise) first, because the
/// union needs a consistent winding order. Shared borders disappear; islands
/// stay separate polygons.
///
/// ```
/// use geo::{polygon, MultiPolygon};
/// use renkei_core::region::dissolve;
/// // Two unit squares side by side (longitude, latitude in degrees)
/// let west = MultiPolygon::new(vec![polygon![(x: 139.0, y: 35.0), (x: 139.1, y: 35.0), (x: 139.1, y: 35.1), (x: 139.0, y: 35.1)]]);
/// let east = MultiPolygon::new(vec![polygon![(x: 139.1, y: 35.0), (x: 139.2, y: 35.0), (x: 139.2, y: 35.1), (x: 139.1, y: 35.1)]]);
/// let region = dissolve([&west, &east]);
/// assert_eq!(region.0.len(), 1);
/// ```
pub fn dissolve<'a>(parts: impl IntoIterator<Item = &'a MultiPolygon<f64>>) -> MultiPolygon<f64> {
    let oriented: Vec<MultiPolygon<f64>> = parts
        .into_iter()
        .map(|part| part.orient(Direction::Default))
        .collect();
    unary_union(&oriented)
}

/// Ramer–Douglas–Peucker simplification for drawing, e.g. on a phone.
///
/// # Units
///
/// `tolerance_deg` is in **degrees** (the geometry's own unit): 0.001° is about
/// 111 m north–south and about 91 m east–west at 35° N. A tolerance of 0 or less
/// returns the geometry unchanged. Rings keep at least four points (the RDP
/// of `geo` never collapses a ring), so small islands stay visible; the result
/// is for display, never for point assignment.
pub fn simplify(geometry: &MultiPolygon<f64>, tolerance_deg: f64) -> MultiPolygon<f64> {
    if tolerance_deg.is_nan() || tolerance_deg <= 0.0 {
        return geometry.clone();
    }
    geometry.simplify(tolerance_deg)
}

/// Repairs a self-intersecting or otherwise invalid polygon by re-building it
/// with the even–odd rule: a figure-eight ring becomes two polygons, a spike
/// of zero width disappears. Exteriors come out counter-clockwise.
///
/// ```
/// use geo::{polygon, Validation};
/// use renkei_core::region::make_valid;
/// // A bow tie: the ring crosses itself at (139.05, 35.05)
/// let bow_tie = polygon![(x: 139.0, y: 35.0), (x: 139.1, y: 35.1), (x: 139.1, y: 35.0), (x: 139.0, y: 35.1)];
/// assert!(!bow_tie.is_valid());
/// let fixed = make_valid(&bow_tie);
/// assert_eq!(fixed.0.len(), 2);
/// assert!(fixed.is_valid());
/// ```
pub fn make_valid(polygon: &Polygon<f64>) -> MultiPolygon<f64> {
    polygon.union_with_fill_rule(&MultiPolygon::new(Vec::new()), FillRule::EvenOdd)
}

/// Area on the WGS 84 ellipsoid.
///
/// # Units
///
/// Return value: square metres (m²). Rings are re-oriented first, so a
/// clockwise exterior does not yield the area of the rest of the earth.
pub fn area_m2(geometry: &MultiPolygon<f64>) -> f64 {
    geometry.orient(Direction::Default).geodesic_area_unsigned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;

    fn square(x: f64, y: f64, size: f64) -> MultiPolygon<f64> {
        MultiPolygon::new(vec![polygon![
            (x: x, y: y), (x: x + size, y: y), (x: x + size, y: y + size), (x: x, y: y + size)
        ]])
    }

    #[test]
    fn dissolve_merges_neighbours_keeps_islands_and_area() {
        let parts = [
            square(139.0, 35.0, 0.1),
            square(139.1, 35.0, 0.1),
            square(140.0, 35.0, 0.01),
        ];
        let union = dissolve(&parts);
        assert_eq!(union.0.len(), 2);
        let sum: f64 = parts.iter().map(area_m2).sum();
        let union_area = area_m2(&union);
        assert!(
            (union_area - sum).abs() / sum < 1e-6,
            "{union_area} vs {sum}"
        );
    }

    #[test]
    fn dissolve_accepts_clockwise_input() {
        let clockwise = square(139.1, 35.0, 0.1).orient(Direction::Reversed);
        let union = dissolve([&square(139.0, 35.0, 0.1), &clockwise]);
        assert_eq!(union.0.len(), 1);
    }

    #[test]
    fn simplify_removes_small_wiggles_keeps_rings_and_ignores_non_positive_tolerance() {
        let wiggly = MultiPolygon::new(vec![polygon![
            (x: 139.0, y: 35.0), (x: 139.05, y: 35.0001), (x: 139.1, y: 35.0), (x: 139.1, y: 35.1), (x: 139.0, y: 35.1)
        ]]);
        assert_eq!(simplify(&wiggly, 0.0), wiggly);
        assert_eq!(simplify(&wiggly, -1.0), wiggly);
        assert_eq!(simplify(&wiggly, 0.001).0[0].exterior().0.len(), 5);
        let tiny = square(139.0, 35.0, 0.0001);
        assert_eq!(simplify(&tiny, 0.01).0[0].exterior().0.len(), 5);
    }

    #[test]
    fn one_square_degree_near_35n_is_about_10000_km2() {
        let a = area_m2(&square(139.0, 35.0, 1.0));
        assert!((a / 1e6 - 10_140.0).abs() < 150.0, "{a}");
    }
}
