//! `/api/v1/print/…`: printed matter as PDF — the regional resource map, the
//! family leaflet and the referral sheet. The query string becomes one of
//! renkei-app's print queries ([`renkei_app::print`]), checked on the request's
//! thread; the document is made from the read model's snapshot on a blocking
//! thread, returned, and kept nowhere.
//!
//! The QR codes point at the web client on the host the request came to
//! (`X-Forwarded-Proto` / `X-Forwarded-Host` honoured behind a proxy).

use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::AppQuery;
use crate::params::{age, choice, codes, flag, parse_number, reach, required};
use crate::search::SearchParams;
use crate::AppState;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use renkei_app::coverage::{MAX_K, MAX_WITHIN_M, MAX_WITHIN_MINUTES};
use renkei_app::print::{LeafletQuery, MapCoverage, MapQuery, ReferralQuery};
use renkei_app::regions::{parse_area, parse_region};
use renkei_app::Regions;
use renkei_core::era::FiscalYear;
use renkei_core::verification::AgeingPolicy;
use renkei_core::{CapabilityCode, KindCode};
use renkei_print::{Fonts, Orientation, Paper, WebClient};
use serde::Deserialize;
use std::sync::OnceLock;
use utoipa::IntoParams;

/// Routes of this area, relative to `/api/v1`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/print/map", get(print_map))
        .route("/print/leaflet", get(print_leaflet))
        .route("/print/referral", get(print_referral))
        .route("/print/rollout", get(print_rollout))
}

/// Query parameters of the rollout's progress report.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RolloutReportParams {
    /// Prefecture (2 digits).
    #[param(value_type = String, example = "14")]
    pub prefecture: Option<String>,
    /// 年度 reported, as the calendar year it starts in (2026 = 令和8年度);
    /// default: the current 年度 (Asia/Tokyo).
    #[param(value_type = Option<i32>, example = 2026)]
    pub fiscal_year: Option<String>,
}

/// The regional rollout's annual progress report as PDF (全県展開 進捗報告, A4),
/// for the prefecture's 小児等在宅医療推進会議.
#[utoipa::path(
    get,
    path = "/api/v1/print/rollout",
    tag = "print",
    params(RolloutReportParams),
    responses(
        (status = 200, description = "PDF: milestones, then per area its stages, 課題 and 取組 by 年度 with the era / 全県展開 進捗報告", content_type = "application/pdf", body = Vec<u8>),
        (status = 400, description = "prefecture is missing or malformed, or fiscal_year is not a year; `field` names it", body = ErrorBody),
        (status = 404, description = "The prefecture has no rollout", body = ErrorBody),
    )
)]
pub async fn print_rollout(
    State(state): State<AppState>,
    AppQuery(params): AppQuery<RolloutReportParams>,
) -> ApiResult<Response> {
    let prefecture = required("prefecture", params.prefecture.as_deref())?;
    let today = renkei_print::tokyo_today();
    let year = match params.fiscal_year.as_deref().map(str::trim) {
        None | Some("") => FiscalYear::of(today),
        Some(text) => text
            .parse::<i32>()
            .ok()
            .filter(|y| (1926..=2200).contains(y))
            .map(FiscalYear::new)
            .ok_or_else(|| {
                ApiError::bad_parameter(
                    "fiscal_year",
                    "fiscal_year は西暦の年（例: 2026）で指定してください",
                    "fiscal_year must be a year such as 2026",
                )
            })?,
    };
    let report =
        renkei_app::rollout::progress_report(state.store.as_ref(), prefecture, year, today).await?;
    let pdf = blocking(move || Ok(renkei_app::rollout::render_report(&report, fonts()?)?)).await?;
    Ok(pdf_response(pdf, "renkei-rollout-report.pdf"))
}

/// Query parameters of the regional map.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MapParams {
    /// 二次医療圏 code (4 digits, e.g. 1407) or municipality / ward code (5 digits, e.g. 14207; a designated city includes its wards).
    #[param(value_type = String, example = "1407")]
    pub code: Option<String>,
    /// Paper: `a4` (default) or `a3`.
    #[param(value_type = Option<String>, example = "a3")]
    pub paper: Option<String>,
    /// `portrait` (default) or `landscape`.
    #[param(value_type = Option<String>, example = "landscape")]
    pub orientation: Option<String>,
    /// Only these facility kinds (comma-separated kind codes, e.g. `visiting_nurse,hospital`); default all.
    #[param(value_type = Option<String>, example = "visiting_nurse,hospital")]
    pub kinds: Option<String>,
    /// `true`: draw the coverage layer (3rd-mesh cells by distance band, as
    /// /api/v1/coverage) for `kinds`, `needs`, `age`, `accepting`,
    /// `include_unknown`, `within_m` / `within_minutes` and `k`.
    #[param(value_type = Option<bool>)]
    pub coverage: Option<String>,
    /// Coverage: 医療的ケア needs, comma-separated capability codes.
    #[param(value_type = Option<String>, example = "ventilator")]
    pub needs: Option<String>,
    /// Coverage: the child's age in years, 0–120.
    #[param(value_type = Option<u32>, minimum = 0, maximum = 120)]
    pub age: Option<String>,
    /// Coverage: `true`: only services accepting new clients.
    #[param(value_type = Option<bool>)]
    pub accepting: Option<String>,
    /// Coverage: `true`: count providers where a need is 要確認 too.
    #[param(value_type = Option<bool>)]
    pub include_unknown: Option<String>,
    /// Coverage: distance threshold in metres (straight line), up to 200000; default 10000.
    #[param(value_type = Option<f64>, minimum = 1, maximum = 200_000)]
    pub within_m: Option<String>,
    /// Coverage: instead of `within_m`, estimated travel minutes, up to 600.
    #[param(value_type = Option<f64>, minimum = 1, maximum = 600)]
    pub within_minutes: Option<String>,
    /// Coverage: providers a place needs within the threshold, 1–10 (default 1).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 10)]
    pub k: Option<String>,
}

impl MapParams {
    /// The typed map query, an area code read with the designated cities of
    /// `regions`; a malformed value is a 400 naming its parameter. Confirmed
    /// answers lapse as `ageing` says.
    fn query(&self, regions: &Regions, ageing: AgeingPolicy) -> ApiResult<MapQuery> {
        let code = required("code", self.code.as_deref())?;
        let paper = [Paper::A4, Paper::A3][choice("paper", self.paper.as_deref(), &["a4", "a3"])?];
        let orientation = [Orientation::Portrait, Orientation::Landscape][choice(
            "orientation",
            self.orientation.as_deref(),
            &["portrait", "landscape"],
        )?];
        let kinds = codes("kinds", self.kinds.as_deref(), KindCode::new)?;
        let area = parse_area("code", code, regions)?;
        let coverage = if flag("coverage", self.coverage.as_deref())? {
            Some(MapCoverage {
                needs: codes("needs", self.needs.as_deref(), CapabilityCode::new)?,
                age_years: age(self.age.as_deref())?,
                accepting_only: flag("accepting", self.accepting.as_deref())?,
                include_unknown: flag("include_unknown", self.include_unknown.as_deref())?,
                within: reach(
                    ("within_m", self.within_m.as_deref()),
                    ("within_minutes", self.within_minutes.as_deref()),
                    MAX_WITHIN_M,
                    MAX_WITHIN_MINUTES,
                )?,
                k: parse_number("k", self.k.as_deref(), 1, MAX_K)?.map_or(1, |k| k as usize),
            })
        } else {
            None
        };
        Ok(MapQuery {
            area,
            paper,
            orientation,
            kinds,
            coverage,
            ageing,
        })
    }
}

/// Query parameters of the leaflet.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LeafletParams {
    /// 二次医療圏 code (4 digits, e.g. 1407).
    #[param(value_type = String, example = "1407")]
    pub region: Option<String>,
    /// Who hands the leaflet out (配布元), printed in the issuer box; empty or
    /// absent leaves the box blank for a stamp.
    #[param(max_length = 60, example = "茅ヶ崎市 障がい福祉課")]
    pub issuer: Option<String>,
}

/// Regional resource map as PDF (地域資源マップ).
#[utoipa::path(
    get,
    path = "/api/v1/print/map",
    tag = "print",
    params(MapParams),
    responses(
        (status = 200, description = "PDF: map with numbered markers, legend, scale, QR code, sources, and the index table on the following pages / 地域資源マップ", content_type = "application/pdf", body = Vec<u8>),
        (status = 400, description = "code, paper, orientation or a coverage parameter is missing or malformed; `field` names it", body = ErrorBody),
        (status = 404, description = "No region or municipality with a boundary has this code", body = ErrorBody),
    )
)]
pub async fn print_map(
    State(state): State<AppState>,
    headers: HeaderMap,
    AppQuery(params): AppQuery<MapParams>,
) -> ApiResult<Response> {
    let snapshot = state.index.snapshot();
    let query = params.query(snapshot.regions(), state.config.ageing)?;
    let job = query.prepare(snapshot, web_client(&headers)).await?;
    let pdf = blocking(move || Ok(job.print(fonts()?)?.pdf)).await?;
    Ok(pdf_response(pdf, "renkei-map.pdf"))
}

/// Family leaflet as PDF (ご家族向けリーフレット, A4 三つ折り, 2 pages).
#[utoipa::path(
    get,
    path = "/api/v1/print/leaflet",
    tag = "print",
    params(LeafletParams),
    responses(
        (status = 200, description = "PDF: two A4 landscape pages to print on both sides and fold in three / リーフレット", content_type = "application/pdf", body = Vec<u8>),
        (status = 400, description = "region is missing or malformed, or issuer is too long; `field` names it", body = ErrorBody),
        (status = 404, description = "No 二次医療圏 has this code", body = ErrorBody),
    )
)]
pub async fn print_leaflet(
    State(state): State<AppState>,
    headers: HeaderMap,
    AppQuery(params): AppQuery<LeafletParams>,
) -> ApiResult<Response> {
    let query = LeafletQuery::new(
        parse_region("region", required("region", params.region.as_deref())?)?,
        params.issuer.as_deref(),
    )?;
    let web = web_client(&headers);
    let snapshot = state.index.snapshot();
    let pdf = blocking(move || Ok(query.print(&snapshot, fonts()?, web)?)).await?;
    Ok(pdf_response(pdf, "renkei-leaflet.pdf"))
}

/// Referral sheet as PDF for a search (紹介先候補シート); the parameters are
/// those of /api/v1/search, and the 要確認 tier is always listed, separately.
#[utoipa::path(
    get,
    path = "/api/v1/print/referral",
    tag = "print",
    params(SearchParams),
    responses(
        (status = 200, description = "PDF: the needs searched, confirmed and 要確認 results with contacts, a small map and a QR code to the search / 紹介先候補シート", content_type = "application/pdf", body = Vec<u8>),
        (status = 400, description = "A parameter is malformed, out of range or an unknown code, or `near` cannot be placed; `field` names it", body = ErrorBody),
    )
)]
pub async fn print_referral(
    State(state): State<AppState>,
    headers: HeaderMap,
    AppQuery(params): AppQuery<SearchParams>,
) -> ApiResult<Response> {
    let snapshot = state.index.snapshot();
    let (search, _) = params.request(snapshot.regions(), state.config.ageing)?;
    let job = ReferralQuery { search }.prepare(snapshot, &web_client(&headers))?;
    let pdf = blocking(move || Ok(job.print(fonts()?)?)).await?;
    Ok(pdf_response(pdf, "renkei-referral.pdf"))
}

/// The font, loaded once per process.
fn fonts() -> ApiResult<&'static Fonts> {
    static FONTS: OnceLock<Result<Fonts, String>> = OnceLock::new();
    FONTS
        .get_or_init(|| Fonts::discover().map_err(|error| error.to_string()))
        .as_ref()
        .map_err(|reason| ApiError::internal(reason.clone()))
}

/// Runs document making off the async threads.
async fn blocking(
    work: impl FnOnce() -> ApiResult<Vec<u8>> + Send + 'static,
) -> ApiResult<Vec<u8>> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(ApiError::internal)?
}

/// The web client on the host this request came to.
fn web_client(headers: &HeaderMap) -> WebClient {
    let value = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|v| !v.is_empty())
    };
    let host = value("x-forwarded-host").or_else(|| value(header::HOST.as_str()));
    let proto = value("x-forwarded-proto")
        .filter(|p| matches!(*p, "http" | "https"))
        .unwrap_or("http");
    match host {
        Some(host)
            if host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c)) =>
        {
            WebClient::new(&format!("{proto}://{host}/"))
        }
        _ => WebClient::default(),
    }
}

fn pdf_response(pdf: Vec<u8>, file_name: &'static str) -> Response {
    let disposition = HeaderValue::from_str(&format!("inline; filename=\"{file_name}\""))
        .expect("file names are ASCII");
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/pdf"),
            ),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        pdf,
    )
        .into_response()
}
