//! Point-in-region assignment on the national N03 file (1,897 features):
//! [`BoundaryIndex::locate`] (R-trees) against [`BoundaryIndex::locate_naive`]
//! (every polygon, every edge) on the same deterministic points, asserting equal
//! answers and printing points per second on one core and the ratio.
//!
//! Run: `cargo bench -p renkei-core --bench assign`. Reads
//! `../shared/data/national/N03-21_210101.json` (or `$RENKEI_SHARED_DATA/…`) and
//! skips with a message when it is missing. Target: ≥ 500,000 points/s.

use geo::{Coord, LineString, MultiPolygon, Polygon};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use renkei_core::region::{BoundaryIndex, Municipality, Placement};
use renkei_core::{LonLat, MunicipalityCode};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Points per set; the naive scan of suspect (sea) points is slow, so this
/// keeps the whole run well under a minute.
const POINTS: usize = 20_000;
/// Japan's bounding box (longitude, latitude degrees), generous.
const JAPAN_LON: (f64, f64) = (122.9, 154.0);
const JAPAN_LAT: (f64, f64) = (20.4, 45.6);
const TARGET_POINTS_PER_S: f64 = 500_000.0;

fn main() {
    let root = std::env::var_os("RENKEI_SHARED_DATA").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"),
        PathBuf::from,
    );
    let path = root.join("national/N03-21_210101.json");
    let Ok(text) = std::fs::read_to_string(&path) else {
        println!(
            "SKIPPED: {} not found (set RENKEI_SHARED_DATA)",
            path.display()
        );
        return;
    };
    let units = read_units(&text);
    let started = Instant::now();
    let index = BoundaryIndex::new(units, &[]);
    let build = started.elapsed();
    println!(
        "national N03: {} units, {} edges; index built in {:.1} ms",
        index.municipalities().len(),
        index.edge_count(),
        build.as_secs_f64() * 1e3
    );

    let mut rng = StdRng::seed_from_u64(4);
    let uniform: Vec<LonLat> = (0..POINTS)
        .map(|_| {
            LonLat::new(
                rng.gen_range(JAPAN_LON.0..JAPAN_LON.1),
                rng.gen_range(JAPAN_LAT.0..JAPAN_LAT.1),
            )
            .unwrap()
        })
        .collect();
    // Points near the units (within ±0.05° of a vertex): mostly on land, as
    // facility positions are.
    let vertices: Vec<Coord<f64>> = index
        .municipalities()
        .iter()
        .flat_map(|u| u.geometry.iter().map(|p| p.exterior().0[0]))
        .collect();
    let near_land: Vec<LonLat> = (0..POINTS)
        .map(|_| {
            let v = vertices[rng.gen_range(0..vertices.len())];
            LonLat::new(
                v.x + rng.gen_range(-0.05..0.05),
                v.y + rng.gen_range(-0.05..0.05),
            )
            .unwrap()
        })
        .collect();

    let mut all_met = true;
    for (name, points) in [
        ("uniform in Japan's bbox", &uniform),
        ("near municipalities", &near_land),
    ] {
        let (tree_answers, tree_rate) = measure(points, |p| index.locate(p));
        let (naive_answers, naive_rate) = measure_once(points, |p| index.locate_naive(p));
        assert_eq!(
            tree_answers, naive_answers,
            "R-tree and naive scan disagree"
        );
        let methods = tree_answers.iter().fold(BTreeMap::new(), |mut counts, a| {
            *counts
                .entry(a.map_or("none", |a| a.method.as_str()))
                .or_insert(0_usize) += 1;
            counts
        });
        println!(
            "{name}: {POINTS} points {methods:?}\n  R-tree {tree_rate:>12.0} points/s\n  naive  {naive_rate:>12.0} points/s\n  ratio  {:>12.1}×  (target ≥ {TARGET_POINTS_PER_S:.0} points/s: {})",
            tree_rate / naive_rate,
            if tree_rate >= TARGET_POINTS_PER_S { "met" } else { "NOT met" }
        );
        all_met &= tree_rate >= TARGET_POINTS_PER_S;
    }
    println!(
        "answers equal on all points; target {}",
        if all_met { "met" } else { "NOT met" }
    );
}

/// Runs `locate` over `points` repeatedly for at least a second; answers of the
/// first pass and points per second.
fn measure(
    points: &[LonLat],
    locate: impl Fn(LonLat) -> Option<Placement>,
) -> (Vec<Option<Placement>>, f64) {
    let answers: Vec<_> = points.iter().map(|p| locate(*p)).collect();
    let started = Instant::now();
    let mut done = 0_usize;
    while started.elapsed() < Duration::from_secs(1) {
        for p in points {
            std::hint::black_box(locate(std::hint::black_box(*p)));
        }
        done += points.len();
    }
    (answers, done as f64 / started.elapsed().as_secs_f64())
}

/// Runs `locate` over `points` once (the slow baseline).
fn measure_once(
    points: &[LonLat],
    locate: impl Fn(LonLat) -> Option<Placement>,
) -> (Vec<Option<Placement>>, f64) {
    let started = Instant::now();
    let answers: Vec<_> = points.iter().map(|p| locate(*p)).collect();
    (
        answers,
        points.len() as f64 / started.elapsed().as_secs_f64(),
    )
}

/// Minimal N03 reader for the bench (the real importer lives in renkei-ingest,
/// which depends on this crate): features by `N03_007`, null codes skipped.
fn read_units(text: &str) -> Vec<Municipality> {
    let json: Value = serde_json::from_str(text).expect("N03 GeoJSON");
    let mut units: BTreeMap<MunicipalityCode, Vec<Polygon<f64>>> = BTreeMap::new();
    for feature in json["features"].as_array().expect("features") {
        let Some(code) = feature["properties"]["N03_007"].as_str() else {
            continue;
        };
        let polygons = match feature["geometry"]["type"].as_str() {
            Some("Polygon") => vec![polygon(&feature["geometry"]["coordinates"])],
            Some("MultiPolygon") => feature["geometry"]["coordinates"]
                .as_array()
                .expect("polygons")
                .iter()
                .map(polygon)
                .collect(),
            other => panic!("unexpected geometry {other:?}"),
        };
        units
            .entry(code.parse().expect("5-digit code"))
            .or_default()
            .extend(polygons);
    }
    units
        .into_iter()
        .map(|(code, polygons)| Municipality {
            code,
            prefecture_name: String::new(),
            subprefecture_name: None,
            county_or_city: None,
            name: String::new(),
            geometry: MultiPolygon::new(polygons),
        })
        .collect()
}

fn polygon(rings: &Value) -> Polygon<f64> {
    let mut rings = rings.as_array().expect("rings").iter().map(|ring| {
        LineString::new(
            ring.as_array()
                .expect("positions")
                .iter()
                .map(|p| Coord {
                    x: p[0].as_f64().expect("lon"),
                    y: p[1].as_f64().expect("lat"),
                })
                .collect(),
        )
    });
    let exterior = rings.next().expect("exterior ring");
    Polygon::new(exterior, rings.collect())
}
