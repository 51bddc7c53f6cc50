//! The map's furniture: the legend box (one line per kind shown, the line
//! symbols, how grouped numbers read) and the north arrow and scale bar.

use super::draw::RAIL;
use super::AreaLevel;
use crate::canvas::{polygon_path, Align, Canvas, Rgb};
use crate::fonts::Fonts;
use crate::geometry::{Projection, PtRect};
use crate::style::{draw_marker, kind_style};
use krilla::geom::PathBuilder;
use renkei_core::KindCode;

/// North arrow and scale bar, each in a corner of the map frame.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Decorations {
    pub(crate) north: PtRect,
    pub(crate) scale: PtRect,
    bar_m: f64,
    bar_pt: f32,
}

impl Decorations {
    pub(crate) fn layout(projection: &Projection, frame: PtRect, s: f32) -> Self {
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

    pub(crate) fn draw(&self, canvas: &mut Canvas<'_, '_>, s: f32) {
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

/// The legend box: one line per kind shown, then the line symbols and how
/// grouped numbers read.
pub(crate) struct Legend {
    pub(crate) width: f32,
    pub(crate) height: f32,
}

impl Legend {
    const LINES: [&'static str; 4] = [
        "区域の境界",
        "市区町村・区の境界",
        "引出線（番号と位置を結ぶ）",
        "同じ場所の施設（番号をまとめて表示）",
    ];
    /// The base map's rail lines, listed only when the map draws some.
    const RAIL: &'static str = "鉄道";

    fn line_height(s: f32) -> f32 {
        8.0 * s * 1.45
    }

    pub(crate) fn new(fonts: &Fonts, kinds: &[(KindCode, usize)], rail: bool, s: f32) -> Self {
        let size = 7.5 * s;
        let widest = kinds
            .iter()
            .map(|(kind, count)| fonts.width(&format!("{}（{count}）", kind.term().ja), size))
            .chain(Self::LINES.iter().map(|text| fonts.width(text, size)))
            .fold(0.0_f32, f32::max);
        let rows = kinds.len() + Self::LINES.len() + usize::from(rail);
        Self {
            width: widest + 26.0 * s,
            height: 14.0 * s + rows as f32 * Self::line_height(s) + 4.0 * s,
        }
    }

    pub(crate) fn draw(
        canvas: &mut Canvas<'_, '_>,
        rect: PtRect,
        kinds: &[(KindCode, usize)],
        level: AreaLevel,
        rail: bool,
        s: f32,
    ) {
        let size = 7.5 * s;
        canvas.titled_box(rect, "凡例", s);
        let mut y = rect.y0 + 14.0 * s;
        let symbol_x = rect.x0 + 10.0 * s;
        let text_x = rect.x0 + 20.0 * s;
        let line_text = |canvas: &mut Canvas<'_, '_>, mid: f32, text: &str| {
            canvas.text(
                text_x,
                mid + size * 0.36,
                size,
                Rgb::INK,
                Align::Left,
                false,
                text,
            );
        };
        for (kind, count) in kinds {
            let (shape, color) = kind_style(kind);
            let mid = y + Self::line_height(s) / 2.0;
            draw_marker(canvas, shape, color, symbol_x, mid, 3.2 * s);
            line_text(canvas, mid, &format!("{}（{count}）", kind.term().ja));
            y += Self::line_height(s);
        }
        let outline = match level {
            AreaLevel::SecondaryMedicalRegion => "二次医療圏の境界",
            AreaLevel::Municipality => Self::LINES[0],
        };
        for (i, text) in [outline, Self::LINES[1], Self::LINES[2], Self::LINES[3]]
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
                2 => canvas.line(from, to, Rgb(0x61, 0x61, 0x61), 0.35),
                _ => {
                    let sample =
                        PtRect::centered(symbol_x, mid, 14.0 * s, super::MIN_LABEL_PT * 1.08);
                    canvas.fill(crate::canvas::rect_path(sample), Rgb::WHITE);
                    canvas.stroke_rect(sample, Rgb::MUTED, 0.3);
                    canvas.text(
                        symbol_x,
                        sample.y1 - super::MIN_LABEL_PT * 0.2,
                        super::MIN_LABEL_PT,
                        Rgb::INK,
                        Align::Center,
                        false,
                        "3-5",
                    );
                }
            }
            line_text(canvas, mid, text);
            y += Self::line_height(s);
        }
        if rail {
            let mid = y + Self::line_height(s) / 2.0;
            let (from, to) = ((symbol_x - 6.0 * s, mid), (symbol_x + 6.0 * s, mid));
            canvas.line(from, to, RAIL, 0.7 * s);
            line_text(canvas, mid, Self::RAIL);
        }
    }
}
