//! Positions on the earth: WGS 84 longitude/latitude in degrees.

use serde::{Deserialize, Serialize};

/// Mean earth radius (IUGG), metres: the sphere of every great-circle
/// distance and map scale in renkei.
pub const MEAN_EARTH_RADIUS_M: f64 = 6_371_008.8;

/// A point in WGS 84 degrees, **longitude first** (as GeoJSON, RFC 7946).
///
/// Construct with [`LonLat::new`], which rejects values outside the valid
/// ranges and non-finite numbers, so a `LonLat` is always a real place.
///
/// ```
/// use renkei_core::LonLat;
/// // 茅ヶ崎市役所 (Chigasaki city hall): longitude, latitude
/// let city_hall = LonLat::new(139.4037, 35.3334).unwrap();
/// assert_eq!(city_hall.lon(), 139.4037);
/// assert!(LonLat::new(35.3, 139.4).is_err()); // latitude 139.4 is out of range
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "[f64; 2]", into = "[f64; 2]")]
pub struct LonLat {
    lon: f64,
    lat: f64,
}

/// Why a coordinate pair is not a valid WGS 84 position.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PositionError {
    /// Longitude not within −180…180 degrees (or not a number).
    #[error("longitude {0} is outside -180..180 degrees")]
    Longitude(f64),
    /// Latitude not within −90…90 degrees (or not a number).
    #[error("latitude {0} is outside -90..90 degrees")]
    Latitude(f64),
}

impl LonLat {
    /// Checks and builds a position from longitude and latitude in degrees.
    pub fn new(lon: f64, lat: f64) -> Result<Self, PositionError> {
        if !lon.is_finite() || !(-180.0..=180.0).contains(&lon) {
            return Err(PositionError::Longitude(lon));
        }
        if !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
            return Err(PositionError::Latitude(lat));
        }
        Ok(Self { lon, lat })
    }

    /// Longitude in degrees east.
    pub fn lon(self) -> f64 {
        self.lon
    }

    /// Latitude in degrees north.
    pub fn lat(self) -> f64 {
        self.lat
    }

    /// Great-circle distance to `other` in metres (haversine, mean earth radius 6,371,008.8 m).
    ///
    /// ```
    /// use renkei_core::LonLat;
    /// let a = LonLat::new(139.0, 35.0).unwrap();
    /// let b = LonLat::new(139.0, 36.0).unwrap();
    /// assert!((a.distance_m(b) - 111_195.0).abs() < 10.0);
    /// ```
    pub fn distance_m(self, other: LonLat) -> f64 {
        let (phi1, phi2) = (self.lat.to_radians(), other.lat.to_radians());
        let d_phi = phi2 - phi1;
        let d_lambda = (other.lon - self.lon).to_radians();
        let h =
            (d_phi / 2.0).sin().powi(2) + phi1.cos() * phi2.cos() * (d_lambda / 2.0).sin().powi(2);
        2.0 * MEAN_EARTH_RADIUS_M * h.sqrt().asin()
    }
}

impl TryFrom<[f64; 2]> for LonLat {
    type Error = PositionError;
    fn try_from([lon, lat]: [f64; 2]) -> Result<Self, Self::Error> {
        Self::new(lon, lat)
    }
}

impl From<LonLat> for [f64; 2] {
    fn from(p: LonLat) -> Self {
        [p.lon, p.lat]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_out_of_range_and_nan() {
        assert!(LonLat::new(181.0, 0.0).is_err());
        assert!(LonLat::new(0.0, -90.5).is_err());
        assert!(LonLat::new(f64::NAN, 0.0).is_err());
        assert!(LonLat::new(0.0, f64::INFINITY).is_err());
        assert!(LonLat::new(-180.0, 90.0).is_ok());
    }

    #[test]
    fn serialises_as_lon_lat_array() {
        let p = LonLat::new(139.5, 35.25).unwrap();
        assert_eq!(serde_json::to_string(&p).unwrap(), "[139.5,35.25]");
        assert!(serde_json::from_str::<LonLat>("[35.25,139.5]").is_err());
    }
}
