//! Placing records from their address with the offline geocoder (町丁目
//! point, or the municipality), and recording how: records that have no
//! coordinates ([`place`]), and records whose coordinates their publisher got
//! wrong ([`correct_by_address`]).

use renkei_core::geocode::Geocoder;
use renkei_core::region::{Assignment, AssignmentMethod};
use renkei_core::Facility;
use renkei_store::{stated_prefecture, GeocodeRecord};

/// Places facilities that have no position from their address; returns how
/// each was placed. Those the geocoder cannot place keep no position.
pub fn place(facilities: &mut [Facility], geocoder: &Geocoder) -> Vec<GeocodeRecord> {
    let mut records = Vec::new();
    for facility in facilities
        .iter_mut()
        .filter(|f| f.location.position.is_none())
    {
        if let Some(found) = geocoder.geocode(&facility.location.address) {
            facility.location.position = Some(found.position);
            facility.location.geocoded = Some(found.precision);
            if facility.location.stated_municipality.is_none() {
                facility.location.stated_municipality = Some(found.municipality);
            }
            records.push(GeocodeRecord {
                facility: facility.id,
                precision: found.precision,
                matched: found.matched,
            });
        }
    }
    records
}

/// Places `facility` by its address when the publisher's position is wrong
/// for it: more than 500 m outside every municipality (`placed` is suspect:
/// e.g. coordinates in Ireland for a station in 品川区), or in another
/// prefecture than its source states or its address starts with (a station
/// in 岩見沢市 geocoded to 渋谷区). Only an address the geocoder places in that
/// prefecture replaces the position; the record is then marked geocoded.
/// Returns how it was placed, when it was.
pub fn correct_by_address(
    facility: &mut Facility,
    placed: &Assignment,
    geocoder: &Geocoder,
) -> Option<GeocodeRecord> {
    if !misplaced(facility, placed) {
        return None;
    }
    let location = &facility.location;
    let stated = stated_prefecture(facility)?;
    let found = geocoder
        .geocode(&location.address)
        .filter(|found| found.municipality.prefecture().as_str() == stated)?;
    facility.location.position = Some(found.position);
    facility.location.geocoded = Some(found.precision);
    Some(GeocodeRecord {
        facility: facility.id,
        precision: found.precision,
        matched: found.matched,
    })
}

/// Whether `facility`, placed as `placed`, lies where its publisher cannot
/// have meant: more than 500 m outside every municipality, or in another
/// prefecture than its source states or its address starts with.
pub fn misplaced(facility: &Facility, placed: &Assignment) -> bool {
    let Some(stated) = stated_prefecture(facility) else {
        return false;
    };
    matches!(placed.method, AssignmentMethod::Suspect { .. })
        || placed
            .municipality
            .as_ref()
            .is_some_and(|m| m.prefecture().as_str() != stated)
}
