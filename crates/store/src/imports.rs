//! Imported files: what one file writes ([`FileImport`], written by
//! [`crate::Store::apply_import`] in one transaction) and the import-run log,
//! one row per imported file, written in the same transaction as what it logs.

use crate::dialect::{ChangeSource, Dialect};
use crate::params::Param;
use crate::rows::prepare;
use crate::sql_store::commit;
use crate::{directory, geocoding, verified};
use crate::{
    GeocodeRecord, ImportConflict, LocationAssignment, SourceInfo, StoreError, StoreResult,
    WriteSummary,
};
use chrono::{DateTime, SubsecRound, Utc};
use renkei_core::Facility;
use sqlx::Pool;

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

/// What an import-run log row says before the write it logs: the store adds
/// the counts it makes while writing (inserted, updated, unchanged, closed)
/// and the time it commits, in the write's own transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunLog {
    /// File base name (a zip member as `archive.zip!member.csv`).
    pub file_name: String,
    /// SHA-256 of the file as read, 64 hex digits.
    pub checksum_sha256: String,
    /// When reading started (UTC).
    pub started_at: DateTime<Utc>,
    /// Data rows read.
    pub rows_read: u64,
    /// Rows rejected.
    pub rejected: u64,
}

impl RunLog {
    /// The row to log for a write to `source_key` that did `written` and
    /// closed `closed` records, finishing now.
    pub(crate) fn run(&self, source_key: &str, written: WriteSummary, closed: u64) -> ImportRun {
        ImportRun {
            source_key: source_key.to_owned(),
            file_name: self.file_name.clone(),
            checksum_sha256: self.checksum_sha256.clone(),
            started_at: self.started_at,
            // To the microsecond, as PostgreSQL keeps it: the run returned is the run stored.
            finished_at: Utc::now().trunc_subsecs(6),
            rows_read: self.rows_read,
            inserted: written.inserted,
            updated: written.updated,
            unchanged: written.unchanged,
            rejected: self.rejected,
            closed,
        }
    }
}

/// Everything one imported file writes besides its run-log row, for
/// [`crate::Store::apply_import`]: its records with where each was placed,
/// the verified facts it contradicts, and how records without coordinates
/// were geocoded.
#[derive(Debug, Clone, Copy)]
pub struct FileImport<'a> {
    /// The source the records are stored under.
    pub source: &'a SourceInfo,
    /// The file's valid records, as for [`crate::Store::upsert_facilities`].
    pub facilities: &'a [Facility],
    /// Where records were placed, as for [`crate::Store::set_location_assignments`].
    pub placements: &'a [LocationAssignment],
    /// Desk-verified facts the file states otherwise (logged; the verified
    /// answers are kept). Each names a record of `facilities`.
    pub conflicts: &'a [ImportConflict],
    /// How records without source coordinates were placed from their
    /// address. Each names a record of `facilities`.
    pub geocodes: &'a [GeocodeRecord],
}

impl<'a> FileImport<'a> {
    /// Records of `source` and nothing else.
    pub fn records(source: &'a SourceInfo, facilities: &'a [Facility]) -> Self {
        Self {
            source,
            facilities,
            placements: &[],
            conflicts: &[],
            geocodes: &[],
        }
    }

    /// Checks that every conflict and geocode names a record of the file
    /// (SQLite writes an import with foreign-key checks off).
    pub(crate) fn check(&self) -> StoreResult<()> {
        let ids: std::collections::HashSet<_> = self.facilities.iter().map(|f| f.id).collect();
        let stray = self
            .conflicts
            .iter()
            .map(|c| c.facility)
            .chain(self.geocodes.iter().map(|g| g.facility))
            .find(|id| !ids.contains(id));
        match stray {
            Some(id) => Err(StoreError::NotFound {
                entity: "facility among the file's records",
                key: id.to_string(),
            }),
            None => Ok(()),
        }
    }
}

/// What [`crate::Store::apply_import`] committed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedImport {
    /// What happened to the records.
    pub written: WriteSummary,
    /// Placements that changed (new records placed, moved records re-placed).
    pub placements_changed: u64,
    /// The run-log row, as logged.
    pub run: ImportRun,
    /// The data version the import made; `None` when it changed nothing the
    /// read model shows (an unchanged re-import still logs its run).
    pub data_version: Option<i64>,
}

/// Columns as both backends select them.
const SELECT_RUNS: &str =
    "SELECT source_key, file_name, checksum_sha256, started_at, finished_at, \
     rows_read, inserted, updated, unchanged, rejected, closed FROM import_runs \
     ORDER BY finished_at DESC, id DESC LIMIT $1";

/// Inserts one run; `$1…$11` in the column order of [`SELECT_RUNS`].
const INSERT_RUN: &str = "INSERT INTO import_runs (source_key, file_name, checksum_sha256, started_at, \
     finished_at, rows_read, inserted, updated, unchanged, rejected, closed) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";

/// A run row as selected by [`SELECT_RUNS`].
type RunRow = (
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

/// Checks a run before it is written: the checksum is hex digits and every
/// count fits the database. Its length (64) is the constraint
/// `import_runs_checksum_format` of the table itself.
fn check(run: &ImportRun) -> StoreResult<[i64; 6]> {
    if !run.checksum_sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
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
fn from_row(row: RunRow) -> StoreResult<ImportRun> {
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

/// Appends `run` to the log inside the transaction `conn`.
pub(crate) async fn log_run<D: Dialect>(
    conn: &mut D::Connection,
    run: &ImportRun,
) -> StoreResult<()> {
    let [read, inserted, updated, unchanged, rejected, closed] = check(run)?;
    let args: [&dyn Param; 11] = [
        &run.source_key,
        &run.file_name,
        &run.checksum_sha256,
        &run.started_at,
        &run.finished_at,
        &read,
        &inserted,
        &updated,
        &unchanged,
        &rejected,
        &closed,
    ];
    D::execute(conn, INSERT_RUN, &args).await?;
    Ok(())
}

/// The newest `limit` runs, newest first.
pub(crate) async fn runs<D: Dialect>(
    conn: &mut D::Connection,
    limit: u32,
) -> StoreResult<Vec<ImportRun>> {
    let rows: Vec<RunRow> = D::fetch(conn, SELECT_RUNS, &[&i64::from(limit)]).await?;
    rows.into_iter().map(from_row).collect()
}

/// What [`write_file`] committed: what happened to the records, how many
/// placements changed, the logged run, and the new data version when
/// anything the read model shows changed.
pub(crate) type FileWritten = (WriteSummary, u64, Option<ImportRun>, Option<i64>);

/// Writes one file's records, placements, conflicts and geocodes, and `log`
/// when given, in one transaction with at most one data-version bump: either
/// all of it is committed or none; `listeners` hear of the commit.
pub(crate) async fn write_file<D: Dialect>(
    pool: &Pool<D>,
    listeners: &dyn ChangeSource,
    import: FileImport<'_>,
    log: Option<&RunLog>,
) -> StoreResult<FileWritten> {
    import.check()?;
    // Checks and hashes every record before the write lock is taken.
    let prepared = prepare(import.source, import.facilities)?;
    let mut conn = pool.acquire().await?;
    D::before_bulk_write(&mut conn).await?;
    let written = async {
        let mut tx = sqlx::Connection::begin(&mut *conn).await?;
        D::lock_writes(&mut tx).await?;
        let (summary, placed, records_changed) =
            directory::write_records::<D>(&mut tx, import.source, prepared, import.placements)
                .await?;
        verified::log_conflicts::<D>(&mut tx, import.conflicts).await?;
        let geocodes_changed = geocoding::upsert_geocodes::<D>(&mut tx, import.geocodes).await?;
        let run = log.map(|log| log.run(&import.source.key, summary, 0));
        if let Some(run) = &run {
            log_run::<D>(&mut tx, run).await?;
        }
        let changed = records_changed || geocodes_changed > 0;
        let version = commit(tx, changed, listeners).await?;
        Ok((summary, placed, run, version))
    }
    .await;
    D::after_bulk_write(&mut conn).await;
    written
}
