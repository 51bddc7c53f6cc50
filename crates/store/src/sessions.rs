//! Where signed-in staff sessions are kept: the `staff_sessions` table
//! (migration 0011), written by tower-sessions' sqlx stores, on either
//! database, so every replica behind a load balancer knows every session.

use async_trait::async_trait;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

/// Name of the sessions table, the same on both databases.
pub(crate) const SESSIONS_TABLE: &str = "staff_sessions";

/// The session store of one renkei store: hand it to tower-sessions'
/// `SessionManagerLayer`. Clones share the database pool.
#[derive(Debug, Clone)]
pub enum StaffSessions {
    /// On the SQLite database.
    Sqlite(SqliteStore),
    /// On the PostgreSQL database, in the store's schema.
    Postgres(PostgresStore),
}

impl StaffSessions {
    /// Deletes every expired session (call now and then).
    pub async fn delete_expired(&self) -> session_store::Result<()> {
        match self {
            Self::Sqlite(store) => store.delete_expired().await,
            Self::Postgres(store) => store.delete_expired().await,
        }
    }
}

#[async_trait]
impl SessionStore for StaffSessions {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        match self {
            Self::Sqlite(store) => store.create(record).await,
            Self::Postgres(store) => store.create(record).await,
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        match self {
            Self::Sqlite(store) => store.save(record).await,
            Self::Postgres(store) => store.save(record).await,
        }
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        match self {
            Self::Sqlite(store) => store.load(id).await,
            Self::Postgres(store) => store.load(id).await,
        }
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        match self {
            Self::Sqlite(store) => store.delete(id).await,
            Self::Postgres(store) => store.delete(id).await,
        }
    }
}
