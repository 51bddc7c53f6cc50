//! `/api/v1/rollout/…`: the regional rollout (全県展開), read-only. Writes
//! are CLI commands until staff accounts protect them.
//!
//! Public output names organisations only; who recorded a record (an account
//! label) is never sent.

use crate::error::{ApiError, ApiResult};
use crate::export::csv_table_response;
use crate::extract::{AppJson, AppPath, AppQuery};
use crate::params::choice;
use crate::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono::NaiveDate;
use renkei_core::rollout::{
    actions_by_status, Action, ActionStatus, Area, DatePrecision, Issue, Milestone, ProgressNote,
    RolloutPlan, Stage, StageTransition,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};

/// Routes of this area, relative to `/api/v1`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/rollout/stages", get(list_stages))
        .route("/rollout/areas", get(list_areas))
        .route("/rollout/areas/{key}", get(get_area))
        .route("/rollout/areas/{key}/council", get(get_council))
        .route("/rollout/issues", get(list_issues))
}

/// A stage of the rollout.
#[derive(Debug, Serialize, ToSchema)]
pub struct StageDto {
    /// Code, e.g. `council_set_up`.
    pub code: &'static str,
    /// Japanese label, e.g. 「① 会議の設置」.
    pub label_ja: &'static str,
    /// English label.
    pub label_en: &'static str,
    /// Place in the order, 0 = 働きかけ.
    pub position: usize,
}

/// The stages in order.
#[derive(Debug, Serialize, ToSchema)]
pub struct StageList {
    /// Stages, first to last.
    pub items: Vec<StageDto>,
}

fn stage_dto(stage: Stage) -> StageDto {
    StageDto {
        code: stage.code(),
        label_ja: stage.label_ja(),
        label_en: stage.label_en(),
        position: stage.position(),
    }
}

/// A date as the rollout knows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct WhenDto {
    /// ISO 8601 date (1 April of the 年度 when only the 年度 is known).
    pub date: NaiveDate,
    /// `day` or `fiscal_year`.
    pub precision: &'static str,
    /// The fiscal year (the calendar year it starts in).
    pub fiscal_year: i32,
    /// 「2014年度（平成26年度）」.
    pub fiscal_year_ja: String,
    /// How a reader sees it: 「2022年5月31日」 or 「2014年度（平成26年度）」.
    pub label_ja: String,
}

fn when(on: NaiveDate, precision: DatePrecision) -> WhenDto {
    let fiscal = renkei_core::era::FiscalYear::of(on);
    WhenDto {
        date: on,
        precision: precision.code(),
        fiscal_year: fiscal.year(),
        fiscal_year_ja: fiscal.label_ja(),
        label_ja: precision.show_ja(on),
    }
}

/// An area entering a stage.
#[derive(Debug, Serialize, ToSchema)]
pub struct TransitionDto {
    /// The stage.
    pub stage: StageDto,
    /// When.
    pub when: WhenDto,
    /// Why (given when the area moved back).
    pub reason: Option<String>,
    /// Public source stating it.
    pub source: Option<String>,
    /// An authored example, not stated by a cited source (例).
    pub example: bool,
}

fn transition_dto(t: &StageTransition) -> TransitionDto {
    TransitionDto {
        stage: stage_dto(t.stage),
        when: when(t.on, t.precision),
        reason: t.reason.clone(),
        source: t.source.clone(),
        example: t.example,
    }
}

/// How many 取組 have one status.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatusCount {
    /// Status code.
    pub status: &'static str,
    /// Japanese label.
    pub label_ja: &'static str,
    /// 取組 with it.
    pub count: usize,
}

fn status_counts<'a>(actions: impl Iterator<Item = &'a Action>) -> Vec<StatusCount> {
    actions_by_status(actions)
        .into_iter()
        .map(|(status, count)| StatusCount {
            status: status.code(),
            label_ja: status.label_ja(),
            count,
        })
        .collect()
}

/// A core hospital of an area.
#[derive(Debug, Serialize, ToSchema)]
pub struct CoreHospitalDto {
    /// Its name.
    pub name: String,
    /// The directory facility (`/api/v1/facilities/{id}`), when linked.
    pub facility_id: Option<String>,
}

/// Indicators of the area's 二次医療圏 (the whole region's, also for a sub-area).
#[derive(Debug, Serialize, ToSchema)]
pub struct RegionIndicatorsDto {
    /// The region's name.
    pub name_ja: String,
    /// Children under 15 (persons), when the population is loaded.
    pub under_15: Option<u64>,
    /// Active facilities in the region.
    pub facilities: u64,
    /// Active facilities by kind code.
    pub facilities_by_kind: BTreeMap<String, u64>,
    /// Facilities per 10,000 children under 15.
    pub facilities_per_10k_children: Option<f64>,
}

/// An area with its current stage and timeline.
#[derive(Debug, Serialize, ToSchema)]
pub struct AreaDto {
    /// Key, e.g. `chigasaki`.
    pub key: String,
    /// Name, e.g. 茅ヶ崎・寒川.
    pub name_ja: String,
    /// Prefecture code (2 digits).
    pub prefecture: String,
    /// 二次医療圏 code (4 digits).
    pub region: String,
    /// Municipality codes when the area is a part of the region (empty: all of it).
    pub municipalities: Vec<String>,
    /// Core hospitals.
    pub core_hospitals: Vec<CoreHospitalDto>,
    /// The organisation running the council (事務局).
    pub secretariat: Option<String>,
    /// The stage now (the last transition); none before the first.
    pub current: Option<TransitionDto>,
    /// Every transition, oldest first.
    pub timeline: Vec<TransitionDto>,
    /// 課題 recorded.
    pub issues: usize,
    /// 取組 by status.
    pub actions_by_status: Vec<StatusCount>,
    /// The region's directory and population indicators.
    pub region_indicators: Option<RegionIndicatorsDto>,
    /// Public source of the area's definition.
    pub source: Option<String>,
    /// Whether its definition is an authored example (例).
    pub example: bool,
}

/// The regions' indicators by code ([`renkei_app::rollout::region_indicators`]).
type Indicators = BTreeMap<String, renkei_app::rollout::RegionIndicators>;

fn area_dto(indicators: &Indicators, plan: &RolloutPlan, area: &Area) -> AreaDto {
    AreaDto {
        key: area.key.clone(),
        name_ja: area.name_ja.clone(),
        prefecture: plan.prefecture.as_str().to_owned(),
        region: area.region.as_str().to_owned(),
        municipalities: area
            .municipalities
            .iter()
            .map(|m| m.as_str().to_owned())
            .collect(),
        core_hospitals: area
            .core_hospitals
            .iter()
            .map(|h| CoreHospitalDto {
                name: h.name.clone(),
                facility_id: h.facility.map(|id| id.to_string()),
            })
            .collect(),
        secretariat: area.secretariat.clone(),
        current: area.current().map(transition_dto),
        timeline: area.stages.iter().map(transition_dto).collect(),
        issues: area.issues.len(),
        actions_by_status: status_counts(area.actions().map(|(_, a)| a)),
        region_indicators: indicators
            .get(area.region.as_str())
            .map(|r| RegionIndicatorsDto {
                name_ja: r.name_ja.clone(),
                under_15: r.under_15,
                facilities: r.facilities,
                facilities_by_kind: r.facilities_by_kind.clone(),
                facilities_per_10k_children: r.facilities_per_10k_children,
            }),
        source: area.source.clone(),
        example: area.example,
    }
}

/// A prefecture-level milestone.
#[derive(Debug, Serialize, ToSchema)]
pub struct MilestoneDto {
    /// Prefecture code.
    pub prefecture: String,
    /// When.
    pub when: WhenDto,
    /// What happened.
    pub title: String,
    /// Public source stating it.
    pub source: Option<String>,
    /// An authored example (例).
    pub example: bool,
}

fn milestone_dto(plan: &RolloutPlan, m: &Milestone) -> MilestoneDto {
    MilestoneDto {
        prefecture: plan.prefecture.as_str().to_owned(),
        when: when(m.on, m.precision),
        title: m.title.clone(),
        source: m.source.clone(),
        example: m.example,
    }
}

/// The areas of the rollout and the prefecture-level milestones.
#[derive(Debug, Serialize, ToSchema)]
pub struct AreaList {
    /// Areas, prefecture by prefecture in their file's order.
    pub items: Vec<AreaDto>,
    /// Milestones, oldest first.
    pub milestones: Vec<MilestoneDto>,
    /// 取組 of all the areas by status.
    pub actions_by_status: Vec<StatusCount>,
}

/// Query of `/rollout/areas` and `/rollout/issues`.
#[derive(Debug, Deserialize, IntoParams)]
pub struct RolloutQuery {
    /// Only this prefecture (2 digits), e.g. `14`.
    pub prefecture: Option<String>,
    /// `/rollout/issues` only: only this area's key.
    pub area: Option<String>,
    /// `/rollout/issues` only: `json` (default) or `csv` (UTF-8 with BOM).
    pub format: Option<String>,
}

/// The stages every area goes through, in order (展開の段階).
#[utoipa::path(
    get,
    path = "/api/v1/rollout/stages",
    tag = "rollout",
    responses((status = 200, description = "Stages in order / 段階", body = StageList))
)]
pub async fn list_stages() -> AppJson<StageList> {
    AppJson(StageList {
        items: Stage::ALL.into_iter().map(stage_dto).collect(),
    })
}

/// Rollout areas with their current stage, timeline, counts of 課題 and 取組
/// and the region's indicators (全県展開の地域).
#[utoipa::path(
    get,
    path = "/api/v1/rollout/areas",
    tag = "rollout",
    params(RolloutQuery),
    responses(
        (status = 200, description = "Areas and milestones / 地域と県の動き", body = AreaList),
        (status = 400, description = "Bad `prefecture` / パラメータが不正です", body = crate::error::ErrorBody),
    )
)]
pub async fn list_areas(
    State(state): State<AppState>,
    AppQuery(query): AppQuery<RolloutQuery>,
) -> ApiResult<AppJson<AreaList>> {
    let plans =
        renkei_app::rollout::plans(state.store.as_ref(), query.prefecture.as_deref()).await?;
    let indicators = renkei_app::rollout::region_indicators(&state.index.snapshot());
    let areas = plans
        .iter()
        .flat_map(|p| p.areas.iter().map(move |a| (p, a)));
    Ok(AppJson(AreaList {
        items: areas
            .clone()
            .map(|(p, a)| area_dto(&indicators, p, a))
            .collect(),
        milestones: plans
            .iter()
            .flat_map(|p| p.milestones.iter().map(move |m| milestone_dto(p, m)))
            .collect(),
        actions_by_status: status_counts(
            areas.flat_map(|(_, a)| a.actions().map(|(_, action)| action)),
        ),
    }))
}

/// A council member.
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberDto {
    /// The organisation.
    pub organisation: String,
    /// Category code.
    pub category: &'static str,
    /// Category label, e.g. 医師会.
    pub category_ja: &'static str,
    /// An authored example (例).
    pub example: bool,
}

/// A council meeting.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeetingDto {
    /// When it was held.
    pub when: WhenDto,
    /// Title.
    pub title: String,
    /// Attending organisations.
    pub attending: Vec<String>,
    /// Summary.
    pub summary: String,
    /// Public source stating it.
    pub source: Option<String>,
    /// An authored example (例).
    pub example: bool,
}

/// An area's council (協議の場).
#[derive(Debug, Serialize, ToSchema)]
pub struct CouncilDto {
    /// Member organisations.
    pub members: Vec<MemberDto>,
    /// Meetings, oldest first.
    pub meetings: Vec<MeetingDto>,
}

fn council_dto(area: &Area) -> CouncilDto {
    CouncilDto {
        members: area
            .members
            .iter()
            .map(|m| MemberDto {
                organisation: m.organisation.clone(),
                category: m.category.code(),
                category_ja: m.category.label_ja(),
                example: m.example,
            })
            .collect(),
        meetings: area
            .meetings
            .iter()
            .map(|m| MeetingDto {
                when: when(m.held_on, m.precision),
                title: m.title.clone(),
                attending: m.attending.clone(),
                summary: m.summary.clone(),
                source: m.source.clone(),
                example: m.example,
            })
            .collect(),
    }
}

/// A progress note (進捗確認).
#[derive(Debug, Serialize, ToSchema)]
pub struct NoteDto {
    /// When.
    pub when: WhenDto,
    /// What was found or changed.
    pub text: String,
    /// The status the 取組 took with it.
    pub status: Option<&'static str>,
    /// An authored example (例).
    pub example: bool,
}

/// A 取組 (action).
#[derive(Debug, Serialize, ToSchema)]
pub struct ActionDto {
    /// Key.
    pub key: String,
    /// What is done.
    pub title: String,
    /// The organisation carrying it out.
    pub owner: String,
    /// The 年度 it is for (the calendar year it starts in).
    pub fiscal_year: i32,
    /// 「2015年度（平成27年度）」.
    pub fiscal_year_ja: String,
    /// Status code.
    pub status: &'static str,
    /// Status label.
    pub status_ja: &'static str,
    /// Progress notes, oldest first.
    pub notes: Vec<NoteDto>,
    /// An authored example (例).
    pub example: bool,
}

/// A 課題 (problem) with its 取組.
#[derive(Debug, Serialize, ToSchema)]
pub struct IssueDto {
    /// The area's key.
    pub area: String,
    /// Key.
    pub key: String,
    /// The problem.
    pub title: String,
    /// Category code.
    pub category: &'static str,
    /// Category label, e.g. 災害時.
    pub category_ja: &'static str,
    /// The 年度 it was raised.
    pub raised_in: i32,
    /// 「2014年度（平成26年度）」.
    pub raised_in_ja: String,
    /// Its 取組.
    pub actions: Vec<ActionDto>,
    /// An authored example (例).
    pub example: bool,
}

fn note_dto(note: &ProgressNote) -> NoteDto {
    NoteDto {
        when: when(note.on, DatePrecision::Day),
        text: note.text.clone(),
        status: note.status.map(ActionStatus::code),
        example: note.example,
    }
}

fn issue_dto(area: &Area, issue: &Issue) -> IssueDto {
    IssueDto {
        area: area.key.clone(),
        key: issue.key.clone(),
        title: issue.title.clone(),
        category: issue.category.code(),
        category_ja: issue.category.label_ja(),
        raised_in: issue.raised_in.year(),
        raised_in_ja: issue.raised_in.label_ja(),
        actions: issue
            .actions
            .iter()
            .map(|a| ActionDto {
                key: a.key.clone(),
                title: a.title.clone(),
                owner: a.owner.clone(),
                fiscal_year: a.fiscal_year.year(),
                fiscal_year_ja: a.fiscal_year.label_ja(),
                status: a.status.code(),
                status_ja: a.status.label_ja(),
                notes: a.notes.iter().map(note_dto).collect(),
                example: a.example,
            })
            .collect(),
        example: issue.example,
    }
}

/// One area in full: stages, council, 課題 and 取組.
#[derive(Debug, Serialize, ToSchema)]
pub struct AreaDetail {
    /// The area with its timeline and counts.
    pub area: AreaDto,
    /// Its council.
    pub council: CouncilDto,
    /// Its 課題 with their 取組.
    pub issues: Vec<IssueDto>,
}

/// One rollout area in full (地域の詳細).
#[utoipa::path(
    get,
    path = "/api/v1/rollout/areas/{key}",
    tag = "rollout",
    params(("key" = String, Path, description = "Area key, e.g. `chigasaki`")),
    responses(
        (status = 200, description = "The area / 地域", body = AreaDetail),
        (status = 404, description = "No such area / 地域が見つかりません", body = crate::error::ErrorBody),
    )
)]
pub async fn get_area(
    State(state): State<AppState>,
    AppPath(key): AppPath<String>,
) -> ApiResult<AppJson<AreaDetail>> {
    let (plan, area) = renkei_app::rollout::area(state.store.as_ref(), &key).await?;
    Ok(AppJson(AreaDetail {
        area: area_dto(
            &renkei_app::rollout::region_indicators(&state.index.snapshot()),
            &plan,
            &area,
        ),
        council: council_dto(&area),
        issues: area.issues.iter().map(|i| issue_dto(&area, i)).collect(),
    }))
}

/// An area's council: member organisations and meetings (協議の場).
#[utoipa::path(
    get,
    path = "/api/v1/rollout/areas/{key}/council",
    tag = "rollout",
    params(("key" = String, Path, description = "Area key, e.g. `chigasaki`")),
    responses(
        (status = 200, description = "The council / 協議の場", body = CouncilDto),
        (status = 404, description = "No such area / 地域が見つかりません", body = crate::error::ErrorBody),
    )
)]
pub async fn get_council(
    State(state): State<AppState>,
    AppPath(key): AppPath<String>,
) -> ApiResult<AppJson<CouncilDto>> {
    let (_, area) = renkei_app::rollout::area(state.store.as_ref(), &key).await?;
    Ok(AppJson(council_dto(&area)))
}

/// 課題 with their 取組 and counts by status.
#[derive(Debug, Serialize, ToSchema)]
pub struct IssueList {
    /// 課題, area by area.
    pub items: Vec<IssueDto>,
    /// Their 取組 by status.
    pub actions_by_status: Vec<StatusCount>,
}

/// 課題 and 取組, as JSON or as a CSV table (課題と取組).
#[utoipa::path(
    get,
    path = "/api/v1/rollout/issues",
    tag = "rollout",
    params(RolloutQuery),
    responses(
        (status = 200, description = "課題 and 取組 / 課題と取組 (JSON, or CSV with `format=csv`)", content(
            (IssueList = "application/json"),
            (String = "text/csv"),
        )),
        (status = 400, description = "Bad parameter / パラメータが不正です", body = crate::error::ErrorBody),
        (status = 404, description = "No such area / 地域が見つかりません", body = crate::error::ErrorBody),
    )
)]
pub async fn list_issues(
    State(state): State<AppState>,
    AppQuery(query): AppQuery<RolloutQuery>,
) -> ApiResult<Response> {
    let csv = choice("format", query.format.as_deref(), &["json", "csv"])? == 1;
    let mut plans =
        renkei_app::rollout::plans(state.store.as_ref(), query.prefecture.as_deref()).await?;
    if let Some(key) = query.area.as_deref() {
        if !plans.iter().any(|p| p.area(key).is_ok()) {
            return Err(ApiError::NotFound {
                entity: "rollout area",
                id: key.to_owned(),
            });
        }
        for plan in &mut plans {
            plan.areas.retain(|a| a.key == key);
        }
    }
    if csv {
        let rows = renkei_app::rollout::issue_table_rows(&plans);
        return csv_table_response(
            &renkei_app::rollout::issue_table_header(),
            rows.into_iter(),
            "rollout-issues.csv",
        );
    }
    let areas = plans.iter().flat_map(|p| &p.areas);
    Ok(AppJson(IssueList {
        items: areas
            .clone()
            .flat_map(|a| a.issues.iter().map(move |i| issue_dto(a, i)))
            .collect(),
        actions_by_status: status_counts(areas.flat_map(|a| a.actions().map(|(_, x)| x))),
    })
    .into_response())
}
