//! Issue 21: `/api/v1/rollout/…` over the authored Kanagawa rollout, and what
//! the CLI's commands change in it.

use crate::support::{config, fixtures, get, store_with};
use axum::http::StatusCode;
use renkei_app::import::{ImportKind, Importer};
use renkei_app::rollout::{add_action, add_issue, advance, NewAction, Recorded};
use renkei_app::ReadModel as IndexHandle;
use renkei_core::era::FiscalYear;
use renkei_core::rollout::{ActionStatus, IssueCategory, Stage};
use renkei_http::{router, AppState};
use renkei_store::SharedStore;

const FILE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../data/rollout/14_kanagawa.toml"
);

async fn kanagawa_rollout() -> (SharedStore, axum::Router) {
    let store = store_with(&fixtures()).await;
    Importer::new(store.as_ref())
        .import_bytes(&ImportKind::Rollout, FILE, &std::fs::read(FILE).unwrap())
        .await
        .unwrap();
    let table = renkei_core::region::RegionTable::from_toml(include_str!(
        "../../../../data/regions/14_kanagawa.toml"
    ))
    .unwrap();
    store.upsert_region_table(&table).await.unwrap();
    let index = IndexHandle::from_snapshot(renkei_app::load(store.as_ref()).await.unwrap());
    let app = router(AppState::new(store.clone(), index, config()));
    (store, app)
}

async fn issue_21_areas_show_stage_timeline_and_cited_history() {
    let (_, app) = kanagawa_rollout().await;
    let body = get(app.clone(), "/api/v1/rollout/areas?prefecture=14")
        .await
        .json();
    let items = body["items"].as_array().unwrap();
    let keys: Vec<_> = items.iter().map(|a| a["key"].as_str().unwrap()).collect();
    assert_eq!(keys, ["chigasaki", "atsugi", "odawara", "yokosuka"]);
    let yokosuka = &items[3];
    assert_eq!(yokosuka["current"]["stage"]["code"], "council_set_up");
    assert_eq!(
        yokosuka["current"]["when"]["label_ja"],
        "2018年度（平成30年度）"
    );
    assert!(yokosuka["current"]["source"]
        .as_str()
        .unwrap()
        .starts_with("https://www.pref.kanagawa.jp/"));
    let chigasaki = &items[0];
    // The 二次医療圏's indicators beside the rollout (湘南東部 holds the fictional fixtures).
    assert_eq!(chigasaki["region_indicators"]["name_ja"], "湘南東部");
    assert!(chigasaki["region_indicators"]["facilities"]
        .as_u64()
        .is_some());
    assert_eq!(chigasaki["timeline"].as_array().unwrap().len(), 6);
    assert_eq!(chigasaki["timeline"][1]["example"], true);
    assert_eq!(chigasaki["issues"], 2);
    let milestones = body["milestones"].as_array().unwrap();
    assert!(milestones.iter().any(|m| m["when"]["date"] == "2022-05-31"));
    assert!(milestones.iter().any(|m| m["when"]["date"] == "2023-04-03"));
    // Nobody's account label is public.
    assert!(!get(app.clone(), "/api/v1/rollout/areas/chigasaki")
        .await
        .text()
        .contains("recorded_by"));

    let stages = get(app.clone(), "/api/v1/rollout/stages").await.json();
    assert_eq!(stages["items"].as_array().unwrap().len(), 10);
    assert_eq!(stages["items"][4]["label_ja"], "① 会議の設置");

    let council = get(app.clone(), "/api/v1/rollout/areas/chigasaki/council")
        .await
        .json();
    assert!(council["members"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["organisation"] == "茅ヶ崎医師会" && m["category_ja"] == "医師会"));
    get(app.clone(), "/api/v1/rollout/areas/nowhere")
        .await
        .assert_error(StatusCode::NOT_FOUND, "not_found");
    get(app.clone(), "/api/v1/rollout/areas?prefecture=x")
        .await
        .assert_error(StatusCode::BAD_REQUEST, "bad_parameter");
}

async fn issue_21_commands_move_an_area_and_the_api_and_csv_follow() {
    let (store, app) = kanagawa_rollout().await;
    let by = Recorded {
        by: "県西 地域の会議 事務局".to_owned(),
        on: "2026-06-01".parse().unwrap(),
    };
    advance(store.as_ref(), "odawara", Stage::IssuesExtracted, None, &by)
        .await
        .unwrap();
    // Skipping ahead is refused, and so is moving back without a reason.
    assert!(
        advance(store.as_ref(), "odawara", Stage::ActionsAdopted, None, &by)
            .await
            .is_err()
    );
    assert!(
        advance(store.as_ref(), "odawara", Stage::CouncilSetUp, None, &by)
            .await
            .is_err()
    );
    add_issue(
        store.as_ref(),
        "odawara",
        "odawara-school",
        "通学時の医療的ケアの担い手",
        IssueCategory::Education,
        &by,
    )
    .await
    .unwrap();
    let action = NewAction {
        key: "odawara-school-nurse".to_owned(),
        title: "看護師の派遣調整の仕組みづくり".to_owned(),
        owner: "県西 地域の会議".to_owned(),
        fiscal_year: FiscalYear::new(2026),
        status: ActionStatus::Planned,
    };
    add_action(store.as_ref(), "odawara-school", action, &by)
        .await
        .unwrap();

    let area = get(app.clone(), "/api/v1/rollout/areas/odawara")
        .await
        .json();
    assert_eq!(area["area"]["current"]["stage"]["code"], "issues_extracted");
    assert_eq!(area["area"]["current"]["when"]["label_ja"], "2026年6月1日");
    let issue = area["issues"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["key"] == "odawara-school")
        .unwrap();
    assert_eq!(issue["raised_in_ja"], "2026年度（令和8年度）");
    assert_eq!(issue["actions"][0]["status_ja"], "計画中");
    let planned = area["area"]["actions_by_status"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["status"] == "planned")
        .unwrap()["count"]
        .clone();
    assert_eq!(planned, 1);

    let reply = get(
        app.clone(),
        "/api/v1/rollout/issues?area=odawara&format=csv",
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.content_type().starts_with("text/csv"));
    let text = reply.text();
    assert!(text.starts_with('\u{feff}'), "UTF-8 with BOM");
    assert!(text.contains("看護師の派遣調整の仕組みづくり") && text.contains("② 課題の抽出"));
    assert!(!text.contains("chigasaki"));
    get(app.clone(), "/api/v1/rollout/issues?format=xml")
        .await
        .assert_error(StatusCode::BAD_REQUEST, "bad_parameter");
}

async fn issue_21_progress_report_is_a_pdf_and_checks_its_parameters() {
    let (_, app) = kanagawa_rollout().await;
    if renkei_print::Fonts::discover().is_err() {
        eprintln!("SKIPPED: no Japanese font");
        return;
    }
    let reply = get(
        app.clone(),
        "/api/v1/print/rollout?prefecture=14&fiscal_year=2019",
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.content_type(), "application/pdf");
    assert!(reply.body.starts_with(b"%PDF"));
    get(
        app.clone(),
        "/api/v1/print/rollout?prefecture=14&fiscal_year=R1",
    )
    .await
    .assert_error(StatusCode::BAD_REQUEST, "bad_parameter");
    get(app.clone(), "/api/v1/print/rollout?prefecture=13")
        .await
        .assert_error(StatusCode::NOT_FOUND, "not_found");
}

on_both_backends!(
    issue_21_progress_report_is_a_pdf_and_checks_its_parameters,
    issue_21_areas_show_stage_timeline_and_cited_history,
    issue_21_commands_move_an_area_and_the_api_and_csv_follow,
);
