//! A PDF document being written: pages drawn through [`Canvas`], link areas,
//! metadata, and the font embedded as a subset by krilla.

use crate::canvas::{Align, Canvas, Rgb};
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

/// The trial-print mark at the top of every page of a document whose links
/// open only on the computer that printed it.
pub const TRIAL_MARK: &str = "試し刷り";
/// What the mark says besides 「試し刷り」.
const TRIAL_NOTE: &str = "公開URLが設定されていないため、QRコードとURLはこの端末でしか開けません。配布しないでください（renkei serve --public-url）";

/// A document under construction.
pub(crate) struct DocumentBuilder {
    document: Document,
    trial: bool,
}

impl DocumentBuilder {
    /// An empty document titled `title`, in Japanese; with `trial`, every
    /// page carries the [`TRIAL_MARK`] (its links open only where it was printed).
    pub(crate) fn new(title: &str, trial: bool) -> Self {
        let mut document = Document::new();
        document.set_metadata(
            Metadata::new()
                .title(title.to_owned())
                .language("ja".to_owned())
                .creator("renkei".to_owned()),
        );
        Self { document, trial }
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
            if self.trial {
                draw_trial_mark(&mut canvas, size);
            }
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

/// 「試し刷り」 and why, in a framed band across the top margin, over
/// anything drawn there.
fn draw_trial_mark(canvas: &mut Canvas<'_, '_>, page: (f32, f32)) {
    let (mark_size, note_size) = (11.0, 6.5);
    let mark_width = canvas.fonts().width(TRIAL_MARK, mark_size);
    let note_width = canvas.fonts().width(TRIAL_NOTE, note_size);
    let width = (mark_width + note_width + 18.0).min(page.0 - 12.0);
    let band = PtRect::new((page.0 - width) / 2.0, 4.0, width, 17.0);
    canvas.fill_rect(band, Rgb::WHITE);
    canvas.stroke_rect(band, Rgb::CAUTION, 1.2);
    canvas.text(
        band.x0 + 6.0,
        band.y0 + 12.5,
        mark_size,
        Rgb::CAUTION,
        Align::Left,
        true,
        TRIAL_MARK,
    );
    canvas.text(
        band.x0 + 12.0 + mark_width,
        band.y0 + 11.5,
        note_size,
        Rgb::CAUTION,
        Align::Left,
        false,
        TRIAL_NOTE,
    );
}
