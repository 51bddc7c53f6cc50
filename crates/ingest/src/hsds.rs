//! Open Referral HSDS 3.0 (Human Services Data Specification): renkei's
//! directory as HSDS objects ([`write`]) and back ([`read`]), in the two
//! exchange forms — a JSON array of fully nested services (HSDS
//! `service_package`) and the Tabular Data Package ([`tabular`]:
//! `datapackage.json` plus one CSV per table) — with renkei's taxonomies
//! ([`vocabulary`]). HSDS 3.1's `service_capacity` carries respite beds.

pub mod model;
pub mod read;
pub mod tabular;
pub mod vocabulary;
pub mod write;

use crate::import::ParsedFile;
use crate::{IngestError, IngestResult};
use chrono::{DateTime, Utc};
use model::Service;
use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

/// File name of the package descriptor.
pub const DATAPACKAGE: &str = "datapackage.json";

/// Parses an HSDS exchange file into one [`ParsedFile`] per source: a JSON
/// array of services, a `datapackage.json` (its CSV tables are read from the
/// folder it is in) or a zip of the package.
pub fn parse(
    file: &str,
    bytes: &[u8],
    imported_at: DateTime<Utc>,
) -> IngestResult<Vec<ParsedFile>> {
    let services = services(file, bytes)?;
    Ok(read::facilities(file, &services, imported_at))
}

/// The full service objects of an exchange file (see [`parse`]).
pub fn services(file: &str, bytes: &[u8]) -> IngestResult<Vec<Service>> {
    let bad = |reason: String| IngestError::Format {
        file: file.to_owned(),
        reason,
    };
    if crate::text::is_zip(bytes) {
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
            .map_err(|e| bad(format!("not a readable zip: {e}")))?;
        let mut members: HashMap<String, Vec<u8>> = HashMap::new();
        for i in 0..archive.len() {
            let mut member = archive.by_index(i).map_err(|e| bad(e.to_string()))?;
            let name = member
                .name()
                .rsplit('/')
                .next()
                .unwrap_or_default()
                .to_owned();
            let mut content = Vec::new();
            member
                .read_to_end(&mut content)
                .map_err(|e| bad(format!("{name}: {e}")))?;
            members.insert(name, content);
        }
        return read_tables(file, |path| {
            members
                .remove(path)
                .ok_or_else(|| bad(format!("the package has no {path}")))
        });
    }
    let text = std::str::from_utf8(bytes).map_err(|e| bad(format!("not UTF-8: {e}")))?;
    let text = text.trim_start_matches('\u{feff}').trim_start();
    if text.starts_with('[') {
        return serde_json::from_str(text)
            .map_err(|e| bad(format!("not an array of HSDS services: {e}")));
    }
    let descriptor: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        bad(format!(
            "neither an HSDS service array nor a datapackage.json: {e}"
        ))
    })?;
    if descriptor.get("resources").is_none() {
        return Err(bad(
            "a JSON object without `resources` is not a datapackage.json".to_owned(),
        ));
    }
    let folder = Path::new(file).parent().unwrap_or(Path::new("."));
    read_tables(file, |path| {
        let at = folder.join(path);
        std::fs::read(&at).map_err(|source| IngestError::Io {
            file: at.display().to_string(),
            source,
        })
    })
}

/// Reads every table renkei writes through `open`; a missing optional
/// table (HSDS 3.1's) counts as empty.
fn read_tables(
    file: &str,
    mut open: impl FnMut(&str) -> IngestResult<Vec<u8>>,
) -> IngestResult<Vec<Service>> {
    let mut tables = tabular::Tables::new();
    for spec in &tabular::TABLES {
        let required = matches!(spec.name, "service" | "service_at_location" | "location");
        let bytes = match open(spec.path) {
            Ok(bytes) => bytes,
            Err(_) if !required => continue,
            Err(error) => return Err(error),
        };
        let rows = tabular::read_table(spec, &bytes).map_err(|error| match error {
            IngestError::Format {
                file: table,
                reason,
            } => IngestError::Format {
                file: format!("{file}!{table}"),
                reason,
            },
            other => other,
        })?;
        tables.insert(spec.name, rows);
    }
    tabular::assemble(tables)
}

#[cfg(test)]
mod tests {
    use super::write::{self, NoPlaces, View};
    use super::*;
    use chrono::{NaiveDate, TimeZone};
    use renkei_core::fixtures::{fictional_facility, fictional_service};
    use renkei_core::{
        Answer, Facility, LonLat, MunicipalityCode, Phone, PublicFacility, Schedule,
        ServiceTypeCode, Verification, Visibility,
    };

    /// A fictional short-stay home with everything HSDS carries: a verified
    /// capability, respite beds, hours, ages, a public and a staff-only
    /// phone and staff notes (which must not travel).
    fn fictional() -> Facility {
        let position = LonLat::new(139.40, 35.33).unwrap();
        let mut facility = fictional_facility(
            "hsds-1",
            "welfare_provider",
            "架空短期入所ひまわり",
            Some(position),
        );
        facility.name_kana = Some("カクウタンキニュウショヒマワリ".into());
        facility.location.postal_code = Some("2530000".into());
        facility.location.stated_municipality = Some(MunicipalityCode::new("14207").unwrap());
        facility.url = Some("https://example.invalid/himawari".into());
        // As some sources write it: not a URI, so it travels as an attribute.
        facility.organization.url = Some("http//example.invalid/架空".into());
        facility.staff_note = Some("職員のみ: 裏口から".into());
        facility.phones = vec![
            Phone {
                number: "0467-00-0001".into(),
                label: Some("代表".into()),
                visibility: Visibility::Public,
            },
            Phone {
                number: "090-0000-0002".into(),
                label: Some("直通".into()),
                visibility: Visibility::StaffOnly,
            },
        ];
        let verified = Verification {
            on: NaiveDate::from_ymd_opt(2025, 3, 1).unwrap(),
            by_organization: "架空保健福祉事務所".into(),
        };
        let mut service =
            fictional_service(&[("ventilator", Answer::Yes), ("tube_feeding", Answer::No)]);
        service.service_type = Some(ServiceTypeCode::new("short_stay").unwrap());
        service.ages.min_years = Some(0);
        service.ages.max_years = Some(18);
        service.accepting_new_clients = Answer::Yes;
        service.verified = Some(verified.clone());
        service.respite_beds = Some(4);
        service.capabilities[0].verified = Some(verified);
        service.capabilities[0].staff_note = Some("職員のみ: 夜間は要相談".into());
        service.schedules = vec![Schedule {
            weekdays: vec!["MO".into(), "TU".into()],
            opens_at: Some("09:00".into()),
            closes_at: Some("17:00".into()),
            description: Some("祝日を除く".into()),
        }];
        facility.services = vec![service];
        facility.provenance.imported_at =
            chrono::Utc.with_ymd_and_hms(2025, 4, 1, 0, 0, 0).unwrap();
        facility
    }

    fn services_of(facility: &PublicFacility) -> Vec<model::Service> {
        (0..facility.services.len())
            .map(|i| write::service(facility, i, View::Full, &NoPlaces))
            .collect()
    }

    /// What an HSDS round trip must give back: the public facility.
    fn expected() -> Facility {
        PublicFacility::new(fictional()).unwrap().into_facility()
    }

    fn only_facility(parsed: Vec<ParsedFile>) -> Facility {
        assert_eq!(parsed.len(), 1, "one source");
        assert!(parsed[0].rejected.is_empty(), "{:?}", parsed[0].rejected);
        assert_eq!(parsed[0].source.key, "test");
        let mut facilities = parsed.into_iter().next().unwrap().facilities;
        assert_eq!(facilities.len(), 1);
        facilities.remove(0)
    }

    #[test]
    fn issue_20_json_round_trip_keeps_every_public_field_and_no_staff_field() {
        let public = PublicFacility::new(fictional()).unwrap();
        let json = serde_json::to_vec(&services_of(&public)).unwrap();
        let text = String::from_utf8(json.clone()).unwrap();
        assert!(
            !text.contains("職員のみ") && !text.contains("090-0000-0002"),
            "{text}"
        );
        let at = chrono::Utc.with_ymd_and_hms(2025, 4, 1, 0, 0, 0).unwrap();
        let back = only_facility(parse("x.json", &json, at).unwrap());
        assert_eq!(back, expected());
    }

    #[test]
    fn issue_20_tabular_round_trip_keeps_every_public_field() {
        let public = PublicFacility::new(fictional()).unwrap();
        let taxonomies: Vec<_> = vocabulary::VOCABULARIES
            .iter()
            .map(|v| v.taxonomy())
            .collect();
        let tables = tabular::tables(&services_of(&public), &taxonomies, vocabulary::all_terms());
        let dir = tempfile::tempdir().unwrap();
        for spec in &tabular::TABLES {
            let bytes = tabular::csv_text(spec, &tables[spec.name]).unwrap();
            std::fs::write(dir.path().join(spec.path), bytes).unwrap();
        }
        let descriptor = tabular::datapackage("架空", &[]);
        let path = dir.path().join(DATAPACKAGE);
        std::fs::write(&path, serde_json::to_vec(&descriptor).unwrap()).unwrap();
        let at = chrono::Utc.with_ymd_and_hms(2025, 4, 1, 0, 0, 0).unwrap();
        let file = path.display().to_string();
        let back = only_facility(parse(&file, &std::fs::read(&path).unwrap(), at).unwrap());
        assert_eq!(back, expected());
        assert_eq!(tables["service_capacity"].len(), 1);
        assert_eq!(tables["service_at_location"].len(), 1);
    }
}
