//! PostgreSQL + PostGIS backend, for several replicas and QGIS users.
//!
//! Opening retries while the server is unreachable (see
//! [`OpenOptions::startup_timeout`]); writes send `NOTIFY renkei_changes`
//! inside their transaction, so listeners hear of committed writes only.

mod copy;
mod listen;
mod write;

use crate::dialect::{ChangeSource, Dialect};
use crate::params::{postgres_arguments, Param, Tuple};
use crate::row_readers::{Column, Columns, FromColumns};
use crate::rows::Prepared;
use crate::sql_store::sync_kinds;
use crate::{
    Backend, ChangeFeed, DatabaseUrl, LocationAssignment, OpenOptions, SourceInfo, SqlStore,
    StoreError, StoreResult, WriteSummary, CHANGES_CHANNEL,
};
use async_trait::async_trait;
use sqlx::migrate::Migrator;
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions, PgRow};
use sqlx::{ConnectOptions, Connection, PgConnection, Postgres, Row};
use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use uuid::Uuid;

/// Migrations embedded from `migrations/postgres/`.
pub static MIGRATOR: Migrator = sqlx::migrate!("../../migrations/postgres");

/// First wait between start-up attempts; it doubles up to [`MAX_RETRY_DELAY`].
const FIRST_RETRY_DELAY: Duration = Duration::from_millis(250);
/// Longest wait between start-up attempts.
const MAX_RETRY_DELAY: Duration = Duration::from_secs(5);

/// The PostgreSQL store. Clones share the pool and the change listener.
pub type PostgresStore = SqlStore<Postgres>;

impl PostgresStore {
    /// Connects (retrying while PostgreSQL is unreachable, up to
    /// `options.startup_timeout`), creates `options.schema` when set and
    /// missing, applies pending migrations and refreshes the facility-kind labels.
    pub async fn open(url: &DatabaseUrl, options: &OpenOptions) -> StoreResult<Self> {
        let bad_url = |reason: String| StoreError::BadUrl {
            url: url.to_string(),
            reason,
        };
        let mut connect = PgConnectOptions::from_str(url.expose())
            .map_err(|e| {
                bad_url(format!(
                    "{e}; use postgres://USER:PASSWORD@HOST:PORT/DATABASE"
                ))
            })?
            .application_name("renkei");
        if let Some(schema) = &options.schema {
            check_schema_name(schema).map_err(bad_url)?;
            connect = connect.options([("search_path", format!("{schema},public"))]);
        }
        wait_until_reachable(url, &connect, options.startup_timeout).await?;
        let pool = PgPoolOptions::new()
            .max_connections(options.max_connections.max(2))
            .acquire_timeout(options.acquire_timeout)
            .connect_with(connect)
            .await?;
        if let Some(schema) = &options.schema {
            // Checked above to be a plain lower-case identifier, so it can be spliced.
            sqlx::query(&format!("CREATE SCHEMA IF NOT EXISTS {schema}"))
                .execute(&pool)
                .await?;
        }
        MIGRATOR.run(&pool).await?;
        let feed = Arc::new(listen::Feed::new(pool.clone()));
        sync_kinds::<Postgres>(&pool).await?;
        let store = Self::new(pool, feed);
        tracing::info!(url = %url, schema = options.schema.as_deref().unwrap_or("(default)"), "opened PostgreSQL store");
        Ok(store)
    }
}

fn check_schema_name(schema: &str) -> Result<(), String> {
    let valid = !schema.is_empty()
        && schema.len() <= 63
        && !schema.starts_with(|c: char| c.is_ascii_digit())
        && schema
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if valid {
        Ok(())
    } else {
        Err(format!("schema {schema:?} must be 1-63 lower-case ASCII letters, digits or _, not starting with a digit"))
    }
}

/// True for errors that mean "not up yet": refused or reset connections, and
/// PostgreSQL's own "starting up / shutting down / too many clients".
fn is_transient(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Io(_) | sqlx::Error::Tls(_) | sqlx::Error::PoolTimedOut => true,
        sqlx::Error::Database(db) => {
            matches!(
                db.code().as_deref(),
                Some("57P03" | "57P01" | "57P02" | "53300" | "08006" | "08001")
            )
        }
        _ => false,
    }
}

/// Tries one connection until it works or `startup_timeout` has passed,
/// doubling the wait between attempts and logging each retry.
async fn wait_until_reachable(
    url: &DatabaseUrl,
    connect: &PgConnectOptions,
    startup_timeout: Duration,
) -> StoreResult<()> {
    let started = Instant::now();
    let deadline = started + startup_timeout;
    let mut delay = FIRST_RETRY_DELAY;
    for attempt in 1u32.. {
        let error = match connect.connect().await {
            Ok(conn) => {
                let _ = conn.close().await;
                return Ok(());
            }
            Err(error) if is_transient(&error) => error,
            Err(error) => return Err(error.into()),
        };
        let now = Instant::now();
        if now >= deadline {
            return Err(StoreError::Unavailable {
                message: format!(
                    "PostgreSQL at {url} did not answer within {:.1} s ({attempt} attempts); last error: {error}",
                    startup_timeout.as_secs_f64()
                ),
                source: Some(error),
            });
        }
        let wait = delay.min(deadline - now);
        tracing::warn!(
            url = %url,
            attempt,
            retry_in_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
            error = %error,
            "PostgreSQL is not reachable yet; retrying"
        );
        tokio::time::sleep(wait).await;
        delay = (delay * 2).min(MAX_RETRY_DELAY);
    }
    unreachable!("the attempt counter does not run out")
}

#[async_trait]
impl ChangeSource for listen::Feed {
    fn announce(&self, _: i64) {
        // Announced by NOTIFY inside the write transaction (see `Dialect::notify`).
    }

    async fn subscribe(&self) -> StoreResult<ChangeFeed> {
        listen::Feed::subscribe(self).await
    }

    fn stop(&self) {
        listen::Feed::stop(self);
    }
}

impl Columns for PgRow {
    fn get<T: Column>(&self, column: &'static str, entity: &'static str) -> StoreResult<T> {
        self.try_get(column).map_err(|e| StoreError::Corrupt {
            entity,
            key: format!("column {column}"),
            reason: e.to_string(),
        })
    }

    fn uuid(&self, column: &'static str, entity: &'static str) -> StoreResult<Uuid> {
        self.try_get(column).map_err(|e| StoreError::Corrupt {
            entity,
            key: format!("column {column}"),
            reason: e.to_string(),
        })
    }
}

impl Dialect for Postgres {
    const BACKEND: Backend = Backend::Postgres;
    const COUNT_SQL: &'static str = include_str!("count.sql");
    const LIST_IDS_SQL: &'static str = include_str!("list_ids.sql");
    const INSERT_MUNICIPALITY_SQL: &'static str = include_str!("insert_municipality.sql");
    const SELECT_MUNICIPALITIES_SQL: &'static str = include_str!("select_municipalities.sql");
    const IN_IDS: &'static str = " = ANY($1)";

    async fn staff_sessions(pool: &sqlx::PgPool) -> StoreResult<crate::StaffSessions> {
        // tower-sessions names the schema in its SQL: the one the store's
        // search_path put the migrations in.
        let (schema,): (String,) = sqlx::query_as("SELECT current_schema()")
            .fetch_one(pool)
            .await?;
        let bad = |reason: String| StoreError::Corrupt {
            entity: "schema",
            key: schema.clone(),
            reason,
        };
        let store = tower_sessions_sqlx_store::PostgresStore::new(pool.clone())
            .with_schema_name(&schema)
            .map_err(bad)?
            .with_table_name(crate::sessions::SESSIONS_TABLE)
            .map_err(bad)?;
        Ok(crate::StaffSessions::Postgres(store))
    }

    async fn execute(conn: &mut PgConnection, sql: &str, args: &[&dyn Param]) -> StoreResult<u64> {
        Ok(sqlx::query_with(sql, postgres_arguments(args)?)
            .execute(conn)
            .await?
            .rows_affected())
    }

    async fn fetch<'a, T: Tuple + 'a>(
        conn: &'a mut PgConnection,
        sql: &'a str,
        args: &'a [&'a dyn Param],
    ) -> StoreResult<Vec<T>> {
        Ok(sqlx::query_as_with(sql, postgres_arguments(args)?)
            .fetch_all(conn)
            .await?)
    }

    async fn select<'a, T: FromColumns + Send + 'a>(
        conn: &'a mut PgConnection,
        sql: &'a str,
        args: &'a [&'a dyn Param],
    ) -> StoreResult<Vec<T>> {
        sqlx::query_with(sql, postgres_arguments(args)?)
            .fetch_all(conn)
            .await?
            .iter()
            .map(T::read)
            .collect()
    }

    async fn notify(conn: &mut PgConnection, data_version: i64) -> StoreResult<()> {
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(CHANGES_CHANNEL)
            .bind(data_version.to_string())
            .execute(&mut *conn)
            .await?;
        Ok(())
    }

    async fn lock_writes(conn: &mut PgConnection) -> StoreResult<()> {
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(crate::dialect::WRITE_LOCK)
            .execute(&mut *conn)
            .await?;
        Ok(())
    }

    async fn begin_snapshot(conn: &mut PgConnection) -> StoreResult<()> {
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .execute(&mut *conn)
            .await?;
        Ok(())
    }

    async fn before_bulk_write(_: &mut PoolConnection<Postgres>) -> StoreResult<()> {
        Ok(())
    }

    async fn after_bulk_write(_: &mut PoolConnection<Postgres>) {}

    fn write_facilities<'a>(
        conn: &'a mut PgConnection,
        source: &'a SourceInfo,
        prepared: Vec<Prepared<'a>>,
        placements: &'a [LocationAssignment],
    ) -> impl std::future::Future<Output = StoreResult<(WriteSummary, u64)>> + Send + 'a {
        write::write_facilities(conn, source, prepared, placements)
    }

    fn update_assignments<'a>(
        conn: &'a mut PgConnection,
        assignments: &'a [LocationAssignment],
    ) -> impl std::future::Future<Output = StoreResult<u64>> + Send + 'a {
        write::update_assignments(conn, assignments)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_names_are_plain_identifiers() {
        assert!(check_schema_name("test_123_4").is_ok());
        for bad in [
            "",
            "Test",
            "a-b",
            "1abc",
            "x; DROP TABLE y",
            "a b",
            &"a".repeat(64),
        ] {
            assert!(check_schema_name(bad).is_err(), "{bad}");
        }
    }
}
