//! The authored 二次医療圏 (secondary medical region) table of one prefecture,
//! read from TOML (`data/regions/NN_name.toml`, one file per prefecture).
//!
//! ```toml
//! [prefecture]
//! code = "14"
//! name_ja = "神奈川県"
//! name_en = "Kanagawa"
//!
//! [[designated_cities]]          # 政令指定都市 and their wards (N03 units)
//! code = "14100"
//! name_ja = "横浜市"
//! wards = ["14101", "14102"]
//!
//! [[regions]]
//! code = "1407"
//! name_ja = "湘南東部"
//! name_en = "Shonan East"       # optional
//! code_verified = true          # false when no source in hand confirms the code
//! municipalities = ["14205", "14207", "14321"]
//! core_hospitals = ["茅ヶ崎市立病院"]
//! ```

use crate::{MunicipalityCode, PrefectureCode, RegionCode};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Why a region table was rejected. Each variant names the region or code at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegionTableError {
    /// Not valid TOML, or a field is missing, misspelt or of the wrong type.
    #[error("region table is not valid: {0}")]
    Parse(String),
    /// A region or municipality code belongs to another prefecture.
    #[error("code {code} does not belong to prefecture {prefecture}; fix the code or move it to that prefecture's file")]
    OtherPrefecture {
        /// The offending code.
        code: String,
        /// The table's prefecture.
        prefecture: PrefectureCode,
    },
    /// Two regions share a code.
    #[error("region code {0} is listed twice")]
    DuplicateRegion(RegionCode),
    /// A municipality is listed in two regions (or twice in one).
    #[error("municipality {code} is listed in region {first} and again in region {second}; a unit belongs to exactly one region")]
    DuplicateMunicipality {
        /// The municipality / ward.
        code: MunicipalityCode,
        /// First region that lists it.
        first: RegionCode,
        /// Second region that lists it.
        second: RegionCode,
    },
    /// A region lists no municipality.
    #[error("region {0} lists no municipalities")]
    EmptyRegion(RegionCode),
    /// A designated city's ward is in no region.
    #[error("ward {ward} of designated city {city} is in no region")]
    WardWithoutRegion {
        /// The city.
        city: MunicipalityCode,
        /// The ward.
        ward: MunicipalityCode,
    },
}

/// A prefecture (都道府県).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Prefecture {
    /// Two-digit code (JIS X 0401), e.g. `14`.
    pub code: PrefectureCode,
    /// Japanese name, e.g. 神奈川県.
    pub name_ja: String,
    /// English name, e.g. Kanagawa.
    #[serde(default)]
    pub name_en: Option<String>,
}

/// A designated city (政令指定都市) and its wards: population and some sources
/// are published for the whole city only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DesignatedCity {
    /// City-level code, e.g. `14100` 横浜市.
    pub code: MunicipalityCode,
    /// Japanese name, e.g. 横浜市.
    pub name_ja: String,
    /// Its wards' N03 codes.
    pub wards: Vec<MunicipalityCode>,
}

/// A 二次医療圏 (secondary medical region): the unit in which hospital care,
/// and Kanagawa's support for children with medical care needs, is organised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecondaryMedicalRegion {
    /// Four-digit code: prefecture + serial, e.g. `1407`.
    pub code: RegionCode,
    /// Japanese name, e.g. 湘南東部.
    pub name_ja: String,
    /// English name, when one is in use.
    #[serde(default)]
    pub name_en: Option<String>,
    /// False when the code is not confirmed by a source at hand (the name and
    /// membership may still be).
    #[serde(default = "default_true")]
    pub code_verified: bool,
    /// N03 municipality / ward codes the region contains.
    pub municipalities: Vec<MunicipalityCode>,
    /// Core hospital(s) (中核病院) for pediatric home care, by name, where a
    /// source states them; empty when unknown.
    #[serde(default)]
    pub core_hospitals: Vec<String>,
}

fn default_true() -> bool {
    true
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTable {
    prefecture: Prefecture,
    #[serde(default)]
    designated_cities: Vec<DesignatedCity>,
    regions: Vec<SecondaryMedicalRegion>,
}

/// The checked 二次医療圏 table of one prefecture: every listed municipality is
/// in exactly one region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionTable {
    prefecture: Prefecture,
    designated_cities: Vec<DesignatedCity>,
    regions: Vec<SecondaryMedicalRegion>,
    region_of: HashMap<MunicipalityCode, RegionCode>,
}

/// How a table's municipalities compare with a set of N03 units of its prefecture.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Coverage {
    /// N03 units of the prefecture that no region lists.
    pub units_without_region: Vec<MunicipalityCode>,
    /// Codes the table lists that are not among the N03 units.
    pub listed_but_unknown: Vec<MunicipalityCode>,
}

impl Coverage {
    /// True when every unit is in a region and every listed code is a unit.
    pub fn is_complete(&self) -> bool {
        self.units_without_region.is_empty() && self.listed_but_unknown.is_empty()
    }
}

impl RegionTable {
    /// Parses and checks a table from TOML text.
    ///
    /// ```
    /// use renkei_core::region::RegionTable;
    /// let table = RegionTable::from_toml(r#"
    ///     [prefecture]
    ///     code = "14"
    ///     name_ja = "神奈川県"
    ///     [[regions]]
    ///     code = "1407"
    ///     name_ja = "湘南東部"
    ///     municipalities = ["14205", "14207", "14321"]
    ///     core_hospitals = ["茅ヶ崎市立病院"]
    /// "#).unwrap();
    /// let chigasaki = "14207".parse().unwrap();
    /// assert_eq!(table.region_of(&chigasaki).unwrap().as_str(), "1407");
    /// ```
    pub fn from_toml(text: &str) -> Result<Self, RegionTableError> {
        let raw: RawTable =
            toml::from_str(text).map_err(|e| RegionTableError::Parse(e.to_string()))?;
        Self::new(raw.prefecture, raw.designated_cities, raw.regions)
    }

    /// Checks and builds a table from its parts.
    pub fn new(
        prefecture: Prefecture,
        designated_cities: Vec<DesignatedCity>,
        regions: Vec<SecondaryMedicalRegion>,
    ) -> Result<Self, RegionTableError> {
        let other = |code: &str| RegionTableError::OtherPrefecture {
            code: code.to_owned(),
            prefecture: prefecture.code.clone(),
        };
        let mut region_codes = BTreeSet::new();
        let mut region_of: HashMap<MunicipalityCode, RegionCode> = HashMap::new();
        for region in &regions {
            if region.code.prefecture() != prefecture.code {
                return Err(other(region.code.as_str()));
            }
            if !region_codes.insert(region.code.clone()) {
                return Err(RegionTableError::DuplicateRegion(region.code.clone()));
            }
            if region.municipalities.is_empty() {
                return Err(RegionTableError::EmptyRegion(region.code.clone()));
            }
            for code in &region.municipalities {
                if code.prefecture() != prefecture.code {
                    return Err(other(code.as_str()));
                }
                if let Some(first) = region_of.insert(code.clone(), region.code.clone()) {
                    return Err(RegionTableError::DuplicateMunicipality {
                        code: code.clone(),
                        first,
                        second: region.code.clone(),
                    });
                }
            }
        }
        for city in &designated_cities {
            if city.code.prefecture() != prefecture.code {
                return Err(other(city.code.as_str()));
            }
            if let Some(ward) = city
                .wards
                .iter()
                .find(|ward| !region_of.contains_key(*ward))
            {
                return Err(RegionTableError::WardWithoutRegion {
                    city: city.code.clone(),
                    ward: ward.clone(),
                });
            }
        }
        Ok(Self {
            prefecture,
            designated_cities,
            regions,
            region_of,
        })
    }

    /// The prefecture.
    pub fn prefecture(&self) -> &Prefecture {
        &self.prefecture
    }

    /// Its regions, in file order.
    pub fn regions(&self) -> &[SecondaryMedicalRegion] {
        &self.regions
    }

    /// Its designated cities (政令指定都市).
    pub fn designated_cities(&self) -> &[DesignatedCity] {
        &self.designated_cities
    }

    /// One region by code.
    pub fn region(&self, code: &RegionCode) -> Option<&SecondaryMedicalRegion> {
        self.regions.iter().find(|region| &region.code == code)
    }

    /// The region of an N03 unit; for a designated city's own code (e.g. `14100`),
    /// the region of its wards when they all lie in one region, else `None`
    /// (川崎市 is split between 川崎北部 and 川崎南部).
    pub fn region_of(&self, code: &MunicipalityCode) -> Option<&RegionCode> {
        if let Some(region) = self.region_of.get(code) {
            return Some(region);
        }
        let city = self
            .designated_cities
            .iter()
            .find(|city| &city.code == code)?;
        let mut regions = city
            .wards
            .iter()
            .filter_map(|ward| self.region_of.get(ward));
        let first = regions.next()?;
        regions.all(|region| region == first).then_some(first)
    }

    /// The designated city a ward belongs to.
    pub fn city_of_ward(&self, ward: &MunicipalityCode) -> Option<&DesignatedCity> {
        self.designated_cities
            .iter()
            .find(|city| city.wards.contains(ward))
    }

    /// Every (municipality, region) pair of the table, ordered by municipality code.
    pub fn membership(&self) -> BTreeMap<MunicipalityCode, RegionCode> {
        self.region_of
            .iter()
            .map(|(m, r)| (m.clone(), r.clone()))
            .collect()
    }

    /// Compares the table with the N03 unit codes of the same prefecture (codes
    /// of other prefectures in `units` are ignored).
    pub fn coverage<'a>(&self, units: impl IntoIterator<Item = &'a MunicipalityCode>) -> Coverage {
        let units: BTreeSet<&MunicipalityCode> = units
            .into_iter()
            .filter(|code| code.prefecture() == self.prefecture.code)
            .collect();
        Coverage {
            units_without_region: units
                .iter()
                .filter(|c| !self.region_of.contains_key(**c))
                .map(|c| (*c).clone())
                .collect(),
            listed_but_unknown: self
                .membership()
                .into_keys()
                .filter(|code| !units.contains(code))
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_municipality_in_two_regions() {
        let text = r#"
            [prefecture]
            code = "47"
            name_ja = "架空"
            [[regions]]
            code = "4701"
            name_ja = "北"
            municipalities = ["47201"]
            [[regions]]
            code = "4702"
            name_ja = "南"
            municipalities = ["47202", "47201"]
        "#;
        assert!(matches!(
            RegionTable::from_toml(text),
            Err(RegionTableError::DuplicateMunicipality { .. })
        ));
    }

    #[test]
    fn rejects_other_prefecture_codes_and_unknown_fields() {
        let text = r#"
            [prefecture]
            code = "47"
            name_ja = "架空"
            [[regions]]
            code = "4701"
            name_ja = "北"
            municipalities = ["46201"]
        "#;
        assert!(matches!(
            RegionTable::from_toml(text),
            Err(RegionTableError::OtherPrefecture { .. })
        ));
        let typo = text.replace(
            "municipalities = [\"46201\"]",
            "municipalitys = [\"47201\"]",
        );
        assert!(matches!(
            RegionTable::from_toml(&typo),
            Err(RegionTableError::Parse(_))
        ));
    }

    #[test]
    fn designated_city_region_only_when_undivided() {
        let text = r#"
            [prefecture]
            code = "47"
            name_ja = "架空"
            [[designated_cities]]
            code = "47100"
            name_ja = "一市"
            wards = ["47101", "47102"]
            [[designated_cities]]
            code = "47130"
            name_ja = "二市"
            wards = ["47131", "47132"]
            [[regions]]
            code = "4701"
            name_ja = "一"
            municipalities = ["47101", "47102", "47131"]
            [[regions]]
            code = "4702"
            name_ja = "二"
            code_verified = false
            municipalities = ["47132"]
        "#;
        let table = RegionTable::from_toml(text).unwrap();
        let code = |c: &str| MunicipalityCode::new(c).unwrap();
        assert_eq!(table.region_of(&code("47100")).unwrap().as_str(), "4701");
        assert_eq!(table.region_of(&code("47130")), None);
        assert!(!table.regions()[1].code_verified);
        let coverage = table.coverage(&[
            code("47101"),
            code("47102"),
            code("47131"),
            code("47132"),
            code("47201"),
        ]);
        assert_eq!(coverage.units_without_region, vec![code("47201")]);
        assert!(coverage.listed_but_unknown.is_empty());
    }
}
