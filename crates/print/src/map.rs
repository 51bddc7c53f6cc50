//! The regional resource map (地域資源マップ): a 二次医療圏 or municipality on
//! A4 or A3 with boundaries, numbered markers shaped and coloured by kind,
//! legend, grid references, scale bar, north arrow, QR code, sources, and the
//! index table that continues on the following pages.
//!
//! A map is one page when every number fits beside its marker at
//! [`MIN_LABEL_PT`] or larger, with a leader of at most [`MAX_LEADER_PT`].
//! When it does not, the map becomes an atlas, like MapOSMatic's city atlases:
//! an overview page (the municipalities or wards with their counts and the
//! pages that show them), then a detail page per municipality or ward — split
//! into grid sheets where one page is still too dense — each followed by its
//! own list. Every number is on a map page; the list gives its page and grid
//! reference (「p.5 C3」). Facilities that share a spot share one marker and
//! one label (「12-15」). Nothing is left off silently: a facility without a
//! position is listed as 「地図に表示なし」.

mod atlas;
mod content;
mod draw;
mod layout;
mod legend;
mod plan;
mod sections;
mod view;
mod write;

pub(crate) use draw::draw_rail;

use crate::coverage::CoverageLayer;
use crate::fonts::Fonts;
use crate::geometry::PtRect;
use crate::links::WebClient;
use crate::page::{
    data_date, source_credits, Orientation, Paper, BOUNDARY_CREDIT, CAPABILITY_NOTE,
};
use crate::PrintResult;
use chrono::NaiveDate;
use geo::MultiPolygon;
use renkei_core::{Answer, CapabilityCode, Facility, FacilityId, KindCode, LonLat, PublicFacility};

/// The smallest type size of a number on a map, points. A map whose numbers
/// would need smaller type becomes an atlas of larger-scale pages instead.
pub const MIN_LABEL_PT: f32 = 6.0;

/// The longest a number may be from its marker on a legible map, points
/// (about 13 mm, measured from the marker's edge): further away, a reader
/// can no longer tell which marker a number belongs to.
pub const MAX_LEADER_PT: f32 = 36.0;

/// What kind of area a map shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AreaLevel {
    /// A 二次医療圏 (secondary medical region).
    SecondaryMedicalRegion,
    /// A municipality, a designated city or a ward.
    Municipality,
}

impl AreaLevel {
    fn label(self) -> &'static str {
        match self {
            Self::SecondaryMedicalRegion => "二次医療圏",
            Self::Municipality => "市区町村",
        }
    }
}

/// One municipality or ward drawn inside the area, with its name.
#[derive(Debug, Clone, PartialEq)]
pub struct MapUnit {
    /// Name printed on the map, e.g. 茅ヶ崎市 or 鶴見区.
    pub name_ja: String,
    /// Boundary, WGS 84 lon/lat degrees.
    pub geometry: MultiPolygon<f64>,
}

/// The area a map shows.
#[derive(Debug, Clone, PartialEq)]
pub struct MapArea {
    /// Region code (4 digits) or municipality code (5 digits).
    pub code: String,
    /// Region or municipality.
    pub level: AreaLevel,
    /// Name, e.g. 湘南東部.
    pub name_ja: String,
    /// Prefecture name, e.g. 神奈川県.
    pub prefecture_ja: String,
    /// Outer boundary, WGS 84 lon/lat degrees.
    pub outline: MultiPolygon<f64>,
    /// Municipalities or wards inside, drawn with their names; an atlas has
    /// a detail page (or several) for each.
    pub units: Vec<MapUnit>,
    /// Rail lines of the base map (the web client's offline layer), drawn
    /// light under the markers; empty when none is loaded.
    pub rail_lines: Vec<Vec<LonLat>>,
    /// Credit lines the rail lines' licences ask for, printed in the footer.
    pub rail_credits: Vec<String>,
}

/// Paper, orientation and where the QR code points.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MapOptions {
    /// Paper size.
    pub paper: Paper,
    /// Orientation.
    pub orientation: Orientation,
    /// The web client the QR code opens.
    pub web: WebClient,
    /// Data date printed on the map; `None`: the latest import of the facilities shown.
    pub data_date: Option<NaiveDate>,
}

/// The filters the facilities were chosen by, stated in the map's title.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MapFilters {
    /// Only these kinds (empty: all kinds).
    pub kinds: Vec<KindCode>,
    /// Only facilities asked about these 医療的ケア (empty: none asked).
    pub needs: Vec<CapabilityCode>,
}

impl MapFilters {
    /// 「（訪問看護ステーション・病院／医療的ケア: 人工呼吸器）」, or empty
    /// when nothing was filtered.
    pub fn title_suffix(&self) -> String {
        let mut parts = Vec::new();
        if !self.kinds.is_empty() {
            let mut kinds = self.kinds.clone();
            kinds.sort_by_key(KindCode::rank);
            parts.push(
                kinds
                    .iter()
                    .map(|k| k.term().ja.as_str())
                    .collect::<Vec<_>>()
                    .join("・"),
            );
        }
        if !self.needs.is_empty() {
            parts.push(format!(
                "医療的ケア: {}",
                self.needs
                    .iter()
                    .map(|c| c.term().ja.as_str())
                    .collect::<Vec<_>>()
                    .join("・")
            ));
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("（{}）", parts.join("／"))
        }
    }
}

/// A numbered facility on a printed map.
#[derive(Debug, Clone, PartialEq)]
pub struct MapEntry {
    /// The number on the map and in the table.
    pub number: usize,
    /// Which facility.
    pub facility: FacilityId,
    /// Its name as printed.
    pub name: String,
    /// Marker position on its map page (points), `None` when it has no
    /// position or lies outside the map frame. Facilities at one spot share
    /// the marker.
    pub marker: Option<(f32, f32)>,
    /// The number label's box on its map page (points); facilities sharing a
    /// marker share the label, which reads like 「12-15」.
    pub label: Option<PtRect>,
    /// The page (1-based) of the map that shows it.
    pub page: Option<usize>,
    /// Its grid reference on that page, e.g. `C3`.
    pub grid: Option<String>,
}

/// A finished map.
#[derive(Debug, Clone)]
pub struct PrintedMap {
    /// The PDF file.
    pub pdf: Vec<u8>,
    /// Number of pages.
    pub pages: usize,
    /// Every facility with its number, in number order.
    pub entries: Vec<MapEntry>,
    /// The web-client address in the QR code.
    pub url: String,
    /// Map pages: 1 for a one-page map; the overview and the detail pages of an atlas.
    pub map_pages: Vec<usize>,
    /// Type size of the numbers on the maps, points (at least [`MIN_LABEL_PT`]).
    pub label_size_pt: f32,
}

impl PrintedMap {
    /// True when the map is an atlas (overview and detail pages).
    pub fn is_atlas(&self) -> bool {
        self.map_pages.len() > 1
    }
}

/// Draws the map of `area` with `facilities` (each gets a number; those
/// without a position are listed but not drawn).
pub fn render_map(
    fonts: &Fonts,
    area: &MapArea,
    facilities: &[&PublicFacility],
    options: &MapOptions,
) -> PrintResult<PrintedMap> {
    render_map_filtered(
        fonts,
        area,
        facilities,
        options,
        None,
        &MapFilters::default(),
    )
}

/// [`render_map`] with, when `coverage` is given, the coverage layer: land
/// cells filled by distance band under the boundaries and markers, its
/// legend block, and the QR code opening the web client's coverage view. The
/// title states the coverage profile's kinds and needs.
pub fn render_map_with_coverage(
    fonts: &Fonts,
    area: &MapArea,
    facilities: &[&PublicFacility],
    options: &MapOptions,
    coverage: Option<&CoverageLayer>,
) -> PrintResult<PrintedMap> {
    render_map_filtered(
        fonts,
        area,
        facilities,
        options,
        coverage,
        &MapFilters::default(),
    )
}

/// [`render_map_with_coverage`] with the `filters` the facilities were
/// chosen by, stated in the title (with coverage and no filters given, the
/// coverage profile's kinds and needs are stated).
pub fn render_map_filtered(
    fonts: &Fonts,
    area: &MapArea,
    facilities: &[&PublicFacility],
    options: &MapOptions,
    coverage: Option<&CoverageLayer>,
    filters: &MapFilters,
) -> PrintResult<PrintedMap> {
    let setup = Setup::new(fonts, area, facilities, options, coverage, filters);
    match content::single_page(&setup, false)? {
        Some(map) => Ok(map),
        None => atlas::render(&setup),
    }
}

/// The whole area on one page whatever its density, as renkei printed every
/// map before atlases: a number that finds no place within reach goes as far
/// as it takes, and one that finds none at all is listed without a label
/// (its entry's `label` is `None`). For a wall overview, and for comparing
/// an atlas with the page it replaces (the `regional_map` benchmark).
pub fn render_one_page_map(
    fonts: &Fonts,
    area: &MapArea,
    facilities: &[&PublicFacility],
    options: &MapOptions,
    coverage: Option<&CoverageLayer>,
    filters: &MapFilters,
) -> PrintResult<PrintedMap> {
    let setup = Setup::new(fonts, area, facilities, options, coverage, filters);
    content::single_page(&setup, true)?.ok_or_else(|| crate::PrintError::NoGeometry {
        area: area.code.clone(),
    })
}

/// What every page of one map document shares.
pub(crate) struct Setup<'a> {
    pub fonts: &'a Fonts,
    pub area: &'a MapArea,
    pub coverage: Option<&'a CoverageLayer>,
    /// The facilities, by kind, name and id.
    pub facilities: Vec<&'a PublicFacility>,
    pub metrics: layout::Metrics,
    pub geometry: layout::PageGeometry,
    pub credits: Vec<String>,
    pub title: String,
    pub subtitle: String,
    pub url: String,
    /// Digits of the largest number.
    pub digits: usize,
    /// The coverage banner, when nothing the coverage is about is confirmed.
    pub banner: Option<String>,
    /// The area's extent with a margin of a tenth on every side (lon/lat):
    /// a position beyond it (a wrong geocode far away) is not drawn, the
    /// facility is listed as 「地図に表示なし」.
    pub reach: Option<geo::Rect<f64>>,
}

impl<'a> Setup<'a> {
    fn new(
        fonts: &'a Fonts,
        area: &'a MapArea,
        facilities: &[&'a PublicFacility],
        options: &MapOptions,
        coverage: Option<&'a CoverageLayer>,
        filters: &MapFilters,
    ) -> Self {
        let metrics = layout::Metrics::new(options.paper);
        let mut ordered: Vec<&PublicFacility> = facilities.to_vec();
        ordered.sort_by(|a, b| (a.kind.rank(), &a.name, a.id).cmp(&(b.kind.rank(), &b.name, b.id)));
        let date = options
            .data_date
            .or_else(|| data_date(ordered.iter().copied()));
        let url = coverage.map_or_else(
            || {
                options
                    .web
                    .area_view(&area.level, &area.code, &filters.kinds)
            },
            |layer| layer.url.clone(),
        );
        let mut credits = vec![BOUNDARY_CREDIT.to_owned()];
        credits.extend(source_credits(ordered.iter().copied()));
        credits.extend(area.rail_credits.iter().cloned());
        credits.push(CAPABILITY_NOTE.to_owned());
        let geometry = layout::PageGeometry::new(
            fonts,
            options.paper,
            options.orientation,
            &metrics,
            &credits,
        );
        let filters = match coverage {
            Some(layer) if *filters == MapFilters::default() => MapFilters {
                kinds: layer.profile.kinds.clone(),
                needs: layer.profile.needs.clone(),
            },
            _ => filters.clone(),
        };
        let title = format!(
            "{} 医療的ケア児 地域資源マップ{}",
            area.name_ja,
            filters.title_suffix()
        );
        let subtitle = format!(
            "{} {} {}（{}）｜掲載 {} 件{}｜データ基準日 {}｜作成 renkei",
            area.prefecture_ja,
            area.level.label(),
            area.name_ja,
            area.code,
            ordered.len(),
            if filters.kinds.is_empty() {
                "（すべての種類）"
            } else {
                ""
            },
            date.map_or_else(|| "不明".to_owned(), |d| d.format("%Y-%m-%d").to_string()),
        );
        let banner = coverage.and_then(|layer| nothing_confirmed(layer, &ordered));
        let reach = geo::BoundingRect::bounding_rect(&area.outline).map(|bounds| {
            let (dx, dy) = (bounds.width() / 10.0, bounds.height() / 10.0);
            geo::Rect::new(
                geo::coord! { x: bounds.min().x - dx, y: bounds.min().y - dy },
                geo::coord! { x: bounds.max().x + dx, y: bounds.max().y + dy },
            )
        });
        Self {
            fonts,
            area,
            coverage,
            digits: ordered.len().max(1).to_string().len(),
            facilities: ordered,
            metrics,
            geometry,
            credits,
            title,
            subtitle,
            url,
            banner,
            reach,
        }
    }

    /// Whether `facility` is drawn: it has a position near the area.
    pub(crate) fn mappable(&self, facility: &Facility) -> bool {
        facility.location.position.is_some_and(|p| {
            self.reach.is_some_and(|reach| {
                geo::Intersects::intersects(&reach, &geo::Point::new(p.lon(), p.lat()))
            })
        })
    }

    /// The type scale.
    pub(crate) fn s(&self) -> f32 {
        self.metrics.scale
    }
}

/// The banner of a coverage map whose needs no facility of its kinds has
/// confirmed (e.g. 人工呼吸器, all 要確認): its colours then show the
/// distance to 要確認 providers (or nothing), which must not read as coverage.
fn nothing_confirmed(layer: &CoverageLayer, facilities: &[&PublicFacility]) -> Option<String> {
    if layer.profile.needs.is_empty() {
        return None;
    }
    let confirmed = facilities
        .iter()
        .filter(|f| layer.profile.kinds.is_empty() || layer.profile.kinds.contains(&f.kind))
        .filter(|f| {
            layer
                .profile
                .needs
                .iter()
                .all(|need| f.capability(need) == Answer::Yes)
        })
        .count();
    if confirmed > 0 {
        return None;
    }
    let needs = layer
        .profile
        .needs
        .iter()
        .map(|c| c.term().ja.as_str())
        .collect::<Vec<_>>()
        .join("・");
    let colours = if layer.include_unknown {
        "色分けは「要確認」の事業所までの距離です（対応できるとは限りません）。"
    } else {
        "確認済みの事業所だけで計算したため、地域全体が「なし」です。"
    };
    Some(format!(
        "この地域には、{needs}に「対応可」と確認された事業所がまだありません（0件）。{colours}"
    ))
}

/// Kinds among `facilities` with their counts, in taxonomy order.
pub(crate) fn kinds_present<'f>(
    facilities: impl IntoIterator<Item = &'f PublicFacility>,
) -> Vec<(KindCode, usize)> {
    let mut kinds: Vec<(KindCode, usize)> = Vec::new();
    for facility in facilities {
        match kinds.iter_mut().find(|(kind, _)| *kind == facility.kind) {
            Some((_, count)) => *count += 1,
            None => kinds.push((facility.kind.clone(), 1)),
        }
    }
    kinds.sort_by_key(|(kind, _)| kind.rank());
    kinds
}
