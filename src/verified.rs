//! Desk-verified facts: `renkei import verified FILE…` stores what a
//! consultation desk confirmed; `renkei check conflicts` lists the imports
//! that said otherwise (the verified answers were kept).

use anyhow::{Context, Result};
use clap::Args;
use comfy_table::{presets::UTF8_FULL_CONDENSED, Table};
use std::path::PathBuf;

/// `renkei import verified FILE…`.
#[derive(Debug, Args)]
pub struct VerifiedArgs {
    /// Sheets (CSV: UTF-8, UTF-8 with BOM or Shift_JIS) with the columns 施設ID (or
    /// 出典 and 出典ID), サービス, 項目, 回答, 確認日, 確認機関 and optionally 備考
    /// (staff-only). See data/examples/verified-facts.csv.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Database, as for `renkei serve`. Default: renkei.db in the working folder.
    #[arg(long, env = "RENKEI_DB", default_value = crate::DEFAULT_DB)]
    db: String,
    /// Where to write the CSV report of rejected rows. Default:
    /// verified-errors-<time>.csv in the working folder, only when rows were rejected.
    #[arg(long)]
    error_report: Option<PathBuf>,
}

/// `renkei check conflicts`.
#[derive(Debug, Args)]
pub struct ConflictsArgs {
    /// How many of the newest conflicts to list.
    #[arg(long, default_value_t = 100)]
    limit: u32,
    /// Database, as for `renkei serve`. Default: renkei.db in the working folder.
    #[arg(long, env = "RENKEI_DB", default_value = crate::DEFAULT_DB)]
    db: String,
}

/// Imports each sheet in its own transaction and reports rejected rows.
pub async fn import(args: VerifiedArgs) -> Result<()> {
    let store = crate::open_store(&args.db).await?;
    let mut rejected = Vec::new();
    for path in &args.files {
        let name = path.display().to_string();
        let bytes = std::fs::read(path).with_context(|| format!("cannot read {name}"))?;
        let report =
            renkei_ingest::run::import_verified(store.as_ref(), &name, &bytes, chrono::Utc::now())
                .await
                .with_context(|| format!("{name} was not imported; the database is unchanged"))?;
        println!(
            "{name}: {} rows read, {} verified facts stored, {} rows rejected",
            report.rows_read,
            report.stored,
            report.rejected.len()
        );
        rejected.extend(report.rejected);
    }
    crate::import::write_error_report(&rejected, args.error_report, "verified-errors")?;
    Ok(())
}

/// Lists the newest import conflicts with the facility's name.
pub async fn check_conflicts(args: ConflictsArgs) -> Result<()> {
    let store = crate::open_store(&args.db).await?;
    let conflicts = store
        .import_conflicts(args.limit)
        .await
        .context("cannot read the import conflicts")?;
    if conflicts.is_empty() {
        println!("確認済みの事実と食い違う取り込みはありません / no import has contradicted a verified fact");
        return Ok(());
    }
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED).set_header([
        "detected (UTC)",
        "facility",
        "service",
        "item",
        "import says",
        "verified (kept)",
        "verified on",
        "source / file",
    ]);
    for conflict in &conflicts {
        let name = match store.facility(conflict.facility).await {
            Ok(facility) => facility.name,
            Err(_) => conflict.facility.to_string(),
        };
        table.add_row([
            conflict.detected_at.format("%Y-%m-%d %H:%M").to_string(),
            name,
            conflict.service_key.clone(),
            conflict.field.as_str().to_owned(),
            conflict.imported.as_str().to_owned(),
            conflict.verified.as_str().to_owned(),
            conflict.verified_on.to_string(),
            format!("{} / {}", conflict.source_key, conflict.file_name),
        ]);
    }
    println!("{table}");
    Ok(())
}
