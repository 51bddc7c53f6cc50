//! Closing missing records on PostgreSQL: the id list travels as a uuid array.

crate::closing::closing_for!(
    sqlx::PgPool,
    "id = ANY($1)",
    |ids: &[renkei_core::FacilityId]| { ids.iter().map(|id| id.0).collect::<Vec<uuid::Uuid>>() }
);
