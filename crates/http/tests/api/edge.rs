//! The HTTP edge (issues 17 and 19): security headers, CORS, rate and render
//! limits, the header-read timeout of the server loop, and absolute URLs only
//! from the configured public URL (never from `Host` / `X-Forwarded-Host`).

use crate::regions::regions_app_with;
use crate::support::{config, fixtures, get, send, store_with};
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use renkei_app::{load_index, ReadModel};
use renkei_http::edge::{self, parse_public_url, EdgeConfig, RateQuota};
use renkei_http::{router, AppState, HttpConfig};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn with_public_url(url: &str) -> HttpConfig {
    HttpConfig {
        public_url: Some(parse_public_url(url).unwrap()),
        ..config()
    }
}

async fn app_with(config: HttpConfig) -> axum::Router {
    let store = store_with(&fixtures()).await;
    let index = ReadModel::new(load_index(store.as_ref()).await.unwrap());
    router(AppState::new(store, index, config))
}

#[tokio::test]
async fn issue_17_every_response_has_the_security_headers_and_hsts_only_over_https() {
    let app = app_with(config()).await;
    for uri in ["/api/v1/health", "/api/v1/no-such-route", "/api/docs"] {
        let reply = get(app.clone(), uri).await;
        let header = |name: &str| {
            reply
                .headers
                .get(name)
                .map(|v| v.to_str().unwrap().to_owned())
                .unwrap_or_default()
        };
        let csp = header("content-security-policy");
        for directive in [
            "default-src 'self'",
            "worker-src 'self' blob:",
            "child-src 'self' blob:",
            "img-src 'self' data: blob:",
            "frame-ancestors 'none'",
            "object-src 'none'",
        ] {
            assert!(
                csp.contains(directive),
                "{uri}: {directive} missing in {csp}"
            );
        }
        assert_eq!(header("x-content-type-options"), "nosniff", "{uri}");
        assert_eq!(header("x-frame-options"), "DENY", "{uri}");
        assert_eq!(header("referrer-policy"), "no-referrer", "{uri}");
        assert_eq!(
            header("strict-transport-security"),
            "",
            "{uri}: HSTS over http"
        );
    }
    let https = app_with(with_public_url("https://renkei.example.jp/")).await;
    let reply = get(https, "/api/v1/health").await;
    assert_eq!(
        reply.headers["strict-transport-security"],
        edge::headers::STRICT_TRANSPORT_SECURITY
    );
}

#[tokio::test]
async fn issue_17_cors_preflight_is_answered_for_reads_without_credentials() {
    let app = app_with(config()).await;
    for uri in [
        "/api/v1/search?q=x",
        "/tiles/facilities.json",
        "/api/v1/print/map",
    ] {
        let preflight = Request::builder()
            .method(Method::OPTIONS)
            .uri(uri)
            .header(header::ORIGIN, "https://other.example.jp")
            .header(header::ACCESS_CONTROL_REQUEST_METHOD, "GET")
            .body(Body::empty())
            .unwrap();
        let reply = send(app.clone(), preflight).await;
        // 204, not 405: the routes only have GET, the CORS layer answers.
        assert_eq!(reply.status, StatusCode::NO_CONTENT, "{uri}");
        assert!(reply.body.is_empty(), "{uri}");
        assert_eq!(
            reply.headers[header::ACCESS_CONTROL_ALLOW_ORIGIN],
            "*",
            "{uri}"
        );
        let methods = reply.headers[header::ACCESS_CONTROL_ALLOW_METHODS]
            .to_str()
            .unwrap();
        assert!(
            methods.contains("GET") && !methods.contains("POST"),
            "{methods}"
        );
        assert!(!reply
            .headers
            .contains_key(header::ACCESS_CONTROL_ALLOW_CREDENTIALS));
    }
    let listed = app_with(HttpConfig {
        edge: EdgeConfig {
            cors_origins: "https://map.example.jp".parse().unwrap(),
            ..EdgeConfig::default()
        },
        ..config()
    })
    .await;
    let from = |origin: &'static str| {
        Request::get("/api/v1/health")
            .header(header::ORIGIN, origin)
            .body(Body::empty())
            .unwrap()
    };
    let allowed = send(listed.clone(), from("https://map.example.jp")).await;
    assert_eq!(
        allowed.headers[header::ACCESS_CONTROL_ALLOW_ORIGIN],
        "https://map.example.jp"
    );
    assert!(allowed.headers.get_all(header::VARY).iter().any(|v| v
        .to_str()
        .unwrap()
        .to_ascii_lowercase()
        .contains("origin")));
    let other = send(listed, from("https://evil.example.com")).await;
    assert!(!other
        .headers
        .contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN));
}

/// Two requests, then a 429 `rate_limited` with `Retry-After` for `uri`,
/// under a quota of 2 at once and 1 a minute; other routes stay open.
async fn assert_limited(edge: EdgeConfig, uri: &str) {
    let app = app_with(HttpConfig { edge, ..config() }).await;
    for _ in 0..2 {
        let reply = get(app.clone(), uri).await;
        assert_ne!(
            reply.status,
            StatusCode::TOO_MANY_REQUESTS,
            "{}",
            reply.text()
        );
    }
    let reply = get(app.clone(), uri).await;
    reply.assert_error(StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    let wait: u64 = reply.headers[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=61).contains(&wait), "{wait}");
    assert_eq!(get(app, "/api/v1/health").await.status, StatusCode::OK);
}

const TWO_THEN_ONE_A_MINUTE: RateQuota = RateQuota {
    per_minute: 1,
    burst: 2,
};

#[tokio::test]
async fn issue_17_print_limiter_returns_429_with_retry_after_and_the_json_error() {
    // A malformed request counts too (it is refused before any PDF is made).
    let edge = EdgeConfig {
        print_rate: TWO_THEN_ONE_A_MINUTE,
        ..EdgeConfig::default()
    };
    assert_limited(edge, "/api/v1/print/map?code=x").await;
}

#[tokio::test]
async fn issue_17_coverage_limiter_returns_429_with_retry_after() {
    let edge = EdgeConfig {
        coverage_rate: TWO_THEN_ONE_A_MINUTE,
        ..EdgeConfig::default()
    };
    assert_limited(edge, "/api/v1/coverage?kinds=visiting_nurse&format=json").await;
}

#[tokio::test]
async fn issue_17_slow_header_sockets_are_closed() {
    let store = store_with(&fixtures()).await;
    let index = ReadModel::new(load_index(store.as_ref()).await.unwrap());
    let edge_config = EdgeConfig {
        header_read_timeout: Duration::from_millis(300),
        ..EdgeConfig::default()
    };
    let app = router(AppState::new(store, index, config()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        edge::serve(listener, app, &edge_config, async {
            let _ = stopped.await;
        })
        .await;
    });
    let mut socket = tokio::net::TcpStream::connect(address).await.unwrap();
    socket.write_all(b"GET /api/v1/hea").await.unwrap();
    let mut buffer = Vec::new();
    let closed =
        tokio::time::timeout(Duration::from_secs(5), socket.read_to_end(&mut buffer)).await;
    assert!(
        closed.is_ok(),
        "the half-sent request was still open after 5 s"
    );
    // A whole request on a new connection is still served.
    let mut socket = tokio::net::TcpStream::connect(address).await.unwrap();
    socket
        .write_all(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut answer = String::new();
    socket.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    stop.send(()).unwrap();
    server.await.unwrap();
}

#[tokio::test]
async fn issue_17_tilejson_ignores_host_and_forwarded_host() {
    let request = |uri: &str| {
        Request::get(uri)
            .header(header::HOST, "attacker.example")
            .header("x-forwarded-host", "attacker.example")
            .header("x-forwarded-proto", "https")
            .body(Body::empty())
            .unwrap()
    };
    let public = regions_app_with(with_public_url("https://renkei.example.jp/k/")).await;
    let reply = send(public, request("/tiles/facilities.json")).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(
        reply.json()["tiles"][0],
        "https://renkei.example.jp/k/tiles/facilities/{z}/{x}/{y}.mvt"
    );
    assert_ne!(reply.headers[header::CACHE_CONTROL], "no-store");
    // Without a public URL: the server's own address, not to be cached.
    let local = regions_app_with(config()).await;
    let reply = send(local, request("/tiles/facilities.json")).await;
    assert!(!reply.text().contains("attacker"), "{}", reply.text());
    assert_eq!(
        reply.json()["tiles"][0],
        "http://127.0.0.1:8080/tiles/facilities/{z}/{x}/{y}.mvt"
    );
    assert_eq!(reply.headers[header::CACHE_CONTROL], "no-store");
}

/// The PDF's text, or `None` (with a SKIPPED line) without poppler-utils or a font.
fn pdf_text(pdf: &[u8]) -> Option<String> {
    if renkei_print::Fonts::discover().is_err() {
        eprintln!("SKIPPED: no Japanese font");
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("print.pdf");
    std::fs::write(&path, pdf).unwrap();
    match std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
    {
        Ok(output) if output.status.success() => {
            Some(String::from_utf8(output.stdout).unwrap().replace('\n', ""))
        }
        _ => {
            eprintln!("SKIPPED: pdftotext not found (scripts/install-deps.sh --test)");
            None
        }
    }
}

#[tokio::test]
async fn issue_17_pdf_links_and_qr_ignore_host_and_trial_prints_are_marked() {
    let uri = "/api/v1/print/referral?near=架空浜市&kinds=visiting_nurse&needs=ventilator&age=3";
    let forged = || {
        Request::get(uri)
            .header(header::HOST, "attacker.example")
            .header("x-forwarded-host", "attacker.example")
            .body(Body::empty())
            .unwrap()
    };
    let public = regions_app_with(with_public_url("https://renkei.example.jp/")).await;
    let reply = send(public, forged()).await;
    assert_eq!(
        reply.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    let Some(text) = pdf_text(&reply.body) else {
        return;
    };
    assert!(!text.contains("attacker"), "{text}");
    assert!(text.contains("https://renkei.example.jp/"), "{text}");
    // The printed view keeps the filters of the request (the QR code encodes
    // the URL printed beside it: one `url` in renkei-print).
    for filter in [
        "kind=visiting_nurse",
        "needs=ventilator",
        "age=3",
        "lon=139.4&",
    ] {
        assert!(text.contains(filter), "{filter} missing: {text}");
    }
    assert!(!text.contains("試し刷り"), "{text}");
    let loopback = regions_app_with(with_public_url("http://127.0.0.1:8080/")).await;
    let reply = send(loopback, forged()).await;
    let text = pdf_text(&reply.body).unwrap();
    assert!(text.contains("試し刷り"), "{text}");
    assert!(!text.contains("attacker"), "{text}");
}

#[tokio::test]
async fn issue_17_print_renders_wait_then_busy() {
    let limit = edge::RenderLimit::new(1, Duration::from_millis(10));
    let _held = limit.acquire().await.unwrap();
    let reply = axum::response::IntoResponse::into_response(limit.acquire().await.unwrap_err());
    assert_eq!(reply.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        reply.headers()[header::RETRY_AFTER],
        edge::render::BUSY_RETRY_AFTER_S.to_string()
    );
}
