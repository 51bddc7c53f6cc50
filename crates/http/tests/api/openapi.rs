use crate::support::{app, get};
use axum::http::StatusCode;

const ROUTES: &[(&str, &str)] = &[
    ("get", "/api/v1/health"),
    ("get", "/api/v1/facilities"),
    ("get", "/api/v1/facilities/{id}"),
    ("get", "/openapi.json"),
    ("get", "/api/docs"),
    ("get", "/api/v1/regions"),
    ("get", "/api/v1/regions/at"),
    ("get", "/api/v1/regions/{code}"),
    ("get", "/api/v1/regions/{code}/facilities"),
    ("get", "/api/v1/imports"),
    ("get", "/api/v1/search"),
    ("get", "/api/v1/print/map"),
    ("get", "/api/v1/print/leaflet"),
    ("get", "/api/v1/print/referral"),
    ("get", "/api/v1/geocode"),
    ("get", "/api/v1/geocode/reverse"),
    ("get", "/tiles/{layer}/{z}/{x}/{y}.mvt"),
    ("get", "/tiles/{layer}.json"),
    ("get", "/api/v1/coverage"),
    ("get", "/api/v1/rollout/stages"),
    ("get", "/api/v1/rollout/areas"),
    ("get", "/api/v1/rollout/areas/{key}"),
    ("get", "/api/v1/rollout/areas/{key}/council"),
    ("get", "/api/v1/rollout/issues"),
    ("get", "/api/v1/print/rollout"),
];

#[tokio::test]
async fn openapi_3_1_lists_every_route_parameter_and_error() {
    let reply = get(app().await, "/openapi.json").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.content_type().starts_with("application/json"));
    let doc = reply.json();
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    let paths = doc["paths"].as_object().unwrap();
    assert_eq!(
        paths.len(),
        ROUTES.len(),
        "{:?}",
        paths.keys().collect::<Vec<_>>()
    );
    for &(method, path) in ROUTES {
        let operation = &doc["paths"][path][method];
        assert!(operation.is_object(), "{method} {path} missing");
        for status in ["405", "413", "500", "503"] {
            assert!(
                operation["responses"][status].is_object(),
                "{path} lacks {status}"
            );
        }
    }
    let list = &doc["paths"]["/api/v1/facilities"]["get"];
    let names: Vec<_> = list["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "kind",
            "municipality",
            "accreditation",
            "page",
            "per_page",
            "format"
        ]
    );
    assert!(list["responses"]["400"].is_object());
    let kinds = list["parameters"][0]["schema"]["enum"].as_array().unwrap();
    assert!(
        kinds.contains(&"visiting_nurse".into()) && kinds.contains(&"core_hospital".into()),
        "{kinds:?}"
    );
    let content = list["responses"]["200"]["content"].as_object().unwrap();
    for media in ["application/json", "application/geo+json", "text/csv"] {
        assert!(content.contains_key(media), "{media}");
    }
    let one = &doc["paths"]["/api/v1/facilities/{id}"]["get"];
    assert!(one["responses"]["404"].is_object() && one["responses"]["400"].is_object());
    for schema in [
        "FacilityDto",
        "FacilityList",
        "ErrorBody",
        "FeatureCollection",
        "Health",
    ] {
        assert!(doc["components"]["schemas"][schema].is_object(), "{schema}");
    }
    assert!(doc["components"]["schemas"]["FacilityDto"]["properties"]
        .get("staff_note")
        .is_none());
}

/// Every `$ref` in `value`, recursively.
fn references(value: &serde_json::Value, found: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            if let Some(reference) = map.get("$ref").and_then(|r| r.as_str()) {
                found.push(reference.to_owned());
            }
            map.values().for_each(|v| references(v, found));
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| references(v, found)),
        _ => {}
    }
}

#[tokio::test]
async fn every_schema_reference_resolves() {
    let doc = get(app().await, "/openapi.json").await.json();
    let mut found = Vec::new();
    references(&doc, &mut found);
    assert!(!found.is_empty());
    for reference in found {
        let name = reference
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("{reference}"));
        assert!(
            doc["components"]["schemas"][name].is_object(),
            "dangling {reference}"
        );
    }
}

#[tokio::test]
async fn docs_page_is_self_contained_html_listing_every_route() {
    let reply = get(app().await, "/api/docs").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.content_type().starts_with("text/html"));
    let page = reply.text();
    assert!(
        page.contains("<html lang=\"ja\">")
            && page.contains("Parameters")
            && page.contains("パラメータ")
    );
    for (_, path) in ROUTES {
        assert!(page.contains(path), "{path}");
    }
    assert!(page.contains("per_page") && page.contains("FacilityDto"));
    assert!(
        !page.contains("<script") && !page.contains("https://cdn"),
        "works without the internet"
    );
}
