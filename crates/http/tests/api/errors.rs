use crate::support::{app, config, get, send, state, store_with};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::routing::get as get_route;
use renkei_app::ReadModel as IndexHandle;
use renkei_core::FacilityId;
use renkei_http::{routes, with_layers, ApiError, AppState, HttpConfig};
use renkei_store::{DatabaseUrl, OpenOptions, SqliteStore, Store, StoreError};
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

/// A real SQLite store whose connections were closed: every call fails
/// with [`StoreError::Unavailable`], as when the database goes away.
async fn unreachable_store() -> Arc<dyn Store> {
    let store = SqliteStore::open(
        &DatabaseUrl::new("sqlite::memory:"),
        &OpenOptions::default(),
    )
    .await
    .unwrap();
    store.close().await;
    assert!(matches!(
        store.ping().await,
        Err(StoreError::Unavailable { .. })
    ));
    Arc::new(store)
}

#[tokio::test]
async fn health_is_503_degraded_json_while_reads_keep_working_from_the_index() {
    // The index was built while the database was up; then the database went away.
    let loaded = state().await;
    let state = AppState::new(unreachable_store().await, loaded.index.clone(), config());
    let app = renkei_http::router(state);
    let reply = get(app.clone(), "/api/v1/health").await;
    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(reply.json()["status"], "degraded");
    assert_eq!(reply.json()["database"], "sqlite");
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
