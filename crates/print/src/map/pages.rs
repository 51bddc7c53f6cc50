//! Pages of a map document: a map section (a map page with its header, side
//! panel and the start of its table, then the table's following pages), a
//! list section (a table alone), the one-page map, and writing the sections
//! as one PDF.

use super::draw::{draw_view, name_height, page_rect, rings_path, PlaceName, Scene, OUTLINE};
use super::layout::{title_size, Panel};
use super::legend::Legend;
use super::view::{self, Cluster, Focus, View};
use super::{kinds_present, MapEntry, PrintedMap, Setup, MAX_LEADER_PT};
use crate::canvas::{Align, Canvas, Rgb};
use crate::coverage::CoverageLegend;
use crate::document::{DocumentBuilder, PageLinks};
use crate::geometry::{Projection, PtRect};
use crate::links::draw_qr;
use crate::page::{capability_summary, draw_footer, public_phone};
use crate::style::kind_style;
use crate::table::{self, Placement, Row, TableKind, TableStyle};
use crate::typeset::paper_text;
use crate::{PrintError, PrintResult};
use geo::{BoundingRect, InteriorPoint};
use renkei_core::KindCode;
use std::collections::HashMap;

/// What the square in a map page's side panel shows.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Corner {
    /// The QR code to the web client (the first page).
    Qr,
    /// The whole area with this page's part marked (detail pages).
    Locator(geo::Rect<f64>),
}

/// A map page and its table.
pub(crate) struct MapSection {
    pub title: String,
    pub subtitle: String,
    /// Heading of the table's following pages.
    pub heading: String,
    pub view: View,
    pub clusters: Vec<Cluster>,
    pub names: Vec<PlaceName>,
    /// Sheet boundaries to outline, lon/lat.
    pub sheets: Vec<geo::Rect<f64>>,
    pub kinds: Vec<(KindCode, usize)>,
    pub corner: Corner,
    pub rows: Vec<Row>,
    pub table: TableStyle,
    pub panel: Panel,
    pub placements: Vec<Placement>,
    pub pages: usize,
}

/// A table alone.
pub(crate) struct ListSection {
    pub heading: String,
    pub rows: Vec<Row>,
    pub placements: Vec<Placement>,
    pub pages: usize,
}

/// One part of a map document.
pub(crate) enum Section {
    Map(Box<MapSection>),
    List(ListSection),
}

impl Section {
    pub(crate) fn pages(&self) -> usize {
        match self {
            Self::Map(map) => map.pages,
            Self::List(list) => list.pages,
        }
    }
}

/// The fields of a [`MapSection`] its caller chooses.
pub(crate) struct MapContent {
    pub title: String,
    pub subtitle: String,
    pub heading: String,
    pub view: View,
    pub clusters: Vec<Cluster>,
    pub names: Vec<PlaceName>,
    pub sheets: Vec<geo::Rect<f64>>,
    pub kinds: Vec<(KindCode, usize)>,
    pub corner: Corner,
    pub rows: Vec<Row>,
    pub table: TableKind,
}

impl Setup<'_> {
    /// The panel of a map page with `kinds` in its legend.
    fn panel(&self, kinds: &[(KindCode, usize)], corner: bool) -> Panel {
        let s = self.s();
        let legend = Legend::new(self.fonts, kinds, s);
        let coverage = self
            .coverage
            .map(|layer| move |width: f32| CoverageLegend::new(self.fonts, layer, width, s).height);
        self.geometry.panel(
            (legend.width, legend.height),
            coverage.as_ref().map(|f| f as &dyn Fn(f32) -> f32),
            corner,
            s,
        )
    }

    /// Lays out a map section: its panel and how its table flows.
    pub(crate) fn map_section(&self, content: MapContent) -> MapSection {
        let panel = self.panel(&content.kinds, true);
        let style = TableStyle {
            size: self.metrics.table.size,
            kind: content.table,
        };
        let columns = self.geometry.columns();
        let s = self.s();
        let placements = table::flow(self.fonts, style, &content.rows, |slot| {
            if slot == 0 {
                panel.table
            } else {
                self.geometry.continuation_column((slot - 1) % columns, s)
            }
        });
        let pages = 1 + placements
            .iter()
            .map(|p| {
                if p.slot == 0 {
                    0
                } else {
                    (p.slot - 1) / columns + 1
                }
            })
            .max()
            .unwrap_or(0);
        MapSection {
            title: content.title,
            subtitle: content.subtitle,
            heading: content.heading,
            view: content.view,
            clusters: content.clusters,
            names: content.names,
            sheets: content.sheets,
            kinds: content.kinds,
            corner: content.corner,
            rows: content.rows,
            table: style,
            panel,
            placements,
            pages,
        }
    }

    /// Lays out a table alone.
    pub(crate) fn list_section(&self, heading: String, rows: Vec<Row>) -> ListSection {
        let columns = self.geometry.columns();
        let s = self.s();
        let placements = table::flow(self.fonts, self.metrics.table, &rows, |slot| {
            self.geometry.continuation_column(slot % columns, s)
        });
        let pages = placements
            .iter()
            .map(|p| p.slot / columns + 1)
            .max()
            .unwrap_or(0);
        ListSection {
            heading,
            rows,
            placements,
            pages,
        }
    }

    /// The banner's box inside `frame`, below the grid letters.
    pub(crate) fn banner_rect(&self, frame: PtRect) -> Option<PtRect> {
        let s = self.s();
        let text = self.banner.as_ref()?;
        let width = frame.width() - 50.0 * s;
        let height =
            crate::canvas::paragraph_height(self.fonts, text, width - 8.0 * s, 8.0 * s, 1.3, 3)
                + 6.0 * s;
        Some(PtRect::new(
            frame.x0 + 14.0 * s,
            frame.y0 + 10.0 * s,
            width,
            height,
        ))
    }

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
        let near = view::place_cluster_labels(
            view,
            self.fonts,
            &self.metrics,
            clusters,
            reserved,
            self.digits,
            Some(MAX_LEADER_PT),
        );
        if !near {
            view::place_cluster_labels(
                view,
                self.fonts,
                &self.metrics,
                clusters,
                reserved,
                self.digits,
                None,
            );
        }
    }

    /// Writes `sections` as one PDF; returns it and its page count.
    pub(crate) fn write(&self, sections: &[Section]) -> PrintResult<(Vec<u8>, usize)> {
        let total: usize = sections.iter().map(Section::pages).sum();
        let mut document = DocumentBuilder::new(&self.title);
        let mut number = 0;
        for section in sections {
            for page_in_section in 0..section.pages() {
                number += 1;
                let label = format!("{number} / {total}");
                let mut links = PageLinks::default();
                if let Section::Map(map) = section {
                    if page_in_section == 0 && matches!(map.corner, Corner::Qr) {
                        if let Some(rect) = map.panel.corner {
                            links.add(rect, &self.url);
                        }
                    }
                }
                document.page(self.geometry.size, self.fonts, &links, |canvas| {
                    match section {
                        Section::Map(map) => self.draw_map_section(canvas, map, page_in_section)?,
                        Section::List(list) => self.draw_list_page(canvas, list, page_in_section),
                    }
                    draw_footer(
                        canvas,
                        self.geometry.size,
                        self.metrics.margin,
                        &self.credits,
                        &label,
                    );
                    Ok(())
                })?;
            }
        }
        Ok((document.finish()?, total))
    }

    fn draw_heading(&self, canvas: &mut Canvas<'_, '_>, title: &str, subtitle: &str) {
        let s = self.s();
        let content = self.geometry.content;
        let fitted = (content.width() / self.fonts.width(title, 1.0)).min(title_size(s));
        let size = fitted.max(9.0 * s);
        canvas.text(
            content.x0,
            content.y0 + title_size(s),
            size,
            Rgb::ACCENT,
            Align::Left,
            true,
            title,
        );
        canvas.text(
            content.x0,
            content.y0 + title_size(s) * 1.25 + 8.0 * s * 1.1,
            8.0 * s,
            Rgb::MUTED,
            Align::Left,
            false,
            subtitle,
        );
    }

    fn draw_map_section(
        &self,
        canvas: &mut Canvas<'_, '_>,
        map: &MapSection,
        page: usize,
    ) -> PrintResult<()> {
        let s = self.s();
        let columns = self.geometry.columns();
        if page == 0 {
            self.draw_heading(canvas, &map.title, &map.subtitle);
            let scene = Scene {
                area: self.area,
                coverage: self.coverage,
                names: &map.names,
                sheets: &map.sheets,
            };
            draw_view(
                canvas,
                &scene,
                &map.view,
                &map.clusters,
                self.metrics.marker_radius,
                self.metrics.label_size,
                s,
            );
            self.draw_banner(canvas, map.view.frame);
            Legend::draw(canvas, map.panel.legend, &map.kinds, self.area.level, s);
            if let (Some(layer), Some(rect)) = (self.coverage, map.panel.coverage) {
                CoverageLegend::new(self.fonts, layer, rect.width(), s)
                    .draw(canvas, rect, layer, s);
            }
            self.draw_corner(canvas, map)?;
        } else {
            self.draw_continuation_heading(canvas, &map.heading);
        }
        for placement in &map.placements {
            let on_page = if placement.slot == 0 {
                0
            } else {
                (placement.slot - 1) / columns + 1
            };
            if on_page == page {
                let rect = if placement.slot == 0 {
                    map.panel.table
                } else {
                    self.geometry
                        .continuation_column((placement.slot - 1) % columns, s)
                };
                table::draw(canvas, map.table, rect, &map.rows[placement.rows.clone()]);
            }
        }
        Ok(())
    }

    fn draw_list_page(&self, canvas: &mut Canvas<'_, '_>, list: &ListSection, page: usize) {
        let s = self.s();
        let columns = self.geometry.columns();
        self.draw_continuation_heading(canvas, &list.heading);
        for placement in list.placements.iter().filter(|p| p.slot / columns == page) {
            let rect = self
                .geometry
                .continuation_column(placement.slot % columns, s);
            table::draw(
                canvas,
                self.metrics.table,
                rect,
                &list.rows[placement.rows.clone()],
            );
        }
    }

    fn draw_continuation_heading(&self, canvas: &mut Canvas<'_, '_>, heading: &str) {
        let s = self.s();
        let content = self.geometry.content;
        canvas.text(
            content.x0,
            content.y0 + 9.0 * s,
            9.0 * s,
            Rgb::ACCENT,
            Align::Left,
            true,
            heading,
        );
    }

    fn draw_banner(&self, canvas: &mut Canvas<'_, '_>, frame: PtRect) {
        let (Some(text), Some(rect)) = (&self.banner, self.banner_rect(frame)) else {
            return;
        };
        let s = self.s();
        canvas.fill_rect(rect, Rgb(0xff, 0xf3, 0xe0));
        canvas.stroke_rect(rect, Rgb::CAUTION, 1.2 * s);
        canvas.paragraph(
            rect.x0 + 4.0 * s,
            rect.y0 + 3.0 * s,
            rect.width() - 8.0 * s,
            8.0 * s,
            1.3,
            Rgb::INK,
            true,
            3,
            text,
        );
    }

    fn draw_corner(&self, canvas: &mut Canvas<'_, '_>, map: &MapSection) -> PrintResult<()> {
        let s = self.s();
        let (Some(square), Some(caption)) = (map.panel.corner, map.panel.caption) else {
            return Ok(());
        };
        let (heading, detail) = match map.corner {
            Corner::Qr => {
                draw_qr(canvas, &self.url, square.x0, square.y0, square.width())?;
                ("スマートフォンで最新の情報を見る", self.url.clone())
            }
            Corner::Locator(bounds) => {
                self.draw_locator(canvas, square, &bounds)?;
                (
                    "全体図での位置",
                    "濃い枠がこのページの範囲です。全体図は1ページにあります。".to_owned(),
                )
            }
        };
        let used = canvas.paragraph(
            caption.x0,
            caption.y0,
            caption.width(),
            8.0 * s,
            1.35,
            Rgb::INK,
            true,
            2,
            heading,
        );
        canvas.paragraph(
            caption.x0,
            caption.y0 + used + 2.0,
            caption.width(),
            6.0 * s,
            1.3,
            Rgb::MUTED,
            false,
            4,
            &detail,
        );
        Ok(())
    }

    fn draw_locator(
        &self,
        canvas: &mut Canvas<'_, '_>,
        square: PtRect,
        bounds: &geo::Rect<f64>,
    ) -> PrintResult<()> {
        let projection = Projection::fit(&self.area.outline, square, 3.0).ok_or_else(|| {
            PrintError::NoGeometry {
                area: self.area.code.clone(),
            }
        })?;
        canvas.fill_rect(square, Rgb(0xee, 0xf3, 0xf7));
        canvas.push_clip(square);
        canvas.fill(rings_path(&self.area.outline, &projection, &[]), Rgb::WHITE);
        for unit in &self.area.units {
            canvas.stroke(
                rings_path(&unit.geometry, &projection, &[]),
                Rgb(0xbd, 0xbd, 0xbd),
                0.3,
                None,
            );
        }
        canvas.stroke(
            rings_path(&self.area.outline, &projection, &[]),
            OUTLINE,
            0.6,
            None,
        );
        let here = page_rect(&projection, bounds);
        let here = PtRect {
            x1: here.x1.max(here.x0 + 2.0),
            y1: here.y1.max(here.y0 + 2.0),
            ..here
        };
        canvas.fill_with_opacity(crate::canvas::rect_path(here), Rgb::ACCENT, 0.25);
        canvas.stroke_rect(here, Rgb::ACCENT, 1.2);
        canvas.pop();
        canvas.stroke_rect(square, Rgb::RULE, 0.5);
        Ok(())
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

/// The first page of each section of `pages` pages, for 「p.5」
/// references, and last the page after the document's end.
pub(crate) fn page_numbers(pages: &[usize]) -> Vec<usize> {
    let mut next = 1;
    let mut starts: Vec<usize> = pages
        .iter()
        .map(|count| {
            let page = next;
            next += count;
            page
        })
        .collect();
    starts.push(next);
    starts
}
