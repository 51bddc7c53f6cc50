//! Copying a whole directory between stores (SQLite ⇄ PostgreSQL).

use crate::{Store, StoreError, StoreResult, WriteSummary};
use renkei_core::Facility;
use std::collections::BTreeMap;

/// Facilities written per transaction while copying.
const COPY_BATCH: usize = 10_000;

/// What [`copy_store`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CopySummary {
    /// Sources copied.
    pub sources: u64,
    /// Facilities read from the origin.
    pub facilities: u64,
    /// What the writes to the target did.
    pub written: WriteSummary,
}

/// Copies every source, facility and desk-verified fact of `from` into `to`
/// (upserting, so it can be re-run), then checks that `to` holds as many facilities per source as `from`.
///
/// Each source is written in transactions of up to 10,000 facilities.
pub async fn copy_store(from: &dyn Store, to: &dyn Store) -> StoreResult<CopySummary> {
    let sources = from.sources().await?;
    let mut by_source: BTreeMap<String, Vec<Facility>> = BTreeMap::new();
    for facility in from.all_facilities().await? {
        by_source
            .entry(facility.provenance.source.clone())
            .or_default()
            .push(facility);
    }
    let mut summary = CopySummary::default();
    for source in &sources {
        let facilities = by_source.remove(&source.key).unwrap_or_default();
        summary.sources += 1;
        summary.facilities += facilities.len() as u64;
        if facilities.is_empty() {
            // Still copy the source row.
            add(
                &mut summary.written,
                to.upsert_facilities(source, &[]).await?,
            );
        }
        for batch in facilities.chunks(COPY_BATCH) {
            add(
                &mut summary.written,
                to.upsert_facilities(source, batch).await?,
            );
        }
        tracing::info!(source = %source.key, facilities = facilities.len(), "copied source");
    }
    // Desk-verified facts keep their own table, so later imports into the
    // target cannot overwrite them either.
    let verified = from.verified_facts().await?;
    if !verified.is_empty() {
        to.set_verified_facts(&verified).await?;
    }
    let expected = from.count_facilities_by_source().await?;
    let found = to.count_facilities_by_source().await?;
    for (source_key, expected) in expected {
        let found = found.get(&source_key).copied().unwrap_or(0);
        if found != expected {
            return Err(StoreError::CopyMismatch {
                source_key,
                expected,
                found,
            });
        }
    }
    Ok(summary)
}

fn add(total: &mut WriteSummary, part: WriteSummary) {
    total.inserted += part.inserted;
    total.updated += part.updated;
    total.unchanged += part.unchanged;
}
