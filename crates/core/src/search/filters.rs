//! Filter bitsets of the search index: one bit per facility (in the index's
//! order) per kind, per stated capability and for "active" and "accepting",
//! plus posting lists per region and municipality (too many of those for a
//! bitset each at national scale).

use super::{Area, SearchQuery};
use crate::directory_index::municipality_span;
use crate::{Answer, CapabilityCode, Facility, FacilityStatus, KindCode, RegionCode};
use fixedbitset::FixedBitSet;
use std::collections::{BTreeMap, HashMap};
use std::hash::Hash;
use std::ops::Bound;

/// Sets bit `i` of `key`'s set, making the set on first use. Looks up before
/// inserting: `entry` would clone the key for every facility.
fn mark<K: Hash + Eq + Clone>(sets: &mut HashMap<K, FixedBitSet>, key: &K, i: usize, len: usize) {
    if let Some(bits) = sets.get_mut(key) {
        bits.insert(i);
    } else {
        let mut bits = FixedBitSet::with_capacity(len);
        bits.insert(i);
        sets.insert(key.clone(), bits);
    }
}

/// The sets a query's filters are intersected from.
#[derive(Debug, Clone, Default)]
pub(super) struct Filters {
    len: usize,
    active: FixedBitSet,
    kinds: HashMap<KindCode, FixedBitSet>,
    /// Facilities where some service states yes for the capability: the only
    /// ones that can be confirmed for it.
    capability_yes: HashMap<CapabilityCode, FixedBitSet>,
    /// Facilities where some service states it accepts new clients.
    accepting_yes: FixedBitSet,
    regions: HashMap<RegionCode, Vec<u32>>,
    /// Keyed by five-digit code text, so a designated city's span is a range.
    municipalities: BTreeMap<String, Vec<u32>>,
}

impl Filters {
    pub(super) fn build(facilities: &[Facility]) -> Self {
        let len = facilities.len();
        let empty = || FixedBitSet::with_capacity(len);
        let mut filters = Self {
            len,
            active: empty(),
            accepting_yes: empty(),
            ..Self::default()
        };
        for (i, facility) in facilities.iter().enumerate() {
            let slot = u32::try_from(i).expect("fewer than 4 billion facilities");
            if facility.status == FacilityStatus::Active {
                filters.active.insert(i);
            }
            mark(&mut filters.kinds, &facility.kind, i, len);
            for service in &facility.services {
                if service.accepting_new_clients == Answer::Yes {
                    filters.accepting_yes.insert(i);
                }
                for fact in service
                    .capabilities
                    .iter()
                    .filter(|f| f.answer == Answer::Yes)
                {
                    mark(&mut filters.capability_yes, &fact.capability, i, len);
                }
            }
            let location = &facility.location;
            if let Some(region) = &location.region {
                filters
                    .regions
                    .entry(region.clone())
                    .or_default()
                    .push(slot);
            }
            let mut codes = [&location.municipality, &location.stated_municipality]
                .into_iter()
                .flatten()
                .map(|code| code.as_str().to_owned())
                .collect::<Vec<_>>();
            codes.dedup();
            for code in codes {
                filters.municipalities.entry(code).or_default().push(slot);
            }
        }
        filters
    }

    /// Facilities that can match `query` on kind, area and status, and — when
    /// only confirmed results are wanted — on stated capabilities and
    /// accepting. With the 要確認 tier wanted, also the subset that can be
    /// confirmed, so a search whose 要確認 page is full skips the rest. Age,
    /// the one-service rule and the text are checked per hit.
    pub(super) fn candidates(&self, query: &SearchQuery) -> (FixedBitSet, Option<FixedBitSet>) {
        let mut set = self.active.clone();
        let kinds = &query.profile.kinds;
        if !kinds.is_empty() {
            let mut any = FixedBitSet::with_capacity(self.len);
            for bits in kinds.iter().filter_map(|kind| self.kinds.get(kind)) {
                any.union_with(bits);
            }
            set.intersect_with(&any);
        }
        if let Some(area) = &query.area {
            let mut inside = FixedBitSet::with_capacity(self.len);
            let slots: Box<dyn Iterator<Item = &u32>> = match area {
                Area::Region(code) => Box::new(self.regions.get(code).into_iter().flatten()),
                Area::Municipality(code) => {
                    let (first, last) = municipality_span(code);
                    Box::new(
                        self.municipalities
                            .range::<str, _>((Bound::Included(first), Bound::Included(last)))
                            .flat_map(|(_, slots)| slots),
                    )
                }
            };
            for &slot in slots {
                inside.insert(slot as usize);
            }
            set.intersect_with(&inside);
        }
        if query.include_unknown {
            let confirmable = self.confirmable(query, set.clone());
            (set, Some(confirmable))
        } else {
            (self.confirmable(query, set), None)
        }
    }

    /// `set` limited to facilities stating yes to every need (and accepting, when asked).
    fn confirmable(&self, query: &SearchQuery, mut set: FixedBitSet) -> FixedBitSet {
        for need in &query.profile.needs {
            match self.capability_yes.get(need) {
                Some(bits) => set.intersect_with(bits),
                None => set.clear(),
            }
        }
        if query.profile.accepting_only {
            set.intersect_with(&self.accepting_yes);
        }
        set
    }
}
