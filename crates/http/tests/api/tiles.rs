//! Vector tiles and TileJSON (issue 7), decoded with geozero: features,
//! properties, positions in tile units, clipping, errors, and a cache that
//! follows the data. Regions and boundaries are the fictional squares of
//! `regions::regions_app` (架空浜市 14207 in 1407, 架空区 14110 in 1412).
//! Each test runs on SQLite and, with `DATABASE_URL`, on PostgreSQL.

use crate::regions::regions_app;
use crate::support::{get, id, send, source, state};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use geo::BoundingRect;
use geozero::mvt::tile::{GeomType, Layer};
use geozero::mvt::{Message, Tile};
use geozero::ToGeo;
use renkei_app::refresh_if_stale;
use renkei_core::fixtures::fictional_facility;
use renkei_core::LonLat;
use renkei_http::router;
use renkei_store::SourceInfo;
use std::collections::BTreeMap;
use std::f64::consts::PI;

/// The XYZ tile holding (`lon`, `lat`) at `z`, and the point's position in
/// that tile in tile units (0…4096, y down).
fn tile_of(lon: f64, lat: f64, z: u8) -> ((u32, u32), (f64, f64)) {
    let n = f64::from(1u32 << z);
    let fx = (lon + 180.0) / 360.0 * n;
    let fy = (1.0 - (lat.to_radians().tan() + 1.0 / lat.to_radians().cos()).ln() / PI) / 2.0 * n;
    let (x, y) = (fx.floor(), fy.floor());
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "tile numbers of Kanagawa at z ≤ 16 are small and positive"
    )]
    let tile = (x as u32, y as u32);
    (tile, ((fx - x) * 4096.0, (fy - y) * 4096.0))
}

async fn decode(app: Router, uri: &str) -> Tile {
    let reply = get(app, uri).await;
    assert_eq!(reply.status, StatusCode::OK, "{uri}: {}", reply.text());
    assert_eq!(reply.content_type(), "application/vnd.mapbox-vector-tile");
    Tile::decode(reply.body.as_slice()).expect("a valid MVT protobuf")
}

/// Every feature's properties, as text.
fn properties(layer: &Layer) -> Vec<BTreeMap<String, String>> {
    layer
        .features
        .iter()
        .map(|feature| {
            feature
                .tags
                .chunks(2)
                .map(|pair| {
                    let key = layer.keys[pair[0] as usize].clone();
                    let value = layer.values[pair[1] as usize].string_value.clone().unwrap();
                    (key, value)
                })
                .collect()
        })
        .collect()
}

async fn issue_7_facility_tile_has_active_positioned_facilities_at_their_place() {
    let app = regions_app().await;
    let (lon, lat) = (139.4037, 35.3334); // 架空訪問看護ステーションさくら, longitude first
    let ((x, y), (px, py)) = tile_of(lon, lat, 10);
    let tile = decode(app.clone(), &format!("/tiles/facilities/10/{x}/{y}.mvt")).await;
    assert_eq!(tile.layers.len(), 1);
    let layer = &tile.layers[0];
    assert_eq!(
        (layer.name.as_str(), layer.version, layer.extent),
        ("facilities", 2, Some(4096))
    );
    let props = properties(layer);
    let ids: Vec<_> = props.iter().map(|p| p["id"].clone()).collect();
    // The hospital (139.52, 35.40) shares this z10 tile; the closed clinic and
    // the desk without a position are never drawn.
    let mut expected = vec![id("sakura").to_string(), id("kodomo").to_string()];
    expected.sort();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(sorted, expected);
    let i = ids
        .iter()
        .position(|i| *i == id("sakura").to_string())
        .unwrap();
    assert_eq!(props[i]["kind"], "visiting_nurse");
    assert_eq!(props[i]["name"], "架空訪問看護ステーションさくら");
    assert_eq!(props[i]["region"], "1407");
    let feature = &layer.features[i];
    assert_eq!(feature.r#type(), GeomType::Point);
    let geo::Geometry::Point(point) = feature.to_geo().unwrap() else {
        panic!("a point")
    };
    assert!(
        (point.x() - px).abs() <= 1.0 && (point.y() - py).abs() <= 1.0,
        "{point:?} vs ({px}, {py})"
    );

    // A tile far away (Hokkaido) is empty, and still a valid tile.
    let ((x, y), _) = tile_of(141.35, 43.06, 10);
    assert!(decode(app, &format!("/tiles/facilities/10/{x}/{y}.mvt"))
        .await
        .layers
        .is_empty());
}

async fn issue_7_region_and_municipality_tiles_are_clipped_polygons_with_names() {
    let app = regions_app().await;
    let ((x, y), _) = tile_of(139.45, 35.37, 8);
    let tile = decode(app.clone(), &format!("/tiles/regions/8/{x}/{y}.mvt")).await;
    let layer = &tile.layers[0];
    assert_eq!(layer.name, "regions");
    let props = properties(layer);
    let codes: Vec<_> = props.iter().map(|p| p["code"].as_str()).collect();
    assert_eq!(codes, ["1407", "1412"], "1411 has no boundary loaded");
    assert_eq!(props[0]["name_ja"], "架空東部");
    assert_eq!(props[0]["name_en"], "Fictional East");
    assert!(!props[1].contains_key("name_en"), "no English name, no tag");
    // 架空浜市 is the square 139.35…139.45 × 35.30…35.40: its corners land
    // where the tile grid says, in tile units.
    let polygon = layer.features[0].to_geo().unwrap();
    assert_eq!(layer.features[0].r#type(), GeomType::Polygon);
    let bounds = polygon.bounding_rect().unwrap();
    let (_, (west, north)) = tile_of(139.35, 35.40, 8);
    let (_, (east, south)) = tile_of(139.45, 35.30, 8);
    for (got, want) in [
        (bounds.min().x, west),
        (bounds.max().x, east),
        (bounds.min().y, north),
        (bounds.max().y, south),
    ] {
        assert!((got - want).abs() <= 1.0, "{bounds:?}: {got} vs {want}");
    }

    // At z14 a tile inside 架空浜市 gets the square clipped to the tile plus its buffer.
    let ((x, y), _) = tile_of(139.40, 35.35, 14);
    let tile = decode(app, &format!("/tiles/municipalities/14/{x}/{y}.mvt")).await;
    let layer = &tile.layers[0];
    let props = properties(layer);
    assert_eq!(props.len(), 1);
    assert_eq!(props[0]["code"], "14207");
    assert_eq!(props[0]["name_ja"], "架空浜市");
    assert_eq!(props[0]["region"], "1407");
    let bounds = layer.features[0].to_geo().unwrap().bounding_rect().unwrap();
    for value in [
        bounds.min().x,
        bounds.min().y,
        bounds.max().x,
        bounds.max().y,
    ] {
        assert!(
            (-65.0..=4161.0).contains(&value),
            "clipped to the buffer: {bounds:?}"
        );
    }
}

async fn issue_7_tilejson_describes_each_layer_with_absolute_urls_and_bounds() {
    let app = regions_app().await;
    for layer in ["facilities", "regions", "municipalities"] {
        let request = Request::get(format!("/tiles/{layer}.json"))
            .header("host", "renkei.example:8080")
            .body(Body::empty())
            .unwrap();
        let reply = send(app.clone(), request).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
        let doc = reply.json();
        assert_eq!(doc["tilejson"], "3.0.0");
        assert_eq!(
            doc["tiles"][0],
            format!("http://renkei.example:8080/tiles/{layer}/{{z}}/{{x}}/{{y}}.mvt")
        );
        assert_eq!(doc["vector_layers"][0]["id"], layer);
        assert!(doc["vector_layers"][0]["fields"]
            .as_object()
            .is_some_and(|f| !f.is_empty()));
        let bounds: Vec<f64> = doc["bounds"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        let expected = [139.35, 35.30, 139.60, 35.45]; // the two boundary squares
        for (got, want) in bounds.iter().zip(expected) {
            assert!((got - want).abs() < 1e-9, "{bounds:?}");
        }
    }
}

async fn issue_7_bad_tile_addresses_are_400s_naming_the_part_and_unknown_layers_404() {
    let app = regions_app().await;
    for (uri, field) in [
        ("/tiles/facilities/3/8/0.mvt", "x"),
        ("/tiles/facilities/3/0/8.mvt", "y"),
        ("/tiles/facilities/23/0/0.mvt", "z"),
        ("/tiles/facilities/a/0/0.mvt", "z"),
        ("/tiles/facilities/1/0/0.png", "y"),
        ("/tiles/facilities/1/-1/0.mvt", "x"),
    ] {
        let error = get(app.clone(), uri)
            .await
            .assert_error(StatusCode::BAD_REQUEST, "bad_parameter");
        assert_eq!(error["field"], field, "{uri}");
    }
    get(app.clone(), "/tiles/roads/0/0/0.mvt")
        .await
        .assert_error(StatusCode::NOT_FOUND, "not_found");
    get(app, "/tiles/roads.json")
        .await
        .assert_error(StatusCode::NOT_FOUND, "not_found");
}

async fn issue_7_cached_tiles_follow_the_data() {
    let state = state().await;
    let app = router(state.clone());
    let uri = "/tiles/facilities/0/0/0.mvt";
    let names = |tile: &Tile| -> Vec<String> {
        properties(&tile.layers[0])
            .into_iter()
            .map(|p| p["name"].clone())
            .collect()
    };
    let before = names(&decode(app.clone(), uri).await);
    assert_eq!(before.len(), 2, "{before:?}");
    assert_eq!(
        names(&decode(app.clone(), uri).await),
        before,
        "served again from the cache"
    );
    let added = fictional_facility(
        "tiles-new",
        "clinic",
        "架空タイルクリニック",
        Some(LonLat::new(139.45, 35.35).unwrap()),
    );
    // fictional_facility records come from the source "test".
    let fixture_source = SourceInfo {
        key: "test".into(),
        ..source()
    };
    state
        .store
        .upsert_facilities(&fixture_source, &[added])
        .await
        .unwrap();
    refresh_if_stale(state.store.as_ref(), &state.index).await;
    let after = names(&decode(app, uri).await);
    assert!(
        after.contains(&"架空タイルクリニック".to_owned()),
        "{after:?}"
    );
    assert_eq!(after.len(), 3);
}

on_both_backends!(
    issue_7_facility_tile_has_active_positioned_facilities_at_their_place,
    issue_7_region_and_municipality_tiles_are_clipped_polygons_with_names,
    issue_7_tilejson_describes_each_layer_with_absolute_urls_and_bounds,
    issue_7_bad_tile_addresses_are_400s_naming_the_part_and_unknown_layers_404,
    issue_7_cached_tiles_follow_the_data,
);

#[tokio::test]
async fn issue_18_rail_and_station_tiles_from_the_real_base_map_say_their_licence() {
    let extra = [
        ("stations", "basemap/N02-23_Station_kanagawa_bbox.geojson"),
        ("rail-lines", "basemap/railway_lines_kanagawa_bbox.geojson"),
    ];
    let Some(app) = crate::search_real::kanagawa_app_with(&extra).await else {
        println!("SKIPPED: the Kanagawa open data is not in ../shared/data");
        return;
    };
    // 茅ヶ崎駅 (東海道線・相模線), longitude first.
    let ((x, y), _) = tile_of(139.4075, 35.3307, 14);
    let tile = decode(app.clone(), &format!("/tiles/stations/14/{x}/{y}.mvt")).await;
    let stations = properties(&tile.layers[0]);
    let chigasaki = stations
        .iter()
        .find(|p| p["name"] == "茅ヶ崎駅")
        .unwrap_or_else(|| panic!("{stations:?}"));
    assert!(chigasaki["lines"].contains("相模線"), "{chigasaki:?}");
    let tile = decode(app.clone(), &format!("/tiles/rail/14/{x}/{y}.mvt")).await;
    let layer = &tile.layers[0];
    assert_eq!(layer.name, "rail");
    assert!(layer
        .features
        .iter()
        .all(|f| f.r#type == Some(GeomType::Linestring as i32)));
    let names: Vec<String> = properties(layer)
        .into_iter()
        .map(|p| p["name"].clone())
        .collect();
    assert!(names.iter().any(|n| n.contains("東海道")), "{names:?}");
    let doc = get(app, "/tiles/rail.json").await.json();
    let attribution = doc["attribution"].as_str().unwrap();
    assert!(
        attribution.contains("CC BY-SA 4.0") && attribution.contains("station_database"),
        "{attribution}"
    );
}
