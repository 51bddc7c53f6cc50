//! HSDS 3.0 services (the exchange file's full service objects) back into
//! renkei's facilities: the inverse of [`super::write`]. A file may hold
//! records of several sources; each source's records become one
//! [`ParsedFile`] (named `FILE!SOURCE`, as a zip's members are), keyed (and so identified) by the source and the record
//! id the location carries (`external_identifier_type`,
//! `external_identifier`), as they were where the file was made.
//!
//! What renkei derives is not read back: the municipality and 二次医療圏 are
//! placed again from the position, and a position the exporter had
//! estimated from the address (`geocoded`) is estimated again by the
//! importer's geocoder. Accreditations come only from the 地方厚生局's
//! lists (`renkei import shisetsu-kijun`), never from a facility import.

use super::model::{Attribute, Location, Service};
use super::vocabulary::{lookup, Vocabulary};
use crate::import::ParsedFile;
use crate::table::RowError;
use crate::text::SourceEncoding;
use chrono::{DateTime, NaiveDate, Utc};
use renkei_core::{
    AgeRange, Answer, CapabilityCode, CapabilityFact, Facility, FacilityId, FacilityStatus,
    KindCode, LonLat, MunicipalityCode, Organization, Phone, Provenance, Schedule,
    Service as RenkeiService, ServiceTypeCode, Verification, Visibility,
};
use renkei_store::SourceInfo;
use std::collections::BTreeMap;

/// Publisher recorded for sources first seen in an HSDS file.
pub const HSDS_PUBLISHER: &str = "Open Referral HSDS exchange file";

/// The source a file's rejected records are reported under when none of
/// its records could be read.
pub fn hsds_source() -> SourceInfo {
    SourceInfo {
        key: "hsds".to_owned(),
        name: "hsds".to_owned(),
        publisher: HSDS_PUBLISHER.to_owned(),
        licence: String::new(),
        attribution: String::new(),
        url: None,
        demo: false,
    }
}

/// One location's services as the file gives them, with the record number
/// of its first service (1-based) for error reports.
struct Grouped<'a> {
    record: u64,
    location: &'a Location,
    services: Vec<&'a Service>,
}

/// The facilities of `services` grouped by source, with the records that
/// cannot be read rejected alone (file `file`, `line` = record number).
pub fn facilities(file: &str, services: &[Service], imported_at: DateTime<Utc>) -> Vec<ParsedFile> {
    let mut groups: Vec<Grouped<'_>> = Vec::new();
    let mut by_location: BTreeMap<&str, usize> = BTreeMap::new();
    let mut rejected = Vec::new();
    for (i, service) in services.iter().enumerate() {
        let record = i as u64 + 1;
        let Some(location) = service
            .service_at_locations
            .first()
            .and_then(|sal| sal.location.as_deref())
        else {
            rejected.push(row_error(
                file,
                record,
                "service_at_locations",
                &service.id,
                "a renkei service is offered at one location; this one names none",
            ));
            continue;
        };
        if let Some(&at) = by_location.get(location.id.as_str()) {
            groups[at].services.push(service);
        } else {
            by_location.insert(&location.id, groups.len());
            groups.push(Grouped {
                record,
                location,
                services: vec![service],
            });
        }
    }
    let mut files: BTreeMap<String, ParsedFile> = BTreeMap::new();
    let rows_read = services.len();
    for group in groups {
        match facility(file, &group, imported_at) {
            Ok((source, facility)) => {
                files
                    .entry(source.key.clone())
                    .or_insert_with(|| ParsedFile {
                        file: format!("{file}!{}", source.key),
                        encoding: SourceEncoding::Utf8,
                        source,
                        facilities: Vec::new(),
                        rejected: Vec::new(),
                        rejected_ids: Vec::new(),
                        rows_read: 0,
                    })
                    .facilities
                    .push(facility);
            }
            Err(error) => rejected.push(error),
        }
    }
    let mut files: Vec<ParsedFile> = files.into_values().collect();
    for parsed in &mut files {
        parsed.rows_read = parsed
            .facilities
            .iter()
            .map(|f| f.services.len().max(1))
            .sum();
    }
    // Rejections are reported once, with the first source's part (or alone).
    if !rejected.is_empty() || files.is_empty() {
        let attached = files.first_mut();
        match attached {
            Some(first) => {
                first.rows_read += rejected.len();
                first.rejected = rejected;
            }
            None => files.push(ParsedFile {
                file: file.to_owned(),
                encoding: SourceEncoding::Utf8,
                source: hsds_source(),
                facilities: Vec::new(),
                rows_read: rows_read.max(rejected.len()),
                rejected,
                rejected_ids: Vec::new(),
            }),
        }
    }
    files
}

fn row_error(file: &str, record: u64, field: &str, value: &str, reason: &str) -> RowError {
    RowError {
        file: file.to_owned(),
        line: record,
        field: field.to_owned(),
        value: value.to_owned(),
        reason: reason.to_owned(),
    }
}

/// The codes and values of `attributes` in `vocabulary`.
fn values(
    attributes: &[Attribute],
    vocabulary: Vocabulary,
) -> impl Iterator<Item = (&'static str, &Attribute)> + '_ {
    attributes.iter().filter_map(move |a| {
        let (found, code) = lookup(a.taxonomy_term_id.as_deref()?)?;
        (found == vocabulary).then_some((code, a))
    })
}

/// The value of record field `code` among `attributes`.
fn record<'a>(attributes: &'a [Attribute], code: &str) -> Option<&'a str> {
    values(attributes, Vocabulary::Record)
        .find(|(c, _)| *c == code)
        .and_then(|(_, a)| a.value.as_deref())
}

/// The verification a metadata list states for `field`, if any.
fn verified(metadata: &[super::model::Metadata], field: &str) -> Option<Verification> {
    metadata
        .iter()
        .find(|m| m.last_action_type == "verified" && m.field_name == field)
        .and_then(|m| {
            Some(Verification {
                on: NaiveDate::parse_from_str(&m.last_action_date, "%Y-%m-%d").ok()?,
                by_organization: m.updated_by.clone(),
            })
        })
}

/// The place of `location` as its source gave it: the position unless it
/// was estimated (`geocoded`), which the importer estimates again, and the
/// stated municipality; the placement (municipality, 二次医療圏) is derived again.
fn place(
    location: &Location,
    bad: &dyn Fn(&str, &str, &str) -> RowError,
) -> Result<renkei_core::Location, RowError> {
    let attributes = &location.attributes;
    let position = match (location.longitude, location.latitude) {
        (Some(lon), Some(lat)) if record(attributes, "geocoded").is_none() => Some(
            LonLat::new(lon, lat)
                .map_err(|e| bad("location.latitude", &format!("{lat},{lon}"), &e.to_string()))?,
        ),
        _ => None,
    };
    let address = location.addresses.first();
    let stated_municipality = record(attributes, "stated_municipality")
        .map(|code| {
            MunicipalityCode::new(code)
                .map_err(|e| bad("stated_municipality", code, &e.to_string()))
        })
        .transpose()?;
    Ok(renkei_core::Location {
        address: address.map(|a| a.address_1.clone()).unwrap_or_default(),
        postal_code: address
            .map(|a| a.postal_code.replace('-', ""))
            .filter(|code| !code.is_empty()),
        position,
        stated_municipality,
        municipality: None,
        region: None,
        geocoded: None,
    })
}

fn facility(
    file: &str,
    group: &Grouped<'_>,
    imported_at: DateTime<Utc>,
) -> Result<(SourceInfo, Facility), RowError> {
    let location = group.location;
    let bad = |field: &str, value: &str, reason: &str| {
        row_error(file, group.record, field, value, reason)
    };
    let attributes = &location.attributes;
    let source_key = record(attributes, "source")
        .or(location.external_identifier_type.as_deref())
        .filter(|s| !s.is_empty())
        .ok_or_else(|| bad("location.external_identifier_type", "", "the source of the record is needed (renkei's `source` attribute or external_identifier_type)"))?;
    let record_id = location
        .external_identifier
        .as_deref()
        .filter(|s| !s.is_empty())
        .unwrap_or(&location.id);
    let first = group.services[0];
    let kind = values(&first.attributes, Vocabulary::Kind)
        .map(|(code, _)| code)
        .next()
        .ok_or_else(|| {
            bad(
                "attributes",
                &first.id,
                "no renkei_facility_kind attribute names the kind of place",
            )
        })?;
    let kind = KindCode::new(kind).map_err(|e| bad("attributes", kind, &e.to_string()))?;
    let place = place(location, &bad)?;
    let demo = record(attributes, "demo") == Some("true");
    let source = SourceInfo {
        key: source_key.to_owned(),
        name: source_key.to_owned(),
        publisher: HSDS_PUBLISHER.to_owned(),
        licence: record(attributes, "licence").unwrap_or_default().to_owned(),
        attribution: record(attributes, "attribution")
            .unwrap_or_default()
            .to_owned(),
        url: None,
        demo,
    };
    let services = group
        .services
        .iter()
        .map(|s| service(s, &bad))
        .collect::<Result<Vec<_>, _>>()?;
    let status = match first.status.as_str() {
        "defunct" | "inactive" | "temporarily closed" => FacilityStatus::Closed,
        _ => FacilityStatus::Active,
    };
    let facility = Facility {
        id: FacilityId::from_source(source_key, record_id),
        kind,
        name: location.name.clone().unwrap_or_else(|| first.name.clone()),
        name_kana: location.alternate_name.clone(),
        organization: Organization {
            name: first.organization.as_ref().map_or_else(
                || location.name.clone().unwrap_or_default(),
                |o| o.name.clone(),
            ),
            url: first
                .organization
                .as_ref()
                .and_then(|o| o.website.clone())
                .or_else(|| record(&first.attributes, "stated_website").map(str::to_owned)),
        },
        location: place,
        phones: location
            .phones
            .iter()
            .map(|p| Phone {
                number: p.number.clone(),
                label: p.description.clone(),
                visibility: Visibility::Public,
            })
            .collect(),
        url: first
            .url
            .clone()
            .or_else(|| record(&first.attributes, "stated_url").map(str::to_owned)),
        services,
        status,
        closed_on: record(attributes, "closed_on")
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()),
        staff_note: None,
        visibility: Visibility::Public,
        accreditations: Vec::new(),
        provenance: Provenance {
            source: source.key.clone(),
            source_record_id: record_id.to_owned(),
            imported_at,
            licence: source.licence.clone(),
            attribution: source.attribution.clone(),
            demo,
        },
    };
    Ok((source, facility))
}

fn service(
    service: &Service,
    bad: &dyn Fn(&str, &str, &str) -> RowError,
) -> Result<RenkeiService, RowError> {
    let age = |value: Option<u32>, field: &str| {
        value
            .map(|v| {
                u8::try_from(v)
                    .map_err(|_| bad(field, &v.to_string(), "an age in whole years up to 255"))
            })
            .transpose()
    };
    let answer = |text: Option<&str>, field: &str| match text {
        None => Ok(Answer::Unknown),
        Some(text) => {
            Answer::parse(text).ok_or_else(|| bad(field, text, "give yes, no or unknown"))
        }
    };
    let service_type = values(&service.attributes, Vocabulary::ServiceType)
        .map(|(code, _)| {
            ServiceTypeCode::new(code).map_err(|e| bad("attributes", code, &e.to_string()))
        })
        .next()
        .transpose()?;
    let mut capabilities = Vec::new();
    for (code, attribute) in values(&service.attributes, Vocabulary::Capability) {
        let answer = answer(attribute.value.as_deref(), code)?;
        let verified = verified(&attribute.metadata, code);
        // An unknown answer nobody confirmed is what an unstated one means.
        if answer == Answer::Unknown && verified.is_none() {
            continue;
        }
        capabilities.push(CapabilityFact {
            capability: CapabilityCode::new(code)
                .map_err(|e| bad("attributes", code, &e.to_string()))?,
            answer,
            verified,
            staff_note: None,
        });
    }
    let time = |text: &Option<String>| {
        text.as_ref()
            .map(|t| t.split(['+', 'Z']).next().unwrap_or(t).trim().to_owned())
    };
    Ok(RenkeiService {
        key: record(&service.attributes, "service_key")
            .unwrap_or(&service.id)
            .to_owned(),
        name: service.name.clone(),
        service_type,
        ages: AgeRange {
            min_years: age(service.minimum_age, "minimum_age")?,
            max_years: age(service.maximum_age, "maximum_age")?,
        },
        accepting_new_clients: answer(
            record(&service.attributes, "accepting_new_clients"),
            "accepting_new_clients",
        )?,
        respite_beds: service
            .capacities
            .iter()
            .find_map(|c| c.maximum.or(Some(c.available)))
            .map(|beds| beds_of(beds, bad))
            .transpose()?,
        verified: verified(&service.metadata, "accepting_new_clients"),
        capabilities,
        schedules: service
            .schedules
            .iter()
            .map(|s| Schedule {
                weekdays: s
                    .byday
                    .as_deref()
                    .map(|days| days.split(',').map(|d| d.trim().to_owned()).collect())
                    .unwrap_or_default(),
                opens_at: time(&s.opens_at),
                closes_at: time(&s.closes_at),
                description: s.description.clone(),
            })
            .collect(),
    })
}

/// A bed count written as an HSDS number: a whole number of beds.
fn beds_of(beds: f64, bad: &dyn Fn(&str, &str, &str) -> RowError) -> Result<u32, RowError> {
    if beds.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&beds) {
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "a whole number in the range of u32, checked above"
        )]
        return Ok(beds as u32);
    }
    Err(bad(
        "service_capacity.maximum",
        &beds.to_string(),
        "a whole number of beds",
    ))
}
