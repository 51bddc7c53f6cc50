//! The in-memory directory index that serves reads.
//!
//! The HTTP layer builds one [`DirectoryIndex`] from every facility in the
//! store at start and swaps in a fresh one when the data changes, so readers
//! never wait for the database. This module is pure: it takes the facilities
//! and answers queries, with no I/O.
//!
//! Lists are ordered by kind code, then name, then id — the same order the
//! store uses — so a page from the index and a page from the store agree.

use crate::need::{NeedProfile, Tier};
use crate::region::MunicipalityArea;
use crate::{
    AccreditationCode, Facility, FacilityId, KindCode, LonLat, MunicipalityCode, RegionCode,
};
use std::collections::BTreeMap;

mod nearest;
mod records;

pub(crate) use nearest::unit_vector;
pub(crate) use records::{BuildExtras, NeedBits, Records};

/// Filters for a directory query. Every filter that is set must match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DirectoryQuery {
    /// Only this kind.
    pub kind: Option<KindCode>,
    /// Only facilities assigned to, or stated to be in, this area: a
    /// municipality or ward, or a designated city with its wards (e.g. `14100`
    /// 横浜市 and `14101`…`14118`), as [`crate::region::DesignatedCities::area`] gives it.
    pub municipality: Option<MunicipalityArea>,
    /// Include facilities marked closed (default: only active ones).
    pub include_closed: bool,
    /// Only facilities placed (point in polygon) in this 二次医療圏.
    pub region: Option<RegionCode>,
    /// Only hospitals holding this accreditation (e.g. `picu`).
    pub accreditation: Option<AccreditationCode>,
}

/// One page of a query result; for public outputs made public with
/// [`DirectoryPage::into_public`].
#[derive(Debug, Clone, PartialEq)]
pub struct DirectoryPage<F = Facility> {
    /// The facilities on the page, in index order, decoded.
    pub items: Vec<F>,
    /// How many facilities match the query over all pages.
    pub total: usize,
}

/// All facilities, sorted for listing and keyed by id.
///
/// The index does not keep [`Facility`] values: it keeps a compact entry per
/// facility for filtering and ranking, and the rest of each record encoded
/// in one buffer, decoded only for the facilities a call returns. That is
/// why lookups return owned facilities.
#[derive(Debug, Clone, Default)]
pub struct DirectoryIndex {
    records: Records,
    active: usize,
    data_version: i64,
    positions: nearest::PositionTree,
    search: crate::search::SearchIndex,
}

/// One facility of the index, read without decoding its whole record.
#[derive(Debug, Clone, Copy)]
pub struct Listed<'a> {
    records: &'a Records,
    i: usize,
}

impl<'a> Listed<'a> {
    /// Stable id.
    pub fn id(&self) -> FacilityId {
        self.records.id(self.i)
    }

    /// Kind of facility.
    pub fn kind(&self) -> &'a KindCode {
        self.records.kind(self.i)
    }

    /// True unless the facility is closed.
    pub fn is_active(&self) -> bool {
        self.records.is_active(self.i)
    }

    /// False for a staff-only record: no public output (tiles included) may
    /// show it; see [`crate::PublicFacility`] for whole records.
    pub fn is_public(&self) -> bool {
        self.records.is_public(self.i)
    }

    /// WGS 84 position (lon, lat), when known.
    pub fn position(&self) -> Option<LonLat> {
        self.records.position(self.i)
    }

    /// 二次医療圏 the position falls in, when assigned.
    pub fn region(&self) -> Option<&'a RegionCode> {
        self.records.region(self.i)
    }

    /// Municipality the facility is listed under: assigned from the
    /// position, else as the source states it.
    pub fn municipality(&self) -> Option<&'a MunicipalityCode> {
        self.records.municipality(self.i)
    }

    /// Name shown to users (read from the record without decoding the rest).
    pub fn name(&self) -> &'a str {
        self.records.name(self.i)
    }

    /// The whole record, decoded.
    pub fn facility(&self) -> Facility {
        self.records.facility(self.i)
    }
}

impl DirectoryIndex {
    /// Builds the index from every facility (active and closed), consuming
    /// them one at a time: each record is encoded and dropped as it is read.
    ///
    /// `data_version` is the store's data version read *before* the
    /// facilities were loaded, so a write that raced the load makes the
    /// version look stale and triggers another refresh.
    ///
    /// # Panics
    /// When the encoded records pass 4 GiB, or a facility has 65,536 services.
    ///
    /// ```
    /// use renkei_core::directory_index::{DirectoryIndex, DirectoryQuery};
    /// let index = DirectoryIndex::build(Vec::new(), 7);
    /// assert_eq!(index.data_version(), 7);
    /// assert_eq!(index.page(&DirectoryQuery::default(), 1, 50).total, 0);
    /// ```
    pub fn build(facilities: impl IntoIterator<Item = Facility>, data_version: i64) -> Self {
        let (records, extras) = Records::build(facilities);
        let active = (0..records.len()).filter(|&i| records.is_active(i)).count();
        let positions = nearest::PositionTree::build(&records);
        let search = crate::search::SearchIndex::build(&records, &extras);
        Self {
            records,
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

    /// The facilities, in index order.
    pub(crate) fn records(&self) -> &Records {
        &self.records
    }

    /// Positions in index order of the facilities with a position, nearest to
    /// `point` first, up to about `radius_m` metres: the walk follows the
    /// R-tree's chord order (the haversine order) and stops at a chord a
    /// little wider than the radius, so check [`Self::distance_m`] before
    /// keeping one. Distances are left to the caller because most facilities
    /// walked past are filtered out, and sines and cosines cost more than the walk.
    pub(crate) fn nearest_first_within(
        &self,
        point: LonLat,
        radius_m: f64,
    ) -> impl Iterator<Item = usize> + '_ {
        let limit = widened_chord(radius_m);
        self.positions
            .nearest_first(point)
            .take_while(move |&(_, chord_2)| chord_2 <= limit * limit)
            .map(|(i, _)| i)
    }

    /// Great-circle distance in metres (haversine) from `point` to facility
    /// `i`, which has a position (it came from the R-tree).
    pub(crate) fn distance_m(&self, i: usize, point: LonLat) -> f64 {
        let position = self
            .records
            .position(i)
            .expect("facilities in the R-tree have a position");
        point.distance_m(position)
    }

    /// Positions (in the index's list) of the facilities `keep` accepts within
    /// `radius_m` metres of `point` (haversine, inclusive), in no order.
    /// Cheaper than walking [`Self::nearest_first_within`] when every one is
    /// wanted anyway; `keep` is asked before the exact distance is worked out.
    pub(crate) fn positions_within<'a>(
        &'a self,
        point: LonLat,
        radius_m: f64,
        keep: impl Fn(usize) -> bool + 'a,
    ) -> impl Iterator<Item = usize> + 'a {
        // Inside the narrowed chord the haversine check cannot disagree, so
        // sines and cosines are only worked out in the thin band at the rim
        // (they were a sixth of a typical search's time).
        let surely_within = narrowed_chord(radius_m).powi(2);
        self.positions
            .within_chord(point, widened_chord(radius_m))
            .filter(move |&(i, chord_2)| {
                keep(i) && (chord_2 <= surely_within || self.distance_m(i, point) <= radius_m)
            })
            .map(|(i, _)| i)
    }

    /// The store data version this index was built from.
    pub fn data_version(&self) -> i64 {
        self.data_version
    }

    /// Number of facilities, active and closed.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// True when the index holds no facility at all.
    pub fn is_empty(&self) -> bool {
        self.records.len() == 0
    }

    /// Number of active (not closed) facilities.
    pub fn active_count(&self) -> usize {
        self.active
    }

    /// The facility with `id`, active or closed, decoded.
    pub fn get(&self, id: FacilityId) -> Option<Facility> {
        self.records
            .position_of(id)
            .map(|i| self.records.facility(i))
    }

    /// Every facility matching `query`, in index order, without decoding
    /// their records (see [`Listed::facility`]).
    pub fn listed(&self, query: &DirectoryQuery) -> impl Iterator<Item = Listed<'_>> + '_ {
        let matching = self.search.filters().directory(query);
        (0..self.records.len())
            .filter(move |&i| matching.contains(i))
            .map(|i| self.listed_at(i))
    }

    fn listed_at(&self, i: usize) -> Listed<'_> {
        Listed {
            records: &self.records,
            i,
        }
    }

    /// The facilities meeting `profile` (see [`NeedProfile::tier`]) with
    /// their tier, in index order, without decoding their records: what
    /// coverage analyses read.
    pub fn assessed<'a>(
        &'a self,
        profile: &'a NeedProfile,
    ) -> impl Iterator<Item = (Listed<'a>, Tier)> + 'a {
        let needs = NeedBits::of(profile);
        (0..self.records.len()).filter_map(move |i| {
            let tier = self.records.tier(i, profile, &needs)?;
            Some((self.listed_at(i), tier))
        })
    }

    /// Attribution lines of the active facilities' sources, sorted, without
    /// repeats or empty ones.
    pub fn attributions(&self) -> &[String] {
        self.records.attributions()
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
    pub fn nearest(&self, point: LonLat, k: usize, query: &DirectoryQuery) -> Vec<(Facility, f64)> {
        let matching = self.search.filters().directory(query);
        self.nearest_first_within(point, f64::INFINITY)
            .filter(|&i| matching.contains(i))
            .take(k)
            .map(|i| (self.records.facility(i), self.distance_m(i, point)))
            .collect()
    }

    /// Active facilities per 二次医療圏 and kind code (facilities not placed in a
    /// region are not counted).
    pub fn count_by_region_and_kind(&self) -> BTreeMap<RegionCode, BTreeMap<KindCode, u64>> {
        // Counted on borrowed codes; only the few distinct keys are copied.
        let mut borrowed: BTreeMap<(&RegionCode, &KindCode), u64> = BTreeMap::new();
        for i in (0..self.records.len()).filter(|&i| self.records.is_active(i)) {
            if let Some(region) = self.records.region(i) {
                *borrowed.entry((region, self.records.kind(i))).or_default() += 1;
            }
        }
        let mut counts: BTreeMap<RegionCode, BTreeMap<KindCode, u64>> = BTreeMap::new();
        for ((region, kind), count) in borrowed {
            counts
                .entry(region.clone())
                .or_default()
                .insert(kind.clone(), count);
        }
        counts
    }

    /// Page `page` (from 1) of `per_page` facilities matching `query`, with the
    /// total over all pages. A page past the end is empty; `page` 0 is treated
    /// as 1 and `per_page` 0 gives an empty page with the total.
    pub fn page(&self, query: &DirectoryQuery, page: u32, per_page: u32) -> DirectoryPage {
        let per_page = usize::try_from(per_page).unwrap_or(usize::MAX);
        let skip = usize::try_from(page.max(1) - 1)
            .unwrap_or(usize::MAX)
            .saturating_mul(per_page);
        let matching = self.search.filters().directory(query);
        let items = matching
            .ones()
            .skip(skip)
            .take(per_page)
            .map(|i| self.records.facility(i))
            .collect();
        DirectoryPage {
            items,
            total: matching.count_ones(..),
        }
    }
}

/// The straight-line distance through the unit sphere (chord) between two
/// points `radius_m` metres apart on the ground, widened a little so that
/// rounding never drops a facility the exact haversine check keeps.
fn widened_chord(radius_m: f64) -> f64 {
    chord(radius_m) * (1.0 + 1e-9) + 1e-12
}

/// The chord of [`widened_chord`] narrowed by the same margin: a facility
/// nearer than this is within `radius_m` by the haversine check too, since
/// both computations err by far less than the margin.
fn narrowed_chord(radius_m: f64) -> f64 {
    (chord(radius_m) * (1.0 - 1e-9) - 1e-12).max(0.0)
}

/// The straight-line distance through the unit sphere between two points
/// `radius_m` metres apart on the ground.
fn chord(radius_m: f64) -> f64 {
    2.0 * (radius_m / (2.0 * crate::position::MEAN_EARTH_RADIUS_M))
        .min(std::f64::consts::FRAC_PI_2)
        .sin()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::FacilityStatus;

    /// The plain reading of a [`DirectoryQuery`], written without the index.
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
                .any(|code| wanted.contains(code));
            if !found {
                return false;
            }
        }
        true
    }

    fn facility(record: &str, kind: &str, name: &str, municipality: Option<&str>) -> Facility {
        let mut facility = crate::fixtures::fictional_facility(record, kind, name, None);
        facility.location.municipality = municipality.map(|c| MunicipalityCode::new(c).unwrap());
        facility
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
        let names: Vec<_> = index.listed(&all).map(|f| f.name()).collect();
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
        let table = crate::region::RegionTable::from_toml(include_str!(
            "../../../data/regions/14_kanagawa.toml"
        ))
        .unwrap();
        let kanagawa = crate::region::DesignatedCities::from_tables([&table]);
        let query = |kind: Option<&str>, municipality: Option<&str>| DirectoryQuery {
            kind: kind.map(|k| KindCode::new(k).unwrap()),
            municipality: municipality.map(|m| kanagawa.area(&MunicipalityCode::new(m).unwrap())),
            include_closed: false,
            region: None,
            accreditation: None,
        };
        assert_eq!(index.listed(&query(Some("clinic"), None)).count(), 1);
        assert_eq!(index.listed(&query(None, Some("14100"))).count(), 1);
        assert_eq!(index.listed(&query(None, Some("14130"))).count(), 1);
        assert_eq!(index.listed(&query(None, Some("14150"))).count(), 0);
        let with_closed = DirectoryQuery {
            include_closed: true,
            ..query(None, Some("14207"))
        };
        assert_eq!(index.listed(&with_closed).count(), 2);
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
        let by_id: std::collections::HashMap<FacilityId, &Facility> =
            facilities.iter().map(|f| (f.id, f)).collect();
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
                assert_eq!(by_id[&facility.id], facility, "decoded as built");
            }
        }
    }

    #[test]
    fn records_decode_to_the_facilities_they_were_built_from() {
        use crate::{
            AgeRange, Answer, CapabilityCode, CapabilityFact, Phone, Schedule, Service,
            ServiceTypeCode, Verification, Visibility,
        };
        let day = |d| chrono::NaiveDate::from_ymd_opt(2025, 4, d).unwrap();
        let verified = Some(Verification {
            on: day(1),
            by_organization: "架空保健福祉事務所".into(),
        });
        let fact = |code: &str, answer, note: Option<&str>| CapabilityFact {
            capability: CapabilityCode::new(code).unwrap(),
            answer,
            verified: verified.clone(),
            staff_note: note.map(Into::into),
        };
        // Every field set, staff-only ones included (staff views read them).
        let mut full = facility("9", "welfare_provider", "架空福祉事業所", Some("14110"));
        full.name_kana = Some("カクウフクシジギョウショ".into());
        full.organization.url = Some("https://example.invalid/org".into());
        full.location.postal_code = Some("2530000".into());
        full.location.position = Some(LonLat::new(139.4037, 35.3334).unwrap());
        full.location.stated_municipality = Some(MunicipalityCode::new("14100").unwrap());
        full.location.region = Some(RegionCode::new("1407").unwrap());
        full.location.geocoded = Some(crate::geocode::Precision::Town);
        full.phones = vec![Phone {
            number: "0467-00-0000".into(),
            label: Some("職員間直通".into()),
            visibility: Visibility::StaffOnly,
        }];
        full.url = Some("https://example.invalid/".into());
        full.services = vec![Service {
            key: "short_stay".into(),
            name: "架空短期入所".into(),
            service_type: Some(ServiceTypeCode::new("short_stay").unwrap()),
            ages: AgeRange {
                min_years: Some(0),
                max_years: Some(18),
            },
            accepting_new_clients: Answer::Yes,
            respite_beds: Some(2),
            verified: verified.clone(),
            // The second ventilator fact repeats the first and must come back too.
            capabilities: vec![
                fact("ventilator", Answer::Yes, Some("架空の職員メモ")),
                fact("suctioning", Answer::No, None),
                fact("tube_feeding", Answer::Unknown, None),
                fact("ventilator", Answer::No, None),
            ],
            schedules: vec![Schedule {
                weekdays: vec!["MO".into(), "FR".into()],
                opens_at: Some("09:00".into()),
                closes_at: Some("17:00".into()),
                description: Some("祝日を除く".into()),
            }],
        }];
        full.status = FacilityStatus::Closed;
        full.closed_on = Some(day(2));
        full.staff_note = Some("架空の施設メモ".into());
        full.visibility = Visibility::StaffOnly;
        full.accreditations = vec![crate::Accreditation {
            code: AccreditationCode::new("nicu_1").unwrap(),
            since: Some(day(3)),
        }];
        full.provenance.attribution = "架空データ".into();
        let plain = facility("10", "clinic", "架空クリニック", None);
        let index = DirectoryIndex::build(vec![full.clone(), plain.clone()], 1);
        assert_eq!(index.get(full.id), Some(full.clone()));
        assert_eq!(index.get(plain.id), Some(plain));
        let with_nicu = DirectoryQuery {
            accreditation: Some(AccreditationCode::new("nicu_1").unwrap()),
            include_closed: true,
            ..DirectoryQuery::default()
        };
        assert_eq!(index.page(&with_nicu, 1, 10).items, [full]);
        // Closed facilities lend no attribution to the map.
        assert!(index.attributions().is_empty());
    }
}
