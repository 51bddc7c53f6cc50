//! Closing missing records on SQLite: the id list travels as a JSON array.

crate::closing::closing_for!(
    sqlx::SqlitePool,
    "id IN (SELECT value FROM json_each($1))",
    |ids: &[renkei_core::FacilityId]| {
        serde_json::to_string(
            &ids.iter()
                .map(|id| id.0.hyphenated().to_string())
                .collect::<Vec<_>>(),
        )
        .expect("a list of strings serialises")
    }
);
