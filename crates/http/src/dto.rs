//! Public response types. They are built only from a [`PublicFacility`], which
//! core makes without staff-only fields and records, and have **no
//! staff-only fields at all** (no `staff_note`), so no handler can leak
//! staff-only data by forgetting to hide it.

use chrono::{DateTime, NaiveDate, Utc};
use renkei_core::taxonomy::Term;
use renkei_core::{
    Answer, Facility, FacilityStatus, PublicFacility, Schedule, Service, Taxonomy, Verification,
};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// A page of facilities.
#[derive(Debug, Serialize, ToSchema)]
pub struct FacilityList {
    /// Facilities on this page, ordered by kind code, name, id.
    pub items: Vec<FacilityDto>,
    /// Facilities matching the filters over all pages.
    pub total: u64,
    /// This page, from 1.
    pub page: u32,
    /// Page size asked for.
    pub per_page: u32,
}

/// A facility as the public sees it: [`FacilitySummaryDto`] with its services.
#[derive(Debug, Serialize, ToSchema)]
pub struct FacilityDto {
    /// Everything but the services.
    #[serde(flatten)]
    pub summary: FacilitySummaryDto,
    /// Services offered here, each with all 14 医療的ケア items.
    pub services: Vec<ServiceDto>,
}

/// A facility without its services, as search hits carry it (their
/// per-need answers come with the hit; `/api/v1/facilities/{id}` has the rest).
#[derive(Debug, Serialize, ToSchema)]
pub struct FacilitySummaryDto {
    /// Stable id (UUID v5 of source and source record id).
    pub id: Uuid,
    /// Kind of facility.
    pub kind: TermDto,
    /// Name.
    #[schema(example = "架空訪問看護ステーションさくら")]
    pub name: String,
    /// Reading in katakana.
    pub name_kana: Option<String>,
    /// Organisation that runs it.
    pub organization: OrganizationDto,
    /// Where it is.
    pub location: LocationDto,
    /// Public phone numbers (staff-only numbers are never included).
    pub phones: Vec<PhoneDto>,
    /// Web site.
    pub url: Option<String>,
    /// Operating or closed.
    pub status: StatusDto,
    /// Date it was found closed.
    pub closed_on: Option<NaiveDate>,
    /// Hospital accreditations (施設基準: NICU, PICU, 小児入院医療管理料 …) from
    /// 地方厚生局 lists; empty for other facilities.
    pub accreditations: Vec<AccreditationDto>,
    /// Where the record came from.
    pub provenance: ProvenanceDto,
    /// The record's page at its publisher (医療情報ネット), or the publisher's
    /// search page (介護サービス情報公表, WAM NET) when the record's page cannot
    /// be built; `null` for sources without one.
    pub publisher_page: Option<PublisherPageDto>,
}

/// One hospital accreditation.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccreditationDto {
    /// Code, label in Japanese and English.
    #[serde(flatten)]
    pub term: TermDto,
    /// Date it applies from (算定開始年月日), when stated.
    pub since: Option<NaiveDate>,
}

/// A taxonomy term: code with labels. Borrowed from the built-in taxonomy,
/// so listing many facilities copies no labels.
#[derive(Debug, Serialize, ToSchema)]
pub struct TermDto {
    /// Stable code.
    #[schema(example = "visiting_nurse")]
    pub code: &'static str,
    /// Japanese label.
    #[schema(example = "訪問看護ステーション")]
    pub ja: &'static str,
    /// English label.
    #[schema(example = "Visiting-nurse station")]
    pub en: &'static str,
}

/// The organisation running a facility.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganizationDto {
    /// Name.
    pub name: String,
    /// Web site.
    pub url: Option<String>,
}

/// Address and position.
#[derive(Debug, Serialize, ToSchema)]
pub struct LocationDto {
    /// Full address in Japanese, prefecture first.
    pub address: String,
    /// Postal code, seven digits.
    pub postal_code: Option<String>,
    /// Longitude, WGS 84 degrees; absent when the position is unknown.
    pub lon: Option<f64>,
    /// Latitude, WGS 84 degrees; absent when the position is unknown.
    pub lat: Option<f64>,
    /// Municipality or ward code (N03), assigned from the position or as stated.
    pub municipality_code: Option<String>,
    /// 二次医療圏 (secondary medical region) code.
    pub region_code: Option<String>,
    /// `town` or `municipality` when the source gave no coordinates and the
    /// position was found from the address (a 町丁目 point, or only the
    /// municipality): show it as approximate. Absent for the source's own coordinates.
    #[schema(example = "town")]
    pub geocoded: Option<&'static str>,
    /// How precise `lon`/`lat` are: `source` (the publisher's coordinates),
    /// `town` (a 町丁目 representative point: many facilities can share it) or
    /// `municipality` (the municipality's point); `null` without a position.
    pub position_precision: Option<PositionPrecisionDto>,
    /// The same in words: 「出典の座標」, 「町丁目の代表点」 or 「市区町村の代表点」.
    #[schema(example = "町丁目の代表点")]
    pub position_precision_ja: Option<&'static str>,
}

/// How precise a facility's position is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PositionPrecisionDto {
    /// The publisher's own coordinates.
    Source,
    /// A 町丁目 representative point, placed from the address.
    Town,
    /// The municipality's representative point, placed from the address.
    Municipality,
}

impl PositionPrecisionDto {
    /// The precision of a position placed with `geocoded` (`None`: the source's own).
    pub fn of(geocoded: Option<renkei_core::geocode::Precision>) -> Self {
        match geocoded {
            None => Self::Source,
            // Facilities are placed from addresses, which find a town or a
            // municipality only; a station or postcode point would be as
            // approximate as a town's, so it reads as one.
            Some(
                renkei_core::geocode::Precision::Town
                | renkei_core::geocode::Precision::Station
                | renkei_core::geocode::Precision::Postcode,
            ) => Self::Town,
            Some(renkei_core::geocode::Precision::Municipality) => Self::Municipality,
        }
    }

    /// In words, Japanese.
    pub fn label_ja(self) -> &'static str {
        match self {
            Self::Source => "出典の座標",
            Self::Town => renkei_core::geocode::Precision::Town.label_ja(),
            Self::Municipality => renkei_core::geocode::Precision::Municipality.label_ja(),
        }
    }
}

/// The record's page at its publisher, or the publisher's search page when
/// the record's own page cannot be built (`is_record` false).
#[derive(Debug, Serialize, ToSchema)]
pub struct PublisherPageDto {
    /// The address.
    #[schema(
        example = "https://www.iryou.teikyouseido.mhlw.go.jp/znk-web/juminkanja/S2430/initialize?prefCd=14&kikanKbn=1&kikanCd=1400001600"
    )]
    pub url: String,
    /// True for the record's own page; false for a search page.
    pub is_record: bool,
    /// The publisher's service.
    #[schema(example = "医療情報ネット（ナビイ）")]
    pub publisher: &'static str,
    /// Link text, Japanese (says when it is only a search page).
    pub label_ja: String,
}

/// A public phone number.
#[derive(Debug, Serialize, ToSchema)]
pub struct PhoneDto {
    /// Number as written, e.g. `0467-00-0000`.
    pub number: String,
    /// What it is for (代表, 相談窓口 …).
    pub label: Option<String>,
    /// `tel:` link for phones.
    #[schema(example = "tel:0467000000")]
    pub tel: String,
}

/// Yes / no / unknown; unknown is the honest default and never means yes.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AnswerDto {
    /// Confirmed: can.
    Yes,
    /// Confirmed: cannot.
    No,
    /// Not confirmed (要確認).
    Unknown,
}

/// Operating status.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StatusDto {
    /// Operating.
    Active,
    /// Closed.
    Closed,
}

/// Who confirmed a fact, and when.
#[derive(Debug, Serialize, ToSchema)]
pub struct VerificationDto {
    /// Date confirmed.
    pub on: NaiveDate,
    /// Organisation that confirmed it.
    pub by_organization: String,
}

/// A service at the facility.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceDto {
    /// Key of the service within the facility.
    pub key: String,
    /// Name.
    pub name: String,
    /// Welfare service type, for disability-welfare services.
    pub service_type: Option<TermDto>,
    /// Youngest age served, years.
    pub min_age_years: Option<u8>,
    /// Oldest age served, years.
    pub max_age_years: Option<u8>,
    /// Accepting new clients.
    pub accepting_new_clients: AnswerDto,
    /// Respite (short-stay) beds.
    pub respite_beds: Option<u32>,
    /// Who confirmed accepting/respite, and when.
    pub verified: Option<VerificationDto>,
    /// All 14 医療的ケア items, in score-sheet order.
    pub capabilities: Vec<CapabilityDto>,
    /// Opening hours.
    pub schedules: Vec<ScheduleDto>,
}

/// One 医療的ケア item for a service.
#[derive(Debug, Serialize, ToSchema)]
pub struct CapabilityDto {
    /// Capability code.
    #[schema(example = "ventilator")]
    pub code: &'static str,
    /// Japanese label.
    #[schema(example = "人工呼吸器")]
    pub ja: &'static str,
    /// English label.
    pub en: &'static str,
    /// Yes / no / unknown.
    pub answer: AnswerDto,
    /// Who confirmed it, and when.
    pub verified: Option<VerificationDto>,
}

/// Opening hours.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScheduleDto {
    /// iCalendar weekday codes (MO, TU …).
    pub weekdays: Vec<String>,
    /// Opening time HH:MM, Asia/Tokyo.
    pub opens_at: Option<String>,
    /// Closing time HH:MM, Asia/Tokyo.
    pub closes_at: Option<String>,
    /// Remarks.
    pub description: Option<String>,
}

/// Where a record came from.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProvenanceDto {
    /// Source key.
    pub source: String,
    /// Id of the record in the source.
    pub source_record_id: String,
    /// When it was imported (UTC).
    pub imported_at: DateTime<Utc>,
    /// Licence of the source.
    pub licence: String,
    /// Credit line the licence asks for.
    pub attribution: String,
    /// True for the authored demo directory (not a complete or verified list).
    pub demo: bool,
}

impl From<&'static Term> for TermDto {
    fn from(term: &'static Term) -> Self {
        Self {
            code: &term.code,
            ja: &term.ja,
            en: &term.en,
        }
    }
}

impl From<Answer> for AnswerDto {
    fn from(answer: Answer) -> Self {
        match answer {
            Answer::Yes => Self::Yes,
            Answer::No => Self::No,
            Answer::Unknown => Self::Unknown,
        }
    }
}

impl AnswerDto {
    /// Stable text form (`yes`, `no`, `unknown`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Yes => "yes",
            Self::No => "no",
            Self::Unknown => "unknown",
        }
    }
}

impl From<FacilityStatus> for StatusDto {
    fn from(status: FacilityStatus) -> Self {
        match status {
            FacilityStatus::Active => Self::Active,
            FacilityStatus::Closed => Self::Closed,
        }
    }
}

impl From<&Verification> for VerificationDto {
    fn from(v: &Verification) -> Self {
        Self {
            on: v.on,
            by_organization: v.by_organization.clone(),
        }
    }
}

/// `tel:` URI of a Japanese number: digits and a leading `+` only.
pub fn tel_link(number: &str) -> String {
    let digits: String = number
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect();
    format!("tel:{digits}")
}

impl From<PublicFacility> for FacilityDto {
    fn from(f: PublicFacility) -> Self {
        let mut f = f.into_facility();
        let services = std::mem::take(&mut f.services);
        Self {
            summary: summary(f),
            services: services.iter().map(ServiceDto::from).collect(),
        }
    }
}

impl From<PublicFacility> for FacilitySummaryDto {
    fn from(f: PublicFacility) -> Self {
        summary(f.into_facility())
    }
}

/// The summary of a facility that was a [`PublicFacility`]; moves the strings
/// of `f` (decoded for this response) instead of copying them.
fn summary(f: Facility) -> FacilitySummaryDto {
    let position = f.location.position;
    let municipality_code = municipality_code(&f);
    FacilitySummaryDto {
        id: f.id.0,
        kind: f.kind.term().into(),
        name: f.name,
        name_kana: f.name_kana,
        organization: OrganizationDto {
            name: f.organization.name,
            url: f.organization.url,
        },
        location: LocationDto {
            address: f.location.address,
            postal_code: f.location.postal_code,
            lon: position.map(renkei_core::LonLat::lon),
            lat: position.map(renkei_core::LonLat::lat),
            municipality_code,
            region_code: f.location.region.map(String::from),
            geocoded: f
                .location
                .geocoded
                .map(renkei_core::geocode::Precision::as_str),
            position_precision: position.map(|_| PositionPrecisionDto::of(f.location.geocoded)),
            position_precision_ja: position
                .map(|_| PositionPrecisionDto::of(f.location.geocoded).label_ja()),
        },
        phones: f
            .phones
            .into_iter()
            .map(|p| PhoneDto {
                tel: tel_link(&p.number),
                number: p.number,
                label: p.label,
            })
            .collect(),
        url: f.url,
        status: f.status.into(),
        closed_on: f.closed_on,
        accreditations: f
            .accreditations
            .iter()
            .map(|a| AccreditationDto {
                term: a.code.term().into(),
                since: a.since,
            })
            .collect(),
        publisher_page: renkei_core::publisher::publisher_page(&f.provenance).map(|page| {
            PublisherPageDto {
                label_ja: page.label_ja(),
                url: page.url,
                is_record: page.is_record,
                publisher: page.publisher,
            }
        }),
        provenance: ProvenanceDto {
            source: f.provenance.source,
            source_record_id: f.provenance.source_record_id,
            imported_at: f.provenance.imported_at,
            licence: f.provenance.licence,
            attribution: f.provenance.attribution,
            demo: f.provenance.demo,
        },
    }
}

/// The municipality a facility is listed under: assigned by position, else as stated.
pub fn municipality_code(f: &Facility) -> Option<String> {
    f.location
        .municipality
        .as_ref()
        .or(f.location.stated_municipality.as_ref())
        .map(ToString::to_string)
}

impl From<&Service> for ServiceDto {
    fn from(s: &Service) -> Self {
        // Every item in score-sheet order; an item the service does not state is unknown.
        let capabilities = Taxonomy::builtin()
            .capabilities
            .iter()
            .map(|term| {
                let fact = s
                    .capabilities
                    .iter()
                    .find(|fact| fact.capability.as_str() == term.code);
                CapabilityDto {
                    code: &term.code,
                    ja: &term.ja,
                    en: &term.en,
                    answer: fact.map_or(Answer::Unknown, |fact| fact.answer).into(),
                    verified: fact
                        .and_then(|fact| fact.verified.as_ref())
                        .map(VerificationDto::from),
                }
            })
            .collect();
        Self {
            key: s.key.clone(),
            name: s.name.clone(),
            service_type: s.service_type.as_ref().map(|t| t.term().into()),
            min_age_years: s.ages.min_years,
            max_age_years: s.ages.max_years,
            accepting_new_clients: s.accepting_new_clients.into(),
            respite_beds: s.respite_beds,
            verified: s.verified.as_ref().map(VerificationDto::from),
            capabilities,
            schedules: s.schedules.iter().map(ScheduleDto::from).collect(),
        }
    }
}

impl From<&Schedule> for ScheduleDto {
    fn from(s: &Schedule) -> Self {
        Self {
            weekdays: s.weekdays.clone(),
            opens_at: s.opens_at.clone(),
            closes_at: s.closes_at.clone(),
            description: s.description.clone(),
        }
    }
}
