//! The facilities of the index, kept compact: at a million locations the
//! full [`Facility`] values took about 1.4 KB each (every string its own
//! allocation), more than three times what the whole index may use.
//!
//! Each facility is split in two:
//! - a fixed-size [`Hot`] entry with what filters, tiers, nearest-first walks,
//!   tiles, coverage and counts read (id, position, kind, status, region,
//!   municipality), plus a [`ServiceSummary`] per service with its ages,
//!   accepting answer and capability answers as bits;
//! - the rest, encoded with postcard into one byte arena, decoded only for the
//!   facilities actually returned (hits, pages, a facility by id). Repeated
//!   values (provenance, municipality codes, capability codes) are stored once
//!   in tables and referred to by number.

use crate::need::{NeedProfile, ServiceFacts, Tier};
use crate::{
    AccreditationCode, AgeRange, Answer, CapabilityCode, Facility, FacilityId, FacilityStatus,
    KindCode, Location, LonLat, MunicipalityCode, Organization, Provenance, RegionCode, Service,
    Taxonomy,
};
use chrono::NaiveDate;

mod build;
mod cold;

use build::Builder;
pub(crate) use cold::ColdText;
use cold::{Cold, SharedProvenance};

/// Marks "none" in the small-number references of [`Hot`].
const NONE: u16 = u16::MAX;

/// What every query reads of one facility, 48 bytes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Hot {
    id: FacilityId,
    /// WGS 84 longitude and latitude in degrees; NaN when there is no position.
    lon: f64,
    lat: f64,
    /// Offset of the encoded rest ([`Cold`]) in the arena.
    cold: u32,
    /// First of this facility's [`ServiceSummary`]s.
    services: u32,
    services_len: u16,
    /// Municipality the facility is listed under (assigned, else stated), in
    /// [`Records::municipalities`], or [`NONE`].
    municipality: u16,
    /// 二次医療圏 in [`Records::regions`], or [`NONE`].
    region: u16,
    /// Position in the taxonomy's kinds.
    kind: u8,
    active: bool,
    /// False for a staff-only record, which no public output shows.
    public: bool,
}

/// What the tier rule reads of one service: ages, accepting, and the stated
/// capability answers as bits (bit `i` is the taxonomy's `i`-th capability).
#[derive(Debug, Clone, Copy)]
pub(crate) struct ServiceSummary {
    yes: u32,
    no: u32,
    ages: AgeRange,
    accepting: Answer,
}

impl ServiceSummary {
    /// Summarises `service`. The first fact stated for a capability decides
    /// it, as in [`Service::capability`].
    fn of(service: &Service) -> Self {
        let (mut yes, mut no, mut seen) = (0, 0, 0);
        for fact in &service.capabilities {
            let bit = capability_bit(&fact.capability);
            if seen & bit == 0 {
                seen |= bit;
                match fact.answer {
                    Answer::Yes => yes |= bit,
                    Answer::No => no |= bit,
                    Answer::Unknown => {}
                }
            }
        }
        Self {
            yes,
            no,
            ages: service.ages,
            accepting: service.accepting_new_clients,
        }
    }
}

/// The bit of `capability` in [`ServiceSummary`] answers: its position in the taxonomy.
fn capability_bit(capability: &CapabilityCode) -> u32 {
    1 << capability_index(capability)
}

fn capability_index(capability: &CapabilityCode) -> u8 {
    let position = Taxonomy::builtin()
        .capabilities
        .iter()
        .position(|term| term.code == capability.as_str())
        .expect("capability codes are only built from the taxonomy");
    u8::try_from(position).expect("fewer than 256 capabilities")
}

/// The confirmation date of one stated yes/no answer of one service, kept
/// apart from [`ServiceSummary`] because few answers are dated: what the
/// lapse rule ([`NeedProfile::lapsed_before`]) reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct DatedAnswer {
    /// Position of the service in [`Records::services`].
    service: u32,
    /// Capability bit, as in [`ServiceSummary`].
    bit: u32,
    /// Asia/Tokyo date the answer was confirmed.
    on: NaiveDate,
}

impl DatedAnswer {
    /// The dated yes/no answers of `service`, at position `position`.
    fn of(position: u32, service: &Service) -> impl Iterator<Item = Self> + '_ {
        let mut seen = 0;
        service.capabilities.iter().filter_map(move |fact| {
            let bit = capability_bit(&fact.capability);
            let first = seen & bit == 0;
            seen |= bit;
            let on = fact.verified.as_ref()?.on;
            (first && fact.answer != Answer::Unknown).then_some(Self {
                service: position,
                bit,
                on,
            })
        })
    }
}

/// A profile's needs as bits, worked out once per query.
#[derive(Debug, Clone)]
pub(crate) struct NeedBits(Vec<u32>);

impl NeedBits {
    pub(crate) fn of(profile: &NeedProfile) -> Self {
        Self(profile.needs.iter().map(capability_bit).collect())
    }
}

/// A [`ServiceSummary`] judged against a profile's needs.
#[derive(Clone, Copy)]
struct SummaryFacts<'a> {
    summary: &'a ServiceSummary,
    needs: &'a [u32],
    /// Position of the summary in [`Records::services`].
    position: u32,
    profile: &'a NeedProfile,
    /// [`Records::dated`].
    dated: &'a [DatedAnswer],
}

impl SummaryFacts<'_> {
    /// True when the stated answer for `bit` has lapsed under the profile.
    fn is_lapsed(&self, bit: u32) -> bool {
        if self.profile.lapsed_before.is_none() || self.dated.is_empty() {
            return false;
        }
        let on = self
            .dated
            .binary_search_by(|d| (d.service, d.bit).cmp(&(self.position, bit)))
            .ok()
            .map(|found| self.dated[found].on);
        self.profile.is_lapsed(on)
    }
}

impl ServiceFacts for SummaryFacts<'_> {
    fn ages(&self) -> AgeRange {
        self.summary.ages
    }

    fn accepting_new_clients(&self) -> Answer {
        self.summary.accepting
    }

    fn need_answer(&self, n: usize) -> Answer {
        let bit = self.needs[n];
        if (self.summary.yes | self.summary.no) & bit != 0 && self.is_lapsed(bit) {
            Answer::Unknown
        } else if self.summary.yes & bit != 0 {
            Answer::Yes
        } else if self.summary.no & bit != 0 {
            Answer::No
        } else {
            Answer::Unknown
        }
    }
}

/// What the filters need beyond [`Hot`] while the index is built, in index order.
#[derive(Debug, Default)]
pub(crate) struct BuildExtras {
    /// Municipality codes (assigned and stated, deduplicated) per facility.
    pub(crate) municipalities: Vec<[Option<u16>; 2]>,
    /// Accreditations as (position in the index, code).
    pub(crate) accreditations: Vec<(u32, AccreditationCode)>,
}

/// The facilities of an index, in index order.
#[derive(Debug, Clone, Default)]
pub(crate) struct Records {
    hot: Vec<Hot>,
    services: Vec<ServiceSummary>,
    /// Dated answers, sorted by service position and bit.
    dated: Vec<DatedAnswer>,
    arena: Vec<u8>,
    /// Positions in index order, sorted by id.
    by_id: Vec<u32>,
    kinds: Vec<KindCode>,
    municipalities: Vec<MunicipalityCode>,
    regions: Vec<RegionCode>,
    provenances: Vec<SharedProvenance>,
    capabilities: Vec<CapabilityCode>,
    /// Attribution lines of the active facilities, sorted, without repeats.
    attributions: Vec<String>,
    /// Evidence features per facility ([`crate::relevance`]): accreditations,
    /// welfare service types and departments named, as bits.
    features: Vec<u64>,
}

impl Records {
    /// Encodes `facilities` and orders them by kind code, name, id.
    pub(crate) fn build(facilities: impl IntoIterator<Item = Facility>) -> (Self, BuildExtras) {
        let facilities = facilities.into_iter();
        let mut builder = Builder::new(facilities.size_hint().0);
        for facility in facilities {
            builder.push(facility);
        }
        let Builder {
            mut records,
            mut extras,
            municipalities,
            regions,
            provenances,
            active_provenances,
        } = builder;
        records.arena.shrink_to_fit();
        records.services.shrink_to_fit();
        records.dated.sort_unstable();
        records.dated.shrink_to_fit();
        records.municipalities = municipalities.values;
        records.regions = regions.values;
        records.provenances = provenances.values;
        records.attributions = active_provenances
            .into_iter()
            .map(|n| records.provenances[n as usize].attribution.clone())
            .filter(|line| !line.is_empty())
            .collect();
        records.attributions.sort_unstable();
        records.attributions.dedup();
        let order = records.listing_order();
        records.hot = order.iter().map(|&i| records.hot[i as usize]).collect();
        records.features = order
            .iter()
            .map(|&i| records.features[i as usize])
            .collect();
        extras.municipalities = order
            .iter()
            .map(|&i| extras.municipalities[i as usize])
            .collect();
        let mut slot_of = vec![0_u32; order.len()];
        for (slot, &i) in order.iter().enumerate() {
            slot_of[i as usize] = u32::try_from(slot).expect("fewer than 4 billion facilities");
        }
        for (slot, _) in &mut extras.accreditations {
            *slot = slot_of[*slot as usize];
        }
        records.by_id = (0..records.hot.len())
            .map(|i| u32::try_from(i).expect("fewer than 4 billion facilities"))
            .collect();
        records.by_id.sort_by_key(|&i| records.hot[i as usize].id);
        (records, extras)
    }

    /// Positions ordered by kind code, name, id (the store's listing order).
    fn listing_order(&self) -> Vec<u32> {
        let mut kind_rank: Vec<usize> = (0..self.kinds.len()).collect();
        kind_rank.sort_by_key(|&k| self.kinds[k].as_str());
        let mut rank_of = vec![0_u8; self.kinds.len()];
        for (rank, &k) in kind_rank.iter().enumerate() {
            rank_of[k] = u8::try_from(rank).expect("fewer than 256 kinds");
        }
        let mut keys: Vec<(u8, &str, FacilityId, u32)> = self
            .hot
            .iter()
            .enumerate()
            .map(|(i, hot)| {
                (
                    rank_of[usize::from(hot.kind)],
                    self.cold_name(hot),
                    hot.id,
                    u32::try_from(i).expect("fewer than 4 billion facilities"),
                )
            })
            .collect();
        keys.sort_unstable();
        keys.into_iter().map(|(.., i)| i).collect()
    }

    /// Number of facilities.
    pub(crate) fn len(&self) -> usize {
        self.hot.len()
    }

    /// Position of the facility with `id`.
    pub(crate) fn position_of(&self, id: FacilityId) -> Option<usize> {
        self.by_id
            .binary_search_by_key(&id, |&i| self.hot[i as usize].id)
            .ok()
            .map(|found| self.by_id[found] as usize)
    }

    /// Id of facility `i`.
    pub(crate) fn id(&self, i: usize) -> FacilityId {
        self.hot[i].id
    }

    /// Kind of facility `i`.
    pub(crate) fn kind(&self, i: usize) -> &KindCode {
        &self.kinds[usize::from(self.hot[i].kind)]
    }

    /// True when facility `i` is not closed.
    pub(crate) fn is_active(&self, i: usize) -> bool {
        self.hot[i].active
    }

    /// False when facility `i` is a staff-only record.
    pub(crate) fn is_public(&self, i: usize) -> bool {
        self.hot[i].public
    }

    /// WGS 84 position of facility `i`.
    pub(crate) fn position(&self, i: usize) -> Option<LonLat> {
        let hot = &self.hot[i];
        LonLat::new(hot.lon, hot.lat).ok()
    }

    /// 二次医療圏 of facility `i`.
    pub(crate) fn region(&self, i: usize) -> Option<&RegionCode> {
        self.regions.get(usize::from(self.hot[i].region))
    }

    /// Municipality facility `i` is listed under: assigned, else stated.
    pub(crate) fn municipality(&self, i: usize) -> Option<&MunicipalityCode> {
        self.municipalities
            .get(usize::from(self.hot[i].municipality))
    }

    /// The municipality code numbered `number` in [`BuildExtras`].
    pub(crate) fn municipality_code(&self, number: u16) -> &MunicipalityCode {
        &self.municipalities[usize::from(number)]
    }

    /// Kind code of every kind number, as the hot entries refer to them.
    pub(crate) fn kind_codes(&self) -> &[KindCode] {
        &self.kinds
    }

    /// Evidence features of facility `i` ([`crate::relevance`]).
    pub(crate) fn features(&self, i: usize) -> u64 {
        self.features[i]
    }

    /// Kind number of facility `i` (see [`Records::kind_codes`]).
    pub(crate) fn kind_number(&self, i: usize) -> usize {
        usize::from(self.hot[i].kind)
    }

    /// The capability bits some service of facility `i` states yes for, and
    /// whether some service states it accepts new clients.
    pub(crate) fn stated_yes(&self, i: usize) -> (u32, bool) {
        self.summaries(i)
            .iter()
            .fold((0, false), |(yes, accepting), s| {
                (yes | s.yes, accepting || s.accepting == Answer::Yes)
            })
    }

    /// The capability codes, by bit position.
    pub(crate) fn capability_codes(&self) -> &[CapabilityCode] {
        &self.capabilities
    }

    fn summaries(&self, i: usize) -> &[ServiceSummary] {
        let hot = &self.hot[i];
        let start = hot.services as usize;
        &self.services[start..start + usize::from(hot.services_len)]
    }

    /// The tier of facility `i` for `profile` ([`NeedProfile::tier`] over the
    /// summaries); `needs` is [`NeedBits::of`] the profile.
    pub(crate) fn tier(&self, i: usize, profile: &NeedProfile, needs: &NeedBits) -> Option<Tier> {
        let first = self.hot[i].services;
        profile.tier_over(
            self.hot[i].active,
            self.kind(i),
            self.summaries(i)
                .iter()
                .enumerate()
                .map(|(n, summary)| SummaryFacts {
                    summary,
                    needs: &needs.0,
                    position: first + u32::try_from(n).expect("fewer than 65,536 services"),
                    profile,
                    dated: &self.dated,
                }),
        )
    }

    fn cold_bytes(&self, hot: &Hot) -> &[u8] {
        &self.arena[hot.cold as usize..]
    }

    fn cold_name<'a>(&'a self, hot: &Hot) -> &'a str {
        postcard::take_from_bytes::<&str>(self.cold_bytes(hot))
            .expect("the index decodes the records it encoded")
            .0
    }

    /// Name of facility `i`, without decoding the rest.
    pub(crate) fn name(&self, i: usize) -> &str {
        self.cold_name(&self.hot[i])
    }

    /// Names, reading, organisation and address of facility `i`.
    pub(crate) fn text(&self, i: usize) -> ColdText<'_> {
        postcard::take_from_bytes::<ColdText<'_>>(self.cold_bytes(&self.hot[i]))
            .expect("the index decodes the records it encoded")
            .0
    }

    /// Attribution lines of the active facilities, sorted, without repeats
    /// or empty ones.
    pub(crate) fn attributions(&self) -> &[String] {
        &self.attributions
    }

    /// Facility `i` in full, decoded.
    pub(crate) fn facility(&self, i: usize) -> Facility {
        let hot = &self.hot[i];
        let cold: Cold = postcard::from_bytes(self.cold_bytes(hot))
            .expect("the index decodes the records it encoded");
        let shared = &self.provenances[cold.provenance as usize];
        let municipality = |number: Option<u16>| number.map(|n| self.municipality_code(n).clone());
        Facility {
            id: hot.id,
            kind: self.kind(i).clone(),
            name: cold.name,
            name_kana: cold.name_kana,
            organization: Organization {
                name: cold.organization_name,
                url: cold.organization_url,
            },
            location: Location {
                address: cold.address,
                postal_code: cold.postal_code,
                position: self.position(i),
                stated_municipality: municipality(cold.stated_municipality),
                municipality: municipality(cold.municipality),
                region: self.region(i).cloned(),
                geocoded: cold.geocoded,
            },
            phones: cold.phones,
            url: cold.url,
            services: cold
                .services
                .into_iter()
                .map(|service| service.into_service(&self.capabilities))
                .collect(),
            status: if hot.active {
                FacilityStatus::Active
            } else {
                FacilityStatus::Closed
            },
            closed_on: cold.closed_on,
            staff_note: cold.staff_note,
            visibility: cold.visibility,
            accreditations: cold.accreditations,
            provenance: Provenance {
                source: shared.source.clone(),
                source_record_id: cold.source_record_id,
                imported_at: shared.imported_at,
                licence: shared.licence.clone(),
                attribution: shared.attribution.clone(),
                demo: shared.demo,
            },
        }
    }
}
