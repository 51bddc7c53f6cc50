//! `renkei import KIND FILE…`: the files in order through the one dispatch,
//! then what follows the run (placing locations, closing what complete lists
//! no longer list), with a message that is true of the whole run.

use super::closing::{close_sources, complete_sources, ClosingGuard, ClosingOutcome};
use super::kind::region_table_outcome;
use super::region_tables::{self, BUILTIN_TABLES_NAME};
use super::{FileOutcome, ImportError, ImportFailed, ImportKind, Importer, Progress};
use renkei_ingest::assign::{assign_locations, AssignSummary};
use renkei_ingest::import::Format;
use renkei_ingest::limits::Limits;
use renkei_ingest::run::{FileReport, ImportStopped};
use renkei_ingest::IngestError;
use renkei_store::Store;
use std::io::Read;
use std::path::{Path, PathBuf};

/// What `renkei import` is asked to do.
#[derive(Debug, Clone)]
pub struct ImportRequest {
    /// What the files hold.
    pub kind: ImportKind,
    /// The files, imported in this order, each in its own transaction. For
    /// [`ImportKind::RegionTable`], none means the tables built into renkei
    /// for the prefectures the database holds data for (all 47 when it holds
    /// none), in one transaction.
    pub files: Vec<PathBuf>,
    /// Facility lists only: the files are the complete, current lists of
    /// their sources, so once every file is imported, the records of those
    /// sources they no longer list (within what they cover) are closed. If
    /// any file fails, nothing is closed.
    pub close_missing: bool,
    /// How much closing may close ([`ClosingGuard`]).
    pub closing_guard: ClosingGuard,
    /// The limits each file is read within.
    pub limits: Limits,
}

impl ImportRequest {
    /// Importing `files` as `kind`, closing nothing, within the default limits.
    pub fn new(kind: ImportKind, files: Vec<PathBuf>) -> Self {
        Self {
            kind,
            files,
            close_missing: false,
            closing_guard: ClosingGuard::default(),
            limits: Limits::default(),
        }
    }
}

/// One file that was imported.
#[derive(Debug)]
pub struct ImportedFile {
    /// The file as named on the command line (or the built-in table's name).
    pub file: String,
    /// What it did.
    pub outcome: FileOutcome,
}

/// What a `renkei import` run did.
#[derive(Debug, Default)]
pub struct ImportOutcome {
    /// The files imported, in order; they stay imported whatever follows.
    pub files: Vec<ImportedFile>,
    /// After facility lists with `close_missing`: per source, what was closed.
    pub closing: Vec<ClosingOutcome>,
    /// After boundaries or a 二次医療圏 table: every location placed again.
    pub placement: Option<AssignSummary>,
    /// Why the run stopped at a file, or a step after the files failed.
    pub failure: Option<ImportFailed>,
}

impl ImportOutcome {
    /// The reports of the facility lists imported, in order.
    pub fn facility_reports(&self) -> impl Iterator<Item = &FileReport> {
        self.files.iter().flat_map(|f| match &f.outcome {
            FileOutcome::Facilities(reports) => reports.as_slice(),
            _ => &[],
        })
    }
}

/// A file that failed: its name, the error, and whether part of it may be stored.
struct Stopped {
    file: String,
    error: IngestError,
    part_stored: bool,
}

/// Imports the files of `request` in order through [`Importer`], stopping
/// at the first that fails, then places the locations again (boundaries, 二次医療圏)
/// or closes what complete lists no longer list. `progress` hears about each file.
pub async fn import_files(
    store: &dyn Store,
    request: &ImportRequest,
    progress: &mut dyn Progress,
) -> ImportOutcome {
    let mut importer = Importer::new(store).with_limits(request.limits);
    let mut outcome = ImportOutcome::default();
    let stopped = match &request.kind {
        ImportKind::Facilities(format) => {
            import_lists(
                &mut importer,
                format,
                &request.files,
                progress,
                &mut outcome.files,
            )
            .await
        }
        ImportKind::RegionTable if request.files.is_empty() => {
            progress.file_started(BUILTIN_TABLES_NAME);
            match region_tables::import_loaded(store).await {
                Ok(tables) => {
                    outcome.files.push(ImportedFile {
                        file: BUILTIN_TABLES_NAME.to_owned(),
                        outcome: region_table_outcome(&tables),
                    });
                    None
                }
                Err(error) => Some(Stopped {
                    file: BUILTIN_TABLES_NAME.to_owned(),
                    error,
                    part_stored: false,
                }),
            }
        }
        kind => {
            let limits = request.limits;
            let read = request.files.iter().map(move |path| {
                let name = path.display().to_string();
                let bytes = read_limited(path, &name, &limits);
                (name, bytes)
            });
            import_each(&mut importer, kind, read, progress, &mut outcome.files).await
        }
    };
    let closes = request.close_missing && matches!(request.kind, ImportKind::Facilities(_));
    if let Some(stopped) = stopped {
        let message = stopped_message(&stopped, &outcome.files, closes);
        outcome.failure = Some(ImportFailed {
            message,
            source: stopped.error.into(),
        });
    }
    if request.kind.places_again() && !outcome.files.is_empty() {
        match assign_locations(store).await {
            Ok(placed) => outcome.placement = Some(placed),
            Err(source) => {
                outcome.failure.get_or_insert(ImportFailed {
                    message: format!(
                        "{}, but placing the stored locations in their municipality and 二次医療圏 failed (run `renkei import regions` to place them)",
                        imported_files(&outcome.files)
                    ),
                    source: ImportError::Store {
                        step: "placing locations".into(),
                        source,
                    },
                });
            }
        }
    }
    if closes && outcome.failure.is_none() {
        let reports: Vec<FileReport> = outcome.facility_reports().cloned().collect();
        let (closing, error) = close_sources(
            store,
            complete_sources(&reports),
            &reports,
            None,
            chrono::Utc::now(),
            request.closing_guard,
        )
        .await;
        outcome.closing = closing;
        if error.is_none() {
            outcome.failure = refused_closing(&outcome);
        }
        if let Some(error) = error {
            outcome.failure = Some(ImportFailed {
                message: format!(
                    "{}; closing what they no longer list failed for a source (see above)",
                    imported_files(&outcome.files)
                ),
                source: error.into(),
            });
        }
    }
    outcome
}

/// The failure of a run whose closing was refused for some source
/// ([`ClosingGuard`]); `None` when none was.
fn refused_closing(outcome: &ImportOutcome) -> Option<ImportFailed> {
    let refused: Vec<&str> = outcome
        .closing
        .iter()
        .filter(|c| c.refused())
        .map(ClosingOutcome::source)
        .collect();
    (!refused.is_empty()).then(|| ImportFailed {
        message: format!(
            "{}; closing was refused for {} (see above): nothing was closed",
            imported_files(&outcome.files),
            refused.join(", ")
        ),
        source: ImportError::MassClose(refused.join(", ")),
    })
}

/// Facility lists from files, through the session's `import_paths`: the
/// next file is parsed while one is written.
async fn import_lists(
    importer: &mut Importer<'_>,
    format: &Format,
    files: &[PathBuf],
    progress: &mut dyn Progress,
    done: &mut Vec<ImportedFile>,
) -> Option<Stopped> {
    let inputs: Vec<(Format, PathBuf)> = files
        .iter()
        .map(|path| (format.clone(), path.clone()))
        .collect();
    let (reports, stopped) = match importer
        .session()
        .import_paths(&inputs, |path| {
            progress.file_started(&path.display().to_string());
        })
        .await
    {
        Ok(reports) => (reports, None),
        Err(ImportStopped {
            imported,
            file,
            error,
        }) => {
            let part_stored = matches!(error, IngestError::Store { .. })
                && ImportKind::Facilities(format.clone()).may_store_part(is_zip_file(&file));
            (
                imported,
                Some(Stopped {
                    file: file.display().to_string(),
                    error,
                    part_stored,
                }),
            )
        }
    };
    // A zip gives one report per member, named `archive.zip!member.csv`.
    let mut reports = reports.into_iter().peekable();
    for path in files {
        let name = path.display().to_string();
        let member_prefix = format!("{name}!");
        let mut of_file = Vec::new();
        while let Some(report) =
            reports.next_if(|r| r.file == name || r.file.starts_with(&member_prefix))
        {
            of_file.push(report);
        }
        if of_file.is_empty() {
            break;
        }
        done.push(ImportedFile {
            file: name,
            outcome: FileOutcome::Facilities(of_file),
        });
    }
    stopped
}

/// Files already read (or failed to read), one after another.
async fn import_each(
    importer: &mut Importer<'_>,
    kind: &ImportKind,
    files: impl Iterator<Item = (String, Result<Vec<u8>, IngestError>)>,
    progress: &mut dyn Progress,
    done: &mut Vec<ImportedFile>,
) -> Option<Stopped> {
    for (file, bytes) in files {
        progress.file_started(&file);
        let (written, zip) = match bytes {
            Ok(bytes) => (
                importer.import_bytes(kind, &file, &bytes).await,
                renkei_ingest::text::is_zip(&bytes),
            ),
            Err(error) => (Err(error), false),
        };
        match written {
            Ok(outcome) => done.push(ImportedFile { file, outcome }),
            Err(error) => {
                let part_stored =
                    matches!(error, IngestError::Store { .. }) && kind.may_store_part(zip);
                return Some(Stopped {
                    file,
                    error,
                    part_stored,
                });
            }
        }
    }
    None
}

/// What is true after a run stopped at `stopped`, with `imported` before it.
fn stopped_message(stopped: &Stopped, imported: &[ImportedFile], closes: bool) -> String {
    let file = &stopped.file;
    let mut message = if stopped.part_stored {
        format!("{file} was not imported completely: what it wrote before the error stays stored")
    } else if imported.is_empty() {
        format!("{file} was not imported; the database is unchanged")
    } else {
        format!("{file} was not imported and nothing from it was written")
    };
    if !imported.is_empty() {
        message.push_str("; ");
        message.push_str(&imported_files(imported));
    }
    if closes {
        message.push_str("; nothing was closed");
    }
    message
}

/// "the N file(s) before it (a, b) were imported and stay so".
fn imported_files(imported: &[ImportedFile]) -> String {
    let names: Vec<&str> = imported.iter().map(|f| f.file.as_str()).collect();
    format!(
        "{} file(s) were imported and stay so ({})",
        names.len(),
        names.join(", ")
    )
}

/// The bytes of the file at `path`, refused without reading when it is
/// larger than [`Limits::max_file_bytes`].
fn read_limited(path: &Path, name: &str, limits: &Limits) -> Result<Vec<u8>, IngestError> {
    let io = |source| IngestError::Io {
        file: name.to_owned(),
        source,
    };
    let size = std::fs::metadata(path).map_err(io)?.len();
    if size > limits.max_file_bytes {
        return Err(super::kind::too_large(name, size, limits));
    }
    std::fs::read(path).map_err(io)
}

/// Whether the file at `path` starts as a zip does.
fn is_zip_file(path: &Path) -> bool {
    let mut magic = [0_u8; 4];
    std::fs::File::open(path)
        .and_then(|mut file| file.read_exact(&mut magic))
        .is_ok_and(|()| renkei_ingest::text::is_zip(&magic))
}
