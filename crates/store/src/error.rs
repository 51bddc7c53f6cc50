//! Errors of the storage layer. sqlx errors are mapped here, so callers never see sqlx.

/// Result of a store operation.
pub type StoreResult<T> = Result<T, StoreError>;

/// What went wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No record with that key.
    #[error("{entity} {key} was not found")]
    NotFound {
        /// What was looked for (`facility`, `region`, …).
        entity: &'static str,
        /// The key that was looked for.
        key: String,
    },
    /// A write broke a named constraint.
    #[error("the write conflicts with existing data (constraint {constraint})")]
    Conflict {
        /// Name of the violated constraint, as named in the migrations.
        constraint: String,
    },
    /// Stored data that the domain model rejects (a corrupt or hand-edited row).
    #[error("stored {entity} {key} is not valid: {reason}")]
    Corrupt {
        /// Table or entity.
        entity: &'static str,
        /// Row key.
        key: String,
        /// Why it was rejected.
        reason: String,
    },
    /// A record in a write batch cannot be stored as given; nothing was written.
    #[error("record {source_record_id:?} from source {source_key:?} was not written: {reason}")]
    InvalidRecord {
        /// Source key of the batch.
        source_key: String,
        /// The record's id in its source.
        source_record_id: String,
        /// What is wrong and how to fix it.
        reason: String,
    },
    /// After a copy, a table of the target does not hold what the origin's holds.
    #[error("the copy of table {table} is not the same as the origin's: {expected} rows there, {found} in the target{}; the target cannot be trusted: copy again into an empty database", if *checksums_differ { " and their contents differ" } else { "" })]
    CopyMismatch {
        /// The table.
        table: String,
        /// Rows in the origin.
        expected: u64,
        /// Rows in the target after the copy.
        found: u64,
        /// Whether the rows' checksums differ (counts may still be equal).
        checksums_differ: bool,
    },
    /// The two databases do not have the same tables and columns.
    #[error("the databases cannot be copied: {reason}")]
    CopySchema {
        /// What differs, and how to fix it.
        reason: String,
    },
    /// The database URL is not one renkei can use.
    #[error("database URL {url} is not supported: {reason}")]
    BadUrl {
        /// The URL with any password redacted.
        url: String,
        /// What to change.
        reason: String,
    },
    /// The database cannot be reached right now (connection refused, pool timed
    /// out, PostgreSQL did not come up within the start-up wait).
    #[error("the database is unavailable: {message}")]
    Unavailable {
        /// Plain-language description, safe to log (no password).
        message: String,
        /// The last driver error, when there is one.
        #[source]
        source: Option<sqlx::Error>,
    },
    /// Applying migrations failed.
    #[error("applying database migrations failed")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A rollout record or change that breaks the rollout's rules (stage
    /// order, unknown or duplicate keys); nothing was written.
    #[error(transparent)]
    Rollout(#[from] renkei_core::rollout::RolloutError),
    /// Any other database error.
    #[error("database error: {0}")]
    Database(#[source] sqlx::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        match &error {
            sqlx::Error::RowNotFound => StoreError::NotFound {
                entity: "row",
                key: String::new(),
            },
            sqlx::Error::PoolTimedOut => StoreError::Unavailable {
                message: "no database connection became free within the acquire timeout".to_owned(),
                source: Some(error),
            },
            sqlx::Error::PoolClosed => StoreError::Unavailable {
                message: "the store has been closed".to_owned(),
                source: Some(error),
            },
            // A stored value the column's Rust type rejects (e.g. an id that is no UUID).
            sqlx::Error::ColumnDecode { index, source } => StoreError::Corrupt {
                entity: "column",
                key: index.clone(),
                reason: source.to_string(),
            },
            sqlx::Error::Io(_) | sqlx::Error::Tls(_) => StoreError::Unavailable {
                message: format!("cannot talk to the database ({error})"),
                source: Some(error),
            },
            sqlx::Error::Database(db) => {
                // PostgreSQL names the constraint; SQLite only says it in the message.
                let named = db.constraint().map(str::to_owned).or_else(|| {
                    db.message()
                        .strip_prefix("CHECK constraint failed: ")
                        .map(|name| name.trim().to_owned())
                });
                match named {
                    Some(constraint) => StoreError::Conflict { constraint },
                    None => StoreError::Database(error),
                }
            }
            _ => StoreError::Database(error),
        }
    }
}
