//! The atlas a map becomes when one page is too dense: an overview page (the
//! municipalities or wards with their counts and pages, and the grid sheets
//! of those that need several), then detail pages ([`super::plan`]) — for
//! neighbouring municipalities together, one municipality or ward, or a grid
//! sheet of one — each followed by its list, then the facilities without a
//! position.

use super::draw::{name_height, PlaceName};
use super::plan::{members_box, units_of, Planned};
use super::sections::{page_numbers, Corner, MapContent, Section};
use super::view::{self, Cluster, Focus, View};
use super::{kinds_present, MapEntry, PrintedMap, Setup};
use crate::geometry::PtRect;
use crate::table::{Row, TableKind};
use crate::{PrintError, PrintResult};
use geo::{BoundingRect, Intersects, Rect};

/// A planned page with its view and numbered clusters.
struct Sheet {
    planned: Planned,
    view: View,
    clusters: Vec<Cluster>,
    order: Vec<usize>,
    first: usize,
    reserved: Vec<PtRect>,
}

/// The detail pages of `setup` with their views, numbered clusters and
/// reserved boxes; returns them and the next number.
fn sheets(setup: &Setup<'_>, units: &[Option<usize>]) -> PrintResult<(Vec<Sheet>, usize)> {
    let no_geometry = || PrintError::NoGeometry {
        area: setup.area.code.clone(),
    };
    let mut first = 1;
    let mut sheets = Vec::new();
    for planned in setup.plan(units) {
        let view = View::new(
            planned.bounds,
            planned.focus.clone(),
            setup.geometry.frame,
            setup.s(),
        )
        .ok_or_else(no_geometry)?;
        let positions = setup.positions(&view, &planned.members);
        let mut clusters = view::clusters(
            &view,
            &setup.facilities,
            &positions,
            setup.metrics.marker_radius * 0.8,
        );
        let order = view::number(&mut clusters, &setup.facilities, &[], first);
        let (reserved, _) = setup.detail_reserved(&view, &planned.units);
        let next = first + order.len();
        sheets.push(Sheet {
            planned,
            view,
            clusters,
            order,
            first,
            reserved,
        });
        first = next;
    }
    Ok((sheets, first))
}

/// Places the labels of every sheet around its names (pointers to other
/// pages give way to numbers that find no other place); returns the names.
fn place_labels(setup: &Setup<'_>, sheets: &mut [Sheet], starts: &[usize]) -> Vec<Vec<PlaceName>> {
    let mut names: Vec<Vec<PlaceName>> = (0..sheets.len())
        .map(|k| detail_names(setup, sheets, k, starts))
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
            None,
            Some(super::MAX_LEADER_PT),
        );
        if !near {
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
    names
}

/// An atlas being laid out.
struct Atlas {
    sheets: Vec<Sheet>,
    /// Facilities listed without a marker, in number order.
    unplaced: Vec<usize>,
    overview: View,
    /// Facilities on the map per unit.
    unit_counts: Vec<usize>,
}

/// The atlas of `setup`.
pub(crate) fn render(setup: &Setup<'_>) -> PrintResult<PrintedMap> {
    let area = setup.area;
    let no_geometry = || PrintError::NoGeometry {
        area: area.code.clone(),
    };
    let units = units_of(setup);
    let mut unit_counts = vec![0; area.units.len()];
    for unit in units.iter().flatten() {
        unit_counts[*unit] += 1;
    }
    let (sheets, first) = sheets(setup, &units)?;
    let unplaced: Vec<usize> = (0..setup.facilities.len())
        .filter(|&i| !setup.mappable(setup.facilities[i]))
        .collect();
    let unplaced = view::number(&mut [], &setup.facilities, &unplaced, first);
    let bounds = area.outline.bounding_rect().ok_or_else(no_geometry)?;
    let overview =
        View::new(bounds, Focus::Whole, setup.geometry.frame, setup.s()).ok_or_else(no_geometry)?;
    let mut atlas = Atlas {
        sheets,
        unplaced,
        overview,
        unit_counts,
    };
    // Page numbers depend on how long each list is, and the lists print page
    // numbers: lay out until the page counts no longer change.
    let no_names: Vec<Vec<PlaceName>> = vec![Vec::new(); atlas.sheets.len()];
    let mut counts: Vec<usize> = Vec::new();
    for _ in 0..4 {
        let (sections, _) = atlas.build(setup, &page_numbers(&counts), &no_names);
        let new: Vec<usize> = sections.iter().map(Section::pages).collect();
        if new == counts {
            break;
        }
        counts = new;
    }
    let starts = page_numbers(&counts);
    let names = place_labels(setup, &mut atlas.sheets, &starts);
    let (sections, entries) = atlas.build(setup, &starts, &names);
    let (pdf, pages) = setup.write(&sections)?;
    let mut map_pages = vec![1];
    map_pages.extend(starts.iter().skip(1).take(atlas.sheets.len()));
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
    for (j, other) in sheets.iter().enumerate() {
        if j == k || other.planned.units != sheet.planned.units || !other.planned.is_tile() {
            continue;
        }
        let page = starts.get(1 + j).copied().unwrap_or(0);
        let target = members_box(setup, &other.planned.members).unwrap_or(other.planned.bounds);
        if let Some(name) = page_pointer(setup, view, &target, page, 7.5 * s, &taken) {
            taken.push(name.rect);
            names.push(name);
        }
    }
    names.extend(own);
    names
}

/// 「p.N」 for a sheet on page `page`, centred on the part of `target` (its
/// facilities' extent, lon/lat) that `view` shows, when there is one and the
/// pointer overlaps no `taken` box.
fn page_pointer(
    setup: &Setup<'_>,
    view: &View,
    target: &Rect<f64>,
    page: usize,
    size: f32,
    taken: &[PtRect],
) -> Option<PlaceName> {
    let rect = super::draw::page_rect(&view.projection, target);
    let inner = view.frame.inflate(-2.0);
    let shown = PtRect {
        x0: rect.x0.max(inner.x0),
        y0: rect.y0.max(inner.y0),
        x1: rect.x1.min(inner.x1),
        y1: rect.y1.min(inner.y1),
    };
    if shown.x0 > shown.x1 || shown.y0 > shown.y1 {
        return None;
    }
    let text = format!("p.{page}");
    let (width, height) = (setup.fonts.width(&text, size) + 2.0, name_height(1, size));
    let cx = (shown.x0 + shown.width() / 2.0).clamp(inner.x0 + width / 2.0, inner.x1 - width / 2.0);
    let cy =
        (shown.y0 + shown.height() / 2.0).clamp(inner.y0 + height / 2.0, inner.y1 - height / 2.0);
    let label = PtRect::centered(cx, cy, width, height);
    (!taken.iter().any(|r| r.overlaps(&label))).then(|| PlaceName {
        rect: label,
        lines: vec![text],
        size,
        strong: false,
    })
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
    for (k, sheet) in sheets.iter().enumerate() {
        if !sheet.planned.is_tile() {
            continue;
        }
        let page = starts.get(1 + k).copied().unwrap_or(0);
        let target = members_box(setup, &sheet.planned.members).unwrap_or(sheet.planned.bounds);
        if let Some(name) = page_pointer(setup, overview, &target, page, 6.5 * s, &taken) {
            taken.push(name.rect);
            names.push(name);
        }
    }
    names
}

impl Atlas {
    /// The sections of the atlas with pages starting at `starts` (overview,
    /// sheets, then the facilities without a position), and every entry.
    fn build(
        &self,
        setup: &Setup<'_>,
        starts: &[usize],
        names: &[Vec<PlaceName>],
    ) -> (Vec<Section>, Vec<MapEntry>) {
        let (sheets, unplaced, overview, unit_counts) = (
            &self.sheets,
            &self.unplaced,
            &self.overview,
            &self.unit_counts,
        );
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
                    .map(|sheet| (sheet.planned.bounds, sheet.planned.units.first().copied()))
                    .collect(),
                kinds: kinds_present(setup.facilities.iter().copied()),
                corner: Corner::Qr,
                rows: sheet_rows,
                table: TableKind::Sheets,
            }),
        ))];
        for (k, sheet) in sheets.iter().enumerate() {
            let last = sheet.first + sheet.order.len().saturating_sub(1);
            let tiles: Vec<(Rect<f64>, Option<usize>)> = sheets
                .iter()
                .filter(|other| {
                    other.planned.units == sheet.planned.units && other.planned.is_tile()
                })
                .map(|other| (other.planned.bounds, other.planned.units.first().copied()))
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
}
