//! What differs between the two databases. The store is written once
//! ([`crate::SqlStore`]), generic over a [`Dialect`]; each backend supplies
//! only the SQL text and column types that differ, and the few steps it does
//! its own way for speed (writing a batch of records, reading whole tables).

use crate::changes::ChangeFeed;
use crate::regions::LocationAssignment;
use crate::row_readers::FromColumns;
use crate::rows::Prepared;
use crate::{Backend, SourceInfo, StoreResult, WriteSummary};
use async_trait::async_trait;
use sqlx::pool::PoolConnection;
use sqlx::{Database, Decode, Encode, Type};
use std::future::Future;
use uuid::Uuid;

/// One database renkei stores in, implemented by [`sqlx::Sqlite`] and
/// [`sqlx::Postgres`].
pub(crate) trait Dialect: Database<QueryResult: RowsAffected> + Sized {
    /// Which backend this is.
    const BACKEND: Backend;
    /// Number of locations matching a filter (`count.sql`): `$1` kind, `$2`/`$3`
    /// municipality code range, `$4` include closed.
    const COUNT_SQL: &'static str;
    /// One page of location ids matching a filter (`list_ids.sql`): as
    /// [`Dialect::COUNT_SQL`], then `$5` limit and `$6` offset.
    const LIST_IDS_SQL: &'static str;
    /// Inserts one N03 unit; `$7` is its boundary as `GeoJSON`.
    const INSERT_MUNICIPALITY_SQL: &'static str;
    /// Every N03 unit, its boundary as `GeoJSON`, ordered by code.
    const SELECT_MUNICIPALITIES_SQL: &'static str;
    /// Tests a column against the id list bound as `$1` ([`Dialect::ids`]),
    /// e.g. `id` + `IN_IDS`.
    const IN_IDS: &'static str;

    /// A location id as stored: hyphenated text (SQLite) or `uuid`.
    type Id: for<'q> Encode<'q, Self> + for<'r> Decode<'r, Self> + Type<Self> + Send + Sync + Unpin;
    /// Many ids bound as one parameter: a JSON array (SQLite) or `uuid[]`.
    type Ids: for<'q> Encode<'q, Self> + Type<Self> + Send + Sync;

    /// The stored form of `id`.
    fn id(id: Uuid) -> Self::Id;
    /// The UUID a stored id holds; [`crate::StoreError::Corrupt`] naming
    /// `entity` when it holds none.
    fn uuid(id: Self::Id, entity: &'static str) -> StoreResult<Uuid>;
    /// `ids` as one parameter, for [`Dialect::IN_IDS`].
    fn ids(ids: &[Uuid]) -> Self::Ids;

    /// Tells listeners in other processes, inside the write transaction
    /// `conn`, that it makes `data_version` (PostgreSQL: NOTIFY, delivered on
    /// commit only; SQLite has no other listeners).
    fn notify(
        conn: &mut Self::Connection,
        data_version: i64,
    ) -> impl Future<Output = StoreResult<()>> + Send;

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

    /// Writes the placements that differ from the stored ones inside the
    /// transaction `conn`; returns how many changed.
    fn update_assignments<'a>(
        conn: &'a mut Self::Connection,
        assignments: &'a [LocationAssignment],
    ) -> impl Future<Output = StoreResult<u64>> + Send + 'a;

    /// The rows `sql` selects, with `ids` bound to its `$1` when given
    /// (for [`Dialect::IN_IDS`]), read as `T`, in the query's order.
    fn select<'a, T: FromColumns + Send + 'a>(
        conn: &'a mut Self::Connection,
        sql: &'a str,
        ids: Option<&'a [Uuid]>,
    ) -> impl Future<Output = StoreResult<Vec<T>>> + Send + 'a;
}

/// How many rows a statement changed (each driver has its own result type).
pub(crate) trait RowsAffected {
    /// Rows inserted, updated or deleted.
    fn rows(&self) -> u64;
}

impl RowsAffected for sqlx::sqlite::SqliteQueryResult {
    fn rows(&self) -> u64 {
        self.rows_affected()
    }
}

impl RowsAffected for sqlx::postgres::PgQueryResult {
    fn rows(&self) -> u64 {
        self.rows_affected()
    }
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
