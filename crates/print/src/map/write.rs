//! Writing the sections of a map document as one PDF: headings, the map
//! view, banner, legends, the QR code or locator map, table boxes, footers.

use super::draw::{draw_view, page_rect, rings_path, Scene, OUTLINE};
use super::layout::title_size;
use super::legend::Legend;
use super::sections::{Corner, ListSection, MapSection, Section};
use super::Setup;
use crate::canvas::{Align, Canvas, Rgb};
use crate::coverage::CoverageLegend;
use crate::document::{DocumentBuilder, PageLinks};
use crate::geometry::{Projection, PtRect};
use crate::links::{draw_qr, is_trial_url};
use crate::page::draw_footer;
use crate::table;
use crate::{PrintError, PrintResult};

impl Setup<'_> {
    /// Writes `sections` as one PDF; returns it and its page count.
    pub(crate) fn write(&self, sections: &[Section]) -> PrintResult<(Vec<u8>, usize)> {
        let total: usize = sections.iter().map(Section::pages).sum();
        let mut document = DocumentBuilder::new(&self.title, is_trial_url(&self.url));
        let mut number = 0;
        for section in sections {
            for page_in_section in 0..section.pages() {
                number += 1;
                let label = format!("{number} / {total}");
                let mut links = PageLinks::default();
                if let Section::Map(map) = section {
                    if page_in_section == 0 && matches!(map.content.corner, Corner::Qr) {
                        if let Some(rect) = map.panel.corner {
                            links.add(rect, &self.url);
                        }
                    }
                }
                document.page(self.geometry.size, self.fonts, &links, |canvas| {
                    match section {
                        Section::Map(map) => self.draw_map_section(canvas, map, page_in_section)?,
                        Section::List(list) => self.draw_list_page(canvas, list, page_in_section),
                    }
                    draw_footer(
                        canvas,
                        self.geometry.size,
                        self.metrics.margin,
                        &self.credits,
                        &label,
                    );
                    Ok(())
                })?;
            }
        }
        Ok((document.finish()?, total))
    }

    fn draw_heading(&self, canvas: &mut Canvas<'_, '_>, title: &str, subtitle: &str) {
        let s = self.s();
        let content = self.geometry.content;
        let fitted = (content.width() / self.fonts.width(title, 1.0)).min(title_size(s));
        let size = fitted.max(9.0 * s);
        canvas.text(
            content.x0,
            content.y0 + title_size(s),
            size,
            Rgb::ACCENT,
            Align::Left,
            true,
            title,
        );
        canvas.text(
            content.x0,
            content.y0 + title_size(s) * 1.25 + 8.0 * s * 1.1,
            8.0 * s,
            Rgb::MUTED,
            Align::Left,
            false,
            subtitle,
        );
    }

    fn draw_map_section(
        &self,
        canvas: &mut Canvas<'_, '_>,
        map: &MapSection,
        page: usize,
    ) -> PrintResult<()> {
        let s = self.s();
        let columns = self.geometry.columns();
        if page == 0 {
            self.draw_heading(canvas, &map.content.title, &map.content.subtitle);
            let scene = Scene {
                area: self.area,
                coverage: self.coverage,
                names: &map.content.names,
                sheets: &map.content.sheets,
            };
            draw_view(
                canvas,
                &scene,
                &map.content.view,
                &map.content.clusters,
                self.metrics.marker_radius,
                self.metrics.label_size,
                s,
            );
            self.draw_banner(canvas, map.content.view.frame);
            Legend::draw(
                canvas,
                map.panel.legend,
                &map.content.kinds,
                self.area.level,
                !self.area.rail_lines.is_empty(),
                s,
            );
            if let (Some(layer), Some(rect)) = (self.coverage, map.panel.coverage) {
                CoverageLegend::new(self.fonts, layer, rect.width(), s)
                    .draw(canvas, rect, layer, s);
            }
            self.draw_corner(canvas, map)?;
        } else {
            self.draw_continuation_heading(canvas, &map.content.heading);
        }
        for placement in &map.placements {
            let on_page = if placement.slot == 0 {
                0
            } else {
                (placement.slot - 1) / columns + 1
            };
            if on_page == page {
                let rect = if placement.slot == 0 {
                    map.panel.table
                } else {
                    self.geometry
                        .continuation_column((placement.slot - 1) % columns, s)
                };
                table::draw(
                    canvas,
                    map.table,
                    rect,
                    &map.content.rows[placement.rows.clone()],
                );
            }
        }
        Ok(())
    }

    fn draw_list_page(&self, canvas: &mut Canvas<'_, '_>, list: &ListSection, page: usize) {
        let s = self.s();
        let columns = self.geometry.columns();
        self.draw_continuation_heading(canvas, &list.heading);
        for placement in list.placements.iter().filter(|p| p.slot / columns == page) {
            let rect = self
                .geometry
                .continuation_column(placement.slot % columns, s);
            table::draw(
                canvas,
                self.metrics.table,
                rect,
                &list.rows[placement.rows.clone()],
            );
        }
    }

    fn draw_continuation_heading(&self, canvas: &mut Canvas<'_, '_>, heading: &str) {
        let s = self.s();
        let content = self.geometry.content;
        canvas.text(
            content.x0,
            content.y0 + 9.0 * s,
            9.0 * s,
            Rgb::ACCENT,
            Align::Left,
            true,
            heading,
        );
    }

    fn draw_banner(&self, canvas: &mut Canvas<'_, '_>, frame: PtRect) {
        let (Some(text), Some(rect)) = (&self.banner, self.banner_rect(frame)) else {
            return;
        };
        let s = self.s();
        canvas.fill_rect(rect, Rgb(0xff, 0xf3, 0xe0));
        canvas.stroke_rect(rect, Rgb::CAUTION, 1.2 * s);
        canvas.paragraph(
            rect.x0 + 4.0 * s,
            rect.y0 + 3.0 * s,
            rect.width() - 8.0 * s,
            8.0 * s,
            1.3,
            Rgb::INK,
            true,
            3,
            text,
        );
    }

    fn draw_corner(&self, canvas: &mut Canvas<'_, '_>, map: &MapSection) -> PrintResult<()> {
        let s = self.s();
        let (Some(square), Some(caption)) = (map.panel.corner, map.panel.caption) else {
            return Ok(());
        };
        let (heading, detail) = match map.content.corner {
            Corner::Qr => {
                draw_qr(canvas, &self.url, square.x0, square.y0, square.width())?;
                ("スマートフォンで最新の情報を見る", self.url.clone())
            }
            Corner::Locator(bounds) => {
                self.draw_locator(canvas, square, &bounds)?;
                (
                    "全体図での位置",
                    "濃い枠がこのページの範囲です。全体図は1ページにあります。".to_owned(),
                )
            }
        };
        let used = canvas.paragraph(
            caption.x0,
            caption.y0,
            caption.width(),
            8.0 * s,
            1.35,
            Rgb::INK,
            true,
            2,
            heading,
        );
        canvas.paragraph(
            caption.x0,
            caption.y0 + used + 2.0,
            caption.width(),
            6.0 * s,
            1.3,
            Rgb::MUTED,
            false,
            4,
            &detail,
        );
        Ok(())
    }

    fn draw_locator(
        &self,
        canvas: &mut Canvas<'_, '_>,
        square: PtRect,
        bounds: &geo::Rect<f64>,
    ) -> PrintResult<()> {
        let projection = Projection::fit(&self.area.outline, square, 3.0).ok_or_else(|| {
            PrintError::NoGeometry {
                area: self.area.code.clone(),
            }
        })?;
        canvas.fill_rect(square, Rgb(0xee, 0xf3, 0xf7));
        canvas.push_clip(square);
        canvas.fill(rings_path(&self.area.outline, &projection, &[]), Rgb::WHITE);
        for unit in &self.area.units {
            canvas.stroke(
                rings_path(&unit.geometry, &projection, &[]),
                Rgb(0xbd, 0xbd, 0xbd),
                0.3,
                None,
            );
        }
        canvas.stroke(
            rings_path(&self.area.outline, &projection, &[]),
            OUTLINE,
            0.6,
            None,
        );
        let here = page_rect(&projection, bounds);
        let here = PtRect {
            x1: here.x1.max(here.x0 + 2.0),
            y1: here.y1.max(here.y0 + 2.0),
            ..here
        };
        canvas.fill_with_opacity(crate::canvas::rect_path(here), Rgb::ACCENT, 0.25);
        canvas.stroke_rect(here, Rgb::ACCENT, 1.2);
        canvas.pop();
        canvas.stroke_rect(square, Rgb::RULE, 0.5);
        Ok(())
    }
}
