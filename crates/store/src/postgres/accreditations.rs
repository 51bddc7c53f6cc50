//! Hospital accreditations on PostgreSQL: location ids are native UUIDs.

crate::accreditations::accreditations_for!(sqlx::PgPool, |id: renkei_core::FacilityId| id.0);
