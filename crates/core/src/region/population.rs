//! Population of 二次医療圏 from municipal counts.
//!
//! Census-based tables such as SSDSE-A give designated cities (政令指定都市) as
//! whole cities, not by ward. A region made only of whole municipalities and
//! whole designated cities (横浜 = all of 横浜市) gets a sum; a region holding
//! part of a city (川崎北部 / 川崎南部) gets **unknown**, with the reason, never
//! an estimate.

use super::RegionTable;
use crate::{MunicipalityCode, RegionCode};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};

/// Population of one municipality or designated city.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MunicipalPopulation {
    /// Five-digit code; a designated city has its city-level code (e.g. `14100`).
    pub code: MunicipalityCode,
    /// Name as the source writes it, e.g. 横浜市.
    pub name: String,
    /// Total population (persons).
    pub total: u64,
    /// Children under 15 (persons).
    pub under_15: u64,
}

/// Population of a 二次医療圏, or why it is unknown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegionPopulation {
    /// The region.
    pub region: RegionCode,
    /// Total population (persons); `None` when it cannot be derived.
    pub total: Option<u64>,
    /// Children under 15 (persons); `None` when it cannot be derived.
    pub under_15: Option<u64>,
    /// Why the population is unknown (Japanese first, then English).
    pub unknown_reason: Option<String>,
}

/// Sums municipal populations over each region of `table`.
///
/// ```
/// use renkei_core::region::{region_populations, MunicipalPopulation, RegionTable};
/// let table = RegionTable::from_toml(r#"
///     [prefecture]
///     code = "14"
///     name_ja = "神奈川県"
///     [[regions]]
///     code = "1407"
///     name_ja = "湘南東部"
///     municipalities = ["14205", "14207"]
/// "#).unwrap();
/// let rows = [("14205", 10), ("14207", 5)].map(|(code, total)| MunicipalPopulation {
///     code: code.parse().unwrap(), name: String::new(), total, under_15: 1 });
/// let regions = region_populations(&table, &rows);
/// assert_eq!((regions[0].total, regions[0].under_15), (Some(15), Some(2)));
/// ```
pub fn region_populations(
    table: &RegionTable,
    rows: &[MunicipalPopulation],
) -> Vec<RegionPopulation> {
    let by_code: HashMap<&MunicipalityCode, &MunicipalPopulation> =
        rows.iter().map(|row| (&row.code, row)).collect();
    table
        .regions()
        .iter()
        .map(|region| {
            let mut counted: BTreeSet<&MunicipalityCode> = BTreeSet::new();
            let (mut total, mut under_15) = (0_u64, 0_u64);
            let mut reason = None;
            for code in &region.municipalities {
                let row = if let Some(row) = by_code.get(code) {
                    *row
                } else if let Some(city) = table.city_of_ward(code) {
                    let Some(city_row) = by_code.get(&city.code) else {
                        reason = Some(format!("{} の人口がありません / no population for {}", city.name_ja, city.code));
                        break;
                    };
                    if table.region_of(&city.code) != Some(&region.code) {
                        reason = Some(format!(
                            "{name}は複数の二次医療圏にまたがり、人口は市全体でしか公表されていません / \
                             {code} spans several regions and its population is published for the whole city only",
                            name = city.name_ja,
                            code = city.code
                        ));
                        break;
                    }
                    *city_row
                } else {
                    reason = Some(format!("{code} の人口がありません / no population for {code}"));
                    break;
                };
                if counted.insert(&row.code) {
                    total += row.total;
                    under_15 += row.under_15;
                }
            }
            match reason {
                None => RegionPopulation {
                    region: region.code.clone(),
                    total: Some(total),
                    under_15: Some(under_15),
                    unknown_reason: None,
                },
                Some(reason) => RegionPopulation {
                    region: region.code.clone(),
                    total: None,
                    under_15: None,
                    unknown_reason: Some(reason),
                },
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_city_summed_once_split_city_unknown() {
        let table = RegionTable::from_toml(
            r#"
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
            municipalities = ["47101", "47102", "47201"]
            [[regions]]
            code = "4702"
            name_ja = "二北"
            municipalities = ["47131"]
            [[regions]]
            code = "4703"
            name_ja = "二南"
            municipalities = ["47132"]
            [[regions]]
            code = "4704"
            name_ja = "欠"
            municipalities = ["47202"]
            "#,
        )
        .unwrap();
        let row = |code: &str, total| MunicipalPopulation {
            code: code.parse().unwrap(),
            name: code.into(),
            total,
            under_15: total / 10,
        };
        let rows = [row("47100", 1000), row("47130", 500), row("47201", 100)];
        let result = region_populations(&table, &rows);
        assert_eq!(
            (result[0].total, result[0].under_15),
            (Some(1100), Some(110))
        );
        assert_eq!(result[1].total, None);
        assert!(result[1]
            .unknown_reason
            .as_ref()
            .unwrap()
            .contains("whole city only"));
        assert_eq!(result[2].total, None);
        assert!(result[3].unknown_reason.as_ref().unwrap().contains("47202"));
    }
}
