//! Verified facts and import conflicts on PostgreSQL: location ids are native UUIDs.

use super::read::{get, get_uuid};

crate::verified::verified_for!(sqlx::PgPool, sqlx::postgres::PgRow, |id: FacilityId| id.0);
