//! SQLite backend: the embedded default. One file (WAL mode) or, for tests,
//! `sqlite::memory:` (a fresh database per [`SqliteStore::open`]).

mod json_rows;
mod write;

pub(crate) use json_rows::FromJsonColumn;

use crate::changes::FEED_CAPACITY;
use crate::dialect::{ChangeSource, Dialect};
use crate::params::{sqlite_arguments, Param, Tuple};
use crate::row_readers::FromColumns;
use crate::rows::Prepared;
use crate::sql_store::sync_kinds;
use crate::{
    Backend, ChangeEvent, ChangeFeed, DatabaseUrl, LocationAssignment, OpenOptions, SourceInfo,
    SqlStore, StoreError, StoreResult, WriteSummary,
};
use async_trait::async_trait;
use sqlx::migrate::Migrator;
use sqlx::pool::PoolConnection;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqliteConnection};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast;
use uuid::Uuid;

/// Migrations embedded from `migrations/sqlite/`.
pub static MIGRATOR: Migrator = sqlx::migrate!("../../migrations/sqlite");

/// How long a writer waits for another writer's lock before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// The SQLite store.
pub type SqliteStore = SqlStore<Sqlite>;

impl SqliteStore {
    /// Opens the database at `url` (creating the file when missing), applies
    /// pending migrations and refreshes the facility-kind labels.
    pub async fn open(url: &DatabaseUrl, options: &OpenOptions) -> StoreResult<Self> {
        let bad_url = |reason: String| StoreError::BadUrl {
            url: url.to_string(),
            reason,
        };
        let connect = SqliteConnectOptions::from_str(url.expose())
            .map_err(|e| {
                bad_url(format!(
                    "{e}; use sqlite:PATH, sqlite::memory: or a file path"
                ))
            })?
            .create_if_missing(true)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT)
            // 64 MiB page cache per connection (default 2 MiB): bulk imports touch
            // many index pages at random (UUID keys).
            .pragma("cache_size", "-65536")
            // 16 KiB pages for new database files (default 4 KiB; an existing file
            // keeps its size): a bulk import splits and rebalances fewer B-tree
            // pages (about 13 % less CPU on the national import, issue 5). The
            // default auto-checkpoint of 1,000 pages lets the WAL grow to
            // 16 MiB before it is copied back.
            .page_size(16384)
            .pragma("temp_store", "memory");
        let in_memory = url.expose().contains(":memory:") || url.expose().contains("mode=memory");
        let pool_options = SqlitePoolOptions::new().acquire_timeout(options.acquire_timeout);
        let pool = if in_memory {
            // One connection that lives as long as the store: the in-memory
            // database exists only while a connection to it is open.
            pool_options
                .max_connections(1)
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None)
                .connect_with(connect)
                .await?
        } else {
            let connect = connect
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal);
            pool_options
                .max_connections(options.max_connections.max(1))
                .connect_with(connect)
                .await?
        };
        MIGRATOR.run(&pool).await?;
        let (changes, _) = broadcast::channel(FEED_CAPACITY);
        sync_kinds::<Sqlite>(&pool).await?;
        let store = Self::new(pool, Arc::new(LocalChanges(changes)));
        tracing::info!(url = %url, "opened SQLite store");
        Ok(store)
    }
}

/// Parses a stored UUID text.
pub(crate) fn parse_uuid(text: &str, entity: &'static str) -> StoreResult<Uuid> {
    Uuid::parse_str(text).map_err(|e| StoreError::Corrupt {
        entity,
        key: text.to_owned(),
        reason: e.to_string(),
    })
}

/// Change events of an embedded database: only this process writes to it
/// (another process's writes are found by polling the data version).
#[derive(Debug)]
struct LocalChanges(broadcast::Sender<ChangeEvent>);

#[async_trait]
impl ChangeSource for LocalChanges {
    fn announce(&self, data_version: i64) {
        // No receiver is fine: nobody is listening.
        let _ = self.0.send(ChangeEvent::Committed { data_version });
    }

    async fn subscribe(&self) -> StoreResult<ChangeFeed> {
        Ok(ChangeFeed::new(self.0.subscribe()))
    }

    fn stop(&self) {}
}

impl Dialect for Sqlite {
    const BACKEND: Backend = Backend::Sqlite;
    const COUNT_SQL: &'static str = include_str!("count.sql");
    const LIST_IDS_SQL: &'static str = include_str!("list_ids.sql");
    const INSERT_MUNICIPALITY_SQL: &'static str = include_str!("insert_municipality.sql");
    const SELECT_MUNICIPALITIES_SQL: &'static str = include_str!("select_municipalities.sql");
    const IN_IDS: &'static str = " IN (SELECT value FROM json_each($1))";

    async fn staff_sessions(pool: &sqlx::SqlitePool) -> StoreResult<crate::StaffSessions> {
        let store = tower_sessions_sqlx_store::SqliteStore::new(pool.clone())
            .with_table_name(crate::sessions::SESSIONS_TABLE)
            .map_err(|reason| StoreError::Corrupt {
                entity: "table",
                key: crate::sessions::SESSIONS_TABLE.to_owned(),
                reason,
            })?;
        Ok(crate::StaffSessions::Sqlite(store))
    }

    async fn execute(
        conn: &mut SqliteConnection,
        sql: &str,
        args: &[&dyn Param],
    ) -> StoreResult<u64> {
        Ok(sqlx::query_with(sql, sqlite_arguments(args)?)
            .execute(conn)
            .await?
            .rows_affected())
    }

    async fn fetch<'a, T: Tuple + 'a>(
        conn: &'a mut SqliteConnection,
        sql: &'a str,
        args: &'a [&'a dyn Param],
    ) -> StoreResult<Vec<T>> {
        Ok(sqlx::query_as_with(sql, sqlite_arguments(args)?)
            .fetch_all(conn)
            .await?)
    }

    fn select<'a, T: FromColumns + Send + 'a>(
        conn: &'a mut SqliteConnection,
        sql: &'a str,
        args: &'a [&'a dyn Param],
    ) -> impl std::future::Future<Output = StoreResult<Vec<T>>> + Send + 'a {
        json_rows::select_json(conn, sql, args)
    }

    async fn notify(_: &mut SqliteConnection, _: i64) -> StoreResult<()> {
        Ok(())
    }

    async fn lock_writes(conn: &mut SqliteConnection) -> StoreResult<()> {
        sqlx::query("UPDATE store_state SET data_version = data_version")
            .execute(&mut *conn)
            .await?;
        Ok(())
    }

    async fn begin_snapshot(_: &mut SqliteConnection) -> StoreResult<()> {
        Ok(())
    }

    async fn before_bulk_write(conn: &mut PoolConnection<Sqlite>) -> StoreResult<()> {
        // Every row a bulk write writes is built from checked records with
        // its parents in the same batch (organisation, location, service) and
        // children of a changed record are deleted explicitly, so SQLite's
        // per-row foreign-key lookups only repeated what is true by
        // construction. They were a third of SQLite's time copying the
        // national rows with INSERT … SELECT; without them the national
        // import ran 13 % faster (issue 5). The pragma cannot change inside a
        // transaction, hence around it.
        sqlx::query("PRAGMA foreign_keys = OFF")
            .execute(&mut **conn)
            .await?;
        Ok(())
    }

    async fn after_bulk_write(conn: &mut PoolConnection<Sqlite>) {
        // Read back: the pragma is silently ignored while a transaction is open.
        let restored =
            sqlx::query_scalar::<_, bool>("PRAGMA foreign_keys = ON; PRAGMA foreign_keys")
                .fetch_one(&mut **conn)
                .await;
        if !matches!(restored, Ok(true)) {
            // Never hand a connection without foreign-key checks back to the pool.
            conn.close_on_drop();
        }
    }

    fn write_facilities<'a>(
        conn: &'a mut SqliteConnection,
        source: &'a SourceInfo,
        prepared: Vec<Prepared<'a>>,
        placements: &'a [LocationAssignment],
    ) -> impl std::future::Future<Output = StoreResult<(WriteSummary, u64)>> + Send + 'a {
        write::write_facilities(conn, source, prepared, placements)
    }

    fn update_assignments<'a>(
        conn: &'a mut SqliteConnection,
        assignments: &'a [LocationAssignment],
    ) -> impl std::future::Future<Output = StoreResult<u64>> + Send + 'a {
        write::update_assignments(conn, assignments)
    }
}
