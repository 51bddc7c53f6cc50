//! Where things go on a map page: sizes that depend on the paper, the header,
//! the map frame, the side panel (legend, coverage legend, QR code or locator,
//! the start of a table) and the columns a table continues in on the
//! following pages. Every map page of a document has the same frame, so a
//! map that fits in the test of legibility fits when drawn.

use super::MIN_LABEL_PT;
use crate::fonts::Fonts;
use crate::geometry::PtRect;
use crate::page::{content_area, footer_top, mm, page_size, Orientation, Paper};
use crate::table::{TableKind, TableStyle};

/// Sizes that depend on the paper.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Metrics {
    /// Type scale of the paper (A3 is read from further away).
    pub scale: f32,
    /// Page margin, points.
    pub margin: f32,
    /// Half a marker's size, points.
    pub marker_radius: f32,
    /// Type size of the numbers on the map, points (never below [`MIN_LABEL_PT`]).
    pub label_size: f32,
    /// The index table's type.
    pub table: TableStyle,
}

impl Metrics {
    pub(crate) fn new(paper: Paper) -> Self {
        let scale = paper.type_scale();
        Self {
            scale,
            margin: mm(10.0),
            marker_radius: 2.3 * scale,
            label_size: (5.2 * scale).max(MIN_LABEL_PT),
            table: TableStyle {
                size: 6.2 * scale,
                kind: TableKind::Index,
            },
        }
    }

    /// Height of a number label's box, points.
    pub(crate) fn label_height(&self) -> f32 {
        self.label_size * 1.08
    }
}

/// The frame every map page shares.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PageGeometry {
    /// Page width and height, points.
    pub size: (f32, f32),
    pub paper: Paper,
    pub orientation: Orientation,
    /// Inside the margins, above the footer.
    pub content: PtRect,
    /// The map frame.
    pub frame: PtRect,
    /// Beside (landscape) or under (portrait) the frame.
    pub side: PtRect,
    /// Space between blocks.
    pub gap: f32,
}

/// The blocks of a map page's side panel.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Panel {
    pub legend: PtRect,
    pub coverage: Option<PtRect>,
    /// The QR code (first page) or the locator map (detail pages), square.
    pub corner: Option<PtRect>,
    /// Where the corner's caption goes.
    pub caption: Option<PtRect>,
    /// The first box of the page's table.
    pub table: PtRect,
}

/// Size of the QR code / locator square at type scale `s`, points.
pub(crate) fn corner_size(s: f32) -> f32 {
    72.0 * s
}

/// Title size at type scale `s`, points (smaller when a long title needs it).
pub(crate) fn title_size(s: f32) -> f32 {
    16.0 * s
}

impl PageGeometry {
    /// The geometry of `paper` in `orientation` with `credits` in the footer.
    pub(crate) fn new(
        fonts: &Fonts,
        paper: Paper,
        orientation: Orientation,
        metrics: &Metrics,
        credits: &[String],
    ) -> Self {
        let s = metrics.scale;
        let page = page_size(paper, orientation);
        let bottom = footer_top(fonts, page, metrics.margin, credits);
        let content = content_area(page, metrics.margin, bottom);
        let header_height = title_size(s) * 1.25 + 8.0 * s * 1.6 + 4.0;
        let body = PtRect {
            y0: content.y0 + header_height,
            ..content
        };
        let gap = 8.0 * s;
        let (frame, side) = match orientation {
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
        Self {
            size: page,
            paper,
            orientation,
            content,
            frame,
            side,
            gap,
        }
    }

    /// Lays out the side panel: the legend (`legend` width × height), the
    /// coverage legend (its height for the width it gets), the corner square
    /// when `corner` is true, and what is left for the table.
    pub(crate) fn panel(
        &self,
        legend: (f32, f32),
        coverage_height: Option<&dyn Fn(f32) -> f32>,
        corner: bool,
        s: f32,
    ) -> Panel {
        let side = self.side;
        let gap = self.gap;
        let square = corner_size(s);
        let landscape = self.orientation == Orientation::Landscape;
        let panel_width = if landscape {
            side.width()
        } else {
            legend.0.max(square + 4.0)
        };
        let legend_rect = PtRect::new(side.x0, side.y0, panel_width, legend.1);
        // The coverage legend goes under the legend in landscape, and in its
        // own column beside the legend in portrait, where the panel is short.
        let coverage = coverage_height.map(|height| {
            if landscape {
                PtRect::new(
                    side.x0,
                    legend_rect.y1 + gap,
                    panel_width,
                    height(panel_width),
                )
            } else {
                let width = 150.0 * s;
                PtRect::new(legend_rect.x1 + gap, side.y0, width, height(width))
            }
        });
        let corner_top = match (coverage, landscape) {
            (Some(rect), true) => rect.y1 + gap,
            _ => legend_rect.y1 + gap,
        };
        let corner_rect = corner.then(|| PtRect::new(side.x0, corner_top, square, square));
        let caption = corner_rect.map(|rect| {
            if landscape {
                let x0 = rect.x1 + 6.0 * s;
                PtRect {
                    x0,
                    x1: side.x1.max(x0 + 60.0 * s),
                    ..rect
                }
            } else {
                PtRect::new(rect.x0, rect.y1 + 3.0, panel_width, 40.0 * s)
            }
        });
        let table = if landscape {
            let above = corner_rect
                .map(|r| r.y1)
                .or(coverage.map(|r| r.y1))
                .unwrap_or(legend_rect.y1);
            PtRect {
                y0: above + gap + if corner { 10.0 * s } else { 0.0 },
                ..side
            }
        } else {
            PtRect {
                x0: coverage.map_or(side.x0 + panel_width, |rect| rect.x1) + gap,
                ..side
            }
        };
        Panel {
            legend: legend_rect,
            coverage,
            corner: corner_rect,
            caption,
            table,
        }
    }

    /// Table columns on a page of the table alone.
    pub(crate) fn columns(&self) -> usize {
        match (self.paper, self.orientation) {
            (Paper::A4, Orientation::Portrait) => 1,
            (Paper::A4, Orientation::Landscape) | (Paper::A3, Orientation::Portrait) => 2,
            (Paper::A3, Orientation::Landscape) => 3,
        }
    }

    /// Column `column` (0-based) of a page of the table alone, under its heading.
    pub(crate) fn continuation_column(&self, column: usize, s: f32) -> PtRect {
        let body = PtRect {
            y0: self.content.y0 + 9.0 * s * 1.8,
            ..self.content
        };
        let columns = self.columns();
        let width = (body.width() - self.gap * (columns - 1) as f32) / columns as f32;
        let x0 = body.x0 + column as f32 * (width + self.gap);
        PtRect {
            x0,
            x1: x0 + width,
            ..body
        }
    }
}
