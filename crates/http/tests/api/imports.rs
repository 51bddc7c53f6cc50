//! `/api/v1/imports`: the import-run log.

use crate::support::{config, get, store_with};
use axum::http::StatusCode;
use chrono::Utc;
use renkei_app::ReadModel as IndexHandle;
use renkei_http::{router, AppState};
use renkei_store::ImportRun;

async fn import_runs_are_listed_newest_first_and_limit_is_checked() {
    let store = store_with(&[]).await;
    for (file, inserted) in [("jigyosho_130.csv", 3), ("csvdownload024.csv", 5)] {
        let now = Utc::now();
        store
            .record_import_run(&ImportRun {
                source_key: "test-source".into(),
                file_name: file.into(),
                checksum_sha256: "0".repeat(64),
                started_at: now,
                finished_at: now,
                rows_read: inserted + 1,
                inserted,
                updated: 0,
                unchanged: 0,
                rejected: 1,
                closed: 0,
            })
            .await
            .unwrap();
    }
    let index = IndexHandle::new(renkei_app::load_index(store.as_ref()).await.unwrap());
    let app = router(AppState::new(store, index, config()));
    let body = get(app.clone(), "/api/v1/imports").await.json();
    let items = body["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["file"], "csvdownload024.csv");
    assert_eq!(
        (items[0]["inserted"].as_u64(), items[0]["rejected"].as_u64()),
        (Some(5), Some(1))
    );
    assert_eq!(
        get(app.clone(), "/api/v1/imports?limit=1").await.json()["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    for bad in ["0", "501", "x"] {
        get(app.clone(), &format!("/api/v1/imports?limit={bad}"))
            .await
            .assert_error(StatusCode::BAD_REQUEST, "bad_parameter");
    }
}

on_both_backends!(import_runs_are_listed_newest_first_and_limit_is_checked);
