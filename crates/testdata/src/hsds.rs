//! Validation against the Open Referral HSDS JSON Schemas (JSON Schema
//! 2020-12) of the reference copy in `../shared/reference/hsds` (or
//! `$RENKEI_HSDS_REFERENCE`): `schema/…` is HSDS 3.0, `3.1-dev/schema/…`
//! the 3.1 draft. Relative `$ref`s are read from the schema's own folder;
//! nothing is fetched from the network.

use jsonschema::{Draft, Retrieve, Uri, Validator};
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The schemas of the reference copy, each compiled once.
#[derive(Debug)]
pub struct HsdsSchemas {
    root: PathBuf,
    compiled: Mutex<HashMap<String, std::sync::Arc<Validator>>>,
}

/// Reads `$ref`ed schemas from `file://` URIs.
struct Files;

impl Retrieve for Files {
    fn retrieve(
        &self,
        uri: &Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let path = uri
            .as_str()
            .strip_prefix("file://")
            .ok_or_else(|| format!("only file:// schemas are read, not {uri}"))?;
        Ok(serde_json::from_slice(&std::fs::read(path)?)?)
    }
}

impl HsdsSchemas {
    /// The reference copy, or `None` after printing a `SKIPPED:` line.
    pub fn load() -> Option<Self> {
        let root = std::env::var_os("RENKEI_HSDS_REFERENCE").map_or_else(
            || crate::shared_data_dir().join("../reference/hsds"),
            PathBuf::from,
        );
        if !root.join("schema/service.json").is_file() {
            eprintln!(
                "SKIPPED: no HSDS schemas at {}; set RENKEI_HSDS_REFERENCE to the reference copy to run this",
                root.display()
            );
            return None;
        }
        Some(Self {
            root,
            compiled: Mutex::default(),
        })
    }

    /// The root of the reference copy (`datapackage.json`, `schema/`, `3.1-dev/`).
    pub fn root(&self) -> &Path {
        &self.root
    }

    fn validator(&self, schema: &str, row: bool) -> std::sync::Arc<Validator> {
        let mut compiled = self
            .compiled
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let key = format!("{schema}{}", if row { " (row)" } else { "" });
        compiled
            .entry(key)
            .or_insert_with(|| {
                let path = self.root.join(schema);
                let text =
                    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                let mut document: Value = serde_json::from_slice(&text).expect("a schema is JSON");
                if row {
                    as_row(&mut document);
                }
                let folder = path.parent().expect("a schema is in a folder");
                let validator = jsonschema::options()
                    .with_draft(Draft::Draft202012)
                    .should_validate_formats(true)
                    .with_base_uri(format!("file://{}/", folder.display()))
                    .with_retriever(Files)
                    .build(&document)
                    .unwrap_or_else(|e| panic!("{schema} does not compile: {e}"));
                std::sync::Arc::new(validator)
            })
            .clone()
    }

    /// Every error of `instance` against `schema` (a path inside the
    /// reference copy, e.g. `schema/compiled/service.json`), as text.
    pub fn errors(&self, schema: &str, instance: &Value) -> Vec<String> {
        self.errors_of(schema, instance, false)
    }

    fn errors_of(&self, schema: &str, instance: &Value, row: bool) -> Vec<String> {
        self.validator(schema, row)
            .iter_errors(instance)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect()
    }

    /// Panics with every error when `instance` (named `what`) is not valid.
    pub fn assert_valid(&self, schema: &str, instance: &Value, what: &str) {
        self.assert(schema, instance, what, false);
    }

    /// As [`HsdsSchemas::assert_valid`] for one row of a Tabular Data
    /// Package table, as HSDS's tabular form requires it: nested objects
    /// are other tables, and the `tabular_required` links must be there.
    pub fn assert_valid_row(&self, schema: &str, row: &Value, what: &str) {
        self.assert(schema, row, what, true);
    }

    fn assert(&self, schema: &str, instance: &Value, what: &str, row: bool) {
        let errors = self.errors_of(schema, instance, row);
        assert!(
            errors.is_empty(),
            "{what} is not a valid {schema}:\n{}\n{}",
            errors.join("\n"),
            serde_json::to_string(instance)
                .unwrap_or_default()
                .chars()
                .take(2000)
                .collect::<String>()
        );
    }
}

/// An object schema as its table row: `required` without the nested objects
/// and lists (their own tables), plus `tabular_required`.
fn as_row(document: &mut Value) {
    let nested = |name: &str| {
        let property = &document["properties"][name];
        property.get("$ref").is_some()
            || matches!(property["type"].as_str(), Some("object" | "array"))
    };
    let mut required: Vec<Value> = document["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|name| !name.as_str().is_some_and(nested))
        .cloned()
        .collect();
    required.extend(
        document["tabular_required"]
            .as_array()
            .into_iter()
            .flatten()
            .cloned(),
    );
    document["required"] = Value::Array(required);
}
