//! The authored demo directory (`data/demo_directory.toml`): the organisations
//! of the Chigasaki model, loaded by `renkei serve` into an empty database.

use crate::draft::{FacilityDraft, ServiceDraft};
use crate::{IngestError, IngestResult};
use chrono::Utc;
use renkei_core::{Facility, KindCode, LonLat, MunicipalityCode};
use renkei_store::SourceInfo;
use serde::Deserialize;

const DEMO_FILE: &str = "data/demo_directory.toml";
const DEMO_TEXT: &str = include_str!("../../../data/demo_directory.toml");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoFile {
    source: DemoSource,
    facilities: Vec<DemoFacility>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoSource {
    key: String,
    name: String,
    publisher: String,
    licence: String,
    attribution: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoFacility {
    record_id: String,
    kind: String,
    name: String,
    name_kana: Option<String>,
    organization: String,
    address: String,
    municipality: String,
    lon: f64,
    lat: f64,
    url: Option<String>,
    #[serde(default)]
    phones: Vec<DemoPhone>,
    services: Vec<DemoService>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoPhone {
    number: String,
    label: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoService {
    key: String,
    name: String,
}

/// The demo directory compiled into the binary: its source and its facilities,
/// each marked `demo` in its provenance, with care capabilities left unknown.
pub fn demo_directory() -> IngestResult<(SourceInfo, Vec<Facility>)> {
    parse_demo(DEMO_FILE, DEMO_TEXT)
}

fn parse_demo(file: &str, text: &str) -> IngestResult<(SourceInfo, Vec<Facility>)> {
    let parsed: DemoFile = toml::from_str(text).map_err(|e| IngestError::Format {
        file: file.to_owned(),
        reason: e.to_string(),
    })?;
    let source = SourceInfo {
        key: parsed.source.key,
        name: parsed.source.name,
        publisher: parsed.source.publisher,
        licence: parsed.source.licence,
        attribution: parsed.source.attribution,
        url: None,
        demo: true,
    };
    let imported_at = Utc::now();
    let facilities = parsed
        .facilities
        .into_iter()
        .map(|raw| {
            let field_error = |field: &str, value: String, reason: String| IngestError::Field {
                file: file.to_owned(),
                record: raw.record_id.clone(),
                field: field.to_owned(),
                value,
                reason,
            };
            let kind = KindCode::new(&raw.kind)
                .map_err(|e| field_error("kind", raw.kind.clone(), e.to_string()))?;
            let position = LonLat::new(raw.lon, raw.lat).map_err(|e| {
                field_error("lon/lat", format!("{},{}", raw.lon, raw.lat), e.to_string())
            })?;
            let municipality = MunicipalityCode::new(raw.municipality.clone()).map_err(|e| {
                field_error("municipality", raw.municipality.clone(), e.to_string())
            })?;
            Ok(FacilityDraft {
                source_line: 0,
                record_id: raw.record_id,
                kind,
                name: raw.name,
                name_kana: raw.name_kana,
                organization: Some(raw.organization),
                organization_url: None,
                address: raw.address,
                postal_code: None,
                municipality: Some(municipality),
                position: Some(position),
                phones: raw
                    .phones
                    .into_iter()
                    .map(|p| (p.number, p.label))
                    .collect(),
                url: raw.url,
                services: raw
                    .services
                    .into_iter()
                    .map(|s| ServiceDraft {
                        key: s.key,
                        name: s.name,
                        service_type: None,
                        respite_beds: None,
                        schedules: Vec::new(),
                    })
                    .collect(),
            }
            .into_facility(&source, imported_at))
        })
        .collect::<IngestResult<Vec<_>>>()?;
    Ok((source, facilities))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_directory_names_the_chigasaki_model_organisations() {
        let (source, facilities) = demo_directory().unwrap();
        assert!(source.demo);
        let names: Vec<&str> = facilities.iter().map(|f| f.name.as_str()).collect();
        for expected in [
            "茅ヶ崎市立病院",
            "茅ヶ崎医師会",
            "神奈川県立こども医療センター",
            "神奈川県立総合療育相談センター",
        ] {
            assert!(
                names.contains(&expected),
                "{expected} missing from {names:?}"
            );
        }
        assert!(facilities.iter().all(|f| f.provenance.demo));
        // No source states care capabilities for these organisations: all unknown.
        assert!(facilities
            .iter()
            .flat_map(|f| &f.services)
            .all(|s| s.capabilities.is_empty()));
        let ids: std::collections::HashSet<_> = facilities.iter().map(|f| f.id).collect();
        assert_eq!(ids.len(), facilities.len(), "record ids must be unique");
    }

    #[test]
    fn bad_records_name_the_field() {
        let text = DEMO_TEXT.replacen("lat = 35.3399", "lat = 135.3399", 1);
        let err = parse_demo("demo.toml", &text).unwrap_err().to_string();
        assert!(
            err.contains("chigasaki-municipal-hospital") && err.contains("lon/lat"),
            "{err}"
        );
        let text = DEMO_TEXT.replacen("kind = \"core_hospital\"", "kind = \"castle\"", 1);
        assert!(parse_demo("demo.toml", &text)
            .unwrap_err()
            .to_string()
            .contains("castle"));
    }
}
