//! Verified facts and import conflicts on SQLite: location ids are hyphenated UUID text.

use super::read::{get, get_uuid};

crate::verified::verified_for!(
    sqlx::SqlitePool,
    sqlx::sqlite::SqliteRow,
    |id: FacilityId| id.0.hyphenated().to_string()
);
