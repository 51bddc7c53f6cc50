//! Region commands: `renkei import n03 | regions | population` and
//! `renkei check regions` (renkei-app's placement check, printed as a table).

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use comfy_table::{presets::UTF8_FULL_CONDENSED, Table};
use renkei_app::check::check_placements;
use renkei_ingest::assign::{assign_locations, AssignSummary};
use renkei_ingest::n03::read_n03_file;
use renkei_ingest::population::{read_ssdse_a_file, SSDSE_A_CENSUS_YEAR};
use renkei_ingest::regions::{builtin_region_tables, read_region_table};
use std::path::PathBuf;

/// `renkei import n03 FILE…`.
#[derive(Debug, Args)]
pub struct N03Args {
    /// MLIT 国土数値情報 行政区域 (N03) GeoJSON files (.geojson / .json) or the
    /// official zip; each replaces the boundaries of the prefectures it holds.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Database, as for `renkei serve`. Default: renkei.db in the working folder.
    #[arg(long, env = "RENKEI_DB", default_value = crate::DEFAULT_DB)]
    db: String,
}

/// `renkei import regions [FILE…]`.
#[derive(Debug, Args)]
pub struct RegionTableArgs {
    /// 二次医療圏 tables (TOML, as data/regions/14_kanagawa.toml). Default: the
    /// tables built into renkei (every file of data/regions/).
    files: Vec<PathBuf>,
    /// Database, as for `renkei serve`. Default: renkei.db in the working folder.
    #[arg(long, env = "RENKEI_DB", default_value = crate::DEFAULT_DB)]
    db: String,
}

/// `renkei import population FILE`.
#[derive(Debug, Args)]
pub struct PopulationArgs {
    /// 統計センター SSDSE-A CSV (municipal population; Shift_JIS or UTF-8).
    file: PathBuf,
    /// Reference year of its population items (SSDSE-A: the 2020 国勢調査).
    #[arg(long, default_value_t = SSDSE_A_CENSUS_YEAR)]
    year: i32,
    /// Database, as for `renkei serve`. Default: renkei.db in the working folder.
    #[arg(long, env = "RENKEI_DB", default_value = crate::DEFAULT_DB)]
    db: String,
}

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

/// Imports N03 boundary files, one transaction each, then places every location.
pub async fn import_n03(args: N03Args) -> Result<()> {
    let store = crate::open_store(&args.db).await?;
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED).set_header([
        "file",
        "prefectures",
        "units",
        "features",
        "merged",
        "repaired",
        "without code",
        "replaced",
    ]);
    for path in &args.files {
        let import = read_n03_file(path).with_context(|| {
            format!(
                "{} was not imported; the database is unchanged",
                path.display()
            )
        })?;
        let file = path.display().to_string();
        let written = store
            .replace_boundaries(&file, &import.municipalities)
            .await
            .with_context(|| format!("cannot store the boundaries of {file}"))?;
        let units = import.municipalities.len();
        let coded = import.features - import.without_code.len();
        table.add_row([
            file,
            written
                .prefectures
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(" "),
            units.to_string(),
            import.features.to_string(),
            coded.saturating_sub(units).to_string(),
            import.repairs.len().to_string(),
            import.without_code.len().to_string(),
            written.removed.to_string(),
        ]);
        for problem in &import.repairs {
            println!("repaired / 修復: {problem}");
        }
        for feature in &import.without_code {
            println!(
                "no N03_007 code, not imported / コードなし: feature {} ({})",
                feature.index, feature.names
            );
        }
    }
    println!("{table}");
    print_assignment(&assign_locations(store.as_ref()).await?);
    Ok(())
}

/// Imports 二次医療圏 tables (default: the built-in ones), then places every location.
pub async fn import_region_tables(args: RegionTableArgs) -> Result<()> {
    let tables = if args.files.is_empty() {
        builtin_region_tables().context("a built-in region table is not valid")?
    } else {
        args.files
            .iter()
            .map(|path| read_region_table(path))
            .collect::<Result<Vec<_>, _>>()?
    };
    let store = crate::open_store(&args.db).await?;
    for table in &tables {
        store.upsert_region_table(table).await.with_context(|| {
            format!(
                "cannot store the region table of {}",
                table.prefecture().name_ja
            )
        })?;
        let members: usize = table.regions().iter().map(|r| r.municipalities.len()).sum();
        println!(
            "{} ({}): 二次医療圏 {} 件, 市区町村 {} 件 / {} regions, {} municipalities",
            table.prefecture().name_ja,
            table.prefecture().code,
            table.regions().len(),
            members,
            table.regions().len(),
            members
        );
    }
    print_assignment(&assign_locations(store.as_ref()).await?);
    Ok(())
}

/// Imports municipal population from an SSDSE-A file.
pub async fn import_population(args: PopulationArgs) -> Result<()> {
    let rows = read_ssdse_a_file(&args.file, args.year).with_context(|| {
        format!(
            "{} was not imported; the database is unchanged",
            args.file.display()
        )
    })?;
    let store = crate::open_store(&args.db).await?;
    let written = store
        .set_population(&rows)
        .await
        .context("cannot store the population")?;
    println!(
        "人口 {written} 件を取り込みました / imported the population of {written} municipalities ({})",
        rows.first().map_or("", |r| r.source.as_str())
    );
    Ok(())
}

/// Prints where facilities were placed (or why they were not).
pub(crate) fn print_assignment(summary: &AssignSummary) {
    if summary.boundaries == 0 {
        println!(
            "境界データがないため施設の地域割り当ては行っていません / no boundaries yet: run `renkei import n03 FILE` to place facilities in regions"
        );
        return;
    }
    println!(
        "施設の地域割り当て / placed facilities: {} with a position ({} inside, {} nearest ≤500 m, {} suspect), {} without, {} changed",
        summary.positioned,
        summary.inside,
        summary.nearest,
        summary.suspect,
        summary.without_position,
        summary.changed
    );
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
        "{checked} 件中 {agree} 件で市区町村が一致 / of {checked} locations with a stated municipality, {agree} lie in it ({:.2} %); {} differ, {} suspect positions (more than 500 m outside every municipality)",
        report.agree_percent(),
        report.differ,
        report.suspect,
    );
    Ok(())
}
