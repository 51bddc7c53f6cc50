//! Municipality filter: a designated city (政令指定都市) code matches its wards.
//!
//! Ward codes are not a fixed prefix of the city code (横浜市 14100 has wards
//! 14101–14118, 浜松市 22130 has 22131–22140), so the ranges are listed here
//! until a regions table can answer it.

use renkei_core::MunicipalityCode;

/// (city code, first ward code, last ward code) of every designated city.
const DESIGNATED_CITIES: &[(&str, &str, &str)] = &[
    ("01100", "01101", "01110"), // 札幌市
    ("04100", "04101", "04105"), // 仙台市
    ("11100", "11101", "11110"), // さいたま市
    ("12100", "12101", "12106"), // 千葉市
    ("14100", "14101", "14118"), // 横浜市
    ("14130", "14131", "14137"), // 川崎市
    ("14150", "14151", "14153"), // 相模原市
    ("15100", "15101", "15108"), // 新潟市
    ("22100", "22101", "22103"), // 静岡市
    ("22130", "22131", "22140"), // 浜松市 (wards reorganised in 2024: 22138–22140)
    ("23100", "23101", "23116"), // 名古屋市
    ("26100", "26101", "26111"), // 京都市
    ("27100", "27102", "27128"), // 大阪市
    ("27140", "27141", "27147"), // 堺市
    ("28100", "28101", "28111"), // 神戸市
    ("33100", "33101", "33104"), // 岡山市
    ("34100", "34101", "34108"), // 広島市
    ("40100", "40101", "40109"), // 北九州市
    ("40130", "40131", "40137"), // 福岡市
    ("43100", "43101", "43105"), // 熊本市
];

/// Inclusive range of codes (as text) that the filter `code` matches: the code
/// itself, and for a designated city also all of its wards.
pub(crate) fn matching_range(code: &MunicipalityCode) -> (String, String) {
    let text = code.as_str();
    DESIGNATED_CITIES
        .iter()
        .find(|(city, _, _)| *city == text)
        .map_or_else(
            || (text.to_owned(), text.to_owned()),
            |(city, _, last)| ((*city).to_owned(), (*last).to_owned()),
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn designated_city_spans_its_wards_and_others_match_exactly() {
        let range = |c: &str| matching_range(&MunicipalityCode::new(c).unwrap());
        assert_eq!(range("14100"), ("14100".into(), "14118".into()));
        assert_eq!(range("14130"), ("14130".into(), "14137".into()));
        assert_eq!(range("14207"), ("14207".into(), "14207".into()));
        assert_eq!(range("14101"), ("14101".into(), "14101".into()));
        for (city, first, last) in DESIGNATED_CITIES {
            assert!(city < first && first <= last, "{city}");
        }
    }
}
