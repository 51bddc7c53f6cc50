//! The import-run log: one row per imported file, for both backends.

use crate::{StoreError, StoreResult};
use chrono::{DateTime, Utc};

/// What importing one file did, as recorded in the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRun {
    /// Source key the records were stored under.
    pub source_key: String,
    /// File base name (a zip member as `archive.zip!member.csv`).
    pub file_name: String,
    /// SHA-256 of the file as read, 64 hex digits.
    pub checksum_sha256: String,
    /// When reading started (UTC).
    pub started_at: DateTime<Utc>,
    /// When the write committed (UTC).
    pub finished_at: DateTime<Utc>,
    /// Data rows read.
    pub rows_read: u64,
    /// Records inserted.
    pub inserted: u64,
    /// Records updated.
    pub updated: u64,
    /// Records already stored as given.
    pub unchanged: u64,
    /// Rows rejected.
    pub rejected: u64,
    /// Records of the source marked closed because the import no longer lists them.
    pub closed: u64,
}

/// Columns as both backends select them.
pub(crate) const SELECT_RUNS: &str =
    "SELECT source_key, file_name, checksum_sha256, started_at, finished_at, \
     rows_read, inserted, updated, unchanged, rejected, closed FROM import_runs \
     ORDER BY finished_at DESC, id DESC LIMIT $1";

/// Inserts one run; `$1…$11` in the column order of [`SELECT_RUNS`].
pub(crate) const INSERT_RUN: &str = "INSERT INTO import_runs (source_key, file_name, checksum_sha256, started_at, \
     finished_at, rows_read, inserted, updated, unchanged, rejected, closed) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";

/// A run row as selected by [`SELECT_RUNS`].
pub(crate) type RunRow = (
    String,
    String,
    String,
    DateTime<Utc>,
    DateTime<Utc>,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
);

/// Checks a run before it is written.
pub(crate) fn check(run: &ImportRun) -> StoreResult<[i64; 6]> {
    if run.checksum_sha256.len() != 64
        || !run.checksum_sha256.bytes().all(|b| b.is_ascii_hexdigit())
    {
        return Err(StoreError::Conflict {
            constraint: "import_runs_checksum_format".into(),
        });
    }
    let count = |n: u64| {
        i64::try_from(n).map_err(|_| StoreError::Conflict {
            constraint: "import_runs_counts_non_negative".into(),
        })
    };
    Ok([
        count(run.rows_read)?,
        count(run.inserted)?,
        count(run.updated)?,
        count(run.unchanged)?,
        count(run.rejected)?,
        count(run.closed)?,
    ])
}

/// Turns a selected row into a run.
pub(crate) fn from_row(row: RunRow) -> StoreResult<ImportRun> {
    let (
        source_key,
        file_name,
        checksum_sha256,
        started_at,
        finished_at,
        read,
        inserted,
        updated,
        unchanged,
        rejected,
        closed,
    ) = row;
    let count = |n: i64| {
        u64::try_from(n).map_err(|_| StoreError::Corrupt {
            entity: "import_run",
            key: file_name.clone(),
            reason: format!("negative count {n}"),
        })
    };
    Ok(ImportRun {
        rows_read: count(read)?,
        inserted: count(inserted)?,
        updated: count(updated)?,
        unchanged: count(unchanged)?,
        rejected: count(rejected)?,
        closed: count(closed)?,
        source_key,
        checksum_sha256,
        started_at,
        finished_at,
        file_name,
    })
}

macro_rules! run_log_for {
    ($record:ident, $list:ident, $pool:ty) => {
        /// Appends `run` to the log.
        pub(crate) async fn $record(pool: &$pool, run: &ImportRun) -> StoreResult<()> {
            let [read, inserted, updated, unchanged, rejected, closed] = check(run)?;
            sqlx::query(INSERT_RUN)
                .bind(&run.source_key)
                .bind(&run.file_name)
                .bind(&run.checksum_sha256)
                .bind(run.started_at)
                .bind(run.finished_at)
                .bind(read)
                .bind(inserted)
                .bind(updated)
                .bind(unchanged)
                .bind(rejected)
                .bind(closed)
                .execute(pool)
                .await?;
            Ok(())
        }

        /// The newest `limit` runs, newest first.
        pub(crate) async fn $list(pool: &$pool, limit: u32) -> StoreResult<Vec<ImportRun>> {
            let rows: Vec<RunRow> = sqlx::query_as(SELECT_RUNS)
                .bind(i64::from(limit))
                .fetch_all(pool)
                .await?;
            rows.into_iter().map(from_row).collect()
        }
    };
}

run_log_for!(record_sqlite, list_sqlite, sqlx::SqlitePool);
run_log_for!(record_postgres, list_postgres, sqlx::PgPool);
