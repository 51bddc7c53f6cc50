//! `/api/v1/coverage` (issue 9) on a small fictional layout computed by hand.
//!
//! Two fictional municipalities of region 4701, drawn just inside whole 3rd
//! mesh cells (30″ × 45″) near lon 127.5, lat 26.0:
//!
//! - 47201: rows 3120–3121 × columns 2200–2201 (4 cells), 400 children →
//!   100 per cell;
//! - 47202: row 3120 × columns 2204–2205 (2 cells), 61 children → 31 and 30.
//!
//! Providers (visiting-nurse stations): 架空あおぞら at the centre of cell
//! (3120, 2200), ventilator stated yes; 架空そよかぜ at the centre of cell
//! (3120, 2205), nothing stated (要確認).
//!
//! Distances between cell centres at latitude 26.004°: one column east is
//! 0.0125° × 111,195 m × cos 26.004° = 1,249 m; one row north is
//! 1/120° × 111,195 m = 927 m; the diagonal about 1,555 m; four columns 4,997 m.

use crate::support::{config, get, store_with};
use axum::http::StatusCode;
use geo::{polygon, MultiPolygon};
use renkei_app::ReadModel as IndexHandle;
use renkei_core::fixtures::{fictional_facility, fictional_municipality, fictional_service};
use renkei_core::region::{MunicipalPopulation, Municipality, RegionTable};
use renkei_core::{Answer, Facility, LonLat, MunicipalityCode};
use renkei_http::{router, AppState};
use renkei_store::{
    LocationAssignment, MeshPopulationRecord, PopulationRecord, ServiceAreaRecord, SharedStore,
    SourceInfo,
};

const TABLE: &str = r#"
    [prefecture]
    code = "47"
    name_ja = "架空県"
    [[regions]]
    code = "4701"
    name_ja = "架空南部"
    municipalities = ["47201", "47202"]
"#;

/// A fictional unit covering grid rows `rows` and columns `cols`, inset by
/// 0.0005° so that it touches no neighbouring cell.
fn unit(code: &str, rows: (u32, u32), cols: (u32, u32)) -> Municipality {
    let south = f64::from(rows.0) / 120.0 + 0.0005;
    let north = f64::from(rows.1 + 1) / 120.0 - 0.0005;
    let west = 100.0 + f64::from(cols.0) / 80.0 + 0.0005;
    let east = 100.0 + f64::from(cols.1 + 1) / 80.0 - 0.0005;
    fictional_municipality(
        code,
        MultiPolygon::new(vec![polygon![
            (x: west, y: south), (x: east, y: south), (x: east, y: north), (x: west, y: north)
        ]]),
    )
}

/// Centre of 3rd-mesh cell (row, col): longitude, latitude.
fn centre(row: u32, col: u32) -> LonLat {
    LonLat::new(
        100.0 + (f64::from(col) + 0.5) / 80.0,
        (f64::from(row) + 0.5) / 120.0,
    )
    .unwrap()
}

fn station(record: &str, name: &str, at: LonLat, ventilator: Answer) -> Facility {
    let mut facility = fictional_facility(record, "visiting_nurse", name, Some(at));
    facility.services = vec![fictional_service(&[("ventilator", ventilator)])];
    facility
}

fn providers() -> [Facility; 2] {
    [
        station(
            "aozora",
            "架空あおぞら訪問看護ステーション",
            centre(3120, 2200),
            Answer::Yes,
        ),
        station(
            "soyokaze",
            "架空そよかぜ訪問看護ステーション",
            centre(3120, 2205),
            Answer::Unknown,
        ),
    ]
}

pub(crate) async fn layout() -> SharedStore {
    let store = store_with(&[]).await;
    let facilities = providers();
    // fictional_facility records come from source `test`.
    let source = SourceInfo {
        key: "test".into(),
        ..crate::support::source()
    };
    store.upsert_facilities(&source, &facilities).await.unwrap();
    let placed = |f: &Facility, code: &str| LocationAssignment {
        id: f.id,
        municipality: Some(code.parse().unwrap()),
        region: Some("4701".parse().unwrap()),
        method: None,
    };
    store
        .set_location_assignments(&[
            placed(&facilities[0], "47201"),
            placed(&facilities[1], "47202"),
        ])
        .await
        .unwrap();
    store
        .upsert_region_table(&RegionTable::from_toml(TABLE).unwrap())
        .await
        .unwrap();
    store
        .replace_boundaries(
            "fixture",
            &[
                unit("47201", (3120, 3121), (2200, 2201)),
                unit("47202", (3120, 3120), (2204, 2205)),
            ],
        )
        .await
        .unwrap();
    let population = |code: &str, under_15| PopulationRecord {
        population: MunicipalPopulation {
            code: code.parse().unwrap(),
            name: format!("架空{code}市"),
            total: under_15 * 8,
            under_15,
        },
        year: 2020,
        source: "架空統計".into(),
    };
    store
        .set_population(&[population("47201", 400), population("47202", 61)])
        .await
        .unwrap();
    store
}

pub(crate) async fn app_for(store: SharedStore) -> axum::Router {
    let handle = IndexHandle::from_snapshot(renkei_app::load(store.as_ref()).await.unwrap());
    router(AppState::new(store, handle, config()))
}

fn close(value: &serde_json::Value, expected: f64, tolerance: f64) -> bool {
    value
        .as_f64()
        .is_some_and(|v| (v - expected).abs() <= tolerance)
}

async fn issue_9_coverage_of_a_layout_computed_by_hand() {
    let app = app_for(layout().await).await;
    let reply = get(
        app.clone(),
        "/api/v1/coverage?kinds=visiting_nurse&needs=ventilator&within_m=1300&region=4701",
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let body = reply.json();
    assert_eq!(body["population"]["method"], "spread");
    let municipalities = body["municipalities"].as_array().unwrap();
    let (a, b) = (&municipalities[0], &municipalities[1]);
    assert_eq!(
        (a["code"].as_str(), b["code"].as_str()),
        (Some("47201"), Some("47202"))
    );
    // Confirmed (あおぞら only): in 47201 its own cell (0 m), east (1,249 m) and
    // north (927 m) are within 1,300 m, the diagonal (1,555 m) is not.
    assert_eq!(
        a["confirmed"]["children"], 400,
        "spread total = municipal count"
    );
    assert_eq!(a["confirmed"]["children_within"], 300);
    assert_eq!(a["confirmed"]["share_within"], 0.75);
    // 1 provider per 400 children = 25 per 10,000.
    assert_eq!(a["confirmed"]["providers_per_10k_children"], 25.0);
    // 90 % of 400 = 360 children are reached only with the diagonal cell.
    assert!(close(&a["confirmed"]["p90_m"], 1_555.0, 5.0), "{a}");
    // 47202 (31 + 30 children) is 4,997 m and 6,246 m from あおぞら.
    assert_eq!(b["confirmed"]["children"], 61);
    assert_eq!(b["confirmed"]["children_within"], 0);
    assert_eq!(b["confirmed"]["providers"], 0);
    // With 要確認: そよかぜ sits in 47202's east cell; the west cell is 1,249 m away.
    assert_eq!(b["with_unknown"]["children_within"], 61);
    assert_eq!(b["with_unknown"]["providers"], 1);
    let region = &body["regions"][0];
    assert_eq!(
        (region["code"].as_str(), region["name"].as_str()),
        (Some("4701"), Some("架空南部"))
    );
    assert_eq!(region["confirmed"]["children"], 461);
    assert_eq!(region["confirmed"]["children_beyond"], 161);
    // Gaps, most children first: 47201's diagonal cell (row 3121, col 2201:
    // p = 39, u = 27, q = 0, v = 4, r = 1, w = 1 → 39270411), then 47202's
    // cells with 31 (col 2204: v = 4, w = 4 → 39270404) and 30 (col 2205 → 39270405).
    let gaps: Vec<(&str, u64)> = body["gaps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| (g["id"].as_str().unwrap(), g["children"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        gaps,
        [("39270411", 100), ("39270404", 31), ("39270405", 30)]
    );
    let with_unknown = get(
        app.clone(),
        "/api/v1/coverage?kinds=visiting_nurse&needs=ventilator&within_m=1300&include_unknown=true",
    )
    .await
    .json();
    assert_eq!(with_unknown["gap_tier"], "with_unknown");
    assert_eq!(with_unknown["gaps"].as_array().unwrap().len(), 1);

    // 1,300 m is 1,300 × 1.3 / 500 m per minute = 3.38 minutes by the travel model.
    let minutes = get(
        app.clone(),
        "/api/v1/coverage?kinds=visiting_nurse&needs=ventilator&within_minutes=3.38",
    )
    .await
    .json();
    assert!(
        close(&minutes["within_m"], 1_300.0, 0.1),
        "{}",
        minutes["within_m"]
    );
    assert_eq!(
        minutes["municipalities"][0]["confirmed"]["children_within"],
        300
    );

    // k = 2 within 6,300 m: 47202's cells are 4,997 / 6,246 m from あおぞら,
    // so only with そよかぜ (要確認) do they have two providers.
    let two = get(
        app.clone(),
        "/api/v1/coverage?kinds=visiting_nurse&needs=ventilator&within_m=6300&k=2",
    )
    .await
    .json();
    assert_eq!(two["municipalities"][1]["confirmed"]["children_within"], 0);
    assert_eq!(
        two["municipalities"][1]["with_unknown"]["children_within"],
        61
    );

    // 町丁目 points: none are loaded, so every municipal child is unplaced.
    let towns = get(app, "/api/v1/coverage?sites=town").await.json();
    assert_eq!(towns["population"]["unplaced_children"], 461);
}

async fn issue_9_geojson_cells_and_csv_table() {
    let app = app_for(layout().await).await;
    let reply = get(
        app.clone(),
        "/api/v1/coverage?kinds=visiting_nurse&within_m=1300&format=geojson",
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.content_type(), "application/geo+json");
    let body = reply.json();
    let features = body["features"].as_array().unwrap();
    assert_eq!(features.len(), 6, "4 + 2 land cells");
    let own = features
        .iter()
        .find(|f| f["id"] == "39270400")
        .expect("あおぞら's cell (row 3120, col 2200)");
    assert_eq!(own["geometry"]["type"], "Polygon");
    // The ring starts at the cell's south-west corner: lon 100 + 2200 / 80, lat 3120 / 120.
    assert_eq!(own["geometry"]["coordinates"][0][0][0], 127.5);
    assert_eq!(own["geometry"]["coordinates"][0][0][1], 26.0);
    assert_eq!(own["properties"]["band"], 0);
    assert_eq!(own["properties"]["band_colour"], "#1a9850");
    assert_eq!(own["properties"]["children"], 100);
    assert_eq!(own["properties"]["covered"], true);

    let csv = get(app, "/api/v1/coverage?kinds=visiting_nurse&format=csv").await;
    assert!(csv.content_type().starts_with("text/csv"));
    let text = csv.text();
    assert!(text.starts_with('\u{feff}'), "UTF-8 with BOM");
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].contains("子ども数・確認済み (confirmed_children)"),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].starts_with("二次医療圏,4701,架空南部,,461,"),
        "{}",
        lines[1]
    );
    assert_eq!(lines.len(), 4, "header, one region, two municipalities");
}

async fn issue_9_mesh_population_and_service_areas() {
    let store = layout().await;
    // An e-Stat mesh count (fictional): all 47201 children in あおぞら's cell
    // and a half mesh of its diagonal cell; 47202's east cell only.
    let cell = |code: &str, under_15| MeshPopulationRecord {
        mesh: code.parse().unwrap(),
        total: under_15 * 9,
        under_15,
        year: 2020,
        source: "架空メッシュ統計".into(),
    };
    store
        .replace_mesh_population(
            "mesh.txt",
            &[
                cell("39270400", 50),
                cell("392704114", 7),
                cell("39270405", 20),
            ],
        )
        .await
        .unwrap();
    let facilities = providers();
    store
        .replace_service_areas(
            "areas.csv",
            &[ServiceAreaRecord {
                facility: facilities[0].id,
                municipality: MunicipalityCode::new("47202").unwrap(),
            }],
        )
        .await
        .unwrap();
    let app = app_for(store).await;
    let body = get(
        app.clone(),
        "/api/v1/coverage?kinds=visiting_nurse&within_m=1300",
    )
    .await
    .json();
    assert_eq!(body["population"]["method"], "mesh");
    let a = &body["municipalities"][0]["confirmed"];
    assert_eq!(
        (a["children"].as_u64(), a["children_within"].as_u64()),
        (Some(57), Some(50))
    );
    // By declared service area: あおぞら serves 47202 only, so 47202's 20
    // children are covered and 47201's are not, however near.
    let declared = get(
        app,
        "/api/v1/coverage?kinds=visiting_nurse&basis=service_area",
    )
    .await
    .json();
    assert_eq!(declared["basis"], "service_area");
    let rows = &declared["municipalities"];
    assert_eq!(rows[0]["confirmed"]["children_within"], 0);
    assert_eq!(rows[1]["confirmed"]["children_within"], 20);
}

async fn issue_9_bad_parameters_name_the_field() {
    let app = app_for(layout().await).await;
    for (query, field) in [
        ("within_m=0", "within_m"),
        ("within_m=1e9", "within_m"),
        ("within_m=100&within_minutes=5", "within_minutes"),
        ("k=0", "k"),
        ("k=11", "k"),
        ("gaps=x", "gaps"),
        ("needs=flying", "needs"),
        ("kinds=castle", "kinds"),
        ("age=-1", "age"),
        ("basis=rail", "basis"),
        ("sites=hex", "sites"),
        ("format=xml", "format"),
        ("region=1", "region"),
        ("include_unknown=maybe", "include_unknown"),
    ] {
        let body = get(app.clone(), &format!("/api/v1/coverage?{query}"))
            .await
            .assert_error(StatusCode::BAD_REQUEST, "bad_parameter");
        assert_eq!(body["field"], field, "{query}");
    }
    get(app, "/api/v1/coverage?region=4799")
        .await
        .assert_error(StatusCode::NOT_FOUND, "not_found");
}

on_both_backends!(
    issue_9_coverage_of_a_layout_computed_by_hand,
    issue_9_geojson_cells_and_csv_table,
    issue_9_mesh_population_and_service_areas,
    issue_9_bad_parameters_name_the_field,
);
