//! Stations, rail lines and postcode points of the base map (#18).

use crate::support::run_log;
use renkei_core::basemap::{PostcodePoint, RailLine, Station};
use renkei_core::LonLat;
use renkei_store::Store;

/// A fictional station.
pub fn station(code: &str, name: &str) -> Station {
    Station {
        code: code.into(),
        group: "g1".into(),
        name: name.into(),
        line: "架空本線".into(),
        operator: "架空鉄道".into(),
        position: LonLat::new(139.41, 35.33).unwrap(),
    }
}

/// A fictional postcode point.
pub fn postcode(digits: &str, prefecture: &str) -> PostcodePoint {
    PostcodePoint {
        postcode: digits.into(),
        prefecture: prefecture.into(),
        city: "架空市".into(),
        town: "架空町".into(),
        position: LonLat::new(139.40, 35.33).unwrap(),
    }
}

/// Each file replaces its rows with its run log in one transaction, and the
/// snapshot reads them back; postcodes are replaced per prefecture.
pub async fn issue_18_base_map_rows_replace_and_round_trip(store: &dyn Store) {
    store
        .replace_stations(
            "n02-stations",
            &[station("1", "架空ヶ丘"), station("2", "架空台")],
            &run_log("a.geojson", 2),
        )
        .await
        .unwrap();
    let stored = store
        .replace_stations(
            "n02-stations",
            &[station("3", "架空野")],
            &run_log("b.geojson", 1),
        )
        .await
        .unwrap();
    assert_eq!(stored, 1);
    let line = RailLine {
        id: "9001#0".into(),
        name: "架空線".into(),
        operator: "架空鉄道".into(),
        parts: vec![vec![
            LonLat::new(139.4, 35.3).unwrap(),
            LonLat::new(139.5, 35.31).unwrap(),
        ]],
        licence: "CC BY-SA 4.0".into(),
        attribution: "架空の出典 (CC BY-SA 4.0)".into(),
    };
    store
        .replace_rail_lines(
            "rail-lines",
            std::slice::from_ref(&line),
            &run_log("l.geojson", 1),
        )
        .await
        .unwrap();
    store
        .replace_postcodes(
            "postcodes",
            &[postcode("9990001", "14"), postcode("9990002", "13")],
            &run_log("p.csv", 2),
        )
        .await
        .unwrap();
    store
        .replace_postcodes(
            "postcodes",
            &[postcode("9990003", "14")],
            &run_log("q.csv", 1),
        )
        .await
        .unwrap();

    let snapshot = store.snapshot().await.unwrap();
    let names: Vec<&str> = snapshot
        .base_layers
        .stations
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(names, ["架空野"], "the second file replaced the first");
    assert_eq!(snapshot.base_layers.rail_lines, [line]);
    let codes: Vec<&str> = snapshot
        .postcodes
        .iter()
        .map(|p| p.postcode.as_str())
        .collect();
    assert_eq!(
        codes,
        ["9990002", "9990003"],
        "prefecture 14 replaced, 13 kept"
    );
    let runs = store.import_runs(10).await.unwrap();
    assert_eq!(runs.len(), 5, "one run row per file");
    assert_eq!(
        runs.iter().filter(|r| r.source_key == "postcodes").count(),
        2
    );
}
