//! `GeoJSON` (RFC 7946) form of a boundary: one home for turning a
//! [`MultiPolygon`] into `{"type": "MultiPolygon", "coordinates": …}` and back,
//! used by the store (SQLite keeps boundaries as this text; PostGIS reads and
//! writes it) and by the HTTP API.

use geo::{Coord, LineString, MultiPolygon, Polygon};
use serde::{Deserialize, Serialize};

/// A `GeoJSON` MultiPolygon geometry object. Positions are `[longitude,
/// latitude]` in WGS 84 degrees; each polygon is its exterior ring followed by
/// its holes, each ring closed (first position = last).
///
/// ```
/// use geo::{polygon, MultiPolygon};
/// use renkei_core::region::GeoJsonMultiPolygon;
/// // longitude, latitude
/// let square = MultiPolygon::new(vec![polygon![(x: 139.0, y: 35.0), (x: 139.1, y: 35.0), (x: 139.1, y: 35.1)]]);
/// let json = GeoJsonMultiPolygon::from(&square);
/// assert_eq!(json.kind, "MultiPolygon");
/// assert_eq!(json.coordinates[0][0][1], [139.1, 35.0]);
/// assert_eq!(json.into_geometry().unwrap(), square);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GeoJsonMultiPolygon {
    /// Always `MultiPolygon` (a `Polygon` is accepted when reading).
    #[serde(rename = "type")]
    pub kind: String,
    /// Polygons → rings → `[lon, lat]` positions.
    pub coordinates: Vec<Vec<Vec<[f64; 2]>>>,
}

/// Why a `GeoJSON` geometry is not a usable multipolygon.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a GeoJSON MultiPolygon: {0}")]
pub struct GeoJsonError(String);

impl From<&MultiPolygon<f64>> for GeoJsonMultiPolygon {
    fn from(geometry: &MultiPolygon<f64>) -> Self {
        let ring = |ring: &LineString<f64>| ring.coords().map(|c| [c.x, c.y]).collect();
        Self {
            kind: "MultiPolygon".to_owned(),
            coordinates: geometry
                .iter()
                .map(|polygon| {
                    std::iter::once(polygon.exterior())
                        .chain(polygon.interiors())
                        .map(ring)
                        .collect()
                })
                .collect(),
        }
    }
}

impl GeoJsonMultiPolygon {
    /// Parses the JSON text of a geometry object (`MultiPolygon` or `Polygon`).
    pub fn parse(text: &str) -> Result<MultiPolygon<f64>, GeoJsonError> {
        #[derive(Deserialize)]
        struct Loose {
            #[serde(rename = "type")]
            kind: String,
            coordinates: serde_json::Value,
        }
        let loose: Loose = serde_json::from_str(text).map_err(|e| GeoJsonError(e.to_string()))?;
        let coordinates = match loose.kind.as_str() {
            "MultiPolygon" => serde_json::from_value(loose.coordinates),
            "Polygon" => serde_json::from_value(loose.coordinates).map(|polygon| vec![polygon]),
            other => return Err(GeoJsonError(format!("geometry type {other}"))),
        }
        .map_err(|e| GeoJsonError(e.to_string()))?;
        Self {
            kind: "MultiPolygon".to_owned(),
            coordinates,
        }
        .into_geometry()
    }

    /// The geometry; every ring needs at least one position.
    pub fn into_geometry(self) -> Result<MultiPolygon<f64>, GeoJsonError> {
        let ring = |positions: Vec<[f64; 2]>| {
            if positions.is_empty() {
                return Err(GeoJsonError("empty ring".to_owned()));
            }
            Ok(LineString::new(
                positions.into_iter().map(|[x, y]| Coord { x, y }).collect(),
            ))
        };
        self.coordinates
            .into_iter()
            .map(|rings| {
                let mut rings = rings.into_iter().map(ring);
                let exterior = rings
                    .next()
                    .ok_or_else(|| GeoJsonError("polygon without rings".to_owned()))??;
                Ok(Polygon::new(exterior, rings.collect::<Result<_, _>>()?))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(MultiPolygon::new)
    }

    /// The JSON text of this geometry object.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("numbers and strings always serialise")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;

    #[test]
    fn holes_round_trip_and_polygons_are_accepted() {
        let with_hole = MultiPolygon::new(vec![polygon!(
            exterior: [(x: 0.0, y: 0.0), (x: 4.0, y: 0.0), (x: 4.0, y: 4.0), (x: 0.0, y: 0.0)],
            interiors: [[(x: 1.0, y: 1.0), (x: 2.0, y: 1.0), (x: 2.0, y: 2.0), (x: 1.0, y: 1.0)]],
        )]);
        let text = GeoJsonMultiPolygon::from(&with_hole).to_json();
        assert_eq!(GeoJsonMultiPolygon::parse(&text).unwrap(), with_hole);
        let polygon = r#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}"#;
        assert_eq!(GeoJsonMultiPolygon::parse(polygon).unwrap().0.len(), 1);
        assert!(GeoJsonMultiPolygon::parse(r#"{"type":"Point","coordinates":[0,0]}"#).is_err());
        assert!(
            GeoJsonMultiPolygon::parse(r#"{"type":"MultiPolygon","coordinates":[[[]]]}"#).is_err()
        );
    }
}
