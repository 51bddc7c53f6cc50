//! Opening a store from a database URL.

use crate::{DatabaseUrl, PostgresStore, SharedStore, SqliteStore, StoreError, StoreResult};
use std::sync::Arc;
use std::time::Duration;

/// How to open a store. [`OpenOptions::default`] suits a small server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenOptions {
    /// Most pooled connections (an in-memory SQLite database always uses one).
    pub max_connections: u32,
    /// How long a query waits for a free pooled connection before
    /// [`StoreError::Unavailable`].
    pub acquire_timeout: Duration,
    /// How long opening PostgreSQL keeps retrying, with backoff, while the server
    /// does not answer (e.g. it is still starting). Zero tries once.
    pub startup_timeout: Duration,
    /// PostgreSQL only: schema for renkei's tables (created when missing);
    /// `search_path` becomes this schema, then `public` (where PostGIS lives).
    /// Lower-case ASCII letters, digits and `_`. `None` uses the server default.
    pub schema: Option<String>,
}

impl OpenOptions {
    /// Default for [`OpenOptions::max_connections`].
    pub const DEFAULT_MAX_CONNECTIONS: u32 = 10;
    /// Default for [`OpenOptions::acquire_timeout`]: 10 s.
    pub const DEFAULT_ACQUIRE_TIMEOUT: Duration = Duration::from_secs(10);
    /// Default for [`OpenOptions::startup_timeout`]: 30 s.
    pub const DEFAULT_STARTUP_TIMEOUT: Duration = Duration::from_secs(30);
}

impl Default for OpenOptions {
    fn default() -> Self {
        Self {
            max_connections: Self::DEFAULT_MAX_CONNECTIONS,
            acquire_timeout: Self::DEFAULT_ACQUIRE_TIMEOUT,
            startup_timeout: Self::DEFAULT_STARTUP_TIMEOUT,
            schema: None,
        }
    }
}

/// Opens the store `url` names (`sqlite:…`, a file path, or `postgres://…`) and
/// applies pending migrations.
pub async fn open(url: &DatabaseUrl, options: OpenOptions) -> StoreResult<SharedStore> {
    if url.is_sqlite() {
        Ok(Arc::new(SqliteStore::open(url, &options).await?))
    } else if url.is_postgres() {
        Ok(Arc::new(PostgresStore::open(url, &options).await?))
    } else {
        Err(StoreError::BadUrl {
            url: url.to_string(),
            reason: "use sqlite:PATH (or a file path) or postgres://USER:PASSWORD@HOST/DATABASE"
                .to_owned(),
        })
    }
}
