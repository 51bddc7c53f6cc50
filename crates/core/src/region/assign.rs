//! Point-in-region assignment: which municipality / ward (and 二次医療圏) a
//! position falls in.
//!
//! An R-tree over polygon envelopes finds the few candidate polygons of a
//! point, and an exact point-in-polygon test decides. A point outside every
//! polygon (coast, harbour, boundary noise of a simplified file) goes to the
//! nearest polygon if it is within [`NEAREST_LIMIT_M`] and is flagged; a point
//! farther out is flagged suspect and is not assigned. A second R-tree over the
//! polygon edges answers the distance questions.
//!
//! Ties (a point on a shared border) go to the unit with the smallest code, so
//! answers do not depend on input order.

use super::{Municipality, RegionTable};
use crate::{LonLat, MunicipalityCode, RegionCode};
use geo::{Coord, Intersects, LineString, MultiPolygon};
use rstar::primitives::{GeomWithData, Line, Rectangle};
use rstar::{PointDistance, RTree, AABB};
use serde::Serialize;

/// Farthest a point outside every polygon may be from the nearest one and
/// still be assigned to it, in metres.
pub const NEAREST_LIMIT_M: f64 = 500.0;

/// Metres per degree of latitude (and of longitude at the equator) on a sphere
/// of the mean earth radius 6,371,008.8 m.
const METRES_PER_DEGREE: f64 = 6_371_008.8 * std::f64::consts::PI / 180.0;

/// How a point was placed.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum AssignmentMethod {
    /// Inside (or on the border of) the municipality's polygon.
    Inside,
    /// Outside every polygon but within [`NEAREST_LIMIT_M`] of this one: assigned and flagged.
    Nearest {
        /// Distance to the polygon's border, metres.
        distance_m: f64,
    },
    /// Farther than [`NEAREST_LIMIT_M`] from every polygon: **not** assigned; the
    /// coordinates are probably wrong (or the boundaries of that area are not loaded).
    Suspect {
        /// Distance to the nearest polygon's border, metres.
        distance_m: f64,
    },
}

impl AssignmentMethod {
    /// Stable text form (`inside`, `nearest`, `suspect`), as stored and reported.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Inside => "inside",
            Self::Nearest { .. } => "nearest",
            Self::Suspect { .. } => "suspect",
        }
    }

    /// Distance to the polygon in metres: 0 when inside.
    pub fn distance_m(self) -> f64 {
        match self {
            Self::Inside => 0.0,
            Self::Nearest { distance_m } | Self::Suspect { distance_m } => distance_m,
        }
    }
}

/// Where a point was placed, by unit index into [`BoundaryIndex::municipalities`].
///
/// For [`AssignmentMethod::Suspect`] the unit is the nearest candidate, which the
/// point is **not** assigned to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placement {
    /// Index of the (nearest) unit.
    pub unit: usize,
    /// How it was found.
    pub method: AssignmentMethod,
}

/// The municipality and 二次医療圏 of a point.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assignment {
    /// The municipality / ward the point is assigned to; `None` when suspect.
    pub municipality: Option<MunicipalityCode>,
    /// Its 二次医療圏; `None` when suspect or when no region table lists the unit.
    pub region: Option<RegionCode>,
    /// How the point was placed.
    #[serde(flatten)]
    pub method: AssignmentMethod,
    /// The nearest unit: the assigned one, or for a suspect point the candidate.
    pub nearest: MunicipalityCode,
}

impl Assignment {
    /// True when the point was assigned (inside, or nearest within the limit).
    pub fn is_assigned(&self) -> bool {
        self.municipality.is_some()
    }
}

type PolygonEnvelope = GeomWithData<Rectangle<[f64; 2]>, (u32, u32)>;
type Edge = GeomWithData<Line<[f64; 2]>, u32>;

/// Municipality boundaries indexed for point assignment.
///
/// # Examples
///
/// ```
/// use geo::{polygon, MultiPolygon};
/// use renkei_core::region::{AssignmentMethod, BoundaryIndex, Municipality};
/// use renkei_core::LonLat;
/// let unit = Municipality {
///     code: "14207".parse().unwrap(),
///     prefecture_name: "神奈川県".into(),
///     subprefecture_name: None,
///     county_or_city: None,
///     name: "茅ヶ崎市".into(),
///     // longitude, latitude
///     geometry: MultiPolygon::new(vec![polygon![(x: 139.36, y: 35.31), (x: 139.45, y: 35.31), (x: 139.45, y: 35.37), (x: 139.36, y: 35.37)]]),
/// };
/// let index = BoundaryIndex::new(vec![unit], &[]);
/// let inside = index.assign(LonLat::new(139.40, 35.33).unwrap()).unwrap();
/// assert_eq!(inside.municipality.unwrap().as_str(), "14207");
/// assert_eq!(inside.method, AssignmentMethod::Inside);
/// // 0.003° (about 330 m) south of the southern edge: nearest, flagged
/// let coast = index.assign(LonLat::new(139.40, 35.307).unwrap()).unwrap();
/// assert!(matches!(coast.method, AssignmentMethod::Nearest { distance_m } if (distance_m - 333.6).abs() < 1.0));
/// // 10 km out at sea: suspect, not assigned
/// let sea = index.assign(LonLat::new(139.40, 35.22).unwrap()).unwrap();
/// assert!(sea.municipality.is_none());
/// ```
#[derive(Debug)]
pub struct BoundaryIndex {
    units: Vec<Municipality>,
    regions: Vec<Option<RegionCode>>,
    polygons: RTree<PolygonEnvelope>,
    edges: RTree<Edge>,
}

impl BoundaryIndex {
    /// Builds the index. Units are ordered by code; each gets its 二次医療圏 from
    /// the first of `tables` that lists it.
    pub fn new(units: impl IntoIterator<Item = Municipality>, tables: &[RegionTable]) -> Self {
        let mut units: Vec<Municipality> = units.into_iter().collect();
        units.sort_by(|a, b| a.code.cmp(&b.code));
        let regions = units
            .iter()
            .map(|unit| {
                tables
                    .iter()
                    .find_map(|table| table.region_of(&unit.code).cloned())
            })
            .collect();
        let mut envelopes = Vec::new();
        let mut edges = Vec::new();
        for (unit_index, unit) in units.iter().enumerate() {
            let unit_id = u32::try_from(unit_index).expect("fewer than 2^32 units");
            for (polygon_index, polygon) in unit.geometry.iter().enumerate() {
                let polygon_id = u32::try_from(polygon_index).expect("fewer than 2^32 polygons");
                let mut corners = polygon.exterior().coords().map(|c| [c.x, c.y]);
                let Some(first) = corners.next() else {
                    continue;
                };
                let (lower, upper) = corners.fold((first, first), |(lo, hi), [x, y]| {
                    ([lo[0].min(x), lo[1].min(y)], [hi[0].max(x), hi[1].max(y)])
                });
                envelopes.push(GeomWithData::new(
                    Rectangle::from_corners(lower, upper),
                    (unit_id, polygon_id),
                ));
                for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
                    for line in ring.lines().filter(|line| line.start != line.end) {
                        let segment =
                            Line::new([line.start.x, line.start.y], [line.end.x, line.end.y]);
                        edges.push(GeomWithData::new(segment, unit_id));
                    }
                }
            }
        }
        Self {
            units,
            regions,
            polygons: RTree::bulk_load(envelopes),
            edges: RTree::bulk_load(edges),
        }
    }

    /// The indexed units, ordered by code; [`Placement::unit`] indexes this slice.
    pub fn municipalities(&self) -> &[Municipality] {
        &self.units
    }

    /// The 二次医療圏 of unit `index`, if a region table lists it.
    pub fn region_of_unit(&self, index: usize) -> Option<&RegionCode> {
        self.regions.get(index).and_then(Option::as_ref)
    }

    /// Number of polygon edges indexed (for reporting).
    pub fn edge_count(&self) -> usize {
        self.edges.size()
    }

    /// Distance from `point` to the unit with `code`, in metres: 0 inside it,
    /// else to its nearest border (local equirectangular approximation, see
    /// [`BoundaryIndex::locate`]); `None` when no unit has that code. Used to
    /// judge a source's stated municipality against the position.
    pub fn distance_to_unit_m(&self, point: LonLat, code: &MunicipalityCode) -> Option<f64> {
        let index = self
            .units
            .binary_search_by(|unit| unit.code.cmp(code))
            .ok()?;
        let p = [point.lon(), point.lat()];
        if multi_intersects(&self.units[index].geometry, Coord { x: p[0], y: p[1] }) {
            return Some(0.0);
        }
        let scale = lon_scale(p[1]);
        let unit = &self.units[index];
        unit.geometry
            .iter()
            .flat_map(|polygon| std::iter::once(polygon.exterior()).chain(polygon.interiors()))
            .flat_map(LineString::lines)
            .map(|line| {
                segment_distance_m(
                    p,
                    &Line::new([line.start.x, line.start.y], [line.end.x, line.end.y]),
                    scale,
                )
            })
            .min_by(f64::total_cmp)
    }

    /// Assigns `point` to its municipality and 二次医療圏; `None` only when the
    /// index holds no boundaries.
    pub fn assign(&self, point: LonLat) -> Option<Assignment> {
        let placement = self.locate(point)?;
        let unit = &self.units[placement.unit];
        let assigned = !matches!(placement.method, AssignmentMethod::Suspect { .. });
        Some(Assignment {
            municipality: assigned.then(|| unit.code.clone()),
            region: if assigned {
                self.region_of_unit(placement.unit).cloned()
            } else {
                None
            },
            method: placement.method,
            nearest: unit.code.clone(),
        })
    }

    /// Places `point` using the R-trees; `None` only when the index is empty.
    pub fn locate(&self, point: LonLat) -> Option<Placement> {
        let p = [point.lon(), point.lat()];
        let coord = Coord { x: p[0], y: p[1] };
        let inside = self
            .polygons
            .locate_all_at_point(&p)
            .filter(|candidate| {
                let (unit, polygon) = candidate.data;
                self.units[unit as usize].geometry.0[polygon as usize].intersects(&coord)
            })
            .map(|candidate| candidate.data.0)
            .min();
        if let Some(unit) = inside {
            return Some(Placement {
                unit: unit as usize,
                method: AssignmentMethod::Inside,
            });
        }
        // The nearest edge in degrees (ties: smallest unit code). Metres are at
        // least degrees × METRES_PER_DEGREE × cos(latitude), so when even that
        // bound exceeds the limit the point is suspect without a second query.
        let scale = lon_scale(p[1]);
        let mut by_distance = self.edges.nearest_neighbor_iter_with_distance_2(&p);
        let (first, first_d2) = by_distance.next()?;
        let nearest =
            by_distance
                .take_while(|(_, d2)| *d2 <= first_d2)
                .fold(
                    first,
                    |best, (edge, _)| if edge.data < best.data { edge } else { best },
                );
        let suspect = || Placement {
            unit: nearest.data as usize,
            method: AssignmentMethod::Suspect {
                distance_m: suspect_distance_m(point, nearest.geom()),
            },
        };
        if first_d2.sqrt() * METRES_PER_DEGREE * scale > NEAREST_LIMIT_M {
            return Some(suspect());
        }
        let reach_lat = NEAREST_LIMIT_M / METRES_PER_DEGREE;
        let reach_lon = reach_lat / scale;
        let search = AABB::from_corners(
            [p[0] - reach_lon, p[1] - reach_lat],
            [p[0] + reach_lon, p[1] + reach_lat],
        );
        let near = self
            .edges
            .locate_in_envelope_intersecting(&search)
            .map(|edge| (segment_distance_m(p, edge.geom(), scale), edge.data))
            .filter(|(distance_m, _)| *distance_m <= NEAREST_LIMIT_M)
            .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        Some(near.map_or_else(suspect, |(distance_m, unit)| Placement {
            unit: unit as usize,
            method: AssignmentMethod::Nearest { distance_m },
        }))
    }

    /// Places `point` by testing every polygon and every edge, without the
    /// R-trees: the baseline for benchmarks and tests. Gives the same answer as
    /// [`BoundaryIndex::locate`].
    pub fn locate_naive(&self, point: LonLat) -> Option<Placement> {
        let p = [point.lon(), point.lat()];
        let coord = Coord { x: p[0], y: p[1] };
        if let Some(unit) = self
            .units
            .iter()
            .position(|unit| multi_intersects(&unit.geometry, coord))
        {
            return Some(Placement {
                unit,
                method: AssignmentMethod::Inside,
            });
        }
        let scale = lon_scale(p[1]);
        let mut best_m: Option<(f64, u32)> = None;
        let mut best_d2: Option<(f64, u32, &Line<[f64; 2]>)> = None;
        for edge in &self.edges {
            let metres = segment_distance_m(p, edge.geom(), scale);
            if best_m
                .is_none_or(|(m, unit)| metres.total_cmp(&m).then(edge.data.cmp(&unit)).is_lt())
            {
                best_m = Some((metres, edge.data));
            }
            let d2 = edge.distance_2(&p);
            if best_d2
                .is_none_or(|(d, unit, _)| d2.total_cmp(&d).then(edge.data.cmp(&unit)).is_lt())
            {
                best_d2 = Some((d2, edge.data, edge.geom()));
            }
        }
        let (metres, unit) = best_m?;
        if metres <= NEAREST_LIMIT_M {
            return Some(Placement {
                unit: unit as usize,
                method: AssignmentMethod::Nearest { distance_m: metres },
            });
        }
        let (_, unit, line) = best_d2?;
        Some(Placement {
            unit: unit as usize,
            method: AssignmentMethod::Suspect {
                distance_m: suspect_distance_m(point, line),
            },
        })
    }
}

fn multi_intersects(geometry: &MultiPolygon<f64>, coord: Coord<f64>) -> bool {
    geometry.iter().any(|polygon| polygon.intersects(&coord))
}

/// Great-circle distance in metres from `point` to the point of `segment`
/// nearest to it in degree space (how suspect candidates are chosen).
fn suspect_distance_m(point: LonLat, segment: &Line<[f64; 2]>) -> f64 {
    let [lon, lat] = segment.nearest_point(&[point.lon(), point.lat()]);
    LonLat::new(lon, lat).map_or(f64::INFINITY, |nearest| point.distance_m(nearest))
}

/// Metres per degree of longitude relative to latitude at `lat_deg`.
fn lon_scale(lat_deg: f64) -> f64 {
    lat_deg.to_radians().cos().max(1e-6)
}

/// Distance from `p` to a segment in metres, in the local equirectangular plane
/// at `p` (longitude scaled by `scale` = cos latitude); within a few kilometres
/// this is within 0.1 % of the great-circle distance.
fn segment_distance_m(p: [f64; 2], segment: &Line<[f64; 2]>, scale: f64) -> f64 {
    let (ax, ay) = ((segment.from[0] - p[0]) * scale, segment.from[1] - p[1]);
    let (bx, by) = ((segment.to[0] - p[0]) * scale, segment.to[1] - p[1]);
    let (dx, dy) = (bx - ax, by - ay);
    let length_2 = dx * dx + dy * dy;
    let t = if length_2 > 0.0 {
        (-(ax * dx + ay * dy) / length_2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (cx, cy) = (ax + t * dx, ay + t * dy);
    METRES_PER_DEGREE * (cx * cx + cy * cy).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;

    fn unit(code: &str, geometry: MultiPolygon<f64>) -> Municipality {
        Municipality {
            code: code.parse().unwrap(),
            prefecture_name: "架空県".into(),
            subprefecture_name: None,
            county_or_city: None,
            name: format!("架空{code}"),
            geometry,
        }
    }

    fn square(x: f64, y: f64, size: f64) -> MultiPolygon<f64> {
        MultiPolygon::new(vec![polygon![
            (x: x, y: y), (x: x + size, y: y), (x: x + size, y: y + size), (x: x, y: y + size)
        ]])
    }

    fn index() -> BoundaryIndex {
        // Two neighbouring 0.1° squares and an island unit of two squares.
        let mut island = square(139.5, 35.0, 0.01);
        island.0.extend(square(139.6, 35.0, 0.01).0);
        BoundaryIndex::new(
            vec![
                unit("47202", square(139.1, 35.0, 0.1)),
                unit("47201", square(139.0, 35.0, 0.1)),
                unit("47203", island),
            ],
            &[],
        )
    }

    fn at(lon: f64, lat: f64) -> LonLat {
        LonLat::new(lon, lat).unwrap()
    }

    #[test]
    fn inside_and_border_ties_go_to_smallest_code() {
        let index = index();
        let a = index.assign(at(139.05, 35.05)).unwrap();
        assert_eq!(
            (a.municipality.unwrap().as_str(), a.method),
            ("47201", AssignmentMethod::Inside)
        );
        let border = index.assign(at(139.1, 35.05)).unwrap();
        assert_eq!(border.municipality.unwrap().as_str(), "47201");
        let island = index.assign(at(139.605, 35.005)).unwrap();
        assert_eq!(island.municipality.unwrap().as_str(), "47203");
    }

    #[test]
    fn nearest_within_limit_is_flagged_and_farther_is_suspect() {
        let index = index();
        // 0.004° of latitude south of the squares ≈ 445 m
        let near = index.assign(at(139.15, 34.996)).unwrap();
        assert_eq!(near.municipality.as_ref().unwrap().as_str(), "47202");
        let AssignmentMethod::Nearest { distance_m } = near.method else {
            panic!("{near:?}")
        };
        assert!((distance_m - 444.8).abs() < 1.0, "{distance_m}");
        // 0.005° ≈ 556 m: suspect, nearest candidate named, not assigned
        let far = index.assign(at(139.15, 34.995)).unwrap();
        assert_eq!(far.municipality, None);
        assert_eq!(far.region, None);
        assert_eq!(far.nearest.as_str(), "47202");
        assert!(
            matches!(far.method, AssignmentMethod::Suspect { distance_m } if (distance_m - 556.0).abs() < 1.0)
        );
    }

    #[test]
    fn tree_and_naive_scan_agree() {
        let index = index();
        for i in 0..400 {
            let lon = 138.95 + f64::from(i % 20) * 0.04;
            let lat = 34.95 + f64::from(i / 20) * 0.01;
            let p = at(lon, lat);
            assert_eq!(index.locate(p), index.locate_naive(p), "at {lon} {lat}");
        }
    }

    #[test]
    fn empty_index_assigns_nothing() {
        let index = BoundaryIndex::new(Vec::new(), &[]);
        assert_eq!(index.assign(at(139.0, 35.0)), None);
        assert_eq!(index.locate_naive(at(139.0, 35.0)), None);
    }
}
