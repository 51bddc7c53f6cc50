//! Staff-only data (staff notes, staff-only phones) never appears in any
//! public response, in any format.

use crate::support::{app, get, id, send, STAFF_ONLY_TEXTS};
use axum::body::Body;
use axum::http::Request;

async fn staff_only_text_is_in_no_response_body_in_any_format() {
    let one = format!("/api/v1/facilities/{}", id("sakura"));
    let uris = [
        "/api/v1/facilities".to_owned(),
        "/api/v1/facilities?format=geojson".to_owned(),
        "/api/v1/facilities?format=csv".to_owned(),
        "/api/v1/facilities?kind=visiting_nurse&per_page=1000".to_owned(),
        one.clone(),
        format!("{one}?format=geojson"),
        format!("{one}?format=csv"),
        "/api/v1/health".to_owned(),
        "/openapi.json".to_owned(),
        "/api/docs".to_owned(),
    ];
    for uri in &uris {
        let reply = get(app().await, uri).await;
        assert!(reply.status.is_success(), "{uri}: {}", reply.status);
        let body = String::from_utf8_lossy(&reply.body);
        for secret in STAFF_ONLY_TEXTS {
            assert!(!body.contains(secret), "{uri} leaks {secret:?}");
        }
    }
    // The fixture really has staff-only data, so the test would notice a leak.
    let store_view = crate::support::fixtures();
    assert!(store_view[0]
        .staff_note
        .as_deref()
        .is_some_and(|n| n.contains("STAFF-ONLY-NOTE")));
    let request = Request::get("/api/v1/facilities")
        .header("accept", "application/geo+json")
        .body(Body::empty());
    let body = send(app().await, request.unwrap()).await.text();
    assert!(body.contains("0467-00-0000") && !body.contains("0467-99-0001"));
}

on_both_backends!(staff_only_text_is_in_no_response_body_in_any_format,);
