//! Drawing on a page: filled and stroked shapes and text, in points from the
//! page's top-left corner (x right, y down), through krilla.

use crate::fonts::Fonts;
use crate::geometry::PtRect;
use crate::typeset::paper_text;
use krilla::color::rgb;
use krilla::geom::{Path, PathBuilder, Point};
use krilla::num::NormalizedF32;
use krilla::paint::{Fill, FillRule, LineCap, LineJoin, Stroke, StrokeDash};
use krilla::surface::Surface;

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// Black text.
    pub const INK: Self = Self(0x21, 0x21, 0x21);
    /// Secondary text.
    pub const MUTED: Self = Self(0x5f, 0x63, 0x68);
    /// Hairlines and rules.
    pub const RULE: Self = Self(0xbd, 0xbd, 0xbd);
    /// Paper.
    pub const WHITE: Self = Self(0xff, 0xff, 0xff);
    /// Headings and highlights (a dark teal that prints well in grey too).
    pub const ACCENT: Self = Self(0x00, 0x5f, 0x73);
    /// Light tint behind headings.
    pub const TINT: Self = Self(0xe6, 0xf2, 0xf4);
    /// 要確認: amber, for facts nobody has confirmed.
    pub const CAUTION: Self = Self(0x9a, 0x5b, 0x00);

    fn paint(self) -> krilla::paint::Paint {
        rgb::Color::new(self.0, self.1, self.2).into()
    }
}

/// Horizontal alignment of a text run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Starts at x.
    Left,
    /// Centred on x.
    Center,
    /// Ends at x.
    Right,
}

/// A page surface with the document's font.
pub struct Canvas<'s, 'p> {
    surface: &'s mut Surface<'p>,
    fonts: &'s Fonts,
}

fn fill(color: Rgb, opacity: f32) -> Fill {
    Fill {
        paint: color.paint(),
        opacity: NormalizedF32::new(opacity.clamp(0.0, 1.0)).unwrap_or(NormalizedF32::ONE),
        rule: FillRule::EvenOdd,
    }
}

fn stroke(color: Rgb, width: f32, dash: Option<&[f32]>) -> Stroke {
    Stroke {
        paint: color.paint(),
        width,
        line_cap: LineCap::Round,
        line_join: LineJoin::Round,
        dash: dash.map(|array| StrokeDash {
            array: array.to_vec(),
            offset: 0.0,
        }),
        ..Stroke::default()
    }
}

/// A rectangle as a path.
pub fn rect_path(rect: PtRect) -> Option<Path> {
    let mut builder = PathBuilder::new();
    builder.push_rect(krilla::geom::Rect::from_ltrb(
        rect.x0, rect.y0, rect.x1, rect.y1,
    )?);
    builder.finish()
}

/// A closed polygon through `points`.
pub fn polygon_path(points: &[(f32, f32)]) -> Option<Path> {
    let mut builder = PathBuilder::new();
    let (first, rest) = points.split_first()?;
    builder.move_to(first.0, first.1);
    for &(x, y) in rest {
        builder.line_to(x, y);
    }
    builder.close();
    builder.finish()
}

/// A circle of `radius` points around (`cx`, `cy`), from four cubic arcs.
pub fn circle_path(cx: f32, cy: f32, radius: f32) -> Option<Path> {
    const K: f32 = 0.552_284_8; // control-point distance for a quarter circle
    let (r, k) = (radius, radius * K);
    let mut builder = PathBuilder::new();
    builder.move_to(cx + r, cy);
    builder.cubic_to(cx + r, cy + k, cx + k, cy + r, cx, cy + r);
    builder.cubic_to(cx - k, cy + r, cx - r, cy + k, cx - r, cy);
    builder.cubic_to(cx - r, cy - k, cx - k, cy - r, cx, cy - r);
    builder.cubic_to(cx + k, cy - r, cx + r, cy - k, cx + r, cy);
    builder.close();
    builder.finish()
}

impl<'s, 'p> Canvas<'s, 'p> {
    /// Draws on `surface` with `fonts`.
    pub fn new(surface: &'s mut Surface<'p>, fonts: &'s Fonts) -> Self {
        Self { surface, fonts }
    }

    /// The document's font.
    pub fn fonts(&self) -> &Fonts {
        self.fonts
    }

    /// Fills `path` with `color`.
    pub fn fill(&mut self, path: Option<Path>, color: Rgb) {
        self.fill_with_opacity(path, color, 1.0);
    }

    /// Fills `path` with `color` at `opacity` (0–1).
    pub fn fill_with_opacity(&mut self, path: Option<Path>, color: Rgb, opacity: f32) {
        if let Some(path) = path {
            self.surface.set_stroke(None);
            self.surface.set_fill(Some(fill(color, opacity)));
            self.surface.draw_path(&path);
        }
    }

    /// Strokes `path` with `color`, `width` points wide, solid or dashed
    /// (dash and gap lengths in points).
    pub fn stroke(&mut self, path: Option<Path>, color: Rgb, width: f32, dash: Option<&[f32]>) {
        if let Some(path) = path {
            self.surface.set_fill(None);
            self.surface.set_stroke(Some(stroke(color, width, dash)));
            self.surface.draw_path(&path);
        }
    }

    /// Fills `path` and outlines it.
    pub fn fill_and_stroke(&mut self, path: Option<Path>, fill_color: Rgb, line: Rgb, width: f32) {
        if let Some(path) = path {
            self.surface.set_fill(Some(fill(fill_color, 1.0)));
            self.surface.set_stroke(Some(stroke(line, width, None)));
            self.surface.draw_path(&path);
        }
    }

    /// A straight line from (`x0`, `y0`) to (`x1`, `y1`).
    pub fn line(&mut self, from: (f32, f32), to: (f32, f32), color: Rgb, width: f32) {
        let mut builder = PathBuilder::new();
        builder.move_to(from.0, from.1);
        builder.line_to(to.0, to.1);
        self.stroke(builder.finish(), color, width, None);
    }

    /// Fills a rectangle.
    pub fn fill_rect(&mut self, rect: PtRect, color: Rgb) {
        self.fill(rect_path(rect), color);
    }

    /// Outlines a rectangle.
    pub fn stroke_rect(&mut self, rect: PtRect, color: Rgb, width: f32) {
        self.stroke(rect_path(rect), color, width, None);
    }

    /// Clips what follows to `rect` until [`Canvas::pop`].
    pub fn push_clip(&mut self, rect: PtRect) {
        if let Some(path) = rect_path(rect) {
            self.surface.push_clip_path(&path, &FillRule::NonZero);
        }
    }

    /// Clips what follows to the inside of `path` (even-odd) until
    /// [`Canvas::pop`]; returns `false` (and clips nothing, so there is
    /// nothing to pop) when there is no path.
    pub fn push_clip_path(&mut self, path: Option<Path>) -> bool {
        path.is_some_and(|path| {
            self.surface.push_clip_path(&path, &FillRule::EvenOdd);
            true
        })
    }

    /// Ends the last [`Canvas::push_clip`] or [`Canvas::push_clip_path`].
    pub fn pop(&mut self) {
        self.surface.pop();
    }

    /// One line of text with its baseline at `y`; returns its width (points).
    /// `bold` thickens the glyphs with an outline of the same colour, since
    /// the Japanese gothic fonts installed have a single weight.
    #[expect(
        clippy::too_many_arguments,
        reason = "a text run is a position, a style and its text"
    )]
    pub fn text(
        &mut self,
        x: f32,
        y: f32,
        size: f32,
        color: Rgb,
        align: Align,
        bold: bool,
        text: &str,
    ) -> f32 {
        if text.is_empty() {
            return 0.0;
        }
        let text = &*paper_text(text);
        let width = self.fonts.width(text, size);
        let start = match align {
            Align::Left => x,
            Align::Center => x - width / 2.0,
            Align::Right => x - width,
        };
        self.surface.set_fill(Some(fill(color, 1.0)));
        self.surface.set_stroke(bold.then(|| Stroke {
            width: size * 0.045,
            ..stroke(color, size * 0.045, None)
        }));
        let glyphs = self.fonts.glyphs(text);
        self.surface.draw_glyphs(
            Point::from_xy(start, y),
            &glyphs,
            self.fonts.font(),
            text,
            size,
            false,
        );
        self.surface.set_stroke(None);
        width
    }

    /// A framed block's outline and its title in the top-left corner (the
    /// legends), at type scale `s`.
    pub fn titled_box(&mut self, rect: PtRect, title: &str, s: f32) {
        self.stroke_rect(rect, Rgb::RULE, 0.5);
        self.text(
            rect.x0 + 5.0 * s,
            rect.y0 + 10.0 * s,
            8.5 * s,
            Rgb::ACCENT,
            Align::Left,
            true,
            title,
        );
    }

    /// Wrapped text in a box `width` points wide whose first line's top is at
    /// `top`; lines are `size × leading` apart. Draws at most `max_lines`
    /// lines (the last one cut with `…`) and returns the height used (points).
    #[expect(
        clippy::too_many_arguments,
        reason = "a text box is a position, a size and a style"
    )]
    pub fn paragraph(
        &mut self,
        x: f32,
        top: f32,
        width: f32,
        size: f32,
        leading: f32,
        color: Rgb,
        bold: bool,
        max_lines: usize,
        text: &str,
    ) -> f32 {
        let lines = self.fonts.wrap(text, size, width);
        let shown = lines.len().min(max_lines.max(1));
        let line_height = size * leading;
        let ascent = self.fonts.ascent(size).min(size);
        for (i, line) in lines.iter().take(shown).enumerate() {
            let cut;
            let line = if i + 1 == shown && lines.len() > shown {
                cut = self.fonts.truncate(&format!("{line}…"), size, width);
                &cut
            } else {
                line
            };
            let baseline = top + ascent + line_height * i as f32;
            self.text(x, baseline, size, color, Align::Left, bold, line);
        }
        line_height * shown as f32
    }
}

/// Height (points) [`Canvas::paragraph`] would use for `text`.
pub fn paragraph_height(
    fonts: &Fonts,
    text: &str,
    width: f32,
    size: f32,
    leading: f32,
    max_lines: usize,
) -> f32 {
    let lines = fonts.wrap(text, size, width).len().min(max_lines.max(1));
    size * leading * lines as f32
}
