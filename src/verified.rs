//! `renkei check conflicts`: the imports that said otherwise than a fact a
//! desk verified (`renkei import verified`); the verified answers were kept.

use anyhow::{Context, Result};
use clap::Args;
use comfy_table::{presets::UTF8_FULL_CONDENSED, Table};

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
