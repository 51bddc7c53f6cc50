//! `renkei import KIND FILE…`: reads official lists and mapped CSVs into the
//! database, one transaction per file, with a spinner while it works, a
//! summary table, and a CSV report of rejected rows.

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use comfy_table::{presets::UTF8_FULL_CONDENSED, Table};
use indicatif::{ProgressBar, ProgressStyle};
use renkei_ingest::assign::AssignSummary;
use renkei_ingest::import::{error_report_csv, Format, Importer};
use renkei_ingest::mapping::Mapping;
use renkei_ingest::run::{FileReport, ImportSession};
use renkei_ingest::table::RowError;
use std::path::PathBuf;
use std::time::Duration;

/// What to import.
#[derive(Debug, Subcommand)]
pub enum ImportKind {
    /// 厚生労働省 医療情報ネット facility files: hospitals (01-1_hospital_facility_info) and clinics (02-1_clinic_facility_info).
    MhlwFacilities(FilesArgs),
    /// 介護サービス情報公表システム service files, e.g. jigyosho_130.csv (訪問看護 visiting-nurse stations).
    Kaigo(FilesArgs),
    /// WAM NET 障害福祉サービス等情報 files (csvdownload0NN.csv: 児童発達支援, 短期入所, …).
    Wamnet(FilesArgs),
    /// 地方厚生局 保険医療機関の指定一覧 (医科): every hospital and clinic, placed from its address;
    /// hospitals already imported from 医療情報ネット are linked, not duplicated.
    HokenIryokikan(FilesArgs),
    /// Any CSV with a column-mapping file (see data/mappings/p29-special-needs-schools.toml).
    Csv(MappedFilesArgs),
    /// 町丁目 representative points for the offline geocoder (Geolonia 住所データ CSV).
    TownPoints(FilesArgs),
    /// 地方厚生局 施設基準の届出受理医療機関名簿: NICU, GCU, PICU, 小児入院医療管理料 … on the
    /// directory's hospitals (import the hospitals first). Unmatched rows are listed.
    ShisetsuKijun(FilesArgs),
    /// Facts a consultation desk has confirmed (確認済み: 対応可 / 対応不可, new clients);
    /// imports of official lists never overwrite them.
    Verified(crate::verified::VerifiedArgs),
    /// 国土数値情報 行政区域 (N03) boundaries: GeoJSON or the official zip (市区町村の境界).
    N03(crate::regions::N03Args),
    /// 二次医療圏 tables (TOML); without files, the ones built into renkei (二次医療圏の表).
    Regions(crate::regions::RegionTableArgs),
    /// Municipal population from 統計センター SSDSE-A (市区町村の人口).
    Population(crate::regions::PopulationArgs),
    /// Population per mesh cell from e-Stat 地域メッシュ統計 (国勢調査), one file per 1st mesh
    /// (地域メッシュ人口); coverage then counts children per cell from it.
    MeshPopulation(MeshPopulationArgs),
    /// Municipalities each provider declares it serves (HSDS service_area), CSV of
    /// facility_id or source + source_id, and municipality_codes (サービス提供地域).
    ServiceAreas(FilesArgs),
}

/// Files of an official format.
#[derive(Debug, Args)]
pub struct FilesArgs {
    /// CSV files (UTF-8, UTF-8 with BOM or Shift_JIS), or zip files holding them.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    #[command(flatten)]
    common: CommonArgs,
}

/// e-Stat mesh population files.
#[derive(Debug, Args)]
pub struct MeshPopulationArgs {
    /// e-Stat 地域メッシュ統計 files (tblT001100S5339.txt …, Shift_JIS or UTF-8), or zips of them.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Census year of the counts.
    #[arg(long, default_value_t = DEFAULT_MESH_CENSUS_YEAR)]
    year: i32,
    /// Database, as for `renkei serve`. Default: renkei.db in the working folder.
    #[arg(long, env = "RENKEI_DB", default_value = crate::DEFAULT_DB)]
    db: String,
}

/// Default census year of mesh population files: the 2020 国勢調査.
const DEFAULT_MESH_CENSUS_YEAR: i32 = 2020;

/// Files read through a mapping.
#[derive(Debug, Args)]
pub struct MappedFilesArgs {
    /// Column-mapping file (TOML) naming which column holds what.
    #[arg(long)]
    mapping: PathBuf,
    /// CSV files (UTF-8, UTF-8 with BOM or Shift_JIS), or zip files holding them.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    #[command(flatten)]
    common: CommonArgs,
}

/// Options every import takes.
#[derive(Debug, Args)]
pub struct CommonArgs {
    /// Database, as for `renkei serve`. Default: renkei.db in the working folder.
    #[arg(long, env = "RENKEI_DB", default_value = crate::DEFAULT_DB)]
    pub db: String,
    /// Where to write the CSV report of rejected rows (file, line, field, value, reason).
    /// Default: import-errors-<time>.csv in the working folder, written only when rows were rejected.
    #[arg(long)]
    error_report: Option<PathBuf>,
    /// The files are the complete, current list of their source for what they
    /// cover: mark closed (with today's date) every record of that source they no
    /// longer list, but only in the prefectures the files have valid rows for and
    /// only of the kinds of list they hold (hospitals, clinics, one welfare service
    /// type …) — a prefecture's file never closes another prefecture's records.
    /// Records on rejected rows keep their state. If any file fails, nothing is
    /// closed. Closed records are kept, and open again if a later file lists them.
    #[arg(long)]
    close_missing: bool,
}

/// Runs `renkei import`.
pub async fn run(kind: ImportKind) -> Result<()> {
    let (format, files, common) = match kind {
        ImportKind::N03(a) => return crate::regions::import_n03(a).await,
        ImportKind::Regions(a) => return crate::regions::import_region_tables(a).await,
        ImportKind::Population(a) => return crate::regions::import_population(a).await,
        ImportKind::MeshPopulation(a) => return import_mesh_population(a).await,
        ImportKind::ServiceAreas(a) => return import_service_areas(a).await,
        ImportKind::MhlwFacilities(a) => (
            Format::Official(Importer::MhlwFacilities),
            a.files,
            a.common,
        ),
        ImportKind::Kaigo(a) => (Format::Official(Importer::Kaigo), a.files, a.common),
        ImportKind::Wamnet(a) => (Format::Official(Importer::Wamnet), a.files, a.common),
        ImportKind::HokenIryokikan(a) => (
            Format::Official(Importer::HokenIryokikan),
            a.files,
            a.common,
        ),
        ImportKind::TownPoints(a) => return import_town_points(a).await,
        ImportKind::Verified(a) => return crate::verified::import(a).await,
        ImportKind::ShisetsuKijun(a) => return import_accreditations(a).await,
        ImportKind::Csv(a) => {
            let text = std::fs::read_to_string(&a.mapping)
                .with_context(|| format!("cannot read the mapping file {}", a.mapping.display()))?;
            let mapping = Mapping::parse(&a.mapping.display().to_string(), &text)?;
            (Format::Mapped(Box::new(mapping)), a.files, a.common)
        }
    };
    let store = crate::open_store(&common.db).await?;
    let mut session = ImportSession::new(store.as_ref());
    let files: Vec<_> = files
        .into_iter()
        .map(|path| (format.clone(), path))
        .collect();
    let reports = import_files(&mut session, &files, common.close_missing).await?;
    println!("{}", summary_table(&reports));
    if common.close_missing {
        let mut sources: Vec<&str> = reports.iter().map(|r| r.source.as_str()).collect();
        sources.sort_unstable();
        sources.dedup();
        for source in sources {
            let closing = renkei_ingest::closing::close_missing(
                store.as_ref(),
                source,
                &reports,
                None,
                chrono::Utc::now(),
            )
            .await?;
            match &closing.nothing_covered {
                Some(why) => println!("{source}: {why}"),
                None => println!(
                    "{source}: {} records no longer listed were marked closed (kept, with today's date; prefectures {})",
                    closing.closed,
                    closing.prefectures.join(" ")
                ),
            }
        }
    }
    let conflicts: usize = reports.iter().map(|r| r.conflicts).sum();
    if conflicts > 0 {
        println!("{conflicts} facts differ from what a desk verified; the verified ones were kept. List them with `renkei check conflicts`.");
    }
    let mut placement = AssignSummary::default();
    for report in &reports {
        placement += report.placement;
    }
    if placement.boundaries > 0 {
        crate::regions::print_assignment(&placement);
    }
    let rejected: Vec<_> = reports
        .iter()
        .flat_map(|r| r.rejected.iter().cloned())
        .collect();
    write_error_report(&rejected, common.error_report, "import-errors")?;
    Ok(())
}

/// Imports `files` in order with a spinner for the file being written; on
/// failure, says which file was not imported.
async fn import_files(
    session: &mut ImportSession<'_>,
    files: &[(Format, PathBuf)],
    close_missing: bool,
) -> Result<Vec<FileReport>> {
    let mut spinner: Option<ProgressBar> = None;
    let outcome = session
        .import_paths(files, |path| {
            if let Some(done) = spinner.take() {
                done.finish_and_clear();
            }
            let next = ProgressBar::new_spinner().with_style(
                ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
                    .expect("the template is valid"),
            );
            next.set_message(format!("importing {}", path.display()));
            next.enable_steady_tick(Duration::from_millis(120));
            spinner = Some(next);
        })
        .await;
    if let Some(done) = spinner {
        done.finish_and_clear();
    }
    outcome.map_err(|(path, error)| {
        anyhow::Error::new(error).context(format!(
            "{} was not imported; the database is unchanged{}",
            path.display(),
            if close_missing {
                " and nothing was closed"
            } else {
                ""
            }
        ))
    })
}

/// Writes rejected rows as a CSV report (to `path`, else to
/// `<prefix>-<time>.csv` in the working folder) and says where; nothing when
/// no row was rejected.
pub(crate) fn write_error_report(
    rejected: &[RowError],
    path: Option<PathBuf>,
    prefix: &str,
) -> Result<()> {
    if rejected.is_empty() {
        return Ok(());
    }
    let path = path.unwrap_or_else(|| {
        PathBuf::from(format!(
            "{prefix}-{}.csv",
            chrono::Local::now().format("%Y%m%dT%H%M%S")
        ))
    });
    std::fs::write(&path, error_report_csv(rejected))
        .with_context(|| format!("cannot write the error report {}", path.display()))?;
    println!(
        "{} rows were rejected; reasons are in {}",
        rejected.len(),
        path.display()
    );
    Ok(())
}

/// `renkei import shisetsu-kijun FILE…`: accreditations matched to hospitals.
async fn import_accreditations(args: FilesArgs) -> Result<()> {
    let store = crate::open_store(&args.common.db).await?;
    for path in &args.files {
        let name = path.display().to_string();
        let bytes = std::fs::read(path).with_context(|| format!("cannot read {name}"))?;
        let report = renkei_ingest::shisetsu::import_list(store.as_ref(), &name, &bytes)
            .await
            .with_context(|| format!("{name} was not imported; the database is unchanged"))?;
        println!(
            "{name}: {} accreditations read, {} stored on hospitals, {} rows match no hospital in the directory",
            report.read,
            report.stored,
            report.unmatched.len()
        );
        let mut unmatched: Vec<String> = report
            .unmatched
            .iter()
            .map(|r| format!("  line {}: {} ({})", r.line, r.name, r.address))
            .collect();
        unmatched.dedup();
        for line in unmatched {
            println!("{line}");
        }
    }
    Ok(())
}

/// `renkei import mesh-population FILE…`: one transaction per file.
async fn import_mesh_population(args: MeshPopulationArgs) -> Result<()> {
    let store = crate::open_store(&args.db).await?;
    for path in &args.files {
        let name = path.display().to_string();
        let bytes = std::fs::read(path).with_context(|| format!("cannot read {name}"))?;
        let rows = renkei_ingest::mesh_population::read_mesh_population(&name, &bytes, args.year)?;
        let stored = store
            .replace_mesh_population(&name, &rows)
            .await
            .with_context(|| format!("{name} was not imported; the database is unchanged"))?;
        let children: u64 = rows.iter().map(|r| r.under_15).sum();
        println!("{name}: {stored} mesh cells stored, {children} children aged 0–14");
    }
    Ok(())
}

/// `renkei import service-areas FILE…`: one transaction per file.
async fn import_service_areas(args: FilesArgs) -> Result<()> {
    let store = crate::open_store(&args.common.db).await?;
    for path in &args.files {
        let name = path.display().to_string();
        let bytes = std::fs::read(path).with_context(|| format!("cannot read {name}"))?;
        let report =
            renkei_ingest::service_areas::import_service_areas(store.as_ref(), &name, &bytes)
                .await
                .with_context(|| format!("{name} was not imported; the database is unchanged"))?;
        println!(
            "{name}: {} service areas of {} providers stored; {} rows rejected",
            report.stored,
            report.providers,
            report.rejected.len()
        );
        for row in &report.rejected {
            println!(
                "  line {}: {} = {:?}: {}",
                row.line, row.field, row.value, row.reason
            );
        }
    }
    Ok(())
}

/// `renkei import town-points FILE…`: one transaction per file.
async fn import_town_points(args: FilesArgs) -> Result<()> {
    let store = crate::open_store(&args.common.db).await?;
    for path in &args.files {
        let name = path.display().to_string();
        let bytes = std::fs::read(path).with_context(|| format!("cannot read {name}"))?;
        let (text, _) = renkei_ingest::text::decode(&name, &bytes)?;
        let table = renkei_ingest::table::Table::parse(&name, &text)?;
        let (points, rejected) = renkei_ingest::town_points::parse(&table)?;
        let stored = store
            .replace_town_points(&name, &points)
            .await
            .with_context(|| format!("{name} was not imported; the database is unchanged"))?;
        println!(
            "{name}: {stored} town points stored; {} rows without coordinates skipped",
            rejected.len()
        );
    }
    Ok(())
}

fn summary_table(reports: &[FileReport]) -> Table {
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED).set_header([
        "file",
        "source",
        "read",
        "inserted",
        "updated",
        "unchanged",
        "rejected",
        "linked",
        "geocoded",
        "no position",
        "conflicts",
    ]);
    for r in reports {
        table.add_row([
            r.file.clone(),
            r.source.clone(),
            r.rows_read.to_string(),
            r.written.inserted.to_string(),
            r.written.updated.to_string(),
            r.written.unchanged.to_string(),
            r.rejected.len().to_string(),
            r.linked.to_string(),
            r.geocoded.to_string(),
            r.without_position.to_string(),
            r.conflicts.to_string(),
        ]);
    }
    table
}
