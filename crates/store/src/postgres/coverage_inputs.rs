//! Coverage inputs on PostgreSQL: location ids are native UUIDs.

crate::coverage_inputs::coverage_inputs_for!(
    sqlx::PgPool,
    uuid::Uuid,
    |id: renkei_core::FacilityId| id.0,
    |id: uuid::Uuid| -> crate::StoreResult<renkei_core::FacilityId> {
        Ok(renkei_core::FacilityId(id))
    }
);
