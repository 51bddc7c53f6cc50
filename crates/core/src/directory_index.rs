//! The in-memory directory index that serves reads.
//!
//! The HTTP layer builds one [`DirectoryIndex`] from every facility in the
//! store at start and swaps in a fresh one when the data changes, so readers
//! never wait for the database. This module is pure: it takes the facilities
//! and answers queries, with no I/O.
//!
//! Lists are ordered by kind code, then name, then id — the same order the
//! store uses — so a page from the index and a page from the store agree.

use crate::{Facility, FacilityId, FacilityStatus, KindCode, LonLat, MunicipalityCode, RegionCode};
use std::collections::BTreeMap;
use std::collections::HashMap;

mod nearest;

pub(crate) use nearest::unit_vector;

/// Filters for a directory query. Every filter that is set must match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DirectoryQuery {
    /// Only this kind.
    pub kind: Option<KindCode>,
    /// Only facilities assigned to, or stated to be in, this municipality.
    /// A designated-city code (政令指定都市, e.g. `14100` 横浜市) matches all of
    /// its wards (`14101`…`14118`), see [`municipality_matches`].
    pub municipality: Option<MunicipalityCode>,
    /// Include facilities marked closed (default: only active ones).
    pub include_closed: bool,
    /// Only facilities placed (point in polygon) in this 二次医療圏.
    pub region: Option<RegionCode>,
    /// Only hospitals holding this accreditation (e.g. `picu`).
    pub accreditation: Option<crate::AccreditationCode>,
}

/// One page of a query result.
#[derive(Debug, Clone, PartialEq)]
pub struct DirectoryPage<'a> {
    /// The facilities on the page, in index order.
    pub items: Vec<&'a Facility>,
    /// How many facilities match the query over all pages.
    pub total: usize,
}

/// All facilities, sorted for listing and keyed by id.
#[derive(Debug, Clone, Default)]
pub struct DirectoryIndex {
    facilities: Vec<Facility>,
    by_id: HashMap<FacilityId, usize>,
    active: usize,
    data_version: i64,
    positions: nearest::PositionTree,
    search: crate::search::SearchIndex,
}

impl DirectoryIndex {
    /// Builds the index from every facility (active and closed).
    ///
    /// `data_version` is the store's data version read *before* the
    /// facilities were loaded, so a write that raced the load makes the
    /// version look stale and triggers another refresh.
    ///
    /// ```
    /// use renkei_core::directory_index::{DirectoryIndex, DirectoryQuery};
    /// let index = DirectoryIndex::build(Vec::new(), 7);
    /// assert_eq!(index.data_version(), 7);
    /// assert_eq!(index.page(&DirectoryQuery::default(), 1, 50).total, 0);
    /// ```
    pub fn build(mut facilities: Vec<Facility>, data_version: i64) -> Self {
        sort_for_listing(&mut facilities);
        let by_id = facilities
            .iter()
            .enumerate()
            .map(|(i, facility)| (facility.id, i))
            .collect();
        let active = facilities
            .iter()
            .filter(|f| f.status == FacilityStatus::Active)
            .count();
        let positions = nearest::PositionTree::build(&facilities);
        let search = crate::search::SearchIndex::build(&facilities);
        Self {
            facilities,
            by_id,
            active,
            data_version,
            positions,
            search,
        }
    }

    /// The search structures built with this index.
    pub(crate) fn search_index(&self) -> &crate::search::SearchIndex {
        &self.search
    }

    /// Every facility in index order.
    pub(crate) fn all(&self) -> &[Facility] {
        &self.facilities
    }

    /// The facility at position `i` of the index order.
    pub(crate) fn facility_at(&self, i: usize) -> &Facility {
        &self.facilities[i]
    }

    /// Positions in index order of the facilities with a position, nearest to
    /// `point` first, with their great-circle distance in metres (haversine).
    pub(crate) fn nearest_positions(
        &self,
        point: LonLat,
    ) -> impl Iterator<Item = (usize, f64)> + '_ {
        self.positions.nearest_first(point).filter_map(move |i| {
            let position = self.facilities[i].location.position?;
            Some((i, point.distance_m(position)))
        })
    }

    /// Positions (in the index's list) of the facilities within `radius_m`
    /// metres of `point` (haversine, inclusive), in no order. Cheaper than
    /// walking [`Self::nearest_positions`] when every one is wanted anyway.
    pub(crate) fn positions_within(
        &self,
        point: LonLat,
        radius_m: f64,
    ) -> impl Iterator<Item = usize> + '_ {
        // Mean earth radius of `LonLat::distance_m`; the chord is widened a
        // little so that rounding never drops a facility the exact check keeps.
        const EARTH_RADIUS_M: f64 = 6_371_008.8;
        let chord = 2.0
            * (radius_m / (2.0 * EARTH_RADIUS_M))
                .min(std::f64::consts::FRAC_PI_2)
                .sin();
        self.positions
            .within_chord(point, chord * (1.0 + 1e-9) + 1e-12)
            .filter(move |&i| {
                self.facilities[i]
                    .location
                    .position
                    .is_some_and(|p| point.distance_m(p) <= radius_m)
            })
    }

    /// The store data version this index was built from.
    pub fn data_version(&self) -> i64 {
        self.data_version
    }

    /// Number of facilities, active and closed.
    pub fn len(&self) -> usize {
        self.facilities.len()
    }

    /// True when the index holds no facility at all.
    pub fn is_empty(&self) -> bool {
        self.facilities.is_empty()
    }

    /// Number of active (not closed) facilities.
    pub fn active_count(&self) -> usize {
        self.active
    }

    /// The facility with `id`, active or closed.
    pub fn get(&self, id: FacilityId) -> Option<&Facility> {
        self.by_id.get(&id).map(|&i| &self.facilities[i])
    }

    /// Every facility matching `query`, in index order.
    pub fn filter<'a>(
        &'a self,
        query: &'a DirectoryQuery,
    ) -> impl Iterator<Item = &'a Facility> + 'a {
        self.facilities
            .iter()
            .filter(move |facility| matches(query, facility))
    }

    /// The `k` facilities matching `query` nearest to `point`, nearest first,
    /// each with its great-circle distance in metres (haversine). Facilities
    /// without a position are never returned. Uses an R-tree, so a query costs
    /// about log n plus the facilities skipped by the filter.
    ///
    /// ```
    /// use renkei_core::directory_index::{DirectoryIndex, DirectoryQuery};
    /// use renkei_core::LonLat;
    /// let index = DirectoryIndex::build(Vec::new(), 1);
    /// let chigasaki = LonLat::new(139.4037, 35.3334).unwrap(); // Longitude, Latitude
    /// assert!(index.nearest(chigasaki, 20, &DirectoryQuery::default()).is_empty());
    /// ```
    pub fn nearest(
        &self,
        point: LonLat,
        k: usize,
        query: &DirectoryQuery,
    ) -> Vec<(&Facility, f64)> {
        self.positions
            .nearest_first(point)
            .map(|i| &self.facilities[i])
            .filter(|facility| matches(query, facility))
            .take(k)
            .filter_map(|facility| {
                let position = facility.location.position?;
                Some((facility, point.distance_m(position)))
            })
            .collect()
    }

    /// Active facilities per 二次医療圏 and kind code (facilities not placed in a
    /// region are not counted).
    pub fn count_by_region_and_kind(&self) -> BTreeMap<RegionCode, BTreeMap<KindCode, u64>> {
        let mut counts: BTreeMap<RegionCode, BTreeMap<KindCode, u64>> = BTreeMap::new();
        for facility in &self.facilities {
            if facility.status != FacilityStatus::Active {
                continue;
            }
            if let Some(region) = &facility.location.region {
                *counts
                    .entry(region.clone())
                    .or_default()
                    .entry(facility.kind.clone())
                    .or_default() += 1;
            }
        }
        counts
    }

    /// Page `page` (from 1) of `per_page` facilities matching `query`, with the
    /// total over all pages. A page past the end is empty; `page` 0 is treated
    /// as 1 and `per_page` 0 gives an empty page with the total.
    pub fn page(&self, query: &DirectoryQuery, page: u32, per_page: u32) -> DirectoryPage<'_> {
        let per_page = usize::try_from(per_page).unwrap_or(usize::MAX);
        let skip = usize::try_from(page.max(1) - 1)
            .unwrap_or(usize::MAX)
            .saturating_mul(per_page);
        let mut total = 0;
        let mut items = Vec::with_capacity(per_page.min(1024));
        for facility in self
            .facilities
            .iter()
            .filter(|facility| matches(query, facility))
        {
            if total >= skip && items.len() < per_page {
                items.push(facility);
            }
            total += 1;
        }
        DirectoryPage { items, total }
    }
}

fn matches(query: &DirectoryQuery, facility: &Facility) -> bool {
    if !query.include_closed && facility.status != FacilityStatus::Active {
        return false;
    }
    if query
        .accreditation
        .as_ref()
        .is_some_and(|code| !facility.accreditations.iter().any(|a| a.code == *code))
    {
        return false;
    }
    if query
        .kind
        .as_ref()
        .is_some_and(|kind| *kind != facility.kind)
    {
        return false;
    }
    if query
        .region
        .as_ref()
        .is_some_and(|region| facility.location.region.as_ref() != Some(region))
    {
        return false;
    }
    if let Some(wanted) = &query.municipality {
        let location = &facility.location;
        let found = [&location.municipality, &location.stated_municipality]
            .into_iter()
            .flatten()
            .any(|code| municipality_matches(wanted, code));
        if !found {
            return false;
        }
    }
    true
}

/// Sorts by kind code, name, id. Records are large, so the order is found on
/// indexes and then applied by following the permutation's cycles: each record
/// moves about once instead of log n times.
fn sort_for_listing(facilities: &mut [Facility]) {
    fn key(f: &Facility) -> (&str, &str, FacilityId) {
        (f.kind.as_str(), f.name.as_str(), f.id)
    }
    let mut order: Vec<usize> = (0..facilities.len()).collect();
    order.sort_by(|&a, &b| key(&facilities[a]).cmp(&key(&facilities[b])));
    // order[dest] is the record that belongs at dest; usize::MAX marks done.
    for start in 0..order.len() {
        let mut dest = start;
        loop {
            let source = std::mem::replace(&mut order[dest], usize::MAX);
            if source == start || source == usize::MAX {
                break;
            }
            facilities.swap(dest, source);
            dest = source;
        }
    }
}

/// The 20 designated cities (政令指定都市) with their last ward code. Ward
/// codes follow the city code but are not a fixed prefix of it (横浜市 14100
/// has 14101–14118, 浜松市 22130 has 22131–22140 since its 2024 reorganisation).
const DESIGNATED_CITIES: [(&str, &str); 20] = [
    ("01100", "01110"), // 札幌市
    ("04100", "04105"), // 仙台市
    ("11100", "11110"), // さいたま市
    ("12100", "12106"), // 千葉市
    ("14100", "14118"), // 横浜市
    ("14130", "14137"), // 川崎市
    ("14150", "14153"), // 相模原市
    ("15100", "15108"), // 新潟市
    ("22100", "22103"), // 静岡市
    ("22130", "22140"), // 浜松市
    ("23100", "23116"), // 名古屋市
    ("26100", "26111"), // 京都市
    ("27100", "27128"), // 大阪市
    ("27140", "27147"), // 堺市
    ("28100", "28111"), // 神戸市
    ("33100", "33104"), // 岡山市
    ("34100", "34108"), // 広島市
    ("40100", "40109"), // 北九州市
    ("40130", "40137"), // 福岡市
    ("43100", "43105"), // 熊本市
];

/// Inclusive range of municipality codes (as text; equal-length digit strings
/// compare like numbers) that a filter for `code` covers: the code itself, and
/// for a designated city also all of its wards. A store can use it in a
/// `BETWEEN` clause.
///
/// ```
/// use renkei_core::{directory_index::municipality_span, MunicipalityCode};
/// let yokohama = MunicipalityCode::new("14100").unwrap();
/// assert_eq!(municipality_span(&yokohama), ("14100", "14118")); // 横浜市 and its 18 wards
/// let chigasaki = MunicipalityCode::new("14207").unwrap();
/// assert_eq!(municipality_span(&chigasaki), ("14207", "14207"));
/// ```
pub fn municipality_span(code: &MunicipalityCode) -> (&str, &str) {
    let text = code.as_str();
    DESIGNATED_CITIES
        .iter()
        .find(|(city, _)| *city == text)
        .map_or((text, text), |&(city, last)| (city, last))
}

/// The designated city (政令指定都市) whose ward `code` is, as its code.
///
/// ```
/// use renkei_core::{directory_index::designated_city_of, MunicipalityCode};
/// assert_eq!(designated_city_of(&MunicipalityCode::new("14110").unwrap()), Some("14100"));
/// assert_eq!(designated_city_of(&MunicipalityCode::new("14100").unwrap()), None);
/// assert_eq!(designated_city_of(&MunicipalityCode::new("14207").unwrap()), None);
/// ```
pub fn designated_city_of(code: &MunicipalityCode) -> Option<&'static str> {
    let text = code.as_str();
    DESIGNATED_CITIES
        .iter()
        .find(|(city, last)| *city < text && text <= *last)
        .map(|&(city, _)| city)
}

/// True when a facility in municipality `code` is inside the area `filter`
/// names: the same code, or a ward of the designated city `filter`.
///
/// ```
/// use renkei_core::{directory_index::municipality_matches, MunicipalityCode};
/// let code = |c: &str| MunicipalityCode::new(c).unwrap();
/// assert!(municipality_matches(&code("14100"), &code("14110"))); // 横浜市 ⊃ 戸塚区
/// assert!(!municipality_matches(&code("14100"), &code("14131"))); // 川崎区 is in 川崎市
/// assert!(municipality_matches(&code("14130"), &code("14131")));
/// assert!(!municipality_matches(&code("14110"), &code("14100"))); // a ward does not contain its city
/// assert!(municipality_matches(&code("14207"), &code("14207")));
/// ```
pub fn municipality_matches(filter: &MunicipalityCode, code: &MunicipalityCode) -> bool {
    let (first, last) = municipality_span(filter);
    (first..=last).contains(&code.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Location, Organization, Provenance};
    use chrono::{TimeZone, Utc};

    fn facility(record: &str, kind: &str, name: &str, municipality: Option<&str>) -> Facility {
        Facility {
            id: FacilityId::from_source("test", record),
            kind: KindCode::new(kind).unwrap(),
            name: name.into(),
            name_kana: None,
            organization: Organization {
                name: "架空法人".into(),
                url: None,
            },
            location: Location {
                address: "神奈川県架空市1-1".into(),
                postal_code: None,
                position: None,
                stated_municipality: None,
                municipality: municipality.map(|c| MunicipalityCode::new(c).unwrap()),
                region: None,
                geocoded: None,
            },
            phones: vec![],
            url: None,
            services: vec![],
            status: FacilityStatus::Active,
            closed_on: None,
            staff_note: None,
            accreditations: Vec::new(),
            provenance: Provenance {
                source: "test".into(),
                source_record_id: record.into(),
                imported_at: Utc.with_ymd_and_hms(2024, 4, 1, 0, 0, 0).unwrap(),
                licence: "CC0".into(),
                attribution: String::new(),
                demo: true,
            },
        }
    }

    fn sample() -> DirectoryIndex {
        let mut closed = facility("4", "clinic", "架空クリニック閉", Some("14207"));
        closed.status = FacilityStatus::Closed;
        DirectoryIndex::build(
            vec![
                facility(
                    "1",
                    "visiting_nurse",
                    "架空訪問看護ステーションさくら",
                    Some("14207"),
                ),
                facility("2", "hospital", "架空病院", Some("14110")),
                facility("3", "clinic", "架空クリニック", Some("14131")),
                closed,
            ],
            3,
        )
    }

    #[test]
    fn orders_by_kind_then_name_and_pages_with_total() {
        let index = sample();
        let all = DirectoryQuery::default();
        let names: Vec<_> = index.filter(&all).map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "架空クリニック",
                "架空病院",
                "架空訪問看護ステーションさくら"
            ]
        );
        let page = index.page(&all, 2, 2);
        assert_eq!((page.items.len(), page.total), (1, 3));
        assert!(index.page(&all, 9, 2).items.is_empty());
        assert_eq!(index.active_count(), 3);
        assert_eq!(index.len(), 4);
    }

    #[test]
    fn filters_by_kind_municipality_and_designated_city() {
        let index = sample();
        let query = |kind: Option<&str>, municipality: Option<&str>| DirectoryQuery {
            kind: kind.map(|k| KindCode::new(k).unwrap()),
            municipality: municipality.map(|m| MunicipalityCode::new(m).unwrap()),
            include_closed: false,
            region: None,
            accreditation: None,
        };
        assert_eq!(index.filter(&query(Some("clinic"), None)).count(), 1);
        assert_eq!(index.filter(&query(None, Some("14100"))).count(), 1);
        assert_eq!(index.filter(&query(None, Some("14130"))).count(), 1);
        assert_eq!(index.filter(&query(None, Some("14150"))).count(), 0);
        let with_closed = DirectoryQuery {
            include_closed: true,
            ..query(None, Some("14207"))
        };
        assert_eq!(index.filter(&with_closed).count(), 2);
    }

    #[test]
    fn gets_by_id_including_closed() {
        let index = sample();
        assert_eq!(
            index
                .get(FacilityId::from_source("test", "4"))
                .unwrap()
                .name,
            "架空クリニック閉"
        );
        assert!(index.get(FacilityId::from_source("test", "none")).is_none());
    }

    #[test]
    fn nearest_matches_a_brute_force_haversine_scan() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand::rngs::StdRng::seed_from_u64(10);
        let kinds = ["clinic", "hospital", "visiting_nurse"];
        let facilities: Vec<Facility> = (0..3000)
            .map(|i| {
                let mut f = facility(&i.to_string(), kinds[i % 3], "架空施設", Some("14207"));
                // Every tenth has no position; some sit across the antimeridian and near the pole.
                f.location.position = (i % 10 != 0).then(|| {
                    let lon = if i % 7 == 0 {
                        rng.gen_range(170.0..180.0)
                    } else {
                        rng.gen_range(122.0..154.0)
                    };
                    let lat = if i % 11 == 0 {
                        rng.gen_range(80.0..90.0)
                    } else {
                        rng.gen_range(20.0..46.0)
                    };
                    LonLat::new(lon, lat).unwrap()
                });
                if i % 13 == 0 {
                    f.status = FacilityStatus::Closed;
                }
                f
            })
            .collect();
        let index = DirectoryIndex::build(facilities.clone(), 1);
        for round in 0..200 {
            let point =
                LonLat::new(rng.gen_range(-180.0..180.0), rng.gen_range(-60.0..89.0)).unwrap();
            let query = DirectoryQuery {
                kind: (round % 2 == 0).then(|| KindCode::new(kinds[round % 3]).unwrap()),
                ..DirectoryQuery::default()
            };
            let k = 1 + round % 25;
            let mut brute: Vec<(FacilityId, f64)> = facilities
                .iter()
                .filter(|f| matches(&query, f))
                .filter_map(|f| Some((f.id, point.distance_m(f.location.position?))))
                .collect();
            brute.sort_by(|a, b| a.1.total_cmp(&b.1));
            brute.truncate(k);
            let found = index.nearest(point, k, &query);
            assert_eq!(found.len(), brute.len());
            for ((facility, distance_m), (_, expected_m)) in found.iter().zip(&brute) {
                // Ties aside, the same distances in the same order.
                assert!(
                    (distance_m - expected_m).abs() < 1e-3,
                    "{distance_m} vs {expected_m}"
                );
                assert!(matches(&query, facility));
            }
        }
    }
}
