//! Imports: one dispatch for every kind of file renkei reads ([`ImportKind`],
//! [`Importer`]), run by both front doors' `renkei import KIND FILE…`
//! ([`import_files`]) and `renkei fetch` ([`fetch()`]).
//!
//! Each file is imported or it is not: a file that fails leaves nothing of it
//! stored (except where [`ImportKind`] says otherwise), and the files before
//! it stay imported. The outcomes say so in words that are true of the whole
//! run ([`ImportFailed`]), so no front door has to guess.

mod closing;
mod fetch;
mod files;
mod kind;
pub mod region_tables;

pub use closing::{ClosingGuard, ClosingOutcome, DEFAULT_MAX_CLOSE_SHARE};
pub use fetch::{fetch, fetch_guarded, FetchFailure, FetchReport, FetchedFile, RegionTableOutcome};
pub use files::{import_files, ImportOutcome, ImportRequest, ImportedFile};
pub use kind::{BoundariesReport, FileOutcome, ImportKind, Importer, DEFAULT_MESH_CENSUS_YEAR};

/// Result of an import command.
pub type ImportResult<T> = Result<T, ImportError>;

/// Why a file, or a step of an import run, failed.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// Reading, parsing or storing a file failed (the error names the file).
    #[error(transparent)]
    Ingest(#[from] renkei_ingest::IngestError),
    /// A store step after the files (placing locations, reading the stored
    /// region tables) failed.
    #[error("{step}: {source}")]
    Store {
        /// The step, in plain words.
        step: String,
        /// The store's error.
        #[source]
        source: renkei_store::StoreError,
    },
    /// Closing was refused for these sources: their files would have closed
    /// too large a share of their records ([`ClosingGuard`]).
    #[error("closing refused for {0}: the files no longer list too many of their records")]
    MassClose(String),
    /// No kind of import has this name.
    #[error("unknown importer {0}; use one of the `renkei import` kinds (hsds, n03, regions, population, mesh-population, town-points, mhlw-facilities, kaigo, wamnet, hoken-iryokikan, shisetsu-kijun, verified, service-areas, rollout) or mapping:<name>")]
    UnknownKind(String),
}

/// A run, or a step of it, that failed, with a message that is true of the
/// whole run: what was imported before, what was not, what was closed.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct ImportFailed {
    message: String,
    #[source]
    source: ImportError,
}

impl ImportFailed {
    /// The message (without the error it wraps).
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// Hears about a long import or fetch as it goes, for a progress display.
pub trait Progress {
    /// Work on `file` starts (fetching, reading or writing it).
    fn file_started(&mut self, file: &str);
}

impl<F: FnMut(&str)> Progress for F {
    fn file_started(&mut self, file: &str) {
        self(file);
    }
}
