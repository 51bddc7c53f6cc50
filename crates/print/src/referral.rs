//! The referral sheet (紹介先候補シート): an A4 sheet a desk hands a family
//! after a search — the needs searched, the results in two clearly separated
//! lists (confirmed / 要確認) with contact details, a small map and a QR code
//! back to the same search. It is made from the request and kept nowhere.

use crate::canvas::{circle_path, Align, Canvas, Rgb};
use crate::document::{DocumentBuilder, PageLinks};
use crate::fonts::Fonts;
use crate::geometry::{Projection, PtRect};
use crate::labels::{place_labels, LabelRequest};
use crate::links::draw_qr;
use crate::page::{
    data_date, draw_footer, footer_top, mm, page_size, public_phone, source_credits, Orientation,
    Paper, CAPABILITY_NOTE,
};
use crate::style::{draw_marker, kind_style};
use crate::PrintResult;
use chrono::NaiveDate;
use renkei_core::need::{NeedProfile, TravelModel};
use renkei_core::verification::answer_label_ja;
use renkei_core::{LonLat, PublicFacility, PublicHit};
use thousands::Separable;

/// A search result on the sheet: a hit of `renkei_core::search` made public
/// ([`renkei_core::search::Hit::into_public`]).
pub type ReferralCandidate = PublicHit;

/// What a referral sheet shows.
#[derive(Debug, Clone)]
pub struct Referral {
    /// The place as the desk named it (address, 町丁目, or "lon, lat").
    pub place_label: String,
    /// The search origin, WGS 84 lon/lat; `None` for a search by area or text.
    pub origin: Option<LonLat>,
    /// Search radius, metres.
    pub radius_m: f64,
    /// Kinds, needs, age and accepting searched for.
    pub profile: NeedProfile,
    /// Conditions besides place, reach and profile, as printed: label and
    /// value (e.g. 地域 = 1407 湘南東部, 名前・住所 = 訪問看護).
    pub filters: Vec<(&'static str, String)>,
    /// Facilities confirmed to meet every need, nearest first.
    pub confirmed: Vec<ReferralCandidate>,
    /// 要確認 facilities (some need not stated), nearest first.
    pub unknown: Vec<ReferralCandidate>,
    /// Confirmed matches in all, listed or not (`None`: not counted).
    pub total_confirmed: Option<usize>,
    /// 要確認 matches in all, listed or not (`None`: not counted).
    pub total_unknown: Option<usize>,
    /// The same search in the web client (for the QR code).
    pub search_url: String,
    /// The day the sheet is made (Asia/Tokyo).
    pub created_on: NaiveDate,
    /// Data date; `None`: the latest import of the facilities listed.
    pub data_date: Option<NaiveDate>,
}

/// One block of the sheet's flowing part.
enum Block<'r> {
    Section {
        title: String,
        note: &'static str,
        color: Rgb,
        empty: bool,
    },
    Card {
        number: usize,
        hit: &'r ReferralCandidate,
    },
}

const BODY: f32 = 8.6;

fn section_height() -> f32 {
    BODY * 4.3
}

fn needs_text(hit: &ReferralCandidate) -> String {
    hit.needs
        .iter()
        .map(|status| {
            format!(
                "{}: {}",
                status.capability.term().ja,
                answer_label_ja(status.answer, status.verified.as_ref())
            )
        })
        .collect::<Vec<_>>()
        .join("　")
}

fn distance_text(hit: &ReferralCandidate) -> String {
    hit.distance_m.map_or_else(String::new, |metres| {
        format!(
            "約 {:.1} km・車で約 {:.0} 分（目安）",
            metres / 1000.0,
            TravelModel::DEFAULT.minutes(metres).ceil()
        )
    })
}

/// Weekday codes (iCalendar BYDAY) in week order with their Japanese names.
const WEEKDAYS: [(&str, &str); 7] = [
    ("MO", "月"),
    ("TU", "火"),
    ("WE", "水"),
    ("TH", "木"),
    ("FR", "金"),
    ("SA", "土"),
    ("SU", "日"),
];

/// The opening hours the facility states (first service that has any), e.g.
/// 「受付 月火水木金 9:00〜17:00（祝日を除く）」; empty when none is stored.
fn hours_text(facility: &PublicFacility) -> String {
    let Some(schedules) = facility
        .services
        .iter()
        .map(|service| &service.schedules)
        .find(|schedules| !schedules.is_empty())
    else {
        return String::new();
    };
    let parts: Vec<String> = schedules
        .iter()
        .map(|schedule| {
            let days: String = WEEKDAYS
                .iter()
                .filter(|(code, _)| schedule.weekdays.iter().any(|d| d == code))
                .map(|(_, ja)| *ja)
                .collect();
            let time = match (&schedule.opens_at, &schedule.closes_at) {
                (Some(open), Some(close)) => format!("{open}〜{close}"),
                (Some(open), None) => format!("{open}〜"),
                (None, Some(close)) => format!("〜{close}"),
                (None, None) => String::new(),
            };
            let note = schedule
                .description
                .as_deref()
                .map(|d| format!("（{d}）"))
                .unwrap_or_default();
            [days, time].join(" ").trim().to_owned() + &note
        })
        .filter(|part| !part.is_empty())
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("受付 {}", parts.join("／"))
    }
}

fn card_lines(hit: &ReferralCandidate) -> [String; 4] {
    let facility = &hit.facility;
    [
        format!(
            "{}（{}）",
            facility.location.address,
            facility.kind.term().ja
        ),
        [
            public_phone(facility)
                .map(|p| format!("電話 {p}"))
                .unwrap_or_default(),
            distance_text(hit),
        ]
        .into_iter()
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join("　"),
        hours_text(facility),
        needs_text(hit),
    ]
}

/// Width of the memo column beside each card, points: room for the desk to
/// note what the phone call said.
const MEMO_WIDTH: f32 = 118.0;

/// The width of a card's text beside the memo column.
fn text_width(width: f32) -> f32 {
    width - 24.0 - MEMO_WIDTH - 8.0
}

fn card_height(fonts: &Fonts, width: f32, hit: &ReferralCandidate) -> f32 {
    let inner = text_width(width);
    let mut height =
        crate::canvas::paragraph_height(fonts, &hit.facility.name, inner, BODY + 1.6, 1.3, 2);
    for line in card_lines(hit) {
        if !line.is_empty() {
            height += crate::canvas::paragraph_height(fonts, &line, inner, BODY, 1.35, 3);
        }
    }
    // The memo box needs room for two written lines.
    height.max(BODY * 5.2) + 7.0
}

/// Makes the referral sheet PDF (one page, more when the lists are long).
#[expect(
    clippy::too_many_lines,
    reason = "page layout reads best top to bottom in one place"
)]
pub fn render_referral(fonts: &Fonts, referral: &Referral) -> PrintResult<Vec<u8>> {
    let page = page_size(Paper::A4, Orientation::Portrait);
    let margin = mm(12.0);
    let listed: Vec<&PublicFacility> = referral
        .confirmed
        .iter()
        .chain(&referral.unknown)
        .map(|h| &h.facility)
        .collect();
    let date = referral
        .data_date
        .or_else(|| data_date(listed.iter().copied()));
    let mut credits = source_credits(listed.iter().copied());
    credits.push(CAPABILITY_NOTE.to_owned());
    if listed.iter().any(|f| f.location.geocoded.is_some()) {
        credits.push(
            "距離は直線距離からの目安です。住所から求めた位置（町丁目や市区町村の代表点）の施設は、実際の場所と数百 m 以上ずれることがあります。"
                .to_owned(),
        );
    }
    credits.push(format!(
        "作成日 {}　データ基準日 {}　この用紙の内容（検索条件を含む）はどこにも保存されていません。",
        referral.created_on.format("%Y-%m-%d"),
        date.map_or_else(|| "不明".to_owned(), |d| d.format("%Y-%m-%d").to_string())
    ));
    let bottom = footer_top(fonts, page, margin, &credits);
    let width = page.0 - 2.0 * margin;

    // First page: title, conditions and map, QR.
    let top = margin;
    let map_rect = PtRect::new(page.0 - margin - 215.0, top + 30.0, 215.0, 185.0);
    let conditions = PtRect::new(margin, top + 30.0, map_rect.x0 - margin - 10.0, 185.0);
    let qr_size = 62.0;
    let qr_rect = PtRect::new(conditions.x0, conditions.y1 - qr_size, qr_size, qr_size);
    let first_list_top = map_rect.y1 + 12.0;

    // Flowing part: section headings and cards, paginated.
    let mut blocks = Vec::new();
    let mut number = 0;
    for (title, note, color, hits, total) in [
        (
            "確認済み：探している医療的ケアにすべて対応可",
            "施設が対応できると確認された情報です。",
            Rgb(0x2e, 0x7d, 0x32),
            &referral.confirmed,
            referral.total_confirmed,
        ),
        (
            "要確認：対応できるかまだ確認されていません",
            "対応できないという意味ではありません。利用の前に必ず電話でお問い合わせください。",
            Rgb::CAUTION,
            &referral.unknown,
            referral.total_unknown,
        ),
    ] {
        blocks.push(Block::Section {
            title: format!("{title}{}", count_text(hits.len(), total)),
            note,
            color,
            empty: hits.is_empty(),
        });
        for hit in hits {
            number += 1;
            blocks.push(Block::Card { number, hit });
        }
    }
    let height = |block: &Block<'_>| match block {
        Block::Section { .. } => section_height(),
        Block::Card { hit, .. } => card_height(fonts, width, hit),
    };
    let mut pages: Vec<Vec<(f32, usize)>> = vec![Vec::new()];
    let mut y = first_list_top;
    for (i, block) in blocks.iter().enumerate() {
        let h = height(block);
        let keep_with_next = matches!(block, Block::Section { .. })
            && blocks
                .get(i + 1)
                .is_some_and(|next| y + h + height(next) > bottom - 4.0);
        if (y + h > bottom - 4.0 || keep_with_next) && !pages.last().is_some_and(Vec::is_empty) {
            pages.push(Vec::new());
            y = margin + 16.0;
        }
        pages.last_mut().expect("one page at least").push((y, i));
        y += h;
    }

    let title = "紹介先候補シート（医療的ケア児の支援先）";
    let mut document = DocumentBuilder::new(title);
    let total = pages.len();
    for (page_index, placed) in pages.iter().enumerate() {
        let mut links = PageLinks::default();
        if page_index == 0 {
            links.add(qr_rect, &referral.search_url);
        }
        document.page(page, fonts, &links, |canvas| {
            if page_index == 0 {
                canvas.text(
                    margin,
                    top + 17.0,
                    17.0,
                    Rgb::ACCENT,
                    Align::Left,
                    true,
                    title,
                );
                canvas.text(
                    page.0 - margin,
                    top + 17.0,
                    9.0,
                    Rgb::MUTED,
                    Align::Right,
                    false,
                    &format!("作成日 {}", referral.created_on.format("%Y年%m月%d日")),
                );
                draw_conditions(canvas, conditions, referral);
                draw_qr(
                    canvas,
                    &referral.search_url,
                    qr_rect.x0,
                    qr_rect.y0,
                    qr_size,
                )?;
                let caption = PtRect {
                    x0: qr_rect.x1 + 6.0,
                    ..conditions
                };
                let used = canvas.paragraph(
                    caption.x0,
                    qr_rect.y0 + 4.0,
                    caption.width(),
                    9.0,
                    1.3,
                    Rgb::INK,
                    true,
                    2,
                    "この検索をスマートフォンで開く",
                );
                canvas.paragraph(
                    caption.x0,
                    qr_rect.y0 + 6.0 + used,
                    caption.width(),
                    6.0,
                    1.3,
                    Rgb::MUTED,
                    false,
                    4,
                    &referral.search_url,
                );
                draw_small_map(canvas, map_rect, referral);
            } else {
                canvas.text(
                    margin,
                    margin + 9.0,
                    9.0,
                    Rgb::ACCENT,
                    Align::Left,
                    true,
                    &format!("{title}（続き）"),
                );
            }
            for &(y, i) in placed {
                match &blocks[i] {
                    Block::Section {
                        title,
                        note,
                        color,
                        empty,
                    } => draw_section(canvas, margin, y, width, title, note, *color, *empty),
                    Block::Card { number, hit } => {
                        draw_card(canvas, margin, y, width, *number, hit);
                    }
                }
            }
            draw_footer(
                canvas,
                page,
                margin,
                &credits,
                &format!("{} / {total}", page_index + 1),
            );
            Ok(())
        })?;
    }
    document.finish()
}

/// 「（20件／全6,648件）」 when the list shows part of the matches, else 「（3件）」.
fn count_text(shown: usize, total: Option<usize>) -> String {
    let grouped = |n: usize| n.separate_with_commas();
    match total {
        Some(total) if total > shown => format!("（{}件／全{}件）", grouped(shown), grouped(total)),
        _ => format!("（{}件）", grouped(shown)),
    }
}

fn draw_conditions(canvas: &mut Canvas<'_, '_>, rect: PtRect, referral: &Referral) {
    let profile = &referral.profile;
    let join = |items: Vec<String>| {
        if items.is_empty() {
            "指定なし".to_owned()
        } else {
            items.join("・")
        }
    };
    let place = match referral.origin {
        Some(point) => format!(
            "{}（経度 {:.4}, 緯度 {:.4}）",
            referral.place_label,
            point.lon(),
            point.lat()
        ),
        None => referral.place_label.clone(),
    };
    let mut rows = vec![
        ("場所", place),
        (
            "範囲",
            format!(
                "半径 {:.1} km 以内（車で約 {:.0} 分が目安）",
                referral.radius_m / 1000.0,
                TravelModel::DEFAULT.minutes(referral.radius_m).ceil()
            ),
        ),
        (
            "医療的ケア",
            join(profile.needs.iter().map(|c| c.term().ja.clone()).collect()),
        ),
        (
            "施設の種類",
            join(profile.kinds.iter().map(|k| k.term().ja.clone()).collect()),
        ),
        (
            "年齢",
            profile
                .age_years
                .map_or_else(|| "指定なし".to_owned(), |age| format!("{age}歳")),
        ),
        (
            "新規受け入れ",
            if profile.accepting_only {
                "受け入れ中のみ".to_owned()
            } else {
                "指定なし".to_owned()
            },
        ),
    ];
    rows.extend(referral.filters.iter().cloned());
    canvas.text(
        rect.x0,
        rect.y0 + 10.0,
        10.5,
        Rgb::ACCENT,
        Align::Left,
        true,
        "検索した条件",
    );
    let mut y = rect.y0 + 16.0;
    for (label, value) in rows {
        canvas.text(
            rect.x0,
            y + BODY + 1.0,
            BODY,
            Rgb::MUTED,
            Align::Left,
            false,
            label,
        );
        y += canvas.paragraph(
            rect.x0 + 58.0,
            y,
            rect.width() - 58.0,
            BODY + 1.0,
            1.35,
            Rgb::INK,
            true,
            3,
            &value,
        ) + 3.0;
    }
}

#[expect(
    clippy::too_many_arguments,
    reason = "one heading band: position, size and its texts"
)]
fn draw_section(
    canvas: &mut Canvas<'_, '_>,
    x: f32,
    y: f32,
    width: f32,
    title: &str,
    note: &str,
    color: Rgb,
    empty: bool,
) {
    let band = PtRect::new(x, y + 3.0, width, BODY * 2.1);
    canvas.fill_rect(band, color);
    canvas.text(
        x + 6.0,
        band.y1 - BODY * 0.6,
        BODY + 2.0,
        Rgb::WHITE,
        Align::Left,
        true,
        title,
    );
    let note = if empty {
        format!("該当する施設はありません。{note}")
    } else {
        note.to_owned()
    };
    canvas.paragraph(
        x + 2.0,
        band.y1 + 2.0,
        width - 4.0,
        BODY - 0.6,
        1.3,
        Rgb::INK,
        false,
        1,
        &note,
    );
}

fn draw_card(
    canvas: &mut Canvas<'_, '_>,
    x: f32,
    y: f32,
    width: f32,
    number: usize,
    hit: &ReferralCandidate,
) {
    let facility = &hit.facility;
    let (shape, color) = kind_style(&facility.kind);
    draw_marker(canvas, shape, color, x + 7.0, y + 7.5, 4.0);
    canvas.text(
        x + 20.0,
        y + BODY + 2.0,
        BODY + 1.0,
        Rgb::INK,
        Align::Right,
        true,
        &number.to_string(),
    );
    let inner_x = x + 24.0;
    let inner_w = text_width(width);
    let mut cursor = y + canvas.paragraph(
        inner_x,
        y,
        inner_w,
        BODY + 1.6,
        1.3,
        Rgb::INK,
        true,
        2,
        &facility.name,
    );
    for (i, line) in card_lines(hit).iter().enumerate() {
        if line.is_empty() {
            continue;
        }
        // The needs line (last) is set apart in a cooler grey.
        let color = if i == 3 {
            Rgb(0x37, 0x47, 0x4f)
        } else {
            Rgb::INK
        };
        cursor += canvas.paragraph(inner_x, cursor, inner_w, BODY, 1.35, color, i == 1, 3, line);
    }
    let bottom = cursor.max(y + BODY * 5.2);
    memo_box(
        canvas,
        PtRect::new(
            x + width - MEMO_WIDTH,
            y + 1.0,
            MEMO_WIDTH,
            bottom - y - 1.0,
        ),
    );
    canvas.line(
        (x, bottom + 3.5),
        (x + width, bottom + 3.5),
        Rgb(0xe0, 0xe0, 0xe0),
        0.4,
    );
}

/// A ruled box headed メモ, for the desk's notes from the phone call.
fn memo_box(canvas: &mut Canvas<'_, '_>, rect: PtRect) {
    canvas.stroke_rect(rect, Rgb::RULE, 0.5);
    canvas.text(
        rect.x0 + 3.0,
        rect.y0 + BODY - 1.0,
        BODY - 2.0,
        Rgb::MUTED,
        Align::Left,
        false,
        "メモ（電話で確認したこと）",
    );
    let mut line_y = rect.y0 + BODY * 2.4;
    while line_y < rect.y1 - 2.0 {
        canvas.line(
            (rect.x0 + 3.0, line_y),
            (rect.x1 - 3.0, line_y),
            Rgb(0xe0, 0xe0, 0xe0),
            0.4,
        );
        line_y += BODY * 1.6;
    }
}

/// The origin and the numbered results, fitted to `rect`, with a scale note.
#[expect(
    clippy::too_many_lines,
    reason = "fit, label and draw the small map in one pass"
)]
fn draw_small_map(canvas: &mut Canvas<'_, '_>, rect: PtRect, referral: &Referral) {
    canvas.fill_rect(rect, Rgb(0xf4, 0xf6, 0xf8));
    canvas.stroke_rect(rect, Rgb::RULE, 0.5);
    let hits: Vec<&ReferralCandidate> =
        referral.confirmed.iter().chain(&referral.unknown).collect();
    let points: Vec<LonLat> = hits
        .iter()
        .filter_map(|h| h.facility.location.position)
        .chain(referral.origin)
        .collect();
    let Some(first) = points.first() else {
        canvas.text(
            rect.x0 + rect.width() / 2.0,
            rect.y0 + rect.height() / 2.0,
            9.0,
            Rgb::MUTED,
            Align::Center,
            false,
            "地図に示す位置がありません",
        );
        return;
    };
    let (mut west, mut south, mut east, mut north) =
        (first.lon(), first.lat(), first.lon(), first.lat());
    for p in &points {
        west = west.min(p.lon());
        east = east.max(p.lon());
        south = south.min(p.lat());
        north = north.max(p.lat());
    }
    // At least about 1 km across, so a single point does not fill the frame.
    let pad = 0.005;
    let (Ok(south_west), Ok(north_east)) = (
        LonLat::new(west - pad, south - pad),
        LonLat::new(east + pad, north + pad),
    ) else {
        return;
    };
    let projection = Projection::fit_bounds(south_west, north_east, rect, 14.0);
    canvas.push_clip(rect);
    let mut requests = Vec::new();
    let mut numbers = Vec::new();
    for (i, hit) in hits.iter().enumerate() {
        if let Some(position) = hit.facility.location.position {
            let (x, y) = projection.project(position);
            let text = (i + 1).to_string();
            requests.push(LabelRequest {
                anchor: (x, y),
                width: canvas.fonts().width(&text, 6.5) + 2.0,
                height: 7.2,
                marker_radius: 3.0,
            });
            numbers.push((i, text));
        }
    }
    let mut reserved = Vec::new();
    if let Some(origin) = referral.origin {
        let (x, y) = projection.project(origin);
        reserved.push(PtRect::centered(x, y, 12.0, 12.0));
    }
    let placed = place_labels(rect.inflate(-1.0), &requests, &reserved);
    for (request, placement) in requests.iter().zip(&placed) {
        if let Some(p) = placement.filter(|p| p.leader) {
            canvas.line(
                request.anchor,
                p.rect.nearest_point(request.anchor.0, request.anchor.1),
                Rgb(0x61, 0x61, 0x61),
                0.35,
            );
        }
    }
    for ((request, placement), (i, text)) in requests.iter().zip(&placed).zip(&numbers) {
        let (shape, color) = kind_style(&hits[*i].facility.kind);
        draw_marker(
            canvas,
            shape,
            color,
            request.anchor.0,
            request.anchor.1,
            3.0,
        );
        if let Some(p) = placement {
            canvas.fill_with_opacity(crate::canvas::rect_path(p.rect), Rgb::WHITE, 0.9);
            canvas.text(
                p.rect.x0 + p.rect.width() / 2.0,
                p.rect.y1 - 1.5,
                6.5,
                Rgb::INK,
                Align::Center,
                true,
                text,
            );
        }
    }
    if let Some(origin) = referral.origin {
        let (x, y) = projection.project(origin);
        canvas.fill_and_stroke(
            circle_path(x, y, 4.5),
            Rgb(0xd8, 0x1b, 0x60),
            Rgb::WHITE,
            1.2,
        );
        canvas.text(
            x + 7.0,
            y - 5.0,
            7.0,
            Rgb(0xd8, 0x1b, 0x60),
            Align::Left,
            true,
            "検索地点",
        );
    }
    canvas.pop();
    let across_km = f64::from(rect.width()) * projection.metres_per_point() / 1000.0;
    canvas.text(
        rect.x1 - 3.0,
        rect.y1 - 3.0,
        6.0,
        Rgb::MUTED,
        Align::Right,
        false,
        &format!("地図の幅 約 {across_km:.1} km・上が北"),
    );
}
