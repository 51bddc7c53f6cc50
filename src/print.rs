//! `renkei print map | leaflet | referral`: the printed documents as PDF
//! files, made from the database like `renkei serve` serves it.

use anyhow::{Context, Result};
use clap::{Args, Subcommand, ValueEnum};
use renkei_app::print::{LeafletQuery, MapCoverage, MapQuery, ReferralQuery};
use renkei_app::regions::{parse_area, parse_region};
use renkei_app::search::{Reach, SearchPlace, SearchRequest};
use renkei_app::{AppError, Snapshot};
use renkei_core::era::FiscalYear;
use renkei_core::need::NeedProfile;
use renkei_core::search::DEFAULT_RADIUS_M;
use renkei_core::verification::{AgeingPolicy, DEFAULT_LAPSE_AFTER_DAYS};
use renkei_core::{CapabilityCode, KindCode, LonLat};
use renkei_print::{Fonts, Orientation, Paper, WebClient};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tracing::info;

/// What to print.
#[derive(Debug, Subcommand)]
pub enum PrintKind {
    /// Regional resource map of a 二次医療圏 or municipality, with its index table (地域資源マップ).
    Map(MapArgs),
    /// Family leaflet of a 二次医療圏: A4, two sides, folded in three (リーフレット).
    Leaflet(LeafletArgs),
    /// Referral sheet for a search near a place (紹介先候補シート).
    Referral(ReferralArgs),
    /// Annual progress report of the regional rollout for the prefecture's
    /// 小児等在宅医療推進会議 (全県展開 進捗報告), A4.
    Rollout(RolloutReportArgs),
}

/// `renkei print rollout`.
#[derive(Debug, Args)]
pub struct RolloutReportArgs {
    /// Prefecture (2 digits), e.g. 14.
    #[arg(long)]
    prefecture: String,
    /// 年度 reported, as the calendar year it starts in (2026 = 令和8年度);
    /// records after its end (31 March) are left out. Default: the current 年度.
    #[arg(long)]
    fiscal_year: Option<i32>,
    #[command(flatten)]
    common: CommonArgs,
}

/// Options every document shares.
#[derive(Debug, Args)]
pub struct CommonArgs {
    /// Database, as for `renkei serve`. Default: renkei.db in the working folder.
    #[arg(long, env = "RENKEI_DB", default_value = crate::DEFAULT_DB)]
    db: String,
    /// PDF file to write.
    #[arg(short = 'o', long = "output")]
    output: PathBuf,
    /// Public address of the web client, opened by the printed QR codes.
    #[arg(long, env = "RENKEI_PUBLIC_URL", default_value = WebClient::DEFAULT_BASE)]
    web_url: String,
    /// A Japanese TrueType/OpenType font to use instead of the first installed
    /// one of IPAex Gothic or Noto Sans CJK JP.
    #[arg(long)]
    font: Option<PathBuf>,
    /// Days after which a confirmed yes/no counts as 要確認 on the sheet
    /// (calendar days, Asia/Tokyo).
    #[arg(long, env = "RENKEI_VERIFICATION_LAPSE_DAYS", default_value_t = DEFAULT_LAPSE_AFTER_DAYS)]
    verification_lapse_days: u32,
}

/// Paper sizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PaperArg {
    /// 210 × 297 mm.
    A4,
    /// 297 × 420 mm.
    A3,
}

/// Page orientations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OrientationArg {
    /// Taller than wide.
    Portrait,
    /// Wider than tall.
    Landscape,
}

/// `renkei print map`.
#[derive(Debug, Args)]
pub struct MapArgs {
    /// 二次医療圏 code (4 digits, e.g. 1407) or municipality / ward code (5 digits, e.g. 14207).
    #[arg(long)]
    region: String,
    /// Paper size.
    #[arg(long, value_enum, default_value_t = PaperArg::A4)]
    paper: PaperArg,
    /// Page orientation.
    #[arg(long, value_enum, default_value_t = OrientationArg::Portrait)]
    orientation: OrientationArg,
    /// Only these facility kinds: kind codes, comma-separated (e.g. visiting_nurse,hospital). Default: all.
    #[arg(long, value_delimiter = ',')]
    kinds: Vec<String>,
    /// Draw the coverage layer: 3rd-mesh cells by distance to the nearest
    /// provider of --kinds meeting --needs (as GET /api/v1/coverage).
    #[arg(long)]
    coverage: bool,
    /// Coverage: 医療的ケア needs, capability codes, comma-separated (e.g. ventilator).
    #[arg(long, value_delimiter = ',', requires = "coverage")]
    needs: Vec<String>,
    /// Coverage: the child's age in years.
    #[arg(long, requires = "coverage")]
    age: Option<u8>,
    /// Coverage: only services accepting new clients.
    #[arg(long, requires = "coverage")]
    accepting: bool,
    /// Coverage: count providers where a need is 要確認 too.
    #[arg(long, requires = "coverage")]
    include_unknown: bool,
    /// Coverage: threshold in metres, straight line (default 10000).
    #[arg(long, requires = "coverage", conflicts_with = "within_minutes")]
    within_m: Option<f64>,
    /// Coverage: threshold in estimated travel minutes.
    #[arg(long, requires = "coverage")]
    within_minutes: Option<f64>,
    /// Coverage: providers a place needs within the threshold, 1–10.
    #[arg(long, requires = "coverage")]
    k: Option<u32>,
    #[command(flatten)]
    common: CommonArgs,
}

impl MapArgs {
    /// The coverage layer's options, when `--coverage` is given.
    fn coverage(&self) -> Result<Option<MapCoverage>> {
        if !self.coverage {
            return Ok(None);
        }
        Ok(Some(MapCoverage {
            needs: capability_codes(&self.needs)?,
            age_years: self.age,
            accepting_only: self.accepting,
            include_unknown: self.include_unknown,
            within: match (self.within_m, self.within_minutes) {
                (_, Some(minutes)) => Some(Reach::Minutes(minutes)),
                (Some(metres), None) => Some(Reach::Metres(metres)),
                (None, None) => None,
            },
            k: self.k.map_or(1, |k| k as usize),
        }))
    }
}

/// `renkei print leaflet`.
#[derive(Debug, Args)]
pub struct LeafletArgs {
    /// 二次医療圏 code (4 digits, e.g. 1407).
    #[arg(long)]
    region: String,
    /// Who hands the leaflet out (配布元, e.g. "茅ヶ崎市 障がい福祉課"), at most
    /// 60 characters; without it the issuer box is left blank for a stamp.
    #[arg(long)]
    issuer: Option<String>,
    #[command(flatten)]
    common: CommonArgs,
}

/// `renkei print referral`.
#[derive(Debug, Args)]
pub struct ReferralArgs {
    /// The place: an address, 町丁目 or municipality name (the offline geocoder places it).
    #[arg(long, conflicts_with_all = ["lon", "lat"], required_unless_present = "lon")]
    near: Option<String>,
    /// Longitude of the place, WGS 84 degrees (with --lat).
    #[arg(long, requires = "lat", allow_negative_numbers = true)]
    lon: Option<f64>,
    /// Latitude of the place, WGS 84 degrees (with --lon).
    #[arg(long, requires = "lon", allow_negative_numbers = true)]
    lat: Option<f64>,
    /// 医療的ケア the child needs: capability codes, comma-separated (e.g. ventilator,suctioning).
    #[arg(long, value_delimiter = ',')]
    needs: Vec<String>,
    /// Facility kinds wanted: kind codes, comma-separated (e.g. visiting_nurse,hospital). Default: all.
    #[arg(long, value_delimiter = ',')]
    kinds: Vec<String>,
    /// The child's age in years.
    #[arg(long)]
    age: Option<u8>,
    /// Only services accepting new clients.
    #[arg(long)]
    accepting: bool,
    /// Search radius in metres (default 30000, as /api/v1/search).
    #[arg(long, default_value_t = DEFAULT_RADIUS_M)]
    radius_m: f64,
    /// Results per list (confirmed and 要確認), 1–100.
    #[arg(long, default_value_t = 10)]
    limit: usize,
    #[command(flatten)]
    common: CommonArgs,
}

/// Runs `renkei print …`.
pub async fn run(kind: PrintKind) -> Result<()> {
    match kind {
        PrintKind::Map(args) => map(args).await,
        PrintKind::Leaflet(args) => leaflet(args).await,
        PrintKind::Referral(args) => referral(args).await,
        PrintKind::Rollout(args) => rollout_report(args).await,
    }
}

async fn rollout_report(args: RolloutReportArgs) -> Result<()> {
    let fonts = fonts(&args.common)?;
    let store = crate::open_store(&args.common.db).await?;
    let today = renkei_print::tokyo_today();
    let year = args
        .fiscal_year
        .map_or_else(|| FiscalYear::of(today), FiscalYear::new);
    let report =
        renkei_app::rollout::progress_report(store.as_ref(), &args.prefecture, year, today)
            .await
            .map_err(option_error)
            .with_context(|| {
                format!("cannot read the rollout of prefecture {}", args.prefecture)
            })?;
    let pdf = renkei_app::rollout::render_report(&report, &fonts)
        .context("cannot print the rollout report")?;
    write(&args.common.output, &pdf, "全県展開 進捗報告")
}

fn fonts(common: &CommonArgs) -> Result<Fonts> {
    let fonts = match &common.font {
        Some(path) => Fonts::load(path, 0),
        None => Fonts::discover(),
    }
    .context("cannot load a Japanese font (日本語フォントを読み込めません)")?;
    info!(font = %fonts.path().display(), "font");
    Ok(fonts)
}

/// The snapshot as `renkei serve` serves it (region tables and placements
/// prepared first).
/// The snapshot of database `db`, as `renkei serve` would build it.
pub(crate) async fn load(db: &str) -> Result<Arc<Snapshot>> {
    let store = crate::open_store(db).await?;
    let snapshot = renkei_app::startup::prepare(store.as_ref()).await?;
    Ok(Arc::new(snapshot))
}

fn write(path: &Path, pdf: &[u8], what: &str) -> Result<()> {
    std::fs::write(path, pdf).with_context(|| format!("cannot write {}", path.display()))?;
    println!(
        "{what}を書き出しました / wrote {} ({} KB)",
        path.display(),
        pdf.len().div_ceil(1024)
    );
    Ok(())
}

/// A query's error in the terms of this command: a bad field named as the
/// option (`--within-m`), anything else as it is.
fn option_error(error: AppError) -> anyhow::Error {
    match error {
        AppError::Invalid { field, en, .. } => {
            anyhow::anyhow!("--{}: {en}", field.replace('_', "-"))
        }
        other => other.into(),
    }
}

fn kind_codes(kinds: &[String]) -> Result<Vec<KindCode>> {
    kinds
        .iter()
        .map(|k| KindCode::new(k.trim()))
        .collect::<Result<_, _>>()
        .context("--kinds")
}

fn capability_codes(needs: &[String]) -> Result<Vec<CapabilityCode>> {
    needs
        .iter()
        .map(|c| CapabilityCode::new(c.trim()))
        .collect::<Result<_, _>>()
        .context("--needs")
}

async fn map(args: MapArgs) -> Result<()> {
    let fonts = fonts(&args.common)?;
    let snapshot = load(&args.common.db).await?;
    let query = MapQuery {
        area: parse_area("region", &args.region, snapshot.regions()).map_err(option_error)?,
        paper: match args.paper {
            PaperArg::A4 => Paper::A4,
            PaperArg::A3 => Paper::A3,
        },
        orientation: match args.orientation {
            OrientationArg::Portrait => Orientation::Portrait,
            OrientationArg::Landscape => Orientation::Landscape,
        },
        kinds: kind_codes(&args.kinds)?,
        coverage: args.coverage()?,
        ageing: AgeingPolicy {
            lapse_after_days: args.common.verification_lapse_days,
        },
    };
    let job = query
        .prepare(snapshot, WebClient::new(&args.common.web_url))
        .await
        .map_err(option_error)
        .with_context(|| format!("cannot print the map of {}", args.region))?;
    let map = job.print(&fonts)?;
    info!(facilities = map.entries.len(), pages = map.pages, "map");
    write(&args.common.output, &map.pdf, "地図")
}

async fn leaflet(args: LeafletArgs) -> Result<()> {
    let fonts = fonts(&args.common)?;
    let query = LeafletQuery::new(
        parse_region("region", &args.region).map_err(option_error)?,
        args.issuer.as_deref(),
    )
    .map_err(option_error)?;
    let snapshot = load(&args.common.db).await?;
    let pdf = query
        .print(&snapshot, &fonts, WebClient::new(&args.common.web_url))
        .with_context(|| format!("cannot print the leaflet of {}", args.region))?;
    write(&args.common.output, &pdf, "リーフレット")
}

async fn referral(args: ReferralArgs) -> Result<()> {
    let place = match (&args.near, args.lon, args.lat) {
        (_, Some(lon), Some(lat)) => SearchPlace::Point(
            LonLat::new(lon, lat).context("--lon/--lat is not a valid WGS 84 position")?,
        ),
        (Some(near), _, _) => SearchPlace::Near(near.clone()),
        _ => anyhow::bail!("give --near TEXT, or --lon and --lat"),
    };
    let query = ReferralQuery {
        search: SearchRequest {
            place: Some(place),
            reach: Some(Reach::Metres(args.radius_m)),
            profile: NeedProfile {
                kinds: kind_codes(&args.kinds)?,
                needs: capability_codes(&args.needs)?,
                age_years: args.age,
                accepting_only: args.accepting,
                ..NeedProfile::default()
            },
            limit: args.limit,
            ageing: AgeingPolicy {
                lapse_after_days: args.common.verification_lapse_days,
            },
            ..SearchRequest::default()
        },
    };
    let fonts = fonts(&args.common)?;
    let snapshot = load(&args.common.db).await?;
    let job = query
        .prepare(snapshot, &WebClient::new(&args.common.web_url))
        .map_err(option_error)?;
    let pdf = job.print(&fonts)?;
    write(&args.common.output, &pdf, "紹介先候補シート")
}
