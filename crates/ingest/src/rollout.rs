//! Rollout files (`renkei import rollout FILE`): a prefecture's 全県展開 as
//! authored TOML, e.g. `data/rollout/14_kanagawa.toml`, whose layout is
//! [`renkei_core::rollout::RolloutPlan`]: `prefecture`, `[[milestones]]` and
//! `[[areas]]` with their `stages`, `members`, `meetings` and `issues` (each
//! with `actions` and their `notes`). Dates are written as text,
//! `"2014-04-01"`; `precision = "fiscal_year"` says only the 年度 is known.
//!
//! A file is checked whole before anything is stored, and stored in one
//! transaction with its import-run row.

use crate::run::{base_name, sha256_hex};
use crate::{IngestError, IngestResult};
use chrono::Utc;
use renkei_core::rollout::RolloutPlan;
use renkei_store::{RolloutWritten, RunLog, Store};

/// Parses and checks a rollout file.
pub fn parse(file: &str, bytes: &[u8]) -> IngestResult<RolloutPlan> {
    let (text, _) = crate::text::decode(file, bytes)?;
    let plan: RolloutPlan = toml::from_str(&text).map_err(|e| IngestError::Format {
        file: file.to_owned(),
        reason: format!("not a rollout file: {e}"),
    })?;
    plan.check().map_err(|e| IngestError::Format {
        file: file.to_owned(),
        reason: e.to_string(),
    })?;
    Ok(plan)
}

/// What importing a rollout file did.
#[derive(Debug, Clone)]
pub struct RolloutReport {
    /// The prefecture's code.
    pub prefecture: String,
    /// What was written.
    pub written: RolloutWritten,
}

/// Parses `bytes` and replaces the prefecture's rollout file rows with them,
/// in one transaction with the import-run row.
pub async fn import(store: &dyn Store, file: &str, bytes: &[u8]) -> IngestResult<RolloutReport> {
    let started_at = Utc::now();
    let plan = parse(file, bytes)?;
    let log = RunLog {
        file_name: base_name(file),
        checksum_sha256: sha256_hex(bytes),
        started_at,
        rows_read: plan.areas.len() as u64,
        rejected: 0,
    };
    let written = store
        .replace_rollout(&plan, &log)
        .await
        .map_err(|source| IngestError::Store {
            file: file.to_owned(),
            source,
        })?;
    Ok(RolloutReport {
        prefecture: plan.prefecture.as_str().to_owned(),
        written,
    })
}
