//! Closing records that a newer complete file no longer lists.

use crate::support::{facility, source};
use chrono::NaiveDate;
use renkei_core::FacilityStatus;
use renkei_store::Store;

/// Missing records are closed with the date and kept; one that comes back is open again.
pub async fn missing_records_are_closed_and_reopen(store: &dyn Store) {
    let src = source("test-a");
    let kept = facility(&src, "1", "clinic", "テスト小児科クリニック", "14207");
    let gone = facility(
        &src,
        "2",
        "visiting_nurse",
        "架空訪問看護ステーションさくら",
        "14207",
    );
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

    assert_eq!(
        store.close_missing("test-a", &[kept.id], on).await.unwrap(),
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
        store.close_missing("test-a", &[kept.id], on).await.unwrap(),
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
