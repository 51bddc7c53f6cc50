//! Paper sizes, the page frame every document shares (margins, footer with
//! sources and page numbers) and what printed facility rows say.

use crate::canvas::{Align, Canvas, Rgb};
use crate::fonts::Fonts;
use crate::geometry::PtRect;
use chrono::NaiveDate;
use renkei_core::{Answer, Facility, PublicFacility, Taxonomy};
use std::collections::BTreeSet;

/// Millimetres to points.
pub fn mm(millimetres: f32) -> f32 {
    millimetres * 72.0 / 25.4
}

/// ISO 216 paper sizes renkei prints on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Paper {
    /// 210 × 297 mm.
    #[default]
    A4,
    /// 297 × 420 mm.
    A3,
}

impl Paper {
    /// Parses `a4` / `a3` (any case).
    pub fn parse(text: &str) -> Option<Self> {
        match text.to_ascii_lowercase().as_str() {
            "a4" => Some(Self::A4),
            "a3" => Some(Self::A3),
            _ => None,
        }
    }

    /// Short side and long side in points.
    fn sides(self) -> (f32, f32) {
        match self {
            Self::A4 => (mm(210.0), mm(297.0)),
            Self::A3 => (mm(297.0), mm(420.0)),
        }
    }

    /// Type size factor: A3 is read from further away and has room.
    pub(crate) fn type_scale(self) -> f32 {
        match self {
            Self::A4 => 1.0,
            Self::A3 => 1.2,
        }
    }
}

/// Page orientation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Orientation {
    /// Taller than wide.
    #[default]
    Portrait,
    /// Wider than tall.
    Landscape,
}

impl Orientation {
    /// Parses `portrait` / `landscape` (any case).
    pub fn parse(text: &str) -> Option<Self> {
        match text.to_ascii_lowercase().as_str() {
            "portrait" => Some(Self::Portrait),
            "landscape" => Some(Self::Landscape),
            _ => None,
        }
    }
}

/// Page width and height in points for `paper` in `orientation`.
pub fn page_size(paper: Paper, orientation: Orientation) -> (f32, f32) {
    let (short, long) = paper.sides();
    match orientation {
        Orientation::Portrait => (short, long),
        Orientation::Landscape => (long, short),
    }
}

/// Credit line for the administrative boundaries (MLIT N03), as its terms ask.
pub const BOUNDARY_CREDIT: &str = "「国土数値情報（行政区域データ）」（国土交通省）を加工して作成";

/// What every page says about 医療的ケア answers.
pub const CAPABILITY_NOTE: &str = "医療的ケアは、施設が対応できると確認されたものだけを「対応可」と表示しています。それ以外は「要確認」です（対応できないという意味ではありません）。利用の前に必ず施設へお問い合わせください。";

/// The sources of `facilities` as credit lines: 「出典: attribution（licence）」
/// for each distinct source, plus a warning when demo records are included.
pub fn source_credits<'a>(facilities: impl IntoIterator<Item = &'a PublicFacility>) -> Vec<String> {
    let mut credits = BTreeSet::new();
    let mut demo = false;
    for facility in facilities {
        let provenance = &facility.provenance;
        demo |= provenance.demo;
        let attribution = provenance.attribution.trim();
        let name = if attribution.is_empty() {
            provenance.source.as_str()
        } else {
            attribution
        };
        credits.insert(format!("出典: {name}（{}）", provenance.licence));
    }
    let mut lines: Vec<String> = credits.into_iter().collect();
    if demo {
        lines.push("デモデータ（架空の施設）を含みます。実在の施設ではありません。".to_owned());
    }
    lines
}

/// The data date of a document: the latest import time of `facilities` as a
/// calendar date in Asia/Tokyo, `None` for an empty list.
pub fn data_date<'a>(
    facilities: impl IntoIterator<Item = &'a PublicFacility>,
) -> Option<NaiveDate> {
    facilities
        .into_iter()
        .map(|f| f.provenance.imported_at)
        .max()
        .map(renkei_core::verification::tokyo_date)
}

/// Today's date in Asia/Tokyo, for "作成日".
pub fn tokyo_today() -> NaiveDate {
    renkei_core::verification::tokyo_date(chrono::Utc::now())
}

/// The first phone number (a [`PublicFacility`] has only public ones).
pub fn public_phone(facility: &PublicFacility) -> Option<&str> {
    facility.phones.first().map(|phone| phone.number.as_str())
}

/// The 医療的ケア a facility states it can handle, as 「対応可: …」, with the
/// rest 要確認. Unknown is never shown as yes.
pub fn capability_summary(facility: &Facility) -> String {
    let taxonomy = Taxonomy::builtin();
    let yes: Vec<&str> = taxonomy
        .capability_codes()
        .filter(|code| facility.capability(code) == Answer::Yes)
        .map(|code| code.term().ja.as_str())
        .collect();
    if yes.is_empty() {
        "要確認".to_owned()
    } else if yes.len() == taxonomy.capabilities.len() {
        format!("対応可: {}", yes.join("・"))
    } else {
        format!("対応可: {}／他は要確認", yes.join("・"))
    }
}

/// Draws the footer of a page: credits above the bottom margin, page number
/// at the right. Returns the footer's top edge (points), the content's limit.
pub(crate) fn draw_footer(
    canvas: &mut Canvas<'_, '_>,
    page: (f32, f32),
    margin: f32,
    credits: &[String],
    page_label: &str,
) -> f32 {
    let top = footer_top(canvas.fonts(), page, margin, credits);
    let size = 6.0;
    let width = page.0 - 2.0 * margin - 40.0;
    canvas.line((margin, top), (page.0 - margin, top), Rgb::RULE, 0.4);
    let mut y = top + 2.5;
    for line in credits {
        y += canvas.paragraph(margin, y, width, size, 1.3, Rgb::MUTED, false, 3, line);
    }
    canvas.text(
        page.0 - margin,
        page.1 - margin,
        7.0,
        Rgb::MUTED,
        Align::Right,
        false,
        page_label,
    );
    top
}

/// Top of the footer [`draw_footer`] draws.
pub(crate) fn footer_top(fonts: &Fonts, page: (f32, f32), margin: f32, credits: &[String]) -> f32 {
    let width = page.0 - 2.0 * margin - 40.0;
    let height: f32 = credits
        .iter()
        .map(|line| crate::canvas::paragraph_height(fonts, line, width, 6.0, 1.3, 3))
        .sum();
    page.1 - margin - height - 3.0
}

/// The content area of a page between margins and above `bottom`.
pub(crate) fn content_area(page: (f32, f32), margin: f32, bottom: f32) -> PtRect {
    PtRect {
        x0: margin,
        y0: margin,
        x1: page.0 - margin,
        y1: bottom - 4.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use renkei_core::fixtures::fictional_facility;
    use renkei_core::{CapabilityCode, CapabilityFact, Phone, Service, Visibility};

    #[test]
    fn capabilities_show_only_confirmed_yes_and_phones_only_public_ones() {
        let mut facility = fictional_facility("p1", "visiting_nurse", "架空ステーション", None);
        assert_eq!(capability_summary(&facility), "要確認");
        facility.services.push(Service {
            key: "main".into(),
            name: "訪問看護".into(),
            service_type: None,
            ages: renkei_core::AgeRange::default(),
            accepting_new_clients: Answer::Unknown,
            respite_beds: None,
            verified: None,
            capabilities: vec![CapabilityFact {
                capability: CapabilityCode::new("ventilator").unwrap(),
                answer: Answer::Yes,
                verified: None,
                staff_note: None,
            }],
            schedules: Vec::new(),
        });
        assert_eq!(
            capability_summary(&facility),
            "対応可: 人工呼吸器／他は要確認"
        );
        facility.phones = vec![
            Phone {
                number: "0000-00-0001".into(),
                label: None,
                visibility: Visibility::StaffOnly,
            },
            Phone {
                number: "0000-00-0002".into(),
                label: None,
                visibility: Visibility::Public,
            },
        ];
        let public = PublicFacility::new(facility).unwrap();
        assert_eq!(public_phone(&public), Some("0000-00-0002"));
        assert_eq!(paper_and_orientation(), (mm(420.0), mm(297.0)));
    }

    fn paper_and_orientation() -> (f32, f32) {
        page_size(
            Paper::parse("A3").unwrap(),
            Orientation::parse("landscape").unwrap(),
        )
    }
}
