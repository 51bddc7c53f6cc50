//! Places people name instead of an address: railway stations (茅ヶ崎駅,
//! 茅ケ崎駅, ちがさきえき) and postcodes (253-0044, 2530044).

use super::{reading, Geocoder, Precision, Suggestion};
use crate::basemap::{
    postcode_digits, reading_from_municipality, station_reading, BaseLayers, Bbox, PostcodePoint,
};
use crate::normalize::fold_address;
use crate::{LonLat, MunicipalityCode};

/// A named point the geocoder finds by its keys.
#[derive(Debug, Clone, PartialEq)]
pub struct Landmark {
    /// Texts that name it (茅ヶ崎駅, ちがさきえき; a postcode's seven digits),
    /// matched after [`fold_address`].
    pub keys: Vec<String>,
    /// What a suggestion shows (茅ヶ崎駅（東海道線・相模線）, 〒253-0044 茅ヶ崎市新栄町).
    pub label: String,
    /// What an origin is called (茅ヶ崎駅).
    pub matched: String,
    /// The point, WGS 84.
    pub position: LonLat,
    /// [`Precision::Station`] or [`Precision::Postcode`].
    pub precision: Precision,
    /// The municipality it lies in.
    pub municipality: MunicipalityCode,
}

/// The landmarks with their folded keys.
#[derive(Debug, Clone, Default)]
pub(super) struct Landmarks {
    items: Vec<Landmark>,
    /// (folded key, index into `items`), sorted by key.
    keys: Vec<(String, usize)>,
}

/// Fewest folded characters of input before landmarks are suggested by the start of a key.
const MIN_PREFIX_CHARS: usize = 2;

impl Geocoder {
    /// The landmarks of `layers`' stations (one per station, every line in
    /// its label), each in the municipality `municipality_of` finds for its
    /// point, and of `postcodes`, each in the municipality its city names;
    /// places in no loaded municipality (outside the loaded prefectures) are
    /// left out. A
    /// station is found by its name with 駅 and by its reading (authored,
    /// or its municipality's when it shares the name) with えき.
    pub fn landmarks_of(
        &self,
        layers: &BaseLayers,
        postcodes: &[PostcodePoint],
        municipality_of: impl Fn(LonLat) -> Option<MunicipalityCode>,
    ) -> Vec<Landmark> {
        let everywhere = Bbox {
            west: -180.0,
            south: -90.0,
            east: 180.0,
            north: 90.0,
        };
        let in_loaded =
            |point| municipality_of(point).filter(|code| self.municipality_name(code).is_some());
        let stations = layers
            .station_groups_in(everywhere)
            .into_iter()
            .filter_map(|group| {
                let position = group.position();
                let municipality = in_loaded(position)?;
                let name = format!("{}駅", group.name);
                let reading = station_reading(&group.name).map(str::to_owned).or_else(|| {
                    let town = self.municipality_name(&municipality)?;
                    reading_from_municipality(&group.name, town, reading(&municipality)?)
                });
                let mut keys = vec![name.clone()];
                keys.extend(reading.map(|r| format!("{r}えき")));
                Some(Landmark {
                    keys,
                    label: format!("{name}（{}）", group.lines.join("・")),
                    matched: name,
                    position,
                    precision: Precision::Station,
                    municipality,
                })
            });
        let postcodes = postcodes.iter().filter_map(|point| {
            let municipality = self
                .places
                .iter()
                .find(|place| {
                    place.code.as_str().starts_with(&point.prefecture)
                        && fold_address(&place.display) == fold_address(&point.city)
                })?
                .code
                .clone();
            let label = point.label();
            Some(Landmark {
                keys: vec![point.postcode.clone()],
                matched: label.split(' ').next().unwrap_or_default().to_owned(),
                label,
                position: point.position,
                precision: Precision::Postcode,
                municipality,
            })
        });
        stations.chain(postcodes).collect()
    }

    /// Also finds `landmarks` (stations, postcodes) by their keys.
    #[must_use]
    pub fn with_landmarks(mut self, landmarks: Vec<Landmark>) -> Self {
        let mut keys: Vec<(String, usize)> = landmarks
            .iter()
            .enumerate()
            .flat_map(|(i, l)| l.keys.iter().map(move |k| (fold_address(k), i)))
            .filter(|(k, _)| !k.is_empty())
            .collect();
        keys.sort();
        keys.dedup();
        self.landmarks = Landmarks {
            items: landmarks,
            keys,
        };
        self
    }

    /// Number of stations and postcodes the geocoder knows.
    pub fn landmark_count(&self) -> usize {
        self.landmarks.items.len()
    }

    /// The landmark `text` names exactly: a postcode, or a station's name with 駅 or its reading.
    pub(super) fn exact_landmark(&self, text: &str) -> Option<Suggestion> {
        let key = postcode_digits(text).unwrap_or_else(|| fold_address(text));
        let start = self
            .landmarks
            .keys
            .partition_point(|(k, _)| k.as_str() < key.as_str());
        let (found, index) = self.landmarks.keys.get(start)?;
        (*found == key).then(|| self.landmark_suggestion(*index))
    }

    /// Landmarks whose key starts with `text` (at least two characters), in key order.
    pub(super) fn landmarks_starting(&self, text: &str) -> Vec<Suggestion> {
        let key = fold_address(text);
        if key.chars().count() < MIN_PREFIX_CHARS {
            return Vec::new();
        }
        let start = self
            .landmarks
            .keys
            .partition_point(|(k, _)| k.as_str() < key.as_str());
        let mut seen = Vec::new();
        self.landmarks.keys[start..]
            .iter()
            .take_while(|(k, _)| k.starts_with(&key))
            .filter(|(_, i)| {
                let new = !seen.contains(i);
                seen.push(*i);
                new
            })
            .map(|&(_, i)| self.landmark_suggestion(i))
            .collect()
    }

    fn landmark_suggestion(&self, index: usize) -> Suggestion {
        let landmark = &self.landmarks.items[index];
        let prefecture = self
            .places
            .iter()
            .find(|p| p.code == landmark.municipality)
            .map_or("", |p| p.prefecture.as_str());
        Suggestion {
            label: format!("{prefecture}{}", landmark.label),
            position: landmark.position,
            precision: landmark.precision,
            municipality: landmark.municipality.clone(),
            matched: landmark.matched.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geocode::MunicipalityName;

    fn geocoder() -> Geocoder {
        let code = MunicipalityCode::new("14207").unwrap();
        Geocoder::new(
            vec![MunicipalityName {
                code: code.clone(),
                prefecture: "神奈川県".into(),
                county_or_city: None,
                name: "茅ヶ崎市".into(),
                representative: Some(LonLat::new(139.40, 35.33).unwrap()),
            }],
            Vec::new(),
        )
        .with_landmarks(vec![
            Landmark {
                keys: vec!["茅ヶ崎駅".into(), "ちがさきえき".into()],
                label: "茅ヶ崎駅（東海道線・相模線）".into(),
                matched: "茅ヶ崎駅".into(),
                position: LonLat::new(139.4075, 35.3307).unwrap(),
                precision: Precision::Station,
                municipality: code.clone(),
            },
            Landmark {
                keys: vec!["2530044".into()],
                label: "〒253-0044 茅ヶ崎市新栄町".into(),
                matched: "〒253-0044".into(),
                position: LonLat::new(139.404_251, 35.330_79).unwrap(),
                precision: Precision::Postcode,
                municipality: code,
            },
        ])
    }

    #[test]
    fn issue_18_stations_by_name_either_ke_and_reading() {
        let g = geocoder();
        for text in ["茅ヶ崎駅", "茅ケ崎駅", "ちがさきえき", "チガサキエキ"] {
            let found = g.resolve(text).unwrap_or_else(|| panic!("{text}"));
            assert_eq!(
                (found.matched.as_str(), found.precision),
                ("茅ヶ崎駅", Precision::Station),
                "{text}"
            );
        }
        // Typing the start suggests it.
        assert_eq!(g.suggest("ちがさきえ", 5)[0].matched, "茅ヶ崎駅");
        // The municipality alone is still the municipality.
        assert_eq!(
            g.resolve("茅ヶ崎市").unwrap().precision,
            Precision::Municipality
        );
    }

    #[test]
    fn issue_18_landmarks_of_stations_and_postcodes_in_loaded_municipalities() {
        use crate::basemap::Station;
        let g = geocoder();
        let code = MunicipalityCode::new("14207").unwrap();
        let station = |code: &str, name: &str, line: &str, lon: f64| Station {
            code: code.into(),
            group: "g".into(),
            name: name.into(),
            line: line.into(),
            operator: "架空鉄道".into(),
            position: LonLat::new(lon, 35.33).unwrap(),
        };
        let layers = BaseLayers {
            stations: vec![
                station("1", "茅ヶ崎", "架空本線", 139.40),
                station("2", "茅ヶ崎", "架空支線", 139.41),
                Station {
                    group: "far".into(),
                    ..station("3", "遠方", "架空本線", 140.5)
                },
            ],
            rail_lines: Vec::new(),
        };
        let postcodes = [PostcodePoint {
            postcode: "9990001".into(),
            prefecture: "14".into(),
            city: "茅ヶ崎市".into(),
            town: "架空町".into(),
            position: LonLat::new(139.40, 35.33).unwrap(),
        }];
        // Only points west of 140° are "in" the loaded municipality; the
        // postcode is placed by its city.
        let landmarks = g.landmarks_of(&layers, &postcodes, |p| {
            (p.lon() < 140.0).then(|| code.clone())
        });
        assert_eq!(landmarks.len(), 2, "{landmarks:?}");
        assert_eq!(landmarks[0].label, "茅ヶ崎駅（架空本線・架空支線）");
        assert_eq!(landmarks[0].keys, ["茅ヶ崎駅", "ちがさきえき"]);
        assert_eq!(landmarks[1].matched, "〒999-0001");
        let g = g.with_landmarks(landmarks);
        assert_eq!(
            g.resolve("999-0001").unwrap().precision,
            Precision::Postcode
        );
    }

    #[test]
    fn issue_18_postcodes_with_or_without_hyphen() {
        let g = geocoder();
        for text in ["253-0044", "2530044", "〒253-0044", "２５３－００４４"] {
            let found = g.resolve(text).unwrap_or_else(|| panic!("{text}"));
            assert_eq!(found.precision, Precision::Postcode, "{text}");
            assert!(found.label.contains("新栄町"));
        }
        assert!(g.resolve("253-0099").is_none());
    }
}
