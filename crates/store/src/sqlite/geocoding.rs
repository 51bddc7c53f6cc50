//! Geocoding tables on SQLite: location ids are stored as hyphenated UUID text.

crate::geocoding::geocoding_for!(sqlx::SqlitePool, |id: renkei_core::FacilityId| id
    .0
    .hyphenated()
    .to_string());
