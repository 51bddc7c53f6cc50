//! Tests that need a particular backend or two stores at once.

use crate::support::{self, source, synthetic};
use renkei_store::{open, DatabaseUrl, OpenOptions, SqliteStore, Store, StoreError};
use std::time::{Duration, Instant};

#[tokio::test]
async fn copy_sqlite_to_sqlite_and_back() {
    let (from, to, back) = (
        support::sqlite().await,
        support::sqlite().await,
        support::sqlite().await,
    );
    crate::contract::issue_17_copy_store_copies_every_table_both_ways(&from, &to, &back).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copy_sqlite_to_postgres_and_back() {
    let Some(db) = support::postgres().await else {
        return;
    };
    let (from, back) = (support::sqlite().await, support::sqlite().await);
    crate::contract::issue_17_copy_store_copies_every_table_both_ways(&from, &db.store, &back)
        .await;
    db.drop_schema().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_15_sqlite_snapshot_is_consistent_under_a_concurrent_writer() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = sqlite_file(&dir).await;
    crate::contract::issue_15_snapshot_is_consistent_under_a_concurrent_writer(&store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_15_postgres_snapshot_is_consistent_under_a_concurrent_writer() {
    let Some(db) = support::postgres().await else {
        return;
    };
    crate::contract::issue_15_snapshot_is_consistent_under_a_concurrent_writer(&db.store).await;
    db.drop_schema().await;
}

#[tokio::test]
async fn sqlite_file_is_created_migrated_and_reopened() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("renkei.db");
    let url = DatabaseUrl::new(path.to_str().unwrap());
    let store = open(&url, OpenOptions::default()).await.unwrap();
    let src = source("test-a");
    store
        .upsert_facilities(&src, &synthetic(&src, 3))
        .await
        .unwrap();
    drop(store);
    let store = open(&url, OpenOptions::default()).await.unwrap();
    assert_eq!(store.count_facilities().await.unwrap(), 3);
    assert_eq!(store.backend(), renkei_store::Backend::Sqlite);
}

/// A SQLite store in a file inside `dir`, and its URL for opening the file
/// beside the store (as someone editing it by hand would).
async fn sqlite_file(dir: &tempfile::TempDir) -> (SqliteStore, DatabaseUrl) {
    let url = DatabaseUrl::new(dir.path().join("renkei.db").to_str().unwrap());
    let store = SqliteStore::open(&url, &OpenOptions::default())
        .await
        .unwrap();
    (store, url)
}

#[tokio::test]
async fn corrupt_stored_value_is_reported_as_corrupt() {
    let dir = tempfile::tempdir().unwrap();
    let (store, url) = sqlite_file(&dir).await;
    let src = source("test-a");
    let facility = synthetic(&src, 1).remove(0);
    store
        .upsert_facilities(&src, std::slice::from_ref(&facility))
        .await
        .unwrap();
    // Someone edits the file by hand.
    let pool = sqlx::SqlitePool::connect(url.expose()).await.unwrap();
    sqlx::query("UPDATE locations SET kind = 'spaceport'")
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    let err = store.facility(facility.id).await.unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Corrupt {
                entity: "location",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("spaceport"), "{err}");
}

/// SQLite imports write with foreign-key checks off and delete a changed
/// record's children themselves (issue 5, import speed): after updates that
/// drop a service, a schedule, capabilities and a phone, nothing is left
/// dangling, and the store's connections check foreign keys again.
#[tokio::test]
async fn issue_5_bulk_writes_leave_no_orphans_and_foreign_keys_checked() {
    let dir = tempfile::tempdir().unwrap();
    let (store, url) = sqlite_file(&dir).await;
    let src = source("test-a");
    let mut records = synthetic(&src, 3);
    let mut extra = records[0].services[0].clone();
    extra.key = "second".to_owned();
    records[0].services.push(extra);
    store.upsert_facilities(&src, &records).await.unwrap();
    records[0].services.truncate(1);
    records[0].services[0].capabilities.clear();
    records[0].services[0].schedules.clear();
    records[1].phones.truncate(1);
    let written = store.upsert_facilities(&src, &records).await.unwrap();
    assert_eq!((written.updated, written.unchanged), (2, 1));
    assert_eq!(store.facility(records[0].id).await.unwrap(), records[0]);

    let pool = sqlx::SqlitePool::connect(url.expose()).await.unwrap();
    let dangling: Vec<(String, i64, String, i64)> = sqlx::query_as("PRAGMA foreign_key_check")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(dangling, Vec::new(), "rows whose parent is gone");
    let count = |sql: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(sql)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    assert_eq!(count("SELECT count(*) FROM services").await, 3);
    assert_eq!(count("SELECT count(*) FROM service_at_location").await, 3);
    assert_eq!(count("SELECT count(*) FROM phones").await, 5);
    assert_eq!(count("SELECT count(*) FROM schedules").await, 2);
    assert_eq!(count("SELECT count(*) FROM service_capabilities").await, 4);
    pool.close().await;

    // The connection the import used checks foreign keys again: a verified
    // fact about a facility that does not exist is refused.
    let orphan = store
        .set_verified_facts(&[renkei_store::VerifiedFact {
            facility: renkei_core::FacilityId::from_source(&src.key, "架空-no-such-record"),
            service_key: "main".into(),
            field: renkei_store::VerifiedField::AcceptingNewClients,
            answer: renkei_core::Answer::Yes,
            verified: renkei_core::Verification {
                on: chrono::NaiveDate::from_ymd_opt(2026, 4, 1).unwrap(),
                by_organization: "架空保健福祉事務所".into(),
            },
            staff_note: None,
        }])
        .await;
    assert!(
        matches!(
            orphan,
            Err(StoreError::Conflict { .. } | StoreError::Database(_))
        ),
        "{orphan:?}"
    );
}

#[tokio::test]
async fn unsupported_url_is_a_clear_error() {
    let err = open(
        &DatabaseUrl::new("mysql://u:secret@host/db"),
        OpenOptions::default(),
    )
    .await
    .unwrap_err();
    let text = err.to_string();
    assert!(
        matches!(err, StoreError::BadUrl { .. })
            && text.contains("postgres://")
            && !text.contains("secret"),
        "{text}"
    );
}

#[tokio::test]
async fn unreachable_postgres_gives_up_with_a_plain_message() {
    // Nothing listens on port 9 of the loopback interface.
    let options = OpenOptions {
        startup_timeout: Duration::from_millis(1500),
        ..OpenOptions::default()
    };
    let started = Instant::now();
    let err = open(
        &DatabaseUrl::new("postgres://renkei:secret@127.0.0.1:9/renkei"),
        options,
    )
    .await
    .unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, StoreError::Unavailable { .. }), "{err:?}");
    assert!(
        text.contains("127.0.0.1:9") && !text.contains("secret"),
        "{text}"
    );
    assert!(
        started.elapsed() >= Duration::from_millis(1500),
        "retried for the whole start-up wait"
    );
    assert!(started.elapsed() < Duration::from_secs(15));
}
