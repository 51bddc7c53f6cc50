//! Issue 17: copying a store copies every table, both ways, and says so only
//! when each table's row count and checksum match.

use super::coverage_inputs::cell;
use super::file_imports::placement;
use super::geocoding::town;
use super::regions::{table, unit};
use crate::support::{facility, run_log, source, synthetic};
use chrono::{NaiveDate, TimeZone, Utc};
use renkei_core::geocode::Precision;
use renkei_core::region::MunicipalPopulation;
use renkei_core::{AccreditationCode, Answer, Verification};
use renkei_store::{
    checksum, copy_store, plan, AccreditationRecord, AuditEntry, FileImport, GeocodeRecord,
    ImportConflict, NewAccount, OrganisationKind, PopulationRecord, ServiceAreaRecord, Store,
    VerifiedFact, VerifiedField, NOT_COPIED,
};

/// The tables the migrations create (both backends have the same).
fn migration_tables() -> Vec<String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../migrations/sqlite");
    let mut tables = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let sql = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for line in sql.lines() {
            let line = line.trim();
            if let Some(rest) = line.strip_prefix("CREATE TABLE ") {
                let name = rest
                    .trim_start_matches("IF NOT EXISTS ")
                    .split([' ', '('])
                    .next()
                    .unwrap();
                tables.push(name.to_owned());
            }
            if let Some(rest) = line.strip_prefix("DROP TABLE ") {
                let name = rest.trim_start_matches("IF EXISTS ").trim_end_matches(';');
                tables.retain(|t| t != name);
            }
        }
    }
    tables.sort();
    tables
}

/// Puts at least one row in every table a copy carries.
async fn fill_every_table(store: &dyn Store) {
    let a = source("test-a");
    let mut stations = synthetic(&a, 120);
    stations[7].status = renkei_core::FacilityStatus::Closed;
    let hospital = facility(&a, "h1", "hospital", "架空こども病院", "47201");
    stations.push(hospital.clone());
    let station = stations[0].clone();
    let verified = VerifiedFact {
        facility: station.id,
        service_key: "main".into(),
        field: VerifiedField::AcceptingNewClients,
        answer: Answer::No,
        verified: Verification {
            on: NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
            by_organization: "架空保健福祉事務所".into(),
        },
        staff_note: Some("職員のみ".into()),
    };
    store.upsert_facilities(&a, &stations).await.unwrap();
    // Staff accounts, their organisations and the audit log move with the
    // directory (#16); sessions do not.
    let account = NewAccount {
        email: "admin@kakuu.example".into(),
        organisation: "架空県医療的ケア児支援センター".into(),
        organisation_kind: OrganisationKind::Desk,
        role: renkei_core::Role::Admin,
        scope: renkei_core::Scope::All,
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA".into(),
    };
    let audit = AuditEntry {
        at: Utc.with_ymd_and_hms(2026, 11, 30, 1, 0, 0).unwrap(),
        account: None,
        organisation: "コマンドライン".into(),
        action: "account.add".into(),
        record_kind: "account".into(),
        record_id: account.email.clone(),
        region: None,
        before: None,
        after: Some(serde_json::json!({"email": account.email, "role": "admin"})),
    };
    store.add_account(&account, &audit).await.unwrap();
    store
        .set_verified_facts(std::slice::from_ref(&verified))
        .await
        .unwrap();
    let conflict = ImportConflict {
        facility: station.id,
        service_key: "main".into(),
        field: VerifiedField::AcceptingNewClients,
        imported: Answer::Yes,
        verified: Answer::No,
        verified_on: verified.verified.on,
        source_key: a.key.clone(),
        file_name: "架空リスト.csv".into(),
        detected_at: Utc.with_ymd_and_hms(2026, 11, 25, 3, 0, 0).unwrap(),
    };
    let geocode = GeocodeRecord {
        facility: stations[1].id,
        precision: Precision::Town,
        matched: "架空市架空町一丁目".into(),
    };
    let placements = [placement(&stations[2], 12.5)];
    let import = FileImport {
        conflicts: std::slice::from_ref(&conflict),
        geocodes: std::slice::from_ref(&geocode),
        placements: &placements,
        ..FileImport::records(&a, &stations)
    };
    store
        .apply_import(import, &run_log("架空リスト.csv", 121))
        .await
        .unwrap();
    store
        .upsert_facilities(&source("test-empty"), &[])
        .await
        .unwrap();
    fill_region_and_coverage_tables(store, &hospital, &station).await;
    fill_base_map_tables(store).await;
    super::rollout::fill_rollout(store).await;
}

/// Stations, rail lines and postcode points (#18).
async fn fill_base_map_tables(store: &dyn Store) {
    use super::basemap::{postcode, station};
    store
        .replace_stations(
            "n02-stations",
            &[station("1", "架空ヶ丘")],
            &run_log("s.geojson", 1),
        )
        .await
        .unwrap();
    let line = renkei_core::basemap::RailLine {
        id: "9001#0".into(),
        name: "架空線".into(),
        operator: "架空鉄道".into(),
        parts: vec![vec![
            renkei_core::LonLat::new(139.4, 35.3).unwrap(),
            renkei_core::LonLat::new(139.5, 35.31).unwrap(),
        ]],
        licence: "CC BY-SA 4.0".into(),
        attribution: "架空の出典 (CC BY-SA 4.0)".into(),
    };
    store
        .replace_rail_lines("rail-lines", &[line], &run_log("l.geojson", 1))
        .await
        .unwrap();
    store
        .replace_postcodes(
            "postcodes",
            &[postcode("9990001", "47")],
            &run_log("p.csv", 1),
        )
        .await
        .unwrap();
}

/// Regions, boundaries, population, town points, accreditations and the
/// coverage inputs, naming `hospital` and `station`.
async fn fill_region_and_coverage_tables(
    store: &dyn Store,
    hospital: &renkei_core::Facility,
    station: &renkei_core::Facility,
) {
    store
        .upsert_region_table(&table(&["47101", "47201"]))
        .await
        .unwrap();
    store
        .replace_boundaries(
            "架空境界.geojson",
            &[
                unit("47201", "架空町", 127.6),
                unit("47301", "架空村", 127.8),
            ],
        )
        .await
        .unwrap();
    store
        .set_population(&[PopulationRecord {
            population: MunicipalPopulation {
                code: "47201".parse().unwrap(),
                name: "架空町".into(),
                total: 800,
                under_15: 100,
            },
            year: 2020,
            source: "架空統計 2020".into(),
        }])
        .await
        .unwrap();
    store
        .replace_town_points("町丁目.csv", &[town("47201", "架空町一丁目", 127.65)])
        .await
        .unwrap();
    store
        .replace_accreditations(
            "list",
            &[AccreditationRecord {
                facility: hospital.id,
                code: AccreditationCode::new("picu").unwrap(),
                since: NaiveDate::from_ymd_opt(2024, 10, 1),
                institution_number: "9999991".into(),
            }],
            Some(&run_log("施設基準.csv", 1)),
        )
        .await
        .unwrap();
    store
        .replace_mesh_population("メッシュ.txt", &[cell("39271000", 12)])
        .await
        .unwrap();
    store
        .replace_service_areas(
            "提供地域.csv",
            &[ServiceAreaRecord {
                facility: station.id,
                municipality: "47201".parse().unwrap(),
            }],
        )
        .await
        .unwrap();
}

/// Every table of the migrations is copied (or named in `NOT_COPIED`),
/// every one holds rows here, and after copying `from` → `to` → `back` each
/// has the same row count and checksum on all three; copying again changes
/// nothing.
pub async fn issue_17_copy_store_copies_every_table_both_ways(
    from: &dyn Store,
    to: &dyn Store,
    back: &dyn Store,
) {
    fill_every_table(from).await;
    let copies = plan(from, to).await.unwrap();
    let mut carried: Vec<String> = copies.iter().map(|c| c.to.table.clone()).collect();
    carried.extend(NOT_COPIED.iter().map(|t| (*t).to_owned()));
    carried.retain(|t| t != "_sqlx_migrations");
    carried.sort();
    assert_eq!(
        carried,
        migration_tables(),
        "every table of the migrations is copied or named in NOT_COPIED"
    );

    let there = copy_store(from, to).await.unwrap();
    assert_eq!((there.sources, there.facilities), (2, 121));
    let again = copy_store(from, to).await.unwrap();
    assert_eq!(again, there, "copying again gives the same tables");
    let home = copy_store(to, back).await.unwrap();
    assert_eq!(home, there);
    for (copy, home_copy) in copies.iter().zip(plan(to, back).await.unwrap()) {
        let origin = checksum(from, &copy.from, &copy.kinds).await.unwrap();
        let target = checksum(to, &copy.to, &copy.kinds).await.unwrap();
        let returned = checksum(back, &home_copy.to, &home_copy.kinds)
            .await
            .unwrap();
        assert!(origin.rows > 0, "the fixture fills table {}", copy.to.table);
        assert_eq!(origin, target, "table {} there", copy.to.table);
        assert_eq!(origin, returned, "table {} back", copy.to.table);
    }
    // What the service reads is the same too.
    assert_eq!(
        from.snapshot().await.unwrap().facilities,
        back.snapshot().await.unwrap().facilities
    );
    assert_eq!(
        from.municipalities().await.unwrap(),
        to.municipalities().await.unwrap()
    );
    assert_eq!(
        from.import_runs(10).await.unwrap(),
        back.import_runs(10).await.unwrap()
    );
    assert_eq!(
        from.import_conflicts(10).await.unwrap(),
        to.import_conflicts(10).await.unwrap()
    );
    assert_eq!(
        from.verified_facts().await.unwrap(),
        back.verified_facts().await.unwrap()
    );
    assert_eq!(
        from.town_points().await.unwrap(),
        to.town_points().await.unwrap()
    );
    assert_eq!(
        from.populations().await.unwrap(),
        to.populations().await.unwrap()
    );
    assert_eq!(
        from.region_tables().await.unwrap(),
        to.region_tables().await.unwrap()
    );
    assert_eq!(
        from.mesh_populations().await.unwrap(),
        to.mesh_populations().await.unwrap()
    );
    assert_eq!(
        from.service_areas().await.unwrap(),
        back.service_areas().await.unwrap()
    );
}
