//! Filter bitsets of the search index: one bit per facility (in the index's
//! order) per kind, per stated capability and for "active" and "accepting",
//! plus posting lists per region and municipality (too many of those for a
//! bitset each at national scale).

use super::{Area, SearchQuery};
use crate::directory_index::{BuildExtras, DirectoryQuery, Records};
use crate::{AccreditationCode, CapabilityCode, KindCode, RegionCode};
use fixedbitset::FixedBitSet;
use std::collections::HashMap;

/// The sets a query's filters are intersected from.
#[derive(Debug, Clone, Default)]
pub(crate) struct Filters {
    len: usize,
    active: FixedBitSet,
    kinds: HashMap<KindCode, FixedBitSet>,
    /// Facilities where some service states yes for the capability: the only
    /// ones that can be confirmed for it.
    capability_yes: HashMap<CapabilityCode, FixedBitSet>,
    /// Facilities where some service states it accepts new clients.
    accepting_yes: FixedBitSet,
    regions: HashMap<RegionCode, Vec<u32>>,
    /// Keyed by five-digit code.
    municipalities: HashMap<String, Vec<u32>>,
    /// Hospitals per accreditation (few facilities have any).
    accreditations: HashMap<AccreditationCode, Vec<u32>>,
    /// Facilities per evidence feature bit ([`crate::relevance`]); few
    /// facilities have any, so the search reads them directly.
    features: Vec<Vec<u32>>,
}

impl Filters {
    pub(super) fn build(records: &Records, extras: &BuildExtras) -> Self {
        let len = records.len();
        let empty = || FixedBitSet::with_capacity(len);
        let kinds = records.kind_codes();
        let capabilities = records.capability_codes();
        let mut by_kind = vec![empty(); kinds.len()];
        let mut by_capability = vec![empty(); capabilities.len()];
        let mut filters = Self {
            len,
            active: empty(),
            accepting_yes: empty(),
            ..Self::default()
        };
        let mut municipalities: HashMap<u16, Vec<u32>> = HashMap::new();
        filters.features = vec![Vec::new(); 64];
        for i in 0..len {
            let slot = u32::try_from(i).expect("fewer than 4 billion facilities");
            let mut features = records.features(i);
            while features != 0 {
                let bit = features.trailing_zeros();
                filters.features[bit as usize].push(slot);
                features &= features - 1;
            }
            filters.active.set(i, records.is_active(i));
            by_kind[records.kind_number(i)].insert(i);
            let (yes, accepting) = records.stated_yes(i);
            filters.accepting_yes.set(i, accepting);
            for (bit, bits) in by_capability.iter_mut().enumerate() {
                if yes & (1 << bit) != 0 {
                    bits.insert(i);
                }
            }
            if let Some(region) = records.region(i) {
                if let Some(slots) = filters.regions.get_mut(region) {
                    slots.push(slot);
                } else {
                    filters.regions.insert(region.clone(), vec![slot]);
                }
            }
            for number in extras.municipalities[i].into_iter().flatten() {
                municipalities.entry(number).or_default().push(slot);
            }
        }
        // Only the sets that have a member, as before: a missing set means none.
        filters.kinds = kinds
            .iter()
            .cloned()
            .zip(by_kind)
            .filter(|(_, bits)| !bits.is_clear())
            .collect();
        filters.capability_yes = capabilities
            .iter()
            .cloned()
            .zip(by_capability)
            .filter(|(_, bits)| !bits.is_clear())
            .collect();
        filters.municipalities = municipalities
            .into_iter()
            .map(|(number, slots)| (records.municipality_code(number).as_str().to_owned(), slots))
            .collect();
        for (slot, code) in &extras.accreditations {
            filters
                .accreditations
                .entry(code.clone())
                .or_default()
                .push(*slot);
        }
        filters
    }

    /// The facilities a [`DirectoryQuery`] lists.
    pub(crate) fn directory(&self, query: &DirectoryQuery) -> FixedBitSet {
        let mut set = if query.include_closed {
            let mut all = FixedBitSet::with_capacity(self.len);
            all.insert_range(..);
            all
        } else {
            self.active.clone()
        };
        if let Some(kind) = &query.kind {
            match self.kinds.get(kind) {
                Some(bits) => set.intersect_with(bits),
                None => set.clear(),
            }
        }
        if let Some(region) = &query.region {
            set.intersect_with(&self.area(&Area::Region(region.clone())));
        }
        if let Some(municipality) = &query.municipality {
            set.intersect_with(&self.area(&Area::Municipality(municipality.clone())));
        }
        if let Some(code) = &query.accreditation {
            let mut holders = FixedBitSet::with_capacity(self.len);
            holders.extend(
                self.accreditations
                    .get(code)
                    .into_iter()
                    .flatten()
                    .map(|&slot| slot as usize),
            );
            set.intersect_with(&holders);
        }
        set
    }

    /// The facilities with any of the evidence features `mask`, each once, in index order.
    pub(super) fn with_features(&self, mask: u64) -> Vec<u32> {
        let mut slots: Vec<u32> = (0..64)
            .filter(|bit| mask & (1 << bit) != 0)
            .flat_map(|bit| self.features.get(bit).into_iter().flatten().copied())
            .collect();
        slots.sort_unstable();
        slots.dedup();
        slots
    }

    /// The facilities inside `area`.
    fn area(&self, area: &Area) -> FixedBitSet {
        let mut inside = FixedBitSet::with_capacity(self.len);
        let slots: Box<dyn Iterator<Item = &u32>> = match area {
            Area::Region(code) => Box::new(self.regions.get(code).into_iter().flatten()),
            Area::Municipality(area) => Box::new(
                area.codes()
                    .filter_map(|code| self.municipalities.get(code.as_str()))
                    .flatten(),
            ),
        };
        for &slot in slots {
            inside.insert(slot as usize);
        }
        inside
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
            set.intersect_with(&self.area(area));
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
