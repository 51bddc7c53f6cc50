//! Places people name by a municipality's office or station (大阪市役所,
//! 札幌駅, 箱根町役場) when the geocoder knows nothing closer: renkei holds no
//! landmark or station positions outside the areas whose base-map layers are
//! loaded, so such a text is placed at the municipality it names — for a
//! designated city (政令指定都市) the city as a whole, at the mean of its wards'
//! representative points — and says so (precision `municipality`).

use renkei_core::geocode::{Geocoder, Precision, Suggestion};
use renkei_core::LonLat;

/// Candidates asked of the geocoder for one name: more than any designated
/// city has wards (大阪市: 24).
const MAX_WARDS: usize = 64;

/// Words for a municipality's office or station, with the endings of the
/// municipality name the rest of the text may stand for (「札幌駅」 is
/// 札幌市's station, 「箱根町役場」 箱根町's office).
const LANDMARKS: [(&str, &[&str]); 7] = [
    ("市役所", &["市"]),
    ("区役所", &["区"]),
    ("町役場", &["町"]),
    ("村役場", &["村"]),
    ("役所", &["市", "区"]),
    ("役場", &["町", "村"]),
    ("駅", &["市", "区", "町", "村", ""]),
];

/// A municipality named by an office or station in `text`: its point and
/// name, or `None` when `text` names none or several (府中駅: 府中市 of 東京都 and
/// of 広島県).
///
/// ```
/// use renkei_app::landmark::municipality_of_landmark;
/// use renkei_core::geocode::{Geocoder, MunicipalityName};
/// use renkei_core::{LonLat, MunicipalityCode};
/// let ward = |code: &str, name: &str, lon: f64| MunicipalityName {
///     code: MunicipalityCode::new(code).unwrap(),
///     prefecture: "架空県".into(),
///     county_or_city: Some("架空市".into()),
///     name: name.into(),
///     representative: Some(LonLat::new(lon, 35.0).unwrap()), // longitude, latitude
/// };
/// let geocoder = Geocoder::new(vec![ward("47101", "北区", 139.0), ward("47102", "南区", 139.2)], vec![]);
/// let (point, name) = municipality_of_landmark(&geocoder, "架空市役所").unwrap();
/// assert_eq!(name, "架空市");
/// assert!((point.lon() - 139.1).abs() < 1e-9); // the city: between its two wards
/// assert_eq!(municipality_of_landmark(&geocoder, "架空駅").unwrap().1, "架空市");
/// assert!(municipality_of_landmark(&geocoder, "どこか駅").is_none());
/// ```
pub fn municipality_of_landmark(geocoder: &Geocoder, text: &str) -> Option<(LonLat, String)> {
    let text = text.trim();
    for (word, endings) in LANDMARKS {
        let Some(stem) = text.strip_suffix(word).filter(|s| !s.is_empty()) else {
            continue;
        };
        for ending in endings {
            let name = format!("{stem}{ending}");
            if let Some(point) = one_municipality(geocoder, &name) {
                return Some((point, name));
            }
        }
    }
    None
}

/// The point of the one municipality called `name`, or of the designated
/// city `name` (the mean of its wards' points).
fn one_municipality(geocoder: &Geocoder, name: &str) -> Option<LonLat> {
    let found: Vec<Suggestion> = geocoder
        .suggest(name, MAX_WARDS)
        .into_iter()
        .filter(|s| s.precision == Precision::Municipality)
        .filter(|s| s.matched == name || is_ward_of(&s.matched, name))
        .collect();
    match found.as_slice() {
        [] => None,
        [one] => Some(one.position),
        several => {
            let prefecture = |s: &Suggestion| s.label.strip_suffix(&s.matched).map(str::to_owned);
            let one_city = several.iter().all(|s| is_ward_of(&s.matched, name))
                && several
                    .iter()
                    .all(|s| prefecture(s) == prefecture(&several[0]));
            one_city.then(|| mean(several.iter().map(|s| s.position)))?
        }
    }
}

/// Whether `matched` (e.g. 大阪市北区) is a ward of the city `city` (大阪市).
fn is_ward_of(matched: &str, city: &str) -> bool {
    city.ends_with('市')
        && matched
            .strip_prefix(city)
            .is_some_and(|ward| ward.ends_with('区') && ward.chars().count() > 1)
}

/// The mean of `points` (close together: the wards of one city).
fn mean(points: impl Iterator<Item = LonLat>) -> Option<LonLat> {
    let (mut lon, mut lat, mut n) = (0.0, 0.0, 0.0);
    for point in points {
        lon += point.lon();
        lat += point.lat();
        n += 1.0;
    }
    (n > 0.0)
        .then(|| LonLat::new(lon / n, lat / n).ok())
        .flatten()
}
