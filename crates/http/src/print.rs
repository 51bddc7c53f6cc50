//! `/api/v1/print/…`: printed matter as PDF — the regional resource map, the
//! family leaflet and the referral sheet ([`renkei_print`]). Documents are
//! made from the in-memory index and regions on a blocking thread, returned,
//! and kept nowhere.
//!
//! The QR codes point at the web client on the host the request came to
//! (`X-Forwarded-Proto` / `X-Forwarded-Host` honoured behind a proxy).

use crate::coverage::dto::{BAND_COLOURS, BAND_LABELS};
use crate::coverage::inputs::{inputs_for, CoverageInputs};
use crate::coverage::{population_note, Analysis, CoverageParams, CoverageRequest};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::AppQuery;
use crate::facilities::present;
use crate::regions::Regions;
use crate::search::SearchParams;
use crate::AppState;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use renkei_core::directory_index::DirectoryIndex;
use renkei_core::{KindCode, PublicFacility};
use renkei_print::{
    area_facilities, map_area, region_facilities, region_leaflet, render_leaflet,
    render_map_with_coverage, render_referral, tokyo_today, CoverageBand, CoverageCell,
    CoverageLayer, Fonts, MapOptions, Orientation, Paper, PrintError, Referral, WebClient,
};
use serde::Deserialize;
use std::sync::OnceLock;
use utoipa::IntoParams;

/// Routes of this area, relative to `/api/v1`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/print/map", get(print_map))
        .route("/print/leaflet", get(print_leaflet))
        .route("/print/referral", get(print_referral))
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
    /// The coverage parameters for the map of `code`, or `None` without `coverage=true`.
    fn coverage_params(&self, code: &str) -> ApiResult<Option<CoverageParams>> {
        if !crate::search::params::flag("coverage", self.coverage.as_deref())? {
            return Ok(None);
        }
        Ok(Some(CoverageParams {
            kinds: self.kinds.clone(),
            needs: self.needs.clone(),
            age: self.age.clone(),
            accepting: self.accepting.clone(),
            include_unknown: self.include_unknown.clone(),
            region: Some(code.to_owned()),
            within_m: self.within_m.clone(),
            within_minutes: self.within_minutes.clone(),
            k: self.k.clone(),
            ..CoverageParams::default()
        }))
    }
}

/// The coverage layer of a printed map: `request` (checked from `params` by
/// [`CoverageParams::parse`], its area the map's) analysed as
/// /api/v1/coverage analyses it, as banded 3rd-mesh cells with the legend
/// text and the web client's coverage view for the QR code.
pub fn coverage_layer(
    index: &DirectoryIndex,
    regions: &Regions,
    inputs: &CoverageInputs,
    params: &CoverageParams,
    request: &CoverageRequest,
    web: &WebClient,
) -> CoverageLayer {
    let analysis = Analysis::run(index, regions, inputs, request);
    let within_m = request.options.within_m;
    let within_minutes =
        present(params.within_minutes.as_deref()).map(|_| request.travel.minutes(within_m).round());
    let within = within_minutes.map_or_else(
        || format!("{}km", within_m / 1000.0),
        |minutes| format!("{minutes}min"),
    );
    let japanese = |text: &str| {
        text.rsplit_once(" / ")
            .map_or(text, |(ja, _)| ja)
            .to_owned()
    };
    let population = population_note(request.sites, inputs);
    let mut population_note = format!(
        "子どもの数: {}",
        population
            .notes
            .first()
            .map_or_else(String::new, |n| japanese(n))
    );
    if let Some(source) = &population.source {
        population_note.push('（');
        population_note.push_str(source);
        population_note.push('）');
    }
    CoverageLayer {
        cells: analysis
            .cell_bands()
            .into_iter()
            .map(|(cell, band)| CoverageCell {
                cell,
                band: usize::from(band),
            })
            .collect(),
        bands: BAND_LABELS
            .iter()
            .zip(BAND_COLOURS)
            .map(|(label, colour)| CoverageBand {
                label: japanese(label),
                colour: hex_colour(colour),
            })
            .collect(),
        profile: request.profile.clone(),
        include_unknown: request.include_unknown,
        within_m,
        within_minutes,
        population_note,
        url: web.coverage_view(
            &request.profile,
            &within,
            request.include_unknown,
            present(params.region.as_deref()).unwrap_or_default(),
        ),
    }
}

/// `#rrggbb` as bytes (grey when malformed, which the constants are not).
fn hex_colour(text: &str) -> [u8; 3] {
    let byte = |i: usize| {
        text.get(1 + 2 * i..3 + 2 * i)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
            .unwrap_or(0x80)
    };
    [byte(0), byte(1), byte(2)]
}

/// Query parameters of the leaflet.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LeafletParams {
    /// 二次医療圏 code (4 digits, e.g. 1407).
    #[param(value_type = String, example = "1407")]
    pub region: Option<String>,
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
    let code = required("code", params.code.as_deref())?.to_owned();
    let paper = match present(params.paper.as_deref()) {
        None => Paper::A4,
        Some(text) => Paper::parse(text).ok_or_else(|| choice("paper", text, "a4, a3"))?,
    };
    let orientation = match present(params.orientation.as_deref()) {
        None => Orientation::Portrait,
        Some(text) => Orientation::parse(text)
            .ok_or_else(|| choice("orientation", text, "portrait, landscape"))?,
    };
    let kinds = present(params.kinds.as_deref())
        .map(|text| {
            text.split(',')
                .map(|code| KindCode::new(code.trim()))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|error| {
                    ApiError::bad_parameter(
                        "kinds",
                        format!("施設の種類コードが不正です: {error}"),
                        error.to_string(),
                    )
                })
        })
        .transpose()?
        .unwrap_or_default();
    let options = MapOptions {
        paper,
        orientation,
        web: web_client(&headers),
        data_date: None,
    };
    let (index, regions) = (state.index.load(), state.index.regions());
    let coverage = match params.coverage_params(&code)? {
        Some(coverage) => {
            // The code first, so that a bad one is reported as `code`.
            let area = map_area(&regions.catalog, &code).map_err(|e| print_error("code", e))?;
            let request = coverage.parse(&regions)?;
            let inputs = inputs_for(state.store.as_ref(), &regions).await?;
            Some((area, coverage, request, inputs))
        }
        None => None,
    };
    let pdf = blocking(move || {
        let fonts = fonts()?;
        let (area, layer) = match coverage {
            Some((area, params, request, inputs)) => {
                let layer =
                    coverage_layer(&index, &regions, &inputs, &params, &request, &options.web);
                (area, Some(layer))
            }
            None => (
                map_area(&regions.catalog, &code).map_err(|e| print_error("code", e))?,
                None,
            ),
        };
        let mut facilities = area_facilities(&index, &regions.catalog, &area);
        facilities.retain(|f| kinds.is_empty() || kinds.contains(&f.kind));
        let facilities: Vec<&PublicFacility> = facilities.iter().collect();
        render_map_with_coverage(fonts, &area, &facilities, &options, layer.as_ref())
            .map(|map| map.pdf)
            .map_err(|e| print_error("code", e))
    })
    .await?;
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
        (status = 400, description = "region is missing or malformed; `field` names it", body = ErrorBody),
        (status = 404, description = "No 二次医療圏 has this code", body = ErrorBody),
    )
)]
pub async fn print_leaflet(
    State(state): State<AppState>,
    headers: HeaderMap,
    AppQuery(params): AppQuery<LeafletParams>,
) -> ApiResult<Response> {
    let code = required("region", params.region.as_deref())?.to_owned();
    let web = web_client(&headers);
    let (index, regions) = (state.index.load(), state.index.regions());
    let pdf = blocking(move || {
        let fonts = fonts()?;
        let facilities = region_facilities(&index, &code).map_err(|e| print_error("region", e))?;
        let leaflet = region_leaflet(&regions.catalog, &facilities, &code, web)
            .map_err(|e| print_error("region", e))?;
        render_leaflet(fonts, &leaflet).map_err(|e| print_error("region", e))
    })
    .await?;
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
    let mut request = params.parse(&state)?;
    request.query.include_unknown = true;
    let origin = request.query.origin;
    let web = web_client(&headers);
    let search_url = web.search_view(
        present(params.near.as_deref()),
        origin,
        &request.query.profile,
        request.query.radius_m,
    );
    let place_label = present(params.near.as_deref())
        .or(present(params.region.as_deref()))
        .unwrap_or("指定した地点")
        .to_owned();
    let index = state.index.load();
    let pdf = blocking(move || {
        let fonts = fonts()?;
        let found = index.search(&request.query).into_public();
        let referral = Referral {
            place_label,
            origin: request.query.origin,
            radius_m: request.query.radius_m,
            profile: request.query.profile.clone(),
            confirmed: found.confirmed,
            unknown: found.unknown,
            search_url,
            created_on: tokyo_today(),
            data_date: None,
        };
        render_referral(fonts, &referral).map_err(|e| print_error("lon", e))
    })
    .await?;
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

/// Print errors as API errors: bad or unknown codes are the client's, the rest are logged 500s.
fn print_error(field: &str, error: PrintError) -> ApiError {
    match error {
        PrintError::BadAreaCode { code } => ApiError::bad_parameter(
            field,
            format!("{code:?} は二次医療圏コード (4桁, 例: 1407) でも市区町村コード (5桁, 例: 14207) でもありません"),
            format!("{code:?} is neither a region code (4 digits, e.g. 1407) nor a municipality code (5 digits, e.g. 14207)"),
        ),
        PrintError::UnknownArea { code } | PrintError::NoGeometry { area: code } => ApiError::NotFound {
            entity: "area",
            id: code,
        },
        other => ApiError::internal(other),
    }
}

fn required<'a>(field: &str, text: Option<&'a str>) -> ApiResult<&'a str> {
    present(text).ok_or_else(|| {
        ApiError::bad_parameter(
            field,
            format!("{field} を指定してください"),
            format!("{field} is required"),
        )
    })
}

fn choice(field: &str, text: &str, allowed: &str) -> ApiError {
    ApiError::bad_parameter(
        field,
        format!("{text:?} ではなく {allowed} のどれかを指定してください"),
        format!("give one of {allowed}, not {text:?}"),
    )
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
