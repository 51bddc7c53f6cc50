//! Issue 4 on real open data: the Kanagawa N03 boundaries, the authored
//! 二次医療圏 table and point assignment of the MHLW hospital and visiting-nurse
//! lists. Data is read from `../shared/data` (or `RENKEI_SHARED_DATA`); each test
//! prints a message and passes when it is missing.

use renkei_core::region::{
    area_m2, dissolve, AssignmentMethod, BoundaryIndex, Municipality, RegionTable,
};
use renkei_core::LonLat;
use renkei_ingest::n03::{parse_n03, read_n03_file};
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

fn shared_data(relative: &str) -> Option<PathBuf> {
    let root = std::env::var_os("RENKEI_SHARED_DATA").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"),
        PathBuf::from,
    );
    let path = root.join(relative);
    if path.exists() {
        Some(path)
    } else {
        eprintln!(
            "SKIPPED: {} not found (set RENKEI_SHARED_DATA to the shared data directory)",
            path.display()
        );
        None
    }
}

fn kanagawa_table() -> RegionTable {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/regions/14_kanagawa.toml");
    RegionTable::from_toml(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn kanagawa_units() -> Option<Vec<Municipality>> {
    let path = shared_data("boundaries/N03-21_14_210101.json")?;
    let import = read_n03_file(&path).unwrap();
    assert!(import.without_code.is_empty(), "{:?}", import.without_code);
    Some(import.municipalities)
}

fn at(lon: f64, lat: f64) -> LonLat {
    LonLat::new(lon, lat).unwrap()
}

#[test]
fn issue_4_kanagawa_58_units_each_in_exactly_one_of_9_regions() {
    let Some(units) = kanagawa_units() else {
        return;
    };
    assert_eq!(units.len(), 58);
    let table = kanagawa_table();
    assert_eq!(table.regions().len(), 9);
    let coverage = table.coverage(units.iter().map(|u| &u.code));
    assert!(coverage.is_complete(), "{coverage:?}");
    let sizes: BTreeMap<&str, usize> = table
        .regions()
        .iter()
        .map(|r| (r.code.as_str(), r.municipalities.len()))
        .collect();
    let expected = [
        ("1404", 4),
        ("1405", 3),
        ("1406", 5),
        ("1407", 3),
        ("1408", 5),
        ("1409", 7),
        ("1410", 3),
        ("1411", 10),
        ("1412", 18),
    ];
    assert_eq!(sizes, expected.into_iter().collect());
    let chigasaki = table.region(&"1407".parse().unwrap()).unwrap();
    assert_eq!(chigasaki.core_hospitals, vec!["茅ヶ崎市立病院".to_owned()]);
}

#[test]
fn issue_4_authored_table_matches_the_prefecture_membership_list() {
    let Some(path) = shared_data("regions/kanagawa_secondary_medical_regions.csv") else {
        return;
    };
    let table = kanagawa_table();
    let mut reader = csv::Reader::from_path(path).unwrap();
    let mut rows = 0;
    for record in reader.records() {
        let record = record.unwrap();
        let (unit, region) = (record[0].parse().unwrap(), &record[4]);
        assert_eq!(
            table.region_of(&unit).map(renkei_core::RegionCode::as_str),
            Some(region),
            "unit {unit:?}"
        );
        rows += 1;
    }
    assert_eq!(rows, 58);
    assert_eq!(table.membership().len(), 58);
}

#[test]
fn issue_4_region_polygons_have_no_gaps_or_overlaps() {
    let Some(units) = kanagawa_units() else {
        return;
    };
    let table = kanagawa_table();
    let by_code: HashMap<_, _> = units
        .iter()
        .map(|u| (u.code.clone(), &u.geometry))
        .collect();
    let regions: Vec<_> = table
        .regions()
        .iter()
        .map(|region| dissolve(region.municipalities.iter().map(|code| by_code[code])))
        .collect();
    let unit_sum: f64 = units.iter().map(|u| area_m2(&u.geometry)).sum();
    let region_sum: f64 = regions.iter().map(area_m2).sum();
    let prefecture = dissolve(&regions);
    let union = area_m2(&prefecture);
    // Overlaps: the sum of parts exceeds the union by the overlapping area.
    let overlap_units = (unit_sum - union) / union;
    let overlap_regions = (region_sum - union) / union;
    // Gaps: holes inside the prefecture that no unit covers.
    let holes_m2: f64 = prefecture
        .iter()
        .flat_map(geo::Polygon::interiors)
        .map(|ring| {
            area_m2(&geo::MultiPolygon::new(vec![geo::Polygon::new(
                ring.clone(),
                vec![],
            )]))
        })
        .sum();
    println!(
        "Kanagawa: union {:.1} km², units sum {:.1} km², regions sum {:.1} km², overlap {:.4} % / {:.4} %, holes {:.4} km²",
        union / 1e6,
        unit_sum / 1e6,
        region_sum / 1e6,
        overlap_units * 100.0,
        overlap_regions * 100.0,
        holes_m2 / 1e6
    );
    // Kanagawa is 2,416 km²; the simplified file keeps it within a few percent.
    assert!((2_300e6..2_550e6).contains(&union), "{union}");
    assert!(overlap_units.abs() < 1e-3 && overlap_regions.abs() < 1e-3);
    assert!(holes_m2 < 0.05e6, "gaps of {holes_m2} m²");
}

#[test]
fn issue_4_known_points_land_in_the_right_ward_and_region() {
    let Some(units) = kanagawa_units() else {
        return;
    };
    let index = BoundaryIndex::new(units, &[kanagawa_table()]);
    // (longitude, latitude) of well-known places, expected unit and region.
    let cases = [
        ((139.4037, 35.3334), "14207", "1407"), // 茅ヶ崎市役所
        ((139.6458, 35.4430), "14104", "1412"), // 横浜中華街 (中区)
        ((139.4915, 35.3392), "14205", "1407"), // 藤沢市役所
        ((139.1595, 35.2645), "14206", "1411"), // 小田原市役所
        ((139.3730, 35.5711), "14152", "1410"), // 相模原市役所 (中央区)
        ((139.6720, 35.2810), "14201", "1406"), // 横須賀市役所
        ((139.3620, 35.4431), "14212", "1409"), // 厚木市役所
        ((139.5077, 35.6036), "14137", "1404"), // 新百合ヶ丘駅 (川崎市麻生区)
        ((139.1069, 35.2326), "14382", "1411"), // 箱根町役場
        ((139.3495, 35.3273), "14203", "1408"), // 平塚市役所
    ];
    for ((lon, lat), unit, region) in cases {
        let assignment = index.assign(at(lon, lat)).unwrap();
        assert_eq!(assignment.method, AssignmentMethod::Inside, "{lon},{lat}");
        assert_eq!(
            assignment.municipality.as_ref().unwrap().as_str(),
            unit,
            "{lon},{lat}"
        );
        assert_eq!(
            assignment.region.as_ref().unwrap().as_str(),
            region,
            "{lon},{lat}"
        );
    }
    // Out in Sagami Bay, 20 km from the coast: suspect, nearest unit named.
    let sea = index.assign(at(139.35, 35.12)).unwrap();
    assert!(sea.municipality.is_none());
    assert!(matches!(sea.method, AssignmentMethod::Suspect { distance_m } if distance_m > 5_000.0));
}

#[test]
fn issue_4_tree_equals_naive_scan_on_kanagawa_grid() {
    let Some(units) = kanagawa_units() else {
        return;
    };
    let index = BoundaryIndex::new(units, &[]);
    for i in 0..60 {
        for j in 0..40 {
            let p = at(138.9 + f64::from(i) * 0.02, 35.1 + f64::from(j) * 0.015);
            assert_eq!(index.locate(p), index.locate_naive(p), "{p:?}");
        }
    }
}

/// How far a disagreeing point may be from its stated unit and still count as
/// boundary noise of the simplified N03 file (`s0010` level of SMRI), metres.
const SIMPLIFICATION_NOISE_M: f64 = 300.0;

/// Assigned municipality against the source's own.
struct Agreement {
    rows: usize,
    agree: usize,
    /// Disagreements within [`SIMPLIFICATION_NOISE_M`] of the stated unit.
    near_border: usize,
    /// Points far outside the stated unit (source geocoding errors); `renkei check regions` lists these.
    far: usize,
    report: Vec<String>,
}

impl Agreement {
    fn percent(&self) -> f64 {
        100.0 * self.agree as f64 / self.rows as f64
    }

    fn print(&self, what: &str) {
        println!(
            "{what}: {}/{} agree ({:.2} %); of the rest {} lie within {SIMPLIFICATION_NOISE_M} m of the stated unit \
             (simplified boundaries), {} are far off (geocoding errors in the source)\n  {}",
            self.agree,
            self.rows,
            self.percent(),
            self.near_border,
            self.far,
            self.report.join("\n  ")
        );
    }
}

fn compare(
    index: &BoundaryIndex,
    rows: impl IntoIterator<Item = (String, f64, f64, Option<String>)>,
) -> Agreement {
    let mut agreement = Agreement {
        rows: 0,
        agree: 0,
        near_border: 0,
        far: 0,
        report: Vec::new(),
    };
    for (name, lat, lon, stated) in rows {
        let Some(stated) = stated else { continue };
        agreement.rows += 1;
        let point = at(lon, lat);
        let assignment = index.assign(point).unwrap();
        let assigned = assignment
            .municipality
            .as_ref()
            .map(|c| c.as_str().to_owned());
        if assigned.as_deref() == Some(stated.as_str()) {
            agreement.agree += 1;
            continue;
        }
        let off_m = index
            .distance_to_unit_m(point, &stated.parse().unwrap())
            .unwrap_or(f64::INFINITY);
        if off_m <= SIMPLIFICATION_NOISE_M {
            agreement.near_border += 1;
        } else {
            agreement.far += 1;
        }
        agreement.report.push(format!(
            "{name} ({lon}, {lat}): stated {stated} ({off_m:.0} m away), assigned {assigned:?} ({}, nearest {})",
            assignment.method.as_str(),
            assignment.nearest
        ));
    }
    agreement
}

fn coordinate(text: &str) -> Option<f64> {
    text.trim().parse::<f64>().ok().filter(|v| *v != 0.0)
}

#[test]
fn issue_4_hospitals_assigned_municipality_agrees_with_source_code() {
    let (Some(units), Some(path)) = (
        kanagawa_units(),
        shared_data("facilities/kanagawa_hospitals_mhlw.csv"),
    ) else {
        return;
    };
    let index = BoundaryIndex::new(units, &[]);
    let mut reader = csv::Reader::from_path(path).unwrap();
    let headers = reader.headers().unwrap().clone();
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (name, lat, lon, code) = (
        column("正式名称"),
        column("所在地座標（緯度）"),
        column("所在地座標（経度）"),
        column("muni_code5(derived)"),
    );
    let rows: Vec<_> = reader
        .records()
        .map(Result::unwrap)
        .filter_map(|r| {
            Some((
                r[name].to_owned(),
                coordinate(&r[lat])?,
                coordinate(&r[lon])?,
                Some(r[code].to_owned()),
            ))
        })
        .collect();
    let agreement = compare(&index, rows);
    agreement.print("hospitals");
    assert_eq!(agreement.rows, 307);
    assert!(agreement.percent() >= 98.5, "strict agreement fell");
    assert!(
        100.0 * (agreement.agree + agreement.near_border) as f64 / agreement.rows as f64 >= 99.5,
        "agreement within boundary noise below 99.5 %"
    );
}

/// The unit an address names: the longest unit name (with or without its
/// county) that the address starts with after the prefecture.
fn unit_from_address<'a>(names: &'a [(String, String)], address: &str) -> Option<&'a str> {
    let rest = address
        .strip_prefix("神奈川県")
        .unwrap_or(address)
        .replace('ヶ', "ケ");
    names
        .iter()
        .filter(|(name, _)| rest.starts_with(name.as_str()))
        .max_by_key(|(name, _)| name.len())
        .map(|(_, code)| code.as_str())
}

#[test]
fn issue_4_visiting_nurses_assigned_municipality_agrees_with_address() {
    let (Some(units), Some(path)) = (
        kanagawa_units(),
        shared_data("facilities/kanagawa_visiting_nursing.csv"),
    ) else {
        return;
    };
    let mut names = Vec::new();
    for unit in &units {
        names.push((
            unit.full_name().replace('ヶ', "ケ"),
            unit.code.as_str().to_owned(),
        ));
        if !unit.is_ward() {
            names.push((unit.name.replace('ヶ', "ケ"), unit.code.as_str().to_owned()));
        }
    }
    let index = BoundaryIndex::new(units, &[]);
    let mut reader = csv::Reader::from_path(path).unwrap();
    let mut unmatched = 0;
    let rows: Vec<_> = reader
        .records()
        .map(Result::unwrap)
        .filter_map(|r| {
            let stated = unit_from_address(&names, &r[2]).map(str::to_owned);
            if stated.is_none() {
                unmatched += 1;
            }
            Some((
                r[1].to_owned(),
                coordinate(&r[3])?,
                coordinate(&r[4])?,
                stated,
            ))
        })
        .collect();
    let agreement = compare(&index, rows);
    agreement.print("visiting nurses");
    println!("{unmatched} addresses name no unit");
    assert!(
        unmatched <= 5,
        "{unmatched} addresses without a municipality name"
    );
    assert!(agreement.percent() >= 98.0, "strict agreement fell");
    let explained = agreement.agree + agreement.near_border;
    assert!(
        100.0 * explained as f64 / agreement.rows as f64 >= 99.0,
        "too many unexplained disagreements"
    );
}

#[test]
fn issue_4_national_file_parses_and_reports_uncoded_features() {
    let Some(path) = shared_data("national/N03-21_210101.json") else {
        return;
    };
    let import = parse_n03("national", &std::fs::read(path).unwrap()).unwrap();
    println!(
        "national: {} features → {} units, {} without code, {} repaired",
        import.features,
        import.municipalities.len(),
        import.without_code.len(),
        import.repairs.len()
    );
    assert_eq!(import.features, 1_897);
    assert_eq!(import.without_code.len(), 3);
    assert_eq!(
        import.municipalities.len() + import.without_code.len(),
        1_897
    );
}

/// The national membership (1,896 municipalities → 330 二次医療圏) against the
/// 47 authored tables: every municipality resolves to its region, every
/// region has the same name, and no table lists a region the national table
/// does not have.
#[test]
fn issue_22_every_municipality_resolves_to_its_region() {
    let Some(path) = shared_data("regions/national_secondary_medical_regions.csv") else {
        return;
    };
    let tables = renkei_ingest::regions::builtin_region_tables().unwrap();
    let catalog = renkei_core::region::RegionCatalog::build(tables, Vec::new(), &[]);
    let mut reader = csv::Reader::from_path(path).unwrap();
    let mut rows = 0;
    let mut regions = std::collections::BTreeSet::new();
    for record in reader.records() {
        let record = record.unwrap();
        let (unit, region, name) = (record[3].parse().unwrap(), &record[1], &record[2]);
        let resolved = catalog.region_of(&unit);
        assert_eq!(
            resolved.map(renkei_core::RegionCode::as_str),
            Some(region),
            "{unit:?} {}",
            &record[4]
        );
        let (prefecture, authored) = catalog.region(resolved.unwrap()).unwrap();
        assert_eq!(authored.name_ja, name, "{region}");
        assert_eq!(prefecture.code.as_str(), &record[0]);
        regions.insert(region.to_owned());
        rows += 1;
    }
    assert_eq!(rows, 1_896);
    assert_eq!(regions.len(), 330);
    assert_eq!(catalog.regions().count(), 330);
    // 浜松市's wards since 2024-01-01 are in 2208 西部 like those they replaced.
    for ward in ["22138", "22139", "22140"] {
        assert_eq!(
            catalog.region_of(&ward.parse().unwrap()).unwrap().as_str(),
            "2208"
        );
    }
    // Designated cities come from the tables: 20 cities, 川崎 split in two regions.
    let cities: Vec<_> = catalog
        .tables()
        .iter()
        .flat_map(RegionTable::designated_cities)
        .collect();
    assert_eq!(cities.len(), 20);
    assert_eq!(catalog.region_of(&"14130".parse().unwrap()), None);
    assert_eq!(
        catalog
            .region_of(&"27100".parse().unwrap())
            .unwrap()
            .as_str(),
        "2708",
        "大阪市 is one 二次医療圏"
    );
}

/// Every unit of the national N03 file (2021) is in a region,
/// but for the six villages of the 北方領土 (01695–01700), which N03 draws and
/// no 医療計画 covers (A38 has no region for them).
#[test]
fn issue_22_every_national_n03_unit_is_in_a_region() {
    let Some(path) = shared_data("national/N03-21_210101.json") else {
        return;
    };
    let units = read_n03_file(&path).unwrap().municipalities;
    let tables = renkei_ingest::regions::builtin_region_tables().unwrap();
    let missing: Vec<_> = tables
        .iter()
        .flat_map(|table| {
            table
                .coverage(units.iter().map(|u| &u.code))
                .units_without_region
        })
        .collect();
    let northern_territories: Vec<renkei_core::MunicipalityCode> = (1695..=1700)
        .map(|code| format!("{code:05}").parse().unwrap())
        .collect();
    assert_eq!(missing, northern_territories);
    assert_eq!(units.len(), 1_894, "the coded units of the 1,897 features");
}
