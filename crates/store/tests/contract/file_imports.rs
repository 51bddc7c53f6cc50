//! Issue 15: one imported file is one transaction — records, placements,
//! conflicts, geocodes and the run-log row — with one data-version bump; and
//! the read model's snapshot is read in one transaction.

use crate::support::{facility, run_log, source};
use chrono::{NaiveDate, TimeZone, Utc};
use renkei_core::geocode::Precision;
use renkei_core::region::AssignmentMethod;
use renkei_core::{Answer, Facility, Verification};
use renkei_store::{
    FileImport, GeocodeRecord, ImportConflict, LocationAssignment, SourceInfo, Store, StoreError,
    VerifiedFact, VerifiedField,
};
use std::sync::atomic::{AtomicBool, Ordering};

/// Everything an import can change, as the store's public reads show it.
#[derive(Debug, PartialEq)]
struct Observed {
    snapshot: renkei_store::DirectorySnapshot,
    sources: Vec<SourceInfo>,
    runs: Vec<renkei_store::ImportRun>,
    conflicts: Vec<ImportConflict>,
    verified: Vec<VerifiedFact>,
    data_version: i64,
}

async fn observe(store: &dyn Store) -> Observed {
    Observed {
        snapshot: store.snapshot().await.unwrap(),
        sources: store.sources().await.unwrap(),
        runs: store.import_runs(100).await.unwrap(),
        conflicts: store.import_conflicts(100).await.unwrap(),
        verified: store.verified_facts().await.unwrap(),
        data_version: store.data_version().await.unwrap(),
    }
}

pub(crate) fn placement(facility: &Facility, distance_m: f64) -> LocationAssignment {
    LocationAssignment {
        id: facility.id,
        municipality: facility.location.municipality.clone(),
        region: facility.location.region.clone(),
        method: Some(AssignmentMethod::Nearest { distance_m }),
    }
}

/// A file that updates one record, adds one without coordinates (geocoded),
/// moves a placement and contradicts a verified fact.
struct SecondFile {
    facilities: Vec<Facility>,
    placements: Vec<LocationAssignment>,
    conflicts: Vec<ImportConflict>,
    geocodes: Vec<GeocodeRecord>,
}

impl SecondFile {
    fn new(src: &SourceInfo, first: &[Facility]) -> Self {
        let mut facilities = first.to_vec();
        facilities[0].name = "架空訪問看護ステーションさくら（移転）".into();
        // Still states "accepting" (against the desk's "no"), with one phone less.
        facilities[1].phones.pop();
        let mut added = facility(src, "3", "clinic", "架空ふじクリニック", "14207");
        added.location.position = None;
        facilities.push(added);
        let placements = facilities.iter().map(|f| placement(f, 250.0)).collect();
        let conflicts = vec![ImportConflict {
            facility: facilities[1].id,
            service_key: "main".into(),
            field: VerifiedField::AcceptingNewClients,
            imported: Answer::Yes,
            verified: Answer::No,
            verified_on: NaiveDate::from_ymd_opt(2026, 4, 2).unwrap(),
            source_key: src.key.clone(),
            file_name: "second.csv".into(),
            detected_at: Utc.with_ymd_and_hms(2026, 4, 3, 9, 0, 0).unwrap(),
        }];
        let geocodes = vec![GeocodeRecord {
            facility: facilities[2].id,
            precision: Precision::Town,
            matched: "架空市架空町一丁目".into(),
        }];
        Self {
            facilities,
            placements,
            conflicts,
            geocodes,
        }
    }

    fn import<'a>(&'a self, src: &'a SourceInfo) -> FileImport<'a> {
        FileImport {
            source: src,
            facilities: &self.facilities,
            placements: &self.placements,
            conflicts: &self.conflicts,
            geocodes: &self.geocodes,
        }
    }
}

/// Regression for issue 15: when the last step of a file's import (its
/// run-log row) fails, every table and the data version are as they were —
/// the records, placements, conflicts and geocodes written before it in the
/// same transaction included. The same file with a valid log then commits
/// all of it with one data-version bump.
pub async fn issue_15_a_failed_run_log_leaves_the_database_unchanged(store: &dyn Store) {
    let src = source("test-a");
    let first = vec![
        facility(
            &src,
            "1",
            "visiting_nurse",
            "架空訪問看護ステーションさくら",
            "14207",
        ),
        facility(&src, "2", "clinic", "テスト小児科クリニック", "14207"),
    ];
    let first_placements: Vec<_> = first.iter().map(|f| placement(f, 100.0)).collect();
    let import = FileImport {
        placements: &first_placements,
        ..FileImport::records(&src, &first)
    };
    store
        .apply_import(import, &run_log("first.csv", 2))
        .await
        .unwrap();
    store
        .set_verified_facts(&[VerifiedFact {
            facility: first[1].id,
            service_key: "main".into(),
            field: VerifiedField::AcceptingNewClients,
            answer: Answer::No,
            verified: Verification {
                on: NaiveDate::from_ymd_opt(2026, 4, 2).unwrap(),
                by_organization: "架空保健福祉事務所".into(),
            },
            staff_note: None,
        }])
        .await
        .unwrap();
    let before = observe(store).await;

    // Hex digits, so it passes the store's own check; one short, so the
    // table's constraint refuses the row after everything else was written.
    let second = SecondFile::new(&src, &first);
    let mut bad_log = run_log("second.csv", 3);
    bad_log.checksum_sha256.pop();
    let err = store
        .apply_import(second.import(&src), &bad_log)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Conflict { constraint } if constraint == "import_runs_checksum_format"),
        "{err:?}"
    );
    assert_eq!(
        observe(store).await,
        before,
        "nothing of the file is stored"
    );
    assert_eq!(
        store
            .set_location_assignments(&first_placements)
            .await
            .unwrap(),
        0,
        "the stored placements (methods and distances too) are the first file's"
    );

    let applied = store
        .apply_import(second.import(&src), &run_log("second.csv", 3))
        .await
        .unwrap();

    assert_eq!((applied.written.inserted, applied.written.updated), (1, 2));
    assert_eq!(applied.placements_changed, 3);
    assert_eq!(applied.data_version, Some(before.data_version + 1));
    let after = observe(store).await;
    assert_eq!(after.data_version, before.data_version + 1, "one bump");
    assert_eq!(after.runs.len(), 2);
    assert_eq!(after.runs[0], applied.run);
    assert_eq!(
        (after.runs[0].file_name.as_str(), after.runs[0].inserted),
        ("second.csv", 1)
    );
    assert_eq!(after.conflicts, second.conflicts);
    let added = store.facility(second.facilities[2].id).await.unwrap();
    assert_eq!(added.location.geocoded, Some(Precision::Town));
}

/// Regression for issue 15: an import whose conflicts or geocodes name a
/// record the file does not hold is refused before anything is written.
pub async fn issue_15_conflicts_and_geocodes_name_records_of_the_file(store: &dyn Store) {
    let src = source("test-a");
    let records = [facility(
        &src,
        "1",
        "clinic",
        "テスト小児科クリニック",
        "14207",
    )];
    let elsewhere = facility(&src, "2", "clinic", "架空クリニック", "14207");
    let geocodes = [GeocodeRecord {
        facility: elsewhere.id,
        precision: Precision::Municipality,
        matched: "架空市".into(),
    }];
    let import = FileImport {
        geocodes: &geocodes,
        ..FileImport::records(&src, &records)
    };
    let err = store
        .apply_import(import, &run_log("stray.csv", 1))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound { .. }), "{err:?}");
    assert_eq!(store.data_version().await.unwrap(), 0);
    assert!(store.import_runs(10).await.unwrap().is_empty());
}

/// Regression for issue 15: a snapshot read while another connection keeps
/// writing shows one committed state — its facilities (with their children)
/// are exactly those of the data version it reports. Needs a store with
/// several connections (a SQLite file, PostgreSQL).
pub async fn issue_15_snapshot_is_consistent_under_a_concurrent_writer(store: &dyn Store) {
    const WRITES: usize = 60;
    let src = source("test-a");
    let first = facility(&src, "0", "clinic", "架空クリニック0", "14207");
    store
        .upsert_facilities(&src, std::slice::from_ref(&first))
        .await
        .unwrap();
    // Each later write adds one record and bumps the version by one.
    let offset = store.data_version().await.unwrap() - 1;
    let done = AtomicBool::new(false);
    let writer = async {
        for i in 1..=WRITES {
            let record = facility(
                &src,
                &i.to_string(),
                "clinic",
                &format!("架空クリニック{i}"),
                "14207",
            );
            store.upsert_facilities(&src, &[record]).await.unwrap();
            tokio::task::yield_now().await;
        }
        done.store(true, Ordering::SeqCst);
    };
    let reader = async {
        let mut seen = Vec::new();
        while !done.load(Ordering::SeqCst) {
            let snapshot = store.snapshot().await.unwrap();
            let count = i64::try_from(snapshot.facilities.len()).unwrap();
            assert_eq!(
                snapshot.data_version - offset,
                count,
                "facilities of another version than the snapshot's"
            );
            for f in &snapshot.facilities {
                assert_eq!(
                    (
                        f.services.len(),
                        f.phones.len(),
                        f.services[0].schedules.len()
                    ),
                    (1, 2, 1),
                    "children of another version than their parent's"
                );
            }
            seen.push(snapshot.data_version);
        }
        seen
    };
    let ((), seen) = tokio::join!(writer, reader);
    assert!(!seen.is_empty());
    let last = store.snapshot().await.unwrap();
    assert_eq!(last.facilities.len(), WRITES + 1);
}
