//! Town points and geocoded placements.

use crate::support::{facility, run_log, source};
use renkei_core::geocode::{Precision, TownPoint};
use renkei_core::{LonLat, MunicipalityCode};
use renkei_store::{FileImport, GeocodeRecord, Store};

pub(crate) fn town(code: &str, name: &str, lon: f64) -> TownPoint {
    TownPoint {
        municipality: MunicipalityCode::new(code).unwrap(),
        town: name.into(),
        position: LonLat::new(lon, 35.0).unwrap(),
    }
}

/// Town points are replaced per prefecture, and a geocoded placement is read
/// back with its facility.
pub async fn town_points_and_geocodes_round_trip(store: &dyn Store) {
    store
        .replace_town_points(
            "a.csv",
            &[
                town("47201", "架空町一丁目", 127.6),
                town("46201", "架空町", 130.5),
            ],
        )
        .await
        .unwrap();
    store
        .replace_town_points("b.csv", &[town("47201", "架空町二丁目", 127.7)])
        .await
        .unwrap();
    let towns: Vec<String> = store
        .town_points()
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.town)
        .collect();
    assert_eq!(
        towns,
        ["架空町", "架空町二丁目"],
        "prefecture 47 replaced, 46 kept"
    );

    let src = source("test-a");
    let placed = facility(&src, "1", "clinic", "テスト小児科クリニック", "47201");
    store
        .upsert_facilities(&src, std::slice::from_ref(&placed))
        .await
        .unwrap();
    let version = store.data_version().await.unwrap();
    let geocodes = [GeocodeRecord {
        facility: placed.id,
        precision: Precision::Town,
        matched: "架空市架空町二丁目".into(),
    }];
    let import = FileImport {
        geocodes: &geocodes,
        ..FileImport::records(&src, std::slice::from_ref(&placed))
    };
    store
        .apply_import(import, &run_log("架空.csv", 1))
        .await
        .unwrap();
    assert!(store.data_version().await.unwrap() > version);
    assert_eq!(
        store.facility(placed.id).await.unwrap().location.geocoded,
        Some(Precision::Town)
    );
}
