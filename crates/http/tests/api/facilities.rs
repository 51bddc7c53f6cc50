use crate::support::{app, app_with_kanagawa, get, id};
use axum::http::StatusCode;

async fn health_reports_ok_backend_and_active_count() {
    let reply = get(app().await, "/api/v1/health").await;
    assert_eq!(reply.status, StatusCode::OK);
    let body = reply.json();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"], crate::support::backend().as_str());
    assert_eq!(body["facilities"], 3, "the closed clinic is not counted");
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
}

async fn list_pages_with_total_in_kind_name_order() {
    let reply = get(app().await, "/api/v1/facilities?per_page=2&page=1").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.headers["x-total-count"], "3");
    let body = reply.json();
    assert_eq!(
        (
            body["total"].as_u64(),
            body["page"].as_u64(),
            body["per_page"].as_u64()
        ),
        (Some(3), Some(1), Some(2))
    );
    let kinds: Vec<_> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["kind"]["code"].clone())
        .collect();
    assert_eq!(kinds, ["consultation_desk", "hospital"]);
    let second = get(app().await, "/api/v1/facilities?per_page=2&page=2")
        .await
        .json();
    assert_eq!(second["items"][0]["name"], "架空訪問看護ステーションさくら");
    let past_end = get(app().await, "/api/v1/facilities?page=99").await.json();
    assert_eq!(
        (
            past_end["items"].as_array().unwrap().len(),
            past_end["total"].as_u64()
        ),
        (0, Some(3))
    );
}

async fn filters_by_kind_and_municipality_with_designated_city_wards() {
    let by_kind = get(app().await, "/api/v1/facilities?kind=visiting_nurse")
        .await
        .json();
    assert_eq!(by_kind["total"], 1);
    let chigasaki = get(
        app_with_kanagawa().await,
        "/api/v1/facilities?municipality=14207",
    )
    .await
    .json();
    assert_eq!(chigasaki["total"], 2, "active facilities in 茅ヶ崎市");
    let yokohama = get(
        app_with_kanagawa().await,
        "/api/v1/facilities?municipality=14100",
    )
    .await
    .json();
    assert_eq!(
        yokohama["items"][0]["name"], "架空こども病院",
        "14100 横浜市 includes ward 14110"
    );
    let kawasaki = get(
        app_with_kanagawa().await,
        "/api/v1/facilities?municipality=14130",
    )
    .await
    .json();
    assert_eq!(kawasaki["total"], 0);
    let empty_values = get(
        app().await,
        "/api/v1/facilities?kind=&municipality=&page=&per_page=",
    )
    .await
    .json();
    assert_eq!(empty_values["total"], 3, "empty parameters count as absent");
}

async fn one_facility_has_all_fourteen_capabilities_and_provenance() {
    let reply = get(app().await, &format!("/api/v1/facilities/{}", id("sakura"))).await;
    assert_eq!(reply.status, StatusCode::OK);
    let body = reply.json();
    assert_eq!(body["kind"]["ja"], "訪問看護ステーション");
    assert_eq!(body["location"]["lon"], 139.4037);
    assert_eq!(body["location"]["municipality_code"], "14207");
    assert_eq!(body["phones"].as_array().unwrap().len(), 1);
    assert_eq!(body["phones"][0]["tel"], "tel:0467000000");
    let capabilities = body["services"][0]["capabilities"].as_array().unwrap();
    assert_eq!(capabilities.len(), 14);
    assert_eq!(capabilities[0]["code"], "ventilator");
    assert_eq!(capabilities[0]["answer"], "yes");
    assert_eq!(
        capabilities[0]["verified"]["by_organization"],
        "架空保健福祉事務所"
    );
    assert!(
        capabilities[1..].iter().all(|c| c["answer"] == "unknown"),
        "unstated capabilities are unknown"
    );
    let provenance = &body["provenance"];
    assert_eq!(provenance["source"], "test-fixture");
    assert_eq!(provenance["source_record_id"], "sakura");
    assert_eq!(provenance["demo"], true);
    assert_eq!(provenance["licence"], "CC0 1.0");
}

async fn closed_facility_is_found_by_id_but_not_listed() {
    let reply = get(app().await, &format!("/api/v1/facilities/{}", id("heiin"))).await;
    assert_eq!(reply.json()["status"], "closed");
}

on_both_backends!(
    health_reports_ok_backend_and_active_count,
    list_pages_with_total_in_kind_name_order,
    filters_by_kind_and_municipality_with_designated_city_wards,
    one_facility_has_all_fourteen_capabilities_and_provenance,
    closed_facility_is_found_by_id_but_not_listed,
);
