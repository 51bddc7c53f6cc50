//! `/hsds`, the Open Referral HSDS 3.0 API profile: on the real Kanagawa
//! data every page and object validates against the HSDS JSON Schemas
//! (2020-12) and paging is checked as the Open Referral UK validator does
//! (first, a middle and the last page by `total_pages`; an empty feed is
//! warned); on the fictional fixtures, filters and privacy. Tests print
//! `SKIPPED:` and return when the data or the schemas are missing.

use crate::search_real::kanagawa_app;
use crate::support::{app_with_kanagawa, get};
use axum::http::StatusCode;
use axum::Router;
use renkei_core::LonLat;
use renkei_testdata::hsds::HsdsSchemas;
use serde_json::Value;

/// (list path, schema of a list item, schema of one object by id).
const FEEDS: [(&str, &str, Option<&str>); 5] = [
    (
        "services",
        "schema/compiled/service_list.json",
        Some("schema/compiled/service.json"),
    ),
    (
        "service_at_locations",
        "schema/compiled/service_at_location_list.json",
        Some("schema/compiled/service_at_location.json"),
    ),
    (
        "organizations",
        "schema/compiled/organization_list.json",
        Some("schema/compiled/organization.json"),
    ),
    (
        "taxonomies",
        "schema/taxonomy.json",
        Some("schema/taxonomy.json"),
    ),
    (
        "taxonomy_terms",
        "schema/taxonomy_term.json",
        Some("schema/taxonomy_term.json"),
    ),
];

async fn ok(app: &Router, uri: &str) -> Value {
    let reply = get(app.clone(), uri).await;
    assert_eq!(reply.status, StatusCode::OK, "{uri}: {}", reply.text());
    assert!(
        reply.content_type().starts_with("application/json"),
        "{uri}"
    );
    reply.json()
}

/// Checks the Page envelope of `page` (number `number`) against `first`.
fn check_envelope(page: &Value, number: u64, first: &Value, per_page: u64, uri: &str) {
    let total_items = first["total_items"].as_u64().unwrap();
    let total_pages = first["total_pages"].as_u64().unwrap();
    assert_eq!(page["total_items"], total_items, "{uri}");
    assert_eq!(page["total_pages"], total_pages, "{uri}");
    assert_eq!(total_pages, total_items.div_ceil(per_page), "{uri}");
    assert_eq!(page["page_number"], number, "{uri}");
    assert_eq!(page["first_page"], number == 1, "{uri}");
    assert_eq!(page["last_page"], number >= total_pages, "{uri}");
    assert_eq!(page["empty"], total_items == 0, "{uri}");
    let contents = page["contents"].as_array().unwrap();
    assert_eq!(page["size"], contents.len(), "{uri}");
    let expected = if number < total_pages {
        per_page
    } else {
        total_items - per_page * (total_pages.max(1) - 1)
    };
    assert_eq!(contents.len() as u64, expected, "{uri}");
}

#[tokio::test]
async fn issue_20_kanagawa_hsds_feeds_validate_and_page_like_the_uk_validator() {
    let (Some(app), Some(schemas)) = (kanagawa_app().await, HsdsSchemas::load()) else {
        return;
    };
    let about = ok(&app, "/hsds/").await;
    assert_eq!(about["version"], "3.0");
    assert!(about["openapi_url"]
        .as_str()
        .unwrap()
        .starts_with("https://"));
    let per_page = 200;
    for (feed, item_schema, object_schema) in FEEDS {
        let uri = format!("/hsds/{feed}?per_page={per_page}");
        let first = ok(&app, &uri).await;
        let total_pages = first["total_pages"].as_u64().unwrap();
        if first["total_items"] == 0 {
            eprintln!("WARNING: /hsds/{feed} is an empty feed");
            continue;
        }
        let mut numbers = vec![1, total_pages.div_ceil(2), total_pages];
        numbers.dedup();
        for number in numbers {
            let uri = format!("/hsds/{feed}?per_page={per_page}&page={number}");
            let page = ok(&app, &uri).await;
            check_envelope(&page, number, &first, per_page, &uri);
            let contents = page["contents"].as_array().unwrap();
            for item in contents {
                schemas.assert_valid(item_schema, item, &format!("{uri} item {}", item["id"]));
            }
            if let (Some(schema), Some(item)) = (object_schema, contents.first()) {
                let uri = format!("/hsds/{feed}/{}", item["id"].as_str().unwrap());
                let object = ok(&app, &uri).await;
                assert_eq!(object["id"], item["id"]);
                schemas.assert_valid(schema, &object, &uri);
            }
        }
        println!("/hsds/{feed}: {} items", first["total_items"]);
    }
    // A page past the last is empty, not an error.
    let past = ok(&app, "/hsds/services?per_page=1000&page=999").await;
    assert_eq!(past["size"], 0);
    assert_eq!(past["last_page"], true);
}

#[tokio::test]
async fn issue_20_kanagawa_hsds_filters_keep_to_what_they_say() {
    let Some(app) = kanagawa_app().await else {
        return;
    };
    let all = ok(&app, "/hsds/service_at_locations?per_page=1").await["total_items"]
        .as_u64()
        .unwrap();
    // A circle of 2 km around 茅ヶ崎駅: every location inside it.
    let centre = LonLat::new(139.4073, 35.3306).unwrap();
    let near = ok(
        &app,
        "/hsds/service_at_locations?lon=139.4073&lat=35.3306&radius_m=2000&per_page=1000",
    )
    .await;
    let contents = near["contents"].as_array().unwrap();
    assert!(!contents.is_empty() && (contents.len() as u64) < all);
    for sal in contents {
        let location = &sal["location"];
        let at = LonLat::new(
            location["longitude"].as_f64().unwrap(),
            location["latitude"].as_f64().unwrap(),
        )
        .unwrap();
        assert!(at.distance_m(centre) <= 2000.0, "{location}");
    }
    // 二次医療圏 湘南東部 (1407): every location placed there.
    let region = ok(
        &app,
        "/hsds/service_at_locations?region=1407&full=true&per_page=1000",
    )
    .await;
    let contents = region["contents"].as_array().unwrap();
    assert!(!contents.is_empty());
    for sal in contents {
        let attributes = sal["location"]["attributes"].as_array().unwrap();
        assert!(
            attributes
                .iter()
                .any(|a| a["taxonomy_term"]["code"] == "region" && a["value"] == "1407"),
            "{}",
            sal["id"]
        );
    }
    // The kind as a term, Japanese or English, gives the same services, all of that kind.
    let terms = ok(&app, "/hsds/taxonomy_terms?per_page=1000").await;
    let hospital: Vec<&Value> = terms["contents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["taxonomy"] == "renkei_facility_kind" && t["code"] == "hospital")
        .collect();
    assert_eq!(hospital.len(), 2, "Japanese and English");
    let by_term =
        |id: &str| format!("/hsds/services?taxonomy_term_id={id}&full=true&per_page=1000");
    let ja = ok(&app, &by_term(hospital[0]["id"].as_str().unwrap())).await;
    let en = ok(&app, &by_term(hospital[1]["id"].as_str().unwrap())).await;
    assert_eq!(ja["total_items"], en["total_items"]);
    assert!(ja["total_items"].as_u64().unwrap() > 0);
    for service in ja["contents"].as_array().unwrap() {
        let kind = service["attributes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["link_type"] == "kind")
            .unwrap();
        assert_eq!(kind["taxonomy_term"]["code"], "hospital");
    }
    // Nothing was modified in the future; a whole-word search finds its service.
    let future = ok(&app, "/hsds/services?modified_after=2999-01-01").await;
    assert_eq!(
        (future["empty"].clone(), future["total_items"].clone()),
        (Value::Bool(true), 0.into())
    );
    let first = ok(&app, "/hsds/services?per_page=1").await;
    let name = first["contents"][0]["name"].as_str().unwrap();
    let found = ok(
        &app,
        &format!("/hsds/services?search={}", urlencoding(name)),
    )
    .await;
    assert!(found["contents"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["name"] == name));
}

/// Percent-encodes `text` for a query string.
fn urlencoding(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn issue_20_hsds_shows_no_staff_only_data_and_names_the_verifying_organisation() {
    let app = app_with_kanagawa().await;
    for uri in [
        "/hsds/services?full=true",
        "/hsds/service_at_locations?full=true",
        "/hsds/organizations?full_service=true",
    ] {
        let text = get(app.clone(), uri).await.text();
        assert!(
            !text.contains("STAFF-ONLY") && !text.contains("0467-99-0001"),
            "{uri}: {text}"
        );
        assert!(
            !text.contains("架空クリニック閉院"),
            "closed facilities are not listed: {uri}"
        );
    }
    let organizations = ok(&app, "/hsds/organizations?full_service=true").await;
    assert!(organizations["contents"]
        .as_array()
        .unwrap()
        .iter()
        .all(|o| !o["services"].as_array().unwrap().is_empty()));
    // Ventilator answered yes: only さくら, with the desk's verification (an organisation).
    let terms = ok(&app, "/hsds/taxonomy_terms?per_page=1000").await;
    let ventilator = terms["contents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["code"] == "ventilator" && t["language"] == "en")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let page = ok(
        &app,
        &format!("/hsds/services?taxonomy_term_id={ventilator}&full=true"),
    )
    .await;
    assert_eq!(page["total_items"], 1);
    let service = &page["contents"][0];
    assert_eq!(
        service["service_at_locations"][0]["location"]["name"],
        "架空訪問看護ステーションさくら"
    );
    let capability = service["attributes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["taxonomy_term"]["code"] == "ventilator")
        .unwrap();
    assert_eq!(capability["value"], "yes");
    assert_eq!(
        capability["metadata"][0]["updated_by"],
        "架空保健福祉事務所"
    );
    // The fixture's answer was confirmed 30 days ago (support.rs), so it has not lapsed.
    let confirmed =
        renkei_core::verification::tokyo_date(chrono::Utc::now()) - chrono::Duration::days(30);
    assert_eq!(service["assured_date"], confirmed.to_string());
    assert!(service.get("assurer_email").is_none());
}

#[tokio::test]
async fn issue_20_hsds_rejects_bad_parameters_and_unknown_ids() {
    let app = app_with_kanagawa().await;
    for uri in [
        "/hsds/services?per_page=0",
        "/hsds/services?per_page=1001",
        "/hsds/services?page=x",
        "/hsds/services?format=ndjson",
        "/hsds/service_at_locations?proximity=1000",
        "/hsds/service_at_locations?lon=139.4&lat=35.3",
        "/hsds/services?modified_after=yesterday",
        "/hsds/services?region=14",
    ] {
        get(app.clone(), uri)
            .await
            .assert_error(StatusCode::BAD_REQUEST, "bad_parameter");
    }
    for uri in [
        "/hsds/services/00000000-0000-0000-0000-000000000000",
        "/hsds/service_at_locations/nothing",
        "/hsds/organizations/nothing",
        "/hsds/taxonomies/nothing",
        "/hsds/taxonomy_terms/nothing",
        "/hsds/services?region=1499",
        "/hsds/services?taxonomy_term_id=nothing",
    ] {
        get(app.clone(), uri)
            .await
            .assert_error(StatusCode::NOT_FOUND, "not_found");
    }
}
