//! renkei's directory as HSDS 3.0 objects. Every object is made from a
//! [`PublicFacility`], so nothing staff-only (notes, staff-only phones,
//! staff-only records) can reach an HSDS response or exchange file.
//!
//! One facility is one HSDS `location` with its own `organization`; each of
//! its services is one `service` offered there through one
//! `service_at_location`. Care capabilities, the kind, the welfare service
//! type, accepting new clients and the record fields HSDS has no column for
//! are `attribute`s of renkei's taxonomies ([`super::vocabulary`]); a fact a
//! desk confirmed carries a `metadata` entry naming the organisation that
//! confirmed it (never a person) and the date; respite beds are an HSDS 3.1
//! `service_capacity`; the 二次医療圏 of the location is the `service_area`.

use super::model::{
    Address, Attribute, Location, Metadata, Organization, Phone, Schedule, Service, ServiceArea,
    ServiceAtLocation, ServiceCapacity, Unit,
};
use super::vocabulary::Vocabulary;
use renkei_core::facility::derived_id;
use renkei_core::{
    Answer, FacilityStatus, MunicipalityCode, PublicFacility, RegionCode, Taxonomy, Verification,
};
use uuid::Uuid;

/// Names and outlines of the places a facility is in, from the regions loaded.
pub trait Places {
    /// (prefecture name, municipality name) of a municipality or ward.
    fn municipality_names(&self, code: &MunicipalityCode) -> Option<(String, String)>;
    /// A 二次医療圏's name and, when its boundary is loaded, its outline as
    /// GeoJSON text (lon/lat WGS 84).
    fn region_area(&self, code: &RegionCode) -> Option<RegionArea>;
}

/// A 二次医療圏 as a service area.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionArea {
    /// Japanese name.
    pub name_ja: String,
    /// English name, when the region table gives one.
    pub name_en: Option<String>,
    /// GeoJSON MultiPolygon text, simplified; `None` without boundaries.
    pub extent: Option<String>,
}

/// No region names or outlines (tests, and facilities read without regions).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoPlaces;

impl Places for NoPlaces {
    fn municipality_names(&self, _: &MunicipalityCode) -> Option<(String, String)> {
        None
    }
    fn region_area(&self, _: &RegionCode) -> Option<RegionArea> {
        None
    }
}

/// Ids of the HSDS objects of one facility: UUID v5 of the facility id (and
/// the service key), so they are stable across runs and databases.
#[derive(Debug, Clone, Copy)]
pub struct Ids;

impl Ids {
    /// The organisation of facility `location` (one per facility).
    pub fn organization(location: Uuid) -> Uuid {
        derived_id("hsds_organization", &location.to_string(), "")
    }
    /// Service `key` of facility `location`.
    pub fn service(location: Uuid, key: &str) -> Uuid {
        derived_id("hsds_service", &location.to_string(), key)
    }
    /// The service_at_location of service `key` at facility `location`.
    pub fn service_at_location(location: Uuid, key: &str) -> Uuid {
        derived_id("hsds_service_at_location", &location.to_string(), key)
    }
    fn child(kind: &str, parent: Uuid, key: &str) -> Uuid {
        derived_id(kind, &parent.to_string(), key)
    }
}

/// The HSDS status of a facility: `active`, or `defunct` once closed.
pub fn status(status: FacilityStatus) -> &'static str {
    match status {
        FacilityStatus::Active => "active",
        FacilityStatus::Closed => "defunct",
    }
}

/// How much of each object a view shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// One-to-one fields only (HSDS `*_list` views).
    Brief,
    /// Everything, nested (HSDS compiled views and the exchange file).
    Full,
}

/// The organisation of `facility`; `Full` lists its services (brief).
pub fn organization(facility: &PublicFacility, view: View) -> Organization {
    let location = facility.id.0;
    Organization {
        id: Ids::organization(location).to_string(),
        name: facility.organization.name.clone(),
        description: format!("{} を運営 / Runs {}", facility.name, facility.name),
        website: facility.organization.url.clone().filter(|url| is_uri(url)),
        services: match view {
            View::Brief => Vec::new(),
            View::Full => (0..facility.services.len())
                .map(|i| service(facility, i, View::Brief, &NoPlaces))
                .collect(),
        },
    }
}

/// Service `index` of `facility`. `Full` nests the organisation, the
/// service_at_location with its location, the attributes with their terms,
/// the capacities, the verification metadata and the service area.
pub fn service(
    facility: &PublicFacility,
    index: usize,
    view: View,
    places: &dyn Places,
) -> Service {
    let location = facility.id.0;
    let item = &facility.services[index];
    let id = Ids::service(location, &item.key);
    let kind = facility.kind.term();
    let description = match &item.service_type {
        Some(service_type) => {
            let term = service_type.term();
            format!("{}（{}） / {} ({})", kind.ja, term.ja, kind.en, term.en)
        }
        None => format!("{} / {}", kind.ja, kind.en),
    };
    let ages = &item.ages;
    let eligibility = match (ages.min_years, ages.max_years) {
        (None, None) => None,
        (min, max) => Some(format!(
            "{}〜{}歳 / ages {} to {}",
            min.map_or(String::new(), |a| a.to_string()),
            max.map_or(String::new(), |a| a.to_string()),
            min.map_or("any".to_owned(), |a| a.to_string()),
            max.map_or("any".to_owned(), |a| a.to_string()),
        )),
    };
    let accreditations = (!facility.accreditations.is_empty()).then(|| {
        facility
            .accreditations
            .iter()
            .map(|a| format!("{} ({})", a.code.term().ja, a.code))
            .collect::<Vec<_>>()
            .join(", ")
    });
    let mut service = Service {
        id: id.to_string(),
        organization_id: Some(Ids::organization(location).to_string()),
        name: item.name.clone(),
        description: Some(description),
        url: facility.url.clone().filter(|url| is_uri(url)),
        status: status(facility.status).to_owned(),
        eligibility_description: eligibility,
        minimum_age: ages.min_years.map(u32::from),
        maximum_age: ages.max_years.map(u32::from),
        accreditations,
        assured_date: item.verified.as_ref().map(|v| v.on.to_string()),
        last_modified: Some(facility.provenance.imported_at.to_rfc3339()),
        schedules: Vec::new(),
        service_areas: Vec::new(),
        service_at_locations: Vec::new(),
        organization: None,
        attributes: Vec::new(),
        capacities: Vec::new(),
        metadata: Vec::new(),
    };
    if view == View::Brief {
        service.organization = Some(Box::new(organization(facility, View::Brief)));
        return service;
    }
    service.organization = Some(Box::new(organization(facility, View::Brief)));
    service.schedules = item
        .schedules
        .iter()
        .enumerate()
        .map(|(i, s)| Schedule {
            id: Ids::child("hsds_schedule", id, &i.to_string()).to_string(),
            service_id: Some(id.to_string()),
            freq: Some("WEEKLY".to_owned()),
            byday: (!s.weekdays.is_empty()).then(|| s.weekdays.join(",")),
            opens_at: s.opens_at.as_ref().map(|t| format!("{t}+09:00")),
            closes_at: s.closes_at.as_ref().map(|t| format!("{t}+09:00")),
            timezone: Some(9.0),
            description: s.description.clone(),
        })
        .collect();
    service.service_areas = service_area(facility, id, places).into_iter().collect();
    service.service_at_locations = vec![service_at_location(facility, index, View::Full, places)];
    service.attributes = service_attributes(facility, index, id);
    service.capacities = respite_capacity(facility, index, id).into_iter().collect();
    service.metadata = item
        .verified
        .iter()
        .map(|v| {
            verification(
                id,
                "service",
                "accepting_new_clients",
                item.accepting_new_clients.as_str(),
                v,
            )
        })
        .collect();
    service
}

/// The 二次医療圏 of the facility's location as the service's area, with its
/// outline when the regions have one.
fn service_area(facility: &PublicFacility, id: Uuid, places: &dyn Places) -> Option<ServiceArea> {
    let code = facility.location.region.as_ref()?;
    let area = places.region_area(code)?;
    Some(ServiceArea {
        id: Ids::child("hsds_service_area", id, code.as_str()).to_string(),
        service_id: Some(id.to_string()),
        description: Some(format!(
            "二次医療圏 {} (secondary medical region{})",
            area.name_ja,
            area.name_en
                .as_ref()
                .map_or(String::new(), |en| format!(" {en}"))
        )),
        name: Some(area.name_ja),
        extent_type: area.extent.as_ref().map(|_| "geojson".to_owned()),
        extent: area.extent,
        uri: Some(format!("urn:renkei:region:{code}")),
    })
}

/// Respite beds of service `index` as an HSDS 3.1 capacity (beds it has,
/// not live vacancies), when renkei stores them.
fn respite_capacity(facility: &PublicFacility, index: usize, id: Uuid) -> Option<ServiceCapacity> {
    let item = &facility.services[index];
    let beds = item.respite_beds?;
    Some(ServiceCapacity {
        id: Ids::child("hsds_capacity", id, "respite_beds").to_string(),
        service_id: Some(id.to_string()),
        unit: Unit {
            id: derived_id("hsds_unit", "renkei", "bed").to_string(),
            name: "床 (bed)".to_owned(),
        },
        available: f64::from(beds),
        maximum: Some(f64::from(beds)),
        description: Some(
            "短期入所（レスパイト）の床数。空き状況ではありません / Respite (short-stay) beds the service has; not live vacancies"
                .to_owned(),
        ),
        updated: item.verified.as_ref().map_or_else(
            || facility.provenance.imported_at.to_rfc3339(),
            |v| format!("{}T00:00:00+09:00", v.on),
        ),
    })
}

/// The service_at_location of service `index`: its location and, in the
/// list view, the service (brief).
pub fn service_at_location(
    facility: &PublicFacility,
    index: usize,
    view: View,
    places: &dyn Places,
) -> ServiceAtLocation {
    let location = facility.id.0;
    let key = &facility.services[index].key;
    ServiceAtLocation {
        id: Ids::service_at_location(location, key).to_string(),
        service_id: Some(Ids::service(location, key).to_string()),
        location_id: Some(location.to_string()),
        description: None,
        location: Some(Box::new(self::location(facility, view, places))),
        service: None,
    }
}

/// A service_at_location with its service, as `/service_at_locations` lists
/// it (`Brief`) or returns one (`Full`: service and location fully nested).
pub fn service_at_location_with_service(
    facility: &PublicFacility,
    index: usize,
    view: View,
    places: &dyn Places,
) -> ServiceAtLocation {
    let mut sal = service_at_location(facility, index, view, places);
    let mut service = service(facility, index, view, places);
    // The service's own copy of this link would repeat the location.
    service.service_at_locations.clear();
    sal.service = Some(Box::new(service));
    sal
}

/// The location of `facility`; `Full` adds the address, public phones and attributes.
pub fn location(facility: &PublicFacility, view: View, places: &dyn Places) -> Location {
    let id = facility.id.0;
    let place = &facility.location;
    let mut location = Location {
        id: id.to_string(),
        location_type: "physical".to_owned(),
        organization_id: Some(Ids::organization(id).to_string()),
        name: Some(facility.name.clone()),
        alternate_name: facility.name_kana.clone(),
        latitude: place.position.map(renkei_core::LonLat::lat),
        longitude: place.position.map(renkei_core::LonLat::lon),
        external_identifier: Some(facility.provenance.source_record_id.clone()),
        external_identifier_type: Some(facility.provenance.source.clone()),
        addresses: Vec::new(),
        phones: Vec::new(),
        attributes: Vec::new(),
    };
    if view == View::Brief {
        return location;
    }
    let municipality = place
        .municipality
        .as_ref()
        .or(place.stated_municipality.as_ref());
    let (prefecture, city) = municipality
        .and_then(|code| places.municipality_names(code))
        .unwrap_or_default();
    location.addresses = vec![Address {
        id: Ids::child("hsds_address", id, "").to_string(),
        location_id: Some(id.to_string()),
        address_1: place.address.clone(),
        city,
        state_province: prefecture,
        postal_code: place
            .postal_code
            .as_ref()
            .map(|code| match (code.get(..3), code.get(3..)) {
                (Some(head), Some(tail)) if code.len() == 7 => format!("{head}-{tail}"),
                _ => code.clone(),
            })
            .unwrap_or_default(),
        country: "JP".to_owned(),
        address_type: "physical".to_owned(),
    }];
    location.phones = facility
        .phones
        .iter()
        .enumerate()
        .map(|(i, phone)| Phone {
            id: Ids::child("hsds_phone", id, &i.to_string()).to_string(),
            location_id: Some(id.to_string()),
            number: phone.number.clone(),
            description: phone.label.clone(),
        })
        .collect();
    location.attributes = location_attributes(facility);
    location
}

/// An attribute of `vocabulary`'s term `code` on `link` with `value`.
fn attribute(
    link: Uuid,
    entity: &str,
    vocabulary: Vocabulary,
    code: &str,
    value: &str,
) -> Attribute {
    Attribute {
        id: Ids::child(
            "hsds_attribute",
            link,
            &format!("{}:{code}", vocabulary.name()),
        )
        .to_string(),
        link_id: Some(link.to_string()),
        taxonomy_term_id: Some(vocabulary.term_id(code).to_string()),
        link_type: Some(vocabulary.link_type().to_owned()),
        link_entity: Some(entity.to_owned()),
        value: Some(value.to_owned()),
        taxonomy_term: vocabulary.term(code),
        metadata: Vec::new(),
    }
}

/// One verified fact as metadata: the date and the confirming organisation.
fn verification(
    resource: Uuid,
    resource_type: &str,
    field: &str,
    value: &str,
    verified: &Verification,
) -> Metadata {
    Metadata {
        id: Ids::child("hsds_metadata", resource, field).to_string(),
        resource_id: Some(resource.to_string()),
        resource_type: Some(resource_type.to_owned()),
        last_action_date: verified.on.to_string(),
        last_action_type: "verified".to_owned(),
        field_name: field.to_owned(),
        previous_value: String::new(),
        replacement_value: value.to_owned(),
        updated_by: verified.by_organization.clone(),
    }
}

/// Whether `text` is an absolute URI as HSDS's `uri` format wants it
/// (RFC 3986: a scheme, then printable ASCII). Sources write some web sites
/// as `http//…` or with Japanese characters; those travel as record
/// attributes (`stated_url`, `stated_website`) instead.
pub fn is_uri(text: &str) -> bool {
    let Some((scheme, rest)) = text.split_once(':') else {
        return false;
    };
    let mut letters = scheme.chars();
    letters.next().is_some_and(|c| c.is_ascii_alphabetic())
        && letters.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && !rest.is_empty()
        && rest.chars().all(|c| c.is_ascii_graphic())
}

/// Kind, service type, key, accepting new clients and all 14 capabilities
/// (unknown where nothing is stated, never yes).
fn service_attributes(facility: &PublicFacility, index: usize, id: Uuid) -> Vec<Attribute> {
    let item = &facility.services[index];
    let mut attributes = vec![
        attribute(
            id,
            "service",
            Vocabulary::Kind,
            facility.kind.as_str(),
            "true",
        ),
        attribute(id, "service", Vocabulary::Record, "service_key", &item.key),
    ];
    let stated = [
        ("stated_url", &facility.url),
        ("stated_website", &facility.organization.url),
    ];
    for (code, url) in stated {
        if let Some(url) = url.as_ref().filter(|url| !is_uri(url)) {
            attributes.push(attribute(id, "service", Vocabulary::Record, code, url));
        }
    }
    if let Some(service_type) = &item.service_type {
        attributes.push(attribute(
            id,
            "service",
            Vocabulary::ServiceType,
            service_type.as_str(),
            "true",
        ));
    }
    attributes.push(attribute(
        id,
        "service",
        Vocabulary::Record,
        "accepting_new_clients",
        item.accepting_new_clients.as_str(),
    ));
    for code in Taxonomy::builtin().capability_codes() {
        let fact = item.capabilities.iter().find(|f| f.capability == code);
        let answer = fact.map_or(Answer::Unknown, |f| f.answer);
        let mut capability = attribute(
            id,
            "service",
            Vocabulary::Capability,
            code.as_str(),
            answer.as_str(),
        );
        let attribute_id = Uuid::parse_str(&capability.id).expect("made from a UUID");
        capability.metadata = fact
            .and_then(|f| f.verified.as_ref())
            .map(|v| verification(attribute_id, "attribute", code.as_str(), answer.as_str(), v))
            .into_iter()
            .collect();
        attributes.push(capability);
    }
    attributes
}

/// Provenance, status, placement and accreditations of the location.
fn location_attributes(facility: &PublicFacility) -> Vec<Attribute> {
    let id = facility.id.0;
    let record =
        |code: &str, value: &str| attribute(id, "location", Vocabulary::Record, code, value);
    let provenance = &facility.provenance;
    let mut attributes = vec![
        record("source", &provenance.source),
        record("licence", &provenance.licence),
        record("attribution", &provenance.attribution),
        record("demo", if provenance.demo { "true" } else { "false" }),
    ];
    let place = &facility.location;
    if let Some(on) = facility.closed_on {
        attributes.push(record("closed_on", &on.to_string()));
    }
    if let Some(code) = &place.stated_municipality {
        attributes.push(record("stated_municipality", code.as_str()));
    }
    if let Some(precision) = place.geocoded {
        attributes.push(record("geocoded", precision.as_str()));
    }
    if let Some(code) = &place.region {
        attributes.push(record("region", code.as_str()));
    }
    for accreditation in &facility.accreditations {
        attributes.push(attribute(
            id,
            "location",
            Vocabulary::Accreditation,
            accreditation.code.as_str(),
            &accreditation.since.map_or(String::new(), |d| d.to_string()),
        ));
    }
    attributes
}
