//! Facilities: the directory's records, aligned with Open Referral HSDS 3.0.
//!
//! A [`Facility`] is one place where an organisation serves families (an HSDS
//! `location` with its `organization` and the `service`s offered there). It is
//! keyed by its provenance: the same (source, source record id) always gives the
//! same [`FacilityId`], so imports are idempotent and ids survive a copy
//! between databases.
//!
//! Staff-only fields ([`Visibility::StaffOnly`] phones, `staff_note`s) and
//! staff-only records live in this model; every public output is built from a
//! [`crate::PublicFacility`], which has neither.

use crate::{CapabilityCode, KindCode, LonLat, MunicipalityCode, RegionCode, ServiceTypeCode};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Stable id of a facility: UUID v5 of its (source, source record id).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FacilityId(pub Uuid);

/// Namespace for renkei's UUID v5 ids.
const ID_NAMESPACE: Uuid = Uuid::from_u128(0x6f1c_2a3e_9b7d_4c15_8e2f_5a4b_3c2d_1e0f);

impl FacilityId {
    /// The id a record from `source` with id `source_record_id` gets.
    pub fn from_source(source: &str, source_record_id: &str) -> Self {
        Self(derived_id("facility", source, source_record_id))
    }
}

impl std::fmt::Display for FacilityId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// A deterministic UUID v5 for a child entity (`kind`) of a source record.
pub fn derived_id(kind: &str, source: &str, key: &str) -> Uuid {
    Uuid::new_v5(
        &ID_NAMESPACE,
        format!("{kind}\u{1f}{source}\u{1f}{key}").as_bytes(),
    )
}

/// Yes / no / unknown. Official data rarely states care capabilities, so
/// `Unknown` is the honest default and is never shown as yes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    /// Confirmed: the facility can.
    Yes,
    /// Confirmed: the facility cannot.
    No,
    /// Nobody has confirmed either way (要確認).
    #[default]
    Unknown,
}

impl Answer {
    /// Stable text form (`yes`, `no`, `unknown`), as stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Yes => "yes",
            Self::No => "no",
            Self::Unknown => "unknown",
        }
    }

    /// Parses the stable text form.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "yes" => Some(Self::Yes),
            "no" => Some(Self::No),
            "unknown" => Some(Self::Unknown),
            _ => None,
        }
    }
}

/// Who may see a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    /// Anyone.
    #[default]
    Public,
    /// Consultation-desk staff only; never in a public response.
    StaffOnly,
}

impl Visibility {
    /// Stable text form (`public`, `staff_only`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Public => "public",
            Self::StaffOnly => "staff_only",
        }
    }

    /// Parses the stable text form.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "public" => Some(Self::Public),
            "staff_only" => Some(Self::StaffOnly),
            _ => None,
        }
    }
}

/// Whether a facility is operating.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FacilityStatus {
    /// Operating.
    #[default]
    Active,
    /// No longer in its source (or reported closed); kept with the date.
    Closed,
}

impl FacilityStatus {
    /// Stable text form (`active`, `closed`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Closed => "closed",
        }
    }

    /// Parses the stable text form.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "active" => Some(Self::Active),
            "closed" => Some(Self::Closed),
            _ => None,
        }
    }
}

/// Who confirmed a fact and when. The verifier is an organisation, never a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verification {
    /// Date the fact was last confirmed (Asia/Tokyo calendar date).
    pub on: NaiveDate,
    /// Organisation that confirmed it (e.g. 茅ヶ崎保健福祉事務所).
    pub by_organization: String,
}

/// Where a record came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    /// Source key (e.g. `demo`, `mhlw-hospitals`).
    pub source: String,
    /// The record's id in that source (e.g. 医療機関コード, 事業所番号).
    pub source_record_id: String,
    /// When this record was last written by an import (UTC).
    pub imported_at: DateTime<Utc>,
    /// Licence of the source (e.g. `CC BY 4.0`).
    pub licence: String,
    /// Credit line the licence asks for.
    pub attribution: String,
    /// True for the authored demo directory: not a complete or verified list.
    pub demo: bool,
}

/// The organisation that runs a facility (HSDS `organization`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organization {
    /// Legal or common name.
    pub name: String,
    /// Web site.
    pub url: Option<String>,
}

/// Where the facility is (HSDS `location` + `address`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Location {
    /// Full address as written in Japanese, prefecture first.
    pub address: String,
    /// Postal code, seven digits without hyphen.
    pub postal_code: Option<String>,
    /// WGS 84 position, or `None` when the source gives none and geocoding failed.
    pub position: Option<LonLat>,
    /// Municipality code the source states.
    pub stated_municipality: Option<MunicipalityCode>,
    /// Municipality the position falls in (point-in-polygon), when assigned.
    pub municipality: Option<MunicipalityCode>,
    /// 二次医療圏 the position falls in, when assigned.
    pub region: Option<RegionCode>,
    /// How the position was found when the source gave none: at a 町丁目 point
    /// or only at the municipality. `None` when the position is the source's own.
    #[serde(default)]
    pub geocoded: Option<crate::geocode::Precision>,
}

/// A phone number (HSDS `phone`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Phone {
    /// Number as dialled in Japan, e.g. `0467-52-1111`.
    pub number: String,
    /// What the number is for (代表, 相談窓口 …).
    pub label: Option<String>,
    /// Public, or staff-only (e.g. a direct line between desks).
    pub visibility: Visibility,
}

/// Opening hours for one or more weekdays (HSDS `schedule`, simplified).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schedule {
    /// Weekdays as iCalendar BYDAY codes, e.g. `["MO","TU","WE","TH","FR"]`.
    pub weekdays: Vec<String>,
    /// Opening time `HH:MM` (Asia/Tokyo).
    pub opens_at: Option<String>,
    /// Closing time `HH:MM` (Asia/Tokyo).
    pub closes_at: Option<String>,
    /// Free text, e.g. 祝日・年末年始を除く.
    pub description: Option<String>,
}

/// Inclusive age range served, in whole years.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AgeRange {
    /// Youngest age served (years), `None` if not stated.
    pub min_years: Option<u8>,
    /// Oldest age served (years), `None` if not stated.
    pub max_years: Option<u8>,
}

impl AgeRange {
    /// True when `age_years` is inside the range; an unstated bound does not exclude.
    pub fn contains(self, age_years: u8) -> bool {
        self.min_years.is_none_or(|min| age_years >= min)
            && self.max_years.is_none_or(|max| age_years <= max)
    }
}

/// One stated care capability of a service. Capabilities not listed are unknown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CapabilityFact {
    /// Which 医療的ケア item.
    pub capability: CapabilityCode,
    /// Yes / no / unknown.
    pub answer: Answer,
    /// Who confirmed it and when.
    pub verified: Option<Verification>,
    /// Staff-only remark (e.g. conditions agreed by phone). Never public.
    pub staff_note: Option<String>,
}

/// A service offered at the facility (HSDS `service`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Service {
    /// Key of the service inside its facility, stable across imports (e.g. the
    /// welfare service type, or `main`).
    pub key: String,
    /// Name shown to users.
    pub name: String,
    /// Welfare service type, for disability-welfare services.
    pub service_type: Option<ServiceTypeCode>,
    /// Ages served.
    pub ages: AgeRange,
    /// Whether new clients are being accepted.
    pub accepting_new_clients: Answer,
    /// Respite (short-stay) beds, when stated.
    pub respite_beds: Option<u32>,
    /// Verification of the accepting/respite facts.
    pub verified: Option<Verification>,
    /// Stated capabilities; anything missing is unknown.
    pub capabilities: Vec<CapabilityFact>,
    /// Opening hours.
    pub schedules: Vec<Schedule>,
}

impl Service {
    /// The answer for `capability`, `Unknown` when not stated.
    pub fn capability(&self, capability: &CapabilityCode) -> Answer {
        self.capabilities
            .iter()
            .find(|fact| &fact.capability == capability)
            .map_or(Answer::Unknown, |fact| fact.answer)
    }
}

/// A hospital accreditation (施設基準の届出) such as NICU or 小児入院医療管理料２,
/// as a 地方厚生局 list states it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Accreditation {
    /// Which accreditation.
    pub code: crate::AccreditationCode,
    /// Date it applies from (算定開始年月日), when stated.
    pub since: Option<NaiveDate>,
}

/// A facility: one place of one organisation with its services.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Facility {
    /// Stable id, see [`FacilityId::from_source`].
    pub id: FacilityId,
    /// What kind of place this is.
    pub kind: KindCode,
    /// Name shown to users.
    pub name: String,
    /// Reading in katakana, when the source has it.
    pub name_kana: Option<String>,
    /// Who runs it.
    pub organization: Organization,
    /// Where it is.
    pub location: Location,
    /// Phone numbers.
    pub phones: Vec<Phone>,
    /// Web site of the facility itself.
    pub url: Option<String>,
    /// Services offered here.
    pub services: Vec<Service>,
    /// Operating or closed.
    pub status: FacilityStatus,
    /// Date it was found closed.
    pub closed_on: Option<NaiveDate>,
    /// Staff-only remark. Never public.
    pub staff_note: Option<String>,
    /// Public, or staff-only for the whole record (a provider that asked not to
    /// be published): such a record is never in a public output.
    #[serde(default)]
    pub visibility: Visibility,
    /// Hospital accreditations (NICU, PICU, 小児入院医療管理料 …), from their own
    /// list; imports of the facility itself never change them.
    #[serde(default)]
    pub accreditations: Vec<Accreditation>,
    /// Where the record came from.
    pub provenance: Provenance,
}

impl Facility {
    /// Answer for `capability` across all services: yes if any service says yes,
    /// no only if every service says no, otherwise unknown.
    pub fn capability(&self, capability: &CapabilityCode) -> Answer {
        let answers: Vec<Answer> = self
            .services
            .iter()
            .map(|s| s.capability(capability))
            .collect();
        if answers.contains(&Answer::Yes) {
            Answer::Yes
        } else if !answers.is_empty() && answers.iter().all(|a| *a == Answer::No) {
            Answer::No
        } else {
            Answer::Unknown
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_deterministic_per_source_record() {
        let a = FacilityId::from_source("demo", "1");
        assert_eq!(a, FacilityId::from_source("demo", "1"));
        assert_ne!(a, FacilityId::from_source("demo", "2"));
        assert_ne!(a, FacilityId::from_source("other", "1"));
    }

    #[test]
    fn age_range_treats_missing_bounds_as_open() {
        let range = AgeRange {
            min_years: Some(3),
            max_years: None,
        };
        assert!(!range.contains(2));
        assert!(range.contains(17));
        assert!(AgeRange::default().contains(0));
    }

    #[test]
    fn unstated_capability_is_unknown_never_yes() {
        let service = Service {
            key: "main".into(),
            name: "訪問看護".into(),
            service_type: None,
            ages: AgeRange::default(),
            accepting_new_clients: Answer::Unknown,
            respite_beds: None,
            verified: None,
            capabilities: vec![CapabilityFact {
                capability: CapabilityCode::new("suctioning").unwrap(),
                answer: Answer::No,
                verified: None,
                staff_note: None,
            }],
            schedules: vec![],
        };
        assert_eq!(
            service.capability(&CapabilityCode::new("ventilator").unwrap()),
            Answer::Unknown
        );
        assert_eq!(
            service.capability(&CapabilityCode::new("suctioning").unwrap()),
            Answer::No
        );
    }
}
