//! Flat table rows shared by both backends. A [`Facility`] is flattened into
//! one row per table ([`Batch::push`]) and rows are assembled back into a
//! facility ([`assemble`]); each backend only maps its own column types to and
//! from these structs.

use crate::{SourceInfo, StoreError, StoreResult};
use chrono::{DateTime, NaiveDate, SubsecRound, Utc};
use renkei_core::facility::derived_id;
use renkei_core::geocode::Precision;
use renkei_core::{Accreditation, AccreditationCode, Taxonomy};
use renkei_core::{
    AgeRange, Answer, CapabilityCode, CapabilityFact, Facility, FacilityId, FacilityStatus,
    KindCode, Location, LonLat, MunicipalityCode, Organization, Phone, Provenance, RegionCode,
    Schedule, Service, ServiceTypeCode, Verification, Visibility,
};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// Row of `organizations`.
#[derive(Debug, Clone)]
pub(crate) struct OrganizationRow {
    pub id: Uuid,
    pub name: String,
    pub url: Option<String>,
}

/// Row of `locations`.
#[derive(Debug, Clone)]
pub(crate) struct LocationRow {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub kind: String,
    pub name: String,
    pub name_kana: Option<String>,
    pub address: String,
    pub postal_code: Option<String>,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub stated_municipality_code: Option<String>,
    pub municipality_code: Option<String>,
    pub region_code: Option<String>,
    pub url: Option<String>,
    pub status: String,
    pub closed_on: Option<NaiveDate>,
    pub staff_note: Option<String>,
    pub source_key: String,
    pub source_record_id: String,
    pub imported_at: DateTime<Utc>,
    pub content_hash: String,
}

/// Row of `services` (its `service_at_location` row is `(id, location_id)`).
#[derive(Debug, Clone)]
pub(crate) struct ServiceRow {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub location_id: Uuid,
    pub position: i32,
    pub key: String,
    pub name: String,
    pub service_type: Option<String>,
    pub age_min_years: Option<i16>,
    pub age_max_years: Option<i16>,
    pub accepting_new_clients: String,
    pub respite_beds: Option<i64>,
    pub verified_on: Option<NaiveDate>,
    pub verified_by: Option<String>,
}

/// Row of `phones`.
#[derive(Debug, Clone)]
pub(crate) struct PhoneRow {
    pub location_id: Uuid,
    pub position: i32,
    pub number: String,
    pub label: Option<String>,
    pub visibility: String,
}

/// Row of `schedules`.
#[derive(Debug, Clone)]
pub(crate) struct ScheduleRow {
    pub service_id: Uuid,
    pub position: i32,
    pub byday: String,
    pub opens_at: Option<String>,
    pub closes_at: Option<String>,
    pub description: Option<String>,
}

/// Row of `service_capabilities`.
#[derive(Debug, Clone)]
pub(crate) struct CapabilityRow {
    pub service_id: Uuid,
    pub position: i32,
    pub capability: String,
    pub answer: String,
    pub verified_on: Option<NaiveDate>,
    pub verified_by: Option<String>,
    pub staff_note: Option<String>,
}

/// Row of `verified_facts`.
#[derive(Debug, Clone)]
pub(crate) struct VerifiedRow {
    pub location_id: Uuid,
    pub service_key: String,
    pub field: String,
    pub answer: String,
    pub verified_on: NaiveDate,
    pub verified_by: String,
    pub staff_note: Option<String>,
}

/// A location as read back, with what the facility takes from its
/// organisation and source rows.
#[derive(Debug, Clone)]
pub(crate) struct StoredLocation {
    pub location: LocationRow,
    pub organization: OrganizationRow,
    pub licence: String,
    pub attribution: String,
    pub demo: bool,
    /// Geocoding precision from `location_geocodes`, when the position was geocoded.
    pub geocoded: Option<String>,
}

/// Rows of many facilities, table by table, ready for multi-row inserts.
#[derive(Debug, Default)]
pub(crate) struct Batch {
    pub organizations: Vec<OrganizationRow>,
    pub locations: Vec<LocationRow>,
    pub services: Vec<ServiceRow>,
    pub phones: Vec<PhoneRow>,
    pub schedules: Vec<ScheduleRow>,
    pub capabilities: Vec<CapabilityRow>,
}

/// A checked facility with its id and content hash, before it is split into rows.
#[derive(Debug)]
pub(crate) struct Prepared<'a> {
    pub facility: &'a Facility,
    pub content_hash: String,
}

/// Records per thread below which hashing stays on the calling thread.
const HASH_PARALLEL_MIN: usize = 2_000;

/// Checks a batch and computes content hashes. Rejects a record whose provenance
/// names another source, whose id is not derived from its source record, with a
/// duplicate service key or a count that does not fit, and duplicates in the batch.
///
/// Hashing (serialising every record) is most of the work, so large batches
/// are hashed on all cores after the checks pass.
pub(crate) fn prepare<'a>(
    source: &SourceInfo,
    facilities: &'a [Facility],
) -> StoreResult<Vec<Prepared<'a>>> {
    let mut seen = HashSet::with_capacity(facilities.len());
    for facility in facilities {
        check(source, facility, &mut seen)?;
    }
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .min(facilities.len() / HASH_PARALLEL_MIN)
        .max(1);
    let hash_all = |part: &'a [Facility]| -> Vec<Prepared<'a>> {
        part.iter()
            .map(|facility| Prepared {
                facility,
                content_hash: content_hash(source, facility),
            })
            .collect()
    };
    if threads == 1 {
        return Ok(hash_all(facilities));
    }
    let per_thread = facilities.len().div_ceil(threads);
    Ok(std::thread::scope(|scope| {
        let handles: Vec<_> = facilities
            .chunks(per_thread)
            .map(|part| scope.spawn(move || hash_all(part)))
            .collect();
        handles
            .into_iter()
            .flat_map(|handle| {
                handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    }))
}

/// The checks of [`prepare`] for one record; `seen` holds the source record
/// ids of the batch so far.
fn check<'a>(
    source: &SourceInfo,
    facility: &'a Facility,
    seen: &mut HashSet<&'a str>,
) -> StoreResult<()> {
    let record = &facility.provenance.source_record_id;
    let invalid = |reason: String| StoreError::InvalidRecord {
        source_key: source.key.clone(),
        source_record_id: record.clone(),
        reason,
    };
    if facility.provenance.source != source.key {
        return Err(invalid(format!(
            "its provenance.source is {:?} but the batch is for source {:?}; write each source in its own batch",
            facility.provenance.source, source.key
        )));
    }
    if facility.id != FacilityId::from_source(&source.key, record) {
        return Err(invalid(format!(
            "its id {} is not FacilityId::from_source({:?}, {record:?})",
            facility.id, source.key
        )));
    }
    if !seen.insert(record.as_str()) {
        return Err(invalid(
            "the batch contains this source record id twice".to_owned(),
        ));
    }
    let mut keys = HashSet::new();
    for service in &facility.services {
        if !keys.insert(service.key.as_str()) {
            return Err(invalid(format!(
                "service key {:?} appears twice",
                service.key
            )));
        }
        let mut capabilities = HashSet::new();
        for fact in &service.capabilities {
            if !capabilities.insert(fact.capability.as_str()) {
                return Err(invalid(format!(
                    "service {:?} states capability {} twice",
                    service.key, fact.capability
                )));
            }
        }
    }
    Ok(())
}

/// The facility as the store keeps it: `imported_at` to the microsecond (what
/// PostgreSQL keeps), licence, attribution and demo flag from its source row.
pub(crate) fn normalized(source: &SourceInfo, facility: &Facility) -> Facility {
    let mut stored = facility.clone();
    stored.provenance.imported_at = facility.provenance.imported_at.trunc_subsecs(6);
    stored.provenance.licence.clone_from(&source.licence);
    stored
        .provenance
        .attribution
        .clone_from(&source.attribution);
    stored.provenance.demo = source.demo;
    stored
}

/// SHA-256 (hex) of the stored form of the record without `imported_at`.
/// Hashing the serialised whole facility means a field added to the model later
/// is covered without touching this function.
pub(crate) fn content_hash(source: &SourceInfo, facility: &Facility) -> String {
    let mut stored = normalized(source, facility);
    stored.provenance.imported_at = DateTime::<Utc>::UNIX_EPOCH;
    // Streamed into the hasher: no intermediate JSON buffer per record.
    let mut hasher = Sha256::new();
    serde_json::to_writer(&mut hasher, &stored).expect("a Facility always serialises to JSON");
    format!("{:x}", hasher.finalize())
}

fn position(index: usize) -> i32 {
    i32::try_from(index).unwrap_or(i32::MAX)
}

impl Batch {
    /// Adds the rows of one checked facility.
    pub(crate) fn push(&mut self, source: &SourceInfo, prepared: &Prepared<'_>) {
        let facility = prepared.facility;
        let record = &facility.provenance.source_record_id;
        let location_id = facility.id.0;
        let organization_id = derived_id("organization", &source.key, record);
        self.organizations.push(OrganizationRow {
            id: organization_id,
            name: facility.organization.name.clone(),
            url: facility.organization.url.clone(),
        });
        let place = &facility.location;
        self.locations.push(LocationRow {
            id: location_id,
            organization_id,
            kind: facility.kind.as_str().to_owned(),
            name: facility.name.clone(),
            name_kana: facility.name_kana.clone(),
            address: place.address.clone(),
            postal_code: place.postal_code.clone(),
            lon: place.position.map(LonLat::lon),
            lat: place.position.map(LonLat::lat),
            stated_municipality_code: place
                .stated_municipality
                .as_ref()
                .map(|c| c.as_str().to_owned()),
            municipality_code: place.municipality.as_ref().map(|c| c.as_str().to_owned()),
            region_code: place.region.as_ref().map(|c| c.as_str().to_owned()),
            url: facility.url.clone(),
            status: facility.status.as_str().to_owned(),
            closed_on: facility.closed_on,
            staff_note: facility.staff_note.clone(),
            source_key: source.key.clone(),
            source_record_id: record.clone(),
            imported_at: facility.provenance.imported_at.trunc_subsecs(6),
            content_hash: prepared.content_hash.clone(),
        });
        for (index, phone) in facility.phones.iter().enumerate() {
            self.phones.push(PhoneRow {
                location_id,
                position: position(index),
                number: phone.number.clone(),
                label: phone.label.clone(),
                visibility: phone.visibility.as_str().to_owned(),
            });
        }
        for (index, service) in facility.services.iter().enumerate() {
            let service_id = derived_id(
                "service",
                &source.key,
                &format!("{record}\u{1f}{}", service.key),
            );
            self.services.push(ServiceRow {
                id: service_id,
                organization_id,
                location_id,
                position: position(index),
                key: service.key.clone(),
                name: service.name.clone(),
                service_type: service.service_type.as_ref().map(|t| t.as_str().to_owned()),
                age_min_years: service.ages.min_years.map(i16::from),
                age_max_years: service.ages.max_years.map(i16::from),
                accepting_new_clients: service.accepting_new_clients.as_str().to_owned(),
                respite_beds: service.respite_beds.map(i64::from),
                verified_on: service.verified.as_ref().map(|v| v.on),
                verified_by: service.verified.as_ref().map(|v| v.by_organization.clone()),
            });
            for (index, schedule) in service.schedules.iter().enumerate() {
                self.schedules.push(ScheduleRow {
                    service_id,
                    position: position(index),
                    byday: schedule.weekdays.join(","),
                    opens_at: schedule.opens_at.clone(),
                    closes_at: schedule.closes_at.clone(),
                    description: schedule.description.clone(),
                });
            }
            for (index, fact) in service.capabilities.iter().enumerate() {
                self.capabilities.push(CapabilityRow {
                    service_id,
                    position: position(index),
                    capability: fact.capability.as_str().to_owned(),
                    answer: fact.answer.as_str().to_owned(),
                    verified_on: fact.verified.as_ref().map(|v| v.on),
                    verified_by: fact.verified.as_ref().map(|v| v.by_organization.clone()),
                    staff_note: fact.staff_note.clone(),
                });
            }
        }
    }
}

/// One stored hospital accreditation.
#[derive(Debug, Clone)]
pub(crate) struct AccreditationRow {
    pub location_id: Uuid,
    pub accreditation: String,
    pub since: Option<NaiveDate>,
}

/// Stored accreditation rows as domain values, in taxonomy order.
fn accreditations(rows: Vec<AccreditationRow>) -> Result<Vec<Accreditation>, String> {
    let order = |code: &AccreditationCode| {
        Taxonomy::builtin()
            .accreditations
            .iter()
            .position(|t| t.code == code.as_str())
            .unwrap_or(usize::MAX)
    };
    let mut list = rows
        .into_iter()
        .map(|a| {
            AccreditationCode::new(&a.accreditation)
                .map(|code| Accreditation {
                    code,
                    since: a.since,
                })
                .map_err(|e| e.to_string())
        })
        .collect::<Result<Vec<_>, _>>()?;
    list.sort_by_key(|a| order(&a.code));
    Ok(list)
}

/// Child rows read for a set of locations, grouped for [`assemble`].
#[derive(Debug, Default)]
pub(crate) struct Children {
    accreditations: HashMap<Uuid, Vec<AccreditationRow>>,
    services: HashMap<Uuid, Vec<ServiceRow>>,
    phones: HashMap<Uuid, Vec<PhoneRow>>,
    schedules: HashMap<Uuid, Vec<ScheduleRow>>,
    capabilities: HashMap<Uuid, Vec<CapabilityRow>>,
    verified: HashMap<Uuid, Vec<VerifiedRow>>,
}

impl Children {
    /// Groups rows by their parent.
    pub(crate) fn new(
        services: Vec<ServiceRow>,
        phones: Vec<PhoneRow>,
        schedules: Vec<ScheduleRow>,
        capabilities: Vec<CapabilityRow>,
        accreditations: Vec<AccreditationRow>,
        verified: Vec<VerifiedRow>,
    ) -> Self {
        let mut children = Self::default();
        for row in verified {
            children
                .verified
                .entry(row.location_id)
                .or_default()
                .push(row);
        }
        for row in accreditations {
            children
                .accreditations
                .entry(row.location_id)
                .or_default()
                .push(row);
        }
        for row in services {
            children
                .services
                .entry(row.location_id)
                .or_default()
                .push(row);
        }
        for row in phones {
            children
                .phones
                .entry(row.location_id)
                .or_default()
                .push(row);
        }
        for row in schedules {
            children
                .schedules
                .entry(row.service_id)
                .or_default()
                .push(row);
        }
        for row in capabilities {
            children
                .capabilities
                .entry(row.service_id)
                .or_default()
                .push(row);
        }
        children
    }
}

/// Builds the domain value of one stored location; any value the model rejects
/// gives [`StoreError::Corrupt`] naming the table and row.
pub(crate) fn assemble(stored: StoredLocation, children: &mut Children) -> StoreResult<Facility> {
    let StoredLocation {
        location: row,
        organization,
        licence,
        attribution,
        demo,
        geocoded,
    } = stored;
    let key = row.id.to_string();
    let corrupt = |entity: &'static str, reason: String| StoreError::Corrupt {
        entity,
        key: key.clone(),
        reason,
    };
    let position = match (row.lon, row.lat) {
        (Some(lon), Some(lat)) => {
            Some(LonLat::new(lon, lat).map_err(|e| corrupt("location", e.to_string()))?)
        }
        (None, None) => None,
        _ => {
            return Err(corrupt(
                "location",
                "only one of lon and lat is set".to_owned(),
            ))
        }
    };
    let municipality = |code: Option<String>| {
        code.map(MunicipalityCode::new)
            .transpose()
            .map_err(|e| corrupt("location", e.to_string()))
    };
    let accreditations =
        accreditations(children.accreditations.remove(&row.id).unwrap_or_default())
            .map_err(|reason| corrupt("hospital_accreditation", reason))?;
    let mut phones = children.phones.remove(&row.id).unwrap_or_default();
    phones.sort_by_key(|p| p.position);
    let phones = phones
        .into_iter()
        .map(|p| {
            let visibility = Visibility::parse(&p.visibility)
                .ok_or_else(|| corrupt("phone", format!("visibility {:?}", p.visibility)))?;
            Ok(Phone {
                number: p.number,
                label: p.label,
                visibility,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
    let services = assemble_services(row.id, children, &corrupt)?;
    Ok(Facility {
        id: FacilityId(row.id),
        kind: KindCode::new(&row.kind).map_err(|e| corrupt("location", e.to_string()))?,
        name: row.name,
        name_kana: row.name_kana,
        organization: Organization {
            name: organization.name,
            url: organization.url,
        },
        location: Location {
            address: row.address,
            postal_code: row.postal_code,
            position,
            stated_municipality: municipality(row.stated_municipality_code)?,
            municipality: municipality(row.municipality_code)?,
            region: row
                .region_code
                .map(RegionCode::new)
                .transpose()
                .map_err(|e| corrupt("location", e.to_string()))?,
            geocoded: match geocoded.as_deref() {
                None => None,
                Some("town") => Some(Precision::Town),
                Some("municipality") => Some(Precision::Municipality),
                Some(other) => {
                    return Err(corrupt("location_geocode", format!("precision {other:?}")))
                }
            },
        },
        phones,
        url: row.url,
        services,
        status: FacilityStatus::parse(&row.status)
            .ok_or_else(|| corrupt("location", format!("status {:?}", row.status)))?,
        closed_on: row.closed_on,
        staff_note: row.staff_note,
        // No stored record is staff-only yet: the store has no column for it (issue 16).
        visibility: Visibility::Public,
        accreditations,
        provenance: Provenance {
            source: row.source_key,
            source_record_id: row.source_record_id,
            imported_at: row.imported_at,
            licence,
            attribution,
            demo,
        },
    })
}

fn verification(on: Option<NaiveDate>, by: Option<String>) -> Option<Verification> {
    match (on, by) {
        (Some(on), Some(by_organization)) => Some(Verification {
            on,
            by_organization,
        }),
        _ => None,
    }
}

/// The services of one location, in order, with the desk-verified facts laid over.
fn assemble_services(
    location_id: Uuid,
    children: &mut Children,
    corrupt: &impl Fn(&'static str, String) -> StoreError,
) -> StoreResult<Vec<Service>> {
    let mut rows = children.services.remove(&location_id).unwrap_or_default();
    rows.sort_by_key(|s| s.position);
    let mut services = rows
        .into_iter()
        .map(|s| assemble_service(s, children, corrupt))
        .collect::<StoreResult<Vec<_>>>()?;
    for fact in children.verified.remove(&location_id).unwrap_or_default() {
        lay_over(&mut services, fact, corrupt)?;
    }
    Ok(services)
}

/// Lays a verified fact over the imported facts of its service. A fact whose
/// service an import no longer lists stays stored but has nothing to show.
fn lay_over(
    services: &mut [Service],
    fact: VerifiedRow,
    corrupt: &impl Fn(&'static str, String) -> StoreError,
) -> StoreResult<()> {
    let answer = Answer::parse(&fact.answer)
        .ok_or_else(|| corrupt("verified_fact", format!("answer {:?}", fact.answer)))?;
    let field = crate::VerifiedField::parse(&fact.field)
        .ok_or_else(|| corrupt("verified_fact", format!("field {:?}", fact.field)))?;
    let Some(service) = services.iter_mut().find(|s| s.key == fact.service_key) else {
        return Ok(());
    };
    let verified = Verification {
        on: fact.verified_on,
        by_organization: fact.verified_by,
    };
    match field {
        crate::VerifiedField::AcceptingNewClients => {
            service.accepting_new_clients = answer;
            service.verified = Some(verified);
        }
        crate::VerifiedField::Capability(capability) => {
            let stated = CapabilityFact {
                capability,
                answer,
                verified: Some(verified),
                staff_note: fact.staff_note,
            };
            match service
                .capabilities
                .iter_mut()
                .find(|c| c.capability == stated.capability)
            {
                Some(existing) => *existing = stated,
                None => service.capabilities.push(stated),
            }
        }
    }
    Ok(())
}

fn assemble_service(
    row: ServiceRow,
    children: &mut Children,
    corrupt: &impl Fn(&'static str, String) -> StoreError,
) -> StoreResult<Service> {
    let age = |years: Option<i16>| {
        years
            .map(u8::try_from)
            .transpose()
            .map_err(|_| corrupt("service", format!("age {years:?} is not 0-255")))
    };
    let mut schedules = children.schedules.remove(&row.id).unwrap_or_default();
    schedules.sort_by_key(|s| s.position);
    let mut facts = children.capabilities.remove(&row.id).unwrap_or_default();
    facts.sort_by_key(|c| c.position);
    let capabilities = facts
        .into_iter()
        .map(|c| {
            Ok(CapabilityFact {
                capability: CapabilityCode::new(&c.capability)
                    .map_err(|e| corrupt("service_capability", e.to_string()))?,
                answer: Answer::parse(&c.answer).ok_or_else(|| {
                    corrupt("service_capability", format!("answer {:?}", c.answer))
                })?,
                verified: verification(c.verified_on, c.verified_by),
                staff_note: c.staff_note,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(Service {
        key: row.key,
        name: row.name,
        service_type: row
            .service_type
            .as_deref()
            .map(ServiceTypeCode::new)
            .transpose()
            .map_err(|e| corrupt("service", e.to_string()))?,
        ages: AgeRange {
            min_years: age(row.age_min_years)?,
            max_years: age(row.age_max_years)?,
        },
        accepting_new_clients: Answer::parse(&row.accepting_new_clients).ok_or_else(|| {
            corrupt(
                "service",
                format!("accepting_new_clients {:?}", row.accepting_new_clients),
            )
        })?,
        respite_beds: row
            .respite_beds
            .map(u32::try_from)
            .transpose()
            .map_err(|_| corrupt("service", format!("respite_beds {:?}", row.respite_beds)))?,
        verified: verification(row.verified_on, row.verified_by),
        capabilities,
        schedules: schedules
            .into_iter()
            .map(|s| Schedule {
                weekdays: if s.byday.is_empty() {
                    Vec::new()
                } else {
                    s.byday.split(',').map(str::to_owned).collect()
                },
                opens_at: s.opens_at,
                closes_at: s.closes_at,
                description: s.description,
            })
            .collect(),
    })
}

/// Orders facilities as `ids` lists them, or by id when all were loaded.
pub(crate) fn order_like(facilities: &mut [Facility], ids: Option<&[Uuid]>) {
    match ids {
        Some(ids) => {
            let rank: HashMap<Uuid, usize> =
                ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
            facilities.sort_by_key(|f| rank.get(&f.id.0).copied().unwrap_or(usize::MAX));
        }
        None => facilities.sort_by_key(|f| f.id),
    }
}
