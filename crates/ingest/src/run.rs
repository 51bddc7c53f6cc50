//! One import run: read a file, parse it, write its valid records to the store
//! in one transaction, and report what happened, row errors included.

use crate::assign::{self, AssignSummary};
use crate::import::{parse_input, Format, Importer, ParsedFile};
use crate::limits::Limits;
use crate::table::RowError;
use crate::text::SourceEncoding;
use crate::{hoken, place};
use crate::{IngestError, IngestResult};
use chrono::{DateTime, Utc};
use renkei_core::geocode::{Geocoder, TownPoint};
use renkei_core::region::{BoundaryIndex, Municipality};
use renkei_core::{FacilityId, PrefectureCode};
use renkei_store::{facility_prefecture, FileImport, Listing, RunLog, Store, WriteSummary};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// What importing one file (or one member of a zip) did.
#[derive(Debug, Clone)]
pub struct FileReport {
    /// File name (a zip member is `archive.zip!member.csv`).
    pub file: String,
    /// SHA-256 of the whole file as read, hex.
    pub checksum_sha256: String,
    /// Encoding the file was read in.
    pub encoding: SourceEncoding,
    /// Source key the records were stored under.
    pub source: String,
    /// Data rows read.
    pub rows_read: usize,
    /// What the store did with the valid rows.
    pub written: WriteSummary,
    /// Rows that are a record already in the directory (a hospital from another
    /// list), linked to it instead of stored twice.
    pub linked: usize,
    /// Records placed from their address by the offline geocoder.
    pub geocoded: usize,
    /// Valid records left without coordinates (no town or municipality matched,
    /// or no town points imported yet).
    pub without_position: usize,
    /// Where the records were placed (municipality and 二次医療圏), when
    /// boundaries are stored; all zero otherwise.
    pub placement: AssignSummary,
    /// Desk-verified facts this file states otherwise (kept, and logged as
    /// import conflicts).
    pub conflicts: usize,
    /// Rows rejected, with reasons.
    pub rejected: Vec<RowError>,
    /// The records the file lists and what it covers, for closing what a
    /// complete file no longer lists ([`crate::closing`]).
    pub listed: Listing,
    /// When reading started (UTC).
    pub started_at: DateTime<Utc>,
    /// When the write committed (UTC).
    pub finished_at: DateTime<Utc>,
}

/// Why [`ImportSession::import_paths`] stopped before the last file.
#[derive(Debug)]
pub struct ImportStopped {
    /// Reports of the files imported before the failure; they stay imported.
    pub imported: Vec<FileReport>,
    /// The file that failed.
    pub file: PathBuf,
    /// Why it failed.
    pub error: IngestError,
}

/// Imports the file at `path` in `format` into `store`. Each file (each zip
/// member) is one transaction: a structurally wrong file or a failed write
/// changes nothing, and importing the same file again reports every record
/// unchanged. To import several files, open one [`ImportSession`] instead.
pub async fn import_path(
    store: &dyn Store,
    format: &Format,
    path: &Path,
) -> IngestResult<Vec<FileReport>> {
    ImportSession::new(store).import_path(format, path).await
}

/// As [`import_path`], for bytes already in memory (a download, a test fixture).
pub async fn import_bytes(
    store: &dyn Store,
    format: &Format,
    name: &str,
    bytes: &[u8],
) -> IngestResult<Vec<FileReport>> {
    ImportSession::new(store)
        .import_bytes(format, name, bytes)
        .await
}

/// Imports files one after another with what every file needs loaded once:
/// the stored boundaries (records are placed in their municipality and
/// 二次医療圏 as they are written, in the same transaction) and, on first need,
/// the offline geocoder.
pub struct ImportSession<'a> {
    store: &'a dyn Store,
    limits: Limits,
    municipalities: Vec<Municipality>,
    boundaries: Option<BoundaryIndex>,
    /// The stored 町丁目 points, read with the boundaries.
    towns: Vec<TownPoint>,
    /// Built the first time a record needs it (no coordinates, or wrong
    /// ones); holds `None` when there is nothing to geocode against.
    geocoder: OnceLock<Option<Geocoder>>,
    /// Whether `municipalities` and `boundaries` have been read from the store.
    boundaries_loaded: bool,
    /// Only records of this prefecture are written ([`Self::restrict_to`]).
    within: Option<PrefectureCode>,
}

impl std::fmt::Debug for ImportSession<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImportSession")
            .field("municipalities", &self.municipalities.len())
            .field("boundaries_loaded", &self.boundaries_loaded)
            .field("geocoder_built", &self.geocoder.get().is_some())
            .finish_non_exhaustive()
    }
}

impl<'a> ImportSession<'a> {
    /// A session on `store`. Nothing is read yet: the stored boundaries and
    /// region tables load with the first file (in [`Self::import_paths`],
    /// while that file is parsed).
    pub fn new(store: &'a dyn Store) -> Self {
        Self {
            store,
            limits: Limits::default(),
            municipalities: Vec::new(),
            boundaries: None,
            towns: Vec::new(),
            geocoder: OnceLock::new(),
            boundaries_loaded: false,
            within: None,
        }
    }

    /// Writes only the records of `prefecture` from now on (the prefecture
    /// each record's source states, its address starts with, or its
    /// position lies in: [`renkei_store::facility_prefecture`]), so a
    /// publisher's national file imports as the prefecture's. The others
    /// count as rows read and skipped; rejected rows are reported as they are.
    pub fn restrict_to(&mut self, prefecture: PrefectureCode) {
        self.within = Some(prefecture);
    }

    /// The same session reading each file within `limits`.
    #[must_use]
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Reads the stored boundaries and region tables, the first time only.
    async fn load_boundaries(&mut self) -> IngestResult<()> {
        if self.boundaries_loaded {
            return Ok(());
        }
        let store_error = |source| IngestError::Store {
            file: "stored boundaries".into(),
            source,
        };
        self.municipalities = self.store.municipalities().await.map_err(store_error)?;
        if !self.municipalities.is_empty() {
            self.towns = self.store.town_points().await.map_err(store_error)?;
            let tables = self.store.region_tables().await.map_err(store_error)?;
            self.boundaries = Some(BoundaryIndex::new(
                self.municipalities.iter().cloned(),
                &tables,
            ));
        }
        self.boundaries_loaded = true;
        Ok(())
    }

    /// As the free function [`import_path`].
    pub async fn import_path(
        &mut self,
        format: &Format,
        path: &Path,
    ) -> IngestResult<Vec<FileReport>> {
        let input = read_input(format, path, &self.limits)?;
        self.write_input(format, input).await
    }

    /// Imports `files` (each in its format) one after another, each in its
    /// own transaction as [`Self::import_path`] does, and calls `on_file` as
    /// each one starts. The next file is read and parsed on another thread while
    /// the current one is written: writing keeps the database's thread busy
    /// and parsing is the other half of the work. Stops at the first file
    /// that fails, returning it with the error and the reports of the files
    /// before it, which stay imported.
    pub async fn import_paths(
        &mut self,
        files: &[(Format, PathBuf)],
        mut on_file: impl FnMut(&Path),
    ) -> Result<Vec<FileReport>, ImportStopped> {
        let limits = self.limits;
        let read_in_background = |(format, path): &(Format, PathBuf)| {
            let (format, path) = (format.clone(), path.clone());
            tokio::task::spawn_blocking(move || read_input(&format, &path, &limits))
        };
        let Some(first) = files.first() else {
            return Ok(Vec::new());
        };
        // Started before the boundaries load, so that the two overlap.
        let mut reading = read_in_background(first);
        if let Err(error) = self.load_boundaries().await {
            return Err(ImportStopped {
                imported: Vec::new(),
                file: first.1.clone(),
                error,
            });
        }
        let mut reports = Vec::new();
        for (index, (format, path)) in files.iter().enumerate() {
            on_file(path);
            let input = (&mut reading)
                .await
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic.into_panic()));
            if let Some(following) = files.get(index + 1) {
                reading = read_in_background(following);
            }
            let written = match input {
                Ok(input) => self.write_input(format, input).await,
                Err(error) => Err(error),
            };
            match written {
                Ok(more) => reports.extend(more),
                Err(error) => {
                    return Err(ImportStopped {
                        imported: reports,
                        file: path.clone(),
                        error,
                    })
                }
            }
        }
        Ok(reports)
    }

    /// As the free function [`import_bytes`].
    pub async fn import_bytes(
        &mut self,
        format: &Format,
        name: &str,
        bytes: &[u8],
    ) -> IngestResult<Vec<FileReport>> {
        let input = ParsedInput {
            checksum_sha256: sha256_hex(bytes),
            started_at: Utc::now(),
            files: Vec::new(),
        }
        .parse(format, name, std::io::Cursor::new(bytes), &self.limits)?;
        self.write_input(format, input).await
    }

    /// Writes the members of a parsed file, one transaction each.
    async fn write_input(
        &mut self,
        format: &Format,
        input: ParsedInput,
    ) -> IngestResult<Vec<FileReport>> {
        self.load_boundaries().await?;
        let mut reports = Vec::with_capacity(input.files.len());
        for mut file in input.files {
            if let Some(prefecture) = &self.within {
                let boundaries = self.boundaries.as_ref();
                file.facilities
                    .retain(|f| lies_in(f, prefecture, boundaries));
            }
            reports.push(
                self.write_file(format, file, &input.checksum_sha256, input.started_at)
                    .await?,
            );
        }
        Ok(reports)
    }

    async fn write_file(
        &mut self,
        format: &Format,
        mut file: ParsedFile,
        checksum_sha256: &str,
        started_at: DateTime<Utc>,
    ) -> IngestResult<FileReport> {
        let store = self.store;
        let store_error = |source| IngestError::Store {
            file: file.file.clone(),
            source,
        };
        // Ids of rows linked to a record of another list: still listed by
        // their publisher, so a copy stored from an earlier list is not closed.
        let mut linked_ids = Vec::new();
        if matches!(format, Format::Official(Importer::HokenIryokikan)) {
            let existing = store.all_facilities().await.map_err(store_error)?;
            let (kept, links) = hoken::link(std::mem::take(&mut file.facilities), &existing);
            file.facilities = kept;
            linked_ids = links
                .iter()
                .map(|(record, _)| FacilityId::from_source(&file.source.key, record))
                .collect();
        }
        // The geocoder places rows without coordinates and, with boundaries,
        // rows whose coordinates are wrong for their address; it is built
        // from the boundaries and town points when the first one needs it.
        let lazy_geocoder = || {
            self.geocoder
                .get_or_init(|| {
                    (!self.municipalities.is_empty()).then(|| {
                        Geocoder::from_boundaries(&self.municipalities, self.towns.clone())
                    })
                })
                .as_ref()
        };
        let mut geocodes = if file
            .facilities
            .iter()
            .any(|f| f.location.position.is_none())
        {
            lazy_geocoder().map_or_else(Vec::new, |g| place::place(&mut file.facilities, g))
        } else {
            Vec::new()
        };
        let (mut placement, assignments) = match &self.boundaries {
            Some(index) => {
                let (placement, assignments, corrected) =
                    assign::place_correcting(index, &mut file.facilities, &lazy_geocoder);
                geocodes.extend(corrected);
                (placement, assignments)
            }
            None => (AssignSummary::default(), Vec::new()),
        };
        // Verified facts are never overwritten (reads lay them over whatever
        // is imported); where this file says otherwise, log it for a desk.
        let verified = store.verified_facts().await.map_err(store_error)?;
        let conflicts = crate::verified::conflicts(
            &verified,
            &file.facilities,
            &file.source.key,
            &base_name(&file.file),
            started_at,
        );
        // The records and how each was placed (inside, nearest, suspect), the
        // conflicts, the geocodes and the run log: one transaction, so the
        // file is imported or it is not, and its log says so.
        let import = FileImport {
            source: &file.source,
            facilities: &file.facilities,
            placements: &assignments,
            conflicts: &conflicts,
            geocodes: &geocodes,
        };
        let log = RunLog {
            file_name: base_name(&file.file),
            checksum_sha256: checksum_sha256.to_owned(),
            started_at,
            rows_read: file.rows_read as u64,
            rejected: file.rejected.len() as u64,
        };
        let applied = store
            .apply_import(import, &log)
            .await
            .map_err(store_error)?;
        placement.changed = applied.placements_changed;
        let (written, finished_at) = (applied.written, applied.run.finished_at);
        Ok(FileReport {
            linked: linked_ids.len(),
            geocoded: geocodes.len(),
            without_position: file
                .facilities
                .iter()
                .filter(|f| f.location.position.is_none())
                .count(),
            placement,
            conflicts: conflicts.len(),
            checksum_sha256: checksum_sha256.to_owned(),
            encoding: file.encoding,
            source: file.source.key,
            rows_read: file.rows_read,
            written,
            rejected: file.rejected,
            listed: listing(
                &file.facilities,
                file.rejected_ids.iter().chain(&linked_ids),
            ),
            file: file.file,
            started_at,
            finished_at,
        })
    }
}

/// A file read and parsed, not yet written: the part of an import that
/// needs no database and can run on another thread.
#[derive(Debug)]
struct ParsedInput {
    files: Vec<ParsedFile>,
    checksum_sha256: String,
    started_at: DateTime<Utc>,
}

/// Reads the file at `path` and parses it in `format` within `limits`, as
/// it streams from disk: one pass for the checksum, one to parse, neither
/// holding the whole file.
fn read_input(format: &Format, path: &Path, limits: &Limits) -> IngestResult<ParsedInput> {
    let name = path.display().to_string();
    let open = || {
        std::fs::File::open(path).map_err(|source| IngestError::Io {
            file: name.clone(),
            source,
        })
    };
    let started_at = Utc::now();
    let mut hasher = Sha256::new();
    std::io::copy(&mut std::io::BufReader::new(open()?), &mut hasher).map_err(|source| {
        IngestError::Io {
            file: name.clone(),
            source,
        }
    })?;
    ParsedInput {
        checksum_sha256: format!("{:x}", hasher.finalize()),
        started_at,
        files: Vec::new(),
    }
    .parse(format, &name, std::io::BufReader::new(open()?), limits)
}

impl ParsedInput {
    /// The members of `input`, read from `name`, parsed in `format`.
    fn parse(
        mut self,
        format: &Format,
        name: &str,
        input: impl std::io::Read + std::io::Seek,
        limits: &Limits,
    ) -> IngestResult<Self> {
        self.files = parse_input(format, name, input, self.started_at, limits)?;
        Ok(self)
    }
}

/// Whether `facility` belongs to `prefecture`: by what its source states
/// ([`facility_prefecture`]), else by where its position lies.
fn lies_in(
    facility: &renkei_core::Facility,
    prefecture: &PrefectureCode,
    boundaries: Option<&BoundaryIndex>,
) -> bool {
    match facility_prefecture(facility) {
        Some(stated) => stated == *prefecture,
        None => facility
            .location
            .position
            .and_then(|position| boundaries?.assign(position)?.municipality)
            .is_some_and(|placed| placed.prefecture() == *prefecture),
    }
}

/// What importing a verified-facts sheet did.
#[derive(Debug, Clone)]
pub struct VerifiedReport {
    /// File name.
    pub file: String,
    /// Data rows read.
    pub rows_read: usize,
    /// Facts stored.
    pub stored: u64,
    /// Rows rejected, with reasons.
    pub rejected: Vec<RowError>,
}

/// Imports a sheet of facts a desk has confirmed (see [`crate::verified`]).
/// A sheet with wrong columns changes nothing; bad rows are rejected alone.
pub async fn import_verified(
    store: &dyn Store,
    name: &str,
    bytes: &[u8],
    now: DateTime<Utc>,
) -> IngestResult<VerifiedReport> {
    import_verified_with(store, name, bytes, now, &Limits::default()).await
}

/// As [`import_verified`], reading the sheet (or each sheet of a zip) within
/// `limits`. Every sheet of the file is stored in one transaction.
pub async fn import_verified_with(
    store: &dyn Store,
    name: &str,
    bytes: &[u8],
    now: DateTime<Utc>,
    limits: &Limits,
) -> IngestResult<VerifiedReport> {
    let tables = crate::table::read_tables(name, bytes, &[".csv"], limits)?;
    let store_error = |source| IngestError::Store {
        file: name.to_owned(),
        source,
    };
    let facilities = store.all_facilities().await.map_err(store_error)?;
    let (mut facts, mut rejected, mut rows_read) = (Vec::new(), Vec::new(), 0);
    for table in &tables {
        let (more, bad) = crate::verified::parse(table, &facilities, tokyo_date(now))?;
        facts.extend(more);
        rejected.extend(bad);
        rows_read += table.rows_read();
    }
    let stored = store
        .set_verified_facts(&facts)
        .await
        .map_err(store_error)?;
    Ok(VerifiedReport {
        file: name.to_owned(),
        rows_read,
        stored,
        rejected,
    })
}

/// The file's name without its folders (`/data/x.zip!a.csv` → `x.zip!a.csv`).
pub fn base_name(file: &str) -> String {
    let (path, member) = file
        .split_once('!')
        .map_or((file, None), |(p, m)| (p, Some(m)));
    let name = Path::new(path)
        .file_name()
        .map_or_else(|| path.to_owned(), |n| n.to_string_lossy().into_owned());
    member.map_or(name.clone(), |m| format!("{name}!{m}"))
}

/// What a file lists: its valid records (which tell what it covers) and the
/// records it lists without writing them (rejected rows, rows linked to a
/// record of another list), which are kept as they are.
fn listing<'a>(
    valid: &[renkei_core::Facility],
    listed_only: impl IntoIterator<Item = &'a FacilityId>,
) -> Listing {
    let mut listing = Listing::default();
    for facility in valid {
        listing.add_record(facility);
    }
    for id in listed_only {
        listing.add_listed_id(*id);
    }
    listing
}

/// The calendar date in Japan at `now`. Japan has no daylight saving time:
/// Asia/Tokyo is always UTC+9.
pub(crate) fn tokyo_date(now: DateTime<Utc>) -> chrono::NaiveDate {
    (now + chrono::Duration::hours(9)).date_naive()
}

/// SHA-256 of `bytes` as 64 lower-case hex digits, as import runs record it.
pub fn sha256_hex(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}
