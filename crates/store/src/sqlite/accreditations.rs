//! Hospital accreditations on SQLite: location ids are hyphenated UUID text.

crate::accreditations::accreditations_for!(sqlx::SqlitePool, |id: renkei_core::FacilityId| id
    .0
    .hyphenated()
    .to_string());
