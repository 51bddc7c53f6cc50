//! Encoding one Mapbox Vector Tile (MVT 2.1) from the in-memory directory and
//! region geometry: tile maths (Web Mercator, EPSG:3857), clipping,
//! simplification and the protobuf encoding (geozero).

use geo::{
    BooleanOps, BoundingRect, Coord, Geometry, Intersects, LineString, MapCoords, MultiLineString,
    MultiPolygon, Orient, Point, Rect, Simplify,
};
use geozero::mvt::tile::{Feature, Layer};
use geozero::mvt::{Message, TagsBuilder, Tile, TileValue};
use geozero::ToMvt;
use renkei_app::Snapshot;
use renkei_core::basemap::Bbox;
use renkei_core::directory_index::{DirectoryQuery, Listed};
use renkei_core::region::simplify;
use renkei_core::RegionCode;
use std::f64::consts::PI;

/// Tile coordinate space: 4096 units across a tile (the MVT default).
pub const EXTENT: u32 = 4096;
/// Geometry kept beyond each tile edge, in tile units, so strokes join across tiles.
const BUFFER: f64 = 64.0;
/// Largest zoom level served; past it clients overzoom.
pub const MAX_ZOOM: u8 = 22;
/// Web Mercator's latitude limit, degrees.
const MAX_LATITUDE: f64 = 85.051_128_779_806_59;
/// WGS 84 semi-major axis, metres (the Web Mercator sphere).
const EARTH_RADIUS_M: f64 = 6_378_137.0;

/// Errors encoding a tile.
#[derive(Debug, thiserror::Error)]
pub enum EncodeError {
    /// geozero could not encode a geometry.
    #[error("encoding {layer} feature {feature}: {source}")]
    Geometry {
        /// The layer.
        layer: &'static str,
        /// The feature's id or code.
        feature: String,
        /// The cause.
        #[source]
        source: geozero::error::GeozeroError,
    },
}

/// A tile address in the XYZ scheme (y = 0 at the north edge).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TileId {
    /// Zoom level, 0…[`MAX_ZOOM`].
    pub z: u8,
    /// Column, 0…2^z − 1, west to east.
    pub x: u32,
    /// Row, 0…2^z − 1, north to south.
    pub y: u32,
}

impl TileId {
    /// The tile, when `x` and `y` are inside the grid of zoom `z`.
    pub fn new(z: u8, x: u32, y: u32) -> Option<Self> {
        let size = 1u64 << z.min(MAX_ZOOM);
        (z <= MAX_ZOOM && u64::from(x) < size && u64::from(y) < size).then_some(Self { z, x, y })
    }

    fn tiles_across(self) -> f64 {
        f64::from(1u32 << self.z)
    }

    /// West, south, east, north edges in Web Mercator metres.
    fn mercator_bounds(self) -> [f64; 4] {
        let world = 2.0 * PI * EARTH_RADIUS_M;
        let size = world / self.tiles_across();
        let west = -world / 2.0 + f64::from(self.x) * size;
        let north = world / 2.0 - f64::from(self.y) * size;
        [west, north - size, west + size, north]
    }

    /// The tile with its buffer as a lon/lat rectangle (WGS 84 degrees).
    fn buffered_lon_lat(self) -> Rect<f64> {
        let [west, south, east, north] = self.mercator_bounds();
        let pad = (east - west) * BUFFER / f64::from(EXTENT);
        let sw = to_lon_lat(west - pad, south - pad);
        let ne = to_lon_lat(east + pad, north + pad);
        Rect::new(sw, ne)
    }

    /// One tile unit at this zoom, in degrees of longitude: the simplification tolerance.
    fn unit_deg(self) -> f64 {
        360.0 / self.tiles_across() / f64::from(EXTENT)
    }
}

/// Longitude, latitude (degrees) → Web Mercator x, y (metres).
fn to_mercator(c: Coord<f64>) -> Coord<f64> {
    let lat = c.y.clamp(-MAX_LATITUDE, MAX_LATITUDE).to_radians();
    Coord {
        x: EARTH_RADIUS_M * c.x.to_radians(),
        y: EARTH_RADIUS_M * (PI / 4.0 + lat / 2.0).tan().ln(),
    }
}

/// Web Mercator x, y (metres) → longitude, latitude (degrees), clamped to the world.
fn to_lon_lat(x: f64, y: f64) -> Coord<f64> {
    Coord {
        x: (x / EARTH_RADIUS_M).to_degrees().clamp(-180.0, 180.0),
        y: (2.0 * (y / EARTH_RADIUS_M).exp().atan() - PI / 2.0)
            .to_degrees()
            .clamp(-MAX_LATITUDE, MAX_LATITUDE),
    }
}

/// The layers served, each with its fields (name → description) for TileJSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TileLayer {
    /// Active facilities with a position, as points.
    Facilities,
    /// 二次医療圏 (secondary medical regions), as dissolved polygons.
    Regions,
    /// Municipalities and wards (N03 units), as polygons.
    Municipalities,
    /// Rail lines of the base map, as lines.
    Rail,
    /// Stations of the base map (one per station), as points.
    Stations,
}

impl TileLayer {
    /// Every layer.
    pub const ALL: [Self; 5] = [
        Self::Facilities,
        Self::Regions,
        Self::Municipalities,
        Self::Rail,
        Self::Stations,
    ];

    /// The name in URLs and inside the tile.
    pub fn name(self) -> &'static str {
        match self {
            Self::Facilities => "facilities",
            Self::Regions => "regions",
            Self::Municipalities => "municipalities",
            Self::Rail => "rail",
            Self::Stations => "stations",
        }
    }

    /// The layer named `name`.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|layer| layer.name() == name)
    }

    /// Properties of each feature, name → description.
    pub fn fields(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Self::Facilities => &[
                (
                    "id",
                    "Facility id (UUID); details at /api/v1/facilities/{id}",
                ),
                ("kind", "Kind code from the taxonomy (e.g. visiting_nurse)"),
                ("name", "Name (Japanese)"),
                ("region", "二次医療圏 code, when placed"),
            ],
            Self::Regions => &[
                ("code", "二次医療圏 code (4 digits)"),
                ("name_ja", "Japanese name"),
                ("name_en", "English name, when there is one"),
            ],
            Self::Municipalities => &[
                ("code", "Municipality / ward code (5 digits, N03)"),
                ("name_ja", "Japanese name after the prefecture"),
                ("region", "二次医療圏 code, when the unit is in one"),
            ],
            Self::Rail => &[
                ("name", "Line name (Japanese)"),
                ("operator", "Operator (Japanese)"),
                ("licence", "Licence of the geometry (e.g. CC BY-SA 4.0)"),
            ],
            Self::Stations => &[
                ("name", "Station name with 駅 (Japanese)"),
                ("lines", "Lines serving it, joined with ・"),
            ],
        }
    }

    /// Human description for TileJSON.
    pub fn description(self) -> &'static str {
        match self {
            Self::Facilities => {
                "施設 / Facilities of the renkei directory (active, with a position)"
            }
            Self::Regions => "二次医療圏 / Secondary medical regions",
            Self::Municipalities => "市区町村 / Municipalities and wards (N03)",
            Self::Rail => "鉄道路線 / Rail lines of the base map",
            Self::Stations => "駅 / Railway stations of the base map (N02)",
        }
    }
}

/// Collects the features of one layer with their tags.
struct LayerBuilder {
    name: &'static str,
    tags: TagsBuilder,
    features: Vec<Feature>,
    bounds: [f64; 4],
}

impl LayerBuilder {
    fn new(layer: TileLayer, tile: TileId) -> Self {
        Self {
            name: layer.name(),
            tags: TagsBuilder::new(),
            features: Vec::new(),
            bounds: tile.mercator_bounds(),
        }
    }

    /// Adds `geometry` (already in Web Mercator metres) with `properties`.
    fn push(
        &mut self,
        id: &str,
        geometry: &Geometry<f64>,
        properties: &[(&str, Option<&str>)],
    ) -> Result<(), EncodeError> {
        let [west, south, east, north] = self.bounds;
        let mut feature = geometry
            .to_mvt(EXTENT, west, south, east, north)
            .map_err(|source| EncodeError::Geometry {
                layer: self.name,
                feature: id.to_owned(),
                source,
            })?;
        for (key, value) in properties {
            if let Some(value) = value {
                let (k, v) = self
                    .tags
                    .insert_ref(key, TileValue::Str((*value).to_owned()));
                feature.tags.extend([k, v]);
            }
        }
        self.features.push(feature);
        Ok(())
    }

    fn finish(self) -> Option<Layer> {
        if self.features.is_empty() {
            return None;
        }
        let (keys, values) = self.tags.into_tags();
        Some(Layer {
            version: 2,
            name: self.name.to_owned(),
            features: self.features,
            keys,
            values: values.into_iter().map(Into::into).collect(),
            extent: Some(EXTENT),
        })
    }
}

/// The encoded tile `tile` of `layer` from `snapshot` (an empty body when
/// nothing is in it).
pub fn encode_tile(
    layer: TileLayer,
    tile: TileId,
    snapshot: &Snapshot,
) -> Result<Vec<u8>, EncodeError> {
    let (directory, catalog) = (snapshot.directory(), &snapshot.regions().catalog);
    let mut builder = LayerBuilder::new(layer, tile);
    let area = tile.buffered_lon_lat();
    let bbox = Bbox {
        west: area.min().x,
        south: area.min().y,
        east: area.max().x,
        north: area.max().y,
    };
    match layer {
        TileLayer::Facilities => {
            // Read from the index's compact entries: a tile never decodes records.
            // Staff-only records are never in a tile.
            for facility in directory
                .listed(&DirectoryQuery::default())
                .filter(Listed::is_public)
            {
                let Some(position) = facility.position() else {
                    continue;
                };
                let point = Point::new(position.lon(), position.lat());
                if !area.intersects(&point) {
                    continue;
                }
                let id = facility.id().to_string();
                builder.push(
                    &id,
                    &Point::from(to_mercator(point.0)).into(),
                    &[
                        ("id", Some(&id)),
                        ("kind", Some(facility.kind().as_str())),
                        ("name", Some(facility.name())),
                        ("region", facility.region().map(RegionCode::as_str)),
                    ],
                )?;
            }
        }
        TileLayer::Regions => {
            for (_, region) in catalog.regions() {
                let Some(shape) = catalog.geometry(&region.code) else {
                    continue;
                };
                if let Some(clipped) = clip(shape, tile, area) {
                    builder.push(
                        region.code.as_str(),
                        &clipped.into(),
                        &[
                            ("code", Some(region.code.as_str())),
                            ("name_ja", Some(&region.name_ja)),
                            ("name_en", region.name_en.as_deref()),
                        ],
                    )?;
                }
            }
        }
        TileLayer::Municipalities => {
            let units = catalog.boundaries().map_or(&[][..], |b| b.municipalities());
            for unit in units {
                if let Some(clipped) = clip(&unit.geometry, tile, area) {
                    let code = unit.code.to_string();
                    builder.push(
                        &code,
                        &clipped.into(),
                        &[
                            ("code", Some(&code)),
                            ("name_ja", Some(&unit.full_name())),
                            (
                                "region",
                                catalog.region_of(&unit.code).map(RegionCode::as_str),
                            ),
                        ],
                    )?;
                }
            }
        }
        TileLayer::Rail | TileLayer::Stations => {
            push_base_map(&mut builder, layer, tile, snapshot, bbox)?;
        }
    }
    let tile = Tile {
        layers: builder.finish().into_iter().collect(),
    };
    Ok(tile.encode_to_vec())
}

/// Adds the base map's rail lines or stations inside `bbox` (the buffered tile).
fn push_base_map(
    builder: &mut LayerBuilder,
    layer: TileLayer,
    tile: TileId,
    snapshot: &Snapshot,
    bbox: Bbox,
) -> Result<(), EncodeError> {
    match layer {
        TileLayer::Rail => {
            let base = renkei_app::basemap::base_layers_in(snapshot, bbox);
            for line in base.rail_lines {
                let parts: Vec<LineString<f64>> = line
                    .parts
                    .iter()
                    .map(|part| {
                        let coords: LineString<f64> = part
                            .iter()
                            .map(|p| Coord {
                                x: p.lon(),
                                y: p.lat(),
                            })
                            .collect();
                        coords.simplify(tile.unit_deg()).map_coords(to_mercator)
                    })
                    .collect();
                builder.push(
                    &line.id,
                    &MultiLineString(parts).into(),
                    &[
                        ("name", Some(&line.name)),
                        ("operator", Some(&line.operator)),
                        ("licence", Some(&line.licence)),
                    ],
                )?;
            }
        }
        TileLayer::Stations => {
            for station in renkei_app::basemap::base_layers_in(snapshot, bbox).stations {
                let position = station.position();
                let name = format!("{}駅", station.name);
                builder.push(
                    &name,
                    &Point::from(to_mercator(Coord {
                        x: position.lon(),
                        y: position.lat(),
                    }))
                    .into(),
                    &[
                        ("name", Some(&name)),
                        ("lines", Some(&station.lines.join("・"))),
                    ],
                )?;
            }
        }
        // Drawn from the directory and regions by `encode_tile` itself.
        TileLayer::Facilities | TileLayer::Regions | TileLayer::Municipalities => {}
    }
    Ok(())
}

/// `shape` (lon/lat) simplified to one tile unit, clipped to the buffered tile,
/// oriented as MVT wants (exterior rings clockwise on screen) and projected to
/// Web Mercator; `None` when nothing of it is in the tile.
fn clip(shape: &MultiPolygon<f64>, tile: TileId, area: Rect<f64>) -> Option<MultiPolygon<f64>> {
    let bounds = shape.bounding_rect()?;
    if !bounds.intersects(&area) {
        return None;
    }
    let simplified = simplify(shape, tile.unit_deg());
    let inside = bounds.min().x >= area.min().x
        && bounds.min().y >= area.min().y
        && bounds.max().x <= area.max().x
        && bounds.max().y <= area.max().y;
    let clipped = if inside {
        simplified
    } else {
        simplified.intersection(&MultiPolygon::new(vec![area.to_polygon()]))
    };
    if clipped.0.is_empty() {
        return None;
    }
    // MVT wants exteriors with a positive surveyor's area in tile units, whose
    // y axis points down: clockwise in lon/lat, before the writer flips y.
    Some(
        clipped
            .orient(geo::orient::Direction::Reversed)
            .map_coords(to_mercator),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tile_grid_and_projection_round_trip() {
        assert!(TileId::new(0, 0, 0).is_some());
        assert!(TileId::new(3, 8, 0).is_none());
        assert!(TileId::new(23, 0, 0).is_none());
        // Chigasaki (longitude, latitude) survives projecting there and back.
        let c = Coord {
            x: 139.4037,
            y: 35.3334,
        };
        let m = to_mercator(c);
        let back = to_lon_lat(m.x, m.y);
        assert!((back.x - c.x).abs() < 1e-9 && (back.y - c.y).abs() < 1e-9);
        // z1 tile (1, 0) is the north-east quarter of the world.
        let r = TileId::new(1, 1, 0).unwrap().buffered_lon_lat();
        assert!(r.min().x < 0.0 && r.max().x >= 180.0 - 1e-9);
        assert!(r.max().y >= MAX_LATITUDE - 1e-9 && r.min().y < 0.0);
    }
}
