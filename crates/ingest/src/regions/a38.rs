//! 国土数値情報 医療圏データ A38 (国土交通省), the official national table of
//! 二次医療圏: published per prefecture (and for Japan) as `A38-20_NN_GML.zip`,
//! holding for each kind of 医療圏 a GeoJSON layer (and a Shapefile):
//!
//! - `A38-20_NN_1.geojson`, 一次医療圏: one feature per polygon of a
//!   municipality, with `A38a_001` 行政区域コード, `A38a_002` 市区町村名, `A38a_003`
//!   二次医療圏コード and `A38a_004` 二次医療圏名;
//! - `A38-20_NN_2.geojson`, 二次医療圏: one feature per polygon of a region,
//!   with `A38b_001` its municipalities' codes (comma-separated), `A38b_002`
//!   their names, `A38b_003` 二次医療圏コード and `A38b_004` 二次医療圏名;
//! - `A38-20_NN_3.geojson`, 三次医療圏 (not read).
//!
//! The membership is read from the 一次 layer when the file has it, else
//! from the 二次 layer; geometry is not read (boundaries come from N03). A
//! file yields one table per prefecture it covers. A38 names no designated
//! cities, English names or core hospitals: those are taken from renkei's
//! own table of the prefecture ([`super::builtin_region_tables`]), for the
//! cities and regions the file keeps. Codes of 6 digits (with the check
//! digit) are read as their first 5.

use crate::{IngestError, IngestResult};
use renkei_core::region::{DesignatedCity, Prefecture, RegionTable, SecondaryMedicalRegion};
use renkei_core::{MunicipalityCode, PrefectureCode, RegionCode};
use serde::Deserialize;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

/// A GeoJSON FeatureCollection's properties (geometry is skipped unread).
#[derive(Deserialize)]
struct Collection {
    features: Vec<Feature>,
}

#[derive(Deserialize)]
struct Feature {
    #[serde(default)]
    properties: HashMap<String, Value>,
}

/// Which layer a GeoJSON holds.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Layer {
    /// 一次医療圏: `A38a_*`, one municipality per feature.
    Primary,
    /// 二次医療圏: `A38b_*`, a region with its municipalities per feature.
    Secondary,
}

/// The tables of an A38 file, `None` when `bytes` is not one (a TOML table).
pub(super) fn read(file: &str, bytes: &[u8]) -> IngestResult<Option<Vec<RegionTable>>> {
    let bad = |reason: String| IngestError::Format {
        file: file.to_owned(),
        reason,
    };
    let parse = |name: &str, json: &[u8]| -> IngestResult<Collection> {
        serde_json::from_slice(json).map_err(|e| bad(format!("{name} is not GeoJSON: {e}")))
    };
    let (name, collection) = if crate::text::is_zip(bytes) {
        let members = crate::text::unzip(file, bytes, &[".geojson", ".json"])?;
        let layer = |suffix: &str| {
            members
                .iter()
                .find(|(name, _)| name.to_lowercase().ends_with(suffix))
        };
        let Some((member, json)) = layer("_1.geojson").or_else(|| layer("_2.geojson")) else {
            return Err(bad(
                "a zip without an A38 layer (…_1.geojson or …_2.geojson); give the A38 file of 国土数値情報 医療圏データ or a region table (TOML)".into(),
            ));
        };
        let name = format!("{file}!{member}");
        let collection = parse(&name, json)?;
        (name, collection)
    } else {
        let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        if !text.trim_ascii_start().starts_with(b"{") {
            return Ok(None);
        }
        (file.to_owned(), parse(file, text)?)
    };
    let membership = membership(&name, &collection)?;
    Ok(Some(tables(file, membership)?))
}

/// Municipality → (region code, region name) as the layer states it.
fn membership(
    file: &str,
    collection: &Collection,
) -> IngestResult<BTreeMap<MunicipalityCode, (RegionCode, String)>> {
    let bad = |reason: String| IngestError::Format {
        file: file.to_owned(),
        reason,
    };
    let layer = collection.features.iter().find_map(|f| {
        if f.properties.contains_key("A38a_001") {
            Some(Layer::Primary)
        } else if f.properties.contains_key("A38b_001") {
            Some(Layer::Secondary)
        } else {
            None
        }
    });
    let Some(layer) = layer else {
        return Err(bad(
            "no feature has A38a_001 or A38b_001: not a layer of 国土数値情報 医療圏データ A38"
                .into(),
        ));
    };
    let (codes_key, region_key, name_key) = match layer {
        Layer::Primary => ("A38a_001", "A38a_003", "A38a_004"),
        Layer::Secondary => ("A38b_001", "A38b_003", "A38b_004"),
    };
    let mut membership = BTreeMap::new();
    for (index, feature) in collection.features.iter().enumerate() {
        let field = |key: &str| feature.properties.get(key).map(text).unwrap_or_default();
        let at = |key: &str, value: &str, why: &str| {
            bad(format!("feature {}: {key} {value:?} {why}", index + 1))
        };
        let region_text = field(region_key);
        let region = RegionCode::new(pad(&region_text, 4))
            .map_err(|e| at(region_key, &region_text, &e.to_string()))?;
        let region_name = field(name_key);
        if region_name.is_empty() {
            return Err(at(name_key, "", "is empty"));
        }
        let codes = field(codes_key);
        for code_text in codes
            .split([',', '、', '，', ' '])
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            let padded = pad(code_text, 5);
            let code = MunicipalityCode::new(padded.get(..5).unwrap_or(&padded))
                .map_err(|e| at(codes_key, code_text, &e.to_string()))?;
            membership.insert(code, (region.clone(), region_name.clone()));
        }
    }
    Ok(membership)
}

/// A property as text: strings as they are, numbers (a Shapefile converted to
/// GeoJSON may have lost the leading zero) in decimal.
fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.trim().to_owned(),
        Value::Number(n) => n.to_string(),
        _ => String::new(),
    }
}

/// `code` left-padded with zeros to `width` digits when shorter.
fn pad(code: &str, width: usize) -> String {
    format!("{code:0>width$}")
}

/// One table per prefecture of `membership`, with renkei's own designated
/// cities, English names and core hospitals where the file keeps them.
fn tables(
    file: &str,
    membership: BTreeMap<MunicipalityCode, (RegionCode, String)>,
) -> IngestResult<Vec<RegionTable>> {
    let builtin = super::builtin_region_tables()?;
    let mut by_prefecture: BTreeMap<
        PrefectureCode,
        BTreeMap<RegionCode, (String, Vec<MunicipalityCode>)>,
    > = BTreeMap::new();
    for (municipality, (region, name)) in membership {
        by_prefecture
            .entry(region.prefecture())
            .or_default()
            .entry(region)
            .or_insert_with(|| (name, Vec::new()))
            .1
            .push(municipality);
    }
    by_prefecture
        .into_iter()
        .map(|(prefecture, regions)| {
            let own = builtin.iter().find(|t| t.prefecture().code == prefecture);
            let listed: Vec<&MunicipalityCode> =
                regions.values().flat_map(|(_, units)| units).collect();
            let designated = own
                .map(RegionTable::designated_cities)
                .unwrap_or_default()
                .iter()
                .filter_map(|city| {
                    let wards: Vec<MunicipalityCode> = city
                        .wards
                        .iter()
                        .filter(|ward| listed.contains(ward))
                        .cloned()
                        .collect();
                    (!wards.is_empty()).then(|| DesignatedCity {
                        code: city.code.clone(),
                        name_ja: city.name_ja.clone(),
                        wards,
                    })
                })
                .collect();
            let regions = regions
                .into_iter()
                .map(|(code, (name_ja, municipalities))| {
                    let authored = own
                        .and_then(|t| t.region(&code))
                        .filter(|r| r.name_ja == name_ja);
                    SecondaryMedicalRegion {
                        name_en: authored.and_then(|r| r.name_en.clone()),
                        core_hospitals: authored
                            .map(|r| r.core_hospitals.clone())
                            .unwrap_or_default(),
                        code,
                        name_ja,
                        code_verified: true,
                        municipalities,
                    }
                })
                .collect();
            let header = Prefecture {
                name_ja: prefecture.name().to_owned(),
                name_en: own.and_then(|t| t.prefecture().name_en.clone()),
                code: prefecture,
            };
            RegionTable::new(header, designated, regions).map_err(|e| IngestError::Format {
                file: file.to_owned(),
                reason: e.to_string(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// An authored A38 zip in the published layout: the 一次, 二次 and 三次
    /// layers of prefecture 47 (fictional municipalities; geometry trimmed to
    /// one tiny square each).
    fn a38_zip(primary: &str, secondary: &str) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        for (name, body) in [
            ("A38-20_47_GML/A38-20_47_1.geojson", primary),
            ("A38-20_47_GML/A38-20_47_2.geojson", secondary),
            (
                "A38-20_47_GML/A38-20_47_3.geojson",
                r#"{"type":"FeatureCollection","features":[]}"#,
            ),
            ("A38-20_47_GML/KS-META-A38-20_47.xml", "<meta/>"),
        ] {
            zip.start_file(name, stored).unwrap();
            zip.write_all(body.as_bytes()).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    const SQUARE: &str = r#"{"type":"Polygon","coordinates":[[[127.6,26.2],[127.7,26.2],[127.7,26.3],[127.6,26.2]]]}"#;

    fn primary() -> String {
        let feature = |code: &str, name: &str, region: &str, region_name: &str| {
            format!(
                r#"{{"type":"Feature","properties":{{"A38a_001":"{code}","A38a_002":"{name}","A38a_003":"{region}","A38a_004":"{region_name}","A38a_005":1}},"geometry":{SQUARE}}}"#
            )
        };
        format!(
            r#"{{"type":"FeatureCollection","name":"A38-20_47_1","features":[{},{},{},{}]}}"#,
            feature("472018", "架空北市", "4701", "架空北部"),
            feature("472018", "架空北市", "4701", "架空北部"), // a second polygon of the same city
            feature("472026", "架空南市", "4702", "架空南部"),
            feature("473010", "架空町", "4702", "架空南部"),
        )
    }

    fn secondary() -> String {
        format!(
            r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{"A38b_001":"47201,47202","A38b_002":"架空北市,架空南市","A38b_003":"4701","A38b_004":"架空全域"}},"geometry":{SQUARE}}}]}}"#
        )
    }

    #[test]
    fn issue_22_the_official_a38_file_imports_as_a_region_table() {
        let tables = super::super::parse_region_file(
            "A38-20_47_GML.zip",
            &a38_zip(&primary(), &secondary()),
        )
        .unwrap();
        assert_eq!(tables.len(), 1);
        let table = &tables[0];
        assert_eq!(table.prefecture().name_ja, "沖縄県");
        assert_eq!(table.prefecture().name_en.as_deref(), Some("Okinawa"));
        let code = |c: &str| MunicipalityCode::new(c).unwrap();
        assert_eq!(table.region_of(&code("47201")).unwrap().as_str(), "4701");
        assert_eq!(table.region_of(&code("47301")).unwrap().as_str(), "4702");
        let south = table.region(&RegionCode::new("4702").unwrap()).unwrap();
        assert_eq!(south.name_ja, "架空南部");
        assert_eq!(south.municipalities, [code("47202"), code("47301")]);
        assert!(table.designated_cities().is_empty());
    }

    #[test]
    fn the_secondary_layer_alone_and_errors_that_name_the_feature() {
        let tables =
            super::super::parse_region_file("A38-20_47_2.geojson", secondary().as_bytes()).unwrap();
        assert_eq!(tables[0].regions()[0].municipalities.len(), 2);
        let bad = primary().replace("\"4702\"", "\"47x2\"");
        let error = super::super::parse_region_file("A38-20_47_1.geojson", bad.as_bytes())
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("feature 3") && error.contains("A38a_003"),
            "{error}"
        );
        let toml = "[prefecture]\ncode = \"47\"\nname_ja = \"沖縄県\"\n[[regions]]\ncode = \"4701\"\nname_ja = \"架空\"\nmunicipalities = [\"47201\"]\n";
        assert_eq!(
            super::super::parse_region_file("47.toml", toml.as_bytes()).unwrap()[0]
                .regions()
                .len(),
            1
        );
        let other = super::super::parse_region_file(
            "x.geojson",
            br#"{"type":"FeatureCollection","features":[{"properties":{"N03_007":"47201"}}]}"#,
        )
        .unwrap_err()
        .to_string();
        assert!(other.contains("A38"), "{other}");
    }
}
