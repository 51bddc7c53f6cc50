//! Encoding the facilities one at a time into [`Records`].

use super::cold::{Cold, ColdService, SharedProvenance};
use super::{BuildExtras, DatedAnswer, Hot, Records, ServiceSummary, NONE};
use crate::{
    Facility, FacilityStatus, KindCode, LonLat, MunicipalityCode, RegionCode, Taxonomy, Visibility,
};
use std::collections::{BTreeSet, HashMap};
use std::hash::Hash;

/// Gives each distinct value a number, in order of first sight.
pub(super) struct Interner<T> {
    pub(super) values: Vec<T>,
    pub(super) numbers: HashMap<T, u32>,
}

impl<T: Hash + Eq + Clone> Interner<T> {
    fn new() -> Self {
        Self {
            values: Vec::new(),
            numbers: HashMap::new(),
        }
    }

    fn number(&mut self, value: T) -> u32 {
        if let Some(&number) = self.numbers.get(&value) {
            return number;
        }
        let number = u32::try_from(self.values.len()).expect("fewer than 4 billion values");
        self.values.push(value.clone());
        self.numbers.insert(value, number);
        number
    }

    /// The number of `value` as a [`Hot`] reference.
    fn small(&mut self, value: Option<T>) -> u16 {
        value.map_or(NONE, |value| {
            u16::try_from(self.number(value))
                .ok()
                .filter(|&n| n != NONE)
                .expect("fewer than 65,535 distinct codes")
        })
    }
}

/// Records being encoded, in the order given, with the tables filling up.
pub(super) struct Builder {
    pub(super) records: Records,
    pub(super) extras: BuildExtras,
    pub(super) municipalities: Interner<MunicipalityCode>,
    pub(super) regions: Interner<RegionCode>,
    pub(super) provenances: Interner<SharedProvenance>,
    /// Provenance numbers used by active facilities.
    pub(super) active_provenances: BTreeSet<u32>,
}

impl Builder {
    pub(super) fn new(capacity: usize) -> Self {
        let taxonomy = Taxonomy::builtin();
        assert!(
            taxonomy.capabilities.len() <= 32 && taxonomy.kinds.len() < 256,
            "service summaries hold 32 capability bits and 255 kinds"
        );
        let records = Records {
            hot: Vec::with_capacity(capacity),
            services: Vec::with_capacity(capacity),
            kinds: taxonomy
                .kinds
                .iter()
                .map(|t| KindCode::new(&t.code).expect("taxonomy kind"))
                .collect(),
            capabilities: taxonomy.capability_codes().collect(),
            ..Records::default()
        };
        Self {
            records,
            extras: BuildExtras::default(),
            municipalities: Interner::new(),
            regions: Interner::new(),
            provenances: Interner::new(),
            active_provenances: BTreeSet::new(),
        }
    }

    /// Encodes one facility, moving its strings rather than copying them.
    pub(super) fn push(&mut self, facility: Facility) {
        let records = &mut self.records;
        let slot = u32::try_from(records.hot.len()).expect("fewer than 4 billion facilities");
        records.features.push(crate::relevance::features(&facility));
        let Facility {
            id,
            kind,
            name,
            name_kana,
            organization,
            location,
            phones,
            url,
            services,
            status,
            closed_on,
            staff_note,
            visibility,
            accreditations,
            provenance,
        } = facility;
        let assigned = location
            .municipality
            .map(|code| self.municipalities.small(Some(code)));
        let stated = location
            .stated_municipality
            .map(|code| self.municipalities.small(Some(code)));
        let first = u32::try_from(records.services.len()).expect("fewer than 4 billion services");
        let services_len =
            u16::try_from(services.len()).expect("fewer than 65,536 services per facility");
        records
            .services
            .extend(services.iter().map(ServiceSummary::of));
        for (service, position) in services.iter().zip(first..) {
            records.dated.extend(DatedAnswer::of(position, service));
        }
        self.extras.municipalities.push(if assigned == stated {
            [assigned, None]
        } else {
            [assigned, stated]
        });
        self.extras
            .accreditations
            .extend(accreditations.iter().map(|a| (slot, a.code.clone())));
        let provenance_number = self.provenances.number(SharedProvenance {
            source: provenance.source,
            imported_at: provenance.imported_at,
            licence: provenance.licence,
            attribution: provenance.attribution,
            demo: provenance.demo,
        });
        let active = status == FacilityStatus::Active;
        let public = visibility == Visibility::Public;
        if active {
            self.active_provenances.insert(provenance_number);
        }
        let cold = Cold {
            name,
            name_kana,
            organization_name: organization.name,
            address: location.address,
            organization_url: organization.url,
            postal_code: location.postal_code,
            municipality: assigned,
            stated_municipality: stated,
            geocoded: location.geocoded,
            phones,
            url,
            services: services.into_iter().map(ColdService::from).collect(),
            closed_on,
            staff_note,
            visibility,
            accreditations,
            source_record_id: provenance.source_record_id,
            provenance: provenance_number,
        };
        let offset = u32::try_from(records.arena.len()).expect("facility records under 4 GiB");
        records.arena = postcard::to_extend(&cold, std::mem::take(&mut records.arena))
            .expect("records encode into a Vec");
        let kind = records
            .kinds
            .iter()
            .position(|k| *k == kind)
            .expect("kinds are only built from the taxonomy");
        records.hot.push(Hot {
            id,
            lon: location.position.map_or(f64::NAN, LonLat::lon),
            lat: location.position.map_or(f64::NAN, LonLat::lat),
            cold: offset,
            services: first,
            services_len,
            municipality: assigned.or(stated).unwrap_or(NONE),
            region: self.regions.small(location.region),
            kind: u8::try_from(kind).expect("fewer than 256 kinds"),
            active,
            public,
        });
    }
}
