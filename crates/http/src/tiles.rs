//! Vector tiles: `GET /tiles/{layer}/{z}/{x}/{y}.mvt` (Mapbox Vector Tile 2.1,
//! Web Mercator XYZ grid) and `GET /tiles/{layer}.json` (TileJSON 3.0.0) for
//! the layers `facilities`, `regions` and `municipalities`, so MapLibre, QGIS
//! and GDAL draw the whole directory fast however large it grows; and the
//! offline base map's `rail` (lines; CC BY-SA 4.0 when drawn from the
//! station_database polylines, as its TileJSON `attribution` says) and
//! `stations` (国土数値情報 N02). Land and names come from `municipalities`.
//!
//! Tiles are made from the in-memory index and region geometry, never from
//! the database, and cached until the data changes: the cache is keyed by a
//! generation that moves whenever [`ReadModel::load`](renkei_app::ReadModel::load)
//! or [`ReadModel::regions`](renkei_app::ReadModel::regions) hand out a new snapshot.

mod encode;

pub use encode::{encode_tile, EncodeError, TileId, TileLayer, EXTENT, MAX_ZOOM};

use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{AppJson, AppPath};
use crate::params::parse_number;
use crate::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};
use geo::BoundingRect;
use renkei_app::Regions;
use renkei_core::directory_index::{DirectoryIndex, DirectoryQuery, Listed};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use utoipa::ToSchema;

/// Media type of a Mapbox Vector Tile.
pub const MVT_MEDIA_TYPE: &str = "application/vnd.mapbox-vector-tile";
/// Tiles kept in memory per server (all layers and zooms together).
pub const CACHE_TILES: usize = 4096;
/// How long clients may reuse a tile or TileJSON without asking again, seconds.
const MAX_AGE_S: u32 = 60;
/// Bounds when nothing is loaded: Japan, west, south, east, north (degrees).
const JAPAN_BOUNDS: [f64; 4] = [122.9, 24.0, 146.0, 45.6];

/// Routes of this area, at the root (`/tiles/…`), each router with its own cache.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/tiles/{file}", get(tilejson))
        .route("/tiles/{layer}/{z}/{x}/{file}", get(tile))
        .layer(Extension(Arc::new(TileCache::default())))
}

/// Encoded tiles of the current data; dropped when the data changes.
pub struct TileCache {
    generation: Mutex<Generation>,
    tiles: quick_cache::sync::Cache<(u64, TileLayer, TileId), Bytes>,
}

impl Default for TileCache {
    fn default() -> Self {
        Self::with_capacity(CACHE_TILES)
    }
}

impl std::fmt::Debug for TileCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TileCache")
            .field("tiles", &self.tiles.len())
            .finish_non_exhaustive()
    }
}

/// The snapshots the cached tiles were made from. Holding them keeps their
/// addresses from being reused, so pointer equality means "same data".
#[derive(Default)]
struct Generation {
    number: u64,
    directory: Option<Arc<DirectoryIndex>>,
    regions: Option<Arc<Regions>>,
}

impl TileCache {
    /// A cache holding up to `capacity` tiles.
    fn with_capacity(capacity: usize) -> Self {
        Self {
            generation: Mutex::new(Generation::default()),
            tiles: quick_cache::sync::Cache::new(capacity),
        }
    }

    /// The generation number of these snapshots, starting a new one when they changed.
    fn generation(&self, directory: &Arc<DirectoryIndex>, regions: &Arc<Regions>) -> u64 {
        let mut current = self
            .generation
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let same = current
            .directory
            .as_ref()
            .is_some_and(|d| Arc::ptr_eq(d, directory))
            && current
                .regions
                .as_ref()
                .is_some_and(|r| Arc::ptr_eq(r, regions));
        if !same {
            current.number += 1;
            current.directory = Some(Arc::clone(directory));
            current.regions = Some(Arc::clone(regions));
            // Tiles of older data can never be asked for again.
            self.tiles.clear();
        }
        current.number
    }
}

/// One vector tile (ベクタータイル).
#[utoipa::path(
    get,
    path = "/tiles/{layer}/{z}/{x}/{y}.mvt",
    tag = "tiles",
    params(
        ("layer" = String, Path, description = "facilities, regions, municipalities, rail or stations"),
        ("z" = u8, Path, description = "Zoom level, 0–22"),
        ("x" = u32, Path, description = "Column, 0 … 2^z − 1 from the west (XYZ scheme)"),
        ("y" = u32, Path, description = "Row, 0 … 2^z − 1 from the north (XYZ scheme, not TMS)"),
    ),
    responses(
        (status = 200, description = "Mapbox Vector Tile 2.1, extent 4096, Web Mercator; empty body when nothing is in the tile",
            content_type = "application/vnd.mapbox-vector-tile", body = Vec<u8>),
        (status = 400, description = "z, x or y is not a number or outside the grid; `field` names it", body = ErrorBody),
        (status = 404, description = "No such layer / そのレイヤーはありません", body = ErrorBody),
    )
)]
pub async fn tile(
    State(state): State<AppState>,
    Extension(cache): Extension<Arc<TileCache>>,
    AppPath((layer, z, x, file)): AppPath<(String, String, String, String)>,
) -> ApiResult<Response> {
    let layer = parse_layer(&layer)?;
    let y = file.strip_suffix(".mvt").ok_or_else(|| {
        ApiError::bad_parameter(
            "y",
            format!("{file:?} ではなく 行番号.mvt (例: 6451.mvt) を指定してください"),
            format!("give the row as NUMBER.mvt (e.g. 6451.mvt), not {file:?}"),
        )
    })?;
    let z = tile_number("z", &z, u32::from(MAX_ZOOM))?;
    let max = (1u32 << z) - 1;
    let x = tile_number("x", &x, max)?;
    let y = tile_number("y", y, max)?;
    let id = u8::try_from(z)
        .ok()
        .and_then(|z| TileId::new(z, x, y))
        .ok_or_else(|| ApiError::internal("tile address checked above"))?;
    // One snapshot: the directory and the regions of a tile are of one version.
    let snapshot = state.index.snapshot();
    let key = (
        cache.generation(snapshot.directory(), snapshot.regions()),
        layer,
        id,
    );
    let body = if let Some(body) = cache.tiles.get(&key) {
        body
    } else {
        // Clipping polygons can take milliseconds: keep it off the async workers.
        let encoded = tokio::task::spawn_blocking(move || encode_tile(layer, id, &snapshot))
            .await
            .map_err(ApiError::internal)?
            .map_err(ApiError::internal)?;
        let body = Bytes::from(encoded);
        cache.tiles.insert(key, body.clone());
        body
    };
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(MVT_MEDIA_TYPE),
            ),
            (header::CACHE_CONTROL, cache_control()),
        ],
        body,
    )
        .into_response())
}

fn cache_control() -> HeaderValue {
    HeaderValue::from_str(&format!("public, max-age={MAX_AGE_S}"))
        .unwrap_or(HeaderValue::from_static("no-cache"))
}

fn parse_layer(name: &str) -> ApiResult<TileLayer> {
    TileLayer::parse(name).ok_or_else(|| ApiError::NotFound {
        entity: "tile layer",
        id: name.to_owned(),
    })
}

/// A path part as a whole number from 0 to `max`, or a 400 naming `field`.
fn tile_number(field: &str, text: &str, max: u32) -> ApiResult<u32> {
    parse_number(field, Some(text), 0, max)?.ok_or_else(|| {
        ApiError::bad_parameter(
            field,
            format!("{field} を 0〜{max} の整数で指定してください"),
            format!("{field} is required, a whole number from 0 to {max}"),
        )
    })
}

/// A TileJSON 3.0.0 document.
#[derive(Debug, Serialize, ToSchema)]
pub struct TileJson {
    /// Always `3.0.0`.
    pub tilejson: &'static str,
    /// The layer name.
    pub name: &'static str,
    /// What the layer holds.
    pub description: &'static str,
    /// Tile URL template, absolute (`…/tiles/{layer}/{z}/{x}/{y}.mvt`).
    pub tiles: Vec<String>,
    /// Always `xyz`.
    pub scheme: &'static str,
    /// Lowest zoom served.
    pub minzoom: u8,
    /// Highest zoom served; clients overzoom past it.
    pub maxzoom: u8,
    /// West, south, east, north in WGS 84 degrees, longitude first.
    pub bounds: [f64; 4],
    /// Longitude, latitude (degrees) and a zoom to open at.
    pub center: [f64; 3],
    /// Sources and licences of the data, as HTML.
    pub attribution: String,
    /// The one vector layer and its fields.
    pub vector_layers: Vec<VectorLayer>,
}

/// A vector layer as TileJSON describes it.
#[derive(Debug, Serialize, ToSchema)]
pub struct VectorLayer {
    /// Layer name inside the tiles.
    pub id: &'static str,
    /// Property name → description.
    pub fields: BTreeMap<&'static str, &'static str>,
    /// Lowest zoom with data.
    pub minzoom: u8,
    /// Highest zoom with data.
    pub maxzoom: u8,
}

/// Highest zoom listed in TileJSON: street level, where clients overzoom.
const TILEJSON_MAX_ZOOM: u8 = 16;

/// TileJSON of a layer (タイルの説明).
#[utoipa::path(
    get,
    path = "/tiles/{layer}.json",
    tag = "tiles",
    params(("layer" = String, Path, description = "facilities, regions, municipalities, rail or stations")),
    responses(
        (status = 200, description = "TileJSON 3.0.0", body = TileJson),
        (status = 404, description = "No such layer / そのレイヤーはありません", body = ErrorBody),
    )
)]
pub async fn tilejson(
    State(state): State<AppState>,
    headers: HeaderMap,
    AppPath(file): AppPath<String>,
) -> ApiResult<Response> {
    let name = file
        .strip_suffix(".json")
        .ok_or_else(|| ApiError::NotFound {
            entity: "tile layer",
            id: file.clone(),
        })?;
    let layer = parse_layer(name)?;
    let snapshot = state.index.snapshot();
    let (directory, regions) = (snapshot.directory(), snapshot.regions());
    let bounds = data_bounds(directory, regions);
    let center = [
        f64::midpoint(bounds[0], bounds[2]),
        f64::midpoint(bounds[1], bounds[3]),
        8.0,
    ];
    let attribution = attribution(layer, &snapshot);
    let document = TileJson {
        tilejson: "3.0.0",
        name: layer.name(),
        description: layer.description(),
        tiles: vec![format!(
            "{}/tiles/{}/{{z}}/{{x}}/{{y}}.mvt",
            origin(&headers),
            layer.name()
        )],
        scheme: "xyz",
        minzoom: 0,
        maxzoom: TILEJSON_MAX_ZOOM,
        bounds,
        center,
        attribution,
        vector_layers: vec![VectorLayer {
            id: layer.name(),
            fields: layer.fields().iter().copied().collect(),
            minzoom: 0,
            maxzoom: TILEJSON_MAX_ZOOM,
        }],
    };
    let mut response = AppJson(document).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, cache_control());
    Ok(response)
}

/// `scheme://host` the client used, from `Host` and a proxy's `X-Forwarded-Proto`.
fn origin(headers: &HeaderMap) -> String {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let host = text("x-forwarded-host")
        .or_else(|| text(header::HOST.as_str()))
        .filter(|h| {
            !h.is_empty()
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        })
        .unwrap_or("localhost");
    let scheme = match text("x-forwarded-proto") {
        Some("https") => "https",
        _ => "http",
    };
    format!("{scheme}://{host}")
}

/// West, south, east, north of the region boundaries, else of the facilities,
/// else of Japan.
fn data_bounds(directory: &DirectoryIndex, regions: &Regions) -> [f64; 4] {
    let units = regions
        .catalog
        .boundaries()
        .map_or(&[][..], |b| b.municipalities());
    let from_units = units
        .iter()
        .filter_map(|u| u.geometry.bounding_rect())
        .map(|r| [r.min().x, r.min().y, r.max().x, r.max().y]);
    let active = DirectoryQuery::default();
    let from_facilities = directory
        .listed(&active)
        .filter(Listed::is_public)
        .filter_map(|f| f.position())
        .map(|p| [p.lon(), p.lat(), p.lon(), p.lat()]);
    let union = |boxes: &mut dyn Iterator<Item = [f64; 4]>| {
        boxes.reduce(|a, b| {
            [
                a[0].min(b[0]),
                a[1].min(b[1]),
                a[2].max(b[2]),
                a[3].max(b[3]),
            ]
        })
    };
    union(&mut { from_units })
        .or_else(|| union(&mut { from_facilities }))
        .unwrap_or(JAPAN_BOUNDS)
}

/// Facility sources for the facilities layer; 国土数値情報 for the boundaries
/// and stations; each rail licence with its credit.
fn attribution(layer: TileLayer, snapshot: &renkei_app::Snapshot) -> String {
    let directory = snapshot.directory();
    match layer {
        TileLayer::Facilities => {
            // MapLibre shows attribution as HTML.
            directory
                .attributions()
                .join(" / ")
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
        }
        TileLayer::Regions | TileLayer::Municipalities => {
            "国土数値情報（行政区域データ）（国土交通省）を加工して作成".to_owned()
        }
        TileLayer::Stations => renkei_app::basemap::STATIONS_CREDIT.to_owned(),
        TileLayer::Rail => {
            // Share-alike geometry must name its licence wherever it is drawn.
            let credits = snapshot.base_layers().rail_credits();
            credits
                .iter()
                .map(|(licence, credit)| format!("{credit}（{licence}）"))
                .collect::<Vec<_>>()
                .join(" / ")
        }
    }
}
