//! The in-memory index follows writes to the store.

use crate::support::{config, fixtures, get, source, store_with};
use renkei_http::{load_index, router, spawn_refresher, AppState, IndexHandle};
use std::time::{Duration, Instant};

async fn a_write_reaches_the_served_index_within_a_second() {
    let all = fixtures();
    let store = store_with(&all[1..]).await;
    let index = IndexHandle::new(load_index(store.as_ref()).await.unwrap());
    let _refresher = spawn_refresher(store.clone(), index.clone(), Duration::from_millis(200));
    let app = router(AppState::new(store.clone(), index, config()));
    assert_eq!(
        get(app.clone(), "/api/v1/facilities").await.json()["total"],
        2
    );

    store.upsert_facilities(&source(), &all[..1]).await.unwrap();
    let written = Instant::now();
    loop {
        if get(app.clone(), "/api/v1/facilities").await.json()["total"] == 3 {
            break;
        }
        assert!(
            written.elapsed() < Duration::from_secs(1),
            "index not refreshed within 1 s"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(get(app, "/api/v1/health").await.json()["facilities"], 3);
}

on_both_backends!(a_write_reaches_the_served_index_within_a_second,);
