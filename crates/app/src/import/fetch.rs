//! `renkei fetch`: every file of a plan — a prefecture's, or the national one
//! for all of Japan — obtained (`renkei_ingest::fetch::Downloader`: the
//! publisher, or a folder of files already downloaded) and imported in plan
//! order through the same [`Importer`] as `renkei import`, cut to the
//! prefecture when one is fetched. The built-in 二次医療圏 tables are stored
//! first, so every facility is placed in its municipality and 二次医療圏 in the
//! same write that stores it.
//!
//! A file that cannot be fetched or imported is an error for that file alone:
//! nothing from it is stored, the other files still are, and running the
//! fetch again retries it (imports are idempotent). The lists are the
//! publishers' complete ones, so once every file of a source is imported, that
//! source's records in the prefecture which the files no longer list are
//! closed; a source with a failed file closes nothing.

use super::closing::{close_sources, row_count_drops, ClosingGuard, ClosingOutcome};
use super::region_tables;
use super::{FileOutcome, ImportError, ImportKind, ImportResult, Importer, Progress};
use renkei_core::PrefectureCode;
use renkei_ingest::assign::{assign_locations, AssignSummary};
use renkei_ingest::fetch::{Downloader, FetchOptions, FetchPlan, ObtainError, PlannedFile};
use renkei_ingest::IngestError;
use renkei_store::Store;
use std::collections::BTreeSet;

/// What happened to the built-in 二次医療圏 table(s) of what was fetched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegionTableOutcome {
    /// All of Japan (`renkei fetch --all`): the built-in tables of the
    /// prefectures without a stored one were stored, the others kept.
    National {
        /// Prefectures whose built-in table was stored.
        loaded: usize,
        /// Prefectures whose stored table was kept.
        kept: usize,
    },
    /// Stored from `data/regions/` (number of regions).
    Loaded(usize),
    /// The database already had a table for the prefecture (built-in or a
    /// desk's own, from `renkei import regions FILE`); kept as it is.
    Kept(usize),
    /// renkei has no built-in table for the prefecture: facilities are placed
    /// in their municipality only.
    NoneBuiltIn,
}

/// Why a planned file was not imported.
#[derive(Debug, thiserror::Error)]
pub enum FetchFailure {
    /// `--offline`, and the source folder does not have it: left out by request.
    #[error("not in the source folder (--offline)")]
    Skipped,
    /// It could not be fetched; nothing from it was imported.
    #[error("not fetched, so nothing from it was imported: {0}")]
    Download(String),
    /// It was fetched but not imported.
    #[error("{}: {error}", if *part_stored {
        "not imported completely (what it wrote before the error stays stored)"
    } else {
        "not imported; nothing from it was written"
    })]
    Import {
        /// Why.
        error: IngestError,
        /// Whether part of it may be stored (see [`ImportKind`]).
        part_stored: bool,
    },
}

/// One planned file: where it came from and what importing it did.
#[derive(Debug)]
pub struct FetchedFile {
    /// The plan's key (`hospitals`, `n03`, …).
    pub key: String,
    /// The path it was read from or downloaded to; empty when not obtained.
    pub origin: String,
    /// SHA-256 of the file, when obtained.
    pub checksum_sha256: Option<String>,
    /// What importing it did, or why it was not imported.
    pub result: Result<FileOutcome, FetchFailure>,
}

/// The outcome of a whole fetch.
#[derive(Debug)]
pub struct FetchReport {
    /// Per planned file, in plan order.
    pub files: Vec<FetchedFile>,
    /// The prefecture's 二次医療圏 table, stored before any facility.
    pub regions: RegionTableOutcome,
    /// Facilities placed in their municipality and 二次医療圏 as they were
    /// imported, summed over the facility files.
    pub placement: AssignSummary,
    /// Per facility source, in plan order: records closed or why none were.
    pub closing: Vec<ClosingOutcome>,
    /// Every stored location placed again afterwards, for records no fetched
    /// file wrote (other sources, failed files) when boundaries changed; its
    /// `changed` is what the imports left to do (0 on a fresh database).
    /// `Err` holds why that failed.
    pub assignment: Result<AssignSummary, String>,
}

impl FetchReport {
    /// True when every planned file was imported.
    pub fn complete(&self) -> bool {
        self.files.iter().all(|f| f.result.is_ok())
    }

    /// The keys of the files left out by `--offline`.
    pub fn skipped(&self) -> Vec<&str> {
        self.files
            .iter()
            .filter(|f| matches!(f.result, Err(FetchFailure::Skipped)))
            .map(|f| f.key.as_str())
            .collect()
    }

    /// What went wrong, in words true of the whole fetch; `None` when nothing
    /// did (files skipped by `--offline` were left out by request).
    pub fn failure_message(&self) -> Option<String> {
        let failed: Vec<&FetchedFile> = self
            .files
            .iter()
            .filter(|f| f.result.is_err() && !matches!(f.result, Err(FetchFailure::Skipped)))
            .collect();
        let mut problems = Vec::new();
        if !failed.is_empty() {
            let part_stored = failed.iter().any(|f| {
                matches!(
                    f.result,
                    Err(FetchFailure::Import {
                        part_stored: true,
                        ..
                    })
                )
            });
            problems.push(format!(
                "{} of {} files were not imported ({}; see NOT IMPORTED above){}; the other files were imported and stay so",
                failed.len(),
                self.files.len(),
                failed.iter().map(|f| f.key.as_str()).collect::<Vec<_>>().join(", "),
                if part_stored { "" } else { " and nothing from them was written" }
            ));
        }
        for closing in &self.closing {
            if let ClosingOutcome::Failed { source, .. } = closing {
                problems.push(format!(
                    "closing the unlisted records of {source} failed (see above)"
                ));
            }
            if closing.refused() {
                problems.push(format!(
                    "closing the unlisted records of {} was refused (see above)",
                    closing.source()
                ));
            }
        }
        if let Err(error) = &self.assignment {
            problems.push(format!(
                "placing every stored location again failed: {error}"
            ));
        }
        (!problems.is_empty()).then(|| problems.join("; "))
    }
}

/// Fetches and imports every file of `plan` into `store`; `progress` hears
/// about each file as it starts. A plan for one prefecture imports only what
/// lies in it ([`Importer::within`]) and closes only there; a plan for all of
/// Japan imports and closes everything. An `Err` means the fetch stopped
/// before importing anything (an unknown importer in the plan, a download
/// folder that cannot be made, the region tables not stored); failures of
/// single files are in the report.
pub async fn fetch(
    store: &dyn Store,
    plan: &FetchPlan,
    options: FetchOptions,
    progress: &mut dyn Progress,
) -> ImportResult<FetchReport> {
    fetch_guarded(store, plan, options, ClosingGuard::default(), progress).await
}

/// As [`fetch()`], closing within `guard`: a source whose files have far
/// fewer rows than its last good run (import-run log), or that would close
/// too large a share of its records, closes nothing unless the guard allows it.
pub async fn fetch_guarded(
    store: &dyn Store,
    plan: &FetchPlan,
    options: FetchOptions,
    guard: ClosingGuard,
    progress: &mut dyn Progress,
) -> ImportResult<FetchReport> {
    let kinds = plan
        .files
        .iter()
        .map(|planned| ImportKind::from_name(&planned.importer))
        .collect::<ImportResult<Vec<_>>>()?;
    let downloader = Downloader::new(options)?;
    let prefecture = plan
        .prefecture
        .as_deref()
        .map(PrefectureCode::new)
        .transpose()
        .map_err(|e| IngestError::Format {
            file: "fetch plan".into(),
            reason: e.to_string(),
        })?;
    let regions = load_region_tables(store, prefecture.as_ref()).await?;
    let started = chrono::Utc::now();
    let mut importer = match &prefecture {
        Some(prefecture) => Importer::within(store, prefecture.clone()),
        None => Importer::new(store),
    };
    let mut files: Vec<FetchedFile> = Vec::with_capacity(plan.files.len());
    for (planned, kind) in plan.files.iter().zip(&kinds) {
        progress.file_started(&format!("{} ({})", planned.description, planned.key));
        let fetched = fetch_one(
            &downloader,
            &mut importer,
            planned,
            kind,
            &plan.files,
            &files,
        )
        .await;
        files.push(fetched);
    }
    drop(importer);
    let reports: Vec<_> = files
        .iter()
        .filter_map(|f| match &f.result {
            Ok(FileOutcome::Facilities(reports)) => Some(reports.iter().cloned()),
            _ => None,
        })
        .flatten()
        .collect();
    let mut placement = AssignSummary::default();
    for report in &reports {
        placement += report.placement;
    }
    let mut sources = plan_sources(&kinds, &files);
    match row_count_drops(store, &reports, started, guard).await {
        Ok(drops) => {
            for (source, reason) in drops {
                if let Some((_, why)) = sources.iter_mut().find(|(key, _)| *key == source) {
                    why.get_or_insert(reason);
                }
            }
        }
        Err(error) => {
            for (_, why) in &mut sources {
                why.get_or_insert(format!(
                    "the import-run log could not be read to compare row counts ({error}), so nothing was closed"
                ));
            }
        }
    }
    let (closing, _) = close_sources(
        store,
        sources,
        &reports,
        prefecture.as_ref(),
        started,
        guard,
    )
    .await;
    let assignment = assign_locations(store).await.map_err(|e| e.to_string());
    Ok(FetchReport {
        files,
        regions,
        placement,
        closing,
        assignment,
    })
}

/// Obtains one planned file and imports it, unless an earlier entry
/// (`done`, in the order of `planned`) imported the very same bytes.
async fn fetch_one(
    downloader: &Downloader,
    importer: &mut Importer<'_>,
    planned: &PlannedFile,
    kind: &ImportKind,
    plan: &[PlannedFile],
    done: &[FetchedFile],
) -> FetchedFile {
    let obtained = match downloader.obtain(planned).await {
        Ok(obtained) => obtained,
        Err(reason) => {
            return FetchedFile {
                key: planned.key.clone(),
                origin: String::new(),
                checksum_sha256: None,
                result: Err(match reason {
                    ObtainError::Skipped => FetchFailure::Skipped,
                    ObtainError::Failed(reason) => FetchFailure::Download(reason),
                }),
            }
        }
    };
    let result = match imported_earlier(plan, done, &planned.importer, &obtained.checksum_sha256) {
        Some(key) => Ok(FileOutcome::SameAsEarlier { key }),
        None => importer
            .import_bytes(kind, &obtained.origin, &obtained.bytes)
            .await
            .map_err(|error| FetchFailure::Import {
                part_stored: matches!(error, IngestError::Store { .. })
                    && kind.may_store_part(renkei_ingest::text::is_zip(&obtained.bytes)),
                error,
            }),
    };
    FetchedFile {
        key: planned.key.clone(),
        origin: obtained.origin,
        checksum_sha256: Some(obtained.checksum_sha256),
        result,
    }
}

/// The key of an earlier entry of this fetch that imported the file with
/// `checksum` through the same importer, if any: importing identical bytes
/// twice would only double the run log and the placement counts.
fn imported_earlier(
    planned: &[PlannedFile],
    done: &[FetchedFile],
    importer: &str,
    checksum: &str,
) -> Option<String> {
    planned
        .iter()
        .zip(done)
        .find(|(plan, file)| {
            plan.importer == importer
                && file.checksum_sha256.as_deref() == Some(checksum)
                && matches!(&file.result, Ok(outcome) if !matches!(outcome, FileOutcome::SameAsEarlier { .. }))
        })
        .map(|(_, file)| file.key.clone())
}

/// The facility sources of a plan in plan order, each with why its list is
/// incomplete when a file of it was not imported. Several files may share a
/// source (WAM NET publishes one per service): a source is complete only
/// when all of its files were imported.
fn plan_sources(kinds: &[ImportKind], files: &[FetchedFile]) -> Vec<(String, Option<String>)> {
    let mut sources: Vec<(String, Option<String>)> = Vec::new();
    for (kind, file) in kinds.iter().zip(files) {
        let ImportKind::Facilities(format) = kind else {
            continue;
        };
        let key = format.source().key;
        let failure = file.result.is_err().then(|| {
            format!(
                "{} was not imported, so the list is incomplete and nothing was closed",
                file.key
            )
        });
        match sources.iter_mut().find(|(source, _)| *source == key) {
            Some((_, first_failure)) => {
                if first_failure.is_none() {
                    *first_failure = failure;
                }
            }
            None => sources.push((key, failure)),
        }
    }
    sources
}

/// Stores the built-in 二次医療圏 table of `prefecture` (of every prefecture
/// when `None`) unless the database already has one for it (which may be a
/// desk's own and is kept).
async fn load_region_tables(
    store: &dyn Store,
    prefecture: Option<&PrefectureCode>,
) -> ImportResult<RegionTableOutcome> {
    let stored = store
        .region_tables()
        .await
        .map_err(|source| ImportError::Store {
            step: "the 二次医療圏 table".into(),
            source,
        })?;
    let kept: BTreeSet<PrefectureCode> = stored
        .iter()
        .map(|table| table.prefecture().code.clone())
        .collect();
    let Some(prefecture) = prefecture else {
        let all = region_tables::all_prefectures()?;
        let loaded = region_tables::store_builtin_tables(store, &all, &kept).await?;
        return Ok(RegionTableOutcome::National {
            loaded: loaded.len(),
            kept: kept.len(),
        });
    };
    if let Some(table) = stored.iter().find(|t| t.prefecture().code == *prefecture) {
        return Ok(RegionTableOutcome::Kept(table.regions().len()));
    }
    let wanted = BTreeSet::from([prefecture.clone()]);
    let loaded = region_tables::store_builtin_tables(store, &wanted, &kept).await?;
    Ok(match loaded.first() {
        Some(table) => RegionTableOutcome::Loaded(table.regions().len()),
        None => RegionTableOutcome::NoneBuiltIn,
    })
}
