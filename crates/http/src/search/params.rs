//! The query string of `/api/v1/search`, checked and turned into a
//! [`SearchQuery`]. Every malformed, out-of-range or unknown value is a 400
//! naming its parameter; unknown codes list the valid ones.

use super::OriginDto;
use crate::error::{ApiError, ApiResult};
use crate::facilities::{parse_number, present};
use crate::geocode::{parse_point, Place};
use crate::AppState;
use renkei_core::need::{NeedProfile, TravelModel, MAX_AGE_YEARS};
use renkei_core::search::{
    Area, SearchQuery, TextQuery, DEFAULT_LIMIT, DEFAULT_RADIUS_M, MAX_LIMIT, MAX_RADIUS_M,
};
use renkei_core::{CapabilityCode, KindCode, LonLat, MunicipalityCode, RegionCode};
use serde::Deserialize;
use utoipa::IntoParams;

/// Largest offset a cursor may carry (deeper pages are not useful to anyone).
const MAX_OFFSET: usize = 100_000;

/// Query parameters of the search. Empty values count as absent.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// Longitude of the place, WGS 84 degrees (with `lat`).
    #[param(value_type = Option<f64>, example = 139.4037)]
    pub lon: Option<String>,
    /// Latitude of the place, WGS 84 degrees (with `lon`).
    #[param(value_type = Option<f64>, example = 35.3334)]
    pub lat: Option<String>,
    /// The place as text instead of `lon`/`lat`: an address, 町丁目 or
    /// municipality, placed by the offline geocoder (see /api/v1/geocode).
    #[param(value_type = Option<String>, example = "茅ヶ崎市東海岸北1-1")]
    pub near: Option<String>,
    /// Search radius in metres, up to 300000 (default 30000).
    #[param(value_type = Option<f64>, minimum = 1, maximum = 300_000, example = 30_000)]
    pub radius_m: Option<String>,
    /// Instead of `radius_m`: the estimated travel time in minutes (by car,
    /// straight line × 1.3 at 30 km/h; see `travel_model` in the response).
    #[param(value_type = Option<f64>, minimum = 1, example = 30)]
    pub max_minutes: Option<String>,
    /// Facility kinds, comma-separated taxonomy codes (e.g. `visiting_nurse,hospital`); any of them.
    #[param(value_type = Option<String>, example = "visiting_nurse,hospital")]
    pub kinds: Option<String>,
    /// 医療的ケア needs, comma-separated capability codes (e.g. `ventilator,suctioning`);
    /// one service must meet all of them.
    #[param(value_type = Option<String>, example = "ventilator,suctioning")]
    pub needs: Option<String>,
    /// The child's age in years, 0–120; services whose stated range excludes it are left out.
    #[param(value_type = Option<u32>, minimum = 0, maximum = 120, example = 6)]
    pub age: Option<String>,
    /// `true`: only services accepting new clients (unstated is 要確認).
    #[param(value_type = Option<bool>)]
    pub accepting: Option<String>,
    /// Only this area: a 二次医療圏 code (4 digits, e.g. 1407) or a municipality /
    /// ward code (5 digits; a designated-city code includes its wards).
    #[param(value_type = Option<String>, example = "1407")]
    pub region: Option<String>,
    /// Text over names, readings (kana) and addresses; every word must match.
    /// Width, kana, ケ/ヶ/が, old kanji forms and 丁目 forms do not matter.
    #[param(value_type = Option<String>, example = "訪問看護")]
    pub q: Option<String>,
    /// `true`: also list facilities where some need is not stated (要確認) in `unknown`.
    #[param(value_type = Option<bool>)]
    pub include_unknown: Option<String>,
    /// Hits per list and page, 1–100 (default 20).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100, example = 20)]
    pub limit: Option<String>,
    /// `next_cursor` of the previous page.
    #[param(value_type = Option<String>)]
    pub cursor: Option<String>,
    /// `json` (default) or `geojson` (both lists as one FeatureCollection, tier in properties).
    #[param(value_type = Option<String>, example = "json")]
    pub format: Option<String>,
}

/// Response formats of the search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum SearchFormat {
    Json,
    Geojson,
}

/// Where the search is from.
#[derive(Debug, Clone)]
pub(super) struct Origin {
    point: LonLat,
    label: Option<String>,
    precision: &'static str,
}

impl Origin {
    pub(super) fn dto(&self) -> OriginDto {
        OriginDto {
            lon: self.point.lon(),
            lat: self.point.lat(),
            label: self.label.clone(),
            precision: self.precision,
        }
    }
}

/// A checked request.
pub(crate) struct SearchRequest {
    pub(crate) query: SearchQuery,
    pub(super) origin: Option<Origin>,
    pub(super) format: SearchFormat,
}

/// The opaque cursor of the page starting at `offset`.
pub(super) fn cursor(offset: usize) -> String {
    format!("p{offset}")
}

impl SearchParams {
    /// Checks every parameter and builds the query.
    pub(crate) fn parse(&self, state: &AppState) -> ApiResult<SearchRequest> {
        let format = match present(self.format.as_deref()) {
            None | Some("json") => SearchFormat::Json,
            Some("geojson") => SearchFormat::Geojson,
            Some(other) => {
                return Err(ApiError::bad_parameter(
                    "format",
                    format!("{other:?} は使えません。json か geojson を指定してください"),
                    format!("{other:?} is not supported; use json or geojson"),
                ))
            }
        };
        let area = self.area(state)?;
        let text = present(self.q.as_deref()).and_then(TextQuery::parse);
        let origin = self.origin(state)?;
        if origin.is_none() && area.is_none() && text.is_none() {
            return Err(ApiError::bad_parameter(
                "lon",
                "場所 (lon と lat、または near) を指定してください。region か q があれば省略できます",
                "give a place (lon and lat, or near); it may be left out only with region or q",
            ));
        }
        let profile = NeedProfile {
            kinds: codes("kinds", self.kinds.as_deref(), KindCode::new)?,
            needs: codes("needs", self.needs.as_deref(), CapabilityCode::new)?,
            age_years: parse_number("age", self.age.as_deref(), 0, u32::from(MAX_AGE_YEARS))?
                .map(|age| u8::try_from(age).expect("age is at most MAX_AGE_YEARS")),
            accepting_only: flag("accepting", self.accepting.as_deref())?,
        };
        let limit = parse_number(
            "limit",
            self.limit.as_deref(),
            1,
            u32::try_from(MAX_LIMIT).expect("MAX_LIMIT is 100"),
        )?
        .map_or(DEFAULT_LIMIT, |n| n as usize);
        Ok(SearchRequest {
            query: SearchQuery {
                origin: origin.as_ref().map(|o| o.point),
                radius_m: self.radius_m()?,
                profile,
                area,
                text,
                include_unknown: flag("include_unknown", self.include_unknown.as_deref())?,
                offset: self.offset()?,
                limit,
                count_totals: true,
            },
            origin,
            format,
        })
    }

    fn origin(&self, state: &AppState) -> ApiResult<Option<Origin>> {
        let (lon, lat) = (present(self.lon.as_deref()), present(self.lat.as_deref()));
        let near = present(self.near.as_deref());
        if lon.is_none() && lat.is_none() {
            return near.map(|text| resolve(state, text)).transpose();
        }
        if near.is_some() {
            return Err(ApiError::bad_parameter(
                "near",
                "lon/lat と near は同時に指定できません。どちらか一方にしてください",
                "give either lon/lat or near, not both",
            ));
        }
        let point = parse_point(lon, lat)?;
        Ok(Some(Origin {
            point,
            label: Place::of(state, point).map(|place| place.label()),
            precision: "coordinates",
        }))
    }

    fn radius_m(&self) -> ApiResult<f64> {
        let radius = positive("radius_m", self.radius_m.as_deref(), MAX_RADIUS_M)?;
        let max_minutes_limit = MAX_RADIUS_M / TravelModel::DEFAULT.reach_m(1.0);
        let minutes = positive(
            "max_minutes",
            self.max_minutes.as_deref(),
            max_minutes_limit,
        )?;
        match (radius, minutes) {
            (Some(_), Some(_)) => Err(ApiError::bad_parameter(
                "max_minutes",
                "radius_m と max_minutes は同時に指定できません",
                "give either radius_m or max_minutes, not both",
            )),
            (Some(radius), None) => Ok(radius),
            (None, Some(minutes)) => Ok(TravelModel::DEFAULT.reach_m(minutes)),
            (None, None) => Ok(DEFAULT_RADIUS_M),
        }
    }

    fn area(&self, state: &AppState) -> ApiResult<Option<Area>> {
        let Some(text) = present(self.region.as_deref()) else {
            return Ok(None);
        };
        let regions = state.index.regions();
        let known: Vec<String> = regions
            .catalog
            .regions()
            .map(|(_, region)| format!("{} {}", region.code, region.name_ja))
            .collect();
        let bad = || {
            let list = if known.is_empty() {
                String::new()
            } else {
                format!(" ({})", known.join(", "))
            };
            ApiError::bad_parameter(
                "region",
                format!("{text:?} は二次医療圏コード (4桁) でも市区町村コード (5桁) でもありません{list}"),
                format!("{text:?} is neither a region code (4 digits) nor a municipality code (5 digits){list}"),
            )
        };
        match text.len() {
            4 => {
                let code = RegionCode::new(text).map_err(|_| bad())?;
                if !known.is_empty() && regions.catalog.region(&code).is_none() {
                    return Err(bad());
                }
                Ok(Some(Area::Region(code)))
            }
            5 => MunicipalityCode::new(text)
                .map(|code| {
                    Some(Area::Municipality(
                        regions.catalog.designated_cities().area(&code),
                    ))
                })
                .map_err(|_| bad()),
            _ => Err(bad()),
        }
    }

    fn offset(&self) -> ApiResult<usize> {
        let Some(text) = present(self.cursor.as_deref()) else {
            return Ok(0);
        };
        text.strip_prefix('p')
            .and_then(|n| n.parse::<usize>().ok())
            .filter(|&n| n <= MAX_OFFSET)
            .ok_or_else(|| {
                ApiError::bad_parameter(
                    "cursor",
                    format!("{text:?} は前のページの next_cursor ではありません"),
                    format!("{text:?} is not a next_cursor of a previous page"),
                )
            })
    }
}

/// Places `near` with the geocoder, or a 400 naming the text and its candidates.
fn resolve(state: &AppState, text: &str) -> ApiResult<Origin> {
    let geocoder = state.index.geocoder();
    if let Some(found) = geocoder.resolve(text) {
        return Ok(Origin {
            point: found.position,
            label: Some(found.matched),
            precision: found.precision.as_str(),
        });
    }
    let candidates: Vec<String> = geocoder
        .suggest(text, 5)
        .into_iter()
        .map(|s| s.matched)
        .collect();
    let (ja, en) = if candidates.is_empty() {
        (
            format!("{text:?} の場所がわかりません。市区町村名から入力してください"),
            format!("cannot place {text:?}; start with the municipality name"),
        )
    } else {
        let list = candidates.join(", ");
        (
            format!("{text:?} に当てはまる場所が複数あります: {list} など"),
            format!("{text:?} matches several places: {list} …"),
        )
    };
    Err(ApiError::bad_parameter("near", ja, en))
}

/// Comma-separated taxonomy codes; an unknown one is a 400 listing the valid codes.
pub(crate) fn codes<T, E: std::fmt::Display>(
    field: &str,
    text: Option<&str>,
    parse: impl Fn(&str) -> Result<T, E>,
) -> ApiResult<Vec<T>> {
    let Some(text) = present(text) else {
        return Ok(Vec::new());
    };
    text.split(',')
        .map(str::trim)
        .filter(|code| !code.is_empty())
        .map(|code| {
            parse(code).map_err(|error| {
                ApiError::bad_parameter(
                    field,
                    format!("コード {code:?} はありません ({error})"),
                    error.to_string(),
                )
            })
        })
        .collect()
}

/// `true`/`false` (also `1`/`0`); absent is false.
pub(crate) fn flag(field: &str, text: Option<&str>) -> ApiResult<bool> {
    match present(text) {
        None | Some("false" | "0") => Ok(false),
        Some("true" | "1") => Ok(true),
        Some(other) => Err(ApiError::bad_parameter(
            field,
            format!("{other:?} ではなく true か false を指定してください"),
            format!("give true or false, not {other:?}"),
        )),
    }
}

/// An optional number in (0, `max`].
pub(crate) fn positive(field: &str, text: Option<&str>, max: f64) -> ApiResult<Option<f64>> {
    let Some(text) = present(text) else {
        return Ok(None);
    };
    match text.parse::<f64>() {
        Ok(value) if value.is_finite() && value > 0.0 && value <= max => Ok(Some(value)),
        _ => Err(ApiError::bad_parameter(
            field,
            format!("{text:?} ではなく 0 より大きく {max:.0} 以下の数を指定してください"),
            format!("give a number above 0 and at most {max:.0}, not {text:?}"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_numbers_and_cursors_name_their_field() {
        assert!(flag("accepting", Some("true")).unwrap());
        assert!(!flag("accepting", None).unwrap());
        let error = flag("include_unknown", Some("yes")).unwrap_err();
        assert_eq!(error.body().error.field.as_deref(), Some("include_unknown"));
        assert_eq!(
            positive("radius_m", Some("500"), MAX_RADIUS_M).unwrap(),
            Some(500.0)
        );
        for bad in ["0", "-1", "NaN", "inf", "300001", "x"] {
            let error = positive("radius_m", Some(bad), MAX_RADIUS_M).unwrap_err();
            assert_eq!(
                error.body().error.field.as_deref(),
                Some("radius_m"),
                "{bad}"
            );
        }
        assert_eq!(cursor(40), "p40");
    }
}
