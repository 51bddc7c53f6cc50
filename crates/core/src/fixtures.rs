//! Fictional facilities for tests and benchmarks (feature `fixtures`).
//!
//! Names passed in must be obviously made up (架空…): fixtures never attribute
//! a care capability to a real place.

use crate::{
    Facility, FacilityId, FacilityStatus, KindCode, Location, LonLat, Organization, Provenance,
    Visibility,
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
        visibility: Visibility::Public,
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

/// A service (key `main`, any age, accepting unstated) stating `facts`: pairs
/// of a capability code (e.g. `ventilator`) and its answer.
///
/// # Panics
/// When a code is not a capability code.
pub fn fictional_service(facts: &[(&str, crate::Answer)]) -> crate::Service {
    crate::Service {
        key: "main".into(),
        name: "架空サービス".into(),
        service_type: None,
        ages: crate::AgeRange::default(),
        accepting_new_clients: crate::Answer::Unknown,
        respite_beds: None,
        verified: None,
        capabilities: facts
            .iter()
            .map(|(code, answer)| crate::CapabilityFact {
                capability: crate::CapabilityCode::new(code)
                    .expect("fixture code is a capability code"),
                answer: *answer,
                verified: None,
                staff_note: None,
            })
            .collect(),
        schedules: Vec::new(),
    }
}

/// A municipality of 架空県 with code `code` and boundary `geometry` (WGS 84, lon/lat).
///
/// # Panics
/// When `code` is not five digits.
pub fn fictional_municipality(
    code: &str,
    geometry: geo::MultiPolygon<f64>,
) -> crate::region::Municipality {
    crate::region::Municipality {
        code: code.parse().expect("fixture code has five digits"),
        prefecture_name: "架空県".into(),
        subprefecture_name: None,
        county_or_city: None,
        name: format!("架空{code}市"),
        geometry,
    }
}

/// A square boundary `side` degrees wide whose south-west corner is
/// (`west`, `south`), WGS 84 longitude first.
pub fn square(west: f64, south: f64, side: f64) -> geo::MultiPolygon<f64> {
    let ring = vec![
        (west, south),
        (west + side, south),
        (west + side, south + side),
        (west, south + side),
        (west, south),
    ];
    geo::MultiPolygon::new(vec![geo::Polygon::new(ring.into(), Vec::new())])
}
