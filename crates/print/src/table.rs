//! The index table of a map: numbered rows with wrapped cells, grouped by
//! kind, flowing through boxes (the rest of a map page, then columns of
//! following pages) with the column titles repeated at the top of each box.
//! Cells wrap to as many lines as they need: an address is never cut.

use crate::canvas::{Align, Canvas, Rgb};
use crate::fonts::Fonts;
use crate::geometry::PtRect;
use crate::style::{draw_marker, Shape};

/// Column titles of the index table; 地図 is where on the map (「C3」, or
/// 「p.5 C3」 in an atlas).
const INDEX_TITLES: [&str; 6] = ["番号", "名称", "住所", "電話", "医療的ケア", "地図"];

/// Column titles of an atlas's list of sheets.
const SHEET_TITLES: [&str; 4] = ["ページ", "詳細図", "件数", "番号"];

/// Lines a row is expected to need at most, for deciding whether a box is
/// page-sized (a row taller than that is placed anyway).
const TYPICAL_LINES: usize = 3;

/// One table row.
#[derive(Debug, Clone)]
pub(crate) enum Row {
    /// A kind heading: marker and 「病院（12件）」.
    Group {
        /// Heading text.
        title: String,
        /// The kind's marker.
        shape: Shape,
        /// The kind's colour.
        color: Rgb,
    },
    /// A facility (number, name, address, phone, capabilities, map
    /// reference) or a sheet (page, name, count, numbers).
    Entry {
        /// The number shown on the map (or the sheet's page).
        number: String,
        /// The kind's marker (`None` for a sheet).
        marker: Option<(Shape, Rgb)>,
        /// The other columns, one per title after the first.
        cells: Vec<String>,
    },
}

/// Which table a box holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TableKind {
    /// The facilities of a map.
    Index,
    /// The sheets of an atlas.
    Sheets,
}

/// Type size and column widths of a table box.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TableStyle {
    /// Body type size, points.
    pub size: f32,
    /// Which columns.
    pub kind: TableKind,
}

impl TableStyle {
    fn line(self) -> f32 {
        self.size * 1.28
    }

    fn pad(self) -> f32 {
        self.size * 0.35
    }

    fn header_height(self) -> f32 {
        self.line() + 2.0 * self.pad()
    }

    fn titles(self) -> &'static [&'static str] {
        match self.kind {
            TableKind::Index => &INDEX_TITLES,
            TableKind::Sheets => &SHEET_TITLES,
        }
    }

    /// Left edge and width of each column in a box `width` points wide.
    fn columns(self, x: f32, width: f32) -> Vec<(f32, f32)> {
        let number = self.size * 4.0;
        let widths = match self.kind {
            TableKind::Index => {
                let phone = self.size * 8.2;
                let reference = self.size * 5.4;
                let rest = (width - number - phone - reference).max(30.0);
                vec![
                    number,
                    rest * 0.38,
                    rest * 0.38,
                    phone,
                    rest * 0.24,
                    reference,
                ]
            }
            TableKind::Sheets => {
                let count = self.size * 5.0;
                let numbers = self.size * 8.0;
                let rest = (width - number - count - numbers).max(30.0);
                vec![number, rest, count, numbers]
            }
        };
        let mut left = x;
        widths
            .into_iter()
            .map(|w| {
                let column = (left, w);
                left += w;
                column
            })
            .collect()
    }

    /// Height of `row` in a box `width` points wide.
    pub(crate) fn row_height(self, fonts: &Fonts, row: &Row, width: f32) -> f32 {
        match row {
            Row::Group { .. } => self.line() * 1.2 + 2.0 * self.pad(),
            Row::Entry { cells, .. } => {
                let columns = self.columns(0.0, width);
                let lines = cells
                    .iter()
                    .zip(&columns[1..])
                    .map(|(text, (_, w))| fonts.wrap(text, self.size, w - 2.0 * self.pad()).len())
                    .max()
                    .unwrap_or(1);
                self.line() * lines as f32 + 2.0 * self.pad()
            }
        }
    }
}

/// Rows assigned to one box.
#[derive(Debug, Clone)]
pub(crate) struct Placement {
    /// Which box (index into the boxes the flow used).
    pub slot: usize,
    /// Rows in the box, as a range of the row list.
    pub rows: std::ops::Range<usize>,
}

/// Flows `rows` through boxes: `slot(i)` gives box `i` (it is asked for
/// more boxes until every row is placed). A group heading is never left
/// alone at the bottom of a box.
pub(crate) fn flow(
    fonts: &Fonts,
    style: TableStyle,
    rows: &[Row],
    mut slot: impl FnMut(usize) -> PtRect,
) -> Vec<Placement> {
    let mut placements = Vec::new();
    let mut index = 0;
    let mut start = 0;
    while start < rows.len() {
        let rect = slot(index);
        let mut y = rect.y0 + style.header_height();
        let mut end = start;
        while end < rows.len() {
            let height = style.row_height(fonts, &rows[end], rect.width());
            let keep_with_next = matches!(rows[end], Row::Group { .. })
                && rows.get(end + 1).is_some_and(|next| {
                    y + height + style.row_height(fonts, next, rect.width()) > rect.y1
                });
            if y + height > rect.y1 || keep_with_next {
                break;
            }
            y += height;
            end += 1;
        }
        if end == start && rect.height() >= page_sized(style) {
            // A row taller than a whole box: place it anyway rather than loop.
            end += 1;
        }
        if end > start {
            placements.push(Placement {
                slot: index,
                rows: start..end,
            });
        }
        start = end;
        index += 1;
    }
    placements
}

fn page_sized(style: TableStyle) -> f32 {
    style.header_height() + style.line() * (TYPICAL_LINES as f32 + 2.0)
}

/// Draws the column titles and `rows` into `rect`.
#[expect(
    clippy::too_many_lines,
    reason = "header, group rows and entry rows of one table box"
)]
pub(crate) fn draw(canvas: &mut Canvas<'_, '_>, style: TableStyle, rect: PtRect, rows: &[Row]) {
    let columns = style.columns(rect.x0, rect.width());
    let pad = style.pad();
    let line = style.line();
    let header = PtRect::new(rect.x0, rect.y0, rect.width(), style.header_height());
    canvas.fill_rect(header, Rgb::ACCENT);
    for (title, (x, _)) in style.titles().iter().zip(&columns) {
        canvas.text(
            x + pad,
            rect.y0 + pad + style.size,
            style.size,
            Rgb::WHITE,
            Align::Left,
            true,
            title,
        );
    }
    let mut y = header.y1;
    for (i, row) in rows.iter().enumerate() {
        let height = style.row_height(canvas.fonts(), row, rect.width());
        match row {
            Row::Group {
                title,
                shape,
                color,
            } => {
                let band = PtRect::new(rect.x0, y + pad, rect.width(), height - pad);
                canvas.fill_rect(band, Rgb::TINT);
                let mid = band.y0 + band.height() / 2.0;
                draw_marker(
                    canvas,
                    *shape,
                    *color,
                    rect.x0 + pad + style.size * 0.6,
                    mid,
                    style.size * 0.5,
                );
                canvas.text(
                    rect.x0 + pad + style.size * 1.6,
                    mid + style.size * 0.38,
                    style.size * 1.05,
                    Rgb::INK,
                    Align::Left,
                    true,
                    title,
                );
            }
            Row::Entry {
                number,
                marker,
                cells,
            } => {
                if i % 2 == 1 {
                    canvas.fill_rect(
                        PtRect::new(rect.x0, y, rect.width(), height),
                        Rgb(0xf5, 0xf5, 0xf5),
                    );
                }
                let (x0, w0) = columns[0];
                if let Some((shape, color)) = marker {
                    draw_marker(
                        canvas,
                        *shape,
                        *color,
                        x0 + pad + style.size * 0.45,
                        y + pad + line * 0.45,
                        style.size * 0.4,
                    );
                }
                canvas.text(
                    x0 + w0 - pad,
                    y + pad + style.size,
                    style.size,
                    Rgb::INK,
                    Align::Right,
                    true,
                    number,
                );
                for (text, (x, w)) in cells.iter().zip(&columns[1..]) {
                    let color = if text == "要確認" {
                        Rgb::CAUTION
                    } else {
                        Rgb::INK
                    };
                    canvas.paragraph(
                        x + pad,
                        y + pad,
                        w - 2.0 * pad,
                        style.size,
                        1.28,
                        color,
                        false,
                        usize::MAX,
                        text,
                    );
                }
                canvas.line(
                    (rect.x0, y + height),
                    (rect.x1, y + height),
                    Rgb(0xe0, 0xe0, 0xe0),
                    0.3,
                );
            }
        }
        y += height;
    }
}
