//! Planning an atlas's detail pages.
//!
//! The municipalities are halved, by where they lie, along the area's longer
//! side (measured against the frame) until each group's numbers are legible
//! at its page's scale ([`super::view::legible`]) or it is one municipality;
//! a municipality still too dense has its extent halved the same way, down
//! to [`MAX_SPLITS`] halvings. Rural towns share a page; a city ward may get
//! several.

use super::draw::PlaceName;
use super::view::{self, Focus, View};
use super::Setup;
use crate::geometry::PtRect;
use geo::{coord, BoundingRect, Distance, Euclidean, Intersects, Point, Rect};

/// Halvings of a municipality's extent at most: 2⁸ sheets, a few hundred
/// metres across, where only facilities at one spot (which share a marker)
/// could still crowd.
const MAX_SPLITS: usize = 8;

/// One detail page as planned.
pub(super) struct Planned {
    pub focus: Focus,
    pub bounds: Rect<f64>,
    /// The units it shows (one for a grid sheet; none when the area has none).
    pub units: Vec<usize>,
    pub name: String,
    pub members: Vec<usize>,
}

impl Planned {
    pub(super) fn is_tile(&self) -> bool {
        matches!(self.focus, Focus::Tile { .. })
    }
}

/// The unit (municipality or ward) each facility lies in, by its position:
/// inside a unit's boundary, else the nearest unit; `None` without a position.
pub(super) fn units_of(setup: &Setup<'_>) -> Vec<Option<usize>> {
    let units = &setup.area.units;
    let boxes: Vec<Option<Rect<f64>>> = units.iter().map(|u| u.geometry.bounding_rect()).collect();
    setup
        .facilities
        .iter()
        .map(|facility| {
            let position = facility.location.position?;
            let point = Point::new(position.lon(), position.lat());
            if units.is_empty() || !setup.mappable(facility) {
                return None;
            }
            let inside = (0..units.len()).find(|&u| {
                boxes[u].is_some_and(|b| b.intersects(&point))
                    && units[u].geometry.intersects(&point)
            });
            inside.or_else(|| {
                (0..units.len()).min_by(|&a, &b| {
                    let d = |u: usize| Euclidean.distance(&point, &units[u].geometry);
                    d(a).total_cmp(&d(b))
                })
            })
        })
        .collect()
}

/// The lon/lat box of `members`' positions.
pub(super) fn members_box(setup: &Setup<'_>, members: &[usize]) -> Option<Rect<f64>> {
    let points: Vec<geo::Coord<f64>> = members
        .iter()
        .filter_map(|&i| setup.facilities[i].location.position)
        .map(|p| coord! { x: p.lon(), y: p.lat() })
        .collect();
    geo::MultiPoint::from(points).bounding_rect()
}

fn union(a: Rect<f64>, b: Rect<f64>) -> Rect<f64> {
    Rect::new(
        coord! { x: a.min().x.min(b.min().x), y: a.min().y.min(b.min().y) },
        coord! { x: a.max().x.max(b.max().x), y: a.max().y.max(b.max().y) },
    )
}

impl Setup<'_> {
    /// Positions of `members` in `view`.
    pub(super) fn positions(&self, view: &View, members: &[usize]) -> Vec<(usize, (f32, f32))> {
        members
            .iter()
            .filter_map(|&i| {
                let p = self.facilities[i].location.position?;
                Some((i, view.projection.project(p)))
            })
            .collect()
    }

    /// Boxes a detail view keeps free of labels: decorations, the banner and
    /// the names of its own units.
    pub(super) fn detail_reserved(
        &self,
        view: &View,
        units: &[usize],
    ) -> (Vec<PtRect>, Vec<PlaceName>) {
        let mut reserved = view.reserved();
        reserved.extend(self.banner_rect(view.frame));
        let own = if matches!(view.focus, Focus::Units(_)) {
            self.unit_names(
                view,
                units
                    .iter()
                    .map(|&u| (u, vec![self.area.units[u].name_ja.clone()], true)),
                &reserved,
            )
        } else {
            Vec::new()
        };
        reserved.extend(own.iter().map(|n| n.rect));
        (reserved, own)
    }

    /// Whether `members` are legible in a view of `bounds` about `focus`.
    fn legible_in(
        &self,
        bounds: Rect<f64>,
        focus: Focus,
        units: &[usize],
        members: &[usize],
    ) -> bool {
        let Some(view) = View::new(bounds, focus, self.geometry.frame, self.s()) else {
            return false;
        };
        let (reserved, _) = self.detail_reserved(&view, units);
        let positions = self.positions(&view, members);
        view::legible(
            &view,
            self.fonts,
            &self.metrics,
            &self.facilities,
            &positions,
            &reserved,
            self.digits,
        )
    }

    /// Whether `bounds` are to be halved across (west–east) rather than
    /// down: the longer side for the frame (ground extent per point).
    fn across(&self, bounds: &Rect<f64>) -> bool {
        let frame = self.geometry.frame;
        let cos = bounds.center().y.to_radians().cos();
        bounds.width() * cos / f64::from(frame.width())
            >= bounds.height() / f64::from(frame.height())
    }

    /// Detail pages for `members` of `unit` within `bounds`: one when legible,
    /// else those of each half.
    fn split(
        &self,
        bounds: Rect<f64>,
        unit: Option<usize>,
        members: Vec<usize>,
        depth: usize,
        out: &mut Vec<(Focus, Rect<f64>, Vec<usize>)>,
    ) {
        let units: Vec<usize> = unit.into_iter().collect();
        let focus = match (depth, unit) {
            (0, Some(u)) => Focus::Units(vec![u]),
            (0, None) => Focus::Whole,
            _ => Focus::Tile { unit, bounds },
        };
        if depth >= MAX_SPLITS || self.legible_in(bounds, focus.clone(), &units, &members) {
            out.push((focus, bounds, members));
            return;
        }
        let across = self.across(&bounds);
        let (w, h) = (bounds.width(), bounds.height());
        let (first, second) = if across {
            let mid = bounds.min().x + w / 2.0;
            (
                Rect::new(bounds.min(), coord! { x: mid, y: bounds.max().y }),
                Rect::new(coord! { x: mid, y: bounds.min().y }, bounds.max()),
            )
        } else {
            // North first, for reading order.
            let mid = bounds.min().y + h / 2.0;
            (
                Rect::new(coord! { x: bounds.min().x, y: mid }, bounds.max()),
                Rect::new(bounds.min(), coord! { x: bounds.max().x, y: mid }),
            )
        };
        let (a, b): (Vec<usize>, Vec<usize>) = members.into_iter().partition(|&i| {
            self.facilities[i].location.position.is_some_and(|p| {
                if across {
                    p.lon() < first.max().x
                } else {
                    p.lat() >= first.min().y
                }
            })
        });
        for (half, part) in [(first, a), (second, b)] {
            if !part.is_empty() {
                self.split(half, unit, part, depth + 1, out);
            }
        }
    }

    /// The detail pages of one unit (or of the whole area without units):
    /// one, or its grid sheets.
    fn plan_unit(&self, unit: Option<usize>, members: Vec<usize>, out: &mut Vec<Planned>) {
        let Some(points) = members_box(self, &members) else {
            return;
        };
        let geometry = unit.map_or(&self.area.outline, |u| &self.area.units[u].geometry);
        let bounds = geometry
            .bounding_rect()
            .map_or(points, |b| union(b, points));
        let mut pieces = Vec::new();
        self.split(bounds, unit, members, 0, &mut pieces);
        let count = pieces.len();
        let base = unit.map_or_else(|| "全域".to_owned(), |u| self.area.units[u].name_ja.clone());
        for (k, (focus, bounds, members)) in pieces.into_iter().enumerate() {
            let name = if count == 1 {
                base.clone()
            } else {
                format!("{base}（{}/{count}）", k + 1)
            };
            out.push(Planned {
                focus,
                bounds,
                units: unit.into_iter().collect(),
                name,
                members,
            });
        }
    }

    /// The detail pages of a `group` of units: one page for all when legible
    /// (not tried when `known_illegible`), else those of each half of the
    /// group, split by where the units lie.
    fn plan_group(
        &self,
        group: Vec<usize>,
        units_of: &[Option<usize>],
        known_illegible: bool,
        out: &mut Vec<Planned>,
    ) {
        let members: Vec<usize> = (0..self.facilities.len())
            .filter(|&i| units_of[i].is_some_and(|u| group.contains(&u)))
            .collect();
        if members.is_empty() {
            return;
        }
        if let [unit] = group[..] {
            self.plan_unit(Some(unit), members, out);
            return;
        }
        let boxes: Vec<Rect<f64>> = group
            .iter()
            .filter_map(|&u| self.area.units[u].geometry.bounding_rect())
            .collect();
        let Some(bounds) = boxes
            .iter()
            .copied()
            .chain(members_box(self, &members))
            .reduce(union)
        else {
            return;
        };
        if !known_illegible
            && self.legible_in(bounds, Focus::Units(group.clone()), &group, &members)
        {
            out.push(Planned {
                focus: Focus::Units(group.clone()),
                bounds,
                name: self.group_name(&group),
                units: group,
                members,
            });
            return;
        }
        let across = self.across(&bounds);
        let centre = |u: usize| {
            self.area.units[u]
                .geometry
                .bounding_rect()
                .map_or((0.0, 0.0), |b| (b.center().x, b.center().y))
        };
        let mut sorted = group;
        // West first, or north first: reading order.
        sorted.sort_by(|&a, &b| {
            let ((ax, ay), (bx, by)) = (centre(a), centre(b));
            if across {
                ax.total_cmp(&bx)
            } else {
                by.total_cmp(&ay)
            }
        });
        let second = sorted.split_off(sorted.len() / 2);
        self.plan_group(sorted, units_of, false, out);
        self.plan_group(second, units_of, false, out);
    }

    /// 「中井町・大井町・松田町」, or 「中井町・大井町ほか3」 for more.
    fn group_name(&self, group: &[usize]) -> String {
        let mut units = group.to_vec();
        units.sort_unstable();
        let names: Vec<&str> = units
            .iter()
            .map(|&u| self.area.units[u].name_ja.as_str())
            .collect();
        if names.len() <= 3 {
            names.join("・")
        } else {
            format!("{}ほか{}", names[..2].join("・"), names.len() - 2)
        }
    }

    /// The detail pages.
    pub(super) fn plan(&self, units_of: &[Option<usize>]) -> Vec<Planned> {
        let mut planned = Vec::new();
        if self.area.units.is_empty() {
            let members = (0..self.facilities.len())
                .filter(|&i| self.mappable(self.facilities[i]))
                .collect();
            self.plan_unit(None, members, &mut planned);
        } else {
            // The whole area was found illegible on one page already.
            self.plan_group(
                (0..self.area.units.len()).collect(),
                units_of,
                true,
                &mut planned,
            );
        }
        planned
    }
}
