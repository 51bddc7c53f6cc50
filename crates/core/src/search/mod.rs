//! Referral search: the services near a place that can handle a child's care.
//!
//! A [`SearchQuery`] combines a place and radius, a [`NeedProfile`] (kinds,
//! 医療的ケア needs, age, accepting), an area (二次医療圏 or municipality) and
//! free text. The answer keeps two lists that are never mixed: facilities
//! confirmed to meet every need, and — only when asked — those where some need
//! is not stated (要確認, [`Tier::Unknown`]). Both are nearest first (great-circle
//! distance in metres), or without a place best text match then name first.
//!
//! The index behind it is built once per data version with the
//! [`DirectoryIndex`](crate::directory_index::DirectoryIndex): the R-tree of
//! positions, filter bitsets per kind, capability and status, posting lists per
//! region and municipality, and folded text keys.

mod filters;
mod ranked;
mod text;

pub use text::{TextQuery, TextRank};

use crate::directory_index::{BuildExtras, DirectoryIndex, NeedBits, Records};
use crate::need::{NeedProfile, NeedStatus, Tier};
use crate::relevance::{Evidence, Relevance, RelevancePlan};
use crate::{Facility, LonLat, RegionCode};
use ranked::Ranked;
use std::sync::OnceLock;

/// Radius searched when none is given: 30,000 m.
pub const DEFAULT_RADIUS_M: f64 = 30_000.0;
/// Largest radius accepted: 300,000 m (a whole prefecture and its neighbours).
pub const MAX_RADIUS_M: f64 = 300_000.0;
/// Hits per list and page when none is asked for: 20.
pub const DEFAULT_LIMIT: usize = 20;
/// Largest page: 100 hits per list.
pub const MAX_LIMIT: usize = 100;

/// An area a search is limited to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Area {
    /// Facilities placed (point in polygon) in this 二次医療圏.
    Region(RegionCode),
    /// Facilities in this municipality or ward, by position or as stated; a
    /// designated city with its wards (see [`crate::region::DesignatedCities::area`]).
    Municipality(crate::region::MunicipalityArea),
}

/// What to search for. Every filter that is set must match.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchQuery {
    /// Where from (WGS 84 lon/lat); `None` lists by text match and name, with no distance.
    pub origin: Option<LonLat>,
    /// Only facilities within this great-circle distance of `origin`, metres.
    pub radius_m: f64,
    /// Kinds, needs, age and accepting, judged by [`NeedProfile::assess`].
    pub profile: NeedProfile,
    /// Only facilities in this area.
    pub area: Option<Area>,
    /// Only facilities whose names, reading or address contain every word.
    pub text: Option<TextQuery>,
    /// Also list the 要確認 tier (needs not stated), separately.
    pub include_unknown: bool,
    /// Hits of each list to skip (paging).
    pub offset: usize,
    /// Hits of each list to return.
    pub limit: usize,
    /// Count every match for the totals; without it the search stops once
    /// both pages are full and the totals are `None`.
    pub count_totals: bool,
}

impl Default for SearchQuery {
    fn default() -> Self {
        Self {
            origin: None,
            radius_m: DEFAULT_RADIUS_M,
            profile: NeedProfile::default(),
            area: None,
            text: None,
            include_unknown: false,
            offset: 0,
            limit: DEFAULT_LIMIT,
            count_totals: true,
        }
    }
}

/// One facility found: the whole [`Facility`], or for public outputs a
/// [`crate::PublicFacility`] ([`Hit::into_public`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Hit<F = Facility> {
    /// The facility, decoded from the index.
    pub facility: F,
    /// Confirmed or 要確認.
    pub tier: Tier,
    /// Per need asked for, in the query's order: yes, no or unknown.
    pub needs: Vec<NeedStatus>,
    /// Great-circle distance from the origin, metres; `None` without an origin.
    pub distance_m: Option<f64>,
    /// For a 要確認 hit of a search with needs: its evidence level and why it
    /// is listed (参考情報, never a capability); `None` otherwise.
    pub relevance: Option<Relevance>,
}

/// One page of each list with the totals; for public outputs made public
/// with [`SearchPage::into_public`].
#[derive(Debug, Clone, PartialEq)]
pub struct SearchPage<F = Facility> {
    /// Confirmed hits, nearest (or best match) first.
    pub confirmed: Vec<Hit<F>>,
    /// 要確認 hits, only when asked for.
    pub unknown: Vec<Hit<F>>,
    /// Confirmed matches over all pages (`None` when not counted).
    pub total_confirmed: Option<usize>,
    /// 要確認 matches over all pages (0 when not asked for; `None` when not counted).
    pub total_unknown: Option<usize>,
    /// Offset of the next page when either list has more.
    pub next_offset: Option<usize>,
}

impl<F> Default for SearchPage<F> {
    fn default() -> Self {
        Self {
            confirmed: Vec::new(),
            unknown: Vec::new(),
            total_confirmed: None,
            total_unknown: None,
            next_offset: None,
        }
    }
}

/// The search structures built with a directory index.
#[derive(Debug, Clone, Default)]
pub(crate) struct SearchIndex {
    filters: filters::Filters,
    /// Folded names and addresses, built by the first text search: most
    /// searches have no text, and folding costs about a second per million
    /// facilities that the index swap should not wait for.
    text: OnceLock<text::TextKeys>,
    /// Facility positions ordered by name, then id, built by the first search
    /// without a place.
    by_name: OnceLock<Vec<u32>>,
}

impl SearchIndex {
    /// Builds the structures over `records`, in the index's order.
    pub(crate) fn build(records: &Records, extras: &BuildExtras) -> Self {
        Self {
            filters: filters::Filters::build(records, extras),
            text: OnceLock::new(),
            by_name: OnceLock::new(),
        }
    }

    /// The filter sets, also used for directory listings.
    pub(crate) fn filters(&self) -> &filters::Filters {
        &self.filters
    }

    fn text(&self, records: &Records) -> &text::TextKeys {
        self.text.get_or_init(|| text::TextKeys::build(records))
    }

    fn by_name(&self, records: &Records) -> &[u32] {
        self.by_name.get_or_init(|| {
            let mut order: Vec<(&str, crate::FacilityId, u32)> = (0..records.len())
                .map(|i| {
                    let slot = u32::try_from(i).expect("fewer than 4 billion facilities");
                    (records.name(i), records.id(i), slot)
                })
                .collect();
            order.sort_unstable();
            order.into_iter().map(|(.., slot)| slot).collect()
        })
    }
}

impl DirectoryIndex {
    /// Runs `query`: nearest first within the radius when it has an origin
    /// (facilities without a position are then left out), else best text
    /// match then name first.
    ///
    /// ```
    /// use renkei_core::directory_index::DirectoryIndex;
    /// use renkei_core::need::NeedProfile;
    /// use renkei_core::search::SearchQuery;
    /// use renkei_core::{CapabilityCode, LonLat};
    /// let index = DirectoryIndex::build(Vec::new(), 1);
    /// let query = SearchQuery {
    ///     origin: Some(LonLat::new(139.4037, 35.3334).unwrap()), // Longitude, Latitude
    ///     radius_m: 10_000.0,
    ///     profile: NeedProfile { needs: vec![CapabilityCode::new("ventilator").unwrap()], ..NeedProfile::default() },
    ///     include_unknown: true,
    ///     ..SearchQuery::default()
    /// };
    /// let found = index.search(&query);
    /// assert!(found.confirmed.is_empty() && found.unknown.is_empty());
    /// assert_eq!((found.total_confirmed, found.next_offset), (Some(0), None));
    /// ```
    pub fn search(&self, query: &SearchQuery) -> SearchPage {
        let search = self.search_index();
        let records = self.records();
        let (candidates, confirmable) = search.filters.candidates(query);
        let text = query.text.as_ref();
        let keys = text.map(|_| search.text(records));
        let matches_text = |i: usize| match (text, keys) {
            (Some(text), Some(keys)) => text.rank(keys, i),
            _ => Some(TextRank::NamePrefix),
        };
        let mut pager = Pager::new(query, records);
        if let Some(origin) = query.origin {
            if query.include_unknown && !query.profile.needs.is_empty() {
                pager.ranked = Some(self.ranked(query, origin, &candidates, &matches_text));
            }
            // The pages, nearest first; the walk stops once they are complete.
            // With no candidate at all (a need nobody states yes to) there is
            // nothing to walk to or count.
            let walk = if candidates.is_clear() {
                None
            } else {
                Some(self.nearest_first_within(origin, query.radius_m))
            };
            // The walk passes the radius (or runs out) unless the pages stop it.
            let mut walked_out = true;
            for i in walk.into_iter().flatten() {
                // Once the 要確認 page is full, only confirmable facilities matter.
                let wanted = match &confirmable {
                    Some(confirmable) if pager.unknown_page_full() => {
                        if confirmable.is_clear() {
                            walked_out = false;
                            break;
                        }
                        confirmable.contains(i)
                    }
                    _ => candidates.contains(i),
                };
                if !wanted {
                    continue;
                }
                // Facilities come nearest first: the first one past the radius ends the walk.
                let distance_m = self.distance_m(i, origin);
                if distance_m > query.radius_m {
                    break;
                }
                if matches_text(i).is_none() {
                    continue;
                }
                if pager.offer(i, Some(distance_m)) {
                    walked_out = false;
                    break;
                }
            }
            if walked_out {
                pager.finish_walk();
            }
            // The totals, by one pass over everything within the radius
            // (no nearest-first ordering needed).
            if query.count_totals {
                let (mut confirmed, mut unknown) = (0, 0);
                let keep = |i: usize| candidates.contains(i) && matches_text(i).is_some();
                let within = (!candidates.is_clear())
                    .then(|| self.positions_within(origin, query.radius_m, keep));
                for i in within.into_iter().flatten() {
                    match records.tier(i, &query.profile, &pager.needs) {
                        Some(Tier::Confirmed) => confirmed += 1,
                        Some(Tier::Unknown) if query.include_unknown => unknown += 1,
                        _ => {}
                    }
                }
                pager.set_totals(confirmed, unknown);
            }
        } else {
            let mut ranked: Vec<(TextRank, usize)> = search
                .by_name(records)
                .iter()
                .map(|&i| i as usize)
                .filter(|&i| candidates.contains(i))
                .filter_map(|i| Some((matches_text(i)?, i)))
                .collect();
            // Stable: name order within a rank.
            ranked.sort_by_key(|&(rank, _)| rank);
            for (_, i) in ranked {
                if pager.offer(i, None) {
                    break;
                }
            }
        }
        pager.finish()
    }
}

impl DirectoryIndex {
    /// The ranking of the 要確认 list of `query` from `origin`, with the
    /// facilities that evidence features can lift read beforehand.
    fn ranked(
        &self,
        query: &SearchQuery,
        origin: LonLat,
        candidates: &fixedbitset::FixedBitSet,
        matches_text: &dyn Fn(usize) -> Option<TextRank>,
    ) -> Ranked {
        let records = self.records();
        let plan = RelevancePlan::new(&query.profile.needs);
        let needs = NeedBits::of(&query.profile);
        let lifted = self
            .search_index()
            .filters
            .with_features(plan.lifting_features());
        let direct: Vec<(f64, usize, Evidence)> = lifted
            .into_iter()
            .map(|slot| slot as usize)
            .filter(|&i| candidates.contains(i) && records.position(i).is_some())
            .filter(|&i| records.tier(i, &query.profile, &needs) == Some(Tier::Unknown))
            .filter_map(|i| {
                let distance_m = self.distance_m(i, origin);
                (distance_m <= query.radius_m && matches_text(i).is_some()).then(|| {
                    let level = plan.evidence(records.kind_number(i), records.features(i));
                    (distance_m, i, level)
                })
            })
            .collect();
        let kinds: Vec<usize> = if query.profile.kinds.is_empty() {
            (0..records.kind_codes().len()).collect()
        } else {
            query
                .profile
                .kinds
                .iter()
                .map(crate::KindCode::rank)
                .collect()
        };
        let walk_levels = kinds
            .into_iter()
            .fold(0, |levels, kind| levels | plan.kind_levels(kind));
        let wanted = query.offset.saturating_add(query.limit).saturating_add(1);
        Ranked::new(plan, wanted, walk_levels, direct)
    }
}

/// Sorts offered facilities into the two lists and keeps the page of each.
struct Pager<'a> {
    query: &'a SearchQuery,
    records: &'a Records,
    /// The query's needs as capability bits.
    needs: NeedBits,
    page: SearchPage,
    confirmed: usize,
    unknown: usize,
    /// The ranked 要確認 list of a search from a place with needs; without
    /// it the 要確認 list is in result order.
    ranked: Option<Ranked>,
}

impl<'a> Pager<'a> {
    fn new(query: &'a SearchQuery, records: &'a Records) -> Self {
        Self {
            query,
            records,
            needs: NeedBits::of(&query.profile),
            page: SearchPage::default(),
            confirmed: 0,
            unknown: 0,
            ranked: None,
        }
    }

    /// Marks the walk from the place as having passed the radius.
    fn finish_walk(&mut self) {
        if let Some(ranked) = &mut self.ranked {
            ranked.finish_walk();
        }
    }

    /// True when the 要確認 page is known: full and one more seen.
    fn unknown_known(&self) -> bool {
        match &self.ranked {
            Some(ranked) => ranked.determined(),
            None => self.unknown > self.query.offset.saturating_add(self.query.limit),
        }
    }

    /// The evidence and reasons of a 要確認 hit of a search with needs.
    fn relevance(&self, facility: &Facility) -> Option<Relevance> {
        crate::relevance::explain(facility, &self.query.profile.needs)
    }

    /// Takes facility `i` in result order; true when the search can stop
    /// (both pages full and the totals not wanted).
    fn offer(&mut self, i: usize, distance_m: Option<f64>) -> bool {
        let query = self.query;
        // Most offered facilities are only counted: decide the tier from the
        // compact summaries, and decode the record and spell out the
        // per-need answers only for page hits.
        if let Some(tier) = self.records.tier(i, &query.profile, &self.needs) {
            if let (Some(ranked), Some(distance_m)) = (&mut self.ranked, distance_m) {
                ranked.reach(distance_m);
                if tier == Tier::Unknown {
                    let features = self.records.features(i);
                    if !ranked.is_lifted(features) {
                        let level = ranked.plan.evidence(self.records.kind_number(i), features);
                        ranked.offer(i, distance_m, level);
                    }
                    self.unknown += 1;
                    return self.pages_known();
                }
            }
            let (list, seen) = match tier {
                Tier::Confirmed => (&mut self.page.confirmed, &mut self.confirmed),
                Tier::Unknown if query.include_unknown => {
                    (&mut self.page.unknown, &mut self.unknown)
                }
                Tier::Unknown => return false,
            };
            if *seen >= query.offset && list.len() < query.limit {
                let facility = self.records.facility(i);
                let relevance = (tier == Tier::Unknown)
                    .then(|| crate::relevance::explain(&facility, &query.profile.needs))
                    .flatten();
                list.push(Hit {
                    needs: query.profile.need_statuses(&facility),
                    facility,
                    tier,
                    distance_m,
                    relevance,
                });
            }
            *seen += 1;
        }
        self.pages_known()
    }

    /// True when the search can stop: both pages are known and the totals
    /// are not wanted or counted apart.
    fn pages_known(&self) -> bool {
        let query = self.query;
        let end = query.offset.saturating_add(query.limit);
        (!query.count_totals || query.origin.is_some())
            && self.confirmed > end
            && (!query.include_unknown || self.unknown_known())
    }

    /// True when the 要確認 page is full (and one more is known to exist), and
    /// its total is not wanted or is counted apart (searches from a place).
    fn unknown_page_full(&self) -> bool {
        (!self.query.count_totals || self.query.origin.is_some()) && self.unknown_known()
    }

    /// Replaces the counts with totals counted apart.
    fn set_totals(&mut self, confirmed: usize, unknown: usize) {
        self.confirmed = confirmed;
        self.unknown = unknown;
    }

    fn finish(mut self) -> SearchPage {
        let end = self.query.offset.saturating_add(self.query.limit);
        let mut more = self.confirmed > end || self.unknown > end;
        if let Some(ranked) = self.ranked.take() {
            let ordered = ranked.ordered();
            more = more || ordered.len() > end;
            let query = self.query;
            for &(distance_m, i) in ordered.iter().skip(query.offset).take(query.limit) {
                let facility = self.records.facility(i);
                let relevance = self.relevance(&facility);
                let needs = query.profile.need_statuses(&facility);
                self.page.unknown.push(Hit {
                    facility,
                    tier: Tier::Unknown,
                    needs,
                    distance_m: Some(distance_m),
                    relevance,
                });
            }
        }
        self.page.next_offset = more.then_some(end);
        if self.query.count_totals {
            self.page.total_confirmed = Some(self.confirmed);
            self.page.total_unknown = Some(self.unknown);
        }
        self.page
    }
}

#[cfg(test)]
mod tests;
