//! One import run: read a file, parse it, write its valid records to the store
//! in one transaction, and report what happened, row errors included.

use crate::import::{parse_file, Format};
use crate::table::RowError;
use crate::text::SourceEncoding;
use crate::{IngestError, IngestResult};
use chrono::{DateTime, Utc};
use renkei_store::{ImportRun, Store, WriteSummary};
use sha2::{Digest, Sha256};
use std::path::Path;

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
    /// Valid records that have no coordinates (to be placed by the geocoder).
    pub without_position: usize,
    /// Rows rejected, with reasons.
    pub rejected: Vec<RowError>,
    /// When reading started (UTC).
    pub started_at: DateTime<Utc>,
    /// When the write committed (UTC).
    pub finished_at: DateTime<Utc>,
}

/// Imports the file at `path` in `format` into `store`. Each file (each zip
/// member) is one transaction: a structurally wrong file or a failed write
/// changes nothing, and importing the same file again reports every record
/// unchanged.
pub async fn import_path(
    store: &dyn Store,
    format: &Format,
    path: &Path,
) -> IngestResult<Vec<FileReport>> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| IngestError::Io {
        file: name.clone(),
        source,
    })?;
    import_bytes(store, format, &name, &bytes).await
}

/// As [`import_path`], for bytes already in memory (a download, a test fixture).
pub async fn import_bytes(
    store: &dyn Store,
    format: &Format,
    name: &str,
    bytes: &[u8],
) -> IngestResult<Vec<FileReport>> {
    let started_at = Utc::now();
    let checksum_sha256 = hex(&Sha256::digest(bytes));
    let files = parse_file(format, name, bytes, started_at)?;
    let mut reports = Vec::with_capacity(files.len());
    for file in files {
        let written = store
            .upsert_facilities(&file.source, &file.facilities)
            .await
            .map_err(|source| IngestError::Store {
                file: file.file.clone(),
                source,
            })?;
        let finished_at = Utc::now();
        let run = ImportRun {
            source_key: file.source.key.clone(),
            file_name: base_name(&file.file),
            checksum_sha256: checksum_sha256.clone(),
            started_at,
            finished_at,
            rows_read: file.rows_read as u64,
            inserted: written.inserted,
            updated: written.updated,
            unchanged: written.unchanged,
            rejected: file.rejected.len() as u64,
        };
        store
            .record_import_run(&run)
            .await
            .map_err(|source| IngestError::Store {
                file: file.file.clone(),
                source,
            })?;
        reports.push(FileReport {
            without_position: file
                .facilities
                .iter()
                .filter(|f| f.location.position.is_none())
                .count(),
            file: file.file,
            checksum_sha256: checksum_sha256.clone(),
            encoding: file.encoding,
            source: file.source.key,
            rows_read: file.rows_read,
            written,
            rejected: file.rejected,
            started_at,
            finished_at,
        });
    }
    Ok(reports)
}

/// The file's name without its folders (`/data/x.zip!a.csv` → `x.zip!a.csv`).
fn base_name(file: &str) -> String {
    let (path, member) = file
        .split_once('!')
        .map_or((file, None), |(p, m)| (p, Some(m)));
    let name = Path::new(path)
        .file_name()
        .map_or_else(|| path.to_owned(), |n| n.to_string_lossy().into_owned());
    member.map_or(name.clone(), |m| format!("{name}!{m}"))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut out, b| {
            let _ = write!(out, "{b:02x}");
            out
        })
}
