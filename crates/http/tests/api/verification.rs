//! Verification ageing (issue 16): every capability answer in search hits
//! carries its date and confirming organisation, and a yes confirmed longer
//! ago than the lapse limit counts as 要確認 while the stored answer stays.

use crate::support::{config, id, store_with, SOURCE};
use axum::Router;
use chrono::{Duration, NaiveDate, Utc};
use renkei_app::ReadModel;
use renkei_core::fixtures::fictional_facility;
use renkei_core::verification::{tokyo_date, AgeingPolicy};
use renkei_core::{
    AgeRange, Answer, CapabilityCode, CapabilityFact, Facility, LonLat, Service, Verification,
};
use renkei_http::{router, AppState, HttpConfig};
use serde_json::{json, Value};

const DESK: &str = "架空市医療的ケア児相談窓口";

/// A station answering ventilator = yes, confirmed `age_days` ago by [`DESK`].
fn station(record: &str, name: &str, lon: f64, age_days: i64) -> Facility {
    let mut facility = fictional_facility(
        record,
        "visiting_nurse",
        name,
        Some(LonLat::new(lon, 35.33).unwrap()),
    );
    facility.id = id(record);
    facility.provenance.source = SOURCE.into();
    facility.services = vec![Service {
        key: "main".into(),
        name: "小児訪問看護".into(),
        service_type: None,
        ages: AgeRange::default(),
        accepting_new_clients: Answer::Yes,
        respite_beds: None,
        verified: None,
        capabilities: vec![CapabilityFact {
            capability: CapabilityCode::new("ventilator").unwrap(),
            answer: Answer::Yes,
            verified: Some(Verification {
                on: confirmed_on(age_days),
                by_organization: DESK.into(),
            }),
            staff_note: None,
        }],
        schedules: Vec::new(),
    }];
    facility
}

fn confirmed_on(age_days: i64) -> NaiveDate {
    tokyo_date(Utc::now()) - Duration::days(age_days)
}

async fn app(config: HttpConfig) -> Router {
    let store = store_with(&[
        station("fresh", "架空訪問看護ステーションわかば", 139.40, 364),
        station("stale", "架空訪問看護ステーションふるき", 139.41, 456),
    ])
    .await;
    let model = ReadModel::from_snapshot(renkei_app::load(store.as_ref()).await.unwrap());
    router(AppState::new(store, model, config))
}

const SEARCH: &str = "/api/v1/search?lon=139.40&lat=35.33&needs=ventilator&include_unknown=true";

fn hit_names(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|hit| hit["facility"]["name"].as_str().unwrap())
        .collect()
}

async fn issue_16_an_answer_456_days_old_is_in_the_unknown_tier_with_its_date() {
    let app = app(config()).await;
    let body = crate::search::ok(&app, SEARCH).await;
    assert_eq!(
        hit_names(&body["results"]),
        ["架空訪問看護ステーションわかば"],
        "364 days old still counts as confirmed"
    );
    assert_eq!(
        body["results"][0]["needs"][0],
        json!({"code": "ventilator", "answer": "yes", "freshness": "current",
               "verified": {"on": confirmed_on(364).to_string(), "by_organization": DESK}})
    );
    assert_eq!(
        hit_names(&body["unknown"]),
        ["架空訪問看護ステーションふるき"]
    );
    assert_eq!(
        body["unknown"][0]["needs"][0],
        json!({"code": "ventilator", "answer": "unknown", "freshness": "lapsed",
               "verified": {"on": confirmed_on(456).to_string(), "by_organization": DESK}}),
        "the lapsed answer is 要確認 and still says when it was last confirmed"
    );
    // The stored answer stays, with its date, on the facility record.
    let detail = crate::search::ok(&app, &format!("/api/v1/facilities/{}", id("stale"))).await;
    let ventilator = &detail["services"][0]["capabilities"][0];
    assert_eq!(ventilator["answer"], "yes");
    assert_eq!(ventilator["verified"]["by_organization"], DESK);
}

async fn issue_16_geojson_hits_carry_the_confirmation() {
    let app = app(config()).await;
    let body = crate::search::ok(&app, &format!("{SEARCH}&format=geojson")).await;
    let features = body["features"].as_array().unwrap();
    let stale = features
        .iter()
        .find(|f| f["properties"]["name"] == "架空訪問看護ステーションふるき")
        .unwrap();
    assert_eq!(stale["properties"]["need_ventilator"], "unknown");
    assert_eq!(
        stale["properties"]["need_ventilator_verified_on"],
        confirmed_on(456).to_string()
    );
    assert_eq!(stale["properties"]["need_ventilator_verified_by"], DESK);
}

async fn issue_16_the_lapse_limit_is_configurable() {
    let app = app(HttpConfig {
        ageing: AgeingPolicy {
            lapse_after_days: 500,
        },
        ..config()
    })
    .await;
    let body = crate::search::ok(&app, SEARCH).await;
    assert_eq!(
        hit_names(&body["results"]),
        [
            "架空訪問看護ステーションわかば",
            "架空訪問看護ステーションふるき"
        ]
    );
    assert_eq!(body["unknown"], json!([]));
    assert_eq!(body["results"][1]["needs"][0]["freshness"], "overdue");
}

on_both_backends!(
    issue_16_an_answer_456_days_old_is_in_the_unknown_tier_with_its_date,
    issue_16_the_lapse_limit_is_configurable,
    issue_16_geojson_hits_carry_the_confirmation,
);
