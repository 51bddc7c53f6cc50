//! After complete lists were imported: close the records of each source that
//! its files no longer list (`renkei_ingest::closing`), source by source.

use chrono::{DateTime, Utc};
use renkei_core::PrefectureCode;
use renkei_ingest::closing::{close_missing, ClosingReport};
use renkei_ingest::run::{base_name, FileReport};
use renkei_ingest::IngestError;
use renkei_store::{ImportRun, Store, StoreError};

/// Default for [`ClosingGuard::max_share`]: one run closes at most 10 % of a
/// source's open records in what its files cover.
pub const DEFAULT_MAX_CLOSE_SHARE: f64 = 0.10;
/// Import-run log rows read to find a source's last good run.
const RUNS_CONSULTED: u32 = 10_000;

/// How much one run may close, so that a broken or truncated list cannot
/// empty a source: a run that would close more than `max_share` of a
/// source's open records closes nothing, and `renkei fetch` closes nothing
/// for a source whose files have more than `max_share` fewer rows than its
/// last good run — unless `allow_mass_close`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClosingGuard {
    /// Largest share (0–1) of a source's open records one run closes.
    pub max_share: f64,
    /// Close however many the files no longer list (`--allow-mass-close`).
    pub allow_mass_close: bool,
}

impl Default for ClosingGuard {
    fn default() -> Self {
        Self {
            max_share: DEFAULT_MAX_CLOSE_SHARE,
            allow_mass_close: false,
        }
    }
}

impl ClosingGuard {
    /// The share the store is asked to stay within; `None` when mass closing is allowed.
    fn share(self) -> Option<f64> {
        (!self.allow_mass_close).then_some(self.max_share)
    }
}

/// What closing one source's unlisted records did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClosingOutcome {
    /// The records the files no longer list (within what they cover) were
    /// closed, or the files cover nothing.
    Done(ClosingReport),
    /// Not tried: a file of the source was not imported, so its list is
    /// incomplete and nothing was closed.
    Skipped {
        /// Source key.
        source: String,
        /// Why, in plain words.
        reason: String,
    },
    /// Tried and failed; the reason says whether any record stayed closed.
    Failed {
        /// Source key.
        source: String,
        /// The error, in plain words.
        reason: String,
    },
}

impl ClosingOutcome {
    /// The source key.
    pub fn source(&self) -> &str {
        match self {
            Self::Done(done) => &done.source,
            Self::Skipped { source, .. } | Self::Failed { source, .. } => source,
        }
    }

    /// True when closing was refused as too large a share of the source.
    pub fn refused(&self) -> bool {
        matches!(
            self,
            Self::Done(ClosingReport {
                refused: Some(_),
                ..
            })
        )
    }

    /// What happened, in one line.
    pub fn summary(&self) -> String {
        match self {
            Self::Done(ClosingReport {
                nothing_covered: Some(why),
                ..
            }) => why.clone(),
            Self::Done(ClosingReport {
                refused: Some(refused),
                ..
            }) => format!("REFUSED: {refused}"),
            Self::Done(done) => format!(
                "{} records no longer listed were marked closed (kept, with today's date; prefectures {})",
                done.closed,
                done.prefectures.join(" ")
            ),
            Self::Skipped { reason, .. } => format!("0 closed: {reason}"),
            Self::Failed { reason, .. } => format!("closing failed: {reason}"),
        }
    }
}

/// For each `(source, why it is incomplete)` in order: closes what the
/// `reports` of a complete source no longer list, within `within` when given;
/// an incomplete source is skipped. Also returns the first error, if any.
pub(crate) async fn close_sources(
    store: &dyn Store,
    sources: Vec<(String, Option<String>)>,
    reports: &[FileReport],
    within: Option<&PrefectureCode>,
    now: DateTime<Utc>,
    guard: ClosingGuard,
) -> (Vec<ClosingOutcome>, Option<IngestError>) {
    let mut outcomes = Vec::with_capacity(sources.len());
    let mut first_error = None;
    for (source, incomplete) in sources {
        let outcome = match incomplete {
            Some(reason) => ClosingOutcome::Skipped { source, reason },
            None => {
                match close_missing(store, &source, reports, within, now, guard.share()).await {
                    Ok(done) => ClosingOutcome::Done(done),
                    Err(error) => {
                        let reason = error.to_string();
                        first_error.get_or_insert(error);
                        ClosingOutcome::Failed { source, reason }
                    }
                }
            }
        };
        outcomes.push(outcome);
    }
    (outcomes, first_error)
}

/// The sources of `reports` in order of first appearance, none incomplete.
pub(crate) fn complete_sources<'r>(
    reports: impl IntoIterator<Item = &'r FileReport>,
) -> Vec<(String, Option<String>)> {
    let mut sources: Vec<(String, Option<String>)> = Vec::new();
    for report in reports {
        if !sources.iter().any(|(source, _)| *source == report.source) {
            sources.push((report.source.clone(), None));
        }
    }
    sources
}

/// For `renkei fetch`: the sources whose files this run read far fewer rows
/// from (more than `guard.max_share` fewer) than the last good run of the
/// same files before `before` (from the import-run log), each with why its
/// records are not closed. Empty when `guard` allows mass closing.
pub(crate) async fn row_count_drops(
    store: &dyn Store,
    reports: &[FileReport],
    before: DateTime<Utc>,
    guard: ClosingGuard,
) -> Result<Vec<(String, String)>, StoreError> {
    if guard.allow_mass_close || reports.is_empty() {
        return Ok(Vec::new());
    }
    let runs = store.import_runs(RUNS_CONSULTED).await?;
    let mut drops = Vec::new();
    for (source, _) in complete_sources(reports) {
        let of_source: Vec<&FileReport> = reports.iter().filter(|r| r.source == source).collect();
        let now: u64 = of_source.iter().map(|r| r.rows_read as u64).sum();
        let mut last: Vec<&ImportRun> = Vec::new();
        for report in &of_source {
            if let Some(run) = last_good_run(&runs, &source, &base_name(&report.file), before) {
                if !last.iter().any(|seen| std::ptr::eq(*seen, run)) {
                    last.push(run);
                }
            }
        }
        let then: u64 = last.iter().map(|run| run.rows_read).sum();
        if then > 0 && (now as f64) < (1.0 - guard.max_share) * then as f64 {
            let reason = format!(
                "its files have {now} rows, {:.0} % fewer than the {then} of the last good run ({}, {}), so nothing was closed; check the download, or run again with --allow-mass-close",
                100.0 * (then - now) as f64 / then as f64,
                last.iter().map(|r| r.file_name.as_str()).collect::<Vec<_>>().join(", "),
                last.iter().map(|r| r.finished_at).max().map(|t| t.format("%Y-%m-%d").to_string()).unwrap_or_default(),
            );
            drops.push((source, reason));
        }
    }
    Ok(drops)
}

/// The newest logged import of `file` from `source` before `before`, else of
/// any file of `source` (publishers date their file names); closing steps
/// (`(closing …)`) and empty runs are not imports of a list.
fn last_good_run<'r>(
    runs: &'r [ImportRun],
    source: &str,
    file: &str,
    before: DateTime<Utc>,
) -> Option<&'r ImportRun> {
    let imports = || {
        runs.iter().filter(|r| {
            r.source_key == source
                && r.finished_at < before
                && r.rows_read > 0
                && !r.file_name.starts_with('(')
        })
    };
    imports()
        .find(|r| r.file_name == file)
        .or_else(|| imports().next())
}
