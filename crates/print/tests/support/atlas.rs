//! Maps of the real Kanagawa directory (../shared/data): every 二次医療圏
//! (横浜 1412, 3,700 facilities, included) on A4 portrait and A3 landscape.
//! Every number is printed on the map page its entry names, inside its label,
//! at the minimum type size or larger, and the index lists it with that page
//! and grid reference.

use super::{assert_map_matches_its_index, fonts, kanagawa, save};
use renkei_core::PublicFacility;
use renkei_print::{area_facilities, map_area, render_map, WebClient};

#[test]
fn issue_19_every_number_of_every_kanagawa_region_is_on_a_map_page_at_the_minimum_size() {
    let Some(fonts) = fonts() else { return };
    let Some((catalog, index)) = kanagawa::load() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut regions: Vec<String> = catalog
        .regions()
        .filter(|(prefecture, _)| prefecture.code.as_str() == "14")
        .map(|(_, region)| region.code.as_str().to_owned())
        .collect();
    regions.sort();
    assert_eq!(regions.len(), 9, "Kanagawa's 二次医療圏");
    for code in &regions {
        let area = map_area(&catalog, code).unwrap();
        let facilities = area_facilities(&index, &catalog, &area);
        let refs: Vec<&PublicFacility> = facilities.iter().collect();
        for options in kanagawa::papers(&WebClient::new("https://renkei.example.jp/")) {
            let (paper, orientation) = (options.paper, options.orientation);
            let map = render_map(&fonts, &area, &refs, &options).unwrap();
            let path = save(
                dir.path(),
                &format!("kanagawa_{code}_{paper:?}_{orientation:?}.pdf"),
                &map.pdf,
            );
            let read = assert_map_matches_its_index(&map, &facilities, &path);
            println!(
                "{code} {} {paper:?} {orientation:?}: {} facilities, {read} numbers read on {} map pages, {} pages, {:.2} MB",
                area.name_ja,
                facilities.len(),
                map.map_pages.len(),
                map.pages,
                map.pdf.len() as f64 / 1_048_576.0
            );
        }
    }
}
