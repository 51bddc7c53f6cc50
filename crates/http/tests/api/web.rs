use crate::support::{config, get, state};
use axum::http::StatusCode;
use renkei_http::{router, AppState, HttpConfig};

#[tokio::test]
async fn missing_web_client_gives_a_japanese_how_to_build_page() {
    for uri in ["/", "/map/anything"] {
        let reply = get(router(state().await), uri).await;
        assert_eq!(reply.status, StatusCode::OK);
        assert!(reply.content_type().starts_with("text/html"));
        let page = reply.text();
        assert!(
            page.contains("ビルドされていません")
                && page.contains("npm run build")
                && page.contains("/api/docs")
        );
    }
}

#[tokio::test]
async fn built_web_client_is_served_with_index_fallback_for_client_routes() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("index.html"),
        "<!doctype html><title>renkei web</title>",
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("assets")).unwrap();
    std::fs::write(dir.path().join("assets/app.js"), "console.log('renkei')").unwrap();
    let loaded = state().await;
    let config = HttpConfig {
        web_dir: dir.path().to_owned(),
        ..config()
    };
    let app = router(AppState::new(loaded.store, loaded.index, config));
    assert!(get(app.clone(), "/").await.text().contains("renkei web"));
    assert!(get(app.clone(), "/facilities/some-client-route")
        .await
        .text()
        .contains("renkei web"));
    let script = get(app.clone(), "/assets/app.js").await;
    assert!(
        script.content_type().contains("javascript"),
        "{}",
        script.content_type()
    );
    let api = get(app, "/api/v1/unknown").await;
    assert_eq!(
        api.status,
        StatusCode::NOT_FOUND,
        "API paths never fall back to the web client"
    );
}
