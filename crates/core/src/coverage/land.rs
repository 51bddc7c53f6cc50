//! Land cells: the grid cells that intersect a municipality's boundary.
//!
//! Each polygon is rasterised on the grid in two passes instead of testing
//! every cell of its bounding box against every edge:
//!
//! 1. every cell a boundary edge passes through (a grid walk along the edge,
//!    Amanatides & Woo) intersects the polygon;
//! 2. every cell whose centre is inside (even–odd crossings of the row's centre
//!    line, holes included) intersects it too — this finds the cells that lie
//!    wholly inside, which no edge touches.
//!
//! A cell meets a polygon exactly when one of the two holds, so the cost is the
//! number of edges plus the cells found. A cell that several municipalities
//! touch belongs to the one holding its centre, else (a coastal cell whose
//! centre is at sea) to the one with the smallest code.

use crate::mesh::{MeshCell, MeshLevel};
use crate::region::Municipality;
use geo::{LineString, Polygon};
use std::collections::HashMap;

/// A land cell and the municipality / ward it is counted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LandCell {
    /// The grid cell.
    pub cell: MeshCell,
    /// Index into the units given to [`land_cells`].
    pub unit: usize,
    /// Whether the cell's centre lies inside its unit's boundary; false for a
    /// coastal cell whose centre is at sea (or in a neighbour's water).
    pub centre_on_land: bool,
}

/// Every cell of `level` that intersects one of `units`' boundaries (WGS 84,
/// lon/lat), each assigned to one unit, ordered by row then column.
///
/// ```
/// use geo::{polygon, MultiPolygon};
/// use renkei_core::coverage::land_cells;
/// use renkei_core::mesh::MeshLevel;
/// use renkei_core::region::Municipality;
/// // A fictional 2 km × 2 km square (longitude, latitude) aligned on the grid:
/// // 45″ = 0.0125° of longitude and 30″ = 1/120° of latitude per 3rd mesh.
/// let (west, south) = (139.375, 35.333_333_333_333_336);
/// let unit = Municipality {
///     code: "47201".parse().unwrap(),
///     prefecture_name: "架空県".into(),
///     subprefecture_name: None,
///     county_or_city: None,
///     name: "架空市".into(),
///     geometry: MultiPolygon::new(vec![polygon![
///         (x: west + 0.001, y: south + 0.001), (x: west + 0.024, y: south + 0.001),
///         (x: west + 0.024, y: south + 0.016), (x: west + 0.001, y: south + 0.016)]]),
/// };
/// assert_eq!(land_cells(&[unit], MeshLevel::Third).len(), 4);
/// ```
pub fn land_cells(units: &[Municipality], level: MeshLevel) -> Vec<LandCell> {
    // (row, col) → (unit, centre inside).
    let mut claims: HashMap<(i64, i64), (usize, bool)> = HashMap::new();
    let mut claim = |key: (i64, i64), unit: usize, centre_inside: bool| {
        claims
            .entry(key)
            .and_modify(|held| {
                let better = match (centre_inside, held.1) {
                    (true, false) => true,
                    (false, true) => false,
                    _ => units[unit].code < units[held.0].code,
                };
                if better {
                    *held = (unit, centre_inside);
                }
            })
            .or_insert((unit, centre_inside));
    };
    for (unit_index, unit) in units.iter().enumerate() {
        for polygon in unit.geometry.iter() {
            rasterise(polygon, level, |key, inside| claim(key, unit_index, inside));
        }
    }
    let mut cells: Vec<LandCell> = claims
        .into_iter()
        .filter_map(|((row, col), (unit, centre_on_land))| {
            Some(LandCell {
                cell: MeshCell {
                    level,
                    row: u32::try_from(row).ok()?,
                    col: u32::try_from(col).ok()?,
                },
                unit,
                centre_on_land,
            })
        })
        .collect();
    cells.sort_unstable_by_key(|c| (c.cell.row, c.cell.col));
    cells
}

/// Grid coordinates of a position: columns east of 100°, rows north of 0°.
fn grid(level: MeshLevel, lon: f64, lat: f64) -> (f64, f64) {
    (
        (lon - 100.0) * level.cols_per_degree(),
        lat * level.rows_per_degree(),
    )
}

#[expect(
    clippy::cast_possible_truncation,
    reason = "grid coordinates of positions are within ±20,000"
)]
fn floor(value: f64) -> i64 {
    value.floor() as i64
}

/// Calls `mark((row, col), centre_inside)` for every cell meeting `polygon`.
fn rasterise(polygon: &Polygon<f64>, level: MeshLevel, mut mark: impl FnMut((i64, i64), bool)) {
    let rings: Vec<&LineString<f64>> = std::iter::once(polygon.exterior())
        .chain(polygon.interiors())
        .collect();
    let Some((min_row, max_row)) = rings
        .iter()
        .flat_map(|ring| ring.coords())
        .map(|c| floor(grid(level, c.x, c.y).1))
        .fold(None, |span: Option<(i64, i64)>, row| {
            Some(span.map_or((row, row), |(lo, hi)| (lo.min(row), hi.max(row))))
        })
    else {
        return;
    };
    let rows = usize::try_from(max_row - min_row + 1).unwrap_or(0);
    let mut crossings: Vec<Vec<f64>> = vec![Vec::new(); rows];
    for ring in rings {
        for line in ring.lines() {
            let (x0, y0) = grid(level, line.start.x, line.start.y);
            let (x1, y1) = grid(level, line.end.x, line.end.y);
            walk(x0, y0, x1, y1, |col, row| mark((row, col), false));
            // Row r's centre line is y = r + 0.5; a half-open span counts a
            // vertex on the line once.
            let (lo, hi) = if y0 < y1 { (y0, y1) } else { (y1, y0) };
            let first = floor(lo - 0.5) + 1;
            let last = floor(hi - 0.5);
            for row in first..=last {
                let y = row as f64 + 0.5;
                if y < lo || y >= hi {
                    continue;
                }
                let x = x0 + (y - y0) * (x1 - x0) / (y1 - y0);
                if let Ok(slot) = usize::try_from(row - min_row) {
                    if let Some(list) = crossings.get_mut(slot) {
                        list.push(x);
                    }
                }
            }
        }
    }
    for (slot, list) in crossings.iter_mut().enumerate() {
        list.sort_unstable_by(f64::total_cmp);
        let row = min_row + i64::try_from(slot).unwrap_or(0);
        for pair in list.chunks_exact(2) {
            // Columns whose centre c + 0.5 lies in [pair[0], pair[1]].
            for col in (floor(pair[0] - 0.5) + 1)..=floor(pair[1] - 0.5) {
                mark((row, col), true);
            }
        }
    }
}

/// Calls `visit(col, row)` for every grid cell the segment from `(x0, y0)` to
/// `(x1, y1)` passes through, in order (Amanatides & Woo grid traversal).
fn walk(x0: f64, y0: f64, x1: f64, y1: f64, mut visit: impl FnMut(i64, i64)) {
    let (mut col, mut row) = (floor(x0), floor(y0));
    let (end_col, end_row) = (floor(x1), floor(y1));
    visit(col, row);
    let (dx, dy) = (x1 - x0, y1 - y0);
    let step = |d: f64| if d > 0.0 { 1 } else { -1 };
    let first_t = |start: f64, cell: i64, d: f64| {
        if d > 0.0 {
            (cell as f64 + 1.0 - start) / d
        } else if d < 0.0 {
            (start - cell as f64) / -d
        } else {
            f64::INFINITY
        }
    };
    let (mut t_col, mut t_row) = (first_t(x0, col, dx), first_t(y0, row, dy));
    let (dt_col, dt_row) = (1.0 / dx.abs(), 1.0 / dy.abs());
    // Bounded by the cells between the ends, so rounding can never loop forever.
    for _ in 0..((end_col - col).abs() + (end_row - row).abs()) {
        if t_col < t_row {
            col += step(dx);
            t_col += dt_col;
        } else {
            row += step(dy);
            t_row += dt_row;
        }
        visit(col, row);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::fictional_municipality as unit;
    use geo::{polygon, Contains, Intersects, MultiPolygon, Rect};

    #[test]
    fn matches_a_brute_force_intersection_test() {
        // A fictional irregular shape with a hole, a few km across.
        // Offset so that no vertex lies on a grid line (a shape merely touching a
        // cell's edge meets it in the brute-force test but has no area in it).
        const OFF: f64 = 0.000_7;
        let shape = polygon!(
            exterior: [
                (x: 139.30 + OFF, y: 35.30 + OFF), (x: 139.37 + OFF, y: 35.31 + OFF), (x: 139.41 + OFF, y: 35.36 + OFF),
                (x: 139.35 + OFF, y: 35.39 + OFF), (x: 139.33 + OFF, y: 35.35 + OFF), (x: 139.29 + OFF, y: 35.34 + OFF),
            ],
            interiors: [[
                (x: 139.34 + OFF, y: 35.33 + OFF), (x: 139.36 + OFF, y: 35.33 + OFF), (x: 139.36 + OFF, y: 35.345 + OFF),
                (x: 139.34 + OFF, y: 35.345 + OFF),
            ]],
        );
        let units = [unit("47201", MultiPolygon::new(vec![shape.clone()]))];
        let found: Vec<MeshCell> = land_cells(&units, MeshLevel::Third)
            .into_iter()
            .map(|c| c.cell)
            .collect();
        let (sw, ne) = (
            MeshCell::containing(crate::LonLat::new(139.28, 35.29).unwrap(), MeshLevel::Third)
                .unwrap(),
            MeshCell::containing(crate::LonLat::new(139.42, 35.40).unwrap(), MeshLevel::Third)
                .unwrap(),
        );
        let mut expected = Vec::new();
        for row in sw.row..=ne.row {
            for col in sw.col..=ne.col {
                let cell = MeshCell {
                    level: MeshLevel::Third,
                    row,
                    col,
                };
                let (a, b) = (cell.south_west(), cell.north_east());
                let rect = Rect::new((a.lon(), a.lat()), (b.lon(), b.lat()));
                if shape.intersects(&rect) {
                    expected.push(cell);
                }
            }
        }
        assert_eq!(found, expected);
        // The hole is 0.02° × 0.015°: at least one cell lies wholly inside it.
        assert!(expected.len() < (ne.row - sw.row + 1) as usize * (ne.col - sw.col + 1) as usize);
        assert!(!found.iter().any(|cell| {
            let c = cell.centre();
            let hole = Rect::new((139.34 + OFF, 35.33 + OFF), (139.36 + OFF, 35.345 + OFF));
            hole.contains(&geo::Point::new(c.lon(), c.lat()))
                && hole.contains(&Rect::new(
                    (cell.south_west().lon(), cell.south_west().lat()),
                    (cell.north_east().lon(), cell.north_east().lat()),
                ))
        }));
    }

    #[test]
    fn a_shared_cell_goes_to_the_unit_holding_its_centre() {
        // Two fictional units split at lon 139.38, left of the centre of the
        // cell at column 3150 (centre lon 139.38125).
        let west = polygon![(x: 139.37, y: 35.334), (x: 139.38, y: 35.334), (x: 139.38, y: 35.34), (x: 139.37, y: 35.34)];
        let east = polygon![(x: 139.38, y: 35.334), (x: 139.39, y: 35.334), (x: 139.39, y: 35.34), (x: 139.38, y: 35.34)];
        let units = [
            unit("47201", MultiPolygon::new(vec![west])),
            unit("47202", MultiPolygon::new(vec![east])),
        ];
        let cells = land_cells(&units, MeshLevel::Third);
        let shared = cells.iter().find(|c| c.cell.col == 3150).unwrap();
        assert_eq!(units[shared.unit].code.as_str(), "47202");
        let counts = cells.iter().filter(|c| c.cell.col == 3150).count();
        assert_eq!(counts, 1, "each cell is counted once");
    }
}
