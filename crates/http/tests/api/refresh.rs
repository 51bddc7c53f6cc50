//! The in-memory index follows writes to the store.

use crate::support::{config, fixtures, get, source, store_with};
use renkei_app::{load_index, spawn_refresher, ReadModel as IndexHandle};
use renkei_http::{router, AppState};
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

/// Search hits are written out once per index snapshot; a changed record must
/// show its new facts as soon as the refreshed index serves.
async fn search_hits_follow_a_changed_record() {
    let mut all = fixtures();
    let store = store_with(&all).await;
    let index = IndexHandle::new(load_index(store.as_ref()).await.unwrap());
    let app = router(AppState::new(store.clone(), index.clone(), config()));
    let search = "/api/v1/search?lon=139.4037&lat=35.3334&radius_m=1000&include_unknown=true";
    let names = |reply: serde_json::Value| -> Vec<String> {
        ["results", "unknown"]
            .iter()
            .flat_map(|list| reply[*list].as_array().cloned().unwrap_or_default())
            .map(|hit| hit["facility"]["name"].as_str().unwrap().to_owned())
            .collect()
    };
    let before = names(get(app.clone(), search).await.json());
    assert!(
        before.contains(&"架空訪問看護ステーションさくら".to_owned()),
        "{before:?}"
    );

    all[0].name = "架空訪問看護ステーションさくら（移転）".into();
    store.upsert_facilities(&source(), &all[..1]).await.unwrap();
    index.store(load_index(store.as_ref()).await.unwrap());
    let after = names(get(app, search).await.json());
    assert!(
        after.contains(&"架空訪問看護ステーションさくら（移転）".to_owned()),
        "{after:?}"
    );
    assert!(!after.contains(&"架空訪問看護ステーションさくら".to_owned()));
}

on_both_backends!(
    a_write_reaches_the_served_index_within_a_second,
    search_hits_follow_a_changed_record,
);
