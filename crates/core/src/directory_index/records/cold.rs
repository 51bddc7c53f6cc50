//! The part of each record kept encoded in the arena, and its conversions
//! from and to the full [`Service`].

use super::capability_index;
use crate::geocode::Precision;
use crate::{
    Accreditation, AgeRange, Answer, CapabilityCode, CapabilityFact, Phone, Schedule, Service,
    ServiceTypeCode, Verification, Visibility,
};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Provenance shared by the records of one import: stored once.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) struct SharedProvenance {
    pub(super) source: String,
    pub(super) imported_at: DateTime<Utc>,
    pub(super) licence: String,
    pub(super) attribution: String,
    pub(super) demo: bool,
}

/// Everything of a facility that is not in [`Hot`], as encoded in the arena.
/// The text fields come first so that text keys and the listing order can
/// read them without decoding the rest ([`ColdText`]).
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct Cold {
    pub(super) name: String,
    pub(super) name_kana: Option<String>,
    pub(super) organization_name: String,
    pub(super) address: String,
    pub(super) organization_url: Option<String>,
    pub(super) postal_code: Option<String>,
    /// In [`Records::municipalities`].
    pub(super) municipality: Option<u16>,
    pub(super) stated_municipality: Option<u16>,
    pub(super) geocoded: Option<Precision>,
    pub(super) phones: Vec<Phone>,
    pub(super) url: Option<String>,
    pub(super) services: Vec<ColdService>,
    pub(super) closed_on: Option<NaiveDate>,
    pub(super) staff_note: Option<String>,
    pub(super) visibility: Visibility,
    pub(super) accreditations: Vec<Accreditation>,
    pub(super) source_record_id: String,
    /// In [`Records::provenances`].
    pub(super) provenance: u32,
}

/// The leading text fields of [`Cold`], borrowed from the arena.
#[derive(Debug, Deserialize)]
pub(crate) struct ColdText<'a> {
    /// Name shown to users.
    pub(crate) name: &'a str,
    /// Reading in katakana.
    pub(crate) name_kana: Option<&'a str>,
    /// Name of the organisation running it.
    pub(crate) organization_name: &'a str,
    /// Address in Japanese.
    pub(crate) address: &'a str,
}

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct ColdService {
    pub(super) key: String,
    pub(super) name: String,
    pub(super) service_type: Option<ServiceTypeCode>,
    pub(super) ages: AgeRange,
    pub(super) accepting_new_clients: Answer,
    pub(super) respite_beds: Option<u32>,
    pub(super) verified: Option<Verification>,
    pub(super) capabilities: Vec<ColdFact>,
    pub(super) schedules: Vec<Schedule>,
}

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct ColdFact {
    /// Position in the taxonomy's capabilities.
    pub(super) capability: u8,
    pub(super) answer: Answer,
    pub(super) verified: Option<Verification>,
    pub(super) staff_note: Option<String>,
}

impl From<Service> for ColdService {
    fn from(service: Service) -> Self {
        Self {
            key: service.key,
            name: service.name,
            service_type: service.service_type,
            ages: service.ages,
            accepting_new_clients: service.accepting_new_clients,
            respite_beds: service.respite_beds,
            verified: service.verified,
            capabilities: service
                .capabilities
                .into_iter()
                .map(|fact| ColdFact {
                    capability: capability_index(&fact.capability),
                    answer: fact.answer,
                    verified: fact.verified,
                    staff_note: fact.staff_note,
                })
                .collect(),
            schedules: service.schedules,
        }
    }
}

impl ColdService {
    pub(super) fn into_service(self, capabilities: &[CapabilityCode]) -> Service {
        Service {
            key: self.key,
            name: self.name,
            service_type: self.service_type,
            ages: self.ages,
            accepting_new_clients: self.accepting_new_clients,
            respite_beds: self.respite_beds,
            verified: self.verified,
            capabilities: self
                .capabilities
                .into_iter()
                .map(|fact| CapabilityFact {
                    capability: capabilities[usize::from(fact.capability)].clone(),
                    answer: fact.answer,
                    verified: fact.verified,
                    staff_note: fact.staff_note,
                })
                .collect(),
            schedules: self.schedules,
        }
    }
}
