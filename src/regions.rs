//! Region commands: `renkei check regions` (renkei-app's placement check,
//! printed as a table). (`renkei import n03 | regions | population` are in
//! `import.rs`.)

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use comfy_table::{presets::UTF8_FULL_CONDENSED, Table};
use renkei_app::check::check_placements;

/// What `renkei check` checks.
#[derive(Debug, Subcommand)]
pub enum CheckKind {
    /// Locations whose position lies in another municipality than the one their
    /// source states (mostly geocoding errors in the source), and suspect positions.
    Regions(CheckRegionsArgs),
    /// Imports that stated something else than a desk-verified fact (the verified
    /// answer was kept).
    Conflicts(crate::verified::ConflictsArgs),
}

/// Runs `renkei check …`.
pub async fn check(kind: CheckKind) -> Result<()> {
    match kind {
        CheckKind::Regions(args) => check_regions(args).await,
        CheckKind::Conflicts(args) => crate::verified::check_conflicts(args).await,
    }
}

/// `renkei check regions`.
#[derive(Debug, Args)]
pub struct CheckRegionsArgs {
    /// Database, as for `renkei serve`. Default: renkei.db in the working folder.
    #[arg(long, env = "RENKEI_DB", default_value = crate::DEFAULT_DB)]
    db: String,
}

/// Prints locations whose assigned municipality differs from the stated one,
/// and suspect positions. Always succeeds when the report could be made.
pub async fn check_regions(args: CheckRegionsArgs) -> Result<()> {
    let store = crate::open_store(&args.db).await?;
    let snapshot = renkei_app::load(store.as_ref())
        .await
        .context("cannot read the directory and regions")?;
    let Some(report) = check_placements(&snapshot) else {
        println!("境界データがありません / no boundaries: run `renkei import n03 FILE` first");
        return Ok(());
    };
    if !report.problems.is_empty() {
        let mut table = Table::new();
        table.load_preset(UTF8_FULL_CONDENSED).set_header([
            "facility",
            "source",
            "stated",
            "assigned",
            "method",
            "to stated unit (m)",
        ]);
        for problem in &report.problems {
            table.add_row([
                problem.facility.clone(),
                problem.source.clone(),
                problem.stated.clone().unwrap_or_else(|| "-".to_owned()),
                problem.assigned.clone(),
                format!(
                    "{} {:.0} m",
                    problem.method.as_str(),
                    problem.method.distance_m()
                ),
                problem
                    .to_stated_m
                    .map_or_else(|| "-".to_owned(), |m| format!("{m:.0}")),
            ]);
        }
        println!("{table}");
    }
    let (checked, agree) = (report.checked, report.agree());
    println!(
        "{checked} 件中 {agree} 件で市区町村が一致 / of {checked} locations with a stated municipality (by code or address), {agree} lie in it ({:.2} %); {} differ ({} of them within {:.0} m of it: {:.2} % consistent at the boundaries' resolution), {} suspect positions (more than 500 m outside every municipality)",
        report.agree_percent(),
        report.differ,
        report.near_stated,
        renkei_app::check::BOUNDARY_RESOLUTION_M,
        report.consistent_percent(),
        report.suspect,
    );
    Ok(())
}
