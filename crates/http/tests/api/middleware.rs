use crate::support::{app, send};
use axum::body::Body;
use axum::http::Request;

#[tokio::test]
async fn request_id_is_set_or_propagated() {
    let reply = send(
        app().await,
        Request::get("/api/v1/health").body(Body::empty()).unwrap(),
    )
    .await;
    assert!(!reply.headers["x-request-id"].is_empty());
    let request = Request::get("/api/v1/health")
        .header("x-request-id", "test-request-42")
        .body(Body::empty());
    let reply = send(app().await, request.unwrap()).await;
    assert_eq!(reply.headers["x-request-id"], "test-request-42");
}

#[tokio::test]
async fn responses_are_compressed_when_asked() {
    for encoding in ["gzip", "br"] {
        let request = Request::get("/openapi.json")
            .header("accept-encoding", encoding)
            .body(Body::empty());
        let reply = send(app().await, request.unwrap()).await;
        assert_eq!(reply.headers["content-encoding"], encoding);
    }
}
