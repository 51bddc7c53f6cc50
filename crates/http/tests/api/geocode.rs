//! `/api/v1/geocode` and `/api/v1/geocode/reverse` (issue 6) over the search
//! fixtures' two square municipalities and their town points.

use crate::search::{call, ok, search_app};
use axum::http::StatusCode;
use serde_json::Value;

fn matched(body: &Value) -> Vec<&str> {
    body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["matched"].as_str().unwrap())
        .collect()
}

async fn suggestions_for_partial_input() {
    let app = search_app().await;
    // As typed so far, with ケ for ヶ: the towns starting with 東海, then the
    // municipality itself.
    let partial = ok(&app, "/api/v1/geocode?q=茅ケ崎市東海").await;
    assert_eq!(
        matched(&partial),
        [
            "茅ヶ崎市東海岸北一丁目",
            "茅ヶ崎市東海岸北二丁目",
            "茅ヶ崎市東海岸南一丁目",
            "茅ヶ崎市"
        ]
    );
    let first = &partial["results"][0];
    assert_eq!(first["label"], "神奈川県茅ヶ崎市東海岸北一丁目");
    assert_eq!(first["precision"], "town");
    assert_eq!(first["municipality_code"], "14207");
    assert_eq!(
        (first["lon"].as_f64(), first["lat"].as_f64()),
        (Some(139.41), Some(35.335))
    );
    // A reading finds the municipality, at a point inside it.
    let reading = ok(&app, "/api/v1/geocode?q=ちがさき").await;
    assert_eq!(matched(&reading), ["茅ヶ崎市"]);
    assert_eq!(reading["results"][0]["precision"], "municipality");
    let lon = reading["results"][0]["lon"].as_f64().unwrap();
    assert!((139.35..139.45).contains(&lon), "{lon}");
    // A full address comes first, at its town; the ward alone finds its city.
    let full = ok(&app, "/api/v1/geocode?q=神奈川県茅ヶ崎市本村５－１５－１").await;
    assert_eq!(matched(&full)[0], "茅ヶ崎市本村五丁目");
    let ward = ok(&app, "/api/v1/geocode?q=戸塚").await;
    assert_eq!(matched(&ward)[0], "横浜市戸塚区");
    let limited = ok(&app, "/api/v1/geocode?q=茅ヶ崎市&limit=2").await;
    assert_eq!(limited["results"].as_array().unwrap().len(), 2);
    let nothing = ok(&app, "/api/v1/geocode?q=架空県架空村").await;
    assert_eq!(nothing["results"], serde_json::json!([]));
    for (uri, field) in [
        ("/api/v1/geocode", "q"),
        ("/api/v1/geocode?q=%20", "q"),
        ("/api/v1/geocode?q=茅ヶ崎&limit=0", "limit"),
        ("/api/v1/geocode?q=茅ヶ崎&limit=51", "limit"),
    ] {
        let error = call(&app, uri)
            .await
            .assert_error(StatusCode::BAD_REQUEST, "bad_parameter");
        assert_eq!(error["field"], field, "{uri}");
    }
}

async fn reverse_finds_municipality_region_and_town() {
    let app = search_app().await;
    let body = ok(&app, "/api/v1/geocode/reverse?lon=139.419&lat=35.331").await;
    assert_eq!(body["municipality_code"], "14207");
    assert_eq!(body["municipality_name"], "茅ヶ崎市");
    assert_eq!(
        (body["region_code"].as_str(), body["region_name"].as_str()),
        (Some("1407"), Some("湘南東部"))
    );
    assert_eq!(body["town"]["name"], "東海岸北二丁目");
    let distance = body["town"]["distance_m"].as_f64().unwrap();
    assert!((100.0..200.0).contains(&distance), "{distance}");
    // Near the border the town is the municipality's own, not the neighbour's.
    let ward = ok(&app, "/api/v1/geocode/reverse?lon=139.501&lat=35.36").await;
    assert_eq!(ward["municipality_name"], "横浜市戸塚区");
    assert_eq!(ward["town"]["name"], "戸塚町");
    call(&app, "/api/v1/geocode/reverse?lon=140.5&lat=36.5")
        .await
        .assert_error(StatusCode::NOT_FOUND, "outside_regions");
    let error = call(&app, "/api/v1/geocode/reverse?lon=139.4&lat=95")
        .await
        .assert_error(StatusCode::BAD_REQUEST, "bad_parameter");
    assert_eq!(error["field"], "lat");
}

on_both_backends!(
    suggestions_for_partial_input,
    reverse_finds_municipality_region_and_town,
);
