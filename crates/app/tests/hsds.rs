//! Open Referral HSDS exchange files on the real Kanagawa open data in
//! ../shared/data: every exported object and table row validates against the
//! HSDS JSON Schemas (2020-12) of ../shared/reference/hsds, and importing the
//! files into a fresh store gives back every public facility. Each test
//! prints `SKIPPED:` and returns when a file is missing.

use renkei_app::hsds::{public_facilities, ExchangeFile, ExchangeFormat, ExportQuery};
use renkei_app::import::{FileOutcome, ImportKind, Importer};
use renkei_core::Facility;
use renkei_ingest::hsds::tabular::TABLES;
use renkei_ingest::import::{Format, Importer as OfficialList};
use renkei_ingest::run::ImportSession;
use renkei_store::{DatabaseUrl, OpenOptions, SharedStore};
use renkei_testdata::hsds::HsdsSchemas;
use renkei_testdata::shared_file;
use serde_json::Value;
use std::collections::BTreeMap;

/// The real files the tests import: hospitals, visiting-nurse stations and
/// short-stay (respite) providers.
const LISTS: [(OfficialList, &str); 3] = [
    (
        OfficialList::MhlwFacilities,
        "facilities/kanagawa_hospitals_mhlw.csv",
    ),
    (
        OfficialList::Kaigo,
        "facilities/kanagawa_visiting_nursing.csv",
    ),
    (
        OfficialList::Wamnet,
        "disability/kanagawa_wamnet_short_stay.csv",
    ),
];

/// A fresh store with Kanagawa's 二次医療圏, boundaries and town points.
async fn kanagawa_places() -> Option<SharedStore> {
    let n03 = shared_file("boundaries/N03-21_14_210101.json")?;
    let towns = shared_file("addresses/kanagawa_town_points.csv")?;
    let store = renkei_store::open(&DatabaseUrl::new("sqlite::memory:"), OpenOptions::default())
        .await
        .unwrap();
    for table in renkei_ingest::regions::builtin_region_tables().unwrap() {
        store.upsert_region_table(&table).await.unwrap();
    }
    let boundaries = renkei_ingest::n03::read_n03_file(&n03).unwrap();
    store
        .replace_boundaries("N03", &boundaries.municipalities)
        .await
        .unwrap();
    let (text, _) = renkei_ingest::text::decode("towns", &std::fs::read(towns).unwrap()).unwrap();
    let table = renkei_ingest::table::Table::parse("towns", &text).unwrap();
    let (points, _) = renkei_ingest::town_points::parse(&table).unwrap();
    store.replace_town_points("towns", &points).await.unwrap();
    Some(store)
}

async fn kanagawa() -> Option<SharedStore> {
    let paths: Vec<_> = LISTS
        .iter()
        .map(|(list, file)| Some((*list, shared_file(file)?)))
        .collect::<Option<_>>()?;
    let store = kanagawa_places().await?;
    let mut session = ImportSession::new(store.as_ref());
    for (list, path) in paths {
        session
            .import_path(&Format::Official(list), &path)
            .await
            .unwrap();
    }
    Some(store)
}

/// The public facilities of `store` by id, with the import time cleared
/// (an import stamps its own).
async fn public(store: &SharedStore) -> BTreeMap<String, Facility> {
    let snapshot = renkei_app::load(store.as_ref()).await.unwrap();
    public_facilities(&snapshot)
        .map(|f| {
            let mut facility = f.into_facility();
            facility.provenance.imported_at = chrono::DateTime::UNIX_EPOCH;
            (facility.id.to_string(), facility)
        })
        .collect()
}

fn export(snapshot: &renkei_app::Snapshot, format: ExchangeFormat) -> Vec<ExchangeFile> {
    ExportQuery { format }.run(snapshot).unwrap()
}

/// Imports the files (written to a temporary folder) into a fresh store
/// with the same places, through the one import dispatch.
async fn import_into_fresh(files: &[ExchangeFile], entry: &str) -> SharedStore {
    let dir = tempfile::tempdir().unwrap();
    for file in files {
        std::fs::write(dir.path().join(&file.name), &file.bytes).unwrap();
    }
    let path = dir.path().join(entry);
    let store = kanagawa_places().await.unwrap();
    let mut importer = Importer::new(store.as_ref());
    let outcome = importer
        .import_bytes(
            &ImportKind::Facilities(Format::Hsds),
            &path.display().to_string(),
            &std::fs::read(&path).unwrap(),
        )
        .await
        .unwrap();
    let FileOutcome::Facilities(reports) = outcome else {
        panic!("an HSDS file is a facility list")
    };
    for report in &reports {
        assert!(
            report.rejected.is_empty(),
            "{:?}",
            &report.rejected[..3.min(report.rejected.len())]
        );
    }
    assert_eq!(
        reports.len(),
        LISTS.len(),
        "one part (transaction, run log) per source"
    );
    store
}

/// The schema of HSDS object `name`: 3.0, or the 3.1 draft for what 3.1 adds.
fn object_schema(name: &str) -> String {
    match name {
        "unit" | "service_capacity" => format!("3.1-dev/schema/{name}.json"),
        name => format!("schema/{name}.json"),
    }
}

fn assert_same(before: &BTreeMap<String, Facility>, after: &BTreeMap<String, Facility>) {
    assert_eq!(before.len(), after.len());
    // An HSDS location states its municipality, so the import records it as
    // stated where the official list left it to the address; where the
    // record is placed (municipality, region) must not change.
    let placed = |facility: &Facility| {
        let mut facility = facility.clone();
        facility.location.stated_municipality = None;
        facility
    };
    for (id, facility) in before {
        assert_eq!(
            Some(placed(facility)),
            after.get(id).map(placed),
            "facility {id} changed in the round trip"
        );
    }
}

#[tokio::test]
async fn issue_20_kanagawa_json_export_validates_and_round_trips() {
    let (Some(store), Some(schemas)) = (kanagawa().await, HsdsSchemas::load()) else {
        return;
    };
    let snapshot = renkei_app::load(store.as_ref()).await.unwrap();
    let files = export(&snapshot, ExchangeFormat::Json);
    let services: Vec<Value> = serde_json::from_slice(&files[0].bytes).unwrap();
    assert!(!services.is_empty(), "the export is not empty");
    let mut capacities = 0;
    for service in &services {
        let what = format!("service {}", service["id"]);
        schemas.assert_valid("schema/compiled/service.json", service, &what);
        for capacity in service["capacities"].as_array().into_iter().flatten() {
            schemas.assert_valid("3.1-dev/schema/service_capacity.json", capacity, &what);
            capacities += 1;
        }
    }
    println!(
        "{} services, {capacities} with respite capacity",
        services.len()
    );
    let back = import_into_fresh(&files, &files[0].name).await;
    assert_same(&public(&store).await, &public(&back).await);
}

#[tokio::test]
async fn issue_20_kanagawa_tabular_package_validates_and_round_trips() {
    let (Some(store), Some(schemas)) = (kanagawa().await, HsdsSchemas::load()) else {
        return;
    };
    let snapshot = renkei_app::load(store.as_ref()).await.unwrap();
    let files = export(&snapshot, ExchangeFormat::Csv);
    let by_name: BTreeMap<_, _> = files.iter().map(|f| (f.name.as_str(), &f.bytes)).collect();
    // Every resource of the package is one HSDS defines (3.0, or the 3.1
    // draft), at its path, and every field one of its object's properties.
    let reference = |path: &str| -> Value {
        serde_json::from_slice(&std::fs::read(schemas.root().join(path)).unwrap()).unwrap()
    };
    let defined: Vec<Value> = [
        reference("datapackage.json"),
        reference("3.1-dev/datapackage.json"),
    ]
    .iter()
    .flat_map(|d| d["resources"].as_array().unwrap().clone())
    .collect();
    let descriptor: Value = serde_json::from_slice(by_name["datapackage.json"]).unwrap();
    for resource in descriptor["resources"].as_array().unwrap() {
        let name = resource["name"].as_str().unwrap();
        let hsds = defined
            .iter()
            .find(|r| r["name"] == name)
            .unwrap_or_else(|| panic!("HSDS has no resource {name}"));
        assert_eq!(resource["path"], hsds["path"], "{name}");
        let object = reference(&object_schema(name));
        for field in resource["schema"]["fields"].as_array().unwrap() {
            let field = field["name"].as_str().unwrap();
            assert!(
                object["properties"].get(field).is_some(),
                "HSDS {name} has no field {field}"
            );
        }
    }
    // Every row, typed as the reader types it, against its object's schema.
    for spec in &TABLES {
        let rows = renkei_ingest::hsds::tabular::read_table(spec, by_name[spec.path]).unwrap();
        let schema = object_schema(spec.name);
        let required = reference(&schema)["required"].clone();
        for (i, mut row) in rows.into_iter().enumerate() {
            // An empty cell of a required text field is the empty string.
            for field in required.as_array().into_iter().flatten() {
                let field = field.as_str().unwrap();
                if spec.columns.contains(&field) && !spec.numbers.contains(&field) {
                    row.entry(field)
                        .or_insert_with(|| Value::String(String::new()));
                }
            }
            schemas.assert_valid_row(
                &schema,
                &Value::Object(row),
                &format!("{} row {}", spec.path, i + 2),
            );
        }
    }
    let back = import_into_fresh(&files, "datapackage.json").await;
    assert_same(&public(&store).await, &public(&back).await);
}
