//! The one error type of the HTTP API and every conversion into it.
//!
//! Every error response has the same JSON shape,
//! `{"error": {"code", "message", "message_ja", "message_en", "field"?}}`,
//! where `code` is a stable `snake_case` string clients can branch on and
//! `message` is "日本語 / English". A 5xx logs its source and tells the client
//! only what it can act on, never an internal detail.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use renkei_app::AppError;
use renkei_print::PrintError;
use renkei_store::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

/// Result of a handler.
pub type ApiResult<T> = Result<T, ApiError>;

/// Everything a request can fail with; each variant documents its status.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: a query or path parameter is malformed or out of range.
    #[error("bad parameter {field}: {en}")]
    BadParameter {
        /// The parameter's name as the client sent it.
        field: String,
        /// What is wrong and how to fix it, in Japanese.
        ja: String,
        /// What is wrong and how to fix it, in English.
        en: String,
    },
    /// 400: the request body is not the JSON the endpoint expects.
    #[error("bad request body: {0}")]
    BadBody(String),
    /// 404: no record with this id.
    #[error("{entity} {id} not found")]
    NotFound {
        /// What was looked for (`facility`).
        entity: &'static str,
        /// The id that was asked for.
        id: String,
    },
    /// 404: a point is outside every loaded municipality (farther than 500 m
    /// from all of them), so it is in no 二次医療圏.
    #[error("point {lon},{lat} is outside every region")]
    OutsideRegions {
        /// Longitude asked for, degrees.
        lon: f64,
        /// Latitude asked for, degrees.
        lat: f64,
    },
    /// 404 `place_not_found` / 400 `place_ambiguous`: a place given as text
    /// is not in the loaded data, or names several places; the body lists
    /// `suggestions` and says which prefectures can be searched.
    #[error("place {field}: {en}")]
    Place {
        /// The parameter (`near`).
        field: String,
        /// True when several places match.
        ambiguous: bool,
        /// The message in Japanese.
        ja: String,
        /// The message in English.
        en: String,
        /// Places the text may have meant.
        suggestions: Vec<String>,
    },
    /// 401: the request needs a signed-in staff account (or its session expired).
    #[error("sign in first")]
    Unauthenticated,
    /// 401: the e-mail or password is wrong (which one is not said).
    #[error("wrong e-mail or password")]
    InvalidCredentials,
    /// 403: the signed-in account's role or scope does not allow this, or it is disabled.
    #[error("forbidden: {en}")]
    Forbidden {
        /// Why, in Japanese.
        ja: String,
        /// Why, in English.
        en: String,
    },
    /// 429: too many attempts; try again after `retry_after_s` seconds
    /// (sent as `Retry-After`).
    #[error("too many attempts")]
    TooManyAttempts {
        /// Seconds until the next attempt is accepted.
        retry_after_s: u64,
    },
    /// 404: no route has this path.
    #[error("no route for this path")]
    RouteNotFound,
    /// 405: the route exists but not with this method.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// 413: the request body is larger than the server accepts.
    #[error("request body too large")]
    PayloadTooLarge,
    /// 429: this client sent more requests of this kind than its quota; the
    /// response says when to try again (`Retry-After`).
    #[error("rate limited")]
    RateLimited {
        /// Seconds until a request would be accepted.
        retry_after_s: u64,
    },
    /// 503: every PDF renderer stayed busy while the request waited.
    #[error("renderers busy")]
    Busy {
        /// Seconds after which to try again.
        retry_after_s: u64,
    },
    /// 414: the path and query are longer than the server reads
    /// ([`crate::MAX_URI_BYTES`]).
    #[error("request URI too long")]
    UriTooLong,
    /// 503: the request took longer than the server's timeout.
    #[error("request timed out")]
    Timeout,
    /// 503: the database cannot be reached right now.
    #[error("store unavailable")]
    Unavailable(#[source] StoreError),
    /// 500: a bug or a broken database; logged with its source, never shown.
    #[error("internal error")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// The JSON body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// What went wrong, for people and for programs.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable `snake_case` code: `bad_parameter`, `bad_request_body`, `not_found`,
    /// `outside_regions`, `place_not_found`, `place_ambiguous`, `route_not_found`,
    /// `method_not_allowed`, `payload_too_large`, `uri_too_long`, `rate_limited`, `busy`, `timeout`,
    /// `unauthenticated`, `invalid_credentials`, `forbidden`, `too_many_attempts`,
    /// `service_unavailable`, `internal_error`.
    #[schema(example = "bad_parameter")]
    pub code: &'static str,
    /// "日本語 / English" in one line.
    pub message: String,
    /// The message in Japanese.
    pub message_ja: String,
    /// The message in English.
    pub message_en: String,
    /// The parameter at fault, for `bad_parameter`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "per_page")]
    pub field: Option<String>,
    /// For `place_not_found` and `place_ambiguous`: places the text may have
    /// meant, best first, to show as choices (may be empty).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestions: Option<Vec<String>>,
}

impl ApiError {
    /// A 400 for parameter `field` with a Japanese and an English explanation.
    pub fn bad_parameter(
        field: impl Into<String>,
        ja: impl Into<String>,
        en: impl Into<String>,
    ) -> Self {
        Self::BadParameter {
            field: field.into(),
            ja: ja.into(),
            en: en.into(),
        }
    }

    /// A 500 wrapping any error; the source is logged, not shown.
    pub fn internal(source: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Self::Internal(source.into())
    }

    /// The HTTP status of this error.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::BadParameter { .. } | Self::BadBody(_) => StatusCode::BAD_REQUEST,
            Self::NotFound { .. } | Self::OutsideRegions { .. } | Self::RouteNotFound => {
                StatusCode::NOT_FOUND
            }
            Self::Place { ambiguous, .. } => {
                if *ambiguous {
                    StatusCode::BAD_REQUEST
                } else {
                    StatusCode::NOT_FOUND
                }
            }
            Self::Unauthenticated | Self::InvalidCredentials => StatusCode::UNAUTHORIZED,
            Self::Forbidden { .. } => StatusCode::FORBIDDEN,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::RateLimited { .. } | Self::TooManyAttempts { .. } => {
                StatusCode::TOO_MANY_REQUESTS
            }
            Self::UriTooLong => StatusCode::URI_TOO_LONG,
            Self::Timeout | Self::Unavailable(_) | Self::Busy { .. } => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The stable code, message in Japanese and message in English.
    #[allow(
        clippy::too_many_lines,
        reason = "one arm per error code: the whole list in one place is the point"
    )]
    fn describe(&self) -> (&'static str, String, String) {
        match self {
            Self::BadParameter { field, ja, en } => (
                "bad_parameter",
                format!("パラメータ {field} が不正です: {ja}"),
                format!("Parameter {field} is invalid: {en}"),
            ),
            Self::BadBody(reason) => (
                "bad_request_body",
                format!("リクエスト本文を読めません: {reason}"),
                format!("The request body cannot be read: {reason}"),
            ),
            Self::NotFound { entity, id } => (
                "not_found",
                format!("{id} は見つかりません ({entity})"),
                format!("{entity} {id} was not found"),
            ),
            Self::OutsideRegions { lon, lat } => (
                "outside_regions",
                format!("地点 (経度 {lon}, 緯度 {lat}) はどの市区町村・二次医療圏にも入りません (境界から 500 m 以上離れています)"),
                format!("The point (lon {lon}, lat {lat}) is in no municipality or secondary medical region (more than 500 m from every loaded boundary)"),
            ),
            Self::Place {
                ambiguous, ja, en, ..
            } => (
                if *ambiguous {
                    "place_ambiguous"
                } else {
                    "place_not_found"
                },
                ja.clone(),
                en.clone(),
            ),
            Self::Unauthenticated => (
                "unauthenticated",
                "職員としてログインしてください".into(),
                "Sign in with a staff account first".into(),
            ),
            Self::InvalidCredentials => (
                "invalid_credentials",
                "メールアドレスまたはパスワードが違います".into(),
                "The e-mail address or password is wrong".into(),
            ),
            Self::Forbidden { ja, en } => (
                "forbidden",
                format!("この操作は許可されていません: {ja}"),
                format!("This is not allowed: {en}"),
            ),
            Self::TooManyAttempts { retry_after_s } => (
                "too_many_attempts",
                format!("試行回数が多すぎます。{retry_after_s} 秒後にもう一度お試しください"),
                format!("Too many attempts; try again in {retry_after_s} seconds"),
            ),
            Self::RouteNotFound => (
                "route_not_found",
                "このパスの API はありません。/api/docs を見てください".into(),
                "There is no API at this path; see /api/docs".into(),
            ),
            Self::MethodNotAllowed => (
                "method_not_allowed",
                "このパスではこのメソッドは使えません".into(),
                "This method is not allowed on this path".into(),
            ),
            Self::PayloadTooLarge => (
                "payload_too_large",
                "リクエスト本文が大きすぎます".into(),
                "The request body is too large".into(),
            ),
            Self::RateLimited { retry_after_s } => (
                "rate_limited",
                format!("リクエストが多すぎます。{retry_after_s} 秒後にもう一度お試しください"),
                format!("Too many requests; try again in {retry_after_s} s"),
            ),
            Self::Busy { retry_after_s } => (
                "busy",
                format!("印刷が混み合っています。{retry_after_s} 秒後にもう一度お試しください"),
                format!("Every PDF renderer is busy; try again in {retry_after_s} s"),
            ),
            Self::UriTooLong => (
                "uri_too_long",
                format!(
                    "URL が長すぎます ({} バイトまで)。住所や名前は短くして検索してください",
                    crate::MAX_URI_BYTES
                ),
                format!(
                    "The URL is too long (at most {} bytes); search with a shorter address or name",
                    crate::MAX_URI_BYTES
                ),
            ),
            Self::Timeout => (
                "timeout",
                "処理に時間がかかりすぎました。しばらくしてからもう一度お試しください".into(),
                "The request took too long; please try again later".into(),
            ),
            Self::Unavailable(_) => (
                "service_unavailable",
                "データベースに接続できません。しばらくしてからもう一度お試しください".into(),
                "The database is unavailable; please try again later".into(),
            ),
            Self::Internal(_) => (
                "internal_error",
                "サーバー内部でエラーが起きました".into(),
                "Something went wrong on the server".into(),
            ),
        }
    }

    /// The JSON body for this error.
    pub fn body(&self) -> ErrorBody {
        let (code, ja, en) = self.describe();
        let field = match self {
            Self::BadParameter { field, .. } | Self::Place { field, .. } => Some(field.clone()),
            _ => None,
        };
        let suggestions = match self {
            Self::Place { suggestions, .. } => Some(suggestions.clone()),
            _ => None,
        };
        ErrorBody {
            error: ErrorDetail {
                code,
                message: format!("{ja} / {en}"),
                message_ja: ja,
                message_en: en,
                field,
                suggestions,
            },
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match &self {
            Self::Internal(source) => {
                tracing::error!(error = %error_chain(source.as_ref()), "internal error");
            }
            Self::Unavailable(source) => {
                tracing::warn!(error = %error_chain(source), "store unavailable");
            }
            _ => {}
        }
        let mut response = (self.status(), axum::Json(self.body())).into_response();
        if let Self::RateLimited { retry_after_s }
        | Self::Busy { retry_after_s }
        | Self::TooManyAttempts { retry_after_s } = self
        {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_s));
        }
        response
    }
}

/// `error: cause: cause …` for logs.
fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound { entity, key } => Self::NotFound { entity, id: key },
            StoreError::Unavailable { .. } => Self::Unavailable(error),
            other => Self::internal(other),
        }
    }
}

impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        match error {
            AppError::Invalid { field, ja, en } => Self::bad_parameter(field, ja, en),
            AppError::NotFound { entity, id } => Self::NotFound { entity, id },
            AppError::OutsideRegions { lon, lat } => Self::OutsideRegions { lon, lat },
            AppError::Place {
                field,
                problem,
                ja,
                en,
                suggestions,
            } => Self::Place {
                field: field.to_owned(),
                ambiguous: problem == renkei_app::PlaceProblem::Ambiguous,
                ja,
                en,
                suggestions,
            },
            AppError::Store(error) => error.into(),
            AppError::Print { field, error } => print_error(field, error),
            // A refused change is the client's (no HTTP write exists yet).
            AppError::Rollout(refused) => Self::BadBody(refused.to_string()),
            AppError::Unauthenticated => Self::Unauthenticated,
            AppError::InvalidCredentials => Self::InvalidCredentials,
            AppError::Forbidden { ja, en } => Self::Forbidden { ja, en },
            AppError::AccountDisabled => Self::Forbidden {
                ja: "このアカウントは無効です".into(),
                en: "this account is disabled".into(),
            },
            AppError::Locked { until } => Self::TooManyAttempts {
                retry_after_s: u64::try_from((until - chrono::Utc::now()).num_seconds())
                    .unwrap_or(0)
                    .max(1),
            },
            other @ (AppError::Csv(_) | AppError::Hash(_)) => Self::internal(other),
        }
    }
}

/// Print errors: bad or unknown area codes are the client's, the rest are logged 500s.
fn print_error(field: &'static str, error: PrintError) -> ApiError {
    match error {
        PrintError::BadAreaCode { code } => renkei_app::regions::not_an_area(field, &code).into(),
        PrintError::UnknownArea { code } | PrintError::NoGeometry { area: code } => {
            ApiError::NotFound {
                entity: "area",
                id: code,
            }
        }
        other => ApiError::internal(other),
    }
}

impl From<axum::extract::rejection::QueryRejection> for ApiError {
    fn from(rejection: axum::extract::rejection::QueryRejection) -> Self {
        // serde_path_to_error gives "Failed to deserialize query string: FIELD: reason".
        let text = rejection.body_text();
        let detail = text
            .split_once(": ")
            .map_or(text.as_str(), |(_, rest)| rest);
        let (field, reason) = detail.split_once(": ").unwrap_or_else(|| {
            // serde names the field in backticks when there is no path: "duplicate field `page`".
            let named = detail.split('`').nth(1).filter(|name| !name.is_empty());
            (named.unwrap_or("query"), detail)
        });
        Self::bad_parameter(
            field,
            format!("読み取れません ({reason})"),
            format!("cannot be read ({reason})"),
        )
    }
}

impl From<axum::extract::rejection::PathRejection> for ApiError {
    fn from(rejection: axum::extract::rejection::PathRejection) -> Self {
        use axum::extract::path::ErrorKind;
        use axum::extract::rejection::PathRejection;
        let field = match &rejection {
            PathRejection::FailedToDeserializePathParams(error) => match error.kind() {
                ErrorKind::ParseErrorAtKey { key, .. }
                | ErrorKind::InvalidUtf8InPathParam { key }
                | ErrorKind::DeserializeError { key, .. } => key.clone(),
                _ => "path".to_owned(),
            },
            _ => "path".to_owned(),
        };
        let reason = rejection.body_text();
        Self::bad_parameter(
            field,
            format!("読み取れません ({reason})"),
            format!("cannot be read ({reason})"),
        )
    }
}

impl From<axum::extract::rejection::JsonRejection> for ApiError {
    fn from(rejection: axum::extract::rejection::JsonRejection) -> Self {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            return Self::PayloadTooLarge;
        }
        Self::BadBody(rejection.body_text())
    }
}
