//! Fictional facilities for tests and benchmarks (feature `fixtures`).
//!
//! Names passed in must be obviously made up (架空…): fixtures never attribute
//! a care capability to a real place.

use crate::{
    Facility, FacilityId, FacilityStatus, KindCode, Location, LonLat, Organization, Provenance,
};
use chrono::{TimeZone, Utc};

/// An active facility of `kind` (a taxonomy kind code such as `hospital`)
/// from source `test`, with no services, phones or region assignment.
///
/// # Panics
/// When `kind` is not a taxonomy kind code.
pub fn fictional_facility(
    source_record_id: &str,
    kind: &str,
    name: &str,
    position: Option<LonLat>,
) -> Facility {
    Facility {
        id: FacilityId::from_source("test", source_record_id),
        kind: KindCode::new(kind).expect("fixture kind is a taxonomy code"),
        name: name.into(),
        name_kana: None,
        organization: Organization {
            name: "架空法人".into(),
            url: None,
        },
        location: Location {
            address: "神奈川県架空市1-1".into(),
            postal_code: None,
            position,
            stated_municipality: None,
            municipality: None,
            region: None,
            geocoded: None,
        },
        phones: Vec::new(),
        url: None,
        services: Vec::new(),
        status: FacilityStatus::Active,
        closed_on: None,
        staff_note: None,
        accreditations: Vec::new(),
        provenance: Provenance {
            source: "test".into(),
            source_record_id: source_record_id.into(),
            imported_at: Utc.with_ymd_and_hms(2024, 4, 1, 0, 0, 0).unwrap(),
            licence: "CC0".into(),
            attribution: String::new(),
            demo: true,
        },
    }
}
