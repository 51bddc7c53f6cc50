//! The parts of a map document: a map section (a map page with its header,
//! side panel and the start of its table, then the table's following pages)
//! or a list section (a table alone), laid out before anything is drawn, so
//! that page numbers are known for the references that print them.

use super::draw::PlaceName;
use super::layout::Panel;
use super::legend::Legend;
use super::view::{Cluster, View};
use super::Setup;
use crate::coverage::CoverageLegend;
use crate::geometry::PtRect;
use crate::table::{self, Placement, Row, TableKind, TableStyle};
use renkei_core::KindCode;

/// What the square in a map page's side panel shows.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Corner {
    /// The QR code to the web client (the first page).
    Qr,
    /// The whole area with this page's part marked (detail pages).
    Locator(geo::Rect<f64>),
}

/// A map page and its table, laid out.
pub(crate) struct MapSection {
    pub content: MapContent,
    pub table: TableStyle,
    pub panel: Panel,
    pub placements: Vec<Placement>,
    pub pages: usize,
}

/// A table alone.
pub(crate) struct ListSection {
    pub heading: String,
    pub rows: Vec<Row>,
    pub placements: Vec<Placement>,
    pub pages: usize,
}

/// One part of a map document.
pub(crate) enum Section {
    Map(Box<MapSection>),
    List(ListSection),
}

impl Section {
    pub(crate) fn pages(&self) -> usize {
        match self {
            Self::Map(map) => map.pages,
            Self::List(list) => list.pages,
        }
    }
}

/// What a map section shows.
pub(crate) struct MapContent {
    pub title: String,
    pub subtitle: String,
    /// Heading of the table's following pages.
    pub heading: String,
    pub view: View,
    pub clusters: Vec<Cluster>,
    pub names: Vec<PlaceName>,
    /// Grid sheets to outline (lon/lat), within their unit.
    pub sheets: Vec<(geo::Rect<f64>, Option<usize>)>,
    pub kinds: Vec<(KindCode, usize)>,
    pub corner: Corner,
    pub rows: Vec<Row>,
    pub table: TableKind,
}

impl Setup<'_> {
    /// The panel of a map page with `kinds` in its legend.
    fn panel(&self, kinds: &[(KindCode, usize)], corner: bool) -> Panel {
        let s = self.s();
        let legend = Legend::new(self.fonts, kinds, !self.area.rail_lines.is_empty(), s);
        let coverage = self
            .coverage
            .map(|layer| move |width: f32| CoverageLegend::new(self.fonts, layer, width, s).height);
        self.geometry.panel(
            (legend.width, legend.height),
            coverage.as_ref().map(|f| f as &dyn Fn(f32) -> f32),
            corner,
            s,
        )
    }

    /// Lays out a map section: its panel and how its table flows.
    pub(crate) fn map_section(&self, content: MapContent) -> MapSection {
        let panel = self.panel(&content.kinds, true);
        let style = TableStyle {
            size: self.metrics.table.size,
            kind: content.table,
        };
        let columns = self.geometry.columns();
        let s = self.s();
        let placements = table::flow(self.fonts, style, &content.rows, |slot| {
            if slot == 0 {
                panel.table
            } else {
                self.geometry.continuation_column((slot - 1) % columns, s)
            }
        });
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
        MapSection {
            content,
            table: style,
            panel,
            placements,
            pages,
        }
    }

    /// Lays out a table alone.
    pub(crate) fn list_section(&self, heading: String, rows: Vec<Row>) -> ListSection {
        let columns = self.geometry.columns();
        let s = self.s();
        let placements = table::flow(self.fonts, self.metrics.table, &rows, |slot| {
            self.geometry.continuation_column(slot % columns, s)
        });
        let pages = placements
            .iter()
            .map(|p| p.slot / columns + 1)
            .max()
            .unwrap_or(0);
        ListSection {
            heading,
            rows,
            placements,
            pages,
        }
    }

    /// The banner's box inside `frame`, below the grid letters.
    pub(crate) fn banner_rect(&self, frame: PtRect) -> Option<PtRect> {
        let s = self.s();
        let text = self.banner.as_ref()?;
        let width = frame.width() - 50.0 * s;
        let height =
            crate::canvas::paragraph_height(self.fonts, text, width - 8.0 * s, 8.0 * s, 1.3, 3)
                + 6.0 * s;
        Some(PtRect::new(
            frame.x0 + 14.0 * s,
            frame.y0 + 10.0 * s,
            width,
            height,
        ))
    }
}

/// The first page of each section of `pages` pages, for 「p.5」
/// references, and last the page after the document's end.
pub(crate) fn page_numbers(pages: &[usize]) -> Vec<usize> {
    let mut next = 1;
    let mut starts: Vec<usize> = pages
        .iter()
        .map(|count| {
            let page = next;
            next += count;
            page
        })
        .collect();
    starts.push(next);
    starts
}
