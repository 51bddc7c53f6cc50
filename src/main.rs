//! `renkei`: the command line of the resource map and referral directory for
//! pediatric home medical care (小児在宅医療). This file only parses arguments,
//! sets up logging and calls the library crates.

mod coverage;
mod edge;
mod export;
mod fetch;
mod import;
mod print;
mod regions;
mod rollout;
mod user;
mod verified;
mod verify;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};
use renkei_app::{spawn_refresher, ReadModel, DEFAULT_REFRESH_PERIOD};
use renkei_core::verification::{AgeingPolicy, DEFAULT_LAPSE_AFTER_DAYS};
use renkei_http::{router, AppState, HttpConfig};
use renkei_store::{DatabaseUrl, OpenOptions, SharedStore};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::OnceLock;
use std::time::Duration;
use tokio::net::TcpListener;

/// mimalloc returns freed pages to the system: the index build consumes the
/// full records it was loaded from, and the system allocator kept most of
/// them (about 630 MB at 1,000,000 locations) after the build was done.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use tracing::info;
use tracing_subscriber::EnvFilter;

/// Database used when neither `--db` nor `RENKEI_DB` is given: an SQLite file
/// in the working folder.
pub(crate) const DEFAULT_DB: &str = "renkei.db";
/// Address served when neither `--bind` nor `RENKEI_BIND` is given.
const DEFAULT_BIND: &str = "127.0.0.1:8080";
/// Seconds `renkei serve` waits for PostgreSQL at start-up when neither
/// `--db-startup-timeout-s` nor `RENKEI_DB_STARTUP_TIMEOUT_S` is given.
const DEFAULT_DB_STARTUP_TIMEOUT_S: u64 = OpenOptions::DEFAULT_STARTUP_TIMEOUT.as_secs();

/// renkei (連携): 小児在宅医療の資源マップと紹介先名簿 / resource map and referral
/// directory for pediatric home medical care.
#[derive(Debug, Parser)]
#[command(name = "renkei", version, about, long_about = None)]
struct Cli {
    /// Log line format. The level comes from `RUST_LOG` (default: info).
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Text, env = "RENKEI_LOG_FORMAT")]
    log_format: LogFormat,
    /// A file holding the PostgreSQL password (first line), used for every
    /// postgres:// database URL that states none — so the password is in
    /// neither `ps` nor the environment.
    #[arg(long, global = true, env = "RENKEI_DB_PASSWORD_FILE")]
    db_password_file: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

/// Log line formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum LogFormat {
    /// Plain text, one line per event.
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Start the service: API, API docs and web client (サービスを起動する).
    Serve(ServeArgs),
    /// Copy the whole directory from one database to another, e.g. SQLite → PostgreSQL (データベース間のコピー).
    CopyStore(CopyStoreArgs),
    /// Import official open data or a mapped CSV into the database (データの取り込み).
    #[command(subcommand)]
    Import(import::ImportKind),
    /// Download a prefecture's open data from its publishers and import it (オープンデータの取得).
    Fetch(fetch::FetchArgs),
    /// Check the data and print what needs attention (データの点検).
    #[command(subcommand)]
    Check(regions::CheckKind),
    /// Print a regional map, a family leaflet or a referral sheet as PDF (印刷物の作成).
    #[command(subcommand)]
    Print(print::PrintKind),
    /// Coverage and gaps for a need profile per 二次医療圏 and municipality (カバー率とギャップ分析).
    Coverage(coverage::CoverageArgs),
    /// Staff accounts: add, list, disable, reset a password (職員アカウントの管理).
    #[command(subcommand)]
    User(user::UserCommand),
    /// Write the public directory in an exchange format (データの書き出し).
    #[command(subcommand)]
    Export(export::ExportKind),
    /// Record and show the regional rollout (全県展開): stages, 課題, 取組, progress.
    #[command(subcommand)]
    Rollout(rollout::RolloutCommand),
    /// Verification work for desks: what needs confirming (確認作業).
    #[command(subcommand)]
    Verify(verify::VerifyKind),
}

#[derive(Debug, Args)]
struct ServeArgs {
    /// Database: a file path or sqlite:PATH (created when missing), or
    /// `postgres://USER@HOST/DATABASE` (password from --db-password-file; a
    /// password in the URL shows in `ps` — prefer RENKEI_DB then).
    #[arg(long, env = "RENKEI_DB", default_value = DEFAULT_DB)]
    db: String,
    /// Address and port to listen on; port 0 picks a free one (the log line shows the real port).
    #[arg(long, env = "RENKEI_BIND", default_value = DEFAULT_BIND)]
    bind: String,
    /// Folder with the built web client (`index.html` and assets), relative to the working folder.
    #[arg(long, env = "RENKEI_WEB_DIR", default_value = HttpConfig::DEFAULT_WEB_DIR)]
    web_dir: PathBuf,
    /// PostgreSQL only: how long to keep retrying, with backoff, while the database
    /// does not answer at start-up, in seconds; then exit with an error. 0 tries once.
    #[arg(long, env = "RENKEI_DB_STARTUP_TIMEOUT_S", default_value_t = DEFAULT_DB_STARTUP_TIMEOUT_S)]
    db_startup_timeout_s: u64,
    /// Days after which a confirmed yes/no counts as 要確認 for families in
    /// search and printed sheets (calendar days, Asia/Tokyo); the answer stays stored.
    #[arg(long, env = "RENKEI_VERIFICATION_LAPSE_DAYS", default_value_t = DEFAULT_LAPSE_AFTER_DAYS)]
    verification_lapse_days: u32,
    #[command(flatten)]
    edge: edge::EdgeArgs,
}

#[derive(Debug, Args)]
struct CopyStoreArgs {
    /// Database to read from (file path, sqlite:PATH or postgres://…).
    #[arg(long)]
    from: String,
    /// Database to write to; created and migrated when needed. Every table of it
    /// (boundaries, population, town points, run logs, verified facts …) is
    /// replaced by the origin's in one transaction, then compared table by table.
    #[arg(long)]
    to: String,
}

/// The PostgreSQL password read from `--db-password-file`, when given.
static DB_PASSWORD: OnceLock<String> = OnceLock::new();

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.log_format);
    let outcome = read_db_password(cli.db_password_file.as_deref())
        .and_then(|()| tokio::runtime::Runtime::new().context("cannot start the async runtime"))
        .and_then(|runtime| {
            runtime.block_on(async {
                match cli.command {
                    Command::Serve(args) => serve(args).await,
                    Command::CopyStore(args) => copy_store(args).await,
                    Command::Import(kind) => import::run(kind).await,
                    Command::Fetch(args) => fetch::run(args).await,
                    Command::Print(kind) => print::run(kind).await,
                    Command::Coverage(args) => coverage::run(args).await,
                    Command::Verify(kind) => verify::run(kind).await,
                    Command::Check(kind) => regions::check(kind).await,
                    Command::User(command) => user::run(command).await,
                    Command::Export(kind) => export::run(kind).await,
                    Command::Rollout(command) => rollout::run(command).await,
                }
            })
        });
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("エラー / error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_logging(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let ansi = std::io::stderr().is_terminal();
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(ansi);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}

/// Keeps the first line of the password file for [`database_url`].
fn read_db_password(path: Option<&std::path::Path>) -> Result<()> {
    let Some(path) = path else {
        return Ok(());
    };
    let text = std::fs::read_to_string(path).with_context(|| {
        format!(
            "cannot read the database password file {} (パスワードファイルを読めません)",
            path.display()
        )
    })?;
    let password = text.lines().next().unwrap_or_default().to_owned();
    anyhow::ensure!(
        !password.is_empty(),
        "the database password file {} is empty",
        path.display()
    );
    DB_PASSWORD.get_or_init(|| password);
    Ok(())
}

/// The database URL of `text`, with the password of `--db-password-file`
/// when one was given and the URL states none.
pub(crate) fn database_url(text: &str) -> Result<DatabaseUrl> {
    let url = DatabaseUrl::new(text);
    match DB_PASSWORD.get() {
        Some(password) => url
            .with_password(password)
            .with_context(|| format!("cannot put the password into the database URL {url}")),
        None => Ok(url),
    }
}

pub(crate) async fn open_store(text: &str) -> Result<SharedStore> {
    open_store_with(text, OpenOptions::default()).await
}

async fn open_store_with(text: &str, options: OpenOptions) -> Result<SharedStore> {
    let url = database_url(text)?;
    let store = renkei_store::open(&url, options)
        .await
        .with_context(|| format!("cannot open the database {url} (データベースを開けません)"))?;
    info!(database = %url, backend = store.backend().as_str(), "database ready, migrations applied");
    Ok(store)
}

async fn serve(args: ServeArgs) -> Result<()> {
    let options = OpenOptions {
        startup_timeout: Duration::from_secs(args.db_startup_timeout_s),
        ..OpenOptions::default()
    };
    let store = open_store_with(&args.db, options).await?;
    let snapshot = renkei_app::startup::start(store.as_ref()).await?;
    let facilities = snapshot.directory().active_count();
    let model = ReadModel::from_snapshot(snapshot);
    let _refresher = spawn_refresher(store.clone(), model.clone(), DEFAULT_REFRESH_PERIOD);

    let listener = TcpListener::bind(&args.bind).await.with_context(|| {
        format!(
            "cannot listen on {} (is another server using the port?)",
            args.bind
        )
    })?;
    let address = listener
        .local_addr()
        .context("cannot read the bound address")?;
    let edge = args.edge.config();
    let config = HttpConfig {
        web_dir: args.web_dir,
        public_url: args.edge.public_url.clone(),
        local_url: Some(renkei_http::edge::links::local_url(address)),
        edge: edge.clone(),
        ageing: AgeingPolicy {
            lapse_after_days: args.verification_lapse_days,
        },
        ..HttpConfig::default()
    };
    if config.public_url.is_none() {
        tracing::warn!(
            "no --public-url (RENKEI_PUBLIC_URL): TileJSON and printed QR codes point at {}; prints are marked 試し刷り",
            config.link_base().url
        );
    }
    let app = router(AppState::new(store, model, config));
    let shutdown = shutdown_signal();
    info!(
        facilities,
        "renkei is serving on http://{address}/ (API docs: http://{address}/api/docs)"
    );
    renkei_http::edge::serve(listener, app, &edge, shutdown).await;
    info!("renkei stopped");
    Ok(())
}

/// Starts listening for Ctrl-C and SIGTERM and returns a future that resolves
/// on the first of them; in-flight requests then finish before exit.
///
/// The handlers are registered here, before the server says where it serves:
/// registered lazily, a SIGTERM sent right after that line (by a supervisor or
/// a test) could arrive before them and be lost or kill the process outright.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    let signals = {
        use tokio::signal::unix::{signal, SignalKind};
        let listen = |kind: SignalKind, name: &'static str| {
            signal(kind)
                .inspect_err(|error| tracing::warn!(%error, "cannot listen for {name}"))
                .ok()
        };
        (
            listen(SignalKind::interrupt(), "Ctrl-C"),
            listen(SignalKind::terminate(), "SIGTERM"),
        )
    };
    async move {
        #[cfg(unix)]
        {
            let (interrupt, terminate) = signals;
            tokio::select! {
                () = next_or_never(interrupt) => {}
                () = next_or_never(terminate) => {}
            }
        }
        #[cfg(not(unix))]
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::warn!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
        info!("shutting down: finishing requests in flight");
    }
}

/// Waits for the next delivery of `signal`; forever when it could not be listened for.
#[cfg(unix)]
async fn next_or_never(signal: Option<tokio::signal::unix::Signal>) {
    match signal {
        Some(mut signal) => {
            signal.recv().await;
        }
        None => std::future::pending().await,
    }
}

async fn copy_store(args: CopyStoreArgs) -> Result<()> {
    let from = open_store(&args.from).await?;
    let to = open_store(&args.to).await?;
    let summary = renkei_store::copy_store(from.as_ref(), to.as_ref())
        .await
        .with_context(|| {
            format!(
                "copying from {} to {} failed",
                DatabaseUrl::new(args.from.as_str()),
                DatabaseUrl::new(args.to.as_str())
            )
        })?;
    let rows: u64 = summary.tables.iter().map(|(_, rows)| rows).sum();
    for (table, count) in &summary.tables {
        println!("  {table}: {count}");
    }
    println!(
        "{} 件の施設 ({} 出典) を含む {} 表 {rows} 行をコピーし、表ごとに件数とチェックサムを照合しました / copied {} facilities from {} sources, {} tables with {rows} rows in all; every table's row count and checksum match",
        summary.facilities,
        summary.sources,
        summary.tables.len(),
        summary.facilities,
        summary.sources,
        summary.tables.len(),
    );
    Ok(())
}
