//! `renkei coverage`: the coverage table and gap list of `GET /api/v1/coverage`,
//! computed from the database on the command line (same parameters, same
//! numbers), printed as tables or written as JSON, GeoJSON or CSV.

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use comfy_table::{presets::UTF8_FULL_CONDENSED, Table};
use renkei_app::coverage::report::{table_csv, AreaRow, CoverageReport};
use renkei_app::coverage::{CoverageArea, CoverageQuery, SiteKind, DEFAULT_GAPS};
use renkei_app::search::Reach;
use renkei_core::coverage::Basis;
use renkei_core::need::NeedProfile;
use renkei_core::{CapabilityCode, KindCode};
use std::path::PathBuf;

/// What to analyse; the options mirror the API's query parameters.
#[derive(Debug, Args)]
pub struct CoverageArgs {
    /// Database, as for `renkei serve`. Default: renkei.db in the working folder.
    #[arg(long, env = "RENKEI_DB", default_value = crate::DEFAULT_DB)]
    db: String,
    /// Facility kinds, comma-separated taxonomy codes (e.g. visiting_nurse); default any.
    #[arg(long, value_delimiter = ',')]
    kinds: Vec<String>,
    /// 医療的ケア needs, comma-separated capability codes (e.g. ventilator).
    #[arg(long, value_delimiter = ',')]
    needs: Vec<String>,
    /// The child's age in years (0–120).
    #[arg(long)]
    age: Option<u8>,
    /// Only services accepting new clients.
    #[arg(long)]
    accepting: bool,
    /// Gap list and map count providers where a need is 要確認 too.
    #[arg(long)]
    include_unknown: bool,
    /// Area: prefecture (2 digits), 二次医療圏 (4 digits) or municipality (5 digits). Default everything.
    #[arg(long)]
    region: Option<String>,
    /// Distance threshold in metres (straight line), up to 200000. Default 10000.
    #[arg(long, conflicts_with = "within_minutes")]
    within_m: Option<f64>,
    /// Instead of --within-m: estimated travel minutes, up to 600.
    #[arg(long)]
    within_minutes: Option<f64>,
    /// Providers a place needs within the threshold (1–10). Default 1.
    #[arg(long, default_value_t = 1)]
    k: usize,
    /// Distance, or declared service areas (`renkei import service-areas`).
    #[arg(long, value_enum, default_value_t = BasisArg::Distance)]
    basis: BasisArg,
    /// Where children are counted.
    #[arg(long, value_enum, default_value_t = SitesArg::Mesh)]
    sites: SitesArg,
    /// Places in the gap list (0–1000).
    #[arg(long, default_value_t = DEFAULT_GAPS as usize)]
    gaps: usize,
    /// Output: table (default, on the terminal), json, geojson or csv.
    #[arg(long, value_enum, default_value_t = Output::Table)]
    format: Output,
    /// Write to this file instead of standard output (json, geojson, csv).
    #[arg(long)]
    output: Option<PathBuf>,
}

/// What coverage counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BasisArg {
    /// k providers within the threshold (straight line).
    Distance,
    /// k providers declare they serve the place's municipality.
    #[value(name = "service_area")]
    ServiceArea,
}

/// Where children are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SitesArg {
    /// 3rd-mesh land cells (about 1 km).
    Mesh,
    /// 町丁目 points.
    Town,
}

impl CoverageArgs {
    /// The typed query of these options.
    fn query(&self) -> Result<CoverageQuery> {
        Ok(CoverageQuery {
            profile: NeedProfile {
                kinds: self
                    .kinds
                    .iter()
                    .map(|k| KindCode::new(k.trim()))
                    .collect::<Result<_, _>>()
                    .context("--kinds")?,
                needs: self
                    .needs
                    .iter()
                    .map(|c| CapabilityCode::new(c.trim()))
                    .collect::<Result<_, _>>()
                    .context("--needs")?,
                age_years: self.age,
                accepting_only: self.accepting,
                ..NeedProfile::default()
            },
            include_unknown: self.include_unknown,
            area: match &self.region {
                Some(text) => CoverageArea::parse(text.trim())?,
                None => CoverageArea::All,
            },
            within: match (self.within_m, self.within_minutes) {
                (_, Some(minutes)) => Some(Reach::Minutes(minutes)),
                (Some(metres), None) => Some(Reach::Metres(metres)),
                (None, None) => None,
            },
            k: self.k,
            basis: match self.basis {
                BasisArg::Distance => Basis::Distance,
                BasisArg::ServiceArea => Basis::ServiceArea,
            },
            sites: match self.sites {
                SitesArg::Mesh => SiteKind::Mesh,
                SitesArg::Town => SiteKind::Town,
            },
            gaps: self.gaps,
        })
    }
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
    let query = args.query()?;
    let store = crate::open_store(&args.db).await?;
    let snapshot = renkei_app::load(store.as_ref())
        .await
        .context("cannot read the directory and regions")?;
    let analysis = query.run(&snapshot).await?;
    let bytes = match args.format {
        Output::Table => {
            print_tables(&analysis.report());
            return Ok(());
        }
        Output::Json => serde_json::to_vec_pretty(&analysis.report())?,
        Output::Geojson => serde_json::to_vec(&analysis.features())?,
        Output::Csv => table_csv(&analysis.report())?,
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
