//! `/api/v1/coverage`: how many children live within reach of providers that
//! can handle a need profile, per 二次医療圏 (secondary medical region) and
//! municipality, with the places that fall short; as JSON, as GeoJSON cells
//! coloured by distance band, or as CSV.
//!
//! The query string becomes a [`CoverageQuery`] that renkei-app analyses on
//! the read model's snapshot ([`renkei_app::coverage`]); the report's shape
//! is renkei-app's, shared with `renkei coverage`.

use crate::error::{ApiResult, ErrorBody};
use crate::export::{csv_table_response, geojson_response};
use crate::extract::{AppJson, AppQuery};
use crate::params::{choice, flag, parse_number, present, profile, reach};
use crate::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use renkei_app::coverage::report::{
    csv_header, csv_rows, CoverageFeatureCollection, CoverageReport,
};
use renkei_app::coverage::{
    CoverageArea, CoverageQuery, SiteKind, DEFAULT_GAPS, MAX_GAPS, MAX_K, MAX_WITHIN_M,
    MAX_WITHIN_MINUTES,
};
use renkei_core::coverage::Basis;
use serde::Deserialize;
use utoipa::IntoParams;

/// Routes of this area, relative to `/api/v1`.
pub fn routes() -> Router<AppState> {
    Router::new().route("/coverage", get(coverage))
}

/// Query parameters of the coverage analysis. Empty values count as absent.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CoverageParams {
    /// Facility kinds, comma-separated taxonomy codes (e.g. `visiting_nurse`); any of them.
    #[param(value_type = Option<String>, example = "visiting_nurse")]
    pub kinds: Option<String>,
    /// 医療的ケア needs, comma-separated capability codes; one service must meet all.
    #[param(value_type = Option<String>, example = "ventilator")]
    pub needs: Option<String>,
    /// The child's age in years, 0–120.
    #[param(value_type = Option<u32>, minimum = 0, maximum = 120, example = 6)]
    pub age: Option<String>,
    /// `true`: only services accepting new clients (unstated is 要確認).
    #[param(value_type = Option<bool>)]
    pub accepting: Option<String>,
    /// `true`: the gap list and map count providers where a need is 要確認
    /// too (the table always shows both tiers). Default `false`.
    #[param(value_type = Option<bool>)]
    pub include_unknown: Option<String>,
    /// The area: prefecture (2 digits, e.g. 14), 二次医療圏 (4 digits, e.g. 1407)
    /// or municipality (5 digits; a designated city includes its wards).
    /// Default: everything loaded. Providers outside the area still count.
    #[param(value_type = Option<String>, example = "1407")]
    pub region: Option<String>,
    /// Distance threshold in metres (straight line), up to 200000; default 10000.
    #[param(value_type = Option<f64>, minimum = 1, maximum = 200_000, example = 10_000)]
    pub within_m: Option<String>,
    /// Instead of `within_m`: estimated travel minutes, up to 600 (see `travel_model`).
    #[param(value_type = Option<f64>, minimum = 1, maximum = 600, example = 20)]
    pub within_minutes: Option<String>,
    /// Providers a place needs within the threshold, 1–10 (default 1).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 10, example = 1)]
    pub k: Option<String>,
    /// `distance` (default) or `service_area`: k providers declare they serve
    /// the place's municipality (HSDS service_area, `renkei import service-areas`).
    #[param(value_type = Option<String>, example = "distance")]
    pub basis: Option<String>,
    /// `mesh` (default: JIS X 0410 3rd-mesh land cells, about 1 km) or `town` (町丁目 points).
    #[param(value_type = Option<String>, example = "mesh")]
    pub sites: Option<String>,
    /// Places in the gap list, 0–1000 (default 20).
    #[param(value_type = Option<u32>, minimum = 0, maximum = 1000, example = 20)]
    pub gaps: Option<String>,
    /// `json` (default), `geojson` (places with distance bands) or `csv` (the table).
    #[param(value_type = Option<String>, example = "json")]
    pub format: Option<String>,
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CoverageFormat {
    /// The report.
    Json,
    /// Places as GeoJSON.
    Geojson,
    /// The table as CSV.
    Csv,
}

/// Values of `format`, the default first.
pub const COVERAGE_FORMATS: [&str; 3] = ["json", "geojson", "csv"];
/// Values of `basis`, the default first.
pub const BASES: [&str; 2] = ["distance", "service_area"];
/// Values of `sites`, the default first.
pub const SITES: [&str; 2] = ["mesh", "town"];

impl CoverageParams {
    /// The typed query and the output format; a malformed value is a 400
    /// naming its parameter (renkei-app then checks what needs the data).
    pub fn query(&self) -> ApiResult<(CoverageQuery, CoverageFormat)> {
        let format = [
            CoverageFormat::Json,
            CoverageFormat::Geojson,
            CoverageFormat::Csv,
        ][choice("format", self.format.as_deref(), &COVERAGE_FORMATS)?];
        let basis =
            [Basis::Distance, Basis::ServiceArea][choice("basis", self.basis.as_deref(), &BASES)?];
        let sites =
            [SiteKind::Mesh, SiteKind::Town][choice("sites", self.sites.as_deref(), &SITES)?];
        let within = reach(
            ("within_m", self.within_m.as_deref()),
            ("within_minutes", self.within_minutes.as_deref()),
            MAX_WITHIN_M,
            MAX_WITHIN_MINUTES,
        )?;
        let k = parse_number("k", self.k.as_deref(), 1, MAX_K)?.unwrap_or(1);
        let gaps = parse_number("gaps", self.gaps.as_deref(), 0, MAX_GAPS)?.unwrap_or(DEFAULT_GAPS);
        let query = CoverageQuery {
            profile: profile(
                self.kinds.as_deref(),
                self.needs.as_deref(),
                self.age.as_deref(),
                self.accepting.as_deref(),
            )?,
            include_unknown: flag("include_unknown", self.include_unknown.as_deref())?,
            area: match present(self.region.as_deref()) {
                Some(text) => CoverageArea::parse(text)?,
                None => CoverageArea::All,
            },
            within,
            k: k as usize,
            basis,
            sites,
            gaps: gaps as usize,
        };
        Ok((query, format))
    }
}

/// Coverage and gaps for a need profile (カバー率とギャップ分析).
#[utoipa::path(
    get,
    path = "/api/v1/coverage",
    tag = "coverage",
    params(CoverageParams),
    responses(
        (status = 200, description = "Per-region and per-municipality table and gap list / 二次医療圏・市区町村ごとのカバー率と空白地域", content(
            (CoverageReport = "application/json"),
            (CoverageFeatureCollection = "application/geo+json"),
            (String = "text/csv"),
        )),
        (status = 400, description = "A parameter is malformed or out of range; `field` names it", body = ErrorBody),
        (status = 404, description = "No 二次医療圏 has this code", body = ErrorBody),
    )
)]
pub async fn coverage(
    State(state): State<AppState>,
    AppQuery(params): AppQuery<CoverageParams>,
) -> ApiResult<Response> {
    let (query, format) = params.query()?;
    let snapshot = state.index.snapshot();
    let analysis = query.run(&snapshot).await?;
    match format {
        CoverageFormat::Json => Ok(AppJson(analysis.report()).into_response()),
        CoverageFormat::Geojson => geojson_response(&analysis.features()),
        CoverageFormat::Csv => {
            let report = analysis.report();
            csv_table_response(&csv_header(), csv_rows(&report), "renkei-coverage.csv")
        }
    }
}
