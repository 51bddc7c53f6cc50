//! `renkei print map | leaflet | referral`: the printed documents as PDF
//! files, made from the database like `renkei serve` serves it.

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand, ValueEnum};
use renkei_core::directory_index::DirectoryIndex;
use renkei_core::need::{NeedProfile, MAX_AGE_YEARS};
use renkei_core::search::{SearchQuery, DEFAULT_RADIUS_M, MAX_LIMIT};
use renkei_core::{CapabilityCode, KindCode, LonLat, PublicFacility};
use renkei_http::coverage::inputs::CoverageInputs;
use renkei_http::coverage::CoverageParams;
use renkei_http::{load_geocoder, load_index, Regions};
use renkei_print::{
    area_facilities, map_area, region_facilities, region_leaflet, render_leaflet,
    render_map_with_coverage, render_referral, tokyo_today, Fonts, MapOptions, Orientation, Paper,
    Referral, WebClient,
};
use std::path::{Path, PathBuf};
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
    #[arg(long, requires = "coverage", value_parser = age_years())]
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
    /// The coverage options as /api/v1/coverage takes them, so that they are
    /// checked the same way.
    fn coverage_params(&self) -> CoverageParams {
        let list = |items: &[String]| (!items.is_empty()).then(|| items.join(","));
        let flag = |on: bool| on.then(|| "true".to_owned());
        CoverageParams {
            kinds: list(&self.kinds),
            needs: list(&self.needs),
            age: self.age.map(|a| a.to_string()),
            accepting: flag(self.accepting),
            include_unknown: flag(self.include_unknown),
            region: Some(self.region.clone()),
            within_m: self.within_m.map(|m| m.to_string()),
            within_minutes: self.within_minutes.map(|m| m.to_string()),
            k: self.k.map(|k| k.to_string()),
            ..CoverageParams::default()
        }
    }
}

/// `renkei print leaflet`.
#[derive(Debug, Args)]
pub struct LeafletArgs {
    /// 二次医療圏 code (4 digits, e.g. 1407).
    #[arg(long)]
    region: String,
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
    #[arg(long, value_parser = age_years())]
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

/// An age in years, 0 to the most a query accepts.
fn age_years() -> clap::builder::RangedI64ValueParser<u8> {
    clap::value_parser!(u8).range(0..=i64::from(MAX_AGE_YEARS))
}

/// Runs `renkei print …`.
pub async fn run(kind: PrintKind) -> Result<()> {
    match kind {
        PrintKind::Map(args) => map(args).await,
        PrintKind::Leaflet(args) => leaflet(args).await,
        PrintKind::Referral(args) => referral(args).await,
    }
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

/// The directory and regions, loaded as `renkei serve` loads them.
async fn load(db: &str) -> Result<(renkei_store::SharedStore, DirectoryIndex, Regions)> {
    let store = crate::open_store(db).await?;
    crate::regions::prepare_for_serve(store.as_ref()).await?;
    let index = load_index(store.as_ref())
        .await
        .context("cannot load the directory from the database")?;
    let regions = Regions::load(store.as_ref())
        .await
        .context("cannot load the regions from the database")?;
    Ok((store, index, regions))
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

async fn map(args: MapArgs) -> Result<()> {
    let fonts = fonts(&args.common)?;
    let (store, index, regions) = load(&args.common.db).await?;
    let area = map_area(&regions.catalog, &args.region)
        .with_context(|| format!("cannot print the map of {}", args.region))?;
    let kinds: Vec<KindCode> = args
        .kinds
        .iter()
        .map(|k| KindCode::new(k.trim()))
        .collect::<Result<_, _>>()
        .context("--kinds")?;
    let mut facilities = area_facilities(&index, &regions.catalog, &area);
    facilities.retain(|f| kinds.is_empty() || kinds.contains(&f.kind));
    let options = MapOptions {
        paper: match args.paper {
            PaperArg::A4 => Paper::A4,
            PaperArg::A3 => Paper::A3,
        },
        orientation: match args.orientation {
            OrientationArg::Portrait => Orientation::Portrait,
            OrientationArg::Landscape => Orientation::Landscape,
        },
        web: WebClient::new(&args.common.web_url),
        data_date: None,
    };
    let layer = if args.coverage {
        let params = args.coverage_params();
        let request = params
            .parse(&regions)
            .map_err(|error| match error {
                // Name the option as typed here, not the API's parameter.
                renkei_http::ApiError::BadParameter { field, en, .. } => {
                    anyhow::anyhow!("--{}: {en}", field.replace('_', "-"))
                }
                other => anyhow::anyhow!("{other}"),
            })
            .context("coverage options")?;
        let inputs = CoverageInputs::load(store.as_ref(), &regions)
            .await
            .context("cannot read the coverage inputs from the database")?;
        Some(renkei_http::print::coverage_layer(
            &index,
            &regions,
            &inputs,
            &params,
            &request,
            &options.web,
        ))
    } else {
        None
    };
    let shown: Vec<&PublicFacility> = facilities.iter().collect();
    let map = render_map_with_coverage(&fonts, &area, &shown, &options, layer.as_ref())?;
    info!(facilities = facilities.len(), pages = map.pages, "map");
    write(&args.common.output, &map.pdf, "地図")
}

async fn leaflet(args: LeafletArgs) -> Result<()> {
    let fonts = fonts(&args.common)?;
    let (_, index, regions) = load(&args.common.db).await?;
    let facilities = region_facilities(&index, &args.region)
        .with_context(|| format!("cannot print the leaflet of {}", args.region))?;
    let leaflet = region_leaflet(
        &regions.catalog,
        &facilities,
        &args.region,
        WebClient::new(&args.common.web_url),
    )
    .with_context(|| format!("cannot print the leaflet of {}", args.region))?;
    let pdf = render_leaflet(&fonts, &leaflet)?;
    write(&args.common.output, &pdf, "リーフレット")
}

async fn referral(args: ReferralArgs) -> Result<()> {
    if !(1..=MAX_LIMIT).contains(&args.limit) {
        bail!("--limit must be from 1 to {MAX_LIMIT}, not {}", args.limit);
    }
    let profile = NeedProfile {
        kinds: args
            .kinds
            .iter()
            .map(|k| KindCode::new(k.trim()))
            .collect::<Result<_, _>>()
            .context("--kinds")?,
        needs: args
            .needs
            .iter()
            .map(|c| CapabilityCode::new(c.trim()))
            .collect::<Result<_, _>>()
            .context("--needs")?,
        age_years: args.age,
        accepting_only: args.accepting,
    };
    let fonts = fonts(&args.common)?;
    let (store, index, regions) = load(&args.common.db).await?;
    let (origin, place_label) = match (&args.near, args.lon, args.lat) {
        (_, Some(lon), Some(lat)) => (
            LonLat::new(lon, lat).context("--lon/--lat is not a valid WGS 84 position")?,
            format!("経度 {lon}, 緯度 {lat}"),
        ),
        (Some(near), _, _) => {
            let geocoder = load_geocoder(store.as_ref(), &regions)
                .await
                .context("cannot load the town points for the geocoder")?;
            let found = geocoder.resolve(near).with_context(|| {
                format!(
                    "cannot place {near:?}; start with the municipality name (場所がわかりません)"
                )
            })?;
            (found.position, found.matched)
        }
        _ => bail!("give --near TEXT, or --lon and --lat"),
    };
    let found = index
        .search(&SearchQuery {
            origin: Some(origin),
            radius_m: args.radius_m,
            profile: profile.clone(),
            include_unknown: true,
            limit: args.limit,
            ..SearchQuery::default()
        })
        .into_public();
    let search_url = WebClient::new(&args.common.web_url).search_view(
        args.near.as_deref(),
        Some(origin),
        &profile,
        args.radius_m,
    );
    let referral = Referral {
        place_label,
        origin: Some(origin),
        radius_m: args.radius_m,
        profile,
        confirmed: found.confirmed,
        unknown: found.unknown,
        search_url,
        created_on: tokyo_today(),
        data_date: None,
    };
    let pdf = render_referral(&fonts, &referral)?;
    write(&args.common.output, &pdf, "紹介先候補シート")
}
