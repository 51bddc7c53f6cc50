//! A PDF document being written: pages drawn through [`Canvas`], link areas,
//! metadata, and the font embedded as a subset by krilla.

use crate::canvas::Canvas;
use crate::fonts::Fonts;
use crate::geometry::PtRect;
use crate::{PrintError, PrintResult};
use krilla::action::{Action, LinkAction};
use krilla::annotation::{Annotation, LinkAnnotation, Target};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::Document;

/// Clickable areas of one page (the QR codes open their address when the PDF
/// is read on screen).
#[derive(Debug, Default, Clone)]
pub(crate) struct PageLinks(Vec<(PtRect, String)>);

impl PageLinks {
    /// Makes `rect` open `url`.
    pub(crate) fn add(&mut self, rect: PtRect, url: &str) {
        self.0.push((rect, url.to_owned()));
    }
}

/// A document under construction.
pub(crate) struct DocumentBuilder {
    document: Document,
}

impl DocumentBuilder {
    /// An empty document titled `title`, in Japanese.
    pub(crate) fn new(title: &str) -> Self {
        let mut document = Document::new();
        document.set_metadata(
            Metadata::new()
                .title(title.to_owned())
                .language("ja".to_owned())
                .creator("renkei".to_owned()),
        );
        Self { document }
    }

    /// Adds a page of `size` (width, height in points) drawn by `draw`, with `links`.
    pub(crate) fn page(
        &mut self,
        size: (f32, f32),
        fonts: &Fonts,
        links: &PageLinks,
        draw: impl FnOnce(&mut Canvas<'_, '_>) -> PrintResult<()>,
    ) -> PrintResult<()> {
        let settings = PageSettings::from_wh(size.0, size.1).ok_or(PrintError::Pdf(format!(
            "page size {} × {} pt is not valid",
            size.0, size.1
        )))?;
        let mut page = self.document.start_page_with(settings);
        {
            let mut surface = page.surface();
            let mut canvas = Canvas::new(&mut surface, fonts);
            draw(&mut canvas)?;
            surface.finish();
        }
        for (rect, url) in &links.0 {
            if let Some(rect) = krilla::geom::Rect::from_ltrb(rect.x0, rect.y0, rect.x1, rect.y1) {
                page.add_annotation(Annotation::new_link(
                    LinkAnnotation::new(
                        rect,
                        Target::Action(Action::Link(LinkAction::new(url.clone()))),
                    ),
                    Some(url.clone()),
                ));
            }
        }
        page.finish();
        Ok(())
    }

    /// The finished PDF file.
    pub(crate) fn finish(self) -> PrintResult<Vec<u8>> {
        self.document
            .finish()
            .map_err(|error| PrintError::Pdf(format!("{error:?}")))
    }
}
