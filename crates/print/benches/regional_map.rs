//! A3 landscape map of the Kanagawa 二次医療圏 with the most facilities, with
//! every real facility from ../shared/data, read in memory with the
//! importers (hospitals, 訪問看護, WAM NET, the 保険医療機関 list geocoded
//! from its addresses) and placed in regions with the N03 boundaries.
//!
//! Prints generation time (target < 1 s) and file size (target < 3 MB) with
//! their ratio to the target, beside the same map on A4 portrait as the
//! baseline, and how many labels were placed. Skips with a message when the
//! data is missing.
//!
//! Run: `cargo bench -p renkei-print --bench regional_map`.

use chrono::Utc;
use renkei_core::coverage::land_cells;
use renkei_core::directory_index::DirectoryIndex;
use renkei_core::directory_index::DirectoryQuery;
use renkei_core::mesh::MeshLevel;
use renkei_core::need::NeedProfile;
use renkei_core::region::RegionCatalog;
use renkei_core::Facility;
use renkei_core::KindCode;
use renkei_ingest::import::{parse_file, Format, Importer};
use renkei_print::{
    area_facilities, map_area, render_map_with_coverage, CoverageBand, CoverageCell, CoverageLayer,
    Fonts, MapOptions, Orientation, Paper, WebClient,
};
use std::time::{Duration, Instant};

const TARGET_TIME: Duration = Duration::from_secs(1);
const TARGET_BYTES: usize = 3 * 1024 * 1024;
const RUNS: usize = 5;

/// Kanagawa's regions and every facility of ../shared/data, placed; `None`
/// (after a SKIPPED line) when a file is missing.
fn load() -> Option<(RegionCatalog, DirectoryIndex)> {
    let n03 = renkei_testdata::shared_file("boundaries/N03-21_14_210101.json")?;
    let towns = renkei_testdata::shared_file("addresses/kanagawa_town_points.csv")?;
    let sources = [
        (
            "facilities/kanagawa_hospitals_mhlw.csv",
            Importer::MhlwFacilities,
        ),
        ("facilities/kanagawa_visiting_nursing.csv", Importer::Kaigo),
        (
            "disability/kanagawa_wamnet_disability_services.csv",
            Importer::Wamnet,
        ),
        (
            "disability/kanagawa_wamnet_short_stay.csv",
            Importer::Wamnet,
        ),
        (
            "facilities/kanagawa_medical_institutions_kouseikyoku.csv",
            Importer::HokenIryokikan,
        ),
    ];
    let files = sources
        .iter()
        .map(|(path, importer)| renkei_testdata::shared_file(path).map(|p| (p, *importer)))
        .collect::<Option<Vec<_>>>()?;
    let started = Instant::now();
    let units = renkei_ingest::n03::read_n03_file(&n03)
        .expect("N03 file")
        .municipalities;
    let tables = renkei_ingest::regions::builtin_region_tables().expect("built-in region tables");
    let text = std::fs::read_to_string(&towns).expect("town points");
    let table = renkei_ingest::table::Table::parse("towns", &text).expect("town points CSV");
    let (points, _) = renkei_ingest::town_points::parse(&table).expect("town points");
    let geocoder = renkei_core::geocode::Geocoder::from_boundaries(&units, points);
    let catalog = RegionCatalog::build(tables, units, &[]);
    let boundaries = catalog.boundaries().expect("boundaries loaded");
    let mut facilities: Vec<Facility> = Vec::new();
    for (path, importer) in &files {
        let bytes = std::fs::read(path).expect("source file");
        let name = path.file_name().unwrap().to_string_lossy();
        for mut parsed in
            parse_file(&Format::Official(*importer), &name, &bytes, Utc::now()).expect("parse")
        {
            renkei_ingest::place::place(&mut parsed.facilities, &geocoder);
            facilities.append(&mut parsed.facilities);
        }
    }
    for facility in &mut facilities {
        if let Some(placed) = facility
            .location
            .position
            .and_then(|p| boundaries.assign(p))
        {
            facility.location.municipality = placed.municipality;
            facility.location.region = placed.region;
        }
    }
    println!(
        "loaded {} facilities in {:.2} s",
        facilities.len(),
        started.elapsed().as_secs_f64()
    );
    Some((catalog, DirectoryIndex::build(facilities, 1)))
}

fn main() {
    let Some((catalog, index)) = load() else {
        return;
    };
    let fonts = match Fonts::discover() {
        Ok(fonts) => fonts,
        Err(error) => {
            eprintln!("SKIPPED: {error}");
            return;
        }
    };

    let counts = index.count_by_region_and_kind();
    let (densest, count) = counts
        .iter()
        .map(|(region, kinds)| (region.clone(), kinds.values().sum::<u64>()))
        .max_by_key(|(_, n)| *n)
        .expect("facilities placed in regions");
    println!("densest region {densest} with {count} facilities");

    let area = map_area(&catalog, densest.as_str()).expect("region area");
    let in_area = area_facilities(&index, &catalog, &area);
    let shown: Vec<&renkei_core::PublicFacility> = in_area.iter().collect();
    let layer = coverage_layer(&catalog, &index, densest.as_str());
    let measure = |paper: Paper, orientation: Orientation, coverage: Option<&CoverageLayer>| {
        let options = MapOptions {
            paper,
            orientation,
            web: WebClient::default(),
            data_date: None,
        };
        let mut times = Vec::with_capacity(RUNS);
        let mut last = None;
        for _ in 0..RUNS {
            let start = Instant::now();
            let map =
                render_map_with_coverage(&fonts, &area, &shown, &options, coverage).expect("map");
            times.push(start.elapsed());
            last = Some(map);
        }
        times.sort();
        (times[RUNS / 2], times[0], last.expect("at least one run"))
    };
    let (base_median, _, base) = measure(Paper::A4, Orientation::Portrait, None);
    let (median, fastest, map) = measure(Paper::A3, Orientation::Landscape, None);
    let (cov_median, cov_fastest, cov_map) =
        measure(Paper::A3, Orientation::Landscape, Some(&layer));
    let on_map = map.entries.iter().filter(|e| e.marker.is_some()).count();
    let labelled = map.entries.iter().filter(|e| e.label.is_some()).count();
    assert_eq!(map.entries.len(), shown.len());
    println!(
        "{:<34} {:>10} {:>10} {:>8} {:>10}",
        "map", "median", "fastest", "pages", "size"
    );
    println!(
        "{:<34} {:>8.0}ms {:>10} {:>8} {:>8.2}MB",
        format!("A4 portrait (baseline), {}", area.name_ja),
        base_median.as_secs_f64() * 1000.0,
        "",
        base.pages,
        base.pdf.len() as f64 / 1_048_576.0
    );
    println!(
        "{:<34} {:>8.0}ms {:>8.0}ms {:>8} {:>8.2}MB",
        format!("A3 landscape, {}", area.name_ja),
        median.as_secs_f64() * 1000.0,
        fastest.as_secs_f64() * 1000.0,
        map.pages,
        map.pdf.len() as f64 / 1_048_576.0
    );
    println!(
        "facilities {} (on the map {on_map}, labelled {labelled}); A3/A4 time ratio {:.2}×",
        shown.len(),
        median.as_secs_f64() / base_median.as_secs_f64()
    );
    println!(
        "time {:.0} ms = {:.2}× the 1 s target; size {:.2} MB = {:.2}× the 3 MB target",
        median.as_secs_f64() * 1000.0,
        median.as_secs_f64() / TARGET_TIME.as_secs_f64(),
        map.pdf.len() as f64 / 1_048_576.0,
        map.pdf.len() as f64 / TARGET_BYTES as f64
    );
    println!(
        "A3 landscape with the coverage layer ({} cells): {:.0} ms median, {:.0} ms fastest, {:.2} MB; \
         {:.2}× the 1 s target, {:.2}× the 3 MB target, {:.2}× the time without it",
        layer.cells.len(),
        cov_median.as_secs_f64() * 1000.0,
        cov_fastest.as_secs_f64() * 1000.0,
        cov_map.pdf.len() as f64 / 1_048_576.0,
        cov_median.as_secs_f64() / TARGET_TIME.as_secs_f64(),
        cov_map.pdf.len() as f64 / TARGET_BYTES as f64,
        cov_median.as_secs_f64() / median.as_secs_f64()
    );
}

/// The region's land cells banded by the straight-line distance to the
/// nearest visiting-nurse station (the index's R-tree), as the coverage
/// endpoint bands them (≤ 2, 5, 10, 20 km, beyond).
fn coverage_layer(catalog: &RegionCatalog, index: &DirectoryIndex, region: &str) -> CoverageLayer {
    let units = catalog.boundaries().expect("boundaries").municipalities();
    let query = DirectoryQuery {
        kind: Some(KindCode::new("visiting_nurse").expect("kind code")),
        ..DirectoryQuery::default()
    };
    let cells = land_cells(units, MeshLevel::Third)
        .into_iter()
        .filter(|land| {
            catalog
                .region_of(&units[land.unit].code)
                .is_some_and(|code| code.as_str() == region)
        })
        .map(|land| {
            let nearest = index
                .nearest(land.cell.centre(), 1, &query)
                .first()
                .map(|(_, d)| *d);
            let band = nearest.map_or(5, |d| {
                [2_000.0, 5_000.0, 10_000.0, 20_000.0]
                    .iter()
                    .position(|limit| d <= *limit)
                    .unwrap_or(4)
            });
            CoverageCell {
                cell: land.cell,
                band,
            }
        })
        .collect();
    let colours = [
        [0x1a, 0x98, 0x50],
        [0x91, 0xcf, 0x60],
        [0xfe, 0xe0, 0x8b],
        [0xfc, 0x8d, 0x59],
        [0xd7, 0x30, 0x27],
        [0x80, 0x80, 0x80],
    ];
    let labels = ["0–2 km", "2–5 km", "5–10 km", "10–20 km", "20 km+", "なし"];
    let profile = NeedProfile {
        kinds: query.kind.iter().cloned().collect(),
        ..NeedProfile::default()
    };
    CoverageLayer {
        cells,
        bands: labels
            .iter()
            .zip(colours)
            .map(|(label, colour)| CoverageBand {
                label: (*label).to_owned(),
                colour,
            })
            .collect(),
        url: WebClient::default().coverage_view(&profile, "10km", true, region),
        profile,
        include_unknown: true,
        within_m: 10_000.0,
        within_minutes: None,
        population_note: "子どもの数: 市区町村の15歳未満人口を均等に配分した推計です".to_owned(),
    }
}
