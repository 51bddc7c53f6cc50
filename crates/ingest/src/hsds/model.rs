//! The HSDS 3.0 objects renkei writes and reads, as serde types. Field names
//! are HSDS's own; absent values are left out (HSDS types them as plain
//! strings and numbers, never `null`). `capacities` is HSDS 3.1
//! (`service_capacity`), which a 3.0 reader ignores.

use serde::{Deserialize, Serialize};

fn is_empty<T>(items: &[T]) -> bool {
    items.is_empty()
}

/// HSDS `organization`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Organization {
    /// UUID.
    pub id: String,
    /// Name.
    pub name: String,
    /// Required by HSDS: what the organisation is.
    #[serde(default)]
    pub description: String,
    /// Web site.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    /// Its services (the full view of `/organizations/{id}` only).
    #[serde(default, skip_serializing_if = "is_empty")]
    pub services: Vec<Service>,
}

/// HSDS `service`; in the full view with its organisation, places and attributes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Service {
    /// UUID.
    pub id: String,
    /// The organisation that provides it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<String>,
    /// Name shown to users.
    pub name: String,
    /// What the service is (kind and welfare service type, Japanese / English).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Web site of the facility.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// `active`, or `defunct` for a closed facility.
    pub status: String,
    /// Who it is for, in words (ages).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eligibility_description: Option<String>,
    /// Youngest age served, years.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum_age: Option<u32>,
    /// Oldest age served, years.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maximum_age: Option<u32>,
    /// Hospital accreditations (施設基準), `code` names separated by `, `.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accreditations: Option<String>,
    /// Date the service's facts were last confirmed (YYYY-MM-DD); who
    /// confirmed them is in `metadata` (an organisation, never a person).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assured_date: Option<String>,
    /// When the record was last written by an import (RFC 3339, UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
    /// Opening hours.
    #[serde(default, skip_serializing_if = "is_empty")]
    pub schedules: Vec<Schedule>,
    /// Where it is offered: the 二次医療圏 of its location.
    #[serde(default, skip_serializing_if = "is_empty")]
    pub service_areas: Vec<ServiceArea>,
    /// The places it is offered at (renkei: one).
    #[serde(default, skip_serializing_if = "is_empty")]
    pub service_at_locations: Vec<ServiceAtLocation>,
    /// The organisation (full view).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<Box<Organization>>,
    /// Kind, service type, care capabilities, accepting new clients, key.
    #[serde(default, skip_serializing_if = "is_empty")]
    pub attributes: Vec<Attribute>,
    /// HSDS 3.1 `service_capacity`: respite beds.
    #[serde(default, skip_serializing_if = "is_empty")]
    pub capacities: Vec<ServiceCapacity>,
    /// Verification: who confirmed the service's facts and when.
    #[serde(default, skip_serializing_if = "is_empty")]
    pub metadata: Vec<Metadata>,
}

/// HSDS `service_at_location`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceAtLocation {
    /// UUID.
    pub id: String,
    /// The service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_id: Option<String>,
    /// The location.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location_id: Option<String>,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The location (list and full views).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Box<Location>>,
    /// The service (list and full views of `/service_at_locations`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<Box<Service>>,
}

/// HSDS `location`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Location {
    /// UUID: renkei's facility id.
    pub id: String,
    /// Always `physical`.
    pub location_type: String,
    /// The organisation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<String>,
    /// Facility name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Reading in katakana.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alternate_name: Option<String>,
    /// Latitude, WGS 84 degrees.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latitude: Option<f64>,
    /// Longitude, WGS 84 degrees.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub longitude: Option<f64>,
    /// The record's id in its source (医療機関コード, 事業所番号 …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_identifier: Option<String>,
    /// The source key, e.g. `mhlw-hospitals`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_identifier_type: Option<String>,
    /// The address (full view).
    #[serde(default, skip_serializing_if = "is_empty")]
    pub addresses: Vec<Address>,
    /// Public phone numbers (full view).
    #[serde(default, skip_serializing_if = "is_empty")]
    pub phones: Vec<Phone>,
    /// Provenance, placement, accreditations, status (full view).
    #[serde(default, skip_serializing_if = "is_empty")]
    pub attributes: Vec<Attribute>,
}

/// HSDS `address`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Address {
    /// UUID.
    pub id: String,
    /// The location.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location_id: Option<String>,
    /// The whole address as written in Japanese, prefecture first.
    pub address_1: String,
    /// Municipality (or ward) name.
    #[serde(default)]
    pub city: String,
    /// Prefecture name.
    #[serde(default)]
    pub state_province: String,
    /// Postal code `NNN-NNNN`.
    #[serde(default)]
    pub postal_code: String,
    /// `JP`.
    pub country: String,
    /// `physical`.
    pub address_type: String,
}

/// HSDS `phone`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Phone {
    /// UUID.
    pub id: String,
    /// The location.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location_id: Option<String>,
    /// Number as dialled in Japan.
    pub number: String,
    /// What the number is for (代表 …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// HSDS `schedule`: weekly opening hours.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Schedule {
    /// UUID.
    pub id: String,
    /// The service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_id: Option<String>,
    /// `WEEKLY`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub freq: Option<String>,
    /// iCalendar weekdays, comma-separated (`MO,TU`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub byday: Option<String>,
    /// Opening time `HH:MM` with the Asia/Tokyo offset (`09:00+09:00`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opens_at: Option<String>,
    /// Closing time, as `opens_at`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closes_at: Option<String>,
    /// UTC offset of the times, hours (9).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<f64>,
    /// Free text (祝日を除く …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// HSDS `service_area`: a 二次医療圏 with its outline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceArea {
    /// UUID.
    pub id: String,
    /// The service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_id: Option<String>,
    /// Region name (Japanese).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// What the area is, Japanese / English.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// GeoJSON MultiPolygon text (lon/lat WGS 84), simplified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extent: Option<String>,
    /// `geojson`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extent_type: Option<String>,
    /// `urn:renkei:region:<code>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
}

/// HSDS `attribute`: a taxonomy term on a service or location, with a value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attribute {
    /// UUID.
    pub id: String,
    /// The service or location.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link_id: Option<String>,
    /// The term.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taxonomy_term_id: Option<String>,
    /// What the term describes (`kind`, `care_capability`, `record` …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link_type: Option<String>,
    /// `service` or `location`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link_entity: Option<String>,
    /// The value (`yes` / `no` / `unknown`, a code, a date …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// The term itself (full views), so a reader needs no second request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taxonomy_term: Option<TaxonomyTerm>,
    /// Who confirmed the value and when.
    #[serde(default, skip_serializing_if = "is_empty")]
    pub metadata: Vec<Metadata>,
}

/// HSDS `metadata`: renkei writes one per verified fact — the date and the
/// confirming organisation (`updated_by`), never a person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metadata {
    /// UUID.
    pub id: String,
    /// The service or attribute.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_id: Option<String>,
    /// `service` or `attribute`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_type: Option<String>,
    /// Date confirmed (YYYY-MM-DD).
    pub last_action_date: String,
    /// `verified`.
    pub last_action_type: String,
    /// The field confirmed.
    pub field_name: String,
    /// Empty: renkei keeps no history here.
    #[serde(default)]
    pub previous_value: String,
    /// The confirmed value.
    pub replacement_value: String,
    /// The confirming organisation (e.g. 茅ヶ崎保健福祉事務所).
    pub updated_by: String,
}

/// HSDS 3.1 `service_capacity`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceCapacity {
    /// UUID.
    pub id: String,
    /// The service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_id: Option<String>,
    /// The unit (bed).
    pub unit: Unit,
    /// Beds the service has (renkei records no live vacancy).
    pub available: f64,
    /// Beds the service has.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maximum: Option<f64>,
    /// What is counted, Japanese / English.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// When the count was written (RFC 3339).
    pub updated: String,
}

/// HSDS 3.1 `unit`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unit {
    /// UUID.
    pub id: String,
    /// `床 (bed)`.
    pub name: String,
}

/// HSDS `taxonomy`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Taxonomy {
    /// UUID.
    pub id: String,
    /// Name, e.g. `renkei_care_capability`.
    pub name: String,
    /// What it classifies, Japanese / English.
    pub description: String,
    /// Where it is defined.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    /// Version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

/// HSDS `taxonomy_term`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaxonomyTerm {
    /// UUID.
    pub id: String,
    /// renkei's code (e.g. `ventilator`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The term in its language.
    pub name: String,
    /// Plain-language explanation.
    #[serde(default)]
    pub description: String,
    /// The taxonomy's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taxonomy: Option<String>,
    /// `ja` or `en`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// The taxonomy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taxonomy_id: Option<String>,
}
