//! The official-data importers on the real Kanagawa files in ../shared/data:
//! counts equal the valid rows, and spot-checked records match their source
//! lines field by field.

use chrono::Utc;
use renkei_ingest::import::{parse_file, Format, Importer, ParsedFile};
use renkei_ingest::mapping::Mapping;
use renkei_testdata::shared_file;

fn parse(importer: Importer, relative: &str) -> Option<ParsedFile> {
    parse_as(&Format::Official(importer), relative)
}

fn parse_as(format: &Format, relative: &str) -> Option<ParsedFile> {
    let path = shared_file(relative)?;
    let bytes = std::fs::read(&path).unwrap();
    let mut files = parse_file(format, relative, &bytes, Utc::now()).unwrap();
    assert_eq!(files.len(), 1);
    files.pop()
}

#[test]
fn mhlw_hospitals_all_310_rows_including_three_without_coordinates() {
    let Some(file) = parse(
        Importer::MhlwFacilities,
        "facilities/kanagawa_hospitals_mhlw.csv",
    ) else {
        return;
    };
    assert_eq!(file.rows_read, 310);
    assert!(file.rejected.is_empty(), "{:?}", file.rejected);
    assert_eq!(file.facilities.len(), 310);
    assert_eq!(
        file.facilities
            .iter()
            .filter(|f| f.location.position.is_none())
            .count(),
        3
    );
    let hospital = file
        .facilities
        .iter()
        .find(|f| f.name == "茅ヶ崎市立病院")
        .unwrap();
    assert_eq!(hospital.provenance.source_record_id, "1411402664300");
    assert_eq!(
        hospital.name_kana.as_deref(),
        Some("チガサキシリツビョウイン")
    );
    assert_eq!(
        hospital.location.address,
        "神奈川県茅ヶ崎市本村５－１５－１"
    );
    assert_eq!(
        hospital
            .location
            .stated_municipality
            .as_ref()
            .unwrap()
            .as_str(),
        "14207"
    );
    let position = hospital.location.position.unwrap();
    assert_eq!((position.lon(), position.lat()), (139.415_165, 35.339_905));
    assert_eq!(hospital.kind.as_str(), "hospital");
}

#[test]
fn visiting_nurse_extract_all_rows() {
    let Some(file) = parse(Importer::Kaigo, "facilities/kanagawa_visiting_nursing.csv") else {
        return;
    };
    assert_eq!(file.rows_read, 1234);
    assert!(
        file.rejected.is_empty(),
        "{:?}",
        &file.rejected[..file.rejected.len().min(5)]
    );
    assert_eq!(file.facilities.len(), 1234);
    let station = file
        .facilities
        .iter()
        .find(|f| f.provenance.source_record_id == "1410104166")
        .unwrap();
    assert_eq!(station.name, "生麦病院　訪問看護部");
    assert_eq!(station.kind.as_str(), "visiting_nurse");
    let position = station.location.position.unwrap();
    assert_eq!((position.lon(), position.lat()), (139.666_86, 35.492_84));
}

#[test]
fn wamnet_children_services_and_short_stay() {
    let Some(services) = parse(
        Importer::Wamnet,
        "disability/kanagawa_wamnet_disability_services.csv",
    ) else {
        return;
    };
    assert_eq!(services.rows_read, 241);
    assert!(services.rejected.is_empty(), "{:?}", services.rejected);
    assert_eq!(services.facilities.len(), 241);
    let hakone = services
        .facilities
        .iter()
        .find(|f| f.provenance.source_record_id == "1412300145:medical_care_nursing")
        .unwrap();
    assert_eq!(hakone.name, "独立行政法人国立病院機構箱根病院");
    assert_eq!(hakone.location.address, "神奈川県小田原市風祭４１２");
    assert_eq!(hakone.phones[0].number, "0465-22-3196");

    let Some(short_stay) = parse(
        Importer::Wamnet,
        "disability/kanagawa_wamnet_short_stay.csv",
    ) else {
        return;
    };
    assert_eq!(short_stay.rows_read, 273);
    assert!(short_stay.rejected.is_empty(), "{:?}", short_stay.rejected);
    let beds = short_stay
        .facilities
        .iter()
        .filter(|f| f.services[0].respite_beds.is_some())
        .count();
    assert_eq!(
        beds,
        273 - 63,
        "every row with a 定員 states its respite beds"
    );
}

#[test]
fn special_needs_schools_through_the_example_mapping() {
    let mapping_text = include_str!("../../../data/mappings/p29-special-needs-schools.toml");
    let format = Format::Mapped(Box::new(
        Mapping::parse("p29-special-needs-schools.toml", mapping_text).unwrap(),
    ));
    let Some(file) = parse_as(&format, "schools/kanagawa_special_needs_schools.csv") else {
        return;
    };
    assert_eq!(file.rows_read, 58);
    assert!(file.rejected.is_empty(), "{:?}", file.rejected);
    assert_eq!(
        file.facilities.len(),
        58,
        "52 schools + 6 分教室 points, each its own record"
    );
    let school = file
        .facilities
        .iter()
        .find(|f| f.name == "茅ケ崎養護学校")
        .unwrap();
    assert_eq!(school.location.address, "神奈川県茅ヶ崎市西久保29-1");
    assert_eq!(
        school.provenance.source_record_id,
        "E114220710016:茅ケ崎養護学校"
    );
    assert_eq!(
        school
            .location
            .stated_municipality
            .as_ref()
            .unwrap()
            .as_str(),
        "14207"
    );
}

/// Every facility file of ../shared/data with the format it is imported in.
fn every_facility_file() -> Vec<(Format, &'static str)> {
    let schools = Mapping::parse(
        "p29-special-needs-schools.toml",
        include_str!("../../../data/mappings/p29-special-needs-schools.toml"),
    )
    .unwrap();
    vec![
        (
            Format::Official(Importer::MhlwFacilities),
            "facilities/kanagawa_hospitals_mhlw.csv",
        ),
        (
            Format::Official(Importer::Kaigo),
            "facilities/kanagawa_visiting_nursing.csv",
        ),
        (
            Format::Official(Importer::Kaigo),
            "national/visiting_nursing_national.csv",
        ),
        (
            Format::Official(Importer::Wamnet),
            "disability/kanagawa_wamnet_disability_services.csv",
        ),
        (
            Format::Official(Importer::Wamnet),
            "disability/kanagawa_wamnet_short_stay.csv",
        ),
        (
            Format::Official(Importer::Wamnet),
            "national/wamnet_short_stay_national_202403.csv",
        ),
        (
            Format::Official(Importer::HokenIryokikan),
            "facilities/kanagawa_medical_institutions_kouseikyoku.csv",
        ),
        (
            Format::Mapped(Box::new(schools)),
            "schools/kanagawa_special_needs_schools.csv",
        ),
    ]
}

#[test]
fn issue_19_no_private_use_character_or_repeated_name_in_any_imported_name_or_address() {
    use renkei_core::source_text::{clean_address, is_private_use, private_use_entry};
    let mut checked = 0;
    let mut replaced = 0;
    for (format, relative) in every_facility_file() {
        let Some(path) = shared_file(relative) else {
            return;
        };
        let (raw, _) =
            renkei_ingest::text::decode(relative, &std::fs::read(path).unwrap()).unwrap();
        for c in raw.chars().filter(|c| is_private_use(*c)) {
            assert!(
                private_use_entry(c).is_some(),
                "{relative}: U+{:04X} is not in data/text/pua.toml",
                u32::from(c)
            );
            replaced += 1;
        }
        let Some(file) = parse_as(&format, relative) else {
            return;
        };
        for facility in &file.facilities {
            let address = &facility.location.address;
            for text in [&facility.name, &facility.organization.name, address] {
                assert!(
                    !text.chars().any(is_private_use),
                    "{relative}: {text:?} keeps a private-use character"
                );
            }
            assert_eq!(
                &clean_address(address),
                address,
                "{relative}: the address is not clean"
            );
            checked += 1;
        }
    }
    println!("{checked} facilities checked, {replaced} private-use characters in the sources");
    assert!(replaced >= 15, "the bureau list has 15 外字 in 14 rows");
    let Some(hoken) = parse(
        Importer::HokenIryokikan,
        "facilities/kanagawa_medical_institutions_kouseikyoku.csv",
    ) else {
        return;
    };
    let names: Vec<&str> = hoken.facilities.iter().map(|f| f.name.as_str()).collect();
    for expected in [
        "辻堂いなほクリニック",
        "医療法人 鴎友会 白鴎医院",
        "ファミリークリニック“悠久”",
    ] {
        assert!(names.contains(&expected), "{expected} missing");
    }
}
