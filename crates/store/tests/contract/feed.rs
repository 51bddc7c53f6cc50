//! The change feed.

use crate::support::{facility, source};
use renkei_store::{ChangeEvent, Store};
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
