//! The Japanese font every printed page uses: found on the system, measured
//! with skrifa, embedded (subset to the glyphs used) by krilla.

use crate::typeset::paper_text;
use crate::{PrintError, PrintResult};
use krilla::text::{Font, GlyphId, KrillaGlyph};
use skrifa::instance::{LocationRef, Size};
use skrifa::MetadataProvider;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where Debian and Ubuntu put the Japanese gothic fonts renkei prints with
/// (packages `fonts-ipaexfont-gothic` and `fonts-noto-cjk`), tried in order,
/// with the face index inside a collection (`.ttc`; Noto Sans CJK JP is 0).
pub const FONT_CANDIDATES: [(&str, u32); 4] = [
    ("/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf", 0),
    ("/usr/share/fonts/truetype/fonts-japanese-gothic.ttf", 0),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 0),
    ("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", 0),
];

/// Characters that must not start a line (行頭禁則): they stay on the line before.
const NO_LINE_START: &str =
    "、。，．・：；？！ー）」』】〉》〕’”ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮ)]},.:;!?%";

/// A loaded font with its advance widths, ready to lay out and draw text.
///
/// Loading reads and indexes the whole font once (about 10 ms for IPAex
/// Gothic); keep one `Fonts` and share it between documents.
#[derive(Clone)]
pub struct Fonts {
    font: Font,
    path: PathBuf,
    /// Glyph id and advance width (in em) of every mapped character.
    glyphs: Arc<HashMap<char, (u32, f32)>>,
    /// Advance of the `.notdef` glyph (em), drawn for unmapped characters.
    notdef_advance: f32,
    /// Ascender height (em).
    ascent: f32,
}

impl std::fmt::Debug for Fonts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fonts")
            .field("path", &self.path)
            .field("glyphs", &self.glyphs.len())
            .finish_non_exhaustive()
    }
}

impl Fonts {
    /// The first of [`FONT_CANDIDATES`] that exists, loaded.
    pub fn discover() -> PrintResult<Self> {
        let found = FONT_CANDIDATES
            .iter()
            .find(|(path, _)| Path::new(path).is_file());
        match found {
            Some((path, index)) => Self::load(Path::new(path), *index),
            None => Err(PrintError::FontMissing {
                searched: FONT_CANDIDATES
                    .iter()
                    .map(|(path, _)| PathBuf::from(path))
                    .collect(),
            }),
        }
    }

    /// Loads face `index` of the TrueType / OpenType file (or collection) at `path`.
    pub fn load(path: &Path, index: u32) -> PrintResult<Self> {
        let data = std::fs::read(path).map_err(|source| PrintError::FontUnreadable {
            path: path.to_owned(),
            source,
        })?;
        let invalid = || PrintError::FontInvalid {
            path: path.to_owned(),
        };
        let (glyphs, notdef_advance, ascent) = {
            let face = skrifa::FontRef::from_index(&data, index).map_err(|_| invalid())?;
            let metrics = face.metrics(Size::unscaled(), LocationRef::default());
            let units = f32::from(metrics.units_per_em.max(1));
            let advances = face.glyph_metrics(Size::unscaled(), LocationRef::default());
            let advance = |glyph| advances.advance_width(glyph).unwrap_or(units) / units;
            let glyphs: HashMap<char, (u32, f32)> = face
                .charmap()
                .mappings()
                .filter_map(|(code, glyph)| {
                    Some((char::from_u32(code)?, (glyph.to_u32(), advance(glyph))))
                })
                .collect();
            (
                glyphs,
                advance(skrifa::GlyphId::NOTDEF),
                metrics.ascent / units,
            )
        };
        if !glyphs.contains_key(&'あ') {
            return Err(PrintError::FontNotJapanese {
                path: path.to_owned(),
            });
        }
        let font = Font::new(data.into(), index).ok_or_else(invalid)?;
        Ok(Self {
            font,
            path: path.to_owned(),
            glyphs: Arc::new(glyphs),
            notdef_advance,
            ascent,
        })
    }

    /// The font file in use.
    pub fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn font(&self) -> Font {
        self.font.clone()
    }

    /// Ascender height above the baseline at `size` (points).
    pub(crate) fn ascent(&self, size: f32) -> f32 {
        self.ascent * size
    }

    fn advance(&self, ch: char) -> f32 {
        self.glyphs
            .get(&ch)
            .map_or(self.notdef_advance, |(_, advance)| *advance)
    }

    /// Width of `text` set at `size` points, in points (as printed: [`paper_text`]).
    pub fn width(&self, text: &str, size: f32) -> f32 {
        paper_text(text)
            .chars()
            .map(|ch| self.advance(ch))
            .sum::<f32>()
            * size
    }

    /// One glyph per character (CJK needs no shaping beyond the character map).
    pub(crate) fn glyphs(&self, text: &str) -> Vec<KrillaGlyph> {
        text.char_indices()
            .map(|(start, ch)| {
                let (id, advance) = self
                    .glyphs
                    .get(&ch)
                    .copied()
                    .unwrap_or((0, self.notdef_advance));
                KrillaGlyph {
                    glyph_id: GlyphId::new(id),
                    text_range: start..start + ch.len_utf8(),
                    x_advance: advance,
                    x_offset: 0.0,
                    y_offset: 0.0,
                    y_advance: 0.0,
                    location: None,
                }
            })
            .collect()
    }

    /// Breaks `text` into lines no wider than `max_width` points at `size`:
    /// between any two characters (Japanese has no spaces), never before a
    /// closing mark or small kana, and at explicit newlines. The lines are
    /// in printed form ([`paper_text`]).
    pub fn wrap(&self, text: &str, size: f32, max_width: f32) -> Vec<String> {
        let text = paper_text(text);
        let mut lines = Vec::new();
        for paragraph in text.split('\n') {
            let mut line = String::new();
            let mut width = 0.0;
            for ch in paragraph.chars() {
                let advance = self.advance(ch) * size;
                if width + advance > max_width && !line.is_empty() && !NO_LINE_START.contains(ch) {
                    lines.push(std::mem::take(&mut line));
                    width = 0.0;
                }
                line.push(ch);
                width += advance;
            }
            lines.push(line);
        }
        lines
    }

    /// `text` cut to fit `max_width` points at `size`, ending in `…` when cut.
    pub fn truncate(&self, text: &str, size: f32, max_width: f32) -> String {
        let text = paper_text(text);
        if self.width(&text, size) <= max_width {
            return text.into_owned();
        }
        let ellipsis = self.advance('…') * size;
        let mut out = String::new();
        let mut width = 0.0;
        for ch in text.chars() {
            let advance = self.advance(ch) * size;
            if width + advance + ellipsis > max_width {
                break;
            }
            out.push(ch);
            width += advance;
        }
        out.push('…');
        out
    }
}
