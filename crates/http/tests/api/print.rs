//! `/api/v1/print/…` (issue 8): PDFs of the regional map, the leaflet and the
//! referral sheet over the fictional regions of `regions.rs`, read back with
//! poppler-utils. Skipped with a message when pdftotext or a Japanese font is
//! missing.

use crate::regions::regions_app;
use crate::support::{get, send, Reply};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use std::path::Path;
use std::process::Command;

fn tools_ready() -> bool {
    if Command::new("pdftotext").arg("-v").output().is_err() {
        eprintln!(
            "SKIPPED: pdftotext not found; install poppler-utils (scripts/install-deps.sh --test)"
        );
        return false;
    }
    if let Err(error) = renkei_print::Fonts::discover() {
        eprintln!("SKIPPED: {error}");
        return false;
    }
    true
}

/// The PDF's text (pdftotext) and its font list (pdffonts).
fn read_pdf(reply: &Reply) -> (String, String) {
    assert_eq!(
        reply.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    assert_eq!(reply.content_type(), "application/pdf");
    assert!(reply.body.starts_with(b"%PDF-"));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("print.pdf");
    std::fs::write(&path, &reply.body).unwrap();
    let run = |program: &str, args: &[&str], to_stdout: bool| {
        let mut command = Command::new(program);
        command.args(args).arg(Path::new(&path));
        if to_stdout {
            command.arg("-");
        }
        let output = command.output().unwrap();
        assert!(output.status.success(), "{program}");
        String::from_utf8(output.stdout).unwrap()
    };
    // Table cells and captions wrap: compare the text without line breaks.
    let text = run("pdftotext", &[], true).replace('\n', "") + "\n" + &run("pdfinfo", &[], false);
    (text, run("pdffonts", &[], false))
}

fn assert_no_staff_data(text: &str) {
    for secret in ["STAFF-ONLY", "0467-99-0001", "職員専用直通"] {
        assert!(!text.contains(secret), "staff-only {secret} printed");
    }
}

#[tokio::test]
async fn issue_8_region_map_is_a_pdf_with_the_facilities_and_embedded_fonts() {
    if !tools_ready() {
        return;
    }
    let reply = get(
        regions_app().await,
        "/api/v1/print/map?code=1407&paper=a3&orientation=landscape",
    )
    .await;
    let (text, fonts) = read_pdf(&reply);
    for expected in [
        "架空東部 医療的ケア児 地域資源マップ",
        "1 架空訪問看護ステーション",
        "対応可: 人工呼吸器",
        "架空浜市",
        "(A3)",
        "国土数値情報",
    ] {
        assert!(text.contains(expected), "{expected} missing:\n{text}");
    }
    assert!(
        !text.contains("架空こども病院"),
        "a facility of another region"
    );
    assert!(!text.contains("架空クリニック閉院"), "a closed facility");
    assert_no_staff_data(&text);
    assert!(
        fonts
            .lines()
            .skip(2)
            .all(|line| line.contains('+') && line.matches("yes").count() >= 3),
        "{fonts}"
    );
}

#[tokio::test]
async fn issue_8_municipality_map_links_to_the_web_client_on_the_requested_host() {
    if !tools_ready() {
        return;
    }
    let request = Request::get("/api/v1/print/map?code=14207")
        .header(header::HOST, "renkei.example.jp")
        .body(Body::empty())
        .unwrap();
    let reply = send(regions_app().await, request).await;
    let (text, _) = read_pdf(&reply);
    assert!(
        text.contains("http://renkei.example.jp/?muni=14207&view=map"),
        "{text}"
    );
    assert!(text.contains("(A4)"));
    assert!(text.contains("（すべての種類）"), "{text}");
    let hospitals = get(
        regions_app().await,
        "/api/v1/print/map?code=14207&kinds=hospital",
    )
    .await;
    let (text, _) = read_pdf(&hospitals);
    assert!(
        text.contains("掲載 0 件") && !text.contains("架空訪問看護ステーション"),
        "{text}"
    );
    // Issue 15: the title states the kinds filter, so a map of one kind
    // is not read as the whole directory.
    assert!(text.contains("地域資源マップ（病院）"), "{text}");
}

#[tokio::test]
async fn issue_8_print_parameters_are_checked_and_named() {
    let app = regions_app().await;
    for (uri, status, field) in [
        ("/api/v1/print/map", StatusCode::BAD_REQUEST, Some("code")),
        (
            "/api/v1/print/map?code=abc",
            StatusCode::BAD_REQUEST,
            Some("code"),
        ),
        (
            "/api/v1/print/map?code=1407&paper=b5",
            StatusCode::BAD_REQUEST,
            Some("paper"),
        ),
        (
            "/api/v1/print/map?code=1407&orientation=sideways",
            StatusCode::BAD_REQUEST,
            Some("orientation"),
        ),
        ("/api/v1/print/map?code=1499", StatusCode::NOT_FOUND, None),
        // issue 19: well-formed codes no prefecture has are not found, not malformed.
        ("/api/v1/print/map?code=9999", StatusCode::NOT_FOUND, None),
        ("/api/v1/print/map?code=99999", StatusCode::NOT_FOUND, None),
        (
            "/api/v1/print/leaflet?region=9999",
            StatusCode::NOT_FOUND,
            None,
        ),
        (
            "/api/v1/print/map?code=99x9",
            StatusCode::BAD_REQUEST,
            Some("code"),
        ),
        (
            "/api/v1/print/map?code=1407&kinds=spaceport",
            StatusCode::BAD_REQUEST,
            Some("kinds"),
        ),
        (
            "/api/v1/print/leaflet",
            StatusCode::BAD_REQUEST,
            Some("region"),
        ),
        (
            "/api/v1/print/leaflet?region=14207",
            StatusCode::BAD_REQUEST,
            Some("region"),
        ),
        (
            "/api/v1/print/referral?lon=139.4&lat=35.33&needs=telepathy",
            StatusCode::BAD_REQUEST,
            Some("needs"),
        ),
    ] {
        let reply = get(app.clone(), uri).await;
        let code = if status == StatusCode::NOT_FOUND {
            "not_found"
        } else {
            "bad_parameter"
        };
        let body = reply.assert_error(status, code);
        if let Some(field) = field {
            assert_eq!(body["field"], field, "{uri}");
        }
    }
}

#[tokio::test]
async fn issue_8_leaflet_names_the_core_hospital_of_the_region() {
    if !tools_ready() {
        return;
    }
    let reply = get(regions_app().await, "/api/v1/print/leaflet?region=1407").await;
    let (text, _) = read_pdf(&reply);
    for expected in [
        "架空東部地域（二次医療圏）",
        "地域の中核病院",
        "架空中核病院",
        "Pages:           2",
    ] {
        assert!(text.contains(expected), "{expected} missing:\n{text}");
    }
    assert_no_staff_data(&text);
}

#[tokio::test]
async fn issue_19_leaflet_prints_its_issuer_and_refuses_an_overlong_one() {
    if !tools_ready() {
        return;
    }
    let app = regions_app().await;
    let issuer = "架空市%20障がい福祉課";
    let reply = get(
        app.clone(),
        &format!("/api/v1/print/leaflet?region=1407&issuer={issuer}"),
    )
    .await;
    let (text, _) = read_pdf(&reply);
    assert!(
        text.contains("配布元") && text.contains("架空市 障がい福祉課"),
        "{text}"
    );
    let long = "あ".repeat(61);
    let body = get(
        app.clone(),
        &format!("/api/v1/print/leaflet?region=1407&issuer={long}"),
    )
    .await
    .assert_error(StatusCode::BAD_REQUEST, "bad_parameter");
    assert_eq!(body["field"], "issuer");
    let body = get(app, "/api/v1/print/leaflet?region=1407&issuer=a%0Ab")
        .await
        .assert_error(StatusCode::BAD_REQUEST, "bad_parameter");
    assert_eq!(body["field"], "issuer");
}

#[tokio::test]
async fn issue_19_a_referral_sheet_at_sea_says_the_point_is_outside_every_region() {
    let body = get(
        regions_app().await,
        "/api/v1/print/referral?lon=150&lat=30&needs=ventilator",
    )
    .await
    .assert_error(StatusCode::NOT_FOUND, "outside_regions");
    assert!(
        body["message_ja"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
}

#[tokio::test]
async fn issue_8_referral_sheet_lists_confirmed_results_apart_from_unknown_ones() {
    if !tools_ready() {
        return;
    }
    let reply = get(
        regions_app().await,
        "/api/v1/print/referral?lon=139.40&lat=35.33&needs=ventilator&radius_m=50000",
    )
    .await;
    let (text, _) = read_pdf(&reply);
    let at = |needle: &str| {
        text.find(needle)
            .unwrap_or_else(|| panic!("{needle} missing:\n{text}"))
    };
    // さくら states ventilator yes; the hospital states nothing: 要確認.
    assert!(at("確認済み：") < at("架空訪問看護ステーションさくら"));
    assert!(at("架空訪問看護ステーションさくら") < at("要確認："));
    assert!(at("要確認：") < at("架空こども病院"));
    assert!(text.contains("人工呼吸器: 対応可"));
    assert_no_staff_data(&text);
}

/// The coverage layer (issue 9) over the fictional layout of `coverage.rs`.
async fn issue_9_region_map_with_coverage_prints_the_coverage_legend() {
    if !tools_ready() {
        return;
    }
    let app = crate::coverage::app_for(crate::coverage::layout().await).await;
    let reply = get(
        app.clone(),
        "/api/v1/print/map?code=4701&coverage=true&kinds=visiting_nurse&needs=ventilator&within_m=1300&include_unknown=true",
    )
    .await;
    let (text, _) = read_pdf(&reply);
    for expected in [
        "架空南部 医療的ケア児 地域資源マップ",
        "カバー状況（事業所までの距離）",
        "0–2 km",
        "10–20 km",
        "基準: 直線 1.3 km 以内",
        "医療的ケア 人工呼吸器",
        "施設の種類 訪問看護ステーション",
        "要確認の事業所も含めて計算",
        "均等に配分した推計",
        "架空あおぞら訪問看護ステーション",
        "view=coverage&needs=ventilator&ckind=visiting_nurse&within=1.3km&cunknown=1&carea=4701",
    ] {
        assert!(text.contains(expected), "{expected} missing:\n{text}");
    }

    // Confirmed only is said so; without `coverage` there is no layer.
    let reply = get(
        app.clone(),
        "/api/v1/print/map?code=4701&coverage=true&kinds=visiting_nurse&needs=ventilator",
    )
    .await;
    let (text, _) = read_pdf(&reply);
    assert!(text.contains("確認済みの事業所のみで計算"), "{text}");
    let reply = get(app.clone(), "/api/v1/print/map?code=4701&needs=ventilator").await;
    let (text, _) = read_pdf(&reply);
    assert!(
        !text.contains("カバー状況") && text.contains("view=regions&region=4701"),
        "{text}"
    );

    for (query, field) in [
        ("coverage=maybe", "coverage"),
        ("coverage=true&needs=telepathy", "needs"),
        ("coverage=true&kinds=spaceport", "kinds"),
        ("coverage=true&within_m=-5", "within_m"),
        (
            "coverage=true&within_m=1000&within_minutes=10",
            "within_minutes",
        ),
        ("coverage=true&within_minutes=9999", "within_minutes"),
        ("coverage=true&k=0", "k"),
        ("coverage=true&age=200", "age"),
        ("coverage=true&include_unknown=perhaps", "include_unknown"),
    ] {
        let uri = format!("/api/v1/print/map?code=4701&{query}");
        let body = get(app.clone(), &uri)
            .await
            .assert_error(StatusCode::BAD_REQUEST, "bad_parameter");
        assert_eq!(body["field"], field, "{uri}");
    }
    let body = get(
        app,
        "/api/v1/print/map?code=abc&coverage=true&needs=ventilator",
    )
    .await
    .assert_error(StatusCode::BAD_REQUEST, "bad_parameter");
    assert_eq!(body["field"], "code");
}

on_both_backends!(issue_9_region_map_with_coverage_prints_the_coverage_legend);
