//! `/api/v1/search` (issue 6) over fictional facilities that state their care
//! capabilities, in two fictional square municipalities: 茅ヶ崎市 (14207,
//! region 1407) and 横浜市戸塚区 (14110, region 1412), with town points.

use crate::support::{config, fixtures, get, id, store_with, STAFF_ONLY_TEXTS};
use axum::http::StatusCode;
use axum::Router;
use renkei_app::ReadModel as IndexHandle;
use renkei_core::fixtures::fictional_facility;
use renkei_core::geocode::TownPoint;
use renkei_core::need::TravelModel;
use renkei_core::region::{BoundaryIndex, Municipality, RegionTable};
use renkei_core::{
    AgeRange, Answer, CapabilityCode, CapabilityFact, Facility, FacilityStatus, LonLat, Service,
};
use renkei_http::{router, AppState};
use serde_json::Value;

/// A 0.1° square with south-west corner (`west`, `south`), longitude first.
fn unit(code: &str, city: Option<&str>, name: &str, west: f64, south: f64) -> Municipality {
    Municipality {
        code: code.parse().unwrap(),
        prefecture_name: "神奈川県".into(),
        subprefecture_name: None,
        county_or_city: city.map(str::to_owned),
        name: name.into(),
        geometry: renkei_core::fixtures::square(west, south, 0.1),
    }
}

const TABLE: &str = r#"
    [prefecture]
    code = "14"
    name_ja = "神奈川県"
    [[designated_cities]]
    code = "14100"
    name_ja = "横浜市"
    wards = ["14110"]
    [[regions]]
    code = "1407"
    name_ja = "湘南東部"
    municipalities = ["14207"]
    [[regions]]
    code = "1412"
    name_ja = "横浜"
    municipalities = ["14110"]
"#;

fn town(code: &str, name: &str, lon: f64, lat: f64) -> TownPoint {
    TownPoint {
        municipality: code.parse().unwrap(),
        town: name.into(),
        position: LonLat::new(lon, lat).unwrap(),
    }
}

/// One service stating `facts`, accepting `accepting`, for ages 0–18.
fn service(accepting: Answer, facts: &[(&str, Answer)]) -> Service {
    Service {
        key: "main".into(),
        name: "小児訪問看護".into(),
        service_type: None,
        ages: AgeRange {
            min_years: Some(0),
            max_years: Some(18),
        },
        accepting_new_clients: accepting,
        respite_beds: None,
        verified: None,
        capabilities: facts
            .iter()
            .map(|(code, answer)| CapabilityFact {
                capability: CapabilityCode::new(code).unwrap(),
                answer: *answer,
                verified: None,
                staff_note: None,
            })
            .collect(),
        schedules: Vec::new(),
    }
}

fn at(record: &str, kind: &str, name: &str, lon: f64, lat: f64) -> Facility {
    let mut facility = fictional_facility(record, kind, name, Some(LonLat::new(lon, lat).unwrap()));
    // The support fixtures' source, so `support::id` finds them.
    facility.id = id(record);
    facility.provenance.source = crate::support::SOURCE.into();
    facility
}

/// The support fixtures (さくら: ventilator yes, accepting) plus stations
/// that state more or less, a hospital that states nothing, and one that says no.
pub fn search_fixtures() -> Vec<Facility> {
    let mut all = fixtures();
    let mut aoba = at(
        "aoba",
        "visiting_nurse",
        "架空訪問看護ステーションあおば",
        139.41,
        35.335,
    );
    aoba.name_kana = Some("カクウホウモンカンゴステーションアオバ".into());
    aoba.services = vec![service(
        Answer::Yes,
        &[("ventilator", Answer::Yes), ("suctioning", Answer::Yes)],
    )];
    let mut icho = at(
        "icho",
        "visiting_nurse",
        "架空訪問看護ステーシヨンいちょう",
        139.43,
        35.34,
    );
    icho.services = vec![service(Answer::Unknown, &[("ventilator", Answer::Yes)])];
    let mut umi = at(
        "umi",
        "visiting_nurse",
        "架空訪問看護ステーションうみ",
        139.404,
        35.334,
    );
    umi.services = vec![service(Answer::Yes, &[("ventilator", Answer::No)])];
    let mut takahashi = at("takahashi", "clinic", "架空ﾎｰﾑｸﾘﾆｯｸ髙橋", 139.415, 35.336);
    takahashi.location.address = "神奈川県茅ヶ崎市東海岸北一丁目1番1号".into();
    let far = at(
        "far",
        "visiting_nurse",
        "架空訪問看護ステーション遠方",
        139.9,
        35.9,
    );
    let mut closed = at(
        "shut",
        "visiting_nurse",
        "架空訪問看護ステーション閉",
        139.4038,
        35.3335,
    );
    closed.services.clone_from(&aoba.services);
    closed.status = FacilityStatus::Closed;
    all.extend([aoba, icho, umi, takahashi, far, closed]);
    all
}

/// The router over the search fixtures, with regions, boundaries and town
/// points loaded and every located facility placed.
pub async fn search_app() -> Router {
    let store = store_with(&search_fixtures()).await;
    let table = RegionTable::from_toml(TABLE).unwrap();
    let units = vec![
        unit("14207", None, "茅ヶ崎市", 139.35, 35.30),
        unit("14110", Some("横浜市"), "戸塚区", 139.50, 35.35),
    ];
    store.upsert_region_table(&table).await.unwrap();
    store.replace_boundaries("fixture", &units).await.unwrap();
    store
        .replace_town_points(
            "fixture",
            &[
                town("14207", "東海岸北一丁目", 139.41, 35.335),
                town("14207", "東海岸北二丁目", 139.42, 35.33),
                town("14207", "東海岸南一丁目", 139.41, 35.31),
                town("14207", "本村五丁目", 139.38, 35.36),
                town("14110", "戸塚町", 139.53, 35.40),
            ],
        )
        .await
        .unwrap();
    let boundaries = BoundaryIndex::new(units, std::slice::from_ref(&table));
    renkei_ingest::assign::assign_with(store.as_ref(), &boundaries)
        .await
        .unwrap();
    let handle = IndexHandle::from_snapshot(renkei_app::load(store.as_ref()).await.unwrap());
    router(AppState::new(store, handle, config()))
}

fn names(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|hit| hit["facility"]["name"].as_str().unwrap())
        .collect()
}

/// `uri` with every byte outside printable ASCII percent-encoded, as a
/// browser sends Japanese text.
pub fn encode(uri: &str) -> String {
    uri.bytes()
        .map(|b| {
            if b.is_ascii_graphic() {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

pub async fn call(app: &Router, uri: &str) -> crate::support::Reply {
    get(app.clone(), &encode(uri)).await
}

pub async fn ok(app: &Router, uri: &str) -> Value {
    let reply = call(app, uri).await;
    assert_eq!(reply.status, StatusCode::OK, "{uri}: {}", reply.text());
    reply.json()
}

const ORIGIN: &str = "lon=139.4037&lat=35.3334";

async fn confirmed_and_unknown_are_separate_lists_nearest_first() {
    let app = search_app().await;
    let body = ok(
        &app,
        &format!(
            "/api/v1/search?{ORIGIN}&kinds=visiting_nurse,hospital&needs=ventilator,suctioning"
        ),
    )
    .await;
    // Only あおば states both needs; さくら states ventilator only, うみ says no.
    assert_eq!(names(&body["results"]), ["架空訪問看護ステーションあおば"]);
    assert_eq!(body["unknown"], serde_json::json!([]), "not asked for");
    assert_eq!(
        (
            body["total_confirmed"].as_u64(),
            body["total_unknown"].as_u64()
        ),
        (Some(1), Some(0))
    );
    assert_eq!(body["origin"]["precision"], "coordinates");
    assert_eq!(body["origin"]["label"], "茅ヶ崎市東海岸北一丁目");
    assert_eq!(body["radius_m"], 30000.0);
    assert_eq!(body["travel_model"]["detour_factor"], 1.3);
    assert_eq!(body["needs"][0]["ja"], "人工呼吸器");
    let hit = &body["results"][0];
    assert_eq!(hit["tier"], "confirmed");
    assert_eq!(
        hit["needs"],
        serde_json::json!([
            {"code": "ventilator", "answer": "yes", "verified": null, "freshness": null},
            {"code": "suctioning", "answer": "yes", "verified": null, "freshness": null}
        ])
    );
    let distance = hit["distance_m"].as_f64().unwrap();
    let expected = LonLat::new(139.4037, 35.3334)
        .unwrap()
        .distance_m(LonLat::new(139.41, 35.335).unwrap());
    assert!(
        (distance - expected).abs() < 0.1,
        "{distance} vs {expected}"
    );
    let minutes = hit["travel_minutes"].as_f64().unwrap();
    assert!((minutes - TravelModel::DEFAULT.minutes(expected)).abs() < 0.06);
    // The facility object is the one the directory serves, without its
    // services (the answers for the needs searched come with the hit).
    let mut own = ok(&app, &format!("/api/v1/facilities/{}", id("aoba"))).await;
    own.as_object_mut().unwrap().remove("services");
    assert_eq!(hit["facility"], own);

    let with_unknown = ok(
        &app,
        &format!("/api/v1/search?{ORIGIN}&kinds=visiting_nurse,hospital&needs=ventilator,suctioning&include_unknown=true"),
    )
    .await;
    assert_eq!(
        names(&with_unknown["results"]),
        ["架空訪問看護ステーションあおば"]
    );
    // Nearest first: さくら (at the origin), いちょう, then the hospital in 戸塚区.
    assert_eq!(
        names(&with_unknown["unknown"]),
        [
            "架空訪問看護ステーションさくら",
            "架空訪問看護ステーシヨンいちょう",
            "架空こども病院"
        ]
    );
    let unknown = with_unknown["unknown"].as_array().unwrap();
    assert!(unknown.iter().all(|hit| hit["tier"] == "unknown"));
    let distances: Vec<f64> = unknown
        .iter()
        .map(|h| h["distance_m"].as_f64().unwrap())
        .collect();
    assert!(distances.windows(2).all(|w| w[0] <= w[1]), "{distances:?}");
    assert_eq!(unknown[0]["needs"][1]["answer"], "unknown");
    assert_eq!(with_unknown["total_unknown"], 3);
    // Stated "no" (うみ), closed and far away are in neither list.
    let everything = serde_json::to_string(&with_unknown).unwrap();
    for absent in ["うみ", "閉", "遠方"] {
        assert!(!everything.contains(absent), "{absent}");
    }
    for secret in STAFF_ONLY_TEXTS {
        assert!(!everything.contains(secret), "leaks {secret}");
    }
}

async fn radius_minutes_age_accepting_and_region_filter() {
    let app = search_app().await;
    // 10 minutes ≈ 3.8 km: the hospital (≈ 16 km) drops out.
    let body = ok(
        &app,
        &format!("/api/v1/search?{ORIGIN}&max_minutes=10&include_unknown=true"),
    )
    .await;
    let radius = body["radius_m"].as_f64().unwrap();
    assert!((radius - TravelModel::DEFAULT.reach_m(10.0)).abs() < 1e-6);
    let all: Vec<&str> = names(&body["results"])
        .into_iter()
        .chain(names(&body["unknown"]))
        .collect();
    assert!(
        !all.contains(&"架空こども病院") && all.contains(&"架空訪問看護ステーションあおば"),
        "{all:?}"
    );
    assert!(body["results"]
        .as_array()
        .unwrap()
        .iter()
        .all(|h| h["distance_m"].as_f64().unwrap() <= radius));
    // Age 20 is outside every stated 0–18 range; the hospital lists no
    // service, so it cannot be excluded but is not confirmed either.
    let adult = ok(
        &app,
        &format!(
            "/api/v1/search?{ORIGIN}&age=20&kinds=visiting_nurse,hospital&include_unknown=true"
        ),
    )
    .await;
    assert_eq!(names(&adult["results"]), Vec::<&str>::new());
    assert_eq!(names(&adult["unknown"]), ["架空こども病院"]);
    // Accepting: stated yes is confirmed, unstated (いちょう) is 要確認.
    let accepting = ok(
        &app,
        &format!("/api/v1/search?{ORIGIN}&accepting=true&needs=ventilator&include_unknown=true"),
    )
    .await;
    assert_eq!(
        names(&accepting["results"]),
        [
            "架空訪問看護ステーションさくら",
            "架空訪問看護ステーションあおば"
        ]
    );
    assert!(names(&accepting["unknown"]).contains(&"架空訪問看護ステーシヨンいちょう"));
    // A region without a place: ordered by name, no distances.
    let region = ok(&app, "/api/v1/search?region=1412").await;
    assert_eq!(names(&region["results"]), ["架空こども病院"]);
    assert!(region["origin"].is_null() && region["radius_m"].is_null());
    assert!(region["results"][0]["distance_m"].is_null());
    // The designated city's code covers its ward.
    let city = ok(&app, &format!("/api/v1/search?{ORIGIN}&region=14100")).await;
    assert_eq!(names(&city["results"]), ["架空こども病院"]);
}

async fn near_text_and_paging() {
    let app = search_app().await;
    let near = ok(
        &app,
        "/api/v1/search?near=茅ケ崎市東海岸北１－２&kinds=visiting_nurse",
    )
    .await;
    assert_eq!(near["origin"]["precision"], "town");
    assert_eq!(near["origin"]["label"], "茅ヶ崎市東海岸北一丁目");
    assert_eq!(
        names(&near["results"])[0],
        "架空訪問看護ステーションあおば",
        "at the town point"
    );
    // A reading resolves to the municipality.
    let reading = ok(&app, "/api/v1/search?near=ちがさき").await;
    assert_eq!(reading["origin"]["precision"], "municipality");
    // Text as people type it: half-width kana, hiragana, old kanji forms.
    for q in ["ほーむくりにっく 高橋", "ﾎｰﾑ　髙橋", "東海岸北一丁目"] {
        let found = ok(&app, &format!("/api/v1/search?q={q}")).await;
        assert_eq!(names(&found["results"]), ["架空ﾎｰﾑｸﾘﾆｯｸ髙橋"], "{q}");
    }
    let station = ok(&app, "/api/v1/search?q=すてーしょん&kinds=visiting_nurse").await;
    // さくら, あおば, いちょう (written ステーシヨン), うみ and 遠方 (no place, no
    // radius); the closed one is left out.
    assert_eq!(station["total_confirmed"], 5);
    // Pages of 2 walk the whole list once, in order.
    let whole = ok(
        &app,
        &format!("/api/v1/search?{ORIGIN}&radius_m=100000&limit=100"),
    )
    .await;
    let mut paged = Vec::new();
    let mut uri = format!("/api/v1/search?{ORIGIN}&radius_m=100000&limit=2");
    loop {
        let page = ok(&app, &uri).await;
        paged.extend(names(&page["results"]).into_iter().map(str::to_owned));
        match page["next_cursor"].as_str() {
            Some(cursor) => {
                uri = format!("/api/v1/search?{ORIGIN}&radius_m=100000&limit=2&cursor={cursor}");
            }
            None => break,
        }
    }
    assert_eq!(paged, names(&whole["results"]));
    assert_eq!(
        paged.len() as u64,
        whole["total_confirmed"].as_u64().unwrap()
    );
    // GeoJSON carries both lists with the tier.
    let geojson = ok(
        &app,
        &format!("/api/v1/search?{ORIGIN}&needs=ventilator&include_unknown=true&format=geojson"),
    )
    .await;
    assert_eq!(geojson["type"], "FeatureCollection");
    let tiers: Vec<&str> = geojson["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["tier"].as_str().unwrap())
        .collect();
    assert_eq!(tiers.first(), Some(&"confirmed"));
    assert_eq!(tiers.last(), Some(&"unknown"));
    assert_eq!(
        geojson["features"][0]["properties"]["need_ventilator"],
        "yes"
    );
}

async fn bad_parameters_are_400_naming_the_parameter() {
    let app = search_app().await;
    let cases = [
        ("kinds=castle", "kinds", Some("visiting_nurse")),
        ("needs=flying", "needs", Some("ventilator")),
        ("age=121", "age", None),
        ("radius_m=0", "radius_m", None),
        ("radius_m=300001", "radius_m", None),
        ("radius_m=10&max_minutes=5", "max_minutes", None),
        ("limit=0", "limit", None),
        ("limit=101", "limit", None),
        ("cursor=zz", "cursor", None),
        ("accepting=maybe", "accepting", None),
        ("include_unknown=2", "include_unknown", None),
        ("region=9999", "region", Some("1407")),
        ("region=abc", "region", None),
        ("format=kml", "format", None),
    ];
    for (query, field, listed) in cases {
        let reply = call(&app, &format!("/api/v1/search?{ORIGIN}&{query}")).await;
        let error = reply.assert_error(StatusCode::BAD_REQUEST, "bad_parameter");
        assert_eq!(error["field"], field, "{query}");
        if let Some(code) = listed {
            assert!(
                error["message_en"].as_str().unwrap().contains(code),
                "{query}: {error}"
            );
        }
    }
    for (uri, field) in [
        ("/api/v1/search", "lon"),
        ("/api/v1/search?lon=139.4", "lat"),
        ("/api/v1/search?lon=200&lat=35", "lon"),
        ("/api/v1/search?near=茅ヶ崎市&lon=139.4&lat=35.3", "near"),
    ] {
        let error = call(&app, uri)
            .await
            .assert_error(StatusCode::BAD_REQUEST, "bad_parameter");
        assert_eq!(error["field"], field, "{uri}");
    }
    // A well-formed place the data does not know is no bad parameter (#18).
    let error = call(&app, "/api/v1/search?near=架空県どこにもない町")
        .await
        .assert_error(StatusCode::NOT_FOUND, "place_not_found");
    assert_eq!(error["field"], "near");
    // An ambiguous place lists its candidates.
    let error = call(&app, "/api/v1/search?near=東海岸")
        .await
        .assert_error(StatusCode::BAD_REQUEST, "place_ambiguous");
    assert!(
        error["message_ja"]
            .as_str()
            .unwrap()
            .contains("東海岸北一丁目"),
        "{error}"
    );
    assert!(error["suggestions"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s.as_str().unwrap().contains("東海岸北一丁目")));
}

async fn issue_18_unknown_places_say_where_to_search() {
    let app = search_app().await;
    for (near, says) in [
        ("札幌", "神奈川県内の住所・駅名・郵便番号でさがしてください"),
        (
            "東京都千代田区丸の内1",
            "東京都の場所は読み込まれていません",
        ),
        (
            "架空県どこにもない町",
            "神奈川県内の住所・駅名・郵便番号でさがしてください",
        ),
    ] {
        let error = call(&app, &format!("/api/v1/search?near={near}"))
            .await
            .assert_error(StatusCode::NOT_FOUND, "place_not_found");
        let message = error["message_ja"].as_str().unwrap();
        assert!(message.contains(says), "{near}: {message}");
        assert!(!message.contains("パラメータ"), "{near}: {message}");
        assert!(error["suggestions"].is_array(), "{error}");
    }
}

on_both_backends!(
    confirmed_and_unknown_are_separate_lists_nearest_first,
    radius_minutes_age_accepting_and_region_filter,
    near_text_and_paging,
    bad_parameters_are_400_naming_the_parameter,
    issue_18_unknown_places_say_where_to_search,
);
