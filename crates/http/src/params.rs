//! Query-string parsing shared by every route: text to the typed fields of
//! renkei-app's queries. Empty values count as absent; a malformed or
//! out-of-range value is a 400 naming its parameter (the wording of range
//! messages is renkei-app's, shared with the checks of the typed queries).

use crate::error::{ApiError, ApiResult};
use renkei_app::error::wording;
use renkei_app::search::Reach;
use renkei_core::need::{NeedProfile, MAX_AGE_YEARS};
use renkei_core::{CapabilityCode, KindCode, LonLat};

/// The trimmed value, `None` when absent or blank.
pub(crate) fn present(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

/// A required parameter, or a 400 naming it.
pub(crate) fn required<'a>(field: &str, text: Option<&'a str>) -> ApiResult<&'a str> {
    present(text).ok_or_else(|| {
        ApiError::bad_parameter(
            field,
            format!("{field} を指定してください"),
            format!("{field} is required"),
        )
    })
}

/// An optional whole number in `min..=max`; anything else is a 400 naming `field`.
pub(crate) fn parse_number(
    field: &str,
    text: Option<&str>,
    min: u32,
    max: u32,
) -> ApiResult<Option<u32>> {
    let Some(text) = present(text) else {
        return Ok(None);
    };
    match text.parse::<u32>() {
        Ok(value) if (min..=max).contains(&value) => Ok(Some(value)),
        _ => {
            let (ja, en) = wording::whole_number(text, min, max);
            Err(ApiError::bad_parameter(field, ja, en))
        }
    }
}

/// An optional number in (0, `max`].
pub(crate) fn positive(field: &str, text: Option<&str>, max: f64) -> ApiResult<Option<f64>> {
    let Some(text) = present(text) else {
        return Ok(None);
    };
    match text.parse::<f64>() {
        Ok(value) if value.is_finite() && value > 0.0 && value <= max => Ok(Some(value)),
        _ => {
            let (ja, en) = wording::positive(text, max);
            Err(ApiError::bad_parameter(field, ja, en))
        }
    }
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

/// The position of `text` in `allowed` (absent: the first, 0).
pub(crate) fn choice(field: &str, text: Option<&str>, allowed: &[&str]) -> ApiResult<usize> {
    let Some(text) = present(text) else {
        return Ok(0);
    };
    allowed.iter().position(|a| *a == text).ok_or_else(|| {
        let list = allowed.join(", ");
        ApiError::bad_parameter(
            field,
            format!("{text:?} は使えません。{list} のどれかを指定してください"),
            format!("{text:?} is not supported; use one of {list}"),
        )
    })
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

/// A child's age in whole years, 0–[`MAX_AGE_YEARS`] (parameter `age`).
pub(crate) fn age(text: Option<&str>) -> ApiResult<Option<u8>> {
    Ok(parse_number("age", text, 0, u32::from(MAX_AGE_YEARS))?
        .map(|age| u8::try_from(age).expect("age is at most MAX_AGE_YEARS")))
}

/// The need profile of `kinds`, `needs`, `age` (0–[`MAX_AGE_YEARS`]) and `accepting`.
pub(crate) fn profile(
    kinds: Option<&str>,
    needs: Option<&str>,
    age: Option<&str>,
    accepting: Option<&str>,
) -> ApiResult<NeedProfile> {
    Ok(NeedProfile {
        kinds: codes("kinds", kinds, KindCode::new)?,
        needs: codes("needs", needs, CapabilityCode::new)?,
        age_years: self::age(age)?,
        accepting_only: flag("accepting", accepting)?,
        // The front door sets the cut-off from its ageing policy.
        lapsed_before: None,
    })
}

/// A distance in metres (`metres`, up to `max_m`) or a travel time in minutes
/// (`minutes`, up to `max_minutes`), not both; `None` when neither is given.
pub(crate) fn reach(
    (metres_field, metres): (&str, Option<&str>),
    (minutes_field, minutes): (&str, Option<&str>),
    max_m: f64,
    max_minutes: f64,
) -> ApiResult<Option<Reach>> {
    match (
        positive(metres_field, metres, max_m)?,
        positive(minutes_field, minutes, max_minutes)?,
    ) {
        (Some(_), Some(_)) => Err(ApiError::bad_parameter(
            minutes_field,
            format!("{metres_field} と {minutes_field} は同時に指定できません"),
            format!("give either {metres_field} or {minutes_field}, not both"),
        )),
        (Some(metres), None) => Ok(Some(Reach::Metres(metres))),
        (None, Some(minutes)) => Ok(Some(Reach::Minutes(minutes))),
        (None, None) => Ok(None),
    }
}

/// A required coordinate in −`limit`…`limit` degrees.
pub(crate) fn parse_degrees(field: &str, text: Option<&str>, limit: f64) -> ApiResult<f64> {
    let text = present(text).ok_or_else(|| {
        ApiError::bad_parameter(
            field,
            format!("{field} を度で指定してください (WGS 84)"),
            format!("{field} is required, in WGS 84 degrees"),
        )
    })?;
    match text.parse::<f64>() {
        Ok(value) if value.is_finite() && (-limit..=limit).contains(&value) => Ok(value),
        _ => {
            let (ja, en) = wording::degrees(text, limit);
            Err(ApiError::bad_parameter(field, ja, en))
        }
    }
}

/// A required `lon`/`lat` pair in WGS 84 degrees; a missing, malformed or
/// out-of-range one is a 400 naming it.
pub(crate) fn parse_point(lon: Option<&str>, lat: Option<&str>) -> ApiResult<LonLat> {
    let lon = parse_degrees("lon", lon, 180.0)?;
    let lat = parse_degrees("lat", lat, 90.0)?;
    LonLat::new(lon, lat).map_err(|error| {
        ApiError::bad_parameter(
            "lon",
            format!("位置が不正です ({error})"),
            error.to_string(),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use renkei_core::search::MAX_RADIUS_M;

    #[test]
    fn numbers_outside_the_range_name_the_field() {
        assert_eq!(parse_number("page", Some("3"), 1, 10).unwrap(), Some(3));
        assert_eq!(parse_number("page", Some(""), 1, 10).unwrap(), None);
        for bad in ["0", "11", "-1", "x", "1e3", "99999999999"] {
            let error = parse_number("per_page", Some(bad), 1, 10).unwrap_err();
            assert_eq!(
                error.body().error.field.as_deref(),
                Some("per_page"),
                "{bad}"
            );
        }
    }

    #[test]
    fn flags_and_positive_numbers_name_their_field() {
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
        let both = reach(
            ("radius_m", Some("10")),
            ("max_minutes", Some("5")),
            1e5,
            60.0,
        );
        assert_eq!(
            both.unwrap_err().body().error.field.as_deref(),
            Some("max_minutes")
        );
    }

    #[test]
    #[expect(
        clippy::float_cmp,
        reason = "parsing returns the literal's own value, compared exactly on purpose"
    )]
    fn degrees_are_range_checked_and_name_the_field() {
        assert!(parse_degrees("lat", Some("91"), 90.0).is_err());
        assert!(parse_degrees("lat", None, 90.0).is_err());
        assert_eq!(parse_degrees("lon", Some("139.5"), 180.0).unwrap(), 139.5);
    }
}
