//! Placing records that have no coordinates from their address with the
//! offline geocoder (町丁目 point, or the municipality), and recording how.

use geo::InteriorPoint;
use renkei_core::geocode::{Geocoder, MunicipalityName, TownPoint};
use renkei_core::region::Municipality;
use renkei_core::Facility;
use renkei_store::{GeocodeRecord, Store};

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

/// The offline geocoder over the stored boundaries' names and town points;
/// `None` when no boundaries are stored (nothing to match names against).
pub async fn geocoder(store: &dyn Store) -> Result<Option<Geocoder>, renkei_store::StoreError> {
    let municipalities = store.municipalities().await?;
    if municipalities.is_empty() {
        return Ok(None);
    }
    Ok(Some(geocoder_over(
        &municipalities,
        store.town_points().await?,
    )))
}

/// The offline geocoder over `municipalities`' names and `towns`.
pub fn geocoder_over(municipalities: &[Municipality], towns: Vec<TownPoint>) -> Geocoder {
    let names = municipalities
        .iter()
        .map(|m| MunicipalityName {
            // A point inside the boundary, for addresses that name no known town.
            representative: m
                .geometry
                .interior_point()
                .and_then(|p| renkei_core::LonLat::new(p.x(), p.y()).ok()),
            code: m.code.clone(),
            prefecture: m.prefecture_name.clone(),
            county_or_city: m.county_or_city.clone(),
            name: m.name.clone(),
        })
        .collect();
    Geocoder::new(names, towns)
}
