//! A fresh PostgreSQL schema or database per test, on the server that
//! `DATABASE_URL` names (`scripts/with-postgres.sh` starts a throwaway one).
//!
//! Tests that get `None` return early: the helpers print one `skipped:` line
//! when `DATABASE_URL` is not set. Schemas and databases are dropped when the
//! value is dropped; [`TestSchema::drop_now`] and [`TestDatabase::drop_now`]
//! do it without blocking the runtime.

use sqlx::postgres::PgPoolOptions;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// The PostgreSQL URL tests use, or `None` (with one `skipped:` line on
/// stderr) when `DATABASE_URL` is unset or not a PostgreSQL URL.
pub fn database_url() -> Option<String> {
    match std::env::var("DATABASE_URL") {
        Ok(url) if url.starts_with("postgres") => Some(url),
        _ => {
            eprintln!(
                "skipped: DATABASE_URL not set (run the tests under scripts/with-postgres.sh to include PostgreSQL)"
            );
            None
        }
    }
}

/// A name no other test of any process uses at the same time:
/// `{prefix}_{pid}_{seconds}_{sequence}`, a plain lower-case identifier.
fn unique_name(prefix: &str) -> String {
    static SEQ: AtomicU32 = AtomicU32::new(0);
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() % 100_000);
    format!(
        "{prefix}_{}_{seconds}_{}",
        std::process::id(),
        SEQ.fetch_add(1, Ordering::Relaxed)
    )
}

/// `url` with its database name replaced by `database` (query parameters kept).
///
/// ```
/// use renkei_testdata::postgres::with_database;
/// assert_eq!(
///     with_database("postgres://u@127.0.0.1:5432/renkei?sslmode=disable", "t_1"),
///     "postgres://u@127.0.0.1:5432/t_1?sslmode=disable"
/// );
/// assert_eq!(with_database("postgres://u@h:1", "t_2"), "postgres://u@h:1/t_2");
/// ```
pub fn with_database(url: &str, database: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_end = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |i| i + scheme_end);
    let mut out = format!("{}/{database}", &base[..host_end]);
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    out
}

/// Runs `sql` once on a short-lived connection to `url`, ignoring errors (for
/// clean-up). Used from `Drop`, so it runs on a thread with its own runtime.
fn run_detached(url: String, sql: String) {
    let done = std::thread::spawn(move || {
        let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        else {
            return;
        };
        runtime.block_on(execute_quietly(&url, &sql));
    });
    let _ = done.join();
}

async fn execute_quietly(url: &str, sql: &str) {
    if let Ok(pool) = PgPoolOptions::new().max_connections(1).connect(url).await {
        let _ = sqlx::query(sql).execute(&pool).await;
        pool.close().await;
    }
}

async fn execute(url: &str, sql: &str) -> Result<(), sqlx::Error> {
    let pool = PgPoolOptions::new().max_connections(1).connect(url).await?;
    let result = sqlx::query(sql).execute(&pool).await;
    pool.close().await;
    result.map(|_| ())
}

/// Creates PostGIS in `public` of `DATABASE_URL`'s database once per process,
/// before tests migrate in parallel (concurrent `CREATE EXTENSION` races).
async fn ensure_postgis(url: &str) {
    static DONE: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();
    // Each test has its own runtime, so connect inside the closure every time it runs.
    let _ = DONE
        .get_or_try_init(|| {
            execute(
                url,
                "CREATE EXTENSION IF NOT EXISTS postgis WITH SCHEMA public",
            )
        })
        .await;
}

/// A schema of its own in `DATABASE_URL`'s database, dropped (with everything
/// in it) on drop. Open the store with this schema as its `search_path`; the
/// store creates the schema when it is missing.
#[derive(Debug)]
pub struct TestSchema {
    url: String,
    name: String,
    dropped: bool,
}

impl TestSchema {
    /// The server URL (the schema is not part of it).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The schema name, a plain lower-case identifier.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Drops the schema now, awaiting it.
    pub async fn drop_now(mut self) {
        self.dropped = true;
        execute_quietly(&self.url, &self.drop_sql()).await;
    }

    fn drop_sql(&self) -> String {
        // The name comes from `unique_name`: a plain identifier, safe to splice.
        format!("DROP SCHEMA IF EXISTS {} CASCADE", self.name)
    }
}

impl Drop for TestSchema {
    fn drop(&mut self) {
        if !self.dropped {
            run_detached(self.url.clone(), self.drop_sql());
        }
    }
}

/// A new schema name on `DATABASE_URL` (PostGIS made ready in `public`), or
/// `None` when `DATABASE_URL` is not set.
pub async fn fresh_schema() -> Option<TestSchema> {
    let url = database_url()?;
    ensure_postgis(&url).await;
    Some(TestSchema {
        url,
        name: unique_name("test"),
        dropped: false,
    })
}

/// A database of its own with PostGIS on `DATABASE_URL`'s server, dropped
/// (even while clients are still connected) on drop. For tests that run
/// whole `renkei` processes: LISTEN/NOTIFY channels are per database, so
/// their notifications stay apart from other tests'.
#[derive(Debug)]
pub struct TestDatabase {
    admin_url: String,
    name: String,
    dropped: bool,
}

impl TestDatabase {
    /// URL of this database (same server and user as `DATABASE_URL`).
    pub fn url(&self) -> String {
        with_database(&self.admin_url, &self.name)
    }

    /// The database name, a plain lower-case identifier.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Drops the database now, awaiting it.
    pub async fn drop_now(mut self) {
        self.dropped = true;
        execute_quietly(&self.admin_url, &self.drop_sql()).await;
    }

    fn drop_sql(&self) -> String {
        // The name comes from `unique_name`: a plain identifier, safe to splice.
        format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name)
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if !self.dropped {
            run_detached(self.admin_url.clone(), self.drop_sql());
        }
    }
}

/// Creates a new database with PostGIS on `DATABASE_URL`'s server, or returns
/// `None` when `DATABASE_URL` is not set.
///
/// # Panics
/// When the server refuses to create the database or PostGIS.
pub async fn fresh_database() -> Option<TestDatabase> {
    let admin_url = database_url()?;
    let database = TestDatabase {
        name: unique_name("renkei_test"),
        admin_url,
        dropped: false,
    };
    execute(
        &database.admin_url,
        &format!("CREATE DATABASE {}", database.name),
    )
    .await
    .unwrap_or_else(|e| panic!("cannot create test database {}: {e}", database.name));
    execute(&database.url(), "CREATE EXTENSION IF NOT EXISTS postgis")
        .await
        .unwrap_or_else(|e| panic!("cannot create PostGIS in {}: {e}", database.name));
    Some(database)
}
