//! Placing records that have no coordinates from their address with the
//! offline geocoder (町丁目 point, or the municipality), and recording how.

use renkei_core::geocode::Geocoder;
use renkei_core::Facility;
use renkei_store::GeocodeRecord;

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
