//! What goes on map pages: place names, entries and index rows, the final
//! placement of numbers, and the one-page map.

use super::draw::{name_height, PlaceName};
use super::sections::{Corner, MapContent, Section};
use super::view::{self, Cluster, Focus, View};
use super::{kinds_present, MapEntry, PrintedMap, Setup, MAX_LEADER_PT};
use crate::geometry::PtRect;
use crate::page::{capability_summary, public_phone};
use crate::style::kind_style;
use crate::table::{Row, TableKind};
use crate::typeset::paper_text;
use crate::{PrintError, PrintResult};
use geo::{BoundingRect, InteriorPoint};
use renkei_core::KindCode;
use std::collections::HashMap;

impl Setup<'_> {
    /// Unit names at their interior points (or nudged, still inside the
    /// unit, or a size smaller), as many as fit without overlap; a point
    /// outside the frame is pulled to its edge, pointing the way.
    pub(crate) fn unit_names(
        &self,
        view: &View,
        units: impl IntoIterator<Item = (usize, Vec<String>, bool)>,
        taken: &[PtRect],
    ) -> Vec<PlaceName> {
        let s = self.s();
        let mut names: Vec<PlaceName> = Vec::new();
        for (unit, lines, strong) in units {
            let geometry = &self.area.units[unit].geometry;
            let Some(point) = geometry
                .iter()
                .max_by(|a, b| {
                    let area = |p: &geo::Polygon<f64>| geo::Area::unsigned_area(p);
                    area(a).total_cmp(&area(b))
                })
                .and_then(InteriorPoint::interior_point)
            else {
                continue;
            };
            let (x, y) = view.projection.project_lon_lat(point.x(), point.y());
            let inner = view.frame.inflate(-12.0 * s);
            let inside_frame = inner.contains_point(x, y);
            let (x, y) = (x.clamp(inner.x0, inner.x1), y.clamp(inner.y0, inner.y1));
            let base = if strong { 9.5 * s } else { 8.5 * s };
            let fits = |rect: &PtRect| {
                view.frame.contains(rect)
                    && !taken.iter().any(|r| r.overlaps(rect))
                    && !names.iter().any(|n| n.rect.overlaps(rect))
            };
            // Smaller, then the name alone (its pages are in the list).
            let tries = [
                (base, lines.len()),
                (base * 0.82, lines.len()),
                (base * 0.82, 1),
            ];
            let found = tries.into_iter().find_map(|(size, shown)| {
                let width = lines[..shown]
                    .iter()
                    .map(|line| self.fonts.width(line, size))
                    .fold(0.0_f32, f32::max)
                    + 2.0;
                let height = name_height(shown, size);
                let (dx, dy) = (width * 0.6, height * 0.75);
                let offsets = [
                    (0.0, 0.0),
                    (0.0, -dy),
                    (0.0, dy),
                    (-dx, 0.0),
                    (dx, 0.0),
                    (-dx, -dy),
                    (dx, -dy),
                    (-dx, dy),
                    (dx, dy),
                    (0.0, -2.0 * dy),
                    (0.0, 2.0 * dy),
                ];
                offsets.into_iter().find_map(|(ox, oy)| {
                    let rect = PtRect::centered(x + ox, y + oy, width, height);
                    let (lon, lat) = view.projection.unproject(x + ox, y + oy);
                    let in_unit = !inside_frame
                        || (ox == 0.0 && oy == 0.0)
                        || geo::Intersects::intersects(geometry, &geo::Point::new(lon, lat));
                    (in_unit && fits(&rect)).then_some((rect, size, shown))
                })
            });
            if let Some((rect, size, shown)) = found {
                names.push(PlaceName {
                    rect,
                    lines: lines.into_iter().take(shown).collect(),
                    size,
                    strong,
                });
            }
        }
        names
    }

    /// The index rows of `order` (facility indices in number order), grouped
    /// by kind; `entries` are the document's, indexed by number − 1.
    pub(crate) fn index_rows(
        &self,
        order: &[usize],
        entries: &[MapEntry],
        atlas: bool,
    ) -> Vec<Row> {
        let counts = kinds_present(order.iter().map(|&i| self.facilities[i]));
        let mut rows = Vec::with_capacity(order.len() + 12);
        let mut previous: Option<&KindCode> = None;
        for &i in order {
            let facility = self.facilities[i];
            let entry = entries
                .iter()
                .find(|e| e.facility == facility.id)
                .expect("every facility has an entry");
            let (shape, color) = kind_style(&facility.kind);
            if previous != Some(&facility.kind) {
                rows.push(Row::Group {
                    title: format!(
                        "{}（{}件）",
                        facility.kind.term().ja,
                        counts
                            .iter()
                            .find(|(kind, _)| *kind == facility.kind)
                            .map_or(0, |(_, n)| *n)
                    ),
                    shape,
                    color,
                });
                previous = Some(&facility.kind);
            }
            let name = if entry.marker.is_none() {
                format!("{}（地図に表示なし）", facility.name)
            } else {
                facility.name.clone()
            };
            let reference = match (&entry.page, &entry.grid) {
                (Some(page), Some(grid)) if atlas => format!("p.{page} {grid}"),
                (_, Some(grid)) => grid.clone(),
                _ => "—".to_owned(),
            };
            rows.push(Row::Entry {
                number: entry.number.to_string(),
                marker: Some((shape, color)),
                cells: vec![
                    name,
                    facility.location.address.clone(),
                    public_phone(facility).unwrap_or("—").to_owned(),
                    capability_summary(facility),
                    reference,
                ],
            });
        }
        rows
    }

    /// Entries for `order` numbered from `first`, placed by `clusters` of
    /// `view` on map page `page`.
    pub(crate) fn entries(
        &self,
        order: &[usize],
        first: usize,
        clusters: &[Cluster],
        view: &View,
        page: usize,
    ) -> Vec<MapEntry> {
        let placed: HashMap<usize, &Cluster> = clusters
            .iter()
            .flat_map(|c| c.members.iter().map(move |&i| (i, c)))
            .collect();
        order
            .iter()
            .enumerate()
            .map(|(n, &i)| {
                let cluster = placed.get(&i);
                let marker = cluster.map(|c| c.anchor);
                MapEntry {
                    number: first + n,
                    facility: self.facilities[i].id,
                    name: paper_text(&self.facilities[i].name).into_owned(),
                    marker,
                    label: cluster.and_then(|c| c.label).map(|l| l.rect),
                    page: marker.map(|_| page),
                    grid: marker.map(|(x, y)| view.grid.reference(x, y)),
                }
            })
            .collect()
    }

    /// Places the labels of `clusters` for drawing: within reach of their
    /// markers avoiding `reserved`, or, failing that, as far as it takes.
    pub(crate) fn place_final(&self, view: &View, clusters: &mut [Cluster], reserved: &[PtRect]) {
        for within in [Some(MAX_LEADER_PT), None] {
            let all = view::place_cluster_labels(
                view,
                self.fonts,
                &self.metrics,
                clusters,
                reserved,
                None,
                within,
            );
            if all {
                break;
            }
        }
    }
}

/// The map on one page, when every number fits legibly (or whatever the
/// density, when `forced`); `None` when the map needs an atlas.
pub(crate) fn single_page(setup: &Setup<'_>, forced: bool) -> PrintResult<Option<PrintedMap>> {
    let s = setup.s();
    let area = setup.area;
    let no_geometry = || PrintError::NoGeometry {
        area: area.code.clone(),
    };
    let bounds = area.outline.bounding_rect().ok_or_else(no_geometry)?;
    let view = View::new(bounds, Focus::Whole, setup.geometry.frame, s).ok_or_else(no_geometry)?;
    let mut reserved = view.reserved();
    reserved.extend(setup.banner_rect(view.frame));
    let names = setup.unit_names(
        &view,
        (0..area.units.len()).map(|u| (u, vec![area.units[u].name_ja.clone()], false)),
        &reserved,
    );
    reserved.extend(names.iter().map(|n| n.rect));
    let r = setup.metrics.marker_radius;
    let positioned: Vec<(usize, (f32, f32))> = setup
        .facilities
        .iter()
        .enumerate()
        .filter(|(_, f)| setup.mappable(f))
        .filter_map(|(i, f)| view.place_of(f, r).map(|p| (i, p)))
        .collect();
    if !forced
        && !view::legible(
            &view,
            setup.fonts,
            &setup.metrics,
            &setup.facilities,
            &positioned,
            &reserved,
            setup.digits,
        )
    {
        return Ok(None);
    }
    let mut clusters = view::clusters(&view, &setup.facilities, &positioned, r * 0.8);
    let unplaced: Vec<usize> = (0..setup.facilities.len())
        .filter(|i| !positioned.iter().any(|(p, _)| p == i))
        .collect();
    let order = view::number(&mut clusters, &setup.facilities, &unplaced, 1);
    setup.place_final(&view, &mut clusters, &reserved);
    let entries = setup.entries(&order, 1, &clusters, &view, 1);
    let rows = setup.index_rows(&order, &entries, false);
    let section = setup.map_section(MapContent {
        title: setup.title.clone(),
        subtitle: setup.subtitle.clone(),
        heading: format!("{} 施設一覧（続き）", setup.title),
        view,
        clusters,
        names,
        sheets: Vec::new(),
        kinds: kinds_present(setup.facilities.iter().copied()),
        corner: Corner::Qr,
        rows,
        table: TableKind::Index,
    });
    let (pdf, pages) = setup.write(&[Section::Map(Box::new(section))])?;
    Ok(Some(PrintedMap {
        pdf,
        pages,
        entries,
        url: setup.url.clone(),
        map_pages: vec![1],
        label_size_pt: setup.metrics.label_size,
    }))
}
