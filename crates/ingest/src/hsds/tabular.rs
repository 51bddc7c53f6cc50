//! The HSDS Tabular Data Package: `datapackage.json` and one CSV per table
//! (`services.csv`, `service_at_location.csv` …, UTF-8, HSDS field names as
//! headers), written from and read back into the full service objects of
//! [`super::model`]. A cell holds a field's value as text; empty is absent.

use super::model::Service;
use crate::{IngestError, IngestResult};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap, HashSet};

/// One table: HSDS resource name, file, columns, and which columns are numbers.
#[derive(Debug, Clone, Copy)]
pub struct TableSpec {
    /// HSDS resource name (`service`).
    pub name: &'static str,
    /// File in the package (`services.csv`).
    pub path: &'static str,
    /// Columns, in order.
    pub columns: &'static [&'static str],
    /// Columns whose values are JSON numbers.
    pub numbers: &'static [&'static str],
}

/// The tables renkei writes, in dependency order. `service_capacity` and
/// `unit` are HSDS 3.1 (`service_capacity.csv`, `units.csv`).
pub const TABLES: [TableSpec; 14] = [
    TableSpec {
        name: "organization",
        path: "organizations.csv",
        columns: &["id", "name", "description", "website"],
        numbers: &[],
    },
    TableSpec {
        name: "service",
        path: "services.csv",
        columns: &[
            "id",
            "organization_id",
            "name",
            "description",
            "url",
            "status",
            "eligibility_description",
            "minimum_age",
            "maximum_age",
            "accreditations",
            "assured_date",
            "last_modified",
        ],
        numbers: &["minimum_age", "maximum_age"],
    },
    TableSpec {
        name: "location",
        path: "locations.csv",
        columns: &[
            "id",
            "location_type",
            "organization_id",
            "name",
            "alternate_name",
            "latitude",
            "longitude",
            "external_identifier",
            "external_identifier_type",
        ],
        numbers: &["latitude", "longitude"],
    },
    TableSpec {
        name: "service_at_location",
        path: "service_at_location.csv",
        columns: &["id", "service_id", "location_id", "description"],
        numbers: &[],
    },
    TableSpec {
        name: "address",
        path: "addresses.csv",
        columns: &[
            "id",
            "location_id",
            "address_1",
            "city",
            "state_province",
            "postal_code",
            "country",
            "address_type",
        ],
        numbers: &[],
    },
    TableSpec {
        name: "phone",
        path: "phones.csv",
        columns: &["id", "location_id", "number", "description"],
        numbers: &[],
    },
    TableSpec {
        name: "schedule",
        path: "schedules.csv",
        columns: &[
            "id",
            "service_id",
            "freq",
            "byday",
            "opens_at",
            "closes_at",
            "timezone",
            "description",
        ],
        numbers: &["timezone"],
    },
    TableSpec {
        name: "service_area",
        path: "service_areas.csv",
        columns: &[
            "id",
            "service_id",
            "name",
            "description",
            "extent",
            "extent_type",
            "uri",
        ],
        numbers: &[],
    },
    TableSpec {
        name: "attribute",
        path: "attributes.csv",
        columns: &[
            "id",
            "link_id",
            "taxonomy_term_id",
            "link_type",
            "link_entity",
            "value",
        ],
        numbers: &[],
    },
    TableSpec {
        name: "metadata",
        path: "metadata.csv",
        columns: &[
            "id",
            "resource_id",
            "resource_type",
            "last_action_date",
            "last_action_type",
            "field_name",
            "previous_value",
            "replacement_value",
            "updated_by",
        ],
        numbers: &[],
    },
    TableSpec {
        name: "unit",
        path: "units.csv",
        columns: &["id", "name"],
        numbers: &[],
    },
    TableSpec {
        name: "service_capacity",
        path: "service_capacity.csv",
        columns: &[
            "id",
            "service_id",
            "unit_id",
            "available",
            "maximum",
            "description",
            "updated",
        ],
        numbers: &["available", "maximum"],
    },
    TableSpec {
        name: "taxonomy",
        path: "taxonomies.csv",
        columns: &["id", "name", "description", "uri", "version"],
        numbers: &[],
    },
    TableSpec {
        name: "taxonomy_term",
        path: "taxonomy_terms.csv",
        columns: &[
            "id",
            "code",
            "name",
            "description",
            "taxonomy",
            "language",
            "taxonomy_id",
        ],
        numbers: &[],
    },
];

/// Rows of every table, by resource name, as JSON objects.
pub type Tables = BTreeMap<&'static str, Vec<Map<String, Value>>>;

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

fn take_array(map: &mut Map<String, Value>, key: &str) -> Vec<Map<String, Value>> {
    match map.remove(key) {
        Some(Value::Array(items)) => items.into_iter().map(object).collect(),
        _ => Vec::new(),
    }
}

/// Rows being written: each shared row (organisation, location, unit,
/// taxonomy term) once.
struct Rows {
    tables: Tables,
    seen: HashSet<(&'static str, String)>,
}

impl Rows {
    fn push(&mut self, name: &'static str, row: Map<String, Value>) {
        let id = row
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        if self.seen.insert((name, id)) {
            self.tables
                .get_mut(name)
                .expect("every table is listed")
                .push(row);
        }
    }

    fn push_all(&mut self, name: &'static str, rows: Vec<Map<String, Value>>) {
        for row in rows {
            self.push(name, row);
        }
    }

    /// Attributes, their terms left to `taxonomy_term.csv` and their metadata to `metadata.csv`.
    fn attributes(&mut self, list: Vec<Map<String, Value>>) {
        for mut attribute in list {
            attribute.remove("taxonomy_term");
            let metadata = take_array(&mut attribute, "metadata");
            self.push_all("metadata", metadata);
            self.push("attribute", attribute);
        }
    }

    fn service_at_location(&mut self, mut sal: Map<String, Value>) {
        sal.remove("service");
        if let Some(location) = sal.remove("location") {
            let mut location = object(location);
            let addresses = take_array(&mut location, "addresses");
            self.push_all("address", addresses);
            let phones = take_array(&mut location, "phones");
            self.push_all("phone", phones);
            let attributes = take_array(&mut location, "attributes");
            self.attributes(attributes);
            self.push("location", location);
        }
        self.push("service_at_location", sal);
    }
}

/// Flattens full service objects (with the taxonomies) into rows per table.
/// Shared rows (organisations, locations, units, taxonomy terms) are written once.
pub fn tables(
    services: &[Service],
    taxonomies: &[super::model::Taxonomy],
    terms: &[super::model::TaxonomyTerm],
) -> Tables {
    let mut rows = Rows {
        tables: TABLES.iter().map(|t| (t.name, Vec::new())).collect(),
        seen: HashSet::new(),
    };
    for service in services {
        let mut row = object(serde_json::to_value(service).expect("services serialise"));
        if let Some(organization) = row.remove("organization") {
            let mut organization = object(organization);
            organization.remove("services");
            rows.push("organization", organization);
        }
        for sal in take_array(&mut row, "service_at_locations") {
            rows.service_at_location(sal);
        }
        let schedules = take_array(&mut row, "schedules");
        rows.push_all("schedule", schedules);
        let areas = take_array(&mut row, "service_areas");
        rows.push_all("service_area", areas);
        for mut capacity in take_array(&mut row, "capacities") {
            if let Some(unit) = capacity.remove("unit") {
                let unit = object(unit);
                capacity.insert(
                    "unit_id".into(),
                    unit.get("id").cloned().unwrap_or(Value::Null),
                );
                rows.push("unit", unit);
            }
            rows.push("service_capacity", capacity);
        }
        let metadata = take_array(&mut row, "metadata");
        rows.push_all("metadata", metadata);
        let attributes = take_array(&mut row, "attributes");
        rows.attributes(attributes);
        rows.push("service", row);
    }
    for taxonomy in taxonomies {
        rows.push(
            "taxonomy",
            object(serde_json::to_value(taxonomy).expect("serialises")),
        );
    }
    for term in terms {
        rows.push(
            "taxonomy_term",
            object(serde_json::to_value(term).expect("serialises")),
        );
    }
    rows.tables
}

/// One table as CSV text (UTF-8, header row of HSDS field names).
pub fn csv_text(spec: &TableSpec, rows: &[Map<String, Value>]) -> IngestResult<Vec<u8>> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let failed = |e: csv::Error| IngestError::Format {
        file: spec.path.to_owned(),
        reason: e.to_string(),
    };
    writer.write_record(spec.columns).map_err(failed)?;
    for row in rows {
        writer
            .write_record(spec.columns.iter().map(|column| match row.get(*column) {
                None | Some(Value::Null) => String::new(),
                Some(Value::String(text)) => text.clone(),
                Some(other) => other.to_string(),
            }))
            .map_err(failed)?;
    }
    writer.into_inner().map_err(|e| IngestError::Format {
        file: spec.path.to_owned(),
        reason: e.to_string(),
    })
}

/// `datapackage.json` for the tables written, with `licence` as the package's.
pub fn datapackage(title: &str, licences: &[(String, String)]) -> Value {
    let resources: Vec<Value> = TABLES
        .iter()
        .map(|spec| {
            let fields: Vec<Value> = spec
                .columns
                .iter()
                .map(|c| {
                    let kind = if spec.numbers.contains(c) {
                        "number"
                    } else {
                        "string"
                    };
                    serde_json::json!({"name": c, "type": kind})
                })
                .collect();
            serde_json::json!({
                "name": spec.name,
                "path": spec.path,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {"fields": fields, "primaryKey": "id"},
            })
        })
        .collect();
    serde_json::json!({
        "name": "renkei-hsds",
        "title": title,
        "profile": "tabular-data-package",
        "version": "3.0.0",
        "homepage": "https://docs.openreferral.org",
        "licenses": licences
            .iter()
            .map(|(name, title)| serde_json::json!({"name": name, "title": title}))
            .collect::<Vec<_>>(),
        "resources": resources,
    })
}

/// Reads the rows of one CSV table (`bytes`) into JSON objects, numbers typed.
pub fn read_table(spec: &TableSpec, bytes: &[u8]) -> IngestResult<Vec<Map<String, Value>>> {
    let bad = |reason: String| IngestError::Format {
        file: spec.path.to_owned(),
        reason,
    };
    let text = std::str::from_utf8(bytes).map_err(|e| bad(format!("not UTF-8: {e}")))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| bad(e.to_string()))?.clone();
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| bad(format!("line {}: {e}", i + 2)))?;
        let mut row = Map::new();
        for (column, cell) in headers.iter().zip(record.iter()) {
            if cell.is_empty() {
                continue;
            }
            let value = if spec.numbers.contains(&column) {
                // Whole numbers stay integers: ages are whole years.
                let number = match cell.parse::<i64>() {
                    Ok(whole) => Some(serde_json::Number::from(whole)),
                    Err(_) => cell
                        .parse::<f64>()
                        .ok()
                        .and_then(serde_json::Number::from_f64),
                };
                let number = number.ok_or_else(|| {
                    bad(format!("line {}: {column} {cell:?} is not a number", i + 2))
                })?;
                Value::Number(number)
            } else {
                Value::String(cell.to_owned())
            };
            row.insert(column.to_owned(), value);
        }
        rows.push(row);
    }
    Ok(rows)
}

/// Attributes with their metadata (keyed by the attribute's id) nested again.
fn with_metadata(list: Vec<Map<String, Value>>, metadata: &mut Groups) -> Vec<Value> {
    list.into_iter()
        .map(|mut attribute| {
            let id = attribute
                .get("id")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            if let Some(found) = metadata.remove(&id) {
                attribute.insert(
                    "metadata".into(),
                    found.into_iter().map(Value::Object).collect(),
                );
            }
            Value::Object(attribute)
        })
        .collect()
}

/// Rows of one table by the value of a column (an id or a parent's id).
type Groups = HashMap<String, Vec<Map<String, Value>>>;

/// `rows` grouped by their `key` column; rows without it are left out.
fn group(rows: Vec<Map<String, Value>>, key: &str) -> Groups {
    let mut groups = Groups::new();
    for row in rows {
        if let Some(parent) = row.get(key).and_then(Value::as_str) {
            groups.entry(parent.to_owned()).or_default().push(row);
        }
    }
    groups
}

/// The one row with `id`, if any.
fn one(groups: &Groups, id: &str) -> Option<Map<String, Value>> {
    groups.get(id).and_then(|rows| rows.first()).cloned()
}

/// The rows of `list` as a JSON array.
fn array(list: Option<Vec<Map<String, Value>>>) -> Value {
    Value::Array(
        list.unwrap_or_default()
            .into_iter()
            .map(Value::Object)
            .collect(),
    )
}

/// The tables a service's location, capacities and attributes are read from.
struct Parts {
    organizations: Groups,
    locations: Groups,
    units: Groups,
    metadata: Groups,
    attributes: Groups,
    addresses: Groups,
    phones: Groups,
}

impl Parts {
    /// Location `id` with its addresses, phones and attributes nested.
    fn location(&mut self, id: &str) -> Option<Map<String, Value>> {
        let mut location = one(&self.locations, id)?;
        location.insert("addresses".into(), array(self.addresses.get(id).cloned()));
        location.insert("phones".into(), array(self.phones.get(id).cloned()));
        let list = self.attributes.get(id).cloned().unwrap_or_default();
        location.insert(
            "attributes".into(),
            Value::Array(with_metadata(list, &mut self.metadata)),
        );
        Some(location)
    }

    /// A capacity row with its unit nested.
    fn capacity(&self, mut capacity: Map<String, Value>) -> Value {
        let unit = capacity
            .remove("unit_id")
            .and_then(|u| one(&self.units, u.as_str()?))
            .unwrap_or_default();
        capacity.insert("unit".into(), Value::Object(unit));
        Value::Object(capacity)
    }
}

/// Puts the rows of the tables back together as full service objects.
pub fn assemble(mut tables: Tables) -> IngestResult<Vec<Service>> {
    let mut take = |name: &str| tables.remove(name).unwrap_or_default();
    let mut parts = Parts {
        organizations: group(take("organization"), "id"),
        locations: group(take("location"), "id"),
        units: group(take("unit"), "id"),
        metadata: group(take("metadata"), "resource_id"),
        attributes: group(take("attribute"), "link_id"),
        addresses: group(take("address"), "location_id"),
        phones: group(take("phone"), "location_id"),
    };
    let mut links = group(take("service_at_location"), "service_id");
    let mut schedules = group(take("schedule"), "service_id");
    let mut areas = group(take("service_area"), "service_id");
    let mut capacities = group(take("service_capacity"), "service_id");
    let mut services = Vec::new();
    for mut service in take("service") {
        let id = service
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let organization = service
            .get("organization_id")
            .and_then(Value::as_str)
            .and_then(|o| one(&parts.organizations, o));
        if let Some(organization) = organization {
            service.insert("organization".into(), Value::Object(organization));
        }
        let mut sals = Vec::new();
        for mut sal in links.remove(&id).unwrap_or_default() {
            let location_id = sal
                .get("location_id")
                .and_then(Value::as_str)
                .map(str::to_owned);
            if let Some(location) = location_id.and_then(|l| parts.location(&l)) {
                sal.insert("location".into(), Value::Object(location));
            }
            sals.push(Value::Object(sal));
        }
        service.insert("service_at_locations".into(), Value::Array(sals));
        service.insert("schedules".into(), array(schedules.remove(&id)));
        service.insert("service_areas".into(), array(areas.remove(&id)));
        let capacities: Vec<Value> = capacities
            .remove(&id)
            .unwrap_or_default()
            .into_iter()
            .map(|capacity| parts.capacity(capacity))
            .collect();
        service.insert("capacities".into(), Value::Array(capacities));
        let list = parts.attributes.remove(&id).unwrap_or_default();
        service.insert(
            "attributes".into(),
            Value::Array(with_metadata(list, &mut parts.metadata)),
        );
        service.insert("metadata".into(), array(parts.metadata.remove(&id)));
        let service: Service =
            serde_json::from_value(Value::Object(service)).map_err(|e| IngestError::Format {
                file: "services.csv".to_owned(),
                reason: format!("service {id}: {e}"),
            })?;
        services.push(service);
    }
    Ok(services)
}
