//! MLIT 国土数値情報 行政区域 (N03) boundaries: the `GeoJSON` as published, on its
//! own or inside the official zip, for one prefecture or the whole country,
//! original or simplified.
//!
//! Properties as published: `N03_001` 都道府県名, `N03_002` 支庁・振興局名, `N03_003`
//! 郡・政令市名, `N03_004` 市区町村名, (2024 edition: `N03_005` 政令市の区名), `N03_007`
//! 行政区域コード (5 digits). Coordinates are JGD2011 / WGS 84 longitude, latitude
//! degrees, which agree to well under a metre.
//!
//! - Several features with one code (islands) merge into one multipolygon.
//! - Features without a code (`N03_007` null, e.g. 所属未定地) are reported in
//!   [`N03Import::without_code`], never dropped silently.
//! - Unclosed rings are closed; self-intersecting polygons are repaired
//!   ([`renkei_core::region::make_valid`]); both are reported in
//!   [`N03Import::repairs`]. Empty or unusable geometry fails the whole file with
//!   [`IngestError::Geometry`], naming every bad feature by index and code.

use crate::error::FeatureProblem;
use crate::{IngestError, IngestResult};
use geo::orient::Direction;
use geo::{Coord, LineString, MultiPolygon, Orient, Polygon, Validation};
use renkei_core::region::{make_valid, Municipality};
use renkei_core::MunicipalityCode;
use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::path::Path;

/// The boundaries read from one N03 file.
#[derive(Debug, Clone, PartialEq)]
pub struct N03Import {
    /// One unit per code, ordered by code.
    pub municipalities: Vec<Municipality>,
    /// Number of features in the file.
    pub features: usize,
    /// Features with no `N03_007` code (e.g. 所属未定地): not imported, listed here.
    pub without_code: Vec<UncodedFeature>,
    /// Features whose geometry was repaired (closed rings, self-intersections).
    pub repairs: Vec<FeatureProblem>,
}

/// A feature without a municipality code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UncodedFeature {
    /// Index in the file's `features` array (0-based).
    pub index: usize,
    /// Its names (`N03_001`…`N03_004` joined), e.g. 北海道色丹郡色丹村 or 所属未定地.
    pub names: String,
}

#[derive(Deserialize)]
struct RawCollection {
    features: Vec<RawFeature>,
}

#[derive(Deserialize)]
struct RawFeature {
    #[serde(default)]
    properties: Option<Map<String, Value>>,
    #[serde(default)]
    geometry: Option<RawGeometry>,
}

#[derive(Deserialize)]
struct RawGeometry {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    coordinates: Value,
}

/// Reads an N03 file: `.geojson` / `.json`, or the official `.zip` (its
/// `.geojson` member is used).
pub fn read_n03_file(path: &Path) -> IngestResult<N03Import> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| IngestError::Io {
        file: file.clone(),
        source,
    })?;
    read_n03(&file, &bytes)
}

/// As [`read_n03_file`], for the bytes of `file` already in memory (a
/// download): `GeoJSON`, or the official zip.
pub fn read_n03(file: &str, bytes: &[u8]) -> IngestResult<N03Import> {
    if crate::text::is_zip(bytes) {
        let (member, text) = geojson_from_zip(file, bytes, |_| true)?;
        parse_n03(&format!("{file}!{member}"), &text)
    } else {
        parse_n03(file, bytes)
    }
}

/// The `GeoJSON` member of an N03 or N02 zip (`.geojson` preferred over
/// `.json`) whose name `wanted` accepts (N02 zips hold a station and a
/// section file).
pub(crate) fn geojson_from_zip(
    file: &str,
    bytes: &[u8],
    wanted: impl Fn(&str) -> bool,
) -> IngestResult<(String, Vec<u8>)> {
    let format = |reason: String| IngestError::Format {
        file: file.to_owned(),
        reason,
    };
    let archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| format(format!("not a readable zip: {e}")))?;
    let names: Vec<String> = archive.file_names().map(str::to_owned).collect();
    let pick = |ext: &str| {
        names
            .iter()
            .find(|n| n.to_lowercase().ends_with(ext) && !n.contains("__MACOSX") && wanted(n))
            .cloned()
    };
    let member = pick(".geojson").or_else(|| pick(".json")).ok_or_else(|| {
        format(format!(
            "the zip has no .geojson member of the wanted data (it has: {}); download the GeoJSON edition",
            names.join(", ")
        ))
    })?;
    drop(archive);
    // Read through the shared zip reader, within the import limits (size and
    // expansion ratio), so a zip bomb is refused as in every importer.
    let mut text = Vec::new();
    crate::text::for_each_member(
        file,
        std::io::Cursor::new(bytes),
        &[member.to_lowercase().as_str()],
        &crate::limits::Limits::default(),
        |name, reader| {
            if name.ends_with(&format!("!{member}")) && text.is_empty() {
                reader
                    .read_to_end(&mut text)
                    .map_err(|e| crate::text::read_error(&name, e))?;
            }
            Ok(())
        },
    )?;
    Ok((member, text))
}

/// Parses N03 `GeoJSON` text (UTF-8, with or without BOM). `file` names the
/// input in errors.
pub fn parse_n03(file: &str, bytes: &[u8]) -> IngestResult<N03Import> {
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    let collection: RawCollection =
        serde_json::from_slice(bytes).map_err(|e| IngestError::Format {
            file: file.to_owned(),
            reason: format!("not a GeoJSON FeatureCollection: {e}"),
        })?;
    let features = collection.features.len();
    let mut problems = Vec::new();
    let mut repairs = Vec::new();
    let mut without_code = Vec::new();
    let mut units: BTreeMap<MunicipalityCode, Municipality> = BTreeMap::new();
    for (index, feature) in collection.features.into_iter().enumerate() {
        let properties = feature.properties.unwrap_or_default();
        let text = |key: &str| properties.get(key).and_then(property_text);
        let Some(raw_code) = text("N03_007") else {
            let names: String = ["N03_001", "N03_002", "N03_003", "N03_004"]
                .iter()
                .filter_map(|k| text(k))
                .collect();
            without_code.push(UncodedFeature { index, names });
            continue;
        };
        let problem = |reason: String| FeatureProblem {
            index,
            code: Some(raw_code.clone()),
            reason,
        };
        let code = match MunicipalityCode::new(raw_code.clone()) {
            Ok(code) => code,
            Err(e) => {
                problems.push(problem(e.to_string()));
                continue;
            }
        };
        let geometry = match feature.geometry {
            None => Err("geometry is null (empty)".to_owned()),
            Some(geometry) => read_geometry(&geometry, &mut |note| repairs.push(problem(note))),
        };
        let geometry = match geometry {
            Ok(geometry) => geometry,
            Err(reason) => {
                problems.push(problem(reason));
                continue;
            }
        };
        if let Some(unit) = units.get_mut(&code) {
            unit.geometry.0.extend(geometry.0);
            continue;
        }
        let ward = text("N03_005").filter(|name| name.ends_with('区'));
        let (county_or_city, name) = match ward {
            Some(ward) => (text("N03_004"), ward),
            None => (
                text("N03_003"),
                text("N03_004")
                    .or_else(|| text("N03_003"))
                    .unwrap_or_default(),
            ),
        };
        units.insert(
            code.clone(),
            Municipality {
                code,
                prefecture_name: text("N03_001").unwrap_or_default(),
                subprefecture_name: text("N03_002"),
                county_or_city,
                name,
                geometry,
            },
        );
    }
    if !problems.is_empty() {
        return Err(IngestError::Geometry {
            file: file.to_owned(),
            problems,
        });
    }
    Ok(N03Import {
        municipalities: units.into_values().collect(),
        features,
        without_code,
        repairs,
    })
}

/// A property as text: strings as they are (empty → `None`), numbers as
/// digits (a numeric `N03_007` such as 1101 is padded to `01101`).
fn property_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => n.as_u64().map(|n| format!("{n:05}")),
        _ => None,
    }
}

/// Polygon or multipolygon coordinates → valid multipolygon, exteriors
/// counter-clockwise. `note` receives each repair made.
fn read_geometry(
    geometry: &RawGeometry,
    note: &mut dyn FnMut(String),
) -> Result<MultiPolygon<f64>, String> {
    let polygons: Vec<&Value> = match geometry.kind.as_str() {
        "Polygon" => vec![&geometry.coordinates],
        "MultiPolygon" => as_array(&geometry.coordinates, "MultiPolygon coordinates")?
            .iter()
            .collect(),
        other => {
            return Err(format!(
                "geometry type {other} is not Polygon or MultiPolygon"
            ))
        }
    };
    if polygons.is_empty() {
        return Err("geometry has no polygons (empty)".to_owned());
    }
    let mut out = Vec::new();
    for (p, polygon) in polygons.iter().enumerate() {
        let rings = as_array(polygon, "polygon")?;
        let mut rings = rings
            .iter()
            .enumerate()
            .map(|(r, ring)| read_ring(ring, p, r, note));
        let exterior = rings
            .next()
            .ok_or_else(|| format!("polygon {p} has no rings (empty)"))??;
        let interiors = rings.collect::<Result<Vec<_>, _>>()?;
        let polygon = Polygon::new(exterior, interiors);
        if let Some(error) = polygon.validation_errors().into_iter().next() {
            let repaired = make_valid(&polygon);
            if repaired.0.is_empty() || !repaired.is_valid() {
                return Err(format!(
                    "polygon {p}: {error}, and it could not be repaired"
                ));
            }
            note(format!(
                "polygon {p}: {error}; repaired into {} polygon(s)",
                repaired.0.len()
            ));
            out.extend(repaired.0);
        } else {
            out.push(polygon.orient(Direction::Default));
        }
    }
    Ok(MultiPolygon::new(out))
}

fn as_array<'a>(value: &'a Value, what: &str) -> Result<&'a Vec<Value>, String> {
    value
        .as_array()
        .ok_or_else(|| format!("{what} is not an array"))
}

/// One ring: positions of two or more numbers (longitude, latitude degrees;
/// a third, altitude, is ignored), closed if it was not.
fn read_ring(
    ring: &Value,
    p: usize,
    r: usize,
    note: &mut dyn FnMut(String),
) -> Result<LineString<f64>, String> {
    let positions = as_array(ring, "ring")?;
    let mut coords = Vec::with_capacity(positions.len() + 1);
    for (i, position) in positions.iter().enumerate() {
        let numbers = position
            .as_array()
            .map(|a| a.iter().map(Value::as_f64).collect::<Vec<_>>());
        let (Some(x), Some(y)) = (
            numbers.as_ref().and_then(|n| n.first().copied().flatten()),
            numbers.as_ref().and_then(|n| n.get(1).copied().flatten()),
        ) else {
            return Err(format!(
                "polygon {p} ring {r} position {i} is not [longitude, latitude]"
            ));
        };
        if !(-180.0..=180.0).contains(&x) || !(-90.0..=90.0).contains(&y) {
            return Err(format!(
                "polygon {p} ring {r} position {i} ({x}, {y}) is not longitude/latitude degrees; \
                 N03 GeoJSON must be in JGD2011 / WGS 84 degrees, not a projected system"
            ));
        }
        coords.push(Coord { x, y });
    }
    if coords.is_empty() {
        return Err(format!("polygon {p} ring {r} is empty"));
    }
    if coords.first() != coords.last() {
        coords.push(coords[0]);
        note(format!("polygon {p} ring {r} was not closed; closed it"));
    }
    if coords.len() < 4 {
        return Err(format!(
            "polygon {p} ring {r} has fewer than 3 distinct positions"
        ));
    }
    Ok(LineString::new(coords))
}

#[cfg(test)]
mod tests;
