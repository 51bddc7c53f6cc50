//! Coverage analysis (issue 9): R-tree nearest providers against a naive scan
//! of every provider for every place, on the same deterministic input,
//! asserting equal answers and printing times and ratios.
//!
//! 1. Kanagawa: every 3rd-mesh land cell of the N03 Kanagawa boundaries
//!    (`boundaries/N03-21_14_210101.json`) against 20,000 fictional
//!    facilities for one need profile (assessment, index, analysis and the
//!    per-municipality table). Target: under 200 ms.
//! 2. Japan: every 3rd-mesh land cell of the national N03 file
//!    (`national/N03-21_210101.json`) against 1,000,000 providers jittered
//!    around land cells (index and analysis, one core). Target: under 5 s. The
//!    naive scan of a million providers per cell is timed on a sample of
//!    cells and extrapolated.
//!
//! Run: `cargo bench -p renkei-core --features fixtures --bench coverage`.
//! Reads `../shared/data` (or `$RENKEI_SHARED_DATA`) and skips with a message
//! when a file is missing.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use renkei_core::coverage::{
    analyse, analyse_naive, land_cells, providers, spread_population, summarise, Basis, Candidate,
    CoverageOptions, Place, ProviderIndex, Site, SiteCoverage,
};
use renkei_core::fixtures::{fictional_facility, fictional_service};
use renkei_core::mesh::MeshLevel;
use renkei_core::need::NeedProfile;
use renkei_core::region::{
    DesignatedCities, GeoJsonMultiPolygon, MunicipalPopulation, Municipality,
};
use renkei_core::{Answer, CapabilityCode, Facility, KindCode, LonLat, MunicipalityCode};
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::time::{Duration, Instant};

const KANAGAWA_TARGET: Duration = Duration::from_millis(200);
const JAPAN_TARGET: Duration = Duration::from_secs(5);
const KANAGAWA_FACILITIES: usize = 20_000;
const JAPAN_PROVIDERS: usize = 1_000_000;
/// Cells the naive national scan is timed on (each scans a million providers).
const NAIVE_SAMPLE: usize = 200;
/// Timed runs; the best is reported (the machine is shared).
const RUNS: usize = 5;

fn main() {
    let root = std::env::var_os("RENKEI_SHARED_DATA").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"),
        PathBuf::from,
    );
    let mut met = true;
    if let Some(units) = read_units(&root.join("boundaries/N03-21_14_210101.json")) {
        met &= kanagawa(&units);
    }
    if let Some(units) = read_units(&root.join("national/N03-21_210101.json")) {
        met &= japan(&units);
    }
    println!("targets {}", if met { "met" } else { "NOT met" });
}

fn kanagawa(units: &[Municipality]) -> bool {
    let started = Instant::now();
    let land = land_cells(units, MeshLevel::Third);
    let land_time = started.elapsed();
    println!(
        "Kanagawa: {} units, {} land cells (3rd mesh) found in {:.1} ms (cached per data version)",
        units.len(),
        land.len(),
        ms(land_time)
    );
    let candidates: Vec<Candidate> = land
        .iter()
        .map(|l| Candidate {
            place: Place::Cell(l.cell),
            position: l.cell.centre(),
            municipality: units[l.unit].code.clone(),
            on_land: l.centre_on_land,
        })
        .collect();
    // 1,000 children per municipality: the timing does not depend on the counts.
    let rows: Vec<MunicipalPopulation> = units
        .iter()
        .map(|u| MunicipalPopulation {
            code: u.code.clone(),
            name: String::new(),
            total: 8_000,
            under_15: 1_000,
        })
        .collect();
    // One row per N03 unit: no city-level rows to share over wards.
    let sites = spread_population(candidates, &rows, &DesignatedCities::default()).sites;
    let mut rng = StdRng::seed_from_u64(9);
    let facilities: Vec<Facility> = (0..KANAGAWA_FACILITIES)
        .map(|i| fictional(&mut rng, i, &sites))
        .collect();
    let profile = NeedProfile {
        kinds: vec![KindCode::new("visiting_nurse").unwrap()],
        needs: vec![CapabilityCode::new("ventilator").unwrap()],
        ..NeedProfile::default()
    };
    let options = CoverageOptions {
        k: 1,
        within_m: 5_000.0,
        basis: Basis::Distance,
    };
    let areas = HashMap::new();
    let mut best = Duration::MAX;
    let mut result = Vec::new();
    let mut matching = 0;
    for _ in 0..RUNS {
        let started = Instant::now();
        let found = providers(&profile, &facilities, true, &areas);
        let index = ProviderIndex::build(&found);
        result = analyse(&sites, &index, &found, options);
        let table = summarise(
            &sites,
            &result,
            |s| Some(s.municipality.clone()),
            &found,
            |p| p.municipality.clone(),
        );
        best = best.min(started.elapsed());
        matching = found.len();
        assert_eq!(table.len(), units.len());
    }
    let positions: Vec<LonLat> = providers(&profile, &facilities, true, &areas)
        .iter()
        .filter_map(|p| p.position)
        .collect();
    let started = Instant::now();
    let naive = analyse_naive(&sites, &positions, options);
    let naive_time = started.elapsed();
    assert_same(&result, &naive);
    let covered: u64 = sites
        .iter()
        .zip(&result)
        .filter(|(_, r)| r.covered)
        .map(|(s, _)| s.children)
        .sum();
    let children: u64 = sites.iter().map(|s| s.children).sum();
    println!(
        "Kanagawa: {} facilities, {} match the profile (with 要確認); {:.1} % of {} children within 5 km",
        facilities.len(),
        matching,
        covered as f64 * 100.0 / children as f64,
        children
    );
    println!(
        "Kanagawa coverage (assess + index + analyse + table): {:.1} ms (best of {RUNS}); naive scan {:.1} ms; ratio naive/R-tree {:.1}x; target < {} ms: {}",
        ms(best),
        ms(naive_time),
        naive_time.as_secs_f64() / best.as_secs_f64(),
        KANAGAWA_TARGET.as_millis(),
        verdict(best <= KANAGAWA_TARGET)
    );
    best <= KANAGAWA_TARGET
}

fn japan(units: &[Municipality]) -> bool {
    let started = Instant::now();
    let land = land_cells(units, MeshLevel::Third);
    println!(
        "Japan: {} units, {} land cells (3rd mesh) found in {:.0} ms (cached per data version)",
        units.len(),
        land.len(),
        ms(started.elapsed())
    );
    let sites: Vec<Site> = land
        .iter()
        .map(|l| Site {
            place: Place::Cell(l.cell),
            position: l.cell.centre(),
            municipality: units[l.unit].code.clone(),
            children: 1,
        })
        .collect();
    let mut rng = StdRng::seed_from_u64(10);
    let positions: Vec<LonLat> = (0..JAPAN_PROVIDERS)
        .map(|_| {
            let near = sites[rng.gen_range(0..sites.len())].position;
            jitter(&mut rng, near)
        })
        .collect();
    let options = CoverageOptions {
        k: 3,
        within_m: 10_000.0,
        basis: Basis::Distance,
    };
    let mut best = Duration::MAX;
    let mut best_build = Duration::MAX;
    let mut result = Vec::new();
    for _ in 0..2 {
        let started = Instant::now();
        let index = ProviderIndex::from_positions(positions.iter().copied());
        let built = started.elapsed();
        result = analyse(&sites, &index, &[], options);
        best = best.min(started.elapsed());
        best_build = best_build.min(built);
    }
    let step = (sites.len() / NAIVE_SAMPLE).max(1);
    let sample: Vec<Site> = sites.iter().step_by(step).cloned().collect();
    let started = Instant::now();
    let naive = analyse_naive(&sample, &positions, options);
    let naive_per_site = started.elapsed().as_secs_f64() / sample.len() as f64;
    let expected: Vec<SiteCoverage> = result.iter().step_by(step).copied().collect();
    assert_same(&expected, &naive);
    let naive_total_s = naive_per_site * sites.len() as f64;
    println!(
        "Japan coverage, {} cells × {} providers, k = 3: {:.2} s (index built in {:.2} s; best of 2, one core); naive scan about {:.0} s (measured on {} cells, extrapolated); ratio naive/R-tree {:.0}x; target < {} s: {}",
        sites.len(),
        positions.len(),
        best.as_secs_f64(),
        best_build.as_secs_f64(),
        naive_total_s,
        sample.len(),
        naive_total_s / best.as_secs_f64(),
        JAPAN_TARGET.as_secs(),
        verdict(best <= JAPAN_TARGET)
    );
    best <= JAPAN_TARGET
}

/// A fictional facility near a random site: a quarter visiting-nurse
/// stations, of which a third state ventilator yes, a third no, a third nothing.
fn fictional(rng: &mut StdRng, i: usize, sites: &[Site]) -> Facility {
    let near = sites[rng.gen_range(0..sites.len())].position;
    let at = jitter(rng, near);
    let kind = ["visiting_nurse", "clinic", "hospital", "consultation_desk"][i % 4];
    let mut facility = fictional_facility(&format!("bench-{i}"), kind, "架空施設", Some(at));
    facility.location.municipality = Some(sites[i % sites.len()].municipality.clone());
    let answer = [Answer::Yes, Answer::No, Answer::Unknown][(i / 4) % 3];
    facility.services = vec![fictional_service(&[("ventilator", answer)])];
    facility
}

fn jitter(rng: &mut StdRng, point: LonLat) -> LonLat {
    LonLat::new(
        point.lon() + rng.gen_range(-0.01..0.01),
        point.lat() + rng.gen_range(-0.01..0.01),
    )
    .unwrap()
}

fn assert_same(fast: &[SiteCoverage], naive: &[SiteCoverage]) {
    assert_eq!(fast.len(), naive.len());
    for (a, b) in fast.iter().zip(naive) {
        let close = |x: Option<f64>, y: Option<f64>| match (x, y) {
            (Some(x), Some(y)) => (x - y).abs() < 1e-3,
            (None, None) => true,
            _ => false,
        };
        assert!(
            close(a.kth_m, b.kth_m) && close(a.nearest_m, b.nearest_m),
            "{a:?} vs {b:?}"
        );
        assert_eq!(a.covered, b.covered);
    }
}

/// Municipalities of an N03 GeoJSON file, features with the same code merged.
fn read_units(path: &std::path::Path) -> Option<Vec<Municipality>> {
    let Ok(text) = std::fs::read_to_string(path) else {
        println!(
            "SKIPPED: {} not found (set RENKEI_SHARED_DATA)",
            path.display()
        );
        return None;
    };
    let json: serde_json::Value = serde_json::from_str(&text).expect("N03 GeoJSON");
    let mut units: BTreeMap<MunicipalityCode, Vec<geo::Polygon<f64>>> = BTreeMap::new();
    for feature in json["features"].as_array().expect("features") {
        let Some(code) = feature["properties"]["N03_007"].as_str() else {
            continue;
        };
        let geometry =
            GeoJsonMultiPolygon::parse(&feature["geometry"].to_string()).expect("N03 geometry");
        units
            .entry(code.parse().expect("5-digit code"))
            .or_default()
            .extend(geometry);
    }
    Some(
        units
            .into_iter()
            .map(|(code, polygons)| Municipality {
                code,
                prefecture_name: String::new(),
                subprefecture_name: None,
                county_or_city: None,
                name: String::new(),
                geometry: geo::MultiPolygon::new(polygons),
            })
            .collect(),
    )
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn verdict(met: bool) -> &'static str {
    if met {
        "met"
    } else {
        "NOT met"
    }
}
