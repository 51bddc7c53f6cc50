//! What the OpenAPI document states beyond the handlers' annotations, so that
//! it says exactly what the server accepts (issue 17, checked with
//! schemathesis by `scripts/schemathesis.sh`):
//!
//! - the values of each choice parameter (`format`, `paper`, `basis` …) as an
//!   `enum`, from the same constants the handlers check against;
//! - taxonomy code lists (`kinds`, `needs`) as comma-separated arrays of the
//!   codes of `data/taxonomy.toml`, and `accreditation` as one of its codes;
//! - parameters that exclude each other (`lon`/`lat` or `near`; a distance
//!   or a travel time) as one object parameter (`style: form, explode: true`,
//!   so the query string is unchanged) whose `oneOf` lists the allowed forms;
//! - the area codes' shapes (`^[0-9]{4,5}$` …);
//! - 429 and the renderers' 503 on the rate-limited routes, 414 everywhere.
//!
//! It edits the generated JSON: OpenAPI has no way to tie query parameters to
//! each other in annotations. Unknown query parameters are ignored by the
//! server, so the objects allow other properties.

use crate::{coverage, print, rollout, search};
use renkei_core::Taxonomy;
use serde_json::{json, Map, Value};

/// Parameters of which at most one form may be given.
struct Exclusive {
    /// Name of the object parameter that stands for them.
    name: &'static str,
    description: &'static str,
    /// The forms, each a list of parameters that go together.
    forms: &'static [&'static [&'static str]],
    /// With no form given, one of these must be (empty: nothing needed).
    otherwise: &'static [&'static str],
}

const PLACE: Exclusive = Exclusive {
    name: "place",
    description: "Where from: `lon` and `lat` together, or `near` (an address or place name), \
        or neither when `region` or `q` is given. / 場所は lon と lat、または near のどちらか一方 \
        (region か q があれば省略可)",
    forms: &[&["lon", "lat"], &["near"]],
    otherwise: &["region", "q"],
};
const SEARCH_REACH: Exclusive = Exclusive {
    name: "reach",
    description: "How far: `radius_m` or `max_minutes`, not both (default: 30 km). / 範囲は radius_m か max_minutes のどちらか一方",
    forms: &[&["radius_m"], &["max_minutes"]],
    otherwise: &[],
};
const COVERAGE_REACH: Exclusive = Exclusive {
    name: "within",
    description: "Coverage distance: `within_m` or `within_minutes`, not both. / within_m か within_minutes のどちらか一方",
    forms: &[&["within_m"], &["within_minutes"]],
    otherwise: &[],
};

/// A prefecture code, 01–47, as every area code starts.
const PREFECTURE: &str = "(0[1-9]|[1-3][0-9]|4[0-7])";

/// What the server reads as absent: an empty or blank value.
fn blank() -> Value {
    json!({"type": "string", "pattern": "^\\s*$"})
}

fn codes(terms: &[renkei_core::taxonomy::Term]) -> Vec<&str> {
    terms.iter().map(|t| t.code.as_str()).collect()
}

/// Applies every rule to the generated document `doc`.
pub fn apply(doc: &mut Value) {
    let area_code = format!("^{PREFECTURE}[0-9]{{2,3}}$");
    let region_code = format!("^{PREFECTURE}[0-9]{{2}}$");
    let municipality_code = format!("^{PREFECTURE}[0-9]{{3}}$");
    let prefecture_code = format!("^{PREFECTURE}$");
    let taxonomy = Taxonomy::builtin();
    let kinds = codes(&taxonomy.kinds);
    let mut search_kinds = kinds.clone();
    search_kinds.push(search::ALL_KINDS);
    let needs = codes(&taxonomy.capabilities);
    let accreditations = codes(&taxonomy.accreditations);
    let layers: Vec<&str> = crate::tiles::TileLayer::ALL
        .iter()
        .map(|layer| layer.name())
        .collect();

    for path in ["/api/v1/search", "/api/v1/print/referral"] {
        let op = operation(doc, path);
        set_enum(op, "format", &search::SEARCH_FORMATS);
        set_code_list(op, "kinds", &search_kinds);
        set_code_list(op, "needs", &needs);
        set_pattern(op, "region", &area_code);
        set_schema(
            op,
            "max_minutes",
            "maximum",
            json!(renkei_app::search::max_search_minutes()),
        );
        set_schema(op, "near", "pattern", json!("\\S"));
        set_schema(op, "q", "pattern", json!("\\S"));
        exclusive(op, &PLACE);
        exclusive(op, &SEARCH_REACH);
    }
    for path in ["/api/v1/coverage", "/api/v1/print/map"] {
        let op = operation(doc, path);
        set_code_list(op, "kinds", &kinds);
        set_code_list(op, "needs", &needs);
        exclusive(op, &COVERAGE_REACH);
    }
    let op = operation(doc, "/api/v1/coverage");
    set_enum(op, "format", &coverage::COVERAGE_FORMATS);
    set_enum(op, "basis", &coverage::BASES);
    set_enum(op, "sites", &coverage::SITES);
    set_pattern(op, "region", &area_code);
    let op = operation(doc, "/api/v1/print/map");
    set_enum(op, "paper", &print::PAPERS);
    set_enum(op, "orientation", &print::ORIENTATIONS);
    set_pattern(op, "code", &area_code);
    set_pattern(
        operation(doc, "/api/v1/print/leaflet"),
        "region",
        &region_code,
    );
    set_pattern(
        operation(doc, "/api/v1/print/rollout"),
        "prefecture",
        &prefecture_code,
    );
    for path in ["/api/v1/rollout/areas", "/api/v1/rollout/issues"] {
        set_pattern(operation(doc, path), "prefecture", &prefecture_code);
    }
    set_enum(
        operation(doc, "/api/v1/rollout/issues"),
        "format",
        &rollout::ISSUE_FORMATS,
    );
    for path in ["/api/v1/facilities", "/api/v1/regions/{code}/facilities"] {
        let op = operation(doc, path);
        page_size(op);
        set_enum(op, "accreditation", &accreditations);
        set_pattern(op, "municipality", &municipality_code);
    }
    // No control characters (line breaks included), as the leaflet checks.
    set_pattern(
        operation(doc, "/api/v1/print/leaflet"),
        "issuer",
        "^[^\\u0000-\\u001f\\u007f-\\u009f]*$",
    );
    for path in [
        "/api/v1/regions/{code}",
        "/api/v1/regions/{code}/facilities",
    ] {
        set_pattern(operation(doc, path), "code", &area_code);
    }
    for path in ["/tiles/{layer}.json", "/tiles/{layer}/{z}/{x}/{y}.mvt"] {
        set_enum(operation(doc, path), "layer", &layers);
    }
    blank_is_absent(doc);
    limited_responses(doc);
}

/// Every optional query parameter may also be empty or blank, which the
/// server reads as absent; `true`/`false` flags also take `1`/`0`.
fn blank_is_absent(doc: &mut Value) {
    let paths = doc["paths"].as_object_mut().expect("paths");
    for item in paths.values_mut() {
        let Some(parameters) = item
            .get_mut("get")
            .and_then(|op| op.get_mut("parameters"))
            .and_then(Value::as_array_mut)
        else {
            continue;
        };
        for parameter in parameters {
            if parameter["in"] != "query" || parameter["required"] == true {
                continue;
            }
            let schema = &mut parameter["schema"];
            *schema = or_blank(schema.take());
        }
    }
}

/// `schema`, or blank; a flag as its four spellings, or blank.
fn or_blank(schema: Value) -> Value {
    if schema["type"] == "boolean" {
        return json!({"anyOf": [{"type": "string", "enum": ["true", "false", "1", "0"]}, blank()]});
    }
    let unconstrained_text = schema["type"] == "string"
        && ["pattern", "enum", "minLength"]
            .iter()
            .all(|k| schema.get(k).is_none());
    if unconstrained_text || matches!(schema["type"].as_str(), Some("array" | "object")) {
        return schema;
    }
    json!({"anyOf": [schema, blank()]})
}

/// The GET operation of `path`; the paths named here are all in the document.
fn operation<'a>(doc: &'a mut Value, path: &str) -> &'a mut Value {
    let op = &mut doc["paths"][path]["get"];
    assert!(op.is_object(), "the OpenAPI document has no GET {path}");
    op
}

/// The parameter `name` of `op`.
fn parameter<'a>(op: &'a mut Value, name: &str) -> &'a mut Map<String, Value> {
    let id = op["operationId"].to_string();
    op["parameters"]
        .as_array_mut()
        .and_then(|list| list.iter_mut().find(|p| p["name"] == name))
        .and_then(Value::as_object_mut)
        .unwrap_or_else(|| panic!("no parameter {name} in {id}"))
}

fn set_schema(op: &mut Value, name: &str, key: &str, value: Value) {
    parameter(op, name)
        .entry("schema")
        .or_insert_with(|| json!({}))[key] = value;
}

fn set_enum(op: &mut Value, name: &str, values: &[&str]) {
    parameter(op, name).insert("schema".into(), json!({"type": "string", "enum": values}));
}

fn set_pattern(op: &mut Value, name: &str, pattern: &str) {
    set_schema(op, name, "pattern", json!(pattern));
}

/// A comma-separated list of `codes` (`a,b`), written as OpenAPI writes one.
fn set_code_list(op: &mut Value, name: &str, codes: &[&str]) {
    let parameter = parameter(op, name);
    parameter.insert("style".into(), json!("form"));
    parameter.insert("explode".into(), json!(false));
    // The annotation's example is the query text (`a,b`); as an array it would be ["a", "b"].
    parameter.remove("example");
    parameter.insert(
        "schema".into(),
        // Blank items are skipped, so `kinds=` and `a,,b` are fine.
        json!({"type": "array", "items": {"anyOf": [{"type": "string", "enum": codes}, blank()]}}),
    );
}

/// Replaces the parameters of `group` (and of its `otherwise`) in `op` with
/// one object parameter whose `oneOf` allows each form alone, or none; a
/// blank value counts as absent, as the server reads it.
fn exclusive(op: &mut Value, group: &Exclusive) {
    let list = op["parameters"]
        .as_array_mut()
        .expect("the operation has parameters");
    let members: Vec<&str> = group
        .forms
        .iter()
        .flat_map(|form| form.iter().copied())
        .collect();
    let mut given = Map::new();
    list.retain(|parameter| {
        let name = parameter["name"].as_str().unwrap_or_default();
        if !members.contains(&name) && !group.otherwise.contains(&name) {
            return true;
        }
        let mut schema = parameter["schema"].clone();
        schema["description"] = parameter["description"].clone();
        given.insert(name.to_owned(), schema);
        false
    });
    assert_eq!(
        given.len(),
        members.len() + group.otherwise.len(),
        "{}: every member is a parameter",
        group.name
    );
    let only = |names: &[&str]| -> Map<String, Value> {
        names
            .iter()
            .map(|n| ((*n).to_owned(), given[*n].clone()))
            .collect()
    };
    let absent = |except: &[&str]| -> Map<String, Value> {
        members
            .iter()
            .filter(|m| !except.contains(m))
            .map(|m| ((*m).to_owned(), blank()))
            .collect()
    };
    let mut one_of: Vec<Value> = group
        .forms
        .iter()
        .map(|form| {
            let mut properties = only(form);
            properties.extend(absent(form));
            json!({"required": form, "properties": properties})
        })
        .collect();
    let mut none = json!({"properties": absent(&[])});
    if !group.otherwise.is_empty() {
        let any: Vec<Value> = group
            .otherwise
            .iter()
            .map(|n| json!({"required": [n], "properties": only(&[n])}))
            .collect();
        none["anyOf"] = json!(any);
    }
    one_of.push(none);
    let properties: Map<String, Value> = given
        .iter()
        .map(|(name, schema)| (name.clone(), or_blank(schema.clone())))
        .collect();
    list.push(json!({
        "name": group.name,
        "in": "query",
        // Some member must be given when no form may be left out altogether.
        "required": !group.otherwise.is_empty(),
        "style": "form",
        "explode": true,
        "description": group.description,
        "schema": {
            "type": "object",
            "properties": properties,
            "oneOf": one_of,
        },
    }));
}

/// `format` and `per_page` of a facility list as one object parameter: JSON
/// pages hold up to 1,000 facilities, CSV and GeoJSON pages up to 10,000.
fn page_size(op: &mut Value) {
    let list = op["parameters"]
        .as_array_mut()
        .expect("the operation has parameters");
    let mut taken = Map::new();
    list.retain(|parameter| {
        let name = parameter["name"].as_str().unwrap_or_default();
        if name != "format" && name != "per_page" {
            return true;
        }
        let mut schema = parameter["schema"].clone();
        schema["description"] = parameter["description"].clone();
        taken.insert(name.to_owned(), schema);
        false
    });
    let size = |max: u32| or_blank(json!({"type": "integer", "minimum": 1, "maximum": max}));
    let json_max = renkei_store::PageRequest::MAX_PER_PAGE;
    let export_max = crate::facilities::EXPORT_MAX_PER_PAGE;
    list.push(json!({
        "name": "paging",
        "in": "query",
        "required": false,
        "style": "form",
        "explode": true,
        "description": "`format` (json, geojson or csv; absent: `Accept` decides, default JSON) and \
            `per_page` (JSON 1–1000, default 50; GeoJSON and CSV 1–10000, default 10000). / 形式と1ページの件数",
        "schema": {
            "type": "object",
            "properties": {
                "format": or_blank(taken["format"].clone()),
                "per_page": or_blank(taken["per_page"].clone()),
            },
            "oneOf": [
                {"properties": {"format": or_blank(json!({"type": "string", "enum": ["json"]})), "per_page": size(json_max)}},
                {"required": ["format"], "properties": {"format": {"type": "string", "enum": ["geojson", "csv"]}, "per_page": size(export_max)}},
            ],
        },
    }));
}

/// 429 (`rate_limited`) on the rate-limited routes, 503 `busy` on print, and
/// 414 (`uri_too_long`) on every operation.
fn limited_responses(doc: &mut Value) {
    let error = |description: &str| {
        json!({
            "description": description,
            "headers": {"Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}},
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}},
        })
    };
    let paths = doc["paths"].as_object_mut().expect("paths");
    for (path, item) in paths.iter_mut() {
        let Some(operation) = item.get_mut("get") else {
            continue;
        };
        let responses = &mut operation["responses"];
        responses["414"] = json!({
            "description": "The path and query are too long / URL が長すぎます",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}},
        });
        if path == "/api/v1/search" || path == "/api/v1/print/referral" {
            responses["404"] = json!({
                "description": "`near` names no known place (`place_not_found`) / 場所が見つかりません",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}},
            });
        }
        if path.starts_with("/api/v1/print/") || path == "/api/v1/coverage" {
            responses["429"] = error(
                "Too many requests from this client (`rate_limited`) / リクエストが多すぎます",
            );
        }
        if path.starts_with("/api/v1/print/") {
            responses["503"] = error(
                "Every PDF renderer stayed busy (`busy`), timed out, or the database is unavailable / 混雑・時間切れ・データベースに接続できません",
            );
        }
    }
}
