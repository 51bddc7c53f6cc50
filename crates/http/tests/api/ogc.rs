//! `/ogc`, OGC API – Features: the documents and their exact media types,
//! the OpenAPI 3.0 document against the routes, parameter errors, paging
//! across `next` links, and GDAL (`ogrinfo`, `ogr2ogr`, Debian `gdal-bin`)
//! as a real client of a server on loopback with the real Kanagawa data.
//! GDAL tests print `SKIPPED:` when `ogrinfo` is missing; real-data tests
//! when ../shared/data is.

use crate::search_real::kanagawa_app;
use crate::support::{app_with_kanagawa, get};
use axum::http::StatusCode;
use axum::Router;
use renkei_http::ogc::{CONFORMANCE, CRS84, GEOJSON, OPENAPI_30, PATHS, SCHEMA_JSON};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

async fn ok(app: &Router, uri: &str, media_type: &str) -> Value {
    let reply = get(app.clone(), uri).await;
    assert_eq!(reply.status, StatusCode::OK, "{uri}: {}", reply.text());
    assert_eq!(reply.content_type(), media_type, "{uri}");
    reply.json()
}

fn href<'a>(links: &'a Value, rel: &str) -> Option<&'a str> {
    links
        .as_array()?
        .iter()
        .find(|l| l["rel"] == rel)
        .and_then(|l| l["href"].as_str())
}

/// The path and query of an absolute link, to send to the router.
fn local(href: &str) -> &str {
    let rest = href.split_once("://").map_or(href, |(_, rest)| rest);
    &rest[rest.find('/').unwrap_or(rest.len())..]
}

#[tokio::test]
async fn issue_20_ogc_documents_have_exact_media_types_and_the_openapi_30_document_matches_the_routes(
) {
    let app = app_with_kanagawa().await;
    let landing = ok(&app, "/ogc", "application/json").await;
    assert_eq!(
        local(href(&landing["links"], "service-desc").unwrap()),
        "/ogc/api"
    );
    assert_eq!(
        local(href(&landing["links"], "data").unwrap()),
        "/ogc/collections"
    );
    let conformance = ok(&app, "/ogc/conformance", "application/json").await;
    for class in CONFORMANCE {
        assert!(conformance["conformsTo"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == class));
    }
    let document = ok(&app, "/ogc/api", OPENAPI_30).await;
    assert!(document["openapi"].as_str().unwrap().starts_with("3.0."));
    let documented: BTreeSet<&str> = document["paths"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        documented,
        PATHS.into_iter().collect::<BTreeSet<_>>(),
        "the document lists exactly the routes"
    );
    let collections = ok(&app, "/ogc/collections", "application/json").await;
    let ids: Vec<&str> = collections["collections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["facilities", "regions", "municipalities"]);
    let facilities = &collections["collections"][0];
    assert_eq!(facilities["crs"][0], CRS84);
    let bbox = facilities["extent"]["spatial"]["bbox"][0]
        .as_array()
        .unwrap();
    assert_eq!(bbox.len(), 4, "extent.spatial.bbox is an array of boxes");
    assert_eq!(facilities["extent"]["spatial"]["crs"], CRS84);
    // Every documented path answers, with the media type the document gives.
    let items = ok(&app, "/ogc/collections/facilities/items", GEOJSON).await;
    let feature = items["features"][0]["id"].as_str().unwrap().to_owned();
    for path in PATHS {
        let uri = format!(
            "/ogc{}",
            path.replace("{collectionId}", "facilities")
                .replace("{featureId}", &feature)
        );
        let operation = &document["paths"][path]["get"];
        let media_type = operation["responses"]["200"]["content"]
            .as_object()
            .unwrap()
            .keys()
            .next()
            .unwrap();
        ok(&app, &uri, media_type).await;
    }
    let queryables = ok(&app, "/ogc/collections/facilities/queryables", SCHEMA_JSON).await;
    assert!(queryables["properties"]["kind"].is_object());
    assert_eq!(
        queryables["properties"]["geometry"]["format"],
        "geometry-point"
    );
}

#[tokio::test]
async fn issue_20_ogc_items_reject_unlimited_limits_and_unknown_parameters() {
    let app = app_with_kanagawa().await;
    for uri in [
        "/ogc/collections/facilities/items?limit=unlimited",
        "/ogc/collections/facilities/items?limit=0",
        "/ogc/collections/facilities/items?limit=-1",
        "/ogc/collections/facilities/items?colour=red",
        "/ogc/collections/facilities/items?bbox=139,35,140",
        "/ogc/collections/facilities/items?bbox=139,36,140,35",
        "/ogc/collections/facilities/items?f=html",
        "/ogc/collections/facilities/items?datetime=yesterday",
        "/ogc/collections/regions/items?kind=hospital",
        "/ogc/collections?colour=red",
    ] {
        get(app.clone(), uri)
            .await
            .assert_error(StatusCode::BAD_REQUEST, "bad_parameter");
    }
    for uri in [
        "/ogc/collections/castles",
        "/ogc/collections/castles/items",
        "/ogc/collections/facilities/items/not-a-uuid",
        "/ogc/collections/regions/items/9999",
    ] {
        get(app.clone(), uri)
            .await
            .assert_error(StatusCode::NOT_FOUND, "not_found");
    }
    // A larger limit than served is capped, not refused; queryables filter.
    let capped = ok(
        &app,
        "/ogc/collections/facilities/items?limit=20000",
        GEOJSON,
    )
    .await;
    assert_eq!(
        capped["numberReturned"],
        capped["features"].as_array().unwrap().len()
    );
    let hospitals = ok(
        &app,
        "/ogc/collections/facilities/items?kind=hospital",
        GEOJSON,
    )
    .await;
    assert_eq!(hospitals["numberMatched"], 1);
    assert_eq!(
        hospitals["features"][0]["properties"]["name"],
        "架空こども病院"
    );
    let text = get(app.clone(), "/ogc/collections/facilities/items?limit=100")
        .await
        .text();
    assert!(
        !text.contains("STAFF-ONLY")
            && !text.contains("0467-99-0001")
            && !text.contains("架空クリニック閉院")
    );
}

/// Every feature of `collection`, following `next` links from a first page of `limit`.
async fn all_by_next_links(app: &Router, collection: &str, limit: u32) -> (Vec<Value>, u64) {
    let mut uri = format!("/ogc/collections/{collection}/items?limit={limit}");
    let mut features = Vec::new();
    let mut matched = None;
    loop {
        let page = ok(app, &uri, GEOJSON).await;
        let returned = page["features"].as_array().unwrap();
        assert_eq!(page["numberReturned"], returned.len(), "{uri}");
        let this = page["numberMatched"].as_u64().unwrap();
        assert_eq!(
            *matched.get_or_insert(this),
            this,
            "numberMatched is stable"
        );
        features.extend(returned.iter().cloned());
        match href(&page["links"], "next") {
            Some(next) => local(next).clone_into(&mut uri),
            None => break,
        }
    }
    (features, matched.unwrap_or_default())
}

#[tokio::test]
async fn issue_20_kanagawa_ogc_paging_across_next_links_returns_every_feature_once() {
    let Some(app) = kanagawa_app().await else {
        return;
    };
    for (collection, limit) in [("facilities", 1000), ("regions", 3), ("municipalities", 10)] {
        let (features, matched) = all_by_next_links(&app, collection, limit).await;
        let ids: BTreeSet<String> = features.iter().map(|f| f["id"].to_string()).collect();
        assert_eq!(
            ids.len(),
            features.len(),
            "{collection}: a feature came twice"
        );
        assert_eq!(
            features.len() as u64,
            matched,
            "{collection}: every feature"
        );
        assert!(matched > 0, "{collection}");
        println!("{collection}: {matched} features");
    }
    let total = get(app.clone(), "/api/v1/facilities?per_page=1").await;
    let total: u64 = total.headers["x-total-count"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let page = ok(&app, "/ogc/collections/facilities/items?limit=1", GEOJSON).await;
    assert_eq!(
        page["numberMatched"], total,
        "the same facilities as the REST API"
    );
    // bbox around 茅ヶ崎市: every point inside it, fewer than all.
    let bbox = [139.35, 35.30, 139.45, 35.37];
    let uri = format!(
        "/ogc/collections/facilities/items?limit=10000&bbox={},{},{},{}",
        bbox[0], bbox[1], bbox[2], bbox[3]
    );
    let inside = ok(&app, &uri, GEOJSON).await;
    let features = inside["features"].as_array().unwrap();
    assert!(!features.is_empty() && (features.len() as u64) < total);
    for f in features {
        let [lon, lat] = [
            f["geometry"]["coordinates"][0].as_f64().unwrap(),
            f["geometry"]["coordinates"][1].as_f64().unwrap(),
        ];
        assert!(
            (bbox[0]..=bbox[2]).contains(&lon) && (bbox[1]..=bbox[3]).contains(&lat),
            "{f}"
        );
    }
}

/// Runs a GDAL tool, returning its standard output; panics with its errors.
fn gdal(tool: &str, args: &[&str]) -> String {
    let output = Command::new(tool)
        .args(args)
        .env("NO_PROXY", "127.0.0.1")
        .env("GDAL_HTTP_TIMEOUT", "120")
        .output()
        .unwrap_or_else(|e| panic!("{tool}: {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{tool} {args:?} failed:\n{}\n{stdout}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// `Feature Count: N` of each layer in an `ogrinfo -so -al` listing.
fn feature_counts(listing: &str) -> BTreeMap<String, u64> {
    let mut counts = BTreeMap::new();
    let mut layer = None;
    for line in listing.lines() {
        if let Some(name) = line.strip_prefix("Layer name: ") {
            layer = Some(name.trim().to_owned());
        }
        if let (Some(count), Some(name)) = (line.strip_prefix("Feature Count: "), layer.as_ref()) {
            counts.insert(name.clone(), count.trim().parse().unwrap());
        }
    }
    counts
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_20_kanagawa_gdal_reads_every_collection_with_the_apis_counts_and_geometries() {
    if Command::new("ogrinfo").arg("--version").output().is_err() {
        eprintln!("SKIPPED: ogrinfo not found; install gdal-bin (scripts/install-deps.sh --test) to run the GDAL client tests");
        return;
    }
    let Some(app) = kanagawa_app().await else {
        return;
    };
    let mut expected = BTreeMap::new();
    let mut geometries = BTreeMap::new();
    for collection in ["facilities", "regions", "municipalities"] {
        let (features, matched) = all_by_next_links(&app, collection, 10_000).await;
        expected.insert(collection.to_owned(), matched);
        geometries.insert(collection.to_owned(), features);
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let source = format!("OAPIF:http://127.0.0.1:{port}/ogc");
    let dir = tempfile::tempdir().unwrap();
    let gpkg = dir.path().join("renkei.gpkg").display().to_string();
    let (listing, packaged, exported) = tokio::task::spawn_blocking(move || {
        let listing = gdal("ogrinfo", &["-ro", "-so", "-al", &source]);
        gdal("ogr2ogr", &["-f", "GPKG", &gpkg, &source]);
        let packaged = gdal("ogrinfo", &["-ro", "-so", "-al", &gpkg]);
        let exported: BTreeMap<String, Value> = ["facilities", "regions", "municipalities"]
            .into_iter()
            .map(|layer| {
                let json = gdal("ogr2ogr", &["-f", "GeoJSON", "/vsistdout/", &gpkg, layer]);
                (layer.to_owned(), serde_json::from_str(&json).unwrap())
            })
            .collect();
        (listing, packaged, exported)
    })
    .await
    .unwrap();
    server.abort();
    println!("GDAL read {:?}", feature_counts(&listing));
    assert_eq!(
        feature_counts(&listing),
        expected,
        "ogrinfo on the API:\n{listing}"
    );
    assert_eq!(
        feature_counts(&packaged),
        expected,
        "ogrinfo on the GeoPackage:\n{packaged}"
    );
    // The copies hold the API's geometries, feature by feature (by code / id).
    for (layer, features) in &geometries {
        let key = |f: &Value| -> String {
            let p = &f["properties"];
            p["code"]
                .as_str()
                .or(p["id"].as_str())
                .unwrap_or_default()
                .to_owned()
        };
        let api: BTreeMap<String, &Value> =
            features.iter().map(|f| (key(f), &f["geometry"])).collect();
        let copy = exported[layer]["features"].as_array().unwrap();
        assert_eq!(copy.len(), api.len(), "{layer}");
        for feature in copy {
            let theirs = &feature["geometry"];
            let ours = api
                .get(&key(feature))
                .unwrap_or_else(|| panic!("{layer}: {} is not the API's", key(feature)));
            assert_same_geometry(ours, theirs, layer);
        }
    }
}

/// Every number of a GeoJSON coordinates array, in order.
fn flat(value: &Value, out: &mut Vec<f64>) {
    match value {
        Value::Array(items) => items.iter().for_each(|v| flat(v, out)),
        Value::Number(n) => out.push(n.as_f64().unwrap()),
        _ => {}
    }
}

/// Same type and the same coordinates to 1e-9 degrees (GeoPackage stores doubles).
fn assert_same_geometry(ours: &Value, theirs: &Value, layer: &str) {
    if ours.is_null() {
        assert!(theirs.is_null(), "{layer}: {theirs}");
        return;
    }
    let (mut a, mut b) = (Vec::new(), Vec::new());
    flat(&ours["coordinates"], &mut a);
    flat(&theirs["coordinates"], &mut b);
    let kind = |g: &Value| {
        g["type"]
            .as_str()
            .unwrap_or_default()
            .trim_start_matches("Multi")
            .to_owned()
    };
    assert_eq!(kind(ours), kind(theirs), "{layer}");
    assert_eq!(
        a.len(),
        b.len(),
        "{layer}: {} vs {}",
        ours["type"],
        theirs["type"]
    );
    assert!(
        a.iter().zip(&b).all(|(x, y)| (x - y).abs() < 1e-9),
        "{layer}: coordinates differ"
    );
}

/// The value of attribute `name` on an XML line.
fn attribute<'a>(line: &'a str, name: &str) -> Option<&'a str> {
    let start = line.find(&format!(" {name}=\""))? + name.len() + 3;
    let rest = &line[start..];
    Some(&rest[..rest.find('"')?])
}

#[test]
fn issue_20_qgis_project_has_the_collections_and_views_and_the_taxonomy_kind_colours() {
    let project = include_str!("../../../../gis/renkei.qgs");
    let migrations = [
        include_str!("../../../../migrations/postgres/0001_directory.sql"),
        include_str!("../../../../migrations/postgres/0002_regions.sql"),
    ];
    let taxonomy = renkei_core::Taxonomy::builtin();
    let (mut collections, mut views, mut styled) = (Vec::new(), Vec::new(), 0);
    for layer in project.split("<maplayer ").skip(1) {
        let layer = &layer[..layer.find("</maplayer>").unwrap()];
        let source = layer
            .split("<datasource>")
            .nth(1)
            .unwrap()
            .split("</datasource>")
            .next()
            .unwrap();
        if let Some(name) = source.split("typename='").nth(1) {
            collections.push(name[..name.find('\'').unwrap()].to_owned());
            assert!(source.contains("version='OGC_API_FEATURES'"), "{source}");
        } else {
            let view = source.split("table=\"public\".\"").nth(1).unwrap();
            let view = &view[..view.find('"').unwrap()];
            assert!(
                migrations
                    .iter()
                    .any(|m| m.contains(&format!("CREATE VIEW {view} AS"))),
                "{view}"
            );
            assert!(
                source.contains("user='gis_reader'"),
                "the read-only role: {source}"
            );
            views.push(view.to_owned());
        }
        if !layer.contains("attr=\"kind\"") {
            continue;
        }
        styled += 1;
        // Category value → symbol name → the symbol's fill colour.
        let mut symbols = BTreeMap::new();
        let mut current = None;
        for line in layer.lines() {
            if line.trim_start().starts_with("<symbol ") {
                current = attribute(line, "name");
            }
            if let (Some(symbol), Some("color")) = (current, attribute(line, "name")) {
                symbols.insert(symbol, attribute(line, "value").unwrap());
                current = None;
            }
        }
        let categories: BTreeMap<&str, &str> = layer
            .lines()
            .filter(|l| l.trim_start().starts_with("<category "))
            .map(|l| {
                (
                    attribute(l, "value").unwrap(),
                    attribute(l, "symbol").unwrap(),
                )
            })
            .collect();
        assert_eq!(
            categories.len(),
            taxonomy.kinds.len(),
            "one category per kind"
        );
        for kind in &taxonomy.kinds {
            let hex = kind.colour.as_deref().unwrap().trim_start_matches('#');
            let channel = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).unwrap();
            let expected = format!("{},{},{},255", channel(0), channel(2), channel(4));
            let symbol = categories
                .get(kind.code.as_str())
                .unwrap_or_else(|| panic!("no category {}", kind.code));
            assert_eq!(
                symbols[symbol], expected,
                "{}: run the colours of data/taxonomy.toml into gis/renkei.qgs",
                kind.code
            );
        }
    }
    let served: Vec<String> = renkei_app::ogc::COLLECTIONS
        .iter()
        .map(|c| c.id().to_owned())
        .collect();
    assert_eq!(collections, served);
    assert_eq!(
        views,
        ["facilities_view", "regions_view", "municipalities_view"]
    );
    assert_eq!(styled, 2, "facilities by kind in both connections");
}
