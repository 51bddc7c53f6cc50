//! The one place where importers turn a source row into a [`Facility`]: every
//! importer fills a [`FacilityDraft`] and calls [`FacilityDraft::into_facility`],
//! so ids, provenance and defaults are made the same way for every source.

use chrono::{DateTime, Utc};
use renkei_core::source_text::{clean_address, clean_name};
use renkei_core::{
    AgeRange, Answer, Facility, FacilityId, FacilityStatus, KindCode, Location, LonLat,
    MunicipalityCode, Organization, Phone, Provenance, Schedule, Service, ServiceTypeCode,
    Visibility,
};
use renkei_store::SourceInfo;

/// A service as a source states it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceDraft {
    /// Key unique within the facility (e.g. the welfare service-type code).
    pub key: String,
    /// Name shown to users.
    pub name: String,
    /// Welfare service type, when the source states one.
    pub service_type: Option<ServiceTypeCode>,
    /// Respite (short-stay) beds, when stated.
    pub respite_beds: Option<u32>,
    /// Opening hours as stated.
    pub schedules: Vec<Schedule>,
}

/// A facility as one source row states it, before ids and provenance are added.
#[derive(Debug, Clone, PartialEq)]
pub struct FacilityDraft {
    /// 1-based line of the row in its file, for reports; 0 for authored records.
    pub source_line: u64,
    /// The record's id in its source.
    pub record_id: String,
    /// Facility kind.
    pub kind: KindCode,
    /// Name shown to users.
    pub name: String,
    /// Reading (katakana or hiragana as the source gives it).
    pub name_kana: Option<String>,
    /// Operating organisation; the facility name when the source has none.
    pub organization: Option<String>,
    /// Organisation web site.
    pub organization_url: Option<String>,
    /// Full address, prefecture first when the source has it.
    pub address: String,
    /// Postal code, seven digits.
    pub postal_code: Option<String>,
    /// Municipality code the source states.
    pub municipality: Option<MunicipalityCode>,
    /// Position, WGS 84 lon/lat.
    pub position: Option<LonLat>,
    /// Public phone numbers with labels.
    pub phones: Vec<(String, Option<String>)>,
    /// Facility web site.
    pub url: Option<String>,
    /// Services offered.
    pub services: Vec<ServiceDraft>,
}

impl FacilityDraft {
    /// The facility record, with id and provenance from `source`. Care
    /// capabilities start unknown: no official source states them. Names and
    /// the address are cleaned for display ([`renkei_core::source_text`]:
    /// 外字 to standard characters, a repeated building or municipality once).
    pub fn into_facility(self, source: &SourceInfo, imported_at: DateTime<Utc>) -> Facility {
        Facility {
            id: FacilityId::from_source(&source.key, &self.record_id),
            kind: self.kind,
            organization: Organization {
                name: clean_name(self.organization.as_deref().unwrap_or(&self.name)),
                url: self.organization_url,
            },
            name: clean_name(&self.name),
            name_kana: self.name_kana.as_deref().map(clean_name),
            location: Location {
                address: clean_address(&self.address),
                postal_code: self.postal_code,
                position: self.position,
                stated_municipality: self.municipality,
                municipality: None,
                region: None,
                geocoded: None,
            },
            phones: self
                .phones
                .into_iter()
                .map(|(number, label)| Phone {
                    number,
                    label,
                    visibility: Visibility::Public,
                })
                .collect(),
            url: self.url,
            services: self
                .services
                .into_iter()
                .map(|s| Service {
                    key: s.key,
                    name: s.name,
                    service_type: s.service_type,
                    ages: AgeRange::default(),
                    accepting_new_clients: Answer::Unknown,
                    respite_beds: s.respite_beds,
                    verified: None,
                    capabilities: Vec::new(),
                    schedules: s.schedules,
                })
                .collect(),
            status: FacilityStatus::Active,
            closed_on: None,
            staff_note: None,
            // Open data is published; staff-only records are entered by staff.
            visibility: Visibility::Public,
            accreditations: Vec::new(),
            provenance: Provenance {
                source: source.key.clone(),
                source_record_id: self.record_id,
                imported_at,
                licence: source.licence.clone(),
                attribution: source.attribution.clone(),
                demo: source.demo,
            },
        }
    }
}
