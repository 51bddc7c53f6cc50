//! The import-run log.

use chrono::{TimeZone, Utc};
use renkei_store::{ImportRun, Store, StoreError};

fn run(file_name: &str, minute: u32, inserted: u64) -> ImportRun {
    ImportRun {
        source_key: "test-a".into(),
        file_name: file_name.into(),
        checksum_sha256: "ab".repeat(32),
        started_at: Utc.with_ymd_and_hms(2026, 4, 1, 9, minute, 0).unwrap(),
        finished_at: Utc.with_ymd_and_hms(2026, 4, 1, 9, minute, 30).unwrap(),
        rows_read: inserted + 1,
        inserted,
        updated: 0,
        unchanged: 0,
        rejected: 1,
        closed: 0,
    }
}

/// Runs come back newest first, field for field, and bad runs are refused.
pub async fn import_runs_are_logged_newest_first(store: &dyn Store) {
    assert!(store.import_runs(10).await.unwrap().is_empty());
    let (older, newer) = (
        run("jigyosho_130.csv", 1, 5),
        run("csvdownload024.csv", 2, 7),
    );
    store.record_import_run(&older).await.unwrap();
    store.record_import_run(&newer).await.unwrap();
    assert_eq!(
        store.import_runs(10).await.unwrap(),
        vec![newer.clone(), older]
    );
    assert_eq!(store.import_runs(1).await.unwrap(), vec![newer]);
    let mut bad = run("x.csv", 3, 1);
    bad.checksum_sha256 = "not-a-checksum".into();
    assert!(matches!(
        store.record_import_run(&bad).await,
        Err(StoreError::Conflict { .. })
    ));
}
