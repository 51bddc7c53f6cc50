//! Coverage inputs on SQLite: location ids are hyphenated UUID text.

crate::coverage_inputs::coverage_inputs_for!(
    sqlx::SqlitePool,
    String,
    |id: renkei_core::FacilityId| id.0.hyphenated().to_string(),
    |text: String| -> crate::StoreResult<renkei_core::FacilityId> {
        uuid::Uuid::parse_str(&text)
            .map(renkei_core::FacilityId)
            .map_err(|e| crate::StoreError::Corrupt {
                entity: "service_area",
                key: text.clone(),
                reason: e.to_string(),
            })
    }
);
