//! The offline geocoder on real Kanagawa data: N03 names + Geolonia town points
//! place the 関東信越厚生局 list (addresses only) and agree with the MHLW
//! hospitals' own coordinates.

use renkei_core::geocode::{Geocoder, MunicipalityName, Precision};
use renkei_ingest::n03::read_n03_file;
use renkei_ingest::table::{ColumnSpec, Table};
use renkei_ingest::text::decode;
use renkei_ingest::town_points;
use renkei_testdata::shared_file;

fn kanagawa_geocoder() -> Option<Geocoder> {
    let n03 = read_n03_file(&shared_file("boundaries/N03-21_14_210101.json")?).unwrap();
    let towns_path = shared_file("addresses/kanagawa_town_points.csv")?;
    let (text, _) = decode("towns", &std::fs::read(towns_path).unwrap()).unwrap();
    let (towns, rejected) = town_points::parse(&Table::parse("towns", &text).unwrap()).unwrap();
    assert_eq!(towns.len() + rejected.len(), 4950);
    assert_eq!(
        rejected.len(),
        58,
        "SOURCES.md: 58 towns have no coordinates"
    );
    let names = n03
        .municipalities
        .into_iter()
        .map(|m| MunicipalityName {
            code: m.code,
            prefecture: m.prefecture_name,
            county_or_city: m.county_or_city,
            name: m.name,
            representative: None,
        })
        .collect();
    Some(Geocoder::new(names, towns))
}

fn table(relative: &str) -> Option<Table> {
    let (text, _) = decode(relative, &std::fs::read(shared_file(relative)?).unwrap()).unwrap();
    Some(Table::parse(relative, &text).unwrap())
}

#[test]
fn bureau_list_addresses_are_placed_at_town_precision() {
    let (Some(geocoder), Some(list)) = (
        kanagawa_geocoder(),
        table("facilities/kanagawa_medical_institutions_kouseikyoku.csv"),
    ) else {
        return;
    };
    let [address] = list
        .columns([ColumnSpec {
            aliases: &["医療機関所在地"],
            required: true,
        }])
        .unwrap();
    let (mut town, mut municipality, mut none) = (0, 0, Vec::new());
    for row in list.rows() {
        let text = row.get(address).unwrap_or_default();
        match geocoder.geocode(text).map(|m| m.precision) {
            Some(Precision::Town) => town += 1,
            Some(Precision::Municipality) => municipality += 1,
            // Addresses never resolve to a landmark; count one as not placed.
            Some(Precision::Station | Precision::Postcode) | None => none.push(text.to_owned()),
        }
    }
    let total = list.len();
    println!(
        "geocoded {total} addresses: town {town}, municipality {municipality}, none {}",
        none.len()
    );
    println!("examples not placed: {:?}", &none[..none.len().min(10)]);
    assert_eq!(total, 6791);
    assert!(town * 100 >= total * 95, "town precision {town}/{total}");
    assert!(none.len() * 1000 <= total, "not placed: {}", none.len());
}

#[test]
fn hospital_addresses_land_near_their_published_coordinates() {
    let (Some(geocoder), Some(hospitals)) = (
        kanagawa_geocoder(),
        table("facilities/kanagawa_hospitals_mhlw.csv"),
    ) else {
        return;
    };
    let [address, lat, lon, code] = hospitals
        .columns([
            ColumnSpec {
                aliases: &["所在地"],
                required: true,
            },
            ColumnSpec {
                aliases: &["所在地座標（緯度）"],
                required: true,
            },
            ColumnSpec {
                aliases: &["所在地座標（経度）"],
                required: true,
            },
            ColumnSpec {
                aliases: &["muni_code5(derived)"],
                required: true,
            },
        ])
        .unwrap();
    let (mut compared, mut within_2km, mut same_municipality) = (0, 0, 0);
    for row in hospitals.rows() {
        let (Some(lat), Some(lon)) = (row.get(lat), row.get(lon)) else {
            continue;
        };
        let published =
            renkei_core::LonLat::new(lon.parse().unwrap(), lat.parse().unwrap()).unwrap();
        let Some(found) = geocoder.geocode(row.get(address).unwrap()) else {
            continue;
        };
        compared += 1;
        within_2km += usize::from(found.position.distance_m(published) <= 2_000.0);
        same_municipality += usize::from(Some(found.municipality.as_str()) == row.get(code));
    }
    println!("hospitals compared {compared}: within 2 km {within_2km}, same municipality {same_municipality}");
    assert!(compared >= 300);
    assert!(within_2km * 100 >= compared * 90, "{within_2km}/{compared}");
    assert!(
        same_municipality * 100 >= compared * 98,
        "{same_municipality}/{compared}"
    );
}

#[test]
fn issue_5_bureau_list_links_known_hospitals_and_places_the_rest() {
    use renkei_core::geocode::Precision;
    use renkei_ingest::hoken::link;
    use renkei_ingest::import::{parse_file, Format, Importer};
    use renkei_ingest::place::place;
    let (Some(geocoder), Some(bureau_path), Some(hospitals_path)) = (
        kanagawa_geocoder(),
        shared_file("facilities/kanagawa_medical_institutions_kouseikyoku.csv"),
        shared_file("facilities/kanagawa_hospitals_mhlw.csv"),
    ) else {
        return;
    };
    let read = |importer, path: std::path::PathBuf| {
        parse_file(
            &Format::Official(importer),
            "f.csv",
            &std::fs::read(path).unwrap(),
            chrono::Utc::now(),
        )
        .unwrap()
        .remove(0)
    };
    let hospitals = read(Importer::MhlwFacilities, hospitals_path).facilities;
    let bureau = read(Importer::HokenIryokikan, bureau_path);
    assert!(
        bureau.rejected.is_empty(),
        "{:?}",
        &bureau.rejected[..bureau.rejected.len().min(3)]
    );
    let total = bureau.facilities.len();
    let (mut kept, linked) = link(bureau.facilities, &hospitals);
    let records = place(&mut kept, &geocoder);
    let town = records
        .iter()
        .filter(|r| r.precision == Precision::Town)
        .count();
    println!(
        "bureau rows {total}: linked to hospitals {}, kept {}, placed {} (town {town})",
        linked.len(),
        kept.len(),
        records.len()
    );
    assert_eq!(total, 6791);
    assert!(
        linked.len() >= 295,
        "most of the 310 hospitals are linked, not duplicated: {}",
        linked.len()
    );
    assert_eq!(kept.len() + linked.len(), total);
    assert_eq!(records.len(), kept.len(), "every kept row is placed");
    assert!(town * 100 >= kept.len() * 95);
    assert!(kept.iter().all(|f| f.location.geocoded.is_some()));
}

#[test]
fn issue_5_pediatric_accreditations_match_real_hospitals() {
    use renkei_ingest::import::{parse_file, Format, Importer};
    use renkei_ingest::shisetsu::{match_hospitals, parse};
    let (Some(list), Some(hospitals_path)) = (
        table("facilities/kanagawa_pediatric_inpatient_accreditations.csv"),
        shared_file("facilities/kanagawa_hospitals_mhlw.csv"),
    ) else {
        return;
    };
    let hospitals = parse_file(
        &Format::Official(Importer::MhlwFacilities),
        "h.csv",
        &std::fs::read(hospitals_path).unwrap(),
        chrono::Utc::now(),
    )
    .unwrap()
    .remove(0)
    .facilities;
    let (rows, rejected) = parse(&list).unwrap();
    assert!(rejected.is_empty(), "{rejected:?}");
    let institutions: std::collections::HashSet<_> =
        rows.iter().map(|r| r.institution_number.clone()).collect();
    assert_eq!(institutions.len(), 65, "SOURCES.md: 65 institutions");
    let (matched, unmatched) = match_hospitals(rows, &hospitals);
    println!(
        "accreditations matched {}, unmatched {}: {:?}",
        matched.len(),
        unmatched.len(),
        unmatched
            .iter()
            .map(|r| &r.name)
            .collect::<std::collections::BTreeSet<_>>()
    );
    assert!(matched.len() * 100 >= (matched.len() + unmatched.len()) * 90);
    let kodomo = hospitals
        .iter()
        .find(|h| h.name.contains("こども医療センター"))
        .unwrap();
    assert!(
        matched
            .iter()
            .any(|(id, row)| *id == kodomo.id && row.accreditation.as_str() == "picu"),
        "こども医療センター has a PICU"
    );
}
