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
    /// The band's suggested colour (sRGB); printed as a light tint so
    /// markers and labels stay readable.
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
    /// The bands, nearest first.
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

/// Fill of a band: its colour mixed with 60 % white.
fn tint(colour: [u8; 3]) -> Rgb {
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "a mix of two bytes is a byte"
    )]
    let mix = |c: u8| (f32::from(c) * 0.4 + 255.0 * 0.6).round() as u8;
    Rgb(mix(colour[0]), mix(colour[1]), mix(colour[2]))
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
        canvas.stroke_rect(rect, Rgb::RULE, 0.5);
        canvas.text(
            rect.x0 + 5.0 * s,
            rect.y0 + 10.0 * s,
            8.5 * s,
            Rgb::ACCENT,
            Align::Left,
            true,
            "カバー状況（事業所までの距離）",
        );
        let size = 6.8 * s;
        let column_width = (rect.width() - 10.0 * s) / self.columns as f32;
        let top = rect.y0 + Self::title_height(s);
        for (i, band) in layer.bands.iter().enumerate() {
            let x = rect.x0 + 5.0 * s + (i % self.columns) as f32 * column_width;
            let y = top + (i / self.columns) as f32 * Self::row_height(s);
            let swatch = PtRect::new(x, y + 1.5 * s, 12.0 * s, Self::row_height(s) - 3.0 * s);
            canvas.fill_rect(swatch, tint(band.colour));
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

/// Fills the cells of `layer`, one path per band; clipped by the caller.
pub(crate) fn draw_cells(
    canvas: &mut Canvas<'_, '_>,
    layer: &CoverageLayer,
    projection: &Projection,
) {
    for (index, band) in layer.bands.iter().enumerate() {
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
            canvas.fill(builder.finish(), tint(band.colour));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tints_are_light_and_keep_the_order_of_darkness() {
        let green = tint([0x1a, 0x98, 0x50]);
        assert!(green.0 > 0x90 && green.1 > 0xc0 && green.2 > 0x90);
        assert_eq!(tint([255, 255, 255]), Rgb::WHITE);
    }
}
