//! Issue 21: the regional rollout's tables, its file import and its commands.

use crate::support::run_log;
use chrono::NaiveDate;
use renkei_core::era::FiscalYear;
use renkei_core::rollout::{
    Action, ActionStatus, Area, CoreHospital, CouncilMember, DatePrecision, Issue, IssueCategory,
    Meeting, MemberCategory, Milestone, ProgressNote, RolloutChange, RolloutError, RolloutPlan,
    Stage, StageTransition,
};
use renkei_core::{FacilityId, MunicipalityCode, PrefectureCode, RegionCode};
use renkei_store::{Store, StoreError};

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn at(stage: Stage, on: &str) -> StageTransition {
    StageTransition {
        stage,
        on: day(on),
        precision: DatePrecision::Day,
        reason: None,
        recorded_by: None,
        source: None,
        example: false,
    }
}

/// A fictional prefecture-14 rollout filling every rollout table.
pub fn rollout_fixture() -> RolloutPlan {
    let mut first = at(Stage::CouncilSetUp, "2014-04-01");
    first.precision = DatePrecision::FiscalYear;
    first.source = Some("https://example.org/架空".to_owned());
    RolloutPlan {
        prefecture: PrefectureCode::new("14").unwrap(),
        areas: vec![Area {
            key: "kaku".to_owned(),
            name_ja: "架空市・架空町".to_owned(),
            region: RegionCode::new("1407").unwrap(),
            municipalities: vec![MunicipalityCode::new("14207").unwrap()],
            core_hospitals: vec![CoreHospital {
                name: "架空中央病院".to_owned(),
                facility: Some(FacilityId::from_source("test", "kaku-1")),
            }],
            secretariat: Some("架空市 障がい福祉課".to_owned()),
            stages: vec![first, at(Stage::IssuesExtracted, "2014-09-01")],
            members: vec![CouncilMember {
                organisation: "架空医師会".to_owned(),
                category: MemberCategory::MedicalAssociation,
                example: true,
            }],
            meetings: vec![Meeting {
                held_on: day("2014-06-01"),
                precision: DatePrecision::Day,
                title: "第1回".to_owned(),
                attending: vec!["架空医師会".to_owned(), "架空市".to_owned()],
                summary: "課題の洗い出し".to_owned(),
                source: None,
                example: true,
            }],
            issues: vec![Issue {
                key: "kaku-info".to_owned(),
                title: "情報が届かない".to_owned(),
                category: IssueCategory::Information,
                raised_in: FiscalYear::new(2014),
                actions: vec![Action {
                    key: "kaku-map".to_owned(),
                    title: "資源マップ".to_owned(),
                    owner: "架空市".to_owned(),
                    fiscal_year: FiscalYear::new(2014),
                    status: ActionStatus::InProgress,
                    notes: vec![ProgressNote {
                        on: day("2015-03-01"),
                        text: "初版".to_owned(),
                        status: None,
                        recorded_by: Some("架空市".to_owned()),
                        example: true,
                    }],
                    recorded_by: None,
                    example: true,
                }],
                recorded_by: None,
                example: true,
            }],
            source: None,
            example: true,
        }],
        milestones: vec![Milestone {
            on: day("2022-05-31"),
            precision: DatePrecision::Day,
            title: "架空センター開設".to_owned(),
            source: None,
            example: true,
        }],
    }
}

/// Stores the fixture and one command's record (for the copy test).
pub async fn fill_rollout(store: &dyn Store) {
    store
        .replace_rollout(&rollout_fixture(), &run_log("rollout.toml", 1))
        .await
        .unwrap();
    let advance = RolloutChange::Advance {
        area: "kaku".to_owned(),
        transition: at(Stage::SolutionsDiscussed, "2015-01-10"),
    };
    store.change_rollout(&advance).await.unwrap();
}

pub async fn issue_21_rollout_round_trips_and_a_reimport_keeps_commands(store: &dyn Store) {
    assert!(store.rollout_plans().await.unwrap().is_empty());
    let plan = rollout_fixture();
    let written = store
        .replace_rollout(&plan, &run_log("rollout.toml", 1))
        .await
        .unwrap();
    assert_eq!(
        (
            written.areas,
            written.transitions,
            written.issues,
            written.actions
        ),
        (1, 2, 1, 1)
    );
    assert_eq!(store.rollout_plans().await.unwrap(), vec![plan.clone()]);

    let mut transition = at(Stage::SolutionsDiscussed, "2015-01-10");
    transition.recorded_by = Some("架空市 障がい福祉課".to_owned());
    let note = ProgressNote {
        on: day("2016-03-01"),
        text: "改訂".to_owned(),
        status: Some(ActionStatus::Done),
        recorded_by: Some("架空市".to_owned()),
        example: false,
    };
    for change in [
        RolloutChange::Advance {
            area: "kaku".to_owned(),
            transition: transition.clone(),
        },
        RolloutChange::AddNote {
            action: "kaku-map".to_owned(),
            note: note.clone(),
        },
    ] {
        store.change_rollout(&change).await.unwrap();
    }
    let mut expected = plan.clone();
    expected.areas[0].stages.push(transition);
    let action = &mut expected.areas[0].issues[0].actions[0];
    action.notes.push(note);
    action.status = ActionStatus::Done;
    assert_eq!(store.rollout_plans().await.unwrap(), vec![expected.clone()]);

    // The same file again: the commands' records stay, nothing doubles.
    store
        .replace_rollout(&plan, &run_log("rollout.toml", 1))
        .await
        .unwrap();
    assert_eq!(store.rollout_plans().await.unwrap(), vec![expected]);
    let runs = store.import_runs(10).await.unwrap();
    assert_eq!(runs.iter().filter(|r| r.source_key == "rollout").count(), 2);
}

pub async fn issue_21_rollout_commands_are_checked_and_write_nothing_when_refused(
    store: &dyn Store,
) {
    let plan = rollout_fixture();
    store
        .replace_rollout(&plan, &run_log("rollout.toml", 1))
        .await
        .unwrap();
    let version = store.data_version().await.unwrap();
    let skip = RolloutChange::Advance {
        area: "kaku".to_owned(),
        transition: at(Stage::ActionsAdopted, "2015-01-10"),
    };
    let back = RolloutChange::Advance {
        area: "kaku".to_owned(),
        transition: at(Stage::CouncilSetUp, "2015-01-10"),
    };
    let unknown = RolloutChange::AddAction {
        issue: "no-such-issue".to_owned(),
        action: plan.areas[0].issues[0].actions[0].clone(),
    };
    let duplicate = RolloutChange::AddIssue {
        area: "kaku".to_owned(),
        issue: Issue {
            actions: Vec::new(),
            ..plan.areas[0].issues[0].clone()
        },
    };
    for change in [skip, back, unknown, duplicate] {
        let err = store.change_rollout(&change).await.unwrap_err();
        assert!(matches!(err, StoreError::Rollout(_)), "{change:?}: {err}");
    }
    assert!(matches!(
        store
            .change_rollout(&RolloutChange::AddIssue {
                area: "nowhere".to_owned(),
                issue: Issue {
                    key: "x".to_owned(),
                    actions: Vec::new(),
                    ..plan.areas[0].issues[0].clone()
                },
            })
            .await,
        Err(StoreError::Rollout(RolloutError::Unknown {
            entity: "area",
            ..
        }))
    ));
    assert_eq!(store.rollout_plans().await.unwrap(), vec![plan.clone()]);
    assert_eq!(store.data_version().await.unwrap(), version);

    // Back with a reason is allowed, and recorded.
    let mut with_reason = at(Stage::CouncilSetUp, "2015-01-10");
    with_reason.reason = Some("構成機関の見直し".to_owned());
    store
        .change_rollout(&RolloutChange::Advance {
            area: "kaku".to_owned(),
            transition: with_reason.clone(),
        })
        .await
        .unwrap();
    let stored = store.rollout_plans().await.unwrap();
    assert_eq!(stored[0].areas[0].stages.last(), Some(&with_reason));
}

pub async fn issue_21_rollout_import_is_all_or_nothing(store: &dyn Store) {
    let plan = rollout_fixture();
    store
        .replace_rollout(&plan, &run_log("rollout.toml", 1))
        .await
        .unwrap();
    let issue = Issue {
        key: "kaku-added".to_owned(),
        actions: Vec::new(),
        ..plan.areas[0].issues[0].clone()
    };
    store
        .change_rollout(&RolloutChange::AddIssue {
            area: "kaku".to_owned(),
            issue,
        })
        .await
        .unwrap();
    let before = store.rollout_plans().await.unwrap();
    let runs = store.import_runs(10).await.unwrap().len();

    // A file that drops the area a command's 課題 belongs to.
    let mut dropped = plan.clone();
    "renamed".clone_into(&mut dropped.areas[0].key);
    let err = store
        .replace_rollout(&dropped, &run_log("rollout.toml", 1))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Corrupt { .. }), "{err}");
    // A file whose stages skip one.
    let mut skipping = plan.clone();
    skipping.areas[0].stages[1].stage = Stage::ActionsAdopted;
    let err = store
        .replace_rollout(&skipping, &run_log("rollout.toml", 1))
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Rollout(RolloutError::Stage { .. })),
        "{err}"
    );

    assert_eq!(store.rollout_plans().await.unwrap(), before);
    assert_eq!(store.import_runs(10).await.unwrap().len(), runs);
}
