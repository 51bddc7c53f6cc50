//! Region commands: `renkei import n03 | regions | population` and
//! `renkei check regions`, plus what `renkei serve` does for regions at start.

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use comfy_table::{presets::UTF8_FULL_CONDENSED, Table};
use renkei_core::region::{AssignmentMethod, BoundaryIndex};
use renkei_ingest::assign::{
    assign_locations, assign_locations_keeping_directory, AssignSummary, PlacedDirectory,
};
use renkei_ingest::n03::read_n03_file;
use renkei_ingest::population::{read_ssdse_a_file, SSDSE_A_CENSUS_YEAR};
use renkei_ingest::regions::{builtin_region_tables, read_region_table, BUILTIN_REGION_FILES};
use renkei_store::Store;
use std::path::PathBuf;
use tracing::info;

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
    let units = store.municipalities().await?;
    if units.is_empty() {
        println!("境界データがありません / no boundaries: run `renkei import n03 FILE` first");
        return Ok(());
    }
    let tables = store.region_tables().await?;
    let index = BoundaryIndex::new(units, &tables);
    let facilities = store.all_facilities().await?;
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED).set_header([
        "facility",
        "source",
        "stated",
        "assigned",
        "method",
        "to stated unit (m)",
    ]);
    let name_of = |code: &renkei_core::MunicipalityCode| {
        index
            .municipalities()
            .binary_search_by(|u| u.code.cmp(code))
            .map_or_else(
                |_| code.to_string(),
                |i| format!("{code} {}", index.municipalities()[i].full_name()),
            )
    };
    let (mut checked, mut differ, mut suspect) = (0, 0, 0);
    for facility in &facilities {
        let Some(position) = facility.location.position else {
            continue;
        };
        let Some(placed) = index.assign(position) else {
            continue;
        };
        let stated = facility.location.stated_municipality.as_ref();
        let is_suspect = matches!(placed.method, AssignmentMethod::Suspect { .. });
        let mismatch = stated.is_some_and(|stated| {
            placed.municipality.as_ref().is_some_and(|assigned| {
                assigned != stated && !is_ward_of(stated, assigned, &tables)
            })
        });
        if stated.is_some() {
            checked += 1;
        }
        if !(mismatch || is_suspect) {
            continue;
        }
        if is_suspect {
            suspect += 1;
        } else {
            differ += 1;
        }
        table.add_row([
            facility.name.clone(),
            format!(
                "{} {}",
                facility.provenance.source, facility.provenance.source_record_id
            ),
            stated.map_or_else(|| "-".to_owned(), name_of),
            placed.municipality.as_ref().map_or_else(
                || format!("(nearest {})", name_of(&placed.nearest)),
                name_of,
            ),
            format!(
                "{} {:.0} m",
                placed.method.as_str(),
                placed.method.distance_m()
            ),
            stated
                .and_then(|stated| index.distance_to_unit_m(position, stated))
                .map_or_else(|| "-".to_owned(), |m| format!("{m:.0}")),
        ]);
    }
    if differ + suspect > 0 {
        println!("{table}");
    }
    let agree = checked - differ.min(checked);
    println!(
        "{checked} 件中 {agree} 件で市区町村が一致 / of {checked} locations with a stated municipality, {agree} lie in it ({:.2} %); {differ} differ, {suspect} suspect positions (more than 500 m outside every municipality)",
        if checked == 0 { 100.0 } else { 100.0 * f64::from(agree) / f64::from(checked) }
    );
    Ok(())
}

/// True when `stated` is a designated city (政令市) and `assigned` one of its
/// wards: sources often state the city code for a ward.
fn is_ward_of(
    stated: &renkei_core::MunicipalityCode,
    assigned: &renkei_core::MunicipalityCode,
    tables: &[renkei_core::region::RegionTable],
) -> bool {
    tables
        .iter()
        .find_map(|table| table.city_of_ward(assigned))
        .is_some_and(|city| city.code == *stated)
}

/// For `renkei serve`: loads the built-in region tables when the database has
/// none (they are tiny), and places the locations when boundaries are stored.
/// Returns the directory as read for placing when placing changed nothing, so
/// that the index is built from it rather than from a second full read.
pub async fn prepare_for_serve(store: &dyn Store) -> Result<Option<PlacedDirectory>> {
    if store
        .region_tables()
        .await
        .context("cannot read the region tables")?
        .is_empty()
    {
        for table in builtin_region_tables().context("a built-in region table is not valid")? {
            store
                .upsert_region_table(&table)
                .await
                .context("cannot store the built-in region table")?;
        }
        info!(
            files = BUILTIN_REGION_FILES.len(),
            "database had no 二次医療圏 table: loaded the built-in ones"
        );
    }
    let (summary, directory) = assign_locations_keeping_directory(store)
        .await
        .context("cannot place the facilities in regions")?;
    if summary.boundaries == 0 {
        info!("no municipality boundaries stored: run `renkei import n03 FILE` to enable /api/v1/regions/at and region assignment");
    }
    Ok(directory)
}
