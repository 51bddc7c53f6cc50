//! The one error type of the application's queries.
//!
//! A query names the field at fault ([`AppError::Invalid`]) with a Japanese
//! and an English explanation, so that each front door can report it in its
//! own terms: the HTTP API as a 400 naming the query parameter, the command
//! line as the option. The wording of the range messages lives here, once,
//! for the checks of the typed queries and for the HTTP parameter parsers.

use renkei_print::PrintError;
use renkei_store::StoreError;

/// Result of a query.
pub type AppResult<T> = Result<T, AppError>;

/// Everything a query can fail with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// A field of the query is malformed, out of range or unknown.
    #[error("パラメータ {field} が不正です: {ja} / Parameter {field} is invalid: {en}")]
    Invalid {
        /// The field, named as the HTTP API's query parameter.
        field: &'static str,
        /// What is wrong and how to fix it, in Japanese.
        ja: String,
        /// What is wrong and how to fix it, in English.
        en: String,
    },
    /// No record or area with this id.
    #[error("{entity} {id} was not found")]
    NotFound {
        /// What was looked for (`facility`, `region`, `municipality`).
        entity: &'static str,
        /// The id that was asked for.
        id: String,
    },
    /// The point is outside every loaded municipality (farther than 500 m
    /// from all of them), so it is in no 二次医療圏.
    #[error("the point (lon {lon}, lat {lat}) is in no municipality or secondary medical region (more than 500 m from every loaded boundary)")]
    OutsideRegions {
        /// Longitude asked for, degrees.
        lon: f64,
        /// Latitude asked for, degrees.
        lat: f64,
    },
    /// A place given as text (a well-formed `near`) is not one the loaded
    /// data knows, or names several places.
    #[error("{ja} / {en}")]
    Place {
        /// The field the text came from (`near`).
        field: &'static str,
        /// Not found, or several places.
        problem: PlaceProblem,
        /// What to tell the user, in Japanese: where places can be found.
        ja: String,
        /// The same in English.
        en: String,
        /// Places the text may have meant, best first (labels to show and to search again with).
        suggestions: Vec<String>,
    },
    /// Reading the store failed.
    #[error("cannot read the database: {0}")]
    Store(#[from] StoreError),
    /// A document could not be made; `field` is the query field its area
    /// came from, for the errors that are the caller's (an unknown area).
    #[error("{error}")]
    Print {
        /// The field naming the area of the document.
        field: &'static str,
        /// What went wrong.
        error: PrintError,
    },
    /// The request needs a signed-in staff account.
    #[error("sign in first")]
    Unauthenticated,
    /// The signed-in account's role or scope does not allow this.
    #[error("not allowed: {en}")]
    Forbidden {
        /// Why, in Japanese.
        ja: String,
        /// Why, in English.
        en: String,
    },
    /// The e-mail or password is wrong (which one is not said).
    #[error("wrong e-mail or password")]
    InvalidCredentials,
    /// Too many failed sign-ins: the account is locked until `until`.
    #[error("the account is locked until {until}")]
    Locked {
        /// When sign-ins are accepted again (UTC).
        until: chrono::DateTime<chrono::Utc>,
    },
    /// The account is disabled.
    #[error("the account is disabled")]
    AccountDisabled,
    /// A password could not be hashed or checked (a bug or a corrupt stored hash).
    #[error("cannot hash or check the password: {0}")]
    Hash(String),
    /// A rollout command was refused: it breaks the stage order or names an
    /// unknown or taken key. Nothing was written.
    #[error(transparent)]
    Rollout(renkei_core::rollout::RolloutError),
    /// A CSV table could not be written.
    #[error("cannot write the CSV table: {0}")]
    Csv(String),
}

/// Why a place given as text was not used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlaceProblem {
    /// No loaded place matches: outside the loaded prefectures, or unknown.
    NotFound,
    /// Several places match; the suggestions list them.
    Ambiguous,
}

impl AppError {
    /// An invalid `field` with a Japanese and an English explanation.
    pub fn invalid(field: &'static str, ja: impl Into<String>, en: impl Into<String>) -> Self {
        Self::Invalid {
            field,
            ja: ja.into(),
            en: en.into(),
        }
    }

    /// The actor's role or scope does not allow this.
    pub fn forbidden(ja: impl Into<String>, en: impl Into<String>) -> Self {
        Self::Forbidden {
            ja: ja.into(),
            en: en.into(),
        }
    }

    /// `text` is not a whole number in `min..=max` ([`wording::whole_number`]).
    pub(crate) fn not_whole_number(field: &'static str, text: &str, min: u32, max: u32) -> Self {
        let (ja, en) = wording::whole_number(text, min, max);
        Self::invalid(field, ja, en)
    }

    /// `text` is not a number above 0 and at most `max` ([`wording::positive`]).
    pub(crate) fn not_positive(field: &'static str, text: &str, max: f64) -> Self {
        let (ja, en) = wording::positive(text, max);
        Self::invalid(field, ja, en)
    }
}

/// The Japanese and English explanations of out-of-range values, shared by
/// the checks of the typed queries and the front doors' parameter parsers.
pub mod wording {
    /// `text` is not a whole number in `min..=max` (`max == u32::MAX`: no upper bound).
    pub fn whole_number(text: &str, min: u32, max: u32) -> (String, String) {
        if max == u32::MAX {
            (
                format!("{text:?} ではなく {min} 以上の整数を指定してください"),
                format!("give a whole number of {min} or more, not {text:?}"),
            )
        } else {
            (
                format!("{text:?} ではなく {min}〜{max} の整数を指定してください"),
                format!("give a whole number from {min} to {max}, not {text:?}"),
            )
        }
    }

    /// `text` is not a number above 0 and at most `max`.
    pub fn positive(text: &str, max: f64) -> (String, String) {
        (
            format!("{text:?} ではなく 0 より大きく {max:.0} 以下の数を指定してください"),
            format!("give a number above 0 and at most {max:.0}, not {text:?}"),
        )
    }

    /// `text` is not a coordinate in −`limit`…`limit` degrees.
    pub fn degrees(text: &str, limit: f64) -> (String, String) {
        (
            format!("{text:?} ではなく −{limit}〜{limit} の数 (度) を指定してください"),
            format!("give degrees from -{limit} to {limit}, not {text:?}"),
        )
    }
}

/// `value` in `min..=max`, or the [`AppError::not_whole_number`] of `field`.
pub(crate) fn whole_in_range<T>(field: &'static str, value: T, min: u32, max: u32) -> AppResult<T>
where
    T: Copy + TryInto<u32> + std::fmt::Display,
{
    match value.try_into() {
        Ok(n) if (min..=max).contains(&n) => Ok(value),
        _ => Err(AppError::not_whole_number(
            field,
            &value.to_string(),
            min,
            max,
        )),
    }
}

/// `value` above 0 and at most `max`, or the [`AppError::not_positive`] of `field`.
pub(crate) fn positive_up_to(field: &'static str, value: f64, max: f64) -> AppResult<f64> {
    if value.is_finite() && value > 0.0 && value <= max {
        Ok(value)
    } else {
        Err(AppError::not_positive(field, &value.to_string(), max))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_checks_name_the_field_and_quote_the_value() {
        assert_eq!(whole_in_range("k", 3_usize, 1, 10).unwrap(), 3);
        let AppError::Invalid { field, en, .. } = whole_in_range("k", 0_usize, 1, 10).unwrap_err()
        else {
            panic!("not an invalid field");
        };
        assert_eq!(field, "k");
        assert_eq!(en, "give a whole number from 1 to 10, not \"0\"");
        assert!(whole_in_range("limit", usize::MAX, 1, 100).is_err());
        assert!(positive_up_to("radius_m", 500.0, 300_000.0).is_ok());
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY, 300_001.0] {
            assert!(positive_up_to("radius_m", bad, 300_000.0).is_err(), "{bad}");
        }
    }
}
