//! `renkei rollout …`: the regional rollout's write commands (進捗の記録)
//! and a table of where each area stands. Until staff accounts exist, who
//! records a change is the plain `--by` (an organisation or account label,
//! never a person's name); the HTTP API only reads.

use anyhow::{Context, Result};
use chrono::{FixedOffset, NaiveDate, Utc};
use clap::{Args, Subcommand};
use comfy_table::{presets::UTF8_FULL_CONDENSED, Table};
use renkei_app::rollout::{self, NewAction, Recorded};
use renkei_core::era::FiscalYear;
use renkei_core::rollout::{ActionStatus, IssueCategory, Stage};

/// `renkei rollout` subcommands.
#[derive(Debug, Subcommand)]
pub enum RolloutCommand {
    /// Where each area stands: current stage, since when, 課題 and 取組 (展開状況).
    Show(ShowArgs),
    /// Move an area to its next stage, or back with --reason (段階の記録).
    Advance(AdvanceArgs),
    /// Add a 課題 (problem) to an area (課題の追加).
    Issue(IssueArgs),
    /// Add a 取組 (action) to a 課題 (取組の追加).
    Action(ActionArgs),
    /// Add a progress note to a 取組, optionally with its new status (進捗確認).
    Note(NoteArgs),
}

/// Options every write command takes.
#[derive(Debug, Args)]
pub struct RecordArgs {
    /// Organisation (or account label) recording the change; never a person's name.
    #[arg(long)]
    by: String,
    /// Date it happened, YYYY-MM-DD (Asia/Tokyo). Default: today in Japan.
    #[arg(long)]
    on: Option<NaiveDate>,
    /// Database, as for `renkei serve`. Default: renkei.db in the working folder.
    #[arg(long, env = "RENKEI_DB", default_value = crate::DEFAULT_DB)]
    db: String,
}

impl RecordArgs {
    fn recorded(&self) -> Recorded {
        let japan = FixedOffset::east_opt(9 * 3600).expect("UTC+9 is a valid offset");
        Recorded {
            by: self.by.clone(),
            on: self
                .on
                .unwrap_or_else(|| Utc::now().with_timezone(&japan).date_naive()),
        }
    }
}

/// `renkei rollout show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Only this prefecture (2 digits), e.g. 14.
    #[arg(long)]
    prefecture: Option<String>,
    /// Database, as for `renkei serve`. Default: renkei.db in the working folder.
    #[arg(long, env = "RENKEI_DB", default_value = crate::DEFAULT_DB)]
    db: String,
}

/// `renkei rollout advance`.
#[derive(Debug, Args)]
pub struct AdvanceArgs {
    /// Area key, e.g. odawara (see `renkei rollout show`).
    area: String,
    /// Stage entered: outreach, area_selected, lead_body_decided, partners_visited,
    /// council_set_up, issues_extracted, solutions_discussed, actions_adopted,
    /// actions_underway, progress_review.
    #[arg(value_parser = parse_stage)]
    stage: Stage,
    /// Why: required to move back (or stay), recorded with the transition.
    #[arg(long)]
    reason: Option<String>,
    #[command(flatten)]
    record: RecordArgs,
}

/// `renkei rollout issue`.
#[derive(Debug, Args)]
pub struct IssueArgs {
    /// Area key.
    area: String,
    /// Key of the new 課題 (a–z, 0–9, - and _), unique in the prefecture's rollout.
    key: String,
    /// The problem, in a line.
    #[arg(long)]
    title: String,
    /// medical, welfare, education, family_support, disaster, information, workforce, coordination, other.
    #[arg(long, value_parser = parse_category)]
    category: IssueCategory,
    #[command(flatten)]
    record: RecordArgs,
}

/// `renkei rollout action`.
#[derive(Debug, Args)]
pub struct ActionArgs {
    /// Key of the 課題 it answers.
    issue: String,
    /// Key of the new 取組, unique in the prefecture's rollout.
    key: String,
    /// What is done.
    #[arg(long)]
    title: String,
    /// Organisation carrying it out.
    #[arg(long)]
    owner: String,
    /// 年度 it is for (the calendar year it starts in, e.g. 2026 for 令和8年度).
    /// Default: the 年度 of --on.
    #[arg(long)]
    fiscal_year: Option<i32>,
    /// planned, in_progress, done, revising, stopped.
    #[arg(long, value_parser = parse_status, default_value = "planned")]
    status: ActionStatus,
    #[command(flatten)]
    record: RecordArgs,
}

/// `renkei rollout note`.
#[derive(Debug, Args)]
pub struct NoteArgs {
    /// Key of the 取組.
    action: String,
    /// What was found or changed.
    #[arg(long)]
    text: String,
    /// The 取組's new status, when it changed.
    #[arg(long, value_parser = parse_status)]
    status: Option<ActionStatus>,
    #[command(flatten)]
    record: RecordArgs,
}

fn parse_stage(text: &str) -> Result<Stage, String> {
    Stage::from_code(text).ok_or_else(|| {
        let codes: Vec<_> = Stage::ALL.iter().map(|s| s.code()).collect();
        format!("unknown stage; use one of {}", codes.join(", "))
    })
}

fn parse_category(text: &str) -> Result<IssueCategory, String> {
    IssueCategory::from_code(text).ok_or_else(|| {
        let codes: Vec<_> = IssueCategory::ALL.iter().map(|s| s.code()).collect();
        format!("unknown category; use one of {}", codes.join(", "))
    })
}

fn parse_status(text: &str) -> Result<ActionStatus, String> {
    ActionStatus::from_code(text).ok_or_else(|| {
        let codes: Vec<_> = ActionStatus::ALL.iter().map(|s| s.code()).collect();
        format!("unknown status; use one of {}", codes.join(", "))
    })
}

/// Runs a `renkei rollout` command.
pub async fn run(command: RolloutCommand) -> Result<()> {
    match command {
        RolloutCommand::Show(args) => show(args).await,
        RolloutCommand::Advance(a) => {
            let store = crate::open_store(&a.record.db).await?;
            rollout::advance(
                store.as_ref(),
                &a.area,
                a.stage,
                a.reason,
                &a.record.recorded(),
            )
            .await
            .with_context(|| format!("cannot move area {} to {}", a.area, a.stage.label_ja()))?;
            println!(
                "{}: 「{}」を記録しました / recorded",
                a.area,
                a.stage.label_ja()
            );
            Ok(())
        }
        RolloutCommand::Issue(a) => {
            let store = crate::open_store(&a.record.db).await?;
            let recorded = a.record.recorded();
            rollout::add_issue(
                store.as_ref(),
                &a.area,
                &a.key,
                &a.title,
                a.category,
                &recorded,
            )
            .await
            .with_context(|| format!("cannot add 課題 {} to area {}", a.key, a.area))?;
            println!("課題 {} を追加しました / added", a.key);
            Ok(())
        }
        RolloutCommand::Action(a) => {
            let store = crate::open_store(&a.record.db).await?;
            let recorded = a.record.recorded();
            let action = NewAction {
                key: a.key.clone(),
                title: a.title,
                owner: a.owner,
                fiscal_year: a
                    .fiscal_year
                    .map_or_else(|| FiscalYear::of(recorded.on), FiscalYear::new),
                status: a.status,
            };
            rollout::add_action(store.as_ref(), &a.issue, action, &recorded)
                .await
                .with_context(|| format!("cannot add 取組 {} to 課題 {}", a.key, a.issue))?;
            println!("取組 {} を追加しました / added", a.key);
            Ok(())
        }
        RolloutCommand::Note(a) => {
            let store = crate::open_store(&a.record.db).await?;
            rollout::add_note(
                store.as_ref(),
                &a.action,
                &a.text,
                a.status,
                &a.record.recorded(),
            )
            .await
            .with_context(|| format!("cannot add a note to 取組 {}", a.action))?;
            println!("取組 {} に進捗を記録しました / noted", a.action);
            Ok(())
        }
    }
}

async fn show(args: ShowArgs) -> Result<()> {
    let store = crate::open_store(&args.db).await?;
    let plans = rollout::plans(store.as_ref(), args.prefecture.as_deref())
        .await
        .context("cannot read the rollout")?;
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED).set_header([
        "area",
        "地域",
        "二次医療圏",
        "段階",
        "時期",
        "課題",
        "取組",
    ]);
    for area in plans.iter().flat_map(|p| &p.areas) {
        let (stage, since) = area.current().map_or_else(Default::default, |t| {
            (t.stage.label_ja().to_owned(), t.precision.show_ja(t.on))
        });
        table.add_row([
            area.key.clone(),
            area.name_ja.clone(),
            area.region.as_str().to_owned(),
            stage,
            since,
            area.issues.len().to_string(),
            area.actions().count().to_string(),
        ]);
    }
    println!("{table}");
    Ok(())
}
