//! Hospital accreditations in facility responses and the `accreditation` filter.

use crate::support::{config, fixtures, get, store_with};
use axum::http::StatusCode;
use renkei_app::ReadModel as IndexHandle;
use renkei_core::AccreditationCode;
use renkei_http::{router, AppState};
use renkei_store::AccreditationRecord;

async fn accreditation_filter_and_field() {
    let facilities = fixtures();
    let store = store_with(&facilities).await;
    let hospital = facilities
        .iter()
        .find(|f| f.kind.as_str() == "hospital")
        .unwrap();
    store
        .replace_accreditations(
            "test-list",
            &[AccreditationRecord {
                facility: hospital.id,
                code: AccreditationCode::new("picu").unwrap(),
                since: None,
                institution_number: "9999991".into(),
            }],
            None,
        )
        .await
        .unwrap();
    let index = IndexHandle::new(renkei_app::load_index(store.as_ref()).await.unwrap());
    let app = router(AppState::new(store, index, config()));
    let body = get(app.clone(), "/api/v1/facilities?accreditation=picu")
        .await
        .json();
    assert_eq!(body["total"], 1);
    assert_eq!(body["items"][0]["id"], hospital.id.to_string());
    assert_eq!(body["items"][0]["accreditations"][0]["code"], "picu");
    assert_eq!(
        body["items"][0]["accreditations"][0]["ja"],
        "小児特定集中治療室管理料"
    );
    let csv = get(
        app.clone(),
        "/api/v1/facilities?accreditation=picu&format=csv",
    )
    .await
    .text();
    assert!(csv.contains("施設基準") && csv.contains("picu"), "{csv}");
    get(app, "/api/v1/facilities?accreditation=castle")
        .await
        .assert_error(StatusCode::BAD_REQUEST, "bad_parameter");
}

on_both_backends!(accreditation_filter_and_field);
