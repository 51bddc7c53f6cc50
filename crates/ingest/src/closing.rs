//! Closing what newer, complete files of a source no longer list — within what
//! those files cover (see [`renkei_store::Listing`]): their prefectures, and
//! their kinds of list. Rows rejected by validation are still listed by the
//! publisher, so their records keep their state. Closed records are kept with
//! the date and open again when a later file lists them.

use crate::run::{sha256_hex, tokyo_date, FileReport};
use crate::{IngestError, IngestResult};
use chrono::{DateTime, Utc};
use renkei_core::PrefectureCode;
use renkei_store::{Listing, RunLog, Store};

/// What closing one source's missing records did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClosingReport {
    /// Source key.
    pub source: String,
    /// Records marked closed.
    pub closed: u64,
    /// Prefectures (two-digit codes) the files cover, where records could be closed.
    pub prefectures: Vec<String>,
    /// Why nothing could be closed, when the files cover nothing.
    pub nothing_covered: Option<String>,
    /// Set when nothing was closed because the files would have closed more
    /// than the allowed share of the source's records.
    pub refused: Option<MassClosing>,
}

/// A closing refused as too large a share of a source (see
/// [`close_missing`]'s `max_share`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MassClosing {
    /// Records the files no longer list, which would have been closed.
    pub would_close: u64,
    /// Active records of the source in what the files cover.
    pub open: u64,
    /// The largest share (0–1) one closing may close.
    pub max_share: f64,
}

impl Eq for MassClosing {}

impl std::fmt::Display for MassClosing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the files no longer list {} of the {} open records they cover ({:.1} %), more than the {:.0} % one run may close; nothing was closed. A broken or truncated download looks like this: check the file, and if the list really is that much shorter, run again with --allow-mass-close",
            self.would_close,
            self.open,
            100.0 * self.would_close as f64 / self.open.max(1) as f64,
            100.0 * self.max_share
        )
    }
}

/// After importing complete files of one source, marks closed (as of the
/// Asia/Tokyo date of `now`) every active record of `source_key` that the
/// files cover but none of `reports` lists — only in `within` when given
/// (`renkei fetch --prefecture`). Logs the step as its own import run when it
/// closed anything. With `max_share`, closes nothing when that would close
/// more than this share (0–1) of the source's open records the files cover
/// ([`ClosingReport::refused`]).
pub async fn close_missing(
    store: &dyn Store,
    source_key: &str,
    reports: &[FileReport],
    within: Option<&PrefectureCode>,
    now: DateTime<Utc>,
    max_share: Option<f64>,
) -> IngestResult<ClosingReport> {
    let of_source: Vec<&FileReport> = reports.iter().filter(|r| r.source == source_key).collect();
    let mut listing = Listing::default();
    for report in &of_source {
        listing.extend(&report.listed);
    }
    if let Some(prefecture) = within {
        listing.restrict_to(prefecture);
    }
    let prefectures = listing.prefectures();
    if listing.covers_nothing() {
        let where_ = within.map_or_else(String::new, |p| format!(" in {}", p.name()));
        return Ok(ClosingReport {
            source: source_key.to_owned(),
            closed: 0,
            prefectures,
            nothing_covered: Some(format!(
                "the file(s) list no valid record{where_}, so nothing was closed"
            )),
            refused: None,
        });
    }
    let store_error = |source| IngestError::Store {
        file: format!("closing records of {source_key}"),
        source,
    };
    let files: Vec<&str> = of_source
        .iter()
        .map(|r| r.checksum_sha256.as_str())
        .collect();
    // Logged in the closing's own transaction, when it closed anything.
    let log = RunLog {
        file_name: format!(
            "(closing records not in {} file(s); prefectures {})",
            of_source.len(),
            prefectures.join(" ")
        ),
        checksum_sha256: sha256_hex(files.join(",").as_bytes()),
        started_at: now,
        rows_read: 0,
        rejected: 0,
    };
    let closing = store
        .close_missing_within(source_key, &listing, tokyo_date(now), Some(&log), max_share)
        .await
        .map_err(store_error)?;
    Ok(ClosingReport {
        source: source_key.to_owned(),
        closed: closing.closed,
        prefectures,
        nothing_covered: None,
        refused: closing.refused().then(|| MassClosing {
            would_close: closing.would_close,
            open: closing.open,
            max_share: max_share.unwrap_or(1.0),
        }),
    })
}
