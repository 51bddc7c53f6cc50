//! The prefectural support centres (都道府県医療的ケア児支援センター) from the
//! authored table `data/desks/prefectural_centres.toml`: the place to ask that
//! every leaflet of a prefecture names, whatever the directory holds for the
//! region.

use crate::PrefectureCode;
use chrono::NaiveDate;
use serde::Deserialize;
use std::sync::OnceLock;

const TABLE: &str = include_str!("../../../data/desks/prefectural_centres.toml");

/// One prefecture's support centre, as the prefecture publishes it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PrefecturalCentre {
    /// 2-digit prefecture code (JIS X 0401), e.g. `14`.
    pub prefecture: String,
    /// Official name, e.g. かながわ医療的ケア児支援センター.
    pub name: String,
    /// Consultation phone number as published.
    pub phone: String,
    /// FAX number as published, when there is one.
    pub fax: Option<String>,
    /// Opening hours as published (Japanese text).
    pub hours: String,
    /// Where the desk is (building and floor), as published.
    pub place: String,
    /// The prefecture's page the entry was copied from.
    pub source: String,
    /// The date the source was last read (Asia/Tokyo calendar date).
    pub checked: NaiveDate,
}

#[derive(Deserialize)]
struct TableFile {
    centre: Vec<PrefecturalCentre>,
}

/// Every centre of the authored table, parsed once. Its well-formedness is
/// checked by tests.
pub fn prefectural_centres() -> &'static [PrefecturalCentre] {
    static PARSED: OnceLock<Vec<PrefecturalCentre>> = OnceLock::new();
    PARSED.get_or_init(|| {
        toml::from_str::<TableFile>(TABLE)
            .expect("data/desks/prefectural_centres.toml is checked by tests")
            .centre
    })
}

/// The centre of `prefecture`, when the table has one.
pub fn prefectural_centre(prefecture: &PrefectureCode) -> Option<&'static PrefecturalCentre> {
    prefectural_centres()
        .iter()
        .find(|centre| centre.prefecture == prefecture.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_parses_with_one_centre_per_known_prefecture() {
        let centres = prefectural_centres();
        assert!(!centres.is_empty());
        let mut seen = std::collections::HashSet::new();
        for centre in centres {
            PrefectureCode::new(&centre.prefecture).expect("a 2-digit prefecture code");
            assert!(
                seen.insert(&centre.prefecture),
                "{} twice",
                centre.prefecture
            );
            assert!(
                centre.source.starts_with("http"),
                "{} cites its page",
                centre.name
            );
            assert!(
                centre.phone.chars().filter(char::is_ascii_digit).count() >= 10,
                "{}: {}",
                centre.name,
                centre.phone
            );
        }
    }

    #[test]
    fn issue_19_kanagawa_has_its_centre_as_the_prefecture_publishes_it() {
        let centre = prefectural_centre(&PrefectureCode::new("14").unwrap()).unwrap();
        assert_eq!(centre.name, "かながわ医療的ケア児支援センター");
        assert_eq!(centre.phone, "045-227-1255");
        assert!(centre.hours.contains("9:30〜16:00"));
        assert!(prefectural_centre(&PrefectureCode::new("13").unwrap()).is_none());
    }
}
