//! The family leaflet (ご家族向けリーフレット): A4 landscape, printed on both
//! sides and folded in three. Page 1 is the outside (inner flap, back, front
//! cover from left to right), page 2 the inside (three panels read left to
//! right). Type is large: body 10.5 pt and up.

use crate::canvas::{Align, Canvas, Rgb};
use crate::document::{DocumentBuilder, PageLinks};
use crate::fonts::Fonts;
use crate::geometry::PtRect;
use crate::links::{draw_qr, WebClient};
use crate::map::AreaLevel;
use crate::page::{
    data_date, mm, page_size, public_phone, source_credits, tokyo_today, Orientation, Paper,
};
use crate::style::{draw_marker, kind_style};
use crate::PrintResult;
use chrono::NaiveDate;
use renkei_core::desks::PrefecturalCentre;
use renkei_core::normalize::fold;
use renkei_core::{KindCode, PublicFacility};

/// Kinds listed as places to ask (相談先): desks, public-health offices and
/// specialist bodies.
pub const DESK_KINDS: [&str; 4] = [
    "consultation_desk",
    "municipal_desk",
    "public_health_office",
    "specialist_body",
];

/// A core hospital named by the region table, with its directory record
/// when one matches by name.
#[derive(Debug, Clone, PartialEq)]
pub struct LeafletEntry<'a> {
    /// Name as the region table gives it.
    pub name: String,
    /// The matching facility, for address and phone.
    pub facility: Option<&'a PublicFacility>,
}

/// What a leaflet shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Leaflet<'a> {
    /// 二次医療圏 code.
    pub region_code: String,
    /// Region name, e.g. 湘南東部.
    pub region_name_ja: String,
    /// Prefecture name.
    pub prefecture_ja: String,
    /// The region's core hospitals (中核病院).
    pub core_hospitals: Vec<LeafletEntry<'a>>,
    /// Desks, offices and specialist bodies, in the order printed.
    pub desks: Vec<&'a PublicFacility>,
    /// The prefecture's support centre, listed on every leaflet of the
    /// prefecture after the region's own desks.
    pub centre: Option<&'static PrefecturalCentre>,
    /// Designated cities (政令市) with wards in the region, whose residents
    /// ask their city's desk first (as the prefecture's centre says).
    pub designated_cities_ja: Vec<String>,
    /// Who hands the leaflet out (配布元), printed in the issuer box; `None`
    /// leaves the box blank for a stamp or handwriting.
    pub issuer: Option<String>,
    /// The day the leaflet is printed (Asia/Tokyo).
    pub printed_on: NaiveDate,
    /// Date printed as the data date; `None`: the latest import of what is shown.
    pub data_date: Option<NaiveDate>,
    /// The web client the QR code opens.
    pub web: WebClient,
}

impl<'a> Leaflet<'a> {
    /// Picks from `facilities` (those of the region) the desks of
    /// [`DESK_KINDS`] and the records of the core hospitals the region table
    /// names (matched by folded name), and any facility of kind `core_hospital`.
    pub fn for_region(
        region_code: &str,
        region_name_ja: &str,
        prefecture_ja: &str,
        core_hospital_names: &[String],
        facilities: &[&'a PublicFacility],
        web: WebClient,
    ) -> Self {
        let mut desks: Vec<&PublicFacility> = facilities
            .iter()
            .copied()
            .filter(|f| DESK_KINDS.contains(&f.kind.as_str()))
            .collect();
        desks.sort_by(|a, b| (a.kind.rank(), &a.name).cmp(&(b.kind.rank(), &b.name)));
        let mut core_hospitals: Vec<LeafletEntry<'a>> = core_hospital_names
            .iter()
            .map(|name| LeafletEntry {
                name: name.clone(),
                facility: facilities.iter().copied().find(|f| {
                    matches!(f.kind.as_str(), "hospital" | "core_hospital")
                        && fold(&f.name) == fold(name)
                }),
            })
            .collect();
        for facility in facilities
            .iter()
            .copied()
            .filter(|f| f.kind.as_str() == "core_hospital")
        {
            if !core_hospitals
                .iter()
                .any(|entry| entry.facility.is_some_and(|f| f.id == facility.id))
            {
                core_hospitals.push(LeafletEntry {
                    name: facility.name.clone(),
                    facility: Some(facility),
                });
            }
        }
        Self {
            region_code: region_code.to_owned(),
            region_name_ja: region_name_ja.to_owned(),
            prefecture_ja: prefecture_ja.to_owned(),
            core_hospitals,
            desks,
            centre: None,
            designated_cities_ja: Vec::new(),
            issuer: None,
            printed_on: tokyo_today(),
            data_date: None,
            web,
        }
    }
}

/// Body type size, points.
const BODY: f32 = 10.5;
/// Heading type size, points.
const HEADING: f32 = 15.0;

/// How much narrower the panel folded in is than the other two, so that it
/// folds inside without buckling (millimetres).
const FOLD_IN_NARROWER_MM: f32 = 2.5;

/// The x of the two folds and each panel's left edge and width, points, for
/// a page of `width` points with the narrower fold-in panel at `fold_in`
/// (0: left, 2: right).
fn panel_columns(width: f32, fold_in: usize) -> [(f32, f32); 3] {
    let wide = (width + mm(FOLD_IN_NARROWER_MM)) / 3.0;
    let narrow = width - 2.0 * wide;
    let widths: [f32; 3] = std::array::from_fn(|i| if i == fold_in { narrow } else { wide });
    let mut x = 0.0;
    widths.map(|w| {
        let column = (x, w);
        x += w;
        column
    })
}

/// Makes the two-page leaflet PDF.
pub fn render_leaflet(fonts: &Fonts, leaflet: &Leaflet<'_>) -> PrintResult<Vec<u8>> {
    let page = page_size(Paper::A4, Orientation::Landscape);
    let inset = mm(8.0);
    // The outside's left panel folds in; printed on both sides with 短辺とじ
    // its back is the inside's right panel.
    let outside = panel_columns(page.0, 0);
    let inside_columns = panel_columns(page.0, 2);
    let panel = |columns: &[(f32, f32); 3], i: usize| {
        let (x, width) = columns[i];
        PtRect::new(x + inset, inset, width - 2.0 * inset, page.1 - 2.0 * inset)
    };
    let url = leaflet
        .web
        .area_view(&AreaLevel::SecondaryMedicalRegion, &leaflet.region_code);
    let shown: Vec<&PublicFacility> = leaflet
        .desks
        .iter()
        .copied()
        .chain(leaflet.core_hospitals.iter().filter_map(|e| e.facility))
        .collect();
    let date = leaflet
        .data_date
        .or_else(|| data_date(shown.iter().copied()));
    let credits = source_credits(shown.iter().copied());
    let title = format!(
        "{}地域 医療的ケア児と家族のための相談先ガイド",
        leaflet.region_name_ja
    );

    let cover = panel(&outside, 2);
    let qr_size = 120.0;
    let qr_rect = PtRect::new(
        cover.x0 + (cover.width() - qr_size) / 2.0,
        cover.y0 + 250.0,
        qr_size,
        qr_size,
    );
    let mut document = DocumentBuilder::new(&title);
    let mut outside_links = PageLinks::default();
    outside_links.add(qr_rect, &url);
    document.page(page, fonts, &outside_links, |canvas| {
        fold_marks(canvas, page, &outside);
        duplex_hint(canvas, page, inset);
        how_to_search(canvas, panel(&outside, 0), &leaflet.web);
        about(canvas, panel(&outside, 1), &credits, date, leaflet);
        front_cover(canvas, cover, leaflet, &url, qr_rect)
    })?;
    document.page(page, fonts, &PageLinks::default(), |canvas| {
        fold_marks(canvas, page, &inside_columns);
        inside(
            canvas,
            [0, 1, 2].map(|i| panel(&inside_columns, i)),
            leaflet,
        );
        Ok(())
    })?;
    document.finish()
}

fn fold_marks(canvas: &mut Canvas<'_, '_>, page: (f32, f32), columns: &[(f32, f32); 3]) {
    for &(x, _) in &columns[1..] {
        canvas.line((x, 0.0), (x, mm(5.0)), Rgb::RULE, 0.5);
        canvas.line((x, page.1 - mm(5.0)), (x, page.1), Rgb::RULE, 0.5);
    }
}

/// How to print and fold, in the bottom margin of the outside.
fn duplex_hint(canvas: &mut Canvas<'_, '_>, page: (f32, f32), inset: f32) {
    canvas.text(
        page.0 / 2.0,
        page.1 - inset / 2.0 + 2.0,
        6.5,
        Rgb::MUTED,
        Align::Center,
        false,
        "両面印刷は「短辺とじ」で。左の面を内側に折り込み、右の面が表紙になるように三つ折りにします。",
    );
}

/// A heading with a tinted band; returns the y below it.
fn heading(canvas: &mut Canvas<'_, '_>, rect: PtRect, y: f32, text: &str) -> f32 {
    let band = PtRect::new(rect.x0, y, rect.width(), HEADING * 1.7);
    canvas.fill_rect(band, Rgb::TINT);
    canvas.fill_rect(PtRect::new(rect.x0, y, 4.0, band.height()), Rgb::ACCENT);
    canvas.text(
        rect.x0 + 9.0,
        y + HEADING * 1.2,
        HEADING,
        Rgb::ACCENT,
        Align::Left,
        true,
        text,
    );
    band.y1 + 8.0
}

fn body(canvas: &mut Canvas<'_, '_>, rect: PtRect, y: f32, size: f32, text: &str) -> f32 {
    y + canvas.paragraph(
        rect.x0,
        y,
        rect.width(),
        size,
        1.55,
        Rgb::INK,
        false,
        12,
        text,
    ) + size * 0.6
}

fn how_to_search(canvas: &mut Canvas<'_, '_>, rect: PtRect, web: &WebClient) {
    let mut y = heading(canvas, rect, rect.y0, "近くの支援先の探し方");
    let steps = [
        format!("QRコードを読み取るか、{} を開きます。", web.base()),
        "住所や町名を入れるか、「現在地」を押します。".to_owned(),
        "お子さんに必要な医療的ケア（人工呼吸器、経管栄養、吸引など）と年齢を選びます。".to_owned(),
        "近い順に、対応できると確認された施設と「要確認」の施設が分けて表示されます。".to_owned(),
    ];
    for (i, step) in steps.iter().enumerate() {
        let circle = crate::canvas::circle_path(rect.x0 + 10.0, y + 9.0, 10.0);
        canvas.fill(circle, Rgb::ACCENT);
        canvas.text(
            rect.x0 + 10.0,
            y + 13.5,
            13.0,
            Rgb::WHITE,
            Align::Center,
            true,
            &(i + 1).to_string(),
        );
        let inner = PtRect {
            x0: rect.x0 + 27.0,
            ..rect
        };
        y = body(canvas, inner, y, BODY + 0.5, step).max(y + 24.0) + 4.0;
    }
    y += 6.0;
    y = heading(canvas, rect, y, "「要確認」とは");
    body(
        canvas,
        rect,
        y,
        BODY,
        "その医療的ケアに対応できるかどうか、まだ誰も確認していないという意味です。対応できないという意味ではありません。利用の前に、施設に電話でお問い合わせください。相談窓口でも一緒にお調べします。",
    );
}

fn about(
    canvas: &mut Canvas<'_, '_>,
    rect: PtRect,
    credits: &[String],
    date: Option<NaiveDate>,
    leaflet: &Leaflet<'_>,
) {
    let mut y = heading(canvas, rect, rect.y0, "renkei（連携）について");
    y = body(
        canvas,
        rect,
        y,
        BODY,
        "医療的ケアが必要なお子さんとご家族が、自宅の近くで利用できる病院・訪問看護・障害福祉サービス・相談窓口を探すための地図と名簿です。二次医療圏ごとに、相談先と支援先の情報をまとめています。",
    );
    y = body(
        canvas,
        rect,
        y,
        BODY,
        "このリーフレットにも、Webの検索にも、お子さんやご家族の情報は保存されません。",
    );
    y += 4.0;
    y = heading(canvas, rect, y, "情報について");
    let dated = date.map_or_else(
        || "掲載内容は作成時点のものです。".to_owned(),
        |d| {
            format!(
                "データ基準日: {}。掲載内容は作成時点のものです。最新の情報はWebでご確認ください。",
                d.format("%Y年%m月%d日")
            )
        },
    );
    y = body(canvas, rect, y, BODY, &dated);
    let issuer = PtRect::new(
        rect.x0,
        rect.y1 - ISSUER_BOX_HEIGHT,
        rect.width(),
        ISSUER_BOX_HEIGHT,
    );
    for credit in credits {
        if y + 8.0 * 1.55 > issuer.y0 - 6.0 {
            break;
        }
        y = body(canvas, rect, y, 8.0, credit);
    }
    issuer_box(canvas, issuer, leaflet);
}

/// Height of the issuer box (配布元), points.
const ISSUER_BOX_HEIGHT: f32 = 64.0;

/// Who hands the leaflet out and when it was printed; without an issuer the
/// box stays blank for a desk's stamp or handwriting.
fn issuer_box(canvas: &mut Canvas<'_, '_>, rect: PtRect, leaflet: &Leaflet<'_>) {
    canvas.stroke_rect(rect, Rgb::RULE, 0.8);
    canvas.text(
        rect.x0 + 6.0,
        rect.y0 + 13.0,
        9.0,
        Rgb::MUTED,
        Align::Left,
        true,
        "配布元",
    );
    if let Some(issuer) = &leaflet.issuer {
        canvas.paragraph(
            rect.x0 + 6.0,
            rect.y0 + 18.0,
            rect.width() - 12.0,
            11.0,
            1.35,
            Rgb::INK,
            true,
            2,
            issuer,
        );
    }
    canvas.text(
        rect.x1 - 6.0,
        rect.y1 - 6.0,
        8.0,
        Rgb::MUTED,
        Align::Right,
        false,
        &format!("印刷日 {}", leaflet.printed_on.format("%Y年%m月%d日")),
    );
}

fn front_cover(
    canvas: &mut Canvas<'_, '_>,
    rect: PtRect,
    leaflet: &Leaflet<'_>,
    url: &str,
    qr_rect: PtRect,
) -> PrintResult<()> {
    let band = PtRect::new(rect.x0 - mm(8.0), 0.0, rect.width() + mm(16.0), 200.0);
    canvas.fill_rect(band, Rgb::ACCENT);
    let mut y = rect.y0 + 20.0;
    for line in [
        "医療的ケアが必要な",
        "お子さんとご家族のための",
        "相談先ガイド",
    ] {
        canvas.text(
            rect.x0 + rect.width() / 2.0,
            y + 20.0,
            20.0,
            Rgb::WHITE,
            Align::Center,
            true,
            line,
        );
        y += 30.0;
    }
    canvas.text(
        rect.x0 + rect.width() / 2.0,
        y + 22.0,
        15.0,
        Rgb::WHITE,
        Align::Center,
        true,
        &format!("{}地域（二次医療圏）", leaflet.region_name_ja),
    );
    canvas.text(
        rect.x0 + rect.width() / 2.0,
        y + 44.0,
        11.0,
        Rgb::WHITE,
        Align::Center,
        false,
        &leaflet.prefecture_ja,
    );
    draw_qr(canvas, url, qr_rect.x0, qr_rect.y0, qr_rect.width())?;
    let mut y = qr_rect.y1 + 10.0;
    for line in ["スマートフォンで", "近くの支援先を探せます"] {
        canvas.text(
            rect.x0 + rect.width() / 2.0,
            y + 13.0,
            13.0,
            Rgb::INK,
            Align::Center,
            true,
            line,
        );
        y += 19.0;
    }
    canvas.paragraph(
        rect.x0,
        y + 6.0,
        rect.width(),
        8.0,
        1.3,
        Rgb::MUTED,
        false,
        4,
        url,
    );
    canvas.text(
        rect.x0 + rect.width() / 2.0,
        rect.y1 - 4.0,
        11.0,
        Rgb::ACCENT,
        Align::Center,
        true,
        "renkei（連携）",
    );
    Ok(())
}

/// One listed place: marker, name, address, phone. Returns the y below it.
fn card(
    canvas: &mut Canvas<'_, '_>,
    rect: PtRect,
    y: f32,
    kind: Option<&KindCode>,
    name: &str,
    facility: Option<&PublicFacility>,
) -> f32 {
    let indent = 14.0;
    if let Some(kind) = kind {
        let (shape, color) = kind_style(kind);
        draw_marker(canvas, shape, color, rect.x0 + 5.0, y + 6.5, 4.5);
    }
    let inner = PtRect {
        x0: rect.x0 + indent,
        ..rect
    };
    let mut y = y + canvas.paragraph(
        inner.x0,
        y,
        inner.width(),
        12.0,
        1.35,
        Rgb::INK,
        true,
        3,
        name,
    );
    if let Some(facility) = facility {
        y += canvas.paragraph(
            inner.x0,
            y + 1.0,
            inner.width(),
            BODY,
            1.4,
            Rgb::MUTED,
            false,
            3,
            &facility.location.address,
        );
        if let Some(phone) = public_phone(facility) {
            canvas.text(
                inner.x0,
                y + 16.0,
                14.0,
                Rgb::INK,
                Align::Left,
                true,
                &format!("電話 {phone}"),
            );
            y += 20.0;
        }
    }
    y + 9.0
}

fn card_height(fonts: &Fonts, width: f32, name: &str, facility: Option<&PublicFacility>) -> f32 {
    let inner = width - 14.0;
    let mut height = crate::canvas::paragraph_height(fonts, name, inner, 12.0, 1.35, 3);
    if let Some(facility) = facility {
        height +=
            crate::canvas::paragraph_height(fonts, &facility.location.address, inner, BODY, 1.4, 3)
                + 1.0;
        if public_phone(facility).is_some() {
            height += 20.0;
        }
    }
    height + 9.0
}

/// Lists `desks` in `rect` from `y` down to `bottom`, saying how many more
/// the Web shows when they do not all fit; returns the y below the last.
fn desk_cards(
    canvas: &mut Canvas<'_, '_>,
    rect: PtRect,
    mut y: f32,
    bottom: f32,
    desks: &[&PublicFacility],
) -> f32 {
    let note_height = BODY * 2.0;
    for (i, desk) in desks.iter().enumerate() {
        let height = card_height(canvas.fonts(), rect.width(), &desk.name, Some(desk));
        if y + height > bottom - note_height {
            return body(
                canvas,
                rect,
                y,
                BODY,
                &format!("ほか {} か所はWebでご覧いただけます。", desks.len() - i),
            );
        }
        y = card(canvas, rect, y, Some(&desk.kind), &desk.name, Some(desk));
    }
    y
}

/// The lines of the prefectural centre's card: (size, bold, text).
fn centre_lines(centre: &PrefecturalCentre) -> Vec<(f32, bool, String)> {
    let mut lines = vec![
        (9.0, true, "県の相談窓口".to_owned()),
        (12.0, true, centre.name.clone()),
        (14.0, true, format!("電話 {}", centre.phone)),
    ];
    if let Some(fax) = &centre.fax {
        lines.push((BODY, false, format!("FAX {fax}")));
    }
    lines.push((9.0, false, centre.hours.clone()));
    lines.push((9.0, false, centre.place.clone()));
    lines
}

const CENTRE_LINE_HEIGHT: f32 = 1.4;

fn centre_card_height(fonts: &Fonts, width: f32, centre: &PrefecturalCentre) -> f32 {
    centre_lines(centre)
        .iter()
        .map(|(size, _, text)| {
            crate::canvas::paragraph_height(fonts, text, width - 16.0, *size, CENTRE_LINE_HEIGHT, 3)
        })
        .sum::<f32>()
        + 16.0
}

/// The prefecture's support centre in a framed card whose top is `y`.
fn centre_card(canvas: &mut Canvas<'_, '_>, rect: PtRect, y: f32, centre: &PrefecturalCentre) {
    let height = centre_card_height(canvas.fonts(), rect.width(), centre);
    let frame = PtRect::new(rect.x0, y, rect.width(), height);
    canvas.fill_rect(frame, Rgb::TINT);
    canvas.stroke_rect(frame, Rgb::ACCENT, 1.0);
    let mut line_y = y + 8.0;
    for (size, bold, text) in centre_lines(centre) {
        let color = if size < BODY { Rgb::MUTED } else { Rgb::INK };
        line_y += canvas.paragraph(
            rect.x0 + 8.0,
            line_y,
            rect.width() - 16.0,
            size,
            CENTRE_LINE_HEIGHT,
            color,
            bold,
            3,
            &text,
        );
    }
}

/// Panel 1 of the inside: the region's desks, then the prefecture's centre.
fn ask_first(canvas: &mut Canvas<'_, '_>, rect: PtRect, leaflet: &Leaflet<'_>) {
    let mut y = heading(canvas, rect, rect.y0, "まずはご相談ください");
    if !leaflet.designated_cities_ja.is_empty() {
        y = body(
            canvas,
            rect,
            y,
            BODY,
            &format!(
                "{}にお住まいの方は、まず市の相談窓口にご相談ください。",
                leaflet.designated_cities_ja.join("・")
            ),
        );
    }
    let desks: Vec<&PublicFacility> = leaflet
        .desks
        .iter()
        .copied()
        .filter(|f| DESK_KINDS[..2].contains(&f.kind.as_str()))
        .collect();
    // The centre follows the desks; the desks give way when space runs out.
    let centre_height = leaflet.centre.map_or(0.0, |centre| {
        centre_card_height(canvas.fonts(), rect.width(), centre) + 6.0
    });
    let y = if desks.is_empty() {
        body(
            canvas,
            rect,
            y,
            BODY,
            "この地域の相談窓口は、まだ登録されていません。お住まいの市区町村の障害福祉・母子保健の担当課にもご相談いただけます。",
        )
    } else {
        desk_cards(canvas, rect, y, rect.y1 - centre_height, &desks)
    };
    if let Some(centre) = leaflet.centre {
        centre_card(canvas, rect, y.min(rect.y1 - centre_height) + 6.0, centre);
    }
}

/// Emergency numbers every family should have at hand.
const EMERGENCY: [(&str, &str); 2] = [
    (
        "#8000",
        "こども医療電話相談：夜間や休日に、子どもの急な病気やけがで受診に迷ったとき",
    ),
    ("119", "救急車：命に関わるとき、ためらわずに"),
];

fn inside(canvas: &mut Canvas<'_, '_>, panels: [PtRect; 3], leaflet: &Leaflet<'_>) {
    ask_first(canvas, panels[0], leaflet);
    let rect = panels[1];
    let y = heading(canvas, rect, rect.y0, "保健福祉事務所・専門機関");
    let offices: Vec<&PublicFacility> = leaflet
        .desks
        .iter()
        .copied()
        .filter(|f| DESK_KINDS[2..].contains(&f.kind.as_str()))
        .collect();
    if offices.is_empty() {
        body(
            canvas,
            rect,
            y,
            BODY,
            "この地域の保健福祉事務所・専門機関は、まだ登録されていません。",
        );
    } else {
        desk_cards(canvas, rect, y, rect.y1, &offices);
    }
    // Panel 3: the core hospitals and what to do in an emergency.
    let rect = panels[2];
    let mut y = heading(canvas, rect, rect.y0, "地域の中核病院");
    y = body(
        canvas,
        rect,
        y,
        BODY - 0.5,
        "地域で医療的ケア児の支援の中心となる病院です。受診や相談は、まず主治医や相談窓口にご相談ください。",
    );
    if leaflet.core_hospitals.is_empty() {
        y = body(
            canvas,
            rect,
            y,
            BODY,
            "この地域の中核病院は、まだ登録されていません。",
        );
    }
    let hospital = KindCode::new("core_hospital").ok();
    for entry in &leaflet.core_hospitals {
        y = card(
            canvas,
            rect,
            y,
            hospital.as_ref(),
            &entry.name,
            entry.facility,
        );
    }
    y += 6.0;
    let mut y = heading(canvas, rect, y, "困ったときは");
    for (number, what) in EMERGENCY {
        canvas.text(rect.x0, y + 16.0, 18.0, Rgb::INK, Align::Left, true, number);
        let inner = PtRect {
            x0: rect.x0 + 62.0,
            ..rect
        };
        y = body(canvas, inner, y + 2.0, BODY - 0.5, what).max(y + 26.0);
    }
    body(
        canvas,
        rect,
        y,
        BODY - 0.5,
        "体調の急な変化は、かかりつけの医療機関へ。災害に備えて、医療機器の電源や連絡先を日ごろから確かめておきましょう。",
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue_19_the_fold_in_panel_is_narrower_and_the_panels_fill_the_page() {
        let (width, _) = page_size(Paper::A4, Orientation::Landscape);
        for fold_in in [0, 2] {
            let columns = panel_columns(width, fold_in);
            let total: f32 = columns.iter().map(|(_, w)| w).sum();
            assert!((total - width).abs() < 0.01);
            let wide = columns[usize::from(fold_in == 0)].1;
            assert!((wide - columns[fold_in].1 - mm(FOLD_IN_NARROWER_MM)).abs() < 0.01);
            assert!((columns[2].0 + columns[2].1 - width).abs() < 0.01);
        }
    }
}
