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
    let written =
        store
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

#[cfg(test)]
mod tests {
    use super::*;
    use renkei_core::rollout::Stage;

    #[test]
    fn issue_21_the_authored_kanagawa_file_parses_and_keeps_the_stage_order() {
        let file = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../data/rollout/14_kanagawa.toml"
        );
        let plan = parse(file, &std::fs::read(file).unwrap()).unwrap();
        let keys: Vec<_> = plan.areas.iter().map(|a| a.key.as_str()).collect();
        assert_eq!(keys, ["chigasaki", "atsugi", "odawara", "yokosuka"]);
        let odawara = plan.area("odawara").unwrap();
        assert_eq!(odawara.current().unwrap().stage, Stage::CouncilSetUp);
        assert_eq!(
            odawara.current().unwrap().fiscal_year().label_ja(),
            "2016年度（平成28年度）"
        );
        // Every stated fact cites a source; the rest is marked as an example.
        for area in &plan.areas {
            assert!(area.source.is_some(), "{}", area.key);
            for stage in &area.stages {
                assert!(
                    stage.example || stage.source.is_some(),
                    "{} {:?}",
                    area.key,
                    stage.stage
                );
            }
            for (issue, action) in area.actions() {
                assert!(issue.example && action.example, "{}", action.key);
            }
        }
        assert!(plan.milestones.iter().all(|m| m.source.is_some()));
    }

    #[test]
    fn issue_21_a_broken_rollout_file_is_refused_naming_the_problem() {
        let err = parse("bad.toml", b"prefecture = \"14\"\n[[areas]]\nkey = \"a\"\n").unwrap_err();
        assert!(err.to_string().contains("bad.toml"), "{err}");
        let skipping =
            "prefecture = \"14\"\n[[areas]]\nkey = \"a\"\nname_ja = \"架空\"\nregion = \"1407\"\n\
            [[areas.stages]]\nstage = \"outreach\"\non = \"2024-04-01\"\n\
            [[areas.stages]]\nstage = \"council_set_up\"\non = \"2024-05-01\"\n";
        let err = parse("skip.toml", skipping.as_bytes()).unwrap_err();
        assert!(
            err.to_string().contains("次は「新たな地域の選定」"),
            "{err}"
        );
    }
}
