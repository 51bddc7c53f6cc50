//! `renkei import KIND FILE…`: the flags of each kind become one
//! [`ImportRequest`] for the application's import dispatch
//! (`renkei_app::import`), which `renkei fetch` runs as well; this file shows
//! a spinner while it works, then prints what was imported.

mod report;
mod spinner;

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use renkei_app::import::{
    import_files, ImportKind as Kind, ImportRequest, DEFAULT_MESH_CENSUS_YEAR,
};
use renkei_ingest::import::{Format, Importer};
use renkei_ingest::limits::{
    Limits, DEFAULT_MAX_FIELD_CHARS, DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_ROWS,
};
use renkei_ingest::mapping::Mapping;
use renkei_ingest::population::SSDSE_A_CENSUS_YEAR;
use std::path::PathBuf;

pub(crate) use spinner::Spinner;

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
    Verified(VerifiedArgs),
    /// 国土数値情報 行政区域 (N03) boundaries: GeoJSON or the official zip (市区町村の境界).
    N03(N03Args),
    /// 二次医療圏 tables (TOML); without files, the ones built into renkei (二次医療圏の表).
    Regions(RegionTableArgs),
    /// Municipal population from 統計センター SSDSE-A (市区町村の人口).
    Population(PopulationArgs),
    /// Population per mesh cell from e-Stat 地域メッシュ統計 (国勢調査), one file per 1st mesh
    /// (地域メッシュ人口); coverage then counts children per cell from it.
    MeshPopulation(MeshPopulationArgs),
    /// Municipalities each provider declares it serves (HSDS service_area), CSV of
    /// facility_id or source + source_id, and municipality_codes (サービス提供地域).
    ServiceAreas(FilesArgs),
    /// 国土数値情報 鉄道データ (N02) stations, GeoJSON or the official zip: the base map's
    /// stations and station names for the geocoder (駅).
    Stations(FilesArgs),
    /// Rail lines for the base map: N02 RailroadSection or station_database polylines
    /// (GeoJSON or zip); each line keeps its licence (鉄道路線).
    RailLines(FilesArgs),
    /// One point per postcode (postcode, pref_code, city, town, lat, lng) for the geocoder (郵便番号).
    Postcodes(FilesArgs),
    /// Open Referral HSDS 3.0 exchange files, as `renkei export hsds` writes them (HSDS 交換ファイル).
    Hsds(HsdsArgs),
    /// A prefecture's regional rollout (全県展開) as authored TOML, e.g.
    /// data/rollout/14_kanagawa.toml: areas, stages, councils, 課題 and 取組. It
    /// replaces what the prefecture's last rollout file wrote; records added
    /// with `renkei rollout …` are kept.
    Rollout(RolloutArgs),
}

/// `renkei import hsds FILE…`.
#[derive(Debug, Args)]
pub struct HsdsArgs {
    /// A JSON array of HSDS services, a Tabular Data Package's datapackage.json
    /// (its CSV tables are read from the same folder), or a zip of the package.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    #[command(flatten)]
    common: CommonArgs,
}

/// Rollout files.
#[derive(Debug, Args)]
pub struct RolloutArgs {
    /// Rollout files (TOML, UTF-8).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Database, as for `renkei serve`. Default: renkei.db in the working folder.
    #[arg(long, env = "RENKEI_DB", default_value = crate::DEFAULT_DB)]
    db: String,
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

/// Options every facility-list import takes.
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
    /// With --close-missing: close however many records the files no longer
    /// list. Without it, a run that would close more than 10 % of a source's
    /// open records (in what the files cover) closes nothing and says how many.
    #[arg(long, requires = "close_missing")]
    allow_mass_close: bool,
    #[command(flatten)]
    limits: LimitArgs,
}

/// Limits a file must keep within, for the rare list that is right and larger.
#[derive(Debug, Args)]
#[expect(
    clippy::struct_field_names,
    reason = "the fields are the --max-… flags"
)]
pub struct LimitArgs {
    /// Largest file (or all members of a zip together, uncompressed) an import reads, in MB.
    #[arg(long, env = "RENKEI_IMPORT_MAX_FILE_MB", default_value_t = DEFAULT_MAX_FILE_BYTES / MB)]
    max_file_mb: u64,
    /// Most data rows in one file.
    #[arg(long, env = "RENKEI_IMPORT_MAX_ROWS", default_value_t = DEFAULT_MAX_ROWS)]
    max_rows: usize,
    /// Most characters in one cell (names and addresses have tighter fixed limits).
    #[arg(long, env = "RENKEI_IMPORT_MAX_FIELD_CHARS", default_value_t = DEFAULT_MAX_FIELD_CHARS)]
    max_field_chars: usize,
}

/// Bytes in the MB of `--max-file-mb`.
const MB: u64 = 1024 * 1024;

impl LimitArgs {
    fn limits(&self) -> Limits {
        Limits {
            max_file_bytes: self.max_file_mb.saturating_mul(MB),
            max_rows: self.max_rows,
            max_field_chars: self.max_field_chars,
            ..Limits::default()
        }
    }
}

/// `renkei import verified FILE…`.
#[derive(Debug, Args)]
pub struct VerifiedArgs {
    /// Sheets (CSV: UTF-8, UTF-8 with BOM or Shift_JIS) with the columns 施設ID (or
    /// 出典 and 出典ID), サービス, 項目, 回答, 確認日, 確認機関 and optionally 備考
    /// (staff-only). See data/examples/verified-facts.csv.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Database, as for `renkei serve`. Default: renkei.db in the working folder.
    #[arg(long, env = "RENKEI_DB", default_value = crate::DEFAULT_DB)]
    db: String,
    /// Where to write the CSV report of rejected rows. Default:
    /// verified-errors-<time>.csv in the working folder, only when rows were rejected.
    #[arg(long)]
    error_report: Option<PathBuf>,
    #[command(flatten)]
    limits: LimitArgs,
}

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

/// The request and where its output goes.
struct Invocation {
    request: ImportRequest,
    db: String,
    error_report: Option<PathBuf>,
}

impl Invocation {
    fn new(kind: Kind, files: Vec<PathBuf>, db: String) -> Self {
        Self {
            request: ImportRequest::new(kind, files),
            db,
            error_report: None,
        }
    }

    fn with_common(kind: Kind, files: Vec<PathBuf>, common: CommonArgs) -> Self {
        let mut invocation = Self::new(kind, files, common.db);
        invocation.request.close_missing = common.close_missing;
        invocation.request.closing_guard.allow_mass_close = common.allow_mass_close;
        invocation.request.limits = common.limits.limits();
        invocation.error_report = common.error_report;
        invocation
    }
}

/// Runs `renkei import`.
pub async fn run(kind: ImportKind) -> Result<()> {
    let official = |list| Kind::Facilities(Format::Official(list));
    let invocation = match kind {
        ImportKind::MhlwFacilities(a) => {
            Invocation::with_common(official(Importer::MhlwFacilities), a.files, a.common)
        }
        ImportKind::Kaigo(a) => {
            Invocation::with_common(official(Importer::Kaigo), a.files, a.common)
        }
        ImportKind::Wamnet(a) => {
            Invocation::with_common(official(Importer::Wamnet), a.files, a.common)
        }
        ImportKind::HokenIryokikan(a) => {
            Invocation::with_common(official(Importer::HokenIryokikan), a.files, a.common)
        }
        ImportKind::Csv(a) => {
            let text = std::fs::read_to_string(&a.mapping)
                .with_context(|| format!("cannot read the mapping file {}", a.mapping.display()))?;
            let mapping = Mapping::parse(&a.mapping.display().to_string(), &text)?;
            let kind = Kind::Facilities(Format::Mapped(Box::new(mapping)));
            Invocation::with_common(kind, a.files, a.common)
        }
        ImportKind::TownPoints(a) => Invocation::with_common(Kind::TownPoints, a.files, a.common),
        ImportKind::Stations(a) => Invocation::with_common(Kind::Stations, a.files, a.common),
        ImportKind::RailLines(a) => Invocation::with_common(Kind::RailLines, a.files, a.common),
        ImportKind::Postcodes(a) => Invocation::with_common(Kind::Postcodes, a.files, a.common),
        ImportKind::ShisetsuKijun(a) => {
            Invocation::with_common(Kind::Accreditations, a.files, a.common)
        }
        ImportKind::ServiceAreas(a) => {
            Invocation::with_common(Kind::ServiceAreas, a.files, a.common)
        }
        ImportKind::Hsds(a) => {
            Invocation::with_common(Kind::Facilities(Format::Hsds), a.files, a.common)
        }
        ImportKind::Verified(a) => {
            let mut invocation = Invocation {
                error_report: a.error_report,
                ..Invocation::new(Kind::Verified, a.files, a.db)
            };
            invocation.request.limits = a.limits.limits();
            invocation
        }
        ImportKind::N03(a) => Invocation::new(Kind::Boundaries, a.files, a.db),
        ImportKind::Rollout(a) => Invocation::new(Kind::Rollout, a.files, a.db),
        ImportKind::Regions(a) => Invocation::new(Kind::RegionTable, a.files, a.db),
        ImportKind::Population(a) => {
            Invocation::new(Kind::Population { year: a.year }, vec![a.file], a.db)
        }
        ImportKind::MeshPopulation(a) => {
            Invocation::new(Kind::MeshPopulation { year: a.year }, a.files, a.db)
        }
    };
    let store = crate::open_store(&invocation.db).await?;
    let mut spinner = Spinner::new("importing");
    let mut outcome = import_files(store.as_ref(), &invocation.request, &mut spinner).await;
    drop(spinner);
    report::print(&invocation.request.kind, &outcome, invocation.error_report)?;
    match outcome.failure.take() {
        Some(failure) => Err(failure.into()),
        None => Ok(()),
    }
}
