//! Offline geocoding of Japanese addresses to 町丁目 (town) representative
//! points, falling back to the municipality, with no network calls.
//!
//! Addresses are matched on keys from [`crate::normalize::fold_address`], so
//! 「茅ケ崎市本村５－１５－１」 and 「茅ヶ崎市本村五丁目15番1号」 find the same town.

use crate::normalize::fold_address;
use crate::{LonLat, MunicipalityCode};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

mod landmarks;
mod reverse;
mod suggest;

pub use landmarks::Landmark;

pub use reverse::NearbyTown;
pub use suggest::{reading, Suggestion, DEFAULT_SUGGESTIONS};

/// A 町丁目 representative point (e.g. from 位置参照情報 / Geolonia 住所データ).
#[derive(Debug, Clone, PartialEq)]
pub struct TownPoint {
    /// Municipality or ward the town is in.
    pub municipality: MunicipalityCode,
    /// Town name as published, e.g. 本村五丁目 or 朝日町一丁目.
    pub town: String,
    /// Representative point, WGS 84 lon/lat.
    pub position: LonLat,
}

/// A municipality's names as written in addresses.
#[derive(Debug, Clone, PartialEq)]
pub struct MunicipalityName {
    /// Five-digit code.
    pub code: MunicipalityCode,
    /// Prefecture name, e.g. 神奈川県.
    pub prefecture: String,
    /// Designated city (横浜市) or county (足柄下郡), when there is one.
    pub county_or_city: Option<String>,
    /// Own name: city, town, village or ward (茅ヶ崎市, 箱根町, 鶴見区).
    pub name: String,
    /// Point to use when only the municipality matches (e.g. the town hall or the
    /// polygon's interior point); the mean of its town points when `None`.
    pub representative: Option<LonLat>,
}

/// How precisely an address was placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Precision {
    /// At a 町丁目 representative point.
    Town,
    /// At the municipality's representative point only.
    Municipality,
    /// At a railway station (suggestions only; never a facility's position).
    Station,
    /// At a postcode's representative point (suggestions only).
    Postcode,
}

impl Precision {
    /// Stable text form (`town`, `municipality`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Town => "town",
            Self::Municipality => "municipality",
            Self::Station => "station",
            Self::Postcode => "postcode",
        }
    }

    /// What the point is, for people: 町丁目の代表点 or 市区町村の代表点.
    pub fn label_ja(self) -> &'static str {
        match self {
            Self::Town => "町丁目の代表点",
            Self::Municipality => "市区町村の代表点",
            Self::Station => "駅",
            Self::Postcode => "郵便番号の代表点",
        }
    }
}

/// Below this distance, metres, a town point and a search origin are read
/// as 「同じ町丁目」 rather than as a distance: a 町丁目 representative point
/// says nothing finer, and many facilities share one.
pub const SAME_TOWN_M: f64 = 100.0;

/// True when a facility `distance_m` metres from the origin should read
/// 「同じ町丁目」: it is that close and either point is only a town's
/// representative point (`facility` placed at one, or `origin_is_town`).
///
/// ```
/// use renkei_core::geocode::{reads_same_town, Precision};
/// assert!(reads_same_town(0.0, Some(Precision::Town), false));
/// assert!(!reads_same_town(0.0, None, false)); // both points are exact
/// assert!(!reads_same_town(250.0, Some(Precision::Town), true));
/// ```
pub fn reads_same_town(distance_m: f64, facility: Option<Precision>, origin_is_town: bool) -> bool {
    distance_m < SAME_TOWN_M && (facility == Some(Precision::Town) || origin_is_town)
}

/// Where an address was placed and on what evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct GeocodeMatch {
    /// The point, WGS 84 lon/lat.
    pub position: LonLat,
    /// Town or municipality.
    pub precision: Precision,
    /// The municipality the address names.
    pub municipality: MunicipalityCode,
    /// The names that matched, e.g. 茅ヶ崎市本村五丁目.
    pub matched: String,
}

struct Town {
    key: String,
    name: String,
    position: LonLat,
}

struct Place {
    code: MunicipalityCode,
    prefecture: String,
    /// `prefecture` folded, to tell apart places of the same name (府中市 in
    /// 東京都 and 広島県) when an address names its prefecture.
    prefecture_key: String,
    display: String,
    representative: Option<LonLat>,
}

/// An in-memory geocoder over municipality names and town points: addresses
/// to points ([`Geocoder::geocode`]), partial input to candidates
/// ([`Geocoder::suggest`]) and points to the nearest town ([`Geocoder::nearest_town`]).
#[derive(Default)]
pub struct Geocoder {
    prefecture_keys: Vec<String>,
    /// Folded municipality keys (with and without county, and designated city
    /// names) → indexes into `places`, longest key first.
    municipality_keys: Vec<(String, Vec<usize>)>,
    /// Keys people type the start of: names, ward names alone, readings.
    suggest_keys: Vec<(String, usize)>,
    places: Vec<Place>,
    towns: HashMap<MunicipalityCode, Vec<Town>>,
    town_tree: reverse::TownTree,
    /// Stations and postcodes, found by name, reading or digits.
    landmarks: landmarks::Landmarks,
}

impl std::fmt::Debug for Geocoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Geocoder")
            .field("municipalities", &self.places.len())
            .field("towns", &self.towns.values().map(Vec::len).sum::<usize>())
            .finish_non_exhaustive()
    }
}

impl Geocoder {
    /// Builds a geocoder. Towns of municipalities not in `municipalities` are ignored.
    pub fn new(municipalities: Vec<MunicipalityName>, towns: Vec<TownPoint>) -> Self {
        let suggest_keys = suggest::keys(&municipalities);
        let mut town_map: HashMap<MunicipalityCode, Vec<Town>> = HashMap::new();
        for town in towns {
            town_map.entry(town.municipality).or_default().push(Town {
                key: fold_address(&town.town),
                name: town.town,
                position: town.position,
            });
        }
        for list in town_map.values_mut() {
            list.sort_by_key(|town| std::cmp::Reverse(town.key.chars().count()));
        }
        let mut keys: HashMap<String, Vec<usize>> = HashMap::new();
        let mut prefecture_keys: Vec<String> = Vec::new();
        let mut places = Vec::with_capacity(municipalities.len());
        for (index, m) in municipalities.into_iter().enumerate() {
            let prefecture_key = fold_address(&m.prefecture);
            if !prefecture_keys.contains(&prefecture_key) {
                prefecture_keys.push(prefecture_key.clone());
            }
            let full = format!(
                "{}{}",
                m.county_or_city.as_deref().unwrap_or_default(),
                m.name
            );
            keys.entry(fold_address(&full)).or_default().push(index);
            match m.county_or_city.as_deref() {
                // A designated city alone (横浜市) stands for all of its wards.
                Some(city) if city.ends_with('市') => {
                    keys.entry(fold_address(city)).or_default().push(index);
                }
                // Addresses often leave out the county (箱根町 for 足柄下郡箱根町).
                Some(_) => keys.entry(fold_address(&m.name)).or_default().push(index),
                None => {}
            }
            places.push(Place {
                code: m.code,
                prefecture_key,
                prefecture: m.prefecture,
                display: full,
                representative: m.representative,
            });
        }
        let mut municipality_keys: Vec<(String, Vec<usize>)> = keys.into_iter().collect();
        municipality_keys.sort_by(|a, b| {
            b.0.chars()
                .count()
                .cmp(&a.0.chars().count())
                .then(a.0.cmp(&b.0))
        });
        prefecture_keys.sort_by_key(|k| std::cmp::Reverse(k.len()));
        let town_tree = reverse::TownTree::build(&town_map);
        Self {
            prefecture_keys,
            municipality_keys,
            suggest_keys,
            places,
            towns: town_map,
            town_tree,
            landmarks: landmarks::Landmarks::default(),
        }
    }

    /// Builds a geocoder over N03 boundaries (names, and a point inside each
    /// polygon for addresses that name no known town) and town points.
    pub fn from_boundaries<'a>(
        units: impl IntoIterator<Item = &'a crate::region::Municipality>,
        towns: Vec<TownPoint>,
    ) -> Self {
        use geo::InteriorPoint;
        let names = units
            .into_iter()
            .map(|m| MunicipalityName {
                code: m.code.clone(),
                prefecture: m.prefecture_name.clone(),
                county_or_city: m.county_or_city.clone(),
                name: m.name.clone(),
                representative: m
                    .geometry
                    .interior_point()
                    .and_then(|p| LonLat::new(p.x(), p.y()).ok()),
            })
            .collect();
        Self::new(names, towns)
    }

    /// Names of the prefectures whose municipalities are loaded, in load order
    /// (神奈川県 …): what a search can find places in.
    pub fn prefectures(&self) -> Vec<&str> {
        let mut names: Vec<&str> = Vec::new();
        for place in &self.places {
            if !names.contains(&place.prefecture.as_str()) {
                names.push(&place.prefecture);
            }
        }
        names
    }

    /// The prefecture `text` starts with when it is one whose places are not
    /// loaded (「東京都千代田区…」 in a Kanagawa directory).
    pub fn unloaded_prefecture(&self, text: &str) -> Option<&'static str> {
        let key = fold_address(text);
        crate::codes::prefecture_names().find(|name| {
            let folded = fold_address(name);
            // 東京 as well as 東京都, but 京都 only as 京都府 (it starts 京都市 too).
            let short = folded.trim_end_matches(['都', '府', '県']);
            (key.starts_with(&folded)
                || (short.chars().count() >= 2 && name != &"京都府" && key.starts_with(short)))
                && !self.prefecture_keys.contains(&folded)
        })
    }

    /// True when no municipality is loaded, so nothing can be found.
    pub fn is_empty(&self) -> bool {
        self.places.is_empty()
    }

    /// Name of a loaded municipality as written in addresses after the
    /// prefecture (横浜市鶴見区, 足柄下郡箱根町).
    pub fn municipality_name(&self, code: &MunicipalityCode) -> Option<&str> {
        self.places
            .iter()
            .find(|place| place.code == *code)
            .map(|place| place.display.as_str())
    }

    /// Places `address` at its 町丁目 point, or its municipality when no town
    /// matches; `None` when no municipality name is found.
    ///
    /// ```
    /// use renkei_core::geocode::{Geocoder, MunicipalityName, Precision, TownPoint};
    /// use renkei_core::{LonLat, MunicipalityCode};
    /// let code = MunicipalityCode::new("14207").unwrap();
    /// let geocoder = Geocoder::new(
    ///     vec![MunicipalityName { code: code.clone(), prefecture: "神奈川県".into(), county_or_city: None, name: "茅ヶ崎市".into(), representative: None }],
    ///     vec![TownPoint { municipality: code, town: "本村五丁目".into(), position: LonLat::new(139.415, 35.34).unwrap() }],
    /// );
    /// let found = geocoder.geocode("神奈川県茅ケ崎市本村５－１５－１").unwrap();
    /// assert_eq!((found.precision, found.matched.as_str()), (Precision::Town, "茅ヶ崎市本村五丁目"));
    /// ```
    pub fn geocode(&self, address: &str) -> Option<GeocodeMatch> {
        let key = fold_address(address);
        let prefecture = self
            .prefecture_keys
            .iter()
            .find(|p| key.starts_with(p.as_str()));
        let rest = prefecture.map_or(key.as_str(), |p| &key[p.len()..]);
        // The longest name the address starts with, among the places of the
        // prefecture it names (the same name exists in several prefectures).
        let (municipality_key, candidates) =
            self.municipality_keys.iter().find_map(|(k, places)| {
                if !rest.starts_with(k.as_str()) {
                    return None;
                }
                let places: Vec<usize> = places
                    .iter()
                    .copied()
                    .filter(|&i| prefecture.is_none_or(|p| self.places[i].prefecture_key == *p))
                    .collect();
                (!places.is_empty()).then_some((k, places))
            })?;
        let after_municipality = &rest[municipality_key.len()..];
        let best_town = candidates
            .iter()
            .filter_map(|&index| {
                let place = &self.places[index];
                let town = self
                    .towns
                    .get(&place.code)?
                    .iter()
                    .find(|town| town_matches(after_municipality, &town.key))?;
                Some((place, town))
            })
            .max_by_key(|(_, town)| town.key.chars().count());
        if let Some((place, town)) = best_town {
            return Some(GeocodeMatch {
                position: town.position,
                precision: Precision::Town,
                municipality: place.code.clone(),
                matched: format!("{}{}", place.display, town.name),
            });
        }
        // Only a municipality: usable when the key names exactly one place.
        let [index] = candidates.as_slice() else {
            return None;
        };
        let place = &self.places[*index];
        let position = self.place_point(place)?;
        Some(GeocodeMatch {
            position,
            precision: Precision::Municipality,
            municipality: place.code.clone(),
            matched: place.display.clone(),
        })
    }

    /// The point a municipality-level match uses: the representative point, else
    /// the mean of its town points.
    fn place_point(&self, place: &Place) -> Option<LonLat> {
        place
            .representative
            .or_else(|| self.mean_town_point(&place.code))
    }

    fn mean_town_point(&self, code: &MunicipalityCode) -> Option<LonLat> {
        let towns = self.towns.get(code).filter(|t| !t.is_empty())?;
        let n = towns.len() as f64;
        let (lon, lat) = towns.iter().fold((0.0, 0.0), |(x, y), t| {
            (x + t.position.lon(), y + t.position.lat())
        });
        LonLat::new(lon / n, lat / n).ok()
    }
}

/// True when `rest` starts with the town key and does not continue its number
/// (「本村5」 must not match 「本村51-…」).
fn town_matches(rest: &str, town_key: &str) -> bool {
    !town_key.is_empty()
        && rest.starts_with(town_key)
        && !(town_key.ends_with(|c: char| c.is_ascii_digit())
            && rest[town_key.len()..].starts_with(|c: char| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(code: &str, county_or_city: Option<&str>, name: &str) -> MunicipalityName {
        MunicipalityName {
            code: MunicipalityCode::new(code).unwrap(),
            prefecture: "神奈川県".into(),
            county_or_city: county_or_city.map(str::to_owned),
            name: name.into(),
            representative: None,
        }
    }

    fn town(code: &str, town: &str, lon: f64, lat: f64) -> TownPoint {
        TownPoint {
            municipality: MunicipalityCode::new(code).unwrap(),
            town: town.into(),
            position: LonLat::new(lon, lat).unwrap(),
        }
    }

    fn geocoder() -> Geocoder {
        Geocoder::new(
            vec![
                name("14101", Some("横浜市"), "鶴見区"),
                name("14102", Some("横浜市"), "神奈川区"),
                name("14384", Some("足柄下郡"), "箱根町"),
            ],
            vec![
                town("14101", "朝日町一丁目", 139.69, 35.50),
                town("14101", "朝日町十一丁目", 139.70, 35.51),
                town("14102", "架空町", 139.62, 35.48),
                town("14384", "湯本", 139.10, 35.23),
            ],
        )
    }

    #[test]
    fn town_numbers_do_not_run_into_each_other() {
        let g = geocoder();
        assert_eq!(
            g.geocode("横浜市鶴見区朝日町1-2-3").unwrap().matched,
            "横浜市鶴見区朝日町一丁目"
        );
        assert_eq!(
            g.geocode("横浜市鶴見区朝日町11-2").unwrap().matched,
            "横浜市鶴見区朝日町十一丁目"
        );
    }

    #[test]
    fn county_and_ward_may_be_left_out() {
        let g = geocoder();
        assert_eq!(
            g.geocode("箱根町湯本１００").unwrap().municipality.as_str(),
            "14384"
        );
        // 横浜市 without the ward: the town name decides the ward.
        assert_eq!(
            g.geocode("神奈川県横浜市架空町5")
                .unwrap()
                .municipality
                .as_str(),
            "14102"
        );
    }

    #[test]
    fn issue_22_the_prefecture_an_address_names_tells_namesakes_apart() {
        let place = |code: &str, prefecture: &str| MunicipalityName {
            code: MunicipalityCode::new(code).unwrap(),
            prefecture: prefecture.into(),
            county_or_city: None,
            name: "府中市".into(),
            representative: Some(LonLat::new(139.4, 35.6).unwrap()),
        };
        let g = Geocoder::new(
            vec![place("13206", "東京都"), place("34208", "広島県")],
            Vec::new(),
        );
        assert_eq!(
            g.geocode("広島県府中市架空町1")
                .unwrap()
                .municipality
                .as_str(),
            "34208"
        );
        assert_eq!(
            g.geocode("東京都府中市架空町1")
                .unwrap()
                .municipality
                .as_str(),
            "13206"
        );
        assert!(
            g.geocode("府中市架空町1").is_none(),
            "no prefecture: ambiguous"
        );
    }

    #[test]
    fn municipality_fallback_and_no_match() {
        let g = geocoder();
        let found = g.geocode("神奈川県足柄下郡箱根町どこか").unwrap();
        assert_eq!(found.precision, Precision::Municipality);
        assert!(g.geocode("東京都千代田区丸の内1").is_none());
        // 横浜市 alone with no town is ambiguous between wards: not placed.
        assert!(g.geocode("横浜市どこか").is_none());
    }
}
