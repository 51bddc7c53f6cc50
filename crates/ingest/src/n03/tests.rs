//! Small authored N03 fixtures (fictional prefecture 47 units, real schema).

use super::*;
use geo::Area;

fn feature(code: &str, name: &str, geometry: &str) -> String {
    format!(
        r#"{{"type":"Feature","properties":{{"N03_001":"架空県","N03_002":null,"N03_003":null,"N03_004":"{name}","N03_007":{code}}},"geometry":{geometry}}}"#
    )
}

fn collection(features: &[String]) -> Vec<u8> {
    format!(
        r#"{{"type":"FeatureCollection","features":[{}]}}"#,
        features.join(",")
    )
    .into_bytes()
}

const SQUARE: &str = r#"{"type":"Polygon","coordinates":[[[139.0,35.0],[139.1,35.0],[139.1,35.1],[139.0,35.1],[139.0,35.0]]]}"#;

#[test]
fn features_sharing_a_code_merge_into_one_multipolygon() {
    let island = r#"{"type":"MultiPolygon","coordinates":[[[[139.5,35.0],[139.51,35.0],[139.51,35.01],[139.5,35.0]]],[[[139.6,35.0],[139.61,35.0],[139.61,35.01],[139.6,35.0]]]]}"#;
    let bytes = collection(&[
        feature("\"47201\"", "架空市", SQUARE),
        feature("\"47202\"", "架空島町", island),
        feature(
            "\"47202\"",
            "架空島町",
            SQUARE
                .replace("139.0", "139.7")
                .replace("139.1", "139.8")
                .as_str(),
        ),
    ]);
    let import = parse_n03("fixture.geojson", &bytes).unwrap();
    assert_eq!(import.features, 3);
    assert_eq!(import.municipalities.len(), 2);
    let island_town = &import.municipalities[1];
    assert_eq!(
        (island_town.code.as_str(), island_town.name.as_str()),
        ("47202", "架空島町")
    );
    assert_eq!(island_town.geometry.0.len(), 3);
    assert!(import.repairs.is_empty() && import.without_code.is_empty());
}

#[test]
fn bom_is_accepted_and_null_code_is_reported_not_dropped() {
    let mut bytes = "\u{feff}".as_bytes().to_vec();
    let mut uncoded = feature("null", "所属未定地", SQUARE);
    uncoded = uncoded.replace("\"N03_003\":null", "\"N03_003\":\"\"");
    bytes.extend(collection(&[
        feature("\"47201\"", "架空市", SQUARE),
        uncoded,
    ]));
    let import = parse_n03("bom.geojson", &bytes).unwrap();
    assert_eq!(import.municipalities.len(), 1);
    assert_eq!(
        import.without_code,
        vec![UncodedFeature {
            index: 1,
            names: "架空県所属未定地".into()
        }]
    );
}

#[test]
fn unclosed_ring_is_closed_and_reported() {
    let open = r#"{"type":"Polygon","coordinates":[[[139.0,35.0],[139.1,35.0],[139.1,35.1],[139.0,35.1]]]}"#;
    let import = parse_n03(
        "open.geojson",
        &collection(&[feature("\"47201\"", "架空市", open)]),
    )
    .unwrap();
    let ring = import.municipalities[0].geometry.0[0].exterior();
    assert_eq!(ring.0.first(), ring.0.last());
    assert_eq!(import.repairs.len(), 1);
    assert!(
        import.repairs[0]
            .to_string()
            .contains("feature 0 (N03_007 47201)"),
        "{}",
        import.repairs[0]
    );
}

#[test]
fn self_intersection_is_repaired_keeping_both_lobes() {
    let bow_tie = r#"{"type":"Polygon","coordinates":[[[139.0,35.0],[139.1,35.1],[139.1,35.0],[139.0,35.1],[139.0,35.0]]]}"#;
    let import = parse_n03(
        "bowtie.geojson",
        &collection(&[feature("\"47201\"", "架空市", bow_tie)]),
    )
    .unwrap();
    let geometry = &import.municipalities[0].geometry;
    assert_eq!(geometry.0.len(), 2);
    assert!((geometry.unsigned_area() - 0.005).abs() < 1e-9);
    assert!(
        import.repairs[0].reason.contains("self-intersection"),
        "{:?}",
        import.repairs
    );
}

#[test]
fn empty_and_unusable_geometry_fail_the_file_naming_each_feature() {
    let bytes = collection(&[
        feature("\"47201\"", "架空市", SQUARE),
        feature("\"47202\"", "空町", "null"),
        feature(
            "\"47203\"",
            "線村",
            r#"{"type":"LineString","coordinates":[[139.0,35.0],[139.1,35.0]]}"#,
        ),
        feature(
            "\"47204\"",
            "点村",
            r#"{"type":"Polygon","coordinates":[[[139.0,35.0],[139.1,35.0],[139.0,35.0]]]}"#,
        ),
        feature(
            "\"47205\"",
            "投影村",
            r#"{"type":"Polygon","coordinates":[[[-36000.5,-52000.1],[-35000,-52000],[-35000,-51000],[-36000.5,-52000.1]]]}"#,
        ),
        feature("\"4720\"", "短村", SQUARE),
    ]);
    let Err(IngestError::Geometry { file, problems }) = parse_n03("bad.geojson", &bytes) else {
        panic!("must fail")
    };
    assert_eq!(file, "bad.geojson");
    let indexes: Vec<usize> = problems.iter().map(|p| p.index).collect();
    assert_eq!(indexes, vec![1, 2, 3, 4, 5]);
    let message = IngestError::Geometry { file, problems }.to_string();
    assert!(
        message.contains("feature 1 (N03_007 47202): geometry is null"),
        "{message}"
    );
    assert!(message.contains("LineString is not Polygon"), "{message}");
    assert!(message.contains("fewer than 3 distinct"), "{message}");
    assert!(message.contains("projected"), "{message}");
    assert!(message.contains("feature 5 (N03_007 4720)"), "{message}");
}

#[test]
fn not_geojson_is_a_format_error() {
    assert!(matches!(
        parse_n03("x.json", b"{\"type\":\"Feature\"}"),
        Err(IngestError::Format { .. })
    ));
}

#[test]
fn reads_the_geojson_member_of_a_zip() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("N03-20240101_47_GML.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let options = zip::write::SimpleFileOptions::default();
    zip.start_file("N03-20240101_47_GML/KS-META-N03-20240101_47.xml", options)
        .unwrap();
    zip.write_all(b"<xml/>").unwrap();
    zip.start_file("N03-20240101_47_GML/N03-20240101_47.geojson", options)
        .unwrap();
    zip.write_all(&collection(&[feature("\"47201\"", "架空市", SQUARE)]))
        .unwrap();
    zip.finish().unwrap();
    let import = read_n03_file(&path).unwrap();
    assert_eq!(import.municipalities[0].code.as_str(), "47201");
}

#[test]
fn ward_names_from_the_2024_edition_layout() {
    let ward = r#"{"type":"Feature","properties":{"N03_001":"架空県","N03_002":null,"N03_003":null,"N03_004":"架空市","N03_005":"中央区","N03_007":"47101"},"geometry":GEOM}"#
        .replace("GEOM", SQUARE);
    let import = parse_n03("ward.geojson", &collection(&[ward])).unwrap();
    let unit = &import.municipalities[0];
    assert_eq!(
        (unit.county_or_city.as_deref(), unit.name.as_str()),
        (Some("架空市"), "中央区")
    );
    assert_eq!(unit.full_name(), "架空市中央区");
}
