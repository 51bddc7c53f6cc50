//! `renkei fetch --prefecture NN` / `--all`: download every source of a
//! prefecture (or of Japan) from its publisher (or a folder of files already
//! downloaded) and import them through the application's import dispatch, as
//! `renkei import` does.

use anyhow::{bail, Context, Result};
use clap::Args;
use comfy_table::{presets::UTF8_FULL_CONDENSED, Table};
use renkei_app::import::{fetch_guarded, ClosingGuard, FetchFailure, RegionTableOutcome};
use renkei_ingest::fetch::{parse_url_overrides, FetchOptions, FetchPlan};
use std::path::PathBuf;
use std::time::Duration;

/// Default patience for a stalled connection, in seconds.
const DEFAULT_STALL_TIMEOUT_S: u64 = 30;

/// Arguments of `renkei fetch`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("area").required(true).args(["prefecture", "all"])))]
pub struct FetchArgs {
    /// Two-digit prefecture code (JIS X 0401), 01 (北海道) to 47 (沖縄県), e.g. 14 for
    /// 神奈川県: only what lies there is imported from the publishers' national files.
    /// The lists are the publishers' complete ones: once every file of a source is
    /// imported, that source's records in this prefecture which the files no longer
    /// list are marked closed (with today's date, kept); a source with a failed
    /// download closes nothing.
    #[arg(long)]
    prefecture: Option<String>,
    /// All of Japan: every prefecture's 二次医療圏 table and the national files whole
    /// (closing records no longer listed anywhere in Japan).
    #[arg(long)]
    all: bool,
    /// Take files from this folder instead of downloading (laid out as the plan's
    /// `local` paths, e.g. ../shared/data); files missing there are downloaded.
    #[arg(long)]
    source_dir: Option<PathBuf>,
    /// Never download: files missing from --source-dir are skipped (and their
    /// sources close nothing).
    #[arg(long, requires = "source_dir")]
    offline: bool,
    /// Replace one file's URL: KEY=URL, a key of the prefecture's plan in data/fetch (Kanagawa: n03, population,
    /// town-points, stations, rail-lines, hospitals, visiting-nurse, wamnet-medical-care, wamnet-medical-child-development,
    /// wamnet-home-visit, wamnet-nursery-visit, wamnet-welfare-residential, wamnet-medical-residential, wamnet-short-stay).
    /// Also RENKEI_FETCH_URL_<KEY> (upper case, - as _).
    #[arg(long = "url", value_name = "KEY=URL")]
    urls: Vec<String>,
    /// Folder where downloaded files are kept. Default: downloads/ in the working folder.
    #[arg(long, default_value = "downloads")]
    download_dir: PathBuf,
    /// Seconds to wait for a connection or for more data before a download attempt fails. Default: 30.
    #[arg(long, default_value_t = DEFAULT_STALL_TIMEOUT_S)]
    stall_timeout_s: u64,
    /// Close however many records a source's files no longer list. Without it, a
    /// source whose files have more than 10 % fewer rows than its last good run, or
    /// that would close more than 10 % of its open records, closes nothing.
    #[arg(long)]
    allow_mass_close: bool,
    /// Database, as for `renkei serve`. Default: renkei.db in the working folder.
    #[arg(long, env = "RENKEI_DB", default_value = crate::DEFAULT_DB)]
    db: String,
}

/// Runs `renkei fetch`.
pub async fn run(args: FetchArgs) -> Result<()> {
    let plan = match &args.prefecture {
        Some(prefecture) => FetchPlan::builtin(prefecture)?,
        None => FetchPlan::national(args.source_dir.as_deref())?,
    };
    let mut pairs = args.urls.clone();
    for file in &plan.files {
        let variable = format!(
            "RENKEI_FETCH_URL_{}",
            file.key.to_uppercase().replace('-', "_")
        );
        if let Ok(url) = std::env::var(&variable) {
            pairs.push(format!("{}={url}", file.key));
        }
    }
    let url_overrides = parse_url_overrides(&plan, &pairs).map_err(anyhow::Error::msg)?;
    let options = FetchOptions {
        source_dir: args.source_dir,
        url_overrides,
        download_dir: args.download_dir,
        stall_timeout: Duration::from_secs(args.stall_timeout_s),
        offline: args.offline,
        ..FetchOptions::default()
    };
    let store = crate::open_store(&args.db).await?;
    let mut spinner = crate::import::Spinner::new("fetching");
    let guard = ClosingGuard {
        allow_mass_close: args.allow_mass_close,
        ..ClosingGuard::default()
    };
    let report = fetch_guarded(store.as_ref(), &plan, options, guard, &mut spinner)
        .await
        .context("the fetch stopped before importing any file; the database is unchanged")?;
    drop(spinner);

    let mut table = Table::new();
    table
        .load_preset(UTF8_FULL_CONDENSED)
        .set_header(["file", "from", "result"]);
    table.add_row([
        "regions".to_owned(),
        "built in (data/regions)".to_owned(),
        match report.regions {
            RegionTableOutcome::Loaded(n) => format!("二次医療圏 {n} 件を登録 / {n} regions stored"),
            RegionTableOutcome::Kept(n) => {
                format!("登録済みの二次医療圏 {n} 件を使用 / kept the {n} stored regions")
            }
            RegionTableOutcome::NoneBuiltIn => "二次医療圏の表なし（市区町村のみで配置） / no built-in table: placed by municipality only".to_owned(),
            RegionTableOutcome::National { loaded, kept } => format!(
                "{loaded} 都道府県の二次医療圏を登録、登録済み {kept} 都道府県を使用 / stored the tables of {loaded} prefectures, kept {kept}"
            ),
        },
    ]);
    for file in &report.files {
        let result = match &file.result {
            Ok(outcome) => outcome.summary(),
            Err(FetchFailure::Skipped) => format!("SKIPPED: {}", FetchFailure::Skipped),
            Err(failure) => format!("NOT IMPORTED: {failure}"),
        };
        table.add_row([file.key.clone(), file.origin.clone(), result]);
    }
    for closing in &report.closing {
        table.add_row([
            closing.source().to_owned(),
            "(closing)".to_owned(),
            closing.summary(),
        ]);
    }
    println!("{table}");
    let placed = &report.placement;
    println!(
        "placed {} locations as they were imported: {} inside a municipality, {} within 500 m (flagged), {} suspect (not placed; see `renkei check regions`)",
        placed.positioned, placed.inside, placed.nearest, placed.suspect
    );
    if let Ok(again) = &report.assignment {
        println!(
            "checked all {} stored locations with a position again: {} placement(s) changed",
            again.positioned, again.changed
        );
    }
    let skipped = report.skipped();
    if !skipped.is_empty() {
        println!(
            "skipped {} file(s) not in the source folder (--offline): {}; their sources closed nothing",
            skipped.len(),
            skipped.join(", ")
        );
    }
    if let Some(problem) = report.failure_message() {
        bail!("{problem}. Run the same command again to retry, or give a working address with --url KEY=URL");
    }
    Ok(())
}
