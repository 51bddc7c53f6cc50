//! Region commands: `renkei check regions`, plus what `renkei serve` does for
//! regions at start. (`renkei import n03 | regions | population` are in
//! `import.rs`.)

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use comfy_table::{presets::UTF8_FULL_CONDENSED, Table};
use renkei_core::region::{AssignmentMethod, BoundaryIndex};
use renkei_ingest::assign::{assign_locations_keeping_directory, PlacedDirectory};
use renkei_ingest::regions::{builtin_region_tables, BUILTIN_REGION_FILES};
use renkei_store::Store;
use tracing::info;

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
