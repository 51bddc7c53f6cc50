//! The 横浜 二次医療圏 (1412, every real facility of ../shared/data, all
//! kinds) printed as an atlas on A4 portrait and A3 landscape: generation
//! time (target < 3 s) and file size (target < 5 MB), each beside the
//! one-page map the atlas replaces (same data, same paper: numbers crowded
//! off the page or far from their markers) as the baseline, with their
//! ratios; then the A3 atlas with a coverage layer (visiting-nurse stations,
//! 人工呼吸器, 要確認 counted). The data are read by the print tests' loader
//! (tests/support/kanagawa.rs). Skips with a message when the data are
//! missing. With `RENKEI_PRINT_ARTIFACTS=DIR` the last PDF of each kind is
//! written there for a look.
//!
//! Run: `cargo bench -p renkei-print --bench regional_map`.

#[path = "../tests/support/kanagawa.rs"]
mod kanagawa;

use renkei_core::coverage::land_cells;
use renkei_core::directory_index::DirectoryIndex;
use renkei_core::directory_index::DirectoryQuery;
use renkei_core::mesh::MeshLevel;
use renkei_core::need::NeedProfile;
use renkei_core::region::RegionCatalog;
use renkei_core::{CapabilityCode, KindCode, PublicFacility};
use renkei_print::{
    area_facilities, map_area, render_map_with_coverage, render_one_page_map, CoverageBand,
    CoverageCell, CoverageLayer, Fonts, MapFilters, PrintedMap, WebClient,
};
use std::time::{Duration, Instant};

const TARGET_TIME: Duration = Duration::from_secs(3);
const TARGET_BYTES: usize = 5 * 1024 * 1024;
const RUNS: usize = 5;
const REGION: &str = "1412";

/// Median and fastest of `RUNS` runs of `make`, and the last result.
fn measure(mut make: impl FnMut() -> PrintedMap) -> (Duration, Duration, PrintedMap) {
    let mut times = Vec::with_capacity(RUNS);
    let mut last = None;
    for _ in 0..RUNS {
        let start = Instant::now();
        let map = make();
        times.push(start.elapsed());
        last = Some(map);
    }
    times.sort();
    (times[RUNS / 2], times[0], last.expect("at least one run"))
}

fn megabytes(map: &PrintedMap) -> f64 {
    map.pdf.len() as f64 / 1_048_576.0
}

/// Writes `map` into `$RENKEI_PRINT_ARTIFACTS` when set.
fn keep(name: &str, map: &PrintedMap) {
    if let Some(dir) = std::env::var_os("RENKEI_PRINT_ARTIFACTS") {
        std::fs::create_dir_all(&dir).expect("artifacts folder");
        std::fs::write(std::path::Path::new(&dir).join(name), &map.pdf).expect("write PDF");
    }
}

fn row(what: &str, median: Duration, fastest: Duration, map: &PrintedMap) {
    let labelled = map.entries.iter().filter(|e| e.label.is_some()).count();
    println!(
        "{what:<34} {:>8.0}ms {:>8.0}ms {:>6} {:>6} {:>8.2}MB {:>6}/{}",
        median.as_secs_f64() * 1000.0,
        fastest.as_secs_f64() * 1000.0,
        map.pages,
        map.map_pages.len(),
        megabytes(map),
        labelled,
        map.entries.len()
    );
}

fn main() {
    let Some((catalog, index)) = kanagawa::load() else {
        return;
    };
    let fonts = match Fonts::discover() {
        Ok(fonts) => fonts,
        Err(error) => {
            eprintln!("SKIPPED: {error}");
            return;
        }
    };
    let area = map_area(&catalog, REGION).expect("region area");
    let in_area = area_facilities(&index, &catalog, &area);
    let shown: Vec<&PublicFacility> = in_area.iter().collect();
    println!(
        "{} ({REGION}), all kinds: {} facilities",
        area.name_ja,
        shown.len()
    );
    println!(
        "{:<34} {:>10} {:>10} {:>6} {:>6} {:>10} {:>8}",
        "map", "median", "fastest", "pages", "maps", "size", "labelled"
    );
    let layer = coverage_layer(&catalog, &index, REGION);
    let mut atlases = Vec::new();
    for options in kanagawa::papers(&WebClient::default()) {
        let (paper, orientation) = (options.paper, options.orientation);
        let (base_median, base_fastest, base) = measure(|| {
            render_one_page_map(
                &fonts,
                &area,
                &shown,
                &options,
                None,
                &MapFilters::default(),
            )
            .expect("one-page map")
        });
        let (median, fastest, atlas) = measure(|| {
            render_map_with_coverage(&fonts, &area, &shown, &options, None).expect("atlas")
        });
        assert!(
            atlas.is_atlas(),
            "{} is too dense for one page",
            area.name_ja
        );
        assert_eq!(atlas.entries.len(), shown.len());
        assert!(atlas.entries.iter().all(|e| e.label.is_some()));
        let name = format!("{paper:?} {orientation:?}");
        keep(&format!("bench_{REGION}_{paper:?}_one_page.pdf"), &base);
        keep(&format!("bench_{REGION}_{paper:?}_atlas.pdf"), &atlas);
        row(
            &format!("{name}, one page (baseline)"),
            base_median,
            base_fastest,
            &base,
        );
        row(&format!("{name}, atlas"), median, fastest, &atlas);
        println!(
            "  atlas / one page: time {:.2}×, size {:.2}×; atlas {:.2}× the 3 s target, {:.2}× the 5 MB target",
            median.as_secs_f64() / base_median.as_secs_f64(),
            atlas.pdf.len() as f64 / base.pdf.len() as f64,
            median.as_secs_f64() / TARGET_TIME.as_secs_f64(),
            atlas.pdf.len() as f64 / TARGET_BYTES as f64,
        );
        atlases.push((options, median));
    }
    let (options, a3_median) = &atlases[1];
    let (cov_median, cov_fastest, cov_map) = measure(|| {
        render_map_with_coverage(&fonts, &area, &shown, options, Some(&layer)).expect("atlas")
    });
    keep(&format!("bench_{REGION}_A3_coverage.pdf"), &cov_map);
    row(
        "A3 Landscape, atlas+coverage",
        cov_median,
        cov_fastest,
        &cov_map,
    );
    println!(
        "  coverage layer ({} cells): {:.2}× the time without it; {:.2}× the 3 s target, {:.2}× the 5 MB target",
        layer.cells.len(),
        cov_median.as_secs_f64() / a3_median.as_secs_f64(),
        cov_median.as_secs_f64() / TARGET_TIME.as_secs_f64(),
        cov_map.pdf.len() as f64 / TARGET_BYTES as f64
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
    // 人工呼吸器 with 要確認 counted: no station has confirmed it, so every
    // cell is banded by the nearest station of any answer (the map's banner
    // says so).
    let profile = NeedProfile {
        kinds: query.kind.iter().cloned().collect(),
        needs: vec![CapabilityCode::new("ventilator").expect("capability code")],
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
