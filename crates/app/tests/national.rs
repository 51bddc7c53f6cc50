//! Issue 22 on the national open data of ../shared/data: `renkei fetch
//! --prefecture NN --source-dir ../shared/data` for prefectures other than
//! Kanagawa places every national visiting-nurse station and short-stay
//! office of the prefecture in its municipality and 二次医療圏, and a search
//! near the prefecture's landmark finds them. Each test skips with a message
//! when the files are missing.

use renkei_app::import::{fetch, FetchFailure, FetchReport, RegionTableOutcome};
use renkei_app::search::{SearchPlace, SearchRequest};
use renkei_core::{Facility, PrefectureCode};
use renkei_ingest::fetch::{FetchOptions, FetchPlan};
use renkei_store::{DatabaseUrl, OpenOptions, SharedStore};
use renkei_testdata::{shared_data_dir, shared_file};
use std::collections::BTreeSet;

const NURSES: &str = "national/visiting_nursing_national.csv";
const SHORT_STAY: &str = "national/wamnet_short_stay_national_202403.csv";

/// The national rows of prefecture `code`: the distinct visiting-nurse
/// stations (by the file's prefecture column) and short-stay offices (by the
/// prefecture their address starts with), counted from the files themselves.
fn national_counts(code: &str) -> Option<(usize, usize)> {
    let name = PrefectureCode::new(code).unwrap().name();
    let mut nurses = BTreeSet::new();
    let mut reader = csv::Reader::from_path(shared_file(NURSES)?).unwrap();
    for row in reader.records() {
        let row = row.unwrap();
        if &row[5] == code {
            nurses.insert(row[0].to_owned());
        }
    }
    let mut offices = BTreeSet::new();
    let mut reader = csv::Reader::from_path(shared_file(SHORT_STAY)?).unwrap();
    let headers = reader.headers().unwrap().clone();
    let column = |title: &str| headers.iter().position(|h| h == title).unwrap();
    let (number, service, city) = (
        column("事業所番号"),
        column("サービス種別"),
        column("事業所住所（市区町村）"),
    );
    for row in reader.records() {
        let row = row.unwrap();
        if &row[service] == "短期入所" && row[city].starts_with(name) {
            offices.insert(row[number].to_owned());
        }
    }
    Some((nurses.len(), offices.len()))
}

/// `renkei fetch --prefecture code --source-dir ../shared/data --offline` into a fresh database.
async fn fetch_prefecture(code: &str) -> (SharedStore, FetchReport) {
    fetch_offline(&FetchPlan::builtin(code).unwrap()).await
}

/// Fetches `plan` with `--source-dir ../shared/data --offline` into a fresh database.
async fn fetch_offline(plan: &FetchPlan) -> (SharedStore, FetchReport) {
    let store = renkei_store::open(&DatabaseUrl::new("sqlite::memory:"), OpenOptions::default())
        .await
        .unwrap();
    let downloads = tempfile::tempdir().unwrap();
    let options = FetchOptions {
        source_dir: Some(shared_data_dir()),
        download_dir: downloads.path().to_owned(),
        offline: true,
        ..FetchOptions::default()
    };
    let report = fetch(store.as_ref(), plan, options, &mut |_: &str| {})
        .await
        .unwrap();
    (store, report)
}

/// Fetches prefecture `code` and checks that every national station and
/// short-stay office of it is stored, placed in a municipality and a
/// 二次医療圏 of the prefecture; returns the store.
async fn places_every_station_of(code: &str) -> Option<SharedStore> {
    let (nurses, offices) = national_counts(code)?;
    shared_file("national/N03-21_210101.json")?;
    let (store, report) = fetch_prefecture(code).await;
    assert!(matches!(report.regions, RegionTableOutcome::Loaded(_)));
    for file in &report.files {
        match file.key.as_str() {
            "n03" | "visiting-nurse" | "wamnet-short-stay" => {
                assert!(file.result.is_ok(), "{}: {:?}", file.key, file.result);
            }
            _ => assert!(
                matches!(file.result, Err(FetchFailure::Skipped)),
                "{}: {:?}",
                file.key,
                file.result
            ),
        }
    }
    assert_eq!(report.failure_message(), None);
    let prefecture = PrefectureCode::new(code).unwrap();
    let stored = store.all_facilities().await.unwrap();
    let of_source = |source: &str| -> Vec<&Facility> {
        stored
            .iter()
            .filter(|f| f.provenance.source == source)
            .collect()
    };
    let (stations, short_stay) = (of_source("mhlw-kaigo-kouhyou"), of_source("wamnet-shogai"));
    assert_eq!(stations.len(), nurses, "visiting-nurse stations of {code}");
    assert_eq!(short_stay.len(), offices, "short-stay offices of {code}");
    let regions = store.region_tables().await.unwrap();
    assert_eq!(regions.len(), 1);
    for facility in stations.iter().chain(&short_stay) {
        let location = &facility.location;
        let (Some(municipality), Some(region)) = (&location.municipality, &location.region) else {
            panic!(
                "{} {} is not placed: {location:?}",
                facility.name, facility.provenance.source_record_id
            );
        };
        assert_eq!(municipality.prefecture(), prefecture, "{}", facility.name);
        assert_eq!(
            regions[0].region_of(municipality),
            Some(region),
            "{}",
            facility.name
        );
    }
    eprintln!("prefecture {code}: {nurses} visiting-nurse stations and {offices} short-stay offices placed");
    Some(store)
}

/// A search near `place` from the directory of `store`: the prefectures of
/// the nearest visiting-nurse stations found, and where it searched from.
async fn stations_near(store: &SharedStore, place: &str) -> (Vec<String>, String) {
    let snapshot = renkei_app::startup::prepare(store.as_ref()).await.unwrap();
    let request = SearchRequest {
        place: Some(SearchPlace::Near(place.to_owned())),
        profile: renkei_core::need::NeedProfile {
            kinds: vec![renkei_core::KindCode::new("visiting_nurse").unwrap()],
            ..renkei_core::need::NeedProfile::default()
        },
        include_unknown: true,
        limit: 20,
        ..SearchRequest::default()
    };
    let outcome = request.run(&snapshot).unwrap();
    let origin = outcome.search.origin.unwrap();
    // No 医療的ケア asked: every station meets the (empty) profile.
    let hits = outcome.page.confirmed;
    assert_eq!(hits.len(), 20, "{place}");
    (
        hits.iter()
            .map(|hit| {
                hit.facility
                    .location
                    .municipality
                    .as_ref()
                    .unwrap()
                    .prefecture()
                    .to_string()
            })
            .collect(),
        format!(
            "{} ({})",
            origin.label.unwrap_or_default(),
            origin.precision
        ),
    )
}

#[tokio::test]
async fn issue_22_fetch_tokyo_places_every_national_station() {
    places_every_station_of("13").await;
}

#[tokio::test]
async fn issue_22_fetch_osaka_places_every_national_station_and_finds_them_near_the_city_hall() {
    let Some(store) = places_every_station_of("27").await else {
        return;
    };
    let (prefectures, origin) = stations_near(&store, "大阪市役所").await;
    assert!(prefectures.iter().all(|p| p == "27"), "{prefectures:?}");
    assert_eq!(origin, "大阪市 (municipality)");
}

#[tokio::test]
async fn issue_22_fetch_hokkaido_places_every_national_station_and_finds_them_near_sapporo_station()
{
    let Some(store) = places_every_station_of("01").await else {
        return;
    };
    let (prefectures, origin) = stations_near(&store, "札幌駅").await;
    assert!(prefectures.iter().all(|p| p == "01"), "{prefectures:?}");
    assert_eq!(origin, "札幌市 (municipality)");
}

/// `renkei fetch --all --source-dir ../shared/data --offline`: the 47 region
/// tables, the national boundaries and lists whole. Then the point-in-region
/// check over the national N03: the share of the national visiting-nurse
/// stations whose published position lies in the municipality their address
/// states. Misses are the stations the check finds elsewhere and those whose
/// position the import had to replace by their address (outside Japan's
/// boundaries or in another prefecture); each is printed.
#[tokio::test]
async fn issue_22_fetch_all_and_the_national_point_in_region_check() {
    let Some((nurses, _)) = national_counts("13") else {
        return;
    };
    assert!(nurses > 0);
    let plan = FetchPlan::national(Some(&shared_data_dir())).unwrap();
    assert_eq!(plan.files.iter().filter(|f| f.importer == "n03").count(), 1);
    let (store, report) = fetch_offline(&plan).await;
    assert_eq!(
        report.regions,
        RegionTableOutcome::National {
            loaded: 47,
            kept: 0
        }
    );
    assert_eq!(report.failure_message(), None);
    let stored = store.all_facilities().await.unwrap();
    let stations: Vec<&Facility> = stored
        .iter()
        .filter(|f| f.provenance.source == "mhlw-kaigo-kouhyou")
        .collect();
    let replaced: Vec<&&Facility> = stations
        .iter()
        .filter(|f| f.location.geocoded.is_some())
        .collect();
    let snapshot = renkei_app::startup::prepare(store.as_ref()).await.unwrap();
    let check = renkei_app::check::check_placements(&snapshot).unwrap();
    let elsewhere: Vec<_> = check
        .problems
        .iter()
        .filter(|p| p.source.starts_with("mhlw-kaigo-kouhyou "))
        .collect();
    for facility in &replaced {
        eprintln!(
            "placed by address (published position wrong): {} {} {}",
            facility.provenance.source_record_id, facility.name, facility.location.address
        );
    }
    for problem in &elsewhere {
        eprintln!(
            "elsewhere: {} {} stated {:?}, lies in {} ({} {:.0} m), {:?} m from the stated unit",
            problem.source,
            problem.facility,
            problem.stated,
            problem.assigned,
            problem.method.as_str(),
            problem.method.distance_m(),
            problem.to_stated_m.map(f64::round)
        );
    }
    let far: Vec<_> = elsewhere
        .iter()
        .filter(|p| {
            p.to_stated_m
                .is_none_or(|m| m > renkei_app::check::BOUNDARY_RESOLUTION_M)
        })
        .collect();
    let n = stations.len() as f64;
    let strict = 1.0 - (replaced.len() + elsewhere.len()) as f64 / n;
    let published = 1.0 - (replaced.len() + far.len()) as f64 / n;
    let placed = 1.0 - far.len() as f64 / n;
    eprintln!(
        "point in region over the national N03, {} national visiting-nurse stations: published positions in the municipality their address states {:.2} % (strictly), {:.2} % within {:.0} m of it; {} published positions replaced by the address (outside every municipality or in another prefecture); renkei's placements {:.2} % within {:.0} m ({} misses); check regions: {:.2} % consistent",
        stations.len(),
        100.0 * strict,
        100.0 * published,
        renkei_app::check::BOUNDARY_RESOLUTION_M,
        replaced.len(),
        100.0 * placed,
        renkei_app::check::BOUNDARY_RESOLUTION_M,
        far.len(),
        check.consistent_percent(),
    );
    assert!(stations.len() > 17_000, "{}", stations.len());
    assert!(placed >= 0.995, "{placed}");
    assert!(published >= 0.99, "{published}");
}
