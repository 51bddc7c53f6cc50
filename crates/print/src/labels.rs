//! Label placement for numbered markers: every label gets a spot where it
//! overlaps no other label, no marker and no reserved area (legend, scale
//! bar, place names). A label that cannot sit beside its marker is moved
//! outwards, ring by ring, and joined to it by a leader line.
//!
//! Greedy placement with a uniform grid for collision checks: each label tries
//! the eight spots around its marker, then rings further out, and takes the
//! first free one. Crowded markers go first, so they get the spots nearest
//! to them.

use crate::geometry::PtRect;
use std::collections::HashMap;

/// One label to place: a box of `width` × `height` points for a marker at
/// `anchor` (page points) drawn with `marker_radius` points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LabelRequest {
    /// Marker position on the page (points).
    pub anchor: (f32, f32),
    /// Label width, points.
    pub width: f32,
    /// Label height, points.
    pub height: f32,
    /// Half the marker's size, points.
    pub marker_radius: f32,
}

/// Where a label went.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlacedLabel {
    /// The label's box on the page.
    pub rect: PtRect,
    /// True when the label is away from its marker and needs a leader line.
    pub leader: bool,
}

/// Free space kept between a label and anything else, points.
const GAP: f32 = 0.6;

/// Rectangles bucketed by a square grid, for quick "does anything overlap" tests.
struct Grid {
    cell: f32,
    cells: HashMap<(i32, i32), Vec<PtRect>>,
}

impl Grid {
    fn new(cell: f32) -> Self {
        Self {
            cell,
            cells: HashMap::new(),
        }
    }

    #[expect(
        clippy::cast_possible_truncation,
        reason = "page coordinates / cell size are small"
    )]
    fn span(&self, rect: &PtRect) -> (i32, i32, i32, i32) {
        (
            (rect.x0 / self.cell).floor() as i32,
            (rect.y0 / self.cell).floor() as i32,
            (rect.x1 / self.cell).floor() as i32,
            (rect.y1 / self.cell).floor() as i32,
        )
    }

    fn insert(&mut self, rect: PtRect) {
        let (x0, y0, x1, y1) = self.span(&rect);
        for x in x0..=x1 {
            for y in y0..=y1 {
                self.cells.entry((x, y)).or_default().push(rect);
            }
        }
    }

    fn collides(&self, rect: &PtRect) -> bool {
        let (x0, y0, x1, y1) = self.span(rect);
        (x0..=x1).any(|x| {
            (y0..=y1).any(|y| {
                self.cells
                    .get(&(x, y))
                    .is_some_and(|rects| rects.iter().any(|other| other.overlaps(rect)))
            })
        })
    }
}

/// Places one label per request inside `frame`, avoiding `reserved` boxes,
/// every marker and every label already placed. Returns one placement per
/// request, in request order; `None` only when no free spot exists anywhere
/// in the frame.
///
/// ```
/// use renkei_print::geometry::PtRect;
/// use renkei_print::labels::{place_labels, LabelRequest};
/// let frame = PtRect::new(0.0, 0.0, 200.0, 200.0);
/// // Three markers on the same spot: their labels must not overlap.
/// let request = LabelRequest { anchor: (100.0, 100.0), width: 12.0, height: 7.0, marker_radius: 2.5 };
/// let placed = place_labels(frame, &[request; 3], &[]);
/// let rects: Vec<_> = placed.iter().map(|p| p.unwrap().rect).collect();
/// assert!(!rects[0].overlaps(&rects[1]) && !rects[1].overlaps(&rects[2]) && !rects[0].overlaps(&rects[2]));
/// ```
pub fn place_labels(
    frame: PtRect,
    requests: &[LabelRequest],
    reserved: &[PtRect],
) -> Vec<Option<PlacedLabel>> {
    let typical = requests
        .iter()
        .map(|r| r.width.max(r.height))
        .fold(8.0_f32, f32::max);
    let mut grid = Grid::new(typical * 2.0);
    for rect in reserved {
        grid.insert(*rect);
    }
    for request in requests {
        let (x, y) = request.anchor;
        let r = request.marker_radius;
        grid.insert(PtRect::new(x - r, y - r, 2.0 * r, 2.0 * r));
    }
    let mut placed = vec![None; requests.len()];
    // First every label within a short leader's reach, so near spots are not
    // taken by labels from far away; then the rest, as far as it takes.
    let order = crowded_first(requests);
    let frame_rings =
        |request: &LabelRequest| frame.width().max(frame.height()) / request.height.max(4.0);
    for max_rings in [NEAR_RINGS, f32::INFINITY] {
        for &i in &order {
            if placed[i].is_some() {
                continue;
            }
            let request = &requests[i];
            let found = candidates(request, max_rings.min(frame_rings(request)))
                .find(|(rect, _)| frame.contains(rect) && !grid.collides(&rect.inflate(GAP)));
            if let Some((rect, leader)) = found {
                grid.insert(rect);
                placed[i] = Some(PlacedLabel { rect, leader });
            }
        }
    }
    placed
}

/// Rings of candidate spots tried in the first pass: leaders up to about
/// this many label heights long.
const NEAR_RINGS: f32 = 12.0;

/// Request indices, those with the most markers within a few label sizes first.
fn crowded_first(requests: &[LabelRequest]) -> Vec<usize> {
    let reach = requests.iter().map(|r| r.width).fold(8.0_f32, f32::max) * 2.0;
    let mut buckets: HashMap<(i32, i32), usize> = HashMap::new();
    #[expect(
        clippy::cast_possible_truncation,
        reason = "page coordinates / reach are small"
    )]
    let key = |(x, y): (f32, f32)| ((x / reach).floor() as i32, (y / reach).floor() as i32);
    for request in requests {
        *buckets.entry(key(request.anchor)).or_default() += 1;
    }
    let crowding = |request: &LabelRequest| {
        let (cx, cy) = key(request.anchor);
        (-1..=1)
            .flat_map(|dx| (-1..=1).map(move |dy| (cx + dx, cy + dy)))
            .filter_map(|cell| buckets.get(&cell))
            .sum::<usize>()
    };
    let mut order: Vec<usize> = (0..requests.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(crowding(&requests[i])));
    order
}

/// Candidate boxes, nearest first: the eight spots touching the marker, then
/// `max_rings` rings of growing radius, one label height apart.
#[expect(
    clippy::many_single_char_names,
    reason = "x, y, w, h, d: the geometry's usual names"
)]
fn candidates(request: &LabelRequest, max_rings: f32) -> impl Iterator<Item = (PtRect, bool)> + '_ {
    let (x, y) = request.anchor;
    let (w, h) = (request.width, request.height);
    let d = request.marker_radius + GAP + 0.4;
    let adjacent = [
        (x + d, y - h / 2.0),           // right
        (x - d - w, y - h / 2.0),       // left
        (x - w / 2.0, y - d - h),       // above
        (x - w / 2.0, y + d),           // below
        (x + d * 0.7, y - d * 0.7 - h), // upper right
        (x - d * 0.7 - w, y - d * 0.7 - h),
        (x + d * 0.7, y + d * 0.7),
        (x - d * 0.7 - w, y + d * 0.7),
    ]
    .into_iter()
    .map(move |(left, top)| (PtRect::new(left, top, w, h), false));
    let step = h.max(4.0);
    let max_rings = max_rings.ceil();
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "a few hundred rings at most"
    )]
    let rings = (1..=max_rings as u32).flat_map(move |ring| {
        let radius = d + step * ring as f32;
        let count = 8 + 4 * ring;
        (0..count).map(move |k| {
            let angle = std::f32::consts::TAU * k as f32 / count as f32;
            let (dx, dy) = (angle.cos(), angle.sin());
            let reach = radius + w / 2.0 * dx.abs() + h / 2.0 * dy.abs();
            (PtRect::centered(x + dx * reach, y + dy * reach, w, h), true)
        })
    });
    adjacent.chain(rings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dense_cluster_gets_disjoint_labels_with_leaders() {
        let frame = PtRect::new(0.0, 0.0, 400.0, 300.0);
        let requests: Vec<LabelRequest> = (0..60)
            .map(|i| LabelRequest {
                anchor: (200.0 + (i % 6) as f32, 150.0 + (i / 6) as f32),
                width: 14.0,
                height: 7.0,
                marker_radius: 2.5,
            })
            .collect();
        let placed: Vec<PlacedLabel> = place_labels(frame, &requests, &[])
            .into_iter()
            .map(Option::unwrap)
            .collect();
        for (i, a) in placed.iter().enumerate() {
            assert!(frame.contains(&a.rect));
            for b in &placed[i + 1..] {
                assert!(!a.rect.overlaps(&b.rect), "{a:?} {b:?}");
            }
        }
        assert!(placed.iter().any(|p| p.leader));
        assert!(placed.iter().any(|p| !p.leader));
    }

    #[test]
    fn reserved_areas_stay_free() {
        let frame = PtRect::new(0.0, 0.0, 100.0, 100.0);
        let legend = PtRect::new(50.0, 0.0, 50.0, 100.0);
        let request = LabelRequest {
            anchor: (48.0, 50.0),
            width: 10.0,
            height: 6.0,
            marker_radius: 2.0,
        };
        let placed = place_labels(frame, &[request], &[legend])[0].unwrap();
        assert!(!placed.rect.overlaps(&legend));
    }
}
