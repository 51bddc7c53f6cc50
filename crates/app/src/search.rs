//! Referral search: the services near a place (or in an area, or matching a
//! text) that can handle a child's care, nearest first, with confirmed
//! results and the 要確認 (unknown) tier in separate lists. Answered from the
//! snapshot's directory index ([`renkei_core::search`]); a place given as
//! text is placed by the snapshot's geocoder.

use crate::error::{positive_up_to, whole_in_range, AppError, AppResult, PlaceProblem};
use crate::geocode::Place;
use crate::landmark::municipality_of_landmark;
use crate::snapshot::Snapshot;
use renkei_core::geocode::Precision;
use renkei_core::need::{NeedProfile, TravelModel, MAX_AGE_YEARS};
use renkei_core::search::{
    Area, SearchPage, SearchQuery, TextQuery, DEFAULT_LIMIT, DEFAULT_RADIUS_M, MAX_LIMIT,
    MAX_RADIUS_M,
};
use renkei_core::verification::{tokyo_date, AgeingPolicy};
use renkei_core::{LonLat, PublicFacility};

/// Largest offset a page may start at (deeper pages are not useful to anyone).
pub const MAX_OFFSET: usize = 100_000;

/// Largest `max_minutes` accepted: [`MAX_RADIUS_M`] as estimated travel minutes.
pub fn max_search_minutes() -> f64 {
    MAX_RADIUS_M / TravelModel::DEFAULT.reach_m(1.0)
}

/// Where a search is from.
#[derive(Debug, Clone, PartialEq)]
pub enum SearchPlace {
    /// A point, WGS 84 lon/lat.
    Point(LonLat),
    /// An address, 町丁目 or municipality, placed by the offline geocoder.
    Near(String),
}

/// How far a search (or a coverage threshold) reaches.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Reach {
    /// Straight-line distance, metres.
    Metres(f64),
    /// Estimated travel time by car, minutes ([`TravelModel::DEFAULT`]).
    Minutes(f64),
}

impl Reach {
    /// The distance in metres, minutes converted with `travel`.
    pub fn metres(self, travel: TravelModel) -> f64 {
        match self {
            Self::Metres(metres) => metres,
            Self::Minutes(minutes) => travel.reach_m(minutes),
        }
    }
}

/// A referral search as a front door asks it; [`SearchRequest::prepare`] checks it.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchRequest {
    /// Where from; may be left out only with `area` or `text`.
    pub place: Option<SearchPlace>,
    /// Radius or travel time; default [`DEFAULT_RADIUS_M`].
    pub reach: Option<Reach>,
    /// Kinds, 医療的ケア needs, age (0–[`MAX_AGE_YEARS`]) and accepting.
    pub profile: NeedProfile,
    /// Only this 二次医療圏 or municipality.
    pub area: Option<Area>,
    /// Words over names, readings and addresses.
    pub text: Option<String>,
    /// Also list the 要確認 tier, separately.
    pub include_unknown: bool,
    /// Hits per list and page, 1–[`MAX_LIMIT`].
    pub limit: usize,
    /// Hits of each list to skip, at most [`MAX_OFFSET`].
    pub offset: usize,
    /// With needs and no kinds: search only the kinds that can plausibly
    /// provide the needs ([`renkei_core::relevance::default_kinds`]), as a
    /// family search does. False searches every kind.
    pub default_kinds: bool,
    /// When confirmed answers lapse to 要確認 (#16); a profile that sets
    /// [`NeedProfile::lapsed_before`] itself keeps its date.
    pub ageing: AgeingPolicy,
}

impl Default for SearchRequest {
    fn default() -> Self {
        Self {
            place: None,
            reach: None,
            profile: NeedProfile::default(),
            area: None,
            text: None,
            include_unknown: false,
            limit: DEFAULT_LIMIT,
            offset: 0,
            default_kinds: true,
            ageing: AgeingPolicy::default(),
        }
    }
}

/// Where distances are measured from.
#[derive(Debug, Clone, PartialEq)]
pub struct Origin {
    /// The point, WGS 84 lon/lat.
    pub point: LonLat,
    /// Place name: the geocoded text, or the town the coordinates are in.
    pub label: Option<String>,
    /// `coordinates` (given as a point), `town` or `municipality` (placed from text).
    pub precision: &'static str,
}

/// A checked search: the origin it resolved and the index query.
#[derive(Debug, Clone, PartialEq)]
pub struct PreparedSearch {
    /// Where from, when a place was given.
    pub origin: Option<Origin>,
    /// What the index is asked.
    pub query: SearchQuery,
    /// True when `query.profile.kinds` are the defaults for the needs, not
    /// kinds the request named (a client shows them as removable chips).
    pub kinds_defaulted: bool,
}

impl PreparedSearch {
    /// What the `results` list means: with no need, age or accepting asked
    /// for, every facility of the kinds is in it and nothing is confirmed.
    pub fn listing(&self) -> Listing {
        if self.query.profile.is_kind_only() {
            Listing::Nearest
        } else {
            Listing::ConfirmedAndUnknown
        }
    }
}

/// What a search's lists mean, so a front door words its heading right.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listing {
    /// No need was chosen: one list (`confirmed` holds every facility of the
    /// kinds), nearest first (or by name), and no claim that anything is confirmed.
    Nearest,
    /// Needs were chosen: the confirmed list, and the 要確認 list ranked by
    /// evidence then distance (from a place).
    ConfirmedAndUnknown,
}

/// A search's answer.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchOutcome {
    /// The checked search.
    pub search: PreparedSearch,
    /// Both lists of this page as the public sees them, with totals and the next offset.
    pub page: SearchPage<PublicFacility>,
}

impl SearchRequest {
    /// Checks every field against `snapshot` (a region must be loaded, a text
    /// place must be found) and builds the index query; a bad field is an
    /// [`AppError::Invalid`] naming it.
    pub fn prepare(&self, snapshot: &Snapshot) -> AppResult<PreparedSearch> {
        if let Some(area) = &self.area {
            check_search_area(snapshot, area)?;
        }
        let text = self.text.as_deref().and_then(TextQuery::parse);
        let origin = match &self.place {
            None => None,
            Some(SearchPlace::Near(text)) => Some(resolve(snapshot, text)?),
            Some(SearchPlace::Point(point)) => Some(Origin {
                point: *point,
                label: Place::of(snapshot, *point).map(|place| place.label()),
                precision: "coordinates",
            }),
        };
        if origin.is_none() && self.area.is_none() && text.is_none() {
            return Err(AppError::invalid(
                "lon",
                "場所 (lon と lat、または near) を指定してください。region か q があれば省略できます",
                "give a place (lon and lat, or near); it may be left out only with region or q",
            ));
        }
        check_profile(&self.profile)?;
        let limit = whole_in_range(
            "limit",
            self.limit,
            1,
            u32::try_from(MAX_LIMIT).expect("MAX_LIMIT is 100"),
        )?;
        let radius_m = match self.reach {
            None => DEFAULT_RADIUS_M,
            Some(Reach::Metres(metres)) => positive_up_to("radius_m", metres, MAX_RADIUS_M)?,
            Some(Reach::Minutes(minutes)) => TravelModel::DEFAULT.reach_m(positive_up_to(
                "max_minutes",
                minutes,
                max_search_minutes(),
            )?),
        };
        if self.offset > MAX_OFFSET {
            return Err(AppError::invalid(
                "cursor",
                format!("{MAX_OFFSET} 件目より先のページは表示できません"),
                format!("pages past offset {MAX_OFFSET} are not available"),
            ));
        }
        let mut profile = self.profile.clone();
        let kinds_defaulted =
            self.default_kinds && profile.kinds.is_empty() && !profile.needs.is_empty();
        if kinds_defaulted {
            profile.kinds = renkei_core::relevance::default_kinds(&profile.needs);
        }
        Ok(PreparedSearch {
            kinds_defaulted,
            query: SearchQuery {
                origin: origin.as_ref().map(|o| o.point),
                radius_m,
                profile: NeedProfile {
                    lapsed_before: self
                        .profile
                        .lapsed_before
                        .or_else(|| Some(self.ageing.lapse_cutoff(tokyo_date(chrono::Utc::now())))),
                    ..profile
                },
                area: self.area.clone(),
                text,
                include_unknown: self.include_unknown,
                offset: self.offset,
                limit,
                count_totals: true,
            },
            origin,
        })
    }

    /// Checks the search ([`SearchRequest::prepare`]) and runs it on `snapshot`.
    pub fn run(&self, snapshot: &Snapshot) -> AppResult<SearchOutcome> {
        let search = self.prepare(snapshot)?;
        let page = snapshot.directory().search(&search.query).into_public();
        Ok(SearchOutcome { search, page })
    }
}

/// A need profile's age within 0–[`MAX_AGE_YEARS`] (field `age`).
pub(crate) fn check_profile(profile: &NeedProfile) -> AppResult<()> {
    if let Some(age) = profile.age_years {
        whole_in_range("age", age, 0, u32::from(MAX_AGE_YEARS))?;
    }
    Ok(())
}

/// A region must be one of the loaded ones (any is accepted while none is
/// loaded); the error lists those that are.
fn check_search_area(snapshot: &Snapshot, area: &Area) -> AppResult<()> {
    let Area::Region(code) = area else {
        return Ok(());
    };
    let catalog = &snapshot.regions().catalog;
    if catalog.regions().next().is_none() || catalog.region(code).is_some() {
        return Ok(());
    }
    let known: Vec<String> = catalog
        .regions()
        .map(|(_, region)| format!("{} {}", region.code, region.name_ja))
        .collect();
    let (code, list) = (code.to_string(), known.join(", "));
    Err(AppError::invalid(
        "region",
        format!("{code:?} は読み込まれている二次医療圏ではありません ({list})"),
        format!("{code:?} is not a loaded region ({list})"),
    ))
}

/// Places `text` with the geocoder (or, naming a municipality's office or
/// station, at that municipality: [`municipality_of_landmark`]), or a
/// [`AppError::Place`] that says where places can be found (the loaded
/// prefectures) and what `text` may have meant.
fn resolve(snapshot: &Snapshot, text: &str) -> AppResult<Origin> {
    let geocoder = snapshot.geocoder();
    if let Some(found) = geocoder.resolve(text) {
        return Ok(Origin {
            point: found.position,
            label: Some(found.matched),
            precision: found.precision.as_str(),
        });
    }
    if let Some((point, municipality)) = municipality_of_landmark(geocoder, text) {
        return Ok(Origin {
            point,
            label: Some(municipality),
            precision: Precision::Municipality.as_str(),
        });
    }
    let suggestions: Vec<String> = geocoder
        .suggest(text, 5)
        .into_iter()
        .map(|s| s.matched)
        .collect();
    Err(place_error("near", text, geocoder, suggestions))
}

/// The error for a place `text` the geocoder did not resolve, with its
/// `suggestions`: ambiguous when there are several, else not found, worded
/// with the prefectures that are loaded.
pub(crate) fn place_error(
    field: &'static str,
    text: &str,
    geocoder: &renkei_core::geocode::Geocoder,
    suggestions: Vec<String>,
) -> AppError {
    if suggestions.len() > 1 {
        let list = suggestions.join(", ");
        return AppError::Place {
            field,
            problem: PlaceProblem::Ambiguous,
            ja: format!("{text:?} に当てはまる場所が複数あります: {list} など。続けて入力するか、候補から選んでください"),
            en: format!("{text:?} matches several places: {list} …; type more or pick one"),
            suggestions,
        };
    }
    let loaded = geocoder.prefectures();
    let (where_ja, where_en) = if loaded.is_empty() {
        (
            "住所のデータがまだ読み込まれていません".to_owned(),
            "no address data is loaded yet".to_owned(),
        )
    } else {
        (
            format!(
                "{}内の住所・駅名・郵便番号でさがしてください",
                loaded.join("・")
            ),
            format!(
                "search by an address, station name or postcode in {}",
                loaded.join(", ")
            ),
        )
    };
    let (ja, en) = match geocoder.unloaded_prefecture(text) {
        Some(prefecture) => (
            format!("{prefecture}の場所は読み込まれていません。{where_ja}"),
            format!("places in {prefecture} are not loaded; {where_en}"),
        ),
        None => (
            format!("{text:?} の場所が見つかりません。{where_ja}"),
            format!("cannot find {text:?}; {where_en}"),
        ),
    };
    AppError::Place {
        field,
        problem: PlaceProblem::NotFound,
        ja,
        en,
        suggestions,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::one_region as snapshot;
    use renkei_core::RegionCode;

    fn field_of(request: &SearchRequest) -> &'static str {
        match request.prepare(&snapshot()) {
            Err(AppError::Invalid { field, .. } | AppError::Place { field, .. }) => field,
            other => panic!("not an invalid field: {other:?}"),
        }
    }

    #[test]
    fn each_bad_field_is_named() {
        let here = SearchRequest {
            place: Some(SearchPlace::Point(LonLat::new(127.5, 26.0).unwrap())),
            ..SearchRequest::default()
        };
        assert!(here.prepare(&snapshot()).is_ok());
        let region = |code: &str| Some(Area::Region(RegionCode::new(code).unwrap()));
        assert!(SearchRequest {
            area: region("4701"),
            ..SearchRequest::default()
        }
        .prepare(&snapshot())
        .is_ok());
        let cases = [
            (SearchRequest::default(), "lon"),
            (
                SearchRequest {
                    place: Some(SearchPlace::Near("架空町".into())),
                    ..SearchRequest::default()
                },
                "near",
            ),
            (
                SearchRequest {
                    area: region("4799"),
                    ..SearchRequest::default()
                },
                "region",
            ),
            (
                SearchRequest {
                    limit: 0,
                    ..here.clone()
                },
                "limit",
            ),
            (
                SearchRequest {
                    reach: Some(Reach::Metres(MAX_RADIUS_M + 1.0)),
                    ..here.clone()
                },
                "radius_m",
            ),
            (
                SearchRequest {
                    reach: Some(Reach::Minutes(0.0)),
                    ..here.clone()
                },
                "max_minutes",
            ),
            (
                SearchRequest {
                    offset: MAX_OFFSET + 1,
                    ..here.clone()
                },
                "cursor",
            ),
            (
                SearchRequest {
                    profile: NeedProfile {
                        age_years: Some(121),
                        ..NeedProfile::default()
                    },
                    ..here.clone()
                },
                "age",
            ),
        ];
        for (request, field) in cases {
            assert_eq!(field_of(&request), field, "{request:?}");
        }
    }
}
