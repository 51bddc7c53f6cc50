//! The read model under concurrent use (issue 15): while one thread keeps
//! publishing new snapshots, searches on other threads always see a
//! directory and regions of the same version.
//!
//! Version `v` has one fictional 二次医療圏 `47vv` named 架空圏v and three
//! fictional stations named 架空訪問看護v-n placed in it, at data version
//! `v`. A searcher takes a snapshot, searches the region its regions list —
//! which the query checks against those regions — and finds the facilities
//! of that region in the directory: with a directory of another version the
//! region would be unknown to the query or empty in the index, and the
//! names, the region's name and the data version would disagree.

use renkei_app::search::SearchRequest;
use renkei_app::{ReadModel, Regions, Snapshot};
use renkei_core::directory_index::DirectoryIndex;
use renkei_core::fixtures::fictional_facility;
use renkei_core::geocode::Geocoder;
use renkei_core::region::RegionTable;
use renkei_core::search::Area;
use renkei_core::{LonLat, RegionCode};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Snapshots the publisher makes, one version each.
const VERSIONS: i64 = 400;
/// Searching threads.
const SEARCHERS: usize = 4;
/// Stations per version.
const STATIONS: usize = 3;

fn region_code(version: i64) -> RegionCode {
    RegionCode::new(format!("47{:02}", version % 90 + 10)).unwrap()
}

fn snapshot(version: i64) -> Snapshot {
    let code = region_code(version);
    let table = RegionTable::from_toml(&format!(
        r#"
        [prefecture]
        code = "47"
        name_ja = "架空県"
        [[regions]]
        code = "{code}"
        name_ja = "架空圏{version}"
        municipalities = ["47201"]
        "#
    ))
    .unwrap();
    let facilities = (0..STATIONS).map(|n| {
        let mut facility = fictional_facility(
            &format!("v{version}-{n}"),
            "visiting_nurse",
            &format!("架空訪問看護{version}-{n}"),
            Some(LonLat::new(127.5, 26.0).unwrap()),
        );
        facility.location.region = Some(code.clone());
        facility
    });
    Snapshot::new(
        DirectoryIndex::build(facilities, version),
        Regions::build(vec![table], Vec::new(), Vec::new()),
        Geocoder::default(),
    )
}

/// Searches the region of one snapshot and checks every part is of one version.
fn search_once(model: &ReadModel) {
    let snapshot = model.snapshot();
    let version = snapshot.data_version();
    let (_, region) = snapshot
        .regions()
        .catalog
        .regions()
        .next()
        .expect("every snapshot has its region");
    assert_eq!(
        region.name_ja,
        format!("架空圏{version}"),
        "regions of another version"
    );
    let outcome = SearchRequest {
        area: Some(Area::Region(region.code.clone())),
        include_unknown: true,
        ..SearchRequest::default()
    }
    .run(&snapshot)
    .expect("the region is one of the snapshot's regions");
    let hits: Vec<_> = outcome
        .page
        .confirmed
        .iter()
        .chain(&outcome.page.unknown)
        .collect();
    assert_eq!(hits.len(), STATIONS, "version {version}: {hits:?}");
    for hit in hits {
        assert!(
            hit.facility
                .name
                .starts_with(&format!("架空訪問看護{version}-")),
            "version {version} found {}",
            hit.facility.name
        );
        assert_eq!(hit.facility.location.region.as_ref(), Some(&region.code));
    }
}

#[test]
fn issue_15_searches_never_see_an_index_and_regions_of_different_versions() {
    let model = ReadModel::from_snapshot(snapshot(0));
    let done = AtomicBool::new(false);
    let searches = AtomicUsize::new(0);
    let started = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..SEARCHERS {
            scope.spawn(|| {
                while !done.load(Ordering::Acquire) {
                    search_once(&model);
                    searches.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
        scope.spawn(|| {
            for version in 1..=VERSIONS {
                model.publish(snapshot(version));
                // Let the searchers run against each version for a moment.
                std::thread::sleep(Duration::from_micros(200));
            }
            done.store(true, Ordering::Release);
        });
    });
    assert_eq!(model.snapshot().data_version(), VERSIONS);
    let searches = searches.into_inner();
    assert!(
        searches >= SEARCHERS,
        "only {searches} searches ran in {:?}",
        started.elapsed()
    );
}

#[test]
fn replacing_one_part_publishes_a_whole_snapshot_keeping_the_others() {
    let model = ReadModel::from_snapshot(snapshot(1));
    let before = model.snapshot();
    model.store(DirectoryIndex::build(Vec::new(), 2));
    let after = model.snapshot();
    assert_eq!(after.data_version(), 2);
    assert!(std::sync::Arc::ptr_eq(before.regions(), after.regions()));
    assert!(std::sync::Arc::ptr_eq(before.geocoder(), after.geocoder()));
    // The reader holding the old snapshot still has all of it.
    assert_eq!(before.data_version(), 1);
    assert_eq!(before.directory().len(), STATIONS);
}
