//! Drawing a view into its frame: land and boundaries, the coverage layer,
//! the parts outside the view's focus greyed, grid lines and references,
//! place names, and the numbered markers with their labels on top.

use super::view::{Cluster, Focus, View, MARKER_STEP, MAX_KINDS_SHOWN};
use super::MapArea;
use crate::canvas::{rect_path, Align, Canvas, Rgb};
use crate::coverage::{draw_cells, CoverageLayer};
use crate::geometry::{Projection, PtRect};
use crate::style::{draw_marker, kind_style};
use geo::{BoundingRect, Intersects, MultiPolygon};
use krilla::geom::{Path, PathBuilder};
use renkei_core::LonLat;

/// Frame background: outside the area (sea, neighbouring prefectures).
const OUTSIDE: Rgb = Rgb(0xee, 0xf3, 0xf7);
/// Land inside the area.
const LAND: Rgb = Rgb(0xfb, 0xfa, 0xf5);
/// Veil over the parts of a detail view that other pages show.
const ELSEWHERE: Rgb = Rgb(0xc8, 0xc8, 0xc8);
/// The area's outline.
pub(crate) const OUTLINE: Rgb = Rgb(0x37, 0x47, 0x4f);
/// Rail lines of the base map.
pub(crate) const RAIL: Rgb = Rgb(0xa8, 0xa8, 0xa8);
/// Unit boundaries and place names.
const UNIT_LINE: Rgb = Rgb(0x9e, 0x9e, 0x9e);

/// A place name or page pointer printed on the map, in a box labels avoid.
#[derive(Debug, Clone)]
pub(crate) struct PlaceName {
    /// Its box on the page.
    pub rect: PtRect,
    /// One or two lines.
    pub lines: Vec<String>,
    /// Type size, points.
    pub size: f32,
    /// Bold and dark (the view's own unit) or grey (neighbours).
    pub strong: bool,
}

/// Page path of the rings of `geometry`, simplified to what the page can
/// show, plus `extra` rectangles (for even-odd "everything but" paths).
pub(crate) fn rings_path(
    geometry: &MultiPolygon<f64>,
    projection: &Projection,
    extra: &[PtRect],
) -> Option<Path> {
    path_of(&simplified(geometry, projection), projection, extra)
}

/// `geometry` simplified to what the page can show.
fn simplified(geometry: &MultiPolygon<f64>, projection: &Projection) -> MultiPolygon<f64> {
    renkei_core::region::simplify(geometry, projection.degrees_per_point() * 0.35)
}

/// Page path of the rings of an already simplified geometry, plus `extra` rectangles.
fn path_of(
    simplified: &MultiPolygon<f64>,
    projection: &Projection,
    extra: &[PtRect],
) -> Option<Path> {
    let mut builder = PathBuilder::new();
    let mut any = false;
    for rect in extra {
        if let Some(r) = krilla::geom::Rect::from_ltrb(rect.x0, rect.y0, rect.x1, rect.y1) {
            builder.push_rect(r);
            any = true;
        }
    }
    any |= push_rings(&mut builder, simplified, projection);
    if any {
        builder.finish()
    } else {
        None
    }
}

/// Adds the rings of `simplified` to `builder`; false when there are none.
fn push_rings(
    builder: &mut PathBuilder,
    simplified: &MultiPolygon<f64>,
    projection: &Projection,
) -> bool {
    let mut any = false;
    for polygon in simplified {
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
    any
}

/// Page rectangle of a lon/lat rectangle.
pub(crate) fn page_rect(projection: &Projection, bounds: &geo::Rect<f64>) -> PtRect {
    let (x0, y1) = projection.project_lon_lat(bounds.min().x, bounds.min().y);
    let (x1, y0) = projection.project_lon_lat(bounds.max().x, bounds.max().y);
    PtRect { x0, y0, x1, y1 }
}

/// Everything a view draws besides its clusters.
pub(crate) struct Scene<'a> {
    pub area: &'a MapArea,
    pub coverage: Option<&'a CoverageLayer>,
    pub names: &'a [PlaceName],
    /// Grid sheets to outline (dashed, lon/lat), within their unit.
    pub sheets: &'a [(geo::Rect<f64>, Option<usize>)],
}

/// Draws `view` with its `clusters` (numbers already in their texts).
pub(crate) fn draw_view(
    canvas: &mut Canvas<'_, '_>,
    scene: &Scene<'_>,
    view: &View,
    clusters: &[Cluster],
    marker_radius: f32,
    label_size: f32,
    s: f32,
) {
    let projection = &view.projection;
    let frame = view.frame;
    let visible = projection.visible(frame.inflate(2.0));
    let seen = |geometry: &MultiPolygon<f64>| {
        geometry
            .bounding_rect()
            .is_some_and(|bounds| bounds.intersects(&visible))
    };
    canvas.fill_rect(frame, OUTSIDE);
    canvas.push_clip(frame);
    let outline = simplified(&scene.area.outline, projection);
    canvas.fill_and_stroke(path_of(&outline, projection, &[]), LAND, LAND, 0.1);
    if let Some(layer) = scene.coverage {
        // Cells on the coast or the border reach past the area: clip them to it.
        if canvas.push_clip_path(path_of(&outline, projection, &[])) {
            draw_cells(canvas, layer, projection, frame);
            canvas.pop();
        }
    }
    veil_outside_focus(canvas, scene.area, view);
    draw_rail(canvas, &scene.area.rail_lines, projection, &visible, s);
    // A map without markers is an atlas's overview: its units are what it shows.
    let (unit_line, unit_width, dash) = if clusters.is_empty() {
        (Rgb(0x61, 0x61, 0x61), 0.8 * s, None)
    } else {
        (UNIT_LINE, 0.5 * s, Some([2.0, 1.2].as_slice()))
    };
    for unit in scene.area.units.iter().filter(|u| seen(&u.geometry)) {
        canvas.stroke(
            rings_path(&unit.geometry, projection, &[]),
            unit_line,
            unit_width,
            dash,
        );
    }
    for (bounds, unit) in scene.sheets {
        // A sheet is a box over its unit: outline the part inside the unit.
        let clipped = unit.is_some_and(|u| {
            canvas.push_clip_path(rings_path(&scene.area.units[u].geometry, projection, &[]))
        });
        canvas.stroke(
            rect_path(page_rect(projection, bounds)),
            Rgb::ACCENT,
            0.6 * s,
            Some(&[4.0, 2.0]),
        );
        if clipped {
            canvas.pop();
        }
    }
    canvas.stroke(path_of(&outline, projection, &[]), OUTLINE, 1.3 * s, None);
    for ((x0, y0), (x1, y1)) in view.grid.lines() {
        canvas.line((x0, y0), (x1, y1), Rgb(0xb0, 0xbe, 0xc5), 0.3);
    }
    for name in scene.names {
        draw_name(canvas, name);
    }
    draw_clusters(canvas, clusters, marker_radius, label_size);
    canvas.pop();
    canvas.stroke_rect(frame, OUTLINE, 0.6);
    for (rect, text) in view.grid.tabs() {
        canvas.fill_with_opacity(rect_path(rect), Rgb::WHITE, 0.9);
        canvas.text(
            rect.x0 + rect.width() / 2.0,
            rect.y1 - rect.height() * 0.22,
            rect.height() * 0.78,
            Rgb::ACCENT,
            Align::Center,
            true,
            &text,
        );
    }
    view.decorations.draw(canvas, s);
}

/// Rail lines of the base map: light grey, thin, under boundaries and
/// markers, so they orient without competing with the numbers in greyscale.
pub(crate) fn draw_rail(
    canvas: &mut Canvas<'_, '_>,
    lines: &[Vec<LonLat>],
    projection: &Projection,
    visible: &geo::Rect<f64>,
    s: f32,
) {
    let mut builder = PathBuilder::new();
    let mut any = false;
    for line in lines {
        let seen = line.iter().any(|p| {
            let (lon, lat) = (p.lon(), p.lat());
            (visible.min().x..=visible.max().x).contains(&lon)
                && (visible.min().y..=visible.max().y).contains(&lat)
        });
        if !seen || line.len() < 2 {
            continue;
        }
        for (i, point) in line.iter().enumerate() {
            let (x, y) = projection.project(*point);
            if i == 0 {
                builder.move_to(x, y);
            } else {
                builder.line_to(x, y);
            }
        }
        any = true;
    }
    if any {
        canvas.stroke(builder.finish(), RAIL, 0.7 * s, None);
    }
}

/// Greys the parts of the frame that are not the view's focus.
fn veil_outside_focus(canvas: &mut Canvas<'_, '_>, area: &MapArea, view: &View) {
    let frame = view.frame.inflate(1.0);
    let projection = &view.projection;
    let opacity = 0.55;
    match &view.focus {
        Focus::Whole => {}
        Focus::Units(units) => {
            // Even-odd: the frame less the units (which do not overlap).
            let mut builder = PathBuilder::new();
            if let Some(r) = krilla::geom::Rect::from_ltrb(frame.x0, frame.y0, frame.x1, frame.y1) {
                builder.push_rect(r);
            }
            for &unit in units {
                push_rings(
                    &mut builder,
                    &simplified(&area.units[unit].geometry, projection),
                    projection,
                );
            }
            canvas.fill_with_opacity(builder.finish(), ELSEWHERE, opacity);
        }
        &Focus::Tile { unit, bounds } => {
            let tile = page_rect(projection, &bounds);
            let geometry = unit.map_or(&area.outline, |u| &area.units[u].geometry);
            // Inside the unit but outside the tile, then outside the unit.
            if canvas.push_clip_path(rings_path(geometry, projection, &[])) {
                let mut builder = PathBuilder::new();
                for r in [frame, tile] {
                    if let Some(r) = krilla::geom::Rect::from_ltrb(r.x0, r.y0, r.x1, r.y1) {
                        builder.push_rect(r);
                    }
                }
                canvas.fill_with_opacity(builder.finish(), ELSEWHERE, opacity);
                canvas.pop();
            }
            if unit.is_some() {
                let path = rings_path(geometry, projection, &[frame]);
                canvas.fill_with_opacity(path, ELSEWHERE, opacity);
            }
        }
    }
}

fn draw_name(canvas: &mut Canvas<'_, '_>, name: &PlaceName) {
    let line_height = name.size * 1.15;
    let color = if name.strong {
        Rgb::INK
    } else {
        Rgb(0x61, 0x61, 0x61)
    };
    if name.strong {
        canvas.fill_with_opacity(rect_path(name.rect), Rgb::WHITE, 0.7);
    }
    let cx = name.rect.x0 + name.rect.width() / 2.0;
    for (i, line) in name.lines.iter().enumerate() {
        canvas.text(
            cx,
            name.rect.y0 + line_height * (i as f32 + 1.0) - name.size * 0.25,
            name.size,
            color,
            Align::Center,
            name.strong || i == 0,
            line,
        );
    }
}

/// Height of a place name of `lines` lines at `size` points.
pub(crate) fn name_height(lines: usize, size: f32) -> f32 {
    size * 1.15 * lines as f32 + 1.0
}

fn draw_clusters(
    canvas: &mut Canvas<'_, '_>,
    clusters: &[Cluster],
    marker_radius: f32,
    label_size: f32,
) {
    for cluster in clusters {
        if let Some(label) = cluster.label.filter(|l| l.leader) {
            let (x, y) = cluster.anchor;
            canvas.line(
                (x, y),
                label.rect.nearest_point(x, y),
                Rgb(0x61, 0x61, 0x61),
                0.35,
            );
        }
    }
    for cluster in clusters {
        let (x, y) = cluster.anchor;
        let shown = cluster.kinds.len().min(MAX_KINDS_SHOWN);
        for (j, kind) in cluster.kinds.iter().take(shown).enumerate() {
            let offset = (j as f32 - (shown - 1) as f32 / 2.0) * MARKER_STEP * marker_radius;
            let (shape, color) = kind_style(kind);
            draw_marker(canvas, shape, color, x + offset, y, marker_radius);
        }
    }
    for cluster in clusters {
        let Some(label) = cluster.label else { continue };
        let border = match cluster.kinds.as_slice() {
            [kind] => kind_style(kind).1,
            _ => Rgb::MUTED,
        };
        let rect = label.rect;
        canvas.fill_with_opacity(rect_path(rect), Rgb::WHITE, 0.88);
        canvas.stroke(rect_path(rect), border, 0.3, None);
        canvas.text(
            rect.x0 + rect.width() / 2.0,
            rect.y1 - label_size * 0.2,
            label_size,
            Rgb::INK,
            Align::Center,
            false,
            &cluster.text,
        );
    }
}
