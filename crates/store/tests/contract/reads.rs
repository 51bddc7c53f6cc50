//! Reads: filters, paging, designated cities, closed facilities, not found.

use crate::support::{facility, source};
use renkei_core::{FacilityId, FacilityStatus, KindCode, MunicipalityCode};
use renkei_store::{FacilityFilter, PageRequest, Store, StoreError};

fn names(page: &renkei_store::FacilityPage) -> Vec<&str> {
    page.items.iter().map(|f| f.name.as_str()).collect()
}

fn municipality(code: &str) -> FacilityFilter {
    FacilityFilter {
        municipality: Some(MunicipalityCode::new(code).unwrap()),
        ..FacilityFilter::default()
    }
}

/// Lists are ordered by kind, name, id, paged, and counted over all pages.
pub async fn filters_and_paging(store: &dyn Store) {
    let src = source("test-a");
    let batch = vec![
        facility(
            &src,
            "1",
            "visiting_nurse",
            "架空訪問看護ステーションさくら",
            "14207",
        ),
        facility(&src, "2", "clinic", "テスト小児科クリニックB", "14207"),
        facility(&src, "3", "clinic", "テスト小児科クリニックA", "14207"),
        facility(&src, "4", "hospital", "架空総合病院", "14207"),
        facility(&src, "5", "clinic", "テスト小児科クリニックC", "14201"),
    ];
    store.upsert_facilities(&src, &batch).await.unwrap();
    let all = FacilityFilter::default();
    let first = store
        .list_facilities(
            &all,
            PageRequest {
                page: 1,
                per_page: 2,
            },
        )
        .await
        .unwrap();
    assert_eq!(first.total, 5);
    assert_eq!(
        names(&first),
        ["テスト小児科クリニックA", "テスト小児科クリニックB"]
    );
    let second = store
        .list_facilities(
            &all,
            PageRequest {
                page: 2,
                per_page: 2,
            },
        )
        .await
        .unwrap();
    assert_eq!(names(&second), ["テスト小児科クリニックC", "架空総合病院"]);
    let third = store
        .list_facilities(
            &all,
            PageRequest {
                page: 3,
                per_page: 2,
            },
        )
        .await
        .unwrap();
    assert_eq!(names(&third), ["架空訪問看護ステーションさくら"]);
    let past = store
        .list_facilities(
            &all,
            PageRequest {
                page: 9,
                per_page: 2,
            },
        )
        .await
        .unwrap();
    assert_eq!((past.items.len(), past.total), (0, 5));

    let clinics = FacilityFilter {
        kind: Some(KindCode::new("clinic").unwrap()),
        ..FacilityFilter::default()
    };
    let page = store
        .list_facilities(
            &clinics,
            PageRequest {
                page: 1,
                per_page: 50,
            },
        )
        .await
        .unwrap();
    assert_eq!(page.total, 3);
    let mut both = municipality("14207");
    both.kind = clinics.kind.clone();
    let page = store
        .list_facilities(
            &both,
            PageRequest {
                page: 1,
                per_page: 50,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        names(&page),
        ["テスト小児科クリニックA", "テスト小児科クリニックB"]
    );
    // Full facilities come back, children included.
    assert_eq!(page.items[0], batch[2]);
}

/// A designated-city code matches its wards (as the stored region table lists
/// them); a ward or ordinary city matches itself.
pub async fn designated_city_matches_its_wards(store: &dyn Store) {
    let kanagawa = renkei_core::region::RegionTable::from_toml(include_str!(
        "../../../../data/regions/14_kanagawa.toml"
    ))
    .unwrap();
    store.upsert_region_table(&kanagawa).await.unwrap();
    let src = source("test-a");
    let mut stated_only = facility(&src, "2", "clinic", "架空クリニック鶴見", "14118");
    stated_only.location.municipality = None;
    let mut assigned_only = facility(&src, "5", "clinic", "架空クリニック港北", "14109");
    assigned_only.location.stated_municipality = Some(MunicipalityCode::new("14100").unwrap());
    let batch = vec![
        facility(&src, "1", "clinic", "架空クリニック西", "14101"),
        stated_only,
        facility(&src, "3", "clinic", "架空クリニック川崎", "14131"),
        facility(&src, "4", "clinic", "架空クリニック茅ヶ崎", "14207"),
        assigned_only,
        facility(&src, "6", "clinic", "架空クリニック相模原", "14151"),
    ];
    store.upsert_facilities(&src, &batch).await.unwrap();
    let list = |code: &'static str| async move {
        let page = store
            .list_facilities(
                &municipality(code),
                PageRequest {
                    page: 1,
                    per_page: 50,
                },
            )
            .await
            .unwrap();
        let mut records: Vec<String> = page
            .items
            .iter()
            .map(|f| f.provenance.source_record_id.clone())
            .collect();
        records.sort();
        assert_eq!(page.total, records.len() as u64);
        records
    };
    assert_eq!(list("14100").await, ["1", "2", "5"]);
    assert_eq!(list("14130").await, ["3"]);
    assert_eq!(list("14150").await, ["6"]);
    assert_eq!(list("14101").await, ["1"]);
    assert_eq!(list("14118").await, ["2"]);
    assert_eq!(list("14207").await, ["4"]);
    assert!(list("14210").await.is_empty());
}

/// Closed facilities are listed only on request and not counted as active.
pub async fn closed_facilities_are_filtered(store: &dyn Store) {
    let src = source("test-a");
    let mut closed = facility(&src, "2", "clinic", "架空クリニック（閉院）", "14207");
    closed.status = FacilityStatus::Closed;
    closed.closed_on = chrono::NaiveDate::from_ymd_opt(2025, 3, 31);
    let open = facility(&src, "1", "clinic", "テスト小児科クリニック", "14207");
    store
        .upsert_facilities(&src, &[open, closed.clone()])
        .await
        .unwrap();
    let page = store
        .list_facilities(
            &FacilityFilter::default(),
            PageRequest {
                page: 1,
                per_page: 50,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (names(&page), page.total),
        (vec!["テスト小児科クリニック"], 1)
    );
    let with_closed = FacilityFilter {
        include_closed: true,
        ..FacilityFilter::default()
    };
    let page = store
        .list_facilities(
            &with_closed,
            PageRequest {
                page: 1,
                per_page: 50,
            },
        )
        .await
        .unwrap();
    assert_eq!(page.total, 2);
    assert_eq!(store.count_facilities().await.unwrap(), 1);
    assert_eq!(store.all_facilities().await.unwrap().len(), 2);
    assert_eq!(store.facility(closed.id).await.unwrap(), closed);
    let counts = store.count_facilities_by_source().await.unwrap();
    assert_eq!(counts.get("test-a"), Some(&2));
}

/// An unknown id is `NotFound` naming the facility.
pub async fn unknown_facility_is_not_found(store: &dyn Store) {
    let id = FacilityId::from_source("test-a", "missing");
    match store.facility(id).await {
        Err(StoreError::NotFound { entity, key }) => {
            assert_eq!(entity, "facility");
            assert_eq!(key, id.to_string());
        }
        other => panic!("expected NotFound, got {other:?}"),
    }
}
