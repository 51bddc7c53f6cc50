//! Candidates for partial input, as people type an address or a place name
//! into a search box: 「茅ヶ崎市東海」 → 茅ヶ崎市東海岸北一丁目 …, 「ちがさき」 → 茅ヶ崎市.

use super::{Geocoder, MunicipalityName, Precision};
use crate::normalize::fold_address;
use crate::region::DesignatedCities;
use crate::{LonLat, MunicipalityCode};
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

/// Suggestions returned when the caller does not say how many: 10.
pub const DEFAULT_SUGGESTIONS: usize = 10;

/// Fewest folded characters of input before towns of every municipality are
/// searched (fewer would list half the prefecture).
const MIN_TOWN_PREFIX_CHARS: usize = 2;

/// Hiragana readings of municipality names, one authored file per prefecture.
const READING_FILES: [&str; 1] = [include_str!(
    "../../../../data/geocode/14_kanagawa_readings.toml"
)];

/// One candidate place for partial input.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    /// Full name to show, prefecture first, e.g. 神奈川県茅ヶ崎市東海岸北一丁目.
    pub label: String,
    /// The point, WGS 84 lon/lat.
    pub position: LonLat,
    /// Town or municipality.
    pub precision: Precision,
    /// The municipality or ward.
    pub municipality: MunicipalityCode,
    /// The names the input matched, without the prefecture, e.g. 茅ヶ崎市東海岸北一丁目.
    pub matched: String,
}

/// The hiragana reading of a municipality's own name (つるみく for 14101, よこはまし
/// for the designated city 14100), when authored.
///
/// ```
/// use renkei_core::{geocode::reading, MunicipalityCode};
/// assert_eq!(reading(&MunicipalityCode::new("14207").unwrap()), Some("ちがさきし"));
/// ```
pub fn reading(code: &MunicipalityCode) -> Option<&'static str> {
    static READINGS: OnceLock<HashMap<String, String>> = OnceLock::new();
    READINGS
        .get_or_init(|| {
            #[derive(serde::Deserialize)]
            struct File {
                readings: HashMap<String, String>,
            }
            READING_FILES
                .iter()
                .flat_map(|text| {
                    toml::from_str::<File>(text)
                        .expect("reading files are checked by tests")
                        .readings
                })
                .collect()
        })
        .get(code.as_str())
        .map(String::as_str)
}

/// Keys whose start people type for each municipality (index into `names`):
/// the full name, a ward's own name, the county-less name, and readings.
pub(super) fn keys(names: &[MunicipalityName]) -> Vec<(String, usize)> {
    let mut keys = Vec::new();
    for (index, m) in names.iter().enumerate() {
        let mut push = |text: &str| keys.push((fold_address(text), index));
        let parent = m.county_or_city.as_deref().unwrap_or_default();
        push(&format!("{parent}{}", m.name));
        if !parent.is_empty() {
            push(&m.name);
        }
        if let Some(own) = reading(&m.code) {
            push(own);
        }
    }
    keys.retain(|(key, _)| !key.is_empty());
    keys
}

impl Geocoder {
    /// Also suggests a ward for the reading of its city and its own (よこはましつるみく
    /// for 横浜市鶴見区), the wards and cities being the region data's `cities`.
    #[must_use]
    pub fn with_designated_cities(mut self, cities: &DesignatedCities) -> Self {
        for (index, place) in self.places.iter().enumerate() {
            let city = cities.city_of(&place.code).and_then(reading);
            if let (Some(city), Some(own)) = (city, reading(&place.code)) {
                self.suggest_keys
                    .push((fold_address(&format!("{city}{own}")), index));
            }
        }
        self
    }

    /// Up to `limit` candidate places for partial input, best first: the full
    /// address when it geocodes, then towns after a recognised municipality
    /// whose name starts with the rest, then municipalities whose name or
    /// reading starts with the input, then towns anywhere starting with it.
    /// Matching is on [`fold_address`] keys, so ケ/ヶ/が, full/half width,
    /// katakana/hiragana and 丁目 forms do not matter.
    ///
    /// ```
    /// use renkei_core::geocode::{Geocoder, MunicipalityName, TownPoint};
    /// use renkei_core::{LonLat, MunicipalityCode};
    /// let code = MunicipalityCode::new("14207").unwrap();
    /// let geocoder = Geocoder::new(
    ///     vec![MunicipalityName { code: code.clone(), prefecture: "神奈川県".into(), county_or_city: None, name: "茅ヶ崎市".into(), representative: None }],
    ///     vec![TownPoint { municipality: code, town: "東海岸北一丁目".into(), position: LonLat::new(139.40, 35.32).unwrap() }],
    /// );
    /// assert_eq!(geocoder.suggest("茅ケ崎市東海", 5)[0].label, "神奈川県茅ヶ崎市東海岸北一丁目");
    /// assert_eq!(geocoder.suggest("ちがさき", 5)[0].matched, "茅ヶ崎市");
    /// ```
    pub fn suggest(&self, text: &str, limit: usize) -> Vec<Suggestion> {
        let key = fold_address(text);
        if key.is_empty() || limit == 0 {
            return Vec::new();
        }
        // A station or postcode named exactly, then those being typed.
        let mut landmarks: Vec<Suggestion> = self.exact_landmark(text).into_iter().collect();
        for found in self.landmarks_starting(text) {
            if !landmarks.iter().any(|l| l.matched == found.matched) {
                landmarks.push(found);
            }
        }
        let rest = self
            .prefecture_keys
            .iter()
            .find_map(|p| key.strip_prefix(p.as_str()))
            .unwrap_or(&key);
        let mut found = Found::new(limit);
        let exact = self.geocode(text).and_then(|exact| {
            let place = self
                .places
                .iter()
                .position(|p| p.code == exact.municipality)?;
            Some((place, exact))
        });
        // A whole address first; a municipality alone only after the towns
        // that start with the rest of the text (「茅ヶ崎市東海」 is a town being typed).
        if let Some((place, exact)) = exact
            .as_ref()
            .filter(|(_, e)| e.precision == Precision::Town)
        {
            found.push(self, *place, Some(&exact.matched), Some(exact.position));
        }
        // A recognised municipality, then the start of a town name.
        if let Some((municipality_key, candidates)) = self
            .municipality_keys
            .iter()
            .find(|(k, _)| rest.starts_with(k.as_str()))
        {
            let after = &rest[municipality_key.len()..];
            for &place in candidates {
                if after.is_empty() {
                    found.push(self, place, None, None);
                }
                for town in self.towns_of(place).filter(|t| t.key.starts_with(after)) {
                    found.push(self, place, Some(&town.name), Some(town.position));
                }
            }
        }
        if let Some((place, exact)) = &exact {
            found.push(self, *place, None, Some(exact.position));
        }
        // The start of a municipality's name or reading.
        let mut prefixed: Vec<&(String, usize)> = self
            .suggest_keys
            .iter()
            .filter(|(k, _)| !rest.is_empty() && k.starts_with(rest))
            .collect();
        prefixed.sort_by_key(|(k, place)| (k.chars().count(), *place));
        for &(_, place) in prefixed {
            found.push(self, place, None, None);
        }
        // The start of a town name anywhere.
        if rest.chars().count() >= MIN_TOWN_PREFIX_CHARS {
            for (place, _) in self.places.iter().enumerate() {
                for town in self.towns_of(place).filter(|t| t.key.starts_with(rest)) {
                    found.push(self, place, Some(&town.name), Some(town.position));
                }
            }
        }
        // Stations and postcodes: one named exactly first; the ones being
        // typed after an exact address, else before the partial matches.
        let mut landmarks = landmarks.into_iter();
        let mut items: Vec<Suggestion> = Vec::new();
        if self.exact_landmark(text).is_some() {
            items.extend(landmarks.next());
        }
        if exact.is_some() {
            items.extend(found.items);
            items.extend(landmarks);
        } else {
            items.extend(landmarks);
            items.extend(found.items);
        }
        items.truncate(limit);
        items
    }

    /// The one place `text` names: the address when it geocodes, else the only
    /// suggestion for it. `None` when nothing matches or the text is ambiguous
    /// (「横浜市」 alone names 18 wards).
    pub fn resolve(&self, text: &str) -> Option<Suggestion> {
        if let Some(landmark) = self.exact_landmark(text) {
            return Some(landmark);
        }
        if self.geocode(text).is_some() {
            // The exact match is always the first suggestion.
            return self.suggest(text, 1).pop();
        }
        let mut found = self.suggest(text, 2);
        (found.len() == 1).then(|| found.remove(0))
    }

    /// The town points of place `index`, longest key first.
    fn towns_of(&self, index: usize) -> impl Iterator<Item = &super::Town> {
        self.towns
            .get(&self.places[index].code)
            .into_iter()
            .flatten()
    }
}

/// Suggestions so far, without repeats, up to a limit.
struct Found {
    items: Vec<Suggestion>,
    seen: HashSet<(usize, Option<String>)>,
    limit: usize,
}

impl Found {
    fn new(limit: usize) -> Self {
        Self {
            items: Vec::new(),
            seen: HashSet::new(),
            limit,
        }
    }

    /// Adds place `index` (with `town`, at `position`) unless already there,
    /// full, or without any point to show.
    fn push(
        &mut self,
        geocoder: &Geocoder,
        index: usize,
        town: Option<&str>,
        position: Option<LonLat>,
    ) {
        if self.items.len() >= self.limit {
            return;
        }
        let place = &geocoder.places[index];
        // An exact match reports the municipality and town together.
        let town = town.map(|t| t.strip_prefix(place.display.as_str()).unwrap_or(t));
        if !self.seen.insert((index, town.map(str::to_owned))) {
            return;
        }
        let Some(position) = position.or_else(|| geocoder.place_point(place)) else {
            return;
        };
        let matched = format!("{}{}", place.display, town.unwrap_or_default());
        self.items.push(Suggestion {
            label: format!("{}{matched}", place.prefecture),
            position,
            precision: if town.is_some() {
                Precision::Town
            } else {
                Precision::Municipality
            },
            municipality: place.code.clone(),
            matched,
        });
    }
}
