//! Kanagawa's regions and every facility of ../shared/data, read in memory
//! with the importers (hospitals, 訪問看護, WAM NET, the 保険医療機関 list
//! geocoded from its addresses) and placed in regions with the N03
//! boundaries, as `renkei fetch` would store them. Shared by the print tests
//! and the regional map benchmark.

use chrono::Utc;
use renkei_core::directory_index::DirectoryIndex;
use renkei_core::region::RegionCatalog;
use renkei_core::Facility;
use renkei_ingest::import::{parse_file, Format, Importer};
use renkei_print::{MapOptions, Orientation, Paper, WebClient};
use std::time::Instant;

/// The catalog and the directory index, or `None` (after a `SKIPPED:` line)
/// when a file is missing.
pub fn load() -> Option<(RegionCatalog, DirectoryIndex)> {
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
    eprintln!(
        "loaded {} facilities in {:.2} s",
        facilities.len(),
        started.elapsed().as_secs_f64()
    );
    Some((catalog, DirectoryIndex::build(facilities, 1)))
}

/// The papers every Kanagawa map is checked and measured on: A4 portrait and
/// A3 landscape, with QR codes to `web`.
pub fn papers(web: &WebClient) -> [MapOptions; 2] {
    [
        (Paper::A4, Orientation::Portrait),
        (Paper::A3, Orientation::Landscape),
    ]
    .map(|(paper, orientation)| MapOptions {
        paper,
        orientation,
        web: web.clone(),
        data_date: None,
    })
}
