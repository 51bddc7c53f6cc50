//! Hospital accreditations: replaced per source, read with the facility, kept
//! when the facility itself is imported again.

use crate::support::{facility, source};
use chrono::NaiveDate;
use renkei_core::AccreditationCode;
use renkei_store::{AccreditationRecord, Store};

/// Accreditations round-trip and survive a changed re-import of their hospital.
pub async fn accreditations_round_trip_and_survive_reimport(store: &dyn Store) {
    let src = source("test-a");
    let mut hospital = facility(&src, "1", "hospital", "架空こども病院", "14207");
    store
        .upsert_facilities(&src, std::slice::from_ref(&hospital))
        .await
        .unwrap();
    let record = |code: &str| AccreditationRecord {
        facility: hospital.id,
        code: AccreditationCode::new(code).unwrap(),
        since: NaiveDate::from_ymd_opt(2024, 10, 1),
        institution_number: "9999991".into(),
    };
    assert_eq!(
        store
            .replace_accreditations("list", &[record("picu"), record("nicu_1")], None)
            .await
            .unwrap(),
        2
    );
    let codes = |f: renkei_core::Facility| {
        f.accreditations
            .into_iter()
            .map(|a| a.code.to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        codes(store.facility(hospital.id).await.unwrap()),
        ["nicu_1", "picu"],
        "in taxonomy order"
    );

    hospital.name = "架空こども病院（改称）".into();
    store
        .upsert_facilities(&src, std::slice::from_ref(&hospital))
        .await
        .unwrap();
    assert_eq!(
        codes(store.facility(hospital.id).await.unwrap()).len(),
        2,
        "a facility import keeps them"
    );

    assert_eq!(
        store
            .replace_accreditations("list", &[record("gcu")], None)
            .await
            .unwrap(),
        1
    );
    let stored = store.facility(hospital.id).await.unwrap();
    assert_eq!(
        stored.accreditations[0].since,
        NaiveDate::from_ymd_opt(2024, 10, 1)
    );
    assert_eq!(codes(stored), ["gcu"], "the list replaces its own rows");
}
