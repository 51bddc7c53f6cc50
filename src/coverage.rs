//! `renkei coverage`: the coverage table and gap list of `GET /api/v1/coverage`,
//! computed from the database on the command line (same parameters, same
//! numbers), printed as tables or written as JSON, GeoJSON or CSV.

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use comfy_table::{presets::UTF8_FULL_CONDENSED, Table};
use renkei_http::coverage::dto::{AreaRow, CoverageReport};
use renkei_http::coverage::inputs::CoverageInputs;
use renkei_http::coverage::{table_csv, Analysis, CoverageParams};
use renkei_http::{load_index, Regions};
use std::path::PathBuf;

/// What to analyse; the options mirror the API's query parameters.
#[derive(Debug, Args)]
pub struct CoverageArgs {
    /// Database, as for `renkei serve`. Default: renkei.db in the working folder.
    #[arg(long, env = "RENKEI_DB", default_value = crate::DEFAULT_DB)]
    db: String,
    /// Facility kinds, comma-separated taxonomy codes (e.g. visiting_nurse); default any.
    #[arg(long)]
    kinds: Option<String>,
    /// 医療的ケア needs, comma-separated capability codes (e.g. ventilator).
    #[arg(long)]
    needs: Option<String>,
    /// The child's age in years.
    #[arg(long)]
    age: Option<String>,
    /// Gap list and map count providers where a need is 要確認 too.
    #[arg(long)]
    include_unknown: bool,
    /// Area: prefecture (2 digits), 二次医療圏 (4 digits) or municipality (5 digits). Default everything.
    #[arg(long)]
    region: Option<String>,
    /// Distance threshold in metres (straight line). Default 10000.
    #[arg(long)]
    within_m: Option<String>,
    /// Instead of --within-m: estimated travel minutes.
    #[arg(long)]
    within_minutes: Option<String>,
    /// Providers a place needs within the threshold (1–10). Default 1.
    #[arg(long)]
    k: Option<String>,
    /// distance (default) or service_area (declared areas, `renkei import service-areas`).
    #[arg(long)]
    basis: Option<String>,
    /// mesh (3rd-mesh land cells, about 1 km; default) or town (町丁目 points).
    #[arg(long)]
    sites: Option<String>,
    /// Places in the gap list. Default 20.
    #[arg(long)]
    gaps: Option<String>,
    /// Output: table (default, on the terminal), json, geojson or csv.
    #[arg(long, value_enum, default_value_t = Output::Table)]
    format: Output,
    /// Write to this file instead of standard output (json, geojson, csv).
    #[arg(long)]
    output: Option<PathBuf>,
}

/// Output formats of `renkei coverage`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Output {
    /// Tables of regions, municipalities and gaps.
    Table,
    /// The API's JSON report.
    Json,
    /// The places as GeoJSON with distance bands.
    Geojson,
    /// The table as CSV (UTF-8 with BOM).
    Csv,
}

/// Runs `renkei coverage`.
pub async fn run(args: CoverageArgs) -> Result<()> {
    let store = crate::open_store(&args.db).await?;
    let index = load_index(store.as_ref())
        .await
        .context("cannot read the directory")?;
    let regions = Regions::load(store.as_ref())
        .await
        .context("cannot read the regions")?;
    let params = CoverageParams {
        kinds: args.kinds,
        needs: args.needs,
        age: args.age,
        accepting: None,
        include_unknown: args.include_unknown.then(|| "true".to_owned()),
        region: args.region,
        within_m: args.within_m,
        within_minutes: args.within_minutes,
        k: args.k,
        basis: args.basis,
        sites: args.sites,
        gaps: args.gaps,
        format: None,
    };
    let request = params
        .parse(&regions)
        .map_err(|e| anyhow::anyhow!("{}", e.body().error.message))?;
    let inputs = CoverageInputs::load(store.as_ref(), &regions)
        .await
        .context("cannot read the coverage inputs (population, town points, service areas)")?;
    let analysis = Analysis::run(&index, &regions, &inputs, &request);
    let bytes = match args.format {
        Output::Table => {
            print_tables(&analysis.report(&regions, &inputs));
            return Ok(());
        }
        Output::Json => serde_json::to_vec_pretty(&analysis.report(&regions, &inputs))?,
        Output::Geojson => serde_json::to_vec(&analysis.features(&regions))?,
        Output::Csv => table_csv(&analysis.report(&regions, &inputs))
            .map_err(|e| anyhow::anyhow!("cannot write the CSV: {e}"))?,
    };
    if let Some(path) = args.output {
        std::fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
    } else {
        use std::io::Write;
        std::io::stdout().write_all(&bytes)?;
    }
    Ok(())
}

fn print_tables(report: &CoverageReport) {
    println!(
        "{} k={} within {} m (about {} min), places: {}, population: {} {}",
        report.basis,
        report.k,
        report.within_m,
        report.within_minutes,
        report.sites,
        report.population.method,
        report.population.source.as_deref().unwrap_or("")
    );
    for note in &report.population.notes {
        println!("  {note}");
    }
    println!("{}", area_table(&report.regions));
    println!("{}", area_table(&report.municipalities));
    let mut gaps = Table::new();
    gaps.load_preset(UTF8_FULL_CONDENSED).set_header([
        "place",
        "municipality",
        "children",
        "k-th provider m",
        "minutes",
    ]);
    let number = |v: Option<f64>| v.map_or_else(|| "none".to_owned(), |v| format!("{v:.0}"));
    for gap in &report.gaps {
        gaps.add_row([
            gap.id.clone(),
            gap.municipality_name
                .clone()
                .unwrap_or_else(|| gap.municipality_code.clone()),
            gap.children.to_string(),
            number(gap.kth_m),
            number(gap.kth_minutes),
        ]);
    }
    println!("gaps ({}):\n{gaps}", report.gap_tier);
}

fn area_table(rows: &[AreaRow]) -> Table {
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED).set_header([
        "code",
        "name",
        "children",
        "within (confirmed)",
        "share",
        "providers / 10k",
        "p90 m",
        "share (with 要確認)",
    ]);
    let share = |v: Option<f64>| v.map_or_else(String::new, |v| format!("{:.1} %", v * 100.0));
    let number = |v: Option<f64>| v.map_or_else(String::new, |v| format!("{v:.0}"));
    for row in rows {
        table.add_row([
            row.code.clone(),
            row.name.clone().unwrap_or_default(),
            row.confirmed.children.to_string(),
            row.confirmed.children_within.to_string(),
            share(row.confirmed.share_within),
            number(row.confirmed.providers_per_10k_children),
            number(row.confirmed.p90_m),
            share(row.with_unknown.share_within),
        ]);
    }
    table
}
