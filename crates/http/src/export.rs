//! Exports of a facility list: GeoJSON (RFC 7946) and CSV (UTF-8 with BOM, so
//! Excel opens it without garbling). Both are built from one flat public row,
//! [`FlatFacility`], so the two formats always carry the same fields. Rows are
//! made only from a [`PublicFacility`], so they hold nothing staff-only.

use crate::dto::{municipality_code, AnswerDto};
use crate::error::{ApiError, ApiResult};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use renkei_app::table::csv_bytes as csv_table_bytes;
use renkei_core::{PublicFacility, Taxonomy};
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// Media type of GeoJSON.
pub const GEOJSON_MEDIA_TYPE: &str = "application/geo+json";
/// Media type of the CSV export.
pub const CSV_MEDIA_TYPE: &str = "text/csv; charset=utf-8";

/// A GeoJSON FeatureCollection of facilities.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeatureCollection {
    /// Always `FeatureCollection`.
    #[serde(rename = "type")]
    #[schema(example = "FeatureCollection")]
    pub kind: &'static str,
    /// One feature per facility.
    pub features: Vec<Feature>,
}

/// A GeoJSON Feature: one facility.
#[derive(Debug, Serialize, ToSchema)]
pub struct Feature {
    /// Always `Feature`.
    #[serde(rename = "type")]
    #[schema(example = "Feature")]
    pub kind: &'static str,
    /// The facility id.
    pub id: String,
    /// The position, or `null` when it is unknown.
    pub geometry: Option<Point>,
    /// Flat public fields.
    pub properties: FlatFacility,
}

/// A GeoJSON Point.
#[derive(Debug, Serialize, ToSchema)]
pub struct Point {
    /// Always `Point`.
    #[serde(rename = "type")]
    #[schema(example = "Point")]
    pub kind: &'static str,
    /// `[longitude, latitude]` in WGS 84 degrees.
    #[schema(example = json!([139.4037, 35.3334]))]
    pub coordinates: [f64; 2],
}

/// The public fields of a facility as one flat row (GeoJSON properties, CSV columns).
#[derive(Debug, Serialize, ToSchema)]
pub struct FlatFacility {
    /// Facility id.
    pub id: String,
    /// Kind code.
    pub kind: String,
    /// Kind, Japanese.
    pub kind_ja: String,
    /// Kind, English.
    pub kind_en: String,
    /// Name.
    pub name: String,
    /// Reading in katakana.
    pub name_kana: Option<String>,
    /// Organisation.
    pub organization: String,
    /// Address.
    pub address: String,
    /// Postal code.
    pub postal_code: Option<String>,
    /// Longitude, WGS 84 degrees.
    pub lon: Option<f64>,
    /// Latitude, WGS 84 degrees.
    pub lat: Option<f64>,
    /// Municipality code.
    pub municipality_code: Option<String>,
    /// 二次医療圏 code.
    pub region_code: Option<String>,
    /// `town` / `municipality` when the position was geocoded from the address.
    pub geocoded: Option<String>,
    /// Hospital accreditation codes, separated by ` / `.
    pub accreditations: String,
    /// Public phone numbers, separated by ` / `.
    pub phones: String,
    /// Web site.
    pub url: Option<String>,
    /// `active` or `closed`.
    pub status: String,
    /// `capability_<code>`: yes / no / unknown over all services (yes if any
    /// service says yes, no only if all say no), one per 医療的ケア item.
    #[serde(flatten)]
    #[schema(value_type = BTreeMap<String, String>)]
    pub capabilities: BTreeMap<String, &'static str>,
    /// Source key.
    pub source: String,
    /// Id of the record in the source.
    pub source_record_id: String,
    /// Import time, RFC 3339 UTC.
    pub imported_at: String,
    /// Licence.
    pub licence: String,
    /// Credit line.
    pub attribution: String,
    /// True for the demo directory.
    pub demo: bool,
}

impl From<&PublicFacility> for FlatFacility {
    fn from(f: &PublicFacility) -> Self {
        let term = f.kind.term();
        let capabilities = Taxonomy::builtin()
            .capability_codes()
            .map(|code| {
                (
                    format!("capability_{code}"),
                    AnswerDto::from(f.capability(&code)).as_str(),
                )
            })
            .collect();
        Self {
            id: f.id.to_string(),
            kind: term.code.clone(),
            kind_ja: term.ja.clone(),
            kind_en: term.en.clone(),
            name: f.name.clone(),
            name_kana: f.name_kana.clone(),
            organization: f.organization.name.clone(),
            address: f.location.address.clone(),
            postal_code: f.location.postal_code.clone(),
            lon: f.location.position.map(renkei_core::LonLat::lon),
            lat: f.location.position.map(renkei_core::LonLat::lat),
            municipality_code: municipality_code(f),
            region_code: f.location.region.as_ref().map(ToString::to_string),
            geocoded: f.location.geocoded.map(|p| p.as_str().to_owned()),
            accreditations: f
                .accreditations
                .iter()
                .map(|a| a.code.as_str())
                .collect::<Vec<_>>()
                .join(" / "),
            phones: f
                .phones
                .iter()
                .map(|p| p.number.as_str())
                .collect::<Vec<_>>()
                .join(" / "),
            url: f.url.clone(),
            status: f.status.as_str().to_owned(),
            capabilities,
            source: f.provenance.source.clone(),
            source_record_id: f.provenance.source_record_id.clone(),
            imported_at: f.provenance.imported_at.to_rfc3339(),
            licence: f.provenance.licence.clone(),
            attribution: f.provenance.attribution.clone(),
            demo: f.provenance.demo,
        }
    }
}

impl From<&PublicFacility> for Feature {
    fn from(f: &PublicFacility) -> Self {
        Self {
            kind: "Feature",
            id: f.id.to_string(),
            geometry: f.location.position.map(|p| Point {
                kind: "Point",
                coordinates: p.into(),
            }),
            properties: f.into(),
        }
    }
}

/// A GeoJSON response of `features`.
pub fn geojson_response(body: &impl Serialize) -> ApiResult<Response> {
    let bytes = serde_json::to_vec(body).map_err(ApiError::internal)?;
    Ok(([(header::CONTENT_TYPE, GEOJSON_MEDIA_TYPE)], bytes).into_response())
}

/// The CSV export of `facilities`: UTF-8 with BOM, a header row of
/// `日本語 (code)` names, one row per facility, downloaded as `filename`.
pub fn csv_response<'a>(
    facilities: impl Iterator<Item = &'a PublicFacility>,
    filename: &str,
) -> ApiResult<Response> {
    let rows = facilities.map(|facility| csv_row(&FlatFacility::from(facility)));
    csv_table_response(&csv_header(), rows, filename)
}

/// Any table as a CSV download named `filename` (see [`csv_table_bytes`]).
pub fn csv_table_response(
    header: &[String],
    rows: impl Iterator<Item = Vec<String>>,
    filename: &str,
) -> ApiResult<Response> {
    let bytes = csv_table_bytes(header, rows)?;
    let disposition = format!("attachment; filename=\"{filename}\"");
    Ok((
        [
            (header::CONTENT_TYPE, CSV_MEDIA_TYPE.to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}

/// A CSV column: Japanese label, field code, and how to read it from a row.
type Column = (&'static str, &'static str, fn(&FlatFacility) -> String);

fn text(value: &str) -> String {
    value.to_owned()
}

fn optional(value: Option<&String>) -> String {
    value.cloned().unwrap_or_default()
}

fn number(value: Option<f64>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

/// Columns before the capabilities.
const LEADING_COLUMNS: [Column; 18] = [
    ("ID", "id", |r| text(&r.id)),
    ("種別コード", "kind", |r| text(&r.kind)),
    ("種別", "kind_ja", |r| text(&r.kind_ja)),
    ("種別(英語)", "kind_en", |r| text(&r.kind_en)),
    ("名称", "name", |r| text(&r.name)),
    ("名称カナ", "name_kana", |r| {
        optional(r.name_kana.as_ref())
    }),
    ("運営法人", "organization", |r| text(&r.organization)),
    ("住所", "address", |r| text(&r.address)),
    ("郵便番号", "postal_code", |r| {
        optional(r.postal_code.as_ref())
    }),
    ("経度", "lon", |r| number(r.lon)),
    ("緯度", "lat", |r| number(r.lat)),
    ("市区町村コード", "municipality_code", |r| {
        optional(r.municipality_code.as_ref())
    }),
    ("二次医療圏コード", "region_code", |r| {
        optional(r.region_code.as_ref())
    }),
    ("位置の推定 (geocoded)", "geocoded", |r| {
        optional(r.geocoded.as_ref())
    }),
    ("施設基準 (accreditations)", "accreditations", |r| {
        text(&r.accreditations)
    }),
    ("電話番号", "phones", |r| text(&r.phones)),
    ("URL", "url", |r| optional(r.url.as_ref())),
    ("状態", "status", |r| text(&r.status)),
];

/// Columns after the capabilities.
const TRAILING_COLUMNS: [Column; 6] = [
    ("出典", "source", |r| text(&r.source)),
    ("出典ID", "source_record_id", |r| {
        text(&r.source_record_id)
    }),
    ("取込日時", "imported_at", |r| text(&r.imported_at)),
    ("ライセンス", "licence", |r| text(&r.licence)),
    ("クレジット", "attribution", |r| text(&r.attribution)),
    ("デモデータ", "demo", |r| r.demo.to_string()),
];

fn csv_header() -> Vec<String> {
    let capabilities = Taxonomy::builtin()
        .capabilities
        .iter()
        .map(|t| format!("{} (capability_{})", t.ja, t.code));
    LEADING_COLUMNS
        .iter()
        .map(|(ja, code, _)| format!("{ja} ({code})"))
        .chain(capabilities)
        .chain(
            TRAILING_COLUMNS
                .iter()
                .map(|(ja, code, _)| format!("{ja} ({code})")),
        )
        .collect()
}

fn csv_row(row: &FlatFacility) -> Vec<String> {
    let capabilities = Taxonomy::builtin().capabilities.iter().map(|term| {
        let key = format!("capability_{}", term.code);
        row.capabilities
            .get(&key)
            .copied()
            .unwrap_or("unknown")
            .to_owned()
    });
    LEADING_COLUMNS
        .iter()
        .map(|(_, _, read)| read(row))
        .chain(capabilities)
        .chain(TRAILING_COLUMNS.iter().map(|(_, _, read)| read(row)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_and_rows_have_the_same_width() {
        let width =
            LEADING_COLUMNS.len() + Taxonomy::builtin().capabilities.len() + TRAILING_COLUMNS.len();
        assert_eq!(csv_header().len(), width);
        assert!(csv_header()[4].starts_with("名称"));
    }
}
