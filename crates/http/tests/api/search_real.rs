//! Referral search, the geocoder and the ranking test set on the real Kanagawa
//! open data in ../shared/data, imported with the real importers into a fresh
//! SQLite store. Each test prints `SKIPPED:` and returns when a file is missing.
//! The data states no care capabilities, so these tests search by kind and
//! text; confirmed-by-capability results are covered by the fictional fixtures.

use crate::search::{call, ok};
use axum::http::StatusCode;
use axum::Router;
use renkei_app::ReadModel as IndexHandle;
use renkei_core::normalize::fold;
use renkei_core::LonLat;
use renkei_http::{router, AppState};
use renkei_ingest::import::{Format, Importer};
use renkei_ingest::run::ImportSession;
use renkei_store::{DatabaseUrl, OpenOptions};
use renkei_testdata::shared_file;
use serde_json::Value;

const HOSPITALS: &str = "facilities/kanagawa_hospitals_mhlw.csv";
const STATIONS: &str = "facilities/kanagawa_visiting_nursing.csv";
const CLINICS: &str = "facilities/kanagawa_medical_institutions_kouseikyoku.csv";

/// The router over Kanagawa's boundaries, 二次医療圏, town points, hospitals,
/// visiting-nurse stations and the 厚生局 list (placed by the geocoder).
pub(crate) async fn kanagawa_app() -> Option<Router> {
    kanagawa_app_with(&[]).await
}

/// [`kanagawa_app`] with more files, each `(import kind, file under shared data)`,
/// imported after the facility lists through the app's import dispatch.
pub(crate) async fn kanagawa_app_with(extra: &[(&str, &str)]) -> Option<Router> {
    let n03 = shared_file("boundaries/N03-21_14_210101.json")?;
    let towns = shared_file("addresses/kanagawa_town_points.csv")?;
    let files = [
        (Importer::MhlwFacilities, shared_file(HOSPITALS)?),
        (Importer::Kaigo, shared_file(STATIONS)?),
        (Importer::HokenIryokikan, shared_file(CLINICS)?),
    ];
    let store = renkei_store::open(&DatabaseUrl::new("sqlite::memory:"), OpenOptions::default())
        .await
        .unwrap();
    for table in renkei_ingest::regions::builtin_region_tables().unwrap() {
        store.upsert_region_table(&table).await.unwrap();
    }
    let boundaries = renkei_ingest::n03::read_n03_file(&n03).unwrap();
    store
        .replace_boundaries("N03", &boundaries.municipalities)
        .await
        .unwrap();
    let (text, _) = renkei_ingest::text::decode("towns", &std::fs::read(towns).unwrap()).unwrap();
    let table = renkei_ingest::table::Table::parse("towns", &text).unwrap();
    let (points, _) = renkei_ingest::town_points::parse(&table).unwrap();
    store.replace_town_points("towns", &points).await.unwrap();
    let mut session = ImportSession::new(store.as_ref());
    for (importer, path) in files {
        session
            .import_path(&Format::Official(importer), &path)
            .await
            .unwrap();
    }
    drop(session);
    let mut importer = renkei_app::import::Importer::new(store.as_ref());
    for (kind, relative) in extra {
        let kind = renkei_app::import::ImportKind::from_name(kind).unwrap();
        let path = shared_file(relative)?;
        importer
            .import_bytes(&kind, relative, &std::fs::read(path).unwrap())
            .await
            .unwrap();
    }
    drop(importer);
    let handle = IndexHandle::from_snapshot(renkei_app::load(store.as_ref()).await.unwrap());
    Some(router(AppState::new(
        store,
        handle,
        crate::support::config(),
    )))
}

fn names(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|hit| hit["facility"]["name"].as_str().unwrap())
        .collect()
}

/// (name, position) of every row of a source CSV with coordinates: the
/// brute-force answer, read straight from the file.
fn rows(relative: &str, name: &str, lat: &str, lon: &str) -> Vec<(String, LonLat)> {
    let mut reader = csv::Reader::from_path(shared_file(relative).unwrap()).unwrap();
    let headers = reader.headers().unwrap().clone();
    let column = |wanted: &str| headers.iter().position(|h| h == wanted).unwrap();
    let (name, lat, lon) = (column(name), column(lat), column(lon));
    reader
        .records()
        .map(Result::unwrap)
        .filter_map(|row| {
            let position = LonLat::new(row[lon].parse().ok()?, row[lat].parse().ok()?).ok()?;
            Some((row[name].to_owned(), position))
        })
        .collect()
}

#[tokio::test]
async fn issue_6_search_near_a_real_chigasaki_address() {
    let Some(app) = kanagawa_app().await else {
        return;
    };
    // 茅ヶ崎市役所's address: placed at the 茅ヶ崎一丁目 town point.
    let uri = "/api/v1/search?near=神奈川県茅ヶ崎市茅ヶ崎一丁目1番1号&kinds=hospital,visiting_nurse&radius_m=2500&limit=100";
    let body = ok(&app, uri).await;
    assert_eq!(body["origin"]["precision"], "town");
    assert_eq!(body["origin"]["label"], "茅ヶ崎市茅ヶ崎一丁目");
    let origin = LonLat::new(
        body["origin"]["lon"].as_f64().unwrap(),
        body["origin"]["lat"].as_f64().unwrap(),
    )
    .unwrap();
    // Brute force over the two source files: every hospital and station
    // within 2.5 km, nearest first.
    let mut expected: Vec<(f64, String)> = rows(
        HOSPITALS,
        "正式名称",
        "所在地座標（緯度）",
        "所在地座標（経度）",
    )
    .into_iter()
    .chain(rows(STATIONS, "事業所名", "緯度", "経度"))
    .map(|(name, position)| (origin.distance_m(position), name))
    .filter(|(distance, _)| *distance <= 2500.0)
    .collect();
    expected.sort_by(|a, b| a.0.total_cmp(&b.0));
    let found = names(&body["results"]);
    assert_eq!(found.len(), expected.len(), "{found:?}\n{expected:?}");
    let distances: Vec<f64> = body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|hit| hit["distance_m"].as_f64().unwrap())
        .collect();
    for ((name, got), (want, want_name)) in found.iter().zip(&distances).zip(&expected) {
        assert!(
            (got - want).abs() < 0.1,
            "{name} at {got} m, {want_name} at {want} m"
        );
    }
    // What a person in Chigasaki expects: the central hospital a few hundred
    // metres away comes first, the city hospital and stations follow.
    assert_eq!(fold(found[0]), fold("茅ヶ崎中央病院"));
    assert!(found.contains(&"茅ヶ崎市立病院"), "{found:?}");
    assert!(
        found.iter().filter(|n| n.contains("訪問看護")).count() >= 5,
        "{found:?}"
    );
    // Real data states no capabilities: with a need nothing is confirmed,
    // and everything is 要確認 (never shown as confirmed), ranked by evidence
    // (#18) and then nearest first.
    let needs = ok(
        &app,
        &format!("{uri}&needs=ventilator&include_unknown=true"),
    )
    .await;
    assert_eq!(needs["total_confirmed"], 0);
    let mut unknown = names(&needs["unknown"]);
    assert_evidence_then_distance(&needs["unknown"]);
    unknown.sort_unstable();
    let mut all = found.clone();
    all.sort_unstable();
    assert_eq!(unknown, all);
}

/// The rank of an evidence level, strongest first.
fn evidence_rank(hit: &Value) -> usize {
    let level = hit["relevance"]["evidence"].as_str().unwrap();
    ["official_proxy", "plausible_kind", "other", "unlikely"]
        .iter()
        .position(|l| *l == level)
        .unwrap()
}

/// `list` goes by evidence, strongest first, then nearest first.
fn assert_evidence_then_distance(list: &Value) {
    let keys: Vec<(usize, f64)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|hit| (evidence_rank(hit), hit["distance_m"].as_f64().unwrap()))
        .collect();
    for pair in keys.windows(2) {
        assert!(
            pair[0].0 < pair[1].0 || (pair[0].0 == pair[1].0 && pair[0].1 <= pair[1].1),
            "{keys:?}"
        );
    }
}

/// A clinic whose name says it is an eye, ENT, psychiatric or dental clinic
/// (and nothing that would make it plausible).
fn is_unlikely_clinic(name: &str) -> bool {
    [
        "眼科",
        "耳鼻",
        "精神",
        "心療内科",
        "メンタル",
        "歯科",
        "デンタル",
    ]
    .iter()
    .any(|word| name.contains(word))
}

#[tokio::test]
async fn issue_18_ventilator_near_chigasaki_lists_no_eye_ent_psychiatric_or_dental_clinic() {
    let Some(app) = kanagawa_app_with(&[
        (
            "shisetsu-kijun",
            "facilities/kanagawa_pediatric_inpatient_accreditations.csv",
        ),
        (
            "wamnet",
            "disability/kanagawa_wamnet_disability_services.csv",
        ),
        ("wamnet", "disability/kanagawa_wamnet_short_stay.csv"),
    ])
    .await
    else {
        println!("SKIPPED: the Kanagawa open data is not in ../shared/data");
        return;
    };
    // The family search as the web client asks it: a place, one need, no kinds.
    let uri = "/api/v1/search?near=茅ヶ崎市東海岸北&needs=ventilator&include_unknown=true&limit=20";
    let body = ok(&app, uri).await;
    assert_eq!(body["listing"], "confirmed_and_unknown");
    assert_eq!(body["unknown_order"], "evidence_then_distance");
    assert_eq!(body["kinds_defaulted"], true);
    let applied: Vec<&str> = body["kinds_applied"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["code"].as_str().unwrap())
        .collect();
    assert!(applied.contains(&"visiting_nurse") && !applied.contains(&"municipal_desk"));
    let unknown = body["unknown"].as_array().unwrap();
    assert_eq!(unknown.len(), 20, "{body}");
    for hit in unknown {
        let facility = &hit["facility"];
        let name = facility["name"].as_str().unwrap();
        let kind = facility["kind"]["code"].as_str().unwrap();
        assert!(
            !(kind == "clinic" && is_unlikely_clinic(name)),
            "{name} is listed for a ventilator"
        );
        // Every result says why it is listed, with a dated, sourced reason.
        let relevance = &hit["relevance"];
        let reasons = relevance["reasons"].as_array().unwrap();
        assert!(!reasons.is_empty(), "{name}: {relevance}");
        assert_eq!(reasons[0]["basis"], "kind");
        for reason in reasons {
            assert!(reason["text_ja"].as_str().is_some_and(|t| !t.is_empty()));
            assert!(reason["source"].as_str().is_some_and(|t| !t.is_empty()));
            assert!(reason["as_of"].is_string(), "{reason}");
        }
        assert_ne!(relevance["evidence"], "unlikely", "{name}");
        assert_ne!(hit["tier"], "confirmed");
    }
    assert_evidence_then_distance(&body["unknown"]);
    // The accreditation lists lead: the nearest hospitals with a 小児 or NICU
    // 届出 come first, each saying which.
    assert_eq!(unknown[0]["relevance"]["evidence"], "official_proxy");
    assert!(unknown[0]["relevance"]["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["basis"] == "accreditation" || r["basis"] == "service_type"));
    // The next page goes on where this one stopped, still ranked.
    let next = body["next_cursor"].as_str().unwrap();
    let page_2 = ok(&app, &format!("{uri}&cursor={next}")).await;
    let mut both = body["unknown"].as_array().unwrap().clone();
    both.extend(page_2["unknown"].as_array().unwrap().iter().cloned());
    assert_evidence_then_distance(&Value::Array(both.clone()));
    let ids: std::collections::HashSet<&str> = both
        .iter()
        .map(|h| h["facility"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), both.len(), "pages do not repeat a facility");
    // Every kind, as `kinds=all`: eye and ENT clinics are there, last, marked unlikely.
    let all = ok(
        &app,
        "/api/v1/search?near=茅ヶ崎市東海岸北&needs=ventilator&include_unknown=true&kinds=all&limit=100&radius_m=1200",
    )
    .await;
    assert_eq!(all["kinds_defaulted"], false);
    assert_evidence_then_distance(&all["unknown"]);
    let unlikely: Vec<&Value> = all["unknown"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|hit| hit["relevance"]["evidence"] == "unlikely")
        .collect();
    assert!(
        !unlikely.is_empty(),
        "no eye or ENT clinic within 1.2 km? {all}"
    );
    for hit in unlikely {
        assert!(hit["relevance"]["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["basis"] == "unlikely_department"));
    }
}

#[tokio::test]
async fn issue_18_no_need_means_one_nearest_list_without_a_confirmation_claim() {
    let Some(app) = kanagawa_app().await else {
        println!("SKIPPED: the Kanagawa open data is not in ../shared/data");
        return;
    };
    let body = ok(&app, "/api/v1/search?near=茅ヶ崎市東海岸北&limit=20").await;
    assert_eq!(body["listing"], "nearest");
    assert_eq!(body["kinds_defaulted"], false);
    assert!(body["kinds_applied"].as_array().unwrap().is_empty());
    assert!(body["unknown"].as_array().unwrap().is_empty());
    let results = body["results"].as_array().unwrap();
    assert_eq!(results.len(), 20);
    for hit in results {
        assert!(hit["relevance"].is_null());
    }
    // Facilities on 町丁目 points say so, and those at the origin's own town point read 「同じ町丁目」.
    let stacked = results
        .iter()
        .find(|hit| hit["facility"]["location"]["position_precision"] == "town")
        .expect("some facility near 東海岸北 sits on a town point");
    assert_eq!(
        stacked["facility"]["location"]["position_precision_ja"],
        "町丁目の代表点"
    );
    for hit in results {
        let close = hit["distance_m"].as_f64().unwrap() < 100.0;
        assert_eq!(hit["distance_note"] == "same_town", close, "{hit}");
    }
}

/// Real queries as people type them, a facility they are looking for
/// (compared after folding), and how high it must rank (1 = first).
const RANKING_SET: [(&str, &str, usize); 14] = [
    ("茅ヶ崎市立病院", "茅ヶ崎市立病院", 1),
    ("茅ケ崎市立", "茅ヶ崎市立病院", 1),
    ("ちがさきしりつ", "茅ヶ崎市立病院", 1),
    ("ﾁｶﾞｻｷｼﾘﾂ", "茅ヶ崎市立病院", 1),
    ("茅ケ崎中央", "茅ヶ崎中央病院", 1),
    ("こども医療センター", "神奈川県立こども医療センター", 1),
    // Old and new kanji forms find each other; both spellings exist.
    ("高橋医院", "髙橋医院", 2),
    ("髙橋医院", "高橋医院", 2),
    ("川崎整形外科", "川﨑整形外科", 1),
    ("茅ヶ崎 徳洲会", "医療法人徳洲会　茅ヶ崎徳洲会病院", 1),
    ("本村5丁目15-1", "茅ヶ崎市立病院", 1),
    // Published half-width, typed full-width; ヶ typed for ケ.
    (
        "リハビリステーション たすけあい",
        "訪問看護ﾘﾊﾋﾞﾘｽﾃｰｼｮﾝたすけあい",
        1,
    ),
    ("茅ヶ崎駅前", "茅ケ崎駅前訪問看護ステーション", 1),
    ("あやめ 茅ケ崎", "訪問看護ステーションあやめ茅ヶ崎", 1),
];

#[tokio::test]
async fn issue_6_ranking_set_and_geocoder_on_real_kanagawa_names() {
    let Some(app) = kanagawa_app().await else {
        return;
    };
    let mut misses = Vec::new();
    for (query, wanted, within) in RANKING_SET {
        let body = ok(&app, &format!("/api/v1/search?q={query}&limit={within}")).await;
        let found = names(&body["results"]);
        if !found.iter().any(|name| fold(name) == fold(wanted)) {
            misses.push(format!(
                "{query} → {found:?}, expected {wanted} in the first {within}"
            ));
        }
    }
    assert!(misses.is_empty(), "{}", misses.join("\n"));
    // Text and place together: stations whose name has ステーション near 茅ヶ崎
    // (half-width ｽﾃｰｼｮﾝ too), nearest first.
    let body = ok(
        &app,
        "/api/v1/search?near=茅ヶ崎市&q=すてーしょん&kinds=visiting_nurse&radius_m=5000",
    )
    .await;
    let distances: Vec<f64> = body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["distance_m"].as_f64().unwrap())
        .collect();
    assert!(
        distances.len() >= 5 && distances.windows(2).all(|w| w[0] <= w[1]),
        "{distances:?}"
    );
    // The geocoder on the same data: partial input, readings, reverse.
    let matched = |body: &Value| -> Vec<String> {
        body["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["matched"].as_str().unwrap().to_owned())
            .collect()
    };
    let partial = ok(&app, "/api/v1/geocode?q=茅ヶ崎市東海").await;
    let found = matched(&partial);
    assert!(
        found.len() >= 2 && found.iter().all(|m| m.starts_with("茅ヶ崎市東海岸")),
        "{found:?}"
    );
    let reading = ok(&app, "/api/v1/geocode?q=ちがさき").await;
    assert_eq!(matched(&reading)[0], "茅ヶ崎市");
    let ward = ok(&app, "/api/v1/geocode?q=つるみ").await;
    assert_eq!(matched(&ward)[0], "横浜市鶴見区");
    // 茅ヶ崎市立病院's own coordinates: in 茅ヶ崎市, 湘南東部, near 本村.
    let reverse = ok(&app, "/api/v1/geocode/reverse?lon=139.415165&lat=35.339905").await;
    assert_eq!(reverse["municipality_name"], "茅ヶ崎市");
    assert_eq!(reverse["region_name"], "湘南東部");
    assert!(
        reverse["town"]["name"]
            .as_str()
            .unwrap()
            .starts_with("本村"),
        "{reverse}"
    );
    call(&app, "/api/v1/geocode/reverse?lon=140.8&lat=35.0")
        .await
        .assert_error(StatusCode::NOT_FOUND, "outside_regions");
}

#[tokio::test]
async fn issue_18_stations_and_postcodes_are_places_on_real_data() {
    let extra = [
        ("stations", "basemap/N02-23_Station_kanagawa_bbox.geojson"),
        ("rail-lines", "basemap/railway_lines_kanagawa_bbox.geojson"),
        ("postcodes", "addresses/kanagawa_postcode_points.csv"),
    ];
    let Some(app) = kanagawa_app_with(&extra).await else {
        println!("SKIPPED: the Kanagawa open data is not in ../shared/data");
        return;
    };
    for text in ["茅ヶ崎駅", "茅ケ崎駅", "ちがさきえき"] {
        let body = ok(&app, &format!("/api/v1/geocode?q={text}")).await;
        let first = &body["results"][0];
        assert_eq!(first["matched"], "茅ヶ崎駅", "{text}: {body}");
        assert_eq!(first["precision"], "station", "{text}");
        // N02 puts 茅ヶ崎 (東海道線) at 139.408003, 35.330639.
        let lon = first["lon"].as_f64().unwrap();
        assert!((lon - 139.4075).abs() < 0.002, "{text}: {first}");
    }
    for text in ["253-0044", "2530044"] {
        let body = ok(&app, &format!("/api/v1/geocode?q={text}")).await;
        let first = &body["results"][0];
        assert_eq!(first["precision"], "postcode", "{text}: {body}");
        assert!(
            first["label"].as_str().unwrap().contains("新栄町"),
            "{first}"
        );
    }
    // A station and a postcode are search origins; a station outside the loaded
    // prefecture (二子玉川 is in Tokyo) is not a place here.
    let body = ok(&app, "/api/v1/search?near=茅ヶ崎駅&limit=5").await;
    assert_eq!(body["origin"]["label"], "茅ヶ崎駅", "{}", body["origin"]);
    let body = ok(&app, "/api/v1/search?near=253-0044&limit=5").await;
    assert_eq!(body["results"].as_array().unwrap().len(), 5);
    call(&app, "/api/v1/search?near=二子玉川駅")
        .await
        .assert_error(StatusCode::NOT_FOUND, "place_not_found");
}
