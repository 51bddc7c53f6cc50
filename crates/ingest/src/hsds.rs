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
pub fn parse(file: &str, bytes: &[u8], imported_at: DateTime<Utc>) -> IngestResult<Vec<ParsedFile>> {
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
            let name = member.name().rsplit('/').next().unwrap_or_default().to_owned();
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
    let descriptor: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| bad(format!("neither an HSDS service array nor a datapackage.json: {e}")))?;
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
    let mut tables = HashMap::new();
    for spec in &tabular::TABLES {
        let required = matches!(spec.name, "service" | "service_at_location" | "location");
        let bytes = match open(spec.path) {
            Ok(bytes) => bytes,
            Err(_) if !required => continue,
            Err(error) => return Err(error),
        };
        let rows = tabular::read_table(spec, &bytes).map_err(|error| match error {
            IngestError::Format { file: table, reason } => IngestError::Format {
                file: format!("{file}!{table}"),
                reason,
            },
            other => other,
        })?;
        tables.insert(spec.name, rows);
    }
    tabular::assemble(tables)
}
