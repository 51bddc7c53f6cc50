//! What differs between the two databases. The store is written once
//! ([`crate::SqlStore`]), generic over a [`Dialect`]; each backend supplies
//! only the SQL text and column types that differ, and the few steps it does
//! its own way for speed (writing a batch of records, reading whole tables).

use crate::changes::ChangeFeed;
use crate::params::{Param, Tuple};
use crate::regions::LocationAssignment;
use crate::row_readers::FromColumns;
use crate::rows::Prepared;
use crate::{Backend, SourceInfo, StoreError, StoreResult, WriteSummary};
use async_trait::async_trait;
use sqlx::pool::PoolConnection;
use sqlx::Database;
use std::future::Future;

/// The first row `sql` returns with `args` bound, as a tuple;
/// [`StoreError::NotFound`] when there is none.
pub(crate) async fn fetch_one<D: Dialect, T: Tuple>(
    conn: &mut D::Connection,
    sql: &str,
    args: &[&dyn Param],
) -> StoreResult<T> {
    D::fetch(conn, sql, args)
        .await?
        .into_iter()
        .next()
        .ok_or(StoreError::NotFound {
            entity: "row",
            key: String::new(),
        })
}

/// The PostgreSQL advisory-lock key every renkei write transaction takes
/// (the bytes of "renkei" as a number).
pub(crate) const WRITE_LOCK: i64 = 0x7265_6e6b_6569;

/// One database renkei stores in, implemented by [`sqlx::Sqlite`] and
/// [`sqlx::Postgres`]. Shared code runs its SQL through
/// [`Dialect::execute`], [`Dialect::fetch`] and [`Dialect::select`], with
/// parameters as [`Param`]s.
pub(crate) trait Dialect: Database + crate::copy::CopyDialect + Sized {
    /// Which backend this is.
    const BACKEND: Backend;
    /// Number of locations matching a filter (`count.sql`): `$1` kind, `$2`
    /// municipality code (a designated city includes its wards, as the stored
    /// region tables list them), `$3` include closed.
    const COUNT_SQL: &'static str;
    /// One page of location ids matching a filter (`list_ids.sql`): as
    /// [`Dialect::COUNT_SQL`], then `$4` limit and `$5` offset.
    const LIST_IDS_SQL: &'static str;
    /// Inserts one N03 unit; `$7` is its boundary as `GeoJSON`.
    const INSERT_MUNICIPALITY_SQL: &'static str;
    /// Every N03 unit, its boundary as `GeoJSON`, ordered by code.
    const SELECT_MUNICIPALITIES_SQL: &'static str;
    /// Tests a column against the id list bound as `$1` ([`crate::params::StoredIds`]),
    /// e.g. `id` + `IN_IDS`.
    const IN_IDS: &'static str;

    /// Runs `sql` with `args` bound to `$1…`; returns how many rows it changed.
    fn execute<'a>(
        conn: &'a mut Self::Connection,
        sql: &'a str,
        args: &'a [&'a dyn Param],
    ) -> impl Future<Output = StoreResult<u64>> + Send + 'a;

    /// The rows `sql` returns with `args` bound, as tuples.
    fn fetch<'a, T: Tuple + 'a>(
        conn: &'a mut Self::Connection,
        sql: &'a str,
        args: &'a [&'a dyn Param],
    ) -> impl Future<Output = StoreResult<Vec<T>>> + Send + 'a;

    /// The rows `sql` returns with `args` bound, read by column name as `T`,
    /// in the query's order: the way whole tables are read (SQLite hands
    /// them over as one JSON array each, see `sqlite/json_rows.rs`).
    fn select<'a, T: FromColumns + Send + 'a>(
        conn: &'a mut Self::Connection,
        sql: &'a str,
        args: &'a [&'a dyn Param],
    ) -> impl Future<Output = StoreResult<Vec<T>>> + Send + 'a;

    /// Tells listeners in other processes, inside the write transaction
    /// `conn`, that it makes `data_version` (PostgreSQL: NOTIFY, delivered on
    /// commit only; SQLite has no other listeners).
    fn notify(
        conn: &mut Self::Connection,
        data_version: i64,
    ) -> impl Future<Output = StoreResult<()>> + Send;

    /// Takes the database's write lock for the transaction `conn` has just
    /// begun, waiting for another writer to finish. PostgreSQL: a
    /// transaction-level advisory lock ([`WRITE_LOCK`]), so writes from
    /// several replicas never race (two starting at once used to collide on
    /// `prefectures_pkey`). SQLite: a first write, which takes the file's
    /// write lock before anything is read (a transaction that read first
    /// could not write once another had committed).
    fn lock_writes(conn: &mut Self::Connection) -> impl Future<Output = StoreResult<()>> + Send;

    /// Makes the read transaction `conn` has just begun see one snapshot of
    /// the whole database until it ends. PostgreSQL: REPEATABLE READ. SQLite
    /// (WAL): a deferred transaction already reads one snapshot from its first read.
    fn begin_snapshot(conn: &mut Self::Connection) -> impl Future<Output = StoreResult<()>> + Send;

    /// Prepares `conn` for [`Dialect::write_facilities`], before its
    /// transaction begins (SQLite turns foreign-key checks off).
    fn before_bulk_write(
        conn: &mut PoolConnection<Self>,
    ) -> impl Future<Output = StoreResult<()>> + Send;

    /// Undoes [`Dialect::before_bulk_write`] after the transaction ended,
    /// however it ended; a connection that cannot be restored is closed
    /// rather than returned to the pool.
    fn after_bulk_write(conn: &mut PoolConnection<Self>) -> impl Future<Output = ()> + Send;

    /// Writes checked records (their source row is written already) inside
    /// the transaction `conn`, with the placements in `placements` (as
    /// [`Dialect::update_assignments`] would write them); returns what
    /// happened to the records and how many placements changed.
    fn write_facilities<'a>(
        conn: &'a mut Self::Connection,
        source: &'a SourceInfo,
        prepared: Vec<Prepared<'a>>,
        placements: &'a [LocationAssignment],
    ) -> impl Future<Output = StoreResult<(WriteSummary, u64)>> + Send + 'a;

    /// The staff-session store on `pool` (table [`crate::sessions::SESSIONS_TABLE`]).
    fn staff_sessions(
        pool: &sqlx::Pool<Self>,
    ) -> impl Future<Output = StoreResult<crate::StaffSessions>> + Send;

    /// Writes the placements that differ from the stored ones inside the
    /// transaction `conn`; returns how many changed.
    fn update_assignments<'a>(
        conn: &'a mut Self::Connection,
        assignments: &'a [LocationAssignment],
    ) -> impl Future<Output = StoreResult<u64>> + Send + 'a;
}

/// Where a store's change events come from (see [`crate::Store::subscribe_changes`]).
#[async_trait]
pub(crate) trait ChangeSource: std::fmt::Debug + Send + Sync {
    /// Tells this process's subscribers that a write committed `data_version`.
    fn announce(&self, data_version: i64);
    /// A new subscription.
    async fn subscribe(&self) -> StoreResult<ChangeFeed>;
    /// Stops delivering events (the store is closing).
    fn stop(&self);
}
