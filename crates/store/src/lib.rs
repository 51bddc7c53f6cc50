//! Storage for renkei: one [`Store`] trait with two backends, SQLite (the
//! embedded default, no set-up) and PostgreSQL + PostGIS (several replicas,
//! QGIS users). Both are one implementation, [`SqlStore`], over the small
//! dialect of each database. Migrations are embedded from
//! `migrations/{sqlite,postgres}/`, which hold the same file names.
//!
//! Writes happen in transactions, one per call: an imported file's records,
//! conflicts, geocodes and run-log row included ([`Store::apply_import`]).
//! Readers of the in-memory index learn of committed writes through
//! [`Store::data_version`] and read everything they need in one snapshot
//! ([`Store::snapshot`]).

mod accounts;
mod accreditations;
mod audit;
mod basemap;
mod changes;
mod closing;
mod copy;
mod coverage_inputs;
mod dialect;
mod directory;
mod error;
mod geocoding;
mod imports;
mod open;
mod params;
pub mod postgres;
mod regions;
mod rollout;
mod row_readers;
mod rows;
mod sessions;
mod sql_store;
pub mod sqlite;
mod url;
mod verified;

pub use accounts::{AccountChange, AccountRecord, NewAccount, OrganisationKind};
pub use accreditations::AccreditationRecord;
pub use audit::{AuditEntry, AuditFilter, AuditRecord};
pub use changes::{ChangeEvent, ChangeFeed, CHANGES_CHANNEL};
pub use closing::{
    facility_prefecture, record_parts, record_prefecture, stated_prefecture, Closing, ListPart,
    Listing,
};
pub use copy::{
    checksum, copy_store, plan, ColumnKind, ColumnShape, CopySummary, TableChecksum, TableCopy,
    TableShape, TableSide, Value, NOT_COPIED,
};
pub use coverage_inputs::{MeshPopulationRecord, ServiceAreaRecord};
pub use directory::DirectorySnapshot;
pub use error::{StoreError, StoreResult};
pub use geocoding::GeocodeRecord;
pub use imports::{AppliedImport, FileImport, ImportRun, RunLog};
pub use open::{open, OpenOptions};
pub use postgres::PostgresStore;
pub use regions::{BoundarySummary, LocationAssignment, PopulationRecord};
pub use rollout::RolloutWritten;
pub use sessions::StaffSessions;
pub use sql_store::SqlStore;
pub use sqlite::SqliteStore;
pub use url::DatabaseUrl;
pub use verified::{ImportConflict, VerifiedFact, VerifiedField};

use async_trait::async_trait;
use renkei_core::region::{Municipality, RegionTable};
use renkei_core::rollout::{RolloutChange, RolloutPlan};
use renkei_core::{AccountId, Facility, FacilityId, KindCode, MunicipalityCode};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Which database a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite file (or memory, for tests).
    Sqlite,
    /// PostgreSQL with PostGIS.
    Postgres,
}

impl Backend {
    /// Stable lower-case name (`sqlite`, `postgres`), as `/health` reports it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        }
    }
}

/// A data source: who publishes the records and under which licence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceInfo {
    /// Stable key, e.g. `demo`, `mhlw-hospitals`.
    pub key: String,
    /// Human name of the dataset.
    pub name: String,
    /// Publisher (e.g. 厚生労働省).
    pub publisher: String,
    /// Licence (e.g. `CC BY 4.0`).
    pub licence: String,
    /// Credit line the licence asks for.
    pub attribution: String,
    /// Where the dataset is published.
    pub url: Option<String>,
    /// True for the authored demo directory.
    pub demo: bool,
}

/// Filters for listing facilities. All set filters must match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FacilityFilter {
    /// Only this kind.
    pub kind: Option<KindCode>,
    /// Only facilities assigned to, or stated to be in, this municipality.
    /// A designated-city code (e.g. `14100`) matches all of its wards, as the
    /// stored region tables list them.
    pub municipality: Option<MunicipalityCode>,
    /// Include facilities marked closed (default: only active ones).
    pub include_closed: bool,
}

/// One page of a list: `page` counts from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    /// Page number, from 1.
    pub page: u32,
    /// Items per page, 1…[`PageRequest::MAX_PER_PAGE`].
    pub per_page: u32,
}

impl PageRequest {
    /// Largest page size the store serves in one call.
    pub const MAX_PER_PAGE: u32 = 1000;
    /// Page size when none is asked for.
    pub const DEFAULT_PER_PAGE: u32 = 50;

    /// Rows to skip before this page.
    pub fn offset(self) -> u64 {
        u64::from(self.page.saturating_sub(1)) * u64::from(self.per_page)
    }
}

/// A page of facilities with the total count matching the filter.
#[derive(Debug, Clone, PartialEq)]
pub struct FacilityPage {
    /// The facilities on this page, ordered by kind, then name, then id.
    pub items: Vec<Facility>,
    /// How many facilities match the filter over all pages.
    pub total: u64,
}

/// What a write of a batch of records did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriteSummary {
    /// Records that were not stored before.
    pub inserted: u64,
    /// Records whose stored content changed.
    pub updated: u64,
    /// Records already stored exactly as given.
    pub unchanged: u64,
}

/// The storage interface every backend implements with the same behaviour.
#[async_trait]
pub trait Store: Send + Sync + std::fmt::Debug {
    /// Which backend this is.
    fn backend(&self) -> Backend;

    /// Checks the database answers (for `/health`).
    async fn ping(&self) -> StoreResult<()>;

    /// Number of active facilities.
    async fn count_facilities(&self) -> StoreResult<u64>;

    /// A page of facilities matching `filter`.
    async fn list_facilities(
        &self,
        filter: &FacilityFilter,
        page: PageRequest,
    ) -> StoreResult<FacilityPage>;

    /// One facility by id, [`StoreError::NotFound`] when there is none.
    async fn facility(&self, id: FacilityId) -> StoreResult<Facility>;

    /// Every facility (active and closed), ordered by id, read in one snapshot.
    async fn all_facilities(&self) -> StoreResult<Vec<Facility>>;

    /// Everything the in-memory read model is built from (facilities, region
    /// tables, boundaries, populations, town points, mesh populations,
    /// service areas) with the data version they show, read in one read
    /// transaction: PostgreSQL REPEATABLE READ; SQLite one deferred
    /// transaction on one connection, whose first read fixes what WAL shows it.
    /// SQLite reads the directory's tables as JSON (see the README).
    async fn snapshot(&self) -> StoreResult<DirectorySnapshot>;

    /// Inserts or updates `facilities` from `source` in one transaction, keyed by
    /// (source, source record id). Either all are written or none is.
    async fn upsert_facilities(
        &self,
        source: &SourceInfo,
        facilities: &[Facility],
    ) -> StoreResult<WriteSummary>;

    /// Writes one imported file in one transaction: its records (as
    /// [`Store::upsert_facilities`]) with their placements (as
    /// [`Store::set_location_assignments`]), the conflicts with verified
    /// facts it found, how its records without coordinates were geocoded,
    /// and `log` completed with the counts as its import-run row. The data
    /// version is bumped at most once, when anything the read model shows
    /// changed. A failure at any step leaves the database as it was.
    async fn apply_import(
        &self,
        import: FileImport<'_>,
        log: &RunLog,
    ) -> StoreResult<AppliedImport>;

    /// A number that grows with every committed write; replicas compare it to
    /// notice changes they missed. One single-row read, cheap enough to poll.
    async fn data_version(&self) -> StoreResult<i64>;

    /// Every source that has been written, ordered by key.
    async fn sources(&self) -> StoreResult<Vec<SourceInfo>>;

    /// Number of facilities (active and closed) per source key.
    async fn count_facilities_by_source(&self) -> StoreResult<BTreeMap<String, u64>>;

    /// Events for every committed write from now on, from any process writing to
    /// the same database (PostgreSQL: LISTEN on [`CHANGES_CHANNEL`]) or from this
    /// process (SQLite). Consumers should still poll [`Store::data_version`] now
    /// and then as a safety net.
    async fn subscribe_changes(&self) -> StoreResult<ChangeFeed>;

    /// Appends a run to the import-run log on its own (a write logs its own
    /// run in its transaction: see [`Store::apply_import`]).
    async fn record_import_run(&self, run: &ImportRun) -> StoreResult<()>;

    /// The newest `limit` import runs, newest first.
    async fn import_runs(&self, limit: u32) -> StoreResult<Vec<ImportRun>>;

    /// Replaces, in one transaction, every stored N03 unit of the prefectures
    /// that `units` belong to with `units` (one boundary file's worth);
    /// `source_file` records where they came from. Units of other prefectures
    /// are kept.
    async fn replace_boundaries(
        &self,
        source_file: &str,
        units: &[Municipality],
    ) -> StoreResult<BoundarySummary>;

    /// Every stored N03 unit with its boundary (WGS 84, lon/lat), ordered by code.
    async fn municipalities(&self) -> StoreResult<Vec<Municipality>>;

    /// Replaces the stored 二次医療圏 table of `table`'s prefecture with `table`.
    async fn upsert_region_table(&self, table: &RegionTable) -> StoreResult<()> {
        self.upsert_region_tables(std::slice::from_ref(table)).await
    }

    /// Replaces the stored 二次医療圏 tables of the prefectures of `tables`
    /// with `tables`, in one transaction (a national A38 file holds 47).
    async fn upsert_region_tables(&self, tables: &[RegionTable]) -> StoreResult<()>;

    /// Every stored 二次医療圏 table, ordered by prefecture code.
    async fn region_tables(&self) -> StoreResult<Vec<RegionTable>>;

    /// Inserts or replaces municipal population rows by code; returns how many were written.
    async fn set_population(&self, rows: &[PopulationRecord]) -> StoreResult<u64>;

    /// Every stored population row, ordered by code.
    async fn populations(&self) -> StoreResult<Vec<PopulationRecord>>;

    /// Stores where each location's position was placed (municipality,
    /// 二次医療圏, method and distance), in one transaction. Only rows whose
    /// stored placement differs are written; unknown ids are ignored. Returns
    /// how many changed; the data version is bumped only when some did.
    async fn set_location_assignments(
        &self,
        assignments: &[LocationAssignment],
    ) -> StoreResult<u64>;

    /// Replaces the 町丁目 representative points of every prefecture in
    /// `points` (one file's worth); returns how many were stored.
    async fn replace_town_points(
        &self,
        source_file: &str,
        points: &[renkei_core::geocode::TownPoint],
    ) -> StoreResult<u64>;

    /// Every stored 町丁目 point, for the offline geocoder.
    async fn town_points(&self) -> StoreResult<Vec<renkei_core::geocode::TownPoint>>;

    /// Replaces every railway station with those of one file (N02 Station),
    /// with its import-run row (`log`, source `source_key`), in one
    /// transaction; returns how many were stored.
    async fn replace_stations(
        &self,
        source_key: &str,
        stations: &[renkei_core::basemap::Station],
        log: &RunLog,
    ) -> StoreResult<u64>;

    /// Replaces every rail line with those of one file, with its import-run
    /// row, in one transaction; returns how many were stored.
    async fn replace_rail_lines(
        &self,
        source_key: &str,
        lines: &[renkei_core::basemap::RailLine],
        log: &RunLog,
    ) -> StoreResult<u64>;

    /// Replaces the postcode points of every prefecture in `points`, with the
    /// import-run row, in one transaction; returns how many were stored.
    async fn replace_postcodes(
        &self,
        source_key: &str,
        points: &[renkei_core::basemap::PostcodePoint],
        log: &RunLog,
    ) -> StoreResult<u64>;

    /// Marks closed, as of `on`, every active facility of `source_key` that
    /// `listing` (newer, complete files of that source) covers but does not
    /// list — never one outside the prefectures and kinds of list the files
    /// cover; returns how many were closed. Closed records are kept. With
    /// `log`, when any were closed, the step's import-run row (`closed` set)
    /// is written in the same transaction.
    async fn close_missing(
        &self,
        source_key: &str,
        listing: &Listing,
        on: chrono::NaiveDate,
        log: Option<&RunLog>,
    ) -> StoreResult<u64> {
        self.close_missing_within(source_key, listing, on, log, None)
            .await
            .map(|closing| closing.closed)
    }

    /// As [`Store::close_missing`], but when the records to close are more
    /// than `max_share` (0–1) of the source's active records in the parts
    /// the listing covers, closes nothing and says how many it would have
    /// ([`Closing::refused`]): a guard against a broken or truncated list
    /// emptying a source. The count and the update are one transaction.
    async fn close_missing_within(
        &self,
        source_key: &str,
        listing: &Listing,
        on: chrono::NaiveDate,
        log: Option<&RunLog>,
        max_share: Option<f64>,
    ) -> StoreResult<Closing>;

    /// Stores facts a consultation desk has confirmed, replacing earlier
    /// answers for the same service and field; returns how many were stored.
    /// Imports never change them: reads lay them over the imported facts.
    async fn set_verified_facts(&self, facts: &[VerifiedFact]) -> StoreResult<u64>;

    /// Every verified fact.
    async fn verified_facts(&self) -> StoreResult<Vec<VerifiedFact>>;

    /// The `limit` most recent import conflicts, newest first.
    async fn import_conflicts(&self, limit: u32) -> StoreResult<Vec<ImportConflict>>;

    // Staff accounts (#16)

    /// Every staff account, ordered by e-mail.
    async fn accounts(&self) -> StoreResult<Vec<AccountRecord>>;

    /// The account with this e-mail (lower-cased), if any.
    async fn account_by_email(&self, email: &str) -> StoreResult<Option<AccountRecord>>;

    /// The account with this id; [`StoreError::NotFound`] when there is none.
    async fn account(&self, id: AccountId) -> StoreResult<AccountRecord>;

    /// Makes `account` (and its organisation when none has that name) and
    /// writes `audit`, in one transaction. A taken e-mail is
    /// [`StoreError::Conflict`] `accounts_email_key`.
    async fn add_account(&self, account: &NewAccount, audit: &AuditEntry)
        -> StoreResult<AccountId>;

    /// Applies `change` to account `id` and writes `audit`, in one transaction.
    async fn change_account(
        &self,
        id: AccountId,
        change: &AccountChange,
        audit: &AuditEntry,
    ) -> StoreResult<()>;

    /// Counts a failed sign-in of account `id`; once the count reaches
    /// `lock_after`, the account is locked until `lock_until`. Returns the
    /// count and the lock.
    async fn count_login_failure(
        &self,
        id: AccountId,
        lock_after: u32,
        lock_until: chrono::DateTime<chrono::Utc>,
    ) -> StoreResult<(u32, Option<chrono::DateTime<chrono::Utc>>)>;

    /// Clears account `id`'s failed sign-in count and lock.
    async fn clear_login_failures(&self, id: AccountId) -> StoreResult<()>;

    /// The audit rows `filter` selects, oldest first.
    async fn audit_log(&self, filter: &AuditFilter) -> StoreResult<Vec<AuditRecord>>;

    /// The session store for signed-in staff, on this database.
    async fn staff_sessions(&self) -> StoreResult<StaffSessions>;

    /// Replaces every hospital accreditation that came from `source_key` with
    /// `records` (one list's worth, already matched to hospitals); returns how
    /// many were stored. Facility imports never touch these rows. With `log`,
    /// the list's import-run row (`inserted` = stored) is written in the same
    /// transaction.
    async fn replace_accreditations(
        &self,
        source_key: &str,
        records: &[AccreditationRecord],
        log: Option<&RunLog>,
    ) -> StoreResult<u64>;

    /// Replaces, in one transaction, the mesh population of every 1st mesh
    /// (80 km square) that `rows` touch with `rows` (one e-Stat file's worth);
    /// `source_file` records where they came from. Returns how many were stored.
    async fn replace_mesh_population(
        &self,
        source_file: &str,
        rows: &[MeshPopulationRecord],
    ) -> StoreResult<u64>;

    /// Every stored mesh population row, ordered by mesh code.
    async fn mesh_populations(&self) -> StoreResult<Vec<MeshPopulationRecord>>;

    /// Replaces, in one transaction, the declared service areas of every
    /// facility named in `records` with `records`; other facilities keep
    /// theirs. A facility that is not stored is [`StoreError::NotFound`] and
    /// nothing is written. Returns how many were stored.
    async fn replace_service_areas(
        &self,
        source_file: &str,
        records: &[ServiceAreaRecord],
    ) -> StoreResult<u64>;

    /// Every declared service area, ordered by facility id and municipality.
    async fn service_areas(&self) -> StoreResult<Vec<ServiceAreaRecord>>;

    /// Replaces, in one transaction with its import-run row (`source_key`
    /// `rollout`), what the prefecture's last rollout file wrote with `plan`;
    /// records added by commands are kept. The result is checked as a whole
    /// ([`renkei_core::rollout::RolloutPlan::check`]): a file that breaks
    /// the stage order together with the commands' transitions, or drops an
    /// area, 課題 or 取組 a command's record belongs to, writes nothing
    /// ([`StoreError::Rollout`] / [`StoreError::Corrupt`]).
    async fn replace_rollout(
        &self,
        plan: &RolloutPlan,
        log: &RunLog,
    ) -> StoreResult<RolloutWritten>;

    /// Every prefecture's rollout, in one read.
    async fn rollout_plans(&self) -> StoreResult<Vec<RolloutPlan>>;

    /// Applies one rollout command in one transaction: the rollout is read,
    /// the change checked against it ([`RolloutPlan::apply`]) and its one
    /// record written. A refused change is [`StoreError::Rollout`].
    async fn change_rollout(&self, change: &RolloutChange) -> StoreResult<()>;

    /// Every table a copy carries (all but [`NOT_COPIED`]), as the
    /// database's catalogue describes it ([`copy_store`]).
    async fn copy_tables(&self) -> StoreResult<Vec<TableShape>>;

    /// `limit` rows of one table from `offset`, in its key's order, each
    /// column read as `kinds` says ([`copy_store`]).
    async fn read_copy_rows(
        &self,
        side: &TableSide,
        kinds: &[ColumnKind],
        offset: u64,
        limit: u64,
    ) -> StoreResult<Vec<Vec<Value>>>;

    /// Empties the tables of `copies` and fills them with what `from` holds,
    /// in one transaction that bumps the data version ([`copy_store`]).
    async fn replace_copied_tables(
        &self,
        copies: &[TableCopy],
        from: &dyn Store,
    ) -> StoreResult<()>;
}

/// Shared handle to a store.
pub type SharedStore = Arc<dyn Store>;
