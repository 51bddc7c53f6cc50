use crate::support::{app, get};
use axum::http::StatusCode;
use axum::Router;
use serde_json::{json, Value};

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
        ["kind", "municipality", "accreditation", "page", "paging"]
    );
    assert!(list["responses"]["400"].is_object());
    let kinds = list["parameters"][0]["schema"]["anyOf"][0]["enum"]
        .as_array()
        .unwrap();
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

/// The schema of parameter `name` of GET `path`.
fn parameter_schema<'a>(doc: &'a Value, path: &str, name: &str) -> &'a Value {
    doc["paths"][path]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .map_or_else(
            || panic!("{path} has no parameter {name}"),
            |p| &p["schema"],
        )
}

/// The document and the server agree on `query`: the server answers 400
/// exactly when the schema of parameter `name` rejects `value`.
async fn agree(app: &Router, doc: &Value, path: &str, name: &str, value: Value, query: &str) {
    let valid = jsonschema::is_valid(parameter_schema(doc, path, name), &value);
    let reply = get(app.clone(), &format!("{path}?{query}")).await;
    assert_eq!(
        reply.status == StatusCode::BAD_REQUEST,
        !valid,
        "{path}?{query}: schema says valid={valid}, server said {} {}",
        reply.status,
        reply.text()
    );
}

#[tokio::test]
async fn issue_17_openapi_states_what_the_server_accepts() {
    let app = crate::regions::regions_app().await;
    let doc = get(app.clone(), "/openapi.json").await.json();
    let search = "/api/v1/search";
    // The place forms: lon/lat or near, not both (schemathesis ST202).
    let place = [
        (json!({"lon": 139.40, "lat": 35.35}), "lon=139.40&lat=35.35"),
        (json!({"near": "架空浜市"}), "near=架空浜市"),
        (
            json!({"lon": 139.40, "lat": 35.35, "near": "架空浜市"}),
            "lon=139.40&lat=35.35&near=架空浜市",
        ),
        (json!({"lon": 139.40}), "lon=139.40"),
        (json!({"lon": 181.0, "lat": 35.35}), "lon=181&lat=35.35"),
    ];
    for (value, query) in place {
        agree(&app, &doc, search, "place", value, query).await;
    }
    // A distance or a travel time, not both.
    for (value, query) in [
        (json!({"radius_m": 5000.0}), "near=架空浜市&radius_m=5000"),
        (
            json!({"radius_m": 5000.0, "max_minutes": 10.0}),
            "near=架空浜市&radius_m=5000&max_minutes=10",
        ),
    ] {
        agree(&app, &doc, search, "reach", value, query).await;
    }
    // Enums: format, and kinds as a list of taxonomy codes (or `all`).
    for (value, query) in [
        (json!("geojson"), "q=x&format=geojson"),
        (json!("xml"), "q=x&format=xml"),
    ] {
        agree(&app, &doc, search, "format", value, query).await;
    }
    for (value, query) in [
        (
            json!(["visiting_nurse", "hospital"]),
            "q=x&kinds=visiting_nurse,hospital",
        ),
        (json!(["all"]), "q=x&kinds=all"),
        (json!(["teleporter"]), "q=x&kinds=teleporter"),
    ] {
        agree(&app, &doc, search, "kinds", value, query).await;
    }
    // page has a maximum the server keeps (ST201: page above max accepted).
    let max_page = renkei_http::facilities::MAX_PAGE;
    for page in [max_page, max_page + 1] {
        agree(
            &app,
            &doc,
            "/api/v1/facilities",
            "page",
            json!(page),
            &format!("page={page}"),
        )
        .await;
    }
    // /imports' limit is a query parameter with its range.
    let limit = &doc["paths"]["/api/v1/imports"]["get"]["parameters"][0];
    assert_eq!(limit["in"], "query");
    for n in [500, 501] {
        agree(
            &app,
            &doc,
            "/api/v1/imports",
            "limit",
            json!(n),
            &format!("limit={n}"),
        )
        .await;
    }
    // Empty counts as absent, in the document too.
    agree(&app, &doc, "/api/v1/imports", "limit", json!(""), "limit=").await;
    // Coordinates have their ranges.
    for (value, query) in [
        (json!(35.35), "lon=139.4&lat=35.35"),
        (json!(91.0), "lon=139.4&lat=91"),
    ] {
        agree(&app, &doc, "/api/v1/regions/at", "lat", value, query).await;
    }
    // The rate-limited routes document 429, every route 414.
    for path in ["/api/v1/print/map", "/api/v1/coverage"] {
        assert!(
            doc["paths"][path]["get"]["responses"]["429"].is_object(),
            "{path}"
        );
    }
    assert!(doc["paths"][search]["get"]["responses"]["414"].is_object());
}
