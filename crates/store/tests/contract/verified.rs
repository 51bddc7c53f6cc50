//! Desk-verified facts: laid over imported facts on read, kept when the
//! facility is imported again, and conflicts logged.

use crate::support::{facility, run_log, source};
use chrono::{NaiveDate, TimeZone, Utc};
use renkei_core::{Answer, CapabilityCode, Facility, Verification};
use renkei_store::{FileImport, ImportConflict, SourceInfo, Store, VerifiedFact, VerifiedField};

/// Regression for issue 5: a changed re-import rewrites the imported service
/// facts, but what a desk verified stays, with its date and organisation.
pub async fn issue_5_verified_facts_survive_reimport(store: &dyn Store) {
    let src = source("test-a");
    let mut station = facility(&src, "1", "visiting_nurse", "架空ひまわり訪問看護", "14207");
    station.services[0].capabilities.clear();
    station.services[0].accepting_new_clients = Answer::Unknown;
    store
        .upsert_facilities(&src, std::slice::from_ref(&station))
        .await
        .unwrap();
    let verified = Verification {
        on: NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
        by_organization: "架空市保健福祉事務所".into(),
    };
    let tube = CapabilityCode::new("tube_feeding").unwrap();
    let facts = [
        VerifiedFact {
            facility: station.id,
            service_key: "main".into(),
            field: VerifiedField::Capability(tube.clone()),
            answer: Answer::Yes,
            verified: verified.clone(),
            staff_note: Some("夜間は要相談（職員のみ）".into()),
        },
        VerifiedFact {
            facility: station.id,
            service_key: "main".into(),
            field: VerifiedField::AcceptingNewClients,
            answer: Answer::No,
            verified: verified.clone(),
            staff_note: None,
        },
    ];
    let before = store.data_version().await.unwrap();
    assert_eq!(store.set_verified_facts(&facts).await.unwrap(), 2);
    assert!(
        store.data_version().await.unwrap() > before,
        "readers refresh"
    );
    let mut expected = facts.to_vec();
    expected.sort_by(|a, b| a.field.as_str().cmp(b.field.as_str()));
    assert_eq!(
        store.verified_facts().await.unwrap(),
        expected,
        "ordered by field"
    );

    // The list changes (new name, and it now states "accepting: yes").
    station.name = "架空ひまわり訪問看護ステーション".into();
    station.services[0].accepting_new_clients = Answer::Yes;
    let written = store
        .upsert_facilities(&src, std::slice::from_ref(&station))
        .await
        .unwrap();
    assert_eq!(written.updated, 1);
    let read = store.facility(station.id).await.unwrap();
    assert_eq!(read.name, "架空ひまわり訪問看護ステーション");
    let service = &read.services[0];
    assert_eq!(service.capability(&tube), Answer::Yes);
    let fact = service
        .capabilities
        .iter()
        .find(|c| c.capability == tube)
        .unwrap();
    assert_eq!(fact.verified.as_ref(), Some(&verified));
    assert_eq!(fact.staff_note.as_deref(), Some("夜間は要相談（職員のみ）"));
    assert_eq!(
        service.accepting_new_clients,
        Answer::No,
        "the verified answer wins"
    );
    assert_eq!(service.verified.as_ref(), Some(&verified));
    assert_eq!(
        store.all_facilities().await.unwrap()[0].services[0].capability(&tube),
        Answer::Yes,
        "the index load sees it too"
    );

    // A later answer from the desk replaces the earlier one.
    let mut newer = facts[0].clone();
    newer.answer = Answer::No;
    newer.staff_note = None;
    store.set_verified_facts(&[newer]).await.unwrap();
    assert_eq!(
        store.facility(station.id).await.unwrap().services[0].capability(&tube),
        Answer::No
    );

    let conflict = ImportConflict {
        facility: station.id,
        service_key: "main".into(),
        field: VerifiedField::AcceptingNewClients,
        imported: Answer::Yes,
        verified: Answer::No,
        verified_on: verified.on,
        source_key: src.key.clone(),
        file_name: "架空リスト.csv".into(),
        detected_at: Utc.with_ymd_and_hms(2026, 11, 25, 3, 0, 0).unwrap(),
    };
    import_with_conflict(store, &src, &station, &conflict).await;
    assert_eq!(store.import_conflicts(10).await.unwrap(), [conflict]);
}

/// Imports `station` again as a file that found `conflict`.
async fn import_with_conflict(
    store: &dyn Store,
    src: &SourceInfo,
    station: &Facility,
    conflict: &ImportConflict,
) {
    let import = FileImport {
        conflicts: std::slice::from_ref(conflict),
        ..FileImport::records(src, std::slice::from_ref(station))
    };
    store
        .apply_import(import, &run_log("架空リスト.csv", 1))
        .await
        .unwrap();
}
