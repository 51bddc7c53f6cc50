//! Regions (issue 4): boundaries, 二次医療圏 tables, population and location
//! placement, with small authored polygons of a fictional prefecture (47 架空県).

use crate::support::{facility, run_log, source};
use geo::{polygon, MultiPolygon};
use renkei_core::region::{AssignmentMethod, MunicipalPopulation, Municipality, RegionTable};
use renkei_core::{Facility, MunicipalityCode};
use renkei_store::{
    FileImport, LocationAssignment, PopulationRecord, SourceInfo, Store, WriteSummary,
};

/// A 0.1° square whose south-west corner is (`west`, `south`), longitude first.
pub(crate) fn square(west: f64, south: f64) -> MultiPolygon<f64> {
    MultiPolygon::new(vec![polygon![
        (x: west, y: south),
        (x: west + 0.1, y: south),
        (x: west + 0.1, y: south + 0.1),
        (x: west, y: south + 0.1),
    ]])
}

pub(crate) fn unit(code: &str, name: &str, west: f64) -> Municipality {
    Municipality {
        code: code.parse().unwrap(),
        prefecture_name: if code.starts_with("47") {
            "架空県"
        } else {
            "仮想県"
        }
        .into(),
        subprefecture_name: None,
        county_or_city: (code == "47101").then(|| "架空市".to_owned()),
        name: name.into(),
        geometry: square(west, 26.0),
    }
}

pub(crate) fn table(north: &[&str]) -> RegionTable {
    let list = |codes: &[&str]| {
        codes
            .iter()
            .map(|c| format!("\"{c}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    RegionTable::from_toml(&format!(
        r#"
        [prefecture]
        code = "47"
        name_ja = "架空県"
        name_en = "Fictional"
        [[designated_cities]]
        code = "47100"
        name_ja = "架空市"
        wards = ["47101"]
        [[regions]]
        code = "4701"
        name_ja = "架空北部"
        name_en = "Fictional North"
        code_verified = false
        municipalities = [{}]
        core_hospitals = ["架空中央病院", "架空こども病院"]
        [[regions]]
        code = "4702"
        name_ja = "架空南部"
        municipalities = ["47301"]
        "#,
        list(north)
    ))
    .unwrap()
}

/// Boundaries read back as written; an import replaces only its prefectures.
pub async fn boundaries_replace_per_prefecture(store: &dyn Store) {
    assert!(store.municipalities().await.unwrap().is_empty());
    let first = vec![
        unit("47101", "架空区", 127.0),
        unit("47201", "架空町", 127.1),
        unit("46201", "仮想市", 130.0),
    ];
    let summary = store
        .replace_boundaries("first.geojson", &first)
        .await
        .unwrap();
    assert_eq!((summary.written, summary.removed), (3, 0));
    assert_eq!(summary.prefectures.len(), 2);
    let version = store.data_version().await.unwrap();
    assert!(version > 0);
    let stored = store.municipalities().await.unwrap();
    let codes: Vec<&str> = stored.iter().map(|u| u.code.as_str()).collect();
    assert_eq!(codes, ["46201", "47101", "47201"]);
    assert_eq!(
        stored[1], first[0],
        "every field and the geometry round-trip"
    );

    let second = vec![unit("47301", "新架空町", 127.2)];
    let summary = store
        .replace_boundaries("second.geojson", &second)
        .await
        .unwrap();
    assert_eq!((summary.written, summary.removed), (1, 2));
    let codes: Vec<String> = store
        .municipalities()
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.code.to_string())
        .collect();
    assert_eq!(codes, ["46201", "47301"], "prefecture 46 kept, 47 replaced");
    assert!(store.data_version().await.unwrap() > version);
}

/// A region table reads back equal, and an import of its prefecture replaces it.
pub async fn region_table_round_trips(store: &dyn Store) {
    assert!(store.region_tables().await.unwrap().is_empty());
    let authored = table(&["47101", "47201"]);
    store.upsert_region_table(&authored).await.unwrap();
    assert_eq!(store.region_tables().await.unwrap(), vec![authored.clone()]);
    let stored = &store.region_tables().await.unwrap()[0];
    let north = stored.region(&"4701".parse().unwrap()).unwrap();
    assert_eq!(north.core_hospitals, ["架空中央病院", "架空こども病院"]);
    assert!(!north.code_verified);
    assert_eq!(stored.prefecture().name_en.as_deref(), Some("Fictional"));

    // Re-importing with other membership replaces the old rows.
    let changed = table(&["47101"]);
    store.upsert_region_table(&changed).await.unwrap();
    assert_eq!(store.region_tables().await.unwrap(), vec![changed]);
}

/// Population rows are replaced by code and read back.
pub async fn population_round_trips(store: &dyn Store) {
    let row = |code: &str, total| PopulationRecord {
        population: MunicipalPopulation {
            code: code.parse().unwrap(),
            name: format!("架空{code}"),
            total,
            under_15: total / 8,
        },
        year: 2020,
        source: "架空統計 2020".into(),
    };
    assert_eq!(
        store
            .set_population(&[row("47100", 1000), row("47201", 80)])
            .await
            .unwrap(),
        2
    );
    store.set_population(&[row("47201", 96)]).await.unwrap();
    let stored = store.populations().await.unwrap();
    assert_eq!(stored, vec![row("47100", 1000), row("47201", 96)]);
}

/// Placements are stored, show on the facility, and an unchanged re-run
/// writes nothing and leaves the data version alone.
pub async fn location_assignments_are_stored(store: &dyn Store) {
    let src = source("test-regions");
    let facilities = [
        facility(
            &src,
            "1",
            "visiting_nurse",
            "架空訪問看護ステーションうみ",
            "47201",
        ),
        facility(&src, "2", "clinic", "架空沖合クリニック", "47201"),
    ];
    store.upsert_facilities(&src, &facilities).await.unwrap();
    let code = |c: &str| Some(c.parse::<MunicipalityCode>().unwrap());
    let assignments = [
        LocationAssignment {
            id: facilities[0].id,
            municipality: code("47201"),
            region: Some("4701".parse().unwrap()),
            method: Some(AssignmentMethod::Nearest { distance_m: 120.5 }),
        },
        LocationAssignment {
            id: facilities[1].id,
            municipality: None,
            region: None,
            method: Some(AssignmentMethod::Suspect { distance_m: 9000.0 }),
        },
    ];
    assert_eq!(
        store.set_location_assignments(&assignments).await.unwrap(),
        2
    );
    let version = store.data_version().await.unwrap();
    let placed = store.facility(facilities[0].id).await.unwrap();
    assert_eq!(placed.location.municipality, code("47201"));
    assert_eq!(placed.location.region.unwrap().as_str(), "4701");
    let suspect = store.facility(facilities[1].id).await.unwrap();
    assert_eq!(
        (suspect.location.municipality, suspect.location.region),
        (None, None)
    );
    assert_eq!(
        suspect.location.stated_municipality,
        code("47201"),
        "the source's own code is kept"
    );
    assert_eq!(
        store.set_location_assignments(&assignments).await.unwrap(),
        0
    );
    assert_eq!(store.data_version().await.unwrap(), version);
    // A re-import of the unchanged records keeps the placement.
    store.upsert_facilities(&src, &facilities).await.unwrap();
    let again = store.facility(facilities[1].id).await.unwrap();
    assert_eq!(again.location.municipality, None);
}

/// Imports `facilities` with `assignments` as one file; returns what happened
/// to the records and how many placements changed.
async fn import_placed(
    store: &dyn Store,
    src: &SourceInfo,
    facilities: &[Facility],
    assignments: &[LocationAssignment],
) -> (WriteSummary, u64) {
    let import = FileImport {
        placements: assignments,
        ..FileImport::records(src, facilities)
    };
    let applied = store
        .apply_import(import, &run_log("架空.csv", facilities.len() as u64))
        .await
        .unwrap();
    (applied.written, applied.placements_changed)
}

/// Writing records with their placements in one call stores and counts exactly
/// what the two separate steps do: a later `set_location_assignments` with the
/// same placements (distances included) finds nothing to change, a re-import
/// changes nothing, and a record that moved is updated and re-placed.
pub async fn placed_upsert_matches_separate_steps(store: &dyn Store) {
    let src = source("test-placed");
    let mut facilities = vec![
        facility(
            &src,
            "1",
            "visiting_nurse",
            "架空訪問看護ステーションなみ",
            "47201",
        ),
        facility(&src, "2", "clinic", "架空岬クリニック", "47201"),
        facility(&src, "3", "clinic", "架空灯台クリニック", "47201"),
    ];
    let code = |c: &str| Some(c.parse::<MunicipalityCode>().unwrap());
    let mut assignments = vec![
        LocationAssignment {
            id: facilities[0].id,
            municipality: code("47201"),
            region: Some("4701".parse().unwrap()),
            method: Some(AssignmentMethod::Nearest {
                distance_m: 120.123_456_789_012_34,
            }),
        },
        LocationAssignment {
            id: facilities[1].id,
            municipality: None,
            region: None,
            method: Some(AssignmentMethod::Suspect {
                distance_m: 9_000.000_000_000_2,
            }),
        },
    ];
    let (written, changed) = import_placed(store, &src, &facilities, &assignments).await;
    assert_eq!((written.inserted, changed), (3, 2));
    let version = store.data_version().await.unwrap();
    assert_eq!(
        store.set_location_assignments(&assignments).await.unwrap(),
        0,
        "the placements were stored with the records, to the last bit"
    );
    let placed = store.facility(facilities[0].id).await.unwrap();
    assert_eq!(placed.location.region.unwrap().as_str(), "4701");
    let suspect = store.facility(facilities[1].id).await.unwrap();
    assert_eq!(
        (suspect.location.municipality, suspect.location.region),
        (None, None)
    );
    assert_eq!(suspect.location.stated_municipality, code("47201"));
    let unplaced = store.facility(facilities[2].id).await.unwrap();
    assert_eq!(unplaced.location.municipality, code("47201"));

    let (again, changed) = import_placed(store, &src, &facilities, &assignments).await;
    assert_eq!(
        (again.unchanged, again.inserted, again.updated, changed),
        (3, 0, 0, 0)
    );
    assert_eq!(store.data_version().await.unwrap(), version);

    "架空灯台クリニック分院".clone_into(&mut facilities[2].name);
    assignments.push(LocationAssignment {
        id: facilities[2].id,
        municipality: code("47201"),
        region: Some("4701".parse().unwrap()),
        method: Some(AssignmentMethod::Inside),
    });
    let (moved, changed) = import_placed(store, &src, &facilities, &assignments).await;
    assert_eq!((moved.updated, moved.unchanged, changed), (1, 2, 1));
    assert!(store.data_version().await.unwrap() > version);
    let moved = store.facility(facilities[2].id).await.unwrap();
    assert_eq!(moved.name, "架空灯台クリニック分院");
    assert_eq!(moved.location.region.unwrap().as_str(), "4701");
    assert_eq!(
        store.set_location_assignments(&assignments).await.unwrap(),
        0
    );
}
