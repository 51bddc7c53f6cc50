//! How each facility kind looks on paper: a colour AND a shape, so the map
//! still reads in black-and-white copies and for colour-blind readers. Both
//! come from the taxonomy (data/taxonomy.toml), as on the web map.

use crate::canvas::{polygon_path, Canvas, Rgb};
use renkei_core::taxonomy::MarkerShape;
use renkei_core::KindCode;

/// A marker outline from the taxonomy.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Shape(&'static MarkerShape);

/// Shape and colour of `kind`'s markers, as the taxonomy gives them.
pub fn kind_style(kind: &KindCode) -> (Shape, Rgb) {
    let marker = kind.marker();
    let colour = marker.colour;
    (Shape(marker.shape), Rgb(colour.r, colour.g, colour.b))
}

/// Draws a marker of `shape` centred on (`cx`, `cy`), `radius` points from
/// centre to edge, filled with `color` and ringed in white so it stands out
/// on boundaries and neighbours.
pub fn draw_marker(
    canvas: &mut Canvas<'_, '_>,
    shape: Shape,
    color: Rgb,
    cx: f32,
    cy: f32,
    radius: f32,
) {
    let r = radius;
    let ring = (r * 0.28).max(0.35);
    let corners: Vec<(f32, f32)> = shape
        .0
        .points
        .iter()
        .map(|&[x, y]| (cx + r * x, cy + r * y))
        .collect();
    let path = polygon_path(&corners);
    canvas.fill_and_stroke(path, color, Rgb::WHITE, ring);
}
