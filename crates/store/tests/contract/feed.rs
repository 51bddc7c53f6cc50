//! Change feed and copying between stores.

use crate::support::{facility, source, synthetic};
use renkei_store::{copy_store, ChangeEvent, Store};
use std::time::Duration;

/// A subscriber hears about a committed write, with the new data version.
pub async fn change_feed_fires_on_write(store: &dyn Store) {
    let mut feed = store.subscribe_changes().await.unwrap();
    let src = source("test-a");
    store
        .upsert_facilities(
            &src,
            &[facility(
                &src,
                "1",
                "clinic",
                "テスト小児科クリニック",
                "14207",
            )],
        )
        .await
        .unwrap();
    let version = store.data_version().await.unwrap();
    loop {
        let event = tokio::time::timeout(Duration::from_secs(10), feed.recv())
            .await
            .expect("change event within 10 s");
        match event.expect("feed open") {
            ChangeEvent::Committed { data_version } if data_version == version => break,
            ChangeEvent::Committed { .. } | ChangeEvent::Resync => {}
        }
    }
}

/// Fills `from` with a little of everything, copies it to `to` and back to `back`.
pub async fn copy_round_trip(from: &dyn Store, to: &dyn Store, back: &dyn Store) {
    let a = source("test-a");
    let b = source("test-b");
    let mut batch = synthetic(&a, 120);
    batch[7].status = renkei_core::FacilityStatus::Closed;
    from.upsert_facilities(&a, &batch).await.unwrap();
    from.upsert_facilities(
        &b,
        &[facility(
            &b,
            "1",
            "clinic",
            "テスト小児科クリニック",
            "14207",
        )],
    )
    .await
    .unwrap();
    from.upsert_facilities(&source("test-empty"), &[])
        .await
        .unwrap();

    let there = copy_store(from, to).await.unwrap();
    assert_eq!(
        (there.sources, there.facilities, there.written.inserted),
        (3, 121, 121)
    );
    let again = copy_store(from, to).await.unwrap();
    assert_eq!(
        again.written.unchanged, 121,
        "copying twice changes nothing"
    );
    let home = copy_store(to, back).await.unwrap();
    assert_eq!(home.facilities, 121);
    assert_eq!(
        from.count_facilities_by_source().await.unwrap(),
        back.count_facilities_by_source().await.unwrap()
    );
    assert_eq!(from.sources().await.unwrap(), back.sources().await.unwrap());
    assert_eq!(
        from.all_facilities().await.unwrap(),
        back.all_facilities().await.unwrap()
    );
}
