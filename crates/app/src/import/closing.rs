//! After complete lists were imported: close the records of each source that
//! its files no longer list (`renkei_ingest::closing`), source by source.

use chrono::{DateTime, Utc};
use renkei_core::PrefectureCode;
use renkei_ingest::closing::{close_missing, ClosingReport};
use renkei_ingest::run::FileReport;
use renkei_ingest::IngestError;
use renkei_store::Store;

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

    /// What happened, in one line.
    pub fn summary(&self) -> String {
        match self {
            Self::Done(ClosingReport {
                nothing_covered: Some(why),
                ..
            }) => why.clone(),
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
) -> (Vec<ClosingOutcome>, Option<IngestError>) {
    let mut outcomes = Vec::with_capacity(sources.len());
    let mut first_error = None;
    for (source, incomplete) in sources {
        let outcome = match incomplete {
            Some(reason) => ClosingOutcome::Skipped { source, reason },
            None => match close_missing(store, &source, reports, within, now).await {
                Ok(done) => ClosingOutcome::Done(done),
                Err(error) => {
                    let reason = error.to_string();
                    first_error.get_or_insert(error);
                    ClosingOutcome::Failed { source, reason }
                }
            },
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
