//! `renkei verify queue`: per 二次医療圏, the 医療的ケア items desks should
//! confirm (never confirmed, 要再確認, overdue, lapsed), for staff.

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use comfy_table::{presets::UTF8_FULL_CONDENSED, Table};
use renkei_app::verification::QueueQuery;
use renkei_core::verification::{tokyo_date, AgeingPolicy, DEFAULT_LAPSE_AFTER_DAYS};
use renkei_core::{KindCode, RegionCode};

/// `renkei verify …` (確認作業).
#[derive(Debug, Subcommand)]
pub enum VerifyKind {
    /// List per facility the items never confirmed, due (older than 365 days),
    /// overdue (425) or lapsed (the lapse limit) in a 二次医療圏 (確認待ち一覧).
    Queue(QueueArgs),
}

/// `renkei verify queue`.
#[derive(Debug, Args)]
pub struct QueueArgs {
    /// 二次医療圏 code (4 digits, e.g. 1407).
    #[arg(long)]
    region: String,
    /// Only this facility kind, e.g. visiting_nurse.
    #[arg(long)]
    kind: Option<String>,
    /// Days after which a confirmed yes/no counts as 要確認 for families
    /// (calendar days, Asia/Tokyo).
    #[arg(long, env = "RENKEI_VERIFICATION_LAPSE_DAYS", default_value_t = DEFAULT_LAPSE_AFTER_DAYS)]
    verification_lapse_days: u32,
    /// Database, as for `renkei serve`. Default: renkei.db in the working folder.
    #[arg(long, env = "RENKEI_DB", default_value = crate::DEFAULT_DB)]
    db: String,
}

/// Runs a `renkei verify` command.
pub async fn run(kind: VerifyKind) -> Result<()> {
    match kind {
        VerifyKind::Queue(args) => queue(args).await,
    }
}

async fn queue(args: QueueArgs) -> Result<()> {
    let query = QueueQuery {
        region: RegionCode::new(args.region.trim())
            .with_context(|| format!("--region {} is not a 二次医療圏 code", args.region))?,
        kind: args
            .kind
            .as_deref()
            .map(|k| KindCode::new(k.trim()))
            .transpose()
            .context("--kind")?,
        ageing: AgeingPolicy {
            lapse_after_days: args.verification_lapse_days,
        },
    };
    let snapshot = crate::print::load(&args.db).await?;
    let today = tokyo_date(chrono::Utc::now());
    let entries = query
        .run(&snapshot, today)
        .with_context(|| format!("cannot list the queue of region {}", args.region))?;
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED).set_header([
        "facility id",
        "名称 / name",
        "種別 / kind",
        "市区町村",
        "公開",
        "確認が必要な項目 / items to confirm",
    ]);
    let mut items = 0;
    for entry in &entries {
        items += entry.items.len();
        let text = entry
            .items
            .iter()
            .map(|item| {
                let last = item.last.as_ref().map_or_else(String::new, |v| {
                    format!("（{} {}）", v.on, v.by_organization)
                });
                format!("{}: {}{last}", item.capability.term().ja, item.reason_ja())
            })
            .collect::<Vec<_>>()
            .join("\n");
        table.add_row([
            entry.facility.to_string(),
            entry.name.clone(),
            entry.kind.term().ja.clone(),
            entry
                .municipality
                .as_ref()
                .map_or_else(String::new, ToString::to_string),
            if entry.public {
                "公開"
            } else {
                "職員のみ"
            }
            .to_owned(),
            text,
        ]);
    }
    println!("{table}");
    println!(
        "{} 件の施設・{items} 項目が確認待ちです（{today} 時点）/ {} facilities, {items} items to confirm as of {today}",
        entries.len(),
        entries.len()
    );
    Ok(())
}
