//! renkei's own light base map: railway stations and lines, and the postcode
//! points the geocoder reads, as imported from open data; with the N03
//! boundaries (land, municipality and ward names) they make the `basemap`
//! vector tiles and the printed maps' background, so a map is readable with
//! no online base map.
//!
//! - Stations: 国土数値情報 鉄道データ N02 (`N02-YY_Station`): one feature per
//!   station and line, a platform-length line; the station point is the middle
//!   of it. Licence 国土数値情報利用約款 (open data, commercial use allowed).
//! - Rail lines: N02 `RailroadSection` as published, or the station_database
//!   polylines (CC BY-SA 4.0, share-alike: a layer drawn from them is CC BY-SA
//!   too, and says so — [`RailLine::licence`]).
//! - Postcodes: 日本郵便 KEN_ALL joined to 町丁目 points.
//!
//! Coordinates are WGS 84 longitude, latitude in degrees.

use crate::normalize::fold_address;
use crate::LonLat;
use std::collections::HashMap;
use std::sync::OnceLock;

/// A railway station on one line.
#[derive(Debug, Clone, PartialEq)]
pub struct Station {
    /// Station code (`N02_005c`), unique per station and line.
    pub code: String,
    /// Group code (`N02_005g`): one station served by several lines shares it.
    pub group: String,
    /// Name without 駅, as published (茅ヶ崎).
    pub name: String,
    /// Line name (東海道線).
    pub line: String,
    /// Operator (東日本旅客鉄道).
    pub operator: String,
    /// The middle of the platform line: where the station is shown and searched from.
    pub position: LonLat,
}

impl Station {
    /// The name as people write it, with 駅 (茅ヶ崎駅).
    pub fn label(&self) -> String {
        format!("{}駅", self.name)
    }
}

/// A railway line (or one part of one), as a polyline.
#[derive(Debug, Clone, PartialEq)]
pub struct RailLine {
    /// An id unique in its file (the publisher's code, else the feature's number).
    pub id: String,
    /// Line name (東海道線), when given.
    pub name: String,
    /// Operator, when given.
    pub operator: String,
    /// The line's parts, each a run of at least two points.
    pub parts: Vec<Vec<LonLat>>,
    /// Licence of the geometry (e.g. `CC BY-SA 4.0`).
    pub licence: String,
    /// Credit line the licence asks for.
    pub attribution: String,
}

/// A postcode's representative point.
#[derive(Debug, Clone, PartialEq)]
pub struct PostcodePoint {
    /// Seven digits, no hyphen (2530044).
    pub postcode: String,
    /// Prefecture code, two digits (14).
    pub prefecture: String,
    /// Municipality as written after the prefecture (茅ヶ崎市, 横浜市鶴見区).
    pub city: String,
    /// Town (新栄町), empty for a postcode of a whole municipality.
    pub town: String,
    /// The point, WGS 84.
    pub position: LonLat,
}

impl PostcodePoint {
    /// 〒253-0044 茅ヶ崎市新栄町.
    pub fn label(&self) -> String {
        format!(
            "〒{}-{} {}{}",
            &self.postcode[..3.min(self.postcode.len())],
            self.postcode.get(3..).unwrap_or_default(),
            self.city,
            self.town
        )
    }
}

/// The seven digits of a postcode as people type it (253-0044, 〒2530044,
/// ２５３－００４４), or `None` when `text` is no postcode.
///
/// ```
/// use renkei_core::basemap::postcode_digits;
/// assert_eq!(postcode_digits("253-0044").as_deref(), Some("2530044"));
/// assert_eq!(postcode_digits("〒２５３００４４").as_deref(), Some("2530044"));
/// assert_eq!(postcode_digits("茅ヶ崎市"), None);
/// ```
pub fn postcode_digits(text: &str) -> Option<String> {
    let folded = fold_address(text);
    let body = folded.trim().trim_start_matches('〒').trim();
    let digits: String = body.chars().filter(char::is_ascii_digit).collect();
    let only_digits_and_dash = body.chars().all(|c| c.is_ascii_digit() || c == '-');
    (only_digits_and_dash && digits.len() == 7).then_some(digits)
}

/// The base layers of a snapshot: stations and rail lines.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BaseLayers {
    /// Every station, by code.
    pub stations: Vec<Station>,
    /// Every rail line part.
    pub rail_lines: Vec<RailLine>,
}

/// A rectangle in WGS 84 degrees: west, south, east, north.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bbox {
    /// Western edge, longitude.
    pub west: f64,
    /// Southern edge, latitude.
    pub south: f64,
    /// Eastern edge, longitude.
    pub east: f64,
    /// Northern edge, latitude.
    pub north: f64,
}

impl Bbox {
    /// True when `point` is inside (edges included).
    pub fn contains(&self, point: LonLat) -> bool {
        (self.west..=self.east).contains(&point.lon())
            && (self.south..=self.north).contains(&point.lat())
    }

    /// True when the box around `points` meets this one.
    fn meets(&self, points: &[LonLat]) -> bool {
        let (mut w, mut s, mut e, mut n) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
        for p in points {
            w = w.min(p.lon());
            e = e.max(p.lon());
            s = s.min(p.lat());
            n = n.max(p.lat());
        }
        w <= self.east && e >= self.west && s <= self.north && n >= self.south
    }
}

impl BaseLayers {
    /// True when nothing is loaded.
    pub fn is_empty(&self) -> bool {
        self.stations.is_empty() && self.rail_lines.is_empty()
    }

    /// One point per station group (a station served by several lines once),
    /// with its lines, inside `bbox`: what a map labels.
    pub fn station_groups_in(&self, bbox: Bbox) -> Vec<StationGroup> {
        let mut groups: Vec<StationGroup> = Vec::new();
        let mut index: HashMap<&str, usize> = HashMap::new();
        for station in &self.stations {
            let n = *index.entry(&station.group).or_insert_with(|| {
                groups.push(StationGroup {
                    name: station.name.clone(),
                    lines: Vec::new(),
                    points: Vec::new(),
                });
                groups.len() - 1
            });
            let group = &mut groups[n];
            if !group.lines.contains(&station.line) {
                group.lines.push(station.line.clone());
            }
            group.points.push(station.position);
        }
        groups.retain(|g| bbox.contains(g.position()));
        groups
    }

    /// The rail line parts meeting `bbox`.
    pub fn rail_lines_in(&self, bbox: Bbox) -> impl Iterator<Item = &RailLine> {
        self.rail_lines
            .iter()
            .filter(move |line| line.parts.iter().any(|part| bbox.meets(part)))
    }

    /// The licences of the rail lines, each once ("CC BY-SA 4.0" …), with their credits.
    pub fn rail_credits(&self) -> Vec<(&str, &str)> {
        let mut credits: Vec<(&str, &str)> = Vec::new();
        for line in &self.rail_lines {
            let credit = (line.licence.as_str(), line.attribution.as_str());
            if !credits.contains(&credit) {
                credits.push(credit);
            }
        }
        credits
    }
}

/// A station as a map shows it: one name for all its lines.
#[derive(Debug, Clone, PartialEq)]
pub struct StationGroup {
    /// Name without 駅.
    pub name: String,
    /// Lines serving it.
    pub lines: Vec<String>,
    /// The lines' station points.
    points: Vec<LonLat>,
}

impl StationGroup {
    /// The mean of the lines' station points.
    pub fn position(&self) -> LonLat {
        let n = self.points.len().max(1) as f64;
        let (lon, lat) = self
            .points
            .iter()
            .fold((0.0, 0.0), |(x, y), p| (x + p.lon(), y + p.lat()));
        LonLat::new(lon / n, lat / n).unwrap_or(self.points[0])
    }
}

/// Hiragana readings of station names (without 駅), authored per prefecture
/// in `data/geocode/NN_*_station_readings.toml`; stations named like their
/// municipality take its reading (茅ヶ崎 ← 茅ヶ崎市 ちがさきし).
const STATION_READING_FILES: [&str; 1] = [include_str!(
    "../../../data/geocode/14_kanagawa_station_readings.toml"
)];

/// The authored reading of a station name, when there is one.
///
/// ```
/// use renkei_core::basemap::station_reading;
/// assert_eq!(station_reading("大船"), Some("おおふな"));
/// ```
pub fn station_reading(name: &str) -> Option<&'static str> {
    static READINGS: OnceLock<HashMap<String, String>> = OnceLock::new();
    READINGS
        .get_or_init(|| {
            #[derive(serde::Deserialize)]
            struct File {
                readings: HashMap<String, String>,
            }
            STATION_READING_FILES
                .iter()
                .flat_map(|text| {
                    toml::from_str::<File>(text)
                        .expect("station reading files are checked by tests")
                        .readings
                })
                .map(|(name, reading)| (fold_address(&name), reading))
                .collect()
        })
        .get(&fold_address(name))
        .map(String::as_str)
}

/// The reading of a station named like a municipality: the municipality's
/// reading without its 市・町・村・区 ending (ちがさきし → ちがさき).
pub fn reading_from_municipality(
    station: &str,
    municipality: &str,
    reading: &str,
) -> Option<String> {
    municipality
        .strip_suffix(['市', '町', '村', '区'])
        .filter(|own| fold_address(own) == fold_address(station))?;
    ["し", "まち", "ちょう", "むら", "そん", "く"]
        .iter()
        .find_map(|ending| reading.strip_suffix(ending))
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn station(code: &str, group: &str, name: &str, line: &str, lon: f64) -> Station {
        Station {
            code: code.into(),
            group: group.into(),
            name: name.into(),
            line: line.into(),
            operator: "架空鉄道".into(),
            position: LonLat::new(lon, 35.33).unwrap(),
        }
    }

    #[test]
    fn issue_18_station_groups_join_their_lines() {
        let layers = BaseLayers {
            stations: vec![
                station("1", "g1", "架空", "本線", 139.40),
                station("2", "g1", "架空", "支線", 139.41),
                station("3", "g3", "遠方", "本線", 140.5),
            ],
            rail_lines: Vec::new(),
        };
        let bbox = Bbox {
            west: 139.0,
            south: 35.0,
            east: 140.0,
            north: 36.0,
        };
        let groups = layers.station_groups_in(bbox);
        assert_eq!(groups.len(), 1);
        assert_eq!(groups[0].lines, ["本線", "支線"]);
        assert!((groups[0].position().lon() - 139.405).abs() < 1e-9);
    }

    #[test]
    fn issue_18_station_readings_come_from_the_municipality_or_the_file() {
        assert_eq!(
            reading_from_municipality("茅ケ崎", "茅ヶ崎市", "ちがさきし").as_deref(),
            Some("ちがさき")
        );
        assert_eq!(
            reading_from_municipality("辻堂", "藤沢市", "ふじさわし"),
            None
        );
        assert_eq!(station_reading("辻堂"), Some("つじどう"));
    }
}
