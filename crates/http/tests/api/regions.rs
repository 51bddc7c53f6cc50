//! `/api/v1/regions` (issue 4) over small authored polygons with fictional
//! names: 架空浜市 (14207) holds さくら and the closed clinic, 架空区 (14110)
//! the hospital; 1411 lists a unit whose boundary is not loaded.

use crate::support::{config, fixtures, get, id, store_with};
use axum::http::StatusCode;
use axum::Router;
use renkei_app::ReadModel as IndexHandle;
use renkei_core::region::{BoundaryIndex, MunicipalPopulation, Municipality, RegionTable};
use renkei_http::{router, AppState};
use renkei_store::PopulationRecord;

/// A 0.1° square with south-west corner (`west`, `south`), longitude first.
fn unit(code: &str, name: &str, west: f64, south: f64) -> Municipality {
    Municipality {
        code: code.parse().unwrap(),
        prefecture_name: "架空県".into(),
        subprefecture_name: None,
        county_or_city: None,
        name: name.into(),
        geometry: renkei_core::fixtures::square(west, south, 0.1),
    }
}

const TABLE: &str = r#"
    [prefecture]
    code = "14"
    name_ja = "架空県"
    [[regions]]
    code = "1407"
    name_ja = "架空東部"
    name_en = "Fictional East"
    municipalities = ["14207"]
    core_hospitals = ["架空中核病院"]
    [[regions]]
    code = "1412"
    name_ja = "架空北部"
    municipalities = ["14110"]
    [[regions]]
    code = "1411"
    name_ja = "架空西部"
    municipalities = ["14382"]
"#;

pub(crate) async fn regions_app() -> Router {
    let store = store_with(&fixtures()).await;
    let table = RegionTable::from_toml(TABLE).unwrap();
    let units = vec![
        unit("14207", "架空浜市", 139.35, 35.30),
        unit("14110", "架空区", 139.50, 35.35),
    ];
    store.upsert_region_table(&table).await.unwrap();
    store.replace_boundaries("fixture", &units).await.unwrap();
    store
        .set_population(&[PopulationRecord {
            population: MunicipalPopulation {
                code: "14207".parse().unwrap(),
                name: "架空浜市".into(),
                total: 1000,
                under_15: 150,
            },
            year: 2020,
            source: "架空統計".into(),
        }])
        .await
        .unwrap();
    let index = BoundaryIndex::new(units, std::slice::from_ref(&table));
    let placed = renkei_ingest::assign::assign_with(store.as_ref(), &index)
        .await
        .unwrap();
    assert_eq!(placed.changed, 3);
    let handle = IndexHandle::from_snapshot(renkei_app::load(store.as_ref()).await.unwrap());
    router(AppState::new(store, handle, config()))
}

#[tokio::test]
async fn issue_4_region_list_has_members_population_and_counts() {
    let reply = get(regions_app().await, "/api/v1/regions").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let body = reply.json();
    assert_eq!(body["boundaries_loaded"], 2);
    let items = body["items"].as_array().unwrap();
    let codes: Vec<_> = items.iter().map(|r| r["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["1407", "1412", "1411"]);
    let east = &items[0];
    assert_eq!(east["name_en"], "Fictional East");
    assert_eq!(east["prefecture"]["name_ja"], "架空県");
    assert_eq!(east["core_hospitals"][0], "架空中核病院");
    assert_eq!(east["municipalities"][0]["name"], "架空浜市");
    assert_eq!(east["population"]["total"], 1000);
    assert_eq!(east["population"]["under_15"], 150);
    assert_eq!(east["population"]["year"], 2020);
    // The closed clinic is placed here too but is not counted.
    assert_eq!(east["facilities"]["total"], 1);
    assert_eq!(east["facilities"]["by_kind"]["visiting_nurse"], 1);
    // issue 22: the extent a client frames a prefecture's regions with.
    let bbox: Vec<f64> = east["bbox"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    assert!(
        bbox[0] < 139.35 && 139.35 < bbox[2] && bbox[1] < 35.30 && 35.30 < bbox[3],
        "{bbox:?}"
    );
    assert!(items[2]["bbox"].is_null(), "1411's boundary is not loaded");
    let north = &items[1];
    assert_eq!(north["facilities"]["by_kind"]["hospital"], 1);
    assert!(north["population"]["total"].is_null());
    assert!(north["population"]["unknown_reason"]
        .as_str()
        .unwrap()
        .contains("14110"));
    assert!(
        items[2]["municipalities"][0]["name"].is_null(),
        "boundary not loaded"
    );
}

#[tokio::test]
async fn issue_4_point_lookup_inside_nearest_outside_and_bad_input() {
    let app = regions_app().await;
    let inside = get(app.clone(), "/api/v1/regions/at?lon=139.4037&lat=35.3334").await;
    assert_eq!(inside.status, StatusCode::OK, "{}", inside.text());
    let place = inside.json();
    assert_eq!(place["municipality"]["code"], "14207");
    assert_eq!(place["region"]["code"], "1407");
    assert_eq!(
        (place["method"].as_str(), place["distance_m"].as_f64()),
        (Some("inside"), Some(0.0))
    );

    // 0.002° east of 架空浜市 (about 180 m at 35.3° N): nearest, flagged with the distance.
    let coast = get(app.clone(), "/api/v1/regions/at?lon=139.452&lat=35.32")
        .await
        .json();
    assert_eq!(coast["method"], "nearest");
    let metres = coast["distance_m"].as_f64().unwrap();
    assert!((150.0..220.0).contains(&metres), "{metres}");

    get(app.clone(), "/api/v1/regions/at?lon=130&lat=30")
        .await
        .assert_error(StatusCode::NOT_FOUND, "outside_regions");
    for (query, field) in [
        ("lon=200&lat=35", "lon"),
        ("lon=139.4", "lat"),
        ("lon=x&lat=35", "lon"),
    ] {
        let error = get(app.clone(), &format!("/api/v1/regions/at?{query}"))
            .await
            .assert_error(StatusCode::BAD_REQUEST, "bad_parameter");
        assert_eq!(error["field"], field, "{query}");
    }
}

#[tokio::test]
async fn issue_4_region_and_municipality_geojson_with_simplify() {
    let app = regions_app().await;
    let region = get(app.clone(), "/api/v1/regions/1407?simplify=0.001").await;
    assert_eq!(region.status, StatusCode::OK, "{}", region.text());
    assert!(region.content_type().starts_with("application/geo+json"));
    let feature = region.json();
    assert_eq!(feature["type"], "Feature");
    assert_eq!(feature["geometry"]["type"], "MultiPolygon");
    assert_eq!(feature["properties"]["area"], "secondary_medical_region");
    assert_eq!(feature["properties"]["simplify_deg"], 0.001);
    let ring = &feature["geometry"]["coordinates"][0][0];
    assert_eq!(
        ring[0],
        ring[ring.as_array().unwrap().len() - 1],
        "closed ring"
    );

    let ward = get(app.clone(), "/api/v1/regions/14110").await.json();
    assert_eq!(ward["properties"]["area"], "municipality");
    assert_eq!(ward["properties"]["region_code"], "1412");
    assert_eq!(ward["properties"]["name_ja"], "架空区");
    let no_boundary = get(app.clone(), "/api/v1/regions/1411").await.json();
    assert!(no_boundary["geometry"].is_null());

    for bad in ["-1", "0.2", "abc"] {
        let error = get(app.clone(), &format!("/api/v1/regions/1407?simplify={bad}"))
            .await
            .assert_error(StatusCode::BAD_REQUEST, "bad_parameter");
        assert_eq!(error["field"], "simplify");
    }
    get(app.clone(), "/api/v1/regions/1499")
        .await
        .assert_error(StatusCode::NOT_FOUND, "not_found");
    get(app.clone(), "/api/v1/regions/14999")
        .await
        .assert_error(StatusCode::NOT_FOUND, "not_found");
    let error = get(app, "/api/v1/regions/tokyo")
        .await
        .assert_error(StatusCode::BAD_REQUEST, "bad_parameter");
    assert_eq!(error["field"], "code");
}

#[tokio::test]
async fn issue_4_region_facilities_page_like_the_facility_list() {
    let app = regions_app().await;
    let reply = get(app.clone(), "/api/v1/regions/1407/facilities").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.headers["x-total-count"], "1");
    let list = reply.json();
    assert_eq!(list["items"][0]["id"], id("sakura").to_string());
    assert_eq!(list["items"][0]["location"]["region_code"], "1407");

    let geojson = get(
        app.clone(),
        "/api/v1/regions/1412/facilities?format=geojson",
    )
    .await;
    assert!(geojson.content_type().starts_with("application/geo+json"));
    assert_eq!(geojson.json()["features"].as_array().unwrap().len(), 1);
    let csv = get(app.clone(), "/api/v1/regions/1407/facilities?format=csv").await;
    assert!(csv.text().contains("架空訪問看護ステーションさくら"));
    let by_unit = get(
        app.clone(),
        "/api/v1/regions/14207/facilities?kind=visiting_nurse",
    )
    .await;
    assert_eq!(by_unit.headers["x-total-count"], "1");

    let error = get(app.clone(), "/api/v1/regions/1407/facilities?per_page=0")
        .await
        .assert_error(StatusCode::BAD_REQUEST, "bad_parameter");
    assert_eq!(error["field"], "per_page");
    get(app, "/api/v1/regions/1499/facilities")
        .await
        .assert_error(StatusCode::NOT_FOUND, "not_found");
}
