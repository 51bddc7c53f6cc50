//! `renkei export hsds`: the public directory as Open Referral HSDS 3.0
//! exchange files (`renkei_app::hsds::ExportQuery`), which `renkei import
//! hsds` reads back.

use anyhow::{Context, Result};
use clap::{Args, Subcommand, ValueEnum};
use renkei_app::hsds::{ExchangeFormat, ExportQuery};
use std::path::PathBuf;

/// What to export.
#[derive(Debug, Subcommand)]
pub enum ExportKind {
    /// Open Referral HSDS 3.0 (with 3.1 service_capacity): every public facility, active and closed (HSDS 交換ファイル).
    Hsds(HsdsArgs),
}

/// The two HSDS exchange forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// One JSON array of fully nested services (renkei-hsds.json in the output folder).
    Json,
    /// The Tabular Data Package: datapackage.json and one CSV per table.
    Csv,
}

/// `renkei export hsds`.
#[derive(Debug, Args)]
pub struct HsdsArgs {
    /// Exchange form.
    #[arg(long, value_enum, default_value_t = FormatArg::Csv)]
    format: FormatArg,
    /// Folder to write the files into (created when missing; files of the same name are replaced).
    #[arg(short = 'o', long = "output")]
    output: PathBuf,
    /// Database, as for `renkei serve`. Default: renkei.db in the working folder.
    #[arg(long, env = "RENKEI_DB", default_value = crate::DEFAULT_DB)]
    db: String,
}

/// Runs `renkei export`.
pub async fn run(kind: ExportKind) -> Result<()> {
    let ExportKind::Hsds(args) = kind;
    let store = crate::open_store(&args.db).await?;
    let snapshot = renkei_app::load(store.as_ref())
        .await
        .context("cannot read the directory and regions")?;
    let format = match args.format {
        FormatArg::Json => ExchangeFormat::Json,
        FormatArg::Csv => ExchangeFormat::Csv,
    };
    let files = ExportQuery { format }.run(&snapshot)?;
    std::fs::create_dir_all(&args.output)
        .with_context(|| format!("cannot create the folder {}", args.output.display()))?;
    for file in &files {
        let path = args.output.join(&file.name);
        std::fs::write(&path, &file.bytes)
            .with_context(|| format!("cannot write {}", path.display()))?;
        println!("{}", path.display());
    }
    Ok(())
}
