//! The regional resource map (地域資源マップ): a 二次医療圏 or municipality on
//! A4 or A3 with boundaries, numbered markers shaped and coloured by kind,
//! legend, scale bar, north arrow, QR code, sources, and the index table that
//! continues on the following pages.

use crate::canvas::{polygon_path, Align, Canvas, Rgb};
use crate::coverage::{draw_cells, CoverageLayer, CoverageLegend};
use crate::document::{DocumentBuilder, PageLinks};
use crate::fonts::Fonts;
use crate::geometry::{Projection, PtRect};
use crate::labels::{place_labels, LabelRequest};
use crate::links::{draw_qr, WebClient};
use crate::page::{
    capability_summary, content_area, data_date, draw_footer, footer_top, page_size, public_phone,
    source_credits, Orientation, Paper, BOUNDARY_CREDIT, CAPABILITY_NOTE,
};
use crate::style::{draw_marker, kind_style};
use crate::table::{self, Row, TableStyle};
use crate::{PrintError, PrintResult};
use chrono::NaiveDate;
use geo::{InteriorPoint, MultiPolygon};
use krilla::geom::PathBuilder;
use renkei_core::{FacilityId, KindCode, PublicFacility};

/// What kind of area a map shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AreaLevel {
    /// A 二次医療圏 (secondary medical region).
    SecondaryMedicalRegion,
    /// A municipality, a designated city or a ward.
    Municipality,
}

impl AreaLevel {
    fn label(self) -> &'static str {
        match self {
            Self::SecondaryMedicalRegion => "二次医療圏",
            Self::Municipality => "市区町村",
        }
    }
}

/// One municipality or ward drawn inside the area, with its name.
#[derive(Debug, Clone, PartialEq)]
pub struct MapUnit {
    /// Name printed on the map, e.g. 茅ヶ崎市 or 鶴見区.
    pub name_ja: String,
    /// Boundary, WGS 84 lon/lat degrees.
    pub geometry: MultiPolygon<f64>,
}

/// The area a map shows.
#[derive(Debug, Clone, PartialEq)]
pub struct MapArea {
    /// Region code (4 digits) or municipality code (5 digits).
    pub code: String,
    /// Region or municipality.
    pub level: AreaLevel,
    /// Name, e.g. 湘南東部.
    pub name_ja: String,
    /// Prefecture name, e.g. 神奈川県.
    pub prefecture_ja: String,
    /// Outer boundary, WGS 84 lon/lat degrees.
    pub outline: MultiPolygon<f64>,
    /// Municipalities or wards inside, drawn with their names.
    pub units: Vec<MapUnit>,
}

/// Paper, orientation and where the QR code points.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MapOptions {
    /// Paper size.
    pub paper: Paper,
    /// Orientation.
    pub orientation: Orientation,
    /// The web client the QR code opens.
    pub web: WebClient,
    /// Data date printed on the map; `None`: the latest import of the facilities shown.
    pub data_date: Option<NaiveDate>,
}

/// A numbered facility on a printed map.
#[derive(Debug, Clone, PartialEq)]
pub struct MapEntry {
    /// The number on the map and in the table.
    pub number: usize,
    /// Which facility.
    pub facility: FacilityId,
    /// Its name as printed.
    pub name: String,
    /// Marker position on page 1 (points), `None` when it has no position
    /// or lies outside the map frame.
    pub marker: Option<(f32, f32)>,
    /// The number label's box on page 1 (points).
    pub label: Option<PtRect>,
}

/// A finished map.
#[derive(Debug, Clone)]
pub struct PrintedMap {
    /// The PDF file.
    pub pdf: Vec<u8>,
    /// Number of pages.
    pub pages: usize,
    /// Every facility with its number, in number order.
    pub entries: Vec<MapEntry>,
    /// The web-client address in the QR code.
    pub url: String,
}

/// Sizes that depend on the paper.
struct Metrics {
    scale: f32,
    margin: f32,
    marker_radius: f32,
    label_size: f32,
    table: TableStyle,
}

impl Metrics {
    fn new(paper: Paper) -> Self {
        let scale = paper.type_scale();
        Self {
            scale,
            margin: crate::page::mm(10.0),
            marker_radius: 2.3 * scale,
            label_size: 5.2 * scale,
            table: TableStyle { size: 6.2 * scale },
        }
    }

    /// Shrinks labels and markers (down to 3.4 pt and 1.3 pt) until the
    /// labels of `markers` markers need at most a third of the frame, so a
    /// dense map still gets a number beside every marker.
    fn fitted(mut self, fonts: &Fonts, frame: PtRect, markers: usize, widest: &str) -> Self {
        const SMALLEST_LABEL: f32 = 3.4;
        let budget = frame.width() * frame.height() / 3.0 / markers.max(1) as f32;
        let needs = |size: f32| (fonts.width(widest, size) + 1.6 + 1.2) * (size * 1.08 + 1.2);
        while self.label_size > SMALLEST_LABEL && needs(self.label_size) > budget {
            self.label_size = (self.label_size - 0.2).max(SMALLEST_LABEL);
        }
        self.marker_radius = self.marker_radius.min(self.label_size * 0.45).max(1.3);
        self
    }
}

/// Draws the map of `area` with `facilities` (each gets a number; those
/// without a position are listed but not drawn).
pub fn render_map(
    fonts: &Fonts,
    area: &MapArea,
    facilities: &[&PublicFacility],
    options: &MapOptions,
) -> PrintResult<PrintedMap> {
    render_map_with_coverage(fonts, area, facilities, options, None)
}

/// [`render_map`] with, when `coverage` is given, the coverage layer: land
/// cells filled by distance band under the boundaries and markers, its
/// legend block, and the QR code opening the web client's coverage view.
#[expect(
    clippy::too_many_lines,
    reason = "page layout reads best top to bottom in one place"
)]
pub fn render_map_with_coverage(
    fonts: &Fonts,
    area: &MapArea,
    facilities: &[&PublicFacility],
    options: &MapOptions,
    coverage: Option<&CoverageLayer>,
) -> PrintResult<PrintedMap> {
    let page = page_size(options.paper, options.orientation);
    let metrics = Metrics::new(options.paper);
    let s = metrics.scale;
    let margin = metrics.margin;
    let mut ordered: Vec<&PublicFacility> = facilities.to_vec();
    ordered.sort_by(|a, b| (a.kind.rank(), &a.name, a.id).cmp(&(b.kind.rank(), &b.name, b.id)));
    let date = options
        .data_date
        .or_else(|| data_date(ordered.iter().copied()));
    let url = coverage.map_or_else(
        || options.web.area_view(&area.level, &area.code),
        |layer| layer.url.clone(),
    );

    let mut credits = vec![BOUNDARY_CREDIT.to_owned()];
    credits.extend(source_credits(ordered.iter().copied()));
    credits.push(CAPABILITY_NOTE.to_owned());
    let bottom = footer_top(fonts, page, margin, &credits);
    let content = content_area(page, margin, bottom);

    // Header.
    let title = format!("{} 医療的ケア児 地域資源マップ", area.name_ja);
    let subtitle = format!(
        "{} {} {}（{}）｜掲載 {} 件｜データ基準日 {}｜作成 renkei",
        area.prefecture_ja,
        area.level.label(),
        area.name_ja,
        area.code,
        ordered.len(),
        date.map_or_else(|| "不明".to_owned(), |d| d.format("%Y-%m-%d").to_string()),
    );
    let title_size = 16.0 * s;
    let header_height = title_size * 1.25 + 8.0 * s * 1.6 + 4.0;
    let body = PtRect {
        y0: content.y0 + header_height,
        ..content
    };

    // Map frame and the side panel (legend, QR, start of the table).
    let gap = 8.0 * s;
    let (frame, side) = match options.orientation {
        Orientation::Landscape => {
            let split = body.x0 + body.width() * 0.64;
            (
                PtRect { x1: split, ..body },
                PtRect {
                    x0: split + gap,
                    ..body
                },
            )
        }
        Orientation::Portrait => {
            let split = body.y0 + body.height() * 0.6;
            (
                PtRect { y1: split, ..body },
                PtRect {
                    y0: split + gap,
                    ..body
                },
            )
        }
    };
    let projection =
        Projection::fit(&area.outline, frame, 14.0 * s).ok_or_else(|| PrintError::NoGeometry {
            area: area.code.clone(),
        })?;

    let kinds = kinds_present(&ordered);
    let legend = Legend::new(fonts, &kinds, s);
    let qr_size = 72.0 * s;
    let panel_width = match options.orientation {
        Orientation::Landscape => side.width(),
        Orientation::Portrait => legend.width.max(qr_size + 4.0),
    };
    let legend_rect = PtRect::new(side.x0, side.y0, panel_width, legend.height);
    // The coverage legend goes under the legend in landscape, and in its own
    // column beside the legend in portrait, where the panel is short.
    let coverage_legend = coverage.map(|layer| {
        let width = match options.orientation {
            Orientation::Landscape => panel_width,
            Orientation::Portrait => 150.0 * s,
        };
        let block = CoverageLegend::new(fonts, layer, width, s);
        let rect = match options.orientation {
            Orientation::Landscape => {
                PtRect::new(side.x0, legend_rect.y1 + gap, width, block.height)
            }
            Orientation::Portrait => {
                PtRect::new(legend_rect.x1 + gap, side.y0, width, block.height)
            }
        };
        (layer, block, rect)
    });
    let qr_top = match (&coverage_legend, options.orientation) {
        (Some((_, _, rect)), Orientation::Landscape) => rect.y1 + gap,
        _ => legend_rect.y1 + gap,
    };
    let qr_rect = PtRect::new(side.x0, qr_top, qr_size, qr_size);
    let table_first = match options.orientation {
        Orientation::Landscape => PtRect {
            y0: qr_rect.y1 + gap + 10.0 * s,
            ..side
        },
        Orientation::Portrait => PtRect {
            x0: coverage_legend
                .as_ref()
                .map_or(side.x0 + panel_width, |(_, _, rect)| rect.x1)
                + gap,
            ..side
        },
    };

    // Numbers, markers and labels.
    let mut entries: Vec<MapEntry> = ordered
        .iter()
        .enumerate()
        .map(|(i, facility)| MapEntry {
            number: i + 1,
            facility: facility.id,
            name: facility.name.clone(),
            marker: facility
                .location
                .position
                .map(|p| projection.project(p))
                .filter(|&(x, y)| frame.inflate(-metrics.marker_radius).contains_point(x, y)),
            label: None,
        })
        .collect();
    let markers = entries.iter().filter(|e| e.marker.is_some()).count();
    let metrics = metrics.fitted(fonts, frame, markers, &entries.len().to_string());
    let decorations = Decorations::layout(&projection, frame, s);
    let mut reserved = vec![decorations.north, decorations.scale];
    let names = unit_names(fonts, area, &projection, frame, s);
    reserved.extend(names.iter().map(|(rect, _)| *rect));
    let placed_on_map: Vec<usize> = (0..entries.len())
        .filter(|&i| entries[i].marker.is_some())
        .collect();
    let requests: Vec<LabelRequest> = placed_on_map
        .iter()
        .map(|&i| {
            let text = entries[i].number.to_string();
            LabelRequest {
                anchor: entries[i].marker.unwrap_or_default(),
                width: fonts.width(&text, metrics.label_size) + 1.6,
                height: metrics.label_size * 1.08,
                marker_radius: metrics.marker_radius,
            }
        })
        .collect();
    let placements = place_labels(frame.inflate(-1.0), &requests, &reserved);
    let mut leaders = Vec::new();
    for (&i, placement) in placed_on_map.iter().zip(&placements) {
        if let Some(placement) = placement {
            entries[i].label = Some(placement.rect);
            if placement.leader {
                leaders.push(i);
            }
        }
    }

    // Table rows and their flow through page 1 and the following pages.
    let rows = table_rows(&ordered, &entries);
    let columns = match (options.paper, options.orientation) {
        (Paper::A4, Orientation::Portrait) => 1,
        (Paper::A4, Orientation::Landscape) | (Paper::A3, Orientation::Portrait) => 2,
        (Paper::A3, Orientation::Landscape) => 3,
    };
    let continuation_body = PtRect {
        y0: content.y0 + 9.0 * s * 1.8,
        ..content
    };
    let column_width = (continuation_body.width() - gap * (columns - 1) as f32) / columns as f32;
    let slot_rect = |slot: usize| -> PtRect {
        if slot == 0 {
            table_first
        } else {
            let column = (slot - 1) % columns;
            let x0 = continuation_body.x0 + column as f32 * (column_width + gap);
            PtRect {
                x0,
                x1: x0 + column_width,
                ..continuation_body
            }
        }
    };
    let placements = table::flow(fonts, metrics.table, &rows, slot_rect);
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

    let mut document = DocumentBuilder::new(&title);
    for page_index in 0..pages {
        let page_label = format!("{} / {pages}", page_index + 1);
        let mut links = PageLinks::default();
        if page_index == 0 {
            links.add(qr_rect, &url);
        }
        document.page(page, fonts, &links, |canvas| {
            if page_index == 0 {
                canvas.text(
                    content.x0,
                    content.y0 + title_size,
                    title_size,
                    Rgb::ACCENT,
                    Align::Left,
                    true,
                    &title,
                );
                canvas.text(
                    content.x0,
                    content.y0 + title_size * 1.25 + 8.0 * s * 1.1,
                    8.0 * s,
                    Rgb::MUTED,
                    Align::Left,
                    false,
                    &subtitle,
                );
                draw_map(
                    canvas,
                    area,
                    coverage,
                    &projection,
                    frame,
                    &entries,
                    &ordered,
                    &leaders,
                    &names,
                    &metrics,
                );
                decorations.draw(canvas, s);
                Legend::draw(canvas, legend_rect, &kinds, area.level, s);
                if let Some((layer, block, rect)) = &coverage_legend {
                    block.draw(canvas, *rect, layer, s);
                }
                draw_qr(canvas, &url, qr_rect.x0, qr_rect.y0, qr_size)?;
                let caption_x = qr_rect.x1 + 6.0 * s;
                let caption_w = (side.x1 - caption_x).max(60.0 * s);
                let caption_top = if options.orientation == Orientation::Landscape {
                    qr_rect.y0
                } else {
                    qr_rect.y1 + 3.0
                };
                let caption_x = if options.orientation == Orientation::Landscape {
                    caption_x
                } else {
                    qr_rect.x0
                };
                let caption_w = if options.orientation == Orientation::Landscape {
                    caption_w
                } else {
                    panel_width
                };
                let used = canvas.paragraph(
                    caption_x,
                    caption_top,
                    caption_w,
                    8.0 * s,
                    1.35,
                    Rgb::INK,
                    true,
                    2,
                    "スマートフォンで最新の情報を見る",
                );
                canvas.paragraph(
                    caption_x,
                    caption_top + used + 2.0,
                    caption_w,
                    5.5 * s,
                    1.3,
                    Rgb::MUTED,
                    false,
                    4,
                    &url,
                );
            } else {
                canvas.text(
                    content.x0,
                    content.y0 + 9.0 * s,
                    9.0 * s,
                    Rgb::ACCENT,
                    Align::Left,
                    true,
                    &format!("{title} 施設一覧（続き）"),
                );
            }
            for placement in &placements {
                let on_page = if placement.slot == 0 {
                    0
                } else {
                    (placement.slot - 1) / columns + 1
                };
                if on_page == page_index {
                    table::draw(
                        canvas,
                        metrics.table,
                        slot_rect(placement.slot),
                        &rows[placement.rows.clone()],
                    );
                }
            }
            draw_footer(canvas, page, margin, &credits, &page_label);
            Ok(())
        })?;
    }
    let pdf = document.finish()?;
    Ok(PrintedMap {
        pdf,
        pages,
        entries,
        url,
    })
}

/// Kinds among `facilities` with their counts, in taxonomy order.
fn kinds_present(facilities: &[&PublicFacility]) -> Vec<(KindCode, usize)> {
    let mut kinds: Vec<(KindCode, usize)> = Vec::new();
    for facility in facilities {
        match kinds.iter_mut().find(|(kind, _)| *kind == facility.kind) {
            Some((_, count)) => *count += 1,
            None => kinds.push((facility.kind.clone(), 1)),
        }
    }
    kinds.sort_by_key(|(kind, _)| kind.rank());
    kinds
}

fn table_rows(ordered: &[&PublicFacility], entries: &[MapEntry]) -> Vec<Row> {
    let mut rows = Vec::with_capacity(ordered.len() + 12);
    let kinds = kinds_present(ordered);
    for (facility, entry) in ordered.iter().zip(entries) {
        let (shape, color) = kind_style(&facility.kind);
        if rows.is_empty()
            || !matches!(rows.last(), Some(Row::Entry { .. }))
            || entry.number == 1
            || ordered[entry.number - 2].kind != facility.kind
        {
            let count = kinds
                .iter()
                .find(|(k, _)| *k == facility.kind)
                .map_or(0, |(_, n)| *n);
            rows.push(Row::Group {
                title: format!("{}（{count}件）", facility.kind.term().ja),
                shape,
                color,
            });
        }
        let name = if entry.marker.is_none() {
            format!("{}（地図に表示なし）", facility.name)
        } else {
            facility.name.clone()
        };
        rows.push(Row::Entry {
            number: entry.number.to_string(),
            shape,
            color,
            cells: [
                name,
                facility.location.address.clone(),
                public_phone(facility).unwrap_or("—").to_owned(),
                capability_summary(facility),
            ],
        });
    }
    rows
}

/// Page path of a multipolygon, simplified to what the page can show.
fn area_path(geometry: &MultiPolygon<f64>, projection: &Projection) -> Option<krilla::geom::Path> {
    let simplified = renkei_core::region::simplify(geometry, projection.degrees_per_point() * 0.35);
    let mut builder = PathBuilder::new();
    let mut any = false;
    for polygon in &simplified {
        for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
            let mut points = ring.coords().map(|c| projection.project_lon_lat(c.x, c.y));
            if let Some((x, y)) = points.next() {
                builder.move_to(x, y);
                for (x, y) in points {
                    builder.line_to(x, y);
                }
                builder.close();
                any = true;
            }
        }
    }
    if any {
        builder.finish()
    } else {
        None
    }
}

/// Unit names with the boxes they take, at each unit's interior point.
fn unit_names(
    fonts: &Fonts,
    area: &MapArea,
    projection: &Projection,
    frame: PtRect,
    s: f32,
) -> Vec<(PtRect, String)> {
    let size = 8.5 * s;
    area.units
        .iter()
        .filter_map(|unit| {
            let largest = unit.geometry.iter().max_by(|a, b| {
                let area = |p: &geo::Polygon<f64>| geo::Area::unsigned_area(p);
                area(a).total_cmp(&area(b))
            })?;
            let point = largest.interior_point()?;
            let (x, y) = projection.project_lon_lat(point.x(), point.y());
            let width = fonts.width(&unit.name_ja, size);
            let rect = PtRect::centered(x, y, width + 2.0, size * 1.15);
            frame.contains(&rect).then(|| (rect, unit.name_ja.clone()))
        })
        .collect()
}

#[expect(
    clippy::too_many_arguments,
    reason = "one drawing step needing the whole map layout"
)]
fn draw_map(
    canvas: &mut Canvas<'_, '_>,
    area: &MapArea,
    coverage: Option<&CoverageLayer>,
    projection: &Projection,
    frame: PtRect,
    entries: &[MapEntry],
    ordered: &[&PublicFacility],
    leaders: &[usize],
    names: &[(PtRect, String)],
    metrics: &Metrics,
) {
    canvas.fill_rect(frame, Rgb(0xee, 0xf3, 0xf7));
    canvas.push_clip(frame);
    canvas.fill_and_stroke(
        area_path(&area.outline, projection),
        Rgb(0xfb, 0xfa, 0xf5),
        Rgb(0xfb, 0xfa, 0xf5),
        0.1,
    );
    if let Some(layer) = coverage {
        // Cells on the coast or the border reach past the area: clip them to it.
        if canvas.push_clip_path(area_path(&area.outline, projection)) {
            draw_cells(canvas, layer, projection);
            canvas.pop();
        }
    }
    for unit in &area.units {
        canvas.stroke(
            area_path(&unit.geometry, projection),
            Rgb(0x9e, 0x9e, 0x9e),
            0.5 * metrics.scale,
            Some(&[2.0, 1.2]),
        );
    }
    canvas.stroke(
        area_path(&area.outline, projection),
        Rgb(0x37, 0x47, 0x4f),
        1.3 * metrics.scale,
        None,
    );
    for (rect, name) in names {
        let size = rect.height() / 1.15;
        canvas.text(
            rect.x0 + 1.0,
            rect.y1 - size * 0.25,
            size,
            Rgb(0x75, 0x75, 0x75),
            Align::Left,
            true,
            name,
        );
    }
    for &i in leaders {
        if let (Some((x, y)), Some(label)) = (entries[i].marker, entries[i].label) {
            canvas.line(
                (x, y),
                label.nearest_point(x, y),
                Rgb(0x61, 0x61, 0x61),
                0.35,
            );
        }
    }
    for (entry, facility) in entries.iter().zip(ordered) {
        if let Some((x, y)) = entry.marker {
            let (shape, color) = kind_style(&facility.kind);
            draw_marker(canvas, shape, color, x, y, metrics.marker_radius);
        }
    }
    for (entry, facility) in entries.iter().zip(ordered) {
        if let Some(label) = entry.label {
            let (_, color) = kind_style(&facility.kind);
            canvas.fill_with_opacity(crate::canvas::rect_path(label), Rgb::WHITE, 0.88);
            canvas.stroke(crate::canvas::rect_path(label), color, 0.3, None);
            canvas.text(
                label.x0 + label.width() / 2.0,
                label.y1 - metrics.label_size * 0.2,
                metrics.label_size,
                Rgb::INK,
                Align::Center,
                false,
                &entry.number.to_string(),
            );
        }
    }
    canvas.pop();
    canvas.stroke_rect(frame, Rgb(0x37, 0x47, 0x4f), 0.6);
}

/// North arrow and scale bar, each in a corner of the map frame.
struct Decorations {
    north: PtRect,
    scale: PtRect,
    bar_m: f64,
    bar_pt: f32,
}

impl Decorations {
    fn layout(projection: &Projection, frame: PtRect, s: f32) -> Self {
        let north = PtRect::new(frame.x1 - 26.0 * s, frame.y0 + 4.0 * s, 22.0 * s, 30.0 * s);
        // A round length near a fifth of the frame's width.
        let target_m = f64::from(frame.width() * 0.2) * projection.metres_per_point();
        let magnitude = 10f64.powf(target_m.log10().floor());
        let bar_m = [5.0, 2.0, 1.0]
            .into_iter()
            .map(|step| step * magnitude)
            .find(|&length| length <= target_m)
            .unwrap_or(magnitude);
        #[expect(clippy::cast_possible_truncation, reason = "a bar length in points")]
        let bar_pt = (bar_m / projection.metres_per_point()) as f32;
        let scale = PtRect::new(
            frame.x0 + 4.0 * s,
            frame.y1 - 20.0 * s,
            bar_pt + 30.0 * s,
            16.0 * s,
        );
        Self {
            north,
            scale,
            bar_m,
            bar_pt,
        }
    }

    fn draw(&self, canvas: &mut Canvas<'_, '_>, s: f32) {
        let n = self.north;
        let cx = n.x0 + n.width() / 2.0;
        canvas.fill_with_opacity(crate::canvas::rect_path(n), Rgb::WHITE, 0.85);
        let tip = n.y0 + 11.0 * s;
        let base = n.y1 - 3.0 * s;
        canvas.fill(
            polygon_path(&[(cx, tip), (cx + 5.0 * s, base), (cx, base - 4.0 * s)]),
            Rgb::INK,
        );
        canvas.fill_and_stroke(
            polygon_path(&[(cx, tip), (cx - 5.0 * s, base), (cx, base - 4.0 * s)]),
            Rgb::WHITE,
            Rgb::INK,
            0.5,
        );
        canvas.text(
            cx,
            n.y0 + 9.0 * s,
            8.0 * s,
            Rgb::INK,
            Align::Center,
            true,
            "N",
        );

        let r = self.scale;
        canvas.fill_with_opacity(crate::canvas::rect_path(r), Rgb::WHITE, 0.85);
        let y = r.y1 - 5.0 * s;
        let x0 = r.x0 + 3.0 * s;
        let half = self.bar_pt / 2.0;
        canvas.fill_rect(PtRect::new(x0, y - 2.0 * s, half, 2.0 * s), Rgb::INK);
        canvas.fill_rect(
            PtRect::new(x0 + half, y - 2.0 * s, half, 2.0 * s),
            Rgb::WHITE,
        );
        canvas.stroke_rect(
            PtRect::new(x0, y - 2.0 * s, self.bar_pt, 2.0 * s),
            Rgb::INK,
            0.5,
        );
        let label = if self.bar_m >= 1000.0 {
            format!("{} km", self.bar_m / 1000.0)
        } else {
            format!("{} m", self.bar_m)
        };
        canvas.text(x0, y - 4.0 * s, 6.5 * s, Rgb::INK, Align::Left, false, "0");
        canvas.text(
            x0 + self.bar_pt + 2.0 * s,
            y,
            6.5 * s,
            Rgb::INK,
            Align::Left,
            false,
            &label,
        );
    }
}

/// The legend box: one line per kind shown, then the line symbols.
struct Legend {
    width: f32,
    height: f32,
}

impl Legend {
    const LINES: [&'static str; 3] = [
        "区域の境界",
        "市区町村・区の境界",
        "引出線（番号と位置を結ぶ）",
    ];

    fn line_height(s: f32) -> f32 {
        8.0 * s * 1.45
    }

    fn new(fonts: &Fonts, kinds: &[(KindCode, usize)], s: f32) -> Self {
        let size = 7.5 * s;
        let widest = kinds
            .iter()
            .map(|(kind, count)| fonts.width(&format!("{}（{count}）", kind.term().ja), size))
            .chain(Self::LINES.iter().map(|text| fonts.width(text, size)))
            .fold(0.0_f32, f32::max);
        let rows = kinds.len() + Self::LINES.len();
        Self {
            width: widest + 26.0 * s,
            height: 14.0 * s + rows as f32 * Self::line_height(s) + 4.0 * s,
        }
    }

    fn draw(
        canvas: &mut Canvas<'_, '_>,
        rect: PtRect,
        kinds: &[(KindCode, usize)],
        level: AreaLevel,
        s: f32,
    ) {
        let size = 7.5 * s;
        canvas.stroke_rect(rect, Rgb::RULE, 0.5);
        canvas.text(
            rect.x0 + 5.0 * s,
            rect.y0 + 10.0 * s,
            8.5 * s,
            Rgb::ACCENT,
            Align::Left,
            true,
            "凡例",
        );
        let mut y = rect.y0 + 14.0 * s;
        let symbol_x = rect.x0 + 10.0 * s;
        let text_x = rect.x0 + 20.0 * s;
        for (kind, count) in kinds {
            let (shape, color) = kind_style(kind);
            let mid = y + Self::line_height(s) / 2.0;
            draw_marker(canvas, shape, color, symbol_x, mid, 3.2 * s);
            canvas.text(
                text_x,
                mid + size * 0.36,
                size,
                Rgb::INK,
                Align::Left,
                false,
                &format!("{}（{count}）", kind.term().ja),
            );
            y += Self::line_height(s);
        }
        let outline = match level {
            AreaLevel::SecondaryMedicalRegion => "二次医療圏の境界",
            AreaLevel::Municipality => Self::LINES[0],
        };
        for (i, text) in [outline, Self::LINES[1], Self::LINES[2]]
            .into_iter()
            .enumerate()
        {
            let mid = y + Self::line_height(s) / 2.0;
            let (from, to) = ((symbol_x - 6.0 * s, mid), (symbol_x + 6.0 * s, mid));
            match i {
                0 => canvas.line(from, to, Rgb(0x37, 0x47, 0x4f), 1.3 * s),
                1 => {
                    let mut builder = PathBuilder::new();
                    builder.move_to(from.0, from.1);
                    builder.line_to(to.0, to.1);
                    canvas.stroke(
                        builder.finish(),
                        Rgb(0x9e, 0x9e, 0x9e),
                        0.5 * s,
                        Some(&[2.0, 1.2]),
                    );
                }
                _ => canvas.line(from, to, Rgb(0x61, 0x61, 0x61), 0.35),
            }
            canvas.text(
                text_x,
                mid + size * 0.36,
                size,
                Rgb::INK,
                Align::Left,
                false,
                text,
            );
            y += Self::line_height(s);
        }
    }
}
