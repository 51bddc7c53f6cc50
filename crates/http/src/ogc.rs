//! `/ogc`: OGC API – Features Part 1 Core (GeoJSON, OpenAPI 3.0) with Part 3
//! queryables, a thin adapter over [`renkei_app::ogc`], so that GDAL (the
//! `OAPIF` driver), QGIS and other GIS clients read the directory as three
//! feature collections: `facilities`, `regions`, `municipalities`.
//!
//! The OpenAPI document at `/ogc/api` is OpenAPI **3.0** (utoipa, which
//! writes renkei's main document, emits 3.1 only, which GDAL and the OGC
//! test suite do not read): a hand-maintained file, `ogc_openapi.json`,
//! which a test checks against [`PATHS`]. Items pages carry
//! `numberMatched`, `numberReturned` and a `next` link (by `offset`); an
//! unknown query parameter or a `limit` that is not a whole number is a 400.
//! Coordinates are longitude, latitude in WGS 84 (CRS84).

use crate::error::{ApiError, ApiResult};
use crate::export::Feature as FacilityFeature;
use crate::AppState;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono::{DateTime, Utc};
use renkei_app::ogc::{
    self, AreaFeature, Bbox, Collection, ItemsQuery, COLLECTIONS, DEFAULT_LIMIT, MAX_LIMIT,
};
use renkei_app::Snapshot;
use renkei_core::region::GeoJsonMultiPolygon;
use renkei_core::FacilityId;
use serde::Serialize;
use serde_json::{json, Value};

/// Media type of JSON documents.
pub const JSON: &str = "application/json";
/// Media type of features and feature collections.
pub const GEOJSON: &str = "application/geo+json";
/// Media type of the queryables (a JSON Schema).
pub const SCHEMA_JSON: &str = "application/schema+json";
/// Media type of the OpenAPI 3.0 document.
pub const OPENAPI_30: &str = "application/vnd.oai.openapi+json;version=3.0";
/// The coordinate reference system of every geometry.
pub const CRS84: &str = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";

/// The OpenAPI 3.0 document of these endpoints.
pub const OPENAPI_DOCUMENT: &str = include_str!("ogc_openapi.json");

/// The paths served, relative to `/ogc`, as the OpenAPI document names them.
pub const PATHS: [&str; 8] = [
    "/",
    "/conformance",
    "/api",
    "/collections",
    "/collections/{collectionId}",
    "/collections/{collectionId}/items",
    "/collections/{collectionId}/items/{featureId}",
    "/collections/{collectionId}/queryables",
];

/// The conformance classes implemented.
pub const CONFORMANCE: [&str; 4] = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
];

/// The routes, relative to the root.
pub fn routes() -> Router<AppState> {
    let at = |path: &str| {
        format!(
            "/ogc{}",
            path.replace("{collectionId}", "{collection}")
                .replace("{featureId}", "{feature}")
        )
    };
    Router::new()
        .route("/ogc", get(landing))
        .route(&at(PATHS[0]), get(landing))
        .route(&at(PATHS[1]), get(conformance))
        .route(&at(PATHS[2]), get(api))
        .route(&at(PATHS[3]), get(collections))
        .route(&at(PATHS[4]), get(collection))
        .route(&at(PATHS[5]), get(items))
        .route(&at(PATHS[6]), get(item))
        .route(&at(PATHS[7]), get(queryables))
}

/// A link of a response.
#[derive(Debug, Clone, Serialize)]
pub struct Link {
    /// Absolute URL.
    pub href: String,
    /// Relation.
    pub rel: &'static str,
    /// Media type of the target.
    #[serde(rename = "type")]
    pub media_type: &'static str,
    /// Title.
    pub title: String,
}

fn link(href: String, rel: &'static str, media_type: &'static str, title: &str) -> Link {
    Link {
        href,
        rel,
        media_type,
        title: title.to_owned(),
    }
}

/// The absolute URL of `/ogc` as the client addressed it.
fn base(headers: &HeaderMap) -> String {
    let value = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let scheme = value("x-forwarded-proto").unwrap_or("http");
    let host = value("x-forwarded-host")
        .or_else(|| value(header::HOST.as_str()))
        .unwrap_or("localhost");
    format!("{scheme}://{host}/ogc")
}

fn respond(media_type: &'static str, body: &impl Serialize) -> ApiResult<Response> {
    let bytes = serde_json::to_vec(body).map_err(ApiError::internal)?;
    Ok(([(header::CONTENT_TYPE, media_type)], bytes).into_response())
}

/// The query's parameters; only `f` (json) is known outside `items`.
fn parameters(query: Option<&str>) -> Vec<(String, String)> {
    form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn check_format(value: &str, allowed: &[&str]) -> ApiResult<()> {
    if allowed.contains(&value) {
        return Ok(());
    }
    Err(ApiError::bad_parameter(
        "f",
        format!(
            "f は {} のいずれかです（{value:?} は使えません）",
            allowed.join(", ")
        ),
        format!("f is one of {}, not {value:?}", allowed.join(", ")),
    ))
}

fn unknown_parameter(name: &str) -> ApiError {
    ApiError::bad_parameter(
        "parameter",
        format!("{name} というパラメータはありません"),
        format!("there is no parameter {name}"),
    )
}

/// Rejects every parameter but `f=json`.
fn only_format(query: Option<&str>) -> ApiResult<()> {
    for (name, value) in parameters(query) {
        match name.as_str() {
            "f" => check_format(&value, &["json"])?,
            other => return Err(unknown_parameter(other)),
        }
    }
    Ok(())
}

async fn landing(headers: HeaderMap, RawQuery(query): RawQuery) -> ApiResult<Response> {
    only_format(query.as_deref())?;
    let base = base(&headers);
    respond(
        JSON,
        &json!({
            "title": "renkei 小児在宅医療資源 / renkei pediatric home-care resources",
            "description": "OGC API – Features: 施設・二次医療圏・市区町村 / facilities, secondary medical regions, municipalities",
            "links": [
                link(format!("{base}/"), "self", JSON, "このページ / this document"),
                link(format!("{base}/api"), "service-desc", OPENAPI_30, "OpenAPI 3.0"),
                link(format!("{base}/conformance"), "conformance", JSON, "適合クラス / conformance classes"),
                link(format!("{base}/collections"), "data", JSON, "コレクション / collections"),
            ],
        }),
    )
}

async fn conformance(RawQuery(query): RawQuery) -> ApiResult<Response> {
    only_format(query.as_deref())?;
    respond(JSON, &json!({ "conformsTo": CONFORMANCE }))
}

async fn api(RawQuery(query): RawQuery) -> ApiResult<Response> {
    only_format(query.as_deref())?;
    Ok(([(header::CONTENT_TYPE, OPENAPI_30)], OPENAPI_DOCUMENT).into_response())
}

/// The description of `collection`.
fn describe(snapshot: &Snapshot, collection: Collection, base: &str) -> Value {
    let id = collection.id();
    let mut extent = json!({});
    if let Some(bbox) = ogc::extent(snapshot, collection) {
        extent["spatial"] = json!({ "bbox": [bbox], "crs": CRS84 });
    }
    json!({
        "id": id,
        "title": collection.title(),
        "description": collection.description(),
        "itemType": "feature",
        "crs": [CRS84],
        "storageCrs": CRS84,
        "extent": extent,
        "links": [
            link(format!("{base}/collections/{id}"), "self", JSON, collection.title()),
            link(format!("{base}/collections/{id}/items"), "items", GEOJSON, collection.title()),
            link(
                format!("{base}/collections/{id}/queryables"),
                "http://www.opengis.net/def/rel/ogc/1.0/queryables",
                SCHEMA_JSON,
                "絞り込める項目 / queryables",
            ),
        ],
    })
}

async fn collections(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> ApiResult<Response> {
    only_format(query.as_deref())?;
    let snapshot = state.index.snapshot();
    let base = base(&headers);
    let list: Vec<Value> = COLLECTIONS
        .iter()
        .map(|c| describe(&snapshot, *c, &base))
        .collect();
    respond(
        JSON,
        &json!({
            "links": [link(format!("{base}/collections"), "self", JSON, "コレクション / collections")],
            "collections": list,
        }),
    )
}

async fn collection(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> ApiResult<Response> {
    only_format(query.as_deref())?;
    let collection = Collection::from_id(&id)?;
    respond(
        JSON,
        &describe(&state.index.snapshot(), collection, &base(&headers)),
    )
}

async fn queryables(
    headers: HeaderMap,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> ApiResult<Response> {
    only_format(query.as_deref())?;
    let collection = Collection::from_id(&id)?;
    let geometry = match collection {
        Collection::Facilities => "geometry-point",
        Collection::Regions | Collection::Municipalities => "geometry-multipolygon",
    };
    let mut properties = serde_json::Map::new();
    properties.insert(
        "geometry".to_owned(),
        json!({ "title": "位置 / geometry", "format": geometry }),
    );
    for (name, description) in collection.queryables() {
        properties.insert(
            (*name).to_owned(),
            json!({ "title": name, "description": description, "type": "string" }),
        );
    }
    respond(
        SCHEMA_JSON,
        &json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": format!("{}/collections/{id}/queryables", base(&headers)),
            "type": "object",
            "title": collection.title(),
            "properties": properties,
            "additionalProperties": false,
        }),
    )
}

/// An items page.
#[derive(Debug, Serialize)]
struct Items<F> {
    #[serde(rename = "type")]
    kind: &'static str,
    features: Vec<F>,
    #[serde(rename = "numberMatched")]
    number_matched: usize,
    #[serde(rename = "numberReturned")]
    number_returned: usize,
    #[serde(rename = "timeStamp")]
    time_stamp: String,
    links: Vec<Link>,
}

/// A region or municipality as a GeoJSON feature.
#[derive(Debug, Serialize)]
struct AreaFeatureJson {
    #[serde(rename = "type")]
    kind: &'static str,
    id: String,
    geometry: GeoJsonMultiPolygon,
    properties: AreaProperties,
}

#[derive(Debug, Serialize)]
struct AreaProperties {
    code: String,
    name_ja: String,
    name_en: Option<String>,
    prefecture_code: String,
    prefecture: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    region_code: Option<String>,
}

impl From<AreaFeature> for AreaFeatureJson {
    fn from(area: AreaFeature) -> Self {
        Self {
            kind: "Feature",
            id: area.code.clone(),
            geometry: GeoJsonMultiPolygon::from(&area.geometry),
            properties: AreaProperties {
                code: area.code,
                name_ja: area.name_ja,
                name_en: area.name_en,
                prefecture_code: area.prefecture_code,
                prefecture: area.prefecture,
                region_code: area.region_code,
            },
        }
    }
}

fn number_of<T: std::str::FromStr>(
    name: &'static str,
    value: &str,
    what: (&str, &str),
) -> ApiResult<T> {
    value.parse().map_err(|_| {
        ApiError::bad_parameter(
            name,
            format!("{value:?} ではなく{}を指定してください", what.0),
            format!("give {}, not {value:?}", what.1),
        )
    })
}

/// One end of a `datetime` interval (`..` or empty: open).
fn instant(text: &str) -> ApiResult<Option<DateTime<Utc>>> {
    if text.is_empty() || text == ".." {
        return Ok(None);
    }
    DateTime::parse_from_rfc3339(text)
        .map(|t| Some(t.with_timezone(&Utc)))
        .map_err(|_| {
            ApiError::bad_parameter(
                "datetime",
                format!("{text:?} ではなく RFC 3339 の日時か区間 (例: 2025-04-01T00:00:00Z/..) を指定してください"),
                format!("give an RFC 3339 time or interval (e.g. 2025-04-01T00:00:00Z/..), not {text:?}"),
            )
        })
}

/// The items query of `pairs` for `collection`; every parameter not known is a 400.
fn items_query(collection: Collection, pairs: &[(String, String)]) -> ApiResult<ItemsQuery> {
    let mut query = ItemsQuery {
        limit: DEFAULT_LIMIT,
        ..ItemsQuery::default()
    };
    for (name, value) in pairs {
        match name.as_str() {
            "limit" => {
                let limit: std::num::NonZeroU32 = number_of(
                    "limit",
                    value,
                    ("1 以上の整数", "a whole number of 1 or more"),
                )?;
                query.limit = limit.get().min(MAX_LIMIT);
            }
            "offset" => {
                query.offset = number_of(
                    "offset",
                    value,
                    ("0 以上の整数", "a whole number of 0 or more"),
                )?;
            }
            "bbox" => {
                let values: Vec<f64> = value
                    .split(',')
                    .map(|v| {
                        number_of(
                            "bbox",
                            v.trim(),
                            (
                                "西,南,東,北 の 4 つの数",
                                "four numbers west,south,east,north",
                            ),
                        )
                    })
                    .collect::<ApiResult<_>>()?;
                let values: [f64; 4] = values.try_into().map_err(|_| {
                    ApiError::bad_parameter(
                        "bbox",
                        "bbox は 西,南,東,北 の 4 つの数です",
                        "bbox is four numbers: west,south,east,north",
                    )
                })?;
                query.bbox = Some(Bbox::new(values)?);
            }
            "bbox-crs" if value == CRS84 => {}
            "datetime" => {
                query.datetime = if let Some((from, to)) = value.split_once('/') {
                    (instant(from)?, instant(to)?)
                } else {
                    let at = instant(value)?;
                    (at, at)
                };
            }
            "f" => check_format(value, &["json", "geojson"])?,
            other if collection.queryables().iter().any(|(q, _)| *q == other) => {
                query.properties.push((other.to_owned(), value.clone()));
            }
            other => return Err(unknown_parameter(other)),
        }
    }
    Ok(query)
}

async fn items(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let collection = Collection::from_id(&id)?;
    let pairs = parameters(raw.as_deref());
    let query = items_query(collection, &pairs)?;
    let snapshot = state.index.snapshot();
    let href = format!("{}/collections/{id}/items", base(&headers));
    let page_link = |rel: &'static str, offset: usize| {
        let mut serializer = form_urlencoded::Serializer::new(String::new());
        for (name, value) in pairs.iter().filter(|(n, _)| n != "offset" && n != "limit") {
            serializer.append_pair(name, value);
        }
        serializer.append_pair("limit", &query.limit.to_string());
        serializer.append_pair("offset", &offset.to_string());
        link(format!("{href}?{}", serializer.finish()), rel, GEOJSON, rel)
    };
    let links = |returned: usize, matched: usize| {
        let mut links = vec![page_link("self", query.offset)];
        let next = query.offset + returned;
        if returned > 0 && next < matched {
            links.push(page_link("next", next));
        }
        links
    };
    match collection {
        Collection::Facilities => {
            let page = ogc::facilities(&snapshot, &query)?;
            let features = page.items.iter().map(FacilityFeature::from).collect();
            respond_items(features, page.matched, links)
        }
        area => {
            let page = ogc::area_items(&snapshot, area, &query)?;
            let features = page.items.into_iter().map(AreaFeatureJson::from).collect();
            respond_items(features, page.matched, links)
        }
    }
}

/// An items page of `features` out of `matched`, with the links `links` makes
/// from (returned, matched).
fn respond_items<F: Serialize>(
    features: Vec<F>,
    matched: usize,
    links: impl Fn(usize, usize) -> Vec<Link>,
) -> ApiResult<Response> {
    respond(
        GEOJSON,
        &Items {
            kind: "FeatureCollection",
            number_returned: features.len(),
            number_matched: matched,
            links: links(features.len(), matched),
            features,
            time_stamp: Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        },
    )
}

async fn item(
    State(state): State<AppState>,
    Path((id, feature)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let collection = Collection::from_id(&id)?;
    for (name, value) in parameters(raw.as_deref()) {
        match name.as_str() {
            "f" => check_format(&value, &["json", "geojson"])?,
            other => return Err(unknown_parameter(other)),
        }
    }
    let snapshot = state.index.snapshot();
    match collection {
        Collection::Facilities => {
            let not_found = || ApiError::NotFound {
                entity: "feature",
                id: feature.clone(),
            };
            let uuid = uuid::Uuid::parse_str(&feature).map_err(|_| not_found())?;
            let facility = ogc::facility(&snapshot, FacilityId(uuid))?;
            respond(GEOJSON, &FacilityFeature::from(&facility))
        }
        area => respond(
            GEOJSON,
            &AreaFeatureJson::from(ogc::area(&snapshot, area, &feature)?),
        ),
    }
}
