//! How each facility kind looks on paper: a colour AND a shape, so the map
//! still reads in black-and-white copies and for colour-blind readers.

use crate::canvas::{circle_path, polygon_path, Canvas, Rgb};
use renkei_core::KindCode;

/// A marker outline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// ●
    Circle,
    /// ■
    Square,
    /// ▲
    Triangle,
    /// ▼
    InvertedTriangle,
    /// ◆
    Diamond,
    /// ★
    Star,
    /// A house: a square with a roof.
    House,
    /// ⬢
    Hexagon,
    /// A plus sign (a thick cross).
    Plus,
    /// A speech bubble: a rounded box with a tail, for desks people call.
    Bubble,
    /// An X (a thick saltire).
    Saltire,
}

/// Marker style per taxonomy kind, in the taxonomy's order. Kinds added to
/// the taxonomy later fall back to [`FALLBACK_STYLE`].
const KIND_STYLES: [(&str, Shape, Rgb); 11] = [
    ("core_hospital", Shape::Star, Rgb(0xb7, 0x1c, 0x1c)),
    ("hospital", Shape::Square, Rgb(0xe5, 0x39, 0x35)),
    ("clinic", Shape::Circle, Rgb(0xef, 0x6c, 0x00)),
    ("visiting_nurse", Shape::Triangle, Rgb(0x2e, 0x7d, 0x32)),
    ("special_needs_school", Shape::House, Rgb(0x6a, 0x1b, 0x9a)),
    ("welfare_provider", Shape::Diamond, Rgb(0x15, 0x65, 0xc0)),
    (
        "municipal_desk",
        Shape::InvertedTriangle,
        Rgb(0x00, 0x83, 0x8f),
    ),
    (
        "public_health_office",
        Shape::Hexagon,
        Rgb(0x5d, 0x40, 0x37),
    ),
    ("specialist_body", Shape::Plus, Rgb(0xad, 0x14, 0x57)),
    ("consultation_desk", Shape::Bubble, Rgb(0x00, 0x69, 0x5c)),
    ("professional_body", Shape::Saltire, Rgb(0x45, 0x5a, 0x64)),
];

/// Style for a kind without an entry in the table.
const FALLBACK_STYLE: (Shape, Rgb) = (Shape::Circle, Rgb(0x61, 0x61, 0x61));

/// Shape and colour of `kind`'s markers.
pub fn kind_style(kind: &KindCode) -> (Shape, Rgb) {
    KIND_STYLES
        .iter()
        .find(|(code, _, _)| *code == kind.as_str())
        .map_or(FALLBACK_STYLE, |&(_, shape, color)| (shape, color))
}

/// Position of `kind` in the taxonomy, for ordering lists and legends by kind.
pub fn kind_rank(kind: &KindCode) -> usize {
    renkei_core::Taxonomy::builtin()
        .kinds
        .iter()
        .position(|term| term.code == kind.as_str())
        .unwrap_or(usize::MAX)
}

fn regular(cx: f32, cy: f32, radius: f32, corners: u16, rotation: f32) -> Vec<(f32, f32)> {
    (0..corners)
        .map(|i| {
            let angle = rotation + std::f32::consts::TAU * f32::from(i) / f32::from(corners);
            (cx + radius * angle.cos(), cy + radius * angle.sin())
        })
        .collect()
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
    use std::f32::consts::FRAC_PI_2;
    let r = radius;
    let ring = (r * 0.28).max(0.35);
    let path = match shape {
        Shape::Circle => circle_path(cx, cy, r),
        Shape::Square => polygon_path(&[
            (cx - r * 0.9, cy - r * 0.9),
            (cx + r * 0.9, cy - r * 0.9),
            (cx + r * 0.9, cy + r * 0.9),
            (cx - r * 0.9, cy + r * 0.9),
        ]),
        Shape::Triangle => polygon_path(&regular(cx, cy + r * 0.15, r * 1.15, 3, -FRAC_PI_2)),
        Shape::InvertedTriangle => {
            polygon_path(&regular(cx, cy - r * 0.15, r * 1.15, 3, FRAC_PI_2))
        }
        Shape::Diamond => polygon_path(&regular(cx, cy, r * 1.15, 4, 0.0)),
        Shape::Hexagon => polygon_path(&regular(cx, cy, r, 6, 0.0)),
        Shape::Star => {
            let outer = regular(cx, cy, r * 1.25, 5, -FRAC_PI_2);
            let inner = regular(cx, cy, r * 0.55, 5, -FRAC_PI_2 + std::f32::consts::PI / 5.0);
            let points: Vec<(f32, f32)> = outer
                .into_iter()
                .zip(inner)
                .flat_map(|(a, b)| [a, b])
                .collect();
            polygon_path(&points)
        }
        Shape::House => polygon_path(&[
            (cx, cy - r * 1.1),
            (cx + r, cy - r * 0.2),
            (cx + r * 0.8, cy + r * 0.9),
            (cx - r * 0.8, cy + r * 0.9),
            (cx - r, cy - r * 0.2),
        ]),
        Shape::Plus => {
            let t = r * 0.4;
            polygon_path(&[
                (cx - t, cy - r),
                (cx + t, cy - r),
                (cx + t, cy - t),
                (cx + r, cy - t),
                (cx + r, cy + t),
                (cx + t, cy + t),
                (cx + t, cy + r),
                (cx - t, cy + r),
                (cx - t, cy + t),
                (cx - r, cy + t),
                (cx - r, cy - t),
                (cx - t, cy - t),
            ])
        }
        Shape::Saltire => {
            let t = r * 0.32;
            let k = r * 0.85;
            polygon_path(&[
                (cx - k, cy - k + t),
                (cx - k + t, cy - k),
                (cx, cy - t),
                (cx + k - t, cy - k),
                (cx + k, cy - k + t),
                (cx + t, cy),
                (cx + k, cy + k - t),
                (cx + k - t, cy + k),
                (cx, cy + t),
                (cx - k + t, cy + k),
                (cx - k, cy + k - t),
                (cx - t, cy),
            ])
        }
        Shape::Bubble => polygon_path(&[
            (cx - r, cy - r * 0.8),
            (cx + r, cy - r * 0.8),
            (cx + r, cy + r * 0.4),
            (cx - r * 0.1, cy + r * 0.4),
            (cx - r * 0.6, cy + r),
            (cx - r * 0.5, cy + r * 0.4),
            (cx - r, cy + r * 0.4),
        ]),
    };
    canvas.fill_and_stroke(path, color, Rgb::WHITE, ring);
}
