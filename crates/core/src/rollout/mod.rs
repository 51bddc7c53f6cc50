//! The regional rollout (全県展開) of a prefecture's model of pediatric home
//! care: per area (a 二次医療圏 or a named group of municipalities within
//! one), its core hospitals, secretariat (事務局), stage history, council
//! (協議の場) with member organisations and meetings, and its 課題 (problems)
//! with the 取組 (actions) that answer them, year by year.
//!
//! Everything here names organisations, never people or families. Stage
//! order is kept by [`check_transition`]; the commands ([`RolloutPlan::advance`],
//! [`RolloutPlan::add_issue`] …) check what they change before a store writes it.

mod stage;

pub use stage::{
    check_history, check_transition, DatePrecision, Stage, StageError, StageTransition,
};

use crate::era::FiscalYear;
use crate::{FacilityId, MunicipalityCode, PrefectureCode, RegionCode};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

macro_rules! category {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = ($code:literal, $ja:literal)),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vdoc])* $variant),+
        }

        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// Stored and API code.
            #[must_use]
            pub fn code(self) -> &'static str {
                match self { $(Self::$variant => $code),+ }
            }

            /// Japanese label.
            #[must_use]
            pub fn label_ja(self) -> &'static str {
                match self { $(Self::$variant => $ja),+ }
            }

            /// The value with this code.
            #[must_use]
            pub fn from_code(code: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.code() == code)
            }
        }
    };
}

category! {
    /// What kind of organisation a council member is.
    MemberCategory {
        /// 中核病院: the area's core hospital.
        CoreHospital = ("core_hospital", "中核病院"),
        /// 医師会: doctors' association.
        MedicalAssociation = ("medical_association", "医師会"),
        /// 診療所: clinics, home-visit doctors.
        Clinic = ("clinic", "診療所"),
        /// 訪問看護: visiting-nurse stations.
        VisitingNurse = ("visiting_nurse", "訪問看護"),
        /// 行政: municipalities, 保健福祉事務所.
        Administration = ("administration", "行政"),
        /// 教育機関: special-needs schools, education boards.
        Education = ("education", "教育機関"),
        /// 専門機関: specialist bodies (こども医療センター …).
        Specialist = ("specialist", "専門機関"),
        /// 福祉事業者: disability-welfare providers.
        Welfare = ("welfare", "福祉事業者"),
        /// 当事者団体: families' organisations.
        FamilyGroup = ("family_group", "当事者団体"),
        /// その他.
        Other = ("other", "その他"),
    }
}

category! {
    /// The field a 課題 belongs to.
    IssueCategory {
        /// 医療.
        Medical = ("medical", "医療"),
        /// 福祉.
        Welfare = ("welfare", "福祉"),
        /// 教育.
        Education = ("education", "教育"),
        /// 家族支援.
        FamilySupport = ("family_support", "家族支援"),
        /// 災害時.
        Disaster = ("disaster", "災害時"),
        /// 情報提供 (families' most common complaint is missing information).
        Information = ("information", "情報提供"),
        /// 人材育成.
        Workforce = ("workforce", "人材育成"),
        /// 連携体制.
        Coordination = ("coordination", "連携体制"),
        /// その他.
        Other = ("other", "その他"),
    }
}

category! {
    /// Where a 取組 stands.
    ActionStatus {
        /// 計画中: adopted, not started.
        Planned = ("planned", "計画中"),
        /// 実施中.
        InProgress = ("in_progress", "実施中"),
        /// 完了.
        Done = ("done", "完了"),
        /// 見直し: being changed (追加・変更).
        Revising = ("revising", "見直し中"),
        /// 中止.
        Stopped = ("stopped", "中止"),
    }
}

/// A core hospital of an area: a directory facility when it is in the
/// directory, else its name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoreHospital {
    /// Its name.
    pub name: String,
    /// The directory facility, when linked.
    #[serde(default)]
    pub facility: Option<FacilityId>,
}

/// An organisation on an area's council.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CouncilMember {
    /// The organisation's name (never a person's).
    pub organisation: String,
    /// What kind of organisation it is.
    pub category: MemberCategory,
    /// An authored example, not stated by a cited source.
    #[serde(default)]
    pub example: bool,
}

/// A council meeting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meeting {
    /// When it was held.
    pub held_on: NaiveDate,
    /// How exactly `held_on` is known.
    #[serde(default)]
    pub precision: DatePrecision,
    /// Its title, e.g. 「第1回 会議」.
    pub title: String,
    /// The organisations that attended.
    #[serde(default)]
    pub attending: Vec<String>,
    /// What was discussed, in a few lines.
    #[serde(default)]
    pub summary: String,
    /// Public source that states it.
    #[serde(default)]
    pub source: Option<String>,
    /// An authored example.
    #[serde(default)]
    pub example: bool,
}

/// A progress note on a 取組, one per check (進捗確認), carried year to year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgressNote {
    /// When it was written.
    pub on: NaiveDate,
    /// What was found or changed.
    pub text: String,
    /// The status the action has from this note on, when it changed.
    #[serde(default)]
    pub status: Option<ActionStatus>,
    /// Who wrote it: an organisation or account label.
    #[serde(default)]
    pub recorded_by: Option<String>,
    /// An authored example.
    #[serde(default)]
    pub example: bool,
}

impl ProgressNote {
    /// The fiscal year it belongs to.
    #[must_use]
    pub fn fiscal_year(&self) -> FiscalYear {
        FiscalYear::of(self.on)
    }
}

/// A 取組 (action) answering a 課題.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Action {
    /// Its key, unique in the plan.
    pub key: String,
    /// What is done.
    pub title: String,
    /// The organisation that carries it out.
    pub owner: String,
    /// The fiscal year it was adopted for.
    pub fiscal_year: FiscalYear,
    /// Where it stands.
    pub status: ActionStatus,
    /// Progress notes, oldest first.
    #[serde(default)]
    pub notes: Vec<ProgressNote>,
    /// Who recorded it.
    #[serde(default)]
    pub recorded_by: Option<String>,
    /// An authored example.
    #[serde(default)]
    pub example: bool,
}

/// A 課題 (problem) an area's council found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issue {
    /// Its key, unique in the plan.
    pub key: String,
    /// The problem, in a line.
    pub title: String,
    /// Its field.
    pub category: IssueCategory,
    /// The fiscal year it was raised.
    pub raised_in: FiscalYear,
    /// The actions answering it.
    #[serde(default)]
    pub actions: Vec<Action>,
    /// Who recorded it.
    #[serde(default)]
    pub recorded_by: Option<String>,
    /// An authored example.
    #[serde(default)]
    pub example: bool,
}

/// One area of the rollout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Area {
    /// Its key (ASCII, e.g. `chigasaki`), unique in the plan.
    pub key: String,
    /// Its name, e.g. 「茅ヶ崎・寒川」.
    pub name_ja: String,
    /// The 二次医療圏 it is, or lies within.
    pub region: RegionCode,
    /// Its municipalities when it is a part of the 二次医療圏 (empty: all of it).
    #[serde(default)]
    pub municipalities: Vec<MunicipalityCode>,
    /// Its core hospitals.
    #[serde(default)]
    pub core_hospitals: Vec<CoreHospital>,
    /// The organisation running its council (事務局).
    #[serde(default)]
    pub secretariat: Option<String>,
    /// Stage history, oldest first.
    #[serde(default)]
    pub stages: Vec<StageTransition>,
    /// Council members.
    #[serde(default)]
    pub members: Vec<CouncilMember>,
    /// Council meetings, oldest first.
    #[serde(default)]
    pub meetings: Vec<Meeting>,
    /// Its 課題 with their 取組.
    #[serde(default)]
    pub issues: Vec<Issue>,
    /// Public source of the area's definition.
    #[serde(default)]
    pub source: Option<String>,
    /// Whether the definition (municipalities, hospitals, secretariat) is an authored example.
    #[serde(default)]
    pub example: bool,
}

impl Area {
    /// The stage the area is in now (its last transition), if any.
    #[must_use]
    pub fn current(&self) -> Option<&StageTransition> {
        self.stages.last()
    }

    /// Its actions, with their 課題.
    pub fn actions(&self) -> impl Iterator<Item = (&Issue, &Action)> {
        self.issues
            .iter()
            .flat_map(|issue| issue.actions.iter().map(move |a| (issue, a)))
    }
}

/// A prefecture-level event of the rollout (a support centre opening …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Milestone {
    /// When.
    pub on: NaiveDate,
    /// How exactly `on` is known.
    #[serde(default)]
    pub precision: DatePrecision,
    /// What happened.
    pub title: String,
    /// Public source that states it.
    #[serde(default)]
    pub source: Option<String>,
    /// An authored example.
    #[serde(default)]
    pub example: bool,
}

/// A prefecture's rollout: its areas and prefecture-level milestones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RolloutPlan {
    /// The prefecture.
    pub prefecture: PrefectureCode,
    /// Its areas.
    #[serde(default)]
    pub areas: Vec<Area>,
    /// Its milestones, oldest first.
    #[serde(default)]
    pub milestones: Vec<Milestone>,
}

/// Why a rollout plan or a change to it is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RolloutError {
    /// A stage transition breaks the order.
    #[error("area {area}: {rule}")]
    Stage {
        /// The area.
        area: String,
        /// The rule broken.
        rule: StageError,
    },
    /// No area, 課題 or 取組 has this key.
    #[error("no {entity} {key} in the rollout")]
    Unknown {
        /// `area`, `issue` or `action`.
        entity: &'static str,
        /// The key asked for.
        key: String,
    },
    /// A key is used twice.
    #[error("{entity} key {key} is used twice; keys are unique in a prefecture's rollout")]
    Duplicate {
        /// `area`, `issue` or `action`.
        entity: &'static str,
        /// The key.
        key: String,
    },
    /// A field that must say something is empty or not valid.
    #[error("{field}: {reason}")]
    Invalid {
        /// The field, e.g. `areas[2].municipalities`.
        field: String,
        /// What is wrong.
        reason: String,
    },
}

/// Result of a rollout check or command.
pub type RolloutResult<T> = Result<T, RolloutError>;

fn required(field: String, text: &str) -> RolloutResult<()> {
    if text.trim().is_empty() {
        return Err(RolloutError::Invalid {
            field,
            reason: "must not be empty".to_owned(),
        });
    }
    Ok(())
}

fn key_ok(entity: &'static str, key: &str, seen: &mut BTreeSet<String>) -> RolloutResult<()> {
    let valid = !key.is_empty()
        && key.len() <= 64
        && key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    if !valid {
        return Err(RolloutError::Invalid {
            field: format!("{entity} key {key:?}"),
            reason: "keys are 1–64 characters of a–z, 0–9, - and _".to_owned(),
        });
    }
    if !seen.insert(key.to_owned()) {
        return Err(RolloutError::Duplicate {
            entity,
            key: key.to_owned(),
        });
    }
    Ok(())
}

impl RolloutPlan {
    /// Checks the whole plan: unique keys, nothing empty that must say
    /// something, areas in the prefecture, every stage history in order.
    pub fn check(&self) -> RolloutResult<()> {
        let (mut areas, mut issues, mut actions) =
            (BTreeSet::new(), BTreeSet::new(), BTreeSet::new());
        for (i, area) in self.areas.iter().enumerate() {
            key_ok("area", &area.key, &mut areas)?;
            required(format!("areas[{i}].name_ja"), &area.name_ja)?;
            if area.region.prefecture() != self.prefecture
                || area
                    .municipalities
                    .iter()
                    .any(|m| m.prefecture() != self.prefecture)
            {
                return Err(RolloutError::Invalid {
                    field: format!("areas[{i}] ({})", area.key),
                    reason: format!(
                        "its region and municipalities must be in prefecture {}",
                        self.prefecture.as_str()
                    ),
                });
            }
            check_history(&area.stages).map_err(|(_, rule)| RolloutError::Stage {
                area: area.key.clone(),
                rule,
            })?;
            for (j, member) in area.members.iter().enumerate() {
                required(
                    format!("areas[{i}].members[{j}].organisation"),
                    &member.organisation,
                )?;
            }
            for (j, meeting) in area.meetings.iter().enumerate() {
                required(format!("areas[{i}].meetings[{j}].title"), &meeting.title)?;
            }
            for issue in &area.issues {
                key_ok("issue", &issue.key, &mut issues)?;
                required(format!("issue {}.title", issue.key), &issue.title)?;
                for action in &issue.actions {
                    key_ok("action", &action.key, &mut actions)?;
                    required(format!("action {}.title", action.key), &action.title)?;
                    required(format!("action {}.owner", action.key), &action.owner)?;
                    for note in &action.notes {
                        required(format!("action {}.notes", action.key), &note.text)?;
                    }
                }
            }
        }
        for (i, milestone) in self.milestones.iter().enumerate() {
            required(format!("milestones[{i}].title"), &milestone.title)?;
        }
        Ok(())
    }

    /// The area with this key.
    pub fn area(&self, key: &str) -> RolloutResult<&Area> {
        self.areas
            .iter()
            .find(|a| a.key == key)
            .ok_or_else(|| RolloutError::Unknown {
                entity: "area",
                key: key.to_owned(),
            })
    }

    fn area_mut(&mut self, key: &str) -> RolloutResult<&mut Area> {
        self.areas
            .iter_mut()
            .find(|a| a.key == key)
            .ok_or_else(|| RolloutError::Unknown {
                entity: "area",
                key: key.to_owned(),
            })
    }

    /// The area and 課題 with this issue key.
    pub fn issue(&self, key: &str) -> RolloutResult<(&Area, &Issue)> {
        self.areas
            .iter()
            .find_map(|a| a.issues.iter().find(|i| i.key == key).map(|i| (a, i)))
            .ok_or_else(|| RolloutError::Unknown {
                entity: "issue",
                key: key.to_owned(),
            })
    }

    /// The area, 課題 and 取組 with this action key.
    pub fn action(&self, key: &str) -> RolloutResult<(&Area, &Issue, &Action)> {
        self.areas
            .iter()
            .find_map(|a| {
                a.actions()
                    .find(|(_, action)| action.key == key)
                    .map(|(i, action)| (a, i, action))
            })
            .ok_or_else(|| RolloutError::Unknown {
                entity: "action",
                key: key.to_owned(),
            })
    }

    /// Moves an area to a stage (command): checked against its history.
    pub fn advance(&mut self, area: &str, transition: StageTransition) -> RolloutResult<()> {
        let area = self.area_mut(area)?;
        check_transition(&area.stages, &transition).map_err(|rule| RolloutError::Stage {
            area: area.key.clone(),
            rule,
        })?;
        area.stages.push(transition);
        Ok(())
    }

    /// Adds a 課題 to an area (command); it starts without actions.
    pub fn add_issue(&mut self, area: &str, issue: Issue) -> RolloutResult<()> {
        self.area_mut(area)?.issues.push(issue);
        self.check()
    }

    /// Adds a 取組 to a 課題 (command).
    pub fn add_action(&mut self, issue: &str, action: Action) -> RolloutResult<()> {
        self.issue(issue)?;
        self.areas
            .iter_mut()
            .flat_map(|a| a.issues.iter_mut())
            .find(|i| i.key == issue)
            .expect("found above")
            .actions
            .push(action);
        self.check()
    }

    /// Adds a progress note to a 取組, which takes the note's status if it has one (command).
    pub fn add_note(&mut self, action: &str, note: ProgressNote) -> RolloutResult<()> {
        self.action(action)?;
        let found = self
            .areas
            .iter_mut()
            .flat_map(|a| a.issues.iter_mut())
            .flat_map(|i| i.actions.iter_mut())
            .find(|a| a.key == action)
            .expect("found above");
        if let Some(status) = note.status {
            found.status = status;
        }
        found.notes.push(note);
        self.check()
    }

    /// Applies a command to the plan, checking it first; the store then
    /// writes the one row it adds.
    pub fn apply(&mut self, change: &RolloutChange) -> RolloutResult<()> {
        match change {
            RolloutChange::Advance { area, transition } => self.advance(area, transition.clone()),
            RolloutChange::AddIssue { area, issue } => self.add_issue(area, issue.clone()),
            RolloutChange::AddAction { issue, action } => self.add_action(issue, action.clone()),
            RolloutChange::AddNote { action, note } => self.add_note(action, note.clone()),
        }
    }

    /// Whether the plan holds the area, 課題 or 取組 a change is about.
    #[must_use]
    pub fn holds(&self, change: &RolloutChange) -> bool {
        match change {
            RolloutChange::Advance { area, .. } | RolloutChange::AddIssue { area, .. } => {
                self.area(area).is_ok()
            }
            RolloutChange::AddAction { issue, .. } => self.issue(issue).is_ok(),
            RolloutChange::AddNote { action, .. } => self.action(action).is_ok(),
        }
    }
}

/// One write command on a rollout: each adds one record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RolloutChange {
    /// Moves an area to a stage.
    Advance {
        /// The area's key.
        area: String,
        /// The transition (its reason is required to move back).
        transition: StageTransition,
    },
    /// Adds a 課題 (without actions) to an area.
    AddIssue {
        /// The area's key.
        area: String,
        /// The 課題.
        issue: Issue,
    },
    /// Adds a 取組 (without notes) to a 課題.
    AddAction {
        /// The 課題's key.
        issue: String,
        /// The 取組.
        action: Action,
    },
    /// Adds a progress note to a 取組.
    AddNote {
        /// The 取組's key.
        action: String,
        /// The note.
        note: ProgressNote,
    },
}

/// Counts of 取組 by status, in [`ActionStatus::ALL`] order.
#[must_use]
pub fn actions_by_status<'a>(
    actions: impl Iterator<Item = &'a Action>,
) -> Vec<(ActionStatus, usize)> {
    let mut counts: Vec<(ActionStatus, usize)> =
        ActionStatus::ALL.iter().map(|s| (*s, 0)).collect();
    for action in actions {
        if let Some(entry) = counts.iter_mut().find(|(s, _)| *s == action.status) {
            entry.1 += 1;
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> RolloutPlan {
        toml::from_str(
            r#"
prefecture = "14"
[[areas]]
key = "kaku"
name_ja = "架空市"
region = "1407"
[[areas.issues]]
key = "kaku-1"
title = "架空の課題"
category = "welfare"
raised_in = 2024
"#,
        )
        .unwrap()
    }

    fn action(key: &str) -> Action {
        Action {
            key: key.to_owned(),
            title: "架空の取組".to_owned(),
            owner: "架空市".to_owned(),
            fiscal_year: FiscalYear::new(2024),
            status: ActionStatus::Planned,
            notes: Vec::new(),
            recorded_by: None,
            example: false,
        }
    }

    #[test]
    fn issue_21_commands_check_keys_and_carry_status_in_notes() {
        let mut plan = plan();
        plan.check().unwrap();
        plan.add_action("kaku-1", action("kaku-1-a")).unwrap();
        // Keys are unique across 課題 and 取組 of the plan.
        assert!(matches!(
            plan.clone().add_action("kaku-1", action("kaku-1-a")),
            Err(RolloutError::Duplicate {
                entity: "action",
                ..
            })
        ));
        assert!(matches!(
            plan.clone().add_action("nowhere", action("x")),
            Err(RolloutError::Unknown {
                entity: "issue",
                ..
            })
        ));
        assert!(matches!(
            plan.clone().add_action("kaku-1", action("Bad Key")),
            Err(RolloutError::Invalid { .. })
        ));
        let note = ProgressNote {
            on: "2025-05-01".parse().unwrap(),
            text: "進捗確認".to_owned(),
            status: Some(ActionStatus::Done),
            recorded_by: None,
            example: false,
        };
        plan.add_note("kaku-1-a", note).unwrap();
        let (_, _, stored) = plan.action("kaku-1-a").unwrap();
        assert_eq!(stored.status, ActionStatus::Done);
        assert_eq!(
            stored.notes[0].fiscal_year().label_ja(),
            "2025年度（令和7年度）"
        );
        let counts = actions_by_status(plan.areas[0].actions().map(|(_, a)| a));
        assert!(counts.contains(&(ActionStatus::Done, 1)));
    }

    #[test]
    fn issue_21_areas_stay_in_their_prefecture() {
        let mut plan = plan();
        plan.areas[0].municipalities = vec![MunicipalityCode::new("13101").unwrap()];
        assert!(matches!(plan.check(), Err(RolloutError::Invalid { .. })));
    }
}
