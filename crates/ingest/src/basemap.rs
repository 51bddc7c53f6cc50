//! Files of renkei's own base map and of the places people name instead of
//! an address (#18):
//!
//! - `stations`: 国土数値情報 鉄道データ N02 `Station` (GeoJSON, or the
//!   official zip whose `*Station*.geojson` member is read): one platform
//!   line per station and line; the station point is its middle.
//! - `rail-lines`: N02 `RailroadSection` (properties `N02_003` line,
//!   `N02_004` operator; licence 国土数値情報利用約款) or the
//!   `station_database` polylines (`code`, `name`, `company_name`; CC BY-SA
//!   4.0). Which one a file is is read from its properties, and each line
//!   keeps its licence and credit.
//! - `postcodes`: one point per postcode (`postcode`, `pref_code`, `city`,
//!   `town`, `lat`, `lng`), e.g. 日本郵便 KEN_ALL joined to 町丁目 points.

use crate::parse::position;
use crate::table::{ColumnSpec, RowError, Table};
use crate::{IngestError, IngestResult};
use renkei_core::basemap::{postcode_digits, PostcodePoint, RailLine, Station};
use renkei_core::LonLat;
use serde_json::Value;

/// Source key of the import-run rows of station files.
pub const STATIONS_SOURCE: &str = "n02-stations";
/// Source key of the import-run rows of rail line files.
pub const RAIL_LINES_SOURCE: &str = "rail-lines";
/// Source key of the import-run rows of postcode files.
pub const POSTCODES_SOURCE: &str = "postcodes";

/// Licence of 国土数値情報 (N02) geometry.
pub const N02_LICENCE: &str = "国土数値情報利用約款";
/// The credit 国土数値情報利用約款 asks for.
pub const N02_CREDIT: &str = "「国土数値情報（鉄道データ）」（国土交通省）を加工して作成";
/// Licence of the `station_database` polylines (share-alike).
pub const STATION_DATABASE_LICENCE: &str = "CC BY-SA 4.0";
/// The credit the `station_database` polylines ask for.
pub const STATION_DATABASE_CREDIT: &str =
    "station_database (CC BY-SA 4.0) / 「国土数値情報（鉄道データ）」（国土交通省）を加工して作成";

fn format_error(file: &str, reason: impl Into<String>) -> IngestError {
    IngestError::Format {
        file: file.to_owned(),
        reason: reason.into(),
    }
}

/// The features of a GeoJSON file, or of the member of a zip whose name
/// contains `member_hint`.
fn features(file: &str, bytes: &[u8], member_hint: &str) -> IngestResult<Vec<Value>> {
    let owned;
    let text = if file.to_lowercase().ends_with(".zip") {
        owned = crate::n03::geojson_from_zip(file, bytes, |name| name.contains(member_hint))?.1;
        owned.as_slice()
    } else {
        bytes
    };
    let text = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(text);
    let mut collection: Value = serde_json::from_slice(text)
        .map_err(|e| format_error(file, format!("not GeoJSON: {e}")))?;
    match collection.get_mut("features").map(Value::take) {
        Some(Value::Array(features)) => Ok(features),
        _ => Err(format_error(file, "not a GeoJSON FeatureCollection")),
    }
}

fn property<'a>(feature: &'a Value, key: &str) -> &'a str {
    feature["properties"][key]
        .as_str()
        .unwrap_or_default()
        .trim()
}

/// The parts of a LineString or MultiLineString, each of at least two points.
fn line_parts(geometry: &Value) -> Option<Vec<Vec<LonLat>>> {
    let coordinates = &geometry["coordinates"];
    let parts: Vec<&Value> = match geometry["type"].as_str()? {
        "LineString" => vec![coordinates],
        "MultiLineString" => coordinates.as_array()?.iter().collect(),
        _ => return None,
    };
    let parts: Vec<Vec<LonLat>> = parts
        .into_iter()
        .map(|part| {
            part.as_array()?
                .iter()
                .map(|p| LonLat::new(p[0].as_f64()?, p[1].as_f64()?).ok())
                .collect::<Option<Vec<_>>>()
        })
        .collect::<Option<Vec<_>>>()?;
    let parts: Vec<Vec<LonLat>> = parts.into_iter().filter(|p| p.len() >= 2).collect();
    (!parts.is_empty()).then_some(parts)
}

/// The point halfway along a polyline (by length), where N02 puts a station.
fn midpoint(points: &[LonLat]) -> LonLat {
    let lengths: Vec<f64> = points.windows(2).map(|w| w[0].distance_m(w[1])).collect();
    let mut remaining = lengths.iter().sum::<f64>() / 2.0;
    for (w, length) in points.windows(2).zip(&lengths) {
        if remaining <= *length && *length > 0.0 {
            let t = remaining / length;
            let lon = w[0].lon() + (w[1].lon() - w[0].lon()) * t;
            let lat = w[0].lat() + (w[1].lat() - w[0].lat()) * t;
            return LonLat::new(lon, lat).unwrap_or(w[0]);
        }
        remaining -= length;
    }
    points[0]
}

/// The stations of an N02 `Station` file; features without a code, a name or
/// a line geometry are counted as rejected. A station published as several
/// platform lines with one code (新宿 on 山手線) is one station at the mean of
/// their middles.
pub fn read_stations(file: &str, bytes: &[u8]) -> IngestResult<(Vec<Station>, usize)> {
    let features = features(file, bytes, "Station")?;
    let mut stations: Vec<Station> = Vec::with_capacity(features.len());
    let mut pieces: Vec<Vec<LonLat>> = Vec::with_capacity(features.len());
    let mut by_code = std::collections::HashMap::new();
    let mut rejected = 0;
    for feature in &features {
        let (code, name) = (property(feature, "N02_005c"), property(feature, "N02_005"));
        let Some(parts) = line_parts(&feature["geometry"]) else {
            rejected += 1;
            continue;
        };
        if code.is_empty() || name.is_empty() {
            rejected += 1;
            continue;
        }
        let middle = midpoint(&parts[0]);
        if let Some(&n) = by_code.get(code) {
            let platform: &mut Vec<LonLat> = &mut pieces[n];
            platform.push(middle);
            continue;
        }
        by_code.insert(code.to_owned(), stations.len());
        pieces.push(vec![middle]);
        let group = property(feature, "N02_005g");
        stations.push(Station {
            code: code.to_owned(),
            group: if group.is_empty() { code } else { group }.to_owned(),
            name: name.to_owned(),
            line: property(feature, "N02_003").to_owned(),
            operator: property(feature, "N02_004").to_owned(),
            position: middle,
        });
    }
    for (station, middles) in stations.iter_mut().zip(&pieces) {
        let n = middles.len() as f64;
        let (lon, lat) = middles
            .iter()
            .fold((0.0, 0.0), |(x, y), p| (x + p.lon() / n, y + p.lat() / n));
        station.position = LonLat::new(lon, lat).unwrap_or(station.position);
    }
    if stations.is_empty() {
        return Err(format_error(
            file,
            "no station features (N02_005c, N02_005 and a line geometry expected): is this the N02 Station file?",
        ));
    }
    Ok((stations, rejected))
}

/// The rail lines of an N02 `RailroadSection` or `station_database` file,
/// with the licence and credit of the source the properties show; features
/// without a line geometry are counted as rejected.
pub fn read_rail_lines(file: &str, bytes: &[u8]) -> IngestResult<(Vec<RailLine>, usize)> {
    let features = features(file, bytes, "RailroadSection")?;
    let mut lines = Vec::with_capacity(features.len());
    let mut rejected = 0;
    for (n, feature) in features.iter().enumerate() {
        let Some(parts) = line_parts(&feature["geometry"]) else {
            rejected += 1;
            continue;
        };
        let n02 = !property(feature, "N02_003").is_empty();
        let (name, operator, licence, credit) = if n02 {
            (
                property(feature, "N02_003"),
                property(feature, "N02_004"),
                N02_LICENCE,
                N02_CREDIT,
            )
        } else {
            (
                property(feature, "name"),
                property(feature, "company_name"),
                STATION_DATABASE_LICENCE,
                STATION_DATABASE_CREDIT,
            )
        };
        // A line has several features (branches, sections): the number keeps ids unique.
        let code = if n02 { "" } else { property(feature, "code") };
        lines.push(RailLine {
            id: format!("{code}#{n}"),
            name: name.to_owned(),
            operator: operator.to_owned(),
            parts,
            licence: licence.to_owned(),
            attribution: credit.to_owned(),
        });
    }
    if lines.is_empty() {
        return Err(format_error(file, "no line features"));
    }
    Ok((lines, rejected))
}

const POSTCODE: ColumnSpec = ColumnSpec {
    aliases: &["postcode", "郵便番号"],
    required: true,
};
const PREFECTURE: ColumnSpec = ColumnSpec {
    aliases: &["pref_code", "都道府県コード"],
    required: true,
};
const CITY: ColumnSpec = ColumnSpec {
    aliases: &["city", "市区町村"],
    required: true,
};
const TOWN: ColumnSpec = ColumnSpec {
    aliases: &["town", "町域"],
    required: false,
};
const LAT: ColumnSpec = ColumnSpec {
    aliases: &["lat", "緯度"],
    required: true,
};
const LON: ColumnSpec = ColumnSpec {
    aliases: &["lng", "lon", "経度"],
    required: true,
};

/// The postcode points of one file, the first row of a postcode kept (a
/// postcode covering several towns is found at its first one); rows without
/// a seven-digit postcode, a prefecture code or coordinates are rejected.
pub fn parse_postcodes(table: &Table) -> IngestResult<(Vec<PostcodePoint>, Vec<RowError>)> {
    let [postcode, prefecture, city, town, lat, lon] =
        table.columns([POSTCODE, PREFECTURE, CITY, TOWN, LAT, LON])?;
    let mut points: Vec<PostcodePoint> = Vec::with_capacity(table.len());
    let mut rejected = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for row in table.rows() {
        let text = row.get(postcode).unwrap_or_default();
        let Some(digits) = postcode_digits(text) else {
            rejected.push(row.error(postcode, text, "is not a seven-digit postcode"));
            continue;
        };
        let pref = row.get(prefecture).unwrap_or_default();
        let pref = format!("{pref:0>2}");
        if pref.len() != 2 || !pref.bytes().all(|b| b.is_ascii_digit()) {
            rejected.push(row.error(prefecture, &pref, "is not a prefecture code"));
            continue;
        }
        let position = match position(&row, lon, lat) {
            Ok(Some(position)) => position,
            Ok(None) => {
                rejected.push(row.error(lat, "", "the postcode has no coordinates"));
                continue;
            }
            Err(error) => {
                rejected.push(error);
                continue;
            }
        };
        if seen.insert(digits.clone()) {
            points.push(PostcodePoint {
                postcode: digits,
                prefecture: pref,
                city: row.get(city).unwrap_or_default().to_owned(),
                town: row.get(town).unwrap_or_default().to_owned(),
                position,
            });
        }
    }
    Ok((points, rejected))
}

#[cfg(test)]
mod tests {
    use super::*;

    const STATIONS: &str = r#"{"type":"FeatureCollection","features":[
      {"type":"Feature","properties":{"N02_003":"架空本線","N02_004":"架空鉄道","N02_005":"架空ヶ丘","N02_005c":"900001","N02_005g":"900001"},
       "geometry":{"type":"LineString","coordinates":[[139.40,35.33],[139.42,35.33]]}},
      {"type":"Feature","properties":{"N02_003":"架空本線","N02_004":"架空鉄道","N02_005":"架空ヶ丘","N02_005c":"900001","N02_005g":"900001"},
       "geometry":{"type":"LineString","coordinates":[[139.40,35.34],[139.42,35.34]]}},
      {"type":"Feature","properties":{"N02_003":"架空本線","N02_004":"架空鉄道","N02_005":"","N02_005c":"900002"},
       "geometry":{"type":"LineString","coordinates":[[139.40,35.33],[139.42,35.33]]}}]}"#;

    #[test]
    fn issue_18_stations_sit_at_the_middle_of_their_platform_line() {
        let (stations, rejected) = read_stations("s.geojson", STATIONS.as_bytes()).unwrap();
        assert_eq!((stations.len(), rejected), (1, 1));
        let station = &stations[0];
        assert_eq!(
            (station.name.as_str(), station.group.as_str()),
            ("架空ヶ丘", "900001")
        );
        assert!((station.position.lon() - 139.41).abs() < 1e-6);
    }

    #[test]
    fn issue_18_rail_lines_keep_the_licence_of_their_source() {
        let station_database = r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"code":"9001","name":"架空線","company_name":"架空鉄道"},
           "geometry":{"type":"MultiLineString","coordinates":[[[139.4,35.3],[139.5,35.3]],[[139.6,35.3]]]}}]}"#;
        let (lines, rejected) = read_rail_lines("l.geojson", station_database.as_bytes()).unwrap();
        assert_eq!((lines.len(), rejected), (1, 0));
        assert_eq!(lines[0].parts.len(), 1, "a one-point part is dropped");
        assert_eq!(lines[0].licence, "CC BY-SA 4.0");
        let n02 = STATIONS.replace("N02_005c", "x");
        let (lines, _) = read_rail_lines("n02.geojson", n02.as_bytes()).unwrap();
        assert_eq!(lines[0].licence, N02_LICENCE);
        assert_eq!(lines[0].name, "架空本線");
    }

    #[test]
    fn issue_18_postcodes_are_seven_digits_once_each() {
        let table = Table::parse(
            "p.csv",
            "postcode,pref_code,city,town,street,kind,lat,lng\n\
             9990001,14,架空市,架空町,,area,35.33,139.40\n\
             999-0001,14,架空市,別町,,area,35.34,139.41\n\
             99900,14,架空市,,,area,35.33,139.40\n\
             9990002,14,架空市,,,area,,\n",
        )
        .unwrap();
        let (points, rejected) = parse_postcodes(&table).unwrap();
        assert_eq!(points.len(), 1);
        assert_eq!(points[0].town, "架空町");
        assert_eq!(rejected.len(), 2);
    }
}
