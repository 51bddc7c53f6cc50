//! Writes: migrations, upsert idempotency, rollback, provenance checks.

use crate::support::{facility, source};
use renkei_core::{Answer, LonLat};
use renkei_store::{FacilityFilter, PageRequest, Store, StoreError, WriteSummary};

fn summary(inserted: u64, updated: u64, unchanged: u64) -> WriteSummary {
    WriteSummary {
        inserted,
        updated,
        unchanged,
    }
}

/// A freshly migrated store is empty and answers.
pub async fn migrations_from_empty(store: &dyn Store) {
    store.ping().await.unwrap();
    assert_eq!(store.count_facilities().await.unwrap(), 0);
    assert_eq!(store.data_version().await.unwrap(), 0);
    assert!(store.sources().await.unwrap().is_empty());
    assert!(store.all_facilities().await.unwrap().is_empty());
    let page = store
        .list_facilities(
            &FacilityFilter::default(),
            PageRequest {
                page: 1,
                per_page: 10,
            },
        )
        .await
        .unwrap();
    assert_eq!((page.items.len(), page.total), (0, 0));
}

/// Insert, re-import unchanged, update one: counts say which, data reads back.
pub async fn upsert_is_idempotent(store: &dyn Store) {
    let src = source("test-a");
    let mut batch = vec![
        facility(
            &src,
            "1",
            "visiting_nurse",
            "架空訪問看護ステーションさくら",
            "14207",
        ),
        facility(&src, "2", "clinic", "テスト小児科クリニック", "14207"),
        facility(&src, "3", "hospital", "架空総合病院", "14101"),
    ];
    assert_eq!(
        store.upsert_facilities(&src, &batch).await.unwrap(),
        summary(3, 0, 0)
    );
    assert_eq!(
        store.upsert_facilities(&src, &batch).await.unwrap(),
        summary(0, 0, 3)
    );
    // Only imported_at differs: still unchanged.
    batch[0].provenance.imported_at += chrono::Duration::days(1);
    assert_eq!(
        store.upsert_facilities(&src, &batch).await.unwrap(),
        summary(0, 0, 3)
    );

    batch[1].name = String::from("テスト小児科クリニック（移転）");
    batch[1].services[0].capabilities.remove(1);
    batch[1].phones.pop();
    assert_eq!(
        store.upsert_facilities(&src, &batch).await.unwrap(),
        summary(0, 1, 2)
    );

    let stored = store.facility(batch[1].id).await.unwrap();
    assert_eq!(stored.name, "テスト小児科クリニック（移転）");
    assert_eq!(stored.phones.len(), 1);
    assert_eq!(stored.services[0].capabilities.len(), 1);
    assert_eq!(stored, batch[1]);
    // The first write's imported_at stays: unchanged records are not rewritten.
    let first = store.facility(batch[0].id).await.unwrap();
    assert_eq!(
        first.provenance.imported_at + chrono::Duration::days(1),
        batch[0].provenance.imported_at
    );
    assert_eq!(store.count_facilities().await.unwrap(), 3);
    assert_eq!(store.sources().await.unwrap(), vec![src]);
}

/// Issue 5: a batch larger than one INSERT per table (the SQLite writer
/// splits rows into statements and runs them one behind the other) writes,
/// re-imports unchanged and updates records in every part of the batch.
pub async fn issue_5_large_batch_spans_statements(store: &dyn Store) {
    const RECORDS: usize = 1_234;
    let src = source("test-a");
    let mut batch: Vec<_> = (0..RECORDS)
        .map(|i| {
            facility(
                &src,
                &i.to_string(),
                "visiting_nurse",
                &format!("架空訪問看護ステーション{i}"),
                "14207",
            )
        })
        .collect();
    assert_eq!(
        store.upsert_facilities(&src, &batch).await.unwrap(),
        summary(RECORDS as u64, 0, 0)
    );
    assert_eq!(
        store.upsert_facilities(&src, &batch).await.unwrap(),
        summary(0, 0, RECORDS as u64)
    );
    let edited = [0, RECORDS / 2, RECORDS - 1];
    for &i in &edited {
        batch[i].name = format!("架空訪問看護ステーション{i}（移転）");
        batch[i].phones.pop();
        batch[i].services[0].capabilities.remove(0);
    }
    assert_eq!(
        store.upsert_facilities(&src, &batch).await.unwrap(),
        summary(0, edited.len() as u64, (RECORDS - edited.len()) as u64)
    );
    for &i in &edited {
        assert_eq!(store.facility(batch[i].id).await.unwrap(), batch[i]);
    }
    let mut stored = store.all_facilities().await.unwrap();
    stored.sort_by_key(|f| f.id);
    batch.sort_by_key(|f| f.id);
    assert_eq!(stored, batch);
}

/// Every stored field, staff-only ones included, reads back exactly.
pub async fn round_trips_every_field_including_staff_only(store: &dyn Store) {
    let src = source("test-a");
    let mut f = facility(
        &src,
        "1",
        "visiting_nurse",
        "架空訪問看護ステーションさくら",
        "14207",
    );
    f.name_kana = None;
    f.location.position = None;
    f.location.region = None;
    f.closed_on = None;
    f.services[0].service_type = Some(renkei_core::ServiceTypeCode::new("short_stay").unwrap());
    f.services[0].ages.max_years = None;
    f.services[0].schedules.push(renkei_core::Schedule {
        weekdays: vec![],
        opens_at: None,
        closes_at: None,
        description: Some("臨時".into()),
    });
    let mut second = f.services[0].clone();
    second.key = "second".into();
    second.capabilities[0].answer = Answer::Unknown;
    f.services.push(second);
    store
        .upsert_facilities(&src, std::slice::from_ref(&f))
        .await
        .unwrap();
    let stored = store.facility(f.id).await.unwrap();
    assert_eq!(stored, f);
    assert_eq!(
        stored.staff_note.as_deref(),
        Some("担当者への連絡は午後が確実（職員のみ）")
    );
    assert_eq!(
        stored.phones[1].visibility,
        renkei_core::Visibility::StaffOnly
    );
    assert!(stored.services[0].capabilities[0].staff_note.is_some());
    assert_eq!(store.all_facilities().await.unwrap(), vec![f]);
}

/// Positions read back to the last bit, whatever their number of digits
/// (SQLite reads whole tables as JSON, where a real keeps 15 digits unless
/// written out in full).
pub async fn positions_read_back_to_the_last_bit(store: &dyn Store) {
    let src = source("test-a");
    let positions = [
        (139.0 + 1.0 / 3.0, 35.0 + 1.0 / 7.0),
        (139.403_525_f64.next_up(), 35.0 + 1.0 / 3.0),
        (140.0, 35.0),
        (-0.000_000_000_000_1, 0.1 + 0.2),
    ];
    let batch: Vec<_> = positions
        .iter()
        .enumerate()
        .map(|(i, &(lon, lat))| {
            let mut f = facility(&src, &i.to_string(), "clinic", "テスト診療所", "14207");
            f.location.position = Some(LonLat::new(lon, lat).unwrap());
            f
        })
        .collect();
    store.upsert_facilities(&src, &batch).await.unwrap();
    let bits = |facilities: &[renkei_core::Facility]| -> Vec<(u64, u64)> {
        facilities
            .iter()
            .map(|f| {
                let p = f.location.position.unwrap();
                (p.lon().to_bits(), p.lat().to_bits())
            })
            .collect()
    };
    let mut all = store.all_facilities().await.unwrap();
    all.sort_by_key(|f| f.provenance.source_record_id.clone());
    assert_eq!(bits(&all), bits(&batch));
    let one = store.facility(batch[0].id).await.unwrap();
    assert_eq!(bits(&[one]), bits(&batch[..1]));
}

/// A batch that fails part-way writes nothing, not even its source row.
pub async fn failing_batch_rolls_back(store: &dyn Store) {
    let src = source("test-a");
    let good = facility(&src, "1", "clinic", "テスト小児科クリニック", "14207");
    store
        .upsert_facilities(&src, std::slice::from_ref(&good))
        .await
        .unwrap();
    let version = store.data_version().await.unwrap();

    let mut changed = good.clone();
    changed.name = "変更されてはいけない名前".into();
    let new = facility(&src, "2", "clinic", "架空こどもクリニック", "14207");
    let mut bad = facility(&src, "3", "clinic", "架空クリニック", "14207");
    bad.location.postal_code = Some("253-0000".into()); // breaks locations_postal_code_format
    let err = store
        .upsert_facilities(&src, &[changed, new.clone(), bad])
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Conflict { constraint } if constraint == "locations_postal_code_format"),
        "{err:?}"
    );
    assert_eq!(store.facility(good.id).await.unwrap(), good);
    assert!(matches!(
        store.facility(new.id).await,
        Err(StoreError::NotFound { .. })
    ));
    assert_eq!(store.count_facilities().await.unwrap(), 1);
    assert_eq!(store.data_version().await.unwrap(), version);

    let other = source("test-b");
    let mut bad = facility(&other, "1", "clinic", "架空クリニック", "14207");
    bad.location.postal_code = Some("1".into());
    assert!(store.upsert_facilities(&other, &[bad]).await.is_err());
    assert_eq!(
        store.sources().await.unwrap().len(),
        1,
        "the failed batch's source row is rolled back too"
    );
}

/// Records must belong to the batch's source and carry their derived id.
pub async fn rejects_records_of_another_source(store: &dyn Store) {
    let a = source("test-a");
    let b = source("test-b");
    let foreign = facility(&b, "1", "clinic", "テスト小児科クリニック", "14207");
    let err = store.upsert_facilities(&a, &[foreign]).await.unwrap_err();
    assert!(
        matches!(&err, StoreError::InvalidRecord { source_record_id, .. } if source_record_id == "1"),
        "{err:?}"
    );
    assert!(err.to_string().contains("test-b"), "{err}");

    let mut wrong_id = facility(&a, "1", "clinic", "テスト小児科クリニック", "14207");
    wrong_id.id = renkei_core::FacilityId::from_source("test-a", "2");
    assert!(matches!(
        store.upsert_facilities(&a, &[wrong_id]).await,
        Err(StoreError::InvalidRecord { .. })
    ));

    let twice = facility(&a, "1", "clinic", "テスト小児科クリニック", "14207");
    let err = store
        .upsert_facilities(&a, &[twice.clone(), twice])
        .await
        .unwrap_err();
    assert!(err.to_string().contains("twice"), "{err}");
    assert_eq!(store.data_version().await.unwrap(), 0);
}

/// `data_version` grows with each changing write and stays for a no-op one.
pub async fn data_version_increases_on_change(store: &dyn Store) {
    let src = source("test-a");
    let v0 = store.data_version().await.unwrap();
    let f = facility(&src, "1", "clinic", "テスト小児科クリニック", "14207");
    store
        .upsert_facilities(&src, std::slice::from_ref(&f))
        .await
        .unwrap();
    let v1 = store.data_version().await.unwrap();
    assert!(v1 > v0);
    store
        .upsert_facilities(&src, std::slice::from_ref(&f))
        .await
        .unwrap();
    assert_eq!(
        store.data_version().await.unwrap(),
        v1,
        "an unchanged batch is not a change"
    );
    let mut changed_source = src.clone();
    changed_source.licence = "CC BY 2.1 JP".into();
    let mut f2 = f.clone();
    f2.provenance.licence.clone_from(&changed_source.licence);
    store
        .upsert_facilities(&changed_source, &[f2])
        .await
        .unwrap();
    assert!(store.data_version().await.unwrap() > v1);
    assert_eq!(
        store.facility(f.id).await.unwrap().provenance.licence,
        "CC BY 2.1 JP"
    );
}
