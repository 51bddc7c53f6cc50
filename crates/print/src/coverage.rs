//! The optional coverage layer of the regional map: the area's 3rd-mesh land
//! cells filled by distance band under the boundaries and markers, and a
//! legend block naming the bands, the need profile, the tier counted and the
//! child-population approximation.
//!
//! The analysis is done elsewhere (`renkei_core::coverage`, gathered by the
//! HTTP layer); this module only draws cells and text it is given.

use crate::canvas::{paragraph_height, Align, Canvas, Rgb};
use crate::fonts::Fonts;
use crate::geometry::{Projection, PtRect};
use krilla::geom::PathBuilder;
use renkei_core::mesh::MeshCell;
use renkei_core::need::{NeedProfile, TravelModel};

/// One distance band as the legend shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoverageBand {
    /// Label, e.g. `2–5 km`.
    pub label: String,
    /// The band's suggested colour (sRGB). Printed with its hue but at the
    /// band's grey level (nearest lightest), so the bands stay apart on a
    /// black-and-white copy.
    pub colour: [u8; 3],
}

/// One land cell and its band.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CoverageCell {
    /// The JIS X 0410 cell (its outline is WGS 84 lon/lat).
    pub cell: MeshCell,
    /// Index into [`CoverageLayer::bands`].
    pub band: usize,
}

/// Everything the map needs to draw coverage.
#[derive(Debug, Clone, PartialEq)]
pub struct CoverageLayer {
    /// The area's land cells with their bands.
    pub cells: Vec<CoverageCell>,
    /// The bands, nearest first; the last is the one beyond every threshold
    /// (「なし」), printed hatched.
    pub bands: Vec<CoverageBand>,
    /// The need profile analysed.
    pub profile: NeedProfile,
    /// Providers where a need is 要確認 were counted too.
    pub include_unknown: bool,
    /// Threshold, metres (straight line).
    pub within_m: f64,
    /// The threshold as asked in minutes, when it was.
    pub within_minutes: Option<f64>,
    /// How the children were counted (Japanese, one sentence or two).
    pub population_note: String,
    /// The web client's coverage view of the same analysis (the QR target).
    pub url: String,
}

/// Grey level (luma, 0 black – 255 white) of the nearest band: nearly white,
/// so markers and labels on it stay readable.
const LIGHTEST_LUMA: f32 = 242.0;

/// Grey level of the farthest distance band.
const DARKEST_LUMA: f32 = 165.0;

/// Grey level under the hatching of the last band (「なし」).
const NONE_LUMA: f32 = 222.0;

/// Luma of an sRGB colour as a black-and-white copy sees it (ITU-R BT.601).
fn luma(colour: Rgb) -> f32 {
    0.299 * f32::from(colour.0) + 0.587 * f32::from(colour.1) + 0.114 * f32::from(colour.2)
}

/// `colour` mixed with white or black until its luma is `target`.
fn at_luma(colour: [u8; 3], target: f32) -> Rgb {
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "a mix of two bytes is a byte"
    )]
    let mix = |toward: f32, t: f32| {
        let channel = |c: u8| (f32::from(c) + (toward - f32::from(c)) * t).round() as u8;
        Rgb(channel(colour[0]), channel(colour[1]), channel(colour[2]))
    };
    let base = Rgb(colour[0], colour[1], colour[2]);
    let toward = if luma(base) < target { 255.0 } else { 0.0 };
    let (mut low, mut high) = (0.0_f32, 1.0_f32);
    for _ in 0..24 {
        let t = f32::midpoint(low, high);
        let moved_past = if toward > 0.0 {
            luma(mix(toward, t)) > target
        } else {
            luma(mix(toward, t)) < target
        };
        if moved_past {
            high = t;
        } else {
            low = t;
        }
    }
    mix(toward, f32::midpoint(low, high))
}

/// Whether band `index` of `count` is the last one, beyond every threshold
/// (「なし」): hatched, so that it differs from every distance band in
/// black and white, however the colours print.
pub(crate) fn is_hatched(index: usize, count: usize) -> bool {
    count > 1 && index + 1 == count
}

/// Fill of band `index` of `count`: its hue at a grey level that steps from
/// nearly white (nearest) to mid grey (farthest distance band); the last band
/// is light under its hatching.
pub(crate) fn band_fill(index: usize, count: usize, colour: [u8; 3]) -> Rgb {
    if is_hatched(index, count) {
        return at_luma(colour, NONE_LUMA);
    }
    let steps = count.saturating_sub(2).max(1) as f32;
    let t = (index as f32 / steps).min(1.0);
    at_luma(colour, LIGHTEST_LUMA + (DARKEST_LUMA - LIGHTEST_LUMA) * t)
}

/// Hatches whatever `path` covers with dark diagonal lines across `area`.
fn hatch(
    canvas: &mut Canvas<'_, '_>,
    path: Option<krilla::geom::Path>,
    area: PtRect,
    spacing: f32,
) {
    if !canvas.push_clip_path(path) {
        return;
    }
    let span = area.width() + area.height();
    let mut offset = 0.0;
    while offset < span {
        canvas.line(
            (area.x0 + offset, area.y0),
            (area.x0 + offset - area.height(), area.y1),
            Rgb(0x42, 0x42, 0x42),
            0.45,
        );
        offset += spacing;
    }
    canvas.pop();
}

impl CoverageLayer {
    /// The legend's sentences: threshold, profile, tier and population.
    fn notes(&self) -> Vec<String> {
        let travel = TravelModel::DEFAULT;
        let threshold = match self.within_minutes {
            Some(minutes) => format!(
                "基準: 車で約 {minutes:.0} 分（直線 {:.1} km）以内",
                self.within_m / 1000.0
            ),
            None => format!(
                "基準: 直線 {:.1} km 以内（車で約 {:.0} 分が目安）",
                self.within_m / 1000.0,
                travel.minutes(self.within_m).ceil()
            ),
        };
        let join = |items: Vec<String>| {
            if items.is_empty() {
                "指定なし".to_owned()
            } else {
                items.join("・")
            }
        };
        let mut profile = format!(
            "条件: 医療的ケア {}／施設の種類 {}",
            join(
                self.profile
                    .needs
                    .iter()
                    .map(|c| c.term().ja.clone())
                    .collect()
            ),
            join(
                self.profile
                    .kinds
                    .iter()
                    .map(|k| k.term().ja.clone())
                    .collect()
            ),
        );
        if let Some(age) = self.profile.age_years {
            profile.push('／');
            profile.push_str(&age.to_string());
            profile.push('歳');
        }
        if self.profile.accepting_only {
            profile.push_str("／新規受け入れ中のみ");
        }
        let tier = if self.include_unknown {
            "対応可否が要確認の事業所も含めて計算しています"
        } else {
            "対応可と確認済みの事業所のみで計算しています（要確認は含みません）"
        };
        vec![
            threshold,
            profile,
            tier.to_owned(),
            self.population_note.clone(),
        ]
    }
}

/// Size of the legend block for a given width.
pub(crate) struct CoverageLegend {
    notes: Vec<String>,
    columns: usize,
    pub(crate) height: f32,
}

const NOTE_LINES: usize = 5;

impl CoverageLegend {
    fn title_height(s: f32) -> f32 {
        14.0 * s
    }

    fn row_height(s: f32) -> f32 {
        7.0 * s * 1.45
    }

    fn note_size(s: f32) -> f32 {
        5.8 * s
    }

    /// Lays out the legend of `layer` in `width` points.
    pub(crate) fn new(fonts: &Fonts, layer: &CoverageLayer, width: f32, s: f32) -> Self {
        let notes = layer.notes();
        let text_width = width - 10.0 * s;
        let notes_height: f32 = notes
            .iter()
            .map(|note| {
                paragraph_height(fonts, note, text_width, Self::note_size(s), 1.3, NOTE_LINES)
                    + 2.0 * s
            })
            .sum();
        // Three band columns when they fit, so a wide panel stays compact.
        let columns = if width > 230.0 * s { 3 } else { 2 };
        let rows = layer.bands.len().div_ceil(columns);
        Self {
            notes,
            columns,
            height: Self::title_height(s)
                + rows as f32 * Self::row_height(s)
                + 3.0 * s
                + notes_height
                + 3.0 * s,
        }
    }

    /// Draws the legend in `rect`.
    pub(crate) fn draw(
        &self,
        canvas: &mut Canvas<'_, '_>,
        rect: PtRect,
        layer: &CoverageLayer,
        s: f32,
    ) {
        canvas.titled_box(rect, "カバー状況（事業所までの距離）", s);
        let size = 6.8 * s;
        let column_width = (rect.width() - 10.0 * s) / self.columns as f32;
        let top = rect.y0 + Self::title_height(s);
        for (i, band) in layer.bands.iter().enumerate() {
            let x = rect.x0 + 5.0 * s + (i % self.columns) as f32 * column_width;
            let y = top + (i / self.columns) as f32 * Self::row_height(s);
            let swatch = PtRect::new(x, y + 1.5 * s, 12.0 * s, Self::row_height(s) - 3.0 * s);
            let count = layer.bands.len();
            canvas.fill_rect(swatch, band_fill(i, count, band.colour));
            if is_hatched(i, count) {
                hatch(canvas, crate::canvas::rect_path(swatch), swatch, 2.5 * s);
            }
            canvas.stroke_rect(swatch, Rgb(0x9e, 0x9e, 0x9e), 0.3);
            canvas.text(
                swatch.x1 + 3.0 * s,
                swatch.y1 - 1.0 * s,
                size,
                Rgb::INK,
                Align::Left,
                false,
                &band.label,
            );
        }
        let mut y =
            top + layer.bands.len().div_ceil(self.columns) as f32 * Self::row_height(s) + 3.0 * s;
        for note in &self.notes {
            y += canvas.paragraph(
                rect.x0 + 5.0 * s,
                y,
                rect.width() - 10.0 * s,
                Self::note_size(s),
                1.3,
                Rgb::INK,
                false,
                NOTE_LINES,
                note,
            ) + 2.0 * s;
        }
    }
}

/// Fills the cells of `layer`, one path per band, the last band hatched;
/// clipped by the caller to the area, inside `frame`.
pub(crate) fn draw_cells(
    canvas: &mut Canvas<'_, '_>,
    layer: &CoverageLayer,
    projection: &Projection,
    frame: PtRect,
) {
    let count = layer.bands.len();
    let path = |index: usize| {
        let mut builder = PathBuilder::new();
        let mut any = false;
        for cell in layer.cells.iter().filter(|c| c.band == index) {
            let (sw, ne) = (cell.cell.south_west(), cell.cell.north_east());
            let (x0, y1) = projection.project(sw);
            let (x1, y0) = projection.project(ne);
            // A hair of overlap hides the seams anti-aliasing leaves between
            // neighbouring cells.
            if let Some(rect) =
                krilla::geom::Rect::from_ltrb(x0 - 0.1, y0 - 0.1, x1 + 0.1, y1 + 0.1)
            {
                builder.push_rect(rect);
                any = true;
            }
        }
        if any {
            builder.finish()
        } else {
            None
        }
    };
    for (index, band) in layer.bands.iter().enumerate() {
        canvas.fill(path(index), band_fill(index, count, band.colour));
        if is_hatched(index, count) {
            hatch(canvas, path(index), frame, 3.0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue_19_bands_step_in_grey_from_nearly_white_and_the_last_is_hatched() {
        // Whatever hues the bands come in (here all the same), their grey
        // levels step apart.
        let colours = [[0x1a, 0x98, 0x50]; 6];
        let lumas: Vec<f32> = colours
            .iter()
            .enumerate()
            .map(|(i, c)| luma(band_fill(i, colours.len(), *c)))
            .collect();
        // Distance bands: each visibly darker than the one before on a grey copy.
        for pair in lumas[..5].windows(2) {
            assert!(pair[0] - pair[1] > 18.0, "{lumas:?}");
        }
        assert!(lumas[0] > 235.0, "{lumas:?}");
        // The best band and 「なし」: apart in grey, and 「なし」 also hatched.
        assert!((lumas[0] - lumas[5]).abs() > 15.0, "{lumas:?}");
        assert!(is_hatched(5, 6) && !is_hatched(0, 6) && !is_hatched(0, 1));
        // The hue survives: the nearest band is still greenish.
        let green = band_fill(0, 6, colours[0]);
        assert!(green.1 > green.0 && green.1 > green.2, "{green:?}");
    }
}
