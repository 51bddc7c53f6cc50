//! Geocoding tables on PostgreSQL: location ids are native UUIDs.

crate::geocoding::geocoding_for!(sqlx::PgPool, |id: renkei_core::FacilityId| id.0);
