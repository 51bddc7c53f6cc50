use crate::support::{app, config, get, send, state, store_with};
use async_trait::async_trait;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::routing::get as get_route;
use renkei_app::ReadModel as IndexHandle;
use renkei_core::{Facility, FacilityId};
use renkei_http::{routes, with_layers, ApiError, AppState, HttpConfig};
use renkei_store::{
    Backend, ChangeFeed, FacilityFilter, FacilityPage, PageRequest, SourceInfo, Store, StoreError,
    StoreResult, WriteSummary,
};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

async fn malformed_or_out_of_range_parameters_are_400_naming_the_field() {
    let cases = [
        ("/api/v1/facilities?page=0", "page"),
        ("/api/v1/facilities?page=-1", "page"),
        ("/api/v1/facilities?page=abc", "page"),
        ("/api/v1/facilities?page=99999999999999", "page"),
        ("/api/v1/facilities?per_page=0", "per_page"),
        ("/api/v1/facilities?per_page=100000", "per_page"),
        ("/api/v1/facilities?per_page=1001", "per_page"),
        ("/api/v1/facilities?format=csv&per_page=10001", "per_page"),
        ("/api/v1/facilities?kind=unknown", "kind"),
        ("/api/v1/facilities?municipality=abc", "municipality"),
        ("/api/v1/facilities?municipality=99999", "municipality"),
        ("/api/v1/facilities?format=xml", "format"),
        ("/api/v1/facilities?page=1&page=2", "page"),
        ("/api/v1/facilities?page=%FF", "page"),
        ("/api/v1/facilities/%FF", "id"),
        ("/api/v1/facilities/not-a-uuid", "id"),
        (
            "/api/v1/facilities/00000000-0000-0000-0000-00000000000g",
            "id",
        ),
        (
            "/api/v1/facilities/6f1c2a3e-9b7d-4c15-8e2f-5a4b3c2d1e0f?format=pdf",
            "format",
        ),
    ];
    for (uri, field) in cases {
        let reply = get(app().await, uri).await;
        let error = reply.assert_error(StatusCode::BAD_REQUEST, "bad_parameter");
        assert_eq!(error["field"], field, "{uri}: {error}");
        assert!(
            error["message_ja"].as_str().unwrap().contains(field),
            "{uri}: {error}"
        );
    }
}

async fn unknown_id_and_unknown_api_routes_are_404() {
    let unknown = FacilityId::from_source("nowhere", "1");
    get(app().await, &format!("/api/v1/facilities/{unknown}"))
        .await
        .assert_error(StatusCode::NOT_FOUND, "not_found");
    for uri in ["/api/v1/nothing", "/api/v2/facilities", "/api", "/api/v1"] {
        get(app().await, uri)
            .await
            .assert_error(StatusCode::NOT_FOUND, "route_not_found");
    }
}

#[tokio::test]
async fn wrong_method_is_405_json_with_allow() {
    for uri in ["/api/v1/facilities", "/api/v1/health", "/openapi.json"] {
        let request = Request::post(uri).body(Body::empty()).unwrap();
        let reply = send(app().await, request).await;
        reply.assert_error(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
        assert!(
            reply.headers["allow"].to_str().unwrap().contains("GET"),
            "{uri}"
        );
    }
}

#[tokio::test]
async fn body_over_the_limit_is_413_json() {
    let size = HttpConfig::DEFAULT_BODY_LIMIT_BYTES + 1;
    let request = Request::put("/api/v1/facilities")
        .header("content-length", size)
        .body(Body::from(vec![b'x'; size]))
        .unwrap();
    send(app().await, request)
        .await
        .assert_error(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");
}

#[tokio::test]
async fn issue_19_an_overlong_query_is_414_with_the_json_body_and_a_long_one_is_read() {
    let app = app().await;
    let near = "%E3%81%82".repeat(renkei_http::MAX_URI_BYTES / 9 + 1);
    let body = get(app.clone(), &format!("/api/v1/search?near={near}"))
        .await
        .assert_error(StatusCode::URI_TOO_LONG, "uri_too_long");
    assert!(body["message_en"].as_str().unwrap().contains("8192"));
    // Just under the limit the parameter is read (and refused for what it says).
    let near = "%E3%81%82".repeat(renkei_http::MAX_URI_BYTES / 9 - 10);
    let reply = get(app, &format!("/api/v1/search?near={near}")).await;
    assert_ne!(reply.status, StatusCode::URI_TOO_LONG);
}

async fn panicking_handler() -> &'static str {
    panic!("secret-internal-detail in a handler")
}

#[tokio::test]
async fn internal_errors_are_500_with_a_generic_message() {
    let state = state().await;
    let secret = "secret-internal-detail /var/lib/renkei";
    let app = with_layers(
        routes(state)
            .route("/panic", get_route(panicking_handler))
            .route(
                "/broken",
                get_route(|| async {
                    ApiError::from(StoreError::Corrupt {
                        entity: "facility",
                        key: "x".into(),
                        reason: "secret-internal-detail /var/lib/renkei".into(),
                    })
                }),
            ),
        &config(),
    );
    for uri in ["/panic", "/broken"] {
        let reply = get(app.clone(), uri).await;
        reply.assert_error(StatusCode::INTERNAL_SERVER_ERROR, "internal_error");
        assert!(
            !reply.text().contains("secret-internal-detail"),
            "{uri}: {}",
            reply.text()
        );
        assert!(!reply.text().contains(secret));
    }
}

#[tokio::test]
async fn slow_requests_time_out_with_503_json() {
    let config = HttpConfig {
        request_timeout: Duration::from_millis(50),
        ..config()
    };
    let app = with_layers(
        routes(state().await).route(
            "/slow",
            get_route(|| async {
                tokio::time::sleep(Duration::from_secs(5)).await;
                "late"
            }),
        ),
        &config,
    );
    get(app, "/slow")
        .await
        .assert_error(StatusCode::SERVICE_UNAVAILABLE, "timeout");
}

/// A store whose database never answers.
#[derive(Debug)]
struct UnreachableStore;

fn down<T>() -> StoreResult<T> {
    Err(StoreError::Unavailable {
        message: "connection refused (test)".into(),
        source: None,
    })
}

#[async_trait]
impl Store for UnreachableStore {
    fn backend(&self) -> Backend {
        Backend::Postgres
    }
    async fn ping(&self) -> StoreResult<()> {
        down()
    }
    async fn count_facilities(&self) -> StoreResult<u64> {
        down()
    }
    async fn list_facilities(
        &self,
        _: &FacilityFilter,
        _: PageRequest,
    ) -> StoreResult<FacilityPage> {
        down()
    }
    async fn facility(&self, _: FacilityId) -> StoreResult<Facility> {
        down()
    }
    async fn all_facilities(&self) -> StoreResult<Vec<Facility>> {
        down()
    }
    async fn snapshot(&self) -> StoreResult<renkei_store::DirectorySnapshot> {
        down()
    }
    async fn apply_import(
        &self,
        _: renkei_store::FileImport<'_>,
        _: &renkei_store::RunLog,
    ) -> StoreResult<renkei_store::AppliedImport> {
        down()
    }
    async fn upsert_facilities(&self, _: &SourceInfo, _: &[Facility]) -> StoreResult<WriteSummary> {
        down()
    }
    async fn data_version(&self) -> StoreResult<i64> {
        down()
    }
    async fn sources(&self) -> StoreResult<Vec<SourceInfo>> {
        down()
    }
    async fn count_facilities_by_source(&self) -> StoreResult<BTreeMap<String, u64>> {
        down()
    }
    async fn subscribe_changes(&self) -> StoreResult<ChangeFeed> {
        down()
    }
    async fn record_import_run(&self, _: &renkei_store::ImportRun) -> StoreResult<()> {
        down()
    }
    async fn import_runs(&self, _: u32) -> StoreResult<Vec<renkei_store::ImportRun>> {
        down()
    }
    async fn replace_town_points(
        &self,
        _: &str,
        _: &[renkei_core::geocode::TownPoint],
    ) -> StoreResult<u64> {
        down()
    }
    async fn town_points(&self) -> StoreResult<Vec<renkei_core::geocode::TownPoint>> {
        down()
    }
    async fn close_missing_within(
        &self,
        _: &str,
        _: &renkei_store::Listing,
        _: chrono::NaiveDate,
        _: Option<&renkei_store::RunLog>,
        _: Option<f64>,
    ) -> StoreResult<renkei_store::Closing> {
        down()
    }
    async fn copy_tables(&self) -> StoreResult<Vec<renkei_store::TableShape>> {
        down()
    }
    async fn read_copy_rows(
        &self,
        _: &renkei_store::TableSide,
        _: &[renkei_store::ColumnKind],
        _: u64,
        _: u64,
    ) -> StoreResult<Vec<Vec<renkei_store::Value>>> {
        down()
    }
    async fn replace_copied_tables(
        &self,
        _: &[renkei_store::TableCopy],
        _: &dyn Store,
    ) -> StoreResult<()> {
        down()
    }
    async fn set_verified_facts(&self, _: &[renkei_store::VerifiedFact]) -> StoreResult<u64> {
        down()
    }
    async fn verified_facts(&self) -> StoreResult<Vec<renkei_store::VerifiedFact>> {
        down()
    }
    async fn import_conflicts(&self, _: u32) -> StoreResult<Vec<renkei_store::ImportConflict>> {
        down()
    }
    async fn replace_accreditations(
        &self,
        _: &str,
        _: &[renkei_store::AccreditationRecord],
        _: Option<&renkei_store::RunLog>,
    ) -> StoreResult<u64> {
        down()
    }
    async fn replace_stations(
        &self,
        _: &str,
        _: &[renkei_core::basemap::Station],
        _: &renkei_store::RunLog,
    ) -> StoreResult<u64> {
        down()
    }
    async fn replace_rail_lines(
        &self,
        _: &str,
        _: &[renkei_core::basemap::RailLine],
        _: &renkei_store::RunLog,
    ) -> StoreResult<u64> {
        down()
    }
    async fn replace_postcodes(
        &self,
        _: &str,
        _: &[renkei_core::basemap::PostcodePoint],
        _: &renkei_store::RunLog,
    ) -> StoreResult<u64> {
        down()
    }
    async fn replace_mesh_population(
        &self,
        _: &str,
        _: &[renkei_store::MeshPopulationRecord],
    ) -> StoreResult<u64> {
        down()
    }
    async fn mesh_populations(&self) -> StoreResult<Vec<renkei_store::MeshPopulationRecord>> {
        down()
    }
    async fn replace_service_areas(
        &self,
        _: &str,
        _: &[renkei_store::ServiceAreaRecord],
    ) -> StoreResult<u64> {
        down()
    }
    async fn service_areas(&self) -> StoreResult<Vec<renkei_store::ServiceAreaRecord>> {
        down()
    }
    async fn replace_rollout(
        &self,
        _: &renkei_core::rollout::RolloutPlan,
        _: &renkei_store::RunLog,
    ) -> StoreResult<renkei_store::RolloutWritten> {
        down()
    }
    async fn rollout_plans(&self) -> StoreResult<Vec<renkei_core::rollout::RolloutPlan>> {
        down()
    }
    async fn change_rollout(&self, _: &renkei_core::rollout::RolloutChange) -> StoreResult<()> {
        down()
    }
    async fn replace_boundaries(
        &self,
        _: &str,
        _: &[renkei_core::region::Municipality],
    ) -> StoreResult<renkei_store::BoundarySummary> {
        down()
    }
    async fn municipalities(&self) -> StoreResult<Vec<renkei_core::region::Municipality>> {
        down()
    }
    async fn upsert_region_tables(
        &self,
        _: &[renkei_core::region::RegionTable],
    ) -> StoreResult<()> {
        down()
    }
    async fn region_tables(&self) -> StoreResult<Vec<renkei_core::region::RegionTable>> {
        down()
    }
    async fn set_population(&self, _: &[renkei_store::PopulationRecord]) -> StoreResult<u64> {
        down()
    }
    async fn populations(&self) -> StoreResult<Vec<renkei_store::PopulationRecord>> {
        down()
    }
    async fn set_location_assignments(
        &self,
        _: &[renkei_store::LocationAssignment],
    ) -> StoreResult<u64> {
        down()
    }
}

#[tokio::test]
async fn health_is_503_degraded_json_while_reads_keep_working_from_the_index() {
    // The index was built while the database was up; then the database went away.
    let loaded = state().await;
    let state = AppState::new(Arc::new(UnreachableStore), loaded.index.clone(), config());
    let app = renkei_http::router(state);
    let reply = get(app.clone(), "/api/v1/health").await;
    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(reply.json()["status"], "degraded");
    assert_eq!(reply.json()["database"], "postgres");
    assert_eq!(get(app, "/api/v1/facilities").await.status, StatusCode::OK);
}

async fn empty_store_serves_an_empty_list() {
    let store = store_with(&[]).await;
    let index = IndexHandle::new(renkei_app::load_index(store.as_ref()).await.unwrap());
    let app = renkei_http::router(AppState::new(store, index, config()));
    let body = get(app, "/api/v1/facilities").await.json();
    assert_eq!(body["total"], 0);
}

on_both_backends!(
    malformed_or_out_of_range_parameters_are_400_naming_the_field,
    unknown_id_and_unknown_api_routes_are_404,
    empty_store_serves_an_empty_list,
);
