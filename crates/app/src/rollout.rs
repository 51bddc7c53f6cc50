//! The regional rollout (全県展開): the read queries both front doors serve
//! and the write commands the CLI runs (`renkei rollout advance|issue|action|note`).
//!
//! Commands take plain "who" fields (an organisation name or account label),
//! stored with the record; they become the staff account's organisation once
//! accounts exist. Each command is one store transaction that checks the
//! change against the stored rollout ([`Store::change_rollout`]).

use crate::error::{AppError, AppResult};
use chrono::NaiveDate;
use renkei_core::era::FiscalYear;
use renkei_core::rollout::{
    Action, ActionStatus, Area, DatePrecision, Issue, IssueCategory, ProgressNote, RolloutChange,
    RolloutPlan, Stage, StageTransition,
};
use renkei_store::{Store, StoreError};

/// Runs one command in the store; a refusal becomes [`AppError::Rollout`].
async fn change(store: &dyn Store, change: RolloutChange) -> AppResult<()> {
    store
        .change_rollout(&change)
        .await
        .map_err(|error| match error {
            StoreError::Rollout(refused) => AppError::Rollout(refused),
            other => AppError::Store(other),
        })
}

/// Every prefecture's rollout, or only `prefecture`'s (2 digits).
pub async fn plans(store: &dyn Store, prefecture: Option<&str>) -> AppResult<Vec<RolloutPlan>> {
    if let Some(code) = prefecture {
        renkei_core::PrefectureCode::new(code).map_err(|e| AppError::Invalid {
            field: "prefecture",
            ja: "都道府県コードは2桁の数字で指定してください".to_owned(),
            en: e.to_string(),
        })?;
    }
    let mut plans = store.rollout_plans().await?;
    plans.retain(|plan| prefecture.is_none_or(|code| plan.prefecture.as_str() == code));
    Ok(plans)
}

/// The area `key`, with its prefecture's plan.
pub async fn area(store: &dyn Store, key: &str) -> AppResult<(RolloutPlan, Area)> {
    store
        .rollout_plans()
        .await?
        .into_iter()
        .find_map(|plan| {
            let area = plan.area(key).ok()?.clone();
            Some((plan, area))
        })
        .ok_or_else(|| AppError::NotFound {
            entity: "rollout area",
            id: key.to_owned(),
        })
}

/// Column headers of the 課題・取組 table (CSV export).
#[must_use]
pub fn issue_table_header() -> Vec<String> {
    [
        "地域キー (area)",
        "地域 (area_name)",
        "二次医療圏 (region)",
        "現在の段階 (stage)",
        "課題キー (issue)",
        "課題 (issue_title)",
        "分野 (category)",
        "提起年度 (raised_in)",
        "取組キー (action)",
        "取組 (action_title)",
        "実施機関 (owner)",
        "年度 (fiscal_year)",
        "状況 (status)",
        "進捗 (latest_note)",
        "例 (example)",
    ]
    .map(str::to_owned)
    .to_vec()
}

/// One row per 取組 (a 課題 without 取組 has one row with the 取組 columns empty).
#[must_use]
pub fn issue_table_rows(plans: &[RolloutPlan]) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for area in plans.iter().flat_map(|p| &p.areas) {
        let stage = area
            .current()
            .map(|t| t.stage.label_ja().to_owned())
            .unwrap_or_default();
        for issue in &area.issues {
            let head = vec![
                area.key.clone(),
                area.name_ja.clone(),
                area.region.as_str().to_owned(),
                stage.clone(),
                issue.key.clone(),
                issue.title.clone(),
                issue.category.label_ja().to_owned(),
                issue.raised_in.label_ja(),
            ];
            if issue.actions.is_empty() {
                let mut row = head.clone();
                row.extend(std::iter::repeat_n(String::new(), 6));
                row.push(yes(issue.example));
                rows.push(row);
            }
            for action in &issue.actions {
                let mut row = head.clone();
                row.extend([
                    action.key.clone(),
                    action.title.clone(),
                    action.owner.clone(),
                    action.fiscal_year.label_ja(),
                    action.status.label_ja().to_owned(),
                    action
                        .notes
                        .last()
                        .map(|n| format!("{} {}", n.on, n.text))
                        .unwrap_or_default(),
                    yes(issue.example || action.example),
                ]);
                rows.push(row);
            }
        }
    }
    rows
}

fn yes(example: bool) -> String {
    if example { "例" } else { "" }.to_owned()
}

/// Who made a change and when: the plain fields every command takes.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// The organisation or account label making the change.
    pub by: String,
    /// The date it happened (Asia/Tokyo).
    pub on: NaiveDate,
}

fn who(recorded: &Recorded) -> AppResult<Option<String>> {
    let by = recorded.by.trim();
    if by.is_empty() {
        return Err(AppError::Invalid {
            field: "by",
            ja: "記録する機関名（または アカウント名）を指定してください".to_owned(),
            en: "give the organisation (or account label) recording the change".to_owned(),
        });
    }
    Ok(Some(by.to_owned()))
}

/// Moves `area` to `stage` on `recorded.on`; `reason` is required to move back.
pub async fn advance(
    store: &dyn Store,
    area: &str,
    stage: Stage,
    reason: Option<String>,
    recorded: &Recorded,
) -> AppResult<()> {
    let transition = StageTransition {
        stage,
        on: recorded.on,
        precision: DatePrecision::Day,
        reason,
        recorded_by: who(recorded)?,
        source: None,
        example: false,
    };
    let add = RolloutChange::Advance {
        area: area.to_owned(),
        transition,
    };
    change(store, add).await
}

/// Adds a 課題 to `area`, raised in the 年度 of `recorded.on`.
pub async fn add_issue(
    store: &dyn Store,
    area: &str,
    key: &str,
    title: &str,
    category: IssueCategory,
    recorded: &Recorded,
) -> AppResult<()> {
    let issue = Issue {
        key: key.to_owned(),
        title: title.to_owned(),
        category,
        raised_in: FiscalYear::of(recorded.on),
        actions: Vec::new(),
        recorded_by: who(recorded)?,
        example: false,
    };
    let add = RolloutChange::AddIssue {
        area: area.to_owned(),
        issue,
    };
    change(store, add).await
}

/// What a new 取組 is.
#[derive(Debug, Clone)]
pub struct NewAction {
    /// Its key, unique in the prefecture's rollout.
    pub key: String,
    /// What is done.
    pub title: String,
    /// The organisation carrying it out.
    pub owner: String,
    /// The 年度 it is for.
    pub fiscal_year: FiscalYear,
    /// Where it stands.
    pub status: ActionStatus,
}

/// Adds a 取組 to the 課題 `issue`.
pub async fn add_action(
    store: &dyn Store,
    issue: &str,
    action: NewAction,
    recorded: &Recorded,
) -> AppResult<()> {
    let add = RolloutChange::AddAction {
        issue: issue.to_owned(),
        action: Action {
            key: action.key,
            title: action.title,
            owner: action.owner,
            fiscal_year: action.fiscal_year,
            status: action.status,
            notes: Vec::new(),
            recorded_by: who(recorded)?,
            example: false,
        },
    };
    change(store, add).await
}

/// Adds a progress note (進捗確認) to the 取組 `action`, with its new status if it changed.
pub async fn add_note(
    store: &dyn Store,
    action: &str,
    text: &str,
    status: Option<ActionStatus>,
    recorded: &Recorded,
) -> AppResult<()> {
    let add = RolloutChange::AddNote {
        action: action.to_owned(),
        note: ProgressNote {
            on: recorded.on,
            text: text.to_owned(),
            status,
            recorded_by: who(recorded)?,
            example: false,
        },
    };
    change(store, add).await
}

/// Indicators of an area's 二次医療圏 from the directory and the
/// population (as `/api/v1/regions` gives them), shown beside its rollout.
/// They are the whole region's, also for an area that is a part of it.
#[derive(Debug, Clone, PartialEq)]
pub struct RegionIndicators {
    /// The region's name.
    pub name_ja: String,
    /// Children under 15 (persons), when the population is loaded.
    pub under_15: Option<u64>,
    /// Active facilities placed in the region, by kind code.
    pub facilities_by_kind: std::collections::BTreeMap<String, u64>,
    /// Active facilities in all.
    pub facilities: u64,
    /// Facilities per 10,000 children under 15, when both are known.
    pub facilities_per_10k_children: Option<f64>,
}

/// The indicators of every 二次医療圏 loaded in `snapshot`, by code (one
/// pass over the directory, however many areas a response lists).
#[must_use]
pub fn region_indicators(
    snapshot: &crate::Snapshot,
) -> std::collections::BTreeMap<String, RegionIndicators> {
    crate::regions::list_regions(snapshot)
        .items
        .into_iter()
        .map(|summary| {
            let facilities: u64 = summary.facilities_by_kind.values().sum();
            let under_15 = summary.population.under_15;
            #[expect(
                clippy::cast_precision_loss,
                reason = "counts of facilities and children are far below 2^52"
            )]
            let per_10k = under_15
                .filter(|n| *n > 0)
                .map(|n| facilities as f64 * 10_000.0 / n as f64);
            let indicators = RegionIndicators {
                name_ja: summary.region.name_ja.clone(),
                under_15,
                facilities_by_kind: summary
                    .facilities_by_kind
                    .into_iter()
                    .map(|(kind, n)| (kind.as_str().to_owned(), n))
                    .collect(),
                facilities,
                facilities_per_10k_children: per_10k,
            };
            (summary.region.code.as_str().to_owned(), indicators)
        })
        .collect()
}

/// What the annual progress report of `prefecture`'s rollout shows, up to
/// the end of `fiscal_year`, made on `created_on` (render it with
/// [`renkei_print::render_rollout_report`], off the async threads).
pub async fn progress_report(
    store: &dyn Store,
    prefecture: &str,
    fiscal_year: FiscalYear,
    created_on: NaiveDate,
) -> AppResult<renkei_print::RolloutReport> {
    let plan = plans(store, Some(prefecture))
        .await?
        .pop()
        .ok_or_else(|| AppError::NotFound {
            entity: "rollout of prefecture",
            id: prefecture.to_owned(),
        })?;
    let region_names = store
        .region_tables()
        .await?
        .iter()
        .filter(|table| table.prefecture().code == plan.prefecture)
        .flat_map(renkei_core::region::RegionTable::regions)
        .map(|region| (region.code.as_str().to_owned(), region.name_ja.clone()))
        .collect();
    Ok(renkei_print::RolloutReport {
        prefecture_name: plan.prefecture.name().to_owned(),
        plan,
        region_names,
        fiscal_year,
        created_on,
    })
}

/// Renders a progress report as PDF.
pub fn render_report(
    report: &renkei_print::RolloutReport,
    fonts: &renkei_print::Fonts,
) -> AppResult<Vec<u8>> {
    renkei_print::render_rollout_report(report, fonts).map_err(|error| AppError::Print {
        field: "prefecture",
        error,
    })
}
