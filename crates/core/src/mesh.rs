//! The standard grid of Japan (標準地域メッシュ, JIS X 0410): mesh codes from
//! positions and back, and cell bounds.
//!
//! The grid is laid on latitude and longitude (the standard defines it on
//! JGD2011, which matches WGS 84 to well under a metre):
//!
//! | level | cell size (lat × lon) | about | code |
//! |---|---|---|---|
//! | 1st (第1次地域区画) | 40′ × 1° | 80 km | 4 digits `pu` |
//! | 2nd (第2次地域区画) | 5′ × 7′30″ | 10 km | 6 digits `pu qv` |
//! | 3rd (基準地域メッシュ) | 30″ × 45″ | 1 km | 8 digits `pu qv rw` |
//! | half (2分の1地域メッシュ, "4th") | 15″ × 22.5″ | 500 m | 9 digits `pu qv rw m` |
//!
//! with `p = ⌊lat × 1.5⌋`, `u = ⌊lon − 100⌋`, `q`, `v` the 8 × 8 split of a 1st
//! mesh, `r`, `w` the 10 × 10 split of a 2nd mesh (south to north, west to
//! east), and `m` 1 (south-west), 2 (south-east), 3 (north-west), 4 (north-east).
//!
//! A cell is kept as its row and column counted from latitude 0° and longitude
//! 100° in cells of its level, so neighbours and bounds are integer arithmetic.
//!
//! # References
//! - JIS X 0410:1976 地域メッシュコード
//! - 総務省統計局「地域メッシュ統計の概要」

use crate::LonLat;
use serde::{Deserialize, Serialize};
use std::fmt::Write;

/// Westernmost longitude of the grid, degrees (`u` counts from here).
const ORIGIN_LON: f64 = 100.0;

/// Fraction of a cell added before rounding down (see [`MeshCell::containing`]).
const EDGE_NUDGE: f64 = 1e-9;

/// Why a position or code is not a mesh cell.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MeshError {
    /// The position is outside the area the 4-digit 1st mesh code can name
    /// (longitude 100°–200°, latitude 0°–66.66°).
    #[error("position ({lon}, {lat}) is outside the JIS X 0410 grid (longitude 100–200°, latitude 0–66.6°)")]
    OutsideGrid {
        /// Longitude, degrees.
        lon: f64,
        /// Latitude, degrees.
        lat: f64,
    },
    /// The text is not a 4-, 6-, 8- or 9-digit mesh code with valid digits.
    #[error("{0:?} is not a mesh code: give 4, 6, 8 or 9 digits (e.g. 53390302); the 2nd-mesh digits are 0–7 and the half-mesh digit 1–4")]
    BadCode(String),
}

/// The level of a mesh cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeshLevel {
    /// 第1次地域区画: 40′ × 1°, about 80 km.
    First,
    /// 第2次地域区画: 5′ × 7′30″, about 10 km.
    Second,
    /// 基準地域メッシュ (3rd mesh): 30″ × 45″, about 1 km.
    Third,
    /// 2分の1地域メッシュ (half mesh, often called the 4th mesh): about 500 m.
    Half,
}

impl MeshLevel {
    /// Cells per degree of latitude.
    pub fn rows_per_degree(self) -> f64 {
        match self {
            Self::First => 1.5,
            Self::Second => 12.0,
            Self::Third => 120.0,
            Self::Half => 240.0,
        }
    }

    /// Cells per degree of longitude.
    pub fn cols_per_degree(self) -> f64 {
        match self {
            Self::First => 1.0,
            Self::Second => 8.0,
            Self::Third => 80.0,
            Self::Half => 160.0,
        }
    }

    /// Digits in a code of this level.
    pub fn digits(self) -> usize {
        match self {
            Self::First => 4,
            Self::Second => 6,
            Self::Third => 8,
            Self::Half => 9,
        }
    }
}

/// One cell of the grid: its level and its row and column counted in cells of
/// that level from latitude 0° (rows, northwards) and longitude 100° (columns,
/// eastwards).
///
/// ```
/// use renkei_core::mesh::{MeshCell, MeshLevel};
/// use renkei_core::LonLat;
/// // 茅ヶ崎市役所 (Chigasaki city hall): longitude, latitude
/// let city_hall = LonLat::new(139.4037, 35.3334).unwrap();
/// let cell = MeshCell::containing(city_hall, MeshLevel::Third).unwrap();
/// assert_eq!(cell.code(), "53390302");
/// assert_eq!("53390302".parse::<MeshCell>().unwrap(), cell);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MeshCell {
    /// The level.
    pub level: MeshLevel,
    /// Row from latitude 0°, in cells of `level`.
    pub row: u32,
    /// Column from longitude 100°, in cells of `level`.
    pub col: u32,
}

impl MeshCell {
    /// The cell of `level` containing `point`; a point on a cell's south or
    /// west edge belongs to that cell.
    pub fn containing(point: LonLat, level: MeshLevel) -> Result<Self, MeshError> {
        let outside = || MeshError::OutsideGrid {
            lon: point.lon(),
            lat: point.lat(),
        };
        // A point on a cell edge belongs to the cell north / east of it; the
        // nudge (10⁻⁹ of a cell, micrometres) keeps decimal inputs such as
        // 141.35° (exactly a 3rd-mesh edge) from rounding into the cell before.
        let row = (point.lat() * level.rows_per_degree() + EDGE_NUDGE).floor();
        let col = ((point.lon() - ORIGIN_LON) * level.cols_per_degree() + EDGE_NUDGE).floor();
        // p is two digits: latitude below 100 / 1.5 degrees.
        let max_row = 100.0 * level.rows_per_degree() / 1.5;
        let max_col = 100.0 * level.cols_per_degree();
        if !(0.0..max_row).contains(&row) || !(0.0..max_col).contains(&col) {
            return Err(outside());
        }
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "row and col were checked to be whole numbers in 0..=16,000"
        )]
        Ok(Self {
            level,
            row: row as u32,
            col: col as u32,
        })
    }

    /// The mesh code: 4, 6, 8 or 9 digits by level.
    pub fn code(self) -> String {
        let (third_row, third_col, half) = match self.level {
            MeshLevel::Half => (
                self.row / 2,
                self.col / 2,
                Some((self.row % 2) * 2 + self.col % 2 + 1),
            ),
            _ => (self.row, self.col, None),
        };
        let (p, u) = match self.level {
            MeshLevel::First => (self.row, self.col),
            MeshLevel::Second => (self.row / 8, self.col / 8),
            MeshLevel::Third | MeshLevel::Half => (third_row / 80, third_col / 80),
        };
        let mut code = format!("{p:02}{u:02}");
        match self.level {
            MeshLevel::First => {}
            MeshLevel::Second => {
                let _ = write!(code, "{}{}", self.row % 8, self.col % 8);
            }
            MeshLevel::Third | MeshLevel::Half => {
                let _ = write!(
                    code,
                    "{}{}{}{}",
                    (third_row / 10) % 8,
                    (third_col / 10) % 8,
                    third_row % 10,
                    third_col % 10
                );
            }
        }
        if let Some(m) = half {
            let _ = write!(code, "{m}");
        }
        code
    }

    /// South-west corner (minimum longitude and latitude), degrees.
    pub fn south_west(self) -> LonLat {
        self.corner(0, 0)
    }

    /// North-east corner (maximum longitude and latitude), degrees.
    pub fn north_east(self) -> LonLat {
        self.corner(1, 1)
    }

    /// Centre of the cell, degrees.
    pub fn centre(self) -> LonLat {
        let (sw, ne) = (self.south_west(), self.north_east());
        LonLat::new(
            f64::midpoint(sw.lon(), ne.lon()),
            f64::midpoint(sw.lat(), ne.lat()),
        )
        .expect("a grid cell's centre is a valid position")
    }

    /// The closed ring of the cell's outline, counter-clockwise from the
    /// south-west corner, as GeoJSON `[longitude, latitude]` positions.
    pub fn ring(self) -> [[f64; 2]; 5] {
        let (sw, ne) = (self.south_west(), self.north_east());
        [
            [sw.lon(), sw.lat()],
            [ne.lon(), sw.lat()],
            [ne.lon(), ne.lat()],
            [sw.lon(), ne.lat()],
            [sw.lon(), sw.lat()],
        ]
    }

    /// The 3rd mesh (about 1 km) holding this cell; `None` for the 1st and
    /// 2nd levels, which are larger.
    pub fn third(self) -> Option<Self> {
        match self.level {
            MeshLevel::Third => Some(self),
            MeshLevel::Half => Some(Self {
                level: MeshLevel::Third,
                row: self.row / 2,
                col: self.col / 2,
            }),
            MeshLevel::First | MeshLevel::Second => None,
        }
    }

    fn corner(self, d_row: u32, d_col: u32) -> LonLat {
        let lat = f64::from(self.row + d_row) / self.level.rows_per_degree();
        let lon = ORIGIN_LON + f64::from(self.col + d_col) / self.level.cols_per_degree();
        LonLat::new(lon, lat).expect("grid corners lie within longitude 100–200, latitude 0–67")
    }
}

impl std::fmt::Display for MeshCell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.code())
    }
}

impl std::str::FromStr for MeshCell {
    type Err = MeshError;

    #[expect(
        clippy::many_single_char_names,
        reason = "p, u, q, v, m are the standard's own names for the code's digits"
    )]
    fn from_str(text: &str) -> Result<Self, MeshError> {
        let bad = || MeshError::BadCode(text.to_owned());
        let digits: Vec<u32> = text
            .trim()
            .chars()
            .map(|c| c.to_digit(10).ok_or_else(bad))
            .collect::<Result<_, _>>()?;
        let level = match digits.len() {
            4 => MeshLevel::First,
            6 => MeshLevel::Second,
            8 => MeshLevel::Third,
            9 => MeshLevel::Half,
            _ => return Err(bad()),
        };
        let (p, u) = (digits[0] * 10 + digits[1], digits[2] * 10 + digits[3]);
        if level == MeshLevel::First {
            return Ok(Self {
                level,
                row: p,
                col: u,
            });
        }
        let (q, v) = (digits[4], digits[5]);
        if q > 7 || v > 7 {
            return Err(bad());
        }
        let (row2, col2) = (p * 8 + q, u * 8 + v);
        if level == MeshLevel::Second {
            return Ok(Self {
                level,
                row: row2,
                col: col2,
            });
        }
        let (row3, col3) = (row2 * 10 + digits[6], col2 * 10 + digits[7]);
        if level == MeshLevel::Third {
            return Ok(Self {
                level,
                row: row3,
                col: col3,
            });
        }
        let m = digits[8];
        if !(1..=4).contains(&m) {
            return Err(bad());
        }
        Ok(Self {
            level,
            row: row3 * 2 + (m - 1) / 2,
            col: col3 * 2 + (m - 1) % 2,
        })
    }
}

impl Serialize for MeshCell {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.code())
    }
}

impl<'de> Deserialize<'de> for MeshCell {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(lon: f64, lat: f64, level: MeshLevel) -> String {
        MeshCell::containing(LonLat::new(lon, lat).unwrap(), level)
            .unwrap()
            .code()
    }

    #[test]
    fn chigasaki_city_hall_by_the_jis_formula() {
        // 茅ヶ崎市役所, lon 139.4037, lat 35.3334.
        // 1st: p = ⌊35.3334 × 1.5⌋ = ⌊53.0001⌋ = 53; u = ⌊139.4037 − 100⌋ = 39 → 5339.
        // 2nd: q = ⌊(53.0001 − 53) × 8⌋ = ⌊0.0008⌋ = 0; v = ⌊(39.4037 − 39) × 8⌋ = ⌊3.2296⌋ = 3 → 533903.
        // 3rd: r = ⌊(0.0008 − 0) × 10⌋ = ⌊0.008⌋ = 0; w = ⌊(3.2296 − 3) × 10⌋ = ⌊2.296⌋ = 2 → 53390302.
        // half: lat offset in the 3rd mesh 0.008 of a row (< 0.5, south), lon
        // offset 0.296 of a column (< 0.5, west) → m = 1 → 533903021.
        assert_eq!(at(139.4037, 35.3334, MeshLevel::First), "5339");
        assert_eq!(at(139.4037, 35.3334, MeshLevel::Second), "533903");
        assert_eq!(at(139.4037, 35.3334, MeshLevel::Third), "53390302");
        assert_eq!(at(139.4037, 35.3334, MeshLevel::Half), "533903021");
    }

    #[test]
    fn more_known_codes() {
        // 東京駅 lon 139.7671, lat 35.6812:
        // p = ⌊53.5218⌋ = 53, u = 39; q = ⌊0.5218 × 8⌋ = ⌊4.1744⌋ = 4,
        // v = ⌊0.7671 × 8⌋ = ⌊6.1368⌋ = 6; r = ⌊0.1744 × 10⌋ = 1, w = ⌊0.1368 × 10⌋ = 1
        // → 53394611, the published 3rd mesh of Tokyo Station.
        assert_eq!(at(139.7671, 35.6812, MeshLevel::Third), "53394611");
        // 那覇市役所 lon 127.6811, lat 26.2124: p = ⌊39.3186⌋ = 39, u = 27;
        // q = ⌊0.3186 × 8⌋ = 2, v = ⌊0.6811 × 8⌋ = 5; r = ⌊0.5488 × 10⌋ = 5,
        // w = ⌊0.4488 × 10⌋ = 4 → 39272554.
        assert_eq!(at(127.6811, 26.2124, MeshLevel::Third), "39272554");
    }

    #[test]
    fn codes_round_trip_and_bounds_contain_the_point() {
        for (lon, lat) in [(139.4037, 35.3334), (141.35, 43.06), (123.01, 24.31)] {
            let point = LonLat::new(lon, lat).unwrap();
            for level in [
                MeshLevel::First,
                MeshLevel::Second,
                MeshLevel::Third,
                MeshLevel::Half,
            ] {
                let cell = MeshCell::containing(point, level).unwrap();
                let code = cell.code();
                assert_eq!(code.len(), level.digits());
                assert_eq!(code.parse::<MeshCell>().unwrap(), cell, "{code}");
                let (sw, ne) = (cell.south_west(), cell.north_east());
                assert!(
                    sw.lon() <= lon && lon < ne.lon() && sw.lat() <= lat && lat < ne.lat(),
                    "{code} {sw:?} {ne:?} ({lon}, {lat})"
                );
            }
        }
        // A 3rd mesh is 30″ × 45″.
        let cell: MeshCell = "53390302".parse().unwrap();
        let (sw, ne) = (cell.south_west(), cell.north_east());
        assert!((ne.lat() - sw.lat() - 30.0 / 3600.0).abs() < 1e-12);
        assert!((ne.lon() - sw.lon() - 45.0 / 3600.0).abs() < 1e-12);
        // South-west corner: row 4240 / 120 = 35.3333°, column 3152 / 80 + 100 = 139.4°.
        assert!((sw.lat() - 53.0 / 1.5).abs() < 1e-12 && (sw.lon() - 139.4).abs() < 1e-12);
        let half: MeshCell = "533903024".parse().unwrap();
        assert_eq!(half.third(), Some(cell));
    }

    #[test]
    fn bad_codes_and_positions_are_errors() {
        for bad in ["", "533", "53390", "53398302", "533903025", "5339x302"] {
            assert!(bad.parse::<MeshCell>().is_err(), "{bad}");
        }
        let west = LonLat::new(99.0, 35.0).unwrap();
        assert!(MeshCell::containing(west, MeshLevel::Third).is_err());
    }
}
