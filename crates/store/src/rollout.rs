//! The regional rollout (全県展開): areas, stage history, councils, 課題 and
//! 取組 ([`renkei_core::rollout`]), in the `rollout_*` tables.
//!
//! A file import replaces the rows its prefecture's file wrote before
//! (`origin = 'file'`) and keeps those commands added (`origin = 'command'`);
//! the plan is then read back and checked inside the same transaction, so a
//! file that would orphan a command's record, or break the stage order
//! together with it, writes nothing.

use crate::dialect::Dialect;
use crate::params::{Param, StoredId};
use crate::{StoreError, StoreResult};
use chrono::NaiveDate;
use renkei_core::era::FiscalYear;
use renkei_core::rollout::{
    Action, ActionStatus, Area, CoreHospital, CouncilMember, DatePrecision, Issue, IssueCategory,
    Meeting, MemberCategory, Milestone, ProgressNote, RolloutChange, RolloutPlan, Stage,
    StageTransition,
};
use renkei_core::{FacilityId, MunicipalityCode, PrefectureCode, RegionCode};
use std::collections::BTreeMap;

/// Who wrote a row.
const FILE: &str = "file";
/// Who wrote a row.
const COMMAND: &str = "command";

/// The areas of prefecture `$1`, for the deletes below.
const AREAS_OF: &str = "(SELECT area_key FROM rollout_areas WHERE prefecture = $1)";

/// Deletes what the prefecture's last file wrote, children first.
fn delete_file_rows() -> [String; 9] {
    [
        format!("DELETE FROM rollout_progress_notes WHERE origin = 'file' AND action_key IN \
            (SELECT action_key FROM rollout_actions WHERE issue_key IN \
            (SELECT issue_key FROM rollout_issues WHERE area_key IN {AREAS_OF}))"),
        format!("DELETE FROM rollout_actions WHERE origin = 'file' AND issue_key IN \
            (SELECT issue_key FROM rollout_issues WHERE area_key IN {AREAS_OF})"),
        format!("DELETE FROM rollout_issues WHERE origin = 'file' AND area_key IN {AREAS_OF}"),
        format!("DELETE FROM rollout_stage_transitions WHERE origin = 'file' AND area_key IN {AREAS_OF}"),
        format!("DELETE FROM rollout_council_members WHERE area_key IN {AREAS_OF}"),
        format!("DELETE FROM rollout_meetings WHERE area_key IN {AREAS_OF}"),
        format!("DELETE FROM rollout_core_hospitals WHERE area_key IN {AREAS_OF}"),
        "DELETE FROM rollout_areas WHERE prefecture = $1".to_owned(),
        "DELETE FROM rollout_milestones WHERE prefecture = $1".to_owned(),
    ]
}

const INSERT_AREA: &str = "INSERT INTO rollout_areas (area_key, prefecture, position, name_ja, \
    region_code, municipality_codes, secretariat, source, example) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
const INSERT_HOSPITAL: &str =
    "INSERT INTO rollout_core_hospitals (area_key, position, name, facility_id) \
    VALUES ($1, $2, $3, $4)";
const INSERT_STAGE: &str = "INSERT INTO rollout_stage_transitions (area_key, stage, entered_on, \
    date_precision, reason, recorded_by, source, example, origin) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
const INSERT_MEMBER: &str =
    "INSERT INTO rollout_council_members (area_key, position, organisation, \
    category, example) VALUES ($1, $2, $3, $4, $5)";
const INSERT_MEETING: &str =
    "INSERT INTO rollout_meetings (area_key, position, held_on, date_precision, \
    title, attending, summary, source, example) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
const INSERT_ISSUE: &str = "INSERT INTO rollout_issues (issue_key, area_key, seq, title, category, \
    raised_in, recorded_by, example, origin) \
    VALUES ($1, $2, (SELECT COALESCE(MAX(seq), -1) + 1 FROM rollout_issues), $3, $4, $5, $6, $7, $8)";
const INSERT_ACTION: &str = "INSERT INTO rollout_actions (action_key, issue_key, seq, title, owner, \
    fiscal_year, status, recorded_by, example, origin) \
    VALUES ($1, $2, (SELECT COALESCE(MAX(seq), -1) + 1 FROM rollout_actions), $3, $4, $5, $6, $7, $8, $9)";
const INSERT_NOTE: &str =
    "INSERT INTO rollout_progress_notes (action_key, noted_on, body, status, \
    recorded_by, example, origin) VALUES ($1, $2, $3, $4, $5, $6, $7)";
const INSERT_MILESTONE: &str =
    "INSERT INTO rollout_milestones (prefecture, position, happened_on, \
    date_precision, title, source, example) VALUES ($1, $2, $3, $4, $5, $6, $7)";

const SELECT_AREAS: &str =
    "SELECT area_key, prefecture, name_ja, region_code, municipality_codes, \
    secretariat, source, example FROM rollout_areas ORDER BY prefecture, position";
const SELECT_HOSPITALS: &str =
    "SELECT area_key, name, facility_id FROM rollout_core_hospitals ORDER BY area_key, position";
const SELECT_STAGES: &str =
    "SELECT area_key, stage, entered_on, date_precision, reason, recorded_by, \
    source, example FROM rollout_stage_transitions ORDER BY area_key, entered_on, id";
const SELECT_MEMBERS: &str = "SELECT area_key, organisation, category, example \
    FROM rollout_council_members ORDER BY area_key, position";
const SELECT_MEETINGS: &str =
    "SELECT area_key, held_on, date_precision, title, attending, summary, \
    source, example FROM rollout_meetings ORDER BY area_key, position";
const SELECT_ISSUES: &str =
    "SELECT issue_key, area_key, title, category, raised_in, recorded_by, example \
    FROM rollout_issues ORDER BY seq";
const SELECT_ACTIONS: &str = "SELECT action_key, issue_key, title, owner, fiscal_year, status, \
    recorded_by, example FROM rollout_actions ORDER BY seq";
const SELECT_NOTES: &str = "SELECT action_key, noted_on, body, status, recorded_by, example \
    FROM rollout_progress_notes ORDER BY noted_on, id";
const SELECT_MILESTONES: &str =
    "SELECT prefecture, happened_on, date_precision, title, source, example \
    FROM rollout_milestones ORDER BY prefecture, position";

/// How many rows a file import wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RolloutWritten {
    /// Areas.
    pub areas: u64,
    /// Stage transitions.
    pub transitions: u64,
    /// 課題.
    pub issues: u64,
    /// 取組.
    pub actions: u64,
    /// Every row, all tables together.
    pub rows: u64,
}

fn corrupt(entity: &'static str, key: &str, reason: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt {
        entity,
        key: key.to_owned(),
        reason: reason.to_string(),
    }
}

fn code<T>(
    entity: &'static str,
    key: &str,
    text: &str,
    parse: fn(&str) -> Option<T>,
) -> StoreResult<T> {
    parse(text).ok_or_else(|| corrupt(entity, key, format!("unknown code {text:?}")))
}

fn precision(entity: &'static str, key: &str, text: &str) -> StoreResult<DatePrecision> {
    code(entity, key, text, DatePrecision::from_code)
}

/// Replaces the file rows of `plan`'s prefecture with `plan` inside the
/// transaction `conn`; returns what was written.
pub(crate) async fn replace_file<D: Dialect>(
    conn: &mut D::Connection,
    plan: &RolloutPlan,
) -> StoreResult<RolloutWritten> {
    let prefecture = plan.prefecture.as_str();
    for sql in delete_file_rows() {
        D::execute(conn, &sql, &[&prefecture]).await?;
    }
    let mut written = RolloutWritten::default();
    for (position, area) in (0_i32..).zip(&plan.areas) {
        let municipalities = area
            .municipalities
            .iter()
            .map(MunicipalityCode::as_str)
            .collect::<Vec<_>>()
            .join(" ");
        let args: [&dyn Param; 9] = [
            &area.key.as_str(),
            &prefecture,
            &position,
            &area.name_ja.as_str(),
            &area.region.as_str(),
            &municipalities,
            &area.secretariat.as_deref(),
            &area.source.as_deref(),
            &area.example,
        ];
        written.rows += D::execute(conn, INSERT_AREA, &args).await?;
        written.areas += 1;
        let key = area.key.as_str();
        for (i, hospital) in (0_i32..).zip(&area.core_hospitals) {
            let facility = hospital.facility.map(|id| StoredId(id.0));
            let args: [&dyn Param; 4] = [&key, &i, &hospital.name.as_str(), &facility];
            written.rows += D::execute(conn, INSERT_HOSPITAL, &args).await?;
        }
        for transition in &area.stages {
            written.rows += insert_transition::<D>(conn, key, transition, FILE).await?;
            written.transitions += 1;
        }
        for (i, member) in (0_i32..).zip(&area.members) {
            let args: [&dyn Param; 5] = [
                &key,
                &i,
                &member.organisation.as_str(),
                &member.category.code(),
                &member.example,
            ];
            written.rows += D::execute(conn, INSERT_MEMBER, &args).await?;
        }
        for (i, meeting) in (0_i32..).zip(&area.meetings) {
            let attending = meeting.attending.join("\n");
            let args: [&dyn Param; 9] = [
                &key,
                &i,
                &meeting.held_on,
                &meeting.precision.code(),
                &meeting.title.as_str(),
                &attending,
                &meeting.summary.as_str(),
                &meeting.source.as_deref(),
                &meeting.example,
            ];
            written.rows += D::execute(conn, INSERT_MEETING, &args).await?;
        }
        for issue in &area.issues {
            written.rows += insert_issue::<D>(conn, key, issue, FILE).await?;
            written.issues += 1;
            for action in &issue.actions {
                written.rows += insert_action::<D>(conn, &issue.key, action, FILE).await?;
                written.actions += 1;
                for note in &action.notes {
                    written.rows += insert_note::<D>(conn, &action.key, note, FILE).await?;
                }
            }
        }
    }
    for (i, milestone) in (0_i32..).zip(&plan.milestones) {
        let args: [&dyn Param; 7] = [
            &prefecture,
            &i,
            &milestone.on,
            &milestone.precision.code(),
            &milestone.title.as_str(),
            &milestone.source.as_deref(),
            &milestone.example,
        ];
        written.rows += D::execute(conn, INSERT_MILESTONE, &args).await?;
    }
    Ok(written)
}

async fn insert_transition<D: Dialect>(
    conn: &mut D::Connection,
    area: &str,
    t: &StageTransition,
    origin: &str,
) -> StoreResult<u64> {
    let args: [&dyn Param; 9] = [
        &area,
        &t.stage.code(),
        &t.on,
        &t.precision.code(),
        &t.reason.as_deref(),
        &t.recorded_by.as_deref(),
        &t.source.as_deref(),
        &t.example,
        &origin,
    ];
    D::execute(conn, INSERT_STAGE, &args).await
}

async fn insert_issue<D: Dialect>(
    conn: &mut D::Connection,
    area: &str,
    issue: &Issue,
    origin: &str,
) -> StoreResult<u64> {
    let args: [&dyn Param; 8] = [
        &issue.key.as_str(),
        &area,
        &issue.title.as_str(),
        &issue.category.code(),
        &issue.raised_in.year(),
        &issue.recorded_by.as_deref(),
        &issue.example,
        &origin,
    ];
    D::execute(conn, INSERT_ISSUE, &args).await
}

async fn insert_action<D: Dialect>(
    conn: &mut D::Connection,
    issue: &str,
    action: &Action,
    origin: &str,
) -> StoreResult<u64> {
    let args: [&dyn Param; 9] = [
        &action.key.as_str(),
        &issue,
        &action.title.as_str(),
        &action.owner.as_str(),
        &action.fiscal_year.year(),
        &action.status.code(),
        &action.recorded_by.as_deref(),
        &action.example,
        &origin,
    ];
    D::execute(conn, INSERT_ACTION, &args).await
}

async fn insert_note<D: Dialect>(
    conn: &mut D::Connection,
    action: &str,
    note: &ProgressNote,
    origin: &str,
) -> StoreResult<u64> {
    let args: [&dyn Param; 7] = [
        &action,
        &note.on,
        &note.text.as_str(),
        &note.status.map(ActionStatus::code),
        &note.recorded_by.as_deref(),
        &note.example,
        &origin,
    ];
    D::execute(conn, INSERT_NOTE, &args).await
}

/// Writes the one record a checked command adds, inside the transaction `conn`.
pub(crate) async fn insert_change<D: Dialect>(
    conn: &mut D::Connection,
    change: &RolloutChange,
) -> StoreResult<()> {
    match change {
        RolloutChange::Advance { area, transition } => {
            insert_transition::<D>(conn, area, transition, COMMAND).await?
        }
        RolloutChange::AddIssue { area, issue } => {
            insert_issue::<D>(conn, area, issue, COMMAND).await?
        }
        RolloutChange::AddAction { issue, action } => {
            insert_action::<D>(conn, issue, action, COMMAND).await?
        }
        RolloutChange::AddNote { action, note } => {
            insert_note::<D>(conn, action, note, COMMAND).await?
        }
    };
    Ok(())
}

type AreaRow = (
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    bool,
);
type StageRow = (
    String,
    String,
    NaiveDate,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    bool,
);
type MeetingRow = (
    String,
    NaiveDate,
    String,
    String,
    String,
    String,
    Option<String>,
    bool,
);
type IssueRow = (String, String, String, String, i32, Option<String>, bool);
type ActionRow = (
    String,
    String,
    String,
    String,
    i32,
    String,
    Option<String>,
    bool,
);
type NoteRow = (
    String,
    NaiveDate,
    String,
    Option<String>,
    Option<String>,
    bool,
);
type MilestoneRow = (String, NaiveDate, String, String, Option<String>, bool);

/// Every prefecture's rollout, read inside `conn` (a transaction when it
/// must be one snapshot). A record whose parent is missing (a command's
/// record whose area a later file dropped) is [`StoreError::Corrupt`].
pub(crate) async fn load<D: Dialect>(conn: &mut D::Connection) -> StoreResult<Vec<RolloutPlan>> {
    let mut plans: BTreeMap<String, RolloutPlan> = BTreeMap::new();
    let mut area_of: BTreeMap<String, (String, usize)> = BTreeMap::new();
    for row in D::fetch::<AreaRow>(conn, SELECT_AREAS, &[]).await? {
        let (key, prefecture, name_ja, region, municipalities, secretariat, source, example) = row;
        let plan = plan_for(&mut plans, &prefecture)?;
        let area = Area {
            region: RegionCode::new(region).map_err(|e| corrupt("rollout_area", &key, e))?,
            municipalities: municipalities
                .split_whitespace()
                .map(MunicipalityCode::new)
                .collect::<Result<_, _>>()
                .map_err(|e| corrupt("rollout_area", &key, e))?,
            key: key.clone(),
            name_ja,
            core_hospitals: Vec::new(),
            secretariat,
            stages: Vec::new(),
            members: Vec::new(),
            meetings: Vec::new(),
            issues: Vec::new(),
            source,
            example,
        };
        area_of.insert(key, (prefecture, plan.areas.len()));
        plan.areas.push(area);
    }
    area_children::<D>(conn, &mut plans, &area_of).await?;
    issues::<D>(conn, &mut plans, &area_of).await?;
    for (prefecture, on, prec, title, source, example) in
        D::fetch::<MilestoneRow>(conn, SELECT_MILESTONES, &[]).await?
    {
        let precision = precision("rollout_milestone", &prefecture, &prec)?;
        plan_for(&mut plans, &prefecture)?
            .milestones
            .push(Milestone {
                on,
                precision,
                title,
                source,
                example,
            });
    }
    Ok(plans.into_values().collect())
}

/// Where each area sits in the plans being read: its prefecture and index.
type AreaIndex = BTreeMap<String, (String, usize)>;

/// Reads the core hospitals, stages, council members and meetings into their areas.
async fn area_children<D: Dialect>(
    conn: &mut D::Connection,
    plans: &mut BTreeMap<String, RolloutPlan>,
    area_of: &AreaIndex,
) -> StoreResult<()> {
    for (key, name, facility) in
        D::fetch::<(String, String, Option<StoredId>)>(conn, SELECT_HOSPITALS, &[]).await?
    {
        area_in(plans, area_of, "rollout_core_hospital", &key)?
            .core_hospitals
            .push(CoreHospital {
                name,
                facility: facility.map(|id| FacilityId(id.0)),
            });
    }
    for (key, stage, on, prec, reason, recorded_by, source, example) in
        D::fetch::<StageRow>(conn, SELECT_STAGES, &[]).await?
    {
        let transition = StageTransition {
            stage: code("rollout_stage_transition", &key, &stage, Stage::from_code)?,
            on,
            precision: precision("rollout_stage_transition", &key, &prec)?,
            reason,
            recorded_by,
            source,
            example,
        };
        area_in(plans, area_of, "rollout_stage_transition", &key)?
            .stages
            .push(transition);
    }
    for (key, organisation, category, example) in
        D::fetch::<(String, String, String, bool)>(conn, SELECT_MEMBERS, &[]).await?
    {
        let category = code(
            "rollout_council_member",
            &key,
            &category,
            MemberCategory::from_code,
        )?;
        area_in(plans, area_of, "rollout_council_member", &key)?
            .members
            .push(CouncilMember {
                organisation,
                category,
                example,
            });
    }
    for (key, held_on, prec, title, attending, summary, source, example) in
        D::fetch::<MeetingRow>(conn, SELECT_MEETINGS, &[]).await?
    {
        let meeting = Meeting {
            held_on,
            precision: precision("rollout_meeting", &key, &prec)?,
            title,
            attending: attending.lines().map(str::to_owned).collect(),
            summary,
            source,
            example,
        };
        area_in(plans, area_of, "rollout_meeting", &key)?
            .meetings
            .push(meeting);
    }
    Ok(())
}

/// Reads the 課題, their 取組 and the progress notes into their areas.
async fn issues<D: Dialect>(
    conn: &mut D::Connection,
    plans: &mut BTreeMap<String, RolloutPlan>,
    area_of: &AreaIndex,
) -> StoreResult<()> {
    // Where each 課題 and 取組 sits: (prefecture, area index, issue index[, action index]).
    let mut issue_at: BTreeMap<String, (String, usize, usize)> = BTreeMap::new();
    for (key, area_key, title, category, raised_in, recorded_by, example) in
        D::fetch::<IssueRow>(conn, SELECT_ISSUES, &[]).await?
    {
        let category = code("rollout_issue", &key, &category, IssueCategory::from_code)?;
        let owner = area_in(plans, area_of, "rollout_issue", &area_key)?;
        let (prefecture, i) = area_of[&area_key].clone();
        issue_at.insert(key.clone(), (prefecture, i, owner.issues.len()));
        owner.issues.push(Issue {
            key,
            title,
            category,
            raised_in: FiscalYear::new(raised_in),
            actions: Vec::new(),
            recorded_by,
            example,
        });
    }
    let mut action_at: BTreeMap<String, (String, usize, usize, usize)> = BTreeMap::new();
    for (key, issue_key, title, owner, fiscal_year, status, recorded_by, example) in
        D::fetch::<ActionRow>(conn, SELECT_ACTIONS, &[]).await?
    {
        let status = code("rollout_action", &key, &status, ActionStatus::from_code)?;
        let (prefecture, a, i) = issue_at
            .get(&issue_key)
            .cloned()
            .ok_or_else(|| corrupt("rollout_action", &key, "its 課題 is not in the rollout"))?;
        let issue = &mut plans.get_mut(&prefecture).expect("read").areas[a].issues[i];
        action_at.insert(key.clone(), (prefecture, a, i, issue.actions.len()));
        issue.actions.push(Action {
            key,
            title,
            owner,
            fiscal_year: FiscalYear::new(fiscal_year),
            status,
            notes: Vec::new(),
            recorded_by,
            example,
        });
    }
    for (key, on, text, status, recorded_by, example) in
        D::fetch::<NoteRow>(conn, SELECT_NOTES, &[]).await?
    {
        let status = status
            .map(|s| code("rollout_progress_note", &key, &s, ActionStatus::from_code))
            .transpose()?;
        let (prefecture, a, i, j) = action_at.get(&key).cloned().ok_or_else(|| {
            corrupt(
                "rollout_progress_note",
                &key,
                "its 取組 is not in the rollout",
            )
        })?;
        let action = &mut plans.get_mut(&prefecture).expect("read").areas[a].issues[i].actions[j];
        if let Some(status) = status {
            action.status = status;
        }
        action.notes.push(ProgressNote {
            on,
            text,
            status,
            recorded_by,
            example,
        });
    }
    Ok(())
}

/// The area `key` of `plans`, located through `area_of`.
fn area_in<'a>(
    plans: &'a mut BTreeMap<String, RolloutPlan>,
    area_of: &BTreeMap<String, (String, usize)>,
    entity: &'static str,
    key: &str,
) -> StoreResult<&'a mut Area> {
    let (prefecture, i) = area_of
        .get(key)
        .ok_or_else(|| corrupt(entity, key, "its area is not in the rollout"))?;
    Ok(&mut plans
        .get_mut(prefecture)
        .expect("plan of a read area")
        .areas[*i])
}

fn plan_for<'a>(
    plans: &'a mut BTreeMap<String, RolloutPlan>,
    prefecture: &str,
) -> StoreResult<&'a mut RolloutPlan> {
    if !plans.contains_key(prefecture) {
        let code =
            PrefectureCode::new(prefecture).map_err(|e| corrupt("rollout_area", prefecture, e))?;
        plans.insert(
            prefecture.to_owned(),
            RolloutPlan {
                prefecture: code,
                areas: Vec::new(),
                milestones: Vec::new(),
            },
        );
    }
    Ok(plans.get_mut(prefecture).expect("inserted"))
}
