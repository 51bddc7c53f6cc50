//! One map view: a part of the area fitted to the page's frame (the whole
//! area, a municipality or ward, or a grid sheet of one) with its grid
//! references, and its facilities as numbered markers. Markers that would
//! cover each other at the view's scale share one marker and one label
//! (「12-15」), since no scale separates facilities in one building or placed
//! at one 町丁目 point.

use super::layout::Metrics;
use super::legend::Decorations;
use super::MAX_LEADER_PT;
use crate::fonts::Fonts;
use crate::geometry::{Projection, PtRect};
use crate::labels::{place_labels, place_labels_within, LabelRequest, PlacedLabel};
use crate::page::mm;
use geo::Rect;
use renkei_core::{Facility, KindCode, LonLat, PublicFacility};
use std::collections::HashMap;

/// Which part of the area a view is about; the rest of its frame is shown
/// greyed, for orientation.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Focus {
    /// The whole area.
    Whole,
    /// Municipalities or wards (indices into the area's units), neighbours.
    Units(Vec<usize>),
    /// A grid sheet: the part of a unit (or of the whole area) inside `bounds`
    /// (lon/lat degrees).
    Tile {
        unit: Option<usize>,
        bounds: Rect<f64>,
    },
}

/// Grid references over a frame: columns A, B, C … from the left, rows 1, 2,
/// 3 … from the top, about 3 cm (A4) apart.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Grid {
    frame: PtRect,
    columns: usize,
    rows: usize,
    tab: f32,
}

impl Grid {
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "a frame holds a few grid cells"
    )]
    fn new(frame: PtRect, s: f32) -> Self {
        let target = mm(30.0) * s;
        let count = |length: f32| ((length / target).round() as usize).clamp(1, 26);
        Self {
            frame,
            columns: count(frame.width()),
            rows: count(frame.height()),
            tab: 7.0 * s,
        }
    }

    fn cell_width(&self) -> f32 {
        self.frame.width() / self.columns as f32
    }

    fn cell_height(&self) -> f32 {
        self.frame.height() / self.rows as f32
    }

    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "clamped to the grid"
    )]
    fn cell(&self, x: f32, y: f32) -> (usize, usize) {
        let column = ((x - self.frame.x0) / self.cell_width()).floor().max(0.0) as usize;
        let row = ((y - self.frame.y0) / self.cell_height()).floor().max(0.0) as usize;
        (column.min(self.columns - 1), row.min(self.rows - 1))
    }

    /// The reference of the cell holding page point (`x`, `y`), e.g. `C3`.
    pub(crate) fn reference(&self, x: f32, y: f32) -> String {
        let (column, row) = self.cell(x, y);
        format!("{}{}", column_letter(column), row + 1)
    }

    /// Vertical and horizontal lines between cells.
    pub(crate) fn lines(&self) -> Vec<((f32, f32), (f32, f32))> {
        let f = self.frame;
        let vertical = (1..self.columns).map(|c| {
            let x = f.x0 + c as f32 * self.cell_width();
            ((x, f.y0), (x, f.y1))
        });
        let horizontal = (1..self.rows).map(|r| {
            let y = f.y0 + r as f32 * self.cell_height();
            ((f.x0, y), (f.x1, y))
        });
        vertical.chain(horizontal).collect()
    }

    /// The column letters along the top edge and the row numbers along the
    /// left edge, each in a small tab inside the frame.
    pub(crate) fn tabs(&self) -> Vec<(PtRect, String)> {
        let f = self.frame;
        let t = self.tab;
        let top = (0..self.columns).map(|c| {
            let cx = f.x0 + (c as f32 + 0.5) * self.cell_width();
            (
                PtRect::new(cx - t * 0.6, f.y0, t * 1.2, t),
                column_letter(c).to_string(),
            )
        });
        let left = (0..self.rows).map(|r| {
            let cy = f.y0 + (r as f32 + 0.5) * self.cell_height();
            (
                PtRect::new(f.x0, cy - t * 0.6, t * 1.4, t * 1.2),
                (r + 1).to_string(),
            )
        });
        top.chain(left).collect()
    }
}

fn column_letter(column: usize) -> char {
    u8::try_from(column).map_or('?', |c| char::from(b'A' + c.min(25)))
}

/// A map view.
#[derive(Debug, Clone)]
pub(crate) struct View {
    pub focus: Focus,
    pub projection: Projection,
    pub frame: PtRect,
    pub grid: Grid,
    pub decorations: Decorations,
}

impl View {
    /// The view of `bounds` (lon/lat degrees) in `frame`.
    pub(crate) fn new(bounds: Rect<f64>, focus: Focus, frame: PtRect, s: f32) -> Option<Self> {
        let south_west = LonLat::new(bounds.min().x, bounds.min().y).ok()?;
        let north_east = LonLat::new(bounds.max().x, bounds.max().y).ok()?;
        let projection = Projection::fit_bounds(south_west, north_east, frame, 14.0 * s);
        Some(Self {
            focus,
            projection,
            frame,
            grid: Grid::new(frame, s),
            decorations: Decorations::layout(&projection, frame, s),
        })
    }

    /// Boxes labels must keep free: north arrow, scale bar, grid tabs.
    pub(crate) fn reserved(&self) -> Vec<PtRect> {
        let mut reserved = vec![self.decorations.north, self.decorations.scale];
        reserved.extend(self.grid.tabs().into_iter().map(|(rect, _)| rect));
        reserved
    }

    /// Where `facility` goes on the page, when it has a position inside the frame.
    pub(crate) fn place_of(&self, facility: &Facility, inset: f32) -> Option<(f32, f32)> {
        facility
            .location
            .position
            .map(|p| self.projection.project(p))
            .filter(|&(x, y)| self.frame.inflate(-inset).contains_point(x, y))
    }
}

/// Facilities sharing one marker and one label.
#[derive(Debug, Clone)]
pub(crate) struct Cluster {
    /// Marker position (points): the first member's.
    pub anchor: (f32, f32),
    /// Facility indices; in number order once numbered.
    pub members: Vec<usize>,
    /// Their kinds, each once, in taxonomy order.
    pub kinds: Vec<KindCode>,
    /// The label's place.
    pub label: Option<PlacedLabel>,
    /// The label's text, e.g. `12-15・40` (empty until numbered).
    pub text: String,
}

impl Cluster {
    /// Half the width of the cluster's marker: one marker per kind, side by side.
    pub(crate) fn half_width(&self, radius: f32) -> f32 {
        let shown = self.kinds.len().clamp(1, MAX_KINDS_SHOWN);
        radius * (1.0 + MARKER_STEP * (shown - 1) as f32 / 2.0)
    }
}

/// Kinds drawn side by side in one cluster marker at most.
pub(crate) const MAX_KINDS_SHOWN: usize = 4;

/// Centre distance of the markers in a cluster, in marker radii.
pub(crate) const MARKER_STEP: f32 = 1.9;

/// Groups `members` (indices into `facilities`, each with a page position)
/// whose markers would lie within `tolerance` points of a group's first
/// marker; groups in reading order of the grid (row, column, then top to
/// bottom, left to right).
pub(crate) fn clusters(
    view: &View,
    facilities: &[&PublicFacility],
    members: &[(usize, (f32, f32))],
    tolerance: f32,
) -> Vec<Cluster> {
    #[expect(
        clippy::cast_possible_truncation,
        reason = "page points / tolerance are small"
    )]
    let key = |(x, y): (f32, f32)| {
        (
            (x / tolerance).floor() as i32,
            (y / tolerance).floor() as i32,
        )
    };
    let mut buckets: HashMap<(i32, i32), Vec<usize>> = HashMap::new();
    let mut found: Vec<Cluster> = Vec::new();
    for &(index, (x, y)) in members {
        let (kx, ky) = key((x, y));
        let near = (-1..=1)
            .flat_map(|dx| (-1..=1).map(move |dy| (kx + dx, ky + dy)))
            .filter_map(|cell| buckets.get(&cell))
            .flatten()
            .copied()
            .find(|&c| {
                let (ax, ay) = found[c].anchor;
                (ax - x).hypot(ay - y) <= tolerance
            });
        if let Some(c) = near {
            found[c].members.push(index);
        } else {
            buckets.entry((kx, ky)).or_default().push(found.len());
            found.push(Cluster {
                anchor: (x, y),
                members: vec![index],
                kinds: Vec::new(),
                label: None,
                text: String::new(),
            });
        }
    }
    for cluster in &mut found {
        let mut kinds: Vec<KindCode> = cluster
            .members
            .iter()
            .map(|&i| facilities[i].kind.clone())
            .collect();
        kinds.sort_by_key(KindCode::rank);
        kinds.dedup();
        cluster.kinds = kinds;
    }
    found.sort_by(|a, b| {
        let cell = |c: &Cluster| {
            let (column, row) = view.grid.cell(c.anchor.0, c.anchor.1);
            (row, column)
        };
        cell(a)
            .cmp(&cell(b))
            .then(a.anchor.1.total_cmp(&b.anchor.1))
            .then(a.anchor.0.total_cmp(&b.anchor.0))
    });
    found
}

/// Numbers the facilities of `clusters` and `unplaced` (facilities listed
/// without a marker) from `first`: by kind, then cluster (reading order;
/// unplaced last), then name, so that each cluster's numbers of one kind
/// follow each other and its label stays short. Sets each cluster's members
/// (in number order) and label text; returns the facility indices in number
/// order.
pub(crate) fn number(
    clusters: &mut [Cluster],
    facilities: &[&PublicFacility],
    unplaced: &[usize],
    first: usize,
) -> Vec<usize> {
    let mut order: Vec<(usize, usize)> = clusters
        .iter()
        .enumerate()
        .flat_map(|(c, cluster)| cluster.members.iter().map(move |&i| (c, i)))
        .chain(unplaced.iter().map(|&i| (usize::MAX, i)))
        .collect();
    order.sort_by(|&(ca, a), &(cb, b)| {
        let (fa, fb) = (facilities[a], facilities[b]);
        (fa.kind.rank(), ca, &fa.name, fa.id).cmp(&(fb.kind.rank(), cb, &fb.name, fb.id))
    });
    let order: Vec<usize> = order.into_iter().map(|(_, i)| i).collect();
    let numbers: HashMap<usize, usize> = order
        .iter()
        .enumerate()
        .map(|(n, &i)| (i, first + n))
        .collect();
    for cluster in clusters.iter_mut() {
        cluster.members.sort_by_key(|i| numbers[i]);
        let numbered: Vec<usize> = cluster.members.iter().map(|i| numbers[i]).collect();
        cluster.text = label_text(&numbered);
    }
    order
}

/// Numbers as runs: `[12, 13, 14, 40]` → `12-14・40`.
pub(crate) fn label_text(numbers: &[usize]) -> String {
    let mut sorted = numbers.to_vec();
    sorted.sort_unstable();
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for n in sorted {
        match runs.last_mut() {
            Some((_, end)) if *end + 1 == n => *end = n,
            _ => runs.push((n, n)),
        }
    }
    runs.iter()
        .map(|&(start, end)| {
            if start == end {
                start.to_string()
            } else {
                format!("{start}-{end}")
            }
        })
        .collect::<Vec<_>>()
        .join("・")
}

/// `text` with every number written with `digits` zeros: the widest the
/// label can be once the view's numbers are offset by the pages before it.
fn widest_form(text: &str, digits: usize) -> String {
    let mut out = String::new();
    let mut in_number = false;
    for c in text.chars() {
        if c.is_ascii_digit() {
            if !in_number {
                out.extend(std::iter::repeat_n('0', digits));
            }
            in_number = true;
        } else {
            out.push(c);
            in_number = false;
        }
    }
    out
}

/// Places the label of every cluster (its `text` set): as printed, or, with
/// `digits`, as wide as its numbers could be with that many digits (while a
/// page's numbers are not known yet); with `within`, only within that many
/// points of the marker. Returns whether every cluster got its label.
pub(crate) fn place_cluster_labels(
    view: &View,
    fonts: &Fonts,
    metrics: &Metrics,
    clusters: &mut [Cluster],
    reserved: &[PtRect],
    digits: Option<usize>,
    within: Option<f32>,
) -> bool {
    let requests: Vec<LabelRequest> = clusters
        .iter()
        .map(|cluster| LabelRequest {
            anchor: cluster.anchor,
            width: digits.map_or_else(
                || fonts.width(&cluster.text, metrics.label_size),
                |digits| fonts.width(&widest_form(&cluster.text, digits), metrics.label_size),
            ) + 1.6,
            height: metrics.label_height(),
            marker_radius: cluster.half_width(metrics.marker_radius),
        })
        .collect();
    let frame = view.frame.inflate(-1.0);
    let placed = match within {
        Some(reach) => place_labels_within(frame, &requests, reserved, reach),
        None => place_labels(frame, &requests, reserved),
    };
    let mut all = true;
    for (cluster, placement) in clusters.iter_mut().zip(placed) {
        all &= placement.is_some();
        cluster.label = placement;
    }
    all
}

/// Whether `members` (facility indices with page positions) are legible in
/// `view`: every group's label, at the minimum type size or larger, finds a
/// place within [`MAX_LEADER_PT`] of its marker.
pub(crate) fn legible(
    view: &View,
    fonts: &Fonts,
    metrics: &Metrics,
    facilities: &[&PublicFacility],
    members: &[(usize, (f32, f32))],
    reserved: &[PtRect],
    digits: usize,
) -> bool {
    let mut groups = clusters(view, facilities, members, metrics.marker_radius * 0.8);
    number(&mut groups, facilities, &[], 1);
    place_cluster_labels(
        view,
        fonts,
        metrics,
        &mut groups,
        reserved,
        Some(digits),
        Some(MAX_LEADER_PT),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_of_numbers_read_as_ranges() {
        assert_eq!(label_text(&[14, 12, 13, 40]), "12-14・40");
        assert_eq!(label_text(&[7]), "7");
        assert_eq!(widest_form("12-14・40", 4), "0000-0000・0000");
    }

    #[test]
    fn grid_references_read_left_to_right_and_top_down() {
        let grid = Grid::new(PtRect::new(0.0, 0.0, 340.0, 255.0), 1.0);
        assert_eq!((grid.columns, grid.rows), (4, 3));
        assert_eq!(grid.reference(1.0, 1.0), "A1");
        assert_eq!(grid.reference(339.0, 254.0), "D3");
        assert_eq!(grid.reference(170.0, 100.0), "C2");
    }
}
