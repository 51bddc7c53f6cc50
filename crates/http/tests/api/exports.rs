use crate::support::{app, get, id, send};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::Value;

fn assert_valid_feature(feature: &Value) {
    assert_eq!(feature["type"], "Feature");
    assert!(feature["id"].is_string());
    assert!(feature["properties"].is_object());
    match &feature["geometry"] {
        Value::Null => {}
        geometry => {
            assert_eq!(geometry["type"], "Point");
            let coordinates = geometry["coordinates"].as_array().unwrap();
            assert_eq!(coordinates.len(), 2);
            let (lon, lat) = (
                coordinates[0].as_f64().unwrap(),
                coordinates[1].as_f64().unwrap(),
            );
            assert!((-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat));
            // In Japan longitude (~122–154) is always larger than latitude (~20–46): [lon, lat] order.
            assert!(
                (122.0..=154.0).contains(&lon) && (20.0..=46.0).contains(&lat),
                "{coordinates:?}"
            );
        }
    }
}

async fn geojson_by_accept_header_is_a_feature_collection_of_lon_lat_points() {
    let request = Request::get("/api/v1/facilities")
        .header("accept", "application/geo+json")
        .body(Body::empty())
        .unwrap();
    let reply = send(app().await, request).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.content_type(), "application/geo+json");
    let collection = reply.json();
    assert_eq!(collection["type"], "FeatureCollection");
    let features = collection["features"].as_array().unwrap();
    assert_eq!(features.len(), 3);
    features.iter().for_each(assert_valid_feature);
    let desk = features
        .iter()
        .find(|f| f["properties"]["name"] == "架空相談支援センターもみじ")
        .unwrap();
    assert!(
        desk["geometry"].is_null(),
        "no position gives a null geometry"
    );
    let sakura = features
        .iter()
        .find(|f| f["properties"]["kind"] == "visiting_nurse")
        .unwrap();
    assert_eq!(
        sakura["geometry"]["coordinates"],
        serde_json::json!([139.4037, 35.3334])
    );
    assert_eq!(sakura["properties"]["capability_ventilator"], "yes");
    assert_eq!(sakura["properties"]["capability_dialysis"], "unknown");
    assert_eq!(sakura["properties"]["demo"], true);
}

async fn geojson_by_format_respects_filters_and_single_facility_is_a_feature() {
    let reply = get(
        app().await,
        "/api/v1/facilities?format=geojson&kind=hospital",
    )
    .await;
    assert_eq!(reply.content_type(), "application/geo+json");
    let features = reply.json()["features"].as_array().unwrap().clone();
    assert_eq!(features.len(), 1);
    assert_eq!(features[0]["properties"]["name"], "架空こども病院");
    let one = get(
        app().await,
        &format!("/api/v1/facilities/{}?format=geojson", id("sakura")),
    )
    .await;
    assert_valid_feature(&one.json());
}

async fn csv_has_a_bom_a_bilingual_header_and_parses() {
    let reply = get(
        app().await,
        "/api/v1/facilities?format=csv&municipality=14207",
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.content_type(), "text/csv; charset=utf-8");
    let disposition = reply.headers["content-disposition"].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment;") && disposition.contains(".csv"),
        "{disposition}"
    );
    assert!(
        reply.body.starts_with(b"\xEF\xBB\xBF"),
        "UTF-8 BOM for Excel"
    );
    let mut reader = csv::Reader::from_reader(&reply.body[3..]);
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert!(header.contains(&"名称 (name)".to_owned()), "{header:?}");
    assert!(
        header.contains(&"人工呼吸器 (capability_ventilator)".to_owned()),
        "{header:?}"
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(
        rows.len(),
        2,
        "filter applies: two active facilities in 14207"
    );
    let column = |name: &str| {
        header
            .iter()
            .position(|h| h.ends_with(&format!("({name})")))
            .unwrap()
    };
    assert!(rows.iter().all(|r| r.len() == header.len()));
    let sakura = rows
        .iter()
        .find(|r| &r[column("name")] == "架空訪問看護ステーションさくら")
        .unwrap();
    assert_eq!(&sakura[column("lon")], "139.4037");
    assert_eq!(&sakura[column("lat")], "35.3334");
    assert_eq!(&sakura[column("capability_ventilator")], "yes");
    assert_eq!(&sakura[column("demo")], "true");
}

async fn csv_by_accept_header() {
    let request = Request::get("/api/v1/facilities")
        .header("accept", "text/csv")
        .body(Body::empty())
        .unwrap();
    let reply = send(app().await, request).await;
    assert_eq!(reply.content_type(), "text/csv; charset=utf-8");
    assert_eq!(reply.headers["x-total-count"], "3");
}

on_both_backends!(
    geojson_by_accept_header_is_a_feature_collection_of_lon_lat_points,
    geojson_by_format_respects_filters_and_single_facility_is_a_feature,
    csv_has_a_bom_a_bilingual_header_and_parses,
    csv_by_accept_header,
);
