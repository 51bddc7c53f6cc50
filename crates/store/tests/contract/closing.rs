//! Closing records that a newer complete file no longer lists.

use crate::support::{facility, source};
use chrono::NaiveDate;
use renkei_core::{Facility, FacilityStatus, PrefectureCode, ServiceTypeCode};
use renkei_store::{Listing, Store};

fn listing_of(records: &[&Facility]) -> Listing {
    let mut listing = Listing::default();
    for record in records {
        listing.add_record(record);
    }
    listing
}

/// Missing records are closed with the date and kept; one that comes back is open again.
pub async fn missing_records_are_closed_and_reopen(store: &dyn Store) {
    let src = source("test-a");
    let kept = facility(&src, "1", "clinic", "テスト小児科クリニック", "14207");
    let gone = facility(&src, "2", "clinic", "架空こども診療所", "14207");
    let other = source("test-b");
    let elsewhere = facility(&other, "9", "clinic", "架空こどもクリニック", "14205");
    store
        .upsert_facilities(&src, &[kept.clone(), gone.clone()])
        .await
        .unwrap();
    store
        .upsert_facilities(&other, std::slice::from_ref(&elsewhere))
        .await
        .unwrap();
    let on = NaiveDate::from_ymd_opt(2026, 4, 1).unwrap();
    let newer = listing_of(&[&kept]);

    assert_eq!(
        store
            .close_missing("test-a", &newer, on, None)
            .await
            .unwrap(),
        1
    );
    let closed = store.facility(gone.id).await.unwrap();
    assert_eq!(
        (closed.status, closed.closed_on),
        (FacilityStatus::Closed, Some(on))
    );
    assert_eq!(
        store.facility(kept.id).await.unwrap().status,
        FacilityStatus::Active
    );
    assert_eq!(
        store.facility(elsewhere.id).await.unwrap().status,
        FacilityStatus::Active,
        "other sources are untouched"
    );
    assert_eq!(
        store
            .close_missing("test-a", &newer, on, None)
            .await
            .unwrap(),
        0,
        "closing twice changes nothing"
    );

    let written = store
        .upsert_facilities(&src, &[kept.clone(), gone.clone()])
        .await
        .unwrap();
    assert_eq!((written.updated, written.unchanged), (1, 1));
    let reopened = store.facility(gone.id).await.unwrap();
    assert_eq!(
        (reopened.status, reopened.closed_on),
        (FacilityStatus::Active, None)
    );
}

/// Only records in the prefectures, kinds and service types the files cover
/// are closed; a record listed on a rejected row keeps its state.
pub async fn issue_5_closing_is_scoped_to_what_the_files_cover(store: &dyn Store) {
    let src = source("test-a");
    let in_kanagawa = facility(&src, "14-1", "clinic", "架空こども診療所", "14207");
    let gone_in_kanagawa = facility(&src, "14-2", "clinic", "架空みなと診療所", "14205");
    let in_tokyo = facility(&src, "13-1", "clinic", "架空とうきょう診療所", "13101");
    let hospital = facility(&src, "14-3", "hospital", "架空県立こども病院", "14207");
    let rejected_row = facility(&src, "14-4", "clinic", "架空やま診療所", "14207");
    let mut short_stay = facility(&src, "14-5", "welfare_provider", "架空短期入所", "14207");
    short_stay.services[0].service_type = Some(ServiceTypeCode::new("short_stay").unwrap());
    let mut other_service = facility(&src, "14-6", "welfare_provider", "架空居宅訪問", "14207");
    other_service.services[0].service_type =
        Some(ServiceTypeCode::new("home_visit_child_development_support").unwrap());
    let everything = [
        in_kanagawa.clone(),
        gone_in_kanagawa.clone(),
        in_tokyo.clone(),
        hospital.clone(),
        rejected_row.clone(),
        short_stay.clone(),
        other_service.clone(),
    ];
    store.upsert_facilities(&src, &everything).await.unwrap();
    let on = NaiveDate::from_ymd_opt(2026, 4, 1).unwrap();

    // A newer Kanagawa clinic list (and a 短期入所 list that now lists nothing
    // else): it covers Kanagawa clinics and Kanagawa short stays only.
    let mut newer = listing_of(&[&in_kanagawa]);
    newer.add_listed_id(rejected_row.id);
    let mut short_stays = Listing::default();
    short_stays.add_record(&{
        let mut other_stay = short_stay.clone();
        other_stay.id = renkei_core::FacilityId::from_source("test-a", "14-7");
        other_stay
    });
    newer.extend(&short_stays);
    assert_eq!(newer.prefectures(), ["14"]);
    assert_eq!(
        store
            .close_missing("test-a", &newer, on, None)
            .await
            .unwrap(),
        2
    );

    let status = |f: Facility| f.status;
    for (record, expected, why) in [
        (&in_kanagawa, FacilityStatus::Active, "listed"),
        (
            &gone_in_kanagawa,
            FacilityStatus::Closed,
            "covered, not listed",
        ),
        (&in_tokyo, FacilityStatus::Active, "another prefecture"),
        (&hospital, FacilityStatus::Active, "another kind of list"),
        (
            &rejected_row,
            FacilityStatus::Active,
            "listed on a rejected row",
        ),
        (&short_stay, FacilityStatus::Closed, "covered, not listed"),
        (
            &other_service,
            FacilityStatus::Active,
            "another service type",
        ),
    ] {
        assert_eq!(
            status(store.facility(record.id).await.unwrap()),
            expected,
            "{}: {why}",
            record.name
        );
    }

    // Restricted to Tokyo, the same listing covers nothing and closes nothing.
    let mut tokyo_only = newer.clone();
    tokyo_only.restrict_to(&PrefectureCode::new("13").unwrap());
    assert!(tokyo_only.covers_nothing());
    assert_eq!(
        store
            .close_missing("test-a", &tokyo_only, on, None)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        status(store.facility(in_tokyo.id).await.unwrap()),
        FacilityStatus::Active
    );
}
