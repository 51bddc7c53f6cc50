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

/// Rectangles bucketed by a square grid over the frame, for quick "does
/// anything overlap" tests. Rectangles beyond the frame go to its edge cells
/// (clamping keeps overlapping rectangles in a shared cell).
struct Grid {
    origin: (f32, f32),
    cell: f32,
    columns: usize,
    rows: usize,
    cells: Vec<Vec<PtRect>>,
}

impl Grid {
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "a page holds a few thousand cells"
    )]
    fn new(frame: PtRect, cell: f32) -> Self {
        let columns = (frame.width() / cell).ceil().max(1.0) as usize;
        let rows = (frame.height() / cell).ceil().max(1.0) as usize;
        Self {
            origin: (frame.x0, frame.y0),
            cell,
            columns,
            rows,
            cells: vec![Vec::new(); columns * rows],
        }
    }

    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "clamped to the grid first"
    )]
    fn index(&self, value: f32, origin: f32, count: usize) -> usize {
        ((value - origin) / self.cell)
            .floor()
            .clamp(0.0, (count - 1) as f32) as usize
    }

    fn span(&self, rect: &PtRect) -> (usize, usize, usize, usize) {
        (
            self.index(rect.x0, self.origin.0, self.columns),
            self.index(rect.y0, self.origin.1, self.rows),
            self.index(rect.x1, self.origin.0, self.columns),
            self.index(rect.y1, self.origin.1, self.rows),
        )
    }

    fn insert(&mut self, rect: PtRect) {
        let (x0, y0, x1, y1) = self.span(&rect);
        for y in y0..=y1 {
            for x in x0..=x1 {
                self.cells[y * self.columns + x].push(rect);
            }
        }
    }

    fn collides(&self, rect: &PtRect) -> bool {
        let (x0, y0, x1, y1) = self.span(rect);
        (y0..=y1).any(|y| {
            (x0..=x1).any(|x| {
                self.cells[y * self.columns + x]
                    .iter()
                    .any(|other| other.overlaps(rect))
            })
        })
    }
}

/// Unit direction vectors of each ring's candidate spots (ring `k` has
/// `8 + 4k`), computed once per placement run.
struct Directions(Vec<Vec<(f32, f32)>>);

impl Directions {
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "a few hundred rings at most"
    )]
    fn new(rings: f32) -> Self {
        let rings = rings.ceil().max(0.0) as u32;
        Self(
            (0..=rings)
                .map(|ring| {
                    let count = 8 + 4 * ring;
                    (0..count)
                        .map(|k| {
                            let angle = std::f32::consts::TAU * k as f32 / count as f32;
                            (angle.cos(), angle.sin())
                        })
                        .collect()
                })
                .collect(),
        )
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
    place(frame, requests, reserved, |_| NEAR_RINGS, true)
}

/// Like [`place_labels`], but a label goes no further than `reach` points
/// (about, from its marker's edge to the label's near side) and is `None`
/// when no free spot is that near: the test of whether a map is legible at
/// its scale, where a far label with a long leader would not be.
pub fn place_labels_within(
    frame: PtRect,
    requests: &[LabelRequest],
    reserved: &[PtRect],
    reach: f32,
) -> Vec<Option<PlacedLabel>> {
    place(
        frame,
        requests,
        reserved,
        |request| (reach / request.height.max(4.0)).floor(),
        false,
    )
}

/// Greedy placement: a first pass with `first_rings(request)` rings for every
/// label, then (when `unlimited`) the rest as far as it takes.
fn place(
    frame: PtRect,
    requests: &[LabelRequest],
    reserved: &[PtRect],
    first_rings: impl Fn(&LabelRequest) -> f32,
    unlimited: bool,
) -> Vec<Option<PlacedLabel>> {
    let typical = requests
        .iter()
        .map(|r| r.width.max(r.height))
        .fold(8.0_f32, f32::max);
    let mut grid = Grid::new(frame, typical);
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
    let smallest = requests
        .iter()
        .map(|r| r.height)
        .fold(f32::INFINITY, f32::min);
    let directions = Directions::new(frame.width().max(frame.height()) / smallest.max(4.0));
    let passes: &[bool] = if unlimited { &[false, true] } else { &[false] };
    for &far in passes {
        for &i in &order {
            if placed[i].is_some() {
                continue;
            }
            let request = &requests[i];
            let rings = if far {
                f32::INFINITY
            } else {
                first_rings(request)
            };
            let found = candidates(request, rings.min(frame_rings(request)), &directions)
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
fn candidates<'a>(
    request: &'a LabelRequest,
    max_rings: f32,
    directions: &'a Directions,
) -> impl Iterator<Item = (PtRect, bool)> + 'a {
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
        directions.0[ring as usize].iter().map(move |&(dx, dy)| {
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
