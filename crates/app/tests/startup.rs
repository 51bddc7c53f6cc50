//! Start-up: the first snapshot is read in one store transaction, with every
//! location placed in its municipality before it is built.

use renkei_core::directory_index::DirectoryQuery;
use renkei_core::fixtures::{fictional_facility, fictional_municipality, square};
use renkei_core::LonLat;
use renkei_store::{DatabaseUrl, OpenOptions, SharedStore, SourceInfo};

async fn store_with_two_clinics() -> SharedStore {
    let store = renkei_store::open(&DatabaseUrl::new("sqlite::memory:"), OpenOptions::default())
        .await
        .unwrap();
    let source = SourceInfo {
        key: "test".into(),
        name: "架空データ".into(),
        publisher: "架空県".into(),
        licence: "CC0".into(),
        attribution: String::new(),
        url: None,
        demo: true,
    };
    let inside = LonLat::new(139.05, 35.05).unwrap();
    let facilities = [
        fictional_facility("1", "clinic", "架空診療所", Some(inside)),
        fictional_facility("2", "clinic", "架空医院", None),
    ];
    store.upsert_facilities(&source, &facilities).await.unwrap();
    store
}

fn municipality_of(snapshot: &renkei_app::Snapshot, record: &str) -> Option<String> {
    snapshot
        .directory()
        .listed(&DirectoryQuery::default())
        .map(|listed| listed.facility())
        .find(|f| f.provenance.source_record_id == record)
        .and_then(|f| f.location.municipality.map(|m| m.as_str().to_owned()))
}

#[tokio::test]
async fn the_first_snapshot_shows_the_placements_start_up_stored() {
    let store = store_with_two_clinics().await;
    let unplaced = renkei_app::startup::prepare(store.as_ref()).await.unwrap();
    assert_eq!(municipality_of(&unplaced, "1"), None, "no boundaries yet");
    store
        .replace_boundaries(
            "架空境界.json",
            &[fictional_municipality("14207", square(139.0, 35.0, 0.1))],
        )
        .await
        .unwrap();

    let placed = renkei_app::startup::prepare(store.as_ref()).await.unwrap();
    assert_eq!(municipality_of(&placed, "1").as_deref(), Some("14207"));
    assert_eq!(municipality_of(&placed, "2"), None, "no position");
    assert_eq!(
        placed.data_version(),
        store.data_version().await.unwrap(),
        "placing changed the store: the snapshot is read again after it"
    );

    let again = renkei_app::startup::prepare(store.as_ref()).await.unwrap();
    assert_eq!(again.data_version(), placed.data_version(), "nothing moved");
    assert_eq!(municipality_of(&again, "1").as_deref(), Some("14207"));
}
