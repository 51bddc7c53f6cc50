//! Designated cities (政令指定都市) and their wards, as the region data states
//! them (`[[designated_cities]]` of `data/regions/*.toml`, stored with the
//! region tables): the one place that knows that `14100` 横浜市 means its
//! wards `14101`…`14118`. No list of cities is written in code.

use super::RegionTable;
use crate::MunicipalityCode;
use std::collections::HashMap;

/// Every designated city of the loaded region tables with its wards.
///
/// ```
/// use renkei_core::region::{DesignatedCities, RegionTable};
/// let table = RegionTable::from_toml(r#"
///     [prefecture]
///     code = "47"
///     name_ja = "架空県"
///     [[designated_cities]]
///     code = "47100"
///     name_ja = "架空市"
///     wards = ["47101", "47102"]
///     [[regions]]
///     code = "4701"
///     name_ja = "架空北部"
///     municipalities = ["47101", "47102", "47201"]
/// "#).unwrap();
/// let cities = DesignatedCities::from_tables([&table]);
/// let code = |c: &str| c.parse().unwrap();
/// assert!(cities.contains(&code("47100"), &code("47102"))); // the city contains its ward
/// assert!(!cities.contains(&code("47102"), &code("47100"))); // a ward does not contain its city
/// assert_eq!(cities.area(&code("47100")).codes().count(), 3);
/// assert_eq!(cities.area(&code("47201")).codes().count(), 1);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DesignatedCities {
    wards: HashMap<MunicipalityCode, Vec<MunicipalityCode>>,
    city_of: HashMap<MunicipalityCode, MunicipalityCode>,
}

impl DesignatedCities {
    /// The designated cities of `tables`.
    pub fn from_tables<'a>(tables: impl IntoIterator<Item = &'a RegionTable>) -> Self {
        let mut cities = Self::default();
        for city in tables.into_iter().flat_map(RegionTable::designated_cities) {
            for ward in &city.wards {
                cities.city_of.insert(ward.clone(), city.code.clone());
            }
            let mut wards = city.wards.clone();
            wards.sort();
            cities.wards.insert(city.code.clone(), wards);
        }
        cities
    }

    /// The wards of `city`; empty when it is not a designated city.
    pub fn wards(&self, city: &MunicipalityCode) -> &[MunicipalityCode] {
        self.wards.get(city).map_or(&[], Vec::as_slice)
    }

    /// The designated city whose ward `code` is.
    pub fn city_of(&self, code: &MunicipalityCode) -> Option<&MunicipalityCode> {
        self.city_of.get(code)
    }

    /// True when a place in municipality `code` is inside the area `area`
    /// names: the same code, or a ward of the designated city `area`.
    pub fn contains(&self, area: &MunicipalityCode, code: &MunicipalityCode) -> bool {
        area == code || self.city_of(code) == Some(area)
    }

    /// The area a municipality code names: itself, with its wards for a designated city.
    pub fn area(&self, code: &MunicipalityCode) -> MunicipalityArea {
        MunicipalityArea {
            code: code.clone(),
            wards: self.wards(code).to_vec(),
        }
    }
}

/// The area a municipality / ward code names, resolved against the region
/// data: the code, and for a designated city its wards. Made by
/// [`DesignatedCities::area`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MunicipalityArea {
    code: MunicipalityCode,
    wards: Vec<MunicipalityCode>,
}

impl MunicipalityArea {
    /// The code asked for (a municipality, a ward or a designated city).
    pub fn code(&self) -> &MunicipalityCode {
        &self.code
    }

    /// The code and, for a designated city, its wards.
    pub fn codes(&self) -> impl Iterator<Item = &MunicipalityCode> {
        std::iter::once(&self.code).chain(&self.wards)
    }

    /// True when a place in municipality `code` is inside the area.
    pub fn contains(&self, code: &MunicipalityCode) -> bool {
        *code == self.code || self.wards.binary_search(code).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KANAGAWA: &str = include_str!("../../../../data/regions/14_kanagawa.toml");

    fn code(text: &str) -> MunicipalityCode {
        text.parse().unwrap()
    }

    #[test]
    fn kanagawa_cities_and_wards_come_from_the_region_file() {
        let table = RegionTable::from_toml(KANAGAWA).unwrap();
        let cities = DesignatedCities::from_tables([&table]);
        assert_eq!(cities.wards(&code("14100")).len(), 18); // 横浜市
        assert_eq!(cities.wards(&code("14130")).len(), 7); // 川崎市
        assert_eq!(cities.wards(&code("14150")).len(), 3); // 相模原市
        assert!(cities.wards(&code("14207")).is_empty()); // 茅ヶ崎市
        assert_eq!(cities.city_of(&code("14110")), Some(&code("14100")));
        assert!(cities.contains(&code("14100"), &code("14110")));
        assert!(!cities.contains(&code("14100"), &code("14131"))); // 川崎区 is in 川崎市
        assert!(cities.contains(&code("14207"), &code("14207")));
        let area = cities.area(&code("14150"));
        assert!(area.contains(&code("14152")) && area.contains(&code("14150")));
        assert!(!area.contains(&code("14101")));
    }

    #[test]
    fn without_region_data_a_code_is_only_itself() {
        let cities = DesignatedCities::default();
        assert!(!cities.contains(&code("14100"), &code("14110")));
        assert_eq!(cities.area(&code("14100")).codes().count(), 1);
    }
}
