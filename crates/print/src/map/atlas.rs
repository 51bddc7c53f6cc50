//! The atlas a map becomes when one page is too dense: an overview page (the
//! municipalities or wards with their counts and pages, and the grid sheets
//! of those that need several), then detail pages — for neighbouring
//! municipalities together, one municipality or ward, or a grid sheet of one
//! — each followed by its list, then the facilities without a position.
//!
//! The municipalities are halved, by where they lie, along the area's longer
//! side (measured against the frame) until each group's numbers are legible
//! at its page's scale ([`super::view::legible`]) or it is one municipality;
//! a municipality still too dense has its extent halved the same way, down
//! to [`MAX_SPLITS`] halvings. Rural towns share a page; a city ward may get
//! several.

use super::draw::{name_height, PlaceName};
use super::pages::{page_numbers, Corner, MapContent, Section};
use super::view::{self, Cluster, Focus, View};
use super::{kinds_present, MapEntry, PrintedMap, Setup};
use crate::geometry::PtRect;
use crate::table::{Row, TableKind};
use crate::{PrintError, PrintResult};
use geo::{coord, BoundingRect, Distance, Euclidean, Intersects, Point, Rect};

/// Halvings of a municipality's extent at most: 2⁸ sheets, a few hundred
/// metres across, where only facilities at one spot (which share a marker)
/// could still crowd.
const MAX_SPLITS: usize = 8;

/// One detail page as planned.
struct Planned {
    focus: Focus,
    bounds: Rect<f64>,
    /// The units it shows (one for a grid sheet; none when the area has none).
    units: Vec<usize>,
    name: String,
    members: Vec<usize>,
}

impl Planned {
    fn is_tile(&self) -> bool {
        matches!(self.focus, Focus::Tile { .. })
    }
}

/// A planned page with its view and numbered clusters.
struct Sheet {
    planned: Planned,
    view: View,
    clusters: Vec<Cluster>,
    order: Vec<usize>,
    first: usize,
    reserved: Vec<PtRect>,
}

/// The unit (municipality or ward) each facility lies in, by its position:
/// inside a unit's boundary, else the nearest unit; `None` without a position.
fn units_of(setup: &Setup<'_>) -> Vec<Option<usize>> {
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
fn members_box(setup: &Setup<'_>, members: &[usize]) -> Option<Rect<f64>> {
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
    fn positions(&self, view: &View, members: &[usize]) -> Vec<(usize, (f32, f32))> {
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
    fn detail_reserved(&self, view: &View, units: &[usize]) -> (Vec<PtRect>, Vec<PlaceName>) {
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
    fn plan(&self, units_of: &[Option<usize>]) -> Vec<Planned> {
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

/// The atlas of `setup`.
pub(crate) fn render(setup: &Setup<'_>) -> PrintResult<PrintedMap> {
    let s = setup.s();
    let area = setup.area;
    let no_geometry = || PrintError::NoGeometry {
        area: area.code.clone(),
    };
    let units = units_of(setup);
    let mut unit_counts = vec![0; area.units.len()];
    for unit in units.iter().flatten() {
        unit_counts[*unit] += 1;
    }
    let frame = setup.geometry.frame;
    let mut first = 1;
    let mut sheets = Vec::new();
    for planned in setup.plan(&units) {
        let view =
            View::new(planned.bounds, planned.focus.clone(), frame, s).ok_or_else(no_geometry)?;
        let positions = setup.positions(&view, &planned.members);
        let mut clusters = view::clusters(
            &view,
            &setup.facilities,
            &positions,
            setup.metrics.marker_radius * 0.8,
        );
        let order = view::number(&mut clusters, &setup.facilities, &[], first);
        let (reserved, _) = setup.detail_reserved(&view, &planned.units);
        sheets.push(Sheet {
            planned,
            view,
            clusters,
            order,
            first,
            reserved,
        });
        first += sheets.last().map_or(0, |sheet| sheet.order.len());
    }
    let unplaced: Vec<usize> = (0..setup.facilities.len())
        .filter(|&i| !setup.mappable(setup.facilities[i]))
        .collect();
    let mut no_clusters: Vec<Cluster> = Vec::new();
    let unplaced = view::number(&mut no_clusters, &setup.facilities, &unplaced, first);
    let bounds = area.outline.bounding_rect().ok_or_else(no_geometry)?;
    let overview = View::new(bounds, Focus::Whole, frame, s).ok_or_else(no_geometry)?;

    // Page numbers depend on how long each list is, and the lists print page
    // numbers: lay out until the page counts no longer change.
    let no_names: Vec<Vec<PlaceName>> = vec![Vec::new(); sheets.len()];
    let mut counts: Vec<usize> = Vec::new();
    for _ in 0..4 {
        let starts = page_numbers(&counts);
        let (sections, _) = build(
            setup,
            &sheets,
            &unplaced,
            &overview,
            &starts,
            &no_names,
            &unit_counts,
        );
        let new: Vec<usize> = sections.iter().map(Section::pages).collect();
        if new == counts {
            break;
        }
        counts = new;
    }
    let starts = page_numbers(&counts);
    let mut names: Vec<Vec<PlaceName>> = (0..sheets.len())
        .map(|k| detail_names(setup, &sheets, k, &starts))
        .collect();
    for (sheet, names) in sheets.iter_mut().zip(&mut names) {
        let mut reserved = sheet.reserved.clone();
        reserved.extend(names.iter().map(|n| n.rect));
        let near = view::place_cluster_labels(
            &sheet.view,
            setup.fonts,
            &setup.metrics,
            &mut sheet.clusters,
            &reserved,
            setup.digits,
            Some(super::MAX_LEADER_PT),
        );
        if !near {
            // The pointers to other pages give way to the numbers.
            setup.place_final(&sheet.view, &mut sheet.clusters, &sheet.reserved);
            names.retain(|name| {
                !sheet
                    .clusters
                    .iter()
                    .filter_map(|c| c.label)
                    .any(|label| label.rect.overlaps(&name.rect))
            });
        }
    }
    let (sections, entries) = build(
        setup,
        &sheets,
        &unplaced,
        &overview,
        &starts,
        &names,
        &unit_counts,
    );
    let (pdf, pages) = setup.write(&sections)?;
    let mut map_pages = vec![1];
    map_pages.extend(starts.iter().skip(1).take(sheets.len()));
    Ok(PrintedMap {
        pdf,
        pages,
        entries,
        url: setup.url.clone(),
        map_pages,
        label_size_pt: setup.metrics.label_size,
    })
}

/// 「p.5」 or 「p.5-9」.
fn pages_text(first: usize, last: usize) -> String {
    if first == last {
        format!("p.{first}")
    } else {
        format!("p.{first}-{last}")
    }
}

/// The pages (first, last) of a unit's sheets and their lists.
fn unit_pages(sheets: &[Sheet], starts: &[usize], unit: usize) -> Option<(usize, usize)> {
    let ks: Vec<usize> = (0..sheets.len())
        .filter(|&k| sheets[k].planned.units.contains(&unit))
        .collect();
    let first = starts.get(1 + *ks.first()?).copied()?;
    let last = starts.get(2 + *ks.last()?)?.checked_sub(1)?;
    Some((first, last))
}

/// The names on detail page `k`: its own unit's, the neighbouring units'
/// with their pages, and the pages of the unit's other sheets in view.
fn detail_names(setup: &Setup<'_>, sheets: &[Sheet], k: usize, starts: &[usize]) -> Vec<PlaceName> {
    let s = setup.s();
    let sheet = &sheets[k];
    let view = &sheet.view;
    let (_, own) = setup.detail_reserved(view, &sheet.planned.units);
    let mut taken = sheet.reserved.clone();
    let visible = view.projection.visible(view.frame);
    let neighbours = (0..setup.area.units.len())
        .filter(|u| !sheet.planned.units.contains(u))
        .filter(|&u| {
            setup.area.units[u]
                .geometry
                .bounding_rect()
                .is_some_and(|b| b.intersects(&visible))
        })
        .filter_map(|u| {
            let (first, last) = unit_pages(sheets, starts, u)?;
            Some((
                u,
                vec![format!(
                    "{} {}",
                    setup.area.units[u].name_ja,
                    pages_text(first, last)
                )],
                false,
            ))
        })
        .collect::<Vec<_>>();
    let mut names = setup.unit_names(view, neighbours, &taken);
    taken.extend(names.iter().map(|n| n.rect));
    let size = 7.5 * s;
    for (j, other) in sheets.iter().enumerate() {
        if j == k || other.planned.units != sheet.planned.units || !other.planned.is_tile() {
            continue;
        }
        let rect = super::draw::page_rect(&view.projection, &other.planned.bounds);
        let inner = view.frame.inflate(-2.0);
        let shown = PtRect {
            x0: rect.x0.max(inner.x0),
            y0: rect.y0.max(inner.y0),
            x1: rect.x1.min(inner.x1),
            y1: rect.y1.min(inner.y1),
        };
        let text = format!("p.{}", starts.get(1 + j).copied().unwrap_or(0));
        let width = setup.fonts.width(&text, size) + 2.0;
        let height = name_height(1, size);
        if shown.width() < width || shown.height() < height {
            continue;
        }
        let cx = shown.x0 + shown.width() / 2.0;
        let cy = shown.y0 + shown.height() / 2.0;
        let label = PtRect::centered(cx, cy, width, height);
        if taken.iter().any(|r| r.overlaps(&label)) {
            continue;
        }
        taken.push(label);
        names.push(PlaceName {
            rect: label,
            lines: vec![text],
            size,
            strong: false,
        });
    }
    names.extend(own);
    names
}

/// The overview's names: each unit with its count and pages, and the page of
/// each grid sheet of the units that have several.
fn overview_names(
    setup: &Setup<'_>,
    overview: &View,
    sheets: &[Sheet],
    starts: &[usize],
    unit_counts: &[usize],
) -> Vec<PlaceName> {
    let s = setup.s();
    let mut taken = overview.reserved();
    taken.extend(setup.banner_rect(overview.frame));
    let units = (0..setup.area.units.len()).map(|u| {
        let count = unit_counts.get(u).copied().unwrap_or(0);
        let pages = unit_pages(sheets, starts, u).map_or_else(String::new, |(first, last)| {
            format!(" {}", pages_text(first, last))
        });
        (
            u,
            vec![
                setup.area.units[u].name_ja.clone(),
                format!("{count}件{pages}"),
            ],
            true,
        )
    });
    let mut names = setup.unit_names(overview, units, &taken);
    taken.extend(names.iter().map(|n| n.rect));
    let size = 6.5 * s;
    for (k, sheet) in sheets.iter().enumerate() {
        if !sheet.planned.is_tile() {
            continue;
        }
        let rect = super::draw::page_rect(&overview.projection, &sheet.planned.bounds);
        let text = format!("p.{}", starts.get(1 + k).copied().unwrap_or(0));
        let label = PtRect::centered(
            rect.x0 + rect.width() / 2.0,
            rect.y0 + rect.height() / 2.0,
            setup.fonts.width(&text, size) + 2.0,
            name_height(1, size),
        );
        if overview.frame.contains(&label) && !taken.iter().any(|r| r.overlaps(&label)) {
            taken.push(label);
            names.push(PlaceName {
                rect: label,
                lines: vec![text],
                size,
                strong: false,
            });
        }
    }
    names
}

/// The sections of the atlas with pages starting at `starts` (overview,
/// sheets, then the facilities without a position), and every entry.
fn build(
    setup: &Setup<'_>,
    sheets: &[Sheet],
    unplaced: &[usize],
    overview: &View,
    starts: &[usize],
    names: &[Vec<PlaceName>],
    unit_counts: &[usize],
) -> (Vec<Section>, Vec<MapEntry>) {
    let page = |section: usize| starts.get(section).copied().unwrap_or(0);
    let mut entries: Vec<MapEntry> = Vec::with_capacity(setup.facilities.len());
    for (k, sheet) in sheets.iter().enumerate() {
        entries.extend(setup.entries(
            &sheet.order,
            sheet.first,
            &sheet.clusters,
            &sheet.view,
            page(1 + k),
        ));
    }
    let first_unplaced = entries.len() + 1;
    entries.extend(setup.entries(unplaced, first_unplaced, &[], overview, 0));
    let total = sheets.len();
    let sheet_rows: Vec<Row> = sheets
        .iter()
        .enumerate()
        .map(|(k, sheet)| Row::Entry {
            number: format!("p.{}", page(1 + k)),
            marker: None,
            cells: vec![
                sheet.planned.name.clone(),
                format!("{}件", sheet.order.len()),
                format!(
                    "{}-{}",
                    sheet.first,
                    sheet.first + sheet.order.len().saturating_sub(1)
                ),
            ],
        })
        .collect();
    let mut sections = vec![Section::Map(Box::new(
        setup.map_section(MapContent {
            title: setup.title.clone(),
            subtitle: format!("{}｜全体図と詳細図 {total} 枚", setup.subtitle),
            heading: format!("{} 詳細図の一覧（続き）", setup.title),
            view: overview.clone(),
            clusters: Vec::new(),
            names: overview_names(setup, overview, sheets, starts, unit_counts),
            sheets: sheets
                .iter()
                .filter(|sheet| sheet.planned.is_tile())
                .map(|sheet| sheet.planned.bounds)
                .collect(),
            kinds: kinds_present(setup.facilities.iter().copied()),
            corner: Corner::Qr,
            rows: sheet_rows,
            table: TableKind::Sheets,
        }),
    ))];
    for (k, sheet) in sheets.iter().enumerate() {
        let last = sheet.first + sheet.order.len().saturating_sub(1);
        let tiles: Vec<Rect<f64>> = sheets
            .iter()
            .filter(|other| other.planned.units == sheet.planned.units && other.planned.is_tile())
            .map(|other| other.planned.bounds)
            .collect();
        sections.push(Section::Map(Box::new(setup.map_section(MapContent {
            title: format!("{} {}", sheet.planned.name, setup.title),
            subtitle: format!(
                "詳細図 {}/{total}｜番号 {}-{last}（{} 件）｜全体図 p.1｜{} {}（{}）",
                k + 1,
                sheet.first,
                sheet.order.len(),
                setup.area.prefecture_ja,
                setup.area.name_ja,
                setup.area.code,
            ),
            heading: format!("{} 施設一覧（続き）", sheet.planned.name),
            view: sheet.view.clone(),
            clusters: sheet.clusters.clone(),
            names: names[k].clone(),
            sheets: tiles,
            kinds: kinds_present(sheet.order.iter().map(|&i| setup.facilities[i])),
            corner: Corner::Locator(sheet.planned.bounds),
            rows: setup.index_rows(&sheet.order, &entries, true),
            table: TableKind::Index,
        }))));
    }
    if !unplaced.is_empty() {
        sections.push(Section::List(setup.list_section(
            format!("位置が分からない施設（地図に表示なし）｜{}", setup.title),
            setup.index_rows(unplaced, &entries, true),
        )));
    }
    (sections, entries)
}
